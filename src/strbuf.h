/* strbuf: a growable, NUL-terminated string built by appending. An allocation failure is
 * remembered (oom), later appends do nothing, and strbuf_take reports it once at the end,
 * so a builder checks for failure in one place. The fields are public: s is the text so far
 * (NULL until the first append), n its length; a caller may shorten it by setting n and
 * s[n] = '\0'. Start from STRBUF_INIT (all zero). */
#ifndef OUTLAY_STRBUF_H
#define OUTLAY_STRBUF_H

#include <stddef.h>

typedef struct strbuf { char *s; size_t n, cap; int oom; } strbuf_t;

#define STRBUF_INIT { NULL, 0, 0, 0 }

void strbuf_addn(strbuf_t *b, const char *s, size_t n);
void strbuf_add(strbuf_t *b, const char *s);            /* NULL adds nothing */
void strbuf_addc(strbuf_t *b, char c);
void strbuf_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string, owned by the caller ("" when nothing was added), or NULL after an allocation
 * failure (the buffer is then freed). */
char *strbuf_take(strbuf_t *b);
void strbuf_free(strbuf_t *b);

#endif
