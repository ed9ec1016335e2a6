/* Shared fixtures for the Criterion unit tests: an interpreter with the stdlib prelude
 * (for its units registry), value builders, exact comparisons, and an S-expression
 * printer for checking the shape of parsed syntax trees. */
#ifndef OUTLAY_TEST_HELPERS_H
#define OUTLAY_TEST_HELPERS_H
#include <gmp.h>
#include <stddef.h>
#include "ast.h"
#include "contract.h"
#include "diag.h"
#include "eval.h"
#include "report.h"
#include "syntax.h"
#include "units.h"
#include "value.h"

#ifndef OUTLAY_SOURCE_STDLIB_DIR
#error "OUTLAY_SOURCE_STDLIB_DIR must be defined on the compiler command line"
#endif

/* ---- interpreter with the prelude ---- */

/* A fresh interpreter that searches only the source stdlib and has run an empty
 * program, so the prelude's units are declared. Fails the test on error. */
eval_t *h_eval_prelude(void);
/* Loads and runs a program on a fresh interpreter (with the prelude). Returns the
 * interpreter; *err receives a load or run error (NULL when none). */
eval_t *h_eval_program(const char *text, diag_t **err);
/* The value of the i-th shown result (borrowed). Fails the test when there is none. */
const value_t *h_shown(eval_t *e, size_t i);

/* ---- values ---- */

/* A number from an exact literal such as "2.10", "1_000" or "3.79e25". */
value_t *h_lit(const char *text);
/* A number from a fraction "p/q" or an integer "p". */
value_t *h_frac(const char *text);
/* 1 of the named unit (a prelude or declared unit, prefixes allowed). */
value_t *h_unit(units_t *u, const char *name);
/* literal * unit1^exp1 * unit2^exp2 ..., the pairs given as (const char *, int) and
 * ended by NULL: h_qty(u, "2.10", "USD", 1, "gpu", -1, "hour", -1, NULL). */
value_t *h_qty(units_t *u, const char *literal, ...);

/* Exact text of a value: "12264 USD", "3/7" as a repeating decimal, ... (malloc'd). */
char *h_text(const units_t *u, const value_t *v);
/* The value's display unit as text ("USD/(gpu*hour)"; "" when none; malloc'd). */
char *h_unit_text(const units_t *u, const value_t *v);
/* Whether q equals the fraction written "p/q" or "p". */
int h_q_is(const mpq_t q, const char *frac);
/* The quantity in base units as "p/q" (malloc'd). */
char *h_q_text(const mpq_t q);
/* A quantity's magnitude in its display unit, as "p/q" (malloc'd). */
char *h_magnitude(const units_t *u, const value_t *v);
/* The dimension of a quantity as text ("USD/time", malloc'd). */
char *h_dim_text(const units_t *u, const value_t *v);
/* A record field by dotted path ("periods" then index handled by h_index). Borrowed. */
const value_t *h_field(const value_t *rec, const char *path);
const value_t *h_index(const value_t *list, size_t i);

/* ---- parsing ---- */

/* Parses text as a source named "<test>". The AST lives in an arena that h_teardown
 * frees. */
node_t *h_parse(const char *text, diag_t **err, int *incomplete);
/* The program as S-expressions, statements separated by "; " (malloc'd). */
char *h_sexpr(const node_t *program);
/* Parses text and returns its S-expression, or "ERROR <line>:<col> <message>". */
char *h_parse_text(const char *text);

/* ---- fixtures and leak checks ----
 * LeakSanitizer's report at process exit, and any assertion in a suite's .fini, leave a
 * Criterion test passing. So tests are declared with UTEST, which runs the body, then
 * the suite's teardown (registered by its .init with h_on_teardown), then a leak check,
 * all inside the test: memory that src/ leaks — in the test or in the teardown's
 * eval_free, units_free, contract_free — fails the test under AddressSanitizer.
 * Suites name h_teardown as their .fini so the teardown still runs when an assertion
 * ends the body early. Without AddressSanitizer the leak check does nothing. */
void h_on_teardown(void (*fn)(void));
void h_teardown(void);          /* the registered teardown (once), then the parse arenas */
void h_leak_check(void);
void h_finish(void);            /* h_teardown, then h_leak_check */
#define UTEST(suite, name, ...)                                            \
    static void utest_##suite##_##name(void);                              \
    Test(suite, name, ##__VA_ARGS__) { utest_##suite##_##name(); h_finish(); } \
    static void utest_##suite##_##name(void)

/* strdup that aborts the test on out of memory */
char *h_strdup(const char *s);
#endif
