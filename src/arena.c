/* arena: chunked bump allocator backing one compilation unit's AST. */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS, MAP_POPULATE */
#include "arena.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct chunk { struct chunk *next; size_t used, cap, mapped; unsigned char data[]; };
struct arena { struct chunk *head; unsigned grown; };

/* Chunks double from 4 KiB as a unit grows, up to 8 MiB: `eval 1/3` zeroes little, and
 * a million-line program's tree (hundreds of megabytes) takes few chunks. A chunk of
 * 1 MiB or more is mapped with its pages filled in at once (where the system can):
 * taking them one fault at a time was a fifth of the time of reading such a program. */
enum { CHUNK_SIZE = 4 * 1024, CHUNK_MAX = 8 * 1024 * 1024, CHUNK_MAPPED = 1024 * 1024, ALIGN = 16 };

static struct chunk *chunk_new(arena_t *a, size_t size)
{
    size_t cap = (size_t)CHUNK_SIZE << a->grown;
    if (cap < CHUNK_MAX) a->grown++;
    if (cap < size) cap = size;
    size_t bytes = sizeof(struct chunk) + cap, mapped = 0;
    struct chunk *c = NULL;
#ifdef MAP_POPULATE
    if (bytes >= CHUNK_MAPPED) {
        void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p != MAP_FAILED) { c = p; mapped = bytes; }
    }
#endif
    if (!c && !(c = calloc(1, bytes))) return NULL;   /* zeroed once: allocations take fresh bytes */
    c->used = 0;
    c->cap = cap;
    c->mapped = mapped;
    c->next = a->head;
    a->head = c;
    return c;
}

static void chunk_free(struct chunk *c)
{
    if (c->mapped) munmap(c, c->mapped);
    else free(c);
}

arena_t *arena_new(void) { return calloc(1, sizeof(arena_t)); }

void arena_free(arena_t *a)
{
    if (!a) return;
    for (struct chunk *c = a->head, *n; c; c = n) { n = c->next; chunk_free(c); }
    free(a);
}

/* size bytes at a multiple of align (a power of two), zeroed: a chunk is zeroed when
 * made and no byte of it is handed out twice */
static void *alloc_aligned(arena_t *a, size_t size, size_t align)
{
    struct chunk *c = a->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->cap || c->cap - at < size) {
        if (!(c = chunk_new(a, size))) return NULL;
        at = 0;
    }
    void *p = c->data + at;
    c->used = at + size;
    return p;
}

void *arena_alloc(arena_t *a, size_t size) { return alloc_aligned(a, size, ALIGN); }

/* Strings need no alignment: packed, a million short literals take a third of the room. */
char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    char *p = alloc_aligned(a, n + 1, 1);
    if (p) memcpy(p, s, n);
    return p;
}
