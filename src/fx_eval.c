/* fx_eval: the evaluator's side of exchange rates — `fx EUR in USD { from DATE = RATE }`
 * statements into the run's rate tables (fx.c); convert(amount, CURRENCY, date) and
 * convert(invoice, CURRENCY) (fx_invoice.c). */
#include "interp.h"
#include "contract.h"
#include "fx_invoice.h"
#include <string.h>

/* The currency whose dimension appears in d with exponent 1 (EUR in EUR/(gpu*hour)), or -1. */
static int money_dim(const units_t *u, const dim_t *d)
{
    int found = -1;
    for (int i = 0; i < units_dimension_count(u) && i < DIM_MAX; i++) {
        if (!d->e[i] || !units_is_currency(u, i)) continue;
        if (d->e[i] != 1 || found >= 0) return -1;
        found = i;
    }
    return found;
}

/* A currency code written in an fx statement: a declared currency's unit. */
static int currency_named(eval_t *e, const char *code, const loc_t *loc)
{
    int d = units_find_dimension(e->sh->units, code);
    if (d < 0 || !units_is_currency(e->sh->units, d)) {
        eval_fail(e, loc, DIAG_UNIT, "`%s` is not a currency", code);
        diag_set_hint(e->err, "currencies are three-letter codes such as USD or EUR");
        return -1;
    }
    return d;
}

int fx_eval_statement(eval_t *e, const node_t *n)
{
    int from = currency_named(e, n->text, AST_LOC(n)), to = from < 0 ? -1 : currency_named(e, n->a->text, AST_LOC(n->a));
    if (to < 0) return 0;
    if (from == to) { eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "an exchange rate needs two different currencies"); return 0; }
    fx_table_t **slot = &e->fx;
    for (; *slot; slot = &(*slot)->next) {
        const fx_table_t *t = *slot;
        if ((strcmp(t->from, n->text) || strcmp(t->to, n->a->text)) && (strcmp(t->from, n->a->text) || strcmp(t->to, n->text))) continue;
        if (!e->sh->redefine) { eval_fail(e, AST_LOC(n), DIAG_NAME, "the rates between %s and %s are already given", n->text, n->a->text); return 0; }
        fx_table_t *old = *slot;   /* the REPL: a table typed again replaces the old one */
        *slot = old->next;
        old->next = NULL;
        fx_table_free(old);
        break;
    }
    fx_table_t *t = fx_table_new(n->text, n->a->text);
    if (!t) { eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory"); return 0; }
    /* a rate is an amount of `to` per 1 of `from`: USD/EUR */
    dim_t want = {{0}};
    want.e[to] = 1;
    want.e[from] = -1;
    int ok = 1;
    if (!n->list) ok = !eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "the %s table has no rates", n->text);
    for (const node_t *r = n->list; ok && r; r = r->next) {
        value_t *d = eval_expr(e, r->a), *v = NULL;
        char *err = NULL;
        if (!d) { ok = 0; break; }
        if (d->kind != V_DATE) ok = !eval_fail(e, AST_LOC(r->a), DIAG_RUNTIME, "`%s` needs a date such as 2027-01-01", r->flag ? "until" : "from");
        else if (r->flag) {
            if (r->next) ok = !eval_fail(e, AST_LOC(r->next), DIAG_RUNTIME, "no rate can follow `until`");
            else if (!fx_table_end(t, d->u.date, &err)) ok = !eval_fail_with(e, AST_LOC(r->a), err);
        } else if (!(v = eval_expr(e, r->b))) ok = 0;
        else if (v->kind != V_NUM || !dim_eq(value_dim(v), &want)) {
            ok = !eval_fail(e, AST_LOC(r->b), DIAG_UNIT, "a rate of %s in %s is %s per %s, such as 1.08 %s/%s", n->text, n->a->text,
                            n->a->text, n->text, n->a->text, n->text);
        } else if (v->u.num.approx) {
            ok = !eval_fail(e, AST_LOC(r->b), DIAG_RUNTIME, "an exchange rate must be exact, not approximate");
        } else if (!fx_table_add(t, d->u.date, v->u.num.q, &err)) ok = !eval_fail_with(e, AST_LOC(r), err);
        value_free(d);
        value_free(v);
    }
    if (!ok) { fx_table_free(t); return 0; }
    t->next = e->fx;
    e->fx = t;
    return 1;
}

/* How a converted invoice is rounded: its contract's rounding rule applied in the
 * contract's own currency already (to its lines or its totals); the conversion rounds
 * each period's total in the target currency, in the contract's mode — as a provider
 * converts an invoice's total — unless the contract rounds nothing. A contract out of
 * scope (the invoice outlived it) rounds as the engine does by default, half to even. */
static void invoice_rounding(eval_t *e, const value_t *inv, fx_rounding_t *r)
{
    r->round_total = 1;
    r->mode = RM_HALF_EVEN;
    const value_t *name = value_record_get(inv, "contract");
    binding_t *b = name && name->kind == V_STR ? eval_global_find(e, name->u.s) : NULL;
    if (!b || b->value->kind != V_OBJECT || b->value->u.obj.type != &terms_contract_type) return;
    const contract_t *c = terms_contract_terms(b->value);
    r->mode = c->mode;
    r->round_total = c->rounding != CONTRACT_ROUND_NONE;
}

value_t *fx_eval_invoice(eval_t *e, const value_t *inv, const char *to, const loc_t *at)
{
    fx_rounding_t r;
    invoice_rounding(e, inv, &r);
    char *err = NULL;
    value_t *v = fx_invoice_convert(e->sh->units, inv, to, e->fx, &r, &err);
    if (v) return v;
    eval_fail_with(e, at, err);
    const value_t *cur = value_record_get(inv, "currency");
    int pair = 0;   /* a table between the two: then the error names the date it misses */
    for (const fx_table_t *t = e->fx; t && cur && cur->kind == V_STR; t = t->next)
        pair |= (!strcmp(t->from, to) && !strcmp(t->to, cur->u.s)) || (!strcmp(t->from, cur->u.s) && !strcmp(t->to, to));
    if (!pair && cur && cur->kind == V_STR && strcmp(cur->u.s, to) && !value_record_get(inv, "pricing_currency"))
        diag_set_hint(e->err, "give the dated rates, in the program or a file named by --fx: fx %s in %s { from DATE = RATE %s/%s }", to, cur->u.s, cur->u.s, to);
    return NULL;
}

static int is_invoice(const value_t *v) { return v->kind == V_RECORD && v->u.rec.tag && !strcmp(v->u.rec.tag, "invoice"); }

value_t *fx_eval_convert(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    units_t *u = e->sh->units;
    int invoice = nargs == 2 && is_invoice(args[0]);
    if (!invoice && (nargs != 3 || args[0]->kind != V_NUM || args[1]->kind != V_NUM || args[2]->kind != V_DATE))
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "convert(amount, currency, date) needs an amount, a currency such as USD and a date; "
                         "convert(invoice, currency) an invoice from price()");
    int to = args[1]->kind == V_NUM ? money_dim(u, value_dim(args[1])) : -1;
    loc_t amount_at = ast_span(call->list), currency_at = ast_span(call->list->next);
    dim_t cur = {{0}};
    if (to >= 0) cur.e[to] = 1;
    if (to < 0 || !dim_eq(value_dim(args[1]), &cur))
        return eval_fail(e, &currency_at, DIAG_UNIT, "convert() needs a currency to convert into, such as USD");
    if (invoice) return fx_eval_invoice(e, args[0], units_dimension_name(u, to), &currency_at);
    int from = money_dim(u, value_dim(args[0]));
    loc_t date_at = ast_span(call->list->next->next);
    if (from < 0) return eval_fail(e, &amount_at, DIAG_UNIT, "convert() needs an amount of money (or money per something)");
    mpq_t rate;
    mpq_init(rate);
    char *err = NULL;
    if (!fx_rate(e->fx, units_dimension_name(u, from), units_dimension_name(u, to), args[2]->u.date, rate, &err)) {
        mpq_clear(rate);
        return eval_fail_with(e, &date_at, err);
    }
    value_t *r = fx_value_in(u, args[0], from, to, rate);
    mpq_clear(rate);
    if (!r) return eval_fail(e, AST_LOC(call), DIAG_LIMIT, "out of memory");
    return r;
}
