/* im_select.c: influence maximization by name: one entry point over the IM algorithms of
 * graph/diffusion and the PageRank baseline of graph/metrics, for the program, bindings and
 * experiments alike. */
#include "core_internal.h"
#include <math.h>

static const char *const algo_names[] = {"imm", "opim-c", "celf", "degree", "degree-discount", "pagerank"};
#define NALGOS (int)(sizeof algo_names / sizeof algo_names[0])

int clout_im_algo_parse(const char *name, clout_im_algo *algo)
{
    for (int a = 0; a < NALGOS; a++)
        if (strcmp(name, algo_names[a]) == 0) {
            *algo = (clout_im_algo)a;
            return CLOUT_OK;
        }
    return CLOUT_ERR_INVALID;
}

const char *clout_im_algo_name(clout_im_algo algo)
{
    return (int)algo >= 0 && (int)algo < NALGOS ? algo_names[algo] : "?";
}

void clout_im_params_init(clout_im_params *p)
{
    *p = (clout_im_params){.algo = CLOUT_IM_IMM, .lt = false, .k = 1, .eps = 0.1, .delta = 0, .seed = 1,
                           .est_rse = 0.005, .sims = 1000};
}

#undef FREE_ALL
#define FREE_ALL

int clout_im_select(clout_graph *G, const clout_influence *P, const clout_im_params *p, int64_t *seeds, double *spread,
                    clout_im_info *info, char msg[CLOUT_MSG_LEN])
{
    clout_im_info r = {.rr_sets = 0, .estimate_rr_sets = 0, .guarantee = NAN, .has_spread = false, .has_rr = false};
    int s;
    ASSERT_MSG(p->k >= 1, CLOUT_ERR_INVALID, "k must be at least 1, got %d", p->k);
    switch (p->algo) {
    case CLOUT_IM_IMM:
        s = clout_im_imm(P, p->lt, p->k, p->eps, p->delta, p->seed, p->est_rse, seeds, spread, &r.rr_sets,
                         &r.estimate_rr_sets, msg);
        r.guarantee = 1 - 1 / M_E - p->eps;
        r.has_spread = r.has_rr = true;
        break;
    case CLOUT_IM_OPIMC:
        s = clout_im_opimc(P, p->lt, p->k, p->eps, p->delta, p->seed, seeds, spread, &r.rr_sets, &r.guarantee, msg);
        r.estimate_rr_sets = r.rr_sets / 2; /* the second, independent collection */
        r.has_spread = r.has_rr = true;
        break;
    case CLOUT_IM_CELF:
        s = clout_im_celf(P, p->lt, p->k, p->sims, p->seed, seeds, spread, msg);
        r.has_spread = true;
        break;
    case CLOUT_IM_DEGREE:
    case CLOUT_IM_DEGREE_DISCOUNT:
        s = clout_im_degree(P, p->k, p->algo == CLOUT_IM_DEGREE_DISCOUNT, seeds, msg);
        break;
    case CLOUT_IM_PAGERANK:
        s = clout_im_pagerank(G, p->k, seeds, msg);
        break;
    default:
        ERR(CLOUT_ERR_INVALID, "unknown influence maximization algorithm %d", (int)p->algo);
    }
    if (s >= 0 && info) *info = r;
    return s;
}
