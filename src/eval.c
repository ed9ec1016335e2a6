/* eval: the evaluator. Walks the AST of each loaded file, keeps the global names,
 * resolves imports, turns contract and workload blocks into values, and runs scenario
 * re-evaluations (compare, sweep). Errors are recorded as diagnostics and returned. */
#include "eval.h"
#include "builtins.h"
#include "contract.h"
#include "report.h"
#include "syntax.h"
#include <limits.h>
#include <strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* MAX_STEPS bounds a whole run, scenario re-runs included: a function that calls
 * itself twice per level would otherwise run for ages inside the depth limit. */
enum { NBUCKETS = 1024, MAX_DEPTH = 2000, MAX_CALL_DEPTH = 200, MAX_SWEEP = 10000 };
#define MAX_STEPS 20000000L

/* expr is what was evaluated (the definition's, or an override's), for explain */
typedef struct binding { char *name; value_t *value; loc_t loc; const node_t *def, *expr; int overridden; struct binding *next; } binding_t;
typedef struct scope { const char *name; value_t *value; struct scope *up; } scope_t;
typedef struct override { char *name; const node_t *expr; value_t *value; loc_t loc; int used; int from_set; struct override *next; } override_t;
typedef struct loaded { char *path; node_t *ast; arena_t *arena; struct loaded *next; } loaded_t;

/* What a run and its scenario re-runs share: the units, the search path, parsed files. */
typedef struct shared {
    units_t *units;
    char **dirs;
    size_t ndirs;
    loaded_t *files;
    arena_t *arena;         /* --set expressions, REPL lines */
    node_t **main;          /* the loaded program, one AST per source, in order */
    size_t nmain, capmain;
    node_t *scenarios[256];
    size_t nscenarios;
    long steps;             /* expressions evaluated, against MAX_STEPS */
} shared_t;

struct eval {
    shared_t *sh;
    int is_root;
    binding_t *globals[NBUCKETS];
    char **imported;
    size_t nimported;
    override_t *overrides;
    size_t ran;             /* main ASTs already run */
    shown_t *shown;
    size_t nshown, capshown;
    assertion_t *asserts;
    size_t nasserts, capasserts;
    int quiet, rerun;
    const char *scenario;   /* the scenario this run uses (sweeps keep it; compare sets its own) */
    int depth, calls;
    diag_t *err;
    value_t *last;
    scope_t *scope;
    const char *current_dir;
};

/* ---------- errors ---------- */

static value_t *fail(eval_t *e, const loc_t *loc, diag_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static value_t *fail(eval_t *e, const loc_t *loc, diag_kind kind, const char *fmt, ...)
{
    if (e->err) return NULL;
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    e->err = diag_new(kind, loc, "%s", buf);
    return NULL;
}

/* Takes a malloc'd message from a value operation. */
static value_t *fail_with(eval_t *e, const loc_t *loc, char *msg)
{
    if (!e->err) {
        diag_kind kind = msg && (strstr(msg, "dimension") || strstr(msg, "unit")) ? DIAG_UNIT : DIAG_RUNTIME;
        if (msg && strstr(msg, "too large")) kind = DIAG_LIMIT;
        e->err = diag_new(kind, loc, "%s", msg ? msg : "out of memory");
    }
    free(msg);
    return NULL;
}

/* ---------- names ---------- */

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NBUCKETS;
}

static binding_t *global_find(const eval_t *e, const char *name)
{
    for (binding_t *b = e->globals[hash(name)]; b; b = b->next)
        if (!strcmp(b->name, name)) return b;
    return NULL;
}

static int global_define(eval_t *e, const node_t *def, value_t *v)
{
    const char *name = def->text;
    const loc_t *loc = &def->loc;
    binding_t *b = calloc(1, sizeof *b);
    if (!b || !(b->name = strdup(name))) { free(b); value_free(v); fail(e, loc, DIAG_LIMIT, "out of memory"); return 0; }
    b->value = v;
    b->loc = *loc;
    b->def = def;
    b->expr = def->a;
    unsigned h = hash(name);
    b->next = e->globals[h];
    e->globals[h] = b;
    return 1;
}

static value_t *scope_find(const eval_t *e, const char *name)
{
    for (scope_t *s = e->scope; s; s = s->up)
        if (!strcmp(s->name, name)) return s->value;
    return NULL;
}

static int scope_push(eval_t *e, const char *name, value_t *v)
{
    scope_t *s = malloc(sizeof *s);
    if (!s) { value_free(v); return 0; }
    s->name = name; s->value = v; s->up = e->scope;
    e->scope = s;
    return 1;
}

static void scope_pop_to(eval_t *e, scope_t *mark)
{
    while (e->scope != mark) {
        scope_t *s = e->scope;
        e->scope = s->up;
        value_free(s->value);
        free(s);
    }
}

void eval_each_name(eval_t *e, void (*fn)(const char *name, void *ctx), void *ctx)
{
    for (int i = 0; i < NBUCKETS; i++)
        for (binding_t *b = e->globals[i]; b; b = b->next) fn(b->name, ctx);
    for (size_t i = 0; i < units_count(e->sh->units); i++) fn(units_get(e->sh->units, (int)i)->name, ctx);
    size_t n;
    const builtin_t *bs = builtins_all(&n);
    for (size_t i = 0; i < n; i++) fn(bs[i].name, ctx);
    fn("price", ctx);
}

struct suggest { const char *target; const char *best; size_t dist; };
static void suggest_one(const char *name, void *ctx)
{
    struct suggest *s = ctx;
    size_t d = diag_edit_distance(s->target, name);
    /* case-insensitive matches count as close */
    if (strlen(name) == strlen(s->target) && !strcasecmp(name, s->target)) d = 1;
    if (d < s->dist) { s->dist = d; s->best = name; }
}

static void suggest_name(eval_t *e, const char *name)
{
    struct suggest s = { name, NULL, (size_t)-1 };
    for (scope_t *sc = e->scope; sc; sc = sc->up) suggest_one(sc->name, &s);
    eval_each_name(e, suggest_one, &s);
    size_t len = strlen(name), limit = len <= 2 ? 0 : len <= 4 ? 1 : len <= 8 ? 2 : 3;
    if (s.best && (s.dist <= limit || !strcasecmp(s.best, name)) && e->err) diag_set_hint(e->err, "did you mean `%s`?", s.best);
}

int eval_lookup_kind(eval_t *e, const char *name)
{
    if (global_find(e, name)) return 1;
    return units_find(e->sh->units, name) >= 0 ? 2 : 0;
}

/* ---------- source text for labels ---------- */

static char *loc_text(const loc_t *l)
{
    if (!l->src) return strdup("?");
    size_t len;
    const char *line = source_line(l->src, l->first_line, &len);
    int start = l->first_column - 1, end = l->last_line == l->first_line ? l->last_column : (int)len;
    if (start < 0) start = 0;
    if (end > (int)len) end = (int)len;
    if (end < start) end = start;
    char *s = malloc((size_t)(end - start) + 4);
    if (!s) return NULL;
    memcpy(s, line + start, (size_t)(end - start));
    s[end - start] = '\0';
    if (l->last_line != l->first_line) strcat(s, "...");
    return s;
}

/* ---------- objects ---------- */

static void no_free(void *p) { (void)p; }
static const value_object_type_t function_type = { "function", no_free };
static const value_object_type_t workload_type = { "workload", no_free };

/* A contract with the clauses its terms came from, to point errors at them. */
typedef struct contract_obj {
    contract_t *c;
    const node_t *node;
    value_t *fields;             /* start, end, term and the informational fields */
    const node_t **sla_conds;    /* one condition per SLA band, evaluated per period */
    const node_t **rate_nodes, **reserve_nodes;   /* per SKU */
    const node_t **commit_nodes, **fee_nodes, **discount_nodes;
    const node_t *pool_node, *round_node;
} contract_obj_t;

static void contract_obj_free(void *p)
{
    contract_obj_t *o = p;
    contract_free(o->c);
    value_free(o->fields);
    free(o->sla_conds);
    free(o->rate_nodes);
    free(o->reserve_nodes);
    free(o->commit_nodes);
    free(o->fee_nodes);
    free(o->discount_nodes);
    free(o);
}

/* Appends node to a growable array of clause nodes kept beside the contract's terms. */
static int remember(const node_t ***arr, size_t n, const node_t *node)
{
    const node_t **a = realloc(*arr, (n + 1) * sizeof *a);
    if (!a) return 0;
    a[n] = node;
    *arr = a;
    return 1;
}
static const value_object_type_t contract_type = { "contract", contract_obj_free };

/* ---------- expressions ---------- */

static value_t *eval_expr(eval_t *e, const node_t *n);
static int run_statements(eval_t *e, const node_t *stmts);

static value_t *lookup(eval_t *e, const node_t *n)
{
    value_t *v = scope_find(e, n->text);
    if (v) return value_ref(v);
    binding_t *b = global_find(e, n->text);
    if (b) return value_ref(b->value);
    if (!strcmp(n->text, "_")) {
        if (e->last) return value_ref(e->last);
        return fail(e, &n->loc, DIAG_NAME, "`_` is the last result, and there is none yet");
    }
    int unit = units_find(e->sh->units, n->text);
    if (unit >= 0) return value_unit(e->sh->units, unit);
    if (!strcmp(n->text, "period"))
        return fail(e, &n->loc, DIAG_NAME, "`period` is only defined inside a workload while it is priced");
    if (builtins_find(n->text) || !strcmp(n->text, "price"))
        return fail(e, &n->loc, DIAG_NAME, "`%s` is a function: call it with ( )", n->text);
    fail(e, &n->loc, DIAG_NAME, "unknown name `%s`", n->text);
    suggest_name(e, n->text);
    return NULL;
}

static value_t *binop(eval_t *e, const node_t *n)
{
    if (n->op == OP_AND || n->op == OP_OR) {
        value_t *a = eval_expr(e, n->a);
        if (!a) return NULL;
        if (a->kind != V_BOOL) { value_free(a); return fail(e, &n->a->loc, DIAG_RUNTIME, "`%s` needs true or false on its left", n->op == OP_AND ? "and" : "or"); }
        int av = a->u.b;
        value_free(a);
        if ((n->op == OP_AND && !av) || (n->op == OP_OR && av)) return value_bool(av);
        value_t *b = eval_expr(e, n->b);
        if (!b) return NULL;
        if (b->kind != V_BOOL) { value_free(b); return fail(e, &n->b->loc, DIAG_RUNTIME, "`%s` needs true or false on its right", n->op == OP_AND ? "and" : "or"); }
        return b;
    }
    value_t *a = eval_expr(e, n->a);
    if (!a) return NULL;
    value_t *b = eval_expr(e, n->b);
    if (!b) { value_free(a); return NULL; }
    units_t *u = e->sh->units;
    char *err = NULL;
    value_t *r = NULL;
    int c;
    switch (n->op) {
    case '+': r = value_add(u, a, b, &err); break;
    case '-': r = value_sub(u, a, b, &err); break;
    case '*': r = value_mul(u, a, b, &err); break;
    case '/': r = value_div(u, a, b, &err); break;
    case '^': r = value_pow(u, a, b, &err); break;
    case OP_EQ: case OP_NE:
        if (value_equal(u, a, b, &c, &err)) r = value_bool(n->op == OP_EQ ? c : !c);
        break;
    default:
        if (value_compare(u, a, b, &c, &err))
            r = value_bool(n->op == OP_LT ? c < 0 : n->op == OP_LE ? c <= 0 : n->op == OP_GT ? c > 0 : c >= 0);
        break;
    }
    value_free(a);
    value_free(b);
    if (!r) return fail_with(e, &n->loc, err);
    return r;
}

static value_t *call_user(eval_t *e, const node_t *call, const node_t *fn, value_t **args, size_t nargs)
{
    size_t nparams = ast_count(fn->list);
    if (nparams != nargs)
        return fail(e, &call->loc, DIAG_RUNTIME, "%s() takes %zu argument%s, not %zu", fn->text, nparams, nparams == 1 ? "" : "s", nargs);
    if (e->calls >= MAX_CALL_DEPTH)
        return fail(e, &call->loc, DIAG_LIMIT, "calls nested too deeply (more than %d): is %s() recursive?", MAX_CALL_DEPTH, fn->text);
    /* A function sees its parameters and the globals, not its caller's locals. */
    scope_t *saved = e->scope;
    e->scope = NULL;
    size_t i = 0;
    for (const node_t *p = fn->list; p; p = p->next, i++)
        if (!scope_push(e, p->text, value_ref(args[i]))) { scope_pop_to(e, NULL); e->scope = saved; return fail(e, &call->loc, DIAG_LIMIT, "out of memory"); }
    e->calls++;
    value_t *r = eval_expr(e, fn->a);
    e->calls--;
    scope_pop_to(e, NULL);
    e->scope = saved;
    return r;
}

static value_t *price(eval_t *e, const node_t *call, value_t **args, size_t nargs);

static value_t *call(eval_t *e, const node_t *n)
{
    size_t nargs = ast_count(n->list);
    value_t **args = calloc(nargs ? nargs : 1, sizeof *args);
    if (!args) return fail(e, &n->loc, DIAG_LIMIT, "out of memory");
    size_t i = 0;
    for (const node_t *a = n->list; a; a = a->next, i++) {
        /* round(x, q, half_up): the mode may be written as a bare word */
        int mode_word = i == 2 && !strcmp(n->text, "round") && a->kind == E_IDENT &&
                        value_round_mode_parse(a->text, &(round_mode){0}) && !global_find(e, a->text) && !scope_find(e, a->text);
        args[i] = mode_word ? value_str(a->text) : eval_expr(e, a);
        if (!args[i]) { for (size_t k = 0; k < i; k++) value_free(args[k]); free(args); return NULL; }
    }
    value_t *r = NULL;
    value_t *fv = scope_find(e, n->text);
    binding_t *b = fv ? NULL : global_find(e, n->text);
    if (b) fv = b->value;
    if (fv && fv->kind == V_OBJECT && fv->u.obj.type == &function_type) {
        r = call_user(e, n, fv->u.obj.p, args, nargs);
    } else if (fv) {
        fail(e, &n->loc, DIAG_RUNTIME, "`%s` is a %s, not a function", n->text, value_kind_name(fv));
    } else if (!strcmp(n->text, "price")) {
        r = price(e, n, args, nargs);
    } else {
        const builtin_t *bi = builtins_find(n->text);
        if (!bi) {
            fail(e, &n->loc, DIAG_NAME, "unknown function `%s`", n->text);
            suggest_name(e, n->text);
        } else if ((int)nargs < bi->min_args || (int)nargs > bi->max_args) {
            fail(e, &n->loc, DIAG_RUNTIME, "wrong number of arguments to %s(): %s", bi->name, bi->help);
        } else {
            char *err = NULL;
            r = bi->fn(e->sh->units, args, nargs, &err);
            if (!r) fail_with(e, &n->loc, err);
        }
    }
    for (size_t k = 0; k < nargs; k++) value_free(args[k]);
    free(args);
    return r;
}

static value_t *workload_field(eval_t *e, const node_t *wl, const char *field, const loc_t *loc);
static value_t *eval_record(eval_t *e, const node_t *n);

static value_t *field(eval_t *e, const node_t *n)
{
    value_t *base = eval_expr(e, n->a);
    if (!base) return NULL;
    value_t *r = NULL;
    if (base->kind == V_RECORD) {
        r = value_record_get(base, n->text);
        if (r) r = value_ref(r);
        else {
            fail(e, &n->loc, DIAG_NAME, "no field `%s` in this %s", n->text, value_kind_name(base));
            struct suggest s = { n->text, NULL, (size_t)-1 };
            for (size_t i = 0; i < base->u.rec.n; i++) suggest_one(base->u.rec.keys[i], &s);
            if (s.best && s.dist <= 3) diag_set_hint(e->err, "did you mean `%s`?", s.best);
        }
    } else if (base->kind == V_OBJECT && base->u.obj.type == &workload_type) {
        r = workload_field(e, base->u.obj.p, n->text, &n->loc);
    } else if (base->kind == V_OBJECT && base->u.obj.type == &contract_type) {
        contract_obj_t *o = base->u.obj.p;
        r = value_record_get(o->fields, n->text);
        if (r) r = value_ref(r);
        else fail(e, &n->loc, DIAG_NAME, "no field `%s` in contract %s", n->text, o->c->name);
    } else {
        fail(e, &n->loc, DIAG_RUNTIME, "a %s has no fields", value_kind_name(base));
    }
    value_free(base);
    return r;
}

static value_t *eval_expr(eval_t *e, const node_t *n)
{
    if (e->err) return NULL;
    if (++e->depth > MAX_DEPTH) { e->depth--; return fail(e, &n->loc, DIAG_LIMIT, "expression nested too deeply"); }
    if (++e->sh->steps > MAX_STEPS) {
        e->depth--;
        return fail(e, &n->loc, DIAG_LIMIT, "the program takes too many steps (more than 20 million): runaway recursion?");
    }
    value_t *r = NULL;
    char *err = NULL;
    switch (n->kind) {
    case E_NUM:
        r = value_from_literal(n->text, n->op, n->flag, &err);
        if (!r) fail_with(e, &n->loc, err);
        else if (n->flag) {
            /* 40% keeps reading as a percentage until it meets a unit */
            int pct = units_find(e->sh->units, "percent");
            if (pct >= 0) uterm_single(&r->u.num.disp, pct);
        }
        break;
    case E_STR: r = value_str(n->text); break;
    case E_BOOL: r = value_bool(n->op); break;
    case E_DATE: {
        date_t d;
        if (!dates_parse(n->text, &d)) fail(e, &n->loc, DIAG_RUNTIME, "no such date: %s", n->text);
        else r = value_date(d);
        break;
    }
    case E_IDENT: r = lookup(e, n); break;
    case E_BINOP: r = binop(e, n); break;
    case E_UNARY: {
        value_t *a = eval_expr(e, n->a);
        if (!a) break;
        if (n->op == OP_NOT) {
            if (a->kind != V_BOOL) fail(e, &n->loc, DIAG_RUNTIME, "`not` needs true or false, not a %s", value_kind_name(a));
            else r = value_bool(!a->u.b);
        } else {
            r = value_neg(a, &err);
            if (!r) fail_with(e, &n->loc, err);
        }
        value_free(a);
        break;
    }
    case E_IN: {
        value_t *a = eval_expr(e, n->a);
        value_t *b = a ? eval_expr(e, n->b) : NULL;
        if (a && b) { r = value_convert(e->sh->units, a, b, &err); if (!r) fail_with(e, &n->loc, err); }
        value_free(a);
        value_free(b);
        break;
    }
    case E_IF: {
        value_t *c = eval_expr(e, n->a);
        if (!c) break;
        if (c->kind != V_BOOL) fail(e, &n->a->loc, DIAG_RUNTIME, "`if` needs true or false, not a %s", value_kind_name(c));
        else r = eval_expr(e, c->u.b ? n->b : n->c);
        value_free(c);
        break;
    }
    case E_CALL: r = call(e, n); break;
    case E_FIELD: r = field(e, n); break;
    case E_INDEX: {
        value_t *a = eval_expr(e, n->a);
        value_t *i = a ? eval_expr(e, n->b) : NULL;
        if (a && i) {
            if (a->kind != V_LIST) fail(e, &n->loc, DIAG_RUNTIME, "only a list can be indexed, not a %s", value_kind_name(a));
            else if (i->kind != V_NUM || !dim_is_zero(&i->u.num.dim) || mpz_cmp_ui(mpq_denref(i->u.num.q), 1) != 0 ||
                     mpz_sgn(mpq_numref(i->u.num.q)) < 0 || mpz_cmp_ui(mpq_numref(i->u.num.q), a->u.list.n) >= 0)
                fail(e, &n->b->loc, DIAG_RUNTIME, "index out of range: the list has %zu items (0 to %zu)", a->u.list.n, a->u.list.n ? a->u.list.n - 1 : 0);
            else r = value_ref(a->u.list.items[mpz_get_ui(mpq_numref(i->u.num.q))]);
        }
        value_free(a);
        value_free(i);
        break;
    }
    case E_LIST: {
        size_t cnt = ast_count(n->list), k = 0;
        value_t **items = calloc(cnt ? cnt : 1, sizeof *items);
        if (!items) { fail(e, &n->loc, DIAG_LIMIT, "out of memory"); break; }
        for (const node_t *it = n->list; it; it = it->next, k++)
            if (!(items[k] = eval_expr(e, it))) break;
        if (k < cnt) { for (size_t j = 0; j < k; j++) value_free(items[j]); free(items); break; }
        r = value_list(items, cnt);
        break;
    }
    case E_RECORD: r = eval_record(e, n); break;
    default: fail(e, &n->loc, DIAG_SYNTAX, "a %s is not an expression", ast_kind_name(n->kind)); break;
    }
    e->depth--;
    if (!r && !e->err) fail(e, &n->loc, DIAG_LIMIT, "out of memory");
    return r;
}

/* Fields may refer to the record's earlier fields. */
static value_t *eval_record(eval_t *e, const node_t *n)
{
    value_t *rec = value_record(NULL);
    if (!rec) return NULL;
    scope_t *mark = e->scope;
    for (const node_t *f = n->list; f; f = f->next) {
        if (value_record_get(rec, f->text)) { fail(e, &f->loc, DIAG_NAME, "field `%s` appears twice", f->text); break; }
        value_t *v = eval_expr(e, f->a);
        if (!v || !scope_push(e, f->text, value_ref(v)) || !value_record_set(rec, f->text, v)) { if (!e->err) fail(e, &f->loc, DIAG_LIMIT, "out of memory"); break; }
    }
    scope_pop_to(e, mark);
    if (e->err) { value_free(rec); return NULL; }
    return rec;
}

/* ---------- definitions and overrides ---------- */

static const override_t *override_for(eval_t *e, const char *name)
{
    for (override_t *o = e->overrides; o; o = o->next)
        if (!strcmp(o->name, name)) { o->used = 1; return o; }
    return NULL;
}

/* The value of a definition named name, honouring --set, scenario and sweep overrides. */
static value_t *overridden(eval_t *e, const char *name, const node_t *expr)
{
    const override_t *o = override_for(e, name);
    if (o && o->value) return value_ref(o->value);
    return eval_expr(e, o ? o->expr : expr);
}

static int check_new_name(eval_t *e, const char *name, const loc_t *loc)
{
    binding_t *b = global_find(e, name);
    if (b) {
        fail(e, loc, DIAG_NAME, "`%s` is already defined", name);
        if (b->loc.src) diag_set_hint(e->err, "the first definition is at %s:%d:%d", b->loc.src->name, b->loc.first_line, b->loc.first_column);
        return 0;
    }
    if (units_is_declared(e->sh->units, name)) { fail(e, loc, DIAG_NAME, "`%s` is already a unit", name); return 0; }
    if (builtins_find(name) || !strcmp(name, "price") || !strcmp(name, "period")) { fail(e, loc, DIAG_NAME, "`%s` is a builtin name", name); return 0; }
    return 1;
}

/* ---------- units ---------- */

/* Re-running a program (scenarios, the REPL's :load) declares its units again: an
 * identical declaration is accepted, a different one is an error. */
static int unit_statement(eval_t *e, const node_t *n)
{
    units_t *u = e->sh->units;
    const char *err = NULL;
    if (n->kind == S_DIMENSION) {
        if (units_find_dimension(u, n->text) >= 0) return 1;
        if (units_add_dimension(u, n->text, &err) < 0) { fail(e, &n->loc, DIAG_UNIT, "%s", err); return 0; }
        return 1;
    }
    if (global_find(e, n->text)) { fail(e, &n->loc, DIAG_NAME, "`%s` is already defined as a name", n->text); return 0; }
    if (n->kind == S_PREFIX) {
        value_t *v = eval_expr(e, n->a);
        if (!v) return 0;
        int ok = 1;
        if (!value_is_dimensionless(v)) ok = !fail(e, &n->a->loc, DIAG_UNIT, "a prefix must be a plain number"), ok = 0;
        else if (units_add_prefix(u, n->text, v->u.num.q, &err) < 0 && strcmp(err, "prefix already declared"))
            ok = 0, fail(e, &n->loc, DIAG_UNIT, "%s", err);
        value_free(v);
        return ok;
    }
    int existing = units_is_declared(u, n->text) ? units_find(u, n->text) : -1;
    if (!n->a) {
        int dim = -1;
        if (n->b && (dim = units_find_dimension(u, n->b->text)) < 0) {
            fail(e, &n->b->loc, DIAG_UNIT, "unknown dimension `%s` (declare it with `dimension %s`)", n->b->text, n->b->text);
            return 0;
        }
        if (existing >= 0) return 1;
        if (units_add_base(u, n->text, dim, n->flag, &err) < 0) { fail(e, &n->loc, DIAG_UNIT, "%s", err); return 0; }
        return 1;
    }
    value_t *v = eval_expr(e, n->a);
    if (!v) return 0;
    int ok = 0;
    if (v->kind != V_NUM) fail(e, &n->a->loc, DIAG_UNIT, "a unit must be defined as a quantity, not a %s", value_kind_name(v));
    else if (existing >= 0) {
        const unit_def_t *d = units_get(u, existing);
        ok = mpq_equal(d->factor, v->u.num.q) && dim_eq(&d->dim, &v->u.num.dim);
        if (!ok) fail(e, &n->loc, DIAG_UNIT, "unit `%s` is already declared with another value", n->text);
    } else if (units_add_derived(u, n->text, v->u.num.q, &v->u.num.dim, n->flag, &err) < 0)
        fail(e, &n->loc, DIAG_UNIT, "%s", err);
    else ok = 1;
    value_free(v);
    return ok;
}

/* ---------- contracts ---------- */

static value_t *expect_num(eval_t *e, const node_t *n, const char *what)
{
    value_t *v = eval_expr(e, n);
    if (v && v->kind != V_NUM) { value_free(v); return fail(e, &n->loc, DIAG_RUNTIME, "%s must be a number or quantity", what); }
    return v;
}

static int expect_date(eval_t *e, const node_t *n, const char *what, date_t *out)
{
    value_t *v = eval_expr(e, n);
    if (!v) return 0;
    int ok = v->kind == V_DATE;
    if (ok) *out = v->u.date; else fail(e, &n->loc, DIAG_RUNTIME, "%s must be a date such as 2026-12-01", what);
    value_free(v);
    return ok;
}

static sku_terms_t *sku_slot(eval_t *e, contract_t *c, const char *sku, const loc_t *loc, int create)
{
    for (size_t i = 0; i < c->nskus; i++) if (!strcmp(c->skus[i].sku, sku)) {
        if (create) { fail(e, loc, DIAG_NAME, "rate `%s` is already defined in this contract", sku); return NULL; }
        return &c->skus[i];
    }
    if (!create) { fail(e, loc, DIAG_NAME, "the contract has no rate `%s` to reserve", sku); return NULL; }
    sku_terms_t *s = realloc(c->skus, (c->nskus + 1) * sizeof *s);
    if (!s) { fail(e, loc, DIAG_LIMIT, "out of memory"); return NULL; }
    c->skus = s;
    s = &c->skus[c->nskus++];
    memset(s, 0, sizeof *s);
    s->sku = strdup(sku);
    return s;
}

static int add_tiers(eval_t *e, sku_terms_t *s, const node_t *n)
{
    s->kind = n->op == TIERS_GRADUATED ? PRICE_GRADUATED : PRICE_VOLUME;
    s->cumulative = n->flag;
    size_t cnt = ast_count(n->list);
    if (!cnt) { fail(e, &n->loc, DIAG_RUNTIME, "a tiered rate needs at least one tier"); return 0; }
    s->tiers = calloc(cnt, sizeof *s->tiers);
    if (!s->tiers) { fail(e, &n->loc, DIAG_LIMIT, "out of memory"); return 0; }
    value_t *prev = NULL;
    for (const node_t *t = n->list; t; t = t->next) {
        tier_t *tier = &s->tiers[s->ntiers++];
        if (!(tier->rate = expect_num(e, t->b, "a tier's rate"))) return 0;
        if (t->op == TIER_ABOVE) {
            if (t->next) { fail(e, &t->next->loc, DIAG_RUNTIME, "no tier can follow `above`"); return 0; }
            if (t->a) {
                value_t *from = expect_num(e, t->a, "a tier bound");
                int c = 0;
                char *err = NULL;
                if (!from) return 0;
                int ok = prev ? value_compare(e->sh->units, from, prev, &c, &err) : (c = mpq_sgn(from->u.num.q), 1);
                value_free(from);
                if (!ok) { fail_with(e, &t->a->loc, err); return 0; }
                if (c != 0) { fail(e, &t->a->loc, DIAG_RUNTIME, "`above` must start where the previous tier ends"); return 0; }
            }
            break;
        }
        value_t *q = expect_num(e, t->a, "a tier size");
        if (!q) return 0;
        tier->below = t->op == TIER_BELOW;
        if (t->op == TIER_NEXT && prev) {
            char *err = NULL;
            value_t *sum = value_add(e->sh->units, prev, q, &err);
            value_free(q);
            if (!sum) { fail_with(e, &t->a->loc, err); return 0; }
            q = sum;
        }
        if (prev) {
            int c;
            char *err = NULL;
            if (!value_compare(e->sh->units, q, prev, &c, &err)) { value_free(q); fail_with(e, &t->a->loc, err); return 0; }
            if (c <= 0) { value_free(q); fail(e, &t->a->loc, DIAG_RUNTIME, "tier bounds must increase"); return 0; }
        } else if (mpq_sgn(q->u.num.q) <= 0) {
            value_free(q); fail(e, &t->a->loc, DIAG_RUNTIME, "a tier must be larger than zero"); return 0;
        }
        tier->upto = q;
        prev = q;
    }
    if (s->tiers[s->ntiers - 1].upto) {
        fail(e, &n->loc, DIAG_RUNTIME, "the tiers of `%s` end at a bound: usage past it would have no price", n->text);
        diag_set_hint(e->err, "end the list with `above at RATE`");
        return 0;
    }
    return 1;
}

/* Fields whose value is a word: billing = monthly, commitment_basis = gross. */
static const struct { const char *field, *words[3]; } word_fields[] = {
    { "billing", { "monthly", NULL } },
    { "commitment_basis", { "net", "gross", NULL } },
    { "sla_basis", { "net", "invoice", NULL } },
};

static value_t *contract_field(eval_t *e, const node_t *cl)
{
    for (size_t i = 0; i < sizeof word_fields / sizeof word_fields[0]; i++) {
        if (strcmp(cl->text, word_fields[i].field)) continue;
        const override_t *o = override_for(e, cl->text);
        const node_t *x = o && o->expr ? o->expr : cl->a;
        const char *w = x->kind == E_IDENT || x->kind == E_STR ? x->text : "";
        for (const char *const *ok = word_fields[i].words; *ok; ok++)
            if (!strcmp(w, *ok)) return value_str(w);
        fail(e, &x->loc, DIAG_RUNTIME, "%s must be %s%s%s", cl->text, word_fields[i].words[0],
             word_fields[i].words[1] ? " or " : "", word_fields[i].words[1] ? word_fields[i].words[1] : "");
        return NULL;
    }
    return overridden(e, cl->text, cl->a);
}

static int contract_clause(eval_t *e, contract_obj_t *o, const node_t *cl, int *has_start, int *has_end, value_t **term)
{
    contract_t *c = o->c;
    switch (cl->kind) {
    case C_FIELD: {
        if (value_record_get(o->fields, cl->text)) { fail(e, &cl->loc, DIAG_NAME, "`%s` is set twice", cl->text); return 0; }
        value_t *v = contract_field(e, cl);
        if (!v) return 0;
        if (!strcmp(cl->text, "start") || !strcmp(cl->text, "end")) {
            if (v->kind != V_DATE) { value_free(v); fail(e, &cl->a->loc, DIAG_RUNTIME, "%s must be a date such as 2026-12-01", cl->text); return 0; }
            if (cl->text[0] == 's') { c->start = v->u.date; *has_start = 1; } else { c->end = v->u.date; *has_end = 1; }
        } else if (!strcmp(cl->text, "term")) {
            *term = value_ref(v);
        } else if (!strcmp(cl->text, "commitment_basis")) {
            c->commit_on_gross = !strcmp(v->u.s, "gross");
        } else if (!strcmp(cl->text, "sla_basis")) {
            c->sla_on_invoice = !strcmp(v->u.s, "invoice");
        } else if (!strcmp(cl->text, "commit")) {
            commit_step_t *cs = realloc(c->commits, (c->ncommits + 1) * sizeof *cs);
            if (cs) c->commits = cs;
            if (!cs || !remember(&o->commit_nodes, c->ncommits, cl)) { value_free(v); fail(e, &cl->loc, DIAG_LIMIT, "out of memory"); return 0; }
            c->commits = cs;
            memset(&cs[c->ncommits], 0, sizeof *cs);
            cs[c->ncommits++].amount = value_ref(v);
        }
        return value_record_set(o->fields, cl->text, v);
    }
    case C_RATE: case C_TIERS: {
        sku_terms_t *s = sku_slot(e, c, cl->text, &cl->loc, 1);
        if (!s) return 0;
        if (!remember(&o->rate_nodes, c->nskus - 1, cl) || !remember(&o->reserve_nodes, c->nskus - 1, NULL)) {
            fail(e, &cl->loc, DIAG_LIMIT, "out of memory");
            return 0;
        }
        if (cl->kind == C_TIERS) return add_tiers(e, s, cl);
        s->kind = PRICE_FLAT;
        return (s->rate = expect_num(e, cl->a, "a rate")) != NULL;
    }
    case C_COMMIT: {
        /* commit (a minimum) and fee (a fixed charge): monthly amounts in force by date */
        commit_step_t **steps = cl->flag ? &c->fees : &c->commits;
        size_t *n = cl->flag ? &c->nfees : &c->ncommits;
        commit_step_t *cs = realloc(*steps, (*n + 1) * sizeof *cs);
        if (cs) *steps = cs;
        if (!cs || !remember(cl->flag ? &o->fee_nodes : &o->commit_nodes, *n, cl)) { fail(e, &cl->loc, DIAG_LIMIT, "out of memory"); return 0; }
        cs = &cs[*n];
        memset(cs, 0, sizeof *cs);
        if (!(cs->amount = expect_num(e, cl->a, cl->flag ? "a fee" : "a commitment"))) return 0;
        (*n)++;
        if (cl->b && !(cs->has_from = expect_date(e, cl->b, "`from`", &cs->from))) return 0;
        if (cl->c && !(cs->has_until = expect_date(e, cl->c, "`until`", &cs->until))) return 0;
        if (cs->has_from && cs->has_until && cs->until <= cs->from) {
            fail(e, &cl->c->loc, DIAG_RUNTIME, "this %s ends before it begins", cl->flag ? "fee" : "commitment");
            return 0;
        }
        return 1;
    }
    case C_RESERVE: {
        sku_terms_t *s = sku_slot(e, c, cl->text, &cl->loc, 0);
        if (!s) return 0;
        if (s->reserved) { fail(e, &cl->loc, DIAG_RUNTIME, "`%s` is reserved twice", cl->text); return 0; }
        o->reserve_nodes[s - c->skus] = cl;
        if (!(s->reserved = expect_num(e, cl->a, "a reserved quantity"))) return 0;
        return !cl->b || (s->overage = expect_num(e, cl->b, "an overage rate")) != NULL;
    }
    case C_DISCOUNT: {
        discount_t *d = realloc(c->discounts, (c->ndiscounts + 1) * sizeof *d);
        if (d) c->discounts = d;
        if (!d || !remember(&o->discount_nodes, c->ndiscounts, cl)) { fail(e, &cl->loc, DIAG_LIMIT, "out of memory"); return 0; }
        d = &c->discounts[c->ndiscounts];
        memset(d, 0, sizeof *d);
        if (!(d->pct = expect_num(e, cl->a, "a discount"))) return 0;
        c->ndiscounts++;
        if (!value_is_dimensionless(d->pct)) { fail(e, &cl->a->loc, DIAG_UNIT, "a discount is a percentage such as 5%%"); return 0; }
        if (mpq_sgn(d->pct->u.num.q) < 0 || mpq_cmp_ui(d->pct->u.num.q, 1, 1) > 0) {
            fail(e, &cl->a->loc, DIAG_RUNTIME, "a discount must be between 0%% and 100%%");
            return 0;
        }
        if (cl->text) d->sku = strdup(cl->text);
        return !cl->b || (d->above = expect_num(e, cl->b, "a spend threshold")) != NULL;
    }
    case C_ESCALATE:
        if (c->escalate) { fail(e, &cl->loc, DIAG_RUNTIME, "only one escalator per contract"); return 0; }
        if (!(c->escalate = expect_num(e, cl->a, "an escalator"))) return 0;
        if (!value_is_dimensionless(c->escalate)) { fail(e, &cl->a->loc, DIAG_UNIT, "an escalator is a percentage such as 3%%"); return 0; }
        return 1;
    case C_CREDIT: {
        value_t **p = realloc(c->sla_pcts, (c->nsla + 1) * sizeof *p);
        const node_t **conds = p ? realloc(o->sla_conds, (c->nsla + 1) * sizeof *conds) : NULL;
        if (p) c->sla_pcts = p;
        if (!conds) { fail(e, &cl->loc, DIAG_LIMIT, "out of memory"); return 0; }
        o->sla_conds = conds;
        if (!(c->sla_pcts[c->nsla] = expect_num(e, cl->a, "an SLA credit"))) return 0;
        o->sla_conds[c->nsla++] = cl->b;
        if (!value_is_dimensionless(c->sla_pcts[c->nsla - 1])) { fail(e, &cl->a->loc, DIAG_UNIT, "an SLA credit is a percentage such as 10%%"); return 0; }
        return 1;
    }
    case C_POOL:
        if (c->pool) { fail(e, &cl->loc, DIAG_RUNTIME, "only one credit pool per contract"); return 0; }
        o->pool_node = cl;
        if (!(c->pool = expect_num(e, cl->a, "a credit pool"))) return 0;
        if (mpq_sgn(c->pool->u.num.q) < 0) { fail(e, &cl->a->loc, DIAG_RUNTIME, "a credit pool cannot be negative"); return 0; }
        return 1;
    case C_ROUND:
        if (o->round_node) { fail(e, &cl->loc, DIAG_RUNTIME, "only one rounding rule per contract"); return 0; }
        o->round_node = cl;
        c->rounding = cl->op;
        if (cl->a && !(c->quantum = expect_num(e, cl->a, "a rounding quantum"))) return 0;
        if (c->quantum && mpq_sgn(c->quantum->u.num.q) <= 0) { fail(e, &cl->a->loc, DIAG_RUNTIME, "the rounding quantum must be positive"); return 0; }
        if (cl->b && !value_round_mode_parse(cl->b->text, &c->mode)) {
            fail(e, &cl->b->loc, DIAG_RUNTIME, "unknown rounding mode `%s`", cl->b->text);
            diag_set_hint(e->err, "use half_even, half_up, half_down, up, down, ceiling or floor");
            return 0;
        }
        return 1;
    default:
        fail(e, &cl->loc, DIAG_SYNTAX, "unexpected %s in a contract", ast_kind_name(cl->kind));
        return 0;
    }
}

/* term = 36 month: whole months of the 730-hour pricing month are calendar months here. */
static int contract_term(eval_t *e, contract_t *c, value_t *term, const loc_t *loc)
{
    int month = units_find(e->sh->units, "month");
    if (month < 0 || term->kind != V_NUM || !dim_eq(&term->u.num.dim, &units_get(e->sh->units, month)->dim)) {
        fail(e, loc, DIAG_UNIT, "term must be a number of months, such as 36 month");
        return 0;
    }
    mpq_t m;
    mpq_init(m);
    mpq_div(m, term->u.num.q, units_get(e->sh->units, month)->factor);
    int ok = mpz_cmp_ui(mpq_denref(m), 1) == 0 && mpz_sgn(mpq_numref(m)) > 0 && mpz_cmp_ui(mpq_numref(m), 1200) <= 0;
    if (ok) c->end = dates_add_months(c->start, (long)mpz_get_ui(mpq_numref(m)));
    else fail(e, loc, DIAG_RUNTIME, "term must be a whole number of months from 1 to 1200");
    mpq_clear(m);
    return ok;
}

static value_t *build_contract(eval_t *e, const node_t *n)
{
    contract_obj_t *o = calloc(1, sizeof *o);
    if (o) o->c = calloc(1, sizeof *o->c);
    if (o && o->c) o->fields = value_record("contract");
    if (!o || !o->c || !o->fields) { if (o) { free(o->c); free(o); } return fail(e, &n->loc, DIAG_LIMIT, "out of memory"); }
    o->node = n;
    o->c->name = strdup(n->text);
    o->c->rounding = ROUND_INVOICE;
    o->c->mode = RM_HALF_EVEN;
    int has_start = 0, has_end = 0;
    value_t *term = NULL;
    const node_t *term_node = n;
    for (const node_t *cl = n->list; cl; cl = cl->next) {
        if (cl->kind == C_FIELD && !strcmp(cl->text, "term")) term_node = cl;
        if (!contract_clause(e, o, cl, &has_start, &has_end, &term)) break;
    }
    for (size_t i = 0; !e->err && i < o->c->ndiscounts; i++) {
        const char *sku = o->c->discounts[i].sku;
        size_t k = 0;
        while (sku && k < o->c->nskus && strcmp(o->c->skus[k].sku, sku)) k++;
        if (!sku || k < o->c->nskus) continue;
        fail(e, &o->discount_nodes[i]->loc, DIAG_NAME, "discount on `%s`: the contract has no such rate", sku);
        struct suggest sg = { sku, NULL, (size_t)-1 };
        for (size_t j = 0; j < o->c->nskus; j++) suggest_one(o->c->skus[j].sku, &sg);
        if (sg.best && sg.dist <= 3) diag_set_hint(e->err, "did you mean `%s`?", sg.best);
    }
    if (!e->err && !has_start) fail(e, &n->loc, DIAG_RUNTIME, "contract %s needs a start date (start = 2026-12-01)", n->text);
    if (!e->err && has_end && term) fail(e, &term_node->loc, DIAG_RUNTIME, "give either a term or an end date, not both");
    if (!e->err && !has_end && !term) fail(e, &n->loc, DIAG_RUNTIME, "contract %s needs a term (term = 12 month) or an end date", n->text);
    if (!e->err && term) contract_term(e, o->c, term, &term_node->loc);
    if (!e->err && o->c->end <= o->c->start) fail(e, &n->loc, DIAG_RUNTIME, "contract %s ends before it starts", n->text);
    if (!e->err) {
        value_record_set(o->fields, "start", value_date(o->c->start));
        value_record_set(o->fields, "end", value_date(o->c->end));
    }
    value_free(term);
    if (e->err) { contract_obj_free(o); return NULL; }
    return value_object(&contract_type, o);
}

/* ---------- workloads ---------- */

static value_t *workload_field(eval_t *e, const node_t *wl, const char *name, const loc_t *loc)
{
    scope_t *mark = e->scope;
    value_t *r = NULL;
    for (const node_t *it = wl->list; it && !e->err; it = it->next) {
        value_t *v = it->kind == S_DEF ? overridden(e, it->text, it->a) : eval_expr(e, it->a);
        if (!v) break;
        if (!strcmp(it->text, name)) { r = v; break; }
        if (!scope_push(e, it->text, v)) { fail(e, &it->loc, DIAG_LIMIT, "out of memory"); break; }
    }
    scope_pop_to(e, mark);
    if (!r && !e->err) fail(e, loc, DIAG_NAME, "workload %s has no field `%s`", wl->text, name);
    return r;
}

static value_t *period_record(const period_t *p, units_t *u)
{
    value_t *r = value_record("period");
    if (!r) return NULL;
    int hour = units_find(u, "hour");
    value_t *h = hour >= 0 ? value_unit(u, hour) : NULL;
    if (h) mpq_mul(h->u.num.q, h->u.num.q, p->hours);
    value_t *share = value_num(p->month_share);
    if (!value_record_set(r, "start", value_date(p->start)) || !value_record_set(r, "end", value_date(p->end)) ||
        !value_record_set(r, "index", value_num_si(p->index)) || !value_record_set(r, "hours", h) ||
        !value_record_set(r, "share", share)) {
        value_free(r);
        return NULL;
    }
    return r;
}

/* Evaluates the workload for one period: usage per SKU and which SLA bands hold. */
static int workload_period(eval_t *e, const node_t *wl, const contract_obj_t *co, const period_t *p,
                           value_t **usage, int *sla_hit)
{
    scope_t *mark = e->scope;
    value_t *pr = period_record(p, e->sh->units);
    if (!pr || !scope_push(e, "period", pr)) { fail(e, &wl->loc, DIAG_LIMIT, "out of memory"); return 0; }
    for (const node_t *it = wl->list; it && !e->err; it = it->next) {
        value_t *v = it->kind == S_DEF ? overridden(e, it->text, it->a) : eval_expr(e, it->a);
        if (!v) break;
        if (it->kind == W_USE) {
            size_t s = 0;
            while (s < co->c->nskus && strcmp(co->c->skus[s].sku, it->text)) s++;
            if (s == co->c->nskus) {
                value_free(v);
                fail(e, &it->loc, DIAG_NAME, "contract %s has no rate `%s`", co->c->name, it->text);
                struct suggest sg = { it->text, NULL, (size_t)-1 };
                for (size_t k = 0; k < co->c->nskus; k++) suggest_one(co->c->skus[k].sku, &sg);
                if (sg.best && sg.dist <= 3) diag_set_hint(e->err, "did you mean `%s`?", sg.best);
                break;
            }
            if (usage[s]) { value_free(v); fail(e, &it->loc, DIAG_NAME, "`use %s` appears twice", it->text); break; }
            if (v->kind == V_LIST) {
                /* a list gives the usage period by period */
                if ((size_t)p->index >= v->u.list.n) {
                    fail(e, &it->a->loc, DIAG_RUNTIME, "`use %s` lists %zu periods but the contract has more", it->text, v->u.list.n);
                    value_free(v);
                    break;
                }
                value_t *one = value_ref(v->u.list.items[p->index]);
                value_free(v);
                v = one;
            }
            usage[s] = value_ref(v);
        }
        if (!scope_push(e, it->text, v)) { fail(e, &it->loc, DIAG_LIMIT, "out of memory"); break; }
    }
    for (size_t b = 0; b < co->c->nsla && !e->err; b++) {
        value_t *c = eval_expr(e, co->sla_conds[b]);
        if (!c) break;
        if (c->kind != V_BOOL) fail(e, &co->sla_conds[b]->loc, DIAG_RUNTIME, "an SLA condition must be true or false");
        else sla_hit[b] = c->u.b;
        value_free(c);
    }
    scope_pop_to(e, mark);
    return !e->err;
}

/* Where a pricing error belongs: the use line, the clause, or else the price() call. */
static const loc_t *fault_loc(const contract_obj_t *co, const node_t *wl, const fault_t *f, const loc_t *fallback)
{
    const node_t *n = NULL;
    switch (f->kind) {
    case FAULT_USAGE:
        for (const node_t *it = wl->list; it && !n; it = it->next)
            if (it->kind == W_USE && !strcmp(it->text, co->c->skus[f->index].sku)) n = it->a;
        break;
    case FAULT_RATE: n = co->rate_nodes[f->index]; break;
    case FAULT_RESERVE: n = co->reserve_nodes[f->index]; break;
    case FAULT_COMMIT: n = co->commit_nodes[f->index]; break;
    case FAULT_FEE: n = co->fee_nodes[f->index]; break;
    case FAULT_DISCOUNT: n = co->discount_nodes[f->index]; break;
    case FAULT_POOL: n = co->pool_node; break;
    case FAULT_ROUND: n = co->round_node; break;
    case FAULT_NONE: break;
    }
    return n ? &n->loc : fallback;
}

static value_t *price(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    if (nargs != 2 || args[0]->kind != V_OBJECT || args[0]->u.obj.type != &workload_type ||
        args[1]->kind != V_OBJECT || args[1]->u.obj.type != &contract_type)
        return fail(e, &call->loc, DIAG_RUNTIME, "price(workload, contract) needs a workload and a contract");
    const node_t *wl = args[0]->u.obj.p;
    const contract_obj_t *co = args[1]->u.obj.p;
    char *err = NULL;
    period_t *periods;
    size_t np;
    if (!contract_periods(co->c, &periods, &np, &err)) return fail_with(e, &call->loc, err);
    size_t ns = co->c->nskus;
    value_t **usage = calloc(np * ns + 1, sizeof *usage);
    int *sla = calloc(np * co->c->nsla + 1, sizeof *sla);
    value_t *r = NULL;
    if (!usage || !sla) fail(e, &call->loc, DIAG_LIMIT, "out of memory");
    for (size_t p = 0; p < np && !e->err; p++)
        workload_period(e, wl, co, &periods[p], usage + p * ns, sla + p * co->c->nsla);
    if (!e->err) {
        fault_t fault;
        r = contract_price(co->c, e->sh->units, wl->text, periods, np, usage, sla, &err, &fault);
        if (!r) {
            fail_with(e, fault_loc(co, wl, &fault, &call->loc), err);
            if ((fault.kind == FAULT_USAGE || fault.kind == FAULT_RESERVE) && e->err && strstr(e->err->msg, "cannot price"))
                diag_set_hint(e->err, "usage is priced as it is (200 TB at USD/GB), or as a level that runs all period (16384 gpu at USD/(gpu*hour))");
        }
    }
    for (size_t i = 0; usage && i < np * ns; i++) value_free(usage[i]);
    free(usage);
    free(sla);
    contract_periods_free(periods, np);
    return r;
}

/* ---------- statements ---------- */

static int record_show(eval_t *e, const char *label, value_t *v, const loc_t *loc)
{
    value_free(e->last);
    e->last = value_ref(v);
    if (e->quiet || e->rerun) { value_free(v); return 1; }
    if (e->nshown == e->capshown) {
        size_t cap = e->capshown ? e->capshown * 2 : 16;
        shown_t *s = realloc(e->shown, cap * sizeof *s);
        if (!s) { value_free(v); fail(e, loc, DIAG_LIMIT, "out of memory"); return 0; }
        e->shown = s; e->capshown = cap;
    }
    shown_t *s = &e->shown[e->nshown++];
    s->label = strdup(label ? label : "");
    s->value = v;
    s->loc = *loc;
    return 1;
}

static char *describe(eval_t *e, const value_t *v) { return report_value_text(e->sh->units, v, 0); }

/* The failure detail of a comparison: both sides and the gap. */
static char *assert_detail(eval_t *e, const node_t *cond)
{
    if (cond->kind != E_BINOP || cond->op < OP_EQ || cond->op > OP_GE) return NULL;
    value_t *a = eval_expr(e, cond->a), *b = a ? eval_expr(e, cond->b) : NULL;
    char *out = NULL;
    if (a && b) {
        static const char *ops[] = { "==", "!=", "<", "<=", ">", ">=" };
        char *sa = describe(e, a), *sb = describe(e, b), *gap = NULL;
        char *err = NULL;
        value_t *d = a->kind == V_NUM && b->kind == V_NUM ? value_sub(e->sh->units, a, b, &err) : NULL;
        free(err);
        if (d) {
            if (mpq_sgn(d->u.num.q) < 0) { value_t *nd = value_neg(d, &err); free(err); value_free(d); d = nd; }
            if (d) gap = describe(e, d);
            value_free(d);
        }
        const char *rel = cond->op == OP_LT || cond->op == OP_LE ? "over by" : cond->op == OP_GT || cond->op == OP_GE ? "short by" : "off by";
        out = gap ? diag_format("expected %s %s, got %s, %s %s", ops[cond->op - OP_EQ], sb, sa, rel, gap)
                  : diag_format("expected %s %s, got %s", ops[cond->op - OP_EQ], sb, sa);
        free(sa); free(sb); free(gap);
    }
    value_free(a);
    value_free(b);
    return out;
}

static int exec_assert(eval_t *e, const node_t *n)
{
    value_t *c = eval_expr(e, n->a);
    if (!c) return 0;
    if (c->kind != V_BOOL) { value_free(c); fail(e, &n->a->loc, DIAG_RUNTIME, "assert needs a condition that is true or false"); return 0; }
    int passed = c->u.b;
    value_free(c);
    char *msg = NULL;
    if (n->b) {
        value_t *m = eval_expr(e, n->b);
        if (!m) return 0;
        msg = m->kind == V_STR ? strdup(m->u.s) : describe(e, m);
        value_free(m);
    }
    if (e->rerun) { free(msg); return 1; }
    if (e->nasserts == e->capasserts) {
        size_t cap = e->capasserts ? e->capasserts * 2 : 16;
        assertion_t *a = realloc(e->asserts, cap * sizeof *a);
        if (!a) { free(msg); fail(e, &n->loc, DIAG_LIMIT, "out of memory"); return 0; }
        e->asserts = a; e->capasserts = cap;
    }
    assertion_t *a = &e->asserts[e->nasserts++];
    loc_t span = ast_span(n->a);
    a->label = loc_text(&span);
    a->message = msg;
    a->detail = passed ? NULL : assert_detail(e, n->a);
    a->loc = span;
    a->passed = passed;
    return !e->err;
}

static int import_file(eval_t *e, const node_t *n);
static value_t *scenario_table(eval_t *e, const node_t *n);

static int exec_stmt(eval_t *e, const node_t *n)
{
    switch (n->kind) {
    case S_IMPORT: return import_file(e, n);
    case S_DEF: {
        if (!check_new_name(e, n->text, &n->loc)) return 0;
        const override_t *o = override_for(e, n->text);
        value_t *v = overridden(e, n->text, n->a);
        if (!v || !global_define(e, n, v)) return 0;
        binding_t *b = global_find(e, n->text);
        if (o) { b->overridden = 1; b->expr = o->value ? NULL : o->expr; }
        return 1;
    }
    case S_FN: {
        if (!check_new_name(e, n->text, &n->loc)) return 0;
        value_t *v = value_object(&function_type, (void *)n);
        return v && global_define(e, n, v);
    }
    case S_CONTRACT: {
        if (!check_new_name(e, n->text, &n->loc)) return 0;
        value_t *v = build_contract(e, n);
        return v && global_define(e, n, v);
    }
    case S_WORKLOAD: {
        if (!check_new_name(e, n->text, &n->loc)) return 0;
        value_t *v = value_object(&workload_type, (void *)n);
        return v && global_define(e, n, v);
    }
    case S_SHOW: case S_EXPR: {
        value_t *v = eval_expr(e, n->a);
        if (!v) return 0;
        loc_t span = ast_span(n->a);
        char *label = loc_text(&span);
        int ok = record_show(e, label, v, &span);
        free(label);
        return ok;
    }
    case S_ASSERT: return exec_assert(e, n);
    case S_UNIT: case S_DIMENSION: case S_PREFIX: return unit_statement(e, n);
    case S_SCENARIO: return 1;   /* collected when the file was loaded */
    case S_COMPARE: case S_SWEEP: {
        if (e->rerun) return 1;  /* a scenario run does not compare again */
        value_t *t = scenario_table(e, n);
        if (!t) return 0;
        char *label = n->kind == S_SWEEP ? diag_format("sweep %s", n->text) : strdup("compare");
        int ok = record_show(e, label, t, &n->loc);
        free(label);
        return ok;
    }
    default:
        fail(e, &n->loc, DIAG_SYNTAX, "a %s cannot stand here", ast_kind_name(n->kind));
        return 0;
    }
}

static int run_statements(eval_t *e, const node_t *stmts)
{
    for (const node_t *s = stmts; s; s = s->next)
        if (!exec_stmt(e, s) || e->err) return 0;
    return 1;
}

/* ---------- files and imports ---------- */

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

static char *resolve_import(eval_t *e, const char *name)
{
    char buf[PATH_MAX];
    const char *ext = strlen(name) > 7 && !strcmp(name + strlen(name) - 7, ".outlay") ? "" : ".outlay";
    if (name[0] == '/') { snprintf(buf, sizeof buf, "%s%s", name, ext); return file_exists(buf) ? strdup(buf) : NULL; }
    /* beside the importing file; a program from the command line or the REPL imports
     * from the working directory */
    if (e->current_dir && strcmp(e->current_dir, ".")) snprintf(buf, sizeof buf, "%s/%s%s", e->current_dir, name, ext);
    else snprintf(buf, sizeof buf, "%s%s", name, ext);
    if (file_exists(buf)) return strdup(buf);
    for (size_t i = 0; i < e->sh->ndirs; i++) {
        snprintf(buf, sizeof buf, "%s/%s%s", e->sh->dirs[i], name, ext);
        if (file_exists(buf)) return strdup(buf);
    }
    return NULL;
}

/* Parses a file once per process (scenario re-runs reuse the AST). key is its real
 * path; name is how diagnostics call it. *ast may be NULL for a file of comments. */
static int parse_file(eval_t *e, const char *key, const char *name, const loc_t *from, node_t **ast)
{
    for (loaded_t *l = e->sh->files; l; l = l->next)
        if (!strcmp(l->path, key)) { *ast = l->ast; return 1; }
    const char *why = NULL;
    source_t *src = source_from_file(name, &why);
    if (!src) return !fail(e, from, DIAG_IO, "cannot read %s: %s", name, why);
    if (src->len == 0 && !from) return !fail(e, NULL, DIAG_IO, "%s is empty", name);
    loaded_t *l = calloc(1, sizeof *l);
    if (!l || !(l->arena = arena_new()) || !(l->path = strdup(key))) {
        if (l) { arena_free(l->arena); free(l); }
        return !fail(e, from, DIAG_LIMIT, "out of memory");
    }
    diag_t *err = NULL;
    l->ast = syntax_parse(l->arena, src, &err, NULL);
    l->next = e->sh->files;
    e->sh->files = l;
    if (err) { if (!e->err) e->err = err; else diag_free(err); return 0; }
    *ast = l->ast;
    return 1;
}

static int register_scenarios(eval_t *e, node_t *ast);

/* Imports are run in order, but their scenarios must be known before anything runs:
 * this walks the import graph of a newly loaded file once. */
static int scan_imports(eval_t *e, node_t *ast, const char *path)
{
    const char *saved = e->current_dir;
    char *dir = path ? dir_of(path) : NULL;
    if (dir) e->current_dir = dir;
    int ok = 1;
    for (node_t *s = ast; s && ok; s = s->next) {
        if (s->kind != S_IMPORT) continue;
        char *name = resolve_import(e, s->text);
        char *real = name ? realpath(name, NULL) : NULL;
        int seen = 0;
        for (loaded_t *l = e->sh->files; real && l; l = l->next) seen |= !strcmp(l->path, real);
        node_t *imported = NULL;
        if (real && !seen) ok = parse_file(e, real, name, &s->loc, &imported) && register_scenarios(e, imported) &&
                                scan_imports(e, imported, name);
        free(name);
        free(real);
    }
    e->current_dir = saved;
    free(dir);
    return ok;
}

static int run_in_dir(eval_t *e, const node_t *ast, const char *path)
{
    const char *saved = e->current_dir;
    char *dir = path ? dir_of(path) : NULL;
    if (dir) e->current_dir = dir;
    int ok = run_statements(e, ast);
    e->current_dir = saved;
    free(dir);
    return ok;
}

/* Records that a file (by real path) is imported in this run; 0 if it already was. */
static int mark_imported(eval_t *e, char *real)
{
    for (size_t i = 0; i < e->nimported; i++)
        if (!strcmp(e->imported[i], real)) { free(real); return 0; }
    char **im = realloc(e->imported, (e->nimported + 1) * sizeof *im);
    if (!im) { free(real); fail(e, NULL, DIAG_LIMIT, "out of memory"); return 0; }
    e->imported = im;
    e->imported[e->nimported++] = real;
    return 1;
}

static int import_file(eval_t *e, const node_t *n)
{
    char *name = resolve_import(e, n->text);
    char *real = name ? realpath(name, NULL) : NULL;
    if (!real) {
        free(name);
        fail(e, &n->loc, DIAG_IO, "cannot find \"%s\" to import", n->text);
        diag_set_hint(e->err, "imports are looked up beside the importing file, in OUTLAY_PATH and in the stdlib");
        return 0;
    }
    node_t *ast = NULL;
    int ok = !mark_imported(e, real) ? !e->err
             : parse_file(e, e->imported[e->nimported - 1], name, &n->loc, &ast) && run_in_dir(e, ast, name);
    free(name);
    return ok;
}

/* ---------- construction ---------- */

static eval_t *eval_child(eval_t *parent)
{
    eval_t *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->sh = parent->sh;
    e->rerun = 1;
    return e;
}

static int load_prelude(eval_t *e)
{
    char *name = resolve_import(e, "prelude");
    char *real = name ? realpath(name, NULL) : NULL;
    node_t *ast = NULL;
    int ok = real && mark_imported(e, real) && parse_file(e, real, name, NULL, &ast) && run_in_dir(e, ast, name);
    if (!real) fail(e, NULL, DIAG_IO, "cannot find the stdlib prelude (set OUTLAY_PATH to the stdlib directory)");
    free(name);
    return ok;
}

eval_t *eval_new(diag_t **err)
{
    *err = NULL;
    eval_t *e = calloc(1, sizeof *e);
    shared_t *sh = e ? calloc(1, sizeof *sh) : NULL;
    if (!sh || !(sh->units = units_new()) || !(sh->arena = arena_new())) {
        if (sh) { units_free(sh->units); free(sh); }
        free(e);
        *err = diag_new(DIAG_LIMIT, NULL, "out of memory");
        return NULL;
    }
    e->sh = sh;
    e->is_root = 1;
    return e;
}

static int ensure_prelude(eval_t *e)
{
    if (e->nimported > 0) return 1;
    if (e->sh->ndirs == 0) eval_default_search_path(e);
    return load_prelude(e);
}

void eval_add_search_dir(eval_t *e, const char *dir)
{
    char **d = realloc(e->sh->dirs, (e->sh->ndirs + 1) * sizeof *d);
    if (!d) return;
    e->sh->dirs = d;
    if ((d[e->sh->ndirs] = strdup(dir))) e->sh->ndirs++;
}

void eval_default_search_path(eval_t *e)
{
    const char *env = getenv("OUTLAY_PATH");
    if (env && *env) {
        char *copy = strdup(env), *save = NULL;
        for (char *tok = copy ? strtok_r(copy, ":", &save) : NULL; tok; tok = strtok_r(NULL, ":", &save))
            eval_add_search_dir(e, tok);
        free(copy);
    }
    /* The build tree's binary reads the source stdlib; an installed one its pkgdatadir. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    int in_build_tree = 0;
    if (n > 0) {
        self[n] = '\0';
        char *want = realpath(OUTLAY_BUILD_BINARY, NULL);
        in_build_tree = want && !strcmp(want, self);
        free(want);
    }
    if (!in_build_tree) eval_add_search_dir(e, OUTLAY_STDLIB_DIR);
    eval_add_search_dir(e, OUTLAY_SOURCE_STDLIB_DIR);
}

static void free_results(eval_t *e)
{
    for (size_t i = 0; i < e->nshown; i++) { free(e->shown[i].label); value_free(e->shown[i].value); }
    free(e->shown);
    for (size_t i = 0; i < e->nasserts; i++) { free(e->asserts[i].label); free(e->asserts[i].message); free(e->asserts[i].detail); }
    free(e->asserts);
}

void eval_free(eval_t *e)
{
    if (!e) return;
    for (int i = 0; i < NBUCKETS; i++)
        for (binding_t *b = e->globals[i], *n; b; b = n) { n = b->next; free(b->name); value_free(b->value); free(b); }
    for (size_t i = 0; i < e->nimported; i++) free(e->imported[i]);
    free(e->imported);
    for (override_t *o = e->overrides, *n; o; o = n) { n = o->next; free(o->name); value_free(o->value); free(o); }
    free_results(e);
    value_free(e->last);
    scope_pop_to(e, NULL);
    diag_free(e->err);
    if (e->is_root) {
        shared_t *sh = e->sh;
        for (loaded_t *l = sh->files, *n; l; l = n) { n = l->next; free(l->path); arena_free(l->arena); free(l); }
        for (size_t i = 0; i < sh->ndirs; i++) free(sh->dirs[i]);
        free(sh->dirs);
        free(sh->main);
        arena_free(sh->arena);
        units_free(sh->units);
        free(sh);
    }
    free(e);
}

/* ---------- loading, overrides and scenarios ---------- */

static int add_main(eval_t *e, node_t *ast)
{
    shared_t *sh = e->sh;
    if (sh->nmain == sh->capmain) {
        size_t cap = sh->capmain ? sh->capmain * 2 : 8;
        node_t **m = realloc(sh->main, cap * sizeof *m);
        if (!m) return 0;
        sh->main = m; sh->capmain = cap;
    }
    sh->main[sh->nmain++] = ast;
    return register_scenarios(e, ast);
}

static int register_scenarios(eval_t *e, node_t *ast)
{
    shared_t *sh = e->sh;
    for (node_t *s = ast; s; s = s->next) {
        if (s->kind != S_SCENARIO) continue;
        for (size_t i = 0; i < sh->nscenarios; i++)
            if (!strcmp(sh->scenarios[i]->text, s->text)) { fail(e, &s->loc, DIAG_NAME, "scenario `%s` is already defined", s->text); return 0; }
        if (sh->nscenarios == sizeof sh->scenarios / sizeof sh->scenarios[0]) { fail(e, &s->loc, DIAG_LIMIT, "too many scenarios"); return 0; }
        sh->scenarios[sh->nscenarios++] = s;
    }
    return 1;
}

static int take_error(eval_t *e, diag_t **err)
{
    *err = e->err;
    e->err = NULL;
    return *err == NULL;
}

int eval_load_file(eval_t *e, const char *path, diag_t **err)
{
    node_t *ast = NULL;
    char *real = realpath(path, NULL);
    if (parse_file(e, real ? real : path, path, NULL, &ast) && add_main(e, ast)) scan_imports(e, ast, path);
    free(real);
    return take_error(e, err);
}

int eval_load_source(eval_t *e, source_t *src, diag_t **err, int *incomplete)
{
    diag_t *perr = NULL;
    node_t *ast = syntax_parse(e->sh->arena, src, &perr, incomplete);
    if (perr) { *err = perr; return 0; }
    if (ast && add_main(e, ast)) scan_imports(e, ast, NULL);
    return take_error(e, err);
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
    source_t *src = source_from_string("<--set>", assignment, strlen(assignment));
    if (!src) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); return 0; }
    node_t *ast = syntax_parse(e->sh->arena, src, err, NULL);
    if (*err) return 0;
    if (!ast || ast->kind != S_DEF || ast->next) {
        loc_t l = { 1, 1, 1, (int)strlen(assignment), src };
        *err = diag_new(DIAG_SYNTAX, &l, "--set takes NAME=EXPR");
        return 0;
    }
    if (!add_override(e, ast->text, ast->a, NULL, 1, &ast->loc)) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); return 0; }
    return 1;
}

static node_t *find_scenario(eval_t *e, const char *name)
{
    for (size_t i = 0; i < e->sh->nscenarios; i++)
        if (!strcmp(e->sh->scenarios[i]->text, name)) return e->sh->scenarios[i];
    return NULL;
}

/* A scenario's own values win over those of the scenarios it extends. */
static int apply_scenario(eval_t *e, const char *name, const loc_t *loc)
{
    if (!strcmp(name, "base")) return 1;
    const node_t *chain[64];
    size_t n = 0;
    for (node_t *s = find_scenario(e, name); ; s = find_scenario(e, s->b->text)) {
        if (!s) {
            fail(e, n ? &chain[n - 1]->b->loc : loc, DIAG_NAME, "unknown scenario `%s`", n ? chain[n - 1]->b->text : name);
            struct suggest sg = { name, NULL, (size_t)-1 };
            for (size_t i = 0; i < e->sh->nscenarios; i++) suggest_one(e->sh->scenarios[i]->text, &sg);
            if (sg.best && sg.dist <= 2 && sg.dist < strlen(sg.target)) diag_set_hint(e->err, "did you mean `%s`?", sg.best);
            return 0;
        }
        if (n == 64) return !fail(e, &s->loc, DIAG_RUNTIME, "scenario `%s` extends itself", name);
        chain[n++] = s;
        if (!s->b || !strcmp(s->b->text, "base")) break;
    }
    for (size_t i = n; i-- > 0;)
        for (const node_t *d = chain[i]->list; d; d = d->next)
            if (!add_override(e, d->text, d->a, NULL, 0, &d->loc)) return !fail(e, &d->loc, DIAG_LIMIT, "out of memory");
    return 1;
}

int eval_use_scenario(eval_t *e, const char *name, diag_t **err)
{
    e->scenario = name;
    apply_scenario(e, name, NULL);
    return take_error(e, err);
}

/* An override that replaced nothing is a typo, not a no-op. */
static int check_overrides_used(eval_t *e)
{
    for (override_t *o = e->overrides; o; o = o->next) {
        if (o->used || (e->rerun && o->from_set && !o->value)) continue;   /* the root checks --set */
        if (o->value) fail(e, &o->loc, DIAG_NAME, "sweep %s: the program has no definition named `%s`", o->name, o->name);
        else if (o->from_set) fail(e, &o->loc, DIAG_NAME, "--set %s: the program has no definition named `%s`", o->name, o->name);
        else fail(e, &o->loc, DIAG_NAME, "the scenario sets `%s`, which the program does not define", o->name);
        return 0;
    }
    return 1;
}

int eval_run(eval_t *e, diag_t **err)
{
    if (ensure_prelude(e)) {
        while (e->sh && e->ran < e->sh->nmain && !e->err) {
            node_t *ast = e->sh->main[e->ran++];
            if (ast) run_in_dir(e, ast, ast->loc.src ? ast->loc.src->path : NULL);
        }
        if (!e->err && e->is_root) check_overrides_used(e);
    }
    return take_error(e, err);
}

void eval_set_quiet(eval_t *e, int quiet) { e->quiet = quiet; }

/* ---------- compare and sweep ---------- */

/* Runs the whole program again with some overrides and evaluates exprs in the result. */
static int rerun(eval_t *e, const char *scenario, const char *param, value_t *param_value,
                 const node_t *exprs, value_t **out, const loc_t *loc)
{
    eval_t *c = eval_child(e);
    if (!c) return !fail(e, loc, DIAG_LIMIT, "out of memory");
    /* a re-run keeps the command line's --set, not the scenario the run was started with */
    for (override_t *o = e->overrides; o; o = o->next)
        if (o->from_set && !o->value) add_override(c, o->name, o->expr, NULL, 1, &o->loc);
    if (!scenario && param) scenario = e->scenario;
    if (scenario) { apply_scenario(c, scenario, loc); c->scenario = scenario; }
    if (param) add_override(c, param, NULL, param_value, 1, loc);
    if (!c->err) {
        ensure_prelude(c);
        c->current_dir = e->current_dir;
        for (size_t i = 0; i < e->sh->nmain && !c->err; i++) {
            node_t *ast = e->sh->main[i];
            if (ast) run_in_dir(c, ast, ast->loc.src ? ast->loc.src->path : NULL);
        }
    }
    if (!c->err) check_overrides_used(c);
    size_t k = 0;
    for (const node_t *x = exprs; x && !c->err; x = x->next) out[k++] = eval_expr(c, x);
    int ok = !c->err;
    if (c->err) {
        if (!e->err) {
            e->err = c->err;
            c->err = NULL;
            char *what = scenario ? diag_format("found while re-running the program for scenario `%s`", scenario)
                                  : diag_format("found while re-running the program for `sweep %s`", param);
            if (what && !e->err->hint) diag_set_hint(e->err, "%s", what);
            free(what);
        }
        for (size_t i = 0; i < k; i++) value_free(out[i]);
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
static value_t *scenario_table(eval_t *e, const node_t *n)
{
    size_t nexpr = ast_count(n->list2), ncols, nrows;
    value_t *params = NULL;
    if (n->kind == S_SWEEP) {
        if (!(params = eval_expr(e, n->a))) return NULL;
        if (params->kind != V_LIST) fail(e, &n->a->loc, DIAG_RUNTIME, "sweep ... over needs a list, such as [30%%, 40%%] or range(a, b, step)");
        else if (params->u.list.n > MAX_SWEEP) fail(e, &n->a->loc, DIAG_LIMIT, "a sweep can have at most %d values", MAX_SWEEP);
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
    if (!labels || !header || !row_labels || !cells || !run) { fail(e, &n->loc, DIAG_LIMIT, "out of memory"); goto out; }
    size_t k = 0;
    for (const node_t *x = n->list2; x; x = x->next) { loc_t span = ast_span(x); labels[k++] = loc_text(&span); }
    if (n->kind == S_COMPARE) {
        header[0] = "";
        size_t c = 0;
        for (const node_t *s = n->list; s && !e->err; s = s->next, c++) {
            header[c + 1] = s->text;
            if (!rerun(e, s->text, NULL, NULL, n->list2, run, &s->loc)) break;
            for (size_t r = 0; r < nrows; r++) cells[r * ncols + c] = run[r];
        }
        for (size_t r = 0; r < nrows && !e->err; r++) row_labels[r] = value_str(labels[r]);
    } else {
        header[0] = n->text;
        for (size_t c = 0; c < ncols; c++) header[c + 1] = labels[c];
        for (size_t r = 0; r < nrows && !e->err; r++) {
            if (!rerun(e, NULL, n->text, params->u.list.items[r], n->list2, cells + r * ncols, &n->loc)) break;
            row_labels[r] = value_ref(params->u.list.items[r]);
        }
    }
    if (!e->err) {
        table = make_table(header, row_labels, cells, nrows, ncols);
        if (!table) fail(e, &n->loc, DIAG_LIMIT, "out of memory");
    } else {
        for (size_t i = 0; i < nrows * ncols; i++) value_free(cells[i]);
        for (size_t r = 0; r < nrows; r++) value_free(row_labels[r]);
    }
out:
    for (size_t i = 0; labels && i < nexpr; i++) free(labels[i]);
    free(labels);
    free(header);
    free(row_labels);
    free(cells);
    free(run);
    value_free(params);
    return table;
}

/* ---------- results ---------- */

size_t eval_shown_count(const eval_t *e) { return e->nshown; }
const shown_t *eval_shown(const eval_t *e, size_t i) { return &e->shown[i]; }
void eval_clear_shown(eval_t *e)
{
    free_results(e);
    e->shown = NULL; e->nshown = e->capshown = 0;
    e->asserts = NULL; e->nasserts = e->capasserts = 0;
}
size_t eval_assertion_count(const eval_t *e) { return e->nasserts; }
const assertion_t *eval_assertion(const eval_t *e, size_t i) { return &e->asserts[i]; }
units_t *eval_units(eval_t *e) { return e->sh->units; }
value_t *eval_last(eval_t *e) { return e->last; }

/* ---------- explain ---------- */

/* The source text of a span, its lines joined with single spaces. */
static char *span_text(const loc_t *l)
{
    if (!l->src) return strdup("?");
    size_t cap = 256, n = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    for (int line = l->first_line; line <= l->last_line; line++) {
        size_t len;
        const char *t = source_line(l->src, line, &len);
        size_t from = line == l->first_line ? (size_t)(l->first_column - 1) : 0;
        size_t to = line == l->last_line ? (size_t)l->last_column : len;
        if (to > len) to = len;
        if (from > to) from = to;
        /* drop a trailing comment and surrounding blanks */
        const char *hash = memchr(t + from, '#', to - from);
        if (hash && line != l->last_line) to = (size_t)(hash - t);
        while (from < to && (t[from] == ' ' || t[from] == '\t')) from++;
        while (to > from && (t[to - 1] == ' ' || t[to - 1] == '\t')) to--;
        if (n + (to - from) + 2 > cap) {
            cap = (n + (to - from) + 2) * 2;
            char *p = realloc(out, cap);
            if (!p) { free(out); return NULL; }
            out = p;
        }
        if (n && to > from) out[n++] = ' ';
        memcpy(out + n, t + from, to - from);
        n += to - from;
    }
    out[n] = '\0';
    return out;
}

/* A value in a line: an invoice by its total, anything long cut short. */
static char *explain_summary(eval_t *e, const value_t *v)
{
    if (v->kind == V_RECORD && v->u.rec.tag && !strcmp(v->u.rec.tag, "invoice")) {
        const value_t *total = value_record_get(v, "total"), *periods = value_record_get(v, "periods");
        char *t = total ? describe(e, total) : NULL;
        char *s = diag_format("an invoice of %zu periods, total %s", periods ? periods->u.list.n : 0, t ? t : "?");
        free(t);
        return s;
    }
    char *s = describe(e, v);
    if (s && strlen(s) > 160) strcpy(s + 150, " ...");
    return s;
}

typedef struct explain_state { FILE *out; const char **seen; size_t nseen, cap; } explain_state_t;

static int explain_seen(explain_state_t *x, const char *name)
{
    for (size_t i = 0; i < x->nseen; i++) if (!strcmp(x->seen[i], name)) return 1;
    if (x->nseen == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 32;
        const char **p = realloc(x->seen, cap * sizeof *p);
        if (!p) return 1;
        x->seen = p; x->cap = cap;
    }
    x->seen[x->nseen++] = name;
    return 0;
}

static void explain_name(eval_t *e, explain_state_t *x, const char *name, int depth);

/* A number with units (730 hour, 2.10 USD/(gpu*hour)): its value says nothing new. */
static int is_literal(eval_t *e, const node_t *n)
{
    switch (n->kind) {
    case E_NUM: case E_STR: case E_DATE: case E_BOOL: return 1;
    case E_IDENT: return !global_find(e, n->text) && units_find(e->sh->units, n->text) >= 0;
    case E_UNARY: return is_literal(e, n->a);
    case E_BINOP: return n->op < 256 && is_literal(e, n->a) && is_literal(e, n->b);
    default: return 0;
    }
}

/* Explains the global names an expression refers to. */
static void explain_refs(eval_t *e, explain_state_t *x, const node_t *n, int depth)
{
    if (!n) return;
    if ((n->kind == E_IDENT || n->kind == E_CALL) && global_find(e, n->text)) explain_name(e, x, n->text, depth);
    explain_refs(e, x, n->a, depth);
    explain_refs(e, x, n->b, depth);
    explain_refs(e, x, n->c, depth);
    for (const node_t *k = n->list; k; k = k->next) explain_refs(e, x, k, depth);
}

static void explain_name(eval_t *e, explain_state_t *x, const char *name, int depth)
{
    binding_t *b = global_find(e, name);
    if (!b || explain_seen(x, name) || depth > 12) return;
    FILE *out = x->out;
    int ind = depth * 2;
    const char *where = b->loc.src ? b->loc.src->name : "?";
    switch (b->def->kind) {
    case S_DEF: {
        loc_t span = b->expr ? ast_span(b->expr) : b->loc;
        char *text = b->expr ? span_text(&span) : strdup("(a swept value)");
        char *val = explain_summary(e, b->value);
        fprintf(out, "%*s%s = %s%s\n", ind, "", name, text ? text : "?", b->overridden ? "   [overridden]" : "");
        if (!b->expr || !is_literal(e, b->expr))
            fprintf(out, "%*s%*s= %s\n", ind, "", (int)strlen(name) + 1, "", val ? val : "?");
        fprintf(out, "%*s  (%s:%d)\n", ind, "", where, b->loc.first_line);
        free(text);
        free(val);
        explain_refs(e, x, b->expr, depth + 1);
        break;
    }
    case S_FN: case S_CONTRACT: case S_WORKLOAD: {
        static const char *kinds[] = { [S_FN] = "function", [S_CONTRACT] = "contract", [S_WORKLOAD] = "workload" };
        fprintf(out, "%*s%s: %s (%s:%d)\n", ind, "", name, kinds[b->def->kind], where, b->loc.first_line);
        const node_t *items = b->def->kind == S_FN ? NULL : b->def->list;
        if (b->def->kind == S_FN) {
            loc_t span = ast_span(b->def->a);
            char *text = span_text(&span);
            fprintf(out, "%*s  = %s\n", ind, "", text ? text : "?");
            free(text);
        }
        /* each clause as written, whole lines */
        size_t strip = (size_t)-1;
        for (const node_t *it = items; it; it = it->next) {
            size_t len;
            const char *t = it->span.src ? source_line(it->span.src, it->span.first_line, &len) : "";
            size_t lead = strspn(t, " \t");
            if (lead < strip) strip = lead;
        }
        for (const node_t *it = items; it; it = it->next)
            for (int line = it->span.first_line; it->span.src && line <= it->span.last_line; line++) {
                size_t len;
                const char *t = source_line(it->span.src, line, &len);
                size_t cut = strspn(t, " \t");
                if (cut > strip) cut = strip;
                if (cut > len) cut = len;
                fprintf(out, "%*s  %.*s\n", ind, "", (int)(len - cut), t + cut);
            }
        if (b->def->kind == S_FN) explain_refs(e, x, b->def->a, depth + 1);
        for (const node_t *it = items; it; it = it->next) explain_refs(e, x, it, depth + 1);
        break;
    }
    default: break;
    }
}

int eval_explain(eval_t *e, const char *name, FILE *out, diag_t **err)
{
    *err = NULL;
    if (!global_find(e, name)) {
        fail(e, NULL, DIAG_NAME, "no definition named `%s`", name);
        suggest_name(e, name);
        return take_error(e, err);
    }
    explain_state_t x = { out, NULL, 0, 0 };
    explain_name(e, &x, name, 0);
    free(x.seen);
    return 1;
}
