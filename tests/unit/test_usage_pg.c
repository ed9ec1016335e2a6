/* The PostgreSQL usage source against a throwaway server (tests/pgserver.sh; .ci/run
 * starts one and sets OUTLAY_TEST_PGHOST to its socket directory): generated FOCUS rows
 * loaded into a table and written to a CSV file give equal usage tables; the query sent
 * is the one expected; each way a database source can fail is a clear error that never
 * shows the password. Without a server the tests skip, except in CI (CI=true), where a
 * missing server is a failure. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "helpers.h"
#include "usage.h"
#include "usage_pg.h"

/* ---- the server ---- */

static char conninfo[512];
static char schema[64];

static const char *server(void)
{
    const char *host = getenv("OUTLAY_TEST_PGHOST");
    if (!host || !*host) {
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true"))
            cr_assert_fail("CI=true but OUTLAY_TEST_PGHOST is not set: .ci/run starts a PostgreSQL server for these tests");
        cr_skip_test("no PostgreSQL test server: start one with tests/pgserver.sh start DIR, then OUTLAY_TEST_PGHOST=DIR");
    }
    return host;
}

static PGconn *admin(void)
{
    PGconn *c = PQconnectdb(conninfo);
    cr_assert(PQstatus(c) == CONNECTION_OK, "cannot connect to the test server: %s", PQerrorMessage(c));
    return c;
}

static void sql(PGconn *c, const char *text)
{
    PGresult *r = PQexec(c, text);
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", text, PQerrorMessage(c));
    PQclear(r);
}

/* A schema of this test process's own, as the search path of conninfo. */
static void setup(void)
{
    const char *host = server();
    snprintf(schema, sizeof schema, "outlay_test_%ld", (long)getpid());
    snprintf(conninfo, sizeof conninfo, "host=%s user=outlay dbname=postgres options='-c search_path=%s -c client_min_messages=warning'", host, schema);
    PGconn *c = admin();
    char text[256];
    snprintf(text, sizeof text, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
    sql(c, text);
    PQfinish(c);
}

static void teardown(void)
{
    if (!schema[0] || !conninfo[0]) return;
    PGconn *c = PQconnectdb(conninfo);
    char text[256];
    snprintf(text, sizeof text, "DROP SCHEMA IF EXISTS %s CASCADE", schema);
    if (PQstatus(c) == CONNECTION_OK) PQclear(PQexec(c, text));
    PQfinish(c);
}

TestSuite(usage_pg, .init = setup, .fini = teardown, .timeout = 60);

/* ---- generated FOCUS rows ---- */

static const char focus_table[] =
    "CREATE TABLE %s (\"SkuId\" text, \"PricingQuantity\" numeric, \"PricingUnit\" text, "
    "\"ChargePeriodStart\" timestamptz, \"ChargePeriodEnd\" timestamptz, \"BillingCurrency\" text, "
    "\"BilledCost\" numeric(20,10), \"EffectiveCost\" numeric, \"ListCost\" integer, \"ChargeCategory\" text, \"Tags\" jsonb)";

/* Writes tests/usage_pg/gen_focus.py's rows to a CSV file and loads the same file into
 * a new table name; returns the file's path (a static buffer). */
static const char *load_focus(PGconn *c, const char *name)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/outlay_usage_pg_%ld.csv", (long)getpid());
    const char *srcdir = getenv("OUTLAY_SRCDIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/usage_pg/gen_focus.py' > '%s'", srcdir ? srcdir : ".", path);
    cr_assert(system(cmd) == 0, "%s failed", cmd);
    char text[1024];
    snprintf(text, sizeof text, focus_table, name);
    sql(c, text);
    snprintf(text, sizeof text, "COPY %s FROM STDIN WITH (FORMAT csv, HEADER true)", name);
    PGresult *r = PQexec(c, text);
    cr_assert(PQresultStatus(r) == PGRES_COPY_IN, "%s", PQerrorMessage(c));
    PQclear(r);
    FILE *f = fopen(path, "rb");
    cr_assert(f);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) cr_assert(PQputCopyData(c, buf, (int)n) == 1);
    fclose(f);
    cr_assert(PQputCopyEnd(c, NULL) == 1);
    while ((r = PQgetResult(c))) {
        cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK, "COPY: %s", PQerrorMessage(c));
        PQclear(r);
    }
    return path;
}

/* ---- comparing usage tables ---- */

static size_t sku_index(const usage_table_t *t, const char *sku)
{
    for (size_t i = 0; i < usage_table_nskus(t); i++)
        if (!strcmp(usage_table_sku(t, i), sku)) return i;
    cr_assert_fail("SKU %s missing", sku);
    return 0;
}

/* Every SKU's quantity and costs, hour by hour, equal exactly. */
static void assert_same_usage(units_t *u, const usage_table_t *a, const usage_table_t *b)
{
    cr_assert_eq(usage_table_nskus(a), usage_table_nskus(b));
    cr_assert_eq(usage_table_first_hour(a), usage_table_first_hour(b));
    cr_assert_eq(usage_table_end_hour(a), usage_table_end_hour(b));
    cr_assert_str_eq(usage_table_currency(a) ? usage_table_currency(a) : "-", usage_table_currency(b) ? usage_table_currency(b) : "-");
    cr_assert_eq(usage_table_filtered_rows(a), usage_table_filtered_rows(b));
    cr_assert_eq(usage_table_bad_rows(a), usage_table_bad_rows(b));
    mpq_t x, y;
    mpq_init(x), mpq_init(y);
    for (size_t i = 0; i < usage_table_nskus(a); i++) {
        size_t j = sku_index(b, usage_table_sku(a, i));
        int eq = 0;
        char *err = NULL;
        cr_assert(value_equal(u, usage_table_unit(a, i), usage_table_unit(b, j), &eq, &err) && eq, "unit of %s", usage_table_sku(a, i));
        cr_assert_eq(usage_table_rows(a, i), usage_table_rows(b, j), "rows of %s", usage_table_sku(a, i));
        for (usage_hour_t h = usage_table_first_hour(a); h < usage_table_end_hour(a); h++) {
            usage_table_quantity(a, i, h, h + 1, x);
            usage_table_quantity(b, j, h, h + 1, y);
            cr_assert(mpq_equal(x, y), "%s hour %lld: quantity %s vs %s", usage_table_sku(a, i), h,
                      mpq_get_str(NULL, 10, x), mpq_get_str(NULL, 10, y));
            cr_assert_eq(usage_table_rows_in(a, i, h, h + 1), usage_table_rows_in(b, j, h, h + 1), "%s hour %lld: rows",
                         usage_table_sku(a, i), h);
            for (int c = 0; c < USAGE_NCOSTS; c++) {
                cr_assert_eq(usage_table_has_cost(a, c), usage_table_has_cost(b, c));
                if (!usage_table_has_cost(a, c)) continue;
                usage_table_cost(a, i, c, h, h + 1, x);
                usage_table_cost(b, j, c, h, h + 1, y);
                cr_assert(mpq_equal(x, y), "%s hour %lld cost %d", usage_table_sku(a, i), h, c);
            }
        }
    }
    mpq_clear(x), mpq_clear(y);
}

static usage_pg_source_t source(const char *table) { return (usage_pg_source_t){ conninfo, table, 0 }; }

/* ---- the same rows from a table and from a file ---- */

/* Loads the generated rows into table and into a file, reads both with spec and checks
 * they hold the same usage; returns the file's usage table. */
static usage_table_t *same_as_file(eval_t *e, const char *table, const usage_spec_t *spec)
{
    PGconn *c = admin();
    const char *csv = load_focus(c, table);
    PQfinish(c);
    units_t *u = eval_units(e);
    usage_table_t *from_file = usage_table_new(u), *from_db = usage_table_new(u);
    diag_t *err = NULL;
    cr_assert(usage_read_file(from_file, spec, csv, &err), "file: %s", err ? err->msg : "?");
    usage_pg_source_t src = source(table);
    cr_assert(usage_pg_read(from_db, spec, &src, NULL, &err), "database: %s", err ? err->msg : "?");
    cr_assert_eq(usage_table_nskus(from_file), 3);
    assert_same_usage(u, from_file, from_db);
    usage_table_free(from_db);
    unlink(csv);
    return from_file;
}

Test(usage_pg, table_and_file_give_the_same_usage)
{
    usage_spec_t spec;
    usage_spec_focus(&spec);
    eval_t *e = h_eval_prelude();
    usage_table_free(same_as_file(e, "focus", &spec));
    eval_free(e);
    usage_spec_free(&spec);
}

/* A filter on a column goes into the WHERE clause; one on a key of Tags (JSON) is applied
 * to the groups as to a file's rows. Rows dropped either way are counted alike. */
Test(usage_pg, filters_and_a_schema_qualified_table)
{
    usage_spec_t spec;
    usage_spec_focus(&spec);
    static char *cats[] = { "Usage" }, *teams[] = { "ml", "data" };
    static usage_filter_t f[] = { { "ChargeCategory", NULL, cats, 1 }, { "Tags", "team", teams, 2 } };
    spec.filters = f;
    spec.nfilters = 2;
    char table[96];
    snprintf(table, sizeof table, "%s.focus", schema);
    eval_t *e = h_eval_prelude();
    usage_table_t *from_file = same_as_file(e, table, &spec);
    /* the rows the filters drop, counted by Python's csv and json on the same rows */
    const char *srcdir = getenv("OUTLAY_SRCDIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/usage_pg/gen_focus.py' | python3 -c 'import csv, json, sys; "
             "print(sum(1 for r in csv.DictReader(sys.stdin) if not (r[\"ChargeCategory\"] == \"Usage\" and "
             "json.loads(r[\"Tags\"] or \"{}\").get(\"team\") in (\"ml\", \"data\"))))'", srcdir ? srcdir : ".");
    FILE *py = popen(cmd, "r");
    long long dropped = -1;
    cr_assert(py && fscanf(py, "%lld", &dropped) == 1);
    pclose(py);
    cr_assert_gt(dropped, 0);
    cr_assert_eq(usage_table_filtered_rows(from_file), dropped);
    usage_table_free(from_file);
    eval_free(e);
    spec.filters = NULL;
    spec.nfilters = 0;
    usage_spec_free(&spec);
}

/* The query is plain SQL: standard quoting, CAST, SUM, COUNT, GROUP BY, the filter's
 * values as parameters; columns the table lacks (ContractedCost) are left out. */
Test(usage_pg, the_query_sent)
{
    PGconn *c = admin();
    load_focus(c, "focus");
    PQfinish(c);
    usage_spec_t spec;
    usage_spec_focus(&spec);
    static char *cats[] = { "Usage", "it's" };
    static usage_filter_t f = { "ChargeCategory", NULL, cats, 2 };
    spec.filters = &f;
    spec.nfilters = 1;
    usage_pg_source_t src = source("focus");
    diag_t *err = NULL;
    char *q = usage_pg_show_query(&spec, &src, NULL, &err);
    cr_assert(q, "%s", err ? err->msg : "?");
    cr_assert_str_eq(q,
        "SELECT \"SkuId\", \"ChargePeriodStart\", \"ChargePeriodEnd\", \"PricingUnit\", \"BillingCurrency\", "
        "SUM(CAST(\"PricingQuantity\" AS NUMERIC)), SUM(CAST(\"BilledCost\" AS NUMERIC)), "
        "SUM(CAST(\"EffectiveCost\" AS NUMERIC)), SUM(CAST(\"ListCost\" AS NUMERIC)), "
        "COUNT(*), MIN(CAST(\"PricingQuantity\" AS NUMERIC)) FROM \"focus\" WHERE \"ChargeCategory\" IN ($1, $2) "
        "GROUP BY \"SkuId\", \"ChargePeriodStart\", \"ChargePeriodEnd\", \"PricingUnit\", \"BillingCurrency\"\n"
        "-- $1 = 'Usage'\n"
        "-- $2 = 'it''s'\n");
    free(q);
    spec.filters = NULL;
    spec.nfilters = 0;
    usage_spec_free(&spec);
}

/* Columns created without quotes are folded to lower case; they are found all the same. */
Test(usage_pg, columns_folded_to_lower_case)
{
    PGconn *c = admin();
    sql(c, "CREATE TABLE \"Focus \"\"2027\"\"\" (SkuId text, PricingQuantity numeric, PricingUnit text, "
           "ChargePeriodStart timestamptz, ChargePeriodEnd timestamptz)");
    PQfinish(c);
    usage_spec_t spec;
    usage_spec_focus(&spec);
    usage_pg_source_t src = source("Focus \"2027\"");
    diag_t *err = NULL;
    char *q = usage_pg_show_query(&spec, &src, NULL, &err);
    cr_assert(q, "%s", err ? err->msg : "?");
    cr_assert_str_eq(q,
        "SELECT \"skuid\", \"chargeperiodstart\", \"chargeperiodend\", \"pricingunit\", "
        "SUM(CAST(\"pricingquantity\" AS NUMERIC)), COUNT(*), MIN(CAST(\"pricingquantity\" AS NUMERIC)) FROM \"Focus \"\"2027\"\"\" "
        "GROUP BY \"skuid\", \"chargeperiodstart\", \"chargeperiodend\", \"pricingunit\"\n");
    free(q);
    usage_spec_free(&spec);
}

/* ---- what goes wrong ---- */

static const char password[] = "s3cr3t-Pw_17";

/* Reads with the FOCUS spec, expecting a failure; returns the message and hint
 * (malloc'd), checked to hold no password. */
static char *read_fails(const char *conn, const char *table, long timeout_ms)
{
    eval_t *e = h_eval_prelude();
    usage_table_t *t = usage_table_new(eval_units(e));
    usage_spec_t spec;
    usage_spec_focus(&spec);
    usage_pg_source_t src = { conn, table, timeout_ms };
    diag_t *err = NULL;
    cr_assert(!usage_pg_read(t, &spec, &src, NULL, &err), "reading %s succeeded", table);
    cr_assert(err && err->msg);
    char *text = diag_format("%s%s%s", err->msg, err->hint ? " | " : "", err->hint ? err->hint : "");
    cr_assert(!strstr(text, password), "the password shows: %s", text);
    diag_free(err);
    usage_spec_free(&spec);
    usage_table_free(t);
    eval_free(e);
    return text;
}

static void assert_says(const char *text, const char *part)
{
    cr_assert(strstr(text, part), "expected \"%s\" in: %s", part, text);
}

Test(usage_pg, connection_failure_shows_no_password)
{
    char conn[512], *msg;
    snprintf(conn, sizeof conn, "host=%s/nowhere user=outlay password=%s dbname=billing", server(), password);
    msg = read_fails(conn, "focus", 0);
    assert_says(msg, "cannot connect");
    assert_says(msg, "database billing");
    free(msg);
    snprintf(conn, sizeof conn, "postgresql://outlay:%s@/billing?host=%s/nowhere", password, server());
    msg = read_fails(conn, "focus", 0);
    assert_says(msg, "cannot connect");
    free(msg);
    /* a connection string libpq cannot parse is not quoted back */
    snprintf(conn, sizeof conn, "host=x password=%s dbname", password);
    msg = read_fails(conn, "focus", 0);
    assert_says(msg, "connection string is not valid");
    free(msg);
}

Test(usage_pg, missing_table)
{
    char *msg = read_fails(conninfo, "no_such_table", 0);
    assert_says(msg, "table no_such_table");
    assert_says(msg, "no such table");
    free(msg);
}

Test(usage_pg, missing_column)
{
    PGconn *c = admin();
    sql(c, "CREATE TABLE focus (\"SkuId\" text, \"PricingUnit\" text, \"ChargePeriodStart\" timestamptz, "
           "\"ChargePeriodEnd\" timestamptz)");
    PQfinish(c);
    char *msg = read_fails(conninfo, "focus", 0);
    assert_says(msg, "the table focus has no quantity column \"PricingQuantity\"");
    free(msg);
}

/* A quantity column of each type given, with one row. */
static char *quantity_of_type(const char *type, const char *value)
{
    PGconn *c = admin();
    char text[512];
    snprintf(text, sizeof text, "CREATE TABLE focus (\"SkuId\" text, \"PricingQuantity\" %s, \"PricingUnit\" text, "
             "\"ChargePeriodStart\" timestamptz, \"ChargePeriodEnd\" timestamptz); INSERT INTO focus VALUES "
             "('gpu', %s, 'Hours', '2027-01-01T00:00Z', '2027-01-01T01:00Z')", type, value);
    sql(c, text);
    PQfinish(c);
    return read_fails(conninfo, "focus", 0);
}

Test(usage_pg, non_numeric_columns)
{
    char *msg = quantity_of_type("boolean", "true");
    assert_says(msg, "the quantity column \"PricingQuantity\" of focus is not of a number type");
    free(msg);
    teardown(), setup();
    msg = quantity_of_type("double precision", "0.1");
    assert_says(msg, "is double precision (binary floating point), not an exact number");
    free(msg);
    teardown(), setup();
    msg = quantity_of_type("text", "'1.5 hours'");
    assert_says(msg, "cannot be read as a number");
    free(msg);
}

/* A negative quantity is a bad row in a file; summed with a larger one it must not pass. */
Test(usage_pg, negative_quantity_inside_a_group)
{
    PGconn *c = admin();
    sql(c, "CREATE TABLE focus (\"SkuId\" text, \"PricingQuantity\" numeric, \"PricingUnit\" text, "
           "\"ChargePeriodStart\" timestamptz, \"ChargePeriodEnd\" timestamptz); INSERT INTO focus VALUES "
           "('gpu', 5, 'Hours', '2027-01-01T00:00Z', '2027-01-01T01:00Z'), "
           "('gpu', -2, 'Hours', '2027-01-01T00:00Z', '2027-01-01T01:00Z')");
    PQfinish(c);
    char *msg = read_fails(conninfo, "focus", 0);
    assert_says(msg, "the 2 rows of SKU 'gpu' from 2027-01-01 00:00:00+00 to 2027-01-01 01:00:00+00");
    assert_says(msg, "negative quantity");
    free(msg);
}

/* A view that takes 5 s to produce its rows. */
static void slow_view(const char *name)
{
    PGconn *c = admin();
    load_focus(c, "focus");
    char text[256];
    snprintf(text, sizeof text, "CREATE VIEW %s AS SELECT f.* FROM focus f CROSS JOIN (SELECT pg_sleep(5)) s", name);
    sql(c, text);
    PQfinish(c);
}

Test(usage_pg, query_timeout)
{
    slow_view("slow");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *msg = read_fails(conninfo, "slow", 400);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_says(msg, "no answer within the timeout of 0.400 s");
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert(waited < 3, "the timeout was not kept: %f s", waited);
    free(msg);
}

Test(usage_pg, interrupted_stream)
{
    slow_view("slow_interrupted");
    pid_t child = fork();
    cr_assert(child >= 0);
    if (child == 0) {   /* the administrator ends Outlay's session while its query runs */
        nanosleep(&(struct timespec){ 0, 700000000 }, NULL);
        PGconn *c = PQconnectdb(conninfo);
        PQclear(PQexec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE application_name = 'outlay' AND query LIKE '%\"slow_interrupted\"%'"));
        PQfinish(c);
        _exit(0);
    }
    char *msg = read_fails(conninfo, "slow_interrupted", 0);
    waitpid(child, NULL, 0);
    assert_says(msg, "connection was lost");
    free(msg);
}
