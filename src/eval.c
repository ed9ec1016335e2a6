/* eval: the evaluator's core. Walks the AST of each loaded file: names and scopes,
 * expressions and builtin calls, statements, units, imports and the program's runs.
 * Contracts and workloads are in terms.c, scenarios in scenario.c, explain in explain.c.
 * Errors are recorded as diagnostics and returned. */
#include "interp.h"
#include "guards.h"
#include "builtins.h"
#include "fx.h"
#include "format.h"
#include "syntax.h"
#include <limits.h>
#include <strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

/* MAX_STEPS bounds one run of the program: a function that calls itself twice per level
 * would otherwise run for ages inside the depth limit. A sweep or compare re-runs the
 * program, and each re-run has a budget of its own, so the limit grows with the number
 * of runs asked for; MAX_TOTAL_STEPS still bounds them all together (minutes, not days). */
enum { MAX_DEPTH = 2000, MAX_CALL_DEPTH = 200 };
#define MAX_STEPS 20000000L
#define MAX_TOTAL_STEPS (25 * MAX_STEPS)

/* ---------- errors ---------- */

value_t *eval_fail(eval_t *e, const loc_t *loc, diag_kind kind, const char *fmt, ...)
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
value_t *eval_fail_with(eval_t *e, const loc_t *loc, char *msg)
{
    if (!e->err) {
        diag_kind kind = msg && (strstr(msg, "dimension") || strstr(msg, "unit")) ? DIAG_UNIT : DIAG_RUNTIME;
        if (msg && strstr(msg, "too large")) kind = DIAG_LIMIT;
        e->err = diag_new(kind, loc, "%s", msg ? msg : "out of memory");
    }
    free(msg);
    return NULL;
}

/* Takes the malloc'd message of a failed value operation, reported as the fault the
 * operation gave (value_last_fault). */
static value_t *fail_value(eval_t *e, const loc_t *loc, char *msg)
{
    static const diag_kind kinds[] = { [VALUE_FAULT_RUNTIME] = DIAG_RUNTIME, [VALUE_FAULT_UNIT] = DIAG_UNIT, [VALUE_FAULT_LIMIT] = DIAG_LIMIT };
    if (!e->err) e->err = diag_new(msg ? kinds[value_last_fault()] : DIAG_RUNTIME, loc, "%s", msg ? msg : "out of memory");
    free(msg);
    return NULL;
}

int eval_charge(eval_t *e, long steps, const loc_t *loc)
{
    e->steps += steps;
    e->sh->steps += steps;
    if (value_live_count() > VALUE_MAX_SIZE) {
        eval_fail(e, loc, DIAG_LIMIT, "the program holds more than 5 million values at once");
        return 0;
    }
    if (e->steps <= MAX_STEPS && e->sh->steps <= MAX_TOTAL_STEPS) return 1;
    if (e->steps > MAX_STEPS) eval_fail(e, loc, DIAG_LIMIT, "the program takes too many steps (more than 20 million)");
    else eval_fail(e, loc, DIAG_LIMIT, "the program and its re-runs take too many steps (more than 500 million)");
    if (e->err) diag_set_hint(e->err, e->calls ? "is a function calling itself more than it needs to?"
                                               : "a sweep or compare runs the whole program again for each value");
    return 0;
}

/* Charges steps when no limit is near; 0 (nothing charged) when eval_charge must judge. */
static int charge_fast(eval_t *e, long steps)
{
    if (e->steps + steps > MAX_STEPS || e->sh->steps + steps > MAX_TOTAL_STEPS || value_live_count() > VALUE_MAX_SIZE) return 0;
    e->steps += steps;
    e->sh->steps += steps;
    return 1;
}

/* eval_charge for work at node n, whose line and column are worked out only when the
 * charge fails: evaluation charges every node it visits. */
static int charge_at(eval_t *e, long steps, const node_t *n)
{
    return charge_fast(e, steps) || eval_charge(e, steps, AST_LOC(n));
}

/* ---------- names ---------- */

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NBUCKETS;
}

binding_t *eval_global_find(const eval_t *e, const char *name)
{
    for (binding_t *b = e->globals[hash(name)]; b; b = b->next)
        if (!strcmp(b->name, name)) return b;
    return NULL;
}

binding_t *eval_global_visible(const eval_t *e, const char *name)
{
    for (; e; e = e->parent) {
        binding_t *b = eval_global_find(e, name);
        if (b) return b;
    }
    return NULL;
}

static void global_remove(eval_t *e, const char *name);

static int global_define(eval_t *e, const node_t *def, value_t *v)
{
    const char *name = def->text;
    if (e->sh->redefine) global_remove(e, name);   /* the REPL: only once the new value is there */
    const loc_t *loc = AST_LOC(def);
    binding_t *b = calloc(1, sizeof *b);
    if (!b || !(b->name = strdup(name))) { free(b); value_free(v); eval_fail(e, loc, DIAG_LIMIT, "out of memory"); return 0; }
    b->value = v;
    b->loc = *loc;
    b->def = def;
    b->expr = def->a;
    unsigned h = hash(name);
    b->next = e->globals[h];
    e->globals[h] = b;
    e->sh->names_gen++;
    return 1;
}

static unsigned scope_slot(const char *name) { return hash(name) % SCOPE_SLOTS; }

value_t *eval_scope_find(const eval_t *e, const char *name)
{
    if (!e->scope) return NULL;
    for (scope_t *s = e->scope_slots[scope_slot(name)]; s && s->seq >= e->scope_floor; s = s->shadow)
        if (!strcmp(s->name, name)) return s->value;
    return NULL;
}

int eval_scope_push(eval_t *e, const char *name, value_t *v)
{
    scope_t *s = malloc(sizeof *s);
    if (!s) { value_free(v); return 0; }
    s->name = name; s->value = v; s->up = e->scope;
    s->slot = scope_slot(name);
    s->shadow = e->scope_slots[s->slot];
    s->seq = e->scope_seq++;
    e->scope_slots[s->slot] = s;
    e->scope = s;
    return 1;
}

/* Pops are in the reverse order of pushes, so the one popped heads its slot's chain. */
void eval_scope_pop_to(eval_t *e, scope_t *mark)
{
    while (e->scope != mark) {
        scope_t *s = e->scope;
        e->scope = s->up;
        e->scope_slots[s->slot] = s->shadow;
        value_free(s->value);
        free(s);
    }
}

static const struct { const char *name; eval_call_fn fn; } eval_calls[] = {
    { "price", terms_price }, { "convert", fx_eval_convert }, { "read_usage", usage_eval_read },
    { "postgres", usage_pg_eval_postgres },
    { "reconcile", usage_eval_reconcile },
};

eval_call_fn eval_call_find(const char *name)
{
    for (size_t i = 0; i < sizeof eval_calls / sizeof eval_calls[0]; i++)
        if (!strcmp(eval_calls[i].name, name)) return eval_calls[i].fn;
    return NULL;
}

void eval_each_name(eval_t *e, void (*fn)(const char *name, void *ctx), void *ctx)
{
    for (const eval_t *g = e; g; g = g->parent)
        for (int i = 0; i < NBUCKETS; i++)
            for (binding_t *b = g->globals[i]; b; b = b->next) fn(b->name, ctx);
    for (size_t i = 0; i < units_count(e->sh->units); i++) fn(units_get(e->sh->units, (int)i)->name, ctx);
    size_t n;
    const builtin_t *bs = builtins_all(&n);
    for (size_t i = 0; i < n; i++) fn(bs[i].name, ctx);
    for (size_t i = 0; i < sizeof eval_calls / sizeof eval_calls[0]; i++) fn(eval_calls[i].name, ctx);
}

void eval_each_global(eval_t *e, void (*fn)(const char *name, const value_t *v, void *ctx), void *ctx)
{
    for (int i = 0; i < NBUCKETS; i++)
        for (binding_t *b = e->globals[i]; b; b = b->next) fn(b->name, b->value, ctx);
}

void eval_suggest_one(const char *name, void *ctx)
{
    struct eval_suggest *s = ctx;
    size_t d = diag_edit_distance(s->target, name);
    /* case-insensitive matches count as close */
    if (strlen(name) == strlen(s->target) && !strcasecmp(name, s->target)) d = 1;
    if (d < s->dist) { s->dist = d; s->best = name; }
}

void eval_hint_closest(eval_t *e, const struct eval_suggest *s)
{
    size_t len = strlen(s->target), limit = len <= 2 ? 0 : len <= 4 ? 1 : len <= 8 ? 2 : 3;
    if (e->err && s->best && (s->dist <= limit || !strcasecmp(s->best, s->target)))
        diag_set_hint(e->err, "did you mean `%s`?", s->best);
}

void eval_suggest(eval_t *e, const char *name)
{
    struct eval_suggest s = { name, NULL, (size_t)-1 };
    for (scope_t *sc = e->scope; sc; sc = sc->up) eval_suggest_one(sc->name, &s);
    eval_each_name(e, eval_suggest_one, &s);
    eval_hint_closest(e, &s);
}

/* ---------- source text for labels ---------- */

char *eval_loc_text(const loc_t *l)
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

/* functions live in the AST, which outlives every value */
static const value_object_type_t function_type = { "function", NULL, NULL };

/* ---------- expressions ---------- */

static int run_statements(eval_t *e, const node_t *stmts);

/* Charges an operation for operands that hold many values or words (a list, a large number). */
static int charge_work(eval_t *e, const value_t *a, const value_t *b, const node_t *n)
{
    size_t work = value_work(a) + value_work(b);
    return !work || charge_at(e, work > (size_t)MAX_STEPS ? MAX_STEPS + 1L : (long)work, n);
}

/* Where an error about a name points: the name, also when it is a quantity's unit. */
static loc_t name_loc(const node_t *n) { return n->kind == E_QUANTITY ? ast_quantity_unit_loc(n) : ast_loc(n); }

/* The value of the name n->text (an E_IDENT, or the unit of an E_QUANTITY). */
static value_t *lookup(eval_t *e, const node_t *n)
{
    value_t *v = eval_scope_find(e, n->text);
    if (v) return value_ref(v);
    /* a unit's name read before, with no global of that name defined since */
    struct unit_memo *m = &e->sh->unit_memo[((uintptr_t)n->text >> 3) % UNIT_MEMO_SLOTS];
    if (m->at == n->text && m->value && m->run == e && m->parent == e->parent && m->gen == e->sh->names_gen &&
        !strcmp(m->name, n->text))
        return value_ref(m->value);
    binding_t *b = eval_global_visible(e, n->text);
    if (b) return value_ref(b->value);
    if (!strcmp(n->text, "_")) {
        if (e->last) return value_ref(e->last);
        return eval_fail(e, (const loc_t[]){ name_loc(n) }, DIAG_NAME, "`_` is the last result, and there is none yet");
    }
    int unit = units_find(e->sh->units, n->text);
    if (unit >= 0) {
        value_t *u = value_unit(e->sh->units, unit);
        if (u && strlen(n->text) < sizeof m->name) {
            value_free(m->value);
            m->at = n->text;
            strcpy(m->name, n->text);
            m->value = value_ref(u);
            m->run = e;
            m->parent = e->parent;
            m->gen = e->sh->names_gen;
        }
        return u;
    }
    const loc_t *at = (const loc_t[]){ name_loc(n) };
    if (!strcmp(n->text, "period"))
        return eval_fail(e, at, DIAG_NAME, "`period` is only defined inside a workload while it is priced");
    if (builtins_find(n->text) || eval_call_find(n->text))
        return eval_fail(e, at, DIAG_NAME, "`%s` is a function: call it with ( )", n->text);
    eval_fail(e, at, DIAG_NAME, "unknown name `%s`", n->text);
    if (!guards_import_hint(e, n->text)) eval_suggest(e, n->text);
    return NULL;
}

static value_t *binop(eval_t *e, const node_t *n)
{
    if (n->op == OP_AND || n->op == OP_OR) {
        value_t *a = eval_expr(e, n->a);
        if (!a) return NULL;
        if (a->kind != V_BOOL) { value_free(a); return eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "`%s` needs true or false on its left", n->op == OP_AND ? "and" : "or"); }
        int av = a->u.b;
        value_free(a);
        if ((n->op == OP_AND && !av) || (n->op == OP_OR && av)) return value_bool(av);
        value_t *b = eval_expr(e, n->b);
        if (!b) return NULL;
        if (b->kind != V_BOOL) { value_free(b); return eval_fail(e, AST_LOC(n->b), DIAG_RUNTIME, "`%s` needs true or false on its right", n->op == OP_AND ? "and" : "or"); }
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
    if (!charge_work(e, a, b, n)) { value_free(a); value_free(b); return NULL; }
    if (n->op != '*' && n->op != '/' && n->op != '^' && !guards_percent_mix(e, n->op, a, b, n)) { value_free(a); value_free(b); return NULL; }
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
    if (!r) {
        fail_value(e, AST_LOC(n), err);
        guards_hyphen_hint(e, n);
    }
    return r;
}

static value_t *call_user(eval_t *e, const node_t *call, const node_t *fn, value_t **args, size_t nargs)
{
    size_t nparams = ast_count(fn->list);
    if (nparams != nargs)
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "%s() takes %zu argument%s, not %zu", fn->text, nparams, nparams == 1 ? "" : "s", nargs);
    if (e->calls >= MAX_CALL_DEPTH)
        return eval_fail(e, AST_LOC(call), DIAG_LIMIT, "calls nested too deeply (more than %d): is %s() recursive?", MAX_CALL_DEPTH, fn->text);
    /* A function sees its parameters and the globals, not its caller's locals. */
    scope_t *saved = e->scope;
    unsigned long saved_floor = e->scope_floor;
    e->scope = NULL;
    e->scope_floor = e->scope_seq;
    size_t i = 0;
    for (const node_t *p = fn->list; p; p = p->next, i++)
        if (!eval_scope_push(e, p->text, value_ref(args[i]))) {
            eval_scope_pop_to(e, NULL);
            e->scope = saved; e->scope_floor = saved_floor;
            return eval_fail(e, AST_LOC(call), DIAG_LIMIT, "out of memory");
        }
    e->calls++;
    value_t *r = eval_expr(e, fn->a);
    e->calls--;
    eval_scope_pop_to(e, NULL);
    e->scope = saved; e->scope_floor = saved_floor;
    return r;
}

static value_t *call(eval_t *e, const node_t *n)
{
    size_t nargs = ast_count(n->list);
    value_t **args = calloc(nargs ? nargs : 1, sizeof *args);
    if (!args) return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory");
    size_t i = 0;
    for (const node_t *a = n->list; a; a = a->next, i++) {
        /* round(x, q, half_up): the mode may be written as a bare word */
        int mode_word = i == 2 && !strcmp(n->text, "round") && a->kind == E_IDENT &&
                        value_round_mode_parse(a->text, &(round_mode){0}) && !eval_global_visible(e, a->text) && !eval_scope_find(e, a->text);
        args[i] = mode_word ? value_str(a->text) : eval_expr(e, a);
        if (!args[i]) { for (size_t k = 0; k < i; k++) value_free(args[k]); free(args); return NULL; }
    }
    value_t *r = NULL;
    value_t *fv = eval_scope_find(e, n->text);
    binding_t *b = fv ? NULL : eval_global_visible(e, n->text);
    if (b) fv = b->value;
    if (fv && fv->kind == V_OBJECT && fv->u.obj.type == &function_type) {
        r = call_user(e, n, fv->u.obj.p, args, nargs);
    } else if (fv) {
        eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "`%s` is a %s, not a function", n->text, value_kind_name(fv));
    } else if (eval_call_find(n->text)) {
        r = eval_call_find(n->text)(e, n, args, nargs);
    } else {
        const builtin_t *bi = builtins_find(n->text);
        if (!bi) {
            eval_fail(e, AST_LOC(n), DIAG_NAME, "unknown function `%s`", n->text);
            if (!guards_import_hint(e, n->text)) eval_suggest(e, n->text);
        } else if ((int)nargs < bi->min_args || (int)nargs > bi->max_args) {
            eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "wrong number of arguments to %s(): %s", bi->name, bi->help);
        } else {
            char *err = NULL;
            r = bi->fn(e->sh->units, args, nargs, &err);
            if (!r) eval_fail_with(e, AST_LOC(n), err);
        }
    }
    for (size_t k = 0; k < nargs; k++) value_free(args[k]);
    free(args);
    return r;
}

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
            eval_fail(e, AST_LOC(n), DIAG_NAME, "no field `%s` in this %s", n->text, value_kind_name(base));
            struct eval_suggest s = { n->text, NULL, (size_t)-1 };
            for (size_t i = 0; i < base->u.rec.n; i++) eval_suggest_one(base->u.rec.keys[i], &s);
            eval_hint_closest(e, &s);
        }
    } else if (base->kind == V_OBJECT && base->u.obj.type == &terms_workload_type) {
        r = terms_workload_field(e, base->u.obj.p, n->text, AST_LOC(n));
    } else if (base->kind == V_OBJECT && base->u.obj.type == &terms_contract_type) {
        r = terms_contract_field(e, base, n->text, AST_LOC(n));
    } else {
        eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "a %s has no fields", value_kind_name(base));
    }
    value_free(base);
    return r;
}

static value_t *eval_node(eval_t *e, const node_t *n);

/* Enters a part of a quantity (its number, or its unit's name) as eval_expr entered
 * the node that part was before quantities were one node: nested one deeper, charged a
 * step, blamed at its own place. 0 when a limit stops it. */
static int quantity_part(eval_t *e, const node_t *n, int unit)
{
    if (e->err) return 0;
    if (++e->depth > MAX_DEPTH || !charge_fast(e, 1)) {
        loc_t at = unit ? ast_quantity_unit_loc(n) : ast_quantity_number_loc(n);
        if (e->depth > MAX_DEPTH) eval_fail(e, &at, DIAG_LIMIT, "expression nested too deeply");
        else eval_charge(e, 1, &at);
        if (e->err) { e->depth--; return 0; }
    }
    return 1;
}

/* A number's value; percent when written with %. */
static value_t *number(eval_t *e, const node_t *n, char **err)
{
    size_t len;
    const char *text = ast_number_text(n, &len);
    if (!n->op && !n->flag && len <= 19) {   /* up to 18 digits, whole or with a point, as most are */
        uint64_t digits = 0;   /* 19 digits without a point fit, and go the general way */
        size_t i = 0, point = len;
        for (; i < len && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '.' && point == len)); i++)
            if (text[i] == '.') point = i;
            else digits = digits * 10 + (text[i] - '0');
        if (i == len && point == len && len <= 18) return value_num_si((long)digits);
        value_t *r = i == len && point < len ? value_decimal((int64_t)digits, (int)(len - 1 - point)) : NULL;
        if (r) return r;
    }
    char buf[64], *t = len < sizeof buf ? buf : malloc(len + 1);
    if (!t) return NULL;
    memcpy(t, text, len);
    t[len] = '\0';
    value_t *r = value_from_literal(t, n->op, n->flag, err);
    if (t != buf) free(t);
    if (r && n->flag) {
        /* 40% keeps reading as a percentage until it meets a unit */
        int pct = units_find(e->sh->units, "percent");
        if (pct >= 0) { uterm_t t; uterm_single(&t, pct); value_set_disp(r, &t); }
    }
    return r;
}

/* `607 hour`: the number times the value of the name, exactly as the product of the two
 * nodes it once was (binop, with its parts checked as eval_expr checks a node). */
static value_t *quantity(eval_t *e, const node_t *n)
{
    char *err = NULL;
    if (!quantity_part(e, n, 0)) return NULL;
    value_t *a = number(e, n, &err);
    e->depth--;
    if (!a) return fail_value(e, (const loc_t[]){ ast_quantity_number_loc(n) }, err);
    if (!quantity_part(e, n, 1)) { value_free(a); return NULL; }
    value_t *b = lookup(e, n);
    e->depth--;
    if (!b) {
        if (!e->err) eval_fail(e, (const loc_t[]){ ast_quantity_unit_loc(n) }, DIAG_LIMIT, "out of memory");
        value_free(a);
        return NULL;
    }
    value_t *r = NULL;
    if (charge_work(e, a, b, n)) {
        r = value_mul(e->sh->units, a, b, &err);
        if (!r) fail_value(e, AST_LOC(n), err);
    }
    value_free(a);
    value_free(b);
    return r;
}

value_t *eval_expr(eval_t *e, const node_t *n)
{
    value_t **kept = e->fold ? terms_fold_slot(e->fold, n) : NULL;
    if (!kept) return eval_node(e, n);
    if (*kept) return e->err ? NULL : value_ref(*kept);
    value_t *r = eval_node(e, n);
    if (r) *kept = value_ref(r);
    return r;
}

static value_t *eval_node(eval_t *e, const node_t *n)
{
    if (e->err) return NULL;
    if (++e->depth > MAX_DEPTH) { e->depth--; return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "expression nested too deeply"); }
    if (!charge_at(e, 1, n)) { e->depth--; return NULL; }
    value_t *r = NULL;
    char *err = NULL;
    switch (n->kind) {
    case E_NUM:
        r = number(e, n, &err);
        if (!r) fail_value(e, AST_LOC(n), err);
        break;
    case E_QUANTITY: r = quantity(e, n); break;
    case E_STR: r = value_str(n->text); break;
    case E_BOOL: r = value_bool(n->op); break;
    case E_DATE: {
        date_t d;
        if (!dates_parse(n->text, &d)) eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "no such date: %s", n->text);
        else r = value_date(d);
        break;
    }
    case E_IDENT: r = lookup(e, n); break;
    case E_BINOP: r = binop(e, n); break;
    case E_UNARY: {
        value_t *a = eval_expr(e, n->a);
        if (!a) break;
        if (n->op == OP_NOT) {
            if (a->kind != V_BOOL) eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "`not` needs true or false, not a %s", value_kind_name(a));
            else r = value_bool(!a->u.b);
        } else {
            r = value_neg(a, &err);
            if (!r) fail_value(e, AST_LOC(n), err);
        }
        value_free(a);
        break;
    }
    case E_IN: {
        value_t *a = eval_expr(e, n->a);
        value_t *b = a ? eval_expr(e, n->b) : NULL;
        if (a && b) { r = value_convert(e->sh->units, a, b, &err); if (!r) fail_value(e, AST_LOC(n), err); }
        value_free(a);
        value_free(b);
        break;
    }
    case E_IF: {
        value_t *c = eval_expr(e, n->a);
        if (!c) break;
        if (c->kind != V_BOOL) eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "`if` needs true or false, not a %s", value_kind_name(c));
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
            if (a->kind != V_LIST) eval_fail(e, AST_LOC(n), DIAG_RUNTIME, "only a list can be indexed, not a %s", value_kind_name(a));
            else if (i->kind != V_NUM || !dim_is_zero(value_dim(i)) || mpz_cmp_ui(mpq_denref(i->u.num.q), 1) != 0)
                eval_fail(e, AST_LOC(n->b), DIAG_RUNTIME, "a list index must be a whole number, counting from 0");
            else if (!a->u.list.n)
                eval_fail(e, AST_LOC(n->b), DIAG_RUNTIME, "index out of range: the list is empty");
            else if (mpz_sgn(mpq_numref(i->u.num.q)) < 0 || mpz_cmp_ui(mpq_numref(i->u.num.q), a->u.list.n) >= 0)
                eval_fail(e, AST_LOC(n->b), DIAG_RUNTIME, "index out of range: the list has %zu items (0 to %zu)", a->u.list.n, a->u.list.n - 1);
            else r = value_ref(a->u.list.items[mpz_get_ui(mpq_numref(i->u.num.q))]);
        }
        value_free(a);
        value_free(i);
        break;
    }
    case E_LIST: {
        /* the array grows as the items are made: counting them first walked a long
         * list's nodes twice */
        size_t cnt = 0, cap = 4;
        value_t **items = malloc(cap * sizeof *items);
        const node_t *it = n->list;
        for (; items && it; it = it->next) {
            if (cnt == cap) {
                value_t **more = realloc(items, (cap *= 2) * sizeof *items);
                if (!more) break;
                items = more;
            }
            if (!(items[cnt] = eval_expr(e, it))) break;
            cnt++;
        }
        if (!items || it) {
            if (!e->err) eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory");
            for (size_t j = 0; j < cnt; j++) value_free(items[j]);
            free(items);
            break;
        }
        r = value_list(items, cnt);
        break;
    }
    case E_RECORD: r = eval_record(e, n); break;
    default: eval_fail(e, AST_LOC(n), DIAG_SYNTAX, "a %s is not an expression", ast_kind_name(n->kind)); break;
    }
    e->depth--;
    if (!r && !e->err) eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory");
    if (!r || (r->kind != V_LIST && r->kind != V_RECORD)) return r;   /* only these hold other values */
    if (value_too_deep(r)) {
        value_free(r);
        return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "lists and records nested too deeply (more than %d levels)", VALUE_MAX_DEPTH);
    }
    if (value_too_large(r)) {
        value_free(r);
        return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "a list or record holding more than 5 million values");
    }
    return r;
}

/* Fields may refer to the record's earlier fields. Each field is looked up among the
 * earlier ones, so a record literal is bounded to keep that search short. */
enum { MAX_RECORD_FIELDS = 10000 };
static value_t *eval_record(eval_t *e, const node_t *n)
{
    if (ast_count(n->list) > MAX_RECORD_FIELDS)
        return eval_fail(e, AST_LOC(n), DIAG_LIMIT, "a record of more than 10,000 fields (use a list)");
    value_t *rec = value_record(NULL);
    if (!rec) return NULL;
    scope_t *mark = e->scope;
    for (const node_t *f = n->list; f; f = f->next) {
        if (value_record_get(rec, f->text)) { eval_fail(e, AST_LOC(f), DIAG_NAME, "field `%s` appears twice", f->text); break; }
        value_t *v = eval_expr(e, f->a);
        if (!v || !eval_scope_push(e, f->text, value_ref(v)) || !value_record_set(rec, f->text, v)) { if (!e->err) eval_fail(e, AST_LOC(f), DIAG_LIMIT, "out of memory"); break; }
    }
    eval_scope_pop_to(e, mark);
    if (e->err) { value_free(rec); return NULL; }
    return rec;
}

/* ---------- definitions ---------- */

/* Drops a global binding, if any; values computed from it keep their own references. */
static void global_remove(eval_t *e, const char *name)
{
    for (binding_t **p = &e->globals[hash(name)]; *p; p = &(*p)->next)
        if (!strcmp((*p)->name, name)) {
            binding_t *b = *p;
            *p = b->next;
            free(b->name);
            value_free(b->value);
            free(b);
            return;
        }
}

void eval_allow_redefinition(eval_t *e) { e->sh->redefine = 1; }

/* A definition, parameter or workload field may not take a unit's name (plurals aside, which
 * the unit lookup gives way to): `kW = 5` would make `3 kW` 15, not 3 kilowatts. */
static int check_not_unit(eval_t *e, const char *name, const loc_t *loc)
{
    int unit = units_find_as_written(e->sh->units, name);
    if (unit < 0) return 1;
    char *dim = units_format_dim(e->sh->units, &units_get(e->sh->units, unit)->dim);
    eval_fail(e, loc, DIAG_NAME, "`%s` is a unit (of %s), so it cannot also be a name: `2 %s` would mean either", name,
              dim && *dim ? dim : "its own dimension", name);
    diag_set_hint(e->err, "give it another name, such as `%s_1` or `my_%s`", name, name);
    free(dim);
    return 0;
}

static int check_new_name(eval_t *e, const char *name, const loc_t *loc)
{
    binding_t *b = eval_global_find(e, name);
    if (b && !e->sh->redefine) {
        eval_fail(e, loc, DIAG_NAME, "`%s` is already defined", name);
        if (b->loc.src) diag_set_hint(e->err, "the first definition is at %s:%d:%d", b->loc.src->name, b->loc.first_line, b->loc.first_column);
        return 0;
    }
    if (!check_not_unit(e, name, loc)) return 0;
    if (builtins_find(name) || eval_call_find(name) || !strcmp(name, "period")) { eval_fail(e, loc, DIAG_NAME, "`%s` is a builtin name", name); return 0; }
    return 1;
}

/* ---------- units ---------- */

static void unit_memo_clear(shared_t *sh)
{
    for (size_t i = 0; i < UNIT_MEMO_SLOTS; i++) { value_free(sh->unit_memo[i].value); sh->unit_memo[i].value = NULL; sh->unit_memo[i].at = NULL; }
}

/* Re-running a program (scenarios, the REPL's :load) declares its units again: an
 * identical declaration is accepted, a different one is an error. */
static int unit_declare(eval_t *e, const node_t *n)
{
    units_t *u = e->sh->units;
    const char *err = NULL;
    if (n->kind == S_DIMENSION) {
        if (units_find_dimension(u, n->text) >= 0) return 1;
        if (units_add_dimension(u, n->text, &err) < 0) { eval_fail(e, AST_LOC(n), DIAG_UNIT, "%s", err); return 0; }
        return 1;
    }
    if (eval_global_find(e, n->text)) { eval_fail(e, AST_LOC(n), DIAG_NAME, "`%s` is already defined as a name", n->text); return 0; }
    if (n->kind == S_PREFIX) {
        value_t *v = eval_expr(e, n->a);
        if (!v) return 0;
        int ok = 0;
        mpq_t old;
        mpq_init(old);
        if (!value_is_dimensionless(v)) eval_fail(e, AST_LOC(n->a), DIAG_UNIT, "a prefix must be a plain number");
        else if (units_prefix_value(u, n->text, old)) {
            ok = mpq_equal(old, v->u.num.q);   /* the same declaration again (a re-run) */
            if (!ok) eval_fail(e, AST_LOC(n), DIAG_UNIT, "prefix `%s` is already declared with another value", n->text);
        } else if (units_add_prefix(u, n->text, v->u.num.q, &err) < 0) eval_fail(e, AST_LOC(n), DIAG_UNIT, "%s", err);
        else ok = 1;
        mpq_clear(old);
        value_free(v);
        return ok;
    }
    int existing = units_is_declared(u, n->text) ? units_find(u, n->text) : -1;
    if (!n->a) {
        int dim = -1;
        if (n->b && (dim = units_find_dimension(u, n->b->text)) < 0) {
            eval_fail(e, AST_LOC(n->b), DIAG_UNIT, "unknown dimension `%s` (declare it with `dimension %s`)", n->b->text, n->b->text);
            return 0;
        }
        if (existing >= 0) {
            /* the same declaration again (a re-run) is fine; anything else is not */
            if (units_is_base_of(u, existing, n->b ? n->b->text : n->text)) return 1;
            eval_fail(e, AST_LOC(n), DIAG_UNIT, "unit `%s` is already declared with another definition", n->text);
            return 0;
        }
        if (units_add_base(u, n->text, dim, n->flag, &err) < 0) { eval_fail(e, AST_LOC(n), DIAG_UNIT, "%s", err); return 0; }
        return 1;
    }
    value_t *v = eval_expr(e, n->a);
    if (!v) return 0;
    int ok = 0;
    if (v->kind != V_NUM) eval_fail(e, AST_LOC(n->a), DIAG_UNIT, "a unit must be defined as a quantity, not a %s", value_kind_name(v));
    else if (existing >= 0) {
        const unit_def_t *d = units_get(u, existing);
        ok = mpq_equal(d->factor, v->u.num.q) && dim_eq(&d->dim, value_dim(v));
        if (!ok) eval_fail(e, AST_LOC(n), DIAG_UNIT, "unit `%s` is already declared with another value", n->text);
    } else {
        int id = units_add_derived(u, n->text, v->u.num.q, value_dim(v), n->flag, &err);
        if (id < 0) eval_fail(e, AST_LOC(n), DIAG_UNIT, "%s", err);
        else { ok = 1; if (v->u.num.approx) units_set_approx(u, id); }
    }
    value_free(v);
    return ok;
}

/* A new unit or prefix may change what a name means, even one its own declaration has just
 * read (`unit hours = 3 hours` reads the plural of hour): the memo is emptied after it. */
static int unit_statement(eval_t *e, const node_t *n)
{
    int ok = unit_declare(e, n);
    unit_memo_clear(e->sh);
    return ok;
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
        if (!s) { value_free(v); eval_fail(e, loc, DIAG_LIMIT, "out of memory"); return 0; }
        e->shown = s; e->capshown = cap;
    }
    char *copy = strdup(label ? label : "");
    if (!copy) { value_free(v); eval_fail(e, loc, DIAG_LIMIT, "out of memory"); return 0; }
    e->shown[e->nshown++] = (shown_t){ copy, v };
    return 1;
}

char *eval_describe(eval_t *e, const value_t *v) { return format_value(e->sh->units, v, 0); }

int eval_show_value(eval_t *e, const char *label, value_t *v) { return record_show(e, label, v, NULL); }

void eval_warn(eval_t *e, const loc_t *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *line = loc && loc->src ? diag_format("%s:%d:%d: warning: %s", loc->src->name, loc->first_line, loc->first_column, msg)
                                 : diag_format("outlay: warning: %s", msg);
    char **w = line ? realloc(e->warnings, (e->nwarnings + 1) * sizeof *w) : NULL;
    if (!w) { free(line); return; }   /* out of memory: the warning is lost, the run goes on */
    e->warnings = w;
    w[e->nwarnings++] = line;
}

size_t eval_warning_count(const eval_t *e) { return e->nwarnings; }
const char *eval_warning(const eval_t *e, size_t i) { return e->warnings[i]; }
void eval_set_skip_bad_rows(eval_t *e, int skip) { e->sh->skip_bad_rows = skip; }
void eval_set_usage_path(eval_t *e, const char *path) { e->sh->usage_path = path; }

void eval_set_database(eval_t *e, const char *table, long timeout_ms, int allow, int show_query)
{
    e->sh->usage_table = table;
    e->sh->usage_timeout_ms = timeout_ms;
    e->sh->allow_database = allow;
    e->sh->show_query = show_query;
}

const char *eval_usage_queries(const eval_t *e) { return e->sh->usage_queries; }

/* The failure detail of a comparison: both sides and the gap. */
static char *assert_detail(eval_t *e, const node_t *cond)
{
    if (cond->kind != E_BINOP || cond->op < OP_EQ || cond->op > OP_GE) return NULL;
    value_t *a = eval_expr(e, cond->a), *b = a ? eval_expr(e, cond->b) : NULL;
    char *out = NULL;
    if (a && b) {
        static const char *ops[] = { "==", "!=", "<", "<=", ">", ">=" };
        char *sa = eval_describe(e, a), *sb = eval_describe(e, b), *gap = NULL;
        char *err = NULL;
        value_t *d = a->kind == V_NUM && b->kind == V_NUM ? value_sub(e->sh->units, a, b, &err) : NULL;
        free(err);
        if (d) {
            if (mpq_sgn(d->u.num.q) < 0) { value_t *nd = value_neg(d, &err); free(err); value_free(d); d = nd; }
            if (d) gap = eval_describe(e, d);
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
    if (c->kind != V_BOOL) { value_free(c); eval_fail(e, AST_LOC(n->a), DIAG_RUNTIME, "assert needs a condition that is true or false"); return 0; }
    int passed = c->u.b;
    value_free(c);
    char *msg = NULL;
    if (n->b) {
        value_t *m = eval_expr(e, n->b);
        if (!m) return 0;
        msg = m->kind == V_STR ? strdup(m->u.s) : eval_describe(e, m);
        value_free(m);
    }
    if (e->rerun) { free(msg); return 1; }
    if (e->nasserts == e->capasserts) {
        size_t cap = e->capasserts ? e->capasserts * 2 : 16;
        assertion_t *a = realloc(e->asserts, cap * sizeof *a);
        if (!a) { free(msg); eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory"); return 0; }
        e->asserts = a; e->capasserts = cap;
    }
    assertion_t *a = &e->asserts[e->nasserts++];
    loc_t span = ast_span(n->a);
    a->label = eval_loc_text(&span);
    a->message = msg;
    a->detail = passed ? NULL : assert_detail(e, n->a);
    a->loc = span;
    a->passed = passed;
    return !e->err;
}

/* An imported file is a module: it brings its definitions, units and scenarios; what it
 * shows, asserts, compares or sweeps belongs to it being run on its own. */
static int module_skips(const node_t *n)
{
    return n->kind == S_SHOW || n->kind == S_EXPR || n->kind == S_ASSERT || n->kind == S_COMPARE || n->kind == S_SWEEP;
}

static int exec_stmt(eval_t *e, const node_t *n)
{
    if (e->importing && module_skips(n)) return 1;
    switch (n->kind) {
    case S_DEF: {
        if (!check_new_name(e, n->text, AST_LOC(n))) return 0;
        const override_t *o = scenario_override_for(e, n->text);
        value_t *v = scenario_value(e, n->text, n->a);
        if (v && n->flag && !usage_eval_is(v)) {   /* usage NAME = ... */
            loc_t at = ast_span(n->a);
            eval_fail(e, &at, DIAG_RUNTIME, "`usage %s` needs a usage source such as read_usage(\"export.csv\"), not a %s", n->text, value_kind_name(v));
            value_free(v);
            return 0;
        }
        if (!v || !global_define(e, n, v)) return 0;
        binding_t *b = eval_global_find(e, n->text);
        if (o) { b->overridden = 1; b->expr = o->value ? NULL : o->expr; }
        return 1;
    }
    case S_FN: {
        if (!check_new_name(e, n->text, AST_LOC(n))) return 0;
        for (const node_t *p = n->list; p; p = p->next)
            if (!check_not_unit(e, p->text, AST_LOC(p))) return 0;
        for (const node_t *p = n->list; p; p = p->next)
            for (const node_t *before = n->list; before != p; before = before->next)
                if (!strcmp(before->text, p->text)) {
                    eval_fail(e, AST_LOC(p), DIAG_NAME, "%s() has two parameters named `%s`", n->text, p->text);
                    return 0;
                }
        value_t *v = value_object(&function_type, (void *)n);
        return v && global_define(e, n, v);
    }
    case S_CONTRACT: {
        if (!check_new_name(e, n->text, AST_LOC(n))) return 0;
        value_t *v = terms_contract(e, n);
        return v && global_define(e, n, v);
    }
    case S_WORKLOAD: {
        if (!check_new_name(e, n->text, AST_LOC(n))) return 0;
        for (const node_t *it = n->list; it; it = it->next)
            if (it->kind == S_DEF && !check_not_unit(e, it->text, AST_LOC(it))) return 0;
        value_t *v = value_object(&terms_workload_type, (void *)n);
        return v && global_define(e, n, v);
    }
    case S_SHOW: case S_EXPR: {
        value_t *v = eval_expr(e, n->a);
        if (!v) return 0;
        loc_t span = ast_span(n->a);
        char *label = eval_loc_text(&span);
        int ok = record_show(e, label, v, &span);
        free(label);
        return ok;
    }
    case S_ASSERT: return exec_assert(e, n);
    case S_FX: return fx_eval_statement(e, n);
    case S_UNIT: case S_DIMENSION: case S_PREFIX: return unit_statement(e, n);
    case S_SCENARIO: return 1;   /* collected when the file was loaded */
    case S_COMPARE: case S_SWEEP: {
        if (e->rerun) return 1;  /* a scenario run does not compare again */
        value_t *t = scenario_table(e, n);
        if (!t) return 0;
        char *label = n->kind == S_SWEEP ? diag_format("sweep %s", n->text) : strdup("compare");
        int ok = record_show(e, label, t, AST_LOC(n));
        free(label);
        return ok;
    }
    default:
        eval_fail(e, AST_LOC(n), DIAG_SYNTAX, "a %s cannot stand here", ast_kind_name(n->kind));
        return 0;
    }
}

/* The REPL: what read a redefined name is evaluated again, in the program's order, so
 * that no value stays computed from the old definition. */
static int recompute_dependents(eval_t *e, const node_t *def)
{
    const char *name = def->text;
    deps_t *g = scenario_program_deps(e);
    deps_touched_t *t = g ? deps_touch(g, &name, 1) : NULL;
    if (!t) { deps_free(g); eval_fail(e, AST_LOC(def), DIAG_LIMIT, "out of memory"); return 0; }
    e->recomputing = 1;
    for (size_t i = 0; i < e->sh->nmain && !e->err; i++)
        for (const node_t *s = e->sh->main[i]; s && !e->err; s = s->next) {
            const char *dep = deps_defined_name(s);
            if (s->kind == S_UNIT || s->kind == S_PREFIX || !dep || !strcmp(dep, name) || !deps_name_touched(t, dep)) continue;
            binding_t *b = eval_global_find(e, dep);
            if (b && b->def == s) exec_stmt(e, s);   /* only the definition in force */
        }
    e->recomputing = 0;
    deps_touched_free(t);
    deps_free(g);
    return !e->err;
}

/* Files being walked or run through their imports. Imports nest on this explicit stack,
 * not the C stack: a chain of 20,000 files is 20,000 small frames on the heap. */
typedef struct file_frame {
    const node_t *next;     /* the statement to go on with in this file */
    const node_t *import;   /* running: the import statement of the file below */
    const char *outer_dir;  /* running: the importing file's directory, restored after */
    char *dir;              /* this file's directory (NULL: the working directory) */
} file_frame_t;

typedef struct file_stack { file_frame_t *f; size_t n, cap; } file_stack_t;

static int file_push(eval_t *e, file_stack_t *st, file_frame_t fr)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        file_frame_t *f = realloc(st->f, cap * sizeof *f);
        if (!f) { free(fr.dir); eval_fail(e, NULL, DIAG_LIMIT, "out of memory"); return 0; }
        st->f = f;
        st->cap = cap;
    }
    st->f[st->n++] = fr;
    return 1;
}

static int import_open(eval_t *e, const node_t *n, node_t **ast, char **dir);

static void file_done(eval_t *e, const node_t *s)
{
    if (!e->rerun) deps_set_add(e->sh->done, s);   /* when out of memory, re-runs do it again */
}

/* Runs a file's statements; an import runs the imported file's statements (a module's:
 * see module_skips) before the next one, through an explicit stack of files. */
static int run_statements(eval_t *e, const node_t *stmts)
{
    file_stack_t st = {0};
    const node_t *s = stmts;
    int ok = 1;
    while (ok) {
        if (!s) {   /* the end of a file: back to its importer */
            if (!st.n) break;
            file_frame_t *fr = &st.f[--st.n];
            e->current_dir = fr->outer_dir;
            free(fr->dir);
            e->importing--;
            file_done(e, fr->import);
            s = fr->next;
            continue;
        }
        if (e->touched && deps_set_has(e->sh->done, s) && !deps_stmt_touched(e->touched, s)) { s = s->next; continue; }
        if (s->kind == S_IMPORT) {
            node_t *ast = NULL;
            char *dir = NULL;
            if (!import_open(e, s, &ast, &dir) || e->err) { ok = 0; break; }
            if (!ast) { free(dir); file_done(e, s); s = s->next; continue; }   /* imported already, or only comments */
            if (!file_push(e, &st, (file_frame_t){ s->next, s, e->current_dir, dir })) { ok = 0; break; }
            e->current_dir = dir;
            e->importing++;
            s = ast;
            continue;
        }
        const char *name = deps_defined_name(s);
        int redefines = e->sh->redefine && !e->rerun && !e->recomputing && name && eval_global_find(e, name);
        if (!exec_stmt(e, s) || e->err || (redefines && !recompute_dependents(e, s))) { ok = 0; break; }
        file_done(e, s);
        s = s->next;
    }
    if (!ok) {
        /* the statement of this file that failed: an import, when it was in a file it ran */
        e->failed_stmt = st.n ? st.f[0].import : s;
        while (st.n) {
            file_frame_t *fr = &st.f[--st.n];
            e->current_dir = fr->outer_dir;
            free(fr->dir);
            e->importing--;
        }
    }
    free(st.f);
    return ok;
}

/* ---------- files and imports ---------- */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

/* Opens an import under the file-access policy: beside the importing file (a program
 * from the command line or the REPL imports from the working directory) when beside is
 * set, then in each search directory. The first place that has the name decides: a file
 * there that is refused or unreadable is an error, never a reason to look further. */
static policy_result find_import(eval_t *e, const char *name, int beside, policy_file_t *f, char **why)
{
    size_t len = strlen(name);
    char *file = diag_format("%s%s", name, len > 7 && !strcmp(name + len - 7, ".outlay") ? "" : ".outlay");
    *why = NULL;
    if (!file) return POLICY_REFUSED;
    policy_result r = POLICY_NOT_FOUND;
    if (beside || name[0] == '/') r = policy_open(e->sh->policy, e->current_dir, file, SOURCE_MAX_BYTES, f, why);
    for (size_t i = 0; name[0] != '/' && r == POLICY_NOT_FOUND && i < e->sh->ndirs; i++)
        r = policy_open(e->sh->policy, e->sh->dirs[i], file, SOURCE_MAX_BYTES, f, why);
    free(file);
    return r;
}

static int import_failed(eval_t *e, const loc_t *loc, const char *name, policy_result r, char *why)
{
    if (r == POLICY_NOT_FOUND) {
        eval_fail(e, loc, DIAG_IO, "cannot find \"%s\" to import", name);
        diag_set_hint(e->err, "imports are looked up beside the importing file, in OUTLAY_PATH and in the stdlib");
    } else eval_fail(e, loc, DIAG_IO, "cannot import \"%s\": %s", name, why ? why : "out of memory");
    free(why);
    return 0;
}

/* Parses the text src of the opened file f and keeps its AST for parse_file. */
static int parse_source(eval_t *e, const policy_file_t *f, source_t *src, const loc_t *from, node_t **ast)
{
    const struct stat *st = &f->st;
    loaded_t *l;
    if (src->len == 0 && !from) { eval_fail(e, NULL, DIAG_IO, "%s is empty", f->path); return 0; }
    diag_t *err = NULL;
    arena_t *arena = arena_new();
    node_t *parsed = arena ? syntax_parse(arena, src, &err, NULL) : NULL;
    if (err || !arena) {   /* nothing of a file that does not parse is kept */
        arena_free(arena);
        if (!err) err = diag_new(DIAG_LIMIT, from, "out of memory");
        if (!e->err) e->err = err; else diag_free(err);
        return 0;
    }
    if (!(l = calloc(1, sizeof *l)) || !(l->path = strdup(f->real)) || !strmap_put(e->sh->parsed, l->path, l)) {
        if (l) free(l->path);
        free(l);
        arena_free(arena);
        eval_fail(e, from, DIAG_LIMIT, "out of memory");
        return 0;
    }
    l->arena = arena;
    l->ast = parsed;
    l->size = (long long)st->st_size;
    l->inode = (long long)st->st_ino;
    l->mtime_s = (long long)st->st_mtim.tv_sec;
    l->mtime_ns = (long long)st->st_mtim.tv_nsec;
    l->next = e->sh->files;   /* an older parse stays: the program may still hold its AST */
    e->sh->files = l;
    *ast = l->ast;
    return 1;
}

/* Parses an opened file once while it stays as it was (scenario re-runs reuse the AST;
 * the REPL's :load of an edited file parses it again); reads and closes f's descriptor. Files are
 * known by real path; diagnostics call them by f->path. *ast may be NULL for a file of
 * comments. */
static int parse_file(eval_t *e, policy_file_t *f, const loc_t *from, node_t **ast)
{
    const struct stat *st = &f->st;
    loaded_t *l = strmap_get(e->sh->parsed, f->real);
    if (l && l->size == (long long)st->st_size && l->inode == (long long)st->st_ino &&
        l->mtime_s == (long long)st->st_mtim.tv_sec && l->mtime_ns == (long long)st->st_mtim.tv_nsec) {
        close(f->fd);   /* an import chain must not hold a descriptor per file */
        f->fd = -1;
        *ast = l->ast;
        return 1;
    }
    const char *why = NULL;
    source_t *src = source_from_fd(f->fd, f->path, f->path, &why);
    f->fd = -1;
    if (!src) { eval_fail(e, from, DIAG_IO, "cannot read %s: %s", f->path, why); return 0; }
    return parse_source(e, f, src, from, ast);
}


/* Imports are run in order, but their scenarios must be known before anything runs:
 * this walks the import graph of a newly loaded file once, depth first. */
static int scan_imports(eval_t *e, node_t *ast, const char *path)
{
    const char *saved = e->current_dir;
    file_stack_t st = {0};
    int ok = file_push(e, &st, (file_frame_t){ ast, NULL, NULL, path ? dir_of(path) : NULL });
    while (ok && st.n) {
        file_frame_t *top = &st.f[st.n - 1];
        const node_t *s = top->next;
        while (s && s->kind != S_IMPORT) s = s->next;
        if (!s) { free(top->dir); st.n--; continue; }
        top->next = s->next;
        e->current_dir = top->dir ? top->dir : saved;
        policy_file_t f;
        char *why = NULL;
        node_t *imported = NULL;
        /* an import that cannot be opened is reported when it runs */
        if (find_import(e, s->text, 1, &f, &why) != POLICY_OK) { free(why); continue; }
        if (!strmap_get(e->sh->parsed, f.real))
            ok = parse_file(e, &f, AST_LOC(s), &imported) && scenario_register(e, imported) &&
                 file_push(e, &st, (file_frame_t){ imported, NULL, NULL, dir_of(f.path) });
        policy_file_close(&f);
    }
    while (st.n) free(st.f[--st.n].dir);
    free(st.f);
    e->current_dir = saved;
    return ok;
}

int eval_run_in_dir(eval_t *e, const node_t *ast, const char *path)
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
static int mark_imported(eval_t *e, const char *real)
{
    if (!e->imported && !(e->imported = strmap_new())) return eval_fail(e, NULL, DIAG_LIMIT, "out of memory"), 0;
    if (strmap_get(e->imported, real)) return 0;
    if (!strmap_put(e->imported, real, e)) return eval_fail(e, NULL, DIAG_LIMIT, "out of memory"), 0;
    return 1;
}

/* Opens an import for running: 1 with *ast (NULL: nothing to run, the file was imported
 * already in this run or holds only comments) and *dir, its directory; 0 on an error. */
static int import_open(eval_t *e, const node_t *n, node_t **ast, char **dir)
{
    policy_file_t f;
    char *why = NULL;
    policy_result r = find_import(e, n->text, 1, &f, &why);
    if (r != POLICY_OK) return import_failed(e, AST_LOC(n), n->text, r, why);
    int ok = 1;
    if (!mark_imported(e, f.real)) ok = !e->err;
    else if (!parse_file(e, &f, AST_LOC(n), ast)) {
        strmap_remove(e->imported, f.real);   /* not imported after all: a fixed file may be, later */
        ok = 0;
    } else if (*ast && !(*dir = dir_of(f.path))) ok = (eval_fail(e, AST_LOC(n), DIAG_LIMIT, "out of memory"), 0);
    policy_file_close(&f);
    return ok;
}

/* ---------- construction ---------- */

eval_t *eval_child(eval_t *parent)
{
    eval_t *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->sh = parent->sh;
    e->rerun = 1;
    return e;
}

/* The prelude comes from the search path only, never from beside the program. */
static int load_prelude(eval_t *e)
{
    policy_file_t f;
    char *why = NULL;
    node_t *ast = NULL;
    policy_result r = find_import(e, "prelude", 0, &f, &why);
    if (r == POLICY_NOT_FOUND) {
        eval_fail(e, NULL, DIAG_IO, "cannot find the stdlib prelude (set OUTLAY_PATH to the stdlib directory)");
        return 0;
    }
    if (r != POLICY_OK) return import_failed(e, NULL, "prelude", r, why);
    int ok = mark_imported(e, f.real) && parse_file(e, &f, NULL, &ast) && eval_run_in_dir(e, ast, f.path);
    if (ok && !e->rerun) e->sh->prelude = ast;
    policy_file_close(&f);
    return ok;
}

eval_t *eval_new(diag_t **err)
{
    *err = NULL;
    eval_t *e = calloc(1, sizeof *e);
    shared_t *sh = e ? calloc(1, sizeof *sh) : NULL;
    if (!sh || !(sh->units = units_new()) || !(sh->arena = arena_new()) || !(sh->done = deps_set_new()) ||
        !(sh->parsed = strmap_new()) || !(sh->policy = policy_new())) {
        if (sh) { units_free(sh->units); arena_free(sh->arena); deps_set_free(sh->done); strmap_free(sh->parsed); free(sh); }
        free(e);
        *err = diag_new(DIAG_LIMIT, NULL, "out of memory");
        return NULL;
    }
    e->sh = sh;
    e->is_root = 1;
    return e;
}

int eval_ensure_prelude(eval_t *e)
{
    if (e->prelude_loaded) return 1;
    if (e->sh->ndirs == 0) eval_default_search_path(e);
    return e->prelude_loaded = load_prelude(e);
}

void eval_add_search_dir(eval_t *e, const char *dir)
{
    char **d = realloc(e->sh->dirs, (e->sh->ndirs + 1) * sizeof *d);
    if (!d) return;
    e->sh->dirs = d;
    if ((d[e->sh->ndirs] = strdup(dir))) e->sh->ndirs++;
    char *why = NULL;
    policy_allow(e->sh->policy, dir, &why);   /* a directory that does not exist has nothing to read */
    free(why);
}

policy_t *eval_policy(eval_t *e) { return e->sh->policy; }

int eval_allow_path(eval_t *e, const char *dir, diag_t **err)
{
    char *why = NULL;
    if (policy_allow(e->sh->policy, dir, &why)) return 1;
    *err = diag_new(DIAG_IO, NULL, "--allow-path %s", why ? why : "out of memory");
    free(why);
    return 0;
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
    strmap_free(e->imported);
    for (override_t *o = e->overrides, *n; o; o = n) { n = o->next; free(o->name); value_free(o->value); free(o); }
    free_results(e);
    for (size_t i = 0; i < e->nwarnings; i++) free(e->warnings[i]);
    free(e->warnings);
    value_free(e->last);
    fx_table_free(e->fx);
    free(e->scenario);
    eval_scope_pop_to(e, NULL);
    diag_free(e->err);
    deps_touched_free(e->touched);
    if (e->is_root) {
        shared_t *sh = e->sh;
        terms_memo_free(sh->price_memos);
        for (loaded_t *l = sh->files, *n; l; l = n) { n = l->next; free(l->path); arena_free(l->arena); free(l); }
        strmap_free(sh->parsed);
        policy_free(sh->policy);
        free(sh->usage_queries);
        for (size_t i = 0; i < sh->ndirs; i++) free(sh->dirs[i]);
        free(sh->dirs);
        free(sh->main);
        arena_free(sh->arena);
        deps_set_free(sh->done);
        unit_memo_clear(sh);
        units_free(sh->units);
        free(sh);
    }
    free(e);
}

/* ---------- loading and running ---------- */

static int add_main(eval_t *e, node_t *ast)
{
    shared_t *sh = e->sh;
    if (sh->nmain == sh->capmain) {
        size_t cap = sh->capmain ? sh->capmain * 2 : 8;
        node_t **m = realloc(sh->main, cap * sizeof *m);
        if (!m) return 0;
        sh->main = m; sh->capmain = cap;
    }
    /* a file whose scenarios clash is not queued (the REPL goes on without it) */
    if (!scenario_register(e, ast)) return 0;
    sh->main[sh->nmain++] = ast;
    return 1;
}

int eval_take_error(eval_t *e, diag_t **err)
{
    *err = e->err;
    e->err = NULL;
    return *err == NULL;
}

/* The file the user named is read wherever it is, and its directory tree becomes one the
 * program may read; a program from standard input or the REPL has the working directory's. */
static int allow_tree(eval_t *e, const char *dir)
{
    char *why = NULL;
    int ok = policy_allow(e->sh->policy, dir, &why);
    if (!ok) eval_fail(e, NULL, DIAG_IO, "%s", why ? why : "out of memory");
    free(why);
    return ok;
}

/* The program f (its text src, or NULL to read f's descriptor): its directory tree may be
 * read, and it counts as imported, so an import cycle back to it stops there. */
static int load_main(eval_t *e, policy_file_t *f, source_t *src, diag_t **err)
{
    char *dir = dir_of(f->path);
    node_t *ast = NULL;
    if (dir && allow_tree(e, dir) && (src ? parse_source(e, f, src, NULL, &ast) : parse_file(e, f, NULL, &ast)) &&
        add_main(e, ast)) {
        scan_imports(e, ast, f->path);
        mark_imported(e, f->real);
    }
    if (!dir && !e->err) eval_fail(e, NULL, DIAG_LIMIT, "out of memory");
    free(dir);
    return eval_take_error(e, err);
}

/* Opens a file named on the command line; 0 with e's error set when it cannot be read. */
static int open_named(eval_t *e, const char *path, policy_file_t *f)
{
    char *why = NULL;
    policy_result r = policy_open_user(e->sh->policy, path, SOURCE_MAX_BYTES, f, &why);
    if (r != POLICY_OK) eval_fail(e, NULL, DIAG_IO, "%s", why ? why : "out of memory");
    free(why);
    return r == POLICY_OK;
}

int eval_load_file(eval_t *e, const char *path, diag_t **err)
{
    policy_file_t f;
    if (!open_named(e, path, &f)) return eval_take_error(e, err);
    int ok = load_main(e, &f, NULL, err);
    policy_file_close(&f);
    return ok;
}

int eval_load_read(eval_t *e, policy_file_t *f, source_t *src, diag_t **err)
{
    if (!policy_remember(e->sh->policy, &f->st)) {
        eval_fail(e, NULL, DIAG_LIMIT, "out of memory");
        return eval_take_error(e, err);
    }
    return load_main(e, f, src, err);
}

int eval_load_fx_file(eval_t *e, const char *path, diag_t **err)
{
    policy_file_t f;
    int opened = open_named(e, path, &f);
    node_t *ast = NULL;
    if (opened && parse_file(e, &f, NULL, &ast)) {
        const node_t *other = ast;
        while (other && other->kind == S_FX) other = other->next;
        if (other) {
            eval_fail(e, AST_LOC(other), DIAG_RUNTIME, "an --fx file holds exchange-rate tables only");
            diag_set_hint(e->err, "write each as fx EUR in USD { from 2027-01-01 = 1.08 USD/EUR }; the rest belongs in the program");
        } else if (ast) add_main(e, ast);
    }
    if (opened) policy_file_close(&f);
    return eval_take_error(e, err);
}

int eval_load_source(eval_t *e, source_t *src, diag_t **err, int *incomplete)
{
    diag_t *perr = NULL;
    node_t *ast = syntax_parse(e->sh->arena, src, &perr, incomplete);
    if (perr) { *err = perr; return 0; }
    if (!src->path && !allow_tree(e, ".")) return eval_take_error(e, err);
    if (ast && add_main(e, ast)) scan_imports(e, ast, NULL);
    return eval_take_error(e, err);
}

int eval_run(eval_t *e, diag_t **err)
{
    /* overrides must have replaced something by the end of the first run; the REPL's
     * later lines come after a :scenario and may define nothing it names */
    int first = e->ran == 0;
    int needs_prelude = e->sh->redefine || e->overrides, statements = 0;
    for (size_t i = e->ran; i < e->sh->nmain && !needs_prelude; i++) {
        statements |= e->sh->main[i] != NULL;
        needs_prelude = deps_needs_names(e->sh->main[i]);
    }
    needs_prelude |= !statements;   /* an empty program is run for the prelude's units */
    if (!needs_prelude || eval_ensure_prelude(e)) {   /* a constant needs no prelude */
        while (e->sh && e->ran < e->sh->nmain && !e->err) {
            node_t *ast = e->sh->main[e->ran++];
            if (ast && !eval_run_in_dir(e, ast, ast_loc(ast).src ? ast_loc(ast).src->path : NULL) && e->sh->redefine) {
                /* the REPL's program is what succeeded: re-runs stop before the statement that failed */
                if (e->failed_stmt == ast) e->sh->main[e->ran - 1] = NULL;
                for (node_t *s = ast; s; s = s->next) if (s->next == e->failed_stmt) { s->next = NULL; break; }
            }
        }
        if (!e->err && e->is_root && first) scenario_check_used(e);
    }
    guards_blame_set(e);
    return eval_take_error(e, err);
}

node_t *eval_parse_one(eval_t *e, const char *name, const char *text, node_kind kind, const char *expected, diag_t **err)
{
    source_t *src = source_from_string(name, text, strlen(text));
    if (!src) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); return NULL; }
    node_t *ast = syntax_parse(e->sh->arena, src, err, NULL);
    if (*err) return NULL;
    if (!ast || ast->kind != kind || ast->next) {
        loc_t l = { 1, 1, 1, (int)strlen(text) > 0 ? (int)strlen(text) : 1, src };
        *err = diag_new(DIAG_SYNTAX, &l, "%s", expected);
        return NULL;
    }
    return ast;
}

value_t *eval_expression(eval_t *e, const char *name, const char *text, diag_t **err)
{
    node_t *ast = eval_parse_one(e, name, text, S_EXPR, "expected one expression", err);
    if (!ast) return NULL;
    value_t *v = eval_ensure_prelude(e) ? eval_expr(e, ast->a) : NULL;
    if (!eval_take_error(e, err)) { value_free(v); return NULL; }
    return v;
}

void eval_set_quiet(eval_t *e, int quiet) { e->quiet = quiet; }

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
