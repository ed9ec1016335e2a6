/* fx: dated exchange-rate tables and the exact conversion by the rate in force. */
#include "fx.h"
#include "diag.h"
#include <stdlib.h>
#include <string.h>

fx_table_t *fx_table_new(const char *from, const char *to)
{
    fx_table_t *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->from = strdup(from);
    t->to = strdup(to);
    if (!t->from || !t->to) { fx_table_free(t); return NULL; }
    return t;
}

void fx_table_free(fx_table_t *t)
{
    while (t) {
        fx_table_t *next = t->next;
        for (size_t i = 0; i < t->n; i++) mpq_clear(t->steps[i].rate);
        free(t->steps);
        free(t->from);
        free(t->to);
        free(t);
        t = next;
    }
}

int fx_table_add(fx_table_t *t, date_t from, const mpq_t rate, char **err)
{
    char d[16], prev[16];
    dates_format(from, d);
    if (mpq_sgn(rate) <= 0) { *err = diag_format("the %s rate from %s must be positive", t->from, d); return 0; }
    if (t->n && from <= t->steps[t->n - 1].from) {
        dates_format(t->steps[t->n - 1].from, prev);
        *err = diag_format("the %s rates must be in date order: %s comes after %s", t->from, d, prev);
        return 0;
    }
    fx_step_t *s = realloc(t->steps, (t->n + 1) * sizeof *s);
    if (!s) { *err = diag_format("out of memory"); return 0; }
    t->steps = s;
    mpq_init(s[t->n].rate);
    mpq_set(s[t->n].rate, rate);
    s[t->n++].from = from;
    return 1;
}

int fx_table_end(fx_table_t *t, date_t until, char **err)
{
    if (t->n && until <= t->steps[t->n - 1].from) {
        char d[16];
        dates_format(until, d);
        *err = diag_format("the %s table ends on %s, before its last rate begins", t->from, d);
        return 0;
    }
    t->until = until;
    t->has_until = 1;
    return 1;
}

/* The step in force on day on, or NULL. */
static const fx_step_t *in_force(const fx_table_t *t, date_t on)
{
    if (!t->n || on < t->steps[0].from || (t->has_until && on >= t->until)) return NULL;
    size_t lo = 0, hi = t->n;   /* the last step whose date is on or before `on` */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->steps[mid].from <= on) lo = mid; else hi = mid;
    }
    return &t->steps[lo];
}

int fx_rate(const fx_table_t *tables, const char *from, const char *to, date_t on, mpq_t out, char **err)
{
    if (!strcmp(from, to)) { mpq_set_ui(out, 1, 1); return 1; }
    for (const fx_table_t *t = tables; t; t = t->next) {
        int direct = !strcmp(t->from, from) && !strcmp(t->to, to);
        if (!direct && !(!strcmp(t->from, to) && !strcmp(t->to, from))) continue;
        const fx_step_t *s = in_force(t, on);
        if (!s) {
            char d[16], first[16], end[16];
            dates_format(on, d);
            dates_format(t->n ? t->steps[0].from : on, first);
            if (t->has_until) dates_format(t->until, end);
            *err = t->has_until ? diag_format("no %s rate in %s for %s: the table covers %s until %s", t->from, t->to, d, first, end)
                                : diag_format("no %s rate in %s for %s: the table starts on %s", t->from, t->to, d, first);
            return 0;
        }
        if (direct) mpq_set(out, s->rate); else mpq_inv(out, s->rate);
        return 1;
    }
    *err = diag_format("no exchange rate from %s to %s", from, to);
    return 0;
}
