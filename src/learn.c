/* learn.c: feature weights learned from observed influence: ridge regression (normal equations
 * solved by Cholesky, LAPACK's dposv from OpenBLAS) and logistic regression (Newton's method with
 * the same solver), with standard errors; random folds for cross-validation. The design matrix is
 * X with a column of ones appended (the intercept, never penalized). */
#include "store_internal.h"
#include <float.h>
#include <math.h>

/* LAPACK (Fortran interface, from OpenBLAS): solve A X = B for symmetric positive definite A */
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, int *info);

/* A (p x p, column-major = row-major: symmetric) X = B (p x nrhs, column-major); A is overwritten
 * by its Cholesky factor. Nonzero when A is singular, numerically too: Cholesky's pivot L_jj^2 is
 * the part of column j's A_jj that the columns before it do not explain, and an exactly dependent
 * column leaves a rounding residue (about p eps relative, or a negative pivot, depending on the
 * BLAS kernels) rather than 0: a pivot below 1000 p eps of its A_jj is a dependent column. */
static int spd_solve(double *A, int p, double *B, int nrhs)
{
    int info = 0;
    double diag[64], *d = p <= 64 ? diag : malloc((size_t)p * sizeof(double));
    if (d == NULL) return -1;
    for (int j = 0; j < p; j++) d[j] = A[(int64_t)j * p + j];
    dposv_("L", &p, &nrhs, A, &p, B, &p, &info);
    for (int j = 0; info == 0 && j < p; j++) {
        double l = A[(int64_t)j * p + j];
        if (!(l * l > 1e3 * p * DBL_EPSILON * d[j])) info = j + 1;
    }
    if (d != diag) free(d);
    return info;
}

static double xat(const double *X, int nf, int64_t u, int j)
{
    return j < nf ? X[u * nf + j] : 1.0;
}

#undef FREE_ALL
#define FREE_ALL

static int check_xy(const double *X, const double *y, int64_t n, int nf, double l2, bool binary,
                    char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(nf >= 1 && nf <= 4096, CLOUT_ERR_INVALID, "between 1 and 4096 features, got %d", nf);
    ASSERT_MSG(n >= 2, CLOUT_ERR_INVALID, "a fit needs at least 2 rows, got %lld", (long long)n);
    ASSERT_MSG(isfinite(l2) && l2 >= 0, CLOUT_ERR_INVALID, "the L2 penalty must be a finite number >= 0");
    for (int64_t k = 0; k < n * nf; k++)
        ASSERT_MSG(isfinite(X[k]), CLOUT_ERR_INVALID, "feature %lld of row %lld is not a finite number",
                   (long long)(k % nf) + 1, (long long)(k / nf) + 1);
    for (int64_t u = 0; u < n; u++) {
        ASSERT_MSG(isfinite(y[u]), CLOUT_ERR_INVALID, "target of row %lld is not a finite number", (long long)u + 1);
        ASSERT_MSG(!binary || y[u] == 0 || y[u] == 1, CLOUT_ERR_INVALID,
                   "a logistic fit needs targets 0 or 1; row %lld has %g", (long long)u + 1, y[u]);
    }
    return CLOUT_OK;
}

/* G = X1' diag(wt) X1 (p x p), wt NULL: 1; in parallel over rows, summed in a fixed order
 * (per block of rows, blocks added in order) so the result does not depend on the threads */
#define RB 4096
static int gram(const double *X, const double *wt, int64_t n, int nf, double *G, char msg[CLOUT_MSG_LEN])
{
    int p = nf + 1;
    int64_t nb = (n + RB - 1) / RB;
    double *part = clout_i_calloc((size_t)nb * (size_t)p * (size_t)p, sizeof(double));
    ASSERT_MSG(part != NULL, CLOUT_ERR_NOMEM, "out of memory");
    #pragma omp parallel for schedule(dynamic, 1)
    for (int64_t b = 0; b < nb; b++) {
        double *g = part + b * p * p;
        int64_t u1 = (b + 1) * RB < n ? (b + 1) * RB : n;
        for (int64_t u = b * RB; u < u1; u++) {
            double s = wt ? wt[u] : 1.0;
            for (int i = 0; i < p; i++) {
                double xi = xat(X, nf, u, i) * s;
                for (int j = 0; j <= i; j++) g[i * p + j] += xi * xat(X, nf, u, j);
            }
        }
    }
    memset(G, 0, (size_t)p * (size_t)p * sizeof(double));
    for (int64_t b = 0; b < nb; b++)
        for (int k = 0; k < p * p; k++) G[k] += part[b * p * p + k];
    for (int i = 0; i < p; i++)
        for (int j = 0; j < i; j++) G[j * p + i] = G[i * p + j];
    free(part);
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(G);                                                                      \
        FREE_PTR(A);                                                                      \
        FREE_PTR(b);                                                                      \
        FREE_PTR(inv);                                                                    \
        FREE_PTR(tmp);                                                                    \
    } while (0)

int clout_fit_ridge(const double *X, const double *y, int64_t n, int nf, double l2, double *coef, double *se,
                    char msg[CLOUT_MSG_LEN])
{
    double *G = NULL, *A = NULL, *b = NULL, *inv = NULL, *tmp = NULL;
    TRY(check_xy(X, y, n, nf, l2, false, msg));
    int p = nf + 1;
    ALLOC_TRY(G, p * p, double);
    ALLOC_TRY(A, p * p, double);
    CALLOC_TRY(b, p, double);
    TRY(gram(X, NULL, n, nf, G, msg));
    for (int64_t u = 0; u < n; u++)
        for (int j = 0; j < p; j++) b[j] += xat(X, nf, u, j) * y[u];
    memcpy(A, G, (size_t)(p * p) * sizeof(double));
    for (int j = 0; j < nf; j++) A[j * p + j] += l2;
    int info = spd_solve(A, p, b, 1);
    ASSERT_MSG(info == 0, CLOUT_ERR_INVALID,
               "the features are linearly dependent (or constant): the fit has no unique solution; give an L2 "
               "penalty (large for the features' scale) or drop a feature");
    memcpy(coef, b, (size_t)p * sizeof(double));
    if (se) {
        /* Cov = sigma^2 A^-1 G A^-1 */
        double rss = 0;
        for (int64_t u = 0; u < n; u++) {
            double f = 0;
            for (int j = 0; j < p; j++) f += xat(X, nf, u, j) * coef[j];
            rss += (y[u] - f) * (y[u] - f);
        }
        double dof = (double)n - p;
        double s2 = dof > 0 ? rss / dof : NAN;
        CALLOC_TRY(inv, p * p, double);
        for (int j = 0; j < p; j++) inv[j * p + j] = 1;
        memcpy(A, G, (size_t)(p * p) * sizeof(double));
        for (int j = 0; j < nf; j++) A[j * p + j] += l2;
        ASSERT_MSG(spd_solve(A, p, inv, p) == 0, CLOUT_ERR_INTERNAL, "the Gram matrix lost positive definiteness");
        ALLOC_TRY(tmp, p * p, double);
        /* tmp = G inv; cov = inv tmp */
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) s += G[i * p + k] * inv[k * p + j];
                tmp[i * p + j] = s;
            }
        for (int j = 0; j < p; j++) {
            double c = 0;
            for (int k = 0; k < p; k++) c += inv[j * p + k] * tmp[k * p + j];
            se[j] = sqrt(fmax(s2 * c, 0));
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(H);                                                                      \
        FREE_PTR(g);                                                                      \
        FREE_PTR(wt);                                                                     \
        FREE_PTR(mu);                                                                     \
        FREE_PTR(inv);                                                                    \
        FREE_PTR(bb);                                                                     \
    } while (0)

int clout_fit_logistic(const double *X, const double *y, int64_t n, int nf, double l2, double *coef, double *se,
                       int *iters, char msg[CLOUT_MSG_LEN])
{
    double *H = NULL, *g = NULL, *wt = NULL, *mu = NULL, *inv = NULL, *bb = NULL;
    TRY(check_xy(X, y, n, nf, l2, true, msg));
    int p = nf + 1;
    ALLOC_TRY(H, p * p, double);
    ALLOC_TRY(g, p, double);
    ALLOC_TRY(wt, n, double);
    ALLOC_TRY(mu, n, double);
    CALLOC_TRY(bb, p, double);
    int it = 0;
    bool converged = false;
    for (; it < 100 && !converged; it++) {
        #pragma omp parallel for schedule(static)
        for (int64_t u = 0; u < n; u++) {
            double eta = 0;
            for (int j = 0; j < p; j++) eta += xat(X, nf, u, j) * bb[j];
            double m = 1.0 / (1.0 + exp(-eta));
            mu[u] = m;
            wt[u] = fmax(m * (1 - m), 1e-12);
        }
        TRY(gram(X, wt, n, nf, H, msg));
        for (int j = 0; j < p; j++) g[j] = 0;
        for (int64_t u = 0; u < n; u++)
            for (int j = 0; j < p; j++) g[j] += xat(X, nf, u, j) * (y[u] - mu[u]);
        for (int j = 0; j < nf; j++) {
            H[j * p + j] += l2;
            g[j] -= l2 * bb[j];
        }
        ASSERT_MSG(spd_solve(H, p, g, 1) == 0, CLOUT_ERR_INVALID,
                   "the features are linearly dependent (or constant): give an L2 penalty or drop a feature");
        double step = 0;
        for (int j = 0; j < p; j++) {
            ASSERT_MSG(isfinite(g[j]), CLOUT_ERR_NOT_CONVERGED,
                       "the logistic fit diverged (separable data?): give an L2 penalty");
            bb[j] += g[j];
            step = fmax(step, fabs(g[j]));
        }
        converged = step < 1e-10 * fmax(1, fabs(bb[0]));
    }
    ASSERT_MSG(converged, CLOUT_ERR_NOT_CONVERGED,
               "the logistic fit did not converge in 100 Newton steps (separable data?): give an L2 penalty");
    memcpy(coef, bb, (size_t)p * sizeof(double));
    if (se) {
        /* the inverse Hessian at the optimum */
        #pragma omp parallel for schedule(static)
        for (int64_t u = 0; u < n; u++) {
            double eta = 0;
            for (int j = 0; j < p; j++) eta += xat(X, nf, u, j) * bb[j];
            double m = 1.0 / (1.0 + exp(-eta));
            wt[u] = fmax(m * (1 - m), 1e-12);
        }
        TRY(gram(X, wt, n, nf, H, msg));
        for (int j = 0; j < nf; j++) H[j * p + j] += l2;
        CALLOC_TRY(inv, p * p, double);
        for (int j = 0; j < p; j++) inv[j * p + j] = 1;
        ASSERT_MSG(spd_solve(H, p, inv, p) == 0, CLOUT_ERR_INTERNAL, "the Hessian lost positive definiteness");
        for (int j = 0; j < p; j++) se[j] = sqrt(fmax(inv[j * p + j], 0));
    }
    if (iters) *iters = it;
    FREE_ALL;
    return CLOUT_OK;
}

typedef struct {
    uint64_t key;
    int64_t i;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

#undef FREE_ALL
#define FREE_ALL FREE_PTR(k)

int clout_folds(int64_t n, int folds, uint64_t seed, int *fold, char msg[CLOUT_MSG_LEN])
{
    keyed *k = NULL;
    ASSERT_MSG(folds >= 2 && folds <= n, CLOUT_ERR_INVALID, "folds must be between 2 and the %lld rows, got %d",
               (long long)n, folds);
    ALLOC_TRY(k, n, keyed);
    uint64_t key = clout_i_rng_key(seed, CLOUT_STREAM_FOLDS);
    for (int64_t i = 0; i < n; i++) k[i] = (keyed){clout_i_rng_at(key, (uint64_t)i), i};
    qsort(k, (size_t)n, sizeof(keyed), by_key);
    for (int64_t r = 0; r < n; r++) fold[k[r].i] = (int)(r % folds);
    FREE_ALL;
    return CLOUT_OK;
}

int clout_item_halves(int64_t n, int64_t split, uint64_t seed, uint8_t *first, char msg[CLOUT_MSG_LEN])
{
    keyed *k = NULL;
    ASSERT_MSG(n >= 2, CLOUT_ERR_INVALID, "halves need at least 2 items, got %lld", (long long)n);
    ASSERT_MSG(split >= 0 && split <= (INT64_MAX - n) / n, CLOUT_ERR_INVALID, "split %lld of %lld items is out of range",
               (long long)split, (long long)n);
    ALLOC_TRY(k, n, keyed);
    uint64_t key = clout_i_rng_key(seed, CLOUT_STREAM_HALVES);
    for (int64_t i = 0; i < n; i++) k[i] = (keyed){clout_i_rng_at(key, (uint64_t)(split * n + i)), i};
    qsort(k, (size_t)n, sizeof(keyed), by_key);
    for (int64_t r = 0; r < n; r++) first[k[r].i] = r < n / 2;
    FREE_ALL;
    return CLOUT_OK;
}
