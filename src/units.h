/* units: the registry of dimensions, units and prefixes that the prelude and user files
 * declare, dimension vectors, and the display units values carry. */
#ifndef OUTLAY_UNITS_H
#define OUTLAY_UNITS_H
#include <gmp.h>
#include <stddef.h>
#include <stdint.h>

enum { DIM_MAX = 48, UTERM_MAX = 8, DIM_EXP_MAX = 100 };

/* Exponent of each base dimension. */
typedef struct dim { signed char e[DIM_MAX]; } dim_t;

/* A display unit: a product of named units with integer exponents. n == UTERM_NONE
 * means "no usable display unit": show the value in base units. */
enum { UTERM_NONE = 255 };
typedef struct uterm {
    unsigned char n;
    struct { unsigned short unit; signed char exp; } t[UTERM_MAX];
} uterm_t;

typedef struct unit_def {
    char *name;
    mpq_t factor;         /* value of 1 of this unit in base units */
    dim_t dim;
    int prefixed;         /* accepts SI/binary prefixes */
    int approx;           /* defined by an approximate quantity */
    int from_prefix;      /* a prefixed form (kB), registered when first used */
    uint32_t dim_id;      /* dim, interned (dim_intern) */
    uint32_t disp_id;     /* the unit alone as a display unit, interned (uterm_intern) */
    size_t factor_bits;   /* bits of the factor's numerator and denominator together */
} unit_def_t;

typedef struct units units_t;

units_t *units_new(void);
void units_free(units_t *u);

/* Declarations. Each returns an index >= 0, or -1 with *err set (static text). */
int units_add_dimension(units_t *u, const char *name, const char **err);
int units_add_base(units_t *u, const char *name, int dim, int prefixed, const char **err);
int units_add_derived(units_t *u, const char *name, const mpq_t factor, const dim_t *dim,
                      int prefixed, const char **err);
int units_add_prefix(units_t *u, const char *name, const mpq_t factor, const char **err);
/* A declared prefix's value into out; 0 when there is no such prefix. */
int units_prefix_value(const units_t *u, const char *name, mpq_t out);
/* Whether unit is the base unit of the dimension named dim. */
int units_is_base_of(const units_t *u, int unit, const char *dim);
/* Marks a unit as defined by an approximate quantity (its values are approximate too). */
void units_set_approx(units_t *u, int unit);
int units_find_dimension(const units_t *u, const char *name);

/* A unit by name, including a prefix + prefixed unit ("GB", "kWh") and a plural ("gpus");
 * -1 when unknown. */
int units_find(units_t *u, const char *name);
/* The same without plurals: the unit a name is as written (a definition may not take it). */
int units_find_as_written(units_t *u, const char *name);
int units_is_declared(const units_t *u, const char *name);
const unit_def_t *units_get(const units_t *u, int id);
size_t units_count(const units_t *u);
/* The base unit of base dimension d, or -1. */
int units_base_of(const units_t *u, int d);
const char *units_dimension_name(const units_t *u, int d);
/* A currency is a dimension named by a three-letter upper-case code (ISO 4217: USD, EUR). */
int units_is_currency(const units_t *u, int d);
int units_is_currency_code(const char *name);
/* Decimals of a currency's minor unit (ISO 4217): 2 for USD, 0 for JPY, 3 for KWD. */
int units_currency_decimals(const char *code);
int units_dimension_count(const units_t *u);

/* Dimension vectors */
int dim_is_zero(const dim_t *d);
int dim_eq(const dim_t *a, const dim_t *b);
/* The one base dimension d is (money in USD: the USD dimension), or -1. */
int dim_single(const dim_t *d);
/* a + sign*b into out; 0 when an exponent would leave [-DIM_EXP_MAX, DIM_EXP_MAX]. */
int dim_combine(dim_t *out, const dim_t *a, const dim_t *b, int sign);
/* Dimension vectors interned: each distinct vector has a small id (0 is dimensionless),
 * the same for the whole process, so equal dimensions have equal ids and the dimension of
 * a product, once worked out, is looked up by the ids of its factors. DIM_ID_NONE stands
 * for a vector that could not be interned (out of memory): compare and combine the
 * vectors then. */
#define DIM_ID_NONE UINT32_MAX
uint32_t dim_intern(const dim_t *d);
/* The vector of an id that dim_intern gave; it stays where it is for the whole process. */
const dim_t *dim_by_id(uint32_t id);
/* dim_combine of the vectors of ida and idb, by id: the result's id into *out_id
 * (DIM_ID_NONE when out of memory); 0 when an exponent would be out of range. */
int dim_combine_id(uint32_t *out_id, uint32_t ida, uint32_t idb, int sign);
int dim_scale(dim_t *out, const dim_t *a, long n);
/* "USD/time", "FLOP", "dimensionless"; malloc'd. */
char *units_format_dim(const units_t *u, const dim_t *d);

/* Display units */
void uterm_single(uterm_t *t, int unit);
/* Display units interned like dimensions: equal terms (the bytes after them aside) have
 * equal ids, below 2^UTERM_ID_BITS, fixed for the whole process; UTERM_ID_EMPTY is the
 * empty unit (n == 0) and UTERM_ID_BASE is UTERM_NONE. UTERM_ID_NONE: out of memory, or more display units than ids. */
enum { UTERM_ID_BITS = 24, UTERM_ID_EMPTY = 0, UTERM_ID_BASE = 1 };
#define UTERM_ID_NONE UINT32_MAX
uint32_t uterm_intern(const uterm_t *t);
/* The display unit of an id that uterm_intern gave; it stays where it is. */
const uterm_t *uterm_by_id(uint32_t id);
/* uterm_combine by ids: the id of a * b^sign, or UTERM_ID_NONE. */
uint32_t uterm_combine_id(const units_t *u, uint32_t a, uint32_t b, int sign);
/* A quantity's dimension and display unit, by id. */
typedef struct units_ids { uint32_t dim, disp; } units_ids_t;
/* The ids of a quantity a * b^sign (dim_combine_id and uterm_combine_id) and uterm_bits
 * of its display unit, remembered by the registry (a price list multiplies the same
 * units over and over). 0 when an exponent would leave the range; out of memory gives
 * DIM_ID_NONE or UTERM_ID_NONE in *out. */
int units_product(const units_t *u, units_ids_t a, units_ids_t b, int sign, units_ids_t *out, size_t *bits);
/* a * b^sign, cancelling units of one dimension into the first one seen. The registry
 * remembers recent results (a price list multiplies the same units over and over). */
void uterm_combine(const units_t *u, uterm_t *out, const uterm_t *a, const uterm_t *b, int sign);
void uterm_pow(const units_t *u, uterm_t *out, const uterm_t *a, long n);
/* A bound on the size, in bits, of the display unit's factor (checked before computing it). */
size_t uterm_bits(const units_t *u, const uterm_t *t);
/* The display unit's value in base units. */
void uterm_factor(const units_t *u, const uterm_t *t, mpq_t out);
void uterm_dim(const units_t *u, const uterm_t *t, dim_t *out);
/* The display unit for a value of dimension d when it has none: its base units. */
void uterm_for_dim(const units_t *u, const dim_t *d, uterm_t *out);
/* "USD/(gpu*hour)"; "" when dimensionless; malloc'd. */
char *uterm_format(const units_t *u, const uterm_t *t);
#endif
