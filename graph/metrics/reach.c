/* reach.c: propagation range and depth by multi-source BFS in GraphBLAS.
 *
 * Counts (clout_reach): bit-parallel, 512 sources per batch as bits of 8 words per user, one
 * GraphBLAS product per hop but the last (reach_bits below).
 * Every reached user (clout_reach_list): a batch of B sources is one sparse boolean frontier
 * matrix F (B x n). One hop is
 *     F<!V, replace> = F * S      (ANY_PAIR semiring: structure only)
 *     V = V | F
 * so each row of F advances along S's edge direction, never revisiting a user. The number of
 * entries per row of F after hop d is how many users that source first reaches at distance d.
 * GraphBLAS parallelizes each product internally; batches run one after another (GraphBLAS is
 * never called from inside an OpenMP region of ours). */
#include "metrics_internal.h"
#include <math.h>
#include <omp.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(F);                                                                      \
        FREE_GRB(V);                                                                      \
        FREE_GRB(cnt);                                                                    \
        FREE_GRB(ones);                                                                   \
        FREE_PTR(I);                                                                      \
        FREE_PTR(J);                                                                      \
        FREE_PTR(X);                                                                      \
        FREE_PTR(ci);                                                                     \
        FREE_PTR(cx);                                                                     \
        FREE_PTR(fi);                                                                     \
        FREE_PTR(fj);                                                                     \
        FREE_PTR(hit);                                                                    \
        clout_i_progress_end(prog);                                                         \
    } while (0)

/* one reached user: (source row in the batch, hop, user) */
typedef struct {
    int64_t row, hop;
    GrB_Index user;
} hit_t;

/* Counts per hop, and with visit != NULL every reached user, source by source in hop order. */
static int reach_core(const clout_graph *G, const int64_t *src, int64_t ns, int max_hops, int64_t *newcount,
                      clout_reach_visit visit, void *ctx, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix F = NULL, V = NULL;
    GrB_Vector cnt = NULL, ones = NULL;
    GrB_Index *I = NULL, *J = NULL, *ci = NULL, *fi = NULL, *fj = NULL;
    hit_t *hit = NULL;
    int64_t nhit = 0, hitcap = 0;
    bool *X = NULL;
    int64_t *cx = NULL;
    clout_i_progress *prog = NULL;
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(max_hops >= 1 && max_hops <= 1000000, CLOUT_ERR_INVALID, "hops must be between 1 and 10^6");
    for (int64_t s = 0; s < ns; s++)
        ASSERT_MSG(src[s] >= 0 && src[s] < n, CLOUT_ERR_INVALID, "source %lld is not a user", (long long)src[s]);
    memset(newcount, 0, (size_t)ns * (size_t)(max_hops + 1) * sizeof(int64_t));
    /* batch size: visited sets of B rows stay near 2^26 entries even when everything is reached */
    int64_t B = n > 0 ? ((int64_t)1 << 26) / n : 1;
    if (B < 1) B = 1;
    if (B > 1024) B = 1024;
    if (B > ns) B = ns;
    ALLOC_TRY(I, B, GrB_Index);
    ALLOC_TRY(J, B, GrB_Index);
    ALLOC_TRY(X, B, bool);
    ALLOC_TRY(ci, B, GrB_Index);
    ALLOC_TRY(cx, B, int64_t);
    GRB_TRY(GrB_Vector_new(&ones, GrB_BOOL, (GrB_Index)n));
    GRB_TRY(GrB_Vector_assign_BOOL(ones, NULL, NULL, true, GrB_ALL, (GrB_Index)n, NULL));
    prog = clout_i_progress_start("reach", (double)ns, " sources");
    for (int64_t b0 = 0; b0 < ns; b0 += B) {
        int64_t nb = ns - b0 < B ? ns - b0 : B;
        for (int64_t k = 0; k < nb; k++) {
            I[k] = (GrB_Index)k;
            J[k] = (GrB_Index)src[b0 + k];
            X[k] = true;
        }
        GRB_TRY(GrB_Matrix_new(&F, GrB_BOOL, (GrB_Index)nb, (GrB_Index)n));
        GRB_TRY(GrB_Matrix_build_BOOL(F, I, J, X, (GrB_Index)nb, GrB_LOR));
        GRB_TRY(GrB_Matrix_dup(&V, F));
        GRB_TRY(GrB_Vector_new(&cnt, GrB_INT64, (GrB_Index)nb));
        for (int d = 1; d <= max_hops; d++) {
            GRB_TRY(GrB_mxm(F, V, NULL, GxB_ANY_PAIR_BOOL, F, G->S, GrB_DESC_RSC));
            GrB_Index nf = 0;
            GRB_TRY(GrB_Matrix_nvals(&nf, F));
            if (nf == 0) break;
            GRB_TRY(GrB_Matrix_eWiseAdd_BinaryOp(V, NULL, NULL, GrB_LOR, V, F, NULL));
            /* users first reached at hop d, per source: row counts of F */
            GRB_TRY(GrB_mxv(cnt, NULL, NULL, GxB_PLUS_PAIR_INT64, F, ones, GrB_DESC_R));
            GrB_Index nc = (GrB_Index)nb;
            GRB_TRY(GrB_Vector_extractTuples_INT64(ci, cx, &nc, cnt));
            for (GrB_Index k = 0; k < nc; k++) newcount[(b0 + (int64_t)ci[k]) * (max_hops + 1) + d] = cx[k];
            if (visit) {
                /* keep this hop's users; they are handed out source by source after the batch */
                if (nhit + (int64_t)nf > hitcap) {
                    hitcap = (nhit + (int64_t)nf) * 2;
                    hit_t *h2 = clout_i_realloc(hit, (size_t)hitcap, sizeof(hit_t));
                    ASSERT_MSG(h2 != NULL, CLOUT_ERR_NOMEM, "out of memory listing reached users");
                    hit = h2;
                }
                FREE_PTR(fi);
                FREE_PTR(fj);
                ALLOC_TRY(fi, nf, GrB_Index);
                ALLOC_TRY(fj, nf, GrB_Index);
                GrB_Index got = nf;
                GRB_TRY(GrB_Matrix_extractTuples_BOOL(fi, fj, NULL, &got, F));
                for (GrB_Index k = 0; k < got; k++) hit[nhit++] = (hit_t){(int64_t)fi[k], d, fj[k]};
            }
        }
        if (visit) {
            /* stable counting sort by source row: hops stay in order, users sorted within a hop */
            int64_t *start = clout_i_calloc((size_t)nb + 1, sizeof(int64_t));
            hit_t *sorted = clout_i_malloc((size_t)(nhit ? nhit : 1), sizeof(hit_t));
            if (!start || !sorted) {
                free(start);
                free(sorted);
                ERR(CLOUT_ERR_NOMEM, "out of memory listing reached users");
            }
            for (int64_t k = 0; k < nhit; k++) start[hit[k].row + 1]++;
            for (int64_t r = 0; r < nb; r++) start[r + 1] += start[r];
            for (int64_t k = 0; k < nhit; k++) sorted[start[hit[k].row]++] = hit[k];
            for (int64_t k = 0; k < nhit; k++)
                visit(ctx, b0 + sorted[k].row, (int)sorted[k].hop, (int64_t)sorted[k].user);
            free(start);
            free(sorted);
            nhit = 0;
        }
        FREE_GRB(F);
        FREE_GRB(V);
        FREE_GRB(cnt);
        if (clout_i_progress_update(prog, (double)(b0 + nb))) ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- counts only: bit-parallel BFS */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (sborrowed) clout_i_csr_return(G->S, &cs, msg);                                \
        if (borrowed) clout_i_csr_return(Tm, &ct, msg);                                   \
        FREE_PTR(flist);                                                                  \
        FREE_PTR(tlist);                                                                  \
        FREE_PTR(mark);                                                                   \
        FREE_PTR(ap);                                                                     \
        FREE_PTR(aj);                                                                     \
        FREE_GRB(A);                                                                      \
        FREE_GRB(Fm);                                                                     \
        FREE_GRB(Cm);                                                                     \
        FREE_PTR(seen);                                                                   \
        FREE_PTR(front);                                                                  \
        FREE_PTR(next);                                                                   \
        FREE_PTR(tcount);                                                                 \
        clout_i_progress_end(prog);                                                         \
    } while (0)

/* Counts per hop for many sources at once (Then et al., "The more the merrier", VLDB 2014): each
 * user holds one bit per source of a batch, W 64-bit words. One hop is a GraphBLAS product over
 * the in-ties, next = ST (BOR.BAND) front with a copy of ST's pattern as an iso matrix of
 * all-ones words (the cached S' itself stays untouched, so other calls may read it meanwhile); then, in our loop, new = next & ~seen, and each new bit counts for its source.
 * Small frontiers are pushed along their out-ties instead; the last hop, having no next hop to
 * feed, gathers each user's words along the in-ties (read in place) and counts them in one
 * OpenMP pass; the copy is made only when a hop needs the product.
 * A word carries 64 sources through every tie at once, where the sparse frontier matrix moves
 * one (source, user) entry per tie. */
/* one count for each source whose bit is set in the word x (tc: the word's 64 counts) */
static inline void count_bits(int64_t *tc, uint64_t x)
{
    for (; x; x &= x - 1) tc[__builtin_ctzll(x)]++;
}

/* out[k * stride] = the sum over the nt threads' counts (stride apart in tcount) of source k */
static void add_counts(const int64_t *tcount, int nt, size_t per, int64_t nb, int64_t *out, int64_t stride)
{
    for (int64_t k = 0; k < nb; k++) {
        int64_t c = 0;
        for (int t = 0; t < nt; t++) c += tcount[(size_t)t * per + (size_t)k];
        out[k * stride] = c;
    }
}

static int reach_bits(clout_graph *G, const int64_t *src, int64_t ns, int max_hops, int64_t *newcount,
                      char msg[CLOUT_MSG_LEN])
{
    enum { W = 8 }; /* 512 sources per batch */
    GrB_Matrix A = NULL, Fm = NULL, Cm = NULL;
    clout_i_csr ct, cs;
    bool borrowed = false, sborrowed = false;
    int64_t *flist = NULL, *tlist = NULL; /* the frontier's users; the users a push reached */
    uint8_t *mark = NULL;
    uint64_t *ap = NULL, *aj = NULL;
    uint64_t *seen = NULL, *front = NULL, *next = NULL;
    int64_t *tcount = NULL;
    clout_i_progress *prog = NULL;
    int64_t n = clout_graph_users(G);
    int nt = omp_get_max_threads();
    /* the in-ties: S' (cached), or S itself for an undirected graph, which holds every tie both
     * ways (no transpose to build) */
    GrB_Matrix Tm = G->S;
    if (G->directed) {
        TRY(clout_graph_cache_transpose(G, msg));
        Tm = G->ST;
    }
    TRY(clout_i_csr_borrow(Tm, &ct, msg));
    borrowed = true;
    TRY(clout_memory_fits((double)n * (3.0 * 8 * W + 8 + 17) + 8.0 * (double)ct.nvals, "reach's batch of 512 searches",
                          CLOUT_ERR_INVALID, msg));
    size_t words = (size_t)(n ? n : 1) * W;
    /* zeroed by the system, page by page as they are first written: a page no hop writes is
     * never mapped (most of front and next on graphs with small neighbourhoods) */
    CALLOC_TRY(seen, words, uint64_t);
    CALLOC_TRY(front, words, uint64_t);
    CALLOC_TRY(next, words, uint64_t);
    ALLOC_TRY(tcount, (size_t)nt * 64 * W, int64_t);
    GrB_Index bytes = (GrB_Index)words * sizeof(uint64_t);
    /* S by row, for hops from a small frontier: pushed along the frontier's out-ties alone (of an
     * undirected graph: the same view as the in-ties) */
    if (Tm == G->S) {
        cs = ct;
    } else {
        TRY(clout_i_csr_borrow(G->S, &cs, msg));
        sborrowed = true;
    }
    ALLOC_TRY(flist, n + 1, int64_t);
    ALLOC_TRY(tlist, n + 1, int64_t);
    CALLOC_TRY(mark, n + 1, uint8_t);
    prog = clout_i_progress_start("reach", (double)ns, " sources");
    for (int64_t b0 = 0; b0 < ns; b0 += 64 * W) {
        int64_t nb = ns - b0 < 64 * W ? ns - b0 : 64 * W;
        if (b0 > 0) { /* the first batch finds them zero */
            memset(front, 0, words * sizeof(uint64_t));
            memset(seen, 0, words * sizeof(uint64_t));
        }
        int64_t nf = 0;
        for (int64_t k = 0; k < nb; k++) {
            int64_t v = src[b0 + k];
            if (!mark[v]) mark[v] = 1, flist[nf++] = v;
            front[(size_t)v * W + (size_t)(k >> 6)] |= (uint64_t)1 << (k & 63);
            seen[(size_t)v * W + (size_t)(k >> 6)] |= (uint64_t)1 << (k & 63);
        }
        for (int64_t q = 0; q < nf; q++) mark[flist[q]] = 0;
        for (int d = 1; d <= max_hops; d++) {
            /* next is all zero here. A frontier whose out-ties are few next to all ties (small
             * neighbourhoods, the first hops) pushes along them and touches only the users they
             * reach; a large one takes the product over every tie. Counts are whole numbers:
             * the same either way, in any order. */
            uint64_t work = 0;
            for (int64_t q = 0; q < nf; q++) work += cs.ptr[flist[q] + 1] - cs.ptr[flist[q]];
            const int64_t *cand = NULL; /* the users next may hold bits for: tlist, or all (NULL) */
            int64_t ncand = n;
            if (d == max_hops && work * 16 >= (uint64_t)cs.nvals) {
                /* the last hop over every tie: only its counts are wanted, so each user's words
                 * are gathered along its in-ties and counted at once (no next, front or seen to
                 * write; the same counts as the product) */
                memset(tcount, 0, (size_t)nt * 64 * W * sizeof(int64_t));
                #pragma omp parallel num_threads(nt)
                {
                    int64_t *tc = tcount + (size_t)omp_get_thread_num() * 64 * W;
                    #pragma omp for schedule(dynamic, 4096)
                    for (int64_t v = 0; v < n; v++) {
                        uint64_t acc[W] = {0};
                        for (uint64_t e = ct.ptr[v]; e < ct.ptr[v + 1]; e++) {
                            const uint64_t *fu = front + (size_t)ct.idx[e] * W;
                            for (int w = 0; w < W; w++) acc[w] |= fu[w];
                        }
                        for (int w = 0; w < W; w++) {
                            uint64_t x = acc[w] & ~seen[(size_t)v * W + (size_t)w];
                            count_bits(tc + w * 64, x);
                        }
                    }
                }
                add_counts(tcount, nt, 64 * W, nb, newcount + b0 * (max_hops + 1) + d, max_hops + 1);
                break;
            }
            if (work * 16 < (uint64_t)cs.nvals) {
                int64_t m = 0;
                #pragma omp parallel for schedule(dynamic, 64) num_threads(nt) if (work > 65536)
                for (int64_t q = 0; q < nf; q++) {
                    int64_t u = flist[q];
                    const uint64_t *fu = front + (size_t)u * W;
                    for (uint64_t e = cs.ptr[u]; e < cs.ptr[u + 1]; e++) {
                        int64_t v = (int64_t)cs.idx[e];
                        uint64_t *nv = next + (size_t)v * W;
                        for (int w = 0; w < W; w++)
                            if (fu[w] && (fu[w] & ~__atomic_load_n(&nv[w], __ATOMIC_RELAXED)))
                                __atomic_fetch_or(&nv[w], fu[w], __ATOMIC_RELAXED);
                        if (!__atomic_load_n(&mark[v], __ATOMIC_RELAXED) && !__atomic_exchange_n(&mark[v], 1, __ATOMIC_RELAXED))
                            tlist[__atomic_fetch_add(&m, 1, __ATOMIC_RELAXED)] = v;
                    }
                }
                for (int64_t q = 0; q < nf; q++) memset(front + (size_t)flist[q] * W, 0, W * sizeof(uint64_t));
                cand = tlist;
                ncand = m;
            } else {
                if (A == NULL) {
                    /* the product's matrix, made at its first use: a copy of the in-ties' pattern
                     * as an iso matrix of all-ones words (the graph's own stays untouched, so
                     * other calls may read it meanwhile) */
                    ALLOC_TRY(ap, n + 1, uint64_t);
                    ALLOC_TRY(aj, ct.nvals ? ct.nvals : 1, uint64_t);
                    memcpy(ap, ct.ptr, (size_t)(n + 1) * sizeof(uint64_t));
                    #pragma omp parallel for schedule(static) if (ct.nvals > 1000000)
                    for (int64_t lo = 0; lo < (int64_t)ct.nvals; lo += 1 << 16) {
                        int64_t m = (int64_t)ct.nvals - lo < (1 << 16) ? (int64_t)ct.nvals - lo : (1 << 16);
                        memcpy(aj + lo, ct.idx + lo, (size_t)m * sizeof(uint64_t));
                    }
                    uint64_t ones = UINT64_MAX;
                    TRY(clout_i_pack_csr(&A, GrB_UINT64, n, n, &ap, &aj, NULL, &ones, msg));
                }
                GRB_TRY(GrB_Matrix_new(&Fm, GrB_UINT64, (GrB_Index)n, W));
                GRB_TRY(GrB_Matrix_new(&Cm, GrB_UINT64, (GrB_Index)n, W));
                GRB_TRY(GxB_Matrix_pack_FullR(Fm, (void **)&front, bytes, false, NULL));
                GRB_TRY(GxB_Matrix_pack_FullR(Cm, (void **)&next, bytes, false, NULL));
                GRB_TRY(GrB_mxm(Cm, NULL, GrB_BOR_UINT64, GxB_BOR_BAND_UINT64, A, Fm, NULL));
                GrB_Index sz;
                bool iso;
                GRB_TRY(GxB_Matrix_unpack_FullR(Fm, (void **)&front, &sz, &iso, NULL));
                GRB_TRY(GrB_Matrix_wait(Cm, GrB_MATERIALIZE));
                GRB_TRY(GxB_Matrix_unpack_FullR(Cm, (void **)&next, &sz, &iso, NULL));
                ASSERT_MSG(!iso && sz >= bytes, CLOUT_ERR_INTERNAL, "unexpected result of the hop product");
                FREE_GRB(Fm);
                FREE_GRB(Cm);
            }
            /* over the candidates: new = next & ~seen becomes the frontier (listed for the next
             * hop); count each new bit for its source; next is left all zero */
            memset(tcount, 0, (size_t)nt * 64 * W * sizeof(int64_t));
            nf = 0;
            #pragma omp parallel num_threads(nt) if (ncand > 65536)
            {
                int64_t *tc = tcount + (size_t)omp_get_thread_num() * 64 * W;
                #pragma omp for schedule(static)
                for (int64_t q = 0; q < ncand; q++) {
                    int64_t v = cand ? cand[q] : q;
                    if (cand) mark[v] = 0;
                    bool fresh = false;
                    for (int w = 0; w < W; w++) {
                        size_t at = (size_t)v * W + (size_t)w;
                        uint64_t x = next[at] & ~seen[at];
                        next[at] = 0;
                        front[at] = x;
                        if (!x) continue;
                        seen[at] |= x;
                        fresh = true;
                        count_bits(tc + w * 64, x);
                    }
                    if (fresh) flist[__atomic_fetch_add(&nf, 1, __ATOMIC_RELAXED)] = v;
                }
            }
            if (nf == 0) break;
            add_counts(tcount, nt, 64 * W, nb, newcount + b0 * (max_hops + 1) + d, max_hops + 1);
        }
        if (clout_i_progress_update(prog, (double)(b0 + nb))) ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
    }
    FREE_ALL;
    return CLOUT_OK;
}

int clout_reach(clout_graph *G, const int64_t *src, int64_t ns, int max_hops, int64_t *newcount,
                char msg[CLOUT_MSG_LEN])
{
    int64_t n = clout_graph_users(G);
    if (max_hops < 1 || max_hops > 1000000) {
        clout_i_setmsg(msg, "hops must be between 1 and 10^6");
        return CLOUT_ERR_INVALID;
    }
    for (int64_t s = 0; s < ns; s++)
        if (src[s] < 0 || src[s] >= n) {
            clout_i_setmsg(msg, "source %lld is not a user", (long long)src[s]);
            return CLOUT_ERR_INVALID;
        }
    memset(newcount, 0, (size_t)ns * (size_t)(max_hops + 1) * sizeof(int64_t));
    return reach_bits(G, src, ns, max_hops, newcount, msg);
}

int clout_reach_list(const clout_graph *G, const int64_t *src, int64_t ns, int max_hops, int64_t *newcount,
                     clout_reach_visit visit, void *ctx, char msg[CLOUT_MSG_LEN])
{
    return reach_core(G, src, ns, max_hops, newcount, visit, ctx, msg);
}

/* ---------------------------------------------------------------- approximate: HyperANF
 * Boldi, Rosa and Vigna's HyperANF: every user holds a HyperLogLog counter of the users within t
 * hops, B(u, t+1) = {u} + union of B(w, t) over u's out-neighbours w, which for HyperLogLog is a
 * register-wise max. With m = 2^log2m registers a counter's relative standard error is
 * 1.04 / sqrt(m). Users hash by the counter-based generator keyed by their index, so the
 * estimate is identical for any thread count. Memory: 2 n m bytes. */

/* p2[k] = 2^-k for every register value k (an ldexp per register took a fifth of the time) */
static double hll_estimate(const uint8_t *r, int m, double alpha, const double *p2)
{
    double sum = 0;
    int zeros = 0;
    for (int j = 0; j < m; j++) {
        sum += p2[r[j]];
        zeros += r[j] == 0;
    }
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * log((double)m / zeros); /* linear counting */
    return e;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &c, msg);                                  \
        FREE_PTR(cur);                                                                    \
        FREE_PTR(nxt);                                                                    \
        FREE_PTR(prev);                                                                   \
        FREE_PTR(sum);                                                                    \
        FREE_PTR(first);                                                                  \
        clout_i_progress_end(prog);                                                         \
    } while (0)

int clout_reach_approx(clout_graph *G, int hops, int max_depth, int log2m, uint64_t seed, double *reach,
                       int64_t *depth, double *mean_hops, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr c;
    bool borrowed = false;
    uint8_t *cur = NULL, *nxt = NULL;
    double *prev = NULL, *sum = NULL, *first = NULL;
    clout_i_progress *prog = NULL;
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(log2m >= 4 && log2m <= 12, CLOUT_ERR_INVALID, "HyperANF needs 2^4 to 2^12 registers per counter");
    ASSERT_MSG(hops >= 1 && max_depth >= hops, CLOUT_ERR_INVALID, "hops must be >= 1 and <= the depth cap");
    int m = 1 << log2m;
    double p2[256];
    for (int k = 0; k < 256; k++) p2[k] = ldexp(1.0, -k);
    double alpha = m == 16 ? 0.673 : m == 32 ? 0.697 : m == 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    TRY(clout_memory_fits(2.0 * (double)n * (double)m + 24.0 * (double)n, "HyperANF's counters", CLOUT_ERR_INVALID, msg));
    ALLOC_TRY(cur, (size_t)n * (size_t)m, uint8_t);
    ALLOC_TRY(nxt, (size_t)n * (size_t)m, uint8_t);
    ALLOC_TRY(prev, n, double);
    CALLOC_TRY(sum, n, double);
    memset(cur, 0, (size_t)n * (size_t)m);
    #pragma omp parallel for schedule(static)
    for (int64_t v = 0; v < n; v++) {
        uint64_t h = clout_rng_u64(seed, CLOUT_STREAM_HYPERANF, (uint64_t)v);
        int j = (int)(h >> (64 - log2m));
        uint64_t rest = h << log2m;
        int rank = rest ? __builtin_clzll(rest) + 1 : 64 - log2m + 1;
        cur[(size_t)v * (size_t)m + (size_t)j] = (uint8_t)rank;
        prev[v] = hll_estimate(cur + (size_t)v * (size_t)m, m, alpha, p2);
        depth[v] = 0;
    }
    TRY(clout_i_csr_borrow(G->S, &c, msg));
    borrowed = true;
    const uint64_t *Ap = c.ptr, *Aj = c.idx;
    ALLOC_TRY(first, n, double);
    memcpy(first, prev, (size_t)n * sizeof(double));
    prog = clout_i_progress_start("approximate reach", max_depth, " hops");
    for (int t = 1; t <= max_depth; t++) {
        int64_t changed = 0;
        #pragma omp parallel for schedule(dynamic, 1024) reduction(+ : changed)
        for (int64_t v = 0; v < n; v++) {
            uint8_t *dst = nxt + (size_t)v * (size_t)m;
            memcpy(dst, cur + (size_t)v * (size_t)m, (size_t)m);
            uint64_t ke = Ap[v + 1];
            for (uint64_t k = Ap[v]; k < ke; k++) {
                const uint8_t *src = cur + (size_t)Aj[k] * (size_t)m;
                if (k + 16 < ke) /* the neighbours' counters are scattered: 16 ties ahead */
                    for (int j = 0; j < m; j += 64) __builtin_prefetch(cur + (size_t)Aj[k + 16] * (size_t)m + j);
                for (int j = 0; j < m; j++) dst[j] = src[j] > dst[j] ? src[j] : dst[j];
            }
            if (memcmp(dst, cur + (size_t)v * (size_t)m, (size_t)m) != 0) {
                double e = hll_estimate(dst, m, alpha, p2);
                /* counters only grow: a smaller estimate is noise, not shrinkage */
                if (e < prev[v]) e = prev[v];
                sum[v] += t * (e - prev[v]);
                prev[v] = e;
                depth[v] = t;
                changed++;
            }
            if (t <= hops) reach[(size_t)v * (size_t)hops + (size_t)(t - 1)] = fmax(0, prev[v] - first[v]);
        }
        uint8_t *sw = cur;
        cur = nxt;
        nxt = sw;
        if (clout_i_progress_update(prog, t)) ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
        if (changed == 0) {
            /* balls stopped growing: later hops reach no one new */
            for (int u = t + 1; u <= hops; u++)
                for (int64_t v = 0; v < n; v++) reach[(size_t)v * (size_t)hops + (size_t)(u - 1)] = fmax(0, prev[v] - first[v]);
            break;
        }
    }
    for (int64_t v = 0; v < n; v++) {
        double tot = prev[v] - first[v];
        mean_hops[v] = tot > 0 ? sum[v] / tot : 0;
    }
    FREE_ALL;
    return CLOUT_OK;
}
