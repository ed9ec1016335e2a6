/* engine: what the pricing engine's clause modules share. contract.c orchestrates a
 * period; each kind of clause (engine_tiers.c, engine_reserve.c, engine_fees.c,
 * engine_discounts.c, engine_cycles.c) prices its part through one interface,
 * engine_clause_fn, adding lines and totals to the period. Nothing here sees syntax or
 * the evaluator: terms.c turns clauses into a contract_t and reads faults back. */
#ifndef OUTLAY_ENGINE_H
#define OUTLAY_ENGINE_H
#include "contract.h"
#include "lines.h"

/* effective: the total with the upfront payment spread over the term instead */
typedef struct totals { mpq_t fees, charges, discounts, net, shortfall, sla, pool, upfront, total, effective; } totals_t;
void engine_totals_init(totals_t *t);
void engine_totals_clear(totals_t *t);
/* The totals' fields the clauses before the SLA credit write: fees, charges (gross), discounts, net, shortfall. */
#define ENGINE_TOTALS_PRE 5
void engine_totals_add(totals_t *a, const totals_t *b, int from_sla);

/* An exact running sum that is not reduced at each step: a term whose denominator divides
 * the sum's costs a division and a multiply-add, no gcd (the charges of a long escalated
 * term have denominators of hundreds of bits). engine_sum_fold adds it, reduced, to an mpq_t. */
typedef struct engine_sum { mpz_t num, den; } engine_sum_t;
void engine_sum_init(engine_sum_t *s);
void engine_sum_clear(engine_sum_t *s);
void engine_sum_add(engine_sum_t *s, const mpq_t x);
void engine_sum_fold(engine_sum_t *s, mpq_t into);   /* into += s; s = 0 */

/* What the engine keeps per SKU across periods: charges are summed in charges, then folded
 * into charge once the periods are priced; year_*: its commitment in usage trued up yearly,
 * so far in the contract year. */
typedef struct sku_state { mpq_t cumulative, quantity, charge, year_committed, year_used; engine_sum_t charges; value_t *qty_unit; } sku_state_t;

/* The pricing state of one price() call. */
typedef struct engine {
    const contract_t *c;
    units_t *u;
    char **err;
    fault_t *fault;
    int currency;             /* base dimension index of the money, -1 until a rate sets it */
    int hour, month;          /* unit ids */
    dim_t money, time;
    uterm_t money_unit;
    const contract_hours_t *hours;   /* hourly usage, or NULL */
    sku_state_t *st;
    mpq_t pool_left;
    mpq_t year_spend;         /* spend so far in the contract year of a yearly true-up */
    /* What the lines of one pricing share (an invoice has a line per SKU per period): per
     * SKU, its name, the units of its last line's quantity and rate (values of 1 in them)
     * and its rate's unit of measure (engine_quantity_unit, once the money is known); the
     * amounts' unit; other lines' labels, a slot per label used only when its content is
     * the same */
    struct engine_face { value_t *name, *qty_unit, *rate_unit; int currency, has_measure; dim_t qdim; uterm_t qdisp; } *faces;
    value_t *money_unit_value;
    struct engine_shared { const char *key; value_t *str; } shared[256];
} engine_t;

/* One billing period being priced. */
typedef struct engine_period {
    const period_t *p;
    value_t *const *usage;    /* per SKU, NULL where unused */
    const int *sla_hit;
    mpq_t *sku_esc;           /* per SKU: the factor of its usage (engine_sku_escalation), of its
                                 own escalator, else the contract's */
    mpq_t *sku_charge;        /* per SKU */
    mpq_t *sku_net;           /* per SKU: its charge less its exact share of the discounts */
    mpq_t *plan_q;            /* per SKU priced with others (under a plan, on a shared tier
                                 ladder): its usage in the period */
    lines_t *lines;
    totals_t t;
} engine_period_t;

/* A clause's part of a period: 0 (with *en->err set) on error. */
typedef int (*engine_clause_fn)(engine_t *en, engine_period_t *ep);

/* Errors: fail keeps the first message; fail_at also names the part at fault and why. */
int engine_fail(engine_t *en, char *msg);
int engine_fail_at(engine_t *en, fault_kind kind, fault_code code, size_t index, char *msg);
char *engine_dims_text(engine_t *en, const dim_t *d);
int engine_set_money(engine_t *en, int money, const char *what);

/* The unit of SKU s's quantities: its rate's unit of measure (money / rate). */
void engine_quantity_unit(engine_t *en, size_t s, dim_t *qdim, uterm_t *qdisp);
/* The hours [from, to) of period p, counted from the contract's start. */
void engine_period_hours(const engine_t *en, const period_t *p, size_t *from, size_t *to);
/* SKU s's usage over period p from the hourly input, in its rate's terms. */
int engine_hours_quantity(engine_t *en, const period_t *p, size_t s, mpq_t out);
/* A usage (or reserved) quantity for the period in the rate's terms: the quantity as it
 * is, or a level (gpu) times the period's hours. */
int engine_amount_for(engine_t *en, size_t s, fault_kind kind, const value_t *usage, const value_t *rate,
                      const period_t *p, mpq_t out);
/* Whether a rate's hours count as they are: it is not per month, or its month is the
 * prelude's 730 hours (not a calendar month, nor month = N hours). */
int engine_month_is_pricing(engine_t *en, const value_t *rate);
/* The list (unescalated) rate of a SKU, for dimensions and reports. */
const value_t *engine_sku_rate(const sku_terms_t *s);

/* Records and lines. */
/* Whether v is the quantity q of dimension d shown in t. */
int engine_same_quantity(const value_t *v, const mpq_t q, const dim_t *d, const uterm_t *t);
/* The faces of a pricing of en->c (en->faces); freed with what the lines share. 0 when out of memory. */
int engine_shared_init(engine_t *en);
void engine_shared_free(engine_t *en);
value_t *engine_money(engine_t *en, const mpq_t q);
/* A line without a quantity (a discount, a fee, the rounding): label names what it is for.
 * category and label outlive the invoice or are copied: category must be in static storage. */
int engine_line(engine_t *en, engine_period_t *ep, const char *label, const char *category, const mpq_t amount);
/* A line of SKU s: quantity q (of dimension qdim, shown in qdisp) at rate (money per unit
 * of q; NULL: amount / q, which must not be 0), list_rate (or NULL) its list price. */
int engine_sku_line(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t q, const dim_t *qdim,
                    const uterm_t *qdisp, const value_t *list_rate, const mpq_t rate, const mpq_t amount);
/* A line at a flat rate (escalated): quantity x rate, added to the SKU's charge. */
int engine_flat_line(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t qty,
                     const dim_t *qdim, const uterm_t *qdisp, const value_t *list_rate);
/* The same at the escalation factor esc rather than the period's. */
int engine_flat_line_at(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t qty,
                        const dim_t *qdim, const uterm_t *qdisp, const value_t *list_rate, const mpq_t esc);
/* The same at factor w / qty (the SKU's when qty is 0): w is the line's quantity hour by
 * hour times each hour's factor. */
int engine_flat_line_hours(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t qty,
                           const mpq_t w, const dim_t *qdim, const uterm_t *qdisp, const value_t *list_rate);
/* SKU s's charge in the period (ep->sku_charge[s]), a field of the period's `charges`. */
int engine_period_charge(engine_t *en, engine_period_t *ep, size_t s);
/* pre (or NULL): the values of the fields before the SLA credit (fees to shortfall), as
 * references; those NULL are built and kept there (a memo's period reuses them). */
int engine_totals_record(engine_t *en, value_t *rec, const totals_t *t, value_t **pre);

/* Rounds x per the contract's policy; is_line: a line rather than the invoice total. */
void engine_round(engine_t *en, mpq_t x, int is_line);
void engine_round_as(engine_t *en, mpq_t x, int is_line, round_mode mode);

/* An amount of dimension base given per unit of time (money per year, gpu*hour per month:
 * the amount in a `per` unit, the month or the year) or as it is, times share. */
int engine_per_time(engine_t *en, const value_t *v, const dim_t *base, int per, const mpq_t share, const char *what, mpq_t out);
/* A threshold or minimum given per month (or per period), times share. */
int engine_per_period(engine_t *en, const value_t *v, const mpq_t share, const char *what, mpq_t out);
/* A quantity of dimension base per month in force by date, prorated over the period segment
 * by segment: each stretch of days in one calendar month (and one contract year, for lines
 * that escalate) with the same lines in force counts those lines (the last only, with
 * last_wins) x days / days of that month (x the year's escalation factor). *bad: the line
 * at fault on error. */
int engine_dated_quantity(engine_t *en, const commit_step_t *steps, size_t n, int last_wins, const dim_t *base,
                          const char *what, const period_t *p, mpq_t out, size_t *bad);
/* A monthly amount of money in force by date, prorated over the period as above. */
int engine_dated_amount(engine_t *en, const commit_step_t *steps, size_t n, int last_wins, fault_kind kind,
                        const char *what, const period_t *p, mpq_t out);

/* engine_cycles.c: each SKU's escalation factor in period ep, out[s], under its own
 * escalator or else the contract's: the period's, or, for an unreserved SKU with hourly
 * usage in a period across an anniversary, its usage-weighted average of its hours'
 * factors; the contract year k
 * holding day d (year k starts on the k-th anniversary of the start) and its end, cut at
 * the term's end; year k's factor, (1 + e)^k; the minimum of year k, ending on `to`, of an
 * amount given per year (or as it is, read as per year), prorated by days when the term
 * cuts the year short. */
void engine_sku_escalation(const engine_t *en, const engine_period_t *ep, mpq_t *out);
/* The clauses that price hour by hour (reservations per hour, plans, hourly usage) take
 * each hour at its contract year's factor: the end of the stretch of hours [from, to)
 * (counted from the contract's start) in one contract year, and that year k. */
size_t engine_year_hours(const engine_t *en, size_t from, size_t to, long *k);
long engine_contract_year(const contract_t *c, date_t d, date_t *year_end);
void engine_year_factor(const value_t *escalate, long k, mpq_t out);
/* The escalator of SKU s's rates: its own, else the contract's (NULL: none). */
const value_t *engine_sku_escalator(const contract_t *c, size_t s);
int engine_year_minimum(engine_t *en, const value_t *v, const dim_t *base, long k, date_t to, const char *what, mpq_t out);

/* The clauses, in the order contract.c applies them. */
/* engine_tiers.c: SKU s's usage q (of dimension qdim, shown in qdisp) at its rate card; the
 * check that its tiers fit usage of dimension qdim. */
int engine_tiers_charge(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim, const uterm_t *qdisp);
int engine_tiers_check(engine_t *en, size_t s, const dim_t *qdim);
/* After SKU s's usage: the ladder s shares, when s is its last SKU (its lines together). */
int engine_tiers_shared(engine_t *en, engine_period_t *ep, size_t s);
int engine_reserve_charge(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim,
                          const uterm_t *qdisp);                  /* engine_reserve.c */
int engine_plans(engine_t *en, engine_period_t *ep);             /* engine_plans.c */
int engine_fees(engine_t *en, engine_period_t *ep);              /* engine_fees.c */
int engine_upfront(engine_t *en, engine_period_t *ep);           /* engine_fees.c */
int engine_discounts(engine_t *en, engine_period_t *ep);         /* engine_discounts.c */
int engine_commitment(engine_t *en, engine_period_t *ep);        /* engine_reserve.c */
/* engine_reserve.c: SKU s's commitment in usage, its period usage q known: bills what q
 * leaves unused of it. */
int engine_usage_commitment(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim, const uterm_t *qdisp);
int engine_trueup(engine_t *en, engine_period_t *ep);            /* engine_cycles.c */
int engine_sla_credit(engine_t *en, engine_period_t *ep);        /* engine_discounts.c */
int engine_pool_draw(engine_t *en, engine_period_t *ep);         /* engine_discounts.c */
#endif
