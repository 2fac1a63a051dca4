/* cmd_generate.c: clout generate rmat|ba|er: synthetic graphs for scale tests. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int write_edges(const clout_edges *e, const cli_common *c, char msg[CLOUT_MSG_LEN])
{
    clout_outfile out = {0};
    clout_table *t = NULL;
    int s = clout_outfile_open(&out, c->out, msg);
    if (s < 0) return s;
    static const char *names[] = {"src", "dst"};
    s = clout_table_begin(&t, out.f, c->fmt, 2, names, false, msg);
    for (int64_t i = 0; s >= 0 && i < e->m; i++) {
        clout_table_int(t, e->src[i]);
        clout_table_int(t, e->dst[i]);
    }
    return cli_close(&out, &t, s, msg);
}

/* the positional argument: the generator's name */
static int take_kind(void *ctx, int id, const char *val)
{
    const char **kind = ctx;
    if (id != 0 || *kind) return cli_usage_error("generate", "unexpected argument '%s'", val);
    *kind = val;
    return 0;
}

static int run(int argc, char **argv)
{
    const char *cmd = "generate", *kind = NULL;
    cli_common c = {0};
    int64_t scale = 0, edges = -1, nodes = 0, m = 0, seed = 1;
    double a = 0.57, b = 0.19, cc = 0.19;
    bool directed = false, undir_store = false, pr_layout = false;
    const cli_opt opts[] = {CLI_OPT_INT("scale", &scale, 1, 62),        CLI_OPT_INT("edges", &edges, 0, 4.6e18),
                            CLI_OPT_REAL("a", &a, 0, 1, 0),             CLI_OPT_REAL("b", &b, 0, 1, 0),
                            CLI_OPT_REAL("c", &cc, 0, 1, 0),            CLI_OPT_INT("nodes", &nodes, 1, 4.6e18),
                            CLI_OPT_INT("m", &m, 1, 2147483647),        CLI_OPT_FLAG("directed", &directed),
                            CLI_OPT_INT("seed", &seed, 0, 9.2e18),      CLI_OPT_FLAG("undirected-store", &undir_store),
                            CLI_OPT_FLAG("pagerank-layout", &pr_layout), CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, NULL, NULL, take_kind, &kind);
    if (code) return code;
    if (kind == NULL) return cli_usage_error(cmd, "name a generator: rmat, ba or er");
    char msg[CLOUT_MSG_LEN] = "";
    clout_edges e = {0};
    int s;
    bool graph_directed = true;
    if (strcmp(kind, "rmat") == 0) {
        if (scale <= 0) return cli_usage_error(cmd, "rmat needs --scale S");
        if (edges < 0) edges = 16 * (INT64_C(1) << scale);
        s = clout_generate_rmat(&e, (int)scale, edges, a, b, cc, (uint64_t)seed, msg);
    } else if (strcmp(kind, "ba") == 0) {
        if (nodes <= 0 || m <= 0) return cli_usage_error(cmd, "ba needs --nodes N and --m M");
        s = clout_generate_ba(&e, nodes, m, directed, (uint64_t)seed, msg);
        graph_directed = directed;
    } else if (strcmp(kind, "er") == 0) {
        if (nodes <= 0 || edges < 0) return cli_usage_error(cmd, "er needs --nodes N and --edges M");
        s = clout_generate_er(&e, nodes, edges, directed, (uint64_t)seed, msg);
        graph_directed = directed;
    } else {
        return cli_usage_error(cmd, "unknown generator '%s': rmat, ba or er", kind);
    }
    if (s == CLOUT_ERR_INVALID) {
        fprintf(stderr, "clout generate: %s\n", msg);
        return CLOUT_EXIT_USAGE;
    }
    if (s >= 0) {
        if (c.out && ends_with(c.out, ".clout")) {
            clout_graph *G = NULL;
            s = clout_graph_from_edges(&G, &e, graph_directed && !undir_store, msg);
            if (s >= 0) G->keep_pagerank_layout = pr_layout;
            if (s >= 0) s = clout_snapshot_save(G, c.out, msg);
            clout_graph_free(&G);
        } else {
            s = write_edges(&e, &c, msg);
        }
    }
    clout_edges_free(&e);
    return cli_report(s, msg);
}

const cli_command cli_cmd_generate = {"generate", "synthetic graphs: R-MAT, Barabasi-Albert, Erdos-Renyi",
     "Usage: clout generate rmat|ba|er [options] [-o FILE]\n"
     "\n"
     "  rmat: --scale S (2^S users) --edges M (draws) --a A --b B --c C (default .57 .19 .19);\n"
     "        duplicates and self-loops removed, so fewer than M edges remain\n"
     "  ba:   --nodes N --m M [--directed]: Barabasi-Albert, M edges per new node (igraph)\n"
     "  er:   --nodes N --edges M [--directed]: uniform random graph G(n, m) (igraph)\n"
     "  --seed S             (default 1) the same seed gives the same graph\n"
     "  --undirected-store   with -o G.clout, store ties in both directions\n"
     "  --pagerank-layout    with -o G.clout, keep PageRank's layout (see clout help ingest)\n"
     "With -o FILE.clout a snapshot is written (users named 0..n-1); otherwise the edge list\n"
     "as a table src,dst.\n"
     "\n"
     "Example:\n"
     "  clout generate rmat --scale 16 --edges 1048576 --seed 1 -o rmat16.clout\n",
    run};
