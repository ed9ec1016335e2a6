/* value: the values Outlay computes with — exact quantities (a GMP rational, a
 * dimension and a display unit), booleans, strings, dates, lists, records, and opaque
 * objects (functions, contracts, workloads). Reference counted: value_free drops one
 * reference. Operations return a new reference, or NULL with *err set (malloc'd). */
#ifndef OUTLAY_VALUE_H
#define OUTLAY_VALUE_H
#include <gmp.h>
#include "dates.h"
#include "units.h"

/* Largest operand or result, in bits of numerator or denominator (about 315,000
 * decimal digits): GMP aborts when memory runs out, so sizes are checked first. */
enum { VALUE_MAX_BITS = 1 << 20 };

typedef enum { V_NUM, V_BOOL, V_STR, V_DATE, V_LIST, V_RECORD, V_OBJECT } value_kind;

typedef struct value value_t;

typedef struct value_object_type {
    const char *name;            /* "function", "contract", "workload" */
    void (*free)(void *);
    /* A lazy value (NULL for other objects): a record's field made only when first read
     * (an invoice period's lines), through value_record_get or value_record_field, which
     * put what force returns (a new reference; NULL when out of memory) in its place. The
     * object's depth and size are those of what it stands for. */
    value_t *(*force)(void *);
} value_object_type_t;

/* Lists and records nest at most this deep: printing, comparing and freeing recurse. */
enum { VALUE_MAX_DEPTH = 1000, VALUE_MAX_SIZE = 5000000 };

struct value {
    value_kind kind;
    int refs;
    int depth;                   /* 0, or 1 + the deepest list or record inside */
    size_t size;                 /* values inside, this one included (saturating) */
    union {
        /* The dimension and the display unit are interned ids (read them with value_dim
         * and value_disp). limbs: room for a one-limb numerator and denominator inside
         * the value (see value.c); a number's limbs are the value's own, so never mpq_swap
         * or mpz_swap a value's number with another's. */
        struct { mpq_t q; mp_limb_t limbs[2]; uint32_t dim_id; uint32_t disp_id : UTERM_ID_BITS, approx : 1; } num;
        int b;
        char *s;
        date_t date;
        struct { size_t n; value_t **items; } list;
        /* keys and tag are interned; a large record indexes its keys (index[slot] is a
         * field's position + 1, nindex slots) */
        struct { size_t n, cap; char **keys; value_t **vals; char *tag; uint32_t *index; size_t nindex; } rec;
        struct { const value_object_type_t *type; void *p; } obj;
    } u;
};

value_t *value_ref(value_t *v);
void value_free(value_t *v);

value_t *value_num(const mpq_t q);                 /* dimensionless */
value_t *value_num_si(long n);
/* digits / 10^frac in lowest terms, as the literal that writes them (5.1468 is 5,1468 and
 * 4) reads: for 0 <= digits < 10^18 and 0 <= frac <= 18 where numbers fit in machine
 * words. NULL otherwise, or when out of memory: then read the literal's text. */
value_t *value_decimal(int64_t digits, int frac);
value_t *value_quantity(const mpq_t q, const dim_t *dim, const uterm_t *disp);
value_t *value_unit(const units_t *u, int unit);   /* 1 of a named unit */
/* q in the dimension and display unit of the quantity unit. */
value_t *value_quantity_like(const mpq_t q, const value_t *unit);
value_t *value_bool(int b);
value_t *value_str(const char *s);
value_t *value_date(date_t d);
value_t *value_list(value_t **items, size_t n);    /* takes the references */
value_t *value_record(const char *tag);
/* Adds or replaces a field; takes the reference to v. 0 on out-of-memory. */
int value_record_set(value_t *rec, const char *key, value_t *v);
value_t *value_record_get(const value_t *rec, const char *key);  /* borrowed */
/* The value of rec's i-th field (borrowed): walk a record's fields through this, not
 * u.rec.vals, so a lazy field is made first (out of memory: it stays the lazy object). */
value_t *value_record_field(const value_t *rec, size_t i);
/* Marks every quantity in v (and in its lists and records) approximate. */
void value_mark_approx(value_t *v);
/* Whether any quantity in v is approximate. */
int value_is_approx(const value_t *v);
/* Whether v nests lists and records deeper than VALUE_MAX_DEPTH. */
int value_too_deep(const value_t *v);
/* How many values are alive (made and not yet freed). */
size_t value_live_count(void);
/* Whether v holds more than VALUE_MAX_SIZE values (a list of lists shared many times over). */
int value_too_large(const value_t *v);
/* Roughly what an operation on v costs, in evaluation steps beyond the first: the values
 * inside a list or record, the machine words of a large number. */
size_t value_work(const value_t *v);
value_t *value_object(const value_object_type_t *type, void *p);

/* A quantity's dimension and display unit; they stay valid for the whole process. */
const dim_t *value_dim(const value_t *v);
const uterm_t *value_disp(const value_t *v);
/* Gives the quantity v the display unit t (UTERM_NONE, base units, when t cannot be
 * interned). */
void value_set_disp(value_t *v, const uterm_t *t);

const char *value_kind_name(const value_t *v);
int value_is_dimensionless(const value_t *v);
/* The quantity's value in its display unit (q / factor). */
void value_magnitude(const units_t *u, const value_t *v, mpq_t out);
/* The display unit, falling back to base units. */
void value_display_unit(const units_t *u, const value_t *v, uterm_t *out);

/* What a failed operation's error (its message in *err) is about, for the interpreter to
 * report it as such: a unit or dimension mismatch, a size limit, anything else. */
typedef enum { VALUE_FAULT_RUNTIME, VALUE_FAULT_UNIT, VALUE_FAULT_LIMIT } value_fault;
/* The fault of the last operation below that failed with a message: read it right after. */
value_fault value_last_fault(void);

/* Arithmetic on quantities (and date + time, date - date). */
value_t *value_add(const units_t *u, const value_t *a, const value_t *b, char **err);
value_t *value_sub(const units_t *u, const value_t *a, const value_t *b, char **err);
/* acc + b, taking the reference to acc: added in place when the caller holds acc's only
 * reference (sum() over a long list makes no value per item). NULL and *err as value_add
 * (acc is freed). */
value_t *value_add_taking(const units_t *u, value_t *acc, const value_t *b, char **err);
value_t *value_mul(const units_t *u, const value_t *a, const value_t *b, char **err);
value_t *value_div(const units_t *u, const value_t *a, const value_t *b, char **err);
value_t *value_pow(const units_t *u, const value_t *a, const value_t *b, char **err);
value_t *value_neg(const value_t *a, char **err);
/* -1, 0, 1 into *out; 0 on error. Quantities of one dimension, dates, strings. */
int value_compare(const units_t *u, const value_t *a, const value_t *b, int *out, char **err);
/* Deep equality for ==; errors only for quantities of different dimensions. */
int value_equal(const units_t *u, const value_t *a, const value_t *b, int *out, char **err);
/* a shown in the unit of b (b must be a pure unit, such as USD/hour). */
value_t *value_convert(const units_t *u, const value_t *a, const value_t *target, char **err);
/* Whether both values are quantities of one dimension; *err names both otherwise. */
int value_same_dim(const units_t *u, const value_t *a, const value_t *b, const char *what, char **err);

/* Rounding of a rational to an integer. */
typedef enum { RM_HALF_EVEN, RM_HALF_UP, RM_HALF_DOWN, RM_UP, RM_DOWN, RM_CEILING, RM_FLOOR } round_mode;
int value_round_mode_parse(const char *name, round_mode *out);
void value_round_q(mpz_t out, const mpq_t x, round_mode mode);
/* x rounded in place to a multiple of quantum (positive); quantum NULL: of 10^-decimals. */
void value_round_to(mpq_t x, const mpq_t quantum, int decimals, round_mode mode);
/* x rounded to a multiple of quantum (same dimension). */
value_t *value_round(const units_t *u, const value_t *x, const value_t *quantum, round_mode mode, char **err);

/* Parses a numeric literal ("1_000.5e-3") times 10^scale, percent divides by 100. */
value_t *value_from_literal(const char *text, int scale, int percent, char **err);
/* out = a + b, a - b and a * b on bare rationals (out may be a or b), in machine words
 * when both fit as the arithmetic above does, else GMP's mpq_add, mpq_sub and mpq_mul:
 * the same canonical result. For the pricing engine's sums and products of small figures. */
void value_q_add(mpq_t out, const mpq_t a, const mpq_t b);
void value_q_sub(mpq_t out, const mpq_t a, const mpq_t b);
void value_q_mul(mpq_t out, const mpq_t a, const mpq_t b);
/* Whether an operation on these sizes (in bits) may go ahead. */
int value_size_ok(size_t bits);
size_t value_bits(const mpq_t q);
#endif
