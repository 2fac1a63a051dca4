/* fuzz_edges.c: any bytes as an edge list (the first byte picks options): parse, build, free.
 * Asserts that a failure leaves no graph and success yields a graph that passes its checks. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size == 0) return 0;
    char msg[CLOUT_MSG_LEN];
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.undirected = data[0] & 1;
    o.header = data[0] & 2;
    o.skip_bad_lines = data[0] & 4;
    o.dedupe = (clout_dedupe)((data[0] >> 3) % 3);
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    if (clout_builder_new(&b, &o, msg) != 0) abort();
    int s = clout_builder_add_edges_mem(b, "fuzz", (const char *)data + 1, size - 1, &o, msg);
    if (s >= 0) {
        s = clout_builder_finish(&b, &G, msg);
        if (s >= 0 && clout_graph_check(G, msg) != 0) abort();
        if (s < 0 && G != NULL) abort();
    }
    clout_graph_free(&G);
    clout_builder_free(&b);
    return 0;
}
