/* pagerank.c: PageRank by power iteration on GraphBLAS.
 *
 * Pull form: each iteration is one GraphBLAS product y = P t of a by-row sparse matrix and a
 * dense vector, the form GraphBLAS runs fastest (a by-row S with a transpose descriptor is about
 * 4x slower). P is S transposed and relabelled so that users come in order of decreasing
 * out-degree: the product reads t at the source of every tie, so the entries read most often
 * then share a few cache lines instead of being spread over the whole vector (on R-MAT the
 * product becomes about 3x faster). P is built by clout_i_csr_transpose from S's arrays, lent
 * zero-copy, and packed into GraphBLAS without a copy; every vector lives in the new order and
 * the ranks go back to user order at the end.
 *     t = x ./ w_out,    x' = d * (P t) + (d * dangling(x) + 1 - d) * p
 * An unweighted P is iso and the semiring PLUS_SECOND reads its pattern only (t divides by the
 * out-degree); a weighted P holds the weights as FP64 (a mixed-type PLUS_TIMES would run
 * GraphBLAS's generic kernel). Dangling users (no out-weight) give their rank to the teleport
 * distribution p (uniform, or the personalization vector), as igraph's PRPACK solver does.
 * Dense vectors are lent to GraphBLAS with GxB pack/unpack; the elementwise work is one fused
 * OpenMP loop, never around a GraphBLAS call, whose sums add fixed blocks in a fixed order, so
 * the ranks are the same for any thread count. */
#include "internal.h"
#include <math.h>
#include <omp.h>

#define PR_BLOCK 65536 /* users per block of the fixed-order sums */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &cs, msg2);                                \
        FREE_GRB(P);                                                                      \
        FREE_GRB(tv);                                                                     \
        FREE_GRB(yv);                                                                     \
        FREE_PTR(tp);                                                                     \
        FREE_PTR(ti);                                                                     \
        FREE_PTR(tw);                                                                     \
        FREE_PTR(ord);                                                                    \
        FREE_PTR(newid);                                                                  \
        FREE_PTR(x);                                                                      \
        FREE_PTR(t);                                                                      \
        FREE_PTR(y);                                                                      \
        FREE_PTR(p);                                                                      \
        FREE_PTR(inv);                                                                    \
        FREE_PTR(part);                                                                   \
        clout_progress_end(prog);                                                         \
    } while (0)

/* users in order of decreasing out-degree, ties by user index (a stable counting sort) */
static int degree_order(int64_t n, const uint64_t *ptr, uint32_t *ord, uint32_t *newid)
{
    uint64_t maxd = 0;
    for (int64_t u = 0; u < n; u++)
        if (ptr[u + 1] - ptr[u] > maxd) maxd = ptr[u + 1] - ptr[u];
    uint64_t *cnt = clout_i_calloc((size_t)maxd + 1, sizeof(uint64_t));
    if (cnt == NULL) return CLOUT_ERR_NOMEM;
    for (int64_t u = 0; u < n; u++) cnt[maxd - (ptr[u + 1] - ptr[u])]++;
    uint64_t run = 0;
    for (uint64_t d = 0; d <= maxd; d++) {
        uint64_t c = cnt[d];
        cnt[d] = run;
        run += c;
    }
    for (int64_t u = 0; u < n; u++) {
        uint64_t r = cnt[maxd - (ptr[u + 1] - ptr[u])]++;
        ord[r] = (uint32_t)u;
        newid[u] = (uint32_t)r;
    }
    free(cnt);
    return CLOUT_OK;
}

int clout_pagerank(clout_graph *G, double damping, double tol, int max_iter, const double *personal,
                   double **rank, int *iters, double *prep_seconds, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix P = NULL;
    GrB_Vector tv = NULL, yv = NULL;
    uint64_t *tp = NULL, *ti = NULL;
    double *tw = NULL, *x = NULL, *t = NULL, *y = NULL, *p = NULL, *inv = NULL, *part = NULL;
    uint32_t *ord = NULL, *newid = NULL;
    clout_progress *prog = NULL;
    clout_i_csr cs;
    bool borrowed = false;
    char msg2[CLOUT_MSG_LEN];
    double t_start = clout_now();
    ASSERT_MSG(damping >= 0 && damping < 1, CLOUT_ERR_INVALID, "damping must be in [0, 1), got %g", damping);
    ASSERT_MSG(tol > 0 && max_iter > 0, CLOUT_ERR_INVALID, "tolerance and iteration limit must be positive");
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(n > 0, CLOUT_ERR_INVALID, "the graph has no users");
    ASSERT_MSG(n <= (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "PageRank handles at most %u users", UINT32_MAX);
    double psum = 0;
    if (personal) {
        for (int64_t i = 0; i < n; i++) {
            ASSERT_MSG(isfinite(personal[i]) && personal[i] >= 0, CLOUT_ERR_INVALID,
                       "personalization weights must be finite and >= 0");
            psum += personal[i];
        }
        ASSERT_MSG(psum > 0, CLOUT_ERR_INVALID, "personalization weights sum to zero");
    }
    ALLOC_TRY(ord, n, uint32_t);
    ALLOC_TRY(newid, n, uint32_t);
    ALLOC_TRY(x, n, double);
    ALLOC_TRY(t, n, double);
    ALLOC_TRY(y, n, double);
    ALLOC_TRY(inv, n, double);
    clout_i_prefault(x, (size_t)n * sizeof(double));
    clout_i_prefault(t, (size_t)n * sizeof(double));
    clout_i_prefault(y, (size_t)n * sizeof(double));
    clout_i_prefault(inv, (size_t)n * sizeof(double));
    int64_t nblk = (n + PR_BLOCK - 1) / PR_BLOCK;
    ALLOC_TRY(part, 2 * nblk, double);

    /* the relabelled transpose P, and 1 / out-weight in the new order */
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    borrowed = true;
    ASSERT_MSG(degree_order(n, cs.ptr, ord, newid) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    const float *sw = cs.iso ? NULL : (const float *)cs.vals;
    #pragma omp parallel for schedule(static) if (n > 50000)
    for (int64_t j = 0; j < n; j++) {
        int64_t u = ord[j];
        double w = 0;
        if (sw == NULL) w = (double)(cs.ptr[u + 1] - cs.ptr[u]);
        else
            for (uint64_t k = cs.ptr[u]; k < cs.ptr[u + 1]; k++) w += (double)sw[k];
        inv[j] = w > 0 ? 1.0 / w : 0;
    }
    TRY(clout_i_csr_transpose(n, cs.ptr, cs.idx, sw, ord, newid, &tp, &ti, sw ? (void **)&tw : NULL, true, msg));
    borrowed = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    double one = 1;
    TRY(clout_i_pack_csr(&P, GrB_FP64, n, n, &tp, &ti, sw ? (void **)&tw : NULL, &one, msg));
    GrB_Semiring semiring = sw ? GrB_PLUS_TIMES_SEMIRING_FP64 : GxB_PLUS_SECOND_FP64;

    /* teleport distribution in the new order (NULL: uniform) */
    if (personal) {
        ALLOC_TRY(p, n, double);
        for (int64_t j = 0; j < n; j++) p[j] = personal[ord[j]] / psum;
    }
    const double pu = 1.0 / (double)n;
    if (prep_seconds) *prep_seconds = clout_now() - t_start;

    /* x = p; t = x ./ w_out; y = 0; the dangling mass */
    double dangling = 0;
    #pragma omp parallel for schedule(static) if (n > 50000)
    for (int64_t b = 0; b < nblk; b++) {
        double dg = 0;
        int64_t hi = (b + 1) * PR_BLOCK < n ? (b + 1) * PR_BLOCK : n;
        for (int64_t i = b * PR_BLOCK; i < hi; i++) {
            double v = p ? p[i] : pu;
            x[i] = v;
            t[i] = v * inv[i];
            y[i] = 0;
            if (inv[i] == 0) dg += v;
        }
        part[b] = dg;
    }
    for (int64_t b = 0; b < nblk; b++) dangling += part[b];
    GRB_TRY(GrB_Vector_new(&tv, GrB_FP64, (GrB_Index)n));
    GRB_TRY(GrB_Vector_new(&yv, GrB_FP64, (GrB_Index)n));
    prog = clout_progress_start("pagerank", 0, " it");
    int it = 0;
    double diff = INFINITY;
    GrB_Index bytes = (GrB_Index)n * sizeof(double);
    while (it < max_iter && diff >= tol) {
        /* y = 0; y += P t (the accumulator keeps y full where P has empty rows), with t and y
         * lent to GraphBLAS as full vectors */
        GRB_TRY(GxB_Vector_pack_Full(tv, (void **)&t, bytes, false, NULL));
        GRB_TRY(GxB_Vector_pack_Full(yv, (void **)&y, bytes, false, NULL));
        GRB_TRY(GrB_mxv(yv, NULL, GrB_PLUS_FP64, semiring, P, tv, NULL));
        GrB_Index sz;
        bool iso;
        GRB_TRY(GxB_Vector_unpack_Full(tv, (void **)&t, &sz, &iso, NULL));
        GRB_TRY(GrB_Vector_wait(yv, GrB_MATERIALIZE));
        GRB_TRY(GxB_Vector_unpack_Full(yv, (void **)&y, &sz, &iso, NULL));
        ASSERT_MSG(!iso, CLOUT_ERR_INTERNAL, "unexpected iso result");
        /* x' = d y + c p, its L1 change, and the next t, y and dangling mass in one pass */
        double c = damping * dangling + (1 - damping);
        #pragma omp parallel for schedule(static) if (n > 50000)
        for (int64_t b = 0; b < nblk; b++) {
            double df = 0, dg = 0;
            int64_t hi = (b + 1) * PR_BLOCK < n ? (b + 1) * PR_BLOCK : n;
            for (int64_t i = b * PR_BLOCK; i < hi; i++) {
                double v = damping * y[i] + c * (p ? p[i] : pu);
                df += fabs(v - x[i]);
                x[i] = v;
                t[i] = v * inv[i];
                y[i] = 0;
                if (inv[i] == 0) dg += v;
            }
            part[b] = df;
            part[nblk + b] = dg;
        }
        diff = 0;
        dangling = 0;
        for (int64_t b = 0; b < nblk; b++) {
            diff += part[b];
            dangling += part[nblk + b];
        }
        it++;
        clout_progress_update(prog, it);
    }
    ASSERT_MSG(diff < tol, CLOUT_ERR_NOT_CONVERGED,
               "PageRank did not converge in %d iterations (L1 change %.3g, tolerance %.3g)", it, diff, tol);
    /* back to user order (y is free now) */
    for (int64_t j = 0; j < n; j++) y[ord[j]] = x[j];
    *rank = y;
    y = NULL;
    *iters = it;
    FREE_ALL;
    return CLOUT_OK;
}
