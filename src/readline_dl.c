/* readline_dl: loads GNU readline when the REPL starts (see readline_dl.h). */
#define READLINE_DL_IMPLEMENTATION
#include "readline_dl.h"
#ifdef HAVE_READLINE
DL_DEFINE(readline_dl, READLINE_DL_NAMES, "libreadline.so.8", "libreadline.so.7", "libreadline.so")
#endif
