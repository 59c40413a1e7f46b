#include "allocator_tuning.h"

// <stdlib.h> first: it is what defines __GLIBC__. Testing __GLIBC__ before any C
// library header was included made this function an empty one until November 2026.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void advocomp_tune_allocator(void) {
#if defined(__GLIBC__)
    // 32 MiB is the highest threshold glibc accepts (it ignores a larger one): blocks
    // below it are reused from the heap instead of mapped and unmapped each time.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
#endif
}

void advocomp_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
