/* imm.c: IMM, Tang, Shi and Xiao (SIGMOD 2015). Sampling doubles the RR-set count until greedy
 * coverage certifies a lower bound LB of OPT, then theta = lambda* / LB sets are needed. Following
 * W. Chen (arXiv 1808.09363), the final selection runs greedy on theta FRESH RR sets, not on the
 * ones used to estimate LB. The seed set reaches (1 - 1/e - epsilon) OPT with probability at
 * least 1 - delta. RR set j draws from its own counter-based stream (the final sets use indices
 * offset by 2^40), and sets are stored in index order, so results do not depend on threads.
 * RR sets live in one flat array of 32-bit user indices with an offset per set (no per-set
 * allocation); greedy max coverage keeps exact marginal counts (decremented as sets get covered,
 * in parallel on large steps) and finds each maximum with a lazy max-heap. */
#include "diffusion_internal.h"
#include <math.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_i_rr_free(&rs);                                                             \
        clout_i_rr_free(&bound);                                                          \
        clout_i_rr_run_free(&run);                                                        \
    } while (0)

int clout_im_imm(const clout_influence *P, bool lt, int k, double eps, double delta, uint64_t seed, double est_rse,
                 int64_t *seeds, double *spread, int64_t *rr_used, int64_t *est_sets, char msg[CLOUT_MSG_LEN])
{
    clout_i_rrstore rs = {0}, bound = {0};
    clout_i_rr_run run;
    double n = (double)P->n;
    TRY(clout_i_rr_run_start(&run, P, lt, k, eps, &delta, seed, msg));
    clout_i_rrsampler *smp = &run.smp;
    clout_i_gwork *gw = &run.gw;
    int64_t *cov = run.cov, *tmp = run.tmp;
    double logn = log(fmax(n, 2)), ell = log(1 / delta) / logn;
    ell = ell * (1 + log(2) / logn);
    double lcnk = clout_i_log_choose(n, k), e1 = 1 - 1 / M_E;
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
        TRY(clout_i_rr_fits(&rs, smp, ceil(lambdap / x), 0, msg));
        int64_t theta_i = (int64_t)ceil(lambdap / x);
        if (theta_i > rs.total)
            CLOUT_I_RR_TRY(clout_i_rr_append(smp, &rs, rs.total, theta_i - rs.total), theta_i);
        TRY(clout_i_greedy(gw, &rs, &run.ties, P->n, k, tmp, cov, NULL, msg));
        double f = (double)cov[k - 1] / (double)rs.total;
        if (n * f >= (1 + epsp) * x) {
            lb = n * f / (1 + epsp);
            break;
        }
    }
    /* the selection's sets come on top of the bound phase's, kept for the estimate */
    TRY(clout_i_rr_fits(&rs, smp, ceil(lstar / lb), (double)rs.nnz * 4 + (double)rs.count * 12 /* this process's */, msg));
    int64_t theta = (int64_t)ceil(lstar / lb);
    /* fresh sets for the selection (Chen's correction); the bound phase's sets, independent of
     * the selection, then estimate the spread without the optimism of the sets that chose it */
    bound = rs;
    memset(&rs, 0, sizeof rs);
    clout_i_gwork_free(gw);
    CLOUT_I_RR_TRY(clout_i_rr_append(smp, &rs, CLOUT_RR_FIRST_SELECTION, theta), theta);
    TRY(clout_i_greedy(gw, &rs, &run.ties, P->n, k, seeds, cov, NULL, msg));
    /* enough of them for a relative standard error of est_rse (more drawn if needed, never more
     * than the selection's own count): p = the covered fraction, rse = sqrt((1 - p) / (p N)) */
    double p = (double)cov[k - 1] / (double)rs.total;
    clout_i_rr_free(&rs); /* the selection is done: its memory goes to the top-up */
    clout_i_gwork_free(gw);
    int64_t need = p > 0 && est_rse > 0 ? (int64_t)ceil((1 - p) / (p * est_rse * est_rse)) : 0;
    if (need > theta) need = theta;
    if (need < 1) need = 1; /* a graph too small for a bound phase still gets an estimate */
    if (need > bound.total)
        CLOUT_I_RR_TRY(clout_i_rr_append(smp, &bound, bound.total, need - bound.total), need);
    ASSERT_MSG(clout_i_prefix_coverage(&bound, seeds, k, P->n, cov) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    for (int i = 0; i < k; i++) spread[i] = n * (double)cov[i] / (double)bound.total;
    *rr_used = theta;
    if (est_sets) *est_sets = bound.total;
    FREE_ALL;
    return CLOUT_OK;
}

