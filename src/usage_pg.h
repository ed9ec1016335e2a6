/* usage_pg: usage read from a PostgreSQL-protocol database (PostgreSQL, Citus, Greenplum,
 * Redshift, CockroachDB ...). The scanning and summing run inside the engine: one plain
 * aggregation query, and only the sums per SKU and charge period travel back, streamed
 * into a usage table (usage.h) exactly as a file's rows are. */
#ifndef OUTLAY_USAGE_PG_H
#define OUTLAY_USAGE_PG_H
#include "diag.h"
#include "usage.h"

typedef struct usage_pg_source {
    const char *conninfo;    /* a libpq connection string ("host=... dbname=...") or URI
                                (postgresql://...); it may hold a password, so it is never
                                shown: messages name the source by usage_pg_name */
    const char *table;       /* "table" or "schema.table", quoted as identifiers */
    long timeout_ms;         /* 0: none; else connecting, the query and reading its rows
                                together take at most this long, then the query is cancelled */
} usage_pg_source_t;

/* Whether this Outlay was built with libpq (configure --with-postgresql). */
int usage_pg_available(void);

/* --timeout SECONDS ("30", "0.5"; at most 3 decimals, at most a week) as milliseconds;
 * 0 when text is not such a number. */
long usage_pg_parse_timeout(const char *text);

/* Whether text names a database rather than a file: a postgres:// or postgresql:// URI. */
int usage_pg_is_uri(const char *text);

/* Reads the table's usage into t. On failure returns 0 with *err; t may then hold part of
 * the usage and must be discarded. where (may be NULL) is what the diag points at. */
int usage_pg_read(usage_table_t *t, const usage_spec_t *spec, const usage_pg_source_t *src,
                  const loc_t *where, diag_t **err);

/* The aggregation query usage_pg_read sends, with its parameters as SQL comments after
 * it (malloc'd). It connects to learn the table's columns. NULL and *err on failure. */
char *usage_pg_show_query(const usage_spec_t *spec, const usage_pg_source_t *src,
                          const loc_t *where, diag_t **err);

/* For a connection string written in a program rather than typed by the user: the
 * first keyword that would make libpq read a file of the program's choosing (passfile,
 * sslcert, sslkey, sslrootcert, sslcrl, sslcrldir), "invalid" when the string does not
 * parse, or NULL when it has none. */
const char *usage_pg_file_option(const char *conninfo);

/* What messages and reports call a source: "table focus in database billing on
 * db.example.com as user ana", never a password (malloc'd). */
char *usage_pg_name(const char *conninfo, const char *table);
#endif
