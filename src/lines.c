/* lines: a period's invoice lines and charges kept as C structs until read (see lines.h),
 * and made into the language's records then. An exact number whose numerator and
 * denominator fit in machine words (a line's amount rounded to cents) is kept inline; a
 * larger one (an amount escalated for decades, its denominator hundreds of bits) has its
 * limbs copied into its period's one block of limbs, which is freed with the period's
 * lines in one go: no allocation and no free per number. */
#include "lines.h"
#include <stdlib.h>
#include <string.h>

/* den > 0: u.num / den in lowest terms; den 0: in the limbs of its lines from u.at — the
 * numerator's size times 2 plus 1 when negative, the denominator's size, then the limbs of
 * both. */
typedef struct exact { unsigned long den; union { long num; size_t at; } u; } exact_t;

typedef struct line {
    value_t *sku, *money, *qty_unit, *rate_unit, *list_rate;   /* references; qty_unit NULL: no quantity,
                                                                 rate_unit NULL: no rate */
    const char *category;
    exact_t qty, rate, amount, used;
    unsigned char has_used, rate_is_average;   /* the rate is amount / qty, worked out when read */
} line_t;

typedef struct charge { value_t *sku, *money; exact_t amount; } charge_t;   /* references */

struct lines {
    int refs;
    lines_t *base;             /* its first nbase lines come first */
    size_t nbase;
    line_t *items;
    size_t n, cap;
    charge_t *charges;         /* the period's, per SKU (not the base's) */
    size_t ncharges, capcharges;
    mp_limb_t *limbs;          /* the larger exact numbers' */
    size_t nlimbs, caplimbs;
    size_t size;               /* the list's values, as value_list counts them (all lines') */
};

static int exact_set(lines_t *ls, exact_t *x, const mpq_t q)
{
    mpz_srcptr num = mpq_numref(q), den = mpq_denref(q);
    if (mpz_fits_slong_p(num) && mpz_fits_ulong_p(den)) {
        x->u.num = mpz_get_si(num);
        x->den = mpz_get_ui(den);
        return 1;
    }
    size_t nn = mpz_size(num), nd = mpz_size(den), need = ls->nlimbs + 2 + nn + nd;
    if (need > ls->caplimbs) {
        size_t cap = ls->caplimbs ? ls->caplimbs : 64;
        while (cap < need) cap += cap / 2;
        mp_limb_t *l = realloc(ls->limbs, cap * sizeof *l);
        if (!l) return 0;
        ls->limbs = l;
        ls->caplimbs = cap;
    }
    mp_limb_t *h = ls->limbs + ls->nlimbs;
    h[0] = (mp_limb_t)(nn * 2 + (mpz_sgn(num) < 0));
    h[1] = (mp_limb_t)nd;
    memcpy(h + 2, mpz_limbs_read(num), nn * sizeof *h);
    memcpy(h + 2 + nn, mpz_limbs_read(den), nd * sizeof *h);
    x->den = 0;
    x->u.at = ls->nlimbs;
    ls->nlimbs = need;
    return 1;
}

/* x, a number of ls's lines, into out */
static void exact_get(const lines_t *ls, const exact_t *x, mpq_t out)
{
    if (x->den) { mpq_set_si(out, x->u.num, x->den); return; }
    const mp_limb_t *h = ls->limbs + x->u.at;
    mp_size_t nn = (mp_size_t)(h[0] / 2), nd = (mp_size_t)h[1];
    mpz_t num, den;   /* read-only views of the limbs */
    mpz_roinit_n(num, h + 2, h[0] % 2 ? -nn : nn);
    mpz_roinit_n(den, h + 2 + nn, nd);
    mpq_set_num(out, num);
    mpq_set_den(out, den);
}

/* The values a line's record holds, as value_list and value_record count them. */
static size_t line_size(const line_t *l)
{
    return 4 + !!l->qty_unit + (l->list_rate ? l->list_rate->size : 0) + !!l->rate_unit + !!l->has_used;
}

/* Line i of ls, and in *owner the lines whose limbs hold its numbers. */
static const line_t *line_at(const lines_t *ls, size_t i, const lines_t **owner)
{
    while (ls->base && i < ls->nbase) ls = ls->base;
    if (owner) *owner = ls;
    return &ls->items[i - (ls->base ? ls->nbase : 0)];
}

lines_t *lines_new(lines_t *base, size_t nbase)
{
    lines_t *ls = calloc(1, sizeof *ls);
    if (!ls) return NULL;
    ls->refs = 1;
    if (base) {
        ls->base = lines_ref(base);
        ls->nbase = nbase;
        for (size_t i = 0; i < nbase; i++) ls->size += line_size(line_at(base, i, NULL));
    }
    return ls;
}

lines_t *lines_ref(lines_t *ls) { if (ls) ls->refs++; return ls; }

void lines_free(lines_t *ls)
{
    if (!ls || --ls->refs > 0) return;
    for (size_t i = 0; i < ls->n; i++) {
        line_t *l = &ls->items[i];
        value_free(l->sku); value_free(l->money); value_free(l->qty_unit); value_free(l->rate_unit); value_free(l->list_rate);
    }
    free(ls->items);
    for (size_t i = 0; i < ls->ncharges; i++) { value_free(ls->charges[i].sku); value_free(ls->charges[i].money); }
    free(ls->charges);
    free(ls->limbs);
    lines_free(ls->base);
    free(ls);
}

size_t lines_count(const lines_t *ls) { return ls->nbase + ls->n; }

/* items (n of *cap, each size bytes) with room for one more: items itself, or moved
 * with *cap grown; NULL when out of memory (items unchanged). */
static void *room(void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) return items;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(items, c * size);
    if (p) *cap = c;
    return p;
}

int lines_add(lines_t *ls, const lines_item_t *it)
{
    line_t *items = room(ls->items, ls->n, &ls->cap, sizeof *items);
    if (!items) return 0;
    ls->items = items;
    line_t *l = &items[ls->n++];   /* counted at once: lines_free drops what is set */
    memset(l, 0, sizeof *l);
    l->sku = value_ref(it->sku);
    l->category = it->category;
    l->money = value_ref((value_t *)it->money);
    l->list_rate = value_ref((value_t *)it->list_rate);
    int ok = exact_set(ls, &l->amount, it->amount);
    if (it->qty) {
        l->qty_unit = value_ref((value_t *)it->qty_unit);
        ok = ok && exact_set(ls, &l->qty, it->qty);
        if (it->rate || it->rate_is_average) {
            l->rate_unit = value_ref((value_t *)it->rate_unit);
            l->rate_is_average = it->rate_is_average != 0;
            if (!l->rate_is_average) ok = ok && exact_set(ls, &l->rate, it->rate);
        }
    }
    ls->size += line_size(l);
    return ok;
}

int lines_set_used(lines_t *ls, const mpq_t used)
{
    if (!ls->n || !ls->items[ls->n - 1].qty_unit) return 0;
    line_t *l = &ls->items[ls->n - 1];
    if (!exact_set(ls, &l->used, used)) return 0;
    if (!l->has_used) ls->size++;
    l->has_used = 1;
    return 1;
}

/* x (a number of ls's lines) in unit's dimension and display unit (t: scratch) */
static value_t *number(const lines_t *ls, const exact_t *x, const value_t *unit, mpq_t t)
{
    exact_get(ls, x, t);
    return value_quantity_like(t, unit);
}

/* The line's rate: as given, or its amount over its quantity (t, u: scratch) */
static value_t *rate(const lines_t *ls, const line_t *l, mpq_t t, mpq_t u)
{
    if (!l->rate_is_average) return number(ls, &l->rate, l->rate_unit, t);
    exact_get(ls, &l->amount, t);
    exact_get(ls, &l->qty, u);
    mpq_div(t, t, u);
    return value_quantity_like(t, l->rate_unit);
}

/* The string value of category: one per category for the whole list. */
enum { NCATEGORIES = 32 };
typedef struct categories { const char *name[NCATEGORIES]; value_t *str[NCATEGORIES]; size_t n; } categories_t;

static value_t *category(categories_t *cs, const char *name)
{
    for (size_t i = 0; i < cs->n; i++)
        if (cs->name[i] == name) return value_ref(cs->str[i]);
    value_t *s = value_str(name);
    if (s && cs->n < NCATEGORIES) { cs->name[cs->n] = name; cs->str[cs->n++] = value_ref(s); }
    return s;
}

static value_t *line_record(const lines_t *ls, const line_t *l, categories_t *cs, mpq_t t, mpq_t u)
{
    value_t *r = value_record("line");
    int ok = r && value_record_set(r, "sku", value_ref(l->sku)) && value_record_set(r, "category", category(cs, l->category));
    if (ok && l->qty_unit) ok = value_record_set(r, "quantity", number(ls, &l->qty, l->qty_unit, t));
    if (ok && l->list_rate) ok = value_record_set(r, "list_rate", value_ref(l->list_rate));
    if (ok && l->rate_unit) ok = value_record_set(r, "rate", rate(ls, l, t, u));
    ok = ok && value_record_set(r, "amount", number(ls, &l->amount, l->money, t));
    if (ok && l->has_used) ok = value_record_set(r, "used", number(ls, &l->used, l->qty_unit, t));
    if (!ok) { value_free(r); return NULL; }
    return r;
}

value_t *lines_list(const lines_t *ls)
{
    size_t n = lines_count(ls), i = 0;
    value_t **items = malloc((n + 1) * sizeof *items);
    if (!items) return NULL;
    categories_t cs = { .n = 0 };
    mpq_t t, u;
    mpq_inits(t, u, NULL);
    for (; i < n; i++) {
        const lines_t *owner;
        const line_t *l = line_at(ls, i, &owner);
        if (!(items[i] = line_record(owner, l, &cs, t, u))) break;
    }
    mpq_clears(t, u, NULL);
    for (size_t c = 0; c < cs.n; c++) value_free(cs.str[c]);
    if (i < n) {
        while (i > 0) value_free(items[--i]);
        free(items);
        return NULL;
    }
    return value_list(items, n);
}

int lines_add_charge(lines_t *ls, value_t *sku, const value_t *money, const mpq_t amount)
{
    charge_t *charges = room(ls->charges, ls->ncharges, &ls->capcharges, sizeof *charges);
    if (!charges) return 0;
    ls->charges = charges;
    charge_t *c = &charges[ls->ncharges++];   /* counted at once: lines_free drops what is set */
    c->sku = value_ref(sku);
    c->money = value_ref((value_t *)money);
    return exact_set(ls, &c->amount, amount);
}

value_t *lines_charges(const lines_t *ls)
{
    value_t *r = value_record("charges");
    mpq_t t;
    mpq_init(t);
    for (size_t i = 0; r && i < ls->ncharges; i++) {
        const charge_t *c = &ls->charges[i];
        if (!value_record_set(r, c->sku->u.s, number(ls, &c->amount, c->money, t))) { value_free(r); r = NULL; }
    }
    mpq_clear(t);
    return r;
}

static value_t *lines_force(void *p) { return lines_list(p); }
static value_t *charges_force(void *p) { return lines_charges(p); }
static void lines_obj_free(void *p) { lines_free(p); }
static const value_object_type_t lines_type = { "lines", lines_obj_free, lines_force };
static const value_object_type_t charges_type = { "charges", lines_obj_free, charges_force };

/* A lazy value of ls of type t, counting as depth and size (what the records holding it count) */
static value_t *lazy(lines_t *ls, const value_object_type_t *t, int depth, size_t size)
{
    value_t *v = value_object(t, lines_ref(ls));
    if (v) { v->depth = depth; v->size = size; }
    return v;
}

value_t *lines_value(lines_t *ls) { return lazy(ls, &lines_type, lines_count(ls) ? 2 : 1, 1 + ls->size); }

value_t *lines_charges_value(lines_t *ls) { return lazy(ls, &charges_type, ls->ncharges ? 1 : 0, 1 + ls->ncharges); }
