/* centrality.c: betweenness through igraph (called from one thread: the
 * Debian build of igraph is not thread-safe). Betweenness counts shortest paths by hops along
 * S's direction (an undirected graph counts each pair once); with samples > 0 it is estimated
 * from that many source users drawn with the counter-based generator, scaled by n / samples.
 */
#include "metrics_internal.h"
#include <igraph.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &c, msg);                                  \
        if (have_el) igraph_vector_int_destroy(&el);                                      \
    } while (0)

/* igraph copy of S's structure: directed with every entry, or undirected with each tie once */
static int to_igraph(clout_graph *G, bool undirected, igraph_t *g, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr c;
    bool borrowed = false, have_el = false;
    igraph_vector_int_t el;
    int64_t n = clout_graph_users(G);
    TRY(clout_i_csr_borrow(G->S, &c, msg));
    borrowed = true;
    IG_TRY(igraph_vector_int_init(&el, 0));
    have_el = true;
    IG_TRY(igraph_vector_int_reserve(&el, (igraph_integer_t)(2 * c.nvals)));
    for (int64_t u = 0; u < n; u++)
        for (uint64_t k = c.ptr[u]; k < c.ptr[u + 1]; k++) {
            int64_t v = (int64_t)c.idx[k];
            if (undirected && v < u) continue;
            igraph_vector_int_push_back(&el, u);
            igraph_vector_int_push_back(&el, v);
        }
    borrowed = false;
    TRY(clout_i_csr_return(G->S, &c, msg));
    IG_TRY(igraph_create(g, &el, (igraph_integer_t)n, undirected ? IGRAPH_UNDIRECTED : IGRAPH_DIRECTED));
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (have_g) igraph_destroy(&g);                                                   \
        if (have_res) igraph_vector_destroy(&res);                                        \
        if (have_src) igraph_vector_int_destroy(&src);                                    \
    } while (0)

static int betweenness(clout_graph *G, int64_t samples, uint64_t seed, double *bc, char msg[CLOUT_MSG_LEN])
{
    igraph_t g;
    igraph_vector_t res;
    igraph_vector_int_t src;
    bool have_g = false, have_res = false, have_src = false;
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(samples >= 0, CLOUT_ERR_INVALID, "betweenness samples must be >= 0");
    TRY(to_igraph(G, !G->directed, &g, msg));
    have_g = true;
    IG_TRY(igraph_vector_init(&res, 0));
    have_res = true;
    if (samples == 0 || samples >= n) {
        IG_TRY(igraph_betweenness(&g, &res, igraph_vss_all(), G->directed, NULL));
    } else {
        /* distinct sources: a partial Fisher-Yates shuffle keyed by position */
        IG_TRY(igraph_vector_int_init(&src, n));
        have_src = true;
        for (int64_t i = 0; i < n; i++) VECTOR(src)[i] = i;
        for (int64_t i = 0; i < samples; i++) {
            int64_t j = i + (int64_t)clout_rng_bounded(seed, CLOUT_STREAM_BETWEENNESS, (uint64_t)i, (uint64_t)(n - i));
            igraph_integer_t t = VECTOR(src)[i];
            VECTOR(src)[i] = VECTOR(src)[j];
            VECTOR(src)[j] = t;
        }
        IG_TRY(igraph_vector_int_resize(&src, samples));
        IG_TRY(igraph_betweenness_subset(&g, &res, igraph_vss_all(), G->directed, igraph_vss_vector(&src),
                                         igraph_vss_all(), NULL));
        /* undirected subset betweenness counts a pair once per sampled end: scale by n / samples */
        igraph_vector_scale(&res, (double)n / (double)samples);
    }
    for (int64_t i = 0; i < n; i++) bc[i] = VECTOR(res)[i];
    FREE_ALL;
    return CLOUT_OK;
}

int clout_betweenness(clout_graph *G, int64_t samples, uint64_t seed, double *bc, char msg[CLOUT_MSG_LEN])
{
    clout_i_igraph_lock();
    int s = betweenness(G, samples, seed, bc, msg);
    clout_i_igraph_unlock();
    return s;
}
