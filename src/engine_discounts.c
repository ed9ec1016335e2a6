/* engine_discounts: what comes off the charges — discounts (per SKU, on everything, on
 * spend above a threshold, in that order), the SLA credit of the largest band that holds,
 * and draws on a prepaid or promotional credit pool. Credits are negative lines and round
 * as such (ceiling and floor go by sign). */
#include "engine.h"
#include "diag.h"
#include <string.h>

int engine_discounts(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    totals_t *t = &ep->t;
    mpq_t amount, x;
    mpq_inits(amount, x, NULL);
    int ok = 1;
    mpq_set(t->net, t->charges);
    for (int pass = 0; ok && pass < 3; pass++)
        for (size_t i = 0; ok && i < c->ndiscounts; i++) {
            const discount_t *d = &c->discounts[i];
            int kind = d->sku ? 0 : d->above ? 2 : 1;
            if (kind != pass) continue;
            if (kind == 0) {
                size_t s = 0;
                while (s < c->nskus && strcmp(c->skus[s].sku, d->sku)) s++;
                if (s == c->nskus) { ok = engine_fail(en, diag_format("discount on %s: the contract has no such rate", d->sku)); break; }
                mpq_mul(amount, ep->sku_charge[s], d->pct->u.num.q);
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
            engine_round(en, amount, 1);
            if (mpq_sgn(amount) == 0) continue;
            ok = engine_line(en, ep, d->sku ? d->sku : "all", "discount", NULL, NULL, NULL, amount);
            mpq_add(t->discounts, t->discounts, amount);
            mpq_add(t->net, t->net, amount);
        }
    mpq_clears(amount, x, NULL);
    return ok;
}

int engine_sla_credit(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    mpq_t pct, x;
    mpq_inits(pct, x, NULL);
    for (size_t b = 0; b < c->nsla; b++)
        if (ep->sla_hit[b] && mpq_cmp(c->sla_pcts[b]->u.num.q, pct) > 0) mpq_set(pct, c->sla_pcts[b]->u.num.q);
    int ok = 1;
    if (mpq_sgn(pct) > 0) {
        mpq_set(x, ep->t.net);
        if (c->sla_on_invoice) mpq_add(x, x, ep->t.shortfall);
        mpq_mul(x, x, pct);
        mpq_neg(x, x);
        engine_round(en, x, 1);
        mpq_neg(ep->t.sla, x);
        ok = engine_line(en, ep, "sla", "sla_credit", NULL, NULL, NULL, x);
    }
    mpq_clears(pct, x, NULL);
    return ok;
}

int engine_pool_draw(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    totals_t *t = &ep->t;
    if (c->pool && !dim_eq(&c->pool->u.num.dim, &en->money))
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
        ok = engine_line(en, ep, "credit_pool", "pool_draw", NULL, NULL, NULL, amount);
    }
    mpq_clears(due, amount, NULL);
    return ok;
}
