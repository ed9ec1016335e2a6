/* strmap: a map from strings to pointers in expected constant time (the files a run has
 * parsed and imported, by real path: a 20,000-file import chain stays linear). */
#ifndef OUTLAY_STRMAP_H
#define OUTLAY_STRMAP_H
#include <stddef.h>

typedef struct strmap strmap_t;

strmap_t *strmap_new(void);
/* Frees the map and its copies of the keys, not the values. */
void strmap_free(strmap_t *m);
/* The value for key, or NULL. */
void *strmap_get(const strmap_t *m, const char *key);
/* Sets key (copied) to value (not NULL); 0 when out of memory. */
int strmap_put(strmap_t *m, const char *key, void *value);
/* Removes key; nothing when it is absent. */
void strmap_remove(strmap_t *m, const char *key);
#endif
