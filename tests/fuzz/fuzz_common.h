/* fuzz_common.h: one-time library start for the fuzz targets. */
#ifndef CLOUT_FUZZ_COMMON_H
#define CLOUT_FUZZ_COMMON_H
#include "clout.h"
#include <stdlib.h>
#include <string.h>

static void fuzz_init(void)
{
    static int done = 0;
    if (done) return;
    char msg[CLOUT_MSG_LEN];
    if (clout_init(msg) != CLOUT_OK) abort();
    clout_set_threads(2, msg);
    done = 1;
}
#endif
