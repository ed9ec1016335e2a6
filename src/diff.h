/* diff: what changed between two runs — each shown number and invoice total, absolute
 * and in percent — from two programs or from a saved JSON report. */
#ifndef OUTLAY_DIFF_H
#define OUTLAY_DIFF_H
#include <gmp.h>
#include <stdio.h>
#include "eval.h"
#include "json.h"
#include "report.h"

typedef struct diff_entry { char *label; mpq_t q; char *unit; } diff_entry_t;
typedef struct diff_side { diff_entry_t *items; size_t n; } diff_side_t;

/* The numbers a run showed (an invoice contributes LABEL.total). 0 on out-of-memory. */
int diff_from_eval(eval_t *e, diff_side_t *out);
/* The same from a JSON report written by --format json; *err on a malformed report. */
int diff_from_json(const json_t *report, diff_side_t *out, char **err);
void diff_side_free(diff_side_t *s);
int diff_write(FILE *out, const diff_side_t *old, const diff_side_t *new_, report_format format);
#endif
