/* Unit tests for src/value.c: exact literals, arithmetic with dimensions and display
 * units, size guards, rounding, conversion, equality and reference counting.
 * Expected values are worked out by hand in the comments; the larger ones are
 * re-derived with Python fractions in check_expected.py beside this file. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

static eval_t *env;
static units_t *U;

static void teardown(void) { eval_free(env); env = NULL; U = NULL; }
static void setup(void) { env = h_eval_prelude(); U = eval_units(env); h_on_teardown(teardown); }

TestSuite(value, .init = setup, .fini = h_teardown);

/* Checks v's base-unit quantity against a fraction and frees the text helpers. */
#define expect_q(v, frac) do {                                                         \
        char *got_ = h_q_text((v)->u.num.q);                                           \
        cr_expect(h_q_is((v)->u.num.q, frac), "expected %s, got %s", frac, got_);      \
        free(got_);                                                                    \
    } while (0)
#define expect_text(v, want) do {                                                      \
        char *got_ = h_text(U, v);                                                     \
        cr_expect_str_eq(got_, want);                                                  \
        free(got_);                                                                    \
    } while (0)
#define expect_err_has(err, needle) do {                                               \
        cr_assert_not_null(err, "expected an error containing '%s'", needle);          \
        cr_expect(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);   \
    } while (0)

/* ---------- literals ---------- */

static void lit_is(const char *text, int scale, int percent, const char *frac)
{
    char *err = NULL;
    value_t *v = value_from_literal(text, scale, percent, &err);
    if (!v) {
        cr_expect_not_null(v, "%s: %s", text, err ? err : "?");
        free(err);
        return;
    }
    cr_expect_eq(v->kind, V_NUM);
    cr_expect(value_is_dimensionless(v), "%s should be dimensionless", text);
    char *got = h_q_text(v->u.num.q);
    cr_expect(h_q_is(v->u.num.q, frac), "%s (scale %d, percent %d): expected %s, got %s",
              text, scale, percent, frac, got);
    free(got);
    value_free(v);
}

UTEST(value, literal_decimal_is_exact)
{
    lit_is("0.1", 0, 0, "1/10");
    lit_is("0.10", 0, 0, "1/10");
    lit_is("2.10", 0, 0, "21/10");
    lit_is("0.125", 0, 0, "1/8");
    lit_is("0", 0, 0, "0");
    lit_is("007", 0, 0, "7");
    /* 0.1 + 0.2 is exactly 3/10, not 0.30000000000000004 */
    value_t *a = h_lit("0.1"), *b = h_lit("0.2"), *c = h_lit("0.3");
    char *err = NULL;
    value_t *s = value_add(U, a, b, &err);
    cr_assert_not_null(s);
    int eq = 0;
    cr_assert(value_equal(U, s, c, &eq, &err));
    cr_expect(eq);
    value_free(a); value_free(b); value_free(c); value_free(s);
}

UTEST(value, literal_exponent_and_underscores)
{
    /* 3.79e25 = 379 * 10^23 */
    lit_is("3.79e25", 0, 0, "37900000000000000000000000");
    lit_is("1e-3", 0, 0, "1/1000");
    lit_is("1E3", 0, 0, "1000");
    lit_is("1e+3", 0, 0, "1000");
    lit_is("2.5e-1", 0, 0, "1/4");
    lit_is("1_000", 0, 0, "1000");
    lit_is("1_000_000", 0, 0, "1000000");
    /* 1_000.5e-3 = 1000.5 / 1000 = 10005/10000 = 2001/2000 */
    lit_is("1_000.5e-3", 0, 0, "2001/2000");
    lit_is("0.000_1", 0, 0, "1/10000");
}

UTEST(value, literal_percent_and_scale_words)
{
    lit_is("40", 0, 1, "2/5");
    lit_is("12.5", 0, 1, "1/8");
    lit_is("99.9", 0, 1, "999/1000");
    lit_is("100", 0, 1, "1");
    /* scale words pass their power of ten: million = 6, trillion = 12 */
    lit_is("920", 6, 0, "920000000");
    lit_is("15.6", 12, 0, "15600000000000");
    lit_is("405", 9, 0, "405000000000");
    lit_is("1.5", 3, 0, "1500");
    lit_is("0.001", 3, 0, "1");
    /* a scaled percent: 2.5 thousand % = 2500 / 100 = 25 */
    lit_is("2.5", 3, 1, "25");
}

UTEST(value, literal_huge_exponent_is_refused)
{
    char *err = NULL;
    /* more than 7 exponent digits is refused before strtol or any power is computed */
    value_t *v = value_from_literal("1e99999999999999999999", 0, 0, &err);
    cr_expect_null(v);
    expect_err_has(err, "exponent too large");
    free(err);
    err = NULL;
    v = value_from_literal("1e100001", 0, 0, &err);
    cr_expect_null(v);
    expect_err_has(err, "exponent too large");
    free(err);
    err = NULL;
    v = value_from_literal("1e-100001", 0, 0, &err);
    cr_expect_null(v);
    expect_err_has(err, "exponent too large");
    free(err);
    err = NULL;
    /* the scale word counts too: 1e99995 trillion is 10^100007 */
    v = value_from_literal("1e99995", 12, 0, &err);
    cr_expect_null(v);
    expect_err_has(err, "exponent too large");
    free(err);
    err = NULL;
    /* the limit itself is accepted: 10^100000 has 100001 digits */
    v = value_from_literal("1e100000", 0, 0, &err);
    cr_assert_not_null(v, "%s", err ? err : "?");
    cr_expect_eq(mpz_sizeinbase(mpq_numref(v->u.num.q), 10), 100001);
    value_free(v);
}

/* ---------- arithmetic with units ---------- */

UTEST(value, gpu_hour_example)
{
    /* 2.10 USD/(gpu*hour) * 730 hour * 8 gpu = 2.10 * 5840 = 12264 USD */
    value_t *rate = h_qty(U, "2.10", "USD", 1, "gpu", -1, "hour", -1, NULL);
    value_t *hours = h_qty(U, "730", "hour", 1, NULL);
    value_t *gpus = h_qty(U, "8", "gpu", 1, NULL);
    char *ut = h_unit_text(U, rate);
    cr_expect_str_eq(ut, "USD/(gpu*hour)");
    free(ut);
    char *err = NULL;
    value_t *a = value_mul(U, rate, hours, &err);
    cr_assert_not_null(a, "%s", err ? err : "?");
    ut = h_unit_text(U, a);
    cr_expect_str_eq(ut, "USD/gpu");
    free(ut);
    value_t *b = value_mul(U, a, gpus, &err);
    cr_assert_not_null(b, "%s", err ? err : "?");
    expect_q(b, "12264");
    char *dt = h_dim_text(U, b);
    cr_expect_str_eq(dt, "USD");
    free(dt);
    expect_text(b, "12264 USD");
    value_free(rate); value_free(hours); value_free(gpus); value_free(a); value_free(b);
}

/* A quantity carries interned ids: equal dimensions and display units, however they were
 * reached, have one id each; the vector and the terms read back through value_dim and
 * value_disp; value_set_disp changes only the display unit. */
UTEST(value, dimensions_and_display_units_are_interned)
{
    value_t *usd = h_unit(U, "USD"), *hour = h_unit(U, "hour"), *min = h_unit(U, "min");
    char *err = NULL;
    value_t *rate = value_div(U, usd, hour, &err);   /* USD/hour, by division */
    cr_assert_not_null(rate);
    value_t *same = h_qty(U, "3", "USD", 1, "hour", -1, NULL);   /* USD/hour, built from the terms */
    cr_expect_eq(same->u.num.dim_id, rate->u.num.dim_id);
    cr_expect_eq(same->u.num.disp_id, rate->u.num.disp_id);
    cr_expect_neq(rate->u.num.dim_id, usd->u.num.dim_id);
    cr_expect_neq(rate->u.num.dim_id, 0);
    cr_expect_eq(hour->u.num.dim_id, min->u.num.dim_id);       /* one dimension (time) */
    cr_expect_neq(hour->u.num.disp_id, min->u.num.disp_id);    /* two display units */
    /* a copy of the vector and terms gives the same ids back */
    dim_t d = *value_dim(rate);
    uterm_t t = *value_disp(rate);
    value_t *copy = value_quantity(same->u.num.q, &d, &t);
    cr_assert_not_null(copy);
    cr_expect_eq(copy->u.num.dim_id, rate->u.num.dim_id);
    cr_expect_eq(copy->u.num.disp_id, rate->u.num.disp_id);
    cr_expect(dim_eq(value_dim(copy), &d));
    expect_text(copy, "3 USD/hour");
    char *dt = h_dim_text(U, copy);
    cr_expect_str_eq(dt, "USD/time");
    free(dt);
    /* USD/hour shown per minute: the same quantity, another display unit */
    value_t *per_min = value_div(U, usd, min, &err);
    cr_assert_not_null(per_min);
    value_set_disp(copy, value_disp(per_min));
    cr_expect_eq(copy->u.num.disp_id, per_min->u.num.disp_id);
    cr_expect_eq(copy->u.num.dim_id, rate->u.num.dim_id);
    expect_text(copy, "0.05 USD/min");
    /* a plain number has dimension 0 and the empty display unit */
    value_t *n = h_frac("5/2");
    cr_expect_eq(n->u.num.dim_id, 0);
    cr_expect_eq(n->u.num.disp_id, UTERM_ID_EMPTY);
    cr_expect(dim_is_zero(value_dim(n)));
    cr_expect_eq(value_disp(n)->n, 0);
    value_free(usd); value_free(hour); value_free(min); value_free(rate); value_free(same);
    value_free(copy); value_free(per_min); value_free(n);
}

/* A failed operation says what kind of fault it is (value_last_fault), and the interpreter
 * reports that kind whatever the message's words: a date moved by money is a dimension
 * fault though its message names no unit, and a division by zero a runtime one. */
static void fault_is(const char *program, diag_kind want, const char *says)
{
    diag_t *err = NULL;
    eval_t *e = h_eval_program(program, &err);
    cr_assert_not_null(err, "%s should fail", program);
    cr_expect_eq(err->kind, want, "%s: kind %d, want %d (%s)", program, (int)err->kind, (int)want, err->msg);
    cr_expect(strstr(err->msg, says) != NULL, "%s: '%s' lacks '%s'", program, err->msg, says);
    diag_free(err);
    eval_free(e);
}

UTEST(value, operations_give_their_fault)
{
    value_t *usd = h_unit(U, "USD"), *hour = h_unit(U, "hour"), *zero = h_frac("0");
    char *err = NULL;
    cr_expect_null(value_add(U, usd, hour, &err));
    cr_expect_eq(value_last_fault(), VALUE_FAULT_UNIT);
    free(err);
    cr_expect_null(value_div(U, usd, zero, &err));
    cr_expect_eq(value_last_fault(), VALUE_FAULT_RUNTIME);
    free(err);
    value_t *big = h_frac("3"), *e = h_frac("2000000");
    cr_expect_null(value_pow(U, big, e, &err));
    cr_expect_eq(value_last_fault(), VALUE_FAULT_LIMIT);
    free(err);
    value_free(usd); value_free(hour); value_free(zero); value_free(big); value_free(e);
    fault_is("show 1 USD + 1 hour\n", DIAG_UNIT, "the dimensions differ");
    fault_is("show 2027-01-01 + 5 USD\n", DIAG_UNIT, "a date can only move by a time");
    fault_is("show 1 / 0\n", DIAG_RUNTIME, "division by zero");
    fault_is("show 3 ^ 2000000\n", DIAG_LIMIT, "number too large");
    fault_is("show 1e99999999\n", DIAG_LIMIT, "exponent too large");
    fault_is("show -\"unit\"\n", DIAG_RUNTIME, "cannot negate a string");
    fault_is("show 5 USD in 2 hour\n", DIAG_UNIT, "must be a unit without a number");
}

UTEST(value, quantities_are_kept_in_base_units)
{
    /* 1 hour is 3600 s; 1 month is 730 hour = 2628000 s; 1 GiB = 2^30 * 8 bit */
    value_t *h = h_unit(U, "hour"), *m = h_unit(U, "month"), *g = h_unit(U, "GiB");
    expect_q(h, "3600");
    expect_q(m, "2628000");
    expect_q(g, "8589934592");
    char *mag = h_magnitude(U, g);
    cr_expect_str_eq(mag, "1");
    free(mag);
    value_free(h); value_free(m); value_free(g);
}

UTEST(value, add_keeps_first_display_unit)
{
    /* 1 hour + 30 min = 5400 s, shown in hours: 1.5 hour */
    value_t *a = h_qty(U, "1", "hour", 1, NULL), *b = h_qty(U, "30", "min", 1, NULL);
    char *err = NULL;
    value_t *s = value_add(U, a, b, &err);
    cr_assert_not_null(s);
    expect_q(s, "5400");
    char *mag = h_magnitude(U, s);
    cr_expect_str_eq(mag, "3/2");
    free(mag);
    expect_text(s, "1.5 hour");
    /* and the other way round: 30 min + 1 hour = 90 min */
    value_t *s2 = value_add(U, b, a, &err);
    cr_assert_not_null(s2);
    expect_text(s2, "90 min");
    /* 1 hour - 30 min = 0.5 hour */
    value_t *d = value_sub(U, a, b, &err);
    cr_assert_not_null(d);
    expect_text(d, "0.5 hour");
    value_free(a); value_free(b); value_free(s); value_free(s2); value_free(d);
}

UTEST(value, dimension_errors_name_both_dimensions)
{
    value_t *usd = h_unit(U, "USD"), *hr = h_unit(U, "hour"), *gb = h_unit(U, "GB");
    char *err = NULL;
    cr_expect_null(value_add(U, usd, hr, &err));
    expect_err_has(err, "USD");
    expect_err_has(err, "time");
    expect_err_has(err, "add");
    free(err);
    err = NULL;
    cr_expect_null(value_sub(U, gb, hr, &err));
    expect_err_has(err, "data");
    expect_err_has(err, "time");
    expect_err_has(err, "subtract");
    free(err);
    err = NULL;
    /* USD/hour against USD: the composite dimension is spelled out */
    value_t *rate = value_div(U, usd, hr, &err);
    cr_assert_not_null(rate);
    int c;
    cr_expect_not(value_compare(U, rate, usd, &c, &err));
    expect_err_has(err, "USD/time");
    expect_err_has(err, "compare");
    free(err);
    err = NULL;
    /* a number and a string */
    value_t *s = value_str("x");
    cr_expect_null(value_add(U, usd, s, &err));
    expect_err_has(err, "string");
    free(err);
    value_free(usd); value_free(hr); value_free(gb); value_free(rate); value_free(s);
}

UTEST(value, division_by_zero)
{
    value_t *one = h_qty(U, "1", "USD", 1, NULL), *zero = h_lit("0"), *zusd = h_qty(U, "0", "USD", 1, NULL);
    char *err = NULL;
    cr_expect_null(value_div(U, one, zero, &err));
    expect_err_has(err, "division by zero");
    free(err);
    err = NULL;
    cr_expect_null(value_div(U, zusd, zusd, &err));
    expect_err_has(err, "division by zero");
    free(err);
    err = NULL;
    /* 0^-1 */
    value_t *m1 = value_num_si(-1);
    cr_expect_null(value_pow(U, zero, m1, &err));
    expect_err_has(err, "division by zero");
    free(err);
    value_free(one); value_free(zero); value_free(zusd); value_free(m1);
}

UTEST(value, mul_div_units_cancel)
{
    /* 1 USD/hour * 1 month: hour and month are one dimension, so the display unit
     * cancels to USD and the value is 730 USD. */
    value_t *r = h_qty(U, "1", "USD", 1, "hour", -1, NULL), *m = h_unit(U, "month");
    char *err = NULL;
    value_t *p = value_mul(U, r, m, &err);
    cr_assert_not_null(p);
    expect_q(p, "730");
    expect_text(p, "730 USD");
    /* 1 hour / 1 min = 60, dimensionless, no unit shown */
    value_t *h = h_unit(U, "hour"), *mi = h_unit(U, "min");
    value_t *q = value_div(U, h, mi, &err);
    cr_assert_not_null(q);
    cr_expect(value_is_dimensionless(q));
    expect_q(q, "60");
    expect_text(q, "60");
    /* 920 million USD per month in USD/hour: 920000000 / 730 = 92000000/73 */
    value_t *deal = h_qty(U, "920e6", "USD", 1, "month", -1, NULL);
    value_t *target = h_qty(U, "1", "USD", 1, "hour", -1, NULL);
    value_t *c = value_convert(U, deal, target, &err);
    cr_assert_not_null(c, "%s", err ? err : "?");
    char *mag = h_magnitude(U, c);
    cr_expect_str_eq(mag, "92000000/73");
    free(mag);
    value_free(r); value_free(m); value_free(p); value_free(h); value_free(mi); value_free(q);
    value_free(deal); value_free(target); value_free(c);
}

UTEST(value, unit_exponent_range)
{
    value_t *h = h_unit(U, "hour"), *e100 = value_num_si(100), *e101 = value_num_si(101), *e60 = value_num_si(60);
    char *err = NULL;
    value_t *p = value_pow(U, h, e100, &err);
    cr_assert_not_null(p, "%s", err ? err : "?");
    cr_expect_eq(value_dim(p)->e[units_find_dimension(U, "time")], 100);
    cr_expect_null(value_pow(U, h, e101, &err));
    expect_err_has(err, "unit exponent out of range");
    free(err);
    err = NULL;
    value_t *h60 = value_pow(U, h, e60, &err);
    cr_assert_not_null(h60);
    /* hour^60 * hour^60 = hour^120 */
    cr_expect_null(value_mul(U, h60, h60, &err));
    expect_err_has(err, "unit exponent out of range");
    free(err);
    value_free(h); value_free(e100); value_free(e101); value_free(e60); value_free(p); value_free(h60);
}

/* ---------- powers and size guards ---------- */

UTEST(value, pow_exact)
{
    char *err = NULL;
    struct { const char *base, *exp, *want; } cases[] = {
        { "2", "10", "1024" },
        { "2", "-2", "1/4" },
        { "2/3", "-3", "27/8" },
        { "-3", "3", "-27" },
        { "-1/2", "2", "1/4" },
        { "7", "0", "1" },
        { "0", "0", "1" },          /* 0^0 is 1, as in GMP and most languages */
        { "0", "5", "0" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        value_t *b = h_frac(cases[i].base), *e = h_frac(cases[i].exp);
        value_t *r = value_pow(U, b, e, &err);
        cr_assert_not_null(r, "%s^%s: %s", cases[i].base, cases[i].exp, err ? err : "?");
        char *got = h_q_text(r->u.num.q);
        cr_expect(h_q_is(r->u.num.q, cases[i].want), "%s^%s: expected %s, got %s",
                  cases[i].base, cases[i].exp, cases[i].want, got);
        free(got);
        value_free(b); value_free(e); value_free(r);
    }
    /* (2 hour)^2 = 4 hour^2 = 4 * 3600^2 s^2 = 51840000 s^2 */
    value_t *t = h_qty(U, "2", "hour", 1, NULL), *two = value_num_si(2);
    value_t *sq = value_pow(U, t, two, &err);
    cr_assert_not_null(sq);
    expect_q(sq, "51840000");
    expect_text(sq, "4 hour^2");
    value_free(t); value_free(two); value_free(sq);
}

UTEST(value, pow_refusals)
{
    char *err = NULL;
    value_t *two = value_num_si(2), *half = h_frac("1/2"), *hr = h_unit(U, "hour");
    cr_expect_null(value_pow(U, two, half, &err));
    expect_err_has(err, "not a whole number");
    free(err);
    err = NULL;
    cr_expect_null(value_pow(U, two, hr, &err));
    expect_err_has(err, "plain number");
    free(err);
    err = NULL;
    value_t *s = value_str("a");
    cr_expect_null(value_pow(U, s, two, &err));
    expect_err_has(err, "string");
    free(err);
    value_free(two); value_free(half); value_free(hr); value_free(s);
}

/* 2^(10^12) would need 10^12 bits: refused from the sizes alone, at once. */
UTEST(value, pow_size_guard, .timeout = 10)
{
    char *err = NULL;
    value_t *two = value_num_si(2), *tera = h_lit("1e12");
    cr_expect_null(value_pow(U, two, tera, &err));
    expect_err_has(err, "number too large");
    free(err);
    err = NULL;
    /* an exponent beyond a long */
    value_t *huge = h_lit("1e40");
    cr_expect_null(value_pow(U, two, huge, &err));
    expect_err_has(err, "number too large");
    free(err);
    err = NULL;
    /* 2^(2^20) has 2^20 + 1 bits, one more than VALUE_MAX_BITS */
    value_t *e20 = value_num_si(1L << 20);
    cr_expect_null(value_pow(U, two, e20, &err));
    expect_err_has(err, "number too large");
    free(err);
    err = NULL;
    /* 2^(2^19) is allowed: 524289 bits */
    value_t *e19 = value_num_si(1L << 19);
    value_t *big = value_pow(U, two, e19, &err);
    cr_assert_not_null(big, "%s", err ? err : "?");
    cr_expect_eq(mpz_sizeinbase(mpq_numref(big->u.num.q), 2), (size_t)(1 << 19) + 1);
    /* but its square has 2^20 + 1 bits: multiplication is guarded too */
    cr_expect_null(value_mul(U, big, big, &err));
    expect_err_has(err, "number too large");
    free(err);
    err = NULL;
    /* and a quantity with a unit to a huge power */
    value_t *hr = h_unit(U, "hour");
    cr_expect_null(value_pow(U, hr, tera, &err));
    cr_expect_not_null(err);
    free(err);
    value_free(two); value_free(tera); value_free(huge); value_free(e20); value_free(e19);
    value_free(big); value_free(hr);
}

/* 0, 1 and -1 stay small under any power, so huge exponents are fine for them. */
UTEST(value, pow_trivial_bases_with_huge_exponents, .timeout = 10)
{
    char *err = NULL;
    struct { const char *base, *exp, *want; } cases[] = {
        { "1", "1000000000000", "1" },
        { "-1", "1000000000000", "1" },
        { "-1", "1000000000001", "-1" },
        { "-1", "-1000000000001", "-1" },
        { "1", "-1000000000000", "1" },
        { "0", "1000000000000", "0" },
        { "1", "100000000000000000000000000000000000000000", "1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        value_t *b = h_frac(cases[i].base), *e = h_frac(cases[i].exp);
        value_t *r = value_pow(U, b, e, &err);
        cr_assert_not_null(r, "%s^%s: %s", cases[i].base, cases[i].exp, err ? err : "?");
        cr_expect(h_q_is(r->u.num.q, cases[i].want), "%s^%s", cases[i].base, cases[i].exp);
        value_free(b); value_free(e); value_free(r);
    }
    value_t *z = value_num_si(0), *neg = h_frac("-1000000000000");
    cr_expect_null(value_pow(U, z, neg, &err));
    expect_err_has(err, "division by zero");
    free(err);
    value_free(z); value_free(neg);
}

UTEST(value, size_helpers)
{
    cr_expect(value_size_ok(VALUE_MAX_BITS));
    cr_expect_not(value_size_ok((size_t)VALUE_MAX_BITS + 1));
    mpq_t q;
    mpq_init(q);
    mpq_set_str(q, "255/1024", 10);   /* 8 bits over 11 bits */
    cr_expect_eq(value_bits(q), 11);
    mpq_clear(q);
}

/* ---------- negation, comparison, dates ---------- */

UTEST(value, neg_and_compare)
{
    char *err = NULL;
    value_t *a = h_qty(U, "90", "min", 1, NULL), *b = h_qty(U, "1", "hour", 1, NULL);
    int c = 99;
    cr_assert(value_compare(U, a, b, &c, &err));
    cr_expect_eq(c, 1);
    cr_assert(value_compare(U, b, a, &c, &err));
    cr_expect_eq(c, -1);
    value_t *n = value_neg(a, &err);
    cr_assert_not_null(n);
    expect_text(n, "-90 min");
    value_t *s1 = value_str("abc"), *s2 = value_str("abd");
    cr_assert(value_compare(U, s1, s2, &c, &err));
    cr_expect_eq(c, -1);
    cr_expect_null(value_neg(s1, &err));
    expect_err_has(err, "negate");
    free(err);
    value_free(a); value_free(b); value_free(n); value_free(s1); value_free(s2);
}

UTEST(value, date_arithmetic)
{
    char *err = NULL;
    date_t d0, d1;
    cr_assert(dates_parse("2028-02-01", &d0));
    cr_assert(dates_parse("2028-03-01", &d1));
    value_t *a = value_date(d1), *b = value_date(d0);
    /* 2028 is a leap year: February has 29 days */
    value_t *diff = value_sub(U, a, b, &err);
    cr_assert_not_null(diff, "%s", err ? err : "?");
    expect_text(diff, "29 day");
    expect_q(diff, "2505600");   /* 29 * 86400 s */
    /* date + days and days + date */
    value_t *three = h_qty(U, "3", "day", 1, NULL);
    value_t *p = value_add(U, b, three, &err), *p2 = value_add(U, three, b, &err);
    cr_assert_not_null(p);
    cr_assert_not_null(p2);
    expect_text(p, "2028-02-04");
    expect_text(p2, "2028-02-04");
    value_t *m = value_sub(U, b, three, &err);
    cr_assert_not_null(m);
    expect_text(m, "2028-01-29");
    /* 48 hours is two whole days */
    value_t *h48 = h_qty(U, "48", "hour", 1, NULL);
    value_t *p3 = value_add(U, b, h48, &err);
    cr_assert_not_null(p3);
    expect_text(p3, "2028-02-03");
    /* 1 hour is not a whole number of days; money is not a time */
    value_t *h1 = h_unit(U, "hour"), *usd = h_unit(U, "USD");
    cr_expect_null(value_add(U, b, h1, &err));
    expect_err_has(err, "whole days");
    free(err);
    err = NULL;
    cr_expect_null(value_add(U, b, usd, &err));
    expect_err_has(err, "only move by a time");
    free(err);
    err = NULL;
    /* date + date makes no sense */
    cr_expect_null(value_add(U, a, b, &err));
    cr_expect_not_null(err);
    free(err);
    int c;
    err = NULL;
    cr_assert(value_compare(U, a, b, &c, &err));
    cr_expect_eq(c, 1);
    value_free(a); value_free(b); value_free(diff); value_free(three); value_free(p); value_free(p2);
    value_free(m); value_free(h48); value_free(p3); value_free(h1); value_free(usd);
}

/* ---------- rounding ---------- */

UTEST(value, round_q_every_mode)
{
    /* ties at +-0.5, +-2.5, +-3.5; non-ties at +-1.3 and +-1.7; integers stay */
    static const char *xs[] = { "5/2", "-5/2", "7/2", "-7/2", "13/10", "-13/10", "17/10", "-17/10", "1/2", "-1/2", "3", "-3", "0" };
    static const struct { round_mode m; const char *name; long want[13]; } modes[] = {
        { RM_HALF_EVEN, "half_even", { 2, -2, 4, -4, 1, -1, 2, -2, 0, 0, 3, -3, 0 } },
        { RM_HALF_UP,   "half_up",   { 3, -3, 4, -4, 1, -1, 2, -2, 1, -1, 3, -3, 0 } },
        { RM_HALF_DOWN, "half_down", { 2, -2, 3, -3, 1, -1, 2, -2, 0, 0, 3, -3, 0 } },
        { RM_UP,        "up",        { 3, -3, 4, -4, 2, -2, 2, -2, 1, -1, 3, -3, 0 } },
        { RM_DOWN,      "down",      { 2, -2, 3, -3, 1, -1, 1, -1, 0, 0, 3, -3, 0 } },
        { RM_CEILING,   "ceiling",   { 3, -2, 4, -3, 2, -1, 2, -1, 1, 0, 3, -3, 0 } },
        { RM_FLOOR,     "floor",     { 2, -3, 3, -4, 1, -2, 1, -2, 0, -1, 3, -3, 0 } },
    };
    mpq_t x;
    mpz_t out;
    mpq_init(x);
    mpz_init(out);
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        round_mode parsed;
        cr_expect(value_round_mode_parse(modes[m].name, &parsed), "mode %s", modes[m].name);
        cr_expect_eq(parsed, modes[m].m, "mode %s", modes[m].name);
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
            mpq_set_str(x, xs[i], 10);
            mpq_canonicalize(x);
            value_round_q(out, x, modes[m].m);
            cr_expect_eq(mpz_get_si(out), modes[m].want[i], "%s of %s: expected %ld, got %ld",
                         modes[m].name, xs[i], modes[m].want[i], mpz_get_si(out));
        }
    }
    mpz_clear(out);
    mpq_clear(x);
    round_mode dummy;
    cr_expect_not(value_round_mode_parse("nearest", &dummy));
    cr_expect_not(value_round_mode_parse("", &dummy));
}

UTEST(value, round_to_quantum)
{
    char *err = NULL;
    value_t *x = h_qty(U, "2.345", "USD", 1, NULL), *cent = h_qty(U, "0.01", "USD", 1, NULL);
    /* 2.345 / 0.01 = 234.5, a tie: half_even -> 234, half_up -> 235 */
    value_t *r = value_round(U, x, cent, RM_HALF_EVEN, &err);
    cr_assert_not_null(r);
    expect_q(r, "117/50");   /* 2.34 */
    expect_text(r, "2.34 USD");
    value_t *r2 = value_round(U, x, cent, RM_HALF_UP, &err);
    cr_assert_not_null(r2);
    expect_text(r2, "2.35 USD");
    /* a negative amount: -2.345 -> -2.34 (half_even), -2.35 (half_up), -2.34 (ceiling) */
    value_t *nx = value_neg(x, &err);
    value_t *r3 = value_round(U, nx, cent, RM_HALF_UP, &err), *r4 = value_round(U, nx, cent, RM_CEILING, &err);
    cr_assert_not_null(r3);
    cr_assert_not_null(r4);
    expect_text(r3, "-2.35 USD");
    expect_text(r4, "-2.34 USD");
    /* to 0.05: 1.025 / 0.05 = 20.5 -> 20 (half_even) -> 1.00 */
    value_t *y = h_qty(U, "1.025", "USD", 1, NULL), *nickel = h_qty(U, "0.05", "USD", 1, NULL);
    value_t *r5 = value_round(U, y, nickel, RM_HALF_EVEN, &err);
    cr_assert_not_null(r5);
    expect_q(r5, "1");
    /* round 100 min to whole hours: 100/60 = 1.67 -> 2 hour, shown in min (x's unit) */
    value_t *mins = h_qty(U, "100", "min", 1, NULL), *hr = h_unit(U, "hour");
    value_t *r6 = value_round(U, mins, hr, RM_HALF_EVEN, &err);
    cr_assert_not_null(r6);
    expect_q(r6, "7200");
    expect_text(r6, "120 min");
    /* wrong dimension, non-positive quantum */
    cr_expect_null(value_round(U, x, hr, RM_HALF_EVEN, &err));
    expect_err_has(err, "round");
    free(err);
    err = NULL;
    value_t *zero = h_qty(U, "0", "USD", 1, NULL);
    cr_expect_null(value_round(U, x, zero, RM_HALF_EVEN, &err));
    expect_err_has(err, "positive");
    free(err);
    value_free(x); value_free(cent); value_free(r); value_free(r2); value_free(nx); value_free(r3);
    value_free(r4); value_free(y); value_free(nickel); value_free(r5); value_free(mins); value_free(hr);
    value_free(r6); value_free(zero);
}

/* ---------- conversion ---------- */

UTEST(value, convert)
{
    char *err = NULL;
    value_t *m = h_qty(U, "90", "min", 1, NULL), *hr = h_unit(U, "hour");
    value_t *c = value_convert(U, m, hr, &err);
    cr_assert_not_null(c, "%s", err ? err : "?");
    expect_q(c, "5400");           /* the quantity is unchanged */
    expect_text(c, "1.5 hour");    /* only its display unit */
    /* 1 GiB in B = 1073741824 B; 5 kWh in J = 5 * 3.6e6 = 18000000 J */
    value_t *g = h_unit(U, "GiB"), *B = h_unit(U, "B");
    value_t *gb = value_convert(U, g, B, &err);
    cr_assert_not_null(gb);
    expect_text(gb, "1073741824 B");
    value_t *k = h_qty(U, "5", "kWh", 1, NULL), *J = h_unit(U, "J");
    value_t *kj = value_convert(U, k, J, &err);
    cr_assert_not_null(kj);
    expect_text(kj, "18000000 J");
    /* the target must be a pure unit of the same dimension */
    value_t *two_h = h_qty(U, "2", "hour", 1, NULL);
    cr_expect_null(value_convert(U, m, two_h, &err));
    expect_err_has(err, "without a number");
    free(err);
    err = NULL;
    value_t *usd = h_unit(U, "USD");
    cr_expect_null(value_convert(U, m, usd, &err));
    expect_err_has(err, "time");
    expect_err_has(err, "USD");
    free(err);
    err = NULL;
    value_t *five = value_num_si(5);
    cr_expect_null(value_convert(U, m, five, &err));
    cr_expect_not_null(err);
    free(err);
    err = NULL;
    value_t *s = value_str("x");
    cr_expect_null(value_convert(U, s, hr, &err));
    expect_err_has(err, "string");
    free(err);
    value_free(m); value_free(hr); value_free(c); value_free(g); value_free(B); value_free(gb);
    value_free(k); value_free(J); value_free(kj); value_free(two_h); value_free(usd); value_free(five);
    value_free(s);
}

/* ---------- equality ---------- */

static value_t *list2(value_t *a, value_t *b)
{
    value_t **items = malloc(2 * sizeof *items);
    cr_assert_not_null(items);
    items[0] = a;
    items[1] = b;
    value_t *l = value_list(items, 2);
    cr_assert_not_null(l);
    return l;
}

UTEST(value, equal_lists_and_records)
{
    char *err = NULL;
    int eq = -1;
    value_t *l1 = list2(value_num_si(1), h_qty(U, "2", "USD", 1, NULL));
    value_t *l2 = list2(value_num_si(1), h_qty(U, "2", "USD", 1, NULL));
    value_t *l3 = list2(value_num_si(1), h_qty(U, "3", "USD", 1, NULL));
    value_t *l4 = list2(value_num_si(1), h_qty(U, "2", "hour", 1, NULL));
    cr_assert(value_equal(U, l1, l2, &eq, &err));
    cr_expect_eq(eq, 1);
    cr_assert(value_equal(U, l1, l3, &eq, &err));
    cr_expect_eq(eq, 0);
    /* comparing 2 USD with 2 hour is a dimension error, even inside lists */
    cr_expect_not(value_equal(U, l1, l4, &eq, &err));
    expect_err_has(err, "USD");
    free(err);
    err = NULL;
    /* different lengths */
    value_t **one = malloc(sizeof *one);
    cr_assert_not_null(one);
    one[0] = value_num_si(1);
    value_t *l5 = value_list(one, 1);
    cr_assert(value_equal(U, l1, l5, &eq, &err));
    cr_expect_eq(eq, 0);
    /* records: field order does not matter */
    value_t *r1 = value_record(NULL), *r2 = value_record(NULL), *r3 = value_record(NULL);
    value_record_set(r1, "a", value_num_si(1));
    value_record_set(r1, "b", value_ref(l1));
    value_record_set(r2, "b", value_ref(l2));
    value_record_set(r2, "a", value_num_si(1));
    value_record_set(r3, "a", value_num_si(1));
    value_record_set(r3, "c", value_ref(l1));
    cr_assert(value_equal(U, r1, r2, &eq, &err));
    cr_expect_eq(eq, 1);
    cr_assert(value_equal(U, r1, r3, &eq, &err));
    cr_expect_eq(eq, 0);
    /* 60 min == 1 hour: equal quantities in different display units */
    value_t *m60 = h_qty(U, "60", "min", 1, NULL), *h1 = h_unit(U, "hour");
    cr_assert(value_equal(U, m60, h1, &eq, &err));
    cr_expect_eq(eq, 1);
    /* different kinds are simply unequal, not an error */
    value_t *s1 = value_str("1"), *n1 = value_num_si(1), *b1 = value_bool(1), *b2 = value_bool(1);
    cr_assert(value_equal(U, s1, n1, &eq, &err));
    cr_expect_eq(eq, 0);
    cr_assert(value_equal(U, b1, b2, &eq, &err));
    cr_expect_eq(eq, 1);
    value_free(l1); value_free(l2); value_free(l3); value_free(l4); value_free(l5);
    value_free(r1); value_free(r2); value_free(r3); value_free(m60); value_free(h1);
    value_free(s1); value_free(n1); value_free(b1); value_free(b2);
}

/* ---------- reference counting ---------- */

static int freed_objects;
static void count_free(void *p) { (void)p; freed_objects++; }
static const value_object_type_t counted = { "counted", count_free, NULL };

UTEST(value, reference_counting)
{
    value_t *item = value_num_si(7);
    cr_expect_eq(item->refs, 1);
    value_ref(item);
    cr_expect_eq(item->refs, 2);
    /* the list takes one reference; freeing the list gives it back */
    value_t *l = list2(item, value_str("s"));
    value_free(l);
    cr_expect_eq(item->refs, 1);
    /* replacing a record field frees the old value once */
    value_t *rec = value_record("r");
    value_ref(item);
    cr_assert(value_record_set(rec, "k", item));
    cr_expect_eq(item->refs, 2);
    cr_assert(value_record_set(rec, "k", value_num_si(8)));
    cr_expect_eq(item->refs, 1);
    cr_expect_eq(rec->u.rec.n, 1);
    cr_expect(h_q_is(value_record_get(rec, "k")->u.num.q, "8"));
    cr_expect_null(value_record_get(rec, "missing"));
    cr_expect_str_eq(value_kind_name(rec), "r");
    value_free(rec);
    value_free(item);
    /* an object's free runs once, when the last reference goes */
    freed_objects = 0;
    value_t *o = value_object(&counted, NULL);
    value_ref(o);
    value_free(o);
    cr_expect_eq(freed_objects, 0);
    value_free(o);
    cr_expect_eq(freed_objects, 1);
    value_free(NULL);
    cr_expect_null(value_ref(NULL));
}

UTEST(value, kind_names)
{
    value_t *n = value_num_si(1), *q = h_unit(U, "USD"), *b = value_bool(0), *s = value_str(""),
            *d = value_date(0), *r = value_record(NULL);
    cr_expect_str_eq(value_kind_name(n), "number");
    cr_expect_str_eq(value_kind_name(q), "quantity");
    cr_expect_str_eq(value_kind_name(b), "boolean");
    cr_expect_str_eq(value_kind_name(s), "string");
    cr_expect_str_eq(value_kind_name(d), "date");
    cr_expect_str_eq(value_kind_name(r), "record");
    expect_text(d, "1970-01-01");
    expect_text(b, "false");
    value_free(n); value_free(q); value_free(b); value_free(s); value_free(d); value_free(r);
}

UTEST(value, percent_is_a_plain_number_in_products)
{
    /* 40 percent * 250 USD = 100 USD (percent drops out of the display unit);
     * (5 percent)^2 = 1/400, a plain number */
    char *err = NULL;
    value_t *p40 = h_qty(U, "40", "percent", 1, NULL), *usd = h_qty(U, "250", "USD", 1, NULL);
    expect_q(p40, "2/5");
    value_t *m = value_mul(U, p40, usd, &err);
    cr_assert_not_null(m);
    expect_q(m, "100");
    char *ut = h_unit_text(U, m);
    cr_expect_str_eq(ut, "USD");
    free(ut);
    value_t *p5 = h_qty(U, "5", "percent", 1, NULL), *two = value_num_si(2);
    value_t *sq = value_pow(U, p5, two, &err);
    cr_assert_not_null(sq);
    expect_q(sq, "1/400");
    ut = h_unit_text(U, sq);
    cr_expect_str_eq(ut, "");
    free(ut);
    value_free(p40); value_free(usd); value_free(m); value_free(p5); value_free(two); value_free(sq);
}

/* The exponent's digits are limited to 7 characters to keep strtol and the power small,
 * but leading zeros count: 1e00000003 is 1000 and within every limit. */
UTEST(value, literal_exponent_with_leading_zeros)
{
    lit_is("1e00000003", 0, 0, "1000");
    lit_is("5e-00000001", 0, 0, "1/2");
}

static void number_is(const char *frac, int exact, int grouped, const char *want)
{
    mpq_t q;
    mpq_init(q);
    cr_assert_eq(mpq_set_str(q, frac, 10), 0);
    mpq_canonicalize(q);
    char *s = format_number(q, exact, grouped);
    cr_assert_not_null(s);
    cr_expect_str_eq(s, want, "%s (exact %d): got %s, expected %s", frac, exact, s, want);
    free(s);
    mpq_clear(q);
}

UTEST(value, report_numbers)
{
    /* exact: terminating decimals, repeating ones with the period in parentheses, and a
     * fraction when the period is long (1/97 repeats every 96 digits) */
    number_is("1/3", 1, 0, "0.(3)");
    number_is("-1/3", 1, 0, "-0.(3)");
    number_is("1/7", 1, 0, "0.(142857)");
    number_is("1/6", 1, 0, "0.1(6)");
    number_is("1/97", 1, 0, "1/97");
    number_is("-5/2", 1, 0, "-2.5");
    number_is("1/8", 1, 0, "0.125");
    number_is("12264", 1, 1, "12264");          /* exact numbers are never grouped */
    /* readable */
    number_is("12264", 0, 1, "12,264");
    number_is("1234567", 0, 1, "1,234,567");
    number_is("1234567", 0, 0, "1234567");
    number_is("1/3", 0, 0, "0.333333");
    mpq_t q;
    mpq_init(q);
    mpq_set_str(q, "-27/8", 10);
    char *f = format_fraction(q);
    cr_expect_str_eq(f, "-27/8");
    free(f);
    mpq_clear(q);
}

/* value_add_taking: sum()'s accumulator. Held only by the caller it is added to in place
 * (the same value comes back); shared, it is left as it was and a new value comes back;
 * on an error it is freed. 1.5 USD + 2.25 USD = 3.75 USD; + 0.25 USD = 4 USD. */
UTEST(value, add_taking_in_place_only_when_held_alone)
{
    char *err = NULL;
    value_t *a = h_qty(U, "1.5", "USD", 1, NULL), *b = h_qty(U, "2.25", "USD", 1, NULL), *c = h_qty(U, "0.25", "USD", 1, NULL);
    value_t *shared = value_ref(a);
    value_t *sum = value_add_taking(U, a, b, &err);   /* a is shared: a new value */
    cr_assert_not_null(sum);
    cr_expect_neq(sum, shared);
    expect_q(shared, "3/2");
    expect_q(sum, "15/4");
    value_t *again = value_add_taking(U, sum, c, &err);   /* sum is the caller's alone */
    cr_expect_eq(again, sum);
    expect_q(again, "4");
    expect_text(again, "4 USD");
    value_t *hours = h_qty(U, "2", "hour", 1, NULL);
    cr_expect_null(value_add_taking(U, again, hours, &err));   /* again is freed */
    expect_err_has(err, "add");
    free(err);
    value_free(shared);
    value_free(b);
    value_free(c);
    value_free(hours);
}
