/* Unit tests for src/units.c on a fresh registry (no prelude): declarations, prefix
 * lookup, dimension vectors and display units. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

static units_t *u;
/* dimensions and units of the small registry built by setup() */
static int d_time, d_data, d_usd, d_acc;
static int s_, hour, month, bit, byte, B, iB, usd, gpu;

static int must(int id, const char *err)
{
    cr_assert_geq(id, 0, "declaration failed: %s", err ? err : "?");
    return id;
}

static int derived(const char *name, const char *factor, int base, int prefixed)
{
    mpq_t f;
    mpq_init(f);
    mpq_set_str(f, factor, 10);
    mpq_canonicalize(f);
    const char *err = NULL;
    mpq_mul(f, f, units_get(u, base)->factor);
    int id = units_add_derived(u, name, f, &units_get(u, base)->dim, prefixed, &err);
    mpq_clear(f);
    return must(id, err);
}

static void prefix(const char *name, const char *factor)
{
    mpq_t f;
    mpq_init(f);
    mpq_set_str(f, factor, 10);
    const char *err = NULL;
    must(units_add_prefix(u, name, f, &err), err);
    mpq_clear(f);
}

static void teardown(void) { units_free(u); u = NULL; }

static void setup(void)
{
    const char *err = NULL;
    u = units_new();
    cr_assert_not_null(u);
    d_time = must(units_add_dimension(u, "time", &err), err);
    d_data = must(units_add_dimension(u, "data", &err), err);
    s_ = must(units_add_base(u, "s", d_time, 1, &err), err);
    hour = derived("hour", "3600", s_, 0);
    month = derived("month", "730", hour, 0);
    bit = must(units_add_base(u, "bit", d_data, 1, &err), err);
    byte = derived("byte", "8", bit, 1);
    B = derived("B", "1", byte, 1);
    /* a deliberately awkward unit: "GiB" could read as G + iB or Gi + B */
    iB = derived("iB", "1000", bit, 1);
    usd = must(units_add_base(u, "USD", -1, 0, &err), err);   /* its own dimension */
    d_usd = units_find_dimension(u, "USD");
    d_acc = must(units_add_dimension(u, "accelerator", &err), err);
    gpu = must(units_add_base(u, "gpu", d_acc, 0, &err), err);
    prefix("k", "1000");
    prefix("G", "1000000000");
    prefix("Gi", "1073741824");
    prefix("m", "1/1000");
    h_on_teardown(teardown);
}

TestSuite(units, .init = setup, .fini = h_teardown);

static void factor_is(int id, const char *want)
{
    char *got = h_q_text(units_get(u, id)->factor);
    cr_expect(h_q_is(units_get(u, id)->factor, want), "%s: factor %s, expected %s", units_get(u, id)->name, got, want);
    free(got);
}

UTEST(units, declarations)
{
    const char *err = NULL;
    cr_expect_eq(units_dimension_count(u), 4);
    cr_expect_str_eq(units_dimension_name(u, d_time), "time");
    cr_expect_str_eq(units_dimension_name(u, d_usd), "USD");
    cr_expect_eq(units_base_of(u, d_time), s_);
    cr_expect_eq(units_base_of(u, d_usd), usd);
    cr_expect_eq(units_find_dimension(u, "nope"), -1);
    factor_is(hour, "3600");
    factor_is(month, "2628000");
    factor_is(B, "8");
    cr_expect(units_is_declared(u, "month"));
    cr_expect_not(units_is_declared(u, "months"));

    cr_expect_eq(units_add_dimension(u, "time", &err), -1);
    cr_expect_str_eq(err, "dimension already declared");
    err = NULL;
    cr_expect_eq(units_add_base(u, "sec", d_time, 0, &err), -1);
    cr_expect_str_eq(err, "that dimension already has a base unit");
    err = NULL;
    cr_expect_eq(units_add_base(u, "hour", -1, 0, &err), -1);
    cr_expect_str_eq(err, "unit already declared");
    err = NULL;
    mpq_t f;
    mpq_init(f);
    cr_expect_eq(units_add_derived(u, "nothing", f, &units_get(u, s_)->dim, 0, &err), -1);
    cr_expect_str_eq(err, "a unit must be a positive quantity");
    err = NULL;
    mpq_set_si(f, -5, 1);
    cr_expect_eq(units_add_prefix(u, "neg", f, &err), -1);
    cr_expect_str_eq(err, "a prefix must be positive");
    err = NULL;
    mpq_set_si(f, 5, 1);
    cr_expect_eq(units_add_prefix(u, "k", f, &err), -1);
    cr_expect_str_eq(err, "prefix already declared");
    mpq_clear(f);
}

UTEST(units, too_many_dimensions)
{
    const char *err = NULL;
    char name[16];
    int n = units_dimension_count(u);
    for (int i = n; i < DIM_MAX; i++) {
        snprintf(name, sizeof name, "d%d", i);
        cr_assert_eq(units_add_dimension(u, name, &err), i);
    }
    cr_expect_eq(units_add_dimension(u, "one_more", &err), -1);
    cr_expect(strstr(err, "too many") != NULL);
}

UTEST(units, prefixed_lookup)
{
    size_t before = units_count(u);
    cr_expect_not(units_is_declared(u, "GB"));
    int gb = units_find(u, "GB");
    cr_assert_geq(gb, 0);
    factor_is(gb, "8000000000");            /* 10^9 * 8 bit */
    cr_expect(dim_eq(&units_get(u, gb)->dim, &units_get(u, bit)->dim));
    /* the prefixed form is registered once, then found by name */
    cr_expect_eq(units_count(u), before + 1);
    cr_expect_eq(units_find(u, "GB"), gb);
    cr_expect_eq(units_count(u), before + 1);
    cr_expect_str_eq(units_get(u, gb)->name, "GB");
    /* a prefixed form takes no further prefix */
    cr_expect_eq(units_find(u, "kGB"), -1);
    /* "ms" is milli-second: 1/1000 s */
    int ms = units_find(u, "ms");
    cr_assert_geq(ms, 0);
    factor_is(ms, "1/1000");
    factor_is(units_find(u, "kbyte"), "8000");
}

UTEST(units, longest_prefix_wins)
{
    /* GiB = Gi + B = 2^30 * 8 = 8589934592 bit, not G + iB = 10^9 * 1000 bit */
    int id = units_find(u, "GiB");
    cr_assert_geq(id, 0);
    factor_is(id, "8589934592");
    /* Gibit = 2^30 bit */
    factor_is(units_find(u, "Gibit"), "1073741824");
    /* and "GiB" found first under a registry that declared Gi before G */
    units_t *v = units_new();
    const char *err = NULL;
    int dd = units_add_dimension(v, "data", &err);
    units_add_base(v, "B", dd, 1, &err);
    mpq_t f;
    mpq_init(f);
    mpq_set_ui(f, 1000, 1);
    units_add_derived(v, "iB", f, &units_get(v, 0)->dim, 1, &err);
    mpq_set_ui(f, 1073741824, 1);
    units_add_prefix(v, "Gi", f, &err);
    mpq_set_ui(f, 1000000000, 1);
    units_add_prefix(v, "G", f, &err);
    int g = units_find(v, "GiB");
    cr_assert_geq(g, 0);
    cr_expect(h_q_is(units_get(v, g)->factor, "1073741824"));
    mpq_clear(f);
    units_free(v);
}

UTEST(units, unknown_names)
{
    size_t before = units_count(u);
    cr_expect_eq(units_find(u, "furlong"), -1);
    cr_expect_eq(units_find(u, "kfurlong"), -1);
    cr_expect_eq(units_find(u, "G"), -1);        /* a prefix alone is not a unit */
    cr_expect_eq(units_find(u, "khour"), -1);    /* hour takes no prefix */
    cr_expect_eq(units_find(u, "kUSD"), -1);     /* USD was declared without prefixes */
    cr_expect_eq(units_find(u, ""), -1);
    cr_expect_eq(units_count(u), before);
}

UTEST(units, prelude_prefixes)
{
    eval_t *e = h_eval_prelude();
    units_t *p = eval_units(e);
    /* kWh = 1000 * 3600 J = 3.6e6 J; TB = 8e12 bit; PiB = 2^50 * 8 bit;
     * TFLOP = 10^12 FLOP; min is the minute, not milli-"in" */
    struct { const char *name, *factor; } cases[] = {
        { "kWh", "3600000" }, { "TB", "8000000000000" }, { "PiB", "9007199254740992" },
        { "TFLOP", "1000000000000" }, { "min", "60" }, { "MW", "1000000" }, { "GiB", "8589934592" },
        { "ms", "1/1000" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int id = units_find(p, cases[i].name);
        cr_assert_geq(id, 0, "%s", cases[i].name);
        char *got = h_q_text(units_get(p, id)->factor);
        cr_expect(h_q_is(units_get(p, id)->factor, cases[i].factor), "%s: %s, expected %s", cases[i].name, got, cases[i].factor);
        free(got);
    }
    /* kWh is energy, the same dimension as J */
    cr_expect(dim_eq(&units_get(p, units_find(p, "kWh"))->dim, &units_get(p, units_find(p, "J"))->dim));
    cr_expect_eq(units_find(p, "kUSD"), -1);
    cr_expect_eq(units_find(p, "Ggpu"), -1);
    eval_free(e);
}

/* ---------- dimension vectors ---------- */

UTEST(units, dims)
{
    dim_t a, b, r;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    cr_expect(dim_is_zero(&a));
    char *s = units_format_dim(u, &a);
    cr_expect_str_eq(s, "dimensionless");
    free(s);
    a.e[d_usd] = 1;
    a.e[d_time] = -1;
    s = units_format_dim(u, &a);
    cr_expect_str_eq(s, "USD/time");
    free(s);
    b.e[d_time] = -1;
    s = units_format_dim(u, &b);
    cr_expect_str_eq(s, "1/time");
    free(s);
    /* data^2/(time*USD): exponents shown, several denominators in parentheses */
    memset(&r, 0, sizeof r);
    r.e[d_data] = 2;
    r.e[d_time] = -1;
    r.e[d_usd] = -1;
    s = units_format_dim(u, &r);
    cr_expect_str_eq(s, "data^2/(time*USD)");
    free(s);
    /* USD/time * time^-1 = USD/time^2 */
    cr_assert(dim_combine(&r, &a, &b, 1));
    cr_expect_eq(r.e[d_time], -2);
    cr_expect_eq(r.e[d_usd], 1);
    s = units_format_dim(u, &r);
    cr_expect_str_eq(s, "USD/time^2");
    free(s);
    /* USD/time / time^-1 = USD */
    cr_assert(dim_combine(&r, &a, &b, -1));
    cr_expect_eq(r.e[d_time], 0);
    cr_expect_eq(r.e[d_usd], 1);
    cr_expect_not(dim_eq(&r, &a));
    /* exponent range */
    dim_t big;
    memset(&big, 0, sizeof big);
    big.e[d_time] = 60;
    cr_expect_not(dim_combine(&r, &big, &big, 1));   /* 120 */
    cr_expect(dim_combine(&r, &big, &big, -1));
    cr_expect(dim_is_zero(&r));
    cr_expect(dim_scale(&r, &a, -3));
    cr_expect_eq(r.e[d_usd], -3);
    cr_expect_eq(r.e[d_time], 3);
    cr_expect_not(dim_scale(&r, &big, 2));           /* 120 */
    cr_expect_not(dim_scale(&r, &a, 101));
    cr_expect(dim_scale(&r, &a, 100));
    /* any power of a zero dimension is zero */
    memset(&b, 0, sizeof b);
    cr_expect(dim_scale(&r, &b, 1000000));
    cr_expect(dim_is_zero(&r));
}

/* Interned dimensions: equal vectors have one id, 0 is dimensionless, and a combination
 * looked up by ids (the second time from the remembered pairs) is the vector sum, or
 * out of range both times. */
UTEST(units, dim_ids)
{
    dim_t zero, a, b, r, r2;
    memset(&zero, 0, sizeof zero);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.e[d_usd] = 1;
    a.e[d_time] = -1;
    b.e[d_time] = 1;
    uint32_t ia = dim_intern(&a), ib = dim_intern(&b), iz = dim_intern(&zero);
    cr_expect_eq(iz, 0);
    cr_expect_neq(ia, ib);
    cr_expect_neq(ia, 0);
    dim_t copy = a;
    cr_expect_eq(dim_intern(&copy), ia);
    for (int round = 0; round < 2; round++) {
        uint32_t ir;
        /* USD/time * time = USD */
        cr_assert(dim_combine_id(&ir, ia, ib, 1));
        r = *dim_by_id(ir);
        cr_assert(dim_combine(&r2, &a, &b, 1));
        cr_expect(dim_eq(&r, &r2));
        cr_expect_eq(r.e[d_usd], 1);
        cr_expect_eq(r.e[d_time], 0);
        cr_expect_eq(ir, dim_intern(&r2));
        /* USD/time / time = USD/time^2 */
        cr_assert(dim_combine_id(&ir, ia, ib, -1));
        r = *dim_by_id(ir);
        cr_expect_eq(r.e[d_time], -2);
        cr_expect_eq(ir, dim_intern(&r));
        cr_expect_neq(ir, ia);
        /* a dimension divided by itself is dimensionless */
        cr_assert(dim_combine_id(&ir, ia, ia, -1));
        cr_expect_eq(ir, 0);
        cr_expect(dim_is_zero(dim_by_id(ir)));
    }
    dim_t big;
    memset(&big, 0, sizeof big);
    big.e[d_time] = 60;
    uint32_t ibig = dim_intern(&big), ir;
    cr_expect_not(dim_combine_id(&ir, ibig, ibig, 1));   /* 120 */
    cr_expect_not(dim_combine_id(&ir, ibig, ibig, 1));   /* remembered */
    cr_expect(dim_combine_id(&ir, ibig, ibig, -1));
    cr_expect_eq(ir, 0);
    /* an id's vector is the one interned, and stays where it is while others come in */
    const dim_t *pa = dim_by_id(ia);
    cr_expect(dim_eq(pa, &a));
    for (int i = 0; i < 1000; i++) {
        dim_t m;
        memset(&m, 0, sizeof m);
        m.e[i % DIM_MAX] = (signed char)(i / DIM_MAX + 1);
        cr_assert_neq(dim_intern(&m), DIM_ID_NONE);
    }
    cr_expect_eq(dim_by_id(ia), pa);
    cr_expect(dim_eq(pa, &a));
}

/* ---------- display units ---------- */

static uterm_t term(int n, const int *units, const int *exps)
{
    uterm_t t;
    memset(&t, 0, sizeof t);
    t.n = (unsigned char)n;
    for (int i = 0; i < n; i++) { t.t[i].unit = (unsigned short)units[i]; t.t[i].exp = (signed char)exps[i]; }
    return t;
}

static void format_is(const uterm_t *t, const char *want)
{
    char *s = uterm_format(u, t);
    cr_assert_not_null(s);
    cr_expect_str_eq(s, want);
    free(s);
}

UTEST(units, uterm_format_output)
{
    uterm_t t = term(3, (int[]){ usd, gpu, hour }, (int[]){ 1, -1, -1 });
    format_is(&t, "USD/(gpu*hour)");
    t = term(2, (int[]){ usd, hour }, (int[]){ 1, -1 });
    format_is(&t, "USD/hour");
    t = term(1, (int[]){ hour }, (int[]){ -1 });
    format_is(&t, "1/hour");
    t = term(2, (int[]){ usd, hour }, (int[]){ 1, -2 });
    format_is(&t, "USD/hour^2");
    t = term(2, (int[]){ gpu, hour }, (int[]){ 1, 1 });
    format_is(&t, "gpu*hour");
    t = term(0, NULL, NULL);
    format_is(&t, "");
    t.n = UTERM_NONE;
    format_is(&t, "?");
    uterm_single(&t, month);
    format_is(&t, "month");
}

/* The registry remembers recent products: each case runs twice (the second time from
 * the memo), and a result written over its own operand is right too. */
UTEST(units, uterm_combine_cancels)
{
    for (int round = 0; round < 2; round++) {
        /* USD/(gpu*hour) * month: month cancels the hour (same dimension), leaving USD/gpu */
        uterm_t rate = term(3, (int[]){ usd, gpu, hour }, (int[]){ 1, -1, -1 });
        uterm_t m, out;
        uterm_single(&m, month);
        uterm_combine(u, &out, &rate, &m, 1);
        format_is(&out, "USD/gpu");
        /* hour * month merges into the first one seen: hour^2 */
        uterm_t h;
        uterm_single(&h, hour);
        uterm_combine(u, &out, &h, &m, 1);
        format_is(&out, "hour^2");
        /* month / hour is dimensionless: no display unit */
        uterm_combine(u, &out, &m, &h, -1);
        cr_expect_eq(out.n, 0);
        format_is(&out, "");
        /* USD / (gpu*hour) built by division */
        uterm_t usd1, gh;
        uterm_single(&usd1, usd);
        gh = term(2, (int[]){ gpu, hour }, (int[]){ 1, 1 });
        uterm_combine(u, &out, &usd1, &gh, -1);
        format_is(&out, "USD/(gpu*hour)");
        /* anything combined with "none" is none */
        uterm_t none;
        memset(&none, 0, sizeof none);
        none.n = UTERM_NONE;
        uterm_combine(u, &out, &usd1, &none, 1);
        cr_expect_eq(out.n, UTERM_NONE);
        /* the same operands with the other sign are another product */
        uterm_combine(u, &out, &usd1, &gh, 1);
        format_is(&out, "USD*gpu*hour");
        uterm_combine(u, &usd1, &usd1, &gh, -1);
        format_is(&usd1, "USD/(gpu*hour)");
    }
}

/* Interned display units: equal terms give one id whatever the bytes after them, an id
 * gives back the terms, the empty unit and "none" have their fixed ids, and a product by
 * ids is the product of the terms. */
UTEST(units, uterm_ids)
{
    uterm_t a = term(2, (int[]){ usd, hour }, (int[]){ 1, -1 }), b = a;
    b.t[5].unit = 7;   /* after the terms: says nothing */
    b.t[5].exp = 3;
    uint32_t ia = uterm_intern(&a);
    cr_assert_neq(ia, UTERM_ID_NONE);
    cr_expect_eq(uterm_intern(&b), ia);
    cr_expect_geq(ia, 2);
    const uterm_t *back = uterm_by_id(ia);
    cr_expect_eq(back->n, 2);
    cr_expect_eq(back->t[0].unit, usd);
    cr_expect_eq(back->t[0].exp, 1);
    cr_expect_eq(back->t[1].unit, hour);
    cr_expect_eq(back->t[1].exp, -1);
    format_is(back, "USD/hour");
    uterm_t other = term(2, (int[]){ usd, hour }, (int[]){ 1, -2 });
    cr_expect_neq(uterm_intern(&other), ia);
    uterm_t empty = term(0, NULL, NULL), none = term(1, (int[]){ gpu }, (int[]){ 1 });
    none.n = UTERM_NONE;
    cr_expect_eq(uterm_intern(&empty), UTERM_ID_EMPTY);
    cr_expect_eq(uterm_intern(&none), UTERM_ID_BASE);
    cr_expect_eq(uterm_by_id(UTERM_ID_EMPTY)->n, 0);
    cr_expect_eq(uterm_by_id(UTERM_ID_BASE)->n, UTERM_NONE);
    /* USD/hour * hour = USD, twice (the second time from the memo) */
    uterm_t h;
    uterm_single(&h, hour);
    for (int round = 0; round < 2; round++) {
        uint32_t r = uterm_combine_id(u, ia, uterm_intern(&h), 1);
        cr_assert_neq(r, UTERM_ID_NONE);
        format_is(uterm_by_id(r), "USD");
    }
    /* the terms stay where they are while many more come in */
    for (int i = 1; i <= 100; i++) {
        uterm_t t = term(1, (int[]){ gpu }, (int[]){ i });
        cr_assert_neq(uterm_intern(&t), UTERM_ID_NONE);
    }
    cr_expect_eq(uterm_by_id(ia), back);
    format_is(back, "USD/hour");
}

/* A quantity's product by ids: the dimension and display unit of each factor combined, the
 * same from the memo the second time, and out of range both times. */
UTEST(units, products_by_ids)
{
    uterm_t rate = term(2, (int[]){ usd, hour }, (int[]){ 1, -1 }), h;
    uterm_single(&h, hour);
    units_ids_t a = { units_get(u, usd)->dim_id, uterm_intern(&rate) }, b = { units_get(u, hour)->dim_id, uterm_intern(&h) };
    dim_t rd;
    cr_assert(dim_combine(&rd, &units_get(u, usd)->dim, &units_get(u, hour)->dim, -1));
    a.dim = dim_intern(&rd);
    for (int round = 0; round < 2; round++) {
        units_ids_t p;
        size_t bits = 99;
        cr_assert(units_product(u, a, b, 1, &p, &bits));   /* USD/hour * hour = USD */
        cr_expect_eq(p.dim, units_get(u, usd)->dim_id);
        format_is(uterm_by_id(p.disp), "USD");
        cr_expect_eq(bits, uterm_bits(u, uterm_by_id(p.disp)));
        cr_assert(units_product(u, a, b, -1, &p, &bits));  /* USD/hour / hour = USD/hour^2 */
        format_is(uterm_by_id(p.disp), "USD/hour^2");
        cr_expect_eq(dim_by_id(p.dim)->e[d_time], -2);
    }
    dim_t big;
    memset(&big, 0, sizeof big);
    big.e[d_time] = 60;
    units_ids_t x = { dim_intern(&big), UTERM_ID_BASE }, p;
    size_t bits;
    cr_expect_not(units_product(u, x, x, 1, &p, &bits));   /* time^120 */
    cr_expect_not(units_product(u, x, x, 1, &p, &bits));
}

UTEST(units, uterm_too_many_terms)
{
    /* nine units of nine different dimensions overflow UTERM_MAX (8): none */
    const char *err = NULL;
    uterm_t acc;
    memset(&acc, 0, sizeof acc);
    char name[8];
    for (int i = 0; i < 9; i++) {
        snprintf(name, sizeof name, "x%d", i);
        int id = must(units_add_base(u, name, -1, 0, &err), err);
        uterm_t one, out;
        uterm_single(&one, id);
        uterm_combine(u, &out, &acc, &one, 1);
        acc = out;
        if (i < 8) cr_expect_eq(acc.n, i + 1);
    }
    cr_expect_eq(acc.n, UTERM_NONE);
}

UTEST(units, uterm_factor_dim_pow_and_fallback)
{
    uterm_t t = term(2, (int[]){ usd, hour }, (int[]){ 1, -1 });
    mpq_t f;
    mpq_init(f);
    uterm_factor(u, &t, f);
    cr_expect(h_q_is(f, "1/3600"));
    uterm_t p;
    uterm_pow(u, &p, &t, -2);
    format_is(&p, "hour^2/USD^2");
    uterm_factor(u, &p, f);
    cr_expect(h_q_is(f, "12960000"));
    dim_t d;
    uterm_dim(u, &p, &d);
    cr_expect_eq(d.e[d_time], 2);
    cr_expect_eq(d.e[d_usd], -2);
    /* the base-unit display of USD/time^2 */
    uterm_t fb;
    dim_t want;
    memset(&want, 0, sizeof want);
    want.e[d_usd] = 1;
    want.e[d_time] = -2;
    uterm_for_dim(u, &want, &fb);
    format_is(&fb, "USD/s^2");
    /* a dimension without a base unit has no display: "none", shown as "?" */
    const char *err = NULL;
    int d_energy = must(units_add_dimension(u, "energy", &err), err);
    want.e[d_energy] = 1;
    uterm_for_dim(u, &want, &fb);
    cr_expect_eq(fb.n, UTERM_NONE);
    mpq_clear(f);
}

UTEST(units, plurals_read_as_singulars)
{
    size_t before = units_count(u);
    cr_expect_eq(units_find(u, "gpus"), gpu);
    cr_expect_eq(units_find(u, "hours"), hour);
    cr_expect_eq(units_find(u, "months"), month);
    cr_expect_eq(units_count(u), before);     /* nothing new registered */
    /* a prefixed plural is the prefixed unit */
    int gb = units_find(u, "GBs");
    cr_assert_geq(gb, 0);
    cr_expect_str_eq(units_get(u, gb)->name, "GB");
    /* a declared name wins over the plural rule */
    mpq_t f;
    mpq_init(f);
    mpq_set_ui(f, 7, 1);
    const char *err = NULL;
    int hs = must(units_add_derived(u, "hours", f, &units_get(u, s_)->dim, 0, &err), err);
    cr_expect_eq(units_find(u, "hours"), hs);
    mpq_clear(f);
    cr_expect_eq(units_find(u, "furlongs"), -1);
}
