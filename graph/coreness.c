/* coreness.c: k-core numbers of the undirected view of S (a tie in either direction is one
 * undirected edge), by the Batagelj-Zaversnik bucket algorithm: O(n + m), one pass.
 *
 * For a directed S the view is never built: a user's neighbours are its out-row in S and its
 * in-row in S' (cached), both sorted, merged on the fly with the ties that run both ways counted
 * once. Materializing S + S' cost more than the peeling itself on a 16M-tie graph. */
#include "internal.h"

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (bs) clout_i_csr_return(G->S, &cs, msg);                                       \
        if (bt) clout_i_csr_return(G->ST, &ct, msg);                                      \
        FREE_PTR(deg);                                                                    \
        FREE_PTR(bin);                                                                    \
        FREE_PTR(pos);                                                                    \
        FREE_PTR(vert);                                                                   \
    } while (0)

/* the neighbours of v: the sorted merge of a[alo..ahi) and b[blo..bhi) without repeats, each
 * handed to the statement (the trailing arguments) with u bound to it */
#define FOR_NEIGHBOURS(a, alo, ahi, b, blo, bhi, u, ...)                                  \
    do {                                                                                  \
        uint64_t i_ = (alo), j_ = (blo);                                                  \
        while (i_ < (ahi) || j_ < (bhi)) {                                                \
            uint64_t x_ = i_ < (ahi) ? (a)[i_] : UINT64_MAX, y_ = j_ < (bhi) ? (b)[j_] : UINT64_MAX; \
            int64_t u = (int64_t)(x_ < y_ ? x_ : y_);                                     \
            if (x_ <= y_) i_++;                                                           \
            if (y_ <= x_) j_++;                                                           \
            __VA_ARGS__;                                                                  \
        }                                                                                 \
    } while (0)

int clout_coreness(clout_graph *G, int64_t **core, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr cs, ct;
    bool bs = false, bt = false;
    int64_t *deg = NULL, *bin = NULL, *pos = NULL, *vert = NULL;
    int64_t n = clout_graph_users(G);
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
#define NB(v, u, ...) FOR_NEIGHBOURS(Aj, Ap[v], Ap[(v) + 1], Bj, Bp ? Bp[v] : 0, Bp ? Bp[(v) + 1] : 0, u, __VA_ARGS__)
    ALLOC_TRY(deg, n, int64_t);
    int64_t md = 0;
    #pragma omp parallel for schedule(dynamic, 4096) reduction(max : md)
    for (int64_t v = 0; v < n; v++) {
        int64_t d = 0;
        if (Bp) NB(v, u, (void)u; d++);
        else d = (int64_t)(Ap[v + 1] - Ap[v]);
        deg[v] = d;
        if (d > md) md = d;
    }
    CALLOC_TRY(bin, md + 2, int64_t);
    ALLOC_TRY(pos, n, int64_t);
    ALLOC_TRY(vert, n, int64_t);
    for (int64_t v = 0; v < n; v++) bin[deg[v]]++;
    for (int64_t d = 0, start = 0; d <= md; d++) {
        int64_t k = bin[d];
        bin[d] = start;
        start += k;
    }
    for (int64_t v = 0; v < n; v++) {
        pos[v] = bin[deg[v]]++;
        vert[pos[v]] = v;
    }
    for (int64_t d = md; d > 0; d--) bin[d] = bin[d - 1];
    bin[0] = 0;
    /* peel in order of current degree; a neighbour with a larger degree moves down one bin */
    for (int64_t i = 0; i < n; i++) {
        int64_t v = vert[i];
        NB(v, u, {
            if (deg[u] > deg[v]) {
                int64_t du = deg[u], pu = pos[u], pw = bin[du], w = vert[pw];
                if (u != w) {
                    pos[u] = pw;
                    vert[pu] = w;
                    pos[w] = pu;
                    vert[pw] = u;
                }
                bin[du]++;
                deg[u]--;
            }
        });
    }
#undef NB
    *core = deg;
    deg = NULL;
    bs = false;
    int st = clout_i_csr_return(G->S, &cs, msg);
    if (bt) {
        bt = false;
        int st2 = clout_i_csr_return(G->ST, &ct, msg);
        if (st >= 0) st = st2;
    }
    FREE_ALL;
    if (st < 0) {
        free(*core);
        *core = NULL;
        return st;
    }
    return CLOUT_OK;
}
