/* cascade_depths.c: the expected depth (rounds) of every user's cascade at once, from sampled
 * live-edge graphs (Kempe, Kleinberg, Tardos 2003): in live-edge graph s, u's cascade is what u
 * reaches over the live ties, round t its t-th BFS level. */
#include "diffusion_internal.h"
#include <math.h>
#include <omp.h>

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
        uint64_t pick = clout_i_lt_pick(P, v, clout_i_unif_at(key, 0));
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
        FREE_PTR(lcnt);                                                                   \
        FREE_PTR(part64);                                                                 \
        FREE_PTR(part32);                                                                 \
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
        clout_i_progress_end(prog);                                                         \
    } while (0)

#define LEAF 0x80000000u /* in rdst: the target has no live out-tie (it ends the search there) */

/* takes a user for the calling thread if no one has it yet (its lid still all ones) */
static inline bool claim(uint32_t *slot)
{
    uint32_t free_ = UINT32_MAX;
    return __atomic_load_n(slot, __ATOMIC_RELAXED) == UINT32_MAX &&
           __atomic_compare_exchange_n(slot, &free_, UINT32_MAX - 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* a[i + 1] += a[i] for i = 0 .. m - 1, by the threads: each sums its block, then adds the sum of
 * the blocks before it while it scans (part: one slot per thread) */
#define DEFINE_SCAN(name, T)                                                                \
    static void name(T *a, int64_t m, T *part)                                              \
    {                                                                                       \
        _Pragma("omp parallel if (m >= 65536)")                                             \
        {                                                                                   \
            int t = omp_get_thread_num(), nth = omp_get_num_threads();                      \
            int64_t lo = m * t / nth, hi = m * (t + 1) / nth;                               \
            T sum = 0;                                                                      \
            for (int64_t i = lo; i < hi; i++) sum += a[i + 1];                              \
            part[t] = sum;                                                                  \
            _Pragma("omp barrier")                                                          \
            T run = a[0];                                                                   \
            for (int q = 0; q < t; q++) run += part[q];                                     \
            for (int64_t i = lo; i < hi; i++) a[i + 1] = run += a[i + 1];                   \
        }                                                                                   \
    }
DEFINE_SCAN(scan_u64, uint64_t)
DEFINE_SCAN(scan_u32, uint32_t)

int clout_cascade_depths(const clout_influence *P, bool lt, int64_t sims, uint64_t seed, double *depth,
                         char msg[CLOUT_MSG_LEN])
{
    uint64_t *fptr = NULL, *part64 = NULL;
    uint32_t *lcnt = NULL, *part32 = NULL; /* live in-ties of each user */
    uint32_t *rptr = NULL; /* the relabelled live graph's row pointers: its ties number < 2^32 */
    uint16_t **marks = NULL;
    uint32_t *lsrc = NULL, *fdst = NULL, *dw = NULL, *lid = NULL, *ordn = NULL, *rdst = NULL, **lists = NULL;
    int64_t *nlist = NULL;
    double *sum = NULL;
    uint32_t **queues = NULL, *stamps = NULL;
    int nt = omp_get_max_threads();
    clout_i_progress *prog = NULL;
    int64_t n = P->n, m = P->m;
    ASSERT_MSG(sims > 0, CLOUT_ERR_INVALID, "the number of simulations must be positive");
    ASSERT_MSG(n < (int64_t)LEAF, CLOUT_ERR_INVALID, "cascade depths handle at most %u users", LEAF - 1);
    ASSERT_MSG(m < (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "cascade depths handle fewer than %u ties", UINT32_MAX);
    ALLOC_TRY(lcnt, n ? n : 1, uint32_t);
    ALLOC_TRY(part64, nt, uint64_t);
    ALLOC_TRY(part32, nt, uint32_t);
    ALLOC_TRY(lsrc, m ? m : 1, uint32_t);
    ALLOC_TRY(fptr, n + 2, uint64_t);
    ALLOC_TRY(fdst, m ? m : 1, uint32_t);
    CALLOC_TRY(sum, n ? n : 1, double);
    ALLOC_TRY(dw, n ? n : 1, uint32_t);
    ALLOC_TRY(lid, n ? n : 1, uint32_t);
    ALLOC_TRY(ordn, n ? n : 1, uint32_t);
    ALLOC_TRY(rptr, n + 1, uint32_t);
    ALLOC_TRY(rdst, m ? m : 1, uint32_t);
    CALLOC_TRY(lists, nt, uint32_t *);
    CALLOC_TRY(nlist, nt, int64_t);
    marks = clout_i_calloc((size_t)nt, sizeof(uint16_t *));
    queues = clout_i_calloc((size_t)nt, sizeof(uint32_t *));
    stamps = clout_i_calloc((size_t)nt, sizeof(uint32_t));
    ASSERT_MSG(marks && queues && stamps, CLOUT_ERR_NOMEM, "out of memory");
    for (int t = 0; t < nt; t++) {
        marks[t] = clout_i_calloc((size_t)(n ? n : 1), sizeof(uint16_t));
        queues[t] = clout_i_malloc((size_t)(n ? n : 1), sizeof(uint32_t));
        ASSERT_MSG(marks[t] && queues[t], CLOUT_ERR_NOMEM, "out of memory");
        ALLOC_TRY(lists[t], n ? n : 1, uint32_t);
    }
    /* a distributed run: this process samples its block of the graphs (by index), and the
     * per-user sums (whole numbers, exact in a double) are added over the processes */
    const clout_partition *part = clout_i_partition();
    int64_t s_lo, s_hi;
    clout_i_part_block(sims, &s_lo, &s_hi);
    prog = clout_i_progress_start("live-edge graphs", (double)(s_hi - s_lo), "");
    for (int64_t s = s_lo; s < s_hi; s++) {
        /* live in-ties of every user, each in its slot of the in-rows */
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t v = 0; v < n; v++)
            lcnt[v] = (uint32_t)live_in_ties(P, lt, seed, (uint64_t)s, v, lsrc + P->iptr[v]);
        /* the live graph forward (u -> v), by a counting sort with atomic counters: the order
         * within a forward row then varies between runs, but BFS levels, all that is kept, are
         * sets and do not depend on it. Counted at u + 2 and placed from u + 1, so that fptr[u]
         * ends as row u's start with no pass to shift it. */
        #pragma omp parallel for schedule(static) if (n > 65536)
        for (int64_t u = 0; u < n + 2; u++) fptr[u] = 0;
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t v = 0; v < n; v++)
            for (uint32_t k = 0; k < lcnt[v]; k++)
                __atomic_fetch_add(&fptr[lsrc[P->iptr[v] + k] + 2], 1, __ATOMIC_RELAXED);
        scan_u64(fptr + 1, n, part64);
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t v = 0; v < n; v++)
            for (uint32_t k = 0; k < lcnt[v]; k++)
                fdst[__atomic_fetch_add(&fptr[lsrc[P->iptr[v] + k] + 1], 1, __ATOMIC_RELAXED)] = (uint32_t)v;
        /* the live graph relabelled in depth-first pre-order, so that what a user reaches has
         * nearby ids and the searches below stay in a few cache lines of marks, rptr and rdst:
         * each thread walks from the users no live tie enters (then from what is left, which
         * lies on cycles), claiming each user once; ids follow the threads' lists. The ids
         * depend on the threads' timing, the BFS levels, all that is kept, do not. rdst marks
         * the targets with no live out-tie, which end a search without being queued. */
        #pragma omp parallel for schedule(static) if (n > 65536)
        for (int64_t u = 0; u < n; u++) lid[u] = UINT32_MAX;
        #pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num();
            uint32_t *stack = queues[t], *list = lists[t];
            int64_t len = 0;
            for (int pass = 0; pass < 2; pass++) {
                #pragma omp for schedule(dynamic, 1024)
                for (int64_t u = 0; u < n; u++) {
                    if (fptr[u + 1] == fptr[u] || (pass == 0 && lcnt[u] != 0)) continue;
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
        #pragma omp parallel for schedule(static) if (na > 65536)
        for (int64_t i = 0; i < na; i++) rptr[i + 1] = (uint32_t)(fptr[ordn[i] + 1] - fptr[ordn[i]]);
        scan_u32(rptr, na, part32);
        #pragma omp parallel for schedule(dynamic, 4096)
        for (int64_t i = 0; i < na; i++)
            for (uint64_t k = fptr[ordn[i]], r = rptr[i]; k < fptr[ordn[i] + 1]; k++)
                rdst[r++] = lid[fdst[k]] | (fptr[fdst[k] + 1] == fptr[fdst[k]] ? LEAF : 0);
        /* u's cascade in this world is what u reaches; its depth, the last BFS level. A user
         * with one live out-tie, to w, and no live in-tie is not reachable from w, so its
         * cascade is w's one round later: 1 + w's depth, with no search of its own */
#define CHAIN(u) (fptr[(u) + 1] - fptr[u] == 1 && lcnt[u] == 0)
        #pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num();
            uint16_t *mark = marks[t];
            uint32_t *queue = queues[t];
            #pragma omp for schedule(dynamic, 256)
            for (int64_t i = 0; i < na; i++) {
                dw[i] = 0;
                if (rptr[i + 1] == rptr[i] || CHAIN(ordn[i])) continue;
                uint16_t st = clout_i_next_stamp16(mark, NULL, n, &stamps[t]);
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
        if (clout_i_progress_update(prog, (double)(s - s_lo + 1))) ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
    }
    if (part->size > 1) {
        int64_t *isum = (int64_t *)(void *)sum; /* the same 8 bytes a user, as whole numbers */
        for (int64_t u = 0; u < n; u++) isum[u] = (int64_t)sum[u];
        ASSERT_MSG(clout_i_part_sum(isum, n) == CLOUT_OK, CLOUT_ERR_INTERNAL, "cascade depths: the sum over processes failed");
        for (int64_t u = 0; u < n; u++) sum[u] = (double)isum[u];
    }
    for (int64_t u = 0; u < n; u++) depth[u] = sum[u] / (double)sims;
    FREE_ALL;
    return CLOUT_OK;
}
