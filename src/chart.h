/* chart: pictures of results — an SVG of invoices (per-period totals stacked by line
 * type) and sweeps (a line), for finance readers who would rather see a curve. */
#ifndef OUTLAY_CHART_H
#define OUTLAY_CHART_H
#include <stdio.h>
#include "eval.h"

/* Whether the run showed an invoice or a sweep to draw. */
int chart_available(eval_t *e);
/* Draws the first invoice or sweep the run showed. 0 when there is nothing to draw. */
int chart_svg(FILE *out, eval_t *e, char **err);
#endif
