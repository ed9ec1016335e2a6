/* readline_dl: loads GNU readline when the REPL starts (see readline_dl.h). */
#define READLINE_DL_IMPLEMENTATION
#include "readline_dl.h"
#ifdef HAVE_READLINE
#include <dlfcn.h>
#include <stddef.h>

#define READLINE_DL_DEFINE(name) __typeof__(name) *readline_dl_##name;
READLINE_DL_NAMES(READLINE_DL_DEFINE)

int readline_dl_open(void)
{
    static int state;   /* 0 not tried, 1 loaded, -1 unavailable */
    if (state) return state > 0;
    static const char *const sonames[] = { "libreadline.so.8", "libreadline.so.7", "libreadline.so" };
    void *h = NULL;
    for (size_t i = 0; !h && i < sizeof sonames / sizeof sonames[0]; i++) h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
    state = h ? 1 : -1;
    /* dlsym gives an object pointer; POSIX guarantees it converts to a function pointer */
#define READLINE_DL_LOOKUP(name) \
    if (state > 0 && !(*(void **)&readline_dl_##name = dlsym(h, #name))) state = -1;
    READLINE_DL_NAMES(READLINE_DL_LOOKUP)
    return state > 0;
}
#endif
