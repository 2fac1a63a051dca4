/* store_internal.h: the graph store's internals (graph/store/), for the floors above it: id-map
 * hashing and blobs, CSR construction, borrowing and read-only views of GraphBLAS matrices,
 * transposes (not installed). */
#ifndef CLOUT_STORE_INTERNAL_H
#define CLOUT_STORE_INTERNAL_H
#include "core_internal.h"

/* ---- token hashing and id maps (idmap.c) ---- */
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
/* Build a loaded map's hash index now (it is otherwise built on the first lookup, where running
 * out of memory reads as "not found"): CLOUT_OK or CLOUT_ERR_NOMEM. */
int clout_i_idmap_index(const clout_idmap *map);
/* The blob and offsets (borrowed). */
void clout_i_idmap_blob(const clout_idmap *map, const char **blob, size_t *blob_len,
                        const int64_t **off);

/* ---- CSR construction (csr_build.c) ---- */
/* Sort (row[k], col[k]), k = 0..nnz-1, by row, then column, then k. ptr: nrows+1 offsets;
 * sorted: for each slot the column and the original k. Duplicates are adjacent, in input order. */
typedef struct {
    int64_t col, pos;
} clout_i_colpos;
int clout_i_csr_order(int64_t nrows, int64_t nnz, const int64_t *row, const int64_t *col,
                      int64_t **ptr, clout_i_colpos **sorted, char msg[CLOUT_MSG_LEN]);
/* The same without positions, for entries whose order among duplicates does not matter, in the
 * input's own memory (nrows < 2^32): *cols (32-bit columns, each row's sorted) is col's memory,
 * and row's is overwritten (scratch: free for the caller's next array); only ptr is allocated.
 * An edge list's builder has no fresh 8 bytes a tie to fault in. */
int clout_i_csr_sort_cols_inplace(int64_t nrows, int64_t nnz, int64_t *row, int64_t *col, int64_t **ptr,
                                  uint32_t **cols, char msg[CLOUT_MSG_LEN]);
/* Sort 64-bit keys ascending (LSD radix). */
int clout_i_sort_u64(uint64_t *a, int64_t n);
/* Pack CSR arrays (moved in: GraphBLAS takes ownership) into a new matrix. vals NULL: iso
 * value *iso_val. */
int clout_i_pack_csr(GrB_Matrix *A, GrB_Type type, int64_t nrows, int64_t ncols, uint64_t **ptr,
                     uint64_t **idx, void **vals, const void *iso_val, char msg[CLOUT_MSG_LEN]);
/* A matrix's CSR arrays (rows sorted). clout_i_csr_borrow lends them read-only and zero-copy:
 * a view in place when the matrix is sparse by row with no pending work (every matrix the store
 * packs is, and stays so), so the matrix is untouched and other threads may read it meanwhile;
 * otherwise they are unpacked, which leaves A empty until clout_i_csr_return packs them back.
 * clout_i_csr_take always unpacks: the caller may keep the arrays (then never returns them) or
 * write into them. Never write through a borrowed view. */
typedef struct clout_i_csr {
    uint64_t *ptr, *idx;
    void *vals;
    GrB_Index ptr_size, idx_size, vals_size;
    bool iso, jumbled;
    bool viewed;            /* a view: nothing to give back */
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
/* The rows' cut into those blocks: *nblk and lo[0..*nblk] (a function of n and maxblk only). */
int clout_i_split_rows(int64_t n, int maxblk, int *nblk, int64_t *lo);
/* PageRank's Gauss-Seidel blocks, at most (each of 4096 users or more); a snapshot that keeps
 * PageRank's layout is loaded into this many blocks */
#define CLOUT_I_PR_BLOCKS 32
/* The same blocks for a symmetric matrix (every tie stored both ways with one value), whose
 * transpose is itself: row j is old row ord[j] through newid, sorted (ord and newid required). */
int clout_i_csr_relabel_split(int64_t n, const uint64_t *ptr, const uint64_t *idx, const float *vals,
                              const uint32_t *ord, const uint32_t *newid, int maxblk, int *nblk, int64_t *lo,
                              uint64_t **bptr, uint64_t **bidx, void **bvals, bool wide, char msg[CLOUT_MSG_LEN]);
/* Users by degree (row length of ptr), ascending or descending, ties by index: ord[rank] = user,
 * newid[user] = rank. CLOUT_ERR_NOMEM or CLOUT_OK. */
int clout_i_degree_order(int64_t n, const uint64_t *ptr, bool descending, uint32_t *ord, uint32_t *newid);
/* PageRank's numbering of the users, which its layout (relabelled transpose) is written in:
 * clout_i_degree_order by decreasing out-degree. The snapshot names it CLOUT_I_PR_ORDER, so a
 * layout written in another numbering is never read as this one. */
#define CLOUT_I_PR_ORDER "out-degree descending, ties by user index"
static inline int clout_i_pagerank_order(int64_t n, const uint64_t *ptr, uint32_t *ord, uint32_t *newid)
{
    return clout_i_degree_order(n, ptr, true, ord, newid);
}
int clout_i_csr_borrow(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN]);
int clout_i_csr_take(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN]);
int clout_i_csr_return(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN]);

/* The undirected view of S (graph.c): *B = S itself when it holds both directions of every tie,
 * else the pattern of S + S' built into *U (free it; NULL otherwise). No self-loops either way. */
int clout_i_undirected_view(clout_graph *G, GrB_Matrix *U, GrB_Matrix *B, char msg[CLOUT_MSG_LEN]);
/* A graph made of its parts, moved in (the caller's pointers become NULL): the one place graphs
 * are put together (builder and snapshots). Metadata stays zero for the caller to fill. */
int clout_i_graph_assemble(clout_graph **G, GrB_Matrix *S, GrB_Matrix *R, GrB_Matrix *T, clout_idmap **users,
                           clout_idmap **items, bool directed, char msg[CLOUT_MSG_LEN]);

/* In-degrees are counted per thread while the threads' 32-bit counts take at most this many
 * bytes (default 256 MB), by atomic adds on one array beyond; tests set 0 to take that path. */
extern double clout_i_degree_count_bytes;

#endif
