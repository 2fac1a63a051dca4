/* cmd_im.c: clout im: influence maximization under Independent Cascade or Linear Threshold. */
#include "cli.h"
#include <msgpack.h>
#include <msgpack/fbuffer.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_K = 1, O_ALGO, O_MODEL, O_EPS, O_DELTA, O_SEED, O_SIMS, O_RSE };
static const cli_opt opts[] = {{"k", 'k', 1, O_K},         {"algo", 0, 1, O_ALGO},   {"model", 0, 1, O_MODEL},
                                    {"epsilon", 0, 1, O_EPS}, {"delta", 0, 1, O_DELTA},
                               {"seed", 0, 1, O_SEED},     {"sims", 0, 1, O_SIMS}, {"estimate-rse", 0, 1, O_RSE}, CLI_DIFFUSION_OPTS,   {NULL, 0, 0, 0}};

int cmd_im(int argc, char **argv)
{
    const char *cmd = "im", *path = NULL, *algo = "imm", *val;
    cli_common c = {0};
    cli_parser p;
    int id;
    int64_t k = 0, seed = 1, sims = 1000;
    double eps = 0.1, delta = 0, est_rse = 0.005;
    bool lt = false;
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
        case O_K: ok = cli_parse_i64(val, &k) && k >= 1 && k <= 1000000; break;
        case O_ALGO:
            if (strcmp(val, "imm") && strcmp(val, "opim-c") && strcmp(val, "celf") && strcmp(val, "degree") &&
                strcmp(val, "degree-discount") && strcmp(val, "pagerank"))
                return cli_usage_error(cmd, "--algo must be imm, opim-c, celf, degree, degree-discount or pagerank, got '%s'",
                                       val);
            algo = val;
            break;
        case O_MODEL:
            if (strcmp(val, "ic") && strcmp(val, "lt")) return cli_usage_error(cmd, "--model must be ic or lt, got '%s'", val);
            lt = strcmp(val, "lt") == 0;
            break;
        case O_EPS: ok = cli_parse_double(val, &eps) && eps > 0 && eps < 1; break;
        case O_DELTA: ok = cli_parse_double(val, &delta) && delta > 0 && delta < 1; break;
        case O_SEED: ok = cli_parse_i64(val, &seed) && seed >= 0; break;
        case O_SIMS: ok = cli_parse_i64(val, &sims) && sims >= 1; break;
        case O_RSE: ok = cli_parse_double(val, &est_rse) && est_rse >= 0 && est_rse < 1; break;
        default: break;
        }
        if (!ok) return cli_usage_error(cmd, "bad value '%s' (-k >= 1, --epsilon and --delta in (0, 1), --seed >= 0)", val);
    }
    if (path == NULL || k == 0) return cli_usage_error(cmd, "usage: clout im G.clout -k K [--algo imm]");
    int code = cli_apply(&c);
    if (code) return code;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_influence *P = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    clout_prob_model pm;
    int64_t *seeds = NULL, used = 0, est = 0;
    double *spread = NULL;
    int s = clout_snapshot_load(&G, path, msg);
    if (s >= 0 && k > clout_graph_users(G)) {
        snprintf(msg, CLOUT_MSG_LEN, "-k %lld exceeds the %lld users", (long long)k, (long long)clout_graph_users(G));
        s = CLOUT_ERR_INVALID;
    }
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)seed, &pm, msg);
    /* only the pagerank baseline needs G's ties afterwards: the others let P take them over */
    unsigned flags = strcmp(algo, "pagerank") == 0 ? 0 : CLOUT_INFLUENCE_CONSUME;
    if (strcmp(algo, "imm") == 0 || strcmp(algo, "opim-c") == 0) flags |= CLOUT_INFLUENCE_REVERSE;
    if (s >= 0) s = clout_influence_new(&P, G, &pm, flags, msg);
    double t0 = clout_now();
    if (s >= 0) {
        seeds = malloc((size_t)k * sizeof(int64_t));
        spread = malloc((size_t)k * sizeof(double));
        if (!seeds || !spread) s = CLOUT_ERR_NOMEM;
    }
    bool opim = strcmp(algo, "opim-c") == 0, imm = strcmp(algo, "imm") == 0 || opim, celf = strcmp(algo, "celf") == 0;
    double guarantee = 1 - 1 / M_E - eps;
    if (s >= 0 && opim) {
        s = clout_im_opimc(P, lt, (int)k, eps, delta, (uint64_t)seed, seeds, spread, &used, &guarantee, msg);
        est = used / 2; /* the second, independent collection */
    }
    else if (s >= 0 && imm) s = clout_im_imm(P, lt, (int)k, eps, delta, (uint64_t)seed, est_rse, seeds, spread, &used, &est, msg);
    else if (s >= 0 && celf) s = clout_im_celf(P, lt, (int)k, sims, (uint64_t)seed, seeds, spread, msg);
    else if (s >= 0 && strcmp(algo, "pagerank") == 0) s = clout_im_pagerank(G, (int)k, seeds, msg);
    else if (s >= 0) s = clout_im_degree(P, (int)k, strcmp(algo, "degree-discount") == 0, seeds, msg);
    double secs = clout_now() - t0;
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    double dlt = delta > 0 ? delta : 1.0 / (double)(G ? clout_graph_users(G) : 1);
    if (s >= 0 && c.fmt != CLOUT_FMT_CSV) {
        /* JSON and msgpack: an object with the run's figures and the seed table under "seeds";
         * the RR figures are null for the algorithms that draw no RR sets */
        const char *keys[] = {"algo", "k", "model", "seconds", "rr_sets", "estimate_rr_sets", "guarantee", "delta"};
        enum { NK = 8 };
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
            if (q == 0 || q == 2) {
                const char *v = q == 0 ? algo : lt ? "lt" : "ic";
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
        static const char *names[] = {"rank", "user", "gain", "spread"};
        s = clout_table_begin(&t, out.f, c.fmt, 4, names, NULL, false, msg);
        for (int64_t i = 0; s >= 0 && i < k; i++) {
            size_t len;
            const char *name = clout_idmap_name(G->users, seeds[i], &len);
            clout_table_int(t, i + 1);
            clout_table_str(t, name, len);
            /* the baselines estimate no spread */
            if (imm || celf) {
                clout_table_real(t, spread[i] - (i ? spread[i - 1] : 0));
                clout_table_real(t, spread[i]);
            } else {
                clout_table_null(t);
                clout_table_null(t);
            }
        }
        if (s >= 0) s = clout_table_end(&t, msg);
        if (s >= 0 && c.fmt == CLOUT_FMT_JSON) fputs("}\n", out.f);
        if (s >= 0) s = clout_outfile_commit(&out, msg);
        else clout_outfile_abort(&out);
    }
    if (s >= 0 && !c.quiet && imm)
        fprintf(stderr, "clout: %s: %lld RR sets, %.3f s; spread >= %.3f OPT with probability >= 1 - %g%s\n", algo,
                (long long)used, secs, guarantee, dlt, opim ? " (certified by the online bound)" : "");
    free(seeds);
    free(spread);
    clout_influence_free(&P);
    clout_graph_free(&G);
    if (s == CLOUT_ERR_INVALID) {
        fprintf(stderr, "clout im: %s\n", msg);
        return CLOUT_EXIT_USAGE;
    }
    return cli_report(s, msg);
}
