/* fx_eval: the evaluator's side of exchange rates — `fx EUR in USD { from DATE = RATE }`
 * statements into the run's rate tables (fx.c), and convert(amount, CURRENCY, date). */
#include "interp.h"
#include "fx.h"
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
    int from = currency_named(e, n->text, &n->loc), to = from < 0 ? -1 : currency_named(e, n->a->text, &n->a->loc);
    if (to < 0) return 0;
    if (from == to) { eval_fail(e, &n->a->loc, DIAG_RUNTIME, "an exchange rate needs two different currencies"); return 0; }
    fx_table_t **slot = &e->fx;
    for (; *slot; slot = &(*slot)->next) {
        const fx_table_t *t = *slot;
        if ((strcmp(t->from, n->text) || strcmp(t->to, n->a->text)) && (strcmp(t->from, n->a->text) || strcmp(t->to, n->text))) continue;
        if (!e->sh->redefine) { eval_fail(e, &n->loc, DIAG_NAME, "the rates between %s and %s are already given", n->text, n->a->text); return 0; }
        fx_table_t *old = *slot;   /* the REPL: a table typed again replaces the old one */
        *slot = old->next;
        old->next = NULL;
        fx_table_free(old);
        break;
    }
    fx_table_t *t = fx_table_new(n->text, n->a->text);
    if (!t) { eval_fail(e, &n->loc, DIAG_LIMIT, "out of memory"); return 0; }
    /* a rate is an amount of `to` per 1 of `from`: USD/EUR */
    dim_t want = {{0}};
    want.e[to] = 1;
    want.e[from] = -1;
    int ok = 1;
    if (!n->list) ok = !eval_fail(e, &n->loc, DIAG_RUNTIME, "the %s table has no rates", n->text);
    for (const node_t *r = n->list; ok && r; r = r->next) {
        value_t *d = eval_expr(e, r->a), *v = NULL;
        char *err = NULL;
        if (!d) { ok = 0; break; }
        if (d->kind != V_DATE) ok = !eval_fail(e, &r->a->loc, DIAG_RUNTIME, "`%s` needs a date such as 2027-01-01", r->flag ? "until" : "from");
        else if (r->flag) {
            if (r->next) ok = !eval_fail(e, &r->next->loc, DIAG_RUNTIME, "no rate can follow `until`");
            else if (!fx_table_end(t, d->u.date, &err)) ok = !eval_fail_with(e, &r->a->loc, err);
        } else if (!(v = eval_expr(e, r->b))) ok = 0;
        else if (v->kind != V_NUM || !dim_eq(&v->u.num.dim, &want)) {
            ok = !eval_fail(e, &r->b->loc, DIAG_UNIT, "a rate of %s in %s is %s per %s, such as 1.08 %s/%s", n->text, n->a->text,
                            n->a->text, n->text, n->a->text, n->text);
        } else if (v->u.num.approx) {
            ok = !eval_fail(e, &r->b->loc, DIAG_RUNTIME, "an exchange rate must be exact, not approximate");
        } else if (!fx_table_add(t, d->u.date, v->u.num.q, &err)) ok = !eval_fail_with(e, &r->loc, err);
        value_free(d);
        value_free(v);
    }
    if (!ok) { fx_table_free(t); return 0; }
    t->next = e->fx;
    e->fx = t;
    return 1;
}

value_t *fx_eval_convert(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    units_t *u = e->sh->units;
    if (nargs != 3 || args[0]->kind != V_NUM || args[1]->kind != V_NUM || args[2]->kind != V_DATE)
        return eval_fail(e, &call->loc, DIAG_RUNTIME, "convert(amount, currency, date) needs an amount, a currency such as USD and a date");
    int from = money_dim(u, &args[0]->u.num.dim), to = money_dim(u, &args[1]->u.num.dim);
    loc_t amount_at = ast_span(call->list), currency_at = ast_span(call->list->next), date_at = ast_span(call->list->next->next);
    dim_t cur = {{0}};
    if (to >= 0) cur.e[to] = 1;
    if (to < 0 || !dim_eq(&args[1]->u.num.dim, &cur))
        return eval_fail(e, &currency_at, DIAG_UNIT, "convert() needs a currency to convert into, such as USD");
    if (from < 0) return eval_fail(e, &amount_at, DIAG_UNIT, "convert() needs an amount of money (or money per something)");
    mpq_t rate;
    mpq_init(rate);
    char *err = NULL;
    value_t *r = NULL;
    if (!fx_rate(e->fx, units_dimension_name(u, from), units_dimension_name(u, to), args[2]->u.date, rate, &err)) {
        mpq_clear(rate);
        return eval_fail_with(e, &date_at, err);
    }
    dim_t d = args[0]->u.num.dim;
    d.e[from] = 0;
    d.e[to] += 1;
    /* the display unit: the amount's, with its currency swapped for the target's */
    uterm_t swap, disp;
    if (args[0]->u.num.disp.n == UTERM_NONE) uterm_for_dim(u, &args[0]->u.num.dim, &disp);
    else disp = args[0]->u.num.disp;
    uterm_single(&swap, units_base_of(u, to));
    uterm_combine(u, &disp, &disp, &swap, 1);
    uterm_single(&swap, units_base_of(u, from));
    uterm_combine(u, &disp, &disp, &swap, -1);
    mpq_mul(rate, rate, args[0]->u.num.q);
    r = value_quantity(rate, &d, &disp);
    mpq_clear(rate);
    if (!r) return eval_fail(e, &call->loc, DIAG_LIMIT, "out of memory");
    return r;
}
