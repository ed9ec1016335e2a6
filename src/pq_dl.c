/* pq_dl: loads libpq when a database usage source is first used (see pq_dl.h). */
#define PQ_DL_IMPLEMENTATION
#include "pq_dl.h"
#ifdef HAVE_LIBPQ
#include "dl.h"

#define PQ_DL_DEFINE(name) __typeof__(name) *pq_dl_##name;
PQ_DL_NAMES(PQ_DL_DEFINE)

int pq_dl_open(void)
{
    static int state;
    static const char *const sonames[] = { "libpq.so.5" };
#define PQ_DL_NAME(name) #name,
#define PQ_DL_SLOT(name) (void **)&pq_dl_##name,
    static const char *const names[] = { PQ_DL_NAMES(PQ_DL_NAME) };
    static void **const slots[] = { PQ_DL_NAMES(PQ_DL_SLOT) };
    return dl_load(&state, sonames, sizeof sonames / sizeof *sonames, names, slots, sizeof names / sizeof *names);
}
#endif
