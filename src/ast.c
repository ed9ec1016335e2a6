/* ast: node allocation and list helpers. */
#include "ast.h"

node_t *ast_new(arena_t *arena, node_kind kind, const loc_t *loc)
{
    node_t *n = arena_alloc(arena, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    if (loc) n->loc = *loc;
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

loc_t ast_span(const node_t *n) { return n->span.src ? n->span : n->loc; }
