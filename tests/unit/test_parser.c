/* Unit tests for grammar/parser.y through syntax_parse: statements, operator
 * precedence and associativity (checked on the tree's shape), blocks, syntax errors
 * with their locations, the `incomplete` flag and nesting limits. The S-expression
 * notation is h_sexpr's (helpers.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

TestSuite(parser, .fini = h_teardown);

static void parses_as(const char *src, const char *want)
{
    char *got = h_parse_text(src);
    cr_expect_str_eq(got, want, "source: %s\n  got:  %s\n  want: %s", src, got, want);
    free(got);
}

static diag_t *parse_error(const char *src, int *incomplete)
{
    diag_t *err = NULL;
    node_t *p = h_parse(src, &err, incomplete);
    cr_expect_null(p, "parsed: %s", src);
    cr_assert_not_null(err, "no error for: %s", src);
    return err;
}

static void fails_at(const char *src, int line, int col, const char *needle)
{
    int inc = -1;
    diag_t *err = parse_error(src, &inc);
    cr_expect_eq(err->loc.first_line, line, "line of '%s' in: %s", err->msg, src);
    cr_expect_eq(err->loc.first_column, col, "column of '%s' in: %s", err->msg, src);
    cr_expect(strstr(err->msg, needle) != NULL, "'%s' lacks '%s'", err->msg, needle);
    cr_expect_eq(err->kind, DIAG_SYNTAX);
    cr_expect_eq(inc, 0, "complete but wrong: %s", src);
    diag_free(err);
}

static void incomplete(const char *src)
{
    int inc = -1;
    diag_t *err = parse_error(src, &inc);
    cr_expect_eq(inc, 1, "should be incomplete: %s (%s)", src, err->msg);
    diag_free(err);
}

/* ---------- precedence and associativity ---------- */

UTEST(parser, arithmetic_precedence)
{
    parses_as("1 + 2 * 3", "(+ 1 (* 2 3))");
    parses_as("1 * 2 + 3", "(+ (* 1 2) 3)");
    parses_as("(1 + 2) * 3", "(* (+ 1 2) 3)");
    parses_as("1 - 2 - 3", "(- (- 1 2) 3)");
    parses_as("8 / 4 / 2", "(/ (/ 8 4) 2)");
    parses_as("2 ^ 3 ^ 2", "(^ 2 (^ 3 2))");
    parses_as("2 * 3 ^ 2", "(* 2 (^ 3 2))");
    parses_as("6 per 2 * 3", "(* (/ 6 2) 3)");
}

UTEST(parser, unary_minus)
{
    /* -2^2 is -(2^2) = -4 */
    parses_as("-2^2", "(- (^ 2 2))");
    parses_as("-2 * 3", "(* (- 2) 3)");
    parses_as("- -2", "(- (- 2))");
    parses_as("2 ^ -1", "(^ 2 (- 1))");
    parses_as("+3", "3");
    parses_as("1 - -1", "(- 1 (- 1))");
}

UTEST(parser, conversion_and_juxtaposition)
{
    parses_as("a in USD/hour", "(in a (/ USD hour))");
    parses_as("a + b in USD", "(in (+ a b) USD)");
    parses_as("5 USD", "(* 5 USD)");
    parses_as("2.10 USD/(gpu*hour)", "(/ (* 2.10 USD) (* gpu hour))");
    parses_as("920 million USD per month", "(/ (* 920[e6] USD) month)");
    parses_as("15.6 trillion token", "(* 15.6[e12] token)");
    parses_as("6 PB * month", "(* (* 6 PB) month)");
    /* a unit power binds to the unit: 3 m^2 is 3 * (m^2) */
    parses_as("3 m^2", "(* 3 (^ m 2))");
    parses_as("2 hour^-1", "(* 2 (^ hour (- 1)))");
    parses_as("2 hour^(1+1)", "(* 2 (^ hour (+ 1 1)))");
    /* a power written before a unit is finished first, as on paper: 10^6 USD is
     * (10^6) USD, not 10^(6 USD); so are negative and chained exponents */
    parses_as("10^6 USD", "(* (^ 10 6) USD)");
    parses_as("10^-3 USD", "(* (^ 10 (- 3)) USD)");
    parses_as("2^3^2 gpu", "(* (^ 2 (^ 3 2)) gpu)");
    parses_as("x^2 hour^2", "(* (^ x 2) (^ hour 2))");
    parses_as("2^(3) USD", "(* (^ 2 3) USD)");
    parses_as("2^-(3 USD)", "(^ 2 (- (* 3 USD)))");
    parses_as("2^(3 USD)", "(^ 2 (* 3 USD))");
    parses_as("(10^6) USD", "(* (^ 10 6) USD)");
    parses_as("(1 + 2) USD/hour", "(/ (* (+ 1 2) USD) hour)");
    /* juxtaposition is only number followed by a name */
    parses_as("x y", "ERROR 1:3 syntax error, unexpected name, expecting end of file");
    parses_as("40% * x", "(* 40% x)");
}

UTEST(parser, logic_and_comparison)
{
    parses_as("a or b and c", "(or a (and b c))");
    parses_as("not a and b", "(and (not a) b)");
    parses_as("not a == b", "(not (== a b))");
    parses_as("a < b and c >= d", "(and (< a b) (>= c d))");
    parses_as("a + 1 != b * 2", "(!= (+ a 1) (* b 2))");
    parses_as("a <= b", "(<= a b)");
    parses_as("a > b", "(> a b)");
    /* comparisons do not chain */
    parses_as("a < b < c", "ERROR 1:7 syntax error, unexpected '<'");
    parses_as("if a then b else c + 1", "(if a b (+ c 1))");
    parses_as("if a then b else if c then d else e", "(if a b (if c d e))");
    parses_as("uptime < 99.9%", "(< uptime 99.9%)");
}

UTEST(parser, postfix)
{
    parses_as("f()", "(call f)");
    parses_as("f(1, 2,)", "(call f 1 2)");
    parses_as("r.a.b", "(. (. r a) b)");
    parses_as("xs[0]", "([] xs 0)");
    parses_as("f(1).a[2]", "([] (. (call f 1) a) 2)");
    parses_as("bill.periods[0].total", "(. ([] (. bill periods) 0) total)");
    parses_as("[1, 2 USD, \"s\"]", "[list 1 (* 2 USD) \"s\"]");
    parses_as("[]", "[list]");
    parses_as("{ a = 1, b = a * 2 }", "{record (= a 1) (= b (* a 2))}");
    parses_as("{}", "{record}");
    parses_as("-r.a", "(- (. r a))");
}

/* ---------- statements ---------- */

UTEST(parser, statements)
{
    parses_as("x = 1", "(= x 1)");
    parses_as("show x", "(show x)");
    parses_as("x", "x");
    parses_as("assert x > 1", "(assert (> x 1))");
    parses_as("assert x > 1, \"too small\"", "(assert (> x 1) \"too small\")");
    parses_as("fn f(a, b) = a + b", "(fn f (a b) (+ a b))");
    parses_as("fn g() = 1", "(fn g () 1)");
    parses_as("import \"providers/aws\"", "(import \"providers/aws\")");
    parses_as("unit widget", "(unit widget)");
    parses_as("unit rack = 72 gpu", "(unit rack = (* 72 gpu))");
    parses_as("unit s : time prefixed", "(unit s : time prefixed)");
    parses_as("unit B = byte prefixed", "(unit B = byte prefixed)");
    parses_as("dimension time", "(dimension time)");
    parses_as("prefix k = 1000", "(prefix k 1000)");
    parses_as("scenario fast extends base { mfu = 50% }", "(scenario fast extends base (= mfu 50%))");
    parses_as("compare base, fast { x, y }", "(compare base fast | x y)");
    parses_as("sweep m over [1, 2] { m * 2 }", "(sweep m [list 1 2] | (* m 2))");
    parses_as("x = 1\nshow x\nassert x == 1", "(= x 1); (show x); (assert (== x 1))");
    /* a trailing newline is fine; two statements on a line are not */
    parses_as("x = 1\n", "(= x 1)");
    parses_as("x = a y = 2", "ERROR 1:7 syntax error, unexpected name, expecting end of file");
    /* (with a number first, "1 y" is a quantity, so the error is at the second '=') */
    parses_as("x = 1 y = 2", "ERROR 1:9 syntax error, unexpected '=', expecting end of file");
}

UTEST(parser, contract_block)
{
    const char *src =
        "contract deal {\n"
        "  start = 2026-12-01\n"
        "  term = 15 months\n"
        "  commit 920 million USD per month\n"
        "  commit 1 USD from 2027-01-01 until 2027-06-01\n"
        "  fee 10 USD per month until 2027-01-01\n"
        "  rate gpu_hour = 2.10 USD/(gpu*hour)\n"
        "  rate egress = graduated {\n"
        "    first 100 GB at 0 USD/GB\n"
        "    up to 10 TB at 0.09 USD/GB\n"
        "    next 40 TB at 0.085 USD/GB\n"
        "    above at 0.05 USD/GB\n"
        "  }\n"
        "  rate storage = volume cumulative {\n"
        "    below 5 PB at 0.02 USD\n"
        "    above 5 PB at 0.01 USD\n"
        "  }\n"
        "  reserve gpu_hour = 100 gpu overage 3 USD/(gpu*hour)\n"
        "  discount 5%\n"
        "  discount 10% on egress\n"
        "  discount 5% on spend above 500 million USD per month\n"
        "  escalate 3% yearly\n"
        "  credit 10% when uptime < 99.9%\n"
        "  credit pool 50 million USD\n"
        "  round lines to 0.01 USD half_up\n"
        "}";
    parses_as(src,
        "(contract deal"
        " (field start #2026-12-01)"
        " (field term (* 15 months))"
        " (commit (/ (* 920[e6] USD) month))"
        " (commit (* 1 USD) from #2027-01-01 until #2027-06-01)"
        " (fee (/ (* 10 USD) month) until #2027-01-01)"
        " (rate gpu_hour (/ (* 2.10 USD) (* gpu hour)))"
        " (tiers egress graduated (first (* 100 GB) (/ (* 0 USD) GB)) (upto (* 10 TB) (/ (* 0.09 USD) GB))"
        " (next (* 40 TB) (/ (* 0.085 USD) GB)) (above (/ (* 0.05 USD) GB)))"
        " (tiers storage volume cumulative (below (* 5 PB) (* 0.02 USD)) (above (* 5 PB) (* 0.01 USD)))"
        " (reserve gpu_hour (* 100 gpu) overage (/ (* 3 USD) (* gpu hour)))"
        " (discount 5%)"
        " (discount 10% on egress)"
        " (discount 5% above (/ (* 500[e6] USD) month))"
        " (escalate 3%)"
        " (credit 10% when (< uptime 99.9%))"
        " (pool (* 50[e6] USD))"
        " (round lines (* 0.01 USD) half_up))");
    parses_as("contract c {\n round invoice to 1 USD\n}", "(contract c (round invoice (* 1 USD)))");
    /* scope: a shared ladder, a starting position, clauses on SKUs, a credit cap */
    parses_as("contract c {\n"
              "  rate [a, b] = graduated cumulative from 40 TB { first 10 TB at 1 USD/GB, above at 0.5 USD/GB }\n"
              "  rate x = volume from used { above at 1 USD/GB }\n"
              "  discount 10% on [a, x]\n"
              "  escalate 3% yearly on a\n"
              "  credit 10% on [a, b] when uptime < 99%\n"
              "  credit cap 50% on a\n"
              "  credit cap 1000 USD per month\n"
              "}",
              "(contract c"
              " (tiers a graduated cumulative from (* 40 TB) shared a b | (first (* 10 TB) (/ (* 1 USD) GB)) (above (/ (* 0.5 USD) GB)))"
              " (tiers x volume from used (above (/ (* 1 USD) GB)))"
              " (discount 10% on a x)"
              " (escalate 3% on a)"
              " (credit 10% on a b when (< uptime 99%))"
              " (credit-cap 50% on a)"
              " (credit-cap (/ (* 1000 USD) month)))");
    /* `cap` is a clause word only right after `credit` */
    parses_as("contract c {\n  commit cap\n}", "(contract c (commit cap))");
    /* commitments in usage and qualifiers: `of` and `reserved` are words on a clause line only */
    parses_as("contract c {\n commit 80% of reserved gpu_hour, trued up yearly\n commit 5 USD, escalating\n of = 1\n}",
              "(contract c (commit 80% of reserved gpu_hour) (trued-up up) (commit (* 5 USD)) (escalating) (field of 1))");
    parses_as("contract c {\n commit 500000 gpu_hour per month\n}", "(contract c (commit (/ (* 500000 gpu_hour) month)))");
    parses_as("contract c {}", "(contract c)");
    parses_as("contract c {\n}", "(contract c)");
}

UTEST(parser, workload_block)
{
    parses_as("workload w {\n gpus = 16384 gpu\n use gpu_hour = gpus\n use egress = 200 TB\n}",
              "(workload w (= gpus (* 16384 gpu)) (use gpu_hour gpus) (use egress (* 200 TB)))");
    parses_as("workload w {\n uptime = if period.index == 0 then 99% else 100%\n}",
              "(workload w (= uptime (if (== (. period index) 0) 99% 100%)))");
}

UTEST(parser, block_errors)
{
    /* a contract clause needs its pieces */
    fails_at("contract c {\n rate = 1\n}", 2, 7, "syntax error");
    fails_at("contract c {\n escalate 3%\n}", 2, 13, "syntax error");
    /* tiers only inside a tiered rate */
    fails_at("contract c {\n first 1 at 2\n}", 2, 8, "syntax error");
    /* a workload holds definitions and uses only */
    fails_at("workload w {\n show 1\n}", 2, 2, "syntax error");
}

/* ---------- syntax errors ---------- */

UTEST(parser, syntax_errors_have_locations)
{
    fails_at("x = = 1", 1, 5, "unexpected '='");
    fails_at("x = 1\ny = * 2", 2, 5, "unexpected '*'");
    fails_at("x = 1 )", 1, 7, "unexpected ')'");
    fails_at("x = (1 + 2))", 1, 12, "unexpected ')'");
    fails_at("fn (a) = a", 1, 4, "unexpected '('");
    fails_at("show", 1, 5, "unexpected end of file");
    fails_at("\n\n  x = ]", 3, 7, "unexpected ']'");
    fails_at("}", 1, 1, "unexpected '}'");
}

UTEST(parser, incomplete_input)
{
    incomplete("x = (1 + 2");
    incomplete("x = [1, 2");
    incomplete("x = f(1,");
    incomplete("x = 1 +");
    incomplete("x =");
    incomplete("x = if a then");
    incomplete("contract c {\n start = 2026-01-01\n");
    incomplete("workload w {");
    incomplete("r = {a = 1");
    incomplete("contract c {\n rate x = graduated {\n first 1 GB at 1 USD/GB\n");
    /* wrong, not unfinished */
    int inc = -1;
    diag_t *err = parse_error("x = (1 + 2))", &inc);
    cr_expect_eq(inc, 0);
    diag_free(err);
    err = parse_error("x = 1 1", &inc);
    cr_expect_eq(inc, 0);
    diag_free(err);
    /* and a NULL flag pointer is allowed */
    err = parse_error("x = (", NULL);
    diag_free(err);
}

UTEST(parser, complete_input_clears_incomplete)
{
    diag_t *err = NULL;
    int inc = 7;
    node_t *p = h_parse("x = (1 +\n 2)", &err, &inc);
    cr_expect_not_null(p);
    cr_expect_null(err);
    cr_expect_eq(inc, 0);
    inc = 7;
    p = h_parse("", &err, &inc);
    cr_expect_null(p);   /* an empty program is no statements, not an error */
    cr_expect_null(err);
    cr_expect_eq(inc, 0);
}

/* ---------- nesting limits ---------- */

static char *repeat(const char *open, size_t n, const char *middle, const char *close)
{
    size_t lo = strlen(open), lc = strlen(close), lm = strlen(middle);
    char *s = malloc(n * (lo + lc) + lm + 1), *p = s;
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++) { memcpy(p, open, lo); p += lo; }
    memcpy(p, middle, lm);
    p += lm;
    for (size_t i = 0; i < n; i++) { memcpy(p, close, lc); p += lc; }
    *p = '\0';
    return s;
}

static void deep_fails(const char *open, size_t n, const char *middle, const char *close, const char *needle)
{
    char *src = repeat(open, n, middle, close);
    diag_t *err = NULL;
    int inc = -1;
    node_t *p = h_parse(src, &err, &inc);
    cr_expect_null(p);
    cr_assert_not_null(err, "%zu x %s: no error", n, open);
    cr_expect(strstr(err->msg, needle) != NULL, "%zu x %s: '%s' lacks '%s'", n, open, err->msg, needle);
    cr_expect_eq(inc, 0);
    diag_free(err);
    free(src);
}

static void deep_parses(const char *open, size_t n, const char *middle, const char *close)
{
    char *src = repeat(open, n, middle, close);
    diag_t *err = NULL;
    node_t *p = h_parse(src, &err, NULL);
    cr_expect_not_null(p, "%zu x %s: %s", n, open, err ? err->msg : "?");
    diag_free(err);
    free(src);
}

UTEST(parser, deep_nesting_is_an_error_not_a_crash, .timeout = 30)
{
    deep_fails("(", 100000, "1", ")", "nested too deeply");
    deep_fails("[", 100000, "1", "]", "nested too deeply");
    deep_fails("-", 100000, "1", "", "nested too deeply");
    deep_fails("f(", 100000, "1", ")", "nested too deeply");
    /* unclosed: still an error, not a crash, and not worth waiting for more input */
    deep_fails("(", 100000, "", "", "nested too deeply");
    /* braces have their own, smaller limit (256 frames, the top level being one) */
    deep_fails("{a=", 300, "1", "}", "nested too deeply");
    deep_parses("{a=", 200, "1", "}");
    deep_parses("(", 1000, "1", ")");
}

/* The limit error is a DIAG_LIMIT with a location, not a bare "memory exhausted". */
UTEST(parser, deep_nesting_diagnostic)
{
    char *src = repeat("(", 100000, "1", ")");
    diag_t *err = NULL;
    cr_expect_null(h_parse(src, &err, NULL));
    cr_assert_not_null(err);
    cr_expect_eq(err->kind, DIAG_LIMIT);
    cr_expect_str_eq(err->msg, "expression nested too deeply");
    cr_expect_eq(err->loc.first_line, 1);
    diag_free(err);
    free(src);
}

/* Chains of a million fields, indexes or sums: as deep a tree as the file is long. The
 * walks over the program before it runs (its names and their readers, src/deps.c) go
 * down such a chain in a loop, so the evaluator's limit is what stops it, not the stack. */
UTEST(parser, million_long_chains_are_an_error_not_a_crash, .timeout = 60)
{
    static const char *const links[] = { ".a", "[0]", "+1" };
    for (size_t k = 0; k < sizeof links / sizeof links[0]; k++) {
        char *src = repeat("", 1000000, "show x", links[k]);   /* show x.a.a... */
        diag_t *err = NULL;
        eval_t *e = h_eval_program(src, &err);
        cr_assert_not_null(err, "show x%s... (a million): no error", links[k]);
        cr_expect(strstr(err->msg, "nested too deeply") != NULL, "%s: %s", links[k], err->msg);
        diag_free(err);
        eval_free(e);
        free(src);
    }
}

/* A long flat chain is no deeper for the parser (left recursion), but its tree is
 * 100000 levels deep for the evaluator: that must be a diagnostic too, not a stack
 * overflow. */
UTEST(parser, long_chain_parses_and_evaluates_without_crashing, .timeout = 30)
{
    enum { N = 100000 };
    char *src = malloc(2 * N + 1);
    cr_assert_not_null(src);
    for (size_t i = 0; i < N; i++) { src[2 * i] = '1'; src[2 * i + 1] = '+'; }
    src[2 * N - 1] = '\0';                      /* 1+1+...+1, N terms */
    diag_t *err = NULL;
    node_t *p = h_parse(src, &err, NULL);
    cr_assert_not_null(p, "%s", err ? err->msg : "?");
    size_t depth = 0;
    for (const node_t *n = p->a; n && n->kind == E_BINOP; n = n->a) depth++;
    cr_expect_eq(depth, N - 1);
    eval_t *e = h_eval_program(src, &err);
    cr_assert_not_null(err, "a 100000-deep tree was evaluated without a limit");
    cr_expect(strstr(err->msg, "nested too deeply") != NULL, "%s", err->msg);
    diag_free(err);
    eval_free(e);
    /* 1000 terms are fine: 1000 */
    src[2 * 1000 - 1] = '\0';
    e = h_eval_program(src, &err);
    cr_assert_null(err, "%s", err ? err->msg : "");
    char *t = h_text(eval_units(e), h_shown(e, 0));
    cr_expect_str_eq(t, "1000");
    free(t);
    eval_free(e);
    free(src);
}
