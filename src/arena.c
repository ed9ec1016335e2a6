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

void *arena_alloc(arena_t *a, size_t size)
{
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    struct chunk *c = a->head;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->used = 0; c->cap = cap; c->next = a->head; a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p) { memcpy(p, s, n); p[n] = '\0'; }
    return p;
}

