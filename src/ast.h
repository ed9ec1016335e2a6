/* ast: the syntax tree of one compilation unit, allocated in that unit's arena.
 * The parser builds it; eval reads it. Nothing here knows about values or prices. */
#ifndef OUTLAY_AST_H
#define OUTLAY_AST_H
#include "arena.h"
#include "source.h"

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
    C_ESCALATING
} node_kind;

/* Binary and unary operators beyond the single characters + - * / ^ */
enum { OP_EQ = 256, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_AND, OP_OR, OP_NOT };

/* Tier bounds, tier modes and rounding targets */
enum { TIER_FIRST, TIER_NEXT, TIER_UPTO, TIER_BELOW, TIER_ABOVE };
enum { TIERS_GRADUATED, TIERS_VOLUME };
enum { ROUND_INVOICE, ROUND_LINES, ROUND_NONE };

typedef struct node node_t;
struct node {
    node_kind kind;
    loc_t loc;            /* where errors point: an operator, a name */
    loc_t span;           /* the whole expression, for labels (src NULL when unset) */
    const char *text;     /* name, literal text, field name, string contents */
    int op;               /* operator, flags, scale exponent ... */
    int flag;             /* percent literal, cumulative tiers, prefixed unit ... */
    node_t *a, *b, *c;
    node_t *list, *list2; /* sibling chains through next */
    node_t *next;
};

node_t *ast_new(arena_t *arena, node_kind kind, const loc_t *loc);
size_t ast_count(const node_t *head);
const char *ast_kind_name(node_kind kind);
/* The whole source span of an expression (operators are located at the operator). */
loc_t ast_span(const node_t *n);
#endif
