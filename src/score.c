/* score.c: influence scores from feature vectors: normalization, the per-user weighted sum
 * I_u = sum_j w_j f_j(u), and the pairwise formula
 *
 *   influence(u, v) = sum_i w_i x_ui (x_vi - c_vi) / sqrt(sum_i w_i^2 x_ui^2)
 *
 * with c_vi = mu_v, the mean of x_v's entries (user centering), or m_i, feature i's mean over all
 * users (feature centering). The numerator splits into sum_i w_i x_ui x_vi minus a term of u
 * alone (feature centering: b_u = sum_i w_i x_ui m_i) or of u and v (user centering:
 * a_u mu_v, a_u = sum_i w_i x_ui); so for every tie at once it is the product (X diag(w)) X'
 * masked by S's pattern (computed by a CSR kernel, faster here than GraphBLAS's masked product,
 * which the tests use as the reference), and for one user against all others a product of X
 * with a vector, done for blocks of users as one OpenBLAS GEMM per block of candidates. A zero
 * denominator (x_u all zero where w is not) gives 0 and is counted. */
#include "store_internal.h"
#include <cblas.h>
#include <math.h>

int clout_norm_parse(const char *s, clout_norm *norm)
{
    if (s == NULL) return CLOUT_ERR_INVALID;
    if (strcmp(s, "zscore") == 0) *norm = CLOUT_NORM_ZSCORE;
    else if (strcmp(s, "minmax") == 0) *norm = CLOUT_NORM_MINMAX;
    else if (strcmp(s, "rank") == 0) *norm = CLOUT_NORM_RANK;
    else if (strcmp(s, "none") == 0) *norm = CLOUT_NORM_NONE;
    else if (strcmp(s, "log-zscore") == 0) *norm = CLOUT_NORM_LOG_ZSCORE;
    else return CLOUT_ERR_INVALID;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

int clout_normalize(const double *x, int64_t n, clout_norm how, double *out, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(n >= 1, CLOUT_ERR_INVALID, "nothing to normalize");
    for (int64_t i = 0; i < n; i++)
        ASSERT_MSG(isfinite(x[i]), CLOUT_ERR_INVALID, "value %lld is not a finite number", (long long)i + 1);
    switch (how) {
    case CLOUT_NORM_NONE:
        memmove(out, x, (size_t)n * sizeof(double));
        return CLOUT_OK;
    case CLOUT_NORM_LOG_ZSCORE:
        for (int64_t i = 0; i < n; i++)
            ASSERT_MSG(x[i] > -1, CLOUT_ERR_INVALID, "log-zscore needs values > -1; value %lld is %g", (long long)i + 1,
                       x[i]);
        /* fall through */
    case CLOUT_NORM_ZSCORE: {
        bool lg = how == CLOUT_NORM_LOG_ZSCORE;
        double mean = 0, var = 0;
        for (int64_t i = 0; i < n; i++) mean += lg ? log1p(x[i]) : x[i];
        mean /= (double)n;
        for (int64_t i = 0; i < n; i++) {
            double v = lg ? log1p(x[i]) : x[i];
            var += (v - mean) * (v - mean);
        }
        double sd = sqrt(var / (double)n);
        for (int64_t i = 0; i < n; i++) out[i] = sd > 0 ? ((lg ? log1p(x[i]) : x[i]) - mean) / sd : 0.0;
        return CLOUT_OK;
    }
    case CLOUT_NORM_MINMAX: {
        double lo = x[0], hi = x[0];
        for (int64_t i = 1; i < n; i++) lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
        for (int64_t i = 0; i < n; i++) out[i] = hi > lo ? (x[i] - lo) / (hi - lo) : 0.0;
        return CLOUT_OK;
    }
    case CLOUT_NORM_RANK: {
        TRY(clout_average_ranks(x, n, out, msg));
        for (int64_t i = 0; i < n; i++) out[i] = n > 1 ? (out[i] - 1.0) / (double)(n - 1) : 0.0;
        return CLOUT_OK;
    }
    }
    ERR(CLOUT_ERR_INVALID, "unknown normalization %d", (int)how);
}

double clout_influence_pair(const double *xu, const double *xv, const double *w, int nf, const double *center,
                            bool *zero)
{
    double mu = 0;
    if (center == NULL) {
        for (int i = 0; i < nf; i++) mu += xv[i];
        mu /= nf > 0 ? nf : 1;
    }
    double num = 0, den = 0;
    for (int i = 0; i < nf; i++) {
        double wi = w ? w[i] : 1.0;
        num += wi * xu[i] * (xv[i] - (center ? center[i] : mu));
        den += wi * wi * xu[i] * xu[i];
    }
    if (zero) *zero = !(den > 0);
    return den > 0 ? num / sqrt(den) : 0.0;
}

/* per user: d_u = sqrt(sum w^2 x^2), a_u = sum w x, mu_u = mean of x_u, b_u = sum w x m */
typedef struct {
    double *d, *a, *mu, *b, *mean;
} terms;

static void terms_free(terms *t)
{
    FREE_PTR(t->d);
    FREE_PTR(t->a);
    FREE_PTR(t->mu);
    FREE_PTR(t->b);
    FREE_PTR(t->mean);
}

#undef FREE_ALL
#define FREE_ALL terms_free(t)

static int terms_make(const double *X, int64_t n, int nf, const double *w, terms *t,
                      char msg[CLOUT_MSG_LEN])
{
    memset(t, 0, sizeof *t);
    ALLOC_TRY(t->d, n, double);
    ALLOC_TRY(t->a, n, double);
    ALLOC_TRY(t->mu, n, double);
    ALLOC_TRY(t->b, n, double);
    CALLOC_TRY(t->mean, nf, double);
    for (int64_t u = 0; u < n; u++)
        for (int i = 0; i < nf; i++) t->mean[i] += X[u * nf + i];
    for (int i = 0; i < nf; i++) t->mean[i] /= (double)n;
    #pragma omp parallel for schedule(static)
    for (int64_t u = 0; u < n; u++) {
        double d = 0, a = 0, mu = 0, b = 0;
        for (int i = 0; i < nf; i++) {
            double x = X[u * nf + i], wi = w[i];
            d += wi * wi * x * x;
            a += wi * x;
            mu += x;
            b += wi * x * t->mean[i];
        }
        t->d[u] = sqrt(d);
        t->a[u] = a;
        t->mu[u] = mu / nf;
        t->b[u] = b;
    }
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

static int check_inputs(const double *X, int64_t n, int nf, const double *w, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(nf >= 1 && n >= 1, CLOUT_ERR_INVALID, "the formula needs at least one user and one feature");
    for (int i = 0; i < nf; i++)
        ASSERT_MSG(isfinite(w[i]), CLOUT_ERR_INVALID, "weight %d is not a finite number", i + 1);
    for (int64_t k = 0; k < n * nf; k++)
        ASSERT_MSG(isfinite(X[k]), CLOUT_ERR_INVALID, "feature %lld of user %lld is not a finite number",
                   (long long)(k % nf) + 1, (long long)(k / nf) + 1);
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        terms_free(&tm);                                                                  \
        if (bs) clout_i_csr_return(G->S, &cs, msg2);                                      \
    } while (0)

/* One pass over S's CSR rows: for tie u -> v the dot product of u's weighted features with v's,
 * minus the centering term, over u's denominator. Users are independent (one OpenMP loop), each
 * row summed in order: the same for any thread count. On the R-MAT graph of 16M ties with 8
 * features this kernel takes 0.40-0.51 s on 2 threads where GraphBLAS's masked product
 * (C<S> = (X diag(w)) X', dot method) took 0.63-0.71 s plus copies of X and a 16M-entry C
 * (tools/bench/RESULTS.md); the masked product stays as the unit test's reference. */
int clout_pairwise_edges(clout_graph *G, const double *X, int nf, const double *w, bool center_feature, double *val,
                         double *formula_out, int64_t *zeros, char msg[CLOUT_MSG_LEN])
{
    terms tm = {0};
    clout_i_csr cs;
    bool bs = false;
    char msg2[CLOUT_MSG_LEN];
    int64_t n = clout_graph_users(G);
    TRY(check_inputs(X, n, nf, w, msg));
    ASSERT_MSG(nf <= 4096, CLOUT_ERR_INVALID, "at most 4096 features, got %d", nf);
    TRY(terms_make(X, n, nf, w, &tm, msg));
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    bs = true;
    int64_t nz = 0;
    bool nomem = false;
    #pragma omp parallel reduction(+ : nz)
    {
        double *xu = clout_i_malloc((size_t)nf, sizeof(double));
        if (xu == NULL) {
            #pragma omp atomic write
            nomem = true;
        }
        #pragma omp for schedule(dynamic, 1024)
        for (int64_t u = 0; u < n; u++) {
            if (xu == NULL) continue;
            for (int i = 0; i < nf; i++) xu[i] = X[u * nf + i] * w[i];
            bool zero = !(tm.d[u] > 0);
            double sum = 0;
            uint64_t ke = cs.ptr[u + 1];
            for (uint64_t k = cs.ptr[u]; k < ke; k++) {
                int64_t v = (int64_t)cs.idx[k];
                const double *xv = X + v * nf;
                if (k + 8 < ke) { /* scattered targets: their rows 8 ties ahead */
                    __builtin_prefetch(X + (int64_t)cs.idx[k + 8] * nf);
                    if (!center_feature) __builtin_prefetch(&tm.mu[cs.idx[k + 8]]);
                }
                double dot = 0;
                for (int i = 0; i < nf; i++) dot += xu[i] * xv[i];
                double x = zero ? 0.0 : (dot - (center_feature ? tm.b[u] : tm.a[u] * tm.mu[v])) / tm.d[u];
                if (val) val[k] = x;
                sum += x;
            }
            if (zero) nz += (int64_t)(cs.ptr[u + 1] - cs.ptr[u]);
            if (formula_out) formula_out[u] = sum;
        }
        free(xu);
    }
    ASSERT_MSG(!nomem, CLOUT_ERR_NOMEM, "out of memory");
    bs = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    if (zeros) *zeros = nz;
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------- the k users one user influences most */

typedef struct {
    double x;
    int64_t v;
} hit;

/* min-heap on (x, then larger v is smaller: ties prefer the smaller user index) */
static bool hit_less(hit a, hit b)
{
    return a.x < b.x || (a.x == b.x && a.v > b.v);
}

static void heap_push(hit *h, int *len, int k, hit e)
{
    if (*len < k) {
        int i = (*len)++;
        h[i] = e;
        while (i > 0 && hit_less(h[i], h[(i - 1) / 2])) {
            hit t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return;
    }
    if (!hit_less(h[0], e)) return;
    h[0] = e;
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *len && hit_less(h[l], h[m])) m = l;
        if (r < *len && hit_less(h[r], h[m])) m = r;
        if (m == i) break;
        hit t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static int hit_desc(const void *a, const void *b)
{
    const hit *p = a, *q = b;
    if (p->x != q->x) return p->x > q->x ? -1 : 1;
    return (p->v > q->v) - (p->v < q->v);
}

#define ROWS 64
#define COLS 4096

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        terms_free(&tm);                                                                  \
        FREE_PTR(A);                                                                      \
        FREE_PTR(Y);                                                                      \
        FREE_PTR(heaps);                                                                  \
        FREE_PTR(hlen);                                                                   \
    } while (0)

int clout_pairwise_top(const double *X, int64_t n, int nf, const double *w, bool center_feature, const int64_t *users,
                       int64_t nu, int k, int64_t *top, double *val, char msg[CLOUT_MSG_LEN])
{
    terms tm = {0};
    double *A = NULL, *Y = NULL;
    hit *heaps = NULL;
    int *hlen = NULL;
    TRY(check_inputs(X, n, nf, w, msg));
    ASSERT_MSG(k >= 1, CLOUT_ERR_INVALID, "k must be >= 1 (got %d)", k);
    for (int64_t q = 0; q < nu; q++)
        ASSERT_MSG(users[q] >= 0 && users[q] < n, CLOUT_ERR_INVALID, "user index %lld out of range",
                   (long long)users[q]);
    TRY(terms_make(X, n, nf, w, &tm, msg));
    ALLOC_TRY(A, (int64_t)ROWS * nf, double);
    ALLOC_TRY(Y, (int64_t)ROWS * COLS, double);
    ALLOC_TRY(heaps, (int64_t)ROWS * k, hit);
    ALLOC_TRY(hlen, ROWS, int);
    clout_i_progress *pg = clout_i_progress_start("pairwise top-k", (double)nu, "users");
    for (int64_t q0 = 0; q0 < nu; q0 += ROWS) {
        int rows = (int)(nu - q0 < ROWS ? nu - q0 : ROWS);
        /* A = the block's users, scaled by w */
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < nf; i++) A[r * nf + i] = X[users[q0 + r] * nf + i] * w[i];
        memset(hlen, 0, ROWS * sizeof(int));
        for (int64_t v0 = 0; v0 < n; v0 += COLS) {
            int cols = (int)(n - v0 < COLS ? n - v0 : COLS);
            /* Y (rows x cols) = A (rows x nf) * X[v0 .. v0 + cols)' : OpenBLAS, outside our loops */
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, nf, 1.0, A, nf, X + v0 * nf, nf, 0.0, Y,
                        cols);
            #pragma omp parallel for schedule(static)
            for (int r = 0; r < rows; r++) {
                int64_t u = users[q0 + r];
                hit *h = heaps + (int64_t)r * k;
                bool zero = !(tm.d[u] > 0);
                for (int c = 0; c < cols; c++) {
                    int64_t v = v0 + c;
                    if (v == u) continue;
                    double num = Y[(int64_t)r * cols + c] - (center_feature ? tm.b[u] : tm.a[u] * tm.mu[v]);
                    heap_push(h, &hlen[r], k, (hit){zero ? 0.0 : num / tm.d[u], v});
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            hit *h = heaps + (int64_t)r * k;
            qsort(h, (size_t)hlen[r], sizeof(hit), hit_desc);
            for (int j = 0; j < k; j++) {
                top[(q0 + r) * k + j] = j < hlen[r] ? h[j].v : -1;
                val[(q0 + r) * k + j] = j < hlen[r] ? h[j].x : NAN;
            }
        }
        if (clout_i_progress_update(pg, (double)(q0 + rows))) {
            clout_i_progress_end(pg);
            ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
        }
    }
    clout_i_progress_end(pg);
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

int clout_score_sum(const double *X, int64_t n, int nf, const double *w, double *score, double *contrib,
                    char msg[CLOUT_MSG_LEN])
{
    TRY(check_inputs(X, n, nf, w, msg));
    #pragma omp parallel for schedule(static)
    for (int64_t u = 0; u < n; u++) {
        double s = 0;
        for (int j = 0; j < nf; j++) {
            double c = w[j] * X[u * nf + j];
            if (contrib) contrib[u * nf + j] = c;
            s += c;
        }
        score[u] = s;
    }
    return CLOUT_OK;
}

int clout_score_gate(const double *gate, int64_t n, int nf, double *score, double *contrib, char msg[CLOUT_MSG_LEN])
{
    double low = INFINITY;
    for (int64_t u = 0; u < n; u++)
        if (gate[u] > 0 && score[u] < low) low = score[u];
    ASSERT_MSG(low < INFINITY, CLOUT_ERR_DATA, "no user passes the gate (a value above 0), so none would be scored");
    double floor_score = low - fmax(1.0, fabs(low));
    for (int64_t u = 0; u < n; u++)
        if (!(gate[u] > 0)) {
            score[u] = floor_score;
            for (int j = 0; contrib && j < nf; j++) contrib[u * nf + j] = 0;
        }
    return CLOUT_OK;
}
