/* pq_dl: loads libpq when a database usage source is first used (see pq_dl.h). */
#define PQ_DL_IMPLEMENTATION
#include "pq_dl.h"
#ifdef HAVE_LIBPQ
#include <dlfcn.h>
#include <stddef.h>

#define PQ_DL_DEFINE(name) __typeof__(name) *pq_dl_##name;
PQ_DL_NAMES(PQ_DL_DEFINE)

int pq_dl_open(void)
{
    static int state;   /* 0 not tried, 1 loaded, -1 unavailable */
    if (state) return state > 0;
    void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    state = h ? 1 : -1;
    /* dlsym gives an object pointer; POSIX guarantees it converts to a function pointer */
#define PQ_DL_LOOKUP(name) \
    if (state > 0 && !(*(void **)&pq_dl_##name = dlsym(h, #name))) state = -1;
    PQ_DL_NAMES(PQ_DL_LOOKUP)
    return state > 0;
}
#endif
