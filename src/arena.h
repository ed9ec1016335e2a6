/* arena: bump allocation for everything that lives as long as one compilation unit
 * (the AST and its strings). Freed all at once. */
#ifndef OUTLAY_ARENA_H
#define OUTLAY_ARENA_H
#include <stddef.h>

typedef struct arena arena_t;

arena_t *arena_new(void);
void arena_free(arena_t *a);
/* Zeroed memory; NULL only when the system is out of memory. */
void *arena_alloc(arena_t *a, size_t size);
char *arena_strndup(arena_t *a, const char *s, size_t n);
#endif
