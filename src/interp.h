/* interp: the interpreter's internals, shared by the modules that make up eval —
 * eval.c (names, expressions, statements, files), terms.c (contracts and workloads into
 * the pricing engine's terms), scenario.c (overrides, scenarios, compare, sweep) and
 * explain.c. Nothing else includes it: the rest of the program sees eval.h. */
#ifndef OUTLAY_INTERP_H
#define OUTLAY_INTERP_H
#include <stdio.h>
#include "eval.h"
#include "deps.h"
#include "policy.h"
#include "strmap.h"

enum { NBUCKETS = 1024, UNIT_MEMO_SLOTS = 64 };

/* expr is what was evaluated (the definition's, or an override's), for explain */
typedef struct binding { char *name; value_t *value; loc_t loc; const node_t *def, *expr; int overridden; struct binding *next; } binding_t;
/* Local names (parameters, record and workload fields) on a stack through up; each is also
 * on the chain of its hash slot through shadow, newest first, so a lookup reads one chain.
 * seq numbers the pushes: a function's body sees only those from its call on. */
enum { SCOPE_SLOTS = 64 };
typedef struct scope { const char *name; value_t *value; struct scope *up, *shadow; unsigned slot; unsigned long seq; } scope_t;
typedef struct override { char *name; const node_t *expr; value_t *value; loc_t loc; int used; int from_set; struct override *next; } override_t;
/* A parsed file, with what its file looked like then (an edited file is parsed again) */
typedef struct loaded {
    char *path; node_t *ast; arena_t *arena;
    long long size, mtime_s, mtime_ns, inode;
    struct loaded *next;
} loaded_t;

/* What a run and its scenario re-runs share: the units, the search path, parsed files. */
typedef struct shared {
    units_t *units;
    char **dirs;
    size_t ndirs;
    loaded_t *files;
    strmap_t *parsed;       /* real path -> its newest loaded_t */
    policy_t *policy;       /* what the program may read */
    arena_t *arena;         /* --set expressions, REPL lines */
    node_t **main;          /* the loaded program, one AST per source, in order */
    size_t nmain, capmain;
    node_t *scenarios[256];
    size_t nscenarios;
    long steps;             /* expressions evaluated by every run together, against MAX_TOTAL_STEPS */
    int redefine;           /* the REPL: a new definition replaces the old one */
    int skip_bad_rows;      /* --skip-bad-rows: usage files skip bad rows with a warning */
    const char *usage_path; /* outlay price/audit --usage: read in place of the program's file */
    int usage_reads;        /* read_usage calls that read it */
    const char *usage_table; /* --usage-table: the table of a --usage database URI */
    long usage_timeout_ms;  /* --timeout for database sources; 0: none */
    int allow_database;     /* --allow-database: a program's postgres() may connect */
    int show_query;         /* --show-query: keep each database query for main to print */
    char *usage_queries;    /* the queries kept, one after another */
    deps_set_t *done;       /* statements the program's own run has done (not re-runs) */
    struct terms_memo *price_memos;   /* what price() calls kept for re-runs (terms.c) */
    const node_t *prelude;  /* the prelude's statements, once a run has loaded it */
    /* The values of unit names as read (`607 hour`, `USD`), in slots by where the
     * lexer's copy of the name is (one per name and source), kept with the name's text:
     * a copy freed and another made at its place may be another name. Emptied when a
     * unit statement runs. An entry also stands for "no global of this name is visible"
     * in the run (and parent) it was made in, while names_gen is what it was then: only
     * a definition makes a global visible, and each counts names_gen up. */
    struct unit_memo { const char *at; char name[24]; value_t *value; const eval_t *run, *parent; unsigned long gen; } unit_memo[UNIT_MEMO_SLOTS];
    unsigned long names_gen;
} shared_t;

struct eval {
    shared_t *sh;
    int is_root;
    binding_t *globals[NBUCKETS];
    strmap_t *imported;     /* real paths of the files this run imported */
    override_t *overrides;
    size_t ran;             /* main ASTs already run */
    shown_t *shown;
    size_t nshown, capshown;
    assertion_t *asserts;
    size_t nasserts, capasserts;
    int quiet, rerun;
    char *scenario;         /* the scenario this run uses (sweeps keep it; compare sets its own) */
    int prelude_loaded;
    int depth, calls;
    int recomputing;        /* the REPL is evaluating again what read a redefined name */
    long steps;             /* expressions evaluated by this run, against MAX_STEPS */
    diag_t *err;
    value_t *last;
    scope_t *scope;
    scope_t *scope_slots[SCOPE_SLOTS];
    unsigned long scope_seq, scope_floor;   /* the next push's number, the first one visible */
    const char *current_dir;
    const node_t *failed_stmt;  /* the statement the last failed run stopped at */
    int importing;              /* inside an imported file: definitions only, nothing shown */
    /* A re-run looks up in its parent what it did not define itself, and skips the
     * statements its parent has done that the change does not touch. */
    const eval_t *parent;
    deps_touched_t *touched;
    struct fx_table *fx;        /* the exchange-rate tables this run declared */
    /* While price() evaluates a workload: its subexpressions that are the same in every
     * period, each kept once evaluated (terms.c) */
    const struct terms_fold *fold;
    char **warnings;            /* "file:line:col: warning: ..." lines, printed after the run */
    size_t nwarnings;
};

/* eval.c */
value_t *eval_fail(eval_t *e, const loc_t *loc, diag_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
value_t *eval_fail_with(eval_t *e, const loc_t *loc, char *msg);   /* takes msg */
value_t *eval_expr(eval_t *e, const node_t *n);
binding_t *eval_global_find(const eval_t *e, const char *name);
/* A global as an expression sees it: a re-run's own, or else its parent's. */
binding_t *eval_global_visible(const eval_t *e, const char *name);
value_t *eval_scope_find(const eval_t *e, const char *name);
int eval_scope_push(eval_t *e, const char *name, value_t *v);      /* takes v */
void eval_scope_pop_to(eval_t *e, scope_t *mark);
/* the closest name to target among those offered, for "did you mean" hints */
struct eval_suggest { const char *target; const char *best; size_t dist; };
void eval_suggest_one(const char *name, void *ctx);
void eval_suggest(eval_t *e, const char *name);                    /* hints e->err */
/* Hints e->err with the closest name offered, when it is close enough for its length to be a typo. */
void eval_hint_closest(eval_t *e, const struct eval_suggest *s);
char *eval_loc_text(const loc_t *l);
char *eval_describe(eval_t *e, const value_t *v);
int eval_take_error(eval_t *e, diag_t **err);
/* Counts work against the run's step limit (expressions, and pricing in proportion). */
int eval_charge(eval_t *e, long steps, const loc_t *loc);
int eval_run_in_dir(eval_t *e, const node_t *ast, const char *path);
/* Parses text (--set NAME=EXPR, a REPL :type) as exactly one statement of the given kind,
 * in the run's arena; NULL and *err (saying what was expected) otherwise. */
node_t *eval_parse_one(eval_t *e, const char *name, const char *text, node_kind kind, const char *expected, diag_t **err);
int eval_ensure_prelude(eval_t *e);
eval_t *eval_child(eval_t *parent);

/* The functions that need the evaluator itself (price, read_usage, ...), by name; NULL
 * for any other name. */
typedef value_t *(*eval_call_fn)(eval_t *e, const node_t *call, value_t **args, size_t nargs);
eval_call_fn eval_call_find(const char *name);

/* terms.c */
extern const value_object_type_t terms_workload_type, terms_contract_type;
value_t *terms_contract(eval_t *e, const node_t *n);
value_t *terms_contract_field(eval_t *e, const value_t *contract, const char *name, const loc_t *loc);
value_t *terms_workload_field(eval_t *e, const node_t *wl, const char *name, const loc_t *loc);
value_t *terms_price(eval_t *e, const node_t *call, value_t **args, size_t nargs);
const struct contract *terms_contract_terms(const value_t *contract);   /* the engine's terms */
typedef struct terms_memo terms_memo_t;
void terms_memo_free(terms_memo_t *m);
/* Where the value of n is kept while its workload is priced, when n is one of the
 * subexpressions that are the same in every period (NULL otherwise; *slot NULL until
 * first evaluated). */
value_t **terms_fold_slot(const struct terms_fold *f, const node_t *n);

/* A warning (a usage file's skipped rows): the run goes on; main prints it. */
void eval_warn(eval_t *e, const loc_t *loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Shows v (taken) under label, as `show` does. */
int eval_show_value(eval_t *e, const char *label, value_t *v);

/* usage_eval.c */
struct contract;
struct contract_hours;
struct period;
extern const value_object_type_t usage_eval_type;
int usage_eval_is(const value_t *v);
const char *usage_eval_name(const value_t *v);
value_t *usage_eval_read(eval_t *e, const node_t *call, value_t **args, size_t nargs);
value_t *usage_eval_reconcile(eval_t *e, const node_t *call, value_t **args, size_t nargs);
/* The engine's usage from a usage table: per period in out[p * nskus + s], and hour by
 * hour in *hours when the contract applies reservations hourly. */
int usage_eval_fill(eval_t *e, const node_t *call, const value_t *usage, const struct contract *c,
                    const struct period *periods, size_t np, value_t **out, struct contract_hours **hours);

/* usage_pg_eval.c */
int usage_pg_eval_is(const value_t *v);
value_t *usage_pg_eval_postgres(eval_t *e, const node_t *call, value_t **args, size_t nargs);
struct usage_table;
struct usage_spec;
int usage_pg_eval_load(eval_t *e, const value_t *src, const char *uri, struct usage_table *t,
                       const struct usage_spec *spec, diag_t **err);
char *usage_pg_eval_name(eval_t *e, const value_t *src, const char *uri);

/* fx_eval.c */
int fx_eval_statement(eval_t *e, const node_t *n);
value_t *fx_eval_convert(eval_t *e, const node_t *call, value_t **args, size_t nargs);
/* The invoice in currency `to` by the run's rates, rounded as its contract rounds; NULL and
 * an error at `at` (a rate missing for a period, a contract rounding each line). */
value_t *fx_eval_invoice(eval_t *e, const value_t *inv, const char *to, const loc_t *at);

/* scenario.c */
/* The graph of the program's definitions and its overrides; NULL when out of memory. */
deps_t *scenario_program_deps(eval_t *e);
const override_t *scenario_override_for(eval_t *e, const char *name);
value_t *scenario_value(eval_t *e, const char *name, const node_t *expr);
int scenario_check_used(eval_t *e);
int scenario_register(eval_t *e, node_t *ast);
value_t *scenario_table(eval_t *e, const node_t *n);
#endif
