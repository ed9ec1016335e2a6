/* usage_csv: reads a usage export — CSV (RFC 4180) or gzip-compressed CSV — row by row
 * into a usage table, in constant memory. zlib reads the file (plain or gzip alike);
 * lines without a quote are split here, the rest goes through libcsv, which owns quoting,
 * embedded newlines and CRLF. A record is bounded (1 MiB), so a runaway line is an error,
 * not unbounded growth. A bad row becomes a diagnostic that quotes the row at its real
 * line number with a caret under the bad cell. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csv_dl.h"
#include "policy.h"
#include "usage.h"
#include "zlib_dl.h"

enum { CHUNK = 1 << 18, MAX_RECORD = 1 << 20, MAX_FIELDS = 10000, HEADER_SHOWN = 12 };

typedef struct field { size_t off, n; } field_t;   /* offsets: into the line, or into rec */

typedef struct reader {
    usage_table_t *t;
    const usage_spec_t *spec;
    const char *path;
    gzFile gz;
    char *buf;                 /* unread input is buf[pos, len) */
    size_t pos, len;
    int eof, at_start;
    long long line;            /* the line the next line read is */
    /* the record being read: its raw text, its first line, its fields */
    const char *raw;
    size_t raw_len;
    long long raw_line;
    char *text;                /* the fields' bytes (a copy when libcsv unquoted them) */
    field_t *fields;
    size_t nfields;
    /* libcsv, for records with quotes */
    struct csv_parser csv;
    int in_csv, done, overflow;
    char *rec, *rawbuf;
    size_t rec_len, rawbuf_len;
    /* the header */
    char **names;
    size_t ncols;
    int col[USAGE_NCELLS];
    int *fcol;
    diag_t **err;
} reader_t;

/* libcsv grows its field buffer through this: a field over the record bound fails. */
static void *bounded_realloc(void *p, size_t n) { return n > MAX_RECORD + 64 ? NULL : realloc(p, n); }

static int io_error(reader_t *r, const char *fmt, const char *a, const char *b)
{
    *r->err = diag_new(DIAG_IO, NULL, fmt, r->path, a, b);
    return 0;
}

/* The place of byte `at` (spanning n bytes) of the current record's raw text, quoted
 * from an excerpt at its real line number. */
static loc_t record_loc(const reader_t *r, size_t at, size_t n)
{
    loc_t loc = { 0, 0, 0, 0, NULL };
    source_t *src = source_excerpt(r->path, r->raw, r->raw_len, (int)r->raw_line);
    if (!src) return loc;
    size_t bol = 0;
    int line = (int)r->raw_line;
    for (size_t i = 0; i < at && i < r->raw_len; i++) if (r->raw[i] == '\n') { line++; bol = i + 1; }
    loc.src = src;
    loc.first_line = loc.last_line = line;
    loc.first_column = (int)(at - bol) + 1;
    loc.last_column = loc.first_column + (int)(n ? n - 1 : 0);
    return loc;
}

static void row_error(reader_t *r, size_t at, size_t n, const char *msg, const char *hint)
{
    loc_t loc = record_loc(r, at, n);
    *r->err = diag_new(DIAG_IO, loc.src ? &loc : NULL, "%s", msg ? msg : "out of memory");
    if (*r->err && hint) diag_set_hint(*r->err, "%s", hint);
}

/* Where field k starts in the record's raw text, and how long it is there. */
static size_t raw_field(const reader_t *r, size_t k, size_t *n)
{
    const char *s = r->raw;
    size_t i = 0, f = 0, len = r->raw_len;
    while (1) {
        size_t start = i;
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i < len && s[i] == '"') {
            for (i++; i < len; i++)
                if (s[i] == '"') { if (i + 1 < len && s[i + 1] == '"') i++; else { i++; break; } }
        }
        while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') i++;
        if (f == k) { *n = i - start; return start; }
        if (i >= len || s[i] != ',') { *n = 0; return len; }
        i++;
        f++;
    }
}

/* ---- input ---- */

/* Reads more input; 0 at the end, -1 on error. */
static int fill(reader_t *r)
{
    if (r->eof) return 0;
    if (r->pos) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    int got = gzread(r->gz, r->buf + r->len, CHUNK);
    if (got < 0 || (got == 0 && !gzeof(r->gz))) {
        int code;
        const char *why = gzerror(r->gz, &code);
        return io_error(r, "%s: %s%s", code == Z_BUF_ERROR ? "truncated gzip stream (unexpected end of file)" :
                        code == Z_DATA_ERROR ? "corrupt gzip data: " : "read error: ",
                        code == Z_BUF_ERROR ? "" : code == Z_ERRNO ? strerror(errno) : why) - 1;
    }
    if (got == 0) {
        int code;
        gzerror(r->gz, &code);
        if (code == Z_BUF_ERROR) return io_error(r, "%s: %s%s", "truncated gzip stream (unexpected end of file)", "") - 1;
        r->eof = 1;
        return 0;
    }
    char *nul = memchr(r->buf + r->len, '\0', (size_t)got);
    if (nul) {
        long long line = r->line + 1;
        for (const char *p = r->buf + r->pos; p < nul; p++) line += *p == '\n';
        char at[32];
        snprintf(at, sizeof at, "%lld", line);
        return io_error(r, "%s:%s: binary data (a NUL byte)%s: not a CSV file", at, gzdirect(r->gz) ? "" : " after decompression") - 1;
    }
    r->len += (size_t)got;
    if (r->at_start) {
        r->at_start = 0;
        if (r->len >= 3 && !memcmp(r->buf, "\xef\xbb\xbf", 3)) r->pos = 3;
    }
    return 1;
}

/* The next physical line without its '\n' (and *nl whether it had one); 0 at the end,
 * -1 on error. The line stays valid until the next call. */
static int next_line(reader_t *r, const char **line, size_t *n, int *nl)
{
    while (1) {
        char *p = r->buf + r->pos, *e = memchr(p, '\n', r->len - r->pos);
        if (e || (r->eof && r->len > r->pos)) {
            *line = p;
            *n = e ? (size_t)(e - p) : r->len - r->pos;
            *nl = e != NULL;
            r->pos += *n + (e != NULL);
            if (*n > MAX_RECORD) break;
            r->line++;
            return 1;
        }
        if (r->eof) return 0;
        if (r->len - r->pos > MAX_RECORD) break;
        int f = fill(r);
        if (f < 0) return -1;
    }
    char at[32];
    snprintf(at, sizeof at, "%lld", r->line + 1);
    return io_error(r, "%s:%s: a line longer than 1 MiB%s: not a usage export", at, "") - 1;
}

/* ---- records ---- */

static int push_field(reader_t *r, size_t off, size_t n)
{
    if (r->nfields >= MAX_FIELDS) { r->overflow = 1; return 0; }
    r->fields[r->nfields].off = off;
    r->fields[r->nfields++].n = n;
    return 1;
}

/* Fields between commas, spaces around them trimmed: a whole line without quotes (the
 * fields stay in the line), or the unquoted start of a line with quotes (copied into rec,
 * where libcsv puts the rest). */
static void split_plain(reader_t *r, const char *s, size_t n, int copy)
{
    if (!copy) { r->nfields = 0; r->text = (char *)s; }
    size_t i = 0;
    while (1) {
        const char *c = memchr(s + i, ',', n - i);
        size_t end = c ? (size_t)(c - s) : n, a = i, b = end;
        while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
        if (copy) {
            memcpy(r->rec + r->rec_len, s + a, b - a);
            if (!push_field(r, r->rec_len, b - a)) return;
            r->rec_len += b - a;
        } else if (!push_field(r, a, b - a)) {
            return;
        }
        if (!c) return;
        i = end + 1;
    }
}

static void on_field(void *s, size_t n, void *data)
{
    reader_t *r = data;
    if (r->overflow || r->rec_len + n > MAX_RECORD) { r->overflow = 1; return; }
    memcpy(r->rec + r->rec_len, s, n);
    if (push_field(r, r->rec_len, n)) r->rec_len += n;
}

static void on_row(int c, void *data) { (void)c; ((reader_t *)data)->done = 1; }

/* Feeds one physical line of a quoted record to libcsv: 1 when the record is complete,
 * 0 when it goes on, -1 on error. */
static int feed_csv(reader_t *r, const char *line, size_t n, int nl)
{
    size_t skip = 0;
    if (!r->in_csv) {
        r->in_csv = 1;
        r->done = r->overflow = 0;
        r->nfields = r->rec_len = r->rawbuf_len = 0;
        r->raw_line = r->line;
        /* the fields before the one with the first quote are split here: libcsv, a byte
         * at a time, gets only the rest */
        const char *q = memchr(line, '"', n);
        while (q && q > line && q[-1] != ',') q--;
        if (q && q > line) {
            skip = (size_t)(q - line);
            split_plain(r, line, skip - 1, 1);
        }
    } else if (r->rawbuf_len < MAX_RECORD) {
        r->rawbuf[r->rawbuf_len++] = '\n';
    }
    if (r->rawbuf_len + n > MAX_RECORD) r->overflow = 1;
    else { memcpy(r->rawbuf + r->rawbuf_len, line, n); r->rawbuf_len += n; }
    r->raw = r->rawbuf;
    r->raw_len = r->rawbuf_len;
    line += skip;
    n -= skip;
    size_t used = csv_parse(&r->csv, line, n, on_field, on_row, r);
    if (used == n && nl && !r->overflow) used += csv_parse(&r->csv, "\n", 1, on_field, on_row, r) - 1;
    if (!nl && used == n && !r->overflow && csv_fini(&r->csv, on_field, on_row, r) != 0) used = n + 1;
    if (r->overflow) {
        r->in_csv = 0;
        csv_free(&r->csv);
        csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
        csv_set_realloc_func(&r->csv, bounded_realloc);
        char at[32];
        snprintf(at, sizeof at, "%lld", r->raw_line);
        return io_error(r, "%s:%s: a record longer than 1 MiB or with more than 10000 fields%s", at, "") - 1;
    }
    if (used != n) {
        /* malformed quoting: libcsv stopped at byte `used` of this line; a quote left
         * open at the end of the file is shown where it opened */
        size_t span = 1, at = r->rawbuf_len - n + (used < n ? used : n);
        if (used > n) at = raw_field(r, r->nfields, &span);
        char *msg = used > n ? strdup("a quoted field is not closed at the end of the file")
                             : strdup("malformed quoting (a quote inside an unquoted field, or text after a closing quote)");
        r->in_csv = 0;
        csv_free(&r->csv);
        csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
        csv_set_realloc_func(&r->csv, bounded_realloc);
        row_error(r, at, used > n ? 1 : span, msg, "quote a field that holds commas, quotes or newlines, and double the quotes inside it (RFC 4180)");
        free(msg);
        return -1;
    }
    if (!r->done) return 0;
    r->in_csv = 0;
    r->text = r->rec;
    return 1;
}

/* The next record (fields in r->fields); 0 at the end, -1 on error. Blank lines are
 * skipped. A malformed record is an error, or, when bad rows are skipped, counted. */
static int next_record(reader_t *r)
{
    const char *line;
    size_t n;
    int nl, got;
    while ((got = next_line(r, &line, &n, &nl)) > 0) {
        if (!r->in_csv) {
            size_t m = n && line[n - 1] == '\r' ? n - 1 : n;
            if (!m) continue;
            if (!memchr(line, '"', m)) {
                r->raw = line;
                r->raw_len = m;
                r->raw_line = r->line;
                split_plain(r, line, m, 0);
                if (!r->overflow) return 1;
                r->overflow = 0;
                char at[32];
                snprintf(at, sizeof at, "%lld", r->line);
                return io_error(r, "%s:%s: more than 10000 fields%s", at, "") - 1;
            }
        }
        int f = feed_csv(r, line, n, nl);
        if (f > 0) return 1;
        if (f < 0) {
            if (!r->spec->skip_bad_rows || !*r->err || !(*r->err)->loc.src) return -1;
            usage_table_note_bad_row(r->t, r->raw_line);
            diag_free(*r->err);
            *r->err = NULL;
        }
    }
    if (got < 0) return -1;
    if (r->in_csv) {
        /* the file ends inside a quoted field */
        int f = feed_csv(r, "", 0, 0);
        if (f > 0) return 1;
        if (f < 0) return -1;
    }
    return 0;
}

/* ---- the header ---- */

static int header_index(const reader_t *r, const char *name)
{
    for (size_t i = 0; i < r->ncols; i++) if (!strcmp(r->names[i], name)) return (int)i;
    return -1;
}

static int missing_column(reader_t *r, const char *name, const char *what)
{
    size_t len = 0;
    for (size_t i = 0; i < r->ncols && i < HEADER_SHOWN; i++) len += strlen(r->names[i]) + 2;
    char *list = malloc(len + 8), *o = list;
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; list && i < r->ncols; i++) {
        size_t d = diag_edit_distance(name, r->names[i]);
        if (d < bestd) { bestd = d; best = r->names[i]; }
        if (i >= HEADER_SHOWN) continue;
        for (const char *p = r->names[i]; *p; p++) *o++ = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
        if (i + 1 < r->ncols) { *o++ = ','; *o++ = ' '; }
    }
    if (list && r->ncols > HEADER_SHOWN) { memcpy(o, "...", 3); o += 3; }
    if (list) *o = '\0';
    size_t nshow;
    loc_t loc = record_loc(r, raw_field(r, 0, &nshow), 0);
    *r->err = diag_new(DIAG_IO, loc.src ? &loc : NULL, "no %s column '%s' in the header (it has: %s)", what, name, list ? list : "");
    if (*r->err && best) diag_set_hint(*r->err, "did you mean '%s'?", best);
    else if (*r->err && !strcmp(what, "filter")) diag_set_hint(*r->err, "filter on a column the file has");
    else if (*r->err) diag_set_hint(*r->err, "name the file's columns in the usage mapping (sku, quantity, unit, start)");
    free(list);
    return 0;
}

/* Reads the header and finds the spec's columns in it. */
static int read_header(reader_t *r)
{
    int got = next_record(r);
    if (got < 0) return 0;
    if (!got) return io_error(r, "%s: empty file: no header row%s%s", "", "");
    if (!(r->names = calloc(r->nfields, sizeof *r->names))) return io_error(r, "%s: out of memory%s%s", "", "");
    r->ncols = r->nfields;
    for (size_t i = 0; i < r->ncols; i++) {
        if (!(r->names[i] = strndup(r->text + r->fields[i].off, r->fields[i].n))) return io_error(r, "%s: out of memory%s%s", "", "");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(r->names[k], r->names[i]) && *r->names[i]) {
                size_t n, at = raw_field(r, i, &n);
                char *msg = diag_format("column '%s' appears twice in the header (columns %zu and %zu)", r->names[i], k + 1, i + 1);
                row_error(r, at, n, msg, NULL);
                free(msg);
                return 0;
            }
    }
    const usage_spec_t *s = r->spec;
    for (int c = 0; c < USAGE_NCELLS; c++) {
        int needed;
        const char *name = usage_spec_column(s, c, &needed);
        r->col[c] = name ? header_index(r, name) : -1;
        if (r->col[c] < 0 && needed) return missing_column(r, name, usage_cell_what(c));
    }
    if (s->nfilters && !(r->fcol = malloc(s->nfilters * sizeof *r->fcol))) return io_error(r, "%s: out of memory%s%s", "", "");
    for (size_t i = 0; i < s->nfilters; i++) {
        const char *name = s->filters[i].column ? s->filters[i].column : "Tags";
        if ((r->fcol[i] = header_index(r, name)) < 0) return missing_column(r, name, "filter");
    }
    return 1;
}

/* ---- rows ---- */

static usage_cell_t cell_at(const reader_t *r, int k)
{
    usage_cell_t c = { NULL, 0 };
    if (k < 0) return c;
    c.p = r->text + r->fields[k].off;
    c.n = r->fields[k].n;
    if (c.n == 4 && !memcmp(c.p, "NULL", 4)) c.n = 0;
    return c;
}

/* A bad row: an error, or with skip_bad_rows a count; 1 to go on. */
static int bad_row(reader_t *r, int field, const char *msg, const char *hint)
{
    if (r->spec->skip_bad_rows) { usage_table_note_bad_row(r->t, r->raw_line); return 1; }
    size_t n = 0, at = field >= 0 ? raw_field(r, (size_t)field, &n) : r->raw_len;
    row_error(r, at, n, msg, hint);
    return 0;
}

static int add_row(reader_t *r)
{
    if (r->nfields != r->ncols) {
        char *msg = diag_format("%zu field%s in this row, %zu in the header", r->nfields, r->nfields == 1 ? "" : "s", r->ncols);
        int ok = bad_row(r, r->nfields > r->ncols ? (int)r->ncols : -1, msg,
                         "quote a field that holds a comma (RFC 4180)");
        free(msg);
        return ok;
    }
    const usage_spec_t *s = r->spec;
    for (size_t i = 0; i < s->nfilters; i++) {
        usage_cell_t c = cell_at(r, r->fcol[i]);
        int m = usage_filter_match(&s->filters[i], c.p, c.n);
        if (m < 0) return bad_row(r, r->fcol[i], "Tags is not a JSON object", "FOCUS Tags are a JSON object of string keys: {\"team\": \"ml\"}");
        if (!m) { usage_table_note_filtered(r->t); return 1; }
    }
    usage_row_t row;
    row.sku = cell_at(r, r->col[USAGE_CELL_SKU]);
    row.quantity = cell_at(r, r->col[USAGE_CELL_QUANTITY]);
    row.unit = cell_at(r, r->col[USAGE_CELL_UNIT]);
    row.start = cell_at(r, r->col[USAGE_CELL_START]);
    row.end = cell_at(r, r->col[USAGE_CELL_END]);
    row.currency = cell_at(r, r->col[USAGE_CELL_CURRENCY]);
    for (int c = 0; c < USAGE_NCOSTS; c++) row.cost[c] = cell_at(r, r->col[USAGE_CELL_COST + c]);
    usage_fault_t f;
    if (usage_table_add(r->t, s, &row, &f)) return 1;
    int ok = bad_row(r, f.cell >= 0 ? r->col[f.cell] : -1, f.msg, f.hint);
    usage_fault_clear(&f);
    return ok;
}

int usage_read_fd(usage_table_t *t, const usage_spec_t *spec, int fd, const char *name, diag_t **err)
{
    *err = NULL;
    /* loaded on first use: a run that reads no usage file never maps them */
    const char *missing = !zlib_dl_open() ? "zlib" : !csv_dl_open() ? "libcsv" : NULL;
    if (missing) {
        *err = diag_new(DIAG_IO, NULL, "%s: cannot load %s, needed to read usage files", name, missing);
        diag_set_hint(*err, "install it (Debian: apt-get install %s)", *missing == 'z' ? "zlib1g" : "libcsv3");
        close(fd);
        return 0;
    }
    reader_t r;
    memset(&r, 0, sizeof r);
    r.t = t;
    r.spec = spec;
    r.path = name;
    r.err = err;
    r.at_start = 1;
    int ok = 0;
    r.buf = malloc(CHUNK + MAX_RECORD + 1);
    r.rec = malloc(MAX_RECORD + 1);
    r.rawbuf = malloc(MAX_RECORD + 1);
    r.fields = malloc(MAX_FIELDS * sizeof *r.fields);
    if (!r.buf || !r.rec || !r.rawbuf || !r.fields || csv_init(&r.csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        io_error(&r, "%s: out of memory%s%s", "", "");
        close(fd);
        goto out;
    }
    csv_set_realloc_func(&r.csv, bounded_realloc);
    if (!(r.gz = gzdopen(fd, "rb"))) {
        io_error(&r, "%s: cannot read: %s%s", "out of memory", "");
        close(fd);
        csv_free(&r.csv);
        goto out;
    }
    gzbuffer(r.gz, CHUNK);
    if (read_header(&r)) {
        int got;
        while ((got = next_record(&r)) > 0)
            if (!add_row(&r)) break;
        ok = got == 0 && !*err;
    }
    gzclose(r.gz);
    csv_free(&r.csv);
out:
    if (r.names) for (size_t i = 0; i < r.ncols; i++) free(r.names[i]);
    free(r.names);
    free(r.fcol);
    free(r.buf);
    free(r.rec);
    free(r.rawbuf);
    free(r.fields);
    return ok;
}

int usage_read_file(usage_table_t *t, const usage_spec_t *spec, const char *path, diag_t **err)
{
    policy_file_t f;
    char *why = NULL;
    *err = NULL;
    if (policy_open_user(NULL, path, 0, &f, &why) != POLICY_OK) {
        int named = why && strstr(why, path);   /* the policy's sentences mostly name the file */
        *err = diag_new(DIAG_IO, NULL, "%s%s%s", named ? "" : path, named ? "" : ": ", why ? why : "out of memory");
        free(why);
        return 0;
    }
    int fd = f.fd;
    f.fd = -1;
    policy_file_close(&f);
    return usage_read_fd(t, spec, fd, path, err);
}
