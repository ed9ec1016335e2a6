/* usage_dump: reads a usage file through usage_read_file and prints the table exactly —
 * per SKU and hour, each column's sum as a fraction — for the script tests, which
 * compare it with an independent computation (check.py). Until the language reads
 * usage, this is how the reader is driven from outside.
 *   usage_dump [--unit U] [--sku C] [--quantity C] [--unit-col C] [--start C] [--end C|-]
 *              [--currency C] [--skip-bad-rows] [--negative-ok] [--filter COL=V]
 *              [--tag KEY=V] [--map FROM=TO] [--months] FILE
 * --months prints per SKU and calendar month only (quantity, then BilledCost when read):
 * what the usage benchmark compares with its Python reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"
#include "usage.h"

static char *split(const char *arg, char **rest)
{
    const char *eq = strchr(arg, '=');
    if (!eq) return NULL;
    *rest = strdup(eq + 1);
    return strndup(arg, (size_t)(eq - arg));
}

static void print_hour(usage_hour_t h)
{
    long long day = h >= 0 ? h / 24 : -((-h + 23) / 24);
    int y, m, d;
    dates_to_ymd((date_t)day, &y, &m, &d);
    printf("%04d-%02d-%02dT%02lld", y, m, d, h - day * 24);
}

/* Per SKU and calendar month: "SKU YYYY-MM quantity [billed]". */
static void print_months(const usage_table_t *t)
{
    mpq_t q;
    mpq_init(q);
    usage_hour_t first = usage_table_first_hour(t), end = usage_table_end_hour(t);
    for (size_t i = 0; i < usage_table_nskus(t); i++) {
        int y, m, d;
        dates_to_ymd((date_t)(first >= 0 ? first / 24 : -((-first + 23) / 24)), &y, &m, &d);
        for (usage_hour_t from = (usage_hour_t)dates_from_ymd(y, m, 1) * 24; from < end;) {
            usage_hour_t to = (usage_hour_t)dates_add_months(dates_from_ymd(y, m, 1), 1) * 24;
            usage_table_quantity(t, i, from, to, q);
            gmp_printf("%s %04d-%02d %Qd", usage_table_sku(t, i), y, m, q);
            if (usage_table_has_cost(t, USAGE_COST_BILLED)) {
                usage_table_cost(t, i, USAGE_COST_BILLED, from, to, q);
                gmp_printf(" %Qd", q);
            }
            printf("\n");
            from = to;
            if (++m > 12) { m = 1; y++; }
        }
    }
    mpq_clear(q);
}

int main(int argc, char **argv)
{
    diag_t *err = NULL;
    eval_t *e = eval_new(&err);
    if (!e) return 2;
    eval_add_search_dir(e, OUTLAY_SOURCE_STDLIB_DIR);
    source_t *empty = source_from_string("<empty>", "", 0);
    if (!empty || !eval_load_source(e, empty, &err, NULL) || !eval_run(e, &err)) return 2;
    units_t *u = eval_units(e);
    usage_spec_t spec;
    usage_spec_focus(&spec);
    const char *path = NULL;
    int months = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char **col = !strcmp(a, "--sku") ? &spec.sku_col : !strcmp(a, "--quantity") ? &spec.quantity_col :
                     !strcmp(a, "--unit-col") ? &spec.unit_col : !strcmp(a, "--start") ? &spec.start_col :
                     !strcmp(a, "--end") ? &spec.end_col : !strcmp(a, "--currency") ? &spec.currency_col : NULL;
        if (col && v) { free(*col); *col = strcmp(v, "-") ? strdup(v) : NULL; i++; }
        else if (!strcmp(a, "--skip-bad-rows")) spec.skip_bad_rows = 1;
        else if (!strcmp(a, "--negative-ok")) spec.negative_ok = 1;
        else if (!strcmp(a, "--months")) months = 1;
        else if (!strcmp(a, "--unit") && v) {
            char *why = NULL;
            if (!(spec.unit = usage_parse_unit(u, v, strlen(v), &why))) { fprintf(stderr, "usage_dump: %s\n", why); return 2; }
            i++;
        } else if ((!strcmp(a, "--filter") || !strcmp(a, "--tag")) && v) {
            usage_filter_t *f = realloc(spec.filters, (spec.nfilters + 1) * sizeof *f);
            if (!f) return 2;
            spec.filters = f;
            f = &spec.filters[spec.nfilters++];
            memset(f, 0, sizeof *f);
            f->values = malloc(sizeof *f->values);
            f->nvalues = 1;
            char *key = split(v, &f->values[0]);
            if (!key) return 2;
            if (!strcmp(a, "--tag")) { f->column = strdup("Tags"); f->tag_key = key; } else f->column = key;
            i++;
        } else if (!strcmp(a, "--map") && v) {
            usage_skumap_t *m = realloc(spec.map, (spec.nmap + 1) * sizeof *m);
            if (!m) return 2;
            spec.map = m;
            if (!(m[spec.nmap].from = split(v, &m[spec.nmap].to))) return 2;
            spec.nmap++;
            i++;
        } else path = a;
    }
    if (!path) { fprintf(stderr, "usage_dump: no file\n"); return 2; }
    usage_table_t *t = usage_table_new(u);
    int status = 0;
    if (!usage_read_file(t, &spec, path, &err)) {
        if (err) diag_print(stderr, err); else fprintf(stderr, "usage_dump: failed without a diagnostic\n");
        diag_free(err);
        status = 2;
    } else if (months) {
        print_months(t);
    } else {
        const char *cols[] = { "quantity", "billed", "effective", "list", "contracted" };
        mpq_t q;
        mpq_init(q);
        printf("currency %s\n", usage_table_currency(t) ? usage_table_currency(t) : "-");
        printf("bad_rows %lld", usage_table_bad_rows(t));
        const long long *lines;
        size_t n = usage_table_bad_lines(t, &lines);
        for (size_t k = 0; k < n; k++) printf(" %lld", lines[k]);
        printf("\nfiltered %lld\n", usage_table_filtered_rows(t));
        for (size_t i = 0; i < usage_table_nskus(t); i++) {
            const value_t *unit = usage_table_unit(t, i);
            char *us = NULL;
            if (unit) {
                uterm_t ut;
                value_display_unit(u, unit, &ut);
                us = uterm_format(u, &ut);
                value_magnitude(u, unit, q);
            }
            printf("sku '%s' rows %lld unit ", usage_table_sku(t, i), usage_table_rows(t, i));
            if (unit) gmp_printf("%Qd %s\n", q, us && *us ? us : "1"); else printf("-\n");
            free(us);
            for (usage_hour_t h = usage_table_first_hour(t); h < usage_table_end_hour(t); h++)
                for (int c = 0; c < 5; c++) {
                    if (c) { if (!usage_table_has_cost(t, (usage_cost_col)(c - 1))) continue; usage_table_cost(t, i, (usage_cost_col)(c - 1), h, h + 1, q); }
                    else usage_table_quantity(t, i, h, h + 1, q);
                    if (!mpq_sgn(q)) continue;
                    printf("  ");
                    print_hour(h);
                    gmp_printf(" %s %Qd\n", cols[c], q);
                }
            usage_table_quantity(t, i, usage_table_first_hour(t), usage_table_end_hour(t), q);
            gmp_printf("  total quantity %Qd\n", q);
        }
        mpq_clear(q);
    }
    usage_table_free(t);
    usage_spec_free(&spec);
    eval_free(e);
    source_free_all();
    return status;
}
