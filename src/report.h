/* report: turns values into text, JSON and CSV. Readable by default (thousands
 * separators, a few decimals); exact on request (fractions or repeating decimals). */
#ifndef OUTLAY_REPORT_H
#define OUTLAY_REPORT_H
#include <stdio.h>
#include "eval.h"
#include "value.h"
#include "format.h"

typedef enum { REPORT_TEXT, REPORT_JSON, REPORT_CSV, REPORT_FOCUS } report_format;

typedef struct report_opts {
    report_format format;
    int exact;          /* text: exact numbers */
    int labels;         /* text: "label = value" rather than the value alone */
    int chart;          /* text: bar charts for invoices and tables */
    const struct diag *error;   /* the error that ended the run early, or NULL (JSON says so) */
} report_opts_t;

/* s as a JSON string literal, quotes included. */
void report_json_escape(FILE *out, const char *s);

/* The text a compare or sweep row is known by: its first cell as the text table shows it. */
char *report_row_key(const units_t *u, const value_t *row);
/* Walks v down to its leaves, naming each by a path from label: `bill.total` (an invoice
 * by its total), `xs[0]`, a record's `r.field`, a table's `sweep u[5%].cost`. Returns 0
 * when out of memory. */
typedef void (*report_leaf_fn)(void *ctx, const char *path, const value_t *leaf);
int report_each_leaf(const units_t *u, const char *label, const value_t *v, report_leaf_fn fn, void *ctx);

/* Which result column of a compare or sweep table a chart draws: the first that is a cost
 * (money, or money per something; an invoice counts by its total), else the first number,
 * 0 when none is; and the number it draws for a row. */
size_t report_chart_column(const units_t *u, const value_t *table);
const value_t *report_chart_cell(const value_t *row, size_t col);

/* An invoice period as tables and charts label it: 2027-03, or 2026-12-16..31 for part of a month. */
char *report_period_label(const value_t *period);

/* Everything a run showed and asserted. Returns 0 on a write error. */
int report_write(FILE *out, eval_t *e, const report_opts_t *opts);
#endif
