/* ast: node allocation and list helpers. */
#include "ast.h"

_Static_assert(sizeof(node_t) <= 80, "a node stays small: programs hold millions");

node_t *ast_new(arena_t *arena, node_kind kind, const source_t *src, span_t loc)
{
    node_t *n = arena_alloc(arena, sizeof *n);
    if (!n) return NULL;
    n->kind = (uint8_t)kind;
    n->src = src->id;
    n->loc = loc;
    return n;
}

size_t ast_count(const node_t *head)
{
    size_t n = 0;
    for (; head; head = head->next) n++;
    return n;
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
        "exchange-rate table", "exchange rate", "plan", "escalating"
    };
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "node";
}

loc_t ast_loc(const node_t *n) { return source_loc(source_get(n->src), n->loc.start, n->loc.end); }

loc_t ast_span(const node_t *n)
{
    span_t s = n->span.end ? n->span : n->loc;
    return source_loc(source_get(n->src), s.start, s.end);
}
