/* cmd_info.c: clout info: counts and metadata of a snapshot, as one record. */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "listen: 92834 rows, 1892 users, 17632 items; tag: ..." (malloc'd; NULL without types) */
static char *describe_actions(const clout_graph *G)
{
    if (G->nactions == 0) return NULL;
    size_t cap = (size_t)G->nactions * (CLOUT_MAX_TOKEN + 96) + 1, len = 0;
    char *s = malloc(cap);
    if (s == NULL) return NULL;
    s[0] = '\0';
    for (int a = 0; a < G->nactions; a++) {
        double rows = 0;
        int64_t users = 0, items = 0;
        char msg[CLOUT_MSG_LEN];
        clout_graph_action_counts(G, a, &rows, &users, &items, msg);
        len += (size_t)snprintf(s + len, cap - len, "%s%s: %.0f rows, %lld users, %lld items", a ? "; " : "",
                                G->action_names[a], rows, (long long)users, (long long)items);
    }
    return s;
}

static int run(int argc, char **argv)
{
    const char *path = NULL;
    cli_common c = {0};
    bool timings = false;
    const cli_opt opts[] = {CLI_OPT_FLAG("timings", &timings), CLI_END};
    int code = cli_parse("info", argc, argv, opts, &c, NULL, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL) return cli_usage_error("info", "name the snapshot: clout info G.clout");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    double t0 = clout_now();
    int s = clout_snapshot_load(&G, path, msg);
    if (s < 0) return cli_report(s, msg);
    if (timings) fprintf(stderr, "timings: load %.3f s\n", clout_now() - t0);
    double lo, hi;
    bool weighted = false;
    GrB_Index sn = 0;
    if (s >= 0) s = clout_graph_time_span(G, &lo, &hi, msg);
    if (s >= 0 && GrB_Matrix_nvals(&sn, G->S) == GrB_SUCCESS && sn > 0) {
        bool iso = false;
        GxB_Matrix_iso(&iso, G->S);
        float v = 1;
        if (iso) GrB_Matrix_reduce_FP32(&v, NULL, GrB_MAX_MONOID_FP32, G->S, NULL);
        weighted = !iso || v != 1.0f;
    }
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s < 0) {
        clout_graph_free(&G);
        return cli_report(s, msg);
    }
    static const char *names[] = {"users", "items", "social_edges", "interactions", "timed_interactions",
                                  "directed", "weighted", "time_min", "time_max", "self_loops_dropped",
                                  "bad_lines_skipped", "action_weights", "sources", "behaviour_edges",
                                  "behaviour", "actions", "pagerank_layout"};
    s = clout_table_begin(&t, out.f, c.fmt, 17, names, true, msg);
    if (s >= 0) {
        GrB_Index tn = 0;
        GrB_Matrix_nvals(&tn, G->T);
        clout_table_int(t, clout_graph_users(G));
        clout_table_int(t, clout_graph_items(G));
        clout_table_int(t, clout_graph_social_edges(G));
        clout_table_int(t, clout_graph_interactions(G));
        clout_table_int(t, (int64_t)tn);
        clout_table_bool(t, G->directed);
        clout_table_bool(t, weighted);
        if (isnan(lo)) clout_table_null(t);
        else clout_table_real(t, lo);
        if (isnan(hi)) clout_table_null(t);
        else clout_table_real(t, hi);
        clout_table_int(t, G->self_loops_dropped);
        clout_table_int(t, G->bad_lines_skipped);
        if (G->action_weights) clout_table_str(t, G->action_weights, strlen(G->action_weights));
        else clout_table_null(t);
        size_t len = 0;
        for (int i = 0; i < G->nsources; i++) len += strlen(G->sources[i]) + 1;
        char *joined = calloc(len + 1, 1);
        for (int i = 0; joined && i < G->nsources; i++) {
            if (i) strcat(joined, ";");
            strcat(joined, G->sources[i]);
        }
        clout_table_str(t, joined ? joined : "", joined ? strlen(joined) : 0);
        free(joined);
        GrB_Index bn = 0;
        if (G->B) GrB_Matrix_nvals(&bn, G->B);
        clout_table_int(t, (int64_t)bn);
        if (G->behaviour) clout_table_str(t, G->behaviour, strlen(G->behaviour));
        else clout_table_null(t);
        char *acts = describe_actions(G);
        if (acts) clout_table_str(t, acts, strlen(acts));
        else clout_table_null(t);
        free(acts);
        clout_table_bool(t, G->keep_pagerank_layout);
    }
    clout_graph_free(&G);
    return cli_finish(&out, &t, s, msg);
}

const cli_command cli_cmd_info = {"info", "counts and metadata of a snapshot",
     "Usage: clout info G.clout [--format csv|json|msgpack] [--timings]\n"
     "\n"
     "One record: users, items, social_edges (entries of S; an undirected tie counts twice),\n"
     "interactions (distinct user-item pairs), timed_interactions, directed, weighted,\n"
     "time_min, time_max, self_loops_dropped, bad_lines_skipped, action_weights, sources,\n"
     "behaviour_edges (ties of the stored behaviour graph, 0 without one) and behaviour (how it\n"
     "was built; see clout behaviour), actions (per behaviour type of the logs' action column:\n"
     "its rows, users and items), pagerank_layout (the snapshot keeps PageRank's layout: see\n"
     "clout ingest --pagerank-layout).\n"
     "  --timings            print the time taken to load the snapshot on stderr\n"
     "\n"
     "Example:\n"
     "  clout info lastfm.clout --format json\n",
    run};
