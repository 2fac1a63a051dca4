/* pagerank_seeds.c: the PageRank baseline of influence maximization. */
#include "metrics_internal.h"

static int cmp_rank(const void *a, const void *b, void *ctx)
{
    const double *pr = ctx;
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return pr[x] > pr[y] ? -1 : pr[x] < pr[y] ? 1 : (x > y) - (x < y);
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(pr);                                                                     \
        FREE_PTR(ord);                                                                    \
    } while (0)

/* PageRank baseline: the k users ranked highest on the reversed graph (influence flows along S,
 * so a user pointed to by influential users there is one who reaches many here). */
int clout_im_pagerank(clout_graph *G, int k, int64_t *seeds, char msg[CLOUT_MSG_LEN])
{
    double *pr = NULL;
    int64_t *ord = NULL, n = clout_graph_users(G);
    int it;
    ASSERT_MSG(k >= 1 && k <= n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d", (long long)n, k);
    /* the reversed graph of an undirected one is itself */
    if (G->directed) TRY(clout_graph_cache_transpose(G, msg));
    ALLOC_TRY(pr, n, double);
    TRY(clout_i_pagerank_of(G->directed ? G->ST : G->S, !G->directed, NULL, 0, n, 0.85, 1e-10, 10000, NULL, pr, &it,
                            NULL, msg));
    ALLOC_TRY(ord, n, int64_t);
    for (int64_t i = 0; i < n; i++) ord[i] = i;
    qsort_r(ord, (size_t)n, sizeof(int64_t), cmp_rank, pr);
    memcpy(seeds, ord, (size_t)k * sizeof(int64_t));
    FREE_ALL;
    return CLOUT_OK;
}
