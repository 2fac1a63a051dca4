/* generate.c: synthetic graphs for scale tests: R-MAT (counter-based, parallel) and the igraph
 * generators Barabasi-Albert and Erdos-Renyi G(n,m). */
#include "io_internal.h"
#include <igraph.h>
#include <math.h>
#include <omp.h>

void clout_edges_free(clout_edges *e)
{
    if (e == NULL) return;
    FREE_PTR(e->src);
    FREE_PTR(e->dst);
    e->n = e->m = 0;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(key);                                                                    \
        clout_edges_free(&e);                                                             \
    } while (0)

int clout_generate_rmat(clout_edges *out, int scale, int64_t edges, double a, double b, double c,
                        uint64_t seed, char msg[CLOUT_MSG_LEN])
{
    uint64_t *key = NULL;
    clout_edges e = {0};
    ASSERT_MSG(scale >= 1 && scale <= 31, CLOUT_ERR_INVALID, "the scale must be between 1 and 31, got %d", scale);
    ASSERT_MSG(edges >= 1 && edges <= (INT64_C(1) << 36), CLOUT_ERR_INVALID,
               "the number of edges must be between 1 and 2^36, got %lld", (long long)edges);
    ASSERT_MSG(a >= 0 && b >= 0 && c >= 0 && a + b + c <= 1.0 + 1e-12, CLOUT_ERR_INVALID,
               "R-MAT probabilities need a, b, c >= 0 and a + b + c <= 1 (got %g, %g, %g)", a, b, c);
    ALLOC_TRY(key, edges, uint64_t);
    double ab = a + b, abc = a + b + c;
    /* edge i at level l takes quadrant from the draw keyed (seed, i, l): the same edges for any
     * thread count */
    #pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < edges; i++) {
        uint64_t s = 0, d = 0;
        for (int l = 0; l < scale; l++) {
            double r = clout_rng_uniform(seed, clout_i_stream_rmat_edge((uint64_t)i), (uint64_t)l);
            int sb = r >= ab, db = (r >= a && r < ab) || r >= abc;
            s = (s << 1) | (uint64_t)sb;
            d = (d << 1) | (uint64_t)db;
        }
        key[i] = (s << scale) | d;
    }
    ASSERT_MSG(clout_i_sort_u64(key, edges) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory sorting %lld edges",
               (long long)edges);
    uint64_t mask = (UINT64_C(1) << scale) - 1;
    int64_t m = 0;
    for (int64_t i = 0; i < edges; i++) {
        if (i > 0 && key[i] == key[i - 1]) continue;
        if ((key[i] >> scale) == (key[i] & mask)) continue;
        key[m++] = key[i];
    }
    e.n = INT64_C(1) << scale;
    e.m = m;
    ALLOC_TRY(e.src, m, int64_t);
    ALLOC_TRY(e.dst, m, int64_t);
    #pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < m; i++) {
        e.src[i] = (int64_t)(key[i] >> scale);
        e.dst[i] = (int64_t)(key[i] & mask);
    }
    FREE_PTR(key);
    *out = e;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (have_vec) igraph_vector_int_destroy(&el);                                     \
        clout_edges_free(&e);                                                             \
    } while (0)

static int from_igraph(igraph_t *g, clout_edges *out, char msg[CLOUT_MSG_LEN])
{
    igraph_vector_int_t el;
    bool have_vec = false;
    clout_edges e = {0};
    IG_TRY(igraph_vector_int_init(&el, 0));
    have_vec = true;
    IG_TRY(igraph_get_edgelist(g, &el, 0));
    e.n = igraph_vcount(g);
    e.m = igraph_ecount(g);
    ALLOC_TRY(e.src, e.m, int64_t);
    ALLOC_TRY(e.dst, e.m, int64_t);
    for (int64_t i = 0; i < e.m; i++) {
        e.src[i] = VECTOR(el)[2 * i];
        e.dst[i] = VECTOR(el)[2 * i + 1];
    }
    igraph_vector_int_destroy(&el);
    *out = e;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (have_graph) igraph_destroy(&ig);                                              \
    } while (0)

static int generate_ba(clout_edges *out, int64_t n, int64_t m, bool directed, uint64_t seed,
                      char msg[CLOUT_MSG_LEN])
{
    igraph_t ig;
    bool have_graph = false;
    ASSERT_MSG(n >= 2 && n <= (INT64_C(1) << 31), CLOUT_ERR_INVALID, "the number of nodes must be between 2 and 2^31");
    ASSERT_MSG(m >= 1 && m < n, CLOUT_ERR_INVALID, "the ties per new node must be between 1 and the number of nodes - 1");
    /* igraph's generator is sequential and seeded: the same graph for any thread count */
    IG_TRY(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed));
    IG_TRY(igraph_barabasi_game(&ig, (igraph_integer_t)n, 1.0, (igraph_integer_t)m, NULL, false, 1.0,
                                directed, IGRAPH_BARABASI_PSUMTREE, NULL));
    have_graph = true;
    TRY(from_igraph(&ig, out, msg));
    igraph_destroy(&ig);
    return CLOUT_OK;
}

static int generate_er(clout_edges *out, int64_t n, int64_t m, bool directed, uint64_t seed,
                      char msg[CLOUT_MSG_LEN])
{
    igraph_t ig;
    bool have_graph = false;
    ASSERT_MSG(n >= 1 && n <= (INT64_C(1) << 31), CLOUT_ERR_INVALID, "the number of nodes must be between 1 and 2^31");
    double maxm = directed ? (double)n * (double)(n - 1) : (double)n * (double)(n - 1) / 2;
    ASSERT_MSG(m >= 0 && (double)m <= maxm, CLOUT_ERR_INVALID, "the number of edges must be between 0 and %.0f", maxm);
    IG_TRY(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed));
    IG_TRY(igraph_erdos_renyi_game_gnm(&ig, (igraph_integer_t)n, (igraph_integer_t)m, directed, false));
    have_graph = true;
    TRY(from_igraph(&ig, out, msg));
    igraph_destroy(&ig);
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_builder_free(&b);                                                           \
    } while (0)

int clout_graph_from_edges(clout_graph **G, const clout_edges *e, bool directed, char msg[CLOUT_MSG_LEN])
{
    clout_builder *b = NULL;
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.undirected = !directed;
    TRY(clout_builder_new(&b, &o, msg));
    /* users are named by their generator index, in index order */
    for (int64_t v = 0; v < e->n; v++) {
        char name[24];
        int len = snprintf(name, sizeof name, "%lld", (long long)v);
        int64_t k = clout_idmap_intern(clout_i_builder_users(b), name, (size_t)len, msg);
        if (k < 0) {
            FREE_ALL;
            return (int)k;
        }
    }
    TRY(clout_i_builder_add_edge_arrays(b, e->src, e->dst, e->m, msg));
    TRY(clout_builder_finish(&b, G, msg));
    return CLOUT_OK;
}

int clout_generate_ba(clout_edges *out, int64_t n, int64_t m, bool directed, uint64_t seed, char msg[CLOUT_MSG_LEN])
{
    clout_i_igraph_lock();
    int s = generate_ba(out, n, m, directed, seed, msg);
    clout_i_igraph_unlock();
    return s;
}

int clout_generate_er(clout_edges *out, int64_t n, int64_t m, bool directed, uint64_t seed, char msg[CLOUT_MSG_LEN])
{
    clout_i_igraph_lock();
    int s = generate_er(out, n, m, directed, seed, msg);
    clout_i_igraph_unlock();
    return s;
}
