/* deps: which definitions a change of names touches (see deps.c). */
#ifndef OUTLAY_DEPS_H
#define OUTLAY_DEPS_H
#include <stddef.h>
#include "ast.h"

typedef struct deps deps_t;
typedef struct deps_touched deps_touched_t;
typedef struct deps_set deps_set_t;

deps_t *deps_new(void);
/* The name a statement defines (a global, function, contract, workload, unit), or NULL. */
const char *deps_defined_name(const node_t *s);
/* Adds a program's statements (a file, a REPL line) to the graph. */
void deps_add_program(deps_t *d, const node_t *stmts);
/* Adds one definition of name by expr (an override: --set, a scenario's value). */
void deps_add_definition(deps_t *d, const char *name, const node_t *expr);
/* Whether statements read any name, unit or percentage: those of a program that reads
 * none (eval '1/3 + 1/6') need no prelude. */
int deps_needs_names(const node_t *stmts);
/* Calls fn on every name read in a chain of expressions or clauses and below it. */
void deps_each_read(const node_t *n, void (*fn)(const char *name, void *ctx), void *ctx);
int deps_failed(const deps_t *d);      /* out of memory while building: trust nothing */
void deps_free(deps_t *d);

/* The names touched when the changed names change: they and every name that reads one. */
deps_touched_t *deps_touch(const deps_t *d, const char *const *changed, size_t n);
int deps_name_touched(const deps_touched_t *t, const char *name);
/* Whether a statement may come out differently: it defines or reads a touched name. */
int deps_stmt_touched(const deps_touched_t *t, const node_t *s);
void deps_touched_free(deps_touched_t *t);

/* A set of pointers: the statements a run has done. */
deps_set_t *deps_set_new(void);
int deps_set_add(deps_set_t *s, const void *p);   /* 0 when out of memory */
int deps_set_has(const deps_set_t *s, const void *p);
void deps_set_free(deps_set_t *s);
#endif
