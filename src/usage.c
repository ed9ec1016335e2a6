/* usage: the exact per-SKU, per-hour usage table and the parsers for its cells (numbers,
 * ISO 8601 times, FOCUS units). Sums are kept as scaled decimal integers — a 128-bit
 * mantissa per hour over one power of ten and one common denominator per column — so a
 * row costs a few integer operations and no gcd; whatever does not fit (a huge number,
 * an odd split, a converted currency) is added exactly to a rational kept beside that
 * hour. Rows spanning several hours are spread over them in proportion to the seconds
 * they cover: partial end hours directly, the whole hours between through a difference
 * array, so a year-long row costs what an hourly one does. */
#include "usage.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

typedef __int128 i128;

enum {
    NCOL = 1 + USAGE_NCOSTS,     /* quantity, then the cost columns */
    MAX_SCALE = 18,              /* decimals a fast-path mantissa may carry */
    MAX_DIGITS = 1000,           /* significant digits of a number cell */
    MAX_EXP10 = 1000,            /* |exponent| of a number cell */
    MAX_UNIT_TEXT = 200,
    MAX_SKUS = 100000,           /* different SKU names in one table */
};
#define MAX_DEN ((long long)1 << 40)
#ifndef USAGE_MAX_TABLE_BYTES        /* the fuzz build sets a smaller bound */
#define USAGE_MAX_TABLE_BYTES ((size_t)512 << 20)
#endif
#define MAX_TABLE_BYTES ((size_t)(USAGE_MAX_TABLE_BYTES))
#define USEC_PER_HOUR 3600000000LL

static const char *const focus_cols[USAGE_NCELLS] = {
    "SkuId", "PricingQuantity", "PricingUnit", "ChargePeriodStart", "ChargePeriodEnd",
    "BillingCurrency", "BilledCost", "EffectiveCost", "ListCost", "ContractedCost",
};

/* ---- the spec ---- */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void usage_spec_focus(usage_spec_t *s)
{
    memset(s, 0, sizeof *s);
    s->sku_col = dup_or_null(focus_cols[USAGE_CELL_SKU]);
    s->quantity_col = dup_or_null(focus_cols[USAGE_CELL_QUANTITY]);
    s->unit_col = dup_or_null(focus_cols[USAGE_CELL_UNIT]);
    s->start_col = dup_or_null(focus_cols[USAGE_CELL_START]);
    s->end_col = dup_or_null(focus_cols[USAGE_CELL_END]);
    s->currency_col = dup_or_null(focus_cols[USAGE_CELL_CURRENCY]);
    for (int c = 0; c < USAGE_NCOSTS; c++) s->cost_cols[c] = dup_or_null(focus_cols[USAGE_CELL_COST + c]);
}

void usage_spec_free(usage_spec_t *s)
{
    free(s->sku_col); free(s->quantity_col); free(s->unit_col); free(s->start_col);
    free(s->end_col); free(s->currency_col); free(s->currency);
    for (int c = 0; c < USAGE_NCOSTS; c++) free(s->cost_cols[c]);
    for (size_t i = 0; i < s->nfilters; i++) {
        free(s->filters[i].column); free(s->filters[i].tag_key);
        for (size_t k = 0; k < s->filters[i].nvalues; k++) free(s->filters[i].values[k]);
        free(s->filters[i].values);
    }
    free(s->filters);
    for (size_t i = 0; i < s->nmap; i++) { free(s->map[i].from); free(s->map[i].to); }
    free(s->map);
    value_free(s->unit);
    memset(s, 0, sizeof *s);
}

/* The column a cell comes from, as the spec names it (FOCUS by default). */
static const char *cell_column(const usage_spec_t *s, int cell)
{
    const char *named[USAGE_NCELLS] = { s->sku_col, s->quantity_col, s->unit_col, s->start_col,
                                        s->end_col, s->currency_col, s->cost_cols[0], s->cost_cols[1],
                                        s->cost_cols[2], s->cost_cols[3] };
    return cell >= 0 && cell < USAGE_NCELLS ? (named[cell] ? named[cell] : focus_cols[cell]) : "row";
}

const char *usage_spec_column(const usage_spec_t *s, int cell, int *needed)
{
    if (cell == USAGE_CELL_UNIT && s->unit) { *needed = 0; return NULL; }
    const char *name = cell_column(s, cell);
    *needed = cell <= USAGE_CELL_START || (cell < USAGE_NCELLS && strcmp(name, focus_cols[cell]) != 0);
    return name;
}

const char *usage_cell_what(int cell)
{
    static const char *const what[USAGE_NCELLS] = { "SKU", "quantity", "unit", "start time", "end time",
                                                    "currency", "cost", "cost", "cost", "cost" };
    return cell >= 0 && cell < USAGE_NCELLS ? what[cell] : "row";
}

/* A cell's text for a message: at most 60 bytes, anything a terminal could act on
 * (control bytes, C1 controls, invalid UTF-8) shown as '?'. */
static char *shown(const char *p, size_t n)
{
    size_t lim = n > 60 ? 60 : n;
    char *s = malloc(lim + 4);
    if (!s) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < lim;) {
        unsigned char c = (unsigned char)p[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = len && i + len <= lim && !(len == 2 && c < 0xc2) && !(c == 0xc2 && (unsigned char)p[i + 1] < 0xa0);
        for (size_t k = 1; ok && k < len; k++) ok = ((unsigned char)p[i + k] & 0xc0) == 0x80;
        if (ok && len == 1) ok = c >= 0x20 && c != 0x7f;
        if (!ok) { s[o++] = '?'; i++; continue; }
        memcpy(s + o, p + i, len);
        o += len;
        i += len;
    }
    if (lim < n) { memcpy(s + o, "...", 3); o += 3; }
    s[o] = '\0';
    return s;
}

static int fault(usage_fault_t *f, int cell, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fault(usage_fault_t *f, int cell, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    f->cell = cell;
    f->msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (f->msg) { va_start(ap, fmt); vsnprintf(f->msg, (size_t)n + 1, fmt, ap); va_end(ap); }
    f->hint = hint ? strdup(hint) : NULL;
    return 0;
}

/* "bad number 'x' in PricingQuantity: why" */
static int cell_fault(usage_fault_t *f, const usage_spec_t *s, int cell, const usage_cell_t *c,
                      const char *what, const char *why, const char *hint)
{
    char *text = shown(c->p, c->n);
    f->cell = cell;
    f->msg = diag_format("%s '%s' in %s%s%s", what, text ? text : "", cell_column(s, cell), why ? ": " : "", why ? why : "");
    f->hint = hint ? strdup(hint) : NULL;
    free(text);
    return 0;
}

void usage_fault_clear(usage_fault_t *f)
{
    free(f->msg);
    free(f->hint);
    f->msg = f->hint = NULL;
    f->cell = USAGE_CELL_ROW;
}

/* ---- numbers ---- */

static const long long pow10_ll[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL,
};

/* A parsed number: m * 10^-e with 0 <= e <= MAX_SCALE, or (big) the rational in q. */
typedef struct dec { long long m; int e; int big; } dec_t;

static int is_space(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **p, size_t *n)
{
    while (*n && is_space(**p)) { (*p)++; (*n)--; }
    while (*n && is_space((*p)[*n - 1])) (*n)--;
}

/* Parses [+-]digits[.digits][(e|E)[+-]digits]; the rational goes to q only when it does
 * not fit the fast form. Returns NULL, or why the text is not a number. */
static const char *parse_dec(const char *p, size_t n, dec_t *d, mpq_t q)
{
    trim(&p, &n);
    size_t i = 0;
    int neg = 0;
    if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    size_t digits_at = i, sig = 0, ndigits = 0;
    long long m = 0;
    long frac = 0;
    int in_frac = 0;
    for (; i < n; i++) {
        char c = p[i];
        if (c == '.' && !in_frac) { in_frac = 1; continue; }
        if (c < '0' || c > '9') break;
        ndigits++;
        if (in_frac) frac++;
        if (sig || c != '0') {
            if (++sig <= 18) m = m * 10 + (c - '0');
        }
    }
    size_t digits_end = i;
    if (!ndigits) return "not a number";
    long exp10 = 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < n && (p[i] == '+' || p[i] == '-')) eneg = p[i++] == '-';
        size_t at = i;
        while (i < n && p[i] == '0') i++;
        size_t sd = i;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
        if (i == at) return "not a number";
        if (i - sd > 6) return "exponent out of range (at most 10^1000)";
        for (size_t k = sd; k < i; k++) exp10 = exp10 * 10 + (p[k] - '0');
        if (eneg) exp10 = -exp10;
    }
    if (i != n) return "not a number";
    if (sig > MAX_DIGITS) return "too many digits (at most 1000)";
    if (exp10 > MAX_EXP10 || exp10 < -MAX_EXP10) return "exponent out of range (at most 10^1000)";
    /* ignored digits past the 18th are the big path's business */
    long e = frac - exp10;
    if (sig <= 18) {
        if (m == 0) e = 0;
        /* trailing zeros cost a division each: dropped only when the scale needs it */
        while (e > MAX_SCALE && m % 10 == 0) { m /= 10; e--; }
        if (e < 0 && e >= -18 && m <= INT64_MAX / pow10_ll[-e]) { m *= pow10_ll[-e]; e = 0; }
        if (e >= 0 && e <= MAX_SCALE) { d->m = neg ? -m : m; d->e = (int)e; d->big = 0; return NULL; }
    }
    /* the exact rational: the digits as an integer times 10^(exp10 - frac) */
    char *buf = malloc(ndigits + 2);
    if (!buf) return "out of memory";
    size_t o = 0;
    if (neg) buf[o++] = '-';
    for (size_t k = digits_at; k < digits_end; k++) if (p[k] != '.') buf[o++] = p[k];
    buf[o] = '\0';
    mpz_set_str(mpq_numref(q), buf, 10);
    free(buf);
    mpz_set_ui(mpq_denref(q), 1);
    long shift = exp10 - frac;
    mpz_t p10;
    mpz_init(p10);
    mpz_ui_pow_ui(p10, 10, (unsigned long)(shift < 0 ? -shift : shift));
    if (shift >= 0) mpz_mul(mpq_numref(q), mpq_numref(q), p10); else mpz_set(mpq_denref(q), p10);
    mpz_clear(p10);
    mpq_canonicalize(q);
    d->big = 1;
    return NULL;
}

static void dec_to_q(const dec_t *d, mpq_t q)
{
    if (d->big) return;
    mpz_set_si(mpq_numref(q), d->m);
    mpz_set_si(mpq_denref(q), pow10_ll[d->e]);
    mpq_canonicalize(q);
}

int usage_parse_number(const char *p, size_t n, mpq_t out, char **err)
{
    dec_t d;
    const char *why = parse_dec(p, n, &d, out);
    if (why) { char *t = shown(p, n); *err = diag_format("bad number '%s': %s", t ? t : "", why); free(t); return 0; }
    dec_to_q(&d, out);
    return 1;
}

/* ---- times ---- */

static int digits(const char *p, size_t n, size_t at, size_t count, int *out)
{
    if (at + count > n) return 0;
    int v = 0;
    for (size_t k = at; k < at + count; k++) {
        if (p[k] < '0' || p[k] > '9') return 0;
        v = v * 10 + (p[k] - '0');
    }
    *out = v;
    return 1;
}

static const char *parse_time(const char *p, size_t n, long long *usec)
{
    trim(&p, &n);
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    long long frac_us = 0;
    if (!digits(p, n, 0, 4, &y) || n < 10 || p[4] != '-' || !digits(p, n, 5, 2, &mo) || p[7] != '-' ||
        !digits(p, n, 8, 2, &d))
        return "not an ISO 8601 date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)";
    if (mo < 1 || mo > 12 || d < 1 || d > dates_days_in_month(y, mo)) return "no such date";
    size_t i = 10;
    if (i < n && (p[i] == 'T' || p[i] == 't' || p[i] == ' ') && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9') {
        i++;
        if (!digits(p, n, i, 2, &hh) || i + 2 >= n || p[i + 2] != ':' || !digits(p, n, i + 3, 2, &mi))
            return "bad time of day (HH:MM or HH:MM:SS)";
        i += 5;
        if (i < n && p[i] == ':') {
            if (!digits(p, n, i + 1, 2, &ss)) return "bad time of day (HH:MM or HH:MM:SS)";
            i += 3;
            if (i < n && (p[i] == '.' || p[i] == ',')) {
                size_t at = ++i;
                while (i < n && p[i] >= '0' && p[i] <= '9') {
                    if (i - at < 6) frac_us = frac_us * 10 + (p[i] - '0');
                    else if (p[i] != '0') return "finer than a microsecond";
                    if (i - at >= 12) return "too many digits in the fraction of a second";
                    i++;
                }
                if (i == at) return "bad fraction of a second";
                for (size_t k = i - at; k < 6; k++) frac_us *= 10;
            }
        }
        if (hh > 24 || mi > 59 || ss > 59 || (hh == 24 && (mi || ss || frac_us)))
            return "no such time of day";
    }
    long long offset_min = 0;
    if (i < n && p[i] == ' ' && i + 1 < n && (p[i + 1] == 'Z' || p[i + 1] == '+' || p[i + 1] == '-')) i++;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        i++;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
        int sign = p[i] == '-' ? -1 : 1, oh, om = 0;
        if (!digits(p, n, i + 1, 2, &oh)) return "bad UTC offset (+HH:MM)";
        i += 3;
        if (i < n && p[i] == ':') { if (!digits(p, n, i + 1, 2, &om)) return "bad UTC offset (+HH:MM)"; i += 3; }
        else if (i + 1 < n && digits(p, n, i, 2, &om)) i += 2;
        if (oh > 23 || om > 59) return "bad UTC offset (+HH:MM)";
        offset_min = sign * (oh * 60LL + om);
    }
    if (i != n) return "not an ISO 8601 date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)";
    long long day = dates_from_ymd(y, mo, d);
    long long secs = ((day * 24 + hh) * 60 + mi - offset_min) * 60 + ss;
    *usec = secs * 1000000LL + frac_us;
    return NULL;
}

int usage_parse_time(const char *p, size_t n, long long *usec, char **err)
{
    const char *why = parse_time(p, n, usec);
    if (why) { char *t = shown(p, n); *err = diag_format("bad timestamp '%s': %s", t ? t : "", why); free(t); return 0; }
    return 1;
}

static long long floor_div(long long a, long long b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* ---- units ---- */

/* FOCUS base unit names (UnitFormat: data sizes, time units, counts) and their Outlay
 * names; NULL: a plain count (Count, Unit). */
static const struct { const char *focus, *outlay; int icase; } focus_units[] = {
    {"b", "bit", 0}, {"B", "B", 0},
    {"Kb", "kbit", 0}, {"KB", "kB", 0}, {"Mb", "Mbit", 0}, {"MB", "MB", 0}, {"Gb", "Gbit", 0}, {"GB", "GB", 0},
    {"Tb", "Tbit", 0}, {"TB", "TB", 0}, {"Pb", "Pbit", 0}, {"PB", "PB", 0}, {"Eb", "Ebit", 0}, {"EB", "EB", 0},
    {"Kib", "Kibit", 0}, {"KiB", "KiB", 0}, {"Mib", "Mibit", 0}, {"MiB", "MiB", 0}, {"Gib", "Gibit", 0},
    {"GiB", "GiB", 0}, {"Tib", "Tibit", 0}, {"TiB", "TiB", 0}, {"Pib", "Pibit", 0}, {"PiB", "PiB", 0},
    {"Eib", "Eibit", 0}, {"EiB", "EiB", 0},
    {"Year", "year", 1}, {"Years", "year", 1}, {"Month", "month", 1}, {"Months", "month", 1}, {"Mo", "month", 1},
    {"Mos", "month", 1}, {"Week", "week", 1}, {"Weeks", "week", 1}, {"Day", "day", 1}, {"Days", "day", 1},
    {"Hour", "hour", 1}, {"Hours", "hour", 1}, {"Hr", "hour", 1}, {"Hrs", "hour", 1},
    {"Minute", "min", 1}, {"Minutes", "min", 1}, {"Second", "s", 1}, {"Seconds", "s", 1},
    {"Millisecond", "ms", 1}, {"Milliseconds", "ms", 1}, {"Microsecond", "us", 1}, {"Microseconds", "us", 1},
    {"Count", NULL, 1}, {"Counts", NULL, 1}, {"Unit", NULL, 1}, {"Units", NULL, 1},
};

static int name_eq(const char *a, size_t n, const char *b, int icase)
{
    if (strlen(b) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (icase) { if (x >= 'A' && x <= 'Z') x += 32; if (y >= 'A' && y <= 'Z') y += 32; }
        if (x != y) return 0;
    }
    return 1;
}

/* 1 of one base unit ("GB", "Hours", "Requests", a unit the program declared). */
static value_t *base_unit(units_t *u, const char *p, size_t n, char **err)
{
    const char *name = NULL;
    int found = 0;
    for (size_t k = 0; k < sizeof focus_units / sizeof focus_units[0] && !found; k++)
        if (name_eq(p, n, focus_units[k].focus, focus_units[k].icase)) { name = focus_units[k].outlay; found = 1; }
    if (found && !name) return value_num_si(1);
    char buf[MAX_UNIT_TEXT + 1];
    int id = -1;
    if (found) {
        id = units_find(u, name);
    } else if (n && n <= MAX_UNIT_TEXT) {
        memcpy(buf, p, n);
        buf[n] = '\0';
        id = units_find(u, buf);
        if (id < 0) {   /* FOCUS capitalizes count units: Requests, Tokens, GPUs */
            for (size_t i = 0; i < n; i++) if (buf[i] >= 'A' && buf[i] <= 'Z') buf[i] += 32;
            id = units_find(u, buf);
        }
    }
    if (id < 0) {
        char *t = shown(p, n);
        *err = diag_format("unknown unit '%s'", t ? t : "");
        free(t);
        return NULL;
    }
    return value_unit(u, id);
}

/* base[-base...] */
static value_t *compound_unit(units_t *u, const char *p, size_t n, char **err)
{
    value_t *acc = NULL;
    while (1) {
        const char *dash = memchr(p, '-', n);
        size_t len = dash ? (size_t)(dash - p) : n;
        const char *q = p;
        size_t qn = len;
        trim(&q, &qn);
        value_t *b = base_unit(u, q, qn, err);
        if (!b) { value_free(acc); return NULL; }
        if (acc) { value_t *m = value_mul(u, acc, b, err); value_free(acc); value_free(b); if (!(acc = m)) return NULL; }
        else acc = b;
        if (!dash) return acc;
        p = dash + 1;
        n -= len + 1;
    }
}

/* [quantity ]compound[/[quantity ]compound] */
static value_t *scaled_unit(units_t *u, const char *p, size_t n, char **err)
{
    trim(&p, &n);
    size_t i = 0;
    long long k = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9' && i < 15) k = k * 10 + (p[i++] - '0');
    value_t *v;
    if (i && i < n && is_space(p[i])) {
        if (!k) { *err = diag_format("a unit quantity must be positive"); return NULL; }
        value_t *c = compound_unit(u, p + i, n - i, err);
        if (!c) return NULL;
        value_t *kv = value_num_si((long)k);
        v = kv ? value_mul(u, kv, c, err) : NULL;
        if (!kv) *err = diag_format("out of memory");
        value_free(kv);
        value_free(c);
    } else {
        v = compound_unit(u, p, n, err);
    }
    return v;
}

value_t *usage_parse_unit(units_t *u, const char *p, size_t n, char **err)
{
    trim(&p, &n);
    if (!n) { *err = diag_format("no unit"); return NULL; }
    if (n > MAX_UNIT_TEXT) { *err = diag_format("unit name too long"); return NULL; }
    const char *slash = memchr(p, '/', n);
    size_t nn = slash ? (size_t)(slash - p) : n;
    value_t *num = scaled_unit(u, p, nn, err);
    if (!num || !slash) return num;
    value_t *den = scaled_unit(u, slash + 1, n - nn - 1, err);
    value_t *v = den ? value_div(u, num, den, err) : NULL;
    value_free(num);
    value_free(den);
    return v;
}

/* ---- filters ---- */

int usage_filter_match(const usage_filter_t *f, const char *p, size_t n)
{
    const char *text = p;
    size_t len = n;
    json_t *tags = NULL;
    if (f->tag_key) {
        if (!n) return 0;
        char *err = NULL;
        tags = json_parse(p, n, &err);
        free(err);
        if (!tags || tags->kind != JSON_OBJ) { json_free(tags); return -1; }
        const json_t *v = json_get(tags, f->tag_key);
        if (!v || v->kind == JSON_NULL || v->kind == JSON_ARR || v->kind == JSON_OBJ) { json_free(tags); return 0; }
        text = v->kind == JSON_BOOL ? (v->b ? "true" : "false") : v->text;
        len = strlen(text);
    }
    int keep = 0;
    for (size_t i = 0; i < f->nvalues && !keep; i++)
        keep = strlen(f->values[i]) == len && !memcmp(f->values[i], text, len);
    json_free(tags);
    return keep;
}

/* ---- the table ---- */

/* Exact amounts added to single hours, keyed by hour (open addressing). */
typedef struct spill { usage_hour_t h; int used; mpq_t q; } spill_t;
typedef struct spills { spill_t *e; size_t cap, n; } spills_t;

/* One column's sums over the table's hours: hour h holds m[h - base] / (10^scale * den),
 * plus its spill. */
typedef struct lane { i128 *m; spills_t sp; } lane_t;
/* Direct amounts, and a difference array for rows spread over whole hours. */
typedef struct series { lane_t direct, delta; } series_t;

typedef struct sku {
    char *name;
    value_t *unit;
    long long rows;
    long long *hour_rows;    /* rows by start hour, over the lanes' hours (NULL: none yet) */
    series_t col[NCOL];
} sku_t;

/* A string -> index hash map (SKU names, and raw usage SKUs to table SKUs). */
typedef struct strmap { struct { char *key; size_t len; size_t val; uint64_t hash; } *e; size_t cap, n; } strmap_t;

typedef struct unit_cache { char *text; size_t len; value_t *unit; } unit_cache_t;
enum { UNIT_CACHE = 32, TIME_CACHE = 48 };

typedef struct time_cache { char text[TIME_CACHE]; size_t len; long long usec; } time_cache_t;

struct usage_table {
    units_t *u;
    sku_t *skus;
    size_t nskus, capskus;
    strmap_t by_name, by_raw;
    const char *last_raw;            /* the last raw SKU looked up (its key in by_raw) */
    size_t last_raw_len, last_sku;
    usage_hour_t base;               /* lanes hold hours [base, base + cap) */
    size_t cap, nlanes;
    usage_hour_t first, end;
    int scale[NCOL];
    long long den[NCOL];
    int has[NCOL];
    int dirty;                       /* difference arrays not yet folded in */
    char currency[4];
    long long bad, filtered;
    long long bad_lines[USAGE_BAD_LINES_KEPT];
    size_t nbad_lines;
    unit_cache_t units[UNIT_CACHE];
    size_t nunits;
    time_cache_t tstart, tend;
    mpq_t q, r;                      /* scratch */
    mpq_t cellq[NCOL], factor, rate; /* a row's exact values (initialised once: no malloc a row) */
};

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)p[i]; h *= 1099511628211ULL; }
    return h;
}

static size_t strmap_slot(const strmap_t *m, const char *p, size_t n, uint64_t h)
{
    size_t i = h & (m->cap - 1);
    while (m->e[i].key && !(m->e[i].hash == h && m->e[i].len == n && !memcmp(m->e[i].key, p, n)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The value for key, or (size_t)-1. */
static size_t strmap_get(const strmap_t *m, const char *p, size_t n)
{
    if (!m->cap) return (size_t)-1;
    size_t i = strmap_slot(m, p, n, hash_bytes(p, n));
    return m->e[i].key ? m->e[i].val : (size_t)-1;
}

/* Adds key -> val (key not present); the stored key, or NULL when out of memory. */
static const char *strmap_put(strmap_t *m, const char *p, size_t n, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        strmap_t g = { NULL, m->cap ? m->cap * 2 : 64, m->n };
        if (!(g.e = calloc(g.cap, sizeof *g.e))) return NULL;
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].key) g.e[strmap_slot(&g, m->e[i].key, m->e[i].len, m->e[i].hash)] = m->e[i];
        free(m->e);
        *m = g;
    }
    uint64_t h = hash_bytes(p, n);
    size_t i = strmap_slot(m, p, n, h);
    char *k = malloc(n + 1);
    if (!k) return NULL;
    memcpy(k, p, n);
    k[n] = '\0';
    m->e[i].key = k; m->e[i].len = n; m->e[i].val = val; m->e[i].hash = h;
    m->n++;
    return k;
}

static void strmap_free(strmap_t *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->e[i].key);
    free(m->e);
}

static mpq_t *spill_at(spills_t *s, usage_hour_t h, int create)
{
    if (create && (s->n + 1) * 2 > s->cap) {
        spills_t g = { NULL, s->cap ? s->cap * 2 : 16, 0 };
        if (!(g.e = calloc(g.cap, sizeof *g.e))) return NULL;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->e[i].used) continue;
            size_t k = (size_t)s->e[i].h & (g.cap - 1);
            while (g.e[k].used) k = (k + 1) & (g.cap - 1);
            memcpy(&g.e[k], &s->e[i], sizeof g.e[k]);   /* moves the mpq_t as it is */
            g.n++;
        }
        free(s->e);
        *s = g;
    }
    if (!s->cap) return NULL;
    size_t k = (size_t)h & (s->cap - 1);
    while (s->e[k].used && s->e[k].h != h) k = (k + 1) & (s->cap - 1);
    if (s->e[k].used) return &s->e[k].q;
    if (!create) return NULL;
    s->e[k].used = 1;
    s->e[k].h = h;
    mpq_init(s->e[k].q);
    s->n++;
    return &s->e[k].q;
}

static void spills_free(spills_t *s)
{
    for (size_t i = 0; i < s->cap; i++) if (s->e[i].used) mpq_clear(s->e[i].q);
    free(s->e);
    memset(s, 0, sizeof *s);
}

usage_table_t *usage_table_new(units_t *u)
{
    usage_table_t *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->u = u;
    for (int c = 0; c < NCOL; c++) t->den[c] = 1;
    t->last_sku = (size_t)-1;
    mpq_init(t->q);
    mpq_init(t->r);
    for (int c = 0; c < NCOL; c++) mpq_init(t->cellq[c]);
    mpq_init(t->factor);
    mpq_init(t->rate);
    return t;
}

void usage_table_free(usage_table_t *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nskus; i++) {
        sku_t *s = &t->skus[i];
        free(s->name);
        value_free(s->unit);
        free(s->hour_rows);
        for (int c = 0; c < NCOL; c++) {
            free(s->col[c].direct.m); spills_free(&s->col[c].direct.sp);
            free(s->col[c].delta.m); spills_free(&s->col[c].delta.sp);
        }
    }
    free(t->skus);
    strmap_free(&t->by_name);
    strmap_free(&t->by_raw);
    for (size_t i = 0; i < t->nunits; i++) { free(t->units[i].text); value_free(t->units[i].unit); }
    mpq_clear(t->q);
    mpq_clear(t->r);
    for (int c = 0; c < NCOL; c++) mpq_clear(t->cellq[c]);
    mpq_clear(t->factor);
    mpq_clear(t->rate);
    free(t);
}

/* ---- exact arithmetic on the lanes ---- */

static void i128_to_mpz(mpz_t out, i128 v)
{
    unsigned __int128 a = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    uint64_t w[2] = { (uint64_t)a, (uint64_t)(a >> 64) };
    mpz_import(out, 2, -1, sizeof w[0], 0, 0, w);
    if (v < 0) mpz_neg(out, out);
}

/* out = num / (10^scale * den) for column c. */
static void scaled_value(const usage_table_t *t, int c, const mpz_t num, mpq_t out)
{
    mpz_set(mpq_numref(out), num);
    mpz_ui_pow_ui(mpq_denref(out), 10, (unsigned long)t->scale[c]);
    mpz_mul_si(mpq_denref(out), mpq_denref(out), t->den[c]);
    mpq_canonicalize(out);
}

static void lane_value(const usage_table_t *t, int c, i128 v, mpq_t out)
{
    i128_to_mpz(mpq_numref(out), v);
    scaled_value(t, c, mpq_numref(out), out);
}

/* Adds x (exact) to hour h of a lane's spill; 0 when out of memory, or when the sum
 * could pass VALUE_MAX_BITS (GMP aborts when memory runs out: sizes are checked first). */
static int spill_add(spills_t *s, usage_hour_t h, const mpq_t x)
{
    mpq_t *q = spill_at(s, h, 1);
    if (!q || value_bits(*q) + value_bits(x) + 1 > VALUE_MAX_BITS) return 0;
    mpq_add(*q, *q, x);
    return 1;
}

/* Moves a slot's integer into its spill (before a rescale it would overflow). */
static int spill_slot(usage_table_t *t, int c, lane_t *l, size_t idx)
{
    lane_value(t, c, l->m[idx], t->r);
    if (!spill_add(&l->sp, t->base + (usage_hour_t)idx, t->r)) return 0;
    l->m[idx] = 0;
    return 1;
}

/* Multiplies every slot of column c by f (a new scale or denominator). */
static int rescale(usage_table_t *t, int c, int scale, long long den)
{
    i128 f = (i128)pow10_ll[scale - t->scale[c]] * (den / t->den[c]);
    for (size_t i = 0; i < t->nskus; i++) {
        lane_t *ls[2] = { &t->skus[i].col[c].direct, &t->skus[i].col[c].delta };
        for (int k = 0; k < 2; k++) {
            if (!ls[k]->m) continue;
            for (size_t h = 0; h < t->cap; h++) {
                i128 r;
                if (__builtin_mul_overflow(ls[k]->m[h], f, &r)) { if (!spill_slot(t, c, ls[k], h)) return 0; r = 0; }
                ls[k]->m[h] = r;
            }
        }
    }
    t->scale[c] = scale;
    t->den[c] = den;
    return 1;
}

static long long gcd_ll(long long a, long long b)
{
    while (b) { long long r = a % b; a = b; b = r; }
    return a < 0 ? -a : a;
}

/* How a row's amount is shared among hours: hour h0 gets k0/d, the whole hours
 * [h0 + 1, h1 - 1) kmid/d each, hour h1 - 1 (when h1 - 1 > h0) klast/d. */
typedef struct share { usage_hour_t h0, h1; long long k0, kmid, klast, d; } share_t;

static void share_of(long long start, long long end, share_t *s)
{
    s->h0 = floor_div(start, USEC_PER_HOUR);
    if (end <= start) { s->h1 = s->h0 + 1; s->k0 = s->d = 1; s->kmid = s->klast = 0; return; }
    s->h1 = floor_div(end - 1, USEC_PER_HOUR) + 1;
    long long total = end - start;
    if (s->h1 - s->h0 == 1) { s->k0 = s->d = 1; s->kmid = s->klast = 0; return; }
    long long k0 = (s->h0 + 1) * USEC_PER_HOUR - start, kl = end - (s->h1 - 1) * USEC_PER_HOUR;
    long long g = gcd_ll(gcd_ll(total, k0), kl);
    if (s->h1 - s->h0 > 2) g = gcd_ll(g, USEC_PER_HOUR);
    s->k0 = k0 / g; s->klast = kl / g; s->kmid = s->h1 - s->h0 > 2 ? USEC_PER_HOUR / g : 0; s->d = total / g;
}

/* The lane of (sku, column, direct or delta), allocated on first use. */
static lane_t *lane_of(usage_table_t *t, sku_t *s, int c, int delta)
{
    lane_t *l = delta ? &s->col[c].delta : &s->col[c].direct;
    if (!l->m) {
        if ((t->nlanes + 1) * t->cap > MAX_TABLE_BYTES / sizeof(i128)) return NULL;
        if (!(l->m = calloc(t->cap, sizeof *l->m))) return NULL;
        t->nlanes++;
    }
    return l;
}

/* Grows every lane to hold hours [lo, hi). */
static int ensure_hours(usage_table_t *t, usage_hour_t lo, usage_hour_t hi)
{
    if (t->cap && lo >= t->base && hi <= t->base + (usage_hour_t)t->cap) return 1;
    usage_hour_t nlo = t->cap && t->base < lo ? t->base : lo, nhi = t->cap && t->base + (usage_hour_t)t->cap > hi ? t->base + (usage_hour_t)t->cap : hi;
    usage_hour_t slack = t->cap ? (usage_hour_t)t->cap / 2 + 24 : 24;
    if (t->cap && lo < t->base) nlo -= slack;
    if (t->cap && hi > t->base + (usage_hour_t)t->cap) nhi += slack;
    if (!t->cap) nhi += slack;
    if (nhi - nlo > (usage_hour_t)(MAX_TABLE_BYTES / sizeof(i128)) ||
        (size_t)(nhi - nlo) * (t->nlanes ? t->nlanes : 1) > MAX_TABLE_BYTES / sizeof(i128))
        return 0;
    size_t ncap = (size_t)(nhi - nlo), off = (size_t)(t->base - nlo);
    for (size_t i = 0; i < t->nskus; i++) {
        sku_t *s = &t->skus[i];
        if (s->hour_rows) {
            long long *r = calloc(ncap, sizeof *r);
            if (!r) return 0;
            memcpy(r + off, s->hour_rows, t->cap * sizeof *r);
            free(s->hour_rows);
            s->hour_rows = r;
        }
        for (int c = 0; c < NCOL; c++) {
            lane_t *ls[2] = { &t->skus[i].col[c].direct, &t->skus[i].col[c].delta };
            for (int k = 0; k < 2; k++) {
                if (!ls[k]->m) continue;
                i128 *m = calloc(ncap, sizeof *m);
                if (!m) return 0;
                memcpy(m + off, ls[k]->m, t->cap * sizeof *m);
                free(ls[k]->m);
                ls[k]->m = m;
            }
        }
    }
    t->base = nlo;
    t->cap = ncap;
    return 1;
}

/* SKU s's row counter for each hour, allocated on first use (counted as a lane). */
static long long *hour_rows_of(usage_table_t *t, sku_t *s)
{
    if (!s->hour_rows) {
        if ((t->nlanes + 1) * t->cap > MAX_TABLE_BYTES / sizeof(i128)) return NULL;
        if (!(s->hour_rows = calloc(t->cap, sizeof *s->hour_rows))) return NULL;
        t->nlanes++;
    }
    return s->hour_rows;
}

/* Adds x * k / d exactly to hour h of a lane, by the rational path. */
static int add_exact(usage_table_t *t, lane_t *l, usage_hour_t h, const mpq_t x, long long k, long long d)
{
    mpq_set_si(t->r, k, (unsigned long)d);
    mpq_canonicalize(t->r);
    mpq_mul(t->r, t->r, x);
    return spill_add(&l->sp, h, t->r);
}

/* Adds m * 10^-e * k / d to hour h of a lane of column c. The column's scale and
 * denominator already cover e and d when fits is set. */
static int add_dec(usage_table_t *t, int c, lane_t *l, usage_hour_t h, long long m, int e, long long k, long long d, int fits)
{
    if (fits) {
        i128 x = (i128)m * pow10_ll[t->scale[c] - e], y;
        size_t idx = (size_t)(h - t->base);
        if (!__builtin_mul_overflow(x, (i128)k * (t->den[c] / d), &y) && !__builtin_add_overflow(l->m[idx], y, &y)) {
            l->m[idx] = y;
            return 1;
        }
    }
    mpz_set_si(mpq_numref(t->q), m);
    mpz_set_si(mpq_denref(t->q), pow10_ll[e]);
    mpq_canonicalize(t->q);
    return add_exact(t, l, h, t->q, k, d);
}

/* Makes column c able to take m * 10^-e * k/d on the fast path, when it can. */
static int prepare(usage_table_t *t, int c, int e, long long d, int *fits)
{
    *fits = 0;
    int scale = e > t->scale[c] ? e : t->scale[c];
    long long den = t->den[c];
    if (den % d) {
        long long g = gcd_ll(den, d);
        if (den / g > MAX_DEN / d) return 1;
        den = den / g * d;
    }
    if ((scale != t->scale[c] || den != t->den[c]) && !rescale(t, c, scale, den)) return 0;
    *fits = 1;
    return 1;
}

/* Spreads one amount (a decimal, or the exact x when x != NULL) over the row's hours. */
static int spread(usage_table_t *t, sku_t *s, int c, const share_t *sh, const dec_t *v, const mpq_t *x)
{
    int fits = 0;
    if (!x && !prepare(t, c, v->e, sh->d, &fits)) return 0;
    lane_t *dl = lane_of(t, s, c, 0);
    if (!dl) return 0;
    struct { lane_t *l; usage_hour_t h; long long k; } parts[4];
    int np = 0;
    parts[np].l = dl; parts[np].h = sh->h0; parts[np++].k = sh->k0;
    if (sh->h1 - sh->h0 > 1) { parts[np].l = dl; parts[np].h = sh->h1 - 1; parts[np++].k = sh->klast; }
    if (sh->kmid) {
        lane_t *dd = lane_of(t, s, c, 1);
        if (!dd) return 0;
        parts[np].l = dd; parts[np].h = sh->h0 + 1; parts[np++].k = sh->kmid;
        parts[np].l = dd; parts[np].h = sh->h1 - 1; parts[np++].k = -sh->kmid;
        t->dirty = 1;
    }
    for (int i = 0; i < np; i++) {
        int ok = x ? add_exact(t, parts[i].l, parts[i].h, *x, parts[i].k, sh->d)
                   : add_dec(t, c, parts[i].l, parts[i].h, v->m, v->e, parts[i].k, sh->d, fits);
        if (!ok) return 0;
    }
    return 1;
}

/* Folds the difference arrays into the direct sums (before reading the table). */
static int settle(usage_table_t *t)
{
    if (!t->dirty) return 1;
    mpq_t run_q, tmp;
    mpq_init(run_q);
    mpq_init(tmp);
    int ok = 1;
    for (size_t i = 0; i < t->nskus && ok; i++)
        for (int c = 0; c < NCOL && ok; c++) {
            lane_t *dl = &t->skus[i].col[c].direct, *dd = &t->skus[i].col[c].delta;
            if (!dd->m) continue;
            i128 run = 0;
            mpq_set_ui(run_q, 0, 1);
            for (size_t h = 0; h < t->cap && ok; h++) {
                usage_hour_t hour = t->base + (usage_hour_t)h;
                i128 r;
                if (__builtin_add_overflow(run, dd->m[h], &r)) {
                    lane_value(t, c, dd->m[h], tmp);
                    mpq_add(run_q, run_q, tmp);
                    r = run;
                }
                run = r;
                dd->m[h] = 0;
                mpq_t *sq = dd->sp.n ? spill_at(&dd->sp, hour, 0) : NULL;
                if (sq) mpq_add(run_q, run_q, *sq);
                if (__builtin_add_overflow(dl->m[h], run, &r)) {
                    lane_value(t, c, run, tmp);
                    ok = spill_add(&dl->sp, hour, tmp);
                } else {
                    dl->m[h] = r;
                }
                if (ok && mpq_sgn(run_q)) ok = spill_add(&dl->sp, hour, run_q);
            }
            spills_free(&dd->sp);
        }
    mpq_clear(run_q);
    mpq_clear(tmp);
    if (ok) t->dirty = 0;
    return ok;
}

/* ---- rows ---- */

/* The SKU a raw usage SKU is priced as, created when new; (size_t)-1 when out of memory,
 * (size_t)-2 when the table already knows MAX_SKUS names. */
static size_t sku_index(usage_table_t *t, const usage_spec_t *spec, const char *p, size_t n)
{
    if (t->last_raw && t->last_raw_len == n && !memcmp(t->last_raw, p, n)) return t->last_sku;
    size_t i = strmap_get(&t->by_raw, p, n);
    if (i == (size_t)-1 && t->by_raw.n >= MAX_SKUS) return (size_t)-2;
    if (i == (size_t)-1) {
        const char *name = NULL;
        size_t nn = n;
        for (size_t k = 0; k < spec->nmap && !name; k++)
            if (strlen(spec->map[k].from) == n && !memcmp(spec->map[k].from, p, n)) { name = spec->map[k].to; nn = strlen(name); }
        if (!name) name = p;
        i = strmap_get(&t->by_name, name, nn);
        if (i == (size_t)-1) {
            if (t->nskus == t->capskus) {
                size_t nc = t->capskus ? t->capskus * 2 : 16;
                sku_t *ns = realloc(t->skus, nc * sizeof *ns);
                if (!ns) return (size_t)-1;
                t->skus = ns;
                t->capskus = nc;
            }
            sku_t *s = &t->skus[t->nskus];
            memset(s, 0, sizeof *s);
            if (!(s->name = malloc(nn + 1))) return (size_t)-1;
            memcpy(s->name, name, nn);
            s->name[nn] = '\0';
            if (!strmap_put(&t->by_name, name, nn, t->nskus)) { free(s->name); return (size_t)-1; }
            i = t->nskus++;
        }
        if (!(t->last_raw = strmap_put(&t->by_raw, p, n, i))) return (size_t)-1;
    } else {
        size_t slot = strmap_slot(&t->by_raw, p, n, hash_bytes(p, n));
        t->last_raw = t->by_raw.e[slot].key;
    }
    t->last_raw_len = n;
    t->last_sku = i;
    return i;
}

/* 1 of the unit the unit cell names (borrowed from the cache). */
static const value_t *row_unit(usage_table_t *t, const char *p, size_t n, char **err)
{
    for (size_t i = 0; i < t->nunits; i++)
        if (t->units[i].len == n && !memcmp(t->units[i].text, p, n)) return t->units[i].unit;
    value_t *v = usage_parse_unit(t->u, p, n, err);
    if (!v) return NULL;
    if (v->kind != V_NUM) { value_free(v); *err = diag_format("not a unit"); return NULL; }
    size_t slot = t->nunits < UNIT_CACHE ? t->nunits++ : UNIT_CACHE - 1;
    free(t->units[slot].text);
    value_free(t->units[slot].unit);
    t->units[slot].text = malloc(n + 1);
    if (!t->units[slot].text) { value_free(v); t->units[slot].unit = NULL; t->nunits = slot; *err = diag_format("out of memory"); return NULL; }
    memcpy(t->units[slot].text, p, n);
    t->units[slot].text[n] = '\0';
    t->units[slot].len = n;
    t->units[slot].unit = v;
    return v;
}

static const char *cached_time(time_cache_t *c, const char *p, size_t n, long long *usec)
{
    if (c->len == n && n && !memcmp(c->text, p, n)) { *usec = c->usec; return NULL; }
    const char *why = parse_time(p, n, usec);
    if (!why && n <= TIME_CACHE) { memcpy(c->text, p, n); c->len = n; c->usec = *usec; }
    return why;
}

/* "1000 request", "GB*hour", "a plain count"; malloc'd. */
static char *unit_text(const units_t *u, const value_t *v)
{
    uterm_t t;
    value_display_unit(u, v, &t);
    char *name = uterm_format(u, &t);
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, v, m);
    char *num = mpq_cmp_ui(m, 1, 1) ? mpq_get_str(NULL, 10, m) : NULL;
    char *s = diag_format("%s%s%s", num ? num : "", num && name && *name ? " " : "", name && *name ? name : num ? "" : "a plain count");
    mpq_clear(m);
    free(name);
    free(num);
    return s;
}

/* The SKU's quantities stay in the unit of its first row; a row in another unit of the
 * same dimension is converted (*factor set, 1 returned with *convert). */
static int check_unit(usage_table_t *t, const usage_spec_t *spec, sku_t *s, const value_t *unit, mpq_t factor,
                      int *convert, usage_fault_t *err)
{
    *convert = 0;
    if (!s->unit) {
        if (!(s->unit = value_ref((value_t *)unit))) return fault(err, USAGE_CELL_ROW, NULL, "out of memory");
        return 1;
    }
    if (s->unit == unit) return 1;
    if (s->unit->u.num.dim_id != unit->u.num.dim_id) {
        char *a = unit_text(t->u, unit), *b = unit_text(t->u, s->unit);
        char *name = shown(s->name, strlen(s->name));
        fault(err, spec->unit ? USAGE_CELL_QUANTITY : USAGE_CELL_UNIT, NULL,
              "SKU '%s' is measured in %s here but in %s in earlier rows", name ? name : "", a ? a : "?", b ? b : "?");
        free(a); free(b); free(name);
        return 0;
    }
    if (mpq_equal(s->unit->u.num.q, unit->u.num.q)) return 1;
    mpq_div(factor, unit->u.num.q, s->unit->u.num.q);
    *convert = 1;
    return 1;
}

/* The costs' currency: the table's, or converted by the spec's dated rate (*convert). */
static int check_currency(usage_table_t *t, const usage_spec_t *spec, const usage_cell_t *cell, usage_hour_t hour,
                          mpq_t rate, int *convert, usage_fault_t *err)
{
    *convert = 0;
    const char *p = cell->p;
    size_t n = cell->n;
    trim(&p, &n);
    char code[4] = { 0 };
    if (n == 3) memcpy(code, p, 3);
    if (n != 3 || !units_is_currency_code(code))
        return cell_fault(err, spec, USAGE_CELL_CURRENCY, cell, "bad currency code", "expected three capital letters (ISO 4217)", NULL);
    if (!t->currency[0]) memcpy(t->currency, spec->currency && units_is_currency_code(spec->currency) ? spec->currency : code, 4);
    if (!strcmp(code, t->currency)) return 1;
    if (!spec->fx)
        return fault(err, USAGE_CELL_CURRENCY, "give a dated exchange rate (fx) to read several currencies into one table",
                     "costs in %s among costs in %s", code, t->currency);
    char *why = NULL;
    if (!spec->fx(spec->fx_ctx, code, t->currency, hour, rate, &why)) {
        fault(err, USAGE_CELL_CURRENCY, NULL, "%s", why ? why : "no exchange rate");
        free(why);
        return 0;
    }
    *convert = 1;
    return 1;
}

static const char *const unit_hint =
    "give the quantity's unit in the usage mapping (unit = GB*hour, for instance)";

/* The hint for an unknown unit: declaring it under its singular, lower-case name (which
 * is how the cell's name will then be read), or mapping it. */
static char *unknown_unit_hint(const char *why)
{
    const char *p = why ? strstr(why, "unknown unit '") : NULL;
    if (!p) return strdup(unit_hint);
    p += strlen("unknown unit '");
    const char *q = strchr(p, '\'');
    size_t n = q ? (size_t)(q - p) : 0;
    if (n > 1 && p[n - 1] == 's') n--;
    char *name = strndup(p, n);
    for (size_t i = 0; name && name[i]; i++) {
        if (name[i] >= 'A' && name[i] <= 'Z') name[i] += 32;
        else if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '_')) { free(name); name = NULL; break; }
    }
    char *h = name && *name ? diag_format("declare the unit (unit %s), or %s", name, unit_hint) : strdup(unit_hint);
    free(name);
    return h;
}

/* The row's unit (borrowed), NULL with err set when it has none it can use. */
static const value_t *unit_of(usage_table_t *t, const usage_spec_t *spec, const usage_row_t *row, usage_fault_t *err)
{
    if (spec->unit) return spec->unit;
    const char *qcol = cell_column(spec, USAGE_CELL_QUANTITY), *ucol = cell_column(spec, USAGE_CELL_UNIT);
    if (!row->unit.p) { fault(err, USAGE_CELL_QUANTITY, unit_hint, "no unit for %s", qcol); return NULL; }
    if (!row->unit.n) { fault(err, USAGE_CELL_UNIT, unit_hint, "%s is empty but %s is not", ucol, qcol); return NULL; }
    char *why = NULL;
    const value_t *unit = row_unit(t, row->unit.p, row->unit.n, &why);
    if (!unit) {
        char *text = shown(row->unit.p, row->unit.n);
        /* name the whole cell too when the unknown part is only a piece of it */
        char *quoted = diag_format("'%s'", text ? text : "");
        int whole = why && quoted && strstr(why, quoted);
        char *hint = unknown_unit_hint(why);
        fault(err, USAGE_CELL_UNIT, hint, "%s in %s%s%s", why ? why : "out of memory", ucol, whole ? "" : " ", whole ? "" : quoted ? quoted : "");
        free(hint);
        free(quoted);
        free(text);
    }
    free(why);
    return unit;
}

int usage_table_add(usage_table_t *t, const usage_spec_t *spec, const usage_row_t *row, usage_fault_t *err)
{
    return usage_table_add_rows(t, spec, row, 1, err);
}

int usage_table_add_rows(usage_table_t *t, const usage_spec_t *spec, const usage_row_t *row, long long rows,
                         usage_fault_t *err)
{
    err->msg = err->hint = NULL;
    err->cell = USAGE_CELL_ROW;
    /* column 0 is the quantity, 1.. the costs */
    const usage_cell_t *cells[NCOL] = { &row->quantity, &row->cost[0], &row->cost[1], &row->cost[2], &row->cost[3] };
    dec_t num[NCOL];
    mpq_t *q = t->cellq;           /* a column's exact value, when it takes the rational path */
    int present[NCOL], exact[NCOL] = { 0 };
    int ok = 1;
    for (int c = 0; c < NCOL && ok; c++) {
        if (!(present[c] = cells[c]->p && cells[c]->n)) continue;
        const char *why = parse_dec(cells[c]->p, cells[c]->n, &num[c], q[c]);
        exact[c] = !why && num[c].big;
        if (why) ok = cell_fault(err, spec, c ? USAGE_CELL_COST + c - 1 : USAGE_CELL_QUANTITY, cells[c], "bad number", why, NULL);
    }
    if (ok && present[0] && !spec->negative_ok && (exact[0] ? mpq_sgn(q[0]) < 0 : num[0].m < 0))
        ok = cell_fault(err, spec, USAGE_CELL_QUANTITY, cells[0], "negative quantity", NULL,
                        "a quantity below zero is a refund or a correction: filter it out, or allow negative quantities in the mapping");
    long long start = 0, end = 0;
    if (ok && !(row->start.p && row->start.n))
        ok = fault(err, USAGE_CELL_START, NULL, "no %s in the row", cell_column(spec, USAGE_CELL_START));
    if (ok) {
        const char *why = cached_time(&t->tstart, row->start.p, row->start.n, &start);
        if (why) ok = cell_fault(err, spec, USAGE_CELL_START, &row->start, "bad timestamp", why, NULL);
    }
    end = start;
    if (ok && row->end.p && row->end.n) {
        const char *why = cached_time(&t->tend, row->end.p, row->end.n, &end);
        if (why) ok = cell_fault(err, spec, USAGE_CELL_END, &row->end, "bad timestamp", why, NULL);
        else if (end < start)
            ok = fault(err, USAGE_CELL_END, NULL, "%s is before %s", cell_column(spec, USAGE_CELL_END), cell_column(spec, USAGE_CELL_START));
    }
    const value_t *unit = NULL;
    if (ok && present[0]) ok = (unit = unit_of(t, spec, row, err)) != NULL;
    mpq_t *factor = &t->factor, *rate = &t->rate;
    int any_cost = 0, by_rate = 0, by_factor = 0;
    for (int c = 1; c < NCOL; c++) any_cost |= present[c];
    if (ok && any_cost && row->currency.p && row->currency.n)
        ok = check_currency(t, spec, &row->currency, floor_div(start, USEC_PER_HOUR), *rate, &by_rate, err);
    sku_t *s = NULL;
    if (ok) {
        size_t i = sku_index(t, spec, row->sku.p ? row->sku.p : "", row->sku.p ? row->sku.n : 0);
        if (i == (size_t)-2)
            ok = fault(err, USAGE_CELL_SKU, "filter the rows, or map SKUs to fewer names",
                       "more than %d different SKUs in one usage table", MAX_SKUS);
        else if (i == (size_t)-1) ok = fault(err, USAGE_CELL_ROW, NULL, "out of memory");
        else s = &t->skus[i];
    }
    if (ok && unit) ok = check_unit(t, spec, s, unit, *factor, &by_factor, err);
    share_t sh;
    if (ok) {
        share_of(start, end, &sh);
        if (!ensure_hours(t, sh.h0, sh.h1))
            ok = fault(err, USAGE_CELL_START, "filter the rows (by service, region or tag) or read a shorter period",
                       "the usage table would outgrow 512 MiB (%zu SKUs over the hours from %lld to %lld)",
                       t->nskus, (long long)(sh.h0 < t->first || t->first == t->end ? sh.h0 : t->first),
                       (long long)(sh.h1 > t->end ? sh.h1 : t->end));
    }
    for (int c = 0; ok && c < NCOL; c++) {
        if (!present[c]) continue;
        int conv = c ? by_rate : by_factor;
        if (conv && !exact[c]) { dec_to_q(&num[c], q[c]); exact[c] = 1; }
        if (conv) mpq_mul(q[c], q[c], c ? *rate : *factor);
        if (!spread(t, s, c, &sh, &num[c], exact[c] ? &q[c] : NULL))
            ok = fault(err, USAGE_CELL_ROW, "filter the rows or read a shorter period",
                       "the usage table cannot take this row: it would pass 512 MiB, or an hour's exact sum %d bits",
                       VALUE_MAX_BITS);
    }
    /* a row counts once, in the hour it starts: per-hour counts then add up over any range */
    long long *hr = ok ? hour_rows_of(t, s) : NULL;
    if (ok && !hr)
        ok = fault(err, USAGE_CELL_ROW, "filter the rows or read a shorter period", "the usage table would outgrow 512 MiB");
    if (!ok) return 0;
    for (int c = 0; c < NCOL; c++) if (cells[c]->p) t->has[c] = 1;
    s->rows += rows;
    hr[sh.h0 - t->base] += rows;
    if (t->first == t->end) { t->first = sh.h0; t->end = sh.h1; }
    else { if (sh.h0 < t->first) t->first = sh.h0; if (sh.h1 > t->end) t->end = sh.h1; }
    return 1;
}

/* ---- reading the table ---- */

size_t usage_table_nskus(const usage_table_t *t) { return t->nskus; }
const char *usage_table_sku(const usage_table_t *t, size_t i) { return t->skus[i].name; }
const value_t *usage_table_unit(const usage_table_t *t, size_t i) { return t->skus[i].unit; }
long long usage_table_rows(const usage_table_t *t, size_t i) { return t->skus[i].rows; }
long long usage_table_bad_rows(const usage_table_t *t) { return t->bad; }

long long usage_table_rows_in(const usage_table_t *t, size_t i, usage_hour_t from, usage_hour_t to)
{
    const long long *hr = i < t->nskus ? t->skus[i].hour_rows : NULL;
    usage_hour_t lo = from > t->base ? from : t->base, hi = to < t->base + (usage_hour_t)t->cap ? to : t->base + (usage_hour_t)t->cap;
    long long n = 0;
    for (usage_hour_t h = lo; hr && h < hi; h++) n += hr[h - t->base];
    return n;
}
usage_hour_t usage_table_first_hour(const usage_table_t *t) { return t->first; }
usage_hour_t usage_table_end_hour(const usage_table_t *t) { return t->end; }
int usage_table_has_cost(const usage_table_t *t, usage_cost_col c) { return t->has[1 + c]; }
const char *usage_table_currency(const usage_table_t *t) { return t->currency[0] ? t->currency : NULL; }
void usage_table_note_filtered(usage_table_t *t) { t->filtered++; }
long long usage_table_filtered_rows(const usage_table_t *t) { return t->filtered; }

void usage_table_note_bad_row(usage_table_t *t, long long line)
{
    if (t->nbad_lines < USAGE_BAD_LINES_KEPT) t->bad_lines[t->nbad_lines++] = line;
    t->bad++;
}

size_t usage_table_bad_lines(const usage_table_t *t, const long long **lines)
{
    *lines = t->bad_lines;
    return t->nbad_lines;
}

/* The sum of column c of SKU i over hours [from, to). */
static void column_sum(const usage_table_t *ct, size_t i, int c, usage_hour_t from, usage_hour_t to, mpq_t out)
{
    usage_table_t *t = (usage_table_t *)ct;   /* folding the difference arrays is a cache */
    mpq_set_ui(out, 0, 1);
    if (!settle(t) || i >= t->nskus || from >= to) return;
    const lane_t *l = &t->skus[i].col[c].direct;
    if (l->m) {
        usage_hour_t lo = from > t->base ? from : t->base, hi = to < t->base + (usage_hour_t)t->cap ? to : t->base + (usage_hour_t)t->cap;
        i128 sum = 0;
        mpz_t big, x;
        mpz_init(big);
        mpz_init(x);
        for (usage_hour_t h = lo; h < hi; h++) {
            i128 r;
            if (__builtin_add_overflow(sum, l->m[h - t->base], &r)) {
                i128_to_mpz(x, sum);
                mpz_add(big, big, x);
                r = l->m[h - t->base];
            }
            sum = r;
        }
        i128_to_mpz(x, sum);
        mpz_add(big, big, x);
        scaled_value(t, c, big, out);
        mpz_clear(big);
        mpz_clear(x);
    }
    const spills_t *sp = &l->sp;
    if (!sp->n) return;
    if ((usage_hour_t)sp->n < to - from) {
        for (size_t k = 0; k < sp->cap; k++)
            if (sp->e[k].used && sp->e[k].h >= from && sp->e[k].h < to) mpq_add(out, out, sp->e[k].q);
    } else {
        for (usage_hour_t h = from; h < to; h++) {
            mpq_t *q = spill_at((spills_t *)sp, h, 0);
            if (q) mpq_add(out, out, *q);
        }
    }
}

void usage_table_quantity(const usage_table_t *t, size_t i, usage_hour_t from, usage_hour_t to, mpq_t out)
{
    column_sum(t, i, 0, from, to, out);
}

void usage_table_cost(const usage_table_t *t, size_t i, usage_cost_col c, usage_hour_t from, usage_hour_t to, mpq_t out)
{
    column_sum(t, i, 1 + (int)c, from, to, out);
}
