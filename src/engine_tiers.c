/* engine_tiers: a SKU's usage charge at its rate card — a flat rate, graduated tiers
 * (each tier priced on its own) or volume tiers (all units at the tier reached), reset
 * per period or cumulative over the term, from a starting position (usage from outside
 * the contract that counts toward the tiers but is not billed here). A tier ladder shared
 * by several SKUs is walked by their combined usage, and its charge is shared among them
 * pro rata by their usage in the period: each pays the ladder's average rate, as AWS
 * presents usage tiered across the accounts of an organization. */
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
            value_q_mul(part, part, t->rate->u.num.q);
            value_q_add(out, out, part);
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

/* A bound or starting position b in the usage's terms (qdim) into out; a message when it
 * does not fit. A level (5 PB) for usage that is a level over time (PB-month) counts per
 * pricing month. */
static char *usage_terms(engine_t *en, const sku_terms_t *sk, const value_t *b, const char *what, int plural, const dim_t *qdim,
                         mpq_t out)
{
    dim_t with_time;
    dim_combine(&with_time, value_dim(b), &en->time, 1);
    if (dim_eq(value_dim(b), qdim)) mpq_set(out, b->u.num.q);
    else if (dim_eq(&with_time, qdim)) mpq_mul(out, b->u.num.q, units_get(en->u, en->month)->factor);
    else {
        char *dt = engine_dims_text(en, value_dim(b)), *du = engine_dims_text(en, qdim);
        char *msg = diag_format("the %s of %s %s %s but it is used in %s", what, sk->sku, plural ? "are" : "is",
                                dt ? dt : "?", du ? du : "?");
        free(dt); free(du);
        return msg;
    }
    return NULL;
}

/* Tier bounds in the usage's terms (NULL on error), and the ladder's starting position in
 * period p (a list gives one per period; NULL: the first). */
static mpq_t *tier_bounds(engine_t *en, size_t s, const dim_t *qdim, const period_t *p, mpq_t start)
{
    const sku_terms_t *sk = &en->c->skus[s];
    mpq_t *out = malloc(sk->ntiers * sizeof *out);
    if (!out) { engine_fail(en, NULL); return NULL; }
    for (size_t i = 0; i < sk->ntiers; i++) mpq_init(out[i]);
    const value_t *from = sk->start;
    size_t k = p ? (size_t)p->index : 0;
    char *msg = NULL;
    if (from && from->kind == V_LIST && k >= from->u.list.n)
        msg = diag_format("the starting positions of %s list %zu periods but the contract has more", sk->sku, from->u.list.n);
    else if (from && from->kind == V_LIST)
        from = from->u.list.items[k];
    if (!msg && from) msg = usage_terms(en, sk, from, "starting position", 0, qdim, start);
    if (!from) mpq_set_ui(start, 0, 1);
    for (size_t i = 0; !msg && i < sk->ntiers; i++) {
        if (sk->tiers[i].rate->u.num.dim_id != engine_sku_rate(sk)->u.num.dim_id)
            msg = diag_format("the tiers of %s have rates of different dimensions", sk->sku);
        else if (sk->tiers[i].upto)
            msg = usage_terms(en, sk, sk->tiers[i].upto, "tier bounds", 1, qdim, out[i]);
    }
    if (msg) {
        engine_fail_at(en, FAULT_RATE, FAULT_OTHER, s, msg);
        free_bounds(out, sk->ntiers);
        return NULL;
    }
    return out;
}

int engine_tiers_check(engine_t *en, size_t s, const dim_t *qdim)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (sk->kind == PRICE_FLAT) return 1;
    mpq_t start;
    mpq_init(start);
    mpq_t *b = tier_bounds(en, s, qdim, NULL, start);
    free_bounds(b, sk->ntiers);
    mpq_clear(start);
    return b != NULL;
}

/* The charge, unescalated, for q more units on SKU s's rate card, past the usage already
 * counted this period or term (before: the cumulative usage, for cumulative tiers). */
static int card_amount(engine_t *en, const engine_period_t *ep, size_t s, const mpq_t before, const mpq_t q, const dim_t *qdim,
                       mpq_t out)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (sk->kind == PRICE_FLAT) { value_q_mul(out, q, sk->rate->u.num.q); return 1; }
    mpq_t from, to;
    mpq_inits(from, to, NULL);
    mpq_t *bounds = tier_bounds(en, s, qdim, ep->p, from);
    if (bounds) {
        if (sk->cumulative) value_q_add(from, from, before);
        value_q_add(to, from, q);
        if (sk->kind == PRICE_GRADUATED) graduated(sk, bounds, from, to, out);
        else value_q_mul(out, q, volume_tier(sk, bounds, to)->rate->u.num.q);
    }
    free_bounds(bounds, sk->ntiers);
    mpq_clears(from, to, NULL);
    return bounds != NULL;
}

/* SKU s's usage line: amount (unescalated) for usage q, escalated and rounded. */
static int usage_line(engine_t *en, engine_period_t *ep, size_t s, mpq_t amount, const mpq_t q, const dim_t *qdim,
                      const uterm_t *qdisp)
{
    const sku_terms_t *sk = &en->c->skus[s];
    mpq_t rate;
    mpq_init(rate);
    value_q_mul(amount, amount, ep->sku_esc[s]);
    engine_round(en, amount, 1);
    const value_t *lr = engine_sku_rate(sk);
    if (!mpq_sgn(q)) mpq_mul(rate, lr->u.num.q, ep->sku_esc[s]);
    /* a tiered SKU has no single list price; its contracted price is the average (amount / q,
     * worked out when the line is read) */
    int ok = engine_sku_line(en, ep, s, "usage", q, qdim, qdisp, sk->kind == PRICE_FLAT ? lr : NULL, mpq_sgn(q) ? NULL : rate, amount);
    /* usually the SKU's one line in the period: a sum with 0 still reduces by a gcd */
    if (mpq_sgn(ep->sku_charge[s])) mpq_add(ep->sku_charge[s], ep->sku_charge[s], amount);
    else mpq_set(ep->sku_charge[s], amount);
    mpq_clear(rate);
    return ok;
}

int engine_tiers_charge(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim, const uterm_t *qdisp)
{
    mpq_t amount;
    mpq_init(amount);
    int ok = card_amount(en, ep, s, en->st[s].cumulative, q, qdim, amount) && usage_line(en, ep, s, amount, q, qdim, qdisp);
    mpq_clear(amount);
    return ok;
}

/* One shared ladder, whose first SKU is o: the members' usage this period (in ep->plan_q)
 * walks it together, from where their usage before this period left it. */
static int is_used(const engine_t *en, const engine_period_t *ep, size_t s) { return ep->usage[s] || (en->hours && en->hours->has[s]); }

static int price_ladder(engine_t *en, engine_period_t *ep, size_t o)
{
    const contract_t *c = en->c;
    int used = 0;
    for (size_t m = o; m < c->nskus; m++) used |= c->skus[m].ladder == o + 1 && is_used(en, ep, m);
    if (!used) return 1;   /* no line, and the ladder stays where it was */
    dim_t qdim;
    uterm_t qdisp;
    engine_quantity_unit(en, o, &qdim, &qdisp);
    mpq_t total, before, amount;
    mpq_inits(total, before, amount, NULL);
    for (size_t m = o; m < c->nskus; m++)
        if (c->skus[m].ladder == o + 1) {
            mpq_add(total, total, ep->plan_q[m]);
            mpq_add(before, before, en->st[m].cumulative);   /* which already counts this period */
        }
    mpq_sub(before, before, total);
    int ok = card_amount(en, ep, o, before, total, &qdim, amount);
    for (size_t m = o; ok && m < c->nskus; m++) {
        if (c->skus[m].ladder != o + 1 || !is_used(en, ep, m)) continue;
        mpq_t share;
        mpq_init(share);
        if (mpq_sgn(total)) { mpq_mul(share, amount, ep->plan_q[m]); mpq_div(share, share, total); }
        mpq_t before_m;
        mpq_init(before_m);
        mpq_set(before_m, ep->sku_charge[m]);
        ok = usage_line(en, ep, m, share, ep->plan_q[m], &qdim, &qdisp);
        mpq_sub(before_m, ep->sku_charge[m], before_m);
        mpq_add(en->st[m].charge, en->st[m].charge, before_m);
        mpq_add(ep->t.charges, ep->t.charges, before_m);
        mpq_clears(share, before_m, NULL);
    }
    mpq_clears(total, before, amount, NULL);
    return ok;
}

int engine_tiers_shared(engine_t *en, engine_period_t *ep, size_t s)
{
    const contract_t *c = en->c;
    size_t o = c->skus[s].ladder;
    if (!o) return 1;
    for (size_t m = s + 1; m < c->nskus; m++)
        if (c->skus[m].ladder == o) return 1;   /* not its last SKU */
    return price_ladder(en, ep, o - 1);
}
