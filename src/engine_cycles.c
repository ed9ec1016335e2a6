/* engine_cycles: the contract's calendar — its billing periods (calendar months cut at
 * the start and end) and contract years, which set each period's escalation factor. */
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

/* (1 + e)^year: numerator and denominator raised apart stay in lowest terms, so the
 * compounding needs no gcd however long the term. */
static void compound(const mpq_t f, long year, mpq_t out)
{
    mpz_pow_ui(mpq_numref(out), mpq_numref(f), (unsigned long)year);
    mpz_pow_ui(mpq_denref(out), mpq_denref(f), (unsigned long)year);
}

/* The escalation factor of a period: (1 + e)^k in contract year k, where year k starts on
 * the k-th anniversary of the start; a period across an anniversary takes the
 * hour-weighted average of the two factors. */
void engine_escalation(const contract_t *c, const period_t *p, mpq_t out)
{
    mpq_set_ui(out, 1, 1);
    if (!c->escalate) return;
    mpq_t f, part, sum;
    mpq_inits(f, part, sum, NULL);
    mpq_set_ui(f, 1, 1);
    mpq_add(f, f, c->escalate->u.num.q);
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
