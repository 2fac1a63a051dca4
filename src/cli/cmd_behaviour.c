/* cmd_behaviour.c: clout behaviour: add the user-user graph of behaviour alone to a snapshot. */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv)
{
    const char *cmd = "behaviour", *path = NULL;
    cli_common c = {0};
    clout_behaviour_opts bo;
    clout_behaviour_opts_init(&bo);
    int64_t cap = 0, topk = -1;
    const cli_opt opts[] = {CLI_OPT_FLAG("similar", &bo.similar),
                            CLI_OPT_REAL("window", &bo.window, 0, INFINITY, CLI_OPEN_LO),
                            CLI_OPT_INT("max-followers-per-item", &cap, 0, 9.2e18),
                            CLI_OPT_INT("top-k", &topk, 0, 9.2e18),
                            CLI_OPT_REAL("min-weight", &bo.min_weight, 0, INFINITY, 0),
                            CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, NULL, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL || c.out == NULL)
        return cli_usage_error(cmd, "name the snapshot and the output: clout behaviour G.clout -o G2.clout");
    if (strcmp(c.out, "-") == 0) return cli_usage_error(cmd, "-o: a snapshot is written to a file, not to stdout");
    bo.max_followers = cap;
    bo.top_k = topk >= 0 ? topk : bo.similar ? 20 : 0;
    char msg[CLOUT_MSG_LEN] = "", desc[256];
    clout_graph *G = NULL;
    GrB_Matrix B = NULL;
    int64_t pairs = 0;
    double t0 = clout_now();
    int s = clout_snapshot_load(&G, path, msg);
    GrB_Index timed = 0;
    if (s >= 0) GrB_Matrix_nvals(&timed, G->T);
    if (s >= 0 && !bo.similar && timed == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: the log has no times, so nobody acted after anybody: give --similar for "
                 "users similar by what they did", path);
        s = CLOUT_ERR_DATA;
    }
    clout_behaviour_describe(&bo, desc, sizeof desc);
    if (s >= 0) s = clout_behaviour_graph(G, &bo, &B, &pairs, msg);
    if (s >= 0) s = clout_graph_set_behaviour(G, &B, desc, msg);
    if (s >= 0) s = clout_snapshot_save(G, c.out, msg);
    if (s >= 0 && !c.quiet) {
        GrB_Index bn = 0;
        GrB_Matrix_nvals(&bn, G->B);
        fprintf(stderr, "clout: behaviour graph (%s): %llu ties from %lld pairs in %.2f s\n", desc,
                (unsigned long long)bn, (long long)pairs, clout_now() - t0);
    }
    if (B) GrB_free(&B);
    clout_graph_free(&G);
    return cli_report(s, msg);
}

const cli_command cli_cmd_behaviour = {"behaviour", "add the user-user graph of behaviour alone to a snapshot",
     "Usage: clout behaviour G.clout -o G2.clout [--similar] [--window SECONDS]\n"
     "                       [--max-followers-per-item N] [--top-k K] [--min-weight W]\n"
     "\n"
     "Writes G.clout again with its behaviour graph B (users x users), for platforms without a\n"
     "friend list; metrics, simulate, im and compare read it with --graph behaviour (or both:\n"
     "S + B), and do so by default when the snapshot has no social ties.\n"
     "  (timed, default)     B(u,v) = sum over items i of u's weight on i (R), counted when v\n"
     "                       acted on i after u did, within --window SECONDS (default: any\n"
     "                       time later); needs a log with times\n"
     "  --similar            B(u,v) = cosine of u's and v's rows of R (what they did, with its\n"
     "                       weights), for logs without times; keeps the 20 most similar\n"
     "                       users per user unless --top-k says otherwise\n"
     "  --max-followers-per-item N  timed: of each item's later actors only the first N (by\n"
     "                       time) follow u; similar: items with more than N users are\n"
     "                       skipped (everyone's hit says little). Default: no cap\n"
     "  --top-k K            keep each user's K heaviest out-ties (0: all)\n"
     "  --min-weight W       R entries below W are not behaviour (default 0: all)\n"
     "Cost: O(|R| log |R| + pairs) time, pairs = (u, v, item) triples visited (printed);\n"
     "memory 16 bytes per tie of B while built (checked against --max-memory before the work\n"
     "starts) plus 13 bytes per user and thread. The result is the same for any --threads.\n"
     "\n"
     "Example:\n"
     "  clout behaviour lastfm_timed.clout --window 2592000 --top-k 50 -o lastfm_b.clout\n"
     "  clout im lastfm_b.clout -k 10 --graph behaviour\n",
    run};
