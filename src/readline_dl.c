/* readline_dl: loads GNU readline when the REPL starts (see readline_dl.h). */
#define READLINE_DL_IMPLEMENTATION
#include "readline_dl.h"
#ifdef HAVE_READLINE
#include "dl.h"

#define READLINE_DL_DEFINE(name) __typeof__(name) *readline_dl_##name;
READLINE_DL_NAMES(READLINE_DL_DEFINE)

int readline_dl_open(void)
{
    static int state;
    static const char *const sonames[] = { "libreadline.so.8", "libreadline.so.7", "libreadline.so" };
#define READLINE_DL_NAME(name) #name,
#define READLINE_DL_SLOT(name) (void **)&readline_dl_##name,
    static const char *const names[] = { READLINE_DL_NAMES(READLINE_DL_NAME) };
    static void **const slots[] = { READLINE_DL_NAMES(READLINE_DL_SLOT) };
    return dl_load(&state, sonames, sizeof sonames / sizeof *sonames, names, slots, sizeof names / sizeof *names);
}
#endif
