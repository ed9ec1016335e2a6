/* lines: an invoice period's lines, and its charges per SKU, as fixed-shape C structs.
 * The pricing engine adds them here; a period's record holds them as lazy values
 * (lines_value, lines_charges_value) that become the language's list of `line` records
 * and `charges` record only when something reads the field (a program, reports, JSON,
 * FOCUS, explain). A priced invoice whose lines nobody reads costs a hundred-odd bytes a
 * line instead of a record of six values. */
#ifndef OUTLAY_LINES_H
#define OUTLAY_LINES_H
#include "value.h"

typedef struct lines lines_t;

/* The lines of one period; base (or NULL): its first nbase lines come first, shared (a
 * memo's period, whose later lines are not these lines'). NULL when out of memory. */
lines_t *lines_new(lines_t *base, size_t nbase);
lines_t *lines_ref(lines_t *ls);
void lines_free(lines_t *ls);
size_t lines_count(const lines_t *ls);   /* base's included */

/* What a line says. Values are borrowed (the line keeps references): sku is a string;
 * money, qty_unit and rate_unit are quantities whose dimension and display unit are those
 * of the amount, the quantity and the rate. qty NULL: no quantity and no rate; rate NULL:
 * no rate, unless rate_is_average: the rate is the amount over the quantity (not 0),
 * worked out when the line is read. list_rate may be NULL.
 * category is in static storage. */
typedef struct lines_item {
    value_t *sku;
    const char *category;
    const value_t *money, *qty_unit, *rate_unit, *list_rate;
    mpq_srcptr qty, rate, amount;
    int rate_is_average;
} lines_item_t;

/* Appends a line; 0 when out of memory. */
int lines_add(lines_t *ls, const lines_item_t *it);
/* Sets the last line's `used` (in its quantity's unit): the part of a reservation taken. */
int lines_set_used(lines_t *ls, const mpq_t used);

/* A new reference to a lazy value for the period record's `lines` field: read through
 * value_record_get (or value_record_field), it is the list of line records, each with
 * the fields sku, category, quantity, list_rate, rate, amount and used in that order (those
 * the line has). NULL when out of memory. */
value_t *lines_value(lines_t *ls);
/* The list itself (a new reference), as lines_value becomes when read. */
value_t *lines_list(const lines_t *ls);

/* The period's charge of SKU sku (a string; borrowed, as money, the amount's unit):
 * appended to its `charges` record. 0 when out of memory. */
int lines_add_charge(lines_t *ls, value_t *sku, const value_t *money, const mpq_t amount);
/* A new reference to a lazy value for the period record's `charges` field: the record
 * `charges` with a field per SKU charged, in the order added. NULL when out of memory. */
value_t *lines_charges_value(lines_t *ls);
/* The record itself (a new reference), as lines_charges_value becomes when read. */
value_t *lines_charges(const lines_t *ls);
#endif
