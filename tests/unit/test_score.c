/* test_score.c: the influence formulas, fits and rank metrics against hand-computed cases and
 * brute force: the worked example of the pairwise formula; the masked product over every tie
 * against a direct loop; top-k against sorting every user; ridge against a separate Gaussian
 * elimination and the textbook standard error; the logistic fit against its optimality condition
 * and a grid search; Spearman, Kendall and AUC against their O(n^2) definitions; precision@k and
 * NDCG@k by hand and against a top-k picked one by one. */
#include "check.h"

static char msg[CLOUT_MSG_LEN];

static double unif(uint64_t s, uint64_t i) { return clout_rng_uniform(77, s, i); }

static void check_formula(void)
{
    double xu[] = {0.8, 0.3, 0.5, 0.7}, xv[] = {0.4, 0.6, 0.2, 0.8}, w[] = {1, 1, 1, 1};
    bool zero = true;
    double r = clout_influence_pair(xu, xv, w, 4, NULL, &zero);
    CHECK(fabs(r - 0.01 / sqrt(1.47)) < 1e-15 && fabs(r - 0.00824786) < 5e-9 && !zero, "worked example: %.10g", r);
    CHECK(clout_influence_pair(xu, xv, NULL, 4, NULL, NULL) == r, "w NULL means 1");
    /* feature centering: c = (0.5, 0.5, 0.5, 0.5) gives the same as user centering here */
    double c[] = {0.5, 0.5, 0.5, 0.5};
    CHECK(fabs(clout_influence_pair(xu, xv, w, 4, c, NULL) - r) < 1e-15, "feature centering");
    /* by hand with weights (2, 0, 1, 1): num = 2*.8*(-.1) + .5*(-.3) + .7*.3 = -0.1, den = sqrt(4*.64+.25+.49) */
    double w2[] = {2, 0, 1, 1};
    r = clout_influence_pair(xu, xv, w2, 4, NULL, NULL);
    CHECK(fabs(r - (-0.1 / sqrt(3.3))) < 1e-15, "weighted example: %.17g", r);
    double z[] = {0, 0, 0, 0};
    r = clout_influence_pair(z, xv, w, 4, NULL, &zero);
    CHECK(r == 0 && zero, "a zero denominator gives 0, flagged");
    /* normalizations by hand */
    double x[] = {1, 3, 3, 5}, o[4];
    CHECK_OK(clout_normalize(x, 4, CLOUT_NORM_ZSCORE, o, msg));
    CHECK(fabs(o[0] + 2 / sqrt(2)) < 1e-15 && o[1] == 0 && fabs(o[3] - 2 / sqrt(2)) < 1e-15, "zscore");
    CHECK_OK(clout_normalize(x, 4, CLOUT_NORM_MINMAX, o, msg));
    CHECK(o[0] == 0 && o[1] == 0.5 && o[3] == 1, "minmax");
    CHECK_OK(clout_normalize(x, 4, CLOUT_NORM_RANK, o, msg));
    CHECK(o[0] == 0 && o[1] == 0.5 && o[2] == 0.5 && o[3] == 1, "rank with a tie: %g %g %g %g", o[0], o[1], o[2], o[3]);
    double k3[] = {2, 2, 2};
    CHECK_OK(clout_normalize(k3, 3, CLOUT_NORM_ZSCORE, o, msg));
    CHECK(o[0] == 0 && o[2] == 0, "a constant column");
    double bad[] = {1, NAN};
    CHECK(clout_normalize(bad, 2, CLOUT_NORM_ZSCORE, o, msg) == CLOUT_ERR_INVALID, "NaN accepted");
    /* the gate by hand: users 1 and 3 fail it (0, -1); the lowest passing score is 3, so they get
     * 3 - max(1, 3) = 0 and contributions 0; the others keep theirs */
    double sc[] = {3, -2, 5, 1}, gt[] = {1, 0, 2, -1}, ct[] = {1, 2, -1, -1, 2, 3, 0.5, 0.5};
    CHECK_OK(clout_score_gate(gt, 4, 2, sc, ct, msg));
    CHECK(sc[0] == 3 && sc[1] == 0 && sc[2] == 5 && sc[3] == 0, "gated scores %g %g %g %g", sc[0], sc[1], sc[2], sc[3]);
    CHECK(ct[0] == 1 && ct[2] == 0 && ct[3] == 0 && ct[4] == 2 && ct[6] == 0 && ct[7] == 0, "gated contributions");
    double low[] = {-10, 4}, g1[] = {1, 0};
    CHECK_OK(clout_score_gate(g1, 2, 0, low, NULL, msg));
    CHECK(low[1] == -20, "below a negative lowest score by its magnitude: %g", low[1]);
    double none[] = {0, -1};
    CHECK(clout_score_gate(none, 2, 0, low, NULL, msg) == CLOUT_ERR_DATA, "a gate nobody passes accepted");
}

/* a random directed graph on n users */
static clout_graph *random_graph(int64_t n, int64_t m)
{
    clout_edges e;
    CHECK(clout_generate_er(&e, n, m, true, 5, msg) == 0, "%s", msg);
    clout_graph *G = NULL;
    CHECK(clout_graph_from_edges(&G, &e, true, msg) == 0, "%s", msg);
    clout_edges_free(&e);
    return G;
}

static void check_edges_and_top(void)
{
    int64_t n = 300;
    int nf = 5;
    clout_graph *G = random_graph(n, 2000);
    double *X = malloc((size_t)(n * nf) * sizeof(double)), w[] = {1, 0.5, -2, 0, 3};
    for (int64_t k = 0; k < n * nf; k++) X[k] = unif(1, (uint64_t)k) - 0.3;
    for (int i = 0; i < nf; i++) X[7 * nf + i] = 0; /* user 7: zero denominator */
    double mean[5] = {0};
    for (int64_t u = 0; u < n; u++)
        for (int i = 0; i < nf; i++) mean[i] += X[u * nf + i] / (double)n;
    GrB_Index nv;
    GrB_Matrix_nvals(&nv, G->S);
    double *val = malloc(nv * sizeof(double)), *fo = malloc((size_t)n * sizeof(double));
    GrB_Index *I = malloc(nv * sizeof(GrB_Index)), *J = malloc(nv * sizeof(GrB_Index));
    GrB_Matrix_extractTuples_BOOL(I, J, NULL, &nv, G->S);
    for (int cf = 0; cf < 2; cf++) {
        int64_t zeros = -1;
        CHECK_OK(clout_pairwise_edges(G, X, nf, w, cf, val, fo, &zeros, msg));
        int bad = 0, badsum = 0;
        double *sum = calloc((size_t)n, sizeof(double));
        int64_t z = 0;
        for (GrB_Index k = 0; k < nv; k++) {
            bool zero;
            double r = clout_influence_pair(X + I[k] * nf, X + J[k] * nf, w, nf, cf ? mean : NULL, &zero);
            z += zero;
            sum[I[k]] += r;
            if (fabs(r - val[k]) > 1e-12 * fmax(1, fabs(r))) bad++;
        }
        for (int64_t u = 0; u < n; u++)
            if (fabs(sum[u] - fo[u]) > 1e-10 * fmax(1, fabs(sum[u]))) badsum++;
        CHECK(bad == 0, "center %d: %d ties differ from the direct loop", cf, bad);
        /* and from GraphBLAS's masked product C<S> = (X diag(w)) X' (dot method), minus the centering */
        {
            GrB_Matrix XW = NULL, XX = NULL, Cm = NULL;
            GrB_Descriptor dsc = NULL;
            GrB_Matrix_new(&XW, GrB_FP64, (GrB_Index)n, (GrB_Index)nf);
            GrB_Matrix_new(&XX, GrB_FP64, (GrB_Index)n, (GrB_Index)nf);
            for (int64_t u = 0; u < n; u++)
                for (int i = 0; i < nf; i++) {
                    GrB_Matrix_setElement_FP64(XW, X[u * nf + i] * w[i], (GrB_Index)u, (GrB_Index)i);
                    GrB_Matrix_setElement_FP64(XX, X[u * nf + i], (GrB_Index)u, (GrB_Index)i);
                }
            GrB_Matrix_new(&Cm, GrB_FP64, (GrB_Index)n, (GrB_Index)n);
            GrB_Descriptor_new(&dsc);
            GrB_Descriptor_set(dsc, GrB_MASK, GrB_STRUCTURE);
            GrB_Descriptor_set(dsc, GrB_INP1, GrB_TRAN);
            GxB_Desc_set(dsc, GxB_AxB_METHOD, GxB_AxB_DOT);
            CHECK(GrB_mxm(Cm, G->S, NULL, GrB_PLUS_TIMES_SEMIRING_FP64, XW, XX, dsc) == GrB_SUCCESS, "masked product");
            GrB_Index cn = 0;
            GrB_Matrix_nvals(&cn, Cm);
            CHECK(cn == nv, "the masked product has %llu entries for %llu ties", (unsigned long long)cn,
                  (unsigned long long)nv);
            int badm = 0;
            for (GrB_Index k = 0; k < nv; k++) {
                double c = 0, du = 0, a = 0, b = 0, mu = 0;
                GrB_Matrix_extractElement_FP64(&c, Cm, I[k], J[k]);
                for (int i = 0; i < nf; i++) {
                    double xu = X[I[k] * nf + i];
                    du += w[i] * w[i] * xu * xu;
                    a += w[i] * xu;
                    b += w[i] * xu * mean[i];
                    mu += X[J[k] * nf + i] / nf;
                }
                double r = du > 0 ? (c - (cf ? b : a * mu)) / sqrt(du) : 0;
                if (fabs(r - val[k]) > 1e-12 * fmax(1, fabs(r))) badm++;
            }
            CHECK(badm == 0, "center %d: %d ties differ from GraphBLAS's masked product", cf, badm);
            GrB_free(&XW);
            GrB_free(&XX);
            GrB_free(&Cm);
            GrB_free(&dsc);
        }
        CHECK(badsum == 0, "center %d: %d formula_out sums differ", cf, badsum);
        CHECK(zeros == z && z > 0, "zero denominators: %lld, expected %lld", (long long)zeros, (long long)z);
        free(sum);

        /* top-k against sorting every other user */
        int64_t users[] = {0, 7, 42, 299}, nu = 4;
        int k = 10;
        int64_t top[40];
        double tv[40];
        CHECK_OK(clout_pairwise_top(X, n, nf, w, cf, users, nu, k, top, tv, msg));
        for (int64_t q = 0; q < nu; q++) {
            int64_t u = users[q];
            /* the brute-force k best: repeatedly take the best not yet taken */
            bool *taken = calloc((size_t)n, 1);
            for (int j = 0; j < k; j++) {
                int64_t best = -1;
                double bv = -INFINITY;
                for (int64_t v = 0; v < n; v++) {
                    if (v == u || taken[v]) continue;
                    double r = clout_influence_pair(X + u * nf, X + v * nf, w, nf, cf ? mean : NULL, NULL);
                    if (r > bv) bv = r, best = v;
                }
                taken[best] = true;
                CHECK(fabs(tv[q * k + j] - bv) < 1e-12 * fmax(1, fabs(bv)), "top-k value of user %lld, rank %d",
                      (long long)u, j);
                if (u != 7) CHECK(top[q * k + j] == best, "top-k user of %lld rank %d: %lld vs %lld", (long long)u, j,
                                  (long long)top[q * k + j], (long long)best);
            }
            free(taken);
        }
    }
    /* k larger than the others: padded with -1 */
    int64_t u0 = 0, top[400];
    double tv[400];
    CHECK_OK(clout_pairwise_top(X, n, nf, w, false, &u0, 1, 400, top, tv, msg));
    CHECK(top[298] >= 0 && top[299] == -1 && isnan(tv[399]), "padding past n - 1 users");
    free(I);
    free(J);
    free(val);
    free(fo);
    free(X);
    clout_graph_free(&G);
}

/* solve A x = b (p x p) by Gaussian elimination with partial pivoting */
static void gauss(double *A, double *b, int p)
{
    for (int c = 0; c < p; c++) {
        int piv = c;
        for (int r = c + 1; r < p; r++)
            if (fabs(A[r * p + c]) > fabs(A[piv * p + c])) piv = r;
        for (int j = 0; j < p; j++) {
            double t = A[c * p + j];
            A[c * p + j] = A[piv * p + j];
            A[piv * p + j] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (int r = c + 1; r < p; r++) {
            double f = A[r * p + c] / A[c * p + c];
            for (int j = c; j < p; j++) A[r * p + j] -= f * A[c * p + j];
            b[r] -= f * b[c];
        }
    }
    for (int r = p - 1; r >= 0; r--) {
        for (int j = r + 1; j < p; j++) b[r] -= A[r * p + j] * b[j];
        b[r] /= A[r * p + r];
    }
}

static void check_fits(void)
{
    int64_t n = 500;
    int nf = 3, p = 4;
    double *X = malloc((size_t)(n * nf) * sizeof(double)), *y = malloc((size_t)n * sizeof(double));
    for (int64_t k = 0; k < n * nf; k++) X[k] = unif(2, (uint64_t)k);
    for (int64_t u = 0; u < n; u++)
        y[u] = 2 * X[u * nf] - X[u * nf + 1] + 0.5 * X[u * nf + 2] + 3 + 0.1 * (unif(3, (uint64_t)u) - 0.5);
    double coef[4], se[4];
    for (int pass = 0; pass < 2; pass++) {
        double l2 = pass ? 7.5 : 0;
        CHECK_OK(clout_fit_ridge(X, y, n, nf, l2, coef, se, msg));
        /* normal equations by a different solver */
        double A[16] = {0}, b[4] = {0};
        for (int64_t u = 0; u < n; u++) {
            double r[4] = {X[u * nf], X[u * nf + 1], X[u * nf + 2], 1};
            for (int i = 0; i < p; i++) {
                b[i] += r[i] * y[u];
                for (int j = 0; j < p; j++) A[i * p + j] += r[i] * r[j];
            }
        }
        for (int j = 0; j < nf; j++) A[j * p + j] += l2;
        gauss(A, b, p);
        for (int j = 0; j < p; j++) CHECK(fabs(coef[j] - b[j]) < 1e-9, "ridge l2 %g coef %d: %g vs %g", l2, j, coef[j], b[j]);
    }
    CHECK_OK(clout_fit_ridge(X, y, n, nf, 0, coef, se, msg));
    CHECK(fabs(coef[0] - 2) < 0.02 && fabs(coef[1] + 1) < 0.02 && fabs(coef[3] - 3) < 0.02, "recovered weights");
    /* one feature: se(slope) = sqrt(s^2 / Sxx) */
    double c1[2], s1[2], mx = 0, my = 0;
    CHECK_OK(clout_fit_ridge(X, y, n, 1, 0, c1, s1, msg)); /* X's first column read with stride 1: its own data */
    for (int64_t u = 0; u < n; u++) mx += X[u] / (double)n, my += y[u] / (double)n;
    double sxx = 0, sxy = 0;
    for (int64_t u = 0; u < n; u++) sxx += (X[u] - mx) * (X[u] - mx), sxy += (X[u] - mx) * (y[u] - my);
    double slope = sxy / sxx, icpt = my - slope * mx, rss = 0;
    for (int64_t u = 0; u < n; u++) rss += (y[u] - icpt - slope * X[u]) * (y[u] - icpt - slope * X[u]);
    CHECK(fabs(c1[0] - slope) < 1e-9 && fabs(c1[1] - icpt) < 1e-9, "simple regression");
    CHECK(fabs(s1[0] - sqrt(rss / (double)(n - 2) / sxx)) < 1e-9, "slope standard error %g", s1[0]);
    /* a constant feature with no penalty has no unique solution */
    double *Xc = malloc((size_t)n * 2 * sizeof(double));
    for (int64_t u = 0; u < n; u++) Xc[2 * u] = X[u], Xc[2 * u + 1] = 1;
    CHECK(clout_fit_ridge(Xc, y, n, 2, 0, coef, NULL, msg) == CLOUT_ERR_INVALID, "a collinear fit accepted");
    /* a column that is an affine copy of another (0.1 x + 0.3: not exact in binary, so Cholesky
     * meets a rounding residue, not a zero pivot) is dependent too; an L2 penalty makes it solvable */
    for (int64_t u = 0; u < n; u++) Xc[2 * u + 1] = 0.1 * X[u] + 0.3;
    CHECK(clout_fit_ridge(Xc, y, n, 2, 0, coef, NULL, msg) == CLOUT_ERR_INVALID, "an affine copy accepted");
    CHECK_OK(clout_fit_ridge(Xc, y, n, 2, 1, coef, NULL, msg));

    /* logistic: the gradient vanishes at the optimum, and a grid search on one feature agrees */
    double *yb = malloc((size_t)n * sizeof(double));
    for (int64_t u = 0; u < n; u++) yb[u] = unif(4, (uint64_t)u) < 1 / (1 + exp(-(3 * X[u * nf] - 1.5 * X[u * nf + 1]))) ? 1 : 0;
    int it = 0;
    for (int pass = 0; pass < 2; pass++) {
        double l2 = pass ? 2 : 0;
        CHECK_OK(clout_fit_logistic(X, yb, n, nf, l2, coef, se, &it, msg));
        double g[4] = {0};
        for (int64_t u = 0; u < n; u++) {
            double r[4] = {X[u * nf], X[u * nf + 1], X[u * nf + 2], 1}, eta = 0;
            for (int j = 0; j < p; j++) eta += r[j] * coef[j];
            double m = 1 / (1 + exp(-eta));
            for (int j = 0; j < p; j++) g[j] += r[j] * (yb[u] - m);
        }
        for (int j = 0; j < nf; j++) g[j] -= l2 * coef[j];
        for (int j = 0; j < p; j++) CHECK(fabs(g[j]) < 1e-7, "logistic l2 %g: gradient %d is %g", l2, j, g[j]);
        CHECK(it >= 2 && se[0] > 0 && isfinite(se[3]), "iterations and standard errors");
    }
    double cl[2];
    CHECK_OK(clout_fit_logistic(X, yb, n, 1, 0, cl, NULL, NULL, msg));
    double best = -INFINITY, bb = 0, bc = 0;
    for (double b0 = cl[0] - 0.05; b0 <= cl[0] + 0.05; b0 += 0.001)
        for (double c0 = cl[1] - 0.05; c0 <= cl[1] + 0.05; c0 += 0.001) {
            double ll = 0;
            for (int64_t u = 0; u < n; u++) {
                double m = 1 / (1 + exp(-(b0 * X[u] + c0)));
                ll += yb[u] ? log(m) : log(1 - m);
            }
            if (ll > best) best = ll, bb = b0, bc = c0;
        }
    CHECK(fabs(bb - cl[0]) < 0.0015 && fabs(bc - cl[1]) < 0.0015, "grid search optimum (%g, %g) vs (%g, %g)", bb, bc,
          cl[0], cl[1]);
    /* separable data without a penalty do not converge: said, not a silent answer */
    for (int64_t u = 0; u < n; u++) yb[u] = X[u * nf] > 0.5;
    CHECK(clout_fit_logistic(X, yb, n, nf, 0, coef, NULL, NULL, msg) == CLOUT_ERR_NOT_CONVERGED, "separable data: %s", msg);
    CHECK_OK(clout_fit_logistic(X, yb, n, nf, 1, coef, NULL, NULL, msg));
    yb[3] = 0.5;
    CHECK(clout_fit_logistic(X, yb, n, nf, 1, coef, NULL, NULL, msg) == CLOUT_ERR_INVALID, "a target of 0.5 accepted");
    /* folds */
    int *fold = malloc((size_t)n * sizeof(int)), *fold2 = malloc((size_t)n * sizeof(int)), cnt[7] = {0};
    CHECK_OK(clout_folds(n, 7, 3, fold, msg));
    CHECK_OK(clout_folds(n, 7, 3, fold2, msg));
    for (int64_t u = 0; u < n; u++) cnt[fold[u]]++;
    for (int f = 0; f < 7; f++) CHECK(cnt[f] == 71 || cnt[f] == 72, "fold %d has %d rows", f, cnt[f]);
    CHECK(memcmp(fold, fold2, (size_t)n * sizeof(int)) == 0, "folds are a function of the seed");
    CHECK(clout_folds(n, 1, 3, fold, msg) == CLOUT_ERR_INVALID, "one fold accepted");
    /* item halves: floor(n / 2) items first, a function of (seed, split), the splits different
     * draws, and over many splits each item about as often first as not */
    {
        enum { NI = 101, SPLITS = 400 };
        uint8_t h[NI], h2[NI], h3[NI];
        int often[NI] = {0}, differ = 0;
        for (int r = 0; r < SPLITS; r++) {
            CHECK_OK(clout_item_halves(NI, r, 5, h, msg));
            int first = 0;
            for (int i = 0; i < NI; i++) {
                CHECK(h[i] == 0 || h[i] == 1, "half[%d] = %d", i, h[i]);
                first += h[i];
                often[i] += h[i];
            }
            CHECK(first == NI / 2, "split %d: %d items first of %d", r, first, NI);
            if (r == 0) memcpy(h2, h, NI);
            else differ += memcmp(h, h2, NI) != 0;
        }
        CHECK(differ == SPLITS - 1, "%d of %d splits differ from the first", differ, SPLITS - 1);
        /* binomial(400, 50/101): mean 198, sd 10; 5 sd either side */
        for (int i = 0; i < NI; i++) CHECK(often[i] > 148 && often[i] < 248, "item %d first in %d of 400 splits", i, often[i]);
        CHECK_OK(clout_item_halves(NI, 7, 5, h, msg));
        CHECK_OK(clout_item_halves(NI, 7, 5, h3, msg));
        CHECK(memcmp(h, h3, NI) == 0, "halves are a function of (seed, split)");
        CHECK_OK(clout_item_halves(NI, 7, 6, h3, msg));
        CHECK(memcmp(h, h3, NI) != 0, "another seed gave the same halves");
        CHECK_OK(clout_item_halves(2, 0, 5, h, msg));
        CHECK(h[0] + h[1] == 1, "2 items: %d and %d", h[0], h[1]);
        CHECK(clout_item_halves(1, 0, 5, h, msg) == CLOUT_ERR_INVALID, "halves of 1 item");
        CHECK(clout_item_halves(NI, -1, 5, h, msg) == CLOUT_ERR_INVALID, "split -1 accepted");
        CHECK(clout_item_halves(NI, INT64_MAX / 50, 5, h, msg) == CLOUT_ERR_INVALID, "an overflowing split accepted");
    }
    free(fold);
    free(fold2);
    free(Xc);
    free(yb);
    free(X);
    free(y);
}

static double sgn(double x) { return (x > 0) - (x < 0); }
static int desc_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x < y) - (x > y);
}

/* the metrics as values (a failed call is a failed check and NaN) */
static double SPEAR(const double *a, const double *b, int64_t n)
{
    double v = NAN;
    CHECK_OK(clout_eval_spearman(a, b, n, &v, msg));
    return v;
}
static double KEND(const double *a, const double *b, int64_t n)
{
    double v = NAN;
    CHECK_OK(clout_eval_kendall(a, b, n, &v, msg));
    return v;
}
static double AUC(const double *a, const double *b, int64_t n)
{
    double v = NAN;
    CHECK_OK(clout_eval_auc(a, b, n, &v, msg));
    return v;
}
static double PREC(const double *a, const double *b, int64_t n, int64_t k)
{
    double v = NAN;
    CHECK_OK(clout_eval_precision(a, b, n, k, &v, msg));
    return v;
}
static double NDCG(const double *a, const double *b, int64_t n, int64_t k)
{
    double v = NAN;
    CHECK_OK(clout_eval_ndcg(a, b, n, k, &v, msg));
    return v;
}

static void check_metrics(void)
{
    /* by hand: scores 4 users */
    double s[] = {0.9, 0.1, 0.5, 0.7}, t[] = {3, 0, 0, 1};
    /* by score: 0, 3, 2, 1; truth's top 2: users 0 (3) and 3 (1) */
    CHECK(PREC(s, t, 4, 2) == 1.0, "precision@2");
    CHECK(PREC(s, t, 4, 1) == 1.0, "precision@1");
    /* k = 3: third-largest truth is 0, so every user counts */
    CHECK(PREC(s, t, 4, 3) == 1.0, "precision@3 with ties at the cut");
    double s2[] = {0.1, 0.9, 0.5, 0.7};
    /* by score: 1, 3, 2, 0; top 2 truth users 0, 3: hits 1 of 2 */
    CHECK(PREC(s2, t, 4, 2) == 0.5, "precision@2 = 0.5");
    /* NDCG@2 of s2: dcg = 0 + 1/log2(3); idcg = 3 + 1/log2(3) */
    double nd = NDCG(s2, t, 4, 2), want = (1 / log2(3.0)) / (3 + 1 / log2(3.0));
    CHECK(fabs(nd - want) < 1e-15, "ndcg@2 %g vs %g", nd, want);
    /* AUC: positives 0 and 3; pairs (pos, neg) by s2: (0: .1) vs (.9, .5): 0 wins; (3: .7) vs .9 no, .5 yes */
    CHECK(fabs(AUC(s2, t, 4) - 0.25) < 1e-15, "auc %g", AUC(s2, t, 4));
    CHECK(isnan(AUC(s2, (double[]){1, 1, 1, 1}, 4)), "auc without negatives");
    double v;
    CHECK(clout_eval_spearman((double[]){1, NAN}, t, 2, &v, msg) == CLOUT_ERR_INVALID, "a NaN score accepted");
    CHECK(clout_eval_precision(s, t, 4, 0, &v, msg) == CLOUT_ERR_INVALID, "k = 0 accepted");

    /* random columns with many ties against the O(n^2) definitions */
    for (int r = 0; r < 5; r++) {
        int64_t n = 200 + 37 * r;
        double *a = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)n * sizeof(double));
        /* negative values and both zeros (-0 equals +0) among them */
        for (int64_t i = 0; i < n; i++) {
            a[i] = floor(unif(10 + (uint64_t)r, (uint64_t)i) * 12) - 6;
            b[i] = floor(0.5 * a[i] + unif(20 + (uint64_t)r, (uint64_t)i) * 8) - 2;
            if (a[i] == 0 && i % 2) a[i] = -0.0;
            if (b[i] == 0 && i % 3 == 0) b[i] = -0.0;
        }
        double nc = 0, nd2 = 0, tx = 0, ty = 0, auc = 0, np = 0, nn = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = i + 1; j < n; j++) {
                double p = sgn(a[i] - a[j]) * sgn(b[i] - b[j]);
                nc += p > 0;
                nd2 += p < 0;
                tx += a[i] == a[j];
                ty += b[i] == b[j];
            }
        double n0 = 0.5 * (double)n * (double)(n - 1);
        double tau = (nc - nd2) / sqrt((n0 - tx) * (n0 - ty));
        CHECK(fabs(KEND(a, b, n) - tau) < 1e-12, "kendall %g vs %g", KEND(a, b, n), tau);
        /* Spearman: Pearson of average ranks computed pairwise */
        double *ra = malloc((size_t)n * sizeof(double)), *rb = malloc((size_t)n * sizeof(double));
        for (int64_t i = 0; i < n; i++) {
            double lt = 0, eqa = 0, ltb = 0, eqb = 0;
            for (int64_t j = 0; j < n; j++) {
                lt += a[j] < a[i], eqa += a[j] == a[i];
                ltb += b[j] < b[i], eqb += b[j] == b[i];
            }
            ra[i] = lt + (eqa + 1) / 2;
            rb[i] = ltb + (eqb + 1) / 2;
        }
        double m = (double)(n + 1) / 2, sab = 0, saa = 0, sbb = 0;
        for (int64_t i = 0; i < n; i++)
            sab += (ra[i] - m) * (rb[i] - m), saa += (ra[i] - m) * (ra[i] - m), sbb += (rb[i] - m) * (rb[i] - m);
        double rho = sab / sqrt(saa * sbb);
        CHECK(fabs(SPEAR(a, b, n) - rho) < 1e-12, "spearman %g vs %g", SPEAR(a, b, n), rho);
        /* AUC of a for b > 1 */
        double med = 1;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++)
                if (b[i] > med && !(b[j] > med)) auc += a[i] > a[j] ? 1 : a[i] == a[j] ? 0.5 : 0;
        for (int64_t i = 0; i < n; i++) np += b[i] > med, nn += !(b[i] > med);
        double *bp = malloc((size_t)n * sizeof(double));
        for (int64_t i = 0; i < n; i++) bp[i] = b[i] > med;
        CHECK(fabs(AUC(a, bp, n) - auc / (np * nn)) < 1e-12, "auc %g vs %g", AUC(a, bp, n),
              auc / (np * nn));
        /* precision@k and NDCG@k: the k best by score picked one by one (largest, then lowest
         * index), the truth's k-th largest and ideal gains from a qsort of its values */
        double *ts = malloc((size_t)n * sizeof(double));
        char *taken = calloc((size_t)n, 1);
        memcpy(ts, b, (size_t)n * sizeof(double));
        qsort(ts, (size_t)n, sizeof(double), desc_double);
        int64_t kmax = 60, pick[60];
        for (int64_t j = 0; j < kmax; j++) {
            int64_t best = -1;
            for (int64_t i = 0; i < n; i++)
                if (!taken[i] && (best < 0 || a[i] > a[best])) best = i;
            taken[best] = 1;
            pick[j] = best;
        }
        for (int64_t k = 1; k <= kmax; k += 7) {
            double hits = 0, dcg = 0, idcg = 0;
            for (int64_t j = 0; j < k; j++) {
                hits += b[pick[j]] >= ts[k - 1];
                dcg += fmax(b[pick[j]], 0) / log2((double)j + 2);
                idcg += fmax(ts[j], 0) / log2((double)j + 2);
            }
            CHECK(PREC(a, b, n, k) == hits / (double)k, "precision@%lld %g vs %g", (long long)k, PREC(a, b, n, k),
                  hits / (double)k);
            CHECK(fabs(NDCG(a, b, n, k) - dcg / idcg) < 1e-12, "ndcg@%lld %g vs %g", (long long)k, NDCG(a, b, n, k),
                  dcg / idcg);
        }
        free(ts);
        free(taken);
        free(bp);
        free(ra);
        free(rb);
        free(a);
        free(b);
    }
}

/* same value, NaN included */
static bool same(double x, double y) { return (isnan(x) && isnan(y)) || x == y; }

/* every column and metric of clout_eval_bootstrap against the one-metric calls: on all users, and
 * on each resample drawn by hand as documented (user clout_rng_bounded(seed, "boot", r n + j, n)),
 * for 1 and 2 threads */
static void check_bootstrap(void)
{
    const uint64_t boot_stream = 0x626f6f74u; /* "boot" */
    for (int64_t n = 3; n <= 700; n = n * 7 + 4) { /* 3, 25, 179: below and above the radix cut-off */
        int nc = 3, nk = 3, nm = 3 + 2 * nk;
        int64_t ks[] = {1, 5, n + 10}, boot = 6;
        uint64_t seed = 9;
        double *S = malloc((size_t)(nc * n) * sizeof(double)), *t = malloc((size_t)n * sizeof(double));
        for (int64_t i = 0; i < n; i++) {
            t[i] = floor(unif(31, (uint64_t)i) * 6) - 1;
            for (int q = 0; q < nc; q++)
                S[q * n + i] = q == 2 ? -t[i] : floor(unif(32 + (uint64_t)q, (uint64_t)i) * 9) - 4 + (q ? t[i] : 0);
        }
        size_t nv = (size_t)(nc * nm) * (size_t)(boot + 1);
        double *v1 = malloc(nv * sizeof(double)), *v2 = malloc(nv * sizeof(double));
        double *a = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)n * sizeof(double));
        clout_set_threads(1, msg);
        CHECK_OK(clout_eval_bootstrap(S, nc, t, n, ks, nk, boot, seed, v1, msg));
        clout_set_threads(2, msg);
        CHECK_OK(clout_eval_bootstrap(S, nc, t, n, ks, nk, boot, seed, v2, msg));
        CHECK(memcmp(v1, v2, nv * sizeof(double)) == 0, "n %lld: 1 and 2 threads differ", (long long)n);
        int bad = 0;
        for (int64_t r = 0; r <= boot; r++) {
            for (int q = 0; q < nc; q++) {
                for (int64_t j = 0; j < n; j++) {
                    int64_t at = r == boot ? j : (int64_t)clout_rng_bounded(seed, boot_stream, (uint64_t)(r * n + j),
                                                                              (uint64_t)n);
                    a[j] = S[q * n + at];
                    b[j] = t[at];
                }
                double want[9];
                want[0] = SPEAR(a, b, n);
                want[1] = KEND(a, b, n);
                want[2] = AUC(a, b, n);
                for (int ki = 0; ki < nk; ki++) {
                    want[3 + ki] = PREC(a, b, n, ks[ki]);
                    want[3 + nk + ki] = NDCG(a, b, n, ks[ki]);
                }
                for (int x = 0; x < nm; x++) {
                    double got = v1[((int64_t)q * nm + x) * (boot + 1) + r];
                    if (!same(got, want[x]) && bad++ < 5)
                        CHECK(0, "n %lld resample %lld column %d slot %d: %.17g, one-metric call %.17g", (long long)n,
                              (long long)r, q, x, got, want[x]);
                }
            }
        }
        CHECK(bad == 0, "n %lld: %d values differ from the one-metric calls", (long long)n, bad);
        /* the third column is the truth reversed: Spearman -1 on all users (n > 3: ties) */
        CHECK(fabs(v1[(2 * nm) * (boot + 1) + boot] + 1) < 1e-12, "reversed truth: spearman %g",
              v1[(2 * nm) * (boot + 1) + boot]);
        t[n / 2] = NAN;
        CHECK(clout_eval_bootstrap(S, nc, t, n, ks, nk, boot, seed, v1, msg) == CLOUT_ERR_INVALID, "a NaN truth");
        t[n / 2] = 0;
        ks[1] = 0;
        CHECK(clout_eval_bootstrap(S, nc, t, n, ks, nk, boot, seed, v1, msg) == CLOUT_ERR_INVALID, "k = 0");
        CHECK(clout_eval_bootstrap(NULL, nc, t, n, ks, nk, boot, seed, v1, msg) == CLOUT_ERR_INVALID, "no scores");
        CHECK(clout_eval_bootstrap(S, nc, t, n, ks, nk, boot, seed, NULL, msg) == CLOUT_ERR_INVALID, "no values");
        free(S);
        free(t);
        free(v1);
        free(v2);
        free(a);
        free(b);
    }
}

/* the percentile interval by hand: 101 values 0..100 shuffled with NaNs among them, and a paired
 * difference */
static void check_interval(void)
{
    double v[120], base[120], lo, hi;
    for (int i = 0; i < 120; i++) {
        v[i] = i < 101 ? (double)((i * 37) % 101) : NAN;
        base[i] = 1;
    }
    CHECK_OK(clout_eval_interval(v, NULL, 120, &lo, &hi, msg));
    CHECK(lo == 2 && hi == 98, "interval of 0..100: [%g, %g], expected [2, 98]", lo, hi);
    CHECK_OK(clout_eval_interval(v, base, 120, &lo, &hi, msg));
    CHECK(lo == 1 && hi == 97, "paired interval: [%g, %g], expected [1, 97]", lo, hi);
    double five[] = {5, 1, NAN, 3, 2, 4};
    CHECK_OK(clout_eval_interval(five, NULL, 6, &lo, &hi, msg));
    CHECK(lo == 1 && hi == 5, "interval of 1..5: [%g, %g]", lo, hi);
    CHECK_OK(clout_eval_interval((double[]){NAN, 4, NAN}, NULL, 3, &lo, &hi, msg));
    CHECK(isnan(lo) && isnan(hi), "one defined value gives no interval: [%g, %g]", lo, hi);
}

int main(void)
{
    check_init();
    check_formula();
    check_edges_and_top();
    check_fits();
    check_metrics();
    check_bootstrap();
    check_interval();
    return check_done("test_score");
}
