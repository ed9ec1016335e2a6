/* fx_invoice: amounts and whole invoices in another currency, by dated exchange rates
 * (fx.h). An invoice is converted period by period, each at the rate in force on the
 * period's first day — one rate per invoice, as providers bill a local currency — exactly,
 * and then rounded to the target currency's minor unit as the engine rounds. The result
 * keeps the invoice's shape (every report writes it) and says what it was priced in:
 * `pricing_currency`, each period's `exchange_rate`, each line's `pricing_amount`.
 * It sees values and rate tables, no syntax and no evaluator. */
#ifndef OUTLAY_FX_INVOICE_H
#define OUTLAY_FX_INVOICE_H
#include "fx.h"
#include "value.h"

/* v (money, or money per something, in currency dimension from) in currency dimension to,
 * at rate (to per from); a new reference, NULL when out of memory. */
value_t *fx_value_in(const units_t *u, const value_t *v, int from, int to, const mpq_t rate);

/* How the converted periods are rounded: each period's total (the difference an invoice
 * rounding line), or not at all. */
typedef struct fx_rounding { int round_total; round_mode mode; } fx_rounding_t;

/* The invoice inv in currency `to` (a declared currency's code), a new reference; NULL and
 * *err naming the period when no rate covers its first day, or out of memory. */
value_t *fx_invoice_convert(const units_t *u, const value_t *inv, const char *to, const fx_table_t *tables,
                            const fx_rounding_t *rounding, char **err);
/* For a period of an invoice that fx_invoice_convert made: 1 and *rate, the target
 * currency per pricing currency; 0 and 1 for a period of an invoice never converted. */
int fx_invoice_period_rate(const units_t *u, const value_t *inv, const value_t *period, mpq_t rate);
/* v, figures in the pricing currency of a converted invoice (the contract's list prices),
 * in its billing currency as that period converts them; a new reference. */
value_t *fx_invoice_period_value(const units_t *u, const value_t *inv, const value_t *period, const value_t *v);
#endif
