/* fuzz_logs.c: any bytes as an interaction log or a cascade file (first byte picks which and the
 * options): parse, build, then conversions along the log's behaviour graph, whole and since a
 * few times, checked against what they must satisfy (counts since S within the whole log's, and
 * conversions since S = the whole log's - those of the log up to S), free. */
#include "fuzz_common.h"
#include <math.h>

/* the input read as the first byte says, into the builder b */
static int add_input(clout_builder *b, const uint8_t *data, size_t size, const clout_read_opts *o,
                     char msg[CLOUT_MSG_LEN])
{
    return (data[0] & 0x80) ? clout_builder_add_cascades_mem(b, "fuzz", (const char *)data + 1, size - 1, o, msg)
                            : clout_builder_add_log_mem(b, "fuzz", (const char *)data + 1, size - 1, o, msg);
}

/* G's ties replaced by a copy of B; 0 when done */
static int use_ties(clout_graph *G, GrB_Matrix B, char msg[CLOUT_MSG_LEN])
{
    GrB_Matrix C = NULL;
    if (GrB_Matrix_dup(&C, B) != GrB_SUCCESS) return -1;
    int s = clout_graph_set_behaviour(G, &C, NULL, msg);
    if (C) GrB_free(&C);
    return s < 0 ? s : clout_graph_use(G, CLOUT_GRAPH_BEHAVIOUR, msg);
}

static void check_since(clout_graph *G, const uint8_t *data, size_t size, const clout_read_opts *o)
{
    char msg[CLOUT_MSG_LEN];
    int64_t n = clout_graph_users(G);
    GrB_Index timed = 0;
    if (n == 0 || n > 4096 || GrB_Matrix_nvals(&timed, G->T) != GrB_SUCCESS || timed == 0 || timed > 2000) return;
    clout_behaviour_opts bo;
    clout_behaviour_opts_init(&bo);
    GrB_Matrix B = NULL;
    if (clout_behaviour_graph(G, &bo, &B, NULL, msg) != CLOUT_OK) return; /* too large, say */
    int64_t *a[2], *e[2], *c[2], *cp = calloc((size_t)n, sizeof(int64_t));
    for (int k = 0; k < 2; k++) {
        a[k] = calloc((size_t)n, sizeof(int64_t));
        e[k] = calloc((size_t)n, sizeof(int64_t));
        c[k] = calloc((size_t)n, sizeof(int64_t));
        if (!a[k] || !e[k] || !c[k] || !cp) abort();
    }
    if (use_ties(G, B, msg) != 0) abort();
    if (clout_conversion(G, INFINITY, a[0], e[0], c[0], msg) != CLOUT_OK) abort();
    static const double since[] = {-1e300, 0, 1e3, 1e9, 1.3e9};
    for (size_t i = 0; i < sizeof since / sizeof since[0]; i++) {
        if (clout_conversion_since(G, INFINITY, since[i], a[1], e[1], c[1], msg) != CLOUT_OK) abort();
        for (int64_t u = 0; u < n; u++)
            if (a[1][u] > a[0][u] || e[1][u] > e[0][u] || c[1][u] > c[0][u] || c[1][u] > e[1][u]) abort();
        /* the log up to S, along the same ties */
        clout_builder *b = NULL;
        clout_graph *P = NULL;
        if (clout_builder_new(&b, o, msg) != 0) abort();
        if (add_input(b, data, size, o, msg) < 0 || clout_builder_finish(&b, &P, msg) < 0)
            abort(); /* it parsed the first time */
        if (use_ties(P, B, msg) != 0) abort();
        if (clout_graph_keep_times(P, -INFINITY, since[i], true, msg) != CLOUT_OK) abort();
        if (clout_conversion(P, INFINITY, a[0], e[0], cp, msg) != CLOUT_OK) abort();
        for (int64_t u = 0; u < n; u++)
            if (c[1][u] != c[0][u] - cp[u]) abort();
        if (clout_conversion(G, INFINITY, a[0], e[0], c[0], msg) != CLOUT_OK) abort(); /* a[0], e[0] again */
        clout_graph_free(&P);
        clout_builder_free(&b);
    }
    for (int k = 0; k < 2; k++) {
        free(a[k]);
        free(e[k]);
        free(c[k]);
    }
    free(cp);
    GrB_free(&B);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size == 0) return 0;
    char msg[CLOUT_MSG_LEN];
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.skip_bad_lines = data[0] & 1;
    if (data[0] & 2) o.action_weights = "listen=1,like=2";
    if (data[0] & 4) o.date_cols = "year,month,day";
    static const char seps[] = {0, ',', '\t', ' '};
    o.sep = seps[(data[0] >> 3) & 3];
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    if (clout_builder_new(&b, &o, msg) != 0) abort();
    int s = add_input(b, data, size, &o, msg);
    if (s >= 0) {
        s = clout_builder_finish(&b, &G, msg);
        if (s >= 0 && clout_graph_check(G, msg) != 0) abort();
        if (s >= 0) check_since(G, data, size, &o);
    }
    clout_graph_free(&G);
    clout_builder_free(&b);
    return 0;
}
