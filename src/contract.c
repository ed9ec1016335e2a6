/* contract: the pricing engine's entry. It owns the contract's terms and orchestrates
 * each billing period through the clause modules (engine*.c), in a fixed order:
 *   1. usage charges per SKU (engine_tiers.c; reservations, engine_reserve.c), rates
 *      escalated (engine_cycles.c: a period across a contract anniversary takes the
 *      hour-weighted average of the two years' factors); fixed fees (engine_fees.c)
 *   2. discounts: per SKU, then on all charges, then on spend above a threshold -> net
 *      (engine_discounts.c)
 *   3. commitment shortfall = max(0, minimum - net) (or - gross, with commitment_basis =
 *      gross), the minimum prorated segment by segment (engine_reserve.c); a commitment
 *      trued up yearly bills its shortfall on the last period of each contract year
 *      (engine_cycles.c)
 *   4. SLA credit = the largest band that holds x net (x net + shortfall, with
 *      sla_basis = invoice)
 *   5. credit-pool draw = min(remaining pool, net + shortfall - SLA credit)
 *   6. invoice = net + shortfall - SLA credit - pool draw, rounded per the policy
 * and returns the invoice as a record. Money is kept as exact rationals in base currency
 * units. It never sees syntax or the evaluator. */
#include "engine.h"
#include "diag.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
        value_free(s->plan_rate);
    }
    free(c->skus);
    for (size_t i = 0; i < c->ncommits; i++) value_free(c->commits[i].amount);
    free(c->commits);
    value_free(c->trueup);
    for (size_t i = 0; i < c->nfees; i++) value_free(c->fees[i].amount);
    free(c->fees);
    for (size_t i = 0; i < c->ndiscounts; i++) { value_free(c->discounts[i].pct); free(c->discounts[i].sku); value_free(c->discounts[i].above); }
    free(c->discounts);
    for (size_t i = 0; i < c->nplans; i++) { free(c->plans[i].name); value_free(c->plans[i].amount); }
    free(c->plans);
    value_free(c->escalate);
    for (size_t i = 0; i < c->nsla; i++) value_free(c->sla_pcts[i]);
    free(c->sla_pcts);
    value_free(c->pool);
    value_free(c->upfront);
    value_free(c->month_hours);
    value_free(c->quantum);
    free(c->name);
    free(c);
}

/* Calls fn on every amount, rate, bound and percentage of the contract. */
static void each_figure(const contract_t *c, void (*fn)(const value_t *v, void *ctx), void *ctx)
{
    const value_t *single[] = { c->escalate, c->pool, c->quantum, c->upfront, c->month_hours, c->trueup };
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) fn(single[i], ctx);
    for (size_t i = 0; i < c->nskus; i++) {
        const sku_terms_t *s = &c->skus[i];
        fn(s->rate, ctx); fn(s->reserved, ctx); fn(s->overage, ctx); fn(s->plan_rate, ctx);
        for (size_t t = 0; t < s->ntiers; t++) { fn(s->tiers[t].upto, ctx); fn(s->tiers[t].rate, ctx); }
    }
    for (size_t i = 0; i < c->ncommits; i++) fn(c->commits[i].amount, ctx);
    for (size_t i = 0; i < c->nfees; i++) fn(c->fees[i].amount, ctx);
    for (size_t i = 0; i < c->ndiscounts; i++) { fn(c->discounts[i].pct, ctx); fn(c->discounts[i].above, ctx); }
    for (size_t i = 0; i < c->nsla; i++) fn(c->sla_pcts[i], ctx);
    for (size_t i = 0; i < c->nplans; i++) fn(c->plans[i].amount, ctx);
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


contract_hours_t *contract_hours_new(size_t nskus, size_t nhours)
{
    contract_hours_t *h = calloc(1, sizeof *h);
    if (!h || (nhours && nskus > SIZE_MAX / sizeof(mpq_t) / nhours)) { free(h); return NULL; }
    h->nskus = nskus;
    h->nhours = nhours;
    h->q = malloc((nskus * nhours + 1) * sizeof *h->q);
    h->dim = calloc(nskus + 1, sizeof *h->dim);
    h->has = calloc(nskus + 1, 1);
    h->level = calloc(nskus + 1, 1);
    if (!h->q || !h->dim || !h->has || !h->level) { free(h->q); free(h->dim); free(h->has); free(h->level); free(h); return NULL; }
    for (size_t i = 0; i < nskus * nhours; i++) mpq_init(h->q[i]);
    return h;
}

void contract_hours_free(contract_hours_t *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->nskus * h->nhours; i++) mpq_clear(h->q[i]);
    free(h->q);
    free(h->dim);
    free(h->has);
    free(h->level);
    free(h);
}

/* ---------- one period ---------- */

/* The period's usage of SKU s in its rate's terms: from the hours, or the period's value. */
static int period_quantity(engine_t *en, engine_period_t *ep, size_t s, const value_t *use, mpq_t q)
{
    const contract_hours_t *h = en->hours;
    if (!h || !h->has[s]) return engine_amount_for(en, s, use ? FAULT_USAGE : FAULT_RESERVE, use, engine_sku_rate(&en->c->skus[s]), ep->p, q);
    return engine_hours_quantity(en, ep->p, s, q);
}

static int usage_charge(engine_t *en, engine_period_t *ep, size_t s)
{
    const sku_terms_t *sk = &en->c->skus[s];
    sku_state_t *st = &en->st[s];
    const value_t *use = ep->usage[s];
    int hourly = en->hours && en->hours->has[s];
    if (!use && !hourly && !sk->reserved) return 1;
    value_t *zero = NULL;
    if (!use && !hourly) {   /* a reservation without use: no usage of the reserved kind */
        zero = value_quantity(sk->reserved->u.num.q, &sk->reserved->u.num.dim, &sk->reserved->u.num.disp);
        if (!zero) return engine_fail(en, NULL);
        mpq_set_ui(zero->u.num.q, 0, 1);
        use = zero;
    }
    mpq_t q;
    mpq_init(q);
    int ok = period_quantity(en, ep, s, use, q);
    value_t *qv = NULL;
    if (ok) {
        /* the quantity as reported: in the rate's unit of measure */
        dim_t qdim;
        uterm_t qdisp;
        engine_quantity_unit(en, s, &qdim, &qdisp);
        qv = value_quantity(q, &qdim, &qdisp);
        mpq_add(st->quantity, st->quantity, q);
        if (!st->qty_unit) st->qty_unit = value_ref(qv);
        if (sk->plan) mpq_set(ep->plan_q[s], q);   /* priced with its plan's other SKUs, hour by hour */
        else ok = sk->reserved ? engine_reserve_charge(en, ep, s, q, &qdim, &qdisp) : engine_tiers_charge(en, ep, s, q, &qdim, qv);
    }
    if (ok) {
        mpq_add(st->cumulative, st->cumulative, q);
        mpq_add(st->charge, st->charge, ep->sku_charge[s]);
        mpq_add(ep->t.charges, ep->t.charges, ep->sku_charge[s]);
    }
    value_free(qv);
    value_free(zero);
    mpq_clear(q);
    return ok;
}

static int usage_charges(engine_t *en, engine_period_t *ep)
{
    for (size_t s = 0; s < en->c->nskus; s++)
        if (!usage_charge(en, ep, s)) return 0;
    return 1;
}

static int check_quantum(engine_t *en, engine_period_t *ep)
{
    (void)ep;
    const contract_t *c = en->c;
    if (c->quantum && !dim_eq(&c->quantum->u.num.dim, &en->money))
        return engine_fail_at(en, FAULT_ROUND, FAULT_OTHER, 0, diag_format("the rounding quantum must be an amount of %s", units_dimension_name(en->u, en->currency)));
    return 1;
}

/* 6. the invoice; invoice-level rounding gets a line of its own, so the lines add up */
static int invoice_total(engine_t *en, engine_period_t *ep)
{
    totals_t *t = &ep->t;
    mpq_t amount;
    mpq_init(amount);
    mpq_add(t->total, t->net, t->shortfall);
    mpq_sub(t->total, t->total, t->sla);
    mpq_sub(t->total, t->total, t->pool);
    mpq_add(t->total, t->total, t->upfront);
    mpq_set(amount, t->total);
    engine_round(en, t->total, 0);
    mpq_sub(amount, t->total, amount);
    mpq_add(t->effective, t->effective, t->total);   /* engine_upfront left the share less the payment */
    int ok = !mpq_sgn(amount) || engine_line(en, ep, "invoice", "rounding", NULL, NULL, NULL, amount);
    mpq_clear(amount);
    return ok;
}

static const engine_clause_fn clauses[] = {
    usage_charges, engine_plans, engine_fees, check_quantum, engine_discounts, engine_commitment, engine_trueup, engine_sla_credit,
    engine_pool_draw, engine_upfront, invoice_total,
};

static value_t *price_period(engine_t *en, const period_t *p, value_t *const *usage, const int *sla_hit, totals_t *out)
{
    const contract_t *c = en->c;
    engine_period_t ep;
    memset(&ep, 0, sizeof ep);
    ep.p = p;
    ep.usage = usage;
    ep.sla_hit = sla_hit;
    mpq_init(ep.esc);
    engine_totals_init(&ep.t);
    engine_escalation(c, p, ep.esc);
    ep.sku_charge = calloc(c->nskus + 1, sizeof *ep.sku_charge);
    ep.plan_q = calloc(c->nskus + 1, sizeof *ep.plan_q);
    int ok = ep.sku_charge && ep.plan_q ? 1 : engine_fail(en, NULL);
    for (size_t s = 0; ok && s < c->nskus; s++) { mpq_init(ep.sku_charge[s]); mpq_init(ep.plan_q[s]); }
    for (size_t i = 0; ok && i < sizeof clauses / sizeof clauses[0]; i++) ok = clauses[i](en, &ep);
    value_t *rec = NULL, *charges = ok ? value_record("charges") : NULL;
    for (size_t s = 0; charges && s < c->nskus; s++)
        if ((usage[s] || c->skus[s].reserved || (en->hours && en->hours->has[s])) &&
            !value_record_set(charges, c->skus[s].sku, engine_money(en, ep.sku_charge[s]))) { value_free(charges); charges = NULL; }
    if (charges) {
        rec = value_record("period");
        value_t *lv = value_list(ep.lines, ep.nlines);
        ep.lines = NULL;
        ok = rec && lv && value_record_set(rec, "start", value_date(p->start)) && value_record_set(rec, "end", value_date(p->end)) &&
             value_record_set(rec, "lines", lv) && value_record_set(rec, "charges", charges) && engine_totals_record(en, rec, &ep.t);
        charges = NULL;
        if (!ok) { value_free(rec); rec = NULL; }
    }
    if (!rec) engine_fail(en, NULL);
    engine_totals_add(out, &ep.t);
    for (size_t i = 0; ep.lines && i < ep.nlines; i++) value_free(ep.lines[i]);
    free(ep.lines);
    for (size_t s = 0; ep.sku_charge && ep.plan_q && s < c->nskus; s++) { mpq_clear(ep.sku_charge[s]); mpq_clear(ep.plan_q[s]); }
    free(ep.sku_charge);
    free(ep.plan_q);
    engine_totals_clear(&ep.t);
    mpq_clear(ep.esc);
    return rec;
}

value_t *contract_price(const contract_t *c, units_t *u, const char *workload,
                        const period_t *periods, size_t nperiods,
                        value_t *const *usage, const int *sla_hit, char **err, fault_t *fault)
{
    return contract_price_hours(c, u, workload, periods, nperiods, usage, NULL, sla_hit, err, fault);
}

value_t *contract_price_hours(const contract_t *c, units_t *u, const char *workload,
                              const period_t *periods, size_t nperiods, value_t *const *usage,
                              const contract_hours_t *hours, const int *sla_hit, char **err, fault_t *fault)
{
    *err = NULL;
    if (fault) { fault->kind = FAULT_NONE; fault->code = FAULT_OTHER; }
    engine_t pr;
    memset(&pr, 0, sizeof pr);
    pr.c = c; pr.u = u; pr.err = err; pr.fault = fault; pr.currency = -1; pr.hours = hours;
    pr.hour = units_find(u, "hour");
    pr.month = units_find(u, "month");
    if (pr.hour < 0 || pr.month < 0) { *err = diag_format("the prelude must define hour and month"); return NULL; }
    pr.time = units_get(u, pr.hour)->dim;
    sku_state_t *st = calloc(c->nskus + 1, sizeof *st);
    value_t **recs = calloc(nperiods + 1, sizeof *recs);
    if (!st || !recs) { free(st); free(recs); *err = diag_format("out of memory"); return NULL; }
    pr.st = st;
    for (size_t s = 0; s < c->nskus; s++) mpq_inits(st[s].cumulative, st[s].quantity, st[s].charge, NULL);
    mpq_init(pr.pool_left);
    mpq_init(pr.year_spend);
    if (c->pool) mpq_set(pr.pool_left, c->pool->u.num.q);
    totals_t term;
    engine_totals_init(&term);
    size_t done = 0;
    for (; done < nperiods; done++) {
        recs[done] = price_period(&pr, &periods[done], usage + done * c->nskus, sla_hit + done * c->nsla, &term);
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
            ok = value_record_set(charges, c->skus[s].sku, engine_money(&pr, st[s].charge));
            if (!st[s].qty_unit) continue;
            value_t *qv = value_quantity(st[s].quantity, &st[s].qty_unit->u.num.dim, &st[s].qty_unit->u.num.disp);
            /* effective: what the SKU's own charges came to per unit; all-in: the whole
             * invoice per unit of this SKU (the figure to compare with a list price when one
             * SKU dominates the deal) */
            if (mpq_sgn(st[s].quantity) > 0) {
                mpq_t r;
                mpq_init(r);
                const value_t *lr = engine_sku_rate(&c->skus[s]);
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
             value_record_set(inv, "periods", value_list(recs, nperiods)) && engine_totals_record(&pr, inv, &term) &&
             value_record_set(inv, "charges", charges) && value_record_set(inv, "quantities", qty) &&
             value_record_set(inv, "effective", eff) && value_record_set(inv, "all_in", all_in);
        names = NULL; recs = NULL;
        if (!ok) { value_free(inv); inv = NULL; if (!*err) *err = diag_format("out of memory"); }
    }
    for (size_t i = 0; recs && i < nperiods; i++) value_free(recs[i]);
    free(recs);
    for (size_t s = 0; s < c->nskus; s++) { mpq_clears(st[s].cumulative, st[s].quantity, st[s].charge, NULL); value_free(st[s].qty_unit); }
    free(st);
    engine_totals_clear(&term);
    mpq_clear(pr.pool_left);
    mpq_clear(pr.year_spend);
    return inv;
}
