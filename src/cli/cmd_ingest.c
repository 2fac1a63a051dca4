/* cmd_ingest.c: clout ingest: inputs -> .clout snapshot. */
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_EDGES = 1, O_INTER, O_CASC, O_SEP, O_UCOL, O_ICOL, O_ACOL, O_TCOL, O_WCOL, O_DATECOLS, O_AW, O_DAW, O_PREFIX, O_ACTION, O_COLUMNS, O_REVERSE, O_FORWARD };

/* One input, with the per-file options in force where it was named. */
typedef struct {
    int kind;
    const char *path;
    clout_read_opts o;
} input;

typedef struct {
    clout_read_opts o;      /* the per-file options seen so far */
    input *in;
    int n;
    const cli_opt *opts;
    const char *dangling;   /* a per-file option given after the last input */
} ingest_ctx;

static int parse_sep(const char *v, char *sep)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) *sep = '\t';
    else if (strcmp(v, "comma") == 0) *sep = ',';
    else if (strcmp(v, "space") == 0 || strcmp(v, "whitespace") == 0) *sep = ' ';
    else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n') *sep = v[0];
    else return -1;
    return 0;
}

static int on_option(void *vctx, int id, const char *val)
{
    ingest_ctx *x = vctx;
    clout_read_opts *o = &x->o;
    double w;
    x->dangling = NULL;
    switch (id) {
    case 0: return cli_usage_error("ingest", "unexpected argument '%s': name inputs with --edges, --interactions or --cascades", val);
    case O_EDGES: case O_INTER: case O_CASC: x->in[x->n++] = (input){id, val, *o}; return 0;
    case O_SEP:
        if (parse_sep(val, &o->sep)) return cli_usage_error("ingest", "--sep must be tab, comma, space or one character, got '%s'", val);
        break;
    case O_UCOL: o->user_col = val; break;
    case O_ICOL: o->item_col = val; break;
    case O_ACOL: o->action_col = val; break;
    case O_TCOL: o->time_col = val; o->date_cols = NULL; break;
    case O_WCOL: o->weight_col = val; break;
    case O_DATECOLS: o->date_cols = val; o->time_col = NULL; break;
    case O_AW: o->action_weights = val; break;
    case O_DAW:
        if (!cli_parse_double(val, &w) || w < 0)
            return cli_usage_error("ingest", "--default-action-weight needs a finite number >= 0, got '%s'", val);
        o->default_action_weight = w;
        o->has_default_action_weight = true;
        break;
    case O_PREFIX: o->item_prefix = val; break;
    case O_ACTION:
        if (!*val) return cli_usage_error("ingest", "--action needs a behaviour type name such as listen");
        o->action = val;
        break;
    case O_COLUMNS: o->columns = *val ? val : NULL; break;
    case O_REVERSE: o->reverse = true; break;
    case O_FORWARD: o->reverse = false; break;
    default: break;
    }
    for (const cli_opt *p = x->opts; p->name; p++)
        if (p->id == id) x->dangling = p->name;
    return 0;
}

static int run(int argc, char **argv)
{
    const char *cmd = "ingest", *dedupe = "sum", *aggregate = "sum";
    cli_common c = {0};
    bool undirected = false, header = false, skip = false, timings = false, pr_layout = false;
    ingest_ctx x = {.n = 0};
    clout_read_opts_init(&x.o);
    const cli_opt opts[] = {
        CLI_OPT_EVENT("edges", 1, O_EDGES),          CLI_OPT_EVENT("interactions", 1, O_INTER),
        CLI_OPT_EVENT("cascades", 1, O_CASC),        CLI_OPT_FLAG("undirected", &undirected),
        CLI_OPT_CHOICE("dedupe", &dedupe, "sum|max|first"), CLI_OPT_FLAG("header", &header),
        CLI_OPT_CHOICE("aggregate", &aggregate, "sum|max|last|count"),
        CLI_OPT_FLAG("skip-bad-lines", &skip),       CLI_OPT_EVENT("sep", 1, O_SEP),
        CLI_OPT_FLAG("pagerank-layout", &pr_layout),
        CLI_OPT_EVENT("user-col", 1, O_UCOL),        CLI_OPT_EVENT("item-col", 1, O_ICOL),
        CLI_OPT_EVENT("action-col", 1, O_ACOL),      CLI_OPT_EVENT("time-col", 1, O_TCOL),
        CLI_OPT_EVENT("weight-col", 1, O_WCOL),      CLI_OPT_EVENT("date-cols", 1, O_DATECOLS),
        CLI_OPT_EVENT("action-weights", 1, O_AW),    CLI_OPT_EVENT("default-action-weight", 1, O_DAW),
        CLI_OPT_EVENT("item-prefix", 1, O_PREFIX),   CLI_OPT_FLAG("timings", &timings),
        CLI_OPT_EVENT("action", 1, O_ACTION),        CLI_OPT_EVENT("columns", 1, O_COLUMNS),
        CLI_OPT_EVENT("reverse", 0, O_REVERSE),      CLI_OPT_EVENT("forward", 0, O_FORWARD),
        CLI_END};
    x.opts = opts;
    if ((x.in = malloc((size_t)(argc + 1) * sizeof(input))) == NULL) return cli_report(CLOUT_ERR_NOMEM, "out of memory");
    int code = cli_parse(cmd, argc, argv, opts, &c, NULL, NULL, on_option, &x);
    if (code == 0 && x.n == 0) code = cli_usage_error(cmd, "no input: give --edges, --interactions or --cascades");
    if (code == 0 && x.dangling)
        code = cli_usage_error(cmd, "--%s comes after the last input, so it applies to no file: put it before the file it describes",
                               x.dangling);
    if (code == 0 && (c.out == NULL || strcmp(c.out, "-") == 0))
        code = cli_usage_error(cmd, "give the snapshot to write with -o FILE.clout");
    for (int k = 0; code == 0 && k < x.n; k++)
        if (cli_same_file(x.in[k].path, c.out))
            code = cli_usage_error(cmd, "the output %s is one of the inputs: write it elsewhere", c.out);
    if (code) {
        free(x.in);
        return code;
    }
    /* options that describe the whole graph hold wherever they were given */
    clout_dedupe rule = strcmp(dedupe, "max") == 0 ? CLOUT_DEDUPE_MAX
                        : strcmp(dedupe, "first") == 0 ? CLOUT_DEDUPE_FIRST : CLOUT_DEDUPE_SUM;
    for (int i = 0; i <= x.n; i++) {
        clout_read_opts *o = i < x.n ? &x.in[i].o : &x.o;
        o->undirected = undirected;
        o->header = header;
        o->skip_bad_lines = skip;
        o->dedupe = rule;
        o->aggregate = strcmp(aggregate, "max") == 0     ? CLOUT_AGG_MAX
                       : strcmp(aggregate, "last") == 0  ? CLOUT_AGG_LAST
                       : strcmp(aggregate, "count") == 0 ? CLOUT_AGG_COUNT
                                                         : CLOUT_AGG_SUM;
    }

    char msg[CLOUT_MSG_LEN] = "";
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    int s = clout_builder_new(&b, &x.o, msg);
    for (int i = 0; s >= 0 && i < x.n; i++) {
        const input *in = &x.in[i];
        s = in->kind == O_EDGES ? clout_builder_add_edges(b, in->path, &in->o, msg)
            : in->kind == O_INTER ? clout_builder_add_log(b, in->path, &in->o, msg)
                                  : clout_builder_add_cascades(b, in->path, &in->o, msg);
        if (s > 0 && !c.quiet) cli_report(s, msg);
    }
    /* the library names no option: say which one helps */
    size_t ml = strlen(msg);
    if (s < 0 && strstr(msg, "is a header, not a tie")) snprintf(msg + ml, CLOUT_MSG_LEN - ml, "; give --header");
    if (s < 0 && strstr(msg, "give each file its own item prefix"))
        snprintf(msg + ml, CLOUT_MSG_LEN - ml, " (--item-prefix P before it)");
    free(x.in);
    if (s < 0) {
        clout_builder_free(&b);
        return cli_report(s, msg);
    }
    double t0 = 0;
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
    G->keep_pagerank_layout = pr_layout;
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

const cli_command cli_cmd_ingest = {"ingest", "read edge lists, interaction logs and cascades into a .clout snapshot",
     "Usage: clout ingest [options] INPUTS... -o G.clout\n"
     "\n"
     "Inputs (any number, read in the order given; .gz files are read directly):\n"
     "  --edges FILE         social ties, one per line: src dst [weight], separated by spaces,\n"
     "                       tabs or commas; lines starting with # or % are comments\n"
     "  --interactions FILE  a delimited log whose first row names its columns\n"
     "  --cascades FILE      one cascade per line: seed u1 t1 u2 t2 ... (the seed at time 0);\n"
     "                       cascade k becomes item PREFIXk\n"
     "\n"
     "Social graph:\n"
     "  --undirected         store both directions of every tie\n"
     "  --dedupe RULE        repeated ties: sum (default), max or first\n"
     "  --header             edge lists: skip the first line\n"
     "  --pagerank-layout    keep PageRank's layout in the snapshot (S transposed, users by\n"
     "                       decreasing out-degree: 4 bytes a tie more, 8 if weighted), so metrics\n"
     "                       computes PageRank without building it; checked (checksums) on load\n"
     "Options that describe the input files that FOLLOW them on the command line:\n"
     "  --sep C              log separator: tab, comma, space (runs of blanks) or one character;\n"
     "                       default: detected from the header (tab, else comma, else blanks)\n"
     "  --user-col NAME      (default user)    --item-col NAME (default item)\n"
     "  --action-col NAME    (default action)  --weight-col NAME (default weight)\n"
     "  --time-col NAME      (default time): epoch seconds (integer or fractional) or ISO-8601\n"
     "                       YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+HH:MM]; an empty cell means no time\n"
     "  --date-cols Y,M,D    time assembled from three integer columns (midnight UTC)\n"
     "  --action-weights L   e.g. listen=1,like=2,share=4: weight of each action; an action\n"
     "                       not listed is an error unless --default-action-weight W is given\n"
     "  --reverse            edge lists: each line u v is the tie v -> u; for trust and follow\n"
     "                       lists (u trusts v: v influences u); --forward undoes it\n"
     "  --action TYPE        every row of the file is this behaviour type (a log without an\n"
     "                       action column: Last.fm's listening counts, its tags)\n"
     "  --columns A,B,...    the file has no header row: these are its column names (\"\":\n"
     "                       back to a header row)\n"
     "  --item-prefix P      prepended to item ids (default: none for logs, the file name\n"
     "                       up to its first dot plus ':' for cascades)\n"
     "Row weight = action weight x weight column (each 1 when absent). Repeated (user, item)\n"
     "rows are combined into R by --aggregate: sum (default), max, last (the latest row's\n"
     "weight; rows without a time count as older; ties: the later row) or count (rows);\n"
     "time = the earliest. Each action type (the action column's values) is also kept apart:\n"
     "its rows and first time per user and item (clout info lists them; score and keyusers\n"
     "read them as features act_TYPE and conv_TYPE).\n"
     "\n"
     "Bad input:\n"
     "  --skip-bad-lines     skip malformed lines with one warning and a count (default: stop\n"
     "                       at the first with FILE:LINE: what was expected, exit 65)\n"
     "  --timings            print the time of each phase on stderr\n"
     "\n"
     "Example:\n"
     "  clout ingest --undirected --dedupe max --header --edges datasets/lastfm_hetrec2011/user_friends.dat \\\n"
     "      --user-col userID --item-col artistID --interactions datasets/lastfm_hetrec2011/user_artists.dat.gz \\\n"
     "      -o lastfm.clout\n",
    run};
