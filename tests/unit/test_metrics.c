/* test_metrics.c: key-user metrics against igraph as the oracle, on every bundled graph:
 * PageRank (PRPACK), BFS layers (reach, depth, mean hops), coreness; conversions on a hand-made
 * log where every exposure and conversion is known by construction. The relabelled transpose
 * PageRank runs on is checked against a brute-force transpose (whole and cut into blocks of
 * rows), and PageRank against itself
 * across thread counts. */
#include "check.h"
#include "diffusion_internal.h"
#include "metrics_internal.h"
#include <igraph.h>
#include <omp.h>
#include <unistd.h>

static char msg[CLOUT_MSG_LEN];
static const char *root;

typedef struct {
    const char *name, *file;
    bool undirected, header;
    int sample; /* users checked by BFS; 0: all */
} dataset;

static clout_graph *load(const dataset *d)
{
    return check_load_edges(root, d->file, d->undirected, d->header);
}

/* igraph copy of S: directed, one edge per entry, weights = S's values */
static void to_igraph(const clout_graph *G, igraph_t *g, igraph_vector_t *w)
{
    GrB_Index nv;
    GrB_Matrix_nvals(&nv, G->S);
    GrB_Index *I = malloc(nv * sizeof(GrB_Index) + 8), *J = malloc(nv * sizeof(GrB_Index) + 8);
    double *X = malloc(nv * sizeof(double) + 8);
    GrB_Matrix_extractTuples_FP64(I, J, X, &nv, G->S);
    igraph_vector_int_t el;
    igraph_vector_int_init(&el, (igraph_integer_t)(2 * nv));
    igraph_vector_init(w, (igraph_integer_t)nv);
    for (GrB_Index k = 0; k < nv; k++) {
        VECTOR(el)[2 * k] = (igraph_integer_t)I[k];
        VECTOR(el)[2 * k + 1] = (igraph_integer_t)J[k];
        VECTOR(*w)[k] = X[k];
    }
    igraph_create(g, &el, (igraph_integer_t)clout_graph_users(G), IGRAPH_DIRECTED);
    igraph_vector_int_destroy(&el);
    free(I);
    free(J);
    free(X);
}

static void check_pagerank(const dataset *d, clout_graph *G, igraph_t *g, igraph_vector_t *w)
{
    int64_t n = clout_graph_users(G);
    double *pr = NULL;
    int it = 0;
    /* weighted, uniform teleport */
    CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, NULL, &pr, &it, NULL, msg) == 0, "%s: %s", d->name, msg);
    igraph_vector_t ref;
    igraph_vector_init(&ref, 0);
    igraph_real_t value;
    CHECK(igraph_pagerank(g, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, &value, igraph_vss_all(), true, 0.85, w, NULL) == 0,
          "igraph pagerank");
    /* tolerance 1e-6 max abs (the bound); ours iterates to an L1 change of 1e-12 */
    double md = 0;
    for (int64_t i = 0; pr && i < n; i++) md = fmax(md, fabs(pr[i] - VECTOR(ref)[i]));
    CHECK(md < 1e-6, "%s: weighted PageRank differs from PRPACK by %.3g", d->name, md);
    free(pr);
    /* unweighted: every weight 1 */
    igraph_vector_t ones;
    igraph_vector_init(&ones, igraph_vector_size(w));
    igraph_vector_fill(&ones, 1.0);
    igraph_pagerank(g, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, &value, igraph_vss_all(), true, 0.85, &ones, NULL);
    GrB_Matrix keep = G->S, U = NULL;
    GrB_Index nn = (GrB_Index)n;
    GrB_Matrix_new(&U, GrB_FP32, nn, nn);
    GrB_Matrix_apply_BinaryOp2nd_FP32(U, NULL, NULL, GrB_SECOND_FP32, keep, 1.0f, NULL);
    G->S = U;
    clout_graph_drop_cache(G);
    CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, NULL, &pr, &it, NULL, msg) == 0, "%s: %s", d->name, msg);
    md = 0;
    for (int64_t i = 0; pr && i < n; i++) md = fmax(md, fabs(pr[i] - VECTOR(ref)[i]));
    CHECK(md < 1e-6, "%s: unweighted PageRank differs from PRPACK by %.3g", d->name, md);
    free(pr);
    /* every weight 2.5, stored iso-valued: PageRank only sees relative weights */
    GrB_Matrix_apply_BinaryOp2nd_FP32(U, NULL, NULL, GrB_SECOND_FP32, keep, 2.5f, NULL);
    clout_graph_drop_cache(G);
    CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, NULL, &pr, &it, NULL, msg) == 0, "%s: %s", d->name, msg);
    md = 0;
    for (int64_t i = 0; pr && i < n; i++) md = fmax(md, fabs(pr[i] - VECTOR(ref)[i]));
    CHECK(md < 1e-6, "%s: PageRank with uniform weights 2.5 differs from PRPACK by %.3g", d->name, md);
    free(pr);
    /* personalized: teleport to the first 10 users, weights 1..10 */
    double *pers = calloc((size_t)n, sizeof(double));
    igraph_vector_t reset;
    igraph_vector_init(&reset, n);
    for (int64_t i = 0; i < n && i < 10; i++) pers[i] = VECTOR(reset)[i] = (double)(i + 1);
    igraph_personalized_pagerank(g, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, &value, igraph_vss_all(), true, 0.85, &reset,
                                 &ones, NULL);
    CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, pers, &pr, &it, NULL, msg) == 0, "%s: %s", d->name, msg);
    md = 0;
    for (int64_t i = 0; pr && i < n; i++) md = fmax(md, fabs(pr[i] - VECTOR(ref)[i]));
    CHECK(md < 1e-6, "%s: personalized PageRank differs from PRPACK by %.3g", d->name, md);
    free(pr);
    free(pers);
    G->S = keep;
    GrB_free(&U);
    clout_graph_drop_cache(G);
    igraph_vector_destroy(&reset);
    igraph_vector_destroy(&ones);
    igraph_vector_destroy(&ref);
}

/* clout_i_csr_transpose against a brute-force transpose on random graphs (sizes that take the
 * one-thread and the bucketed parallel paths), relabelled or not, with and without values; the
 * result must not depend on the thread count */
typedef struct {
    uint64_t src;
    double w;
} tie_in;
static int cmp_tie(const void *a, const void *b)
{
    const tie_in *x = a, *y = b;
    return x->src < y->src ? -1 : x->src > y->src;
}
static void check_transpose(void)
{
    static const int64_t sizes[] = {1, 7, 300, 70000};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        int64_t n = sizes[si];
        uint64_t *ptr = malloc((size_t)(n + 1) * sizeof(uint64_t));
        ptr[0] = 0;
        for (int64_t u = 0; u < n; u++) ptr[u + 1] = ptr[u] + clout_rng_bounded(3, 1, (uint64_t)u, 12);
        uint64_t m = ptr[n];
        uint64_t *idx = malloc((m + 1) * sizeof(uint64_t));
        float *val = malloc((m + 1) * sizeof(float));
        for (int64_t u = 0; u < n; u++)
            for (uint64_t k = ptr[u]; k < ptr[u + 1]; k++) {
                /* hubs: a third of the ties go to the first few users */
                uint64_t r = clout_rng_u64(3, 2, k);
                idx[k] = r % 3 == 0 ? r % (uint64_t)(n < 5 ? n : 5) : r % (uint64_t)n;
                val[k] = (float)(1 + k % 17) / 4.0f;
            }
        uint32_t *ord = malloc((size_t)n * sizeof(uint32_t)), *newid = malloc((size_t)n * sizeof(uint32_t));
        for (int64_t i = 0; i < n; i++) ord[i] = (uint32_t)i;
        for (int64_t i = n - 1; i > 0; i--) { /* a random relabelling */
            int64_t j = (int64_t)clout_rng_bounded(3, 3, (uint64_t)i, (uint64_t)i + 1);
            uint32_t x = ord[i];
            ord[i] = ord[j];
            ord[j] = x;
        }
        for (int64_t i = 0; i < n; i++) newid[ord[i]] = (uint32_t)i;
        for (int relabel = 0; relabel < 2; relabel++)
            for (int wv = 0; wv < 2; wv++) {
                /* brute force: row newid[v] collects (newid[u], w) and is sorted by source */
                uint64_t *bp = calloc((size_t)n + 1, sizeof(uint64_t));
                tie_in *bt = malloc((m + 1) * sizeof(tie_in));
                for (uint64_t k = 0; k < m; k++) bp[(relabel ? newid[idx[k]] : idx[k]) + 1]++;
                for (int64_t r = 0; r < n; r++) bp[r + 1] += bp[r];
                uint64_t *fill = malloc(((size_t)n + 1) * sizeof(uint64_t));
                memcpy(fill, bp, ((size_t)n + 1) * sizeof(uint64_t));
                for (int64_t u = 0; u < n; u++)
                    for (uint64_t k = ptr[u]; k < ptr[u + 1]; k++) {
                        uint64_t r = relabel ? newid[idx[k]] : idx[k];
                        bt[fill[r]].src = relabel ? newid[u] : (uint64_t)u;
                        bt[fill[r]++].w = wv ? (double)val[k] : 1.0;
                    }
                for (int64_t r = 0; r < n; r++) qsort(bt + bp[r], bp[r + 1] - bp[r], sizeof(tie_in), cmp_tie);
                for (int threads = 1; threads <= 2; threads++) {
                    clout_set_threads(threads, msg);
                    uint64_t *tp = NULL, *ti = NULL;
                    for (int wide = 0; wide < 2; wide++) {
                        void *tv = NULL;
                        int s = clout_i_csr_transpose(n, ptr, idx, wv ? val : NULL, relabel ? ord : NULL,
                                                      relabel ? newid : NULL, &tp, &ti, &tv, wide, msg);
                        CHECK(s == 0, "transpose n=%lld: %s", (long long)n, msg);
                        if (s != 0) continue;
                        int bad = memcmp(tp, bp, ((size_t)n + 1) * sizeof(uint64_t)) != 0;
                        for (uint64_t k = 0; !bad && k < m; k++)
                            bad = ti[k] != bt[k].src ||
                                  (wide ? ((double *)tv)[k] : (double)((float *)tv)[k]) != bt[k].w;
                        CHECK(!bad, "transpose n=%lld relabel=%d values=%d wide=%d threads=%d differs from brute force",
                              (long long)n, relabel, wv, wide, threads);
                        free(tp);
                        free(ti);
                        free(tv);
                    }
                    /* cut into blocks of rows: each block the same rows of the brute force */
                    for (int maxblk = 3; maxblk <= 16; maxblk += 13) {
                        int nblk = 0;
                        int64_t lo[17];
                        uint64_t *bptr[16], *bidx[16];
                        void *bval[16];
                        int s = clout_i_csr_transpose_split(n, ptr, idx, wv ? val : NULL, relabel ? ord : NULL,
                                                            relabel ? newid : NULL, maxblk, &nblk, lo, bptr, bidx,
                                                            bval, true, msg);
                        CHECK(s == 0, "split transpose n=%lld: %s", (long long)n, msg);
                        if (s != 0) continue;
                        int bad = nblk < 1 || nblk > maxblk || lo[0] != 0 || lo[nblk] != n ||
                                  (n >= 70000 && nblk != maxblk);
                        for (int b = 0; b < nblk; b++) {
                            uint64_t e0 = bp[lo[b]];
                            bad |= lo[b + 1] < lo[b];
                            for (int64_t r = lo[b]; !bad && r <= lo[b + 1]; r++) bad = bptr[b][r - lo[b]] + e0 != bp[r];
                            for (uint64_t e = 0; !bad && e < bp[lo[b + 1]] - e0; e++)
                                bad = bidx[b][e] != bt[e0 + e].src || ((double *)bval[b])[e] != bt[e0 + e].w;
                            free(bptr[b]);
                            free(bidx[b]);
                            free(bval[b]);
                        }
                        CHECK(!bad, "transpose n=%lld relabel=%d values=%d threads=%d in %d blocks (of %d) differs from brute force",
                              (long long)n, relabel, wv, threads, nblk, maxblk);
                    }
                }
                free(bp);
                free(bt);
                free(fill);
            }
        free(ptr);
        free(idx);
        free(val);
        free(ord);
        free(newid);
    }
}

/* clout_i_csr_relabel_split on symmetric matrices (rows short and long, with and without
 * values) against clout_i_csr_transpose_split of the same matrix and order, which it must equal
 * entry for entry, for 1 and 2 threads and two block limits */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}
static void check_relabel(void)
{
    static const int64_t sizes[] = {1, 40, 5000, 70000};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        int64_t n = sizes[si];
        /* a symmetric pattern: pairs (u, v), u < v, from hubs and random ties, kept once */
        int64_t cap = 8 * n + 64, m = 0;
        int64_t *a = malloc((size_t)cap * sizeof(int64_t)), *b = malloc((size_t)cap * sizeof(int64_t));
        for (int64_t k = 0; k < 4 * n && n > 1; k++) {
            uint64_t r = clout_rng_u64(4, 1, (uint64_t)k);
            int64_t u = (int64_t)(r % (uint64_t)n), v = (int64_t)((r >> 32) % (uint64_t)n);
            if (k % 3 == 0) v = (int64_t)((r >> 20) % 7 % (uint64_t)n); /* hubs: rows longer than 32 */
            if (u == v) continue;
            a[m] = u < v ? u : v;
            b[m++] = u < v ? v : u;
        }
        /* both directions, then CSR with duplicates dropped (brute force by row sort) */
        uint64_t *deg = calloc((size_t)n + 1, sizeof(uint64_t));
        for (int64_t k = 0; k < m; k++) deg[a[k] + 1]++, deg[b[k] + 1]++;
        for (int64_t u = 0; u < n; u++) deg[u + 1] += deg[u];
        uint64_t *raw = malloc((2 * (size_t)m + 1) * sizeof(uint64_t));
        uint64_t *fill = malloc(((size_t)n + 1) * sizeof(uint64_t));
        memcpy(fill, deg, ((size_t)n + 1) * sizeof(uint64_t));
        for (int64_t k = 0; k < m; k++) raw[fill[a[k]]++] = (uint64_t)b[k], raw[fill[b[k]]++] = (uint64_t)a[k];
        uint64_t *ptr = calloc((size_t)n + 1, sizeof(uint64_t)), *idx = malloc((2 * (size_t)m + 1) * sizeof(uint64_t));
        float *val = malloc((2 * (size_t)m + 1) * sizeof(float));
        for (int64_t u = 0; u < n; u++) {
            qsort(raw + deg[u], deg[u + 1] - deg[u], sizeof(uint64_t), cmp_u64);
            ptr[u + 1] = ptr[u];
            for (uint64_t k = deg[u]; k < deg[u + 1]; k++)
                if (k == deg[u] || raw[k] != raw[k - 1]) {
                    uint64_t v = raw[k], lo = (uint64_t)u < v ? (uint64_t)u : v, hi = (uint64_t)u < v ? v : (uint64_t)u;
                    idx[ptr[u + 1]] = v;
                    val[ptr[u + 1]++] = (float)(1 + (lo * 31 + hi) % 23) / 8.0f; /* one value both ways */
                }
        }
        uint32_t *ord = malloc((size_t)n * sizeof(uint32_t)), *newid = malloc((size_t)n * sizeof(uint32_t));
        CHECK(clout_i_degree_order(n, ptr, true, ord, newid) == 0, "degree order");
        int64_t maxrow = 0;
        for (int64_t u = 0; u < n; u++)
            if ((int64_t)(ptr[u + 1] - ptr[u]) > maxrow) maxrow = (int64_t)(ptr[u + 1] - ptr[u]);
        CHECK(n < 5000 || maxrow > 32, "n=%lld: no row longer than 32 (%lld)", (long long)n, (long long)maxrow);
        for (int threads = 1; threads <= 2; threads++)
            for (int wv = 0; wv < 2; wv++)
                for (int maxblk = 3; maxblk <= 16; maxblk += 13)
                    for (int wide = 0; wide < 2; wide++) {
                        clout_set_threads(threads, msg);
                        int n1 = 0, n2 = 0;
                        int64_t lo1[17], lo2[17];
                        uint64_t *p1[16], *i1[16], *p2[16], *i2[16];
                        void *v1[16], *v2[16];
                        int s1 = clout_i_csr_transpose_split(n, ptr, idx, wv ? val : NULL, ord, newid, maxblk, &n1, lo1,
                                                             p1, i1, v1, wide, msg);
                        int s2 = clout_i_csr_relabel_split(n, ptr, idx, wv ? val : NULL, ord, newid, maxblk, &n2, lo2,
                                                           p2, i2, v2, wide, msg);
                        CHECK(s1 == 0 && s2 == 0, "relabel n=%lld: %s", (long long)n, msg);
                        if (s1 || s2) continue;
                        int bad = n1 != n2 || memcmp(lo1, lo2, (size_t)(n1 + 1) * sizeof(int64_t)) != 0;
                        size_t vsz = wide ? sizeof(double) : sizeof(float);
                        for (int k = 0; !bad && k < n1; k++) {
                            uint64_t rows = (uint64_t)(lo1[k + 1] - lo1[k]), ne = p1[k][rows];
                            bad = memcmp(p1[k], p2[k], (rows + 1) * sizeof(uint64_t)) != 0 ||
                                  memcmp(i1[k], i2[k], ne * sizeof(uint64_t)) != 0 ||
                                  memcmp(v1[k], v2[k], ne * vsz) != 0;
                        }
                        CHECK(!bad, "relabel n=%lld values=%d wide=%d threads=%d blocks<=%d differs from the transpose",
                              (long long)n, wv, wide, threads, maxblk);
                        for (int k = 0; k < n1; k++) free(p1[k]), free(i1[k]), free(v1[k]);
                        for (int k = 0; k < n2; k++) free(p2[k]), free(i2[k]), free(v2[k]);
                    }
        free(a);
        free(b);
        free(deg);
        free(raw);
        free(fill);
        free(ptr);
        free(idx);
        free(val);
        free(ord);
        free(newid);
    }
}

/* PageRank's block sweeps on shapes that stress them (a long cycle and chain, in- and out-stars,
 * a bipartite back-and-forth), over several blocks and dampings, against PRPACK */
static void check_pagerank_shapes(void)
{
    enum { N = 9000 };
    static const char *names[] = {"cycle", "chain", "in-star", "out-star", "bipartite"};
    static const double damp[] = {0.5, 0.85, 0.99};
    for (int kind = 0; kind < 5; kind++) {
        clout_edges e = {.n = N, .m = 0, .src = malloc(N * sizeof(int64_t)), .dst = malloc(N * sizeof(int64_t))};
        for (int64_t i = 0; i < N; i++) {
            int64_t a = i, b;
            switch (kind) {
            case 0: b = (i + 1) % N; break;
            case 1: b = i + 1; break;
            case 2: a = i, b = 0; break;
            case 3: a = 0, b = i; break;
            default: b = i < N / 2 ? N / 2 + (i * 7) % (N / 2) : (i * 13) % (N / 2); break;
            }
            if (a == b || b >= N) continue;
            e.src[e.m] = a;
            e.dst[e.m++] = b;
        }
        clout_graph *G = NULL;
        CHECK(clout_graph_from_edges(&G, &e, true, msg) == 0, "%s: %s", names[kind], msg);
        clout_edges_free(&e);
        if (!G) continue;
        igraph_t g;
        igraph_vector_t w;
        to_igraph(G, &g, &w);
        for (int k = 0; k < 3; k++) {
            double *pr = NULL;
            int it = 0;
            igraph_vector_t ref;
            igraph_real_t value;
            igraph_vector_init(&ref, 0);
            CHECK(owned_pagerank(G, damp[k], 1e-12, 10000, NULL, &pr, &it, NULL, msg) == 0, "%s: %s", names[kind], msg);
            igraph_pagerank(&g, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, &value, igraph_vss_all(), true, damp[k], NULL, NULL);
            double err = 0;
            for (int64_t i = 0; pr && i < N; i++) err = fmax(err, fabs(pr[i] - VECTOR(ref)[i]));
            CHECK(pr && err < 1e-9, "%s, damping %g: PageRank %.3g from PRPACK", names[kind], damp[k], err);
            free(pr);
            igraph_vector_destroy(&ref);
        }
        igraph_vector_destroy(&w);
        igraph_destroy(&g);
        clout_graph_free(&G);
    }
}

/* Out- and in-degrees against igraph's, on one thread, on two (each its own counts) and on two
 * adding into one array (the path for graphs whose per-thread counts would not fit) */
static void check_degrees(const dataset *d, clout_graph *G, const igraph_t *g)
{
    int64_t n = clout_graph_users(G);
    igraph_vector_int_t din, dout;
    igraph_vector_int_init(&din, 0);
    igraph_vector_int_init(&dout, 0);
    igraph_degree(g, &din, igraph_vss_all(), IGRAPH_IN, true);
    igraph_degree(g, &dout, igraph_vss_all(), IGRAPH_OUT, true);
    double keep = clout_i_degree_count_bytes;
    for (int way = 0; way < 3; way++) {
        clout_set_threads(way == 0 ? 1 : 2, msg);
        if (way == 2) clout_i_degree_count_bytes = 0;
        FREE_GRB(G->out_degree);
        FREE_GRB(G->in_degree);
        CHECK(clout_graph_cache_degrees(G, msg) == 0, "%s", msg);
        int64_t *o = calloc((size_t)n, sizeof(int64_t)), *i = calloc((size_t)n, sizeof(int64_t));
        for (int64_t v = 0; o && i && v < n; v++) {
            GrB_Vector_extractElement_INT64(&o[v], G->out_degree, (GrB_Index)v);
            GrB_Vector_extractElement_INT64(&i[v], G->in_degree, (GrB_Index)v);
        }
        int bad = 0;
        for (int64_t v = 0; o && i && v < n; v++) bad += o[v] != VECTOR(dout)[v] || i[v] != VECTOR(din)[v];
        CHECK(bad == 0, "%s, way %d: %d users' degrees differ from igraph's", d->name, way, bad);
        free(o);
        free(i);
        clout_i_degree_count_bytes = keep;
    }
    clout_set_threads(2, msg);
    igraph_vector_int_destroy(&din);
    igraph_vector_int_destroy(&dout);
}

/* PageRank gives the same bits with one thread and with two */
static void check_pagerank_threads(const dataset *d, clout_graph *G)
{
    double *a = NULL, *b = NULL;
    int ia = 0, ib = 0;
    clout_set_threads(1, msg);
    CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, NULL, &a, &ia, NULL, msg) == 0, "%s: %s", d->name, msg);
    clout_set_threads(2, msg);
    CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, NULL, &b, &ib, NULL, msg) == 0, "%s: %s", d->name, msg);
    int64_t n = clout_graph_users(G);
    CHECK(a && b && ia == ib && memcmp(a, b, (size_t)n * sizeof(double)) == 0,
          "%s: PageRank differs between 1 and 2 threads", d->name);
    free(a);
    free(b);
}

/* PageRank's layout kept in a snapshot (G saved with it, loaded asking for it): the same bits
 * as the transpose built in place, at 1 and 2 threads, uniform and personalized; a load that
 * does not ask leaves it in the file, and saving that graph again keeps it */
static void check_pagerank_layout(const dataset *d, clout_graph *G)
{
    char path[] = "/tmp/clout-layout-XXXXXX.clout";
    int fd = mkstemps(path, 6);
    close(fd);
    int64_t n = clout_graph_users(G);
    double *want[2] = {NULL, NULL}, *p = malloc((size_t)n * sizeof(double));
    int iw[2] = {0, 0};
    for (int64_t i = 0; i < n; i++) p[i] = (double)(i % 7);
    for (int k = 0; k < 2; k++)
        CHECK(owned_pagerank(G, 0.85, 1e-12, 10000, k ? p : NULL, &want[k], &iw[k], NULL, msg) == 0, "%s: %s",
              d->name, msg);
    G->keep_pagerank_layout = true;
    CHECK(clout_snapshot_save(G, path, msg) == 0, "%s: %s", d->name, msg);
    G->keep_pagerank_layout = false;
    for (int round = 0; round < 2; round++) {
        clout_graph *H = NULL, *K = NULL;
        CHECK(clout_snapshot_load_parts(&H, path, CLOUT_LOAD_PAGERANK, msg) == 0, "%s: %s", d->name, msg);
        if (H == NULL) break;
        CHECK(H->pagerank_nblocks > 0 && H->keep_pagerank_layout, "%s: no layout loaded", d->name);
        for (int t = 1; t <= 2; t++)
            for (int k = 0; k < 2; k++) {
                double *got = NULL, prep = -1;
                int it = 0;
                clout_set_threads(t, msg);
                CHECK(owned_pagerank(H, 0.85, 1e-12, 10000, k ? p : NULL, &got, &it, &prep, msg) == 0, "%s: %s",
                      d->name, msg);
                CHECK(got && want[k] && it == iw[k] && memcmp(got, want[k], (size_t)n * sizeof(double)) == 0,
                      "%s: PageRank on the kept layout differs (%s, %d threads, round %d)", d->name,
                      k ? "personalized" : "uniform", t, round);
                CHECK(prep >= 0 && H->pagerank_load_seconds > 0, "%s: timings", d->name);
                free(got);
            }
        /* not asked for: left in the file; saved again: still there (round 1 loads that copy) */
        CHECK(clout_snapshot_load(&K, path, msg) == 0, "%s: %s", d->name, msg);
        CHECK(K && K->pagerank_nblocks == 0 && K->keep_pagerank_layout, "%s: layout loaded unasked", d->name);
        if (K) CHECK(clout_snapshot_save(K, path, msg) == 0, "%s: %s", d->name, msg);
        clout_graph_free(&K);
        clout_graph_free(&H);
    }
    clout_set_threads(2, msg);
    unlink(path);
    free(p);
    free(want[0]);
    free(want[1]);
}

typedef struct {
    int64_t *s, *u;
    int *h;
    int64_t n, cap;
} hits;

static void collect(void *ctx, int64_t s, int hop, int64_t user)
{
    hits *x = ctx;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->s = realloc(x->s, (size_t)x->cap * sizeof(int64_t));
        x->u = realloc(x->u, (size_t)x->cap * sizeof(int64_t));
        x->h = realloc(x->h, (size_t)x->cap * sizeof(int));
    }
    x->s[x->n] = s, x->u[x->n] = user, x->h[x->n] = hop, x->n++;
}

static int cmp_int(const void *a, const void *b)
{
    igraph_integer_t x = *(const igraph_integer_t *)a, y = *(const igraph_integer_t *)b;
    return x < y ? -1 : x > y;
}

static void check_bfs(const dataset *d, clout_graph *G, const igraph_t *g)
{
    int64_t n = clout_graph_users(G);
    int64_t ns = d->sample && d->sample < n ? d->sample : n;
    int H = 40;
    int64_t *src = malloc((size_t)ns * sizeof(int64_t));
    for (int64_t k = 0; k < ns; k++)
        src[k] = ns == n ? k : (int64_t)clout_rng_bounded(11, 0, (uint64_t)k, (uint64_t)n);
    int64_t *newc = malloc((size_t)ns * (H + 1) * sizeof(int64_t));
    CHECK(clout_reach(G, src, ns, H, newc, msg) == 0, "%s: %s", d->name, msg);
    /* the listed users, hop by hop, are igraph's BFS layers (first 3 hops of 50 sources) */
    int64_t nl_src = ns < 50 ? ns : 50;
    hits x = {0};
    int64_t *newc2 = malloc((size_t)nl_src * 4 * sizeof(int64_t));
    CHECK(clout_reach_list(G, src, nl_src, 3, newc2, collect, &x, msg) == 0, "%s", msg);
    igraph_vector_int_t order, layers;
    igraph_vector_int_init(&order, 0);
    igraph_vector_int_init(&layers, 0);
    int bad = 0;
    for (int64_t k = 0; k < ns; k++) {
        igraph_bfs_simple(g, (igraph_integer_t)src[k], IGRAPH_OUT, &order, &layers, NULL);
        /* layers[h]..layers[h+1] are the vertices at distance h */
        int64_t nl = igraph_vector_int_size(&layers) - 1;
        for (int h = 1; h <= H; h++) {
            int64_t want = h < nl ? VECTOR(layers)[h + 1] - VECTOR(layers)[h] : 0;
            if (newc[k * (H + 1) + h] != want) {
                if (bad++ < 5)
                    fprintf(stderr, "%s: source %lld hop %d: clout %lld, igraph %lld\n", d->name, (long long)src[k], h,
                            (long long)newc[k * (H + 1) + h], (long long)want);
            }
        }
        if (nl - 1 > H) bad++; /* deeper than the check covers: widen H */
        if (k < nl_src) {
            for (int h = 1; h <= 3 && h < nl; h++) {
                igraph_integer_t lo = VECTOR(layers)[h], hi = VECTOR(layers)[h + 1];
                qsort(&VECTOR(order)[lo], (size_t)(hi - lo), sizeof(igraph_integer_t), cmp_int);
                int64_t at = 0;
                for (int64_t q = 0; q < x.n; q++)
                    if (x.s[q] == k && x.h[q] == h) {
                        if (lo + at >= hi || VECTOR(order)[lo + at] != x.u[q]) bad++;
                        at++;
                    }
                if (at != hi - lo) bad++;
            }
        }
    }
    free(x.s);
    free(x.u);
    free(x.h);
    free(newc2);
    CHECK(bad == 0, "%s: %d BFS layer counts differ from igraph_bfs_simple over %lld sources", d->name, bad,
          (long long)ns);
    /* stopped at 1 to 4 hops (the last hop, when it is a product, only counts): the same counts
     * as the first hops of the 40-hop run just checked against igraph, at 1 and 2 threads */
    int short_bad = 0;
    int64_t *newh = malloc((size_t)ns * 5 * sizeof(int64_t));
    for (int h = 1; h <= 4; h++)
        for (int t = 1; t <= 2; t++) {
            clout_set_threads(t, msg);
            CHECK(clout_reach(G, src, ns, h, newh, msg) == 0, "%s: %s", d->name, msg);
            for (int64_t k = 0; k < ns; k++)
                for (int q = 1; q <= h; q++) short_bad += newh[k * (h + 1) + q] != newc[k * (H + 1) + q];
        }
    clout_set_threads(2, msg);
    free(newh);
    CHECK(short_bad == 0, "%s: %d counts of reach stopped at 1-4 hops differ from the whole search", d->name,
          short_bad);
    igraph_vector_int_destroy(&order);
    igraph_vector_int_destroy(&layers);
    free(src);
    free(newc);
}

static void check_core(const dataset *d, clout_graph *G, const igraph_t *g)
{
    int64_t *core = NULL;
    CHECK(owned_coreness(G, &core, msg) == 0, "%s: %s", d->name, msg);
    igraph_t u;
    igraph_copy(&u, g);
    igraph_to_undirected(&u, IGRAPH_TO_UNDIRECTED_COLLAPSE, NULL);
    igraph_simplify(&u, true, true, NULL);
    igraph_vector_int_t ref;
    igraph_vector_int_init(&ref, 0);
    igraph_coreness(&u, &ref, IGRAPH_ALL);
    int bad = 0;
    for (int64_t i = 0; core && i < clout_graph_users(G); i++) bad += core[i] != VECTOR(ref)[i];
    CHECK(bad == 0, "%s: %d core numbers differ from igraph_coreness", d->name, bad);
    igraph_vector_int_destroy(&ref);
    igraph_destroy(&u);
    free(core);
}

/* a graph of ties e and log l */
static clout_graph *conversion_log(const char *e, const char *l)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    CHECK(clout_builder_new(&b, &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_add_edges_mem(b, "e", e, strlen(e), &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_add_log_mem(b, "l", l, strlen(l), &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_finish(&b, &G, msg) == 0, "%s", msg);
    return G;
}

/* the hand-made log of check_conversion and check_conversion_since_hand */
static const char conv_ties[] = "a b\na c\na d\nb a\n";
static const char conv_rows[] = "user,item,time\na,x,10\nb,x,20\nc,x,5\na,y,100\nd,y,7300\nc,z,\n";

/* A log where every exposure and conversion is known by construction. Ties: a->b, a->c, a->d,
 * b->a. Items: x adopted by a at 10, b at 20, c at 5, d never; y adopted by a at 100 and d at
 * 100 + 7200. For a: item x exposes b (adopts later) and d (never), not c (adopted before a);
 * b converts (20 > 10). Item y exposes b, c, d; d converts at +7200 s. So a: 2 timed adoptions,
 * exposures 2 + 3 = 5, conversions 2 without a window, 1 with a 3600 s window. For b: item x,
 * neighbour a adopted before b: no exposure. */
static void check_conversion(void)
{
    clout_graph *G = conversion_log(conv_ties, conv_rows);
    int64_t *ad, *ex, *cv;
    CHECK(owned_conversion(G, INFINITY, &ad, &ex, &cv, msg) == 0, "%s", msg);
    int64_t a = clout_idmap_find(G->users, "a", 1), bb = clout_idmap_find(G->users, "b", 1),
            c = clout_idmap_find(G->users, "c", 1);
    CHECK(ad[a] == 2 && ex[a] == 5 && cv[a] == 2, "a: adoptions %lld exposures %lld conversions %lld",
          (long long)ad[a], (long long)ex[a], (long long)cv[a]);
    CHECK(ad[bb] == 1 && ex[bb] == 0 && cv[bb] == 0, "b: %lld %lld %lld", (long long)ad[bb], (long long)ex[bb],
          (long long)cv[bb]);
    CHECK(ad[c] == 2 && ex[c] == 0, "c has no out-ties: %lld %lld", (long long)ad[c], (long long)ex[c]);
    free(ad);
    free(ex);
    free(cv);
    CHECK(owned_conversion(G, 3600, &ad, &ex, &cv, msg) == 0, "%s", msg);
    CHECK(ex[a] == 5 && cv[a] == 1, "a with a 1 h window: exposures %lld conversions %lld", (long long)ex[a],
          (long long)cv[a]);
    free(ad);
    free(ex);
    free(cv);
    clout_graph_free(&G);
}

/* what happens after a time S, on the same hand-made log: since 50, a's item x (at 10) still
 * exposes d (b adopted at 20, by S), item y (at 100) exposes b, c and d, and d converts (7300);
 * a's only adoption after 50 is y. With a 3600 s window d's conversion is too late. Since 5000
 * with the window every exposure closed before S (10 + 3600, 100 + 3600); without it x exposes d
 * and y exposes b, c, d, d converting at 7300 > 5000. */
static void check_conversion_since_hand(void)
{
    clout_graph *G = conversion_log(conv_ties, conv_rows);
    int64_t n = clout_graph_users(G);
    int64_t *ad = calloc((size_t)n, sizeof(int64_t)), *ex = calloc((size_t)n, sizeof(int64_t)),
            *cv = calloc((size_t)n, sizeof(int64_t));
    int64_t a = clout_idmap_find(G->users, "a", 1), bb = clout_idmap_find(G->users, "b", 1),
            c = clout_idmap_find(G->users, "c", 1);
    static const struct {
        double since, window;
        int64_t ad, ex, cv;
    } want[] = {{-INFINITY, INFINITY, 2, 5, 2}, {50, INFINITY, 1, 4, 1}, {50, 3600, 1, 4, 0},
                {5000, 3600, 0, 0, 0}, {5000, INFINITY, 0, 4, 1}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        CHECK(clout_conversion_since(G, want[k].window, want[k].since, ad, ex, cv, msg) == 0, "%s", msg);
        CHECK(ad[a] == want[k].ad && ex[a] == want[k].ex && cv[a] == want[k].cv,
              "since %g window %g: a has adoptions %lld exposures %lld conversions %lld, expected %lld %lld %lld",
              want[k].since, want[k].window, (long long)ad[a], (long long)ex[a], (long long)cv[a],
              (long long)want[k].ad, (long long)want[k].ex, (long long)want[k].cv);
        CHECK(ex[bb] == 0 && cv[bb] == 0 && ex[c] == 0, "since %g: b and c expose nobody", want[k].since);
        CHECK(ad[c] == (want[k].since == -INFINITY ? 2 : 0), "since %g: c's adoptions %lld", want[k].since,
              (long long)ad[c]);
    }
    CHECK(clout_conversion_since(G, INFINITY, NAN, ad, ex, cv, msg) == CLOUT_ERR_INVALID, "a NaN time is refused");
    CHECK(clout_conversion_since(G, INFINITY, INFINITY, ad, ex, cv, msg) == CLOUT_ERR_INVALID,
          "since +inf is refused");
    free(ad);
    free(ex);
    free(cv);
    clout_graph_free(&G);
}

/* Random logs (repeated rows: T keeps the first time; untimed rows) on random ties, against a
 * brute force over the rows themselves, and conversions since S against the whole log's minus
 * those of the log up to S (clout_graph_keep_times), for several S and windows, 1 and 2 threads. */
static void check_conversion_since_random(void)
{
    enum { NU = 40, NI = 9, ROWS = 260 };
    int threads = omp_get_max_threads();
    for (uint64_t trial = 0; trial < 6; trial++) {
        static char e[NU * NU * 12], l[ROWS * 32 + 32];
        static bool tie[NU][NU];
        static double first[NU][NI];
        size_t el = 0, ll = (size_t)snprintf(l, sizeof l, "user,item,time\n");
        for (int u = 0; u < NU; u++)
            for (int v = 0; v < NU; v++) {
                tie[u][v] = u != v && clout_rng_bounded(11, trial, (uint64_t)(u * NU + v), 100) < 12;
                if (tie[u][v]) el += (size_t)snprintf(e + el, sizeof e - el, "u%d u%d\n", u, v);
            }
        for (int u = 0; u < NU; u++)
            for (int i = 0; i < NI; i++) first[u][i] = NAN;
        for (int r = 0; r < ROWS; r++) {
            int u = (int)clout_rng_bounded(12, trial, (uint64_t)r * 3, NU);
            int i = (int)clout_rng_bounded(12, trial, (uint64_t)r * 3 + 1, NI);
            int t = (int)clout_rng_bounded(12, trial, (uint64_t)r * 3 + 2, 110);
            if (t >= 100) { /* an untimed row */
                ll += (size_t)snprintf(l + ll, sizeof l - ll, "u%d,i%d,\n", u, i);
                continue;
            }
            ll += (size_t)snprintf(l + ll, sizeof l - ll, "u%d,i%d,%d\n", u, i, t);
            if (isnan(first[u][i]) || t < first[u][i]) first[u][i] = t;
        }
        clout_graph *G = conversion_log(e, l);
        int64_t n = clout_graph_users(G);
        int64_t *ad = calloc((size_t)n, sizeof(int64_t)), *ex = calloc((size_t)n, sizeof(int64_t)),
                *cv = calloc((size_t)n, sizeof(int64_t)), *cw = calloc((size_t)n, sizeof(int64_t)),
                *cp = calloc((size_t)n, sizeof(int64_t));
        static const double since[] = {-INFINITY, -1, 0, 30, 57.5, 99, 150};
        static const double window[] = {INFINITY, 0, 12, 40};
        int bad = 0, badid = 0;
        for (size_t si = 0; si < sizeof since / sizeof since[0]; si++)
            for (size_t wi = 0; wi < sizeof window / sizeof window[0]; wi++) {
                double S = since[si], w = window[wi];
                omp_set_num_threads(1 + (int)((si + wi) % 2));
                CHECK(clout_conversion_since(G, w, S, ad, ex, cv, msg) == 0, "%s", msg);
                for (int u = 0; u < NU; u++) {
                    char name[16];
                    int len = snprintf(name, sizeof name, "u%d", u);
                    int64_t x = clout_idmap_find(G->users, name, (size_t)len);
                    if (x < 0) continue; /* neither a tie nor a row */
                    int64_t bad_ad = 0, bex = 0, bcv = 0;
                    for (int i = 0; i < NI; i++) {
                        double tu = first[u][i];
                        if (isnan(tu)) continue;
                        bad_ad += tu > S;
                        if (tu + w <= S) continue;
                        for (int v = 0; v < NU; v++) {
                            if (!tie[u][v]) continue;
                            double tv = first[v][i];
                            if (!isnan(tv) && (tv < tu || tv <= S)) continue;
                            bex++;
                            bcv += !isnan(tv) && tv > tu && tv - tu <= w;
                        }
                    }
                    bad += ex[x] != bex || cv[x] != bcv || (S != -INFINITY && ad[x] != bad_ad);
                }
                /* the identity: since S = whole - up to S */
                if (S == -INFINITY) continue;
                clout_graph *P = conversion_log(e, l);
                CHECK(clout_graph_keep_times(P, -INFINITY, S, true, msg) == 0, "%s", msg);
                CHECK(clout_conversion(G, w, ad, ex, cw, msg) == 0, "%s", msg);
                CHECK(clout_conversion(P, w, ad, ex, cp, msg) == 0, "%s", msg);
                for (int64_t x = 0; x < n; x++) badid += cv[x] != cw[x] - cp[x];
                clout_graph_free(&P);
            }
        omp_set_num_threads(threads);
        CHECK(bad == 0, "trial %llu: %d users' counts since S differ from the brute force", (unsigned long long)trial,
              bad);
        CHECK(badid == 0, "trial %llu: %d users' conversions since S differ from whole minus up to S",
              (unsigned long long)trial, badid);
        free(ad);
        free(ex);
        free(cv);
        free(cw);
        free(cp);
        clout_graph_free(&G);
    }
}

/* the value of A(i, j) as a double, NaN when absent */
static double entry(GrB_Matrix A, int64_t i, int64_t j)
{
    double x = NAN;
    if (A == NULL || i < 0 || j < 0) return NAN;
    GrB_Info info = GrB_Matrix_extractElement_FP64(&x, A, (GrB_Index)i, (GrB_Index)j);
    return info == GrB_SUCCESS ? x : NAN;
}
static bool same_entry(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }
/* the index in map `to` of the id at index x of map `from` (-1: absent) */
static int64_t same_id(const clout_idmap *from, int64_t x, const clout_idmap *to)
{
    size_t len;
    const char *name = clout_idmap_name(from, x, &len);
    return clout_idmap_find(to, name, len);
}
/* one row `user,item,action,time,weight` (time empty from 100 up: untimed) appended to buf */
static size_t put_row(char *buf, size_t at, size_t size, int u, int i, const char *action, int t, int w)
{
    if (t < 100) return at + (size_t)snprintf(buf + at, size - at, "u%d,i%d,%s,%d,%d\n", u, i, action, t, w);
    return at + (size_t)snprintf(buf + at, size - at, "u%d,i%d,%s,,%d\n", u, i, action, w);
}

/* clout_graph_keep_items against the graph of the kept items' rows alone: random logs of two
 * behaviour types (weights, repeated and untimed rows) on random ties, halves from
 * clout_item_halves; R, T and each type's count and time matrices compared entry by entry by
 * user and item name, and the conversions the two graphs give per user */
static void check_keep_items_random(void)
{
    enum { NU = 30, NI = 11, ROWS = 240 };
    static const char *act[] = {"listen", "tag"};
    for (uint64_t trial = 0; trial < 4; trial++) {
        static char e[NU * NU * 12], l[ROWS * 48 + 64], lk[ROWS * 48 + 64];
        size_t el = 0, ll, lkl;
        for (int u = 0; u < NU; u++)
            for (int v = 0; v < NU; v++)
                if (u != v && clout_rng_bounded(21, trial, (uint64_t)(u * NU + v), 100) < 15)
                    el += (size_t)snprintf(e + el, sizeof e - el, "u%d u%d\n", u, v);
        int ru[ROWS], ri[ROWS], ra[ROWS], rt[ROWS], rw[ROWS];
        for (int r = 0; r < ROWS; r++) {
            ru[r] = (int)clout_rng_bounded(22, trial, (uint64_t)r * 5, NU);
            ri[r] = (int)clout_rng_bounded(22, trial, (uint64_t)r * 5 + 1, NI);
            ra[r] = (int)clout_rng_bounded(22, trial, (uint64_t)r * 5 + 2, 2);
            rt[r] = (int)clout_rng_bounded(22, trial, (uint64_t)r * 5 + 3, 120); /* >= 100: untimed */
            rw[r] = 1 + (int)clout_rng_bounded(22, trial, (uint64_t)r * 5 + 4, 5);
        }
        /* the full log: its item order decides the halves */
        ll = (size_t)snprintf(l, sizeof l, "user,item,action,time,weight\n");
        for (int r = 0; r < ROWS; r++) ll = put_row(l, ll, sizeof l, ru[r], ri[r], act[ra[r]], rt[r], rw[r]);
        clout_graph *G = conversion_log(e, l);
        int64_t ni = clout_graph_items(G), n = clout_graph_users(G);
        uint8_t *half = malloc((size_t)ni);
        CHECK(clout_item_halves(ni, (int64_t)trial, 9, half, msg) == 0, "%s", msg);
        /* the kept rows alone */
        lkl = (size_t)snprintf(lk, sizeof lk, "user,item,action,time,weight\n");
        for (int r = 0; r < ROWS; r++) {
            char name[16];
            int len = snprintf(name, sizeof name, "i%d", ri[r]);
            if (half[clout_idmap_find(G->items, name, (size_t)len)])
                lkl = put_row(lk, lkl, sizeof lk, ru[r], ri[r], act[ra[r]], rt[r], rw[r]);
        }
        clout_graph *P = conversion_log(e, lk);
        CHECK(clout_graph_keep_items(G, half, msg) == 0, "%s", msg);
        CHECK(clout_graph_items(G) == ni && clout_graph_users(G) == n, "keep_items changed the sizes");
        CHECK(G->nactions == 2 && P->nactions == 2, "%d and %d behaviour types", G->nactions, P->nactions);
        int bad = 0;
        int64_t kept = 0;
        for (int64_t x = 0; x < n; x++) {
            int64_t px = same_id(G->users, x, P->users);
            for (int64_t i = 0; i < ni; i++) {
                int64_t pi = same_id(G->items, i, P->items);
                double r = entry(G->R, x, i);
                kept += !isnan(r);
                bad += !same_entry(r, entry(P->R, px, pi)) || !same_entry(entry(G->T, x, i), entry(P->T, px, pi));
                for (int a = 0; a < 2 && G->nactions == 2 && P->nactions == 2; a++) {
                    int pa = strcmp(G->action_names[a], P->action_names[0]) == 0 ? 0 : 1;
                    bad += !same_entry(entry(G->action_count[a], x, i), entry(P->action_count[pa], px, pi)) ||
                           !same_entry(entry(G->action_time[a], x, i), entry(P->action_time[pa], px, pi));
                }
            }
        }
        CHECK(bad == 0, "trial %llu: %d entries differ from the kept rows' graph", (unsigned long long)trial, bad);
        CHECK(kept > 20, "trial %llu: only %lld entries kept", (unsigned long long)trial, (long long)kept);
        /* conversions along the same ties */
        int64_t *ad = calloc((size_t)n, sizeof(int64_t)), *ex = calloc((size_t)n, sizeof(int64_t)),
                *cg = calloc((size_t)n, sizeof(int64_t)), *cp = calloc((size_t)clout_graph_users(P), sizeof(int64_t));
        CHECK(clout_conversion(G, INFINITY, ad, ex, cg, msg) == 0, "%s", msg);
        CHECK(clout_conversion(P, INFINITY, ad, ex, cp, msg) == 0, "%s", msg);
        int badc = 0;
        int64_t total = 0;
        for (int64_t x = 0; x < n; x++) {
            int64_t px = same_id(G->users, x, P->users);
            badc += cg[x] != (px < 0 ? 0 : cp[px]);
            total += cg[x];
        }
        CHECK(badc == 0 && total > 0, "trial %llu: %d users' conversions differ (total %lld)", (unsigned long long)trial,
              badc, (long long)total);
        /* the mask is checked */
        CHECK(clout_graph_keep_items(G, NULL, msg) == CLOUT_ERR_INVALID, "a missing mask accepted");
        free(ad);
        free(ex);
        free(cg);
        free(cp);
        free(half);
        clout_graph_free(&P);
        clout_graph_free(&G);
    }
}

/* a hand-checked PageRank: a 3-cycle plus a dangling user; by symmetry the cycle shares equally
 * and the dangling user, reached from nobody, keeps (1-d)/n plus its share of dangling mass */
static void check_small(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    const char *e = "1 2\n2 3\n3 1\n4 4\n";
    clout_builder_new(&b, &o, msg);
    clout_builder_add_edges_mem(b, "e", e, strlen(e), &o, msg);
    clout_builder_finish(&b, &G, msg);
    double *pr = NULL;
    int it;
    CHECK(owned_pagerank(G, 0.85, 1e-14, 10000, NULL, &pr, &it, NULL, msg) == 0, "%s", msg);
    /* x4 = (1-d)/4 + d*x4/4  =>  x4 = (1-d)/(4-d); the cycle shares the rest */
    double x4 = 0.15 / (4 - 0.85), x1 = (1 - x4) / 3;
    CHECK(pr && fabs(pr[3] - x4) < 1e-12 && fabs(pr[0] - x1) < 1e-12, "small PageRank %.15g %.15g, expected %.15g %.15g",
          pr ? pr[3] : 0, pr ? pr[0] : 0, x4, x1);
    free(pr);
    /* non-convergence is an error */
    CHECK(owned_pagerank(G, 0.85, 1e-14, 2, NULL, &pr, &it, NULL, msg) == CLOUT_ERR_NOT_CONVERGED &&
              strstr(msg, "did not converge in 2 iterations"),
          "non-convergence: %s", msg);
    clout_graph_free(&G);
}

/* Brute-force betweenness and clustering on small random graphs: all-pairs BFS distances and
 * path counts, sigma_sv * sigma_vt / sigma_st summed over pairs whose shortest path runs
 * through v; triangles by checking every neighbour pair. */
static void check_betweenness_clustering(bool directed)
{
    enum { N = 40 };
    clout_edges e = {0};
    CHECK(clout_generate_er(&e, N, directed ? 130 : 70, directed, 5, msg) == 0, "%s", msg);
    clout_graph *G = NULL;
    CHECK(clout_graph_from_edges(&G, &e, directed, msg) == 0, "%s", msg);
    static bool adj[N][N];
    memset(adj, 0, sizeof adj);
    for (int64_t k = 0; k < e.m; k++) {
        adj[e.src[k]][e.dst[k]] = true;
        if (!directed) adj[e.dst[k]][e.src[k]] = true;
    }
    static int dist[N][N];
    static double sig[N][N];
    for (int s = 0; s < N; s++) {
        int q[N], h = 0, t = 0;
        for (int v = 0; v < N; v++) dist[s][v] = -1, sig[s][v] = 0;
        dist[s][s] = 0;
        sig[s][s] = 1;
        q[t++] = s;
        while (h < t) {
            int u = q[h++];
            for (int v = 0; v < N; v++) {
                if (!adj[u][v]) continue;
                if (dist[s][v] < 0) dist[s][v] = dist[s][u] + 1, q[t++] = v;
                if (dist[s][v] == dist[s][u] + 1) sig[s][v] += sig[s][u];
            }
        }
    }
    double *bc = NULL, *cc = NULL;
    CHECK(owned_betweenness(G, 0, 1, &bc, msg) == 0, "%s", msg);
    CHECK(owned_clustering(G, &cc, msg) == 0, "%s", msg);
    int bad_b = 0, bad_c = 0;
    for (int v = 0; v < N && bc && cc; v++) {
        double b = 0;
        for (int s = 0; s < N; s++)
            for (int t = 0; t < N; t++)
                if (s != t && s != v && t != v && dist[s][t] > 0 && dist[s][v] > 0 && dist[v][t] > 0 &&
                    dist[s][v] + dist[v][t] == dist[s][t])
                    b += sig[s][v] * sig[v][t] / sig[s][t];
        if (!directed) b /= 2; /* each unordered pair was counted twice */
        char name[8];
        snprintf(name, sizeof name, "%d", v);
        int64_t i = clout_idmap_find(G->users, name, strlen(name));
        if (fabs(bc[i] - b) > 1e-9 * (1 + b)) bad_b++;
        /* clustering of the undirected view */
        int nb[N], d = 0, tri = 0;
        for (int u = 0; u < N; u++)
            if (u != v && (adj[v][u] || adj[u][v])) nb[d++] = u;
        for (int a = 0; a < d; a++)
            for (int c = a + 1; c < d; c++) tri += adj[nb[a]][nb[c]] || adj[nb[c]][nb[a]];
        double want = d < 2 ? 0 : (double)tri / (d * (d - 1) / 2.0);
        if (fabs(cc[i] - want) > 1e-12) bad_c++;
    }
    CHECK(bad_b == 0, "%s: %d betweenness values differ from brute force", directed ? "directed" : "undirected", bad_b);
    CHECK(bad_c == 0, "%s: %d clustering values differ from brute force", directed ? "directed" : "undirected", bad_c);
    free(bc);
    free(cc);
    clout_graph_free(&G);
    clout_edges_free(&e);
}

/* The sampled estimate is unbiased: on a bundled graph, the total over users from half the
 * sources lands within 10% of the exact total (an illustrative bound: the sample mean of
 * 50% of the per-source totals), and the same seed gives the same estimate. */
static void check_betweenness_sampling(const dataset *d)
{
    clout_graph *G = load(d);
    int64_t n = clout_graph_users(G);
    double *ex = NULL, *e1 = NULL, *e2 = NULL;
    CHECK(owned_betweenness(G, 0, 1, &ex, msg) == 0, "%s", msg);
    CHECK(owned_betweenness(G, n / 2, 7, &e1, msg) == 0, "%s", msg);
    CHECK(owned_betweenness(G, n / 2, 7, &e2, msg) == 0, "%s", msg);
    double sx = 0, s1 = 0;
    for (int64_t i = 0; ex && e1 && i < n; i++) sx += ex[i], s1 += e1[i];
    CHECK(fabs(s1 - sx) < 0.1 * sx, "%s: sampled betweenness total %.4g, exact %.4g", d->name, s1, sx);
    CHECK(e1 && e2 && memcmp(e1, e2, (size_t)n * sizeof(double)) == 0, "sampled betweenness not reproducible");
    free(ex);
    free(e1);
    free(e2);
    clout_graph_free(&G);
}

/* Betweenness against igraph on a bundled graph: exact (igraph_betweenness) when small enough,
 * and from 200 sampled sources against igraph_betweenness_subset on the same sources (drawn here
 * as clout draws them); igraph gets S with every entry as a directed graph, so an undirected
 * graph's pairs count twice there. The same bits for 1, 2 and 3 threads. */
static void check_betweenness_igraph(const dataset *d, clout_graph *G, const igraph_t *g, bool exact)
{
    int64_t n = clout_graph_users(G);
    double half = d->undirected ? 0.5 : 1.0;
    igraph_vector_t res;
    igraph_vector_init(&res, 0);
    double *bc = NULL;
    int bad = 0;
    if (exact) {
        CHECK(owned_betweenness(G, 0, 1, &bc, msg) == 0, "%s", msg);
        igraph_betweenness(g, &res, igraph_vss_all(), true, NULL);
        for (int64_t v = 0; bc && v < n; v++)
            if (fabs(bc[v] - half * VECTOR(res)[v]) > 1e-9 * fmax(1, fabs(bc[v])) && bad++ < 3)
                fprintf(stderr, "%s: user %lld: betweenness %.17g, igraph %.17g\n", d->name, (long long)v, bc[v],
                        half * VECTOR(res)[v]);
        CHECK(bad == 0, "%s: %d exact betweenness values differ from igraph", d->name, bad);
        free(bc);
        bc = NULL;
    }
    int64_t ns = 200 < n ? 200 : n - 1, *src = malloc((size_t)n * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) src[i] = i;
    for (int64_t i = 0; i < ns; i++) {
        int64_t j = i + (int64_t)clout_rng_bounded(5, CLOUT_STREAM_BETWEENNESS, (uint64_t)i, (uint64_t)(n - i));
        int64_t t = src[i];
        src[i] = src[j];
        src[j] = t;
    }
    igraph_vector_int_t sv;
    igraph_vector_int_init(&sv, (igraph_integer_t)ns);
    for (int64_t i = 0; i < ns; i++) VECTOR(sv)[i] = (igraph_integer_t)src[i];
    igraph_betweenness_subset(g, &res, igraph_vss_all(), true, igraph_vss_vector(&sv), igraph_vss_all(), NULL);
    /* 1, 2 and 3 threads, and 3 threads with no buffer beyond one a thread (each thread ahead
     * waits for the chunks before its own to be added) */
    double *by[4] = {NULL, NULL, NULL, NULL};
    for (int t = 0; t < 4; t++) {
        omp_set_num_threads(t < 3 ? t + 1 : 3);
        int64_t keep = clout_i_betweenness_extra_max;
        if (t == 3) clout_i_betweenness_extra_max = 0;
        CHECK(owned_betweenness(G, ns, 5, &by[t], msg) == 0, "%s", msg);
        clout_i_betweenness_extra_max = keep;
    }
    omp_set_num_threads(2);
    bad = 0;
    for (int64_t v = 0; by[0] && v < n; v++) {
        double want = half * (double)n / (double)ns * VECTOR(res)[v];
        if (fabs(by[0][v] - want) > 1e-9 * fmax(1, fabs(want)) && bad++ < 3)
            fprintf(stderr, "%s: user %lld: sampled betweenness %.17g, igraph subset %.17g\n", d->name, (long long)v,
                    by[0][v], want);
    }
    CHECK(bad == 0, "%s: %d sampled betweenness values differ from igraph's subset betweenness", d->name, bad);
    CHECK(by[0] && by[1] && by[2] && by[3] && memcmp(by[0], by[1], (size_t)n * sizeof(double)) == 0 &&
              memcmp(by[0], by[2], (size_t)n * sizeof(double)) == 0 &&
              memcmp(by[0], by[3], (size_t)n * sizeof(double)) == 0,
          "%s: betweenness differs between 1, 2 and 3 threads, or with one buffer a thread", d->name);
    for (int t = 0; t < 4; t++) free(by[t]);
    igraph_vector_int_destroy(&sv);
    igraph_vector_destroy(&res);
    free(src);
}

/* HyperANF stays within its stated error: with 2^7 registers the relative standard error is
 * 1.04 / sqrt(128) = 9.2%. Over users whose exact 3-hop reach is at least 50, the RMS relative
 * error must not exceed 1.25 times that, and 90% of them must lie within two standard errors
 * (a normal error would put 95% there). */
static void check_approx(const dataset *d)
{
    clout_graph *G = load(d);
    int64_t n = clout_graph_users(G);
    int H = 3;
    int64_t *src = malloc((size_t)n * sizeof(int64_t)), *newc = malloc((size_t)n * (H + 1) * sizeof(int64_t));
    double *est = malloc((size_t)n * H * sizeof(double)), *mh = malloc((size_t)n * sizeof(double));
    int64_t *dep = malloc((size_t)n * sizeof(int64_t));
    for (int64_t v = 0; v < n; v++) src[v] = v;
    CHECK(clout_reach(G, src, n, H, newc, msg) == 0, "%s", msg);
    CHECK(clout_reach_approx(G, H, H, 7, 1, est, dep, mh, msg) == 0, "%s", msg);
    double se = 1.04 / sqrt(128.0), sq = 0;
    int64_t cnt = 0, within = 0;
    for (int64_t v = 0; v < n; v++) {
        int64_t exact = newc[v * (H + 1) + 1] + newc[v * (H + 1) + 2] + newc[v * (H + 1) + 3];
        if (exact < 50) continue;
        double rel = (est[v * H + 2] - (double)exact) / (double)exact;
        sq += rel * rel;
        cnt++;
        within += fabs(rel) <= 2 * se;
    }
    double rms = cnt ? sqrt(sq / (double)cnt) : 0;
    CHECK(cnt > 100, "%s: only %lld users reach 50", d->name, (long long)cnt);
    CHECK(rms <= 1.25 * se, "%s: HyperANF RMS relative error %.3f, stated %.3f", d->name, rms, se);
    CHECK(within >= 0.9 * (double)cnt, "%s: %lld of %lld estimates within 2 standard errors", d->name, (long long)within,
          (long long)cnt);
    free(src);
    free(newc);
    free(est);
    free(mh);
    free(dep);
    clout_graph_free(&G);
}

/* Cascade depths over live-edge graphs: with every tie live (const:1) each world is the graph
 * itself, so a user's depth is its eccentricity, which igraph computes (unreachable users
 * ignored; on the bundled graphs only, as every user's search then covers what it reaches of the
 * whole graph); with wc, the depths are the same for 1 and 2 threads (the live graphs are relabelled
 * by threads racing to claim users, which must not show in the result). */
static void check_cascade_depths(const dataset *d, clout_graph *G, const igraph_t *g, bool all_live)
{
    int64_t n = clout_graph_users(G);
    clout_prob_model pm;
    clout_influence *P = NULL;
    double *dep = malloc((size_t)n * sizeof(double)), *dep2 = malloc((size_t)n * sizeof(double));
    if (!all_live) goto threads;
    CHECK(clout_prob_parse("const:1", &pm, msg) == 0 && clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
    CHECK(clout_cascade_depths(P, false, 2, 1, dep, msg) == 0, "%s: %s", d->name, msg);
    clout_influence_free(&P);
    int64_t step = d->sample ? (n + d->sample - 1) / d->sample : 1, bad = 0;
    igraph_vector_int_t vids;
    igraph_vector_int_init(&vids, 0);
    for (int64_t u = 0; u < n; u += step) igraph_vector_int_push_back(&vids, (igraph_integer_t)u);
    igraph_vector_t ecc;
    igraph_vector_init(&ecc, 0);
    CHECK(igraph_eccentricity(g, &ecc, igraph_vss_vector(&vids), IGRAPH_OUT) == 0, "igraph eccentricity");
    for (igraph_integer_t k = 0; k < igraph_vector_int_size(&vids); k++) {
        int64_t u = VECTOR(vids)[k];
        if (dep[u] != VECTOR(ecc)[k] && bad++ < 5)
            fprintf(stderr, "%s user %lld: cascade depth %g, eccentricity %g\n", d->name, (long long)u, dep[u],
                    VECTOR(ecc)[k]);
    }
    CHECK(bad == 0, "%s: %lld of %lld cascade depths (every tie live) differ from igraph's eccentricity", d->name,
          (long long)bad, (long long)igraph_vector_int_size(&vids));
    igraph_vector_destroy(&ecc);
    igraph_vector_int_destroy(&vids);
threads:
    CHECK(clout_prob_parse("wc", &pm, msg) == 0 && clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
    clout_set_threads(1, msg);
    CHECK(clout_cascade_depths(P, false, 8, 3, dep, msg) == 0, "%s: %s", d->name, msg);
    clout_set_threads(2, msg);
    CHECK(clout_cascade_depths(P, false, 8, 3, dep2, msg) == 0, "%s: %s", d->name, msg);
    CHECK(memcmp(dep, dep2, (size_t)n * sizeof(double)) == 0, "%s: cascade depths differ between 1 and 2 threads",
          d->name);
    clout_influence_free(&P);
    free(dep);
    free(dep2);
}

/* Generated graphs above the size where coreness, PageRank and the transpose go parallel:
 * core numbers against igraph and identical for 1 and 2 threads, PageRank against PRPACK and
 * identical for 1 and 2 threads. */
static void check_generated(void)
{
    for (int kind = 0; kind < 2; kind++) {
        clout_edges e = {0};
        int s = kind == 0 ? clout_generate_rmat(&e, 16, 1 << 19, 0.57, 0.19, 0.19, 7, msg)
                          : clout_generate_ba(&e, 60000, 4, false, 7, msg);
        CHECK(s == 0, "generate: %s", msg);
        if (s != 0) continue;
        clout_graph *G = NULL;
        s = clout_graph_from_edges(&G, &e, kind == 0, msg);
        CHECK(s == 0, "graph: %s", msg);
        clout_edges_free(&e);
        if (s != 0) continue;
        dataset d = {kind == 0 ? "R-MAT scale 16" : "BA n=60000 m=4", "", false, false, 0};
        igraph_t g;
        igraph_vector_t w;
        to_igraph(G, &g, &w);
        clout_set_threads(2, msg);
        check_core(&d, G, &g);
        int64_t *c1 = NULL, *c2 = NULL;
        clout_set_threads(1, msg);
        CHECK(owned_coreness(G, &c1, msg) == 0, "%s", msg);
        clout_set_threads(2, msg);
        CHECK(owned_coreness(G, &c2, msg) == 0, "%s", msg);
        CHECK(c1 && c2 && memcmp(c1, c2, (size_t)clout_graph_users(G) * sizeof(int64_t)) == 0,
              "%s: core numbers differ between 1 and 2 threads", d.name);
        free(c1);
        free(c2);
        check_degrees(&d, G, &g);
        check_pagerank(&d, G, &g, &w);
        check_pagerank_threads(&d, G);
        check_pagerank_layout(&d, G);
        check_cascade_depths(&d, G, &g, false); /* every tie live: a full BFS from every user */
        igraph_vector_destroy(&w);
        igraph_destroy(&g);
        clout_graph_free(&G);
    }
}

int main(int argc, char **argv)
{
    check_init();
    root = argc > 1 ? argv[1] : ".";
    static const dataset sets[] = {
        {"wiki-Vote", "datasets/snap_wiki_vote/Wiki-Vote.txt.gz", false, false, 300},
        {"Last.fm friends", "datasets/lastfm_hetrec2011/user_friends.dat", true, true, 0},
        {"NetHEPT", "datasets/nethept/NetHEPT.txt.gz", false, true, 300},
        {"StackExchange", "datasets/stackexchange_christianity_cascades/graph.txt", false, true, 0},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        clout_graph *G = load(&sets[i]);
        if (!G) continue;
        igraph_t g;
        igraph_vector_t w;
        to_igraph(G, &g, &w);
        check_pagerank(&sets[i], G, &g, &w);
        check_pagerank_threads(&sets[i], G);
        check_pagerank_layout(&sets[i], G);
        check_bfs(&sets[i], G, &g);
        check_core(&sets[i], G, &g);
        check_cascade_depths(&sets[i], G, &g, true);
        check_betweenness_igraph(&sets[i], G, &g, i == 1 || i == 3);
        igraph_vector_destroy(&w);
        igraph_destroy(&g);
        clout_graph_free(&G);
    }
    check_transpose();
    check_relabel();
    check_pagerank_shapes();
    check_small();
    check_conversion();
    check_conversion_since_hand();
    check_conversion_since_random();
    check_keep_items_random();
    check_betweenness_clustering(true);
    check_betweenness_clustering(false);
    check_betweenness_sampling(&sets[3]);
    check_betweenness_sampling(&sets[1]);
    check_approx(&sets[0]);
    check_approx(&sets[2]);
    check_generated();
    return check_done("test_metrics");
}
