/* repl: the interactive loop — line editing, history, completion, multi-line input. */
#ifndef OUTLAY_REPL_H
#define OUTLAY_REPL_H
#include "eval.h"
#include "report.h"

/* Runs until :quit or end of input; returns 0 (errors in the session are reported, not
 * carried out as an exit code). files: those already loaded, which :reload loads again. */
int repl_run(eval_t *e, const report_opts_t *opts, const char *const *files, size_t nfiles);
#endif
