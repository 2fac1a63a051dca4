/* coreness.c: k-core numbers of the undirected view of S (a tie in either direction is one
 * undirected edge), by the Batagelj-Zaversnik bucket algorithm: O(n + m), one pass. */
#include "internal.h"

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(B, &c, msg);                                     \
        FREE_GRB(U);                                                                      \
        FREE_PTR(deg);                                                                    \
        FREE_PTR(bin);                                                                    \
        FREE_PTR(pos);                                                                    \
        FREE_PTR(vert);                                                                   \
    } while (0)

int clout_coreness(clout_graph *G, int64_t **core, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix U = NULL, B = NULL;
    clout_i_csr c;
    bool borrowed = false;
    int64_t *deg = NULL, *bin = NULL, *pos = NULL, *vert = NULL;
    int64_t n = clout_graph_users(G);
    TRY(clout_i_undirected_view(G, &U, &B, msg));
    TRY(clout_i_csr_borrow(B, &c, msg));
    borrowed = true;
    const uint64_t *Ap = c.ptr, *Aj = c.idx;
    ALLOC_TRY(deg, n, int64_t);
    int64_t md = 0;
    for (int64_t v = 0; v < n; v++) {
        deg[v] = (int64_t)(Ap[v + 1] - Ap[v]);
        if (deg[v] > md) md = deg[v];
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
        for (uint64_t k = Ap[v]; k < Ap[v + 1]; k++) {
            int64_t u = (int64_t)Aj[k];
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
        }
    }
    *core = deg;
    deg = NULL;
    borrowed = false;
    int st = clout_i_csr_return(B, &c, msg);
    FREE_ALL;
    if (st < 0) {
        free(*core);
        *core = NULL;
        return st;
    }
    return CLOUT_OK;
}
