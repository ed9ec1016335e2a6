/* dl: loads a shared library on first use and looks up its names (see dl.h). */
#include "dl.h"
#include <dlfcn.h>

int dl_load(int *state, const char *const *sonames, size_t nsonames,
            const char *const *names, void **const *slots, size_t nnames)
{
    if (*state) return *state > 0;
    void *h = NULL;
    for (size_t i = 0; !h && i < nsonames; i++) h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
    *state = h ? 1 : -1;
    /* dlsym gives an object pointer; POSIX guarantees it converts to a function pointer */
    for (size_t i = 0; *state > 0 && i < nnames; i++)
        if (!(*slots[i] = dlsym(h, names[i]))) *state = -1;
    return *state > 0;
}
