/* json: recursive-descent JSON reader with a depth limit. */
#include "json.h"
#include "strbuf.h"
#include "diag.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { JSON_MAX_DEPTH = 200 };

typedef struct reader { const char *p, *start, *end; char *err; int depth; } reader_t;

static json_t *value(reader_t *r);

static int error(reader_t *r, const char *what)
{
    if (!r->err) r->err = diag_format("invalid JSON at byte %ld: %s", (long)(r->p - r->start), what);
    return 0;
}

/* (strchr would also match the NUL at the end of its set) */
static void ws(reader_t *r) { while (r->p < r->end && *r->p && strchr(" \t\r\n", *r->p)) r->p++; }

static json_t *node(json_kind k)
{
    json_t *j = calloc(1, sizeof *j);
    if (j) j->kind = k;
    return j;
}

void json_free(json_t *j)
{
    if (!j) return;
    for (size_t i = 0; i < j->n; i++) { json_free(j->items[i]); if (j->keys) free(j->keys[i]); }
    free(j->items);
    free(j->keys);
    free(j->text);
    free(j);
}

static char *string(reader_t *r)
{
    if (r->p >= r->end || *r->p != '"') { error(r, "expected a string"); return NULL; }
    r->p++;
    strbuf_t s = STRBUF_INIT;
    while (r->p < r->end && *r->p != '"' && !s.oom) {
        char c = *r->p++;
        if (c == '\\') {
            if (r->p >= r->end) break;
            c = *r->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                /* \u0001 to \u001f only: Outlay writes its other characters as UTF-8 */
                if (r->end - r->p < 4 || r->p[0] != '0' || r->p[1] != '0' || !isxdigit((unsigned char)r->p[2]) ||
                    !isxdigit((unsigned char)r->p[3])) { strbuf_free(&s); error(r, "unsupported \\u escape"); return NULL; }
                c = (char)strtol((char[]){ r->p[2], r->p[3], 0 }, NULL, 16);
                if (!c) { strbuf_free(&s); error(r, "\\u0000 in a string"); return NULL; }
                r->p += 4;
                break;
            }
            case '"': case '\\': case '/': break;
            default: strbuf_free(&s); error(r, "unknown escape"); return NULL;
            }
        }
        strbuf_addc(&s, c);
    }
    if (s.oom) { strbuf_free(&s); error(r, "out of memory"); return NULL; }
    if (r->p >= r->end) { strbuf_free(&s); error(r, "unterminated string"); return NULL; }
    r->p++;
    char *text = strbuf_take(&s);
    if (!text) error(r, "out of memory");
    return text;
}

static int push(json_t *j, char *key, json_t *item)
{
    json_t **items = realloc(j->items, (j->n + 1) * sizeof *items);
    if (items) j->items = items;
    char **keys = items && j->kind == JSON_OBJ ? realloc(j->keys, (j->n + 1) * sizeof *keys) : j->keys;
    if (!items || (j->kind == JSON_OBJ && !keys)) { free(key); json_free(item); return 0; }
    j->keys = keys;
    if (keys) keys[j->n] = key;
    items[j->n++] = item;
    return 1;
}

static json_t *container(reader_t *r, json_kind kind, char close)
{
    if (++r->depth > JSON_MAX_DEPTH) { error(r, "nested too deeply"); return NULL; }
    json_t *j = node(kind);
    r->p++;
    ws(r);
    if (r->p < r->end && *r->p == close) { r->p++; r->depth--; return j; }
    while (j) {
        ws(r);
        char *key = NULL;
        if (kind == JSON_OBJ) {
            if (!(key = string(r))) break;
            ws(r);
            if (r->p >= r->end || *r->p != ':') { free(key); error(r, "expected ':'"); break; }
            r->p++;
        }
        json_t *item = value(r);
        if (!item) { free(key); break; }
        if (!push(j, key, item)) { error(r, "out of memory"); break; }
        ws(r);
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == close) { r->p++; r->depth--; return j; }
        error(r, kind == JSON_OBJ ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    json_free(j);
    return NULL;
}

static json_t *value(reader_t *r)
{
    ws(r);
    if (r->p >= r->end) { error(r, "unexpected end"); return NULL; }
    char c = *r->p;
    if (c == '{') return container(r, JSON_OBJ, '}');
    if (c == '[') return container(r, JSON_ARR, ']');
    if (c == '"') {
        char *s = string(r);
        json_t *j = s ? node(JSON_STR) : NULL;
        if (j) j->text = s; else free(s);
        return j;
    }
    static const struct { const char *word; json_kind kind; int b; } words[] = {
        {"true", JSON_BOOL, 1}, {"false", JSON_BOOL, 0}, {"null", JSON_NULL, 0}
    };
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(r->end - r->p) >= n && !strncmp(r->p, words[i].word, n)) {
            r->p += n;
            json_t *j = node(words[i].kind);
            if (j) j->b = words[i].b;
            return j;
        }
    }
    const char *s = r->p;
    while (r->p < r->end && *r->p && strchr("+-0123456789.eE", *r->p)) r->p++;
    if (r->p == s) { error(r, "unexpected character"); return NULL; }
    json_t *j = node(JSON_NUM);
    if (j && !(j->text = strndup(s, (size_t)(r->p - s)))) { free(j); j = NULL; }
    return j;
}

json_t *json_parse(const char *text, size_t len, char **err)
{
    reader_t r = { text, text, text + len, NULL, 0 };
    json_t *j = value(&r);
    if (j) { ws(&r); if (r.p != r.end) { error(&r, "trailing characters"); json_free(j); j = NULL; } }
    *err = r.err;
    if (!j && !*err) *err = diag_format("out of memory");
    return j;
}

const json_t *json_get(const json_t *obj, const char *key)
{
    if (!obj || obj->kind != JSON_OBJ) return NULL;
    for (size_t i = 0; i < obj->n; i++) if (!strcmp(obj->keys[i], key)) return obj->items[i];
    return NULL;
}

const char *json_str(const json_t *obj, const char *key)
{
    const json_t *j = json_get(obj, key);
    return j && j->kind == JSON_STR ? j->text : NULL;
}
