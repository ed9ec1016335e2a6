/* diag: building and printing located error messages. */
#include "diag.h"
#include "escape.h"
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

enum { QUOTE_WIDTH = 100 };

/* Quotes the source line (a window of it when long, so a megabyte line stays readable)
 * with a caret under the span. Characters print as escape_char prints them (a control
 * character as \x1b, a byte that is not UTF-8 as \xff), and the caret line pads each
 * with as many spaces as it took, so the caret stays under its place. */
static void quote_line(FILE *out, const loc_t *l)
{
    size_t len;
    const char *line = source_line(l->src, l->first_line, &len);
    size_t start = l->first_column > 0 ? (size_t)l->first_column - 1 : 0;
    size_t end = (l->last_line == l->first_line && l->last_column > l->first_column) ? (size_t)l->last_column : start + 1;
    if (start > len) start = len;
    if (end > len + 1) end = len + 1;
    size_t from = start > QUOTE_WIDTH / 2 ? start - QUOTE_WIDTH / 2 : 0;
    while (from > 0 && from < len && ((unsigned char)line[from] & 0xC0) == 0x80) from--;   /* a whole character */
    size_t to = from + QUOTE_WIDTH < len ? from + QUOTE_WIDTH : len;
    if (end > to + 1) end = to + 1;
    char buf[ESCAPE_MAX];
    /* the gutter widens for line 100000 on (a usage export has millions of lines) */
    int width = snprintf(NULL, 0, "%d", l->first_line);
    if (width < 5) width = 5;
    fprintf(out, " %*d | %s", width, l->first_line, from ? "..." : "");
    for (size_t i = from; i < to; ) {
        i += escape_char(line + i, len - i, ESCAPE_KEEP_NEWLINE, buf);
        fputs(buf, out);
    }
    fprintf(out, "%s\n %*s | %s", to < len ? "..." : "", width, "", from ? "   " : "");
    /* each character before the span as wide as it printed (a tab as a tab) */
    size_t i = from;
    while (i < start) {
        size_t k = escape_char(line + i, len - i, ESCAPE_KEEP_NEWLINE, buf);
        if (buf[0] == '\t') fputc('\t', out);
        else for (const char *c = buf; *c; c++) if (((unsigned char)*c & 0xC0) != 0x80) fputc(' ', out);
        i += k;
    }
    fputc('^', out);
    while (i < end - 1 && i < len) {
        size_t k = escape_char(line + i, len - i, ESCAPE_KEEP_NEWLINE, buf);
        for (const char *c = buf; *c; c++) if (((unsigned char)*c & 0xC0) != 0x80) fputc('~', out);
        i += k;
    }
    fputc('\n', out);
}

void diag_print(FILE *out, const diag_t *d)
{
    const char *msg = d->msg ? d->msg : "out of memory";
    if (!d->loc.src) fputs("outlay: error: ", out);
    else {
        const loc_t *l = &d->loc;
        escape_fputs(l->src->name, 0, out);
        fprintf(out, ":%d:%d: error: ", l->first_line, l->first_column);
    }
    /* a message quotes names, strings and paths from the input */
    escape_fputs(msg, ESCAPE_KEEP_NEWLINE, out);
    fputc('\n', out);
    if (d->loc.src) quote_line(out, &d->loc);
    if (d->hint) { fputs("hint: ", out); escape_fputs(d->hint, ESCAPE_KEEP_NEWLINE, out); fputc('\n', out); }
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
