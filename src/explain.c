/* explain: how a value was computed — its definition, the values it came from, and the
 * contract clauses and workload lines behind them, recursively. */
#include "explain.h"
#include "interp.h"
#include <stdlib.h>
#include <string.h>

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
        char *t = total ? eval_describe(e, total) : NULL;
        char *s = diag_format("an invoice of %zu periods, total %s", periods ? periods->u.list.n : 0, t ? t : "?");
        free(t);
        return s;
    }
    char *s = eval_describe(e, v);
    if (s && strlen(s) > 160) strcpy(s + 150, " ...");
    return s;
}

typedef struct explain_state { FILE *out; const char **seen; size_t nseen, cap; int walk; } explain_state_t;

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
static int is_literal(eval_t *e, const node_t *n, int depth)
{
    if (depth > 2000) return 0;
    switch (n->kind) {
    case E_NUM: case E_STR: case E_DATE: case E_BOOL: return 1;
    case E_IDENT: return !eval_global_find(e, n->text) && units_find(e->sh->units, n->text) >= 0;
    case E_UNARY: return is_literal(e, n->a, depth + 1);
    case E_BINOP: return n->op < 256 && is_literal(e, n->a, depth + 1) && is_literal(e, n->b, depth + 1);
    default: return 0;
    }
}

/* Explains the global names an expression refers to. */
static void explain_refs(eval_t *e, explain_state_t *x, const node_t *n, int depth)
{
    /* an expression nested deeper than eval allows was never evaluated: nothing to say */
    if (!n || ++x->walk > 2000) { if (n) x->walk--; return; }
    if ((n->kind == E_IDENT || n->kind == E_CALL) && eval_global_find(e, n->text)) explain_name(e, x, n->text, depth);
    explain_refs(e, x, n->a, depth);
    explain_refs(e, x, n->b, depth);
    explain_refs(e, x, n->c, depth);
    for (const node_t *k = n->list; k; k = k->next) explain_refs(e, x, k, depth);
    x->walk--;
}

static void explain_name(eval_t *e, explain_state_t *x, const char *name, int depth)
{
    binding_t *b = eval_global_find(e, name);
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
        if (!b->expr || !is_literal(e, b->expr, 0))
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

int explain_print(eval_t *e, const char *name, FILE *out, diag_t **err)
{
    *err = NULL;
    if (!eval_global_find(e, name)) {
        eval_fail(e, NULL, DIAG_NAME, "no definition named `%s`", name);
        eval_suggest(e, name);
        return eval_take_error(e, err);
    }
    explain_state_t x = { out, NULL, 0, 0, 0 };
    explain_name(e, &x, name, 0);
    free(x.seen);
    return 1;
}
