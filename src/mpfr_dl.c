/* mpfr_dl: loads GNU MPFR when an approximate function is first computed (see mpfr_dl.h). */
#define MPFR_DL_IMPLEMENTATION
#include "mpfr_dl.h"

DL_DEFINE(mpfr_dl, MPFR_DL_NAMES, "libmpfr.so.6")
