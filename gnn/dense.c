/* dense.c: dense float32 matrices, deterministic dense products, CSR sparse x dense products and
 * the normalized adjacencies GCN and LightGCN propagate over. */
#include "gnn_internal.h"
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define FREE_ALL

int clout_i_mat_new(clout_i_mat *a, int64_t rows, int64_t cols, char msg[CLOUT_MSG_LEN])
{
    memset(a, 0, sizeof(*a));
    ASSERT_MSG(rows >= 0 && cols >= 0 && (rows == 0 || cols <= INT64_MAX / 4 / rows), CLOUT_ERR_INVALID,
               "a %lld x %lld matrix is too large", (long long)rows, (long long)cols);
    size_t bytes = (size_t)rows * (size_t)cols * sizeof(float);
    TRY(clout_memory_fits((double)bytes, "a dense matrix", CLOUT_ERR_INVALID, msg));
    size_t alloc = (bytes + 63) / 64 * 64;
    if (alloc == 0) alloc = 64;
    /* allocation failures injected by the out-of-memory test go through clout_i_malloc first */
    void *probe = clout_i_malloc(1, 1);
    ASSERT_MSG(probe != NULL, CLOUT_ERR_NOMEM, "out of memory allocating a %lld x %lld matrix", (long long)rows,
               (long long)cols);
    free(probe);
    a->x = aligned_alloc(64, alloc);
    ASSERT_MSG(a->x != NULL, CLOUT_ERR_NOMEM, "out of memory allocating a %lld x %lld matrix", (long long)rows,
               (long long)cols);
    a->rows = rows;
    a->cols = cols;
    clout_i_mat_zero(a);
    return CLOUT_OK;
}

void clout_i_mat_free(clout_i_mat *a)
{
    free(a->x);
    memset(a, 0, sizeof(*a));
}

void clout_i_mat_zero(clout_i_mat *a)
{
    int64_t n = a->rows * a->cols;
#pragma omp parallel for schedule(static) if (n > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < n; i++) a->x[i] = 0.0f;
}

void clout_i_mat_copy(clout_i_mat *dst, const clout_i_mat *src)
{
    memcpy(dst->x, src->x, (size_t)(src->rows * src->cols) * sizeof(float));
}

/* ---------------------------------------------------------------- deterministic dense products
 * OpenBLAS's sgemm gives different bits for different thread counts (it splits the work
 * differently), so the models use these instead: every output entry is computed by one thread in
 * a fixed order, and the reduction of mm_tn over rows runs in fixed blocks summed in order. */

CLOUT_CLONES
static void mm_rows(const float *restrict A, const float *restrict B, float *restrict C, int64_t k, int64_t m,
                    int64_t lo, int64_t hi, bool acc)
{
    for (int64_t i = lo; i < hi; i++) {
        float *restrict c = C + i * m;
        if (!acc)
            for (int64_t q = 0; q < m; q++) c[q] = 0.0f;
        const float *a = A + i * k;
        for (int64_t t = 0; t < k; t++) {
            const float x = a[t];
            if (x == 0.0f) continue;
            const float *restrict b = B + t * m;
            for (int64_t q = 0; q < m; q++) c[q] += x * b[q];
        }
    }
}

void clout_i_mm(const clout_i_mat *A, const clout_i_mat *B, clout_i_mat *C, bool acc)
{
    const int64_t n = A->rows, k = A->cols, m = B->cols, chunk = 32, nc = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 4) if (n * k * m > CLOUT_I_PAR_FLOPS)
    for (int64_t b = 0; b < nc; b++)
        mm_rows(A->x, B->x, C->x, k, m, b * chunk, (b + 1) * chunk < n ? (b + 1) * chunk : n, acc);
}

/* a . b over d floats: 16 partial sums when d is a multiple of 16, added in a fixed order */
CLOUT_CLONES
float clout_i_dot(const float *a, const float *b, int64_t d)
{
    if (d % 16 == 0) {
        clout_i_v16f acc = {0};
        for (int64_t c = 0; c < d; c += 16) acc += *(const clout_i_v16f *)(a + c) * *(const clout_i_v16f *)(b + c);
        float s = 0;
        for (int q = 0; q < 16; q++) s += acc[q];
        return s;
    }
    float s = 0;
    for (int64_t c = 0; c < d; c++) s += a[c] * b[c];
    return s;
}

void clout_i_mm_nt(const clout_i_mat *A, const clout_i_mat *B, clout_i_mat *C)
{
    const int64_t n = A->rows, m = B->rows, d = A->cols;
#pragma omp parallel for schedule(dynamic, 8) if (n * m * d > CLOUT_I_PAR_FLOPS)
    for (int64_t i = 0; i < n; i++) {
        const float *a = A->x + i * d;
        float *c = C->x + i * m;
        for (int64_t j = 0; j < m; j++) c[j] = clout_i_dot(a, B->x + j * d, d);
    }
}

CLOUT_CLONES
static void outer_rows(const float *restrict A, const float *restrict B, float *restrict C, int64_t k, int64_t m,
                       int64_t lo, int64_t hi)
{
    for (int64_t t = 0; t < k * m; t++) C[t] = 0.0f;
    for (int64_t i = lo; i < hi; i++) {
        const float *a = A + i * k, *restrict b = B + i * m;
        for (int64_t t = 0; t < k; t++) {
            const float x = a[t];
            if (x == 0.0f) continue;
            float *restrict c = C + t * m;
            for (int64_t q = 0; q < m; q++) c[q] += x * b[q];
        }
    }
}

#undef FREE_ALL
#define FREE_ALL FREE_PTR(part)

int clout_i_mm_tn(const clout_i_mat *A, const clout_i_mat *B, clout_i_mat *C, char msg[CLOUT_MSG_LEN])
{
    const int64_t n = A->rows, k = A->cols, m = B->cols, blk = 1024, nb = (n + blk - 1) / blk;
    float *part = NULL;
    /* blocks of 1024 rows in groups of 64: memory 64 k m floats, whatever n */
    const int64_t group = 64;
    ALLOC_TRY(part, group * k * m + 1, float);
    for (int64_t t = 0; t < k * m; t++) C->x[t] = 0.0f;
    for (int64_t g0 = 0; g0 < nb; g0 += group) {
        int64_t g1 = g0 + group < nb ? g0 + group : nb;
#pragma omp parallel for schedule(dynamic, 1) if ((g1 - g0) > 1 && k * m * blk * (g1 - g0) > CLOUT_I_PAR_FLOPS)
        for (int64_t b = g0; b < g1; b++)
            outer_rows(A->x, B->x, part + (b - g0) * k * m, k, m, b * blk, (b + 1) * blk < n ? (b + 1) * blk : n);
        for (int64_t b = g0; b < g1; b++) {
            const float *p = part + (b - g0) * k * m;
            for (int64_t t = 0; t < k * m; t++) C->x[t] += p[t];
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

void clout_i_spm_free(clout_i_spm *a)
{
    free(a->p);
    free(a->j);
    free(a->v);
    memset(a, 0, sizeof(*a));
}

/* Rows lo..hi-1 of Y = A H for 64 columns: a register-sized accumulator. Compiled for AVX-512,
 * AVX2 and the baseline, chosen at load time by the processor; each entry is the same sum of the
 * same rounded products in the same order in every version (ISO C mode: no contraction into
 * fused multiply-adds), so results do not depend on the processor's vector width either. */
CLOUT_CLONES
static void spmm_rows64(const int64_t *restrict p, const int32_t *restrict j, const float *restrict v,
                        const float *restrict H, float *restrict Y, int64_t lo, int64_t hi, bool accumulate)
{
    for (int64_t i = lo; i < hi; i++) {
        clout_i_v16f *y = (clout_i_v16f *)(Y + i * 64);
        clout_i_v16f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        if (accumulate) a0 = y[0], a1 = y[1], a2 = y[2], a3 = y[3];
        for (int64_t k = p[i]; k < p[i + 1]; k++) {
            const float a = v[k];
            const clout_i_v16f *h = (const clout_i_v16f *)(H + (int64_t)j[k] * 64);
            a0 += a * h[0];
            a1 += a * h[1];
            a2 += a * h[2];
            a3 += a * h[3];
        }
        y[0] = a0;
        y[1] = a1;
        y[2] = a2;
        y[3] = a3;
    }
}

CLOUT_CLONES
static void spmm_rows(const int64_t *restrict p, const int32_t *restrict j, const float *restrict v,
                      const float *restrict H, float *restrict Y, int64_t d, int64_t lo, int64_t hi, bool accumulate)
{
    for (int64_t i = lo; i < hi; i++) {
        float *restrict y = Y + i * d;
        if (!accumulate)
            for (int64_t c = 0; c < d; c++) y[c] = 0.0f;
        for (int64_t k = p[i]; k < p[i + 1]; k++) {
            const float a = v[k];
            const float *restrict h = H + (int64_t)j[k] * d;
            for (int64_t c = 0; c < d; c++) y[c] += a * h[c];
        }
    }
}

void clout_i_spmm(const clout_i_spm *A, const clout_i_mat *H, clout_i_mat *Y, bool accumulate)
{
    const int64_t d = H->cols, n = A->n, chunk = 64;
    const int64_t nchunks = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 1) if (A->p[n] * d > CLOUT_I_PAR_FLOPS)
    for (int64_t b = 0; b < nchunks; b++) {
        int64_t lo = b * chunk, hi = lo + chunk < n ? lo + chunk : n;
        if (d == 64) spmm_rows64(A->p, A->j, A->v, H->x, Y->x, lo, hi, accumulate);
        else spmm_rows(A->p, A->j, A->v, H->x, Y->x, d, lo, hi, accumulate);
    }
}

#undef FREE_ALL
#define FREE_ALL clout_i_spm_free(&t)

int clout_i_spm_transpose(const clout_i_spm *A, clout_i_spm *T, char msg[CLOUT_MSG_LEN])
{
    clout_i_spm t = {0};
    int64_t nnz = A->p[A->n];
    t.n = A->m;
    t.m = A->n;
    CALLOC_TRY(t.p, t.n + 1, int64_t);
    ALLOC_TRY(t.j, nnz ? nnz : 1, int32_t);
    ALLOC_TRY(t.v, nnz ? nnz : 1, float);
    for (int64_t k = 0; k < nnz; k++) t.p[A->j[k] + 1]++;
    for (int64_t r = 0; r < t.n; r++) t.p[r + 1] += t.p[r];
    int64_t *next;
    next = clout_i_malloc((size_t)(t.n ? t.n : 1), sizeof(int64_t));
    ASSERT_MSG(next != NULL, CLOUT_ERR_NOMEM, "out of memory transposing a sparse matrix");
    memcpy(next, t.p, (size_t)t.n * sizeof(int64_t));
    /* rows of A in ascending order: each row of the transpose comes out sorted */
    for (int64_t i = 0; i < A->n; i++)
        for (int64_t k = A->p[i]; k < A->p[i + 1]; k++) {
            int64_t pos = next[A->j[k]]++;
            t.j[pos] = (int32_t)i;
            t.v[pos] = A->v[k];
        }
    free(next);
    *T = t;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- normalized adjacencies */

/* The pattern of a GraphBLAS matrix as sorted CSR rows (borrowed read-only). */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (lent) clout_i_csr_return(U ? U : B, &c, msg);                                 \
        FREE_GRB(U);                                                                      \
        clout_i_spm_free(&a);                                                             \
        FREE_PTR(dinv);                                                                   \
    } while (0)

int clout_i_gcn_adjacency(clout_graph *G, clout_i_spm *A, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix U = NULL, B = NULL;
    clout_i_csr c = {0};
    clout_i_spm a = {0};
    float *dinv = NULL;
    bool lent = false;
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(n < INT32_MAX, CLOUT_ERR_INVALID, "GCN: %lld users, more than 2^31 - 1", (long long)n);
    TRY(clout_i_undirected_view(G, &U, &B, msg));
    TRY(clout_i_csr_borrow(B, &c, msg));
    lent = true;
    int64_t nnz = (int64_t)c.ptr[n] + n;
    TRY(clout_memory_fits((double)nnz * 8 + (double)n * 12, "the GCN adjacency", CLOUT_ERR_INVALID, msg));
    a.n = a.m = n;
    ALLOC_TRY(a.p, n + 1, int64_t);
    ALLOC_TRY(a.j, nnz ? nnz : 1, int32_t);
    ALLOC_TRY(a.v, nnz ? nnz : 1, float);
    ALLOC_TRY(dinv, n ? n : 1, float);
    /* A + I: the self-loop placed in order among each row's sorted columns; S has none */
    a.p[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t q = a.p[i];
        bool self = false;
        for (uint64_t k = c.ptr[i]; k < c.ptr[i + 1]; k++) {
            int64_t jj = (int64_t)c.idx[k];
            if (!self && jj > i) a.j[q++] = (int32_t)i, self = true;
            a.j[q++] = (int32_t)jj;
        }
        if (!self) a.j[q++] = (int32_t)i;
        a.p[i + 1] = q;
        dinv[i] = (float)(1.0 / sqrt((double)(q - a.p[i])));
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = a.p[i]; k < a.p[i + 1]; k++) a.v[k] = dinv[i] * dinv[a.j[k]];
    TRY(clout_i_csr_return(U ? U : B, &c, msg));
    lent = false;
    FREE_GRB(U);
    free(dinv);
    *A = a;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (lentR) clout_i_csr_return(G->R, &cr, msg);                                     \
        if (lentS) clout_i_csr_return(U ? U : B, &cs, msg);                               \
        FREE_GRB(U);                                                                      \
        clout_i_spm_free(&a);                                                             \
        clout_i_spm_free(&rt);                                                            \
        FREE_PTR(du);                                                                     \
        FREE_PTR(di);                                                                     \
        FREE_PTR(ds);                                                                     \
    } while (0)

int clout_i_lightgcn_adjacency(clout_graph *G, bool social, double beta, clout_i_spm *P, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix U = NULL, B = NULL;
    clout_i_csr cr = {0}, cs = {0};
    clout_i_spm a = {0}, rt = {0}, r = {0};
    float *du = NULL, *di = NULL, *ds = NULL;
    bool lentR = false, lentS = false;
    int64_t n = clout_graph_users(G), m = clout_graph_items(G);
    ASSERT_MSG(n + m < INT32_MAX, CLOUT_ERR_INVALID, "LightGCN: %lld users and items, more than 2^31 - 1",
               (long long)(n + m));
    TRY(clout_i_csr_borrow(G->R, &cr, msg));
    lentR = true;
    int64_t nr = (int64_t)cr.ptr[n];
    /* R's pattern as a CSR of its own, and its transpose */
    r.n = n;
    r.m = m;
    r.p = (int64_t *)cr.ptr; /* read-only: borrowed, never freed here */
    int32_t *rj = NULL;
    rj = clout_i_malloc((size_t)(nr ? nr : 1), sizeof(int32_t));
    ASSERT_MSG(rj != NULL, CLOUT_ERR_NOMEM, "out of memory building LightGCN's adjacency");
    for (int64_t k = 0; k < nr; k++) rj[k] = (int32_t)cr.idx[k];
    r.j = rj;
    float *rv = clout_i_malloc((size_t)(nr ? nr : 1), sizeof(float));
    if (rv == NULL) {
        free(rj);
        ERR(CLOUT_ERR_NOMEM, "out of memory building LightGCN's adjacency");
    }
    for (int64_t k = 0; k < nr; k++) rv[k] = 1.0f;
    r.v = rv;
    int st = clout_i_spm_transpose(&r, &rt, msg);
    free(rj);
    free(rv);
    if (st < 0) {
        FREE_ALL;
        return st;
    }
    ALLOC_TRY(du, n ? n : 1, float);
    ALLOC_TRY(di, m ? m : 1, float);
    for (int64_t u = 0; u < n; u++) {
        int64_t deg = (int64_t)(cr.ptr[u + 1] - cr.ptr[u]);
        du[u] = deg ? (float)(1.0 / sqrt((double)deg)) : 0.0f;
    }
    for (int64_t i = 0; i < m; i++) {
        int64_t deg = rt.p[i + 1] - rt.p[i];
        di[i] = deg ? (float)(1.0 / sqrt((double)deg)) : 0.0f;
    }
    int64_t ns = 0;
    if (social) {
        TRY(clout_i_undirected_view(G, &U, &B, msg));
        TRY(clout_i_csr_borrow(U ? U : B, &cs, msg));
        lentS = true;
        ns = (int64_t)cs.ptr[n];
        ALLOC_TRY(ds, n ? n : 1, float);
        for (int64_t u = 0; u < n; u++) {
            int64_t deg = (int64_t)(cs.ptr[u + 1] - cs.ptr[u]);
            ds[u] = deg ? (float)(1.0 / sqrt((double)deg)) : 0.0f;
        }
    }
    int64_t nnz = 2 * nr + ns;
    TRY(clout_memory_fits((double)nnz * 8 + (double)(n + m) * 8, "the LightGCN adjacency", CLOUT_ERR_INVALID, msg));
    a.n = a.m = n + m;
    ALLOC_TRY(a.p, n + m + 1, int64_t);
    ALLOC_TRY(a.j, nnz ? nnz : 1, int32_t);
    ALLOC_TRY(a.v, nnz ? nnz : 1, float);
    int64_t q = 0;
    a.p[0] = 0;
    for (int64_t u = 0; u < n; u++) {
        /* friends first (columns < n), then items (columns n..n+m-1): sorted */
        /* the item aggregation whole, the friends' added with weight beta */
        const float sw = (float)beta;
        if (social)
            for (uint64_t k = cs.ptr[u]; k < cs.ptr[u + 1]; k++) {
                int64_t f = (int64_t)cs.idx[k];
                a.j[q] = (int32_t)f;
                a.v[q++] = sw * ds[u] * ds[f];
            }
        for (uint64_t k = cr.ptr[u]; k < cr.ptr[u + 1]; k++) {
            int64_t i = (int64_t)cr.idx[k];
            a.j[q] = (int32_t)(n + i);
            a.v[q++] = du[u] * di[i];
        }
        a.p[u + 1] = q;
    }
    for (int64_t i = 0; i < m; i++) {
        for (int64_t k = rt.p[i]; k < rt.p[i + 1]; k++) {
            int64_t u = rt.j[k];
            a.j[q] = (int32_t)u;
            a.v[q++] = di[i] * du[u];
        }
        a.p[n + i + 1] = q;
    }
    lentR = false;
    TRY(clout_i_csr_return(G->R, &cr, msg));
    if (lentS) {
        lentS = false;
        TRY(clout_i_csr_return(U ? U : B, &cs, msg));
    }
    FREE_GRB(U);
    clout_i_spm_free(&rt);
    free(du);
    free(di);
    free(ds);
    *P = a;
    return CLOUT_OK;
}
