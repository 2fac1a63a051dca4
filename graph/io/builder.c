/* builder.c: accumulate edge lists, logs and cascades; build S, R and T from them. */
#include "io_internal.h"
#include <math.h>
#include <omp.h>

void clout_read_opts_init(clout_read_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->dedupe = CLOUT_DEDUPE_SUM;
    o->default_action_weight = 1.0;
}

#undef FREE_ALL
#define FREE_ALL clout_builder_free(&nb)

int clout_builder_new(clout_builder **b, const clout_read_opts *opts, char msg[CLOUT_MSG_LEN])
{
    clout_builder *nb = clout_i_calloc(1, sizeof(*nb));
    ASSERT_MSG(nb != NULL, CLOUT_ERR_NOMEM, "out of memory");
    nb->undirected = opts->undirected;
    nb->unit_weights = true;
    nb->dedupe = opts->dedupe;
    nb->aggregate = opts->aggregate;
    ASSERT_MSG(opts->aggregate >= CLOUT_AGG_SUM && opts->aggregate <= CLOUT_AGG_COUNT, CLOUT_ERR_INVALID,
               "unknown aggregation %d", (int)opts->aggregate);
    TRY(clout_idmap_new(&nb->users, msg));
    TRY(clout_idmap_new(&nb->items, msg));
    TRY(clout_idmap_new(&nb->actions, msg));
    *b = nb;
    return CLOUT_OK;
}

void clout_builder_free(clout_builder **b)
{
    if (b == NULL || *b == NULL) return;
    clout_builder *x = *b;
    clout_idmap_free(&x->users);
    clout_idmap_free(&x->items);
    clout_idmap_free(&x->actions);
    free(x->ia);
    free(x->esrc);
    free(x->edst);
    free(x->ew);
    free(x->iu);
    free(x->ii);
    free(x->iw);
    free(x->it);
    for (int i = 0; i < x->nsources; i++) free(x->sources[i]);
    free(x->sources);
    free(x->action_weights);
    free(x);
    *b = NULL;
}

void clout_builder_stats(const clout_builder *b, clout_read_stats *st)
{
    *st = b->stats;
}

#undef FREE_ALL
#define FREE_ALL

/* Grow one of the builder's arrays to cap entries; on failure it stays whole and false is the answer. */
#define GROW(p, cap) ((tmp = clout_i_realloc((p), (size_t)(cap), sizeof(*(p)))) != NULL ? ((p) = tmp, true) : false)

int clout_i_builder_reserve_edges(clout_builder *b, int64_t extra, char msg[CLOUT_MSG_LEN])
{
    if (b->ne + extra <= b->ecap) return CLOUT_OK;
    int64_t cap = b->ne + extra;
    void *tmp;
    ASSERT_MSG(GROW(b->esrc, cap) && GROW(b->edst, cap) && GROW(b->ew, cap), CLOUT_ERR_NOMEM,
               "out of memory for %lld edges", (long long)cap);
    b->ecap = cap;
    return CLOUT_OK;
}

int32_t clout_i_builder_action(clout_builder *b, const char *name, size_t len, char msg[CLOUT_MSG_LEN])
{
    int64_t a = clout_idmap_find(b->actions, name, len);
    if (a >= 0) return (int32_t)a;
    ASSERT_MSG(clout_idmap_size(b->actions) < CLOUT_MAX_ACTIONS, CLOUT_ERR_DATA,
               "more than %d action types: is the action column really one?", CLOUT_MAX_ACTIONS);
    a = clout_idmap_intern(b->actions, name, len, msg);
    return (int32_t)a;
}

int clout_i_builder_reserve_inter(clout_builder *b, int64_t extra, char msg[CLOUT_MSG_LEN])
{
    if (b->ni + extra <= b->icap) return CLOUT_OK;
    int64_t cap = b->ni + extra;
    void *tmp;
    ASSERT_MSG(GROW(b->iu, cap) && GROW(b->ii, cap) && GROW(b->iw, cap) && GROW(b->it, cap) && GROW(b->ia, cap),
               CLOUT_ERR_NOMEM,
               "out of memory for %lld interactions", (long long)cap);
    b->icap = cap;
    return CLOUT_OK;
}

int clout_i_builder_add_source(clout_builder *b, const char *name, char msg[CLOUT_MSG_LEN])
{
    char **s = clout_i_realloc(b->sources, (size_t)b->nsources + 1, sizeof(char *));
    ASSERT_MSG(s != NULL, CLOUT_ERR_NOMEM, "out of memory");
    b->sources = s;
    const char *base = strrchr(name, '/');
    s[b->nsources] = clout_i_strdup(base ? base + 1 : name);
    ASSERT_MSG(s[b->nsources] != NULL, CLOUT_ERR_NOMEM, "out of memory");
    b->nsources++;
    return CLOUT_OK;
}

clout_idmap *clout_i_builder_users(clout_builder *b)
{
    return b->users;
}

void clout_i_builder_weighted(clout_builder *b)
{
    if (!b->unit_weights) return;
    #pragma omp parallel for schedule(static) if (b->ne > 200000)
    for (int64_t e = 0; e < b->ne; e++) b->ew[e] = 1.0f;
    b->unit_weights = false;
}

int clout_i_builder_add_edge_arrays(clout_builder *b, const int64_t *src, const int64_t *dst, int64_t m,
                                    char msg[CLOUT_MSG_LEN])
{
    int64_t n = clout_idmap_size(b->users);
    TRY(clout_i_builder_reserve_edges(b, m, msg));
    int64_t at = b->ne;
    for (int64_t k = 0; k < m; k++) {
        ASSERT_MSG(src[k] >= 0 && src[k] < n && dst[k] >= 0 && dst[k] < n, CLOUT_ERR_INVALID,
                   "edge %lld names a vertex outside 0..%lld", (long long)k, (long long)(n - 1));
        if (src[k] == dst[k]) {
            b->self_loops++;
            continue;
        }
        b->esrc[at] = src[k];
        b->edst[at] = dst[k];
        if (!b->unit_weights) b->ew[at] = 1.0f;
        at++;
    }
    b->ne = at;
    return CLOUT_OK;
}

int clout_builder_add_ties(clout_builder *b, int64_t n, const char *const *names, const int64_t *src,
                           const int64_t *dst, const float *w, int64_t m, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(n >= 0 && m >= 0, CLOUT_ERR_INVALID, "negative counts (%lld users, %lld ties)", (long long)n,
               (long long)m);
    /* validate everything before changing the builder */
    for (int64_t k = 0; k < m; k++) {
        ASSERT_MSG(src[k] >= 0 && src[k] < n && dst[k] >= 0 && dst[k] < n, CLOUT_ERR_INVALID,
                   "tie %lld (%lld -> %lld) names a user outside 0..%lld", (long long)k, (long long)src[k],
                   (long long)dst[k], (long long)(n - 1));
        ASSERT_MSG(w == NULL || (isfinite(w[k]) && w[k] >= 0), CLOUT_ERR_INVALID,
                   "tie %lld has weight %g: weights must be finite and >= 0", (long long)k, w ? (double)w[k] : 0.0);
    }
    for (int64_t i = 0; names && i < n; i++) {
        size_t len = names[i] ? strlen(names[i]) : 0;
        ASSERT_MSG(len > 0 && len <= CLOUT_MAX_TOKEN, CLOUT_ERR_INVALID,
                   "user %lld: a name must have 1 to %d bytes", (long long)i, CLOUT_MAX_TOKEN);
    }
    int64_t *map = clout_i_malloc((size_t)(n > 0 ? n : 1), sizeof(int64_t));
    ASSERT_MSG(map != NULL, CLOUT_ERR_NOMEM, "out of memory");
    char tok[32];
    int s = CLOUT_OK;
    for (int64_t i = 0; s >= 0 && i < n; i++) {
        const char *name = names ? names[i] : tok;
        if (!names) snprintf(tok, sizeof tok, "%lld", (long long)i);
        int64_t u = clout_idmap_intern(b->users, name, strlen(name), msg);
        if (u < 0) s = (int)u;
        else map[i] = u;
    }
    if (s >= 0) s = clout_i_builder_reserve_edges(b, m, msg);
    if (s < 0) {
        free(map);
        return s;
    }
    for (int64_t k = 0; w && k < m; k++)
        if (src[k] != dst[k] && w[k] != 1.0f) {
            clout_i_builder_weighted(b);
            break;
        }
    int64_t at = b->ne;
    for (int64_t k = 0; k < m; k++) {
        if (src[k] == dst[k]) {
            b->self_loops++;
            continue;
        }
        b->esrc[at] = map[src[k]];
        b->edst[at] = map[dst[k]];
        if (!b->unit_weights) b->ew[at] = w ? w[k] : 1.0f;
        at++;
    }
    b->ne = at;
    free(map);
    return CLOUT_OK;
}

int clout_i_builder_tally(clout_builder *b, const char *name, double t0, size_t len, int64_t records, int64_t bad,
                          int64_t first_bad_line, const char *first_bad, char msg[CLOUT_MSG_LEN])
{
    b->bad_lines += bad;
    b->stats.parse_s += clout_i_now() - t0;
    b->stats.bytes += (int64_t)len;
    b->stats.records += records;
    b->stats.bad_lines += bad;
    if (bad == 0) return CLOUT_OK;
    clout_i_setmsg(msg, "%s: skipped %lld bad line%s; the first, line %lld: %s", name, (long long)bad, bad == 1 ? "" : "s",
                   (long long)first_bad_line, first_bad);
    return CLOUT_WARN_SKIPPED_LINES;
}

/* ------------------------------------------------------------------ adding inputs */

int clout_i_builder_read(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *opts,
                         clout_i_reader read, char msg[CLOUT_MSG_LEN])
{
    int s = read(b, name, data, len, opts, msg);
    if (s >= 0) TRY(clout_i_builder_add_source(b, name, msg));
    return s;
}

#undef FREE_ALL
#define FREE_ALL clout_i_text_free(&t)

int clout_i_builder_read_file(clout_builder *b, const char *path, const clout_read_opts *opts, clout_i_reader read,
                              char msg[CLOUT_MSG_LEN])
{
    clout_i_text t = {0};
    double t0 = clout_i_now();
    TRY(clout_i_text_read(&t, path, msg));
    b->stats.read_s += clout_i_now() - t0;
    int s = clout_i_builder_read(b, path, t.data, t.len, opts, read, msg);
    FREE_ALL;
    return s;
}

/* ------------------------------------------------------------------ building matrices */

/* S when every tie has weight 1: sort columns only, in the edge arrays' own memory (the rows'
 * columns land in edst's, 32 bits each), reuse the edge source array (scratch by then) as the
 * column array GraphBLAS adopts, and store S iso-valued unless summing duplicates made
 * multiplicities. Fresh memory is what page faults cost. */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(ptr);                                                                    \
        FREE_PTR(cnt);                                                                    \
        FREE_PTR(Ap);                                                                     \
        FREE_PTR(Aj);                                                                     \
        FREE_PTR(Ax);                                                                     \
    } while (0)

static int build_social_unit(clout_builder *b, int64_t n, GrB_Matrix *S, char msg[CLOUT_MSG_LEN])
{
    int64_t *ptr = NULL, *cnt = NULL;
    uint32_t *cs = NULL; /* in b->edst's memory */
    uint64_t *Ap = NULL, *Aj = NULL;
    float *Ax = NULL;
    int64_t m = b->ne;
    TRY(clout_i_csr_sort_cols_inplace(n, m, b->esrc, b->edst, &ptr, &cs, msg));
    CALLOC_TRY(cnt, n + 1, int64_t);
    #pragma omp parallel for schedule(dynamic, 4096) if (n > 20000)
    for (int64_t r = 0; r < n; r++) {
        int64_t c = 0;
        for (int64_t k = ptr[r]; k < ptr[r + 1]; k++) c += k == ptr[r] || cs[k] != cs[k - 1];
        cnt[r] = c;
    }
    ALLOC_TRY(Ap, n + 1, uint64_t);
    Ap[0] = 0;
    for (int64_t r = 0; r < n; r++) Ap[r + 1] = Ap[r] + (uint64_t)cnt[r];
    int64_t nnz = (int64_t)Ap[n];
    bool counts = b->dedupe == CLOUT_DEDUPE_SUM && nnz < m;
    Aj = (uint64_t *)b->esrc;
    b->esrc = NULL;
    b->ecap = 0;
    if (Aj == NULL) ALLOC_TRY(Aj, 1, uint64_t);
    if (counts) ALLOC_TRY(Ax, nnz ? nnz : 1, float);
    #pragma omp parallel for schedule(dynamic, 4096) if (n > 20000)
    for (int64_t r = 0; r < n; r++) {
        int64_t at = (int64_t)Ap[r] - 1;
        for (int64_t k = ptr[r]; k < ptr[r + 1]; k++) {
            if (k == ptr[r] || cs[k] != cs[k - 1]) {
                Aj[++at] = (uint64_t)cs[k];
                if (counts) Ax[at] = 1.0f;
            } else if (counts) {
                Ax[at] += 1.0f;
            }
        }
    }
    FREE_PTR(ptr);
    FREE_PTR(cnt);
    float one = 1.0f;
    TRY(clout_i_pack_csr(S, GrB_FP32, n, n, &Ap, &Aj, counts ? (void **)&Ax : NULL, &one, msg));
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(ptr);                                                                    \
        FREE_PTR(cp);                                                                     \
        FREE_PTR(cnt);                                                                    \
        FREE_PTR(Ap);                                                                     \
        FREE_PTR(Aj);                                                                     \
        FREE_PTR(Ax);                                                                     \
    } while (0)

/* S from the edge list: rows sorted, duplicates combined by the dedupe rule. */
static int build_social(clout_builder *b, int64_t n, GrB_Matrix *S, char msg[CLOUT_MSG_LEN])
{
    int64_t *ptr = NULL, *cnt = NULL;
    clout_i_colpos *cp = NULL;
    uint64_t *Ap = NULL, *Aj = NULL;
    float *Ax = NULL;
    int64_t m = b->ne;
    if (b->undirected) {
        TRY(clout_i_builder_reserve_edges(b, m, msg));
        /* each line as (smaller, larger) first, its mirror after: a tie's lines, whichever way
         * each was written, then meet both rows in the same order (line order), so the sum,
         * maximum or first of either direction is one value, bit for bit */
        if (!b->unit_weights) {
            #pragma omp parallel for schedule(static) if (m > 200000)
            for (int64_t e = 0; e < m; e++)
                if (b->esrc[e] > b->edst[e]) {
                    int64_t s = b->esrc[e];
                    b->esrc[e] = b->edst[e];
                    b->edst[e] = s;
                }
        }
        memcpy(b->esrc + m, b->edst, (size_t)m * sizeof(int64_t));
        memcpy(b->edst + m, b->esrc, (size_t)m * sizeof(int64_t));
        if (!b->unit_weights) memcpy(b->ew + m, b->ew, (size_t)m * sizeof(float));
        b->ne = m = 2 * m;
    }
    if (b->unit_weights) {
        FREE_ALL;
        return build_social_unit(b, n, S, msg);
    }
    TRY(clout_i_csr_order(n, m, b->esrc, b->edst, &ptr, &cp, msg));
    const float *w = b->ew;
    bool unit = b->unit_weights;
    CALLOC_TRY(cnt, n + 1, int64_t);
    #pragma omp parallel for schedule(dynamic, 4096) if (n > 20000)
    for (int64_t r = 0; r < n; r++) {
        int64_t c = 0;
        for (int64_t k = ptr[r]; k < ptr[r + 1]; k++)
            if (k == ptr[r] || cp[k].col != cp[k - 1].col) c++;
        cnt[r] = c;
    }
    ALLOC_TRY(Ap, n + 1, uint64_t);
    Ap[0] = 0;
    for (int64_t r = 0; r < n; r++) Ap[r + 1] = Ap[r] + (uint64_t)cnt[r];
    int64_t nnz = (int64_t)Ap[n];
    ALLOC_TRY(Aj, nnz ? nnz : 1, uint64_t);
    ALLOC_TRY(Ax, nnz ? nnz : 1, float);
    clout_dedupe rule = b->dedupe;
    bool iso = true, inf = false;
    #pragma omp parallel for schedule(dynamic, 4096) reduction(&& : iso) reduction(|| : inf) if (n > 20000)
    for (int64_t r = 0; r < n; r++) {
        int64_t at = (int64_t)Ap[r] - 1;
        for (int64_t k = ptr[r]; k < ptr[r + 1]; k++) {
            /* unit weights are not read: a random access per entry saved */
            float we = unit ? 1.0f : w[cp[k].pos];
            if (k == ptr[r] || cp[k].col != cp[k - 1].col) {
                at++;
                Aj[at] = (uint64_t)cp[k].col;
                Ax[at] = we;
            } else if (rule == CLOUT_DEDUPE_SUM) {
                Ax[at] += we;
            } else if (rule == CLOUT_DEDUPE_MAX) {
                if (we > Ax[at]) Ax[at] = we;
            }
        }
        for (int64_t k = (int64_t)Ap[r]; k < (int64_t)Ap[r + 1]; k++) {
            iso = iso && Ax[k] == 1.0f;
            inf = inf || isinf(Ax[k]);
        }
    }
    /* a sum no 32-bit float holds would make a graph no snapshot can load: refused, naming it */
    for (int64_t r = 0; inf && r < n; r++)
        for (uint64_t k = Ap[r]; k < Ap[r + 1]; k++)
            ASSERT_MSG(!isinf(Ax[k]), CLOUT_ERR_DATA,
                       "the weights of tie %.64s -> %.64s add up beyond the largest 32-bit float (3.4e38)",
                       clout_idmap_name(b->users, r, NULL), clout_idmap_name(b->users, (int64_t)Aj[k], NULL));
    FREE_PTR(ptr);
    FREE_PTR(cp);
    FREE_PTR(cnt);
    float one = 1.0f;
    if (iso) FREE_PTR(Ax);
    TRY(clout_i_pack_csr(S, GrB_FP32, n, n, &Ap, &Aj, (void **)&Ax, &one, msg));
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(ptr);                                                                    \
        FREE_PTR(cp);                                                                     \
        FREE_PTR(cnt);                                                                    \
        FREE_PTR(tcnt);                                                                   \
        FREE_PTR(Rp);                                                                     \
        FREE_PTR(Rj);                                                                     \
        FREE_PTR(Rx);                                                                     \
        FREE_PTR(Tp);                                                                     \
        FREE_PTR(Tj);                                                                     \
        FREE_PTR(Tx);                                                                     \
        FREE_GRB(Rm);                                                                     \
        FREE_PTR(sel);                                                                    \
        FREE_PTR(su);                                                                     \
        FREE_PTR(si);                                                                     \
    } while (0)

/* R (the rows' weights combined by agg) and T (earliest time, where any row had one) from the
 * interactions; only those of action type act when act >= 0. */
static int build_inter(clout_builder *b, int64_t n, int64_t ni, int act, clout_aggregate agg, GrB_Matrix *R,
                       GrB_Matrix *T, char msg[CLOUT_MSG_LEN])
{
    int64_t *ptr = NULL, *cnt = NULL, *tcnt = NULL, *sel = NULL, *su = NULL, *si = NULL;
    clout_i_colpos *cp = NULL;
    uint64_t *Rp = NULL, *Rj = NULL, *Tp = NULL, *Tj = NULL;
    float *Rx = NULL;
    double *Tx = NULL;
    GrB_Matrix Rm = NULL;
    int64_t m = b->ni;
    if (act >= 0) {
        /* the rows of this action type, by their index among all rows */
        int64_t k = 0;
        for (int64_t e = 0; e < b->ni; e++) k += b->ia[e] == act;
        ALLOC_TRY(sel, k ? k : 1, int64_t);
        ALLOC_TRY(su, k ? k : 1, int64_t);
        ALLOC_TRY(si, k ? k : 1, int64_t);
        m = 0;
        for (int64_t e = 0; e < b->ni; e++)
            if (b->ia[e] == act) sel[m] = e, su[m] = b->iu[e], si[m] = b->ii[e], m++;
    }
    TRY(clout_i_csr_order(n, m, sel ? su : b->iu, sel ? si : b->ii, &ptr, &cp, msg));
    FREE_PTR(su);
    FREE_PTR(si);
#define ROW(k) (sel ? sel[cp[k].pos] : cp[k].pos)
    CALLOC_TRY(cnt, n + 1, int64_t);
    CALLOC_TRY(tcnt, n + 1, int64_t);
    #pragma omp parallel for schedule(dynamic, 4096) if (n > 20000)
    for (int64_t r = 0; r < n; r++) {
        int64_t c = 0, tc = 0;
        bool has_t = false;
        for (int64_t k = ptr[r]; k < ptr[r + 1]; k++) {
            if (k == ptr[r] || cp[k].col != cp[k - 1].col) {
                c++;
                tc += has_t;
                has_t = false;
            }
            has_t = has_t || !isnan(b->it[ROW(k)]);
        }
        tc += has_t;
        cnt[r] = c;
        tcnt[r] = tc;
    }
    ALLOC_TRY(Rp, n + 1, uint64_t);
    ALLOC_TRY(Tp, n + 1, uint64_t);
    Rp[0] = Tp[0] = 0;
    for (int64_t r = 0; r < n; r++) {
        Rp[r + 1] = Rp[r] + (uint64_t)cnt[r];
        Tp[r + 1] = Tp[r] + (uint64_t)tcnt[r];
    }
    int64_t nr = (int64_t)Rp[n], nt = (int64_t)Tp[n];
    ALLOC_TRY(Rj, nr ? nr : 1, uint64_t);
    ALLOC_TRY(Rx, nr ? nr : 1, float);
    ALLOC_TRY(Tj, nt ? nt : 1, uint64_t);
    ALLOC_TRY(Tx, nt ? nt : 1, double);
    bool inf = false;
    #pragma omp parallel for schedule(dynamic, 4096) reduction(|| : inf) if (n > 20000)
    for (int64_t r = 0; r < n; r++) {
        int64_t at = (int64_t)Rp[r] - 1, tat = (int64_t)Tp[r] - 1;
        double tmin = NAN, tlast = NAN;
        double acc = 0; /* summed in double: a count of rows stays exact */
        for (int64_t k = ptr[r]; k <= ptr[r + 1]; k++) {
            bool fresh = k == ptr[r + 1] || k == ptr[r] || cp[k].col != cp[k - 1].col;
            if (fresh && k > ptr[r]) {
                Rx[at] = (float)acc;
                inf = inf || isinf(Rx[at]);
                if (!isnan(tmin)) {
                    tat++;
                    Tj[tat] = (uint64_t)cp[k - 1].col;
                    Tx[tat] = tmin;
                }
            }
            if (k == ptr[r + 1]) break;
            int64_t e = ROW(k);
            double w = b->iw[e], t = b->it[e];
            if (fresh) {
                at++;
                Rj[at] = (uint64_t)cp[k].col;
                acc = agg == CLOUT_AGG_COUNT ? 1.0 : w;
                tmin = tlast = t;
            } else {
                switch (agg) {
                case CLOUT_AGG_SUM: acc += w; break;
                case CLOUT_AGG_MAX: acc = w > acc ? w : acc; break;
                case CLOUT_AGG_COUNT: acc += 1.0; break;
                case CLOUT_AGG_LAST:
                    /* rows without a time are older than any timed row; ties: the later row */
                    if (isnan(tlast) || (!isnan(t) && t >= tlast)) {
                        acc = w;
                        tlast = t;
                    }
                    break;
                }
                if (!isnan(t) && (isnan(tmin) || t < tmin)) tmin = t;
            }
        }
    }
#undef ROW
    for (int64_t r = 0; inf && r < n; r++)
        for (uint64_t k = Rp[r]; k < Rp[r + 1]; k++)
            ASSERT_MSG(!isinf(Rx[k]), CLOUT_ERR_DATA,
                       "the weights of user %.64s on item %.64s add up beyond the largest 32-bit float (3.4e38)",
                       clout_idmap_name(b->users, r, NULL), clout_idmap_name(b->items, (int64_t)Rj[k], NULL));
    FREE_PTR(ptr);
    FREE_PTR(cp);
    FREE_PTR(cnt);
    FREE_PTR(tcnt);
    FREE_PTR(sel);
    float one = 1.0f;
    double zero = 0.0;
    TRY(clout_i_pack_csr(&Rm, GrB_FP32, n, ni, &Rp, &Rj, (void **)&Rx, &one, msg));
    TRY(clout_i_pack_csr(T, GrB_FP64, n, ni, &Tp, &Tj, (void **)&Tx, &zero, msg));
    *R = Rm;
    Rm = NULL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(S);                                                                      \
        FREE_GRB(R);                                                                      \
        FREE_GRB(T);                                                                      \
        clout_graph_free(&g);                                                             \
    } while (0)

int clout_builder_finish(clout_builder **bp, clout_graph **G, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix S = NULL, R = NULL, T = NULL;
    clout_graph *g = NULL;
    clout_builder *b = *bp;
    double t0 = clout_i_now();
    int64_t n = clout_idmap_size(b->users), ni = clout_idmap_size(b->items);
    ASSERT_MSG(n > 0, CLOUT_ERR_DATA, "no users: give at least one edge list, log or cascade file");
    TRY(build_social(b, n, &S, msg));
    TRY(build_inter(b, n, ni, -1, b->aggregate, &R, &T, msg));
    TRY(clout_i_graph_assemble(&g, &S, &R, &T, &b->users, &b->items, !b->undirected, msg));
    /* per action type: its rows (counted) and first times */
    int na = (int)clout_idmap_size(b->actions);
    if (na > 0) {
        CALLOC_TRY(g->action_names, na, char *);
        CALLOC_TRY(g->action_count, na, GrB_Matrix);
        CALLOC_TRY(g->action_time, na, GrB_Matrix);
        g->nactions = na;
        for (int a = 0; a < na; a++) {
            g->action_names[a] = clout_i_strdup(clout_idmap_name(b->actions, a, NULL));
            ASSERT_MSG(g->action_names[a] != NULL, CLOUT_ERR_NOMEM, "out of memory");
            TRY(build_inter(b, n, ni, a, CLOUT_AGG_COUNT, &g->action_count[a], &g->action_time[a], msg));
        }
    }
    g->self_loops_dropped = b->self_loops;
    g->bad_lines_skipped = b->bad_lines;
    g->action_weights = b->action_weights;
    b->action_weights = NULL;
    g->sources = b->sources;
    g->nsources = b->nsources;
    b->sources = NULL;
    b->nsources = 0;
    b->stats.build_s += clout_i_now() - t0;
    clout_builder_free(bp);
    *G = g;
    return CLOUT_OK;
}
