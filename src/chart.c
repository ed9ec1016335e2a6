/* chart: SVG rendering. Coordinates are computed as exact rationals and printed rounded
 * to 0.1 px; no floating point anywhere. */
#include "chart.h"
#include "diag.h"
#include "report.h"
#include <stdlib.h>
#include <string.h>

enum { W = 900, H = 480, LEFT = 90, RIGHT = 180, TOP = 50, BOTTOM = 70 };

static const char *palette[] = { "#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac" };
static const char *shortfall_color = "#f28e2b", *credit_color = "#e15759", *fee_color = "#8cd17d";

/* A pixel coordinate, rounded to 0.1 (malloc'd). */
static char *px(const mpq_t v) { return format_fixed(v, 1, 0, 0); }

/* out = p0 + (v - lo) / (hi - lo) * (p1 - p0) */
static void map(mpq_ptr out, mpq_srcptr v, mpq_srcptr lo, mpq_srcptr hi, long p0, long p1)
{
    mpq_t span, t;
    mpq_inits(span, t, NULL);
    mpq_sub(span, hi, lo);
    mpq_sub(t, v, lo);
    if (mpq_sgn(span)) mpq_div(t, t, span); else mpq_set_ui(t, 0, 1);
    mpq_set_si(span, p1 - p0, 1);
    mpq_mul(t, t, span);
    mpq_set_si(span, p0, 1);
    mpq_add(out, t, span);
    mpq_clears(span, t, NULL);
}

static char *ypx(mpq_srcptr v, mpq_srcptr lo, mpq_srcptr hi)
{
    mpq_t y;
    mpq_init(y);
    map(y, v, lo, hi, H - BOTTOM, TOP);
    char *s = px(y);
    mpq_clear(y);
    return s;
}

/* Axis labels: 1.25B, 920M, 15K between a thousand and a quadrillion, the readable
 * number otherwise (0.002, 3.7908e25). */
static char *compact(const mpq_t v)
{
    static const struct { int exp10; const char *suffix; } steps[] = { {12, "T"}, {9, "B"}, {6, "M"}, {3, "K"} };
    mpq_t a, unit, x;
    mpq_inits(a, unit, x, NULL);
    mpq_abs(a, v);
    char *s = NULL;
    mpz_ui_pow_ui(mpq_numref(unit), 10, 15);
    if (mpq_cmp(a, unit) < 0)
        for (size_t i = 0; i < 4 && !s; i++) {
            mpz_ui_pow_ui(mpq_numref(unit), 10, (unsigned long)steps[i].exp10);
            mpz_set_ui(mpq_denref(unit), 1);
            if (mpq_cmp(a, unit) < 0) continue;
            mpq_div(x, v, unit);
            char *n = format_fixed(x, 2, 0, 0);
            s = n ? diag_format("%s%s", n, steps[i].suffix) : NULL;
            free(n);
        }
    if (!s) s = format_number(v, 0, 1);
    mpq_clears(a, unit, x, NULL);
    return s;
}

static void xml_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<') fputs("&lt;", out);
        else if (*s == '>') fputs("&gt;", out);
        else if (*s == '&') fputs("&amp;", out);
        else if (*s == '"') fputs("&quot;", out);
        else fputc(*s, out);
    }
}

static const value_t *get(const value_t *rec, const char *k) { return rec && rec->kind == V_RECORD ? value_record_get(rec, k) : NULL; }

static void header(FILE *out, const char *title)
{
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    fprintf(out, "<text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\">", LEFT);
    xml_text(out, title);
    fputs("</text>\n", out);
}

/* A round step for about four intervals over [lo, hi]: 1, 2, 2.5 or 5 times a power of ten. */
static void nice_step(mpq_t step, const mpq_t lo, const mpq_t hi)
{
    mpq_t raw, p, ten, c;
    mpq_inits(raw, p, ten, c, NULL);
    mpq_sub(raw, hi, lo);
    mpq_set_ui(ten, 4, 1);
    mpq_div(raw, raw, ten);
    mpq_set_ui(ten, 10, 1);
    mpq_set_ui(p, 1, 1);
    if (mpq_sgn(raw) > 0) {
        while (mpq_cmp(p, raw) > 0) mpq_div(p, p, ten);          /* p = 10^k <= raw < 10^(k+1) */
        for (mpq_mul(c, p, ten); mpq_cmp(c, raw) <= 0; mpq_mul(c, p, ten)) mpq_set(p, c);
    }
    static const unsigned long num[] = { 1, 2, 5, 5, 10 }, den[] = { 1, 1, 2, 1, 1 };
    for (int i = 0; i < 5; i++) {
        mpq_set_ui(c, num[i], den[i]);
        mpq_canonicalize(c);
        mpq_mul(step, p, c);
        if (mpq_cmp(step, raw) >= 0) break;
    }
    mpq_clears(raw, p, ten, c, NULL);
}

/* x rounded to a multiple of step, down or up. */
static void snap(mpq_t x, const mpq_t step, int up)
{
    mpq_t q;
    mpq_init(q);
    mpq_div(q, x, step);
    mpz_t n;
    mpz_init(n);
    if (up) mpz_cdiv_q(n, mpq_numref(q), mpq_denref(q)); else mpz_fdiv_q(n, mpq_numref(q), mpq_denref(q));
    mpq_set_z(q, n);
    mpq_mul(x, q, step);
    mpz_clear(n);
    mpq_clear(q);
}

/* Widens [lo, hi] to round numbers and draws a gridline with a label at each step. */
static void axis(FILE *out, mpq_ptr lo, mpq_ptr hi, const char *unit)
{
    mpq_t v, step;
    mpq_inits(v, step, NULL);
    nice_step(step, lo, hi);
    snap(lo, step, 0);
    snap(hi, step, 1);
    for (mpq_set(v, lo); mpq_cmp(v, hi) <= 0; mpq_add(v, v, step)) {
        char *y = ypx(v, lo, hi), *label = compact(v);
        fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%s\" y2=\"%s\" stroke=\"#dddddd\"/>\n", LEFT, W - RIGHT, y, y);
        fprintf(out, "<text x=\"%d\" y=\"%s\" dy=\"4\" text-anchor=\"end\">%s</text>\n", LEFT - 8, y, label ? label : "");
        free(y);
        free(label);
    }
    fprintf(out, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">", H / 2, H / 2);
    xml_text(out, unit);
    fputs("</text>\n", out);
    mpq_clears(v, step, NULL);
}

static void legend(FILE *out, int i, const char *color, const char *label)
{
    int y = TOP + 10 + i * 20;
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", W - RIGHT + 20, y, color);
    fprintf(out, "<text x=\"%d\" y=\"%d\">", W - RIGHT + 38, y + 10);
    xml_text(out, label);
    fputs("</text>\n", out);
}

/* A bar segment between values a and b in a column. */
static void segment(FILE *out, const char *x, const char *width, const mpq_t a, const mpq_t b,
                    const mpq_t lo, const mpq_t hi, const char *color)
{
    if (mpq_equal(a, b)) return;
    mpq_t ya, yb, h;
    mpq_inits(ya, yb, h, NULL);
    map(ya, a, lo, hi, H - BOTTOM, TOP);
    map(yb, b, lo, hi, H - BOTTOM, TOP);
    mpq_sub(h, ya, yb);
    if (mpq_sgn(h) < 0) { mpq_neg(h, h); mpq_swap(ya, yb); }
    char *y = px(yb), *height = px(h);
    fprintf(out, "<rect class=\"bar\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>\n", x, y, width, height, color);
    free(y);
    free(height);
    mpq_clears(ya, yb, h, NULL);
}

/* x of slot i of n across the plot, offset by frac (a fraction of one slot) */
static char *slot_x(size_t i, size_t n, unsigned long frac_num, unsigned long frac_den)
{
    mpq_t x, t;
    mpq_inits(x, t, NULL);
    mpq_set_ui(x, (unsigned long)i * frac_den + frac_num, frac_den * (unsigned long)(n ? n : 1));
    mpq_canonicalize(x);
    mpq_set_si(t, W - LEFT - RIGHT, 1);
    mpq_mul(x, x, t);
    mpq_set_si(t, LEFT, 1);
    mpq_add(x, x, t);
    char *s = px(x);
    mpq_clears(x, t, NULL);
    return s;
}

/* The deductions of a period, as the invoice record keeps them: discounts negative, credits positive. */
static const char *const credits[] = { "discounts", "sla_credit", "pool_draw" };

static void draw_invoice(FILE *out, eval_t *e, const value_t *inv, const char *label)
{
    const value_t *periods = get(inv, "periods"), *skus = get(inv, "skus");
    size_t np = periods->u.list.n, ns = skus->u.list.n;
    char *title = diag_format("%s: invoice per period, in %s", label, get(inv, "currency")->u.s);
    header(out, title);
    free(title);
    /* the axis spans every point the stacks and totals reach (charges may be negative) */
    mpq_t lo, hi, a, b, v;
    mpq_inits(lo, hi, a, b, v, NULL);
    for (size_t p = 0; p < np; p++) {
        const value_t *per = periods->u.list.items[p];
        const char *up[] = { "fees", "shortfall" };
        mpq_set_ui(a, 0, 1);
        for (size_t s = 0; s < ns + 2; s++) {
            const value_t *c = s < ns ? get(get(per, "charges"), skus->u.list.items[s]->u.s) : get(per, up[s - ns]);
            if (c) mpq_add(a, a, c->u.num.q);
            if (mpq_cmp(a, hi) > 0) mpq_set(hi, a);
            if (mpq_cmp(a, lo) < 0) mpq_set(lo, a);
        }
        mpq_set_ui(b, 0, 1);
        for (int k = 0; k < 3; k++) {
            if (k) mpq_sub(b, b, get(per, credits[k])->u.num.q); else mpq_add(b, b, get(per, credits[k])->u.num.q);
            if (mpq_cmp(b, lo) < 0) mpq_set(lo, b);
        }
        const mpq_t *t = &get(per, "total")->u.num.q;
        if (mpq_cmp(*t, hi) > 0) mpq_set(hi, *t);
        if (mpq_cmp(*t, lo) < 0) mpq_set(lo, *t);
    }
    if (mpq_equal(lo, hi)) mpq_set_ui(hi, 1, 1);
    axis(out, lo, hi, get(inv, "currency")->u.s);
    /* each bar is 70% of its slot */
    mpq_t w0;
    mpq_init(w0);
    mpq_set_ui(w0, 70, 100 * (unsigned long)(np ? np : 1));
    mpq_canonicalize(w0);
    mpq_set_si(v, W - LEFT - RIGHT, 1);
    mpq_mul(w0, w0, v);
    char *width = px(w0);
    for (size_t p = 0; p < np; p++) {
        const value_t *per = periods->u.list.items[p];
        char *x = slot_x(p, np, 15, 100);
        mpq_set_ui(a, 0, 1);
        for (size_t s = 0; s < ns; s++) {
            const value_t *c = get(get(per, "charges"), skus->u.list.items[s]->u.s);
            if (!c) continue;
            mpq_add(b, a, c->u.num.q);
            segment(out, x, width, a, b, lo, hi, palette[s % 8]);
            mpq_set(a, b);
        }
        mpq_add(b, a, get(per, "fees")->u.num.q);
        segment(out, x, width, a, b, lo, hi, fee_color);
        mpq_set(a, b);
        mpq_add(b, a, get(per, "shortfall")->u.num.q);
        segment(out, x, width, a, b, lo, hi, shortfall_color);
        mpq_set_ui(a, 0, 1);
        for (int k = 0; k < 3; k++) {
            mpq_set(v, get(per, credits[k])->u.num.q);
            if (k > 0) mpq_neg(v, v);   /* discounts are stored negative, credits positive */
            mpq_add(b, a, v);
            segment(out, x, width, a, b, lo, hi, credit_color);
            mpq_set(a, b);
        }
        char *yt = ypx(get(per, "total")->u.num.q, lo, hi), *x2 = slot_x(p, np, 85, 100);
        fprintf(out, "<line class=\"total\" x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\" stroke=\"black\" stroke-width=\"2\"/>\n", x, x2, yt, yt);
        char *date = report_period_label(per);
        fprintf(out, "<text x=\"%s\" y=\"%d\" transform=\"rotate(45 %s %d)\" font-size=\"10\">%s</text>\n", x, H - BOTTOM + 14, x, H - BOTTOM + 14, date ? date : "");
        free(date);
        free(yt);
        free(x);
        free(x2);
    }
    mpq_set_ui(v, 0, 1);
    char *zero = ypx(v, lo, hi);
    fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%s\" y2=\"%s\" stroke=\"black\"/>\n", LEFT, W - RIGHT, zero, zero);
    free(zero);
    int i = 0;
    for (size_t s = 0; s < ns; s++) legend(out, i++, palette[s % 8], skus->u.list.items[s]->u.s);
    if (mpq_sgn(get(inv, "fees")->u.num.q)) legend(out, i++, fee_color, "fees");
    legend(out, i++, shortfall_color, "shortfall");
    legend(out, i++, credit_color, "discounts and credits");
    legend(out, i++, "black", "invoice total");
    char *total = format_value(eval_units(e), get(inv, "total"), 0);
    fprintf(out, "<text x=\"%d\" y=\"%d\">Term total: ", LEFT, H - 12);
    xml_text(out, total);
    fputs("</text>\n</svg>\n", out);
    free(total);
    free(width);
    mpq_clear(w0);
    mpq_clears(lo, hi, a, b, v, NULL);
}

/* Whether the rows of a sweep are numbers of one dimension, and then their range: such
 * rows are placed by value (5%, 10%, 20%, 50% spaced as the numbers are), others evenly. */
static int rows_numeric(const units_t *u, const value_t *rows, mpq_t lo, mpq_t hi)
{
    size_t n = rows->u.list.n;
    const value_t *first = rows->u.list.items[0]->u.list.items[0];
    mpq_t v;
    mpq_init(v);
    int numeric = n > 1;
    for (size_t i = 0; numeric && i < n; i++) {
        const value_t *k = rows->u.list.items[i]->u.list.items[0];
        numeric = k->kind == V_NUM && first->kind == V_NUM && k->u.num.dim_id == first->u.num.dim_id;
        if (!numeric) break;
        value_magnitude(u, k, v);
        if (!i || mpq_cmp(v, lo) < 0) mpq_set(lo, v);
        if (!i || mpq_cmp(v, hi) > 0) mpq_set(hi, v);
    }
    mpq_clear(v);
    return numeric;
}

static char *row_x(const units_t *u, const value_t *rows, size_t r, int numeric, mpq_srcptr lo, mpq_srcptr hi)
{
    if (!numeric) return slot_x(r, rows->u.list.n, 50, 100);
    mpq_t v, x;
    mpq_inits(v, x, NULL);
    value_magnitude(u, rows->u.list.items[r]->u.list.items[0], v);
    map(x, v, lo, hi, LEFT + 30, W - RIGHT - 30);
    char *s = px(x);
    mpq_clears(v, x, NULL);
    return s;
}

static void draw_sweep(FILE *out, eval_t *e, const value_t *table, const char *label)
{
    units_t *u = eval_units(e);
    const value_t *rows = get(table, "rows"), *head = get(table, "header");
    size_t n = rows->u.list.n, col = report_chart_column(u, table);
    char *title = diag_format("%s: %s", label, col < head->u.list.n ? head->u.list.items[col]->u.s : "");
    header(out, title);
    free(title);
    mpq_t lo, hi, v, xlo, xhi;
    mpq_inits(lo, hi, v, xlo, xhi, NULL);
    int numeric = rows_numeric(u, rows, xlo, xhi);
    const value_t *sample = NULL;
    for (size_t r = 0; r < n; r++) {
        const value_t *cell = report_chart_cell(rows->u.list.items[r], col);
        if (!cell) continue;
        value_magnitude(u, cell, v);
        if (!sample || mpq_cmp(v, lo) < 0) mpq_set(lo, v);
        if (!sample || mpq_cmp(v, hi) > 0) mpq_set(hi, v);
        sample = cell;
    }
    if (mpq_sgn(lo) > 0) mpq_set_ui(lo, 0, 1);   /* bars and lines read best from zero */
    if (mpq_equal(lo, hi)) { mpq_set_ui(v, 1, 1); mpq_add(hi, hi, v); }
    char *us = NULL;
    if (sample) { uterm_t t; value_display_unit(u, sample, &t); us = uterm_format(u, &t); }
    axis(out, lo, hi, us ? us : "");
    free(us);
    fputs("<polyline class=\"sweep\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" points=\"", out);
    int first = 1;
    for (size_t r = 0; r < n; r++) {
        const value_t *cell = report_chart_cell(rows->u.list.items[r], col);
        if (!cell) continue;
        value_magnitude(u, cell, v);
        char *x = row_x(u, rows, r, numeric, xlo, xhi), *ys = ypx(v, lo, hi);
        fprintf(out, "%s%s,%s", first ? "" : " ", x, ys);
        first = 0;
        free(x);
        free(ys);
    }
    fputs("\"/>\n", out);
    for (size_t r = 0; r < n; r++) {
        char *t = format_value(u, rows->u.list.items[r]->u.list.items[0], 0), *x = row_x(u, rows, r, numeric, xlo, xhi);
        fprintf(out, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">", x, H - BOTTOM + 16);
        xml_text(out, t);
        fputs("</text>\n", out);
        free(t);
        free(x);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", LEFT + (W - LEFT - RIGHT) / 2, H - 24);
    xml_text(out, head->u.list.items[0]->u.s);
    fputs("</text>\n</svg>\n", out);
    mpq_clears(lo, hi, v, xlo, xhi, NULL);
}

/* The first invoice, or sweep with a column of numbers, shown; or NULL. */
static const shown_t *drawable(eval_t *e)
{
    for (size_t i = 0; i < eval_shown_count(e); i++) {
        const value_t *v = eval_shown(e, i)->value;
        if (v->kind != V_RECORD || !v->u.rec.tag) continue;
        if (!strcmp(v->u.rec.tag, "invoice")) return eval_shown(e, i);
        if (!strcmp(v->u.rec.tag, "table") && !strncmp(eval_shown(e, i)->label, "sweep", 5) &&
            report_chart_column(eval_units(e), v))
            return eval_shown(e, i);
    }
    return NULL;
}

int chart_available(eval_t *e) { return drawable(e) != NULL; }

int chart_svg(FILE *out, eval_t *e, char **err)
{
    const shown_t *s = drawable(e);
    if (!s) { *err = diag_format("--svg: the program shows no invoice or sweep to draw"); return 0; }
    if (!strcmp(s->value->u.rec.tag, "invoice")) draw_invoice(out, e, s->value, s->label);
    else draw_sweep(out, e, s->value, s->label);
    return 1;
}

