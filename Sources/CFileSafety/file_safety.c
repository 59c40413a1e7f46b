#include "file_safety.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 64
#define PATH_BYTES 4096

static char paths[SLOTS][PATH_BYTES];
static volatile sig_atomic_t used[SLOTS];
/* A slot holding a directory: removed (rmdir) after every file, the last registered first. */
static volatile sig_atomic_t is_directory[SLOTS];
static volatile sig_atomic_t order[SLOTS];
static volatile sig_atomic_t next_order;
static volatile sig_atomic_t committing, pending;
static int installed;

/* The staging directory of numbered files (0, 1, 2, ...) and how many there may be. */
static char numbered_dir[PATH_BYTES];
static char numbered_path[PATH_BYTES + 24];
static volatile sig_atomic_t numbered_count = -1;

static void remove_numbered(void) {
    int count = numbered_count;
    if (count < 0) return;
    size_t n = strlen(numbered_dir);
    memcpy(numbered_path, numbered_dir, n);
    numbered_path[n] = '/';
    for (int i = 0; i < count; i++) {
        /* The decimal digits of i, written by hand (async-signal-safe). */
        char digits[12];
        int k = 0, v = i;
        do { digits[k++] = (char)('0' + v % 10); v /= 10; } while (v > 0 && k < 11);
        size_t j = n + 1;
        while (k > 0) numbered_path[j++] = digits[--k];
        numbered_path[j] = 0;
        unlink(numbered_path);
    }
}

static void on_signal(int sig) {
    // Any thread may take the signal: during the renames it is only noted, and taken
    // when they are done (advocomp_signals_unblock).
    if (committing) {
        pending = sig;
        return;
    }
    for (int i = 0; i < SLOTS; i++) {
        if (used[i] && !is_directory[i]) unlink(paths[i]);
    }
    remove_numbered();
    // Directories last, the most recently registered (the innermost) first.
    for (;;) {
        int last = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (used[i] && is_directory[i] && (last < 0 || order[i] > order[last])) last = i;
        }
        if (last < 0) break;
        rmdir(paths[last]);
        used[last] = 0;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void advocomp_cleanup_install(void) {
    if (installed) return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGTERM, &sa, 0);
    sigaction(SIGHUP, &sa, 0);
    signal(SIGXFSZ, SIG_IGN);
}

static int add(const char *path, int directory) {
    size_t n = strlen(path);
    if (n >= PATH_BYTES) return -1;
    for (int i = 0; i < SLOTS; i++) {
        if (!used[i]) {
            memcpy(paths[i], path, n + 1);
            is_directory[i] = directory;
            order[i] = next_order++;
            used[i] = 1;  // set after the path is in place: the handler reads used first
            return i;
        }
    }
    return -1;
}

int advocomp_cleanup_add(const char *path) { return add(path, 0); }

int advocomp_cleanup_add_directory(const char *path) { return add(path, 1); }

int advocomp_cleanup_set_numbered(const char *directory, int count) {
    if (directory == 0) { numbered_count = -1; return 0; }
    size_t n = strlen(directory);
    if (n >= PATH_BYTES) return -1;
    numbered_count = -1;  // the handler ignores the table while it changes
    memcpy(numbered_dir, directory, n + 1);
    numbered_count = count;
    return 0;
}

void advocomp_cleanup_remove(int slot) {
    if (slot >= 0 && slot < SLOTS) used[slot] = 0;
}

void advocomp_signals_block(void) { committing = 1; }

void advocomp_signals_unblock(void) {
    committing = 0;
    if (pending) {
        int sig = pending;
        pending = 0;
        on_signal(sig);
    }
}
