/* fuzz_algorithms.c: any bytes as a small graph (a byte pair a tie, the first byte its options,
 * up to 64 users) run through every algorithm family, each checked against what it must satisfy
 * whatever the graph: PageRank a distribution, cores below degrees, clustering in [0, 1], reach
 * within the users, betweenness finite and >= 0, every ic_range >= 1, seeds distinct users,
 * cascades between the seeds and everyone, and the features table whole. */
#include "fuzz_common.h"
#include <math.h>

#define CHECK_FUZZ(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) abort();                                                             \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 3 || size > 2 * 512 + 1) return 0;
    char msg[CLOUT_MSG_LEN];
    int64_t m = (int64_t)(size - 1) / 2, src[512], dst[512];
    for (int64_t i = 0; i < m; i++) {
        src[i] = data[1 + 2 * i] % 64;
        dst[i] = data[2 + 2 * i] % 64;
    }
    clout_edges e = {64, m, src, dst};
    clout_graph *G = NULL;
    bool directed = data[0] & 1, lt = data[0] & 2;
    if (clout_graph_from_edges(&G, &e, directed, msg) != CLOUT_OK) return 0; /* self-loops only, say */
    int64_t n = clout_graph_users(G);
    double *pr = calloc((size_t)n, sizeof(double)), *cc = calloc((size_t)n, sizeof(double)),
           *bc = calloc((size_t)n, sizeof(double));
    int64_t *core = calloc((size_t)n, sizeof(int64_t)), *reach = calloc((size_t)n * 4, sizeof(int64_t));
    int it;
    CHECK_FUZZ(pr && cc && bc && core && reach);
    CHECK_FUZZ(clout_pagerank(G, 0.85, 1e-10, 10000, NULL, pr, &it, NULL, msg) == CLOUT_OK);
    double sum = 0;
    for (int64_t v = 0; v < n; v++) {
        CHECK_FUZZ(isfinite(pr[v]) && pr[v] >= 0);
        sum += pr[v];
    }
    CHECK_FUZZ(fabs(sum - 1) < 1e-9);
    CHECK_FUZZ(clout_graph_cache_degrees(G, msg) == CLOUT_OK);
    CHECK_FUZZ(clout_coreness(G, core, msg) == CLOUT_OK);
    CHECK_FUZZ(clout_clustering(G, cc, msg) == CLOUT_OK);
    CHECK_FUZZ(clout_betweenness(G, (data[0] & 4) ? 5 : 0, 3, bc, msg) == CLOUT_OK);
    int64_t all[64];
    for (int64_t v = 0; v < n; v++) all[v] = v;
    CHECK_FUZZ(clout_reach(G, all, n, 3, reach, msg) == CLOUT_OK);
    for (int64_t v = 0; v < n; v++) {
        CHECK_FUZZ(core[v] >= 0 && core[v] < n);
        CHECK_FUZZ(cc[v] >= 0 && cc[v] <= 1);
        CHECK_FUZZ(isfinite(bc[v]) && bc[v] >= 0);
        int64_t r = 0;
        for (int d = 1; d <= 3; d++) r += reach[v * 4 + d];
        CHECK_FUZZ(reach[v * 4] == 0 && r >= 0 && r <= n - 1);
    }
    /* the features table, then IM and cascades on the influence graph */
    clout_features *F = NULL;
    clout_features_opts o;
    clout_features_opts_init(&o);
    o.only = "out_degree,core,reach_2,depth,ic_range,ic_depth,conversion_rate";
    o.hops = 2;
    o.rr_sets = 500;
    o.sims = 5;
    o.lt = lt;
    CHECK_FUZZ(clout_features_compute(G, &o, &F, msg) == CLOUT_OK);
    for (int c = 0; c < F->ncols; c++)
        if (strcmp(F->cols[c].name, "ic_range") == 0)
            for (int64_t v = 0; v < n; v++) CHECK_FUZZ(F->cols[c].reals[v] >= 1 && F->cols[c].reals[v] <= (double)n);
    clout_features_free(&F);
    clout_influence *P = NULL;
    CHECK_FUZZ(clout_influence_new(&P, G, &o.prob, 0, msg) == CLOUT_OK);
    int k = n < 3 ? (int)n : 3;
    int64_t seeds[3], sizes[20];
    double spread[3];
    clout_im_params prm;
    clout_im_params_init(&prm);
    prm.k = k;
    prm.lt = lt;
    prm.eps = 0.5;
    prm.sims = 20;
    for (int a = 0; a < 6; a++) {
        prm.algo = (clout_im_algo)a;
        CHECK_FUZZ(clout_im_select(G, P, &prm, seeds, spread, NULL, msg) == CLOUT_OK);
        for (int i = 0; i < k; i++) {
            CHECK_FUZZ(seeds[i] >= 0 && seeds[i] < n);
            for (int j = 0; j < i; j++) CHECK_FUZZ(seeds[i] != seeds[j]);
        }
    }
    CHECK_FUZZ(clout_simulate(P, lt, seeds, k, 20, 1, sizes, NULL, msg) == CLOUT_OK);
    for (int s = 0; s < 20; s++) CHECK_FUZZ(sizes[s] >= k && sizes[s] <= n);
    clout_influence_free(&P);
    free(pr);
    free(cc);
    free(bc);
    free(core);
    free(reach);
    clout_graph_free(&G);
    return 0;
}
