/* test_rng.c: the counter-based generator: purity, uniformity, unbiased bounded draws, and the
 * same R-MAT graph for any thread count. */
#include "check.h"
#include <omp.h>

int main(void)
{
    check_init();
    char msg[CLOUT_MSG_LEN];
    /* purity: the same key gives the same draw; neighbouring keys differ */
    CHECK(clout_rng_u64(1, 2, 3) == clout_rng_u64(1, 2, 3), "not a pure function");
    CHECK(clout_rng_u64(1, 2, 3) != clout_rng_u64(1, 2, 4), "index ignored");
    CHECK(clout_rng_u64(1, 2, 3) != clout_rng_u64(1, 3, 3), "stream ignored");
    CHECK(clout_rng_u64(1, 2, 3) != clout_rng_u64(2, 2, 3), "seed ignored");

    /* uniformity: chi-square over 100 buckets of 1e6 draws. With 99 degrees of freedom the
     * 99.99th percentile is about 157; a sound generator passes with that margin. */
    enum { B = 100, N = 1000000 };
    static long cnt[B];
    double sum = 0;
    for (long i = 0; i < N; i++) {
        double u = clout_rng_uniform(7, 0, (uint64_t)i);
        CHECK(u >= 0 && u < 1, "draw %g outside [0,1)", u);
        cnt[(int)(u * B)]++;
        sum += u;
    }
    double chi = 0, e = (double)N / B;
    for (int b = 0; b < B; b++) chi += (cnt[b] - e) * (cnt[b] - e) / e;
    CHECK(chi < 157, "chi-square %.1f over 100 buckets", chi);
    /* mean of 1e6 uniforms: standard error 0.000289, allow 5 of them */
    CHECK(fabs(sum / N - 0.5) < 5 * 0.000289, "mean %.6f", sum / N);

    /* bounded draws: every value of a bound-7 draw appears about N/7 times (5 sigma) */
    long c7[7] = {0};
    for (long i = 0; i < N; i++) {
        uint64_t v = clout_rng_bounded(3, 1, (uint64_t)i, 7);
        CHECK(v < 7, "bounded draw %llu", (unsigned long long)v);
        if (v < 7) c7[v]++;
    }
    double p = 1.0 / 7, sd = sqrt(N * p * (1 - p));
    for (int k = 0; k < 7; k++) CHECK(fabs(c7[k] - N * p) < 5 * sd, "value %d drawn %ld times", k, c7[k]);

    /* a parallel loop keyed by index gives the same draws for 1 and 2 threads */
    static uint64_t a[100000], b[100000];
    for (int t = 1; t <= 2; t++) {
        uint64_t *x = t == 1 ? a : b;
        #pragma omp parallel for num_threads(t) schedule(dynamic, 7)
        for (int i = 0; i < 100000; i++) x[i] = clout_rng_u64(99, 5, (uint64_t)i);
    }
    CHECK(memcmp(a, b, sizeof a) == 0, "draws depend on the thread count");

    /* R-MAT: identical edges with 1 and 2 threads */
    clout_edges e1 = {0}, e2 = {0};
    CHECK(clout_set_threads(1, msg) == 0, "%s", msg);
    CHECK_OK(clout_generate_rmat(&e1, 16, 40000, 0.57, 0.19, 0.19, 42, msg));
    CHECK(clout_set_threads(2, msg) == 0, "%s", msg);
    CHECK_OK(clout_generate_rmat(&e2, 16, 40000, 0.57, 0.19, 0.19, 42, msg));
    CHECK(e1.m == e2.m && e1.m > 0, "edge counts %lld vs %lld", (long long)e1.m, (long long)e2.m);
    CHECK(e1.m == e2.m && memcmp(e1.src, e2.src, (size_t)e1.m * 8) == 0 &&
              memcmp(e1.dst, e2.dst, (size_t)e1.m * 8) == 0,
          "R-MAT edges depend on the thread count");
    /* sorted, no duplicates, no self-loops, ids in range */
    bool ok = true;
    for (int64_t i = 0; i < e1.m; i++) {
        ok = ok && e1.src[i] != e1.dst[i] && e1.src[i] >= 0 && e1.src[i] < 65536 && e1.dst[i] >= 0 && e1.dst[i] < 65536;
        if (i) ok = ok && (e1.src[i - 1] < e1.src[i] || (e1.src[i - 1] == e1.src[i] && e1.dst[i - 1] < e1.dst[i]));
    }
    CHECK(ok, "R-MAT edges not sorted, unique and loop-free");
    /* the quadrant probabilities shape the graph: with a=.57, b=c=.19, the top half of the ids
     * sends a fraction (a+b) = .76 of all draws per level; check the first level */
    int64_t top = 0;
    for (int64_t i = 0; i < e1.m; i++) top += e1.src[i] < 32768;
    CHECK(fabs((double)top / (double)e1.m - 0.76) < 0.02, "top-half source share %.3f", (double)top / (double)e1.m);
    clout_edges_free(&e1);
    clout_edges_free(&e2);
    return check_done("test_rng");
}
