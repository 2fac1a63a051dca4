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
    slot s[SLOTS];
};

void clout_i_rrws_free(clout_i_rrws *w)
{
    if (w == NULL) return;
    for (int i = 0; i < SLOTS; i++) {
        free(w->s[i].q);
        free(w->s[i].cand);
        free(w->s[i].tab);
    }
    free(w);
}

clout_i_rrws *clout_i_rrws_new(const clout_influence *P)
{
    clout_i_rrws *w = clout_i_calloc(1, sizeof(*w));
    if (w == NULL) return NULL;
    w->n = P->n;
    bool ok = true;
    for (int i = 0; ok && i < SLOTS; i++) {
        slot *s = &w->s[i];
        s->qcap = 64;
        s->ccap = 16;
        s->tcap = 64;
        s->q = clout_i_malloc((size_t)s->qcap, sizeof(uint32_t));
        s->cand = clout_i_malloc((size_t)s->ccap, sizeof(uint64_t));
        s->tab = clout_i_malloc((size_t)s->tcap, sizeof(uint32_t));
        ok = s->q && s->cand && s->tab;
    }
    if (!ok) {
        clout_i_rrws_free(w);
        return NULL;
    }
    return w;
}

/* ---------------------------------------------------------------- one set at a time */


int64_t clout_i_rr_set(const clout_influence *P, bool lt, uint64_t seed, uint64_t j, uint32_t *mark, uint32_t stamp,
                       uint32_t *queue)
{
    uint64_t coin = 0, key = clout_i_rng_key(seed, clout_i_stream_rr_coins(j));
    int64_t r = (int64_t)clout_i_rr_root(seed, j, P->n), h = 0, q = 0;
    queue[q++] = (uint32_t)r;
    mark[r] = stamp;
    if (lt) {
        /* LT: each user picks at most one in-neighbour, u with weight b(u,v) (the probabilities
         * rescaled so they sum to at most 1); the set is the path back until no pick or a repeat */
        for (int64_t v = r;;) {
            if (P->iptr[v] == P->iptr[v + 1]) break;
            uint64_t pick = clout_i_lt_pick(P, v, clout_i_unif_at(key, coin++));
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
        uint32_t *nt = clout_i_malloc((size_t)ncap, sizeof(uint32_t));
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
    void *np = clout_i_realloc(*p, (size_t)c, elem);
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
        uint32_t *nt = clout_i_realloc(s->tab, 64, sizeof(uint32_t));
        if (nt) s->tab = nt, s->tcap = 64;
    }
    memset(s->tab, 0xff, (size_t)s->tcap * sizeof(uint32_t));
    s->tn = 0;
    /* the root: the table has room for it (tcap >= 64, empty) */
    uint32_t r = clout_i_rr_root(seed, j, P->n);
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
                uint64_t pick = clout_i_lt_pick(P, v, clout_i_unif_at(s->key, s->coin++));
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
