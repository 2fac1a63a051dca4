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

/* ids from "a,b,c" or "@FILE" (one id per line, # comments) into dense indices */
static int parse_from(const char *spec, const clout_graph *G, int64_t **out, int64_t *n, char msg[CLOUT_MSG_LEN])
{
    char *text = NULL;
    const char *name = "--from";
    if (spec[0] == '@') {
        FILE *f = fopen(spec + 1, "r");
        if (!f) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: cannot open", spec + 1);
            return CLOUT_ERR_NO_INPUT;
        }
        size_t cap = 4096, len = 0;
        text = malloc(cap);
        int ch;
        while (text && (ch = fgetc(f)) != EOF) {
            if (len + 2 > cap) {
                char *t = realloc(text, cap *= 2);
                if (!t) {
                    free(text);
                    text = NULL;
                    break;
                }
                text = t;
            }
            text[len++] = (char)ch;
        }
        fclose(f);
        if (!text) return CLOUT_ERR_NOMEM;
        text[len] = '\0';
        name = spec + 1;
    } else {
        text = strdup(spec);
        if (!text) return CLOUT_ERR_NOMEM;
        for (char *p = text; *p; p++)
            if (*p == ',') *p = '\n';
    }
    int64_t cap = 16, k = 0, lineno = 0;
    int64_t *v = malloc((size_t)cap * sizeof(int64_t));
    int s = v ? CLOUT_OK : CLOUT_ERR_NOMEM;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); s == CLOUT_OK && line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        line[strcspn(line, "\r#")] = '\0';
        while (*line == ' ' || *line == '\t') line++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) line[--len] = '\0';
        if (!len) continue;
        int64_t u = clout_idmap_find(G->users, line, len);
        if (u < 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s%s%lld: no user '%.64s' in the graph", name, spec[0] == '@' ? ":" : " item ",
                     (long long)lineno, line);
            s = CLOUT_ERR_DATA;
            break;
        }
        if (k == cap) {
            int64_t *t = realloc(v, (size_t)(cap *= 2) * sizeof(int64_t));
            if (!t) {
                s = CLOUT_ERR_NOMEM;
                break;
            }
            v = t;
        }
        v[k++] = u;
    }
    free(text);
    if (s == CLOUT_OK && k == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: no users given", name);
        s = CLOUT_ERR_INVALID;
    }
    if (s != CLOUT_OK) {
        free(v);
        return s;
    }
    *out = v;
    *n = k;
    return CLOUT_OK;
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
    if (s >= 0) s = parse_from(from, G, &src, &ns, msg);
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
