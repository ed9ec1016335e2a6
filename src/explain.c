/* explain: how a value was computed — its definition, the values it came from, and the
 * contract clauses and workload lines behind them, recursively. */
#include "explain.h"
#include "escape.h"
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
        size_t np = periods ? periods->u.list.n : 0;
        char *s = diag_format("an invoice of %zu period%s, total %s", np, np == 1 ? "" : "s", t ? t : "?");
        free(t);
        return s;
    }
    char *s = eval_describe(e, v);
    if (s && strlen(s) > 160) strcpy(s + 150, " ...");
    return s;
}

/* A comment line that heads a section (# ---- Rates ----, ## Rates) documents no one line. */
static int is_section_comment(const char *t, size_t len)
{
    size_t i = strspn(t, " \t");
    if (i + 1 < len && t[i] == '#' && t[i + 1] == '#') return 1;
    while (i < len && (t[i] == '#' || t[i] == ' ' || t[i] == '\t')) i++;
    size_t run = 0;
    while (i + run < len && strchr("-=*~_", t[i + run]) && t[i + run] == t[i]) run++;
    return run >= 3;
}

/* The comments that document a line: the block of comment lines just above it (unless it
 * is the file's header) and a comment at its end, where stdlib figures keep their source
 * and date; at most eight lines. */
static void explain_notes(FILE *out, int ind, const loc_t *at)
{
    if (!at->src) return;
    int first = at->first_line, shown = 0;
    size_t len;
    while (first > 1 && at->first_line - first < 8) {
        const char *t = source_line(at->src, first - 1, &len);
        size_t lead = strspn(t, " \t");
        if (lead >= len || t[lead] != '#' || is_section_comment(t, len)) break;
        first--;
    }
    if (first == 1) first = at->first_line;   /* a block from the top of the file is the file's header */
    for (int line = first; line < at->first_line; line++, shown++) {
        const char *t = source_line(at->src, line, &len);
        size_t lead = strspn(t, " \t");
        fprintf(out, "%*s  %.*s\n", ind, "", (int)(len - lead), t + lead);
    }
    const char *t = source_line(at->src, at->first_line, &len);
    const char *hash = NULL;
    int quoted = 0;
    for (size_t i = 0; i < len && !hash; i++) {   /* a # outside a string starts the comment */
        if (t[i] == '"' && (i == 0 || t[i - 1] != '\\')) quoted = !quoted;
        else if (t[i] == '#' && !quoted) hash = t + i;
    }
    if (hash && shown < 8) fprintf(out, "%*s  %.*s\n", ind, "", (int)(len - (size_t)(hash - t)), hash);
}

/* seen: the names (and NAME.FIELD paths, owned) already explained, each explained once */
typedef struct explain_state { FILE *out; const char **seen; size_t nseen, cap; int walk; char **owned; size_t nowned; } explain_state_t;

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
static int explain_field(eval_t *e, explain_state_t *x, const char *record, const char *name, int depth);

/* A number with units (730 hour, 2.10 USD/(gpu*hour)): its value says nothing new. */
static int is_literal(eval_t *e, const node_t *n, int depth)
{
    if (depth > 2000) return 0;
    switch (n->kind) {
    case E_NUM: case E_STR: case E_DATE: case E_BOOL: return 1;
    case E_IDENT: case E_QUANTITY: return !eval_global_find(e, n->text) && units_find(e->sh->units, n->text) >= 0;
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
    if ((n->kind == E_IDENT || n->kind == E_CALL || n->kind == E_QUANTITY) && eval_global_find(e, n->text)) explain_name(e, x, n->text, depth);
    if (n->kind == E_FIELD && n->a->kind == E_IDENT) {   /* H100_SXM.bf16_dense: the field, not the whole record */
        if (!explain_field(e, x, n->a->text, n->text, depth)) explain_refs(e, x, n->a, depth);
        x->walk--;
        return;
    }
    explain_refs(e, x, n->a, depth);
    explain_refs(e, x, n->b, depth);
    if (!ast_has_list2(n->kind)) explain_refs(e, x, n->c, depth);
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
        if (b->expr && b->expr->kind == E_RECORD) {   /* a record reads better as its fields, when used */
            free(text);
            text = diag_format("{ %zu fields }", ast_count(b->expr->list));
        }
        fprintf(out, "%*s%s = %s\n", ind, "", name, text ? text : "?");
        if (!b->expr || !is_literal(e, b->expr, 0))
            fprintf(out, "%*s%*s= %s\n", ind, "", (int)strlen(name) + 1, "", val ? val : "?");
        if (b->overridden) {
            loc_t was = ast_span(b->def->a);
            char *orig = span_text(&was);
            fprintf(out, "%*s  [overridden: the file says %s]\n", ind, "", orig ? orig : "?");
            free(orig);
        }
        fprintf(out, "%*s  (%s:%d)\n", ind, "", where, b->loc.first_line);
        explain_notes(out, ind, &b->loc);
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
            loc_t sp = ast_span(it);
            const char *t = source_line(sp.src, sp.first_line, &len);
            size_t lead = strspn(t, " \t");
            if (lead < strip) strip = lead;
        }
        for (const node_t *it = items; it; it = it->next) {
            loc_t sp = ast_span(it);
            for (int line = sp.first_line; line <= sp.last_line; line++) {
                size_t len;
                const char *t = source_line(sp.src, line, &len);
                size_t cut = strspn(t, " \t");
                if (cut > strip) cut = strip;
                if (cut > len) cut = len;
                fprintf(out, "%*s  %.*s\n", ind, "", (int)(len - cut), t + cut);
            }
            const override_t *o = (it->kind == C_FIELD || it->kind == S_DEF) ? scenario_override_for(e, it->text) : NULL;
            if (o) {   /* a field --set, a scenario or a sweep replaced */
                loc_t now = ast_span(o->expr ? o->expr : it);
                char *text = o->expr ? span_text(&now) : o->value ? explain_summary(e, o->value) : NULL;
                fprintf(out, "%*s    [overridden: %s]\n", ind, "", text ? text : "?");
                free(text);
            }
        }
        if (b->def->kind == S_FN) explain_refs(e, x, b->def->a, depth + 1);
        for (const node_t *it = items; it; it = it->next) explain_refs(e, x, it, depth + 1);
        break;
    }
    default: break;
    }
}

/* RECORD.NAME of a record written out in the program: the field's line, value and notes;
 * 0 when RECORD is not such a record or has no such field. */
static int explain_field(eval_t *e, explain_state_t *x, const char *record, const char *name, int depth)
{
    binding_t *b = eval_global_find(e, record);
    const node_t *field = NULL;
    if (b && b->expr && b->expr->kind == E_RECORD && !b->overridden)
        for (const node_t *f = b->expr->list; f && !field; f = f->next) if (!strcmp(f->text, name)) field = f;
    if (!field) return 0;
    char *path = diag_format("%s.%s", record, name);
    if (!path || depth > 12 || explain_seen(x, path)) { free(path); return 1; }
    char **owned = realloc(x->owned, (x->nowned + 1) * sizeof *owned);   /* seen holds path from now on */
    if (owned) { x->owned = owned; x->owned[x->nowned++] = path; }
    int ind = depth * 2;
    loc_t span = ast_span(field->a);
    char *text = span_text(&span);
    const value_t *v = value_record_get(b->value, name);
    char *val = v ? explain_summary(e, v) : NULL;
    fprintf(x->out, "%*s%s = %s\n", ind, "", path, text ? text : "?");
    if (!is_literal(e, field->a, 0)) fprintf(x->out, "%*s%*s= %s\n", ind, "", (int)strlen(path) + 1, "", val ? val : "?");
    loc_t at = ast_loc(field);
    fprintf(x->out, "%*s  (%s:%d)\n", ind, "", at.src ? at.src->name : "?", at.first_line);
    explain_notes(x->out, ind, &at);
    free(text);
    free(val);
    explain_refs(e, x, field->a, depth + 1);
    return 1;
}

/* NAME.FIELD... of a computed record (an invoice): the value at the path, then how NAME
 * was computed; 0 when the path leads nowhere (e->err says where it stops). */
static int explain_path(eval_t *e, explain_state_t *x, const char *path, const char *record)
{
    binding_t *b = eval_global_find(e, record);
    if (!b) return 0;
    const value_t *v = b->value;
    for (const char *p = path + strlen(record); *p == '.'; ) {
        const char *f = p + 1;
        size_t len = strcspn(f, ".");
        char *key = strndup(f, len);
        const value_t *next = key && v->kind == V_RECORD ? value_record_get(v, key) : NULL;
        if (!next) {
            eval_fail(e, NULL, DIAG_NAME, "`%.*s` has no field `%s`", (int)(p - path), path, key ? key : "?");
            free(key);
            return 0;
        }
        free(key);
        v = next;
        p = f + len;
    }
    char *val = explain_summary(e, v);
    fprintf(x->out, "%s = %s\n", path, val ? val : "?");
    free(val);
    explain_name(e, x, record, 1);
    return 1;
}

static int explain_write(eval_t *e, const char *name, FILE *out, diag_t **err)
{
    *err = NULL;
    const char *dot = strchr(name, '.');
    if (dot) {   /* H100_SXM.bf16_dense */
        char *record = strndup(name, (size_t)(dot - name));
        explain_state_t x = { out, NULL, 0, 0, 0, NULL, 0 };
        int ok = record && (explain_field(e, &x, record, dot + 1, 0) || (!e->err && explain_path(e, &x, name, record)));
        for (size_t i = 0; i < x.nowned; i++) free(x.owned[i]);
        free(x.owned);
        free(x.seen);
        if (!ok) eval_fail(e, NULL, DIAG_NAME, "no definition named `%s`", record ? record : name);
        free(record);
        return ok || eval_take_error(e, err);
    }
    if (!eval_global_find(e, name)) {
        eval_fail(e, NULL, DIAG_NAME, "no definition named `%s`", name);
        eval_suggest(e, name);
        return eval_take_error(e, err);
    }
    explain_state_t x = { out, NULL, 0, 0, 0, NULL, 0 };
    explain_name(e, &x, name, 0);
    for (size_t i = 0; i < x.nowned; i++) free(x.owned[i]);
    free(x.owned);
    free(x.seen);
    return 1;
}

/* The explanation quotes the program's source and values: it is written whole, then
 * printed with nothing in it that could act on a terminal. */
int explain_print(eval_t *e, const char *name, FILE *out, diag_t **err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); return 0; }
    int ok = explain_write(e, name, mem, err);
    if (fclose(mem) != 0 && ok) { *err = diag_new(DIAG_LIMIT, NULL, "out of memory"); ok = 0; }
    if (ok && text) escape_fputs(text, ESCAPE_KEEP_NEWLINE, out);
    free(text);
    return ok;
}
