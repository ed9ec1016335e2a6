/* terms: turns contract and workload blocks into the pricing engine's terms and
 * per-period usage, calls the engine, and points its errors back at the clause or use
 * line at fault. The engine (contract.c) itself never sees syntax. */
#include "interp.h"
#include "guards.h"
#include "contract.h"
#include "engine.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* a workload is its block in the AST, which outlives every value */
const value_object_type_t terms_workload_type = { "workload", NULL, NULL };

/* A contract with the clauses its terms came from, to point errors at them. */
typedef struct contract_obj {
    contract_t *c;
    value_t *fields;             /* start, end, term and the informational fields */
    const node_t **sla_conds;    /* one condition per SLA band, evaluated per period */
    const node_t **rate_nodes, **reserve_nodes, **usage_commit_nodes;   /* per SKU */
    const node_t **commit_nodes, **fee_nodes, **discount_nodes, **plan_nodes, **credit_nodes, **cap_nodes;
    const node_t *pool_node, *round_node, *escalate_node, *upfront_node, *upfront_date_node, *trueup_node;
    const node_t *list_prices_node;
    strmap_t *skus;              /* SKU name -> 1 + its index in c->skus */
    const node_t **sku_escalate_nodes;   /* escalators `on` SKUs, until their SKUs are known */
    value_t **sku_escalators;
    size_t nsku_escalators;
    const node_t *usage_commit, *escalating_node;   /* the last commitment in usage, of SKU usage_sku */
    size_t usage_sku;
} contract_obj_t;

static void contract_obj_free(void *p)
{
    contract_obj_t *o = p;
    contract_free(o->c);
    value_free(o->fields);
    free(o->sla_conds);
    free(o->rate_nodes);
    free(o->reserve_nodes);
    free(o->usage_commit_nodes);
    free(o->commit_nodes);
    free(o->fee_nodes);
    free(o->discount_nodes);
    free(o->plan_nodes);
    strmap_free(o->skus);
    free(o->credit_nodes);
    free(o->cap_nodes);
    free(o->sku_escalate_nodes);
    for (size_t i = 0; i < o->nsku_escalators; i++) value_free(o->sku_escalators[i]);
    free(o->sku_escalators);
    free(o);
}

/* Appends node to a growable array of clause nodes kept beside the contract's terms. */
static int remember(const node_t ***arr, size_t n, const node_t *node)
{
    const node_t **a = realloc(*arr, (n + 1) * sizeof *a);
    if (!a) return 0;
    a[n] = node;
    *arr = a;
    return 1;
}
const value_object_type_t terms_contract_type = { "contract", contract_obj_free, NULL };
/* ---------- contracts ---------- */

static value_t *expect_num(eval_t *e, const node_t *n, const char *what)
{
    value_t *v = eval_expr(e, n);
    if (v && v->kind != V_NUM) { value_free(v); return eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "%s must be a number or quantity", what); }
    return v;
}

static int expect_date(eval_t *e, const node_t *n, const char *what, date_t *out)
{
    value_t *v = eval_expr(e, n);
    if (!v) return 0;
    int ok = v->kind == V_DATE;
    if (ok) *out = v->u.date; else eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "%s must be a date such as 2026-12-01", what);
    value_free(v);
    return ok;
}

/* A share of something (a discount, an SLA credit): a percentage from 0% to 100%. */
static int check_share(eval_t *e, const value_t *v, const loc_t *loc, const char *what, const char *example)
{
    if (!value_is_dimensionless(v)) { eval_fail(e, loc, DIAG_UNIT, "%s is a percentage such as %s", what, example); return 0; }
    if (!guards_ratio(e, v, loc, what)) return 0;
    if (mpq_sgn(v->u.num.q) < 0 || mpq_cmp_ui(v->u.num.q, 1, 1) > 0) {
        eval_fail(e, loc, DIAG_RUNTIME, "%s must be between 0%% and 100%%", what);
        return 0;
    }
    return 1;
}

/* The index of a contract's SKU, or nskus when it has none of that name. */
static size_t sku_index(const contract_obj_t *o, const char *sku)
{
    uintptr_t i = (uintptr_t)strmap_get(o->skus, sku);
    return i ? (size_t)i - 1 : o->c->nskus;
}

/* "did you mean" the contract's SKU closest to name, on the error just raised. */
static void hint_sku(eval_t *e, const contract_t *c, const char *name)
{
    struct eval_suggest sg = { name, NULL, (size_t)-1 };
    for (size_t k = 0; k < c->nskus; k++) eval_suggest_one(c->skus[k].sku, &sg);
    eval_hint_closest(e, &sg);
}

static sku_terms_t *sku_slot(eval_t *e, contract_obj_t *o, const char *sku, const loc_t *loc, int create)
{
    contract_t *c = o->c;
    size_t i = sku_index(o, sku);
    if (i < c->nskus) {
        if (create) { eval_fail(e, loc, DIAG_NAME, "rate `%s` is already defined in this contract", sku); return NULL; }
        return &c->skus[i];
    }
    if (!create) { eval_fail(e, loc, DIAG_NAME, "the contract has no rate `%s` to reserve", sku); return NULL; }
    sku_terms_t *s = realloc(c->skus, (c->nskus + 1) * sizeof *s);
    if (!s) { eval_fail(e, loc, DIAG_LIMIT, "out of memory"); return NULL; }
    c->skus = s;
    s = &c->skus[c->nskus];
    memset(s, 0, sizeof *s);
    if (!(s->sku = strdup(sku)) || !strmap_put(o->skus, sku, (void *)(uintptr_t)(c->nskus + 1))) {
        free(s->sku);
        eval_fail(e, loc, DIAG_LIMIT, "out of memory");
        return NULL;
    }
    c->nskus++;
    return s;
}

/* `graduated from Q`: a quantity, or a list of one per billing period; none below zero. A
 * cumulative ladder starts once. */
static int add_start(eval_t *e, sku_terms_t *s, const node_t *n)
{
    if (!(s->start = eval_expr(e, n->a))) return 0;
    int list = s->start->kind == V_LIST;
    if (list && s->cumulative) {
        eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "a cumulative ladder starts once: give one starting position, not a list");
        return 0;
    }
    for (size_t i = 0; i < (list ? s->start->u.list.n : 1); i++) {
        const value_t *v = list ? s->start->u.list.items[i] : s->start;
        if (v->kind != V_NUM) { eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "a starting position must be a quantity, or a list of one per period"); return 0; }
        if (mpq_sgn(v->u.num.q) < 0) { eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "a starting position cannot be negative"); return 0; }
    }
    return 1;
}

static int add_tiers(eval_t *e, sku_terms_t *s, const node_t *n)
{
    s->kind = n->op == TIERS_GRADUATED ? PRICE_GRADUATED : PRICE_VOLUME;
    s->cumulative = n->flag;
    if (n->a && !add_start(e, s, n)) return 0;
    size_t cnt = ast_count(n->list);
    if (!cnt) { eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "a tiered rate needs at least one tier"); return 0; }
    s->tiers = calloc(cnt, sizeof *s->tiers);
    if (!s->tiers) { eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory"); return 0; }
    value_t *prev = NULL;
    for (const node_t *t = n->list; t; t = t->next) {
        tier_t *tier = &s->tiers[s->ntiers++];
        if (!(tier->rate = expect_num(e, t->b, "a tier's rate"))) return 0;
        if (t->op == TIER_ABOVE) {
            if (t->next) { eval_fail(e, AST_LOC(t->next), DIAG_RUNTIME, "no tier can follow `above`"); return 0; }
            if (t->a) {
                value_t *from = expect_num(e, t->a, "a tier bound");
                int c = 0;
                char *err = NULL;
                if (!from) return 0;
                int ok = prev ? value_compare(e->sh->units, from, prev, &c, &err) : (c = mpq_sgn(from->u.num.q), 1);
                value_free(from);
                if (!ok) { eval_fail_with(e, AST_LOC(t->a), err); return 0; }
                if (c != 0) { eval_fail(e, AST_LOC(t->a), DIAG_RUNTIME, "`above` must start where the previous tier ends"); return 0; }
            }
            break;
        }
        value_t *q = expect_num(e, t->a, "a tier size");
        if (!q) return 0;
        tier->below = t->op == TIER_BELOW;
        if (prev && !guards_tier(e, t, q, prev)) { value_free(q); return 0; }
        if (t->op == TIER_NEXT && prev) {
            char *err = NULL;
            value_t *sum = value_add(e->sh->units, prev, q, &err);
            value_free(q);
            if (!sum) { eval_fail_with(e, AST_LOC(t->a), err); return 0; }
            q = sum;
        }
        if (!prev && mpq_sgn(q->u.num.q) <= 0) {
            value_free(q); eval_fail(e, AST_LOC(t->a), DIAG_RUNTIME, "a tier must be larger than zero"); return 0;
        }
        tier->upto = q;
        prev = q;
    }
    if (s->tiers[s->ntiers - 1].upto) {
        eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "the tiers of `%s` end at a bound: usage past it would have no price", n->text);
        diag_set_hint(e->err, "end the list with `above at RATE`");
        return 0;
    }
    return 1;
}

/* `reserve gpu_hour = 1024 gpu per hour` (or per minute, per second) reserves the amount
 * in each such window: the windows in an hour, or 0 for a reservation over the period. */
static long reserve_window(const node_t *n)
{
    static const struct { const char *unit; long per_hour; } windows[] = { { "hour", 1 }, { "minute", 60 }, { "second", 3600 } };
    if (n->kind != E_BINOP || n->op != '/' || n->b->kind != E_IDENT) return 0;
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++)
        if (!strcmp(n->b->text, windows[i].unit)) return windows[i].per_hour;
    return 0;
}

/* Fields whose value is a word: billing = monthly, commitment_basis = gross. */
static const struct { const char *field, *words[5]; } word_fields[] = {
    { "billing", { "weekly", "monthly", "quarterly", "yearly", NULL } },
    { "commitment_basis", { "net", "gross", NULL } },
    { "sla_basis", { "net", "invoice", NULL } },
    { "month", { "calendar", NULL } },   /* or a number of hours: month = 720 hours */
};

static value_t *contract_field(eval_t *e, const node_t *cl)
{
    for (size_t i = 0; i < sizeof word_fields / sizeof word_fields[0]; i++) {
        if (strcmp(cl->text, word_fields[i].field)) continue;
        const override_t *o = scenario_override_for(e, cl->text);
        const node_t *x = o && o->expr ? o->expr : cl->a;
        const char *w = x->kind == E_IDENT || x->kind == E_STR ? x->text : "";
        if (o && o->value) w = o->value->kind == V_STR ? o->value->u.s : "";   /* a swept value */
        if (!strcmp(cl->text, "month") && !*w && !(o && o->value)) break;   /* month = 730 hours */
        for (const char *const *ok = word_fields[i].words; *ok; ok++)
            if (!strcmp(w, *ok)) return value_str(w);
        char list[64] = "";
        for (const char *const *ws = word_fields[i].words; *ws; ws++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", ws == word_fields[i].words ? "" : ws[1] ? ", " : " or ", *ws);
        eval_fail(e, AST_LOC(x), DIAG_RUNTIME, "%s must be %s", cl->text, list);
        return NULL;
    }
    return scenario_value(e, cl->text, cl->a);
}

/* month = calendar | 730 hours | 720 hours: how many hours a month of a per-month rate is. */
static int contract_month(eval_t *e, contract_t *c, const value_t *v, const loc_t *loc)
{
    if (v->kind == V_STR) { c->month_calendar = 1; return 1; }
    int hour = units_find(e->sh->units, "hour");
    if (v->kind == V_NUM && hour >= 0 && dim_eq(value_dim(v), &units_get(e->sh->units, hour)->dim) && mpq_sgn(v->u.num.q) > 0) {
        c->month_hours = value_ref((value_t *)v);
        return 1;
    }
    eval_fail(e, loc, DIAG_RUNTIME, "month must be calendar or a number of hours, such as 730 hours");
    return 0;
}

/* plan NAME = AMOUNT per hour { rate SKU = RATE ... }: the SKUs are the contract's flat-rate
 * SKUs above the plan, each under one plan. */
static int contract_plan(eval_t *e, contract_obj_t *o, const node_t *cl)
{
    contract_t *c = o->c;
    for (size_t i = 0; i < c->nplans; i++)
        if (!strcmp(c->plans[i].name, cl->text)) { eval_fail(e, AST_LOC(cl), DIAG_NAME, "plan `%s` is already defined in this contract", cl->text); return 0; }
    plan_t *p = realloc(c->plans, (c->nplans + 1) * sizeof *p);
    if (p) c->plans = p;
    if (!p || !remember(&o->plan_nodes, c->nplans, cl)) { eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
    p = &c->plans[c->nplans];
    memset(p, 0, sizeof *p);
    if (!(p->name = strdup(cl->text))) { eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
    c->nplans++;
    if (!(p->amount = expect_num(e, cl->a, "a plan's commitment"))) return 0;
    if (mpq_sgn(p->amount->u.num.q) < 0) { eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "a plan's commitment cannot be negative"); return 0; }
    for (const node_t *r = cl->list; r; r = r->next) {
        if (r->kind != C_RATE) { eval_fail(e, AST_LOC(r), DIAG_SYNTAX, "a plan holds `rate SKU = RATE` lines only"); return 0; }
        size_t s = sku_index(o, r->text);
        if (s == c->nskus || c->skus[s].kind != PRICE_FLAT) {
            eval_fail(e, AST_LOC(r), DIAG_NAME, "the plan's rate `%s` needs a flat `rate %s` of the contract above the plan", r->text, r->text);
            return 0;
        }
        sku_terms_t *sk = &c->skus[s];
        if (sk->plan) { eval_fail(e, AST_LOC(r), DIAG_RUNTIME, "`%s` is under a plan already", r->text); return 0; }
        if (!(sk->plan_rate = expect_num(e, r->a, "a plan rate"))) return 0;
        sk->plan = c->nplans;
    }
    return 1;
}

/* credit cap LIMIT [on SKUS]: a share of the SKUs' charges (30%) or money per month. */
static int contract_cap(eval_t *e, contract_obj_t *o, const node_t *cl)
{
    contract_t *c = o->c;
    sla_cap_t *k = realloc(c->sla_caps, (c->ncaps + 1) * sizeof *k);
    if (k) c->sla_caps = k;
    if (!k || !remember(&o->cap_nodes, c->ncaps, cl)) { eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
    k = &c->sla_caps[c->ncaps];
    memset(k, 0, sizeof *k);
    if (!(k->amount = expect_num(e, cl->a, "an SLA credit cap"))) return 0;
    c->ncaps++;
    if (value_is_dimensionless(k->amount)) return check_share(e, k->amount, AST_LOC(cl->a), "an SLA credit cap", "30%");
    if (mpq_sgn(k->amount->u.num.q) < 0) { eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "an SLA credit cap cannot be negative"); return 0; }
    return 1;
}

/* rate [a, b] = graduated { ... }: the first SKU (already added) holds the ladder; the
 * others get their own copy of its terms and walk it with it. */
static int share_ladder(eval_t *e, contract_obj_t *o, const node_t *cl)
{
    contract_t *c = o->c;
    size_t first = c->nskus - 1;
    c->skus[first].ladder = first + 1;
    for (const node_t *n = cl->list2->next; n; n = n->next) {
        sku_terms_t *s = sku_slot(e, o, n->text, AST_LOC(n), 1);
        if (!s) return 0;
        if (!remember(&o->rate_nodes, c->nskus - 1, cl) || !remember(&o->reserve_nodes, c->nskus - 1, NULL) ||
            !(s->tiers = calloc(c->skus[first].ntiers, sizeof *s->tiers))) {
            eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory");
            return 0;
        }
        const sku_terms_t *f = &c->skus[first];
        s->kind = f->kind;
        s->cumulative = f->cumulative;
        s->ladder = first + 1;
        s->start = f->start ? value_ref(f->start) : NULL;
        for (; s->ntiers < f->ntiers; s->ntiers++) {
            s->tiers[s->ntiers] = f->tiers[s->ntiers];
            value_ref(s->tiers[s->ntiers].rate);
            if (s->tiers[s->ntiers].upto) value_ref(s->tiers[s->ntiers].upto);
        }
    }
    return 1;
}

/* `, trued up yearly` after a commit (cl's previous clause, prev) makes it a commitment per
 * contract year: it leaves the monthly minimums for the contract's one yearly true-up. */
static int contract_trueup(eval_t *e, contract_obj_t *o, const node_t *prev, const node_t *cl)
{
    contract_t *c = o->c;
    sku_terms_t *sk = prev && prev == o->usage_commit ? &c->skus[o->usage_sku] : NULL;
    const char *why = strcmp(cl->text, "up") ? "write `trued up yearly`"
                      : !prev || prev->kind != C_COMMIT || prev->flag ? "`trued up yearly` qualifies the commit just before it: "
                                                                    "commit 120 million USD per year, trued up yearly"
                      : prev->b || prev->c ? "a commitment trued up yearly runs over the whole term: it takes no `from` or `until`"
                      : sk && (sk->commit_yearly || sk->ncommits > 1) ? "a SKU's commitment trued up yearly is its only one"
                      : !sk && (c->trueup || prev == o->trueup_node) ? "a contract has one commitment trued up yearly" : NULL;
    if (why) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "%s", why); return 0; }
    if (sk) { sk->commit_yearly = 1; return 1; }
    c->trueup_escalates = c->commits[--c->ncommits].escalates;
    c->trueup = c->commits[c->ncommits].amount;
    o->trueup_node = prev;
    return 1;
}

/* `list_prices = { SKU = PRICE }`, the published prices FOCUS output sets beside the
 * contract's (ListUnitPrice): each names a rate of the contract and is an exact price in
 * that rate's units. A price left out silently would make a savings figure wrong. */
static int contract_list_prices(eval_t *e, const contract_obj_t *o)
{
    const node_t *n = o->list_prices_node;
    const value_t *lp = n ? value_record_get(o->fields, "list_prices") : NULL;
    if (!n) return 1;
    if (!lp || lp->kind != V_RECORD) {
        eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "list_prices is a record of list prices by rate: "
                  "list_prices = { gpu_hour = aws_h100_8x_hourly / (8 gpu) }");
        return 0;
    }
    units_t *u = e->sh->units;
    for (size_t i = 0; i < lp->u.rec.n; i++) {
        const char *sku = lp->u.rec.keys[i];
        const value_t *p = lp->u.rec.vals[i];
        size_t s = sku_index(o, sku);
        if (s == o->c->nskus) {
            eval_fail(e, AST_LOC(n->a), DIAG_NAME, "list_prices gives `%s`: the contract has no such rate", sku);
            hint_sku(e, o->c, sku);
            return 0;
        }
        const value_t *r = engine_sku_rate(&o->c->skus[s]);
        if (p->kind == V_NUM && value_is_approx(p)) {
            eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "the list price of `%s` must be exact, not approximate", sku);
            return 0;
        }
        if (p->kind != V_NUM || r->kind != V_NUM || p->u.num.dim_id != r->u.num.dim_id) {
            uterm_t tp, tr;
            if (p->kind == V_NUM) value_display_unit(u, p, &tp);
            if (r->kind == V_NUM) value_display_unit(u, r, &tr);
            char *up = p->kind == V_NUM ? uterm_format(u, &tp) : NULL, *ur = r->kind == V_NUM ? uterm_format(u, &tr) : NULL;
            if (up) eval_fail(e, AST_LOC(n->a), DIAG_UNIT, "the list price of `%s` is in %s, its rate in %s", sku, up, ur ? ur : "?");
            else eval_fail(e, AST_LOC(n->a), DIAG_UNIT, "the list price of `%s` must be a price, not a %s", sku, value_kind_name(p));
            if (e->err && up) diag_set_hint(e->err, "give it in %s, as the rate: a price per instance divided by what one holds, "
                                      "such as aws_h100_8x_hourly / (8 gpu)", ur ? ur : "the rate's unit");
            free(up);
            free(ur);
            return 0;
        }
    }
    return 1;
}

/* `, escalating` after a commit or fee (prev) makes its amount follow the escalator. */
static int contract_escalating(eval_t *e, contract_obj_t *o, const node_t *prev, const node_t *cl)
{
    contract_t *c = o->c;
    commit_step_t *step = !prev || prev->kind != C_COMMIT || prev == o->usage_commit || prev == o->trueup_node ? NULL
                          : prev->flag ? &c->fees[c->nfees - 1] : &c->commits[c->ncommits - 1];
    const char *why = prev && prev == o->usage_commit ? "a commitment in usage is billed at its SKU's rate, which the escalator raises already"
                      : !step && (!prev || prev != o->trueup_node) ? "`escalating` qualifies the commit or fee just before it: "
                                                          "commit 10 million USD per month, escalating"
                      : (step ? step->escalates : c->trueup_escalates) ? "`escalating` twice" : NULL;
    if (why) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "%s", why); return 0; }
    if (step) step->escalates = 1;
    else c->trueup_escalates = 1;
    o->escalating_node = cl;
    return 1;
}

static int mentions(const node_t *n, const char *name);

/* The SKU a commit line names (commit 500000 gpu_hour per month), or nskus. */
static size_t commit_sku(const contract_t *c, const node_t *amount)
{
    size_t s = 0;
    while (s < c->nskus && !mentions(amount, c->skus[s].sku)) s++;
    return s;
}

/* One unit of what SKU s's rate prices, 1 gpu*hour for a rate in USD/(gpu*hour): the
 * value of the SKU's name in a commit line. NULL when the rate is no currency per unit. */
static value_t *sku_unit(eval_t *e, const sku_terms_t *sk)
{
    units_t *u = e->sh->units;
    const value_t *r = sk->kind == PRICE_FLAT ? sk->rate : sk->tiers[0].rate;
    int money = -1;
    for (int d = 0; d < units_dimension_count(u); d++)
        if (value_dim(r)->e[d] == 1 && units_is_currency(u, d)) money = d;
    if (money < 0 || units_base_of(u, money) < 0) return NULL;
    dim_t md, qd;
    uterm_t mu, qu;
    memset(&md, 0, sizeof md);
    md.e[money] = 1;
    uterm_single(&mu, units_base_of(u, money));
    dim_combine(&qd, &md, value_dim(r), -1);
    uterm_combine(u, &qu, &mu, value_disp(r), -1);
    mpq_t one;
    mpq_init(one);
    uterm_factor(u, &qu, one);
    value_t *v = value_quantity(one, &qd, &qu);
    mpq_clear(one);
    return v;
}

/* A commit or fee line's `from` and `until` into its step. */
static int dated(eval_t *e, const node_t *cl, commit_step_t *cs, const char *what)
{
    if (cl->b && !(cs->has_from = expect_date(e, cl->b, "`from`", &cs->from))) return 0;
    if (cl->c && !(cs->has_until = expect_date(e, cl->c, "`until`", &cs->until))) return 0;
    if (cs->has_from && cs->has_until && cs->until <= cs->from) {
        eval_fail(e, AST_LOC(cl->c), DIAG_RUNTIME, "this %s ends before it begins", what);
        return 0;
    }
    return 1;
}

/* A commitment in a SKU's usage: `commit 80% of reserved SKU`, a share of its reservation,
 * or `commit 500000 SKU per month`, where the SKU's name stands for one unit of what its
 * rate prices (it wins over a unit or name of the same spelling on this line). */
static int contract_usage_commit(eval_t *e, contract_obj_t *o, const node_t *cl)
{
    contract_t *c = o->c;
    size_t s = cl->text ? sku_index(o, cl->text) : commit_sku(c, cl->a);
    if (s == c->nskus) { eval_fail(e, AST_LOC(cl), DIAG_NAME, "commit ... of reserved `%s`: the contract has no rate `%s` above this line", cl->text, cl->text); return 0; }
    sku_terms_t *sk = &c->skus[s];
    for (size_t t = s + 1; !cl->text && t < c->nskus; t++)
        if (mentions(cl->a, c->skus[t].sku)) { eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "a commitment in usage names one SKU, not `%s` and `%s`", sk->sku, c->skus[t].sku); return 0; }
    const char *why = sk->kind != PRICE_FLAT ? "a commitment in usage needs a flat rate for `%s`"
                      : sk->commit_yearly ? "`%s` has a commitment trued up yearly already"
                      : sk->commit_share || (cl->text && sk->ncommits) ? "`%s` has a commitment in usage already" : NULL;
    if (why) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, why, sk->sku); return 0; }
    if (!o->usage_commit_nodes[s]) o->usage_commit_nodes[s] = cl;
    o->usage_commit = cl;
    o->usage_sku = s;
    if (cl->text)
        return (sk->commit_share = expect_num(e, cl->a, "a commitment's share")) &&
               check_share(e, sk->commit_share, AST_LOC(cl->a), "a commitment's share of a reservation", "80%");
    value_t *unit = sku_unit(e, sk);
    scope_t *mark = e->scope;
    if (!unit || !eval_scope_push(e, sk->sku, value_ref(unit))) {
        value_free(unit);
        eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "the rate of `%s` is no currency per unit", sk->sku);
        return 0;
    }
    value_t *v = expect_num(e, cl->a, "a commitment");
    eval_scope_pop_to(e, mark);
    int hour = units_find(e->sh->units, "hour");
    dim_t per_time = *value_dim(unit);
    if (hour >= 0) dim_combine(&per_time, value_dim(unit), &units_get(e->sh->units, hour)->dim, -1);
    if (v && v->u.num.dim_id != unit->u.num.dim_id && !dim_eq(value_dim(v), &per_time)) {
        char *d = uterm_format(e->sh->units, value_disp(unit));
        eval_fail(e, AST_LOC(cl->a), DIAG_UNIT, "a commitment in the usage of `%s` is so much of its unit (%s) per month: "
                  "commit 500000 %s per month", sk->sku, d ? d : "?", sk->sku);
        free(d);
        value_free(v);
        v = NULL;
    }
    value_free(unit);
    if (!v) return 0;
    if (mpq_sgn(v->u.num.q) < 0) { value_free(v); eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "a commitment cannot be negative"); return 0; }
    commit_step_t *cs = realloc(sk->commits, (sk->ncommits + 1) * sizeof *cs);
    if (!cs) { value_free(v); eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
    sk->commits = cs;
    cs = &cs[sk->ncommits++];
    memset(cs, 0, sizeof *cs);
    cs->amount = v;
    return dated(e, cl, cs, "commitment");
}

static int contract_clause(eval_t *e, contract_obj_t *o, const node_t *cl, int *has_start, int *has_end, value_t **term)
{
    contract_t *c = o->c;
    switch (cl->kind) {
    case C_FIELD: {
        if (value_record_get(o->fields, cl->text)) { eval_fail(e, AST_LOC(cl), DIAG_NAME, "`%s` is set twice", cl->text); return 0; }
        value_t *v = contract_field(e, cl);
        if (!v) return 0;
        if (!strcmp(cl->text, "start") || !strcmp(cl->text, "end")) {
            if (v->kind != V_DATE) { value_free(v); eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "%s must be a date such as 2026-12-01", cl->text); return 0; }
            if (cl->text[0] == 's') { c->start = v->u.date; *has_start = 1; } else { c->end = v->u.date; *has_end = 1; }
        } else if (!strcmp(cl->text, "term")) {
            *term = value_ref(v);
        } else if (!strcmp(cl->text, "month")) {
            if (!contract_month(e, c, v, AST_LOC(cl->a))) { value_free(v); return 0; }
        } else if (!strcmp(cl->text, "list_prices")) {
            o->list_prices_node = cl;
        } else if (!strcmp(cl->text, "upfront")) {
            o->upfront_node = cl;
            c->upfront = value_ref(v);
        } else if (!strcmp(cl->text, "upfront_date")) {
            if (v->kind != V_DATE) { value_free(v); eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "upfront_date must be a date such as 2027-01-01"); return 0; }
            c->upfront_on = v->u.date;
            o->upfront_date_node = cl;
        } else if (!strcmp(cl->text, "billing")) {
            c->period_months = v->u.s[0] == 'q' ? 3 : v->u.s[0] == 'y' ? 12 : 1;
            c->weekly = v->u.s[0] == 'w';
        } else if (!strcmp(cl->text, "commitment_basis")) {
            c->commit_on_gross = !strcmp(v->u.s, "gross");
        } else if (!strcmp(cl->text, "sla_basis")) {
            c->sla_on_invoice = !strcmp(v->u.s, "invoice");
        } else if (!strcmp(cl->text, "commit")) {
            commit_step_t *cs = realloc(c->commits, (c->ncommits + 1) * sizeof *cs);
            if (cs) c->commits = cs;
            if (!cs || !remember(&o->commit_nodes, c->ncommits, cl)) { value_free(v); eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
            c->commits = cs;
            memset(&cs[c->ncommits], 0, sizeof *cs);
            cs[c->ncommits++].amount = value_ref(v);
        }
        return value_record_set(o->fields, cl->text, v);
    }
    case C_RATE: case C_TIERS: {
        sku_terms_t *s = sku_slot(e, o, cl->text, AST_LOC(cl), 1);
        if (!s) return 0;
        if (!remember(&o->rate_nodes, c->nskus - 1, cl) || !remember(&o->reserve_nodes, c->nskus - 1, NULL) ||
            !remember(&o->usage_commit_nodes, c->nskus - 1, NULL)) {
            eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory");
            return 0;
        }
        if (cl->kind == C_TIERS) return add_tiers(e, s, cl) && (!cl->list2 || share_ladder(e, o, cl));
        s->kind = PRICE_FLAT;
        return (s->rate = expect_num(e, cl->a, "a rate")) != NULL;
    }
    case C_COMMIT: {
        if (!cl->flag && (cl->text || commit_sku(c, cl->a) < c->nskus)) return contract_usage_commit(e, o, cl);
        /* commit (a minimum) and fee (a fixed charge): monthly amounts in force by date */
        commit_step_t **steps = cl->flag ? &c->fees : &c->commits;
        size_t *n = cl->flag ? &c->nfees : &c->ncommits;
        commit_step_t *cs = realloc(*steps, (*n + 1) * sizeof *cs);
        if (cs) *steps = cs;
        if (!cs || !remember(cl->flag ? &o->fee_nodes : &o->commit_nodes, *n, cl)) { eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
        cs = &cs[*n];
        memset(cs, 0, sizeof *cs);
        if (!(cs->amount = expect_num(e, cl->a, cl->flag ? "a fee" : "a commitment"))) return 0;
        (*n)++;
        if (!cl->flag && !guards_commit(e, cs->amount, cl->a)) return 0;
        return dated(e, cl, cs, cl->flag ? "fee" : "commitment");
    }
    case C_RESERVE: {
        sku_terms_t *s = sku_slot(e, o, cl->text, AST_LOC(cl), 0);
        if (!s) return 0;
        if (s->reserved) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "`%s` is reserved twice", cl->text); return 0; }
        o->reserve_nodes[s - c->skus] = cl;
        const node_t *amount = cl->a;
        if ((s->windows_per_hour = reserve_window(amount))) amount = amount->a;
        if (!(s->reserved = expect_num(e, amount, "a reserved quantity"))) return 0;
        return !cl->b || (s->overage = expect_num(e, cl->b, "an overage rate")) != NULL;
    }
    case C_PLAN: return contract_plan(e, o, cl);
    case C_DISCOUNT: {
        discount_t *d = realloc(c->discounts, (c->ndiscounts + 1) * sizeof *d);
        if (d) c->discounts = d;
        if (!d || !remember(&o->discount_nodes, c->ndiscounts, cl)) { eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
        d = &c->discounts[c->ndiscounts];
        memset(d, 0, sizeof *d);
        if (!(d->pct = expect_num(e, cl->a, "a discount"))) return 0;
        c->ndiscounts++;
        if (!check_share(e, d->pct, AST_LOC(cl->a), "a discount", "5%")) return 0;
        if (!cl->b) return 1;
        if (!(d->above = expect_num(e, cl->b, "a spend threshold"))) return 0;
        if (mpq_sgn(d->above->u.num.q) < 0) { eval_fail(e, AST_LOC(cl->b), DIAG_RUNTIME, "a spend threshold cannot be negative"); return 0; }
        return 1;
    }
    case C_ESCALATE: {
        if (c->escalate && !cl->list2) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "only one escalator per contract"); return 0; }
        value_t *v = expect_num(e, cl->a, "an escalator");
        if (!v) return 0;
        if (cl->list2) {   /* its SKUs are known once the whole contract is read */
            value_t **vs = realloc(o->sku_escalators, (o->nsku_escalators + 1) * sizeof *vs);
            if (vs) o->sku_escalators = vs;
            if (!vs || !remember(&o->sku_escalate_nodes, o->nsku_escalators, cl)) { value_free(v); eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
            o->sku_escalators[o->nsku_escalators++] = v;
        } else {
            o->escalate_node = cl;
            c->escalate = v;
        }
        if (!value_is_dimensionless(v)) { eval_fail(e, AST_LOC(cl->a), DIAG_UNIT, "an escalator is a percentage such as 3%%"); return 0; }
        return guards_ratio(e, v, AST_LOC(cl->a), "an escalator");
    }
    case C_CREDIT: {
        if (cl->flag) return contract_cap(e, o, cl);
        value_t **p = realloc(c->sla_pcts, (c->nsla + 1) * sizeof *p);
        const node_t **conds = p ? realloc(o->sla_conds, (c->nsla + 1) * sizeof *conds) : NULL;
        if (p) c->sla_pcts = p;
        if (conds) o->sla_conds = conds;
        if (!conds || !remember(&o->credit_nodes, c->nsla, cl)) { eval_fail(e, AST_LOC(cl), DIAG_LIMIT, "out of memory"); return 0; }
        if (!(c->sla_pcts[c->nsla] = expect_num(e, cl->a, "an SLA credit"))) return 0;
        o->sla_conds[c->nsla++] = cl->b;
        const value_t *pct = c->sla_pcts[c->nsla - 1];
        return check_share(e, pct, AST_LOC(cl->a), "an SLA credit", "10%");
    }
    case C_POOL:
        if (c->pool) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "only one credit pool per contract"); return 0; }
        o->pool_node = cl;
        if (!(c->pool = expect_num(e, cl->a, "a credit pool"))) return 0;
        if (mpq_sgn(c->pool->u.num.q) < 0) { eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "a credit pool cannot be negative"); return 0; }
        return 1;
    case C_ROUND:
        if (o->round_node) { eval_fail(e, AST_LOC(cl), DIAG_RUNTIME, "only one rounding rule per contract"); return 0; }
        o->round_node = cl;
        c->rounding = cl->op == ROUND_LINES ? CONTRACT_ROUND_LINES : cl->op == ROUND_NONE ? CONTRACT_ROUND_NONE
                                                                                      : CONTRACT_ROUND_INVOICE;
        if (cl->a && !(c->quantum = expect_num(e, cl->a, "a rounding quantum"))) return 0;
        if (c->quantum && mpq_sgn(c->quantum->u.num.q) <= 0) { eval_fail(e, AST_LOC(cl->a), DIAG_RUNTIME, "the rounding quantum must be positive"); return 0; }
        if (cl->b && !value_round_mode_parse(cl->b->text, &c->mode)) {
            eval_fail(e, AST_LOC(cl->b), DIAG_RUNTIME, "unknown rounding mode `%s`", cl->b->text);
            diag_set_hint(e->err, "use half_even, half_up, half_down, up, down, ceiling or floor");
            return 0;
        }
        return 1;
    default:
        eval_fail(e, AST_LOC(cl), DIAG_SYNTAX, "unexpected %s in a contract", ast_kind_name(cl->kind));
        return 0;
    }
}

/* The SKUs a clause names (`on x`, `on [x, y]`) as a set, in the contract's order; a name
 * the contract does not price is an error with the closest name as a hint. */
static int resolve_scope(eval_t *e, const contract_obj_t *o, const node_t *names, const char *what, sku_set_t *out)
{
    const contract_t *c = o->c;
    size_t n = ast_count(names), len = 1;
    if (!n) return 1;
    if (!(out->idx = calloc(n, sizeof *out->idx))) { eval_fail(e, AST_LOC(names), DIAG_LIMIT, "out of memory"); return 0; }
    for (const node_t *x = names; x; x = x->next) {
        size_t i = sku_index(o, x->text), j = out->n;
        if (i == c->nskus) {
            eval_fail(e, AST_LOC(x), DIAG_NAME, "%s on `%s`: the contract has no such rate", what, x->text);
            hint_sku(e, c, x->text);
            return 0;
        }
        for (size_t k = 0; k < out->n; k++)
            if (out->idx[k] == i) { eval_fail(e, AST_LOC(x), DIAG_NAME, "`%s` is named twice", x->text); return 0; }
        for (; j > 0 && out->idx[j - 1] > i; j--) out->idx[j] = out->idx[j - 1];
        out->idx[j] = i;
        out->n++;
        len += strlen(x->text) + 1;
    }
    if (!(out->label = calloc(len, 1))) { eval_fail(e, AST_LOC(names), DIAG_LIMIT, "out of memory"); return 0; }
    for (size_t k = 0; k < out->n; k++) {
        if (k) strcat(out->label, "+");
        strcat(out->label, c->skus[out->idx[k]].sku);
    }
    return 1;
}

/* (1 + e)^year for every year of the term must stay a number GMP can hold. */
static int check_compounding(eval_t *e, const contract_t *c, const value_t *escalate, const node_t *at)
{
    mpq_t f;
    mpq_init(f);
    mpq_set_ui(f, 1, 1);
    mpq_add(f, f, escalate->u.num.q);
    size_t years = (size_t)(c->end - c->start) / 365 + 2;
    if (mpq_sgn(f) <= 0) eval_fail(e, AST_LOC(at), DIAG_RUNTIME, "an escalator must be above -100%%");
    else if (!value_size_ok(value_bits(f) * years))
        eval_fail(e, AST_LOC(at), DIAG_LIMIT, "this escalator compounds past the size of numbers Outlay can hold");
    mpq_clear(f);
    return !e->err;
}

/* Discounts, escalators, SLA credits and caps `on` SKUs, once all the rates are read. */
static int resolve_scopes(eval_t *e, contract_obj_t *o)
{
    contract_t *c = o->c;
    for (size_t i = 0; i < c->ndiscounts; i++)
        if (!resolve_scope(e, o, o->discount_nodes[i]->list2, "discount", &c->discounts[i].on)) return 0;
    for (size_t b = 0; b < c->nsla && !c->sla_on; b++)
        if (o->credit_nodes[b]->list2 && !(c->sla_on = calloc(c->nsla, sizeof *c->sla_on))) {
            eval_fail(e, AST_LOC(o->credit_nodes[b]), DIAG_LIMIT, "out of memory");
            return 0;
        }
    for (size_t b = 0; c->sla_on && b < c->nsla; b++)
        if (!resolve_scope(e, o, o->credit_nodes[b]->list2, "credit", &c->sla_on[b])) return 0;
    for (size_t k = 0; k < c->ncaps; k++)
        if (!resolve_scope(e, o, o->cap_nodes[k]->list2, "credit cap", &c->sla_caps[k].on)) return 0;
    for (size_t i = 0; i < o->nsku_escalators; i++) {
        const node_t *cl = o->sku_escalate_nodes[i];
        sku_set_t on = { NULL, 0, NULL };
        int ok = resolve_scope(e, o, cl->list2, "escalate", &on) && check_compounding(e, c, o->sku_escalators[i], cl);
        for (const node_t *x = cl->list2; ok && x; x = x->next) {
            sku_terms_t *s = &c->skus[sku_index(o, x->text)];
            if (s->escalate) ok = (eval_fail(e, AST_LOC(x), DIAG_RUNTIME, "`%s` has two escalators", s->sku), 0);
            else s->escalate = value_ref(o->sku_escalators[i]);
        }
        contract_set_free(&on);
        if (!ok) return 0;
    }
    return 1;
}

/* term = 36 month: whole months of the 730-hour pricing month are calendar months here. */
static int contract_term(eval_t *e, contract_t *c, value_t *term, const loc_t *loc)
{
    int month = units_find(e->sh->units, "month");
    if (month < 0 || term->kind != V_NUM || !dim_eq(value_dim(term), &units_get(e->sh->units, month)->dim)) {
        eval_fail(e, loc, DIAG_UNIT, "term must be a number of months, such as 36 month");
        return 0;
    }
    mpq_t m;
    mpq_init(m);
    mpq_div(m, term->u.num.q, units_get(e->sh->units, month)->factor);
    int ok = mpz_cmp_ui(mpq_denref(m), 1) == 0 && mpz_sgn(mpq_numref(m)) > 0 && mpz_cmp_ui(mpq_numref(m), 1200) <= 0;
    if (ok) c->end = dates_add_months(c->start, (long)mpz_get_ui(mpq_numref(m)));
    else eval_fail(e, loc, DIAG_RUNTIME, "term must be a whole number of months from 1 to 1200");
    if (ok && !dates_in_range(c->end)) { eval_fail(e, loc, DIAG_RUNTIME, "the term ends after 9999-12-31"); ok = 0; }
    mpq_clear(m);
    return ok;
}

struct touched_ctx { const deps_touched_t *t; int hit; };
static void note_touched(const char *name, void *ctx)
{
    struct touched_ctx *c = ctx;
    if (!c->hit) c->hit = deps_name_touched(c->t, name);
}

/* A re-run's contract: its parent's, when the re-run's change touches none of the terms.
 * An SLA band's condition is not a term (it is evaluated as each period is priced, in the
 * workload's scope), so a sweep of what only conditions read keeps the contract. NULL
 * when it must be built again. */
static value_t *parent_contract(eval_t *e, const node_t *n)
{
    if (!e->rerun || !e->touched || !e->parent) return NULL;
    binding_t *b = eval_global_visible(e->parent, n->text);
    if (!b || b->def != n || b->value->kind != V_OBJECT || b->value->u.obj.type != &terms_contract_type) return NULL;
    struct touched_ctx c = { e->touched, 0 };
    for (const node_t *cl = n->list; cl && !c.hit; cl = cl->next) {
        if (cl->kind == C_FIELD) note_touched(cl->text, &c);   /* a field can be set by name */
        deps_each_read(cl->a, note_touched, &c);
        if (cl->kind != C_CREDIT) deps_each_read(cl->b, note_touched, &c);
        deps_each_read(cl->c, note_touched, &c);   /* also list2 */
        deps_each_read(cl->list, note_touched, &c);
    }
    return c.hit ? NULL : value_ref(b->value);
}

value_t *terms_contract(eval_t *e, const node_t *n)
{
    value_t *same = parent_contract(e, n);
    if (same) return same;
    contract_obj_t *o = calloc(1, sizeof *o);
    if (o) o->c = calloc(1, sizeof *o->c);
    if (o && o->c) o->fields = value_record("contract");
    if (o && o->fields) o->skus = strmap_new();
    if (!o || !o->c || !o->fields || !o->skus) {
        if (o) { free(o->c); value_free(o->fields); free(o); }
        return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory");
    }
    if (!(o->c->name = strdup(n->text))) { contract_obj_free(o); return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory"); }
    o->c->rounding = CONTRACT_ROUND_INVOICE;
    o->c->mode = RM_HALF_EVEN;
    int has_start = 0, has_end = 0;
    value_t *term = NULL;
    const node_t *term_node = n;
    /* qualifiers (trued up yearly, escalating) qualify the clause before them all */
    for (const node_t *cl = n->list, *prev = NULL; cl; cl = cl->next) {
        if (cl->kind == C_FIELD && !strcmp(cl->text, "term")) term_node = cl;
        if (!(cl->kind == C_TRUEUP ? contract_trueup(e, o, prev, cl)
              : cl->kind == C_ESCALATING ? contract_escalating(e, o, prev, cl)
              : contract_clause(e, o, cl, &has_start, &has_end, &term))) break;
        if (cl->kind != C_TRUEUP && cl->kind != C_ESCALATING) prev = cl;
    }
    for (size_t s = 0; !e->err && s < o->c->nskus; s++)
        if (o->c->skus[s].commit_share && !o->c->skus[s].reserved)
            eval_fail(e, AST_LOC(o->usage_commit_nodes[s]), DIAG_RUNTIME, "`%s` has no reservation to commit a share of: add `reserve %s = QUANTITY`",
                      o->c->skus[s].sku, o->c->skus[s].sku);
    if (!e->err && o->escalating_node && !o->c->escalate)
        eval_fail(e, AST_LOC(o->escalating_node), DIAG_RUNTIME, "`escalating` needs the contract's escalator: escalate 3%% yearly");
    if (!e->err) contract_list_prices(e, o);
    if (!e->err && !has_start) eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "contract %s needs a start date (start = 2026-12-01)", n->text);
    if (!e->err && has_end && term) eval_fail(e, AST_LOC(term_node), DIAG_RUNTIME, "give either a term or an end date, not both");
    if (!e->err && !has_end && !term) eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "contract %s needs a term (term = 12 month) or an end date", n->text);
    if (!e->err && term) contract_term(e, o->c, term, AST_LOC(term_node));
    if (!e->err && o->c->end <= o->c->start) guards_term_order(e, n, o->c->start, o->c->end);
    if (!e->err) guards_contract(e, o->c, o->rate_nodes);
    if (!e->err && !o->upfront_date_node) o->c->upfront_on = o->c->start;   /* paid when the term starts */
    if (!e->err && o->upfront_date_node && !o->c->upfront)
        eval_fail(e, AST_LOC(o->upfront_date_node), DIAG_RUNTIME, "upfront_date without an upfront payment");
    if (!e->err && o->c->upfront && (o->c->upfront_on < o->c->start || o->c->upfront_on >= o->c->end))
        eval_fail(e, AST_LOC((o->upfront_date_node ? o->upfront_date_node : o->upfront_node)), DIAG_RUNTIME, "the upfront payment must fall within the term");
    if (!e->err) resolve_scopes(e, o);
    if (!e->err && o->c->escalate) check_compounding(e, o->c, o->c->escalate, o->escalate_node);
    if (!e->err) {
        value_record_set(o->fields, "start", value_date(o->c->start));
        value_record_set(o->fields, "end", value_date(o->c->end));
    }
    value_free(term);
    if (e->err) { contract_obj_free(o); return NULL; }
    return value_object(&terms_contract_type, o);
}

/* ---------- workloads ---------- */

value_t *terms_workload_field(eval_t *e, const node_t *wl, const char *name, const loc_t *loc)
{
    scope_t *mark = e->scope;
    value_t *r = NULL;
    for (const node_t *it = wl->list; it && !e->err; it = it->next) {
        value_t *v = it->kind == S_DEF ? scenario_value(e, it->text, it->a) : eval_expr(e, it->a);
        if (!v) break;
        if (!strcmp(it->text, name)) { r = v; break; }
        if (!eval_scope_push(e, it->text, v)) { eval_fail(e, AST_LOC(it), DIAG_LIMIT, "out of memory"); break; }
    }
    eval_scope_pop_to(e, mark);
    if (!r && !e->err) eval_fail(e, loc, DIAG_NAME, "workload %s has no field `%s`", wl->text, name);
    return r;
}

static value_t *period_record(const period_t *p, units_t *u)
{
    value_t *r = value_record("period");
    if (!r) return NULL;
    int hour = units_find(u, "hour");
    value_t *h = hour >= 0 ? value_unit(u, hour) : NULL;
    if (h) mpq_mul(h->u.num.q, h->u.num.q, p->hours);
    value_t *share = value_num(p->month_share);
    if (!value_record_set(r, "start", value_date(p->start)) || !value_record_set(r, "end", value_date(p->end)) ||
        !value_record_set(r, "index", value_num_si(p->index)) || !value_record_set(r, "hours", h) ||
        !value_record_set(r, "share", share)) {
        value_free(r);
        return NULL;
    }
    return r;
}

/* The earlier item of the workload named name (the last before `before`), or NULL. */
static const node_t *earlier_item(const node_t *wl, const node_t *before, const char *name)
{
    const node_t *found = NULL;
    for (const node_t *it = wl->list; it != before; it = it->next)
        if (!strcmp(it->text, name)) found = it;
    return found;
}

/* ---------- what a workload's periods share ---------- */

/* The subexpressions of a workload's items that are the same in every period of one
 * price() call: those that read no name a period changes (period, t, any of the
 * workload's items) and are made of literals, names and operators only (a field may be
 * another workload's item, which reads the period: `other.gpus`). Each is
 * evaluated when first met, as before, and its value is reused in the periods after:
 * `100 gpu + 2 gpu * period.index` makes 100 gpu and 2 gpu once per call, not once per
 * SKU and period. Only the largest such subexpressions are kept. The search stops at
 * anything that binds names (a record literal's fields see its earlier fields). */
struct terms_fold { const node_t **node; value_t **kept; size_t cap; };

static size_t fold_hash(const node_t *n, size_t cap) { return (size_t)(((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15u >> 32) & (cap - 1); }

value_t **terms_fold_slot(const struct terms_fold *f, const node_t *n)
{
    for (size_t i = fold_hash(n, f->cap); f->node[i]; i = (i + 1) & (f->cap - 1))
        if (f->node[i] == n) return &f->kept[i];
    return NULL;
}

/* Parts deeper than this below their item are not kept: the evaluator stops at its own
 * depth limit (eval.c's MAX_DEPTH, 2000) before them, and keeping is only a saving, so a
 * walk down a chain of a million sums stops here instead of overflowing the stack. */
enum { FOLD_DEPTH = 2048 };

/* Adds n to f (counts it in f->cap while f->node is NULL). */
static void fold_add(struct terms_fold *f, const node_t *n)
{
    if (!f->node) { f->cap++; return; }
    size_t i = fold_hash(n, f->cap);
    while (f->node[i] && f->node[i] != n) i = (i + 1) & (f->cap - 1);
    f->node[i] = n;
}

/* Whether expression n, depth levels below its item, is the same in every period; when it
 * is not, its largest parts that are go into f. One walk, each node once: the caller adds
 * n itself (asking each level whether all below it is the same made a chain of n sums
 * cost n^2 / 2 steps). */
static int fold_walk(struct terms_fold *f, const node_t *wl, const node_t *n, int depth)
{
    if (depth > FOLD_DEPTH) return 0;
    switch (n->kind) {
    case E_NUM: case E_STR: case E_BOOL: case E_DATE: return 1;
    case E_IDENT: case E_QUANTITY:   /* a quantity's name, as the name itself */
        return strcmp(n->text, "period") && strcmp(n->text, "t") && !earlier_item(wl, NULL, n->text);
    case E_UNARY: case E_BINOP: case E_IN: case E_IF: case E_FIELD: case E_INDEX: {
        /* a field or an index is not kept (a field may be another workload's item, which
         * reads the period: `other.gpus`), but its parts may be */
        const node_t *part[3] = { n->a, n->b, n->c };
        int same[3], all = n->kind != E_FIELD && n->kind != E_INDEX;
        for (int k = 0; k < 3; k++) all &= same[k] = !part[k] || fold_walk(f, wl, part[k], depth + 1);
        for (int k = 0; k < 3 && !all; k++)
            if (part[k] && same[k]) fold_add(f, part[k]);
        return all;
    }
    case E_CALL: case E_LIST:   /* a call's arguments, a list's items */
        for (const node_t *x = n->list; x; x = x->next)
            if (fold_walk(f, wl, x, depth + 1)) fold_add(f, x);
        return 0;
    default: return 0;
    }
}

/* Adds the largest parts of the workload's items that are the same in every period. */
static void fold_collect(struct terms_fold *f, const node_t *wl)
{
    for (const node_t *it = wl->list; it; it = it->next)
        if (fold_walk(f, wl, it->a, 0)) fold_add(f, it->a);
}

/* The workload's table (NULL when it has nothing to keep, or out of memory). */
static struct terms_fold *fold_new(const node_t *wl)
{
    struct terms_fold count = { NULL, NULL, 0 };
    fold_collect(&count, wl);
    if (!count.cap) return NULL;
    size_t cap = 16;
    while (cap < 2 * count.cap) cap *= 2;
    struct terms_fold *f = malloc(sizeof *f);
    if (f && (f->node = calloc(cap, sizeof *f->node)) && (f->kept = calloc(cap, sizeof *f->kept))) {
        f->cap = cap;
        fold_collect(f, wl);
        return f;
    }
    if (f) free(f->node);
    free(f);
    return NULL;
}

static void fold_free(struct terms_fold *f)
{
    for (size_t i = 0; f && i < f->cap; i++) value_free(f->kept[i]);
    if (f) { free(f->node); free(f->kept); }
    free(f);
}

/* One period's part of a memo (see terms_memo_t): item i takes from[i] where reuse[i], the
 * period's record is period (or made again); keep and keep_period (or NULL) get what the
 * period evaluates. */
typedef struct memo_row {
    value_t *const *from;
    const unsigned char *reuse;
    value_t *period;
    value_t **keep, **keep_period;
} memo_row_t;

/* Evaluates the workload's items for one period (or one hour of it): usage per SKU. The
 * items stay bound for what follows (the SLA conditions); the caller pops them. */
static int workload_items(eval_t *e, const node_t *wl, const contract_obj_t *co, const period_t *p, value_t **usage,
                          const memo_row_t *row)
{
    size_t i = 0;
    for (const node_t *it = wl ? wl->list : NULL; it && !e->err; it = it->next, i++) {
        int reused = row && row->reuse && row->reuse[i];
        value_t *v = reused ? value_ref(row->from[i]) : it->kind == S_DEF ? scenario_value(e, it->text, it->a) : eval_expr(e, it->a);
        if (!v) break;
        if (it->kind == W_USE) {
            size_t s = sku_index(co, it->text);
            if (s == co->c->nskus) {
                value_free(v);
                eval_fail(e, AST_LOC(it), DIAG_NAME, "contract %s has no rate `%s`", co->c->name, it->text);
                hint_sku(e, co->c, it->text);
                break;
            }
            if (usage[s]) { value_free(v); eval_fail(e, AST_LOC(it), DIAG_NAME, "`use %s` appears twice", it->text); break; }
            if (v->kind == V_LIST && !reused) {
                /* a list gives the usage period by period */
                if ((size_t)p->index >= v->u.list.n) {
                    eval_fail(e, AST_LOC(it->a), DIAG_RUNTIME, "`use %s` lists %zu periods but the contract has more", it->text, v->u.list.n);
                    value_free(v);
                    break;
                }
                value_t *one = value_ref(v->u.list.items[p->index]);
                value_free(v);
                v = one;
            }
            usage[s] = value_ref(v);
        }
        if (row && row->keep) row->keep[i] = value_ref(v);
        if (!eval_scope_push(e, it->text, v)) { eval_fail(e, AST_LOC(it), DIAG_LIMIT, "out of memory"); break; }
    }
    return !e->err;
}

/* The time since the contract's start of hour h, a workload's t. */
static value_t *hour_value(units_t *u, size_t h)
{
    int hour = units_find(u, "hour");
    value_t *v = hour >= 0 ? value_unit(u, hour) : NULL;
    if (v) {
        mpq_t k;
        mpq_init(k);
        mpq_set_ui(k, (unsigned long)h, 1);
        mpq_mul(v->u.num.q, v->u.num.q, k);
        mpq_clear(k);
    }
    return v;
}

/* Binds period (and t, at hour t_hour, for a workload over hours) for what follows. */
static int bind_period(eval_t *e, const node_t *wl, const period_t *p, int over_hours, size_t t_hour, const memo_row_t *row)
{
    value_t *pr = row && row->period ? value_ref(row->period) : period_record(p, e->sh->units);
    if (pr && row && row->keep_period) *row->keep_period = value_ref(pr);
    if (!pr || !eval_scope_push(e, "period", pr) ||
        (over_hours && !eval_scope_push(e, "t", hour_value(e->sh->units, t_hour)))) {
        eval_fail(e, wl ? AST_LOC(wl) : NULL, DIAG_LIMIT, "out of memory");
        return 0;
    }
    return 1;
}

/* Evaluates the workload for one period: usage per SKU and which SLA bands hold. A
 * workload over hours sees t at the period's start. With usage from an export (wl NULL)
 * only the SLA conditions are evaluated. */
static int workload_period(eval_t *e, const node_t *wl, const contract_obj_t *co, const period_t *p, int over_hours,
                           size_t first_hour, value_t **usage, int *sla_hit, const memo_row_t *row)
{
    scope_t *mark = e->scope;
    if (!bind_period(e, wl, p, over_hours, first_hour, row)) return 0;
    workload_items(e, wl, co, p, usage, row);
    for (size_t b = 0; b < co->c->nsla && !e->err; b++) {
        value_t *c = eval_expr(e, co->sla_conds[b]);
        if (!c) break;
        if (c->kind != V_BOOL) eval_fail(e, AST_LOC(co->sla_conds[b]), DIAG_RUNTIME, "an SLA condition must be true or false");
        else sla_hit[b] = c->u.b;
        value_free(c);
    }
    eval_scope_pop_to(e, mark);
    if (wl) guards_period_note(e, wl->text, p->start, p->end, (long)p->index);
    return !e->err;
}

/* Whether an expression (or any in its chains) names `name`. */
static int mentions(const node_t *n, const char *name)
{
    for (; n; n = n->next)
        for (const node_t *x = n; x; x = x->a) {   /* down a's in a loop: chains of sums nest there */
            if ((x->kind == E_IDENT || x->kind == E_QUANTITY) && !strcmp(x->text, name)) return 1;
            if ((x != n && mentions(x->next, name)) || mentions(x->b, name) || mentions(x->c, name) || mentions(x->list, name))   /* c is also list2 */
                return 1;
        }
    return 0;
}

static const node_t *use_node(const node_t *wl, const char *sku)
{
    for (const node_t *it = wl->list; it; it = it->next)
        if (it->kind == W_USE && !strcmp(it->text, sku)) return it->a;
    return wl;
}

/* What the first hour's usage of a SKU was: its dimensions, and whether a level. */
typedef struct hour_kind { dim_t dim; int level; } hour_kind_t;

/* One hour's usage of SKU s into the hourly table: a quantity as it is, a level (8 vm)
 * for the whole hour. Every hour's usage must have the same dimensions as the first. */
static int store_hour(eval_t *e, const node_t *wl, const contract_obj_t *co, size_t s, size_t h, const value_t *v,
                      contract_hours_t *hours, hour_kind_t *kind)
{
    const sku_terms_t *sk = &co->c->skus[s];
    units_t *u = e->sh->units;
    const unit_def_t *hour = units_get(u, units_find(u, "hour"));
    if (v->kind != V_NUM || mpq_sgn(v->u.num.q) < 0) {
        const node_t *at = use_node(wl, sk->sku);
        if (v->kind != V_NUM) eval_fail(e, AST_LOC(at), DIAG_RUNTIME, "usage of %s must be a quantity, not a %s", sk->sku, value_kind_name(v));
        else eval_fail(e, AST_LOC(at), DIAG_RUNTIME, "usage of %s is negative in hour %zu", sk->sku, h);
        return 0;
    }
    if (!hours->has[s]) {
        const value_t *rate = sk->kind == PRICE_FLAT ? sk->rate : sk->tiers[0].rate;
        dim_t d = *value_dim(v), per_time, level;
        kind[s].dim = d;
        kind[s].level = dim_combine(&per_time, &d, value_dim(rate), 1) && dim_single(&per_time) < 0 &&
                        dim_combine(&level, &d, &hour->dim, 1) && dim_combine(&per_time, &level, value_dim(rate), 1) &&
                        dim_single(&per_time) >= 0;
        if (kind[s].level) d = level;   /* a level, run for the hour */
        hours->has[s] = 1;
        hours->level[s] = (unsigned char)kind[s].level;
        hours->dim[s] = d;
    } else if (!dim_eq(&kind[s].dim, value_dim(v))) {
        eval_fail(e, AST_LOC(use_node(wl, sk->sku)), DIAG_UNIT, "usage of %s changes dimensions in hour %zu", sk->sku, h);
        diag_set_hint(e->err, "a zero needs its unit too: 0 gpu, not 0");
        return 0;
    }
    mpq_t *q = &hours->q[s * hours->nhours + h];
    if (kind[s].level) mpq_mul(*q, v->u.num.q, hour->factor);
    else mpq_set(*q, v->u.num.q);
    return 1;
}

enum { MAX_HOUR_CELLS = 4000000 };

/* A workload over hours (one that names t): evaluated once per hour of the term into
 * the hourly table, built once per price() call. */
static contract_hours_t *workload_hours(eval_t *e, const node_t *wl, const contract_obj_t *co, const period_t *periods,
                                        size_t np, const loc_t *at)
{
    size_t ns = co->c->nskus, nh = (size_t)(co->c->end - co->c->start) * 24;
    if (ns && nh > MAX_HOUR_CELLS / ns) {
        eval_fail(e, at, DIAG_LIMIT, "a workload over hours can cover at most %d SKU-hours (this one %zu x %zu)", MAX_HOUR_CELLS, nh, ns);
        return NULL;
    }
    contract_hours_t *hours = contract_hours_new(ns, nh);
    value_t **usage = calloc(ns + 1, sizeof *usage);
    hour_kind_t *kind = calloc(ns + 1, sizeof *kind);
    if (!hours || !usage || !kind) {
        free(usage); free(kind); contract_hours_free(hours);
        eval_fail(e, at, DIAG_LIMIT, "out of memory");
        return NULL;
    }
    size_t h = 0;
    for (size_t p = 0; p < np && !e->err; p++) {
        size_t end = (size_t)(periods[p].end - co->c->start) * 24;
        for (; h < end && !e->err; h++) {
            scope_t *mark = e->scope;
            if (bind_period(e, wl, &periods[p], 1, h, NULL)) workload_items(e, wl, co, &periods[p], usage, NULL);
            eval_scope_pop_to(e, mark);
            for (size_t s = 0; s < ns; s++) {
                if (usage[s] && !e->err) store_hour(e, wl, co, s, h, usage[s], hours, kind);
                value_free(usage[s]);
                usage[s] = NULL;
            }
        }
    }
    free(usage);
    free(kind);
    if (e->err) { contract_hours_free(hours); return NULL; }
    return hours;
}

/* Where a pricing error belongs: the use line, the clause, or else the price() call. */
static loc_t fault_loc(const contract_obj_t *co, const node_t *wl, const fault_t *f, const node_t *fallback)
{
    const node_t *n = NULL;
    switch (f->kind) {
    case FAULT_USAGE:
        for (const node_t *it = wl ? wl->list : NULL; it && !n; it = it->next)
            if (it->kind == W_USE && !strcmp(it->text, co->c->skus[f->index].sku)) n = it->a;
        break;
    case FAULT_RATE: n = co->rate_nodes[f->index]; break;
    case FAULT_RESERVE: n = co->reserve_nodes[f->index]; break;
    case FAULT_COMMIT: n = co->commit_nodes[f->index]; break;
    case FAULT_FEE: n = co->fee_nodes[f->index]; break;
    case FAULT_DISCOUNT: n = co->discount_nodes[f->index]; break;
    case FAULT_POOL: n = co->pool_node; break;
    case FAULT_ROUND: n = co->round_node; break;
    case FAULT_PLAN: n = co->plan_nodes[f->index]; break;
    case FAULT_UPFRONT: n = co->upfront_node; break;
    case FAULT_TRUEUP: n = co->trueup_node; break;
    case FAULT_CAP: n = co->cap_nodes[f->index]; break;
    case FAULT_USAGE_COMMIT: n = co->usage_commit_nodes[f->index]; break;
    case FAULT_NONE: break;
    }
    return ast_loc(n ? n : fallback);
}

/* ---------- memos for re-runs ---------- */

/* What a price() call of the run that starts sweeps and compares kept for their re-runs:
 * each workload item's value per period, and the engine's state before the SLA credit. A
 * re-run's call at the same place takes an item's value from it when the item's value
 * cannot have changed: it is not overridden (then or now) and every name it reads is an
 * earlier item taken too, `period` (the periods must be the same), or a name the re-run's
 * change does not touch that holds the very value it held then. The engine checks its own
 * part against the terms and usage (contract_price_memo). Kept only when the call's scope
 * is empty (no caller's locals: a function sees only its parameters) and the workload does
 * not run over hours. */
struct terms_memo {
    const node_t *call, *wl;
    value_t *contract;           /* a reference: the engine's memo refers to its terms */
    size_t np, nitems;
    date_t *bounds;              /* each period's start and end */
    value_t **items;             /* [p * nitems + i]: item i's value in period p */
    value_t **periods;           /* each period's record, the workload's `period` */
    unsigned char *overridden;   /* per item */
    const char **names;          /* the names the items read that are not items or period, */
    value_t **held;              /* and the global each held then (a reference), or NULL */
    size_t nnames;
    contract_memo_t *engine;
    terms_memo_t *next;
};

static void memo_free(terms_memo_t *m)
{
    contract_memo_free(m->engine);   /* before the contract whose terms it refers to */
    value_free(m->contract);
    for (size_t i = 0; m->items && i < m->np * m->nitems; i++) value_free(m->items[i]);
    free(m->items);
    for (size_t p = 0; m->periods && p < m->np; p++) value_free(m->periods[p]);
    free(m->periods);
    for (size_t i = 0; i < m->nnames; i++) value_free(m->held[i]);
    free(m->names);
    free(m->held);
    free(m->bounds);
    free(m->overridden);
    free(m);
}

void terms_memo_free(terms_memo_t *m)
{
    for (terms_memo_t *n; m; m = n) { n = m->next; memo_free(m); }
}

/* Whether the program compares or sweeps: only then do price() calls keep memos. */
static int program_reruns(const eval_t *e)
{
    for (size_t i = 0; i < e->sh->nmain; i++)
        for (const node_t *s = e->sh->main[i]; s; s = s->next)
            if (s->kind == S_SWEEP || s->kind == S_COMPARE) return 1;
    return 0;
}

struct held_ctx { eval_t *e; terms_memo_t *m; const node_t *wl, *item; int oom; };
static void note_held(const char *name, void *ctx)
{
    struct held_ctx *h = ctx;
    terms_memo_t *m = h->m;
    if (!strcmp(name, "period") || earlier_item(h->wl, h->item, name)) return;
    for (size_t i = 0; i < m->nnames; i++)
        if (!strcmp(m->names[i], name)) return;
    const char **nm = realloc(m->names, (m->nnames + 1) * sizeof *nm);
    if (nm) m->names = nm;
    value_t **hv = nm ? realloc(m->held, (m->nnames + 1) * sizeof *hv) : NULL;
    if (!hv) { h->oom = 1; return; }
    m->held = hv;
    binding_t *b = eval_global_visible(h->e, name);
    m->names[m->nnames] = name;
    m->held[m->nnames++] = b ? value_ref(b->value) : NULL;
}

/* A memo for a price() call about to run, its items to be filled in; NULL when the call
 * keeps none. */
static terms_memo_t *memo_start(eval_t *e, const node_t *call, const node_t *wl, value_t *contract,
                                const period_t *periods, size_t np)
{
    terms_memo_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->call = call;
    m->wl = wl;
    m->contract = value_ref(contract);
    m->np = np;
    m->nitems = ast_count(wl->list);
    m->bounds = malloc((2 * np + 1) * sizeof *m->bounds);
    m->items = calloc(np * m->nitems + 1, sizeof *m->items);
    m->overridden = calloc(m->nitems + 1, 1);
    m->periods = calloc(np + 1, sizeof *m->periods);
    struct held_ctx h = { e, m, wl, NULL, !m->bounds || !m->items || !m->overridden || !m->periods };
    size_t i = 0;
    for (const node_t *it = wl->list; it && !h.oom; it = it->next, i++) {
        m->overridden[i] = it->kind == S_DEF && scenario_override_for(e, it->text);
        h.item = it;
        deps_each_read(it->a, note_held, &h);
    }
    for (size_t p = 0; !h.oom && p < np; p++) { m->bounds[2 * p] = periods[p].start; m->bounds[2 * p + 1] = periods[p].end; }
    if (h.oom) { memo_free(m); return NULL; }
    return m;
}

/* Keeps m as the memo of its call (replacing an older one), or frees it. */
static void memo_keep(eval_t *e, terms_memo_t *m, int ok)
{
    if (!m) return;
    if (!ok) { memo_free(m); return; }
    for (terms_memo_t **p = &e->sh->price_memos; *p; p = &(*p)->next)
        if ((*p)->call == m->call) {
            terms_memo_t *old = *p;
            *p = old->next;
            memo_free(old);
            break;
        }
    m->next = e->sh->price_memos;
    e->sh->price_memos = m;
}

struct stable_ctx { eval_t *e; const terms_memo_t *m; const node_t *wl, *item; const unsigned char *reuse; int ok; };
static void check_stable(const char *name, void *ctx)
{
    struct stable_ctx *c = ctx;
    if (!c->ok || !strcmp(name, "period")) return;
    if (earlier_item(c->wl, c->item, name)) {
        /* any earlier item of that name: the scope finds the last, the check takes all */
        size_t i = 0;
        for (const node_t *it = c->wl->list; it != c->item; it = it->next, i++)
            if (!strcmp(it->text, name) && !c->reuse[i]) c->ok = 0;
        return;
    }
    if (deps_name_touched(c->e->touched, name)) { c->ok = 0; return; }
    binding_t *b = eval_global_visible(c->e, name);
    for (size_t i = 0; i < c->m->nnames; i++)
        if (!strcmp(c->m->names[i], name)) { c->ok = (b ? b->value : NULL) == c->m->held[i]; return; }
    c->ok = 0;
}

/* Which of the workload's items a re-run's call takes from its parent's memo (NULL: none). */
static unsigned char *memo_reuse(eval_t *e, const node_t *call, const node_t *wl, const period_t *periods, size_t np,
                                 const terms_memo_t **out)
{
    *out = NULL;
    if (!e->rerun || !e->touched || !e->parent || !e->parent->is_root) return NULL;
    const terms_memo_t *m = e->sh->price_memos;
    while (m && m->call != call) m = m->next;
    if (!m || m->wl != wl || m->np != np) return NULL;
    for (size_t p = 0; p < np; p++)
        if (m->bounds[2 * p] != periods[p].start || m->bounds[2 * p + 1] != periods[p].end) return NULL;
    unsigned char *reuse = calloc(m->nitems + 1, 1);
    if (!reuse) return NULL;
    struct stable_ctx c = { e, m, wl, NULL, reuse, 1 };
    size_t i = 0;
    for (const node_t *it = wl->list; it; it = it->next, i++) {
        c.item = it;
        c.ok = !m->overridden[i] && !(it->kind == S_DEF && scenario_override_for(e, it->text));
        deps_each_read(it->a, check_stable, &c);
        reuse[i] = (unsigned char)c.ok;
    }
    *out = m;
    return reuse;
}

value_t *terms_price(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    int from_usage = nargs == 2 && usage_eval_is(args[0]);
    if (nargs != 2 || (!from_usage && (args[0]->kind != V_OBJECT || args[0]->u.obj.type != &terms_workload_type)) ||
        args[1]->kind != V_OBJECT || args[1]->u.obj.type != &terms_contract_type)
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "price(workload, contract) needs a workload (or usage) and a contract");
    const node_t *wl = from_usage ? NULL : args[0]->u.obj.p;
    const contract_obj_t *co = args[1]->u.obj.p;
    char *err = NULL;
    period_t *periods;
    size_t np;
    if (!contract_periods(co->c, &periods, &np, &err)) return eval_fail_with(e, AST_LOC(call), err);
    size_t ns = co->c->nskus;
    /* the engine's work, in the evaluator's steps: commitments and fees are summed day by
     * day, SKUs priced per period (a sweep over a long contract re-prices it each time);
     * figures of hundreds of digits make every sum slower in proportion */
    long days = co->c->end - co->c->start;
    long weight = 1 + (long)(contract_words(co->c) / 64);
    long base = 5 * (days * (long)(co->c->ncommits + co->c->nfees) + (long)(np * (ns + 1)));
    if (!eval_charge(e, weight > LONG_MAX / 2 / (base + 1) ? LONG_MAX / 2 : weight * base, AST_LOC(call))) {
        contract_periods_free(periods, np);
        return NULL;
    }
    value_t **usage = calloc(np * ns + 1, sizeof *usage);
    int *sla = calloc(np * co->c->nsla + 1, sizeof *sla);
    value_t *r = NULL;
    int over_hours = wl && mentions(wl->list, "t");
    contract_hours_t *hours = NULL;
    if (!usage || !sla) eval_fail(e, AST_LOC(call), DIAG_LIMIT, "out of memory");
    /* a nested price() keeps its own table; the workload's nodes may be shared with it */
    const struct terms_fold *outer = e->fold;
    struct terms_fold *fold = wl ? fold_new(wl) : NULL;
    e->fold = fold;
    if (!e->err && over_hours) hours = workload_hours(e, wl, co, periods, np, AST_LOC(call));
    if (!e->err && from_usage) usage_eval_fill(e, call, args[0], co->c, periods, np, usage, &hours);
    const terms_memo_t *from = NULL;
    terms_memo_t *keep = NULL;
    unsigned char *reuse = NULL;
    if (wl && !over_hours && !e->scope && !e->sh->redefine && !e->err) {
        if (!e->rerun && program_reruns(e)) keep = memo_start(e, call, wl, args[1], periods, np);
        else reuse = memo_reuse(e, call, wl, periods, np, &from);
    }
    for (size_t p = 0; p < np && !e->err && (!over_hours || co->c->nsla); p++) {
        value_t **up = usage + p * ns;
        memo_row_t row = { from ? from->items + p * from->nitems : NULL, reuse, from ? from->periods[p] : NULL,
                           keep ? keep->items + p * keep->nitems : NULL, keep ? &keep->periods[p] : NULL };
        workload_period(e, wl, co, &periods[p], over_hours, (size_t)(periods[p].start - co->c->start) * 24, up, sla + p * co->c->nsla,
                        from || keep ? &row : NULL);
        for (size_t s = 0; over_hours && s < ns; s++) { value_free(up[s]); up[s] = NULL; }   /* the hours give usage */
    }
    free(reuse);
    e->fold = outer;
    fold_free(fold);
    if (!e->err) {
        fault_t fault;
        r = contract_price_memo(co->c, e->sh->units, wl ? wl->text : usage_eval_name(args[0]), periods, np, usage, hours, sla,
                                &err, &fault, from ? from->engine : NULL, keep ? &keep->engine : NULL);
        /* an invoice priced from an approximate rate or usage is approximate throughout */
        int approx = 0;
        for (size_t i = 0; r && !approx && i < np * ns; i++) approx = value_is_approx(usage[i]);
        if (r && (approx || contract_is_approx(co->c))) value_mark_approx(r);
        if (!r) {
            eval_fail_with(e, (const loc_t[]){ fault_loc(co, wl, &fault, call) }, err);
            if (fault.code == FAULT_UNFIT && e->err)
                diag_set_hint(e->err, "usage is priced as it is (200 TB at USD/GB), or as a level that runs all period (16384 gpu at USD/(gpu*hour))");
        }
    }
    memo_keep(e, keep, r != NULL);
    for (size_t i = 0; usage && i < np * ns; i++) value_free(usage[i]);
    free(usage);
    free(sla);
    contract_hours_free(hours);
    contract_periods_free(periods, np);
    return r;
}

const contract_t *terms_contract_terms(const value_t *contract) { return ((const contract_obj_t *)contract->u.obj.p)->c; }

value_t *terms_contract_field(eval_t *e, const value_t *contract, const char *name, const loc_t *loc)
{
    const contract_obj_t *o = contract->u.obj.p;
    value_t *r = value_record_get(o->fields, name);
    if (r) return value_ref(r);
    return eval_fail(e, loc, DIAG_NAME, "no field `%s` in contract %s", name, o->c->name);
}
