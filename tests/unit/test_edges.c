/* test_edges.c: the edge-list reader on hand-made inputs (every expected value worked out by
 * hand), its error messages, and the parallel parse against a naive sequential reference. */
#include "check.h"
#include <omp.h>

static char msg[CLOUT_MSG_LEN];

/* Parse text as an edge list and build the graph; returns the status of the first failure. */
static int parse(const char *text, const clout_read_opts *o, clout_graph **G)
{
    clout_builder *b = NULL;
    *G = NULL;
    msg[0] = '\0';
    int s = clout_builder_new(&b, o, msg);
    if (s < 0) return s;
    s = clout_builder_add_edges_mem(b, "t.txt", text, strlen(text), o, msg);
    if (s < 0) {
        clout_builder_free(&b);
        return s;
    }
    char m2[CLOUT_MSG_LEN];
    int s2 = clout_builder_finish(&b, G, m2);
    if (s2 < 0) {
        clout_builder_free(&b);
        snprintf(msg, sizeof msg, "%s", m2);
        return s2;
    }
    return s;
}

static void expect_error(const char *text, const clout_read_opts *o, int status, const char *want)
{
    clout_graph *G = NULL;
    int s = parse(text, o, &G);
    CHECK(s == status, "input %.40s: status %d, expected %d (%s)", text, s, status, msg);
    CHECK(strstr(msg, want) != NULL, "input %.40s: message '%s' lacks '%s'", text, msg, want);
    clout_graph_free(&G);
}

static void formats(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_graph *G = NULL;
    /* spaces, tabs, commas (with blanks around), comments, blank lines, CRLF, weights */
    const char *t = "# a comment\n% another\n\na b\nb\tc\t2.5\r\nc , a , 0.25\n  d   a  \n";
    CHECK(parse(t, &o, &G) == 0, "%s", msg);
    CHECK(clout_graph_users(G) == 4 && clout_graph_social_edges(G) == 4, "users %lld edges %lld",
          (long long)clout_graph_users(G), (long long)clout_graph_social_edges(G));
    CHECK(check_S(G, "a", "b") == 1.0, "a->b %g", check_S(G, "a", "b"));
    CHECK(check_S(G, "b", "c") == 2.5, "b->c %g", check_S(G, "b", "c"));
    CHECK(check_S(G, "c", "a") == 0.25, "c->a %g", check_S(G, "c", "a"));
    CHECK(check_S(G, "d", "a") == 1.0, "d->a");
    CHECK(isnan(check_S(G, "b", "a")), "directed graph has b->a");
    /* first appearance numbering */
    CHECK(strcmp(clout_idmap_name(G->users, 0, NULL), "a") == 0 && strcmp(clout_idmap_name(G->users, 3, NULL), "d") == 0,
          "user order");
    clout_graph_free(&G);

    /* duplicates: sum, max, first; self-loops dropped and counted; undirected */
    const char *dup = "x y 1\nx y 3\ny x 2\nz z 5\n";
    CHECK(parse(dup, &o, &G) == 0, "%s", msg);
    CHECK(check_S(G, "x", "y") == 4.0 && check_S(G, "y", "x") == 2.0, "sum: %g %g", check_S(G, "x", "y"), check_S(G, "y", "x"));
    CHECK(G->self_loops_dropped == 1 && clout_graph_users(G) == 3 && clout_graph_social_edges(G) == 2,
          "self-loop handling: loops %lld users %lld", (long long)G->self_loops_dropped, (long long)clout_graph_users(G));
    clout_graph_free(&G);
    o.dedupe = CLOUT_DEDUPE_MAX;
    CHECK(parse(dup, &o, &G) == 0, "%s", msg);
    CHECK(check_S(G, "x", "y") == 3.0, "max: %g", check_S(G, "x", "y"));
    clout_graph_free(&G);
    o.dedupe = CLOUT_DEDUPE_FIRST;
    CHECK(parse(dup, &o, &G) == 0, "%s", msg);
    CHECK(check_S(G, "x", "y") == 1.0, "first: %g", check_S(G, "x", "y"));
    clout_graph_free(&G);
    /* undirected + sum: x-y gets 1+3 from its lines and 2 from "y x": 6 both ways */
    o.dedupe = CLOUT_DEDUPE_SUM;
    o.undirected = true;
    CHECK(parse(dup, &o, &G) == 0, "%s", msg);
    CHECK(check_S(G, "x", "y") == 6.0 && check_S(G, "y", "x") == 6.0, "undirected sum: %g %g",
          check_S(G, "x", "y"), check_S(G, "y", "x"));
    CHECK(!G->directed, "directed flag");
    clout_graph_free(&G);
    o.undirected = false;

    /* header line skipped */
    o.header = true;
    CHECK(parse("src,dst,weight\n1,2,0.5\n", &o, &G) == 0, "%s", msg);
    CHECK(clout_graph_users(G) == 2 && check_S(G, "1", "2") == 0.5, "header");
    clout_graph_free(&G);
    o.header = false;

    /* ids are opaque tokens: no overflow, no aliasing of numbers that differ in text */
    CHECK(parse("99999999999999999999999999 18446744073709551616\n007 7\n", &o, &G) == 0, "%s", msg);
    CHECK(clout_graph_users(G) == 4, "big ids: %lld users", (long long)clout_graph_users(G));
    CHECK(check_S(G, "99999999999999999999999999", "18446744073709551616") == 1.0, "big id edge");
    CHECK(check_S(G, "007", "7") == 1.0, "007 and 7 are different users");
    clout_graph_free(&G);
    /* numeric ids are read 8 digits at a time: ids differing in any one digit, of 1 to 18
     * digits, stay apart, and numeric weights of 8 and more digits keep their value */
    {
        char text[8192];
        size_t at = 0;
        int lines = 0;
        for (int len = 1; len <= 18; len++)
            for (int pos = 0; pos < len; pos++) {
                char a[24], b[24];
                for (int i = 0; i < len; i++) a[i] = (char)('1' + (i * 7 + len) % 9);
                a[len] = 0;
                memcpy(b, a, sizeof a);
                b[pos] = a[pos] == '9' ? '1' : (char)(a[pos] + 1);
                at += (size_t)snprintf(text + at, sizeof text - at, "%s %s %d\n", a, b, len == 9 ? 123456789 : 1);
                lines++;
            }
        CHECK(parse(text, &o, &G) == 0, "%s", msg);
        /* each line's pair is distinct from the other lines' too, except a's of one length */
        CHECK(clout_graph_social_edges(G) == lines, "digit ids: %lld ties of %d lines",
              (long long)clout_graph_social_edges(G), lines);
        CHECK(clout_graph_users(G) == 18 + lines, "digit ids: %lld users, expected %d", (long long)clout_graph_users(G),
              18 + lines);
        CHECK(check_S(G, "186429753", "286429753") == (double)(float)123456789, "9-digit weight: %.1f",
              check_S(G, "186429753", "286429753"));
        clout_graph_free(&G);
    }

    /* weights in exponent form and an unweighted graph stored iso */
    CHECK(parse("a b 1e-3\nb c 2E2\n", &o, &G) == 0, "%s", msg);
    CHECK(fabs(check_S(G, "a", "b") - 1e-3) < 1e-9 && check_S(G, "b", "c") == 200.0, "exponent weights");
    clout_graph_free(&G);
    CHECK(parse("a b\nb c\n", &o, &G) == 0, "%s", msg);
    bool iso = false;
    GxB_Matrix_iso(&iso, G->S);
    CHECK(iso, "unweighted S should be iso-valued");
    clout_graph_free(&G);
}

static void errors(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    expect_error("", &o, CLOUT_ERR_DATA, "t.txt:1: no edges found (the file is empty)");
    expect_error("# only\n% comments\n\n", &o, CLOUT_ERR_DATA, "no edges found (only comments");
    expect_error("a b\nc\n", &o, CLOUT_ERR_DATA, "t.txt:2: expected 2 or 3 fields (src dst [weight]), found 1");
    expect_error("a b\na b 1 2\n", &o, CLOUT_ERR_DATA, "t.txt:2: expected 2 or 3 fields");
    expect_error("a b nan\n", &o, CLOUT_ERR_DATA, "t.txt:1: weight must be a finite number");
    expect_error("a b inf\n", &o, CLOUT_ERR_DATA, "weight must be a finite number");
    expect_error("a b -1\n", &o, CLOUT_ERR_DATA, "weight must not be negative");
    expect_error("a b 1e999\n", &o, CLOUT_ERR_DATA, "weight overflows");
    expect_error("a b 1e39\n", &o, CLOUT_ERR_DATA, "does not fit a 32-bit float");
    expect_error("a b x1\n", &o, CLOUT_ERR_DATA, "weight is not a number, found 'x1'");
    expect_error("a,,b\n", &o, CLOUT_ERR_DATA, "empty field");
    expect_error("a b,\n", &o, CLOUT_ERR_DATA, "line ends with a separator");
    expect_error("a b\n\x01\x02\x03 b\n", &o, CLOUT_ERR_DATA, "t.txt:2: unexpected control byte 0x01");
    char nul[] = "a b\nc d\n";
    nul[5] = '\0';
    clout_graph *G = NULL;
    /* a NUL byte inside the text (not at its end): parse with an explicit length */
    clout_builder *b = NULL;
    clout_builder_new(&b, &o, msg);
    int s = clout_builder_add_edges_mem(b, "t.txt", nul, 8, &o, msg);
    CHECK(s == CLOUT_ERR_DATA && strstr(msg, "t.txt:2: unexpected control byte 0x00"), "NUL: %d %s", s, msg);
    clout_builder_free(&b);
    /* a long id */
    size_t n = CLOUT_MAX_TOKEN + 10;
    char *big = malloc(n + 8);
    memset(big, 'x', n);
    memcpy(big + n, " y\n", 4);
    expect_error(big, &o, CLOUT_ERR_DATA, "t.txt:1: id longer than 4096 bytes");
    free(big);
    /* skipping bad lines: one warning, the count, the good lines kept */
    o.skip_bad_lines = true;
    s = parse("a b\nbad\nc d nan\ne f\n", &o, &G);
    CHECK(s == CLOUT_WARN_SKIPPED_LINES, "skip status %d", s);
    CHECK(strstr(msg, "skipped 2 bad lines; the first, line 2") != NULL, "skip message '%s'", msg);
    CHECK(G && clout_graph_social_edges(G) == 2 && G->bad_lines_skipped == 2, "skip kept edges");
    clout_graph_free(&G);
}

/* ---- the parallel parse against a naive reference ---- */

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void parallel_matches_reference(void)
{
    /* 300k random lines (about 4 MB: several chunks per thread) over 50k ids written in two
     * spellings, with comments and weights sprinkled in, a third of the lines ending in CRLF and
     * the last in no newline */
    enum { L = 300000, V = 50000 };
    size_t cap = (size_t)L * 40;
    char *text = malloc(cap);
    int64_t *rs = malloc(L * sizeof(int64_t)), *rd = malloc(L * sizeof(int64_t));
    double *rw = malloc(L * sizeof(double));
    size_t at = 0;
    int64_t m = 0;
    for (int64_t i = 0; i < L; i++) {
        uint64_t r = clout_rng_u64(5, 0, (uint64_t)i);
        int64_t s = (int64_t)(r % V), d = (int64_t)((r >> 20) % V);
        int w = (int)((r >> 40) % 4);
        if ((r >> 50) % 50 == 0) {
            at += (size_t)sprintf(text + at, "# comment %lld\n", (long long)i);
            continue;
        }
        at += (size_t)sprintf(text + at, (r >> 45) % 2 ? "u%lld\tu%lld\t%d%s" : "u%lld u%lld %d%s", (long long)s,
                              (long long)d, w, (r >> 46) % 3 == 0 ? "\r\n" : "\n");
        if (s != d) {
            rs[m] = s;
            rd[m] = d;
            rw[m] = w;
            m++;
        }
    }
    while (at > 0 && (text[at - 1] == '\n' || text[at - 1] == '\r')) at--; /* the last line has no newline */
    text[at] = '\0';
    /* reference: dense sums per (s, d) in a hash-free way: sort the triples */
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_graph *G1 = NULL, *G2 = NULL;
    clout_set_threads(1, msg);
    CHECK(parse(text, &o, &G1) == 0, "%s", msg);
    clout_set_threads(2, msg);
    CHECK(parse(text, &o, &G2) == 0, "%s", msg);
    if (G1 && G2) {
        CHECK(clout_graph_users(G1) == clout_graph_users(G2), "user counts differ across threads");
        bool same_order = true;
        for (int64_t i = 0; i < clout_graph_users(G1) && same_order; i++)
            same_order = strcmp(clout_idmap_name(G1->users, i, NULL), clout_idmap_name(G2->users, i, NULL)) == 0;
        CHECK(same_order, "user numbering depends on the thread count");
        bool eq = false;
        GrB_Matrix D = NULL;
        GrB_Index n = (GrB_Index)clout_graph_users(G1), nv1, nv2, nvd;
        GrB_Matrix_new(&D, GrB_BOOL, n, n);
        GrB_Matrix_eWiseMult_BinaryOp(D, NULL, NULL, GrB_EQ_FP32, G1->S, G2->S, NULL);
        GrB_Matrix_nvals(&nv1, G1->S);
        GrB_Matrix_nvals(&nv2, G2->S);
        GrB_Matrix_nvals(&nvd, D);
        GrB_Matrix_reduce_BOOL(&eq, NULL, GrB_LAND_MONOID_BOOL, D, NULL);
        CHECK(nv1 == nv2 && nvd == nv1 && eq, "S differs between 1 and 2 threads");
        GrB_free(&D);
        /* every reference triple summed must equal S; the number of distinct pairs too */
        double *acc = calloc((size_t)m, sizeof(double));
        int64_t distinct = 0;
        /* a simple O(m log m) reference: sort indices by (s, d) */
        int64_t *idx = malloc((size_t)m * sizeof(int64_t));
        for (int64_t i = 0; i < m; i++) idx[i] = rs[i] * V + rd[i];
        qsort(idx, (size_t)m, sizeof(int64_t), cmp);
        for (int64_t i = 0; i < m; i++) distinct += (i == 0 || idx[i] != idx[i - 1]);
        CHECK((int64_t)nv1 == distinct, "distinct pairs: clout %llu, reference %lld", (unsigned long long)nv1,
              (long long)distinct);
        /* weights: check 200 sampled pairs by scanning the reference list */
        int bad = 0;
        for (int k = 0; k < 200; k++) {
            int64_t e = (int64_t)clout_rng_bounded(6, 0, (uint64_t)k, (uint64_t)m);
            double sum = 0;
            for (int64_t i = 0; i < m; i++)
                if (rs[i] == rs[e] && rd[i] == rd[e]) sum += rw[i];
            char su[16], sd[16];
            sprintf(su, "u%lld", (long long)rs[e]);
            sprintf(sd, "u%lld", (long long)rd[e]);
            if (check_S(G1, su, sd) != sum) bad++;
        }
        CHECK(bad == 0, "%d of 200 sampled weights differ from the reference sums", bad);
        free(acc);
        free(idx);
    }
    clout_graph_free(&G1);
    clout_graph_free(&G2);
    free(text);
    free(rs);
    free(rd);
    free(rw);
}

/* An undirected tie written both ways, with repeats: one weight both ways, bit for bit, the
 * lines of either direction combined in line order (float sums in that order, the maximum,
 * the first line), against a direct computation. */
static void undirected_one_weight(void)
{
    enum { NU = 12, NL = 600 };
    char *text = malloc((size_t)NL * 40);
    int lu[NL], lv[NL];
    float lw[NL];
    size_t at = 0;
    for (int l = 0; l < NL; l++) {
        uint64_t r = clout_rng_u64(31, 0, (uint64_t)l);
        lu[l] = (int)(r % NU);
        lv[l] = (int)((r >> 16) % NU);
        if (lv[l] == lu[l]) lv[l] = (lv[l] + 1) % NU;
        /* weights whose float sums depend on the order */
        lw[l] = (float)(1 + (r >> 32) % 1000) / 7.0f * (((r >> 44) & 1) ? 1e-3f : 1.0f);
        at += (size_t)snprintf(text + at, 40, "u%d u%d %.9g\n", lu[l], lv[l], (double)lw[l]);
    }
    for (int rule = 0; rule < 3; rule++) {
        clout_read_opts o;
        clout_read_opts_init(&o);
        o.undirected = true;
        o.dedupe = rule == 0 ? CLOUT_DEDUPE_SUM : rule == 1 ? CLOUT_DEDUPE_MAX : CLOUT_DEDUPE_FIRST;
        clout_graph *G = NULL;
        CHECK(parse(text, &o, &G) == 0, "%s", msg);
        if (G == NULL) continue;
        int bad = 0, ties = 0;
        for (int a = 0; a < NU; a++)
            for (int b = a + 1; b < NU; b++) {
                float want = 0;
                bool seen = false;
                for (int l = 0; l < NL; l++) {
                    if (!((lu[l] == a && lv[l] == b) || (lu[l] == b && lv[l] == a))) continue;
                    float w = lw[l]; /* "%.9g" gives the float back */
                    if (!seen) want = w;
                    else if (rule == 0) want += w;
                    else if (rule == 1 && w > want) want = w;
                    seen = true;
                }
                char na[8], nb[8];
                snprintf(na, sizeof na, "u%d", a);
                snprintf(nb, sizeof nb, "u%d", b);
                double x = check_S(G, na, nb), y = check_S(G, nb, na);
                if (!seen) {
                    bad += !isnan(x) || !isnan(y);
                    continue;
                }
                ties++;
                if (x != (double)want || y != (double)want) {
                    if (bad++ < 3)
                        fprintf(stderr, "rule %d tie u%d-u%d: %.9g and %.9g, expected %.9g\n", rule, a, b, x, y,
                                (double)want);
                }
            }
        CHECK(bad == 0 && ties > 40, "undirected rule %d: %d of %d ties wrong", rule, bad, ties);
        clout_graph_free(&G);
    }
    free(text);
}

/* Weights are stored only once a tie has one other than 1 (a list without weights never
 * touches them): ties read before that, in an earlier chunk, an earlier part of the same chunk
 * or an earlier input, must still come out with weight 1. Lists long enough for two chunks, the
 * weighted lines first or last; then two inputs in either order, and an input of ties with
 * weights after a list without. Every tie is checked against the line that made it. */
enum { LW_UNIT = 30000, LW_WEIGHTED = 20000 };

static char *lw_text(bool weighted_first, const char *prefix)
{
    char *text = malloc((size_t)(LW_UNIT + LW_WEIGHTED) * 40);
    size_t at = 0;
    for (int part = 0; part < 2; part++) {
        bool weighted = (part == 0) == weighted_first;
        int lines = weighted ? LW_WEIGHTED : LW_UNIT;
        for (int i = 0; i < lines; i++) {
            if (weighted) at += (size_t)sprintf(text + at, "%sw%d %sv%d %d\n", prefix, i, prefix, i, 2 + i % 3);
            else at += (size_t)sprintf(text + at, "%su%d %sv%d\n", prefix, i, prefix, i);
        }
    }
    text[at] = '\0';
    return text;
}

/* wrong weights among the ties of lw_text(.., prefix), every 7th checked */
static int lw_wrong(const clout_graph *G, const char *prefix)
{
    int bad = 0;
    char u[32], v[32];
    for (int i = 0; i < LW_UNIT; i += 7) {
        snprintf(u, sizeof u, "%su%d", prefix, i);
        snprintf(v, sizeof v, "%sv%d", prefix, i);
        bad += check_S(G, u, v) != 1.0;
    }
    for (int i = 0; i < LW_WEIGHTED; i += 7) {
        snprintf(u, sizeof u, "%sw%d", prefix, i);
        snprintf(v, sizeof v, "%sv%d", prefix, i);
        bad += check_S(G, u, v) != (double)(2 + i % 3);
    }
    return bad;
}

static clout_graph *lw_build(const char *t1, const char *t2, bool ties_after)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    CHECK(clout_builder_new(&b, &o, msg) == 0, "%s", msg);
    if (b == NULL) return NULL;
    int s = clout_builder_add_edges_mem(b, "a.txt", t1, strlen(t1), &o, msg);
    if (s >= 0 && t2) s = clout_builder_add_edges_mem(b, "b.txt", t2, strlen(t2), &o, msg);
    if (s >= 0 && ties_after) {
        const char *names[3] = {"t0", "t1", "t2"};
        int64_t src[2] = {0, 1}, dst[2] = {1, 2};
        float w[2] = {1.0f, 5.0f};
        s = clout_builder_add_ties(b, 3, names, src, dst, w, 2, msg);
    }
    if (s >= 0) s = clout_builder_finish(&b, &G, msg);
    CHECK(s == 0, "%s", msg);
    clout_builder_free(&b);
    return G;
}

/* wrong weights among the ties of the small inputs below: p_i -> q_i (weight 1), with weighted
 * also r_i -> q_i (2 + i % 3), with ties also the added t0 -> t1 (1) and t1 -> t2 (5) */
static int small_wrong(const clout_graph *G, bool weighted, bool ties)
{
    int bad = 0;
    char u[16], v[16];
    for (int i = 0; i < 64; i++) {
        snprintf(u, sizeof u, "p%d", i);
        snprintf(v, sizeof v, "q%d", i);
        bad += check_S(G, u, v) != 1.0;
        snprintf(u, sizeof u, "r%d", i);
        if (weighted) bad += check_S(G, u, v) != (double)(2 + i % 3);
    }
    if (ties) bad += (check_S(G, "t0", "t1") != 1.0) + (check_S(G, "t1", "t2") != 5.0);
    return bad;
}

static void weights_appear_late(void)
{
    clout_set_threads(2, msg);
    for (int wf = 0; wf < 2; wf++) {
        char *t = lw_text(wf, "");
        clout_graph *G = lw_build(t, NULL, false);
        if (G) CHECK(lw_wrong(G, "") == 0, "one list, weighted lines %s: wrong weights", wf ? "first" : "last");
        clout_graph_free(&G);
        free(t);
    }
    /* two inputs: one without any weight and one with, in either order */
    char *unit = malloc(64 * 40), *wtd = malloc(64 * 40);
    size_t a = 0, c = 0;
    for (int i = 0; i < 64; i++) {
        a += (size_t)sprintf(unit + a, "p%d q%d\n", i, i);
        c += (size_t)sprintf(wtd + c, "r%d q%d %d\n", i, i, 2 + i % 3);
    }
    for (int order = 0; order < 2; order++) {
        clout_graph *G = lw_build(order ? wtd : unit, order ? unit : wtd, order == 0);
        int bad = G ? small_wrong(G, true, order == 0) : -1;
        CHECK(bad == 0, "two inputs, the weighted one %s: %d wrong weights", order ? "first" : "second", bad);
        clout_graph_free(&G);
    }
    /* a list without weights, then ties with weights: the list's ties keep weight 1 */
    clout_graph *G = lw_build(unit, NULL, true);
    int bad = G ? small_wrong(G, false, true) : -1;
    CHECK(bad == 0, "a list, then ties with weights: %d wrong weights", bad);
    clout_graph_free(&G);
    free(unit);
    free(wtd);
}

int main(void)
{
    check_init();
    formats();
    errors();
    parallel_matches_reference();
    undirected_one_weight();
    weights_appear_late();
    return check_done("test_edges");
}
