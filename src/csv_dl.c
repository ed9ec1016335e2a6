/* csv_dl: loads libcsv when a usage file is first read (see csv_dl.h). */
#define CSV_DL_IMPLEMENTATION
#include "csv_dl.h"

DL_DEFINE(csv_dl, CSV_DL_NAMES, "libcsv.so.3")
