#include "file_safety.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 64
#define PATH_BYTES 4096

static char paths[SLOTS][PATH_BYTES];
static volatile sig_atomic_t used[SLOTS];
static volatile sig_atomic_t committing, pending;
static int installed;

static void on_signal(int sig) {
    // Any thread may take the signal: during the renames it is only noted, and taken
    // when they are done (advocomp_signals_unblock).
    if (committing) {
        pending = sig;
        return;
    }
    for (int i = 0; i < SLOTS; i++) {
        if (used[i]) unlink(paths[i]);
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

int advocomp_cleanup_add(const char *path) {
    size_t n = strlen(path);
    if (n >= PATH_BYTES) return -1;
    for (int i = 0; i < SLOTS; i++) {
        if (!used[i]) {
            memcpy(paths[i], path, n + 1);
            used[i] = 1;  // set after the path is in place: the handler reads used first
            return i;
        }
    }
    return -1;
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
