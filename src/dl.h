/* dl: a shared library loaded on first use (dlopen) with the names a module needs, so that
 * runs which never use it don't pay for loading it (readline_dl, pq_dl). */
#ifndef OUTLAY_DL_H
#define OUTLAY_DL_H
#include <stddef.h>

/* Opens the first of sonames that loads and looks up each of names into *slots[i]. *state
 * remembers the outcome (0 not tried, 1 loaded, -1 unavailable); 1 when every name was found. */
int dl_load(int *state, const char *const *sonames, size_t nsonames,
            const char *const *names, void **const *slots, size_t nnames);
#endif
