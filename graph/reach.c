/* reach.c: propagation range and depth by multi-source BFS in GraphBLAS.
 *
 * A batch of B sources is one sparse boolean frontier matrix F (B x n). One hop is
 *     F<!V, replace> = F * S      (ANY_PAIR semiring: structure only)
 *     V = V | F
 * so each row of F advances along S's edge direction, never revisiting a user. The number of
 * entries per row of F after hop d is how many users that source first reaches at distance d.
 * GraphBLAS parallelizes each product internally; batches run one after another (GraphBLAS is
 * never called from inside an OpenMP region of ours). */
#include "internal.h"

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
        clout_progress_end(prog);                                                         \
    } while (0)

int clout_reach(const clout_graph *G, const int64_t *src, int64_t ns, int max_hops, int64_t *newcount,
                char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix F = NULL, V = NULL;
    GrB_Vector cnt = NULL, ones = NULL;
    GrB_Index *I = NULL, *J = NULL, *ci = NULL;
    bool *X = NULL;
    int64_t *cx = NULL;
    clout_progress *prog = NULL;
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
    prog = clout_progress_start("reach", (double)ns, " sources");
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
        }
        FREE_GRB(F);
        FREE_GRB(V);
        FREE_GRB(cnt);
        clout_progress_update(prog, (double)(b0 + nb));
    }
    FREE_ALL;
    return CLOUT_OK;
}
