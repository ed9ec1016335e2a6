/* format: exact numbers and values as text. Readable by default (thousands separators, a
 * few decimals); exact on request (fractions or repeating decimals). Below the evaluator:
 * it needs only values and units. */
#ifndef OUTLAY_FORMAT_H
#define OUTLAY_FORMAT_H
#include "strbuf.h"
#include "units.h"
#include "value.h"

/* One value on one line (records and lists inline); malloc'd. */
char *format_value(const units_t *u, const value_t *v, int exact);
/* The number alone: readable ("1,260,273.97") or exact ("1260273.(97260273)"). */
char *format_number(const mpq_t q, int exact, int grouped);
/* q rounded half-even to `decimals` places, trailing zeros trimmed down to `keep`. */
char *format_fixed(const mpq_t q, long decimals, int grouped, long keep);
/* "p/q" or "p" */
char *format_fraction(const mpq_t q);

/* The same, appended to b: a value (quote: strings as literals, as inside a list), and a
 * number with at least min_frac decimals. */
void format_write_value(strbuf_t *b, const units_t *u, const value_t *v, int exact, int quote);
void format_write_number(strbuf_t *b, const mpq_t q, int exact, int grouped, long min_frac);
/* For plain money (one currency to the first power), the decimals of its minor unit
 * (2 for USD, 0 for JPY); -1 for anything else. */
int format_money_decimals(const units_t *u, const value_t *v);
/* The decimals a value always shows: money its minor unit, anything else none. */
long format_min_decimals(const units_t *u, const value_t *v);
/* The decimals den's fraction needs when it terminates, else -1. */
long format_decimal_places(const mpz_t den);
/* The zeros after the decimal point before |q|'s first significant digit (|q| < 1). */
long format_leading_zeros(const mpq_t q);
#endif
