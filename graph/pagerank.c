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
 * the ranks are the same for any thread count. That loop streams as little as it can: x is not
 * stored but formed again from the previous product's y (two y buffers take turns), and an
 * unweighted graph's 1 / out-degree comes from its runs of equal out-degree, not from an array
 * (on R-MAT the pass went from about 1.4 to 1.0 ms). */
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
        FREE_PTR(yp);                                                                     \
        FREE_PTR(run);                                                                    \
        FREE_PTR(runinv);                                                                 \
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

/* What one pass of the fused elementwise loop needs: x' = d y + c p is formed twice, for this
 * iteration (y, c) and again for the last one (yp, cp: the same expression on the same values,
 * so the same bits), which spares storing x; first: the last x is p itself. */
typedef struct {
    double d, c, cp, pu;
    const double *p;
    bool first;
} pr_pass;

/* users lo..hi-1, whose 1 / out-weight is ivs[i], or iv for all when ivs is NULL: adds the L1
 * change to *df and the dangling mass of x' to *dg, writes t = x' / w_out and zeroes yp for the
 * next product (y and yp trade places every iteration) */
static inline void pass_range(const pr_pass *s, int64_t lo, int64_t hi, const double *ivs, double iv,
                              const double *restrict y, double *restrict yp, double *restrict t, double *df,
                              double *dg)
{
    double a = 0, g = 0;
    for (int64_t i = lo; i < hi; i++) {
        double pi = s->p ? s->p[i] : s->pu;
        double v = s->d * y[i] + s->c * pi;
        double o = s->first ? pi : s->d * yp[i] + s->cp * pi;
        double w = ivs ? ivs[i] : iv;
        a += fabs(v - o);
        t[i] = v * w;
        yp[i] = 0;
        if (w == 0) g += v;
    }
    *df += a;
    *dg += g;
}

/* one block of the pass: an unweighted graph's users come in runs of one out-degree (the order is
 * by out-degree), whose inverse is a constant, so no per-user array is read */
static void pass_block(const pr_pass *s, int64_t lo, int64_t hi, const double *inv, const int64_t *run,
                       const double *runinv, int64_t nrun, const double *y, double *yp, double *t, double *df,
                       double *dg)
{
    if (inv) {
        pass_range(s, lo, hi, inv, 0, y, yp, t, df, dg);
        return;
    }
    int64_t a = 0, b = nrun; /* the run holding lo: run[a] <= lo < run[a + 1] */
    while (b - a > 1) {
        int64_t m = a + (b - a) / 2;
        if (run[m] <= lo) a = m;
        else b = m;
    }
    for (int64_t i = lo; i < hi; a++) {
        int64_t e = run[a + 1] < hi ? run[a + 1] : hi;
        pass_range(s, i, e, NULL, runinv[a], y, yp, t, df, dg);
        i = e;
    }
}

int clout_pagerank(clout_graph *G, double damping, double tol, int max_iter, const double *personal,
                   double **rank, int *iters, double *prep_seconds, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix P = NULL;
    GrB_Vector tv = NULL, yv = NULL;
    uint64_t *tp = NULL, *ti = NULL;
    double *tw = NULL, *t = NULL, *y = NULL, *yp = NULL, *p = NULL, *inv = NULL, *part = NULL, *runinv = NULL;
    int64_t *run = NULL;
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
    ALLOC_TRY(t, n, double);
    ALLOC_TRY(y, n, double);
    ALLOC_TRY(yp, n, double);
    clout_i_prefault(t, (size_t)n * sizeof(double));
    clout_i_prefault(y, (size_t)n * sizeof(double));
    clout_i_prefault(yp, (size_t)n * sizeof(double));
    int64_t nblk = (n + PR_BLOCK - 1) / PR_BLOCK;
    ALLOC_TRY(part, 2 * nblk, double);

    /* the relabelled transpose P, and 1 / out-weight in the new order: per user when weighted,
     * per run of one out-degree when not */
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    borrowed = true;
    ASSERT_MSG(degree_order(n, cs.ptr, ord, newid) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    const float *sw = cs.iso ? NULL : (const float *)cs.vals;
    int64_t nrun = 0;
    if (sw) {
        ALLOC_TRY(inv, n, double);
        #pragma omp parallel for schedule(static) if (n > 50000)
        for (int64_t j = 0; j < n; j++) {
            int64_t u = ord[j];
            double w = 0;
            for (uint64_t k = cs.ptr[u]; k < cs.ptr[u + 1]; k++) w += (double)sw[k];
            inv[j] = w > 0 ? 1.0 / w : 0;
        }
    } else {
        for (int64_t j = 0; j < n; j++)
            if (j == 0 || cs.ptr[ord[j] + 1] - cs.ptr[ord[j]] != cs.ptr[ord[j - 1] + 1] - cs.ptr[ord[j - 1]]) nrun++;
        ALLOC_TRY(run, nrun + 1, int64_t);
        ALLOC_TRY(runinv, nrun, double);
        nrun = 0;
        for (int64_t j = 0; j < n; j++) {
            uint64_t d = cs.ptr[ord[j] + 1] - cs.ptr[ord[j]];
            if (j == 0 || d != cs.ptr[ord[j - 1] + 1] - cs.ptr[ord[j - 1]]) {
                run[nrun] = j;
                runinv[nrun++] = d > 0 ? 1.0 / (double)d : 0;
            }
        }
        run[nrun] = n;
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
    if (prep_seconds) *prep_seconds = clout_now() - t_start;

    /* x = p: with y = 0, d = 0 and c = 1 the pass gives x' = p, t = p ./ w_out, y = yp = 0 and
     * the dangling mass of p */
    pr_pass s = {.d = 0, .c = 1, .cp = 0, .pu = 1.0 / (double)n, .p = p, .first = true};
    memset(y, 0, (size_t)n * sizeof(double));
    #pragma omp parallel for schedule(static) if (n > 50000)
    for (int64_t b = 0; b < nblk; b++) {
        double df = 0, dg = 0;
        int64_t hi = (b + 1) * PR_BLOCK < n ? (b + 1) * PR_BLOCK : n;
        pass_block(&s, b * PR_BLOCK, hi, inv, run, runinv, nrun, y, yp, t, &df, &dg);
        part[b] = dg;
    }
    double dangling = 0;
    for (int64_t b = 0; b < nblk; b++) dangling += part[b];
    GRB_TRY(GrB_Vector_new(&tv, GrB_FP64, (GrB_Index)n));
    GRB_TRY(GrB_Vector_new(&yv, GrB_FP64, (GrB_Index)n));
    prog = clout_progress_start("pagerank", 0, " it");
    int it = 0;
    double diff = INFINITY;
    GrB_Index bytes = (GrB_Index)n * sizeof(double);
    s.d = damping;
    while (it < max_iter && diff >= tol) {
        /* y += P t, y being 0 (the accumulator keeps y full where P has empty rows), with t and y
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
        /* x' = d y + c p, its L1 change from x = d yp + cp p (or p), the next t, the next
         * product's zeroed yp and the dangling mass of x', in one pass */
        s.c = damping * dangling + (1 - damping);
        s.first = it == 0;
        #pragma omp parallel for schedule(static) if (n > 50000)
        for (int64_t b = 0; b < nblk; b++) {
            double df = 0, dg = 0;
            int64_t hi = (b + 1) * PR_BLOCK < n ? (b + 1) * PR_BLOCK : n;
            pass_block(&s, b * PR_BLOCK, hi, inv, run, runinv, nrun, y, yp, t, &df, &dg);
            part[b] = df;
            part[nblk + b] = dg;
        }
        diff = 0;
        dangling = 0;
        for (int64_t b = 0; b < nblk; b++) {
            diff += part[b];
            dangling += part[nblk + b];
        }
        double *sw_ = y;
        y = yp;
        yp = sw_;
        s.cp = s.c;
        it++;
        clout_progress_update(prog, it);
    }
    ASSERT_MSG(diff < tol, CLOUT_ERR_NOT_CONVERGED,
               "PageRank did not converge in %d iterations (L1 change %.3g, tolerance %.3g)", it, diff, tol);
    /* the last x' = d yp + cp p, back in user order (y is free now) */
    for (int64_t j = 0; j < n; j++) y[ord[j]] = damping * yp[j] + s.cp * (p ? p[j] : s.pu);
    *rank = y;
    y = NULL;
    *iters = it;
    FREE_ALL;
    return CLOUT_OK;
}
