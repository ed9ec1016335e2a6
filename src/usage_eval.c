/* usage_eval: the evaluator's side of usage exports. read_usage(path, { mapping }) turns
 * the mapping record into a usage_spec_t and reads the file (through the file-access
 * policy) into a usage value; price(usage, contract) gets its per-period usage from the
 * table here (usage_eval_fill, the one place that feeds the engine from a table); and
 * reconcile(bill, usage) sets Outlay's price beside what the export billed. */
#include "interp.h"
#include "contract.h"
#include "fx.h"
#include "reconcile.h"
#include "usage.h"
#include "usage_pg.h"
#include <stdlib.h>
#include <string.h>

typedef struct usage_obj {
    usage_table_t *t;
    char *name;                 /* the file as the program named it, for messages */
} usage_obj_t;

static void usage_obj_free(void *p)
{
    usage_obj_t *o = p;
    usage_table_free(o->t);
    free(o->name);
    free(o);
}

const value_object_type_t usage_eval_type = { "usage", usage_obj_free, NULL };

int usage_eval_is(const value_t *v) { return v && v->kind == V_OBJECT && v->u.obj.type == &usage_eval_type; }

/* ---------- the mapping record ---------- */

/* The mapping's keys: a column name, a filter on a FOCUS column, or a setting. */
enum key_kind { K_COLUMN, K_FILTER, K_UNIT, K_SKUS, K_TAGS, K_FLAG, K_CURRENCY };
static const struct mapping_key {
    const char *key;
    enum key_kind kind;
    const char *column;         /* K_FILTER: the FOCUS column it filters */
} mapping_keys[] = {
    { "sku", K_COLUMN, NULL }, { "quantity", K_COLUMN, NULL }, { "unit", K_UNIT, NULL },
    { "at", K_COLUMN, NULL }, { "start", K_COLUMN, NULL }, { "end", K_COLUMN, NULL },
    { "currency", K_COLUMN, NULL }, { "billed", K_COLUMN, NULL }, { "effective", K_COLUMN, NULL },
    { "list", K_COLUMN, NULL }, { "contracted", K_COLUMN, NULL },
    { "category", K_FILTER, "ChargeCategory" }, { "service", K_FILTER, "ServiceName" },
    { "region", K_FILTER, "RegionId" }, { "tags", K_TAGS, "Tags" }, { "skus", K_SKUS, NULL },
    { "skip_bad_rows", K_FLAG, NULL }, { "negative_ok", K_FLAG, NULL }, { "costs_in", K_CURRENCY, NULL },
};

/* Where a mapping field was written (the record literal's definition), else the argument. */
static const node_t *field_node(const node_t *arg, const char *key)
{
    if (arg && arg->kind == E_RECORD)
        for (const node_t *d = arg->list; d; d = d->next)
            if (!strcmp(d->text, key)) return d->a;
    return arg;
}

/* A column slot of the spec for a K_COLUMN key. */
static char **column_slot(usage_spec_t *s, const char *key)
{
    if (!strcmp(key, "sku")) return &s->sku_col;
    if (!strcmp(key, "quantity")) return &s->quantity_col;
    if (!strcmp(key, "at") || !strcmp(key, "start")) return &s->start_col;
    if (!strcmp(key, "end")) return &s->end_col;
    if (!strcmp(key, "currency")) return &s->currency_col;
    if (!strcmp(key, "billed")) return &s->cost_cols[USAGE_COST_BILLED];
    if (!strcmp(key, "effective")) return &s->cost_cols[USAGE_COST_EFFECTIVE];
    if (!strcmp(key, "list")) return &s->cost_cols[USAGE_COST_LIST];
    return &s->cost_cols[USAGE_COST_CONTRACTED];
}

/* A string, or a list of strings, as an array of copies. */
static int strings_of(const value_t *v, char ***out, size_t *n)
{
    size_t cnt = v->kind == V_STR ? 1 : v->kind == V_LIST ? v->u.list.n : 0;
    if (!cnt) return 0;
    char **a = calloc(cnt, sizeof *a);
    if (!a) return 0;
    for (size_t i = 0; i < cnt; i++) {
        const value_t *it = v->kind == V_STR ? v : v->u.list.items[i];
        if (it->kind != V_STR || !(a[i] = strdup(it->u.s))) {
            while (i--) free(a[i]);
            free(a);
            return 0;
        }
    }
    *out = a;
    *n = cnt;
    return 1;
}

static int add_filter(usage_spec_t *s, const char *column, const char *tag_key, const value_t *v)
{
    usage_filter_t *f = realloc(s->filters, (s->nfilters + 1) * sizeof *f);
    if (!f) return 0;
    s->filters = f;
    f = &f[s->nfilters];
    memset(f, 0, sizeof *f);
    if (!strings_of(v, &f->values, &f->nvalues)) return 0;
    f->column = strdup(column);
    f->tag_key = tag_key ? strdup(tag_key) : NULL;
    s->nfilters++;
    return f->column && (!tag_key || f->tag_key);
}

/* skus = { gpu_hour = "NVIDIA-H100-80GB", storage = ["S3-Std", "S3-IA"] }: the contract's
 * rate name, then the usage SKUs priced by it. */
static int add_skus(usage_spec_t *s, const value_t *rec)
{
    for (size_t i = 0; i < rec->u.rec.n; i++) {
        char **from;
        size_t n;
        if (!strings_of(rec->u.rec.vals[i], &from, &n)) return 0;
        usage_skumap_t *m = realloc(s->map, (s->nmap + n) * sizeof *m);
        if (!m) { while (n--) free(from[n]); free(from); return 0; }
        s->map = m;
        for (size_t k = 0; k < n; k++) {
            m[s->nmap].from = from[k];
            m[s->nmap++].to = strdup(rec->u.rec.keys[i]);
        }
        free(from);
    }
    return 1;
}

/* Fills spec from the mapping record (FOCUS columns where it says nothing). */
static int spec_from_record(eval_t *e, const node_t *arg, const value_t *rec, usage_spec_t *s)
{
    usage_spec_focus(s);
    if (!rec) return 1;
    /* a mapping that names the time column (at) reads one hour per row unless it names an end */
    if (value_record_get(rec, "at") && !value_record_get(rec, "end")) { free(s->end_col); s->end_col = NULL; }
    for (size_t i = 0; i < rec->u.rec.n; i++) {
        const char *key = rec->u.rec.keys[i];
        const value_t *v = rec->u.rec.vals[i];
        const struct mapping_key *k = NULL;
        for (size_t j = 0; j < sizeof mapping_keys / sizeof mapping_keys[0]; j++)
            if (!strcmp(mapping_keys[j].key, key)) k = &mapping_keys[j];
        const node_t *at_node = field_node(arg, key);
        const loc_t *at = at_node ? AST_LOC(at_node) : NULL;
        if (!k) {
            eval_fail(e, at, DIAG_NAME, "read_usage has no setting `%s`", key);
            struct eval_suggest sg = { key, NULL, (size_t)-1 };
            for (size_t j = 0; j < sizeof mapping_keys / sizeof mapping_keys[0]; j++) eval_suggest_one(mapping_keys[j].key, &sg);
            eval_hint_closest(e, &sg);
            return 0;
        }
        int ok = 1;
        switch (k->kind) {
        case K_COLUMN: {
            if (v->kind != V_STR || !v->u.s[0]) { eval_fail(e, at, DIAG_RUNTIME, "`%s` names a column: a string such as \"%s\"", key, "SkuId"); return 0; }
            char **slot = column_slot(s, key);
            free(*slot);
            ok = (*slot = strdup(v->u.s)) != NULL;
            break;
        }
        case K_UNIT:
            if (v->kind == V_STR && v->u.s[0]) {   /* a column holding each row's unit */
                free(s->unit_col);
                ok = (s->unit_col = strdup(v->u.s)) != NULL;
            } else if (v->kind == V_NUM && !v->u.num.approx && mpq_sgn(v->u.num.q) > 0) {
                value_free(s->unit);
                s->unit = value_ref((value_t *)v);
            } else {
                eval_fail(e, at, DIAG_UNIT, "`unit` is the quantity's unit (unit = gpu*hour) or the column that holds it (unit = \"PricingUnit\")");
                return 0;
            }
            break;
        case K_FILTER:
            if (!add_filter(s, k->column, NULL, v)) {
                if (!e->err) eval_fail(e, at, DIAG_RUNTIME, "`%s` keeps the rows whose %s is one of some strings: \"Usage\" or [\"Usage\", \"Purchase\"]", key, k->column);
                return 0;
            }
            break;
        case K_TAGS:
            for (size_t t = 0; ok && v->kind == V_RECORD && t < v->u.rec.n; t++) ok = add_filter(s, k->column, v->u.rec.keys[t], v->u.rec.vals[t]);
            if (!ok || v->kind != V_RECORD) { eval_fail(e, at, DIAG_RUNTIME, "`tags` keeps rows by tag: { team = \"ml\", env = [\"prod\", \"staging\"] }"); return 0; }
            break;
        case K_SKUS:
            if (v->kind != V_RECORD || !add_skus(s, v)) {
                eval_fail(e, at, DIAG_RUNTIME, "`skus` maps the contract's rates to the usage's SKUs: { gpu_hour = \"NVIDIA-H100-80GB\" }");
                return 0;
            }
            break;
        case K_FLAG:
            if (v->kind != V_BOOL) { eval_fail(e, at, DIAG_RUNTIME, "`%s` is true or false", key); return 0; }
            if (key[0] == 's') s->skip_bad_rows = v->u.b; else s->negative_ok = v->u.b;
            break;
        case K_CURRENCY: {
            int d = -1;
            for (int j = 0; v->kind == V_NUM && j < units_dimension_count(e->sh->units) && j < DIM_MAX; j++)
                if (value_dim(v)->e[j]) d = d == -1 && value_dim(v)->e[j] == 1 && units_is_currency(e->sh->units, j) ? j : -2;
            if (d < 0) { eval_fail(e, at, DIAG_UNIT, "`costs_in` is the currency the costs are read in, such as USD"); return 0; }
            free(s->currency);
            ok = (s->currency = strdup(units_dimension_name(e->sh->units, d))) != NULL;
            break;
        }
        }
        if (!ok) { eval_fail(e, at, DIAG_LIMIT, "out of memory"); return 0; }
    }
    return 1;
}

/* ---------- reading ---------- */

/* The usage hook for costs in several currencies: the run's dated exchange rates. */
static int fx_hook(void *ctx, const char *from, const char *to, usage_hour_t hour, mpq_t rate, char **err)
{
    const eval_t *e = ctx;
    usage_hour_t day = hour >= 0 ? hour / 24 : -((-hour + 23) / 24);
    return fx_rate(e->fx, from, to, (date_t)day, rate, err);
}

/* Reads a usage source into t: a file through the policy (relative names from base). This
 * is where other kinds of sources (a database URI) are told apart. */
static int usage_eval_load(eval_t *e, usage_table_t *t, const usage_spec_t *spec, const char *base, const char *where,
                    int user_named, diag_t **err)
{
    if (user_named && usage_pg_is_uri(where)) return usage_pg_eval_load(e, NULL, where, t, spec, err);
    policy_file_t f;
    char *why = NULL;
    policy_result r = user_named ? policy_open_user(e->sh->policy, where, 0, &f, &why) : policy_open(e->sh->policy, base, where, 0, &f, &why);
    if (r != POLICY_OK) {
        const char *reason = why ? why : r == POLICY_NOT_FOUND ? "no such file" : "out of memory";
        size_t n = strlen(where);
        /* the policy's reason may already name the file */
        if (!strncmp(reason, where, n) && reason[n] == ':') *err = diag_new(DIAG_IO, NULL, "cannot read %s", reason);
        else *err = diag_new(DIAG_IO, NULL, "cannot read %s: %s", where, reason);
        free(why);
        return 0;
    }
    /* the reader takes the descriptor the policy opened: the file is not opened again by name */
    int fd = f.fd;
    f.fd = -1;
    policy_file_close(&f);
    return usage_read_fd(t, spec, fd, where, err);
}

/* Says how many rows were skipped as bad, and the first few line numbers. */
static void warn_bad_rows(eval_t *e, const loc_t *loc, const usage_table_t *t, const char *name)
{
    long long bad = usage_table_bad_rows(t);
    if (!bad) return;
    const long long *lines;
    size_t n = usage_table_bad_lines(t, &lines);
    char list[160] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%lld", i ? ", " : "", lines[i]);
    }
    eval_warn(e, loc, "%s: %lld bad row%s skipped (line%s %s%s)", name, bad, bad == 1 ? "" : "s", n == 1 ? "" : "s", list,
              (long long)n < bad ? ", ..." : "");
}

/* What a source is called in messages and reports: a file by its path, a database (a
 * postgres() source or a URI) by its table and database, never by a password. */
static char *source_name(eval_t *e, const value_t *db, const char *path)
{
    return db || usage_pg_is_uri(path) ? usage_pg_eval_name(e, db, path) : strdup(path);
}

/* A usage value read by spec (which it frees) from a database source, or else from where
 * (a file, or a URI the command line names); NULL and *err on failure. The skipped bad
 * rows are counted in a warning at warn_at. */
static value_t *usage_value(eval_t *e, usage_spec_t *spec, const value_t *db, const char *base, const char *where,
                            int user_named, const loc_t *warn_at, diag_t **err)
{
    spec->skip_bad_rows |= e->sh->skip_bad_rows;
    spec->fx = e->fx ? fx_hook : NULL;
    spec->fx_ctx = e;
    usage_obj_t *o = calloc(1, sizeof *o);
    if (o && !(o->t = usage_table_new(e->sh->units))) { free(o); o = NULL; }
    if (o && !(o->name = source_name(e, db, where))) { usage_obj_free(o); o = NULL; }
    value_t *v = NULL;
    if (!o) *err = diag_new(DIAG_LIMIT, NULL, "out of memory");
    else if (!(db ? usage_pg_eval_load(e, db, NULL, o->t, spec, err) : usage_eval_load(e, o->t, spec, base, where, user_named, err)))
        usage_obj_free(o);
    else {
        warn_bad_rows(e, warn_at, o->t, o->name);
        if (!(v = value_object(&usage_eval_type, o))) { usage_obj_free(o); *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); }
    }
    usage_spec_free(spec);
    return v;
}

value_t *usage_eval_read(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    int db = nargs >= 1 && usage_pg_eval_is(args[0]);
    if (nargs < 1 || nargs > 2 || (args[0]->kind != V_STR && !db) || (nargs == 2 && args[1]->kind != V_RECORD))
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "read_usage(path) or read_usage(path, { sku = \"instance\", ... }) needs a file name "
                         "(or a database: postgres(connection, table)) and a mapping record");
    usage_spec_t spec;
    memset(&spec, 0, sizeof spec);
    const node_t *map_arg = nargs == 2 ? call->list->next : NULL;
    if (!spec_from_record(e, map_arg, nargs == 2 ? args[1] : NULL, &spec)) { usage_spec_free(&spec); return NULL; }
    /* outlay price/audit --usage PATH: the file named on the command line, read with this mapping */
    const char *path = e->sh->usage_path ? e->sh->usage_path : db ? NULL : args[0]->u.s;
    if (e->sh->usage_path && e->sh->usage_reads++ && !e->rerun) {
        usage_spec_free(&spec);
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "--usage replaces the file of one read_usage, and this program reads several");
    }
    diag_t *err = NULL;
    loc_t path_at = ast_span(call->list);
    value_t *v = usage_value(e, &spec, path ? NULL : args[0], e->current_dir, path, e->sh->usage_path != NULL, &path_at, &err);
    if (v) return v;
    if (err && !err->loc.src) {   /* not about a row: point at the call */
        eval_fail(e, &path_at, err->kind, "%s", err->msg);
        if (err->hint) diag_set_hint(e->err, "%s", err->hint);
        diag_free(err);
    } else if (!e->err) e->err = err; else diag_free(err);
    return NULL;
}

/* A usage value from a source the command line names (outlay price --usage PATH), read
 * with the FOCUS columns. */
static value_t *usage_from_cli(eval_t *e, const char *where, diag_t **err)
{
    usage_spec_t spec;
    usage_spec_focus(&spec);
    return usage_value(e, &spec, NULL, NULL, where, 1, NULL, err);
}

static const usage_table_t *usage_eval_table(const value_t *v) { return ((const usage_obj_t *)v->u.obj.p)->t; }
const char *usage_eval_name(const value_t *v) { return ((const usage_obj_t *)v->u.obj.p)->name; }

/* ---------- pricing ---------- */

static usage_hour_t date_hour(date_t d) { return (usage_hour_t)d * 24; }

/* "2027-01-01T05:00Z" */
static void hour_text(usage_hour_t h, char out[32])
{
    char d[16];
    usage_hour_t day = h >= 0 ? h / 24 : -((-h + 23) / 24);
    dates_format((date_t)day, d);
    snprintf(out, 32, "%sT%02d:00Z", d, (int)(h - day * 24));
}

/* A SKU's quantity as a value in its unit (for messages and the engine). */
static value_t *sku_quantity(const usage_table_t *t, size_t i, usage_hour_t from, usage_hour_t to)
{
    const value_t *unit = usage_table_unit(t, i);
    mpq_t q;
    mpq_init(q);
    usage_table_quantity(t, i, from, to, q);
    value_t *v = NULL;
    if (unit) {
        mpq_mul(q, q, unit->u.num.q);
        v = value_quantity_like(q, unit);
    } else if (!mpq_sgn(q)) v = value_num(q);
    mpq_clear(q);
    return v;
}

/* Whether a period crosses a contract anniversary where the price depends on the hours
 * on each side: an escalator (the contract's or a SKU's) prices each hour at its year's
 * rate, a yearly true-up counts each hour's spend toward its year (engine_cycles.c). */
static int splits_at_anniversary(const contract_t *c, const period_t *periods, size_t np)
{
    int by_year = c->escalate || c->trueup;
    for (size_t s = 0; s < c->nskus; s++) by_year |= c->skus[s].escalate != NULL;
    if (!by_year) return 0;
    for (size_t p = 0; p < np; p++)
        for (int k = 1;; k++) {
            date_t a = dates_add_months(c->start, 12 * k);
            if (a >= periods[p].end) break;
            if (a > periods[p].start) return 1;
        }
    return 0;
}

/* Whether the engine prices a SKU hour by hour: a reservation per hour, a spend plan, or
 * (split) any unreserved SKU when a period splits at an anniversary. */
static int sku_hourly(const sku_terms_t *sk, int split)
{
    return (sk->reserved && sk->windows_per_hour) || sk->plan || (split && !sk->reserved);
}

/* Fills usage[p * nskus + s] for the contract's periods from the table: each period's sum
 * of the SKU's hours; or, for a SKU the contract prices hour by hour, *hours with each
 * hour of the term. Every usage SKU must be one of the contract's rates and lie
 * within its term: anything else is an error that lists it, so nothing is dropped. */
int usage_eval_fill(eval_t *e, const node_t *call, const value_t *uv, const contract_t *c,
                    const period_t *periods, size_t np, value_t **usage, contract_hours_t **hours)
{
    const usage_table_t *t = usage_eval_table(uv);
    size_t nt = usage_table_nskus(t);
    char *missing = NULL;
    size_t nmissing = 0;
    for (size_t i = 0; i < nt && !e->err; i++) {
        const char *sku = usage_table_sku(t, i);
        size_t s = 0;
        while (s < c->nskus && strcmp(c->skus[s].sku, sku)) s++;
        if (s < c->nskus) continue;
        value_t *q = sku_quantity(t, i, usage_table_first_hour(t), usage_table_end_hour(t));
        /* rows without a SKU and without a quantity (taxes, credits) have nothing to price:
         * reconcile() sets their costs beside the invoice's other lines */
        if (!sku[0] && (!q || !mpq_sgn(q->u.num.q))) { value_free(q); continue; }
        if (q && !mpq_sgn(q->u.num.q)) { value_free(q); q = NULL; }
        char *qt = q ? eval_describe(e, q) : NULL;
        long long rows = usage_table_rows(t, i);
        char *item = diag_format("%s%s%s (%lld row%s, %s)", missing ? missing : "", missing ? "; " : "",
                                 sku[0] ? sku : "rows without a SKU", rows, rows == 1 ? "" : "s", qt ? qt : "no quantity");
        free(missing);
        missing = item;
        nmissing++;
        free(qt);
        value_free(q);
    }
    if (missing) {
        eval_fail(e, AST_LOC(call), DIAG_NAME, "%s has %s that no rate of contract %s prices: %s", usage_eval_name(uv),
                  nmissing == 1 ? "a SKU" : "SKUs", c->name, missing);
        diag_set_hint(e->err, "add a rate for each, map them to a rate (skus = { gpu_hour = \"SKU\" }), or filter them out (category = \"Usage\")");
        free(missing);
        return 0;
    }
    usage_hour_t start = date_hour(c->start), end = date_hour(c->end);
    if (nt && (usage_table_first_hour(t) < start || usage_table_end_hour(t) > end)) {
        char a[32], b[32], cs[16], ce[16];
        hour_text(usage_table_first_hour(t), a);
        hour_text(usage_table_end_hour(t), b);
        dates_format(c->start, cs);
        dates_format(c->end, ce);
        eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "%s runs from %s to %s, outside contract %s (%s to %s)", usage_eval_name(uv), a, b,
                  c->name, cs, ce);
        diag_set_hint(e->err, "price only the rows the contract covers: filter them, or read an export of its term");
        return 0;
    }
    size_t nh = (size_t)(end - start);
    int hourly = 0, split = splits_at_anniversary(c, periods, np);
    for (size_t s = 0; s < c->nskus; s++) hourly |= sku_hourly(&c->skus[s], split);
    if (hourly && !(*hours = contract_hours_new(c->nskus, nh)))
        return !eval_fail(e, AST_LOC(call), DIAG_LIMIT, "out of memory");
    for (size_t i = 0; i < nt; i++) {
        size_t s = 0;
        while (s < c->nskus && strcmp(c->skus[s].sku, usage_table_sku(t, i))) s++;
        if (s == c->nskus) continue;   /* the rows without a SKU */
        const value_t *unit = usage_table_unit(t, i);
        if (sku_hourly(&c->skus[s], split) && unit) {
            (*hours)->has[s] = 1;
            (*hours)->dim[s] = *value_dim(unit);
            for (size_t h = 0; h < nh; h++) {
                mpq_t *q = &(*hours)->q[s * nh + h];
                usage_table_quantity(t, i, start + (usage_hour_t)h, start + (usage_hour_t)h + 1, *q);
                mpq_mul(*q, *q, unit->u.num.q);
            }
            continue;
        }
        for (size_t p = 0; p < np; p++) {
            value_t *q = sku_quantity(t, i, date_hour(periods[p].start), date_hour(periods[p].end));
            if (!q) return !eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "%s: the rows of %s have no unit", usage_eval_name(uv), usage_table_sku(t, i));
            if (!mpq_sgn(q->u.num.q)) { value_free(q); continue; }
            usage[p * c->nskus + s] = q;
        }
    }
    return 1;
}

/* ---------- reconciliation ---------- */

/* reconcile(bill, usage) and outlay audit: Outlay's invoice beside the export's costs.
 * An export billed in another currency than the contract's is compared in its own
 * currency, the invoice converted by the run's rates (fx_eval_invoice: each period at
 * the rate of its first day) and shown in both; without rates that is an error, never a
 * comparison of amounts in two currencies. */
static value_t *reconcile_usage(eval_t *e, const value_t *bill, const value_t *uv, const loc_t *at)
{
    const usage_table_t *t = usage_eval_table(uv);
    const char *billed_in = usage_table_currency(t);
    const value_t *cur = value_record_get(bill, "currency");
    value_t *converted = NULL;
    if (billed_in && cur && cur->kind == V_STR && strcmp(billed_in, cur->u.s)) {
        int d = units_find_dimension(e->sh->units, billed_in);
        if (d < 0 || !units_is_currency(e->sh->units, d)) {
            eval_fail(e, at, DIAG_UNIT, "%s bills in %s, a currency the program does not declare", usage_eval_name(uv), billed_in);
            diag_set_hint(e->err, "declare it (unit %s) and give its dated rates (fx %s in %s { from DATE = RATE %s/%s })", billed_in, billed_in, cur->u.s,
                          cur->u.s, billed_in);
            return NULL;
        }
        if (!e->fx) {
            eval_fail(e, at, DIAG_UNIT, "%s bills in %s but the invoice is in %s: amounts in two currencies can't be compared without exchange rates",
                      usage_eval_name(uv), billed_in, cur->u.s);
            diag_set_hint(e->err, "give the dated rates, in the program or a file named by --fx (fx %s in %s { from DATE = RATE %s/%s }): the invoice converts at each period's rate; "
                          "or read the export with costs_in = %s to convert its costs row by row", billed_in, cur->u.s, cur->u.s, billed_in, cur->u.s);
            return NULL;
        }
        if (!(converted = fx_eval_invoice(e, bill, billed_in, at))) return NULL;
    }
    char *err = NULL;
    value_t *r = reconcile_table(e->sh->units, converted ? converted : bill, converted ? bill : NULL, t, &err);
    value_free(converted);
    if (!r) eval_fail_with(e, at, err);
    return r;
}

value_t *usage_eval_reconcile(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    if (nargs != 2 || args[0]->kind != V_RECORD || !args[0]->u.rec.tag || strcmp(args[0]->u.rec.tag, "invoice") || !usage_eval_is(args[1]))
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "reconcile(bill, usage) needs an invoice from price() and the usage it priced");
    return reconcile_usage(e, args[0], args[1], AST_LOC(call));
}

/* ---------- the command line: outlay price / audit ---------- */

/* The contract named, or the program's only one. */
static value_t *find_contract(eval_t *e, const char *name)
{
    if (name) {
        binding_t *b = eval_global_find(e, name);
        if (b && b->value->kind == V_OBJECT && b->value->u.obj.type == &terms_contract_type) return b->value;
        eval_fail(e, NULL, DIAG_NAME, "the program has no contract `%s`", name);
        struct eval_suggest sg = { name, NULL, (size_t)-1 };
        for (int i = 0; i < NBUCKETS; i++)
            for (binding_t *c = e->globals[i]; c; c = c->next)
                if (c->value->kind == V_OBJECT && c->value->u.obj.type == &terms_contract_type) eval_suggest_one(c->name, &sg);
        eval_hint_closest(e, &sg);
        return NULL;
    }
    value_t *found = NULL;
    size_t n = 0;
    char names[256] = "";
    for (int i = 0; i < NBUCKETS; i++)
        for (binding_t *c = e->globals[i]; c; c = c->next) {
            if (c->value->kind != V_OBJECT || c->value->u.obj.type != &terms_contract_type) continue;
            found = c->value;
            size_t len = strlen(names);
            snprintf(names + len, sizeof names - len, "%s%s", n++ ? ", " : "", c->name);
        }
    if (n == 1) return found;
    if (!n) eval_fail(e, NULL, DIAG_NAME, "the program defines no contract to price the usage with");
    else {
        eval_fail(e, NULL, DIAG_NAME, "the program defines %zu contracts (%s)", n, names);
        diag_set_hint(e->err, "choose one with --contract NAME");
    }
    return NULL;
}

/* The usage the program defined (read from --usage), or else --usage with the FOCUS columns. */
static value_t *program_usage(eval_t *e, diag_t **err)
{
    value_t *found = NULL;
    for (int i = 0; i < NBUCKETS; i++)
        for (binding_t *b = e->globals[i]; b; b = b->next)
            if (usage_eval_is(b->value)) found = b->value;
    if (found) return value_ref(found);
    return usage_from_cli(e, e->sh->usage_path, err);
}

int eval_price_usage(eval_t *e, const char *contract, int reconcile, const char *currency, diag_t **err)
{
    *err = NULL;
    value_t *c = find_contract(e, contract);
    value_t *u = c ? program_usage(e, err) : NULL;
    if (!u) {
        if (!*err) eval_take_error(e, err);
        return 0;
    }
    node_t call;
    memset(&call, 0, sizeof call);
    call.kind = E_CALL;
    call.text = "price";
    value_t *args[2] = { u, c };
    value_t *bill = terms_price(e, &call, args, 2), *audit = NULL;
    if (bill && currency) {   /* --currency: the invoice converted by the run's rates */
        int d = units_find_dimension(e->sh->units, currency);
        value_t *converted = NULL;
        if (d < 0 || !units_is_currency(e->sh->units, d)) {
            eval_fail(e, NULL, DIAG_UNIT, "--currency: `%s` is not a currency", currency);
            diag_set_hint(e->err, "currencies are three-letter codes such as USD or EUR; declare another with `unit CHF`");
        } else converted = fx_eval_invoice(e, bill, currency, NULL);
        value_free(bill);
        bill = converted;
    }
    if (bill && reconcile) audit = reconcile_usage(e, bill, u, NULL);
    /* price shows the invoice; audit, the reconciliation */
    int ok = bill && (!reconcile || audit);
    if (ok) {
        ok = eval_show_value(e, reconcile ? "audit" : "bill", reconcile ? audit : bill);
        if (reconcile) audit = NULL; else bill = NULL;
    }
    value_free(bill);
    value_free(audit);
    if (!ok) { eval_take_error(e, err); if (!*err) *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); }
    value_free(u);
    return ok;
}
