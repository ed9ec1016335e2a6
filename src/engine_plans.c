/* engine_plans: spend-based commitments (AWS Savings Plans, Google spend-based CUDs). A
 * plan commits so much money per hour. In each hour it pays for its SKUs' usage at their
 * plan rates, the SKU with the largest percentage saving over its own rate first (the
 * published AWS rule), until the hour's commitment is spent; the rest of the usage pays
 * the SKU's own rate (on_demand), and what the hour leaves unspent is billed all the same
 * (the plan's unused_commitment line, counted as a shortfall). Each hour is at its contract
 * year's escalated rates. */
#include "engine.h"
#include "diag.h"
#include <stdlib.h>

/* The plan's commitment for one hour, in money; sets the currency when no rate has. */
static int hourly_amount(engine_t *en, size_t p, mpq_t out)
{
    const value_t *a = en->c->plans[p].amount;
    dim_t money;
    int cur = a->kind == V_NUM && dim_combine(&money, value_dim(a), &en->time, 1) ? dim_single(&money) : -1;
    if (cur < 0 || !units_is_currency(en->u, cur)) {
        char *d = a->kind == V_NUM ? engine_dims_text(en, value_dim(a)) : NULL;
        engine_fail_at(en, FAULT_PLAN, FAULT_OTHER, p, diag_format("a plan commits money per hour (40 USD per hour), not %s", d ? d : "that"));
        free(d);
        return 0;
    }
    if (!engine_set_money(en, cur, en->c->plans[p].name)) return engine_fail_at(en, FAULT_PLAN, FAULT_OTHER, p, NULL);
    mpq_mul(out, a->u.num.q, units_get(en->u, en->hour)->factor);
    return 1;
}

/* A SKU under the plan: its rates in force, its usage covered and over the commitment so
 * far and those weighted by each hour's escalation factor (cw, ow), and the usage of each
 * hour when it is given per period. */
typedef struct plan_sku { size_t s; mpq_t rate, plan_rate, covered, over, cw, ow, even; } plan_sku_t;

/* Largest saving first: the smallest plan rate / own rate (a free SKU saves nothing). */
static int by_saving(const void *a, const void *b)
{
    const plan_sku_t *x = a, *y = b;
    int zx = !mpq_sgn(x->rate), zy = !mpq_sgn(y->rate);
    if (zx || zy) return zx - zy ? zx - zy : (x->s > y->s) - (x->s < y->s);
    mpq_t l, r;
    mpq_inits(l, r, NULL);
    mpq_mul(l, x->plan_rate, y->rate);
    mpq_mul(r, y->plan_rate, x->rate);
    int c = mpq_cmp(l, r);
    mpq_clears(l, r, NULL);
    return c ? c : (x->s > y->s) - (x->s < y->s);
}

/* Spends one hour's commitment (left) on usage u of one SKU. */
static void cover(plan_sku_t *k, const mpq_t u, mpq_t left, mpq_t cost)
{
    mpq_mul(cost, u, k->plan_rate);
    if (mpq_cmp(cost, left) <= 0) {
        mpq_add(k->covered, k->covered, u);
        mpq_sub(left, left, cost);
        return;
    }
    mpq_div(cost, left, k->plan_rate);   /* what is left buys this much */
    mpq_add(k->covered, k->covered, cost);
    mpq_add(k->over, k->over, u);
    mpq_sub(k->over, k->over, cost);
    mpq_set_ui(left, 0, 1);
}

/* Adds sign x f x the SKU's covered and over usage so far to cw and ow: -1 as a stretch of
 * hours at factor f starts, +1 as it ends, so each stretch adds what it covered times f. */
static void weigh(plan_sku_t *k, const mpq_t f, int sign)
{
    mpq_t x;
    mpq_init(x);
    mpq_set_si(x, sign, 1);
    mpq_mul(x, x, f);
    mpq_t y;
    mpq_init(y);
    mpq_mul(y, k->covered, x);
    mpq_add(k->cw, k->cw, y);
    mpq_mul(y, k->over, x);
    mpq_add(k->ow, k->ow, y);
    mpq_clear(y);
    mpq_clear(x);
}

static int price_plan(engine_t *en, engine_period_t *ep, size_t p, plan_sku_t *ks, size_t nk)
{
    const contract_t *c = en->c;
    const contract_hours_t *h = en->hours;
    mpq_t per_hour, left, unused, cost, f;
    mpq_inits(per_hour, left, unused, cost, f, NULL);
    int ok = hourly_amount(en, p, per_hour);
    for (size_t i = 0; ok && i < nk; i++) {
        const sku_terms_t *sk = &c->skus[ks[i].s];
        if (sk->plan_rate->u.num.dim_id != sk->rate->u.num.dim_id)
            ok = engine_fail_at(en, FAULT_PLAN, FAULT_OTHER, p, diag_format("the plan rate of %s must be in the units of its rate", sk->sku));
        else if (sk->reserved)
            ok = engine_fail_at(en, FAULT_PLAN, FAULT_OTHER, p, diag_format("%s is reserved and under a plan: choose one", sk->sku));
        mpq_set(ks[i].rate, sk->rate->u.num.q);
        mpq_set(ks[i].plan_rate, sk->plan_rate->u.num.q);
        mpq_div(ks[i].even, ep->plan_q[ks[i].s], ep->p->hours);   /* usage given per period runs evenly */
    }
    qsort(ks, nk, sizeof *ks, by_saving);   /* a SKU's two rates escalate alike: its saving holds */
    size_t from, to;
    engine_period_hours(en, ep->p, &from, &to);
    if (!h) to = (from = (size_t)(ep->p->start - c->start) * 24) + (size_t)mpz_get_ui(mpq_numref(ep->p->hours));
    /* each stretch of hours in one contract year at that year's rates; cw and ow gather
     * what each stretch adds to covered and over times its factor */
    for (size_t a = from, b; ok && a < to; a = b) {
        long k;
        b = engine_year_hours(en, a, to, &k);
        for (size_t i = 0; i < nk; i++) {
            const sku_terms_t *sk = &c->skus[ks[i].s];
            engine_year_factor(engine_sku_escalator(c, ks[i].s), k, f);
            mpq_mul(ks[i].rate, sk->rate->u.num.q, f);
            mpq_mul(ks[i].plan_rate, sk->plan_rate->u.num.q, f);
            weigh(&ks[i], f, -1);
        }
        for (size_t hr = a; hr < b; hr++) {
            mpq_set(left, per_hour);
            for (size_t i = 0; i < nk; i++) {
                size_t s = ks[i].s;
                const mpq_t *u = h && h->has[s] ? &h->q[s * h->nhours + hr] : &ks[i].even;
                if (mpq_sgn(*u)) cover(&ks[i], *u, left, cost);
            }
            mpq_add(unused, unused, left);
        }
        for (size_t i = 0; i < nk; i++) {
            engine_year_factor(engine_sku_escalator(c, ks[i].s), k, f);
            weigh(&ks[i], f, 1);
        }
    }
    for (size_t i = 0; ok && i < nk; i++) {
        size_t s = ks[i].s;
        const sku_terms_t *sk = &c->skus[s];
        dim_t qdim;
        uterm_t qdisp;
        engine_quantity_unit(en, s, &qdim, &qdisp);
        mpq_t before;
        mpq_init(before);
        mpq_set(before, ep->sku_charge[s]);
        ok = engine_flat_line_hours(en, ep, s, "committed_use", ks[i].covered, ks[i].cw, &qdim, &qdisp, sk->plan_rate) &&
             engine_flat_line_hours(en, ep, s, "on_demand", ks[i].over, ks[i].ow, &qdim, &qdisp, sk->rate);
        mpq_sub(before, ep->sku_charge[s], before);
        mpq_add(en->st[s].charge, en->st[s].charge, before);
        mpq_add(ep->t.charges, ep->t.charges, before);
        mpq_clear(before);
    }
    if (ok) {
        engine_round(en, unused, 1);
        mpq_add(ep->t.shortfall, ep->t.shortfall, unused);
        ok = engine_line(en, ep, c->plans[p].name, "unused_commitment", unused);
    }
    mpq_clears(per_hour, left, unused, cost, f, NULL);
    return ok;
}

int engine_plans(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    int ok = 1;
    plan_sku_t *ks = c->nplans ? calloc(c->nskus + 1, sizeof *ks) : NULL;
    if (c->nplans && !ks) return engine_fail(en, NULL);
    for (size_t p = 0; ok && p < c->nplans; p++) {
        size_t nk = 0;
        for (size_t s = 0; s < c->nskus; s++) {
            if (c->skus[s].plan != p + 1) continue;
            ks[nk].s = s;
            mpq_inits(ks[nk].rate, ks[nk].plan_rate, ks[nk].covered, ks[nk].over, ks[nk].cw, ks[nk].ow, ks[nk].even, NULL);
            nk++;
        }
        ok = price_plan(en, ep, p, ks, nk);
        for (size_t i = 0; i < nk; i++) mpq_clears(ks[i].rate, ks[i].plan_rate, ks[i].covered, ks[i].over, ks[i].cw, ks[i].ow, ks[i].even, NULL);
    }
    free(ks);
    return ok;
}
