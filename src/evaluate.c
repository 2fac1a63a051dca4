/* evaluate.c: how well a score column orders users against what really happened: rank
 * correlations (Spearman, Kendall's tau-b), precision@k, NDCG@k and AUC, one at a time or every
 * one of many columns with bootstrap resamples; and the average ranks they rest on. */
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

typedef struct {
    double x, y;
} pair;

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
#define FREE_ALL

/* ---- every metric of many columns against one truth, sharing the work: the truth is sorted and
 * ranked once, each column sorted once (best first) for its ranks, AUC, precision and NDCG at every
 * k, and once more (after the truth's order) for Kendall. The one-metric calls below ask it for
 * one value: one implementation of each metric. */
typedef struct {
    int64_t n, pos;         /* users; users with truth > 0 */
    const double *truth;
    clout_i_keyed *tk, *sk; /* truth best first; a column best first (ties by index) */
    clout_i_keyed *tmp;     /* the sorts' workspace */
    int64_t *count;
    double *tr, *sr;        /* average ranks (ascending) of the truth and of a column */
    pair *pa, *pt;          /* Kendall's pairs and merge buffer */
} evaluator;

static void ev_free(evaluator *e)
{
    free(e->tk);
    free(e->sk);
    free(e->tmp);
    free(e->count);
    free(e->tr);
    free(e->sr);
    free(e->pa);
    free(e->pt);
    memset(e, 0, sizeof *e);
}

static bool ev_alloc(evaluator *e, int64_t n)
{
    size_t m = (size_t)(n > 0 ? n : 1);
    memset(e, 0, sizeof *e);
    e->tk = clout_i_malloc(m, sizeof(clout_i_keyed));
    e->sk = clout_i_malloc(m, sizeof(clout_i_keyed));
    e->tmp = clout_i_malloc(m, sizeof(clout_i_keyed));
    e->count = clout_i_malloc(CLOUT_I_SORT_COUNT, sizeof(int64_t));
    e->tr = clout_i_malloc(m, sizeof(double));
    e->sr = clout_i_malloc(m, sizeof(double));
    e->pa = clout_i_malloc(m, sizeof(pair));
    e->pt = clout_i_malloc(m, sizeof(pair));
    if (e->tk && e->sk && e->tmp && e->count && e->tr && e->sr && e->pa && e->pt) return true;
    ev_free(e);
    return false;
}

/* average ranks (ascending, 1-based) from an order best first: a run of equal values at
 * positions a..b holds the ascending positions n-1-b..n-1-a, and ranks their mean plus 1 */
static void ranks_from_desc(const clout_i_keyed *d, int64_t n, double *rank)
{
    for (int64_t a = 0; a < n;) {
        int64_t b = a;
        while (b + 1 < n && d[b + 1].x == d[a].x) b++;
        double r = 0.5 * (double)((n - 1 - b) + (n - 1 - a)) + 1.0;
        for (int64_t q = a; q <= b; q++) rank[d[q].i] = r;
        a = b + 1;
    }
}

static int ev_truth(evaluator *e, const double *t, int64_t n, char msg[CLOUT_MSG_LEN])
{
    e->n = n;
    e->truth = t;
    e->pos = 0;
    for (int64_t i = 0; i < n; i++) {
        ASSERT_MSG(isfinite(t[i]), CLOUT_ERR_INVALID, "row %lld: the truth is not a finite number", (long long)i + 1);
        e->tk[i] = (clout_i_keyed){t[i], i};
        e->pos += t[i] > 0;
    }
    TRY(clout_i_sort_keyed(e->tk, n, true, e->tmp, e->count, msg));
    ranks_from_desc(e->tk, n, e->tr);
    return CLOUT_OK;
}

enum { W_SPEARMAN = 1, W_KENDALL = 2, W_AUC = 4, W_TOPK = 8, W_ALL = 15 };

/* slots x (spearman, kendall, auc, precision at each k, ndcg at each k) of column s at out[x stride];
 * the slots want leaves out stay NaN */
static int ev_column(evaluator *e, const double *s, const int64_t *k, int nk, int want, double *out, int64_t stride,
                     char msg[CLOUT_MSG_LEN])
{
    int64_t n = e->n;
    const double *t = e->truth;
    int nm = 3 + 2 * nk;
    for (int x = 0; x < nm; x++) out[x * stride] = NAN;
    for (int64_t i = 0; i < n; i++) {
        ASSERT_MSG(isfinite(s[i]), CLOUT_ERR_INVALID, "row %lld: the score is not a finite number", (long long)i + 1);
        e->sk[i] = (clout_i_keyed){s[i], i};
    }
    if (n < 1) return CLOUT_OK;
    if (want & (W_SPEARMAN | W_AUC | W_TOPK)) {
        TRY(clout_i_sort_keyed(e->sk, n, true, e->tmp, e->count, msg));
        ranks_from_desc(e->sk, n, e->sr);
    }
    if ((want & W_SPEARMAN) && n >= 2) out[0] = pearson(e->sr, e->tr, n);
    if ((want & W_AUC) && e->pos > 0 && e->pos < n) {
        double sum = 0;
        for (int64_t i = 0; i < n; i++)
            if (t[i] > 0) sum += e->sr[i];
        double np = (double)e->pos, nn = (double)(n - e->pos);
        out[2 * stride] = (sum - np * (np + 1) / 2) / (np * nn);
    }
    for (int ki = 0; (want & W_TOPK) && ki < nk; ki++) {
        int64_t kk = k[ki] > n ? n : k[ki];
        double kth = e->tk[kk - 1].x, dcg = 0, idcg = 0;
        int64_t hits = 0;
        for (int64_t j = 0; j < kk; j++) {
            hits += t[e->sk[j].i] >= kth;
            double disc = 1.0 / log2((double)j + 2.0);
            dcg += fmax(t[e->sk[j].i], 0) * disc;
            idcg += fmax(e->tk[j].x, 0) * disc;
        }
        out[(3 + ki) * stride] = (double)hits / (double)kk;
        out[(3 + nk + ki) * stride] = idcg > 0 ? dcg / idcg : NAN;
    }
    if ((want & W_KENDALL) && n >= 2) {
        /* Kendall: the pairs ordered by (score, truth): the truth ascending, then stably by score */
        clout_i_keyed *kk = e->sk;
        for (int64_t j = 0; j < n; j++) {
            int64_t i = e->tk[n - 1 - j].i;
            kk[j] = (clout_i_keyed){s[i], i};
        }
        TRY(clout_i_sort_keyed(kk, n, false, e->tmp, e->count, msg));
        pair *a = e->pa;
        for (int64_t j = 0; j < n; j++) a[j] = (pair){s[kk[j].i], t[kk[j].i]};
        double n0 = 0.5 * (double)n * (double)(n - 1);
        double n1 = tied(a, n, true, false), n3 = tied(a, n, false, true);
        double swaps = (double)merge_count(a, e->pt, n);
        double n2 = tied(a, n, false, false);
        double den = sqrt((n0 - n1) * (n0 - n2));
        out[stride] = den > 0 ? (n0 - n1 - n2 + n3 - 2 * swaps) / den : NAN;
    }
    return CLOUT_OK;
}

int clout_eval_bootstrap(const double *scores, int ncols, const double *truth, int64_t n, const int64_t *k, int nk,
                         int64_t boot, uint64_t seed, double *values, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(values && (n == 0 || (scores && truth)), CLOUT_ERR_INVALID, "clout_eval_bootstrap: missing argument");
    ASSERT_MSG(ncols >= 1 && n >= 0 && nk >= 0 && nk <= 1000 && boot >= 0 && (nk == 0 || k != NULL),
               CLOUT_ERR_INVALID, "bootstrap: bad arguments (%d columns, %lld users, %d k, %lld resamples)", ncols,
               (long long)n, nk, (long long)boot);
    for (int i = 0; i < nk; i++) ASSERT_MSG(k[i] >= 1, CLOUT_ERR_INVALID, "k must be >= 1 (got %lld)", (long long)k[i]);
    int nm = 3 + 2 * nk;
    int64_t stride = boot + 1;
    int status = CLOUT_OK;
    {
        evaluator e;
        ASSERT_MSG(ev_alloc(&e, n), CLOUT_ERR_NOMEM, "out of memory evaluating %lld users", (long long)n);
        status = ev_truth(&e, truth, n, msg);
        for (int q = 0; q < ncols && status == CLOUT_OK; q++)
            status = ev_column(&e, scores + (int64_t)q * n, k, nk, W_ALL, &values[(int64_t)q * nm * stride + boot], stride,
                               msg);
        ev_free(&e);
        if (status != CLOUT_OK) return status;
    }
    if (boot == 0 || n == 0) return CLOUT_OK;
    bool stop = false;
    int64_t done = 0;
    clout_i_progress *prog = clout_i_progress_start("bootstrap", (double)boot, " resamples");
    #pragma omp parallel
    {
        double *a = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)n * sizeof(double));
        int64_t *at = malloc((size_t)n * sizeof(int64_t));
        evaluator e;
        bool ok = ev_alloc(&e, n);
        char m2[CLOUT_MSG_LEN];
        if (!a || !b || !at || !ok) {
            #pragma omp critical
            if (status == CLOUT_OK) {
                status = CLOUT_ERR_NOMEM;
                snprintf(msg, CLOUT_MSG_LEN, "out of memory in the bootstrap (%lld users)", (long long)n);
            }
        }
        #pragma omp for schedule(dynamic, 1)
        for (int64_t r = 0; r < boot; r++) {
            if (!a || !b || !at || !ok || __atomic_load_n(&stop, __ATOMIC_RELAXED) ||
                __atomic_load_n(&status, __ATOMIC_RELAXED) != CLOUT_OK)
                continue;
            /* resample r: the same draws for every column, so columns' values pair up */
            for (int64_t j = 0; j < n; j++) {
                at[j] = (int64_t)clout_rng_bounded(seed, CLOUT_STREAM_BOOTSTRAP, (uint64_t)(r * n + j), (uint64_t)n);
                b[j] = truth[at[j]];
            }
            int s = ev_truth(&e, b, n, m2);
            for (int q = 0; q < ncols && s >= 0; q++) {
                const double *col = scores + (int64_t)q * n;
                for (int64_t j = 0; j < n; j++) a[j] = col[at[j]];
                s = ev_column(&e, a, k, nk, W_ALL, &values[(int64_t)q * nm * stride + r], stride, m2);
            }
            if (s < 0) {
                #pragma omp critical
                if (status == CLOUT_OK) {
                    status = s;
                    memcpy(msg, m2, CLOUT_MSG_LEN);
                }
            }
            clout_i_progress_tick(prog, &done, 1, &stop);
        }
        free(a);
        free(b);
        free(at);
        if (ok) ev_free(&e);
    }
    clout_i_progress_end(prog);
    if (status != CLOUT_OK) return status;
    ASSERT_MSG(!stop, CLOUT_ERR_INTERRUPTED, "interrupted");
    return CLOUT_OK;
}

/* one metric (slot x of a single k) of one column */
static int one(int x, const double *score, const double *truth, int64_t n, int64_t k, double *value,
               char msg[CLOUT_MSG_LEN])
{
    static const int want[] = {W_SPEARMAN, W_KENDALL, W_AUC, W_TOPK, W_TOPK};
    double out[5];
    evaluator e;
    ASSERT_MSG(ev_alloc(&e, n), CLOUT_ERR_NOMEM, "out of memory evaluating %lld users", (long long)n);
    int s = ev_truth(&e, truth, n, msg);
    if (s >= 0) s = ev_column(&e, score, &k, x >= 3, want[x], out, 1, msg);
    ev_free(&e);
    if (s >= 0) *value = out[x];
    return s;
}

int clout_eval_spearman(const double *score, const double *truth, int64_t n, double *value, char msg[CLOUT_MSG_LEN])
{
    *value = NAN;
    return n < 2 ? CLOUT_OK : one(0, score, truth, n, 0, value, msg);
}

int clout_eval_kendall(const double *score, const double *truth, int64_t n, double *value, char msg[CLOUT_MSG_LEN])
{
    *value = NAN;
    return n < 2 ? CLOUT_OK : one(1, score, truth, n, 0, value, msg);
}

int clout_eval_auc(const double *score, const double *truth, int64_t n, double *value, char msg[CLOUT_MSG_LEN])
{
    *value = NAN;
    return one(2, score, truth, n, 0, value, msg);
}

int clout_eval_precision(const double *score, const double *truth, int64_t n, int64_t k, double *value,
                         char msg[CLOUT_MSG_LEN])
{
    *value = NAN;
    ASSERT_MSG(k >= 1, CLOUT_ERR_INVALID, "k must be >= 1 (got %lld)", (long long)k);
    return n < 1 ? CLOUT_OK : one(3, score, truth, n, k, value, msg);
}

int clout_eval_ndcg(const double *score, const double *truth, int64_t n, int64_t k, double *value,
                    char msg[CLOUT_MSG_LEN])
{
    *value = NAN;
    ASSERT_MSG(k >= 1, CLOUT_ERR_INVALID, "k must be >= 1 (got %lld)", (long long)k);
    return n < 1 ? CLOUT_OK : one(4, score, truth, n, k, value, msg);
}

#undef FREE_ALL
#define FREE_ALL FREE_PTR(k)

int clout_average_ranks(const double *x, int64_t n, double *rank, char msg[CLOUT_MSG_LEN])
{
    clout_i_keyed *k = NULL;
    for (int64_t i = 0; i < n; i++)
        ASSERT_MSG(isfinite(x[i]), CLOUT_ERR_INVALID, "value %lld is not a finite number", (long long)i + 1);
    ALLOC_TRY(k, n > 0 ? n : 1, clout_i_keyed);
    for (int64_t i = 0; i < n; i++) k[i] = (clout_i_keyed){x[i], i};
    TRY(clout_i_sort_keyed(k, n, true, NULL, NULL, msg));
    ranks_from_desc(k, n, rank);
    FREE_ALL;
    return CLOUT_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#undef FREE_ALL
#define FREE_ALL FREE_PTR(d)

int clout_eval_interval(const double *v, const double *base, int64_t n, double *lo, double *hi,
                        char msg[CLOUT_MSG_LEN])
{
    double *d = NULL;
    *lo = *hi = NAN;
    ASSERT_MSG(n >= 0 && (n == 0 || v), CLOUT_ERR_INVALID, "clout_eval_interval: missing argument");
    ALLOC_TRY(d, n > 0 ? n : 1, double);
    int64_t nd = 0;
    for (int64_t r = 0; r < n; r++) {
        double x = base ? v[r] - base[r] : v[r];
        if (!isnan(x)) d[nd++] = x;
    }
    qsort(d, (size_t)nd, sizeof(double), cmp_double);
    if (nd >= 2) {
        *lo = d[(int64_t)floor(0.025 * (double)(nd - 1))];
        *hi = d[(int64_t)ceil(0.975 * (double)(nd - 1))];
    }
    FREE_ALL;
    return CLOUT_OK;
}
