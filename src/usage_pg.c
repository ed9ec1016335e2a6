/* usage_pg: the PostgreSQL usage source. It asks the server which columns the table has
 * (an empty SELECT), checks them against the spec, builds one portable aggregation query
 * (SUM of the quantity and cost columns cast to NUMERIC, GROUP BY SKU and charge period,
 * the spec's filters as a WHERE with parameters), streams the groups back in single-row
 * mode and hands each to usage_table_add, which maps its SKU and spreads it over its hours
 * as it does a file's row. A group holds rows of one SKU and one exact charge period, so
 * spreading its sum is spreading each of its rows: the result is the file reader's.
 * Connection strings may hold passwords: they are never printed, and text from libpq
 * has every secret of the connection string blanked out before it is shown. */
#include "config.h"
#include "usage_pg.h"
#include "escape.h"
#include "strbuf.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef HAVE_LIBPQ
#include "pq_dl.h"
#include <poll.h>
#include <time.h>
#endif

int usage_pg_is_uri(const char *text)
{
    return !strncmp(text, "postgresql://", 13) || !strncmp(text, "postgres://", 11);
}

long usage_pg_parse_timeout(const char *text)
{
    long ms = 0;
    int decimals = -1;
    for (const char *s = text; *s; s++) {
        if (*s == '.' && decimals < 0 && s != text) { decimals = 0; continue; }
        if (*s < '0' || *s > '9' || decimals >= 3 || ms > 7L * 24 * 3600 * 1000) return 0;
        ms = ms * 10 + (*s - '0');
        if (decimals >= 0) decimals++;
    }
    for (int d = decimals < 0 ? 0 : decimals; d < 3; d++) ms *= 10;
    return ms > 7L * 24 * 3600 * 1000 ? 0 : ms;
}

#ifndef HAVE_LIBPQ

int usage_pg_available(void) { return 0; }

static diag_t *unavailable(const loc_t *where)
{
    diag_t *d = diag_new(DIAG_IO, where, "this Outlay was built without PostgreSQL support");
    diag_set_hint(d, "install libpq (Debian: apt-get install libpq-dev), then ./configure --with-postgresql && make");
    return d;
}

int usage_pg_read(usage_table_t *t, const usage_spec_t *spec, const usage_pg_source_t *src, const loc_t *where, diag_t **err)
{
    (void)t, (void)spec, (void)src;
    *err = unavailable(where);
    return 0;
}

char *usage_pg_show_query(const usage_spec_t *spec, const usage_pg_source_t *src, const loc_t *where, diag_t **err)
{
    (void)spec, (void)src;
    *err = unavailable(where);
    return NULL;
}

char *usage_pg_name(const char *conninfo, const char *table)
{
    (void)conninfo;
    return diag_format("table %s in a PostgreSQL database", table);
}

const char *usage_pg_file_option(const char *conninfo) { (void)conninfo; return NULL; }

#else

/* ---- quoting SQL ---- */

/* An identifier as SQL quotes it: in double quotes, a double quote doubled. */
static void quote_ident(strbuf_t *b, const char *name)
{
    strbuf_add(b, "\"");
    for (const char *s = name; *s; s++) {
        if (*s == '"') strbuf_add(b, "\"\"");
        else strbuf_addn(b, s, 1);
    }
    strbuf_add(b, "\"");
}

/* A table name, "table" or "schema.table", quoted. */
static void quote_table(strbuf_t *b, const char *table)
{
    const char *dot = strchr(table, '.');
    if (!dot || strchr(dot + 1, '.')) { quote_ident(b, table); return; }
    char *schema = strndup(table, (size_t)(dot - table));
    if (!schema) { b->oom = 1; return; }
    quote_ident(b, schema);
    strbuf_add(b, ".");
    quote_ident(b, dot + 1);
    free(schema);
}

/* ---- the query ---- */

/* PostgreSQL type OIDs (pg_type.dat; other engines of the protocol report the same). */
enum {
    OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25, OID_FLOAT4 = 700, OID_FLOAT8 = 701,
    OID_MONEY = 790, OID_BPCHAR = 1042, OID_VARCHAR = 1043, OID_DATE = 1082,
    OID_TIMESTAMP = 1114, OID_TIMESTAMPTZ = 1184, OID_NUMERIC = 1700
};

/* Result columns beyond the row's cells (USAGE_CELL_*): the group's row count, its
 * smallest quantity (to find a negative one a sum would hide). */
enum { Q_ROWS = USAGE_NCELLS, Q_MIN, Q_NSLOTS };

typedef struct pg_query {
    char *sql;
    char **params;            /* the filter values, $1 ... */
    size_t nparams;
    int slot[Q_NSLOTS];       /* result column of each cell and Q_ slot, -1: not selected */
    int *tag_slot;            /* per filter: the result column of a Tags filter's column, or -1 */
    int nfilters_pushed;      /* filters in the WHERE clause */
} pg_query_t;

static void pg_query_free(pg_query_t *q)
{
    free(q->sql);
    for (size_t i = 0; i < q->nparams; i++) free(q->params[i]);
    free(q->params);
    free(q->tag_slot);
    memset(q, 0, sizeof *q);
}

static int is_text_oid(unsigned oid) { return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR; }
static int is_exact_number_oid(unsigned oid)
{
    return oid == OID_NUMERIC || oid == OID_INT2 || oid == OID_INT4 || oid == OID_INT8;
}

static const char *oid_name(unsigned oid)
{
    switch (oid) {
    case OID_FLOAT4: return "real (binary floating point)";
    case OID_FLOAT8: return "double precision (binary floating point)";
    case OID_MONEY: return "money (locale-formatted)";
    case OID_DATE: return "date";
    case OID_TIMESTAMP: return "timestamp";
    case OID_TIMESTAMPTZ: return "timestamp with time zone";
    default: return NULL;
    }
}

/* The table's column called name: exactly, or else the one column whose name differs only
 * in case (SQL folds unquoted names to lower case: CREATE TABLE t (SkuId ...) makes
 * "skuid"). -1 when there is none. */
static int find_column(const char *const *names, size_t n, const char *name)
{
    int found = -1;
    for (size_t i = 0; i < n; i++) if (!strcmp(names[i], name)) return (int)i;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(names[i], name)) continue;
        if (found >= 0) return -1;   /* "skuid" and "SKUID": neither is meant more than the other */
        found = (int)i;
    }
    return found;
}

static char *missing_column(const char *table, const char *const *names, size_t n, const char *what, const char *name)
{
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = diag_edit_distance(name, names[i]);
        if (d < bestd) bestd = d, best = names[i];
    }
    return diag_format("the table %s has no %s column \"%s\"%s%s%s", table, what, name,
                       best ? " (did you mean \"" : "", best ? best : "", best ? "\"?)" : "");
}

/* The column for each cell the spec reads, checked against the table's: the key columns
 * (SKU, times, unit, currency) of any type the engine prints, the summed ones an exact
 * number or text holding one. 0 and *err (malloc'd) when one is missing or unfit. */
static int resolve_columns(const usage_spec_t *spec, const char *table, const char *const *names,
                           const unsigned *oids, size_t ncols, int col[USAGE_NCELLS], char **err)
{
    for (int c = 0; c < USAGE_NCELLS; c++) {
        int needed;
        const char *name = usage_spec_column(spec, c, &needed);
        col[c] = name ? find_column(names, ncols, name) : -1;
        if (!name) continue;
        if (col[c] < 0) {
            if (!needed) continue;
            *err = missing_column(table, names, ncols, usage_cell_what(c), name);
            return 0;
        }
        unsigned oid = oids[col[c]];
        int summed = c == USAGE_CELL_QUANTITY || c >= USAGE_CELL_COST;
        if (summed && !is_exact_number_oid(oid) && !is_text_oid(oid)) {
            const char *tn = oid_name(oid);
            *err = diag_format("the %s column \"%s\" of %s is %s%s: Outlay sums NUMERIC, DECIMAL, integer or "
                               "numeric text columns", usage_cell_what(c), names[col[c]], table,
                               tn ? tn : "not of a number type", tn ? ", not an exact number" : "");
            return 0;
        }
    }
    return 1;
}

/* Builds the aggregation query for table, whose columns the server described as names[i]
 * of type oids[i]. Filters on a column go into the WHERE clause; filters on a key inside
 * Tags (JSON, which has no portable SQL) put Tags into the group's key, and the groups
 * are filtered as a file's rows are. 0 and *err (malloc'd; NULL when out of memory). */
static int build_query(const usage_spec_t *spec, const char *table, const char *const *names,
                       const unsigned *oids, size_t ncols, pg_query_t *q, char **err)
{
    memset(q, 0, sizeof *q);
    *err = NULL;
    for (int i = 0; i < Q_NSLOTS; i++) q->slot[i] = -1;
    int col[USAGE_NCELLS];
    if (!resolve_columns(spec, table, names, oids, ncols, col, err)) return 0;
    int *fcol = calloc(spec->nfilters + 1, sizeof *fcol);
    q->tag_slot = calloc(spec->nfilters + 1, sizeof *q->tag_slot);
    if (!fcol || !q->tag_slot) { free(fcol); pg_query_free(q); return 0; }
    for (size_t f = 0; f < spec->nfilters; f++) {
        const char *name = spec->filters[f].column ? spec->filters[f].column : "Tags";
        if ((fcol[f] = find_column(names, ncols, name)) < 0) {
            *err = missing_column(table, names, ncols, "filter", name);
            free(fcol);
            pg_query_free(q);
            return 0;
        }
        q->tag_slot[f] = -1;
    }

    /* SELECT the group's key columns, then the sums: the key repeats in GROUP BY */
    strbuf_t b = STRBUF_INIT, key = STRBUF_INIT;
    int ncol = 0;
    static const int key_cells[] = { USAGE_CELL_SKU, USAGE_CELL_START, USAGE_CELL_END, USAGE_CELL_UNIT, USAGE_CELL_CURRENCY };
    for (size_t k = 0; k < sizeof key_cells / sizeof key_cells[0]; k++) {
        int c = key_cells[k];
        if (col[c] < 0) continue;
        if (key.n) strbuf_add(&key, ", ");
        quote_ident(&key, names[col[c]]);
        q->slot[c] = ncol++;
    }
    for (size_t f = 0; f < spec->nfilters; f++) {
        if (!spec->filters[f].tag_key) continue;
        strbuf_add(&key, ", ");
        quote_ident(&key, names[fcol[f]]);
        q->tag_slot[f] = ncol++;
    }
    strbuf_add(&b, "SELECT ");
    strbuf_addn(&b, key.s ? key.s : "", key.n);
    for (int c = USAGE_CELL_QUANTITY; c < USAGE_NCELLS; c++) {
        if (col[c] < 0 || !(c == USAGE_CELL_QUANTITY || c >= USAGE_CELL_COST)) continue;
        strbuf_add(&b, ", SUM(CAST(");
        quote_ident(&b, names[col[c]]);
        strbuf_add(&b, " AS NUMERIC))");
        q->slot[c] = ncol++;
    }
    strbuf_add(&b, ", COUNT(*)");
    q->slot[Q_ROWS] = ncol++;
    if (!spec->negative_ok) {
        strbuf_add(&b, ", MIN(CAST(");
        quote_ident(&b, names[col[USAGE_CELL_QUANTITY]]);
        strbuf_add(&b, " AS NUMERIC))");
        q->slot[Q_MIN] = ncol++;
    }
    strbuf_add(&b, " FROM ");
    quote_table(&b, table);

    /* the filters on columns: column IN ($1, $2 ...), each value a parameter */
    size_t np = 0;
    for (size_t f = 0; f < spec->nfilters; f++) np += spec->filters[f].nvalues;
    q->params = calloc(np + 1, sizeof *q->params);
    if (!q->params) b.oom = 1;
    for (size_t f = 0; f < spec->nfilters && q->params; f++) {
        const usage_filter_t *fl = &spec->filters[f];
        if (fl->tag_key) continue;
        strbuf_add(&b, q->nfilters_pushed++ ? " AND " : " WHERE ");
        if (fl->nvalues == 0) { strbuf_add(&b, "1 = 0"); continue; }   /* nothing can match */
        quote_ident(&b, names[fcol[f]]);
        strbuf_add(&b, " IN (");
        for (size_t v = 0; v < fl->nvalues; v++) {
            if (!(q->params[q->nparams] = strdup(fl->values[v]))) { b.oom = 1; break; }
            strbuf_printf(&b, "%s$%zu", v ? ", " : "", ++q->nparams);
        }
        strbuf_add(&b, ")");
    }
    free(fcol);
    strbuf_add(&b, " GROUP BY ");
    strbuf_addn(&b, key.s ? key.s : "", key.n);
    int oom = b.oom || key.oom;
    free(key.s);
    if (oom) { free(b.s); pg_query_free(q); return 0; }
    q->sql = b.s;
    return 1;
}

/* The SQL, then each parameter as a comment (-- $1 = 'Usage', quotes doubled), escaped
 * as all printed text is: a hostile name or value cannot act on the terminal. */
static char *query_text(const pg_query_t *q)
{
    strbuf_t b = STRBUF_INIT;
    strbuf_add(&b, q->sql);
    strbuf_add(&b, "\n");
    for (size_t i = 0; i < q->nparams; i++) {
        strbuf_printf(&b, "-- $%zu = '", i + 1);
        for (const char *s = q->params[i]; *s; s++) strbuf_add(&b, *s == '\'' ? "''" : (char[]){ *s, 0 });
        strbuf_add(&b, "'\n");
    }
    char *text = b.oom ? NULL : escape_text(b.s, ESCAPE_KEEP_NEWLINE);
    free(b.s);
    return text;
}

int usage_pg_available(void) { return 1; }

/* ---- secrets ---- */

/* The connection string's secrets: every value libpq would not echo (a password, an SSL
 * key's password) and the whole string. */
typedef struct secrets { char *s[4]; size_t n; } secrets_t;

static void secrets_collect(secrets_t *sec, const char *conninfo)
{
    memset(sec, 0, sizeof *sec);
    if (conninfo[0] && (sec->s[sec->n] = strdup(conninfo))) sec->n++;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    PQfreemem(perr);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (o->val && o->val[0] && o->dispchar[0] == '*' && sec->n < sizeof sec->s / sizeof sec->s[0])
            if ((sec->s[sec->n] = strdup(o->val))) sec->n++;
    PQconninfoFree(opts);
}

static void secrets_free(secrets_t *sec)
{
    for (size_t i = 0; i < sec->n; i++) free(sec->s[i]);
    sec->n = 0;
}

/* msg with every secret replaced by "***", on one line, escaped for a terminal (malloc'd). */
static char *redact(const secrets_t *sec, const char *msg)
{
    strbuf_t b = STRBUF_INIT;
    const char *s = msg;
    while (*s) {
        size_t best = 0;
        for (size_t i = 0; i < sec->n; i++) {
            size_t n = strlen(sec->s[i]);
            if (n > best && !strncmp(s, sec->s[i], n)) best = n;
        }
        if (best) { strbuf_add(&b, "***"); s += best; continue; }
        if (*s == '\n') {   /* libpq's second line ("\tIs the server running ...?") joins the first */
            while (*s == '\t' || *s == ' ' || *s == '\n') s++;
            if (*s) strbuf_add(&b, " ");
        } else strbuf_addn(&b, s++, 1);
    }
    char *text = b.oom ? NULL : escape_text(b.s ? b.s : "", 0);   /* nothing raw reaches a terminal */
    free(b.s);
    return text;
}

char *usage_pg_name(const char *conninfo, const char *table)
{
    if (!pq_dl_open()) return diag_format("table %s in a database", table);
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    PQfreemem(perr);
    if (!opts) return diag_format("table %s in a database (its connection string is not valid)", table);
    const char *db = NULL, *host = NULL, *user = NULL, *port = NULL, *service = NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !o->val[0]) continue;
        if (!strcmp(o->keyword, "dbname")) db = o->val;
        else if (!strcmp(o->keyword, "host")) host = o->val;
        else if (!strcmp(o->keyword, "user")) user = o->val;
        else if (!strcmp(o->keyword, "port")) port = o->val;
        else if (!strcmp(o->keyword, "service")) service = o->val;
    }
    strbuf_t b = STRBUF_INIT;
    strbuf_add(&b, "table ");
    strbuf_add(&b, table);
    strbuf_add(&b, " in database ");
    strbuf_add(&b, db ? db : "(the default)");
    if (service) strbuf_add(&b, " of service "), strbuf_add(&b, service);
    if (host) strbuf_add(&b, " on "), strbuf_add(&b, host);
    if (port) strbuf_add(&b, " port "), strbuf_add(&b, port);
    if (user) strbuf_add(&b, " as user "), strbuf_add(&b, user);
    PQconninfoFree(opts);
    if (b.oom) { free(b.s); return NULL; }
    return b.s;
}

const char *usage_pg_file_option(const char *conninfo)
{
    static const char *const file_keys[] = { "passfile", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir" };
    if (!pq_dl_open()) return NULL;   /* nothing can connect: session_open says why */
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    PQfreemem(perr);
    if (!opts) return "invalid";
    const char *found = NULL;
    for (PQconninfoOption *o = opts; o->keyword && !found; o++)
        for (size_t k = 0; k < sizeof file_keys / sizeof file_keys[0] && !found; k++)
            if (o->val && o->val[0] && !strcmp(o->keyword, file_keys[k])) found = file_keys[k];
    PQconninfoFree(opts);
    return found;
}

/* ---- one session ---- */

typedef struct session {
    PGconn *conn;
    const usage_pg_source_t *src;
    const loc_t *where;
    secrets_t sec;
    char *what;               /* "table focus in database billing on /tmp/x" */
    struct timespec deadline;
    int has_deadline;
} session_t;

static diag_t *session_error(session_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static diag_t *session_error(session_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *safe = redact(&s->sec, buf);
    diag_t *d = diag_new(DIAG_IO, s->where, "%s: %s", s->what ? s->what : "database usage", safe ? safe : "error");
    free(safe);
    return d;
}

/* Milliseconds left before the deadline (at least 0); -1 without one. */
static int time_left(const session_t *s)
{
    if (!s->has_deadline) return -1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(s->deadline.tv_sec - now.tv_sec) * 1000 + (s->deadline.tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms > 1000000000 ? 1000000000 : (int)ms;
}

/* Waits until the socket is ready for dir (POLLIN or POLLOUT); 0 on timeout. */
static int wait_socket(session_t *s, short dir)
{
    struct pollfd p = { .fd = PQsocket(s->conn), .events = dir };
    for (;;) {
        int left = time_left(s);
        if (left == 0) return 0;
        int r = poll(&p, 1, left);
        if (r > 0) return 1;
        if (r == 0) return 0;
        if (errno != EINTR) return 1;   /* let libpq find out what is wrong with the socket */
    }
}

static void cancel_query(session_t *s)
{
    PGcancel *c = PQgetCancel(s->conn);
    char buf[256];
    if (c) PQcancel(c, buf, sizeof buf), PQfreeCancel(c);
}

static diag_t *timed_out(session_t *s)
{
    diag_t *d = session_error(s, "no answer within the timeout of %ld.%03ld s (the query was cancelled)",
                              s->src->timeout_ms / 1000, s->src->timeout_ms % 1000);
    diag_set_hint(d, "give it longer with --timeout, or check that the table's filters and grouping columns are indexed");
    return d;
}

/* The server's notices are not errors, and their text is not ours to print unescaped. */
static void ignore_notice(void *arg, const char *message) { (void)arg, (void)message; }

static int session_open(session_t *s, const usage_pg_source_t *src, const loc_t *where, diag_t **err)
{
    memset(s, 0, sizeof *s);
    s->src = src;
    s->where = where;
    if (!pq_dl_open()) {
        *err = session_error(s, "cannot load libpq, the PostgreSQL client library");
        diag_set_hint(*err, "install it (Debian: apt-get install libpq5)");
        return 0;
    }
    secrets_collect(&s->sec, src->conninfo);
    s->what = usage_pg_name(src->conninfo, src->table);
    if (src->timeout_ms > 0) {
        clock_gettime(CLOCK_MONOTONIC, &s->deadline);
        s->deadline.tv_sec += src->timeout_ms / 1000;
        s->deadline.tv_nsec += (src->timeout_ms % 1000) * 1000000;
        if (s->deadline.tv_nsec >= 1000000000) s->deadline.tv_sec++, s->deadline.tv_nsec -= 1000000000;
        s->has_deadline = 1;
    }
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(src->conninfo, &perr);
    PQfreemem(perr);   /* it may quote the string, password and all */
    int valid = opts != NULL;
    PQconninfoFree(opts);
    if (!valid) {
        *err = session_error(s, "the connection string is not valid (it is not shown: it may hold a password)");
        diag_set_hint(*err, "write it as \"host=... dbname=...\" or as a URI, postgresql://user@host/dbname");
        return 0;
    }
    /* the string expanded, then text in UTF-8 whatever it said */
    const char *keys[] = { "dbname", "client_encoding", "application_name", NULL };
    const char *vals[] = { src->conninfo, "UTF8", "outlay", NULL };
    s->conn = PQconnectStartParams(keys, vals, 1);
    if (!s->conn) { *err = NULL; return 0; }
    for (PostgresPollingStatusType st = PGRES_POLLING_WRITING; st != PGRES_POLLING_OK;) {
        if (st == PGRES_POLLING_FAILED || PQstatus(s->conn) == CONNECTION_BAD) {
            *err = session_error(s, "cannot connect: %s", PQerrorMessage(s->conn));
            return 0;
        }
        if (!wait_socket(s, st == PGRES_POLLING_READING ? POLLIN : POLLOUT)) { *err = timed_out(s); return 0; }
        st = PQconnectPoll(s->conn);
    }
    PQsetNoticeProcessor(s->conn, ignore_notice, NULL);
    return 1;
}

static void session_close(session_t *s)
{
    if (s->conn) PQfinish(s->conn);
    secrets_free(&s->sec);
    free(s->what);
    memset(s, 0, sizeof *s);
}

/* The next result of the query in flight, waiting at most until the deadline: NULL at the
 * end, or on a timeout or a lost connection (*err set). */
static PGresult *next_result(session_t *s, diag_t **err)
{
    while (PQisBusy(s->conn)) {
        if (!wait_socket(s, POLLIN)) {
            cancel_query(s);
            *err = timed_out(s);
            return NULL;
        }
        if (!PQconsumeInput(s->conn)) {
            *err = session_error(s, "the connection was lost while reading the usage: %s", PQerrorMessage(s->conn));
            return NULL;
        }
    }
    return PQgetResult(s->conn);
}

/* Sends sql with params; in single-row mode when streaming. */
static int send_query(session_t *s, const char *sql, const char *const *params, size_t nparams, int streaming, diag_t **err)
{
    if (!PQsendQueryParams(s->conn, sql, (int)nparams, NULL, params, NULL, NULL, 0) ||
        (streaming && !PQsetSingleRowMode(s->conn))) {
        *err = session_error(s, "cannot send the query: %s", PQerrorMessage(s->conn));
        return 0;
    }
    return 1;
}

/* An error result as a diag: the server's words, with what they mean for usage. */
static diag_t *result_error(session_t *s, const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (!msg) msg = PQresultErrorMessage(r);
    if (!state) state = "";
    if (!strcmp(state, "42P01") || !strcmp(state, "3F000"))
        return session_error(s, "there is no such table (the server says: %s)", msg);
    if (!strcmp(state, "57014"))
        return session_error(s, "the query was cancelled by the server (%s)", msg);
    if (!strncmp(state, "22", 2)) {
        diag_t *d = session_error(s, "a value in the table cannot be read as a number or time: %s", msg);
        diag_set_hint(d, "the quantity and cost columns must hold plain decimal numbers");
        return d;
    }
    if (!strncmp(state, "57P", 3) || !strncmp(state, "08", 2) || PQstatus(s->conn) == CONNECTION_BAD)
        return session_error(s, "the connection was lost while reading the usage: %s", msg);
    return session_error(s, "the query failed: %s", msg);
}

/* Runs a statement whose rows are not needed (SET ...), or the column probe. */
static PGresult *run_small(session_t *s, const char *sql, diag_t **err)
{
    if (!send_query(s, sql, NULL, 0, 0, err)) return NULL;
    PGresult *last = NULL, *r;
    while ((r = next_result(s, err))) {
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !*err) *err = result_error(s, r);
        PQclear(last);
        last = r;
    }
    if (*err) { PQclear(last); return NULL; }
    return last;
}

/* Connects, opens a read-only snapshot, learns the table's columns and builds the query. */
static int prepare(session_t *s, const usage_spec_t *spec, const usage_pg_source_t *src, const loc_t *where,
                   pg_query_t *q, diag_t **err)
{
    if (!session_open(s, src, where, err)) return 0;
    /* one snapshot for the query and the count of filtered rows; nothing can be written */
    PGresult *r = run_small(s, "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", err);
    if (!r) return 0;
    PQclear(r);
    /* timestamps in ISO form (with their UTC offset, which usage_parse_time applies) */
    const char *style = PQparameterStatus(s->conn, "DateStyle");
    if (style && strncmp(style, "ISO", 3)) {
        if (!(r = run_small(s, "SET DATESTYLE TO ISO", err))) return 0;
        PQclear(r);
    }
    strbuf_t probe = STRBUF_INIT;
    strbuf_add(&probe, "SELECT * FROM ");
    quote_table(&probe, src->table);
    strbuf_add(&probe, " WHERE 1 = 0");
    if (probe.oom) { free(probe.s); *err = NULL; return 0; }
    r = run_small(s, probe.s, err);
    free(probe.s);
    if (!r) return 0;
    size_t n = (size_t)PQnfields(r);
    const char **names = calloc(n + 1, sizeof *names);
    unsigned *oids = calloc(n + 1, sizeof *oids);
    int ok = names && oids;
    for (size_t i = 0; ok && i < n; i++) names[i] = PQfname(r, (int)i), oids[i] = (unsigned)PQftype(r, (int)i);
    char *qerr = NULL;
    ok = ok && build_query(spec, src->table, names, oids, n, q, &qerr);
    if (!ok) *err = qerr ? session_error(s, "%s", qerr) : NULL;
    free(qerr);
    free(names);
    free(oids);
    PQclear(r);
    return ok;
}

char *usage_pg_show_query(const usage_spec_t *spec, const usage_pg_source_t *src, const loc_t *where, diag_t **err)
{
    session_t s;
    pg_query_t q = {0};
    char *text = NULL;
    if (prepare(&s, spec, src, where, &q, err)) text = query_text(&q);
    pg_query_free(&q);
    session_close(&s);
    return text;
}

static usage_cell_t cell_of(const PGresult *r, int col)
{
    usage_cell_t c = { NULL, 0 };
    if (col < 0) return c;
    if (PQgetisnull(r, 0, col)) { c.p = ""; return c; }
    c.p = PQgetvalue(r, 0, col);
    c.n = (size_t)PQgetlength(r, 0, col);
    return c;
}

/* A group's place, for messages: "SKU 'gpu' from 2027-01-01 00:00:00+00 to ...". */
static diag_t *group_error(session_t *s, const usage_row_t *row, long long rows, const char *msg, const char *hint)
{
    int sn = (int)(row->sku.n > 200 ? 200 : row->sku.n);
    diag_t *d = session_error(s, "the %lld row%s of SKU '%.*s' from %.*s to %.*s: %s", rows, rows == 1 ? "" : "s",
                              sn, row->sku.p ? row->sku.p : "", (int)(row->start.n > 64 ? 64 : row->start.n),
                              row->start.p ? row->start.p : "", (int)(row->end.n > 64 ? 64 : row->end.n),
                              row->end.p ? row->end.p : "", msg ? msg : "out of memory");
    if (hint) diag_set_hint(d, "%s", hint);
    return d;
}

/* One group as a usage row standing for its rows, added to t (or filtered, or skipped as
 * bad, as a file's rows would be). */
static int add_group(session_t *s, usage_table_t *t, const usage_spec_t *spec, const pg_query_t *q,
                     const PGresult *r, long long *kept, diag_t **err)
{
    usage_row_t row;
    memset(&row, 0, sizeof row);
    row.sku = cell_of(r, q->slot[USAGE_CELL_SKU]);
    row.quantity = cell_of(r, q->slot[USAGE_CELL_QUANTITY]);
    row.unit = cell_of(r, q->slot[USAGE_CELL_UNIT]);
    row.start = cell_of(r, q->slot[USAGE_CELL_START]);
    row.end = cell_of(r, q->slot[USAGE_CELL_END]);
    row.currency = cell_of(r, q->slot[USAGE_CELL_CURRENCY]);
    for (int c = 0; c < USAGE_NCOSTS; c++) row.cost[c] = cell_of(r, q->slot[USAGE_CELL_COST + c]);
    long long rows = strtoll(PQgetvalue(r, 0, q->slot[Q_ROWS]), NULL, 10);
    *kept += rows;
    for (size_t f = 0; f < spec->nfilters; f++) {
        if (q->tag_slot[f] < 0) continue;
        usage_cell_t tags = cell_of(r, q->tag_slot[f]);
        int m = usage_filter_match(&spec->filters[f], tags.p, tags.n);
        if (m > 0) continue;
        if (m == 0) {
            for (long long k = 0; k < rows; k++) usage_table_note_filtered(t);
            return 1;
        }
        if (spec->skip_bad_rows) {
            for (long long k = 0; k < rows; k++) usage_table_note_bad_row(t, 0);
            return 1;
        }
        *err = group_error(s, &row, rows, "Tags is not a JSON object", "FOCUS Tags are a JSON object of string keys: {\"team\": \"ml\"}");
        return 0;
    }
    usage_fault_t fault = {0};
    usage_cell_t least = cell_of(r, q->slot[Q_MIN]);
    if (least.p && least.n && least.p[0] == '-') {
        /* a negative quantity is a bad row in a file, and a sum could hide it: the table
         * judges the group's smallest, and refuses it: MIN is asked only when the spec
         * does not allow negatives */
        usage_row_t smallest = row;
        smallest.quantity = least;
        usage_table_add(t, spec, &smallest, &fault);
    } else if (usage_table_add_rows(t, spec, &row, rows, &fault)) {
        return 1;
    }
    if (spec->skip_bad_rows) {
        for (long long k = 0; k < rows; k++) usage_table_note_bad_row(t, 0);
        usage_fault_clear(&fault);
        return 1;
    }
    *err = group_error(s, &row, rows, fault.msg, fault.hint);
    usage_fault_clear(&fault);
    return 0;
}

/* Rows of the table that the filters dropped before grouping: all rows less those kept. */
static int note_filtered(session_t *s, usage_table_t *t, long long kept, diag_t **err)
{
    strbuf_t b = STRBUF_INIT;
    strbuf_add(&b, "SELECT COUNT(*) FROM ");
    quote_table(&b, s->src->table);
    if (b.oom) { free(b.s); *err = NULL; return 0; }
    PGresult *r = run_small(s, b.s, err);
    free(b.s);
    if (!r) return 0;
    long long all = PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : kept;
    PQclear(r);
    for (long long k = kept; k < all; k++) usage_table_note_filtered(t);
    return 1;
}

int usage_pg_read(usage_table_t *t, const usage_spec_t *spec, const usage_pg_source_t *src, const loc_t *where, diag_t **err)
{
    session_t s;
    pg_query_t q = {0};
    *err = NULL;
    int ok = prepare(&s, spec, src, where, &q, err) &&
             send_query(&s, q.sql, (const char *const *)q.params, q.nparams, 1, err);
    int done = 0;
    long long kept = 0;
    PGresult *r;
    while (ok && (r = next_result(&s, err))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE) ok = add_group(&s, t, spec, &q, r, &kept, err);
        else if (st == PGRES_TUPLES_OK) done = 1;
        else { *err = result_error(&s, r); ok = 0; }
        PQclear(r);
    }
    if (ok && !*err && !done) *err = session_error(&s, "the connection was lost while reading the usage: %s", PQerrorMessage(s.conn));
    if (*err) ok = 0;
    if (ok && q.nfilters_pushed) ok = note_filtered(&s, t, kept, err);
    if (!ok && s.conn && PQtransactionStatus(s.conn) == PQTRANS_ACTIVE) cancel_query(&s);
    pg_query_free(&q);
    session_close(&s);
    return ok;
}
#endif
