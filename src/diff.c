/* diff: pairs results by label and reports their changes. */
#include "diff.h"
#include "diag.h"
#include <stdlib.h>
#include <string.h>

static int add(diff_side_t *s, const char *label, const mpq_t q, const char *unit)
{
    diff_entry_t *items = realloc(s->items, (s->n + 1) * sizeof *items);
    if (!items) return 0;
    s->items = items;
    diff_entry_t *d = &items[s->n];
    d->label = strdup(label);
    d->unit = strdup(unit ? unit : "");
    if (!d->label || !d->unit) { free(d->label); free(d->unit); return 0; }
    mpq_init(d->q);
    mpq_set(d->q, q);
    s->n++;
    return 1;
}

void diff_side_free(diff_side_t *s)
{
    for (size_t i = 0; i < s->n; i++) { free(s->items[i].label); free(s->items[i].unit); mpq_clear(s->items[i].q); }
    free(s->items);
    s->items = NULL;
    s->n = 0;
}

static int add_value(diff_side_t *s, units_t *u, const char *label, const value_t *v)
{
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, v, m);
    uterm_t t;
    value_display_unit(u, v, &t);
    char *unit = uterm_format(u, &t);
    int ok = unit && add(s, label, m, unit);
    free(unit);
    mpq_clear(m);
    return ok;
}

int diff_from_eval(eval_t *e, diff_side_t *out)
{
    units_t *u = eval_units(e);
    for (size_t i = 0; i < eval_shown_count(e); i++) {
        const shown_t *s = eval_shown(e, i);
        const value_t *v = s->value;
        if (v->kind == V_NUM) { if (!add_value(out, u, s->label, v)) return 0; continue; }
        if (v->kind == V_RECORD && v->u.rec.tag && !strcmp(v->u.rec.tag, "invoice")) {
            const value_t *total = value_record_get(v, "total");
            char *label = diag_format("%s.total", s->label);
            int ok = label && total && add_value(out, u, label, total);
            free(label);
            if (!ok) return 0;
        }
    }
    return 1;
}

static int exact_of(const json_t *j, mpq_t q)
{
    const char *x = json_str(j, "exact");
    if (!x || mpq_set_str(q, x, 10) != 0 || mpz_sgn(mpq_denref(q)) == 0) return 0;
    mpq_canonicalize(q);
    return 1;
}

int diff_from_json(const json_t *report, diff_side_t *out, char **err)
{
    const json_t *results = json_get(report, "results");
    if (!results || results->kind != JSON_ARR || !json_get(report, "version")) {
        *err = diag_format("not an Outlay JSON report (no \"version\" and \"results\")");
        return 0;
    }
    mpq_t q;
    mpq_init(q);
    int ok = 1;
    for (size_t i = 0; ok && i < results->n; i++) {
        const json_t *r = results->items[i];
        const char *label = json_str(r, "label"), *type = json_str(r, "type");
        if (!label || !type) continue;
        if (exact_of(r, q)) ok = add(out, label, q, json_str(r, "unit"));
        else if (!strcmp(type, "invoice")) {
            const json_t *total = json_get(json_get(r, "result"), "total");
            if (total && exact_of(total, q)) {
                char *l = diag_format("%s.total", label);
                ok = l && add(out, l, q, json_str(total, "unit"));
                free(l);
            }
        }
    }
    mpq_clear(q);
    if (!ok) *err = diag_format("out of memory");
    return ok;
}

static const diff_entry_t *find(const diff_side_t *s, const char *label)
{
    for (size_t i = 0; i < s->n; i++) if (!strcmp(s->items[i].label, label)) return &s->items[i];
    return NULL;
}

/* Money (a three-letter currency code) keeps its cents, as everywhere else. */
static int money_unit(const char *u)
{
    return strlen(u) == 3 && u[0] >= 'A' && u[0] <= 'Z' && u[1] >= 'A' && u[1] <= 'Z' && u[2] >= 'A' && u[2] <= 'Z';
}

static char *with_unit(const mpq_t q, const char *unit, int sign)
{
    char *n = money_unit(unit) && mpz_cmp_ui(mpq_denref(q), 1) != 0 ? report_fixed(q, 2, 1, 2) : report_number(q, 0, 1);
    char *s = n ? diag_format("%s%s%s%s", sign && mpq_sgn(q) > 0 ? "+" : "", n, *unit ? " " : "", unit) : NULL;
    free(n);
    return s;
}

/* One row: label, old, new, change, percent (NULL cells print as "-"). */
typedef struct row { const char *label; const diff_entry_t *old, *new_; } row_t;

int diff_write(FILE *out, const diff_side_t *old, const diff_side_t *new_, report_format format)
{
    size_t cap = old->n + new_->n, n = 0;
    row_t *rows = calloc(cap + 1, sizeof *rows);
    if (!rows) return 0;
    for (size_t i = 0; i < old->n; i++) rows[n++] = (row_t){ old->items[i].label, &old->items[i], find(new_, old->items[i].label) };
    for (size_t i = 0; i < new_->n; i++)
        if (!find(old, new_->items[i].label)) rows[n++] = (row_t){ new_->items[i].label, NULL, &new_->items[i] };
    char **cells = calloc(n * 5 + 5, sizeof *cells);
    if (!cells) { free(rows); return 0; }
    mpq_t d, pct;
    mpq_inits(d, pct, NULL);
    for (size_t r = 0; r < n; r++) {
        const diff_entry_t *o = rows[r].old, *w = rows[r].new_;
        char **c = &cells[r * 5];
        c[0] = strdup(rows[r].label);
        c[1] = o ? with_unit(o->q, o->unit, 0) : strdup("-");
        c[2] = w ? with_unit(w->q, w->unit, 0) : strdup("-");
        if (o && w && strcmp(o->unit, w->unit)) { c[3] = strdup("unit changed"); c[4] = strdup("-"); continue; }
        if (!o || !w) { c[3] = strdup(o ? "removed" : "added"); c[4] = strdup("-"); continue; }
        mpq_sub(d, w->q, o->q);
        c[3] = with_unit(d, w->unit, 1);
        if (mpq_sgn(o->q) == 0) c[4] = strdup(mpq_sgn(d) ? "n/a" : "0%");
        else {
            mpq_div(pct, d, o->q);
            mpz_mul_ui(mpq_numref(pct), mpq_numref(pct), 100);
            mpq_canonicalize(pct);
            if (mpq_sgn(pct) < 0) mpq_neg(pct, pct);
            char *num = report_fixed(pct, 2, 0, 0);
            const char *sign = mpq_sgn(d) > 0 ? "+" : mpq_sgn(d) < 0 ? "-" : "";
            c[4] = num ? diag_format("%s%s%%", sign, num) : NULL;
            free(num);
        }
    }
    mpq_clears(d, pct, NULL);
    int ok = 1;
    if (format == REPORT_JSON) {
        fputs("{\n  \"version\": \"1\",\n  \"changes\": [", out);
        for (size_t r = 0; r < n; r++) {
            const diff_entry_t *o = rows[r].old, *w = rows[r].new_;
            char *ox = o ? report_fraction(o->q) : NULL, *wx = w ? report_fraction(w->q) : NULL;
            fprintf(out, "%s\n    {\"label\": ", r ? "," : "");
            report_json_escape(out, rows[r].label);
            fprintf(out, ", \"old\": %s%s%s, \"new\": %s%s%s, \"unit\": ", o ? "\"" : "", o ? ox : "null", o ? "\"" : "",
                    w ? "\"" : "", w ? wx : "null", w ? "\"" : "");
            report_json_escape(out, w ? w->unit : o->unit);
            fputs(", \"change\": ", out);
            report_json_escape(out, cells[r * 5 + 3] ? cells[r * 5 + 3] : "");
            fputs(", \"percent\": ", out);
            report_json_escape(out, cells[r * 5 + 4] ? cells[r * 5 + 4] : "");
            fputs("}", out);
            free(ox); free(wx);
        }
        fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
    } else {
        static const char *head[] = { "Result", "Old", "New", "Change", "Change %" };
        size_t w[5];
        for (int c = 0; c < 5; c++) w[c] = strlen(head[c]);
        for (size_t r = 0; r < n; r++)
            for (int c = 0; c < 5; c++) { size_t l = cells[r * 5 + c] ? strlen(cells[r * 5 + c]) : 0; if (l > w[c]) w[c] = l; }
        for (size_t r = 0; r <= n; r++) {
            for (int c = 0; c < 5; c++) {
                const char *s = r ? cells[(r - 1) * 5 + c] : head[c];
                if (!s) s = "?";
                if (c == 0) fprintf(out, "%-*s", (int)w[c], s);
                else fprintf(out, "  %*s", (int)w[c], s);
            }
            fputc('\n', out);
        }
    }
    for (size_t i = 0; i < n * 5; i++) free(cells[i]);
    free(cells);
    free(rows);
    return ok && !ferror(out);
}
