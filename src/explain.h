/* explain: how a value was computed, for `outlay explain` and the REPL's :explain. */
#ifndef OUTLAY_EXPLAIN_H
#define OUTLAY_EXPLAIN_H
#include <stdio.h>
#include "eval.h"

/* Prints NAME's definition, value and the definitions and clauses it came from. */
int explain_print(eval_t *e, const char *name, FILE *out, diag_t **err);
#endif
