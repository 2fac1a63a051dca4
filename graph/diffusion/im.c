/* im.c: influence maximization under Independent Cascade and Linear Threshold.
 *
 * imm: Tang, Shi and Xiao (SIGMOD 2015). Sampling doubles the RR-set count until greedy
 * coverage certifies a lower bound LB of OPT, then theta = lambda* / LB sets are needed. Following
 * W. Chen (arXiv 1808.09363), the final selection runs greedy on theta FRESH RR sets, not on the
 * ones used to estimate LB. The seed set reaches (1 - 1/e - epsilon) OPT with probability at
 * least 1 - delta. RR set j draws from its own counter-based stream (the final sets use indices
 * offset by 2^40), and sets are stored in index order, so results do not depend on threads.
 * RR sets live in one flat array of 32-bit user indices with an offset per set (no per-set
 * allocation); greedy max coverage keeps exact marginal counts (decremented as sets get covered,
 * in parallel on large steps) and finds each maximum with a lazy max-heap.
 * Baselines: degree (most out-ties) and degree-discount (Chen, Wang, Yang, KDD 2009, with p the
 * mean tie probability). */
#include "diffusion_internal.h"
#include <math.h>
#include <omp.h>


/* The RR sets of a run, in index order: set j holds off[j + 1] - off[j] users, positions in the
 * concatenation of all sets. The users themselves stay in the chunk buffers the samplers filled
 * (no copy): set j lies in chunk cid[j], which starts at position cstart[cid[j]]. */
typedef struct {
    int64_t *off;      /* count + 1 */
    uint32_t *cid;     /* count */
    uint32_t **chunk;  /* nch */
    int64_t *cstart;   /* nch */
    int64_t count, nnz, nch;
} rrstore;

static void rr_free(rrstore *r)
{
    for (int64_t c = 0; c < r->nch; c++) free(r->chunk[c]);
    free(r->chunk);
    free(r->cstart);
    free(r->off);
    free(r->cid);
    memset(r, 0, sizeof(*r));
}

/* the users of set j (set_len of them) */
static inline const uint32_t *set_users(const rrstore *rs, int64_t j)
{
    uint32_t c = rs->cid[j];
    return rs->chunk[c] + (rs->off[j] - rs->cstart[c]);
}

static inline int64_t set_len(const rrstore *rs, int64_t j)
{
    return rs->off[j + 1] - rs->off[j];
}

/* per-thread sampling state, kept across rounds so its memory is allocated (and faulted in) once */
typedef struct {
    clout_i_rrws *ws;
} rrwork;

typedef struct {
    const clout_influence *P;
    bool lt;
    uint64_t seed;
    int nt;
    rrwork *w;
    double avg; /* mean set size so far (sizes the next chunks' buffers) */
} rrsampler;

static void sampler_free(rrsampler *s)
{
    for (int t = 0; s->w && t < s->nt; t++) {
        clout_i_rrws_free(s->w[t].ws);
    }
    free(s->w);
    s->w = NULL;
}

static int sampler_init(rrsampler *s, const clout_influence *P, bool lt, uint64_t seed)
{
    s->P = P;
    s->lt = lt;
    s->seed = seed;
    s->nt = omp_get_max_threads();
    s->w = calloc((size_t)s->nt, sizeof(rrwork));
    if (!s->w) return CLOUT_ERR_NOMEM;
    for (int t = 0; t < s->nt; t++)
        if ((s->w[t].ws = clout_i_rrws_new(P)) == NULL) {
            sampler_free(s);
            return CLOUT_ERR_NOMEM;
        }
    return CLOUT_OK;
}

/* append RR sets with global indices first .. first + count - 1: chunks of RR_CHUNK sets handed
 * to threads as they come free (a busy core does not hold the round up), each sampled into its
 * own buffer, which the store then adopts as it is: sets stay in index order, never copied */
#define RR_CHUNK 65536

static int rr_append(rrsampler *S, rrstore *rs, int64_t first, int64_t count)
{
    if (count <= 0) return CLOUT_OK;
    if (rs->count + count >= (int64_t)UINT32_MAX) return CLOUT_ERR_NOMEM; /* set ids are 32-bit */
    int64_t nc = (count + RR_CHUNK - 1) / RR_CHUNK;
    int64_t *o2 = realloc(rs->off, (size_t)(rs->count + count + 1) * sizeof(int64_t));
    if (o2) rs->off = o2;
    uint32_t *c2 = o2 ? realloc(rs->cid, (size_t)(rs->count + count) * sizeof(uint32_t)) : NULL;
    if (c2) rs->cid = c2;
    uint32_t **k2 = c2 ? realloc(rs->chunk, (size_t)(rs->nch + nc) * sizeof(uint32_t *)) : NULL;
    if (k2) rs->chunk = k2;
    int64_t *s2 = k2 ? realloc(rs->cstart, (size_t)(rs->nch + nc) * sizeof(int64_t)) : NULL;
    if (s2) rs->cstart = s2;
    if (!s2) return CLOUT_ERR_NOMEM;
    uint32_t **cbuf = calloc((size_t)nc, sizeof(uint32_t *));
    int64_t *clen = calloc((size_t)nc, sizeof(int64_t)), *loc = malloc((size_t)(count + nc) * sizeof(int64_t));
    bool nomem = !cbuf || !clen || !loc;
    double guess = rs->count > 0 ? (double)rs->nnz / (double)rs->count : S->avg;
    if (!nomem) {
        #pragma omp parallel num_threads(S->nt)
        {
            rrwork *w = &S->w[omp_get_thread_num()];
            #pragma omp for schedule(dynamic, 1)
            for (int64_t c = 0; c < nc; c++) {
                int64_t lo = c * RR_CHUNK, m = count - lo < RR_CHUNK ? count - lo : RR_CHUNK, cap = 0;
                if (guess > 0) {
                    /* sized from the sets so far, and mapped in one call rather than page by page */
                    cap = (int64_t)((double)m * guess * 1.1) + 1024;
                    cbuf[c] = malloc((size_t)cap * sizeof(uint32_t));
                    if (cbuf[c]) clout_i_prefault(cbuf[c], (size_t)cap * sizeof(uint32_t));
                    else cap = 0;
                }
                /* set lo + i of this chunk starts at loc[lo + c + i] within its buffer */
                if (clout_i_rr_sets(S->P, S->lt, S->seed, (uint64_t)(first + lo), m, w->ws, &cbuf[c], &clen[c], &cap,
                                    loc + lo + c) != CLOUT_OK) {
                    #pragma omp atomic write
                    nomem = true;
                }
            }
        }
    }
    if (rs->count == 0) rs->off[0] = 0;
    for (int64_t c = 0; c < nc && !nomem; c++) {
        int64_t lo = c * RR_CHUNK, m = count - lo < RR_CHUNK ? count - lo : RR_CHUNK;
        /* the buffer grew by doubling: give back its slack */
        uint32_t *fit = realloc(cbuf[c], (size_t)(clen[c] ? clen[c] : 1) * sizeof(uint32_t));
        rs->chunk[rs->nch] = fit ? fit : cbuf[c];
        cbuf[c] = NULL;
        rs->cstart[rs->nch] = rs->nnz;
        for (int64_t i = 0; i < m; i++) {
            rs->off[rs->count + lo + i + 1] = rs->nnz + loc[lo + c + i + 1];
            rs->cid[rs->count + lo + i] = (uint32_t)rs->nch;
        }
        rs->nnz += clen[c];
        rs->nch++;
    }
    for (int64_t c = 0; cbuf && c < nc; c++) free(cbuf[c]);
    free(cbuf);
    free(clen);
    free(loc);
    if (nomem) return CLOUT_ERR_NOMEM;
    rs->count += count;
    S->avg = (double)rs->nnz / (double)rs->count;
    return CLOUT_OK;
}

/* Lazy max-heap of users ordered by (count descending, index ascending); entries carry the count
 * they were pushed with, which can only be stale upwards (counts never grow). */
typedef struct {
    uint32_t c, v; /* counts are below the number of sets, itself below 2^32 */
} hent;

static inline bool hbefore(hent a, hent b)
{
    return a.c > b.c || (a.c == b.c && a.v < b.v);
}

/* Keep the cap best entries seen (by hbefore) in h, a heap whose root is the worst of them. */
static void keep_best(hent *h, int *hn, int cap, hent e)
{
    int i;
    if (*hn < cap) {
        i = (*hn)++;
        h[i] = e;
        for (; i > 0 && hbefore(h[(i - 1) / 2], h[i]); i = (i - 1) / 2) {
            hent t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
        }
        return;
    }
    if (!hbefore(e, h[0])) return;
    h[0] = e;
    for (i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *hn && hbefore(h[m], h[l])) m = l;
        if (r < *hn && hbefore(h[m], h[r])) m = r;
        if (m == i) return;
        hent t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* sum of the k largest counts among users not yet taken (cnt < 0) */
static int64_t topk_sum(const int64_t *cnt, int64_t n, int k, hent *heap)
{
    int hn = 0;
    for (int64_t v = 0; v < n; v++)
        if (cnt[v] >= 0) keep_best(heap, &hn, k, (hent){(uint32_t)cnt[v], (uint32_t)v});
    int64_t sum = 0;
    for (int i = 0; i < hn; i++) sum += heap[i].c;
    return sum;
}

static void hsift(hent *h, int64_t n, int64_t i)
{
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && hbefore(h[l], h[m])) m = l;
        if (r < n && hbefore(h[r], h[m])) m = r;
        if (m == i) return;
        hent t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Up to this many stored users (4 bytes each) greedy indexes every user's sets; above it, only
 * the users with the highest counts, within a sixteenth of the store (the seeds come from among
 * them), and a seed outside the index finds its sets by a scan of the store: a full index would
 * double the memory. */
int64_t clout_i_greedy_index_max = (int64_t)1 << 23;

#define XCAND 64

/* greedy's workspace, kept across the rounds of one algorithm run */
typedef struct {
    int nt;
    int64_t *cnt, *iptr;       /* n + 1 each */
    hent *top;                 /* k */
    uint32_t *tpos;            /* nt * n: per-thread counts, then places within a user's list */
    hent *heap;                /* n */
    uint32_t *iset;            /* the index's set lists */
    unsigned char *done;       /* sets */
    int64_t iset_cap, done_cap;
    /* users outside the index whose sets one scan collected: slot[v] >= 0 for them */
    int32_t *slot;
    uint32_t xuser[XCAND], *xset;
    int64_t xoff[XCAND + 1], xcap;
    int nx;
} gwork;

static void gwork_free(gwork *g)
{
    free(g->cnt);
    free(g->iptr);
    free(g->tpos);
    free(g->top);
    free(g->heap);
    free(g->iset);
    free(g->done);
    free(g->slot);
    free(g->xset);
    memset(g, 0, sizeof(*g));
}

static int gwork_fit(gwork *g, int64_t n, int k, const rrstore *rs, bool index)
{
    if (!g->cnt) {
        g->nt = omp_get_max_threads();
        g->cnt = malloc((size_t)(n + 1) * sizeof(int64_t));
        g->iptr = malloc((size_t)(n + 1) * sizeof(int64_t));
        g->tpos = malloc((size_t)g->nt * (size_t)(n ? n : 1) * sizeof(uint32_t));
        g->top = malloc((size_t)k * sizeof(hent));
        g->heap = malloc((size_t)(n ? n : 1) * sizeof(hent));
        g->slot = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
        if (!g->cnt || !g->iptr || !g->tpos || !g->top || !g->heap || !g->slot) return CLOUT_ERR_NOMEM;
        for (int64_t v = 0; v < n; v++) g->slot[v] = -1;
    }
    for (int x = 0; x < g->nx; x++) g->slot[g->xuser[x]] = -1;
    g->nx = 0;
    int64_t want = index ? rs->nnz : rs->nnz / 16;
    if (want > g->iset_cap || (!index && g->iset_cap > 2 * want)) {
        free(g->iset);
        g->iset_cap = index ? want + want / 4 : want;
        g->iset = malloc((size_t)(g->iset_cap ? g->iset_cap : 1) * sizeof(uint32_t));
        if (!g->iset) return CLOUT_ERR_NOMEM;
    }
    if (rs->count > g->done_cap || !g->done) {
        free(g->done);
        g->done_cap = rs->count + rs->count / 4;
        g->done = malloc((size_t)(g->done_cap ? g->done_cap : 1));
        if (!g->done) return CLOUT_ERR_NOMEM;
    }
    return CLOUT_OK;
}

/* Cover set j: decrement the counts of its users. */
static inline void cover(const rrstore *rs, int64_t j, int64_t *cnt, bool atomic)
{
    const uint32_t *u = set_users(rs, j);
    for (int64_t r = 0, e = set_len(rs, j); r < e; r++) {
        if (atomic) {
            #pragma omp atomic
            cnt[u[r]]--;
        } else {
            cnt[u[r]]--;
        }
    }
}

/* A seed outside the index: one scan of the uncovered sets collects the sets of best and of the
 * other users outside the index with the highest counts (the likely next seeds), XCAND in all. */
static int collect(gwork *g, const rrstore *rs, const int64_t *cnt, int64_t n, int64_t best)
{
    for (int x = 0; x < g->nx; x++) g->slot[g->xuser[x]] = -1;
    /* best, then the top XCAND - 1 others by count (keep_best) */
    hent h[XCAND];
    int hn = 0;
    for (int64_t v = 0; v < n; v++)
        if (v != best && cnt[v] > 0 && g->iptr[v + 1] == g->iptr[v])
            keep_best(h, &hn, XCAND - 1, (hent){(uint32_t)cnt[v], (uint32_t)v});
    g->nx = 0;
    g->xuser[g->nx++] = (uint32_t)best;
    for (int i = 0; i < hn; i++) g->xuser[g->nx++] = h[i].v;
    for (int x = 0; x < g->nx; x++) g->slot[g->xuser[x]] = x;
    int64_t c[XCAND + 1] = {0};
    for (int64_t j = 0; j < rs->count; j++) {
        if (g->done[j]) continue;
        const uint32_t *u = set_users(rs, j);
        for (int64_t q = 0, e = set_len(rs, j); q < e; q++)
            if (g->slot[u[q]] >= 0) c[g->slot[u[q]] + 1]++;
    }
    for (int x = 0; x < g->nx; x++) c[x + 1] += c[x];
    if (c[g->nx] > g->xcap) {
        free(g->xset);
        g->xcap = c[g->nx] + c[g->nx] / 2;
        g->xset = malloc((size_t)(g->xcap ? g->xcap : 1) * sizeof(uint32_t));
        if (!g->xset) {
            g->xcap = 0;
            return CLOUT_ERR_NOMEM;
        }
    }
    memcpy(g->xoff, c, (size_t)(g->nx + 1) * sizeof(int64_t));
    for (int64_t j = 0; j < rs->count; j++) {
        if (g->done[j]) continue;
        const uint32_t *u = set_users(rs, j);
        for (int64_t q = 0, e = set_len(rs, j); q < e; q++)
            if (g->slot[u[q]] >= 0) g->xset[c[g->slot[u[q]]]++] = (uint32_t)j;
    }
    return CLOUT_OK;
}

/* Greedy max coverage: k seeds, covered[i] = sets covered after seed i; ties go to the lower
 * index. Counts are exact marginal coverages, decremented as sets get covered; the maximum comes
 * from a lazy heap. The sets a new seed covers come from an inverted index (user -> sets), which
 * above clout_i_greedy_index_max holds only the users with the highest counts; for a seed outside
 * it, one scan of the uncovered sets collects its sets and those of the next likely seeds.
 * With upper != NULL also OPIM-C's online bound on the best coverage of any k users: the least,
 * over the greedy steps, of (covered so far + the k largest marginal counts). */
static int greedy_ub(gwork *g, const rrstore *rs, int64_t n, int k, int64_t *seeds, int64_t *covered, int64_t *upper)
{
    bool index = rs->nnz <= clout_i_greedy_index_max;
    if (gwork_fit(g, n, k, rs, index) != CLOUT_OK) return CLOUT_ERR_NOMEM;
    int64_t *cnt = g->cnt, *iptr = g->iptr;
    uint32_t *tpos = g->tpos;
    uint32_t *iset = g->iset;
    unsigned char *done = g->done;
    hent *heap = g->heap;
    int64_t nsets = rs->count;
    int nt = g->nt;
    bool big = n > 65536; /* many users: atomic decrements rarely collide */
    int64_t tau = 1;
    memset(done, 0, (size_t)nsets);
    /* counts (and the inverted index, user -> sets ascending): each thread counts, then places,
     * the users of its own range of sets; no atomics, the same result for any thread count */
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        uint32_t *tc = tpos + (size_t)t * (size_t)n;
        int64_t lo = nsets * t / T, hi = nsets * (t + 1) / T;
        memset(tc, 0, (size_t)n * sizeof(uint32_t));
        for (int64_t j = lo; j < hi; j++) {
            const uint32_t *u = set_users(rs, j);
            for (int64_t q = 0, e = set_len(rs, j); q < e; q++) tc[u[q]]++;
        }
        #pragma omp barrier
        #pragma omp for schedule(static)
        for (int64_t v = 0; v < n; v++) {
            uint32_t c = 0;
            for (int u = 0; u < T; u++) {
                uint32_t x = tpos[(size_t)u * (size_t)n + (size_t)v];
                tpos[(size_t)u * (size_t)n + (size_t)v] = c;
                c += x;
            }
            cnt[v] = c;
        }
        #pragma omp single
        {
            /* the index holds users with at least tau sets: tau = 1 (all) or the least power of
             * two whose users' sets fit in the budget */
            tau = 1;
            if (!index) {
                int64_t hist[64] = {0};
                for (int64_t v = 0; v < n; v++)
                    if (cnt[v] > 0) hist[63 - __builtin_clzll((unsigned long long)cnt[v])] += cnt[v];
                int64_t sum = 0, budget = g->iset_cap;
                int b = 63;
                while (b >= 0 && sum + hist[b] <= budget) sum += hist[b--];
                tau = (int64_t)1 << (b + 1 < 63 ? b + 1 : 62);
            }
            iptr[0] = 0;
            for (int64_t v = 0; v < n; v++) iptr[v + 1] = iptr[v] + (cnt[v] >= tau ? cnt[v] : 0);
        }
        for (int64_t j = lo; j < hi; j++) {
            const uint32_t *u = set_users(rs, j);
            for (int64_t q = 0, e = set_len(rs, j); q < e; q++)
                if (cnt[u[q]] >= tau) iset[iptr[u[q]] + tc[u[q]]++] = (uint32_t)j;
        }
    }
    for (int64_t v = 0; v < n; v++) heap[v] = (hent){(uint32_t)cnt[v], (uint32_t)v};
    for (int64_t i = n / 2 - 1; i >= 0; i--) hsift(heap, n, i);
    int64_t total = 0, hn = n;
    if (upper) *upper = INT64_MAX;
    for (int i = 0; i <= k; i++) {
        if (upper) {
            int64_t ub = total + topk_sum(cnt, n, k, g->top);
            if (ub < *upper) *upper = ub;
        }
        if (i == k || hn == 0) break;
        /* lazy: re-key a stale top until the top is fresh */
        while ((int64_t)heap[0].c != cnt[heap[0].v]) {
            heap[0].c = (uint32_t)cnt[heap[0].v];
            hsift(heap, hn, 0);
        }
        int64_t best = heap[0].v;
        heap[0] = heap[--hn];
        hsift(heap, hn, 0);
        seeds[i] = best;
        total += cnt[best];
        covered[i] = total;
        if (cnt[best] == 0) {
            /* covers nothing new */
        } else if (iptr[best + 1] > iptr[best]) {
            int64_t a = iptr[best], b = iptr[best + 1];
            /* each set appears once in a user's list, so sets are claimed without races */
            bool par = big && b - a > 16384;
            #pragma omp parallel for schedule(dynamic, 256) if (par)
            for (int64_t q = a; q < b; q++) {
                uint32_t j = iset[q];
                if (done[j]) continue;
                done[j] = 1;
                cover(rs, j, cnt, par);
            }
        } else {
            if (g->slot[best] < 0 && collect(g, rs, cnt, n, best) != CLOUT_OK) return CLOUT_ERR_NOMEM;
            int x = g->slot[best];
            for (int64_t q = g->xoff[x]; q < g->xoff[x + 1]; q++) {
                uint32_t j = g->xset[q];
                if (done[j]) continue;
                done[j] = 1;
                cover(rs, j, cnt, false);
            }
        }
        cnt[best] = -1; /* never again */
    }
    return CLOUT_OK;
}

/* Coverage of every prefix of a seed list in a store of RR sets, in one pass: cov[i] = sets that
 * hold one of seeds[0..i]. A set counts toward the first seed it holds. */
static int prefix_coverage(const rrstore *rs, const int64_t *seeds, int k, int64_t n, int64_t *cov)
{
    int32_t *rank = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (!rank) return CLOUT_ERR_NOMEM;
    for (int64_t v = 0; v < n; v++) rank[v] = INT32_MAX;
    for (int i = 0; i < k; i++)
        if (rank[seeds[i]] > i) rank[seeds[i]] = i;
    memset(cov, 0, (size_t)k * sizeof(int64_t));
    for (int64_t j = 0; j < rs->count; j++) {
        int32_t r = INT32_MAX;
        const uint32_t *u = set_users(rs, j);
        for (int64_t q = 0, e = set_len(rs, j); q < e; q++)
            if (rank[u[q]] < r) r = rank[u[q]];
        if (r < k) cov[r]++;
    }
    for (int i = 1; i < k; i++) cov[i] += cov[i - 1];
    free(rank);
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        rr_free(&rs);                                                                     \
        rr_free(&bound);                                                                  \
        sampler_free(&smp);                                                               \
        gwork_free(&gw);                                                                  \
        FREE_PTR(cov);                                                                    \
        FREE_PTR(tmp);                                                                    \
    } while (0)

static double log_choose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/* The arguments imm and opim-c share: 1 <= k <= n, eps and delta in (0, 1) (delta <= 0: 1/n). */
static int rr_args(const clout_influence *P, int k, double eps, double *delta, char msg[CLOUT_MSG_LEN])
{
    if (k < 1 || k > P->n) {
        clout_i_setmsg(msg, "k must be between 1 and the %lld users, got %d", (long long)P->n, k);
        return CLOUT_ERR_INVALID;
    }
    if (!(eps > 0 && eps < 1)) {
        clout_i_setmsg(msg, "epsilon must be in (0, 1), got %g", eps);
        return CLOUT_ERR_INVALID;
    }
    if (*delta <= 0) *delta = 1.0 / (double)P->n;
    if (!(*delta < 1)) {
        clout_i_setmsg(msg, "delta must be in (0, 1), got %g", *delta);
        return CLOUT_ERR_INVALID;
    }
    return CLOUT_OK;
}

int clout_im_imm(const clout_influence *P, bool lt, int k, double eps, double delta, uint64_t seed, double est_rse,
                 int64_t *seeds, double *spread, int64_t *rr_used, int64_t *est_sets, char msg[CLOUT_MSG_LEN])
{
    rrstore rs = {0}, bound = {0};
    rrsampler smp = {0};
    gwork gw = {0};
    int64_t *cov = NULL, *tmp = NULL;
    double n = (double)P->n;
    TRY(rr_args(P, k, eps, &delta, msg));
    ALLOC_TRY(cov, k, int64_t);
    ALLOC_TRY(tmp, k, int64_t);
    ASSERT_MSG(sampler_init(&smp, P, lt, seed) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    double logn = log(fmax(n, 2)), ell = log(1 / delta) / logn;
    ell = ell * (1 + log(2) / logn);
    double lcnk = log_choose(n, k), e1 = 1 - 1 / M_E;
    double alpha = sqrt(ell * logn + log(2)), beta = sqrt(e1 * (lcnk + ell * logn + log(2)));
    double lstar = 2 * n * (e1 * alpha + beta) * (e1 * alpha + beta) / (eps * eps);
    /* The bound-finding phase may use any eps' in (0, 1) (Tang et al. take sqrt(2) eps). It ends
     * when greedy covers n F >= (1 + eps') x, after about 1.5 lambda'(eps') (1 + eps') / (n F) sets
     * (x halves each round), and leaves LB = n F / (1 + eps'), so the selection needs lambda*
     * (1 + eps') / (n F). eps' minimizes the sum, whatever F is. */
    double epsp = sqrt(2) * eps, best_cost = INFINITY;
    for (double e = 0.01; e < 0.995; e += 0.01) {
        double lp = (2 + 2 * e / 3) * (lcnk + ell * logn + log(fmax(log2(n), 1))) * n / (e * e);
        double cost = (1 + e) * (1.5 * lp + lstar);
        if (cost < best_cost) best_cost = cost, epsp = e;
    }
    double lambdap = (2 + 2 * epsp / 3) * (lcnk + ell * logn + log(fmax(log2(n), 1))) * n / (epsp * epsp);
    double lb = 1;
    for (int i = 1; i < (int)log2(fmax(n, 2)); i++) {
        double x = n / pow(2, i);
        int64_t theta_i = (int64_t)ceil(lambdap / x);
        if (theta_i > rs.count)
            ASSERT_MSG(rr_append(&smp, &rs, rs.count, theta_i - rs.count) == CLOUT_OK, CLOUT_ERR_NOMEM,
                       "out of memory for %lld RR sets", (long long)theta_i);
        ASSERT_MSG(greedy_ub(&gw, &rs, P->n, k, tmp, cov, NULL) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
        double f = (double)cov[k - 1] / (double)rs.count;
        if (n * f >= (1 + epsp) * x) {
            lb = n * f / (1 + epsp);
            break;
        }
    }
    int64_t theta = (int64_t)ceil(lstar / lb);
    /* fresh sets for the selection (Chen's correction); the bound phase's sets, independent of
     * the selection, then estimate the spread without the optimism of the sets that chose it */
    bound = rs;
    memset(&rs, 0, sizeof rs);
    gwork_free(&gw);
    ASSERT_MSG(rr_append(&smp, &rs, (int64_t)1 << 40, theta) == CLOUT_OK, CLOUT_ERR_NOMEM,
               "out of memory for %lld RR sets", (long long)theta);
    ASSERT_MSG(greedy_ub(&gw, &rs, P->n, k, seeds, cov, NULL) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    /* enough of them for a relative standard error of est_rse (more drawn if needed, never more
     * than the selection's own count): p = the covered fraction, rse = sqrt((1 - p) / (p N)) */
    double p = (double)cov[k - 1] / (double)rs.count;
    rr_free(&rs); /* the selection is done: its memory goes to the top-up */
    gwork_free(&gw);
    int64_t need = p > 0 && est_rse > 0 ? (int64_t)ceil((1 - p) / (p * est_rse * est_rse)) : 0;
    if (need > theta) need = theta;
    if (need > bound.count)
        ASSERT_MSG(rr_append(&smp, &bound, bound.count, need - bound.count) == CLOUT_OK, CLOUT_ERR_NOMEM,
                   "out of memory for %lld RR sets", (long long)need);
    ASSERT_MSG(prefix_coverage(&bound, seeds, k, P->n, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    for (int i = 0; i < k; i++) spread[i] = n * (double)cov[i] / (double)bound.count;
    *rr_used = theta;
    if (est_sets) *est_sets = bound.count;
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
    ASSERT_MSG(P->optr != NULL, CLOUT_ERR_INVALID, "the influence graph was built for RR sets only");
    ASSERT_MSG(k >= 1 && k <= n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d", (long long)n, k);
    ALLOC_TRY(dd, n, double);
    CALLOC_TRY(tv, n, int64_t);
    CALLOC_TRY(taken, n, bool);
    double psum = 0;
    for (int64_t e = 0; e < P->m; e++) psum += clout_i_pout(P, (uint64_t)e);
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
static int mc_spread(const clout_influence *P, bool lt, const int64_t *s, int64_t ns, int64_t sims, uint64_t seed,
                     int64_t *sizes, double *out, char msg[CLOUT_MSG_LEN])
{
    int st = clout_simulate(P, lt, s, ns, sims, seed, sizes, NULL, msg);
    if (st < 0) return st;
    double sum = 0;
    for (int64_t i = 0; i < sims; i++) sum += (double)sizes[i];
    *out = sum / (double)sims;
    return CLOUT_OK;
}

int clout_im_celf(const clout_influence *P, bool lt, int k, int64_t sims, uint64_t seed, int64_t *seeds, double *spread,
                  char msg[CLOUT_MSG_LEN])
{
    double *gain = NULL;
    int *round = NULL;
    int64_t *all = NULL, *sizes = NULL, *cur = NULL;
    bool *taken = NULL;
    int64_t n = P->n;
    ASSERT_MSG(P->optr != NULL, CLOUT_ERR_INVALID, "the influence graph was built for RR sets only");
    ASSERT_MSG(k >= 1 && k <= n, CLOUT_ERR_INVALID, "k must be between 1 and the %lld users, got %d", (long long)n, k);
    ASSERT_MSG(sims >= 1, CLOUT_ERR_INVALID, "the number of simulations must be positive");
    ALLOC_TRY(gain, n, double);
    CALLOC_TRY(round, n, int);
    ALLOC_TRY(all, n, int64_t);
    ALLOC_TRY(sizes, sims, int64_t);
    ALLOC_TRY(cur, k, int64_t);
    CALLOC_TRY(taken, n, bool);
    for (int64_t v = 0; v < n; v++) all[v] = v;
    /* first round: every user's own spread (IC: parallel over users; LT: over simulations) */
    if (!lt) TRY(clout_ic_cascades(P, all, n, sims, seed, gain, NULL, NULL, msg));
    for (int64_t v = 0; lt && v < n; v++) TRY(mc_spread(P, true, &all[v], 1, sims, seed + 2 + (uint64_t)v, sizes, &gain[v], msg));
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
                if (i == 0) TRY(mc_spread(P, lt, cur, 1, sims, seed + 1, sizes, &base, msg));
                else base += gain[best];
                spread[i] = base;
                break;
            }
            cur[i] = best;
            double with;
            TRY(mc_spread(P, lt, cur, i + 1, sims, seed + 1, sizes, &with, msg));
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
    s = clout_pagerank(&R, 0.85, 1e-10, 10000, NULL, &pr, &it, NULL, msg);
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
        sampler_free(&smp);                                                               \
        gwork_free(&gw);                                                                  \
        FREE_PTR(cov);                                                                    \
        FREE_PTR(tmp);                                                                    \
    } while (0)

int clout_im_opimc(const clout_influence *P, bool lt, int k, double eps, double delta, uint64_t seed, int64_t *seeds,
                   double *spread, int64_t *rr_used, double *ratio, char msg[CLOUT_MSG_LEN])
{
    rrstore r1 = {0}, r2 = {0};
    rrsampler smp = {0};
    gwork gw = {0};
    int64_t *cov = NULL, *tmp = NULL;
    double n = (double)P->n;
    TRY(rr_args(P, k, eps, &delta, msg));
    ALLOC_TRY(cov, k, int64_t);
    ALLOC_TRY(tmp, k, int64_t);
    ASSERT_MSG(sampler_init(&smp, P, lt, seed) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
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
            ASSERT_MSG(rr_append(&smp, &r1, r1.count, theta - r1.count) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
            ASSERT_MSG(rr_append(&smp, &r2, ((int64_t)1 << 41) + r2.count, theta - r2.count) == CLOUT_OK,
                       CLOUT_ERR_NOMEM, "out of memory");
        }
        int64_t up;
        ASSERT_MSG(greedy_ub(&gw, &r1, P->n, k, tmp, cov, &up) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
        ASSERT_MSG(prefix_coverage(&r2, tmp, k, P->n, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
        int64_t c2 = cov[k - 1];
        double th = (double)r1.count;
        double lo = (pow(sqrt((double)c2 + 2 * log(1 / d2) / 9) - sqrt(log(1 / d2) / 2), 2) - log(1 / d2) / 18) * n / th;
        double hi = pow(sqrt((double)up + log(1 / d1) / 2) + sqrt(log(1 / d1) / 2), 2) * n / th;
        got = hi > 0 ? fmax(0, lo) / hi : 0;
        memcpy(seeds, tmp, (size_t)k * sizeof(int64_t));
        if (got >= e1 - eps) break;
        theta *= 2;
    }
    /* the running estimate from R2, which played no part in the selection: unbiased */
    ASSERT_MSG(prefix_coverage(&r2, seeds, k, P->n, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    for (int q = 0; q < k; q++) spread[q] = n * (double)cov[q] / (double)r2.count;
    *rr_used = 2 * r1.count;
    *ratio = got;
    FREE_ALL;
    return CLOUT_OK;
}
