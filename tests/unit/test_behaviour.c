/* test_behaviour.c: the behaviour graph against a brute-force construction on random logs (timed,
 * with windows, follower caps, top-k and minimum weights; similar users by cosine), the same for
 * any thread count; the choice of ties (--graph) and the snapshot's version 2 round trip. */
#include "check.h"
#include <unistd.h>

static char msg[CLOUT_MSG_LEN];

/* A random log of nu users, ni items, rows rows; times on a coarse grid so that ties in time
 * occur; some rows without time (T empty there) and weights 0..3 (0: a row of weight 0). */
static clout_graph *random_log(uint64_t seed, int nu, int ni, int rows, bool timed)
{
    size_t cap = (size_t)rows * 64 + 64, len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, timed ? "user,item,time,weight\n" : "user,item,weight\n");
    for (int r = 0; r < rows; r++) {
        int u = (int)clout_rng_bounded(seed, 1, (uint64_t)r, (uint64_t)nu);
        int i = (int)clout_rng_bounded(seed, 2, (uint64_t)r, (uint64_t)ni);
        int t = (int)clout_rng_bounded(seed, 3, (uint64_t)r, 40);
        int w = (int)clout_rng_bounded(seed, 4, (uint64_t)r, 4);
        if (timed)
            len += (size_t)snprintf(buf + len, cap - len, "u%d,i%d,%d,%d\n", u, i, 1000 + 10 * t, w);
        else
            len += (size_t)snprintf(buf + len, cap - len, "u%d,i%d,%d\n", u, i, w);
    }
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.sep = ',';
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    CHECK(clout_builder_new(&b, &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_add_log_mem(b, "log", buf, len, &o, msg) >= 0, "%s", msg);
    CHECK(clout_builder_finish(&b, &G, msg) == 0, "%s", msg);
    free(buf);
    return G;
}

/* dense copy of a users x items (or users x users) matrix; absent entries NAN */
static double *dense(GrB_Matrix A, int64_t nr, int64_t nc)
{
    double *d = malloc((size_t)(nr * nc) * sizeof(double) + 8);
    for (int64_t k = 0; k < nr * nc; k++) d[k] = NAN;
    GrB_Index nv;
    GrB_Matrix_nvals(&nv, A);
    GrB_Index *I = malloc(nv * sizeof(GrB_Index) + 8), *J = malloc(nv * sizeof(GrB_Index) + 8);
    double *X = malloc(nv * sizeof(double) + 8);
    GrB_Matrix_extractTuples_FP64(I, J, X, &nv, A);
    for (GrB_Index k = 0; k < nv; k++) d[I[k] * (GrB_Index)nc + J[k]] = X[k];
    free(I);
    free(J);
    free(X);
    return d;
}

typedef struct {
    int64_t v;
    double w;
} cand;

static int by_weight(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* brute force: B as a dense n x n array (0: no tie) */
static double *brute(const clout_graph *G, const clout_behaviour_opts *o)
{
    int64_t n = clout_graph_users(G), ni = clout_graph_items(G);
    double *R = dense(G->R, n, ni), *T = dense(G->T, n, ni);
    double *B = calloc((size_t)(n * n) + 1, sizeof(double));
    /* an entry counts when R > 0, R >= min_weight and (timed) it has a time */
#define OK(u, i) (!isnan(R[(u) * ni + (i)]) && R[(u) * ni + (i)] > 0 && R[(u) * ni + (i)] >= o->min_weight && \
                  (o->similar || !isnan(T[(u) * ni + (i)])))
    cand *c = malloc((size_t)n * sizeof(cand) + 8);
    for (int64_t i = 0; i < ni; i++) {
        int64_t users = 0;
        for (int64_t u = 0; u < n; u++) users += OK(u, i);
        if (o->similar && o->max_followers > 0 && users > o->max_followers) continue;
        for (int64_t u = 0; u < n; u++) {
            if (!OK(u, i)) continue;
            if (o->similar) {
                for (int64_t v = 0; v < n; v++)
                    if (v != u && OK(v, i)) B[u * n + v] += R[u * ni + i] * R[v * ni + i];
                continue;
            }
            /* later actors of i, by (time, user) */
            int64_t nc = 0;
            double tu = T[u * ni + i];
            for (int64_t v = 0; v < n; v++)
                if (OK(v, i) && T[v * ni + i] > tu && T[v * ni + i] <= tu + o->window) c[nc++] = (cand){v, T[v * ni + i]};
            /* sort by time ascending, then user */
            for (int64_t a = 1; a < nc; a++)
                for (int64_t b = a; b > 0 && (c[b].w < c[b - 1].w || (c[b].w == c[b - 1].w && c[b].v < c[b - 1].v)); b--) {
                    cand t = c[b];
                    c[b] = c[b - 1];
                    c[b - 1] = t;
                }
            if (o->max_followers > 0 && nc > o->max_followers) nc = o->max_followers;
            for (int64_t a = 0; a < nc; a++) B[u * n + c[a].v] += R[u * ni + i];
        }
    }
    if (o->similar)
        for (int64_t u = 0; u < n; u++)
            for (int64_t v = 0; v < n; v++) {
                if (B[u * n + v] == 0) continue;
                double nu_ = 0, nv_ = 0;
                for (int64_t i = 0; i < ni; i++) {
                    if (OK(u, i)) nu_ += R[u * ni + i] * R[u * ni + i];
                    if (OK(v, i)) nv_ += R[v * ni + i] * R[v * ni + i];
                }
                B[u * n + v] /= sqrt(nu_) * sqrt(nv_);
            }
#undef OK
    if (o->top_k > 0)
        for (int64_t u = 0; u < n; u++) {
            int64_t nc = 0;
            for (int64_t v = 0; v < n; v++)
                if (B[u * n + v] != 0) c[nc++] = (cand){v, B[u * n + v]};
            if (nc <= o->top_k) continue;
            qsort(c, (size_t)nc, sizeof(cand), by_weight);
            for (int64_t a = o->top_k; a < nc; a++) B[u * n + c[a].v] = 0;
        }
    free(c);
    free(R);
    free(T);
    return B;
}

static void check_case(const char *what, clout_graph *G, const clout_behaviour_opts *o)
{
    int64_t n = clout_graph_users(G);
    GrB_Matrix B1 = NULL, B2 = NULL;
    int64_t pairs = 0;
    clout_set_threads(1, msg);
    CHECK(clout_behaviour_graph(G, o, &B1, &pairs, msg) == 0, "%s: %s", what, msg);
    clout_set_threads(2, msg);
    CHECK(clout_behaviour_graph(G, o, &B2, NULL, msg) == 0, "%s: %s", what, msg);
    if (!B1 || !B2) return;
    double *ref = brute(G, o), *got = dense(B1, n, n), *got2 = dense(B2, n, n);
    int bad = 0, diff = 0;
    int64_t ties = 0;
    for (int64_t k = 0; k < n * n; k++) {
        double g = isnan(got[k]) ? 0 : got[k];
        ties += !isnan(got[k]);
        /* a top-k cut between weights equal up to rounding may pick either: count only clear misses */
        if (fabs(g - ref[k]) > 1e-5 * fmax(1, fabs(ref[k]))) bad++;
        if (!(isnan(got[k]) && isnan(got2[k])) && got[k] != got2[k]) diff++;
    }
    CHECK(bad == 0, "%s: %d entries differ from the brute-force construction", what, bad);
    CHECK(diff == 0, "%s: %d entries differ between 1 and 2 threads", what, diff);
    CHECK(ties > 0, "%s: an empty behaviour graph tests nothing", what);
    free(ref);
    free(got);
    free(got2);
    GrB_free(&B1);
    GrB_free(&B2);
}

/* the stored description read back: every option round-trips; any other text is refused and
 * leaves the options alone */
static void check_parse(void)
{
    static const clout_behaviour_opts cases[] = {{false, INFINITY, 0, 0, 0}, {false, 2592000, 3, 50, 0.5},
                                                 {true, INFINITY, 12, 20, 0}, {true, 0, 0, 0, 4e9}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[256];
        clout_behaviour_describe(&cases[i], buf, sizeof buf);
        clout_behaviour_opts o;
        clout_behaviour_opts_init(&o);
        CHECK(clout_behaviour_parse(buf, &o) == CLOUT_OK, "'%s' does not read back", buf);
        CHECK(o.similar == cases[i].similar && o.window == cases[i].window &&
                  o.max_followers == cases[i].max_followers && o.top_k == cases[i].top_k &&
                  o.min_weight == cases[i].min_weight,
              "'%s' reads back as other options", buf);
    }
    static const char *bad[] = {"", "timed", "timed,", "other,window=1,max_followers=0,top_k=0,min_weight=0",
                                "timed,window=nan,max_followers=0,top_k=0,min_weight=0",
                                "timed,window=-1,max_followers=0,top_k=0,min_weight=0",
                                "timed,window=1,max_followers=1.5,top_k=0,min_weight=0",
                                "timed,window=1,max_followers=0,top_k=-2,min_weight=0",
                                "timed,window=1,max_followers=0,top_k=1e30,min_weight=0",
                                "timed,window=1,max_followers=0,top_k=0,min_weight=inf",
                                "timed,window=1,max_followers=0,top_k=0,min_weight=0,",
                                "timed,window=1,max_followers=0,top_k=0,min_weight=0x",
                                "timed,window=1,top_k=0,max_followers=0,min_weight=0",
                                "timed,window=1,max_followers=0,top_k=0",
                                "timed,window=,max_followers=0,top_k=0,min_weight=0",
                                "timed,window=1e999,max_followers=0,top_k=0,min_weight=0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        clout_behaviour_opts o = {true, 7, 7, 7, 7};
        CHECK(clout_behaviour_parse(bad[i], &o) == CLOUT_ERR_INVALID, "'%s' is taken", bad[i]);
        CHECK(o.similar && o.window == 7 && o.max_followers == 7 && o.top_k == 7 && o.min_weight == 7,
              "'%s' changed the options", bad[i]);
    }
    CHECK(clout_behaviour_parse(NULL, &(clout_behaviour_opts){0}) == CLOUT_ERR_INVALID, "NULL is taken");
}

int main(void)
{
    check_init();
    check_parse();
    for (uint64_t seed = 1; seed <= 6; seed++) {
        clout_graph *G = random_log(seed, 40, 25, 500, true);
        if (!G) continue;
        clout_behaviour_opts o;
        clout_behaviour_opts_init(&o);
        check_case("timed", G, &o);
        o.window = 100;
        check_case("timed, window 100", G, &o);
        o.max_followers = 3;
        check_case("timed, window 100, 3 followers", G, &o);
        o.window = INFINITY;
        o.top_k = 4;
        o.min_weight = 2;
        check_case("timed, 3 followers, top 4, min weight 2", G, &o);
        clout_behaviour_opts_init(&o);
        o.similar = true;
        check_case("similar", G, &o);
        o.top_k = 5;
        o.max_followers = 12;
        check_case("similar, top 5, items of <= 12 users", G, &o);
        clout_graph_free(&G);
    }
    /* untimed log: similar works, timed finds no pairs */
    clout_graph *G = random_log(9, 30, 20, 300, false);
    clout_behaviour_opts o;
    clout_behaviour_opts_init(&o);
    o.similar = true;
    check_case("similar, untimed log", G, &o);
    GrB_Matrix B = NULL;
    o.similar = false;
    int64_t pairs = -1;
    CHECK(clout_behaviour_graph(G, &o, &B, &pairs, msg) == 0 && pairs == 0, "timed on an untimed log: %lld pairs",
          (long long)pairs);
    GrB_free(&B);
    /* bad options */
    o.window = 0;
    CHECK(clout_behaviour_graph(G, &o, &B, NULL, msg) == CLOUT_ERR_INVALID, "window 0 accepted");
    clout_behaviour_opts_init(&o);
    o.min_weight = NAN;
    CHECK(clout_behaviour_graph(G, &o, &B, NULL, msg) == CLOUT_ERR_INVALID, "NaN minimum weight accepted");
    /* the memory limit refuses a graph that cannot fit, before the work */
    clout_behaviour_opts_init(&o);
    o.similar = true;
    clout_set_memory_limit(64);
    CHECK(clout_behaviour_graph(G, &o, &B, NULL, msg) == CLOUT_ERR_INVALID && strstr(msg, "memory limit"),
          "the memory limit was not applied: %s", msg);
    clout_set_memory_limit(0);
    clout_graph_free(&G);

    /* --graph: behaviour replaces S, both adds them; a snapshot keeps B (version 2) */
    G = random_log(3, 30, 20, 300, true);
    clout_behaviour_opts_init(&o);
    CHECK(clout_behaviour_graph(G, &o, &B, NULL, msg) == 0, "%s", msg);
    GrB_Index bn = 0;
    GrB_Matrix_nvals(&bn, B);
    CHECK(clout_graph_use(G, CLOUT_GRAPH_BEHAVIOUR, msg) == CLOUT_ERR_INVALID, "behaviour without B accepted");
    CHECK(clout_graph_set_behaviour(G, &B, "timed", msg) == 0 && B == NULL, "%s", msg);
    char path[] = "/tmp/clout_test_behaviour_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    CHECK(clout_snapshot_save(G, path, msg) == 0, "%s", msg);
    clout_graph *H = NULL;
    CHECK(clout_snapshot_load(&H, path, msg) == 0, "%s", msg);
    unlink(path);
    if (H) {
        GrB_Index hn = 0;
        GrB_Matrix_nvals(&hn, H->B);
        CHECK(H->B && hn == bn && H->behaviour && strcmp(H->behaviour, "timed") == 0, "B lost in the snapshot");
        CHECK(clout_graph_use(H, CLOUT_GRAPH_BEHAVIOUR, msg) == 0, "%s", msg);
        CHECK(clout_graph_social_edges(H) == (int64_t)bn && H->B == NULL && H->directed, "S is not B");
        CHECK(H->ties == CLOUT_GRAPH_BEHAVIOUR, "the graph does not say S holds B");
        clout_graph_free(&H);
    }
    CHECK(G->ties == CLOUT_GRAPH_SOCIAL, "a built graph's S holds its social ties");
    CHECK(clout_graph_use(G, CLOUT_GRAPH_BOTH, msg) == 0, "%s", msg);
    CHECK(clout_graph_social_edges(G) == (int64_t)bn, "S + B over an empty S has B's ties");
    CHECK(G->ties == CLOUT_GRAPH_BOTH, "the graph does not say S holds S + B");
    clout_graph_kind k;
    CHECK(clout_graph_kind_parse("both", &k) == 0 && k == CLOUT_GRAPH_BOTH, "parse both");
    CHECK(clout_graph_kind_parse("friends", &k) == CLOUT_ERR_INVALID, "parse an unknown kind");
    clout_graph_free(&G);
    return check_done("test_behaviour");
}
