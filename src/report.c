/* report: text, JSON and CSV renderings of shown values, invoices and tables. */
#include "report.h"
#include "focus.h"
#include "diag.h"
#include "escape.h"
#include "strbuf.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_VERSION "1"

/* ---------- tables ---------- */

typedef struct table { size_t rows, cols; char **cells; int *right; } table_t;

static int table_init(table_t *t, size_t rows, size_t cols)
{
    t->rows = rows; t->cols = cols;
    t->cells = calloc(rows * cols + 1, sizeof *t->cells);
    t->right = calloc(cols + 1, sizeof *t->right);
    return t->cells && t->right;
}
static void table_free(table_t *t)
{
    for (size_t i = 0; t->cells && i < t->rows * t->cols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->right);
}
static void table_set(table_t *t, size_t r, size_t c, char *s) { free(t->cells[r * t->cols + c]); t->cells[r * t->cols + c] = s; }

static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

static void table_write(strbuf_t *b, const table_t *t)
{
    size_t *w = calloc(t->cols + 1, sizeof *w);
    if (!w) { b->oom = 1; return; }
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols; c++) {
            const char *s = t->cells[r * t->cols + c];
            size_t l = s ? display_width(s) : 0;
            if (l > w[c]) w[c] = l;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            const char *s = t->cells[r * t->cols + c];
            if (!s) s = "";
            size_t pad = w[c] - display_width(s);
            if (c) strbuf_add(b, "  ");
            if (t->right[c]) for (size_t i = 0; i < pad; i++) strbuf_addn(b, " ", 1);
            strbuf_add(b, s);
            if (!t->right[c] && c + 1 < t->cols) for (size_t i = 0; i < pad; i++) strbuf_addn(b, " ", 1);
        }
        /* no trailing spaces */
        while (b->n && b->s[b->n - 1] == ' ') b->s[--b->n] = '\0';
        strbuf_addn(b, "\n", 1);
    }
    free(w);
}

/* A money cell: cents, or exact; negated for a deduction kept positive in the record. */
static char *cell_amount(const units_t *u, const value_t *v, int exact, int negate)
{
    if (!v) return strdup("");
    if (v->kind != V_NUM) return format_value(u, v, exact);
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, v, m);
    if (negate) mpq_neg(m, m);
    /* money columns show the currency's minor unit: cents, or whole yen */
    int d = format_money_decimals(u, v);
    if (d < 0) d = 2;
    char *s = exact ? format_number(m, 1, 0) : format_fixed(m, d, 1, d);
    mpq_clear(m);
    return s;
}

static char *cell_money(const units_t *u, const value_t *v, int exact) { return cell_amount(u, v, exact, 0); }

static const value_t *get(const value_t *rec, const char *k) { return rec && rec->kind == V_RECORD ? value_record_get(rec, k) : NULL; }

static int is_tagged(const value_t *v, const char *tag)
{
    return v->kind == V_RECORD && v->u.rec.tag && !strcmp(v->u.rec.tag, tag);
}

static void bar_chart(strbuf_t *b, const units_t *u, const char *title, const char *const *labels,
                      const value_t *const *amounts, size_t n);

char *report_period_label(const value_t *period)
{
    /* a whole calendar month by its name, a part of one by its first and last days */
    date_t start = get(period, "start")->u.date, last = get(period, "end")->u.date - 1;
    int y, m, d, ly, lm, ld;
    dates_to_ymd(start, &y, &m, &d);
    dates_to_ymd(last, &ly, &lm, &ld);
    if (d == 1 && ld == dates_days_in_month(ly, lm)) return diag_format("%04d-%02d", y, m);
    return diag_format("%04d-%02d-%02d..%02d", y, m, d, ld);
}

/* The lines of commitments applied hour by hour (committed use, unused commitment, on
 * demand), which the per-SKU table would sum into one figure. */
static void write_hourly_lines(strbuf_t *b, const units_t *u, const value_t *periods, int exact)
{
    static const char *const kinds[] = { "committed_use", "unused_commitment", "on_demand" };
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        table_t t;
        if (pass && !n) return;
        if (pass && !table_init(&t, n + 1, 5)) { b->oom = 1; table_free(&t); return; }
        size_t r = 0;
        if (pass) {
            const char *head[] = { "Period", "SKU", "Line", "Quantity", "Amount" };
            for (size_t c = 0; c < 5; c++) table_set(&t, 0, c, strdup(head[c]));
            t.right[3] = t.right[4] = 1;
        }
        for (size_t p = 0; p < periods->u.list.n; p++) {
            const value_t *lines = get(periods->u.list.items[p], "lines");
            for (size_t i = 0; lines && i < lines->u.list.n; i++) {
                const value_t *l = lines->u.list.items[i];
                const char *cat = get(l, "category")->u.s;
                int hourly = 0;
                for (size_t k = 0; k < 3; k++) hourly |= !strcmp(cat, kinds[k]);
                if (!hourly) continue;
                if (!pass) { n++; continue; }
                r++;
                table_set(&t, r, 0, report_period_label(periods->u.list.items[p]));
                table_set(&t, r, 1, strdup(get(l, "sku")->u.s));
                table_set(&t, r, 2, strdup(cat));
                table_set(&t, r, 3, get(l, "quantity") ? format_value(u, get(l, "quantity"), exact) : strdup(""));
                table_set(&t, r, 4, cell_money(u, get(l, "amount"), exact));
            }
        }
        if (pass) {
            strbuf_add(b, "Commitments applied hour by hour:\n");
            table_write(b, &t);
            table_free(&t);
        }
    }
}

static void write_invoice(strbuf_t *b, const units_t *u, const value_t *inv, int exact, int chart)
{
    const value_t *periods = get(inv, "periods");
    const value_t *skus = get(inv, "skus");
    const value_t *cur = get(inv, "currency");
    if (!periods || periods->kind != V_LIST || !skus || skus->kind != V_LIST) return;
    strbuf_printf(b, "Invoice: workload %s under contract %s, in %s%s\n", get(inv, "workload")->u.s,
              get(inv, "contract")->u.s, cur ? cur->u.s : "?",
              value_is_approx(get(inv, "total")) ? " (approximate: priced from approximate inputs)" : "");
    const value_t *priced_in = get(inv, "pricing_currency");   /* converted by fx_invoice.c */
    if (priced_in && priced_in->kind == V_STR) {
        strbuf_printf(b, "Converted from %s, each period at the rate in force on its first day:", priced_in->u.s);
        for (size_t p = 0; p < periods->u.list.n; p++) {
            char *label = report_period_label(periods->u.list.items[p]);
            const value_t *rate = get(periods->u.list.items[p], "exchange_rate");
            strbuf_printf(b, "%s %s ", p ? "," : "", label ? label : "?");
            free(label);
            if (rate) format_write_value(b, u, rate, exact, 0);
        }
        strbuf_add(b, "\n");
    }
    /* Columns after the SKUs: only those with something in them in some period, so each
     * row reads as a sum; credits are deductions and show negative, as discounts do. */
    static const struct { const char *field, *title; int negate; } tail_all[] = {
        { "fees", "Fees", 0 }, { "discounts", "Discounts", 0 }, { "shortfall", "Shortfall", 0 },
        { "sla_credit", "SLA credit", 1 }, { "pool_draw", "Credit pool", 1 }, { "upfront", "Upfront", 0 },
        { "total", "Total", 0 },
        { "amortised", "Amortised", 0 },   /* not a summand: the total with the upfront spread over the term */
    };
    enum { NTAIL = sizeof tail_all / sizeof tail_all[0], TOTAL = NTAIL - 2 };
    size_t tail[NTAIL], ntail = 0;
    for (size_t k = 0; k < NTAIL; k++) {
        int used = k == TOTAL;
        for (size_t p = 0; !used && p < periods->u.list.n; p++) {
            const value_t *v = get(periods->u.list.items[p], tail_all[k].field);
            used = v && v->kind == V_NUM && mpq_sgn(v->u.num.q);
        }
        if (used) tail[ntail++] = k;
    }
    size_t ns = skus->u.list.n, cols = 1 + ns + ntail;
    int decimals = cur && !exact ? units_currency_decimals(cur->u.s) : 0;
    char zero[8];
    snprintf(zero, sizeof zero, "0%s%.*s", decimals ? "." : "", decimals, "000");
    table_t t;
    if (!table_init(&t, periods->u.list.n + 2, cols)) { b->oom = 1; table_free(&t); return; }
    table_set(&t, 0, 0, strdup("Period"));
    for (size_t s = 0; s < ns; s++) table_set(&t, 0, 1 + s, strdup(skus->u.list.items[s]->u.s));
    for (size_t k = 0; k < ntail; k++) table_set(&t, 0, 1 + ns + k, strdup(tail_all[tail[k]].title));
    for (size_t c = 1; c < cols; c++) t.right[c] = 1;
    for (size_t p = 0; p <= periods->u.list.n; p++) {
        const value_t *per = p < periods->u.list.n ? periods->u.list.items[p] : inv;
        table_set(&t, p + 1, 0, p < periods->u.list.n ? report_period_label(per) : strdup("Term"));
        const value_t *charges = get(per, "charges");
        for (size_t s = 0; s < ns; s++) {
            const value_t *c = get(charges, skus->u.list.items[s]->u.s);
            table_set(&t, p + 1, 1 + s, c ? cell_money(u, c, exact) : strdup(zero));   /* unused: nothing charged */
        }
        for (size_t k = 0; k < ntail; k++)
            table_set(&t, p + 1, 1 + ns + k, cell_amount(u, get(per, tail_all[tail[k]].field), exact, tail_all[tail[k]].negate));
    }
    table_write(b, &t);
    write_hourly_lines(b, u, periods, exact);
    /* average rates per SKU; the all-in rate (the whole invoice per unit) only for the SKU
     * with the largest charges, where it means something */
    const value_t *eff = get(inv, "effective"), *all_in = get(inv, "all_in"), *charges = get(inv, "charges");
    const char *main_sku = NULL;
    for (size_t i = 0; charges && i < charges->u.rec.n; i++)
        if (get(all_in, charges->u.rec.keys[i]) &&
            (!main_sku || mpq_cmp(charges->u.rec.vals[i]->u.num.q, get(charges, main_sku)->u.num.q) > 0))
            main_sku = charges->u.rec.keys[i];
    for (size_t i = 0; eff && i < eff->u.rec.n; i++) {
        strbuf_printf(b, "%s: ", eff->u.rec.keys[i]);
        format_write_value(b, u, eff->u.rec.vals[i], exact, 0);
        strbuf_add(b, " average");
        if (main_sku && !strcmp(main_sku, eff->u.rec.keys[i])) {
            strbuf_add(b, ", ");
            format_write_value(b, u, get(all_in, eff->u.rec.keys[i]), exact, 0);
            strbuf_add(b, " all-in (invoice total / quantity)");
        }
        strbuf_add(b, "\n");
    }
    if (chart) {
        size_t n = periods->u.list.n;
        const char **labels = calloc(n + 1, sizeof *labels);
        const value_t **amounts = calloc(n + 1, sizeof *amounts);
        for (size_t p = 0; labels && amounts && p < n; p++) {
            labels[p] = t.cells[(p + 1) * t.cols];   /* the table's period labels */
            amounts[p] = get(periods->u.list.items[p], "total");
        }
        char *title = diag_format("Invoice total per period, in %s:", cur ? cur->u.s : "?");
        if (labels && amounts && title) bar_chart(b, u, title, (const char *const *)labels, amounts, n); else b->oom = 1;
        free(title); free(labels); free(amounts);
    }
    table_free(&t);
}

/* The number a chart draws for a table cell: an invoice by its total. */
const value_t *report_chart_cell(const value_t *row, size_t col)
{
    const value_t *cell = row->kind == V_LIST && col < row->u.list.n ? row->u.list.items[col] : NULL;
    if (cell && is_tagged(cell, "invoice")) cell = get(cell, "total");
    return cell && cell->kind == V_NUM ? cell : NULL;
}

size_t report_chart_column(const units_t *u, const value_t *table)
{
    const value_t *rows = get(table, "rows");
    const value_t *first = rows && rows->u.list.n ? rows->u.list.items[0] : NULL;
    size_t numeric = 0;
    for (size_t c = 1; first && c < first->u.list.n; c++) {
        const value_t *cell = report_chart_cell(first, c);
        if (cell && !numeric) numeric = c;
        for (int d = 0; cell && d < units_dimension_count(u); d++)
            if (value_dim(cell)->e[d] > 0 && units_is_currency(u, d)) return c;   /* USD, USD/Mtoken */
    }
    return numeric;   /* 0: nothing to draw */
}

/* A bar per row, scaled to the largest amount, each row with its label and its value
 * (right-aligned in a column of their own) before the bar. */
static void bar_chart(strbuf_t *b, const units_t *u, const char *title, const char *const *labels,
                      const value_t *const *amounts, size_t n)
{
    enum { BAR = 50 };
    mpq_t maxv, x;
    mpq_inits(maxv, x, NULL);
    char **texts = calloc(n + 1, sizeof *texts);
    size_t lw = 0, vw = 0;
    for (size_t r = 0; texts && r < n; r++) {
        if (!amounts[r]) continue;
        if (mpq_cmp(amounts[r]->u.num.q, maxv) > 0) mpq_set(maxv, amounts[r]->u.num.q);
        texts[r] = format_value(u, amounts[r], 0);
        if (texts[r] && strlen(texts[r]) > vw) vw = strlen(texts[r]);
        if (strlen(labels[r]) > lw) lw = strlen(labels[r]);
    }
    if (!texts) b->oom = 1;
    strbuf_printf(b, "\n%s\n", title);
    for (size_t r = 0; texts && r < n; r++) {
        if (!amounts[r]) continue;
        strbuf_printf(b, "%-*s  %*s |", (int)lw, labels[r], (int)vw, texts[r] ? texts[r] : "");
        if (mpq_sgn(maxv) > 0 && mpq_sgn(amounts[r]->u.num.q) > 0) {
            mpq_div(x, amounts[r]->u.num.q, maxv);
            mpz_mul_ui(mpq_numref(x), mpq_numref(x), BAR);
            mpq_canonicalize(x);
            mpz_t len;
            mpz_init(len);
            value_round_q(len, x, RM_HALF_EVEN);
            for (long i = 0; i < mpz_get_si(len) && i < BAR; i++) strbuf_add(b, "\u2588");
            mpz_clear(len);
        }
        strbuf_add(b, "\n");
    }
    for (size_t r = 0; texts && r < n; r++) free(texts[r]);
    free(texts);
    mpq_clears(maxv, x, NULL);
}

/* A sweep's chart: a bar per row for the column report_chart_column picks. */
static void table_chart(strbuf_t *b, const units_t *u, const value_t *table)
{
    const value_t *rows = get(table, "rows"), *header = get(table, "header");
    size_t n = rows->u.list.n, col = report_chart_column(u, table);
    char **labels = calloc(n + 1, sizeof *labels);
    const value_t **amounts = calloc(n + 1, sizeof *amounts);
    for (size_t r = 0; labels && amounts && r < n; r++) {
        labels[r] = format_value(u, rows->u.list.items[r]->u.list.items[0], 0);
        amounts[r] = report_chart_cell(rows->u.list.items[r], col);
        if (!labels[r]) amounts[r] = NULL;
    }
    char *title = col < header->u.list.n ? diag_format("%s by %s:", header->u.list.items[col]->u.s, header->u.list.items[0]->u.s) : NULL;
    if (labels && amounts && title) bar_chart(b, u, title, (const char *const *)labels, amounts, n); else b->oom = 1;
    for (size_t r = 0; labels && r < n; r++) free(labels[r]);
    free(labels); free(amounts); free(title);
}

static void write_table(strbuf_t *b, const units_t *u, const value_t *tv, int exact, int chart)
{
    const value_t *header = get(tv, "header"), *rows = get(tv, "rows");
    if (!header || !rows) return;
    size_t cols = header->u.list.n;
    table_t t;
    if (!table_init(&t, rows->u.list.n + 1, cols)) { b->oom = 1; table_free(&t); return; }
    for (size_t c = 0; c < cols; c++) { table_set(&t, 0, c, strdup(header->u.list.items[c]->u.s)); t.right[c] = c > 0; }
    for (size_t r = 0; r < rows->u.list.n; r++) {
        const value_t *row = rows->u.list.items[r];
        for (size_t c = 0; c < cols && c < row->u.list.n; c++) {
            const value_t *cell = row->u.list.items[c];
            table_set(&t, r + 1, c, get(cell, "periods") ? cell_money(u, get(cell, "total"), exact) : format_value(u, cell, exact));
        }
    }
    table_write(b, &t);
    table_free(&t);
    if (chart && report_chart_column(u, tv)) table_chart(b, u, tv);
}


/* ---------- JSON ---------- */

static void json_string(strbuf_t *b, const char *s)
{
    strbuf_addn(b, "\"", 1);
    char esc[ESCAPE_MAX];
    for (size_t n = strlen(s); *s; ) {
        unsigned char c = (unsigned char)*s;
        size_t k = escape_char(s, n, 0, esc);
        if (c == '"' || c == '\\') { strbuf_addn(b, "\\", 1); strbuf_addn(b, s, 1); }
        else if (c == '\n') strbuf_add(b, "\\n");
        else if (c == '\t') strbuf_add(b, "\\t");
        else if (c < 0x20 || c == 0x7f) strbuf_printf(b, "\\u%04x", c);
        else if (esc[0] == '\\' && esc[1] == 'x') strbuf_add(b, "\\ufffd");   /* not UTF-8 */
        else strbuf_add(b, esc);   /* C1 and bidirectional controls as \u escapes, the rest as it is */
        s += k; n -= k;
    }
    strbuf_addn(b, "\"", 1);
}


void report_json_escape(FILE *out, const char *s)
{
    strbuf_t b = STRBUF_INIT;
    json_string(&b, s);
    if (b.s) fputs(b.s, out);
    free(b.s);
}

static void json_indent(strbuf_t *b, int depth) { for (int i = 0; i < depth; i++) strbuf_add(b, "  "); }

static void json_value(strbuf_t *b, const units_t *u, const value_t *v, int depth)
{
    char date[16];
    switch (v->kind) {
    case V_NUM: {
        mpq_t m;
        mpq_init(m);
        value_magnitude(u, v, m);
        strbuf_t rb = STRBUF_INIT;
        format_write_number(&rb, m, 0, 0, format_min_decimals(u, v));
        char *readable = strbuf_take(&rb), *exact = format_fraction(m);
        uterm_t t;
        value_display_unit(u, v, &t);
        char *us = uterm_format(u, &t), *dim = units_format_dim(u, value_dim(v));
        strbuf_add(b, "{\"value\": ");
        json_string(b, readable ? readable : "");
        strbuf_add(b, ", \"exact\": ");
        json_string(b, exact ? exact : "");
        strbuf_add(b, ", \"unit\": ");
        json_string(b, us ? us : "");
        strbuf_add(b, ", \"dimension\": ");
        json_string(b, dim ? dim : "");
        if (v->u.num.approx) strbuf_add(b, ", \"approximate\": true");
        strbuf_add(b, "}");
        free(readable); free(exact); free(us); free(dim);
        mpq_clear(m);
        break;
    }
    case V_BOOL: strbuf_add(b, v->u.b ? "true" : "false"); break;
    case V_STR: json_string(b, v->u.s); break;
    case V_DATE: dates_format(v->u.date, date); json_string(b, date); break;
    case V_LIST:
        if (!v->u.list.n) { strbuf_add(b, "[]"); break; }
        strbuf_add(b, "[\n");
        for (size_t i = 0; i < v->u.list.n; i++) {
            json_indent(b, depth + 1);
            json_value(b, u, v->u.list.items[i], depth + 1);
            strbuf_add(b, i + 1 < v->u.list.n ? ",\n" : "\n");
        }
        json_indent(b, depth);
        strbuf_add(b, "]");
        break;
    case V_RECORD:
        strbuf_add(b, "{\n");
        if (v->u.rec.tag) { json_indent(b, depth + 1); strbuf_add(b, "\"type\": "); json_string(b, v->u.rec.tag); strbuf_add(b, v->u.rec.n ? ",\n" : "\n"); }
        /* a table adds each row's key as the text table labels it, so a reader (outlay diff) can pair rows */
        const value_t *rows = is_tagged(v, "table") ? get(v, "rows") : NULL;
        for (size_t i = 0; i < v->u.rec.n; i++) {
            json_indent(b, depth + 1);
            json_string(b, v->u.rec.keys[i]);
            strbuf_add(b, ": ");
            json_value(b, u, value_record_field(v, i), depth + 1);
            strbuf_add(b, i + 1 < v->u.rec.n || rows ? ",\n" : "\n");
        }
        if (rows) {
            json_indent(b, depth + 1);
            strbuf_add(b, "\"keys\": [");
            for (size_t r = 0; r < rows->u.list.n; r++) {
                char *key = report_row_key(u, rows->u.list.items[r]);
                if (r) strbuf_add(b, ", ");
                json_string(b, key ? key : "");
                if (!key) b->oom = 1;
                free(key);
            }
            strbuf_add(b, "]\n");
        }
        json_indent(b, depth);
        strbuf_add(b, "}");
        break;
    case V_OBJECT: json_string(b, v->u.obj.type->name); break;
    }
}

/* A label that is a name or a path from one (`bill`, `bill.total`, `a.periods[0].total`)
 * is its own key. */
static int is_name_path(const char *s)
{
    for (;;) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_') s++;
        while (*s == '[') {
            const char *d = ++s;
            while (*s >= '0' && *s <= '9') s++;
            if (s == d || *s++ != ']') return 0;
        }
        if (!*s) return 1;
        if (*s++ != '.') return 0;
    }
}

/* The key of each shown value, for a pipeline to find it by: its name when it has one
 * (`bill`, `bill.total`, `xs[0]`), `compare`, `sweep_NAME`, else the label's words joined by `_`
 * (`price_w_c`), at most 64 characters; a key already taken gets `_2`, `_3`. NULL when
 * out of memory. */
static char **result_keys(eval_t *e)
{
    size_t n = eval_shown_count(e);
    char **keys = calloc(n + 1, sizeof *keys);
    for (size_t i = 0; keys && i < n; i++) {
        const char *label = eval_shown(e, i)->label;
        strbuf_t k = STRBUF_INIT;
        if (is_name_path(label)) strbuf_add(&k, label);
        else
            for (const char *c = label; *c && k.n < 64; c++) {
                int word = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
                if (word) strbuf_addn(&k, c, 1);
                else if (k.n && k.s[k.n - 1] != '_') strbuf_addn(&k, "_", 1);
            }
        while (k.n && k.s[k.n - 1] == '_') k.s[--k.n] = '\0';
        if (!k.n) strbuf_add(&k, "result");
        size_t base = k.n;
        for (unsigned long dup = 2;; dup++) {
            size_t j = 0;
            while (j < i && strcmp(keys[j], k.s ? k.s : "")) j++;
            if (j == i || k.oom) break;
            k.n = base;
            strbuf_printf(&k, "_%lu", dup);
        }
        keys[i] = strbuf_take(&k);
        if (!keys[i]) { for (size_t j = 0; j < i; j++) free(keys[j]); free(keys); return NULL; }
    }
    return keys;
}

static void write_json(strbuf_t *b, eval_t *e, const struct diag *error)
{
    const units_t *u = eval_units(e);
    strbuf_add(b, "{\n  \"version\": \"" REPORT_VERSION "\",\n  \"results\": [");
    size_t n = eval_shown_count(e);
    char **keys = result_keys(e);
    if (!keys) b->oom = 1;
    for (size_t i = 0; keys && i < n; i++) {
        const shown_t *s = eval_shown(e, i);
        strbuf_add(b, i ? ",\n    {\"key\": " : "\n    {\"key\": ");
        json_string(b, keys[i]);
        free(keys[i]);
        strbuf_add(b, ", \"label\": ");
        json_string(b, s->label);
        strbuf_add(b, ", \"type\": ");
        json_string(b, value_kind_name(s->value));
        /* a number's fields stand beside the label; anything else nests under "result" */
        strbuf_t q = STRBUF_INIT;
        json_value(&q, u, s->value, 2);
        if (s->value->kind == V_NUM && q.s && q.n > 2) { strbuf_add(b, ", "); strbuf_addn(b, q.s + 1, q.n - 2); }
        else { strbuf_add(b, ", \"result\": "); strbuf_add(b, q.s); }
        if (q.oom) b->oom = 1;
        free(q.s);
        strbuf_add(b, "}");
    }
    free(keys);
    strbuf_add(b, n ? "\n  ],\n  \"assertions\": [" : "],\n  \"assertions\": [");
    size_t na = eval_assertion_count(e);
    for (size_t i = 0; i < na; i++) {
        const assertion_t *a = eval_assertion(e, i);
        strbuf_add(b, i ? ",\n    {\"condition\": " : "\n    {\"condition\": ");
        json_string(b, a->label);
        strbuf_printf(b, ", \"passed\": %s, \"line\": %d", a->passed ? "true" : "false", a->loc.first_line);
        if (a->message) { strbuf_add(b, ", \"message\": "); json_string(b, a->message); }
        if (a->detail) { strbuf_add(b, ", \"detail\": "); json_string(b, a->detail); }
        strbuf_add(b, "}");
    }
    strbuf_add(b, na ? "\n  ]" : "]");
    /* a pipeline that reads the document without the exit status still sees it is partial */
    strbuf_printf(b, ",\n  \"complete\": %s", error ? "false" : "true");
    if (error) {
        strbuf_add(b, ",\n  \"error\": {\"message\": ");
        json_string(b, error->msg ? error->msg : "");
        if (error->loc.src) {
            strbuf_add(b, ", \"file\": ");
            json_string(b, error->loc.src->name);
            strbuf_printf(b, ", \"line\": %d, \"column\": %d", error->loc.first_line, error->loc.first_column);
        }
        strbuf_add(b, "}");
    }
    strbuf_add(b, "\n}\n");
}

/* ---------- CSV ---------- */

static void csv_field(strbuf_t *b, const char *text)
{
    char *s = escape_text(text, ESCAPE_KEEP_NEWLINE);
    if (!s) { b->oom = 1; return; }
    if (strpbrk(s, ",\"\n")) {
        strbuf_addn(b, "\"", 1);
        for (const char *c = s; *c; c++) { if (*c == '"') strbuf_addn(b, "\"", 1); strbuf_addn(b, c, 1); }
        strbuf_addn(b, "\"", 1);
    } else strbuf_add(b, s);
    free(s);
}

/* A number as CSV writes it, a decimal a spreadsheet reads: every digit when the value
 * terminates, else rounded half-even to CSV_DECIMALS places (more below 1, to keep
 * CSV_DECIMALS significant digits). Returns whether the digits are the exact value. */
enum { CSV_DECIMALS = 12 };
static int csv_decimal(strbuf_t *b, const mpq_t q, int approx)
{
    long places = format_decimal_places(mpq_denref(q));
    if (places >= 0 && !approx) { format_write_number(b, q, 1, 0, 0); return 1; }
    long frac = CSV_DECIMALS;
    if (mpz_cmpabs(mpq_numref(q), mpq_denref(q)) < 0 && mpq_sgn(q)) frac = format_leading_zeros(q) + CSV_DECIMALS;
    char *s = format_fixed(q, frac, 0, 0);
    if (s) strbuf_add(b, s); else b->oom = 1;
    free(s);
    return 0;
}

/* An invoice line's number (nothing for a missing one); 0 when it is not written exactly. */
static int csv_num(strbuf_t *b, const units_t *u, const value_t *v)
{
    if (!v || v->kind != V_NUM) return 1;
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, v, m);
    int exact = csv_decimal(b, m, v->u.num.approx);
    mpq_clear(m);
    return exact;
}

static void csv_unit(strbuf_t *b, const units_t *u, const value_t *v)
{
    if (!v || v->kind != V_NUM) return;
    uterm_t t;
    value_display_unit(u, v, &t);
    char *s = uterm_format(u, &t);
    csv_field(b, s ? s : "");
    free(s);
}

static void write_csv_invoice(strbuf_t *b, const units_t *u, const char *label, const value_t *inv)
{
    const value_t *periods = get(inv, "periods");
    const value_t *cur = get(inv, "currency");
    static const char *const numbers[] = { "quantity", "list_rate", "rate", "amount" };
    for (size_t p = 0; periods && p < periods->u.list.n; p++) {
        const value_t *per = periods->u.list.items[p];
        char ps[16], pe[16];
        dates_format(get(per, "start")->u.date, ps);
        dates_format(get(per, "end")->u.date, pe);
        const value_t *lines = get(per, "lines");
        for (size_t i = 0; lines && i < lines->u.list.n; i++) {
            const value_t *l = lines->u.list.items[i];
            csv_field(b, label);
            strbuf_printf(b, ",%s,%s,%s,%s,", ps, pe, ps, pe);
            csv_field(b, get(l, "sku")->u.s);
            strbuf_addn(b, ",", 1);
            csv_field(b, get(l, "category")->u.s);
            int exact = 1;
            for (size_t k = 0; k < 4; k++) {
                strbuf_addn(b, ",", 1);
                exact &= csv_num(b, u, get(l, numbers[k]));
                if (k == 0) { strbuf_addn(b, ",", 1); csv_unit(b, u, get(l, "quantity")); }
            }
            strbuf_addn(b, ",", 1);
            csv_field(b, cur ? cur->u.s : "");
            strbuf_add(b, exact ? ",true,line\n" : ",false,line\n");
        }
    }
}

char *report_row_key(const units_t *u, const value_t *row)
{
    return row->kind == V_LIST && row->u.list.n ? format_value(u, row->u.list.items[0], 0) : strdup("");
}

/* whole_invoices: an invoice is a leaf itself rather than its total. */
static int each_leaf(const units_t *u, const char *label, const value_t *v, report_leaf_fn fn, void *ctx, int whole_invoices)
{
    if (is_tagged(v, "invoice") && !whole_invoices) {   /* an invoice inside a table or record: its total */
        char *path = diag_format("%s.total", label);
        int ok = path && get(v, "total") && each_leaf(u, path, get(v, "total"), fn, ctx, 0);
        free(path);
        return ok;
    }
    const value_t *header = is_tagged(v, "table") ? get(v, "header") : NULL, *rows = header ? get(v, "rows") : NULL;
    if (rows) {
        for (size_t r = 0; r < rows->u.list.n; r++) {
            const value_t *row = rows->u.list.items[r];
            char *key = report_row_key(u, row);
            for (size_t c = 1; key && c < row->u.list.n && c < header->u.list.n; c++) {
                char *path = diag_format("%s[%s].%s", label, key, header->u.list.items[c]->u.s);
                int ok = path && each_leaf(u, path, row->u.list.items[c], fn, ctx, whole_invoices);
                free(path);
                if (!ok) { free(key); return 0; }
            }
            if (!key) return 0;
            free(key);
        }
        return 1;
    }
    if ((v->kind == V_RECORD && !is_tagged(v, "invoice")) || v->kind == V_LIST) {
        size_t count = v->kind == V_RECORD ? v->u.rec.n : v->u.list.n;
        for (size_t i = 0; i < count; i++) {
            char *path = v->kind == V_RECORD ? diag_format("%s.%s", label, v->u.rec.keys[i]) : diag_format("%s[%zu]", label, i);
            int ok = path && each_leaf(u, path, v->kind == V_RECORD ? value_record_field(v, i) : v->u.list.items[i], fn, ctx, whole_invoices);
            free(path);
            if (!ok) return 0;
        }
        return 1;
    }
    fn(ctx, label, v);
    return 1;
}

int report_each_leaf(const units_t *u, const char *label, const value_t *v, report_leaf_fn fn, void *ctx)
{
    return each_leaf(u, label, v, fn, ctx, 0);
}

struct csv_ctx { strbuf_t *b; const units_t *u; };

/* One row per number, so a spreadsheet gets a cell for each. */
static void csv_row(void *ctx, const char *label, const value_t *v)
{
    struct csv_ctx *c = ctx;
    strbuf_t *b = c->b;
    csv_field(b, label);
    strbuf_addn(b, ",", 1);
    if (v->kind != V_NUM) {
        char *t = format_value(c->u, v, 1);
        csv_field(b, t ? t : "");
        strbuf_add(b, ",,\n");
        free(t);
        return;
    }
    strbuf_add(b, csv_num(b, c->u, v) ? ",true," : ",false,");
    csv_unit(b, c->u, v);
    strbuf_addn(b, "\n", 1);
}

/* With an invoice shown, the invoice-line layout: each invoice (shown, or in a compare or
 * sweep table, a record or a list) by its path, its lines of kind `line`; every other
 * value a row of kind `value` with the number in PricingQuantity and PricingUnit (text
 * when it is not a number), so that the BilledCost of the lines still adds up. */
static void csv_invoice_leaf(void *ctx, const char *label, const value_t *v)
{
    struct csv_ctx *c = ctx;
    strbuf_t *b = c->b;
    if (is_tagged(v, "invoice")) { write_csv_invoice(b, c->u, label, v); return; }
    csv_field(b, label);
    strbuf_add(b, ",,,,,,,");
    if (v->kind != V_NUM) {
        char *t = format_value(c->u, v, 1);
        csv_field(b, t ? t : "");
        if (!t) b->oom = 1;
        free(t);
        strbuf_add(b, ",,,,,,,value\n");
        return;
    }
    int exact = csv_num(b, c->u, v);
    strbuf_addn(b, ",", 1);
    csv_unit(b, c->u, v);
    strbuf_add(b, exact ? ",,,,,true,value\n" : ",,,,,false,value\n");
}

static int any_invoice(eval_t *e)
{
    for (size_t i = 0; i < eval_shown_count(e); i++)
        if (is_tagged(eval_shown(e, i)->value, "invoice")) return 1;
    return 0;
}

static void write_csv(strbuf_t *b, eval_t *e)
{
    int invoices = any_invoice(e);
    strbuf_add(b, invoices ? "Result,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,SkuId,ChargeCategory,"
                          "PricingQuantity,PricingUnit,ListUnitPrice,ContractedUnitPrice,BilledCost,BillingCurrency,x_Exact,x_RowKind\n"
                        : "label,value,exact,unit\n");
    struct csv_ctx c = { b, eval_units(e) };
    for (size_t i = 0; i < eval_shown_count(e); i++)
        if (!each_leaf(c.u, eval_shown(e, i)->label, eval_shown(e, i)->value, invoices ? csv_invoice_leaf : csv_row, &c, invoices)) b->oom = 1;
}

/* ---------- text ---------- */

static void write_text(strbuf_t *b, eval_t *e, const report_opts_t *o)
{
    const units_t *u = eval_units(e);
    size_t n = eval_shown_count(e);
    for (size_t i = 0; i < n; i++) {
        const shown_t *s = eval_shown(e, i);
        if (is_tagged(s->value, "invoice")) { write_invoice(b, u, s->value, o->exact, o->chart); continue; }
        if (is_tagged(s->value, "table")) {
            if (o->labels) strbuf_printf(b, "%s:\n", s->label);
            write_table(b, u, s->value, o->exact, o->chart && !strncmp(s->label, "sweep", 5));
            continue;
        }
        if (o->labels) strbuf_printf(b, "%s = ", s->label);
        format_write_value(b, u, s->value, o->exact, 0);
        strbuf_addn(b, "\n", 1);
    }
}

int report_write(FILE *out, eval_t *e, const report_opts_t *opts)
{
    strbuf_t b = STRBUF_INIT;
    switch (opts->format) {
    case REPORT_TEXT: write_text(&b, e, opts); break;
    case REPORT_JSON: write_json(&b, e, opts->error); break;
    case REPORT_CSV: write_csv(&b, e); break;
    case REPORT_FOCUS: return focus_write(out, e);
    }
    char *s = strbuf_take(&b);
    if (!s) return 0;
    /* text shows strings, names and labels from the program as they are, but no character
     * of theirs may act on a terminal (JSON and CSV escaped theirs as they were written) */
    if (opts->format == REPORT_TEXT) escape_fputs(s, ESCAPE_KEEP_NEWLINE, out);
    else fputs(s, out);
    free(s);
    return !ferror(out);
}
