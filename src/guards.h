/* guards: checks that turn a likely one-character slip into an error with a fix. Part
 * of the evaluator (see interp.h). Each returns 1 when the value is fine, 0 with the
 * run's error set to the likely slip. */
#ifndef OUTLAY_GUARDS_H
#define OUTLAY_GUARDS_H
#include "interp.h"

/* a percentage against a plain number beyond 1 (uptime < 99.5), for + - and comparisons */
int guards_percent_mix(eval_t *e, int op, const value_t *a, const value_t *b, const node_t *n);
/* an escalator, discount or credit written without % must be a ratio between -1 and 1 */
int guards_ratio(eval_t *e, const value_t *v, const loc_t *loc, const char *what);
/* a commitment must not be usage times a rate (a flat amount) */
int guards_commit(eval_t *e, const value_t *amount, const node_t *n);
/* `USD/gpu-hour`: a failed subtraction written between two words gets the `gpu*hour` hint */
void guards_hyphen_hint(eval_t *e, const node_t *n);
/* a tier bound or `next` size q after the previous bound prev: one dimension, increasing */
int guards_tier(eval_t *e, const node_t *t, const value_t *q, const value_t *prev);
/* names the workload and the period an error in a workload's evaluation happened in */
void guards_period_note(eval_t *e, const char *workload, date_t start, date_t end, long index);
/* an unknown name that a file in the import path defines: hints its import; 0 if none */
int guards_import_hint(eval_t *e, const char *name);
/* a contract that ends before it starts: both dates */
void guards_term_order(eval_t *e, const node_t *contract, date_t start, date_t end);
/* a contract's prices: each rate has a currency, and all are in the contract's one currency */
struct contract;
int guards_contract(eval_t *e, const struct contract *c, const node_t *const *rate_nodes);
/* an error on a line that reads a name --set replaced points at that --set */
void guards_blame_set(eval_t *e);
#endif
