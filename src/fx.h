/* fx: dated exchange-rate tables. A table says how many units of one currency buy one
 * unit of another from each date on (`fx EUR in USD { from 2027-01-01 = 1.08 USD/EUR }`);
 * amounts are converted exactly by the rate in force on their date, never by a rate
 * fetched from anywhere. It knows currencies by their codes and dates by day numbers:
 * no syntax, no evaluator. */
#ifndef OUTLAY_FX_H
#define OUTLAY_FX_H
#include <gmp.h>
#include "dates.h"

typedef struct fx_step { date_t from; mpq_t rate; } fx_step_t;

/* Rates from `from` into `to`, in force from each step's date to the next one's (the
 * last one until `until`, or with no end). Tables chain through next. */
typedef struct fx_table {
    char *from, *to;
    fx_step_t *steps;
    size_t n;
    date_t until;
    int has_until;
    struct fx_table *next;
} fx_table_t;

fx_table_t *fx_table_new(const char *from, const char *to);
/* Frees the table and every table chained after it. */
void fx_table_free(fx_table_t *t);
/* Adds a step: dates must increase and rates be positive. 0 and *err otherwise. */
int fx_table_add(fx_table_t *t, date_t from, const mpq_t rate, char **err);
/* Ends the table: no rate is in force on or after until. */
int fx_table_end(fx_table_t *t, date_t until, char **err);

/* The rate that turns an amount of `from` into `to` on day `on`: a table from -> to, or the
 * inverse of one to -> from. 1 and out set; 0 and *err naming the date or the missing table. */
int fx_rate(const fx_table_t *tables, const char *from, const char *to, date_t on, mpq_t out, char **err);
#endif
