/* strbuf: a growable string built by appending; see strbuf.h. */
#include "strbuf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_addn(strbuf_t *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) { b->oom = 1; return; }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void strbuf_add(strbuf_t *b, const char *s) { if (s) strbuf_addn(b, s, strlen(s)); }

void strbuf_addc(strbuf_t *b, char c) { strbuf_addn(b, &c, 1); }

void strbuf_printf(strbuf_t *b, const char *fmt, ...)
{
    char buf[512];   /* most pieces fit: one vsnprintf, no allocation */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) { b->oom = 1; return; }
    if ((size_t)n < sizeof buf) { strbuf_addn(b, buf, (size_t)n); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) { b->oom = 1; return; }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    strbuf_addn(b, big, (size_t)n);
    free(big);
}

char *strbuf_take(strbuf_t *b)
{
    char *s = b->s;
    if (b->oom) { free(s); s = NULL; }
    else if (!s) s = strdup("");
    *b = (strbuf_t)STRBUF_INIT;
    return s;
}

void strbuf_free(strbuf_t *b)
{
    free(b->s);
    *b = (strbuf_t)STRBUF_INIT;
}
