#ifndef ADVOCOMP_ALLOCATOR_TUNING_H
#define ADVOCOMP_ALLOCATOR_TUNING_H

/// Asks glibc malloc to keep freed memory in the process and to serve large blocks
/// from the heap, so a short-lived run does not fault the same pages in twice.
/// A no-op on other C libraries.
void advocomp_tune_allocator(void);

#endif
