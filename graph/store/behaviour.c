/* behaviour.c: the user-user graph of behaviour alone, built from R and T.
 *
 * Timed (who followed whom): B(u, v) = sum over items i of R(u, i), counted when v acted on i
 * after u (0 < T(v, i) - T(u, i) <= window), each item's followers of u taken in time order, at
 * most max_followers of them. Similar (for logs without times): B(u, v) = cosine of rows u and v
 * of R, over items with at most max_followers users.
 *
 * Both are built row by row: each item's actors sorted by (time, user) once; then, for user u, a
 * dense accumulator per thread gathers u's out-ties from u's items (Gustavson's row-wise product),
 * the row is cut to its top_k heaviest ties and written to a buffer of its block of users. Rows
 * are independent, so the result is the same for any thread count. Before any of that, a pass of
 * binary searches counts the pairs the accumulation will visit: the memory B can need is checked
 * against the limit before the work starts. */
#include "store_internal.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>

void clout_behaviour_opts_init(clout_behaviour_opts *o)
{
    memset(o, 0, sizeof *o);
    o->window = INFINITY;
}

/* one actor of an item */
typedef struct {
    double t;
    uint32_t u;
    float w;
} actor;

static int actor_cmp(const void *a, const void *b)
{
    const actor *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

/* a tie of a row being cut to its top k: heaviest first, then by user */
typedef struct {
    uint32_t v;
    float w;
} tie;

static int tie_by_user(const void *a, const void *b)
{
    const tie *x = a, *y = b;
    return (x->v > y->v) - (x->v < y->v);
}

static bool heavier(tie a, tie b)
{
    return a.w > b.w || (a.w == b.w && a.v < b.v);
}

/* Reorder r[0..n) so that its k heaviest ties (heavier()) come first, in any order:
 * quickselect (Hoare partition, middle pivot), O(n) on average. */
static void select_top(tie *r, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        tie p = r[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (heavier(r[i], p)) i++;
            while (heavier(p, r[j])) j--;
            if (i <= j) {
                tie t = r[i];
                r[i] = r[j];
                r[j] = t;
                i++;
                j--;
            }
        }
        if (k - 1 <= j) hi = j;
        else if (k - 1 >= i) lo = i;
        else break;
    }
}

/* first position in item list [lo, hi) whose time is > t */
static uint64_t after(const actor *a, uint64_t lo, uint64_t hi, double t)
{
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (a[mid].t <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

#define BLOCK 1024

typedef struct {
    tie *t;
    int64_t len, cap;
} blockbuf;

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (bt) clout_i_csr_return(G->T, &ct, msg2);                                      \
        if (br) clout_i_csr_return(G->R, &cr, msg2);                                      \
        FREE_PTR(ip);                                                                     \
        FREE_PTR(act);                                                                    \
        FREE_PTR(fill);                                                                   \
        FREE_PTR(rw);                                                                     \
        FREE_PTR(norm);                                                                   \
        FREE_PTR(rowlen);                                                                 \
        if (bufs)                                                                         \
            for (int64_t b_ = 0; b_ < nblocks; b_++) free(bufs[b_].t);                    \
        FREE_PTR(bufs);                                                                   \
        FREE_PTR(bp);                                                                     \
        FREE_PTR(bi);                                                                     \
        FREE_PTR(bv);                                                                     \
    } while (0)

int clout_behaviour_graph(const clout_graph *G, const clout_behaviour_opts *o, GrB_Matrix *B, int64_t *pairs,
                          char msg[CLOUT_MSG_LEN])
{
    clout_i_csr ct, cr;
    bool bt = false, br = false;
    char msg2[CLOUT_MSG_LEN];
    uint64_t *ip = NULL, *fill = NULL, *bp = NULL, *bi = NULL;
    actor *act = NULL;
    float *rw = NULL, *bv = NULL;
    double *norm = NULL;
    int64_t *rowlen = NULL, nblocks = 0;
    blockbuf *bufs = NULL;
    int64_t n = clout_graph_users(G), ni = clout_graph_items(G);
    ASSERT_MSG(o->window > 0, CLOUT_ERR_INVALID, "the behaviour window must be > 0 seconds (got %g)", o->window);
    ASSERT_MSG(o->max_followers >= 0 && o->top_k >= 0, CLOUT_ERR_INVALID,
               "the follower cap and top k must be >= 0");
    ASSERT_MSG(isfinite(o->min_weight) && o->min_weight >= 0, CLOUT_ERR_INVALID, "the minimum weight must be >= 0");
    ASSERT_MSG(n < ((int64_t)1 << 32), CLOUT_ERR_INVALID, "the behaviour graph takes fewer than 2^32 users");
    bool similar = o->similar;
    /* the entries that count: R's (similar) or T's with R's weight (timed) */
    TRY(clout_i_csr_borrow(G->R, &cr, msg));
    br = true;
    TRY(clout_i_csr_borrow(G->T, &ct, msg));
    bt = true;
    const clout_i_csr *src = similar ? &cr : &ct;
    int64_t ne = (int64_t)src->ptr[n];
    /* rw[k]: R's weight of src's entry k (R's own value when similar) */
    ALLOC_TRY(rw, ne > 0 ? ne : 1, float);
    const float *rx = cr.vals;
    #pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t u = 0; u < n; u++) {
        uint64_t q = cr.ptr[u];
        for (uint64_t k = src->ptr[u]; k < src->ptr[u + 1]; k++) {
            uint64_t item = src->idx[k];
            while (q < cr.ptr[u + 1] && cr.idx[q] < item) q++;
            bool has = q < cr.ptr[u + 1] && cr.idx[q] == item;
            float w = has ? (cr.iso ? rx[0] : rx[q]) : 0.0f;
            rw[k] = w >= o->min_weight && w > 0 ? w : 0.0f; /* 0: left out */
        }
    }
    /* each item's actors, sorted by (time, user) */
    CALLOC_TRY(ip, ni + 1, uint64_t);
    for (int64_t k = 0; k < ne; k++)
        if (rw[k] > 0) ip[src->idx[k] + 1]++;
    for (int64_t i = 0; i < ni; i++) ip[i + 1] += ip[i];
    ALLOC_TRY(fill, ni > 0 ? ni : 1, uint64_t);
    memcpy(fill, ip, (size_t)ni * sizeof(uint64_t));
    ALLOC_TRY(act, ip[ni] > 0 ? ip[ni] : 1, actor);
    const double *tx = ct.vals;
    for (int64_t u = 0; u < n; u++)
        for (uint64_t k = src->ptr[u]; k < src->ptr[u + 1]; k++) {
            if (rw[k] <= 0) continue;
            uint64_t item = src->idx[k];
            act[fill[item]++] = (actor){similar ? 0.0 : (ct.iso ? tx[0] : tx[k]), (uint32_t)u, rw[k]};
        }
    FREE_PTR(fill);
    if (!similar) {
        #pragma omp parallel for schedule(dynamic, 64)
        for (int64_t i = 0; i < ni; i++)
            if (ip[i + 1] - ip[i] > 1) qsort(act + ip[i], ip[i + 1] - ip[i], sizeof(actor), actor_cmp);
    } else {
        CALLOC_TRY(norm, n, double);
        for (int64_t u = 0; u < n; u++)
            for (uint64_t k = cr.ptr[u]; k < cr.ptr[u + 1]; k++) norm[u] += (double)rw[k] * rw[k];
        for (int64_t u = 0; u < n; u++) norm[u] = sqrt(norm[u]);
    }
    /* the pairs the accumulation visits, by binary search only */
    int64_t cap = o->max_followers;
    int64_t total = 0;
    #pragma omp parallel for schedule(dynamic, 1024) reduction(+ : total)
    for (int64_t u = 0; u < n; u++)
        for (uint64_t k = src->ptr[u]; k < src->ptr[u + 1]; k++) {
            if (rw[k] <= 0) continue;
            uint64_t item = src->idx[k], lo = ip[item], hi = ip[item + 1];
            if (similar) {
                if (cap > 0 && (int64_t)(hi - lo) > cap) continue;
                total += (int64_t)(hi - lo) - 1;
            } else {
                double tu = ct.iso ? tx[0] : tx[k];
                uint64_t a = after(act, lo, hi, tu);
                uint64_t b = isinf(o->window) ? hi : after(act, a, hi, tu + o->window);
                int64_t c = (int64_t)(b - a);
                total += cap > 0 && c > cap ? cap : c;
            }
        }
    /* B holds at most min(pairs, n top_k) ties of 8 bytes (index and weight), twice while built */
    double bound = (double)total;
    if (o->top_k > 0 && (double)n * (double)o->top_k < bound) bound = (double)n * (double)o->top_k;
    TRY(clout_memory_fits(16.0 * bound + 8.0 * (double)n, "the behaviour graph", CLOUT_ERR_INVALID, msg));
    /* rows, by blocks of users */
    nblocks = (n + BLOCK - 1) / BLOCK;
    CALLOC_TRY(bufs, nblocks > 0 ? nblocks : 1, blockbuf);
    CALLOC_TRY(rowlen, n + 1, int64_t);
    bool nomem = false, stop = false;
    int64_t done = 0;
    clout_i_progress *pg = clout_i_progress_start("behaviour graph", (double)n, "users");
    #pragma omp parallel
    {
        float *acc = clout_i_calloc((size_t)(n > 0 ? n : 1), sizeof(float));
        uint32_t *touched = clout_i_malloc((size_t)(n > 0 ? n : 1), sizeof(uint32_t));
        tie *row = clout_i_malloc((size_t)(n > 0 ? n : 1), sizeof(tie));
        uint32_t *mark = clout_i_calloc((size_t)(n > 0 ? n : 1), sizeof(uint32_t)); /* u + 1: v touched in row u */
        if (!acc || !touched || !row || !mark) {
            #pragma omp atomic write
            nomem = true;
        }
        #pragma omp for schedule(dynamic, 1)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            bool quit;
            #pragma omp atomic read
            quit = nomem;
            if (quit || stop) continue;
            blockbuf *bb = &bufs[blk];
            int64_t u1 = (blk + 1) * BLOCK < n ? (blk + 1) * BLOCK : n;
            for (int64_t u = blk * BLOCK; u < u1; u++) {
                int64_t nt = 0;
                for (uint64_t k = src->ptr[u]; k < src->ptr[u + 1]; k++) {
                    if (rw[k] <= 0) continue;
                    uint64_t item = src->idx[k], lo = ip[item], hi = ip[item + 1];
                    float wu = rw[k];
                    if (similar) {
                        if (cap > 0 && (int64_t)(hi - lo) > cap) continue;
                        for (uint64_t p = lo; p < hi; p++) {
                            uint32_t v = act[p].u;
                            if (v == (uint32_t)u) continue;
                            if (mark[v] != (uint32_t)u + 1) mark[v] = (uint32_t)u + 1, touched[nt++] = v;
                            acc[v] += wu * act[p].w;
                        }
                    } else {
                        double tu = ct.iso ? tx[0] : tx[k];
                        uint64_t p = after(act, lo, hi, tu);
                        for (int64_t c = 0; p < hi && (cap == 0 || c < cap); p++, c++) {
                            if (act[p].t > tu + o->window) break;
                            uint32_t v = act[p].u;
                            if (mark[v] != (uint32_t)u + 1) mark[v] = (uint32_t)u + 1, touched[nt++] = v;
                            acc[v] += wu;
                        }
                    }
                }
                for (int64_t q = 0; q < nt; q++) {
                    uint32_t v = touched[q];
                    float w = acc[v];
                    if (similar) w = (float)((double)w / (norm[u] * norm[v]));
                    row[q] = (tie){v, w};
                    acc[v] = 0;
                }
                if (o->top_k > 0 && nt > o->top_k) {
                    select_top(row, nt, o->top_k);
                    nt = o->top_k;
                }
                qsort(row, (size_t)nt, sizeof(tie), tie_by_user);
                if (bb->len + nt > bb->cap) {
                    int64_t nc = bb->cap ? bb->cap : 1024;
                    while (nc < bb->len + nt) nc *= 2;
                    tie *g = clout_i_realloc(bb->t, (size_t)nc, sizeof(tie));
                    if (g == NULL) {
                        #pragma omp atomic write
                        nomem = true;
                        break;
                    }
                    bb->t = g;
                    bb->cap = nc;
                }
                if (nt > 0) memcpy(bb->t + bb->len, row, (size_t)nt * sizeof(tie));
                bb->len += nt;
                rowlen[u] = nt;
            }
            clout_i_progress_tick(pg, &done, u1 - blk * BLOCK, &stop);
        }
        free(acc);
        free(touched);
        free(row);
        free(mark);
    }
    clout_i_progress_end(pg);
    ASSERT_MSG(!nomem, CLOUT_ERR_NOMEM, "out of memory building the behaviour graph");
    ASSERT_MSG(!stop, CLOUT_ERR_INTERRUPTED, "interrupted");
    bt = false;
    TRY(clout_i_csr_return(G->T, &ct, msg));
    br = false;
    TRY(clout_i_csr_return(G->R, &cr, msg));
    FREE_PTR(act);
    FREE_PTR(rw);
    FREE_PTR(ip);
    /* CSR from the blocks */
    ALLOC_TRY(bp, n + 1, uint64_t);
    bp[0] = 0;
    for (int64_t u = 0; u < n; u++) bp[u + 1] = bp[u] + (uint64_t)rowlen[u];
    int64_t nnz = (int64_t)bp[n];
    ALLOC_TRY(bi, nnz > 0 ? nnz : 1, uint64_t);
    ALLOC_TRY(bv, nnz > 0 ? nnz : 1, float);
    #pragma omp parallel for schedule(dynamic, 1)
    for (int64_t blk = 0; blk < nblocks; blk++) {
        uint64_t at = bp[blk * BLOCK];
        for (int64_t q = 0; q < bufs[blk].len; q++) {
            bi[at + (uint64_t)q] = bufs[blk].t[q].v;
            bv[at + (uint64_t)q] = bufs[blk].t[q].w;
        }
    }
    GrB_Matrix M = NULL;
    TRY(clout_i_pack_csr(&M, GrB_FP32, n, n, &bp, &bi, (void **)&bv, NULL, msg));
    FREE_ALL;
    if (pairs) *pairs = total;
    *B = M;
    return CLOUT_OK;
}

void clout_behaviour_describe(const clout_behaviour_opts *o, char *buf, size_t len)
{
    snprintf(buf, len, "%s,window=%.17g,max_followers=%lld,top_k=%lld,min_weight=%.17g",
             o->similar ? "similar" : "timed", o->window, (long long)o->max_followers, (long long)o->top_k,
             o->min_weight);
}

/* one "key=value" of a description: the value after key= at *at, moved past it and the comma
 * that must follow it (or the end, for the last one) */
static bool describe_value(const char **at, const char *key, bool last, double *x)
{
    size_t k = strlen(key);
    if (strncmp(*at, key, k) != 0 || (*at)[k] != '=') return false;
    const char *v = *at + k + 1;
    char *end;
    errno = 0;
    *x = strtod(v, &end);
    if (end == v || errno == ERANGE || isnan(*x) || *end != (last ? '\0' : ',')) return false;
    *at = last ? end : end + 1;
    return true;
}

int clout_behaviour_parse(const char *desc, clout_behaviour_opts *o)
{
    clout_behaviour_opts p;
    clout_behaviour_opts_init(&p);
    if (desc == NULL) return CLOUT_ERR_INVALID;
    const char *at = desc;
    if (strncmp(at, "timed,", 6) == 0) at += 6;
    else if (strncmp(at, "similar,", 8) == 0) at += 8, p.similar = true;
    else return CLOUT_ERR_INVALID;
    double mf, tk;
    if (!describe_value(&at, "window", false, &p.window) || !describe_value(&at, "max_followers", false, &mf) ||
        !describe_value(&at, "top_k", false, &tk) || !describe_value(&at, "min_weight", true, &p.min_weight))
        return CLOUT_ERR_INVALID;
    if (!(p.window >= 0) || !(mf >= 0 && mf <= 9e18 && mf == floor(mf)) ||
        !(tk >= 0 && tk <= 9e18 && tk == floor(tk)) || !(p.min_weight >= 0 && isfinite(p.min_weight)))
        return CLOUT_ERR_INVALID;
    p.max_followers = (int64_t)mf;
    p.top_k = (int64_t)tk;
    *o = p;
    return CLOUT_OK;
}
