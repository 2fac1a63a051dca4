/* pagerank.c: PageRank by power iteration on GraphBLAS.
 *
 * Pull form: y = ST * t with t = x ./ w_out, where ST (S transposed, stored by row) is cached on
 * the graph, so each iteration is one row-wise sparse matrix x dense vector product (the form
 * GraphBLAS runs fastest; a by-row S with a transpose descriptor is about 4x slower). For an
 * unweighted graph the product is PLUS_SECOND over ST's pattern, with no copy of the matrix. Dangling
 * users (no out-weight) give their rank to the teleport distribution p (uniform, or the
 * personalization vector), as igraph's PRPACK solver does:
 *     x' = d * (ST * t) + (d * dangling(x) + 1 - d) * p
 * Dense vectors live in our arrays and are lent to GraphBLAS with GxB pack/unpack (no copies);
 * elementwise work runs in our OpenMP loops, never around a GraphBLAS call. */
#include "internal.h"
#include <math.h>
#include <omp.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(A);                                                                      \
        FREE_GRB(wv);                                                                     \
        FREE_GRB(tv);                                                                     \
        FREE_GRB(yv);                                                                     \
        FREE_PTR(x);                                                                      \
        FREE_PTR(t);                                                                      \
        FREE_PTR(y);                                                                      \
        FREE_PTR(p);                                                                      \
        FREE_PTR(inv);                                                                    \
        clout_progress_end(prog);                                                         \
    } while (0)

int clout_pagerank(clout_graph *G, double damping, double tol, int max_iter, const double *personal,
                   double **rank, int *iters, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix A = NULL;
    GrB_Vector wv = NULL, tv = NULL, yv = NULL;
    double *x = NULL, *t = NULL, *y = NULL, *p = NULL, *inv = NULL;
    clout_progress *prog = NULL;
    ASSERT_MSG(damping >= 0 && damping < 1, CLOUT_ERR_INVALID, "damping must be in [0, 1), got %g", damping);
    ASSERT_MSG(tol > 0 && max_iter > 0, CLOUT_ERR_INVALID, "tolerance and iteration limit must be positive");
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(n > 0, CLOUT_ERR_INVALID, "the graph has no users");
    TRY(clout_graph_cache_transpose(G, msg));
    /* An unweighted ST is used as it is with the PLUS_SECOND semiring, which reads only its
     * pattern. A weighted one gets an FP64 copy: a mixed-type PLUS_TIMES would run GraphBLAS's
     * slow generic kernel. */
    bool iso = false;
    GRB_TRY(GxB_Matrix_iso(&iso, G->ST));
    GrB_Semiring semiring = GrB_PLUS_TIMES_SEMIRING_FP64;
    GrB_Matrix M = G->ST;
    if (!iso) {
        GRB_TRY(GrB_Matrix_new(&A, GrB_FP64, (GrB_Index)n, (GrB_Index)n));
        GRB_TRY(GxB_set(A, GxB_FORMAT, GxB_BY_ROW));
        GRB_TRY(GrB_Matrix_apply(A, NULL, NULL, GrB_IDENTITY_FP64, G->ST, NULL));
        M = A;
    } else {
        semiring = GxB_PLUS_SECOND_FP64;
    }
    ALLOC_TRY(x, n, double);
    ALLOC_TRY(t, n, double);
    ALLOC_TRY(y, n, double);
    ALLOC_TRY(p, n, double);
    CALLOC_TRY(inv, n, double);
    if (iso) {
        /* unweighted (iso): the product over ST's pattern sums t over in-neighbours, so t = x /
         * out-degree, the length of S's row (read off its row pointers, lent zero-copy) */
        clout_i_csr cs;
        TRY(clout_i_csr_borrow(G->S, &cs, msg));
        for (int64_t i = 0; i < n; i++)
            if (cs.ptr[i + 1] > cs.ptr[i]) inv[i] = 1.0 / (double)(cs.ptr[i + 1] - cs.ptr[i]);
        TRY(clout_i_csr_return(G->S, &cs, msg));
    } else {
        /* weighted out-degree */
        GRB_TRY(GrB_Vector_new(&wv, GrB_FP64, (GrB_Index)n));
        GRB_TRY(GrB_Matrix_reduce_Monoid(wv, NULL, NULL, GrB_PLUS_MONOID_FP64, G->S, NULL));
        GrB_Index nw = 0;
        GRB_TRY(GrB_Vector_nvals(&nw, wv));
        GrB_Index *wi = clout_i_malloc(nw ? nw : 1, sizeof(GrB_Index));
        double *wx = clout_i_malloc(nw ? nw : 1, sizeof(double));
        if (wi == NULL || wx == NULL) {
            free(wi);
            free(wx);
            ERR(CLOUT_ERR_NOMEM, "out of memory");
        }
        GrB_Info info = GrB_Vector_extractTuples_FP64(wi, wx, &nw, wv);
        for (GrB_Index k = 0; info == GrB_SUCCESS && k < nw; k++)
            if (wx[k] > 0) inv[wi[k]] = 1.0 / wx[k];
        free(wi);
        free(wx);
        GRB_TRY(info);
        FREE_GRB(wv);
    }
    /* teleport distribution */
    if (personal) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) {
            ASSERT_MSG(isfinite(personal[i]) && personal[i] >= 0, CLOUT_ERR_INVALID,
                       "personalization weights must be finite and >= 0");
            s += personal[i];
        }
        ASSERT_MSG(s > 0, CLOUT_ERR_INVALID, "personalization weights sum to zero");
        for (int64_t i = 0; i < n; i++) p[i] = personal[i] / s;
    } else {
        for (int64_t i = 0; i < n; i++) p[i] = 1.0 / (double)n;
    }
    for (int64_t i = 0; i < n; i++) x[i] = p[i];
    GRB_TRY(GrB_Vector_new(&tv, GrB_FP64, (GrB_Index)n));
    GRB_TRY(GrB_Vector_new(&yv, GrB_FP64, (GrB_Index)n));
    prog = clout_progress_start("pagerank", 0, " it");
    int it = 0;
    double diff = INFINITY;
    GrB_Index bytes = (GrB_Index)n * sizeof(double);
    while (it < max_iter && diff >= tol) {
        double dangling = 0;
        #pragma omp parallel for schedule(static) reduction(+ : dangling) if (n > 50000)
        for (int64_t i = 0; i < n; i++) {
            t[i] = x[i] * inv[i];
            y[i] = 0;
            if (inv[i] == 0) dangling += x[i];
        }
        /* y = 0; y += A * t (the accumulator keeps y full where A has empty rows): t and y are
         * lent to GraphBLAS as full vectors */
        GRB_TRY(GxB_Vector_pack_Full(tv, (void **)&t, bytes, false, NULL));
        GRB_TRY(GxB_Vector_pack_Full(yv, (void **)&y, bytes, false, NULL));
        GRB_TRY(GrB_mxv(yv, NULL, GrB_PLUS_FP64, semiring, M, tv, NULL));
        GrB_Index sz;
        bool iso;
        GRB_TRY(GxB_Vector_unpack_Full(tv, (void **)&t, &sz, &iso, NULL));
        GRB_TRY(GrB_Vector_wait(yv, GrB_MATERIALIZE));
        GRB_TRY(GxB_Vector_unpack_Full(yv, (void **)&y, &sz, &iso, NULL));
        ASSERT_MSG(!iso, CLOUT_ERR_INTERNAL, "unexpected iso result");
        double c = damping * dangling + (1 - damping);
        diff = 0;
        #pragma omp parallel for schedule(static) reduction(+ : diff) if (n > 50000)
        for (int64_t i = 0; i < n; i++) {
            double v = damping * y[i] + c * p[i];
            diff += fabs(v - x[i]);
            x[i] = v;
        }
        it++;
        clout_progress_update(prog, it);
    }
    ASSERT_MSG(diff < tol, CLOUT_ERR_NOT_CONVERGED,
               "PageRank did not converge in %d iterations (L1 change %.3g, tolerance %.3g)", it, diff, tol);
    *rank = x;
    x = NULL;
    *iters = it;
    FREE_ALL;
    return CLOUT_OK;
}
