/* zlib_dl: loads zlib when a usage file is first read (see zlib_dl.h). */
#define ZLIB_DL_IMPLEMENTATION
#include "zlib_dl.h"

DL_DEFINE(zlib_dl, ZLIB_DL_NAMES, "libz.so.1")
