/* Unit tests for src/source.c's positions: the syntax tree keeps byte offsets and a
 * diagnostic or label works out line and column from the source's line starts. Also
 * that the lexer keeps each name once (a million `hour`s share one copy). */
#include <criterion/criterion.h>
#include <string.h>
#include "helpers.h"

TestSuite(source, .fini = h_teardown);

static void at(const source_t *s, size_t off, int line, int col)
{
    int l = -1, c = -1;
    source_position(s, off, &l, &c);
    cr_expect_eq(l, line, "line of offset %zu: %d, want %d", off, l, line);
    cr_expect_eq(c, col, "column of offset %zu: %d, want %d", off, c, col);
}

UTEST(source, positions_from_offsets)
{
    const char *text = "ab\n\tx = 1\n\xc3\xa9 y\nlast";
    source_t *s = source_from_string("t", text, strlen(text));
    cr_assert_not_null(s);
    at(s, 0, 1, 1);
    at(s, 1, 1, 2);
    at(s, 2, 1, 3);          /* the newline ends line 1 */
    at(s, 3, 2, 1);          /* a line start */
    at(s, 4, 2, 2);          /* a tab is one column */
    at(s, 10, 3, 1);
    at(s, 13, 3, 4);         /* é is two bytes: columns count bytes, as the lexer always did */
    at(s, 15, 4, 1);
    at(s, 18, 4, 4);
    at(s, 19, 4, 5);         /* the end of a last line without a newline */
    at(s, 500, 4, 5);        /* past the end: the end */
}

UTEST(source, locations_of_stretches)
{
    const char *text = "x = 10 + 200\ny";
    source_t *s = source_from_string("t", text, strlen(text));
    loc_t l = source_loc(s, 4, 12);   /* "10 + 200" */
    cr_expect_eq(l.src, s);
    cr_expect_eq(l.first_line, 1);
    cr_expect_eq(l.first_column, 5);
    cr_expect_eq(l.last_line, 1);
    cr_expect_eq(l.last_column, 12);
    /* a newline's last place is column 0 of the next line, as a token's always was */
    l = source_loc(s, 12, 13);
    cr_expect_eq(l.first_line, 1);
    cr_expect_eq(l.first_column, 13);
    cr_expect_eq(l.last_line, 2);
    cr_expect_eq(l.last_column, 0);
    /* an empty stretch (the end of input) is one place */
    l = source_loc(s, 14, 14);
    cr_expect_eq(l.first_line, 2);
    cr_expect_eq(l.first_column, 2);
    cr_expect_eq(l.last_line, 2);
    cr_expect_eq(l.last_column, 2);
}

UTEST(source, ids)
{
    source_t *a = source_from_string("a", "1", 1), *b = source_from_string("b", "2", 1);
    cr_expect_neq(a->id, b->id);
    cr_expect_eq(source_get(a->id), a);
    cr_expect_eq(source_get(b->id), b);
    cr_expect_null(source_get(b->id + 1000));
}

UTEST(source, invalid_utf8_position)
{
    const char *text = "x = 1\n\xc3\xa9\t\xff";
    source_t *s = source_from_string("t", text, strlen(text));
    int line, col;
    cr_expect_eq(source_invalid_utf8(s, &line, &col), 9);
    cr_expect_eq(line, 2);
    cr_expect_eq(col, 4);   /* bytes: é takes columns 1 and 2, the tab 3 */
}

/* Nodes point at their places in the source, and names are kept once per unit. */
UTEST(source, nodes_locate_and_share_names)
{
    diag_t *err = NULL;
    node_t *p = h_parse("a = [2 hour, 3 hour]\n  b = a", &err, NULL);
    cr_assert_not_null(p);
    const node_t *list = p->a, *first = list->list, *second = first->next;
    cr_assert_eq(first->kind, E_QUANTITY);
    cr_expect_eq(first->text, second->text, "both `hour`s are one string");
    cr_expect_str_eq(first->text, "hour");
    loc_t l = ast_quantity_unit_loc(second);
    cr_expect_eq(l.first_line, 1);
    cr_expect_eq(l.first_column, 16);
    cr_expect_eq(l.last_column, 19);
    l = ast_loc(second);   /* the whole quantity, as the product's place was */
    cr_expect_eq(l.first_column, 14);
    cr_expect_eq(l.last_column, 19);
    loc_t sp = ast_span(list);
    cr_expect_eq(sp.first_column, 5);
    cr_expect_eq(sp.last_column, 20);
    l = ast_loc(p->next);
    cr_expect_eq(l.first_line, 2);
    cr_expect_eq(l.first_column, 3);
    cr_expect_eq(p->next->a->text, p->text, "the name `a` is one string");
}

/* A quantity is one node; its number is read from the source, its parts located. */
UTEST(source, quantity_parts)
{
    diag_t *err = NULL;
    node_t *p = h_parse("x = [1_000.5e-3 USD, 2 million\n gpu, 40% hour]", &err, NULL);
    cr_assert_not_null(p);
    const node_t *q = p->a->list;
    size_t len;
    const char *t = ast_number_text(q, &len);
    cr_expect_eq(len, 10);
    cr_expect(!strncmp(t, "1_000.5e-3", 10));
    loc_t l = ast_quantity_number_loc(q);
    cr_expect_eq(l.first_column, 6);
    cr_expect_eq(l.last_column, 15);
    q = q->next;
    cr_expect_eq(q->kind, E_QUANTITY);
    cr_expect_eq(q->op, 6);
    l = ast_quantity_number_loc(q);   /* the number with its scale word */
    cr_expect_eq(l.first_column, 22);
    cr_expect_eq(l.last_column, 30);
    l = ast_quantity_unit_loc(q);     /* the unit on the next line */
    cr_expect_eq(l.first_line, 2);
    cr_expect_eq(l.first_column, 2);
    cr_expect_eq(l.last_column, 4);
    q = q->next;
    cr_expect_eq(q->flag, 1);
    t = ast_number_text(q, &len);
    cr_expect_eq(len, 2);
    cr_expect_eq(ast_number_length("1.x"), 1);
    cr_expect_eq(ast_number_length("2e+"), 1);
    cr_expect_eq(ast_number_length("3E+12 "), 5);
    cr_expect_eq(ast_number_length("4_5.6_7e8"), 9);
}
