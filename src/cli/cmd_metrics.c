/* cmd_metrics.c: clout metrics: one row of key-user metrics per user. */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_HOPS = 1, O_MAXDEPTH, O_ONLY, O_DAMPING, O_TOL, O_PERSONAL, O_TIMINGS, O_BSAMPLES, O_SEED,
       O_MODEL, O_RRSETS, O_SIMS, O_APPROX, O_AREGS };
static const cli_opt opts[] = {{"hops", 0, 1, O_HOPS},          {"max-depth", 0, 1, O_MAXDEPTH},
                               {"only", 0, 1, O_ONLY},          {"damping", 0, 1, O_DAMPING},
                               {"tol", 0, 1, O_TOL},            {"personalize", 0, 1, O_PERSONAL},
                               {"timings", 0, 0, O_TIMINGS},
                               {"betweenness-samples", 0, 1, O_BSAMPLES}, {"seed", 0, 1, O_SEED},
                               {"model", 0, 1, O_MODEL},        
                               {"rr-sets", 0, 1, O_RRSETS},     {"sims", 0, 1, O_SIMS},
                               {"approx", 0, 0, O_APPROX},      {"approx-registers", 0, 1, O_AREGS},
                               CLI_DIFFUSION_OPTS,
                               {NULL, 0, 0, 0}};

/* metric groups, each computed once when any of its columns is wanted */
enum { M_DEG, M_PR, M_CORE, M_BTW, M_CLU, M_REACH, M_DEPTH, M_ICR, M_ICD, M_CONV, NGROUPS };
static const char *const group_cols[NGROUPS] = {
    "out_degree,in_degree,w_out_degree", "pagerank", "core", "betweenness", "clustering", "reach_",
    "depth,mean_hops", "ic_range,ic_range_se", "ic_depth", "adoptions,exposures,conversions,conversion_rate"};

static int group_of(const char *col)
{
    if (strncmp(col, "reach_", 6) == 0) return M_REACH;
    for (int g = 0; g < NGROUPS; g++) {
        const char *p = group_cols[g];
        size_t n = strlen(col);
        while ((p = strstr(p, col)) != NULL) {
            if ((p == group_cols[g] || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return g;
            p += n;
        }
    }
    return -1;
}

/* A sparse GraphBLAS vector into a zeroed dense array (absent entries stay 0), in one pass. */
static int dense_int(GrB_Vector v, int64_t *out, int64_t n, char msg[CLOUT_MSG_LEN])
{
    GrB_Index *I = malloc((size_t)(n ? n : 1) * sizeof(GrB_Index)), nv = (GrB_Index)n;
    int64_t *X = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int s = I && X && GrB_Vector_extractTuples_INT64(I, X, &nv, v) == GrB_SUCCESS ? CLOUT_OK : CLOUT_ERR_NOMEM;
    for (GrB_Index k = 0; s == CLOUT_OK && k < nv; k++) out[I[k]] = X[k];
    if (s != CLOUT_OK) snprintf(msg, CLOUT_MSG_LEN, "could not read a degree vector");
    free(I);
    free(X);
    return s;
}

static int dense_real(GrB_Vector v, double *out, int64_t n, char msg[CLOUT_MSG_LEN])
{
    GrB_Index *I = malloc((size_t)(n ? n : 1) * sizeof(GrB_Index)), nv = (GrB_Index)n;
    double *X = malloc((size_t)(n ? n : 1) * sizeof(double));
    int s = I && X && GrB_Vector_extractTuples_FP64(I, X, &nv, v) == GrB_SUCCESS ? CLOUT_OK : CLOUT_ERR_NOMEM;
    for (GrB_Index k = 0; s == CLOUT_OK && k < nv; k++) out[I[k]] = X[k];
    if (s != CLOUT_OK) snprintf(msg, CLOUT_MSG_LEN, "could not read a degree vector");
    free(I);
    free(X);
    return s;
}

/* --personalize FILE: "user [weight]" per line (blank-, tab- or comma-separated; # comments) */
static int read_personal(const char *path, const clout_graph *G, double **out, char msg[CLOUT_MSG_LEN])
{
    int err = 0;
    char *text = cli_read_file(path, &err);
    if (!text) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: cannot open: %s", path, strerror(err));
        return err == ENOMEM ? CLOUT_ERR_NOMEM : err == EIO ? CLOUT_ERR_IO : CLOUT_ERR_NO_INPUT;
    }
    int64_t n = clout_graph_users(G);
    double *p = calloc((size_t)(n ? n : 1), sizeof(double));
    int64_t lineno = 0;
    int s = p ? CLOUT_OK : CLOUT_ERR_NOMEM;
    for (char *line = text, *next; s == CLOUT_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        char *save = NULL, *tok = strtok_r(line, " \t,\r", &save);
        if (!tok || tok[0] == '#') continue;
        char *w = strtok_r(NULL, " \t,\r", &save);
        double x = 1;
        if (w && (!cli_parse_double(w, &x) || x < 0)) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: expected a weight >= 0, found '%.40s'", path, (long long)lineno, w);
            s = CLOUT_ERR_DATA;
            break;
        }
        int64_t u = clout_idmap_find(G->users, tok, strlen(tok));
        if (u < 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: no user '%.64s' in the graph", path, (long long)lineno, tok);
            s = CLOUT_ERR_DATA;
            break;
        }
        p[u] += x;
    }
    free(text);
    if (s != CLOUT_OK) {
        free(p);
        return s;
    }
    *out = p;
    return CLOUT_OK;
}

int cmd_metrics(int argc, char **argv)
{
    const char *cmd = "metrics", *path = NULL, *only = NULL, *personal_path = NULL, *val;
    cli_common c = {0};
    cli_parser p;
    int id;
    int64_t hops = 3, maxdepth = 32, bsamples = 0, seed = 1, rrsets = 200000, sims = 200;
    bool approx = false, lt = false;
    int64_t aregs = 7;
    double damping = 0.85, tol = 1e-10;
    bool timings = false;
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
        case O_HOPS: ok = cli_parse_i64(val, &hops) && hops >= 1 && hops <= 100; break;
        case O_MAXDEPTH: ok = cli_parse_i64(val, &maxdepth) && maxdepth >= 1 && maxdepth <= 100000; break;
        case O_ONLY: only = val; break;
        case O_DAMPING: ok = cli_parse_double(val, &damping) && damping >= 0 && damping < 1; break;
        case O_TOL: ok = cli_parse_double(val, &tol) && tol > 0; break;
        case O_PERSONAL: personal_path = val; break;
        case O_TIMINGS: timings = true; break;
        case O_BSAMPLES: ok = cli_parse_i64(val, &bsamples) && bsamples >= 0; break;
        case O_SEED: ok = cli_parse_i64(val, &seed) && seed >= 0; break;
        case O_MODEL:
            if (strcmp(val, "ic") && strcmp(val, "lt")) return cli_usage_error(cmd, "--model must be ic or lt, got '%s'", val);
            lt = strcmp(val, "lt") == 0;
            break;
        case O_RRSETS: ok = cli_parse_i64(val, &rrsets) && rrsets >= 1; break;
        case O_SIMS: ok = cli_parse_i64(val, &sims) && sims >= 1; break;
        case O_APPROX: approx = true; break;
        case O_AREGS: ok = cli_parse_i64(val, &aregs) && aregs >= 4 && aregs <= 12; break;
        default: break;
        }
        if (!ok) return cli_usage_error(cmd, "bad value '%s' (--hops 1..100, --max-depth 1..100000, --damping in [0,1), --tol > 0)", val);
    }
    if (path == NULL) return cli_usage_error(cmd, "name the snapshot: clout metrics G.clout");
    bool want[NGROUPS];
    for (int g = 0; g < NGROUPS; g++) want[g] = only == NULL;
    if (only) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", only);
        for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
            int g = group_of(t);
            if (g < 0)
                return cli_usage_error(cmd, "--only: no column '%s' (columns: out_degree, in_degree, w_out_degree, "
                                       "pagerank, core, betweenness, clustering, ic_range, ic_range_se, ic_depth, reach_1..reach_D, depth, mean_hops, adoptions, exposures, "
                                       "conversions, conversion_rate)", t);
            want[g] = true;
        }
    }
    int code = cli_apply(&c);
    if (code) return code;

    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    double *pr = NULL, *personal = NULL, *wdeg = NULL, *btw = NULL, *clu = NULL, *icd = NULL;
    int64_t *rrc = NULL;
    clout_influence *P = NULL;
    clout_prob_model pm;
    int64_t *core = NULL, *newc = NULL, *src = NULL, *ad = NULL, *ex = NULL, *cv = NULL, *od = NULL, *id_ = NULL;
    double tm[NGROUPS + 1] = {0}, t0 = clout_now();
    int s = clout_snapshot_load(&G, path, msg);
    tm[NGROUPS] = clout_now() - t0;
    int64_t n = s >= 0 ? clout_graph_users(G) : 0;
    int iters = 0;
    t0 = clout_now();
    if (s >= 0 && want[M_DEG]) {
        s = clout_graph_cache_degrees(G, msg);
        od = calloc((size_t)n + 1, sizeof(int64_t));
        id_ = calloc((size_t)n + 1, sizeof(int64_t));
        wdeg = calloc((size_t)n + 1, sizeof(double));
        GrB_Vector wv = NULL;
        if (s >= 0 && (!od || !id_ || !wdeg)) s = CLOUT_ERR_NOMEM;
        if (s >= 0) s = dense_int(G->out_degree, od, n, msg);
        if (s >= 0) s = dense_int(G->in_degree, id_, n, msg);
        if (s >= 0 && (GrB_Vector_new(&wv, GrB_FP64, (GrB_Index)n) != GrB_SUCCESS ||
                       GrB_Matrix_reduce_Monoid(wv, NULL, NULL, GrB_PLUS_MONOID_FP64, G->S, NULL) != GrB_SUCCESS))
            s = CLOUT_ERR_GRAPHBLAS;
        if (s >= 0) s = dense_real(wv, wdeg, n, msg);
        GrB_free(&wv);
    }
    tm[M_DEG] = clout_now() - t0;
    if (s >= 0 && want[M_PR]) {
        if (personal_path) s = read_personal(personal_path, G, &personal, msg);
        /* the relabelled transpose PageRank builds is timed apart from its iterations */
        t0 = clout_now();
        double tt = 0;
        if (s >= 0) s = clout_pagerank(G, damping, tol, 10000, personal, &pr, &iters, &tt, msg);
        tm[M_PR] = clout_now() - t0 - tt;
        if (timings) fprintf(stderr, "timings: pagerank transpose %.3f s\n", tt);
    }
    /* S' by row, cached on the graph for coreness, clustering (the undirected view) and exact
     * reach (it stands for the graph structure the peers build before they start): timed apart.
     * HyperANF (--approx) walks S alone. */
    t0 = clout_now();
    if (s >= 0 && G->directed && (want[M_CORE] || want[M_CLU] || ((want[M_REACH] || want[M_DEPTH]) && !approx))) {
        s = clout_graph_cache_transpose(G, msg);
        if (s >= 0 && timings) fprintf(stderr, "timings: cached transpose S' %.3f s\n", clout_now() - t0);
    }
    t0 = clout_now();
    if (s >= 0 && want[M_CORE]) s = clout_coreness(G, &core, msg);
    tm[M_CORE] = clout_now() - t0;
    t0 = clout_now();
    if (s >= 0 && want[M_BTW]) s = clout_betweenness(G, bsamples, (uint64_t)seed, &btw, msg);
    tm[M_BTW] = clout_now() - t0;
    t0 = clout_now();
    if (s >= 0 && want[M_CLU]) s = clout_clustering(G, &clu, msg);
    tm[M_CLU] = clout_now() - t0;
    t0 = clout_now();
    int64_t depth_cap = want[M_DEPTH] ? (maxdepth > hops ? maxdepth : hops) : hops;
    double *areach = NULL, *amean = NULL;
    int64_t *adepth = NULL;
    if (s >= 0 && (want[M_REACH] || want[M_DEPTH]) && approx) {
        areach = malloc((size_t)(n ? n : 1) * (size_t)hops * sizeof(double));
        adepth = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
        amean = malloc((size_t)(n ? n : 1) * sizeof(double));
        s = areach && adepth && amean
                ? clout_reach_approx(G, (int)hops, (int)(want[M_DEPTH] ? depth_cap : hops), (int)aregs, (uint64_t)seed,
                                     areach, adepth, amean, msg)
                : CLOUT_ERR_NOMEM;
    } else if (s >= 0 && (want[M_REACH] || want[M_DEPTH])) {
        src = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
        newc = malloc((size_t)(n ? n : 1) * (size_t)(depth_cap + 1) * sizeof(int64_t));
        if (!src || !newc) s = CLOUT_ERR_NOMEM;
        for (int64_t i = 0; s >= 0 && i < n; i++) src[i] = i;
        if (s >= 0) s = clout_reach(G, src, n, (int)depth_cap, newc, msg);
    }
    tm[M_REACH] = clout_now() - t0;
    t0 = clout_now();
    if (s >= 0 && want[M_CONV]) s = clout_conversion(G, dif.window, &ad, &ex, &cv, msg);
    tm[M_CONV] = clout_now() - t0;
    if (s >= 0 && (want[M_ICR] || want[M_ICD])) {
        s = cli_diffusion_model(&dif, (uint64_t)seed, &pm, msg);
        if (s >= 0) s = clout_influence_new(&P, G, &pm, CLOUT_INFLUENCE_CONSUME, msg);
    }
    t0 = clout_now();
    if (s >= 0 && want[M_ICR]) {
        rrc = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
        s = rrc ? clout_rr_counts(P, lt, rrsets, (uint64_t)seed, rrc, msg) : CLOUT_ERR_NOMEM;
    }
    tm[M_ICR] = clout_now() - t0;
    t0 = clout_now();
    if (s >= 0 && want[M_ICD]) {
        icd = malloc((size_t)(n ? n : 1) * sizeof(double));
        s = icd ? clout_cascade_depths(P, lt, sims, (uint64_t)seed, icd, msg) : CLOUT_ERR_NOMEM;
    }
    tm[M_ICD] = clout_now() - t0;
    if (s >= 0 && timings)
        fprintf(stderr, "timings: load %.3f s, degrees %.3f s, pagerank %.3f s (%d iterations), core %.3f s, "
                        "betweenness %.3f s, clustering %.3f s, reach+depth %.3f s, conversion %.3f s, "
                        "ic_range %.3f s, ic_depth %.3f s\n",
                tm[NGROUPS], tm[M_DEG], tm[M_PR], iters, tm[M_CORE], tm[M_BTW], tm[M_CLU], tm[M_REACH], tm[M_CONV],
                tm[M_ICR], tm[M_ICD]);
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        const char *names[64];
        char reach_names[100][16];
        int nc = 0;
        names[nc++] = "user";
        if (want[M_DEG]) names[nc++] = "out_degree", names[nc++] = "in_degree", names[nc++] = "w_out_degree";
        if (want[M_PR]) names[nc++] = "pagerank";
        if (want[M_CORE]) names[nc++] = "core";
        if (want[M_BTW]) names[nc++] = "betweenness";
        if (want[M_CLU]) names[nc++] = "clustering";
        if (want[M_REACH])
            for (int64_t d = 1; d <= hops; d++) {
                snprintf(reach_names[d - 1], 16, "reach_%lld", (long long)d);
                names[nc++] = reach_names[d - 1];
            }
        if (want[M_DEPTH]) names[nc++] = "depth", names[nc++] = "mean_hops";
        if (want[M_ICR]) names[nc++] = "ic_range", names[nc++] = "ic_range_se";
        if (want[M_ICD]) names[nc++] = "ic_depth";
        if (want[M_CONV])
            names[nc++] = "adoptions", names[nc++] = "exposures", names[nc++] = "conversions",
            names[nc++] = "conversion_rate";
        s = clout_table_begin(&t, out.f, c.fmt, nc, names, NULL, false, msg);
        for (int64_t i = 0; s >= 0 && i < n; i++) {
            size_t len;
            const char *name = clout_idmap_name(G->users, i, &len);
            clout_table_str(t, name, len);
            if (want[M_DEG]) {
                clout_table_int(t, od[i]);
                clout_table_int(t, id_[i]);
                clout_table_real(t, wdeg[i]);
            }
            if (want[M_PR]) clout_table_real(t, pr[i]);
            if (want[M_CORE]) clout_table_int(t, core[i]);
            if (want[M_BTW]) clout_table_real(t, btw[i]);
            if (want[M_CLU]) clout_table_real(t, clu[i]);
            const int64_t *row = newc ? newc + i * (depth_cap + 1) : NULL;
            if (want[M_REACH] && approx) {
                for (int64_t d = 1; d <= hops; d++) clout_table_real(t, areach[i * hops + d - 1]);
            } else if (want[M_REACH]) {
                int64_t cum = 0;
                for (int64_t d = 1; d <= hops; d++) {
                    cum += row[d];
                    clout_table_int(t, cum);
                }
            }
            if (want[M_DEPTH] && approx) {
                clout_table_int(t, adepth[i]);
                clout_table_real(t, amean[i]);
            } else if (want[M_DEPTH]) {
                int64_t depth = 0, tot = 0;
                double sum = 0;
                for (int64_t d = 1; d <= depth_cap; d++)
                    if (row[d] > 0) {
                        depth = d;
                        tot += row[d];
                        sum += (double)d * (double)row[d];
                    }
                clout_table_int(t, depth);
                clout_table_real(t, tot ? sum / (double)tot : 0.0);
            }
            if (want[M_ICR]) {
                /* sigma({u}) = n * (share of RR sets containing u); binomial standard error */
                double f = (double)rrc[i] / (double)rrsets;
                clout_table_real(t, (double)n * f);
                clout_table_real(t, (double)n * sqrt(f * (1 - f) / (double)rrsets));
            }
            if (want[M_ICD]) clout_table_real(t, icd[i]);
            if (want[M_CONV]) {
                clout_table_int(t, ad[i]);
                clout_table_int(t, ex[i]);
                clout_table_int(t, cv[i]);
                clout_table_real(t, ex[i] ? (double)cv[i] / (double)ex[i] : 0.0);
            }
        }
        if (s >= 0) s = clout_table_end(&t, msg);
    }
    if (s >= 0) s = clout_outfile_commit(&out, msg);
    else clout_outfile_abort(&out);
    if (s >= 0 && want[M_PR] && !c.quiet && iters > 0)
        fprintf(stderr, "clout: pagerank converged in %d iterations\n", iters);
    free(pr);
    free(personal);
    free(wdeg);
    free(core);
    free(areach);
    free(adepth);
    free(amean);
    free(rrc);
    free(icd);
    clout_influence_free(&P);
    free(btw);
    free(clu);
    free(newc);
    free(src);
    free(ad);
    free(ex);
    free(cv);
    free(od);
    free(id_);
    clout_graph_free(&G);
    return cli_report(s, msg);
}
