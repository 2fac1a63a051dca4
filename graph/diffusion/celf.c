/* celf.c: CELF (Leskovec et al., KDD 2007): lazy greedy on Monte Carlo spread. */
#include "diffusion_internal.h"

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(gain);                                                                   \
        FREE_PTR(round);                                                                  \
        FREE_PTR(all);                                                                    \
        FREE_PTR(sizes);                                                                  \
        FREE_PTR(cur);                                                                    \
        FREE_PTR(taken);                                                                  \
        clout_i_ties_free(&ties);                                                         \
        clout_i_progress_end(prog);                                                       \
        prog = NULL;                                                                      \
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
    clout_i_ties ties = {0};
    clout_i_progress *prog = NULL;
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
    ASSERT_MSG(clout_i_ties_init(&ties, P) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    for (int64_t v = 0; v < n; v++) all[v] = v;
    prog = clout_i_progress_start("CELF", (double)k, " seeds");
    /* first round: every user's own spread (IC: parallel over users; LT: over simulations) */
    if (!lt) TRY(clout_ic_cascades(P, all, n, sims, seed, gain, NULL, NULL, msg));
    for (int64_t v = 0; lt && v < n; v++) TRY(mc_spread(P, true, &all[v], 1, sims, seed + 2 + (uint64_t)v, sizes, &gain[v], msg));
    double base = 0;
    for (int i = 0; i < k; i++) {
        ASSERT_MSG(!clout_i_progress_update(prog, (double)i), CLOUT_ERR_INTERRUPTED, "interrupted");
        for (;;) {
            /* equal gains go by the tie order, as in the RR greedy */
            int64_t best = -1;
            for (int64_t v = 0; v < n; v++)
                if (!taken[v] && (best < 0 || gain[v] > gain[best] ||
                                  (gain[v] == gain[best] && ties.rank[v] < ties.rank[best])))
                    best = v;
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

