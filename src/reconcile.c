/* reconcile: Outlay's invoice beside a usage export's costs. For each billing period and
 * SKU it sums the export's cost columns over the period's hours, counts the rows that
 * start in it, and sets them beside the SKU's charge on the invoice; it sees values and the usage table, no syntax. */
#include "reconcile.h"
#include "diag.h"
#include <stdlib.h>
#include <string.h>

static const value_t *get(const value_t *rec, const char *k) { return rec && rec->kind == V_RECORD ? value_record_get(rec, k) : NULL; }

typedef struct builder {
    units_t *u;
    const value_t *money;        /* a money value of the invoice: its dimension and unit */
    const value_t *priced_money; /* one of the invoice before conversion, or NULL */
    int costs[USAGE_NCOSTS];     /* the export's cost columns shown */
    size_t ncols;
    value_t **rows;
    size_t nrows, cap;
    mpq_t max_diff;
    int oom;
} builder_t;

static value_t *money(builder_t *b, const mpq_t q) { return value_quantity_like(q, b->money); }

static const usage_cost_col shown_costs[] = { USAGE_COST_BILLED, USAGE_COST_LIST, USAGE_COST_CONTRACTED };
static const char *const cost_names[] = { "billed", "list", "contracted" };

/* One row: label, period, sku, rows, quantity, outlay (before conversion too), the cost
 * columns, difference, %. */
static void add_row(builder_t *b, const char *label, const char *period, const char *sku, long long rows,
                    value_t *quantity, const mpq_t priced, const mpq_t outlay, mpq_t *costs, int is_total)
{
    value_t **cells = calloc(b->ncols, sizeof *cells);
    if (cells && b->nrows == b->cap) {
        value_t **grown = realloc(b->rows, (b->cap ? 2 * b->cap : 16) * sizeof *grown);
        if (grown) { b->rows = grown; b->cap = b->cap ? 2 * b->cap : 16; }
        else { free(cells); cells = NULL; }
    }
    if (!cells) { b->oom = 1; value_free(quantity); return; }
    size_t c = 0;
    cells[c++] = value_str(label);
    cells[c++] = value_str(period);
    cells[c++] = value_str(sku);
    cells[c++] = rows >= 0 ? value_num_si((long)rows) : value_str("");
    cells[c++] = quantity ? quantity : value_str("");
    if (b->priced_money) cells[c++] = value_quantity_like(priced, b->priced_money);
    cells[c++] = money(b, outlay);
    for (size_t k = 0; k < sizeof shown_costs / sizeof shown_costs[0]; k++)
        if (b->costs[shown_costs[k]]) cells[c++] = money(b, costs[shown_costs[k]]);
    mpq_t d;
    mpq_init(d);
    mpq_sub(d, costs[USAGE_COST_BILLED], outlay);
    cells[c++] = money(b, d);
    if (mpq_sgn(outlay)) {
        mpq_t pct;
        mpq_init(pct);
        mpq_div(pct, d, outlay);
        value_t *v = value_num(pct);
        int percent = units_find(b->u, "percent");
        if (v && percent >= 0) { uterm_t t; uterm_single(&t, percent); value_set_disp(v, &t); }
        cells[c++] = v;
        mpq_clear(pct);
    } else cells[c++] = value_str(mpq_sgn(d) ? "new" : "");
    if (!is_total) {
        mpq_abs(d, d);
        if (mpq_cmp(d, b->max_diff) > 0) mpq_set(b->max_diff, d);
    }
    mpq_clear(d);
    for (size_t k = 0; k < c; k++) if (!cells[k]) b->oom = 1;
    if (b->oom) { for (size_t k = 0; k < c; k++) value_free(cells[k]); free(cells); return; }
    b->rows[b->nrows++] = value_list(cells, c);
}

/* The table's SKU of this name, or nskus. */
static size_t table_sku(const usage_table_t *t, const char *name)
{
    size_t i = 0, n = usage_table_nskus(t);
    while (i < n && strcmp(usage_table_sku(t, i), name)) i++;
    return i;
}

static void table_costs(const usage_table_t *t, size_t i, usage_hour_t from, usage_hour_t to, mpq_t *costs, int add)
{
    mpq_t x;
    mpq_init(x);
    for (int c = 0; c < USAGE_NCOSTS; c++) {
        if (!usage_table_has_cost(t, (usage_cost_col)c)) continue;
        usage_table_cost(t, i, (usage_cost_col)c, from, to, x);
        if (add) mpq_add(costs[c], costs[c], x); else mpq_set(costs[c], x);
    }
    mpq_clear(x);
}

/* The invoice's amount of sku in period p (its total when sku is NULL), or 0. */
static void period_amount(const value_t *inv, size_t p, const char *sku, mpq_t out)
{
    const value_t *per = get(inv, "periods")->u.list.items[p];
    const value_t *v = sku ? get(get(per, "charges"), sku) : get(per, "total");
    if (v && v->kind == V_NUM) mpq_set(out, v->u.num.q); else mpq_set_ui(out, 0, 1);
}

value_t *reconcile_table(units_t *u, const value_t *inv, const value_t *priced, const usage_table_t *t, char **err)
{
    const value_t *periods = get(inv, "periods"), *skus = get(inv, "skus"), *total = get(inv, "total");
    const value_t *cur = get(inv, "currency");
    const char *tcur = usage_table_currency(t);
    if (!periods || !skus || !total || !cur) { *err = diag_format("reconcile() needs an invoice from price()"); return NULL; }
    if (tcur && strcmp(tcur, cur->u.s)) {
        *err = diag_format("the export's costs are in %s but the invoice is in %s: read it with costs_in = %s and an fx table", tcur, cur->u.s, cur->u.s);
        return NULL;
    }
    builder_t b;
    memset(&b, 0, sizeof b);
    b.u = u;
    b.money = total;
    b.priced_money = priced ? get(priced, "total") : NULL;
    b.ncols = b.priced_money ? 9 : 8;
    mpq_init(b.max_diff);
    for (size_t k = 0; k < sizeof shown_costs / sizeof shown_costs[0]; k++)
        if ((b.costs[shown_costs[k]] = usage_table_has_cost(t, shown_costs[k]) || shown_costs[k] == USAGE_COST_BILLED)) b.ncols++;
    mpq_t outlay, sum, before, before_sum, costs[USAGE_NCOSTS], all[USAGE_NCOSTS];
    mpq_inits(outlay, sum, before, before_sum, NULL);
    for (int c = 0; c < USAGE_NCOSTS; c++) { mpq_init(costs[c]); mpq_init(all[c]); }
    for (size_t p = 0; p < periods->u.list.n && !b.oom; p++) {
        const value_t *per = periods->u.list.items[p], *charges = get(per, "charges");
        usage_hour_t from = (usage_hour_t)get(per, "start")->u.date * 24, to = (usage_hour_t)get(per, "end")->u.date * 24;
        char *plabel = NULL;
        {
            int y, m, d, ly, lm, ld;
            dates_to_ymd(get(per, "start")->u.date, &y, &m, &d);
            dates_to_ymd(get(per, "end")->u.date - 1, &ly, &lm, &ld);
            plabel = d == 1 && ld == dates_days_in_month(ly, lm) ? diag_format("%04d-%02d", y, m) : diag_format("%04d-%02d-%02d..%02d", y, m, d, ld);
        }
        if (!plabel) { b.oom = 1; break; }
        mpq_set_ui(sum, 0, 1);
        mpq_set_ui(before_sum, 0, 1);
        for (size_t s = 0; s < skus->u.list.n && !b.oom; s++) {
            const char *sku = skus->u.list.items[s]->u.s;
            const value_t *ch = get(charges, sku);
            size_t i = table_sku(t, sku);
            if (ch) value_magnitude(u, ch, outlay); else mpq_set_ui(outlay, 0, 1);
            mpq_add(sum, sum, outlay);
            if (priced) { period_amount(priced, p, sku, before); mpq_add(before_sum, before_sum, before); }
            for (int c = 0; c < USAGE_NCOSTS; c++) mpq_set_ui(costs[c], 0, 1);
            value_t *q = NULL;
            long long rows = -1;
            if (i < usage_table_nskus(t)) {
                table_costs(t, i, from, to, costs, 0);
                const value_t *unit = usage_table_unit(t, i);
                mpq_t x;
                mpq_init(x);
                usage_table_quantity(t, i, from, to, x);
                if (unit && mpq_sgn(x)) { mpq_mul(x, x, unit->u.num.q); q = value_quantity_like(x, unit); }
                mpq_clear(x);
                rows = usage_table_rows_in(t, i, from, to);
            }
            if (!ch && !q && !mpq_sgn(costs[USAGE_COST_BILLED])) continue;
            char *label = diag_format("%s %s", plabel, sku);
            if (!label) { b.oom = 1; value_free(q); break; }
            add_row(&b, label, plabel, sku, rows, q, before, outlay, costs, 0);
            free(label);
        }
        /* the invoice's other lines beside the costs of the export's rows without a SKU */
        value_magnitude(u, get(per, "total"), outlay);
        mpq_sub(outlay, outlay, sum);
        if (priced) { period_amount(priced, p, NULL, before); mpq_sub(before, before, before_sum); }
        for (int c = 0; c < USAGE_NCOSTS; c++) mpq_set_ui(costs[c], 0, 1);
        size_t none = table_sku(t, "");
        long long rows = -1;
        if (none < usage_table_nskus(t)) { table_costs(t, none, from, to, costs, 0); rows = usage_table_rows_in(t, none, from, to); }
        if (!b.oom && (mpq_sgn(outlay) || mpq_sgn(costs[USAGE_COST_BILLED]))) {
            char *label = diag_format("%s other", plabel);
            if (label) add_row(&b, label, plabel, "other", rows, NULL, before, outlay, costs, 0); else b.oom = 1;
            free(label);
        }
        free(plabel);
    }
    /* the total: the invoice's, beside everything the export billed */
    for (size_t i = 0; i < usage_table_nskus(t); i++)
        table_costs(t, i, usage_table_first_hour(t), usage_table_end_hour(t), all, 1);
    value_magnitude(u, total, outlay);
    if (b.priced_money) mpq_set(before, b.priced_money->u.num.q);
    if (!b.oom) add_row(&b, "total", "", "", -1, NULL, before, outlay, all, 1);
    value_t *table = b.oom ? NULL : value_record("table");
    const char *head[12];
    size_t nh = 0;
    char *priced_head = priced ? diag_format("outlay_%s", get(priced, "currency")->u.s) : NULL;
    head[nh++] = "line"; head[nh++] = "period"; head[nh++] = "sku"; head[nh++] = "rows"; head[nh++] = "quantity";
    if (priced) head[nh++] = priced_head ? priced_head : "outlay_priced";
    head[nh++] = "outlay";
    for (size_t k = 0; k < sizeof shown_costs / sizeof shown_costs[0]; k++) if (b.costs[shown_costs[k]]) head[nh++] = cost_names[k];
    head[nh++] = "difference";
    head[nh++] = "difference_pct";
    value_t **hv = calloc(nh, sizeof *hv);
    int ok = table && hv;
    for (size_t k = 0; ok && k < nh; k++) ok = (hv[k] = value_str(head[k])) != NULL;
    if (!ok) { for (size_t k = 0; hv && k < nh; k++) value_free(hv[k]); free(hv); }
    value_t *header = ok ? value_list(hv, nh) : NULL;
    ok = header && value_record_set(table, "header", header);
    value_t *rows = ok ? value_list(b.rows, b.nrows) : NULL;
    if (rows) b.rows = NULL;
    ok = ok && rows && value_record_set(table, "rows", rows) && value_record_set(table, "max_difference", money(&b, b.max_diff)) &&
         value_record_set(table, "filtered_rows", value_num_si((long)usage_table_filtered_rows(t))) &&
         value_record_set(table, "skipped_rows", value_num_si((long)usage_table_bad_rows(t)));
    for (size_t r = 0; b.rows && r < b.nrows; r++) value_free(b.rows[r]);
    free(b.rows);
    mpq_clears(outlay, sum, before, before_sum, b.max_diff, NULL);
    free(priced_head);
    for (int c = 0; c < USAGE_NCOSTS; c++) { mpq_clear(costs[c]); mpq_clear(all[c]); }
    if (!ok) { value_free(table); *err = diag_format("out of memory"); return NULL; }
    return table;
}
