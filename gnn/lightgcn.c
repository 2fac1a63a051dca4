/* lightgcn.c: LightGCN (He et al., SIGIR 2020) on the users x items matrix R, trained with BPR and
 * one uniform negative per positive; --layers 0 is BPR matrix factorization; social: users also
 * aggregate their friends' embeddings (SocialLGN's idea, Liao et al. 2022, here without its
 * learned fusion: a user's next embedding is its item aggregation plus beta times its friends'
 * aggregation). Full-ranking Recall@k and
 * NDCG@k (training items excluded) and top-k recommendation with an optional social blend.
 *
 * An epoch draws as many (user, positive, negative) triples as R has entries (user uniform among
 * users with an item, positive uniform among the user's items, negative uniform among the rest),
 * every draw keyed by (seed, epoch, sample), and takes one Adam step per batch: forward
 * propagation F = (1/(L+1)) sum_k P^k E0 over the whole graph, the BPR loss and the L2 penalty
 * (l2/2 * |layer-0 embeddings of the batch|^2 / batch) of the batch, the gradient propagated back
 * through P'. Deterministic for any thread count. */
#include "gnn_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void clout_lightgcn_opts_init(clout_lightgcn_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->dim = 64;
    o->layers = 3;
    o->lr = 1e-3;
    o->l2 = 1e-4;
    o->batch = 2048;
    o->epochs = 300;
    o->eval_every = 10;
    o->topk = 20;
    o->social_beta = 0.5;
    o->seed = 1;
}

/* ---------------------------------------------------------------- ranking */

/* the k best items of one score row (ties: smaller index), skipping the sorted excluded items */
static int topk_row(const float *s, int64_t m, const int64_t *ex, int64_t nex, int k, int32_t *best, float *bs)
{
    int have = 0;
    int64_t e = 0;
    for (int64_t i = 0; i < m; i++) {
        while (e < nex && ex[e] < i) e++;
        if (e < nex && ex[e] == i) continue;
        float v = s[i];
        if (have == k && !(v > bs[k - 1])) continue;
        int p = have < k ? have++ : k - 1;
        while (p > 0 && v > bs[p - 1]) {
            bs[p] = bs[p - 1];
            best[p] = best[p - 1];
            p--;
        }
        bs[p] = v;
        best[p] = (int32_t)i;
    }
    return have;
}

/* per-user sorted item lists of R (borrowed from the matrix, read-only) */
typedef struct {
    clout_i_csr c;
    bool lent;
} rows_view;

#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(sc);                                                                     \
        FREE_PTR(tp);                                                                     \
        FREE_PTR(ti);                                                                     \
    } while (0)

/* Recall@k and NDCG@k over users with test items (LightGCN's definitions: recall = hits / test
 * items; NDCG with binary gains, the ideal ranking min(k, test items) long). Users are scored
 * against every item in blocks: a GEMM, then the top k of each row in parallel. */
static int rank_eval(const clout_i_mat *F, int64_t n, int64_t m, const clout_i_csr *R, const int64_t *tu,
                     const int64_t *tit, int64_t nt, int k, double *recall, double *ndcg, char msg[CLOUT_MSG_LEN])
{
    float *sc = NULL;
    int64_t *tp = NULL, *ti = NULL;
    int64_t d = F->cols;
    CALLOC_TRY(tp, n + 1, int64_t);
    ALLOC_TRY(ti, nt ? nt : 1, int64_t);
    for (int64_t q = 0; q < nt; q++) tp[tu[q] + 1]++;
    for (int64_t u = 0; u < n; u++) tp[u + 1] += tp[u];
    {
        int64_t *next = clout_i_malloc((size_t)(n ? n : 1), sizeof(int64_t));
        ASSERT_MSG(next != NULL, CLOUT_ERR_NOMEM, "out of memory evaluating");
        memcpy(next, tp, (size_t)n * sizeof(int64_t));
        for (int64_t q = 0; q < nt; q++) ti[next[tu[q]]++] = tit[q];
        free(next);
    }
    const int64_t blk = 512;
    ALLOC_TRY(sc, blk * (m ? m : 1), float);
    double rs = 0, ns = 0;
    int64_t users = 0;
    double idcg_tab[1025];
    idcg_tab[0] = 0;
    for (int j = 1; j <= k && j <= 1024; j++) idcg_tab[j] = idcg_tab[j - 1] + 1.0 / log2((double)j + 1.0);
    for (int64_t u0 = 0; u0 < n; u0 += blk) {
        int64_t nb = n - u0 < blk ? n - u0 : blk;
        clout_i_mat A = {nb, d, F->x + u0 * d}, B = {m, d, F->x + n * d}, C = {nb, m, sc};
        clout_i_mm_nt(&A, &B, &C);
        double rsb = 0, nsb = 0;
        int64_t ub = 0;
        for (int64_t r = 0; r < nb; r++) ub += tp[u0 + r + 1] > tp[u0 + r];
        /* per-user values in a fixed order: computed in parallel, summed in user order */
        double *rv = clout_i_malloc((size_t)nb, sizeof(double)), *nv = clout_i_malloc((size_t)nb, sizeof(double));
        if (rv == NULL || nv == NULL) {
            free(rv);
            free(nv);
            ERR(CLOUT_ERR_NOMEM, "out of memory evaluating");
        }
#pragma omp parallel for schedule(dynamic, 8)
        for (int64_t r = 0; r < nb; r++) {
            int64_t u = u0 + r;
            rv[r] = nv[r] = 0;
            int64_t nte = tp[u + 1] - tp[u];
            if (nte == 0) continue;
            int32_t best[1024];
            float bs[1024];
            int got = topk_row(sc + r * m, m, (const int64_t *)R->idx + R->ptr[u], (int64_t)(R->ptr[u + 1] - R->ptr[u]),
                               k, best, bs);
            int hits = 0;
            double dcg = 0;
            for (int j = 0; j < got; j++) {
                bool hit = false;
                for (int64_t q = tp[u]; q < tp[u + 1]; q++) hit |= ti[q] == best[j];
                if (hit) {
                    hits++;
                    dcg += 1.0 / log2((double)j + 2.0);
                }
            }
            rv[r] = (double)hits / (double)nte;
            nv[r] = dcg / idcg_tab[nte < k ? nte : k];
        }
        for (int64_t r = 0; r < nb; r++) {
            rsb += rv[r];
            nsb += nv[r];
        }
        free(rv);
        free(nv);
        rs += rsb;
        ns += nsb;
        users += ub;
    }
    *recall = users ? rs / (double)users : NAN;
    *ndcg = users ? ns / (double)users : NAN;
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- training */

typedef struct {
    clout_i_spm P, PT;          /* propagation and its transpose (PT.p NULL: P is symmetric) */
    int L;
    clout_i_mat *E;             /* E[0..L]: layer embeddings (E[0] the parameters) */
    clout_i_mat F, tmp;         /* mean of the layers; scratch */
} prop;

static void propagate(prop *p)
{
    clout_i_mat_copy(&p->F, &p->E[0]);
    int64_t nn = p->F.rows * p->F.cols;
    for (int k = 1; k <= p->L; k++) {
        clout_i_spmm(&p->P, &p->E[k - 1], &p->E[k], false);
        float *f = p->F.x;
        const float *e = p->E[k].x;
#pragma omp parallel for schedule(static) if (nn > CLOUT_I_PAR_ELEMS)
        for (int64_t i = 0; i < nn; i++) f[i] += e[i];
    }
    float s = 1.0f / (float)(p->L + 1);
#pragma omp parallel for schedule(static) if (nn > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < nn; i++) p->F.x[i] *= s;
}

/* G <- (1/(L+1)) sum_k (P')^k G, with cur and nxt scratch */
static void backprop(prop *p, clout_i_mat *G, clout_i_mat *cur, clout_i_mat *nxt)
{
    int64_t nn = G->rows * G->cols;
    if (p->L > 0) clout_i_mat_copy(cur, G);
    const clout_i_spm *Pt = p->PT.p ? &p->PT : &p->P;
    for (int k = 1; k <= p->L; k++) {
        clout_i_spmm(Pt, cur, nxt, false);
        float *g = G->x;
        const float *e = nxt->x;
#pragma omp parallel for schedule(static) if (nn > CLOUT_I_PAR_ELEMS)
        for (int64_t i = 0; i < nn; i++) g[i] += e[i];
        clout_i_mat t = *cur;
        *cur = *nxt;
        *nxt = t;
    }
    float s = 1.0f / (float)(p->L + 1);
#pragma omp parallel for schedule(static) if (nn > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < nn; i++) G->x[i] *= s;
}

static bool in_row(const uint64_t *idx, uint64_t lo, uint64_t hi, uint64_t v)
{
    uint64_t end = hi;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (idx[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo < end && idx[lo] == v;
}

/* The BPR loss of a batch of (user, positive, negative) samples on the propagated embeddings F
 * (the sum over samples; samples without a negative skipped) and its gradient (of the mean) into
 * gr, in sample order; *reg receives the squared norms of the samples' layer-0 rows. */
CLOUT_CLONES
static double bpr_batch(const float *F, const float *E0, float *gr, const int64_t *smp, int64_t bn, int64_t n, int64_t d,
                        double *reg)
{
    double bl = 0, rg = 0;
    float inv = 1.0f / (float)bn;
    for (int64_t s = 0; s < bn; s++) {
        int64_t u = smp[3 * s], ip = n + smp[3 * s + 1], in = smp[3 * s + 2];
        if (in < 0) continue; /* the user holds every item: no negative exists */
        in += n;
        const float *fu = F + u * d, *fp = F + ip * d, *fn = F + in * d;
        double x = (double)clout_i_dot(fu, fn, d) - (double)clout_i_dot(fu, fp, d);
        /* softplus(x) and its derivative sigmoid(x), stable for any x */
        bl += x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
        float g = (float)((x > 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x))) * inv);
        float *gu = gr + u * d, *gp = gr + ip * d, *gn = gr + in * d;
        for (int64_t c = 0; c < d; c++) gu[c] += g * (fn[c] - fp[c]);
        for (int64_t c = 0; c < d; c++) gp[c] -= g * fu[c];
        for (int64_t c = 0; c < d; c++) gn[c] += g * fu[c];
        rg += (double)clout_i_dot(E0 + u * d, E0 + u * d, d) + (double)clout_i_dot(E0 + ip * d, E0 + ip * d, d) +
              (double)clout_i_dot(E0 + in * d, E0 + in * d, d);
    }
    *reg = rg;
    return bl;
}

/* the L2 penalty's gradient on the batch's layer-0 rows, once per occurrence: l2 / batch x E0 */
CLOUT_CLONES
static void l2_batch(float *gr, const float *E0, const int64_t *smp, int64_t bn, int64_t n, int64_t d, float l2)
{
    for (int64_t s = 0; s < bn; s++) {
        if (smp[3 * s + 2] < 0) continue;
        int64_t r3[3] = {smp[3 * s], n + smp[3 * s + 1], n + smp[3 * s + 2]};
        for (int q = 0; q < 3; q++) {
            float *g = gr + r3[q] * d;
            const float *e = E0 + r3[q] * d;
            for (int64_t c = 0; c < d; c++) g[c] += l2 * e[c];
        }
    }
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (lent) clout_i_csr_return(G->R, &R, msg);                                       \
        clout_i_spm_free(&pp.P);                                                          \
        clout_i_spm_free(&pp.PT);                                                         \
        for (int k_ = 0; pp.E && k_ <= pp.L; k_++)                                        \
            if (k_ > 0) clout_i_mat_free(&pp.E[k_]);                                      \
        FREE_PTR(pp.E);                                                                   \
        clout_i_mat_free(&pp.F);                                                          \
        clout_i_mat_free(&gr);                                                            \
        clout_i_mat_free(&c1);                                                            \
        clout_i_mat_free(&c2);                                                            \
        clout_i_mat_free(&am);                                                            \
        clout_i_mat_free(&av);                                                            \
        clout_i_mat_free(&best);                                                          \
        FREE_PTR(act);                                                                    \
        FREE_PTR(smp);                                                                    \
        clout_i_progress_end(pg);                                                         \
        clout_model_free(&m);                                                             \
    } while (0)

int clout_lightgcn_train(clout_graph *G, const clout_lightgcn_opts *o, const int64_t *test_user,
                         const int64_t *test_item, int64_t ntest, clout_lightgcn_epoch_fn fn, void *ctx,
                         clout_model **model, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr R = {0};
    bool lent = false;
    prop pp = {0};
    clout_i_mat gr = {0}, c1 = {0}, c2 = {0}, am = {0}, av = {0}, best = {0};
    int64_t *act = NULL, *smp = NULL;
    clout_i_progress *pg = NULL;
    clout_model *m = NULL;
    ASSERT_MSG(G && o && model, CLOUT_ERR_INVALID, "clout_lightgcn_train: missing argument");
    ASSERT_MSG(o->dim >= 1 && o->dim <= 4096, CLOUT_ERR_INVALID, "LightGCN: dim %d, expected 1 to 4096", o->dim);
    ASSERT_MSG(o->layers >= 0 && o->layers <= 16, CLOUT_ERR_INVALID, "LightGCN: layers %d, expected 0 to 16", o->layers);
    ASSERT_MSG(o->lr > 0 && isfinite(o->lr) && o->l2 >= 0 && isfinite(o->l2), CLOUT_ERR_INVALID,
               "LightGCN: lr must be > 0 and l2 >= 0");
    ASSERT_MSG(o->batch >= 1 && o->epochs >= 1 && o->eval_every >= 0, CLOUT_ERR_INVALID,
               "LightGCN: batch and epochs >= 1, eval-every >= 0 expected");
    ASSERT_MSG(!o->social || (o->social_beta > 0 && o->social_beta <= 10), CLOUT_ERR_INVALID,
               "LightGCN: social beta %g, expected (0, 10]", o->social_beta);
    ASSERT_MSG(o->topk >= 1 && o->topk <= 1024, CLOUT_ERR_INVALID, "LightGCN: k %d, expected 1 to 1024", o->topk);
    int64_t n = clout_graph_users(G), mi = clout_graph_items(G), N = n + mi, nr = clout_graph_interactions(G);
    ASSERT_MSG(nr > 0, CLOUT_ERR_INVALID, "LightGCN: the graph has no interactions (R is empty)");
    ASSERT_MSG(!o->social || clout_graph_social_edges(G) > 0, CLOUT_ERR_INVALID,
               "LightGCN --social: the graph has no ties");
    for (int64_t q = 0; q < ntest; q++)
        ASSERT_MSG(test_user[q] >= 0 && test_user[q] < n && test_item[q] >= -1 && test_item[q] < mi, CLOUT_ERR_INVALID,
                   "LightGCN: test pair %lld out of range", (long long)q);
    double est = (double)N * o->dim * 4 * (o->layers + 8.0) + (double)nr * 24 + 512.0 * (double)mi * 4;
    TRY(clout_memory_fits(est, "LightGCN training", CLOUT_ERR_INVALID, msg));
    TRY(clout_i_model_new(&m, "lightgcn", G, true, msg));
    clout_i_mat *E0 = clout_i_model_tensor(m, "E", N, o->dim, msg);
    ASSERT_MSG(E0 != NULL, CLOUT_ERR_NOMEM, "%s", msg);
    clout_i_normal_init(E0, 0.1, o->seed, clout_i_stream_gnn(CLOUT_STREAM_GNN_INIT, 0));
    TRY(clout_i_lightgcn_adjacency(G, o->social, o->social_beta, &pp.P, msg));
    if (o->social) TRY(clout_i_spm_transpose(&pp.P, &pp.PT, msg));
    pp.L = o->layers;
    CALLOC_TRY(pp.E, pp.L + 1, clout_i_mat);
    pp.E[0] = *E0;
    for (int k = 1; k <= pp.L; k++) TRY(clout_i_mat_new(&pp.E[k], N, o->dim, msg));
    TRY(clout_i_mat_new(&pp.F, N, o->dim, msg));
    TRY(clout_i_mat_new(&gr, N, o->dim, msg));
    TRY(clout_i_mat_new(&c1, N, o->dim, msg));
    TRY(clout_i_mat_new(&c2, N, o->dim, msg));
    TRY(clout_i_mat_new(&am, N, o->dim, msg));
    TRY(clout_i_mat_new(&av, N, o->dim, msg));
    TRY(clout_i_mat_new(&best, N, o->dim, msg));
    TRY(clout_i_csr_borrow(G->R, &R, msg));
    lent = true;
    /* users with at least one item */
    int64_t na = 0;
    ALLOC_TRY(act, n ? n : 1, int64_t);
    for (int64_t u = 0; u < n; u++)
        if (R.ptr[u + 1] > R.ptr[u]) act[na++] = u;
    ALLOC_TRY(smp, 3 * nr, int64_t);
    clout_i_adam adam = {o->lr, 0.9, 0.999, 1e-8};
    int64_t step = 0, d = o->dim;
    double best_recall = -1;
    int best_epoch = 0;
    double t0 = clout_now();
    pg = clout_i_progress_start("LightGCN training", o->epochs, "epochs");
    for (int ep = 1; ep <= o->epochs; ep++) {
        /* the epoch's samples */
        uint64_t key = clout_i_rng_key(o->seed, clout_i_stream_gnn(CLOUT_STREAM_GNN_SAMPLE, (uint64_t)ep));
        const uint64_t *ridx = R.idx;
#pragma omp parallel for schedule(static) if (nr > (1 << 16))
        for (int64_t s = 0; s < nr; s++) {
            int64_t u = act[clout_i_rng_at(key, 4 * (uint64_t)s) % (uint64_t)na];
            uint64_t lo = R.ptr[u], deg = R.ptr[u + 1] - lo;
            int64_t pos = (int64_t)ridx[lo + clout_i_rng_at(key, 4 * (uint64_t)s + 1) % deg];
            int64_t neg = -1;
            if ((int64_t)deg < mi) {
                for (uint64_t a = 0; a < 64 && neg < 0; a++) {
                    uint64_t c = clout_i_rng_at(key ^ (a * 0x9e3779b97f4a7c15ULL), 4 * (uint64_t)s + 2) % (uint64_t)mi;
                    if (!in_row(ridx, lo, lo + deg, c)) neg = (int64_t)c;
                }
                /* a user with nearly every item: the first item not held from a random start */
                for (int64_t c = (int64_t)(clout_i_rng_at(key, 4 * (uint64_t)s + 3) % (uint64_t)mi), q = 0; neg < 0 && q < mi;
                     q++, c = (c + 1) % mi)
                    if (!in_row(ridx, lo, lo + deg, (uint64_t)c)) neg = c;
            }
            smp[3 * s] = u;
            smp[3 * s + 1] = pos;
            smp[3 * s + 2] = neg;
        }
        double loss_sum = 0;
        int64_t nbatch = 0;
        for (int64_t b0 = 0; b0 < nr; b0 += o->batch) {
            int64_t bn = nr - b0 < o->batch ? nr - b0 : o->batch;
            propagate(&pp);
            clout_i_mat_zero(&gr);
            double reg = 0;
            double bl = bpr_batch(pp.F.x, E0->x, gr.x, smp + 3 * b0, bn, n, d, &reg);
            backprop(&pp, &gr, &c1, &c2);
            l2_batch(gr.x, E0->x, smp + 3 * b0, bn, n, d, (float)o->l2 / (float)bn);
            step++;
            clout_i_adam_step(&adam, step, E0, &gr, &am, &av);
            loss_sum += bl / (double)bn + o->l2 * 0.5 * reg / (double)bn;
            nbatch++;
        }
        clout_lightgcn_epoch e = {ep, loss_sum / (double)nbatch, NAN, NAN, clout_now() - t0, false};
        ASSERT_MSG(isfinite(e.loss), CLOUT_ERR_NOT_CONVERGED, "LightGCN diverged at epoch %d: lower --lr", ep);
        if (ntest > 0 && o->eval_every > 0 && (ep % o->eval_every == 0 || ep == o->epochs)) {
            propagate(&pp);
            TRY(rank_eval(&pp.F, n, mi, &R, test_user, test_item, ntest, o->topk, &e.recall, &e.ndcg, msg));
            e.evaluated = true;
            if (e.recall > best_recall) {
                best_recall = e.recall;
                best_epoch = ep;
                clout_i_mat_copy(&best, E0);
            }
        }
        if (fn) fn(ctx, &e);
        ASSERT_MSG(!clout_i_progress_update(pg, ep) && !clout_i_interrupted(), CLOUT_ERR_INTERRUPTED,
                   "LightGCN training interrupted");
    }
    clout_i_progress_end(pg);
    pg = NULL;
    if (best_epoch > 0) clout_i_mat_copy(E0, &best);
    /* the model keeps the propagated embeddings next to the parameters */
    propagate(&pp);
    clout_i_mat *Fm = clout_i_model_tensor(m, "F", N, d, msg);
    ASSERT_MSG(Fm != NULL, CLOUT_ERR_NOMEM, "%s", msg);
    clout_i_mat_copy(Fm, &pp.F);
    clout_i_model_param(m, "dim", d);
    clout_i_model_param(m, "layers", o->layers);
    clout_i_model_param(m, "social", o->social);
    if (o->social) clout_i_model_param(m, "social_beta", o->social_beta);
    clout_i_model_param(m, "lr", o->lr);
    clout_i_model_param(m, "l2", o->l2);
    clout_i_model_param(m, "batch", o->batch);
    clout_i_model_param(m, "epochs", o->epochs);
    clout_i_model_param(m, "seed", (double)o->seed);
    clout_i_model_param(m, "best_epoch", best_epoch ? best_epoch : o->epochs);
    if (best_epoch > 0) clout_i_model_param(m, "best_recall", best_recall);
    pp.E[0] = (clout_i_mat){0}; /* owned by the model */
    *model = m;
    m = NULL;
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- recommendation */

/* A LightGCN model's propagated embeddings in G's order (users, then items) into Fg, a new
 * (n + m) x dim matrix: the model checked, its ids matched to G's. */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(umap);                                                                   \
        FREE_PTR(imap);                                                                   \
        clout_i_mat_free(&Fg);                                                            \
    } while (0)

static int graph_embeddings(const clout_model *m, const clout_graph *G, clout_i_mat *out, char msg[CLOUT_MSG_LEN])
{
    int64_t *umap = NULL, *imap = NULL;
    clout_i_mat Fg = {0};
    ASSERT_MSG(strcmp(m->kind, "lightgcn") == 0, CLOUT_ERR_INVALID, "the model is a %s model, not a LightGCN model",
               m->kind);
    const clout_i_mat *F = clout_i_model_find(m, "F");
    ASSERT_MSG(m->items != NULL && F != NULL &&
                   F->rows == clout_idmap_size(m->users) + clout_idmap_size(m->items) && F->cols >= 1,
               CLOUT_ERR_DATA, "model: the embeddings are missing or of the wrong shape");
    int64_t n = clout_graph_users(G), mi = clout_graph_items(G), d = F->cols, mn = clout_idmap_size(m->users);
    TRY(clout_i_model_map(m, G, &umap, &imap, msg));
    TRY(clout_i_mat_new(&Fg, n + mi, d, msg));
    for (int64_t u = 0; u < n; u++) memcpy(Fg.x + u * d, F->x + umap[u] * d, (size_t)d * sizeof(float));
    for (int64_t i = 0; i < mi; i++) memcpy(Fg.x + (n + i) * d, F->x + (mn + imap[i]) * d, (size_t)d * sizeof(float));
    FREE_PTR(umap);
    FREE_PTR(imap);
    *out = Fg;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (lent) clout_i_csr_return(G->R, &R, msg);                                       \
        if (lentS) clout_i_csr_return(U ? U : B, &S, msg);                                \
        FREE_GRB(U);                                                                      \
        FREE_PTR(sc);                                                                     \
        FREE_PTR(pct);                                                                    \
        FREE_PTR(rk);                                                                     \
        clout_i_mat_free(&Fg);                                                            \
    } while (0)

static int rank_cmp(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

int clout_recommend(const clout_model *m, clout_graph *G, const int64_t *users, int64_t nu, int k,
                    double social_weight, const double *influence, int64_t *items, double *scores,
                    char msg[CLOUT_MSG_LEN])
{
    clout_i_csr R = {0}, S = {0};
    bool lent = false, lentS = false;
    GrB_Matrix U = NULL, B = NULL;
    float *sc = NULL;
    double *pct = NULL, *rk = NULL;
    clout_i_mat Fg = {0};
    ASSERT_MSG(m && G && (users || nu == 0) && items && scores, CLOUT_ERR_INVALID, "clout_recommend: missing argument");
    ASSERT_MSG(k >= 1 && k <= 1024, CLOUT_ERR_INVALID, "k %d, expected 1 to 1024", k);
    ASSERT_MSG(social_weight >= 0 && social_weight <= 1, CLOUT_ERR_INVALID, "social weight %g, expected 0 to 1",
               social_weight);
    int64_t n = clout_graph_users(G), mi = clout_graph_items(G);
    for (int64_t q = 0; q < nu; q++)
        ASSERT_MSG(users[q] >= 0 && users[q] < n, CLOUT_ERR_INVALID, "user index %lld out of range", (long long)users[q]);
    const clout_i_mat *F0 = clout_i_model_find(m, "F");
    TRY(clout_memory_fits(((double)n + mi) * (F0 ? (double)F0->cols : 1) * 4 + 256.0 * mi * 4, "recommendation",
                          CLOUT_ERR_INVALID, msg));
    TRY(graph_embeddings(m, G, &Fg, msg));
    int64_t d = Fg.cols;
    clout_i_mat Fu = {n, d, Fg.x}, Fi = {mi, d, Fg.x + n * d}; /* views */
    TRY(clout_i_csr_borrow(G->R, &R, msg));
    lent = true;
    if (social_weight > 0) {
        TRY(clout_i_undirected_view(G, &U, &B, msg));
        TRY(clout_i_csr_borrow(U ? U : B, &S, msg));
        lentS = true;
        /* a friend's weight: the percentile of its influence (1 for all without influence) */
        ALLOC_TRY(pct, n ? n : 1, double);
        if (influence) {
            ALLOC_TRY(rk, 2 * (n ? n : 1), double);
            for (int64_t u = 0; u < n; u++) {
                ASSERT_MSG(isfinite(influence[u]), CLOUT_ERR_INVALID, "influence of user %lld is not finite", (long long)u);
                rk[2 * u] = influence[u];
                rk[2 * u + 1] = (double)u;
            }
            qsort(rk, (size_t)n, 2 * sizeof(double), rank_cmp);
            for (int64_t r = 0; r < n; r++) pct[(int64_t)rk[2 * r + 1]] = (double)(r + 1) / (double)n;
        } else {
            for (int64_t u = 0; u < n; u++) pct[u] = 1.0;
        }
    }
    const int64_t blk = 256;
    ALLOC_TRY(sc, blk * (mi ? mi : 1), float);
    for (int64_t q0 = 0; q0 < nu; q0 += blk) {
        int64_t nb = nu - q0 < blk ? nu - q0 : blk;
        /* gather the block's user rows, score every item */
        clout_i_mat A = {0}, C = {nb, mi, sc};
        TRY(clout_i_mat_new(&A, nb, d, msg));
        for (int64_t r = 0; r < nb; r++) memcpy(A.x + r * d, Fu.x + users[q0 + r] * d, (size_t)d * sizeof(float));
        clout_i_mm_nt(&A, &Fi, &C);
        clout_i_mat_free(&A);
        bool stop = false;
#pragma omp parallel for schedule(dynamic, 4)
        for (int64_t r = 0; r < nb; r++) {
            int64_t u = users[q0 + r];
            float *row = sc + r * mi;
            const int64_t *ex = (const int64_t *)R.idx + R.ptr[u];
            int64_t nex = (int64_t)(R.ptr[u + 1] - R.ptr[u]);
            if (social_weight > 0) {
                /* min-max the model's scores over the candidate items, then blend in the
                 * influence-weighted share of friends who hold each item */
                float lo = INFINITY, hi = -INFINITY;
                int64_t e = 0;
                for (int64_t i = 0; i < mi; i++) {
                    while (e < nex && ex[e] < i) e++;
                    if (e < nex && ex[e] == i) continue;
                    lo = row[i] < lo ? row[i] : lo;
                    hi = row[i] > hi ? row[i] : hi;
                }
                double span = hi > lo ? (double)hi - lo : 1.0, wsum = 0;
                for (int64_t i = 0; i < mi; i++) row[i] = (float)((1.0 - social_weight) * ((double)row[i] - lo) / span);
                for (uint64_t q = S.ptr[u]; q < S.ptr[u + 1]; q++) wsum += pct[S.idx[q]];
                if (wsum > 0)
                    for (uint64_t q = S.ptr[u]; q < S.ptr[u + 1]; q++) {
                        int64_t f = (int64_t)S.idx[q];
                        float w = (float)(social_weight * pct[f] / wsum);
                        for (uint64_t z = R.ptr[f]; z < R.ptr[f + 1]; z++) row[R.idx[z]] += w;
                    }
            }
            int32_t best[1024];
            float bs[1024];
            int got = topk_row(row, mi, ex, nex, k, best, bs);
            for (int j = 0; j < k; j++) {
                items[(q0 + r) * k + j] = j < got ? best[j] : -1;
                scores[(q0 + r) * k + j] = j < got ? (double)bs[j] : NAN;
            }
        }
        ASSERT_MSG(!stop && !clout_i_interrupted(), CLOUT_ERR_INTERRUPTED, "recommendation interrupted");
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* Recall@k and NDCG@k of a LightGCN model on test pairs (item -1: an item the graph lacks, counted
 * as a miss). */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (lent) clout_i_csr_return(G->R, &R, msg);                                       \
        clout_i_mat_free(&Fg);                                                            \
    } while (0)

int clout_lightgcn_evaluate(const clout_model *m, clout_graph *G, const int64_t *test_user, const int64_t *test_item,
                            int64_t ntest, int k, double *recall, double *ndcg, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr R = {0};
    bool lent = false;
    clout_i_mat Fg = {0};
    ASSERT_MSG(m && G && recall && ndcg, CLOUT_ERR_INVALID, "clout_lightgcn_evaluate: missing argument");
    ASSERT_MSG(k >= 1 && k <= 1024, CLOUT_ERR_INVALID, "k %d, expected 1 to 1024", k);
    int64_t n = clout_graph_users(G), mi = clout_graph_items(G);
    for (int64_t q = 0; q < ntest; q++)
        ASSERT_MSG(test_user[q] >= 0 && test_user[q] < n && test_item[q] >= -1 && test_item[q] < mi, CLOUT_ERR_INVALID,
                   "test pair %lld out of range", (long long)q);
    TRY(graph_embeddings(m, G, &Fg, msg));
    TRY(clout_i_csr_borrow(G->R, &R, msg));
    lent = true;
    TRY(rank_eval(&Fg, n, mi, &R, test_user, test_item, ntest, k, recall, ndcg, msg));
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- for the gradient checks */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        for (int k_ = 1; pp.E && k_ <= pp.L; k_++) clout_i_mat_free(&pp.E[k_]);           \
        FREE_PTR(pp.E);                                                                   \
        clout_i_mat_free(&pp.F);                                                          \
        clout_i_mat_free(&c1);                                                            \
        clout_i_mat_free(&c2);                                                            \
    } while (0)

int clout_i_bpr_loss_grad(const clout_i_spm *P, const clout_i_spm *PT, int L, clout_i_mat *E0, const int64_t *smp,
                          int64_t bn, int64_t n, double l2, clout_i_mat *grad, double *loss, char msg[CLOUT_MSG_LEN])
{
    prop pp = {0};
    clout_i_mat c1 = {0}, c2 = {0};
    int64_t N = E0->rows, d = E0->cols;
    pp.P = *P;
    if (PT) pp.PT = *PT;
    pp.L = L;
    CALLOC_TRY(pp.E, L + 1, clout_i_mat);
    pp.E[0] = *E0;
    for (int k = 1; k <= L; k++) TRY(clout_i_mat_new(&pp.E[k], N, d, msg));
    TRY(clout_i_mat_new(&pp.F, N, d, msg));
    TRY(clout_i_mat_new(&c1, N, d, msg));
    TRY(clout_i_mat_new(&c2, N, d, msg));
    propagate(&pp);
    clout_i_mat_zero(grad);
    double reg = 0;
    double bl = bpr_batch(pp.F.x, E0->x, grad->x, smp, bn, n, d, &reg);
    backprop(&pp, grad, &c1, &c2);
    l2_batch(grad->x, E0->x, smp, bn, n, d, (float)l2 / (float)bn);
    *loss = bl / (double)bn + l2 * 0.5 * reg / (double)bn;
    pp.P = (clout_i_spm){0};
    pp.PT = (clout_i_spm){0};
    FREE_ALL;
    return CLOUT_OK;
}
