/* source: the text of one input (a file, an --set expression, a REPL line) and the
 * locations that point into it. Diagnostics quote lines from here. */
#ifndef OUTLAY_SOURCE_H
#define OUTLAY_SOURCE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct source {
    char *name;        /* shown in diagnostics: a path, "<eval>", "<repl>" ... */
    char *path;        /* the real path for resolving relative imports, or NULL */
    char *text;        /* NUL-terminated */
    size_t len;
    size_t *lines;     /* where each line starts, built on first use */
    size_t nlines;
    int line_base;     /* an excerpt of a larger input: its first line is line_base + 1 */
    uint32_t id;       /* its number among all sources read (source_get) */
    struct source *next;
} source_t;

typedef struct loc {
    int first_line, first_column, last_line, last_column;
    const source_t *src;
} loc_t;

/* A stretch of one source's text: bytes [start, end). The syntax tree keeps its places
 * this way (two words, not a loc_t's five); line and column are worked out from the
 * source's line starts only when a diagnostic or a label needs them. */
typedef struct span { uint32_t start, end; } span_t;

/* A program file is read whole; a larger one is refused. */
enum { SOURCE_MAX_BYTES = 64 * 1024 * 1024 };

/* Sources live until the program ends so every location stays valid. */
source_t *source_from_string(const char *name, const char *text, size_t len);
/* A part of a larger input (one row of a usage file) whose first line is line
 * first_line of it, so a diagnostic quotes it at its real line number. */
source_t *source_excerpt(const char *name, const char *text, size_t len, int first_line);
/* Reads an open file (the file-access policy opened it) to its end and closes it; path,
 * when not NULL, is kept for resolving relative imports. NULL and *why (static text) when
 * it cannot. */
source_t *source_from_fd(int fd, const char *name, const char *path, const char **why);
/* The same for an open stream (standard input), called name in diagnostics. */
source_t *source_from_stream(FILE *f, const char *name, const char **why);
void source_free_all(void);
/* The source numbered id (source_t.id), or NULL. */
const source_t *source_get(uint32_t id);
/* Line and column (1-based; the column counts bytes, a tab is one) of byte offset off,
 * counted from the source's own first line (an excerpt's line_base is not added). */
void source_position(const source_t *s, size_t off, int *line, int *col);
/* The location of bytes [start, end): first_* at start, last_* at the last byte (a
 * newline's last place is column 0 of the next line); an empty stretch is one place. */
loc_t source_loc(const source_t *s, size_t start, size_t end);
/* Where the text stops being UTF-8 (an offset), or (size_t)-1 when it all is; with
 * *line and *col (1-based, in bytes) of that place. */
size_t source_invalid_utf8(const source_t *s, int *line, int *col);
/* The text of line `line` (1-based) without its newline. */
const char *source_line(const source_t *s, int line, size_t *len);
#endif
