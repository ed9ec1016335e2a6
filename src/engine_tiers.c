/* engine_tiers: a SKU's usage charge at its rate card — a flat rate, graduated tiers
 * (each tier priced on its own) or volume tiers (all units at the tier reached), reset
 * per period or cumulative over the term. */
#include "engine.h"
#include "diag.h"
#include <stdlib.h>

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

static void free_bounds(mpq_t *bounds, size_t n)
{
    for (size_t i = 0; bounds && i < n; i++) mpq_clear(bounds[i]);
    free(bounds);
}

/* Tier bounds in the usage's terms (NULL on error). A bound may be given as a level
 * (5 PB) for usage that is a level over time (PB-month): it then counts per pricing month. */
static mpq_t *tier_bounds(engine_t *en, size_t s, const dim_t *qdim)
{
    const sku_terms_t *sk = &en->c->skus[s];
    mpq_t *out = malloc(sk->ntiers * sizeof *out);
    if (!out) { engine_fail(en, NULL); return NULL; }
    for (size_t i = 0; i < sk->ntiers; i++) mpq_init(out[i]);
    for (size_t i = 0; i < sk->ntiers; i++) {
        char *msg = NULL;
        if (!dim_eq(&sk->tiers[i].rate->u.num.dim, &engine_sku_rate(sk)->u.num.dim))
            msg = diag_format("the tiers of %s have rates of different dimensions", sk->sku);
        const value_t *b = sk->tiers[i].upto;
        dim_t with_time;
        if (!msg && b) {
            dim_combine(&with_time, &b->u.num.dim, &en->time, 1);
            if (dim_eq(&b->u.num.dim, qdim)) mpq_set(out[i], b->u.num.q);
            else if (dim_eq(&with_time, qdim)) mpq_mul(out[i], b->u.num.q, units_get(en->u, en->month)->factor);
            else {
                char *dt = engine_dims_text(en, &b->u.num.dim), *du = engine_dims_text(en, qdim);
                msg = diag_format("the tier bounds of %s are %s but it is used in %s", sk->sku, dt ? dt : "?", du ? du : "?");
                free(dt); free(du);
            }
        }
        if (msg) {
            engine_fail_at(en, FAULT_RATE, FAULT_OTHER, s, msg);
            free_bounds(out, sk->ntiers);
            return NULL;
        }
    }
    return out;
}

int engine_tiers_check(engine_t *en, size_t s, const dim_t *qdim)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (sk->kind == PRICE_FLAT) return 1;
    mpq_t *b = tier_bounds(en, s, qdim);
    free_bounds(b, sk->ntiers);
    return b != NULL;
}

int engine_tiers_charge(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim, const value_t *qv)
{
    const sku_terms_t *sk = &en->c->skus[s];
    sku_state_t *st = &en->st[s];
    mpq_t *bounds = NULL;
    if (sk->kind != PRICE_FLAT && !(bounds = tier_bounds(en, s, qdim))) return 0;
    mpq_t amount, rate, x;
    mpq_inits(amount, rate, x, NULL);
    switch (sk->kind) {
    case PRICE_FLAT:
        mpq_mul(amount, q, sk->rate->u.num.q);
        break;
    case PRICE_GRADUATED:
        if (sk->cumulative) {
            mpq_add(x, st->cumulative, q);
            graduated(sk, bounds, st->cumulative, x, amount);
        } else {
            mpq_set_ui(x, 0, 1);
            graduated(sk, bounds, x, q, amount);
        }
        break;
    case PRICE_VOLUME:
        mpq_add(x, st->cumulative, q);
        mpq_mul(amount, q, volume_tier(sk, bounds, sk->cumulative ? x : q)->rate->u.num.q);
        break;
    }
    mpq_mul(amount, amount, ep->sku_esc[s]);
    engine_round(en, amount, 1);
    const value_t *lr = engine_sku_rate(sk);
    if (mpq_sgn(q)) mpq_div(rate, amount, q); else mpq_mul(rate, lr->u.num.q, ep->sku_esc[s]);
    /* a tiered SKU has no single list price; its contracted price is the average */
    int ok = engine_line(en, ep, sk->sku, "usage", qv, sk->kind == PRICE_FLAT ? lr : NULL, rate, amount);
    mpq_add(ep->sku_charge[s], ep->sku_charge[s], amount);
    mpq_clears(amount, rate, x, NULL);
    free_bounds(bounds, sk->ntiers);
    return ok;
}
