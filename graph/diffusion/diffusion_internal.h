/* diffusion_internal.h: the diffusion floor's internals (graph/diffusion/): the influence graph's
 * layout, the RR-set and cascade kernels, the RR collections and greedy coverage shared by the IM
 * algorithms (not installed). */
#ifndef CLOUT_DIFFUSION_INTERNAL_H
#define CLOUT_DIFFUSION_INTERNAL_H
#include "store_internal.h"


/* ---- the influence graph (influence.c): S's ties with probabilities, both ways ---- */
typedef struct {
    uint64_t lo; /* = iptr[v] */
    double p;
} clout_i_irow;
struct clout_influence {
    int64_t n, m;
    uint64_t *optr, *iptr;  /* n + 1: out-rows (S) and in-rows (S'), each sorted */
    uint32_t *oidx, *iidx;  /* m */
    double *op, *ip;        /* m per-tie probabilities, or both NULL when every in-tie of a user v
                             * has the same probability (wc on unweighted ties, const:P): then */
    clout_i_irow *irow;     /* n + 1: v's in-row start and that probability side by side (one
                             * cache line for the RR samplers), or NULL */
};
/* probability of out-tie k (to user w) and of in-tie k of user v */
static inline double clout_i_pout(const clout_influence *P, uint64_t k)
{
    return P->op ? P->op[k] : P->irow[P->oidx[k]].p;
}
static inline double clout_i_pin(const clout_influence *P, int64_t v, uint64_t k)
{
    return P->ip ? P->ip[k] : P->irow[v].p;
}

/* RR sets (rrsets.c). RR set j: a root drawn with key (seed, 0, j), then backwards along
 * in-ties, coins from stream (j << 1) | 1 in the order they are drawn. IC: every in-tie is live
 * with its probability (users whose in-ties share one probability skip to the next live tie,
 * SUBSIM-style). LT (lt true): each user picks at most one in-neighbour.
 * clout_i_rr_set: one set; users get mark = stamp; queue (capacity n) receives the set; returns
 * its size. */
int64_t clout_i_rr_set(const clout_influence *P, bool lt, uint64_t seed, uint64_t j, uint32_t *mark, uint32_t stamp,
                       uint32_t *queue);
/* One thread's sampling workspace. */
typedef struct clout_i_rrws clout_i_rrws;
clout_i_rrws *clout_i_rrws_new(const clout_influence *P);
void clout_i_rrws_free(clout_i_rrws *w);
/* Sets j0 .. j0 + count - 1, appended in index order to the growable array (*buf, *used, *cap);
 * offs[i] (count + 1 entries) = where set i starts. Several sets in flight at once; the same sets
 * as clout_i_rr_set. CLOUT_OK or CLOUT_ERR_NOMEM. */
int clout_i_rr_sets(const clout_influence *P, bool lt, uint64_t seed, uint64_t j0, int64_t count, clout_i_rrws *w,
                    uint32_t **buf, int64_t *used, int64_t *cap, int64_t *offs);
/* Greedy max coverage over RR sets (rr_greedy.c) finds covered sets through an inverted index up to
 * this many stored users, by scanning the store above (tests lower it to check both ways agree). */
extern int64_t clout_i_greedy_index_max;
/* The next visit stamp for a mark array of n users (clears it when the 16-bit stamps run out;
 * half the cache footprint of 32-bit marks). */
static inline uint16_t clout_i_next_stamp16(uint16_t *mark, int64_t n, uint32_t *stamp)
{
    if (CLOUT_UNLIKELY(*stamp >= UINT16_MAX)) {
        memset(mark, 0, (size_t)n * sizeof(uint16_t));
        *stamp = 0;
    }
    return (uint16_t)++*stamp;
}
/* One cascade from seeds. IC (b NULL): out-tie k is live when a draw (seed, stream, k) falls
 * below its probability. LT: b holds the tie weights and user w activates once the weights of its
 * active in-neighbours reach its threshold, the draw (seed, stream, w); seen and acc (n each) keep
 * those sums. Users get mark = stamp; queue (capacity n) receives the active users. Returns their
 * number; *rounds counts the rounds that activated someone. */
int64_t clout_i_cascade(const clout_influence *P, const double *b, const int64_t *seeds, int64_t ns, uint64_t seed,
                        uint64_t stream, int64_t *mark, int64_t stamp, int64_t *seen, double *acc, int64_t *queue,
                        int64_t *rounds);

#endif
