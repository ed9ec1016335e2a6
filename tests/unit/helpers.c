/* Shared fixtures for the Criterion unit tests. */
#include "helpers.h"
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

char *h_strdup(const char *s)
{
    char *r = strdup(s);
    cr_assert_not_null(r, "out of memory");
    return r;
}

static void (*teardown_fn)(void);
static void free_arenas(void);

void h_on_teardown(void (*fn)(void)) { teardown_fn = fn; }

void h_teardown(void)
{
    void (*fn)(void) = teardown_fn;
    teardown_fn = NULL;
    if (fn) fn();
    free_arenas();
}

void h_leak_check(void)
{
#if defined(__SANITIZE_ADDRESS__)
    cr_expect_eq(__lsan_do_recoverable_leak_check(), 0, "memory leaked (see the LeakSanitizer report above)");
#endif
}

void h_finish(void)
{
    h_teardown();
    h_leak_check();
}

/* ---------- interpreter ---------- */

eval_t *h_eval_prelude(void)
{
    diag_t *err = NULL;
    eval_t *e = eval_new(&err);
    cr_assert_not_null(e, "eval_new failed: %s", err ? err->msg : "?");
    /* Only the source tree's stdlib: the test binary is not the build binary, so the
     * default path would also try the (maybe missing) install directory. */
    eval_add_search_dir(e, OUTLAY_SOURCE_STDLIB_DIR);
    source_t *src = source_from_string("<empty>", "", 0);
    cr_assert_not_null(src);
    int ok = eval_load_source(e, src, &err, NULL);
    cr_assert(ok, "loading an empty program failed: %s", err ? err->msg : "?");
    ok = eval_run(e, &err);
    cr_assert(ok, "running the prelude failed: %s", err ? err->msg : "?");
    cr_assert_not_null(eval_units(e));
    return e;
}

eval_t *h_eval_program(const char *text, diag_t **err)
{
    *err = NULL;
    eval_t *e = h_eval_prelude();
    source_t *src = source_from_string("<test>", text, strlen(text));
    cr_assert_not_null(src);
    if (eval_load_source(e, src, err, NULL)) eval_run(e, err);
    return e;
}

const value_t *h_shown(eval_t *e, size_t i)
{
    cr_assert_lt(i, eval_shown_count(e), "only %zu values were shown", eval_shown_count(e));
    return eval_shown(e, i)->value;
}

/* ---------- values ---------- */

value_t *h_lit(const char *text)
{
    char *err = NULL;
    value_t *v = value_from_literal(text, 0, 0, &err);
    if (!v) {
        cr_log_error("literal %s: %s", text, err ? err : "?");
        free(err);
        cr_assert_fail("literal %s refused", text);
    }
    return v;
}

value_t *h_frac(const char *text)
{
    mpq_t q;
    mpq_init(q);
    cr_assert_eq(mpq_set_str(q, text, 10), 0, "bad fraction %s", text);
    mpq_canonicalize(q);
    value_t *v = value_num(q);
    mpq_clear(q);
    cr_assert_not_null(v);
    return v;
}

value_t *h_unit(units_t *u, const char *name)
{
    int id = units_find(u, name);
    cr_assert_geq(id, 0, "unknown unit %s", name);
    value_t *v = value_unit(u, id);
    cr_assert_not_null(v);
    return v;
}

value_t *h_qty(units_t *u, const char *literal, ...)
{
    value_t *r = h_lit(literal);
    va_list ap;
    va_start(ap, literal);
    for (const char *name; (name = va_arg(ap, const char *));) {
        int exp = va_arg(ap, int);
        value_t *one = h_unit(u, name);
        value_t *ex = value_num_si(exp);
        char *err = NULL;
        value_t *p = value_pow(u, one, ex, &err);
        cr_assert_not_null(p, "%s^%d: %s", name, exp, err ? err : "?");
        value_t *m = value_mul(u, r, p, &err);
        cr_assert_not_null(m, "%s * %s^%d: %s", literal, name, exp, err ? err : "?");
        value_free(one);
        value_free(ex);
        value_free(p);
        value_free(r);
        r = m;
    }
    va_end(ap);
    return r;
}

char *h_text(const units_t *u, const value_t *v)
{
    char *s = format_value(u, v, 1);
    cr_assert_not_null(s);
    return s;
}

char *h_unit_text(const units_t *u, const value_t *v)
{
    uterm_t t;
    value_display_unit(u, v, &t);
    char *s = uterm_format(u, &t);
    cr_assert_not_null(s);
    return s;
}

int h_q_is(const mpq_t q, const char *frac)
{
    mpq_t want;
    mpq_init(want);
    int ok = mpq_set_str(want, frac, 10) == 0;
    mpq_canonicalize(want);
    ok = ok && mpq_equal(q, want);
    mpq_clear(want);
    return ok;
}

char *h_q_text(const mpq_t q)
{
    char *s = mpq_get_str(NULL, 10, q);
    cr_assert_not_null(s);
    return s;
}

char *h_magnitude(const units_t *u, const value_t *v)
{
    cr_assert_eq(v->kind, V_NUM);
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, v, m);
    char *s = h_q_text(m);
    mpq_clear(m);
    return s;
}

char *h_dim_text(const units_t *u, const value_t *v)
{
    cr_assert_eq(v->kind, V_NUM);
    char *s = units_format_dim(u, value_dim(v));
    cr_assert_not_null(s);
    return s;
}

const value_t *h_field(const value_t *rec, const char *path)
{
    char *copy = h_strdup(path), *save = NULL;
    const value_t *v = rec;
    for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
        cr_assert_not_null(v, "no value before field %s", k);
        cr_assert_eq(v->kind, V_RECORD, "field %s of a %s", k, value_kind_name(v));
        v = value_record_get(v, k);
        cr_assert_not_null(v, "no field %s (path %s)", k, path);
    }
    free(copy);
    return v;
}

const value_t *h_index(const value_t *list, size_t i)
{
    cr_assert_not_null(list);
    cr_assert_eq(list->kind, V_LIST);
    cr_assert_lt(i, list->u.list.n);
    return list->u.list.items[i];
}

/* ---------- parsing ---------- */

enum { MAX_ARENAS = 64 };
static arena_t *arenas[MAX_ARENAS];
static size_t narenas;

node_t *h_parse(const char *text, diag_t **err, int *incomplete)
{
    cr_assert_lt(narenas, (size_t)MAX_ARENAS, "too many parses in one test");
    arena_t *a = arena_new();
    cr_assert_not_null(a);
    arenas[narenas++] = a;
    source_t *src = source_from_string("<test>", text, strlen(text));
    cr_assert_not_null(src);
    return syntax_parse(a, src, err, incomplete);
}

static void free_arenas(void)
{
    for (size_t i = 0; i < narenas; i++) arena_free(arenas[i]);
    narenas = 0;
}

typedef struct sb { char *s; size_t n, cap; } sb_t;

static void put(sb_t *b, const char *s)
{
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->n + l + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        cr_assert_not_null(p);
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, l + 1);
    b->n += l;
}

static const char *op_name(int op)
{
    static char one[2];
    switch (op) {
    case OP_EQ: return "==";
    case OP_NE: return "!=";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    case OP_AND: return "and";
    case OP_OR: return "or";
    case OP_NOT: return "not";
    default: one[0] = (char)op; one[1] = '\0'; return one;
    }
}

static void sx(sb_t *b, const node_t *n);

static void sx_list(sb_t *b, const node_t *n)
{
    for (; n; n = n->next) { put(b, " "); sx(b, n); }
}

static void sx(sb_t *b, const node_t *n)
{
    char buf[64];
    if (!n) { put(b, "NULL"); return; }
    switch (n->kind) {
    case E_NUM: case E_QUANTITY: {
        /* a quantity prints as the product it stands for: (* 607 hour) */
        size_t len;
        const char *t = ast_number_text(n, &len);
        if (n->kind == E_QUANTITY) put(b, "(* ");
        char *digits = strndup(t, len);
        put(b, digits ? digits : "?");
        free(digits);
        if (n->op) { snprintf(buf, sizeof buf, "[e%d]", n->op); put(b, buf); }
        if (n->flag) put(b, "%");
        if (n->kind == E_QUANTITY) { put(b, " "); put(b, n->text); put(b, ")"); }
        break;
    }
    case E_STR: put(b, "\""); put(b, n->text); put(b, "\""); break;
    case E_BOOL: put(b, n->op ? "true" : "false"); break;
    case E_DATE: put(b, "#"); put(b, n->text); break;
    case E_IDENT: put(b, n->text); break;
    case E_BINOP: put(b, "("); put(b, op_name(n->op)); put(b, " "); sx(b, n->a); put(b, " "); sx(b, n->b); put(b, ")"); break;
    case E_UNARY: put(b, "("); put(b, op_name(n->op)); put(b, " "); sx(b, n->a); put(b, ")"); break;
    case E_IN: put(b, "(in "); sx(b, n->a); put(b, " "); sx(b, n->b); put(b, ")"); break;
    case E_IF: put(b, "(if "); sx(b, n->a); put(b, " "); sx(b, n->b); put(b, " "); sx(b, n->c); put(b, ")"); break;
    case E_CALL: put(b, "(call "); put(b, n->text); sx_list(b, n->list); put(b, ")"); break;
    case E_FIELD: put(b, "(. "); sx(b, n->a); put(b, " "); put(b, n->text); put(b, ")"); break;
    case E_INDEX: put(b, "([] "); sx(b, n->a); put(b, " "); sx(b, n->b); put(b, ")"); break;
    case E_LIST: put(b, "[list"); sx_list(b, n->list); put(b, "]"); break;
    case E_RECORD: put(b, "{record"); sx_list(b, n->list); put(b, "}"); break;
    case S_IMPORT: put(b, "(import \""); put(b, n->text); put(b, "\")"); break;
    case S_DEF: put(b, "(= "); put(b, n->text); put(b, " "); sx(b, n->a); put(b, ")"); break;
    case S_FN:
        put(b, "(fn "); put(b, n->text); put(b, " (");
        for (const node_t *p = n->list; p; p = p->next) { if (p != n->list) put(b, " "); put(b, p->text); }
        put(b, ") "); sx(b, n->a); put(b, ")");
        break;
    case S_SHOW: put(b, "(show "); sx(b, n->a); put(b, ")"); break;
    case S_EXPR: sx(b, n->a); break;
    case S_ASSERT:
        put(b, "(assert "); sx(b, n->a);
        if (n->b) { put(b, " "); sx(b, n->b); }
        put(b, ")");
        break;
    case S_UNIT:
        put(b, "(unit "); put(b, n->text);
        if (n->a) { put(b, " = "); sx(b, n->a); }
        if (n->b) { put(b, " : "); sx(b, n->b); }
        if (n->flag) put(b, " prefixed");
        put(b, ")");
        break;
    case S_DIMENSION: put(b, "(dimension "); put(b, n->text); put(b, ")"); break;
    case S_PREFIX: put(b, "(prefix "); put(b, n->text); put(b, " "); sx(b, n->a); put(b, ")"); break;
    case S_CONTRACT: put(b, "(contract "); put(b, n->text); sx_list(b, n->list); put(b, ")"); break;
    case S_WORKLOAD: put(b, "(workload "); put(b, n->text); sx_list(b, n->list); put(b, ")"); break;
    case S_SCENARIO:
        put(b, "(scenario "); put(b, n->text);
        if (n->b) { put(b, " extends "); sx(b, n->b); }
        sx_list(b, n->list); put(b, ")");
        break;
    case S_COMPARE: put(b, "(compare"); sx_list(b, n->list); put(b, " |"); sx_list(b, n->list2); put(b, ")"); break;
    case S_SWEEP: put(b, "(sweep "); put(b, n->text); put(b, " "); sx(b, n->a); put(b, " |"); sx_list(b, n->list2); put(b, ")"); break;
    case C_FIELD: put(b, "(field "); put(b, n->text); put(b, " "); sx(b, n->a); put(b, ")"); break;
    case C_RATE: put(b, "(rate "); put(b, n->text); put(b, " "); sx(b, n->a); put(b, ")"); break;
    case C_TIERS:
        put(b, "(tiers "); put(b, n->text); put(b, n->op == TIERS_GRADUATED ? " graduated" : " volume");
        if (n->flag) put(b, " cumulative");
        if (n->a) { put(b, " from "); sx(b, n->a); }
        if (n->list2) { put(b, " shared"); sx_list(b, n->list2); put(b, " |"); }
        sx_list(b, n->list); put(b, ")");
        break;
    case T_TIER: {
        static const char *names[] = { "first", "next", "upto", "below", "above" };
        put(b, "("); put(b, n->op >= 0 && n->op <= TIER_ABOVE ? names[n->op] : "?tier"); put(b, " ");
        if (n->a) { sx(b, n->a); put(b, " "); }
        sx(b, n->b); put(b, ")");
        break;
    }
    case C_COMMIT:
        put(b, n->flag ? "(fee " : "(commit "); sx(b, n->a);
        if (n->text) { put(b, " of reserved "); put(b, n->text); }
        if (n->b) { put(b, " from "); sx(b, n->b); }
        if (n->c) { put(b, " until "); sx(b, n->c); }
        put(b, ")");
        break;
    case C_RESERVE:
        put(b, "(reserve "); put(b, n->text); put(b, " "); sx(b, n->a);
        if (n->b) { put(b, " overage "); sx(b, n->b); }
        put(b, ")");
        break;
    case C_DISCOUNT:
        put(b, "(discount "); sx(b, n->a);
        if (n->list2) { put(b, " on"); sx_list(b, n->list2); }
        if (n->b) { put(b, " above "); sx(b, n->b); }
        put(b, ")");
        break;
    case C_ESCALATE:
        put(b, "(escalate "); sx(b, n->a);
        if (n->list2) { put(b, " on"); sx_list(b, n->list2); }
        put(b, ")");
        break;
    case C_CREDIT:
        put(b, n->flag ? "(credit-cap " : "(credit "); sx(b, n->a);
        if (n->list2) { put(b, " on"); sx_list(b, n->list2); }
        if (n->b) { put(b, " when "); sx(b, n->b); }
        put(b, ")");
        break;
    case C_POOL: put(b, "(pool "); sx(b, n->a); put(b, ")"); break;
    case C_TRUEUP: put(b, "(trued-up "); put(b, n->text); put(b, ")"); break;
    case C_ESCALATING: put(b, "(escalating)"); break;
    case C_ROUND:
        put(b, n->op == ROUND_INVOICE ? "(round invoice" : n->op == ROUND_LINES ? "(round lines" : "(round none");
        if (n->a) { put(b, " "); sx(b, n->a); }
        if (n->b) { put(b, " "); sx(b, n->b); }
        put(b, ")");
        break;
    case W_USE: put(b, "(use "); put(b, n->text); put(b, " "); sx(b, n->a); put(b, ")"); break;
    case C_PLAN: put(b, "(plan "); put(b, n->text); put(b, " "); sx(b, n->a); sx_list(b, n->list); put(b, ")"); break;
    case S_FX: put(b, "(fx "); put(b, n->text); put(b, " in "); sx(b, n->a); sx_list(b, n->list); put(b, ")"); break;
    case FX_RATE:
        if (n->flag) { put(b, "(until "); sx(b, n->a); put(b, ")"); break; }
        put(b, "(from "); sx(b, n->a); put(b, " "); sx(b, n->b); put(b, ")");
        break;
    }
}

char *h_sexpr(const node_t *program)
{
    sb_t b = { 0 };
    put(&b, "");
    for (const node_t *s = program; s; s = s->next) {
        if (s != program) put(&b, "; ");
        sx(&b, s);
    }
    return b.s;
}

char *h_parse_text(const char *text)
{
    diag_t *err = NULL;
    node_t *p = h_parse(text, &err, NULL);
    if (err) {
        char *s = diag_format("ERROR %d:%d %s", err->loc.first_line, err->loc.first_column, err->msg);
        diag_free(err);
        cr_assert_not_null(s);
        return s;
    }
    return h_sexpr(p);
}
