/* baselines.c: the degree baselines of influence maximization: the k users with most out-ties,
 * and degree-discount (Chen, Wang, Yang, KDD 2009, with p the mean tie probability). */
#include "diffusion_internal.h"

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

