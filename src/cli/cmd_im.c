/* cmd_im.c: clout im: influence maximization under Independent Cascade or Linear Threshold. */
#include "cli.h"
#include "dist.h"
#include <msgpack.h>
#include <msgpack/fbuffer.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv)
{
    const char *cmd = "im", *path = NULL, *algo = "imm", *model = "ic";
    cli_common c = {0};
    int64_t k = 0, seed = 1, sims = 1000;
    double eps = 0.1, delta = 0, est_rse = 0.005;
    cli_diffusion dif;
    bool timings = false;
    const cli_opt opts[] = {{"k", 'k', CLI_INT, &k, 1, 1000000, 0, NULL, 0},
                            CLI_OPT_FLAG("timings", &timings),
                            CLI_OPT_CHOICE("algo", &algo, "imm|opim-c|celf|degree|degree-discount|pagerank"),
                            CLI_OPT_CHOICE("model", &model, "ic|lt"),
                            CLI_OPT_REAL("epsilon", &eps, 0, 1, CLI_OPEN_LO | CLI_OPEN_HI),
                            CLI_OPT_REAL("delta", &delta, 0, 1, CLI_OPEN_LO | CLI_OPEN_HI),
                            CLI_OPT_INT("seed", &seed, 0, 9.2e18),
                            CLI_OPT_INT("sims", &sims, 1, 1000000000),
                            CLI_OPT_REAL("estimate-rse", &est_rse, 0, 1, CLI_OPEN_HI),
                            CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL || k == 0) return cli_usage_error(cmd, "usage: clout im G.clout -k K [--algo imm]");
    clout_im_params prm;
    clout_im_params_init(&prm);
    clout_im_algo_parse(algo, &prm.algo);
    prm.lt = strcmp(model, "lt") == 0;
    prm.k = (int)k;
    prm.eps = eps;
    prm.delta = delta;
    prm.seed = (uint64_t)seed;
    prm.est_rse = est_rse;
    prm.sims = sims;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_influence *P = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    clout_prob_model pm;
    clout_im_info info = {0};
    int64_t *seeds = NULL;
    double *spread = NULL;
    int s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    if (s >= 0 && k > clout_graph_users(G)) {
        int64_t n = clout_graph_users(G);
        clout_graph_free(&G);
        return cli_usage_error(cmd, "-k %lld exceeds the %lld users", (long long)k, (long long)n);
    }
    cli_phase("probabilities");
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)seed, &pm, msg);
    /* only the pagerank baseline needs G's ties afterwards: the others let P take them over */
    unsigned flags = prm.algo == CLOUT_IM_PAGERANK ? 0 : CLOUT_INFLUENCE_CONSUME;
    if (prm.algo == CLOUT_IM_IMM || prm.algo == CLOUT_IM_OPIMC) flags |= CLOUT_INFLUENCE_REVERSE;
    if (s >= 0) s = clout_influence_new(&P, G, &pm, flags, msg);
    double t0 = clout_now();
    if (s >= 0) {
        seeds = malloc((size_t)k * sizeof(int64_t));
        spread = malloc((size_t)k * sizeof(double));
        if (!seeds || !spread) s = CLOUT_ERR_NOMEM;
    }
    /* under mpirun IMM and OPIM-C keep each rank's block of the RR sets and sum the greedy counts
     * over the ranks (the other algorithms run whole on every rank): rank 0 alone writes */
    cli_dist_partition();
    int printer = -1;
    /* the ranks agree on the inputs before the work; a failure during it (which exchanges
     * counts) ends the job at once */
    if (cli_dist_size() > 1) s = cli_dist_agree(s, &printer);
    cli_phase("select");
    if (s >= 0) {
        s = clout_im_select(G, P, &prm, seeds, spread, &info, msg);
        if (s < 0 && cli_dist_size() > 1) return cli_dist_fail(cli_exit_code(s), msg);
    }
    double secs = clout_now() - t0;
    if (cli_dist_size() > 1) {
        if (s < 0 || cli_dist_rank() != 0) {
            code = cli_dist_rank() == printer ? cli_report(s, msg) : cli_exit_code(s);
            free(seeds);
            free(spread);
            clout_influence_free(&P);
            clout_graph_free(&G);
            return code;
        }
    }
    bool imm = info.has_rr;
    double guarantee = info.guarantee;
    int64_t used = info.rr_sets, est = info.estimate_rr_sets;
    cli_phase("write");
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    double dlt = delta > 0 ? delta : 1.0 / fmax((double)(G ? clout_graph_users(G) : 1), 2);
    if (s >= 0 && c.fmt != CLOUT_FMT_CSV) {
        /* JSON and msgpack: an object with the run's figures and the seed table under "seeds";
         * the RR figures are null for the algorithms that draw no RR sets */
        const char *keys[] = {"algo", "k", "model", "seconds", "rr_sets", "estimate_rr_sets", "guarantee", "delta",
                              "prob", "epsilon", "seed"};
        enum { NK = 11 };
        msgpack_packer pk;
        if (c.fmt == CLOUT_FMT_JSON) {
            fputc('{', out.f);
        } else {
            msgpack_packer_init(&pk, out.f, msgpack_fbuffer_write);
            msgpack_pack_map(&pk, NK + 1);
        }
        for (int q = 0; q < NK; q++) {
            bool json = c.fmt == CLOUT_FMT_JSON;
            if (json) {
                fprintf(out.f, "\"%s\":", keys[q]);
            } else {
                msgpack_pack_str(&pk, strlen(keys[q]));
                msgpack_pack_str_body(&pk, keys[q], strlen(keys[q]));
            }
            if (q == 8) {
                if (json) fprintf(out.f, "\"%s\",", dif.prob);
                else msgpack_pack_str(&pk, strlen(dif.prob)), msgpack_pack_str_body(&pk, dif.prob, strlen(dif.prob));
            } else if (q == 9) {
                if (json) {
                    char e[32];
                    for (int prec = 15; prec <= 17; prec++) /* the shortest text that reads back */
                        if (snprintf(e, sizeof e, "%.*g", prec, eps) > 0 && strtod(e, NULL) == eps) break;
                    fprintf(out.f, "%s,", e);
                }
                else msgpack_pack_double(&pk, eps);
            } else if (q == 10) {
                if (json) fprintf(out.f, "%lld,", (long long)seed);
                else msgpack_pack_int64(&pk, seed);
            } else if (q == 0 || q == 2) {
                const char *v = q == 0 ? algo : prm.lt ? "lt" : "ic";
                if (json) fprintf(out.f, "\"%s\",", v);
                else msgpack_pack_str(&pk, strlen(v)), msgpack_pack_str_body(&pk, v, strlen(v));
            } else if (q == 1) {
                if (json) fprintf(out.f, "%lld,", (long long)k);
                else msgpack_pack_int64(&pk, k);
            } else if (q == 3) {
                if (json) fprintf(out.f, "%.6g,", secs);
                else msgpack_pack_double(&pk, secs);
            } else if (!imm) {
                if (json) fputs("null,", out.f);
                else msgpack_pack_nil(&pk);
            } else if (q == 4 || q == 5) {
                int64_t v = q == 4 ? used : est;
                if (json) fprintf(out.f, "%lld,", (long long)v);
                else msgpack_pack_int64(&pk, v);
            } else {
                double v = q == 6 ? guarantee : dlt;
                if (json) fprintf(out.f, "%.6g,", v);
                else msgpack_pack_double(&pk, v);
            }
        }
        if (c.fmt == CLOUT_FMT_JSON) {
            fputs("\"seeds\":", out.f);
        } else {
            msgpack_pack_str(&pk, 5);
            msgpack_pack_str_body(&pk, "seeds", 5);
        }
    }
    if (s >= 0) {
        /* CSV rows carry the run's parameters (JSON and msgpack hold them once, above) */
        bool csv = c.fmt == CLOUT_FMT_CSV;
        static const char *names[] = {"rank", "user", "gain", "spread", "algo", "model", "prob", "epsilon", "seed"};
        s = clout_table_begin(&t, out.f, c.fmt, csv ? 9 : 4, names, false, msg);
        for (int64_t i = 0; s >= 0 && i < k; i++) {
            size_t len;
            const char *name = clout_idmap_name(G->users, seeds[i], &len);
            clout_table_int(t, i + 1);
            clout_table_str(t, name, len);
            /* the baselines estimate no spread */
            if (info.has_spread) {
                clout_table_real(t, spread[i] - (i ? spread[i - 1] : 0));
                clout_table_real(t, spread[i]);
            } else {
                clout_table_null(t);
                clout_table_null(t);
            }
            if (csv) {
                clout_table_str(t, algo, strlen(algo));
                clout_table_str(t, prm.lt ? "lt" : "ic", 2);
                clout_table_str(t, dif.prob, strlen(dif.prob));
                clout_table_real(t, eps);
                clout_table_int(t, seed);
            }
        }
        if (s >= 0) s = clout_table_end(&t, msg);
        if (s >= 0 && c.fmt == CLOUT_FMT_JSON) fputs("}\n", out.f);
    }
    code = cli_finish(&out, &t, s, msg);
    if (code == 0 && timings) cli_phase_timings();
    if (code == 0 && !c.quiet && imm)
        fprintf(stderr, "clout: %s: %lld RR sets, %.3f s; spread >= %.3f OPT with probability >= 1 - %g%s\n", algo,
                (long long)used, secs, guarantee, dlt, prm.algo == CLOUT_IM_OPIMC ? " (certified by the online bound)" : "");
    free(seeds);
    free(spread);
    clout_influence_free(&P);
    clout_graph_free(&G);
    return code;
}

const cli_command cli_cmd_im = {"im", "influence maximization under IC or LT: IMM, OPIM-C and baselines",
     "Usage: clout im G.clout -k K [--algo imm|opim-c|celf|degree|degree-discount|pagerank]\n"
     "                 [--model ic|lt] [--prob P]\n"
     "                 [--epsilon E] [--delta D] [--seed S] [--estimate-rse R] [--timings]\n"
     "\n"
     "  --algo imm           (default) IMM (Tang, Shi, Xiao 2015) with the final selection on fresh\n"
     "                       RR sets (W. Chen 2018): spread >= (1 - 1/e - E) OPT with probability\n"
     "                       >= 1 - D; --epsilon E (0.1), --delta D (default 1/n)\n"
     "  --algo opim-c        OPIM-C (Tang et al. 2018): stops as soon as its online bound\n"
     "                       certifies (1 - 1/e - E) OPT with probability 1 - D; the ratio it\n"
     "                       certified is reported as guarantee\n"
     "  --algo celf          lazy greedy on Monte Carlo spread (--sims N per evaluation,\n"
     "                       default 1000); for small graphs and as a check\n"
     "  --algo pagerank      the K users with the highest PageRank on the reversed graph\n"
     "  --algo degree        the K users with the most out-ties\n"
     "  --algo degree-discount  Chen, Wang, Yang (KDD 2009), p = the mean tie probability\n"
     "  --model ic|lt        Independent Cascade (default) or Linear Threshold (weights: the\n"
     "                       probabilities rescaled so each user's in-weights sum to at most 1)\n"
     "  --prob P             wc (default), const:P, trivalency, weight or learned\n"
     "                       (--window SECONDS, --prob-smoothing a,b: see clout help simulate)\n"
     "  --estimate-rse R     imm's spread estimate comes from RR sets independent of the\n"
     "                       selection, enough for a relative standard error of about R\n"
     "                       (default 0.005; 0: only the bound phase's sets)\n"
     "  --timings            the time of each phase on stderr (load, probabilities, select, write)\n"
     "Table rank,user,gain,spread (the running spread estimate after each seed; empty for the\n"
     "baselines). With --format json or msgpack: an object with algo, k, model, seconds,\n"
     "rr_sets, estimate_rr_sets, guarantee, delta and the table under seeds.\n"
     "RR sets are sampled the SUBSIM way (geometric skips) where a user's in-ties share one\n"
     "probability, 16 at a time per thread.\n"
     "\n"
     "Example:\n"
     "  clout im wiki.clout -k 50 --algo imm --epsilon 0.1 -o seeds.csv\n",
    run};
