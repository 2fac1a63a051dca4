/* cmd_metrics.c: clout metrics: one row of key-user metrics per user (the features table). */
#include "cli.h"
#include "dist.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_timings(const clout_features *F, double load)
{
    const double *t = F->seconds;
    fprintf(stderr, "timings: pagerank transpose %.3f s\n", t[CLOUT_FT_PAGERANK_PREP]);
    fprintf(stderr, "timings: cached transpose S' %.3f s\n", t[CLOUT_FT_TRANSPOSE]);
    fprintf(stderr, "timings: load %.3f s, degrees %.3f s, pagerank %.3f s (%d iterations), core %.3f s, "
                    "betweenness %.3f s, clustering %.3f s, reach+depth %.3f s, conversion %.3f s, "
                    "ic_range %.3f s, ic_depth %.3f s\n",
            load, t[CLOUT_FT_DEGREES], t[CLOUT_FT_PAGERANK], F->pagerank_iters, t[CLOUT_FT_CORE],
            t[CLOUT_FT_BETWEENNESS], t[CLOUT_FT_CLUSTERING], t[CLOUT_FT_REACH], t[CLOUT_FT_CONVERSION],
            t[CLOUT_FT_IC_RANGE], t[CLOUT_FT_IC_DEPTH]);
}

/* user, then every column of the features table */
/* one user's row (called from several threads at once) */
typedef struct {
    const clout_graph *G;
    const clout_features *F;
    const char *params;     /* the last column, on the first row: the parameters that made the table */
} metric_rows;

static void metric_row(void *ctx, int64_t i, clout_table *t)
{
    const metric_rows *mr = ctx;
    size_t len;
    const char *name = clout_idmap_name(mr->G->users, i, &len);
    clout_table_str(t, name, len);
    for (int k = 0; k < mr->F->ncols; k++) {
        if (mr->F->cols[k].type == CLOUT_COL_INT) clout_table_int(t, mr->F->cols[k].ints[i]);
        else clout_table_real(t, mr->F->cols[k].reals[i]);
    }
    if (i == 0) clout_table_str(t, mr->params, strlen(mr->params));
    else clout_table_null(t);
}

static int write_table(const clout_graph *G, const clout_features *F, const char *params, clout_table **t, FILE *f,
                       clout_format fmt, char msg[CLOUT_MSG_LEN])
{
    const char **names = malloc((size_t)(F->ncols + 2) * sizeof(char *));
    if (names == NULL) return CLOUT_ERR_NOMEM;
    names[0] = "user";
    for (int k = 0; k < F->ncols; k++) names[k + 1] = F->cols[k].name;
    names[F->ncols + 1] = "params";
    int s = clout_table_begin(t, f, fmt, F->ncols + 2, names, false, msg);
    free(names);
    metric_rows mr = {G, F, params};
    if (s >= 0) s = clout_table_rows(*t, F->n, metric_row, &mr, msg);
    return s;
}

/* --since: epoch seconds or an ISO date, as in the logs */
static int on_option(void *ctx, int id, const char *val)
{
    if (id == 1) return cli_parse_time("metrics", "since", val, ctx);
    return cli_usage_error("metrics", "unexpected argument '%s'", val);
}

static int run(int argc, char **argv)
{
    const char *cmd = "metrics", *path = NULL, *personal_path = NULL, *model = "ic";
    cli_common c = {0};
    int64_t hops = 3, maxdepth = 32, bsamples = 0, seed = 1, rrsets = 200000, sims = 200, aregs = 7;
    bool timings = false;
    clout_features_opts fo;
    clout_features_opts_init(&fo);
    cli_diffusion dif;
    const cli_opt opts[] = {CLI_OPT_INT("hops", &hops, 1, 100000),
                            CLI_OPT_INT("max-depth", &maxdepth, 1, 100000),
                            CLI_OPT_TEXT("only", &fo.only),
                            CLI_OPT_REAL("damping", &fo.damping, 0, 1, CLI_OPEN_HI),
                            CLI_OPT_REAL("tol", &fo.tol, 0, INFINITY, CLI_OPEN_LO),
                            CLI_OPT_TEXT("personalize", &personal_path),
                            CLI_OPT_FLAG("timings", &timings),
                            CLI_OPT_INT("betweenness-samples", &bsamples, 0, 9.2e18),
                            CLI_OPT_INT("seed", &seed, 0, 9.2e18),
                            CLI_OPT_CHOICE("model", &model, "ic|lt"),
                            CLI_OPT_INT("rr-sets", &rrsets, 1, 9.2e18),
                            CLI_OPT_INT("sims", &sims, 1, 9.2e18),
                            CLI_OPT_FLAG("approx", &fo.approx),
                            CLI_OPT_INT("approx-registers", &aregs, 4, 12),
                            CLI_OPT_EVENT("since", true, 1),
                            CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, on_option, &fo.since);
    if (code) return code;
    if (path == NULL) return cli_usage_error(cmd, "name the snapshot: clout metrics G.clout");
    char msg[CLOUT_MSG_LEN] = "";
    if (clout_features_check(fo.only, msg) != CLOUT_OK) return cli_usage_error(cmd, "--only: %s", msg);
    fo.hops = (int)hops;
    fo.max_depth = (int)maxdepth;
    fo.betweenness_samples = bsamples;
    fo.seed = (uint64_t)seed;
    fo.lt = strcmp(model, "lt") == 0;
    fo.rr_sets = rrsets;
    fo.sims = sims;
    fo.approx_registers = (int)aregs;
    if (!fo.approx) cli_hint_approx();
    fo.window = dif.window;
    fo.consume = true;
    dif.pagerank = fo.only == NULL || strstr(fo.only, "pagerank") != NULL;
    /* under mpirun betweenness splits its sources, ic_depth its live-edge graphs and ic_range its
     * users over the ranks (the rest of the table is computed whole on every rank); a table
     * without them is rank 0's alone */
    bool bet = fo.only == NULL || strstr(fo.only, "betweenness") != NULL || strstr(fo.only, "ic_") != NULL;
    if (cli_dist_size() > 1 && !bet && cli_dist_rank() != 0) return CLOUT_EXIT_OK;
    if (cli_dist_size() > 1) cli_dist_partition();

    clout_graph *G = NULL;
    clout_features *F = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    double *personal = NULL, t0 = clout_now();
    int s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    double load = clout_now() - t0;
    GrB_Index timed = 0;
    if (s >= 0 && fo.since > -INFINITY && (GrB_Matrix_nvals(&timed, G->T) != GrB_SUCCESS || timed == 0)) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: --since counts timed interactions and the snapshot has none", path);
        s = CLOUT_ERR_DATA;
    }
    if (s >= 0 && personal_path) {
        personal = malloc((size_t)(clout_graph_users(G) ? clout_graph_users(G) : 1) * sizeof(double));
        s = personal ? clout_read_user_weights(G, personal_path, personal, msg) : CLOUT_ERR_NOMEM;
        fo.personal = personal;
    }
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)seed, &fo.prob, msg);
    int printer = -1;
    if (cli_dist_size() > 1 && bet) s = cli_dist_agree(s, &printer);
    cli_phase("metrics");
    if (s >= 0) {
        s = clout_features_compute(G, &fo, &F, msg);
        if (s < 0 && cli_dist_size() > 1 && bet) return cli_dist_fail(cli_exit_code(s), msg);
    }
    if (cli_dist_size() > 1 && bet) {
        if (s < 0 || cli_dist_rank() != 0) {
            code = cli_dist_rank() == printer ? cli_report(s, msg) : cli_exit_code(s);
            free(personal);
            clout_features_free(&F);
            clout_graph_free(&G);
            return code;
        }
    }
    cli_phase("write");
    double tw = clout_now();
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    char params[8192] = "";
    if (s >= 0) {
        const char **cols = malloc((size_t)(F->ncols + 1) * sizeof(char *));
        for (int k = 0; cols && k < F->ncols; k++) cols[k] = F->cols[k].name;
        size_t len = cols ? cli_params(G, &dif, &fo, cols, F->ncols, params, sizeof params) : 0;
        if (cols == NULL) s = CLOUT_ERR_NOMEM;
        else if (personal_path)
            cli_appendf(params, sizeof params, &len, " personalize=%s", personal_path);
        free(cols);
    }
    if (s >= 0) s = write_table(G, F, params, &t, out.f, c.fmt, msg);
    code = cli_finish(&out, &t, s, msg);
    if (code == 0 && timings) {
        print_timings(F, load);
        fprintf(stderr, "timings: write %.3f s\n", clout_now() - tw);
    }
    if (code == 0 && F->pagerank_iters > 0 && !c.quiet)
        fprintf(stderr, "clout: pagerank converged in %d iterations\n", F->pagerank_iters);
    free(personal);
    clout_features_free(&F);
    clout_graph_free(&G);
    return code;
}

const cli_command cli_cmd_metrics = {"metrics", "key-user metrics: degrees, PageRank, k-core, reach, depth, conversion",
     "Usage: clout metrics G.clout [--hops D] [--only COLS] [-o metrics.csv]\n"
     "\n"
     "One row per user (column user: the input's id) with the columns:\n"
     "  out_degree, in_degree, w_out_degree   ties out of / into the user; summed out-weight\n"
     "  pagerank             on S, weighted, dangling users jump to the teleport distribution;\n"
     "                       --damping D (0.85), --tol T (L1 change, 1e-10),\n"
     "                       --personalize FILE (lines: user [weight]) for personalized PageRank;\n"
     "                       reads the snapshot's kept layout when it has one (clout ingest\n"
     "                       --pagerank-layout) instead of transposing S\n"
     "  core                 k-core number of the undirected view of S\n"
     "  betweenness          shortest paths by hops through u (Brandes, sources over the\n"
     "                       threads, the same bits for any --threads); with\n"
     "                       --betweenness-samples N estimated from N sampled sources (--seed S)\n"
     "  clustering           local clustering coefficient of the undirected view (triangles\n"
     "                       by the forward algorithm, OpenMP)\n"
     "  ic_range, ic_range_se  expected number of users a cascade from u alone activates (u\n"
     "                       included) under --model ic (default) or lt, for all users at once from\n"
     "                       --rr-sets N reverse-reachable sets (default 200000), with its\n"
     "                       standard error; --prob wc|const:P|trivalency|weight|learned\n"
     "                       (default wc; learned uses --window and --prob-smoothing a,b)\n"
     "  ic_depth             expected rounds of u's cascade, for all users at once from --sims N\n"
     "                       sampled live-edge graphs (default 200); --seed S for both\n"
     "  reach_1..reach_D     users other than u within d hops along S (D = --hops, default 3),\n"
     "                       exact, by multi-source BFS in GraphBLAS\n"
     "  depth, mean_hops     the largest hop at which u still reaches a new user (0 without\n"
     "                       out-ties) and the mean distance to the users it reaches, both\n"
     "                       within --max-depth M hops (default 32)\n"
     "  --approx             reach, depth and mean_hops from HyperANF counters of 2^B registers\n"
     "                       (--approx-registers B, default 7): relative standard error\n"
     "                       1.04/sqrt(2^B), 9.2% by default; for graphs where exact\n"
     "                       neighbourhoods are too large\n"
     "  adoptions            items u interacted with\n"
     "  exposures            over u's timed adoptions: out-neighbours that had not adopted the\n"
     "                       item before u\n"
     "  conversions          exposed out-neighbours that adopted the item after u, within\n"
     "                       --window SECONDS (default: no limit)\n"
     "  conversion_rate      conversions / exposures (0 without exposures)\n"
     "  --since T            the four counted after T (epoch seconds or a date) on the whole\n"
     "                       log: adoptions timed after T, exposures still open after T,\n"
     "                       conversions whose follower adopted after T (the user's adoption may\n"
     "                       be earlier): the observed influence of the period after T\n"
     "--only COLS computes only the named columns (comma-separated).\n"
     "\n"
     "Example:\n"
     "  clout metrics lastfm.clout --hops 2 --only pagerank,reach_2,conversion_rate -o metrics.csv\n"
     "  clout metrics wiki.clout --only ic_range,ic_depth --model lt --prob wc\n",
    run};
