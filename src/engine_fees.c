/* engine_fees: fixed charges billed whatever the usage — monthly fees in force by date,
 * prorated over a period's days — and prepayment: an upfront payment billed on its date
 * (after discounts, commitments and credits, which it is not part of) and amortised evenly
 * over the term's hours in each period's effective cost. */
#include "engine.h"
#include "diag.h"

/* A contract of fees alone is priced in the currency of its first fee. */
static int fee_currency(engine_t *en)
{
    const contract_t *c = en->c;
    if (en->currency >= 0 || !c->nfees || c->fees[0].amount->kind != V_NUM) return 1;
    dim_t d = *value_dim(c->fees[0].amount), with_time;
    dim_combine(&with_time, &d, &en->time, 1);
    int money = dim_single(&d) >= 0 ? dim_single(&d) : dim_single(&with_time);
    if (money >= 0 && !engine_set_money(en, money, "the fee")) return engine_fail_at(en, FAULT_FEE, FAULT_OTHER, 0, NULL);
    return 1;
}

int engine_fees(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    if (!fee_currency(en)) return 0;
    if (en->currency < 0) return engine_fail(en, diag_format("the workload uses none of the contract's rates"));
    if (!c->nfees) return 1;
    mpq_t amount;
    mpq_init(amount);
    int ok = engine_dated_amount(en, c->fees, c->nfees, 0, FAULT_FEE, "a fee", ep->p, amount);
    if (ok) {
        engine_round(en, amount, 1);
        if (mpq_sgn(amount)) ok = engine_line(en, ep, "fee", "fee", amount);
        mpq_set(ep->t.fees, amount);
        mpq_add(ep->t.charges, ep->t.charges, amount);
    }
    mpq_clear(amount);
    return ok;
}

int engine_upfront(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    if (!c->upfront) return 1;
    if (c->upfront->kind != V_NUM || !dim_eq(value_dim(c->upfront), &en->money))
        return engine_fail_at(en, FAULT_UPFRONT, FAULT_OTHER, 0, diag_format("the upfront payment must be an amount of %s", units_dimension_name(en->u, en->currency)));
    mpq_t paid;
    mpq_init(paid);
    mpq_set(paid, c->upfront->u.num.q);
    engine_round(en, paid, 1);
    int ok = 1;
    if (c->upfront_on >= ep->p->start && c->upfront_on < ep->p->end) {
        mpq_set(ep->t.upfront, paid);
        ok = engine_line(en, ep, "prepayment", "upfront", paid);
    }
    /* the effective view: this period's hours' share of the payment instead */
    mpq_t share;
    mpq_init(share);
    mpq_set_si(share, (ep->p->end - ep->p->start), (unsigned long)(c->end - c->start));
    mpq_canonicalize(share);
    mpq_mul(ep->t.effective, paid, share);
    mpq_sub(ep->t.effective, ep->t.effective, ep->t.upfront);
    mpq_clears(paid, share, NULL);
    return ok;
}
