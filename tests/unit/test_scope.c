/* Unit tests for local names (src/eval.c's scope, looked up through hash slots) and record
 * fields (src/value.c, indexed once a record is large): a field sees the fields before
 * it, an inner record's field shadows an outer one and stops doing so when the record
 * ends, a function sees its parameters and the globals but never its caller's locals,
 * and a record of thousands of fields finds each one. Expected values are small
 * integers worked out in the comments. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

static eval_t *env;

static void teardown(void) { eval_free(env); env = NULL; }
static void setup(void) { h_on_teardown(teardown); }

TestSuite(scope, .init = setup, .fini = h_teardown);

/* Runs text and checks the i-th shown value is the integer want. */
static void shown_is(size_t i, const char *want)
{
    const value_t *v = h_shown(env, i);
    cr_assert_eq(v->kind, V_NUM);
    char *got = h_q_text(v->u.num.q);
    cr_expect(h_q_is(v->u.num.q, want), "shown %zu: expected %s, got %s", i, want, got);
    free(got);
}

UTEST(scope, fields_shadow_and_unshadow)
{
    diag_t *err = NULL;
    env = h_eval_program("fn f(x) = x + 1\n"
                         "r = { a = 1, b = a + 1, c = { a = 10, d = a * 2 }, e = a + f(a) }\n"
                         "show r.b\nshow r.c.d\nshow r.e\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    shown_is(0, "2");     /* a + 1 */
    shown_is(1, "20");    /* the inner a, 10 * 2 */
    shown_is(2, "3");     /* the outer a again: 1 + f(1) */
}

UTEST(scope, a_function_does_not_see_its_callers_locals)
{
    diag_t *err = NULL;
    env = h_eval_program("fn g(x) = x + a\nr = { a = 5, t = g(1) }\nshow r.t\n", &err);
    cr_assert_not_null(err);
    cr_expect(strstr(err->msg, "unknown name `a`") != NULL, "%s", err->msg);
    diag_free(err);
}

UTEST(scope, a_function_sees_the_global_its_parameter_shadows_elsewhere)
{
    diag_t *err = NULL;
    /* inside twice, x is the parameter; in the record, x is the field; k reads the global */
    env = h_eval_program("x = 100\nfn twice(x) = x * 2\nfn k(y) = x + y\n"
                         "r = { x = 3, p = twice(x), q = k(x), z = x }\nshow r.p\nshow r.q\nshow r.z\nshow x\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    shown_is(0, "6");     /* twice(3) */
    shown_is(1, "103");   /* k(3) = 100 + 3 */
    shown_is(2, "3");
    shown_is(3, "100");
}

/* A record of 3,000 fields, each the one before plus 1: every field is found, the last
 * is 3,000, and a field name read from outside finds its own value. */
UTEST(scope, a_large_record_finds_every_field)
{
    enum { N = 3000 };
    char *text = malloc(N * 32 + 128), *p = text;
    cr_assert_not_null(text);
    p += sprintf(p, "r = { f0 = 1");
    for (int i = 1; i < N; i++) p += sprintf(p, ", f%d = f%d + 1", i, i - 1);
    sprintf(p, " }\nshow r.f%d\nshow r.f1234\nshow len(r)\n", N - 1);
    diag_t *err = NULL;
    env = h_eval_program(text, &err);
    free(text);
    cr_assert_null(err, "%s", err ? err->msg : "");
    shown_is(0, "3000");
    shown_is(1, "1235");
    shown_is(2, "3000");
}

/* value_record_set replaces a field that is there (found through the index of a large
 * record too) and value_record_get finds nothing for a name no record has. */
UTEST(scope, record_set_replaces_and_get_misses)
{
    value_t *rec = value_record(NULL);
    cr_assert_not_null(rec);
    char key[32];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        cr_assert(value_record_set(rec, key, value_num_si(i)));
    }
    cr_assert(value_record_set(rec, "k7", value_num_si(700)));
    cr_expect_eq(rec->u.rec.n, 100);
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        const value_t *v = value_record_get(rec, key);
        cr_assert_not_null(v, "%s", key);
        cr_expect(h_q_is(v->u.num.q, i == 7 ? "700" : key + 1), "%s", key);
    }
    cr_expect_null(value_record_get(rec, "k100"));
    cr_expect_null(value_record_get(rec, "never_a_field_name_anywhere"));
    value_free(rec);
}

/* A unit's name read in a quantity is looked up once and its value kept (the evaluator's
 * unit memo); a unit statement forgets what was kept: here `hours` first means the
 * prelude's hour (a plural), then the unit just declared. A field of the same name as a
 * unit still comes first. In seconds: 2 * 3600, 2 * 5, and 3 * 7. */
UTEST(scope, unit_names_kept_until_a_unit_statement)
{
    diag_t *err = NULL;
    env = h_eval_program("a = 2 hours\nunit hours = 5 second\nb = 2 hours\n"
                         "show a / (1 second)\nshow b / (1 second)\n"
                         "r = { hours = 7, x = 3 hours }\nshow r.x\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    shown_is(0, "7200");
    shown_is(1, "10");
    shown_is(2, "21");
}

/* A unit statement's own expression may read the name it declares (`hours`, the plural of
 * hour, in `unit hours = 3 hours`): what it read then is forgotten once the unit is there,
 * so a later `2 hours` means the new unit. In seconds: 2 * (3 * 3600). */
UTEST(scope, a_unit_read_in_its_own_declaration_is_not_kept)
{
    diag_t *err = NULL;
    env = h_eval_program("unit hours = 3 hours\nshow 2 hours / (1 second)\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    shown_is(0, "21600");
}

/* The unit memo is read before the globals only while no global has been defined since
 * it was made: `hours` means the unit until a global `hours` is defined, then the
 * global. In seconds 2 * 3600; then 2 * 5. */
UTEST(scope, a_global_defined_after_a_unit_name_wins)
{
    diag_t *err = NULL;
    env = h_eval_program("a = 2 hours\nhours = 5\nb = 2 hours\nshow a / (1 second)\nshow b\n", &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    shown_is(0, "7200");
    shown_is(1, "10");
}
