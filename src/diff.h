/* diff: what changed between two runs — each shown number and invoice total, absolute
 * and in percent — from two programs or from a saved JSON report. */
#ifndef OUTLAY_DIFF_H
#define OUTLAY_DIFF_H
#include <gmp.h>
#include <stdio.h>
#include "eval.h"
#include "json.h"
#include "report.h"

typedef struct diff_entry { char *label; mpq_t q; char *unit; int approx; } diff_entry_t;
typedef struct diff_side { diff_entry_t *items; size_t n; } diff_side_t;

/* The numbers a run showed, named as report_each_leaf names them (an invoice by its
 * total, LABEL.total; a sweep's cells as LABEL[ROW].COLUMN). 0 on out-of-memory. */
int diff_from_eval(eval_t *e, diff_side_t *out);
/* The same from a JSON report written by --format json; *err on a malformed report.
 * *complete is 0 when the report is of a run that an error cut short. */
int diff_from_json(const json_t *report, diff_side_t *out, int *complete, char **err);
void diff_side_free(diff_side_t *s);
/* How to compare values shown in different units: sets factor so that a value in `from`
 * times factor is the same value in `to`; 0 when the units measure different things. */
typedef int (*diff_convert_fn)(void *ctx, const char *from, const char *to, mpq_t factor);
/* How diff_write reports: a change within the tolerance is no change (for --exit-code and
 * --changed-only). The tolerance is an amount (q in unit; it applies to results of its
 * dimension, through convert), a percent of the old value (q, unit NULL), or none. */
typedef struct diff_opts {
    report_format format;
    int changed_only;          /* list only the results that changed */
    int has_tolerance;
    mpq_t tolerance;
    const char *tolerance_unit;
    diff_convert_fn convert;
    void *ctx;
} diff_opts_t;
/* The table (or JSON, or CSV) of changes; *changed says whether anything differs by more
 * than the tolerance. */
int diff_write(FILE *out, const diff_side_t *old, const diff_side_t *new_, const diff_opts_t *opts, int *changed);
#endif
