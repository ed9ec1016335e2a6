/* source: owns the text of every input read, for the lifetime of the process. */
#include "source.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static source_t *all_sources;
static source_t **by_id;   /* every source, by its id */
static size_t nids, capids;

/* A source that takes text (malloc'd, len bytes and room for a NUL after them); text is
 * freed when it cannot be made. */
static source_t *source_take(const char *name, char *text, size_t len)
{
    source_t *s = calloc(1, sizeof *s);
    if (s) s->name = strdup(name);
    if (!s || !s->name) { if (s) free(s); free(text); return NULL; }
    if (nids == capids) {
        size_t cap = capids ? 2 * capids : 64;
        source_t **nb = realloc(by_id, cap * sizeof *nb);
        if (!nb) { free(s->name); free(s); free(text); return NULL; }
        by_id = nb;
        capids = cap;
    }
    s->text = text;
    s->text[len] = '\0';
    s->len = len;
    s->id = (uint32_t)nids;
    by_id[nids++] = s;
    s->next = all_sources;
    all_sources = s;
    return s;
}

source_t *source_from_string(const char *name, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, text, len);
    return source_take(name, copy, len);
}

source_t *source_excerpt(const char *name, const char *text, size_t len, int first_line)
{
    source_t *s = source_from_string(name, text, len);
    if (s) s->line_base = first_line - 1;
    return s;
}

source_t *source_from_fd(int fd, const char *name, const char *path, const char **why)
{
    FILE *f = fdopen(fd, "rb");
    if (!f) { close(fd); *why = strerror(errno); return NULL; }
    source_t *s = source_from_stream(f, name, why);
    fclose(f);
    if (s && path && !(s->path = strdup(path))) { *why = "out of memory"; return NULL; }
    return s;
}

source_t *source_from_stream(FILE *f, const char *name, const char **why)
{
    *why = NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len > SOURCE_MAX_BYTES) { free(buf); buf = NULL; *why = "larger than 64 MiB"; break; }
        if (len == cap) { char *nb = realloc(buf, cap *= 2); if (!nb) { free(buf); buf = NULL; *why = "out of memory"; } buf = nb; }
    }
    int failed = buf && ferror(f);
    if (!buf) { if (!*why) *why = "out of memory"; return NULL; }
    if (failed) { free(buf); *why = "read error"; return NULL; }
    if (memchr(buf, '\0', len)) { free(buf); *why = "binary data (it contains a NUL byte)"; return NULL; }
    /* a byte-order mark, as some Windows editors write, is not part of the program */
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) memmove(buf, buf + 3, len -= 3);
    /* the buffer becomes the source's text (the loop above leaves room for the NUL):
     * a large program is not copied again */
    source_t *s = source_take(name, buf, len);
    if (!s) *why = "out of memory";
    return s;
}

void source_free_all(void)
{
    for (source_t *s = all_sources, *n; s; s = n) {
        n = s->next;
        free(s->name); free(s->path); free(s->text); free(s->lines); free(s);
    }
    all_sources = NULL;
    free(by_id);
    by_id = NULL;
    nids = capids = 0;
}

const source_t *source_get(uint32_t id) { return id < nids ? by_id[id] : NULL; }

/* Line starts, so that quoting line n of a long file, or finding the line of an
 * offset, does not rescan it. */
static void index_lines(source_t *s)
{
    size_t cap = 64;
    const char *p = s->text, *end = s->text + s->len;
    if (!(s->lines = malloc(cap * sizeof *s->lines))) return;
    s->lines[0] = 0;
    s->nlines = 1;
    for (; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
        if (s->nlines == cap) {
            size_t *more = realloc(s->lines, (cap *= 2) * sizeof *more);
            if (!more) { free(s->lines); s->lines = NULL; s->nlines = 0; return; }
            s->lines = more;
        }
        s->lines[s->nlines++] = (size_t)(p + 1 - s->text);
    }
}

void source_position(const source_t *cs, size_t off, int *line, int *col)
{
    source_t *s = (source_t *)cs;   /* the index is a cache: the text does not change */
    if (off > s->len) off = s->len;
    if (!s->lines) index_lines(s);
    size_t ln, start;
    if (s->lines) {
        /* the last line starting at or before off */
        size_t lo = 0, hi = s->nlines;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->lines[mid] <= off) lo = mid; else hi = mid;
        }
        ln = lo;
        start = s->lines[lo];
    } else {   /* no memory for the index: count the lines before off */
        ln = 0;
        start = 0;
        for (const char *p = s->text, *nl; (nl = memchr(p, '\n', off - (size_t)(p - s->text))); p = nl + 1) {
            ln++;
            start = (size_t)(nl + 1 - s->text);
        }
    }
    *line = (int)ln + 1;
    *col = (int)(off - start) + 1;
}

loc_t source_loc(const source_t *s, size_t start, size_t end)
{
    loc_t l = { 0, 0, 0, 0, s };
    if (!s) return l;
    source_position(s, start, &l.first_line, &l.first_column);
    if (end <= start) {
        l.last_line = l.first_line;
        l.last_column = l.first_column;
    } else {
        source_position(s, end, &l.last_line, &l.last_column);
        l.last_column--;
    }
    return l;
}

const char *source_line(const source_t *cs, int line, size_t *len)
{
    source_t *s = (source_t *)cs;   /* the index is a cache: the text does not change */
    const char *p = s->text, *end = s->text + s->len;
    line -= s->line_base;
    if (!s->lines) index_lines(s);
    if (s->lines) {
        p = line >= 1 && (size_t)line <= s->nlines ? s->text + s->lines[line - 1] : end;
    } else {
        for (int l = 1; l < line && p < end; l++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) { p = end; break; }
            p = nl + 1;
        }
    }
    const char *e = memchr(p, '\n', (size_t)(end - p));
    *len = (size_t)((e ? e : end) - p);
    if (*len && p[*len - 1] == '\r') (*len)--;
    return p;
}

size_t source_invalid_utf8(const source_t *s, int *line, int *col)
{
    const unsigned char *t = (const unsigned char *)s->text;
    *line = *col = 1;
    for (size_t i = 0; i < s->len; ) {
        unsigned char c = t[i];
        if (c < 0x80) {   /* ASCII, most of any program, eight bytes at a time; lines are counted only at a fault */
            uint64_t w;
            while (i + 8 <= s->len && (memcpy(&w, t + i, 8), !(w & 0x8080808080808080u))) i += 8;
            if (i < s->len && t[i] < 0x80) i++;
            continue;
        }
        size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = n > 0 && i + n <= s->len && !(n == 2 && c < 0xc2) && !(n == 4 && c > 0xf4);
        for (size_t k = 1; ok && k < n; k++) ok = (t[i + k] & 0xc0) == 0x80;
        /* no overlong forms, surrogates or code points past U+10FFFF */
        if (ok && n == 3) ok = !(c == 0xe0 && t[i + 1] < 0xa0) && !(c == 0xed && t[i + 1] >= 0xa0);
        if (ok && n == 4) ok = !(c == 0xf0 && t[i + 1] < 0x90) && !(c == 0xf4 && t[i + 1] >= 0x90);
        if (!ok) {
            source_position(s, i, line, col);
            return i;
        }
        i += n;
    }
    return (size_t)-1;
}
