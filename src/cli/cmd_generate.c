/* cmd_generate.c: clout generate rmat|ba|er: synthetic graphs for scale tests. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

enum { O_SCALE = 1, O_EDGES, O_A, O_B, O_C, O_NODES, O_M, O_DIRECTED, O_SEED, O_UNDIR };
static const cli_opt opts[] = {{"scale", 0, 1, O_SCALE}, {"edges", 0, 1, O_EDGES}, {"a", 0, 1, O_A},
                               {"b", 0, 1, O_B},         {"c", 0, 1, O_C},         {"nodes", 0, 1, O_NODES},
                               {"m", 0, 1, O_M},         {"directed", 0, 0, O_DIRECTED},
                               {"seed", 0, 1, O_SEED},   {"undirected-store", 0, 0, O_UNDIR},
                               {NULL, 0, 0, 0}};

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
    s = clout_table_begin(&t, out.f, c->fmt, 2, names, NULL, false, msg);
    for (int64_t i = 0; s >= 0 && i < e->m; i++) {
        clout_table_int(t, e->src[i]);
        clout_table_int(t, e->dst[i]);
    }
    if (s >= 0) s = clout_table_end(&t, msg);
    if (s >= 0) s = clout_outfile_commit(&out, msg);
    else clout_outfile_abort(&out);
    return s;
}

int cmd_generate(int argc, char **argv)
{
    const char *cmd = "generate", *kind = NULL, *val;
    cli_common c = {0};
    cli_parser p;
    int id;
    int64_t scale = 0, edges = -1, nodes = 0, m = 0, seed = 1;
    double a = 0.57, b = 0.19, cc = 0.19;
    bool directed = false, undir_store = false;
    cli_parser_init(&p, cmd, argc, argv, opts);
    while ((id = cli_next(&p, &val)) != -1) {
        if (id == -2) return CLOUT_EXIT_USAGE;
        int r = cli_common_opt(&c, id, val, cmd);
        if (r >= 100) return r - 100;
        if (r == 1) continue;
        bool ok = true;
        switch (id) {
        case 0:
            if (kind) return cli_usage_error(cmd, "unexpected argument '%s'", val);
            kind = val;
            break;
        case O_SCALE: ok = cli_parse_i64(val, &scale); break;
        case O_EDGES: ok = cli_parse_i64(val, &edges); break;
        case O_NODES: ok = cli_parse_i64(val, &nodes); break;
        case O_M: ok = cli_parse_i64(val, &m); break;
        case O_SEED: ok = cli_parse_i64(val, &seed) && seed >= 0; break;
        case O_A: ok = cli_parse_double(val, &a); break;
        case O_B: ok = cli_parse_double(val, &b); break;
        case O_C: ok = cli_parse_double(val, &cc); break;
        case O_DIRECTED: directed = true; break;
        case O_UNDIR: undir_store = true; break;
        default: break;
        }
        if (!ok) return cli_usage_error(cmd, "bad number '%s'", val);
    }
    if (kind == NULL) return cli_usage_error(cmd, "name a generator: rmat, ba or er");
    int code = cli_apply(&c);
    if (code) return code;
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
            if (s >= 0) s = clout_snapshot_save(G, c.out, msg);
            clout_graph_free(&G);
        } else {
            s = write_edges(&e, &c, msg);
        }
    }
    clout_edges_free(&e);
    return cli_report(s, msg);
}
