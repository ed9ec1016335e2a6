/* arena: chunked bump allocator backing one compilation unit's AST. */
#include "arena.h"
#include <stdlib.h>
#include <string.h>

struct chunk { struct chunk *next; size_t used, cap; unsigned char data[]; };
struct arena { struct chunk *head; };

enum { CHUNK_SIZE = 64 * 1024, ALIGN = 16 };

arena_t *arena_new(void) { return calloc(1, sizeof(arena_t)); }

void arena_free(arena_t *a)
{
    if (!a) return;
    for (struct chunk *c = a->head, *n; c; c = n) { n = c->next; free(c); }
    free(a);
}

/* size bytes at a multiple of align (a power of two), zeroed */
static void *alloc_aligned(arena_t *a, size_t size, size_t align)
{
    struct chunk *c = a->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->cap || c->cap - at < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->used = 0; c->cap = cap; c->next = a->head; a->head = c;
        at = 0;
    }
    void *p = c->data + at;
    c->used = at + size;
    memset(p, 0, size);
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
