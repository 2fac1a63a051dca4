/* test_nomem.c: out-of-memory paths. Each library operation runs on wiki-Vote with its k-th
 * allocation failing (and every later one), for k = 1, 2, ... until it gets through: every failed
 * run must return CLOUT_ERR_NOMEM, hand nothing back and leave the graph as it was (the run that
 * gets through, and a last clean run, give the same result as the first clean run; a cached S'
 * left behind must hold all the ties). Under
 * ASan/LSan (the second pass of tools/test) a leak or a bad free on any of those paths fails the
 * test too. Every allocation of clout goes through its allocator (status.c), so all are reached;
 * GraphBLAS's are in the second pass; igraph's are not injected. */
#include "check.h"
#include "diffusion_internal.h"
#include <unistd.h>

static char msg[CLOUT_MSG_LEN];

typedef int (*op_fn)(clout_graph *G, double **out, int64_t *nout);

static int op_pagerank(clout_graph *G, double **out, int64_t *nout)
{
    int it;
    *nout = clout_graph_users(G);
    return owned_pagerank(G, 0.85, 1e-10, 1000, NULL, out, &it, NULL, msg);
}

static int to_double(const int64_t *v, int64_t n, double **out)
{
    *out = malloc((size_t)(n ? n : 1) * sizeof(double));
    if (*out == NULL) return CLOUT_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++) (*out)[i] = (double)v[i];
    return CLOUT_OK;
}

static int op_core(clout_graph *G, double **out, int64_t *nout)
{
    int64_t *core = NULL;
    *nout = clout_graph_users(G);
    int s = owned_coreness(G, &core, msg);
    if (s == 0) s = to_double(core, *nout, out);
    free(core);
    return s;
}

static int op_transpose(clout_graph *G, double **out, int64_t *nout)
{
    int s = clout_graph_cache_transpose(G, msg);
    if (s != 0) return s;
    clout_i_csr c;
    s = clout_i_csr_borrow(G->ST, &c, msg);
    if (s != 0) return s;
    /* the pattern of S', row by row */
    *nout = (int64_t)(c.nrows + 1 + c.nvals);
    *out = malloc((size_t)*nout * sizeof(double));
    for (GrB_Index i = 0; *out && i <= c.nrows; i++) (*out)[i] = (double)c.ptr[i];
    for (GrB_Index k = 0; *out && k < c.nvals; k++) (*out)[c.nrows + 1 + k] = (double)c.idx[k];
    int s2 = clout_i_csr_return(G->ST, &c, msg);
    return *out == NULL ? CLOUT_ERR_NOMEM : s2;
}

static int op_reach(clout_graph *G, double **out, int64_t *nout)
{
    static const int64_t src[] = {0, 1, 2, 3, 5, 8, 13, 21, 34, 55};
    int64_t cnt[10 * 4];
    int s = clout_reach(G, src, 10, 3, cnt, msg);
    *nout = 40;
    if (s == 0) s = to_double(cnt, 40, out);
    return s;
}

static int op_clustering(clout_graph *G, double **out, int64_t *nout)
{
    *nout = clout_graph_users(G);
    return owned_clustering(G, out, msg);
}

/* the influence graph (wc), then IMM's seeds and estimated spreads */
static int op_imm(clout_graph *G, double **out, int64_t *nout)
{
    clout_prob_model m;
    clout_influence *P = NULL;
    int s = clout_prob_parse("wc", &m, msg);
    if (s == 0) s = clout_influence_new(&P, G, &m, CLOUT_INFLUENCE_REVERSE, msg);
    int64_t seeds[5], used = 0;
    double spread[5];
    if (s == 0) s = clout_im_imm(P, false, 5, 0.3, 0, 7, 0.02, seeds, spread, &used, NULL, msg);
    clout_influence_free(&P);
    *nout = 10;
    if (s == 0) {
        *out = malloc(10 * sizeof(double));
        if (*out == NULL) return CLOUT_ERR_NOMEM;
        for (int i = 0; i < 5; i++) {
            (*out)[i] = (double)seeds[i];
            (*out)[5 + i] = spread[i];
        }
    }
    return s;
}

/* RR-set counts and live-edge cascade depths on the full influence graph */
static int op_rr(clout_graph *G, double **out, int64_t *nout)
{
    clout_prob_model m;
    clout_influence *P = NULL;
    int64_t n = clout_graph_users(G);
    int64_t *cnt = malloc((size_t)n * sizeof(int64_t));
    double *dep = malloc((size_t)n * sizeof(double));
    int s = cnt && dep ? clout_prob_parse("wc", &m, msg) : CLOUT_ERR_NOMEM;
    if (s == 0) s = clout_influence_new(&P, G, &m, 0, msg);
    if (s == 0) s = clout_rr_counts(P, false, 20000, 3, cnt, NULL, msg);
    if (s == 0) s = clout_cascade_depths(P, true, 4, 3, dep, msg);
    clout_influence_free(&P);
    *nout = 2 * n;
    if (s == 0) {
        *out = malloc((size_t)(2 * n) * sizeof(double));
        if (*out == NULL) s = CLOUT_ERR_NOMEM;
        for (int64_t i = 0; s == 0 && i < n; i++) {
            (*out)[i] = (double)cnt[i];
            (*out)[n + i] = dep[i];
        }
    }
    free(cnt);
    free(dep);
    return s;
}

/* reading an edge list into a new graph, then saving and loading it as a snapshot: the pattern
 * of S and the user names' lengths */
static char edge_path[1024], snap_path[1100];
static int op_build(clout_graph *G0, double **out, int64_t *nout)
{
    (void)G0;
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_builder *b = NULL;
    clout_graph *G = NULL, *H = NULL;
    int s = clout_builder_new(&b, &o, msg);
    if (s >= 0) s = clout_builder_add_edges(b, edge_path, &o, msg);
    if (s >= 0) s = clout_builder_finish(&b, &G, msg);
    clout_builder_free(&b);
    if (s >= 0) s = clout_snapshot_save(G, snap_path, msg);
    if (s >= 0) s = clout_snapshot_load(&H, snap_path, msg);
    if (s >= 0) {
        clout_i_csr c;
        s = clout_i_csr_borrow(H->S, &c, msg);
        if (s >= 0) {
            int64_t n = clout_graph_users(H);
            *nout = (int64_t)(c.nrows + 1 + c.nvals) + n;
            *out = malloc((size_t)*nout * sizeof(double));
            for (GrB_Index i = 0; *out && i <= c.nrows; i++) (*out)[i] = (double)c.ptr[i];
            for (GrB_Index k = 0; *out && k < c.nvals; k++) (*out)[c.nrows + 1 + k] = (double)c.idx[k];
            for (int64_t u = 0; *out && u < n; u++) {
                size_t len;
                clout_idmap_name(H->users, u, &len);
                (*out)[c.nrows + 1 + c.nvals + (GrB_Index)u] = (double)len;
            }
            clout_i_csr_return(H->S, &c, msg);
            if (*out == NULL) s = CLOUT_ERR_NOMEM;
        }
    }
    clout_graph_free(&G);
    clout_graph_free(&H);
    return s < 0 ? s : 0;
}

/* G saved with PageRank's layout, loaded asking for it, PageRank on the loaded layout */
static int op_pagerank_layout(clout_graph *G, double **out, int64_t *nout)
{
    clout_graph *H = NULL;
    G->keep_pagerank_layout = true;
    int s = clout_snapshot_save(G, snap_path, msg);
    G->keep_pagerank_layout = false;
    if (s >= 0) s = clout_snapshot_load_parts(&H, snap_path, CLOUT_LOAD_PAGERANK, msg);
    if (s >= 0 && H->pagerank_nblocks == 0) s = CLOUT_ERR_INTERNAL;
    if (s >= 0) s = op_pagerank(H, out, nout);
    clout_graph_free(&H);
    return s < 0 ? s : 0;
}

/* HyperANF reach, depth and mean hops */
static int op_approx(clout_graph *G, double **out, int64_t *nout)
{
    int64_t n = clout_graph_users(G);
    double *r = malloc((size_t)n * 3 * sizeof(double)), *mh = malloc((size_t)n * sizeof(double));
    int64_t *dep = malloc((size_t)n * sizeof(int64_t));
    int s = r && mh && dep ? clout_reach_approx(G, 3, 8, 6, 5, r, dep, mh, msg) : CLOUT_ERR_NOMEM;
    *nout = 5 * n;
    if (s == 0) {
        *out = malloc((size_t)(5 * n) * sizeof(double));
        if (*out == NULL) s = CLOUT_ERR_NOMEM;
        for (int64_t i = 0; s == 0 && i < n; i++) {
            for (int d = 0; d < 3; d++) (*out)[5 * i + d] = r[3 * i + d];
            (*out)[5 * i + 3] = (double)dep[i];
            (*out)[5 * i + 4] = mh[i];
        }
    }
    free(r);
    free(mh);
    free(dep);
    return s;
}

/* the users reached per hop, listed */
typedef struct {
    double sum;
    int64_t count;
} visits;
static void visit(void *ctx, int64_t s, int hop, int64_t user)
{
    visits *v = ctx;
    v->sum += (double)(s * 1000003 + hop * 7919 + user);
    v->count++;
}
static int op_reach_list(clout_graph *G, double **out, int64_t *nout)
{
    static const int64_t src[] = {4, 9, 16, 25, 36};
    int64_t cnt[5 * 3];
    visits v = {0, 0};
    int s = clout_reach_list(G, src, 5, 2, cnt, visit, &v, msg);
    *nout = 2;
    if (s == 0) {
        *out = malloc(2 * sizeof(double));
        if (*out == NULL) return CLOUT_ERR_NOMEM;
        (*out)[0] = v.sum;
        (*out)[1] = (double)v.count;
    }
    return s;
}

/* OPIM-C under LT, CELF, the PageRank baseline and a simulation of the CELF seeds */
static int op_im_more(clout_graph *G, double **out, int64_t *nout)
{
    clout_prob_model m;
    clout_influence *P = NULL;
    int64_t so[3], sc[2], sp[3], used = 0, sizes[50];
    double fo[3], fc[2], ratio = 0;
    int s = clout_prob_parse("wc", &m, msg);
    if (s == 0) s = clout_influence_new(&P, G, &m, 0, msg);
    if (s == 0) s = clout_im_opimc(P, true, 3, 0.3, 0, 9, so, fo, &used, &ratio, msg);
    if (s == 0) s = clout_im_celf(P, false, 2, 50, 9, sc, fc, msg);
    if (s == 0) s = clout_simulate(P, false, sc, 2, 50, 9, sizes, NULL, msg);
    clout_influence_free(&P);
    if (s == 0) s = clout_im_pagerank(G, 3, sp, msg);
    *nout = 64;
    if (s == 0) {
        *out = malloc(64 * sizeof(double));
        if (*out == NULL) return CLOUT_ERR_NOMEM;
        for (int i = 0; i < 3; i++) (*out)[i] = (double)so[i], (*out)[3 + i] = fo[i], (*out)[6 + i] = (double)sp[i];
        (*out)[9] = (double)sc[0];
        (*out)[10] = (double)sc[1];
        (*out)[11] = fc[1];
        (*out)[12] = ratio;
        (*out)[13] = (double)used;
        for (int i = 0; i < 50; i++) (*out)[14 + i] = (double)sizes[i];
    }
    return s;
}

/* the features table (degrees, exact reach with depth, ic_range, conversions) and the seeds that
 * IM by name picks with the degree-discount baseline, then a user list read back by name */
static char users_path[1100];
static int op_features(clout_graph *G, double **out, int64_t *nout)
{
    clout_features *F = NULL;
    clout_features_opts o;
    clout_features_opts_init(&o);
    o.only = "out_degree,reach_2,depth,ic_range,conversion_rate";
    o.hops = 2;
    o.max_depth = 4;
    o.rr_sets = 2000;
    clout_influence *P = NULL;
    clout_im_params prm;
    clout_im_params_init(&prm);
    prm.algo = CLOUT_IM_DEGREE_DISCOUNT;
    prm.k = 4;
    int64_t seeds[4], *users = NULL, nu = 0;
    double spread[4];
    int s = clout_features_compute(G, &o, &F, msg);
    if (s == 0) s = clout_influence_new(&P, G, &o.prob, 0, msg);
    if (s == 0) s = clout_im_select(G, P, &prm, seeds, spread, NULL, msg);
    clout_influence_free(&P);
    if (s == 0) s = clout_read_users(G, users_path, &users, &nu, msg);
    if (s == 0) {
        *nout = F->n * F->ncols + 4 + nu;
        *out = malloc((size_t)*nout * sizeof(double));
        if (*out == NULL) s = CLOUT_ERR_NOMEM;
        for (int c = 0; s == 0 && c < F->ncols; c++)
            for (int64_t i = 0; i < F->n; i++)
                (*out)[c * F->n + i] = F->cols[c].ints ? (double)F->cols[c].ints[i] : F->cols[c].reals[i];
        for (int i = 0; s == 0 && i < 4; i++) (*out)[F->n * F->ncols + i] = (double)seeds[i];
        for (int64_t i = 0; s == 0 && i < nu; i++) (*out)[F->n * F->ncols + 4 + i] = (double)users[i];
    }
    clout_free(users);
    clout_features_free(&F);
    return s;
}

/* typed logs, time slices, weak rows, the behaviour graph (both kinds) and S + B on a log built
 * here; on wiki-Vote the pairwise formula over ties and top-k, the fits, folds and the rank
 * metrics */
static char typed_log[1 << 16];
static size_t typed_len;
static int op_scores(clout_graph *W, double **out, int64_t *nout)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.sep = ',';
    o.aggregate = CLOUT_AGG_LAST;
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    GrB_Matrix B = NULL;
    int s = clout_builder_new(&b, &o, msg);
    if (s == 0) s = clout_builder_add_log_mem(b, "typed", typed_log, typed_len, &o, msg);
    static const int64_t ts[] = {0, 1, 2, 3, 3}, td[] = {1, 2, 0, 0, 3};
    static const float tw[] = {1, 2, 3, 4, 5};
    static const char *const tn[] = {"u1", "u2", "zz", "u3"};
    if (s == 0) s = clout_builder_add_ties(b, 4, tn, ts, td, tw, 5, msg);
    if (s == 0) s = clout_builder_finish(&b, &G, msg);
    clout_builder_free(&b);
    if (s == 0) s = clout_graph_keep_times(G, -INFINITY, 1500, true, msg);
    if (s == 0) s = clout_graph_min_weight(G, 1, msg);
    uint8_t keep[64];
    int64_t nit = s == 0 ? clout_graph_items(G) : 0;
    if (s == 0 && nit >= 2 && nit <= 64) s = clout_item_halves(nit, 1, 3, keep, msg);
    for (int64_t i = 0; s == 0 && i < nit && nit <= 64; i++) keep[i] = 1; /* all kept: the rest compares as before */
    if (s == 0 && nit >= 2 && nit <= 64) s = clout_graph_keep_items(G, keep, msg);
    clout_behaviour_opts bo;
    clout_behaviour_opts_init(&bo);
    bo.top_k = 5;
    if (s == 0) s = clout_behaviour_graph(G, &bo, &B, NULL, msg);
    if (s == 0) s = clout_graph_set_behaviour(G, &B, "timed", msg);
    bo.similar = true;
    GrB_Matrix B2 = NULL;
    if (s == 0) s = clout_behaviour_graph(G, &bo, &B2, NULL, msg);
    if (B2) GrB_free(&B2);
    if (s == 0) s = clout_graph_use(G, CLOUT_GRAPH_BOTH, msg);
    GrB_Index bties = 0;
    if (s == 0) GrB_Matrix_nvals(&bties, G->S);
    if (B) GrB_free(&B);
    clout_graph_free(&G);
    /* the formula on wiki-Vote */
    int64_t n = clout_graph_users(W);
    int nf = 3;
    GrB_Index m = 0;
    GrB_Matrix_nvals(&m, W->S);
    double *X = malloc((size_t)n * 3 * sizeof(double)), *y = malloc((size_t)n * sizeof(double));
    double *val = malloc(m * sizeof(double)), *fo = malloc((size_t)n * sizeof(double)), w[3] = {1, 2, 0.5};
    int *fold = malloc((size_t)n * sizeof(int));
    for (int64_t k = 0; k < n * nf; k++) X[k] = clout_rng_uniform(5, 1, (uint64_t)k);
    for (int64_t u = 0; u < n; u++) y[u] = X[u * nf] + X[u * nf + 1] > 1;
    int64_t users[3] = {0, 10, 100}, top[15];
    double tv[15], c1[4], c2[4], se[4], ev[5], bv[2 * 5 * 4];
    int64_t bk[1] = {50};
    if (s == 0) s = clout_pairwise_edges(W, X, nf, w, false, val, fo, NULL, msg);
    if (s == 0) s = clout_pairwise_top(X, n, nf, w, true, users, 3, 5, top, tv, msg);
    if (s == 0) s = clout_fit_ridge(X, y, n, nf, 1, c1, se, msg);
    if (s == 0) s = clout_fit_logistic(X, y, n, nf, 1, c2, se, NULL, msg);
    if (s == 0) s = clout_folds(n, 5, 1, fold, msg);
    if (s == 0) s = clout_normalize(fo, n, CLOUT_NORM_RANK, fo, msg);
    if (s == 0) s = clout_eval_spearman(fo, y, n, &ev[0], msg);
    if (s == 0) s = clout_eval_kendall(fo, y, n, &ev[1], msg);
    if (s == 0) s = clout_eval_auc(fo, y, n, &ev[2], msg);
    if (s == 0) s = clout_eval_precision(fo, y, n, 50, &ev[3], msg);
    if (s == 0) s = clout_eval_ndcg(fo, y, n, 50, &ev[4], msg);
    if (s == 0) s = clout_eval_bootstrap(X, 2, y, n, bk, 1, 3, 7, bv, msg); /* two columns of X */
    if (s == 0) {
        *nout = 1 + 15 + 8 + 5 + 40 + n;
        *out = malloc((size_t)*nout * sizeof(double));
        if (*out == NULL) s = CLOUT_ERR_NOMEM;
    }
    if (s == 0) {
        double *p = *out;
        *p++ = (double)bties;
        for (int i = 0; i < 15; i++) *p++ = tv[i];
        for (int i = 0; i < 4; i++) *p++ = c1[i], *p++ = c2[i];
        for (int i = 0; i < 5; i++) *p++ = ev[i];
        for (int i = 0; i < 40; i++) *p++ = bv[i];
        for (int64_t u = 0; u < n; u++) *p++ = fo[u] + fold[u];
    }
    free(X);
    free(y);
    free(val);
    free(fo);
    free(fold);
    return s;
}


/* the neural models on the typed log's small graph: GCN training and prediction, LightGCN
 * training with test pairs, recommendation, a model file written and read back */
static char model_path[1100];
static int op_gnn(clout_graph *W, double **out, int64_t *nout)
{
    (void)W;
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.sep = ',';
    o.undirected = true;
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    clout_model *gm = NULL, *lm = NULL, *back = NULL;
    static const int64_t ts[] = {0, 1, 2, 3, 3, 4, 5}, td[] = {1, 2, 0, 0, 5, 6, 7};
    int s = clout_builder_new(&b, &o, msg);
    if (s == 0) s = clout_builder_add_log_mem(b, "typed", typed_log, typed_len, &o, msg);
    if (s == 0) s = clout_builder_add_ties(b, 8, NULL, ts, td, NULL, 7, msg);
    if (s == 0) s = clout_builder_finish(&b, &G, msg);
    clout_builder_free(&b);
    int64_t n = s == 0 ? clout_graph_users(G) : 0;
    int32_t lab[64];
    static const char *const cn[] = {"x", "y"};
    for (int64_t u = 0; u < n && u < 64; u++) lab[u] = u % 5 == 0 ? -1 : (int32_t)(u % 2);
    clout_gcn_opts go;
    clout_gcn_opts_init(&go);
    go.epochs = 3;
    go.hidden = 8;
    clout_gcn_report rep;
    if (s == 0 && n > 64) s = CLOUT_ERR_INTERNAL;
    if (s == 0) s = clout_gcn_train(G, &go, NULL, 0, lab, 2, cn, NULL, NULL, NULL, &gm, &rep, msg);
    if (s == 0) s = clout_model_save(gm, model_path, msg);
    if (s == 0) s = clout_model_load(&back, model_path, msg);
    double pred[64], prob[64];
    if (s == 0) s = clout_gcn_predict(back, G, NULL, 0, pred, prob, msg);
    clout_lightgcn_opts lo;
    clout_lightgcn_opts_init(&lo);
    lo.epochs = 2;
    lo.dim = 8;
    lo.batch = 100;
    lo.social = true;
    lo.eval_every = 1;
    int64_t tu[3] = {0, 1, 2}, ti[3] = {0, 1, -1};
    if (s == 0) s = clout_lightgcn_train(G, &lo, tu, ti, 3, NULL, NULL, &lm, msg);
    int64_t users[2] = {0, 1}, items[6];
    double sc[6], infl[64];
    for (int64_t u = 0; u < n; u++) infl[u] = (double)(u % 7);
    if (s == 0) s = clout_recommend(lm, G, users, 2, 3, 0.5, infl, items, sc, msg);
    if (s == 0) {
        *nout = 2 * n + 12;
        *out = malloc((size_t)*nout * sizeof(double));
        if (*out == NULL) s = CLOUT_ERR_NOMEM;
    }
    if (s == 0) {
        double *p = *out;
        for (int64_t u = 0; u < n; u++) *p++ = pred[u], *p++ = prob[u];
        for (int k = 0; k < 6; k++) *p++ = (double)items[k], *p++ = sc[k];
    }
    remove(model_path);
    clout_model_free(&gm);
    clout_model_free(&lm);
    clout_model_free(&back);
    clout_graph_free(&G);
    return s;
}

static void brutal(const char *name, clout_graph *G, op_fn op)
{
    double *ref = NULL;
    int64_t nref = 0;
    clout_graph_drop_cache(G);
    int s = op(G, &ref, &nref);
    CHECK(s == 0, "%s: %s", name, msg);
    if (s != 0) return;
    int64_t k = 1, fails = 0;
    for (; k < 100000; k++) {
        double *got = NULL;
        int64_t ng = 0;
        clout_graph_drop_cache(G);
        clout_i_alloc_countdown = k;
        s = op(G, &got, &ng);
        clout_i_alloc_countdown = 0;
        if (s == 0) {
            CHECK(ng == nref && memcmp(got, ref, (size_t)nref * sizeof(double)) == 0,
                  "%s: the result after %lld failed runs differs", name, (long long)fails);
            free(got);
            break;
        }
        fails++;
        if (G->ST != NULL) { /* a cached S' left behind must still be S' */
            GrB_Index a = 0, b = 1;
            GrB_Matrix_nvals(&a, G->S);
            GrB_Matrix_nvals(&b, G->ST);
            CHECK(a == b, "%s: allocation %lld failing left a cached S' of %llu ties for %llu", name, (long long)k,
                  (unsigned long long)b, (unsigned long long)a);
        }
        CHECK(s == CLOUT_ERR_NOMEM, "%s: allocation %lld failing gave status %d (%s), not CLOUT_ERR_NOMEM", name,
              (long long)k, s, msg);
        CHECK(got == NULL, "%s: allocation %lld failing still handed a result back", name, (long long)k);
        free(got);
    }
    CHECK(fails > 0 && k < 100000, "%s: %lld runs failed before one got through", name, (long long)fails);
    /* the graph is as it was */
    double *again = NULL;
    int64_t na = 0;
    clout_graph_drop_cache(G);
    s = op(G, &again, &na);
    CHECK(s == 0 && na == nref && memcmp(again, ref, (size_t)nref * sizeof(double)) == 0,
          "%s: the graph changed under the failed runs", name);
    printf("%s: %lld injected failures, each CLOUT_ERR_NOMEM\n", name, (long long)fails);
    free(again);
    free(ref);
}

int main(int argc, char **argv)
{
    check_init();
    const char *root = argc > 1 ? argv[1] : ".";
    char path[1024];
    snprintf(path, sizeof path, "%s/datasets/snap_wiki_vote/Wiki-Vote.txt.gz", root);
    clout_graph *G = check_load_edges(root, "datasets/snap_wiki_vote/Wiki-Vote.txt.gz", false, false);
    if (G == NULL) return check_done("test_nomem");
    clout_graph *U = check_load_edges(root, "datasets/lastfm_hetrec2011/user_friends.dat", true, true);
    clout_set_threads(2, msg);
    snprintf(edge_path, sizeof edge_path, "%s", path);
    snprintf(snap_path, sizeof snap_path, "%s/clout-nomem-%d.clout", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    snprintf(model_path, sizeof model_path, "%s/clout-nomem-%d.clout-model", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    snprintf(users_path, sizeof users_path, "%s/clout-nomem-%d.users", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    typed_len = (size_t)snprintf(typed_log, sizeof typed_log, "user,item,action,time,weight\n");
    for (int r = 0; r < 600; r++)
        typed_len += (size_t)snprintf(typed_log + typed_len, sizeof typed_log - typed_len, "u%d,i%d,%s,%d,%d\n",
                                      (int)clout_rng_bounded(3, 1, (uint64_t)r, 40),
                                      (int)clout_rng_bounded(3, 2, (uint64_t)r, 30),
                                      r % 3 ? "listen" : "share", 1000 + (int)clout_rng_bounded(3, 3, (uint64_t)r, 900),
                                      (int)clout_rng_bounded(3, 4, (uint64_t)r, 4));
    FILE *uf = fopen(users_path, "w");
    if (uf) {
        fputs("# a seed list\n30\n1412\n3352 0.5\n", uf);
        fclose(uf);
    }
    for (int grb = 0; grb < 2; grb++) {
        /* first clout's allocations only, then GraphBLAS's as well */
        clout_i_alloc_inject_graphblas = grb;
        if (grb) {
            /* GraphBLAS keeps freed small blocks in a pool; without it every block is a call */
            int64_t no_pool[64] = {0};
            GxB_set(GxB_MEMORY_POOL, no_pool);
        }
        printf("-- failing %s\n", grb ? "clout's and GraphBLAS's allocations" : "clout's allocations");
        brutal("read, build, save and load", G, op_build);
        remove(snap_path);
        brutal("pagerank", G, op_pagerank);
        brutal("pagerank on a layout kept in the snapshot", G, op_pagerank_layout);
        if (U) brutal("pagerank on an undirected graph's kept layout", U, op_pagerank_layout);
        if (U) brutal("pagerank of an undirected graph (relabelled, not transposed)", U, op_pagerank);
        brutal("coreness", G, op_core);
        brutal("transpose", G, op_transpose);
        brutal("reach", G, op_reach);
        brutal("clustering", G, op_clustering);
        brutal("imm", G, op_imm);
        brutal("rr counts + cascade depths", G, op_rr);
        brutal("approximate reach", G, op_approx);
        brutal("reach lists", G, op_reach_list);
        brutal("opim-c (lt), celf, simulate, pagerank baseline", G, op_im_more);
        brutal("features table, IM by name, a user list", G, op_features);
        brutal("typed logs, behaviour graphs, the formulas, fits and metrics", G, op_scores);
        brutal("GCN and LightGCN training, prediction, recommendation, model files", G, op_gnn);
    }
    clout_i_alloc_inject_graphblas = false;
    /* the files the operations wrote (the kept-layout snapshot, model files) */
    remove(snap_path);
    remove(model_path);
    remove(users_path);
    clout_graph_free(&U);
    clout_graph_free(&G);
    return check_done("test_nomem");
}
