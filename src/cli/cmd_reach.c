/* cmd_reach.c: clout reach: for given users, how many users each reaches at every hop. */
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    clout_table *t;
    const clout_graph *G;
    const int64_t *src;
} list_ctx;

/* one row per reached user: source, hop, user */
static void list_row(void *ctx, int64_t s, int hop, int64_t user)
{
    list_ctx *c = ctx;
    size_t len;
    const char *name = clout_idmap_name(c->G->users, c->src[s], &len);
    clout_table_str(c->t, name, len);
    clout_table_int(c->t, hop);
    name = clout_idmap_name(c->G->users, user, &len);
    clout_table_str(c->t, name, len);
}

static int run(int argc, char **argv)
{
    const char *cmd = "reach", *path = NULL, *from = NULL;
    cli_common c = {0};
    int64_t hops = 3;
    bool timings = false, list = false;
    const cli_opt opts[] = {CLI_OPT_TEXT("from", &from), CLI_OPT_INT("hops", &hops, 1, 100000),
                            CLI_OPT_FLAG("timings", &timings), CLI_OPT_FLAG("list", &list), CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, NULL, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL || from == NULL) return cli_usage_error(cmd, "usage: clout reach G.clout --from USERS --hops D");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    int64_t *src = NULL, ns = 0, *newc = NULL;
    double t0 = clout_now();
    int s = clout_snapshot_load(&G, path, msg);
    double t1 = clout_now();
    if (s >= 0) s = cli_read_users(from, G, &src, &ns, msg);
    double t2 = clout_now();
    if (s >= 0 && (newc = malloc((size_t)ns * (size_t)(hops + 1) * sizeof(int64_t))) == NULL) s = CLOUT_ERR_NOMEM;
    if (s >= 0 && !list) s = clout_reach(G, src, ns, (int)hops, newc, msg);
    if (s >= 0 && !list && timings)
        fprintf(stderr, "timings: load %.3f s, ids %.3f s, reach %.3f s\n", t1 - t0, t2 - t1, clout_now() - t2);
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    static const char *ln[] = {"user", "hop", "reached_user"}, *names[] = {"user", "hop", "new", "reached"};
    if (s >= 0) s = clout_table_begin(&t, out.f, c.fmt, list ? 3 : 4, list ? ln : names, false, msg);
    if (s >= 0 && list) {
        /* --list: stream the reached users straight into the table */
        list_ctx lc = {t, G, src};
        s = clout_reach_list(G, src, ns, (int)hops, newc, list_row, &lc, msg);
    }
    for (int64_t k = 0; s >= 0 && !list && k < ns; k++) {
        size_t len;
        const char *name = clout_idmap_name(G->users, src[k], &len);
        int64_t cum = 0;
        for (int64_t d = 1; d <= hops; d++) {
            cum += newc[k * (hops + 1) + d];
            clout_table_str(t, name, len);
            clout_table_int(t, d);
            clout_table_int(t, newc[k * (hops + 1) + d]);
            clout_table_int(t, cum);
        }
    }
    free(src);
    free(newc);
    clout_graph_free(&G);
    return cli_finish(&out, &t, s, msg);
}

const cli_command cli_cmd_reach = {"reach", "users reached per hop from given users (multi-source BFS)",
     "Usage: clout reach G.clout --from USERS [--hops D]\n"
     "\n"
     "  --from USERS         comma-separated user ids, or @FILE as for clout simulate --seeds\n"
     "  --hops D             hops to follow along S's edge direction (default 3)\n"
     "Rows user,hop,new,reached: users first reached at that hop, and all reached within it\n"
     "(the user itself not counted).\n"
     "  --list               instead, one row per reached user: user,hop,reached_user\n"
     "\n"
     "Example:\n"
     "  clout reach lastfm.clout --from 2,275 --hops 3\n",
    run};
