/* fuzz_usage: a libFuzzer target that reads arbitrary bytes as a usage export, as
 * read_usage does with a file: plain CSV, or (when the first byte is odd) the same bytes
 * gzip-compressed, under a spec the second byte picks (FOCUS columns or a narrow mapping,
 * skipping bad rows or not, a tag filter, a SKU map). Then the table is read back whole
 * and hour by hour. Any crash, sanitizer report, leak or hang is a bug; errors are
 * expected. (The excerpts that error messages quote stay in the sources list, as they
 * do in outlay, until the process ends.) Build and run with tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "eval.h"
#include "usage.h"

/* The bytes, gzip-compressed when asked, in an unlinked temporary file; its descriptor. */
static int input_fd(const uint8_t *data, size_t size, int gz)
{
    FILE *f = tmpfile();
    if (!f) return -1;
    if (gz) {
        z_stream z;
        memset(&z, 0, sizeof z);
        unsigned char out[16384];
        if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) { fclose(f); return -1; }
        z.next_in = (unsigned char *)data;
        z.avail_in = (uInt)size;
        int r;
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            r = deflate(&z, Z_FINISH);
            fwrite(out, 1, sizeof out - z.avail_out, f);
        } while (r == Z_OK);
        deflateEnd(&z);
    } else {
        fwrite(data, 1, size, f);
    }
    fflush(f);
    int fd = dup(fileno(f));
    fclose(f);
    if (fd >= 0) lseek(fd, 0, SEEK_SET);
    return fd;
}

static void spec_for(usage_spec_t *s, unsigned char how, units_t *u)
{
    usage_spec_focus(s);
    s->skip_bad_rows = how & 1;
    s->negative_ok = (how >> 1) & 1;
    if (how & 4) {   /* a narrow file: at,sku,qty in GPU-hours */
        free(s->sku_col); s->sku_col = strdup("sku");
        free(s->quantity_col); s->quantity_col = strdup("qty");
        free(s->start_col); s->start_col = strdup("at");
        free(s->end_col); s->end_col = NULL;
        char *err = NULL;
        s->unit = usage_parse_unit(u, "GPU-Hours", 9, &err);
        free(err);
    }
    if (how & 8) {
        s->filters = calloc(1, sizeof *s->filters);
        if (s->filters) {
            s->nfilters = 1;
            s->filters[0].column = strdup("Tags");
            s->filters[0].tag_key = strdup("team");
            s->filters[0].values = calloc(1, sizeof(char *));
            if (s->filters[0].values) { s->filters[0].values[0] = strdup("ml"); s->filters[0].nvalues = 1; }
        }
    }
    if (how & 16) {
        s->map = calloc(1, sizeof *s->map);
        if (s->map) { s->nmap = 1; s->map[0].from = strdup("gpu"); s->map[0].to = strdup("gpu_hour"); }
    }
}

/* One interpreter for the prelude's units, made on the first input: the reader never
 * changes what the prelude declared (only registers prefixed forms as it meets them). */
static eval_t *prelude(void)
{
    static eval_t *e;
    if (e) return e;
    diag_t *err = NULL;
    e = eval_new(&err);
    if (!e) { diag_free(err); return NULL; }
    eval_add_search_dir(e, OUTLAY_SOURCE_STDLIB_DIR);
    source_t *empty = source_from_string("<empty>", "", 0);
    if (!empty || !eval_load_source(e, empty, &err, NULL) || !eval_run(e, &err)) {
        diag_free(err);
        eval_free(e);
        e = NULL;
    }
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    int gz = data[0] & 1;
    unsigned char how = data[1];
    diag_t *err = NULL;
    eval_t *e = prelude();
    if (!e) return 0;
    units_t *u = eval_units(e);
    usage_spec_t spec;
    spec_for(&spec, how, u);
    usage_table_t *t = usage_table_new(u);
    int fd = input_fd(data + 2, size - 2, gz);
    if (t && fd >= 0) {
        FILE *sink = fopen("/dev/null", "w");
        if (!usage_read_fd(t, &spec, fd, "<fuzz>", &err) && err && sink) diag_print(sink, err);
        diag_free(err);
        mpq_t q;
        mpq_init(q);
        usage_hour_t first = usage_table_first_hour(t), end = usage_table_end_hour(t);
        for (size_t i = 0; i < usage_table_nskus(t); i++) {
            usage_table_quantity(t, i, first, end, q);
            for (usage_hour_t h = first; h < end && h < first + 200; h++) {
                usage_table_quantity(t, i, h, h + 1, q);
                for (int c = 0; c < USAGE_NCOSTS; c++) usage_table_cost(t, i, (usage_cost_col)c, h, h + 1, q);
            }
        }
        mpq_clear(q);
        if (sink) fclose(sink);
    } else if (fd >= 0) {
        close(fd);
    }
    usage_table_free(t);
    usage_spec_free(&spec);
    return 0;
}

#ifdef FUZZ_REPLAY_MAIN
/* Without libFuzzer: runs each file named on the command line once. */
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) continue;
        static uint8_t buf[1 << 22];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
