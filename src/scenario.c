/* scenario: overrides (--set, scenario blocks, swept values), scenarios that extend one
 * another, and the re-runs of a whole program that compare and sweep make. */
#include "interp.h"
#include "syntax.h"
#include <stdlib.h>
#include <string.h>

enum { MAX_SWEEP = 10000 };

const override_t *scenario_override_for(eval_t *e, const char *name)
{
    for (override_t *o = e->overrides; o; o = o->next)
        if (!strcmp(o->name, name)) { o->used = 1; return o; }
    return NULL;
}

/* The value of a definition named name, honouring --set, scenario and sweep overrides. */
value_t *scenario_value(eval_t *e, const char *name, const node_t *expr)
{
    const override_t *o = scenario_override_for(e, name);
    if (o && o->value) return value_ref(o->value);
    return eval_expr(e, o ? o->expr : expr);
}

int scenario_register(eval_t *e, node_t *ast)
{
    shared_t *sh = e->sh;
    for (node_t *s = ast; s; s = s->next) {
        if (s->kind != S_SCENARIO) continue;
        if (!strcmp(s->text, "base")) {
            eval_fail(e, AST_LOC(s), DIAG_NAME, "`base` is the program as written; a scenario needs another name");
            return 0;
        }
        for (const node_t *d = s->list; d; d = d->next)
            for (const node_t *before = s->list; before != d; before = before->next)
                if (!strcmp(before->text, d->text)) {
                    eval_fail(e, AST_LOC(d), DIAG_NAME, "scenario `%s` sets `%s` twice", s->text, d->text);
                    return 0;
                }
        size_t i = 0;
        while (i < sh->nscenarios && strcmp(sh->scenarios[i]->text, s->text)) i++;
        if (i < sh->nscenarios) {
            if (!sh->redefine) { eval_fail(e, AST_LOC(s), DIAG_NAME, "scenario `%s` is already defined", s->text); return 0; }
            sh->scenarios[i] = s;
            continue;
        }
        if (sh->nscenarios == sizeof sh->scenarios / sizeof sh->scenarios[0]) { eval_fail(e, AST_LOC(s), DIAG_LIMIT, "too many scenarios"); return 0; }
        sh->scenarios[sh->nscenarios++] = s;
    }
    return 1;
}

/* Records an override, located at loc; NULL when out of memory. */
static override_t *add_override(eval_t *e, const char *name, const node_t *expr, value_t *value, int from_set,
                                const loc_t *loc)
{
    for (override_t *o = e->overrides; o; o = o->next)
        if (!strcmp(o->name, name)) {
            if (o->from_set && !from_set) return o;  /* --set wins over a scenario */
            o->expr = expr;
            value_free(o->value);
            o->value = value_ref(value);
            o->from_set = from_set;
            o->loc = *loc;
            return o;
        }
    override_t *o = calloc(1, sizeof *o);
    if (!o || !(o->name = strdup(name))) { free(o); return NULL; }
    o->loc = *loc;
    o->expr = expr;
    o->value = value_ref(value);
    o->from_set = from_set;
    o->next = e->overrides;
    e->overrides = o;
    return o;
}

int eval_set_override(eval_t *e, const char *assignment, diag_t **err)
{
    node_t *ast = eval_parse_one(e, "<--set>", assignment, S_DEF, "--set takes NAME=EXPR", err);
    if (!ast) return 0;
    if (!add_override(e, ast->text, ast->a, NULL, 1, AST_LOC(ast))) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); return 0; }
    return 1;
}

static node_t *find_scenario(eval_t *e, const char *name)
{
    for (size_t i = 0; i < e->sh->nscenarios; i++)
        if (!strcmp(e->sh->scenarios[i]->text, name)) return e->sh->scenarios[i];
    return NULL;
}

/* The scenarios there are, for a name that is none of them. */
static void scenario_hint_list(eval_t *e)
{
    size_t cap = 64, n = 0;
    char *list = malloc(cap);
    for (size_t i = 0; list && i < e->sh->nscenarios; i++) {
        const char *name = e->sh->scenarios[i]->text;
        size_t len = strlen(name);
        if (n + len + 8 > cap) {
            char *p = realloc(list, cap = (n + len + 8) * 2);
            if (!p) { free(list); list = NULL; break; }
            list = p;
        }
        n += (size_t)sprintf(list + n, "%s`%s`", n ? ", " : "", name);
    }
    if (!list) return;
    if (n) diag_set_hint(e->err, "the scenarios are base (the program as written), %s", list);
    else diag_set_hint(e->err, "the program defines no scenarios (only base, the program as written)");
    free(list);
}

/* A scenario's own values win over those of the scenarios it extends. */
static int apply_scenario(eval_t *e, const char *name, const loc_t *loc)
{
    if (!strcmp(name, "base")) return 1;
    const node_t *chain[64];
    size_t n = 0;
    for (node_t *s = find_scenario(e, name); ; s = find_scenario(e, s->b->text)) {
        if (!s) {
            eval_fail(e, n ? AST_LOC(chain[n - 1]->b) : loc, DIAG_NAME, "unknown scenario `%s`", n ? chain[n - 1]->b->text : name);
            struct eval_suggest sg = { name, NULL, (size_t)-1 };
            for (size_t i = 0; i < e->sh->nscenarios; i++) eval_suggest_one(e->sh->scenarios[i]->text, &sg);
            eval_hint_closest(e, &sg);
            if (e->err && !e->err->hint) scenario_hint_list(e);
            return 0;
        }
        for (size_t i = 0; i < n; i++)
            if (chain[i] == s) {
                eval_fail(e, AST_LOC(s), DIAG_RUNTIME, "scenario `%s` extends itself (through `%s`)", s->text, chain[n - 1]->text);
                return 0;
            }
        if (n == 64) { eval_fail(e, AST_LOC(s), DIAG_LIMIT, "scenarios extend one another more than 64 deep"); return 0; }
        chain[n++] = s;
        if (!s->b || !strcmp(s->b->text, "base")) break;
    }
    for (size_t i = n; i-- > 0;)
        for (const node_t *d = chain[i]->list; d; d = d->next)
            if (!add_override(e, d->text, d->a, NULL, 0, AST_LOC(d))) { eval_fail(e, AST_LOC(d), DIAG_LIMIT, "out of memory"); return 0; }
    return 1;
}

int eval_use_scenario(eval_t *e, const char *name, diag_t **err)
{
    if (!apply_scenario(e, name, NULL)) return eval_take_error(e, err);
    char *copy = strdup(name);
    if (!copy) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); return 0; }
    free(e->scenario);
    e->scenario = copy;   /* only a scenario that applied: sweeps re-run under it */
    return eval_take_error(e, err);
}

/* An override that replaced nothing is a typo, not a no-op. */
int scenario_check_used(eval_t *e)
{
    for (override_t *o = e->overrides; o; o = o->next) {
        if (o->used || (e->rerun && o->from_set && !o->value)) continue;   /* the root checks --set */
        if (o->value) eval_fail(e, &o->loc, DIAG_NAME, "sweep %s: the program has no definition named `%s`", o->name, o->name);
        else if (o->from_set) {
            eval_fail(e, &o->loc, DIAG_NAME, "--set %s: the program has no definition named `%s`", o->name, o->name);
            eval_suggest(e, o->name);
        }
        else eval_fail(e, &o->loc, DIAG_NAME, "the scenario sets `%s`, which the program does not define", o->name);
        return 0;
    }
    return 1;
}

/* ---------- compare and sweep ---------- */

/* The graph of the program's definitions, the values its overrides set included. */
deps_t *scenario_program_deps(eval_t *e)
{
    deps_t *g = deps_new();
    if (!g) return NULL;
    for (loaded_t *l = e->sh->files; l; l = l->next) deps_add_program(g, l->ast);
    for (size_t i = 0; i < e->sh->nmain; i++) deps_add_program(g, e->sh->main[i]);
    for (override_t *o = e->overrides; o; o = o->next) deps_add_definition(g, o->name, o->expr);
    if (deps_failed(g)) { deps_free(g); return NULL; }
    return g;
}

/* What a re-run must evaluate again: the names that its overrides or its parent's set,
 * and what reads them. NULL (everything) when out of memory. */
static deps_touched_t *rerun_touches(const deps_t *g, const eval_t *parent, const eval_t *c)
{
    if (!g) return NULL;
    size_t n = 0;
    for (const eval_t *x = parent; x; x = x == parent ? c : NULL)
        for (override_t *o = x->overrides; o; o = o->next) n++;
    const char **names = malloc((n + 1) * sizeof *names);
    if (!names) return NULL;
    n = 0;
    for (const eval_t *x = parent; x; x = x == parent ? c : NULL)
        for (override_t *o = x->overrides; o; o = o->next) names[n++] = o->name;
    deps_touched_t *t = deps_touch(g, names, n);
    free(names);
    return t;
}

/* Whether a re-run keeps the prelude as its parent ran it: the change touches none of
 * its statements (then loading it again would only skip each one). */
static int prelude_kept(const eval_t *parent, const eval_t *c)
{
    if (!parent->prelude_loaded || !c->touched || !c->parent || !parent->sh->prelude) return 0;
    for (const node_t *s = parent->sh->prelude; s; s = s->next)
        if (deps_stmt_touched(c->touched, s)) return 0;
    return 1;
}

/* Runs the program again with some overrides and evaluates exprs in the result. What the
 * overrides do not touch keeps the value the program's own run gave it. */
static int rerun(eval_t *e, const deps_t *g, const char *scenario, const char *param, value_t *param_value,
                 const node_t *exprs, value_t **out, const loc_t *loc)
{
    eval_t *c = eval_child(e);
    if (!c) { eval_fail(e, loc, DIAG_LIMIT, "out of memory"); return 0; }
    /* a re-run keeps the command line's --set, not the scenario the run was started with */
    for (override_t *o = e->overrides; o; o = o->next)
        if (o->from_set && !o->value) add_override(c, o->name, o->expr, NULL, 1, &o->loc);
    if (!scenario && param) scenario = e->scenario;
    if (scenario) { apply_scenario(c, scenario, loc); c->scenario = strdup(scenario); }
    if (param) add_override(c, param, NULL, param_value, 1, loc);
    if ((c->touched = rerun_touches(g, e, c))) c->parent = e;
    if (!c->err) {
        c->prelude_loaded = prelude_kept(e, c);
        eval_ensure_prelude(c);
        c->current_dir = e->current_dir;
        for (size_t i = 0; i < e->sh->nmain && !c->err; i++) {
            node_t *ast = e->sh->main[i];
            if (ast) eval_run_in_dir(c, ast, ast_loc(ast).src ? ast_loc(ast).src->path : NULL);
        }
    }
    if (!c->err) scenario_check_used(c);
    size_t k = 0;
    for (const node_t *x = exprs; x && !c->err; x = x->next) out[k++] = eval_expr(c, x);
    int ok = !c->err;
    if (c->err) {
        if (!e->err) {
            e->err = c->err;
            c->err = NULL;
            char *what = param ? diag_format("found while re-running the program for `sweep %s`", param)
                               : diag_format("found while re-running the program for scenario `%s`", scenario);
            if (what && !e->err->hint) diag_set_hint(e->err, "%s", what);
            free(what);
        }
        for (size_t i = 0; i < k; i++) { value_free(out[i]); out[i] = NULL; }
    }
    eval_free(c);
    return ok;
}

/* A list of strings; takes nothing. */
static value_t *str_list(const char *const *labels, size_t n)
{
    value_t **items = calloc(n ? n : 1, sizeof *items);
    if (!items) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(items[i] = value_str(labels[i] ? labels[i] : ""))) {
            while (i--) value_free(items[i]);
            free(items);
            return NULL;
        }
    return value_list(items, n);
}

/* A table: a header of strings and rows (lists) whose first cell labels the row.
 * cells[r * ncols + c] are taken, NULL ones included. */
static value_t *make_table(const char *const *header, value_t **row_labels, value_t **cells,
                           size_t nrows, size_t ncols)
{
    value_t *table = value_record("table");
    value_t **rows = calloc(nrows + 1, sizeof *rows);
    int ok = table && rows && value_record_set(table, "header", str_list(header, ncols + 1));
    for (size_t r = 0; r < nrows; r++) {
        value_t **row = ok ? calloc(ncols + 1, sizeof *row) : NULL;
        if (row) {
            row[0] = row_labels[r];
            for (size_t c = 0; c < ncols; c++) row[c + 1] = cells[r * ncols + c];
            ok = (rows[r] = value_list(row, ncols + 1)) != NULL;
        } else {
            ok = 0;
            value_free(row_labels[r]);
            for (size_t c = 0; c < ncols; c++) value_free(cells[r * ncols + c]);
        }
    }
    if (ok) { ok = value_record_set(table, "rows", value_list(rows, nrows)); rows = NULL; }
    for (size_t r = 0; rows && r < nrows; r++) value_free(rows[r]);
    free(rows);
    if (!ok) { value_free(table); return NULL; }
    return table;
}

/* compare: rows are the expressions, columns the scenarios. sweep: rows are the values,
 * columns the expressions. Each cell comes from a re-run of the whole program. */
value_t *scenario_table(eval_t *e, const node_t *n)
{
    size_t nexpr = ast_count(n->list2), ncols, nrows;
    value_t *params = NULL;
    if (n->kind == S_SWEEP) {
        if (!(params = eval_expr(e, n->a))) return NULL;
        if (params->kind != V_LIST) eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "sweep ... over needs a list, such as [30%%, 40%%] or range(a, b, step)");
        else if (params->u.list.n > MAX_SWEEP) eval_fail(e, AST_LOC(n->a), DIAG_LIMIT, "a sweep can have at most %d values", MAX_SWEEP);
        if (e->err) { value_free(params); return NULL; }
        nrows = params->u.list.n;
        ncols = nexpr;
    } else {
        nrows = nexpr;
        ncols = ast_count(n->list);
    }
    char **labels = calloc(nexpr + 1, sizeof *labels);
    const char **header = calloc(ncols + 2, sizeof *header);
    value_t **row_labels = calloc(nrows + 1, sizeof *row_labels);
    value_t **cells = calloc(nrows * ncols + 1, sizeof *cells);
    value_t **run = calloc(nexpr + 1, sizeof *run);
    value_t *table = NULL;
    deps_t *g = scenario_program_deps(e);
    if (!labels || !header || !row_labels || !cells || !run) { eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory"); goto out; }
    size_t k = 0;
    for (const node_t *x = n->list2; x; x = x->next) { loc_t span = ast_span(x); labels[k++] = eval_loc_text(&span); }
    if (n->kind == S_COMPARE) {
        header[0] = "";
        size_t c = 0;
        for (const node_t *s = n->list; s && !e->err; s = s->next, c++) {
            header[c + 1] = s->text;
            if (!rerun(e, g, s->text, NULL, NULL, n->list2, run, AST_LOC(s))) break;
            for (size_t r = 0; r < nrows; r++) cells[r * ncols + c] = run[r];
        }
        for (size_t r = 0; r < nrows && !e->err; r++) row_labels[r] = value_str(labels[r]);
    } else {
        header[0] = n->text;
        for (size_t c = 0; c < ncols; c++) header[c + 1] = labels[c];
        for (size_t r = 0; r < nrows && !e->err; r++) {
            if (!rerun(e, g, NULL, n->text, params->u.list.items[r], n->list2, cells + r * ncols, AST_LOC(n))) break;
            row_labels[r] = value_ref(params->u.list.items[r]);
        }
    }
    if (!e->err) {
        table = make_table(header, row_labels, cells, nrows, ncols);
        if (!table) eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory");
    } else {
        for (size_t i = 0; i < nrows * ncols; i++) value_free(cells[i]);
        for (size_t r = 0; r < nrows; r++) value_free(row_labels[r]);
    }
out:
    deps_free(g);
    for (size_t i = 0; labels && i < nexpr; i++) free(labels[i]);
    free(labels);
    free(header);
    free(row_labels);
    free(cells);
    free(run);
    value_free(params);
    return table;
}
