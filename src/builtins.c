/* builtins: rounding, extremes, aggregates, calendar helpers and the approximate
 * functions (computed with MPFR and marked approximate). */
#include "builtins.h"
#include "diag.h"
#include "mpfr_dl.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int need_num(value_t *v, const char *fn, char **err)
{
    if (v->kind == V_NUM) return 1;
    *err = diag_format("%s() needs a number or quantity, not a %s", fn, value_kind_name(v));
    return 0;
}

static value_t *round_to_integer(units_t *u, value_t *x, round_mode mode, const char *fn, char **err)
{
    if (!need_num(x, fn, err)) return NULL;
    if (!dim_is_zero(value_dim(x))) {
        uterm_t t;
        value_display_unit(u, x, &t);
        char *unit = uterm_format(u, &t);
        *err = diag_format("%s() of a quantity needs a quantum, such as %s(x, 1 %s)", fn, fn, unit ? unit : "unit");
        free(unit);
        return NULL;
    }
    mpz_t n;
    mpz_init(n);
    value_round_q(n, x->u.num.q, mode);
    mpq_t q;
    mpq_init(q);
    mpq_set_z(q, n);
    value_t *r = value_num(q);
    mpq_clear(q);
    mpz_clear(n);
    if (r) r->u.num.approx = x->u.num.approx;   /* rounding an approximation does not make it exact */
    return r;
}

static value_t *b_round(units_t *u, value_t **a, size_t n, char **err)
{
    round_mode mode = RM_HALF_EVEN;
    if (n == 3) {
        if (a[2]->kind != V_STR || !value_round_mode_parse(a[2]->u.s, &mode)) {
            *err = diag_format("unknown rounding mode: use half_even, half_up, half_down, up, down, ceiling or floor");
            return NULL;
        }
    }
    if (n == 1) return round_to_integer(u, a[0], mode, "round", err);
    if (!need_num(a[0], "round", err) || !need_num(a[1], "round", err)) return NULL;
    return value_round(u, a[0], a[1], mode, err);
}

static value_t *b_floor(units_t *u, value_t **a, size_t n, char **err)
{
    if (n == 2) return value_round(u, a[0], a[1], RM_FLOOR, err);
    return round_to_integer(u, a[0], RM_FLOOR, "floor", err);
}

static value_t *b_ceil(units_t *u, value_t **a, size_t n, char **err)
{
    if (n == 2) return value_round(u, a[0], a[1], RM_CEILING, err);
    return round_to_integer(u, a[0], RM_CEILING, "ceil", err);
}

static value_t *b_abs(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (!need_num(a[0], "abs", err)) return NULL;
    return mpq_sgn(a[0]->u.num.q) < 0 ? value_neg(a[0], err) : value_ref(a[0]);
}

/* min/max over arguments, or over one list argument */
static value_t *pick(units_t *u, value_t **items, size_t n, int want, const char *fn, char **err)
{
    if (n == 0) { *err = diag_format("%s() of an empty list", fn); return NULL; }
    value_t *best = items[0];
    for (size_t i = 1; i < n; i++) {
        int c;
        if (!value_compare(u, items[i], best, &c, err)) return NULL;
        if (c == want) best = items[i];
    }
    return value_ref(best);
}

static value_t *b_min(units_t *u, value_t **a, size_t n, char **err)
{
    if (n == 1 && a[0]->kind == V_LIST) return pick(u, a[0]->u.list.items, a[0]->u.list.n, -1, "min", err);
    return pick(u, a, n, -1, "min", err);
}

static value_t *b_max(units_t *u, value_t **a, size_t n, char **err)
{
    if (n == 1 && a[0]->kind == V_LIST) return pick(u, a[0]->u.list.items, a[0]->u.list.n, 1, "max", err);
    return pick(u, a, n, 1, "max", err);
}

static value_t *b_sum(units_t *u, value_t **a, size_t n, char **err)
{
    (void)n;
    if (a[0]->kind != V_LIST) { *err = diag_format("sum() needs a list, not a %s", value_kind_name(a[0])); return NULL; }
    size_t len = a[0]->u.list.n;
    if (len == 0) return value_num_si(0);
    value_t *acc = value_ref(a[0]->u.list.items[0]);
    for (size_t i = 1; i < len && acc; i++) acc = value_add_taking(u, acc, a[0]->u.list.items[i], err);
    return acc;
}

static value_t *b_len(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind == V_LIST) return value_num_si((long)a[0]->u.list.n);
    if (a[0]->kind == V_STR) {   /* characters: sources are UTF-8, so count the bytes that start one */
        long chars = 0;
        for (const unsigned char *p = (const unsigned char *)a[0]->u.s; *p; p++) chars += (*p & 0xc0) != 0x80;
        return value_num_si(chars);
    }
    if (a[0]->kind == V_RECORD) return value_num_si((long)a[0]->u.rec.n);
    *err = diag_format("len() needs a list, string or record, not a %s", value_kind_name(a[0]));
    return NULL;
}

/* Whether a record has a field: records in the stdlib leave out figures with no source. */
static value_t *b_has(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind != V_RECORD || a[1]->kind != V_STR) {
        *err = diag_format("has() needs a record and a field name in quotes, has(H100_SXM, \"power\"), not a %s and a %s",
                           value_kind_name(a[0]), value_kind_name(a[1]));
        return NULL;
    }
    return value_bool(value_record_get(a[0], a[1]->u.s) != NULL);
}

static int whole(const value_t *v, long lo, long hi, long *out)
{
    if (v->kind != V_NUM || !dim_is_zero(value_dim(v)) || mpz_cmp_ui(mpq_denref(v->u.num.q), 1) != 0 ||
        !mpz_fits_slong_p(mpq_numref(v->u.num.q)))
        return 0;
    *out = mpz_get_si(mpq_numref(v->u.num.q));
    return *out >= lo && *out <= hi;
}

static value_t *b_range(units_t *u, value_t **a, size_t n, char **err)
{
    /* range(from, to[, step]): inclusive of both ends, exact steps */
    value_t *step = n == 3 ? value_ref(a[2]) : value_num_si(1);
    if (!step) return NULL;
    value_t *r = NULL;
    if (!value_same_dim(u, a[0], a[1], "make a range of", err) || !value_same_dim(u, a[0], step, "step a range of", err)) goto out;
    if (mpq_sgn(step->u.num.q) <= 0) { *err = diag_format("range() step must be positive"); goto out; }
    mpq_t span;
    mpq_init(span);
    mpq_sub(span, a[1]->u.num.q, a[0]->u.num.q);
    mpq_div(span, span, step->u.num.q);
    mpz_t count;
    mpz_init(count);
    mpz_fdiv_q(count, mpq_numref(span), mpq_denref(span));
    mpq_clear(span);
    if (mpz_sgn(count) < 0 || mpz_cmp_ui(count, 100000) >= 0) {
        *err = diag_format(mpz_sgn(count) < 0 ? "range() end is before its start" : "range() would have more than 100,000 items");
        mpz_clear(count);
        goto out;
    }
    size_t len = mpz_get_ui(count) + 1;
    mpz_clear(count);
    /* every item may be as large as the larger end: bound the whole list */
    size_t bits = value_bits(a[0]->u.num.q) > value_bits(a[1]->u.num.q) ? value_bits(a[0]->u.num.q) : value_bits(a[1]->u.num.q);
    bits += value_bits(step->u.num.q);
    if (bits > (size_t)VALUE_MAX_BITS * 64 / len) { *err = diag_format("range() would take too much memory: its items are too large"); goto out; }
    value_t **items = calloc(len, sizeof *items);
    if (!items) { *err = diag_format("out of memory"); goto out; }
    value_t *cur = value_ref(a[0]);
    for (size_t i = 0; i < len && cur; i++) {
        items[i] = cur;
        cur = i + 1 < len ? value_add(u, cur, step, err) : NULL;
        if (i + 1 < len && !cur) { for (size_t k = 0; k <= i; k++) value_free(items[k]); free(items); goto out; }
    }
    r = value_list(items, len);
out:
    value_free(step);
    return r;
}

static value_t *b_add_months(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    long k;
    if (a[0]->kind == V_DATE && a[1]->kind == V_NUM && dim_is_zero(value_dim(a[1])) &&
        mpz_cmp_ui(mpq_denref(a[1]->u.num.q), 1) == 0 && !mpz_fits_slong_p(mpq_numref(a[1]->u.num.q))) {
        *err = diag_format(DATES_RANGE_ERROR);   /* whole, but years beyond any date */
        return NULL;
    }
    if (a[0]->kind != V_DATE || !whole(a[1], LONG_MIN, LONG_MAX, &k)) {
        *err = diag_format("add_months(date, n) needs a date and a whole number of months");
        return NULL;
    }
    date_t d = k < -120000 || k > 120000 ? DATES_LAST + 1 : dates_add_months(a[0]->u.date, k);
    if (!dates_in_range(d)) { *err = diag_format(DATES_RANGE_ERROR); return NULL; }
    return value_date(d);
}

static value_t *b_days_in_month(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind != V_DATE) { *err = diag_format("days_in_month() needs a date"); return NULL; }
    int y, m, d;
    dates_to_ymd(a[0]->u.date, &y, &m, &d);
    return value_num_si(dates_days_in_month(y, m));
}

static value_t *b_year_of(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind != V_DATE) { *err = diag_format("year_of() needs a date"); return NULL; }
    int y, m, d;
    dates_to_ymd(a[0]->u.date, &y, &m, &d);
    return value_num_si(y);
}

static value_t *b_month_of(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind != V_DATE) { *err = diag_format("month_of() needs a date"); return NULL; }
    int y, m, d;
    dates_to_ymd(a[0]->u.date, &y, &m, &d);
    return value_num_si(m);
}

/* The hour of the day (0..23) of a time since a midnight, such as a workload's t. */
static value_t *b_hour_of_day(units_t *u, value_t **a, size_t n, char **err)
{
    (void)n;
    int hour = units_find(u, "hour");
    if (hour < 0 || a[0]->kind != V_NUM || !dim_eq(value_dim(a[0]), &units_get(u, hour)->dim)) {
        *err = diag_format("hour_of_day() needs a time, such as a workload's t");
        return NULL;
    }
    mpq_t h;
    mpz_t z;
    mpq_init(h);
    mpz_init(z);
    mpq_div(h, a[0]->u.num.q, units_get(u, hour)->factor);
    mpz_fdiv_q(z, mpq_numref(h), mpq_denref(h));
    mpz_fdiv_r_ui(z, z, 24);
    value_t *r = value_num_si((long)mpz_get_ui(z));
    mpz_clear(z);
    mpq_clear(h);
    return r;
}

/* Approximate functions: 128-bit MPFR, converted back to a rational marked approximate.
 * Units: sqrt halves the dimension exponents (all must be even); exp and ln need plain numbers. */
enum { APPROX_BITS = 128 };

static value_t *from_mpfr(mpfr_t x, const dim_t *dim, char **err)
{
    if (!mpfr_number_p(x)) { *err = diag_format("result is not a finite number"); return NULL; }
    mpq_t q;
    mpq_init(q);
    mpfr_exp_t e = mpfr_get_exp(x);
    if (mpfr_zero_p(x) || (e > -100000 && e < 100000)) {
        mpz_t m;
        mpz_init(m);
        mpfr_exp_t ex = mpfr_get_z_2exp(m, x);
        mpq_set_z(q, m);
        if (ex >= 0) mpq_mul_2exp(q, q, (mp_bitcnt_t)ex); else mpq_div_2exp(q, q, (mp_bitcnt_t)-ex);
        mpz_clear(m);
    } else {
        mpq_clear(q);
        *err = diag_format("result out of range");
        return NULL;
    }
    value_t *v = value_quantity(q, dim, NULL);
    mpq_clear(q);
    if (v) v->u.num.approx = 1;
    return v;
}

/* 0 with *err set when MPFR cannot be loaded (it is loaded on first use). */
static int to_mpfr(mpfr_t out, const value_t *v, char **err)
{
    if (!mpfr_dl_open()) {
        *err = diag_format("cannot load libmpfr, the GNU MPFR library that approximate functions need (Debian: apt-get install libmpfr6)");
        return 0;
    }
    mpfr_init2(out, APPROX_BITS);
    mpfr_set_q(out, v->u.num.q, MPFR_RNDN);
    return 1;
}

/* The display unit of a square root: every exponent halved, when all are even. */
static void halve_disp(const value_t *x, value_t *r)
{
    uterm_t t = *value_disp(x);
    for (int i = 0; t.n != UTERM_NONE && i < t.n; i++) {
        if (t.t[i].exp % 2) return;
        t.t[i].exp = (signed char)(t.t[i].exp / 2);
    }
    value_set_disp(r, &t);
}

static value_t *b_sqrt(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (!need_num(a[0], "sqrt", err)) return NULL;
    if (mpq_sgn(a[0]->u.num.q) < 0) { *err = diag_format("sqrt() of a negative number"); return NULL; }
    dim_t half;
    for (int i = 0; i < DIM_MAX; i++) {
        if (value_dim(a[0])->e[i] % 2) { *err = diag_format("sqrt() of a quantity whose unit is not a square"); return NULL; }
        half.e[i] = (signed char)(value_dim(a[0])->e[i] / 2);
    }
    /* An exact square stays exact. */
    if (mpz_perfect_square_p(mpq_numref(a[0]->u.num.q)) && mpz_perfect_square_p(mpq_denref(a[0]->u.num.q))) {
        mpq_t r;
        mpq_init(r);
        mpz_sqrt(mpq_numref(r), mpq_numref(a[0]->u.num.q));
        mpz_sqrt(mpq_denref(r), mpq_denref(a[0]->u.num.q));
        value_t *v = value_quantity(r, &half, NULL);
        mpq_clear(r);
        if (v) halve_disp(a[0], v);
        return v;
    }
    mpfr_t x;
    if (!to_mpfr(x, a[0], err)) return NULL;
    mpfr_sqrt(x, x, MPFR_RNDN);
    value_t *v = from_mpfr(x, &half, err);
    mpfr_clear(x);
    if (v) halve_disp(a[0], v);
    return v;
}

/* The function is named, not passed: MPFR's names are only valid once to_mpfr loaded it. */
typedef enum { APPROX_LN, APPROX_EXP } approx_fn;

static value_t *unary_approx(value_t *a, approx_fn which, char **err)
{
    const char *fn = which == APPROX_LN ? "ln" : "exp";
    if (!need_num(a, fn, err)) return NULL;
    if (!dim_is_zero(value_dim(a))) { *err = diag_format("%s() needs a plain number, not a quantity", fn); return NULL; }
    mpfr_t x;
    if (!to_mpfr(x, a, err)) return NULL;
    if (which == APPROX_LN) mpfr_log(x, x, MPFR_RNDN); else mpfr_exp(x, x, MPFR_RNDN);
    dim_t none;
    memset(&none, 0, sizeof none);
    value_t *v = from_mpfr(x, &none, err);
    mpfr_clear(x);
    return v;
}

static value_t *b_ln(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind == V_NUM && mpq_sgn(a[0]->u.num.q) <= 0) { *err = diag_format("ln() of a number that is not positive"); return NULL; }
    return unary_approx(a[0], APPROX_LN, err);
}

static value_t *b_exp(units_t *u, value_t **a, size_t n, char **err)
{
    (void)u; (void)n;
    if (a[0]->kind == V_NUM && mpq_cmp_si(a[0]->u.num.q, 100000, 1) > 0) { *err = diag_format("exp() argument too large"); return NULL; }
    return unary_approx(a[0], APPROX_EXP, err);
}

static const builtin_t table[] = {
    {"round", 1, 3, b_round, "round(x[, quantum[, mode]]): x to a multiple of quantum (a whole number without one); modes half_even (default), half_up, half_down, up, down, ceiling, floor"},
    {"floor", 1, 2, b_floor, "floor(x[, quantum])"},
    {"ceil", 1, 2, b_ceil, "ceil(x[, quantum])"},
    {"abs", 1, 1, b_abs, "abs(x)"},
    {"min", 1, 1000, b_min, "min(a, b, ...) or min(list)"},
    {"max", 1, 1000, b_max, "max(a, b, ...) or max(list)"},
    {"sum", 1, 1, b_sum, "sum(list)"},
    {"len", 1, 1, b_len, "len(x): the items of a list, fields of a record or characters of a string"},
    {"has", 2, 2, b_has, "has(record, \"field\"): whether the record has that field"},
    {"range", 2, 3, b_range, "range(from, to[, step]): a list from..to inclusive"},
    {"add_months", 2, 2, b_add_months, "add_months(date, n): the same day n calendar months later"},
    {"days_in_month", 1, 1, b_days_in_month, "days_in_month(date)"},
    {"year_of", 1, 1, b_year_of, "year_of(date)"},
    {"month_of", 1, 1, b_month_of, "month_of(date): 1..12"},
    {"hour_of_day", 1, 1, b_hour_of_day, "hour_of_day(t): 0..23, the hour of the day of a time since midnight (a workload's t)"},
    {"sqrt", 1, 1, b_sqrt, "sqrt(x): exact for exact squares, else approximate (marked ~)"},
    {"ln", 1, 1, b_ln, "ln(x): approximate (marked ~)"},
    {"exp", 1, 1, b_exp, "exp(x): approximate (marked ~)"},
};

const builtin_t *builtins_find(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].name, name)) return &table[i];
    return NULL;
}

const builtin_t *builtins_all(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}
