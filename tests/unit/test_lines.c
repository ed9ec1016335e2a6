/* Unit tests for src/lines.c: invoice lines kept as C structs become the same `line`
 * records the engine used to build (fields in order, only those the line has, exact
 * values, numbers past machine words), a period's lazy `lines` field is made in place
 * when read and counts as the list it stands for, and a period's lines can start with a
 * shared prefix of another's (a memo's). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"
#include "lines.h"

static eval_t *env;
static units_t *U;
static value_t *usd, *gpu_h, *usd_per_gpu_h, *list_rate, *sku, *label;

static void teardown(void)
{
    value_free(usd); value_free(gpu_h); value_free(usd_per_gpu_h); value_free(list_rate); value_free(sku); value_free(label);
    usd = gpu_h = usd_per_gpu_h = list_rate = sku = label = NULL;
    eval_free(env); env = NULL; U = NULL;
}
static void setup(void)
{
    env = h_eval_prelude();
    U = eval_units(env);
    h_on_teardown(teardown);
    usd = h_qty(U, "1", "USD", 1, NULL);
    gpu_h = h_qty(U, "1", "gpu", 1, "hour", 1, NULL);
    usd_per_gpu_h = h_qty(U, "1", "USD", 1, "gpu", -1, "hour", -1, NULL);
    list_rate = h_qty(U, "2.10", "USD", 1, "gpu", -1, "hour", -1, NULL);
    sku = value_str("gpu_hour");
    label = value_str("all");
}

TestSuite(lines, .init = setup, .fini = h_teardown);

static void q_of(mpq_t q, const char *frac) { cr_assert(mpq_set_str(q, frac, 10) == 0); mpq_canonicalize(q); }

/* a usage line (5,952 gpu*hour at 2.10 = 12,499.20 USD), a discount (-414.4005 USD, not
 * rounded: -828801/2000) and a reservation (2,500 gpu*hour at 0.50) with 2,232 used.
 * Quantities are in base units: an hour is 3,600 s, so 5,952 gpu*hour is 21,427,200 gpu*s
 * and 2.10 USD/(gpu*hour) is 7/12000 USD/(gpu*s). */
static lines_t *three_lines(void)
{
    lines_t *ls = lines_new(NULL, 0);
    cr_assert_not_null(ls);
    mpq_t q, rate, amount;
    mpq_inits(q, rate, amount, NULL);
    q_of(q, "21427200"); q_of(rate, "7/12000"); q_of(amount, "62496/5");
    lines_item_t use = { .sku = sku, .category = "usage", .money = usd, .qty_unit = gpu_h, .rate_unit = usd_per_gpu_h,
                         .list_rate = list_rate, .qty = q, .rate = rate, .amount = amount };
    cr_assert(lines_add(ls, &use));
    q_of(amount, "-828801/2000");
    lines_item_t disc = { .sku = label, .category = "discount", .money = usd, .amount = amount };
    cr_assert(lines_add(ls, &disc));
    q_of(q, "9000000"); q_of(rate, "1/7200"); q_of(amount, "1250");
    lines_item_t res = { .sku = sku, .category = "reserved", .money = usd, .qty_unit = gpu_h, .rate_unit = usd_per_gpu_h,
                         .list_rate = list_rate, .qty = q, .rate = rate, .amount = amount };
    cr_assert(lines_add(ls, &res));
    q_of(q, "8035200");
    cr_assert(lines_set_used(ls, q));
    mpq_clears(q, rate, amount, NULL);
    return ls;
}

static void expect_shown(const value_t *v, const char *want)
{
    char *got = h_text(U, v);
    cr_expect_str_eq(got, want);
    free(got);
}

UTEST(lines, records_have_the_fields_in_order)
{
    lines_t *ls = three_lines();
    cr_expect_eq(lines_count(ls), 3);
    value_t *l = lines_list(ls);
    cr_assert_not_null(l);
    cr_assert_eq(l->kind, V_LIST);
    cr_assert_eq(l->u.list.n, 3);
    expect_shown(l->u.list.items[0], "{ sku = \"gpu_hour\", category = \"usage\", quantity = 5952 gpu*hour, "
                                     "list_rate = 2.1 USD/(gpu*hour), rate = 2.1 USD/(gpu*hour), amount = 12499.2 USD }");
    expect_shown(l->u.list.items[1], "{ sku = \"all\", category = \"discount\", amount = -414.4005 USD }");
    expect_shown(l->u.list.items[2], "{ sku = \"gpu_hour\", category = \"reserved\", quantity = 2500 gpu*hour, "
                                     "list_rate = 2.1 USD/(gpu*hour), rate = 0.5 USD/(gpu*hour), amount = 1250 USD, used = 2232 gpu*hour }");
    /* the shared list rate is the very value given; the others are exact */
    cr_expect_eq(h_field(l->u.list.items[0], "list_rate"), list_rate);
    cr_expect(h_q_is(h_field(l->u.list.items[1], "amount")->u.num.q, "-828801/2000"));
    value_free(l);
    lines_free(ls);
}

UTEST(lines, numbers_past_machine_words_stay_exact)
{
    lines_t *ls = lines_new(NULL, 0);
    mpq_t amount;
    mpq_init(amount);
    /* 2^70 / 3 and -1 / 2^64: a numerator and a denominator past 64 bits */
    q_of(amount, "1180591620717411303424/3");
    lines_item_t a = { .sku = label, .category = "fee", .money = usd, .amount = amount };
    cr_assert(lines_add(ls, &a));
    q_of(amount, "-1/18446744073709551616");
    cr_assert(lines_add(ls, &a));
    value_t *l = lines_list(ls);
    cr_assert_not_null(l);
    cr_expect(h_q_is(h_field(l->u.list.items[0], "amount")->u.num.q, "1180591620717411303424/3"));
    cr_expect(h_q_is(h_field(l->u.list.items[1], "amount")->u.num.q, "-1/18446744073709551616"));
    value_free(l);
    mpq_clear(amount);
    lines_free(ls);
}

UTEST(lines, a_lazy_field_is_made_in_place_and_counts_as_its_list)
{
    lines_t *ls = three_lines();
    value_t *rec = value_record("period"), *lazy = lines_value(ls);
    cr_assert(value_record_set(rec, "lines", lazy));
    value_t *made = lines_list(ls);
    /* before it is read the record counts what it will hold */
    cr_expect_eq(lazy->kind, V_OBJECT);
    cr_expect_eq(rec->size, 1 + made->size);
    cr_expect_eq(rec->depth, 1 + made->depth);
    const value_t *got = value_record_get(rec, "lines");
    cr_assert_eq(got->kind, V_LIST);
    cr_expect_eq(rec->u.rec.vals[0], got, "the field holds the list once read");
    cr_expect_eq(value_record_field(rec, 0), got, "and is made once");
    int same = 0;
    char *err = NULL;
    cr_assert(value_equal(U, got, made, &same, &err));
    cr_expect(same);
    cr_expect_eq(rec->size, 1 + got->size);
    cr_expect_eq(rec->depth, 1 + got->depth);
    value_free(made);
    value_free(rec);
    lines_free(ls);
}

UTEST(lines, reading_through_a_walk_makes_the_field)
{
    lines_t *ls = three_lines();
    value_t *a = value_record("period"), *b = value_record("period");
    cr_assert(value_record_set(a, "lines", lines_value(ls)) && value_record_set(b, "lines", lines_value(ls)));
    lines_free(ls);
    /* equality walks both records' fields: each is made, and they are equal */
    int same = 0;
    char *err = NULL;
    cr_assert(value_equal(U, a, b, &same, &err));
    cr_expect(same);
    cr_expect_eq(a->u.rec.vals[0]->kind, V_LIST);
    cr_expect_eq(b->u.rec.vals[0]->kind, V_LIST);
    value_free(a);
    value_free(b);
}

UTEST(lines, a_period_can_start_with_a_shared_prefix)
{
    lines_t *base = three_lines();
    /* a re-run's period: the memo's first two lines (before its SLA credit), then its own */
    lines_t *ls = lines_new(base, 2);
    mpq_t amount;
    mpq_init(amount);
    q_of(amount, "-100");
    lines_item_t credit = { .sku = label, .category = "sla_credit", .money = usd, .amount = amount };
    cr_assert(lines_add(ls, &credit));
    mpq_clear(amount);
    lines_free(base);   /* ls keeps it */
    cr_expect_eq(lines_count(ls), 3);
    value_t *v = lines_value(ls), *l = lines_list(ls);
    cr_expect_eq(v->size, l->size);
    expect_shown(l->u.list.items[1], "{ sku = \"all\", category = \"discount\", amount = -414.4005 USD }");
    expect_shown(l->u.list.items[2], "{ sku = \"all\", category = \"sla_credit\", amount = -100 USD }");
    value_free(l);
    value_free(v);
    lines_free(ls);
}

UTEST(lines, an_average_rate_is_the_amount_over_the_quantity)
{
    lines_t *ls = lines_new(NULL, 0);
    mpq_t q, amount;
    mpq_inits(q, amount, NULL);
    /* 12,345 GB (base unit: the bit, 8e9 a GB) for 1,064.15 USD: 21283/246900 = 0.0862009...
     * USD/GB, 21283/1975200000000000 USD/bit */
    q_of(q, "98760000000000"); q_of(amount, "21283/20");
    value_t *bytes = h_qty(U, "1", "GB", 1, NULL), *per = h_qty(U, "1", "USD", 1, "GB", -1, NULL);
    lines_item_t use = { .sku = sku, .category = "usage", .money = usd, .qty_unit = bytes, .rate_unit = per,
                         .qty = q, .amount = amount, .rate_is_average = 1 };
    cr_assert(lines_add(ls, &use));
    /* the same with an escalated amount past 64 bits: (1.02)^40 x 1,000 USD over 3 GB */
    q_of(q, "24000000000");
    mpz_ui_pow_ui(mpq_numref(amount), 51, 40);
    mpz_ui_pow_ui(mpq_denref(amount), 50, 40);
    mpz_mul_ui(mpq_numref(amount), mpq_numref(amount), 1000);
    mpq_canonicalize(amount);
    cr_assert(lines_add(ls, &use));
    value_t *l = lines_list(ls);
    cr_assert_not_null(l);
    cr_expect(h_q_is(h_field(l->u.list.items[0], "rate")->u.num.q, "21283/1975200000000000"));
    mpq_t want;
    mpq_init(want);
    mpq_div(want, amount, q);
    cr_expect(mpq_equal(h_field(l->u.list.items[1], "rate")->u.num.q, want));
    cr_expect(mpq_equal(h_field(l->u.list.items[1], "amount")->u.num.q, amount));
    expect_shown(h_field(l->u.list.items[0], "rate"), "21283/246900 USD/GB");
    mpq_clears(q, amount, want, NULL);
    value_free(l);
    value_free(bytes);
    value_free(per);
    lines_free(ls);
}

UTEST(lines, a_period_charges_record_is_made_when_read)
{
    lines_t *ls = lines_new(NULL, 0);
    mpq_t amount;
    mpq_init(amount);
    value_t *storage = value_str("storage");
    q_of(amount, "62496/5");
    cr_assert(lines_add_charge(ls, sku, usd, amount));
    /* an escalated charge past 64 bits: 1,000 USD x (51/50)^40 */
    mpz_ui_pow_ui(mpq_numref(amount), 51, 40);
    mpz_ui_pow_ui(mpq_denref(amount), 50, 40);
    mpz_mul_ui(mpq_numref(amount), mpq_numref(amount), 1000);
    mpq_canonicalize(amount);
    cr_assert(lines_add_charge(ls, storage, usd, amount));
    value_free(storage);
    value_t *rec = value_record("period"), *lazy = lines_charges_value(ls), *made = lines_charges(ls);
    cr_assert(value_record_set(rec, "charges", lazy));
    cr_expect_eq(rec->size, 1 + made->size);
    cr_expect_eq(rec->depth, 1 + made->depth);
    const value_t *got = value_record_get(rec, "charges");
    cr_assert_eq(got->kind, V_RECORD);
    cr_expect_str_eq(got->u.rec.tag, "charges");
    cr_assert_eq(got->u.rec.n, 2);
    cr_expect_str_eq(got->u.rec.keys[0], "gpu_hour");
    cr_expect_str_eq(got->u.rec.keys[1], "storage");
    cr_expect(h_q_is(got->u.rec.vals[0]->u.num.q, "62496/5"));
    cr_expect(mpq_equal(got->u.rec.vals[1]->u.num.q, amount));
    expect_shown(got->u.rec.vals[0], "12499.2 USD");
    int same = 0;
    char *err = NULL;
    cr_assert(value_equal(U, got, made, &same, &err));
    cr_expect(same);
    mpq_clear(amount);
    value_free(made);
    value_free(rec);
    lines_free(ls);
}
