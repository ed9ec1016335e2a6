/* eval: runs programs — definitions, imports, units, contracts, workloads, scenarios —
 * and collects what they show and assert. It owns the environment and the units. */
#ifndef OUTLAY_EVAL_H
#define OUTLAY_EVAL_H
#include <stdio.h>
#include "ast.h"
#include "diag.h"
#include "value.h"

typedef struct eval eval_t;

typedef struct shown {
    char *label;
    value_t *value;
} shown_t;

typedef struct assertion {
    char *label;              /* the condition's source text */
    char *message;            /* the user's message, or NULL */
    char *detail;             /* "expected <= X, got Y, over by Z", or NULL */
    loc_t loc;
    int passed;
} assertion_t;

/* A new interpreter with the prelude loaded; NULL and *err on failure. */
eval_t *eval_new(diag_t **err);
void eval_free(eval_t *e);
void eval_add_search_dir(eval_t *e, const char *dir);
/* The stdlib directory to use: OUTLAY_PATH entries, then the installed or source stdlib. */
void eval_default_search_path(eval_t *e);
/* --allow-path DIR: the program may also read files under DIR (see policy.h). */
int eval_allow_path(eval_t *e, const char *dir, diag_t **err);
/* The file-access policy: what the program may read, and what it has read. */
struct policy *eval_policy(eval_t *e);

/* --set NAME=EXPR: replaces the definition NAME wherever it is made. */
int eval_set_override(eval_t *e, const char *assignment, diag_t **err);
/* Loads a program without running it (so its scenarios are known). */
int eval_load_file(eval_t *e, const char *path, diag_t **err);
/* As eval_load_file, for a program its caller opened with policy_open_user and read
 * already (src: its text), such as a pipe read once to see whether it holds a program. */
struct policy_file;
int eval_load_read(eval_t *e, struct policy_file *f, source_t *src, diag_t **err);
int eval_load_source(eval_t *e, source_t *src, diag_t **err, int *incomplete);
/* --fx FILE: a file of exchange-rate tables (fx statements only), loaded before the program
 * so that its usage and its invoices convert by them. */
int eval_load_fx_file(eval_t *e, const char *path, diag_t **err);
int eval_use_scenario(eval_t *e, const char *name, diag_t **err);
/* Runs what was loaded. Returns 0 and *err on an error; shown values and assertions
 * collected so far stay available. */
int eval_run(eval_t *e, diag_t **err);
/* outlay check: prices each workload under each contract of the program that has rates for all
 * its uses, so that a usage its rate cannot price is found before anything runs. Only the pairs
 * with a workload or a contract among the statements loaded since the first `since` (0: all;
 * the REPL checks what a line or a file just defined, eval_loaded_count before it loaded). */
int eval_check_pricing(eval_t *e, size_t since, diag_t **err);
size_t eval_loaded_count(const eval_t *e);
/* Evaluates one expression against what is defined, without making it part of the
 * program; a new reference, or NULL and *err. */
value_t *eval_expression(eval_t *e, const char *name, const char *text, diag_t **err);
/* check mode: resolve names and dimensions without printing (shows are still evaluated). */
void eval_set_quiet(eval_t *e, int quiet);

/* Warnings of the run (usage rows skipped as bad), as lines to print. */
size_t eval_warning_count(const eval_t *e);
const char *eval_warning(const eval_t *e, size_t i);
/* --skip-bad-rows: a bad row of a usage file is skipped with a warning, not an error. */
void eval_set_skip_bad_rows(eval_t *e, int skip);
/* outlay price / audit --usage PATH: set before the run, PATH is read in place of the file
 * of the program's read_usage (with its mapping). */
void eval_set_usage_path(eval_t *e, const char *path);
/* Database usage sources: the table of a --usage URI (--usage-table), the time a database
 * may take (ms, 0: no limit), whether a program's postgres() may connect
 * (--allow-database), and whether each query sent is kept for --show-query. */
void eval_set_database(eval_t *e, const char *table, long timeout_ms, int allow, int show_query);
/* The queries kept for --show-query, escaped for printing; NULL when none. */
const char *eval_usage_queries(const eval_t *e);
/* After the run: prices the program's usage (PATH read through its read_usage, or with the
 * FOCUS columns when it has none) under the contract named `contract` (NULL: the
 * program's only contract) and shows the invoice as `bill` (converted into `currency`
 * unless NULL), or with reconcile, reconcile(bill, usage) as `audit`. */
int eval_price_usage(eval_t *e, const char *contract, int reconcile, const char *currency, diag_t **err);

size_t eval_shown_count(const eval_t *e);
const shown_t *eval_shown(const eval_t *e, size_t i);
void eval_clear_shown(eval_t *e);
size_t eval_assertion_count(const eval_t *e);
const assertion_t *eval_assertion(const eval_t *e, size_t i);
units_t *eval_units(eval_t *e);

/* REPL support */
/* Lets a definition (and a scenario) replace an earlier one of the same name, as an
 * analyst re-typing a line or re-loading an edited file expects. */
void eval_allow_redefinition(eval_t *e);
/* Calls fn for every defined name, unit and builtin (for completion). */
void eval_each_name(eval_t *e, void (*fn)(const char *name, void *ctx), void *ctx);
/* Calls fn for every global definition with its value (NULL when not computed). */
void eval_each_global(eval_t *e, void (*fn)(const char *name, const value_t *v, void *ctx), void *ctx);
#endif
