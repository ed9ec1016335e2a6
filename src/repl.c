/* repl: the interactive loop. GNU readline when configure found it (line editing,
 * history in the XDG state directory, completion of names, units and keywords), a plain
 * line reader otherwise. Input that leaves a bracket or block open continues on the
 * next line; an error never ends the session. */
#include "config.h"
#include "builtins.h"
#include "escape.h"
#include "explain.h"
#include "strbuf.h"
#include "repl.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "readline_dl.h"

static eval_t *repl_eval;
static int line_editing;   /* readline was loaded: standard input is a terminal */

static char *read_line(const char *prompt)
{
#ifdef HAVE_READLINE
    if (line_editing) return readline(prompt);
#endif
    fputs(prompt, stdout);
    fflush(stdout);
    strbuf_t line = STRBUF_INIT;
    int c;
    while (!line.oom && (c = getchar()) != EOF && c != '\n') strbuf_addc(&line, (char)c);
    if (line.oom || (c == EOF && line.n == 0)) { strbuf_free(&line); return NULL; }
    return strbuf_take(&line);
}

static const char *help_text =
"Type an expression to see its value, or a definition (x = 5 USD) to keep it.\n"
"  :help [TOPIC]       this text, or a topic: functions, units, contracts\n"
"  :explain NAME       how NAME was computed\n"
"  :load FILE          run a file here (its definitions stay)\n"
"  :reload             load again every file loaded so far (after editing them)\n"
"  :names [PREFIX]     the names defined, with their values\n"
"  :type EXPR          the dimension and unit of an expression\n"
"  :units [DIMENSION]  the declared units, or those of one dimension\n"
"  :scenario NAME      apply a scenario's overrides to what is loaded next\n"
"  :quit               leave (or Ctrl-D)\n"
"_ is the last result. Input continues while a bracket or block is open.\n";

#ifdef HAVE_READLINE
static const char *keywords[] = {
    "import", "fn", "show", "assert", "unit", "dimension", "prefix", "prefixed", "contract",
    "workload", "scenario", "extends", "compare", "sweep", "over", "if", "then", "else",
    "and", "or", "not", "in", "per", "true", "false", "thousand", "million", "billion",
    "trillion", ":help", ":load", ":reload", ":names", ":type", ":units", ":scenario", ":explain", ":quit", NULL
};

struct completions { char **items; size_t n, cap; const char *prefix; size_t plen; };

static void collect(const char *name, void *ctx)
{
    struct completions *c = ctx;
    if (strncmp(name, c->prefix, c->plen) != 0) return;
    for (size_t i = 0; i < c->n; i++) if (!strcmp(c->items[i], name)) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        char **p = realloc(c->items, cap * sizeof *p);
        if (!p) return;
        c->items = p; c->cap = cap;
    }
    char *dup = strdup(name);
    if (dup) c->items[c->n++] = dup;
}

static struct completions comp;

/* After `rec.` (a name, or a path of fields from one): the record's fields, as rec.field. */
static void collect_fields(const char *text)
{
    const char *dot = strrchr(text, '.');
    size_t n = (size_t)(dot - text);
    for (size_t i = 0; i < n; i++)   /* a path of names only: completing never calls a function */
        if (!(text[i] == '.' || text[i] == '_' || (text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
              (i > 0 && text[i] >= '0' && text[i] <= '9')))
            return;
    char *path = strndup(text, n);
    diag_t *err = NULL;
    value_t *v = path && n ? eval_expression(repl_eval, "<complete>", path, &err) : NULL;
    diag_free(err);
    for (size_t i = 0; v && v->kind == V_RECORD && i < v->u.rec.n; i++) {
        char *full = malloc(n + strlen(v->u.rec.keys[i]) + 2);
        if (!full) break;
        sprintf(full, "%s.%s", path, v->u.rec.keys[i]);
        collect(full, &comp);
        free(full);
    }
    value_free(v);
    free(path);
}

static char *generator(const char *text, int state)
{
    if (!state) {
        for (size_t i = 0; i < comp.n; i++) free(comp.items[i]);
        comp.n = 0;
        comp.prefix = text;
        comp.plen = strlen(text);
        if (strchr(text, '.')) collect_fields(text);
        else {
            for (const char **k = keywords; *k; k++) collect(*k, &comp);
            eval_each_name(repl_eval, collect, &comp);
        }
    }
    if (state < (int)comp.n) return strdup(comp.items[state]);
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)start; (void)end;
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, generator);
}

static char *history_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char *dir = state && *state ? diag_format("%s/outlay", state) :
                home && *home ? diag_format("%s/.local/state/outlay", home) : NULL;
    if (!dir) return NULL;
    /* create the directory chain quietly */
    for (char *p = dir + 1; *p; p++) if (*p == '/') { *p = '\0'; mkdir(dir, 0700); *p = '/'; }
    mkdir(dir, 0700);
    char *path = diag_format("%s/history", dir);
    free(dir);
    return path;
}
#endif

static void print_results(eval_t *e, const report_opts_t *opts)
{
    report_write(stdout, e, opts);
    for (size_t i = 0; i < eval_assertion_count(e); i++) {
        const assertion_t *a = eval_assertion(e, i);
        if (a->passed) continue;
        fputs("assertion failed: ", stdout);
        escape_fputs(a->label, 0, stdout);
        if (a->detail) { fputs(": ", stdout); escape_fputs(a->detail, 0, stdout); }
        putchar('\n');
    }
    eval_clear_shown(e);
    fflush(stdout);
}

static void run_text(eval_t *e, const char *text, const report_opts_t *opts, int *incomplete)
{
    source_t *src = source_from_string("<repl>", text, strlen(text));
    if (!src) return;
    diag_t *err = NULL;
    size_t since = eval_loaded_count(e);
    if (eval_load_source(e, src, &err, incomplete) && !err && eval_run(e, &err)) eval_check_pricing(e, since, &err);
    if (incomplete && *incomplete) { diag_free(err); return; }
    print_results(e, opts);
    if (err) { diag_print(stdout, err); diag_free(err); }
}

static const char *units_help =
"Quantities carry units: 2.10 USD/(gpu*hour), 200 TB, 15.6 trillion token.\n"
"  + - and comparisons need one dimension and convert within it (1 TB + 500 GB);\n"
"  * / ^ combine units (USD/(gpu*hour) * gpu * hour is USD).\n"
"  EXPR in UNIT converts: 920 million USD/month in USD/hour.\n"
"  Prefixes: SI k M G T P E Z Y m u n, binary Ki Mi Gi Ti Pi Ei (GB, TiB, TFLOP/s).\n"
"  month is 730 hours (the cloud-pricing month), year 8760 hours.\n"
"  Currencies (USD EUR GBP CNY JPY) are separate dimensions: no silent exchange rates.\n"
"Declare your own:  dimension widget   unit rack = 72 gpu   unit PFLOP_day = 1 PFLOP/s * 1 day\n"
":units [DIMENSION] lists units with their value in base units; :type EXPR shows one.\n";

static const char *contracts_help =
"contract NAME {\n"
"  start = 2026-12-01          term = 36 months (or end = DATE)\n"
"  billing = weekly|monthly|quarterly|yearly (monthly when not given)\n"
"  month = calendar | N hours  (a month of a per-month rate; when not given, calendar months\n"
"                              for storage rates per GB-month, 730 hours for the others)\n"
"  rate SKU = 2.10 USD/(gpu*hour)\n"
"  rate SKU = graduated|volume [cumulative] [from Q] { first Q at R / next Q at R /\n"
"                                up to Q at R / below Q at R / above at R }\n"
"  rate [SKU, SKU] = graduated { ... }   (one tier ladder walked by their combined usage)\n"
"  commit AMOUNT per month [from DATE] [until DATE]     fee AMOUNT per month [from] [until]\n"
"  commit AMOUNT per year, trued up yearly   (the shortfall is billed at each contract year's end)\n"
"  commit P% of reserved SKU   (a share of a reservation)     commit AMOUNT, escalating\n"
"  reserve SKU = QUANTITY [overage RATE]\n"
"  reserve SKU = QUANTITY per hour|minute|second [overage RATE]   (use it or lose it, each hour)\n"
"  plan NAME = AMOUNT per hour { rate SKU = PLAN_RATE ... }   (spend-based, largest saving first)\n"
"  upfront = AMOUNT [upfront_date = DATE]   (a Purchase; bill.amortised spreads it over the term)\n"
"  discount P [on SKU | on [SKU, SKU] | on spend above AMOUNT per month]\n"
"  escalate P yearly [on SKUS]     credit P [on SKUS] when CONDITION     credit pool AMOUNT\n"
"  credit cap P|AMOUNT per month [on SKUS]\n"
"  round invoice|lines to 0.01 USD [MODE]     round none\n"
"  commitment_basis = net|gross     sla_basis = net|invoice\n"
"}\n"
"workload NAME { field = EXPR ... use SKU = EXPR }   (period: start, end, index, hours, share;\n"
"                                                     t and hour_of_day(t) for usage over hours)\n"
"usage NAME = read_usage(\"export.csv\" [, { sku = \"COL\"; quantity = \"COL\"; unit = gpu*hour; at = \"COL\";\n"
"                       category = \"Usage\"; skus = { gpu_hour = \"H100-SKU\" } }])   (FOCUS columns by default)\n"
"bill = price(workload or usage, contract)     audit = reconcile(bill, usage)\n"
"fx EUR in USD { from 2027-01-01 = 1.08 USD/EUR ... }     convert(bill, EUR)   (dated exchange rates)\n";

static void help(const char *topic)
{
    if (!*topic) { fputs(help_text, stdout); return; }
    if (!strcmp(topic, "functions")) {
        size_t n;
        const builtin_t *b = builtins_all(&n);
        for (size_t i = 0; i < n; i++) printf("  %s\n", b[i].help);
        puts("  price(workload, contract): the invoice (a usage value in place of the workload)");
        puts("  read_usage(path [, mapping]): a usage export, FOCUS columns unless mapped");
        puts("  postgres(connection, table): a database source for read_usage (--allow-database)");
        puts("  reconcile(bill, usage): the invoice beside the export's billed costs");
        puts("  convert(amount, currency, date): by the program's fx table");
        puts("  convert(bill, currency): an invoice converted, each period at its first day's rate");
        return;
    }
    if (!strcmp(topic, "units")) { fputs(units_help, stdout); return; }
    if (!strcmp(topic, "contracts")) { fputs(contracts_help, stdout); return; }
    printf("no help on %s (topics: functions, units, contracts)\n", topic);
}

/* The files loaded so far (on the command line or with :load), in order, for :reload. */
static char **files;
static size_t nfiles;

static void remember_file(const char *path)
{
    for (size_t i = 0; i < nfiles; i++) if (!strcmp(files[i], path)) return;
    char **f = realloc(files, (nfiles + 1) * sizeof *f);
    if (!f) return;
    files = f;
    if ((files[nfiles] = strdup(path))) nfiles++;
}

static void load_file(eval_t *e, const char *path, const report_opts_t *opts)
{
    diag_t *err = NULL;
    remember_file(path);
    size_t since = eval_loaded_count(e);
    if (eval_load_file(e, path, &err) && eval_run(e, &err)) eval_check_pricing(e, since, &err);
    report_opts_t labelled = *opts;   /* a file's results need their names, unlike a typed line's */
    labelled.labels = 1;
    print_results(e, &labelled);
    if (err) { diag_print(stdout, err); diag_free(err); }
}

struct names { char **lines; size_t n, cap; const char *prefix; const units_t *u; };

static void collect_global(const char *name, const value_t *v, void *ctx)
{
    struct names *ns = ctx;
    if (strncmp(name, ns->prefix, strlen(ns->prefix))) return;
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        char **l = realloc(ns->lines, cap * sizeof *l);
        if (!l) return;
        ns->lines = l; ns->cap = cap;
    }
    char *text = v ? format_value(ns->u, v, 0) : NULL;
    if (text && strlen(text) > 60) strcpy(text + 56, " ...");   /* one line each: a record is cut short */
    char *line = malloc(strlen(name) + (text ? strlen(text) : 1) + 8);
    if (line) { sprintf(line, "%s = %s", name, text ? text : "?"); ns->lines[ns->n++] = line; }
    free(text);
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void command(eval_t *e, char *line, const report_opts_t *opts, int *quit)
{
    char *arg = line + strcspn(line, " \t");
    if (*arg) { *arg++ = '\0'; arg += strspn(arg, " \t"); }
    if (!strcmp(line, ":quit") || !strcmp(line, ":q")) { *quit = 1; return; }
    if (!strcmp(line, ":help")) { help(arg); return; }
    if (!strcmp(line, ":explain")) {
        diag_t *err = NULL;
        if (!*arg) { puts("usage: :explain NAME"); return; }
        if (!explain_print(e, arg, stdout, &err)) { diag_print(stdout, err); diag_free(err); }
        return;
    }
    if (!strcmp(line, ":load")) {
        if (!*arg) { puts("usage: :load FILE"); return; }
        load_file(e, arg, opts);
        return;
    }
    if (!strcmp(line, ":reload")) {
        if (!nfiles) { puts("no file loaded yet (:load FILE)"); return; }
        for (size_t i = 0; i < nfiles; i++) { printf("reloading %s\n", files[i]); load_file(e, files[i], opts); }
        return;
    }
    if (!strcmp(line, ":names")) {
        struct names ns = { .prefix = arg, .u = eval_units(e) };
        eval_each_global(e, collect_global, &ns);
        qsort(ns.lines, ns.n, sizeof *ns.lines, by_text);
        for (size_t i = 0; i < ns.n; i++) { puts(ns.lines[i]); free(ns.lines[i]); }
        if (!ns.n) printf(*arg ? "no name starts with %s\n" : "nothing defined yet\n", arg);
        free(ns.lines);
        return;
    }
    if (!strcmp(line, ":scenario")) {
        diag_t *err = NULL;
        if (!eval_use_scenario(e, arg, &err)) { diag_print(stdout, err); diag_free(err); }
        else printf("scenario %s applies to what is defined from now on\n", arg);
        return;
    }
    if (!strcmp(line, ":type")) {
        if (!*arg) { puts("usage: :type EXPR"); return; }
        diag_t *err = NULL;
        value_t *v = eval_expression(e, "<repl>", arg, &err);
        if (err) { diag_print(stdout, err); diag_free(err); return; }
        if (v && v->kind == V_NUM) {
            uterm_t t;
            value_display_unit(eval_units(e), v, &t);
            char *d = units_format_dim(eval_units(e), value_dim(v)), *us = uterm_format(eval_units(e), &t);
            printf("%s (unit %s)\n", d ? d : "?", us && *us ? us : "1");
            free(d); free(us);
        } else if (v) printf("%s\n", value_kind_name(v));
        value_free(v);
        return;
    }
    if (!strcmp(line, ":units")) {
        units_t *u = eval_units(e);
        int listed = 0;
        /* each unit with what it is worth in its dimension's base units */
        for (size_t i = 0; i < units_count(u); i++) {
            const unit_def_t *d = units_get(u, (int)i);
            if (d->from_prefix) continue;
            char *dim = units_format_dim(u, &d->dim);
            if (dim && (!*arg || !strcmp(dim, arg))) {   /* a base dimension or one like energy/time */
                listed++;
                uterm_t base;
                uterm_for_dim(u, &d->dim, &base);
                char *bu = uterm_format(u, &base), *f = format_number(d->factor, 0, 1);
                int is_base = bu && !strcmp(bu, d->name);
                printf("%-10s %-22s %s%s%s%s\n", d->name, dim, is_base ? "base unit" : "= ", is_base ? "" : f ? f : "?",
                       is_base || !*bu ? "" : " ", is_base ? "" : bu ? bu : "?");
                if (d->prefixed) printf("%-10s %-22s (takes prefixes: k%s, M%s ...)\n", "", "", d->name, d->name);
                free(bu);
                free(f);
            }
            free(dim);
        }
        if (!listed) printf("no units of dimension %s (:units lists them all)\n", arg);
        return;
    }
    printf("unknown command %s (try :help)\n", line);
}

/* Ctrl-C drops the line being typed and any open multi-line input (pending). The handler
 * only notes it; with readline, the event hook readline calls after the interrupted read
 * clears the line outside the handler, and the same readline call goes on. */
static volatile sig_atomic_t interrupted;
static char *pending;
static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

#ifdef HAVE_READLINE
static int on_signal_event(void)
{
    if (!interrupted) return 0;
    interrupted = 0;
    free(pending);
    pending = NULL;
    fputs("^C\n", stdout);
    fflush(stdout);
    rl_set_prompt("outlay> ");
    rl_replace_line("", 0);
    rl_on_new_line();
    rl_redisplay();
    return 0;
}
#endif

int repl_run(eval_t *e, const report_opts_t *opts, const char *const *loaded, size_t nloaded)
{
    repl_eval = e;
    for (size_t i = 0; i < nloaded; i++) remember_file(loaded[i]);
    eval_allow_redefinition(e);
    int tty = isatty(STDIN_FILENO);
    line_editing = tty && readline_dl_open();
#ifdef HAVE_READLINE
    char *hist = line_editing ? history_path() : NULL;
    if (line_editing) {
        rl_readline_name = "outlay";
        rl_attempted_completion_function = complete;
        rl_basic_word_break_characters = " \t\n\"(),+-*/^=<>[]{}";
        /* a multi-line entry is one history entry, in the file too (timestamps mark where
         * each entry starts) */
        history_write_timestamps = 1;
        history_multiline_entries = 1;
        if (hist) read_history(hist);
    }
#endif
    if (tty) printf("Outlay %s. Type :help for help, :quit to leave.\n", PACKAGE_VERSION);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
#ifdef HAVE_READLINE
    if (line_editing) {
        rl_catch_signals = 0;
        rl_signal_event_hook = on_signal_event;
    }
#endif
    pending = NULL;
    int quit = 0;
    while (!quit) {
        char *line = read_line(pending ? "...> " : "outlay> ");
        if (interrupted) {
            /* without readline: the interrupted line is gone, and so is open input */
            interrupted = 0;
            free(pending);
            pending = NULL;
            free(line);
            clearerr(stdin);
            continue;
        }
        if (!line) { if (tty) putchar('\n'); break; }
        if (!pending && line[0] == ':') {
#ifdef HAVE_READLINE
            if (line_editing) add_history(line);
#endif
            command(e, line, opts, &quit);
            free(line);
            continue;
        }
        size_t n = (pending ? strlen(pending) + 1 : 0) + strlen(line) + 1;
        char *text = malloc(n);
        if (!text) { free(line); break; }
        snprintf(text, n, "%s%s%s", pending ? pending : "", pending ? "\n" : "", line);
        free(line);
        free(pending);
        pending = NULL;
        int incomplete = 0;
        run_text(e, text, opts, &incomplete);
#ifdef HAVE_READLINE
        if (line_editing && !incomplete && text[strspn(text, " \t\n")]) add_history(text);   /* the whole entry, once complete */
#endif
        if (incomplete) pending = text; else free(text);
    }
    free(pending);
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    files = NULL;
    nfiles = 0;
#ifdef HAVE_READLINE
    if (hist) { write_history(hist); free(hist); }
    for (size_t i = 0; i < comp.n; i++) free(comp.items[i]);
    free(comp.items);
#endif
    return 0;
}
