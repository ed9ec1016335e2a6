/* contract: the pricing engine. Given a contract's terms and each period's usage (all
 * evaluated values), it prices every billing period in a fixed order and returns the
 * invoice as a record. Money is kept as exact rationals in base currency units.
 *
 * Order within a period:
 *   1. fixed fees, and usage charges per SKU (rates escalated, tiers applied, reservations); a period
 *      that straddles a contract anniversary is escalated by the hour-weighted average
 *      of the two years' factors
 *   2. discounts: per SKU, then on all charges, then on spend above a threshold -> net
 *   3. commitment shortfall = max(0, minimum - net) (or - gross, with
 *      commitment_basis = gross), the minimum summed day by day from
 *      the commit line in force each day (the last line covering it), prorated by the
 *      share of the calendar month
 *   4. SLA credit = the largest band that holds x net (x net + shortfall, with
 *      sla_basis = invoice)
 *   5. credit-pool draw = min(remaining pool, net + shortfall - SLA credit)
 *   6. invoice = net + shortfall - SLA credit - pool draw, rounded per the policy */
#include "contract.h"
#include "diag.h"
#include <stdlib.h>
#include <string.h>

enum { MAX_PERIODS = 1200 };

void contract_free(contract_t *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nskus; i++) {
        sku_terms_t *s = &c->skus[i];
        free(s->sku);
        value_free(s->rate);
        for (size_t t = 0; t < s->ntiers; t++) { value_free(s->tiers[t].upto); value_free(s->tiers[t].rate); }
        free(s->tiers);
        value_free(s->reserved);
        value_free(s->overage);
    }
    free(c->skus);
    for (size_t i = 0; i < c->ncommits; i++) value_free(c->commits[i].amount);
    free(c->commits);
    for (size_t i = 0; i < c->nfees; i++) value_free(c->fees[i].amount);
    free(c->fees);
    for (size_t i = 0; i < c->ndiscounts; i++) { value_free(c->discounts[i].pct); free(c->discounts[i].sku); value_free(c->discounts[i].above); }
    free(c->discounts);
    value_free(c->escalate);
    for (size_t i = 0; i < c->nsla; i++) value_free(c->sla_pcts[i]);
    free(c->sla_pcts);
    value_free(c->pool);
    value_free(c->quantum);
    free(c->name);
    free(c);
}

/* Calls fn on every amount, rate, bound and percentage of the contract. */
static void each_figure(const contract_t *c, void (*fn)(const value_t *v, void *ctx), void *ctx)
{
    const value_t *single[] = { c->escalate, c->pool, c->quantum };
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) fn(single[i], ctx);
    for (size_t i = 0; i < c->nskus; i++) {
        const sku_terms_t *s = &c->skus[i];
        fn(s->rate, ctx); fn(s->reserved, ctx); fn(s->overage, ctx);
        for (size_t t = 0; t < s->ntiers; t++) { fn(s->tiers[t].upto, ctx); fn(s->tiers[t].rate, ctx); }
    }
    for (size_t i = 0; i < c->ncommits; i++) fn(c->commits[i].amount, ctx);
    for (size_t i = 0; i < c->nfees; i++) fn(c->fees[i].amount, ctx);
    for (size_t i = 0; i < c->ndiscounts; i++) { fn(c->discounts[i].pct, ctx); fn(c->discounts[i].above, ctx); }
    for (size_t i = 0; i < c->nsla; i++) fn(c->sla_pcts[i], ctx);
}

static void note_approx(const value_t *v, void *ctx) { if (value_is_approx(v)) *(int *)ctx = 1; }

int contract_is_approx(const contract_t *c)
{
    int a = 0;
    each_figure(c, note_approx, &a);
    return a;
}

static void add_words(const value_t *v, void *ctx)
{
    if (v && v->kind == V_NUM) *(size_t *)ctx += mpz_size(mpq_numref(v->u.num.q)) + mpz_size(mpq_denref(v->u.num.q));
}

size_t contract_words(const contract_t *c)
{
    size_t w = 0;
    each_figure(c, add_words, &w);
    return w;
}

int contract_periods(const contract_t *c, period_t **out, size_t *n, char **err)
{
    size_t cap = 16, cnt = 0;
    period_t *p = malloc(cap * sizeof *p);
    if (!p) { *err = diag_format("out of memory"); return 0; }
    for (date_t cur = c->start; cur < c->end;) {
        if (cnt == MAX_PERIODS) { contract_periods_free(p, cnt); *err = diag_format("a contract can have at most %d billing periods", MAX_PERIODS); return 0; }
        if (cnt == cap) {
            period_t *np = realloc(p, (cap *= 2) * sizeof *np);
            if (!np) { contract_periods_free(p, cnt); *err = diag_format("out of memory"); return 0; }
            p = np;
        }
        int y, m, d;
        dates_to_ymd(cur, &y, &m, &d);
        date_t next = dates_from_ymd(y, m, 1);
        next = dates_add_months(next, 1);
        date_t end = next < c->end ? next : c->end;
        period_t *pp = &p[cnt++];
        pp->start = cur;
        pp->end = end;
        pp->index = (int)cnt - 1;
        mpq_init(pp->hours);
        mpq_init(pp->month_share);
        mpq_set_si(pp->hours, (end - cur) * 24, 1);
        mpq_set_si(pp->month_share, end - cur, dates_days_in_month(y, m));
        mpq_canonicalize(pp->month_share);
        cur = end;
    }
    *out = p;
    *n = cnt;
    return 1;
}

void contract_periods_free(period_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) { mpq_clear(p[i].hours); mpq_clear(p[i].month_share); }
    free(p);
}

/* ---------- the pricing state ---------- */

typedef struct pricer {
    const contract_t *c;
    units_t *u;
    char **err;
    fault_t *fault;
    int currency;             /* base dimension index of the money */
    int hour, month;          /* unit ids */
    dim_t money, time;
    uterm_t money_unit;
} pricer_t;

static int fail(pricer_t *pr, char *msg) { if (!*pr->err) *pr->err = msg ? msg : diag_format("out of memory"); else free(msg); return 0; }

/* fail, naming the part of the contract or workload at fault */
static int fail_at(pricer_t *pr, fault_kind kind, size_t index, char *msg)
{
    if (pr->fault && pr->fault->kind == FAULT_NONE) { pr->fault->kind = kind; pr->fault->index = index; }
    if (msg) fail(pr, msg);
    return 0;
}

static char *dims_text(pricer_t *pr, const dim_t *d) { return units_format_dim(pr->u, d); }

/* The single base dimension d is, or -1. */
static int single_dim(const dim_t *d)
{
    int found = -1;
    for (int i = 0; i < DIM_MAX; i++) {
        if (!d->e[i]) continue;
        if (d->e[i] != 1 || found >= 0) return -1;
        found = i;
    }
    return found;
}

/* How a usage quantity meets its rate: 1 as it is, 2 times the period's hours, 0 neither. */
static int usage_fit(pricer_t *pr, const dim_t *usage, const dim_t *rate, int *money)
{
    dim_t prod, with_time;
    if (!dim_combine(&prod, usage, rate, 1)) return 0;
    if ((*money = single_dim(&prod)) >= 0) return 1;
    if (!dim_combine(&with_time, &prod, &pr->time, 1)) return 0;
    if ((*money = single_dim(&with_time)) >= 0) return 2;
    return 0;
}

static int set_money(pricer_t *pr, int money, const char *what)
{
    if (!units_is_currency(pr->u, money))
        return fail(pr, diag_format("%s is priced in %s, not in money: a rate is a currency per unit (2.10 USD/(gpu*hour))",
                                    what, units_dimension_name(pr->u, money)));
    if (pr->currency < 0) {
        pr->currency = money;
        memset(&pr->money, 0, sizeof pr->money);
        pr->money.e[money] = 1;
        int base = units_base_of(pr->u, money);
        if (base < 0) return fail(pr, diag_format("the currency has no base unit"));
        uterm_single(&pr->money_unit, base);
        return 1;
    }
    if (pr->currency == money) return 1;
    return fail(pr, diag_format("%s is priced in %s but the contract is in %s; convert with an exchange rate",
                                what, units_dimension_name(pr->u, money), units_dimension_name(pr->u, pr->currency)));
}

/* A quantity for this period in the rate's terms: usage, or usage x hours for a level. */
static int amount_for(pricer_t *pr, size_t s, fault_kind kind, const value_t *usage, const value_t *rate,
                      const period_t *p, mpq_t out)
{
    const char *sku = pr->c->skus[s].sku, *what = kind == FAULT_RESERVE ? "the reservation" : "usage";
    int money;
    if (usage->kind != V_NUM)
        return fail_at(pr, kind, s, diag_format("%s of %s must be a quantity, not a %s", what, sku, value_kind_name(usage)));
    int fit = usage_fit(pr, &usage->u.num.dim, &rate->u.num.dim, &money);
    if (!fit) {
        uterm_t tu, tr;
        value_display_unit(pr->u, usage, &tu);
        value_display_unit(pr->u, rate, &tr);
        char *du = dims_text(pr, &usage->u.num.dim), *dr = dims_text(pr, &rate->u.num.dim);
        char *uu = uterm_format(pr->u, &tu), *ur = uterm_format(pr->u, &tr);
        int r = fail_at(pr, kind, s, diag_format("%s of %s is in %s (%s), which its rate in %s (%s) cannot price",
                                                 what, sku, uu ? uu : "?", du ? du : "?", ur ? ur : "?", dr ? dr : "?"));
        free(du); free(dr); free(uu); free(ur);
        return r;
    }
    if (mpq_sgn(usage->u.num.q) < 0) return fail_at(pr, kind, s, diag_format("%s of %s is negative", what, sku));
    if (!set_money(pr, money, sku)) return fail_at(pr, FAULT_RATE, s, NULL);
    mpq_set(out, usage->u.num.q);
    if (fit == 2) {
        mpq_t h;
        mpq_init(h);
        mpq_mul(h, p->hours, units_get(pr->u, pr->hour)->factor);
        mpq_mul(out, out, h);
        mpq_clear(h);
    }
    return 1;
}

/* The escalation factor of a period: (1 + e)^k in contract year k, where year k starts on
 * the k-th anniversary of the start; a period across an anniversary takes the
 * hour-weighted average of the two factors. */
static void escalation(const contract_t *c, const period_t *p, mpq_t out)
{
    mpq_set_ui(out, 1, 1);
    if (!c->escalate) return;
    mpq_t f, part, sum;
    mpq_inits(f, part, sum, NULL);
    mpq_set_ui(f, 1, 1);
    mpq_add(f, f, c->escalate->u.num.q);
    long year = 0;
    while (dates_add_months(c->start, 12 * (year + 1)) <= p->start) year++;
    mpq_set_ui(out, 1, 1);
    for (long i = 0; i < year; i++) mpq_mul(out, out, f);   /* the factor at the period's start */
    date_t from = p->start;
    while (from < p->end) {
        date_t next_anniversary = dates_add_months(c->start, 12 * (year + 1));
        date_t to = next_anniversary < p->end ? next_anniversary : p->end;
        mpq_set_si(part, to - from, 1);
        mpq_mul(part, part, out);
        mpq_add(sum, sum, part);
        if (to == p->end) break;
        mpq_mul(out, out, f);
        year++;
        from = to;
    }
    mpq_set_si(part, p->end - p->start, 1);
    mpq_div(out, sum, part);
    mpq_clears(f, part, sum, NULL);
}

/* Graduated charge for the quantity range [from, to) over the tiers; bounds[i] is the
 * upper end of tier i in the usage's base units (the last tier may have none). */
static void graduated(const sku_terms_t *s, mpq_t *bounds, const mpq_t from, const mpq_t to, mpq_t out)
{
    mpq_t lo, hi, part;
    mpq_inits(lo, hi, part, NULL);
    mpq_set_ui(out, 0, 1);
    for (size_t i = 0; i < s->ntiers; i++) {
        /* this tier covers [lo, hi) */
        const tier_t *t = &s->tiers[i];
        mpq_set(hi, to);
        if (t->upto && mpq_cmp(bounds[i], hi) < 0) mpq_set(hi, bounds[i]);
        mpq_set(part, from);
        if (mpq_cmp(lo, part) > 0) mpq_set(part, lo);
        if (mpq_cmp(hi, part) > 0) {
            mpq_sub(part, hi, part);
            mpq_mul(part, part, t->rate->u.num.q);
            mpq_add(out, out, part);
        }
        if (!t->upto) break;
        mpq_set(lo, bounds[i]);
    }
    mpq_clears(lo, hi, part, NULL);
}

static const tier_t *volume_tier(const sku_terms_t *s, mpq_t *bounds, const mpq_t q)
{
    for (size_t i = 0; i < s->ntiers; i++) {
        if (!s->tiers[i].upto) return &s->tiers[i];
        int c = mpq_cmp(q, bounds[i]);
        if (c < 0 || (c == 0 && !s->tiers[i].below)) return &s->tiers[i];
    }
    return &s->tiers[s->ntiers - 1];
}

/* The list (unescalated) rate of a SKU for checking dimensions and reporting. */
static const value_t *sku_rate(const sku_terms_t *s) { return s->kind == PRICE_FLAT ? s->rate : s->tiers[0].rate; }

static void free_bounds(mpq_t *bounds, size_t n)
{
    for (size_t i = 0; bounds && i < n; i++) mpq_clear(bounds[i]);
    free(bounds);
}

/* Tier bounds in the usage's terms. A bound may be given as a level (5 PB) for usage that
 * is a level over time (PB-month): it then counts per pricing month. */
static int tier_bounds(pricer_t *pr, const sku_terms_t *s, const dim_t *qdim, mpq_t *out)
{
    for (size_t i = 0; i < s->ntiers; i++) {
        if (!dim_eq(&s->tiers[i].rate->u.num.dim, &sku_rate(s)->u.num.dim))
            return fail(pr, diag_format("the tiers of %s have rates of different dimensions", s->sku));
        const value_t *b = s->tiers[i].upto;
        if (!b) continue;
        dim_t with_time;
        dim_combine(&with_time, &b->u.num.dim, &pr->time, 1);
        if (dim_eq(&b->u.num.dim, qdim)) mpq_set(out[i], b->u.num.q);
        else if (dim_eq(&with_time, qdim)) mpq_mul(out[i], b->u.num.q, units_get(pr->u, pr->month)->factor);
        else {
            char *dt = dims_text(pr, &b->u.num.dim), *du = dims_text(pr, qdim);
            int r = fail(pr, diag_format("the tier bounds of %s are %s but it is used in %s", s->sku, dt ? dt : "?", du ? du : "?"));
            free(dt); free(du);
            return r;
        }
    }
    return 1;
}

/* ---------- records ---------- */

static value_t *money_value(pricer_t *pr, const mpq_t q) { return value_quantity(q, &pr->money, &pr->money_unit); }

static value_t *line(pricer_t *pr, const char *sku, const char *category, const value_t *qty,
                     const value_t *list_rate, const mpq_t rate, const mpq_t amount)
{
    value_t *l = value_record("line");
    if (!l) return NULL;
    int ok = value_record_set(l, "sku", value_str(sku)) && value_record_set(l, "category", value_str(category));
    if (ok && qty) ok = value_record_set(l, "quantity", value_ref((value_t *)qty));
    if (ok && list_rate) ok = value_record_set(l, "list_rate", value_ref((value_t *)list_rate));
    if (ok && qty && rate) {
        /* the rate's unit: money per unit of the quantity */
        dim_t d;
        uterm_t t;
        dim_combine(&d, &pr->money, &qty->u.num.dim, -1);
        uterm_combine(pr->u, &t, &pr->money_unit, &qty->u.num.disp, -1);
        ok = value_record_set(l, "rate", value_quantity(rate, &d, &t));
    }
    if (ok) ok = value_record_set(l, "amount", money_value(pr, amount));
    if (!ok) { value_free(l); return NULL; }
    return l;
}

/* Rounds x in place per the policy, in the given mode; is_line says whether x is a line
 * or the invoice total. */
static void round_money_as(pricer_t *pr, mpq_t x, int is_line, round_mode mode)
{
    const contract_t *c = pr->c;
    if (c->rounding == CONTRACT_ROUND_NONE || (c->rounding == CONTRACT_ROUND_LINES) != is_line) return;
    mpq_t quantum, r;
    mpq_inits(quantum, r, NULL);
    if (c->quantum) mpq_set(quantum, c->quantum->u.num.q);
    else {   /* the currency's minor unit: 0.01 USD, 1 JPY (cents until a rate has set the currency) */
        int decimals = pr->currency >= 0 ? units_currency_decimals(units_dimension_name(pr->u, pr->currency)) : 2;
        mpz_ui_pow_ui(mpq_denref(quantum), 10, (unsigned long)decimals);
        mpz_set_ui(mpq_numref(quantum), 1);
    }
    mpq_div(r, x, quantum);
    mpz_t n;
    mpz_init(n);
    value_round_q(n, r, mode);
    mpq_set_z(r, n);
    mpq_mul(x, r, quantum);
    mpz_clear(n);
    mpq_clears(quantum, r, NULL);
}

static void round_money(pricer_t *pr, mpq_t x, int is_line) { round_money_as(pr, x, is_line, pr->c->mode); }

/* A threshold or minimum given per month (or per period) for this period, prorated. */
static int per_period(pricer_t *pr, const value_t *v, const mpq_t share, const char *what, mpq_t out)
{
    dim_t per_time;
    dim_combine(&per_time, &pr->money, &pr->time, -1);
    if (dim_eq(&v->u.num.dim, &per_time)) {
        mpq_mul(out, v->u.num.q, units_get(pr->u, pr->month)->factor);
    } else if (dim_eq(&v->u.num.dim, &pr->money)) {
        mpq_set(out, v->u.num.q);
    } else {
        char *d = dims_text(pr, &v->u.num.dim), *m = dims_text(pr, &per_time);
        int r = fail(pr, diag_format("%s is %s; expected money per month (%s)", what, d ? d : "?", m ? m : "?"));
        free(d); free(m);
        return r;
    }
    mpq_mul(out, out, share);
    return 1;
}

/* A monthly amount in force by date, for one period: each day counts the lines covering
 * it (the last one only, for commitments: a later line replaces an earlier one; every
 * one, for fees) at the monthly amount divided by the days of that calendar month. */
static int dated_amount(pricer_t *pr, const commit_step_t *steps, size_t n, int last_wins,
                        fault_kind kind, const char *what, const period_t *p, mpq_t out)
{
    mpq_t day, month;
    mpq_inits(day, month, NULL);
    mpq_set_ui(out, 0, 1);
    int ok = 1;
    for (date_t d = p->start; ok && d < p->end; d++) {
        int y, m, dd;
        dates_to_ymd(d, &y, &m, &dd);
        mpq_set_ui(month, 1, (unsigned long)dates_days_in_month(y, m));
        size_t last = n;
        for (size_t i = 0; ok && i < n; i++) {
            const commit_step_t *s = &steps[i];
            if ((s->has_from && d < s->from) || (s->has_until && d >= s->until)) continue;
            if (last_wins) { last = i; continue; }
            if (!per_period(pr, s->amount, month, what, day)) ok = fail_at(pr, kind, i, NULL);
            else mpq_add(out, out, day);
        }
        if (ok && last_wins && last < n) {
            if (!per_period(pr, steps[last].amount, month, what, day)) ok = fail_at(pr, kind, last, NULL);
            else mpq_add(out, out, day);
        }
    }
    mpq_clears(day, month, NULL);
    return ok;
}

typedef struct totals { mpq_t fees, charges, discounts, net, shortfall, sla, pool, total; } totals_t;
static void totals_init(totals_t *t) { mpq_inits(t->fees, t->charges, t->discounts, t->net, t->shortfall, t->sla, t->pool, t->total, NULL); }
static void totals_clear(totals_t *t) { mpq_clears(t->fees, t->charges, t->discounts, t->net, t->shortfall, t->sla, t->pool, t->total, NULL); }
static void totals_add(totals_t *a, const totals_t *b)
{
    mpq_add(a->fees, a->fees, b->fees);
    mpq_add(a->charges, a->charges, b->charges); mpq_add(a->discounts, a->discounts, b->discounts);
    mpq_add(a->net, a->net, b->net); mpq_add(a->shortfall, a->shortfall, b->shortfall);
    mpq_add(a->sla, a->sla, b->sla); mpq_add(a->pool, a->pool, b->pool); mpq_add(a->total, a->total, b->total);
}
static int totals_record(pricer_t *pr, value_t *rec, const totals_t *t)
{
    return value_record_set(rec, "fees", money_value(pr, t->fees)) &&
           value_record_set(rec, "gross", money_value(pr, t->charges)) &&
           value_record_set(rec, "discounts", money_value(pr, t->discounts)) &&
           value_record_set(rec, "net", money_value(pr, t->net)) &&
           value_record_set(rec, "shortfall", money_value(pr, t->shortfall)) &&
           value_record_set(rec, "sla_credit", money_value(pr, t->sla)) &&
           value_record_set(rec, "pool_draw", money_value(pr, t->pool)) &&
           value_record_set(rec, "total", money_value(pr, t->total));
}

/* ---------- one period ---------- */

typedef struct sku_state { mpq_t cumulative, quantity, charge; value_t *qty_unit; } sku_state_t;

static int push_line(value_t ***lines, size_t *n, value_t *l)
{
    if (!l) return 0;
    value_t **nl = realloc(*lines, (*n + 1) * sizeof *nl);
    if (!nl) { value_free(l); return 0; }
    *lines = nl;
    nl[(*n)++] = l;
    return 1;
}

/* A line at a flat rate (escalated): quantity x rate, added to the SKU's charges. */
static int flat_line(pricer_t *pr, const char *sku, const char *category, const mpq_t qty, const dim_t *qdim,
                     const uterm_t *qdisp, const value_t *list_rate, const mpq_t esc, value_t ***lines,
                     size_t *nlines, mpq_t charge)
{
    mpq_t rate, amount;
    mpq_inits(rate, amount, NULL);
    mpq_mul(rate, list_rate->u.num.q, esc);
    mpq_mul(amount, qty, rate);
    round_money(pr, amount, 1);
    value_t *qv = value_quantity(qty, qdim, qdisp);
    int ok = qv && push_line(lines, nlines, line(pr, sku, category, qv, list_rate, rate, amount));
    value_free(qv);
    mpq_add(charge, charge, amount);
    mpq_clears(rate, amount, NULL);
    return ok;
}

static value_t *price_period(pricer_t *pr, const period_t *p, value_t *const *usage, const int *sla_hit,
                             sku_state_t *st, mpq_t pool_left, totals_t *t)
{
    const contract_t *c = pr->c;
    value_t **lines = NULL;
    size_t nlines = 0;
    value_t *charges_rec = value_record("charges");
    mpq_t esc, q, amount, rate, x, r2, rq;
    mpq_inits(esc, q, amount, rate, x, r2, rq, NULL);
    escalation(c, p, esc);
    mpq_t *sku_charge = calloc(c->nskus + 1, sizeof *sku_charge);
    int ok = charges_rec != NULL && sku_charge != NULL;
    for (size_t s = 0; sku_charge && s < c->nskus; s++) mpq_init(sku_charge[s]);

    /* 1. usage charges */
    for (size_t s = 0; ok && s < c->nskus; s++) {
        const sku_terms_t *sk = &c->skus[s];
        const value_t *use = usage[s];
        const value_t *lr = sku_rate(sk);
        if (!use && !sk->reserved) continue;
        value_t *zero = NULL;
        if (!use) {   /* a reservation without use: no usage of the reserved kind */
            zero = value_quantity(sk->reserved->u.num.q, &sk->reserved->u.num.dim, &sk->reserved->u.num.disp);
            if (!zero) { ok = 0; break; }
            mpq_set_ui(zero->u.num.q, 0, 1);
            use = zero;
        }
        if (!amount_for(pr, s, usage[s] ? FAULT_USAGE : FAULT_RESERVE, use, lr, p, q)) { value_free(zero); ok = 0; break; }
        /* the quantity as reported: in the rate's unit of measure */
        dim_t qdim;
        dim_combine(&qdim, &pr->money, &lr->u.num.dim, -1);
        mpq_t *bounds = NULL;
        if (sk->kind != PRICE_FLAT) {
            bounds = malloc(sk->ntiers * sizeof *bounds);
            for (size_t i = 0; bounds && i < sk->ntiers; i++) mpq_init(bounds[i]);
            if (!bounds || !tier_bounds(pr, sk, &qdim, bounds)) {
                fail_at(pr, FAULT_RATE, s, NULL);
                ok = bounds ? 0 : fail(pr, diag_format("out of memory"));
                free_bounds(bounds, sk->ntiers);
                value_free(zero);
                break;
            }
        }
        uterm_t qdisp;
        uterm_t money_t = pr->money_unit;
        uterm_combine(pr->u, &qdisp, &money_t, &lr->u.num.disp, -1);
        value_t *qv = value_quantity(q, &qdim, &qdisp);
        mpq_add(st[s].quantity, st[s].quantity, q);
        if (!st[s].qty_unit) st[s].qty_unit = value_ref(qv);
        if (sk->reserved) {
            if (sk->kind != PRICE_FLAT) {
                free_bounds(bounds, sk->ntiers);
                value_free(qv);
                value_free(zero);
                ok = fail_at(pr, FAULT_RESERVE, s, diag_format("a reservation needs a flat rate for %s", sk->sku));
                break;
            }
            mpq_t res;
            mpq_init(res);
            ok = amount_for(pr, s, FAULT_RESERVE, sk->reserved, lr, p, res);
            const value_t *ov = sk->overage ? sk->overage : sk->rate;
            if (ok && !dim_eq(&ov->u.num.dim, &lr->u.num.dim))
                ok = fail_at(pr, FAULT_RESERVE, s, diag_format("the overage rate of %s must be in the same units as its rate", sk->sku));
            /* the reservation is paid in full; usage above it at the overage rate */
            if (ok) ok = flat_line(pr, sk->sku, "reserved", res, &qdim, &qdisp, lr, esc, &lines, &nlines, sku_charge[s]);
            mpq_sub(x, q, res);
            if (ok && mpq_sgn(x) > 0) ok = flat_line(pr, sk->sku, "overage", x, &qdim, &qdisp, ov, esc, &lines, &nlines, sku_charge[s]);
            mpq_clear(res);
        } else {
            switch (sk->kind) {
            case PRICE_FLAT:
                mpq_mul(amount, q, sk->rate->u.num.q);
                break;
            case PRICE_GRADUATED:
                if (sk->cumulative) {
                    mpq_add(x, st[s].cumulative, q);
                    graduated(sk, bounds, st[s].cumulative, x, amount);
                } else {
                    mpq_set_ui(x, 0, 1);
                    graduated(sk, bounds, x, q, amount);
                }
                break;
            case PRICE_VOLUME:
                mpq_add(x, st[s].cumulative, q);
                mpq_mul(amount, q, volume_tier(sk, bounds, sk->cumulative ? x : q)->rate->u.num.q);
                break;
            }
            mpq_mul(amount, amount, esc);
            round_money(pr, amount, 1);
            if (mpq_sgn(q)) mpq_div(rate, amount, q); else mpq_mul(rate, lr->u.num.q, esc);
            /* a tiered SKU has no single list price; its contracted price is the average */
            ok = push_line(&lines, &nlines, line(pr, sk->sku, "usage", qv, sk->kind == PRICE_FLAT ? lr : NULL, rate, amount));
            mpq_add(sku_charge[s], sku_charge[s], amount);
        }
        mpq_add(st[s].cumulative, st[s].cumulative, q);
        mpq_add(st[s].charge, st[s].charge, sku_charge[s]);
        mpq_add(t->charges, t->charges, sku_charge[s]);
        if (ok) ok = value_record_set(charges_rec, sk->sku, money_value(pr, sku_charge[s]));
        free_bounds(bounds, sk->ntiers);
        value_free(qv);
        value_free(zero);
    }
    if (ok && pr->currency < 0 && c->nfees && c->fees[0].amount->kind == V_NUM) {
        /* a contract of fees alone is priced in the currency of its first fee */
        dim_t d = c->fees[0].amount->u.num.dim, with_time;
        dim_combine(&with_time, &d, &pr->time, 1);
        int money = single_dim(&d) >= 0 ? single_dim(&d) : single_dim(&with_time);
        if (money >= 0 && !set_money(pr, money, "the fee")) ok = fail_at(pr, FAULT_FEE, 0, NULL);
    }
    if (ok && pr->currency < 0) ok = fail(pr, diag_format("the workload uses none of the contract's rates"));
    if (ok && c->nfees && (ok = dated_amount(pr, c->fees, c->nfees, 0, FAULT_FEE, "a fee", p, amount))) {
        round_money(pr, amount, 1);
        if (mpq_sgn(amount)) ok = push_line(&lines, &nlines, line(pr, "fee", "fee", NULL, NULL, NULL, amount));
        mpq_set(t->fees, amount);
        mpq_add(t->charges, t->charges, amount);
    }
    if (ok && c->quantum && !dim_eq(&c->quantum->u.num.dim, &pr->money))
        ok = fail_at(pr, FAULT_ROUND, 0, diag_format("the rounding quantum must be an amount of %s", units_dimension_name(pr->u, pr->currency)));

    /* 2. discounts, in a fixed order: per SKU, on everything, on spend above a threshold */
    mpq_set(t->net, t->charges);
    for (int pass = 0; ok && pass < 3; pass++)
        for (size_t i = 0; ok && i < c->ndiscounts; i++) {
            const discount_t *d = &c->discounts[i];
            int kind = d->sku ? 0 : d->above ? 2 : 1;
            if (kind != pass) continue;
            if (kind == 0) {
                size_t s = 0;
                while (s < c->nskus && strcmp(c->skus[s].sku, d->sku)) s++;
                if (s == c->nskus) { ok = fail(pr, diag_format("discount on %s: the contract has no such rate", d->sku)); break; }
                mpq_mul(amount, sku_charge[s], d->pct->u.num.q);
            } else if (kind == 1) {
                mpq_mul(amount, t->net, d->pct->u.num.q);
            } else {
                if (!per_period(pr, d->above, p->month_share, "a discount threshold", x)) { ok = fail_at(pr, FAULT_DISCOUNT, i, NULL); break; }
                mpq_sub(x, t->net, x);
                if (mpq_sgn(x) < 0) mpq_set_ui(x, 0, 1);
                mpq_mul(amount, x, d->pct->u.num.q);
            }
            mpq_neg(amount, amount);
            round_money(pr, amount, 1);
            if (mpq_sgn(amount) == 0) continue;
            ok = push_line(&lines, &nlines, line(pr, d->sku ? d->sku : "all", "discount", NULL, NULL, NULL, amount));
            mpq_add(t->discounts, t->discounts, amount);
            mpq_add(t->net, t->net, amount);
        }

    /* 3. commitment */
    if (ok && c->ncommits && (ok = dated_amount(pr, c->commits, c->ncommits, 1, FAULT_COMMIT, "the commitment", p, x))) {
        mpq_sub(x, x, c->commit_on_gross ? t->charges : t->net);
        if (mpq_sgn(x) > 0) {
            round_money(pr, x, 1);
            mpq_set(t->shortfall, x);
            ok = push_line(&lines, &nlines, line(pr, "commitment", "shortfall", NULL, NULL, NULL, x));
        }
    }

    /* 4. SLA credit: the largest band that holds */
    mpq_set_ui(r2, 0, 1);
    for (size_t b = 0; b < c->nsla; b++)
        if (sla_hit[b] && mpq_cmp(c->sla_pcts[b]->u.num.q, r2) > 0) mpq_set(r2, c->sla_pcts[b]->u.num.q);
    if (ok && mpq_sgn(r2) > 0) {
        mpq_set(x, t->net);
        if (c->sla_on_invoice) mpq_add(x, x, t->shortfall);
        /* a credit is a negative line and rounds as one, like a discount (ceiling and floor go by sign) */
        mpq_mul(x, x, r2);
        mpq_neg(x, x);
        round_money(pr, x, 1);
        mpq_neg(t->sla, x);
        ok = push_line(&lines, &nlines, line(pr, "sla", "sla_credit", NULL, NULL, NULL, x));
    }

    /* 5. credit pool */
    if (ok && c->pool && !dim_eq(&c->pool->u.num.dim, &pr->money))
        ok = fail_at(pr, FAULT_POOL, 0, diag_format("the credit pool must be an amount of %s", units_dimension_name(pr->u, pr->currency)));
    mpq_add(x, t->net, t->shortfall);
    mpq_sub(x, x, t->sla);
    if (ok && c->pool && mpq_sgn(pool_left) > 0 && mpq_sgn(x) > 0) {
        mpq_neg(amount, mpq_cmp(pool_left, x) < 0 ? pool_left : x);
        round_money(pr, amount, 1);   /* a negative line, as the SLA credit */
        mpq_neg(t->pool, amount);
        if (mpq_cmp(t->pool, pool_left) > 0) {
            /* rounding must not draw more than is left: round what is left down instead */
            mpq_set(t->pool, pool_left);
            round_money_as(pr, t->pool, 1, RM_DOWN);
            mpq_neg(amount, t->pool);
        }
        mpq_sub(pool_left, pool_left, t->pool);
        ok = push_line(&lines, &nlines, line(pr, "credit_pool", "pool_draw", NULL, NULL, NULL, amount));
    }

    /* 6. the invoice; invoice-level rounding gets a line of its own, so the lines add up */
    mpq_sub(t->total, x, t->pool);
    mpq_set(amount, t->total);
    round_money(pr, t->total, 0);
    mpq_sub(amount, t->total, amount);
    if (ok && mpq_sgn(amount)) ok = push_line(&lines, &nlines, line(pr, "invoice", "rounding", NULL, NULL, NULL, amount));

    value_t *rec = NULL;
    if (ok) {
        rec = value_record("period");
        value_t *lv = value_list(lines, nlines);
        lines = NULL;
        ok = rec && lv && value_record_set(rec, "start", value_date(p->start)) && value_record_set(rec, "end", value_date(p->end)) &&
             value_record_set(rec, "lines", lv) && value_record_set(rec, "charges", value_ref(charges_rec)) && totals_record(pr, rec, t);
        if (!ok) { value_free(rec); rec = NULL; if (!*pr->err) *pr->err = diag_format("out of memory"); }
    }
    for (size_t i = 0; lines && i < nlines; i++) value_free(lines[i]);
    free(lines);
    for (size_t s = 0; sku_charge && s < c->nskus; s++) mpq_clear(sku_charge[s]);
    free(sku_charge);
    value_free(charges_rec);
    mpq_clears(esc, q, amount, rate, x, r2, rq, NULL);
    return rec;
}

value_t *contract_price(const contract_t *c, units_t *u, const char *workload,
                        const period_t *periods, size_t nperiods,
                        value_t *const *usage, const int *sla_hit, char **err, fault_t *fault)
{
    *err = NULL;
    if (fault) fault->kind = FAULT_NONE;
    pricer_t pr = { c, u, err, fault, -1, units_find(u, "hour"), units_find(u, "month"), {{0}}, {{0}}, {0} };
    if (pr.hour < 0 || pr.month < 0) { *err = diag_format("the prelude must define hour and month"); return NULL; }
    pr.time = units_get(u, pr.hour)->dim;
    sku_state_t *st = calloc(c->nskus + 1, sizeof *st);
    value_t **recs = calloc(nperiods + 1, sizeof *recs);
    if (!st || !recs) { free(st); free(recs); *err = diag_format("out of memory"); return NULL; }
    for (size_t s = 0; s < c->nskus; s++) mpq_inits(st[s].cumulative, st[s].quantity, st[s].charge, NULL);
    mpq_t pool;
    mpq_init(pool);
    if (c->pool) mpq_set(pool, c->pool->u.num.q);
    totals_t term;
    totals_init(&term);
    size_t done = 0;
    for (; done < nperiods; done++) {
        totals_t t;
        totals_init(&t);
        recs[done] = price_period(&pr, &periods[done], usage + done * c->nskus, sla_hit + done * c->nsla, st, pool, &t);
        totals_add(&term, &t);
        totals_clear(&t);
        if (!recs[done]) break;
    }
    value_t *inv = NULL;
    if (done == nperiods && !*err && pr.currency < 0) *err = diag_format("the contract has no billing periods");
    if (done == nperiods && !*err) {
        inv = value_record("invoice");
        value_t **names = calloc(c->nskus + 1, sizeof *names);
        value_t *eff = value_record("rates"), *all_in = value_record("rates"), *qty = value_record("quantities"), *charges = value_record("charges");
        for (size_t s = 0; names && s < c->nskus; s++) names[s] = value_str(c->skus[s].sku);
        int ok = inv && names && eff && all_in && qty && charges;
        for (size_t s = 0; ok && s < c->nskus; s++) {
            ok = value_record_set(charges, c->skus[s].sku, money_value(&pr, st[s].charge));
            if (!st[s].qty_unit) continue;
            value_t *qv = value_quantity(st[s].quantity, &st[s].qty_unit->u.num.dim, &st[s].qty_unit->u.num.disp);
            /* effective: what the SKU's own charges came to per unit; all-in: the whole
             * invoice per unit of this SKU (the figure to compare with a list price when one
             * SKU dominates the deal) */
            if (mpq_sgn(st[s].quantity) > 0) {
                mpq_t r;
                mpq_init(r);
                const value_t *lr = sku_rate(&c->skus[s]);
                mpq_div(r, st[s].charge, st[s].quantity);
                ok = value_record_set(eff, c->skus[s].sku, value_quantity(r, &lr->u.num.dim, &lr->u.num.disp));
                mpq_div(r, term.total, st[s].quantity);
                ok = ok && value_record_set(all_in, c->skus[s].sku, value_quantity(r, &lr->u.num.dim, &lr->u.num.disp));
                mpq_clear(r);
            }
            ok = ok && value_record_set(qty, c->skus[s].sku, qv);
        }
        const char *cur = units_dimension_name(u, pr.currency);
        ok = ok && value_record_set(inv, "contract", value_str(c->name)) && value_record_set(inv, "workload", value_str(workload)) &&
             value_record_set(inv, "currency", value_str(cur)) && value_record_set(inv, "skus", value_list(names, c->nskus)) &&
             value_record_set(inv, "periods", value_list(recs, nperiods)) && totals_record(&pr, inv, &term) &&
             value_record_set(inv, "charges", charges) && value_record_set(inv, "quantities", qty) &&
             value_record_set(inv, "effective", eff) && value_record_set(inv, "all_in", all_in);
        names = NULL; recs = NULL;
        if (!ok) { value_free(inv); inv = NULL; if (!*err) *err = diag_format("out of memory"); }
    }
    for (size_t i = 0; recs && i < nperiods; i++) value_free(recs[i]);
    free(recs);
    for (size_t s = 0; s < c->nskus; s++) { mpq_clears(st[s].cumulative, st[s].quantity, st[s].charge, NULL); value_free(st[s].qty_unit); }
    free(st);
    totals_clear(&term);
    mpq_clear(pool);
    return inv;
}
