/* pq_dl: loads libpq when a database usage source is first used (see pq_dl.h). */
#define PQ_DL_IMPLEMENTATION
#include "pq_dl.h"
#ifdef HAVE_LIBPQ
DL_DEFINE(pq_dl, PQ_DL_NAMES, "libpq.so.5")
#endif
