/* Unit tests for src/contract.c: billing periods, and pricing of small hand-built
 * contracts (flat rates, tiers, reservations, discounts, commitments, escalation, SLA
 * credits, credit pools, rounding), plus a few programs priced through eval. Every
 * expected figure is worked out in the comment beside it; check_expected.py re-derives
 * them with Python fractions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"
#include "engine.h"

static eval_t *env;
static units_t *U;

static void teardown(void) { eval_free(env); env = NULL; U = NULL; }
static void setup(void) { env = h_eval_prelude(); U = eval_units(env); h_on_teardown(teardown); }

TestSuite(contract, .init = setup, .fini = h_teardown);

/* ---------- building contracts by hand ---------- */

static date_t day(const char *s)
{
    date_t d;
    cr_assert(dates_parse(s, &d), "bad date %s", s);
    return d;
}

static contract_t *new_contract(const char *start, const char *end)
{
    contract_t *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    c->name = h_strdup("c");
    c->start = day(start);
    c->end = day(end);
    c->rounding = CONTRACT_ROUND_NONE;
    c->mode = RM_HALF_EVEN;
    return c;
}

/* Takes the reference to rate. */
static sku_terms_t *add_sku(contract_t *c, const char *name, price_kind kind, value_t *rate)
{
    sku_terms_t *s = realloc(c->skus, (c->nskus + 1) * sizeof *s);
    cr_assert_not_null(s);
    c->skus = s;
    s = &c->skus[c->nskus++];
    memset(s, 0, sizeof *s);
    s->sku = h_strdup(name);
    s->kind = kind;
    s->rate = rate;
    return s;
}

/* Takes the references; upto NULL for the last tier. */
static void add_tier(sku_terms_t *s, value_t *upto, value_t *rate)
{
    tier_t *t = realloc(s->tiers, (s->ntiers + 1) * sizeof *t);
    cr_assert_not_null(t);
    s->tiers = t;
    memset(&s->tiers[s->ntiers], 0, sizeof s->tiers[s->ntiers]);
    s->tiers[s->ntiers].upto = upto;
    s->tiers[s->ntiers].rate = rate;
    s->ntiers++;
}

static commit_step_t *add_commit(contract_t *c, value_t *amount)
{
    commit_step_t *cs = realloc(c->commits, (c->ncommits + 1) * sizeof *cs);
    cr_assert_not_null(cs);
    c->commits = cs;
    cs = &c->commits[c->ncommits++];
    memset(cs, 0, sizeof *cs);
    cs->amount = amount;
    return cs;
}

static void add_discount(contract_t *c, value_t *pct, const char *sku, value_t *above)
{
    discount_t *d = realloc(c->discounts, (c->ndiscounts + 1) * sizeof *d);
    cr_assert_not_null(d);
    c->discounts = d;
    d = &c->discounts[c->ndiscounts++];
    memset(d, 0, sizeof *d);
    d->pct = pct;
    d->above = above;
    if (!sku) return;
    size_t i = 0;
    while (i < c->nskus && strcmp(c->skus[i].sku, sku)) i++;
    cr_assert(i < c->nskus, "no SKU %s", sku);
    d->on.idx = malloc(sizeof *d->on.idx);
    cr_assert_not_null(d->on.idx);
    d->on.idx[0] = i;
    d->on.n = 1;
    d->on.label = h_strdup(sku);
}

static void add_sla(contract_t *c, value_t *pct)
{
    value_t **p = realloc(c->sla_pcts, (c->nsla + 1) * sizeof *p);
    cr_assert_not_null(p);
    c->sla_pcts = p;
    p[c->nsla++] = pct;
}

/* A priced contract with its periods; usage is [period][sku], not owned. */
typedef struct priced { period_t *p; size_t n; value_t *inv; char *err; fault_t fault; } priced_t;

static priced_t price(const contract_t *c, value_t **usage, const int *sla)
{
    priced_t r = { 0 };
    cr_assert(contract_periods(c, &r.p, &r.n, &r.err), "periods: %s", r.err ? r.err : "?");
    int none[1] = { 0 };
    int *zeros = calloc(r.n * c->nsla + 1, sizeof *zeros);
    cr_assert_not_null(zeros);
    fault_t fault;
    r.inv = contract_price(c, U, "w", r.p, r.n, usage, sla ? sla : c->nsla ? zeros : none, &r.err, &fault);
    r.fault = fault;
    free(zeros);
    return r;
}

static void priced_free(priced_t *r)
{
    contract_periods_free(r->p, r->n);
    value_free(r->inv);
    free(r->err);
}

static void free_usage(value_t **usage, size_t n)
{
    for (size_t i = 0; i < n; i++) value_free(usage[i]);
}

/* Checks a money field of a record (or a dotted path) against "p/q" USD. */
#define expect_money(rec, path, frac) do {                                              \
        const value_t *v_ = h_field(rec, path);                                         \
        cr_assert_eq(v_->kind, V_NUM, "%s is not a number", path);                      \
        char *got_ = h_q_text(v_->u.num.q);                                             \
        cr_expect(h_q_is(v_->u.num.q, frac), "%s: expected %s, got %s", path, frac, got_); \
        free(got_);                                                                     \
    } while (0)
#define period_rec(inv, i) h_index(h_field(inv, "periods"), i)

/* ---------- periods ---------- */

static void period_is(const period_t *p, const char *start, const char *end, const char *hours, const char *share)
{
    char s[16], e[16];
    dates_format(p->start, s);
    dates_format(p->end, e);
    cr_expect_str_eq(s, start);
    cr_expect_str_eq(e, end);
    char *h = h_q_text(p->hours), *m = h_q_text(p->month_share);
    cr_expect(h_q_is(p->hours, hours), "%s: hours %s, expected %s", start, h, hours);
    cr_expect(h_q_is(p->month_share, share), "%s: share %s, expected %s", start, m, share);
    free(h);
    free(m);
}

UTEST(contract, periods_mid_month_start_and_end)
{
    /* Jan 15 .. Feb 1 is 17 days (408 h) of 31; February 2026 is 28 days (672 h);
     * March is 31 (744 h); Apr 1 .. Apr 10 is 9 days (216 h) of 30 = 3/10. */
    contract_t *c = new_contract("2026-01-15", "2026-04-10");
    period_t *p = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(contract_periods(c, &p, &n, &err));
    cr_assert_eq(n, 4);
    period_is(&p[0], "2026-01-15", "2026-02-01", "408", "17/31");
    period_is(&p[1], "2026-02-01", "2026-03-01", "672", "1");
    period_is(&p[2], "2026-03-01", "2026-04-01", "744", "1");
    period_is(&p[3], "2026-04-01", "2026-04-10", "216", "3/10");
    for (size_t i = 0; i < n; i++) cr_expect_eq(p[i].index, (int)i);
    contract_periods_free(p, n);
    contract_free(c);
}

UTEST(contract, periods_calendar_months)
{
    /* Dec 744 h, Jan 744 h, Feb 2028 (leap) 29 * 24 = 696 h */
    contract_t *c = new_contract("2027-12-01", "2028-03-01");
    period_t *p = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(contract_periods(c, &p, &n, &err));
    cr_assert_eq(n, 3);
    period_is(&p[0], "2027-12-01", "2028-01-01", "744", "1");
    period_is(&p[1], "2028-01-01", "2028-02-01", "744", "1");
    period_is(&p[2], "2028-02-01", "2028-03-01", "696", "1");
    contract_periods_free(p, n);
    contract_free(c);
}

UTEST(contract, periods_within_one_month)
{
    /* June 10 .. June 20: 10 days = 240 h, 10/30 = 1/3 of June */
    contract_t *c = new_contract("2026-06-10", "2026-06-20");
    period_t *p = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(contract_periods(c, &p, &n, &err));
    cr_assert_eq(n, 1);
    period_is(&p[0], "2026-06-10", "2026-06-20", "240", "1/3");
    contract_periods_free(p, n);
    contract_free(c);
}

UTEST(contract, periods_limit)
{
    /* 2000-01-01 .. 2100-01-01 is exactly 1200 months */
    contract_t *c = new_contract("2000-01-01", "2100-01-01");
    period_t *p = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(contract_periods(c, &p, &n, &err), "%s", err ? err : "?");
    cr_expect_eq(n, 1200);
    contract_periods_free(p, n);
    /* one day more starts a 1201st period */
    c->end = day("2100-01-02");
    p = NULL;
    cr_expect_not(contract_periods(c, &p, &n, &err));
    cr_assert_not_null(err);
    cr_expect(strstr(err, "1200") != NULL, "%s", err);
    free(err);
    contract_free(c);
}

/* ---------- pricing ---------- */

UTEST(contract, flat_rate_level_usage_and_commitment)
{
    /* 10 gpu running all hours at 2 USD/(gpu*hour), from Jan 15 to Mar 1 2026:
     *   Jan 15..31: 408 h -> 8160 USD; February: 672 h -> 13440 USD.
     * Commitment 20000 USD per month, prorated by the share of the calendar month:
     *   January 20000 * 17/31 = 340000/31; shortfall 340000/31 - 8160 = 87040/31
     *   February 20000; shortfall 20000 - 13440 = 6560.
     * Term total = 340000/31 + 20000 = 960000/31. */
    contract_t *c = new_contract("2026-01-15", "2026-03-01");
    add_sku(c, "gpu_hour", PRICE_FLAT, h_qty(U, "2", "USD", 1, "gpu", -1, "hour", -1, NULL));
    add_commit(c, h_qty(U, "20000", "USD", 1, "month", -1, NULL));
    value_t *usage[2] = { h_qty(U, "10", "gpu", 1, NULL), h_qty(U, "10", "gpu", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    const value_t *inv = r.inv;
    cr_expect_str_eq(h_field(inv, "currency")->u.s, "USD");
    cr_expect_str_eq(h_field(inv, "contract")->u.s, "c");
    cr_expect_str_eq(h_field(inv, "workload")->u.s, "w");
    cr_expect_eq(h_field(inv, "periods")->u.list.n, 2);
    expect_money(period_rec(inv, 0), "gross", "8160");
    expect_money(period_rec(inv, 0), "net", "8160");
    expect_money(period_rec(inv, 0), "shortfall", "87040/31");
    expect_money(period_rec(inv, 0), "total", "340000/31");
    expect_money(period_rec(inv, 1), "gross", "13440");
    expect_money(period_rec(inv, 1), "shortfall", "6560");
    expect_money(period_rec(inv, 1), "total", "20000");
    expect_money(inv, "gross", "21600");
    expect_money(inv, "shortfall", "290400/31");   /* 87040/31 + 6560 */
    expect_money(inv, "total", "960000/31");
    expect_money(inv, "charges.gpu_hour", "21600");
    /* quantity: 10 gpu * 1080 h = 10800 gpu*hour */
    const value_t *q = h_field(inv, "quantities.gpu_hour");
    char *m = h_magnitude(U, q), *ut = h_unit_text(U, q);
    cr_expect_str_eq(m, "10800");
    cr_expect_str_eq(ut, "gpu*hour");
    free(m);
    free(ut);
    /* effective rate 21600 / 10800 = 2; all-in 960000/31 / 10800 = 800/279 USD/(gpu*hour) */
    m = h_magnitude(U, h_field(inv, "effective.gpu_hour"));
    cr_expect_str_eq(m, "2");
    free(m);
    m = h_magnitude(U, h_field(inv, "all_in.gpu_hour"));
    cr_expect_str_eq(m, "800/279");
    free(m);
    /* the first period's lines: usage, then the shortfall */
    const value_t *lines = h_field(period_rec(inv, 0), "lines");
    cr_assert_eq(lines->u.list.n, 2);
    cr_expect_str_eq(h_field(h_index(lines, 0), "category")->u.s, "usage");
    cr_expect_str_eq(h_field(h_index(lines, 1), "category")->u.s, "shortfall");
    char *t = h_text(U, h_field(period_rec(inv, 0), "start"));
    cr_expect_str_eq(t, "2026-01-15");
    free(t);
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);
}

/* egress tiers used below: [0, 100 GB) at 0.10, [100, 500 GB) at 0.05, above at 0.02 USD/GB */
static sku_terms_t *egress_tiers(contract_t *c, price_kind kind, int cumulative)
{
    sku_terms_t *s = add_sku(c, "egress", kind, NULL);
    s->cumulative = cumulative;
    add_tier(s, h_qty(U, "100", "GB", 1, NULL), h_qty(U, "0.10", "USD", 1, "GB", -1, NULL));
    add_tier(s, h_qty(U, "500", "GB", 1, NULL), h_qty(U, "0.05", "USD", 1, "GB", -1, NULL));
    add_tier(s, NULL, h_qty(U, "0.02", "USD", 1, "GB", -1, NULL));
    return s;
}

UTEST(contract, graduated_tiers)
{
    /* 700 GB: 100 * 0.10 + 400 * 0.05 + 200 * 0.02 = 10 + 20 + 4 = 34 USD;
     * 300 GB: 100 * 0.10 + 200 * 0.05 = 20; 50 GB: 5. Reset every period. */
    contract_t *c = new_contract("2026-01-01", "2026-04-01");
    egress_tiers(c, PRICE_GRADUATED, 0);
    value_t *usage[3] = { h_qty(U, "700", "GB", 1, NULL), h_qty(U, "300", "GB", 1, NULL), h_qty(U, "50", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "gross", "34");
    expect_money(period_rec(r.inv, 1), "gross", "20");
    expect_money(period_rec(r.inv, 2), "gross", "5");
    expect_money(r.inv, "total", "59");
    /* the line's rate is the average: 34 / 700 GB = 0.048571... USD/GB = 17/350 */
    const value_t *line = h_index(h_field(period_rec(r.inv, 0), "lines"), 0);
    char *m = h_magnitude(U, h_field(line, "rate"));
    cr_expect_str_eq(m, "17/350");
    free(m);
    priced_free(&r);
    free_usage(usage, 3);
    contract_free(c);
}

UTEST(contract, graduated_cumulative_tiers)
{
    /* 300 GB in each of two periods, tiers counted over the term:
     *   period 1 covers [0, 300): 100 * 0.10 + 200 * 0.05 = 20
     *   period 2 covers [300, 600): 200 * 0.05 + 100 * 0.02 = 12 */
    contract_t *c = new_contract("2026-01-01", "2026-03-01");
    egress_tiers(c, PRICE_GRADUATED, 1);
    value_t *usage[2] = { h_qty(U, "300", "GB", 1, NULL), h_qty(U, "300", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "gross", "20");
    expect_money(period_rec(r.inv, 1), "gross", "12");
    expect_money(r.inv, "total", "32");
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);
}

UTEST(contract, volume_tiers)
{
    /* all units at the tier reached: 700 GB * 0.02 = 14; 300 GB * 0.05 = 15; 50 * 0.10 = 5 */
    contract_t *c = new_contract("2026-01-01", "2026-04-01");
    egress_tiers(c, PRICE_VOLUME, 0);
    value_t *usage[3] = { h_qty(U, "700", "GB", 1, NULL), h_qty(U, "300", "GB", 1, NULL), h_qty(U, "50", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "gross", "14");
    expect_money(period_rec(r.inv, 1), "gross", "15");
    expect_money(period_rec(r.inv, 2), "gross", "5");
    priced_free(&r);
    free_usage(usage, 3);
    contract_free(c);
}

UTEST(contract, volume_cumulative_tiers)
{
    /* 300 GB twice, the tier chosen by the running total: 300 -> 0.05 (15 USD),
     * then 600 -> 0.02 for this period's 300 GB (6 USD) */
    contract_t *c = new_contract("2026-01-01", "2026-03-01");
    egress_tiers(c, PRICE_VOLUME, 1);
    value_t *usage[2] = { h_qty(U, "300", "GB", 1, NULL), h_qty(U, "300", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "gross", "15");
    expect_money(period_rec(r.inv, 1), "gross", "6");
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);
}

UTEST(contract, tier_bound_as_a_level_for_usage_over_time)
{
    /* storage used as 6 PB * month against rates per GB-month, tiers "below 5 PB":
     * the bound counts per pricing month, 6 PB-month >= 5 PB-month, so everything is
     * at 0.018: 6,000,000 GB-month * 0.018 = 108000 USD. 4 PB-month: 4e6 * 0.020 = 80000. */
    contract_t *c = new_contract("2026-01-01", "2026-03-01");
    sku_terms_t *s = add_sku(c, "storage", PRICE_VOLUME, NULL);
    add_tier(s, h_qty(U, "5", "PB", 1, NULL), h_qty(U, "0.020", "USD", 1, "GB", -1, "month", -1, NULL));
    add_tier(s, NULL, h_qty(U, "0.018", "USD", 1, "GB", -1, "month", -1, NULL));
    value_t *usage[2] = { h_qty(U, "6", "PB", 1, "month", 1, NULL), h_qty(U, "4", "PB", 1, "month", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "gross", "108000");
    expect_money(period_rec(r.inv, 1), "gross", "80000");
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);
}

UTEST(contract, reservation_and_overage)
{
    /* 5 gpu reserved at 2 USD/(gpu*hour), overage at 3:
     *   Jan (744 h), 8 gpu used: 5*744*2 = 7440 reserved + 3*744*3 = 6696 overage = 14136
     *   Feb (672 h), 3 gpu used: the reservation is paid in full, 5*672*2 = 6720
     *   Mar (744 h), unused:     still 7440 */
    contract_t *c = new_contract("2026-01-01", "2026-04-01");
    sku_terms_t *s = add_sku(c, "gpu", PRICE_FLAT, h_qty(U, "2", "USD", 1, "gpu", -1, "hour", -1, NULL));
    s->reserved = h_qty(U, "5", "gpu", 1, NULL);
    s->overage = h_qty(U, "3", "USD", 1, "gpu", -1, "hour", -1, NULL);
    value_t *usage[3] = { h_qty(U, "8", "gpu", 1, NULL), h_qty(U, "3", "gpu", 1, NULL), NULL };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "gross", "14136");
    expect_money(period_rec(r.inv, 1), "gross", "6720");
    expect_money(period_rec(r.inv, 2), "gross", "7440");
    expect_money(r.inv, "total", "28296");
    const value_t *lines = h_field(period_rec(r.inv, 0), "lines");
    cr_assert_eq(lines->u.list.n, 2);
    cr_expect_str_eq(h_field(h_index(lines, 0), "category")->u.s, "reserved");
    cr_expect_str_eq(h_field(h_index(lines, 1), "category")->u.s, "overage");
    expect_money(h_index(lines, 1), "amount", "6696");
    /* the part of the reservation used: all of it in January, 3 of 5 gpu in February; the
     * overage line says the rate without the reservation even when nothing is above it */
    char *m = h_magnitude(U, h_field(h_index(lines, 0), "used"));
    cr_expect_str_eq(m, "3720");
    free(m);
    lines = h_field(period_rec(r.inv, 1), "lines");
    cr_assert_eq(lines->u.list.n, 2);
    m = h_magnitude(U, h_field(h_index(lines, 0), "used"));
    cr_expect_str_eq(m, "2016");
    free(m);
    cr_expect_str_eq(h_field(h_index(lines, 1), "category")->u.s, "overage");
    expect_money(h_index(lines, 1), "amount", "0");
    priced_free(&r);
    free_usage(usage, 3);
    contract_free(c);
}

UTEST(contract, reservation_overage_defaults_to_the_rate)
{
    /* no overage rate: the excess 3 gpu * 744 h at 2 = 4464; 7440 + 4464 = 11904 */
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    sku_terms_t *s = add_sku(c, "gpu", PRICE_FLAT, h_qty(U, "2", "USD", 1, "gpu", -1, "hour", -1, NULL));
    s->reserved = h_qty(U, "5", "gpu", 1, NULL);
    value_t *usage[1] = { h_qty(U, "8", "gpu", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(r.inv, "total", "11904");
    priced_free(&r);
    free_usage(usage, 1);
    contract_free(c);
}

UTEST(contract, discounts_sla_and_pool_in_order)
{
    /* One SKU, 1000 GB at 0.05 USD/GB = 50 USD in each of Jan and Feb 2026.
     * Discounts are declared out of order; they apply per SKU, then on everything, then
     * on spend above a threshold:
     *   20% on egress: -10 -> 40;  10% on all: -4 -> 36;  50% above 30 USD: -3 -> 33.
     * SLA bands 5% and 10%: January both hold (the largest, 10% of 33 = 3.3), February
     * only the first (5% of 33 = 1.65).
     * Credit pool 20 USD: January draws 20 of 33 - 3.3 = 29.7 -> 9.7; February 31.35.
     * Term: gross 100, discounts -34, net 66, SLA 4.95, pool 20, total 41.05. */
    contract_t *c = new_contract("2026-01-01", "2026-03-01");
    add_sku(c, "egress", PRICE_FLAT, h_qty(U, "0.05", "USD", 1, "GB", -1, NULL));
    add_discount(c, h_lit("0.5"), NULL, h_qty(U, "30", "USD", 1, NULL));
    add_discount(c, h_lit("0.1"), NULL, NULL);
    add_discount(c, h_lit("0.2"), "egress", NULL);
    add_sla(c, h_lit("0.05"));
    add_sla(c, h_lit("0.10"));
    c->pool = h_qty(U, "20", "USD", 1, NULL);
    value_t *usage[2] = { h_qty(U, "1000", "GB", 1, NULL), h_qty(U, "1000", "GB", 1, NULL) };
    int sla[4] = { 1, 1, 1, 0 };
    priced_t r = price(c, usage, sla);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    const value_t *p0 = period_rec(r.inv, 0), *p1 = period_rec(r.inv, 1);
    expect_money(p0, "gross", "50");
    expect_money(p0, "discounts", "-17");
    expect_money(p0, "net", "33");
    expect_money(p0, "sla_credit", "33/10");
    expect_money(p0, "pool_draw", "20");
    expect_money(p0, "total", "97/10");
    expect_money(p1, "sla_credit", "33/20");
    expect_money(p1, "pool_draw", "0");
    expect_money(p1, "total", "627/20");
    expect_money(r.inv, "gross", "100");
    expect_money(r.inv, "discounts", "-34");
    expect_money(r.inv, "net", "66");
    expect_money(r.inv, "sla_credit", "99/20");
    expect_money(r.inv, "pool_draw", "20");
    expect_money(r.inv, "total", "821/20");
    /* January's lines: usage, the three discounts in application order, SLA, pool */
    const value_t *lines = h_field(p0, "lines");
    cr_assert_eq(lines->u.list.n, 6);
    static const char *cats[] = { "usage", "discount", "discount", "discount", "sla_credit", "pool_draw" };
    static const char *skus[] = { "egress", "egress", "all", "all", "sla", "credit_pool" };
    static const char *amounts[] = { "50", "-10", "-4", "-3", "-33/10", "-20" };
    for (size_t i = 0; i < 6; i++) {
        cr_expect_str_eq(h_field(h_index(lines, i), "category")->u.s, cats[i], "line %zu", i);
        cr_expect_str_eq(h_field(h_index(lines, i), "sku")->u.s, skus[i], "line %zu", i);
        expect_money(h_index(lines, i), "amount", amounts[i]);
    }
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);
}

UTEST(contract, commitment_steps)
{
    /* 1 GB at 1 USD/GB each month (net 1). Commit 100 USD/month throughout, then
     * 200 USD/month from Feb until Mar: the last line that covers a period wins.
     *   Jan: 100 (shortfall 99); Feb: 200 (199); Mar: back to 100 (99). */
    contract_t *c = new_contract("2026-01-01", "2026-04-01");
    add_sku(c, "x", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    add_commit(c, h_qty(U, "100", "USD", 1, "month", -1, NULL));
    commit_step_t *cs = add_commit(c, h_qty(U, "200", "USD", 1, "month", -1, NULL));
    cs->from = day("2026-02-01");
    cs->has_from = 1;
    cs->until = day("2026-03-01");
    cs->has_until = 1;
    value_t *usage[3] = { h_qty(U, "1", "GB", 1, NULL), h_qty(U, "1", "GB", 1, NULL), h_qty(U, "1", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "shortfall", "99");
    expect_money(period_rec(r.inv, 1), "shortfall", "199");
    expect_money(period_rec(r.inv, 2), "shortfall", "99");
    expect_money(r.inv, "total", "400");
    priced_free(&r);
    free_usage(usage, 3);
    contract_free(c);
}

/* 1/8 USD on each of two lines: where rounding happens changes the invoice. */
static priced_t eighths(contract_t **out, contract_rounding rounding, round_mode mode, int nskus)
{
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "a", PRICE_FLAT, h_qty(U, "0.125", "USD", 1, "GB", -1, NULL));
    if (nskus > 1) add_sku(c, "b", PRICE_FLAT, h_qty(U, "0.125", "USD", 1, "GB", -1, NULL));
    c->rounding = rounding;
    c->mode = mode;
    static value_t *usage[2];
    usage[0] = h_qty(U, "1", "GB", 1, NULL);
    usage[1] = h_qty(U, "1", "GB", 1, NULL);
    priced_t r = price(c, usage, NULL);
    free_usage(usage, 2);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    *out = c;
    return r;
}

UTEST(contract, rounding_policies)
{
    contract_t *c;
    /* per line, half_even: 0.125 -> 0.12 twice = 0.24 */
    priced_t r = eighths(&c, CONTRACT_ROUND_LINES, RM_HALF_EVEN, 2);
    expect_money(r.inv, "total", "6/25");
    expect_money(h_index(h_field(period_rec(r.inv, 0), "lines"), 0), "amount", "3/25");
    priced_free(&r);
    contract_free(c);
    /* per line, half_up: 0.13 twice = 0.26 */
    r = eighths(&c, CONTRACT_ROUND_LINES, RM_HALF_UP, 2);
    expect_money(r.inv, "total", "13/50");
    priced_free(&r);
    contract_free(c);
    /* per invoice: 0.25 exactly, nothing to round; lines keep 1/8 */
    r = eighths(&c, CONTRACT_ROUND_INVOICE, RM_HALF_EVEN, 2);
    expect_money(r.inv, "total", "1/4");
    expect_money(h_index(h_field(period_rec(r.inv, 0), "lines"), 0), "amount", "1/8");
    priced_free(&r);
    contract_free(c);
    /* per invoice with one line: 0.125 -> 0.12 (half_even), 0.13 (half_up), 0.12 (down) */
    r = eighths(&c, CONTRACT_ROUND_INVOICE, RM_HALF_EVEN, 1);
    expect_money(r.inv, "total", "3/25");
    priced_free(&r);
    contract_free(c);
    r = eighths(&c, CONTRACT_ROUND_INVOICE, RM_HALF_UP, 1);
    expect_money(r.inv, "total", "13/100");
    priced_free(&r);
    contract_free(c);
    r = eighths(&c, CONTRACT_ROUND_INVOICE, RM_DOWN, 1);
    expect_money(r.inv, "total", "3/25");
    priced_free(&r);
    contract_free(c);
    /* none: exact */
    r = eighths(&c, CONTRACT_ROUND_NONE, RM_HALF_EVEN, 1);
    expect_money(r.inv, "total", "1/8");
    priced_free(&r);
    contract_free(c);
}

UTEST(contract, rounding_quantum)
{
    /* 0.125 USD rounded per invoice to 0.05 USD: 2.5 quanta -> 2 (half_even) = 0.10 */
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "a", PRICE_FLAT, h_qty(U, "0.125", "USD", 1, "GB", -1, NULL));
    c->rounding = CONTRACT_ROUND_INVOICE;
    c->quantum = h_qty(U, "0.05", "USD", 1, NULL);
    value_t *usage[1] = { h_qty(U, "1", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(r.inv, "total", "1/10");
    priced_free(&r);
    free_usage(usage, 1);
    contract_free(c);
}

/* A rate of 1 USD/hour and a dimensionless level of 1: each period costs its hours. */
static contract_t *hourly(const char *start, const char *end, const char *escalate)
{
    contract_t *c = new_contract(start, end);
    add_sku(c, "h", PRICE_FLAT, h_qty(U, "1", "USD", 1, "hour", -1, NULL));
    c->escalate = h_lit(escalate);
    return c;
}

static priced_t price_hourly(contract_t *c)
{
    period_t *p;
    size_t n;
    char *err = NULL;
    cr_assert(contract_periods(c, &p, &n, &err));
    contract_periods_free(p, n);
    value_t **usage = calloc(n, sizeof *usage);
    cr_assert_not_null(usage);
    for (size_t i = 0; i < n; i++) usage[i] = value_num_si(1);
    priced_t r = price(c, usage, NULL);
    free_usage(usage, n);
    free(usage);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    return r;
}

UTEST(contract, escalation_by_contract_year)
{
    /* from 2026-11-01, 10% yearly: Oct 2027 (index 11) is still year 0: 744 USD;
     * Nov 2027 (index 12) is year 1: 720 * 1.1 = 792; Dec 2027: 744 * 1.1 = 818.4 */
    contract_t *c = hourly("2026-11-01", "2028-12-01", "0.1");
    priced_t r = price_hourly(c);
    expect_money(period_rec(r.inv, 0), "gross", "720");
    expect_money(period_rec(r.inv, 11), "gross", "744");
    expect_money(period_rec(r.inv, 12), "gross", "792");
    expect_money(period_rec(r.inv, 13), "gross", "4092/5");
    /* compounding: Nov 2028 (index 24) is year 2: 720 * 1.21 = 871.2 */
    expect_money(period_rec(r.inv, 24), "gross", "4356/5");
    priced_free(&r);
    contract_free(c);
}

/* Contract year k starts on the k-th anniversary of the start date (contract.h). With a
 * start on 2026-01-15, the January 2027 period (2027-01-01 .. 2027-02-01) is 14 days of
 * year 0 and 17 days of year 1; contract.c takes the hour-weighted average of the two
 * factors: (14 * 24 * 1 + 17 * 24 * 1.1) = 336 + 448.8 = 784.8 USD = 3924/5. Escalating
 * the whole month (744 * 1.1 = 818.4) would charge year-1 rates two weeks early. */
UTEST(contract, escalation_waits_for_the_anniversary)
{
    contract_t *c = hourly("2026-01-15", "2027-03-01", "0.1");
    priced_t r = price_hourly(c);
    cr_assert_eq(h_field(r.inv, "periods")->u.list.n, 14);
    /* December 2026, the period before: 744 h at year-0 rates */
    expect_money(period_rec(r.inv, 11), "gross", "744");
    expect_money(period_rec(r.inv, 12), "gross", "3924/5");
    /* February 2027 lies wholly in year 1: 672 * 1.1 = 739.2 */
    expect_money(period_rec(r.inv, 13), "gross", "3696/5");
    priced_free(&r);
    contract_free(c);
}

UTEST(contract, commitment_changes_mid_month)
{
    /* commit 100 USD/month, and from 2026-01-16 200 USD/month (the later line wins from
     * its first day). January: 15 days at 100/31 a day + 16 days at 200/31 a day
     * = (1500 + 3200) / 31 = 4700/31. Usage 1 GB at 1 USD/GB, so shortfall 4669/31. */
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "x", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    add_commit(c, h_qty(U, "100", "USD", 1, "month", -1, NULL));
    commit_step_t *cs = add_commit(c, h_qty(U, "200", "USD", 1, "month", -1, NULL));
    cs->from = day("2026-01-16");
    cs->has_from = 1;
    value_t *usage[1] = { h_qty(U, "1", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "shortfall", "4669/31");
    expect_money(r.inv, "total", "4700/31");
    priced_free(&r);
    free_usage(usage, 1);
    contract_free(c);
}

static commit_step_t *add_fee(contract_t *c, value_t *amount)
{
    commit_step_t *f = realloc(c->fees, (c->nfees + 1) * sizeof *f);
    cr_assert_not_null(f);
    c->fees = f;
    f = &c->fees[c->nfees++];
    memset(f, 0, sizeof *f);
    f->amount = amount;
    return f;
}

UTEST(contract, fixed_fees)
{
    /* fees add up (unlike commitments): 10 USD/month throughout, and 31 USD/month from
     * 2026-02-15. January: 10. February (28 days): 10 + 31 * 14/28 = 25.5.
     * Usage 2 GB at 1 USD/GB each month. Gross includes the fees: 12 and 27.5. */
    contract_t *c = new_contract("2026-01-01", "2026-03-01");
    add_sku(c, "x", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    add_fee(c, h_qty(U, "10", "USD", 1, "month", -1, NULL));
    commit_step_t *f = add_fee(c, h_qty(U, "31", "USD", 1, "month", -1, NULL));
    f->from = day("2026-02-15");
    f->has_from = 1;
    value_t *usage[2] = { h_qty(U, "2", "GB", 1, NULL), h_qty(U, "2", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(period_rec(r.inv, 0), "fees", "10");
    expect_money(period_rec(r.inv, 1), "fees", "51/2");
    expect_money(period_rec(r.inv, 0), "gross", "12");
    expect_money(period_rec(r.inv, 1), "gross", "55/2");
    expect_money(r.inv, "fees", "71/2");
    expect_money(r.inv, "total", "79/2");
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);
}

UTEST(contract, fees_alone_set_the_currency)
{
    /* nothing used, a fee of 300 EUR per month from 2026-06-11 to 2026-06-21 (10 of 30
     * days): 100 EUR, in EUR */
    contract_t *c = new_contract("2026-06-01", "2026-07-01");
    add_sku(c, "x", PRICE_FLAT, h_qty(U, "1", "EUR", 1, "GB", -1, NULL));
    commit_step_t *f = add_fee(c, h_qty(U, "300", "EUR", 1, "month", -1, NULL));
    f->from = day("2026-06-11");
    f->has_from = 1;
    f->until = day("2026-06-21");
    f->has_until = 1;
    value_t *usage[1] = { NULL };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    cr_expect_str_eq(h_field(r.inv, "currency")->u.s, "EUR");
    expect_money(r.inv, "total", "100");
    priced_free(&r);
    contract_free(c);
}

UTEST(contract, volume_tier_bounds_inclusive_or_below)
{
    /* exactly 100 GB: "first/up to 100 GB" includes the bound (100 * 0.10 = 10 USD);
     * "below 100 GB" does not, so all 100 GB are at 0.05 (5 USD) */
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    egress_tiers(c, PRICE_VOLUME, 0);
    value_t *usage[1] = { h_qty(U, "100", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(r.inv, "gross", "10");
    priced_free(&r);
    c->skus[0].tiers[0].below = 1;
    r = price(c, usage, NULL);
    cr_assert_not_null(r.inv, "%s", r.err ? r.err : "?");
    expect_money(r.inv, "gross", "5");
    priced_free(&r);
    free_usage(usage, 1);
    contract_free(c);
}

UTEST(contract, negative_usage_is_refused)
{
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "x", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    value_t *usage[1] = { h_qty(U, "-1", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_expect_null(r.inv);
    cr_assert_not_null(r.err);
    cr_expect(strstr(r.err, "negative") != NULL, "%s", r.err);
    priced_free(&r);
    free_usage(usage, 1);
    contract_free(c);
}

/* ---------- pricing errors ---------- */

UTEST(contract, errors)
{
    /* two currencies in one contract */
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "a", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    add_sku(c, "b", PRICE_FLAT, h_qty(U, "1", "EUR", 1, "GB", -1, NULL));
    value_t *usage[2] = { h_qty(U, "1", "GB", 1, NULL), h_qty(U, "1", "GB", 1, NULL) };
    priced_t r = price(c, usage, NULL);
    cr_expect_null(r.inv);
    cr_assert_not_null(r.err);
    cr_expect(strstr(r.err, "EUR") && strstr(r.err, "USD"), "%s", r.err);
    priced_free(&r);
    free_usage(usage, 2);
    contract_free(c);

    /* usage of the wrong kind: time against a price per GB */
    c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "a", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    usage[0] = h_qty(U, "1", "hour", 1, NULL);
    r = price(c, usage, NULL);
    cr_expect_null(r.inv);
    cr_assert_not_null(r.err);
    cr_expect(strstr(r.err, "usage of a") != NULL, "%s", r.err);
    cr_expect(strstr(r.err, "time") != NULL, "%s", r.err);
    cr_expect(strstr(r.err, "USD/data") != NULL, "%s", r.err);
    cr_expect_eq(r.fault.kind, FAULT_USAGE);
    cr_expect_eq(r.fault.index, 0);
    priced_free(&r);
    value_free(usage[0]);

    /* nothing used at all */
    usage[0] = NULL;
    r = price(c, usage, NULL);
    cr_expect_null(r.inv);
    cr_assert_not_null(r.err);
    cr_expect(strstr(r.err, "uses none") != NULL, "%s", r.err);
    priced_free(&r);

    contract_free(c);

    /* a credit pool in another currency */
    c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "a", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    c->pool = h_qty(U, "5", "EUR", 1, NULL);
    usage[0] = h_qty(U, "1", "GB", 1, NULL);
    r = price(c, usage, NULL);
    cr_expect_null(r.inv);
    cr_assert_not_null(r.err);
    cr_expect(strstr(r.err, "credit pool") != NULL, "%s", r.err);
    priced_free(&r);
    value_free(usage[0]);
    contract_free(c);
}

/* ---------- through the evaluator ---------- */

static void shown_is(eval_t *e, size_t i, const char *want_text)
{
    char *t = h_text(eval_units(e), h_shown(e, i));
    cr_expect_str_eq(t, want_text, "shown value %zu", i);
    free(t);
}

UTEST(contract, eval_gpu_hour_arithmetic)
{
    diag_t *err = NULL;
    eval_t *e = h_eval_program("2.10 USD/(gpu*hour) * 730 hour * 8 gpu\n"
                               "920 million USD per month in USD/hour\n"
                               "0.1 + 0.2 == 0.3\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    cr_assert_eq(eval_shown_count(e), 3);
    shown_is(e, 0, "12264 USD");
    /* 920e6 / 730 = 92000000/73 = 1260273.(972602739726...) with period 8: 1/73 repeats
     * every 8 digits */
    shown_is(e, 1, "1260273.(97260273) USD/hour");
    shown_is(e, 2, "true");
    eval_free(e);
}

UTEST(contract, eval_one_month_take_or_pay)
{
    /* December 2026 has 744 h: 16384 gpu * 744 h * 2.10 = 25,598,361.6 USD of usage;
     * the 920 million USD per month minimum bills the rest: 894,401,638.4 USD */
    diag_t *err = NULL;
    eval_t *e = h_eval_program(
        "contract deal {\n"
        "  start = 2026-12-01\n"
        "  term = 1 month\n"
        "  commit 920 million USD per month\n"
        "  rate gpu_hour = 2.10 USD/(gpu*hour)\n"
        "}\n"
        "workload w {\n"
        "  use gpu_hour = 16384 gpu\n"
        "}\n"
        "bill = price(w, deal)\n"
        "show bill.gross\n"
        "show bill.periods[0].shortfall\n"
        "show bill.total\n"
        "show deal.end\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    cr_assert_eq(eval_shown_count(e), 4);
    shown_is(e, 0, "25598361.6 USD");
    shown_is(e, 1, "894401638.4 USD");
    shown_is(e, 2, "920000000 USD");
    shown_is(e, 3, "2027-01-01");
    eval_free(e);
}

UTEST(contract, eval_workload_sees_the_period)
{
    /* from 2026-01-15 for 2 months (to 2026-03-15): periods of 17, 28 and 14 days.
     * Commit 31000 USD per month prorated: 31000*17/31 = 17000, 31000, 31000*14/31 = 14000.
     * One gpu in the second period only: 672 h * 2.10 = 1411.2 USD, under the minimum.
     * period.share of the first period is 17/31; its hours 408. */
    diag_t *err = NULL;
    eval_t *e = h_eval_program(
        "contract c {\n"
        "  start = 2026-01-15\n"
        "  term = 2 months\n"
        "  commit 31000 USD per month\n"
        "  rate gpu_hour = 2.10 USD/(gpu*hour)\n"
        "}\n"
        "workload w {\n"
        "  share = period.share\n"
        "  hours = period.hours\n"
        "  use gpu_hour = if period.index == 1 then 1 gpu else 0 gpu\n"
        "}\n"
        "bill = price(w, c)\n"
        "show len(bill.periods)\n"
        "show bill.periods[1].gross\n"
        "show bill.periods[0].total\n"
        "show bill.periods[2].total\n"
        "show bill.total\n"
        "show c.end\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    cr_assert_eq(eval_shown_count(e), 6);
    shown_is(e, 0, "3");
    shown_is(e, 1, "1411.2 USD");
    shown_is(e, 2, "17000 USD");
    shown_is(e, 3, "14000 USD");
    shown_is(e, 4, "62000 USD");
    shown_is(e, 5, "2026-03-15");
    eval_free(e);
}

UTEST(contract, eval_pricing_errors_are_diagnostics)
{
    diag_t *err = NULL;
    eval_t *e = h_eval_program(
        "contract c {\n"
        "  start = 2026-01-01\n"
        "  term = 1 month\n"
        "  rate x = 1 USD/GB\n"
        "}\n"
        "workload w {\n"
        "  use y = 1 GB\n"
        "}\n"
        "show price(w, c)\n", &err);
    cr_assert_not_null(err);
    cr_expect(strstr(err->msg, "no rate `y`") != NULL, "%s", err->msg);
    cr_expect_eq(err->loc.first_line, 7);
    diag_free(err);
    eval_free(e);
}

/* contract_price on no periods at all (the evaluator never asks, since a contract must
 * end after it starts, but the function takes any count): an error or an empty invoice,
 * without reading the currency's name at index -1. */
UTEST(contract, price_with_no_periods)
{
    contract_t *c = new_contract("2026-01-01", "2026-02-01");
    add_sku(c, "x", PRICE_FLAT, h_qty(U, "1", "USD", 1, "GB", -1, NULL));
    char *err = NULL;
    fault_t fault;
    int none[1] = { 0 };
    value_t *inv = contract_price(c, U, "w", NULL, 0, NULL, none, &err, &fault);
    if (inv) {
        expect_money(inv, "total", "0");
        cr_expect_eq(h_field(inv, "periods")->u.list.n, 0);
        const value_t *cur = h_field(inv, "currency");
        cr_expect_eq(cur->kind, V_STR);
    } else {
        cr_expect_not_null(err);
    }
    value_free(inv);
    free(err);
    contract_free(c);
}

/* ---------- sums ---------- */

/* engine_sum keeps a running sum unreduced: it must agree with mpq_add term by term, for
 * denominators that divide the sum's (an escalated year's 50^k), that do not (3, 7), a
 * term of zero, negative terms, and after folding into a value that is not zero. */
Test(contract, engine_sum_agrees_with_mpq_add)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, 11);
    engine_sum_t s;
    engine_sum_init(&s);
    mpq_t want, got, x;
    mpq_inits(want, got, x, NULL);
    mpq_set_si(want, -7, 3);
    mpq_set(got, want);
    for (int i = 1; i <= 3000; i++) {
        mpz_urandomb(mpq_numref(x), rs, 1 + (unsigned long)(i % 150));
        if (i % 3 == 0) mpz_neg(mpq_numref(x), mpq_numref(x));
        if (i % 97 == 0) mpz_set_ui(mpq_numref(x), 0);
        static const unsigned long dens[] = { 1, 50, 2500, 3, 7, 100 };
        mpz_ui_pow_ui(mpq_denref(x), dens[i % 6], 1 + (unsigned long)(i % 40));
        mpq_canonicalize(x);
        engine_sum_add(&s, x);
        mpq_add(want, want, x);
        if (i % 250 == 0) {
            engine_sum_fold(&s, got);
            cr_assert(mpq_equal(got, want), "the sums differ after %d terms", i);
        }
    }
    mpq_clears(want, got, x, NULL);
    engine_sum_clear(&s);
    gmp_randclear(rs);
}

/* A workload whose item is a chain of n sums, the period at its bottom (period.index *
 * 1 gpu + 1 gpu + ...): more than the evaluator's depth limit, which must report it. */
static void deep_item_is_an_error(size_t n)
{
    static const char head[] = "contract c {\n  start = 2027-01-01\n  term = 2 months\n  rate a = 1 USD/(gpu*hour)\n}\n"
                               "workload w {\n  use a = period.index * 1 gpu", link[] = " + 1 gpu", tail[] = "\n}\nshow price(w, c).total\n";
    char *src = malloc(sizeof head + n * (sizeof link - 1) + sizeof tail), *p = src;
    cr_assert_not_null(src);
    p += sprintf(p, "%s", head);
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s", link);
    sprintf(p, "%s", tail);
    diag_t *err = NULL;
    eval_t *e = h_eval_program(src, &err);
    cr_assert_not_null(err, "%zu sums: no error", n);
    cr_expect(strstr(err->msg, "nested too deeply") != NULL, "%zu sums: %s", n, err->msg);
    diag_free(err);
    eval_free(e);
    free(src);
}

/* What a workload's periods share is found in one walk of its items, which stops where
 * the evaluator's depth limit would (not a walk from every level down: 100,000 sums took
 * minutes), and no walk over an item recurses down a chain of a million (a crash). */
UTEST(contract, a_deep_workload_item_is_an_error_in_time, .timeout = 30)
{
    deep_item_is_an_error(100000);
    deep_item_is_an_error(1000000);
}
