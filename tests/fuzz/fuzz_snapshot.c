/* fuzz_snapshot.c: any bytes as a .clout snapshot, PageRank's layout asked for: load, check,
 * run PageRank on a layout that loaded (a few sweeps: any outcome but a crash), free. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char msg[CLOUT_MSG_LEN];
    clout_graph *G = NULL;
    int s = clout_snapshot_load_mem_parts(&G, "fuzz", data, size, CLOUT_LOAD_PAGERANK, msg);
    if (s >= 0 && clout_graph_check(G, msg) != 0) abort();
    if (s < 0 && G != NULL) abort();
    if (s < 0 && s != CLOUT_ERR_DATA && s != CLOUT_ERR_NOMEM) abort();
    if (s >= 0 && G->pagerank_nblocks > 0 && clout_graph_users(G) <= 100000) {
        double *rank = malloc((size_t)clout_graph_users(G) * sizeof(double));
        int it = 0;
        if (rank == NULL) abort();
        s = clout_pagerank(G, 0.85, 1e-6, 20, NULL, rank, &it, NULL, msg);
        if (s < 0 && s != CLOUT_ERR_NOT_CONVERGED && s != CLOUT_ERR_NOMEM) abort();
        free(rank);
    }
    clout_graph_free(&G);
    return 0;
}
