/* main: the command line. Parses arguments, runs the interpreter, prints the report and
 * decides the exit code: 0 ok, 1 an assert failed, 2 any usage, syntax, name, unit or
 * runtime error. */
#include "config.h"
#include "chart.h"
#include "diag.h"
#include "diff.h"
#include "eval.h"
#include "explain.h"
#include "focus.h"
#include "escape.h"
#include "json.h"
#include "mpmem.h"
#include "outfile.h"
#include "policy.h"
#include "repl.h"
#include "report.h"
#include "usage_pg.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_ASSERT = 1, EXIT_ERROR = 2 };

static const char usage_text[] =
"Usage: outlay FILE [OPTIONS]            run a program (same as outlay run)\n"
"       outlay run FILE [OPTIONS]        run a program and print what it shows\n"
"       outlay eval EXPR [OPTIONS]       evaluate one expression\n"
"       outlay check FILE...             parse, resolve names and check dimensions\n"
"       outlay diff OLD NEW              what changed in each result and invoice total;\n"
"                                        OLD or NEW may be a saved --format json report\n"
"       outlay explain NAME FILE         how NAME was computed, with intermediate values\n"
"       outlay price FILE --usage PATH   price a usage export (FOCUS CSV, gzip) under FILE's contract\n"
"       outlay audit FILE --usage PATH   reconcile the export's BilledCost with that price; exit 1\n"
"                                        when a difference exceeds --tolerance (default 0)\n"
"       outlay repl [FILE...]            interactive session (also: outlay on a terminal)\n"
"       outlay                           read a program from standard input when it is not a terminal\n"
"\n"
"Options:\n"
"  --set NAME=EXPR      replace the definition NAME (repeatable)\n"
"  --scenario NAME      run with a scenario's overrides\n"
"  --format FORMAT      text (default), json, csv or focus (FOCUS 1.2 rows of each invoice)\n"
"  --exact              print exact values (fractions or repeating decimals)\n"
"  --chart              draw invoices and sweeps as bar charts in the terminal\n"
"  --out FILE           write the result to FILE (atomically) instead of standard output\n"
"  --allow-path DIR     let the program read files under DIR too (repeatable); by default\n"
"                       it reads only its own directory tree, the stdlib and OUTLAY_PATH\n"
"  --svg FILE           also draw the first invoice or sweep as an SVG chart\n"
"  --compare-to JSON    with diff: compare FILE against a saved JSON report\n"
"  --exit-code          with diff: exit 1 when anything changed\n"
"  --changed-only       with diff: list only the results that changed\n"
"  --tolerance AMOUNT   with diff: a change of at most AMOUNT (0.01 USD) or PERCENT (0.5%)\n"
"                       with audit: a difference of at most AMOUNT (0.01 USD) passes\n"
"  --usage PATH         with price and audit: the usage export\n"
"  --contract NAME      with price and audit: the contract (when FILE has several)\n"
"  --currency CODE      with price: the invoice converted into CODE (EUR), each period\n"
"                       at the rate in force on its first day (from the program's fx\n"
"                       tables or --fx)\n"
"  --fx FILE            exchange-rate tables (fx statements) kept apart from the program;\n"
"                       audit compares an export billed in another currency through them\n"
"  --skip-bad-rows      skip malformed usage rows with a warning instead of an error\n"
"  --usage-table NAME   with price and audit: the table when --usage is a database URI\n"
"                       (postgresql://user@host/dbname)\n"
"  --timeout SECONDS    how long a database usage source may take; then it is cancelled\n"
"  --show-query         print each database usage query on standard error\n"
"  --allow-database     let the program's postgres(...) usage sources connect\n"
"                       of the old value is no change\n"
"  -h, --help           show this help\n"
"  --version            show the version\n"
"\n"
"Exit status: 0 ok, 1 an assert failed (diff --exit-code: a change), 2 a usage, syntax,\n"
"name, unit or runtime error.\n"
"Environment: OUTLAY_PATH, a colon-separated list of directories searched by import.\n";

typedef struct options {
    const char *command;
    const char **inputs;
    size_t ninputs;
    const char **sets;
    size_t nsets;
    const char **allow;     /* --allow-path */
    size_t nallow;
    const char *scenario;
    const char *out;
    const char *compare_to;
    const char *svg;
    int exit_code;          /* diff: exit 1 on a change */
    int changed_only;       /* diff: only the rows that changed */
    const char *tolerance;  /* diff: a change this small is none; audit: a difference this small passes */
    char tolerance_buf[128];
    const char *usage;      /* price, audit: the usage source */
    const char *contract;   /* price, audit: the contract's name */
    const char *currency;   /* price: the currency the invoice is converted into */
    const char *fx;         /* run, price, audit, check: a file of exchange-rate tables */
    int skip_bad_rows;
    const char *usage_table; /* price, audit: the table of a --usage database */
    long timeout_ms;        /* database usage sources: 0, no limit */
    int show_query, allow_database;
    const char *given[16];  /* the options used, to check they apply to the command */
    size_t ngiven;
    report_opts_t report;
} options_t;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "outlay: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'outlay --help'.\n");
    return EXIT_ERROR;
}

static int given(options_t *o, const char *flag)
{
    if (o->ngiven < sizeof o->given / sizeof o->given[0]) o->given[o->ngiven++] = flag;
    return 1;
}

/* The options for database usage sources, for the commands that read usage. */
#define DB_OPTIONS " --timeout --show-query --allow-database "

/* The options each command uses; any other is a mistake worth saying, not ignoring. */
static const char *misplaced_option(const options_t *o)
{
    static const struct { const char *command, *takes; } use[] = {
        { "run", " --set --scenario --format --exact --chart --out --svg --allow-path --skip-bad-rows --fx" DB_OPTIONS },
        { "price", " --set --scenario --format --exact --chart --out --allow-path --usage --contract --skip-bad-rows --currency --fx" DB_OPTIONS "--usage-table " },
        { "audit", " --set --scenario --format --exact --out --allow-path --usage --contract --skip-bad-rows --tolerance --fx" DB_OPTIONS "--usage-table " },
        { "eval", " --set --format --exact --chart --out --allow-path " },
        { "check", " --set --scenario --allow-path --fx " },
        { "diff", " --set --scenario --format --compare-to --exit-code --changed-only --tolerance --allow-path " },
        { "explain", " --set --scenario --allow-path " },
        { "repl", " --set --scenario --format --exact --chart --out --svg --allow-path " },   /* a program on stdin is run */
    };
    for (size_t c = 0; c < sizeof use / sizeof use[0]; c++) {
        if (strcmp(use[c].command, o->command)) continue;
        for (size_t i = 0; i < o->ngiven; i++) {
            char word[32];
            snprintf(word, sizeof word, " %s ", o->given[i]);
            if (!strstr(use[c].takes, word)) return o->given[i];
        }
    }
    return NULL;
}

static int parse_args(int argc, char **argv, options_t *o)
{
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    o->allow = calloc((size_t)argc + 1, sizeof *o->allow);
    if (!o->inputs || !o->sets || !o->allow) return usage_error("%s", "out of memory");
    int i = 1;
    if (i < argc && (!strcmp(argv[i], "run") || !strcmp(argv[i], "eval") || !strcmp(argv[i], "check") ||
                     !strcmp(argv[i], "repl") || !strcmp(argv[i], "diff") || !strcmp(argv[i], "explain") ||
                     !strcmp(argv[i], "price") || !strcmp(argv[i], "audit")))
        o->command = argv[i++];
    int options_done = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (options_done) { o->inputs[o->ninputs++] = a; continue; }
        if (!strcmp(a, "--")) { options_done = 1; continue; }
        #define TAKE(flag) ((!strcmp(a, flag) ? (i + 1 < argc ? (val = argv[++i]) : (val = NULL, (const char *)1)) : \
                             !strncmp(a, flag "=", strlen(flag) + 1) ? (val = a + strlen(flag) + 1) : NULL) && given(o, flag))
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(usage_text, stdout); return -1; }
        if (!strcmp(a, "--version")) { printf("outlay %s\n", PACKAGE_VERSION); return -1; }
        if (!strcmp(a, "--exact") && given(o, a)) { o->report.exact = 1; continue; }
        if (!strcmp(a, "--chart") && given(o, a)) { o->report.chart = 1; continue; }
        if (!strcmp(a, "--exit-code") && given(o, a)) { o->exit_code = 1; continue; }
        if (!strcmp(a, "--skip-bad-rows") && given(o, a)) { o->skip_bad_rows = 1; continue; }
        if (TAKE("--usage")) { if (!val) return usage_error("%s needs a usage file", "--usage"); o->usage = val; continue; }
        if (TAKE("--usage-table")) { if (!val) return usage_error("%s needs a table's name", "--usage-table"); o->usage_table = val; continue; }
        if (TAKE("--timeout")) {
            if (!val || !(o->timeout_ms = usage_pg_parse_timeout(val)))
                return usage_error("--timeout needs a number of seconds above 0 (up to 3 decimals, at most a week), not '%s'", val ? val : "");
            continue;
        }
        if (!strcmp(a, "--show-query") && given(o, a)) { o->show_query = 1; continue; }
        if (!strcmp(a, "--allow-database") && given(o, a)) { o->allow_database = 1; continue; }
        if (TAKE("--contract")) { if (!val) return usage_error("%s needs a contract's name", "--contract"); o->contract = val; continue; }
        if (TAKE("--currency")) { if (!val) return usage_error("%s needs a currency such as EUR", "--currency"); o->currency = val; continue; }
        if (TAKE("--fx")) { if (!val) return usage_error("%s needs a file of exchange-rate tables", "--fx"); o->fx = val; continue; }
        if (!strcmp(a, "--changed-only") && given(o, a)) { o->changed_only = 1; continue; }
        if (TAKE("--set")) { if (!val) return usage_error("%s needs NAME=EXPR", "--set"); o->sets[o->nsets++] = val; continue; }
        if (TAKE("--scenario")) { if (!val) return usage_error("%s needs a name", "--scenario"); o->scenario = val; continue; }
        if (TAKE("--svg")) { if (!val) return usage_error("%s needs a file name", "--svg"); o->svg = val; continue; }
        if (TAKE("--compare-to")) { if (!val) return usage_error("%s needs a JSON report", "--compare-to"); o->compare_to = val; continue; }
        if (TAKE("--tolerance")) {
            if (!val) return usage_error("%s needs an amount or a percent", "--tolerance");
            o->tolerance = val;
            /* --tolerance 0.01 USD: the currency may come as a word of its own */
            const char *next = i + 1 < argc ? argv[i + 1] : "";
            if (!strchr(val, ' ') && strlen(next) == 3 && next[0] >= 'A' && next[0] <= 'Z' && next[1] >= 'A' && next[1] <= 'Z' &&
                next[2] >= 'A' && next[2] <= 'Z' && snprintf(o->tolerance_buf, sizeof o->tolerance_buf, "%s %s", val, next) < (int)sizeof o->tolerance_buf) {
                o->tolerance = o->tolerance_buf;
                i++;
            }
            continue;
        }
        if (TAKE("--allow-path")) { if (!val) return usage_error("%s needs a directory", "--allow-path"); o->allow[o->nallow++] = val; continue; }
        if (TAKE("--out")) { if (!val) return usage_error("%s needs a file name", "--out"); o->out = val; continue; }
        if (TAKE("--format")) {
            if (!val) return usage_error("%s needs text, json, csv or focus", "--format");
            if (!strcmp(val, "text")) o->report.format = REPORT_TEXT;
            else if (!strcmp(val, "json")) o->report.format = REPORT_JSON;
            else if (!strcmp(val, "csv")) o->report.format = REPORT_CSV;
            else if (!strcmp(val, "focus")) o->report.format = REPORT_FOCUS;
            else return usage_error("unknown format '%s' (use text, json, csv or focus)", val);
            continue;
        }
        #undef TAKE
        if (a[0] == '-' && a[1] && !(o->command && !strcmp(o->command, "eval") && o->ninputs == 0)) {
            static const char *known[] = { "--help", "--version", "--exact", "--chart", "--exit-code", "--changed-only", "--tolerance", "--set", "--scenario",
                                           "--usage", "--contract", "--currency", "--fx", "--skip-bad-rows", "--usage-table", "--timeout",
                                           "--show-query", "--allow-database",
                                           "--svg", "--compare-to", "--out", "--format", "--allow-path" };
            const char *best = NULL;
            size_t best_d = 3, len = strcspn(a, "=");
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), a);
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
                size_t d = diag_edit_distance(name, known[k]);
                if (d < best_d) { best_d = d; best = known[k]; }
            }
            if (best) {
                fprintf(stderr, "outlay: unknown option '%s' (did you mean %s?)\nTry 'outlay --help'.\n", a, best);
                return EXIT_ERROR;
            }
            return usage_error("unknown option '%s'", a);
        }
        o->inputs[o->ninputs++] = a;
    }
    if (!o->command && o->ninputs && strspn(o->inputs[0], "abcdefghijklmnopqrstuvwxyz") == strlen(o->inputs[0]) &&
        access(o->inputs[0], F_OK) != 0) {
        /* outlay frob x: a word that is no file reads as a command */
        static const char *commands[] = { "run", "eval", "check", "diff", "explain", "repl" };
        const char *best = NULL;
        size_t best_d = 3;
        for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
            size_t d = diag_edit_distance(o->inputs[0], commands[k]);
            if (d < best_d) { best_d = d; best = commands[k]; }
        }
        fprintf(stderr, "outlay: unknown command '%s'%s%s%s; the commands are run, eval, check, diff, explain and repl\n"
                "Try 'outlay --help'.\n", o->inputs[0], best ? " (did you mean " : "", best ? best : "", best ? "?)" : "");
        return EXIT_ERROR;
    }
    if (!o->command) o->command = o->ninputs ? "run" : "repl";
    const char *misplaced = misplaced_option(o);
    if (misplaced) {
        fprintf(stderr, "outlay: %s does not apply to %s\nTry 'outlay --help'.\n", misplaced, o->command);
        return EXIT_ERROR;
    }
    if (!strcmp(o->command, "eval") && o->ninputs != 1) return usage_error("%s", "eval takes one expression (quote it)");
    if (!strcmp(o->command, "run") && o->ninputs != 1) return usage_error("%s", o->ninputs ? "run takes one file" : "run needs a file");
    if (!strcmp(o->command, "check") && o->ninputs == 0) return usage_error("%s", "check needs at least one file");
    if (!strcmp(o->command, "diff") && o->ninputs + (o->compare_to != NULL) != 2)
        return usage_error("%s", "diff takes OLD and NEW (or FILE --compare-to REPORT.json)");
    if (!strcmp(o->command, "explain") && o->ninputs != 2) return usage_error("%s", "explain takes a NAME and a FILE");
    if ((!strcmp(o->command, "price") || !strcmp(o->command, "audit")) && (o->ninputs != 1 || !o->usage))
        return usage_error("%s takes a FILE with the contract and --usage PATH", o->command);
    return 0;
}

/* A message on standard error; it quotes paths, labels and report text, so nothing of
 * those may act on a terminal. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) { fputs("outlay: out of memory\n", stderr); return; }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    escape_fputs(s, ESCAPE_KEEP_NEWLINE, stderr);
    free(s);
}

static void print_diag(diag_t *d)
{
    if (d) diag_print(stderr, d);
    diag_free(d);
}

/* What a result file's writer needs */
typedef struct writing { eval_t *e; const options_t *o; } writing_t;

static int write_text_report(FILE *out, void *ctx)
{
    writing_t *w = ctx;
    return report_write(out, w->e, &w->o->report);
}

static int write_svg(FILE *out, void *ctx)
{
    writing_t *w = ctx;
    char *err = NULL;
    int ok = chart_svg(out, w->e, &err);
    if (!ok) { say("outlay: error: %s\n", err ? err : "out of memory"); errno = 0; }
    free(err);
    return ok;
}

/* --out and --svg (see outfile.h): never a file the run read */
static int write_file(const char *path, outfile_fn fn, eval_t *e, const options_t *o)
{
    writing_t w = { e, o };
    char *why = NULL;
    int ok = outfile_write(path, eval_policy(e), fn, &w, &why);
    if (!ok) say("outlay: error: %s\n", why ? why : "out of memory");
    free(why);
    return ok;
}

/* Standard output gets what was shown even when the run failed; --out and --svg files
 * are written only for a run that succeeded, so a failure leaves them as they were. */
static int write_report(eval_t *e, const options_t *o, const diag_t *error)
{
    int ok = 1, failed = error != NULL;
    report_opts_t ro = o->report;
    ro.error = error;
    if (!o->out) { ok = report_write(stdout, e, &ro); ok = fflush(stdout) == 0 && ok; }
    else if (!failed) ok = write_file(o->out, write_text_report, e, o);
    size_t left_out = o->report.format == REPORT_FOCUS ? focus_left_out(e) : 0;
    if (left_out)
        fprintf(stderr, "outlay: note: the FOCUS file lists invoice lines only; %zu other result%s left out (--format json has everything)\n",
                left_out, left_out == 1 ? " is" : "s are");
    if (o->svg && !failed) ok = write_file(o->svg, write_svg, e, o) && ok;
    return ok;
}

/* Failed assertions go to stderr after the results; the exit code says whether any did. */
static int report_assertions(eval_t *e)
{
    int failed = 0;
    for (size_t i = 0; i < eval_assertion_count(e); i++) {
        const assertion_t *a = eval_assertion(e, i);
        if (a->passed) continue;
        failed++;
        say("%s:%d:%d: assertion failed: %s%s%s%s\n", a->loc.src ? a->loc.src->name : "?", a->loc.first_line,
            a->loc.first_column, a->label, a->message ? " (" : "", a->message ? a->message : "", a->message ? ")" : "");
        if (a->detail) say("  %s\n", a->detail);
    }
    return failed;
}

/* A new interpreter with the command line's search path and --set overrides. */
static eval_t *new_eval(const options_t *o, diag_t **err)
{
    eval_t *e = eval_new(err);
    if (!e) return NULL;
    eval_default_search_path(e);
    for (size_t i = 0; i < o->nallow && !*err; i++) eval_allow_path(e, o->allow[i], err);
    for (size_t i = 0; i < o->nsets && !*err; i++) eval_set_override(e, o->sets[i], err);
    eval_set_skip_bad_rows(e, o->skip_bad_rows);
    if (o->usage) eval_set_usage_path(e, o->usage);
    eval_set_database(e, o->usage_table, o->timeout_ms, o->allow_database, o->show_query);
    if (o->fx && !*err) eval_load_fx_file(e, o->fx, err);   /* before the program: it runs first */
    return e;
}

/* audit: 1 when the reconciliation's largest difference exceeds --tolerance (0 when not
 * given), -1 (said why) when the tolerance is not an amount of the invoice's money. */
static int audit_exceeds(eval_t *e, const options_t *o)
{
    size_t n = eval_shown_count(e);
    const value_t *audit = n ? eval_shown(e, n - 1)->value : NULL;
    const value_t *max = audit && audit->kind == V_RECORD ? value_record_get(audit, "max_difference") : NULL;
    if (!max) return 0;
    diag_t *err = NULL;
    value_t *tol = o->tolerance ? eval_expression(e, "--tolerance", o->tolerance, &err) : value_quantity_like(max->u.num.q, max);
    if (tol && !o->tolerance) mpq_set_ui(tol->u.num.q, 0, 1);
    char *why = NULL;
    int c = 0, ok = tol && tol->kind == V_NUM && mpq_sgn(tol->u.num.q) >= 0 && value_compare(eval_units(e), max, tol, &c, &why);
    if (!ok) {   /* the currency compared: the export's, when the invoice was converted into it */
        uterm_t unit;
        value_display_unit(eval_units(e), max, &unit);
        char *cur = uterm_format(eval_units(e), &unit);
        fprintf(stderr, "outlay: --tolerance needs an amount of the currency compared (0.01 %s) that is not negative, not '%s'\n",
                cur ? cur : "USD", o->tolerance);
        free(cur);
    } else if (c > 0) {
        char *m = format_value(eval_units(e), max, 0), *t = format_value(eval_units(e), tol, 0);
        fprintf(stderr, "outlay: audit: the export differs from the contract's price by up to %s (tolerance %s)\n", m ? m : "?", t ? t : "?");
        free(m); free(t);
    }
    free(why);
    diag_free(err);
    value_free(tol);
    return !ok ? -1 : c > 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* A saved report, by its name or (named neither .json nor .outlay) by its first character
 * other than white space. */
static int is_json_report(const char *path, const source_t *src)
{
    if (ends_with(path, ".json")) return 1;
    if (ends_with(path, ".outlay")) return 0;
    size_t i = 0;
    while (i < src->len && strchr(" \t\n\r", src->text[i]) && src->text[i]) i++;
    return i < src->len && src->text[i] == '{';
}

static int diff_json_side(const char *path, source_t *src, diff_side_t *side)
{
    char *jerr = NULL;
    int line, col, complete = 1;
    if (source_invalid_utf8(src, &line, &col) != (size_t)-1) jerr = diag_format("not UTF-8 text at line %d, column %d", line, col);
    json_t *j = jerr ? NULL : json_parse(src->text, src->len, &jerr);
    int ok = j && diff_from_json(j, side, &complete, &jerr);
    if (!ok) say("outlay: error: %s: %s\n", path, jerr ? jerr : "out of memory");
    else if (!complete)
        say("outlay: warning: %s is the report of a run that stopped at an error: what it did not reach counts as added or removed\n", path);
    free(jerr);
    json_free(j);
    return ok;
}

/* One side of a diff: a saved JSON report, or a program run now. The file is read once
 * and what it holds is seen from its text, so a pipe (`<(cmd)`) loses nothing. */
static int diff_side(const options_t *o, const char *path, diff_side_t *side)
{
    policy_file_t f;
    char *why = NULL;
    const char *swhy = "out of memory";
    source_t *src = NULL;
    if (policy_open_user(NULL, path, SOURCE_MAX_BYTES, &f, &why) == POLICY_OK) {
        src = source_from_fd(f.fd, path, path, &swhy);
        f.fd = -1;
    } else f.path = f.real = NULL;
    if (!src && why) say("outlay: error: %s\n", why);
    else if (!src) say("outlay: error: cannot read %s: %s\n", path, swhy);
    free(why);
    int ok = 0;
    if (src && is_json_report(path, src)) ok = diff_json_side(path, src, side);
    else if (src) {
        diag_t *err = NULL;
        eval_t *e = new_eval(o, &err);
        if (e && !err && eval_load_read(e, &f, src, &err) && (!o->scenario || eval_use_scenario(e, o->scenario, &err)))
            eval_run(e, &err);
        ok = e && !err && diff_from_eval(e, side);
        if (err) print_diag(err);
        eval_free(e);
    }
    policy_file_close(&f);
    return ok;
}

/* Units of one dimension compare across a diff: 100 GB before, 0.1 TB now is no change.
 * A unit as reports write it is names, digits, * / ^ ( ) and spaces, nothing else: text
 * from a report is evaluated only when it is one. */
static int unit_ratio(void *ctx, const char *from, const char *to, mpq_t factor)
{
    eval_t *e = ctx;
    static const char unit_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_*/^()- ";
    if (from[strspn(from, unit_chars)] || to[strspn(to, unit_chars)] || strlen(from) > 200 || strlen(to) > 200) return 0;
    char *text = malloc(strlen(from) + strlen(to) + 16);
    if (!text) return 0;
    sprintf(text, "(1 %s) / (1 %s)", from, to);   /* "(1 )" for a plain number */
    diag_t *err = NULL;
    value_t *v = eval_expression(e, "<unit>", text, &err);
    free(text);
    int ok = v && v->kind == V_NUM && dim_is_zero(value_dim(v)) && !value_is_approx(v);
    if (ok) mpq_set(factor, v->u.num.q);
    value_free(v);
    diag_free(err);
    return ok;
}

/* --tolerance: an amount (0.01 USD) or a percent of the old value (0.5%), not negative. */
static int diff_tolerance(const options_t *o, eval_t *units, diff_opts_t *d, char **unit)
{
    diag_t *err = NULL;
    value_t *v = eval_expression(units, "--tolerance", o->tolerance, &err);
    int ok = v && v->kind == V_NUM && !value_is_approx(v) && mpq_sgn(v->u.num.q) >= 0;
    if (ok) {
        uterm_t t;
        value_display_unit(eval_units(units), v, &t);
        *unit = uterm_format(eval_units(units), &t);
        value_magnitude(eval_units(units), v, d->tolerance);
        ok = *unit != NULL;
        if (ok && !strcmp(*unit, "percent")) d->tolerance_unit = NULL;   /* relative to the old value */
        else d->tolerance_unit = *unit;
        d->has_tolerance = ok;
    }
    if (err) print_diag(err);
    else if (!ok) fprintf(stderr, "outlay: --tolerance needs an amount (0.01 USD) or a percent (0.5%%) that is not negative, not '%s'\n", o->tolerance);
    value_free(v);
    return ok;
}

static int run_diff(const options_t *o)
{
    diff_side_t old = {0}, new_ = {0};
    const char *a = o->compare_to ? o->compare_to : o->inputs[0];
    const char *b = o->compare_to ? o->inputs[0] : o->inputs[1];
    diag_t *err = NULL;
    eval_t *units = eval_new(&err);   /* the prelude's units, to read the unit names of both sides */
    if (units) eval_default_search_path(units);
    int changed = 0;
    char *tolerance_unit = NULL;
    diff_opts_t d = { .format = o->report.format, .changed_only = o->changed_only, .convert = unit_ratio, .ctx = units };
    mpq_init(d.tolerance);
    int ok = units && !err && (!o->tolerance || diff_tolerance(o, units, &d, &tolerance_unit)) &&
             diff_side(o, a, &old) && diff_side(o, b, &new_) && diff_write(stdout, &old, &new_, &d, &changed);
    if (err) print_diag(err);
    mpq_clear(d.tolerance);
    free(tolerance_unit);
    eval_free(units);
    diff_side_free(&old);
    diff_side_free(&new_);
    return !ok ? EXIT_ERROR : o->exit_code && changed ? EXIT_ASSERT : EXIT_OK;
}

static int run_explain(const options_t *o)
{
    diag_t *err = NULL;
    /* explain NAME FILE, or FILE NAME */
    int file_first = access(o->inputs[0], R_OK) == 0 && access(o->inputs[1], R_OK) != 0;
    const char *name = o->inputs[file_first], *path = o->inputs[!file_first];
    eval_t *e = new_eval(o, &err);
    if (e && !err && eval_load_file(e, path, &err) && (!o->scenario || eval_use_scenario(e, o->scenario, &err)) && eval_run(e, &err))
        explain_print(e, name, stdout, &err);
    int code = err || !e ? EXIT_ERROR : EXIT_OK;
    if (err) print_diag(err);
    eval_free(e);
    return code;
}

static int run_main(options_t *o)
{
    if (!strcmp(o->command, "diff")) return run_diff(o);
    if (!strcmp(o->command, "explain")) return run_explain(o);
    diag_t *err = NULL;
    eval_t *e = new_eval(o, &err);
    if (!e) { print_diag(err); return EXIT_ERROR; }
    int code = EXIT_OK;

    if (!strcmp(o->command, "repl")) {
        if (err) { print_diag(err); eval_free(e); return EXIT_ERROR; }
        if (!isatty(STDIN_FILENO) && o->ninputs == 0) {
            /* a program on standard input */
            const char *why = NULL;
            source_t *src = source_from_stream(stdin, "<stdin>", &why);
            if (!src) { fprintf(stderr, "outlay: error: cannot read standard input: %s\n", why); eval_free(e); return EXIT_ERROR; }
            eval_load_source(e, src, &err, NULL);
            o->report.labels = 1;
        } else {
            if (o->out || o->svg) {   /* they name files for a program read from standard input */
                fprintf(stderr, "outlay: %s applies when a program is read from standard input, not to an interactive session\n",
                        o->out ? "--out" : "--svg");
                eval_free(e);
                return EXIT_ERROR;
            }
            for (size_t i = 0; i < o->ninputs && !err; i++) eval_load_file(e, o->inputs[i], &err);
            if (!err && o->scenario) eval_use_scenario(e, o->scenario, &err);
            if (!err) eval_run(e, &err);
            if (err) { print_diag(err); err = NULL; }
            report_opts_t ro = o->report;
            ro.labels = 0;
            eval_clear_shown(e);
            code = repl_run(e, &ro, o->inputs, o->ninputs);
            eval_free(e);
            return code;
        }
    } else if (!strcmp(o->command, "eval")) {
        if (!err) {
            source_t *src = source_from_string("<eval>", o->inputs[0], strlen(o->inputs[0]));
            if (!src) { fprintf(stderr, "outlay: out of memory\n"); eval_free(e); return EXIT_ERROR; }
            eval_load_source(e, src, &err, NULL);
        }
    } else if (!strcmp(o->command, "check")) {
        eval_set_quiet(e, 1);
        for (size_t i = 0; i < o->ninputs && !err; i++) {
            /* each file on its own (they may define the same names), with --set and --scenario */
            eval_t *one = i == 0 ? e : new_eval(o, &err);
            if (!one || err) { eval_free(one); break; }
            eval_set_quiet(one, 1);
            if (eval_load_file(one, o->inputs[i], &err) && (!o->scenario || eval_use_scenario(one, o->scenario, &err)) &&
                eval_run(one, &err))
                eval_check_pricing(one, 0, &err);
            if (i > 0) eval_free(one);
        }
        if (err) { print_diag(err); eval_free(e); return EXIT_ERROR; }
        eval_free(e);
        return EXIT_OK;
    } else {
        if (!err) eval_load_file(e, o->inputs[0], &err);
        o->report.labels = 1;
    }
    if (!err && o->scenario) eval_use_scenario(e, o->scenario, &err);
    if (!err) eval_run(e, &err);
    int audit = !strcmp(o->command, "audit");
    if (!err && (audit || !strcmp(o->command, "price"))) {
        eval_clear_shown(e);   /* what FILE shows is not the invoice asked for */
        eval_price_usage(e, o->contract, audit, o->currency, &err);
    }
    for (size_t i = 0; i < eval_warning_count(e); i++) { escape_fputs(eval_warning(e, i), 0, stderr); fputc('\n', stderr); }
    if (!err && o->svg && !chart_available(e))   /* an error like any other: results still print, files stay */
        err = diag_new(DIAG_RUNTIME, NULL, "--svg: the program shows no invoice or sweep to draw");
    if (!err && o->report.format == REPORT_FOCUS) {
        char *why = focus_check(e);
        if (why) err = diag_new(DIAG_RUNTIME, NULL, "%s", why);
        free(why);
    }
    if (eval_usage_queries(e)) fputs(eval_usage_queries(e), stderr);   /* --show-query */
    if (!write_report(e, o, err)) code = EXIT_ERROR;
    int failed = report_assertions(e);
    if (err) { print_diag(err); code = EXIT_ERROR; }
    else if (failed && code == EXIT_OK) code = EXIT_ASSERT;
    if (!err && audit && code == EXIT_OK) {
        int over = audit_exceeds(e, o);
        code = over < 0 ? EXIT_ERROR : over ? EXIT_ASSERT : code;
    }
    eval_free(e);
    return code;
}

int main(int argc, char **argv)
{
    mpmem_install();
    options_t o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    if (rc == 0) rc = run_main(&o);
    else if (rc < 0) rc = EXIT_OK;
    free(o.inputs);
    free(o.sets);
    free(o.allow);
    source_free_all();
    return rc;
}
