/* im.c: influence maximization under Independent Cascade.
 *
 * imm: Tang, Shi and Xiao (SIGMOD 2015). Sampling doubles the RR-set count until greedy
 * coverage certifies a lower bound LB of OPT, then theta = lambda* / LB sets are needed. Following
 * W. Chen (arXiv 1808.09363), the final selection runs greedy on theta FRESH RR sets, not on the
 * ones used to estimate LB. The seed set reaches (1 - 1/e - epsilon) OPT with probability at
 * least 1 - delta. RR set j draws from its own counter-based stream (the final sets use indices
 * offset by 2^40), and sets are stored in index order, so results do not depend on threads.
 * Baselines: degree (most out-ties) and degree-discount (Chen, Wang, Yang, KDD 2009, with p the
 * mean tie probability). */
#include "internal.h"
#include <math.h>
#include <omp.h>


typedef struct {
    int64_t *off;    /* count + 1 */
    int64_t *nodes;
    int64_t count, nnz, cap_sets, cap_nodes;
} rrstore;

static void rr_free(rrstore *r)
{
    free(r->off);
    free(r->nodes);
    memset(r, 0, sizeof(*r));
}

/* append RR sets with global indices first .. first + count - 1 */
static int rr_append(const clout_influence *P, rrstore *rs, int64_t first, int64_t count, uint64_t seed)
{
    int64_t n = P->n;
    int nt = omp_get_max_threads();
    int64_t **buf = calloc((size_t)nt, sizeof(int64_t *)), *len = calloc((size_t)nt, sizeof(int64_t));
    int64_t **offs = calloc((size_t)nt, sizeof(int64_t *));
    if (!buf || !len || !offs) {
        free(buf);
        free(len);
        free(offs);
        return CLOUT_ERR_NOMEM;
    }
    bool nomem = false;
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        int64_t lo = count * t / T, hi = count * (t + 1) / T, cap = 1024, used = 0;
        int64_t *b = malloc((size_t)cap * sizeof(int64_t)), *o = malloc((size_t)(hi - lo + 1) * sizeof(int64_t));
        int64_t *mark = calloc((size_t)n, sizeof(int64_t)), *queue = malloc((size_t)n * sizeof(int64_t));
        bool ok = b && o && mark && queue;
        for (int64_t j = lo; ok && j < hi; j++) {
            o[j - lo] = used;
            int64_t q = clout_i_rr_set(P, seed, (uint64_t)(first + j), mark, j + 1, queue);
            if (used + q > cap) {
                while (used + q > cap) cap *= 2;
                int64_t *nb = realloc(b, (size_t)cap * sizeof(int64_t));
                if (!nb) {
                    ok = false;
                    break;
                }
                b = nb;
            }
            memcpy(b + used, queue, (size_t)q * sizeof(int64_t));
            used += q;
        }
        free(queue);
        if (ok) o[hi - lo] = used;
        free(mark);
        buf[t] = b;
        offs[t] = o;
        len[t] = ok ? used : -1;
        if (!ok) {
            #pragma omp atomic write
            nomem = true;
        }
    }
    int st = nomem ? CLOUT_ERR_NOMEM : CLOUT_OK;
    /* concatenate in thread order, which is set-index order */
    int64_t add = 0;
    for (int t = 0; t < nt && st == CLOUT_OK; t++) add += len[t] > 0 ? len[t] : 0;
    if (st == CLOUT_OK) {
        int64_t *o2 = realloc(rs->off, (size_t)(rs->count + count + 1) * sizeof(int64_t));
        int64_t *n2 = o2 ? realloc(rs->nodes, (size_t)(rs->nnz + add + 1) * sizeof(int64_t)) : NULL;
        if (o2) rs->off = o2;
        if (n2) rs->nodes = n2;
        if (!o2 || !n2) st = CLOUT_ERR_NOMEM;
    }
    if (st == CLOUT_OK) {
        if (rs->count == 0) rs->off[0] = 0;
        for (int t = 0; t < nt; t++) {
            int T = nt;
            int64_t lo = count * t / T, hi = count * (t + 1) / T;
            if (!offs[t]) continue;
            for (int64_t j = lo; j < hi; j++) rs->off[rs->count + j + 1] = rs->nnz + offs[t][j - lo + 1];
            memcpy(rs->nodes + rs->nnz, buf[t], (size_t)len[t] * sizeof(int64_t));
            rs->nnz += len[t];
        }
        rs->count += count;
    }
    for (int t = 0; t < nt; t++) {
        free(buf[t]);
        free(offs[t]);
    }
    free(buf);
    free(len);
    free(offs);
    return st;
}

/* Greedy max coverage: k seeds, covered[i] = sets covered after seed i. Exact counts kept by
 * decrementing the nodes of every newly covered set; ties go to the lower index. */
/* sum of the k largest counts among users not yet taken (cnt < 0), by a size-k min-heap */
static int64_t topk_sum(const int64_t *cnt, int64_t n, int k, int64_t *heap)
{
    int hn = 0;
    for (int64_t v = 0; v < n; v++) {
        int64_t x = cnt[v];
        if (x < 0) continue;
        if (hn < k) {
            int i = hn++;
            heap[i] = x;
            while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
                int64_t t = heap[i];
                heap[i] = heap[(i - 1) / 2];
                heap[(i - 1) / 2] = t;
                i = (i - 1) / 2;
            }
        } else if (x > heap[0]) {
            heap[0] = x;
            for (int i = 0;;) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < hn && heap[l] < heap[m]) m = l;
                if (r < hn && heap[r] < heap[m]) m = r;
                if (m == i) break;
                int64_t t = heap[i];
                heap[i] = heap[m];
                heap[m] = t;
                i = m;
            }
        }
    }
    int64_t sum = 0;
    for (int i = 0; i < hn; i++) sum += heap[i];
    return sum;
}

/* Greedy max coverage; with upper != NULL also OPIM-C's online bound on the best coverage of any
 * k users: the least, over the greedy steps, of (covered so far + the k largest marginal counts). */
static int greedy_ub(const rrstore *rs, int64_t n, int k, int64_t *seeds, int64_t *covered, int64_t *upper);

static int greedy(const rrstore *rs, int64_t n, int k, int64_t *seeds, int64_t *covered)
{
    return greedy_ub(rs, n, k, seeds, covered, NULL);
}

static int greedy_ub(const rrstore *rs, int64_t n, int k, int64_t *seeds, int64_t *covered, int64_t *upper)
{
    int64_t *cnt = calloc((size_t)n, sizeof(int64_t)), *iptr = calloc((size_t)n + 1, sizeof(int64_t));
    int64_t *iset = malloc((size_t)(rs->nnz ? rs->nnz : 1) * sizeof(int64_t));
    bool *done = calloc((size_t)(rs->count ? rs->count : 1), sizeof(bool));
    int st = cnt && iptr && iset && done ? CLOUT_OK : CLOUT_ERR_NOMEM;
    if (st == CLOUT_OK) {
        for (int64_t q = 0; q < rs->nnz; q++) iptr[rs->nodes[q] + 1]++;
        for (int64_t v = 0; v < n; v++) {
            cnt[v] = iptr[v + 1];
            iptr[v + 1] += iptr[v];
        }
        int64_t *fill = malloc((size_t)n * sizeof(int64_t));
        if (!fill) st = CLOUT_ERR_NOMEM;
        for (int64_t v = 0; fill && v < n; v++) fill[v] = iptr[v];
        for (int64_t j = 0; fill && j < rs->count; j++)
            for (int64_t q = rs->off[j]; q < rs->off[j + 1]; q++) iset[fill[rs->nodes[q]]++] = j;
        free(fill);
        int64_t total = 0;
        int64_t *heap = upper ? malloc((size_t)k * sizeof(int64_t)) : NULL;
        if (upper && !heap) st = CLOUT_ERR_NOMEM;
        if (upper) *upper = INT64_MAX;
        for (int i = 0; st == CLOUT_OK && i <= k; i++) {
            if (upper) {
                int64_t ub = total + topk_sum(cnt, n, k, heap);
                if (ub < *upper) *upper = ub;
            }
            if (i == k) break;
            int64_t best = 0;
            for (int64_t v = 1; v < n; v++)
                if (cnt[v] > cnt[best]) best = v;
            if (cnt[best] < 0) break; /* every user taken (k = n) */
            seeds[i] = best;
            total += cnt[best];
            covered[i] = total;
            for (int64_t q = iptr[best]; q < iptr[best + 1]; q++) {
                int64_t j = iset[q];
                if (done[j]) continue;
                done[j] = true;
                for (int64_t r = rs->off[j]; r < rs->off[j + 1]; r++) cnt[rs->nodes[r]]--;
            }
            cnt[best] = -1; /* never again */
        }
        free(heap);
    }
    free(cnt);
    free(iptr);
    free(iset);
    free(done);
    return st;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        rr_free(&rs);                                                                     \
        FREE_PTR(cov);                                                                    \
        FREE_PTR(tmp);                                                                    \
    } while (0)

static double log_choose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

int clout_im_imm(const clout_influence *P, int k, double eps, double delta, uint64_t seed, int64_t *seeds,
                 double *spread, int64_t *rr_used, char msg[CLOUT_MSG_LEN])
{
    rrstore rs = {0};
    int64_t *cov = NULL, *tmp = NULL;
    double n = (double)P->n;
    ASSERT_MSG(k >= 1 && k <= P->n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d",
               (long long)P->n, k);
    ASSERT_MSG(eps > 0 && eps < 1, CLOUT_ERR_INVALID, "epsilon must be in (0, 1), got %g", eps);
    if (delta <= 0) delta = 1.0 / n;
    ASSERT_MSG(delta < 1, CLOUT_ERR_INVALID, "delta must be in (0, 1), got %g", delta);
    ALLOC_TRY(cov, k, int64_t);
    ALLOC_TRY(tmp, k, int64_t);
    double logn = log(fmax(n, 2)), ell = log(1 / delta) / logn;
    ell = ell * (1 + log(2) / logn);
    double lcnk = log_choose(n, k), epsp = sqrt(2) * eps;
    double lambdap = (2 + 2 * epsp / 3) * (lcnk + ell * logn + log(fmax(log2(n), 1))) * n / (epsp * epsp);
    double lb = 1;
    for (int i = 1; i < (int)log2(fmax(n, 2)); i++) {
        double x = n / pow(2, i);
        int64_t theta_i = (int64_t)ceil(lambdap / x);
        if (theta_i > rs.count)
            ASSERT_MSG(rr_append(P, &rs, rs.count, theta_i - rs.count, seed) == CLOUT_OK, CLOUT_ERR_NOMEM,
                       "out of memory for %lld RR sets", (long long)theta_i);
        ASSERT_MSG(greedy(&rs, P->n, k, tmp, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
        double f = (double)cov[k - 1] / (double)rs.count;
        if (n * f >= (1 + epsp) * x) {
            lb = n * f / (1 + epsp);
            break;
        }
    }
    double e1 = 1 - 1 / M_E, alpha = sqrt(ell * logn + log(2)), beta = sqrt(e1 * (lcnk + ell * logn + log(2)));
    double lstar = 2 * n * (e1 * alpha + beta) * (e1 * alpha + beta) / (eps * eps);
    int64_t theta = (int64_t)ceil(lstar / lb);
    /* fresh sets for the selection (Chen's correction) */
    rr_free(&rs);
    ASSERT_MSG(rr_append(P, &rs, (int64_t)1 << 40, theta, seed) == CLOUT_OK, CLOUT_ERR_NOMEM,
               "out of memory for %lld RR sets", (long long)theta);
    ASSERT_MSG(greedy(&rs, P->n, k, seeds, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    for (int i = 0; i < k; i++) spread[i] = n * (double)cov[i] / (double)rs.count;
    *rr_used = theta;
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(dd);                                                                     \
        FREE_PTR(tv);                                                                     \
        FREE_PTR(taken);                                                                  \
    } while (0)

int clout_im_degree(const clout_influence *P, int k, bool discount, int64_t *seeds, char msg[CLOUT_MSG_LEN])
{
    double *dd = NULL;
    int64_t *tv = NULL;
    bool *taken = NULL;
    int64_t n = P->n;
    ASSERT_MSG(k >= 1 && k <= n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d", (long long)n, k);
    ALLOC_TRY(dd, n, double);
    CALLOC_TRY(tv, n, int64_t);
    CALLOC_TRY(taken, n, bool);
    double psum = 0;
    for (int64_t e = 0; e < P->m; e++) psum += P->op[e];
    double p = P->m ? psum / (double)P->m : 0;
    for (int64_t v = 0; v < n; v++) dd[v] = (double)(P->optr[v + 1] - P->optr[v]);
    for (int i = 0; i < k; i++) {
        int64_t best = -1;
        for (int64_t v = 0; v < n; v++)
            if (!taken[v] && (best < 0 || dd[v] > dd[best])) best = v;
        seeds[i] = best;
        taken[best] = true;
        if (!discount) continue;
        /* each out-neighbour v of the new seed: dd_v = d_v - 2 t_v - (d_v - t_v) t_v p */
        for (uint64_t q = P->optr[best]; q < P->optr[best + 1]; q++) {
            int64_t v = (int64_t)P->oidx[q];
            if (taken[v]) continue;
            tv[v]++;
            double d = (double)(P->optr[v + 1] - P->optr[v]);
            dd[v] = d - 2.0 * (double)tv[v] - (d - (double)tv[v]) * (double)tv[v] * p;
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- CELF */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(gain);                                                                   \
        FREE_PTR(round);                                                                  \
        FREE_PTR(all);                                                                    \
        FREE_PTR(sizes);                                                                  \
        FREE_PTR(cur);                                                                    \
        FREE_PTR(taken);                                                                  \
    } while (0)

/* Mean cascade size of a seed set over sims Monte Carlo runs. */
static int mc_spread(const clout_influence *P, const int64_t *s, int64_t ns, int64_t sims, uint64_t seed,
                     int64_t *sizes, double *out, char msg[CLOUT_MSG_LEN])
{
    int st = clout_simulate(P, false, s, ns, sims, seed, sizes, NULL, msg);
    if (st < 0) return st;
    double sum = 0;
    for (int64_t i = 0; i < sims; i++) sum += (double)sizes[i];
    *out = sum / (double)sims;
    return CLOUT_OK;
}

int clout_im_celf(const clout_influence *P, int k, int64_t sims, uint64_t seed, int64_t *seeds, double *spread,
                  char msg[CLOUT_MSG_LEN])
{
    double *gain = NULL;
    int *round = NULL;
    int64_t *all = NULL, *sizes = NULL, *cur = NULL;
    bool *taken = NULL;
    int64_t n = P->n;
    ASSERT_MSG(k >= 1 && k <= n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d", (long long)n, k);
    ASSERT_MSG(sims >= 1, CLOUT_ERR_INVALID, "the number of simulations must be positive");
    ALLOC_TRY(gain, n, double);
    CALLOC_TRY(round, n, int);
    ALLOC_TRY(all, n, int64_t);
    ALLOC_TRY(sizes, sims, int64_t);
    ALLOC_TRY(cur, k, int64_t);
    CALLOC_TRY(taken, n, bool);
    for (int64_t v = 0; v < n; v++) all[v] = v;
    /* first round: every user's own spread (parallel over users) */
    TRY(clout_ic_cascades(P, all, n, sims, seed, gain, NULL, NULL, msg));
    double base = 0;
    for (int i = 0; i < k; i++) {
        for (;;) {
            int64_t best = -1;
            for (int64_t v = 0; v < n; v++)
                if (!taken[v] && (best < 0 || gain[v] > gain[best])) best = v;
            if (round[best] == i) {
                /* its gain is fresh for this round: by submodularity no stale gain can beat it */
                seeds[i] = best;
                cur[i] = best;
                taken[best] = true;
                /* the first gains came from per-user cascades: re-estimate on the common sample */
                if (i == 0) TRY(mc_spread(P, cur, 1, sims, seed + 1, sizes, &base, msg));
                else base += gain[best];
                spread[i] = base;
                break;
            }
            cur[i] = best;
            double with;
            TRY(mc_spread(P, cur, i + 1, sims, seed + 1, sizes, &with, msg));
            gain[best] = with - base;
            round[best] = i;
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- PageRank baseline */

static int cmp_rank(const void *a, const void *b, void *ctx)
{
    const double *pr = ctx;
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return pr[x] > pr[y] ? -1 : pr[x] < pr[y] ? 1 : (x > y) - (x < y);
}

/* PageRank baseline: the k users ranked highest on the reversed graph (influence flows along S,
 * so a user pointed to by influential users there is one who reaches many here). */
int clout_im_pagerank(clout_graph *G, int k, int64_t *seeds, char msg[CLOUT_MSG_LEN])
{
    if (k < 1 || k > clout_graph_users(G)) {
        clout_i_setmsg(msg, "k must be between 1 and the %lld users, got %d", (long long)clout_graph_users(G), k);
        return CLOUT_ERR_INVALID;
    }
    int s = clout_graph_cache_transpose(G, msg);
    if (s < 0) return s;
    clout_graph R = *G;
    R.S = G->ST;
    R.ST = NULL;
    R.out_degree = R.in_degree = NULL;
    double *pr = NULL;
    int it;
    s = clout_pagerank(&R, 0.85, 1e-10, 10000, NULL, &pr, &it, msg);
    if (R.ST) GrB_free(&R.ST);
    if (s < 0) return s;
    int64_t n = clout_graph_users(G);
    int64_t *ord = malloc((size_t)n * sizeof(int64_t));
    if (!ord) {
        free(pr);
        return CLOUT_ERR_NOMEM;
    }
    for (int64_t i = 0; i < n; i++) ord[i] = i;
    qsort_r(ord, (size_t)n, sizeof(int64_t), cmp_rank, pr);
    memcpy(seeds, ord, (size_t)k * sizeof(int64_t));
    free(ord);
    free(pr);
    return CLOUT_OK;
}


/* ---------------------------------------------------------------- OPIM-C */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        rr_free(&r1);                                                                     \
        rr_free(&r2);                                                                     \
        FREE_PTR(cov);                                                                    \
        FREE_PTR(tmp);                                                                    \
    } while (0)

/* Coverage of a seed set in a store of RR sets. */
static int64_t coverage(const rrstore *rs, const int64_t *seeds, int k, int64_t n)
{
    bool *in = calloc((size_t)n, sizeof(bool));
    if (!in) return -1;
    for (int i = 0; i < k; i++) in[seeds[i]] = true;
    int64_t c = 0;
    for (int64_t j = 0; j < rs->count; j++)
        for (int64_t q = rs->off[j]; q < rs->off[j + 1]; q++)
            if (in[rs->nodes[q]]) {
                c++;
                break;
            }
    free(in);
    return c;
}

int clout_im_opimc(const clout_influence *P, int k, double eps, double delta, uint64_t seed, int64_t *seeds,
                   double *spread, int64_t *rr_used, double *ratio, char msg[CLOUT_MSG_LEN])
{
    rrstore r1 = {0}, r2 = {0};
    int64_t *cov = NULL, *tmp = NULL;
    double n = (double)P->n;
    ASSERT_MSG(k >= 1 && k <= P->n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d",
               (long long)P->n, k);
    ASSERT_MSG(eps > 0 && eps < 1, CLOUT_ERR_INVALID, "epsilon must be in (0, 1), got %g", eps);
    if (delta <= 0) delta = 1.0 / n;
    ASSERT_MSG(delta < 1, CLOUT_ERR_INVALID, "delta must be in (0, 1), got %g", delta);
    ALLOC_TRY(cov, k, int64_t);
    ALLOC_TRY(tmp, k, int64_t);
    double e1 = 1 - 1 / M_E, lcnk = log_choose(n, k);
    double tmax = 2 * n * pow(e1 * sqrt(log(6 / delta)) + sqrt(e1 * (lcnk + log(6 / delta))), 2) / (eps * eps * k);
    double t0 = tmax * eps * eps * k / n;
    int imax = (int)ceil(log2(fmax(tmax / t0, 2)));
    double d1 = delta / (3.0 * imax), d2 = d1;
    int64_t theta = (int64_t)ceil(t0);
    double got = 0;
    for (int i = 1; i <= imax; i++) {
        /* R1 selects and bounds OPT from above; R2, independent, bounds the selection's spread */
        if (theta > r1.count) {
            ASSERT_MSG(rr_append(P, &r1, r1.count, theta - r1.count, seed) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
            ASSERT_MSG(rr_append(P, &r2, ((int64_t)1 << 41) + r2.count, theta - r2.count, seed) == CLOUT_OK,
                       CLOUT_ERR_NOMEM, "out of memory");
        }
        int64_t up;
        ASSERT_MSG(greedy_ub(&r1, P->n, k, tmp, cov, &up) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
        int64_t c2 = coverage(&r2, tmp, k, P->n);
        ASSERT_MSG(c2 >= 0, CLOUT_ERR_NOMEM, "out of memory");
        double th = (double)r1.count;
        double lo = (pow(sqrt((double)c2 + 2 * log(1 / d2) / 9) - sqrt(log(1 / d2) / 2), 2) - log(1 / d2) / 18) * n / th;
        double hi = pow(sqrt((double)up + log(1 / d1) / 2) + sqrt(log(1 / d1) / 2), 2) * n / th;
        got = hi > 0 ? fmax(0, lo) / hi : 0;
        memcpy(seeds, tmp, (size_t)k * sizeof(int64_t));
        if (got >= e1 - eps) break;
        theta *= 2;
    }
    /* the running estimate from R2, which played no part in the selection: unbiased */
    for (int q = 0; q < k; q++) {
        int64_t c = coverage(&r2, seeds, q + 1, P->n);
        ASSERT_MSG(c >= 0, CLOUT_ERR_NOMEM, "out of memory");
        spread[q] = n * (double)c / (double)r2.count;
    }
    *rr_used = 2 * r1.count;
    *ratio = got;
    FREE_ALL;
    return CLOUT_OK;
}
