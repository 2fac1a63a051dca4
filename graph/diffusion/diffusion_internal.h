/* diffusion_internal.h: the diffusion floor's internals (graph/diffusion/): the influence graph's
 * layout, the RR-set and cascade kernels, the RR collections and greedy coverage shared by the IM
 * algorithms (not installed). */
#ifndef CLOUT_DIFFUSION_INTERNAL_H
#define CLOUT_DIFFUSION_INTERNAL_H
#include "store_internal.h"
#include <math.h>


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
    uint32_t *odeg;         /* n: out-ties per user, kept when the out-rows are dropped */
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
 * half the cache footprint of 32-bit marks). also (or NULL): a second array of n stamped with the
 * same stamps, cleared with mark. */
static inline uint16_t clout_i_next_stamp16(uint16_t *mark, uint16_t *also, int64_t n, uint32_t *stamp)
{
    if (CLOUT_UNLIKELY(*stamp >= UINT16_MAX)) {
        memset(mark, 0, (size_t)n * sizeof(uint16_t));
        if (also) memset(also, 0, (size_t)n * sizeof(uint16_t));
        *stamp = 0;
    }
    return (uint16_t)++*stamp;
}
/* The root of RR set j: uniform over the n users, from the root stream. */
static inline uint32_t clout_i_rr_root(uint64_t seed, uint64_t j, int64_t n)
{
    return (uint32_t)clout_rng_bounded(seed, CLOUT_STREAM_RR_ROOT, j, (uint64_t)n);
}

/* ---- live ties, drawn alike by RR sets (rrsets.c) and live-edge graphs (cascade_depths.c) ---- */
/* IC, in-tie probability irow[v].p for every in-tie of v: the positions (in P->iidx) of v's live
 * in-ties, in increasing order, handed to take(). Shared by the samplers so they draw alike. */
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
static inline uint64_t clout_i_lt_pick(const clout_influence *P, int64_t v, double x)
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

/* One cascade from seeds. IC (b NULL): out-tie k is live when a draw (seed, stream, k) falls
 * below its probability. LT: b holds the tie weights and user w activates once the weights of its
 * active in-neighbours reach its threshold, the draw (seed, stream, w); seen and acc (n each) keep
 * those sums. Users get mark = stamp (from clout_i_next_stamp16, with seen as its second
 * array); queue (capacity n) receives the active users. Returns their number;
 * *rounds counts the rounds that activated someone. */
int64_t clout_i_cascade(const clout_influence *P, const double *b, const int64_t *seeds, int64_t ns, uint64_t seed,
                        uint64_t stream, uint16_t *mark, uint16_t stamp, uint16_t *seen, double *acc, int64_t *queue,
                        int64_t *rounds);


/* ---- RR collections and greedy coverage (rr_collection.c), shared by imm and opim-c ---- */
/* The RR sets of a run, in index order: set j holds off[j + 1] - off[j] users, positions in the
 * concatenation of all sets. The users themselves stay in the chunk buffers the samplers filled
 * (no copy): set j lies in chunk cid[j], which starts at position cstart[cid[j]]. */
typedef struct {
    int64_t *off;      /* count + 1 */
    uint32_t *cid;     /* count */
    uint32_t **chunk;  /* nch */
    int64_t *cstart;   /* nch */
    int64_t count, nnz, nch;
    int64_t total;      /* sets drawn over all processes (count: those this process holds) */
} clout_i_rrstore;

/* the users of set j (set_len of them) */
static inline const uint32_t *clout_i_set_users(const clout_i_rrstore *rs, int64_t j)
{
    uint32_t c = rs->cid[j];
    return rs->chunk[c] + (rs->off[j] - rs->cstart[c]);
}

static inline int64_t clout_i_set_len(const clout_i_rrstore *rs, int64_t j)
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
} clout_i_rrsampler;

/* Lazy max-heap of users ordered by (count descending, tie rank ascending); entries carry the
 * count they were pushed with, which can only be stale upwards (counts never grow). */
typedef struct {
    uint32_t c, v; /* counts are below the number of sets, itself below 2^32; v a tie rank */
} clout_i_hent;

/* The order in which greedy breaks ties between equal marginal coverages: most out-ties first,
 * then the lower index (as SUBSIM does: among users the sample cannot tell apart, the one with
 * more ties is the likelier to reach others). rank[v] is v's place, byrank its inverse. Any
 * user of maximal coverage keeps greedy's guarantee; the rule matters when the sets are few. */
typedef struct {
    uint32_t *rank, *byrank; /* n each */
} clout_i_ties;

#define CLOUT_I_XCAND 64
/* greedy's workspace, kept across the rounds of one algorithm run */
typedef struct {
    int nt;
    int64_t *cnt, *iptr;       /* n + 1 each */
    clout_i_hent *top;                 /* k */
    uint32_t *tpos;            /* nt * n: per-thread counts, then places within a user's list */
    clout_i_hent *heap;                /* n */
    uint32_t *act;             /* n: the users with a positive count when the selection starts */
    uint32_t *iset;            /* the index's set lists */
    unsigned char *done;       /* sets */
    int64_t iset_cap, done_cap;
    /* users outside the index whose sets one scan collected: slot[v] >= 0 for them */
    int32_t *slot;
    uint32_t xuser[CLOUT_I_XCAND], *xset;
    int64_t xoff[CLOUT_I_XCAND + 1], xcap;
    int nx;
    int64_t *gcnt;             /* a distributed run: the counts summed over the processes */
    int32_t *dec;              /* ... this step's decrements per user (n, zero between steps) */
    uint32_t *touched;         /* ... the users they touched (n) */
    int64_t *xbuf, *msz;       /* ... the sparse exchange (n) and the ranks' entry counts (ranks) */
} clout_i_gwork;

void clout_i_rr_free(clout_i_rrstore *r);
int clout_i_sampler_init(clout_i_rrsampler *s, const clout_influence *P, bool lt, uint64_t seed);
void clout_i_sampler_free(clout_i_rrsampler *s);
/* Append RR sets with global indices first .. first + count - 1: CLOUT_OK, CLOUT_ERR_NOMEM or
 * CLOUT_ERR_INTERRUPTED (the store then holds what it held before). */
#define CLOUT_I_RR_TRY(call, what)                                                        \
    do {                                                                                  \
        int rr_s_ = (call);                                                               \
        if (rr_s_ < 0)                                                                    \
            ERR(rr_s_, rr_s_ == CLOUT_ERR_INTERRUPTED ? "interrupted" : "out of memory for %lld RR sets", \
                (long long)(what));                                                       \
    } while (0)
int clout_i_rr_append(clout_i_rrsampler *S, clout_i_rrstore *rs, int64_t first, int64_t count);
/* Greedy max coverage: k seeds, covered[i] = sets covered after seed i; with upper != NULL also
 * OPIM-C's online bound on the best coverage of any k users. A progress phase ("greedy
 * selection") that can be interrupted; an error sets msg. */
int clout_i_greedy(clout_i_gwork *g, const clout_i_rrstore *rs, const clout_i_ties *ties, int64_t n, int k,
                   int64_t *seeds, int64_t *covered, int64_t *upper, char msg[CLOUT_MSG_LEN]);
/* The tie order of P's users (clout_i_ties): CLOUT_OK or CLOUT_ERR_NOMEM. */
int clout_i_ties_init(clout_i_ties *t, const clout_influence *P);
void clout_i_ties_free(clout_i_ties *t);
void clout_i_gwork_free(clout_i_gwork *g);
/* cov[i] = sets of rs holding one of seeds[0..i], in one pass. */
int clout_i_prefix_coverage(const clout_i_rrstore *rs, const int64_t *seeds, int k, int64_t n, int64_t *cov);
double clout_i_log_choose(double n, double k);
/* 1 <= k <= n, eps and delta in (0, 1) (delta <= 0 becomes 1/n), with a message otherwise. */
int clout_i_rr_args(const clout_influence *P, int k, double eps, double *delta, char msg[CLOUT_MSG_LEN]);

/* CLOUT_OK when total RR sets (as many as rs would then hold, plus other bytes) fit the memory
 * limit, estimated from the mean set size so far (1 user before any); else CLOUT_ERR_INVALID with
 * the estimate. Called before a count is even made an integer. */
int clout_i_rr_fits(const clout_i_rrstore *rs, const clout_i_rrsampler *S, double total, double other,
                    char msg[CLOUT_MSG_LEN]);

/* What one run of imm or opim-c holds besides its collections: the sampler, greedy's workspace,
 * the tie order and two k-arrays. clout_i_rr_run_start checks the arguments (clout_i_rr_args)
 * and sets them up. */
typedef struct {
    clout_i_rrsampler smp;
    clout_i_gwork gw;
    clout_i_ties ties;
    int64_t *cov, *tmp;
} clout_i_rr_run;
int clout_i_rr_run_start(clout_i_rr_run *r, const clout_influence *P, bool lt, int k, double eps, double *delta,
                         uint64_t seed, char msg[CLOUT_MSG_LEN]);
void clout_i_rr_run_free(clout_i_rr_run *r);

#endif
