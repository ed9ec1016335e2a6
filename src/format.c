/* format: exact numbers and values as text: grouped decimals, repeating decimals,
 * scientific notation, money to its minor unit, units after the number. It sits below the
 * evaluator (eval, explain and diagnostics describe values with it) and below report,
 * which lays these texts out as tables, JSON and CSV. */
#include "format.h"
#include "strbuf.h"
#include <stdlib.h>
#include <string.h>

char *format_fraction(const mpq_t q)
{
    size_t n = mpz_sizeinbase(mpq_numref(q), 10) + mpz_sizeinbase(mpq_denref(q), 10) + 4;
    char *s = malloc(n);
    if (!s) return NULL;
    mpz_get_str(s, 10, mpq_numref(q));
    if (mpz_cmp_ui(mpq_denref(q), 1) != 0) {
        strcat(s, "/");
        mpz_get_str(s + strlen(s), 10, mpq_denref(q));
    }
    return s;
}

static void group_digits(strbuf_t *b, const char *digits, int grouped)
{
    size_t len = strlen(digits);
    for (size_t i = 0; i < len; i++) {
        if (grouped && i > 0 && (len - i) % 3 == 0) strbuf_addn(b, ",", 1);
        strbuf_addn(b, digits + i, 1);
    }
}

/* Writes |scaled| / 10^frac, an already rounded value, grouped when asked; keep is how many
 * fraction digits trailing-zero trimming must leave (frac: trim nothing). */
static void write_fixed(strbuf_t *b, const mpz_t scaled, long frac, int grouped, long keep)
{
    char *digits = mpz_get_str(NULL, 10, scaled);
    if (!digits) { b->oom = 1; return; }
    char *d = digits;
    if (*d == '-') d++;
    size_t len = strlen(d);
    /* pad so there is at least one integer digit */
    char *padded = NULL;
    if ((long)len <= frac) {
        padded = malloc((size_t)frac + 2);
        if (!padded) { free(digits); b->oom = 1; return; }
        size_t zeros = (size_t)frac + 1 - len;
        memset(padded, '0', zeros);
        memcpy(padded + zeros, d, len + 1);
        d = padded;
        len = strlen(d);
    }
    size_t int_len = len - (size_t)frac;
    char *intpart = strndup(d, int_len);
    if (intpart) group_digits(b, intpart, grouped); else b->oom = 1;
    free(intpart);
    if (frac > 0) {
        size_t end = len;
        while (end > int_len + (size_t)keep && d[end - 1] == '0') end--;
        if (end > int_len) { strbuf_addn(b, ".", 1); strbuf_addn(b, d + int_len, end - int_len); }
    }
    free(padded);
    free(digits);
}

/* den = 2^a 5^b rest: returns max(a, b), the digits before a decimal repeats (or ends,
 * when rest is 1), and sets rest. */
static unsigned long split_2_5(mpz_t rest, const mpz_t den)
{
    mpz_set(rest, den);
    unsigned long p2 = mpz_scan1(rest, 0);
    mpz_tdiv_q_2exp(rest, rest, p2);
    mpz_t five;
    mpz_init_set_ui(five, 5);
    unsigned long p5 = mpz_remove(rest, rest, five);
    mpz_clear(five);
    return p2 > p5 ? p2 : p5;
}

/* Repeating decimal for a non-terminating fraction, with the period in parentheses;
 * falls back to p/q when the period is long. */
static void write_repeating(strbuf_t *b, const mpq_t q)
{
    enum { MAX_PERIOD = 60 };
    mpz_t num, den, rem, ip;
    mpz_inits(num, den, rem, ip, NULL);
    mpz_abs(num, mpq_numref(q));
    mpz_set(den, mpq_denref(q));
    mpz_tdiv_qr(ip, rem, num, den);
    mpz_t t;
    mpz_init(t);
    unsigned long pre = split_2_5(t, den);
    /* period: order of 10 modulo the rest, found by stepping (bounded) */
    unsigned long period = 0;
    if (mpz_cmp_ui(t, 1) != 0) {
        mpz_t r;
        mpz_init_set_ui(r, 10);
        mpz_mod(r, r, t);
        for (period = 1; period <= MAX_PERIOD && mpz_cmp_ui(r, 1) != 0; period++) {
            mpz_mul_ui(r, r, 10);
            mpz_mod(r, r, t);
        }
        mpz_clear(r);
    }
    if (period > MAX_PERIOD || pre > 200) {
        char *f = format_fraction(q);
        strbuf_add(b, f);
        free(f);
    } else {
        if (mpq_sgn(q) < 0) strbuf_addn(b, "-", 1);
        char *is = mpz_get_str(NULL, 10, ip);
        strbuf_add(b, is);
        free(is);
        strbuf_addn(b, ".", 1);
        for (unsigned long i = 0; i < pre + period; i++) {
            if (i == pre) strbuf_addn(b, "(", 1);
            mpz_mul_ui(rem, rem, 10);
            mpz_tdiv_qr(ip, rem, rem, den);
            char c = (char)('0' + mpz_get_ui(ip));
            strbuf_addn(b, &c, 1);
        }
        strbuf_addn(b, ")", 1);
    }
    mpz_clear(t);
    mpz_clears(num, den, rem, ip, NULL);
}

long format_decimal_places(const mpz_t den)
{
    mpz_t t;
    mpz_init(t);
    unsigned long pre = split_2_5(t, den);
    long r = mpz_cmp_ui(t, 1) == 0 ? (long)pre : -1;
    mpz_clear(t);
    return r;
}

/* For 0 < |q| < 1: the zeros between the point and the first digit. */
long format_leading_zeros(const mpq_t q)
{
    /* estimate from the digit counts, then correct: |q| * 10^(zeros+1) must be in [1, 10) */
    long z = (long)mpz_sizeinbase(mpq_denref(q), 10) - (long)mpz_sizeinbase(mpq_numref(q), 10) - 2;
    if (z < 0) z = 0;
    mpq_t x;
    mpq_init(x);
    for (;;) {
        mpz_ui_pow_ui(mpq_numref(x), 10, (unsigned long)z + 1);
        mpz_set_ui(mpq_denref(x), 1);
        mpz_mul(mpq_numref(x), mpq_numref(x), mpq_numref(q));
        mpz_abs(mpq_numref(x), mpq_numref(x));
        mpz_set(mpq_denref(x), mpq_denref(q));
        mpq_canonicalize(x);
        if (mpq_cmp_ui(x, 1, 1) < 0) { z++; continue; }
        if (mpq_cmp_ui(x, 10, 1) >= 0 && z > 0) { z--; continue; }
        break;
    }
    mpq_clear(x);
    return z;
}

/* q as m x 10^e with 1 <= |m| < 10 (six significant digits): 1.42857e-16, 3.7908e25 */
static void write_scientific(strbuf_t *b, const mpq_t q, long e)
{
    mpq_t m;
    mpq_init(m);
    mpz_t p10;
    mpz_init(p10);
    mpz_ui_pow_ui(p10, 10, (unsigned long)labs(e));
    mpq_set(m, q);
    if (e < 0) mpz_mul(mpq_numref(m), mpq_numref(m), p10); else mpz_mul(mpq_denref(m), mpq_denref(m), p10);
    mpz_clear(p10);
    mpq_canonicalize(m);
    char *digits = format_fixed(m, 5, 0, 0);
    if (digits && (!strcmp(digits, "10") || !strcmp(digits, "-10"))) { free(digits); digits = strdup(mpq_sgn(q) < 0 ? "-1" : "1"); e++; }
    strbuf_printf(b, "%se%ld", digits ? digits : "?", e);
    free(digits);
    mpq_clear(m);
}

static void write_number(strbuf_t *b, const mpq_t q, int exact, int grouped) { format_write_number(b, q, exact, grouped, 0); }

/* min_frac: money shows cents (12.50) unless it is a whole amount */
void format_write_number(strbuf_t *b, const mpq_t q, int exact, int grouped, long min_frac)
{
    long places = format_decimal_places(mpq_denref(q));
    long frac;
    if (exact) {
        if (places < 0) { write_repeating(b, q); return; }
        frac = places;
        grouped = 0;
    } else {
        /* A readable approximation: about six significant digits, and two decimals from
         * the thousands up (364,121.55, not 364,121.551872); a short decimal stays whole. */
        mpz_t ip;
        mpz_init(ip);
        mpz_tdiv_q(ip, mpq_numref(q), mpq_denref(q));
        mpz_abs(ip, ip);
        if (mpz_sgn(ip) > 0) {
            /* mpz_sizeinbase may count one digit too many */
            long int_digits = (long)mpz_sizeinbase(ip, 10);
            mpz_t p10;
            mpz_init(p10);
            mpz_ui_pow_ui(p10, 10, (unsigned long)(int_digits - 1));
            if (mpz_cmp(ip, p10) < 0) int_digits--;
            mpz_clear(p10);
            /* from a quintillion (10^18) up, grouped digits stop being readable: 3.7908e25 */
            if (int_digits > 18) { mpz_clear(ip); write_scientific(b, q, int_digits - 1); return; }
            frac = int_digits >= 4 ? 2 : 6 - int_digits;
            if (places >= 0 && places <= 6 && int_digits < 4) frac = places;
        } else if (places >= 0 && places <= 6) {
            frac = places;
        } else {
            /* leading zeros after the point; a tiny number reads in scientific notation */
            long zeros = format_leading_zeros(q);
            if (zeros >= 15 && mpq_sgn(q)) { mpz_clear(ip); write_scientific(b, q, -(zeros + 1)); return; }
            frac = zeros + 6;
        }
        mpz_clear(ip);
        if (places >= 0 && places < frac) frac = places;
    }
    if (!exact && places != 0 && frac < min_frac) frac = min_frac;
    mpq_t scaled;
    mpq_init(scaled);
    mpz_t p10, n;
    mpz_inits(p10, n, NULL);
    /* shown exactly, or rounded for reading (then trailing zeros go) */
    int rounded = !exact && !(places >= 0 && places <= frac);
    mpz_t whole, shown_whole;
    mpz_inits(whole, shown_whole, NULL);
    mpz_tdiv_q(whole, mpq_numref(q), mpq_denref(q));
    mpz_abs(whole, whole);
    for (;;) {
        mpz_ui_pow_ui(p10, 10, (unsigned long)frac);
        mpz_mul(mpq_numref(scaled), mpq_numref(q), p10);
        mpz_set(mpq_denref(scaled), mpq_denref(q));
        mpq_canonicalize(scaled);
        value_round_q(n, scaled, RM_HALF_EVEN);
        /* 999.9999999 rounds up to 1,000: keep six significant digits, one decimal fewer */
        mpz_tdiv_q(shown_whole, n, p10);
        mpz_abs(shown_whole, shown_whole);
        if (!rounded || frac <= min_frac || mpz_sgn(whole) == 0 ||
            mpz_sizeinbase(shown_whole, 10) <= mpz_sizeinbase(whole, 10) || mpz_cmp(shown_whole, whole) <= 0)
            break;
        frac--;
    }
    /* a value just under 10^18 that rounds up to it reads as 10^18 does: 1e18 */
    mpz_ui_pow_ui(whole, 10, 18);
    int carried = !exact && mpz_cmp(shown_whole, whole) >= 0;
    mpz_clears(whole, shown_whole, NULL);
    if (carried) write_scientific(b, q, 18);
    else {
        if (mpz_sgn(n) < 0) strbuf_addn(b, "-", 1);
        write_fixed(b, n, frac, grouped, rounded ? (min_frac < frac ? min_frac : frac) : frac);
    }
    mpz_clears(p10, n, NULL);
    mpq_clear(scaled);
}

char *format_fixed(const mpq_t q, long decimals, int grouped, long keep)
{
    mpq_t x;
    mpq_init(x);
    mpz_t n, p10;
    mpz_inits(n, p10, NULL);
    mpz_ui_pow_ui(p10, 10, (unsigned long)decimals);
    mpz_mul(mpq_numref(x), mpq_numref(q), p10);
    mpz_set(mpq_denref(x), mpq_denref(q));
    mpq_canonicalize(x);
    value_round_q(n, x, RM_HALF_EVEN);
    strbuf_t b = STRBUF_INIT;
    if (mpz_sgn(n) < 0) strbuf_addn(&b, "-", 1);
    write_fixed(&b, n, decimals, grouped, keep);
    mpz_clears(n, p10, NULL);
    mpq_clear(x);
    return strbuf_take(&b);
}

char *format_number(const mpq_t q, int exact, int grouped)
{
    strbuf_t b = STRBUF_INIT;
    write_number(&b, q, exact, grouped);
    return strbuf_take(&b);
}

/* ---------- values as text ---------- */

/* For plain money (one currency to the first power), the decimals of its minor unit
 * (2 for USD, 0 for JPY); -1 for anything else. */
int format_money_decimals(const units_t *u, const value_t *v)
{
    int found = -1;
    for (int i = 0; i < DIM_MAX; i++) {
        if (!value_dim(v)->e[i]) continue;
        if (value_dim(v)->e[i] != 1 || found >= 0) return -1;
        found = i;
    }
    return found >= 0 && units_is_currency(u, found) ? units_currency_decimals(units_dimension_name(u, found)) : -1;
}

/* Money shows its minor unit (12.50 USD) unless it is whole; other numbers need no decimals. */
long format_min_decimals(const units_t *u, const value_t *v)
{
    int d = format_money_decimals(u, v);
    return d > 0 ? d : 0;
}

static void write_quantity(strbuf_t *b, const units_t *u, const value_t *v, int exact, int grouped)
{
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, v, m);
    if (v->u.num.approx) strbuf_addn(b, "~", 1);
    format_write_number(b, m, exact, grouped, format_min_decimals(u, v));
    mpq_clear(m);
    uterm_t t;
    value_display_unit(u, v, &t);
    char *us = uterm_format(u, &t);
    /* a percentage reads 40%, not 40 percent */
    if (us && !strcmp(us, "percent")) strbuf_add(b, "%");
    else if (us && *us) { strbuf_addn(b, " ", 1); strbuf_add(b, us); }
    free(us);
}

void format_write_value(strbuf_t *b, const units_t *u, const value_t *v, int exact, int quote)
{
    char date[16];
    switch (v->kind) {
    case V_NUM: write_quantity(b, u, v, exact, 1); break;
    case V_BOOL: strbuf_add(b, v->u.b ? "true" : "false"); break;
    case V_STR:
        if (!quote) { strbuf_add(b, v->u.s); break; }
        /* inside a list or record, as the literal that would make it */
        strbuf_addn(b, "\"", 1);
        for (const char *c = v->u.s; *c; c++) {
            if (*c == '"' || *c == '\\') { strbuf_addn(b, "\\", 1); strbuf_addn(b, c, 1); }
            else if (*c == '\n') strbuf_add(b, "\\n");
            else if (*c == '\t') strbuf_add(b, "\\t");
            else strbuf_addn(b, c, 1);
        }
        strbuf_addn(b, "\"", 1);
        break;
    case V_DATE: dates_format(v->u.date, date); strbuf_add(b, date); break;
    case V_LIST:
        strbuf_addn(b, "[", 1);
        for (size_t i = 0; i < v->u.list.n; i++) {
            if (i) strbuf_add(b, ", ");
            format_write_value(b, u, v->u.list.items[i], exact, 1);
        }
        strbuf_addn(b, "]", 1);
        break;
    case V_RECORD:
        strbuf_addn(b, "{", 1);
        for (size_t i = 0; i < v->u.rec.n; i++) {
            strbuf_printf(b, "%s%s = ", i ? ", " : " ", v->u.rec.keys[i]);
            format_write_value(b, u, value_record_field(v, i), exact, 1);
        }
        strbuf_add(b, v->u.rec.n ? " }" : "}");
        break;
    case V_OBJECT: strbuf_printf(b, "<%s>", v->u.obj.type->name); break;
    }
}

char *format_value(const units_t *u, const value_t *v, int exact)
{
    strbuf_t b = STRBUF_INIT;
    format_write_value(&b, u, v, exact, 0);
    return strbuf_take(&b);
}

