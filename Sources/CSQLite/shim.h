#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro over a cast Swift cannot import: SQLite copies the bytes.
static inline void (*advocomp_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
