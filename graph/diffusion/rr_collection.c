/* rr_collection.c: what imm and opim-c share: collections of RR sets sampled in parallel chunks
 * and kept in index order, greedy max coverage over them (with OPIM-C's online upper bound), the
 * coverage of a seed list's prefixes, and the arguments both check. */
#include "diffusion_internal.h"
#include <math.h>
#include <omp.h>

void clout_i_rr_free(clout_i_rrstore *r)
{
    for (int64_t c = 0; c < r->nch; c++) free(r->chunk[c]);
    free(r->chunk);
    free(r->cstart);
    free(r->off);
    free(r->cid);
    memset(r, 0, sizeof(*r));
}



void clout_i_sampler_free(clout_i_rrsampler *s)
{
    for (int t = 0; s->w && t < s->nt; t++) {
        clout_i_rrws_free(s->w[t].ws);
    }
    free(s->w);
    s->w = NULL;
}

int clout_i_sampler_init(clout_i_rrsampler *s, const clout_influence *P, bool lt, uint64_t seed)
{
    s->P = P;
    s->lt = lt;
    s->seed = seed;
    s->nt = omp_get_max_threads();
    s->w = clout_i_calloc((size_t)s->nt, sizeof(rrwork));
    if (!s->w) return CLOUT_ERR_NOMEM;
    for (int t = 0; t < s->nt; t++)
        if ((s->w[t].ws = clout_i_rrws_new(P)) == NULL) {
            clout_i_sampler_free(s);
            return CLOUT_ERR_NOMEM;
        }
    return CLOUT_OK;
}

/* append RR sets with global indices first .. first + count - 1: chunks of RR_CHUNK sets handed
 * to threads as they come free (a busy core does not hold the round up), each sampled into its
 * own buffer, which the store then adopts as it is: sets stay in index order, never copied */
#define RR_CHUNK 65536

int clout_i_rr_append(clout_i_rrsampler *S, clout_i_rrstore *rs, int64_t first, int64_t count)
{
    if (count <= 0) return CLOUT_OK;
    /* a distributed run: this process draws and keeps its block of the batch */
    const clout_partition *part = clout_i_partition();
    int64_t all = count;
    if (part->size > 1) {
        int64_t lo, hi;
        clout_i_part_block(count, &lo, &hi);
        first += lo;
        count = hi - lo;
        if (count <= 0) {
            rs->total += all;
            return CLOUT_OK;
        }
    }
    if (rs->count + count >= (int64_t)UINT32_MAX) return CLOUT_ERR_NOMEM; /* set ids are 32-bit */
    /* with several threads, at least 32 chunks each (of 2,048 sets or more), so a batch ends with
     * the threads together: with 8, the wait for the last chunk of each batch held im on R-MAT
     * at a 1.8x speedup on 2 threads, with 32 it is 1.96x (the sets are the same whatever the
     * chunks: each is drawn from its global index) */
    int64_t chunk = RR_CHUNK;
    if (S->nt > 1) {
        chunk = count / ((int64_t)S->nt * 32);
        chunk = chunk < 2048 ? 2048 : chunk > RR_CHUNK ? RR_CHUNK : chunk;
    }
    int64_t nc = (count + chunk - 1) / chunk;
    int64_t *o2 = clout_i_realloc(rs->off, (size_t)(rs->count + count + 1), sizeof(int64_t));
    if (o2) rs->off = o2;
    uint32_t *c2 = o2 ? clout_i_realloc(rs->cid, (size_t)(rs->count + count), sizeof(uint32_t)) : NULL;
    if (c2) rs->cid = c2;
    uint32_t **k2 = c2 ? clout_i_realloc(rs->chunk, (size_t)(rs->nch + nc), sizeof(uint32_t *)) : NULL;
    if (k2) rs->chunk = k2;
    int64_t *s2 = k2 ? clout_i_realloc(rs->cstart, (size_t)(rs->nch + nc), sizeof(int64_t)) : NULL;
    if (s2) rs->cstart = s2;
    if (!s2) return CLOUT_ERR_NOMEM;
    uint32_t **cbuf = clout_i_calloc((size_t)nc, sizeof(uint32_t *));
    int64_t *clen = clout_i_calloc((size_t)nc, sizeof(int64_t)), *loc = clout_i_malloc((size_t)(count + nc), sizeof(int64_t));
    bool nomem = !cbuf || !clen || !loc, stop = false;
    double guess = rs->count > 0 ? (double)rs->nnz / (double)rs->count : S->avg;
    clout_i_progress *prog = nomem ? NULL : clout_i_progress_start("RR sets", (double)count, " sets");
    int64_t done = 0;
    if (!nomem) {
        #pragma omp parallel num_threads(S->nt)
        {
            rrwork *w = &S->w[omp_get_thread_num()];
            #pragma omp for schedule(dynamic, 1)
            for (int64_t c = 0; c < nc; c++) {
                if (__atomic_load_n(&stop, __ATOMIC_RELAXED)) continue;
                /* the calling thread asks whether to stop, once per chunk */
                if (omp_get_thread_num() == 0 && clout_i_interrupted()) __atomic_store_n(&stop, true, __ATOMIC_RELAXED);
                int64_t lo = c * chunk, m = count - lo < chunk ? count - lo : chunk, cap = 0;
                if (guess > 0) {
                    /* sized from the sets so far, and mapped in one call rather than page by page */
                    cap = (int64_t)((double)m * guess * 1.1) + 1024;
                    cbuf[c] = clout_i_malloc((size_t)cap, sizeof(uint32_t));
                    if (cbuf[c]) clout_i_prefault(cbuf[c], (size_t)cap * sizeof(uint32_t));
                    else cap = 0;
                }
                /* set lo + i of this chunk starts at loc[lo + c + i] within its buffer */
                if (clout_i_rr_sets(S->P, S->lt, S->seed, (uint64_t)(first + lo), m, w->ws, &cbuf[c], &clen[c], &cap,
                                    loc + lo + c) != CLOUT_OK) {
                    #pragma omp atomic write
                    nomem = true;
                }
                clout_i_progress_tick(prog, &done, m, &stop);
            }
        }
    }
    clout_i_progress_end(prog);
    if (rs->count == 0) rs->off[0] = 0;
    for (int64_t c = 0; c < nc && !nomem && !stop; c++) {
        int64_t lo = c * chunk, m = count - lo < chunk ? count - lo : chunk;
        /* the buffer grew by doubling: give back its slack */
        uint32_t *fit = clout_i_realloc(cbuf[c], (size_t)(clen[c] ? clen[c] : 1), sizeof(uint32_t));
        rs->chunk[rs->nch] = fit ? fit : cbuf[c];
        cbuf[c] = NULL;
        rs->cstart[rs->nch] = rs->nnz;
        for (int64_t i = 0; i < m; i++) {
            rs->off[rs->count + lo + i + 1] = rs->nnz + loc[lo + c + i + 1];
            rs->cid[rs->count + lo + i] = (uint32_t)rs->nch;
        }
        rs->nnz += clen[c];
        rs->nch++;
    }
    for (int64_t c = 0; cbuf && c < nc; c++) free(cbuf[c]);
    free(cbuf);
    free(clen);
    free(loc);
    if (nomem) return CLOUT_ERR_NOMEM;
    if (stop) return CLOUT_ERR_INTERRUPTED;
    rs->count += count;
    rs->total += all;
    S->avg = (double)rs->nnz / (double)rs->count;
    return CLOUT_OK;
}


static inline bool hbefore(clout_i_hent a, clout_i_hent b)
{
    return a.c > b.c || (a.c == b.c && a.v < b.v);
}

/* Keep the cap best entries seen (by hbefore) in h, a heap whose root is the worst of them. */
static void keep_best(clout_i_hent *h, int *hn, int cap, clout_i_hent e)
{
    int i;
    if (*hn < cap) {
        i = (*hn)++;
        h[i] = e;
        for (; i > 0 && hbefore(h[(i - 1) / 2], h[i]); i = (i - 1) / 2) {
            clout_i_hent t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
        }
        return;
    }
    if (!hbefore(e, h[0])) return;
    h[0] = e;
    for (i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *hn && hbefore(h[m], h[l])) m = l;
        if (r < *hn && hbefore(h[m], h[r])) m = r;
        if (m == i) return;
        clout_i_hent t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* sum of the k largest counts among the users act[0..na) not yet taken (cnt < 0): the others
 * count 0 */
static int64_t topk_sum(const int64_t *cnt, const uint32_t *act, int64_t na, int k, clout_i_hent *heap)
{
    int hn = 0;
    for (int64_t a = 0; a < na; a++) {
        uint32_t v = act[a];
        if (cnt[v] > 0) keep_best(heap, &hn, k, (clout_i_hent){(uint32_t)cnt[v], v});
    }
    int64_t sum = 0;
    for (int i = 0; i < hn; i++) sum += heap[i].c;
    return sum;
}

static void hsift(clout_i_hent *h, int64_t n, int64_t i)
{
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && hbefore(h[l], h[m])) m = l;
        if (r < n && hbefore(h[r], h[m])) m = r;
        if (m == i) return;
        clout_i_hent t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Up to this many stored users (4 bytes each) greedy indexes every user's sets; above it, only
 * the users with the highest counts, within a sixteenth of the store (the seeds come from among
 * them), and a seed outside the index finds its sets by a scan of the store: a full index would
 * double the memory. */
int64_t clout_i_greedy_index_max = (int64_t)1 << 23;



void clout_i_gwork_free(clout_i_gwork *g)
{
    free(g->cnt);
    free(g->iptr);
    free(g->tpos);
    free(g->top);
    free(g->heap);
    free(g->act);
    free(g->iset);
    free(g->done);
    free(g->slot);
    free(g->xset);
    free(g->gcnt);
    free(g->dec);
    free(g->touched);
    free(g->xbuf);
    free(g->msz);
    memset(g, 0, sizeof(*g));
}

static int gwork_fit(clout_i_gwork *g, int64_t n, int k, const clout_i_rrstore *rs, bool index)
{
    if (!g->cnt) {
        g->nt = omp_get_max_threads();
        g->cnt = clout_i_malloc((size_t)(n + 1), sizeof(int64_t));
        g->iptr = clout_i_malloc((size_t)(n + 1), sizeof(int64_t));
        g->tpos = clout_i_malloc((size_t)g->nt * (size_t)(n ? n : 1), sizeof(uint32_t));
        g->top = clout_i_malloc((size_t)k, sizeof(clout_i_hent));
        g->heap = clout_i_malloc((size_t)(n ? n : 1), sizeof(clout_i_hent));
        g->slot = clout_i_malloc((size_t)(n ? n : 1), sizeof(int32_t));
        g->act = clout_i_malloc((size_t)(n ? n : 1), sizeof(uint32_t));
        if (!g->cnt || !g->iptr || !g->tpos || !g->top || !g->heap || !g->slot || !g->act) return CLOUT_ERR_NOMEM;
        for (int64_t v = 0; v < n; v++) g->slot[v] = -1;
    }
    for (int x = 0; x < g->nx; x++) g->slot[g->xuser[x]] = -1;
    g->nx = 0;
    int64_t want = index ? rs->nnz : rs->nnz / 16;
    if (want > g->iset_cap || (!index && g->iset_cap > 2 * want)) {
        free(g->iset);
        g->iset_cap = index ? want + want / 4 : want;
        g->iset = clout_i_malloc((size_t)(g->iset_cap ? g->iset_cap : 1), sizeof(uint32_t));
        if (!g->iset) return CLOUT_ERR_NOMEM;
    }
    if (rs->count > g->done_cap || !g->done) {
        free(g->done);
        g->done_cap = rs->count + rs->count / 4;
        g->done = clout_i_malloc((size_t)(g->done_cap ? g->done_cap : 1), 1);
        if (!g->done) return CLOUT_ERR_NOMEM;
    }
    return CLOUT_OK;
}

/* Cover set j: decrement the counts of its users. */
static inline void cover(const clout_i_rrstore *rs, int64_t j, int64_t *cnt, bool atomic)
{
    const uint32_t *u = clout_i_set_users(rs, j);
    for (int64_t r = 0, e = clout_i_set_len(rs, j); r < e; r++) {
        if (atomic) {
            #pragma omp atomic
            cnt[u[r]]--;
        } else {
            cnt[u[r]]--;
        }
    }
}

/* A seed outside the index: one scan of the uncovered sets collects the sets of best and of the
 * other users outside the index with the highest counts (the likely next seeds), CLOUT_I_XCAND in all. */
static int collect(clout_i_gwork *g, const clout_i_rrstore *rs, const clout_i_ties *ties, const int64_t *cnt,
                   int64_t n, int64_t best)
{
    for (int x = 0; x < g->nx; x++) g->slot[g->xuser[x]] = -1;
    /* best, then the top CLOUT_I_XCAND - 1 others by count (keep_best) */
    clout_i_hent h[CLOUT_I_XCAND];
    int hn = 0;
    for (int64_t v = 0; v < n; v++)
        if (v != best && cnt[v] > 0 && g->iptr[v + 1] == g->iptr[v])
            keep_best(h, &hn, CLOUT_I_XCAND - 1, (clout_i_hent){(uint32_t)cnt[v], ties->rank[v]});
    g->nx = 0;
    g->xuser[g->nx++] = (uint32_t)best;
    for (int i = 0; i < hn; i++) g->xuser[g->nx++] = ties->byrank[h[i].v];
    for (int x = 0; x < g->nx; x++) g->slot[g->xuser[x]] = x;
    /* two scans of the uncovered sets, each thread over its own range of sets: it counts its
     * sets per candidate, then writes them from its own offset, so every list comes out in
     * ascending set order, as one thread would leave it */
    int64_t nsets = rs->count;
    int nt = nsets >= 4096 ? g->nt : 1, nx = g->nx;
    int64_t (*tc)[CLOUT_I_XCAND + 1] = clout_i_calloc((size_t)nt, sizeof(*tc));
    if (!tc) return CLOUT_ERR_NOMEM;
    bool nomem = false;
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        int64_t lo = nsets * t / nt, hi = nsets * (t + 1) / nt, *c = tc[t];
        for (int64_t j = lo; j < hi; j++) {
            if (g->done[j]) continue;
            const uint32_t *u = clout_i_set_users(rs, j);
            for (int64_t q = 0, e = clout_i_set_len(rs, j); q < e; q++)
                if (g->slot[u[q]] >= 0) c[g->slot[u[q]]]++;
        }
        #pragma omp barrier
        #pragma omp single
        {
            /* tc[t][x] becomes thread t's first slot in candidate x's list */
            int64_t at = 0;
            for (int x = 0; x < nx; x++) {
                g->xoff[x] = at;
                for (int q = 0; q < nt; q++) {
                    int64_t m = tc[q][x];
                    tc[q][x] = at;
                    at += m;
                }
            }
            g->xoff[nx] = at;
            if (at > g->xcap) {
                free(g->xset);
                g->xcap = at + at / 2;
                g->xset = clout_i_malloc((size_t)(g->xcap ? g->xcap : 1), sizeof(uint32_t));
                if (!g->xset) {
                    g->xcap = 0;
                    nomem = true;
                }
            }
        }
        for (int64_t j = lo; j < hi && !nomem; j++) {
            if (g->done[j]) continue;
            const uint32_t *u = clout_i_set_users(rs, j);
            for (int64_t q = 0, e = clout_i_set_len(rs, j); q < e; q++)
                if (g->slot[u[q]] >= 0) g->xset[c[g->slot[u[q]]]++] = (uint32_t)j;
        }
    }
    free(tc);
    return nomem ? CLOUT_ERR_NOMEM : CLOUT_OK;
}

/* A distributed greedy step: the sets this process just covered (marked 2 in done, among
 * list[0..len)) lowered its counts; bring gcnt, the counts summed over the processes, up to date.
 * The changes travel as one int64 per (user, decrement) pair, each process's pairs in its own
 * block of one sum over the processes (the blocks are disjoint, so the sum is a gather) when
 * that is smaller than the dense sum of every user's count, which is used otherwise. Integers:
 * the counts are the same whichever way they travel. */
static int dist_step(clout_i_gwork *g, const clout_i_rrstore *rs, const uint32_t *list, int64_t len, int64_t n)
{
    const clout_partition *part = clout_i_partition();
    int64_t m = 0;
    for (int64_t q = 0; q < len; q++) {
        uint32_t j = list[q];
        if (g->done[j] != 2) continue;
        g->done[j] = 1;
        const uint32_t *u = clout_i_set_users(rs, j);
        for (int64_t r = 0, e = clout_i_set_len(rs, j); r < e; r++)
            if (g->dec[u[r]]++ == 0) g->touched[m++] = u[r];
    }
    memset(g->msz, 0, (size_t)part->size * sizeof(int64_t));
    g->msz[part->rank] = m;
    if (clout_i_part_sum(g->msz, part->size) != CLOUT_OK) return CLOUT_ERR_INTERNAL;
    int64_t total = 0, off = 0;
    for (int r = 0; r < part->size; r++) {
        if (r < part->rank) off += g->msz[r];
        total += g->msz[r];
    }
    if (total < n / 2) {
        memset(g->xbuf, 0, (size_t)(total ? total : 1) * sizeof(int64_t));
        for (int64_t t = 0; t < m; t++) {
            uint32_t u = g->touched[t];
            g->xbuf[off + t] = (int64_t)(((uint64_t)u << 32) | (uint32_t)g->dec[u]);
            g->dec[u] = 0;
        }
        if (total > 0 && clout_i_part_sum(g->xbuf, total) != CLOUT_OK) return CLOUT_ERR_INTERNAL;
        for (int64_t t = 0; t < total; t++) {
            uint64_t x = (uint64_t)g->xbuf[t];
            g->gcnt[x >> 32] -= (int64_t)(uint32_t)x;
        }
    } else {
        for (int64_t t = 0; t < m; t++) g->dec[g->touched[t]] = 0;
        memcpy(g->gcnt, g->cnt, (size_t)n * sizeof(int64_t));
        if (clout_i_part_sum(g->gcnt, n) != CLOUT_OK) return CLOUT_ERR_INTERNAL;
    }
    return CLOUT_OK;
}

/* Greedy max coverage: k seeds, covered[i] = sets covered after seed i; ties go by the tie
 * order (most out-ties first, then the lower index). Counts are exact marginal coverages,
 * decremented as sets get covered; the maximum comes from a lazy heap of the users found in
 * some set (a round of few sets on a large graph costs
 * what its sets cost, not n a step). The sets a new seed covers come from an inverted index
 * (user -> sets), which above clout_i_greedy_index_max holds only the users with the highest
 * counts; for a seed outside it, one scan of the uncovered sets collects its sets and those of
 * the next likely seeds.
 * With upper != NULL also OPIM-C's online bound on the best coverage of any k users: the least,
 * over the greedy steps, of (covered so far + the k largest marginal counts). */
static int greedy_run(clout_i_gwork *g, const clout_i_rrstore *rs, const clout_i_ties *ties, int64_t n, int k,
                      int64_t *seeds, int64_t *covered, int64_t *upper, clout_i_progress *prog)
{
    bool index = rs->nnz <= clout_i_greedy_index_max;
    if (gwork_fit(g, n, k, rs, index) != CLOUT_OK) return CLOUT_ERR_NOMEM;
    int64_t *cnt = g->cnt, *iptr = g->iptr;
    uint32_t *tpos = g->tpos;
    uint32_t *iset = g->iset;
    unsigned char *done = g->done;
    clout_i_hent *heap = g->heap;
    int64_t nsets = rs->count;
    int nt = g->nt;
    bool big = n > 65536; /* many users: atomic decrements rarely collide */
    int64_t tau = 1;
    memset(done, 0, (size_t)nsets);
    /* counts (and the inverted index, user -> sets ascending): each thread counts, then places,
     * the users of its own range of sets; no atomics, the same result for any thread count */
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        uint32_t *tc = tpos + (size_t)t * (size_t)n;
        int64_t lo = nsets * t / T, hi = nsets * (t + 1) / T;
        memset(tc, 0, (size_t)n * sizeof(uint32_t));
        for (int64_t j = lo; j < hi; j++) {
            const uint32_t *u = clout_i_set_users(rs, j);
            for (int64_t q = 0, e = clout_i_set_len(rs, j); q < e; q++) tc[u[q]]++;
        }
        #pragma omp barrier
        #pragma omp for schedule(static)
        for (int64_t v = 0; v < n; v++) {
            uint32_t c = 0;
            for (int u = 0; u < T; u++) {
                uint32_t x = tpos[(size_t)u * (size_t)n + (size_t)v];
                tpos[(size_t)u * (size_t)n + (size_t)v] = c;
                c += x;
            }
            cnt[v] = c;
        }
        #pragma omp single
        {
            /* the index holds users with at least tau sets: tau = 1 (all) or the least power of
             * two whose users' sets fit in the budget */
            tau = 1;
            if (!index) {
                int64_t hist[64] = {0};
                for (int64_t v = 0; v < n; v++)
                    if (cnt[v] > 0) hist[63 - __builtin_clzll((unsigned long long)cnt[v])] += cnt[v];
                int64_t sum = 0, budget = g->iset_cap;
                int b = 63;
                while (b >= 0 && sum + hist[b] <= budget) sum += hist[b--];
                tau = (int64_t)1 << (b + 1 < 63 ? b + 1 : 62);
            }
            iptr[0] = 0;
            for (int64_t v = 0; v < n; v++) iptr[v + 1] = iptr[v] + (cnt[v] >= tau ? cnt[v] : 0);
        }
        for (int64_t j = lo; j < hi; j++) {
            const uint32_t *u = clout_i_set_users(rs, j);
            for (int64_t q = 0, e = clout_i_set_len(rs, j); q < e; q++)
                if (cnt[u[q]] >= tau) iset[iptr[u[q]] + tc[u[q]]++] = (uint32_t)j;
        }
    }
    /* a distributed run: cnt holds this process's marginal counts, gcnt their sum over the
     * processes, which every choice reads (with one process they are the same array) */
    bool dist = clout_i_partition()->size > 1;
    int64_t *gcnt = cnt;
    if (dist) {
        if (!g->gcnt) g->gcnt = clout_i_malloc((size_t)(n + 1), sizeof(int64_t));
        if (!g->dec) g->dec = clout_i_calloc((size_t)(n + 1), sizeof(int32_t));
        if (!g->touched) g->touched = clout_i_malloc((size_t)(n + 1), sizeof(uint32_t));
        if (!g->xbuf) g->xbuf = clout_i_malloc((size_t)(n + 1), sizeof(int64_t));
        if (!g->msz) g->msz = clout_i_malloc((size_t)clout_i_partition()->size, sizeof(int64_t));
        if (!g->gcnt || !g->dec || !g->touched || !g->xbuf || !g->msz) return CLOUT_ERR_NOMEM;
        gcnt = g->gcnt;
        memcpy(gcnt, cnt, (size_t)n * sizeof(int64_t));
        if (clout_i_part_sum(gcnt, n) != CLOUT_OK) return CLOUT_ERR_INTERNAL;
    }
    /* only the users with a positive count can be chosen for coverage or add to the bound (the
     * work per step follows the sets, not n): the heap and the bound walk them alone, and once
     * every count is 0 the rest are the first users in the tie order not yet taken, as a heap
     * of all users would give them. Heap entries carry tie ranks. */
    const uint32_t *rank = ties->rank, *byrank = ties->byrank;
    int64_t na = 0, zfill = 0;
    uint32_t *act = g->act;
    for (int64_t v = 0; v < n; v++)
        if (gcnt[v] > 0) act[na++] = (uint32_t)v;
    for (int64_t a = 0; a < na; a++) heap[a] = (clout_i_hent){(uint32_t)gcnt[act[a]], rank[act[a]]};
    for (int64_t i = na / 2 - 1; i >= 0; i--) hsift(heap, na, i);
    int64_t total = 0, hn = na;
    if (upper) *upper = INT64_MAX;
    for (int i = 0; i <= k; i++) {
        if (upper) {
            int64_t ub = total + topk_sum(gcnt, act, na, k, g->top);
            if (ub < *upper) *upper = ub;
        }
        if (i == k) break;
        if (clout_i_progress_update(prog, (double)i)) return CLOUT_ERR_INTERRUPTED;
        /* lazy: re-key a stale top until the top is fresh */
        while (hn > 0 && (int64_t)heap[0].c != gcnt[byrank[heap[0].v]]) {
            heap[0].c = (uint32_t)gcnt[byrank[heap[0].v]];
            hsift(heap, hn, 0);
        }
        int64_t best;
        if (hn > 0 && heap[0].c > 0) {
            best = byrank[heap[0].v];
            heap[0] = heap[--hn];
            hsift(heap, hn, 0);
        } else {
            hn = 0; /* counts never grow: the heap is done */
            while (gcnt[byrank[zfill]] < 0) zfill++; /* taken: k <= n leaves one */
            best = byrank[zfill++];
        }
        seeds[i] = best;
        total += gcnt[best];
        covered[i] = total;
        /* the sets covered now: marked 2 in a distributed run until their changes are sent */
        const unsigned char mark = dist ? 2 : 1;
        const uint32_t *list = NULL;
        int64_t len = 0;
        if (cnt[best] == 0) {
            /* covers nothing new */
        } else if (iptr[best + 1] > iptr[best]) {
            int64_t a = iptr[best], b = iptr[best + 1];
            list = iset + a;
            len = b - a;
            /* each set appears once in a user's list, so sets are claimed without races */
            bool par = big && b - a > 16384;
            #pragma omp parallel for schedule(dynamic, 256) if (par)
            for (int64_t q = a; q < b; q++) {
                uint32_t j = iset[q];
                if (done[j]) continue;
                done[j] = mark;
                cover(rs, j, cnt, par);
            }
        } else {
            if (g->slot[best] < 0 && collect(g, rs, ties, cnt, n, best) != CLOUT_OK) return CLOUT_ERR_NOMEM;
            int x = g->slot[best];
            list = g->xset + g->xoff[x];
            len = g->xoff[x + 1] - g->xoff[x];
            for (int64_t q = g->xoff[x]; q < g->xoff[x + 1]; q++) {
                uint32_t j = g->xset[q];
                if (done[j]) continue;
                done[j] = mark;
                cover(rs, j, cnt, false);
            }
        }
        if (dist) {
            /* the new marginal counts over all processes; the seeds so far stay out */
            cnt[best] = 0;
            if (dist_step(g, rs, list, len, n) != CLOUT_OK) return CLOUT_ERR_INTERNAL;
            for (int q = 0; q <= i; q++) gcnt[seeds[q]] = -1;
        } else {
            cnt[best] = -1; /* never again */
        }
    }
    return CLOUT_OK;
}

int clout_i_greedy(clout_i_gwork *g, const clout_i_rrstore *rs, const clout_i_ties *ties, int64_t n, int k,
                   int64_t *seeds, int64_t *covered, int64_t *upper, char msg[CLOUT_MSG_LEN])
{
    clout_i_progress *prog = clout_i_progress_start("greedy selection", (double)k, " seeds");
    int s = greedy_run(g, rs, ties, n, k, seeds, covered, upper, prog);
    clout_i_progress_end(prog);
    if (s == CLOUT_ERR_NOMEM) clout_i_setmsg(msg, "out of memory for the greedy selection");
    else if (s == CLOUT_ERR_INTERRUPTED) clout_i_setmsg(msg, "interrupted");
    else if (s < 0) clout_i_setmsg(msg, "summing the coverage counts over the processes failed");
    return s;
}

/* Coverage of every prefix of a seed list in a store of RR sets, in one pass: cov[i] = sets that
 * hold one of seeds[0..i]. A set counts toward the first seed it holds. */
int clout_i_prefix_coverage(const clout_i_rrstore *rs, const int64_t *seeds, int k, int64_t n, int64_t *cov)
{
    int32_t *rank = clout_i_malloc((size_t)(n ? n : 1), sizeof(int32_t));
    if (!rank) return CLOUT_ERR_NOMEM;
    for (int64_t v = 0; v < n; v++) rank[v] = INT32_MAX;
    for (int i = 0; i < k; i++)
        if (rank[seeds[i]] > i) rank[seeds[i]] = i;
    /* the sets over the threads, each counting into its own row (whole numbers: any order) */
    int nt = rs->nnz > (1 << 20) ? omp_get_max_threads() : 1;
    int64_t *part = clout_i_calloc((size_t)nt * (size_t)k, sizeof(int64_t));
    if (!part) {
        free(rank);
        return CLOUT_ERR_NOMEM;
    }
    #pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t j = 0; j < rs->count; j++) {
        int32_t r = INT32_MAX;
        const uint32_t *u = clout_i_set_users(rs, j);
        for (int64_t q = 0, e = clout_i_set_len(rs, j); q < e; q++)
            if (rank[u[q]] < r) r = rank[u[q]];
        if (r < k) part[(int64_t)omp_get_thread_num() * k + r]++;
    }
    memset(cov, 0, (size_t)k * sizeof(int64_t));
    for (int t = 0; t < nt; t++)
        for (int i = 0; i < k; i++) cov[i] += part[(int64_t)t * k + i];
    for (int i = 1; i < k; i++) cov[i] += cov[i - 1];
    free(part);
    free(rank);
    /* a distributed run: every process's sets */
    return clout_i_part_sum(cov, k);
}

double clout_i_log_choose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/* The arguments imm and opim-c share: 1 <= k <= n, eps and delta in (0, 1) (delta <= 0: 1/n). */
int clout_i_rr_args(const clout_influence *P, int k, double eps, double *delta, char msg[CLOUT_MSG_LEN])
{
    if (k < 1 || k > P->n) {
        clout_i_setmsg(msg, "k must be between 1 and the %lld users, got %d", (long long)P->n, k);
        return CLOUT_ERR_INVALID;
    }
    if (!(eps > 0 && eps < 1)) {
        clout_i_setmsg(msg, "epsilon must be in (0, 1), got %g", eps);
        return CLOUT_ERR_INVALID;
    }
    if (*delta <= 0) *delta = 1.0 / fmax((double)P->n, 2); /* 1/n, and 1/2 for a lone user */
    if (!(*delta < 1)) {
        clout_i_setmsg(msg, "delta must be in (0, 1), got %g", *delta);
        return CLOUT_ERR_INVALID;
    }
    return CLOUT_OK;
}

int clout_i_ties_init(clout_i_ties *t, const clout_influence *P)
{
    int64_t n = P->n;
    uint32_t top = 0;
    for (int64_t v = 0; v < n; v++)
        if (P->odeg[v] > top) top = P->odeg[v];
    t->rank = clout_i_malloc((size_t)(n ? n : 1), sizeof(uint32_t));
    t->byrank = clout_i_malloc((size_t)(n ? n : 1), sizeof(uint32_t));
    int64_t *at = clout_i_calloc((size_t)top + 2, sizeof(int64_t));
    if (!t->rank || !t->byrank || !at) {
        free(at);
        clout_i_ties_free(t);
        return CLOUT_ERR_NOMEM;
    }
    /* a counting sort by out-ties, descending; users keep index order within a count */
    for (int64_t v = 0; v < n; v++) at[top - P->odeg[v] + 1]++;
    for (uint32_t d = 0; d <= top; d++) at[d + 1] += at[d];
    for (int64_t v = 0; v < n; v++) {
        int64_t r = at[top - P->odeg[v]]++;
        t->rank[v] = (uint32_t)r;
        t->byrank[r] = (uint32_t)v;
    }
    free(at);
    return CLOUT_OK;
}

void clout_i_ties_free(clout_i_ties *t)
{
    FREE_PTR(t->rank);
    FREE_PTR(t->byrank);
}

void clout_i_rr_run_free(clout_i_rr_run *r)
{
    clout_i_sampler_free(&r->smp);
    clout_i_gwork_free(&r->gw);
    clout_i_ties_free(&r->ties);
    FREE_PTR(r->cov);
    FREE_PTR(r->tmp);
}

#undef FREE_ALL
#define FREE_ALL clout_i_rr_run_free(r)

int clout_i_rr_run_start(clout_i_rr_run *r, const clout_influence *P, bool lt, int k, double eps, double *delta,
                         uint64_t seed, char msg[CLOUT_MSG_LEN])
{
    memset(r, 0, sizeof(*r));
    TRY(clout_i_rr_args(P, k, eps, delta, msg));
    ALLOC_TRY(r->cov, k, int64_t);
    ALLOC_TRY(r->tmp, k, int64_t);
    ASSERT_MSG(clout_i_sampler_init(&r->smp, P, lt, seed) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    ASSERT_MSG(clout_i_ties_init(&r->ties, P) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    return CLOUT_OK;
}

int clout_i_rr_fits(const clout_i_rrstore *rs, const clout_i_rrsampler *S, double total, double other,
                    char msg[CLOUT_MSG_LEN])
{
    /* a set holds at least its root: 4 bytes a user, 12 bytes of offsets and chunk id a set */
    double avg = rs->count > 0 ? (double)rs->nnz / (double)rs->count : (S->avg > 1 ? S->avg : 1);
    /* a distributed run holds its share of the sets on each process */
    double bytes = total / (double)clout_i_partition()->size * (4 * avg + 12) + other;
    char what[96];
    snprintf(what, sizeof what, "%.3g RR sets", total);
    /* the count also becomes a 64-bit index: beyond 2^40 nothing could hold it anyway */
    if (!(total < 1099511627776.0)) bytes = INFINITY;
    return clout_memory_fits(bytes, what, CLOUT_ERR_INVALID, msg);
}
