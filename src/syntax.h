/* syntax: the front end's interface — text in, AST out. Shared by grammar/lexer.l and
 * grammar/parser.y; the rest of the program calls only syntax_parse. */
#ifndef OUTLAY_SYNTAX_H
#define OUTLAY_SYNTAX_H
#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"
#include <setjmp.h>

/* Tokens and rules are located by byte offsets (span_t); line and column come later,
 * from the source, for the few places a diagnostic needs. */
#define YYLTYPE span_t
#define YYLTYPE_IS_DECLARED 1
#define YYLTYPE_IS_TRIVIAL 0
#define YYLOCATION_PRINT(File, Loc) ((void)0)

typedef struct node_list { node_t *head, *tail; } node_list_t;

enum { LEX_MAX_BRACES = 256, LEX_MAX_LITERAL = 1000 };
enum { FRAME_PLAIN, FRAME_CONTRACT, FRAME_WORKLOAD, FRAME_TIERS, FRAME_FX };

typedef struct lex_state {
    const source_t *src;
    arena_t *arena;
    ast_pool_t nodes;                  /* the arena's nodes, a block at a time */
    size_t offset;                     /* bytes consumed: where the next token starts */
    int frame_kind[LEX_MAX_BRACES];
    int frame_paren[LEX_MAX_BRACES];   /* ( and [ open inside each brace frame */
    int nframes;
    span_t frame_at[LEX_MAX_BRACES];    /* where each brace frame's `{` opened */
    int pending_frame;                 /* the kind the next '{' opens */
    int last_tok;                      /* 0 at the start of input */
    int open_depth;                    /* ( and [ open anywhere */
    span_t open_at[64];                /* where the innermost 64 of them opened */
    int at_line_start;
    int clause_line;                   /* this contract line began with a clause word */
    int eof_seen;
    diag_t *err;
    struct lex_names *names;           /* the names read so far, each kept once */
    node_t *program;
    int incomplete;                    /* input ended inside an open bracket or block */
    jmp_buf fatal;                     /* where flex's fatal errors return to */
} lex_state;

/* Parses a whole source. Returns the statement chain (NULL for empty input) or sets
 * *err. *incomplete (may be NULL) tells the REPL that more lines could complete it. */
node_t *syntax_parse(arena_t *arena, const source_t *src, diag_t **err, int *incomplete);
#endif
