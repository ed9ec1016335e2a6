/* escape: one rule for which characters are printed as escapes, used by every printer of
 * text that came from an input (reports, diff, diagnostics, explain, the REPL). */
#include "escape.h"
#include "strbuf.h"
#include <stdlib.h>
#include <string.h>

/* The length of the UTF-8 character at s, or 0 when it is not one (no overlong forms,
 * surrogates or code points past U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : (c >> 4) == 0xe ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (!len || len > n) return 0;
    for (size_t k = 1; k < len; k++) if ((s[k] & 0xc0) != 0x80) return 0;
    if (len == 3 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))) return 0;
    if (len == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))) return 0;
    return len;
}

static const char hex[] = "0123456789abcdef";

size_t escape_char(const char *s, size_t n, int flags, char buf[ESCAPE_MAX])
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = utf8_len(u, n);
    unsigned long cp = len == 1 ? u[0] : len == 2 ? (u[0] & 0x1fUL) << 6 | (u[1] & 0x3f) :
                       len == 3 ? (u[0] & 0x0fUL) << 12 | (u[1] & 0x3fUL) << 6 | (u[2] & 0x3f) : 0;
    if (!len) {   /* not UTF-8: the byte, in hex */
        buf[0] = '\\'; buf[1] = 'x'; buf[2] = hex[u[0] >> 4]; buf[3] = hex[u[0] & 15]; buf[4] = '\0';
        return 1;
    }
    if (len == 1 && (cp < 0x20 || cp == 0x7f)) {
        const char *named = cp == '\n' ? "\\n" : cp == '\t' ? "\\t" : cp == '\r' ? "\\r" : NULL;
        if ((flags & ESCAPE_KEEP_NEWLINE) && (cp == '\n' || cp == '\t')) { buf[0] = (char)cp; buf[1] = '\0'; }
        else if (named) strcpy(buf, named);
        else { buf[0] = '\\'; buf[1] = 'x'; buf[2] = hex[cp >> 4]; buf[3] = hex[cp & 15]; buf[4] = '\0'; }
        return 1;
    }
    /* C1 controls (an 8-bit CSI is U+009B), and the overrides that reorder what is shown */
    if ((len == 2 && cp < 0xa0) || (len == 3 && ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)))) {
        buf[0] = '\\'; buf[1] = 'u';
        for (int i = 0; i < 4; i++) buf[2 + i] = hex[(cp >> (12 - 4 * i)) & 15];
        buf[6] = '\0';
        return len;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return len;
}

char *escape_text(const char *s, int flags)
{
    size_t n = strlen(s);
    strbuf_t out = STRBUF_INIT;
    char buf[ESCAPE_MAX];
    for (size_t i = 0; i < n && !out.oom; ) {
        i += escape_char(s + i, n - i, flags, buf);
        strbuf_add(&out, buf);
    }
    return strbuf_take(&out);
}

void escape_fputs(const char *s, int flags, FILE *out)
{
    size_t n = strlen(s);
    char buf[ESCAPE_MAX];
    for (size_t i = 0; i < n; ) {
        size_t k = escape_char(s + i, n - i, flags, buf);
        /* a run of plain characters goes out as it is */
        if (k == 1 && buf[0] == s[i] && buf[1] == '\0') {
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7f) j++;
            fwrite(s + i, 1, j - i, out);
            i = j;
        } else {
            fputs(buf, out);
            i += k;
        }
    }
}
