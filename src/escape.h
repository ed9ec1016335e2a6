/* escape: text from any input — a program's strings and names, a saved report's labels,
 * a usage file's cells — made safe to print: nothing in it can act on a terminal (no
 * escape sequence retitles the window, recolours or rewrites what was printed before). */
#ifndef OUTLAY_ESCAPE_H
#define OUTLAY_ESCAPE_H
#include <stddef.h>
#include <stdio.h>

enum {
    ESCAPE_KEEP_NEWLINE = 1,   /* free text: a newline and a tab print as themselves */
    ESCAPE_MAX = 8             /* the longest escape, "\u202e", and its NUL */
};

/* The next character of s (n > 0 bytes) as it prints, NUL-terminated in buf: itself, or a
 * visible escape for what a terminal would act on — C0 controls and DEL (\n \t \r, the
 * rest \x1b; a newline and a tab as themselves with ESCAPE_KEEP_NEWLINE), C1 controls and
 * the bidirectional-override characters (\u009b, \u202e) — or \xff for a byte that is not
 * UTF-8. Returns how many bytes of s that was (at least 1). */
size_t escape_char(const char *s, size_t n, int flags, char buf[ESCAPE_MAX]);
/* A copy of s, every character as escape_char prints it; NULL when out of memory. */
char *escape_text(const char *s, int flags);
/* Writes s to out as escape_text would make it. */
void escape_fputs(const char *s, int flags, FILE *out);
#endif
