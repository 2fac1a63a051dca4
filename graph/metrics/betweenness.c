/* betweenness.c: betweenness centrality by Brandes' algorithm (2001), sources in parallel.
 * Shortest paths count hops along S's direction; an undirected graph (S holding both directions)
 * counts each pair once. With samples > 0 it is estimated from that many distinct source users
 * drawn with the counter-based generator and scaled by n / samples.
 *
 * Each source is one breadth-first search over S's CSR (counting shortest paths, sigma), then one
 * pass in reverse BFS order accumulating dependencies (delta, kept as (1 + delta) / sigma once
 * final, one division per user); predecessors are found again from
 * the out-ties (w follows v on a shortest path iff dist[w] = dist[v] + 1), so no predecessor
 * lists are kept. Each thread has its own BFS arrays, reset only where the search went.
 *
 * Identical for any thread count: the sources are cut into a fixed number of chunks (it depends
 * on the number of sources only); a chunk's dependencies are summed into a buffer in source
 * order, and the buffers are added to the result in chunk order, so every floating-point sum
 * happens in the same order whatever the threads. The threads take chunks as they come free and
 * do not wait for each other: a finished chunk that is not next in order stays in its buffer
 * until the chunks before it are in, and its thread takes a new buffer for the next one (a
 * reorder buffer: whichever thread completes the chunk next in order adds every finished one it
 * can). Buffers beyond one a thread are made as needed, within BUF_BYTES (at least one more a
 * thread); past that a thread waits for one of its own to be added.
 *
 * Time O(sources x |S|); memory O(n) per thread (dist, sigma, delta, BFS order, a buffer: 36
 * bytes per user) and at most BUF_BYTES of further buffers (or one more per thread). Checked
 * against igraph_betweenness and igraph_betweenness_subset (test_metrics). */
#include "metrics_internal.h"
#include <sched.h>

#define NCHUNKS 256
#define NGROUPS 32
#define MAXBUF 64               /* buffers a thread may hold */
#define BUF_BYTES (256u << 20) /* all threads' buffers beyond their first: at most this many bytes */

int64_t clout_i_betweenness_extra_max = -1;

typedef struct {
    int32_t *dist;
    double *sigma, *delta, *acc[MAXBUF];
    int64_t *order;
    int nbuf, busy[MAXBUF]; /* busy[b]: acc[b] holds a finished chunk not yet added (atomic) */
} workspace;

static void ws_free(workspace *w)
{
    free(w->dist);
    free(w->sigma);
    free(w->delta);
    for (int b = 0; b < w->nbuf; b++) free(w->acc[b]);
    free(w->order);
    memset(w, 0, sizeof *w);
}

static bool ws_init(workspace *w, int64_t n)
{
    w->dist = clout_i_malloc((size_t)n, sizeof(int32_t));
    w->sigma = clout_i_calloc((size_t)n, sizeof(double));
    w->delta = clout_i_calloc((size_t)n, sizeof(double));
    w->acc[0] = clout_i_calloc((size_t)n, sizeof(double));
    w->nbuf = 1;
    w->order = clout_i_malloc((size_t)n, sizeof(int64_t));
    if (!w->dist || !w->sigma || !w->delta || !w->acc[0] || !w->order) {
        ws_free(w);
        return false;
    }
    for (int64_t i = 0; i < n; i++) w->dist[i] = -1;
    return true;
}

/* the dependencies of every user on source s, added to acc */
static void one_source(const uint64_t *ptr, const uint64_t *idx, int64_t s, workspace *w, double *acc, bool ahead)
{
    int32_t *dist = w->dist;
    double *sigma = w->sigma, *delta = w->delta;
    int64_t *order = w->order, head = 0, tail = 0;
    order[tail++] = s;
    dist[s] = 0;
    sigma[s] = 1;
    while (head < tail) {
        int64_t v = order[head++];
        int32_t dn = dist[v] + 1;
        double sv = sigma[v];
        uint64_t kend = ptr[v + 1];
        if (ahead && head + 4 < tail) __builtin_prefetch(&ptr[order[head + 4]]);
        for (uint64_t k = ptr[v]; k < kend; k++) {
            int64_t u = (int64_t)idx[k];
            if (ahead && k + 16 < kend) {
                __builtin_prefetch(&dist[idx[k + 16]]);
                __builtin_prefetch(&sigma[idx[k + 16]]);
            }
            if (dist[u] < 0) {
                dist[u] = dn;
                order[tail++] = u;
            }
            if (dist[u] == dn) sigma[u] += sv;
        }
    }
    /* in reverse BFS order; once v's dependency is added, delta[v] holds (1 + delta_v) / sigma_v,
     * the share each of v's predecessors takes per shortest path (one division per user) */
    for (int64_t i = tail - 1; i > 0; i--) {
        int64_t v = order[i];
        int32_t dn = dist[v] + 1;
        double sum = 0;
        uint64_t kend = ptr[v + 1];
        if (ahead && i > 4) __builtin_prefetch(&ptr[order[i - 4]]);
        for (uint64_t k = ptr[v]; k < kend; k++) {
            int64_t u = (int64_t)idx[k];
            if (ahead && k + 16 < kend) {
                __builtin_prefetch(&dist[idx[k + 16]]);
                __builtin_prefetch(&delta[idx[k + 16]]);
            }
            if (dist[u] == dn) sum += delta[u];
        }
        double d = sigma[v] * sum;
        acc[v] += d;
        delta[v] = (1 + d) / sigma[v];
    }
    for (int64_t i = 0; i < tail; i++) {
        int64_t v = order[i];
        dist[v] = -1;
        sigma[v] = 0;
        delta[v] = 0;
    }
}

#undef FREE_ALL
#define FREE_ALL                                                          \
    do {                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &c, msg);                  \
        for (int t_ = 0; ws && t_ < nt; t_++) ws_free(&ws[t_]);          \
        free(ws);                                                         \
        free(src);                                                        \
        free(grp);                                                        \
        free(ready);                                                      \
        clout_i_progress_end(prog);                                       \
    } while (0)

int clout_betweenness(clout_graph *G, int64_t samples, uint64_t seed, double *bc, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr c;
    bool borrowed = false;
    workspace *ws = NULL;
    int64_t *src = NULL;
    double *grp = NULL;
    int *ready = NULL;
    clout_i_progress *prog = NULL;
    int nt = omp_get_max_threads();
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(samples >= 0, CLOUT_ERR_INVALID, "betweenness samples must be >= 0");
    ASSERT_MSG(n < INT32_MAX, CLOUT_ERR_INVALID, "betweenness: %lld users, at most 2^31 - 2", (long long)n);
    for (int64_t i = 0; i < n; i++) bc[i] = 0;
    if (n == 0) return CLOUT_OK;
    /* the chunks form NGROUPS fixed groups; each group's sum starts from 0 and adds its chunks in
     * order, and bc adds the groups in order. A distributed run gives each process a block of
     * groups and passes the running sum from process to process: the same bits either way. */
    const clout_partition *part = clout_i_partition();
    bool dist = part->size > 1 && part->send_f64 && part->recv_f64 && part->bcast_f64;
    int R = dist ? part->size : 1, r = dist ? part->rank : 0;
    int g_lo = NGROUPS * r / R, g_hi = NGROUPS * (r + 1) / R;
    /* memory before anything is allocated: the sources, each thread's arrays and a second buffer,
     * the groups' sums; further buffers only within what is left of the limit */
    double need = 8.0 * (double)n * (1 + (dist ? g_hi - g_lo : 1) + (double)nt * (36.0 + 8.0) / 8.0);
    TRY(clout_memory_fits(need, "betweenness (per-thread search arrays)", CLOUT_ERR_INVALID, msg));
    double spare = clout_memory_limit() - need;
    /* the sources: every user, or distinct ones by a partial Fisher-Yates shuffle keyed by position */
    int64_t ns = samples == 0 || samples >= n ? n : samples;
    ALLOC_TRY(src, n, int64_t);
    for (int64_t i = 0; i < n; i++) src[i] = i;
    for (int64_t i = 0; ns < n && i < ns; i++) {
        int64_t j = i + (int64_t)clout_rng_bounded(seed, CLOUT_STREAM_BETWEENNESS, (uint64_t)i, (uint64_t)(n - i));
        int64_t t = src[i];
        src[i] = src[j];
        src[j] = t;
    }
    TRY(clout_i_csr_borrow(G->S, &c, msg));
    borrowed = true;
    ws = clout_i_calloc((size_t)nt, sizeof(workspace));
    ASSERT_MSG(ws != NULL, CLOUT_ERR_NOMEM, "out of memory for betweenness");
    for (int t = 0; t < nt; t++) ASSERT_MSG(ws_init(&ws[t], n), CLOUT_ERR_NOMEM, "out of memory for betweenness");
    const uint64_t *ptr = c.ptr, *idx = c.idx;
    int64_t nchunks = ns < NCHUNKS ? ns : NCHUNKS, done = 0;
    bool stop = false;
    int64_t mine = 0;
    for (int g = g_lo; g < g_hi; g++)
        mine += (int64_t)(g + 1) * nchunks / NGROUPS * ns / nchunks - (int64_t)g * nchunks / NGROUPS * ns / nchunks;
    /* a distributed run keeps its groups' sums until the running sum reaches it */
    ALLOC_TRY(grp, (dist ? (int64_t)(g_hi - g_lo) : 1) * n + 1, double);
    prog = clout_i_progress_start("betweenness", (double)mine, " sources");
    /* this process's chunks, C0 .. C1 - 1 (its groups' chunks are consecutive), in a reorder
     * buffer: ready[c - C0] names the buffer (thread * MAXBUF + b, plus 1) holding chunk c once done */
    int64_t C0 = (int64_t)g_lo * nchunks / NGROUPS, C1 = (int64_t)g_hi * nchunks / NGROUPS;
    double budget = spare < (double)BUF_BYTES ? spare : (double)BUF_BYTES;
    int64_t next_claim = C0, next_add = C0, extra = 0, max_extra = (int64_t)(budget / (8.0 * (double)n));
    if (max_extra < nt) max_extra = nt; /* room for a second buffer a thread (counted in need) */
    if (clout_i_betweenness_extra_max >= 0) max_extra = clout_i_betweenness_extra_max;
    CALLOC_TRY(ready, C1 - C0 + 1, int);
    if (dist) memset(grp, 0, (size_t)(g_hi - g_lo) * (size_t)n * sizeof(double)); /* empty groups add 0 */
    /* past a few MB of per-user arrays, the ties fetch their targets' entries 16 ahead (R-MAT:
     * 20% less time; on graphs that stay in cache it only costs) */
    const bool ahead = n > ((int64_t)1 << 17);
    #pragma omp parallel num_threads(nt)
    {
        workspace *w = &ws[omp_get_thread_num()];
        int me = omp_get_thread_num();
        for (;;) {
            /* a free buffer, or a new one while the extra buffers stay within BUF_BYTES; else
             * wait: the chunks held wait for an earlier one, which whoever completes it adds.
             * The buffer comes before the chunk, so the earliest chunk not added is always being
             * worked on. */
            int b = -1;
            while (b < 0) {
                for (int q = 0; q < w->nbuf && b < 0; q++)
                    if (!__atomic_load_n(&w->busy[q], __ATOMIC_ACQUIRE)) b = q;
                if (b < 0 && w->nbuf < MAXBUF && __atomic_load_n(&extra, __ATOMIC_RELAXED) < max_extra &&
                    __atomic_add_fetch(&extra, 1, __ATOMIC_RELAXED) <= max_extra) {
                    w->acc[w->nbuf] = clout_i_calloc((size_t)n, sizeof(double));
                    if (w->acc[w->nbuf] != NULL) b = w->nbuf++;
                }
                if (b < 0) sched_yield();
            }
            int64_t ch = __atomic_fetch_add(&next_claim, 1, __ATOMIC_RELAXED);
            if (ch >= C1) break;
            int64_t lo = ch * ns / nchunks, hi = (ch + 1) * ns / nchunks;
            for (int64_t i = lo; i < hi && !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++)
                one_source(ptr, idx, src[i], w, w->acc[b], ahead);
            __atomic_store_n(&w->busy[b], 1, __ATOMIC_RELAXED);
            __atomic_store_n(&ready[ch - C0], me * MAXBUF + b + 1, __ATOMIC_RELEASE);
            clout_i_progress_tick(prog, &done, hi - lo, &stop);
            /* add, in chunk order, every finished chunk from the next one on: group g's sum starts
             * from 0 at its first chunk and goes into bc after its last (a distributed run keeps
             * each group's sum apart) */
            #pragma omp critical
            for (int r_; next_add < C1 && (r_ = __atomic_load_n(&ready[next_add - C0], __ATOMIC_ACQUIRE)) != 0;
                 next_add++) {
                workspace *o = &ws[(r_ - 1) / MAXBUF];
                double *a = o->acc[(r_ - 1) % MAXBUF];
                int g = (int)(((next_add + 1) * NGROUPS - 1) / nchunks); /* the group holding the chunk */
                int64_t gc0 = (int64_t)g * nchunks / NGROUPS, gc1 = (int64_t)(g + 1) * nchunks / NGROUPS;
                double *gs = grp + (dist ? (int64_t)(g - g_lo) * n : 0);
                if (next_add == gc0) memset(gs, 0, (size_t)n * sizeof(double));
                for (int64_t v = 0; v < n; v++) gs[v] += a[v];
                memset(a, 0, (size_t)n * sizeof(double));
                __atomic_store_n(&o->busy[(r_ - 1) % MAXBUF], 0, __ATOMIC_RELEASE);
                if (!dist && next_add == gc1 - 1)
                    for (int64_t v = 0; v < n; v++) bc[v] += gs[v];
            }
        }
    }
    if (dist) {
        /* the running sum: from the previous process, plus this one's groups in order, on to the
         * next; the last one's is everyone's. Every process takes part even when stopped. */
        int st = CLOUT_OK;
        if (r > 0) st = part->recv_f64(part->ctx, r - 1, bc, n);
        for (int g = g_lo; g < g_hi; g++)
            for (int64_t v = 0; v < n; v++) bc[v] += grp[(int64_t)(g - g_lo) * n + v];
        if (st == CLOUT_OK && r < R - 1) st = part->send_f64(part->ctx, r + 1, bc, n);
        if (st == CLOUT_OK) st = part->bcast_f64(part->ctx, R - 1, bc, n);
        ASSERT_MSG(st == CLOUT_OK, CLOUT_ERR_INTERNAL, "betweenness: passing the sum between processes failed");
    }
    ASSERT_MSG(!stop, CLOUT_ERR_INTERRUPTED, "interrupted");
    /* an undirected pair was counted from both ends; a sample stands for all n sources */
    double scale = (G->directed ? 1.0 : 0.5) * (ns < n ? (double)n / (double)ns : 1.0);
    if (scale != 1.0)
        for (int64_t v = 0; v < n; v++) bc[v] *= scale;
    FREE_ALL;
    return CLOUT_OK;
}
