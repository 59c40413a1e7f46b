#ifndef ADVOCOMP_ALLOCATOR_TUNING_H
#define ADVOCOMP_ALLOCATOR_TUNING_H

/// Asks glibc malloc to keep freed memory in the process and to serve large blocks
/// from the heap, so a short-lived run does not fault the same pages in twice.
/// A no-op on other C libraries.
void advocomp_tune_allocator(void);
/* Returns the memory freed so far to the system (glibc's malloc_trim): called once a big
   calculation's parsing buffers are freed, before a long export, so the peak holds what
   the export needs and not the garbage of what came before. */
void advocomp_release_free_memory(void);

#endif
