/* ast: the syntax tree of one compilation unit, allocated in that unit's arena.
 * The parser builds it; eval reads it. Nothing here knows about values or prices. */
#ifndef OUTLAY_AST_H
#define OUTLAY_AST_H
#include "arena.h"
#include "source.h"
#include <stdint.h>

typedef enum {
    /* expressions */
    E_NUM, E_STR, E_BOOL, E_DATE, E_IDENT, E_BINOP, E_UNARY, E_IN, E_IF,
    E_CALL, E_FIELD, E_INDEX, E_LIST, E_RECORD,
    /* statements */
    S_IMPORT, S_DEF, S_FN, S_SHOW, S_EXPR, S_ASSERT, S_UNIT, S_DIMENSION, S_PREFIX,
    S_CONTRACT, S_WORKLOAD, S_SCENARIO, S_COMPARE, S_SWEEP,
    /* contract clauses */
    C_FIELD, C_RATE, C_TIERS, C_COMMIT /* flag: a fixed fee; text: commit A of reserved SKU */, C_RESERVE, C_DISCOUNT, C_ESCALATE, C_CREDIT,
    C_POOL, C_ROUND, C_TRUEUP /* `, trued up yearly` after a commit */, T_TIER,
    /* workload items */
    W_USE,
    /* exchange-rate tables (fx EUR in USD { from DATE = RATE }) and their lines */
    S_FX, FX_RATE,
    /* a spend-based plan: its commitment and, in list, its rates (C_RATE) */
    C_PLAN,
    /* `, escalating` after a commit or fee */
    C_ESCALATING,
    /* a number written before a unit's name: `607 hour`, `2 million USD`, `40% gpu`. It
     * means number * name, as (* number name) did, in one node: text is the name, op and
     * flag are the number's scale and percent, and the number's text is read from the
     * source (ast_number_text). span is the whole; loc.start is where the name starts
     * and loc.end where the number (its scale word, its %) ends. */
    E_QUANTITY
} node_kind;

/* Binary and unary operators beyond the single characters + - * / ^ */
enum { OP_EQ = 256, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_AND, OP_OR, OP_NOT };

/* Tier bounds, tier modes and rounding targets */
enum { TIER_FIRST, TIER_NEXT, TIER_UPTO, TIER_BELOW, TIER_ABOVE };
enum { TIERS_GRADUATED, TIERS_VOLUME };
enum { ROUND_INVOICE, ROUND_LINES, ROUND_NONE };

typedef struct node node_t;
/* 72 bytes: a program of a million line items holds millions of these. */
struct node {
    uint8_t kind;         /* a node_kind */
    uint8_t flag;         /* percent literal, cumulative tiers, prefixed unit ... */
    int16_t op;           /* operator, flags, scale exponent ... */
    uint32_t src;         /* the source it was read from (source_get) */
    span_t loc;           /* where errors point: an operator, a name (ast_loc) */
    span_t span;          /* the whole expression, for labels (ast_span); end 0 when unset */
    const char *text;     /* name, literal text, field name, string contents */
    node_t *a, *b;
    node_t *list;         /* a sibling chain through next */
    union {               /* no kind has both (ast_has_list2): one field, 8 bytes an item */
        node_t *c;        /* E_IF's else, C_COMMIT's until */
        node_t *list2;    /* the second chain: S_COMPARE, S_SWEEP, C_TIERS, C_DISCOUNT, C_ESCALATE, C_CREDIT */
    };
    node_t *next;
};

/* Nodes come from blocks of a unit's arena: one arena call for AST_BLOCK nodes, not one
 * per node (a million-line program has millions). */
enum { AST_BLOCK = 16 };
typedef struct ast_pool { arena_t *arena; node_t *next; size_t left; } ast_pool_t;
/* The next node of a new block; NULL when out of memory. */
node_t *ast_pool_refill(ast_pool_t *pool);
/* A node at loc in source src; NULL when out of memory. */
static inline node_t *ast_new(ast_pool_t *pool, node_kind kind, const source_t *src, span_t loc)
{
    node_t *n = pool->left ? (pool->left--, pool->next++) : ast_pool_refill(pool);
    if (n) { n->kind = (uint8_t)kind; n->src = src->id; n->loc = loc; }
    return n;
}
size_t ast_count(const node_t *head);
/* Whether a node of this kind keeps a chain in list2 (and so has no c). */
int ast_has_list2(node_kind kind);
const char *ast_kind_name(node_kind kind);
/* Where errors about the node point, with line and column. */
loc_t ast_loc(const node_t *n);
/* The whole source span of an expression (operators are located at the operator). */
loc_t ast_span(const node_t *n);
/* The digits of a number literal (E_NUM or E_QUANTITY) as written, e.g. "1_000.5e-3":
 * *len bytes, not NUL-terminated for an E_QUANTITY (they are its source's). */
const char *ast_number_text(const node_t *n, size_t *len);
/* How long the number literal at p is (the lexer's {DIGITS}(.{DIGITS})?(e[+-]?[0-9]+)?). */
size_t ast_number_length(const char *p);
/* An E_QUANTITY's parts: its number (with scale word or %) and its unit name. */
loc_t ast_quantity_number_loc(const node_t *n);
loc_t ast_quantity_unit_loc(const node_t *n);
/* ast_loc as a pointer, for the functions that take one: valid to the end of the
 * enclosing block. */
#define AST_LOC(n) ((const loc_t[]){ ast_loc(n) })
#endif
