/* cmd_ingest.c: clout ingest: inputs -> .clout snapshot. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

enum {
    O_EDGES = 1, O_INTER, O_CASC, O_UNDIR, O_DEDUPE, O_HEADER, O_SKIP, O_SEP, O_UCOL, O_ICOL, O_ACOL,
    O_TCOL, O_WCOL, O_DATECOLS, O_AW, O_DAW, O_PREFIX, O_TIMINGS
};

static const cli_opt opts[] = {
    {"edges", 0, 1, O_EDGES},          {"interactions", 0, 1, O_INTER},
    {"cascades", 0, 1, O_CASC},        {"undirected", 0, 0, O_UNDIR},
    {"dedupe", 0, 1, O_DEDUPE},        {"header", 0, 0, O_HEADER},
    {"skip-bad-lines", 0, 0, O_SKIP},  {"sep", 0, 1, O_SEP},
    {"user-col", 0, 1, O_UCOL},        {"item-col", 0, 1, O_ICOL},
    {"action-col", 0, 1, O_ACOL},      {"time-col", 0, 1, O_TCOL},
    {"weight-col", 0, 1, O_WCOL},      {"date-cols", 0, 1, O_DATECOLS},
    {"action-weights", 0, 1, O_AW},    {"default-action-weight", 0, 1, O_DAW},
    {"item-prefix", 0, 1, O_PREFIX},   {"timings", 0, 0, O_TIMINGS},
    {NULL, 0, 0, 0}};

static int parse_sep(const char *v, char *sep)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) *sep = '\t';
    else if (strcmp(v, "comma") == 0) *sep = ',';
    else if (strcmp(v, "space") == 0 || strcmp(v, "whitespace") == 0) *sep = ' ';
    else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n') *sep = v[0];
    else return -1;
    return 0;
}

int cmd_ingest(int argc, char **argv)
{
    const char *cmd = "ingest";
    cli_common c = {0};
    clout_read_opts o;
    clout_read_opts_init(&o);
    bool timings = false;
    int ninputs = 0;
    cli_parser p;
    const char *val;
    int id;
    /* pass 1: options that apply to the whole graph, and validation */
    cli_parser_init(&p, cmd, argc, argv, opts);
    while ((id = cli_next(&p, &val)) != -1) {
        if (id == -2) return CLOUT_EXIT_USAGE;
        int r = cli_common_opt(&c, id, val, cmd);
        if (r >= 100) return r - 100;
        if (r == 1) continue;
        switch (id) {
        case 0: return cli_usage_error(cmd, "unexpected argument '%s': name inputs with --edges, --interactions or --cascades", val);
        case O_EDGES: case O_INTER: case O_CASC: ninputs++; break;
        case O_UNDIR: o.undirected = true; break;
        case O_HEADER: o.header = true; break;
        case O_SKIP: o.skip_bad_lines = true; break;
        case O_TIMINGS: timings = true; break;
        case O_DEDUPE:
            if (strcmp(val, "sum") == 0) o.dedupe = CLOUT_DEDUPE_SUM;
            else if (strcmp(val, "max") == 0) o.dedupe = CLOUT_DEDUPE_MAX;
            else if (strcmp(val, "first") == 0) o.dedupe = CLOUT_DEDUPE_FIRST;
            else return cli_usage_error(cmd, "--dedupe must be sum, max or first, got '%s'", val);
            break;
        case O_SEP: {
            char s;
            if (parse_sep(val, &s)) return cli_usage_error(cmd, "--sep must be tab, comma, space or one character, got '%s'", val);
            break;
        }
        case O_DAW: {
            double w;
            if (!cli_parse_double(val, &w) || w < 0)
                return cli_usage_error(cmd, "--default-action-weight needs a finite number >= 0, got '%s'", val);
            break;
        }
        default: break;
        }
    }
    if (ninputs == 0) return cli_usage_error(cmd, "no input: give --edges, --interactions or --cascades");
    if (c.out == NULL || strcmp(c.out, "-") == 0) return cli_usage_error(cmd, "give the snapshot to write with -o FILE.clout");
    int code = cli_apply(&c);
    if (code) return code;

    /* pass 2: read the inputs in order, with the per-file options seen so far */
    char msg[CLOUT_MSG_LEN] = "";
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    int s = clout_builder_new(&b, &o, msg);
    if (s < 0) return cli_report(s, msg);
    double t0 = 0;
    cli_parser_init(&p, cmd, argc, argv, opts);
    while ((id = cli_next(&p, &val)) != -1) {
        switch (id) {
        case O_SEP: parse_sep(val, &o.sep); break;
        case O_UCOL: o.user_col = val; break;
        case O_ICOL: o.item_col = val; break;
        case O_ACOL: o.action_col = val; break;
        case O_TCOL: o.time_col = val; o.date_cols = NULL; break;
        case O_WCOL: o.weight_col = val; break;
        case O_DATECOLS: o.date_cols = val; o.time_col = NULL; break;
        case O_AW: o.action_weights = val; break;
        case O_DAW: cli_parse_double(val, &o.default_action_weight); o.has_default_action_weight = true; break;
        case O_PREFIX: o.item_prefix = val; break;
        case O_EDGES: s = clout_builder_add_edges(b, val, &o, msg); break;
        case O_INTER: s = clout_builder_add_log(b, val, &o, msg); break;
        case O_CASC: s = clout_builder_add_cascades(b, val, &o, msg); break;
        default: break;
        }
        if (s > 0 && !c.quiet) cli_report(s, msg);
        if (s < 0) {
            clout_builder_free(&b);
            return cli_report(s, msg);
        }
        s = 0;
    }
    clout_read_stats st;
    clout_builder_stats(b, &st);
    t0 = clout_now();
    s = clout_builder_finish(&b, &G, msg);
    double build_s = clout_now() - t0;
    if (s < 0) {
        clout_builder_free(&b);
        return cli_report(s, msg);
    }
    t0 = clout_now();
    s = clout_snapshot_save(G, c.out, msg);
    double save_s = clout_now() - t0;
    if (s >= 0 && !c.quiet)
        fprintf(stderr, "clout: %s: %lld users, %lld items, %lld social edges, %lld interactions%s\n", c.out,
                (long long)clout_graph_users(G), (long long)clout_graph_items(G),
                (long long)clout_graph_social_edges(G), (long long)clout_graph_interactions(G),
                G->self_loops_dropped ? " (self-loops dropped)" : "");
    if (s >= 0 && timings) {
        fprintf(stderr, "timings: read %.3f s, parse %.3f s, id map %.3f s, build %.3f s, save %.3f s; %lld bytes, %.1f MB/s parsing\n",
                st.read_s, st.parse_s, st.map_s, build_s, save_s, (long long)st.bytes,
                st.bytes / 1e6 / (st.parse_s + st.map_s > 0 ? st.parse_s + st.map_s : 1e-9));
    }
    clout_graph_free(&G);
    return cli_report(s, msg);
}
