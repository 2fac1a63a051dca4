/* fuzz_snapshot.c: any bytes as a .clout snapshot: load, check, free. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char msg[CLOUT_MSG_LEN];
    clout_graph *G = NULL;
    int s = clout_snapshot_load_mem(&G, "fuzz", data, size, msg);
    if (s >= 0 && clout_graph_check(G, msg) != 0) abort();
    if (s < 0 && G != NULL) abort();
    if (s < 0 && s != CLOUT_ERR_DATA && s != CLOUT_ERR_NOMEM) abort();
    clout_graph_free(&G);
    return 0;
}
