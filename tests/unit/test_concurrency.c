/* test_concurrency.c: the concurrency contract of clout.h. Calls that only read a graph may run on
 * it from several threads at once: four threads run PageRank, coreness, clustering, exact and
 * approximate reach, sampled betweenness, the features table, RR counts and IMM on one graph whose
 * caches start empty (so they are built while the others read), in different orders, three times
 * over; every result must equal the one a single thread computed first, bit for bit, and the
 * graph must be unchanged. Run under ASan+UBSan too (tools/test). */
#include "check.h"
#include <pthread.h>

#define NCALLS 8
#define NTHREADS 4
#define ROUNDS 3

typedef struct {
    double *v;
    int64_t n;
} result;

static clout_graph *G;
static clout_influence *P;
static result ref[NCALLS];
static int thread_failures;

static int to_result(const double *x, const int64_t *ix, int64_t n, result *r)
{
    r->n = n;
    r->v = malloc((size_t)(n ? n : 1) * sizeof(double));
    if (r->v == NULL) return CLOUT_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++) r->v[i] = x ? x[i] : (double)ix[i];
    return CLOUT_OK;
}

/* call c on the shared graph into r */
static int run_call(int c, result *r, char msg[CLOUT_MSG_LEN])
{
    int64_t n = clout_graph_users(G), *iv = NULL;
    double *dv = NULL;
    int s = CLOUT_OK, it = 0;
    static const int64_t src[] = {0, 7, 30, 1412, 3352, 100, 2000, 6000};
    switch (c) {
    case 0:
        s = owned_pagerank(G, 0.85, 1e-10, 1000, NULL, &dv, &it, NULL, msg);
        if (s == 0) s = to_result(dv, NULL, n, r);
        break;
    case 1:
        s = owned_coreness(G, &iv, msg);
        if (s == 0) s = to_result(NULL, iv, n, r);
        break;
    case 2:
        s = owned_clustering(G, &dv, msg);
        if (s == 0) s = to_result(dv, NULL, n, r);
        break;
    case 3: {
        int64_t cnt[8 * 5];
        s = clout_reach(G, src, 8, 4, cnt, msg);
        if (s == 0) s = to_result(NULL, cnt, 8 * 5, r);
        break;
    }
    case 4:
        s = owned_betweenness(G, 30, 5, &dv, msg);
        if (s == 0) s = to_result(dv, NULL, n, r);
        break;
    case 5: {
        clout_features *F = NULL;
        clout_features_opts o;
        clout_features_opts_init(&o);
        o.only = "out_degree,in_degree,w_out_degree,reach_2,depth,mean_hops";
        o.hops = 2;
        o.max_depth = 6;
        s = clout_features_compute(G, &o, &F, msg);
        if (s == 0) {
            r->n = F->n * F->ncols;
            r->v = malloc((size_t)r->n * sizeof(double));
            for (int k = 0; r->v && k < F->ncols; k++)
                for (int64_t i = 0; i < F->n; i++)
                    r->v[k * F->n + i] = F->cols[k].ints ? (double)F->cols[k].ints[i] : F->cols[k].reals[i];
            if (r->v == NULL) s = CLOUT_ERR_NOMEM;
        }
        clout_features_free(&F);
        break;
    }
    case 6:
        iv = malloc((size_t)n * sizeof(int64_t));
        s = iv ? clout_rr_counts(P, false, 20000, 11, iv, NULL, msg) : CLOUT_ERR_NOMEM;
        if (s == 0) s = to_result(NULL, iv, n, r);
        break;
    case 7: {
        int64_t seeds[5], used;
        double spread[5], x[10];
        s = clout_im_imm(P, false, 5, 0.3, 0, 3, 0.02, seeds, spread, &used, NULL, msg);
        for (int i = 0; i < 5; i++) x[i] = (double)seeds[i], x[5 + i] = spread[i];
        if (s == 0) s = to_result(x, NULL, 10, r);
        break;
    }
    }
    free(dv);
    free(iv);
    return s;
}

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    char msg[CLOUT_MSG_LEN] = "";
    for (int round = 0; round < ROUNDS; round++)
        for (int k = 0; k < NCALLS; k++) {
            int c = (k * (t + 1) + t + round) % NCALLS; /* each thread its own order */
            result r = {NULL, 0};
            int s = run_call(c, &r, msg);
            bool same = s == 0 && r.n == ref[c].n && memcmp(r.v, ref[c].v, (size_t)r.n * sizeof(double)) == 0;
            if (!same) {
                fprintf(stderr, "thread %d, call %d: status %d (%s), %s\n", t, c, s, msg,
                        s == 0 ? "a different result" : "failed");
                __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
            }
            free(r.v);
        }
    return NULL;
}

int main(int argc, char **argv)
{
    check_init();
    const char *root = argc > 1 ? argv[1] : ".";
    char msg[CLOUT_MSG_LEN] = "";
    G = check_load_edges(root, "datasets/snap_wiki_vote/Wiki-Vote.txt.gz", false, false);
    if (G == NULL) return check_done("test_concurrency");
    clout_prob_model m;
    CHECK_OK(clout_prob_parse("wc", &m, msg));
    CHECK_OK(clout_influence_new(&P, G, &m, 0, msg));
    GrB_Index nvals0 = 0;
    GrB_Matrix_nvals(&nvals0, G->S);
    for (int c = 0; c < NCALLS; c++) CHECK(run_call(c, &ref[c], msg) == 0, "call %d alone: %s", c, msg);
    /* the caches are built again while the threads read */
    clout_graph_drop_cache(G);
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) CHECK(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t) == 0, "thread %d", t);
    for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
    CHECK(thread_failures == 0, "%d calls from %d threads differed from one thread's results", thread_failures, NTHREADS);
    GrB_Index nvals1 = 0;
    GrB_Matrix_nvals(&nvals1, G->S);
    CHECK(nvals0 == nvals1 && nvals1 > 100000, "the ties changed under the threads: %llu, then %llu",
          (unsigned long long)nvals0, (unsigned long long)nvals1);
    printf("%d threads x %d rounds x %d calls on one graph: identical to one thread\n", NTHREADS, ROUNDS, NCALLS);
    for (int c = 0; c < NCALLS; c++) free(ref[c].v);
    clout_influence_free(&P);
    clout_graph_free(&G);
    return check_done("test_concurrency");
}
