/* cmd_compare.c: clout compare: the experiment IM papers run. Every algorithm picks seeds once,
 * for the largest k; the seed sets for the other k are its prefixes, all scored by one Monte Carlo
 * evaluator (the same simulations for every seed set) in one pass per algorithm. */
#include "cli.h"
#include "dist.h"
#include "report_internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXA 8
#define MAXK 64

typedef struct {
    char name[32];
    int64_t k[MAXK];
    double spread[MAXK], se[MAXK], secs[MAXK];
} series;

/* k seeds by one algorithm: imm and opim-c with delta 1/n and the default estimate error */
static int pick(clout_graph *G, const clout_influence *P, bool lt, const char *algo, int64_t k, double eps,
                int64_t sims, uint64_t seed, int64_t *seeds, char msg[CLOUT_MSG_LEN])
{
    clout_im_params prm;
    clout_im_params_init(&prm);
    clout_im_algo_parse(algo, &prm.algo);
    prm.lt = lt;
    prm.k = (int)k;
    prm.eps = eps;
    prm.sims = sims;
    prm.seed = seed;
    double *sp = malloc((size_t)k * sizeof(double));
    if (!sp) return CLOUT_ERR_NOMEM;
    int s = clout_im_select(G, P, &prm, seeds, sp, NULL, msg);
    free(sp);
    return s;
}

/* A standalone SVG: spread against k, one line per algorithm with 95% confidence bars; each line
 * has its own colour, dash and marker, and the lines are shifted apart slightly along k so that
 * overlapping ones and their bars stay visible (svg.c). */
static void plot(FILE *f, const series *ser, int na, int nk, const char *title)
{
    double x[MAXA][MAXK], lo[MAXA][MAXK], hi[MAXA][MAXK];
    svg_series s[MAXA];
    for (int a = 0; a < na; a++) {
        for (int i = 0; i < nk; i++) {
            x[a][i] = (double)ser[a].k[i];
            lo[a][i] = ser[a].spread[i] - 1.96 * ser[a].se[i];
            hi[a][i] = ser[a].spread[i] + 1.96 * ser[a].se[i];
        }
        s[a] = (svg_series){.name = ser[a].name, .n = nk, .x = x[a], .y = ser[a].spread, .lo = lo[a], .hi = hi[a],
                            .style = -1};
    }
    svg_chart c = {.id = "spread", .title = title, .xlabel = "seeds k (bars: 95% confidence interval)",
                   .ylabel = "expected spread", .yzero = true, .dodge = true, .xint = true, .width = 760, .height = 440};
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg_lines(f, &c, s, na);
}

static int run(int argc, char **argv)
{
    const char *cmd = "compare", *path = NULL, *algos = "imm,opim-c,degree-discount,pagerank,degree", *ks = "1,5,10,25,50";
    const char *plotf = NULL, *model = "ic";
    cli_common c = {0};
    int64_t sims = 10000, seed = 1;
    double eps = 0.1;
    cli_diffusion dif;
    bool timings = false;
    const cli_opt opts[] = {CLI_OPT_FLAG("timings", &timings), CLI_OPT_TEXT("algos", &algos), {"k", 'k', CLI_TEXT, &ks, 0, 0, 0, NULL, 0},
                            CLI_OPT_INT("sims", &sims, 1, 1000000000), CLI_OPT_INT("seed", &seed, 0, 9.2e18),
                            CLI_OPT_TEXT("plot", &plotf), CLI_OPT_REAL("epsilon", &eps, 0, 1, CLI_OPEN_LO | CLI_OPEN_HI),
                            CLI_OPT_CHOICE("model", &model, "ic|lt"), CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    bool lt = strcmp(model, "lt") == 0;
    char mmsg[CLOUT_MSG_LEN];
    if (clout_memory_fits(8.0 * MAXK * (double)sims, "the simulations' sizes", CLOUT_ERR_INVALID, mmsg) != CLOUT_OK)
        return cli_usage_error(cmd, "--sims %lld: %s", (long long)sims, mmsg);
    if (path == NULL) return cli_usage_error(cmd, "usage: clout compare G.clout [--algos A,B] [-k 1,5,10]");
    series ser[MAXA];
    int na = 0, nk = 0;
    int64_t kv[MAXK];
    char buf[512];
    snprintf(buf, sizeof buf, "%s", algos);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        clout_im_algo algo;
        if (clout_im_algo_parse(t, &algo) != CLOUT_OK)
            return cli_usage_error(cmd, "--algos: '%s' is not imm, opim-c, celf, degree, degree-discount or pagerank", t);
        if (na == MAXA) return cli_usage_error(cmd, "--algos: at most %d algorithms", MAXA);
        memset(&ser[na], 0, sizeof ser[na]);
        snprintf(ser[na++].name, sizeof ser[0].name, "%s", t);
    }
    snprintf(buf, sizeof buf, "%s", ks);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        int64_t k;
        if (!cli_parse_i64(t, &k) || k < 1) return cli_usage_error(cmd, "-k: '%s' is not a whole number >= 1", t);
        if (nk == MAXK) return cli_usage_error(cmd, "-k: at most %d values", MAXK);
        kv[nk++] = k;
    }
    if (na == 0 || nk == 0) return cli_usage_error(cmd, "give at least one algorithm and one k");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_influence *P = NULL;
    clout_prob_model pm;
    int64_t kmax = 0, *seeds = NULL, *sizes = NULL;
    for (int i = 0; i < nk; i++) kmax = kv[i] > kmax ? kv[i] : kmax;
    int s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    if (s >= 0 && kmax > clout_graph_users(G)) {
        int64_t n = clout_graph_users(G);
        clout_graph_free(&G);
        return cli_usage_error(cmd, "-k %lld exceeds the %lld users", (long long)kmax, (long long)n);
    }
    cli_phase("probabilities");
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)seed, &pm, msg);
    if (s >= 0) s = clout_influence_new(&P, G, &pm, 0, msg);
    cli_phase(NULL);
    cli_dist_partition(); /* IMM and OPIM-C select with their RR sets split over the ranks */
    if (cli_dist_size() > 1) {
        /* the ranks agree on the inputs before the work */
        int printer;
        s = cli_dist_agree(s, &printer);
        if (s < 0) {
            int code = cli_dist_rank() == printer ? cli_report(s, msg) : cli_exit_code(s);
            clout_influence_free(&P);
            clout_graph_free(&G);
            return code;
        }
    }
    /* the k values in increasing order (prefix sizes), each row pointing back to its place */
    int64_t ksorted[MAXK];
    int at[MAXK];
    for (int i = 0; i < nk; i++) ksorted[i] = kv[i];
    for (int i = 1; i < nk; i++)
        for (int j = i; j > 0 && ksorted[j] < ksorted[j - 1]; j--) {
            int64_t t = ksorted[j];
            ksorted[j] = ksorted[j - 1];
            ksorted[j - 1] = t;
        }
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < nk; j++)
            if (ksorted[j] == kv[i]) at[i] = j;
    if (s >= 0) {
        seeds = malloc((size_t)kmax * sizeof(int64_t));
        sizes = malloc((size_t)sims * (size_t)nk * sizeof(int64_t));
        if (!seeds || !sizes) s = CLOUT_ERR_NOMEM;
    }
    /* each algorithm selects once, at the largest k; the seed sets for the smaller k are its
     * prefixes (what a greedy algorithm picks first), all scored in one pass of simulations */
    for (int a = 0; s >= 0 && a < na; a++) {
        char lab[256];
        snprintf(lab, sizeof lab, "compare %.31s (%d of %d): %lld seeds", ser[a].name, a + 1, na, (long long)kmax);
        cli_progress_label(lab);
        snprintf(lab, sizeof lab, "select %.31s", ser[a].name);
        cli_phase(lab);
        double t0 = clout_now();
        s = pick(G, P, lt, ser[a].name, kmax, eps, 1000, (uint64_t)seed, seeds, msg);
        if (s < 0 && cli_dist_size() > 1) return cli_dist_fail(cli_exit_code(s), msg); /* its RR sets exchange counts */
        double secs = clout_now() - t0;
        snprintf(lab, sizeof lab, "compare %.31s (%d of %d): scoring k = %lld..%lld", ser[a].name, a + 1, na,
                 (long long)ksorted[0], (long long)kmax);
        cli_progress_label(lab);
        snprintf(lab, sizeof lab, "score %.31s", ser[a].name);
        cli_phase(lab);
        /* the evaluator: the same simulations (seed + 7) for every seed set */
        if (s >= 0 && cli_dist_size() == 1)
            s = clout_simulate_prefixes(P, lt, seeds, ksorted, nk, sims, (uint64_t)seed + 7, sizes, msg);
        if (cli_dist_size() > 1) {
            /* under mpirun every rank selects (the same seeds: the same draws), then scores its
             * block of the simulations; rank 0 gathers them in order */
            int64_t first, count;
            cli_dist_range(sims, &first, &count);
            int64_t *loc = s >= 0 ? malloc((size_t)(count ? count : 1) * (size_t)nk * sizeof(int64_t)) : NULL;
            if (s >= 0 && loc == NULL) s = CLOUT_ERR_NOMEM;
            if (s >= 0 && count > 0)
                s = clout_simulate_prefixes_range(P, lt, seeds, ksorted, nk, first, count, (uint64_t)seed + 7, loc, msg);
            int printer;
            s = cli_dist_agree(s, &printer);
            for (int j = 0; s >= 0 && j < nk; j++)
                s = cli_dist_gather_i64(loc + (int64_t)j * count, count, sizes + (int64_t)j * sims, sims);
            free(loc);
            if (s >= 0 && cli_dist_rank() != 0) continue; /* rank 0 alone summarizes and writes */
            if (s < 0) {
                int code = cli_dist_rank() == printer ? cli_report(s, msg) : cli_exit_code(s);
                cli_progress_label(NULL);
                free(seeds);
                free(sizes);
                clout_influence_free(&P);
                clout_graph_free(&G);
                return code;
            }
        }
        for (int i = 0; s >= 0 && i < nk; i++) {
            const int64_t *sz = sizes + (int64_t)at[i] * sims;
            double m = 0, v = 0;
            for (int64_t q = 0; q < sims; q++) m += (double)sz[q];
            m /= (double)sims;
            for (int64_t q = 0; q < sims; q++) v += ((double)sz[q] - m) * ((double)sz[q] - m);
            ser[a].k[i] = kv[i];
            ser[a].spread[i] = m;
            ser[a].se[i] = sims > 1 ? sqrt(v / (double)(sims - 1) / (double)sims) : 0;
            ser[a].secs[i] = secs;
        }
    }
    cli_progress_label(NULL);
    if (s >= 0 && cli_dist_rank() != 0) {
        free(seeds);
        free(sizes);
        clout_influence_free(&P);
        clout_graph_free(&G);
        return CLOUT_EXIT_OK;
    }
    clout_outfile out = {0}, pout = {0};
    clout_table *t = NULL;
    cli_phase("write");
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        static const char *names[] = {"algo", "k", "spread", "stderr", "seconds", "selected_k",
                                      "model", "prob", "epsilon", "sims", "seed"};
        s = clout_table_begin(&t, out.f, c.fmt, 11, names, false, msg);
        for (int a = 0; s >= 0 && a < na; a++)
            for (int i = 0; i < nk; i++) {
                clout_table_str(t, ser[a].name, strlen(ser[a].name));
                clout_table_int(t, ser[a].k[i]);
                clout_table_real(t, ser[a].spread[i]);
                clout_table_real(t, ser[a].se[i]);
                clout_table_real(t, ser[a].secs[i]);
                clout_table_int(t, kmax);
                clout_table_str(t, model, strlen(model));
                clout_table_str(t, dif.prob, strlen(dif.prob));
                clout_table_real(t, eps);
                clout_table_int(t, sims);
                clout_table_int(t, seed);
            }
    }
    if (s >= 0 && plotf) {
        s = clout_outfile_open(&pout, plotf, msg);
        if (s >= 0) {
            char title[300];
            const char *base = strrchr(path, '/');
            snprintf(title, sizeof title, "IC spread, %s, prob %s, %lld simulations", base ? base + 1 : path, dif.prob,
                     (long long)sims);
            plot(pout.f, ser, na, nk, title);
        }
    }
    /* the table first: the plot replaces its file only once the table is in place */
    s = cli_close(&out, &t, s, msg);
    if (s >= 0 && plotf) s = clout_outfile_commit(&pout, msg);
    else if (plotf) clout_outfile_abort(&pout);
    free(seeds);
    free(sizes);
    clout_influence_free(&P);
    clout_graph_free(&G);
    if (s >= 0 && timings) cli_phase_timings();
    return cli_report(s, msg);
}

const cli_command cli_cmd_compare = {"compare", "IM algorithms side by side: spread against k, one evaluator",
     "Usage: clout compare G.clout [--algos A,B,...] [-k 1,5,10,25,50] [--sims N] [--plot FILE.svg]\n"
     "                       [--timings]\n"
     "\n"
     "  --algos LIST         from imm, opim-c, celf, degree, degree-discount, pagerank\n"
     "                       (default imm,opim-c,degree-discount,pagerank,degree)\n"
     "  -k LIST              seed-set sizes (default 1,5,10,25,50)\n"
     "  --sims N             Monte Carlo runs of the common evaluator (default 10000): every seed\n"
     "                       set is scored on the same simulations\n"
     "  --model, --prob, --epsilon, --seed   as for clout im\n"
     "  --plot FILE.svg      a standalone SVG of spread against k, one line per algorithm,\n"
     "                       with 95% confidence bars\n"
     "  --timings            the time of each phase on stderr (load, probabilities, then select\n"
     "                       and score for each algorithm, write)\n"
     "Table algo,k,spread,stderr,seconds (seconds: the algorithm's time to pick k seeds).\n"
     "\n"
     "Example:\n"
     "  clout compare wiki.clout -k 1,5,10,25,50 --sims 2000 --plot spread.svg\n",
    run};
