/* guards: the checks that turn a likely one-character slip into an error with a fix,
 * instead of a confident wrong number — a percentage compared with or added to a plain
 * number, a contract share written without `%`, a commitment computed from a rate — and
 * the hints that say how to fix a mistake a new user makes (`import "hardware"`, `gpu*hour`). */
#include "interp.h"
#include "guards.h"
#include "contract.h"
#include "engine.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Written as a percentage (99.9%, or 99.9 percent) and not yet combined with a unit. */
static int is_percentage(const units_t *u, const value_t *v)
{
    /* the unit's lookup by name last: every addition of quantities asks */
    if (v->kind != V_NUM || !dim_is_zero(value_dim(v)) || value_disp(v)->n != 1 || value_disp(v)->t[0].exp != 1) return 0;
    int pct = units_find((units_t *)u, "percent");
    return pct >= 0 && value_disp(v)->t[0].unit == pct;
}

static int is_plain(const value_t *v)
{
    return v->kind == V_NUM && dim_is_zero(value_dim(v)) && value_disp(v)->n == 0;
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
    eval_fail(e, AST_LOC(n), DIAG_UNIT, "%s a percentage and a plain number: %s %s %s",
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
        if (value_dim(v)->e[d] > 0 && d != time && !units_is_currency(u, d)) return 1;
    return 0;
}

/* Finds a factor of a product or quotient that is usage; its location into *at. */
static int usage_factor(eval_t *e, const node_t *n, loc_t *at)
{
    if (n->kind == E_BINOP && (n->op == '*' || n->op == '/') && !n->flag)
        return usage_factor(e, n->a, at) || (!e->err && usage_factor(e, n->b, at));
    value_t *v = eval_expr(e, n);
    int r = v && is_usage(e->sh->units, v);
    if (r) *at = ast_loc(n);
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
                      "`reserve SKU = QUANTITY` with `commit 80%% of reserved SKU`, or `commit 500000 SKU per month`");
    return 0;
}

static int word_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void guards_hyphen_hint(eval_t *e, const node_t *n)
{
    size_t len;
    const char *line = e->err && !e->err->hint && n->op == '-' && ast_loc(n).src ? source_line(ast_loc(n).src, ast_loc(n).first_line, &len) : NULL;
    size_t at = ast_loc(n).first_column > 0 ? (size_t)ast_loc(n).first_column - 1 : 0;
    if (!line || at == 0 || at + 1 >= len || !word_char(line[at - 1]) || !word_char(line[at + 1])) return;
    size_t from = at, to = at + 1;
    while (from > 0 && word_char(line[from - 1])) from--;
    while (to < len && word_char(line[to])) to++;
    int k = (int)(at - from), m = (int)(to - at - 1);
    diag_set_hint(e->err, "`%.*s-%.*s` subtracts; a unit of both is written `%.*s*%.*s` (after `/`, in parentheses: `USD/(%.*s*%.*s)`)",
                  k, line + from, m, line + at + 1, k, line + from, m, line + at + 1, k, line + from, m, line + at + 1);
}

int guards_tier(eval_t *e, const node_t *t, const value_t *q, const value_t *prev)
{
    units_t *u = e->sh->units;
    char *sq = eval_describe(e, q), *sp = eval_describe(e, prev);
    int ok = 0;
    if (q->kind != V_NUM || prev->kind != V_NUM || q->u.num.dim_id != prev->u.num.dim_id) {
        char *dq = q->kind == V_NUM ? units_format_dim(u, value_dim(q)) : NULL;
        char *dp = units_format_dim(u, value_dim(prev));
        eval_fail(e, AST_LOC(t->a), DIAG_UNIT, "this tier is measured in %s (%s), but the tiers before it in %s (they end at %s)",
                  dq ? dq : "?", sq ? sq : "?", dp ? dp : "?", sp ? sp : "?");
        if (e->err) diag_set_hint(e->err, "every tier of one rate counts the same usage: give this one in %s too, like %s", dp ? dp : "?", sp ? sp : "?");
        free(dq); free(dp);
    } else if (t->op == TIER_NEXT && mpq_sgn(q->u.num.q) <= 0) {
        eval_fail(e, AST_LOC(t->a), DIAG_RUNTIME, "a `next` tier must be larger than zero, not %s", sq ? sq : "?");
    } else if (t->op != TIER_NEXT && mpq_cmp(q->u.num.q, prev->u.num.q) <= 0) {
        eval_fail(e, AST_LOC(t->a), DIAG_RUNTIME, "tier bounds must increase: this tier ends at %s, the previous one already at %s", sq ? sq : "?", sp ? sp : "?");
        if (e->err) diag_set_hint(e->err, "`up to` and `first` give where a tier ends, counted from zero; `next` gives its size");
    } else ok = 1;
    free(sq); free(sp);
    return ok;
}

void guards_period_note(eval_t *e, const char *workload, date_t start, date_t end, long index)
{
    if (!e->err || e->err->hint) return;
    char from[16], to[16];
    dates_format(start, from);
    dates_format(end, to);
    const char *q = e->err->kind == DIAG_NAME && !strncmp(e->err->msg, "unknown name `", 14) ? e->err->msg + 14 : NULL;
    if (q)   /* an SLA condition reads a field the workload lacks */
        diag_set_hint(e->err, "workload %s has no field `%.*s`: define it in the workload (pricing the period from %s until %s, period.index %ld)",
                      workload, (int)strcspn(q, "`"), q, from, to, index);
    else
        diag_set_hint(e->err, "while pricing workload %s for the period from %s until %s (period.index %ld)", workload, from, to, index);
}

/* Whether text defines name at the start of a line (NAME =, contract NAME, fn NAME(...). */
static int defines(const char *text, size_t len, const char *name)
{
    size_t n = strlen(name);
    static const char *heads[] = { "", "contract ", "workload ", "fn ", "unit " };
    for (size_t at = 0; at < len; ) {
        const char *line = text + at, *nl = memchr(line, '\n', len - at);
        size_t ll = nl ? (size_t)(nl - line) : len - at;
        for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
            size_t hl = strlen(heads[h]);
            if (ll < hl + n || strncmp(line, heads[h], hl) || strncmp(line + hl, name, n)) continue;
            const char *after = line + hl + n, *end = line + ll;
            if (after < end && word_char(*after)) continue;
            while (after < end && *after == ' ') after++;
            if (h > 0 || (after < end && *after == '=' && (after + 1 == end || after[1] != '='))) return 1;
        }
        at += ll + 1;
    }
    return 0;
}

enum { STDLIB_FILE_MAX = 4 << 20 };

/* Whether the regular file at path defines name. */
static int file_defines(const char *path, const char *name)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0) return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > STDLIB_FILE_MAX) { close(fd); return 0; }
    char *buf = malloc((size_t)st.st_size + 1);
    ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    close(fd);
    int r = got > 0 && defines(buf, (size_t)got, name);
    free(buf);
    return r;
}

/* Searches dir/sub for a file NAME.outlay that defines name; its import name into out. */
static int find_in_dir(const char *dir, const char *sub, const char *name, char *out, size_t outlen, int depth)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s%s", dir, *sub ? "/" : "", sub);
    DIR *d = opendir(path);
    if (!d) return 0;
    int found = 0;
    for (struct dirent *de; !found && (de = readdir(d)); ) {
        if (de->d_name[0] == '.') continue;
        size_t l = strlen(de->d_name);
        char rel[PATH_MAX], full[PATH_MAX];
        if ((size_t)snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", de->d_name) >= sizeof rel) continue;
        if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, rel) >= sizeof full) continue;
        struct stat st;
        if (lstat(full, &st) != 0) continue;
        if (S_ISDIR(st.st_mode) && depth == 0) found = find_in_dir(dir, rel, name, out, outlen, 1);
        else if (S_ISREG(st.st_mode) && l > 7 && !strcmp(de->d_name + l - 7, ".outlay") && strcmp(rel, "prelude.outlay") &&
                 file_defines(full, name)) {
            snprintf(out, outlen, "%.*s", (int)(strlen(rel) - 7), rel);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

int guards_import_hint(eval_t *e, const char *name)
{
    char found[PATH_MAX];
    for (size_t i = 0; e->err && i < e->sh->ndirs; i++)
        if (find_in_dir(e->sh->dirs[i], "", name, found, sizeof found, 0)) {
            diag_set_hint(e->err, "`%s` is defined in \"%s\": add `import \"%s\"` first", name, found, found);
            return 1;
        }
    return 0;
}

void guards_term_order(eval_t *e, const node_t *contract, date_t start, date_t end)
{
    char from[16], to[16];
    dates_format(start, from);
    dates_format(end, to);
    eval_fail(e, AST_LOC(contract), DIAG_RUNTIME, "contract %s ends (%s) %s it starts (%s)", contract->text, to,
              end == start ? "on the day" : "before", from);
}

/* The currency a price is in (the currency dimension with a positive power), or -1. */
static int price_currency(const units_t *u, const value_t *v)
{
    if (!v || v->kind != V_NUM) return -1;
    for (int d = 0; d < units_dimension_count(u) && d < DIM_MAX; d++)
        if (value_dim(v)->e[d] > 0 && units_is_currency(u, d)) return d;
    return -1;
}

/* "2 USD/(gpu*hour)" for a plain rate of SKU gpu_hour: the SKU's name read as units. */
static char *rate_example(eval_t *e, const value_t *rate, const char *sku, const char *currency)
{
    units_t *u = e->sh->units;
    mpq_t m;
    mpq_init(m);
    value_magnitude(u, rate, m);
    value_t *n = value_num(m);
    mpq_clear(m);
    char *num = n ? eval_describe(e, n) : NULL;
    value_free(n);
    char per[256] = "", part[64];
    int parts = 0, all_units = 1;
    for (const char *p = sku; *p && all_units; ) {
        size_t len = strcspn(p, "_");
        snprintf(part, sizeof part, "%.*s", (int)(len < sizeof part ? len : sizeof part - 1), p);
        all_units = len > 0 && len < sizeof part && units_find(u, part) >= 0;
        if (all_units && strlen(per) + len + 2 < sizeof per) { if (parts++) strcat(per, "*"); strcat(per, part); }
        p += len;
        if (*p == '_') p++;
    }
    char *s = all_units && parts ? diag_format(parts > 1 ? "%s %s/(%s)" : "%s %s/%s", num ? num : "?", currency, per)
                                 : diag_format("%s %s/UNIT", num ? num : "?", currency);
    free(num);
    return s;
}

int guards_contract(eval_t *e, const contract_t *c, const node_t *const *rate_nodes)
{
    units_t *u = e->sh->units;
    int currency = -1;
    size_t first = 0;
    /* the contract's currency: its first rate that has one, else its first amount */
    for (size_t i = 0; i < c->nskus && currency < 0; i++)
        if ((currency = price_currency(u, engine_sku_rate(&c->skus[i]))) >= 0) first = i;
    for (size_t i = 0; i < c->ncommits && currency < 0; i++) currency = price_currency(u, c->commits[i].amount);
    for (size_t i = 0; i < c->nfees && currency < 0; i++) currency = price_currency(u, c->fees[i].amount);
    const char *code = currency >= 0 ? units_dimension_name(u, currency) : "USD";
    for (size_t i = 0; i < c->nskus; i++) {
        const sku_terms_t *s = &c->skus[i];
        for (size_t k = 0; k < (s->kind == PRICE_FLAT ? 1 : s->ntiers) + 1; k++) {
            int overage = k == (s->kind == PRICE_FLAT ? 1 : s->ntiers);
            const value_t *r = overage ? s->overage : s->kind == PRICE_FLAT ? s->rate : s->tiers[k].rate;
            if (!r || r->kind != V_NUM) continue;
            const loc_t *at = rate_nodes && rate_nodes[i] ? AST_LOC(rate_nodes[i]) : NULL;
            const char *what = overage ? "the overage rate of" : "rate";
            int cur = price_currency(u, r);
            if (cur < 0) {
                char *ex = rate_example(e, r, s->sku, code);
                eval_fail(e, at, DIAG_UNIT, "%s `%s` has no currency: write `%s`", what, s->sku, ex ? ex : "2 USD/UNIT");
                free(ex);
                return 0;
            }
            if (cur != currency) {
                eval_fail(e, at, DIAG_UNIT, "%s `%s` is in %s, but the contract is in %s (rate `%s`)", what, s->sku,
                          units_dimension_name(u, cur), code, c->skus[first].sku);
                if (e->err) diag_set_hint(e->err, "a contract prices in one currency: convert this rate to %s, "
                                          "or price it under a contract of its own", code);
                return 0;
            }
        }
    }
    return 1;
}

/* Whether contract c has a rate for every SKU workload w uses (and w uses one at least). */
static int prices_all(const contract_t *c, const node_t *w)
{
    int uses = 0;
    for (const node_t *it = w->list; it; it = it->next) {
        if (it->kind != W_USE) continue;
        size_t i = 0;
        while (i < c->nskus && strcmp(c->skus[i].sku, it->text)) i++;
        if (i == c->nskus) return 0;
        uses = 1;
    }
    return uses;
}

size_t eval_loaded_count(const eval_t *e)
{
    return e->sh->nmain;
}

int eval_check_pricing(eval_t *e, size_t since, diag_t **err)
{
    shared_t *sh = e->sh;
    for (size_t i = 0; i < sh->nmain && !e->err; i++)
        for (const node_t *w = sh->main[i]; w && !e->err; w = w->next) {
            binding_t *bw = w->kind == S_WORKLOAD ? eval_global_find(e, w->text) : NULL;
            if (!bw || bw->def != w) continue;
            for (size_t j = i >= since ? 0 : since; j < sh->nmain && !e->err; j++)   /* a pair with a side loaded since */
                for (const node_t *c = sh->main[j]; c && !e->err; c = c->next) {
                    binding_t *bc = c->kind == S_CONTRACT ? eval_global_find(e, c->text) : NULL;
                    if (!bc || bc->def != c || bc->value->kind != V_OBJECT || !prices_all(terms_contract_terms(bc->value), w)) continue;
                    value_t *args[2] = { bw->value, bc->value };
                    value_free(terms_price(e, w, args, 2));
                    if (e->err && !e->err->hint)
                        diag_set_hint(e->err, "found by pricing workload %s under contract %s", w->text, c->text);
                }
        }
    return eval_take_error(e, err);
}

/* Whether line holds name as a whole word. */
static int has_word(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n <= len; i++)
        if (!strncmp(line + i, name, n) && (i == 0 || !word_char(line[i - 1])) && (i + n == len || !word_char(line[i + n])))
            return 1;
    return 0;
}

void guards_blame_set(eval_t *e)
{
    if (!e->err || !e->err->loc.src) return;
    size_t len;
    const char *line = source_line(e->err->loc.src, e->err->loc.first_line, &len);
    for (override_t *o = e->overrides; line && o; o = o->next) {
        if (!o->from_set || !o->used || !o->expr || !o->loc.src || o->loc.src == e->err->loc.src || !has_word(line, len, o->name))
            continue;
        char *was = diag_format("%s:%d:%d", e->err->loc.src->name, e->err->loc.first_line, e->err->loc.first_column);
        char *old = e->err->hint ? strdup(e->err->hint) : NULL;
        loc_t span = o->loc;
        span.first_column = 1;
        span.last_line = span.first_line;
        source_line(o->loc.src, o->loc.first_line, &len);
        span.last_column = len > 0 ? (int)len : 1;
        e->err->loc = span;
        diag_set_hint(e->err, "this --set replaced `%s`, which the program uses at %s%s%s", o->name, was ? was : "?",
                      old ? "; " : "", old ? old : "");
        free(was);
        free(old);
        return;
    }
}
