/* gcn.c: graph convolutional networks (Kipf and Welling, ICLR 2017) for node classification
 * (softmax cross-entropy) and regression (mean squared error).
 *
 * Layer l: Z = Â (dropout(H) W_l) + b_l, H_{l+1} = relu(Z) (the last layer's Z is the output);
 * Â = D^-1/2 (A + I) D^-1/2 over the ties read as undirected. Identity features (no feature table)
 * make W_0 one row per user: dropout on the identity keeps or drops whole rows of W_0. Given
 * features are z-scored per column (the means and deviations are stored in the model); regression
 * targets are standardized on the training users and predictions mapped back. Adam, weight decay
 * on the first layer (as Kipf and Welling), early stopping on the validation loss with the best
 * weights kept. Every random draw (initialization, split, dropout) is keyed by (seed, stream,
 * index), and every kernel is deterministic: one seed gives one model for any thread count. */
#include "gnn_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void clout_gcn_opts_init(clout_gcn_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->layers = 2;
    o->hidden = 64;
    o->dropout = 0.5;
    o->lr = 0.01;
    o->weight_decay = 5e-4;
    o->epochs = 200;
    o->patience = 20;
    o->split[0] = 0.6;
    o->split[1] = 0.2;
    o->split[2] = 0.2;
    o->seed = 1;
}

/* the network's state for one graph */
typedef struct {
    int L, nf, out;             /* layers, input features (0: identity), output width */
    int64_t n;
    bool identity;
    clout_i_spm A;
    clout_i_mat X;              /* n x nf normalized features (unused for identity) */
    clout_i_mat *W, *b;         /* per layer, owned by the model */
    clout_i_mat *H, *Hd, *T, *Z; /* per layer: input, input after dropout, H W, output before relu */
    uint8_t **mask;             /* per layer dropout mask (identity layer 0: per row) */
    const int64_t *rowmap;      /* identity: model row of each graph user (NULL: the same) */
} net;

static void net_free(net *t)
{
    clout_i_spm_free(&t->A);
    clout_i_mat_free(&t->X);
    for (int l = 0; t->H && l <= t->L; l++) clout_i_mat_free(&t->H[l]);
    for (int l = 0; t->Hd && l < t->L; l++) clout_i_mat_free(&t->Hd[l]);
    for (int l = 0; t->T && l < t->L; l++) clout_i_mat_free(&t->T[l]);
    for (int l = 0; t->Z && l < t->L; l++) clout_i_mat_free(&t->Z[l]);
    for (int l = 0; t->mask && l < t->L; l++) free(t->mask[l]);
    free(t->H);
    free(t->Hd);
    free(t->T);
    free(t->Z);
    free(t->mask);
    free(t->W);
    free(t->b);
}

#define FREE_ALL

/* buffers for forward and backward passes, given W and b */
static int net_alloc(net *t, const int *dims, char msg[CLOUT_MSG_LEN])
{
    CALLOC_TRY(t->H, t->L + 1, clout_i_mat);
    CALLOC_TRY(t->Hd, t->L, clout_i_mat);
    CALLOC_TRY(t->T, t->L, clout_i_mat);
    CALLOC_TRY(t->Z, t->L, clout_i_mat);
    CALLOC_TRY(t->mask, t->L, uint8_t *);
    for (int l = 0; l < t->L; l++) {
        if (l > 0 || !t->identity) {
            TRY(clout_i_mat_new(&t->Hd[l], t->n, dims[l], msg));
            ALLOC_TRY(t->mask[l], t->n * dims[l] + 1, uint8_t);
        } else {
            ALLOC_TRY(t->mask[l], t->n + 1, uint8_t);
        }
        TRY(clout_i_mat_new(&t->T[l], t->n, dims[l + 1], msg));
        TRY(clout_i_mat_new(&t->Z[l], t->n, dims[l + 1], msg));
        if (l > 0) TRY(clout_i_mat_new(&t->H[l], t->n, dims[l], msg));
    }
    return CLOUT_OK;
}

/* forward: logits in Z[L-1]; dropout only when training */
static void forward(net *t, bool training, double p, uint64_t seed, int64_t epoch)
{
    for (int l = 0; l < t->L; l++) {
        const clout_i_mat *W = &t->W[l];
        clout_i_mat *T = &t->T[l];
        bool drop = training && p > 0;
        if (l == 0 && t->identity) {
            /* identity input: T = dropout(I) W_0, rows of W_0 kept (scaled) or dropped */
            uint64_t key = clout_i_rng_key(seed, clout_i_stream_gnn(CLOUT_STREAM_GNN_DROPOUT, (uint64_t)epoch << 8));
            float scale = drop ? (float)(1.0 / (1.0 - p)) : 1.0f;
            int64_t d = T->cols;
#pragma omp parallel for schedule(static) if (t->n * d > CLOUT_I_PAR_ELEMS)
            for (int64_t u = 0; u < t->n; u++) {
                bool keep = !drop || clout_i_unif_at(key, (uint64_t)u) >= p;
                t->mask[0][u] = keep;
                const float *w = W->x + (t->rowmap ? t->rowmap[u] : u) * d;
                float *o = T->x + u * d;
                for (int64_t c = 0; c < d; c++) o[c] = keep ? w[c] * scale : 0.0f;
            }
        } else {
            const clout_i_mat *in = l == 0 ? &t->X : &t->H[l];
            clout_i_mat *Hd = &t->Hd[l];
            clout_i_mat_copy(Hd, in);
            if (drop)
                clout_i_dropout(Hd, p, t->mask[l], seed,
                                clout_i_stream_gnn(CLOUT_STREAM_GNN_DROPOUT, ((uint64_t)epoch << 8) | (uint64_t)l));
            clout_i_mm(Hd, W, T, false);
        }
        clout_i_mat *Z = &t->Z[l];
        clout_i_spmm(&t->A, T, Z, false);
        const float *b = t->b[l].x;
        int64_t d = Z->cols;
#pragma omp parallel for schedule(static) if (t->n * d > CLOUT_I_PAR_ELEMS)
        for (int64_t u = 0; u < t->n; u++)
            for (int64_t c = 0; c < d; c++) Z->x[u * d + c] += b[c];
        if (l + 1 < t->L) {
            clout_i_mat *Hn = &t->H[l + 1];
            int64_t nn = Hn->rows * Hn->cols;
#pragma omp parallel for schedule(static) if (nn > CLOUT_I_PAR_ELEMS)
            for (int64_t i = 0; i < nn; i++) Hn->x[i] = Z->x[i] > 0.0f ? Z->x[i] : 0.0f;
        }
    }
}

/* backward from dZ (of the last layer, overwritten): gradients into dW, db */
static int backward(net *t, bool dropped, double p, clout_i_mat *dZ, clout_i_mat *dT, clout_i_mat *dW,
                    clout_i_mat *db, clout_i_mat *dH, char msg[CLOUT_MSG_LEN])
{
    float scale = dropped ? (float)(1.0 / (1.0 - p)) : 1.0f;
    for (int l = t->L - 1; l >= 0; l--) {
        clout_i_mat *g = &dZ[l];
        int64_t d = g->cols;
        /* db = column sums in row order */
        for (int64_t c = 0; c < d; c++) db[l].x[c] = 0.0f;
        for (int64_t u = 0; u < t->n; u++)
            for (int64_t c = 0; c < d; c++) db[l].x[c] += g->x[u * d + c];
        /* dT = Â' dZ = Â dZ (Â is symmetric) */
        clout_i_spmm(&t->A, g, &dT[l], false);
        if (l == 0 && t->identity) {
            /* dW_0 row of user u: its kept (scaled) dT row */
            clout_i_mat_zero(&dW[0]);
            int64_t dd = dT[0].cols;
#pragma omp parallel for schedule(static) if (t->n * dd > CLOUT_I_PAR_ELEMS)
            for (int64_t u = 0; u < t->n; u++) {
                if (!t->mask[0][u]) continue;
                float *w = dW[0].x + (t->rowmap ? t->rowmap[u] : u) * dd;
                const float *s = dT[0].x + u * dd;
                for (int64_t c = 0; c < dd; c++) w[c] = s[c] * scale;
            }
        } else {
            if (clout_i_mm_tn(&t->Hd[l], &dT[l], &dW[l], msg) < 0) return CLOUT_ERR_NOMEM;
        }
        if (l == 0) break;
        /* dH = dT W', through dropout and the relu into dZ[l-1] */
        clout_i_mm_nt(&dT[l], &t->W[l], &dH[l]);
        clout_i_mat *gp = &dZ[l - 1];
        const clout_i_mat *Zp = &t->Z[l - 1];
        int64_t nn = gp->rows * gp->cols;
        const uint8_t *mk = t->mask[l];
#pragma omp parallel for schedule(static) if (nn > CLOUT_I_PAR_ELEMS)
        for (int64_t i = 0; i < nn; i++) {
            float v = dH[l].x[i];
            if (dropped) v = mk[i] ? v * scale : 0.0f;
            gp->x[i] = Zp->x[i] > 0.0f ? v : 0.0f;
        }
    }
    return CLOUT_OK;
}

/* z-score the columns of X (n x nf, doubles) into t->X; the means and deviations into norm (2 x nf) */
static int load_features(net *t, const double *X, const clout_i_mat *norm_in, clout_i_mat *norm_out,
                         char msg[CLOUT_MSG_LEN])
{
    TRY(clout_i_mat_new(&t->X, t->n, t->nf, msg));
    for (int f = 0; f < t->nf; f++) {
        double mu, sd;
        if (norm_in) {
            mu = norm_in->x[f];
            sd = norm_in->x[t->nf + f];
        } else {
            double s = 0, s2 = 0;
            for (int64_t u = 0; u < t->n; u++) s += X[u * t->nf + f];
            mu = t->n ? s / (double)t->n : 0;
            for (int64_t u = 0; u < t->n; u++) s2 += (X[u * t->nf + f] - mu) * (X[u * t->nf + f] - mu);
            sd = t->n ? sqrt(s2 / (double)t->n) : 0;
            if (!(sd > 0)) sd = 1;
            norm_out->x[f] = (float)mu;
            norm_out->x[t->nf + f] = (float)sd;
        }
        for (int64_t u = 0; u < t->n; u++) t->X.x[u * t->nf + f] = (float)((X[u * t->nf + f] - mu) / sd);
    }
    return CLOUT_OK;
}

typedef struct {
    uint64_t k;
    int64_t u;
} keyed;

static int keyed_cmp(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->k != b->k) return a->k < b->k ? -1 : 1;
    return (a->u > b->u) - (a->u < b->u);
}

/* split the users with a target (lab[0..nl)) into train, validation and test by a seeded shuffle:
 * order receives them shuffled, cnt the three sizes */
#undef FREE_ALL
#define FREE_ALL FREE_PTR(a)

static int make_split(const int64_t *lab, int64_t nl, const double *frac, uint64_t seed, int64_t *order,
                      int64_t cnt[3], char msg[CLOUT_MSG_LEN])
{
    keyed *a = NULL;
    ALLOC_TRY(a, nl ? nl : 1, keyed);
    uint64_t key = clout_i_rng_key(seed, clout_i_stream_gnn(CLOUT_STREAM_GNN_SPLIT, 0));
    for (int64_t i = 0; i < nl; i++) a[i] = (keyed){clout_i_rng_at(key, (uint64_t)lab[i]), lab[i]};
    qsort(a, (size_t)nl, sizeof(keyed), keyed_cmp);
    for (int64_t i = 0; i < nl; i++) order[i] = a[i].u;
    free(a);
    double tot = frac[0] + frac[1] + frac[2];
    cnt[0] = (int64_t)llround(frac[0] / tot * (double)nl);
    cnt[1] = (int64_t)llround(frac[1] / tot * (double)nl);
    if (cnt[0] + cnt[1] > nl) cnt[1] = nl - cnt[0];
    cnt[2] = nl - cnt[0] - cnt[1];
    return CLOUT_OK;
}

/* loss and metric of the current output over rows */
static void split_scores(const net *t, const int32_t *y, const double *tz, double tmu, double tsd, const int64_t *rows,
                         int64_t nr, double *loss, double *acc, double *rmse, double *rho)
{
    const clout_i_mat *Z = &t->Z[t->L - 1];
    *acc = *rmse = *rho = NAN;
    if (nr == 0) {
        *loss = NAN;
        return;
    }
    if (y) {
        *loss = clout_i_softmax_xent(Z, y, rows, nr, NULL);
        int64_t hit = 0;
        for (int64_t k = 0; k < nr; k++) {
            const float *z = Z->x + rows[k] * Z->cols;
            int64_t best = 0;
            for (int64_t c = 1; c < Z->cols; c++)
                if (z[c] > z[best]) best = c;
            hit += best == y[rows[k]];
        }
        *acc = (double)hit / (double)nr;
    } else {
        *loss = clout_i_mse(Z, tz, rows, nr, NULL);
        *rmse = sqrt(*loss) * tsd;
        double *pr = malloc((size_t)nr * sizeof(double)), *tr = malloc((size_t)nr * sizeof(double));
        if (pr && tr) {
            for (int64_t k = 0; k < nr; k++) {
                pr[k] = Z->x[rows[k] * Z->cols] * tsd + tmu;
                tr[k] = tz[rows[k]] * tsd + tmu;
            }
            char m2[CLOUT_MSG_LEN];
            if (clout_eval_spearman(pr, tr, nr, rho, m2) < 0) *rho = NAN;
        }
        free(pr);
        free(tr);
    }
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        net_free(&t);                                                                     \
        for (int l_ = 0; l_ < 16; l_++) {                                                 \
            clout_i_mat_free(&dZ[l_]);                                                    \
            clout_i_mat_free(&dT[l_]);                                                    \
            clout_i_mat_free(&dW[l_]);                                                    \
            clout_i_mat_free(&db[l_]);                                                    \
            clout_i_mat_free(&dH[l_]);                                                    \
            clout_i_mat_free(&mW[l_]);                                                    \
            clout_i_mat_free(&vW[l_]);                                                    \
            clout_i_mat_free(&mb[l_]);                                                    \
            clout_i_mat_free(&vb[l_]);                                                    \
            clout_i_mat_free(&bestW[l_]);                                                 \
            clout_i_mat_free(&bestb[l_]);                                                 \
        }                                                                                 \
        FREE_PTR(order);                                                                  \
        FREE_PTR(lab);                                                                    \
        FREE_PTR(tz);                                                                     \
        clout_i_progress_end(pr);                                                         \
        clout_model_free(&m);                                                             \
    } while (0)

int clout_gcn_train(clout_graph *G, const clout_gcn_opts *o, const double *X, int nf, const int32_t *label,
                    int nclasses, const char *const *class_names, const double *target, clout_gcn_epoch_fn fn,
                    void *ctx, clout_model **model, clout_gcn_report *rep, char msg[CLOUT_MSG_LEN])
{
    net t = {0};
    clout_i_mat dZ[16] = {{0}}, dT[16] = {{0}}, dW[16] = {{0}}, db[16] = {{0}}, dH[16] = {{0}};
    clout_i_mat mW[16] = {{0}}, vW[16] = {{0}}, mb[16] = {{0}}, vb[16] = {{0}}, bestW[16] = {{0}}, bestb[16] = {{0}};
    int64_t *order = NULL, *lab = NULL;
    double *tz = NULL;
    clout_i_progress *pr = NULL;
    clout_model *m = NULL;
    ASSERT_MSG(G && o && model, CLOUT_ERR_INVALID, "clout_gcn_train: missing argument");
    ASSERT_MSG((label != NULL) != (target != NULL), CLOUT_ERR_INVALID, "GCN: give labels or a target, not both");
    ASSERT_MSG(o->layers >= 1 && o->layers <= 8, CLOUT_ERR_INVALID, "GCN: layers %d, expected 1 to 8", o->layers);
    ASSERT_MSG(o->hidden >= 1 && o->hidden <= 4096, CLOUT_ERR_INVALID, "GCN: hidden %d, expected 1 to 4096", o->hidden);
    ASSERT_MSG(o->dropout >= 0 && o->dropout < 1, CLOUT_ERR_INVALID, "GCN: dropout %g, expected [0, 1)", o->dropout);
    ASSERT_MSG(o->lr > 0 && isfinite(o->lr), CLOUT_ERR_INVALID, "GCN: learning rate must be positive");
    ASSERT_MSG(o->weight_decay >= 0 && isfinite(o->weight_decay), CLOUT_ERR_INVALID, "GCN: weight decay must be >= 0");
    ASSERT_MSG(o->epochs >= 1 && o->patience >= 0, CLOUT_ERR_INVALID, "GCN: epochs >= 1 and patience >= 0 expected");
    ASSERT_MSG(o->split[0] > 0 && o->split[1] >= 0 && o->split[2] >= 0 && isfinite(o->split[0] + o->split[1] + o->split[2]),
               CLOUT_ERR_INVALID, "GCN: split fractions must be >= 0, the training one > 0");
    ASSERT_MSG(nf >= 0 && (nf == 0 || X != NULL), CLOUT_ERR_INVALID, "GCN: features missing");
    ASSERT_MSG(label == NULL || (nclasses >= 2 && class_names != NULL), CLOUT_ERR_INVALID,
               "GCN: classification needs at least 2 classes");
    int64_t n = clout_graph_users(G);
    t.n = n;
    t.L = o->layers;
    t.nf = nf;
    t.identity = nf == 0;
    t.out = label ? nclasses : 1;
    int dims[17];
    dims[0] = t.identity ? (int)0 : nf;
    for (int l = 1; l < t.L; l++) dims[l] = o->hidden;
    dims[t.L] = t.out;
    /* memory: adjacency, per layer activations and gradients, and the first layer's weights */
    double est = (double)clout_graph_social_edges(G) * 16 + (double)n * (double)(nf + 4 * t.L * (o->hidden + t.out)) * 4 +
                 (t.identity ? (double)n * (double)dims[1] * 4 * 6 : 0);
    TRY(clout_memory_fits(est, "GCN training", CLOUT_ERR_INVALID, msg));
    /* the users with a target */
    ALLOC_TRY(lab, n ? n : 1, int64_t);
    int64_t nl = 0;
    for (int64_t u = 0; u < n; u++) {
        if (label) {
            ASSERT_MSG(label[u] >= -1 && label[u] < nclasses, CLOUT_ERR_INVALID, "GCN: label %d of user %lld out of range",
                       (int)label[u], (long long)u);
            if (label[u] >= 0) lab[nl++] = u;
        } else if (!isnan(target[u])) {
            ASSERT_MSG(isfinite(target[u]), CLOUT_ERR_INVALID, "GCN: the target of user %lld is not finite", (long long)u);
            lab[nl++] = u;
        }
    }
    ALLOC_TRY(order, nl ? nl : 1, int64_t);
    int64_t cnt[3];
    TRY(make_split(lab, nl, o->split, o->seed, order, cnt, msg));
    ASSERT_MSG(cnt[0] >= 1, CLOUT_ERR_INVALID, "GCN: no user to train on (%lld users have a %s)", (long long)nl,
               label ? "label" : "target");
    const int64_t *rows[3] = {order, order + cnt[0], order + cnt[0] + cnt[1]};
    /* regression: the target standardized on the training users */
    double tmu = 0, tsd = 1;
    if (target) {
        ALLOC_TRY(tz, n ? n : 1, double);
        double s = 0, s2 = 0;
        for (int64_t k = 0; k < cnt[0]; k++) s += target[rows[0][k]];
        tmu = s / (double)cnt[0];
        for (int64_t k = 0; k < cnt[0]; k++) s2 += (target[rows[0][k]] - tmu) * (target[rows[0][k]] - tmu);
        tsd = sqrt(s2 / (double)cnt[0]);
        if (!(tsd > 0)) tsd = 1;
        for (int64_t u = 0; u < n; u++) tz[u] = isnan(target[u]) ? 0 : (target[u] - tmu) / tsd;
    }
    /* the model: weights, biases, feature normalization */
    TRY(clout_i_model_new(&m, "gcn", G, false, msg));
    CALLOC_TRY(t.W, t.L, clout_i_mat);
    CALLOC_TRY(t.b, t.L, clout_i_mat);
    for (int l = 0; l < t.L; l++) {
        char nm[24];
        snprintf(nm, sizeof nm, "W%d", l);
        clout_i_mat *W = clout_i_model_tensor(m, nm, l == 0 && t.identity ? n : dims[l], dims[l + 1], msg);
        snprintf(nm, sizeof nm, "b%d", l);
        clout_i_mat *b = clout_i_model_tensor(m, nm, 1, dims[l + 1], msg);
        if (W == NULL || b == NULL) {
            FREE_ALL;
            return CLOUT_ERR_NOMEM;
        }
        clout_i_glorot(W, o->seed, clout_i_stream_gnn(CLOUT_STREAM_GNN_INIT, (uint64_t)l));
        t.W[l] = *W;
        t.b[l] = *b;
    }
    clout_i_mat *norm = NULL;
    if (!t.identity) {
        norm = clout_i_model_tensor(m, "xnorm", 2, nf, msg);
        if (norm == NULL) {
            FREE_ALL;
            return CLOUT_ERR_NOMEM;
        }
        TRY(load_features(&t, X, NULL, norm, msg));
    }
    TRY(clout_i_gcn_adjacency(G, &t.A, msg));
    TRY(net_alloc(&t, dims, msg));
    for (int l = 0; l < t.L; l++) {
        int64_t wr = t.W[l].rows, wc = t.W[l].cols;
        TRY(clout_i_mat_new(&dZ[l], n, dims[l + 1], msg));
        TRY(clout_i_mat_new(&dT[l], n, dims[l + 1], msg));
        TRY(clout_i_mat_new(&dH[l], n, dims[l], msg));
        TRY(clout_i_mat_new(&dW[l], wr, wc, msg));
        TRY(clout_i_mat_new(&mW[l], wr, wc, msg));
        TRY(clout_i_mat_new(&vW[l], wr, wc, msg));
        TRY(clout_i_mat_new(&bestW[l], wr, wc, msg));
        TRY(clout_i_mat_new(&db[l], 1, wc, msg));
        TRY(clout_i_mat_new(&mb[l], 1, wc, msg));
        TRY(clout_i_mat_new(&vb[l], 1, wc, msg));
        TRY(clout_i_mat_new(&bestb[l], 1, wc, msg));
    }
    int32_t *y = NULL;
    if (label) {
        /* the model's classes */
        CALLOC_TRY(m->classes, nclasses, char *);
        m->nclasses = nclasses;
        for (int c = 0; c < nclasses; c++) {
            m->classes[c] = clout_i_strdup(class_names[c]);
            ASSERT_MSG(m->classes[c] != NULL, CLOUT_ERR_NOMEM, "out of memory");
        }
        y = (int32_t *)label;
    }
    clout_i_adam adam = {o->lr, 0.9, 0.999, 1e-8};
    double best = INFINITY;
    int best_epoch = 0, epoch = 0;
    pr = clout_i_progress_start("GCN training", o->epochs, "epochs");
    for (epoch = 1; epoch <= o->epochs; epoch++) {
        forward(&t, true, o->dropout, o->seed, epoch);
        double loss = y ? clout_i_softmax_xent(&t.Z[t.L - 1], y, rows[0], cnt[0], &dZ[t.L - 1])
                        : clout_i_mse(&t.Z[t.L - 1], tz, rows[0], cnt[0], &dZ[t.L - 1]);
        TRY(backward(&t, o->dropout > 0, o->dropout, dZ, dT, dW, db, dH, msg));
        for (int l = 0; l < t.L; l++) {
            if (l == 0 && o->weight_decay > 0) {
                float wd = (float)o->weight_decay;
                int64_t nw = dW[0].rows * dW[0].cols;
                for (int64_t i = 0; i < nw; i++) dW[0].x[i] += wd * t.W[0].x[i];
                for (int64_t c = 0; c < db[0].cols; c++) db[0].x[c] += wd * t.b[0].x[c];
            }
            clout_i_adam_step(&adam, epoch, &t.W[l], &dW[l], &mW[l], &vW[l]);
            clout_i_adam_step(&adam, epoch, &t.b[l], &db[l], &mb[l], &vb[l]);
        }
        /* validation (or, without validation users, training) loss of the updated weights */
        forward(&t, false, 0, o->seed, epoch);
        double vl, acc, rmse, rho;
        int vs = cnt[1] > 0 ? 1 : 0;
        split_scores(&t, y, tz, tmu, tsd, rows[vs], cnt[vs], &vl, &acc, &rmse, &rho);
        if (fn) fn(ctx, epoch, loss, vl, y ? acc : rmse);
        if (vl < best) {
            best = vl;
            best_epoch = epoch;
            for (int l = 0; l < t.L; l++) {
                clout_i_mat_copy(&bestW[l], &t.W[l]);
                clout_i_mat_copy(&bestb[l], &t.b[l]);
            }
        } else if (o->patience > 0 && epoch - best_epoch >= o->patience) {
            break;
        }
        ASSERT_MSG(!clout_i_progress_update(pr, epoch) && !clout_i_interrupted(), CLOUT_ERR_INTERRUPTED,
                   "GCN training interrupted");
        ASSERT_MSG(isfinite(loss), CLOUT_ERR_NOT_CONVERGED, "GCN training diverged at epoch %d (loss %g): lower --lr",
                   epoch, loss);
    }
    int epochs_run = epoch > o->epochs ? o->epochs : epoch;
    clout_i_progress_end(pr);
    pr = NULL;
    for (int l = 0; l < t.L; l++) {
        clout_i_mat_copy(&t.W[l], &bestW[l]);
        clout_i_mat_copy(&t.b[l], &bestb[l]);
    }
    forward(&t, false, 0, o->seed, 0);
    if (rep) {
        memset(rep, 0, sizeof(*rep));
        rep->epochs_run = epochs_run;
        rep->best_epoch = best_epoch;
        for (int k = 0; k < 3; k++) {
            rep->n[k] = cnt[k];
            split_scores(&t, y, tz, tmu, tsd, rows[k], cnt[k], &rep->loss[k], &rep->accuracy[k], &rep->rmse[k],
                         &rep->spearman[k]);
        }
    }
    /* record what made the model */
    clout_i_model_param(m, "layers", t.L);
    clout_i_model_param(m, "hidden", o->hidden);
    clout_i_model_param(m, "features", nf);
    clout_i_model_param(m, "dropout", o->dropout);
    clout_i_model_param(m, "lr", o->lr);
    clout_i_model_param(m, "weight_decay", o->weight_decay);
    clout_i_model_param(m, "epochs", o->epochs);
    clout_i_model_param(m, "patience", o->patience);
    clout_i_model_param(m, "best_epoch", best_epoch);
    clout_i_model_param(m, "seed", (double)o->seed);
    clout_i_model_param(m, "split_train", o->split[0]);
    clout_i_model_param(m, "split_val", o->split[1]);
    clout_i_model_param(m, "split_test", o->split[2]);
    clout_i_model_param(m, "target_mean", tmu);
    clout_i_model_param(m, "target_sd", tsd);
    /* the weights live in the model: t only borrowed them */
    FREE_PTR(t.W);
    FREE_PTR(t.b);
    *model = m;
    m = NULL;
    FREE_ALL;
    return CLOUT_OK;
}

/* check a loaded model's tensors against its parameters before using them */
#undef FREE_ALL
#define FREE_ALL

static int check_model(const clout_model *m, int64_t *L, int64_t *nf, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(strcmp(m->kind, "gcn") == 0, CLOUT_ERR_INVALID, "the model is a %s model, not a GCN", m->kind);
    double l = clout_i_model_get(m, "layers", -1), f = clout_i_model_get(m, "features", -1);
    ASSERT_MSG(l >= 1 && l <= 8 && l == floor(l) && f >= 0 && f <= 1e6 && f == floor(f), CLOUT_ERR_DATA,
               "model: layers or features missing or out of range");
    *L = (int64_t)l;
    *nf = (int64_t)f;
    int64_t n = clout_idmap_size(m->users), prev = *nf == 0 ? n : *nf;
    for (int64_t k = 0; k < *L; k++) {
        char nm[24];
        snprintf(nm, sizeof nm, "W%lld", (long long)k);
        const clout_i_mat *W = clout_i_model_find(m, nm);
        snprintf(nm, sizeof nm, "b%lld", (long long)k);
        const clout_i_mat *b = clout_i_model_find(m, nm);
        ASSERT_MSG(W && b && W->rows == prev && b->rows == 1 && b->cols == W->cols && W->cols >= 1, CLOUT_ERR_DATA,
                   "model: layer %lld's weights are missing or of the wrong shape", (long long)k);
        prev = W->cols;
    }
    int64_t out = m->nclasses > 0 ? m->nclasses : 1;
    ASSERT_MSG(prev == out, CLOUT_ERR_DATA, "model: %lld outputs for %lld classes", (long long)prev, (long long)out);
    if (*nf > 0) {
        const clout_i_mat *xn = clout_i_model_find(m, "xnorm");
        ASSERT_MSG(xn && xn->rows == 2 && xn->cols == *nf, CLOUT_ERR_DATA, "model: feature normalization missing");
        for (int64_t k = 0; k < *nf; k++)
            ASSERT_MSG(xn->x[*nf + k] > 0, CLOUT_ERR_DATA, "model: a feature's deviation is not positive");
    }
    double sd = clout_i_model_get(m, "target_sd", 1);
    ASSERT_MSG(sd > 0, CLOUT_ERR_DATA, "model: target deviation is not positive");
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(map);                                                                    \
        t.W = NULL;                                                                       \
        t.b = NULL;                                                                       \
        net_free(&t);                                                                     \
        FREE_PTR(Wv);                                                                     \
        FREE_PTR(bv);                                                                     \
    } while (0)

int clout_gcn_predict(const clout_model *m, clout_graph *G, const double *X, int nf, double *pred, double *prob,
                      char msg[CLOUT_MSG_LEN])
{
    net t = {0};
    int64_t *map = NULL;
    clout_i_mat *Wv = NULL, *bv = NULL;
    int64_t L, mnf;
    ASSERT_MSG(m && G && pred, CLOUT_ERR_INVALID, "clout_gcn_predict: missing argument");
    TRY(check_model(m, &L, &mnf, msg));
    ASSERT_MSG(nf == mnf, CLOUT_ERR_INVALID, "the model takes %lld features, %d given", (long long)mnf, nf);
    ASSERT_MSG(nf == 0 || X != NULL, CLOUT_ERR_INVALID, "features missing");
    int64_t n = clout_graph_users(G);
    t.n = n;
    t.L = (int)L;
    t.nf = nf;
    t.identity = nf == 0;
    t.out = m->nclasses > 0 ? m->nclasses : 1;
    if (t.identity) {
        /* identity features: one weight row per user, found by the user's id */
        TRY(clout_i_model_map(m, G, &map, NULL, msg));
        t.rowmap = map;
    }
    ALLOC_TRY(Wv, L, clout_i_mat);
    ALLOC_TRY(bv, L, clout_i_mat);
    int dims[17];
    dims[0] = nf;
    for (int64_t k = 0; k < L; k++) {
        char nm[24];
        snprintf(nm, sizeof nm, "W%lld", (long long)k);
        Wv[k] = *clout_i_model_find(m, nm);
        snprintf(nm, sizeof nm, "b%lld", (long long)k);
        bv[k] = *clout_i_model_find(m, nm);
        dims[k + 1] = (int)Wv[k].cols;
    }
    t.W = Wv;
    t.b = bv;
    double est = (double)clout_graph_social_edges(G) * 16 + (double)n * (double)(nf + 3 * L * 64 + t.out) * 4;
    TRY(clout_memory_fits(est, "GCN prediction", CLOUT_ERR_INVALID, msg));
    if (!t.identity) TRY(load_features(&t, X, clout_i_model_find(m, "xnorm"), NULL, msg));
    TRY(clout_i_gcn_adjacency(G, &t.A, msg));
    TRY(net_alloc(&t, dims, msg));
    forward(&t, false, 0, 0, 0);
    const clout_i_mat *Z = &t.Z[t.L - 1];
    double tmu = clout_i_model_get(m, "target_mean", 0), tsd = clout_i_model_get(m, "target_sd", 1);
    for (int64_t u = 0; u < n; u++) {
        const float *z = Z->x + u * Z->cols;
        if (m->nclasses > 0) {
            int64_t best = 0;
            for (int64_t c = 1; c < Z->cols; c++)
                if (z[c] > z[best]) best = c;
            pred[u] = (double)best;
            if (prob) {
                double s = 0;
                for (int64_t c = 0; c < Z->cols; c++) s += exp((double)z[c] - (double)z[best]);
                prob[u] = 1.0 / s;
            }
        } else {
            pred[u] = (double)z[0] * tsd + tmu;
            if (prob) prob[u] = NAN;
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- for the gradient checks */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        t.W = NULL;                                                                       \
        t.b = NULL;                                                                       \
        net_free(&t);                                                                     \
        for (int l_ = 0; l_ < 16; l_++) {                                                 \
            clout_i_mat_free(&gZ[l_]);                                                    \
            clout_i_mat_free(&gT[l_]);                                                    \
            clout_i_mat_free(&gH[l_]);                                                    \
        }                                                                                 \
    } while (0)

int clout_i_gcn_loss_grad(clout_graph *G, const double *X, int nf, const int32_t *y, const double *tz, int L,
                          const int *dims, clout_i_mat *W, clout_i_mat *b, const int64_t *rows, int64_t nr,
                          double dropout, uint64_t seed, clout_i_mat *dW, clout_i_mat *db, double *loss,
                          char msg[CLOUT_MSG_LEN])
{
    net t = {0};
    clout_i_mat gZ[16] = {{0}}, gT[16] = {{0}}, gH[16] = {{0}};
    t.n = clout_graph_users(G);
    t.L = L;
    t.nf = nf;
    t.identity = nf == 0;
    t.out = dims[L];
    t.W = W;
    t.b = b;
    clout_i_mat norm = {0};
    if (!t.identity) {
        TRY(clout_i_mat_new(&norm, 2, nf, msg));
        int s = load_features(&t, X, NULL, &norm, msg);
        clout_i_mat_free(&norm);
        TRY(s);
    }
    TRY(clout_i_gcn_adjacency(G, &t.A, msg));
    TRY(net_alloc(&t, dims, msg));
    for (int l = 0; l < L; l++) {
        TRY(clout_i_mat_new(&gZ[l], t.n, dims[l + 1], msg));
        TRY(clout_i_mat_new(&gT[l], t.n, dims[l + 1], msg));
        TRY(clout_i_mat_new(&gH[l], t.n, dims[l], msg));
    }
    forward(&t, dropout > 0, dropout, seed, 1);
    *loss = y ? clout_i_softmax_xent(&t.Z[L - 1], y, rows, nr, dW ? &gZ[L - 1] : NULL)
              : clout_i_mse(&t.Z[L - 1], tz, rows, nr, dW ? &gZ[L - 1] : NULL);
    if (dW) TRY(backward(&t, dropout > 0, dropout, gZ, gT, dW, db, gH, msg));
    FREE_ALL;
    return CLOUT_OK;
}
