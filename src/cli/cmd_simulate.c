/* cmd_simulate.c: clout simulate: Monte Carlo spread of a seed set under IC or LT. */
#include "cli.h"
#include "dist.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv)
{
    const char *cmd = "simulate", *path = NULL, *seeds_path = NULL, *hist = NULL, *model = "ic";
    cli_common c = {0};
    int64_t sims = 10000, seed = 1;
    cli_diffusion dif;
    bool timings = false;
    const cli_opt opts[] = {CLI_OPT_TEXT("seeds", &seeds_path),          CLI_OPT_CHOICE("model", &model, "ic|lt"),
                            CLI_OPT_INT("sims", &sims, 1, 1000000000),  CLI_OPT_INT("seed", &seed, 0, 9.2e18),
                            CLI_OPT_TEXT("histogram", &hist),           CLI_OPT_FLAG("timings", &timings),
                            CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL || seeds_path == NULL) return cli_usage_error(cmd, "usage: clout simulate G.clout --seeds FILE");
    char mmsg[CLOUT_MSG_LEN];
    if (clout_memory_fits(16.0 * (double)sims, "the simulations' sizes and depths", CLOUT_ERR_INVALID, mmsg) != CLOUT_OK)
        return cli_usage_error(cmd, "--sims %lld: %s", (long long)sims, mmsg);
    bool lt = strcmp(model, "lt") == 0;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_influence *P = NULL;
    clout_outfile out = {0}, hout = {0};
    clout_table *t = NULL;
    int64_t *seeds = NULL, ns = 0, *sizes = NULL, *depths = NULL;
    clout_prob_model pm;
    int s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    cli_phase("read seeds");
    if (s >= 0) s = clout_read_users(G, seeds_path, &seeds, &ns, msg);
    cli_phase("probabilities");
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)seed, &pm, msg);
    if (s >= 0) s = clout_influence_new(&P, G, &pm, CLOUT_INFLUENCE_CONSUME, msg);
    /* under mpirun each rank runs its block of the simulations (by index: the draws one process
     * would make), rank 0 gathers them in order and alone writes */
    int64_t first = 0, count = sims;
    cli_dist_range(sims, &first, &count);
    int64_t *lsizes = NULL, *ldepths = NULL;
    if (s >= 0) {
        sizes = malloc((size_t)sims * sizeof(int64_t));
        depths = malloc((size_t)sims * sizeof(int64_t));
        lsizes = cli_dist_size() > 1 ? malloc((size_t)(count ? count : 1) * sizeof(int64_t)) : sizes;
        ldepths = cli_dist_size() > 1 ? malloc((size_t)(count ? count : 1) * sizeof(int64_t)) : depths;
        s = sizes && depths && lsizes && ldepths ? CLOUT_OK : CLOUT_ERR_NOMEM;
    }
    int printer = -1;
    /* the ranks agree on the inputs before the work (an error there is everyone's) */
    if (cli_dist_size() > 1) s = cli_dist_agree(s, &printer);
    cli_phase("simulate");
    if (s >= 0 && count > 0) {
        s = clout_simulate_range(P, lt, seeds, ns, first, count, (uint64_t)seed, lsizes, ldepths, msg);
        if (s < 0 && cli_dist_size() > 1) return cli_dist_fail(cli_exit_code(s), msg);
    }
    if (cli_dist_size() > 1) {
        if (s >= 0) s = cli_dist_gather_i64(lsizes, count, sizes, sims);
        if (s >= 0) s = cli_dist_gather_i64(ldepths, count, depths, sims);
        free(lsizes);
        free(ldepths);
        if (s < 0 || cli_dist_rank() != 0) {
            /* the lowest failing rank reports; every rank exits with the same code */
            int code = cli_dist_rank() == printer ? cli_report(s, msg) : cli_exit_code(s);
            free(seeds);
            free(sizes);
            free(depths);
            clout_influence_free(&P);
            clout_graph_free(&G);
            return code;
        }
    }
    double mean = 0, var = 0, dmean = 0;
    if (s >= 0) {
        for (int64_t i = 0; i < sims; i++) mean += (double)sizes[i], dmean += (double)depths[i];
        mean /= (double)sims;
        dmean /= (double)sims;
        for (int64_t i = 0; i < sims; i++) var += ((double)sizes[i] - mean) * ((double)sizes[i] - mean);
        var = sims > 1 ? var / (double)(sims - 1) : 0;
    }
    double se = sqrt(var / (double)sims);
    cli_phase("write");
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        static const char *names[] = {"spread", "stderr", "ci95_low", "ci95_high", "depth", "seeds", "sims", "model", "prob",
                                      "seed"};
        s = clout_table_begin(&t, out.f, c.fmt, 10, names, true, msg);
        if (s >= 0) {
            clout_table_real(t, mean);
            clout_table_real(t, se);
            clout_table_real(t, mean - 1.96 * se);
            clout_table_real(t, mean + 1.96 * se);
            clout_table_real(t, dmean);
            clout_table_int(t, ns);
            clout_table_int(t, sims);
            clout_table_str(t, lt ? "lt" : "ic", 2);
            clout_table_str(t, dif.prob, strlen(dif.prob));
            clout_table_int(t, seed);
        }
    }
    /* --histogram FILE: the distribution of cascade sizes, as its own table */
    clout_table *ht = NULL;
    if (s >= 0 && hist) {
        s = clout_outfile_open(&hout, hist, msg);
        int64_t mx = 0;
        for (int64_t i = 0; s >= 0 && i < sims; i++) mx = sizes[i] > mx ? sizes[i] : mx;
        int64_t *cnt = s >= 0 ? calloc((size_t)mx + 1, sizeof(int64_t)) : NULL;
        if (s >= 0 && !cnt) s = CLOUT_ERR_NOMEM;
        for (int64_t i = 0; s >= 0 && i < sims; i++) cnt[sizes[i]]++;
        static const char *hn[] = {"size", "count", "share"};
        if (s >= 0) s = clout_table_begin(&ht, hout.f, c.fmt, 3, hn, false, msg);
        for (int64_t z = 0; s >= 0 && z <= mx; z++) {
            if (!cnt[z]) continue;
            clout_table_int(ht, z);
            clout_table_int(ht, cnt[z]);
            clout_table_real(ht, (double)cnt[z] / (double)sims);
        }
        free(cnt);
        char scratch[CLOUT_MSG_LEN];
        if (s >= 0) s = clout_table_end(&ht, msg);
        else clout_table_end(&ht, scratch);
    }
    /* the main output first: the histogram replaces its file only once that is in place */
    s = cli_close(&out, &t, s, msg);
    if (s >= 0 && hist) s = clout_outfile_commit(&hout, msg);
    else if (hist) clout_outfile_abort(&hout);
    free(seeds);
    free(sizes);
    free(depths);
    clout_influence_free(&P);
    clout_graph_free(&G);
    if (s >= 0 && timings) cli_phase_timings();
    return cli_report(s, msg);
}

const cli_command cli_cmd_simulate = {"simulate", "Monte Carlo spread of a seed set under IC or LT",
     "Usage: clout simulate G.clout --seeds FILE [--model ic|lt] [--prob P] [--sims N] [--seed S]\n"
     "                       [--histogram FILE] [--timings]\n"
     "\n"
     "  --seeds FILE         one user id per line, or a CSV with a column user\n"
     "  --model ic|lt        Independent Cascade (default) or Linear Threshold (weights b(u,v) =\n"
     "                       the probabilities, rescaled so each user's in-weights sum to <= 1;\n"
     "                       thresholds uniform in [0, 1))\n"
     "  --prob P             wc (default), const:P, trivalency, weight or learned (from T: the\n"
     "                       share of u's adoptions that v followed, within --window SECONDS;\n"
     "                       --prob-smoothing a,b adds a Beta(a, b) prior)\n"
     "  --sims N             simulations (default 10000), OpenMP over simulations; under mpirun\n"
     "                       split by index over the ranks, the same numbers as one process\n"
     "  --histogram FILE     also write the distribution of cascade sizes: size,count,share\n"
     "  --timings            the time of each phase on stderr (load, read seeds,\n"
     "                       probabilities, simulate, write)\n"
     "One record: spread (mean active users, seeds included), stderr, ci95_low, ci95_high,\n"
     "depth (mean rounds until no new activation), seeds, sims, model, prob, seed.\n"
     "\n"
     "Example:\n"
     "  clout simulate wiki.clout --seeds seeds.txt --model ic --prob wc --sims 10000 --format json\n",
    run};
