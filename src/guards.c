/* guards: the checks that turn a likely one-character slip into an error with a fix,
 * instead of a confident wrong number — a percentage compared with or added to a plain
 * number, a contract share written without `%`, a commitment computed from a rate. */
#include "interp.h"
#include "guards.h"
#include "report.h"
#include <stdlib.h>
#include <string.h>

/* Written as a percentage (99.9%, or 99.9 percent) and not yet combined with a unit. */
static int is_percentage(const units_t *u, const value_t *v)
{
    int pct = units_find((units_t *)u, "percent");
    return v->kind == V_NUM && dim_is_zero(&v->u.num.dim) && pct >= 0 && v->u.num.disp.n == 1 &&
           v->u.num.disp.t[0].unit == pct && v->u.num.disp.t[0].exp == 1;
}

static int is_plain(const value_t *v)
{
    return v->kind == V_NUM && dim_is_zero(&v->u.num.dim) && v->u.num.disp.n == 0;
}

/* Whether |x| > 1: as a ratio, more than 100%. */
static int beyond_one(const mpq_t x)
{
    mpz_t a;
    mpz_init(a);
    mpz_abs(a, mpq_numref(x));
    int r = mpz_cmp(a, mpq_denref(x)) > 0;
    mpz_clear(a);
    return r;
}

/* q as a percentage: "500" for 5 (malloc'd). */
static char *percent_text(eval_t *e, const mpq_t q)
{
    mpq_t h;
    mpq_init(h);
    mpq_set_ui(h, 100, 1);
    mpq_mul(h, h, q);
    value_t *v = value_num(h);
    mpq_clear(h);
    char *s = v ? eval_describe(e, v) : NULL;
    value_free(v);
    return s;
}

int guards_percent_mix(eval_t *e, int op, const value_t *a, const value_t *b, const node_t *n)
{
    units_t *u = e->sh->units;
    const value_t *pct = is_percentage(u, a) ? a : is_percentage(u, b) ? b : NULL;
    const value_t *plain = pct == a ? b : a;
    if (!pct || !is_plain(plain) || !beyond_one(plain->u.num.q)) return 1;
    static const char *ops[] = { "==", "!=", "<", "<=", ">", ">=" };
    const char *optext = op == '+' ? "+" : op == '-' ? "-" : op >= OP_EQ && op <= OP_GE ? ops[op - OP_EQ] : "?";
    char *sa = eval_describe(e, a), *sb = eval_describe(e, b), *sx = eval_describe(e, plain), *sh = percent_text(e, plain->u.num.q);
    eval_fail(e, &n->loc, DIAG_UNIT, "%s a percentage and a plain number: %s %s %s",
              op == '+' || op == '-' ? "combining" : "comparing", sa ? sa : "?", optext, sb ? sb : "?");
    if (e->err)
        diag_set_hint(e->err, "a plain number is a ratio (%s is %s%%): if it is a percentage, write `%s%%`",
                      sx ? sx : "?", sh ? sh : "?", sx ? sx : "?");
    free(sa); free(sb);
    free(sx); free(sh);
    return 0;
}

int guards_ratio(eval_t *e, const value_t *v, const loc_t *loc, const char *what)
{
    if (!is_plain(v) || !beyond_one(v->u.num.q)) return 1;
    char *s = eval_describe(e, v), *sh = percent_text(e, v->u.num.q);
    eval_fail(e, loc, DIAG_RUNTIME, "%s written without `%%` is a ratio: %s is %s%%", what, s ? s : "?", sh ? sh : "?");
    if (e->err) diag_set_hint(e->err, "write `%s%%` (a ratio is a share: 5%% is 0.05)", s ? s : "?");
    free(s); free(sh);
    return 0;
}

/* Usage is a quantity of something other than money and time: 1024 gpu, 5 TB. */
static int is_usage(const units_t *u, const value_t *v)
{
    if (v->kind != V_NUM) return 0;
    int time = units_find_dimension(u, "time");
    for (int d = 0; d < units_dimension_count(u) && d < DIM_MAX; d++)
        if (v->u.num.dim.e[d] > 0 && d != time && !units_is_currency(u, d)) return 1;
    return 0;
}

/* Finds a factor of a product or quotient that is usage; its location into *at. */
static int usage_factor(eval_t *e, const node_t *n, loc_t *at)
{
    if (n->kind == E_BINOP && (n->op == '*' || n->op == '/') && !n->flag)
        return usage_factor(e, n->a, at) || (!e->err && usage_factor(e, n->b, at));
    value_t *v = eval_expr(e, n);
    int r = v && is_usage(e->sh->units, v);
    if (r) *at = n->loc;
    value_free(v);
    return r;
}

int guards_commit(eval_t *e, const value_t *amount, const node_t *n)
{
    loc_t at;
    if (amount->kind != V_NUM || is_usage(e->sh->units, amount) || n->kind != E_BINOP || !usage_factor(e, n, &at))
        return !e->err;
    eval_fail(e, &at, DIAG_RUNTIME, "a commitment computed from usage times a rate is a flat amount: "
              "it ignores each month's length and the escalator");
    if (e->err)
        diag_set_hint(e->err, "commit to the usage instead, so that it is priced at its rate each month: "
                      "`reserve SKU = QUANTITY`");
    return 0;
}
