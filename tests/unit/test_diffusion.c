/* test_diffusion.c: IC probabilities, RR-set and Monte Carlo estimates against the exact spread
 * and depth of tiny graphs (every live-edge world enumerated), against each other on a bundled
 * graph, and identical for 1 and 2 threads. All draws are seeded: a pass is reproducible. */
#include "check.h"
#include "diffusion_internal.h"

static char msg[CLOUT_MSG_LEN];

static clout_graph *from_text(const char *edges, bool undirected)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.undirected = undirected;
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    clout_builder_new(&b, &o, msg);
    CHECK(clout_builder_add_edges_mem(b, "e", edges, strlen(edges), &o, msg) >= 0, "%s", msg);
    CHECK(clout_builder_finish(&b, &G, msg) == 0, "%s", msg);
    return G;
}

/* exact sigma({u}) and expected depth by enumerating the 2^m live-edge worlds */
static void exact(const clout_graph *G, const double *p, const int64_t *src, const int64_t *dst, int m, int64_t u,
                  double *sigma, double *depth)
{
    int64_t n = clout_graph_users(G);
    *sigma = *depth = 0;
    for (uint32_t world = 0; world < (1u << m); world++) {
        double pw = 1;
        for (int e = 0; e < m; e++) pw *= (world >> e & 1) ? p[e] : 1 - p[e];
        int dist[16];
        for (int v = 0; v < n; v++) dist[v] = -1;
        dist[u] = 0;
        int q[16], h = 0, t = 0, maxd = 0;
        q[t++] = (int)u;
        while (h < t) {
            int v = q[h++];
            for (int e = 0; e < m; e++)
                if ((world >> e & 1) && src[e] == v && dist[dst[e]] < 0) {
                    dist[dst[e]] = dist[v] + 1;
                    maxd = dist[dst[e]];
                    q[t++] = (int)dst[e];
                }
        }
        *sigma += pw * t;
        *depth += pw * maxd;
    }
}

/* The tiny test graph: 7 users, 11 ties (a cycle, a chord, a fan), small enough to enumerate its
 * 2^11 live-edge worlds. Its ties with dense ids and the model's probabilities are computed here
 * independently of clout (wc: w / in-weight; otherwise const:0.3). The caller frees G and P. */
static const char *tiny_edges = "0 1 1\n1 2 2\n2 3 1\n3 0 1\n0 2 3\n2 4 1\n4 5 1\n5 6 2\n6 4 1\n1 5 1\n3 6 1\n";

typedef struct {
    clout_graph *G;
    clout_influence *P;
    int n;
    int64_t src[11], dst[11];
    double p[11];
} tiny_graph;

static void tiny_load(const char *model, tiny_graph *t)
{
    t->G = from_text(tiny_edges, false);
    t->n = (int)clout_graph_users(t->G);
    clout_prob_model pm;
    CHECK(clout_prob_parse(model, &pm, msg) == 0, "%s", msg);
    t->P = NULL;
    CHECK(clout_influence_new(&t->P, t->G, &pm, 0, msg) == 0, "%s", msg);
    double w[11], inw[16] = {0};
    const char *c = tiny_edges;
    for (int k = 0; k < 11; k++) {
        char a[8], b[8];
        int len;
        sscanf(c, "%7s %7s %lf%n", a, b, &w[k], &len);
        c += len + 1;
        t->src[k] = clout_idmap_find(t->G->users, a, strlen(a));
        t->dst[k] = clout_idmap_find(t->G->users, b, strlen(b));
        inw[t->dst[k]] += w[k];
    }
    for (int k = 0; k < 11; k++) t->p[k] = strcmp(model, "wc") == 0 ? w[k] / inw[t->dst[k]] : 0.3;
}

/* exact LT spread and expected depth of a seed set: in the live-edge view of LT each user keeps
 * at most one of its in-ties, tie k with probability b_k; enumerate every choice of every user,
 * then take BFS levels over the chosen ties */
static void exact_lt_both(int n, const double *b, const int64_t *src, const int64_t *dst, int m, const int64_t *seeds,
                          int ns, double *sigma, double *depth)
{
    int pick[16], in[16][16], nin[16] = {0};
    for (int e = 0; e < m; e++) in[dst[e]][nin[dst[e]]++] = e;
    for (int v = 0; v < n; v++) pick[v] = -1;
    *sigma = *depth = 0;
    for (;;) {
        double pw = 1;
        for (int v = 0; v < n; v++) {
            double none = 1;
            for (int j = 0; j < nin[v]; j++) none -= b[in[v][j]];
            pw *= pick[v] < 0 ? none : b[in[v][pick[v]]];
        }
        if (pw > 0) {
            int dist[16], q[16], h = 0, t = 0, maxd = 0;
            for (int v = 0; v < n; v++) dist[v] = -1;
            for (int i = 0; i < ns; i++)
                if (dist[seeds[i]] < 0) dist[seeds[i]] = 0, q[t++] = (int)seeds[i];
            while (h < t) {
                int x = q[h++];
                for (int v = 0; v < n; v++)
                    if (dist[v] < 0 && pick[v] >= 0 && src[in[v][pick[v]]] == x) {
                        dist[v] = dist[x] + 1;
                        maxd = dist[v];
                        q[t++] = v;
                    }
            }
            *sigma += pw * t;
            *depth += pw * maxd;
        }
        /* next choice vector (odometer over pick[v] in -1 .. nin[v]-1) */
        int v = 0;
        while (v < n && ++pick[v] >= nin[v]) pick[v++] = -1;
        if (v == n) break;
    }
}

static double exact_lt(int n, const double *b, const int64_t *src, const int64_t *dst, int m, const int64_t *seeds,
                       int ns)
{
    double sigma, depth;
    exact_lt_both(n, b, src, dst, m, seeds, ns, &sigma, &depth);
    return sigma;
}

static void tiny(const char *model)
{
    tiny_graph tg;
    tiny_load(model, &tg);
    clout_graph *G = tg.G;
    clout_influence *P = tg.P;
    int n = tg.n;
    const int64_t *src = tg.src, *dst = tg.dst;
    const double *p = tg.p;
    int64_t theta = 400000, sims = 40000, *cnt = malloc((size_t)n * sizeof(int64_t)), users[16];
    double sp[16], se[16], dp[16];
    for (int64_t u = 0; u < n; u++) users[u] = u;
    int64_t roots[16];
    CHECK(clout_rr_counts(P, false, theta, 3, cnt, roots, msg) == 0, "%s", msg);
    CHECK(clout_ic_cascades(P, users, n, sims, 3, sp, se, dp, msg) == 0, "%s", msg);
    for (int64_t u = 0; u < n; u++) {
        double sig, dep;
        exact(G, p, src, dst, 11, u, &sig, &dep);
        /* the estimator with u's own activation counted exactly: at least 1, and as close */
        double others = (double)(theta - roots[u]), g = (double)(cnt[u] - roots[u]) / others;
        double rr1 = 1 + (double)(n - 1) * g, rr1se = (double)(n - 1) * sqrt(g * (1 - g) / others);
        CHECK(rr1 >= 1 && fabs(rr1 - sig) < 4 * rr1se + 1e-12, "%s user %lld: RR estimate (own root exact) %.4f +- %.4f, exact %.4f",
              model, (long long)u, rr1, rr1se, sig);
        CHECK(roots[u] > 0 && roots[u] < theta / 4, "%s user %lld: %lld sets rooted there of %lld", model, (long long)u,
              (long long)roots[u], (long long)theta);
        double f = (double)cnt[u] / (double)theta, rr = (double)n * f, rrse = (double)n * sqrt(f * (1 - f) / (double)theta);
        /* 4 standard errors: a sound estimator fails this about once in 16,000 checks */
        CHECK(fabs(rr - sig) < 4 * rrse, "%s user %lld: RR estimate %.4f +- %.4f, exact %.4f", model, (long long)u, rr,
              rrse, sig);
        CHECK(fabs(sp[u] - sig) < 4 * se[u], "%s user %lld: Monte Carlo %.4f +- %.4f, exact %.4f", model, (long long)u,
              sp[u], se[u], sig);
        /* depth is at most 6 here, so its standard error is below 6 / sqrt(sims) = 0.03 */
        CHECK(fabs(dp[u] - dep) < 0.12, "%s user %lld: depth %.4f, exact %.4f", model, (long long)u, dp[u], dep);
    }
    /* depths for every user at once from shared live-edge graphs (IC and LT), and RR sets under
     * LT (paths of single in-tie picks), against the exact values */
    double cd[16];
    enum { WORLDS = 40000 };
    for (int lt = 0; lt < 2; lt++) {
        CHECK(clout_cascade_depths(P, lt, WORLDS, 5, cd, msg) == 0, "%s", msg);
        if (lt) CHECK(clout_rr_counts(P, true, theta, 3, cnt, NULL, msg) == 0, "%s", msg);
        for (int64_t u = 0; u < n; u++) {
            double sig, dep;
            if (lt) exact_lt_both(n, p, src, dst, 11, &u, 1, &sig, &dep);
            else exact(G, p, src, dst, 11, u, &sig, &dep);
            CHECK(fabs(cd[u] - dep) < 0.12, "%s %s user %lld: live-edge depth %.4f, exact %.4f", model, lt ? "LT" : "IC",
                  (long long)u, cd[u], dep);
            if (!lt) continue;
            double f = (double)cnt[u] / (double)theta, rr = (double)n * f, rrse = (double)n * sqrt(f * (1 - f) / (double)theta);
            CHECK(fabs(rr - sig) < 4 * rrse + 1e-12, "%s LT user %lld: RR estimate %.4f +- %.4f, exact %.4f", model,
                  (long long)u, rr, rrse, sig);
        }
    }
    /* the same depths for 1 and 2 threads */
    double cd1[16];
    clout_set_threads(1, msg);
    clout_cascade_depths(P, false, 500, 9, cd1, msg);
    clout_set_threads(2, msg);
    clout_cascade_depths(P, false, 500, 9, cd, msg);
    CHECK(memcmp(cd, cd1, (size_t)n * sizeof(double)) == 0, "live-edge depths depend on the thread count");
    free(cnt);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* exact IC spread of a seed set over every live-edge world */
static double exact_ic(int n, const double *p, const int64_t *src, const int64_t *dst, int m, const int64_t *seeds,
                       int ns)
{
    double total = 0;
    for (uint32_t world = 0; world < (1u << m); world++) {
        double pw = 1;
        for (int e = 0; e < m; e++) pw *= (world >> e & 1) ? p[e] : 1 - p[e];
        bool act[16] = {false};
        for (int i = 0; i < ns; i++) act[seeds[i]] = true;
        for (bool grew = true; grew;) {
            grew = false;
            for (int e = 0; e < m; e++)
                if ((world >> e & 1) && act[src[e]] && !act[dst[e]]) act[dst[e]] = grew = true;
        }
        int cnt = 0;
        for (int v = 0; v < n; v++) cnt += act[v];
        total += pw * cnt;
    }
    return total;
}

static void seed_sets(const char *model)
{
    tiny_graph tg;
    tiny_load(model, &tg);
    clout_graph *G = tg.G;
    clout_influence *P = tg.P;
    int n = tg.n;
    const int64_t *src = tg.src, *dst = tg.dst;
    const double *p = tg.p;
    int64_t sets[3][2] = {{0, 0}, {2, 5}, {3, 6}};
    int lens[3] = {1, 2, 2};
    enum { SIMS = 60000 };
    int64_t *sz = malloc(SIMS * sizeof(int64_t)), *sz2 = malloc(SIMS * sizeof(int64_t));
    for (int q = 0; q < 3; q++) {
        int64_t seeds[2];
        for (int i = 0; i < lens[q]; i++)
            seeds[i] = clout_idmap_find(G->users, (char[]){(char)('0' + sets[q][i]), 0}, 1);
        for (int lt = 0; lt < 2; lt++) {
            CHECK(clout_simulate(P, lt, seeds, lens[q], SIMS, 4, sz, NULL, msg) == 0, "%s", msg);
            double mean = 0, var = 0;
            for (int i = 0; i < SIMS; i++) mean += (double)sz[i];
            mean /= SIMS;
            for (int i = 0; i < SIMS; i++) var += ((double)sz[i] - mean) * ((double)sz[i] - mean);
            double se = sqrt(var / (SIMS - 1) / SIMS);
            double want = lt ? exact_lt(n, p, src, dst, 11, seeds, lens[q]) : exact_ic(n, p, src, dst, 11, seeds, lens[q]);
            CHECK(fabs(mean - want) < 4 * se + 1e-12, "%s %s seed set %d: Monte Carlo %.4f +- %.4f, exact %.4f", model,
                  lt ? "LT" : "IC", q, mean, se, want);
        }
    }
    /* the same sizes for 1 and 2 threads */
    int64_t two[2] = {0, 4};
    clout_set_threads(1, msg);
    clout_simulate(P, true, two, 2, SIMS, 8, sz, NULL, msg);
    clout_set_threads(2, msg);
    clout_simulate(P, true, two, 2, SIMS, 8, sz2, NULL, msg);
    CHECK(memcmp(sz, sz2, SIMS * sizeof(int64_t)) == 0, "LT simulations depend on the thread count");
    free(sz);
    free(sz2);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

static double exact_spread(bool lt, int n, const double *p, const int64_t *src, const int64_t *dst, int m,
                           const int64_t *seeds, int ns)
{
    return lt ? exact_lt(n, p, src, dst, m, seeds, ns) : exact_ic(n, p, src, dst, m, seeds, ns);
}

/* IMM against the exhaustive optimum of k <= 3 seeds, by exact spreads, on the tiny graph, under IC
 * (live-edge worlds) or LT (every choice of at most one in-tie per user; the tiny graph's in-ties
 * sum to at most 1, so the LT weights are the probabilities themselves) */
static void imm_optimum(const char *model, bool lt)
{
    const char *mname = lt ? "LT" : "IC";
    tiny_graph tg;
    tiny_load(model, &tg);
    clout_graph *G = tg.G;
    clout_influence *P = tg.P;
    int n = tg.n;
    const int64_t *src = tg.src, *dst = tg.dst;
    const double *p = tg.p;
    for (int k = 1; k <= 3; k++) {
        double opt = 0;
        int64_t s3[3];
        for (int a = 0; a < n; a++)
            for (int b = k > 1 ? a + 1 : n - 1; b < n; b++)
                for (int c2 = k > 2 ? b + 1 : n - 1; c2 < n; c2++) {
                    s3[0] = a, s3[1] = b, s3[2] = c2;
                    double v = exact_spread(lt, n, p, src, dst, 11, s3, k);
                    if (v > opt) opt = v;
                }
        int64_t seeds[3], seeds2[3], used, used2;
        double sp[3], sp2[3];
        clout_set_threads(1, msg);
        CHECK(clout_im_imm(P, lt, k, 0.1, 0, 3, 0.005, seeds, sp, &used, NULL, msg) == 0, "%s", msg);
        clout_set_threads(2, msg);
        CHECK(clout_im_imm(P, lt, k, 0.1, 0, 3, 0.005, seeds2, sp2, &used2, NULL, msg) == 0, "%s", msg);
        double got = exact_spread(lt, n, p, src, dst, 11, seeds, k);
        CHECK(got >= (1 - 1 / M_E - 0.1) * opt, "%s %s k=%d: IMM seeds spread %.4f, optimum %.4f", model, mname, k, got, opt);
        /* IMM approximates greedy on exact marginal gains: its seeds do as well, up to sampling */
        int64_t gs[3];
        for (int i = 0; i < k; i++) {
            double bestv = -1;
            for (int v = 0; v < n; v++) {
                gs[i] = v;
                double val = exact_spread(lt, n, p, src, dst, 11, gs, i + 1);
                if (val > bestv) bestv = val, s3[i] = v;
            }
            gs[i] = s3[i];
        }
        double greedy_exact = exact_spread(lt, n, p, src, dst, 11, gs, k);
        CHECK(got >= 0.97 * greedy_exact, "%s %s k=%d: IMM %.4f, exact greedy %.4f", model, mname, k, got, greedy_exact);
        /* OPIM-C: its seeds reach the guarantee, and the ratio it certifies is a true lower bound */
        int64_t os[3], os2[3], oused;
        double osp[3], ratio, ratio2;
        clout_set_threads(1, msg);
        CHECK(clout_im_opimc(P, lt, k, 0.1, 0, 3, os, osp, &oused, &ratio, msg) == 0, "%s", msg);
        clout_set_threads(2, msg);
        CHECK(clout_im_opimc(P, lt, k, 0.1, 0, 3, os2, osp, &oused, &ratio2, msg) == 0, "%s", msg);
        double ogot = exact_spread(lt, n, p, src, dst, 11, os, k);
        CHECK(ogot >= (1 - 1 / M_E - 0.1) * opt, "%s %s k=%d: OPIM-C seeds %.4f, optimum %.4f", model, mname, k, ogot, opt);
        CHECK(ratio >= 1 - 1 / M_E - 0.1 && ogot >= ratio * opt - 1e-9, "%s %s k=%d: OPIM-C certified %.4f, actual %.4f",
              model, mname, k, ratio, ogot / opt);
        CHECK(memcmp(os, os2, (size_t)k * sizeof(int64_t)) == 0 && ratio == ratio2, "OPIM-C depends on the thread count");
        int64_t cs[3];
        double csp[3];
        CHECK(clout_im_celf(P, lt, k, 20000, 5, cs, csp, msg) == 0, "%s", msg);
        double cgot = exact_spread(lt, n, p, src, dst, 11, cs, k);
        CHECK(cgot >= 0.97 * greedy_exact, "%s %s k=%d: CELF %.4f, exact greedy %.4f", model, mname, k, cgot, greedy_exact);
        CHECK(fabs(sp[k - 1] - got) < 0.03 * got, "%s %s k=%d: IMM estimate %.4f, exact %.4f", model, mname, k, sp[k - 1], got);
        CHECK(used == used2 && memcmp(seeds, seeds2, (size_t)k * sizeof(int64_t)) == 0 && memcmp(sp, sp2, (size_t)k * sizeof(double)) == 0,
              "IMM depends on the thread count");
    }
    CHECK(clout_im_imm(P, lt, 0, 0.1, 0, 3, 0.005, NULL, NULL, NULL, NULL, msg) == CLOUT_ERR_INVALID, "k = 0 accepted");
    CHECK(clout_im_imm(P, lt, 99, 0.1, 0, 3, 0.005, NULL, NULL, NULL, NULL, msg) == CLOUT_ERR_INVALID && strstr(msg, "k must be"),
          "k > users accepted: %s", msg);
    CHECK(clout_im_imm(P, lt, 1, 0, 0, 3, 0.005, NULL, NULL, NULL, NULL, msg) == CLOUT_ERR_INVALID && strstr(msg, "epsilon"),
          "epsilon 0 accepted: %s", msg);
    /* degree: user 2 has three out-ties (3, 4 and... ) the most; degree-discount differs only later */
    int64_t d[2];
    CHECK(clout_im_degree(P, 2, false, d, msg) == 0, "%s", msg);
    int64_t most = 0;
    for (int64_t v = 1; v < n; v++)
        if (P->optr[v + 1] - P->optr[v] > P->optr[most + 1] - P->optr[most]) most = v;
    CHECK(d[0] == most, "degree baseline picked %lld, not %lld", (long long)d[0], (long long)most);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* imm and celf agree within 2% on real graphs, both scored by the same Monte Carlo evaluator */
static void imm_vs_celf(const char *root, const char *file, bool header)
{
    clout_graph *G = check_load_edges(root, file, false, header);
    if (!G) return;
    clout_prob_model pm;
    clout_prob_parse("wc", &pm, msg);
    clout_influence *P = NULL;
    CHECK(clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
    enum { K = 10, EVAL = 20000 };
    int64_t si[K], sc[K], used, *sz = malloc(EVAL * sizeof(int64_t));
    double spi[K], spc[K], ei = 0, ec = 0;
    CHECK(clout_im_imm(P, false, K, 0.1, 0, 1, 0.005, si, spi, &used, NULL, msg) == 0, "%s", msg);
    CHECK(clout_im_celf(P, false, K, 500, 1, sc, spc, msg) == 0, "%s", msg);
    clout_simulate(P, false, si, K, EVAL, 99, sz, NULL, msg);
    for (int i = 0; i < EVAL; i++) ei += (double)sz[i] / EVAL;
    clout_simulate(P, false, sc, K, EVAL, 99, sz, NULL, msg);
    for (int i = 0; i < EVAL; i++) ec += (double)sz[i] / EVAL;
    CHECK(fabs(ei - ec) <= 0.02 * fmax(ei, ec), "%s: imm spread %.2f, celf %.2f", file, ei, ec);
    /* imm's own estimate agrees with the evaluator within 3% */
    CHECK(fabs(spi[K - 1] - ei) <= 0.03 * ei, "%s: imm estimate %.2f, Monte Carlo %.2f", file, spi[K - 1], ei);
    /* greedy through a partial index (and scans for the seeds outside it) picks exactly what the
     * full index picks */
    int64_t sp2[K], used2;
    double spi2[K];
    int64_t keep = clout_i_greedy_index_max;
    clout_i_greedy_index_max = 100;
    CHECK(clout_im_imm(P, false, K, 0.1, 0, 1, 0.005, sp2, spi2, &used2, NULL, msg) == 0, "%s", msg);
    clout_i_greedy_index_max = keep;
    CHECK(used == used2 && memcmp(si, sp2, sizeof si) == 0 && memcmp(spi, spi2, sizeof spi) == 0,
          "%s: greedy with a partial index differs from the full index", file);
    /* the batched sampler (16 sets in flight) draws exactly the one-at-a-time kernel's sets */
    enum { NS = 2000 };
    clout_i_rrws *ws = clout_i_rrws_new(P);
    uint32_t *buf = NULL, *mark = calloc((size_t)P->n, sizeof(uint32_t)), *queue = malloc((size_t)P->n * sizeof(uint32_t));
    int64_t bused = 0, bcap = 0, *offs = malloc((NS + 1) * sizeof(int64_t));
    for (int lt = 0; lt < 2; lt++) {
        bused = 0;
        CHECK(ws && clout_i_rr_sets(P, lt, 7, 5, NS, ws, &buf, &bused, &bcap, offs) == CLOUT_OK, "batched RR sets failed");
        int bad = 0;
        for (int64_t j = 0; j < NS && buf; j++) {
            int64_t q = clout_i_rr_set(P, lt, 7, 5 + (uint64_t)j, mark, (uint32_t)(lt * NS + j + 1), queue);
            bad += q != offs[j + 1] - offs[j] || memcmp(queue, buf + offs[j], (size_t)q * sizeof(uint32_t)) != 0;
        }
        CHECK(bad == 0, "%s %s: %d of %d batched RR sets differ from the one-at-a-time kernel", file, lt ? "LT" : "IC",
              bad, NS);
    }
    clout_i_rrws_free(ws);
    free(buf);
    free(mark);
    free(queue);
    free(offs);
    free(sz);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* learned probabilities on a log where every count is known: u adopts x at 1 and y at 2, v adopts
 * x at 3 and y at 1. A(u) = A(v) = 2; v followed u on x (after 2 s), u followed v on y (after 1 s). */
static void learned(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    const char *e = "u v\nv u\n", *l = "user,item,time\nu,x,1\nu,y,2\nv,x,3\nv,y,1\n";
    clout_builder_new(&b, &o, msg);
    clout_builder_add_edges_mem(b, "e", e, strlen(e), &o, msg);
    clout_builder_add_log_mem(b, "l", l, strlen(l), &o, msg);
    CHECK(clout_builder_finish(&b, &G, msg) == 0, "%s", msg);
    int64_t u = clout_idmap_find(G->users, "u", 1);
    struct { double window, a, b, puv, pvu; } cases[] = {
        {INFINITY, 0, 0, 0.5, 0.5}, /* one of two items each way */
        {1, 0, 0, 0.0, 0.5},        /* v's follow took 2 s: outside a 1 s window */
        {INFINITY, 1, 3, 1.0 / 3, 1.0 / 3}, /* (1 + 1) / (2 + 1 + 3) */
    };
    for (int c = 0; c < 3; c++) {
        clout_prob_model pm;
        CHECK(clout_prob_parse("learned", &pm, msg) == 0, "%s", msg);
        pm.window = cases[c].window;
        pm.a = cases[c].a;
        pm.b = cases[c].b;
        clout_influence *P = NULL;
        CHECK(clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
        /* S's row of u holds the single tie u->v */
        double puv = P->op[P->optr[u]], pvu = P->op[P->optr[1 - u]];
        CHECK(fabs(puv - cases[c].puv) < 1e-12 && fabs(pvu - cases[c].pvu) < 1e-12,
              "learned case %d: p(u,v) %.4f p(v,u) %.4f, expected %.4f %.4f", c, puv, pvu, cases[c].puv, cases[c].pvu);
        /* the in-edge view holds the same values */
        CHECK(fabs(P->ip[P->iptr[1 - u]] - puv) < 1e-12, "learned in-edge copy");
        clout_influence_free(&P);
    }
    clout_graph_free(&G);
}

static void models(void)
{
    /* wc by hand: a->c weight 1, b->c weight 3: p = 1/4 and 3/4; sigma({a}) = 1.25 */
    clout_graph *G = from_text("a c 1\nb c 3\n", false);
    clout_prob_model pm;
    clout_influence *P = NULL;
    clout_prob_parse("wc", &pm, msg);
    CHECK(clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
    int64_t a = clout_idmap_find(G->users, "a", 1), b = clout_idmap_find(G->users, "b", 1);
    double sp[2], se[2];
    int64_t us[2] = {a, b};
    CHECK(clout_ic_cascades(P, us, 2, 100000, 9, sp, se, NULL, msg) == 0, "%s", msg);
    CHECK(fabs(sp[0] - 1.25) < 4 * se[0] && fabs(sp[1] - 1.75) < 4 * se[1], "wc: %.4f %.4f", sp[0], sp[1]);
    clout_influence_free(&P);
    /* weight: a weight of 3 is not a probability */
    clout_prob_parse("weight", &pm, msg);
    CHECK(clout_influence_new(&P, G, &pm, 0, msg) == CLOUT_ERR_DATA && strstr(msg, "tie b -> c is 3"), "weight: %s", msg);
    clout_graph_free(&G);
    CHECK(clout_prob_parse("const:1.5", &pm, msg) == CLOUT_ERR_INVALID, "const above 1");
    CHECK(clout_prob_parse("gossip", &pm, msg) == CLOUT_ERR_INVALID && strstr(msg, "the probability model must be"), "%s", msg);
    /* const:1 on a path reaches everything, deterministically */
    G = from_text("1 2\n2 3\n3 4\n", false);
    clout_prob_parse("const:1", &pm, msg);
    CHECK(clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
    double d[1];
    int64_t one = 0;
    CHECK(clout_ic_cascades(P, &one, 1, 10, 1, sp, NULL, d, msg) == 0 && sp[0] == 4 && d[0] == 3,
          "const:1 path: spread %g depth %g", sp[0], d[0]);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* wiki-Vote with weighted-cascade probabilities, the graph the bundled checks below share; NULL
 * (after a failed check) when it cannot be loaded */
static clout_influence *wiki_wc(const char *root, clout_graph **G)
{
    *G = check_load_edges(root, "datasets/snap_wiki_vote/Wiki-Vote.txt.gz", false, false);
    if (!*G) return NULL;
    clout_prob_model pm;
    clout_prob_parse("wc", &pm, msg);
    clout_influence *P = NULL;
    CHECK(clout_influence_new(&P, *G, &pm, 0, msg) == 0, "%s", msg);
    if (!P) clout_graph_free(G);
    return P;
}

static void bundled_and_threads(const char *root)
{
    clout_graph *G = NULL;
    clout_influence *P = wiki_wc(root, &G);
    if (!P) return;
    int64_t n = clout_graph_users(G);
    int64_t theta = 300000, *c1 = malloc((size_t)n * sizeof(int64_t)), *c2 = malloc((size_t)n * sizeof(int64_t));
    clout_set_threads(1, msg);
    CHECK(clout_rr_counts(P, false, theta, 5, c1, NULL, msg) == 0, "%s", msg);
    enum { K = 20 };
    int64_t users[K];
    for (int k = 0; k < K; k++) users[k] = (int64_t)clout_rng_bounded(5, 9, (uint64_t)k, (uint64_t)n);
    double s1[K], e1[K], d1[K], s2[K], e2[K], d2[K];
    CHECK(clout_ic_cascades(P, users, K, 4000, 5, s1, e1, d1, msg) == 0, "%s", msg);
    clout_set_threads(2, msg);
    CHECK(clout_rr_counts(P, false, theta, 5, c2, NULL, msg) == 0, "%s", msg);
    CHECK(clout_ic_cascades(P, users, K, 4000, 5, s2, e2, d2, msg) == 0, "%s", msg);
    CHECK(memcmp(c1, c2, (size_t)n * sizeof(int64_t)) == 0, "RR counts depend on the thread count");
    CHECK(memcmp(s1, s2, sizeof s1) == 0 && memcmp(d1, d2, sizeof d1) == 0, "cascades depend on the thread count");
    /* the RR estimate of each sampled user within 4 combined standard errors of Monte Carlo */
    int bad = 0;
    for (int k = 0; k < K; k++) {
        double f = (double)c1[users[k]] / (double)theta, rr = (double)n * f;
        double se = sqrt((double)n * (double)n * f * (1 - f) / (double)theta + e1[k] * e1[k]);
        if (fabs(rr - s1[k]) > 4 * se) {
            bad++;
            fprintf(stderr, "user %lld: RR %.3f, Monte Carlo %.3f, combined se %.3f\n", (long long)users[k], rr, s1[k], se);
        }
    }
    CHECK(bad == 0, "wiki-Vote: %d of %d sampled users disagree between RR sets and Monte Carlo", bad, K);
    free(c1);
    free(c2);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* clout_simulate_prefixes grows one cascade per world prefix by prefix: every prefix's sizes must
 * be clout_simulate's for that prefix, bit for bit, under IC and LT, with a repeated size, a seed
 * listed twice and seeds already reached by the earlier ones; for 1 and 2 threads. */
static void prefixes(const char *root)
{
    clout_graph *G = NULL;
    clout_influence *P = wiki_wc(root, &G);
    if (!P) return;
    int64_t n = clout_graph_users(G);
    enum { KMAX = 12, SIMS = 500, NK = 6 };
    int64_t seeds[KMAX], ks[NK] = {1, 3, 3, 6, 10, 12};
    for (int i = 0; i < KMAX; i++) seeds[i] = (int64_t)clout_rng_bounded(3, 9, (uint64_t)i, (uint64_t)n);
    seeds[7] = seeds[2]; /* a seed twice */
    static int64_t all[NK * SIMS], one[SIMS];
    for (int lt = 0; lt < 2; lt++)
        for (int th = 1; th <= 2; th++) {
            clout_set_threads(th, msg);
            CHECK(clout_simulate_prefixes(P, lt, seeds, ks, NK, SIMS, 17, all, msg) == 0, "%s", msg);
            int bad = 0;
            for (int j = 0; j < NK; j++) {
                CHECK(clout_simulate(P, lt, seeds, ks[j], SIMS, 17, one, NULL, msg) == 0, "%s", msg);
                bad += memcmp(one, all + (int64_t)j * SIMS, sizeof one) != 0;
            }
            CHECK(bad == 0, "%s, %d threads: %d prefixes differ from clout_simulate", lt ? "LT" : "IC", th, bad);
        }
    int64_t down[2] = {5, 3};
    CHECK(clout_simulate_prefixes(P, false, seeds, down, 2, 10, 1, all, msg) == CLOUT_ERR_INVALID, "decreasing sizes");
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* The cascades' 16-bit visit stamps run out after 65,535 cascades on a thread and the marks are
 * cleared: on one thread, simulations past that point (IC and LT, whose threshold sums are
 * stamped too) must have the sizes the same simulations have when run on their own, and a user's
 * IC spread estimated after another user's 40,000 cascades the value it has alone. */
static void stamps_wrap(const char *root)
{
    clout_graph *G = NULL;
    clout_influence *P = wiki_wc(root, &G);
    if (!P) return;
    int64_t n = clout_graph_users(G);
    enum { SIMS = 70000, FROM = 65500 };
    int64_t seeds[3];
    for (int i = 0; i < 3; i++) seeds[i] = (int64_t)clout_rng_bounded(4, 9, (uint64_t)i, (uint64_t)n);
    int64_t *all = malloc(SIMS * sizeof(int64_t)), one;
    clout_set_threads(1, msg);
    for (int lt = 0; lt < 2 && all; lt++) {
        CHECK(clout_simulate(P, lt, seeds, 3, SIMS, 23, all, NULL, msg) == 0, "%s", msg);
        int bad = 0;
        for (int64_t s = FROM; s < SIMS; s++) {
            CHECK(clout_simulate_range(P, lt, seeds, 3, s, 1, 23, &one, NULL, msg) == 0, "%s", msg);
            bad += one != all[s];
        }
        CHECK(bad == 0, "%s: %d simulations past the stamps' wrap differ from the same ones run alone",
              lt ? "LT" : "IC", bad);
    }
    double sp[2], alone;
    CHECK(clout_ic_cascades(P, seeds, 2, 40000, 5, sp, NULL, NULL, msg) == 0, "%s", msg);
    CHECK(clout_ic_cascades(P, seeds + 1, 1, 40000, 5, &alone, NULL, NULL, msg) == 0, "%s", msg);
    CHECK(sp[1] == alone, "IC spread after 40,000 other cascades %.17g, alone %.17g", sp[1], alone);
    clout_set_threads(2, msg);
    free(all);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

/* greedy max coverage (and OPIM-C's upper bound) against a brute-force greedy over the same RR
 * sets: most of 60 users never appear in a set, so with k = 60 the selection runs out of users
 * with a positive count and goes on with the rest by index, as ties go to the lower index */
static void greedy_brute(void)
{
    enum { N = 60, K = 60 };
    char edges[2048];
    size_t len = 0;
    for (int e = 0; e < 14; e++) /* a tangle among the first 8 users, a chain through the rest */
        len += (size_t)snprintf(edges + len, sizeof edges - len, "%d %d\n", e % 8, (e * 3 + 1) % 8);
    for (int v = 8; v + 1 < N; v++) len += (size_t)snprintf(edges + len, sizeof edges - len, "%d %d\n", v, v + 1);
    /* late users with more out-ties, which the tie order puts first */
    for (int e = 0; e < 7; e++)
        len += (size_t)snprintf(edges + len, sizeof edges - len, "%d %d\n", e < 4 ? N - 1 : N - 10, 10 + 10 * (e % 4));
    clout_graph *G = from_text(edges, false);
    clout_prob_model pm;
    clout_prob_parse("const:0.4", &pm, msg);
    clout_influence *P = NULL;
    CHECK(G && clout_influence_new(&P, G, &pm, 0, msg) == 0, "%s", msg);
    if (!P) return;
    int64_t n = P->n;
    CHECK(n == N, "%lld users", (long long)n);
    /* the tie order, from the edges as written: most distinct out-ties first, then the lower index */
    bool adj[N][N] = {{false}};
    for (int e = 0; e < 14; e++) adj[e % 8][(e * 3 + 1) % 8] = true;
    for (int v = 8; v + 1 < N; v++) adj[v][v + 1] = true;
    for (int e = 0; e < 7; e++) adj[e < 4 ? N - 1 : N - 10][10 + 10 * (e % 4)] = true;
    int odeg[N] = {0};
    for (int a = 0; a < N; a++) {
        char name[8];
        snprintf(name, sizeof name, "%d", a);
        int64_t ia = clout_idmap_find(G->users, name, strlen(name));
        for (int b = 0; b < N; b++) odeg[ia] += adj[a][b];
    }
    clout_i_ties ties;
    CHECK(clout_i_ties_init(&ties, P) == 0, "tie order");
    /* the full inverted index, and one of 8 entries: every seed then comes from scans of the
     * uncovered sets, run over the threads from 4,096 sets on (30 and 9,000 sets) */
    int64_t keep = clout_i_greedy_index_max;
    for (int partial = 0; partial < 2; partial++)
    for (int threads = 1; threads <= 2; threads++)
        for (int sets = 30; sets <= (partial ? 9000 : 3000); sets *= partial ? 300 : 10) {
            clout_set_threads(threads, msg);
            clout_i_greedy_index_max = partial ? 8 : keep;
            clout_i_rrsampler smp;
            clout_i_rrstore rs = {0};
            clout_i_gwork gw = {0};
            CHECK(clout_i_sampler_init(&smp, P, false, 5) == 0, "sampler");
            CHECK(clout_i_rr_append(&smp, &rs, 0, sets) == 0, "append");
            int64_t seeds[K], cov[K], up = -1;
            CHECK(clout_i_greedy(&gw, &rs, &ties, n, K, seeds, cov, &up, msg) == 0, "%s", msg);
            clout_i_greedy_index_max = keep;
            /* brute force: gains recounted from the sets at every step */
            bool *covd = calloc((size_t)sets, sizeof(bool)), taken[N] = {false};
            int64_t bseeds[K], bcov[K], total = 0, bup = INT64_MAX;
            int positive = 0; /* users in some set: fewer than K with few sets */
            for (int i = 0; i <= K; i++) {
                int64_t gain[N] = {0};
                for (int64_t j = 0; j < rs.count; j++) {
                    if (covd[j]) continue;
                    bool in[N] = {false};
                    const uint32_t *u = clout_i_set_users(&rs, j);
                    for (int64_t q = 0; q < clout_i_set_len(&rs, j); q++) in[u[q]] = true;
                    for (int v = 0; v < N; v++) gain[v] += in[v];
                }
                /* the bound: covered so far plus the K largest gains of users not taken */
                int64_t g2[N], m = 0, top = 0;
                for (int v = 0; v < N; v++)
                    if (!taken[v]) g2[m++] = gain[v];
                for (int a = 0; a < K && a < m; a++) {
                    int b = a;
                    for (int c = a + 1; c < m; c++)
                        if (g2[c] > g2[b]) b = c;
                    int64_t t = g2[a];
                    g2[a] = g2[b];
                    g2[b] = t;
                    top += g2[a];
                }
                if (total + top < bup) bup = total + top;
                for (int v = 0; i == 0 && v < N; v++) positive += gain[v] > 0;
                if (i == K) break;
                int best = -1;
                for (int v = 0; v < N; v++)
                    if (!taken[v] &&
                        (best < 0 || gain[v] > gain[best] || (gain[v] == gain[best] && odeg[v] > odeg[best])))
                        best = v;
                taken[best] = true;
                bseeds[i] = best;
                total += gain[best];
                bcov[i] = total;
                for (int64_t j = 0; j < rs.count; j++) {
                    const uint32_t *u = clout_i_set_users(&rs, j);
                    for (int64_t q = 0; q < clout_i_set_len(&rs, j); q++)
                        if (u[q] == (uint32_t)best) covd[j] = true;
                }
            }
            int distinct = 0;
            for (int v = 0; v < N; v++) distinct += bcov[K - 1] > 0 && !taken[v];
            CHECK(memcmp(seeds, bseeds, sizeof seeds) == 0 && memcmp(cov, bcov, sizeof cov) == 0 && up == bup,
                  "%d sets, %d threads, %s index: greedy (bound %lld) differs from brute force (bound %lld)", sets,
                  threads, partial ? "partial" : "full", (long long)up, (long long)bup);
            free(covd);
            CHECK(cov[K - 1] == rs.count && distinct == 0, "%d sets: every set covered, every user taken", sets);
            CHECK(sets > 30 || positive < K, "30 sets reach %d users: the zero-count steps go untested", positive);
            clout_i_gwork_free(&gw);
            clout_i_rr_free(&rs);
            clout_i_sampler_free(&smp);
        }
    clout_i_ties_free(&ties);
    clout_influence_free(&P);
    clout_graph_free(&G);
}

int main(int argc, char **argv)
{
    check_init();
    greedy_brute();
    models();
    learned();
    tiny("wc");
    tiny("const:0.3");
    seed_sets("wc");
    seed_sets("const:0.3");
    imm_optimum("wc", false);
    imm_optimum("const:0.3", false);
    imm_optimum("wc", true);
    imm_optimum("const:0.3", true);
    bundled_and_threads(argc > 1 ? argv[1] : ".");
    prefixes(argc > 1 ? argv[1] : ".");
    stamps_wrap(argc > 1 ? argv[1] : ".");
    imm_vs_celf(argc > 1 ? argv[1] : ".", "datasets/snap_wiki_vote/Wiki-Vote.txt.gz", false);
    imm_vs_celf(argc > 1 ? argv[1] : ".", "datasets/nethept/NetHEPT.txt.gz", true);
    return check_done("test_diffusion");
}
