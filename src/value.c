/* value: constructors, reference counting and exact arithmetic on Outlay values. */
#define _DEFAULT_SOURCE   /* mmap's MAP_ANONYMOUS */
#include "value.h"
#include "diag.h"
#include "mpmem.h"
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

/* Values alive at once, so that a program building unshared lists is stopped well before
 * the machine's memory is. */
static size_t live_values;
size_t value_live_count(void) { return live_values; }

/* Where values live. Normally in one stretch of reserved address space, committed a piece
 * at a time, freed slots reused: no malloc per value. A number starts with its numerator
 * and denominator in the two limbs inside its slot (the stretch is mpmem's fixed stretch,
 * whose limbs GMP never frees; a number that outgrows them moves to a block of its own),
 * so a small number costs its 80 bytes and nothing else. When there is no stretch (under
 * AddressSanitizer, which should see every value's use after free; when mpmem is not
 * GMP's allocator; when the stretch is used up or cannot be had) a value is calloc'd. */
enum { SLAB_STEP = 1 << 20 };
static char *slab, *slab_next, *slab_ready;   /* start, first unused slot, end of committed */
static size_t slab_len;                       /* bytes reserved */
static int slab_state;                        /* 0 not tried yet, 1 in use, -1 none */
static value_t *free_slots;                   /* linked through u.obj.p */

static void slab_open(void)
{
    slab_state = -1;
    /* 2 GB of address space (26 million values); under a limit on address space (ulimit
     * -v), which counts the reservation whole, an eighth of it at most */
    size_t len = (size_t)1 << 31;
    struct rlimit lim;
    if (!getrlimit(RLIMIT_AS, &lim) && lim.rlim_cur != RLIM_INFINITY)
        while (len >= (size_t)SLAB_STEP << 4 && len > lim.rlim_cur / 8) len >>= 1;
    void *p = len >= (size_t)SLAB_STEP << 4 ? mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
    if (p == MAP_FAILED) return;
    if (!mpmem_fixed(p, len)) { munmap(p, len); return; }
    slab_len = len;
    slab = slab_next = slab_ready = p;
    slab_state = 1;
}

static int in_slab(const void *p) { return (uintptr_t)p - (uintptr_t)slab < slab_len && slab_state > 0; }

/* A slot from the stretch, or NULL. */
static value_t *slot(void)
{
    value_t *v = free_slots;
    if (v) { free_slots = v->u.obj.p; return v; }
    if (!slab_state) slab_open();
    if (slab_state < 0 || slab_next + sizeof *v > slab + slab_len) return NULL;
    if (slab_next + sizeof *v > slab_ready) {
        if (mprotect(slab_ready, SLAB_STEP, PROT_READ | PROT_WRITE)) return NULL;
        slab_ready += SLAB_STEP;
    }
    v = (value_t *)(void *)slab_next;
    slab_next += sizeof *v;
    return v;
}

static value_t *alloc_value(value_kind kind)
{
    value_t *v = slot();
    if (v) memset(v, 0, sizeof *v);
    else if (!(v = calloc(1, sizeof *v))) return NULL;
    v->kind = kind; v->refs = 1; v->size = 1; live_values++;
    return v;
}

static void release(value_t *v)
{
    live_values--;
    if (v->kind == V_NUM) {   /* limbs in a slot stay there */
        if (!in_slab(mpq_numref(v->u.num.q)->_mp_d)) mpz_clear(mpq_numref(v->u.num.q));
        if (!in_slab(mpq_denref(v->u.num.q)->_mp_d)) mpz_clear(mpq_denref(v->u.num.q));
    }
    if (in_slab(v)) { v->u.obj.p = free_slots; free_slots = v; }
    else free(v);
}

static size_t size_add(size_t a, size_t b) { return a > SIZE_MAX / 2 - b ? SIZE_MAX / 2 : a + b; }

value_t *value_ref(value_t *v) { if (v) v->refs++; return v; }

void value_free(value_t *v)
{
    if (!v || --v->refs > 0) return;
    switch (v->kind) {
    case V_STR: free(v->u.s); break;
    case V_LIST:
        for (size_t i = 0; i < v->u.list.n; i++) value_free(v->u.list.items[i]);
        free(v->u.list.items);
        break;
    case V_RECORD:
        for (size_t i = 0; i < v->u.rec.n; i++) value_free(v->u.rec.vals[i]);
        free(v->u.rec.keys); free(v->u.rec.vals); free(v->u.rec.index);
        break;
    case V_OBJECT:
        if (v->u.obj.type->free) v->u.obj.type->free(v->u.obj.p);
        break;
    default: break;
    }
    release(v);
}

/* A quantity of value 0 with interned dimension and display unit: the caller sets the number. */
static value_t *new_quantity(uint32_t dim_id, uint32_t disp_id)
{
    value_t *v = slot();
    if (v) {
        mpz_ptr n = mpq_numref(v->u.num.q), d = mpq_denref(v->u.num.q);
        n->_mp_d = &v->u.num.limbs[0]; n->_mp_alloc = 1; n->_mp_size = 0;
        d->_mp_d = &v->u.num.limbs[1]; d->_mp_alloc = 1; d->_mp_size = 1;
        v->u.num.limbs[1] = 1;
    } else {
        if (!(v = calloc(1, sizeof *v))) return NULL;
        mpq_init(v->u.num.q);
    }
    v->kind = V_NUM; v->refs = 1; v->depth = 0; v->size = 1; live_values++;
    v->u.num.dim_id = dim_id;
    v->u.num.disp_id = disp_id;
    v->u.num.approx = 0;
    return v;
}

/* A display unit's id; one that cannot be interned shows in base units. */
static uint32_t disp_id_of(const uterm_t *t)
{
    uint32_t id = t ? uterm_intern(t) : UTERM_ID_EMPTY;
    return id == UTERM_ID_NONE ? UTERM_ID_BASE : id;
}

const dim_t *value_dim(const value_t *v) { return dim_by_id(v->u.num.dim_id); }
const uterm_t *value_disp(const value_t *v) { return uterm_by_id(v->u.num.disp_id); }
void value_set_disp(value_t *v, const uterm_t *t) { v->u.num.disp_id = disp_id_of(t); }

value_t *value_quantity(const mpq_t q, const dim_t *dim, const uterm_t *disp)
{
    uint32_t id = dim ? dim_intern(dim) : 0;
    value_t *v = id == DIM_ID_NONE ? NULL : new_quantity(id, disp_id_of(disp));
    if (v) mpq_set(v->u.num.q, q);
    return v;
}

value_t *value_quantity_like(const mpq_t q, const value_t *unit)
{
    value_t *v = new_quantity(unit->u.num.dim_id, unit->u.num.disp_id);
    if (v) mpq_set(v->u.num.q, q);
    return v;
}

value_t *value_num(const mpq_t q) { return value_quantity(q, NULL, NULL); }

value_t *value_num_si(long n)
{
    value_t *v = new_quantity(0, 0);
    if (v) mpq_set_si(v->u.num.q, n, 1);
    return v;
}

value_t *value_unit(const units_t *u, int unit)
{
    const unit_def_t *d = units_get(u, unit);
    value_t *v = d->dim_id == DIM_ID_NONE ? NULL : new_quantity(d->dim_id, d->disp_id == UTERM_ID_NONE ? UTERM_ID_BASE : d->disp_id);
    if (v) { mpq_set(v->u.num.q, d->factor); v->u.num.approx = d->approx; }
    return v;
}

value_t *value_bool(int b) { value_t *v = alloc_value(V_BOOL); if (v) v->u.b = !!b; return v; }
value_t *value_date(date_t d) { value_t *v = alloc_value(V_DATE); if (v) v->u.date = d; return v; }

value_t *value_str(const char *s)
{
    value_t *v = alloc_value(V_STR);
    if (v && !(v->u.s = strdup(s))) { value_free(v); return NULL; }
    return v;
}

value_t *value_list(value_t **items, size_t n)
{
    value_t *v = alloc_value(V_LIST);
    if (!v) { for (size_t i = 0; i < n; i++) value_free(items[i]); free(items); return NULL; }
    v->u.list.items = items;
    v->u.list.n = n;
    for (size_t i = 0; i < n; i++) {
        if (items[i]->depth >= v->depth) v->depth = items[i]->depth + 1;
        v->size = size_add(v->size, items[i]->size);
    }
    if (!v->depth) v->depth = 1;
    return v;
}

int value_too_deep(const value_t *v) { return v->depth > VALUE_MAX_DEPTH; }
int value_too_large(const value_t *v) { return v->size > VALUE_MAX_SIZE; }

size_t value_work(const value_t *v)
{
    if (v->kind != V_NUM) return v->size - 1;
    size_t limbs = mpz_size(mpq_numref(v->u.num.q)) + mpz_size(mpq_denref(v->u.num.q));
    return limbs > 32 ? limbs : 0;   /* everyday numbers cost one step */
}

void value_mark_approx(value_t *v)
{
    if (!v) return;
    if (v->kind == V_NUM) v->u.num.approx = 1;
    else if (v->kind == V_LIST) for (size_t i = 0; i < v->u.list.n; i++) value_mark_approx(v->u.list.items[i]);
    else if (v->kind == V_RECORD) for (size_t i = 0; i < v->u.rec.n; i++) value_mark_approx(value_record_field(v, i));
}

int value_is_approx(const value_t *v)
{
    if (!v) return 0;
    if (v->kind == V_NUM) return v->u.num.approx;
    if (v->kind == V_LIST) { for (size_t i = 0; i < v->u.list.n; i++) if (value_is_approx(v->u.list.items[i])) return 1; }
    if (v->kind == V_RECORD) { for (size_t i = 0; i < v->u.rec.n; i++) if (value_is_approx(value_record_field(v, i))) return 1; }
    return 0;
}

/* Record keys and tags, one copy of each: a program has few distinct field names, and
 * its records (invoice lines among them) share them without a copy per field. */
static char **keys;
static size_t nkeys, capkeys;

static size_t key_slot(const char *key)
{
    size_t h = 2166136261u;
    for (const char *s = key; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    size_t i = h & (capkeys - 1);
    while (keys[i] && strcmp(keys[i], key)) i = (i + 1) & (capkeys - 1);
    return i;
}

/* The interned copy of key, or NULL when no record has ever had it. */
static const char *known_key(const char *key) { return capkeys ? keys[key_slot(key)] : NULL; }

/* Records of more fields than this index them (fewer are scanned, comparing pointers). */
enum { RECORD_INDEX_MIN = 16 };

static size_t field_slot(const value_t *rec, const char *key)
{
    size_t mask = rec->u.rec.nindex - 1, i = (size_t)(((uintptr_t)key * 0x9E3779B97F4A7C15u) >> 16) & mask;
    while (rec->u.rec.index[i] && rec->u.rec.keys[rec->u.rec.index[i] - 1] != key) i = (i + 1) & mask;
    return i;
}

/* The position of the field named by the interned key, or n when there is none. */
static size_t field_pos(const value_t *rec, const char *key)
{
    if (rec->u.rec.index) {
        uint32_t at = rec->u.rec.index[field_slot(rec, key)];
        return at ? at - 1 : rec->u.rec.n;
    }
    size_t i = 0;
    while (i < rec->u.rec.n && rec->u.rec.keys[i] != key) i++;
    return i;
}

/* Indexes the field just appended, (re)building the index at half full; without memory
 * for it the record is scanned instead. */
static void index_last_field(value_t *rec)
{
    size_t n = rec->u.rec.n;
    if (n <= RECORD_INDEX_MIN) return;
    if (n * 2 > rec->u.rec.nindex) {
        size_t cap = rec->u.rec.nindex ? rec->u.rec.nindex * 2 : 64;
        uint32_t *ix = calloc(cap, sizeof *ix);
        free(rec->u.rec.index);
        rec->u.rec.index = ix;
        rec->u.rec.nindex = ix ? cap : 0;
        for (size_t i = 0; ix && i + 1 < n; i++) ix[field_slot(rec, rec->u.rec.keys[i])] = (uint32_t)i + 1;
    }
    if (rec->u.rec.index) rec->u.rec.index[field_slot(rec, rec->u.rec.keys[n - 1])] = (uint32_t)n;
}

static char *intern_key(const char *key)
{
    if ((nkeys + 1) * 2 > capkeys) {
        size_t cap = capkeys ? capkeys * 2 : 256;
        char **k = calloc(cap, sizeof *k), **old = keys;
        if (!k) return NULL;
        size_t oldcap = capkeys;
        keys = k; capkeys = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i]) keys[key_slot(old[i])] = old[i];
        free(old);
    }
    size_t i = key_slot(key);
    if (!keys[i] && (keys[i] = strdup(key))) nkeys++;
    return keys[i];
}

value_t *value_record(const char *tag)
{
    value_t *v = alloc_value(V_RECORD);
    if (v && tag && !(v->u.rec.tag = intern_key(tag))) { value_free(v); return NULL; }
    return v;
}

int value_record_set(value_t *rec, const char *key, value_t *val)
{
    if (!val) return 0;
    char *interned = intern_key(key);
    if (!interned) { value_free(val); return 0; }
    size_t i = field_pos(rec, interned);
    if (i < rec->u.rec.n) {
        rec->size = size_add(rec->size - rec->u.rec.vals[i]->size, val->size);
        value_free(rec->u.rec.vals[i]);
        rec->u.rec.vals[i] = val;
        if (val->depth >= rec->depth) rec->depth = val->depth + 1;
        return 1;
    }
    size_t n = rec->u.rec.n + 1;
    if (n > rec->u.rec.cap) {
        size_t cap = rec->u.rec.cap ? rec->u.rec.cap * 2 : 8;
        char **k = realloc(rec->u.rec.keys, cap * sizeof *k);
        if (k) rec->u.rec.keys = k;
        value_t **vs = k ? realloc(rec->u.rec.vals, cap * sizeof *vs) : NULL;
        if (vs) rec->u.rec.vals = vs;
        if (!vs) { value_free(val); return 0; }
        rec->u.rec.cap = cap;
    }
    rec->u.rec.keys[n - 1] = interned;
    rec->u.rec.vals[n - 1] = val;
    rec->u.rec.n = n;
    index_last_field(rec);
    rec->size = size_add(rec->size, val->size);
    if (val->depth >= rec->depth) rec->depth = val->depth + 1;
    return 1;
}

value_t *value_record_field(const value_t *rec, size_t i)
{
    value_t *v = rec->u.rec.vals[i];
    if (v->kind != V_OBJECT || !v->u.obj.type->force) return v;
    /* the record's value is the same once its lazy field is made: it changes in place,
     * even when the record is shared (or reached through a const pointer) */
    value_t *made = v->u.obj.type->force(v->u.obj.p);
    if (!made) return v;   /* out of memory: readers see an object, which they do not take for the value */
    ((value_t *)rec)->u.rec.vals[i] = made;
    value_free(v);
    return made;
}

value_t *value_record_get(const value_t *rec, const char *key)
{
    const char *k = known_key(key);
    size_t i = k ? field_pos(rec, k) : rec->u.rec.n;
    return i < rec->u.rec.n ? value_record_field(rec, i) : NULL;
}

value_t *value_object(const value_object_type_t *type, void *p)
{
    value_t *v = alloc_value(V_OBJECT);
    if (!v) { if (type->free) type->free(p); return NULL; }
    v->u.obj.type = type;
    v->u.obj.p = p;
    return v;
}

const char *value_kind_name(const value_t *v)
{
    switch (v->kind) {
    case V_NUM: return v->u.num.dim_id ? "quantity" : "number";
    case V_BOOL: return "boolean";
    case V_STR: return "string";
    case V_DATE: return "date";
    case V_LIST: return "list";
    case V_RECORD: return v->u.rec.tag ? v->u.rec.tag : "record";
    case V_OBJECT: return v->u.obj.type->name;
    }
    return "value";
}

int value_is_dimensionless(const value_t *v) { return v->kind == V_NUM && !v->u.num.dim_id; }

void value_display_unit(const units_t *u, const value_t *v, uterm_t *out)
{
    *out = *value_disp(v);
    dim_t d;
    uterm_dim(u, out, &d);
    if (out->n == UTERM_NONE || !dim_eq(&d, value_dim(v))) uterm_for_dim(u, value_dim(v), out);
}

void value_magnitude(const units_t *u, const value_t *v, mpq_t out)
{
    uterm_t t;
    value_display_unit(u, v, &t);
    mpq_t f;
    mpq_init(f);
    uterm_factor(u, &t, f);
    mpq_div(out, v->u.num.q, f);
    mpq_clear(f);
}

size_t value_bits(const mpq_t q)
{
    size_t a = mpz_sizeinbase(mpq_numref(q), 2), b = mpz_sizeinbase(mpq_denref(q), 2);
    return a > b ? a : b;
}

int value_size_ok(size_t bits) { return bits <= VALUE_MAX_BITS; }

/* The fault of the last failure (value_last_fault), set with its message. */
static value_fault last_fault;
value_fault value_last_fault(void) { return last_fault; }

static char *fault(value_fault f, char *msg)
{
    last_fault = f;
    return msg;
}

static char *too_big(void)
{
    return fault(VALUE_FAULT_LIMIT, diag_format("number too large: results are limited to about 315,000 digits"));
}

/* ---------- the machine-word path ----------
 * Most numbers in a price list are small: a numerator and a denominator that each fit in
 * 63 bits. Their sums, products and quotients are worked out in machine words, reduced
 * to lowest terms with a binary gcd, with every step checked for overflow
 * (__builtin_*_overflow), and written straight into the result's limbs (a pooled value
 * keeps them, so nothing is allocated). An operand that does not fit, or a step that
 * overflows, takes GMP's path instead: either way the result is the same canonical
 * rational (lowest terms, positive denominator), digit for digit. */
#if GMP_NUMB_BITS == 64 && LONG_MAX == INT64_MAX
#define SMALL_PATH 1
#else
#define SMALL_PATH 0
#endif

/* n / d with d > 0, in lowest terms. An operand has |n| <= INT64_MAX (INT64_MIN is left
 * to GMP, so that negating it never overflows); a result may be INT64_MIN. */
typedef struct { int64_t n, d; } small_t;

/* Reads the sizes and limbs directly, as put_si writes them (mpz_getlimbn checks bounds
 * that the sizes have already checked). */
static int small_get(const mpq_t q, small_t *s)
{
    mpz_srcptr zn = mpq_numref(q), zd = mpq_denref(q);
    if (!SMALL_PATH || zn->_mp_size > 1 || zn->_mp_size < -1 || zd->_mp_size != 1) return 0;
    mp_limb_t n = zn->_mp_size ? zn->_mp_d[0] : 0, d = zd->_mp_d[0];
    if (n > INT64_MAX || d > INT64_MAX) return 0;
    s->n = zn->_mp_size < 0 ? -(int64_t)n : (int64_t)n;
    s->d = (int64_t)d;
    return 1;
}

static uint64_t mag(int64_t n) { return n < 0 ? -(uint64_t)n : (uint64_t)n; }

/* n into z: straight into its limb when it has one (a value's number always does), as
 * mpz_set_si would. */
static void put_si(mpz_ptr z, int64_t n)
{
    if (z->_mp_alloc < 1) { mpz_set_si(z, (long)n); return; }
    z->_mp_d[0] = mag(n);
    z->_mp_size = (n > 0) - (n < 0);
}

static void small_put(mpq_t q, small_t s)
{
    put_si(mpq_numref(q), s.n);
    put_si(mpq_denref(q), s.d);
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    if (!a) return b;
    if (!b) return a;
    if (a == 1 || b == 1) return 1;   /* whole numbers: a denominator of 1 */
    if (a < b) { uint64_t t = a; a = b; b = t; }
    if (a >= b << 4) {   /* a numerator over a small denominator: one division first */
        a %= b;
        if (!a) return b;
    }
    int k = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    b >>= __builtin_ctzll(b);
    while (a != b) {   /* both odd: the difference is even, the smaller one stays */
        uint64_t d = a > b ? a - b : b - a;
        a = a < b ? a : b;
        b = d >> __builtin_ctzll(d);
    }
    return a << k;
}

/* n / g, without the division (tens of cycles) for the usual g = 1. */
static int64_t quo(int64_t n, int64_t g) { return g == 1 ? n : n / g; }

/* a + b (Knuth's: with g = gcd(da, db), only g can divide the new numerator and
 * denominator, so the reduction is by gcd(t, g)). */
static int small_add(small_t a, small_t b, small_t *r)
{
    int64_t g = (int64_t)gcd_u64((uint64_t)a.d, (uint64_t)b.d), t1, t2, t, d;
    if (__builtin_mul_overflow(a.n, quo(b.d, g), &t1) || __builtin_mul_overflow(b.n, quo(a.d, g), &t2) ||
        __builtin_add_overflow(t1, t2, &t))
        return 0;
    int64_t g2 = g == 1 ? 1 : (int64_t)gcd_u64(mag(t), (uint64_t)g);
    if (__builtin_mul_overflow(quo(a.d, g), quo(b.d, g2), &d)) return 0;
    *r = (small_t){ quo(t, g2), d };   /* 0 comes out as 0/1: then da = db = 1 */
    return 1;
}

/* a * b: cancelling across (na with db, nb with da) leaves the product in lowest terms. */
static int small_mul(small_t a, small_t b, small_t *r)
{
    int64_t g1 = (int64_t)gcd_u64(mag(a.n), (uint64_t)b.d), g2 = (int64_t)gcd_u64(mag(b.n), (uint64_t)a.d), n, d;
    if (__builtin_mul_overflow(quo(a.n, g1), quo(b.n, g2), &n) || __builtin_mul_overflow(quo(a.d, g2), quo(b.d, g1), &d)) return 0;
    *r = (small_t){ n, d };
    return 1;
}

/* 1 / b for b != 0, the sign moved to the numerator. */
static small_t small_inv(small_t b) { return (small_t){ b.n < 0 ? -b.d : b.d, b.n < 0 ? -b.n : b.n }; }

void value_q_add(mpq_t out, const mpq_t a, const mpq_t b)
{
    small_t sa, sb, sr;
    if (small_get(a, &sa) && small_get(b, &sb) && small_add(sa, sb, &sr)) small_put(out, sr);
    else mpq_add(out, a, b);
}

void value_q_sub(mpq_t out, const mpq_t a, const mpq_t b)
{
    small_t sa, sb, sr;
    if (small_get(a, &sa) && small_get(b, &sb) && small_add(sa, (small_t){ -sb.n, sb.d }, &sr)) small_put(out, sr);
    else mpq_sub(out, a, b);
}

void value_q_mul(mpq_t out, const mpq_t a, const mpq_t b)
{
    small_t sa, sb, sr;
    if (small_get(a, &sa) && small_get(b, &sb) && small_mul(sa, sb, &sr)) small_put(out, sr);
    else mpq_mul(out, a, b);
}

int value_same_dim(const units_t *u, const value_t *a, const value_t *b, const char *what, char **err)
{
    if (a->kind != V_NUM || b->kind != V_NUM) {
        *err = fault(VALUE_FAULT_RUNTIME, diag_format("cannot %s a %s and a %s", what, value_kind_name(a), value_kind_name(b)));
        return 0;
    }
    if (a->u.num.dim_id == b->u.num.dim_id) return 1;
    char *da = units_format_dim(u, value_dim(a)), *db = units_format_dim(u, value_dim(b));
    *err = fault(VALUE_FAULT_UNIT, diag_format("cannot %s %s and %s: the dimensions differ", what, da ? da : "?", db ? db : "?"));
    free(da); free(db);
    return 0;
}

static value_t *date_plus(const units_t *u, date_t d, const value_t *t, int sign, char **err)
{
    /* Dates move by whole days; "day" is the prelude's unit of 86400 s. */
    int day = units_find((units_t *)u, "day");
    if (day < 0 || !dim_eq(value_dim(t), &units_get(u, day)->dim)) {
        char *dt = units_format_dim(u, value_dim(t));
        *err = fault(VALUE_FAULT_UNIT, diag_format("a date can only move by a time, not by %s", dt ? dt : "?"));
        free(dt);
        return NULL;
    }
    mpq_t days;
    mpq_init(days);
    mpq_div(days, t->u.num.q, units_get(u, day)->factor);
    value_t *r = NULL;
    if (mpz_cmp_ui(mpq_denref(days), 1) != 0)
        *err = fault(VALUE_FAULT_RUNTIME, diag_format("a date can only move by whole days (use add_months for calendar months)"));
    else if (!mpz_fits_slong_p(mpq_numref(days)) || labs(mpz_get_si(mpq_numref(days))) > DATES_LAST - DATES_FIRST ||
             !dates_in_range(d + sign * mpz_get_si(mpq_numref(days))))
        *err = fault(VALUE_FAULT_RUNTIME, diag_format(DATES_RANGE_ERROR));
    else
        r = value_date(d + sign * mpz_get_si(mpq_numref(days)));
    mpq_clear(days);
    return r;
}

static value_t *num_addsub(const units_t *u, value_t *into, const value_t *a, const value_t *b, int sign, char **err);

static value_t *addsub(const units_t *u, const value_t *a, const value_t *b, int sign, char **err)
{
    if (a->kind == V_DATE && b->kind == V_NUM) return date_plus(u, a->u.date, b, sign, err);
    if (sign > 0 && a->kind == V_NUM && b->kind == V_DATE) return date_plus(u, b->u.date, a, 1, err);
    if (sign < 0 && a->kind == V_DATE && b->kind == V_DATE) {
        int day = units_find((units_t *)u, "day");
        if (day < 0) { *err = fault(VALUE_FAULT_UNIT, diag_format("the unit 'day' is not defined")); return NULL; }
        value_t *one = value_unit(u, day);
        if (!one) return NULL;
        mpq_t n;
        mpq_init(n);
        mpq_set_si(n, a->u.date - b->u.date, 1);
        mpq_mul(one->u.num.q, one->u.num.q, n);
        mpq_clear(n);
        return one;
    }
    return num_addsub(u, NULL, a, b, sign, err);
}

/* a + b or a - b for quantities, into a new value, or into `into` when it is a itself
 * (value_add_taking: a value only its caller holds). */
static value_t *num_addsub(const units_t *u, value_t *into, const value_t *a, const value_t *b, int sign, char **err)
{
    if (!value_same_dim(u, a, b, sign > 0 ? "add" : "subtract", err)) return NULL;
    const mpq_t *x = &a->u.num.q, *y = &b->u.num.q;
    small_t sa, sb, sr;
    int small = small_get(*x, &sa) && small_get(*y, &sb);
    if (small && sign < 0) sb.n = -sb.n;
    small = small && small_add(sa, sb, &sr);
    if (!small && !value_size_ok(value_bits(*x) + value_bits(*y) + 1)) { *err = too_big(); return NULL; }
    uint32_t disp = (a->u.num.disp_id != UTERM_ID_EMPTY || !a->u.num.dim_id) ? a->u.num.disp_id : b->u.num.disp_id;
    value_t *r = into ? into : new_quantity(a->u.num.dim_id, disp);
    if (!r) return NULL;
    r->u.num.disp_id = disp;
    if (small) small_put(r->u.num.q, sr);
    else if (sign > 0) mpq_add(r->u.num.q, *x, *y);
    else mpq_sub(r->u.num.q, *x, *y);
    r->u.num.approx = a->u.num.approx || b->u.num.approx;
    return r;
}

value_t *value_add(const units_t *u, const value_t *a, const value_t *b, char **err) { return addsub(u, a, b, 1, err); }
value_t *value_sub(const units_t *u, const value_t *a, const value_t *b, char **err) { return addsub(u, a, b, -1, err); }

value_t *value_add_taking(const units_t *u, value_t *acc, const value_t *b, char **err)
{
    value_t *r = acc->refs == 1 && acc->kind == V_NUM && b->kind == V_NUM ? num_addsub(u, acc, acc, b, 1, err)
                                                                          : value_add(u, acc, b, err);
    if (r != acc) value_free(acc);
    return r;
}

static value_t *muldiv(const units_t *u, const value_t *a, const value_t *b, int sign, char **err)
{
    if (a->kind != V_NUM || b->kind != V_NUM) {
        *err = fault(VALUE_FAULT_RUNTIME, diag_format("cannot %s a %s by a %s", sign > 0 ? "multiply" : "divide",
                                                      value_kind_name(a), value_kind_name(b)));
        return NULL;
    }
    if (sign < 0 && mpq_sgn(b->u.num.q) == 0) { *err = fault(VALUE_FAULT_RUNTIME, diag_format("division by zero")); return NULL; }
    small_t sa, sb, sr;
    int small = small_get(a->u.num.q, &sa) && small_get(b->u.num.q, &sb) &&
                small_mul(sa, sign > 0 ? sb : small_inv(sb), &sr);
    if (!small && !value_size_ok(value_bits(a->u.num.q) + value_bits(b->u.num.q))) { *err = too_big(); return NULL; }
    units_ids_t p;
    size_t bits;
    if (!units_product(u, (units_ids_t){ a->u.num.dim_id, a->u.num.disp_id }, (units_ids_t){ b->u.num.dim_id, b->u.num.disp_id },
                       sign, &p, &bits)) {
        *err = fault(VALUE_FAULT_UNIT, diag_format("unit exponent out of range (at most %d)", DIM_EXP_MAX));
        return NULL;
    }
    /* a display unit too large to compute (a huge user unit to a high power), or one
     * that cannot be interned, gives way to base units */
    if (p.disp == UTERM_ID_NONE || !value_size_ok(bits)) p.disp = UTERM_ID_BASE;
    value_t *r = p.dim == DIM_ID_NONE ? NULL : new_quantity(p.dim, p.disp);
    if (!r) return NULL;
    if (small) small_put(r->u.num.q, sr);
    else if (sign > 0) mpq_mul(r->u.num.q, a->u.num.q, b->u.num.q);
    else mpq_div(r->u.num.q, a->u.num.q, b->u.num.q);
    r->u.num.approx = a->u.num.approx || b->u.num.approx;
    return r;
}

value_t *value_mul(const units_t *u, const value_t *a, const value_t *b, char **err) { return muldiv(u, a, b, 1, err); }
value_t *value_div(const units_t *u, const value_t *a, const value_t *b, char **err) { return muldiv(u, a, b, -1, err); }

value_t *value_pow(const units_t *u, const value_t *a, const value_t *b, char **err)
{
    if (a->kind != V_NUM || b->kind != V_NUM) {
        *err = fault(VALUE_FAULT_RUNTIME, diag_format("cannot raise a %s to a %s", value_kind_name(a), value_kind_name(b)));
        return NULL;
    }
    if (b->u.num.dim_id) { *err = fault(VALUE_FAULT_RUNTIME, diag_format("an exponent must be a plain number, not a quantity")); return NULL; }
    if (mpz_cmp_ui(mpq_denref(b->u.num.q), 1) != 0) {
        *err = fault(VALUE_FAULT_RUNTIME, diag_format("exponent is not a whole number: a fractional power is not exact"));
        return NULL;
    }
    mpz_srcptr n = mpq_numref(b->u.num.q);
    /* 0, 1 and -1 (without units) stay small under any power: only the sign pattern
     * of the exponent matters, so a huge exponent reduces to 1 or 2. */
    int trivial = !a->u.num.dim_id && mpz_cmp_ui(mpq_denref(a->u.num.q), 1) == 0 &&
                  mpz_cmpabs_ui(mpq_numref(a->u.num.q), 1) <= 0;
    long e;
    if (trivial) {
        e = mpz_sgn(n) * (mpz_odd_p(n) ? 1 : 2);
    } else {
        if (!mpz_fits_slong_p(n) || mpz_cmpabs_ui(n, VALUE_MAX_BITS) > 0) { *err = too_big(); return NULL; }
        e = mpz_get_si(n);
        /* b bits to the power e take between (b-1)e+1 and be bits: refuse on the lower
         * bound (GMP is never asked for more than twice the limit), check the result */
        if (!value_size_ok((value_bits(a->u.num.q) - 1) * (size_t)labs(e) + 1)) { *err = too_big(); return NULL; }
    }
    if (e < 0 && mpq_sgn(a->u.num.q) == 0) { *err = fault(VALUE_FAULT_RUNTIME, diag_format("division by zero (zero to a negative power)")); return NULL; }
    dim_t d;
    if (!dim_scale(&d, value_dim(a), e)) {
        *err = fault(VALUE_FAULT_UNIT, diag_format("unit exponent out of range (at most %d)", DIM_EXP_MAX));
        return NULL;
    }
    uterm_t t;
    uterm_pow(u, &t, value_disp(a), e);
    if (!value_size_ok(uterm_bits(u, &t))) t.n = UTERM_NONE;
    value_t *r = value_quantity(a->u.num.q, &d, &t);
    if (!r) return NULL;
    unsigned long ue = (unsigned long)labs(e);
    mpz_pow_ui(mpq_numref(r->u.num.q), mpq_numref(a->u.num.q), ue);
    mpz_pow_ui(mpq_denref(r->u.num.q), mpq_denref(a->u.num.q), ue);
    if (e < 0) mpq_inv(r->u.num.q, r->u.num.q);
    mpq_canonicalize(r->u.num.q);
    if (!value_size_ok(value_bits(r->u.num.q))) { value_free(r); *err = too_big(); return NULL; }
    r->u.num.approx = a->u.num.approx;
    return r;
}

value_t *value_neg(const value_t *a, char **err)
{
    if (a->kind != V_NUM) { *err = fault(VALUE_FAULT_RUNTIME, diag_format("cannot negate a %s", value_kind_name(a))); return NULL; }
    value_t *r = new_quantity(a->u.num.dim_id, a->u.num.disp_id);
    if (r) { mpq_neg(r->u.num.q, a->u.num.q); r->u.num.approx = a->u.num.approx; }
    return r;
}

int value_compare(const units_t *u, const value_t *a, const value_t *b, int *out, char **err)
{
    if (a->kind == V_DATE && b->kind == V_DATE) { *out = (a->u.date > b->u.date) - (a->u.date < b->u.date); return 1; }
    if (a->kind == V_STR && b->kind == V_STR) { int c = strcmp(a->u.s, b->u.s); *out = (c > 0) - (c < 0); return 1; }
    if (!value_same_dim(u, a, b, "compare", err)) return 0;
    int c = mpq_cmp(a->u.num.q, b->u.num.q);
    *out = (c > 0) - (c < 0);
    return 1;
}

int value_equal(const units_t *u, const value_t *a, const value_t *b, int *out, char **err)
{
    if (a == b) { *out = 1; return 1; }   /* a list shared many times over is compared once */
    if (a->kind != b->kind) { *out = 0; return 1; }
    switch (a->kind) {
    case V_NUM:
        if (!value_same_dim(u, a, b, "compare", err)) return 0;
        *out = mpq_equal(a->u.num.q, b->u.num.q) != 0;
        return 1;
    case V_BOOL: *out = a->u.b == b->u.b; return 1;
    case V_STR: *out = !strcmp(a->u.s, b->u.s); return 1;
    case V_DATE: *out = a->u.date == b->u.date; return 1;
    case V_LIST:
        if (a->u.list.n != b->u.list.n) { *out = 0; return 1; }
        for (size_t i = 0; i < a->u.list.n; i++) {
            if (!value_equal(u, a->u.list.items[i], b->u.list.items[i], out, err)) return 0;
            if (!*out) return 1;
        }
        *out = 1;
        return 1;
    case V_RECORD:
        if (a->u.rec.n != b->u.rec.n) { *out = 0; return 1; }
        for (size_t i = 0; i < a->u.rec.n; i++) {
            /* fields usually come in the same order: look them up only when they do not */
            value_t *o = !strcmp(a->u.rec.keys[i], b->u.rec.keys[i]) ? value_record_field(b, i) : value_record_get(b, a->u.rec.keys[i]);
            if (!o) { *out = 0; return 1; }
            if (!value_equal(u, value_record_field(a, i), o, out, err)) return 0;
            if (!*out) return 1;
        }
        *out = 1;
        return 1;
    case V_OBJECT: *out = a->u.obj.p == b->u.obj.p; return 1;
    }
    *out = 0;
    return 1;
}

value_t *value_convert(const units_t *u, const value_t *a, const value_t *target, char **err)
{
    if (target->kind != V_NUM || target->u.num.disp_id == UTERM_ID_BASE ||
        (target->u.num.disp_id == UTERM_ID_EMPTY && target->u.num.dim_id)) {
        *err = fault(VALUE_FAULT_UNIT, diag_format("the right side of 'in' must be a unit, such as USD/hour"));
        return NULL;
    }
    mpq_t f;
    mpq_init(f);
    uterm_factor(u, value_disp(target), f);
    int pure = mpq_equal(f, target->u.num.q);
    mpq_clear(f);
    if (!pure) { *err = fault(VALUE_FAULT_UNIT, diag_format("the right side of 'in' must be a unit without a number, such as USD/hour")); return NULL; }
    if (a->kind != V_NUM) { *err = fault(VALUE_FAULT_UNIT, diag_format("cannot convert a %s to a unit", value_kind_name(a))); return NULL; }
    if (!value_same_dim(u, a, target, "convert between", err)) return NULL;
    value_t *r = new_quantity(a->u.num.dim_id, target->u.num.disp_id);
    if (r) { mpq_set(r->u.num.q, a->u.num.q); r->u.num.approx = a->u.num.approx; }
    return r;
}

int value_round_mode_parse(const char *name, round_mode *out)
{
    static const struct { const char *n; round_mode m; } modes[] = {
        {"half_even", RM_HALF_EVEN}, {"half_up", RM_HALF_UP}, {"half_down", RM_HALF_DOWN},
        {"up", RM_UP}, {"down", RM_DOWN}, {"ceiling", RM_CEILING}, {"floor", RM_FLOOR},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(modes[i].n, name)) { *out = modes[i].m; return 1; }
    return 0;
}

/* half_up and half_down are about ties, measured away from zero: 2.5 -> 3 and -2.5 -> -3
 * for half_up; up and down are away from and toward zero; ceiling and floor by sign. */
void value_round_q(mpz_t out, const mpq_t x, round_mode mode)
{
    mpz_t q, r, twice;
    mpz_inits(q, r, twice, NULL);
    mpz_tdiv_qr(q, r, mpq_numref(x), mpq_denref(x));   /* toward zero */
    int sign = mpq_sgn(x);
    if (mpz_sgn(r) != 0) {
        mpz_abs(twice, r);
        mpz_mul_2exp(twice, twice, 1);
        int half = mpz_cmp(twice, mpq_denref(x));       /* <0 below half, 0 tie, >0 above */
        int away = 0;
        switch (mode) {
        case RM_HALF_EVEN: away = half > 0 || (half == 0 && mpz_odd_p(q)); break;
        case RM_HALF_UP: away = half >= 0; break;
        case RM_HALF_DOWN: away = half > 0; break;
        case RM_UP: away = 1; break;
        case RM_DOWN: away = 0; break;
        case RM_CEILING: away = sign > 0; break;
        case RM_FLOOR: away = sign < 0; break;
        }
        if (away) { if (sign > 0) mpz_add_ui(q, q, 1); else mpz_sub_ui(q, q, 1); }
    }
    mpz_set(out, q);
    mpz_clears(q, r, twice, NULL);
}

void value_round_to(mpq_t x, const mpq_t quantum, int decimals, round_mode mode)
{
    mpq_t step, ratio;
    mpq_inits(step, ratio, NULL);
    if (quantum) mpq_set(step, quantum);
    else {
        mpz_ui_pow_ui(mpq_denref(step), 10, (unsigned long)decimals);
        mpz_set_ui(mpq_numref(step), 1);
    }
    mpq_div(ratio, x, step);
    mpz_t n;
    mpz_init(n);
    value_round_q(n, ratio, mode);
    mpq_set_z(ratio, n);
    mpq_mul(x, ratio, step);
    mpz_clear(n);
    mpq_clears(step, ratio, NULL);
}

value_t *value_round(const units_t *u, const value_t *x, const value_t *quantum, round_mode mode, char **err)
{
    if (!value_same_dim(u, x, quantum, "round", err)) return NULL;
    if (mpq_sgn(quantum->u.num.q) <= 0) { *err = fault(VALUE_FAULT_RUNTIME, diag_format("the rounding quantum must be positive")); return NULL; }
    if (!value_size_ok(value_bits(x->u.num.q) + value_bits(quantum->u.num.q))) { *err = too_big(); return NULL; }
    value_t *r = value_quantity_like(x->u.num.q, x);
    if (r && x->u.num.disp_id == UTERM_ID_EMPTY) r->u.num.disp_id = quantum->u.num.disp_id;
    if (r) { value_round_to(r->u.num.q, quantum->u.num.q, 0, mode); r->u.num.approx = x->u.num.approx; }
    return r;
}

/* n * 10^exp10 (0 <= n < 10^18) in machine words when the power of ten fits, or 0. */
static int small_scaled(int64_t n, long exp10, small_t *r)
{
    if (!SMALL_PATH || exp10 > 18 || exp10 < -18) return 0;
    int64_t p10 = 1;
    for (long i = 0; i < labs(exp10); i++) p10 *= 10;
    if (exp10 >= 0) { *r = (small_t){ n, 1 }; return !__builtin_mul_overflow(n, p10, &r->n); }
    /* gcd(n, 10^k) is 2^min(twos of n, k) * 5^min(fives of n, k): a shift and a division
     * by 5 or two (a multiplication) rather than a binary gcd's loop */
    long k = -exp10, twos = n ? __builtin_ctzll((uint64_t)n) : k;
    int64_t g = n ? (int64_t)1 << (twos < k ? twos : k) : p10;
    for (long fives = 0, m = n; n && fives < k && m % 5 == 0; fives++) { m /= 5; g *= 5; }
    *r = (small_t){ n / g, p10 / g };
    return 1;
}

/* digits * 10^exp10 in machine words (up to 18 digits and a power of ten that fits), or 0. */
static int small_literal(const char *digits, long exp10, small_t *r)
{
    if (strlen(digits) > 18) return 0;
    int64_t n = 0;
    for (const char *p = digits; *p; p++) n = n * 10 + (*p - '0');
    return small_scaled(n, exp10, r);
}

value_t *value_decimal(int64_t digits, int frac)
{
    small_t lit;
    if (digits < 0 || digits > 999999999999999999 || !small_scaled(digits, -(long)frac, &lit)) return NULL;
    value_t *v = new_quantity(0, UTERM_ID_EMPTY);
    if (v) small_put(v->u.num.q, lit);
    return v;
}

value_t *value_from_literal(const char *text, int scale, int percent, char **err)
{
    /* digits[.digits][e[+-]digits], '_' between digits; the digits of an everyday
     * literal go in a buffer on the stack */
    char buf[64], *digits = strlen(text) < sizeof buf ? buf : malloc(strlen(text) + 1);
    if (!digits) { *err = fault(VALUE_FAULT_RUNTIME, diag_format("out of memory")); return NULL; }
    size_t nd = 0;
    long frac = 0, exp10 = 0;
    int in_frac = 0;
    const char *p = text;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '_') continue;
        if (*p == '.') { in_frac = 1; continue; }
        digits[nd++] = *p;
        if (in_frac) frac++;
    }
    digits[nd] = '\0';
    if (*p) {
        p++;
        int neg = *p == '-';
        if (*p == '+' || *p == '-') p++;
        while (p[0] == '0' && p[1]) p++;   /* leading zeros say nothing about size */
        if (strlen(p) > 7) { if (digits != buf) free(digits); *err = fault(VALUE_FAULT_LIMIT, diag_format("exponent too large in number literal")); return NULL; }
        exp10 = strtol(p, NULL, 10);
        if (neg) exp10 = -exp10;
    }
    exp10 += scale - frac - (percent ? 2 : 0);
    if (labs(exp10) > 100000) { if (digits != buf) free(digits); *err = fault(VALUE_FAULT_LIMIT, diag_format("exponent too large in number literal (at most 10^100000)")); return NULL; }
    small_t lit;
    if (small_literal(digits, exp10, &lit)) {
        if (digits != buf) free(digits);
        value_t *v = new_quantity(0, UTERM_ID_EMPTY);
        if (v) small_put(v->u.num.q, lit);
        return v;
    }
    mpq_t q;
    mpq_init(q);
    mpz_set_str(mpq_numref(q), digits, 10);
    if (digits != buf) free(digits);
    mpz_t p10;
    mpz_init(p10);
    mpz_ui_pow_ui(p10, 10, (unsigned long)labs(exp10));
    if (exp10 >= 0) mpz_mul(mpq_numref(q), mpq_numref(q), p10); else mpz_set(mpq_denref(q), p10);
    mpz_clear(p10);
    mpq_canonicalize(q);
    value_t *v = value_num(q);
    mpq_clear(q);
    return v;
}
