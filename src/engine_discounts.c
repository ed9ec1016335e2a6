/* engine_discounts: what comes off the charges — discounts (on SKUs, on everything, on
 * spend above a threshold, in that order), SLA credits (the largest band that holds, on
 * the whole contract or on a set of SKUs, within their caps), and draws on a prepaid or
 * promotional credit pool. Credits are negative lines and round as such (ceiling and
 * floor go by sign). */
#include "engine.h"
#include "diag.h"
#include <stdlib.h>

/* What each SKU's charges come to after the discounts so far, sku_net[s]: a discount's
 * amount (exact, before rounding) is shared among the SKUs it applies to pro rata by what
 * they come to so far, out of base (their total, or the running net, where fees take the
 * rest). Discounts on SKUs are shares of it, and so are the SLA credits on SKUs. */
static void share_discount(const contract_t *c, const sku_set_t *on, const mpq_t base, const mpq_t amount, mpq_t *sku_net)
{
    mpq_t part;
    mpq_init(part);
    for (size_t k = 0; mpq_sgn(base) && k < (on->n ? on->n : c->nskus); k++) {
        size_t s = on->n ? on->idx[k] : k;
        mpq_mul(part, sku_net[s], amount);
        mpq_div(part, part, base);
        mpq_add(sku_net[s], sku_net[s], part);
    }
    mpq_clear(part);
}

/* Whether an SLA band or cap on a set of SKUs reads what the SKUs come to after the
 * discounts: if none does, a discount on the whole contract need not be shared among them
 * (a long escalated term makes each share a gcd of hundreds of bits, per SKU and period). */
static int sla_reads_sku_net(const contract_t *c)
{
    for (size_t b = 0; c->sla_on && b < c->nsla; b++)
        if (c->sla_on[b].n) return 1;
    for (size_t k = 0; k < c->ncaps; k++)
        if (c->sla_caps[k].on.n) return 1;
    return 0;
}

int engine_discounts(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    totals_t *t = &ep->t;
    mpq_t amount, x, base;
    mpq_inits(amount, x, base, NULL);
    int ok = 1, shared = sla_reads_sku_net(c);
    mpq_set(t->net, t->charges);
    for (size_t s = 0; s < c->nskus; s++) mpq_set(ep->sku_net[s], ep->sku_charge[s]);
    for (int pass = 0; ok && pass < 3; pass++)
        for (size_t i = 0; ok && i < c->ndiscounts; i++) {
            const discount_t *d = &c->discounts[i];
            int kind = d->on.n ? 0 : d->above ? 2 : 1;
            if (kind != pass) continue;
            mpq_set(base, t->net);
            if (kind == 0) {   /* a share of what the SKUs come to after the discounts on SKUs before it */
                mpq_set_ui(base, 0, 1);
                for (size_t k = 0; k < d->on.n; k++) mpq_add(base, base, ep->sku_net[d->on.idx[k]]);
                mpq_mul(amount, base, d->pct->u.num.q);
            } else if (kind == 1) {
                mpq_mul(amount, t->net, d->pct->u.num.q);
            } else {
                if (!engine_per_period(en, d->above, ep->p->month_share, "a discount threshold", x)) {
                    ok = engine_fail_at(en, FAULT_DISCOUNT, FAULT_OTHER, i, NULL);
                    break;
                }
                mpq_sub(x, t->net, x);
                if (mpq_sgn(x) < 0) mpq_set_ui(x, 0, 1);
                mpq_mul(amount, x, d->pct->u.num.q);
            }
            mpq_neg(amount, amount);
            if (kind == 0 || shared) share_discount(c, &d->on, base, amount, ep->sku_net);
            engine_round(en, amount, 1);
            if (mpq_sgn(amount) == 0) continue;
            ok = engine_line(en, ep, d->on.n ? d->on.label : "all", "discount", amount);
            mpq_add(t->discounts, t->discounts, amount);
            mpq_add(t->net, t->net, amount);
        }
    mpq_clears(amount, x, base, NULL);
    return ok;
}

/* Whether every SKU of a is in b (the whole contract holds every set). */
static int within(const sku_set_t *a, const sku_set_t *b)
{
    if (!b->n) return 1;
    if (!a->n) return 0;
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        while (j < b->n && b->idx[j] < a->idx[i]) j++;
        if (j == b->n || b->idx[j] != a->idx[i]) return 0;
    }
    return 1;
}

static const sku_set_t all_skus = { NULL, 0, "sla" };

static const sku_set_t *band_set(const contract_t *c, size_t b) { return c->sla_on && c->sla_on[b].n ? &c->sla_on[b] : &all_skus; }

/* What an SLA credit on a set of SKUs is a share of: their charges after discounts, or
 * for the whole contract its net (net + shortfall, with sla_basis = invoice). */
static void credit_base(const engine_t *en, const engine_period_t *ep, const sku_set_t *on, mpq_t out)
{
    mpq_set_ui(out, 0, 1);
    for (size_t k = 0; k < on->n; k++) mpq_add(out, out, ep->sku_net[on->idx[k]]);
    if (on->n) return;
    mpq_set(out, ep->t.net);
    if (en->c->sla_on_invoice) mpq_add(out, out, ep->t.shortfall);
}

/* The SLA credits: on each set of SKUs named by bands (the whole contract for bands
 * without `on`), the largest band that holds times the set's base; then each cap, in
 * order, brings the credits on sets within its own down pro rata to its limit. */
int engine_sla_credit(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    mpq_t *credit = calloc(c->nsla + 1, sizeof *credit);
    unsigned char *held = calloc(c->nsla + 1, 1);   /* a band holds on the set: it has a line, if only of 0 */
    if (!credit || !held) { free(credit); free(held); return engine_fail(en, NULL); }
    mpq_t pct, x, sum;
    mpq_inits(pct, x, sum, NULL);
    int ok = 1;
    for (size_t b = 0; b < c->nsla; b++) {
        mpq_init(credit[b]);
        const sku_set_t *on = band_set(c, b);
        int first = 1;
        for (size_t a = 0; first && a < b; a++) first = !(within(band_set(c, a), on) && within(on, band_set(c, a)));
        if (!first) continue;   /* priced with the first band on the same SKUs */
        mpq_set_ui(pct, 0, 1);
        for (size_t a = b; a < c->nsla; a++)
            if (ep->sla_hit[a] && within(band_set(c, a), on) && within(on, band_set(c, a)) && mpq_cmp(c->sla_pcts[a]->u.num.q, pct) > 0)
                mpq_set(pct, c->sla_pcts[a]->u.num.q);
        held[b] = mpq_sgn(pct) > 0;
        credit_base(en, ep, on, x);
        mpq_mul(credit[b], x, pct);
    }
    for (size_t k = 0; ok && k < c->ncaps; k++) {
        const sla_cap_t *cap = &c->sla_caps[k];
        if (value_is_dimensionless(cap->amount)) {
            credit_base(en, ep, &cap->on, x);
            mpq_mul(x, x, cap->amount->u.num.q);
        } else if (!engine_per_period(en, cap->amount, ep->p->month_share, "an SLA credit cap", x)) {
            ok = engine_fail_at(en, FAULT_CAP, FAULT_OTHER, k, NULL);
            break;
        }
        mpq_set_ui(sum, 0, 1);
        for (size_t b = 0; b < c->nsla; b++)
            if (within(band_set(c, b), &cap->on)) mpq_add(sum, sum, credit[b]);
        if (mpq_cmp(sum, x) <= 0) continue;
        for (size_t b = 0; b < c->nsla; b++)
            if (within(band_set(c, b), &cap->on)) { mpq_mul(credit[b], credit[b], x); mpq_div(credit[b], credit[b], sum); }
    }
    for (size_t b = 0; ok && b < c->nsla; b++) {
        if (!held[b]) continue;
        mpq_neg(x, credit[b]);
        engine_round(en, x, 1);
        mpq_sub(ep->t.sla, ep->t.sla, x);
        ok = engine_line(en, ep, band_set(c, b)->label, "sla_credit", x);
    }
    for (size_t b = 0; b < c->nsla; b++) mpq_clear(credit[b]);
    free(credit);
    free(held);
    mpq_clears(pct, x, sum, NULL);
    return ok;
}

int engine_pool_draw(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    totals_t *t = &ep->t;
    if (c->pool && !dim_eq(value_dim(c->pool), &en->money))
        return engine_fail_at(en, FAULT_POOL, FAULT_OTHER, 0, diag_format("the credit pool must be an amount of %s", units_dimension_name(en->u, en->currency)));
    mpq_t due, amount;
    mpq_inits(due, amount, NULL);
    mpq_add(due, t->net, t->shortfall);
    mpq_sub(due, due, t->sla);
    int ok = 1;
    if (c->pool && mpq_sgn(en->pool_left) > 0 && mpq_sgn(due) > 0) {
        mpq_neg(amount, mpq_cmp(en->pool_left, due) < 0 ? en->pool_left : due);
        engine_round(en, amount, 1);
        mpq_neg(t->pool, amount);
        if (mpq_cmp(t->pool, en->pool_left) > 0) {
            /* rounding must not draw more than is left: round what is left down instead */
            mpq_set(t->pool, en->pool_left);
            engine_round_as(en, t->pool, 1, RM_DOWN);
            mpq_neg(amount, t->pool);
        }
        mpq_sub(en->pool_left, en->pool_left, t->pool);
        ok = engine_line(en, ep, "credit_pool", "pool_draw", amount);
    }
    mpq_clears(due, amount, NULL);
    return ok;
}
