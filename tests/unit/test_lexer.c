/* Unit tests for grammar/lexer.l, observed through syntax_parse: literals, strings,
 * newline rules, block-local keywords, lexical errors and their locations. The trees
 * are printed as S-expressions by h_sexpr (see helpers.c for the notation:
 * numbers keep their text, "[eN]" is a scale word, "%" a percent, "#" a date). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

TestSuite(lexer, .fini = h_teardown);

static void parses_as(const char *src, const char *want)
{
    char *got = h_parse_text(src);
    cr_expect_str_eq(got, want, "source: %s\n  got:  %s\n  want: %s", src, got, want);
    free(got);
}

/* The error's line and column and a part of its message. */
static void fails_at(const char *src, int line, int col, const char *needle)
{
    diag_t *err = NULL;
    int inc = -1;
    node_t *p = h_parse(src, &err, &inc);
    cr_expect_null(p);
    cr_assert_not_null(err, "no error for: %s", src);
    cr_expect_eq(err->loc.first_line, line, "line of '%s' in: %s", err->msg, src);
    cr_expect_eq(err->loc.first_column, col, "column of '%s' in: %s", err->msg, src);
    cr_expect(strstr(err->msg, needle) != NULL, "'%s' lacks '%s'", err->msg, needle);
    cr_expect_eq(inc, 0, "not an incomplete input: %s", src);
    diag_free(err);
}

/* ---------- literals ---------- */

UTEST(lexer, numbers)
{
    parses_as("0.1", "0.1");
    parses_as("1_000_000", "1_000_000");
    parses_as("3.79e25", "3.79e25");
    parses_as("1e-3", "1e-3");
    parses_as("40%", "40%");
    parses_as("920 million", "920[e6]");
    parses_as("1 thousand", "1[e3]");
    parses_as("2 billion", "2[e9]");
    parses_as("15.6 trillion", "15.6[e12]");
    parses_as("2026-12-01", "#2026-12-01");
    parses_as("true", "true");
    parses_as("false", "false");
}

UTEST(lexer, misplaced_underscores)
{
    fails_at("1__0", 1, 1, "misplaced '_'");
    fails_at("x = 1_", 1, 5, "misplaced '_'");
    fails_at("1_.5", 1, 1, "misplaced '_'");
    /* "1._5" is not one literal: a digit must follow the point, so it reads as the
     * number 1, '.', and the name _5 (a field access, refused when evaluated) */
    parses_as("1._5", "(. 1 _5)");
}

/* '_' is allowed "only between digits", but the check misses an '_' just before the
 * exponent: 1_e3 is read as 1000 and 2.5_e1 as 25. */
UTEST(lexer, underscore_before_exponent)
{
    fails_at("1_e3", 1, 1, "misplaced '_'");
    fails_at("x = 2.5_e1", 1, 5, "misplaced '_'");
}

UTEST(lexer, literal_too_long)
{
    char buf[1100];
    /* exactly 1000 characters is accepted */
    memset(buf, '7', 1000);
    buf[1000] = '\0';
    char *got = h_parse_text(buf);
    cr_expect_str_eq(got, buf);
    free(got);
    /* 1001 is not; the error points at the literal on line 2 */
    strcpy(buf, "x = 1\ny = ");
    memset(buf + 10, '7', 1001);
    buf[1011] = '\0';
    fails_at(buf, 2, 5, "numeric literal too long");
}

UTEST(lexer, name_too_long)
{
    char buf[260];
    memset(buf, 'a', 200);
    buf[200] = '\0';
    char *got = h_parse_text(buf);
    cr_expect_str_eq(got, buf);
    free(got);
    memset(buf, 'a', 201);
    buf[201] = '\0';
    fails_at(buf, 1, 1, "name too long");
}

UTEST(lexer, strings)
{
    parses_as("\"abc\"", "\"abc\"");
    parses_as("\"\"", "\"\"");
    diag_t *err = NULL;
    node_t *p = h_parse("\"a\\\"b\\\\c\\nd\\te\"", &err, NULL);
    cr_assert_not_null(p, "%s", err ? err->msg : "?");
    cr_assert_eq(p->a->kind, E_STR);
    cr_expect_str_eq(p->a->text, "a\"b\\c\nd\te");
    fails_at("x = \"abc", 1, 5, "unterminated string");
    fails_at("x = \"a\nb\"", 1, 5, "unterminated string");
    fails_at("x = \"a\\qb\"", 1, 5, "unknown escape");
}

UTEST(lexer, unexpected_characters)
{
    fails_at("x = 1\ny = 2 @ 3", 2, 7, "unexpected character '@'");
    fails_at("x = $5", 1, 5, "currency symbol");
    fails_at("x = 5 \xe2\x82\xac", 1, 7, "currency symbol");   /* 5 € */
    fails_at("x = 5 @", 1, 7, "unexpected character '@'");
    fails_at("x = \xff", 1, 5, "not UTF-8 text (byte 0xff)");
    fails_at("# caf\xe9\nx = 1", 1, 6, "not UTF-8 text (byte 0xe9)");        /* Latin-1 in a comment */
    fails_at("x = \"\xc0\xaf\"", 1, 6, "not UTF-8 text (byte 0xc0)");      /* an overlong '/' */
    fails_at("x = \"\xed\xa0\x80\"", 1, 6, "not UTF-8 text (byte 0xed)");  /* a surrogate */
    fails_at("x = 1 \xe2\x88\x9e", 1, 7, "unexpected byte 0xe2");         /* valid UTF-8 (an infinity sign), not a token */
    fails_at("x = 1;", 1, 6, "unexpected character ';'");
}

UTEST(lexer, comments_and_blank_lines)
{
    parses_as("# a comment\n\nx = 1 # trailing\n\n# more\ny = 2\n", "(= x 1); (= y 2)");
    parses_as("\n\n\n", "");
    parses_as("", "");
    parses_as("x = 1\r\ny = 2\r\n", "(= x 1); (= y 2)");
}

/* ---------- newlines ---------- */

UTEST(lexer, newline_ends_a_statement)
{
    parses_as("x = 1\ny = 2", "(= x 1); (= y 2)");
    /* a top-level line starting with `-` at its first column is a new statement */
    parses_as("x = 1\n- 2", "(= x 1); (- 2)");
}

UTEST(lexer, newline_continues_before_an_operator)
{
    parses_as("x = 1\n+ 2", "(= x (+ 1 2))");
    parses_as("x = 1\n  - 2", "(= x (- 1 2))");
    parses_as("x = 1\n\n  # note\n  * 2\n  / 3", "(= x (/ (* 1 2) 3))");
    parses_as("x = a\n  == b", "(= x (== a b))");
    parses_as("x = a\n  per b", "(= x (/ a b))");
    /* inside a block no item starts with `-` */
    parses_as("r = {\n a = 1\n- 2\n}", "(= r {record (= a (- 1 2))})");
}

UTEST(lexer, newline_continues_after_an_operator)
{
    parses_as("x = 1 +\n  2", "(= x (+ 1 2))");
    parses_as("x = 1 *\n\n  2", "(= x (* 1 2))");
    parses_as("x = a ==\n b", "(= x (== a b))");
    parses_as("x =\n 5", "(= x 5)");
    parses_as("x = 920 million USD per\n month", "(= x (/ (* 920[e6] USD) month))");
    parses_as("x = a in\n USD", "(= x (in a USD))");
    parses_as("f(1,\n2)", "(call f 1 2)");
    parses_as("x = 1 + # comment\n 2", "(= x (+ 1 2))");
}

UTEST(lexer, newline_inside_brackets)
{
    parses_as("x = (1\n+ 2\n)", "(= x (+ 1 2))");
    parses_as("x = [1\n, 2\n]", "(= x [list 1 2])");
    parses_as("x = f(\n1\n,\n2\n)", "(= x (call f 1 2))");
    /* a record's braces are a block: newlines separate its fields */
    parses_as("r = {\n a = 1\n b = 2\n}", "(= r {record (= a 1) (= b 2)})");
}

UTEST(lexer, newline_continues_before_else_then_and_or)
{
    parses_as("x = if a\nthen 1\nelse 2", "(= x (if a 1 2))");
    parses_as("x = a\nand b", "(= x (and a b))");
    parses_as("x = a\n  or b", "(= x (or a b))");
    /* comments and blank lines between do not matter */
    parses_as("x = a\n# why\n\nor b", "(= x (or a b))");
    /* only whole words: "orange" and "android" start new statements */
    parses_as("x = a\norange", "(= x a); orange");
    parses_as("x = a\nandroid", "(= x a); android");
    parses_as("x = a\nelse_value = 2", "(= x a); (= else_value 2)");
}

/* ---------- clause words are block-local ---------- */

UTEST(lexer, clause_words_are_names_outside_blocks)
{
    parses_as("rate = 5", "(= rate 5)");
    parses_as("commit = 1\nreserve = 2\ndiscount = 3", "(= commit 1); (= reserve 2); (= discount 3)");
    parses_as("use = 1", "(= use 1)");
    parses_as("fee = 2", "(= fee 2)");
    parses_as("first = 1\nnext = first + 1", "(= first 1); (= next (+ first 1))");
    parses_as("above = below + up", "(= above (+ below up))");
    parses_as("volume = graduated * cumulative", "(= volume (* graduated cumulative))");
    parses_as("to = from + until", "(= to (+ from until))");
    parses_as("x = round(2.5, 1)", "(= x (call round 2.5 1))");
    parses_as("credit = pool + none + lines + invoice + when + at + on + spend + yearly + overage + escalate",
              "(= credit (+ (+ (+ (+ (+ (+ (+ (+ (+ (+ pool none) lines) invoice) when) at) on) spend) yearly) overage) escalate))");
}

UTEST(lexer, clause_words_inside_blocks)
{
    /* inside a contract, "rate" at the start of a line is a clause... */
    parses_as("contract c {\n rate gpu = 2 USD/hour\n}", "(contract c (rate gpu (/ (* 2 USD) hour)))");
    /* ...but not inside parentheses, and not after the first word */
    parses_as("contract c {\n x = round(rate, 1)\n}", "(contract c (field x (call round rate 1)))");
    /* a record inside a contract is a plain block */
    parses_as("contract c {\n x = { rate = 1 }\n}", "(contract c (field x {record (= rate 1)}))");
    /* in a workload only "use" is special */
    parses_as("workload w {\n rate = 1\n use rate = rate\n}", "(workload w (= rate 1) (use rate rate))");
    /* after the block closes they are names again */
    parses_as("contract c {\n round none\n}\nround = 1", "(contract c (round none)); (= round 1)");
    parses_as("workload w {\n use x = 1\n}\nuse = 2", "(workload w (use x 1)); (= use 2)");
}

/* The grammar separates block items by newlines or commas (`sep: NL | ','`), so a clause
 * head (rate, commit, use, first, above ...) after a comma counts as at the start of a
 * line. (A regression test: the lexer once recognised heads only after a newline.) */
UTEST(lexer, clause_heads_after_a_comma)
{
    parses_as("contract c { start = 2026-01-01, rate x = 1 USD }",
              "(contract c (field start #2026-01-01) (rate x (* 1 USD)))");
    parses_as("workload w { n = 1, use x = n }", "(workload w (= n 1) (use x n))");
    parses_as("contract c {\n rate x = graduated { first 10 GB at 1 USD/GB, above at 0 USD/GB }\n}",
              "(contract c (tiers x graduated (first (* 10 GB) (/ (* 1 USD) GB)) (above (/ (* 0 USD) GB))))");
}

/* ---------- locations ---------- */

UTEST(lexer, locations)
{
    diag_t *err = NULL;
    node_t *p = h_parse("x = 1\n  y = 10 + 200", &err, NULL);
    cr_assert_not_null(p);
    node_t *def = p->next;
    cr_assert_eq(def->kind, S_DEF);
    cr_expect_eq(ast_loc(def).first_line, 2);
    cr_expect_eq(ast_loc(def).first_column, 3);
    node_t *plus = def->a;
    cr_assert_eq(plus->kind, E_BINOP);
    /* an operator is located at the operator */
    cr_expect_eq(ast_loc(plus).first_line, 2);
    cr_expect_eq(ast_loc(plus).first_column, 10);
    cr_expect_eq(ast_loc(plus->b).first_column, 12);
    cr_expect_eq(ast_loc(plus->b).last_column, 14);
    /* and its span covers the whole expression: "10 + 200" is columns 7..14 */
    loc_t s = ast_span(plus);
    cr_expect_eq(s.first_column, 7);
    cr_expect_eq(s.last_column, 14);
    cr_expect_not_null(s.src);
}
