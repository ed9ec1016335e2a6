/* ast: node allocation, nodes' places (line and column worked out from byte offsets),
 * number literals' text, and list helpers. */
#include "ast.h"
#include <string.h>

_Static_assert(sizeof(node_t) <= 80, "a node stays small: programs hold millions");

node_t *ast_pool_refill(ast_pool_t *pool)
{
    node_t *block = arena_alloc(pool->arena, AST_BLOCK * sizeof *block);
    if (!block) return NULL;
    pool->next = block + 1;
    pool->left = AST_BLOCK - 1;
    return block;
}

size_t ast_count(const node_t *head)
{
    size_t n = 0;
    for (; head; head = head->next) n++;
    return n;
}

int ast_has_list2(node_kind kind)
{
    switch (kind) {
    case S_COMPARE: case S_SWEEP: case C_TIERS: case C_DISCOUNT: case C_ESCALATE: case C_CREDIT: return 1;
    default: return 0;
    }
}

const char *ast_kind_name(node_kind kind)
{
    static const char *names[] = {
        "number", "string", "boolean", "date", "name", "binary operation", "unary operation",
        "conversion", "if", "call", "field access", "index", "list", "record",
        "import", "definition", "function", "show", "expression", "assert", "unit",
        "dimension", "prefix", "contract", "workload", "scenario", "compare", "sweep",
        "field", "rate", "tiered rate", "commit", "reserve", "discount", "escalate",
        "credit", "credit pool", "rounding", "trued up yearly", "tier", "use",
        "exchange-rate table", "exchange rate", "plan", "escalating", "quantity"
    };
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "node";
}

/* A quantity's errors point at the whole of it, as they did at the product it stands for. */
loc_t ast_loc(const node_t *n)
{
    span_t s = n->kind == E_QUANTITY ? n->span : n->loc;
    return source_loc(source_get(n->src), s.start, s.end);
}

loc_t ast_span(const node_t *n)
{
    span_t s = n->span.end ? n->span : n->loc;
    return source_loc(source_get(n->src), s.start, s.end);
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static const char *digits_end(const char *p)
{
    while (is_digit(*p) || *p == '_') p++;
    return p;
}

size_t ast_number_length(const char *p)
{
    const char *q = digits_end(p);
    if (q[0] == '.' && is_digit(q[1])) q = digits_end(q + 1);
    if (q[0] == 'e' || q[0] == 'E') {
        const char *x = q + 1 + (q[1] == '+' || q[1] == '-');
        if (is_digit(*x)) { while (is_digit(*x)) x++; q = x; }
    }
    return (size_t)(q - p);
}

const char *ast_number_text(const node_t *n, size_t *len)
{
    if (n->kind != E_QUANTITY) { *len = strlen(n->text); return n->text; }
    const char *p = source_get(n->src)->text + n->span.start;
    /* without a scale word or %, the number ends where the quantity's number part does */
    *len = n->op || n->flag ? ast_number_length(p) : n->loc.end - n->span.start;
    return p;
}

loc_t ast_quantity_number_loc(const node_t *n) { return source_loc(source_get(n->src), n->span.start, n->loc.end); }
loc_t ast_quantity_unit_loc(const node_t *n) { return source_loc(source_get(n->src), n->loc.start, n->span.end); }
