/* diag: building and printing located error messages. */
#include "diag.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *diag_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

diag_t *diag_new(diag_kind kind, const loc_t *loc, const char *fmt, ...)
{
    diag_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->kind = kind;
    if (loc) d->loc = *loc;
    va_list ap;
    va_start(ap, fmt);
    d->msg = vformat(fmt, ap);
    va_end(ap);
    return d;
}

void diag_set_hint(diag_t *d, const char *fmt, ...)
{
    if (!d) return;
    va_list ap;
    va_start(ap, fmt);
    free(d->hint);
    d->hint = vformat(fmt, ap);
    va_end(ap);
}

void diag_free(diag_t *d)
{
    if (!d) return;
    free(d->msg);
    free(d->hint);
    free(d);
}

void diag_print(FILE *out, const diag_t *d)
{
    const char *msg = d->msg ? d->msg : "out of memory";
    if (!d->loc.src) {
        fprintf(out, "outlay: error: %s\n", msg);
    } else {
        const loc_t *l = &d->loc;
        fprintf(out, "%s:%d:%d: error: %s\n", l->src->name, l->first_line, l->first_column, msg);
        size_t len;
        const char *line = source_line(l->src, l->first_line, &len);
        fprintf(out, " %5d | %.*s\n", l->first_line, (int)len, line);
        fprintf(out, "       | ");
        int start = l->first_column > 0 ? l->first_column : 1;
        int end = (l->last_line == l->first_line && l->last_column >= start) ? l->last_column : start;
        if (end > (int)len + 1) end = (int)len + 1;
        if (start > end) start = end;
        for (int c = 1; c < start; c++) fputc(c <= (int)len && line[c - 1] == '\t' ? '\t' : ' ', out);
        fputc('^', out);
        for (int c = start + 1; c <= end; c++) fputc('~', out);
        fputc('\n', out);
    }
    if (d->hint) fprintf(out, "hint: %s\n", d->hint);
}

size_t diag_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}
