/* zlib_dl: zlib, which reads a usage export (gzip-compressed or plain alike), loaded when
 * a usage file is first read (dlopen) instead of linked, so that runs which read no usage
 * file (`outlay eval`) do not pay for loading it. usage_csv.c uses zlib's names as usual;
 * here they stand for what dlsym found. */
#ifndef OUTLAY_ZLIB_DL_H
#define OUTLAY_ZLIB_DL_H
#include <zlib.h>
#include "dl.h"

/* 1 when zlib is loaded and has every name below. */
int zlib_dl_open(void);

#define ZLIB_DL_NAMES(X, p) X(p, gzdopen) X(p, gzbuffer) X(p, gzread) X(p, gzeof) X(p, gzerror) X(p, gzdirect) X(p, gzclose)
DL_DECLARE(zlib_dl, ZLIB_DL_NAMES)

#ifndef ZLIB_DL_IMPLEMENTATION
#define gzdopen (*zlib_dl_gzdopen)
#define gzbuffer (*zlib_dl_gzbuffer)
#define gzread (*zlib_dl_gzread)
#define gzeof (*zlib_dl_gzeof)
#define gzerror (*zlib_dl_gzerror)
#define gzdirect (*zlib_dl_gzdirect)
#define gzclose (*zlib_dl_gzclose)
#endif
#endif
