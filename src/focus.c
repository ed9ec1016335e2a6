/* focus: invoices as FOCUS 1.2 rows. Each invoice line is one row; its category becomes
 * a FOCUS ChargeCategory (corrections are marked by ChargeClass), its period the charge
 * and billing periods. A commitment discount (a reservation or a spend plan) is
 * written as FOCUS writes one: each period's commitment is a Purchase row (BilledCost, no
 * EffectiveCost), the usage it covers and its unused part are Usage rows with no
 * BilledCost, whose EffectiveCost carries the commitment and the period's share of the
 * upfront payment (the invoice's amortised view). FOCUS forbids fractions: a number that
 * ends as a decimal is written with all its digits; in a column where some number does
 * not end, every number of the column is written to FOCUS_DECIMALS places with the
 * rounding carried from row to row, so the column still adds up to its exact total (to
 * those places). */
#include "focus.h"
#include "diag.h"
#include "escape.h"
#include "fx_invoice.h"
#include "format.h"
#include <stdlib.h>
#include <string.h>

enum { FOCUS_DECIMALS = 12 };

/* The columns, in the order written: the 21 FOCUS 1.2 mandatory ones, with SkuId,
 * ChargeFrequency, PricingCategory and the unit prices beside them, then the commitment
 * discount columns (conditional in FOCUS: Outlay's contracts support commitments), then
 * — only when an invoice shown was converted into another currency (fx_invoice.h) — the
 * pricing currency columns (conditional: pricing and billing currencies differ). */
typedef enum {
    F_BILLING_ACCOUNT_ID, F_BILLING_ACCOUNT_NAME, F_BILLING_CURRENCY, F_BILLING_PERIOD_START,
    F_BILLING_PERIOD_END, F_CHARGE_PERIOD_START, F_CHARGE_PERIOD_END, F_CHARGE_CATEGORY, F_CHARGE_CLASS,
    F_CHARGE_DESCRIPTION, F_CHARGE_FREQUENCY, F_INVOICE_ISSUER, F_PROVIDER, F_PUBLISHER,
    F_SERVICE_CATEGORY, F_SERVICE_NAME, F_SKU_ID, F_PRICING_CATEGORY, F_PRICING_QUANTITY, F_PRICING_UNIT,
    F_LIST_UNIT_PRICE, F_LIST_COST, F_CONTRACTED_UNIT_PRICE, F_CONTRACTED_COST, F_EFFECTIVE_COST,
    F_BILLED_COST, F_COMMITMENT_DISCOUNT_CATEGORY, F_COMMITMENT_DISCOUNT_ID, F_COMMITMENT_DISCOUNT_NAME,
    F_COMMITMENT_DISCOUNT_TYPE, F_COMMITMENT_DISCOUNT_STATUS, F_COMMITMENT_DISCOUNT_QUANTITY,
    F_COMMITMENT_DISCOUNT_UNIT, F_PRICING_CURRENCY, F_PRICING_CURRENCY_LIST_UNIT_PRICE,
    F_PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, F_PRICING_CURRENCY_EFFECTIVE_COST, F_NCOLS
} focus_col;

static const char *const col_names[F_NCOLS] = {
    "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodStart",
    "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ChargeClass",
    "ChargeDescription", "ChargeFrequency", "InvoiceIssuerName", "ProviderName", "PublisherName",
    "ServiceCategory", "ServiceName", "SkuId", "PricingCategory", "PricingQuantity", "PricingUnit",
    "ListUnitPrice", "ListCost", "ContractedUnitPrice", "ContractedCost", "EffectiveCost", "BilledCost",
    "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountType",
    "CommitmentDiscountStatus", "CommitmentDiscountQuantity", "CommitmentDiscountUnit",
    "PricingCurrency", "PricingCurrencyListUnitPrice", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
};

static int is_number_col(int c)
{
    return c == F_PRICING_QUANTITY || (c >= F_LIST_UNIT_PRICE && c <= F_BILLED_COST) || c == F_COMMITMENT_DISCOUNT_QUANTITY ||
           c > F_PRICING_CURRENCY;
}

/* An invoice line's category in FOCUS terms. */
static const struct category {
    const char *outlay, *charge_category, *charge_class, *frequency, *description;
} categories[] = {
    { "usage", "Usage", "", "Usage-Based", "%s usage" },
    { "on_demand", "Usage", "", "Usage-Based", "%s usage at the on-demand rate" },
    { "committed_use", "Usage", "", "Usage-Based", "%s usage covered by a commitment" },
    { "reserved", "Usage", "", "Usage-Based", "%s reserved quantity" },
    { "overage", "Usage", "", "Usage-Based", "%s usage above the reservation" },
    /* only a commitment in usage not tied to a reservation (commitment_of): no commitment
     * discount, the take-or-pay deficiency it bills */
    { "unused_commitment", "Adjustment", "", "Recurring", "unused usage commitment of %s" },
    { "fee", "Purchase", "", "Recurring", "fixed fee" },
    { "upfront", "Purchase", "", "One-Time", "upfront payment" },
    { "shortfall", "Adjustment", "", "Recurring", "minimum commitment shortfall" },
    { "yearly_shortfall", "Adjustment", "", "Recurring", "yearly commitment shortfall" },
    { "discount", "Credit", "", "Usage-Based", "discount on %s" },
    { "sla_credit", "Credit", "", "One-Time", "SLA credit" },
    { "pool_draw", "Credit", "", "One-Time", "prepaid credit drawn" },
    { "rounding", "Adjustment", "", "One-Time", "invoice rounding" },
    { "true_up", "Adjustment", "Correction", "One-Time", "%s true-up of an earlier period" },
};

static const struct category *category_of(const char *name)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (!strcmp(categories[i].outlay, name)) return &categories[i];
    return NULL;
}

typedef struct row {
    char *text[F_NCOLS];
    mpq_t num[F_NCOLS];
    unsigned char has[F_NCOLS];
} row_t;

typedef struct rows { row_t *r; size_t n, cap; int oom; } rows_t;

static const value_t *get(const value_t *rec, const char *k) { return rec && rec->kind == V_RECORD ? value_record_get(rec, k) : NULL; }
static const char *str(const value_t *v) { return v && v->kind == V_STR ? v->u.s : ""; }

static row_t *row_new(rows_t *rs)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        row_t *r = realloc(rs->r, cap * sizeof *r);
        if (!r) { rs->oom = 1; return NULL; }
        rs->r = r;
        rs->cap = cap;
    }
    row_t *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    for (int c = 0; c < F_NCOLS; c++) mpq_init(r->num[c]);
    return r;
}

static void row_text(rows_t *rs, row_t *r, int col, char *s)
{
    if (!s) rs->oom = 1;
    free(r->text[col]);
    r->text[col] = s;
}

static void row_num(row_t *r, int col, const mpq_t q) { mpq_set(r->num[col], q); r->has[col] = 1; }

/* The unit names FOCUS writes, by Outlay's unit names; others keep their own name. */
static const struct { const char *outlay, *focus; } unit_names[] = {
    { "hour", "Hours" }, { "s", "Seconds" }, { "minute", "Minutes" }, { "day", "Days" }, { "month", "Months" },
    { "year", "Years" }, { "gpu", "GPU" }, { "chip", "Chips" }, { "request", "Requests" }, { "token", "Tokens" },
    { "B", "Bytes" }, { "byte", "Bytes" }, { "bit", "Bits" },
};

char *focus_unit_name(const units_t *u, const value_t *quantity)
{
    uterm_t t;
    value_display_unit(u, quantity, &t);
    if (t.n == UTERM_NONE || t.n == 0) return strdup(t.n == 0 ? "Units" : "");
    /* a product of units (GB*month) is written with hyphens (GB-Months); a quotient, as Outlay writes it */
    int product = 1;
    for (size_t i = 0; i < t.n; i++) product &= t.t[i].exp == 1;
    if (!product) return uterm_format(u, &t);
    size_t cap = 1;
    for (size_t i = 0; i < t.n; i++) cap += strlen(units_get(u, t.t[i].unit)->name) + 16;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = 0;
    for (size_t i = 0; i < t.n; i++) {
        const char *name = units_get(u, t.t[i].unit)->name, *f = name;
        for (size_t k = 0; k < sizeof unit_names / sizeof unit_names[0]; k++)
            if (!strcmp(unit_names[k].outlay, name)) f = unit_names[k].focus;
        if (i) strcat(s, "-");
        strcat(s, f);
    }
    return s;
}

/* The FOCUS service category of a quantity: compute time, stored bytes, moved bytes, tokens. */
static const char *service_category(const units_t *u, const value_t *q)
{
    if (!q) return "Other";
    uterm_t t;
    value_display_unit(u, q, &t);
    int time = 0, bytes = 0, tokens = 0;
    for (size_t i = 0; t.n != UTERM_NONE && i < t.n; i++) {
        const char *name = units_get(u, t.t[i].unit)->name;
        size_t n = strlen(name);
        if (!strcmp(name, "hour") || !strcmp(name, "s") || !strcmp(name, "month") || !strcmp(name, "day")) time = 1;
        else if (!strcmp(name, "token")) tokens = 1;
        else if (n >= 1 && n <= 3 && name[n - 1] == 'B') bytes = 1;
    }
    return tokens ? "AI and Machine Learning" : bytes && time ? "Storage" : bytes ? "Networking" : time ? "Compute" : "Other";
}

static char *timestamp(date_t d)
{
    char s[16];
    dates_format(d, s);
    return diag_format("%sT00:00:00Z", s);
}

/* The contract's informational field (provider, customer, list_prices) when the program
 * gives one, else NULL. */
static value_t *contract_field(eval_t *e, const char *contract, const char *field)
{
    char *expr = diag_format("%s.%s", contract, field);
    diag_t *err = NULL;
    value_t *v = expr ? eval_expression(e, "<focus>", expr, &err) : NULL;
    free(expr);
    diag_free(err);
    return v;
}

static char *contract_text(eval_t *e, const char *contract, const char *field)
{
    value_t *v = contract_field(e, contract, field);
    char *s = v && v->kind == V_STR ? strdup(v->u.s) : NULL;
    value_free(v);
    return s;
}

/* A quantity's price per unit of its FOCUS PricingUnit (the quantity's display unit):
 * price (base units: money per base unit) x base units per display unit. */
static void unit_price(const units_t *u, const value_t *qty, const mpq_t price, mpq_t out)
{
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    value_t *v = value_quantity_like(one, qty);
    if (v) value_magnitude(u, v, one);   /* display units in one base unit */
    if (v && mpq_sgn(one)) mpq_div(out, price, one);
    else mpq_set(out, price);
    value_free(v);
    mpq_clear(one);
}

/* The list price of SKU sku, in base units, from the contract's `list_prices = { SKU =
 * PRICE }` (a stdlib figure such as aws_h100_8x_hourly / (8 gpu)); 0 when it gives none.
 * The contract's definition checked that each is in its SKU's rate units. */
static int list_price_of(const value_t *prices, const char *sku, const value_t *rate, mpq_t out)
{
    const value_t *lp = get(prices, sku);
    if (!lp || lp->kind != V_NUM || !rate || rate->kind != V_NUM || lp->u.num.dim_id != rate->u.num.dim_id) return 0;
    mpq_set(out, lp->u.num.q);
    return 1;
}

/* A commitment discount: an hourly reservation of a SKU, or a spend plan. */
typedef struct commitment { int spend; const char *name; } commitment_t;

/* How a commitment line counts: the usage it covers, its unused part, or both (a
 * reservation over the period bills one `reserved` line, noting the part `used`). */
enum { PART_USED, PART_UNUSED, PART_BOTH };

/* Whether the period bills SKU sku as reserved: a reservation's `reserved` or
 * `committed_use` line. */
static int has_reservation(const value_t *lines, const char *sku)
{
    for (size_t k = 0; k < lines->u.list.n; k++) {
        const value_t *o = lines->u.list.items[k];
        const char *category = str(get(o, "category"));
        if ((!strcmp(category, "reserved") || !strcmp(category, "committed_use")) && !strcmp(str(get(o, "sku")), sku)) return 1;
    }
    return 0;
}

/* The commitment discount line i draws on (committed_use), leaves unused
 * (unused_commitment) or both (reserved); 0 for any other line. An hourly reservation
 * bills its SKU's committed_use and unused_commitment lines (both with a quantity); a
 * spend plan bills committed_use lines for the SKUs it covers, then one
 * unused_commitment line named for the plan, without a quantity: the plan of the first
 * such line after the committed_use line. An unused_commitment line with a quantity and
 * no reservation of its SKU in the period is a commitment in usage (`commit N SKU per
 * month`): FOCUS has no commitment discount for it (nothing is bought, no rate is
 * lowered), so it is a charge of its own; a share of a reservation (`commit P of
 * reserved SKU`) belongs to that reservation. */
static int commitment_of(const value_t *lines, size_t i, commitment_t *c, int *part)
{
    const value_t *l = lines->u.list.items[i];
    const char *category = str(get(l, "category")), *sku = str(get(l, "sku"));
    c->name = sku;
    c->spend = 0;
    if (!strcmp(category, "reserved") && get(l, "used")) { *part = PART_BOTH; return 1; }
    *part = strcmp(category, "unused_commitment") ? PART_USED : PART_UNUSED;
    if (*part == PART_USED && strcmp(category, "committed_use")) return 0;
    if (*part == PART_UNUSED) { c->spend = !get(l, "quantity"); return c->spend || has_reservation(lines, sku); }
    for (size_t k = 0; k < lines->u.list.n; k++) {
        const value_t *o = lines->u.list.items[k];
        if (strcmp(str(get(o, "category")), "unused_commitment")) continue;
        if (get(o, "quantity") && !strcmp(str(get(o, "sku")), sku)) return 1;
        if (!get(o, "quantity") && k > i) { c->spend = 1; c->name = str(get(o, "sku")); return 1; }
    }
    return 0;
}

static int same_commitment(const commitment_t *a, const commitment_t *b) { return a->spend == b->spend && !strcmp(a->name, b->name); }

/* What a commitment line counts against its commitment (FOCUS CommitmentDiscountQuantity):
 * a reservation's quantity, a plan's money. */
static void commitment_quantity(const units_t *u, const value_t *l, int spend, mpq_t out)
{
    const value_t *q = spend ? get(l, "amount") : get(l, "quantity");
    if (q && q->kind == V_NUM) value_magnitude(u, q, out);
    else mpq_set_ui(out, 0, 1);
}

/* The commitment discounts of an invoice: how many (counting to 2), the first, and its
 * quantity over the invoice (the CommitmentDiscountQuantity of an upfront purchase) with
 * the unit of a reservation's quantity (malloc'd). */
static int invoice_commitments(const units_t *u, const value_t *inv, commitment_t *first, mpq_t term_q, char **unit)
{
    int n = 0;
    const value_t *periods = get(inv, "periods");
    mpq_t q;
    mpq_init(q);
    if (term_q) mpq_set_ui(term_q, 0, 1);
    for (size_t p = 0; periods && periods->kind == V_LIST && p < periods->u.list.n; p++) {
        const value_t *lines = get(periods->u.list.items[p], "lines");
        for (size_t i = 0; lines && lines->kind == V_LIST && i < lines->u.list.n; i++) {
            commitment_t c;
            int part;
            if (!commitment_of(lines, i, &c, &part)) continue;
            if (!n) { *first = c; n = 1; }
            else if (!same_commitment(&c, first)) n = 2;
            if (term_q && same_commitment(&c, first)) {
                commitment_quantity(u, lines->u.list.items[i], c.spend, q);
                mpq_add(term_q, term_q, q);
                const value_t *qty = get(lines->u.list.items[i], "quantity");
                if (unit && !*unit && qty) *unit = focus_unit_name(u, qty);
            }
        }
    }
    mpq_clear(q);
    return n;
}

/* Why an invoice has no FOCUS form, or NULL: FOCUS spreads an upfront payment over the
 * usage of the commitment it bought, which must then be one. */
static char *invoice_problem(const units_t *u, const value_t *inv)
{
    if (!get(inv, "upfront")) return NULL;
    commitment_t c;
    int n = invoice_commitments(u, inv, &c, NULL, NULL);
    if (n == 1) return NULL;
    return diag_format("--format focus: the upfront payment of contract %s prepays %s; FOCUS spreads a prepayment over "
                       "the usage of the one commitment it bought",
                       str(get(inv, "contract")), n ? "several commitments" : "no reservation or plan");
}

/* What stays the same over an invoice's rows. */
typedef struct invoice_ctx {
    eval_t *e;
    const units_t *u;
    const value_t *inv;
    const char *contract, *currency;
    char *provider, *customer;
    value_t *prices;
    int upfront;              /* the contract has an upfront payment, prepaying `one` */
    commitment_t one;
    mpq_t term_q;             /* one's quantity over the invoice */
    char *unit;               /* the unit of one's quantity */
} invoice_ctx_t;

static char *commitment_id(const invoice_ctx_t *x, const commitment_t *c)
{
    return diag_format("%s/%s/%s", x->contract, c->spend ? "plan" : "reserve", c->name);
}

/* A row with the columns every row of the period has. */
static row_t *period_row(rows_t *rs, const invoice_ctx_t *x, const value_t *per)
{
    row_t *r = row_new(rs);
    if (!r) return NULL;
    const char *issuer = x->provider ? x->provider : x->contract;
    row_text(rs, r, F_BILLING_ACCOUNT_ID, strdup(x->contract));
    row_text(rs, r, F_BILLING_ACCOUNT_NAME, strdup(x->customer ? x->customer : ""));
    row_text(rs, r, F_BILLING_CURRENCY, strdup(x->currency));
    row_text(rs, r, F_BILLING_PERIOD_START, timestamp(get(per, "start")->u.date));
    row_text(rs, r, F_BILLING_PERIOD_END, timestamp(get(per, "end")->u.date));
    row_text(rs, r, F_CHARGE_PERIOD_START, timestamp(get(per, "start")->u.date));
    row_text(rs, r, F_CHARGE_PERIOD_END, timestamp(get(per, "end")->u.date));
    row_text(rs, r, F_INVOICE_ISSUER, strdup(issuer));
    row_text(rs, r, F_PROVIDER, strdup(issuer));
    row_text(rs, r, F_PUBLISHER, strdup(issuer));
    row_text(rs, r, F_SERVICE_NAME, strdup(x->contract));
    return r;
}

/* The commitment discount columns; status NULL on a purchase. */
static void commitment_columns(rows_t *rs, row_t *r, const invoice_ctx_t *x, const commitment_t *c, const char *status,
                               const mpq_t q, const char *unit)
{
    row_text(rs, r, F_COMMITMENT_DISCOUNT_CATEGORY, strdup(c->spend ? "Spend" : "Usage"));
    row_text(rs, r, F_COMMITMENT_DISCOUNT_ID, commitment_id(x, c));
    row_text(rs, r, F_COMMITMENT_DISCOUNT_NAME, c->spend ? strdup(c->name) : diag_format("reservation of %s", c->name));
    row_text(rs, r, F_COMMITMENT_DISCOUNT_TYPE, strdup(c->spend ? "Spend plan" : "Reservation"));
    if (status) row_text(rs, r, F_COMMITMENT_DISCOUNT_STATUS, strdup(status));
    row_num(r, F_COMMITMENT_DISCOUNT_QUANTITY, q);
    row_text(rs, r, F_COMMITMENT_DISCOUNT_UNIT, strdup(unit ? unit : ""));
}

/* The cost columns of a charge with a price: the quantity, the contracted price per
 * PricingUnit and the list price (the SKU's list price, or with none known the
 * contracted one: FOCUS's contracted price defaults to the list price when nothing was
 * negotiated, and Outlay knows of nothing negotiated off a price it was not given). */
static void priced(row_t *r, const mpq_t q, const mpq_t contracted, const mpq_t *list)
{
    mpq_t m;
    mpq_init(m);
    row_num(r, F_PRICING_QUANTITY, q);
    row_num(r, F_CONTRACTED_UNIT_PRICE, contracted);
    mpq_mul(m, contracted, q);
    row_num(r, F_CONTRACTED_COST, m);
    row_num(r, F_LIST_UNIT_PRICE, list ? *list : contracted);
    mpq_mul(m, list ? *list : contracted, q);
    row_num(r, F_LIST_COST, m);
    mpq_clear(m);
}

/* A purchase of one unit at `amount`: a fee, an upfront payment, a period's commitment. */
static void purchase(rows_t *rs, row_t *r, const char *frequency, const char *description, const mpq_t amount, int prepaid)
{
    mpq_t one, zero;
    mpq_init(one);
    mpq_init(zero);
    mpq_set_ui(one, 1, 1);
    row_text(rs, r, F_CHARGE_CATEGORY, strdup("Purchase"));
    row_text(rs, r, F_CHARGE_CLASS, strdup(""));
    row_text(rs, r, F_CHARGE_DESCRIPTION, strdup(description));
    row_text(rs, r, F_CHARGE_FREQUENCY, strdup(frequency));
    row_text(rs, r, F_SERVICE_CATEGORY, strdup("Other"));
    row_text(rs, r, F_SKU_ID, strdup(""));
    row_text(rs, r, F_PRICING_CATEGORY, strdup("Standard"));
    row_text(rs, r, F_PRICING_UNIT, strdup("Units"));
    priced(r, one, amount, NULL);
    row_num(r, F_BILLED_COST, amount);
    /* FOCUS: a purchase that pays for charges to come has no effective cost; they carry it */
    row_num(r, F_EFFECTIVE_COST, prepaid ? zero : amount);
    mpq_clears(one, zero, NULL);
}

/* A period's commitment as a Purchase row: what its lines bill in the period (none when
 * they bill nothing, as an all-upfront reservation's). */
static void commitment_purchase(rows_t *rs, const invoice_ctx_t *x, const value_t *per, const value_t *lines,
                                const commitment_t *c)
{
    mpq_t fee, q, m;
    mpq_inits(fee, q, m, NULL);
    const char *unit = NULL;
    char *unit_name = NULL;
    for (size_t i = 0; i < lines->u.list.n; i++) {
        commitment_t o;
        int part;
        const value_t *l = lines->u.list.items[i];
        if (!commitment_of(lines, i, &o, &part) || !same_commitment(&o, c)) continue;
        if (get(l, "amount")) { value_magnitude(x->u, get(l, "amount"), m); mpq_add(fee, fee, m); }
        commitment_quantity(x->u, l, c->spend, m);
        mpq_add(q, q, m);
        if (!c->spend && !unit_name && get(l, "quantity")) unit_name = focus_unit_name(x->u, get(l, "quantity"));
    }
    unit = c->spend ? x->currency : unit_name;
    row_t *r = mpq_sgn(fee) ? period_row(rs, x, per) : NULL;
    if (r) {
        char *what = c->spend ? diag_format("plan %s: the period's commitment", c->name)
                              : diag_format("reservation of %s: the period's commitment", c->name);
        purchase(rs, r, "Recurring", what ? what : "", fee, 1);
        free(what);
        commitment_columns(rs, r, x, c, NULL, q, unit);
    }
    free(unit_name);
    mpq_clears(fee, q, m, NULL);
}

/* The rate a commitment line's SKU pays without the commitment: its on_demand or overage
 * line's in the period (a reservation's overage rate, a plan's SKU rate). */
static const value_t *on_demand_rate(const value_t *lines, const value_t *l)
{
    for (size_t k = 0; k < lines->u.list.n; k++) {
        const value_t *o = lines->u.list.items[k];
        const char *category = str(get(o, "category"));
        if ((!strcmp(category, "on_demand") || !strcmp(category, "overage")) && !strcmp(str(get(o, "sku")), str(get(l, "sku"))) &&
            get(o, "rate"))
            return get(o, "rate");
    }
    return get(l, "rate");
}

/* A usage line drawing on a commitment (Used) or its unused part (Unused), or that part of
 * a reservation over the period (its quantity split by what was `used`): billed through
 * the commitment's purchase, so BilledCost 0; EffectiveCost is the line's amount and, for
 * the commitment an upfront payment bought, the period's share of the payment spread by
 * commitment quantity (share x q / period_q). Priced at what the SKU pays without the
 * commitment; a plan's unused money at its face value. */
static void commitment_row(rows_t *rs, row_t *r, const invoice_ctx_t *x, const value_t *lines, const value_t *l,
                           const commitment_t *c, int part, const mpq_t share, const mpq_t period_q)
{
    const units_t *u = x->u;
    const value_t *qty = get(l, "quantity"), *amount = get(l, "amount"), *used = get(l, "used");
    const char *sku = str(get(l, "sku"));
    int unused = part == PART_UNUSED;
    mpq_t q, m, eff, contracted, list, zero, frac;
    mpq_inits(q, m, eff, contracted, list, zero, frac, NULL);
    mpq_set_ui(frac, 1, 1);
    if (used && qty && mpq_sgn(qty->u.num.q)) {   /* the part of the reservation this row shows */
        mpq_div(frac, used->u.num.q, qty->u.num.q);
        if (unused) { mpq_set_ui(m, 1, 1); mpq_sub(frac, m, frac); }
    } else if (used) mpq_set_ui(frac, !unused, 1);
    if (amount) value_magnitude(u, amount, eff);
    mpq_mul(eff, eff, frac);
    commitment_quantity(u, l, c->spend, q);
    mpq_mul(q, q, frac);
    if (x->upfront && same_commitment(c, &x->one)) {
        if (mpq_sgn(period_q)) { mpq_mul(m, share, q); mpq_div(m, m, period_q); }
        else if (unused) mpq_set(m, share);   /* nothing to spread by: the commitment went unused */
        else mpq_set_ui(m, 0, 1);
        mpq_add(eff, eff, m);
    }
    row_text(rs, r, F_CHARGE_CATEGORY, strdup("Usage"));
    row_text(rs, r, F_CHARGE_CLASS, strdup(""));
    row_text(rs, r, F_CHARGE_DESCRIPTION, unused ? diag_format("%s unused commitment", c->name)
                                                 : diag_format("%s usage covered by a commitment", sku));
    row_text(rs, r, F_CHARGE_FREQUENCY, strdup("Usage-Based"));
    row_text(rs, r, F_SERVICE_CATEGORY, strdup(service_category(u, qty)));
    row_text(rs, r, F_PRICING_CATEGORY, strdup("Committed"));
    char *unit = qty ? focus_unit_name(u, qty) : strdup(x->currency);
    if (qty) {
        const value_t *od = on_demand_rate(lines, l);
        value_magnitude(u, qty, m);
        mpq_mul(m, m, frac);
        unit_price(u, qty, od->u.num.q, contracted);
        int has_list = list_price_of(x->prices, sku, od, list);
        if (has_list) unit_price(u, qty, list, list);
        row_text(rs, r, F_SKU_ID, strdup(sku));
        priced(r, m, contracted, has_list ? &list : NULL);
    } else {   /* a plan's unused money, one currency unit at a time */
        mpq_set_ui(contracted, 1, 1);
        row_text(rs, r, F_SKU_ID, strdup(""));
        priced(r, q, contracted, NULL);
    }
    row_text(rs, r, F_PRICING_UNIT, unit ? strdup(unit) : NULL);
    row_num(r, F_BILLED_COST, zero);
    row_num(r, F_EFFECTIVE_COST, eff);
    commitment_columns(rs, r, x, c, unused ? "Unused" : "Used", q, c->spend ? x->currency : unit);
    free(unit);
    mpq_clears(q, m, eff, contracted, list, zero, frac, NULL);
}

/* Any other line: billed as it is. A line with a quantity and a rate is priced; a fee or
 * an upfront payment is a purchase of one; a credit or an adjustment relates to no price,
 * so FOCUS has its list and contracted costs match its billed cost. */
static void line_row(rows_t *rs, row_t *r, const invoice_ctx_t *x, const value_t *l)
{
    const units_t *u = x->u;
    const value_t *qty = get(l, "quantity"), *rate = get(l, "rate"), *amount = get(l, "amount");
    const char *sku = str(get(l, "sku")), *category = str(get(l, "category"));
    const struct category *cat = category_of(category);
    mpq_t m, a, contracted, list;
    mpq_inits(m, a, contracted, list, NULL);
    if (amount) value_magnitude(u, amount, a);
    const char *charge = cat ? cat->charge_category : "Adjustment";
    char *what = cat ? diag_format(cat->description, sku) : diag_format("%s %s", sku, category);
    if (!strcmp(charge, "Purchase")) {
        int upfront = !strcmp(category, "upfront") && x->upfront;
        purchase(rs, r, cat->frequency, what ? what : "", a, upfront);
        if (upfront) commitment_columns(rs, r, x, &x->one, NULL, x->term_q, x->unit);
    } else {
        row_text(rs, r, F_CHARGE_CATEGORY, strdup(charge));
        row_text(rs, r, F_CHARGE_CLASS, strdup(cat ? cat->charge_class : ""));
        row_text(rs, r, F_CHARGE_DESCRIPTION, what ? strdup(what) : NULL);
        row_text(rs, r, F_CHARGE_FREQUENCY, strdup(cat ? cat->frequency : "One-Time"));
        row_text(rs, r, F_SERVICE_CATEGORY, strdup(service_category(u, qty)));
        row_text(rs, r, F_SKU_ID, strdup(qty ? sku : ""));
        row_num(r, F_BILLED_COST, a);
        row_num(r, F_EFFECTIVE_COST, a);
        if (qty && rate && rate->kind == V_NUM) {
            value_magnitude(u, qty, m);
            unit_price(u, qty, rate->u.num.q, contracted);
            int has_list = list_price_of(x->prices, sku, rate, list);
            if (has_list) unit_price(u, qty, list, list);
            row_text(rs, r, F_PRICING_CATEGORY, strdup("Standard"));
            row_text(rs, r, F_PRICING_UNIT, focus_unit_name(u, qty));
            priced(r, m, contracted, has_list ? &list : NULL);
        } else {
            if (qty) {
                value_magnitude(u, qty, m);
                row_num(r, F_PRICING_QUANTITY, m);
                row_text(rs, r, F_PRICING_UNIT, focus_unit_name(u, qty));
            }
            row_num(r, F_LIST_COST, a);
            row_num(r, F_CONTRACTED_COST, a);
        }
    }
    free(what);
    mpq_clears(m, a, contracted, list, NULL);
}

/* A value's magnitude, 0 when absent. */
static void magnitude_of(const units_t *u, const value_t *v, mpq_t out)
{
    if (v && v->kind == V_NUM) value_magnitude(u, v, out);
    else mpq_set_ui(out, 0, 1);
}

static void period_rows(rows_t *rs, const invoice_ctx_t *x, const value_t *per)
{
    const value_t *lines = get(per, "lines");
    if (!lines || lines->kind != V_LIST) return;
    /* the period's share of the upfront payment: its amortised view less what it bills */
    mpq_t share, period_q, m;
    mpq_inits(share, period_q, m, NULL);
    if (x->upfront) {
        magnitude_of(x->u, get(per, "amortised"), share);
        magnitude_of(x->u, get(per, "total"), m);
        mpq_sub(share, share, m);
        magnitude_of(x->u, get(per, "upfront"), m);
        mpq_add(share, share, m);
    }
    for (size_t i = 0; i < lines->u.list.n; i++) {
        commitment_t c;
        int part;
        if (x->upfront && commitment_of(lines, i, &c, &part) && same_commitment(&c, &x->one)) {
            commitment_quantity(x->u, lines->u.list.items[i], c.spend, m);
            mpq_add(period_q, period_q, m);
        }
    }
    for (size_t i = 0; i < lines->u.list.n && !rs->oom; i++) {
        commitment_t c;
        int part, first = 1;
        const value_t *l = lines->u.list.items[i];
        int is_commitment = commitment_of(lines, i, &c, &part);
        for (size_t k = 0; is_commitment && k < i && first; k++) {
            commitment_t o;
            int other_part;
            first = !(commitment_of(lines, k, &o, &other_part) && same_commitment(&o, &c));
        }
        if (is_commitment && first) commitment_purchase(rs, x, per, lines, &c);
        row_t *r = period_row(rs, x, per);
        if (!r) break;
        if (!is_commitment) line_row(rs, r, x, l);
        else if (part != PART_BOTH) commitment_row(rs, r, x, lines, l, &c, part, share, period_q);
        else {
            commitment_row(rs, r, x, lines, l, &c, PART_USED, share, period_q);
            if ((r = period_row(rs, x, per))) commitment_row(rs, r, x, lines, l, &c, PART_UNUSED, share, period_q);
        }
    }
    mpq_clears(share, period_q, m, NULL);
}

/* The pricing currency columns of a period's rows [first, n): for an invoice converted
 * into another currency, the rows' unit prices and effective cost in the currency it was
 * priced in (each divided by the period's exchange rate, the one the period converted
 * at); for one never converted, its own figures. */
static void pricing_columns(rows_t *rs, size_t first, const invoice_ctx_t *x, const value_t *per)
{
    static const struct { int from, to; } cols[] = {
        { F_LIST_UNIT_PRICE, F_PRICING_CURRENCY_LIST_UNIT_PRICE },
        { F_CONTRACTED_UNIT_PRICE, F_PRICING_CURRENCY_CONTRACTED_UNIT_PRICE },
        { F_EFFECTIVE_COST, F_PRICING_CURRENCY_EFFECTIVE_COST },
    };
    const value_t *priced_in = get(x->inv, "pricing_currency");
    mpq_t rate, m;
    mpq_inits(rate, m, NULL);
    fx_invoice_period_rate(x->u, x->inv, per, rate);
    for (size_t i = first; i < rs->n; i++) {
        row_t *r = &rs->r[i];
        row_text(rs, r, F_PRICING_CURRENCY, strdup(priced_in ? str(priced_in) : x->currency));
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
            if (r->has[cols[k].from]) { mpq_div(m, r->num[cols[k].from], rate); row_num(r, cols[k].to, m); }
    }
    mpq_clears(rate, m, NULL);
}

static void invoice_rows(rows_t *rs, eval_t *e, const value_t *inv)
{
    invoice_ctx_t x = { .e = e, .u = eval_units(e), .inv = inv };
    x.contract = str(get(inv, "contract"));
    x.currency = str(get(inv, "currency"));
    x.provider = contract_text(e, x.contract, "provider");
    x.customer = contract_text(e, x.contract, "customer");
    x.prices = contract_field(e, x.contract, "list_prices");
    mpq_init(x.term_q);
    x.upfront = get(inv, "upfront") && invoice_commitments(x.u, inv, &x.one, x.term_q, &x.unit) == 1;
    if (x.upfront && x.one.spend) { free(x.unit); x.unit = strdup(x.currency); }
    const value_t *periods = get(inv, "periods");
    value_t *prices = x.prices;   /* in the contract's currency */
    for (size_t p = 0; periods && periods->kind == V_LIST && p < periods->u.list.n && !rs->oom; p++) {
        const value_t *per = periods->u.list.items[p];
        size_t first = rs->n;
        /* a converted invoice's list prices, as the period converts its rates */
        x.prices = prices ? fx_invoice_period_value(x.u, inv, per, prices) : NULL;
        if (prices && !x.prices) { rs->oom = 1; break; }
        period_rows(rs, &x, per);
        pricing_columns(rs, first, &x, per);
        value_free(x.prices);
    }
    x.prices = prices;
    mpq_clear(x.term_q);
    free(x.unit);
    free(x.provider);
    free(x.customer);
    value_free(x.prices);
}

/* Whether q is a decimal that ends. */
static int terminates(const mpq_t q)
{
    mpz_t d;
    mpz_init_set(d, mpq_denref(q));
    while (mpz_divisible_ui_p(d, 2)) mpz_divexact_ui(d, d, 2);
    while (mpz_divisible_ui_p(d, 5)) mpz_divexact_ui(d, d, 5);
    int r = mpz_cmp_ui(d, 1) == 0;
    mpz_clear(d);
    return r;
}

/* Writes the numbers of one column as text: exact when all of them end; otherwise each is
 * round(sum so far) - round(sum before), at FOCUS_DECIMALS places. A unit price is a
 * ratio, not a sum (FOCUS: not to be added up): one that does not end is rounded on its
 * own, to FOCUS_DECIMALS places, since FOCUS wants a price on every usage row. */
static void format_column(rows_t *rs, int col)
{
    int all_end = 1;
    for (size_t i = 0; i < rs->n; i++) if (rs->r[i].has[col] && !terminates(rs->r[i].num[col])) all_end = 0;
    int ratio = col == F_CONTRACTED_UNIT_PRICE || col == F_LIST_UNIT_PRICE || col == F_PRICING_CURRENCY_CONTRACTED_UNIT_PRICE ||
                col == F_PRICING_CURRENCY_LIST_UNIT_PRICE;
    mpq_t sum, before, now, cell, scale;
    mpz_t z;
    mpq_inits(sum, before, now, cell, scale, NULL);
    mpz_init(z);
    mpz_ui_pow_ui(mpq_numref(scale), 10, FOCUS_DECIMALS);
    for (size_t i = 0; i < rs->n && !rs->oom; i++) {
        row_t *r = &rs->r[i];
        if (!r->has[col]) { row_text(rs, r, col, strdup("")); continue; }
        if (all_end || (ratio && terminates(r->num[col]))) { row_text(rs, r, col, format_number(r->num[col], 1, 0)); continue; }
        if (ratio) { row_text(rs, r, col, format_fixed(r->num[col], FOCUS_DECIMALS, 0, 0)); continue; }
        mpq_add(sum, sum, r->num[col]);
        mpq_mul(now, sum, scale);
        value_round_q(z, now, RM_HALF_EVEN);
        mpq_set_z(now, z);
        mpq_div(now, now, scale);
        mpq_sub(cell, now, before);
        mpq_set(before, now);
        row_text(rs, r, col, format_fixed(cell, FOCUS_DECIMALS, 0, 0));
    }
    mpz_clear(z);
    mpq_clears(sum, before, now, cell, scale, NULL);
}

/* A CSV cell (RFC 4180): quoted when it holds a comma or a quote. Text from a contract
 * file or an export is escaped as every printer escapes it (escape.h): nothing in it
 * reaches a terminal raw. */
static int csv_cell(FILE *out, const char *text)
{
    char *s = escape_text(text, 0);
    if (!s) return 0;
    int quote = strpbrk(s, ",\"") != NULL, ok = !quote || fputc('"', out) != EOF;
    for (const char *p = s; *p && ok; p++) ok = (*p != '"' || fputc('"', out) != EOF) && fputc(*p, out) != EOF;
    free(s);
    return ok && (!quote || fputc('"', out) != EOF);
}

static int is_invoice(const value_t *v) { return v->kind == V_RECORD && v->u.rec.tag && !strcmp(v->u.rec.tag, "invoice"); }

char *focus_check(eval_t *e)
{
    for (size_t i = 0; i < eval_shown_count(e); i++) {
        const value_t *v = eval_shown(e, i)->value;
        char *why = is_invoice(v) ? invoice_problem(eval_units(e), v) : NULL;
        if (why) return why;
    }
    return NULL;
}

size_t focus_left_out(eval_t *e)
{
    size_t n = 0;
    for (size_t i = 0; i < eval_shown_count(e); i++) n += !is_invoice(eval_shown(e, i)->value);
    return n;
}

int focus_write(FILE *out, eval_t *e)
{
    rows_t rs = { 0 };
    int ncols = F_PRICING_CURRENCY;   /* and the pricing currency columns when an invoice was converted */
    for (size_t i = 0; i < eval_shown_count(e); i++) {
        const value_t *v = eval_shown(e, i)->value;
        char *why = is_invoice(v) ? invoice_problem(eval_units(e), v) : NULL;
        if (is_invoice(v) && !why) invoice_rows(&rs, e, v);   /* focus_check said why not */
        if (is_invoice(v) && !why && get(v, "pricing_currency")) ncols = F_NCOLS;
        free(why);
    }
    for (int c = 0; c < F_NCOLS; c++) if (is_number_col(c)) format_column(&rs, c);
    int ok = !rs.oom;
    for (int c = 0; ok && c < ncols; c++) ok = fputs(c ? "," : "", out) >= 0 && fputs(col_names[c], out) >= 0;
    ok = ok && fputs("\r\n", out) >= 0;
    for (size_t i = 0; ok && i < rs.n; i++) {
        for (int c = 0; ok && c < ncols; c++) ok = fputs(c ? "," : "", out) >= 0 && csv_cell(out, rs.r[i].text[c] ? rs.r[i].text[c] : "");
        ok = ok && fputs("\r\n", out) >= 0;
    }
    for (size_t i = 0; i < rs.n; i++)
        for (int c = 0; c < F_NCOLS; c++) { free(rs.r[i].text[c]); mpq_clear(rs.r[i].num[c]); }
    free(rs.r);
    return ok;
}
