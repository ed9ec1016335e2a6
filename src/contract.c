/* contract: the pricing engine's entry. It owns the contract's terms and orchestrates
 * each billing period through the clause modules (engine*.c), in a fixed order:
 *   1. usage charges per SKU (engine_tiers.c, which prices a tier ladder several SKUs
 *      share once its last SKU's usage is known; reservations, engine_reserve.c; plans, engine_plans.c), each SKU's rates
 *      escalated by its own escalator or the contract's (engine_cycles.c: a period across
 *      a contract anniversary takes the hour-weighted average of the two years' factors,
 *      or the usage-weighted one for a SKU with hourly usage; reservations per hour and
 *      plans price each hour at its year's rates); fixed fees (engine_fees.c)
 *   2. discounts: on SKUs, then on all charges, then on spend above a threshold -> net
 *      (engine_discounts.c)
 *   3. commitment shortfall = max(0, minimum - net) (or - gross, with commitment_basis =
 *      gross), the minimum prorated segment by segment (engine_reserve.c); a commitment
 *      trued up yearly bills its shortfall on the last period of each contract year
 *      (engine_cycles.c)
 *   4. SLA credits: on each set of SKUs bands name, the largest band that holds x the
 *      SKUs' charges after discounts; on the whole contract, x net (x net + shortfall,
 *      with sla_basis = invoice); then each cap scales the credits under it down to it
 *   5. credit-pool draw = min(remaining pool, net + shortfall - SLA credit)
 *   6. invoice = net + shortfall - SLA credit - pool draw, rounded per the policy
 * and returns the invoice as a record. Money is kept as exact rationals in base currency
 * units. It never sees syntax or the evaluator. */
#include "engine.h"
#include "diag.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void contract_set_free(sku_set_t *s)
{
    free(s->idx);
    free(s->label);
}

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
        value_free(s->start);
        value_free(s->escalate);
        for (size_t i = 0; i < s->ncommits; i++) value_free(s->commits[i].amount);
        free(s->commits);
        value_free(s->commit_share);
    }
    free(c->skus);
    for (size_t i = 0; i < c->ncommits; i++) value_free(c->commits[i].amount);
    free(c->commits);
    value_free(c->trueup);
    for (size_t i = 0; i < c->nfees; i++) value_free(c->fees[i].amount);
    free(c->fees);
    for (size_t i = 0; i < c->ndiscounts; i++) { value_free(c->discounts[i].pct); contract_set_free(&c->discounts[i].on); value_free(c->discounts[i].above); }
    free(c->discounts);
    for (size_t i = 0; i < c->nplans; i++) { free(c->plans[i].name); value_free(c->plans[i].amount); }
    free(c->plans);
    value_free(c->escalate);
    for (size_t i = 0; i < c->nsla; i++) { value_free(c->sla_pcts[i]); if (c->sla_on) contract_set_free(&c->sla_on[i]); }
    free(c->sla_pcts);
    free(c->sla_on);
    for (size_t i = 0; i < c->ncaps; i++) { value_free(c->sla_caps[i].amount); contract_set_free(&c->sla_caps[i].on); }
    free(c->sla_caps);
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
        fn(s->rate, ctx); fn(s->reserved, ctx); fn(s->overage, ctx); fn(s->plan_rate, ctx); fn(s->start, ctx); fn(s->escalate, ctx);
        for (size_t i = 0; i < s->ncommits; i++) fn(s->commits[i].amount, ctx);
        for (size_t t = 0; t < s->ntiers; t++) { fn(s->tiers[t].upto, ctx); fn(s->tiers[t].rate, ctx); }
    }
    for (size_t i = 0; i < c->ncommits; i++) fn(c->commits[i].amount, ctx);
    for (size_t i = 0; i < c->nfees; i++) fn(c->fees[i].amount, ctx);
    for (size_t i = 0; i < c->ndiscounts; i++) { fn(c->discounts[i].pct, ctx); fn(c->discounts[i].above, ctx); }
    for (size_t i = 0; i < c->nsla; i++) fn(c->sla_pcts[i], ctx);
    for (size_t i = 0; i < c->ncaps; i++) fn(c->sla_caps[i].amount, ctx);
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

/* SKU s's usage charge in the period, added to the SKU's and (in charges) the period's. */
static int usage_charge(engine_t *en, engine_period_t *ep, size_t s, engine_sum_t *charges)
{
    const sku_terms_t *sk = &en->c->skus[s];
    sku_state_t *st = &en->st[s];
    const value_t *use = ep->usage[s];
    int hourly = en->hours && en->hours->has[s];
    /* a reservation or commitment without use: no usage of the kind it names */
    const value_t *basis = sk->reserved ? sk->reserved : sk->ncommits ? sk->commits[0].amount : NULL;
    if (!use && !hourly && !basis) return 1;
    value_t *zero = NULL;
    if (!use && !hourly) {
        zero = value_quantity_like(basis->u.num.q, basis);
        if (!zero) return engine_fail(en, NULL);
        mpq_set_ui(zero->u.num.q, 0, 1);
        use = zero;
    }
    mpq_t q;
    mpq_init(q);
    int ok = period_quantity(en, ep, s, use, q);
    if (ok) {
        /* the quantity as reported: in the rate's unit of measure */
        dim_t qdim;
        uterm_t qdisp;
        engine_quantity_unit(en, s, &qdim, &qdisp);
        value_q_add(st->quantity, st->quantity, q);
        if (!st->qty_unit && !(st->qty_unit = value_quantity(q, &qdim, &qdisp))) ok = engine_fail(en, NULL);
        if (sk->plan || (sk->ladder && !sk->reserved)) mpq_set(ep->plan_q[s], q);   /* priced with its plan's or ladder's other SKUs */
        else if (ok) ok = sk->reserved ? engine_reserve_charge(en, ep, s, q, &qdim, &qdisp) : engine_tiers_charge(en, ep, s, q, &qdim, &qdisp);
        ok = ok && engine_usage_commitment(en, ep, s, q, &qdim, &qdisp);
    }
    if (ok) {
        value_q_add(st->cumulative, st->cumulative, q);
        engine_sum_add(&st->charges, ep->sku_charge[s]);
        engine_sum_add(charges, ep->sku_charge[s]);
    }
    value_free(zero);
    mpq_clear(q);
    return ok;
}

static int usage_charges(engine_t *en, engine_period_t *ep)
{
    engine_sum_t charges;
    engine_sum_init(&charges);
    int ok = 1;
    for (size_t s = 0; ok && s < en->c->nskus; s++) ok = usage_charge(en, ep, s, &charges) && engine_tiers_shared(en, ep, s);
    engine_sum_fold(&charges, ep->t.charges);
    engine_sum_clear(&charges);
    return ok;
}

static int check_quantum(engine_t *en, engine_period_t *ep)
{
    (void)ep;
    const contract_t *c = en->c;
    if (c->quantum && !dim_eq(value_dim(c->quantum), &en->money))
        return engine_fail_at(en, FAULT_ROUND, FAULT_OTHER, 0, diag_format("the rounding quantum must be an amount of %s", units_dimension_name(en->u, en->currency)));
    return 1;
}

/* 6. the invoice; invoice-level rounding gets a line of its own, so the lines add up */
static int invoice_total(engine_t *en, engine_period_t *ep)
{
    totals_t *t = &ep->t;
    mpq_t amount;
    mpq_init(amount);
    value_q_add(t->total, t->net, t->shortfall);
    value_q_sub(t->total, t->total, t->sla);
    value_q_sub(t->total, t->total, t->pool);
    value_q_add(t->total, t->total, t->upfront);
    mpq_set(amount, t->total);
    engine_round(en, t->total, 0);
    value_q_sub(amount, t->total, amount);
    value_q_add(t->effective, t->effective, t->total);   /* engine_upfront left the share less the payment */
    int ok = !mpq_sgn(amount) || engine_line(en, ep, "invoice", "rounding", amount);
    mpq_clear(amount);
    return ok;
}

/* The clauses before the SLA credit read the terms same_terms compares and the usage; those
 * from it on also read the SLA bands, the pool and the upfront payment (a memo's cut). */
static const engine_clause_fn before_sla[] = {
    usage_charges, engine_plans, engine_fees, check_quantum, engine_discounts, engine_commitment, engine_trueup,
};
static const engine_clause_fn from_sla[] = { engine_sla_credit, engine_pool_draw, engine_upfront, invoice_total };

/* ---------- memos ---------- */

/* One period after the clauses before the SLA credit: its totals, lines and charges, and
 * what each SKU came to after discounts (the SLA credits on SKUs read it). */
typedef struct memo_period { totals_t t; lines_t *lines; size_t nlines; value_t *charges; mpq_t *sku_net; value_t *pre[ENGINE_TOTALS_PRE]; } memo_period_t;

struct contract_memo {
    const contract_t *c;      /* the key: the terms, */
    size_t np;
    date_t *bounds;           /* each period's start and end, */
    value_t **usage;          /* and usage[p * nskus + s] (references) */
    memo_period_t *per;
    sku_state_t *st;          /* the SKUs' state after the last period */
    totals_t term;            /* the term's totals: the fields before the SLA credit are every rerun's */
    int currency;
    dim_t money;
    uterm_t money_unit;
};

/* Whether two figures are the same: the same number, dimensions, display unit and
 * approximation (a date, string or truth value the same too). */
static int same_value(const value_t *a, const value_t *b)
{
    if (a == b) return 1;
    if (!a || !b || a->kind != b->kind) return 0;
    switch (a->kind) {
    case V_NUM: return a->u.num.approx == b->u.num.approx && engine_same_quantity(a, b->u.num.q, value_dim(b), value_disp(b));
    case V_BOOL: return a->u.b == b->u.b;
    case V_STR: return !strcmp(a->u.s, b->u.s);
    case V_DATE: return a->u.date == b->u.date;
    default: return 0;   /* lists, records, objects: never the same, to be safe */
    }
}

static int same_set(const sku_set_t *a, const sku_set_t *b)
{
    return a->n == b->n && (!a->n || !memcmp(a->idx, b->idx, a->n * sizeof *a->idx));
}

static int same_steps(const commit_step_t *a, const commit_step_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_value(a[i].amount, b[i].amount) || a[i].has_from != b[i].has_from || a[i].has_until != b[i].has_until ||
            (a[i].has_from && a[i].from != b[i].from) || (a[i].has_until && a[i].until != b[i].until) ||
            a[i].escalates != b[i].escalates)
            return 0;
    return 1;
}

/* A new field of the terms must be compared below (or be one only the SLA stage and after
 * read): these sizes (on 64-bit machines) make adding one without looking here fail to build. */
_Static_assert(sizeof(void *) != 8 || (sizeof(contract_t) == 248 && sizeof(sku_terms_t) == 136 && sizeof(tier_t) == 24 &&
                                       sizeof(commit_step_t) == 40 && sizeof(discount_t) == 40 && sizeof(plan_t) == 16),
               "the contract's terms changed: compare the new ones in same_terms");

/* Whether a and b agree in every term the clauses before the SLA credit read: all but the
 * name, the SLA bands and basis, the credit pool and the upfront payment. */
static int same_terms(const contract_t *a, const contract_t *b)
{
    if (a->start != b->start || a->end != b->end || a->nskus != b->nskus || a->ncommits != b->ncommits ||
        a->period_months != b->period_months || a->weekly != b->weekly || !same_value(a->trueup, b->trueup) ||
        a->trueup_escalates != b->trueup_escalates ||
        a->nfees != b->nfees || a->ndiscounts != b->ndiscounts || a->nplans != b->nplans || !same_value(a->escalate, b->escalate) ||
        !same_value(a->month_hours, b->month_hours) || a->month_calendar != b->month_calendar || a->rounding != b->rounding ||
        a->commit_on_gross != b->commit_on_gross || !same_value(a->quantum, b->quantum) || a->mode != b->mode ||
        !same_steps(a->commits, b->commits, a->ncommits) || !same_steps(a->fees, b->fees, a->nfees))
        return 0;
    for (size_t i = 0; i < a->nskus; i++) {
        const sku_terms_t *x = &a->skus[i], *y = &b->skus[i];
        if (strcmp(x->sku, y->sku) || x->kind != y->kind || x->cumulative != y->cumulative || !same_value(x->rate, y->rate) ||
            x->ntiers != y->ntiers || !same_value(x->reserved, y->reserved) || !same_value(x->overage, y->overage) ||
            x->windows_per_hour != y->windows_per_hour || x->plan != y->plan || !same_value(x->plan_rate, y->plan_rate) ||
            x->ladder != y->ladder || !same_value(x->start, y->start) || !same_value(x->escalate, y->escalate) ||
            x->ncommits != y->ncommits || !same_steps(x->commits, y->commits, x->ncommits) ||
            !same_value(x->commit_share, y->commit_share) || x->commit_yearly != y->commit_yearly)
            return 0;
        for (size_t t = 0; t < x->ntiers; t++)
            if (!same_value(x->tiers[t].upto, y->tiers[t].upto) || !same_value(x->tiers[t].rate, y->tiers[t].rate) ||
                x->tiers[t].below != y->tiers[t].below)
                return 0;
    }
    for (size_t i = 0; i < a->ndiscounts; i++)
        if (!same_value(a->discounts[i].pct, b->discounts[i].pct) || !same_set(&a->discounts[i].on, &b->discounts[i].on) ||
            !same_value(a->discounts[i].above, b->discounts[i].above))
            return 0;
    for (size_t i = 0; i < a->nplans; i++)
        if (strcmp(a->plans[i].name, b->plans[i].name) || !same_value(a->plans[i].amount, b->plans[i].amount)) return 0;
    return 1;
}

/* Whether m was made from these terms, periods and usage. */
static int memo_matches(const contract_memo_t *m, const contract_t *c, const period_t *periods, size_t np,
                        value_t *const *usage, const contract_hours_t *hours)
{
    if (!m || hours || m->np != np || !same_terms(m->c, c)) return 0;
    for (size_t p = 0; p < np; p++)
        if (m->bounds[2 * p] != periods[p].start || m->bounds[2 * p + 1] != periods[p].end) return 0;
    for (size_t i = 0; i < np * c->nskus; i++)
        if (!same_value(m->usage[i], usage[i])) return 0;
    return 1;
}

static void states_free(sku_state_t *st, size_t n)
{
    for (size_t s = 0; st && s < n; s++) {
        mpq_clears(st[s].cumulative, st[s].quantity, st[s].charge, st[s].year_committed, st[s].year_used, NULL);
        engine_sum_clear(&st[s].charges);
        value_free(st[s].qty_unit);
    }
    free(st);
}

void contract_memo_free(contract_memo_t *m)
{
    if (!m) return;
    for (size_t i = 0; m->usage && i < m->np * m->c->nskus; i++) value_free(m->usage[i]);
    free(m->usage);
    for (size_t p = 0; m->per && p < m->np; p++) {
        memo_period_t *mp = &m->per[p];
        engine_totals_clear(&mp->t);
        lines_free(mp->lines);
        value_free(mp->charges);
        for (size_t i = 0; i < sizeof mp->pre / sizeof mp->pre[0]; i++) value_free(mp->pre[i]);
        for (size_t s = 0; mp->sku_net && s < m->c->nskus; s++) mpq_clear(mp->sku_net[s]);
        free(mp->sku_net);
    }
    free(m->per);
    engine_totals_clear(&m->term);
    states_free(m->st, m->c->nskus);
    free(m->bounds);
    free(m);
}

/* An empty memo for a pricing of c over periods with usage; NULL when out of memory. */
static contract_memo_t *memo_new(const contract_t *c, const period_t *periods, size_t np, value_t *const *usage)
{
    contract_memo_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->c = c;
    m->np = np;
    m->bounds = malloc((2 * np + 1) * sizeof *m->bounds);
    m->usage = calloc(np * c->nskus + 1, sizeof *m->usage);
    m->per = calloc(np + 1, sizeof *m->per);
    if (!m->bounds || !m->usage || !m->per) { free(m->bounds); free(m->usage); free(m->per); free(m); return NULL; }
    engine_totals_init(&m->term);
    for (size_t p = 0; p < np; p++) {
        m->bounds[2 * p] = periods[p].start;
        m->bounds[2 * p + 1] = periods[p].end;
        engine_totals_init(&m->per[p].t);
    }
    for (size_t i = 0; i < np * c->nskus; i++) m->usage[i] = usage[i] ? value_ref(usage[i]) : NULL;
    return m;
}

static void totals_copy(totals_t *to, const totals_t *from)
{
    mpq_set(to->fees, from->fees); mpq_set(to->charges, from->charges); mpq_set(to->discounts, from->discounts);
    mpq_set(to->net, from->net); mpq_set(to->shortfall, from->shortfall); mpq_set(to->sla, from->sla);
    mpq_set(to->pool, from->pool); mpq_set(to->upfront, from->upfront); mpq_set(to->total, from->total);
    mpq_set(to->effective, from->effective);
}

/* The period's charges per SKU (those used or reserved), after its usage charges. */
static value_t *period_charges(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    int ok = 1;
    for (size_t s = 0; ok && s < c->nskus; s++)
        if (ep->usage[s] || c->skus[s].reserved || c->skus[s].ncommits || (en->hours && en->hours->has[s]))
            ok = engine_period_charge(en, ep, s);
    return ok ? lines_charges_value(ep->lines) : NULL;
}

/* Prices one period: all its clauses, or with from (a memo's period) those from the SLA
 * credit on; keep (or NULL) gets the period's state before the SLA credit (from's record
 * values of that state were all kept by its run: it is read only). */
static value_t *price_period(engine_t *en, const period_t *p, value_t *const *usage, const int *sla_hit, totals_t *out,
                             memo_period_t *from, memo_period_t *keep)
{
    const contract_t *c = en->c;
    engine_period_t ep;
    memset(&ep, 0, sizeof ep);
    ep.p = p;
    ep.usage = usage;
    ep.sla_hit = sla_hit;
    engine_totals_init(&ep.t);
    value_t *charges = NULL;
    ep.sku_net = calloc(c->nskus + 1, sizeof *ep.sku_net);
    ep.lines = lines_new(from ? from->lines : NULL, from ? from->nlines : 0);
    int ok = ep.sku_net && ep.lines ? 1 : engine_fail(en, NULL);
    for (size_t s = 0; ok && s < c->nskus; s++) mpq_init(ep.sku_net[s]);
    if (ok && from) {
        totals_copy(&ep.t, &from->t);
        for (size_t s = 0; s < c->nskus; s++) mpq_set(ep.sku_net[s], from->sku_net[s]);
        charges = value_ref(from->charges);
    } else if (ok) {
        ep.sku_charge = calloc(c->nskus + 1, sizeof *ep.sku_charge);
        ep.plan_q = calloc(c->nskus + 1, sizeof *ep.plan_q);
        ep.sku_esc = calloc(c->nskus + 1, sizeof *ep.sku_esc);
        ok = ep.sku_charge && ep.plan_q && ep.sku_esc ? 1 : engine_fail(en, NULL);
        for (size_t s = 0; ok && s < c->nskus; s++) mpq_inits(ep.sku_charge[s], ep.plan_q[s], ep.sku_esc[s], NULL);
        if (ok) engine_sku_escalation(en, &ep, ep.sku_esc);
        for (size_t i = 0; ok && i < sizeof before_sla / sizeof before_sla[0]; i++) ok = before_sla[i](en, &ep);
        if (ok && !(charges = period_charges(en, &ep))) ok = engine_fail(en, NULL);
        if (ok && keep) {
            totals_copy(&keep->t, &ep.t);
            keep->lines = lines_ref(ep.lines);
            keep->nlines = lines_count(ep.lines);
            keep->charges = value_ref(charges);
            if ((keep->sku_net = calloc(c->nskus + 1, sizeof *keep->sku_net)))
                for (size_t s = 0; s < c->nskus; s++) { mpq_init(keep->sku_net[s]); mpq_set(keep->sku_net[s], ep.sku_net[s]); }
            if (!keep->sku_net) ok = engine_fail(en, NULL);
        }
    }
    for (size_t i = 0; ok && i < sizeof from_sla / sizeof from_sla[0]; i++) ok = from_sla[i](en, &ep);
    value_t *rec = NULL;
    if (ok) {
        rec = value_record("period");
        value_t *lv = lines_value(ep.lines);
        ok = rec && lv && value_record_set(rec, "start", value_date(p->start)) && value_record_set(rec, "end", value_date(p->end)) &&
             value_record_set(rec, "lines", lv) && value_record_set(rec, "charges", charges) && engine_totals_record(en, rec, &ep.t, from ? from->pre : keep ? keep->pre : NULL);
        charges = NULL;
        if (!ok) { value_free(rec); rec = NULL; }
    }
    value_free(charges);
    if (!rec) engine_fail(en, NULL);
    engine_totals_add(out, &ep.t, from != NULL);
    lines_free(ep.lines);
    for (size_t s = 0; ep.sku_net && s < c->nskus; s++) mpq_clear(ep.sku_net[s]);
    for (size_t s = 0; ep.sku_charge && ep.plan_q && ep.sku_esc && s < c->nskus; s++)
        mpq_clears(ep.sku_charge[s], ep.plan_q[s], ep.sku_esc[s], NULL);
    free(ep.sku_charge);
    free(ep.sku_net);
    free(ep.plan_q);
    free(ep.sku_esc);
    engine_totals_clear(&ep.t);
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
    return contract_price_memo(c, u, workload, periods, nperiods, usage, hours, sla_hit, err, fault, NULL, NULL);
}

value_t *contract_price_memo(const contract_t *c, units_t *u, const char *workload,
                             const period_t *periods, size_t nperiods, value_t *const *usage,
                             const contract_hours_t *hours, const int *sla_hit, char **err, fault_t *fault,
                             const contract_memo_t *reuse, contract_memo_t **keep)
{
    *err = NULL;
    if (keep) *keep = NULL;
    if (fault) { fault->kind = FAULT_NONE; fault->code = FAULT_OTHER; }
    engine_t pr;
    memset(&pr, 0, sizeof pr);
    pr.c = c; pr.u = u; pr.err = err; pr.fault = fault; pr.currency = -1; pr.hours = hours;
    pr.hour = units_find(u, "hour");
    pr.month = units_find(u, "month");
    if (pr.hour < 0 || pr.month < 0) { *err = diag_format("the prelude must define hour and month"); return NULL; }
    pr.time = units_get(u, pr.hour)->dim;
    if (!engine_shared_init(&pr)) { *err = diag_format("out of memory"); return NULL; }
    if (!memo_matches(reuse, c, periods, nperiods, usage, hours)) reuse = NULL;
    contract_memo_t *memo = keep && !reuse && !hours ? memo_new(c, periods, nperiods, usage) : NULL;
    /* from a memo, the SKUs' state is the memo's: only the clauses before the SLA credit change it */
    sku_state_t *st = reuse ? reuse->st : calloc(c->nskus + 1, sizeof *st);
    value_t **recs = calloc(nperiods + 1, sizeof *recs);
    if (!st || !recs) {
        if (!reuse) free(st);
        free(recs);
        contract_memo_free(memo);
        engine_shared_free(&pr);
        *err = diag_format("out of memory");
        return NULL;
    }
    pr.st = st;
    for (size_t s = 0; !reuse && s < c->nskus; s++) { mpq_inits(st[s].cumulative, st[s].quantity, st[s].charge, st[s].year_committed, st[s].year_used, NULL); engine_sum_init(&st[s].charges); }
    if (reuse) { pr.currency = reuse->currency; pr.money = reuse->money; pr.money_unit = reuse->money_unit; }
    mpq_init(pr.pool_left);
    mpq_init(pr.year_spend);
    if (c->pool) mpq_set(pr.pool_left, c->pool->u.num.q);
    totals_t term;
    engine_totals_init(&term);
    if (reuse) totals_copy(&term, &reuse->term);   /* price_period adds only what the SLA credit on changes */
    size_t done = 0;
    for (; done < nperiods; done++) {
        recs[done] = price_period(&pr, &periods[done], usage + done * c->nskus, sla_hit + done * c->nsla, &term,
                                  reuse ? &reuse->per[done] : NULL, memo ? &memo->per[done] : NULL);
        if (!recs[done]) break;
    }
    for (size_t s = 0; !reuse && s < c->nskus; s++) engine_sum_fold(&st[s].charges, st[s].charge);
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
            value_t *qv = value_quantity_like(st[s].quantity, st[s].qty_unit);
            /* effective: what the SKU's own charges came to per unit; all-in: the whole
             * invoice per unit of this SKU (the figure to compare with a list price when one
             * SKU dominates the deal) */
            if (mpq_sgn(st[s].quantity) > 0) {
                mpq_t r;
                mpq_init(r);
                const value_t *lr = engine_sku_rate(&c->skus[s]);
                mpq_div(r, st[s].charge, st[s].quantity);
                ok = value_record_set(eff, c->skus[s].sku, value_quantity_like(r, lr));
                mpq_div(r, term.total, st[s].quantity);
                ok = ok && value_record_set(all_in, c->skus[s].sku, value_quantity_like(r, lr));
                mpq_clear(r);
            }
            ok = ok && value_record_set(qty, c->skus[s].sku, qv);
        }
        const char *cur = units_dimension_name(u, pr.currency);
        ok = ok && value_record_set(inv, "contract", value_str(c->name)) && value_record_set(inv, "workload", value_str(workload)) &&
             value_record_set(inv, "currency", value_str(cur)) && value_record_set(inv, "skus", value_list(names, c->nskus)) &&
             value_record_set(inv, "periods", value_list(recs, nperiods)) && engine_totals_record(&pr, inv, &term, NULL) &&
             value_record_set(inv, "charges", charges) && value_record_set(inv, "quantities", qty) &&
             value_record_set(inv, "effective", eff) && value_record_set(inv, "all_in", all_in);
        names = NULL; recs = NULL;
        if (!ok) { value_free(inv); inv = NULL; if (!*err) *err = diag_format("out of memory"); }
    }
    for (size_t i = 0; recs && i < nperiods; i++) value_free(recs[i]);
    free(recs);
    if (memo && inv) {
        memo->st = st;
        totals_copy(&memo->term, &term);   /* less what a rerun adds again */
        mpq_set_ui(memo->term.sla, 0, 1); mpq_set_ui(memo->term.pool, 0, 1); mpq_set_ui(memo->term.upfront, 0, 1);
        mpq_set_ui(memo->term.total, 0, 1); mpq_set_ui(memo->term.effective, 0, 1);
        memo->currency = pr.currency; memo->money = pr.money; memo->money_unit = pr.money_unit;
        *keep = memo;
    } else {
        if (!reuse) states_free(st, c->nskus);
        contract_memo_free(memo);
    }
    engine_totals_clear(&term);
    engine_shared_free(&pr);
    mpq_clear(pr.pool_left);
    mpq_clear(pr.year_spend);
    return inv;
}
