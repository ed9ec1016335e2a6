/* parser: Outlay's grammar. Builds the AST of one source in its arena; it evaluates
 * nothing and knows no prices or units beyond their names. */
%code requires {
#include "syntax.h"
}
%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
}
%{
#include <ctype.h>
#include <string.h>
#include "parser.h"

static void yyerror(YYLTYPE *loc, void *scanner, lex_state *st, const char *msg);
static int scale_exponent(const char *w);

/* A rule spans its symbols' bytes; an empty rule is the empty stretch where it stands. */
#define YYLLOC_DEFAULT(Cur, Rhs, N) do {                                   \
    if (N) {                                                               \
        (Cur).start = YYRHSLOC(Rhs, 1).start;                              \
        (Cur).end = YYRHSLOC(Rhs, N).end;                                  \
    } else {                                                               \
        (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                    \
    } } while (0)

#define NEW(kind, l) node_new(st, kind, &(l))

static node_t *node_new(lex_state *st, node_kind kind, const span_t *l)
{
    node_t *n = ast_new(&st->nodes, kind, st->src, *l);
    if (!n && !st->err) st->err = diag_new(DIAG_LIMIT, (const loc_t[]){ source_loc(st->src, l->start, l->end) }, "out of memory while parsing");
    return n;
}
static node_t *binop(lex_state *st, int op, node_t *a, node_t *b, const span_t *l)
{
    node_t *n = node_new(st, E_BINOP, l);
    if (n) { n->op = (int16_t)op; n->a = a; n->b = b; }
    return n;
}
/* "3 gpu", "(x) USD/hour", "2 m^2": a number written before a unit multiplies it. The
 * product is flagged so that a power can bind tighter than the juxtaposition. */
static node_t *juxtapose(lex_state *st, node_t *number, const char *unit, const span_t *unit_loc,
                         node_t *unit_exponent, const span_t *caret_loc, const span_t *l)
{
    node_t *u = node_new(st, E_IDENT, unit_loc), *n;
    if (!u) return NULL;
    u->text = unit;
    if (unit_exponent && !(u = binop(st, '^', u, unit_exponent, caret_loc))) return NULL;
    if ((n = binop(st, '*', number, u, l))) n->flag = 1;
    return n;
}
/* A number's text, copied from the source once it is known to stand alone (a number
 * before a unit's name keeps none: it becomes an E_QUANTITY, which reads the source). */
static node_t *number_done(lex_state *st, node_t *n)
{
    const char *p = st->src->text + n->loc.start;
    if (!(n->text = arena_strndup(st->arena, p, ast_number_length(p)))) {
        if (!st->err) st->err = diag_new(DIAG_LIMIT, (const loc_t[]){ ast_loc(n) }, "out of memory while parsing");
        return NULL;
    }
    return n;
}
/* "607 hour": the number's node becomes the quantity (one node where the product took three). */
static node_t *quantity(node_t *number, const char *unit, const span_t *unit_loc)
{
    number->kind = E_QUANTITY;
    number->text = unit;
    number->span.start = number->loc.start;
    number->span.end = unit_loc->end;
    number->loc.start = unit_loc->start;   /* loc.end stays where the number ends */
    return number;
}
/* The product a quantity stands for, as separate nodes, where `^` or brackets need its
 * parts: the tree "607 hour" always had. */
static node_t *unquantity(lex_state *st, node_t *q)
{
    span_t num = { q->span.start, q->loc.end }, unit = { q->loc.start, q->span.end }, whole = q->span;
    node_t *n = node_new(st, E_NUM, &num), *j;
    if (!n) return NULL;
    n->op = q->op;
    n->flag = q->flag;
    if (!number_done(st, n) || !(j = juxtapose(st, n, q->text, &unit, NULL, NULL, &whole))) return NULL;
    j->span = whole;
    return j;
}
static node_t *name_node(lex_state *st, const char *name, const span_t *l)
{
    node_t *n = node_new(st, E_IDENT, l);
    if (n) n->text = name;
    return n;
}
static node_t *plain_number(lex_state *st, const span_t *l)
{
    node_t *n = node_new(st, E_NUM, l);
    return n ? number_done(st, n) : NULL;
}
static node_t *plain_quantity(lex_state *st, const span_t *l, const char *unit, const span_t *unit_loc)
{
    node_t *n = node_new(st, E_NUM, l);
    return n ? quantity(n, unit, unit_loc) : NULL;
}
/* "10^6 USD" reads as (10^6) USD, as it would on paper, not 10^(6 USD); so does "10^-3 USD". */
static node_t *power(lex_state *st, node_t *base, node_t *exponent, const span_t *l)
{
    node_t *j = exponent, *neg = NULL;
    if (j->kind == E_UNARY && j->op == '-') { neg = j; j = j->a; }
    if (j->kind == E_QUANTITY) {
        if (!(j = unquantity(st, j))) return NULL;
        if (neg) neg->a = j; else exponent = j;
    }
    if (j->kind == E_BINOP && j->op == '*' && j->flag) {
        node_t *e = j->a, *p, *n;
        if (neg) {
            if (!(e = node_new(st, E_UNARY, &neg->loc))) return NULL;
            e->op = '-';
            e->a = j->a;
        }
        if (!(p = power(st, base, e, l))) return NULL;
        if ((n = binop(st, '*', p, j->b, &j->loc))) n->flag = 1;
        return n;
    }
    return binop(st, '^', base, exponent, l);
}
static node_list_t list1(node_t *n) { node_list_t l = { n, n }; return l; }
static node_list_t list_add(node_list_t l, node_t *n)
{
    if (!n) return l;
    if (!l.head) return list1(n);
    l.tail->next = n;
    l.tail = n;
    return l;
}
#define OOM_CHECK(x) do { if (!(x)) YYABORT; } while (0)
%}

%define api.pure full
%define parse.error verbose
%locations
%lex-param {void *scanner}
%parse-param {void *scanner} {lex_state *st}
%expect 0
%initial-action { @$.start = @$.end = 0; }

%union {
    const char *text;
    node_t *node;
    node_list_t list;
    int num;
}

%token <text> NUM "number" STRING "string" DATE "date" IDENT "name" SCALE "scale word"
%token NL "end of line" LEX_ERROR "invalid token"
%token IMPORT "import" FN "fn" SHOW "show" ASSERT "assert" UNIT "unit" DIMENSION "dimension"
%token PREFIX "prefix" PREFIXED "prefixed" CONTRACT "contract" WORKLOAD "workload"
%token SCENARIO "scenario" EXTENDS "extends" COMPARE "compare" SWEEP "sweep" OVER "over"
%token IF "if" THEN "then" ELSE "else" AND "and" OR "or" NOT "not" IN "in" PER "per"
%token TRUE "true" FALSE "false"
%token EQ "==" NE "!=" LE "<=" GE ">="
%token PLAN "plan"
%token RATE "rate" COMMIT "commit" FEE "fee" RESERVE "reserve" OVERAGE "overage" DISCOUNT "discount"
%token ON "on" SPEND "spend" ABOVE "above" BELOW "below" ESCALATE "escalate" YEARLY "yearly" TRUED "trued"
%token CREDIT "credit" WHEN "when" POOL "pool" ROUND "round" LINES "lines" INVOICE "invoice"
%token NONE "none" TO "to" FROM "from" UNTIL "until" GRADUATED "graduated" VOLUME "volume"
%token CUMULATIVE "cumulative" FIRST "first" NEXT "next" UP "up" AT "at" USE "use"
%token USAGE "usage" FX "fx" CAP "cap" OF "of" RESERVED "reserved" ESCALATING "escalating"

%type <node> stmt expr postfix base primary number exponent clause clause_inner tier witem witem_inner def
%type <node> opt_mode opt_overage opt_extends opt_from opt_until fx_rate scope opt_scope
%type <list> stmts args opt_args opt_params clauses tiers witems defs names
%type <list> clause_list tier_list witem_list def_list fx_rates fx_rate_list
%type <num> tier_mode opt_cumulative opt_prefixed

%precedence ELSE
%left OR
%left AND
%precedence NOT
%nonassoc EQ NE '<' LE '>' GE
%left IN
%left '+' '-'
%left '*' '/' PER
%precedence UMINUS
%precedence NUMBER_ALONE
%precedence IDENT
%precedence JUXTA
%right '^'

%%

program
    : %empty            { st->program = NULL; }
    | stmts opt_nl      { st->program = $1.head; }
    ;
opt_nl: %empty | NL ;
sep: NL | ',' | ';' ;

stmts
    : stmt              { $$ = list1($1); }
    | stmts NL stmt     { $$ = list_add($1, $3); }
    ;

stmt
    : IMPORT STRING     { OOM_CHECK($$ = NEW(S_IMPORT, @$)); $$->text = $2; }
    | def
    | FN IDENT '(' opt_params ')' '=' expr
                        { OOM_CHECK($$ = NEW(S_FN, @2)); $$->text = $2; $$->list = $4.head; $$->a = $7; }
    | SHOW expr         { OOM_CHECK($$ = NEW(S_SHOW, @2)); $$->a = $2; }
    | ASSERT expr       { OOM_CHECK($$ = NEW(S_ASSERT, @2)); $$->a = $2; }
    | ASSERT expr ',' expr
                        { OOM_CHECK($$ = NEW(S_ASSERT, @2)); $$->a = $2; $$->b = $4; }
    | UNIT IDENT opt_prefixed
                        { OOM_CHECK($$ = NEW(S_UNIT, @2)); $$->text = $2; $$->flag = $3; }
    | UNIT IDENT ':' IDENT opt_prefixed
                        { OOM_CHECK($$ = NEW(S_UNIT, @2)); $$->text = $2; $$->flag = $5;
                          OOM_CHECK($$->b = NEW(E_IDENT, @4)); $$->b->text = $4; }
    | UNIT IDENT '=' expr opt_prefixed
                        { OOM_CHECK($$ = NEW(S_UNIT, @2)); $$->text = $2; $$->a = $4; $$->flag = $5; }
    | DIMENSION IDENT   { OOM_CHECK($$ = NEW(S_DIMENSION, @2)); $$->text = $2; }
    | PREFIX IDENT '=' expr
                        { OOM_CHECK($$ = NEW(S_PREFIX, @2)); $$->text = $2; $$->a = $4; }
    | CONTRACT IDENT '{' clauses '}'
                        { OOM_CHECK($$ = NEW(S_CONTRACT, @2)); $$->text = $2; $$->list = $4.head; }
    | WORKLOAD IDENT '{' witems '}'
                        { OOM_CHECK($$ = NEW(S_WORKLOAD, @2)); $$->text = $2; $$->list = $4.head; }
    | SCENARIO IDENT opt_extends '{' defs '}'
                        { OOM_CHECK($$ = NEW(S_SCENARIO, @2)); $$->text = $2; $$->b = $3; $$->list = $5.head; }
    | COMPARE names '{' args opt_nl '}'
                        { OOM_CHECK($$ = NEW(S_COMPARE, @1)); $$->list = $2.head; $$->list2 = $4.head; }
    | SWEEP IDENT OVER expr '{' args opt_nl '}'
                        { OOM_CHECK($$ = NEW(S_SWEEP, @2)); $$->text = $2; $$->a = $4; $$->list2 = $6.head; }
    | USAGE def         { $$ = $2; $$->flag = 1; /* must be a usage source */ }
    | FX IDENT IN IDENT '{' fx_rates '}'
                        { OOM_CHECK($$ = NEW(S_FX, @2)); $$->text = $2; OOM_CHECK($$->a = NEW(E_IDENT, @4)); $$->a->text = $4;
                          $$->list = $6.head; }
    | expr              { OOM_CHECK($$ = NEW(S_EXPR, @1)); $$->a = $1; }
    ;

def : IDENT '=' expr    { OOM_CHECK($$ = NEW(S_DEF, @1)); $$->text = $1; $$->a = $3; } ;

opt_prefixed: %empty { $$ = 0; } | PREFIXED { $$ = 1; } ;
opt_extends: %empty { $$ = NULL; } | EXTENDS IDENT { OOM_CHECK($$ = NEW(E_IDENT, @2)); $$->text = $2; } ;

names
    : IDENT             { node_t *n; OOM_CHECK(n = NEW(E_IDENT, @1)); n->text = $1; $$ = list1(n); }
    | names ',' IDENT   { node_t *n; OOM_CHECK(n = NEW(E_IDENT, @3)); n->text = $3; $$ = list_add($1, n); }
    ;

opt_params: %empty { $$ = list1(NULL); } | names ;

/* ---- blocks: items separated by newlines or commas ---- */
clauses: %empty { $$ = list1(NULL); } | clause_list opt_sep ;
clause_list: clause { $$ = list1($1); } | clause_list sep clause { $$ = list_add($1, $3); } ;
clause: clause_inner { $$ = $1; $$->span = @$; } ;
witems: %empty { $$ = list1(NULL); } | witem_list opt_sep ;
witem_list: witem { $$ = list1($1); } | witem_list sep witem { $$ = list_add($1, $3); } ;
witem: witem_inner { $$ = $1; $$->span = @$; } ;
defs: %empty { $$ = list1(NULL); } | def_list opt_sep ;
def_list: def { $$ = list1($1); } | def_list sep def { $$ = list_add($1, $3); } ;
tiers: %empty { $$ = list1(NULL); } | tier_list opt_sep ;
tier_list: tier { $$ = list1($1); } | tier_list sep tier { $$ = list_add($1, $3); } ;
fx_rates: %empty { $$ = list1(NULL); } | fx_rate_list opt_sep ;
fx_rate_list: fx_rate { $$ = list1($1); } | fx_rate_list sep fx_rate { $$ = list_add($1, $3); } ;
fx_rate
    : FROM expr '=' expr { OOM_CHECK($$ = NEW(FX_RATE, @1)); $$->a = $2; $$->b = $4; }
    | UNTIL expr        { OOM_CHECK($$ = NEW(FX_RATE, @1)); $$->a = $2; $$->flag = 1; /* the table's end */ }
    ;
opt_sep: %empty | sep ;


witem_inner
    : def
    | USE IDENT '=' expr { OOM_CHECK($$ = NEW(W_USE, @2)); $$->text = $2; $$->a = $4; }
    ;

clause_inner
    : IDENT '=' expr    { OOM_CHECK($$ = NEW(C_FIELD, @1)); $$->text = $1; $$->a = $3; }
    | RATE IDENT '=' expr
                        { OOM_CHECK($$ = NEW(C_RATE, @2)); $$->text = $2; $$->a = $4; }
    | RATE IDENT '=' tier_mode opt_cumulative opt_from '{' tiers '}'
                        { OOM_CHECK($$ = NEW(C_TIERS, @2)); $$->text = $2; $$->op = $4; $$->flag = $5; $$->a = $6; $$->list = $8.head; }
    | RATE '[' names ']' '=' tier_mode opt_cumulative opt_from '{' tiers '}'   /* one ladder several SKUs share */
                        { OOM_CHECK($$ = NEW(C_TIERS, @3)); $$->text = $3.head->text; $$->list2 = $3.head;
                          $$->op = $6; $$->flag = $7; $$->a = $8; $$->list = $10.head; }
    | COMMIT expr opt_from opt_until
                        { OOM_CHECK($$ = NEW(C_COMMIT, @1)); $$->a = $2; $$->b = $3; $$->c = $4; }
    | COMMIT expr OF RESERVED IDENT
                        { OOM_CHECK($$ = NEW(C_COMMIT, @1)); $$->a = $2; $$->text = $5; /* a share of its reservation */ }
    | ESCALATING        { OOM_CHECK($$ = NEW(C_ESCALATING, @1)); /* qualifies the commit or fee before it */ }
    | TRUED IDENT YEARLY  /* `up` is a name here: it is a rounding mode on a clause line */
                        { OOM_CHECK($$ = NEW(C_TRUEUP, @1)); $$->text = $2; /* qualifies the commit before it */ }
    | FEE expr opt_from opt_until
                        { OOM_CHECK($$ = NEW(C_COMMIT, @1)); $$->flag = 1; $$->a = $2; $$->b = $3; $$->c = $4; }
    | PLAN IDENT '=' expr '{' clauses '}'
                        { OOM_CHECK($$ = NEW(C_PLAN, @2)); $$->text = $2; $$->a = $4; $$->list = $6.head; }
    | RESERVE IDENT '=' expr opt_overage
                        { OOM_CHECK($$ = NEW(C_RESERVE, @2)); $$->text = $2; $$->a = $4; $$->b = $5; }
    | DISCOUNT expr     { OOM_CHECK($$ = NEW(C_DISCOUNT, @1)); $$->a = $2; }
    | DISCOUNT expr scope
                        { OOM_CHECK($$ = NEW(C_DISCOUNT, @1)); $$->a = $2; $$->list2 = $3; }
    | DISCOUNT expr ON SPEND ABOVE expr
                        { OOM_CHECK($$ = NEW(C_DISCOUNT, @1)); $$->a = $2; $$->b = $6; }
    | ESCALATE expr YEARLY opt_scope
                        { OOM_CHECK($$ = NEW(C_ESCALATE, @1)); $$->a = $2; $$->list2 = $4; }
    | CREDIT expr opt_scope WHEN expr
                        { OOM_CHECK($$ = NEW(C_CREDIT, @1)); $$->a = $2; $$->list2 = $3; $$->b = $5; }
    | CREDIT CAP expr opt_scope
                        { OOM_CHECK($$ = NEW(C_CREDIT, @1)); $$->flag = 1; /* a cap */ $$->a = $3; $$->list2 = $4; }
    | CREDIT POOL expr  { OOM_CHECK($$ = NEW(C_POOL, @1)); $$->a = $3; }
    | ROUND INVOICE TO expr opt_mode
                        { OOM_CHECK($$ = NEW(C_ROUND, @1)); $$->op = ROUND_INVOICE; $$->a = $4; $$->b = $5; }
    | ROUND LINES TO expr opt_mode
                        { OOM_CHECK($$ = NEW(C_ROUND, @1)); $$->op = ROUND_LINES; $$->a = $4; $$->b = $5; }
    | ROUND NONE        { OOM_CHECK($$ = NEW(C_ROUND, @1)); $$->op = ROUND_NONE; }
    ;

tier_mode: GRADUATED { $$ = TIERS_GRADUATED; } | VOLUME { $$ = TIERS_VOLUME; } ;
opt_cumulative: %empty { $$ = 0; } | CUMULATIVE { $$ = 1; } ;
opt_overage: %empty { $$ = NULL; } | OVERAGE expr { $$ = $2; } ;
opt_from: %empty { $$ = NULL; } | FROM expr { $$ = $2; } ;
opt_until: %empty { $$ = NULL; } | UNTIL expr { $$ = $2; } ;
/* the SKUs a discount, escalator or credit applies to: on gpu_hour, on [gpu_hour, egress] */
scope
    : ON IDENT          { OOM_CHECK($$ = NEW(E_IDENT, @2)); $$->text = $2; }
    | ON '[' names ']'  { $$ = $3.head; }
    ;
opt_scope: %empty { $$ = NULL; } | scope ;
opt_mode: %empty { $$ = NULL; } | IDENT { OOM_CHECK($$ = NEW(E_IDENT, @1)); $$->text = $1; } ;

tier
    : FIRST expr AT expr { OOM_CHECK($$ = NEW(T_TIER, @1)); $$->op = TIER_FIRST; $$->a = $2; $$->b = $4; }
    | NEXT expr AT expr  { OOM_CHECK($$ = NEW(T_TIER, @1)); $$->op = TIER_NEXT; $$->a = $2; $$->b = $4; }
    | UP TO expr AT expr { OOM_CHECK($$ = NEW(T_TIER, @1)); $$->op = TIER_UPTO; $$->a = $3; $$->b = $5; }
    | BELOW expr AT expr { OOM_CHECK($$ = NEW(T_TIER, @1)); $$->op = TIER_BELOW; $$->a = $2; $$->b = $4; }
    | ABOVE AT expr      { OOM_CHECK($$ = NEW(T_TIER, @1)); $$->op = TIER_ABOVE; $$->b = $3; }
    | ABOVE expr AT expr { OOM_CHECK($$ = NEW(T_TIER, @1)); $$->op = TIER_ABOVE; $$->a = $2; $$->b = $4; }
    ;

/* ---- expressions ---- */
/* every expression spans its text (ast_span), for labels */
expr
    : IF expr THEN expr ELSE expr %prec ELSE
                        { OOM_CHECK($$ = NEW(E_IF, @$)); $$->a = $2; $$->b = $4; $$->c = $6; $$->span = @$; }
    | expr OR expr      { OOM_CHECK($$ = binop(st, OP_OR, $1, $3, &@2)); $$->span = @$; }
    | expr AND expr     { OOM_CHECK($$ = binop(st, OP_AND, $1, $3, &@2)); $$->span = @$; }
    | NOT expr          { OOM_CHECK($$ = NEW(E_UNARY, @1)); $$->op = OP_NOT; $$->a = $2; $$->span = @$; }
    | expr EQ expr      { OOM_CHECK($$ = binop(st, OP_EQ, $1, $3, &@2)); $$->span = @$; }
    | expr NE expr      { OOM_CHECK($$ = binop(st, OP_NE, $1, $3, &@2)); $$->span = @$; }
    | expr '<' expr     { OOM_CHECK($$ = binop(st, OP_LT, $1, $3, &@2)); $$->span = @$; }
    | expr LE expr      { OOM_CHECK($$ = binop(st, OP_LE, $1, $3, &@2)); $$->span = @$; }
    | expr '>' expr     { OOM_CHECK($$ = binop(st, OP_GT, $1, $3, &@2)); $$->span = @$; }
    | expr GE expr      { OOM_CHECK($$ = binop(st, OP_GE, $1, $3, &@2)); $$->span = @$; }
    | expr IN expr      { OOM_CHECK($$ = NEW(E_IN, @2)); $$->a = $1; $$->b = $3; $$->span = @$; }
    | expr '+' expr     { OOM_CHECK($$ = binop(st, '+', $1, $3, &@2)); $$->span = @$; }
    | expr '-' expr     { OOM_CHECK($$ = binop(st, '-', $1, $3, &@2)); $$->span = @$; }
    | expr '*' expr     { OOM_CHECK($$ = binop(st, '*', $1, $3, &@2)); $$->span = @$; }
    | expr '/' expr     { OOM_CHECK($$ = binop(st, '/', $1, $3, &@2)); $$->span = @$; }
    | expr PER expr     { OOM_CHECK($$ = binop(st, '/', $1, $3, &@2)); $$->span = @$; }
    | '-' expr %prec UMINUS
                        { OOM_CHECK($$ = NEW(E_UNARY, @1)); $$->op = '-'; $$->a = $2; $$->span = @$; }
    | '+' expr %prec UMINUS   /* the expression, spanning the +; a quantity's place stays its own */
                        { $$ = $2; if ($$->kind == E_QUANTITY) OOM_CHECK($$ = unquantity(st, $$)); $$->span = @$; }
    | expr '^' expr     { OOM_CHECK($$ = power(st, $1, $3, &@2)); $$->span = @$; }
    /* a name, number or quantity is an expression in one reduction: they are most of a
     * program's leaves (a list of a million line items has three million); the same
     * words before a call, field or index are a base */
    | IDENT             { OOM_CHECK($$ = name_node(st, $1, &@1)); $$->span = @$; }
    | NUM %prec NUMBER_ALONE
                        { OOM_CHECK($$ = plain_number(st, &@1)); $$->span = @$; }
    | NUM IDENT %prec JUXTA
                        { OOM_CHECK($$ = plain_quantity(st, &@1, $2, &@2)); $$->span = @$; }
    | primary           { $$ = $1; $$->span = @$; }
    | postfix           { $$ = $1; $$->span = @$; }
    ;

/* A primary is an expression as it stands (one reduction, not two, for every name and
 * number); only what a call, field or index follows is a base. */
postfix
    : IDENT '(' opt_args ')'
                        { OOM_CHECK($$ = NEW(E_CALL, @1)); $$->text = $1; $$->list = $3.head; }
    | base '.' IDENT    { OOM_CHECK($$ = NEW(E_FIELD, @3)); $$->a = $1; $$->text = $3; }
    | base '[' expr ']' { OOM_CHECK($$ = NEW(E_INDEX, @2)); $$->a = $1; $$->b = $3; }
    ;
base
    : primary | postfix
    | IDENT             { OOM_CHECK($$ = name_node(st, $1, &@1)); }
    | NUM %prec NUMBER_ALONE
                        { OOM_CHECK($$ = plain_number(st, &@1)); }
    | NUM IDENT %prec JUXTA
                        { OOM_CHECK($$ = plain_quantity(st, &@1, $2, &@2)); }
    ;

primary
    : number %prec NUMBER_ALONE
                        { OOM_CHECK($$ = number_done(st, $1)); }
    | number IDENT %prec JUXTA
                        { $$ = quantity($1, $2, &@2); }
    | number IDENT '^' exponent
                        { OOM_CHECK(number_done(st, $1)); OOM_CHECK($$ = juxtapose(st, $1, $2, &@2, $4, &@3, &@$)); }
    /* the same for a plain number, read without a reduction to `number` of its own (a
     * plain number and quantity and a name stand alone in expr and base) */
    | NUM IDENT '^' exponent
                        { node_t *n; OOM_CHECK(n = NEW(E_NUM, @1)); OOM_CHECK(number_done(st, n));
                          OOM_CHECK($$ = juxtapose(st, n, $2, &@2, $4, &@3, &@$)); }
    | STRING            { OOM_CHECK($$ = NEW(E_STR, @1)); $$->text = $1; }
    | DATE              { OOM_CHECK($$ = NEW(E_DATE, @1)); $$->text = $1; }
    | TRUE              { OOM_CHECK($$ = NEW(E_BOOL, @1)); $$->op = 1; }
    | FALSE             { OOM_CHECK($$ = NEW(E_BOOL, @1)); $$->op = 0; }
    | '(' expr ')' %prec NUMBER_ALONE   /* (3 USD) stays whole */
                        { $$ = $2; if ($$->kind == E_QUANTITY) OOM_CHECK($$ = unquantity(st, $$)); if ($$->kind == E_BINOP) $$->flag = 0; }
    | '(' expr ')' IDENT %prec JUXTA
                        { OOM_CHECK($$ = juxtapose(st, $2, $4, &@4, NULL, NULL, &@$)); }
    | '(' expr ')' IDENT '^' exponent
                        { OOM_CHECK($$ = juxtapose(st, $2, $4, &@4, $6, &@5, &@$)); }
    | '[' opt_args ']'  { OOM_CHECK($$ = NEW(E_LIST, @$)); $$->list = $2.head; }
    | '{' defs '}'      { OOM_CHECK($$ = NEW(E_RECORD, @$)); $$->list = $2.head; }
    ;

exponent
    : NUM               { OOM_CHECK($$ = NEW(E_NUM, @1)); OOM_CHECK(number_done(st, $$)); }
    | '-' NUM           { node_t *n; OOM_CHECK(n = NEW(E_NUM, @2)); OOM_CHECK(number_done(st, n));
                          OOM_CHECK($$ = NEW(E_UNARY, @1)); $$->op = '-'; $$->a = n; }
    | '(' expr ')'      { $$ = $2; }
    ;

/* a scaled or percent number; its text is set (number_done) once it is known not to be a
 * quantity's */
number
    : NUM SCALE         { OOM_CHECK($$ = NEW(E_NUM, @$)); $$->op = scale_exponent($2); }
    | NUM '%'           { OOM_CHECK($$ = NEW(E_NUM, @$)); $$->flag = 1; }
    ;

opt_args: %empty { $$ = list1(NULL); } | args opt_comma ;
opt_comma: %empty | ',' ;
args
    : expr              { $$ = list1($1); }
    | args ',' expr     { $$ = list_add($1, $3); }
    ;

%%

static int scale_exponent(const char *w)
{
    return !strcmp(w, "thousand") ? 3 : !strcmp(w, "million") ? 6 : !strcmp(w, "billion") ? 9 : 12;
}

static void yyerror(YYLTYPE *where, void *scanner, lex_state *st, const char *msg)
{
    (void)scanner;
    if (st->err) return;  /* the lexer already said what was wrong */
    const loc_t *loc = (const loc_t[]){ source_loc(st->src, where->start, where->end) };
    if (!strcmp(msg, "memory exhausted"))
        st->err = diag_new(DIAG_LIMIT, loc, "expression nested too deeply");
    else
        st->err = diag_new(DIAG_SYNTAX, loc, "%s", msg);
    /* "1,000 USD": a comma between digits, as a spreadsheet groups thousands */
    size_t len;
    const char *line = loc->src ? source_line(loc->src, loc->first_line, &len) : NULL;
    size_t at = loc->first_column > 0 ? (size_t)loc->first_column - 1 : 0;
    if (st->err && line && at > 0 && at + 3 < len && line[at] == ',' && isdigit((unsigned char)line[at - 1]) &&
        isdigit((unsigned char)line[at + 1]) && isdigit((unsigned char)line[at + 2]) && isdigit((unsigned char)line[at + 3]))
        diag_set_hint(st->err, "to group digits, write 1_000 (a comma separates items)");
    /* if x = 3: a comparison is written == */
    if (st->err && !st->err->hint && !st->open_depth && line && at < len && line[at] == '=' && (at + 1 >= len || line[at + 1] != '='))
        diag_set_hint(st->err, "to compare, use `==` (`=` defines a name)");
    /* a line that starts with an operator continued the line before, which cannot take it */
    size_t lead = 0;
    while (line && lead < at && (line[lead] == ' ' || line[lead] == '\t')) lead++;
    if (st->err && !st->err->hint && line && lead == at && at < len && strchr("+-*/^<>=!", line[at]))
        diag_set_hint(st->err, "a line that starts with `%c` continues the line before it; "
                      "join the lines or start the statement with a name", line[at]);
}
