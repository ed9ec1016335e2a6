/* usage: a provider's usage export (FOCUS or any CSV, a gzip file, a database) streamed
 * into an exact per-SKU, per-hour table. Sources (usage_csv.c for files, usage_pg.c for
 * PostgreSQL) read rows through one spec — which column holds what, which rows count,
 * what the contract calls each SKU — and add them to a usage_table_t, which the pricing
 * engine and reconciliation read. Memory grows with SKUs x hours, never with rows.
 * This module sees no syntax and no evaluator: the caller turns a program's mapping
 * record into a usage_spec_t. */
#ifndef OUTLAY_USAGE_H
#define OUTLAY_USAGE_H
#include <gmp.h>
#include <stddef.h>
#include "diag.h"
#include "units.h"
#include "value.h"

/* Hours since 1970-01-01T00:00Z; the hour h covers [h, h + 1). */
typedef long long usage_hour_t;

/* The money columns a row may carry beside its quantity (FOCUS names). */
typedef enum {
    USAGE_COST_BILLED,        /* BilledCost */
    USAGE_COST_EFFECTIVE,     /* EffectiveCost */
    USAGE_COST_LIST,          /* ListCost */
    USAGE_COST_CONTRACTED,    /* ContractedCost */
    USAGE_NCOSTS
} usage_cost_col;

/* Keep a row only when column (or, for Tags, the tag key) has one of values. */
typedef struct usage_filter {
    char *column;             /* "ChargeCategory", "ServiceName", "RegionId", "Tags" */
    char *tag_key;            /* with column "Tags": the key inside the JSON object */
    char **values;
    size_t nvalues;
} usage_filter_t;

/* A usage SKU priced under another name (SkuId "NVIDIA-H100-80GB" -> gpu_hour). */
typedef struct usage_skumap { char *from, *to; } usage_skumap_t;

/* How rows are read. NULL columns take the FOCUS defaults (usage_spec_focus). */
typedef struct usage_spec {
    char *sku_col;            /* SkuId */
    char *quantity_col;       /* PricingQuantity */
    char *unit_col;           /* PricingUnit; unused when unit is set */
    value_t *unit;            /* 1 of the quantity's unit (1 gpu*hour), or NULL */
    char *start_col;          /* ChargePeriodStart */
    char *end_col;            /* ChargePeriodEnd; NULL: a row is the hour that holds start */
    char *currency_col;       /* BillingCurrency */
    char *cost_cols[USAGE_NCOSTS];
    usage_filter_t *filters;
    size_t nfilters;
    usage_skumap_t *map;
    size_t nmap;
    int skip_bad_rows;        /* a bad row is counted and reported, not fatal */
    int negative_ok;          /* negative quantities are allowed (refunds, corrections) */
    /* Costs in another currency than the table's are an error unless fx is set: it gives
     * *rate, the value of 1 `from` in `to` at hour (a dated exchange rate); 0 and *err
     * (malloc'd) when it has none. */
    int (*fx)(void *ctx, const char *from, const char *to, usage_hour_t hour, mpq_t rate, char **err);
    void *fx_ctx;
    char *currency;           /* the table's currency; NULL: the first row's */
} usage_spec_t;

/* The FOCUS column names, and no filter or map. */
void usage_spec_focus(usage_spec_t *s);
void usage_spec_free(usage_spec_t *s);   /* frees the fields, not s */

typedef struct usage_table usage_table_t;

usage_table_t *usage_table_new(units_t *u);
void usage_table_free(usage_table_t *t);

/* Keep or drop a row by one filter: 1 keep, 0 drop, -1 the cell is malformed (Tags that
 * are not a JSON object). Readers apply filters; the table sees only kept rows. */
int usage_filter_match(const usage_filter_t *f, const char *p, size_t n);

/* What a reader knows of one row, as text cells (not NUL-terminated). A cell with
 * p == NULL is absent; an empty or NULL cell is n == 0. A row without a SKU (a tax or
 * a credit) is kept under the SKU named "" so that its costs still reconcile. */
typedef struct usage_cell { const char *p; size_t n; } usage_cell_t;
typedef struct usage_row {
    usage_cell_t sku, quantity, unit, start, end, currency;
    usage_cell_t cost[USAGE_NCOSTS];
} usage_row_t;

/* Adds one row (already filtered): parses its numbers exactly and its times as UTC,
 * maps its SKU and unit, and spreads its quantity and costs evenly over the hours it
 * covers. 0 and *err (the message, and which cell is bad) on a bad row. */
typedef struct usage_fault { char *msg; char *hint; int cell; /* index into usage_row_t's cells, -1: the row */ } usage_fault_t;
/* usage_fault_t.cell: the cells of usage_row_t in order. */
enum { USAGE_CELL_ROW = -1, USAGE_CELL_SKU, USAGE_CELL_QUANTITY, USAGE_CELL_UNIT, USAGE_CELL_START,
       USAGE_CELL_END, USAGE_CELL_CURRENCY, USAGE_CELL_COST, USAGE_NCELLS = USAGE_CELL_COST + USAGE_NCOSTS };
int usage_table_add(usage_table_t *t, const usage_spec_t *spec, const usage_row_t *row, usage_fault_t *err);
/* The same for a row that stands for `rows` rows of one SKU and charge period (a database's
 * sums): they count as that many rows. */
int usage_table_add_rows(usage_table_t *t, const usage_spec_t *spec, const usage_row_t *row, long long rows,
                         usage_fault_t *err);
/* The column cell USAGE_CELL_* is read from (the spec's name, else FOCUS's), NULL when it
 * is not read (the unit, when the spec gives it); *needed: a source without that column
 * is an error (the SKU, quantity, start and unit always, another when the spec names it
 * otherwise than FOCUS does). What the cell holds, for messages ("quantity"). */
const char *usage_spec_column(const usage_spec_t *s, int cell, int *needed);
const char *usage_cell_what(int cell);
void usage_fault_clear(usage_fault_t *f);

/* What the table holds. */
size_t usage_table_nskus(const usage_table_t *t);
const char *usage_table_sku(const usage_table_t *t, size_t i);
/* 1 of the unit the SKU's quantities are in (borrowed); NULL when no row of it had one. */
const value_t *usage_table_unit(const usage_table_t *t, size_t i);
/* Rows that went into SKU i, and rows skipped as bad (with skip_bad_rows). */
long long usage_table_rows(const usage_table_t *t, size_t i);
long long usage_table_bad_rows(const usage_table_t *t);
/* Rows of SKU i that start in hours [from, to): a row spread over several hours counts
 * once, in the hour that holds its start (a database group of n rows counts n there). */
long long usage_table_rows_in(const usage_table_t *t, size_t i, usage_hour_t from, usage_hour_t to);
/* A reader skipping a bad row (skip_bad_rows) records it; the first few line numbers are
 * kept for the warning. */
enum { USAGE_BAD_LINES_KEPT = 5 };
void usage_table_note_bad_row(usage_table_t *t, long long line);
size_t usage_table_bad_lines(const usage_table_t *t, const long long **lines);
/* Rows a reader dropped by the spec's filters (counted, so nothing goes silently). */
void usage_table_note_filtered(usage_table_t *t);
long long usage_table_filtered_rows(const usage_table_t *t);
/* The hours with usage: [first, end); first == end when the table is empty. */
usage_hour_t usage_table_first_hour(const usage_table_t *t);
usage_hour_t usage_table_end_hour(const usage_table_t *t);
/* Sums over hours [from, to): SKU i's quantity (a magnitude in its unit), or a cost
 * column (in the table's currency). */
void usage_table_quantity(const usage_table_t *t, size_t i, usage_hour_t from, usage_hour_t to, mpq_t out);
int usage_table_has_cost(const usage_table_t *t, usage_cost_col c);
void usage_table_cost(const usage_table_t *t, size_t i, usage_cost_col c, usage_hour_t from, usage_hour_t to, mpq_t out);
/* The billing currency ("USD"), or NULL when the rows named none. */
const char *usage_table_currency(const usage_table_t *t);

/* The cell parsers, shared with other sources. Numbers: [+-]digits[.digits][e[+-]digits],
 * exactly. Times: ISO 8601 dates and date-times (T or space, fractional seconds, Z or
 * +-HH:MM), as microseconds since 1970-01-01T00:00Z. Units: FOCUS unit names ("GB-Hours",
 * "1000 Requests", "GB/Hour") as 1 of the Outlay unit (a new reference). Each returns 0
 * and *err (malloc'd) on bad text. */
int usage_parse_number(const char *p, size_t n, mpq_t out, char **err);
int usage_parse_time(const char *p, size_t n, long long *usec, char **err);
value_t *usage_parse_unit(units_t *u, const char *p, size_t n, char **err);

/* Reads a CSV or gzip-compressed CSV file (usage_csv.c) from fd, which the file-access
 * policy opened (policy_open); the reader owns and closes fd. name is shown in messages.
 * On a bad row the diag points at name:line:column with the row and a caret. */
int usage_read_fd(usage_table_t *t, const usage_spec_t *spec, int fd, const char *name, diag_t **err);
/* The same for a file the user named on the command line (policy_open_user). */
int usage_read_file(usage_table_t *t, const usage_spec_t *spec, const char *path, diag_t **err);
#endif
