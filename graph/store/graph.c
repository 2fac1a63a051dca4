/* graph.c: the graph store (clout_graph): creation, counts, cached parts, invariants. */
#include "store_internal.h"
#include <math.h>
#include <pthread.h>

#undef FREE_ALL
#define FREE_ALL clout_graph_free(&g)

int clout_graph_new(clout_graph **G, bool directed, char msg[CLOUT_MSG_LEN])
{
    clout_graph *g = clout_i_calloc(1, sizeof(*g));
    ASSERT_MSG(g != NULL, CLOUT_ERR_NOMEM, "out of memory");
    g->directed = directed;
    TRY(clout_idmap_new(&g->users, msg));
    TRY(clout_idmap_new(&g->items, msg));
    GRB_TRY(GrB_Matrix_new(&g->S, GrB_FP32, 0, 0));
    GRB_TRY(GrB_Matrix_new(&g->R, GrB_FP32, 0, 0));
    GRB_TRY(GrB_Matrix_new(&g->T, GrB_FP64, 0, 0));
    *G = g;
    return CLOUT_OK;
}

void clout_graph_drop_cache(clout_graph *G)
{
    if (G == NULL) return;
    FREE_GRB(G->ST);
    FREE_GRB(G->out_degree);
    FREE_GRB(G->in_degree);
    for (int b = 0; b < G->pagerank_nblocks; b++) FREE_GRB(G->pagerank_blocks[b]);
    FREE_PTR(G->pagerank_blocks);
    G->pagerank_nblocks = 0;
    G->pagerank_load_seconds = 0;
}

void clout_graph_free(clout_graph **G)
{
    if (G == NULL || *G == NULL) return;
    clout_graph *g = *G;
    clout_graph_drop_cache(g);
    FREE_GRB(g->S);
    FREE_GRB(g->R);
    FREE_GRB(g->T);
    clout_idmap_free(&g->users);
    clout_idmap_free(&g->items);
    free(g->action_weights);
    FREE_GRB(g->B);
    free(g->behaviour);
    for (int a = 0; a < g->nactions; a++) {
        free(g->action_names ? g->action_names[a] : NULL);
        if (g->action_count) FREE_GRB(g->action_count[a]);
        if (g->action_time) FREE_GRB(g->action_time[a]);
    }
    free(g->action_names);
    free(g->action_count);
    free(g->action_time);
    for (int i = 0; i < g->nsources; i++) free(g->sources[i]);
    free(g->sources);
    free(g);
    *G = NULL;
}

#undef FREE_ALL
#define FREE_ALL

int clout_i_graph_assemble(clout_graph **G, GrB_Matrix *S, GrB_Matrix *R, GrB_Matrix *T, clout_idmap **users,
                           clout_idmap **items, bool directed, char msg[CLOUT_MSG_LEN])
{
    clout_graph *g = clout_i_calloc(1, sizeof(*g));
    ASSERT_MSG(g != NULL, CLOUT_ERR_NOMEM, "out of memory");
    g->S = *S;
    g->R = *R;
    g->T = *T;
    g->users = *users;
    g->items = *items;
    g->directed = directed;
    *S = *R = *T = NULL;
    *users = *items = NULL;
    *G = g;
    return CLOUT_OK;
}

int64_t clout_graph_users(const clout_graph *G)
{
    return clout_idmap_size(G->users);
}

int64_t clout_graph_items(const clout_graph *G)
{
    return clout_idmap_size(G->items);
}

static int64_t nvals(GrB_Matrix A)
{
    GrB_Index n = 0;
    if (A == NULL || GrB_Matrix_nvals(&n, A) != GrB_SUCCESS) return 0;
    return (int64_t)n;
}

int64_t clout_graph_social_edges(const clout_graph *G)
{
    return nvals(G->S);
}

int64_t clout_graph_interactions(const clout_graph *G)
{
    return nvals(G->R);
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &cs, msg2);                                \
        FREE_PTR(tp);                                                                     \
        FREE_PTR(ti);                                                                     \
        FREE_PTR(tv);                                                                     \
    } while (0)

/* S' by row, built by clout_i_csr_transpose from S's arrays (lent zero-copy): about twice as fast
 * as GrB_transpose here, and iso-valued when S is */
static int build_transpose(clout_graph *G, char msg[CLOUT_MSG_LEN])
{
    uint64_t *tp = NULL, *ti = NULL;
    float *tv = NULL;
    clout_i_csr cs;
    bool borrowed = false;
    char msg2[CLOUT_MSG_LEN];
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    borrowed = true;
    ASSERT_MSG(cs.nrows == cs.ncols, CLOUT_ERR_INTERNAL, "S is not square");
    float one = cs.iso ? *(const float *)cs.vals : 1.0f;
    TRY(clout_i_csr_transpose((int64_t)cs.nrows, cs.ptr, cs.idx, cs.iso ? NULL : (const float *)cs.vals, NULL, NULL,
                              &tp, &ti, cs.iso ? NULL : (void **)&tv, false, msg));
    borrowed = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    GrB_Matrix ST = NULL;
    TRY(clout_i_pack_csr(&ST, GrB_FP32, (int64_t)cs.nrows, (int64_t)cs.nrows, &tp, &ti, tv ? (void **)&tv : NULL, &one,
                         msg));
    __atomic_store_n(&G->ST, ST, __ATOMIC_RELEASE);
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &cs, msg2);                                \
        FREE_PTR(od);                                                                     \
        FREE_PTR(id);                                                                     \
        if (part) for (int t_ = 0; t_ < nt; t_++) free(part[t_]);                         \
        FREE_PTR(part);                                                                   \
        FREE_GRB(out);                                                                    \
        FREE_GRB(in);                                                                     \
    } while (0)

double clout_i_degree_count_bytes = 256e6;

/* Out-degrees from S's row pointers and in-degrees by counting S's column indices (each thread
 * its range of ties into its own 32-bit counts, added up after; atomic adds on one array when
 * those would take more than 256 MB), lent to GraphBLAS as full INT64 vectors. Whole numbers:
 * the same for any thread count. */
static int build_degrees(clout_graph *G, char msg[CLOUT_MSG_LEN])
{
    GrB_Vector out = NULL, in = NULL;
    int64_t *od = NULL, *id = NULL;
    uint32_t **part = NULL;
    clout_i_csr cs;
    bool borrowed = false;
    char msg2[CLOUT_MSG_LEN];
    int nt = omp_get_max_threads();
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    borrowed = true;
    int64_t n = (int64_t)cs.nrows;
    uint64_t m = cs.ptr[n];
    ALLOC_TRY(od, n ? n : 1, int64_t);
    CALLOC_TRY(id, n ? n : 1, int64_t);
    #pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t u = 0; u < n; u++) od[u] = (int64_t)(cs.ptr[u + 1] - cs.ptr[u]);
    if (m < 65536 || nt == 1) {
        for (uint64_t k = 0; k < m; k++) id[cs.idx[k]]++;
    } else if ((double)nt * (double)n * 4 <= clout_i_degree_count_bytes && m < UINT32_MAX) {
        CALLOC_TRY(part, nt, uint32_t *);
        for (int t = 0; t < nt; t++) CALLOC_TRY(part[t], n ? n : 1, uint32_t);
        #pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num();
            uint32_t *c = part[t];
            uint64_t lo = m * (uint64_t)t / (uint64_t)nt, hi = m * (uint64_t)(t + 1) / (uint64_t)nt;
            for (uint64_t k = lo; k < hi; k++) c[cs.idx[k]]++;
            #pragma omp barrier
            #pragma omp for schedule(static)
            for (int64_t v = 0; v < n; v++) {
                int64_t sum = 0;
                for (int q = 0; q < nt; q++) sum += part[q][v];
                id[v] = sum;
            }
        }
    } else {
        #pragma omp parallel for schedule(static)
        for (uint64_t k = 0; k < m; k++) __atomic_fetch_add(&id[cs.idx[k]], 1, __ATOMIC_RELAXED);
    }
    borrowed = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    GRB_TRY(GrB_Vector_new(&out, GrB_INT64, (GrB_Index)n));
    GRB_TRY(GrB_Vector_new(&in, GrB_INT64, (GrB_Index)n));
    GRB_TRY(GxB_Vector_pack_Full(out, (void **)&od, (GrB_Index)(n ? n : 1) * sizeof(int64_t), false, NULL));
    GRB_TRY(GxB_Vector_pack_Full(in, (void **)&id, (GrB_Index)(n ? n : 1) * sizeof(int64_t), false, NULL));
    FREE_GRB(G->out_degree);
    FREE_GRB(G->in_degree);
    __atomic_store_n(&G->in_degree, in, __ATOMIC_RELEASE);
    __atomic_store_n(&G->out_degree, out, __ATOMIC_RELEASE);
    in = out = NULL;
    FREE_ALL;
    return CLOUT_OK;
}

/* Caches are built under one process-wide lock and published whole: two calls that need the same
 * cache of one graph build it once, and none sees it half made. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

int clout_graph_cache_transpose(clout_graph *G, char msg[CLOUT_MSG_LEN])
{
    if (__atomic_load_n(&G->ST, __ATOMIC_ACQUIRE) != NULL) return CLOUT_OK;
    pthread_mutex_lock(&cache_lock);
    int s = G->ST != NULL ? CLOUT_OK : build_transpose(G, msg);
    pthread_mutex_unlock(&cache_lock);
    return s;
}

int clout_graph_cache_degrees(clout_graph *G, char msg[CLOUT_MSG_LEN])
{
    if (__atomic_load_n(&G->out_degree, __ATOMIC_ACQUIRE) != NULL && G->in_degree != NULL) return CLOUT_OK;
    pthread_mutex_lock(&cache_lock);
    int s = G->out_degree != NULL && G->in_degree != NULL ? CLOUT_OK : build_degrees(G, msg);
    pthread_mutex_unlock(&cache_lock);
    return s;
}

#undef FREE_ALL
#define FREE_ALL

int clout_graph_check(const clout_graph *G, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(G != NULL && G->S && G->R && G->T && G->users && G->items, CLOUT_ERR_INVALID,
               "graph is missing a part");
    GrB_Index sr, sc, rr, rc, tr, tc;
    GRB_TRY(GrB_Matrix_nrows(&sr, G->S));
    GRB_TRY(GrB_Matrix_ncols(&sc, G->S));
    GRB_TRY(GrB_Matrix_nrows(&rr, G->R));
    GRB_TRY(GrB_Matrix_ncols(&rc, G->R));
    GRB_TRY(GrB_Matrix_nrows(&tr, G->T));
    GRB_TRY(GrB_Matrix_ncols(&tc, G->T));
    GrB_Index nu = (GrB_Index)clout_graph_users(G), ni = (GrB_Index)clout_graph_items(G);
    ASSERT_MSG(sr == nu && sc == nu, CLOUT_ERR_INVALID, "S is %llux%llu but there are %llu users",
               (unsigned long long)sr, (unsigned long long)sc, (unsigned long long)nu);
    ASSERT_MSG(rr == nu && rc == ni && tr == nu && tc == ni, CLOUT_ERR_INVALID,
               "R or T does not match %llu users x %llu items", (unsigned long long)nu,
               (unsigned long long)ni);
    GrB_Type t;
    GRB_TRY(GxB_Matrix_type(&t, G->S));
    ASSERT_MSG(t == GrB_FP32, CLOUT_ERR_INVALID, "S must be FP32");
    GRB_TRY(GxB_Matrix_type(&t, G->R));
    ASSERT_MSG(t == GrB_FP32, CLOUT_ERR_INVALID, "R must be FP32");
    GRB_TRY(GxB_Matrix_type(&t, G->T));
    ASSERT_MSG(t == GrB_FP64, CLOUT_ERR_INVALID, "T must be FP64");
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL FREE_GRB(*U)

int clout_i_undirected_view(clout_graph *G, GrB_Matrix *U, GrB_Matrix *B, char msg[CLOUT_MSG_LEN])
{
    *U = NULL;
    if (!G->directed) {
        *B = G->S;
        return CLOUT_OK;
    }
    GrB_Index n = (GrB_Index)clout_graph_users(G);
    TRY(clout_graph_cache_transpose(G, msg));
    GRB_TRY(GrB_Matrix_new(U, GrB_BOOL, n, n));
    GRB_TRY(GrB_Matrix_eWiseAdd_BinaryOp(*U, NULL, NULL, GxB_PAIR_BOOL, G->S, G->ST, NULL));
    *B = *U;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- the behaviour graph's place */

#undef FREE_ALL
#define FREE_ALL

int clout_graph_kind_parse(const char *s, clout_graph_kind *kind)
{
    if (s == NULL) return CLOUT_ERR_INVALID;
    if (strcmp(s, "social") == 0) *kind = CLOUT_GRAPH_SOCIAL;
    else if (strcmp(s, "behaviour") == 0 || strcmp(s, "behavior") == 0) *kind = CLOUT_GRAPH_BEHAVIOUR;
    else if (strcmp(s, "both") == 0) *kind = CLOUT_GRAPH_BOTH;
    else return CLOUT_ERR_INVALID;
    return CLOUT_OK;
}

void clout_graph_keep_pagerank_layout(clout_graph *G, bool keep)
{
    G->keep_pagerank_layout = keep;
}

int clout_graph_set_behaviour(clout_graph *G, GrB_Matrix *B, const char *description, char msg[CLOUT_MSG_LEN])
{
    GrB_Index r, c, n = (GrB_Index)clout_graph_users(G);
    GrB_Type t;
    GRB_TRY(GrB_Matrix_nrows(&r, *B));
    GRB_TRY(GrB_Matrix_ncols(&c, *B));
    GRB_TRY(GxB_Matrix_type(&t, *B));
    ASSERT_MSG(r == n && c == n && t == GrB_FP32, CLOUT_ERR_INVALID,
               "the behaviour graph must be an FP32 matrix of %llu x %llu users", (unsigned long long)n,
               (unsigned long long)n);
    char *d = description ? clout_i_strdup(description) : NULL;
    ASSERT_MSG(description == NULL || d != NULL, CLOUT_ERR_NOMEM, "out of memory");
    FREE_GRB(G->B);
    free(G->behaviour);
    G->B = *B;
    *B = NULL;
    G->behaviour = d;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL FREE_GRB(U)

int clout_graph_use(clout_graph *G, clout_graph_kind kind, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix U = NULL;
    if (kind == CLOUT_GRAPH_SOCIAL) return CLOUT_OK;
    ASSERT_MSG(kind == CLOUT_GRAPH_BEHAVIOUR || kind == CLOUT_GRAPH_BOTH, CLOUT_ERR_INVALID, "unknown graph kind %d",
               (int)kind);
    ASSERT_MSG(G->B != NULL, CLOUT_ERR_INVALID, "the graph has no behaviour graph (build it first)");
    if (kind == CLOUT_GRAPH_BOTH) {
        GrB_Index n = (GrB_Index)clout_graph_users(G);
        GRB_TRY(GrB_Matrix_new(&U, GrB_FP32, n, n));
        GRB_TRY(GxB_Matrix_Option_set(U, GxB_SPARSITY_CONTROL, GxB_SPARSE));
        GRB_TRY(GrB_Matrix_eWiseAdd_BinaryOp(U, NULL, NULL, GrB_PLUS_FP32, G->S, G->B, NULL));
        GRB_TRY(GrB_Matrix_wait(U, GrB_MATERIALIZE));
        FREE_GRB(G->B);
    } else {
        U = G->B;
        G->B = NULL;
    }
    clout_graph_drop_cache(G);
    FREE_GRB(G->S);
    G->S = U;
    G->directed = true;
    G->ties = kind;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- a time slice of the log */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(T1);                                                                     \
        FREE_GRB(*T2);                                                                    \
        FREE_GRB(*R2);                                                                    \
        FREE_GRB(Ru);                                                                     \
    } while (0)

/* (R, T) restricted to the times in (lo, hi] (and the untimed entries when keep_untimed), into
 * fresh matrices *R2, *T2 */
static int slice(GrB_Matrix R, GrB_Matrix T, double lo, double hi, bool keep_untimed, GrB_Matrix *R2, GrB_Matrix *T2,
                 char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix T1 = NULL, Ru = NULL;
    GrB_Index n, ni;
    GRB_TRY(GrB_Matrix_nrows(&n, R));
    GRB_TRY(GrB_Matrix_ncols(&ni, R));
    GRB_TRY(GrB_Matrix_new(&T1, GrB_FP64, n, ni));
    GRB_TRY(GrB_Matrix_new(T2, GrB_FP64, n, ni));
    GRB_TRY(GrB_Matrix_new(R2, GrB_FP32, n, ni));
    GRB_TRY(GxB_Matrix_Option_set(*T2, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    GRB_TRY(GxB_Matrix_Option_set(*R2, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    GRB_TRY(GrB_Matrix_select_FP64(T1, NULL, NULL, GrB_VALUEGT_FP64, T, lo, NULL));
    GRB_TRY(GrB_Matrix_select_FP64(*T2, NULL, NULL, GrB_VALUELE_FP64, T1, hi, NULL));
    GRB_TRY(GrB_Matrix_apply(*R2, *T2, NULL, GrB_IDENTITY_FP32, R, GrB_DESC_S));
    if (keep_untimed) {
        GRB_TRY(GrB_Matrix_new(&Ru, GrB_FP32, n, ni));
        GRB_TRY(GrB_Matrix_apply(Ru, T, NULL, GrB_IDENTITY_FP32, R, GrB_DESC_SC));
        GRB_TRY(GrB_Matrix_eWiseAdd_BinaryOp(*R2, NULL, NULL, GrB_PLUS_FP32, *R2, Ru, NULL));
    }
    GRB_TRY(GrB_Matrix_wait(*T2, GrB_MATERIALIZE));
    GRB_TRY(GrB_Matrix_wait(*R2, GrB_MATERIALIZE));
    FREE_GRB(T1);
    FREE_GRB(Ru);
    return CLOUT_OK;
}

/* per-type matrices made for G but not handed to it: freed, and the arrays */
static void free_typed(const clout_graph *G, GrB_Matrix **AR, GrB_Matrix **AT)
{
    for (int a = 0; a < G->nactions; a++) {
        if (*AR) FREE_GRB((*AR)[a]);
        if (*AT) FREE_GRB((*AT)[a]);
    }
    free(*AR);
    free(*AT);
    *AR = *AT = NULL;
}

/* G's interactions replaced by *R2, *T2 and, unless AR is NULL, each behaviour type's AR[a],
 * AT[a] (all taken: the pointers are set to NULL); the caches dropped */
static void replace_interactions(clout_graph *G, GrB_Matrix *R2, GrB_Matrix *T2, GrB_Matrix *AR, GrB_Matrix *AT)
{
    clout_graph_drop_cache(G);
    FREE_GRB(G->R);
    FREE_GRB(G->T);
    G->R = *R2;
    G->T = *T2;
    *R2 = *T2 = NULL;
    for (int a = 0; AR && a < G->nactions; a++) {
        FREE_GRB(G->action_count[a]);
        FREE_GRB(G->action_time[a]);
        G->action_count[a] = AR[a];
        G->action_time[a] = AT[a];
        AR[a] = AT[a] = NULL;
    }
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(R2);                                                                     \
        FREE_GRB(T2);                                                                     \
        free_typed(G, &AR, &AT);                                                          \
    } while (0)

int clout_graph_keep_times(clout_graph *G, double lo, double hi, bool keep_untimed, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix R2 = NULL, T2 = NULL, *AR = NULL, *AT = NULL;
    ASSERT_MSG(!isnan(lo) && !isnan(hi) && lo < hi, CLOUT_ERR_INVALID, "the time slice must have lo < hi");
    TRY(slice(G->R, G->T, lo, hi, keep_untimed, &R2, &T2, msg));
    if (G->nactions > 0) {
        CALLOC_TRY(AR, G->nactions, GrB_Matrix);
        CALLOC_TRY(AT, G->nactions, GrB_Matrix);
        for (int a = 0; a < G->nactions; a++)
            TRY(slice(G->action_count[a], G->action_time[a], lo, hi, keep_untimed, &AR[a], &AT[a], msg));
    }
    /* all made: replace */
    replace_interactions(G, &R2, &T2, AR, AT);
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(R2);                                                                     \
        FREE_GRB(T2);                                                                     \
    } while (0)

int clout_graph_min_weight(clout_graph *G, double w, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix T2 = NULL, R2 = NULL;
    ASSERT_MSG(isfinite(w) && w >= 0, CLOUT_ERR_INVALID, "the minimum weight must be a finite number >= 0");
    GrB_Index n = (GrB_Index)clout_graph_users(G), ni = (GrB_Index)clout_graph_items(G);
    GRB_TRY(GrB_Matrix_new(&R2, GrB_FP32, n, ni));
    GRB_TRY(GrB_Matrix_new(&T2, GrB_FP64, n, ni));
    GRB_TRY(GxB_Matrix_Option_set(R2, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    GRB_TRY(GxB_Matrix_Option_set(T2, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    GRB_TRY(GrB_Matrix_select_FP32(R2, NULL, NULL, GrB_VALUEGE_FP32, G->R, (float)w, NULL));
    GRB_TRY(GrB_Matrix_apply(T2, R2, NULL, GrB_IDENTITY_FP64, G->T, GrB_DESC_S));
    GRB_TRY(GrB_Matrix_wait(T2, GrB_MATERIALIZE));
    GRB_TRY(GrB_Matrix_wait(R2, GrB_MATERIALIZE));
    replace_interactions(G, &R2, &T2, NULL, NULL);
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- a subset of the items */

#undef FREE_ALL
#define FREE_ALL FREE_GRB(*out)

/* A's entries in the columns D (a diagonal pattern) keeps, into a fresh matrix *out of A's type
 * and size, values unchanged */
static int keep_cols(GrB_Matrix A, GrB_Matrix D, GrB_Semiring first, GrB_Type type, GrB_Matrix *out,
                     char msg[CLOUT_MSG_LEN])
{
    GrB_Index n, ni;
    GRB_TRY(GrB_Matrix_nrows(&n, A));
    GRB_TRY(GrB_Matrix_ncols(&ni, A));
    GRB_TRY(GrB_Matrix_new(out, type, n, ni));
    GRB_TRY(GxB_Matrix_Option_set(*out, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    GRB_TRY(GrB_mxm(*out, NULL, NULL, first, A, D, NULL));
    GRB_TRY(GrB_Matrix_wait(*out, GrB_MATERIALIZE));
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(D);                                                                      \
        FREE_PTR(idx);                                                                    \
        FREE_PTR(one);                                                                    \
        FREE_GRB(R2);                                                                     \
        FREE_GRB(T2);                                                                     \
        free_typed(G, &AR, &AT);                                                          \
    } while (0)

int clout_graph_keep_items(clout_graph *G, const uint8_t *keep, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix D = NULL, R2 = NULL, T2 = NULL, *AR = NULL, *AT = NULL;
    GrB_Index *idx = NULL, ni, nk = 0;
    bool *one = NULL;
    ASSERT_MSG(keep != NULL, CLOUT_ERR_INVALID, "no item mask");
    GRB_TRY(GrB_Matrix_ncols(&ni, G->R));
    ALLOC_TRY(idx, ni + 1, GrB_Index);
    ALLOC_TRY(one, ni + 1, bool);
    for (GrB_Index i = 0; i < ni; i++)
        if (keep[i]) {
            idx[nk] = i;
            one[nk++] = true;
        }
    /* D: the kept items' diagonal; R D keeps their columns */
    GRB_TRY(GrB_Matrix_new(&D, GrB_BOOL, ni, ni));
    GRB_TRY(GrB_Matrix_build_BOOL(D, idx, idx, one, nk, GrB_LOR));
    TRY(keep_cols(G->R, D, GxB_ANY_FIRST_FP32, GrB_FP32, &R2, msg));
    TRY(keep_cols(G->T, D, GxB_ANY_FIRST_FP64, GrB_FP64, &T2, msg));
    if (G->nactions > 0) {
        CALLOC_TRY(AR, G->nactions, GrB_Matrix);
        CALLOC_TRY(AT, G->nactions, GrB_Matrix);
        for (int a = 0; a < G->nactions; a++) {
            TRY(keep_cols(G->action_count[a], D, GxB_ANY_FIRST_FP32, GrB_FP32, &AR[a], msg));
            TRY(keep_cols(G->action_time[a], D, GxB_ANY_FIRST_FP64, GrB_FP64, &AT[a], msg));
        }
    }
    /* all made: replace */
    replace_interactions(G, &R2, &T2, AR, AT);
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

int clout_graph_time_span(const clout_graph *G, double *lo, double *hi, char msg[CLOUT_MSG_LEN])
{
    GrB_Index n = 0;
    *lo = *hi = NAN;
    GRB_TRY(GrB_Matrix_nvals(&n, G->T));
    if (n == 0) return CLOUT_OK;
    GRB_TRY(GrB_Matrix_reduce_FP64(lo, NULL, GrB_MIN_MONOID_FP64, G->T, NULL));
    GRB_TRY(GrB_Matrix_reduce_FP64(hi, NULL, GrB_MAX_MONOID_FP64, G->T, NULL));
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL GrB_free(&v)

int clout_graph_action_counts(const clout_graph *G, int a, double *rows, int64_t *users, int64_t *items,
                              char msg[CLOUT_MSG_LEN])
{
    GrB_Vector v = NULL;
    ASSERT_MSG(a >= 0 && a < G->nactions, CLOUT_ERR_INVALID, "behaviour type %d of %d", a, G->nactions);
    GrB_Matrix C = G->action_count[a];
    GrB_Index nr, nc, nu = 0, ni = 0;
    *rows = 0;
    GRB_TRY(GrB_Matrix_reduce_FP64(rows, NULL, GrB_PLUS_MONOID_FP64, C, NULL));
    GRB_TRY(GrB_Matrix_nrows(&nr, C));
    GRB_TRY(GrB_Matrix_ncols(&nc, C));
    /* users (items) with an entry: the entries of the row (column) reduction */
    GRB_TRY(GrB_Vector_new(&v, GrB_FP32, nr));
    GRB_TRY(GrB_Matrix_reduce_Monoid(v, NULL, NULL, GrB_PLUS_MONOID_FP32, C, NULL));
    GRB_TRY(GrB_Vector_nvals(&nu, v));
    GrB_free(&v);
    GRB_TRY(GrB_Vector_new(&v, GrB_FP32, nc));
    GRB_TRY(GrB_Matrix_reduce_Monoid(v, NULL, NULL, GrB_PLUS_MONOID_FP32, C, GrB_DESC_T0));
    GRB_TRY(GrB_Vector_nvals(&ni, v));
    FREE_ALL;
    *users = (int64_t)nu;
    *items = (int64_t)ni;
    return CLOUT_OK;
}
