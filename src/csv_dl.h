/* csv_dl: libcsv, for the quoted records of a CSV usage export, loaded when a usage file
 * is first read (dlopen) instead of linked, so that runs which read no usage file (`outlay
 * eval`) do not pay for loading it. usage_csv.c uses libcsv's names as usual; here they
 * stand for what dlsym found. */
#ifndef OUTLAY_CSV_DL_H
#define OUTLAY_CSV_DL_H
#include <csv.h>
#include "dl.h"

/* 1 when libcsv is loaded and has every name below. */
int csv_dl_open(void);

#define CSV_DL_NAMES(X, p) X(p, csv_init) X(p, csv_parse) X(p, csv_fini) X(p, csv_free) X(p, csv_set_realloc_func)
DL_DECLARE(csv_dl, CSV_DL_NAMES)

#ifndef CSV_DL_IMPLEMENTATION
#define csv_init (*csv_dl_csv_init)
#define csv_parse (*csv_dl_csv_parse)
#define csv_fini (*csv_dl_csv_fini)
#define csv_free (*csv_dl_csv_free)
#define csv_set_realloc_func (*csv_dl_csv_set_realloc_func)
#endif
#endif
