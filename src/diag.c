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

static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n) return 0;
        for (size_t k = 1; k < len; k++) if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

enum { QUOTE_WIDTH = 100 };

/* Quotes the source line (a window of it when long, so a megabyte line stays readable)
 * with a caret under the span; bytes that cannot be shown print as '?'. */
static void quote_line(FILE *out, const loc_t *l)
{
    size_t len;
    const unsigned char *line = (const unsigned char *)source_line(l->src, l->first_line, &len);
    int utf8 = valid_utf8(line, len);
    size_t start = l->first_column > 0 ? (size_t)l->first_column - 1 : 0;
    size_t end = (l->last_line == l->first_line && l->last_column > l->first_column) ? (size_t)l->last_column : start + 1;
    if (start > len) start = len;
    if (end > len + 1) end = len + 1;
    size_t from = start > QUOTE_WIDTH / 2 ? start - QUOTE_WIDTH / 2 : 0;
    size_t to = from + QUOTE_WIDTH < len ? from + QUOTE_WIDTH : len;
    if (end > to + 1) end = to + 1;
    fprintf(out, " %5d | %s", l->first_line, from ? "..." : "");
    for (size_t i = from; i < to; i++) {
        unsigned char c = line[i];
        fputc(c == '\t' || (c >= 0x20 && c != 0x7f && (c < 0x80 || utf8)) ? c : '?', out);
    }
    fprintf(out, "%s\n       | %s", to < len ? "..." : "", from ? "   " : "");
    for (size_t i = from; i < start; i++) {
        if (utf8 && (line[i] & 0xC0) == 0x80) continue;
        fputc(line[i] == '\t' ? '\t' : ' ', out);
    }
    fputc('^', out);
    for (size_t i = start + 1; i < end; i++)
        if (!(utf8 && i < len && (line[i] & 0xC0) == 0x80)) fputc('~', out);
    fputc('\n', out);
}

void diag_print(FILE *out, const diag_t *d)
{
    const char *msg = d->msg ? d->msg : "out of memory";
    if (!d->loc.src) {
        fprintf(out, "outlay: error: %s\n", msg);
    } else {
        const loc_t *l = &d->loc;
        fprintf(out, "%s:%d:%d: error: %s\n", l->src->name, l->first_line, l->first_column, msg);
        quote_line(out, l);
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
