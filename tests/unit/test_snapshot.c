/* test_snapshot.c: .clout files: save/load round trip, and truncated, corrupted and hostile
 * files rejected with CLOUT_ERR_DATA (never a crash; the sanitizer build checks leaks). */
#include "check.h"
#include "core_internal.h"
#include <omp.h>
#include <unistd.h>

static char msg[CLOUT_MSG_LEN];

static bool same_matrix(GrB_Matrix A, GrB_Matrix B)
{
    GrB_Index an, bn, ar, br, ac, bc, dn;
    GrB_Matrix_nvals(&an, A);
    GrB_Matrix_nvals(&bn, B);
    GrB_Matrix_nrows(&ar, A);
    GrB_Matrix_nrows(&br, B);
    GrB_Matrix_ncols(&ac, A);
    GrB_Matrix_ncols(&bc, B);
    if (an != bn || ar != br || ac != bc) return false;
    GrB_Matrix D = NULL;
    GrB_Matrix_new(&D, GrB_BOOL, ar, ac);
    GrB_Matrix_eWiseMult_BinaryOp(D, NULL, NULL, GrB_EQ_FP64, A, B, NULL);
    bool eq = true;
    GrB_Matrix_nvals(&dn, D);
    GrB_Matrix_reduce_BOOL(&eq, NULL, GrB_LAND_MONOID_BOOL, D, NULL);
    GrB_free(&D);
    return dn == an && eq;
}

static clout_graph *sample_graph(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    clout_builder_new(&b, &o, msg);
    const char *e = "a b 0.5\nb c 2\nc a 1\nd a 3\n";
    const char *l = "user,item,time,weight\na,x,2020-01-01,1\nb,x,,2\ne,y,5,0.25\n";
    CHECK(clout_builder_add_edges_mem(b, "e.txt", e, strlen(e), &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_add_log_mem(b, "l.csv", l, strlen(l), &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_finish(&b, &G, msg) == 0, "%s", msg);
    return G;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(*len + 1);
    *len = fread(d, 1, *len, f);
    fclose(f);
    return d;
}

/* A graph the format can carry but no input gives: saved as it is, refused on load (exit 65). */
static void expect_refused(clout_graph *G, const char *path, const char *want)
{
    clout_graph *H = NULL;
    CHECK(clout_snapshot_save(G, path, msg) == 0, "%s", msg);
    int s = clout_snapshot_load(&H, path, msg);
    CHECK(s == CLOUT_ERR_DATA && strstr(msg, want) != NULL && H == NULL, "loaded an inconsistent snapshot: %d %s", s, msg);
    clout_graph_free(&H);
}

static void inconsistent(const char *path)
{
    clout_edges e = {0};
    int64_t src[] = {0, 1, 2}, dst[] = {1, 2, 0};
    e.n = 3;
    e.m = 3;
    e.src = src;
    e.dst = dst;
    clout_graph *G = NULL;
    CHECK(clout_graph_from_edges(&G, &e, true, msg) == 0, "%s", msg);
    if (G == NULL) return;
    /* a directed cycle labelled undirected */
    G->directed = false;
    expect_refused(G, path, "does not hold both directions");
    /* a self-loop */
    G->directed = true;
    GrB_Matrix_setElement_FP32(G->S, 1.0f, 2, 2);
    GrB_Matrix_wait(G->S, GrB_MATERIALIZE);
    expect_refused(G, path, "self-loop of user 2");
    clout_graph_free(&G);
    /* both directions, but different weights */
    int64_t s2[] = {0, 1}, d2[] = {1, 0};
    e.m = 2;
    e.src = s2;
    e.dst = d2;
    CHECK(clout_graph_from_edges(&G, &e, false, msg) == 0, "%s", msg);
    if (G == NULL) return;
    GrB_Matrix_setElement_FP32(G->S, 5.0f, 0, 1);
    GrB_Matrix_wait(G->S, GrB_MATERIALIZE);
    expect_refused(G, path, "does not hold both directions");
    /* weights a float rounding apart, as files of older builds may hold: loaded with the upper
     * triangle's weight both ways, exactly */
    float up = 0.1f, lowv = nextafterf(nextafterf(0.1f, 1.0f), 1.0f);
    GrB_Matrix_setElement_FP32(G->S, up, 0, 1);
    GrB_Matrix_setElement_FP32(G->S, lowv, 1, 0);
    GrB_Matrix_wait(G->S, GrB_MATERIALIZE);
    clout_graph *H = NULL;
    CHECK(clout_snapshot_save(G, path, msg) == 0, "%s", msg);
    CHECK(clout_snapshot_load(&H, path, msg) == 0, "rounding-apart weights refused: %s", msg);
    if (H) {
        float a = 0, b = 0;
        GrB_Matrix_extractElement_FP32(&a, H->S, 0, 1);
        GrB_Matrix_extractElement_FP32(&b, H->S, 1, 0);
        CHECK(a == up && b == up, "rounding-apart weights loaded as %.9g and %.9g, expected %.9g both ways", a, b, up);
    }
    clout_graph_free(&H);
    clout_graph_free(&G);
}

/* The snapshot checksum: pieces summed in parallel fold to the serial value for 1 and 2 threads;
 * every single-bit flip, swap of two words and cut of the last byte of 2.2 MB changes it */
static void checksum(void)
{
    size_t n = 2 * CLOUT_I_SUM_PIECE + 100017;
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(clout_rng_u64(5, 1, i) >> 56);
    uint64_t serial = 0;
    for (size_t a = 0; a < n; a += CLOUT_I_SUM_PIECE)
        serial = clout_i_sum_fold(serial, clout_i_sum_piece(b + a, n - a < CLOUT_I_SUM_PIECE ? n - a
                                                                                            : CLOUT_I_SUM_PIECE));
    for (int t = 1; t <= 2; t++) {
        omp_set_num_threads(t);
        CHECK(clout_i_sum_blob(0, b, n) == serial, "checksum differs from its serial fold at %d threads", t);
    }
    int same = 0;
    for (int k = 0; k < 500; k++) {
        size_t at = (size_t)(clout_rng_u64(5, 2, (uint64_t)k) % n);
        int bit = (int)(clout_rng_u64(5, 3, (uint64_t)k) % 8);
        b[at] ^= (uint8_t)(1 << bit);
        same += clout_i_sum_blob(0, b, n) == serial;
        b[at] ^= (uint8_t)(1 << bit);
        size_t w1 = 8 * (size_t)(clout_rng_u64(5, 4, (uint64_t)k) % (n / 8));
        size_t w2 = 8 * (size_t)(clout_rng_u64(5, 5, (uint64_t)k) % (n / 8));
        if (memcmp(b + w1, b + w2, 8) != 0) {
            uint8_t tmp[8];
            memcpy(tmp, b + w1, 8);
            memcpy(b + w1, b + w2, 8);
            memcpy(b + w2, tmp, 8);
            same += clout_i_sum_blob(0, b, n) == serial;
            memcpy(b + w2, b + w1, 8);
            memcpy(b + w1, tmp, 8);
        }
    }
    same += clout_i_sum_blob(0, b, n - 1) == serial;
    CHECK(same == 0 && clout_i_sum_blob(0, b, n) == serial, "%d changes kept the checksum", same);
    free(b);
}

/* PageRank of H: with the layout it holds (if any), then with the transpose built in place (the
 * cache dropped); 1 when both fail or both give the same bits, else 0 */
static int pagerank_agrees(clout_graph *H)
{
    int64_t n = clout_graph_users(H);
    double *a = malloc((size_t)(n ? n : 1) * sizeof(double)), *b = malloc((size_t)(n ? n : 1) * sizeof(double));
    int ia = 0, ib = 0;
    int sa = clout_pagerank(H, 0.85, 1e-12, 1000, NULL, a, &ia, NULL, msg);
    clout_graph_drop_cache(H);
    int sb = clout_pagerank(H, 0.85, 1e-12, 1000, NULL, b, &ib, NULL, msg);
    int ok = sa == sb && (sa < 0 || (ia == ib && memcmp(a, b, (size_t)n * sizeof(double)) == 0));
    free(a);
    free(b);
    return ok;
}

/* A snapshot keeping PageRank's layout, loaded asking for it after every single-byte corruption:
 * a data error, or a graph whose PageRank on the loaded layout is the one its own S gives (a
 * damaged S or layout never goes unnoticed into the ranks) */
static void layout_corruptions(const char *path)
{
    clout_graph *G = sample_graph(), *H = NULL;
    G->keep_pagerank_layout = true;
    CHECK(clout_snapshot_save(G, path, msg) == 0, "%s", msg);
    size_t len;
    uint8_t *data = slurp(path, &len), *copy = malloc(len);
    CHECK(clout_snapshot_load_mem_parts(&H, "layout.clout", data, len, CLOUT_LOAD_PAGERANK, msg) == 0 && H &&
              H->pagerank_nblocks == 1,
          "layout not loaded: %s", msg);
    clout_graph_free(&H);
    int other = 0, loaded = 0, refused = 0;
    for (size_t k = 0; k < len; k++) {
        for (int v = 0; v < 3; v++) {
            memcpy(copy, data, len);
            copy[k] = (uint8_t)(v == 0 ? copy[k] ^ 0xff : v == 1 ? 0xdb : copy[k] + 1);
            int s = clout_snapshot_load_mem_parts(&H, "flip.clout", copy, len, CLOUT_LOAD_PAGERANK, msg);
            if (s == 0) {
                loaded += H->pagerank_nblocks > 0;
                if (clout_graph_check(H, msg) != 0 || !pagerank_agrees(H)) other++;
            } else if (s != CLOUT_ERR_DATA) {
                other++;
            } else if (strstr(msg, "checksum")) {
                refused++;
            }
            clout_graph_free(&H);
        }
    }
    CHECK(other == 0, "%d corruptions gave neither a graph whose layout agrees with S nor a data error", other);
    CHECK(loaded > 0 && refused > 0, "the corruptions neither kept a layout (%d) nor failed a checksum (%d)", loaded,
          refused);
    CHECK(clout_snapshot_load_mem_parts(&H, "p.clout", data, len, 4, msg) == CLOUT_ERR_INVALID && H == NULL,
          "unknown parts: %s", msg);
    free(copy);
    free(data);
    clout_graph_free(&G);
}

int main(void)
{
    check_init();
    char path[] = "/tmp/clout-test-XXXXXX.clout";
    int fd = mkstemps(path, 6);
    close(fd);
    inconsistent(path);
    layout_corruptions(path);
    checksum();
    clout_graph *G = sample_graph(), *H = NULL;
    CHECK(clout_snapshot_save(G, path, msg) == 0, "%s", msg);
    CHECK(clout_snapshot_load(&H, path, msg) == 0, "%s", msg);
    if (G && H) {
        CHECK(same_matrix(G->S, H->S) && same_matrix(G->R, H->R) && same_matrix(G->T, H->T), "matrices differ");
        CHECK(clout_graph_users(H) == 5 && clout_graph_items(H) == 2, "counts");
        bool names = true;
        for (int64_t i = 0; i < clout_graph_users(G); i++)
            names = names && strcmp(clout_idmap_name(G->users, i, NULL), clout_idmap_name(H->users, i, NULL)) == 0;
        CHECK(names, "user ids differ");
        CHECK(H->directed == G->directed && H->nsources == 2 && strcmp(H->sources[1], "l.csv") == 0, "metadata");
        CHECK(clout_idmap_find(H->users, "e", 1) == 4, "id index rebuilt on load");
    }
    clout_graph_free(&H);

    size_t len;
    uint8_t *data = slurp(path, &len);
    /* every truncation fails cleanly */
    int bad = 0;
    for (size_t cut = 0; cut < len; cut++) {
        int s = clout_snapshot_load_mem(&H, "cut.clout", data, cut, msg);
        if (s != CLOUT_ERR_DATA || H != NULL) bad++;
        clout_graph_free(&H);
    }
    CHECK(bad == 0, "%d truncations were not rejected", bad);
    /* single-byte corruptions: a load either fails with CLOUT_ERR_DATA or yields a valid graph
     * (a flipped weight bit can still be a valid weight) */
    uint8_t *copy = malloc(len);
    int other = 0;
    for (size_t k = 0; k < len; k++) {
        for (int v = 0; v < 3; v++) {
            memcpy(copy, data, len);
            copy[k] = (uint8_t)(v == 0 ? copy[k] ^ 0xff : v == 1 ? 0xdb : copy[k] + 1);
            int s = clout_snapshot_load_mem(&H, "flip.clout", copy, len, msg);
            if (s == 0) {
                if (clout_graph_check(H, msg) != 0) other++;
            } else if (s != CLOUT_ERR_DATA) {
                other++;
            }
            clout_graph_free(&H);
        }
    }
    CHECK(other == 0, "%d corruptions gave neither a valid graph nor a data error", other);
    /* two users with the same id: the user blob holds "a\0b\0c\0d\0e\0"; make b an a */
    memcpy(copy, data, len);
    uint8_t *at = NULL;
    for (size_t k = 0; k + 4 <= len && !at; k++)
        if (memcmp(copy + k, "a\0b\0c", 5) == 0) at = copy + k;
    CHECK(at != NULL, "user blob not found");
    if (at) {
        at[2] = 'a';
        CHECK(clout_snapshot_load_mem(&H, "dup.clout", copy, len, msg) == CLOUT_ERR_DATA &&
                  strstr(msg, "id 'a' appears twice"),
              "duplicate ids: %s", msg);
    }
    /* an unknown version */
    memcpy(copy, data, len);
    copy[7] = 9;
    CHECK(clout_snapshot_load_mem(&H, "v.clout", copy, len, msg) == CLOUT_ERR_DATA &&
              strstr(msg, "version 9 is not supported"),
          "version: %s", msg);
    /* a hostile length: a bin32 header claiming 4 GB */
    static const uint8_t hostile[] = {0x93, 0xa5, 'C', 'L', 'O', 'U', 'T', 0x01, 0x81, 0xa1, 'S',
                                      0x81, 0xa3, 'p', 't', 'r', 0xc6, 0xff, 0xff, 0xff, 0xff};
    CHECK(clout_snapshot_load_mem(&H, "h.clout", hostile, sizeof hostile, msg) == CLOUT_ERR_DATA &&
              strstr(msg, "truncated"),
          "hostile: %s", msg);
    static const uint8_t hostile2[] = {0x93, 0xa5, 'C', 'L', 'O', 'U', 'T', 0x01, 0xdf, 0xff, 0xff, 0xff, 0xff};
    CHECK(clout_snapshot_load_mem(&H, "h.clout", hostile2, sizeof hostile2, msg) == CLOUT_ERR_DATA &&
              strstr(msg, "exceeds the file"),
          "hostile map: %s", msg);
    CHECK(clout_snapshot_load_mem(&H, "text.clout", (const uint8_t *)"a b\n", 4, msg) == CLOUT_ERR_DATA &&
              strstr(msg, "not a .clout snapshot"),
          "magic: %s", msg);
    CHECK(clout_snapshot_load(&H, "/nonexistent/x.clout", msg) == CLOUT_ERR_NO_INPUT, "missing file: %s", msg);
    free(copy);
    free(data);
    clout_graph_free(&G);
    unlink(path);
    return check_done("test_snapshot");
}
