/* test_gnn.c: the neural floor against independent references: the sparse x dense kernel against
 * a dense triple loop; every gradient (softmax cross-entropy, MSE, the GCN's backward pass with
 * dropout, LightGCN's BPR + L2 through the propagation, social or not) against central finite
 * differences in double precision of the float loss; Adam against its formula; normalized
 * adjacencies against their definitions; models bit-identical for 1 and 2 threads; model files
 * round-trip, and every truncation and many corruptions of one are refused, never crash. */
#include "check.h"
#include "gnn_internal.h"
#include <omp.h>

static clout_graph *small_graph(int64_t n, int64_t m, bool items, uint64_t seed)
{
    char msg[CLOUT_MSG_LEN];
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.undirected = true;
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    CHECK_OK(clout_builder_new(&b, &o, msg));
    int64_t *src = malloc((size_t)m * sizeof(int64_t)), *dst = malloc((size_t)m * sizeof(int64_t));
    for (int64_t k = 0; k < m; k++) {
        src[k] = (int64_t)clout_rng_bounded(seed, 1, (uint64_t)k, (uint64_t)n);
        dst[k] = (int64_t)clout_rng_bounded(seed, 2, (uint64_t)k, (uint64_t)n);
    }
    CHECK_OK(clout_builder_add_ties(b, n, NULL, src, dst, NULL, m, msg));
    if (items) {
        /* a small log: each user holds a few of 15 items */
        char *log = malloc(64 * (size_t)n * 6 + 64), *p = log;
        if (log == NULL) abort();
        p += sprintf(p, "user,item\n");
        for (int64_t u = 0; u < n; u++)
            for (int q = 0; q < 1 + (int)clout_rng_bounded(seed, 3, (uint64_t)u, 5); q++)
                p += sprintf(p, "%lld,i%llu\n", (long long)u,
                             (unsigned long long)clout_rng_bounded(seed, 4, (uint64_t)(u * 8 + q), 15));
        CHECK_OK(clout_builder_add_log_mem(b, "log", log, (size_t)(p - log), &o, msg));
        free(log);
    }
    CHECK_OK(clout_builder_finish(&b, &G, msg));
    free(src);
    free(dst);
    return G;
}

static void test_spmm(void)
{
    char msg[CLOUT_MSG_LEN];
    int64_t widths[] = {64, 7, 16};
    for (int wi = 0; wi < 3; wi++) {
        int64_t n = 300, m = 200, d = widths[wi];
        clout_i_spm A = {n, m, calloc((size_t)n + 1, 8), malloc(3000 * 4), malloc(3000 * 4)};
        double *dense = calloc((size_t)(n * m), sizeof(double));
        int64_t q = 0;
        for (int64_t i = 0; i < n; i++) {
            for (int64_t j = 0; j < m; j++)
                if (clout_rng_uniform(5, (uint64_t)i, (uint64_t)j) < 0.04 && q < 3000) {
                    A.j[q] = (int32_t)j;
                    A.v[q] = (float)(clout_rng_uniform(6, (uint64_t)i, (uint64_t)j) - 0.5);
                    dense[i * m + j] = A.v[q];
                    q++;
                }
            A.p[i + 1] = q;
        }
        clout_i_mat H, Y, Y2;
        CHECK_OK(clout_i_mat_new(&H, m, d, msg));
        CHECK_OK(clout_i_mat_new(&Y, n, d, msg));
        CHECK_OK(clout_i_mat_new(&Y2, n, d, msg));
        clout_i_normal_init(&H, 1.0, 3, 4);
        clout_i_spmm(&A, &H, &Y, false);
        double worst = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t c = 0; c < d; c++) {
                double s = 0;
                for (int64_t j = 0; j < m; j++) s += dense[i * m + j] * H.x[j * d + c];
                worst = fmax(worst, fabs(s - Y.x[i * d + c]));
            }
        CHECK(worst < 1e-5, "spmm d=%lld: max error %g against the dense product", (long long)d, worst);
        /* accumulate: Y2 = Y + A H = 2 A H */
        clout_i_mat_copy(&Y2, &Y);
        clout_i_spmm(&A, &H, &Y2, true);
        worst = 0;
        for (int64_t i = 0; i < n * d; i++) worst = fmax(worst, fabs(Y2.x[i] - 2 * Y.x[i]));
        CHECK(worst < 1e-5, "spmm accumulate d=%lld: max error %g", (long long)d, worst);
        /* the transpose */
        clout_i_spm T = {0};
        CHECK_OK(clout_i_spm_transpose(&A, &T, msg));
        bool ok = T.n == m && T.p[m] == A.p[n];
        for (int64_t j = 0; ok && j < m; j++)
            for (int64_t k = T.p[j]; k < T.p[j + 1]; k++) ok &= dense[T.j[k] * m + j] == T.v[k];
        CHECK(ok, "the transpose lists A's entries by column");
        clout_i_spm_free(&T);
        clout_i_mat_free(&H);
        clout_i_mat_free(&Y);
        clout_i_mat_free(&Y2);
        clout_i_spm_free(&A);
        free(dense);
    }
}

/* the GCN adjacency: D^-1/2 (A + I) D^-1/2 with A the undirected pattern */
static void test_adjacency(void)
{
    char msg[CLOUT_MSG_LEN];
    clout_graph *G = small_graph(40, 90, true, 11);
    int64_t n = clout_graph_users(G);
    clout_i_spm A = {0};
    CHECK_OK(clout_i_gcn_adjacency(G, &A, msg));
    /* dense reference from S's tuples */
    GrB_Index nv;
    GrB_Matrix_nvals(&nv, G->S);
    GrB_Index *I = malloc(nv * sizeof(GrB_Index)), *J = malloc(nv * sizeof(GrB_Index));
    GrB_Matrix_extractTuples_BOOL(I, J, NULL, &nv, G->S);
    double *ad = calloc((size_t)(n * n), sizeof(double)), *deg = calloc((size_t)n, sizeof(double));
    for (GrB_Index k = 0; k < nv; k++) ad[I[k] * n + J[k]] = ad[J[k] * n + I[k]] = 1;
    for (int64_t i = 0; i < n; i++) ad[i * n + i] = 1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) deg[i] += ad[i * n + j];
    double worst = 0;
    int64_t cnt = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = A.p[i]; k < A.p[i + 1]; k++) {
            int64_t j = A.j[k];
            worst = fmax(worst, fabs(A.v[k] - ad[i * n + j] / sqrt(deg[i] * deg[j])));
            cnt += ad[i * n + j] != 0;
        }
    int64_t want = 0;
    for (int64_t i = 0; i < n * n; i++) want += ad[i] != 0;
    CHECK(worst < 1e-6 && cnt == want && A.p[n] == want, "GCN adjacency: error %g, %lld of %lld entries", worst,
          (long long)cnt, (long long)want);
    /* LightGCN: every user-item entry 1 / sqrt(deg_u deg_i), symmetric */
    clout_i_spm P = {0}, PT = {0};
    CHECK_OK(clout_i_lightgcn_adjacency(G, false, 0.5, &P, msg));
    CHECK_OK(clout_i_spm_transpose(&P, &PT, msg));
    bool sym = P.p[P.n] == 2 * clout_graph_interactions(G);
    for (int64_t k = 0; sym && k < P.p[P.n]; k++) sym &= PT.j[k] == P.j[k] && PT.v[k] == P.v[k];
    CHECK(sym, "the LightGCN adjacency is symmetric with 2|R| entries");
    double rowsum_err = 0;
    for (int64_t u = 0; u < n; u++) {
        int64_t du = P.p[u + 1] - P.p[u];
        for (int64_t k = P.p[u]; k < P.p[u + 1]; k++) {
            int64_t i = P.j[k], di = P.p[i + 1] - P.p[i];
            rowsum_err = fmax(rowsum_err, fabs(P.v[k] - 1.0 / sqrt((double)du * (double)di)));
        }
    }
    CHECK(rowsum_err < 1e-6, "LightGCN adjacency values: error %g", rowsum_err);
    clout_i_spm_free(&P);
    clout_i_spm_free(&PT);
    /* social: user rows average the item and the friend parts, each row's weights as defined */
    CHECK_OK(clout_i_lightgcn_adjacency(G, true, 0.5, &P, msg));
    CHECK(P.p[P.n] == 2 * clout_graph_interactions(G) + (int64_t)nv, "social adjacency: %lld entries",
          (long long)P.p[P.n]);
    clout_i_spm_free(&P);
    free(I);
    free(J);
    free(ad);
    free(deg);
    clout_i_spm_free(&A);
    clout_graph_free(&G);
}

/* central differences of the float loss, in double, against the analytic gradient. A ReLU kink
 * within the step makes the difference quotient meaningless there: such entries (where the
 * quotients at h and h/4 disagree) are skipped, and must be few. */
static void fd_check(const char *what, clout_i_mat *W, const clout_i_mat *g, double (*loss)(void *), void *ctx,
                     int stride)
{
    double worst = 0, scale = 0;
    int64_t n = W->rows * W->cols, tried = 0, kinks = 0;
    for (int64_t i = 0; i < n; i++) scale = fmax(scale, fabs(g->x[i]));
    double tol = 2e-3 * fmax(scale, 1e-2);
    for (int64_t i = 0; i < n; i += stride) {
        float keep = W->x[i];
        double q[2];
        for (int r = 0; r < 2; r++) {
            const float h = r == 0 ? 1e-2f : 2.5e-3f;
            W->x[i] = keep + h;
            double lp = loss(ctx);
            W->x[i] = keep - h;
            double lm = loss(ctx);
            W->x[i] = keep;
            q[r] = (lp - lm) / (2.0 * (double)h);
        }
        tried++;
        if (fabs(q[0] - q[1]) > tol) {
            kinks++;
            continue;
        }
        worst = fmax(worst, fabs(q[0] - g->x[i]));
    }
    CHECK(worst <= tol, "%s: gradient off by %g (largest gradient %g)", what, worst, scale);
    CHECK(kinks * 4 <= tried, "%s: %lld of %lld entries near a kink", what, (long long)kinks, (long long)tried);
}

typedef struct {
    clout_graph *G;
    const double *X;
    int nf, L;
    const int32_t *y;
    const double *tz;
    const int *dims;
    clout_i_mat *W, *b;
    const int64_t *rows;
    int64_t nr;
    double dropout;
} gcn_ctx;

static double gcn_loss(void *p)
{
    gcn_ctx *c = p;
    char msg[CLOUT_MSG_LEN];
    double l = NAN;
    clout_i_gcn_loss_grad(c->G, c->X, c->nf, c->y, c->tz, c->L, c->dims, c->W, c->b, c->rows, c->nr, c->dropout, 9, NULL,
                          NULL, &l, msg);
    return l;
}

static void test_gcn_gradients(void)
{
    char msg[CLOUT_MSG_LEN];
    clout_graph *G = small_graph(30, 60, false, 21);
    int64_t n = clout_graph_users(G);
    int32_t *y = malloc((size_t)n * sizeof(int32_t));
    double *tz = malloc((size_t)n * sizeof(double)), *X = malloc((size_t)n * 3 * sizeof(double));
    int64_t *rows = malloc((size_t)n * sizeof(int64_t));
    for (int64_t u = 0; u < n; u++) {
        y[u] = (int32_t)clout_rng_bounded(1, 8, (uint64_t)u, 3);
        tz[u] = clout_rng_uniform(1, 9, (uint64_t)u) * 2 - 1;
        for (int f = 0; f < 3; f++) X[u * 3 + f] = clout_rng_uniform(1, 10, (uint64_t)(u * 3 + f));
        rows[u] = u;
    }
    for (int variant = 0; variant < 4; variant++) {
        /* identity or 3 features; classification or regression; with and without dropout */
        bool ident = variant % 2 == 0, cls = variant < 2;
        int nf = ident ? 0 : 3, L = 2;
        int dims[3] = {nf, 5, cls ? 3 : 1};
        clout_i_mat W[2], b[2], dW[2], db[2];
        for (int l = 0; l < L; l++) {
            CHECK_OK(clout_i_mat_new(&W[l], l == 0 && ident ? n : dims[l], dims[l + 1], msg));
            CHECK_OK(clout_i_mat_new(&dW[l], W[l].rows, W[l].cols, msg));
            CHECK_OK(clout_i_mat_new(&b[l], 1, dims[l + 1], msg));
            CHECK_OK(clout_i_mat_new(&db[l], 1, dims[l + 1], msg));
            clout_i_glorot(&W[l], 5, (uint64_t)(variant * 10 + l));
            clout_i_normal_init(&b[l], 0.1, 6, (uint64_t)(variant * 10 + l));
        }
        gcn_ctx c = {G, X, nf, L, cls ? y : NULL, cls ? NULL : tz, dims, W, b, rows, n / 2, variant == 3 ? 0.0 : 0.4};
        char what[64];
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: as initialized (relu kinks around: weights checked away from them); pass 1:
             * the first bias shifted up so every hidden unit is active (biases checked) */
            if (pass == 1)
                for (int64_t c2 = 0; c2 < b[0].cols; c2++) b[0].x[c2] += 3.0f;
            double l0;
            CHECK_OK(clout_i_gcn_loss_grad(G, X, nf, c.y, c.tz, L, dims, W, b, rows, n / 2, c.dropout, 9, dW, db, &l0,
                                           msg));
            for (int l = 0; l < L; l++) {
                snprintf(what, sizeof what, "GCN variant %d pass %d W%d", variant, pass, l);
                fd_check(what, &W[l], &dW[l], gcn_loss, &c, 1);
                if (pass == 0 && l == 0) continue;
                snprintf(what, sizeof what, "GCN variant %d pass %d b%d", variant, pass, l);
                fd_check(what, &b[l], &db[l], gcn_loss, &c, 1);
            }
        }
        for (int l = 0; l < L; l++) {
            clout_i_mat_free(&W[l]);
            clout_i_mat_free(&b[l]);
            clout_i_mat_free(&dW[l]);
            clout_i_mat_free(&db[l]);
        }
    }
    /* the losses against hand values: two rows, logits (0, ln 3): softmax (1/4, 3/4) */
    clout_i_mat Z, dZ;
    CHECK_OK(clout_i_mat_new(&Z, 2, 2, msg));
    CHECK_OK(clout_i_mat_new(&dZ, 2, 2, msg));
    Z.x[1] = (float)log(3.0);
    Z.x[3] = (float)log(3.0);
    int32_t yy[2] = {0, 1};
    int64_t rr[2] = {0, 1};
    double l = clout_i_softmax_xent(&Z, yy, rr, 2, &dZ);
    CHECK(fabs(l - 0.5 * (log(4.0) + log(4.0 / 3.0))) < 1e-6, "cross-entropy %g", l);
    CHECK(fabs(dZ.x[0] - (0.25 - 1) / 2) < 1e-6 && fabs(dZ.x[3] - (0.75 - 1) / 2) < 1e-6, "cross-entropy gradient");
    double t2[2] = {1.0, -1.0};
    l = clout_i_mse(&Z, t2, rr, 2, &dZ);
    CHECK(fabs(l - 0.5 * (1.0 + 1.0)) < 1e-6 && fabs(dZ.x[0] - (-1.0)) < 1e-6 && fabs(dZ.x[2] - 1.0) < 1e-6,
          "mse %g", l);
    clout_i_mat_free(&Z);
    clout_i_mat_free(&dZ);
    free(y);
    free(tz);
    free(X);
    free(rows);
    clout_graph_free(&G);
}

typedef struct {
    clout_i_spm *P, *PT;
    int L;
    clout_i_mat *E0, *g;
    int64_t *smp, bn, n;
} bpr_ctx;

static double bpr_loss(void *p)
{
    bpr_ctx *c = p;
    char msg[CLOUT_MSG_LEN];
    double l = NAN;
    clout_i_bpr_loss_grad(c->P, c->PT, c->L, c->E0, c->smp, c->bn, c->n, 0.05, c->g, &l, msg);
    return l;
}

static void test_bpr_gradients(void)
{
    char msg[CLOUT_MSG_LEN];
    clout_graph *G = small_graph(12, 20, true, 31);
    int64_t n = clout_graph_users(G), m = clout_graph_items(G), N = n + m;
    for (int social = 0; social < 2; social++) {
        for (int L = 0; L <= 2; L++) {
            clout_i_spm P = {0}, PT = {0};
            CHECK_OK(clout_i_lightgcn_adjacency(G, social, 0.5, &P, msg));
            if (social) CHECK_OK(clout_i_spm_transpose(&P, &PT, msg));
            clout_i_mat E0, g, g2;
            CHECK_OK(clout_i_mat_new(&E0, N, 4, msg));
            CHECK_OK(clout_i_mat_new(&g, N, 4, msg));
            CHECK_OK(clout_i_mat_new(&g2, N, 4, msg));
            clout_i_normal_init(&E0, 0.5, 7, (uint64_t)L);
            int64_t smp[3 * 6];
            for (int s = 0; s < 6; s++) {
                smp[3 * s] = s % n;
                smp[3 * s + 1] = s % m;
                smp[3 * s + 2] = (s + 3) % m;
            }
            bpr_ctx c = {&P, social ? &PT : NULL, L, &E0, &g2, smp, 6, n};
            double l;
            CHECK_OK(clout_i_bpr_loss_grad(&P, social ? &PT : NULL, L, &E0, smp, 6, n, 0.05, &g, &l, msg));
            char what[64];
            snprintf(what, sizeof what, "BPR social=%d layers=%d", social, L);
            fd_check(what, &E0, &g, bpr_loss, &c, 1);
            clout_i_mat_free(&E0);
            clout_i_mat_free(&g);
            clout_i_mat_free(&g2);
            clout_i_spm_free(&P);
            clout_i_spm_free(&PT);
        }
    }
    clout_graph_free(&G);
}

static void test_adam(void)
{
    char msg[CLOUT_MSG_LEN];
    clout_i_mat W, g, m, v;
    CHECK_OK(clout_i_mat_new(&W, 1, 3, msg));
    CHECK_OK(clout_i_mat_new(&g, 1, 3, msg));
    CHECK_OK(clout_i_mat_new(&m, 1, 3, msg));
    CHECK_OK(clout_i_mat_new(&v, 1, 3, msg));
    float g1[3] = {0.5f, -2.0f, 1e-3f}, g2[3] = {-1.0f, 1.0f, 0.0f};
    double w[3] = {1, 2, 3}, mm[3] = {0}, vv[3] = {0};
    for (int i = 0; i < 3; i++) W.x[i] = (float)w[i];
    clout_i_adam o = {0.01, 0.9, 0.999, 1e-8};
    for (int t = 1; t <= 2; t++) {
        for (int i = 0; i < 3; i++) {
            g.x[i] = t == 1 ? g1[i] : g2[i];
            mm[i] = 0.9 * mm[i] + 0.1 * g.x[i];
            vv[i] = 0.999 * vv[i] + 0.001 * g.x[i] * g.x[i];
            w[i] -= 0.01 * (mm[i] / (1 - pow(0.9, t))) / (sqrt(vv[i] / (1 - pow(0.999, t))) + 1e-8);
        }
        clout_i_adam_step(&o, t, &W, &g, &m, &v);
    }
    for (int i = 0; i < 3; i++) CHECK(fabs(W.x[i] - w[i]) < 1e-6, "Adam weight %d: %g, formula %g", i, W.x[i], w[i]);
    clout_i_mat_free(&W);
    clout_i_mat_free(&g);
    clout_i_mat_free(&m);
    clout_i_mat_free(&v);
}

/* one seed, one model: bit-identical for 1 and 2 threads; and the file round-trips */
static void test_threads_and_files(const char *tmpdir)
{
    char msg[CLOUT_MSG_LEN];
    clout_graph *G = small_graph(1200, 5000, true, 41);
    int64_t n = clout_graph_users(G);
    int32_t *y = malloc((size_t)n * sizeof(int32_t));
    static const char *names[] = {"a", "b", "c"};
    for (int64_t u = 0; u < n; u++) y[u] = u % 7 == 0 ? -1 : (int32_t)clout_rng_bounded(2, 1, (uint64_t)u, 3);
    clout_model *ma[2] = {NULL, NULL}, *la[2] = {NULL, NULL};
    clout_gcn_opts go;
    clout_gcn_opts_init(&go);
    go.epochs = 15;
    clout_lightgcn_opts lo;
    clout_lightgcn_opts_init(&lo);
    lo.epochs = 3;
    lo.batch = 64;
    lo.social = true;
    clout_gcn_report rep;
    for (int t = 0; t < 2; t++) {
        CHECK_OK(clout_set_threads(t + 1, msg));
        CHECK_OK(clout_gcn_train(G, &go, NULL, 0, y, 3, names, NULL, NULL, NULL, &ma[t], &rep, msg));
        CHECK_OK(clout_lightgcn_train(G, &lo, NULL, NULL, 0, NULL, NULL, &la[t], msg));
    }
    CHECK(rep.n[0] + rep.n[1] + rep.n[2] == n - (n + 6) / 7, "split sizes %lld %lld %lld", (long long)rep.n[0],
          (long long)rep.n[1], (long long)rep.n[2]);
    for (int k = 0; ma[0] && ma[1] && k < ma[0]->ntensors; k++) {
        const clout_i_mat *a = &ma[0]->t[k], *b = &ma[1]->t[k];
        CHECK(a->rows == b->rows && memcmp(a->x, b->x, (size_t)(a->rows * a->cols) * 4) == 0,
              "GCN tensor %s differs between 1 and 2 threads", ma[0]->tname[k]);
    }
    for (int k = 0; la[0] && la[1] && k < la[0]->ntensors; k++) {
        const clout_i_mat *a = &la[0]->t[k], *b = &la[1]->t[k];
        CHECK(a->rows == b->rows && memcmp(a->x, b->x, (size_t)(a->rows * a->cols) * 4) == 0,
              "LightGCN tensor %s differs between 1 and 2 threads", la[0]->tname[k]);
    }
    /* files: save, load, same predictions; truncations and corruptions refused */
    char path[1024];
    snprintf(path, sizeof path, "%s/test_gnn.clout-model", tmpdir);
    CHECK_OK(clout_model_save(ma[0], path, msg));
    clout_model *back = NULL;
    CHECK_OK(clout_model_load(&back, path, msg));
    double *p1 = malloc((size_t)n * sizeof(double)), *p2 = malloc((size_t)n * sizeof(double));
    CHECK_OK(clout_gcn_predict(ma[0], G, NULL, 0, p1, NULL, msg));
    if (back) CHECK_OK(clout_gcn_predict(back, G, NULL, 0, p2, NULL, msg));
    CHECK(back && memcmp(p1, p2, (size_t)n * sizeof(double)) == 0, "the loaded model predicts the same");
    CHECK(back && clout_model_classes(back) == 3 && strcmp(clout_model_class_name(back, 2), "c") == 0, "classes kept");
    clout_model_free(&back);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len);
    CHECK(fread(buf, 1, (size_t)len, f) == (size_t)len, "read back");
    fclose(f);
    char bad[1100];
    snprintf(bad, sizeof bad, "%s/test_gnn_bad.clout-model", tmpdir);
    int refused = 0, tried = 0;
    for (long cut = 0; cut < len; cut += cut < 200 ? 1 : 97) {
        f = fopen(bad, "wb");
        fwrite(buf, 1, (size_t)cut, f);
        fclose(f);
        tried++;
        clout_model *x = NULL;
        int s = clout_model_load(&x, bad, msg);
        refused += s == CLOUT_ERR_DATA && x == NULL;
        clout_model_free(&x);
    }
    CHECK(refused == tried, "%d of %d truncated model files refused with CLOUT_ERR_DATA", refused, tried);
    for (int k = 0; k < 400; k++) {
        long at = (long)clout_rng_bounded(3, 3, (uint64_t)k, (uint64_t)(len < 600 ? len : 600));
        unsigned char keep = buf[at];
        buf[at] = (unsigned char)clout_rng_bounded(3, 4, (uint64_t)k, 256);
        f = fopen(bad, "wb");
        fwrite(buf, 1, (size_t)len, f);
        fclose(f);
        buf[at] = keep;
        clout_model *x = NULL;
        int s = clout_model_load(&x, bad, msg);
        if (s >= 0) {
            /* a flip the format cannot see (inside a float or a name): the model must still be
             * usable or refused cleanly when used */
            double *pp = malloc((size_t)n * sizeof(double));
            int s2 = clout_gcn_predict(x, G, NULL, 0, pp, NULL, msg);
            CHECK(s2 >= 0 || s2 == CLOUT_ERR_DATA || s2 == CLOUT_ERR_INVALID, "corrupt model used: status %d", s2);
            free(pp);
        } else {
            CHECK(s == CLOUT_ERR_DATA || s == CLOUT_ERR_NOMEM || s == CLOUT_ERR_INVALID, "corrupt model: status %d: %s", s,
                  msg);
        }
        clout_model_free(&x);
    }
    remove(bad);
    remove(path);
    free(buf);
    free(p1);
    free(p2);
    for (int t = 0; t < 2; t++) {
        clout_model_free(&ma[t]);
        clout_model_free(&la[t]);
    }
    free(y);
    clout_graph_free(&G);
}

int main(int argc, char **argv)
{
    check_init();
    const char *tmp = argc > 1 ? argv[1] : "/tmp";
    test_spmm();
    test_adjacency();
    test_gcn_gradients();
    test_bpr_gradients();
    test_adam();
    test_threads_and_files(tmp);
    return check_done("test_gnn");
}
