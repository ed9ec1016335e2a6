/* dl: a shared library loaded on first use (dlopen) with the names a module needs, so that
 * runs which never use it don't pay for loading it (readline_dl, pq_dl, csv_dl, zlib_dl,
 * mpfr_dl). */
#ifndef OUTLAY_DL_H
#define OUTLAY_DL_H
#include <stddef.h>

/* Opens the first of sonames that loads and looks up each of names into *slots[i]. *state
 * remembers the outcome (0 not tried, 1 loaded, -1 unavailable); 1 when every name was found. */
int dl_load(int *state, const char *const *sonames, size_t nsonames,
            const char *const *names, void **const *slots, size_t nnames);

/* A library's module lists its names as NAMES(X, P), calling X(P, name) for each, and
 * gets, with P its prefix:
 *   DL_DECLARE(P, NAMES)             in its header: a pointer P_name to each name
 *                                    (the header declares P_open with its comment);
 *   DL_DEFINE(P, NAMES, sonames...)  in its .c file: the pointers and int P_open(void),
 *                                    1 when the library is loaded with every name.
 * The header then #defines each name as (*P_name), unless P's .c file is including it, so
 * the code that uses the library is written with its names as usual. */
#define DL_POINTER_DECL(p, name) extern __typeof__(name) *p##_##name;
#define DL_POINTER_DEF(p, name) __typeof__(name) *p##_##name;
#define DL_NAME_STRING(p, name) #name,
#define DL_SLOT(p, name) (void **)&p##_##name,
#define DL_DECLARE(p, NAMES) NAMES(DL_POINTER_DECL, p)
#define DL_DEFINE(p, NAMES, ...) \
    NAMES(DL_POINTER_DEF, p) \
    int p##_open(void) \
    { \
        static int state; \
        static const char *const sonames[] = { __VA_ARGS__ }; \
        static const char *const names[] = { NAMES(DL_NAME_STRING, p) }; \
        static void **const slots[] = { NAMES(DL_SLOT, p) }; \
        return dl_load(&state, sonames, sizeof sonames / sizeof *sonames, names, slots, sizeof names / sizeof *names); \
    }
#endif
