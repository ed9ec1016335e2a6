/* reconcile: Outlay's invoice beside what a usage export billed, per period and SKU. */
#ifndef OUTLAY_RECONCILE_H
#define OUTLAY_RECONCILE_H
#include "usage.h"
#include "value.h"

/* A table value (header, rows) with a row per period and SKU: the SKU's rows in the export,
 * the quantity, Outlay's charge, BilledCost (ListCost, ContractedCost when the export has
 * them), the difference billed - Outlay and that in percent of Outlay's; a row per period
 * for the invoice's other lines (fees, discounts, credits, the shortfall) beside the costs
 * of rows without a SKU; and a total. Its field max_difference is the largest difference
 * by size; filtered_rows and skipped_rows count the export's rows left out by the
 * mapping's filters and skipped as bad. priced: when the invoice was converted into the
 * export's currency, the invoice before (its figures in a column outlay_USD before outlay),
 * else NULL. NULL and *err when the currencies differ or out of memory. */
value_t *reconcile_table(units_t *u, const value_t *invoice, const value_t *priced, const usage_table_t *t, char **err);
#endif
