/* pagerank.c: PageRank on GraphBLAS, by block Gauss-Seidel sweeps.
 *
 * The ranks solve x = d P (x ./ w_out) + (d D(x) + (1 - d) S(x)) p, with P = S transposed, D(x)
 * the mass of the dangling users (no out-weight: they give their rank to the teleport
 * distribution p, uniform or personalized, as igraph's PRPACK solver does) and S(x) the total
 * mass; the solution is scaled to sum 1 at the end. Users come in order of decreasing out-degree,
 * cut into up to 32 blocks of consecutive users, each with its rows of P as one by-row GraphBLAS
 * matrix. A sweep takes the blocks in turn: y = P_b t (one GraphBLAS product in the pull form,
 * the one GraphBLAS runs fastest), then the block's x, t = x ./ w_out, D and S, so the next block
 * already reads them (Gauss-Seidel across blocks, Jacobi within one). On R-MAT scale 20 this
 * converges in 15 sweeps where the power iteration needs 24 (BA: 12 against 21), each sweep
 * costing what one power iteration does; the sweeps stop when the L1 change over a sweep,
 * relative to the mass, is below the tolerance. Keeping the mass term S(x) (rather than 1)
 * makes a sweep a step of an eigenvector iteration whose scale settles, instead of leaving a
 * slowly decaying error in the total mass (with 1, about 90 sweeps on R-MAT).
 *
 * The order by out-degree puts the entries of t read most often on a few cache lines (R-MAT's
 * generator scatters its hubs over the ids; the product becomes about 3x faster). The
 * relabelled transpose is built by clout_i_csr_transpose_split straight into the blocks' arrays
 * and packed into GraphBLAS without a copy; an undirected graph's S is its own transpose, so it
 * is only relabelled (clout_i_csr_relabel_split: one pass, no scatter). An unweighted P is iso
 * and the semiring PLUS_SECOND reads its pattern only (t divides by the out-degree, taken per run of equal out-degree); a
 * weighted P holds the weights as FP64 (a mixed-type PLUS_TIMES would run GraphBLAS's generic
 * kernel). Dense vectors are lent to GraphBLAS with GxB pack/unpack; the elementwise work is
 * OpenMP, never around a GraphBLAS call, and its sums add fixed pieces in a fixed order, so the
 * ranks are the same for any thread count. */
#include "metrics_internal.h"
#include <math.h>
#include <omp.h>

#define PR_PIECE 16384 /* users per piece of the fixed-order sums */
#define PR_MAXBLK CLOUT_I_PR_BLOCKS /* Gauss-Seidel blocks, at most (each of 4096 users or more) */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(S, &cs, msg2);                                   \
        for (int b_ = 0; b_ < PR_MAXBLK; b_++) FREE_GRB(P[b_]);                           \
        FREE_GRB(tv);                                                                     \
        for (int b_ = 0; b_ < PR_MAXBLK; b_++) FREE_GRB(yv[b_]);                          \
        for (int b_ = 0; b_ < PR_MAXBLK; b_++) {                                          \
            FREE_PTR(bp[b_]);                                                             \
            FREE_PTR(bi[b_]);                                                             \
            FREE_PTR(bw[b_]);                                                             \
        }                                                                                 \
        FREE_PTR(ord);                                                                    \
        FREE_PTR(newid);                                                                  \
        FREE_PTR(x);                                                                      \
        FREE_PTR(t);                                                                      \
        FREE_PTR(y);                                                                      \
        FREE_PTR(p);                                                                      \
        FREE_PTR(inv);                                                                    \
        FREE_PTR(part);                                                                   \
        FREE_PTR(run);                                                                    \
        FREE_PTR(runinv);                                                                 \
        clout_i_progress_end(prog);                                                         \
    } while (0)

/* What the pass over one block of users needs: x_i' = d y_i + c p_i with c = d D + (1 - d) S,
 * D the dangling mass and S the total mass of the current x */
typedef struct {
    double d, c, pu;
    const double *p;
} pr_pass;

/* users lo..hi-1 (y holds their products from y[0]), whose 1 / out-weight is ivs[i], or iv for
 * all when ivs is NULL: x and t take the new values, y is zeroed for the next product, and the
 * L1 change, the change of the total mass and that of the dangling mass are added to acc[0..2] */
static inline void pass_range(const pr_pass *s, int64_t lo, int64_t hi, const double *ivs, double iv,
                              double *restrict y, double *restrict x, double *restrict t, double acc[3])
{
    double df = 0, ds = 0, dg = 0;
    for (int64_t i = lo; i < hi; i++) {
        double pi = s->p ? s->p[i] : s->pu;
        double v = s->d * y[i - lo] + s->c * pi;
        double w = ivs ? ivs[i] : iv;
        double ch = v - x[i];
        df += fabs(ch);
        ds += ch;
        if (w == 0) dg += ch;
        x[i] = v;
        t[i] = v * w;
        y[i - lo] = 0;
    }
    acc[0] += df;
    acc[1] += ds;
    acc[2] += dg;
}

/* one piece of the pass: an unweighted graph's users come in runs of one out-degree (the order
 * is by out-degree), whose inverse is a constant, so no per-user array is read */
static void pass_piece(const pr_pass *s, int64_t lo, int64_t hi, int64_t ylo, const double *inv, const int64_t *run,
                       const double *runinv, int64_t nrun, double *y, double *x, double *t, double acc[3])
{
    if (inv) {
        pass_range(s, lo, hi, inv, 0, y + (lo - ylo), x, t, acc);
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
        pass_range(s, i, e, NULL, runinv[a], y + (i - ylo), x, t, acc);
        i = e;
    }
}

/* the pass over block rows r0..r0+rows-1 (y holds their products), in pieces run by OpenMP whose
 * sums add in a fixed order: tot[0..2] += the L1 change, the change of the total mass and that
 * of the dangling mass */
static void pass_block(const pr_pass *s, int64_t r0, int64_t rows, const double *inv, const int64_t *run,
                       const double *runinv, int64_t nrun, double *y, double *x, double *t, double *part,
                       double tot[3])
{
    int64_t np = (rows + PR_PIECE - 1) / PR_PIECE;
    #pragma omp parallel for schedule(static) if (rows > 50000)
    for (int64_t q = 0; q < np; q++) {
        double acc[3] = {0, 0, 0};
        int64_t a = r0 + q * PR_PIECE, e = a + PR_PIECE < r0 + rows ? a + PR_PIECE : r0 + rows;
        pass_piece(s, a, e, r0, inv, run, runinv, nrun, y, x, t, acc);
        for (int k = 0; k < 3; k++) part[3 * q + k] = acc[k];
    }
    for (int64_t q = 0; q < np; q++)
        for (int k = 0; k < 3; k++) tot[k] += part[3 * q + k];
}

int clout_i_pagerank_of(GrB_Matrix S, bool symmetric, const GrB_Matrix *given, int ngiven, int64_t n, double damping,
                        double tol, int max_iter, const double *personal, double *rank, int *iters, double *prep_seconds,
                        char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix P[PR_MAXBLK] = {NULL}, Pu[PR_MAXBLK] = {NULL}; /* P: built here; Pu: the blocks used */
    GrB_Vector tv = NULL, yv[PR_MAXBLK] = {NULL};
    uint64_t *bp[PR_MAXBLK] = {NULL}, *bi[PR_MAXBLK] = {NULL};
    double *bw[PR_MAXBLK] = {NULL}, *t = NULL, *y = NULL, *x = NULL, *p = NULL, *inv = NULL, *part = NULL,
           *runinv = NULL;
    int64_t *run = NULL;
    uint32_t *ord = NULL, *newid = NULL;
    clout_i_progress *prog = NULL;
    clout_i_csr cs;
    bool borrowed = false;
    char msg2[CLOUT_MSG_LEN];
    double t_start = clout_now();
    ASSERT_MSG(damping >= 0 && damping < 1, CLOUT_ERR_INVALID, "damping must be in [0, 1), got %g", damping);
    ASSERT_MSG(tol > 0 && max_iter > 0, CLOUT_ERR_INVALID, "tolerance and iteration limit must be positive");
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
    int nb = 1;
    int64_t lo_[PR_MAXBLK + 1];
    ALLOC_TRY(ord, n, uint32_t);
    ALLOC_TRY(newid, n, uint32_t);
    ALLOC_TRY(t, n, double);
    ALLOC_TRY(x, n, double);
    clout_i_prefault(t, (size_t)n * sizeof(double));
    clout_i_prefault(x, (size_t)n * sizeof(double));
    int64_t npc = (n + PR_PIECE - 1) / PR_PIECE + PR_MAXBLK;
    ALLOC_TRY(part, 3 * npc, double);

    /* the relabelled transpose, and 1 / out-weight in the new order: per user when weighted,
     * per run of one out-degree when not */
    TRY(clout_i_csr_borrow(S, &cs, msg));
    borrowed = true;
    ASSERT_MSG(clout_i_pagerank_order(n, cs.ptr, ord, newid) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
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
    /* the transpose in blocks of rows, one GraphBLAS matrix each (of a symmetric S: S relabelled),
     * unless given (kept in the snapshot) */
    if (given) {
        TRY(clout_i_split_rows(n, PR_MAXBLK, &nb, lo_));
        ASSERT_MSG(ngiven == nb, CLOUT_ERR_INVALID, "PageRank's layout has %d blocks, expected %d", ngiven, nb);
        for (int b = 0; b < nb; b++) {
            GrB_Index r, c;
            GRB_TRY(GrB_Matrix_nrows(&r, given[b]));
            GRB_TRY(GrB_Matrix_ncols(&c, given[b]));
            ASSERT_MSG((int64_t)r == lo_[b + 1] - lo_[b] && (int64_t)c == n, CLOUT_ERR_INVALID,
                       "PageRank's layout: block %d has the wrong shape", b);
            Pu[b] = given[b];
        }
    } else if (symmetric)
        TRY(clout_i_csr_relabel_split(n, cs.ptr, cs.idx, sw, ord, newid, PR_MAXBLK, &nb, lo_, bp, bi,
                                      sw ? (void **)bw : NULL, true, msg));
    else
        TRY(clout_i_csr_transpose_split(n, cs.ptr, cs.idx, sw, ord, newid, PR_MAXBLK, &nb, lo_, bp, bi,
                                        sw ? (void **)bw : NULL, true, msg));
    bool iso_s = cs.iso;
    borrowed = false;
    TRY(clout_i_csr_return(S, &cs, msg));
    double one = 1;
    int64_t maxrows = 0;
    for (int b = 0; b < nb; b++) {
        int64_t rows = lo_[b + 1] - lo_[b];
        if (rows > maxrows) maxrows = rows;
        if (given) {
            bool iso;
            GRB_TRY(GxB_Matrix_iso(&iso, Pu[b]));
            ASSERT_MSG(iso == iso_s, CLOUT_ERR_INVALID, "PageRank's layout: block %d is %s S is not", b,
                       iso ? "iso where" : "weighted where");
            continue;
        }
        TRY(clout_i_pack_csr(&P[b], GrB_FP64, rows, n, &bp[b], &bi[b], sw ? (void **)&bw[b] : NULL, &one, msg));
        Pu[b] = P[b];
    }
    ALLOC_TRY(y, maxrows, double);
    clout_i_prefault(y, (size_t)maxrows * sizeof(double));
    GrB_Semiring semiring = sw ? GrB_PLUS_TIMES_SEMIRING_FP64 : GxB_PLUS_SECOND_FP64;

    /* teleport distribution in the new order (NULL: uniform) */
    if (personal) {
        ALLOC_TRY(p, n, double);
        for (int64_t j = 0; j < n; j++) p[j] = personal[ord[j]] / psum;
    }
    if (prep_seconds) *prep_seconds = clout_now() - t_start;

    /* x = p, t = p ./ w_out, y = 0, and the dangling mass of p (a pass from x = 0 with y = 0 and
     * c = 1) */
    pr_pass s = {.d = 0, .c = 1, .pu = 1.0 / (double)n, .p = p};
    memset(x, 0, (size_t)n * sizeof(double));
    memset(y, 0, (size_t)maxrows * sizeof(double));
    double tot[3] = {0, 0, 0}; /* L1 change, mass, dangling mass */
    for (int b = 0; b < nb; b++) pass_block(&s, lo_[b], lo_[b + 1] - lo_[b], inv, run, runinv, nrun, y, x, t, part, tot);
    tot[1] = 1; /* the mass of p, 1 by construction (as before the sweeps) */
    GRB_TRY(GrB_Vector_new(&tv, GrB_FP64, (GrB_Index)n));
    for (int b = 0; b < nb; b++) GRB_TRY(GrB_Vector_new(&yv[b], GrB_FP64, (GrB_Index)(lo_[b + 1] - lo_[b])));
    prog = clout_i_progress_start("pagerank", 0, " it");
    int it = 0;
    double diff = INFINITY;
    s.d = damping;
    while (it < max_iter && diff >= tol) {
        tot[0] = 0;
        for (int b = 0; b < nb; b++) {
            /* y += P_b t, y being 0, with t and y lent to GraphBLAS as full vectors */
            GRB_TRY(GxB_Vector_pack_Full(tv, (void **)&t, (GrB_Index)n * sizeof(double), false, NULL));
            GRB_TRY(GxB_Vector_pack_Full(yv[b], (void **)&y, (GrB_Index)maxrows * sizeof(double), false, NULL));
            GRB_TRY(GrB_mxv(yv[b], NULL, GrB_PLUS_FP64, semiring, Pu[b], tv, NULL));
            GrB_Index sz;
            bool iso;
            GRB_TRY(GxB_Vector_unpack_Full(tv, (void **)&t, &sz, &iso, NULL));
            GRB_TRY(GrB_Vector_wait(yv[b], GrB_MATERIALIZE));
            GRB_TRY(GxB_Vector_unpack_Full(yv[b], (void **)&y, &sz, &iso, NULL));
            ASSERT_MSG(!iso, CLOUT_ERR_INTERNAL, "unexpected iso result");
            /* the block's new x and t, with c from the current dangling mass and mass */
            s.c = damping * tot[2] + (1 - damping) * tot[1];
            pass_block(&s, lo_[b], lo_[b + 1] - lo_[b], inv, run, runinv, nrun, y, x, t, part, tot);
        }
        diff = tot[0] / tot[1];
        it++;
        if (clout_i_progress_update(prog, it)) ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
    }
    ASSERT_MSG(diff < tol, CLOUT_ERR_NOT_CONVERGED,
               "PageRank did not converge in %d iterations (L1 change %.3g, tolerance %.3g)", it, diff, tol);
    /* x / its sum, back in user order (t is free now) */
    {
        int64_t np = (n + PR_PIECE - 1) / PR_PIECE;
        #pragma omp parallel for schedule(static) if (n > 50000)
        for (int64_t q = 0; q < np; q++) {
            double a = 0;
            int64_t e = (q + 1) * PR_PIECE < n ? (q + 1) * PR_PIECE : n;
            for (int64_t i = q * PR_PIECE; i < e; i++) a += x[i];
            part[q] = a;
        }
        double sum = 0;
        for (int64_t q = 0; q < np; q++) sum += part[q];
        for (int64_t j = 0; j < n; j++) t[ord[j]] = x[j] / sum;
    }
    memcpy(rank, t, (size_t)n * sizeof(double));
    *iters = it;
    FREE_ALL;
    return CLOUT_OK;
}

int clout_pagerank(clout_graph *G, double damping, double tol, int max_iter, const double *personal,
                   double *rank, int *iters, double *prep_seconds, char msg[CLOUT_MSG_LEN])
{
    /* PageRank's layout, when loaded from the snapshot, replaces the transpose */
    return clout_i_pagerank_of(G->S, !G->directed, G->pagerank_nblocks ? G->pagerank_blocks : NULL,
                               G->pagerank_nblocks, clout_graph_users(G), damping, tol, max_iter, personal, rank, iters,
                               prep_seconds, msg);
}
