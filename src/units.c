/* units: registry of dimensions, units and prefixes; dimension vectors; display units. */
#include "units.h"
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

typedef struct prefix_def { char *name; mpq_t factor; } prefix_def_t;

/* Recent display-unit products, by interned id: a * b^sign = r. */
enum { MEMO_SLOTS = 1024 };
typedef struct combine_memo { uint32_t a, b, r; int sign; } combine_memo_t;
/* Recent products of quantities' ids (units_product); sign 0 is an empty slot. */
typedef struct product_memo { units_ids_t a, b, r; int sign, ok; size_t bits; } product_memo_t;

struct units {
    combine_memo_t *memo;   /* MEMO_SLOTS, made on first use; sign 0 is an empty slot */
    product_memo_t *products;   /* MEMO_SLOTS, made on first use */
    char *dim_names[DIM_MAX];
    int dim_base[DIM_MAX];
    int ndims;
    unit_def_t *defs;
    size_t n, cap;
    unsigned *slots;        /* unit names hashed: id + 1 by open addressing, 0 is empty */
    size_t nslots;
    prefix_def_t *prefixes;
    size_t nprefixes, pcap;
};

units_t *units_new(void) { return calloc(1, sizeof(units_t)); }

void units_free(units_t *u)
{
    if (!u) return;
    for (int i = 0; i < u->ndims; i++) free(u->dim_names[i]);
    for (size_t i = 0; i < u->n; i++) { free(u->defs[i].name); mpq_clear(u->defs[i].factor); }
    for (size_t i = 0; i < u->nprefixes; i++) { free(u->prefixes[i].name); mpq_clear(u->prefixes[i].factor); }
    free(u->defs);
    free(u->slots);
    free(u->prefixes);
    free(u->memo);
    free(u->products);
    free(u);
}

void units_set_approx(units_t *u, int unit) { u->defs[unit].approx = 1; }

int units_prefix_value(const units_t *u, const char *name, mpq_t out)
{
    for (size_t i = 0; i < u->nprefixes; i++)
        if (!strcmp(u->prefixes[i].name, name)) { mpq_set(out, u->prefixes[i].factor); return 1; }
    return 0;
}

int units_is_base_of(const units_t *u, int unit, const char *dim)
{
    int d = units_find_dimension(u, dim);
    return d >= 0 && u->dim_base[d] == unit;
}

int units_find_dimension(const units_t *u, const char *name)
{
    for (int i = 0; i < u->ndims; i++) if (!strcmp(u->dim_names[i], name)) return i;
    return -1;
}

int units_add_dimension(units_t *u, const char *name, const char **err)
{
    if (units_find_dimension(u, name) >= 0) { *err = "dimension already declared"; return -1; }
    if (u->ndims == DIM_MAX) { *err = "too many base dimensions (at most 48)"; return -1; }
    if (!(u->dim_names[u->ndims] = strdup(name))) { *err = "out of memory"; return -1; }
    u->dim_base[u->ndims] = -1;
    return u->ndims++;
}

static size_t name_slot(const units_t *u, const char *name)
{
    size_t h = 2166136261u;
    for (const char *s = name; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    size_t i = h & (u->nslots - 1);
    while (u->slots[i] && strcmp(u->defs[u->slots[i] - 1].name, name)) i = (i + 1) & (u->nslots - 1);
    return i;
}

static int exact_index(const units_t *u, const char *name)
{
    if (!u->nslots) return -1;
    unsigned id = u->slots[name_slot(u, name)];
    return id ? (int)id - 1 : -1;
}

/* Indexes the unit just pushed, growing the index at half full. */
static int index_last(units_t *u)
{
    if (u->n * 2 > u->nslots) {
        size_t n = u->nslots ? u->nslots * 2 : 256;
        unsigned *s = calloc(n, sizeof *s), *old = u->slots;
        if (!s) return 0;
        u->slots = s; u->nslots = n;
        free(old);
        for (size_t i = 0; i + 1 < u->n; i++) u->slots[name_slot(u, u->defs[i].name)] = (unsigned)i + 1;
    }
    u->slots[name_slot(u, u->defs[u->n - 1].name)] = (unsigned)u->n;
    return 1;
}

int units_is_declared(const units_t *u, const char *name) { return exact_index(u, name) >= 0; }

static int push(units_t *u, const char *name, const mpq_t factor, const dim_t *dim, int prefixed,
                const char **err)
{
    if (u->n >= 60000) { *err = "too many units"; return -1; }
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 64;
        unit_def_t *d = realloc(u->defs, cap * sizeof *d);
        if (!d) { *err = "out of memory"; return -1; }
        u->defs = d; u->cap = cap;
    }
    unit_def_t *d = &u->defs[u->n];
    memset(d, 0, sizeof *d);
    if (!(d->name = strdup(name))) { *err = "out of memory"; return -1; }
    mpq_init(d->factor);
    mpq_set(d->factor, factor);
    d->dim = *dim;
    d->dim_id = dim_intern(dim);
    uterm_t alone;
    uterm_single(&alone, (int)u->n);
    d->disp_id = uterm_intern(&alone);
    d->factor_bits = mpz_sizeinbase(mpq_numref(factor), 2) + mpz_sizeinbase(mpq_denref(factor), 2);
    d->prefixed = prefixed;
    u->n++;
    if (!index_last(u)) { u->n--; free(d->name); mpq_clear(d->factor); *err = "out of memory"; return -1; }
    return (int)u->n - 1;
}

int units_add_base(units_t *u, const char *name, int dim, int prefixed, const char **err)
{
    if (exact_index(u, name) >= 0) { *err = "unit already declared"; return -1; }
    if (dim < 0 && (dim = units_add_dimension(u, name, err)) < 0) return -1;
    if (u->dim_base[dim] >= 0) { *err = "that dimension already has a base unit"; return -1; }
    dim_t d;
    memset(&d, 0, sizeof d);
    d.e[dim] = 1;
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    int id = push(u, name, one, &d, prefixed, err);
    mpq_clear(one);
    if (id >= 0) u->dim_base[dim] = id;
    return id;
}

int units_add_derived(units_t *u, const char *name, const mpq_t factor, const dim_t *dim,
                      int prefixed, const char **err)
{
    if (exact_index(u, name) >= 0) { *err = "unit already declared"; return -1; }
    if (mpq_sgn(factor) <= 0) { *err = "a unit must be a positive quantity"; return -1; }
    return push(u, name, factor, dim, prefixed, err);
}

int units_add_prefix(units_t *u, const char *name, const mpq_t factor, const char **err)
{
    for (size_t i = 0; i < u->nprefixes; i++)
        if (!strcmp(u->prefixes[i].name, name)) { *err = "prefix already declared"; return -1; }
    if (mpq_sgn(factor) <= 0) { *err = "a prefix must be positive"; return -1; }
    if (u->nprefixes == u->pcap) {
        size_t cap = u->pcap ? u->pcap * 2 : 32;
        prefix_def_t *p = realloc(u->prefixes, cap * sizeof *p);
        if (!p) { *err = "out of memory"; return -1; }
        u->prefixes = p; u->pcap = cap;
    }
    prefix_def_t *p = &u->prefixes[u->nprefixes];
    if (!(p->name = strdup(name))) { *err = "out of memory"; return -1; }
    mpq_init(p->factor);
    mpq_set(p->factor, factor);
    return (int)u->nprefixes++;
}

int units_find_as_written(units_t *u, const char *name)
{
    int id = exact_index(u, name);
    if (id >= 0) return id;
    /* A prefixed form is registered as a unit of its own the first time it is used,
     * so display units can name it. The longest prefix wins ("Gi" before "G"). */
    size_t best_len = 0;
    const prefix_def_t *best = NULL;
    int base = -1;
    for (size_t i = 0; i < u->nprefixes; i++) {
        size_t pl = strlen(u->prefixes[i].name);
        if (pl <= best_len || strncmp(name, u->prefixes[i].name, pl) != 0 || !name[pl]) continue;
        int b = exact_index(u, name + pl);
        if (b >= 0 && u->defs[b].prefixed) { best = &u->prefixes[i]; best_len = pl; base = b; }
    }
    if (!best) return -1;
    mpq_t f;
    mpq_init(f);
    mpq_mul(f, best->factor, u->defs[base].factor);
    dim_t d = u->defs[base].dim;
    const char *err;
    int approx = u->defs[base].approx;
    id = push(u, name, f, &d, 0, &err);
    if (id >= 0) { u->defs[id].approx = approx; u->defs[id].from_prefix = 1; }
    mpq_clear(f);
    return id;
}

int units_find(units_t *u, const char *name)
{
    int id = units_find_as_written(u, name);
    /* a plural reads as its singular: 36 months, 8 gpus; a definition of the same
     * name takes precedence, so `hours = ...` stays a usable variable name */
    size_t len = strlen(name);
    if (id < 0 && len > 1 && len < 256 && name[len - 1] == 's') {
        char singular[256];
        memcpy(singular, name, len - 1);
        singular[len - 1] = '\0';
        return units_find(u, singular);
    }
    return id;
}

const unit_def_t *units_get(const units_t *u, int id) { return &u->defs[id]; }
size_t units_count(const units_t *u) { return u->n; }
int units_base_of(const units_t *u, int d) { return u->dim_base[d]; }
const char *units_dimension_name(const units_t *u, int d) { return u->dim_names[d]; }
int units_dimension_count(const units_t *u) { return u->ndims; }

int dim_is_zero(const dim_t *d)
{
    for (int i = 0; i < DIM_MAX; i++) if (d->e[i]) return 0;
    return 1;
}

int dim_eq(const dim_t *a, const dim_t *b) { return memcmp(a, b, sizeof *a) == 0; }

int dim_single(const dim_t *d)
{
    int found = -1;
    for (int i = 0; i < DIM_MAX; i++) {
        if (!d->e[i]) continue;
        if (d->e[i] != 1 || found >= 0) return -1;
        found = i;
    }
    return found;
}

int dim_combine(dim_t *out, const dim_t *a, const dim_t *b, int sign)
{
    dim_t r;
    unsigned bad = 0;
    /* no early exit and no sign inside: the loops vectorise */
    if (sign > 0) for (int i = 0; i < DIM_MAX; i++) { int e = a->e[i] + b->e[i]; bad |= (unsigned)(e + DIM_EXP_MAX) > 2 * DIM_EXP_MAX; r.e[i] = (signed char)e; }
    else for (int i = 0; i < DIM_MAX; i++) { int e = a->e[i] - b->e[i]; bad |= (unsigned)(e + DIM_EXP_MAX) > 2 * DIM_EXP_MAX; r.e[i] = (signed char)e; }
    if (!bad) *out = r;
    return !bad;
}

/* An intern table: records of one size, each distinct record stored once under a small
 * id (the order it came in). Records sit in chunks that never move, so a pointer to one
 * stays valid for the whole process; an open-addressing index (id + 1, 0 is empty) finds
 * them by their bytes (padding included: callers clear it). */
enum { INTERN_CHUNK = 256 };
typedef struct intern {
    size_t size;                 /* bytes of a record */
    uint32_t n, limit;           /* records, and how many there may be */
    unsigned char **chunks;      /* INTERN_CHUNK records each */
    uint32_t nchunks;
    uint32_t *slots;
    size_t nslots;
} intern_t;

static const void *intern_at(const intern_t *t, uint32_t id)
{
    return t->chunks[id / INTERN_CHUNK] + (size_t)(id % INTERN_CHUNK) * t->size;
}

static size_t intern_hash(const intern_t *t, const void *rec)
{
    const unsigned char *p = rec;
    uint64_t h = 0, w;
    size_t i = 0;
    for (; i + 8 <= t->size; i += 8) { memcpy(&w, p + i, 8); h = (h ^ w) * 0x9E3779B97F4A7C15u; }
    for (; i < t->size; i++) h = (h ^ p[i]) * 0x9E3779B97F4A7C15u;
    return (size_t)(h ^ (h >> 29));
}

static size_t intern_slot(const intern_t *t, const void *rec)
{
    size_t i = intern_hash(t, rec) & (t->nslots - 1);
    while (t->slots[i] && memcmp(intern_at(t, t->slots[i] - 1), rec, t->size)) i = (i + 1) & (t->nslots - 1);
    return i;
}

/* rec's id, adding it when new; UINT32_MAX when out of memory or past the limit. */
static uint32_t intern_add(intern_t *t, const void *rec)
{
    if (t->nslots) {
        uint32_t id = t->slots[intern_slot(t, rec)];
        if (id) return id - 1;
    }
    if (t->n >= t->limit) return UINT32_MAX;
    if (t->n / INTERN_CHUNK == t->nchunks) {
        unsigned char **c = realloc(t->chunks, (t->nchunks + 1) * sizeof *c);
        if (!c) return UINT32_MAX;
        t->chunks = c;
        if (!(c[t->nchunks] = malloc(INTERN_CHUNK * t->size))) return UINT32_MAX;
        t->nchunks++;
    }
    if ((t->n + 1) * 2 > t->nslots) {
        size_t n = t->nslots ? t->nslots * 2 : 256;
        uint32_t *s = calloc(n, sizeof *s), *old = t->slots;
        if (!s) return UINT32_MAX;
        t->slots = s; t->nslots = n;
        free(old);
        for (uint32_t i = 0; i < t->n; i++) t->slots[intern_slot(t, intern_at(t, i))] = i + 1;
    }
    memcpy(t->chunks[t->n / INTERN_CHUNK] + (size_t)(t->n % INTERN_CHUNK) * t->size, rec, t->size);
    t->slots[intern_slot(t, rec)] = t->n + 1;
    return t->n++;
}

/* The interned vectors, and the results of combining two ids (key: both ids and the sign). */
static intern_t dims = { sizeof(dim_t), 0, INT32_MAX, NULL, 0, NULL, 0 };   /* pair keys hold two ids below 2^31 */
typedef struct dim_pair { uint64_t key; uint32_t id; } dim_pair_t;   /* key 0 is empty */
static dim_pair_t *pairs;
static size_t npairs, cappairs;
#define DIM_ID_BAD (UINT32_MAX - 1)   /* a combination out of range */

uint32_t dim_intern(const dim_t *d)
{
    if (!dims.n && !dim_is_zero(d)) {   /* id 0 is dimensionless */
        dim_t zero;
        memset(&zero, 0, sizeof zero);
        if (intern_add(&dims, &zero) == UINT32_MAX) return DIM_ID_NONE;
    }
    uint32_t id = intern_add(&dims, d);
    return id == UINT32_MAX ? DIM_ID_NONE : id;
}

/* id 0 is also there before anything is interned */
static const dim_t dim_zero;
const dim_t *dim_by_id(uint32_t id) { return id ? intern_at(&dims, id) : &dim_zero; }

static size_t pair_slot(uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15u) >> 20) & (cappairs - 1);
    while (pairs[i].key && pairs[i].key != key) i = (i + 1) & (cappairs - 1);
    return i;
}

/* Remembers key -> id, growing the table at half full; forgetting is fine (out of memory). */
static void pair_add(uint64_t key, uint32_t id)
{
    if ((npairs + 1) * 2 > cappairs) {
        size_t cap = cappairs ? cappairs * 2 : 256;
        dim_pair_t *p = calloc(cap, sizeof *p), *old = pairs;
        if (!p) return;
        size_t oldcap = cappairs;
        pairs = p; cappairs = cap;
        for (size_t i = 0; i < oldcap; i++) if (old[i].key) pairs[pair_slot(old[i].key)] = old[i];
        free(old);
    }
    pairs[pair_slot(key)] = (dim_pair_t){ key, id };
    npairs++;
}

int dim_combine_id(uint32_t *out_id, uint32_t ida, uint32_t idb, int sign)
{
    uint64_t key = ((uint64_t)ida << 32 | idb) * 2 + (sign < 0) + 1;   /* never 0: ids stay below 2^31 */
    if (cappairs) {
        const dim_pair_t *p = &pairs[pair_slot(key)];
        if (p->key == key) {
            *out_id = p->id;
            return p->id != DIM_ID_BAD;
        }
    }
    dim_t d;
    int ok = dim_combine(&d, dim_by_id(ida), dim_by_id(idb), sign);
    *out_id = ok ? dim_intern(&d) : DIM_ID_BAD;
    if (*out_id != DIM_ID_NONE) pair_add(key, *out_id);
    return ok;
}

int dim_scale(dim_t *out, const dim_t *a, long n)
{
    dim_t r;
    for (int i = 0; i < DIM_MAX; i++) {
        if (a->e[i] && (n > DIM_EXP_MAX || n < -DIM_EXP_MAX)) return 0;
        long e = a->e[i] * n;
        if (e > DIM_EXP_MAX || e < -DIM_EXP_MAX) return 0;
        r.e[i] = (signed char)e;
    }
    *out = r;
    return 1;
}

/* Writes "a*b^2/(c*d)" for name/exponent pairs. */
typedef const char *(*name_fn)(const void *ctx, int i);
static char *format_product(const void *ctx, name_fn name, const int *exps, int n)
{
    size_t cap = 16;
    for (int i = 0; i < n; i++) if (exps[i]) cap += strlen(name(ctx, i)) + 8;
    char *s = malloc(cap), *p = s;
    if (!s) return NULL;
    int npos = 0, nneg = 0;
    for (int i = 0; i < n; i++) { if (exps[i] > 0) npos++; if (exps[i] < 0) nneg++; }
    *p = '\0';
    if (!npos && nneg) p += sprintf(p, "1");
    int first = 1;
    for (int i = 0; i < n; i++) if (exps[i] > 0) {
        p += sprintf(p, "%s%s", first ? "" : "*", name(ctx, i));
        if (exps[i] != 1) p += sprintf(p, "^%d", exps[i]);
        first = 0;
    }
    if (nneg) {
        p += sprintf(p, nneg > 1 ? "/(" : "/");
        first = 1;
        for (int i = 0; i < n; i++) if (exps[i] < 0) {
            p += sprintf(p, "%s%s", first ? "" : "*", name(ctx, i));
            if (exps[i] != -1) p += sprintf(p, "^%d", -exps[i]);
            first = 0;
        }
        if (nneg > 1) p += sprintf(p, ")");
    }
    return s;
}

static const char *dim_name_at(const void *ctx, int i) { return ((const units_t *)ctx)->dim_names[i]; }

char *units_format_dim(const units_t *u, const dim_t *d)
{
    if (dim_is_zero(d)) return strdup("dimensionless");
    int exps[DIM_MAX];
    for (int i = 0; i < DIM_MAX; i++) exps[i] = i < u->ndims ? d->e[i] : 0;
    return format_product(u, dim_name_at, exps, u->ndims);
}

void uterm_single(uterm_t *t, int unit)
{
    memset(t, 0, sizeof *t);
    t->n = 1;
    t->t[0].unit = (unsigned short)unit;
    t->t[0].exp = 1;
}

static void uterm_add(const units_t *u, uterm_t *r, int unit, int exp)
{
    if (r->n == UTERM_NONE || !exp) return;
    for (int i = 0; i < r->n; i++) {
        if (r->t[i].unit == unit || dim_eq(&u->defs[r->t[i].unit].dim, &u->defs[unit].dim)) {
            int e = r->t[i].exp + exp;
            if (e > DIM_EXP_MAX || e < -DIM_EXP_MAX) { r->n = UTERM_NONE; return; }
            r->t[i].exp = (signed char)e;
            return;
        }
    }
    if (r->n == UTERM_MAX) { r->n = UTERM_NONE; return; }
    r->t[r->n].unit = (unsigned short)unit;
    r->t[r->n].exp = (signed char)exp;
    r->n++;
}

/* A dimensionless unit (percent) labels a number as written; a product or power of it
 * is a plain number: 40% * 250 USD is 100 USD, 1000 * 40% is 400, (5%)^2 is 0.0025. */
static void drop_dimensionless(const units_t *u, uterm_t *r)
{
    int k = 0;
    for (int i = 0; i < r->n; i++)
        if (!dim_is_zero(&u->defs[r->t[i].unit].dim)) r->t[k++] = r->t[i];
    r->n = (unsigned char)k;
}

static void uterm_compact(const units_t *u, uterm_t *r)
{
    if (r->n == UTERM_NONE) return;
    int k = 0;
    for (int i = 0; i < r->n; i++) if (r->t[i].exp) r->t[k++] = r->t[i];
    r->n = (unsigned char)k;
    drop_dimensionless(u, r);
    dim_t d;
    uterm_dim(u, r, &d);
    if (dim_is_zero(&d)) r->n = 0;
}

/* Display units interned: the empty unit and UTERM_NONE have fixed ids (0 and 1), the
 * others come from a table (id - 2). */
static const uterm_t uterm_empty, uterm_none = { UTERM_NONE, { { 0, 0 } } };
static intern_t uterms = { sizeof(uterm_t), 0, (1u << UTERM_ID_BITS) - 2, NULL, 0, NULL, 0 };

uint32_t uterm_intern(const uterm_t *t)
{
    if (t->n == 0) return UTERM_ID_EMPTY;
    if (t->n == UTERM_NONE) return UTERM_ID_BASE;
    uterm_t c;   /* the terms alone: not the bytes after them, nor the padding */
    memset(&c, 0, sizeof c);
    c.n = t->n;
    for (int i = 0; i < t->n; i++) { c.t[i].unit = t->t[i].unit; c.t[i].exp = t->t[i].exp; }
    uint32_t id = intern_add(&uterms, &c);
    return id == UINT32_MAX ? UTERM_ID_NONE : id + 2;
}

const uterm_t *uterm_by_id(uint32_t id)
{
    return id == UTERM_ID_EMPTY ? &uterm_empty : id == UTERM_ID_BASE ? &uterm_none : intern_at(&uterms, id - 2);
}

static void uterm_combine_now(const units_t *u, uterm_t *out, const uterm_t *a, const uterm_t *b, int sign);

uint32_t uterm_combine_id(const units_t *u, uint32_t a, uint32_t b, int sign)
{
    units_t *w = (units_t *)u;   /* the memo is a cache: the registry is unchanged */
    if (!w->memo) w->memo = calloc(MEMO_SLOTS, sizeof *w->memo);
    uint64_t h = ((uint64_t)a << 33 ^ (uint64_t)b << 1 ^ (uint64_t)(sign < 0)) * 0x9E3779B97F4A7C15u;
    combine_memo_t *m = w->memo ? &w->memo[(h >> 40) & (MEMO_SLOTS - 1)] : NULL;
    if (m && m->sign == sign && m->a == a && m->b == b) return m->r;
    uterm_t r;
    uterm_combine_now(u, &r, uterm_by_id(a), uterm_by_id(b), sign);
    uint32_t id = uterm_intern(&r);
    if (m && id != UTERM_ID_NONE) *m = (combine_memo_t){ a, b, id, sign };
    return id;
}

int units_product(const units_t *u, units_ids_t a, units_ids_t b, int sign, units_ids_t *out, size_t *bits)
{
    units_t *w = (units_t *)u;   /* a cache, as above */
    if (!w->products) w->products = calloc(MEMO_SLOTS, sizeof *w->products);
    uint64_t h = (((uint64_t)a.dim << 32 | a.disp) * 0x9E3779B97F4A7C15u ^ ((uint64_t)b.dim << 32 | b.disp)) * 0xC2B2AE3D27D4EB4Fu;
    product_memo_t *m = w->products ? &w->products[(h >> 40 ^ (uint64_t)(sign < 0)) & (MEMO_SLOTS - 1)] : NULL;
    if (m && m->sign == sign && m->a.dim == a.dim && m->a.disp == a.disp && m->b.dim == b.dim && m->b.disp == b.disp) {
        *out = m->r;
        *bits = m->bits;
        return m->ok;
    }
    int ok = dim_combine_id(&out->dim, a.dim, b.dim, sign);
    out->disp = uterm_combine_id(u, a.disp, b.disp, sign);
    *bits = out->disp == UTERM_ID_NONE ? 0 : uterm_bits(u, uterm_by_id(out->disp));
    if (m && (!ok || (out->dim != DIM_ID_NONE && out->disp != UTERM_ID_NONE)))
        *m = (product_memo_t){ a, b, *out, sign, ok, *bits };
    return ok;
}

void uterm_combine(const units_t *u, uterm_t *out, const uterm_t *a, const uterm_t *b, int sign)
{
    uint32_t ia = uterm_intern(a), ib = uterm_intern(b);
    uint32_t r = ia != UTERM_ID_NONE && ib != UTERM_ID_NONE ? uterm_combine_id(u, ia, ib, sign) : UTERM_ID_NONE;
    if (r != UTERM_ID_NONE) *out = *uterm_by_id(r);
    else uterm_combine_now(u, out, a, b, sign);
}

static void uterm_combine_now(const units_t *u, uterm_t *out, const uterm_t *a, const uterm_t *b, int sign)
{
    uterm_t r;
    if (a->n == UTERM_NONE || b->n == UTERM_NONE) { memset(&r, 0, sizeof r); r.n = UTERM_NONE; *out = r; return; }
    r = *a;
    for (int i = 0; i < b->n; i++) uterm_add(u, &r, b->t[i].unit, sign * b->t[i].exp);
    uterm_compact(u, &r);
    *out = r;
}

void uterm_pow(const units_t *u, uterm_t *out, const uterm_t *a, long n)
{
    uterm_t r = *a;
    if (r.n != UTERM_NONE)
        for (int i = 0; i < r.n; i++) {
            long e = r.t[i].exp * n;
            if (e > DIM_EXP_MAX || e < -DIM_EXP_MAX) { r.n = UTERM_NONE; break; }
            r.t[i].exp = (signed char)e;
        }
    if (r.n != UTERM_NONE) drop_dimensionless(u, &r);
    *out = r;
}

size_t uterm_bits(const units_t *u, const uterm_t *t)
{
    size_t bits = 0;
    if (t->n == UTERM_NONE) return 0;
    for (int i = 0; i < t->n; i++) bits += u->defs[t->t[i].unit].factor_bits * (size_t)abs(t->t[i].exp);
    return bits;
}

void uterm_factor(const units_t *u, const uterm_t *t, mpq_t out)
{
    mpq_set_ui(out, 1, 1);
    if (t->n == UTERM_NONE) return;
    mpq_t f;
    mpq_init(f);
    for (int i = 0; i < t->n; i++) {
        const mpq_t *base = &u->defs[t->t[i].unit].factor;
        int e = t->t[i].exp;
        mpz_pow_ui(mpq_numref(f), mpq_numref(*base), (unsigned long)abs(e));
        mpz_pow_ui(mpq_denref(f), mpq_denref(*base), (unsigned long)abs(e));
        mpq_canonicalize(f);
        if (e > 0) mpq_mul(out, out, f); else mpq_div(out, out, f);
    }
    mpq_clear(f);
}

void uterm_dim(const units_t *u, const uterm_t *t, dim_t *out)
{
    memset(out, 0, sizeof *out);
    if (t->n == UTERM_NONE) return;
    for (int i = 0; i < t->n; i++)
        for (int k = 0; k < DIM_MAX; k++)
            out->e[k] = (signed char)(out->e[k] + u->defs[t->t[i].unit].dim.e[k] * t->t[i].exp);
}

void uterm_for_dim(const units_t *u, const dim_t *d, uterm_t *out)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < u->ndims; k++) {
        if (!d->e[k]) continue;
        if (u->dim_base[k] < 0 || out->n == UTERM_MAX) { out->n = UTERM_NONE; return; }
        out->t[out->n].unit = (unsigned short)u->dim_base[k];
        out->t[out->n].exp = d->e[k];
        out->n++;
    }
}

struct term_ctx { const units_t *u; const uterm_t *t; };
static const char *term_name_at(const void *ctx, int i)
{
    const struct term_ctx *c = ctx;
    return c->u->defs[c->t->t[i].unit].name;
}

int units_is_currency_code(const char *name)
{
    return name && strlen(name) == 3 && isupper((unsigned char)name[0]) && isupper((unsigned char)name[1]) &&
           isupper((unsigned char)name[2]);
}

int units_is_currency(const units_t *u, int d) { return units_is_currency_code(units_dimension_name(u, d)); }

int units_currency_decimals(const char *code)
{
    /* ISO 4217's minor units: two decimals unless listed here (ISO 4217 list one, as
     * published by SIX Financial Information, the maintenance agency) */
    static const char *none[] = { "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                  "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF" };
    static const char *three[] = { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) if (!strcmp(code, none[i])) return 0;
    for (size_t i = 0; i < sizeof three / sizeof three[0]; i++) if (!strcmp(code, three[i])) return 3;
    return 2;
}

static int is_time_unit(const units_t *u, int unit)
{
    int d = units_find_dimension(u, "time");
    if (d < 0) return 0;
    const dim_t *dim = &u->defs[unit].dim;
    for (int i = 0; i < u->ndims; i++) if (dim->e[i] != (i == d)) return 0;
    return 1;
}

/* Time goes last in a product, whichever factor came first, so one rate always reads
 * the same way: USD/(gpu*hour), GB*month, not USD/(hour*gpu) for a price per hour per gpu. */
char *uterm_format(const units_t *u, const uterm_t *t)
{
    if (t->n == UTERM_NONE) return strdup("?");
    uterm_t ordered = *t;
    int k = 0, exps[UTERM_MAX];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < t->n; i++)
            if (is_time_unit(u, t->t[i].unit) == pass) ordered.t[k++] = t->t[i];
    for (int i = 0; i < t->n; i++) exps[i] = ordered.t[i].exp;
    struct term_ctx c = { u, &ordered };
    return format_product(&c, term_name_at, exps, t->n);
}
