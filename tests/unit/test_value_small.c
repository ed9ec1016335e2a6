/* Unit tests for the machine-word path of value.c's arithmetic and literals. A number
 * whose numerator and denominator fit in 63 bits is added, subtracted, multiplied and
 * divided in machine words, and anything that overflows goes to GMP: the results must
 * equal GMP's own mpq_add/sub/mul/div on the same operands, digit for digit, in lowest
 * terms with a positive denominator. The operands sit at the edges of 64-bit words
 * (INT64_MIN, INT64_MAX, 2^63, 2^64, products and sums that overflow), need gcd
 * reductions, mix small and big numbers, and divide by negatives and by zero. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"
#include "mpmem.h"

static eval_t *env;
static units_t *U;

static void teardown(void) { eval_free(env); env = NULL; U = NULL; }
static void setup(void) { env = h_eval_prelude(); U = eval_units(env); h_on_teardown(teardown); }

TestSuite(value_small, .init = setup, .fini = h_teardown);

/* Lowest terms and a positive denominator. */
static int canonical(const mpq_t q)
{
    if (mpz_sgn(mpq_denref(q)) <= 0) return 0;
    mpz_t g;
    mpz_init(g);
    mpz_gcd(g, mpq_numref(q), mpq_denref(q));
    int ok = mpz_cmp_ui(g, 1) == 0;
    mpz_clear(g);
    return ok;
}

/* a op b through value.c against GMP directly; returns 0 after reporting a mismatch. */
static int check_q(char op, const mpq_t x, const mpq_t y)
{
    value_t *a = value_num(x), *b = value_num(y);
    cr_assert(a && b);
    char *err = NULL;
    value_t *r = op == '+' ? value_add(U, a, b, &err) : op == '-' ? value_sub(U, a, b, &err)
               : op == '*' ? value_mul(U, a, b, &err) : value_div(U, a, b, &err);
    int ok = 1;
    if (op == '/' && mpq_sgn(y) == 0) {
        ok = !r && err && strstr(err, "division by zero");
        cr_expect(ok, "%s / 0 should fail with division by zero", mpq_get_str(NULL, 10, x));
    } else {
        mpq_t want;
        mpq_init(want);
        if (op == '+') mpq_add(want, x, y);
        else if (op == '-') mpq_sub(want, x, y);
        else if (op == '*') mpq_mul(want, x, y);
        else mpq_div(want, x, y);
        ok = r && mpq_equal(r->u.num.q, want) && canonical(r->u.num.q) && mpz_cmp(mpq_numref(r->u.num.q), mpq_numref(want)) == 0 &&
             mpz_cmp(mpq_denref(r->u.num.q), mpq_denref(want)) == 0;
        if (!ok) {
            char *sx = mpq_get_str(NULL, 10, x), *sy = mpq_get_str(NULL, 10, y), *sw = mpq_get_str(NULL, 10, want);
            char *sr = r ? mpq_get_str(NULL, 10, r->u.num.q) : NULL;
            cr_expect(ok, "%s %c %s: expected %s, got %s (%s)", sx, op, sy, sw, sr ? sr : "error", err ? err : "");
            free(sx); free(sy); free(sw); free(sr);
        }
        mpq_clear(want);
    }
    free(err);
    value_free(r);
    value_free(a);
    value_free(b);
    return ok;
}

static void check(char op, const char *x, const char *y)
{
    mpq_t qx, qy;
    mpq_inits(qx, qy, NULL);
    cr_assert_eq(mpq_set_str(qx, x, 10), 0);
    cr_assert_eq(mpq_set_str(qy, y, 10), 0);
    mpq_canonicalize(qx);
    mpq_canonicalize(qy);
    check_q(op, qx, qy);
    mpq_clears(qx, qy, NULL);
}

/* Numbers at the edges of the machine-word path, and a few ordinary ones. */
static const char *edges[] = {
    "0", "1", "-1", "2", "1/2", "-7/12", "6/4", "1/6", "1/3",
    "9223372036854775807",          /* INT64_MAX: the largest small numerator */
    "-9223372036854775807",
    "-9223372036854775808",         /* INT64_MIN: one limb, but left to GMP */
    "9223372036854775808",          /* 2^63 */
    "18446744073709551615",         /* 2^64 - 1: one limb */
    "18446744073709551616",         /* 2^64: two limbs */
    "1/9223372036854775807", "-5/9223372036854775806", "9223372036854775807/9223372036854775806",
    "4611686018427387904", "-4611686018427387904/3",   /* 2^62 */
    "3037000499", "3037000500", "-1/3037000500",        /* around the square root of INT64_MAX */
    "4294967296", "1/4294967296", "4294967295/4294967296",
    "123456789012345678/7", "99999999999999999999/3", "-1/340282366920938463463374607431768211456",
};

UTEST(value_small, every_pair_of_edges_agrees_with_gmp)
{
    size_t n = sizeof edges / sizeof edges[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (const char *op = "+-*/"; *op; op++) check(*op, edges[i], edges[j]);
}

UTEST(value_small, results_are_reduced)
{
    check('+', "1/6", "1/3");                       /* 1/2 */
    check('-', "1/2", "1/2");                       /* 0, denominator 1 */
    check('*', "2/3", "3/2");                       /* 1 */
    check('/', "4/9", "2/3");                       /* 2/3 */
    check('+', "1/9223372036854775806", "1/9223372036854775806");   /* 1/4611686018427387903 */
    check('*', "9223372036854775806/5", "5/4611686018427387903");   /* 2: cancels across */
    value_t *a = h_frac("1/6"), *b = h_frac("1/3");
    char *err = NULL;
    value_t *r = value_add(U, a, b, &err);
    cr_assert_not_null(r);
    cr_expect(h_q_is(r->u.num.q, "1/2"));
    value_free(r); value_free(a); value_free(b);
}

UTEST(value_small, overflow_goes_to_gmp)
{
    check('*', "3037000500", "3037000500");         /* 9223372037000250000 > INT64_MAX */
    check('*', "-3037000500", "3037000500");
    check('+', "9223372036854775807", "1");         /* 2^63 */
    check('-', "-9223372036854775807", "1");        /* INT64_MIN, exact */
    check('-', "-9223372036854775807", "2");
    check('+', "1/4294967296", "1/4294967295");     /* denominator past 2^63 */
    check('/', "1/4294967296", "4294967296");       /* 1/2^64 */
    check('*', "-9223372036854775808", "-1");       /* 2^63 from INT64_MIN */
    value_t *a = h_frac("3037000500"), *b = h_frac("3037000500");
    char *err = NULL;
    value_t *r = value_mul(U, a, b, &err);
    cr_assert_not_null(r);
    cr_expect(h_q_is(r->u.num.q, "9223372037000250000"));
    value_free(r); value_free(a); value_free(b);
}

UTEST(value_small, negative_divisors_leave_the_denominator_positive)
{
    check('/', "1", "-3");
    check('/', "-2/7", "-4/21");                    /* 3/2 */
    check('/', "5", "-9223372036854775807");
    value_t *a = h_frac("1"), *b = h_frac("-3");
    char *err = NULL;
    value_t *r = value_div(U, a, b, &err);
    cr_assert_not_null(r);
    cr_expect(h_q_is(r->u.num.q, "-1/3"));
    cr_expect_gt(mpz_sgn(mpq_denref(r->u.num.q)), 0);
    value_free(r); value_free(a); value_free(b);
}

UTEST(value_small, division_by_zero_is_an_error)
{
    check('/', "1", "0");
    check('/', "0", "0");
    check('/', "-1/3", "0");
    check('/', "99999999999999999999/3", "0");
}

/* Random operands of every size up to 66 bits, either sign, against GMP: a fixed
 * sequence (an LCG), so a failure repeats. */
/* value_q_add, value_q_sub and value_q_mul on bare rationals (the engine's sums and
 * products): the same canonical result as GMP's, into a fresh rational, into the first
 * operand and into the second. */
static void check_bare(const char *x, const char *y)
{
    mpq_t qx, qy, want, got, alias;
    mpq_inits(qx, qy, want, got, alias, NULL);
    cr_assert_eq(mpq_set_str(qx, x, 10), 0);
    cr_assert_eq(mpq_set_str(qy, y, 10), 0);
    mpq_canonicalize(qx);
    mpq_canonicalize(qy);
    static void (*const fns[])(mpq_t, const mpq_t, const mpq_t) = { value_q_add, value_q_sub, value_q_mul };
    static void (*const gmp[])(mpq_ptr, mpq_srcptr, mpq_srcptr) = { mpq_add, mpq_sub, mpq_mul };
    for (int op = 0; op < 3; op++) {
        char c = "+-*"[op];
        gmp[op](want, qx, qy);
        fns[op](got, qx, qy);
        cr_expect(mpq_equal(got, want) && canonical(got), "%s %c %s", x, c, y);
        mpq_set(alias, qx);
        fns[op](alias, alias, qy);
        cr_expect(mpq_equal(alias, want) && canonical(alias), "%s %c= %s", x, c, y);
        mpq_set(alias, qy);
        fns[op](alias, qx, alias);
        cr_expect(mpq_equal(alias, want) && canonical(alias), "%s %c %s into the second", x, c, y);
    }
    mpq_clears(qx, qy, want, got, alias, NULL);
}

UTEST(value_small, bare_rationals_agree_with_gmp)
{
    size_t n = sizeof edges / sizeof edges[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) check_bare(edges[i], edges[j]);
}

UTEST(value_small, random_operands_agree_with_gmp)
{
    uint64_t x = 88172645463325252u;
    mpq_t a, b;
    mpq_inits(a, b, NULL);
    int failures = 0;
    for (int i = 0; i < 40000 && failures < 5; i++) {
        mpq_t *q[2] = { &a, &b };
        for (int k = 0; k < 2; k++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            unsigned nbits = 1 + (unsigned)(x >> 58), dbits = 1 + (unsigned)((x >> 52) & 63);
            x = x * 6364136223846793005u + 1442695040888963407u;
            mpz_set_ui(mpq_numref(*q[k]), x);
            mpz_mul_2exp(mpq_numref(*q[k]), mpq_numref(*q[k]), 2);          /* up to 66 bits */
            mpz_fdiv_r_2exp(mpq_numref(*q[k]), mpq_numref(*q[k]), nbits + 2);
            x = x * 6364136223846793005u + 1442695040888963407u;
            mpz_set_ui(mpq_denref(*q[k]), x | 1);
            mpz_fdiv_r_2exp(mpq_denref(*q[k]), mpq_denref(*q[k]), dbits);
            if (!mpz_sgn(mpq_denref(*q[k]))) mpz_set_ui(mpq_denref(*q[k]), 1);
            if (x & 2) mpz_neg(mpq_numref(*q[k]), mpq_numref(*q[k]));
            mpq_canonicalize(*q[k]);
        }
        for (const char *op = "+-*/"; *op; op++) failures += !check_q(*op, a, b);
    }
    mpq_clears(a, b, NULL);
    cr_expect_eq(failures, 0);
}

/* Literals of up to 18 digits and powers of ten up to 10^18 are read in machine words,
 * longer ones by GMP: both give the exact fraction. */
static void lit_is(const char *text, int scale, const char *frac)
{
    char *err = NULL;
    value_t *v = value_from_literal(text, scale, 0, &err);
    cr_assert_not_null(v, "%s: %s", text, err ? err : "?");
    char *got = h_q_text(v->u.num.q);
    cr_expect(h_q_is(v->u.num.q, frac) && canonical(v->u.num.q), "%s (scale %d): expected %s, got %s", text, scale, frac, got);
    free(got);
    value_free(v);
}

UTEST(value_small, literals_at_the_edges)
{
    lit_is("999999999999999999", 0, "999999999999999999");          /* 18 digits */
    lit_is("9999999999999999999", 0, "9999999999999999999");        /* 19: GMP */
    lit_is("1e18", 0, "1000000000000000000");
    lit_is("10e18", 0, "10000000000000000000");                     /* past INT64_MAX */
    lit_is("9.223372036854775807", 0, "9223372036854775807/1000000000000000000");
    lit_is("0.000000000000000001", 0, "1/1000000000000000000");
    lit_is("0.0000000000000000001", 0, "1/10000000000000000000");   /* 10^19: GMP */
    lit_is("2.50", 0, "5/2");
    lit_is("0.000", 0, "0");
    lit_is("1_250.5", 3, "1250500");
    lit_is("1.5", -18, "3/2000000000000000000");
}

/* Past 18 digits or 18 places, value_decimal leaves the literal to the general reader. */
UTEST(value_small, decimal_beyond_machine_words_is_left_to_the_reader)
{
    cr_expect_null(value_decimal(1000000000000000000, 1));
    cr_expect_null(value_decimal(5, 19));
    cr_expect_null(value_decimal(-1, 0));
    value_t *v = value_decimal(999999999999999999, 18);
    cr_assert_not_null(v);
    cr_expect(h_q_is(v->u.num.q, "999999999999999999/1000000000000000000"));
    value_free(v);
}

/* A decimal with k fraction digits is n / 10^k in lowest terms: the machine-word path
 * cancels the twos and fives n shares with 10^k; GMP's canonicalisation must agree. */
UTEST(value_small, decimal_fractions_reduce_like_gmp)
{
    static const char *ns[] = { "0", "1", "5", "8", "25", "625", "1024", "1250", "3600", "51468", "32117", "99990000",
                                "298023223876953125",   /* 5^25 */
                                "576460752303423488",   /* 2^59 */
                                "100000000000000000", "999999999999999999", "123456789012345678" };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (int k = 0; k <= 18; k++) {
            char text[64];
            snprintf(text, sizeof text, "%se-%d", ns[i], k);
            mpq_t want;
            mpq_init(want);
            mpz_set_str(mpq_numref(want), ns[i], 10);
            mpz_ui_pow_ui(mpq_denref(want), 10, (unsigned long)k);
            mpq_canonicalize(want);
            char *w = mpq_get_str(NULL, 10, want);
            lit_is(text, 0, w);
            /* the evaluator's way for a literal such as 5.1468: its digits and k */
            value_t *d = value_decimal(strtoll(ns[i], NULL, 10), k);
            cr_assert_not_null(d, "value_decimal(%s, %d)", ns[i], k);
            cr_expect(h_q_is(d->u.num.q, w) && canonical(d->u.num.q) && value_is_dimensionless(d),
                      "value_decimal(%s, %d): expected %s", ns[i], k, w);
            value_free(d);
            free(w);
            mpq_clear(want);
        }
}

/* ---------- numbers in their values ----------
 * As in the program, GMP's memory is mpmem's: values then live in slots of one stretch and
 * a number starts in the two limbs inside its value, moving to a block of its own when it
 * outgrows them. Under AddressSanitizer values are calloc'd (mpmem keeps nothing), so
 * only the numbers are checked there. */
static void setup_slots(void) { mpmem_install(); setup(); }

TestSuite(value_slots, .init = setup_slots, .fini = h_teardown);

static int inside(const void *p, const value_t *v) { return (const char *)p >= (const char *)v && (const char *)p < (const char *)(v + 1); }
static int limbs_inside(const value_t *v)
{
    return inside(mpq_numref(v->u.num.q)->_mp_d, v) && inside(mpq_denref(v->u.num.q)->_mp_d, v);
}

UTEST(value_slots, every_pair_of_edges_agrees_with_gmp)
{
    size_t n = sizeof edges / sizeof edges[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (const char *op = "+-*/"; *op; op++) check(*op, edges[i], edges[j]);
}

UTEST(value_slots, a_small_number_is_its_value_alone)
{
    cr_expect_leq(sizeof(value_t), 80);
    value_t *v = h_frac("-7/12"), *w = h_frac("18446744073709551615/4294967296");   /* one limb each */
    cr_expect(h_q_is(v->u.num.q, "-7/12"));
    cr_expect(h_q_is(w->u.num.q, "18446744073709551615/4294967296"));
    if (MPMEM_RECYCLE) { cr_expect(limbs_inside(v)); cr_expect(limbs_inside(w)); }
    value_free(v);
    value_free(w);
}

/* Numbers grown in place past one limb (numerator, denominator or both), values made and
 * freed over and over: each keeps its own number, and reused slots (the second and third
 * rounds) start with their limbs inside again. */
UTEST(value_slots, numbers_outgrow_their_limbs_and_slots_are_reused)
{
    enum { N = 64 };
    for (int round = 0; round < 3; round++) {
        value_t *vs[N];
        mpq_t want[N], f;
        mpq_init(f);
        for (int i = 0; i < N; i++) {
            cr_assert_not_null(vs[i] = value_num_si(i + 1 + round));
            if (MPMEM_RECYCLE) cr_expect(limbs_inside(vs[i]));
            /* times 2^(64 (i mod 4)) / 3^(41 (i mod 3)): 1 to 4 limbs up and down */
            mpz_ui_pow_ui(mpq_numref(f), 2, 64 * (unsigned long)(i % 4));
            mpz_ui_pow_ui(mpq_denref(f), 3, 41 * (unsigned long)(i % 3));
            mpq_init(want[i]);
            mpq_set_si(want[i], i + 1 + round, 1);
            mpq_mul(want[i], want[i], f);
            mpq_mul(vs[i]->u.num.q, vs[i]->u.num.q, f);
        }
        char *err = NULL;
        for (int i = 0; i + 1 < N; i++) {
            cr_expect(mpq_equal(vs[i]->u.num.q, want[i]), "value %d of round %d", i, round);
            /* arithmetic between grown values: a quotient back to a small number and a sum past one limb */
            value_t *q = value_div(U, vs[i], vs[i], &err), *s = value_add(U, vs[i], vs[i + 1], &err);
            cr_assert(q && s);
            cr_expect(h_q_is(q->u.num.q, "1"));
            mpq_add(f, want[i], want[i + 1]);
            cr_expect(mpq_equal(s->u.num.q, f));
            value_free(q);
            value_free(s);
        }
        for (int i = 0; i < N; i++) { value_free(vs[i]); mpq_clear(want[i]); }
        mpq_clear(f);
    }
}
