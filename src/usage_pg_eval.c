/* usage_pg_eval: database usage sources in the language and on the command line.
 * postgres(CONNECTION, TABLE) makes a source that read_usage reads; the value is opaque,
 * so showing it shows no password. A program may name a database only when the command
 * line allows it (--allow-database): a contract file from someone else must not connect
 * wherever it likes with the user's credentials (~/.pgpass, PGPASSWORD), and even then
 * its connection string may not point libpq at files (sslkey, passfile ...). A database
 * the user names on the command line (--usage postgresql://... --usage-table NAME) is
 * the user's choice and needs no flag. */
#include "interp.h"
#include "usage_pg.h"
#include <stdlib.h>
#include <string.h>

typedef struct db_source { char *conninfo, *table; } db_source_t;

static void db_source_free(void *p)
{
    db_source_t *s = p;
    free(s->conninfo);
    free(s->table);
    free(s);
}

static const value_object_type_t db_source_type = { "database", db_source_free, NULL };

int usage_pg_eval_is(const value_t *v) { return v && v->kind == V_OBJECT && v->u.obj.type == &db_source_type; }

value_t *usage_pg_eval_postgres(eval_t *e, const node_t *call, value_t **args, size_t nargs)
{
    if (nargs != 2 || args[0]->kind != V_STR || args[1]->kind != V_STR)
        return eval_fail(e, AST_LOC(call), DIAG_RUNTIME,
                         "postgres(connection, table) needs a connection string (\"host=... dbname=...\" or "
                         "postgresql://...) and a table's name");
    if (!e->sh->allow_database) {
        eval_fail(e, AST_LOC(call), DIAG_RUNTIME, "this program asks to connect to a database, which a program may do only "
                  "when the command line allows it");
        diag_set_hint(e->err, "run it with --allow-database if you trust it, or name the database yourself: "
                      "outlay price FILE --usage postgresql://... --usage-table NAME");
        return NULL;
    }
    loc_t conn_at = ast_span(call->list);
    const char *file = usage_pg_file_option(args[0]->u.s);
    if (file && !strcmp(file, "invalid"))
        return eval_fail(e, &conn_at, DIAG_RUNTIME, "not a valid connection string (it is not shown: it may hold a password)");
    if (file)
        return eval_fail(e, &conn_at, DIAG_RUNTIME, "a connection string in a program may not set %s: libpq would read a "
                         "file the program chose (set it in the environment or a service file instead)", file);
    db_source_t *s = calloc(1, sizeof *s);
    if (s && (!(s->conninfo = strdup(args[0]->u.s)) || !(s->table = strdup(args[1]->u.s)))) { db_source_free(s); s = NULL; }
    value_t *v = s ? value_object(&db_source_type, s) : NULL;
    if (!v) {
        if (s) db_source_free(s);
        return eval_fail(e, AST_LOC(call), DIAG_LIMIT, "out of memory");
    }
    return v;
}

/* Keeps the query for --show-query: main prints what was sent. */
static void keep_query(eval_t *e, const usage_spec_t *spec, const usage_pg_source_t *pg, diag_t **err)
{
    char *q = usage_pg_show_query(spec, pg, NULL, err);
    if (!q) return;
    size_t had = e->sh->usage_queries ? strlen(e->sh->usage_queries) : 0;
    char *all = realloc(e->sh->usage_queries, had + strlen(q) + 1);
    if (all) {
        strcpy(all + had, q);
        e->sh->usage_queries = all;
    }
    free(q);
}

/* Reads a database into t: a source a program made with postgres(), or (src NULL) the URI
 * the command line gave, whose table --usage-table names. */
int usage_pg_eval_load(eval_t *e, const value_t *src, const char *uri, usage_table_t *t, const usage_spec_t *spec,
                       diag_t **err)
{
    usage_pg_source_t pg = { uri, e->sh->usage_table, e->sh->usage_timeout_ms };
    if (src) {
        const db_source_t *s = src->u.obj.p;
        pg.conninfo = s->conninfo;
        pg.table = s->table;
    } else if (!pg.table) {
        *err = diag_new(DIAG_IO, NULL, "--usage names a database: which of its tables? (--usage-table NAME)");
        return 0;
    }
    if (e->sh->show_query) {
        keep_query(e, spec, &pg, err);
        if (*err) return 0;
    }
    return usage_pg_read(t, spec, &pg, NULL, err);
}

/* What a database source is called in messages and reports: never its password. */
char *usage_pg_eval_name(eval_t *e, const value_t *src, const char *uri)
{
    const db_source_t *s = src ? src->u.obj.p : NULL;
    const char *table = s ? s->table : e->sh->usage_table;
    return usage_pg_name(s ? s->conninfo : uri, table ? table : "(none)");
}
