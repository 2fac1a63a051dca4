/* features.c: the per-user features table: every key-user metric of graph/metrics and graph/diffusion
 * as named columns, computed once per group, with the derived formulas (depth and mean hops from
 * reach counts, ic_range and its standard error from RR-set counts, conversion rate). The table
 * `clout metrics` writes, and the input of scores and key users. */
#include "core_internal.h"
#include <math.h>

enum { G_DEG, G_PR, G_CORE, G_BTW, G_CLU, G_REACH, G_DEPTH, G_ICR, G_ICD, G_CONV, NGROUPS };
/* the columns of each group, in table order ("reach_" stands for reach_1 .. reach_hops) */
static const char *const group_cols[NGROUPS] = {
    "out_degree,in_degree,w_out_degree", "pagerank", "core", "betweenness", "clustering", "reach_",
    "depth,mean_hops", "ic_range,ic_range_se", "ic_depth", "adoptions,exposures,conversions,conversion_rate"};

/* The group of a column name, or -1. */
static int group_of(const char *col, size_t n)
{
    if (n > 6 && strncmp(col, "reach_", 6) == 0) {
        for (size_t i = 6; i < n; i++)
            if (col[i] < '0' || col[i] > '9') return -1;
        return G_REACH;
    }
    for (int g = 0; g < NGROUPS; g++)
        for (const char *p = group_cols[g]; *p;) {
            size_t len = strcspn(p, ",");
            if (len == n && strncmp(p, col, n) == 0 && g != G_REACH) return g;
            p += len + (p[len] == ',');
        }
    return -1;
}

/* The groups a column list asks for; CLOUT_ERR_INVALID naming the first unknown column. */
static int parse_only(const char *only, bool want[NGROUPS], char msg[CLOUT_MSG_LEN])
{
    for (int g = 0; g < NGROUPS; g++) want[g] = only == NULL;
    for (const char *p = only; p && *p;) {
        size_t len = strcspn(p, ",");
        int g = group_of(p, len);
        if (g < 0) {
            clout_i_setmsg(msg, "no column '%.*s' (columns: %s)", (int)(len > 64 ? 64 : len), p, CLOUT_FEATURE_COLUMNS);
            return CLOUT_ERR_INVALID;
        }
        want[g] = true;
        p += len + (p[len] == ',');
    }
    return CLOUT_OK;
}

int clout_features_check(const char *only, char msg[CLOUT_MSG_LEN])
{
    bool want[NGROUPS];
    return parse_only(only, want, msg);
}

void clout_features_opts_init(clout_features_opts *o)
{
    *o = (clout_features_opts){.only = NULL, .hops = 3, .max_depth = 32, .damping = 0.85, .tol = 1e-10,
                               .max_iter = 10000, .personal = NULL, .betweenness_samples = 0, .seed = 1,
                               .lt = false, .rr_sets = 200000, .sims = 200, .approx = false,
                               .approx_registers = 7, .window = INFINITY,
                               .since = -INFINITY};
    o->prob.kind = CLOUT_PROB_WC;
    o->prob.p = 0;
    o->prob.seed = 1;
    o->prob.window = INFINITY;
    o->prob.a = o->prob.b = 0;
}

void clout_features_free(clout_features **F)
{
    if (F == NULL || *F == NULL) return;
    for (int c = 0; c < (*F)->ncols; c++) {
        free((*F)->cols[c].name);
        free((*F)->cols[c].ints);
        free((*F)->cols[c].reals);
    }
    free((*F)->cols);
    free(*F);
    *F = NULL;
}

/* A new column of n cells (int or real), appended to F. */
/* a step without counts of its own, announced to the progress handler (so a long one is named) */
#define ANNOUNCED(name, call)                                                                    \
    do {                                                                                         \
        clout_i_progress *ph_ = clout_i_progress_start(name, 0, "");                             \
        int st_ = (call);                                                                        \
        clout_i_progress_end(ph_);                                                               \
        TRY(st_);                                                                                \
    } while (0)

static int add_col(clout_features *F, const char *name, clout_coltype type, char msg[CLOUT_MSG_LEN])
{
    clout_feature_col *c = &F->cols[F->ncols];
    *c = (clout_feature_col){NULL, type, NULL, NULL};
    size_t n = F->n ? (size_t)F->n : 1;
    c->name = clout_i_strdup(name);
    if (type == CLOUT_COL_INT) c->ints = clout_i_calloc(n, sizeof(int64_t));
    else c->reals = clout_i_calloc(n, sizeof(double));
    F->ncols++;
    if (c->name == NULL || (c->ints == NULL && c->reals == NULL)) {
        clout_i_setmsg(msg, "out of memory for column %s", name);
        return CLOUT_ERR_NOMEM;
    }
    return CLOUT_OK;
}

/* A sparse GraphBLAS vector into a dense column (absent entries stay 0). */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        free(I);                                                                          \
        free(X);                                                                          \
        free(Y);                                                                          \
    } while (0)

static int dense(GrB_Vector v, clout_feature_col *c, int64_t n, char msg[CLOUT_MSG_LEN])
{
    GrB_Index *I = NULL, nv = (GrB_Index)n;
    int64_t *X = NULL;
    double *Y = NULL;
    ALLOC_TRY(I, n ? n : 1, GrB_Index);
    if (c->ints) {
        ALLOC_TRY(X, n ? n : 1, int64_t);
        GRB_TRY(GrB_Vector_extractTuples_INT64(I, X, &nv, v));
        for (GrB_Index k = 0; k < nv; k++) c->ints[I[k]] = X[k];
    } else {
        ALLOC_TRY(Y, n ? n : 1, double);
        GRB_TRY(GrB_Vector_extractTuples_FP64(I, Y, &nv, v));
        for (GrB_Index k = 0; k < nv; k++) c->reals[I[k]] = Y[k];
    }
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL GrB_free(&wv)

static int degrees(clout_graph *G, clout_features *F, char msg[CLOUT_MSG_LEN])
{
    GrB_Vector wv = NULL;
    int64_t n = F->n;
    TRY(clout_graph_cache_degrees(G, msg));
    TRY(add_col(F, "out_degree", CLOUT_COL_INT, msg));
    TRY(dense(G->out_degree, &F->cols[F->ncols - 1], n, msg));
    TRY(add_col(F, "in_degree", CLOUT_COL_INT, msg));
    TRY(dense(G->in_degree, &F->cols[F->ncols - 1], n, msg));
    TRY(add_col(F, "w_out_degree", CLOUT_COL_REAL, msg));
    GRB_TRY(GrB_Vector_new(&wv, GrB_FP64, (GrB_Index)n));
    GRB_TRY(GrB_Matrix_reduce_Monoid(wv, NULL, NULL, GrB_PLUS_MONOID_FP64, G->S, NULL));
    TRY(dense(wv, &F->cols[F->ncols - 1], n, msg));
    FREE_ALL;
    return CLOUT_OK;
}

/* reach_1 .. reach_hops (cumulative), depth and mean_hops from exact BFS counts or HyperANF */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        free(src);                                                                        \
        free(newc);                                                                       \
        free(areach);                                                                     \
        free(adepth);                                                                     \
        free(amean);                                                                      \
    } while (0)

static int reach_columns(clout_graph *G, const clout_features_opts *o, bool reach, bool depth, clout_features *F,
                         char msg[CLOUT_MSG_LEN])
{
    int64_t n = F->n, hops = o->hops, cap = depth ? (o->max_depth > hops ? o->max_depth : hops) : hops;
    int64_t *src = NULL, *newc = NULL, *adepth = NULL;
    double *areach = NULL, *amean = NULL;
    size_t nn = n ? (size_t)n : 1;
    /* estimated before anything is allocated: the counts per hop (exact: one int64 per user and
     * hop; HyperANF: two counters of 2^registers bytes and a real per hop), S' and the batch */
    double regs = (double)((int64_t)1 << o->approx_registers), est =
        o->approx ? (double)nn * (2 * regs + 8.0 * (double)hops + 24)
                  : (double)nn * (8.0 * (double)(cap + 2) + 3 * 64) + 8.0 * (double)clout_graph_social_edges(G);
    TRY(clout_memory_fits(est, o->approx ? "approximate reach" : "exact reach of every user", CLOUT_ERR_INVALID, msg));
    if (o->approx) {
        ALLOC_TRY(areach, nn * (size_t)hops, double);
        ALLOC_TRY(adepth, nn, int64_t);
        ALLOC_TRY(amean, nn, double);
        TRY(clout_reach_approx(G, (int)hops, (int)cap, o->approx_registers, o->seed, areach, adepth, amean, msg));
    } else {
        ALLOC_TRY(src, nn, int64_t);
        ALLOC_TRY(newc, nn * (size_t)(cap + 1), int64_t);
        for (int64_t i = 0; i < n; i++) src[i] = i;
        TRY(clout_reach(G, src, n, (int)cap, newc, msg));
    }
    int first = F->ncols;
    char name[32];
    for (int64_t d = 1; reach && d <= hops; d++) {
        snprintf(name, sizeof name, "reach_%lld", (long long)d);
        TRY(add_col(F, name, o->approx ? CLOUT_COL_REAL : CLOUT_COL_INT, msg));
    }
    if (depth) {
        TRY(add_col(F, "depth", CLOUT_COL_INT, msg));
        TRY(add_col(F, "mean_hops", CLOUT_COL_REAL, msg));
    }
    clout_feature_col *c = &F->cols[first], *dc = depth ? &F->cols[F->ncols - 2] : NULL;
    for (int64_t i = 0; i < n; i++) {
        if (o->approx) {
            for (int64_t d = 1; reach && d <= hops; d++) c[d - 1].reals[i] = areach[i * hops + d - 1];
            if (depth) dc[0].ints[i] = adepth[i], dc[1].reals[i] = amean[i];
            continue;
        }
        const int64_t *row = newc + i * (cap + 1);
        int64_t cum = 0, dep = 0, tot = 0;
        double sum = 0;
        for (int64_t d = 1; reach && d <= hops; d++) c[d - 1].ints[i] = cum += row[d];
        for (int64_t d = 1; depth && d <= cap; d++)
            if (row[d] > 0) {
                dep = d;
                tot += row[d];
                sum += (double)d * (double)row[d];
            }
        if (depth) dc[0].ints[i] = dep, dc[1].reals[i] = tot ? sum / (double)tot : 0.0;
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ic_range (n times the share of RR sets holding u, with its binomial standard error) and
 * ic_depth (expected rounds over sampled live-edge graphs) */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_influence_free(&P);                                                         \
        free(rrc);                                                                        \
        free(roots);                                                                      \
    } while (0)

static int influence_columns(clout_graph *G, const clout_features_opts *o, bool range, bool depth, clout_features *F,
                             char msg[CLOUT_MSG_LEN])
{
    clout_influence *P = NULL;
    int64_t *rrc = NULL, *roots = NULL, n = F->n;
    double t0 = clout_now();
    TRY(clout_influence_new(&P, G, &o->prob, o->consume ? CLOUT_INFLUENCE_CONSUME : 0, msg));
    if (range) {
        ALLOC_TRY(rrc, n ? n : 1, int64_t);
        ALLOC_TRY(roots, n ? n : 1, int64_t);
        TRY(clout_rr_counts(P, o->lt, o->rr_sets, o->seed, rrc, roots, msg));
        TRY(add_col(F, "ic_range", CLOUT_COL_REAL, msg));
        TRY(add_col(F, "ic_range_se", CLOUT_COL_REAL, msg));
        double *r = F->cols[F->ncols - 2].reals, *se = F->cols[F->ncols - 1].reals;
        for (int64_t i = 0; i < n; i++) {
            /* u itself counts exactly; the sets rooted elsewhere estimate the rest (roots
             * uniform over the other n - 1 users) */
            double others = (double)(o->rr_sets - roots[i]);
            double f = others > 0 ? (double)(rrc[i] - roots[i]) / others : 0;
            r[i] = 1 + (double)(n - 1) * f;
            se[i] = others > 0 ? (double)(n - 1) * sqrt(f * (1 - f) / others) : 0;
        }
    }
    F->seconds[CLOUT_FT_IC_RANGE] = clout_now() - t0;
    t0 = clout_now();
    if (depth) {
        TRY(add_col(F, "ic_depth", CLOUT_COL_REAL, msg));
        TRY(clout_cascade_depths(P, o->lt, o->sims, o->seed, F->cols[F->ncols - 1].reals, msg));
    }
    F->seconds[CLOUT_FT_IC_DEPTH] = clout_now() - t0;
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

static int conversion_columns(clout_graph *G, const clout_features_opts *o, clout_features *F, char msg[CLOUT_MSG_LEN])
{
    int first = F->ncols;
    TRY(add_col(F, "adoptions", CLOUT_COL_INT, msg));
    TRY(add_col(F, "exposures", CLOUT_COL_INT, msg));
    TRY(add_col(F, "conversions", CLOUT_COL_INT, msg));
    TRY(add_col(F, "conversion_rate", CLOUT_COL_REAL, msg));
    const clout_feature_col *c = &F->cols[first];
    TRY(clout_conversion_since(G, o->window, o->since, c[0].ints, c[1].ints, c[2].ints, msg));
    for (int64_t i = 0; i < F->n; i++) c[3].reals[i] = c[1].ints[i] ? (double)c[2].ints[i] / (double)c[1].ints[i] : 0.0;
    return CLOUT_OK;
}

/* the column just added */
static clout_feature_col *last(clout_features *F)
{
    return &F->cols[F->ncols - 1];
}

#undef FREE_ALL
#define FREE_ALL clout_features_free(&F)

int clout_features_compute(clout_graph *G, const clout_features_opts *o, clout_features **out, char msg[CLOUT_MSG_LEN])
{
    clout_features *F = NULL;
    bool want[NGROUPS];
    TRY(parse_only(o->only, want, msg));
    ASSERT_MSG(o->hops >= 1 && o->hops <= 100000, CLOUT_ERR_INVALID, "hops must be from 1 to 100000, got %d", o->hops);
    ASSERT_MSG(o->max_depth >= 1, CLOUT_ERR_INVALID, "the depth cap must be at least 1, got %d", o->max_depth);
    ASSERT_MSG(o->rr_sets >= 1 && o->sims >= 1, CLOUT_ERR_INVALID, "RR sets and live-edge graphs must be at least 1");
    CALLOC_TRY(F, 1, clout_features);
    F->n = clout_graph_users(G);
    /* every column there could be: 3 degrees, 7 singles, reach_*, 2 depth, 2 + 1 influence, 4 conversion */
    CALLOC_TRY(F->cols, 20 + o->hops, clout_feature_col);
    double t0 = clout_now();
    if (want[G_DEG]) TRY(degrees(G, F, msg));
    F->seconds[CLOUT_FT_DEGREES] = clout_now() - t0;
    if (want[G_PR]) {
        t0 = clout_now();
        TRY(add_col(F, "pagerank", CLOUT_COL_REAL, msg));
        TRY(clout_pagerank(G, o->damping, o->tol, o->max_iter, o->personal, last(F)->reals, &F->pagerank_iters,
                           &F->seconds[CLOUT_FT_PAGERANK_PREP], msg));
        F->seconds[CLOUT_FT_PAGERANK] = clout_now() - t0 - F->seconds[CLOUT_FT_PAGERANK_PREP];
        /* a layout kept in the snapshot was loaded with it: that is PageRank's preparation */
        if (G->pagerank_nblocks) F->seconds[CLOUT_FT_PAGERANK_PREP] += G->pagerank_load_seconds;
    }
    /* S' by row, cached on the graph for coreness, clustering (the undirected view) and exact
     * reach, timed apart; HyperANF walks S alone */
    t0 = clout_now();
    if (G->directed && (want[G_CORE] || want[G_CLU] || ((want[G_REACH] || want[G_DEPTH]) && !o->approx)))
        ANNOUNCED("transpose", clout_graph_cache_transpose(G, msg));
    F->seconds[CLOUT_FT_TRANSPOSE] = clout_now() - t0;
    t0 = clout_now();
    if (want[G_CORE]) {
        TRY(add_col(F, "core", CLOUT_COL_INT, msg));
        ANNOUNCED("core", clout_coreness(G, last(F)->ints, msg));
    }
    F->seconds[CLOUT_FT_CORE] = clout_now() - t0;
    t0 = clout_now();
    if (want[G_BTW]) {
        TRY(add_col(F, "betweenness", CLOUT_COL_REAL, msg));
        TRY(clout_betweenness(G, o->betweenness_samples, o->seed, last(F)->reals, msg));
    }
    F->seconds[CLOUT_FT_BETWEENNESS] = clout_now() - t0;
    t0 = clout_now();
    if (want[G_CLU]) {
        TRY(add_col(F, "clustering", CLOUT_COL_REAL, msg));
        ANNOUNCED("clustering", clout_clustering(G, last(F)->reals, msg));
    }
    F->seconds[CLOUT_FT_CLUSTERING] = clout_now() - t0;
    t0 = clout_now();
    if (want[G_REACH] || want[G_DEPTH]) TRY(reach_columns(G, o, want[G_REACH], want[G_DEPTH], F, msg));
    F->seconds[CLOUT_FT_REACH] = clout_now() - t0;
    /* conversions need S, which the influence graph may take over, so they are computed first;
     * their columns still come last in the table */
    t0 = clout_now();
    clout_feature_col conv[4];
    int nconv = 0;
    if (want[G_CONV]) {
        int first = F->ncols;
        ANNOUNCED("conversions", conversion_columns(G, o, F, msg));
        nconv = F->ncols - first;
        memcpy(conv, F->cols + first, (size_t)nconv * sizeof(clout_feature_col));
        F->ncols = first;
    }
    F->seconds[CLOUT_FT_CONVERSION] = clout_now() - t0;
    int s = want[G_ICR] || want[G_ICD] ? influence_columns(G, o, want[G_ICR], want[G_ICD], F, msg) : CLOUT_OK;
    memcpy(F->cols + F->ncols, conv, (size_t)nconv * sizeof(clout_feature_col));
    F->ncols += nconv;
    TRY(s);
    *out = F;
    return CLOUT_OK;
}
