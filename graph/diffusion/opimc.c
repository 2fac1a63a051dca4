/* opimc.c: OPIM-C (Tang, Tang, Xiao, Yuan, SIGMOD 2018): two independent RR collections, doubled
 * until the online bound certifies (1 - 1/e - epsilon) of the optimum with probability 1 - delta. */
#include "diffusion_internal.h"
#include <math.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_i_rr_free(&r1);                                                             \
        clout_i_rr_free(&r2);                                                             \
        clout_i_rr_run_free(&run);                                                        \
    } while (0)

int clout_im_opimc(const clout_influence *P, bool lt, int k, double eps, double delta, uint64_t seed, int64_t *seeds,
                   double *spread, int64_t *rr_used, double *ratio, char msg[CLOUT_MSG_LEN])
{
    clout_i_rrstore r1 = {0}, r2 = {0};
    clout_i_rr_run run;
    double n = (double)P->n;
    TRY(clout_i_rr_run_start(&run, P, lt, k, eps, &delta, seed, msg));
    clout_i_rrsampler *smp = &run.smp;
    clout_i_gwork *gw = &run.gw;
    int64_t *cov = run.cov, *tmp = run.tmp;
    double e1 = 1 - 1 / M_E, lcnk = clout_i_log_choose(n, k);
    double tmax = 2 * n * pow(e1 * sqrt(log(6 / delta)) + sqrt(e1 * (lcnk + log(6 / delta))), 2) / (eps * eps * k);
    double t0 = tmax * eps * eps * k / n;
    int imax = (int)ceil(log2(fmax(tmax / t0, 2)));
    double d1 = delta / (3.0 * imax), d2 = d1;
    ASSERT_MSG(t0 < 1099511627776.0, CLOUT_ERR_INVALID, "OPIM-C would start with %.3g RR sets: epsilon %g is too small",
               t0, eps);
    int64_t theta = (int64_t)ceil(t0);
    double got = 0;
    for (int i = 1; i <= imax; i++) {
        /* R1 selects and bounds OPT from above; R2, independent, bounds the selection's spread */
        if (theta > r1.total) {
            /* two collections of theta sets each */
            TRY(clout_i_rr_fits(&r1, smp, 2 * (double)theta, 0, msg));
            CLOUT_I_RR_TRY(clout_i_rr_append(smp, &r1, r1.total, theta - r1.total), theta);
            CLOUT_I_RR_TRY(clout_i_rr_append(smp, &r2, CLOUT_RR_FIRST_SECOND + r2.total, theta - r2.total), theta);
        }
        int64_t up;
        TRY(clout_i_greedy(gw, &r1, &run.ties, P->n, k, tmp, cov, &up, msg));
        ASSERT_MSG(clout_i_prefix_coverage(&r2, tmp, k, P->n, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
        int64_t c2 = cov[k - 1];
        double th = (double)r1.total;
        double lo = (pow(sqrt((double)c2 + 2 * log(1 / d2) / 9) - sqrt(log(1 / d2) / 2), 2) - log(1 / d2) / 18) * n / th;
        double hi = pow(sqrt((double)up + log(1 / d1) / 2) + sqrt(log(1 / d1) / 2), 2) * n / th;
        got = hi > 0 ? fmax(0, lo) / hi : 0;
        memcpy(seeds, tmp, (size_t)k * sizeof(int64_t));
        if (got >= e1 - eps) break;
        theta *= 2;
    }
    /* the running estimate from R2, which played no part in the selection: unbiased */
    ASSERT_MSG(clout_i_prefix_coverage(&r2, seeds, k, P->n, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    for (int q = 0; q < k; q++) spread[q] = n * (double)cov[q] / (double)r2.total;
    *rr_used = 2 * r1.total;
    *ratio = got;
    FREE_ALL;
    return CLOUT_OK;
}
