/* fx_invoice: amounts and invoices in another currency by dated rates (see fx_invoice.h). */
#include "fx_invoice.h"
#include "diag.h"
#include <stdlib.h>
#include <string.h>

value_t *fx_value_in(const units_t *u, const value_t *v, int from, int to, const mpq_t rate)
{
    int ex = value_dim(v)->e[from], sign = ex > 0 ? 1 : -1;
    dim_t d = *value_dim(v);
    d.e[from] = 0;
    d.e[to] += ex;
    /* the display unit: v's, with each of its currency swapped for the target */
    uterm_t disp, to_unit, from_unit;
    if (value_disp(v)->n == UTERM_NONE) uterm_for_dim(u, value_dim(v), &disp);
    else disp = *value_disp(v);
    uterm_single(&to_unit, units_base_of(u, to));
    uterm_single(&from_unit, units_base_of(u, from));
    for (int i = 0; i < ex * sign; i++) {
        uterm_combine(u, &disp, &disp, &to_unit, sign);
        uterm_combine(u, &disp, &disp, &from_unit, -sign);
    }
    value_t *r = value_quantity(v->u.num.q, &d, &disp);
    for (int i = 0; r && i < ex * sign; i++)
        if (sign > 0) mpq_mul(r->u.num.q, r->u.num.q, rate); else mpq_div(r->u.num.q, r->u.num.q, rate);
    if (r) r->u.num.approx = v->u.num.approx;
    return r;
}

typedef struct conv { const units_t *u; int from, to; mpq_srcptr rate; } conv_t;

/* A copy of v with every amount in the currency converted. */
static value_t *walk(const conv_t *c, const value_t *v)
{
    if (v->kind == V_NUM && value_dim(v)->e[c->from]) return fx_value_in(c->u, v, c->from, c->to, c->rate);
    if (v->kind == V_LIST) {
        value_t **items = calloc(v->u.list.n + 1, sizeof *items);
        for (size_t i = 0; items && i < v->u.list.n; i++)
            if (!(items[i] = walk(c, v->u.list.items[i]))) {
                while (i--) value_free(items[i]);
                free(items);
                items = NULL;
            }
        return items ? value_list(items, v->u.list.n) : NULL;
    }
    if (v->kind == V_RECORD) {
        value_t *r = value_record(v->u.rec.tag);
        for (size_t i = 0; r && i < v->u.rec.n; i++)
            if (!value_record_set(r, v->u.rec.keys[i], walk(c, value_record_field(v, i)))) { value_free(r); r = NULL; }
        return r;
    }
    return value_ref((value_t *)v);
}

static const value_t *get(const value_t *rec, const char *k) { return rec && rec->kind == V_RECORD ? value_record_get(rec, k) : NULL; }

/* field = field + delta (money of the target currency), as a new value. */
static int add_to(value_t *rec, const char *field, const mpq_t delta)
{
    const value_t *v = get(rec, field);
    if (!v) return 1;
    value_t *n = value_quantity_like(v->u.num.q, v);
    if (n) { mpq_add(n->u.num.q, n->u.num.q, delta); n->u.num.approx = v->u.num.approx; }
    return value_record_set(rec, field, n);
}

/* Rounds the converted period's total as the engine rounds an invoice's: the difference
 * joins the period's invoice rounding line (a new one when it had none), and the
 * amortised total, which includes it. */
static int round_period(const conv_t *c, value_t *per, const fx_rounding_t *rnd)
{
    const value_t *total = get(per, "total");
    if (!rnd->round_total || !total) return 1;
    mpq_t delta;
    mpq_init(delta);
    mpq_set(delta, total->u.num.q);
    value_round_to(delta, NULL, units_currency_decimals(units_dimension_name(c->u, c->to)), rnd->mode);
    mpq_sub(delta, delta, total->u.num.q);
    int ok = 1;
    if (mpq_sgn(delta)) {
        const value_t *lines = get(per, "lines");
        value_t *line = NULL;
        for (size_t i = 0; lines && i < lines->u.list.n && !line; i++)
            if (!strcmp(get(lines->u.list.items[i], "category")->u.s, "rounding")) line = lines->u.list.items[i];
        if (line) ok = add_to(line, "amount", delta);
        else if (lines && (line = value_record("line"))) {   /* the lines again, with one more */
            value_t **items = calloc(lines->u.list.n + 2, sizeof *items);
            /* nothing of it in the pricing currency: 0 USD */
            mpq_t zero;
            mpq_init(zero);
            dim_t money = {{0}};
            money.e[c->from] = 1;
            uterm_t unit;
            uterm_single(&unit, units_base_of(c->u, c->from));
            ok = items && value_record_set(line, "sku", value_str("invoice")) && value_record_set(line, "category", value_str("rounding")) &&
                 value_record_set(line, "amount", value_quantity_like(delta, total)) &&
                 value_record_set(line, "pricing_amount", value_quantity(zero, &money, &unit));
            mpq_clear(zero);
            if (ok) {
                for (size_t i = 0; i < lines->u.list.n; i++) items[i] = value_ref(lines->u.list.items[i]);
                items[lines->u.list.n] = line;
                ok = value_record_set(per, "lines", value_list(items, lines->u.list.n + 1));
            } else { value_free(line); free(items); }
        } else ok = 0;
        ok = ok && add_to(per, "total", delta) && add_to(per, "amortised", delta);
    }
    mpq_clear(delta);
    return ok;
}

/* The period converted at the rate of its first day, with its lines' pricing amounts and
 * its exchange rate (as the table quotes it: 1.08 USD/EUR for `fx EUR in USD`). */
static value_t *convert_period(conv_t *c, const value_t *per, const char *from, const char *to, const fx_table_t *tables,
                               const fx_rounding_t *rnd, char **err)
{
    date_t start = get(per, "start")->u.date;
    mpq_t rate;
    mpq_init(rate);
    char *why = NULL;
    value_t *r = NULL;
    if (!fx_rate(tables, from, to, start, rate, &why)) {
        char *label = NULL;
        int y, m, d;
        dates_to_ymd(start, &y, &m, &d);
        label = diag_format("%04d-%02d-%02d", y, m, d);
        *err = diag_format("%s (the invoice's period from %s converts at the rate of its first day)", why ? why : "out of memory",
                           label ? label : "?");
        free(why);
        free(label);
        mpq_clear(rate);
        return NULL;
    }
    c->rate = rate;
    r = walk(c, per);
    const value_t *lines = get(per, "lines"), *nl = get(r, "lines");
    int ok = r != NULL;
    for (size_t i = 0; ok && lines && i < lines->u.list.n; i++) {
        const value_t *amount = get(lines->u.list.items[i], "amount");
        if (amount) ok = value_record_set(nl->u.list.items[i], "pricing_amount", value_ref((value_t *)amount));
    }
    ok = ok && round_period(c, r, rnd);
    /* the rate as its table gives it */
    int direct = 0;
    for (const fx_table_t *t = tables; t && !direct; t = t->next) direct = !strcmp(t->from, from) && !strcmp(t->to, to);
    dim_t dim = {{0}};
    dim.e[direct ? c->to : c->from] = 1;
    dim.e[direct ? c->from : c->to] = -1;
    uterm_t unit, other;
    uterm_single(&unit, units_base_of(c->u, direct ? c->to : c->from));
    uterm_single(&other, units_base_of(c->u, direct ? c->from : c->to));
    uterm_combine(c->u, &unit, &unit, &other, -1);
    if (!direct) mpq_inv(rate, rate);
    ok = ok && value_record_set(r, "exchange_rate", value_quantity(rate, &dim, &unit));
    c->rate = NULL;
    mpq_clear(rate);
    if (!ok) { value_free(r); *err = diag_format("out of memory"); return NULL; }
    return r;
}

/* The sum over the converted periods of a money field (per key, for a record such as
 * charges); the field as it is when the periods don't carry it. */
static value_t *period_sum(const value_t *periods, const char *field, const char *key, const value_t *like)
{
    value_t *s = value_quantity_like(like->u.num.q, like);
    if (!s) return NULL;
    mpq_set_ui(s->u.num.q, 0, 1);
    for (size_t p = 0; p < periods->u.list.n; p++) {
        const value_t *v = get(periods->u.list.items[p], field);
        if (key) v = get(v, key);
        if (v && v->kind == V_NUM) { mpq_add(s->u.num.q, s->u.num.q, v->u.num.q); s->u.num.approx |= v->u.num.approx; }
    }
    return s;
}

/* The term's figures from the converted periods: sums of their amounts, and the average
 * rates (effective: a SKU's charges per unit; all_in: the total per unit) from those. */
static value_t *term_field(const conv_t *c, const value_t *inv, const value_t *periods, const char *key, const value_t *v,
                           char **err)
{
    int per_sku = !strcmp(key, "effective") || !strcmp(key, "all_in");
    if (v->kind == V_RECORD && (per_sku || !strcmp(key, "charges"))) {
        value_t *r = value_record(v->u.rec.tag);
        for (size_t i = 0; r && i < v->u.rec.n; i++) {
            const char *sku = v->u.rec.keys[i];
            value_t *x = walk(c, value_record_field(v, i)), *sum = NULL;
            const value_t *q = get(get(inv, "quantities"), sku);
            if (x && per_sku && (!q || !mpq_sgn(q->u.num.q))) {
                *err = diag_format("the invoice's %s rate of %s has no quantity to work it out from", key, sku);
                value_free(x);
                value_free(r);
                return NULL;
            }
            if (x) sum = !strcmp(key, "all_in") ? period_sum(periods, "total", NULL, x) : period_sum(periods, "charges", sku, x);
            if (sum && per_sku) {   /* the converted charges (or total) per unit of the SKU's quantity */
                mpq_div(x->u.num.q, sum->u.num.q, q->u.num.q);
                value_free(sum);
            } else {
                value_free(x);
                x = sum;
            }
            if (!value_record_set(r, sku, x)) { value_free(r); r = NULL; }
        }
        if (!r) *err = diag_format("out of memory");
        return r;
    }
    if (v->kind != V_NUM || !value_dim(v)->e[c->from]) return value_ref((value_t *)v);
    /* a money field of the term: the sum of the periods' */
    for (size_t p = 0; p < periods->u.list.n; p++)
        if (!get(periods->u.list.items[p], key)) {
            *err = diag_format("the invoice's %s has no figure per period to convert", key);
            return NULL;
        }
    value_t *x = walk(c, v), *s = x ? period_sum(periods, key, NULL, x) : NULL;
    value_free(x);
    if (!s) *err = diag_format("out of memory");
    return s;
}

value_t *fx_invoice_convert(const units_t *u, const value_t *inv, const char *to, const fx_table_t *tables,
                            const fx_rounding_t *rounding, char **err)
{
    const value_t *cur = get(inv, "currency"), *periods = get(inv, "periods");
    if (!cur || cur->kind != V_STR || !periods || periods->kind != V_LIST) { *err = diag_format("not an invoice from price()"); return NULL; }
    if (!strcmp(cur->u.s, to)) return value_ref((value_t *)inv);
    if (get(inv, "pricing_currency")) {
        *err = diag_format("the invoice is already converted from %s: convert the invoice priced in %s", get(inv, "pricing_currency")->u.s,
                           get(inv, "pricing_currency")->u.s);
        return NULL;
    }
    conv_t c = { u, units_find_dimension(u, cur->u.s), units_find_dimension(u, to), NULL };
    value_t **items = calloc(periods->u.list.n + 1, sizeof *items);
    if (!items) { *err = diag_format("out of memory"); return NULL; }
    size_t n = 0;
    for (; n < periods->u.list.n; n++)
        if (!(items[n] = convert_period(&c, periods->u.list.items[n], cur->u.s, to, tables, rounding, err))) break;
    if (n < periods->u.list.n) {
        while (n--) value_free(items[n]);
        free(items);
        return NULL;
    }
    /* the term's figures are worked out from the converted periods: converting them only
     * gives their unit, so by a rate of 1 */
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    c.rate = one;
    value_t *np = value_list(items, n), *r = np ? value_record(inv->u.rec.tag) : NULL;
    int ok = r != NULL;
    if (!ok) *err = diag_format("out of memory");
    for (size_t i = 0; ok && i < inv->u.rec.n; i++) {
        const char *key = inv->u.rec.keys[i];
        value_t *v = !strcmp(key, "currency") ? value_str(to) : !strcmp(key, "periods") ? value_ref(np)
                   : term_field(&c, inv, np, key, value_record_field(inv, i), err);
        ok = value_record_set(r, key, v);
        if (!ok && !*err) *err = diag_format("out of memory");
    }
    if (ok && !(ok = value_record_set(r, "pricing_currency", value_str(cur->u.s)))) *err = diag_format("out of memory");
    value_free(np);
    mpq_clear(one);
    if (!ok) { value_free(r); return NULL; }
    return r;
}

int fx_invoice_period_rate(const units_t *u, const value_t *inv, const value_t *period, mpq_t rate)
{
    const value_t *cur = get(inv, "currency"), *quoted = get(period, "exchange_rate");
    int to = cur && cur->kind == V_STR ? units_find_dimension(u, cur->u.s) : -1;
    mpq_set_ui(rate, 1, 1);
    if (!get(inv, "pricing_currency") || !quoted || quoted->kind != V_NUM || to < 0) return 0;
    /* quoted as its table gives it: EUR/USD, or USD/EUR for the inverse */
    if (value_dim(quoted)->e[to] > 0) mpq_set(rate, quoted->u.num.q); else mpq_inv(rate, quoted->u.num.q);
    return 1;
}

value_t *fx_invoice_period_value(const units_t *u, const value_t *inv, const value_t *period, const value_t *v)
{
    mpq_t rate;
    mpq_init(rate);
    conv_t c = { u, -1, -1, rate };
    value_t *r = NULL;
    if (fx_invoice_period_rate(u, inv, period, rate)) {
        c.from = units_find_dimension(u, get(inv, "pricing_currency")->u.s);
        c.to = units_find_dimension(u, get(inv, "currency")->u.s);
    }
    r = c.from >= 0 && c.to >= 0 ? walk(&c, v) : value_ref((value_t *)v);
    mpq_clear(rate);
    return r;
}
