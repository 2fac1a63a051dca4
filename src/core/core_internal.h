/* core_internal.h: the ground floor's helpers, shared by every .c file of the library (not installed):
 * messages, checked allocation, the error macros, whole-file text input, the counter-based generator.
 * Nothing graph-specific lives here.
 *
 * Each .c file defines FREE_WORK (temporaries) and FREE_ALL (temporaries + outputs) before the
 * functions that use TRY / GRB_TRY / ASSERT_MSG / ERR; those macros free and return on failure. */
#ifndef CLOUT_CORE_INTERNAL_H
#define CLOUT_CORE_INTERNAL_H

#include "clout.h"
#include <stdarg.h>
#include <stdlib.h>
#include <omp.h>
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
/* Part `part` of `parts` equal slices of [p, p + bytes) prefaulted: the threads of a parallel
 * region each populate their own slice. */
void clout_i_prefault_part(void *p, size_t bytes, int part, int parts);

/* Progress of a long loop (progress.c): NULL when no progress handler is installed. update reports
 * (rate-limited) and returns true when the interruption handler asks the call to stop. */
typedef struct clout_i_progress clout_i_progress;
clout_i_progress *clout_i_progress_start(const char *phase, double total, const char *unit);
bool clout_i_progress_update(clout_i_progress *p, double done);
void clout_i_progress_end(clout_i_progress *p);
/* The interruption handler's answer (false when none is installed). */
bool clout_i_interrupted(void);
/* Progress of an OpenMP loop: each thread adds its finished work to *done; the calling thread
 * (thread 0) reports it and, when asked to stop, sets *stop for every thread to see. */
void clout_i_progress_tick(clout_i_progress *p, int64_t *done, int64_t add, bool *stop);

/* The process's place in a distributed run (clout_set_partition; size 1 by default), and the sum
 * of a vector over the processes (nothing with one process; CLOUT_ERR_INTERNAL when it fails). */
const clout_partition *clout_i_partition(void);
int clout_i_part_sum(int64_t *buf, int64_t n);
/* This process's block [lo, hi) of total items split by index over the processes (all of them
 * with one process). */
void clout_i_part_block(int64_t total, int64_t *lo, int64_t *hi);

/* Debian's igraph is not thread-safe: every call into it holds this process-wide lock
 * (threads.c). */
void clout_i_igraph_lock(void);
void clout_i_igraph_unlock(void);

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

/* ---- the counter-based generator (rng.c) ---- */
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
/* checksum.c: a 64-bit checksum of a blob for damaged files (not forged ones), cut into pieces
 * of CLOUT_I_SUM_PIECE bytes from its start, each summed by clout_i_sum_piece and folded in
 * order into the running sum by clout_i_sum_fold (start from 0; blob after blob continue the
 * fold). clout_i_sum_blob does all of a blob, its pieces in parallel: the same value. */
#define CLOUT_I_SUM_PIECE ((size_t)1 << 20)
uint64_t clout_i_sum_piece(const void *data, size_t n);
uint64_t clout_i_sum_fold(uint64_t sum, uint64_t piece);
uint64_t clout_i_sum_blob(uint64_t sum, const void *data, size_t n);

/* ---- sorting (src/core/sort.c) ---- */
typedef struct {
    double x;  /* the value (finite, or at least not NaN) */
    int64_t i; /* what it belongs to */
} clout_i_keyed;
/* a[0..n) by x, ascending or descending, in O(n) (radix); stable: equal values keep their input
 * order. -0 comes back as +0. tmp: n records of workspace, and count CLOUT_I_SORT_COUNT of them,
 * or NULL for the call to allocate them (CLOUT_ERR_NOMEM if it cannot). */
#define CLOUT_I_SORT_COUNT (6 << 11)
int clout_i_sort_keyed(clout_i_keyed *a, int64_t n, bool desc, clout_i_keyed *tmp, int64_t *count,
                       char msg[CLOUT_MSG_LEN]);
#include "streams.h"
#endif
