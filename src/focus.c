/* focus: invoices as FOCUS 1.2 rows. Each invoice line is one row; its category becomes
 * a FOCUS ChargeCategory (corrections are marked by ChargeClass), its period the charge
 * and billing periods. FOCUS forbids fractions: a number that ends as a decimal is written
 * with all its digits; in a column where some number does not end, every number of the
 * column is written to FOCUS_DECIMALS places with the rounding carried from row to row, so
 * the column still adds up to its exact total (to those places). */
#include "focus.h"
#include "diag.h"
#include "escape.h"
#include "report.h"
#include <stdlib.h>
#include <string.h>

enum { FOCUS_DECIMALS = 12 };

/* The columns, in the order written: the 21 FOCUS 1.2 mandatory ones, with SkuId,
 * ChargeFrequency and the unit prices beside them, then the commitment discount columns
 * (conditional in FOCUS: Outlay's contracts support commitments). */
typedef enum {
    F_BILLING_ACCOUNT_ID, F_BILLING_ACCOUNT_NAME, F_BILLING_CURRENCY, F_BILLING_PERIOD_START,
    F_BILLING_PERIOD_END, F_CHARGE_PERIOD_START, F_CHARGE_PERIOD_END, F_CHARGE_CATEGORY, F_CHARGE_CLASS,
    F_CHARGE_DESCRIPTION, F_CHARGE_FREQUENCY, F_INVOICE_ISSUER, F_PROVIDER, F_PUBLISHER,
    F_SERVICE_CATEGORY, F_SERVICE_NAME, F_SKU_ID, F_PRICING_QUANTITY, F_PRICING_UNIT,
    F_LIST_UNIT_PRICE, F_LIST_COST, F_CONTRACTED_UNIT_PRICE, F_CONTRACTED_COST, F_EFFECTIVE_COST,
    F_BILLED_COST, F_COMMITMENT_DISCOUNT_CATEGORY, F_COMMITMENT_DISCOUNT_ID, F_COMMITMENT_DISCOUNT_NAME,
    F_COMMITMENT_DISCOUNT_STATUS, F_NCOLS
} focus_col;

static const char *const col_names[F_NCOLS] = {
    "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodStart",
    "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ChargeClass",
    "ChargeDescription", "ChargeFrequency", "InvoiceIssuerName", "ProviderName", "PublisherName",
    "ServiceCategory", "ServiceName", "SkuId", "PricingQuantity", "PricingUnit",
    "ListUnitPrice", "ListCost", "ContractedUnitPrice", "ContractedCost", "EffectiveCost", "BilledCost",
    "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus",
};

static int is_number_col(int c) { return c == F_PRICING_QUANTITY || (c >= F_LIST_UNIT_PRICE && c <= F_BILLED_COST); }

/* An invoice line's category in FOCUS terms. */
static const struct category {
    const char *outlay, *charge_category, *charge_class, *frequency, *description;
} categories[] = {
    { "usage", "Usage", "", "Usage-Based", "%s usage" },
    { "on_demand", "Usage", "", "Usage-Based", "%s usage at the on-demand rate" },
    { "committed_use", "Usage", "", "Usage-Based", "%s usage covered by a commitment" },
    { "reserved", "Usage", "", "Usage-Based", "%s reserved quantity" },
    { "overage", "Usage", "", "Usage-Based", "%s usage above the reservation" },
    { "unused_commitment", "Usage", "", "Usage-Based", "%s unused commitment" },
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

/* A usage line's list price: the contract's `list_prices = { SKU = PRICE }` (a stdlib
 * figure such as aws_h100_8x_hourly / (8 gpu)), in the line's rate unit. */
static void list_price(const units_t *u, const value_t *prices, const char *sku, const value_t *qty,
                       const value_t *rate, row_t *r)
{
    const value_t *lp = get(prices, sku);
    if (!lp || lp->kind != V_NUM || lp->u.num.approx || !rate || !dim_eq(&lp->u.num.dim, &rate->u.num.dim)) return;
    value_t *in_rate_unit = value_quantity(lp->u.num.q, &rate->u.num.dim, &rate->u.num.disp);
    if (!in_rate_unit) return;
    value_magnitude(u, in_rate_unit, r->num[F_LIST_UNIT_PRICE]);
    r->has[F_LIST_UNIT_PRICE] = 1;
    mpq_mul(r->num[F_LIST_COST], lp->u.num.q, qty->u.num.q);   /* base units: money */
    r->has[F_LIST_COST] = 1;
    value_free(in_rate_unit);
}

/* The commitment discount a line draws on or leaves unused, in FOCUS terms. An hourly
 * reservation bills its SKU's committed_use and unused_commitment lines (both with a
 * quantity): a Usage commitment. A spend plan bills committed_use lines for the SKUs it
 * covers, then one unused_commitment line named for the plan, without a quantity: a Spend
 * commitment, the plan of the first such line after the committed_use line. Rows of
 * other lines carry no commitment discount (FOCUS: all four columns null). */
static void commitment_columns(rows_t *rs, row_t *r, const char *contract, const value_t *lines, size_t i)
{
    const value_t *l = lines->u.list.items[i];
    const char *category = str(get(l, "category")), *sku = str(get(l, "sku"));
    int unused = !strcmp(category, "unused_commitment");
    if (!unused && strcmp(category, "committed_use")) return;
    const char *kind = NULL, *name = sku;
    if (unused) kind = get(l, "quantity") ? "Usage" : "Spend";
    for (size_t k = 0; !kind && k < lines->u.list.n; k++) {
        const value_t *o = lines->u.list.items[k];
        if (strcmp(str(get(o, "category")), "unused_commitment")) continue;
        if (get(o, "quantity") && !strcmp(str(get(o, "sku")), sku)) kind = "Usage";
        else if (!get(o, "quantity") && k > i) { kind = "Spend"; name = str(get(o, "sku")); }
    }
    if (!kind) return;
    int spend = !strcmp(kind, "Spend");
    row_text(rs, r, F_COMMITMENT_DISCOUNT_CATEGORY, strdup(kind));
    row_text(rs, r, F_COMMITMENT_DISCOUNT_ID, diag_format("%s/%s/%s", contract, spend ? "plan" : "reserve", name));
    row_text(rs, r, F_COMMITMENT_DISCOUNT_NAME, spend ? strdup(name) : diag_format("reservation of %s", name));
    row_text(rs, r, F_COMMITMENT_DISCOUNT_STATUS, strdup(unused ? "Unused" : "Used"));
}

static void invoice_rows(rows_t *rs, eval_t *e, const value_t *inv)
{
    const units_t *u = eval_units(e);
    const char *contract = str(get(inv, "contract"));
    char *provider = contract_text(e, contract, "provider"), *customer = contract_text(e, contract, "customer");
    value_t *prices = contract_field(e, contract, "list_prices");
    const value_t *periods = get(inv, "periods");
    for (size_t p = 0; periods && periods->kind == V_LIST && p < periods->u.list.n && !rs->oom; p++) {
        const value_t *per = periods->u.list.items[p], *lines = get(per, "lines");
        for (size_t i = 0; lines && lines->kind == V_LIST && i < lines->u.list.n && !rs->oom; i++) {
            const value_t *l = lines->u.list.items[i], *qty = get(l, "quantity"), *rate = get(l, "rate"), *amount = get(l, "amount");
            const char *sku = str(get(l, "sku"));
            const struct category *cat = category_of(str(get(l, "category")));
            row_t *r = row_new(rs);
            if (!r) break;
            row_text(rs, r, F_BILLING_ACCOUNT_ID, strdup(contract));
            row_text(rs, r, F_BILLING_ACCOUNT_NAME, strdup(customer ? customer : ""));
            row_text(rs, r, F_BILLING_CURRENCY, strdup(str(get(inv, "currency"))));
            row_text(rs, r, F_BILLING_PERIOD_START, timestamp(get(per, "start")->u.date));
            row_text(rs, r, F_BILLING_PERIOD_END, timestamp(get(per, "end")->u.date));
            row_text(rs, r, F_CHARGE_PERIOD_START, timestamp(get(per, "start")->u.date));
            row_text(rs, r, F_CHARGE_PERIOD_END, timestamp(get(per, "end")->u.date));
            row_text(rs, r, F_CHARGE_CATEGORY, strdup(cat ? cat->charge_category : "Adjustment"));
            row_text(rs, r, F_CHARGE_CLASS, strdup(cat ? cat->charge_class : ""));
            row_text(rs, r, F_CHARGE_DESCRIPTION, cat ? diag_format(cat->description, sku) : diag_format("%s %s", sku, str(get(l, "category"))));
            row_text(rs, r, F_CHARGE_FREQUENCY, strdup(cat ? cat->frequency : "One-Time"));
            row_text(rs, r, F_INVOICE_ISSUER, strdup(provider ? provider : contract));
            row_text(rs, r, F_PROVIDER, strdup(provider ? provider : contract));
            row_text(rs, r, F_PUBLISHER, strdup(provider ? provider : contract));
            row_text(rs, r, F_SERVICE_CATEGORY, strdup(service_category(u, qty)));
            row_text(rs, r, F_SERVICE_NAME, strdup(contract));
            row_text(rs, r, F_SKU_ID, strdup(qty ? sku : ""));
            mpq_t m;
            mpq_init(m);
            if (qty) {
                value_magnitude(u, qty, m);
                row_num(r, F_PRICING_QUANTITY, m);
                row_text(rs, r, F_PRICING_UNIT, focus_unit_name(u, qty));
            } else if (cat && !strcmp(cat->charge_category, "Purchase")) {
                /* FOCUS wants a quantity on every purchase: one fee */
                mpq_set_ui(m, 1, 1);
                row_num(r, F_PRICING_QUANTITY, m);
                row_text(rs, r, F_PRICING_UNIT, strdup("Units"));
            }
            if (qty && rate) {
                value_magnitude(u, rate, m);
                row_num(r, F_CONTRACTED_UNIT_PRICE, m);
                if (cat && !strcmp(cat->charge_category, "Usage")) list_price(u, prices, sku, qty, rate, r);
            }
            if (amount) {
                value_magnitude(u, amount, m);
                row_num(r, F_CONTRACTED_COST, m);
                row_num(r, F_EFFECTIVE_COST, m);
                row_num(r, F_BILLED_COST, m);
            }
            mpq_clear(m);
            commitment_columns(rs, r, contract, lines, i);
        }
    }
    free(provider);
    free(customer);
    value_free(prices);
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
 * ratio, not a sum: one that does not end is left out rather than rounded. */
static void format_column(rows_t *rs, int col)
{
    int all_end = 1;
    for (size_t i = 0; i < rs->n; i++) if (rs->r[i].has[col] && !terminates(rs->r[i].num[col])) all_end = 0;
    int ratio = col == F_CONTRACTED_UNIT_PRICE || col == F_LIST_UNIT_PRICE;
    mpq_t sum, before, now, cell, scale;
    mpz_t z;
    mpq_inits(sum, before, now, cell, scale, NULL);
    mpz_init(z);
    mpz_ui_pow_ui(mpq_numref(scale), 10, FOCUS_DECIMALS);
    for (size_t i = 0; i < rs->n && !rs->oom; i++) {
        row_t *r = &rs->r[i];
        if (!r->has[col]) { row_text(rs, r, col, strdup("")); continue; }
        if (all_end || (ratio && terminates(r->num[col]))) { row_text(rs, r, col, report_number(r->num[col], 1, 0)); continue; }
        if (ratio) { row_text(rs, r, col, strdup("")); continue; }
        mpq_add(sum, sum, r->num[col]);
        mpq_mul(now, sum, scale);
        value_round_q(z, now, RM_HALF_EVEN);
        mpq_set_z(now, z);
        mpq_div(now, now, scale);
        mpq_sub(cell, now, before);
        mpq_set(before, now);
        row_text(rs, r, col, report_fixed(cell, FOCUS_DECIMALS, 0, 0));
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

size_t focus_left_out(eval_t *e)
{
    size_t n = 0;
    for (size_t i = 0; i < eval_shown_count(e); i++) n += !is_invoice(eval_shown(e, i)->value);
    return n;
}

int focus_write(FILE *out, eval_t *e)
{
    rows_t rs = { 0 };
    for (size_t i = 0; i < eval_shown_count(e); i++)
        if (is_invoice(eval_shown(e, i)->value)) invoice_rows(&rs, e, eval_shown(e, i)->value);
    for (int c = 0; c < F_NCOLS; c++) if (is_number_col(c)) format_column(&rs, c);
    int ok = !rs.oom;
    for (int c = 0; ok && c < F_NCOLS; c++) ok = fputs(c ? "," : "", out) >= 0 && fputs(col_names[c], out) >= 0;
    ok = ok && fputs("\r\n", out) >= 0;
    for (size_t i = 0; ok && i < rs.n; i++) {
        for (int c = 0; ok && c < F_NCOLS; c++) ok = fputs(c ? "," : "", out) >= 0 && csv_cell(out, rs.r[i].text[c] ? rs.r[i].text[c] : "");
        ok = ok && fputs("\r\n", out) >= 0;
    }
    for (size_t i = 0; i < rs.n; i++)
        for (int c = 0; c < F_NCOLS; c++) { free(rs.r[i].text[c]); mpq_clear(rs.r[i].num[c]); }
    free(rs.r);
    return ok;
}
