/* fuzz_model.c: any bytes as a .clout-model file: load, use on a small graph when it loads (GCN
 * prediction, LightGCN recommendation: a model the format accepts must be used or refused
 * cleanly), free. */
#include "fuzz_common.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char msg[CLOUT_MSG_LEN];
    clout_model *m = NULL;
    int s = clout_model_load_mem(&m, "fuzz", data, size, msg);
    if (s < 0 && m != NULL) abort();
    if (s < 0 && s != CLOUT_ERR_DATA && s != CLOUT_ERR_NOMEM && s != CLOUT_ERR_INVALID) abort();
    if (s >= 0) {
        /* users "0".."3" with ties and items "a", "b" */
        static const char log[] = "user,item\n0,a\n1,b\n2,a\n3,b\n";
        static const int64_t src[] = {0, 1, 2}, dst[] = {1, 2, 3};
        clout_read_opts o;
        clout_read_opts_init(&o);
        clout_builder *b = NULL;
        clout_graph *G = NULL;
        if (clout_builder_new(&b, &o, msg) == 0 && clout_builder_add_log_mem(b, "log", log, sizeof log - 1, &o, msg) == 0 &&
            clout_builder_add_ties(b, 4, NULL, src, dst, NULL, 3, msg) == 0 && clout_builder_finish(&b, &G, msg) == 0) {
            double pred[4], prob[4], sc[4];
            int64_t users[2] = {0, 1}, items[4];
            int u = strcmp(clout_model_kind(m), "gcn") == 0 ? clout_gcn_predict(m, G, NULL, 0, pred, prob, msg)
                                                             : clout_recommend(m, G, users, 2, 2, 0.5, NULL, items, sc, msg);
            if (u < 0 && u != CLOUT_ERR_DATA && u != CLOUT_ERR_INVALID && u != CLOUT_ERR_NOMEM) abort();
        }
        clout_builder_free(&b);
        clout_graph_free(&G);
    }
    clout_model_free(&m);
    return 0;
}
