/* rrsets.c: reverse-reachable (RR) sets, the sampling kernel of ic_range and the IM algorithms.
 *
 * RR set j: a root drawn with key (seed, 0, j); then, backwards along in-ties in breadth-first
 * order, every in-tie is live with its probability (IC) or each user picks at most one
 * in-neighbour (LT). Tie coins come from stream (j << 1) | 1, numbered in the order they are drawn,
 * so a set depends on (seed, j) only, never on the thread that samples it.
 *
 * Users whose in-ties share one probability p (wc on unweighted ties, const:P) skip straight to
 * the next live tie, as SUBSIM does (Guo et al., SIGMOD 2020): the number of dead ties before it is
 * geometric, floor(log(1 - U) / log(1 - p)), so a user costs one draw per live tie plus one instead
 * of one per tie. Users with at most 8 in-ties flip one coin per tie, which is cheaper than the
 * logarithms.
 *
 * On large graphs a set is a chain of cache misses (the in-row, then the tie, then the visited
 * mark), so clout_i_rr_sets samples 16 sets at once, round-robin, with software prefetches: while
 * one set waits for memory the others work (IC and LT, shared or per-tie probabilities). Each in-flight set keeps its visited users in a small
 * hash table of its own (sets are mostly small: the table stays in L1). The sets, and the order of
 * their users, are exactly those of the one-at-a-time kernel. */
#include "diffusion_internal.h"
#include <math.h>
#include <omp.h>

#define SLOTS 16

typedef struct {
    uint64_t key, coin, j;
    uint32_t *q; /* the set, in visiting order */
    int64_t qn, qcap, h;
    uint64_t *cand; /* live in-tie positions of the user just expanded */
    int64_t cn, ccap;
    uint32_t *tab; /* visited users: open addressing, empty = UINT32_MAX */
    int64_t tcap, tn;
    bool expand; /* next step: expand q[h] (else: visit the candidates) */
} slot;

struct clout_i_rrws {
    int64_t n;
    uint32_t *mark, *queue, stamp; /* the one-at-a-time kernel */
    slot s[SLOTS];
};

void clout_i_rrws_free(clout_i_rrws *w)
{
    if (w == NULL) return;
    free(w->mark);
    free(w->queue);
    for (int i = 0; i < SLOTS; i++) {
        free(w->s[i].q);
        free(w->s[i].cand);
        free(w->s[i].tab);
    }
    free(w);
}

clout_i_rrws *clout_i_rrws_new(const clout_influence *P)
{
    clout_i_rrws *w = calloc(1, sizeof(*w));
    if (w == NULL) return NULL;
    w->n = P->n;
    w->mark = calloc((size_t)(P->n ? P->n : 1), sizeof(uint32_t));
    w->queue = malloc((size_t)(P->n ? P->n : 1) * sizeof(uint32_t));
    bool ok = w->mark && w->queue;
    for (int i = 0; ok && i < SLOTS; i++) {
        slot *s = &w->s[i];
        s->qcap = 64;
        s->ccap = 16;
        s->tcap = 64;
        s->q = malloc((size_t)s->qcap * sizeof(uint32_t));
        s->cand = malloc((size_t)s->ccap * sizeof(uint64_t));
        s->tab = malloc((size_t)s->tcap * sizeof(uint32_t));
        ok = s->q && s->cand && s->tab;
    }
    if (!ok) {
        clout_i_rrws_free(w);
        return NULL;
    }
    return w;
}

/* ---------------------------------------------------------------- one set at a time */

/* IC, in-tie probability irow[v].p for every in-tie of v: the positions (in P->iidx) of v's live
 * in-ties, in increasing order, handed to take(). Shared by both kernels so they draw alike. */
#define LIVE_TIES(P, v, key, coin, take)                                                  \
    do {                                                                                  \
        uint64_t lo_ = (P)->irow[v].lo, d_ = (P)->irow[(v) + 1].lo - lo_;                 \
        double p_ = (P)->irow[v].p;                                                       \
        if (d_ == 0 || p_ <= 0) break;                                                    \
        if (p_ >= 1) {                                                                    \
            for (uint64_t k_ = lo_; k_ < lo_ + d_; k_++) take(k_);                        \
        } else if (d_ <= 8) {                                                             \
            for (uint64_t k_ = lo_; k_ < lo_ + d_; k_++)                                  \
                if (clout_i_unif_at(key, (coin)++) < p_) take(k_);                        \
        } else {                                                                          \
            double lq_ = log1p(-p_);                                                      \
            for (uint64_t i_ = 0;;) {                                                     \
                double skip_ = floor(log(clout_i_unif01_at(key, (coin)++)) / lq_);        \
                if (skip_ >= (double)(d_ - i_)) break;                                    \
                i_ += (uint64_t)skip_;                                                    \
                take(lo_ + i_);                                                           \
                if (++i_ >= d_) break;                                                    \
            }                                                                             \
        }                                                                                 \
    } while (0)

/* LT: the in-tie user v keeps for the uniform draw x, u with weight b(u,v) (the probabilities
 * rescaled so they sum to at most 1), as a position in P->iidx; UINT64_MAX for none */
static inline uint64_t lt_pick(const clout_influence *P, int64_t v, double x)
{
    uint64_t lo = P->iptr[v], hi = P->iptr[v + 1];
    if (lo == hi) return UINT64_MAX;
    if (!P->ip) {
        double each = P->irow[v].p, sum = each * (double)(hi - lo);
        if (sum > 1) each = 1.0 / (double)(hi - lo), sum = 1;
        if (x >= sum) return UINT64_MAX;
        uint64_t pick = lo + (uint64_t)(x / each);
        return pick < hi ? pick : hi - 1;
    }
    double total = 0, acc = 0;
    for (uint64_t k = lo; k < hi; k++) total += P->ip[k];
    double scale = total > 1 ? total : 1;
    for (uint64_t k = lo; k < hi; k++) {
        acc += P->ip[k] / scale;
        if (x < acc) return k;
    }
    return UINT64_MAX;
}

int64_t clout_i_rr_set(const clout_influence *P, bool lt, uint64_t seed, uint64_t j, uint32_t *mark, uint32_t stamp,
                       uint32_t *queue)
{
    uint64_t coin = 0, key = clout_i_rng_key(seed, clout_i_stream_rr_coins(j));
    int64_t r = (int64_t)clout_rng_bounded(seed, CLOUT_STREAM_RR_ROOT, j, (uint64_t)P->n), h = 0, q = 0;
    queue[q++] = (uint32_t)r;
    mark[r] = stamp;
    if (lt) {
        /* LT: each user picks at most one in-neighbour, u with weight b(u,v) (the probabilities
         * rescaled so they sum to at most 1); the set is the path back until no pick or a repeat */
        for (int64_t v = r;;) {
            if (P->iptr[v] == P->iptr[v + 1]) break;
            uint64_t pick = lt_pick(P, v, clout_i_unif_at(key, coin++));
            if (pick == UINT64_MAX) break;
            int64_t u = P->iidx[pick];
            if (mark[u] == stamp) break;
            mark[u] = stamp;
            queue[q++] = (uint32_t)u;
            v = u;
        }
        return q;
    }
    while (h < q) {
        int64_t v = queue[h++];
        if (!P->ip) {
#define TAKE(k)                                                                           \
    do {                                                                                  \
        uint32_t u_ = P->iidx[k];                                                         \
        if (mark[u_] != stamp) {                                                          \
            mark[u_] = stamp;                                                             \
            queue[q++] = u_;                                                              \
        }                                                                                 \
    } while (0)
            LIVE_TIES(P, v, key, coin, TAKE);
#undef TAKE
            continue;
        }
        for (uint64_t k = P->iptr[v]; k < P->iptr[v + 1]; k++) {
            uint32_t u = P->iidx[k];
            if (mark[u] == stamp) continue;
            double p = P->ip[k];
            if (p >= 1 || (p > 0 && clout_i_unif_at(key, coin++) < p)) {
                mark[u] = stamp;
                queue[q++] = u;
            }
        }
    }
    return q;
}

/* ---------------------------------------------------------------- many sets in flight */

static inline uint64_t hslot(uint32_t u, int64_t cap)
{
    return (uint64_t)(((uint32_t)(u * 0x9e3779b1u)) & (uint32_t)(cap - 1));
}

/* insert u: 1 if new, 0 if it was there, -1 out of memory. Grows at half full. */
static int tab_add(slot *s, uint32_t u)
{
    if (2 * (s->tn + 1) > s->tcap) {
        int64_t ncap = s->tcap * 2;
        uint32_t *nt = malloc((size_t)ncap * sizeof(uint32_t));
        if (nt == NULL) return -1;
        memset(nt, 0xff, (size_t)ncap * sizeof(uint32_t));
        for (int64_t i = 0; i < s->qn; i++) {
            uint64_t at = hslot(s->q[i], ncap);
            while (nt[at] != UINT32_MAX) at = (at + 1) & (uint64_t)(ncap - 1);
            nt[at] = s->q[i];
        }
        free(s->tab);
        s->tab = nt;
        s->tcap = ncap;
    }
    uint64_t at = hslot(u, s->tcap);
    for (;;) {
        if (s->tab[at] == u) return 0;
        if (s->tab[at] == UINT32_MAX) break;
        at = (at + 1) & (uint64_t)(s->tcap - 1);
    }
    s->tab[at] = u;
    s->tn++;
    return 1;
}

static bool grow(void **p, int64_t *cap, int64_t need, size_t elem)
{
    if (need <= *cap) return true;
    int64_t c = *cap > 0 ? *cap : 64;
    while (c < need) c *= 2;
    void *np = realloc(*p, (size_t)c * elem);
    if (np == NULL) return false;
    *p = np;
    *cap = c;
    return true;
}

static bool tab_has(const slot *s, uint32_t u)
{
    for (uint64_t at = hslot(u, s->tcap);; at = (at + 1) & (uint64_t)(s->tcap - 1)) {
        if (s->tab[at] == u) return true;
        if (s->tab[at] == UINT32_MAX) return false;
    }
}

static inline void prefetch_row(const clout_influence *P, uint32_t u)
{
    if (P->irow) {
        __builtin_prefetch(&P->irow[u]);
        __builtin_prefetch(&P->irow[u + 1]);
    } else {
        __builtin_prefetch(&P->iptr[u]);
    }
}

static void slot_start(const clout_influence *P, slot *s, uint64_t seed, uint64_t j)
{
    s->j = j;
    s->key = clout_i_rng_key(seed, clout_i_stream_rr_coins(j));
    s->coin = 0;
    s->h = 0;
    s->cn = 0;
    s->expand = true;
    /* after a large set the table starts small again (clearing it costs its size) */
    if (s->tcap > 1024) {
        uint32_t *nt = realloc(s->tab, 64 * sizeof(uint32_t));
        if (nt) s->tab = nt, s->tcap = 64;
    }
    memset(s->tab, 0xff, (size_t)s->tcap * sizeof(uint32_t));
    s->tn = 0;
    /* the root: the table has room for it (tcap >= 64, empty) */
    uint32_t r = (uint32_t)clout_rng_bounded(seed, CLOUT_STREAM_RR_ROOT, j, (uint64_t)P->n);
    s->q[0] = r;
    s->qn = 1;
    s->tab[hslot(r, s->tcap)] = r;
    s->tn = 1;
    prefetch_row(P, r);
}

/* One step of a set: expand its next user into candidate ties (prefetching them), or visit the
 * candidates found by the last expansion (prefetching the rows of new users). False when done or
 * out of memory (*nomem). */
static bool slot_step(const clout_influence *P, bool lt, slot *s, bool *nomem)
{
    if (s->expand) {
        if (s->h == s->qn) return false;
        int64_t v = s->q[s->h++];
        s->cn = 0;
#define TAKE(k)                                                                           \
    do {                                                                                  \
        if (s->cn == s->ccap && !grow((void **)&s->cand, &s->ccap, s->cn + 1, sizeof(uint64_t))) { \
            *nomem = true;                                                                \
            return false;                                                                 \
        }                                                                                 \
        __builtin_prefetch(&P->iidx[k]);                                                  \
        s->cand[s->cn++] = (k);                                                           \
    } while (0)
        if (lt) {
            /* the one in-tie v keeps; drawn only when v has in-ties, as the one-at-a-time
             * kernel does */
            if (P->iptr[v] < P->iptr[v + 1]) {
                uint64_t pick = lt_pick(P, v, clout_i_unif_at(s->key, s->coin++));
                if (pick != UINT64_MAX) TAKE(pick);
            }
        } else if (P->irow) {
            LIVE_TIES(P, v, s->key, s->coin, TAKE);
        } else {
            /* per-tie probabilities: a coin for each tie to a user not yet in the set, in tie
             * order, as the one-at-a-time kernel draws them */
            for (uint64_t k = P->iptr[v]; k < P->iptr[v + 1]; k++) {
                if (tab_has(s, P->iidx[k])) continue;
                double p = P->ip[k];
                if (p >= 1 || (p > 0 && clout_i_unif_at(s->key, s->coin++) < p)) TAKE(k);
            }
        }
#undef TAKE
        s->expand = s->cn == 0;
        return true;
    }
    if (!grow((void **)&s->q, &s->qcap, s->qn + s->cn, sizeof(uint32_t))) {
        *nomem = true;
        return false;
    }
    for (int64_t c = 0; c < s->cn; c++) {
        uint32_t u = P->iidx[s->cand[c]];
        int added = tab_add(s, u);
        if (added < 0) {
            *nomem = true;
            return false;
        }
        if (!added) continue;
        s->q[s->qn++] = u;
        prefetch_row(P, u);
    }
    s->expand = true;
    return true;
}

int clout_i_rr_sets(const clout_influence *P, bool lt, uint64_t seed, uint64_t j0, int64_t count, clout_i_rrws *w,
                    uint32_t **buf, int64_t *used, int64_t *cap, int64_t *offs)
{
    for (int64_t g = 0; g < count; g += SLOTS) {
        int m = count - g < SLOTS ? (int)(count - g) : SLOTS;
        bool live[SLOTS], nomem = false;
        for (int i = 0; i < m; i++) {
            slot_start(P, &w->s[i], seed, j0 + (uint64_t)(g + i));
            live[i] = true;
        }
        for (int active = m; active > 0;) {
            for (int i = 0; i < m; i++) {
                if (!live[i]) continue;
                if (!slot_step(P, lt, &w->s[i], &nomem)) {
                    if (nomem) return CLOUT_ERR_NOMEM;
                    live[i] = false;
                    active--;
                }
            }
        }
        for (int i = 0; i < m; i++) {
            slot *s = &w->s[i];
            offs[g + i] = *used;
            if (!grow((void **)buf, cap, *used + s->qn, sizeof(uint32_t))) return CLOUT_ERR_NOMEM;
            memcpy(*buf + *used, s->q, (size_t)s->qn * sizeof(uint32_t));
            *used += s->qn;
        }
    }
    offs[count] = *used;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- live-edge graphs */

/* Sample s's live in-ties of user v into out (capacity: v's in-degree); returns their number.
 * IC: each in-tie live with its probability (skipping to the next live tie where v's in-ties
 * share one); LT: at most one, u picked with weight b(u,v). Draws keyed by (seed, s, v). */
static int64_t live_in_ties(const clout_influence *P, bool lt, uint64_t seed, uint64_t s, int64_t v, uint32_t *out)
{
    uint64_t key = clout_i_rng_key(seed ^ CLOUT_SEED_LIVE_EDGES, clout_i_stream_live_edges(s, (uint64_t)v)), coin = 0;
    uint64_t lo = P->iptr[v], hi = P->iptr[v + 1];
    int64_t c = 0;
    if (lo == hi) return 0;
    if (lt) {
        uint64_t pick = lt_pick(P, v, clout_i_unif_at(key, 0));
        if (pick == UINT64_MAX) return 0;
        out[0] = P->iidx[pick];
        return 1;
    }
    if (!P->ip) {
#define TAKE(k) (out[c++] = P->iidx[k])
        LIVE_TIES(P, v, key, coin, TAKE);
#undef TAKE
        return c;
    }
    for (uint64_t k = lo; k < hi; k++) {
        double p = P->ip[k];
        if (p >= 1 || (p > 0 && clout_i_unif_at(key, coin++) < p)) out[c++] = P->iidx[k];
    }
    return c;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(lptr);                                                                   \
        FREE_PTR(lsrc);                                                                   \
        FREE_PTR(fptr);                                                                   \
        FREE_PTR(fdst);                                                                   \
        FREE_PTR(sum);                                                                    \
        FREE_PTR(dw);                                                                     \
        FREE_PTR(lid);                                                                    \
        FREE_PTR(ordn);                                                                   \
        FREE_PTR(rptr);                                                                   \
        FREE_PTR(rdst);                                                                   \
        for (int t_ = 0; t_ < nt && lists; t_++) free(lists[t_]);                         \
        FREE_PTR(lists);                                                                  \
        FREE_PTR(nlist);                                                                  \
        for (int t_ = 0; t_ < nt && marks; t_++) free(marks[t_]);                         \
        for (int t_ = 0; t_ < nt && queues; t_++) free(queues[t_]);                       \
        FREE_PTR(marks);                                                                  \
        FREE_PTR(queues);                                                                 \
        FREE_PTR(stamps);                                                                 \
        clout_progress_end(prog);                                                         \
    } while (0)

#define LEAF 0x80000000u /* in rdst: the target has no live out-tie (it ends the search there) */

/* takes a user for the calling thread if no one has it yet (its lid still all ones) */
static inline bool claim(uint32_t *slot)
{
    uint32_t free_ = UINT32_MAX;
    return __atomic_load_n(slot, __ATOMIC_RELAXED) == UINT32_MAX &&
           __atomic_compare_exchange_n(slot, &free_, UINT32_MAX - 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

int clout_cascade_depths(const clout_influence *P, bool lt, int64_t sims, uint64_t seed, double *depth,
                         char msg[CLOUT_MSG_LEN])
{
    uint64_t *lptr = NULL, *fptr = NULL;
    uint32_t *rptr = NULL; /* the relabelled live graph's row pointers: its ties number < 2^32 */
    uint16_t **marks = NULL;
    uint32_t *lsrc = NULL, *fdst = NULL, *dw = NULL, *lid = NULL, *ordn = NULL, *rdst = NULL, **lists = NULL;
    int64_t *nlist = NULL;
    double *sum = NULL;
    uint32_t **queues = NULL, *stamps = NULL;
    int nt = omp_get_max_threads();
    clout_progress *prog = NULL;
    int64_t n = P->n, m = P->m;
    ASSERT_MSG(sims > 0, CLOUT_ERR_INVALID, "the number of simulations must be positive");
    ASSERT_MSG(n < (int64_t)LEAF, CLOUT_ERR_INVALID, "cascade depths handle at most %u users", LEAF - 1);
    ASSERT_MSG(m < (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "cascade depths handle fewer than %u ties", UINT32_MAX);
    ALLOC_TRY(lptr, n + 1, uint64_t);
    ALLOC_TRY(lsrc, m ? m : 1, uint32_t);
    ALLOC_TRY(fptr, n + 1, uint64_t);
    ALLOC_TRY(fdst, m ? m : 1, uint32_t);
    CALLOC_TRY(sum, n ? n : 1, double);
    ALLOC_TRY(dw, n ? n : 1, uint32_t);
    ALLOC_TRY(lid, n ? n : 1, uint32_t);
    ALLOC_TRY(ordn, n ? n : 1, uint32_t);
    ALLOC_TRY(rptr, n + 1, uint32_t);
    ALLOC_TRY(rdst, m ? m : 1, uint32_t);
    CALLOC_TRY(lists, nt, uint32_t *);
    CALLOC_TRY(nlist, nt, int64_t);
    marks = calloc((size_t)nt, sizeof(uint16_t *));
    queues = calloc((size_t)nt, sizeof(uint32_t *));
    stamps = calloc((size_t)nt, sizeof(uint32_t));
    ASSERT_MSG(marks && queues && stamps, CLOUT_ERR_NOMEM, "out of memory");
    for (int t = 0; t < nt; t++) {
        marks[t] = calloc((size_t)(n ? n : 1), sizeof(uint16_t));
        queues[t] = malloc((size_t)(n ? n : 1) * sizeof(uint32_t));
        ASSERT_MSG(marks[t] && queues[t], CLOUT_ERR_NOMEM, "out of memory");
        ALLOC_TRY(lists[t], n ? n : 1, uint32_t);
    }
    prog = clout_progress_start("live-edge graphs", (double)sims, "");
    for (int64_t s = 0; s < sims; s++) {
        /* live in-ties of every user, each in its slot of the in-rows, then packed */
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t v = 0; v < n; v++) lptr[v + 1] = (uint64_t)live_in_ties(P, lt, seed, (uint64_t)s, v, lsrc + P->iptr[v]);
        lptr[0] = 0;
        for (int64_t v = 0; v < n; v++) lptr[v + 1] += lptr[v];
        /* the live graph forward (u -> v), by a counting sort with atomic counters: the order
         * within a forward row then varies between runs, but BFS levels, all that is kept, are
         * sets and do not depend on it */
        memset(fptr, 0, (size_t)(n + 1) * sizeof(uint64_t));
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t v = 0; v < n; v++)
            for (uint64_t k = 0; k < lptr[v + 1] - lptr[v]; k++)
                __atomic_fetch_add(&fptr[lsrc[P->iptr[v] + k] + 1], 1, __ATOMIC_RELAXED);
        for (int64_t u = 0; u < n; u++) fptr[u + 1] += fptr[u];
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t v = 0; v < n; v++)
            for (uint64_t k = 0; k < lptr[v + 1] - lptr[v]; k++)
                fdst[__atomic_fetch_add(&fptr[lsrc[P->iptr[v] + k]], 1, __ATOMIC_RELAXED)] = (uint32_t)v;
        for (int64_t u = n; u > 0; u--) fptr[u] = fptr[u - 1];
        fptr[0] = 0;
        /* the live graph relabelled in depth-first pre-order, so that what a user reaches has
         * nearby ids and the searches below stay in a few cache lines of marks, rptr and rdst:
         * each thread walks from the users no live tie enters (then from what is left, which
         * lies on cycles), claiming each user once; ids follow the threads' lists. The ids
         * depend on the threads' timing, the BFS levels, all that is kept, do not. rdst marks
         * the targets with no live out-tie, which end a search without being queued. */
        memset(lid, 0xff, (size_t)n * sizeof(uint32_t));
        #pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num();
            uint32_t *stack = queues[t], *list = lists[t];
            int64_t len = 0;
            for (int pass = 0; pass < 2; pass++) {
                #pragma omp for schedule(dynamic, 1024)
                for (int64_t u = 0; u < n; u++) {
                    if (fptr[u + 1] == fptr[u] || (pass == 0 && lptr[u + 1] != lptr[u])) continue;
                    if (!claim(&lid[u])) continue;
                    int64_t top = 0;
                    stack[top++] = (uint32_t)u;
                    while (top > 0) {
                        uint32_t v = stack[--top];
                        list[len++] = v;
                        for (uint64_t k = fptr[v]; k < fptr[v + 1]; k++)
                            if (claim(&lid[fdst[k]])) stack[top++] = fdst[k];
                    }
                }
            }
            nlist[t] = len;
            #pragma omp barrier
            int64_t off = 0;
            for (int t2 = 0; t2 < t; t2++) off += nlist[t2];
            for (int64_t i = 0; i < len; i++) {
                lid[list[i]] = (uint32_t)(off + i);
                ordn[off + i] = list[i];
            }
        }
        int64_t na = 0;
        for (int t = 0; t < nt; t++) na += nlist[t];
        rptr[0] = 0;
        for (int64_t i = 0; i < na; i++) rptr[i + 1] = rptr[i] + (uint32_t)(fptr[ordn[i] + 1] - fptr[ordn[i]]);
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t i = 0; i < na; i++)
            for (uint64_t k = fptr[ordn[i]], r = rptr[i]; k < fptr[ordn[i] + 1]; k++)
                rdst[r++] = lid[fdst[k]] | (fptr[fdst[k] + 1] == fptr[fdst[k]] ? LEAF : 0);
        /* u's cascade in this world is what u reaches; its depth, the last BFS level. A user
         * with one live out-tie, to w, and no live in-tie is not reachable from w, so its
         * cascade is w's one round later: 1 + w's depth, with no search of its own */
#define CHAIN(u) (fptr[(u) + 1] - fptr[u] == 1 && lptr[(u) + 1] == lptr[u])
        #pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num();
            uint16_t *mark = marks[t];
            uint32_t *queue = queues[t];
            #pragma omp for schedule(dynamic, 256)
            for (int64_t i = 0; i < na; i++) {
                dw[i] = 0;
                if (rptr[i + 1] == rptr[i] || CHAIN(ordn[i])) continue;
                uint16_t st = clout_i_next_stamp16(mark, n, &stamps[t]);
                int64_t h = 0, q = 0, rounds = 0;
                queue[q++] = (uint32_t)i;
                mark[i] = st;
                while (h < q) {
                    int64_t end = q;
                    bool grew = false;
                    for (; h < end; h++)
                        for (uint32_t k = rptr[queue[h]]; k < rptr[queue[h] + 1]; k++) {
                            uint32_t w = rdst[k] & ~LEAF;
                            if (mark[w] != st) {
                                mark[w] = st;
                                grew = true;
                                if (!(rdst[k] & LEAF)) queue[q++] = w;
                            }
                        }
                    rounds += grew;
                }
                dw[i] = (uint32_t)rounds;
            }
            /* w has a live in-tie (from u), so it is no chain user: its depth is known */
            #pragma omp for schedule(static)
            for (int64_t u = 0; u < n; u++)
                if (fptr[u + 1] > fptr[u])
                    sum[u] += (double)(CHAIN(u) ? 1 + dw[lid[fdst[fptr[u]]]] : dw[lid[u]]);
        }
#undef CHAIN
        clout_progress_update(prog, (double)(s + 1));
    }
    for (int64_t u = 0; u < n; u++) depth[u] = sum[u] / (double)sims;
    FREE_ALL;
    return CLOUT_OK;
}
