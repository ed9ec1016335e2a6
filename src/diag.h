/* diag: errors with a location. Library code records an error here and returns; only
 * main decides what to print and which exit code follows. */
#ifndef OUTLAY_DIAG_H
#define OUTLAY_DIAG_H
#include <stdio.h>
#include "source.h"

typedef enum { DIAG_SYNTAX, DIAG_NAME, DIAG_UNIT, DIAG_RUNTIME, DIAG_LIMIT, DIAG_IO } diag_kind;

typedef struct diag {
    diag_kind kind;
    loc_t loc;            /* loc.src == NULL when there is no place to point at */
    char *msg;
    char *hint;           /* "did you mean ...?"; may be NULL */
} diag_t;

diag_t *diag_new(diag_kind kind, const loc_t *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_set_hint(diag_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_free(diag_t *d);
/* file:line:col: error: msg, the source line, and a caret under the span. */
void diag_print(FILE *out, const diag_t *d);
/* printf into a fresh malloc'd string (NULL on failure). */
char *diag_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Levenshtein distance, for suggestions. */
size_t diag_edit_distance(const char *a, const char *b);
#endif
