/* json: a small reader for the JSON that Outlay itself writes (for diff --compare-to). */
#ifndef OUTLAY_JSON_H
#define OUTLAY_JSON_H
#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ } json_kind;

typedef struct json {
    json_kind kind;
    char *text;              /* JSON_STR contents, JSON_NUM literal */
    int b;
    size_t n;                /* items of an array or object */
    char **keys;             /* object keys */
    struct json **items;
} json_t;

/* NULL and *err (malloc'd, with the byte offset) on malformed input. */
json_t *json_parse(const char *text, size_t len, char **err);
void json_free(json_t *j);
const json_t *json_get(const json_t *obj, const char *key);
const char *json_str(const json_t *obj, const char *key);
#endif
