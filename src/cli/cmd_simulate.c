/* cmd_simulate.c: clout simulate: Monte Carlo spread of a seed set under IC or LT. */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_SEEDS = 1, O_MODEL, O_SIMS, O_SEED, O_HIST };
static const cli_opt opts[] = {{"seeds", 0, 1, O_SEEDS}, {"model", 0, 1, O_MODEL}, 
                               {"sims", 0, 1, O_SIMS},   {"seed", 0, 1, O_SEED},   {"histogram", 0, 1, O_HIST}, CLI_DIFFUSION_OPTS,
                               {NULL, 0, 0, 0}};

int cmd_simulate(int argc, char **argv)
{
    const char *cmd = "simulate", *path = NULL, *seeds_path = NULL, *hist = NULL, *val;
    cli_common c = {0};
    cli_parser p;
    int id;
    bool lt = false;
    int64_t sims = 10000, seed = 1;
    cli_diffusion dif;
    cli_diffusion_init(&dif);
    cli_parser_init(&p, cmd, argc, argv, opts);
    while ((id = cli_next(&p, &val)) != -1) {
        if (id == -2) return CLOUT_EXIT_USAGE;
        int r = cli_common_opt(&c, id, val, cmd);
        if (r >= 100) return r - 100;
        if (r == 1) continue;
        r = cli_diffusion_opt(&dif, id, val, cmd);
        if (r >= 100) return r - 100;
        if (r == 1) continue;
        bool ok = true;
        switch (id) {
        case 0:
            if (path) return cli_usage_error(cmd, "one snapshot at a time ('%s' and '%s')", path, val);
            path = val;
            break;
        case O_SEEDS: seeds_path = val; break;
        case O_MODEL:
            if (strcmp(val, "ic") != 0 && strcmp(val, "lt") != 0)
                return cli_usage_error(cmd, "--model must be ic or lt, got '%s'", val);
            lt = strcmp(val, "lt") == 0;
            break;
        case O_SIMS: ok = cli_parse_i64(val, &sims) && sims >= 1 && sims <= 1000000000; break;
        case O_SEED: ok = cli_parse_i64(val, &seed) && seed >= 0; break;
        case O_HIST: hist = val; break;
        default: break;
        }
        if (!ok) return cli_usage_error(cmd, "bad value '%s' (--sims 1..10^9, --seed >= 0)", val);
    }
    if (path == NULL || seeds_path == NULL) return cli_usage_error(cmd, "usage: clout simulate G.clout --seeds FILE");
    int code = cli_apply(&c);
    if (code) return code;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_influence *P = NULL;
    clout_outfile out = {0}, hout = {0};
    clout_table *t = NULL;
    int64_t *seeds = NULL, ns = 0, *sizes = NULL, *depths = NULL;
    clout_prob_model pm;
    int s = clout_snapshot_load(&G, path, msg);
    if (s >= 0) s = cli_read_users(seeds_path, false, G, &seeds, &ns, msg);
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)seed, &pm, msg);
    if (s >= 0) s = clout_influence_new(&P, G, &pm, CLOUT_INFLUENCE_CONSUME, msg);
    if (s >= 0) {
        sizes = malloc((size_t)sims * sizeof(int64_t));
        depths = malloc((size_t)sims * sizeof(int64_t));
        s = sizes && depths ? clout_simulate(P, lt, seeds, ns, sims, (uint64_t)seed, sizes, depths, msg) : CLOUT_ERR_NOMEM;
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
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        static const char *names[] = {"spread", "stderr", "ci95_low", "ci95_high", "depth", "seeds", "sims", "model", "prob"};
        s = clout_table_begin(&t, out.f, c.fmt, 9, names, NULL, true, msg);
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
            s = clout_table_end(&t, msg);
        }
    }
    /* --histogram FILE: the distribution of cascade sizes, as its own table */
    if (s >= 0 && hist) {
        s = clout_outfile_open(&hout, hist, msg);
        int64_t mx = 0;
        for (int64_t i = 0; s >= 0 && i < sims; i++) mx = sizes[i] > mx ? sizes[i] : mx;
        int64_t *cnt = s >= 0 ? calloc((size_t)mx + 1, sizeof(int64_t)) : NULL;
        if (s >= 0 && !cnt) s = CLOUT_ERR_NOMEM;
        for (int64_t i = 0; s >= 0 && i < sims; i++) cnt[sizes[i]]++;
        static const char *hn[] = {"size", "count", "share"};
        if (s >= 0) s = clout_table_begin(&t, hout.f, c.fmt, 3, hn, NULL, false, msg);
        for (int64_t z = 0; s >= 0 && z <= mx; z++) {
            if (!cnt[z]) continue;
            clout_table_int(t, z);
            clout_table_int(t, cnt[z]);
            clout_table_real(t, (double)cnt[z] / (double)sims);
        }
        if (s >= 0) s = clout_table_end(&t, msg);
        free(cnt);
        if (s >= 0) s = clout_outfile_commit(&hout, msg);
        else clout_outfile_abort(&hout);
    }
    if (s >= 0) s = clout_outfile_commit(&out, msg);
    else clout_outfile_abort(&out);
    free(seeds);
    free(sizes);
    free(depths);
    clout_influence_free(&P);
    clout_graph_free(&G);
    return cli_report(s, msg);
}
