/* mpmem: GMP's memory, recycled. Exact arithmetic makes and drops a few small limb
 * blocks per operation (a rational is two of them); going to malloc and free for each
 * was a third of a sweep's time. Freed small blocks are kept on lists by size class and
 * handed out again. Every block is an ordinary malloc'd block of its class's size, so a
 * string from mpz_get_str(NULL, ...) may still be given to free(). Under AddressSanitizer
 * blocks are not kept, so it still sees every use after free. Limbs in the fixed stretch
 * (mpmem_fixed: values keep a small number's limbs inside themselves) are their holder's:
 * they are never freed here, and a number that outgrows them moves to a block of its own. */
#include "mpmem.h"
#include <gmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Classes of 16 bytes up to 256 (32 limbs); each list holds at most KEEP blocks (a
 * period of a long contract frees tens of thousands at once, and takes them again). */
enum { GRAIN = 16, CLASSES = 16, KEEP = 1 << 16 };

typedef struct block { struct block *next; } block_t;
static block_t *lists[CLASSES];
static size_t counts[CLASSES];

/* The class of a block of n bytes, or CLASSES for one that is not kept. */
static size_t class_of(size_t n) { return n && n <= GRAIN * CLASSES ? (n - 1) / GRAIN : CLASSES; }

static uintptr_t fixed_base;
static size_t fixed_len;   /* 0: no fixed stretch */
static int installed;

static int is_fixed(const void *p) { return (uintptr_t)p - fixed_base < fixed_len; }

/* GMP's own functions: when malloc fails they report it as GMP always has. */
static void *(*gmp_alloc)(size_t);
static void *(*gmp_realloc)(void *, size_t, size_t);

static void *mp_alloc(size_t n)
{
    size_t c = class_of(n);
    if (c < CLASSES && lists[c]) {
        block_t *b = lists[c];
        lists[c] = b->next;
        counts[c]--;
        return b;
    }
    void *p = malloc(c < CLASSES ? (c + 1) * GRAIN : n);
    return p ? p : gmp_alloc(c < CLASSES ? (c + 1) * GRAIN : n);
}

static void mp_free(void *p, size_t n)
{
    size_t c = class_of(n);
    if (is_fixed(p)) return;
    if (MPMEM_RECYCLE && c < CLASSES && counts[c] < KEEP) {
        block_t *b = p;
        b->next = lists[c];
        lists[c] = b;
        counts[c]++;
        return;
    }
    free(p);
}

static void *mp_realloc(void *p, size_t old, size_t n)
{
    size_t oc = class_of(old), nc = class_of(n);
    if (is_fixed(p)) {
        void *q = mp_alloc(n);
        memcpy(q, p, old < n ? old : n);
        return q;
    }
    if (oc < CLASSES && oc == nc) return p;   /* the block already has room */
    if (oc == CLASSES && nc == CLASSES) {
        void *q = realloc(p, n);
        return q ? q : gmp_realloc(p, old, n);
    }
    void *q = mp_alloc(n);
    memcpy(q, p, old < n ? old : n);
    mp_free(p, old);
    return q;
}

void mpmem_install(void)
{
    mp_get_memory_functions(&gmp_alloc, &gmp_realloc, NULL);
    mp_set_memory_functions(mp_alloc, mp_realloc, mp_free);
    installed = 1;
}

int mpmem_fixed(const void *base, size_t len)
{
    if (!MPMEM_RECYCLE || !installed || fixed_len) return 0;
    fixed_base = (uintptr_t)base;
    fixed_len = len;
    return 1;
}
