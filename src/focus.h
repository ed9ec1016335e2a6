/* focus: invoices as FOCUS 1.2 rows (the FinOps Open Cost and Usage Specification), the
 * CSV that FinOps tools read: one row per invoice line, the mandatory columns, FOCUS
 * charge categories and unit names, ISO timestamps and decimal numbers. */
#ifndef OUTLAY_FOCUS_H
#define OUTLAY_FOCUS_H
#include <stdio.h>
#include "eval.h"

/* Writes every invoice the run showed. Returns 0 on a write error or out of memory. */
int focus_write(FILE *out, eval_t *e);
/* Why an invoice the run showed has no FOCUS form (malloc'd), or NULL: an upfront payment
 * with no single commitment to spread it over. focus_write leaves such invoices out. */
char *focus_check(eval_t *e);
/* The results that are not invoices, which have no FOCUS form. */
size_t focus_left_out(eval_t *e);

/* A quantity's unit as FOCUS writes units ("GB-Months", "GPU-Hours", "Requests");
 * malloc'd. */
char *focus_unit_name(const units_t *u, const value_t *quantity);
#endif
