/* diff: pairs the numbers of two runs by label and reports their changes. */
#include "diff.h"
#include "diag.h"
#include "escape.h"
#include <stdlib.h>
#include <string.h>

static int add(diff_side_t *s, const char *label, const mpq_t q, const char *unit, int approx)
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
    d->approx = approx;
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

/* ---------- a run's numbers ---------- */

struct eval_ctx { diff_side_t *side; units_t *u; int oom; };

static void add_leaf(void *ctx, const char *path, const value_t *v)
{
    struct eval_ctx *c = ctx;
    if (v->kind != V_NUM) return;
    mpq_t m;
    mpq_init(m);
    value_magnitude(c->u, v, m);
    uterm_t t;
    value_display_unit(c->u, v, &t);
    char *unit = uterm_format(c->u, &t);
    if (!unit || !add(c->side, path, m, unit, v->u.num.approx)) c->oom = 1;
    free(unit);
    mpq_clear(m);
}

int diff_from_eval(eval_t *e, diff_side_t *out)
{
    struct eval_ctx c = { out, eval_units(e), 0 };
    for (size_t i = 0; i < eval_shown_count(e) && !c.oom; i++) {
        const shown_t *s = eval_shown(e, i);
        if (!report_each_leaf(c.u, s->label, s->value, add_leaf, &c)) c.oom = 1;
    }
    return !c.oom;
}

/* ---------- a saved report's numbers, named as report_each_leaf names them ---------- */

/* 1 and q for a well-formed "exact" ("p" or "p/q", q > 0), 0 when there is none, -1
 * when it is malformed (a report edited by hand, or not Outlay's). */
static int exact_of(const json_t *j, mpq_t q)
{
    const char *x = json_str(j, "exact");
    if (!x) return 0;
    size_t i = x[0] == '-', digits = 0, slash = 0;
    for (; x[i]; i++) {
        if (x[i] == '/' && digits && !slash) { slash = i; digits = 0; }
        else if (x[i] >= '0' && x[i] <= '9') digits++;
        else return -1;
    }
    if (!digits || mpq_set_str(q, x, 10) != 0 || mpz_sgn(mpq_denref(q)) == 0) return -1;
    mpq_canonicalize(q);
    return 1;
}

/* 1, 0 when out of memory, -1 on a malformed exact value */
static int json_leaves(diff_side_t *out, const char *label, const json_t *j, mpq_t q)
{
    if (!j) return 1;
    int exact = j->kind == JSON_OBJ ? exact_of(j, q) : 0;
    if (exact < 0) return -1;
    if (exact) return add(out, label, q, json_str(j, "unit"), json_get(j, "approximate") != NULL);
    const char *type = j->kind == JSON_OBJ ? json_str(j, "type") : NULL;
    int ok = 1;
    char *path = NULL;
    if (type && !strcmp(type, "invoice")) {
        ok = (path = diag_format("%s.total", label)) ? json_leaves(out, path, json_get(j, "total"), q) : 0;
    } else if (type && !strcmp(type, "table")) {
        const json_t *header = json_get(j, "header"), *rows = json_get(j, "rows"), *keys = json_get(j, "keys");
        if (!header || !rows || !keys || header->kind != JSON_ARR || rows->kind != JSON_ARR || keys->kind != JSON_ARR) return 1;
        for (size_t r = 0; ok == 1 && r < rows->n && r < keys->n; r++) {
            const json_t *row = rows->items[r];
            for (size_t c = 1; ok == 1 && row->kind == JSON_ARR && c < row->n && c < header->n; c++) {
                free(path);
                ok = (path = diag_format("%s[%s].%s", label, keys->items[r]->text ? keys->items[r]->text : "",
                                         header->items[c]->text ? header->items[c]->text : ""))
                         ? json_leaves(out, path, row->items[c], q) : 0;
            }
        }
    } else if (j->kind == JSON_OBJ || j->kind == JSON_ARR) {
        for (size_t i = 0; ok == 1 && i < j->n; i++) {
            if (j->kind == JSON_OBJ && !strcmp(j->keys[i], "type")) continue;
            free(path);
            path = j->kind == JSON_OBJ ? diag_format("%s.%s", label, j->keys[i]) : diag_format("%s[%zu]", label, i);
            ok = path ? json_leaves(out, path, j->items[i], q) : 0;
        }
    }
    free(path);
    return ok;
}

int diff_from_json(const json_t *report, diff_side_t *out, int *complete, char **err)
{
    const json_t *results = json_get(report, "results");
    const char *version = json_str(report, "version");
    if (!results || results->kind != JSON_ARR || !version) {
        *err = diag_format("not an Outlay JSON report (no \"version\" and \"results\")");
        return 0;
    }
    if (strcmp(version, "1")) { *err = diag_format("a report of version %s; this Outlay reads version 1", version); return 0; }
    const json_t *done = json_get(report, "complete");
    *complete = !done || done->kind != JSON_BOOL || done->b;
    mpq_t q;
    mpq_init(q);
    int ok = 1;
    for (size_t i = 0; ok == 1 && i < results->n; i++) {
        const json_t *r = results->items[i];
        const char *label = json_str(r, "label");
        if (!label) { *err = diag_format("result %zu has no label", i + 1); ok = 0; break; }
        int exact = exact_of(r, q);
        ok = exact < 0 ? -1 : exact ? add(out, label, q, json_str(r, "unit"), json_get(r, "approximate") != NULL)
                                    : json_leaves(out, label, json_get(r, "result"), q);
        if (ok < 0) *err = diag_format("result `%s`: an \"exact\" value that is not p or p/q", label);
    }
    mpq_clear(q);
    if (!ok && !*err) *err = diag_format("out of memory");
    return ok == 1;
}

/* ---------- the changes ---------- */

/* A side's items ordered by label, then by showing: each label's showings are adjacent. */
static int by_label(const void *a, const void *b)
{
    const diff_entry_t *x = *(const diff_entry_t *const *)a, *y = *(const diff_entry_t *const *)b;
    int c = strcmp(x->label, y->label);
    return c ? c : (x > y) - (x < y);
}

static const diff_entry_t **sorted_by_label(const diff_side_t *s)
{
    const diff_entry_t **v = malloc((s->n + 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < s->n; i++) v[i] = &s->items[i];
    qsort(v, s->n, sizeof *v, by_label);
    return v;
}

/* How many items from v[i] on have v[i]'s label. */
static size_t run_of(const diff_entry_t **v, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && !strcmp(v[j]->label, v[i]->label)) j++;
    return j - i;
}

/* A label shown k times pairs its k-th showing on one side with the k-th on the other:
 * partner[i] is old item i's pair on the new side (or NULL), paired[j] whether new item j
 * has one, and occ[i] of each side which showing of its label item i is (0 for the first).
 * Sorting both sides by label and walking them together keeps this O(n log n) however
 * often a label repeats. */
static int pair_sides(const diff_side_t *old, const diff_side_t *new_, const diff_entry_t **partner,
                      unsigned char *paired, size_t *occ_old, size_t *occ_new)
{
    const diff_entry_t **a = sorted_by_label(old), **b = sorted_by_label(new_);
    if (!a || !b) { free(a); free(b); return 0; }
    size_t i = 0, j = 0;
    while (i < old->n || j < new_->n) {
        size_t ra = i < old->n ? run_of(a, old->n, i) : 0, rb = j < new_->n ? run_of(b, new_->n, j) : 0;
        int c = !ra ? 1 : !rb ? -1 : strcmp(a[i]->label, b[j]->label);
        if (c <= 0)
            for (size_t k = 0; k < ra; k++) {
                occ_old[a[i + k] - old->items] = k;
                partner[a[i + k] - old->items] = c == 0 && k < rb ? b[j + k] : NULL;
            }
        if (c >= 0)
            for (size_t k = 0; k < rb; k++) {
                occ_new[b[j + k] - new_->items] = k;
                paired[b[j + k] - new_->items] = c == 0 && k < ra;
            }
        if (c <= 0) i += ra;
        if (c >= 0) j += rb;
    }
    free(a);
    free(b);
    return 1;
}

/* A value or (sign set) a change; the change of a percentage is in percentage points,
 * +0.69 pp, so it is not read as a relative change. */
static char *with_unit(const mpq_t q, const char *unit, int sign, int approx)
{
    int d = units_is_currency_code(unit) ? units_currency_decimals(unit) : 0;   /* money keeps its minor unit */
    char *n = d && mpz_cmp_ui(mpq_denref(q), 1) != 0 ? format_fixed(q, d, 1, d) : format_number(q, 0, 1);
    int percent = !strcmp(unit, "percent");   /* 40%, as everywhere else */
    char *s = n ? diag_format("%s%s%s%s%s", approx ? "~" : "", sign && mpq_sgn(q) > 0 ? "+" : "", n,
                              percent ? (sign ? " pp" : "%") : *unit ? " " : "", percent ? "" : unit) : NULL;
    free(n);
    return s;
}

/* One pair: the old value in the new one's unit, the change and the change in percent. */
typedef struct row {
    const char *label;
    size_t again;            /* how many rows before this one have its label */
    char *numbered;          /* the label with (2), (3) when it is shown again */
    const diff_entry_t *old, *new_;
    int comparable;          /* both sides, in units of one dimension */
    mpq_t change, pct;       /* in the new unit; pct only when the old value is not zero */
    int has_pct;
} row_t;

static void compare_row(row_t *r, diff_convert_fn convert, void *ctx)
{
    const diff_entry_t *o = r->old, *w = r->new_;
    mpq_inits(r->change, r->pct, NULL);
    if (!o || !w) return;
    mpq_t before;   /* the old value in the new one's unit */
    mpq_init(before);
    mpq_set(before, o->q);
    r->comparable = !strcmp(o->unit, w->unit);
    if (!r->comparable && convert) {   /* 100 GB and 0.1 TB; 40% and 0.5 */
        mpq_t factor;
        mpq_init(factor);
        if ((r->comparable = convert(ctx, o->unit, w->unit, factor))) mpq_mul(before, before, factor);
        mpq_clear(factor);
    }
    if (r->comparable) {
        mpq_sub(r->change, w->q, before);
        if ((r->has_pct = mpq_sgn(before) != 0)) {
            mpq_abs(before, before);   /* a change from -100 to -50 is up 50%, not down */
            mpq_div(r->pct, r->change, before);
            mpz_mul_ui(mpq_numref(r->pct), mpq_numref(r->pct), 100);
            mpq_canonicalize(r->pct);
        }
    }
    mpq_clear(before);
}

/* The five display cells of a row: label, old, new, change, percent. */
static void row_cells(const row_t *r, char **c)
{
    const diff_entry_t *o = r->old, *w = r->new_;
    c[0] = strdup(r->numbered ? r->numbered : r->label);
    c[1] = o ? with_unit(o->q, o->unit, 0, o->approx) : strdup("-");
    c[2] = w ? with_unit(w->q, w->unit, 0, w->approx) : strdup("-");
    if (!o || !w) { c[3] = strdup(o ? "removed" : "added"); c[4] = strdup("-"); return; }
    if (!r->comparable) { c[3] = strdup("unit changed"); c[4] = strdup("-"); return; }
    c[3] = with_unit(r->change, w->unit, 1, o->approx || w->approx);
    if (!r->has_pct) { c[4] = strdup(mpq_sgn(r->change) ? "n/a" : "0%"); return; }
    mpq_t a;
    mpq_init(a);
    mpq_abs(a, r->pct);
    char *num = format_fixed(a, 2, 0, 0);
    const char *sign = mpq_sgn(r->pct) > 0 ? "+" : mpq_sgn(r->pct) < 0 ? "-" : "";
    c[4] = num ? diag_format("%s%s%%", sign, num) : NULL;
    free(num);
    mpq_clear(a);
}

static void json_exact(FILE *out, const char *key, const mpq_t q, int present)
{
    char *x = present ? format_fraction(q) : NULL;
    fprintf(out, ", \"%s\": ", key);
    if (x) fprintf(out, "\"%s\"", x); else fputs("null", out);
    free(x);
}

static void write_json_rows(FILE *out, const row_t *rows, char **cells, size_t n)
{
    fputs("{\n  \"version\": \"1\",\n  \"changes\": [", out);
    for (size_t r = 0; r < n; r++) {
        const row_t *w = &rows[r];
        fprintf(out, "%s\n    {\"label\": ", r ? "," : "");
        report_json_escape(out, w->numbered ? w->numbered : w->label);
        json_exact(out, "old", w->old ? w->old->q : w->change, w->old != NULL);
        fputs(", \"old_unit\": ", out);
        report_json_escape(out, w->old ? w->old->unit : "");
        json_exact(out, "new", w->new_ ? w->new_->q : w->change, w->new_ != NULL);
        fputs(", \"new_unit\": ", out);
        report_json_escape(out, w->new_ ? w->new_->unit : "");
        fputs(", \"unit\": ", out);
        report_json_escape(out, w->new_ ? w->new_->unit : w->old->unit);
        json_exact(out, "change_exact", w->change, w->comparable);
        json_exact(out, "percent_exact", w->pct, w->comparable && w->has_pct);
        fputs(", \"change\": ", out);
        report_json_escape(out, cells[r * 5 + 3] ? cells[r * 5 + 3] : "");
        fputs(", \"percent\": ", out);
        report_json_escape(out, cells[r * 5 + 4] ? cells[r * 5 + 4] : "");
        fputs("}", out);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void csv_cell(FILE *out, const char *text)
{
    char *s = escape_text(text, ESCAPE_KEEP_NEWLINE);   /* labels and units of a saved report are input */
    if (!s) return;
    if (!strpbrk(s, ",\"\n")) fputs(s, out);
    else {
        fputc('"', out);
        for (const char *c = s; *c; c++) { if (*c == '"') fputc('"', out); fputc(*c, out); }
        fputc('"', out);
    }
    free(s);
}

static void csv_exact(FILE *out, const mpq_t q, int present)
{
    fputc(',', out);
    char *x = present ? format_fraction(q) : NULL;
    if (x) fputs(x, out);
    free(x);
}

static void write_csv_rows(FILE *out, const row_t *rows, size_t n)
{
    fputs("label,old,old_unit,new,unit,change,percent\n", out);
    for (size_t r = 0; r < n; r++) {
        const row_t *w = &rows[r];
        csv_cell(out, w->numbered ? w->numbered : w->label);
        csv_exact(out, w->old ? w->old->q : w->change, w->old != NULL);
        fputc(',', out);
        csv_cell(out, w->old ? w->old->unit : "");
        csv_exact(out, w->new_ ? w->new_->q : w->change, w->new_ != NULL);
        fputc(',', out);
        csv_cell(out, w->new_ ? w->new_->unit : "");
        csv_exact(out, w->change, w->comparable);
        csv_exact(out, w->pct, w->comparable && w->has_pct);
        fputc('\n', out);
    }
}

static void write_text_rows(FILE *out, char **cells, size_t n, int changed_only)
{
    if (!n) { fputs(changed_only ? "no changes\n" : "no results to compare\n", out); return; }
    static const char *head[] = { "Result", "Old", "New", "Change", "Change %" };
    /* labels and units of a saved report are input: nothing of theirs may act on a terminal */
    for (size_t i = 0; i < n * 5; i++) {
        char *s = cells[i] ? escape_text(cells[i], 0) : NULL;
        free(cells[i]);
        cells[i] = s;
    }
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

/* Whether a row counts as changed: added, removed, in another dimension, or moved by more
 * than the tolerance. */
static int row_changed(const row_t *r, const diff_opts_t *o)
{
    if (!r->comparable) return 1;
    if (!mpq_sgn(r->change)) return 0;
    if (!o->has_tolerance) return 1;
    mpq_t limit, change;
    mpq_inits(limit, change, NULL);
    mpq_abs(change, r->change);
    int within = 0;
    if (!o->tolerance_unit) {   /* a percent of the old value */
        if (r->has_pct) { mpq_abs(limit, r->pct); within = mpq_cmp(limit, o->tolerance) <= 0; }
    } else if (o->convert && o->convert(o->ctx, o->tolerance_unit, r->new_->unit, limit)) {
        mpq_mul(limit, limit, o->tolerance);
        within = mpq_cmp(change, limit) <= 0;
    }
    mpq_clears(limit, change, NULL);
    return !within;
}

int diff_write(FILE *out, const diff_side_t *old, const diff_side_t *new_, const diff_opts_t *opts, int *changed)
{
    size_t cap = old->n + new_->n, n = 0;
    row_t *rows = calloc(cap + 1, sizeof *rows);
    char **cells = calloc(cap * 5 + 5, sizeof *cells);
    const diff_entry_t **partner = calloc(old->n + 1, sizeof *partner);
    unsigned char *paired = calloc(new_->n + 1, 1);
    size_t *occ = calloc(cap + 1, sizeof *occ);   /* which showing of its label each row is */
    if (!rows || !cells || !partner || !paired || !occ || !pair_sides(old, new_, partner, paired, occ, occ + old->n)) {
        free(rows); free(cells); free(partner); free(paired); free(occ);
        return 0;
    }
    for (size_t i = 0; i < old->n; i++)
        rows[n++] = (row_t){ .label = old->items[i].label, .old = &old->items[i], .new_ = partner[i], .again = occ[i] };
    /* a showing only on the new side comes after the old side's showings of its label, so
     * its number is its showing on the new side */
    for (size_t i = 0; i < new_->n; i++)
        if (!paired[i]) rows[n++] = (row_t){ .label = new_->items[i].label, .new_ = &new_->items[i], .again = occ[old->n + i] };
    free(partner);
    free(paired);
    free(occ);
    *changed = 0;
    size_t shown = 0;
    int ok = 1;
    /* `bill` (an invoice, by its total) and `bill.total` both shown: bill.total (2) */
    for (size_t r = 0; r < n; r++)
        if (rows[r].again && !(rows[r].numbered = diag_format("%s (%zu)", rows[r].label, rows[r].again + 1))) ok = 0;
    for (size_t r = 0; r < n; r++) {
        row_t *w = &rows[r];
        compare_row(w, opts->convert, opts->ctx);
        int moved = row_changed(w, opts);
        *changed |= moved;
        if (opts->changed_only && !moved) { mpq_clears(w->change, w->pct, NULL); free(w->numbered); continue; }
        rows[shown] = *w;
        row_cells(&rows[shown], &cells[shown * 5]);
        shown++;
    }
    if (opts->format == REPORT_JSON) write_json_rows(out, rows, cells, shown);
    else if (opts->format == REPORT_CSV) write_csv_rows(out, rows, shown);
    else write_text_rows(out, cells, shown, opts->changed_only);
    for (size_t r = 0; r < shown; r++) { mpq_clears(rows[r].change, rows[r].pct, NULL); free(rows[r].numbered); }
    for (size_t i = 0; i < shown * 5; i++) free(cells[i]);
    free(cells);
    free(rows);
    return ok && !ferror(out);
}
