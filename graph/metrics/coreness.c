/* coreness.c: k-core numbers of the undirected view of S (a tie in either direction is one
 * undirected edge), by parallel level-synchronous peeling (the PKC scheme of Kabir and Madduri,
 * 2017): level L takes every remaining user whose degree among the remaining users is L; removing
 * them lowers their neighbours' degrees by atomic decrements, and a neighbour that drops to L joins
 * the same level in the next sub-round. A decrement that raced below L is undone, so a user's
 * degree never falls under the level that removes it, and that level is its core number. Levels
 * with no user are skipped, and the list of remaining users is compacted at every level, so
 * the work is O(m) for the peeling plus one scan of the remaining users per level. Core numbers
 * are unique, so the result does not depend on the thread count or on the order of the
 * decrements.
 *
 * For a directed S the view is never built: a user's neighbours are its out-row in S and its
 * in-row in S' (cached), the in-ties that repeat an out-tie (ties that run both ways) marked once
 * by a merge of the two sorted rows and skipped. Materializing S + S' cost more than the peeling
 * itself on a 16M-tie graph. */
#include "metrics_internal.h"
#include <omp.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (bs) clout_i_csr_return(G->S, &cs, msg2);                                      \
        if (bt) clout_i_csr_return(G->ST, &ct, msg2);                                     \
        FREE_PTR(deg);                                                                    \
        FREE_PTR(rem);                                                                    \
        FREE_PTR(fr);                                                                     \
        FREE_PTR(nx);                                                                     \
        FREE_PTR(out);                                                                    \
        FREE_PTR(dup);                                                                    \
    } while (0)

int clout_coreness(clout_graph *G, int64_t *core, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr cs, ct;
    bool bs = false, bt = false;
    char msg2[CLOUT_MSG_LEN];
    /* 32-bit work arrays: half the cache footprint of the random reads */
    uint32_t *deg = NULL, *rem = NULL, *fr = NULL, *nx = NULL;
    int64_t *out = NULL;
    uint8_t *dup = NULL; /* dup[k]: in-tie k of S' also runs as an out-tie in S (counted there) */
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(n <= (int64_t)UINT32_MAX - 1, CLOUT_ERR_INVALID, "coreness handles fewer than %u users", UINT32_MAX);
    if (G->directed) TRY(clout_graph_cache_transpose(G, msg));
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    bs = true;
    /* an undirected S already holds both directions: its in-rows add nothing */
    static const uint64_t none[1] = {0};
    const uint64_t *Ap = cs.ptr, *Aj = cs.idx, *Bp = NULL, *Bj = none;
    if (G->directed) {
        TRY(clout_i_csr_borrow(G->ST, &ct, msg));
        bt = true;
        Bp = ct.ptr;
        Bj = ct.idx;
    }
    ALLOC_TRY(deg, n ? n : 1, uint32_t);
    ALLOC_TRY(rem, n ? n : 1, uint32_t);
    ALLOC_TRY(fr, n ? n : 1, uint32_t);
    ALLOC_TRY(nx, n ? n : 1, uint32_t);
    if (Bp) ALLOC_TRY(dup, ct.nvals ? ct.nvals : 1, uint8_t);
    /* degrees in the undirected view, marking the in-ties that repeat an out-tie, so that the
     * peeling below walks both rows with plain loops instead of merging them again */
    #pragma omp parallel for schedule(dynamic, 4096)
    for (int64_t v = 0; v < n; v++) {
        int64_t d = (int64_t)(Ap[v + 1] - Ap[v]);
        if (Bp) {
            uint64_t i = Ap[v], ie = Ap[v + 1];
            for (uint64_t j = Bp[v]; j < Bp[v + 1]; j++) {
                while (i < ie && Aj[i] < Bj[j]) i++;
                dup[j] = i < ie && Aj[i] == Bj[j];
                d += !dup[j];
            }
        }
        deg[v] = (uint32_t)d;
        rem[v] = (uint32_t)v;
    }
    int nt = n > 50000 ? omp_get_max_threads() : 1;
    int64_t nrem = n, nfr = 0, nnx = 0;
    uint32_t level = 0;
    while (nrem > 0) {
        /* drop the users removed at the last level, find the lowest degree left, and take the
         * users at that degree as the new level's first sub-round (sequential: one pass over
         * the remaining users, which shrink fast) */
        uint32_t low = UINT32_MAX;
        int64_t k = 0;
        for (int64_t i = 0; i < nrem; i++) {
            uint32_t v = rem[i], d = deg[v];
            if (level > 0 && d < level) continue; /* removed: its degree is its core number */
            rem[k++] = v;
            if (d < low) low = d;
        }
        nrem = k;
        if (nrem == 0) break;
        level = low;
        nfr = 0;
        for (int64_t i = 0; i < nrem; i++)
            if (deg[rem[i]] == level) fr[nfr++] = rem[i];
        /* sub-rounds: remove the frontier; neighbours that drop to the level form the next one */
        while (nfr > 0) {
            nnx = 0;
            #pragma omp parallel for schedule(dynamic, 256) num_threads(nt)
            for (int64_t i = 0; i < nfr; i++) {
                uint32_t v = fr[i];
#define DROP(u)                                                                           \
    do {                                                                                  \
        if (__atomic_load_n(&deg[u], __ATOMIC_RELAXED) > level) {                         \
            uint32_t old = __atomic_fetch_sub(&deg[u], 1, __ATOMIC_RELAXED);              \
            if (old == level + 1) {                                                       \
                int64_t at = __atomic_fetch_add(&nnx, 1, __ATOMIC_RELAXED);               \
                nx[at] = (uint32_t)(u);                                                   \
            } else if (old <= level) {                                                    \
                __atomic_fetch_add(&deg[u], 1, __ATOMIC_RELAXED);                         \
            }                                                                             \
        }                                                                                 \
    } while (0)
                for (uint64_t k = Ap[v]; k < Ap[v + 1]; k++) DROP(Aj[k]);
                if (Bp)
                    for (uint64_t k = Bp[v]; k < Bp[v + 1]; k++)
                        if (!dup[k]) DROP(Bj[k]);
#undef DROP
            }
            uint32_t *t = fr;
            fr = nx;
            nx = t;
            nfr = nnx;
        }
        level++; /* users with degree < level are done */
    }
    ALLOC_TRY(out, n ? n : 1, int64_t);
    for (int64_t v = 0; v < n; v++) out[v] = deg[v];
    bs = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    if (bt) {
        bt = false;
        TRY(clout_i_csr_return(G->ST, &ct, msg));
    }
    memcpy(core, out, (size_t)n * sizeof(int64_t));
    FREE_ALL;
    return CLOUT_OK;
}
