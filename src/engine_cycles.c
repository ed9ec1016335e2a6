/* engine_cycles: the contract's calendar — its billing periods (weeks, calendar months,
 * quarters or years, cut at the start and end) and contract years, which set each period's escalation factor and
 * the windows of a commitment trued up yearly. */
#include "engine.h"
#include "diag.h"
#include <stdlib.h>

enum { MAX_PERIODS = 1200 };

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
        int y, m, d, months = c->period_months > 1 ? c->period_months : 1;
        dates_to_ymd(cur, &y, &m, &d);
        /* the next calendar quarter or year begins in a month m with (m - 1) % months == 0;
         * the next week on a Monday (day 0, 1970-01-01, was a Thursday) */
        date_t next = c->weekly ? cur + 7 - ((cur + 3) % 7 + 7) % 7
                                : dates_add_months(dates_from_ymd(y, m, 1), months - (m - 1) % months);
        date_t end = next < c->end ? next : c->end;
        period_t *pp = &p[cnt++];
        pp->start = cur;
        pp->end = end;
        pp->index = (int)cnt - 1;
        mpq_init(pp->hours);
        mpq_init(pp->month_share);
        mpq_set_si(pp->hours, (end - cur) * 24, 1);
        mpq_t part;
        mpq_init(part);
        for (date_t from = cur; from < end;) {
            dates_to_ymd(from, &y, &m, &d);
            date_t to = dates_add_months(dates_from_ymd(y, m, 1), 1);
            if (to > end) to = end;
            mpq_set_si(part, to - from, dates_days_in_month(y, m));
            mpq_canonicalize(part);
            mpq_add(pp->month_share, pp->month_share, part);
            from = to;
        }
        mpq_clear(part);
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

/* (1 + e)^year: numerator and denominator raised apart stay in lowest terms, so the
 * compounding needs no gcd however long the term. */
static void compound(const mpq_t f, long year, mpq_t out)
{
    mpz_pow_ui(mpq_numref(out), mpq_numref(f), (unsigned long)year);
    mpz_pow_ui(mpq_denref(out), mpq_denref(f), (unsigned long)year);
}

/* The escalation factor of a period: (1 + e)^k in contract year k, where year k starts on
 * the k-th anniversary of the start; a period across an anniversary takes the
 * hour-weighted average of the two factors (engine_sku_escalation weighs a SKU with
 * hourly usage by its usage instead). */
static void period_escalation(const contract_t *c, const value_t *escalate, const period_t *p, mpq_t out)
{
    mpq_set_ui(out, 1, 1);
    if (!escalate) return;
    mpq_t f, part, sum;
    mpq_inits(f, part, sum, NULL);
    mpq_set_ui(f, 1, 1);
    mpq_add(f, f, escalate->u.num.q);
    long year = 0;
    while (dates_add_months(c->start, 12 * (year + 1)) <= p->start) year++;
    compound(f, year, out);   /* the factor at the period's start */
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

long engine_contract_year(const contract_t *c, date_t d, date_t *year_end)
{
    long k = 0;
    while (dates_add_months(c->start, 12 * (k + 1)) <= d) k++;
    *year_end = dates_add_months(c->start, 12 * (k + 1));
    if (*year_end > c->end) *year_end = c->end;
    return k;
}

void engine_year_factor(const value_t *escalate, long k, mpq_t out)
{
    mpq_set_ui(out, 1, 1);
    if (!escalate) return;
    mpq_t f;
    mpq_init(f);
    mpq_add(f, out, escalate->u.num.q);
    compound(f, k, out);
    mpq_clear(f);
}

int engine_year_minimum(engine_t *en, const value_t *v, const dim_t *base, long k, date_t to, const char *what, mpq_t out)
{
    date_t from = dates_add_months(en->c->start, 12 * k), full = dates_add_months(en->c->start, 12 * (k + 1));
    int year = units_find(en->u, "year");
    if (year < 0) return engine_fail(en, diag_format("the prelude must define year"));
    mpq_t share;
    mpq_init(share);
    mpq_set_si(share, to - from, full - from);
    mpq_canonicalize(share);
    int ok = engine_per_time(en, v, base, year, share, what, out);
    mpq_clear(share);
    return ok;
}

/* Whether SKU s's spend in period p follows its hours: its usage is hourly, it is not
 * reserved (a reservation is held, and billed, every hour alike) and the period crosses
 * an anniversary. */
static int by_hours(const engine_t *en, const period_t *p, size_t s)
{
    const contract_t *c = en->c;
    date_t year_end;
    return en->hours && en->hours->has[s] && !c->skus[s].reserved &&
           (engine_contract_year(c, p->start, &year_end), year_end < p->end);
}

const value_t *engine_sku_escalator(const contract_t *c, size_t s) { return c->skus[s].escalate ? c->skus[s].escalate : c->escalate; }

size_t engine_year_hours(const engine_t *en, size_t from, size_t to, long *k)
{
    date_t year_end;
    *k = engine_contract_year(en->c, en->c->start + (date_t)(from / 24), &year_end);
    size_t end = (size_t)(year_end - en->c->start) * 24;
    return end > from && end < to ? end : to;
}

/* SKU s's hourly usage over period p: its sum (q), and weighted by each hour's escalation
 * factor, in all (w) and in the hours before day cut (w_before). */
static void hourly_sums(const engine_t *en, const period_t *p, size_t s, date_t cut, mpq_t q, mpq_t w, mpq_t w_before)
{
    const contract_t *c = en->c;
    const contract_hours_t *h = en->hours;
    mpq_t f, x;
    mpq_inits(f, x, NULL);
    size_t from, to;
    engine_period_hours(en, p, &from, &to);
    mpq_set_ui(q, 0, 1); mpq_set_ui(w, 0, 1); mpq_set_ui(w_before, 0, 1);
    for (size_t a = from, b; a < to; a = b) {
        long k;
        b = engine_year_hours(en, a, to, &k);
        engine_year_factor(engine_sku_escalator(c, s), k, f);
        for (size_t i = a; i < b; i++) {
            const mpq_t *u = &h->q[s * h->nhours + i];
            if (!mpq_sgn(*u)) continue;
            mpq_add(q, q, *u);
            mpq_mul(x, *u, f);
            mpq_add(w, w, x);
            if (c->start + (date_t)(i / 24) < cut) mpq_add(w_before, w_before, x);
        }
    }
    mpq_clears(f, x, NULL);
}

void engine_sku_escalation(const engine_t *en, const engine_period_t *ep, mpq_t *out)
{
    mpq_t q, w, wb, last;
    mpq_inits(q, w, wb, last, NULL);
    const value_t *last_esc = NULL;   /* last's escalator: SKUs under the same one share its factor */
    int have_last = 0;
    for (size_t s = 0; s < en->c->nskus; s++) {
        const value_t *esc = engine_sku_escalator(en->c, s);
        if (!have_last || esc != last_esc) {
            period_escalation(en->c, esc, ep->p, last);
            last_esc = esc;
            have_last = 1;
        }
        mpq_set(out[s], last);
        if (!esc || !by_hours(en, ep->p, s)) continue;
        hourly_sums(en, ep->p, s, ep->p->end, q, w, wb);
        if (mpq_sgn(q)) mpq_div(out[s], w, q);
    }
    mpq_clears(q, w, wb, last, NULL);
}

/* The share of period ep's charges that falls before day cut: each SKU's charge by days,
 * or, for a SKU whose spend follows its hours, by its hours' spend (each hour's usage at
 * its year's escalation); by days when there are no charges. */
static void share_before(const engine_t *en, const engine_period_t *ep, date_t cut, mpq_t out)
{
    const period_t *p = ep->p;
    if (cut <= p->start || cut >= p->end) { mpq_set_ui(out, cut > p->start, 1); return; }
    mpq_t days, all, part, q, w, wb;
    mpq_inits(days, all, part, q, w, wb, NULL);
    mpq_set_si(days, cut - p->start, p->end - p->start);
    mpq_canonicalize(days);
    mpq_set_ui(out, 0, 1);
    for (size_t s = 0; s < en->c->nskus; s++) {
        mpq_add(all, all, ep->sku_charge[s]);
        if (by_hours(en, p, s) && (hourly_sums(en, p, s, cut, q, w, wb), mpq_sgn(w))) mpq_div(part, wb, w);
        else mpq_set(part, days);
        mpq_mul(part, part, ep->sku_charge[s]);
        mpq_add(out, out, part);
    }
    if (mpq_sgn(all)) mpq_div(out, out, all);
    else mpq_set(out, days);
    mpq_clears(days, all, part, q, w, wb, NULL);
}

/* A commitment trued up yearly: each period's spend (net, or gross with commitment_basis
 * = gross) counts toward its contract year; a period across an anniversary splits it
 * between the years as its charges split (share_before: by the hours' spend where usage
 * is hourly, else by days). The period holding a year's last day bills that year's
 * shortfall. An escalating commitment is year k's amount x (1 + e)^k. */
int engine_trueup(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    const period_t *p = ep->p;
    if (!c->trueup) return 1;
    mpq_t part, x;
    mpq_inits(part, x, NULL);
    int ok = 1;
    for (date_t d = p->start, year_end, to; ok && d < p->end; d = to) {
        long k = engine_contract_year(c, d, &year_end);
        to = year_end < p->end ? year_end : p->end;
        share_before(en, ep, to, part);
        share_before(en, ep, d, x);
        mpq_sub(part, part, x);
        mpq_mul(part, part, c->commit_on_gross ? ep->t.charges : ep->t.net);
        mpq_add(en->year_spend, en->year_spend, part);
        if (to < year_end) continue;
        ok = engine_year_minimum(en, c->trueup, &en->money, k, year_end, "the yearly commitment", x) ||
             engine_fail_at(en, FAULT_TRUEUP, FAULT_OTHER, 0, NULL);
        if (c->trueup_escalates) {
            engine_year_factor(c->escalate, k, part);
            mpq_mul(x, x, part);
        }
        mpq_sub(x, x, en->year_spend);
        if (ok && mpq_sgn(x) > 0) {
            engine_round(en, x, 1);
            mpq_add(ep->t.shortfall, ep->t.shortfall, x);
            ok = engine_line(en, ep, "commitment", "yearly_shortfall", x);
        }
        mpq_set_ui(en->year_spend, 0, 1);
    }
    mpq_clears(part, x, NULL);
    return ok;
}
