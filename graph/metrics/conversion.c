/* conversion.c: how often exposure leads to adoption, from the first-interaction times T.
 *
 * For user u and each item i that u adopted at time tu: each out-neighbour v of u that had not
 * adopted i before tu (no time, or a time >= tu) is exposed; an exposed v converts when it
 * adopted i after u (tv > tu) within the window (tv - tu <= window). T(v, i) is found by binary
 * search in row v of T's CSR arrays. Users are independent: one OpenMP loop over them.
 *
 * Since a time S (clout_conversion_since), only what happens after S counts, on the whole log:
 * an exposure is one still open after S (v had not adopted i by S, and tu + window > S), a
 * conversion one where v adopted after S (tu itself may be earlier), an adoption one timed after
 * S. So conversions since S = conversions of the whole log - conversions of the log up to S; an
 * item v adopted before S is never v's adoption after it (a later row for it is a repeat). */
#include "metrics_internal.h"
#include <math.h>

static bool find_time(const clout_i_csr *t, int64_t v, uint64_t item, double *tv)
{
    uint64_t lo = t->ptr[v], hi = t->ptr[v + 1];
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t->idx[mid] < item) lo = mid + 1;
        else hi = mid;
    }
    if (lo < t->ptr[v + 1] && t->idx[lo] == item) {
        *tv = t->iso ? ((const double *)t->vals)[0] : ((const double *)t->vals)[lo];
        return true;
    }
    return false;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (bs) clout_i_csr_return(G->S, &cs, msg);                                       \
        if (bt) clout_i_csr_return(G->T, &ct, msg);                                       \
        if (br) clout_i_csr_return(G->R, &cr, msg);                                       \
        FREE_PTR(ad);                                                                     \
        FREE_PTR(ex);                                                                     \
        FREE_PTR(cv);                                                                     \
    } while (0)

int clout_conversion_since(clout_graph *G, double window, double since, int64_t *adoptions, int64_t *exposures,
                           int64_t *conversions, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr cs, ct, cr;
    bool bs = false, bt = false, br = false;
    int64_t *ad = NULL, *ex = NULL, *cv = NULL;
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(window >= 0, CLOUT_ERR_INVALID, "the window must be >= 0 seconds");
    ASSERT_MSG(!isnan(since) && since < INFINITY, CLOUT_ERR_INVALID, "the time to count from must be a time or -inf");
    ALLOC_TRY(ad, n, int64_t);
    ALLOC_TRY(ex, n, int64_t);
    ALLOC_TRY(cv, n, int64_t);
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    bs = true;
    TRY(clout_i_csr_borrow(G->T, &ct, msg));
    bt = true;
    TRY(clout_i_csr_borrow(G->R, &cr, msg));
    br = true;
    const double *tx = ct.vals;
    #pragma omp parallel for schedule(dynamic, 256)
    for (int64_t u = 0; u < n; u++) {
        int64_t e = 0, c = 0, a = 0;
        for (uint64_t k = ct.ptr[u]; k < ct.ptr[u + 1]; k++) {
            uint64_t item = ct.idx[k];
            double tu = ct.iso ? tx[0] : tx[k];
            a += tu > since;
            if (tu + window <= since) continue; /* every exposure closed by S */
            for (uint64_t q = cs.ptr[u]; q < cs.ptr[u + 1]; q++) {
                int64_t v = (int64_t)cs.idx[q];
                double tv;
                bool has = find_time(&ct, v, item, &tv);
                if (has && (tv < tu || tv <= since)) continue; /* adopted before u, or by S: not exposed */
                e++;
                if (has && tv > tu && tv - tu <= window) c++;
            }
        }
        ad[u] = since == -INFINITY ? (int64_t)(cr.ptr[u + 1] - cr.ptr[u]) : a;
        ex[u] = e;
        cv[u] = c;
    }
    bs = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    bt = false;
    TRY(clout_i_csr_return(G->T, &ct, msg));
    br = false;
    TRY(clout_i_csr_return(G->R, &cr, msg));
    memcpy(adoptions, ad, (size_t)n * sizeof(int64_t));
    memcpy(exposures, ex, (size_t)n * sizeof(int64_t));
    memcpy(conversions, cv, (size_t)n * sizeof(int64_t));
    FREE_ALL;
    return CLOUT_OK;
}

int clout_conversion(clout_graph *G, double window, int64_t *adoptions, int64_t *exposures,
                     int64_t *conversions, char msg[CLOUT_MSG_LEN])
{
    return clout_conversion_since(G, window, -INFINITY, adoptions, exposures, conversions, msg);
}
