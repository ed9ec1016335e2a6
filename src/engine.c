/* engine: the helpers every clause module of the pricing engine shares — errors with
 * their fault, money and line records, rounding per the contract's policy, quantities in
 * a rate's terms, and amounts given per month prorated over a period. */
#include "engine.h"
#include "diag.h"
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

void engine_totals_init(totals_t *t) { mpq_inits(t->fees, t->charges, t->discounts, t->net, t->shortfall, t->sla, t->pool, t->upfront, t->total, t->effective, NULL); }
void engine_totals_clear(totals_t *t) { mpq_clears(t->fees, t->charges, t->discounts, t->net, t->shortfall, t->sla, t->pool, t->upfront, t->total, t->effective, NULL); }
/* a += b, a zero skipped (an addition reduces by a gcd); from_sla: only the fields the
 * clauses from the SLA credit on write (a memo's term sum holds the others). */
void engine_totals_add(totals_t *a, const totals_t *b, int from_sla)
{
    mpq_ptr ta[] = { a->sla, a->pool, a->upfront, a->total, a->effective, a->fees, a->charges, a->discounts, a->net, a->shortfall };
    mpq_srcptr tb[] = { b->sla, b->pool, b->upfront, b->total, b->effective, b->fees, b->charges, b->discounts, b->net, b->shortfall };
    for (size_t i = 0; i < sizeof ta / sizeof ta[0] - (from_sla ? ENGINE_TOTALS_PRE : 0); i++)
        if (mpq_sgn(tb[i])) value_q_add(ta[i], ta[i], tb[i]);
}

int engine_totals_record(engine_t *en, value_t *rec, const totals_t *t, value_t **pre)
{
    static const char *const names[ENGINE_TOTALS_PRE] = { "fees", "gross", "discounts", "net", "shortfall" };
    mpq_srcptr q[ENGINE_TOTALS_PRE] = { t->fees, t->charges, t->discounts, t->net, t->shortfall };
    for (size_t i = 0; i < ENGINE_TOTALS_PRE; i++) {
        value_t *v = pre && pre[i] ? value_ref(pre[i]) : engine_money(en, q[i]);
        if (v && pre && !pre[i]) pre[i] = value_ref(v);
        if (!value_record_set(rec, names[i], v)) return 0;
    }
    return value_record_set(rec, "sla_credit", engine_money(en, t->sla)) &&
           value_record_set(rec, "pool_draw", engine_money(en, t->pool)) &&
           value_record_set(rec, "total", engine_money(en, t->total)) &&
           (!en->c->upfront || (value_record_set(rec, "upfront", engine_money(en, t->upfront)) &&
                                value_record_set(rec, "amortised", engine_money(en, t->effective))));
}

int engine_fail(engine_t *en, char *msg) { if (!*en->err) *en->err = msg ? msg : diag_format("out of memory"); else free(msg); return 0; }

int engine_fail_at(engine_t *en, fault_kind kind, fault_code code, size_t index, char *msg)
{
    if (en->fault && en->fault->kind == FAULT_NONE) { en->fault->kind = kind; en->fault->code = code; en->fault->index = index; }
    if (msg) engine_fail(en, msg);
    return 0;
}

char *engine_dims_text(engine_t *en, const dim_t *d) { return units_format_dim(en->u, d); }

/* How a usage quantity meets its rate: 1 as it is, 2 times the period's hours, 0 neither. */
static int usage_fit(engine_t *en, const dim_t *usage, const dim_t *rate, int *money)
{
    dim_t prod, with_time;
    if (!dim_combine(&prod, usage, rate, 1)) return 0;
    if ((*money = dim_single(&prod)) >= 0) return 1;
    if (!dim_combine(&with_time, &prod, &en->time, 1)) return 0;
    if ((*money = dim_single(&with_time)) >= 0) return 2;
    return 0;
}

int engine_set_money(engine_t *en, int money, const char *what)
{
    if (!units_is_currency(en->u, money))
        return engine_fail(en, diag_format("%s is priced in %s, not in money: a rate is a currency per unit (2.10 USD/(gpu*hour))",
                                           what, units_dimension_name(en->u, money)));
    if (en->currency < 0) {
        en->currency = money;
        memset(&en->money, 0, sizeof en->money);
        en->money.e[money] = 1;
        int base = units_base_of(en->u, money);
        if (base < 0) return engine_fail(en, diag_format("the currency has no base unit"));
        uterm_single(&en->money_unit, base);
        return 1;
    }
    if (en->currency == money) return 1;
    return engine_fail(en, diag_format("%s is priced in %s but the contract is in %s; convert with an exchange rate",
                                       what, units_dimension_name(en->u, money), units_dimension_name(en->u, en->currency)));
}

/* How a month of a per-month rate counts: MONTH_PRICING (730 hours, or a rate not per
 * month: hours count as they are), MONTH_HOURS (month = N hours, in *hours) or
 * MONTH_CALENDAR (each calendar month's own hours). Without `month =`, a storage-style
 * rate — money per data per month, USD/(GB*month) — counts calendar months, as S3, GCS
 * and Azure Blob bill storage; any other per-month rate keeps the 730-hour month. */
enum { MONTH_PRICING, MONTH_HOURS, MONTH_CALENDAR };
static int month_rule(engine_t *en, const value_t *rate, const mpq_t **hours)
{
    const contract_t *c = en->c;
    const uterm_t *d = value_disp(rate);
    int per_month = 0;
    for (size_t i = 0; d->n != UTERM_NONE && i < d->n; i++) per_month |= d->t[i].unit == en->month && d->t[i].exp < 0;
    if (!per_month) return MONTH_PRICING;
    if (c->month_hours) { *hours = &c->month_hours->u.num.q; return MONTH_HOURS; }
    if (c->month_calendar) return MONTH_CALENDAR;
    int data = units_find_dimension(en->u, "data");
    if (data < 0) return MONTH_PRICING;
    dim_t per_data = en->money, storage;
    per_data.e[data]--;
    return dim_combine(&storage, &per_data, &en->time, -1) && dim_eq(&storage, value_dim(rate)) ? MONTH_CALENDAR : MONTH_PRICING;
}

int engine_month_is_pricing(engine_t *en, const value_t *rate)
{
    const mpq_t *hours = NULL;
    int rule = month_rule(en, rate, &hours);
    return rule == MONTH_PRICING || (rule == MONTH_HOURS && mpq_equal(*hours, units_get(en->u, en->month)->factor));
}

/* 730 hours over a month of `hours` hours: what each hour held counts as, in pricing-month
 * hours. */
static void month_scale(engine_t *en, const mpq_t hours, mpq_t out)
{
    mpq_div(out, units_get(en->u, en->month)->factor, hours);
}

/* A level's hours against a per-month rate count as months of the month rule: out is
 * 730 hours / the rule's month (1 for other rates); over a period of several calendar
 * months, their average, which holds for a level held all the period. */
static void month_factor(engine_t *en, const value_t *rate, const period_t *p, mpq_t out)
{
    const mpq_t *hours = NULL;
    int rule = month_rule(en, rate, &hours);
    mpq_set_ui(out, 1, 1);
    if (rule == MONTH_PRICING) return;
    mpq_t m;
    mpq_init(m);
    if (rule == MONTH_HOURS) mpq_set(m, *hours);
    else {   /* the period's hours over its length in calendar months */
        mpq_mul(m, p->hours, units_get(en->u, en->hour)->factor);
        mpq_div(m, m, p->month_share);
    }
    month_scale(en, m, out);
    mpq_clear(m);
}

int engine_amount_for(engine_t *en, size_t s, fault_kind kind, const value_t *usage, const value_t *rate,
                      const period_t *p, mpq_t out)
{
    const char *sku = en->c->skus[s].sku, *what = kind == FAULT_RESERVE ? "the reservation" : "usage";
    int money;
    if (usage->kind != V_NUM)
        return engine_fail_at(en, kind, FAULT_OTHER, s, diag_format("%s of %s must be a quantity, not a %s", what, sku, value_kind_name(usage)));
    int fit = usage_fit(en, value_dim(usage), value_dim(rate), &money);
    if (!fit) {
        uterm_t tu, tr;
        value_display_unit(en->u, usage, &tu);
        value_display_unit(en->u, rate, &tr);
        char *du = engine_dims_text(en, value_dim(usage)), *dr = engine_dims_text(en, value_dim(rate));
        char *uu = uterm_format(en->u, &tu), *ur = uterm_format(en->u, &tr);
        int r = engine_fail_at(en, kind, FAULT_UNFIT, s, diag_format("%s of %s is in %s (%s), which its rate in %s (%s) cannot price",
                                                                  what, sku, uu ? uu : "?", du ? du : "?", ur ? ur : "?", dr ? dr : "?"));
        free(du); free(dr); free(uu); free(ur);
        return r;
    }
    if (mpq_sgn(usage->u.num.q) < 0) return engine_fail_at(en, kind, FAULT_OTHER, s, diag_format("%s of %s is negative", what, sku));
    if (!engine_set_money(en, money, sku)) return engine_fail_at(en, FAULT_RATE, FAULT_OTHER, s, NULL);
    mpq_set(out, usage->u.num.q);
    if (fit == 2) {
        mpq_t h;
        mpq_init(h);
        value_q_mul(h, p->hours, units_get(en->u, en->hour)->factor);
        value_q_mul(out, out, h);
        month_factor(en, rate, p, h);
        if (mpz_cmp_ui(mpq_numref(h), 1) || mpz_cmp_ui(mpq_denref(h), 1)) value_q_mul(out, out, h);   /* 1 for most rates */
        mpq_clear(h);
    }
    return 1;
}

const value_t *engine_sku_rate(const sku_terms_t *s) { return s->kind == PRICE_FLAT ? s->rate : s->tiers[0].rate; }

void engine_quantity_unit(engine_t *en, size_t s, dim_t *qdim, uterm_t *qdisp)
{
    struct engine_face *f = &en->faces[s];
    if (!f->has_measure) {   /* the same for every period: its rate and the money are */
        const value_t *lr = engine_sku_rate(&en->c->skus[s]);
        dim_combine(&f->qdim, &en->money, value_dim(lr), -1);
        uterm_combine(en->u, &f->qdisp, &en->money_unit, value_disp(lr), -1);
        f->has_measure = en->currency >= 0;
    }
    *qdim = f->qdim;
    *qdisp = f->qdisp;
}

/* ---------- records ---------- */

int engine_same_quantity(const value_t *v, const mpq_t q, const dim_t *d, const uterm_t *t)
{
    if (v->kind != V_NUM || !mpq_equal(v->u.num.q, q) || !dim_eq(value_dim(v), d) || value_disp(v)->n != t->n) return 0;
    for (unsigned i = 0; t->n != UTERM_NONE && i < t->n; i++)
        if (value_disp(v)->t[i].unit != t->t[i].unit || value_disp(v)->t[i].exp != t->t[i].exp) return 0;
    return 1;
}

static struct engine_shared *shared_slot(engine_t *en, const char *key)
{
    return &en->shared[((uintptr_t)key >> 3) % (sizeof en->shared / sizeof en->shared[0])];
}

/* The string value of label (borrowed), shared with the pricing's other lines. */
static value_t *shared_str(engine_t *en, const char *s)
{
    struct engine_shared *sl = shared_slot(en, s);
    if (sl->key != s || !sl->str || strcmp(sl->str->u.s, s)) {
        value_free(sl->str);
        *sl = (struct engine_shared){ s, value_str(s) };
    }
    return sl->str;
}

int engine_shared_init(engine_t *en)
{
    en->faces = calloc(en->c->nskus + 1, sizeof *en->faces);
    return en->faces != NULL;
}

void engine_shared_free(engine_t *en)
{
    for (size_t i = 0; i < sizeof en->shared / sizeof en->shared[0]; i++) value_free(en->shared[i].str);
    memset(en->shared, 0, sizeof en->shared);
    for (size_t s = 0; en->faces && s < en->c->nskus; s++) {
        value_free(en->faces[s].name); value_free(en->faces[s].qty_unit); value_free(en->faces[s].rate_unit);
    }
    free(en->faces);
    en->faces = NULL;
    value_free(en->money_unit_value);
    en->money_unit_value = NULL;
}

/* The unit of the amounts (borrowed): the money, once a rate has set it (NULL before, or
 * out of memory). */
static const value_t *money_unit(engine_t *en)
{
    if (!en->money_unit_value && en->currency >= 0) {
        mpq_t one;
        mpq_init(one);
        mpq_set_ui(one, 1, 1);
        en->money_unit_value = value_quantity(one, &en->money, &en->money_unit);
        mpq_clear(one);
    }
    return en->money_unit_value;
}

value_t *engine_money(engine_t *en, const mpq_t q)
{
    const value_t *m = money_unit(en);   /* its unit already interned */
    return m ? value_quantity_like(q, m) : value_quantity(q, &en->money, &en->money_unit);
}

/* SKU s's name (borrowed; NULL when out of memory) */
static value_t *face_name(engine_t *en, size_t s)
{
    struct engine_face *f = &en->faces[s];
    if (!f->name) f->name = value_str(en->c->skus[s].sku);
    return f->name;
}

/* SKU s's face with the units of a quantity of dimension qdim shown in qdisp and of its
 * rate (money per unit of it); NULL when out of memory. */
static struct engine_face *face(engine_t *en, size_t s, const dim_t *qdim, const uterm_t *qdisp)
{
    struct engine_face *f = &en->faces[s];
    if (!face_name(en, s)) return NULL;
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    if (!f->qty_unit || f->currency != en->currency || !engine_same_quantity(f->qty_unit, one, qdim, qdisp)) {
        f->currency = en->currency;   /* the rate's unit has the money in it */
        dim_t d;
        uterm_t t;
        dim_combine(&d, &en->money, qdim, -1);
        uterm_combine(en->u, &t, &en->money_unit, qdisp, -1);
        value_free(f->qty_unit);
        value_free(f->rate_unit);
        f->qty_unit = value_quantity(one, qdim, qdisp);
        f->rate_unit = value_quantity(one, &d, &t);
    }
    mpq_clear(one);
    return f->qty_unit && f->rate_unit ? f : NULL;
}

static int add_line(engine_t *en, engine_period_t *ep, const lines_item_t *it)
{
    return it->sku && it->money && lines_add(ep->lines, it) ? 1 : engine_fail(en, NULL);
}

/* The unit of an amount (borrowed): the money's, or before any rate has said what the
 * money is, a plain number's (as engine_money gives), made in *plain for the caller to
 * free. NULL when out of memory. */
static const value_t *amount_unit(engine_t *en, value_t **plain)
{
    *plain = NULL;
    const value_t *m = money_unit(en);
    if (!m) {
        mpq_t one;
        mpq_init(one);
        mpq_set_ui(one, 1, 1);
        m = *plain = engine_money(en, one);
        mpq_clear(one);
    }
    return m;
}

int engine_line(engine_t *en, engine_period_t *ep, const char *label, const char *category, const mpq_t amount)
{
    value_t *plain;
    lines_item_t it = { .sku = shared_str(en, label), .category = category, .money = amount_unit(en, &plain), .amount = amount };
    int ok = add_line(en, ep, &it);
    value_free(plain);
    return ok;
}

int engine_period_charge(engine_t *en, engine_period_t *ep, size_t s)
{
    value_t *plain, *name = face_name(en, s);
    const value_t *m = amount_unit(en, &plain);
    int ok = m && name && lines_add_charge(ep->lines, name, m, ep->sku_charge[s]);
    value_free(plain);
    return ok ? 1 : engine_fail(en, NULL);
}

int engine_sku_line(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t q, const dim_t *qdim,
                    const uterm_t *qdisp, const value_t *list_rate, const mpq_t rate, const mpq_t amount)
{
    struct engine_face *f = face(en, s, qdim, qdisp);
    if (!f) return engine_fail(en, NULL);
    value_t *plain;
    lines_item_t it = { .sku = f->name, .category = category, .money = amount_unit(en, &plain), .qty_unit = f->qty_unit,
                        .rate_unit = f->rate_unit, .list_rate = list_rate, .qty = q, .rate = rate, .amount = amount,
                        .rate_is_average = !rate };
    int ok = add_line(en, ep, &it);
    value_free(plain);
    return ok;
}

int engine_flat_line(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t qty,
                     const dim_t *qdim, const uterm_t *qdisp, const value_t *list_rate)
{
    return engine_flat_line_at(en, ep, s, category, qty, qdim, qdisp, list_rate, ep->sku_esc[s]);
}

int engine_flat_line_hours(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t qty,
                           const mpq_t w, const dim_t *qdim, const uterm_t *qdisp, const value_t *list_rate)
{
    if (!w || !mpq_sgn(qty)) return engine_flat_line(en, ep, s, category, qty, qdim, qdisp, list_rate);
    mpq_t esc;
    mpq_init(esc);
    mpq_div(esc, w, qty);
    int ok = engine_flat_line_at(en, ep, s, category, qty, qdim, qdisp, list_rate, esc);
    mpq_clear(esc);
    return ok;
}

int engine_flat_line_at(engine_t *en, engine_period_t *ep, size_t s, const char *category, const mpq_t qty,
                        const dim_t *qdim, const uterm_t *qdisp, const value_t *list_rate, const mpq_t esc)
{
    mpq_t rate, amount;
    mpq_inits(rate, amount, NULL);
    value_q_mul(rate, list_rate->u.num.q, esc);
    value_q_mul(amount, qty, rate);
    engine_round(en, amount, 1);
    int ok = engine_sku_line(en, ep, s, category, qty, qdim, qdisp, list_rate, rate, amount);
    mpq_add(ep->sku_charge[s], ep->sku_charge[s], amount);
    mpq_clears(rate, amount, NULL);
    return ok;
}

/* ---------- sums ---------- */

void engine_sum_init(engine_sum_t *s) { mpz_init(s->num); mpz_init_set_ui(s->den, 1); }
void engine_sum_clear(engine_sum_t *s) { mpz_clear(s->num); mpz_clear(s->den); }

void engine_sum_add(engine_sum_t *s, const mpq_t x)
{
    if (!mpq_sgn(x)) return;
    mpz_t k;
    mpz_init(k);
    if (mpz_divisible_p(s->den, mpq_denref(x))) {
        mpz_divexact(k, s->den, mpq_denref(x));
        mpz_addmul(s->num, mpq_numref(x), k);
    } else {   /* over the least common denominator */
        mpz_t l;
        mpz_init(l);
        mpz_lcm(l, s->den, mpq_denref(x));
        mpz_divexact(k, l, s->den);
        mpz_mul(s->num, s->num, k);
        mpz_divexact(k, l, mpq_denref(x));
        mpz_addmul(s->num, mpq_numref(x), k);
        mpz_swap(s->den, l);
        mpz_clear(l);
    }
    mpz_clear(k);
}

void engine_sum_fold(engine_sum_t *s, mpq_t into)
{
    mpq_t t;
    mpq_init(t);
    mpz_swap(mpq_numref(t), s->num);
    mpz_swap(mpq_denref(t), s->den);
    mpq_canonicalize(t);
    mpq_add(into, into, t);
    mpq_clear(t);
    mpz_set_ui(s->den, 1);
}

/* ---------- rounding ---------- */

void engine_round_as(engine_t *en, mpq_t x, int is_line, round_mode mode)
{
    const contract_t *c = en->c;
    if (c->rounding == CONTRACT_ROUND_NONE || (c->rounding == CONTRACT_ROUND_LINES) != is_line) return;
    /* the contract's quantum, or the currency's minor unit: 0.01 USD, 1 JPY (cents until a rate has set the currency) */
    int decimals = en->currency >= 0 ? units_currency_decimals(units_dimension_name(en->u, en->currency)) : 2;
    value_round_to(x, c->quantum ? c->quantum->u.num.q : NULL, decimals, mode);
}

void engine_round(engine_t *en, mpq_t x, int is_line) { engine_round_as(en, x, is_line, en->c->mode); }

/* ---------- amounts per month ---------- */

int engine_per_time(engine_t *en, const value_t *v, const dim_t *base, int per, const mpq_t share, const char *what, mpq_t out)
{
    dim_t per_time;
    dim_combine(&per_time, base, &en->time, -1);
    if (dim_eq(value_dim(v), &per_time)) {
        mpq_mul(out, v->u.num.q, units_get(en->u, per)->factor);
    } else if (dim_eq(value_dim(v), base)) {
        mpq_set(out, v->u.num.q);
    } else {
        char *d = engine_dims_text(en, value_dim(v)), *m = engine_dims_text(en, &per_time), *q = NULL;
        if (base != &en->money) q = engine_dims_text(en, base);
        int r = engine_fail(en, diag_format("%s is %s; expected %s per %s (%s)", what, d ? d : "?", q ? q : "money",
                                            units_get(en->u, per)->name, m ? m : "?"));
        free(d); free(m); free(q);
        return r;
    }
    mpq_mul(out, out, share);
    return 1;
}

int engine_per_period(engine_t *en, const value_t *v, const mpq_t share, const char *what, mpq_t out)
{
    return engine_per_time(en, v, &en->money, en->month, share, what, out);
}

/* Whether line s is in force on day d. */
static int in_force(const commit_step_t *s, date_t d)
{
    return !(s->has_from && d < s->from) && !(s->has_until && d >= s->until);
}

/* The first day after d, before end, where the lines in force or their escalation may
 * change: a line's from or until, the first of the next month, an anniversary. */
static date_t segment_end(const contract_t *c, const commit_step_t *steps, size_t n, date_t d, date_t end)
{
    int y, m, dd;
    dates_to_ymd(d, &y, &m, &dd);
    date_t next = dates_add_months(dates_from_ymd(y, m, 1), 1), year_end;
    if (next < end) end = next;
    for (size_t i = 0; i < n; i++) {
        if (steps[i].has_from && steps[i].from > d && steps[i].from < end) end = steps[i].from;
        if (steps[i].has_until && steps[i].until > d && steps[i].until < end) end = steps[i].until;
        if (steps[i].escalates && (engine_contract_year(c, d, &year_end), year_end < end)) end = year_end;
    }
    return end;
}

/* Line i's part of a segment: its amount per month x share (x the escalation factor of the
 * segment's contract year when it escalates). */
static int segment_part(engine_t *en, const commit_step_t *step, const dim_t *base, const mpq_t share, date_t d,
                        const char *what, mpq_t part)
{
    if (!engine_per_time(en, step->amount, base, en->month, share, what, part)) return 0;
    if (step->escalates) {
        date_t year_end;
        mpq_t f;
        mpq_init(f);
        engine_year_factor(en->c->escalate, engine_contract_year(en->c, d, &year_end), f);
        mpq_mul(part, part, f);
        mpq_clear(f);
    }
    return 1;
}

int engine_dated_quantity(engine_t *en, const commit_step_t *steps, size_t n, int last_wins, const dim_t *base,
                          const char *what, const period_t *p, mpq_t out, size_t *bad)
{
    mpq_t part, share;
    mpq_inits(part, share, NULL);
    mpq_set_ui(out, 0, 1);
    int ok = 1;
    for (date_t d = p->start; ok && d < p->end;) {
        date_t to = segment_end(en->c, steps, n, d, p->end);
        int y, m, dd;
        dates_to_ymd(d, &y, &m, &dd);
        mpq_set_ui(share, (unsigned long)(to - d), (unsigned long)dates_days_in_month(y, m));
        mpq_canonicalize(share);
        size_t last = n;
        for (size_t i = 0; ok && i < n; i++) {
            if (!in_force(&steps[i], d)) continue;
            if (last_wins) { last = i; continue; }
            if (!(ok = segment_part(en, &steps[i], base, share, d, what, part))) *bad = i;
            else mpq_add(out, out, part);
        }
        if (ok && last_wins && last < n) {
            if (!(ok = segment_part(en, &steps[last], base, share, d, what, part))) *bad = last;
            else mpq_add(out, out, part);
        }
        d = to;
    }
    mpq_clears(part, share, NULL);
    return ok;
}

int engine_dated_amount(engine_t *en, const commit_step_t *steps, size_t n, int last_wins, fault_kind kind,
                        const char *what, const period_t *p, mpq_t out)
{
    size_t bad = 0;
    return engine_dated_quantity(en, steps, n, last_wins, &en->money, what, p, out, &bad) ||
           engine_fail_at(en, kind, FAULT_OTHER, bad, NULL);
}

/* ---------- hourly usage ---------- */

void engine_period_hours(const engine_t *en, const period_t *p, size_t *from, size_t *to)
{
    size_t n = en->hours ? en->hours->nhours : 0;
    *from = (size_t)(p->start - en->c->start) * 24;
    *to = (size_t)(p->end - en->c->start) * 24;
    if (*to > n) *to = n;
    if (*from > *to) *from = *to;
}

/* A level held hour by hour against a rate per calendar month: each calendar month's
 * hours count as 730 / its own hours, so a month held whole is one month whatever its
 * length, and a billing period of several months counts each month by its own hours. */
static void calendar_hours(engine_t *en, const period_t *p, size_t s, mpq_t out)
{
    const contract_hours_t *h = en->hours;
    mpq_t part, m;
    mpq_inits(part, m, NULL);
    mpq_set_ui(out, 0, 1);
    for (date_t d = p->start; d < p->end;) {
        int y, mo, dd;
        dates_to_ymd(d, &y, &mo, &dd);
        date_t to = dates_add_months(dates_from_ymd(y, mo, 1), 1);
        if (to > p->end) to = p->end;
        size_t a = (size_t)(d - en->c->start) * 24, b = (size_t)(to - en->c->start) * 24;
        if (b > h->nhours) b = h->nhours;
        mpq_set_ui(part, 0, 1);
        for (size_t i = a; i < b; i++) mpq_add(part, part, h->q[s * h->nhours + i]);
        mpq_set_ui(m, (unsigned long)dates_days_in_month(y, mo) * 24, 1);
        mpq_mul(m, m, units_get(en->u, en->hour)->factor);
        month_scale(en, m, m);
        mpq_mul(part, part, m);
        mpq_add(out, out, part);
        d = to;
    }
    mpq_clears(part, m, NULL);
}

int engine_hours_quantity(engine_t *en, const period_t *p, size_t s, mpq_t out)
{
    const contract_hours_t *h = en->hours;
    const value_t *rate = engine_sku_rate(&en->c->skus[s]);
    dim_t prod;
    int money = dim_combine(&prod, &h->dim[s], value_dim(rate), 1) ? dim_single(&prod) : -1;
    if (money < 0) {
        char *du = engine_dims_text(en, &h->dim[s]), *dr = engine_dims_text(en, value_dim(rate));
        int r = engine_fail_at(en, FAULT_USAGE, FAULT_UNFIT, s, diag_format("hourly usage of %s is in %s, which its rate in %s cannot price",
                                                                         en->c->skus[s].sku, du ? du : "?", dr ? dr : "?"));
        free(du); free(dr);
        return r;
    }
    if (!engine_set_money(en, money, en->c->skus[s].sku)) return engine_fail_at(en, FAULT_RATE, FAULT_OTHER, s, NULL);
    size_t from, to;
    engine_period_hours(en, p, &from, &to);
    const mpq_t *hours = NULL;
    if (h->level[s] && month_rule(en, rate, &hours) == MONTH_CALENDAR) {
        calendar_hours(en, p, s, out);
        return 1;
    }
    mpq_set_ui(out, 0, 1);
    for (size_t i = from; i < to; i++) mpq_add(out, out, h->q[s * h->nhours + i]);
    if (h->level[s]) {
        mpq_t f;
        mpq_init(f);
        month_factor(en, rate, p, f);
        mpq_mul(out, out, f);
        mpq_clear(f);
    }
    return 1;
}
