/* snapshot.c: .clout files. msgpack: ["CLOUT", version, {metadata, id maps, matrices}]; every
 * matrix is CSR arrays as little-endian bin blobs (column indices 32-bit when they fit).
 *
 * Writing uses msgpack-c's packer. Reading uses the small strict reader below instead of
 * msgpack-c's unpacker, because every length must be checked against the bytes that remain
 * before anything is allocated, and blobs are copied straight into the arrays GraphBLAS adopts. */
#include "io_internal.h"
#include "mpk_read.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <msgpack.h>
#include <msgpack/fbuffer.h>
#include <omp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .clout format stores little-endian arrays; this port needs byte swapping"
#endif

/* ================================================================== writing */

void clout_i_pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pack_bin(msgpack_packer *pk, const void *p, size_t n)
{
    msgpack_pack_bin(pk, n);
    msgpack_pack_bin_body(pk, p, n);
}

void clout_i_pack_idmap(msgpack_packer *pk, const char *key, const clout_idmap *map)
{
    const char *blob;
    size_t blen;
    const int64_t *off;
    clout_i_idmap_blob(map, &blob, &blen, &off);
    clout_i_pack_str(pk, key);
    msgpack_pack_map(pk, 3);
    clout_i_pack_str(pk, "count");
    msgpack_pack_int64(pk, clout_idmap_size(map));
    clout_i_pack_str(pk, "blob");
    pack_bin(pk, blob, blen);
    clout_i_pack_str(pk, "offsets");
    pack_bin(pk, off, (size_t)(clout_idmap_size(map) + 1) * sizeof(int64_t));
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(A, &c, msg);                                     \
        free(buf);                                                                        \
    } while (0)

/* sum (NULL: none) takes the checksum (clout_i_sum_*) of the ptr, idx and vals blobs as written,
 * in that order */
static int pack_matrix(msgpack_packer *pk, const char *key, GrB_Matrix A, uint64_t *sum, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr c;
    bool borrowed = false;
    uint32_t *buf = NULL;
    GrB_Type type;
    size_t tsize;
    GRB_TRY(GxB_Matrix_type(&type, A));
    GRB_TRY(GxB_Type_size(&tsize, type));
    TRY(clout_i_csr_borrow(A, &c, msg));
    borrowed = true;
    bool narrow = c.ncols <= UINT32_MAX;
    if (key) clout_i_pack_str(pk, key);
    msgpack_pack_map(pk, 8);
    clout_i_pack_str(pk, "nrows");
    msgpack_pack_uint64(pk, c.nrows);
    clout_i_pack_str(pk, "ncols");
    msgpack_pack_uint64(pk, c.ncols);
    clout_i_pack_str(pk, "nvals");
    msgpack_pack_uint64(pk, c.nvals);
    clout_i_pack_str(pk, "type");
    clout_i_pack_str(pk, type == GrB_FP32 ? "fp32" : "fp64");
    clout_i_pack_str(pk, "iso");
    if (c.iso) msgpack_pack_true(pk);
    else msgpack_pack_false(pk);
    clout_i_pack_str(pk, "ptr");
    pack_bin(pk, c.ptr, (size_t)(c.nrows + 1) * sizeof(uint64_t));
    if (sum) *sum = clout_i_sum_blob(*sum, c.ptr, (size_t)(c.nrows + 1) * sizeof(uint64_t));
    clout_i_pack_str(pk, narrow ? "idx32" : "idx64");
    if (narrow) {
        const size_t B = CLOUT_I_SUM_PIECE / 4; /* one checksum piece a buffer */
        ALLOC_TRY(buf, B, uint32_t);
        msgpack_pack_bin(pk, (size_t)c.nvals * 4);
        for (size_t k = 0; k < c.nvals; k += B) {
            size_t e = k + B < c.nvals ? k + B : c.nvals;
            for (size_t i = k; i < e; i++) buf[i - k] = (uint32_t)c.idx[i];
            msgpack_pack_bin_body(pk, buf, (e - k) * 4);
            if (sum) *sum = clout_i_sum_fold(*sum, clout_i_sum_piece(buf, (e - k) * 4));
        }
    } else {
        pack_bin(pk, c.idx, (size_t)c.nvals * sizeof(uint64_t));
        if (sum) *sum = clout_i_sum_blob(*sum, c.idx, (size_t)c.nvals * sizeof(uint64_t));
    }
    clout_i_pack_str(pk, "vals");
    pack_bin(pk, c.vals, (c.iso ? 1 : (size_t)c.nvals) * tsize);
    if (sum) *sum = clout_i_sum_blob(*sum, c.vals, (c.iso ? 1 : (size_t)c.nvals) * tsize);
    borrowed = false;
    TRY(clout_i_csr_return(A, &c, msg));
    FREE_ALL;
    return CLOUT_OK;
}

/* PageRank's layout: S transposed with the users in PageRank's numbering (clout_i_pagerank_order),
 * the relabelled transpose clout_pagerank builds, as one FP32 matrix (iso when S is). Its order is
 * named, so a reader that numbers users otherwise ignores it; sum_S (a checksum) ties it to the S
 * written before it, sum to itself. */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (borrowed) clout_i_csr_return(G->S, &cs, msg);                                 \
        FREE_PTR(ord);                                                                    \
        FREE_PTR(newid);                                                                  \
        FREE_PTR(tp);                                                                     \
        FREE_PTR(ti);                                                                     \
        FREE_PTR(tv);                                                                     \
        FREE_GRB(P);                                                                      \
    } while (0)

static int pack_pagerank(msgpack_packer *pk, const clout_graph *G, uint64_t sum_s, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr cs;
    bool borrowed = false;
    uint32_t *ord = NULL, *newid = NULL;
    uint64_t sum = 0;
    uint64_t *tp = NULL, *ti = NULL;
    void *tv = NULL;
    GrB_Matrix P = NULL;
    int64_t n = clout_graph_users(G);
    TRY(clout_i_csr_borrow(G->S, &cs, msg));
    borrowed = true;
    ALLOC_TRY(ord, n ? n : 1, uint32_t);
    ALLOC_TRY(newid, n ? n : 1, uint32_t);
    ASSERT_MSG(clout_i_pagerank_order(n, cs.ptr, ord, newid) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    const float *sw = cs.iso ? NULL : (const float *)cs.vals;
    TRY(clout_i_csr_transpose(n, cs.ptr, cs.idx, sw, ord, newid, &tp, &ti, sw ? &tv : NULL, false, msg));
    borrowed = false;
    TRY(clout_i_csr_return(G->S, &cs, msg));
    float one = 1;
    TRY(clout_i_pack_csr(&P, GrB_FP32, n, n, &tp, &ti, sw ? &tv : NULL, sw ? NULL : &one, msg));
    clout_i_pack_str(pk, "pagerank");
    msgpack_pack_map(pk, 4);
    clout_i_pack_str(pk, "order");
    clout_i_pack_str(pk, CLOUT_I_PR_ORDER);
    clout_i_pack_str(pk, "P");
    TRY(pack_matrix(pk, NULL, P, &sum, msg));
    clout_i_pack_str(pk, "sum_S");
    msgpack_pack_uint64(pk, sum_s);
    clout_i_pack_str(pk, "sum");
    msgpack_pack_uint64(pk, sum);
    FREE_ALL;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL clout_outfile_abort(&out)

int clout_snapshot_save(const clout_graph *G, const char *path, char msg[CLOUT_MSG_LEN])
{
    clout_outfile out = {0};
    TRY(clout_graph_check(G, msg));
    TRY(clout_outfile_open(&out, path, msg));
    msgpack_packer pk;
    msgpack_packer_init(&pk, out.f, msgpack_fbuffer_write);
    msgpack_pack_array(&pk, 3);
    clout_i_pack_str(&pk, "CLOUT");
    msgpack_pack_int(&pk, CLOUT_SNAPSHOT_VERSION);
    /* PageRank's layout is kept for at most 2^32 - 1 users (PageRank's limit) */
    bool keep_pr = G->keep_pagerank_layout && clout_graph_users(G) <= (int64_t)UINT32_MAX;
    msgpack_pack_map(&pk, 15 + (G->B ? 2 : 0) + (G->nactions > 0 ? 3 : 0) + (keep_pr ? 1 : 0));
    clout_i_pack_str(&pk, "directed");
    if (G->directed) msgpack_pack_true(&pk);
    else msgpack_pack_false(&pk);
    clout_i_pack_str(&pk, "users");
    msgpack_pack_int64(&pk, clout_graph_users(G));
    clout_i_pack_str(&pk, "items");
    msgpack_pack_int64(&pk, clout_graph_items(G));
    clout_i_pack_str(&pk, "social_edges");
    msgpack_pack_int64(&pk, clout_graph_social_edges(G));
    clout_i_pack_str(&pk, "interactions");
    msgpack_pack_int64(&pk, clout_graph_interactions(G));
    clout_i_pack_str(&pk, "self_loops_dropped");
    msgpack_pack_int64(&pk, G->self_loops_dropped);
    clout_i_pack_str(&pk, "bad_lines_skipped");
    msgpack_pack_int64(&pk, G->bad_lines_skipped);
    clout_i_pack_str(&pk, "action_weights");
    if (G->action_weights) clout_i_pack_str(&pk, G->action_weights);
    else msgpack_pack_nil(&pk);
    clout_i_pack_str(&pk, "sources");
    msgpack_pack_array(&pk, (size_t)G->nsources);
    for (int i = 0; i < G->nsources; i++) clout_i_pack_str(&pk, G->sources[i]);
    clout_i_pack_idmap(&pk, "user_ids", G->users);
    clout_i_pack_idmap(&pk, "item_ids", G->items);
    uint64_t sum_s = 0;
    TRY(pack_matrix(&pk, "S", G->S, keep_pr ? &sum_s : NULL, msg));
    if (keep_pr) TRY(pack_pagerank(&pk, G, sum_s, msg));
    TRY(pack_matrix(&pk, "R", G->R, NULL, msg));
    TRY(pack_matrix(&pk, "T", G->T, NULL, msg));
    if (G->nactions > 0) {
        clout_i_pack_str(&pk, "action_names");
        msgpack_pack_array(&pk, (size_t)G->nactions);
        for (int a = 0; a < G->nactions; a++) clout_i_pack_str(&pk, G->action_names[a]);
        clout_i_pack_str(&pk, "action_counts");
        msgpack_pack_array(&pk, (size_t)G->nactions);
        for (int a = 0; a < G->nactions; a++) TRY(pack_matrix(&pk, NULL, G->action_count[a], NULL, msg));
        clout_i_pack_str(&pk, "action_times");
        msgpack_pack_array(&pk, (size_t)G->nactions);
        for (int a = 0; a < G->nactions; a++) TRY(pack_matrix(&pk, NULL, G->action_time[a], NULL, msg));
    }
    if (G->B) {
        TRY(pack_matrix(&pk, "B", G->B, NULL, msg));
        clout_i_pack_str(&pk, "behaviour");
        if (G->behaviour) clout_i_pack_str(&pk, G->behaviour);
        else msgpack_pack_nil(&pk);
    }
    clout_i_pack_str(&pk, "writer");
    clout_i_pack_str(&pk, "clout " CLOUT_VERSION_STRING);
    TRY(clout_outfile_commit(&out, msg));
    return CLOUT_OK;
}

/* ================================================================== reading */

/* ---------------- matrices */

typedef struct {
    uint64_t nrows, ncols, nvals;
    bool iso, have[8];
    int type; /* 4: fp32, 8: fp64 */
    const uint8_t *ptr, *idx, *vals;
    uint64_t ptr_len, idx_len, vals_len;
    int idx_bytes;
} mat_desc;

static bool rd_matrix(clout_i_rd *r, mat_desc *m)
{
    uint64_t n;
    memset(m, 0, sizeof(*m));
    if (!clout_i_rd_container(r, true, &n)) return false;
    for (uint64_t i = 0; i < n; i++) {
        const char *k;
        size_t kl;
        if (!clout_i_rd_str(r, &k, &kl)) return false;
        bool ok;
        if (clout_i_key_is(k, kl, "nrows")) ok = clout_i_rd_uint(r, &m->nrows), m->have[0] = true;
        else if (clout_i_key_is(k, kl, "ncols")) ok = clout_i_rd_uint(r, &m->ncols), m->have[1] = true;
        else if (clout_i_key_is(k, kl, "nvals")) ok = clout_i_rd_uint(r, &m->nvals), m->have[2] = true;
        else if (clout_i_key_is(k, kl, "iso")) ok = clout_i_rd_bool(r, &m->iso), m->have[3] = true;
        else if (clout_i_key_is(k, kl, "type")) {
            const char *t;
            size_t tl;
            ok = clout_i_rd_str(r, &t, &tl);
            if (ok && clout_i_key_is(t, tl, "fp32")) m->type = 4;
            else if (ok && clout_i_key_is(t, tl, "fp64")) m->type = 8;
            else if (ok) RD_FAIL(r, "unknown matrix type '%.*s'", (int)(tl > 20 ? 20 : tl), t);
            m->have[4] = true;
        } else if (clout_i_key_is(k, kl, "ptr")) ok = clout_i_rd_bin(r, &m->ptr, &m->ptr_len), m->have[5] = true;
        else if (clout_i_key_is(k, kl, "idx32")) ok = clout_i_rd_bin(r, &m->idx, &m->idx_len), m->idx_bytes = 4, m->have[6] = true;
        else if (clout_i_key_is(k, kl, "idx64")) ok = clout_i_rd_bin(r, &m->idx, &m->idx_len), m->idx_bytes = 8, m->have[6] = true;
        else if (clout_i_key_is(k, kl, "vals")) ok = clout_i_rd_bin(r, &m->vals, &m->vals_len), m->have[7] = true;
        else ok = clout_i_rd_skip(r);
        if (!ok) return false;
    }
    for (int i = 0; i < 8; i++)
        if (!m->have[i]) RD_FAIL(r, "matrix is missing a part (nrows, ncols, nvals, iso, type, ptr, idx, vals)");
    if (m->nrows >= (UINT64_C(1) << 60) || m->ncols >= (UINT64_C(1) << 60)) RD_FAIL(r, "matrix dimension too large");
    if (m->ptr_len != (m->nrows + 1) * 8) RD_FAIL(r, "row pointer array has %llu bytes, expected %llu",
                                                  (unsigned long long)m->ptr_len,
                                                  (unsigned long long)((m->nrows + 1) * 8));
    if (m->nvals > m->idx_len || m->idx_len != m->nvals * (uint64_t)m->idx_bytes)
        RD_FAIL(r, "column index array has %llu bytes, expected %llu", (unsigned long long)m->idx_len,
                (unsigned long long)(m->nvals * (uint64_t)m->idx_bytes));
    uint64_t want = (m->iso ? 1 : m->nvals) * (uint64_t)m->type;
    if (m->vals_len != want) RD_FAIL(r, "value array has %llu bytes, expected %llu",
                                     (unsigned long long)m->vals_len, (unsigned long long)want);
    return true;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(Ap);                                                                     \
        FREE_PTR(Aj);                                                                     \
        FREE_PTR(Ax);                                                                     \
    } while (0)

/* Validate a matrix's arrays and hand them to GraphBLAS. Checks: ptr starts at 0, never
 * decreases, ends at nvals; columns in range and strictly increasing in each row; values finite
 * (weights also >= 0). */
/* Drop the pages of a read-only file mapping that were consumed: they count toward the process's
 * memory while the adopted copies fill up (the file stays mapped; the pages would fault back in). */
static void release_mapped(const uint8_t *p, size_t bytes)
{
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (e > a) madvise((void *)a, e - a, MADV_DONTNEED);
}

/* dst[0..n) = the n little-endian integers of isz (4 or 8) bytes at src, widened to 64 bits, or
 * bytes copied as they are (isz 1). The threads each map their own slice of dst's fresh pages and
 * fill it: zeroing the pages is most of a load's work, and one thread doing it all (as a single
 * MADV_POPULATE_WRITE or first touches in a serial copy) left the other threads idle. */
static void copy_in(void *dst, const uint8_t *src, size_t n, int isz)
{
    #pragma omp parallel if (n * (isz == 4 ? 8u : (size_t)isz) > (4u << 20))
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        size_t a = n * (size_t)t / (size_t)nt, b = n * (size_t)(t + 1) / (size_t)nt;
        if (isz == 4) {
            uint64_t *d = dst;
            clout_i_prefault(d + a, (b - a) * 8);
            for (size_t k = a; k < b; k++) {
                uint32_t v;
                memcpy(&v, src + 4 * k, 4);
                d[k] = v;
            }
        } else {
            size_t w = (size_t)isz;
            clout_i_prefault((char *)dst + a * w, (b - a) * w);
            memcpy((char *)dst + a * w, src + a * w, (b - a) * w);
        }
    }
}

/* row pointers p[0..nrows] start at 0, never decrease and end at nvals */
static bool ptr_spans(const uint64_t *p, uint64_t nrows, uint64_t nvals)
{
    bool ok = p[0] == 0 && p[nrows] == nvals;
    for (uint64_t i = 0; i < nrows && ok; i++) ok = p[i] <= p[i + 1];
    return ok;
}

static int make_matrix(const mat_desc *m, const char *name, const char *what, uint64_t nrows,
                       uint64_t ncols, int type, bool nonneg, bool mapped, GrB_Matrix *A, char msg[CLOUT_MSG_LEN])
{
    uint64_t *Ap = NULL, *Aj = NULL;
    void *Ax = NULL;
    ASSERT_MSG(m->nrows == nrows && m->ncols == ncols, CLOUT_ERR_DATA,
               "%s: matrix %s is %llux%llu, expected %llux%llu", name, what, (unsigned long long)m->nrows,
               (unsigned long long)m->ncols, (unsigned long long)nrows, (unsigned long long)ncols);
    ASSERT_MSG(m->type == type, CLOUT_ERR_DATA, "%s: matrix %s has the wrong value type", name, what);
    ALLOC_TRY(Ap, nrows + 1, uint64_t);
    copy_in(Ap, m->ptr, (nrows + 1) * 8, 1);
    ASSERT_MSG(ptr_spans(Ap, nrows, m->nvals), CLOUT_ERR_DATA,
               "%s: matrix %s: row pointers do not rise from 0 to its %llu entries", name, what,
               (unsigned long long)m->nvals);
    ALLOC_TRY(Aj, m->nvals ? m->nvals : 1, uint64_t);
    /* in chunks: map a chunk of the copy, fill it, drop the file pages it came from, so the file
     * and its copy are never both resident in full */
    const int64_t chunk = (int64_t)1 << 21;
    for (int64_t c0 = 0; c0 < (int64_t)m->nvals; c0 += chunk) {
        int64_t c1 = c0 + chunk < (int64_t)m->nvals ? c0 + chunk : (int64_t)m->nvals;
        if (m->idx_bytes == 8) copy_in(Aj + c0, m->idx + 8 * (size_t)c0, (size_t)(c1 - c0) * 8, 1);
        else copy_in(Aj + c0, m->idx + 4 * (size_t)c0, (size_t)(c1 - c0), 4);
        if (mapped) release_mapped(m->idx + (size_t)m->idx_bytes * (size_t)c0, (size_t)(c1 - c0) * (size_t)m->idx_bytes);
    }
    int64_t bad_row = -1;
    #pragma omp parallel for schedule(dynamic, 4096) reduction(max : bad_row) if (m->nvals > 1000000)
    for (int64_t i = 0; i < (int64_t)nrows; i++) {
        for (uint64_t k = Ap[i]; k < Ap[i + 1]; k++)
            if (Aj[k] >= ncols || (k > Ap[i] && Aj[k] <= Aj[k - 1])) {
                bad_row = i > bad_row ? i : bad_row;
                break;
            }
    }
    ASSERT_MSG(bad_row < 0, CLOUT_ERR_DATA,
               "%s: matrix %s, row %lld: column indices out of range or not strictly increasing", name, what,
               (long long)bad_row);
    uint64_t nx = m->iso ? 1 : m->nvals;
    ALLOC_TRY(Ax, (nx ? nx : 1) * (size_t)type, uint8_t);
    copy_in(Ax, m->vals, nx * (size_t)type, 1);
    if (mapped) release_mapped(m->vals, nx * (size_t)type);
    int64_t bad_val = -1;
    #pragma omp parallel for schedule(static) reduction(max : bad_val) if (nx > 1000000)
    for (int64_t k = 0; k < (int64_t)nx; k++) {
        double v = type == 4 ? (double)((float *)Ax)[k] : ((double *)Ax)[k];
        if (!isfinite(v) || (nonneg && v < 0)) bad_val = k > bad_val ? k : bad_val;
    }
    ASSERT_MSG(bad_val < 0, CLOUT_ERR_DATA, "%s: matrix %s holds a value that is %s", name, what,
               nonneg ? "negative, infinite or NaN" : "infinite or NaN");
    if (m->iso) {
        char iso_val[8];
        memcpy(iso_val, Ax, (size_t)type);
        FREE_PTR(Ax);
        TRY(clout_i_pack_csr(A, type == 4 ? GrB_FP32 : GrB_FP64, (int64_t)nrows, (int64_t)ncols, &Ap, &Aj, NULL,
                             iso_val, msg));
    } else {
        TRY(clout_i_pack_csr(A, type == 4 ? GrB_FP32 : GrB_FP64, (int64_t)nrows, (int64_t)ncols, &Ap, &Aj, &Ax,
                             NULL, msg));
    }
    return CLOUT_OK;
}

/* ---------------- PageRank's layout */

typedef struct {
    bool have, known; /* known: in the order this clout numbers users */
    uint64_t sum_s, sum;
    bool have_sum_s, have_sum;
    mat_desc P;
} pr_desc;

static bool rd_pagerank(clout_i_rd *r, pr_desc *d)
{
    uint64_t n;
    bool have_p = false;
    memset(d, 0, sizeof(*d));
    if (!clout_i_rd_container(r, true, &n)) return false;
    for (uint64_t i = 0; i < n; i++) {
        const char *k;
        size_t kl;
        if (!clout_i_rd_str(r, &k, &kl)) return false;
        bool ok;
        if (clout_i_key_is(k, kl, "order")) {
            const char *t;
            size_t tl;
            ok = clout_i_rd_str(r, &t, &tl);
            d->known = ok && clout_i_key_is(t, tl, CLOUT_I_PR_ORDER);
        } else if (clout_i_key_is(k, kl, "P") && !have_p) ok = have_p = rd_matrix(r, &d->P);
        else if (clout_i_key_is(k, kl, "sum_S")) ok = clout_i_rd_uint(r, &d->sum_s), d->have_sum_s = true;
        else if (clout_i_key_is(k, kl, "sum")) ok = clout_i_rd_uint(r, &d->sum), d->have_sum = true;
        else ok = clout_i_rd_skip(r);
        if (!ok) return false;
    }
    if (!have_p || !d->have_sum_s || !d->have_sum) RD_FAIL(r, "PageRank's layout is missing a part (P, sum_S, sum)");
    d->have = true;
    return true;
}

/* the checksum of the blobs ptr, idx and vals of m, in that order */
static uint64_t sum_matrix(const mat_desc *m)
{
    uint64_t sum = clout_i_sum_blob(0, m->ptr, m->ptr_len);
    sum = clout_i_sum_blob(sum, m->idx, m->idx_len);
    return clout_i_sum_blob(sum, m->vals, m->vals_len);
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(pp);                                                                     \
        FREE_PTR(part);                                                                   \
        for (int b_ = 0; b_ < CLOUT_I_PR_BLOCKS; b_++) {                                  \
            FREE_PTR(bp[b_]);                                                             \
            FREE_PTR(bi[b_]);                                                             \
            FREE_PTR(bw[b_]);                                                             \
        }                                                                                 \
    } while (0)

/* PageRank's layout of S (described by ms; S's checksum already checked) into g's blocks of rows,
 * as clout_pagerank wants them, in one pass over its index blob and one over its value blob: the
 * checksum's pieces in parallel, each summed, widened into the blocks' arrays (a piece may span
 * two blocks) and checked (indices in range and strictly increasing in each row, weights finite
 * and >= 0); the pieces' sums are folded in order at the end. An iso S
 * gives iso blocks of 1. */
static int make_pagerank(const pr_desc *d, const mat_desc *ms, const char *name, uint64_t n, bool mapped,
                         clout_graph *g, char msg[CLOUT_MSG_LEN])
{
    uint64_t *pp = NULL, *part = NULL, *bp[CLOUT_I_PR_BLOCKS] = {NULL}, *bi[CLOUT_I_PR_BLOCKS] = {NULL};
    double *bw[CLOUT_I_PR_BLOCKS] = {NULL};
    double t0 = clout_now();
    const mat_desc *m = &d->P;
    ASSERT_MSG(m->nrows == n && m->ncols == n && m->type == 4 && m->nvals == ms->nvals && m->iso == ms->iso &&
                   n <= UINT32_MAX,
               CLOUT_ERR_DATA, "%s: PageRank's layout does not have the shape, type or entries of S", name);
    ALLOC_TRY(pp, n + 1, uint64_t);
    memcpy(pp, m->ptr, (n + 1) * 8);
    ASSERT_MSG(ptr_spans(pp, n, m->nvals), CLOUT_ERR_DATA,
               "%s: PageRank's layout: row pointers do not rise from 0 to its entries", name);
    int nb;
    int64_t lo[CLOUT_I_PR_BLOCKS + 1];
    uint64_t es[CLOUT_I_PR_BLOCKS + 1]; /* block b's entries: es[b] .. es[b + 1] - 1 */
    TRY(clout_i_split_rows((int64_t)n, CLOUT_I_PR_BLOCKS, &nb, lo));
    for (int b = 0; b <= nb; b++) es[b] = pp[lo[b]];
    for (int b = 0; b < nb; b++) {
        int64_t rows = lo[b + 1] - lo[b];
        uint64_t ne = es[b + 1] - es[b];
        ALLOC_TRY(bp[b], rows + 1, uint64_t);
        for (int64_t i = 0; i <= rows; i++) bp[b][i] = pp[lo[b] + i] - es[b];
        ALLOC_TRY(bi[b], ne ? ne : 1, uint64_t);
        if (!m->iso) ALLOC_TRY(bw[b], ne ? ne : 1, double);
    }
    const int isz = m->idx_bytes;
    const uint64_t nv = m->nvals, ipc = CLOUT_I_SUM_PIECE / (size_t)isz, vpc = CLOUT_I_SUM_PIECE / 4;
    const int64_t npi = (int64_t)((nv + ipc - 1) / ipc), npv = m->iso ? 0 : (int64_t)((nv + vpc - 1) / vpc);
    ALLOC_TRY(part, (size_t)(npi + npv + 1), uint64_t);
    int64_t bad_row = -1, bad_val = -1;
    #pragma omp parallel
    {
        #pragma omp for schedule(dynamic, 1) reduction(max : bad_row) nowait
        for (int64_t q = 0; q < npi; q++) {
            uint64_t a = (uint64_t)q * ipc, e = a + ipc < nv ? a + ipc : nv;
            const uint8_t *src = m->idx + (size_t)isz * a;
            part[q] = clout_i_sum_piece(src, (e - a) * (size_t)isz);
            int b = 0;
            while (es[b + 1] <= a) b++;
            for (uint64_t k = a; k < e; b++) {
                uint64_t stop = es[b + 1] < e ? es[b + 1] : e, *dst = bi[b], e0 = es[b];
                if (isz == 4)
                    for (; k < stop; k++) {
                        uint32_t v;
                        memcpy(&v, m->idx + 4 * k, 4);
                        dst[k - e0] = v;
                    }
                else
                    for (; k < stop; k++) memcpy(&dst[k - e0], m->idx + 8 * k, 8);
            }
            /* checked on the file's copy (an entry before a may be another thread's to widen):
             * the rows over a..e, from r, the row holding a, the last whose start is <= a */
            uint64_t lo_r = 0, hi_r = n;
            while (hi_r - lo_r > 1) {
                uint64_t mid = lo_r + (hi_r - lo_r) / 2;
                if (pp[mid] <= a) lo_r = mid;
                else hi_r = mid;
            }
            for (uint64_t r = lo_r; r < n && pp[r] < e; r++) {
                uint64_t s0 = pp[r] > a ? pp[r] : a, s1 = pp[r + 1] < e ? pp[r + 1] : e;
                for (uint64_t k = s0; k < s1; k++) {
                    uint64_t v = 0, u = 0;
                    memcpy(&v, m->idx + (size_t)isz * k, (size_t)isz);
                    if (k > pp[r]) memcpy(&u, m->idx + (size_t)isz * (k - 1), (size_t)isz);
                    if (v >= n || (k > pp[r] && v <= u)) {
                        bad_row = (int64_t)r > bad_row ? (int64_t)r : bad_row;
                        break;
                    }
                }
            }
        }
        #pragma omp for schedule(dynamic, 1) reduction(max : bad_val)
        for (int64_t q = 0; q < npv; q++) {
            uint64_t a = (uint64_t)q * vpc, e = a + vpc < nv ? a + vpc : nv;
            const uint8_t *src = m->vals + 4 * a;
            part[npi + q] = clout_i_sum_piece(src, (e - a) * 4);
            int b = 0;
            while (es[b + 1] <= a) b++;
            for (uint64_t k = a; k < e; b++) {
                uint64_t stop = es[b + 1] < e ? es[b + 1] : e, e0 = es[b];
                double *dst = bw[b];
                for (; k < stop; k++) {
                    float v;
                    memcpy(&v, m->vals + 4 * k, 4);
                    dst[k - e0] = v;
                    if (!isfinite(v) || v < 0) bad_val = (int64_t)k;
                }
            }
        }
    }
    /* the file's pages are dropped after the pass (a piece's checks read the entry before it) */
    if (mapped) release_mapped(m->idx, nv * (size_t)isz);
    if (mapped && !m->iso) release_mapped(m->vals, nv * 4);
    ASSERT_MSG(bad_row < 0, CLOUT_ERR_DATA,
               "%s: PageRank's layout, row %lld: column indices out of range or not strictly increasing", name,
               (long long)bad_row);
    ASSERT_MSG(bad_val < 0, CLOUT_ERR_DATA, "%s: PageRank's layout holds a weight that is negative, infinite or NaN",
               name);
    /* the whole checksum: ptr, then the index pieces, then the value blob */
    uint64_t sum = clout_i_sum_blob(0, m->ptr, m->ptr_len);
    for (int64_t q = 0; q < npi; q++) sum = clout_i_sum_fold(sum, part[q]);
    if (m->iso) sum = clout_i_sum_blob(sum, m->vals, m->vals_len);
    for (int64_t q = 0; q < npv; q++) sum = clout_i_sum_fold(sum, part[npi + q]);
    ASSERT_MSG(sum == d->sum, CLOUT_ERR_DATA, "%s: PageRank's layout fails its checksum: the file is damaged", name);
    g->pagerank_blocks = clout_i_calloc((size_t)nb, sizeof(GrB_Matrix));
    ASSERT_MSG(g->pagerank_blocks != NULL, CLOUT_ERR_NOMEM, "out of memory");
    g->pagerank_nblocks = nb;
    double one = 1;
    for (int b = 0; b < nb; b++)
        TRY(clout_i_pack_csr(&g->pagerank_blocks[b], GrB_FP64, lo[b + 1] - lo[b], (int64_t)n, &bp[b], &bi[b],
                             m->iso ? NULL : (void **)&bw[b], m->iso ? &one : NULL, msg));
    FREE_ALL;
    g->pagerank_load_seconds = clout_now() - t0;
    return CLOUT_OK;
}

/* ---------------- id maps */



bool clout_i_rd_ids(clout_i_rd *r, clout_i_ids_desc *d)
{
    uint64_t n;
    memset(d, 0, sizeof(*d));
    if (!clout_i_rd_container(r, true, &n)) return false;
    int got = 0;
    for (uint64_t i = 0; i < n; i++) {
        const char *k;
        size_t kl;
        if (!clout_i_rd_str(r, &k, &kl)) return false;
        bool ok;
        if (clout_i_key_is(k, kl, "count")) ok = clout_i_rd_uint(r, &d->count), got |= 1;
        else if (clout_i_key_is(k, kl, "blob")) ok = clout_i_rd_bin(r, &d->blob, &d->blob_len), got |= 2;
        else if (clout_i_key_is(k, kl, "offsets")) ok = clout_i_rd_bin(r, &d->off, &d->off_len), got |= 4;
        else ok = clout_i_rd_skip(r);
        if (!ok) return false;
    }
    if (got != 7) RD_FAIL(r, "id map is missing count, blob or offsets");
    if (d->count >= (UINT64_C(1) << 40) || d->off_len != (d->count + 1) * 8)
        RD_FAIL(r, "id map offsets have %llu bytes for %llu ids", (unsigned long long)d->off_len,
                (unsigned long long)d->count);
    d->have = true;
    return true;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(blob);                                                                   \
        FREE_PTR(off);                                                                    \
    } while (0)

int clout_i_make_idmap(const clout_i_ids_desc *d, const char *name, const char *what, clout_idmap **map,
                      char msg[CLOUT_MSG_LEN])
{
    char *blob = NULL;
    int64_t *off = NULL;
    int64_t n = (int64_t)d->count;
    ALLOC_TRY(off, n + 1, int64_t);
    memcpy(off, d->off, (size_t)(n + 1) * 8);
    ALLOC_TRY(blob, d->blob_len ? d->blob_len : 1, char);
    memcpy(blob, d->blob, d->blob_len);
    ASSERT_MSG(off[0] == 0 && off[n] == (int64_t)d->blob_len, CLOUT_ERR_DATA,
               "%s: %s ids: offsets do not span the blob", name, what);
    for (int64_t i = 0; i < n; i++) {
        int64_t a = off[i], b = off[i + 1];
        ASSERT_MSG(b > a + 1 && b <= (int64_t)d->blob_len && b - a - 1 <= CLOUT_MAX_TOKEN, CLOUT_ERR_DATA,
                   "%s: %s id %lld: bad length", name, what, (long long)i);
        ASSERT_MSG(blob[b - 1] == '\0' && memchr(blob + a, '\0', (size_t)(b - a - 1)) == NULL, CLOUT_ERR_DATA,
                   "%s: %s id %lld is not a NUL-terminated token", name, what, (long long)i);
    }
    TRY(clout_i_idmap_from_blob(map, &blob, d->blob_len, &off, n, msg));
    return CLOUT_OK;
}

/* What the format cannot say by itself but every algorithm assumes: S has no self-loops (ingest
 * drops them), and an undirected graph holds both directions of every tie with one weight. */
#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (viewed) clout_i_csr_return(*S, &c, msg2);                                     \
        FREE_PTR(tp);                                                                     \
        FREE_PTR(ti);                                                                     \
        FREE_PTR(tv);                                                                     \
    } while (0)

/* S's ties checked: no self-loops, and for an undirected graph each tie both ways with one
 * weight. Files written before ingest combined a tie's lines in one order for both directions may
 * hold the two weights apart by a float rounding: they load with the upper triangle's weight
 * copied onto the lower (*S replaced), so that S is exactly symmetric, as every reader assumes. */
static int check_ties(GrB_Matrix *S, const char *label, bool directed, const char *name, char msg[CLOUT_MSG_LEN])
{
    clout_i_csr c;
    bool viewed = false;
    uint64_t *tp = NULL, *ti = NULL;
    float *tv = NULL;
    char msg2[CLOUT_MSG_LEN];
    TRY(clout_i_csr_borrow(*S, &c, msg));
    viewed = true;
    for (uint64_t r = 0; r < c.nrows; r++)
        for (uint64_t k = c.ptr[r]; k < c.ptr[r + 1]; k++)
            ASSERT_MSG(c.idx[k] != r, CLOUT_ERR_DATA, "%s: %s holds a self-loop of user %llu, which no input can give",
                       name, label, (unsigned long long)r);
    if (!directed) {
        const float *w = c.iso ? NULL : (const float *)c.vals;
        TRY(clout_i_csr_transpose((int64_t)c.nrows, c.ptr, c.idx, w, NULL, NULL, &tp, &ti, w ? (void **)&tv : NULL,
                                  false, msg));
        bool same = memcmp(tp, c.ptr, (c.nrows + 1) * sizeof(uint64_t)) == 0 &&
                    memcmp(ti, c.idx, c.nvals * sizeof(uint64_t)) == 0;
        bool exact = true;
        for (uint64_t k = 0; same && w != NULL && k < c.nvals; k++) {
            same = fabsf(tv[k] - w[k]) <= 1e-5f * fmaxf(fabsf(tv[k]), fabsf(w[k]));
            exact = exact && tv[k] == w[k];
        }
        ASSERT_MSG(same, CLOUT_ERR_DATA,
                   "%s: the graph says it is undirected, but S does not hold both directions of every tie alike", name);
        if (w != NULL && !exact) {
            /* tv[k] is the weight of the mirror tie: kept where the row is the larger end */
            for (uint64_t r = 0; r < c.nrows; r++)
                for (uint64_t k = c.ptr[r]; k < c.ptr[r + 1]; k++)
                    if (c.idx[k] > r) tv[k] = w[k];
            viewed = false;
            TRY(clout_i_csr_return(*S, &c, msg));
            GrB_Index n = c.nrows;
            float one = 1.0f;
            GrB_Matrix T = NULL;
            TRY(clout_i_pack_csr(&T, GrB_FP32, (int64_t)n, (int64_t)n, &tp, &ti, (void **)&tv, &one, msg));
            GrB_Matrix_free(S);
            *S = T;
        }
    }
    FREE_ALL;
    return CLOUT_OK;
}

/* ---------------- the file */

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_graph_free(&g);                                                             \
        clout_idmap_free(&users);                                                         \
        clout_idmap_free(&items);                                                         \
        FREE_GRB(S);                                                                      \
        FREE_GRB(R);                                                                      \
        FREE_GRB(T);                                                                      \
        FREE_GRB(B);                                                                      \
        free(aw);                                                                         \
        free(bdesc);                                                                      \
        for (int a_ = 0; a_ < CLOUT_MAX_ACTIONS; a_++) {                                  \
            free(anames[a_]);                                                             \
            FREE_GRB(AC[a_]);                                                             \
            FREE_GRB(AT[a_]);                                                             \
        }                                                                                 \
        free(amc);                                                                        \
        if (srcs)                                                                         \
            for (uint64_t k_ = 0; k_ < nsrc; k_++) free(srcs[k_]);                        \
        free(srcs);                                                                       \
    } while (0)

#define RD_TRY(call)                                                                      \
    do {                                                                                  \
        if (!(call)) {                                                                    \
            FREE_ALL;                                                                     \
            return CLOUT_ERR_DATA;                                                        \
        }                                                                                 \
    } while (0)

static int load_mem(clout_graph **G, const char *name, const uint8_t *data, size_t len, bool mapped,
                    unsigned parts, char msg[CLOUT_MSG_LEN]);

int clout_snapshot_load_mem(clout_graph **G, const char *name, const uint8_t *data, size_t len,
                            char msg[CLOUT_MSG_LEN])
{
    return load_mem(G, name, data, len, false, 0, msg);
}

int clout_snapshot_load_mem_parts(clout_graph **G, const char *name, const uint8_t *data, size_t len,
                                  unsigned parts, char msg[CLOUT_MSG_LEN])
{
    return load_mem(G, name, data, len, false, parts, msg);
}

/* mapped: data is a private read-only file mapping whose consumed pages may be dropped */
static int load_mem(clout_graph **G, const char *name, const uint8_t *data, size_t len, bool mapped,
                    unsigned parts, char msg[CLOUT_MSG_LEN])
{
    clout_graph *g = NULL;
    clout_idmap *users = NULL, *items = NULL;
    GrB_Matrix S = NULL, R = NULL, T = NULL, B = NULL;
    char *aw = NULL, *bdesc = NULL, **srcs = NULL;
    uint64_t nsrc = 0;
    /* action types: names, then count and time matrices (descriptions first, built at the end) */
    char *anames[CLOUT_MAX_ACTIONS] = {0};
    GrB_Matrix AC[CLOUT_MAX_ACTIONS] = {0}, AT[CLOUT_MAX_ACTIONS] = {0};
    mat_desc *amc = NULL; /* 2 x CLOUT_MAX_ACTIONS: counts, then times */
    uint64_t nan_ = 0, nac = 0, nat = 0;
    clout_i_rd r = {data, data + len, name, data, msg, 0};
    ASSERT_MSG((parts & ~CLOUT_LOAD_PAGERANK) == 0, CLOUT_ERR_INVALID, "unknown snapshot parts 0x%x", parts);
    static const uint8_t magic[] = {0x93, 0xa5, 'C', 'L', 'O', 'U', 'T'};
    ASSERT_MSG(len >= sizeof magic && memcmp(data, magic, sizeof magic) == 0, CLOUT_ERR_DATA,
               "%s: not a .clout snapshot (bad magic bytes)", name);
    r.p += sizeof magic;
    uint64_t version, nkeys;
    RD_TRY(clout_i_rd_uint(&r, &version));
    ASSERT_MSG(version >= 1 && version <= CLOUT_SNAPSHOT_VERSION, CLOUT_ERR_DATA,
               "%s: snapshot format version %llu is not supported (this clout reads versions 1 to %d)", name,
               (unsigned long long)version, CLOUT_SNAPSHOT_VERSION);
    RD_TRY(clout_i_rd_container(&r, true, &nkeys));
    bool directed = true, have_dir = false;
    uint64_t nusers = 0, nitems = 0, loops = 0, badl = 0;
    clout_i_ids_desc uid = {0}, iid = {0};
    mat_desc ms, mr, mt, mb;
    bool hs = false, hr = false, ht = false, hb = false;
    pr_desc pr = {0};
    for (uint64_t i = 0; i < nkeys; i++) {
        const char *k;
        size_t kl;
        RD_TRY(clout_i_rd_str(&r, &k, &kl));
        if (clout_i_key_is(k, kl, "directed")) {
            RD_TRY(clout_i_rd_bool(&r, &directed));
            have_dir = true;
        } else if (clout_i_key_is(k, kl, "users")) RD_TRY(clout_i_rd_uint(&r, &nusers));
        else if (clout_i_key_is(k, kl, "items")) RD_TRY(clout_i_rd_uint(&r, &nitems));
        else if (clout_i_key_is(k, kl, "self_loops_dropped")) RD_TRY(clout_i_rd_uint(&r, &loops));
        else if (clout_i_key_is(k, kl, "bad_lines_skipped")) RD_TRY(clout_i_rd_uint(&r, &badl));
        else if (clout_i_key_is(k, kl, "action_weights")) {
            if (r.p < r.end && *r.p == 0xc0) {
                r.p++;
            } else {
                const char *s;
                size_t sl;
                RD_TRY(clout_i_rd_str(&r, &s, &sl));
                free(aw);
                aw = clout_i_malloc(sl + 1, 1);
                ASSERT_MSG(aw != NULL, CLOUT_ERR_NOMEM, "out of memory");
                memcpy(aw, s, sl);
                aw[sl] = '\0';
            }
        } else if (clout_i_key_is(k, kl, "sources") && srcs == NULL) {
            uint64_t n;
            RD_TRY(clout_i_rd_container(&r, false, &n));
            CALLOC_TRY(srcs, n, char *);
            for (nsrc = 0; nsrc < n;) {
                const char *s;
                size_t sl;
                RD_TRY(clout_i_rd_str(&r, &s, &sl));
                srcs[nsrc] = clout_i_malloc(sl + 1, 1);
                ASSERT_MSG(srcs[nsrc] != NULL, CLOUT_ERR_NOMEM, "out of memory");
                memcpy(srcs[nsrc], s, sl);
                srcs[nsrc][sl] = '\0';
                nsrc++;
            }
        } else if (clout_i_key_is(k, kl, "user_ids")) RD_TRY(clout_i_rd_ids(&r, &uid));
        else if (clout_i_key_is(k, kl, "item_ids")) RD_TRY(clout_i_rd_ids(&r, &iid));
        else if (clout_i_key_is(k, kl, "S")) RD_TRY((hs = rd_matrix(&r, &ms)));
        else if (clout_i_key_is(k, kl, "R")) RD_TRY((hr = rd_matrix(&r, &mr)));
        else if (clout_i_key_is(k, kl, "T")) RD_TRY((ht = rd_matrix(&r, &mt)));
        else if (clout_i_key_is(k, kl, "B") && version >= 2) RD_TRY((hb = rd_matrix(&r, &mb)));
        else if (clout_i_key_is(k, kl, "pagerank") && version >= 2 && !pr.have) RD_TRY(rd_pagerank(&r, &pr));
        else if (version >= 2 && clout_i_key_is(k, kl, "action_names") && nan_ == 0) {
            uint64_t na;
            RD_TRY(clout_i_rd_container(&r, false, &na));
            ASSERT_MSG(na <= CLOUT_MAX_ACTIONS, CLOUT_ERR_DATA, "%s: more than %d action types", name,
                       CLOUT_MAX_ACTIONS);
            for (; nan_ < na; nan_++) {
                const char *s;
                size_t sl;
                RD_TRY(clout_i_rd_str(&r, &s, &sl));
                ASSERT_MSG(sl > 0 && sl <= CLOUT_MAX_TOKEN && !memchr(s, 0, sl), CLOUT_ERR_DATA,
                           "%s: action type %llu has a bad name", name, (unsigned long long)nan_ + 1);
                anames[nan_] = clout_i_malloc(sl + 1, 1);
                ASSERT_MSG(anames[nan_] != NULL, CLOUT_ERR_NOMEM, "out of memory");
                memcpy(anames[nan_], s, sl);
                anames[nan_][sl] = '\0';
                for (uint64_t q = 0; q < nan_; q++)
                    ASSERT_MSG(strcmp(anames[q], anames[nan_]) != 0, CLOUT_ERR_DATA,
                               "%s: action type '%.64s' is named twice", name, anames[nan_]);
            }
        } else if (version >= 2 && (clout_i_key_is(k, kl, "action_counts") || clout_i_key_is(k, kl, "action_times"))) {
            bool counts = clout_i_key_is(k, kl, "action_counts");
            uint64_t na, *got = counts ? &nac : &nat;
            RD_TRY(clout_i_rd_container(&r, false, &na));
            ASSERT_MSG(na <= CLOUT_MAX_ACTIONS && *got == 0, CLOUT_ERR_DATA, "%s: bad action matrices", name);
            if (amc == NULL) CALLOC_TRY(amc, 2 * CLOUT_MAX_ACTIONS, mat_desc);
            for (; *got < na; (*got)++) RD_TRY(rd_matrix(&r, &amc[(counts ? 0 : CLOUT_MAX_ACTIONS) + *got]));
        }
        else if (clout_i_key_is(k, kl, "behaviour") && version >= 2 && r.p < r.end && *r.p != 0xc0) {
            const char *s;
            size_t sl;
            RD_TRY(clout_i_rd_str(&r, &s, &sl));
            free(bdesc);
            bdesc = clout_i_malloc(sl + 1, 1);
            ASSERT_MSG(bdesc != NULL, CLOUT_ERR_NOMEM, "out of memory");
            memcpy(bdesc, s, sl);
            bdesc[sl] = '\0';
        }
        else RD_TRY(clout_i_rd_skip(&r));
    }
    ASSERT_MSG(have_dir && uid.have && iid.have && hs && hr && ht, CLOUT_ERR_DATA,
               "%s: snapshot is missing a part (directed, user_ids, item_ids, S, R or T)", name);
    ASSERT_MSG(uid.count == nusers && iid.count == nitems, CLOUT_ERR_DATA,
               "%s: id map sizes disagree with the user and item counts", name);
    TRY(clout_i_make_idmap(&uid, name, "user", &users, msg));
    TRY(clout_i_make_idmap(&iid, name, "item", &items, msg));
    /* PageRank's layout, when asked for, is checked against S's bytes before S's pages go */
    bool want_pr = (parts & CLOUT_LOAD_PAGERANK) && pr.have && pr.known;
    double t_sum = clout_now();
    uint64_t sum_s = want_pr ? sum_matrix(&ms) : 0;
    t_sum = clout_now() - t_sum;
    TRY(make_matrix(&ms, name, "S", nusers, nusers, 4, true, mapped, &S, msg));
    TRY(make_matrix(&mr, name, "R", nusers, nitems, 4, true, mapped, &R, msg));
    TRY(make_matrix(&mt, name, "T", nusers, nitems, 8, false, mapped, &T, msg));
    TRY(check_ties(&S, "S", directed, name, msg));
    ASSERT_MSG(nac == nan_ && nat == nan_, CLOUT_ERR_DATA,
               "%s: %llu action types but %llu count and %llu time matrices", name, (unsigned long long)nan_,
               (unsigned long long)nac, (unsigned long long)nat);
    for (uint64_t a = 0; a < nan_; a++) {
        TRY(make_matrix(&amc[a], name, "action_counts", nusers, nitems, 4, true, mapped, &AC[a], msg));
        TRY(make_matrix(&amc[CLOUT_MAX_ACTIONS + a], name, "action_times", nusers, nitems, 8, false, mapped, &AT[a],
                        msg));
    }
    if (hb) {
        TRY(make_matrix(&mb, name, "B", nusers, nusers, 4, true, mapped, &B, msg));
        TRY(check_ties(&B, "B", true, name, msg));
    }
    TRY(clout_i_graph_assemble(&g, &S, &R, &T, &users, &items, directed, msg));
    g->self_loops_dropped = (int64_t)loops;
    g->bad_lines_skipped = (int64_t)badl;
    g->action_weights = aw;
    aw = NULL;
    g->sources = srcs;
    g->nsources = (int)nsrc;
    g->B = B;
    B = NULL;
    g->behaviour = bdesc;
    bdesc = NULL;
    if (nan_ > 0) {
        CALLOC_TRY(g->action_names, nan_, char *);
        CALLOC_TRY(g->action_count, nan_, GrB_Matrix);
        CALLOC_TRY(g->action_time, nan_, GrB_Matrix);
        g->nactions = (int)nan_;
        for (uint64_t a = 0; a < nan_; a++) {
            g->action_names[a] = anames[a];
            g->action_count[a] = AC[a];
            g->action_time[a] = AT[a];
            anames[a] = NULL;
            AC[a] = AT[a] = NULL;
        }
    }
    srcs = NULL;
    nsrc = 0;
    FREE_PTR(amc);
    /* g owns every part now: a failure below frees it alone */
    g->keep_pagerank_layout = pr.have && pr.known;
    if (want_pr) {
        ASSERT_MSG(sum_s == pr.sum_s, CLOUT_ERR_DATA,
                   "%s: PageRank's layout was not written for this S (checksums differ): the file is damaged", name);
        TRY(make_pagerank(&pr, &ms, name, nusers, mapped, g, msg));
        g->pagerank_load_seconds += t_sum;
    }
    *G = g;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (fd >= 0) close(fd);                                                           \
        if (map != NULL && map != MAP_FAILED) munmap(map, len);                            \
        free(buf);                                                                        \
        clout_i_text_free(&gz);                                                           \
    } while (0)

int clout_snapshot_load(clout_graph **G, const char *path, char msg[CLOUT_MSG_LEN])
{
    return clout_snapshot_load_parts(G, path, 0, msg);
}

int clout_snapshot_load_parts(clout_graph **G, const char *path, unsigned parts, char msg[CLOUT_MSG_LEN])
{
    uint8_t *buf = NULL;
    void *map = NULL;
    size_t len = 0;
    clout_i_text gz = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        int e = errno;
        ERR(e == ENOENT || e == EACCES || e == ENOTDIR ? CLOUT_ERR_NO_INPUT : CLOUT_ERR_IO,
            "%s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    ASSERT_MSG(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), CLOUT_ERR_NO_INPUT,
               "%s: not a regular file", path);
    unsigned char magic[2] = {0, 0};
    if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        /* a gzip-compressed snapshot is inflated into memory (bounded by the memory limit) */
        TRY(clout_i_text_read(&gz, path, msg));
        TRY(load_mem(G, path, (const uint8_t *)gz.data, gz.len, false, parts, msg));
        FREE_ALL;
        return CLOUT_OK;
    }
    len = (size_t)st.st_size;
    /* mapped read-only: the loader copies what GraphBLAS adopts straight out of the page cache,
     * and its threads fault in the parts they copy (no MAP_POPULATE from one thread) */
    if (len > 0) map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED || len == 0) {
        map = NULL;
        ALLOC_TRY(buf, len ? len : 1, uint8_t);
        size_t got = 0;
        while (got < len) {
            ssize_t n = read(fd, buf + got, len - got > (1u << 30) ? (1u << 30) : len - got);
            if (n < 0 && errno == EINTR) continue;
            ASSERT_MSG(n > 0, CLOUT_ERR_IO, "%s: read failed: %s", path, n < 0 ? strerror(errno) : "file shrank");
            got += (size_t)n;
        }
    }
    TRY(load_mem(G, path, map ? map : buf, len, map != NULL, parts, msg));
    FREE_ALL;
    return CLOUT_OK;
}
