/* internal.h: helpers shared by clout's .c files (not installed).
 *
 * Each .c file defines FREE_WORK (temporaries) and FREE_ALL (temporaries + outputs) before the
 * functions that use TRY / GRB_TRY / ASSERT_MSG / ERR; those macros free and return on failure. */
#ifndef CLOUT_INTERNAL_H
#define CLOUT_INTERNAL_H

#include "clout.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define CLOUT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CLOUT_LIKELY(x) __builtin_expect(!!(x), 1)
#define CLOUT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define CLOUT_PRINTF(a, b)
#define CLOUT_LIKELY(x) (x)
#define CLOUT_UNLIKELY(x) (x)
#endif

/* Write a message into msg (overwrites). */
void clout_i_setmsg(char msg[CLOUT_MSG_LEN], const char *fmt, ...) CLOUT_PRINTF(2, 3);

/* Out-of-memory tests (tests/unit/test_nomem.c): when clout_i_alloc_countdown is set to k > 0,
 * the k-th clout_i_malloc/calloc/realloc call from then on fails, and every later one, until the
 * countdown is set back to 0. */
extern int64_t clout_i_alloc_countdown;
/* ... and GraphBLAS's own allocations too when this is set */
extern bool clout_i_alloc_inject_graphblas;
void *clout_i_grb_malloc(size_t n);
void *clout_i_grb_calloc(size_t n, size_t size);
void *clout_i_grb_realloc(void *p, size_t n);
/* Overflow-checked allocation; NULL on overflow or failure. */
void *clout_i_malloc(size_t n, size_t size);
void *clout_i_calloc(size_t n, size_t size);
void *clout_i_realloc(void *p, size_t n, size_t size);
char *clout_i_strdup(const char *s);
/* Map the pages of a fresh allocation that is about to be written in full. */
void clout_i_prefault(void *p, size_t bytes);

/* Wall clock, seconds. */
double clout_i_now(void);

#define ERR(status, ...)                                                                  \
    do {                                                                                  \
        clout_i_setmsg(msg, __VA_ARGS__);                                                 \
        FREE_ALL;                                                                         \
        return (status);                                                                  \
    } while (0)

#define ASSERT_MSG(cond, status, ...)                                                     \
    do {                                                                                  \
        if (CLOUT_UNLIKELY(!(cond))) ERR(status, __VA_ARGS__);                            \
    } while (0)

#define TRY(call)                                                                         \
    do {                                                                                  \
        int try_status_ = (call);                                                         \
        if (CLOUT_UNLIKELY(try_status_ < 0)) {                                            \
            FREE_ALL;                                                                     \
            return try_status_;                                                           \
        }                                                                                 \
    } while (0)

#define GRB_TRY(call)                                                                     \
    do {                                                                                  \
        GrB_Info grb_info_ = (call);                                                      \
        if (CLOUT_UNLIKELY(grb_info_ < GrB_SUCCESS)) {                                    \
            clout_i_setmsg(msg, "GraphBLAS error %d in %s (%s:%d)", (int)grb_info_,       \
                           __func__, __FILE__, __LINE__);                                 \
            FREE_ALL;                                                                     \
            return clout_status_from_grb((int)grb_info_);                                 \
        }                                                                                 \
    } while (0)

/* For files that include igraph.h: map an igraph error into clout's, free and return. */
#define IG_TRY(call)                                                                      \
    do {                                                                                  \
        igraph_error_t ig_err_ = (call);                                                  \
        if (ig_err_ != IGRAPH_SUCCESS)                                                    \
            ERR(clout_status_from_igraph((int)ig_err_), "igraph: %s (%s:%d)",            \
                igraph_strerror(ig_err_), __FILE__, __LINE__);                            \
    } while (0)

#define ALLOC_TRY(p, n, type)                                                             \
    do {                                                                                  \
        (p) = (type *)clout_i_malloc((size_t)(n), sizeof(type));                          \
        if (CLOUT_UNLIKELY((p) == NULL))                                                  \
            ERR(CLOUT_ERR_NOMEM, "out of memory allocating %zu x %zu bytes in %s",        \
                (size_t)(n), sizeof(type), __func__);                                     \
    } while (0)

#define CALLOC_TRY(p, n, type)                                                            \
    do {                                                                                  \
        (p) = (type *)clout_i_calloc((size_t)(n), sizeof(type));                          \
        if (CLOUT_UNLIKELY((p) == NULL))                                                  \
            ERR(CLOUT_ERR_NOMEM, "out of memory allocating %zu x %zu bytes in %s",        \
                (size_t)(n), sizeof(type), __func__);                                     \
    } while (0)

#define FREE_PTR(p) do { free(p); (p) = NULL; } while (0)
#define FREE_GRB(M) do { if ((M) != NULL) GrB_free(&(M)); } while (0)

/* ---- text input (src/core/textfile.c): a whole file in memory, .gz inflated ---- */
typedef struct clout_i_text {
    char *data;         /* owned: a private writable mapping of the file, or malloc'd (gzip) */
    size_t len;
    const char *name;   /* for messages; not owned */
    size_t map_len;     /* > 0: data is an mmap of this many bytes */
} clout_i_text;
/* Read a file (gzip detected by magic bytes, not the name). */
int clout_i_text_read(clout_i_text *t, const char *path, char msg[CLOUT_MSG_LEN]);
void clout_i_text_free(clout_i_text *t);
/* 1-based line number of byte offset off. */
int64_t clout_i_line_of(const char *data, size_t off);

/* ---- token hashing (graph/idmap.c) ---- */
static inline uint64_t clout_i_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* The counter-based generator split in two: the key of (seed, stream) once, then one mix per
 * index. clout_i_rng_at(clout_i_rng_key(s, t), i) == clout_rng_u64(s, t, i). */
static inline uint64_t clout_i_rng_key(uint64_t seed, uint64_t stream)
{
    uint64_t z = clout_i_mix64(seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
    return clout_i_mix64(z ^ (stream * 0xd1b54a32d192ed03ULL + 0x8cb92ba72f3d8dd7ULL));
}
static inline uint64_t clout_i_rng_at(uint64_t key, uint64_t index)
{
    return clout_i_mix64(key ^ (index * 0xaef17502108ef2d9ULL + 0x9e3779b97f4a7c15ULL));
}
/* uniform in [0, 1), as clout_rng_uniform */
static inline double clout_i_unif_at(uint64_t key, uint64_t index)
{
    return (double)(clout_i_rng_at(key, index) >> 11) * 0x1.0p-53;
}
/* uniform in (0, 1]: never 0, so its logarithm is finite */
static inline double clout_i_unif01_at(uint64_t key, uint64_t index)
{
    return (double)((clout_i_rng_at(key, index) >> 11) + 1) * 0x1.0p-53;
}
static inline uint64_t clout_i_hash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    return clout_i_mix64(h ^ w);
}
/* Insert with a precomputed hash. */
int64_t clout_i_idmap_intern_h(clout_idmap *map, const char *tok, size_t len, uint64_t h,
                               char msg[CLOUT_MSG_LEN]);
/* Room for extra more tokens without rehashing. */
int clout_i_idmap_reserve(clout_idmap *map, int64_t extra, char msg[CLOUT_MSG_LEN]);
/* Build from a blob of NUL-terminated tokens and offsets (moved in; off has n+1 entries). */
int clout_i_idmap_from_blob(clout_idmap **map, char **blob, size_t blob_len, int64_t **off,
                            int64_t n, char msg[CLOUT_MSG_LEN]);
/* The blob and offsets (borrowed). */
void clout_i_idmap_blob(const clout_idmap *map, const char **blob, size_t *blob_len,
                        const int64_t **off);

/* ---- CSR construction (graph/csr_build.c) ---- */
/* Sort (row[k], col[k]), k = 0..nnz-1, by row, then column, then k. ptr: nrows+1 offsets;
 * sorted: for each slot the column and the original k. Duplicates are adjacent, in input order. */
typedef struct {
    int64_t col, pos;
} clout_i_colpos;
int clout_i_csr_order(int64_t nrows, int64_t nnz, const int64_t *row, const int64_t *col,
                      int64_t **ptr, clout_i_colpos **sorted, char msg[CLOUT_MSG_LEN]);
/* The same without positions, for entries whose order among duplicates does not matter: cols
 * holds each row's columns sorted. Half the memory of clout_i_csr_order. */
int clout_i_csr_sort_cols(int64_t nrows, int64_t nnz, const int64_t *row, const int64_t *col,
                          int64_t **ptr, int64_t **cols, char msg[CLOUT_MSG_LEN]);
/* Sort 64-bit keys ascending (LSD radix). */
int clout_i_sort_u64(uint64_t *a, int64_t n);
/* Pack CSR arrays (moved in: GraphBLAS takes ownership) into a new matrix. vals NULL: iso
 * value *iso_val. */
int clout_i_pack_csr(GrB_Matrix *A, GrB_Type type, int64_t nrows, int64_t ncols, uint64_t **ptr,
                     uint64_t **idx, void **vals, const void *iso_val, char msg[CLOUT_MSG_LEN]);
/* Borrow a matrix's CSR arrays zero-copy (GxB unpack; rows sorted); give them back with
 * clout_i_csr_return, which packs them in again. While borrowed, A must not be used. */
typedef struct clout_i_csr {
    uint64_t *ptr, *idx;
    void *vals;
    GrB_Index ptr_size, idx_size, vals_size;
    bool iso, jumbled;
    GrB_Index nrows, ncols, nvals;
} clout_i_csr;
/* The transpose of the square n x n CSR (ptr, idx, vals), relabelled when ord and newid are given
 * (newid[u]: user u's new index, ord its inverse; both NULL: none). Row newid[v] of the result
 * lists newid[u] for every tie u -> v in ascending order, with the tie's value in *tvals, as
 * double when wide, else float (1 when vals is NULL; tvals NULL: no values). The result does not
 * depend on the thread count. n < 2^32. */
int clout_i_csr_transpose(int64_t n, const uint64_t *ptr, const uint64_t *idx, const float *vals,
                          const uint32_t *ord, const uint32_t *newid, uint64_t **tptr, uint64_t **tidx,
                          void **tvals, bool wide, char msg[CLOUT_MSG_LEN]);
/* The same transpose cut into *nblk <= maxblk blocks of consecutive rows (runs of 2^12 or more
 * rows): block k holds rows lo[k] .. lo[k + 1] - 1 in its own arrays bptr[k] (from 0), bidx[k]
 * and bvals[k] (bvals NULL: no values), as many as GraphBLAS matrices want. */
#define CLOUT_I_MAXBLK 64
int clout_i_csr_transpose_split(int64_t n, const uint64_t *ptr, const uint64_t *idx, const float *vals,
                                const uint32_t *ord, const uint32_t *newid, int maxblk, int *nblk, int64_t *lo,
                                uint64_t **bptr, uint64_t **bidx, void **bvals, bool wide, char msg[CLOUT_MSG_LEN]);
/* Users by degree (row length of ptr), ascending or descending, ties by index: ord[rank] = user,
 * newid[user] = rank. CLOUT_ERR_NOMEM or CLOUT_OK. */
int clout_i_degree_order(int64_t n, const uint64_t *ptr, bool descending, uint32_t *ord, uint32_t *newid);
int clout_i_csr_borrow(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN]);
int clout_i_csr_return(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN]);

/* ---- the influence graph (graph/diffusion.c): S's ties with probabilities, both ways ---- */
typedef struct {
    uint64_t lo; /* = iptr[v] */
    double p;
} clout_i_irow;
struct clout_influence {
    int64_t n, m;
    uint64_t *optr, *iptr;  /* n + 1: out-rows (S) and in-rows (S'), each sorted */
    uint32_t *oidx, *iidx;  /* m */
    double *op, *ip;        /* m per-tie probabilities, or both NULL when every in-tie of a user v
                             * has the same probability (wc on unweighted ties, const:P): then */
    clout_i_irow *irow;     /* n + 1: v's in-row start and that probability side by side (one
                             * cache line for the RR samplers), or NULL */
};
/* probability of out-tie k (to user w) and of in-tie k of user v */
static inline double clout_i_pout(const clout_influence *P, uint64_t k)
{
    return P->op ? P->op[k] : P->irow[P->oidx[k]].p;
}
static inline double clout_i_pin(const clout_influence *P, int64_t v, uint64_t k)
{
    return P->ip ? P->ip[k] : P->irow[v].p;
}

/* RR sets (graph/rrsets.c). RR set j: a root drawn with key (seed, 0, j), then backwards along
 * in-ties, coins from stream (j << 1) | 1 in the order they are drawn. IC: every in-tie is live
 * with its probability (users whose in-ties share one probability skip to the next live tie,
 * SUBSIM-style). LT (lt true): each user picks at most one in-neighbour.
 * clout_i_rr_set: one set; users get mark = stamp; queue (capacity n) receives the set; returns
 * its size. */
int64_t clout_i_rr_set(const clout_influence *P, bool lt, uint64_t seed, uint64_t j, uint32_t *mark, uint32_t stamp,
                       uint32_t *queue);
/* One thread's sampling workspace. */
typedef struct clout_i_rrws clout_i_rrws;
clout_i_rrws *clout_i_rrws_new(const clout_influence *P);
void clout_i_rrws_free(clout_i_rrws *w);
/* Sets j0 .. j0 + count - 1, appended in index order to the growable array (*buf, *used, *cap);
 * offs[i] (count + 1 entries) = where set i starts. Several sets in flight at once; the same sets
 * as clout_i_rr_set. CLOUT_OK or CLOUT_ERR_NOMEM. */
int clout_i_rr_sets(const clout_influence *P, bool lt, uint64_t seed, uint64_t j0, int64_t count, clout_i_rrws *w,
                    uint32_t **buf, int64_t *used, int64_t *cap, int64_t *offs);
/* The undirected view of S (graph.c): *B = S itself when it holds both directions of every tie,
 * else the pattern of S + S' built into *U (free it; NULL otherwise). No self-loops either way. */
int clout_i_undirected_view(clout_graph *G, GrB_Matrix *U, GrB_Matrix *B, char msg[CLOUT_MSG_LEN]);
/* Greedy max coverage over RR sets (graph/im.c) finds covered sets through an inverted index up to
 * this many stored users, by scanning the store above (tests lower it to check both ways agree). */
extern int64_t clout_i_greedy_index_max;
/* The next visit stamp for a mark array of n users (clears it when the 32-bit stamps run out). */
static inline uint32_t clout_i_next_stamp(uint32_t *mark, int64_t n, uint32_t *stamp)
{
    if (CLOUT_UNLIKELY(*stamp == UINT32_MAX)) {
        memset(mark, 0, (size_t)n * sizeof(uint32_t));
        *stamp = 0;
    }
    return ++*stamp;
}
/* The same with 16-bit marks (half the cache footprint; cleared every 65,535 stamps) */
static inline uint16_t clout_i_next_stamp16(uint16_t *mark, int64_t n, uint32_t *stamp)
{
    if (CLOUT_UNLIKELY(*stamp >= UINT16_MAX)) {
        memset(mark, 0, (size_t)n * sizeof(uint16_t));
        *stamp = 0;
    }
    return (uint16_t)++*stamp;
}
/* One cascade from seeds. IC (b NULL): out-tie k is live when a draw (seed, stream, k) falls
 * below its probability. LT: b holds the tie weights and user w activates once the weights of its
 * active in-neighbours reach its threshold, the draw (seed, stream, w); seen and acc (n each) keep
 * those sums. Users get mark = stamp; queue (capacity n) receives the active users. Returns their
 * number; *rounds counts the rounds that activated someone. */
int64_t clout_i_cascade(const clout_influence *P, const double *b, const int64_t *seeds, int64_t ns, uint64_t seed,
                        uint64_t stream, int64_t *mark, int64_t stamp, int64_t *seen, double *acc, int64_t *queue,
                        int64_t *rounds);

#endif
