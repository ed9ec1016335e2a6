/* mpfr_dl: GNU MPFR, for the approximate functions (sqrt of a non-square, ln, exp),
 * loaded when one is first computed (dlopen) instead of linked, so that every other run
 * (`outlay eval` of exact arithmetic) does not pay for loading it. builtins.c uses MPFR's
 * names as usual; here they stand for what dlsym found. mpfr_zero_p and mpfr_get_exp are
 * macros in mpfr.h reading the number's fields, not calls, so they need no library. */
#ifndef OUTLAY_MPFR_DL_H
#define OUTLAY_MPFR_DL_H
#include <gmp.h>
#include <mpfr.h>
#include "dl.h"

/* 1 when libmpfr is loaded and has every name below. */
int mpfr_dl_open(void);

#define MPFR_DL_NAMES(X, p) \
    X(p, mpfr_init2) X(p, mpfr_set_q) X(p, mpfr_sqrt) X(p, mpfr_exp) X(p, mpfr_log) \
    X(p, mpfr_number_p) X(p, mpfr_get_z_2exp) X(p, mpfr_clear)
DL_DECLARE(mpfr_dl, MPFR_DL_NAMES)

#ifndef MPFR_DL_IMPLEMENTATION
#define mpfr_init2 (*mpfr_dl_mpfr_init2)
#define mpfr_set_q (*mpfr_dl_mpfr_set_q)
#define mpfr_sqrt (*mpfr_dl_mpfr_sqrt)
#define mpfr_exp (*mpfr_dl_mpfr_exp)
#define mpfr_log (*mpfr_dl_mpfr_log)
#define mpfr_number_p (*mpfr_dl_mpfr_number_p)
#define mpfr_get_z_2exp (*mpfr_dl_mpfr_get_z_2exp)
#define mpfr_clear (*mpfr_dl_mpfr_clear)
#endif
#endif
