/* mpmem: GMP's memory, recycled (see mpmem.c). */
#ifndef OUTLAY_MPMEM_H
#define OUTLAY_MPMEM_H
#include <stddef.h>
/* Whether freed memory is kept for reuse: not under AddressSanitizer, so that it still
 * sees every use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define MPMEM_RECYCLE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MPMEM_RECYCLE 0
#endif
#endif
#ifndef MPMEM_RECYCLE
#define MPMEM_RECYCLE 1
#endif

/* Call before any GMP number is made. */
void mpmem_install(void);
/* Makes [base, base + len) the fixed stretch: limb blocks in it belong to whatever holds
 * them (GMP never frees them; a number outgrowing one moves to a block of its own). 0, and
 * nothing done, when mpmem is not GMP's allocator, when freed memory is not kept (under
 * AddressSanitizer) or when there is a fixed stretch already. */
int mpmem_fixed(const void *base, size_t len);
#endif
