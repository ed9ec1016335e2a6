/* fuzz_eval: a libFuzzer target that runs arbitrary bytes as an Outlay program, as
 * outlay does with a file: parse, evaluate, report. Any crash, sanitizer report, leak or
 * hang is a bug; errors are expected. Build and run with tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"
#include "report.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0;          /* the CLI refuses binary input first */
    diag_t *err = NULL;
    eval_t *e = eval_new(&err);
    if (!e) { diag_free(err); return 0; }
    eval_add_search_dir(e, OUTLAY_SOURCE_STDLIB_DIR);
    source_t *src = source_from_string("<fuzz>", (const char *)data, size);
    if (src && eval_load_source(e, src, &err, NULL)) eval_run(e, &err);
    diag_free(err);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        report_opts_t opts = { REPORT_JSON, 0, 1, 0 };
        report_write(sink, e, &opts);
        opts.format = REPORT_TEXT;
        report_write(sink, e, &opts);
        fclose(sink);
    }
    eval_free(e);
    source_free_all();
    return 0;
}
