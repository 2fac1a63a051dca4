/* evaluate.c: how well a score column orders users against what really happened: rank
 * correlations (Spearman, Kendall's tau-b), precision@k, NDCG@k and AUC. */
#include "store_internal.h"
#include <math.h>

static double pearson(const double *x, const double *y, int64_t n)
{
    double mx = 0, my = 0;
    for (int64_t i = 0; i < n; i++) mx += x[i], my += y[i];
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int64_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(a);                                                                      \
        FREE_PTR(b);                                                                      \
    } while (0)

int clout_eval_spearman(const double *score, const double *truth, int64_t n, double *value, char msg[CLOUT_MSG_LEN])
{
    double *a = NULL, *b = NULL;
    *value = NAN;
    if (n < 2) return CLOUT_OK;
    ALLOC_TRY(a, n, double);
    ALLOC_TRY(b, n, double);
    TRY(clout_average_ranks(score, n, a, msg));
    TRY(clout_average_ranks(truth, n, b, msg));
    *value = pearson(a, b, n);
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

/* both columns finite, or CLOUT_ERR_INVALID naming the first value that is not */
static int finite_cols(const double *a, const double *b, int64_t n, char msg[CLOUT_MSG_LEN])
{
    for (int64_t i = 0; i < n; i++)
        ASSERT_MSG(isfinite(a[i]) && isfinite(b[i]), CLOUT_ERR_INVALID, "row %lld: the %s is not a finite number",
                   (long long)i + 1, isfinite(a[i]) ? "truth" : "score");
    return CLOUT_OK;
}

typedef struct {
    double x, y;
} pair;

static int by_xy(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    return 0;
}

/* sort a[0..n) by y, counting the swaps an insertion sort would make (discordant pairs) */
static int64_t merge_count(pair *a, pair *tmp, int64_t n)
{
    if (n < 2) return 0;
    int64_t h = n / 2, swaps = merge_count(a, tmp, h) + merge_count(a + h, tmp, n - h);
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (a[j].y < a[i].y) {
            swaps += h - i;
            tmp[k++] = a[j++];
        } else {
            tmp[k++] = a[i++];
        }
    }
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, (size_t)n * sizeof(pair));
    return swaps;
}

/* pairs tied in a run: sum of t (t - 1) / 2 over runs of equal keys */
static double tied(const pair *a, int64_t n, bool by_x, bool by_both)
{
    double t = 0;
    for (int64_t i = 0; i < n;) {
        int64_t j = i + 1;
        while (j < n && (by_both ? (a[j].x == a[i].x && a[j].y == a[i].y) : by_x ? a[j].x == a[i].x : a[j].y == a[i].y))
            j++;
        t += 0.5 * (double)(j - i) * (double)(j - i - 1);
        i = j;
    }
    return t;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(a);                                                                      \
        FREE_PTR(tmp);                                                                    \
    } while (0)

int clout_eval_kendall(const double *score, const double *truth, int64_t n, double *value, char msg[CLOUT_MSG_LEN])
{
    pair *a = NULL, *tmp = NULL;
    double r = NAN;
    *value = NAN;
    if (n < 2) return CLOUT_OK;
    TRY(finite_cols(score, truth, n, msg));
    ALLOC_TRY(a, n, pair);
    ALLOC_TRY(tmp, n, pair);
    {
        for (int64_t i = 0; i < n; i++) a[i] = (pair){score[i], truth[i]};
        qsort(a, (size_t)n, sizeof(pair), by_xy);
        double n0 = 0.5 * (double)n * (double)(n - 1);
        double n1 = tied(a, n, true, false), n3 = tied(a, n, false, true);
        double swaps = (double)merge_count(a, tmp, n);
        double n2 = tied(a, n, false, false);
        /* concordant - discordant = n0 - n1 - n2 + n3 - 2 swaps */
        double den = sqrt((n0 - n1) * (n0 - n2));
        r = den > 0 ? (n0 - n1 - n2 + n3 - 2 * swaps) / den : NAN;
    }
    FREE_ALL;
    *value = r;
    return CLOUT_OK;
}

typedef struct {
    double x;
    int64_t i;
} keyed;

/* best first, ties by index */
static int desc(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->x != q->x) return p->x > q->x ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

static keyed *sorted_desc(const double *x, int64_t n)
{
    keyed *k = clout_i_malloc((size_t)(n > 0 ? n : 1), sizeof(keyed));
    if (k == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) k[i] = (keyed){x[i], i};
    qsort(k, (size_t)n, sizeof(keyed), desc);
    return k;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(s);                                                                      \
        FREE_PTR(t);                                                                      \
    } while (0)

int clout_eval_precision(const double *score, const double *truth, int64_t n, int64_t k, double *value,
                         char msg[CLOUT_MSG_LEN])
{
    keyed *s = NULL, *t = NULL;
    *value = NAN;
    ASSERT_MSG(k >= 1, CLOUT_ERR_INVALID, "k must be >= 1 (got %lld)", (long long)k);
    if (n < 1) return CLOUT_OK;
    TRY(finite_cols(score, truth, n, msg));
    if (k > n) k = n;
    s = sorted_desc(score, n);
    t = sorted_desc(truth, n);
    ASSERT_MSG(s && t, CLOUT_ERR_NOMEM, "out of memory");
    double kth = t[k - 1].x;
    int64_t hits = 0;
    for (int64_t j = 0; j < k; j++) hits += truth[s[j].i] >= kth;
    *value = (double)hits / (double)k;
    FREE_ALL;
    return CLOUT_OK;
}

int clout_eval_ndcg(const double *score, const double *truth, int64_t n, int64_t k, double *value,
                    char msg[CLOUT_MSG_LEN])
{
    keyed *s = NULL, *t = NULL;
    double r = NAN;
    *value = NAN;
    ASSERT_MSG(k >= 1, CLOUT_ERR_INVALID, "k must be >= 1 (got %lld)", (long long)k);
    if (n < 1) return CLOUT_OK;
    TRY(finite_cols(score, truth, n, msg));
    if (k > n) k = n;
    s = sorted_desc(score, n);
    t = sorted_desc(truth, n);
    ASSERT_MSG(s && t, CLOUT_ERR_NOMEM, "out of memory");
    {
        double dcg = 0, idcg = 0;
        for (int64_t j = 0; j < k; j++) {
            double disc = 1.0 / log2((double)j + 2.0);
            dcg += fmax(truth[s[j].i], 0) * disc;
            idcg += fmax(t[j].x, 0) * disc;
        }
        r = idcg > 0 ? dcg / idcg : NAN;
    }
    FREE_ALL;
    *value = r;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL FREE_PTR(rk)

int clout_eval_auc(const double *score, const double *truth, int64_t n, double *value, char msg[CLOUT_MSG_LEN])
{
    double *rk = NULL, r = NAN;
    *value = NAN;
    TRY(finite_cols(score, truth, n, msg));
    int64_t pos = 0;
    for (int64_t i = 0; i < n; i++) pos += truth[i] > 0;
    if (pos == 0 || pos == n) return CLOUT_OK;
    ALLOC_TRY(rk, n, double);
    TRY(clout_average_ranks(score, n, rk, msg));
    {
        double sum = 0;
        for (int64_t i = 0; i < n; i++)
            if (truth[i] > 0) sum += rk[i];
        double np = (double)pos, nn = (double)(n - pos);
        r = (sum - np * (np + 1) / 2) / (np * nn);
    }
    FREE_ALL;
    *value = r;
    return CLOUT_OK;
}
