#ifndef ADVOCOMP_FILE_SAFETY_H
#define ADVOCOMP_FILE_SAFETY_H

/// Temporary files a command is writing, removed if the process is interrupted.
///
/// A signal handler may only call async-signal-safe functions, so the paths live in a
/// fixed table of C strings that the handler walks with unlink(2). SIGINT, SIGTERM and
/// SIGHUP remove every registered file, then end the process as the signal would have.
/// SIGXFSZ (a file size limit) is ignored, so the write fails with EFBIG and the
/// command reports it and cleans up like any other failed write.

/// Installs the handlers (once; later calls do nothing).
void advocomp_cleanup_install(void);

/// Registers `path` for removal on a signal; returns its slot, or -1 when the table is
/// full or the path too long (the caller must then not create the file).
int advocomp_cleanup_add(const char *path);

/// Registers an (empty, or emptied by the above) directory for removal on a signal,
/// after every file; directories go the most recently registered first.
int advocomp_cleanup_add_directory(const char *path);

/// Registers the files `directory/0` ... `directory/(count-1)` for removal on a signal
/// (a staging directory of many outputs, which the fixed table could not hold one by
/// one); `directory` NULL forgets them. Returns -1 when the path is too long.
int advocomp_cleanup_set_numbered(const char *directory, int count);

/// Forgets slot `slot` (the file was renamed into place or removed).
void advocomp_cleanup_remove(int slot);

/// Holds, then takes, the signals above (around the renames that put outputs in place
/// and the history's commit, so an interrupt comes before or after them, never between
/// two of them): a signal that arrives meanwhile is acted on by the unblock.
void advocomp_signals_block(void);
void advocomp_signals_unblock(void);

#endif
