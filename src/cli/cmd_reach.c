/* cmd_reach.c: clout reach: for given users, how many users each reaches at every hop. */
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_FROM = 1, O_HOPS, O_TIMINGS, O_LIST };
static const cli_opt opts[] = {{"from", 0, 1, O_FROM}, {"hops", 0, 1, O_HOPS}, {"timings", 0, 0, O_TIMINGS},
                               {"list", 0, 0, O_LIST}, {NULL, 0, 0, 0}};

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

int cmd_reach(int argc, char **argv)
{
    const char *cmd = "reach", *path = NULL, *from = NULL, *val;
    cli_common c = {0};
    cli_parser p;
    int id;
    int64_t hops = 3;
    bool timings = false, list = false;
    cli_parser_init(&p, cmd, argc, argv, opts);
    while ((id = cli_next(&p, &val)) != -1) {
        if (id == -2) return CLOUT_EXIT_USAGE;
        int r = cli_common_opt(&c, id, val, cmd);
        if (r >= 100) return r - 100;
        if (r == 1) continue;
        if (id == 0) {
            if (path) return cli_usage_error(cmd, "one snapshot at a time ('%s' and '%s')", path, val);
            path = val;
        } else if (id == O_TIMINGS) {
            timings = true;
        } else if (id == O_LIST) {
            list = true;
        } else if (id == O_FROM) {
            from = val;
        } else if (id == O_HOPS && !(cli_parse_i64(val, &hops) && hops >= 1 && hops <= 100000)) {
            return cli_usage_error(cmd, "--hops needs a whole number from 1 to 100000, got '%s'", val);
        }
    }
    if (path == NULL || from == NULL) return cli_usage_error(cmd, "usage: clout reach G.clout --from USERS --hops D");
    int code = cli_apply(&c);
    if (code) return code;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    int64_t *src = NULL, ns = 0, *newc = NULL;
    double t0 = clout_now();
    int s = clout_snapshot_load(&G, path, msg);
    double t1 = clout_now();
    if (s >= 0) s = cli_read_users(from, true, G, &src, &ns, msg);
    double t2 = clout_now();
    if (s >= 0 && list) {
        /* --list: stream the reached users straight into the table */
        static const char *ln[] = {"user", "hop", "reached_user"};
        newc = malloc((size_t)ns * (size_t)(hops + 1) * sizeof(int64_t));
        s = newc ? clout_outfile_open(&out, c.out, msg) : CLOUT_ERR_NOMEM;
        if (s >= 0) s = clout_table_begin(&t, out.f, c.fmt, 3, ln, NULL, false, msg);
        list_ctx lc = {t, G, src};
        if (s >= 0) s = clout_reach_list(G, src, ns, (int)hops, newc, list_row, &lc, msg);
        if (s >= 0) s = clout_table_end(&t, msg);
        else clout_table_end(&t, msg);
        if (s >= 0) s = clout_outfile_commit(&out, msg);
        else clout_outfile_abort(&out);
        free(src);
        free(newc);
        clout_graph_free(&G);
        return cli_report(s, msg);
    }
    if (s >= 0) {
        newc = malloc((size_t)ns * (size_t)(hops + 1) * sizeof(int64_t));
        s = newc ? clout_reach(G, src, ns, (int)hops, newc, msg) : CLOUT_ERR_NOMEM;
    }
    if (s >= 0 && timings)
        fprintf(stderr, "timings: load %.3f s, ids %.3f s, reach %.3f s\n", t1 - t0, t2 - t1, clout_now() - t2);
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        static const char *names[] = {"user", "hop", "new", "reached"};
        s = clout_table_begin(&t, out.f, c.fmt, 4, names, NULL, false, msg);
        for (int64_t k = 0; s >= 0 && k < ns; k++) {
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
        if (s >= 0) s = clout_table_end(&t, msg);
        if (s >= 0) s = clout_outfile_commit(&out, msg);
        else clout_outfile_abort(&out);
    }
    free(src);
    free(newc);
    clout_graph_free(&G);
    return cli_report(s, msg);
}
