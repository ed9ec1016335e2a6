/* deps: which definitions a change of names touches. A graph from each name a program
 * defines (globals, functions, contracts and workloads with their fields, units) to the
 * names its definition reads; from a set of changed names, the set of names whose value
 * may change. Sweeps, compares and the REPL re-evaluate only those; the rest keep their
 * values. Conservative: a name is read if it appears anywhere in the definition. */
#include "deps.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { size_t *to; size_t n, cap; } edges_t;

struct deps {
    const char **names;       /* by id; the strings live in the ASTs */
    edges_t *readers;         /* by id: the names whose definitions read it */
    size_t nnames, capnames;
    size_t *slots;            /* open addressing over ids + 1 (0 is empty) */
    size_t nslots;
    int uses_last;            /* `_` is read somewhere: shown results matter */
    int oom;
};

struct deps_touched { const deps_t *d; unsigned char *bit; };

static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static size_t find_slot(const deps_t *d, const char *name)
{
    size_t i = str_hash(name) & (d->nslots - 1);
    while (d->slots[i] && strcmp(d->names[d->slots[i] - 1], name)) i = (i + 1) & (d->nslots - 1);
    return i;
}

/* The id of name, added if new; (size_t)-1 when out of memory. */
static size_t intern(deps_t *d, const char *name)
{
    if ((d->nnames + 1) * 2 > d->nslots) {
        size_t n = d->nslots ? d->nslots * 2 : 256;
        size_t *s = calloc(n, sizeof *s);
        if (!s) return (size_t)-1;
        size_t *old = d->slots, oldn = d->nslots;
        d->slots = s; d->nslots = n;
        for (size_t i = 0; i < oldn; i++)
            if (old[i]) d->slots[find_slot(d, d->names[old[i] - 1])] = old[i];
        free(old);
    }
    size_t i = find_slot(d, name);
    if (d->slots[i]) return d->slots[i] - 1;
    if (d->nnames == d->capnames) {
        size_t cap = d->capnames ? d->capnames * 2 : 256;
        const char **nm = realloc(d->names, cap * sizeof *nm);
        if (nm) d->names = nm;
        edges_t *r = nm ? realloc(d->readers, cap * sizeof *r) : NULL;
        if (!r) return (size_t)-1;
        d->readers = r;
        d->capnames = cap;
    }
    d->names[d->nnames] = name;
    d->readers[d->nnames] = (edges_t){ NULL, 0, 0 };
    d->slots[i] = ++d->nnames;
    return d->nnames - 1;
}

static size_t id_of(const deps_t *d, const char *name)
{
    if (!d->nslots) return (size_t)-1;
    size_t i = find_slot(d, name);
    return d->slots[i] ? d->slots[i] - 1 : (size_t)-1;
}

/* An edge: the definition of `reader` reads `read`. */
static void add_edge(deps_t *d, const char *read, const char *reader)
{
    size_t from = intern(d, read), to = from == (size_t)-1 ? from : intern(d, reader);
    if (to == (size_t)-1) { d->oom = 1; return; }
    edges_t *e = &d->readers[from];
    if (e->n && e->to[e->n - 1] == to) return;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4;
        size_t *t = realloc(e->to, cap * sizeof *t);
        if (!t) { d->oom = 1; return; }
        e->to = t; e->cap = cap;
    }
    e->to[e->n++] = to;
}

/* The walks below go down a node's first child (a) in a loop, not by recursion: chains
 * of fields, indexes and left-associative operators (x.a.a..., 1+1+...) nest there, as
 * deep as the file is long, and the evaluator's depth limit must be what stops them. */
void deps_each_read(const node_t *n, void (*fn)(const char *name, void *ctx), void *ctx)
{
    for (; n; n = n->next)
        for (const node_t *x = n; x; x = x->a) {
            if ((x->kind == E_IDENT || x->kind == E_CALL || x->kind == E_QUANTITY) && x->text) fn(x->text, ctx);
            if (x != n) deps_each_read(x->next, fn, ctx);   /* a first child's siblings */
            deps_each_read(x->b, fn, ctx);
            deps_each_read(x->c, fn, ctx);   /* also list2: one field */
            deps_each_read(x->list, fn, ctx);
        }
}

/* The names a statement reads (not its own name: a statement's next is the next one). */
static void each_read_of(const node_t *s, void (*fn)(const char *name, void *ctx), void *ctx)
{
    deps_each_read(s->a, fn, ctx);
    deps_each_read(s->b, fn, ctx);
    deps_each_read(s->c, fn, ctx);   /* also list2 */
    deps_each_read(s->list, fn, ctx);
}

struct edge_ctx { deps_t *d; const char *reader; };
static void edge_to_reader(const char *name, void *ctx)
{
    struct edge_ctx *c = ctx;
    if (!strcmp(name, "_")) c->d->uses_last = 1;
    add_edge(c->d, name, c->reader);
}
static void note_last(const char *name, void *ctx)
{
    if (!strcmp(name, "_")) ((deps_t *)ctx)->uses_last = 1;
}

const char *deps_defined_name(const node_t *s)
{
    switch (s->kind) {
    case S_DEF: case S_FN: case S_CONTRACT: case S_WORKLOAD: case S_UNIT: case S_PREFIX: return s->text;
    default: return NULL;
    }
}

deps_t *deps_new(void) { return calloc(1, sizeof(deps_t)); }

void deps_add_definition(deps_t *d, const char *name, const node_t *expr)
{
    struct edge_ctx c = { d, name };
    if (intern(d, name) == (size_t)-1) d->oom = 1;
    deps_each_read(expr, edge_to_reader, &c);
}

void deps_add_program(deps_t *d, const node_t *stmts)
{
    for (const node_t *s = stmts; s; s = s->next) {
        const char *name = deps_defined_name(s);
        if (!name) {
            if (s->kind == S_SCENARIO)   /* a scenario's values are read as the names they set */
                for (const node_t *it = s->list; it; it = it->next) deps_add_definition(d, it->text, it->a);
            else each_read_of(s, note_last, d);
            continue;
        }
        struct edge_ctx c = { d, name };
        if (intern(d, name) == (size_t)-1) d->oom = 1;
        each_read_of(s, edge_to_reader, &c);
        /* a contract's fields and a workload's values can be set by name: setting one
         * changes the whole contract or workload */
        if (s->kind == S_CONTRACT || s->kind == S_WORKLOAD)
            for (const node_t *it = s->list; it; it = it->next)
                if (it->kind == C_FIELD || it->kind == S_DEF) add_edge(d, it->text, name);
    }
}

static int reads_units(const node_t *n)
{
    for (; n; n = n->next)
        for (const node_t *x = n; x; x = x->a) {   /* down a's in a loop, as deps_each_read */
            if (x->kind == E_IDENT || x->kind == E_QUANTITY || x->kind == E_CALL || x->kind == E_IN || (x->kind == E_NUM && x->flag)) return 1;
            if ((x != n && reads_units(x->next)) || reads_units(x->b) || reads_units(x->c) || reads_units(x->list))   /* c is also list2 */
                return 1;
        }
    return 0;
}

int deps_needs_names(const node_t *stmts)
{
    for (const node_t *s = stmts; s; s = s->next) {
        if (s->kind != S_EXPR && s->kind != S_SHOW && s->kind != S_ASSERT && s->kind != S_DEF) return 1;
        if (reads_units(s->a) || reads_units(s->b)) return 1;   /* a 40% reads as percent */
    }
    return 0;
}

int deps_failed(const deps_t *d) { return d->oom; }

void deps_free(deps_t *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nnames; i++) free(d->readers[i].to);
    free(d->readers);
    free(d->names);
    free(d->slots);
    free(d);
}

/* ---------- touched names ---------- */

deps_touched_t *deps_touch(const deps_t *d, const char *const *changed, size_t n)
{
    deps_touched_t *t = calloc(1, sizeof *t);
    size_t *queue = malloc((d->nnames + 1) * sizeof *queue);
    if (!t || !queue || !(t->bit = calloc(d->nnames + 1, 1))) {
        free(queue);
        deps_touched_free(t);
        return NULL;
    }
    t->d = d;
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++) {
        size_t id = id_of(d, changed[i]);
        if (id != (size_t)-1 && !t->bit[id]) { t->bit[id] = 1; queue[tail++] = id; }
    }
    while (head < tail) {
        const edges_t *e = &d->readers[queue[head++]];
        for (size_t k = 0; k < e->n; k++)
            if (!t->bit[e->to[k]]) { t->bit[e->to[k]] = 1; queue[tail++] = e->to[k]; }
    }
    free(queue);
    return t;
}

int deps_name_touched(const deps_touched_t *t, const char *name)
{
    size_t id = id_of(t->d, name);
    return id != (size_t)-1 && t->bit[id];
}

struct touch_ctx { const deps_touched_t *t; int hit; };
static void check_touched(const char *name, void *ctx)
{
    struct touch_ctx *c = ctx;
    if (!c->hit) c->hit = deps_name_touched(c->t, name);
}

int deps_stmt_touched(const deps_touched_t *t, const node_t *s)
{
    switch (s->kind) {
    case S_IMPORT: case S_SCENARIO: case S_COMPARE: case S_SWEEP: return 1;
    case S_DIMENSION: return 0;
    case S_SHOW: case S_EXPR: if (t->d->uses_last) return 1; /* fall through */
    case S_ASSERT: {
        struct touch_ctx c = { t, 0 };
        each_read_of(s, check_touched, &c);
        return c.hit;
    }
    default: {
        const char *name = deps_defined_name(s);
        return !name || deps_name_touched(t, name);
    }
    }
}

void deps_touched_free(deps_touched_t *t)
{
    if (!t) return;
    free(t->bit);
    free(t);
}

/* ---------- statements run ---------- */

struct deps_set { const void **slots; size_t n, cap; };

deps_set_t *deps_set_new(void) { return calloc(1, sizeof(deps_set_t)); }

static size_t ptr_slot(const deps_set_t *s, const void *p)
{
    size_t i = (size_t)(((uintptr_t)p >> 4) * 11400714819323198485u) & (s->cap - 1);
    while (s->slots[i] && s->slots[i] != p) i = (i + 1) & (s->cap - 1);
    return i;
}

int deps_set_add(deps_set_t *s, const void *p)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        const void **slots = calloc(cap, sizeof *slots);
        if (!slots) return 0;
        const void **old = s->slots;
        size_t oldcap = s->cap;
        s->slots = slots; s->cap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i]) s->slots[ptr_slot(s, old[i])] = old[i];
        free(old);
    }
    size_t i = ptr_slot(s, p);
    if (!s->slots[i]) { s->slots[i] = p; s->n++; }
    return 1;
}

int deps_set_has(const deps_set_t *s, const void *p) { return s && s->cap && s->slots[ptr_slot(s, p)] == p; }

void deps_set_free(deps_set_t *s)
{
    if (!s) return;
    free(s->slots);
    free(s);
}
