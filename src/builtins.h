/* builtins: the functions every program has (round, floor, min, sum, len, ...). They
 * take evaluated arguments; price(), which needs the evaluator, lives in terms.c. */
#ifndef OUTLAY_BUILTINS_H
#define OUTLAY_BUILTINS_H
#include "value.h"

typedef value_t *(*builtin_fn)(units_t *u, value_t **args, size_t n, char **err);

typedef struct builtin {
    const char *name;
    int min_args, max_args;
    builtin_fn fn;
    const char *help;
} builtin_t;

const builtin_t *builtins_find(const char *name);
const builtin_t *builtins_all(size_t *n);
#endif
