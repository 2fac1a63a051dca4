/* csr_build.c: turning coordinate lists into sorted CSR order, and moving CSR arrays in and out
 * of GraphBLAS matrices without copies (GxB pack/unpack). */
#include "store_internal.h"
#include <omp.h>

typedef clout_i_colpos colpos;

int clout_i_sort_u64(uint64_t *a, int64_t n)
{
    /* LSD radix sort, 16 bits a pass, skipping passes above the largest key */
    uint64_t mx = 0;
    for (int64_t i = 0; i < n; i++) mx |= a[i];
    int bits = 0;
    while (bits < 64 && (mx >> bits) != 0) bits += 16;
    if (bits == 0) return CLOUT_OK;
    uint64_t *tmp = clout_i_malloc((size_t)n, sizeof(uint64_t));
    int64_t *cnt = clout_i_malloc(1 << 16, sizeof(int64_t));
    if (tmp == NULL || cnt == NULL) {
        free(tmp);
        free(cnt);
        return CLOUT_ERR_NOMEM;
    }
    uint64_t *src = a, *dst = tmp;
    for (int shift = 0; shift < bits; shift += 16) {
        memset(cnt, 0, (1 << 16) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) cnt[(src[i] >> shift) & 0xffff]++;
        int64_t run = 0;
        for (int b = 0; b < (1 << 16); b++) {
            int64_t c = cnt[b];
            cnt[b] = run;
            run += c;
        }
        for (int64_t i = 0; i < n; i++) dst[cnt[(src[i] >> shift) & 0xffff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(uint64_t));
    free(tmp);
    free(cnt);
    return CLOUT_OK;
}

static inline bool cp_less(colpos a, colpos b)
{
    return a.col < b.col || (a.col == b.col && a.pos < b.pos);
}

/* One template, typed sorts (igraph's .pmt idea): quicksort with median-of-three and an
 * insertion-sort finish, recursing on the smaller side so the depth stays logarithmic. With unique
 * keys (colpos carries its position) the order is the stable order by column. */
#define DEFINE_SORT(name, type, less)                                                     \
    static void name(type *a, int64_t n)                                                  \
    {                                                                                     \
        while (n > 24) {                                                                  \
            type x = a[0], y = a[n / 2], z = a[n - 1], piv;                               \
            if (less(x, y)) piv = less(y, z) ? y : (less(x, z) ? z : x);                  \
            else piv = less(x, z) ? x : (less(y, z) ? z : y);                             \
            int64_t i = 0, j = n - 1;                                                     \
            for (;;) {                                                                    \
                while (less(a[i], piv)) i++;                                              \
                while (less(piv, a[j])) j--;                                              \
                if (i >= j) break;                                                        \
                type t = a[i];                                                            \
                a[i] = a[j];                                                              \
                a[j] = t;                                                                 \
                i++;                                                                      \
                j--;                                                                      \
            }                                                                             \
            int64_t left = j + 1;                                                         \
            if (left < n - left) {                                                        \
                name(a, left);                                                            \
                a += left;                                                                \
                n -= left;                                                                \
            } else {                                                                      \
                name(a + left, n - left);                                                 \
                n = left;                                                                 \
            }                                                                             \
        }                                                                                 \
        for (int64_t i = 1; i < n; i++) {                                                 \
            type x = a[i];                                                                \
            int64_t j = i - 1;                                                            \
            while (j >= 0 && less(x, a[j])) {                                             \
                a[j + 1] = a[j];                                                          \
                j--;                                                                      \
            }                                                                             \
            a[j + 1] = x;                                                                 \
        }                                                                                 \
    }

static inline bool u32_less(uint32_t a, uint32_t b)
{
    return a < b;
}

DEFINE_SORT(sort_colpos, colpos, cp_less)
DEFINE_SORT(sort_u32, uint32_t, u32_less)

/* Stable bucketing by row, the part both sorts share. Block t of nt is the entry range
 * [nnz t / nt, nnz (t+1) / nt); on return p holds the row offsets and off[t * (nrows+1) + r] the
 * slot where block t writes its next entry of row r: blocks in order within each row, so the
 * scatter keeps input order. Per-block histograms cost nrows x nt words, so a single block is
 * used when that dwarfs the entries. */
static int bucket_rows(int64_t nrows, int64_t nnz, const int64_t *row, int *nt_out, int64_t **off_out, int64_t *p)
{
    int nt = omp_get_max_threads();
    if ((double)nrows * nt > 4.0 * (double)nnz + 1e6) nt = 1;
    int64_t *off = clout_i_calloc((size_t)(nrows + 1) * (size_t)nt, sizeof(int64_t));
    if (off == NULL) return CLOUT_ERR_NOMEM;
    /* block t of nt is a fixed entry range, whatever team runs the loop */
    #pragma omp parallel for schedule(static, 1) num_threads(nt) if (nnz > 50000)
    for (int t = 0; t < nt; t++) {
        int64_t lo = nnz * t / nt, hi = nnz * (t + 1) / nt;
        int64_t *c = off + (size_t)t * (size_t)(nrows + 1);
        for (int64_t k = lo; k < hi; k++) c[row[k]]++;
    }
    int used = nt;
    int64_t run = 0;
    for (int64_t r = 0; r < nrows; r++) {
        p[r] = run;
        for (int u = 0; u < used; u++) {
            int64_t *cu = off + (size_t)u * (size_t)(nrows + 1);
            int64_t v = cu[r];
            cu[r] = run;
            run += v;
        }
    }
    p[nrows] = run;
    *nt_out = used;
    *off_out = off;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(off);                                                                    \
        FREE_PTR(p);                                                                      \
        FREE_PTR(a);                                                                      \
    } while (0)

/* Bucket the entries by row (each thread its range, stably), then sort every row with sortfn;
 * PUT(a, d, k) stores entry k at slot d (a template: the in-place sort of columns below shares
 * the bucketing). */
#define DEFINE_ROW_ORDER(fname, type, PUT, sortfn)                                        \
    int fname(int64_t nrows, int64_t nnz, const int64_t *row, const int64_t *col, int64_t **ptr, type **out, \
              char msg[CLOUT_MSG_LEN])                                                    \
    {                                                                                     \
        int64_t *off = NULL, *p = NULL;                                                   \
        type *a = NULL;                                                                   \
        int nt;                                                                           \
        ALLOC_TRY(p, nrows + 1, int64_t);                                                 \
        ALLOC_TRY(a, nnz, type);                                                          \
        ASSERT_MSG(bucket_rows(nrows, nnz, row, &nt, &off, p) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory"); \
        _Pragma("omp parallel for schedule(static, 1) num_threads(nt) if (nt > 1 && nnz > 50000)") \
        for (int t = 0; t < nt; t++) {                                                    \
            int64_t lo = nnz * t / nt, hi = nnz * (t + 1) / nt, *c = off + (size_t)t * (size_t)(nrows + 1); \
            for (int64_t k = lo; k < hi; k++) {                                           \
                int64_t d = c[row[k]]++;                                                  \
                PUT(a, d, k);                                                             \
            }                                                                             \
        }                                                                                 \
        _Pragma("omp parallel for schedule(dynamic, 1024) if (nnz > 50000)")              \
        for (int64_t r = 0; r < nrows; r++) sortfn(a + p[r], p[r + 1] - p[r]);            \
        FREE_PTR(off);                                                                    \
        *ptr = p;                                                                         \
        *out = a;                                                                         \
        return CLOUT_OK;                                                                  \
    }

#define PUT_COLPOS(a, d, k) ((a)[d] = (colpos){col[k], (k)})
DEFINE_ROW_ORDER(clout_i_csr_order, clout_i_colpos, PUT_COLPOS, sort_colpos)

/* a row's columns (keys below 2^keybits) by LSD radix through tmp, with digits of about log2(n)
 * bits (at most 11): a pass costs the n keys twice and 2^digit counters */
#define RADIX_MIN 64
static void radix_u32(uint32_t *a, int64_t n, uint32_t *tmp, int keybits)
{
    int digit = 6;
    while (digit < 11 && ((int64_t)1 << (digit + 1)) <= n) digit++;
    int passes = (keybits + digit - 1) / digit;
    digit = passes ? (keybits + passes - 1) / passes : 1; /* even digits: no wasted bits */
    const uint32_t mask = (1u << digit) - 1;
    uint32_t *src = a, *dst = tmp;
    int64_t cnt[1 << 11];
    for (int shift = 0; shift < keybits; shift += digit) {
        memset(cnt, 0, ((size_t)1 << digit) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) cnt[src[i] >> shift & mask]++;
        int64_t run = 0;
        for (uint32_t d = 0; d <= mask; d++) {
            int64_t c = cnt[d];
            cnt[d] = run;
            run += c;
        }
        for (int64_t i = 0; i < n; i++) dst[cnt[src[i] >> shift & mask]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(uint32_t));
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(off);                                                                    \
        FREE_PTR(p);                                                                      \
    } while (0)

int clout_i_csr_sort_cols_inplace(int64_t nrows, int64_t nnz, int64_t *row, int64_t *col, int64_t **ptr,
                                  uint32_t **cols, char msg[CLOUT_MSG_LEN])
{
    int64_t *off = NULL, *p = NULL;
    int nt;
    ASSERT_MSG(nrows >= 0 && nrows <= (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "%lld rows: at most %u",
               (long long)nrows, UINT32_MAX);
    ALLOC_TRY(p, nrows + 1, int64_t);
    ASSERT_MSG(bucket_rows(nrows, nnz, row, &nt, &off, p) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    /* (row, col) packed into row's memory, which frees col's for the result */
    #pragma omp parallel for schedule(static) if (nnz > 50000)
    for (int64_t k = 0; k < nnz; k++) row[k] = (int64_t)((uint64_t)row[k] << 32 | (uint64_t)col[k]);
    uint32_t *a = (uint32_t *)col;
    #pragma omp parallel for schedule(static, 1) num_threads(nt) if (nt > 1 && nnz > 50000)
    for (int t = 0; t < nt; t++) {
        int64_t lo = nnz * t / nt, hi = nnz * (t + 1) / nt, *c = off + (size_t)t * (size_t)(nrows + 1);
        for (int64_t k = lo; k < hi; k++) {
            uint64_t rc = (uint64_t)row[k];
            a[c[rc >> 32]++] = (uint32_t)rc;
        }
    }
    int keybits = 0;
    while (keybits < 32 && ((uint64_t)(nrows > 0 ? nrows - 1 : 0) >> keybits) != 0) keybits++;
    #pragma omp parallel if (nnz > 50000)
    {
        uint32_t *tmp = NULL;
        int64_t tcap = 0;
        #pragma omp for schedule(dynamic, 1024)
        for (int64_t r = 0; r < nrows; r++) {
            int64_t len = p[r + 1] - p[r];
            if (len < 2) continue; /* sorted already (and a is NULL when there are no ties) */
            if (len >= RADIX_MIN && len > tcap) {
                free(tmp);
                tmp = clout_i_malloc((size_t)len, sizeof(uint32_t));
                tcap = tmp ? len : 0;
            }
            if (len >= RADIX_MIN && tmp) radix_u32(a + p[r], len, tmp, keybits);
            else sort_u32(a + p[r], len);
        }
        free(tmp);
    }
    FREE_PTR(off);
    *ptr = p;
    *cols = a;
    return CLOUT_OK;
}


#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_GRB(M);                                                                      \
        FREE_PTR(*ptr);                                                                   \
        FREE_PTR(*idx);                                                                   \
        if (vals) FREE_PTR(*vals);                                                        \
        FREE_PTR(iso_copy);                                                               \
    } while (0)

int clout_i_pack_csr(GrB_Matrix *A, GrB_Type type, int64_t nrows, int64_t ncols, uint64_t **ptr,
                     uint64_t **idx, void **vals, const void *iso_val, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix M = NULL;
    void *iso_copy = NULL;
    size_t tsize = 0;
    GRB_TRY(GxB_Type_size(&tsize, type));
    GRB_TRY(GrB_Matrix_new(&M, type, (GrB_Index)nrows, (GrB_Index)ncols));
    GRB_TRY(GxB_set(M, GxB_FORMAT, GxB_BY_ROW));
    /* always sparse by row: GraphBLAS never converts it, so its arrays can be viewed in place */
    GRB_TRY(GxB_set(M, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    uint64_t nnz = (*ptr)[nrows];
    GrB_Index ap = (GrB_Index)(nrows + 1) * sizeof(uint64_t);
    GrB_Index aj = (nnz ? nnz : 1) * sizeof(uint64_t);
    if (vals == NULL || *vals == NULL) {
        iso_copy = clout_i_malloc(tsize, 1);
        ASSERT_MSG(iso_copy != NULL, CLOUT_ERR_NOMEM, "out of memory");
        memcpy(iso_copy, iso_val, tsize);
        GRB_TRY(GxB_Matrix_pack_CSR(M, ptr, idx, &iso_copy, ap, aj, tsize, true, false, NULL));
    } else {
        GrB_Index ax = (nnz ? nnz : 1) * tsize;
        GRB_TRY(GxB_Matrix_pack_CSR(M, ptr, idx, vals, ap, aj, ax, false, false, NULL));
    }
    /* pack took ownership and set the pointers to NULL */
    *A = M;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

/* A zero-copy, read-only view through GraphBLAS's row iterator, whose attached state exposes the
 * arrays; false when A is not a sparse by-row matrix without pending work, which only an unpack
 * can fix. The matrix is not touched, so other threads may read it meanwhile. */
static bool view(GrB_Matrix A, clout_i_csr *c)
{
    GxB_Iterator it = NULL;
    int sparsity = 0;
    GxB_Format_Value fmt = GxB_BY_COL;
    if (GxB_Matrix_Option_get(A, GxB_SPARSITY_STATUS, &sparsity) != GrB_SUCCESS || sparsity != GxB_SPARSE ||
        GxB_Matrix_Option_get(A, GxB_FORMAT, &fmt) != GrB_SUCCESS || fmt != GxB_BY_ROW)
        return false;
    /* pending work (tuples, zombies, unsorted rows) would make attaching finish it, a write */
    bool done = false;
    if (GxB_Iterator_new(&it) != GrB_SUCCESS) return false;
    if (GxB_rowIterator_attach(it, A, NULL) == GrB_SUCCESS && it->A_sparsity == GxB_SPARSE && !it->by_col) {
        c->ptr = (uint64_t *)it->Ap;
        c->idx = (uint64_t *)it->Ai;
        c->vals = (void *)it->Ax;
        c->iso = it->iso;
        c->viewed = done = true;
    }
    GxB_Iterator_free(&it);
    return done;
}

int clout_i_csr_borrow(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN])
{
    memset(c, 0, sizeof(*c));
    GRB_TRY(GrB_Matrix_nrows(&c->nrows, A));
    GRB_TRY(GrB_Matrix_ncols(&c->ncols, A));
    GRB_TRY(GrB_Matrix_nvals(&c->nvals, A));
    if (view(A, c)) return CLOUT_OK;
    return clout_i_csr_take(A, c, msg);
}

int clout_i_csr_take(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN])
{
    memset(c, 0, sizeof(*c));
    GRB_TRY(GrB_Matrix_nrows(&c->nrows, A));
    GRB_TRY(GrB_Matrix_ncols(&c->ncols, A));
    GRB_TRY(GrB_Matrix_nvals(&c->nvals, A));
    GRB_TRY(GxB_set(A, GxB_FORMAT, GxB_BY_ROW));
    GRB_TRY(GxB_set(A, GxB_SPARSITY_CONTROL, GxB_SPARSE));
    GRB_TRY(GrB_Matrix_wait(A, GrB_MATERIALIZE));
    /* jumbled = NULL asks GraphBLAS for sorted rows */
    GRB_TRY(GxB_Matrix_unpack_CSR(A, &c->ptr, &c->idx, &c->vals, &c->ptr_size, &c->idx_size,
                                  &c->vals_size, &c->iso, NULL, NULL));
    c->jumbled = false;
    return CLOUT_OK;
}

int clout_i_csr_return(GrB_Matrix A, clout_i_csr *c, char msg[CLOUT_MSG_LEN])
{
    if (c->viewed) return CLOUT_OK;
    GRB_TRY(GxB_Matrix_pack_CSR(A, &c->ptr, &c->idx, &c->vals, c->ptr_size, c->idx_size,
                                c->vals_size, c->iso, c->jumbled, NULL));
    return CLOUT_OK;
}

/* ---- users ordered by degree ----
 * ord[r]: the user of rank r, newid[u]: u's rank, by row length ptr[u + 1] - ptr[u] ascending or
 * descending, ties by user index (a stable counting sort). */
int clout_i_degree_order(int64_t n, const uint64_t *ptr, bool descending, uint32_t *ord, uint32_t *newid)
{
    uint64_t maxd = 0;
    for (int64_t u = 0; u < n; u++)
        if (ptr[u + 1] - ptr[u] > maxd) maxd = ptr[u + 1] - ptr[u];
    uint64_t *cnt = clout_i_calloc((size_t)maxd + 1, sizeof(uint64_t));
    if (cnt == NULL) return CLOUT_ERR_NOMEM;
#define KEY(u) (descending ? maxd - (ptr[(u) + 1] - ptr[u]) : ptr[(u) + 1] - ptr[u])
    for (int64_t u = 0; u < n; u++) cnt[KEY(u)]++;
    uint64_t run = 0;
    for (uint64_t d = 0; d <= maxd; d++) {
        uint64_t c = cnt[d];
        cnt[d] = run;
        run += c;
    }
    for (int64_t u = 0; u < n; u++) {
        uint64_t r = cnt[KEY(u)]++;
        ord[r] = (uint32_t)u;
        newid[u] = (uint32_t)r;
    }
#undef KEY
    free(cnt);
    return CLOUT_OK;
}

/* The block layout both split functions share, after checking their arguments (what names the
 * caller in messages) and clearing the outputs: buckets of 2^shift result rows (at most 1024 of
 * them), and blocks of whole buckets: block k holds buckets kb[k] .. kb[k + 1] - 1, rows lo[k] ..
 * lo[k + 1] - 1; blk maps a bucket to its block. */
typedef struct {
    int shift, K;
    int64_t nb, kb[CLOUT_I_MAXBLK + 1];
    uint8_t blk[1024];
} split_layout;

#undef FREE_ALL
#define FREE_ALL

static int split_start(const char *what, int64_t n, int maxblk, int *nblk, int64_t *lo, uint64_t **bptr,
                       uint64_t **bidx, void **bvals, split_layout *L, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(maxblk >= 1 && maxblk <= CLOUT_I_MAXBLK, CLOUT_ERR_INVALID, "%s: %d blocks", what, maxblk);
    for (int k = 0; k < maxblk; k++) {
        bptr[k] = bidx[k] = NULL;
        if (bvals) bvals[k] = NULL;
    }
    ASSERT_MSG(n >= 0 && n <= (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "%s: %lld users, at most %u", what,
               (long long)n, UINT32_MAX);
    L->shift = 12;
    while (n > 0 && ((n - 1) >> L->shift) >= 1024) L->shift++;
    L->nb = n > 0 ? ((n - 1) >> L->shift) + 1 : 1;
    L->K = L->nb < maxblk ? (int)L->nb : maxblk;
    for (int k = 0; k <= L->K; k++) {
        L->kb[k] = L->nb * k / L->K;
        lo[k] = L->kb[k] << L->shift < n ? L->kb[k] << L->shift : n;
    }
    for (int k = 0; k < L->K; k++)
        for (int64_t b = L->kb[k]; b < L->kb[k + 1]; b++) L->blk[b] = (uint8_t)k;
    *nblk = L->K;
    return CLOUT_OK;
}

int clout_i_split_rows(int64_t n, int maxblk, int *nblk, int64_t *lo)
{
    split_layout L;
    char msg[CLOUT_MSG_LEN];
    uint64_t *bp[CLOUT_I_MAXBLK], *bi[CLOUT_I_MAXBLK];
    return split_start("split", n, maxblk, nblk, lo, bp, bi, NULL, &L, msg);
}

/* ---- transposing a square CSR, optionally relabelled ----
 * Two streaming passes instead of one scatter over the whole result (which misses the cache on
 * nearly every tie): the ties first go, in the order of their new source, to buckets of 2^shift
 * consecutive result rows, written straight into the result's arrays (bucket b's ties land in
 * the range its rows will occupy) with each thread filling its own slice of every bucket, so
 * that a bucket lists its ties in source order; then each bucket, copied to a scratch buffer, is
 * counting-sorted back into its rows. Threads get source ranges of equal tie counts. */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(cnt);                                                                    \
        FREE_PTR(bstart);                                                                 \
        FREE_PTR(rg);                                                                     \
        for (int k_ = 0; k_ < maxblk; k_++) {                                             \
            FREE_PTR(bptr[k_]);                                                           \
            FREE_PTR(bidx[k_]);                                                           \
            if (bvals) FREE_PTR(bvals[k_]);                                               \
        }                                                                                 \
    } while (0)

/* new source j's old id */
#define SRC(j) (ord ? (int64_t)ord[j] : (int64_t)(j))

int clout_i_csr_transpose_split(int64_t n, const uint64_t *ptr, const uint64_t *idx, const float *vals,
                                const uint32_t *ord, const uint32_t *newid, int maxblk, int *nblk, int64_t *lo,
                                uint64_t **bptr, uint64_t **bidx, void **bvals, bool wide, char msg[CLOUT_MSG_LEN])
{
    uint64_t *cnt = NULL, *bstart = NULL;
    int64_t *rg = NULL;
    split_layout L;
    int st = split_start("transpose", n, maxblk, nblk, lo, bptr, bidx, bvals, &L, msg);
    if (st < 0) return st; /* nothing held yet (and no outputs cleared when maxblk is bad) */
    ASSERT_MSG((ord == NULL) == (newid == NULL), CLOUT_ERR_INVALID, "transpose: ord and newid go together");
    uint64_t nnz = ptr[n];
    size_t vsz = wide ? sizeof(double) : sizeof(float);
    bool tv = bvals != NULL;
    const int shift = L.shift, K = L.K;
    const int64_t nb = L.nb, stride = nb + 8; /* + 8: no two threads' counters share a line */
    const int64_t *kb = L.kb;
    const uint8_t *blk = L.blk;
    for (int k = 0; k < K; k++) ALLOC_TRY(bptr[k], lo[k + 1] - lo[k] + 1, uint64_t);
    if (n == 0) {
        bptr[0][0] = 0;
        ALLOC_TRY(bidx[0], 1, uint64_t);
        if (tv) {
            bvals[0] = clout_i_malloc(1, vsz);
            ASSERT_MSG(bvals[0] != NULL, CLOUT_ERR_NOMEM, "out of memory");
        }
        return CLOUT_OK;
    }
    int nt = omp_get_max_threads();
    if (nnz < 50000) nt = 1;
    ALLOC_TRY(rg, nt + 1, int64_t);
    /* rg[t]: the first new source whose ties start at or after t / nt of all ties */
    {
        uint64_t run = 0;
        int t = 0;
        for (int64_t j = 0; j < n && t < nt; j++) {
            while (t < nt && run >= nnz * (uint64_t)t / (uint64_t)nt) rg[t++] = j;
            int64_t u = SRC(j);
            run += ptr[u + 1] - ptr[u];
        }
        while (t <= nt) rg[t++] = n;
    }
    CALLOC_TRY(cnt, (size_t)nt * (size_t)stride, uint64_t);
    ALLOC_TRY(bstart, nb + 1, uint64_t);
    bool nomem = false;
    uint64_t e0k[CLOUT_I_MAXBLK];     /* block k's first tie: bstart[kb[k]] */
    #pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        uint64_t *c = cnt + (size_t)t * (size_t)stride;
        int64_t j0 = rg[t], j1 = rg[t + 1];
/* prefetch the row pointers, then the row, of sources a few steps ahead (they are scattered
 * when the sources are relabelled) */
#define AHEAD(j)                                                                          \
    do {                                                                                  \
        if (ord && (j) + 16 < j1) __builtin_prefetch(ptr + ord[(j) + 16]);                \
        if (ord && (j) + 8 < j1) __builtin_prefetch(idx + ptr[ord[(j) + 8]]);             \
    } while (0)
        for (int64_t j = j0; j < j1; j++) {
            AHEAD(j);
            int64_t u = SRC(j);
            for (uint64_t k = ptr[u]; k < ptr[u + 1]; k++) c[(newid ? newid[idx[k]] : idx[k]) >> shift]++;
        }
        #pragma omp barrier
        #pragma omp single
        {
            uint64_t a = 0;
            for (int64_t b = 0; b < nb; b++) {
                bstart[b] = a;
                for (int q = 0; q < nt; q++) {
                    uint64_t x = cnt[(size_t)q * (size_t)stride + (size_t)b];
                    cnt[(size_t)q * (size_t)stride + (size_t)b] = a;
                    a += x;
                }
            }
            bstart[nb] = a;
            /* the blocks' arrays: a tie at global position at goes to at - e0k[k] of its block */
            for (int k = 0; k < K && !nomem; k++) {
                uint64_t e0 = bstart[kb[k]], ne = bstart[kb[k + 1]] - e0;
                bidx[k] = clout_i_malloc(ne ? ne : 1, sizeof(uint64_t));
                if (tv) bvals[k] = clout_i_malloc(ne ? ne : 1, vsz);
                if (bidx[k] == NULL || (tv && bvals[k] == NULL)) {
                    nomem = true;
                    break;
                }
                e0k[k] = e0;
                bptr[k][lo[k + 1] - lo[k]] = ne;
            }
        }
        /* the result's pages mapped by every thread, a slice each (one thread took as long as
         * the whole pass) */
        for (int k = 0; k < K && !nomem; k++) {
            size_t ne = (size_t)(bstart[kb[k + 1]] - bstart[kb[k]]);
            clout_i_prefault_part(bidx[k], ne * sizeof(uint64_t), t, nt);
            if (tv) clout_i_prefault_part(bvals[k], ne * vsz, t, nt);
        }
        /* bucket pass: (new row << 32 | new source) and the value, into the result's arrays */
        for (int64_t j = j0; j < j1 && !nomem; j++) {
            AHEAD(j);
            int64_t u = SRC(j);
            for (uint64_t k = ptr[u]; k < ptr[u + 1]; k++) {
                uint64_t v = newid ? newid[idx[k]] : idx[k];
                int q = blk[v >> shift];
                uint64_t at = c[v >> shift]++ - e0k[q];
                bidx[q][at] = v << 32 | (uint64_t)j;
                if (tv && wide) ((double *)bvals[q])[at] = vals ? (double)vals[k] : 1.0;
                if (tv && !wide) ((float *)bvals[q])[at] = vals ? vals[k] : 1.0f;
            }
        }
#undef AHEAD
        #pragma omp barrier
        /* each bucket: copy out, count its rows, place back in row order (stable: sources stay
         * ascending within a row) */
        uint64_t *lc = nomem ? NULL : clout_i_malloc(((size_t)1 << shift) + 1, sizeof(uint64_t)), *sk = NULL;
        char *sv = NULL;
        uint64_t scap = 0;
        if (lc == NULL) {
            #pragma omp atomic write
            nomem = true;
        }
        #pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < nb; b++) {
            uint64_t e0 = bstart[b], ne = bstart[b + 1] - e0;
            if (lc == NULL) continue;
            if (ne > scap) {
                free(sk);
                free(sv);
                sk = clout_i_malloc(ne, sizeof(uint64_t));
                sv = tv ? clout_i_malloc(ne, vsz) : NULL;
                scap = ne;
                if (sk == NULL || (tv && sv == NULL)) {
                    #pragma omp atomic write
                    nomem = true;
                    free(lc);
                    lc = NULL;
                    continue;
                }
            }
            /* in block q's arrays: positions from its first tie, rows from its first row */
            int q = blk[b];
            uint64_t *ti = bidx[q], *tp = bptr[q] + ((b << shift) - lo[q]);
            double *tvd = tv && wide ? (double *)bvals[q] : NULL;
            float *tvf = tv && !wide ? (float *)bvals[q] : NULL;
            int64_t r0 = b << shift, r1 = r0 + ((int64_t)1 << shift);
            if (r1 > n) r1 = n;
            e0 -= e0k[q];
            if (ne > 0) {
                memcpy(sk, ti + e0, ne * sizeof(uint64_t));
                if (tv) memcpy(sv, (char *)bvals[q] + e0 * vsz, ne * vsz);
            }
            memset(lc, 0, (size_t)(r1 - r0 + 1) * sizeof(uint64_t));
            for (uint64_t e = 0; e < ne; e++) lc[(int64_t)(sk[e] >> 32) - r0 + 1]++;
            lc[0] = e0;
            for (int64_t r = 0; r < r1 - r0; r++) {
                lc[r + 1] += lc[r];
                tp[r] = lc[r];
            }
            for (uint64_t e = 0; e < ne; e++) {
                uint64_t at = lc[(int64_t)(sk[e] >> 32) - r0]++;
                ti[at] = sk[e] & UINT32_MAX;
                if (tvd) tvd[at] = ((const double *)(const void *)sv)[e];
                if (tvf) tvf[at] = ((const float *)(const void *)sv)[e];
            }
        }
        free(lc);
        free(sk);
        free(sv);
    }
    ASSERT_MSG(!nomem, CLOUT_ERR_NOMEM, "out of memory");
    FREE_PTR(cnt);
    FREE_PTR(bstart);
    FREE_PTR(rg);
    return CLOUT_OK;
}

int clout_i_csr_transpose(int64_t n, const uint64_t *ptr, const uint64_t *idx, const float *vals,
                          const uint32_t *ord, const uint32_t *newid, uint64_t **tptr, uint64_t **tidx,
                          void **tvals, bool wide, char msg[CLOUT_MSG_LEN])
{
    int nblk;
    int64_t lo[2];
    return clout_i_csr_transpose_split(n, ptr, idx, vals, ord, newid, 1, &nblk, lo, tptr, tidx, tvals, wide, msg);
}
#undef SRC

/* ---- relabelling a symmetric CSR: its transpose without the scatter ----
 * When every tie is stored both ways with one value, the transpose's row v is v's own row, so
 * the relabelled transpose is the relabelled matrix: row j is old row ord[j] through newid,
 * sorted. Row pointers come from the degrees; S is read once, in its own order, each row
 * written where its new number puts it and sorted there: one pass instead of three, no scatter
 * of single ties. Each row is the work of one thread, so the result does not depend on the
 * thread count. */
static inline bool u64_less(uint64_t a, uint64_t b)
{
    return a < b;
}
DEFINE_SORT(sort_u64q, uint64_t, u64_less)
#define RANK_MAX 32

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        for (int k_ = 0; k_ < maxblk; k_++) {                                             \
            FREE_PTR(bptr[k_]);                                                           \
            FREE_PTR(bidx[k_]);                                                           \
            if (bvals) FREE_PTR(bvals[k_]);                                               \
        }                                                                                 \
    } while (0)

int clout_i_csr_relabel_split(int64_t n, const uint64_t *ptr, const uint64_t *idx, const float *vals,
                              const uint32_t *ord, const uint32_t *newid, int maxblk, int *nblk, int64_t *lo,
                              uint64_t **bptr, uint64_t **bidx, void **bvals, bool wide, char msg[CLOUT_MSG_LEN])
{
    /* the blocks of clout_i_csr_transpose_split */
    split_layout L;
    int st = split_start("relabel", n, maxblk, nblk, lo, bptr, bidx, bvals, &L, msg);
    if (st < 0) return st; /* nothing held yet (and no outputs cleared when maxblk is bad) */
    ASSERT_MSG(ord != NULL && newid != NULL, CLOUT_ERR_INVALID, "relabel: no order given");
    size_t vsz = wide ? sizeof(double) : sizeof(float);
    bool tv = bvals != NULL;
    const int shift = L.shift, K = L.K;
    const uint8_t *blk = L.blk;
    for (int k = 0; k < K; k++) {
        int64_t rows = lo[k + 1] - lo[k];
        ALLOC_TRY(bptr[k], rows + 1, uint64_t);
        uint64_t a = 0;
        for (int64_t r = 0; r < rows; r++) {
            bptr[k][r] = a;
            int64_t u = ord[lo[k] + r];
            a += ptr[u + 1] - ptr[u];
        }
        bptr[k][rows] = a;
        ALLOC_TRY(bidx[k], a ? a : 1, uint64_t);
        if (tv) {
            bvals[k] = clout_i_malloc(a ? a : 1, vsz);
            ASSERT_MSG(bvals[k] != NULL, CLOUT_ERR_NOMEM, "out of memory");
        }
    }
    if (n == 0) return CLOUT_OK;
    bool weighted = tv && vals != NULL;
    uint64_t nnz = ptr[n];
    #pragma omp parallel if (nnz >= 50000)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int k = 0; k < K; k++) {
            clout_i_prefault_part(bidx[k], (size_t)bptr[k][lo[k + 1] - lo[k]] * sizeof(uint64_t), t, nt);
            if (tv) clout_i_prefault_part(bvals[k], (size_t)bptr[k][lo[k + 1] - lo[k]] * vsz, t, nt);
        }
        #pragma omp barrier
        /* old rows in order (S read as it lies), each to its new place; a short row is placed
         * by ranks (each column counts the smaller ones: no branch to mispredict; the columns
         * of a row are distinct), a long one sorted */
        uint32_t key[RANK_MAX];
        #pragma omp for schedule(dynamic, 1024)
        for (int64_t u = 0; u < n; u++) {
            int64_t j = newid[u];
            int k = blk[j >> shift];
            int64_t r = j - lo[k];
            uint64_t s = ptr[u], len = ptr[u + 1] - s, at = bptr[k][r], *out = bidx[k] + at;
            double *vd = tv && wide ? (double *)bvals[k] + at : NULL;
            float *vf = tv && !wide ? (float *)bvals[k] + at : NULL;
            if (len <= RANK_MAX) {
                int m = (int)len;
                for (int e = 0; e < m; e++) key[e] = newid[idx[s + e]];
                for (int e = 0; e < m; e++) {
                    int rk = 0;
                    for (int f = 0; f < m; f++) rk += key[f] < key[e];
                    out[rk] = key[e];
                    float w = weighted ? vals[s + e] : 1.0f;
                    if (vd) vd[rk] = (double)w;
                    if (vf) vf[rk] = w;
                }
            } else if (weighted) {
                /* (new column, value's bits) sorted together, then split */
                for (uint64_t e = 0; e < len; e++) {
                    uint32_t bits;
                    memcpy(&bits, &vals[s + e], sizeof bits);
                    out[e] = (uint64_t)newid[idx[s + e]] << 32 | bits;
                }
                sort_u64q(out, (int64_t)len);
                for (uint64_t e = 0; e < len; e++) {
                    uint32_t bits = (uint32_t)out[e];
                    float w;
                    memcpy(&w, &bits, sizeof w);
                    if (vd) vd[e] = (double)w;
                    if (vf) vf[e] = w;
                    out[e] >>= 32;
                }
            } else {
                for (uint64_t e = 0; e < len; e++) out[e] = newid[idx[s + e]];
                sort_u64q(out, (int64_t)len);
                for (uint64_t e = 0; tv && e < len; e++) {
                    if (vd) vd[e] = 1.0;
                    if (vf) vf[e] = 1.0f;
                }
            }
        }
    }
    return CLOUT_OK;
}
