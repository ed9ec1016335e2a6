/* outfile: writing a result file (--out, --svg) the way a careful Unix tool does. */
#ifndef OUTLAY_OUTFILE_H
#define OUTLAY_OUTFILE_H
#include <stdio.h>
#include "policy.h"

/* Writes the whole result to out; 0 on failure (errno set, or 0 when it said why). */
typedef int (*outfile_fn)(FILE *out, void *ctx);

/* Writes path with fn. A regular file (new or old) is replaced atomically: a temporary
 * file beside it, fsync'd and given the old file's mode, renamed over it, so a failure
 * leaves the old file as it was. A symlink is followed and its target replaced. A device
 * or FIFO, and "-" (standard output), are written directly. A directory, a socket, a
 * dangling symlink and a file that inputs says the run read (the program, an import) are
 * refused. SIGINT or SIGTERM while the temporary file exists removes it. 0 and *why
 * (malloc'd, "cannot write PATH: ...") on failure. */
int outfile_write(const char *path, const policy_t *inputs, outfile_fn fn, void *ctx, char **why);
#endif
