/* Unit tests for src/usage.c: exact numbers, ISO 8601 times, FOCUS units, the hourly
 * table's spreading, and the fast path's exact fall-back. Expected values are worked out
 * by hand in the comments (or with Python's fractions where noted). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"
#include "usage.h"

static eval_t *ev;
static units_t *u;
static usage_table_t *tab;
static usage_spec_t spec;

static void teardown(void)
{
    usage_table_free(tab);
    tab = NULL;
    usage_spec_free(&spec);
    eval_free(ev);
    ev = NULL;
}

static void setup(void)
{
    ev = h_eval_prelude();
    u = eval_units(ev);
    tab = usage_table_new(u);
    usage_spec_focus(&spec);
    h_on_teardown(teardown);
}

TestSuite(usage, .init = setup, .fini = h_teardown);

/* ---- numbers ---- */

static void number_is(const char *text, const char *want)
{
    mpq_t q;
    mpq_init(q);
    char *err = NULL;
    int ok = usage_parse_number(text, strlen(text), q, &err);
    cr_expect(ok, "'%s' rejected: %s", text, err ? err : "");
    if (ok) {
        char *got = h_q_text(q);
        cr_expect(h_q_is(q, want), "'%s' is %s, expected %s", text, got, want);
        free(got);
    }
    free(err);
    mpq_clear(q);
}

static void number_fails(const char *text, const char *msg)
{
    mpq_t q;
    mpq_init(q);
    char *err = NULL;
    cr_expect_not(usage_parse_number(text, strlen(text), q, &err), "'%s' accepted", text);
    cr_expect(err && strstr(err, msg), "'%s': message '%s' lacks '%s'", text, err ? err : "", msg);
    free(err);
    mpq_clear(q);
}

UTEST(usage, numbers_exact)
{
    number_is("0.00000080000", "1/1250000");         /* 8e-7 = 8/10^7 */
    number_is("1.5E-7", "3/20000000");               /* 15/10^8 */
    number_is("-3", "-3");
    number_is("+2.50", "5/2");
    number_is(" 42 ", "42");
    number_is(".5", "1/2");
    number_is("5.", "5");
    number_is("1e3", "1000");
    number_is("1.25e+2", "125");
    number_is("-0", "0");
    number_is("0.000000000000000000001", "1/1000000000000000000000");   /* 21 decimals: the rational path */
    number_is("12345678901234567890.5", "24691357802469135781/2");     /* 20 digits: the rational path */
    number_is("999999999999999999", "999999999999999999");               /* 18 digits: the fast path's widest */
}

UTEST(usage, numbers_rejected)
{
    number_fails("", "not a number");
    number_fails("abc", "not a number");
    number_fails("1.2.3", "not a number");
    number_fails("1e", "not a number");
    number_fails("--1", "not a number");
    number_fails("1,5", "not a number");
    number_fails("0x10", "not a number");
    number_fails("inf", "not a number");
    number_fails("NaN", "not a number");
    number_fails("1 000", "not a number");
    number_fails("1e1001", "exponent out of range");
    number_fails("1e-99999999999", "exponent out of range");
    char *many = malloc(1100);
    memset(many, '7', 1099);
    many[1099] = '\0';
    number_fails(many, "too many digits");
    free(many);
}

/* ---- times ---- */

static const long long JAN1_2027 = 1798761600000000LL;   /* Python: (datetime(2027,1,1,tzinfo=utc) - epoch) in us */
static const long long HOUR = 3600000000LL;

static void time_is(const char *text, long long want)
{
    long long got = 0;
    char *err = NULL;
    cr_expect(usage_parse_time(text, strlen(text), &got, &err), "'%s' rejected: %s", text, err ? err : "");
    cr_expect_eq(got, want, "'%s' is %lld, expected %lld", text, got, want);
    free(err);
}

static void time_fails(const char *text, const char *msg)
{
    long long got = 0;
    char *err = NULL;
    cr_expect_not(usage_parse_time(text, strlen(text), &got, &err), "'%s' accepted", text);
    cr_expect(err && strstr(err, msg), "'%s': message '%s' lacks '%s'", text, err ? err : "", msg);
    free(err);
}

UTEST(usage, times_utc)
{
    time_is("1970-01-01", 0);
    time_is("2027-01-01", JAN1_2027);
    time_is("2027-01-01T00:00:00Z", JAN1_2027);
    time_is("2027-01-01 00:00:00Z", JAN1_2027);
    time_is("2027-01-01T00:00Z", JAN1_2027);
    time_is("2027-01-01T00:00:00", JAN1_2027);                 /* no zone: UTC */
    time_is("2027-01-01T01:00:00+01:00", JAN1_2027);           /* 01:00 at +1 is 00:00 UTC */
    time_is("2026-12-31T19:30:00-04:30", JAN1_2027);           /* 19:30 + 4:30 */
    time_is("2027-01-01T05:30:00+0530", JAN1_2027);
    time_is("2027-01-01 03:00:00 +03:00", JAN1_2027);
    time_is("2027-01-01T00:00:00.5Z", JAN1_2027 + 500000);
    time_is("2027-01-01T00:00:00.123456Z", JAN1_2027 + 123456);
    time_is("2027-01-01T00:00:00.123456000Z", JAN1_2027 + 123456);
    time_is("2026-12-31T24:00:00Z", JAN1_2027);                /* the end of a day */
    time_is("2027-01-01T13:14:15Z", JAN1_2027 + 13 * HOUR + (14 * 60 + 15) * 1000000LL);
    time_is("1969-12-31T23:00:00Z", -HOUR);
}

UTEST(usage, times_rejected)
{
    time_fails("2027-13-01", "no such date");
    time_fails("2027-02-29", "no such date");
    time_fails("2027-01-01T25:00:00Z", "no such time of day");
    time_fails("2027-01-01T24:00:01Z", "no such time of day");
    time_fails("2027-01-01T00:60:00Z", "no such time of day");
    time_fails("2027-01-01T00:00:00.0000001Z", "finer than a microsecond");
    time_fails("2027-01-01T00:00:00+25:00", "bad UTC offset");
    time_fails("2027-01-01X", "not an ISO 8601");
    time_fails("01/02/2027", "not an ISO 8601");
    time_fails("2027-1-1", "not an ISO 8601");
    time_fails("", "not an ISO 8601");
    time_fails("2027-01-01T0:00:00Z", "bad time of day");
}

/* ---- units ---- */

static void unit_is(const char *text, value_t *want)
{
    char *err = NULL;
    value_t *got = usage_parse_unit(u, text, strlen(text), &err);
    cr_assert_not_null(got, "'%s' rejected: %s", text, err ? err : "");
    char *gt = h_q_text(got->u.num.q), *wt = h_q_text(want->u.num.q);
    cr_expect(mpq_equal(got->u.num.q, want->u.num.q) && dim_eq(value_dim(got), value_dim(want)),
              "'%s' is %s (in base units), expected %s", text, gt, wt);
    free(gt);
    free(wt);
    value_free(got);
    value_free(want);
}

static void unit_fails(const char *text, const char *msg)
{
    char *err = NULL;
    value_t *got = usage_parse_unit(u, text, strlen(text), &err);
    cr_expect_null(got, "'%s' accepted", text);
    cr_expect(err && !strcmp(err, msg), "'%s': message '%s', expected '%s'", text, err ? err : "", msg);
    value_free(got);
    free(err);
}

UTEST(usage, focus_units)
{
    unit_is("Hours", h_qty(u, "1", "hour", 1, NULL));
    unit_is("Hour", h_qty(u, "1", "hour", 1, NULL));
    unit_is("Hrs", h_qty(u, "1", "hour", 1, NULL));
    unit_is("Seconds", h_qty(u, "1", "s", 1, NULL));
    unit_is("GB-Hours", h_qty(u, "1", "GB", 1, "hour", 1, NULL));
    unit_is("GB-Mo", h_qty(u, "1", "GB", 1, "month", 1, NULL));
    unit_is("GB-Months", h_qty(u, "1", "GB", 1, "month", 1, NULL));
    unit_is("1000 Requests", h_qty(u, "1000", "request", 1, NULL));
    unit_is("Requests", h_qty(u, "1", "request", 1, NULL));
    unit_is("1000000 Tokens", h_qty(u, "1000000", "token", 1, NULL));
    unit_is("GB", h_qty(u, "1", "GB", 1, NULL));
    unit_is("TB", h_qty(u, "1000", "GB", 1, NULL));
    unit_is("KB", h_qty(u, "1000", "B", 1, NULL));              /* FOCUS KB is 10^3 bytes */
    unit_is("KiB", h_qty(u, "1024", "B", 1, NULL));
    unit_is("Kb", h_qty(u, "1000", "bit", 1, NULL));
    unit_is("GiB-Hours", h_qty(u, "1073741824", "B", 1, "hour", 1, NULL));
    unit_is("GB/Hour", h_qty(u, "1", "GB", 1, "hour", -1, NULL));
    unit_is("Units/2 Months", h_qty(u, "0.5", "month", -1, NULL));
    unit_is("GPU-Hours", h_qty(u, "1", "gpu", 1, "hour", 1, NULL));
    unit_is("Count", h_qty(u, "1", NULL));
    unit_is("Units", h_qty(u, "1", NULL));
}

UTEST(usage, units_rejected)
{
    unit_fails("Widgets", "unknown unit 'Widgets'");
    unit_fails("Widget-Hours", "unknown unit 'Widget'");
    unit_fails("", "no unit");
    unit_fails("0 Hours", "a unit quantity must be positive");
}

/* ---- the table ---- */

static usage_cell_t C(const char *s) { usage_cell_t c = { s, s ? strlen(s) : 0 }; return c; }

static int add(const char *sku, const char *qty, const char *unit, const char *start, const char *end, const char *billed)
{
    usage_row_t r;
    memset(&r, 0, sizeof r);
    r.sku = C(sku);
    r.quantity = C(qty);
    r.unit = C(unit);
    r.start = C(start);
    r.end = C(end);
    r.cost[USAGE_COST_BILLED] = C(billed);
    r.currency = C(billed ? "USD" : NULL);
    usage_fault_t f;
    int ok = usage_table_add(tab, &spec, &r, &f);
    cr_expect(ok, "row %s %s rejected: %s", sku, qty, f.msg ? f.msg : "");
    usage_fault_clear(&f);
    return ok;
}

static size_t sku(const char *name)
{
    for (size_t i = 0; i < usage_table_nskus(tab); i++)
        if (!strcmp(usage_table_sku(tab, i), name)) return i;
    cr_assert_fail("no SKU %s", name);
    return 0;
}

static usage_hour_t H(const char *iso)
{
    long long us;
    char *err = NULL;
    cr_assert(usage_parse_time(iso, strlen(iso), &us, &err));
    return us / HOUR;
}

static void qty_is(const char *name, const char *from, const char *to, const char *want)
{
    mpq_t q;
    mpq_init(q);
    usage_table_quantity(tab, sku(name), H(from), H(to), q);
    char *got = h_q_text(q);
    cr_expect(h_q_is(q, want), "%s over [%s, %s): %s, expected %s", name, from, to, got, want);
    free(got);
    mpq_clear(q);
}

static void billed_is(const char *name, const char *from, const char *to, const char *want)
{
    mpq_t q;
    mpq_init(q);
    usage_table_cost(tab, sku(name), USAGE_COST_BILLED, H(from), H(to), q);
    char *got = h_q_text(q);
    cr_expect(h_q_is(q, want), "%s billed over [%s, %s): %s, expected %s", name, from, to, got, want);
    free(got);
    mpq_clear(q);
}

UTEST(usage, spreads_by_seconds)
{
    /* 00:30 to 03:30: half an hour, two whole hours, half an hour of 3 hours in all */
    add("gpu", "3", "Hours", "2027-01-01T00:30:00Z", "2027-01-01T03:30:00Z", "6.3");
    qty_is("gpu", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "1/2");
    qty_is("gpu", "2027-01-01T01:00Z", "2027-01-01T02:00Z", "1");
    qty_is("gpu", "2027-01-01T02:00Z", "2027-01-01T03:00Z", "1");
    qty_is("gpu", "2027-01-01T03:00Z", "2027-01-01T04:00Z", "1/2");
    qty_is("gpu", "2027-01-01T04:00Z", "2027-01-01T05:00Z", "0");
    billed_is("gpu", "2027-01-01T01:00Z", "2027-01-01T02:00Z", "21/10");   /* 6.3 / 3 */
    /* a day's row: 1/24 of it in each hour */
    add("disk", "100", "GB-Hours", "2027-01-02", "2027-01-03", "1");
    qty_is("disk", "2027-01-02T05:00Z", "2027-01-02T06:00Z", "25/6");
    billed_is("disk", "2027-01-02T23:00Z", "2027-01-03T00:00Z", "1/24");
    qty_is("disk", "2027-01-01T00:00Z", "2027-02-01T00:00Z", "100");
    /* a row inside one hour is that hour's; a row with no end is the hour of its start */
    add("api", "7", "Requests", "2027-01-01T10:15:00Z", "2027-01-01T10:45:00Z", NULL);
    add("api", "5", "Requests", "2027-01-01T10:59:59Z", NULL, NULL);
    qty_is("api", "2027-01-01T10:00Z", "2027-01-01T11:00Z", "12");
    /* 20 seconds over an hour boundary: 10 s each side */
    add("api", "4", "Requests", "2027-01-01T11:59:50Z", "2027-01-01T12:00:10Z", NULL);
    qty_is("api", "2027-01-01T11:00Z", "2027-01-01T12:00Z", "2");
    cr_expect_eq(usage_table_rows(tab, sku("api")), 3);
    cr_expect_eq(usage_table_first_hour(tab), H("2027-01-01T00:00Z"));
    cr_expect_eq(usage_table_end_hour(tab), H("2027-01-03T00:00Z"));
}

static void rows_in_is(const char *name, const char *from, const char *to, long long want)
{
    long long got = usage_table_rows_in(tab, sku(name), H(from), H(to));
    cr_expect_eq(got, want, "%s rows over [%s, %s): %lld, expected %lld", name, from, to, got, want);
}

UTEST(usage, rows_by_start_hour)
{
    /* a row counts once, in the hour of its start, however many hours it spreads over */
    add("gpu", "3", "Hours", "2027-01-01T00:30:00Z", "2027-01-01T03:30:00Z", NULL);
    add("api", "7", "Requests", "2027-01-01T10:15:00Z", "2027-01-01T10:45:00Z", NULL);
    add("api", "5", "Requests", "2027-01-01T10:59:59Z", NULL, NULL);
    add("api", "4", "Requests", "2027-01-01T11:59:50Z", "2027-01-01T12:00:10Z", NULL);
    rows_in_is("gpu", "2027-01-01T00:00Z", "2027-01-01T01:00Z", 1);
    rows_in_is("gpu", "2027-01-01T01:00Z", "2027-01-01T04:00Z", 0);
    rows_in_is("api", "2027-01-01T10:00Z", "2027-01-01T11:00Z", 2);
    rows_in_is("api", "2027-01-01T11:00Z", "2027-01-01T12:00Z", 1);
    rows_in_is("api", "2027-01-01T12:00Z", "2027-01-01T13:00Z", 0);
    /* rows a month before and after move the table's hours: the counts move with them */
    add("api", "1", "Requests", "2026-12-01T00:00:00Z", NULL, NULL);
    add("gpu", "1", "Hours", "2027-02-01T05:00:00Z", "2027-02-01T07:00:00Z", NULL);
    rows_in_is("api", "2027-01-01T10:00Z", "2027-01-01T11:00Z", 2);
    rows_in_is("api", "2026-12-01T00:00Z", "2027-01-01T00:00Z", 1);
    rows_in_is("gpu", "2027-02-01T00:00Z", "2027-03-01T00:00Z", 1);
    rows_in_is("gpu", "2026-01-01T00:00Z", "2028-01-01T00:00Z", 2);
    cr_expect_eq(usage_table_rows(tab, sku("api")), 4);
    /* a group standing for many rows of one charge period (a database's sums) counts them all */
    usage_row_t r;
    memset(&r, 0, sizeof r);
    r.sku = C("api");
    r.quantity = C("30");
    r.unit = C("Requests");
    r.start = C("2027-01-01T11:00:00Z");
    r.end = C("2027-01-01T13:00:00Z");
    usage_fault_t f;
    cr_expect(usage_table_add_rows(tab, &spec, &r, 6, &f));
    usage_fault_clear(&f);
    rows_in_is("api", "2027-01-01T11:00Z", "2027-01-01T12:00Z", 7);
    rows_in_is("api", "2027-01-01T12:00Z", "2027-01-01T13:00Z", 0);
    cr_expect_eq(usage_table_rows(tab, sku("api")), 10);
}

UTEST(usage, spreads_over_odd_periods_exactly)
{
    /* periods of 3, 7 and 11 hours */
    add("x", "1", "Hours", "2027-01-01T00:00:00Z", "2027-01-01T03:00:00Z", NULL);
    add("x", "1", "Hours", "2027-01-01T00:00:00Z", "2027-01-01T07:00:00Z", NULL);
    add("x", "1", "Hours", "2027-01-01T00:00:00Z", "2027-01-01T11:00:00Z", NULL);
    qty_is("x", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "131/231");    /* 1/3 + 1/7 + 1/11 */
    qty_is("x", "2027-01-01T03:00Z", "2027-01-01T04:00Z", "18/77");      /* 1/7 + 1/11 */
    /* periods of 1,000,003 and 1,000,033 seconds, one unit a second: their shares need a
     * denominator of 231 * 1000003 * 1000033 (past the fast path's 2^40), so they take
     * the exact path beside the sums already there */
    add("x", "1000003", "Hours", "2027-01-01T00:00:00Z", "2027-01-12T13:46:43Z", NULL);
    add("x", "1000033", "Hours", "2027-01-01T00:00:00Z", "2027-01-12T13:47:13Z", NULL);
    qty_is("x", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "1663331/231");  /* 131/231 + 2 * 3600 */
    qty_is("x", "2027-01-05T00:00Z", "2027-01-05T01:00Z", "7200");
    /* hour 277 holds the last 1000003 - 277*3600 = 2803 s and 1000033 - 997200 = 2833 s */
    qty_is("x", "2027-01-12T13:00Z", "2027-01-12T14:00Z", "5636");
    qty_is("x", "2026-12-01T00:00Z", "2027-02-01T00:00Z", "2000039");
}

UTEST(usage, fast_path_overflow_falls_back_exactly)
{
    /* a column at 18 decimals holds 10^18 * sum in 128 bits: 200 rows of 999999999999999999
     * make 1.99...e38 * 10^... > 2^127, so the hour's sum must leave the fast path */
    add("big", "0.000000000000000001", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    for (int i = 0; i < 200; i++) add("big", "999999999999999999", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    /* 200 * 999999999999999999 + 10^-18 */
    qty_is("big", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "199999999999999999800000000000000000001/1000000000000000000");
    /* numbers wider than the fast path, and a rescale after them */
    add("wide", "123456789012345678901234567890", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    add("wide", "0.1", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    add("wide", "0.01", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    qty_is("wide", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "12345678901234567890123456789011/100");
}

UTEST(usage, converts_units_within_a_sku)
{
    add("egress", "250", "GB", "2027-01-01T00:00:00Z", NULL, NULL);
    add("egress", "0.125", "TB", "2027-01-01T00:00:00Z", NULL, NULL);
    qty_is("egress", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "375");   /* 250 GB + 125 GB */
    usage_row_t r;
    memset(&r, 0, sizeof r);
    r.sku = C("egress"); r.quantity = C("1"); r.unit = C("Hours"); r.start = C("2027-01-01");
    usage_fault_t f;
    cr_expect_not(usage_table_add(tab, &spec, &r, &f));
    cr_expect_eq(f.cell, USAGE_CELL_UNIT);
    cr_expect_str_eq(f.msg, "SKU 'egress' is measured in hour here but in GB in earlier rows");
    usage_fault_clear(&f);
}

static int eur_rate(void *ctx, const char *from, const char *to, usage_hour_t hour, mpq_t rate, char **err)
{
    (void)ctx;
    if (strcmp(from, "EUR") || strcmp(to, "USD")) { *err = strdup("no rate"); return 0; }
    /* 1.08 USD/EUR in January 2027, 1.09 from February */
    mpq_set_ui(rate, hour < 1801440000000000LL / HOUR ? 108 : 109, 100);
    mpq_canonicalize(rate);
    return 1;
}

UTEST(usage, currencies)
{
    add("gpu", "1", "Hours", "2027-01-01T00:00:00Z", NULL, "2");
    usage_row_t r;
    memset(&r, 0, sizeof r);
    r.sku = C("gpu"); r.quantity = C("1"); r.unit = C("Hours"); r.start = C("2027-01-01T01:00:00Z");
    r.cost[USAGE_COST_BILLED] = C("10"); r.currency = C("EUR");
    usage_fault_t f;
    cr_expect_not(usage_table_add(tab, &spec, &r, &f));
    cr_expect_eq(f.cell, USAGE_CELL_CURRENCY);
    cr_expect_str_eq(f.msg, "costs in EUR among costs in USD");
    usage_fault_clear(&f);
    spec.fx = eur_rate;
    cr_expect(usage_table_add(tab, &spec, &r, &f));
    r.start = C("2027-02-01T00:00:00Z");   /* 2027-02-01 is 1801440000 s after the epoch */
    cr_expect(usage_table_add(tab, &spec, &r, &f));
    billed_is("gpu", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "2");
    billed_is("gpu", "2027-01-01T01:00Z", "2027-01-01T02:00Z", "54/5");   /* 10 EUR at 1.08 */
    billed_is("gpu", "2027-02-01T00:00Z", "2027-02-01T01:00Z", "109/10"); /* 10 EUR at 1.09 */
    cr_expect_str_eq(usage_table_currency(tab), "USD");
    r.currency = C("usd");
    cr_expect_not(usage_table_add(tab, &spec, &r, &f));
    cr_expect_str_eq(f.msg, "bad currency code 'usd' in BillingCurrency: expected three capital letters (ISO 4217)");
    usage_fault_clear(&f);
}

UTEST(usage, sku_map_and_rows_without_sku)
{
    usage_skumap_t m = { h_strdup("NVIDIA-H100-80GB"), h_strdup("gpu_hour") };
    spec.map = malloc(sizeof m);
    spec.map[0] = m;
    spec.nmap = 1;
    add("NVIDIA-H100-80GB", "2", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    add("gpu_hour", "3", "Hours", "2027-01-01T00:00:00Z", NULL, NULL);
    add(NULL, NULL, NULL, "2027-01-01T00:00:00Z", NULL, "-5");
    cr_expect_eq(usage_table_nskus(tab), 2);
    qty_is("gpu_hour", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "5");
    cr_expect_eq(usage_table_rows(tab, sku("gpu_hour")), 2);
    billed_is("", "2027-01-01T00:00Z", "2027-01-01T01:00Z", "-5");
    cr_expect_null(usage_table_unit(tab, sku("")));
}

UTEST(usage, filters)
{
    usage_filter_t f = { NULL, h_strdup("team"), NULL, 1 };
    f.values = malloc(sizeof *f.values);
    f.values[0] = h_strdup("ml");
    const char *ml = "{\"team\": \"ml\", \"env\": \"prod\"}", *web = "{\"team\": \"web\"}", *bad = "team=ml";
    cr_expect_eq(usage_filter_match(&f, ml, strlen(ml)), 1);
    cr_expect_eq(usage_filter_match(&f, web, strlen(web)), 0);
    cr_expect_eq(usage_filter_match(&f, "", 0), 0);
    cr_expect_eq(usage_filter_match(&f, bad, strlen(bad)), -1);
    free(f.tag_key);
    f.tag_key = NULL;
    cr_expect_eq(usage_filter_match(&f, "ml", 2), 1);
    cr_expect_eq(usage_filter_match(&f, "mlx", 3), 0);
    free(f.values[0]);
    free(f.values);
}
