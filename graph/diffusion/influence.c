/* diffusion.c: edge probabilities of the Independent Cascade model, reverse-reachable (RR)
 * sets, and Monte Carlo cascades.
 *
 * Probabilities (on S, an edge u->v: u can influence v): wc p = w(u,v) / sum_x w(x,v);
 * const:P; trivalency (each edge draws 0.1, 0.01 or 0.001, keyed by its position in S); weight
 * (the weights themselves, each in [0, 1]). They are kept as plain CSR arrays in both
 * directions: samplers walk them directly.
 *
 * Every coin is a counter-based draw: RR set j uses stream (j, 1) and counts its coins; the
 * cascade (u, s) of user u's s-th simulation flips the coin of out-edge k with index k of stream
 * (u * sims + s, 2). Results are therefore the same for any thread count. */
#include "diffusion_internal.h"
#include <math.h>
#include <omp.h>


void clout_influence_free(clout_influence **P)
{
    if (P == NULL || *P == NULL) return;
    clout_influence *x = *P;
    free(x->optr);
    free(x->oidx);
    free(x->op);
    free(x->iptr);
    free(x->iidx);
    free(x->ip);
    free(x->irow);
    free(x->odeg);
    free(x);
    *P = NULL;
}

#undef FREE_ALL
#define FREE_ALL

int clout_prob_parse(const char *spec, clout_prob_model *m, char msg[CLOUT_MSG_LEN])
{
    memset(m, 0, sizeof(*m));
    m->seed = 1;
    m->window = INFINITY;
    if (strcmp(spec, "learned") == 0) {
        m->kind = CLOUT_PROB_LEARNED;
    } else if (strcmp(spec, "wc") == 0) {
        m->kind = CLOUT_PROB_WC;
    } else if (strcmp(spec, "trivalency") == 0) {
        m->kind = CLOUT_PROB_TRIVALENCY;
    } else if (strcmp(spec, "weight") == 0) {
        m->kind = CLOUT_PROB_WEIGHT;
    } else if (strncmp(spec, "const:", 6) == 0) {
        char *end;
        m->kind = CLOUT_PROB_CONST;
        m->p = strtod(spec + 6, &end);
        ASSERT_MSG(end != spec + 6 && *end == '\0' && m->p >= 0 && m->p <= 1, CLOUT_ERR_INVALID,
                   "const:P needs a probability P in [0, 1], got '%s'", spec + 6);
    } else {
        ERR(CLOUT_ERR_INVALID, "the probability model must be wc, const:P, trivalency, weight or learned, got '%s'", spec);
    }
    return CLOUT_OK;
}

/* The probability of tie u -> v (out-tie k of u, weight w) under model m. */
static double tie_prob(const clout_prob_model *m, const clout_i_csr *tt, int64_t u, int64_t v, uint64_t k, double w,
                       double inw_v)
{
    static const double tri[3] = {0.1, 0.01, 0.001};
    double p;
    switch (m->kind) {
    case CLOUT_PROB_WC: p = inw_v > 0 ? w / inw_v : 0; break;
    case CLOUT_PROB_CONST: p = m->p; break;
    case CLOUT_PROB_TRIVALENCY: p = tri[clout_rng_bounded(m->seed, CLOUT_STREAM_TRIVALENCY, k, 3)]; break;
    case CLOUT_PROB_LEARNED: {
        /* merge the sorted item rows of u and v in T */
        const double *tx = tt->vals;
        uint64_t a = tt->ptr[u], ae = tt->ptr[u + 1], b = tt->ptr[v], be = tt->ptr[v + 1];
        double au = (double)(ae - a), auv = 0;
        while (a < ae && b < be) {
            if (tt->idx[a] < tt->idx[b]) a++;
            else if (tt->idx[a] > tt->idx[b]) b++;
            else {
                double tu = tt->iso ? tx[0] : tx[a], tv = tt->iso ? tx[0] : tx[b];
                auv += tv > tu && tv - tu <= m->window;
                a++;
                b++;
            }
        }
        p = au + m->a + m->b > 0 ? (auv + m->a) / (au + m->a + m->b) : 0;
        break;
    }
    default: p = w; /* weight: checked by the caller */
    }
    return p > 1 ? 1 : p;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (bs && cs.idx) clout_i_csr_return(G->S, &cs, msg); /* (this NULLs cs.idx) */   \
        else if (bs) drop_social(G, cs.vals, n);                                          \
        if (btt) clout_i_csr_return(G->T, &tt, msg);                                      \
        clout_influence_free(&P);                                                         \
        FREE_PTR(inw);                                                                    \
        FREE_PTR(tpos);                                                                   \
        FREE_PTR(urange);                                                                 \
    } while (0)

/* G's social matrix was taken over (its arrays now belong to P): leave G an empty one */
static void drop_social(clout_graph *G, void *vals, int64_t n)
{
    free(vals);
    clout_graph_drop_cache(G);
    GrB_free(&G->S);
    GrB_Matrix_new(&G->S, GrB_FP32, (GrB_Index)n, (GrB_Index)n);
}

int clout_influence_new(clout_influence **out, clout_graph *G, const clout_prob_model *m, unsigned flags,
                        char msg[CLOUT_MSG_LEN])
{
    clout_i_csr cs, tt;
    bool bs = false, btt = false;
    clout_influence *P = NULL;
    double *inw = NULL;
    uint64_t *tpos = NULL;
    int64_t *urange = NULL;
    int64_t n = clout_graph_users(G);
    ASSERT_MSG(n <= (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "the influence graph holds at most %u users, not %lld",
               UINT32_MAX, (long long)n);
    if (m->kind == CLOUT_PROB_LEARNED)
        ASSERT_MSG(m->window >= 0 && m->a >= 0 && m->b >= 0, CLOUT_ERR_INVALID,
                   "learned probabilities need a window >= 0 and a prior a, b >= 0");
    GrB_Index timed = 0;
    if (m->kind == CLOUT_PROB_LEARNED) GRB_TRY(GrB_Matrix_nvals(&timed, G->T));
    /* without times every learned probability would be 0 (or the prior alone): no answer at all */
    ASSERT_MSG(m->kind != CLOUT_PROB_LEARNED || timed > 0, CLOUT_ERR_DATA,
               "learned probabilities need interaction times, and this graph has none (ingest a log with a time "
               "column, or cascades)");
    P = clout_i_calloc(1, sizeof(*P));
    ASSERT_MSG(P != NULL, CLOUT_ERR_NOMEM, "out of memory");
    /* consuming takes S's arrays over; otherwise they are only read */
    if (flags & CLOUT_INFLUENCE_CONSUME) TRY(clout_i_csr_take(G->S, &cs, msg));
    else TRY(clout_i_csr_borrow(G->S, &cs, msg));
    bs = true;
    int64_t nnz = (int64_t)cs.nvals;
    const float *sv = cs.vals;
    P->n = n;
    P->m = nnz;
    /* out-rows: S's own arrays with 32-bit indices; consuming S narrows them in place (entry k
     * moves from byte 8k to byte 4k after it was read) and gives back the upper half */
    if (flags & CLOUT_INFLUENCE_CONSUME) {
        unsigned char *bytes = (unsigned char *)cs.idx;
        for (int64_t k = 0; k < nnz; k++) {
            uint32_t x = (uint32_t)cs.idx[k];
            memcpy(bytes + 4 * (size_t)k, &x, sizeof x);
        }
        void *shrunk = clout_i_realloc(cs.idx, (size_t)(nnz ? nnz : 1), sizeof(uint32_t));
        P->oidx = shrunk ? shrunk : (void *)cs.idx;
        P->optr = cs.ptr;
        cs.idx = NULL;
        cs.ptr = NULL;
    } else {
        ALLOC_TRY(P->optr, n + 1, uint64_t);
        ALLOC_TRY(P->oidx, nnz ? nnz : 1, uint32_t);
        memcpy(P->optr, cs.ptr, (size_t)(n + 1) * sizeof(uint64_t));
        for (int64_t k = 0; k < nnz; k++) P->oidx[k] = (uint32_t)cs.idx[k];
    }
    const uint64_t *optr = P->optr;
    const uint32_t *oidx = P->oidx;
    /* in-degrees: each thread counts the ties of its own range of sources (ranges of equal tie
     * counts), then the counts become each thread's first slot in every in-row, so the in-rows
     * below fill in parallel and come out sorted by source, as a sequential pass would leave them */
    int nt = omp_get_max_threads();
    CALLOC_TRY(P->iptr, n + 1, uint64_t);
    CALLOC_TRY(tpos, (size_t)nt * (size_t)(n ? n : 1), uint64_t);
    ALLOC_TRY(urange, nt + 1, int64_t);
    for (int t = 0; t <= nt; t++) {
        /* the first source whose ties start at or after t/nt of all ties */
        uint64_t want = (uint64_t)nnz * (uint64_t)t / (uint64_t)nt;
        int64_t lo = 0, hi = n;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (optr[mid] < want) lo = mid + 1;
            else hi = mid;
        }
        urange[t] = t == nt ? n : lo;
    }
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        uint64_t *tc = tpos + (size_t)t * (size_t)n;
        for (uint64_t k = optr[urange[t]]; k < optr[urange[t + 1]]; k++) tc[oidx[k]]++;
        #pragma omp barrier
        #pragma omp for schedule(static)
        for (int64_t v = 0; v < n; v++) {
            uint64_t c = 0;
            for (int x = 0; x < nt; x++) c += tpos[(size_t)x * (size_t)n + (size_t)v];
            P->iptr[v + 1] = c;
        }
    }
    for (int64_t v = 0; v < n; v++) P->iptr[v + 1] += P->iptr[v];
    #pragma omp parallel for schedule(static)
    for (int64_t v = 0; v < n; v++) {
        uint64_t at = P->iptr[v];
        for (int x = 0; x < nt; x++) {
            uint64_t c = tpos[(size_t)x * (size_t)n + (size_t)v];
            tpos[(size_t)x * (size_t)n + (size_t)v] = at;
            at += c;
        }
    }
    /* in-weights (wc): the degree times the common weight when the ties are unweighted */
    CALLOC_TRY(inw, n ? n : 1, double);
    if (cs.iso)
        for (int64_t v = 0; v < n; v++) inw[v] = (double)(P->iptr[v + 1] - P->iptr[v]) * sv[0];
    else
        for (int64_t k = 0; k < nnz; k++) inw[oidx[k]] += sv[k];
    /* one probability per user for every in-tie: wc and weight on unweighted ties, const */
    bool uniform = m->kind == CLOUT_PROB_CONST || (cs.iso && (m->kind == CLOUT_PROB_WC || m->kind == CLOUT_PROB_WEIGHT));
    if (m->kind == CLOUT_PROB_WEIGHT) {
        for (int64_t u = 0; u < n; u++)
            for (uint64_t k = optr[u]; k < optr[u + 1]; k++) {
                double w = cs.iso ? sv[0] : sv[k];
                if (w >= 0 && w <= 1) continue;
                size_t la, lb;
                const char *a = clout_idmap_name(G->users, u, &la), *b = clout_idmap_name(G->users, oidx[k], &lb);
                ERR(CLOUT_ERR_DATA, "probabilities from weights: the weight of tie %.64s -> %.64s is %g, not a probability in [0, 1]",
                    a, b, w);
            }
    }
    if (m->kind == CLOUT_PROB_LEARNED) {
        TRY(clout_i_csr_borrow(G->T, &tt, msg));
        btt = true;
    }
    if (uniform) {
        ALLOC_TRY(P->irow, n + 1, clout_i_irow);
        for (int64_t v = 0; v <= n; v++) {
            P->irow[v].lo = P->iptr[v];
            P->irow[v].p = v < n && P->iptr[v + 1] > P->iptr[v] ? tie_prob(m, &tt, 0, v, 0, cs.iso ? sv[0] : 0, inw[v]) : 0;
        }
    } else {
        ALLOC_TRY(P->op, nnz ? nnz : 1, double);
        ALLOC_TRY(P->ip, nnz ? nnz : 1, double);
        for (int64_t u = 0; u < n; u++)
            for (uint64_t k = optr[u]; k < optr[u + 1]; k++)
                P->op[k] = tie_prob(m, &tt, u, oidx[k], k, cs.iso ? sv[0] : sv[k], inw[oidx[k]]);
    }
    FREE_PTR(inw);
    if (btt) {
        btt = false;
        TRY(clout_i_csr_return(G->T, &tt, msg));
    }
    /* in-rows by a counting sort of the out-rows: sources come in ascending order, so each row is
     * sorted */
    ALLOC_TRY(P->iidx, nnz ? nnz : 1, uint32_t);
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        uint64_t *slot = tpos + (size_t)t * (size_t)n;
        for (int64_t u = urange[t]; u < urange[t + 1]; u++)
            for (uint64_t k = optr[u]; k < optr[u + 1]; k++) {
                uint64_t q = slot[oidx[k]]++;
                P->iidx[q] = (uint32_t)u;
                if (P->ip) P->ip[q] = P->op[k];
            }
    }
    FREE_PTR(tpos);
    FREE_PTR(urange);
    ALLOC_TRY(P->odeg, n ? n : 1, uint32_t);
    for (int64_t u = 0; u < n; u++) P->odeg[u] = (uint32_t)(optr[u + 1] - optr[u]);
    if (flags & CLOUT_INFLUENCE_REVERSE) {
        /* RR sets walk in-rows only */
        FREE_PTR(P->optr);
        FREE_PTR(P->oidx);
        FREE_PTR(P->op);
    }
    bs = false;
    if (flags & CLOUT_INFLUENCE_CONSUME) {
        /* G keeps its users and items; its social ties now live only in P */
        drop_social(G, cs.vals, n);
        ASSERT_MSG(G->S != NULL, CLOUT_ERR_NOMEM, "out of memory");
    } else {
        TRY(clout_i_csr_return(G->S, &cs, msg));
    }
    *out = P;
    P = NULL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- sampling kernels */

/* The cascade of clout_i_cascade continued: queue[0..q0) is a finished cascade of this stamp and
 * key; the seeds join it and it runs to its end again. Returns the active users. Under IC a tie's
 * coin and under LT a user's threshold depend on the tie or user only, and the final set does not
 * depend on the order of activation, so a cascade grown seed group by seed group ends where one
 * started from all the seeds would. */
static int64_t cascade_from(const clout_influence *P, const double *b, const int64_t *seeds, int64_t ns, uint64_t key,
                            uint16_t *mark, uint16_t stamp, uint16_t *seen, double *acc, int64_t *queue, int64_t q0,
                            int64_t *rounds)
{
    int64_t h = q0, q = q0, r = 0;
    for (int64_t i = 0; i < ns; i++)
        if (mark[seeds[i]] != stamp) {
            mark[seeds[i]] = stamp;
            queue[q++] = seeds[i];
        }
    /* breadth-first by rounds: one round activates the next layer */
    while (h < q) {
        int64_t end = q;
        bool grew = false;
        for (; h < end; h++) {
            int64_t v = queue[h];
            if (h + 4 < end) __builtin_prefetch(&P->optr[queue[h + 4]]);
            uint64_t kend = P->optr[v + 1];
            for (uint64_t k = P->optr[v]; k < kend; k++) {
                int64_t w = P->oidx[k];
                /* a hub's row is long and its targets scattered: fetch ahead what they will read */
                if (k + 16 < kend) {
                    uint32_t wa = P->oidx[k + 16];
                    __builtin_prefetch(&mark[wa]);
                    if (!b && P->irow) __builtin_prefetch(&P->irow[wa]);
                    if (b) {
                        __builtin_prefetch(&seen[wa]);
                        __builtin_prefetch(&acc[wa]);
                    }
                }
                if (mark[w] == stamp) continue;
                bool on;
                if (!b) {
                    double p = clout_i_pout(P, k);
                    on = p >= 1 || (p > 0 && clout_i_unif_at(key, k) < p);
                } else {
                    if (seen[w] != stamp) {
                        seen[w] = stamp;
                        acc[w] = 0;
                    }
                    acc[w] += b[k];
                    /* w's threshold, the same draw whenever it is compared in this cascade */
                    on = acc[w] >= clout_i_unif_at(key, (uint64_t)w);
                }
                if (on) {
                    mark[w] = stamp;
                    queue[q++] = w;
                    grew = true;
                }
            }
        }
        r += grew;
    }
    *rounds = r;
    return q;
}

int64_t clout_i_cascade(const clout_influence *P, const double *b, const int64_t *seeds, int64_t ns, uint64_t seed,
                        uint64_t stream, uint16_t *mark, uint16_t stamp, uint16_t *seen, double *acc, int64_t *queue,
                        int64_t *rounds)
{
    return cascade_from(P, b, seeds, ns, clout_i_rng_key(seed, stream), mark, stamp, seen, acc, queue, 0, rounds);
}

/* ---------------------------------------------------------------- RR sets */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(cnt);                                                                    \
        clout_i_progress_end(prog);                                                         \
    } while (0)

#define RR_CHUNK 256

int clout_rr_counts(const clout_influence *P, bool lt, int64_t theta, uint64_t seed, int64_t *count, int64_t *roots,
                    char msg[CLOUT_MSG_LEN])
{
    int64_t *cnt = NULL;
    clout_i_progress *prog = NULL;
    int64_t n = P->n;
    ASSERT_MSG(theta > 0, CLOUT_ERR_INVALID, "the number of RR sets must be positive");
    ASSERT_MSG(n > 0, CLOUT_ERR_INVALID, "the graph has no users");
    int nt = omp_get_max_threads();
    CALLOC_TRY(cnt, (size_t)nt * (size_t)n, int64_t);
    bool nomem = false, stop = false;
    int64_t done = 0;
    prog = clout_i_progress_start("RR sets", (double)theta, " sets");
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        int64_t *mine = cnt + (size_t)t * (size_t)n;
        /* visited marks: the set number + 1 that last reached a user (no clearing) */
        clout_i_rrws *ws = clout_i_rrws_new(P);
        uint32_t *buf = NULL;
        int64_t cap = 0, offs[RR_CHUNK + 1];
        if (!ws) {
            #pragma omp atomic write
            nomem = true;
        }
        #pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < theta; c += RR_CHUNK) {
            if (__atomic_load_n(&stop, __ATOMIC_RELAXED)) continue;
            int64_t used = 0, m = theta - c < RR_CHUNK ? theta - c : RR_CHUNK;
            if (!ws || clout_i_rr_sets(P, lt, seed, (uint64_t)c, m, ws, &buf, &used, &cap, offs) != CLOUT_OK) {
                #pragma omp atomic write
                nomem = true;
                continue;
            }
            for (int64_t h = 0; h < used; h++) mine[buf[h]]++;
            clout_i_progress_tick(prog, &done, m, &stop);
        }
        clout_i_rrws_free(ws);
        free(buf);
    }
    ASSERT_MSG(!nomem, CLOUT_ERR_NOMEM, "out of memory sampling RR sets");
    ASSERT_MSG(!stop, CLOUT_ERR_INTERRUPTED, "interrupted");
    for (int64_t v = 0; v < n; v++) {
        int64_t s = 0;
        for (int t = 0; t < nt; t++) s += cnt[(size_t)t * (size_t)n + (size_t)v];
        count[v] = s;
    }
    if (roots != NULL) {
        memset(roots, 0, (size_t)n * sizeof(int64_t));
        for (int64_t j = 0; j < theta; j++) roots[clout_i_rr_root(seed, (uint64_t)j, n)]++;
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- Monte Carlo cascades */

#undef FREE_ALL
#define FREE_ALL clout_i_progress_end(prog)

int clout_ic_cascades(const clout_influence *P, const int64_t *users, int64_t nu, int64_t sims, uint64_t seed,
                      double *spread, double *spread_se, double *depth, char msg[CLOUT_MSG_LEN])
{
    clout_i_progress *prog = NULL;
    int64_t n = P->n;
    ASSERT_MSG(P->optr != NULL, CLOUT_ERR_INVALID, "the influence graph was built for RR sets only");
    ASSERT_MSG(sims > 0, CLOUT_ERR_INVALID, "the number of simulations must be positive");
    bool nomem = false, stop = false;
    int64_t done = 0;
    /* a distributed run: this process takes its block of the users, then every process gets
     * every user's values (each computed by one process, so exchanged bit for bit) */
    const clout_partition *part = clout_i_partition();
    int64_t i_lo, i_hi;
    clout_i_part_block(nu, &i_lo, &i_hi);
    if (part->size > 1)
        for (int64_t i = 0; i < nu; i++) {
            spread[i] = 0;
            if (spread_se) spread_se[i] = 0;
            if (depth) depth[i] = 0;
        }
    prog = clout_i_progress_start("cascades", (double)(i_hi - i_lo), " users");
    #pragma omp parallel
    {
        uint16_t *mark = clout_i_calloc((size_t)n, sizeof(uint16_t)); /* 16-bit stamps: 2 bytes a user */
        int64_t *queue = clout_i_malloc((size_t)n, sizeof(int64_t));
        if (!mark || !queue) {
            #pragma omp atomic write
            nomem = true;
        }
        uint32_t stamp = 0;
        #pragma omp for schedule(dynamic, 16)
        for (int64_t i = i_lo; i < i_hi; i++) {
            if (!mark || !queue || __atomic_load_n(&stop, __ATOMIC_RELAXED)) continue;
            int64_t u = users[i];
            double s1 = 0, s2 = 0, dsum = 0;
            for (int64_t s = 0; s < sims; s++) {
                uint64_t stream = clout_i_stream_user_cascade((uint64_t)u, (uint64_t)sims, (uint64_t)s);
                int64_t rounds;
                uint16_t st = clout_i_next_stamp16(mark, NULL, n, &stamp);
                int64_t q = clout_i_cascade(P, NULL, &u, 1, seed, stream, mark, st, NULL, NULL, queue, &rounds);
                s1 += (double)q;
                s2 += (double)q * (double)q;
                dsum += (double)rounds;
            }
            double mean = s1 / (double)sims;
            spread[i] = mean;
            if (spread_se)
                spread_se[i] = sims > 1 ? sqrt(fmax(0, (s2 - s1 * mean) / (double)(sims - 1)) / (double)sims) : 0;
            if (depth) depth[i] = dsum / (double)sims;
            clout_i_progress_tick(prog, &done, 1, &stop);
        }
        free(mark);
        free(queue);
    }
    ASSERT_MSG(!nomem, CLOUT_ERR_NOMEM, "out of memory simulating cascades");
    ASSERT_MSG(!stop, CLOUT_ERR_INTERRUPTED, "interrupted");
    if (part->size > 1) {
        /* each value is set on one process and 0 (all bits clear) on the others: summing the
         * bit patterns as integers hands it to every process unchanged */
        double *arr[3] = {spread, spread_se, depth};
        for (int a = 0; a < 3; a++) {
            if (arr[a] == NULL) continue;
            int64_t *bits = (int64_t *)(void *)arr[a];
            ASSERT_MSG(clout_i_part_sum(bits, nu) == CLOUT_OK, CLOUT_ERR_INTERNAL,
                       "cascades: the exchange between processes failed");
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- seed sets: IC and LT */

/* LT weights: b(u,v) = p(u,v) of the model, rescaled per user v so that its in-weights sum to at
 * most 1 (wc and weight already do; const and trivalency may not). */
static double *lt_weights(const clout_influence *P)
{
    double *b = clout_i_malloc((size_t)(P->m ? P->m : 1), sizeof(double));
    double *in = clout_i_calloc((size_t)(P->n ? P->n : 1), sizeof(double));
    if (!b || !in) {
        free(b);
        free(in);
        return NULL;
    }
    for (int64_t v = 0; v < P->n; v++)
        for (uint64_t k = P->iptr[v]; k < P->iptr[v + 1]; k++) in[v] += clout_i_pin(P, v, k);
    for (int64_t u = 0; u < P->n; u++)
        for (uint64_t k = P->optr[u]; k < P->optr[u + 1]; k++) {
            int64_t v = P->oidx[k];
            double p = clout_i_pout(P, k);
            b[k] = in[v] > 1 ? p / in[v] : p;
        }
    free(in);
    return b;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(b);                                                                      \
        clout_i_progress_end(prog);                                                         \
    } while (0)

/* Both public calls: sims worlds, each cascade grown prefix by prefix (nk prefix sizes ks, not
 * decreasing); sizes[j * sims + s]; depths[s] (may be NULL): the rounds of the largest prefix's
 * cascade, meaningful when nk is 1. */
/* simulations first .. first + sims - 1 (their outputs at 0 .. sims - 1) */
static int simulate(const clout_influence *P, bool lt, const int64_t *seeds, const int64_t *ks, int nk, int64_t first,
                    int64_t sims, uint64_t seed, int64_t *sizes, int64_t *depths, char msg[CLOUT_MSG_LEN])
{
    double *b = NULL;
    clout_i_progress *prog = NULL;
    int64_t n = P->n;
    ASSERT_MSG(P->optr != NULL, CLOUT_ERR_INVALID, "the influence graph was built for RR sets only");
    ASSERT_MSG(sims > 0 && first >= 0, CLOUT_ERR_INVALID, "the number of simulations must be positive");
    ASSERT_MSG(nk > 0 && ks[0] > 0, CLOUT_ERR_INVALID, "the seed set is empty");
    for (int j = 1; j < nk; j++)
        ASSERT_MSG(ks[j] >= ks[j - 1], CLOUT_ERR_INVALID, "prefix sizes must not decrease (%lld after %lld)",
                   (long long)ks[j], (long long)ks[j - 1]);
    for (int64_t i = 0; i < ks[nk - 1]; i++)
        ASSERT_MSG(seeds[i] >= 0 && seeds[i] < n, CLOUT_ERR_INVALID, "seed %lld is not a user", (long long)seeds[i]);
    if (lt) {
        b = lt_weights(P);
        ASSERT_MSG(b != NULL, CLOUT_ERR_NOMEM, "out of memory");
    }
    bool nomem = false, stop = false;
    int64_t done = 0;
    prog = clout_i_progress_start("simulations", (double)sims, "");
    #pragma omp parallel
    {
        uint16_t *mark = clout_i_calloc((size_t)n, sizeof(uint16_t)); /* 16-bit stamps: 2 bytes a user */
        int64_t *queue = clout_i_malloc((size_t)n, sizeof(int64_t));
        uint16_t *seen = lt ? clout_i_calloc((size_t)n, sizeof(uint16_t)) : NULL;
        uint32_t stamp = 0;
        double *acc = lt ? clout_i_malloc((size_t)n, sizeof(double)) : NULL;
        if (!mark || !queue || (lt && (!seen || !acc))) {
            #pragma omp atomic write
            nomem = true;
        }
        #pragma omp for schedule(dynamic, 16)
        for (int64_t i = 0; i < sims; i++) {
            const int64_t s = first + i;
            if (!mark || !queue || (lt && (!seen || !acc)) || __atomic_load_n(&stop, __ATOMIC_RELAXED)) continue;
            /* simulation s: stream 4s+3 for IC coins (by out-edge), 4s+1 for LT thresholds (by
             * user); the same world for every prefix */
            uint64_t key = clout_i_rng_key(seed, clout_i_stream_simulation((uint64_t)s, lt));
            int64_t q = 0, from = 0, rounds = 0;
            /* one stamp for the simulation's prefixes (LT's threshold sums stamped alike) */
            uint16_t st = clout_i_next_stamp16(mark, seen, n, &stamp);
            for (int j = 0; j < nk; j++) {
                q = cascade_from(P, b, seeds + from, ks[j] - from, key, mark, st, seen, acc, queue, q, &rounds);
                from = ks[j];
                sizes[(int64_t)j * sims + i] = q;
            }
            if (depths) depths[i] = rounds;
            clout_i_progress_tick(prog, &done, 1, &stop);
        }
        free(mark);
        free(queue);
        free(seen);
        free(acc);
    }
    ASSERT_MSG(!nomem, CLOUT_ERR_NOMEM, "out of memory simulating");
    ASSERT_MSG(!stop, CLOUT_ERR_INTERRUPTED, "interrupted");
    FREE_ALL;
    return CLOUT_OK;
}

int clout_simulate(const clout_influence *P, bool lt, const int64_t *seeds, int64_t ns, int64_t sims, uint64_t seed,
                   int64_t *sizes, int64_t *depths, char msg[CLOUT_MSG_LEN])
{
    return simulate(P, lt, seeds, &ns, 1, 0, sims, seed, sizes, depths, msg);
}

int clout_simulate_range(const clout_influence *P, bool lt, const int64_t *seeds, int64_t ns, int64_t first,
                         int64_t count, uint64_t seed, int64_t *sizes, int64_t *depths, char msg[CLOUT_MSG_LEN])
{
    return simulate(P, lt, seeds, &ns, 1, first, count, seed, sizes, depths, msg);
}

int clout_simulate_prefixes(const clout_influence *P, bool lt, const int64_t *seeds, const int64_t *ks, int nk,
                            int64_t sims, uint64_t seed, int64_t *sizes, char msg[CLOUT_MSG_LEN])
{
    return simulate(P, lt, seeds, ks, nk, 0, sims, seed, sizes, NULL, msg);
}

int clout_simulate_prefixes_range(const clout_influence *P, bool lt, const int64_t *seeds, const int64_t *ks, int nk,
                                  int64_t first, int64_t count, uint64_t seed, int64_t *sizes, char msg[CLOUT_MSG_LEN])
{
    return simulate(P, lt, seeds, ks, nk, first, count, seed, sizes, NULL, msg);
}
