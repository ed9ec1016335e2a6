/* strmap: open addressing with linear probing; deletion shifts the following entries back
 * (no tombstones), and the table doubles at half full. */
#include "strmap.h"
#include <stdlib.h>
#include <string.h>

typedef struct { char *key; void *value; } slot_t;
struct strmap { slot_t *slots; size_t cap, n; };

static size_t hash_of(const char *s)
{
    size_t h = 1469598103934665603u;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

strmap_t *strmap_new(void)
{
    strmap_t *m = calloc(1, sizeof *m);
    if (m && !(m->slots = calloc(m->cap = 16, sizeof *m->slots))) { free(m); m = NULL; }
    return m;
}

void strmap_free(strmap_t *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    free(m);
}

static size_t find(const strmap_t *m, const char *key)
{
    size_t i = hash_of(key) & (m->cap - 1);
    while (m->slots[i].key && strcmp(m->slots[i].key, key)) i = (i + 1) & (m->cap - 1);
    return i;
}

void *strmap_get(const strmap_t *m, const char *key)
{
    return m->slots[find(m, key)].value;
}

static int grow(strmap_t *m)
{
    slot_t *old = m->slots;
    size_t cap = m->cap;
    if (!(m->slots = calloc(cap * 2, sizeof *m->slots))) { m->slots = old; return 0; }
    m->cap = cap * 2;
    for (size_t i = 0; i < cap; i++)
        if (old[i].key) m->slots[find(m, old[i].key)] = old[i];
    free(old);
    return 1;
}

int strmap_put(strmap_t *m, const char *key, void *value)
{
    size_t i = find(m, key);
    if (m->slots[i].key) { m->slots[i].value = value; return 1; }
    if ((m->n + 1) * 2 > m->cap) {
        if (!grow(m)) return 0;
        i = find(m, key);
    }
    if (!(m->slots[i].key = strdup(key))) return 0;
    m->slots[i].value = value;
    m->n++;
    return 1;
}

void strmap_remove(strmap_t *m, const char *key)
{
    size_t i = find(m, key), mask = m->cap - 1;
    if (!m->slots[i].key) return;
    free(m->slots[i].key);
    m->slots[i] = (slot_t){ NULL, NULL };
    m->n--;
    /* entries after the hole that hashed at or before it move into it */
    for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
        size_t home = hash_of(m->slots[j].key) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slots[i] = m->slots[j];
            m->slots[j] = (slot_t){ NULL, NULL };
            i = j;
        }
    }
}
