/* cmd_report.c: clout report: the analysis of one graph as one self-contained HTML page. The
 * results of earlier commands are read from their tables (--metrics, --scores, --compare, --seeds,
 * --weights); what is not given and cheap is computed here with the defaults of the command that
 * would make it, and the page says which (its last section lists every figure's source, with the
 * command that reproduces it). */
#include "cli.h"
#include "report_internal.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

typedef struct {
    const char *metrics, *scores, *compare, *seeds, *weights, *title;
    int64_t top, hops, seed, ego, ego_max, imk;
} report_args;

/* one row of the page's last table: which figure, from where, made how */
#define MAXPROV 16
typedef struct {
    char what[64], source[512], how[1024];
} prov_row;

typedef struct {
    clout_graph *G;
    int64_t n;
    const char *path;
    cli_diffusion dif;
    report_args a;
    /* per user */
    double *deg;            /* out-degree (ties of the graph in use) */
    int hops;
    double *reach;          /* n x hops, or NULL */
    double *depth, *icdepth;/* or NULL */
    double *score;          /* or NULL */
    int nf;
    char **fnames;          /* nf feature names (the contributions' columns) */
    double *contrib;        /* n x nf */
    char *seed;             /* n flags */
    int64_t nseeds;
    cli_csv cmp, wts;       /* compare and weights tables (ncols 0: not given) */
    prov_row prov[MAXPROV];
    int nprov;
} report;

static void prov_add(report *r, const char *what, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void prov_add(report *r, const char *what, const char *source, const char *fmt, ...)
{
    if (r->nprov == MAXPROV) return;
    prov_row *p = &r->prov[r->nprov++];
    snprintf(p->what, sizeof p->what, "%s", what);
    snprintf(p->source, sizeof p->source, "%s", source);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->how, sizeof p->how, fmt, ap);
    va_end(ap);
}

/* "FILE (N bytes, crc32 X)": what was read, so a reader can tell the same file again */
static void describe_file(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    unsigned long crc = crc32(0L, Z_NULL, 0);
    long long bytes = 0;
    if (f) {
        unsigned char buf[1 << 16];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            crc = crc32(crc, buf, (uInt)got);
            bytes += (long long)got;
        }
        fclose(f);
    }
    snprintf(out, cap, "%s (%lld bytes, crc32 %08lx)", path, bytes, crc);
}

static const char *graph_opts(const report *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s --prob %s%s", r->dif.graph ? " --graph " : "", r->dif.graph ? r->dif.graph : "",
             r->dif.prob, isfinite(r->dif.window) ? " --window ..." : "");
    return buf;
}

/* ------------------------------------------------------------ inputs */

/* A table keyed by user, read with its rows mapped to users: every user exactly once (a table of
 * another graph, or of only some users, is refused). (*idx)[row] = user. On failure *t and *idx
 * are still the caller's to free (cli_csv_free, free). */
static int read_user_table(const report *r, const char *path, const char *what, cli_csv *t, int64_t **idx,
                           char msg[CLOUT_MSG_LEN])
{
    *idx = NULL;
    int st = cli_csv_read(path, "user", t, msg);
    if (st < 0) return st;
    if (t->nrows != r->n) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: %lld rows for the graph's %lld users: expected %s of every user of %s", path,
                 (long long)t->nrows, (long long)r->n, what, r->path);
        return CLOUT_ERR_DATA;
    }
    char *seen = calloc((size_t)r->n + 1, 1);
    *idx = malloc((size_t)t->nrows * sizeof(int64_t) + 1);
    if (!seen || !*idx) {
        free(seen);
        return CLOUT_ERR_NOMEM;
    }
    for (int64_t i = 0; i < t->nrows; i++) {
        int64_t u = clout_idmap_find(r->G->users, t->keys[i], strlen(t->keys[i]));
        if (u < 0 || seen[u]) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: user '%.64s' %s", path, (long long)i + 2, t->keys[i],
                     u < 0 ? "is not in the graph" : "appears twice");
            free(seen);
            return CLOUT_ERR_DATA;
        }
        seen[u] = 1;
        (*idx)[i] = u;
    }
    free(seen);
    return CLOUT_OK;
}

static int need_col(const cli_csv *t, const char *path, const char *col, const char *what, char msg[CLOUT_MSG_LEN])
{
    int c = cli_csv_col(t, col);
    if (c < 0 || !t->numeric[c]) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:1: %s column '%s'; expected %s", path, c < 0 ? "no" : "a non-numeric", col, what);
        return -1;
    }
    return c;
}

static int metrics_from_file(report *r, char msg[CLOUT_MSG_LEN])
{
    cli_csv t;
    int64_t *idx = NULL;
    int s = read_user_table(r, r->a.metrics, "the metrics table (clout metrics)", &t, &idx, msg);
    int hops = 0;
    char name[32];
    for (;; hops++) {
        snprintf(name, sizeof name, "reach_%d", hops + 1);
        if (cli_csv_col(&t, name) < 0) break;
    }
    int cd = cli_csv_col(&t, "depth"), ci = cli_csv_col(&t, "ic_depth");
    if (s >= 0 && hops == 0 && cd < 0 && ci < 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:1: none of reach_1, depth, ic_depth; expected a table of clout metrics with "
                 "them", r->a.metrics);
        s = CLOUT_ERR_DATA;
    }
    r->hops = hops;
    if (s >= 0 && hops) s = (r->reach = malloc((size_t)r->n * (size_t)hops * sizeof(double))) ? s : CLOUT_ERR_NOMEM;
    if (s >= 0 && cd >= 0) s = (r->depth = malloc((size_t)r->n * sizeof(double))) ? s : CLOUT_ERR_NOMEM;
    if (s >= 0 && ci >= 0) s = (r->icdepth = malloc((size_t)r->n * sizeof(double))) ? s : CLOUT_ERR_NOMEM;
    for (int h = 0; s >= 0 && h < hops; h++) {
        snprintf(name, sizeof name, "reach_%d", h + 1);
        int c = need_col(&t, r->a.metrics, name, "whole numbers", msg);
        if (c < 0) s = CLOUT_ERR_DATA;
        for (int64_t i = 0; s >= 0 && i < t.nrows; i++) r->reach[idx[i] * hops + h] = t.vals[i * t.ncols + c];
    }
    if (s >= 0 && cd >= 0 && need_col(&t, r->a.metrics, "depth", "whole numbers", msg) < 0) s = CLOUT_ERR_DATA;
    if (s >= 0 && ci >= 0 && need_col(&t, r->a.metrics, "ic_depth", "numbers", msg) < 0) s = CLOUT_ERR_DATA;
    for (int64_t i = 0; s >= 0 && i < t.nrows; i++) {
        if (cd >= 0) r->depth[idx[i]] = t.vals[i * t.ncols + cd];
        if (ci >= 0) r->icdepth[idx[i]] = t.vals[i * t.ncols + ci];
    }
    if (s >= 0) {
        char src[700];
        describe_file(r->a.metrics, src, sizeof src);
        prov_add(r, "reach by hop, depth", src, "read: a clout metrics table (%d reach columns%s%s)", hops,
                 cd >= 0 ? ", depth" : "", ci >= 0 ? ", ic_depth" : "");
    }
    free(idx);
    cli_csv_free(&t);
    return s;
}

static int metrics_computed(report *r, char msg[CLOUT_MSG_LEN])
{
    char only[600];
    size_t len = 0;
    for (int h = 1; h <= r->a.hops; h++) len += (size_t)snprintf(only + len, sizeof only - len, "reach_%d,", h);
    snprintf(only + len, sizeof only - len, "depth,ic_depth");
    clout_features_opts fo;
    clout_features_opts_init(&fo);
    fo.only = only;
    fo.hops = (int)r->a.hops;
    fo.seed = (uint64_t)r->a.seed;
    fo.window = r->dif.window;
    clout_features *F = NULL;
    int s = cli_diffusion_model(&r->dif, (uint64_t)r->a.seed, &fo.prob, msg);
    if (s >= 0) s = clout_features_compute(r->G, &fo, &F, msg);
    r->hops = (int)r->a.hops;
    if (s >= 0) {
        r->reach = malloc((size_t)r->n * (size_t)r->hops * sizeof(double));
        r->depth = malloc((size_t)r->n * sizeof(double));
        r->icdepth = malloc((size_t)r->n * sizeof(double));
        if (!r->reach || !r->depth || !r->icdepth) s = CLOUT_ERR_NOMEM;
    }
    for (int c = 0; s >= 0 && c < F->ncols; c++) {
        const clout_feature_col *col = &F->cols[c];
        double *dst = NULL;
        int stride = 1;
        if (strncmp(col->name, "reach_", 6) == 0) {
            int h = atoi(col->name + 6);
            dst = r->reach + (h - 1);
            stride = r->hops;
        } else if (strcmp(col->name, "depth") == 0) {
            dst = r->depth;
        } else if (strcmp(col->name, "ic_depth") == 0) {
            dst = r->icdepth;
        }
        for (int64_t u = 0; dst && u < r->n; u++)
            dst[u * stride] = col->ints ? (double)col->ints[u] : col->reals[u];
    }
    clout_features_free(&F);
    char g[128];
    if (s >= 0)
        prov_add(r, "reach by hop, depth", "computed by this report",
                 "`clout metrics %s --only %s --hops %lld --seed %lld%s", r->path, only, (long long)r->a.hops,
                 (long long)r->a.seed, graph_opts(r, g, sizeof g));
    return s;
}

static int scores_from_file(report *r, char msg[CLOUT_MSG_LEN])
{
    cli_csv t;
    int64_t *idx = NULL;
    int s = read_user_table(r, r->a.scores, "the score table (clout score)", &t, &idx, msg);
    int cs = s >= 0 ? need_col(&t, r->a.scores, "score", "the table of clout score", msg) : 0;
    if (cs < 0) s = CLOUT_ERR_DATA;
    int nf = 0;
    for (int c = 0; c < t.ncols; c++) {
        size_t l = strlen(t.names[c]);
        nf += l > 8 && strcmp(t.names[c] + l - 8, "_contrib") == 0 && t.numeric[c];
    }
    if (s >= 0) {
        r->score = malloc((size_t)r->n * sizeof(double));
        r->contrib = malloc((size_t)r->n * (size_t)(nf ? nf : 1) * sizeof(double));
        r->fnames = calloc((size_t)(nf ? nf : 1), sizeof(char *));
        if (!r->score || !r->contrib || !r->fnames) s = CLOUT_ERR_NOMEM;
    }
    for (int c = 0; s >= 0 && c < t.ncols; c++) {
        size_t l = strlen(t.names[c]);
        if (!(l > 8 && strcmp(t.names[c] + l - 8, "_contrib") == 0 && t.numeric[c])) continue;
        int j = r->nf;
        r->fnames[j] = strndup(t.names[c], l - 8);
        if (!r->fnames[j]) {
            s = CLOUT_ERR_NOMEM;
            break;
        }
        r->nf++;
        for (int64_t i = 0; i < t.nrows; i++) r->contrib[idx[i] * nf + j] = t.vals[i * t.ncols + c];
    }
    for (int64_t i = 0; s >= 0 && i < t.nrows; i++) r->score[idx[i]] = t.vals[i * t.ncols + cs];
    if (s >= 0) {
        char src[700];
        describe_file(r->a.scores, src, sizeof src);
        prov_add(r, "score distribution, key users", src, "read: a clout score table (%d feature contributions)", nf);
    }
    free(idx);
    cli_csv_free(&t);
    return s;
}

static int scores_computed(report *r, char msg[CLOUT_MSG_LEN])
{
    cli_design_opts dz = {CLI_DEFAULT_FEATURES, NULL, NULL, NULL, NULL};
    clout_features_opts fo;
    clout_features_opts_init(&fo);
    fo.hops = 3;
    fo.seed = (uint64_t)r->a.seed;
    fo.window = r->dif.window;
    cli_design d = {0};
    int s = cli_diffusion_model(&r->dif, (uint64_t)r->a.seed, &fo.prob, msg);
    if (s >= 0) s = cli_design_build(r->G, &dz, &fo, &d, msg);
    if (s >= 0) {
        r->score = malloc((size_t)r->n * sizeof(double) + 1);
        r->contrib = malloc((size_t)r->n * (size_t)d.nf * sizeof(double) + 1);
        r->fnames = calloc((size_t)d.nf, sizeof(char *));
        if (!r->score || !r->contrib || !r->fnames) s = CLOUT_ERR_NOMEM;
    }
    if (s >= 0) s = clout_score_sum(d.X, r->n, d.nf, d.w, r->score, r->contrib, msg);
    for (int j = 0; s >= 0 && j < d.nf; j++) {
        r->fnames[j] = strdup(d.names[j]);
        if (!r->fnames[j]) s = CLOUT_ERR_NOMEM;
        else r->nf++;
    }
    cli_design_free(&d);
    char g[128];
    if (s >= 0)
        prov_add(r, "score distribution, key users", "computed by this report",
                 "`clout score %s --features %s --normalize zscore --seed %lld%s", r->path, CLI_DEFAULT_FEATURES,
                 (long long)r->a.seed, graph_opts(r, g, sizeof g));
    return s;
}

static int seeds_read(report *r, char msg[CLOUT_MSG_LEN])
{
    int64_t *v = NULL, k = 0;
    int s;
    r->seed = calloc((size_t)r->n + 1, 1);
    if (!r->seed) return CLOUT_ERR_NOMEM;
    char g[128];
    if (r->a.seeds) {
        s = clout_read_users(r->G, r->a.seeds, &v, &k, msg);
        if (s >= 0) {
            char src[700];
            describe_file(r->a.seeds, src, sizeof src);
            prov_add(r, "seeds in the network drawing", src, "read: %lld seed users", (long long)k);
        }
    } else {
        k = r->a.imk < r->n ? r->a.imk : r->n;
        v = malloc((size_t)k * sizeof(int64_t) + 1);
        double *sp = malloc((size_t)k * sizeof(double) + 1);
        clout_influence *P = NULL;
        clout_prob_model pm;
        clout_im_params ip;
        clout_im_params_init(&ip);
        ip.k = (int)k;
        ip.seed = (uint64_t)r->a.seed;
        s = v && sp ? cli_diffusion_model(&r->dif, (uint64_t)r->a.seed, &pm, msg) : CLOUT_ERR_NOMEM;
        if (s >= 0) s = clout_influence_new(&P, r->G, &pm, CLOUT_INFLUENCE_REVERSE, msg);
        if (s >= 0) s = clout_im_select(r->G, P, &ip, v, sp, NULL, msg);
        clout_influence_free(&P);
        free(sp);
        if (s >= 0)
            prov_add(r, "seeds in the network drawing", "computed by this report",
                     "`clout im %s -k %lld --algo imm --epsilon %g --seed %lld%s", r->path, (long long)k, ip.eps,
                     (long long)r->a.seed, graph_opts(r, g, sizeof g));
    }
    for (int64_t i = 0; s >= 0 && i < k; i++) r->seed[v[i]] = 1;
    r->nseeds = s >= 0 ? k : 0;
    if (r->a.seeds) clout_free(v);
    else free(v);
    return s;
}

static int table_read(const char *path, const char *key, const char *const *cols, int ncols, const char *what,
                      cli_csv *t, char msg[CLOUT_MSG_LEN])
{
    int s = cli_csv_read(path, key, t, msg);
    for (int c = 0; s >= 0 && c < ncols; c++)
        if (need_col(t, path, cols[c], what, msg) < 0) s = CLOUT_ERR_DATA;
    if (s < 0) cli_csv_free(t);
    return s;
}

/* ------------------------------------------------------------ sections */

static int cmp_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

static void glance(FILE *f, const report *r)
{
    clout_graph *G = r->G;
    report_section(f, "glance", "The graph at a glance");
    char v[12][64];
    GrB_Index tn = 0, bn = 0;
    GrB_Matrix_nvals(&tn, G->T);
    if (G->B) GrB_Matrix_nvals(&bn, G->B);
    double lo = NAN, hi = NAN;
    char m2[CLOUT_MSG_LEN];
    clout_graph_time_span(G, &lo, &hi, m2);
    snprintf(v[0], 64, "%lld", (long long)r->n);
    snprintf(v[1], 64, "%lld", (long long)clout_graph_items(G));
    snprintf(v[2], 64, "%lld", (long long)clout_graph_social_edges(G));
    snprintf(v[3], 64, "%s", G->directed ? "directed" : "undirected (both directions stored)");
    snprintf(v[4], 64, "%lld", (long long)clout_graph_interactions(G));
    snprintf(v[5], 64, "%llu", (unsigned long long)tn);
    snprintf(v[6], 64, "%llu", (unsigned long long)bn);
    if (!isnan(lo)) {
        time_t a = (time_t)lo, b = (time_t)hi;
        struct tm ta, tb;
        gmtime_r(&a, &ta);
        gmtime_r(&b, &tb);
        snprintf(v[7], 64, "%04d-%02d-%02d to %04d-%02d-%02d", ta.tm_year + 1900, ta.tm_mon + 1, ta.tm_mday,
                 tb.tm_year + 1900, tb.tm_mon + 1, tb.tm_mday);
    } else {
        snprintf(v[7], 64, "no times in the logs");
    }
    const char *rows[][2] = {{"users", v[0]}, {"items", v[1]}, {"ties the analysis reads", v[2]}, {"ties are", v[3]},
                             {"user-item interactions", v[4]}, {"timed interactions", v[5]},
                             {"behaviour-graph ties stored", v[6]}, {"time span", v[7]}};
    report_table_begin(f, "kv", 2, NULL);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) report_table_row(f, 2, rows[i]);
    report_table_end(f);
    if (G->nactions > 0) {
        static const char *ah[] = {"behaviour", "rows", "users", "items"};
        report_para(f, NULL, "Behaviours by type (one user x item matrix each):");
        report_table_begin(f, "actions", 4, ah);
        for (int a = 0; a < G->nactions; a++) {
            double rows_n = 0;
            int64_t users = 0, items = 0;
            clout_graph_action_counts(G, a, &rows_n, &users, &items, m2);
            char c1[32], c2[32], c3[32];
            snprintf(c1, sizeof c1, "%.0f", rows_n);
            snprintf(c2, sizeof c2, "%lld", (long long)users);
            snprintf(c3, sizeof c3, "%lld", (long long)items);
            const char *cells[] = {G->action_names[a], c1, c2, c3};
            report_table_row(f, 4, cells);
        }
        report_table_end(f);
    }
    if (G->behaviour) report_para(f, "note", "Behaviour graph: %s.", G->behaviour);
    report_section_end(f);
}

/* P(X >= x) at each distinct positive x (sorted copy in v); returns the count of points */
static int64_t ccdf(const double *x, int64_t n, double *v, double *px, double *py)
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(x[i]) && x[i] > 0) v[m++] = x[i];
    qsort(v, (size_t)m, sizeof(double), cmp_double);
    int64_t k = 0;
    for (int64_t i = 0; i < m; i++)
        if (i == 0 || v[i] != v[i - 1]) {
            px[k] = v[i];
            py[k++] = (double)(m - i) / (double)m;
        }
    return k;
}

/* a distribution on log-log axes with its power-law fit; false when it cannot be drawn so */
static int powerlaw_chart(FILE *f, const char *id, const char *title, const char *xlabel, const double *x, int64_t n,
                          bool discrete, char *caption, size_t capcap, char msg[CLOUT_MSG_LEN])
{
    double *v = malloc((size_t)n * sizeof(double) + 1), *px = malloc((size_t)n * sizeof(double) + 1),
           *py = malloc((size_t)n * sizeof(double) + 1);
    if (!v || !px || !py) {
        free(v), free(px), free(py);
        return CLOUT_ERR_NOMEM;
    }
    int64_t k = ccdf(x, n, v, px, py), m = 0;
    for (int64_t i = 0; i < n; i++) m += isfinite(x[i]) && x[i] > 0;
    double alpha = NAN, xmin = NAN, D = NAN, fx[40], fy[40];
    int64_t tail = 0, nfit = 0;
    char pmsg[CLOUT_MSG_LEN];
    if (m >= 2 && report_plfit(x, n, discrete, &alpha, &xmin, &D, &tail, pmsg) >= 0 && isfinite(alpha) && alpha > 1) {
        double xmax = px[k - 1], p0 = (double)tail / (double)m;
        for (int i = 0; i < 40 && xmax > xmin; i++) {
            fx[nfit] = xmin * pow(xmax / xmin, i / 39.0);
            fy[nfit] = p0 * pow(fx[nfit] / xmin, 1 - alpha);
            nfit++;
        }
    }
    svg_series s[2] = {{.name = "users with a value >= x", .n = k, .x = px, .y = py, .points_only = true, .style = 0},
                       {.name = "power law fit (plfit)", .n = nfit, .x = fx, .y = fy, .line_only = true, .style = 1}};
    svg_chart c = {.id = id, .title = title, .xlabel = xlabel, .ylabel = "share of users >= x", .logx = true, .logy = true};
    svg_lines(f, &c, s, nfit ? 2 : 1);
    if (nfit)
        snprintf(caption, capcap, "%lld users with a positive value. Power law above xmin = %g: alpha = %.3f "
                 "(igraph plfit, %s; %lld users in the tail, Kolmogorov-Smirnov distance %.3f).", (long long)m, xmin,
                 alpha, discrete ? "discrete" : "continuous", (long long)tail, D);
    else
        snprintf(caption, capcap, "%lld users with a positive value; too few for a power-law fit.", (long long)m);
    free(v), free(px), free(py);
    (void)msg;
    return CLOUT_OK;
}

static int distributions(FILE *f, report *r, char msg[CLOUT_MSG_LEN])
{
    report_section(f, "distributions", "Degree and influence-score distributions");
    fprintf(f, "<div class=\"grid2\">\n");
    char cap[600];
    report_figure_begin(f);
    int s = powerlaw_chart(f, "chart-degree", "Out-degree (ties to others)", "out-degree x", r->deg, r->n, true, cap,
                           sizeof cap, msg);
    report_figure_end(f, cap);
    double mn = INFINITY, mx = -INFINITY;
    for (int64_t u = 0; u < r->n; u++) mn = fmin(mn, r->score[u]), mx = fmax(mx, r->score[u]);
    report_figure_begin(f);
    if (s >= 0 && mn > 0) {
        s = powerlaw_chart(f, "chart-score", "Influence score", "score x", r->score, r->n, false, cap, sizeof cap, msg);
        report_figure_end(f, cap);
    } else if (s >= 0) {
        /* scores below 0 (z-scores): a histogram on a log count axis instead */
        enum { NB = 30 };
        double bx[NB], by[NB];
        int64_t cnt[NB] = {0};
        double w = mx > mn ? (mx - mn) / NB : 1;
        for (int64_t u = 0; u < r->n; u++) {
            int b = (int)((r->score[u] - mn) / w);
            cnt[b < 0 ? 0 : b >= NB ? NB - 1 : b]++;
        }
        for (int b = 0; b < NB; b++) {
            bx[b] = mn + w * (b + 0.5);
            by[b] = cnt[b] ? (double)cnt[b] : NAN;
        }
        svg_series sr = {.name = "users per score bin", .n = NB, .x = bx, .y = by, .style = 0};
        svg_chart c = {.id = "chart-score", .title = "Influence score", .xlabel = "score", .ylabel = "users",
                       .logy = true};
        svg_lines(f, &c, &sr, 1);
        snprintf(cap, sizeof cap, "Scores from %.3g to %.3g in %d bins (empty bins left out). The scores take values "
                 "at or below 0 (sums of z-scores), so no power law is fitted.", mn, mx, NB);
        report_figure_end(f, cap);
    }
    fprintf(f, "</div>\n");
    report_section_end(f);
    return s;
}

static int reach_section(FILE *f, report *r, char msg[CLOUT_MSG_LEN])
{
    report_section(f, "reach", "How far influence travels");
    fprintf(f, "<div class=\"grid2\">\n");
    int H = r->hops, s = CLOUT_OK;
    double *v = malloc((size_t)r->n * sizeof(double) + 1);
    if (!v) return CLOUT_ERR_NOMEM;
    double hx[64], med[64], p10[64], p90[64], mean[64];
    int hh = H < 64 ? H : 64;
    if (H > 0) {
        for (int h = 0; h < hh; h++) {
            double sum = 0;
            for (int64_t u = 0; u < r->n; u++) sum += (v[u] = r->reach[u * H + h]);
            qsort(v, (size_t)r->n, sizeof(double), cmp_double);
            hx[h] = h + 1;
            med[h] = v[(r->n - 1) / 2];
            p10[h] = v[(int64_t)floor(0.1 * (double)(r->n - 1))];
            p90[h] = v[(int64_t)ceil(0.9 * (double)(r->n - 1))];
            mean[h] = sum / (double)r->n;
        }
        svg_series sr[2] = {{.name = "median (bars: 10th-90th percentile)", .n = hh, .x = hx, .y = med, .lo = p10, .hi = p90, .style = 0},
                            {.name = "mean", .n = hh, .x = hx, .y = mean, .style = 1}};
        svg_chart c = {.id = "chart-reach", .title = "Users reached within h hops", .xlabel = "hops h",
                       .ylabel = "users reached", .yzero = true, .dodge = true, .xint = true};
        report_figure_begin(f);
        svg_lines(f, &c, sr, 2);
        char cap[300];
        snprintf(cap, sizeof cap, "reach_h: the users a user's ties lead to in at most h hops, over all %lld users (median: the lower one; "
                 "10th and 90th percentiles: the nearest ranks below and above).",
                 (long long)r->n);
        report_figure_end(f, cap);
    }
    if (r->depth || r->icdepth) {
        int64_t maxd = 0;
        for (int64_t u = 0; r->depth && u < r->n; u++)
            if (isfinite(r->depth[u])) maxd = (int64_t)fmax((double)maxd, r->depth[u]);
        if (maxd > 200) maxd = 200;
        double *dx = calloc((size_t)maxd + 1, sizeof(double)), *dy = calloc((size_t)maxd + 1, sizeof(double));
        enum { NB = 24 };
        double ix[NB], iy[NB], imx = 0;
        for (int64_t u = 0; r->icdepth && u < r->n; u++)
            if (isfinite(r->icdepth[u])) imx = fmax(imx, r->icdepth[u]);
        double bw = imx > 0 ? imx / NB : 1;
        int64_t ic[NB] = {0};
        if (!dx || !dy) s = CLOUT_ERR_NOMEM;
        for (int64_t u = 0; s >= 0 && r->depth && u < r->n; u++) {
            double d = r->depth[u];
            if (isfinite(d) && d >= 0) dy[(int64_t)fmin(d, (double)maxd)] += 1.0 / (double)r->n;
        }
        for (int64_t d = 0; s >= 0 && d <= maxd; d++) {
            dx[d] = (double)d;
            if (dy[d] == 0) dy[d] = NAN;
        }
        for (int64_t u = 0; r->icdepth && u < r->n; u++) {
            double d = r->icdepth[u];
            if (isfinite(d) && d >= 0) ic[(int)fmin(d / bw, NB - 1)]++;
        }
        for (int b = 0; b < NB; b++) {
            ix[b] = bw * (b + 0.5);
            iy[b] = ic[b] ? (double)ic[b] / (double)r->n : NAN;
        }
        svg_series sr[2];
        int ns = 0;
        if (r->depth) sr[ns++] = (svg_series){.name = "depth: hops to the farthest user reached", .n = maxd + 1, .x = dx, .y = dy, .style = 2};
        if (r->icdepth) sr[ns++] = (svg_series){.name = "ic_depth: expected cascade depth (IC)", .n = NB, .x = ix, .y = iy, .style = 3};
        svg_chart c = {.id = "chart-depth", .title = "Cascade depth distribution", .xlabel = "depth (hops)",
                       .ylabel = "share of users", .yzero = true, .xint = true};
        if (s >= 0) {
            report_figure_begin(f);
            svg_lines(f, &c, sr, ns);
            report_figure_end(f, "depth: over the ties (exact, up to 32 hops); ic_depth: the mean depth of an Independent "
                                 "Cascade started at the user, binned.");
        }
        free(dx);
        free(dy);
    }
    fprintf(f, "</div>\n");
    if (H > 0) {
        static const char *head[] = {"hops", "median", "10th percentile", "90th percentile", "mean"};
        report_table_begin(f, "reach", 5, head);
        for (int h = 0; h < hh; h++) {
            char b[5][32];
            snprintf(b[0], 32, "%d", h + 1);
            snprintf(b[1], 32, "%.10g", med[h]);
            snprintf(b[2], 32, "%.10g", p10[h]);
            snprintf(b[3], 32, "%.10g", p90[h]);
            snprintf(b[4], 32, "%.6f", mean[h]);
            const char *cells[] = {b[0], b[1], b[2], b[3], b[4]};
            report_table_row(f, 5, cells);
        }
        report_table_end(f);
    }
    free(v);
    report_section_end(f);
    (void)msg;
    return s;
}

static int im_section(FILE *f, report *r, char msg[CLOUT_MSG_LEN])
{
    report_section(f, "im", "Influence maximization: spread against k");
    if (r->cmp.ncols == 0) {
        report_para(f, "missing", "No comparison given. Run `clout compare %s -k 1,5,10,25,50 -o compare.csv` and pass "
                    "`--compare compare.csv`.", r->path);
        report_section_end(f);
        return CLOUT_OK;
    }
    const cli_csv *t = &r->cmp;
    int ck = cli_csv_col(t, "k"), cs = cli_csv_col(t, "spread"), ce = cli_csv_col(t, "stderr"),
        ct = cli_csv_col(t, "seconds");
    int64_t m = t->nrows;
    double *x = malloc((size_t)m * sizeof(double)), *y = malloc((size_t)m * sizeof(double)),
           *lo = malloc((size_t)m * sizeof(double)), *hi = malloc((size_t)m * sizeof(double));
    int64_t *ord = malloc((size_t)m * sizeof(int64_t));
    svg_series *sr = calloc((size_t)m, sizeof(svg_series));
    if (!x || !y || !lo || !hi || !ord || !sr) {
        free(x), free(y), free(lo), free(hi), free(ord), free(sr);
        return CLOUT_ERR_NOMEM;
    }
    /* rows grouped by algorithm, in order of first appearance, each by k */
    int ns = 0;
    int64_t pos = 0;
    char *done = calloc((size_t)m, 1);
    for (int64_t i = 0; done && i < m; i++) {
        if (done[i]) continue;
        sr[ns].name = t->keys[i];
        sr[ns].x = x + pos;
        sr[ns].y = y + pos;
        sr[ns].lo = lo + pos;
        sr[ns].hi = hi + pos;
        sr[ns].style = -1;
        int64_t start = pos;
        for (int64_t j = i; j < m; j++)
            if (!done[j] && strcmp(t->keys[j], t->keys[i]) == 0) {
                done[j] = 1;
                ord[pos++] = j;
            }
        /* insertion sort by k */
        for (int64_t a = start + 1; a < pos; a++)
            for (int64_t b = a; b > start && t->vals[ord[b] * t->ncols + ck] < t->vals[ord[b - 1] * t->ncols + ck]; b--) {
                int64_t tmp = ord[b];
                ord[b] = ord[b - 1];
                ord[b - 1] = tmp;
            }
        for (int64_t a = start; a < pos; a++) {
            const double *row = t->vals + ord[a] * t->ncols;
            x[a] = row[ck];
            y[a] = row[cs];
            lo[a] = row[cs] - 1.96 * row[ce];
            hi[a] = row[cs] + 1.96 * row[ce];
        }
        sr[ns++].n = pos - start;
    }
    svg_chart c = {.id = "chart-im", .title = "Expected spread of the seed sets", .xlabel = "seeds k",
                   .ylabel = "expected spread (users)", .yzero = true, .dodge = true, .xint = true, .width = 900, .height = 440};
    report_figure_begin(f);
    svg_lines(f, &c, sr, ns);
    report_figure_end(f, "Every seed set scored by the same Monte Carlo simulations; bars: 95% confidence intervals "
                         "(spread +- 1.96 standard errors). Series are shifted apart slightly along k so that bars "
                         "at the same k stay visible.");
    static const char *head[] = {"algorithm", "k", "spread", "95% interval", "seconds"};
    report_table_begin(f, "im", ct >= 0 ? 5 : 4, head);
    for (int64_t a = 0; a < pos; a++) {
        const double *row = t->vals + ord[a] * t->ncols;
        char k[32], sp[32], ci[64], sec[32];
        snprintf(k, sizeof k, "%.0f", row[ck]);
        snprintf(sp, sizeof sp, "%.1f", row[cs]);
        snprintf(ci, sizeof ci, "%.1f - %.1f", row[cs] - 1.96 * row[ce], row[cs] + 1.96 * row[ce]);
        snprintf(sec, sizeof sec, "%.3g", ct >= 0 ? row[ct] : 0);
        const char *cells[] = {t->keys[ord[a]], k, sp, ci, sec};
        report_table_row(f, ct >= 0 ? 5 : 4, cells);
    }
    report_table_end(f);
    report_section_end(f);
    free(done), free(x), free(y), free(lo), free(hi), free(ord), free(sr);
    (void)msg;
    return CLOUT_OK;
}


static int keyusers_section(FILE *f, report *r, int64_t **top_out, char msg[CLOUT_MSG_LEN])
{
    int64_t n = r->n, K = r->a.top < n ? r->a.top : n;
    int nf = r->nf;
    cli_ranked *o = malloc((size_t)n * sizeof(cli_ranked) + 1);
    int64_t *top = malloc((size_t)K * sizeof(int64_t) + 1), *frank = malloc((size_t)K * (size_t)(nf + 1) * sizeof(int64_t));
    double *val = malloc((size_t)K * (size_t)(nf + 1) * sizeof(double));
    const char **rows = calloc((size_t)K + 1, sizeof(char *));
    char (*rowbuf)[96] = malloc((size_t)(K + 1) * sizeof *rowbuf);
    if (!o || !top || !frank || !val || !rows || !rowbuf) {
        free(o), free(top), free(frank), free(val), free(rows), free(rowbuf);
        return CLOUT_ERR_NOMEM;
    }
    for (int64_t u = 0; u < n; u++) o[u] = (cli_ranked){isfinite(r->score[u]) ? r->score[u] : -INFINITY, u};
    qsort(o, (size_t)n, sizeof(cli_ranked), cli_ranked_desc);
    for (int64_t i = 0; i < K; i++) top[i] = o[i].u;
    /* each top user's rank under each single feature's contribution (1 = largest) */
    for (int j = 0; j < nf; j++) {
        for (int64_t u = 0; u < n; u++) o[u] = (cli_ranked){r->contrib[u * nf + j], u};
        qsort(o, (size_t)n, sizeof(cli_ranked), cli_ranked_desc);
        for (int64_t p = 0; p < n; p++)
            for (int64_t i = 0; i < K; i++)
                if (o[p].u == top[i]) frank[i * nf + j] = p + 1;
    }
    report_section(f, "keyusers", "Key users, and why");
    for (int64_t i = 0; i < K; i++) {
        size_t len;
        const char *name = clout_idmap_name(r->G->users, top[i], &len);
        snprintf(rowbuf[i], sizeof rowbuf[i], "#%lld %.*s", (long long)i + 1, (int)(len > 80 ? 80 : len), name);
        rows[i] = rowbuf[i];
        for (int j = 0; j < nf; j++) val[i * nf + j] = r->contrib[top[i] * nf + j];
    }
    if (nf > 0) {
        svg_chart c = {.id = "chart-keyusers", .title = "Top users: each feature's contribution to the score",
                       .xlabel = "contribution (weight x normalized feature)", .width = 900};
        report_figure_begin(f);
        svg_stacked(f, &c, (int)K, rows, nf, (const char *const *)r->fnames, val);
        report_figure_end(f, "Contributions above 0 stack to the right, below 0 to the left; the score is their sum.");
    }
    int nc = 4 + nf;
    const char **head = calloc((size_t)nc, sizeof(char *));
    char (*hb)[80] = malloc((size_t)nf * sizeof *hb + 1);
    const char **cells = calloc((size_t)nc, sizeof(char *));
    char (*cb)[48] = malloc((size_t)nc * sizeof *cb);
    if (head && hb && cells && cb) {
        head[0] = "rank";
        head[1] = "user";
        head[2] = "score";
        head[3] = "seed";
        for (int j = 0; j < nf; j++) {
            snprintf(hb[j], sizeof hb[j], "rank by %s", r->fnames[j]);
            head[4 + j] = hb[j];
        }
        report_para(f, "note", "Each user's rank under each feature alone (by its contribution, among all %lld "
                    "users); seed: in the seed set of the network drawing below.", (long long)n);
        report_table_begin(f, "keyusers", nc, head);
        for (int64_t i = 0; i < K; i++) {
            size_t len;
            const char *name = clout_idmap_name(r->G->users, top[i], &len);
            snprintf(cb[0], 48, "%lld", (long long)i + 1);
            snprintf(cb[1], 48, "%.*s", (int)(len > 47 ? 47 : len), name);
            snprintf(cb[2], 48, "%.4g", r->score[top[i]]);
            snprintf(cb[3], 48, "%s", r->seed[top[i]] ? "yes" : "no");
            for (int j = 0; j < nf && 4 + j < nc; j++) snprintf(cb[4 + j], 48, "%lld", (long long)frank[i * nf + j]);
            for (int j = 0; j < nc; j++) cells[j] = cb[j];
            report_table_row(f, nc, cells);
        }
        report_table_end(f);
    }
    report_section_end(f);
    int s = head && hb && cells && cb ? CLOUT_OK : CLOUT_ERR_NOMEM;
    free(head), free(hb), free(cells), free(cb);
    free(o), free(frank), free(val), free(rows), free(rowbuf);
    *top_out = top;
    (void)msg;
    return s;
}

static int weights_section(FILE *f, report *r, char msg[CLOUT_MSG_LEN])
{
    report_section(f, "weights", "Which behaviours and features carry influence");
    if (r->wts.ncols == 0) {
        report_para(f, "missing", "No learned weights given. Learn them from what happened after a date, e.g. `clout "
                    "score %s --features act_TYPE,conv_TYPE,... --learn ridge --split-time 2009-01-01 "
                    "--save-weights weights.csv`, and pass `--weights weights.csv`.", r->path);
        report_section_end(f);
        return CLOUT_OK;
    }
    const cli_csv *t = &r->wts;
    int cw = cli_csv_col(t, "weight"), ce = cli_csv_col(t, "se");
    int n = (int)(t->nrows < 64 ? t->nrows : 64);
    double v[64], lo[64], hi[64];
    const char *labels[64];
    for (int i = 0; i < n; i++) {
        labels[i] = t->keys[i];
        v[i] = t->vals[i * t->ncols + cw];
        lo[i] = v[i] - 1.96 * t->vals[i * t->ncols + ce];
        hi[i] = v[i] + 1.96 * t->vals[i * t->ncols + ce];
    }
    svg_chart c = {.id = "chart-weights", .title = "Learned weight per feature (whiskers: 95% interval)",
                   .xlabel = "weight on the normalized feature", .width = 760};
    report_figure_begin(f);
    svg_hbars(f, &c, n, labels, v, lo, hi);
    char cap[300];
    snprintf(cap, sizeof cap, "Weights +- 1.96 standard errors%s; a whisker crossing 0 means the data cannot tell "
             "the feature's sign.", t->nrows > 64 ? " (the first 64 features)" : "");
    report_figure_end(f, cap);
    (void)msg;
    report_section_end(f);
    return CLOUT_OK;
}

/* the top users, their neighbours (seeds first, then by degree) up to ego_max users, the ties
 * among them */
static int ego_section(FILE *f, report *r, const int64_t *top, char msg[CLOUT_MSG_LEN])
{
    int64_t n = r->n, E = r->a.ego < r->a.top ? r->a.ego : r->a.top;
    if (E > n) E = n;
    report_section(f, "ego", "Around the key users");
    if (E <= 0 || clout_graph_social_edges(r->G) == 0) {
        report_para(f, "missing", "The graph has no ties to draw.");
        report_section_end(f);
        return CLOUT_OK;
    }
    int64_t cap = r->a.ego_max, *nodes = malloc((size_t)cap * sizeof(int64_t)), *where = malloc((size_t)n * sizeof(int64_t));
    GrB_Vector w = NULL;
    GrB_Index *ix = malloc((size_t)n * sizeof(GrB_Index) + 8);
    cli_ranked *cand = malloc((size_t)n * sizeof(cli_ranked) + 8);
    int s = nodes && where && ix && cand && GrB_Vector_new(&w, GrB_FP32, (GrB_Index)n) == GrB_SUCCESS ? CLOUT_OK
                                                                                            : CLOUT_ERR_NOMEM;
    int64_t nn = 0, nc = 0;
    for (int64_t u = 0; s >= 0 && u < n; u++) where[u] = -1;
    for (int64_t i = 0; s >= 0 && i < E; i++) {
        where[top[i]] = nn;
        nodes[nn++] = top[i];
    }
    /* candidates: out- and in-neighbours of the top users */
    for (int64_t i = 0; s >= 0 && i < E; i++)
        for (int dir = 0; dir < 2 && s >= 0; dir++) {
            GrB_Index k = (GrB_Index)n;
            if (GrB_Col_extract(w, NULL, NULL, r->G->S, GrB_ALL, (GrB_Index)n, (GrB_Index)top[i],
                                dir == 0 ? GrB_DESC_T0 : NULL) != GrB_SUCCESS ||
                GrB_Vector_extractTuples_FP32(ix, NULL, &k, w) != GrB_SUCCESS) {
                s = CLOUT_ERR_GRAPHBLAS;
                break;
            }
            for (GrB_Index q = 0; q < k; q++) {
                int64_t v = (int64_t)ix[q];
                if (where[v] != -1) continue;
                where[v] = -2; /* a candidate */
                cand[nc++] = (cli_ranked){(r->seed[v] ? 1e18 : 0) + r->deg[v], v};
            }
        }
    if (s >= 0) {
        qsort(cand, (size_t)nc, sizeof(cli_ranked), cli_ranked_desc);
        for (int64_t i = 0; i < nc; i++) {
            if (nn < cap) {
                where[cand[i].u] = nn;
                nodes[nn++] = cand[i].u;
            } else {
                where[cand[i].u] = -1;
            }
        }
    }
    /* ties among the drawn users, each pair once */
    int64_t m = 0, mcap = 4 * nn + 16, *ends = malloc((size_t)mcap * 2 * sizeof(int64_t));
    if (!ends) s = CLOUT_ERR_NOMEM;
    for (int64_t a = 0; s >= 0 && a < nn; a++) {
        GrB_Index k = (GrB_Index)n;
        if (GrB_Col_extract(w, NULL, NULL, r->G->S, GrB_ALL, (GrB_Index)n, (GrB_Index)nodes[a], GrB_DESC_T0) != GrB_SUCCESS ||
            GrB_Vector_extractTuples_FP32(ix, NULL, &k, w) != GrB_SUCCESS) {
            s = CLOUT_ERR_GRAPHBLAS;
            break;
        }
        for (GrB_Index q = 0; q < k; q++) {
            int64_t b = where[ix[q]];
            if (b < 0 || b == a) continue;
            /* an undirected pair once: from the smaller index, or the only direction stored */
            bool back = false;
            if (b < a) {
                float x;
                back = GrB_Matrix_extractElement_FP32(&x, r->G->S, (GrB_Index)nodes[b], (GrB_Index)nodes[a]) == GrB_SUCCESS;
            }
            if (back) continue;
            if (m == mcap) {
                mcap *= 2;
                int64_t *e2 = realloc(ends, (size_t)mcap * 2 * sizeof(int64_t));
                if (!e2) {
                    s = CLOUT_ERR_NOMEM;
                    break;
                }
                ends = e2;
            }
            ends[2 * m] = a;
            ends[2 * m + 1] = b;
            m++;
        }
    }
    double *xy = s >= 0 ? malloc((size_t)nn * 2 * sizeof(double) + 1) : NULL;
    int *kind = s >= 0 ? malloc((size_t)nn * sizeof(int) + 1) : NULL;
    const char **labels = s >= 0 ? calloc((size_t)nn + 1, sizeof(char *)) : NULL;
    char (*lb)[64] = s >= 0 ? malloc((size_t)nn * sizeof *lb + 1) : NULL;
    if (s >= 0 && (!xy || !kind || !labels || !lb)) s = CLOUT_ERR_NOMEM;
    if (s >= 0) s = report_layout(nn, m, ends, xy, msg);
    int64_t nseed = 0;
    for (int64_t i = 0; s >= 0 && i < nn; i++) {
        size_t len;
        const char *name = clout_idmap_name(r->G->users, nodes[i], &len);
        snprintf(lb[i], 64, "%.*s", (int)(len > 63 ? 63 : len), name);
        labels[i] = lb[i];
        kind[i] = (i < E ? 1 : 0) | (r->seed[nodes[i]] ? 2 : 0);
        nseed += r->seed[nodes[i]] != 0;
    }
    if (s >= 0) {
        static const char *const legend[] = {"top user by score", "seed (ringed)", "neighbour"};
        svg_chart c = {.id = "chart-ego", .title = "The top users and their neighbours", .width = 760, .height = 560};
        report_figure_begin(f);
        svg_network(f, &c, nn, xy, labels, kind, m, ends, legend);
        char capt[400];
        snprintf(capt, sizeof capt, "The %lld top users by score and %lld of their neighbours (seeds first, then by "
                 "degree; at most %lld users), %lld ties among them; %lld drawn users are seeds. Layout: "
                 "Kamada-Kawai (igraph) from a circle, the same on every run.", (long long)E, (long long)(nn - E),
                 (long long)cap, (long long)m, (long long)nseed);
        report_figure_end(f, capt);
    }
    report_section_end(f);
    GrB_free(&w);
    free(nodes), free(where), free(ix), free(cand), free(ends), free(xy), free(kind), free(labels), free(lb);
    return s;
}

static void provenance(FILE *f, const report *r, int argc, char **argv)
{
    report_section(f, "provenance", "How this page was made");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char cmd[2048];
    size_t len = (size_t)snprintf(cmd, sizeof cmd, "clout report");
    for (int i = 0; i < argc && len < sizeof cmd; i++)
        len += (size_t)snprintf(cmd + len, sizeof cmd - len, " %s", argv[i]);
    report_para(f, "note", "clout %s, %04d-%02d-%02d %02d:%02d UTC: `%s`", CLOUT_VERSION_STRING, tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, cmd);
    static const char *head[] = {"figure", "source", "how (a command that gives the same numbers)"};
    report_table_begin(f, "provenance", 3, head);
    for (int i = 0; i < r->nprov; i++) {
        const char *cells[] = {r->prov[i].what, r->prov[i].source, r->prov[i].how};
        report_table_row(f, 3, cells);
    }
    report_table_end(f);
    report_section_end(f);
}

/* ------------------------------------------------------------ the command */

static int run(int argc, char **argv)
{
    const char *cmd = "report";
    report r;
    memset(&r, 0, sizeof r);
    r.a.top = 10;
    r.a.hops = 3;
    r.a.seed = 1;
    r.a.ego = 5;
    r.a.ego_max = 80;
    r.a.imk = 10;
    cli_common c = {0};
    const cli_opt opts[] = {CLI_OPT_TEXT("metrics", &r.a.metrics), CLI_OPT_TEXT("scores", &r.a.scores),
                            CLI_OPT_TEXT("compare", &r.a.compare), CLI_OPT_TEXT("seeds", &r.a.seeds),
                            CLI_OPT_TEXT("weights", &r.a.weights), CLI_OPT_TEXT("title", &r.a.title),
                            CLI_OPT_INT("top", &r.a.top, 1, 1000), CLI_OPT_INT("hops", &r.a.hops, 1, 32),
                            CLI_OPT_INT("seed", &r.a.seed, 0, 9.2e18), CLI_OPT_INT("ego", &r.a.ego, 0, 50),
                            CLI_OPT_INT("ego-max", &r.a.ego_max, 2, 1000), CLI_OPT_INT("im-k", &r.a.imk, 1, 1000),
                            CLI_END};
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--format") == 0 || strncmp(argv[i], "--format=", 9) == 0)
            return cli_usage_error(cmd, "--format: the report is one HTML page (write tables with the other commands)");
    int code = cli_parse(cmd, argc, argv, opts, &c, &r.dif, &r.path, NULL, NULL);
    if (code) return code;
    if (r.path == NULL) return cli_usage_error(cmd, "name the snapshot: clout report G.clout -o report.html");
    if (r.a.ego_max < r.a.ego)
        return cli_usage_error(cmd, "--ego-max %lld is less than --ego %lld", (long long)r.a.ego_max, (long long)r.a.ego);
    char msg[CLOUT_MSG_LEN] = "";
    /* the tables that need no graph first: a bad file costs nothing */
    int s = CLOUT_OK;
    static const char *const ccols[] = {"k", "spread", "stderr"};
    static const char *const wcols[] = {"weight", "se"};
    if (r.a.compare)
        s = table_read(r.a.compare, "algo", ccols, 3, "a table of clout compare (algo,k,spread,stderr,seconds)", &r.cmp, msg);
    if (s >= 0 && r.a.weights)
        s = table_read(r.a.weights, "feature", wcols, 2, "weights as clout score --save-weights writes them", &r.wts, msg);
    /* the output's temporary file next: an unwritable -o costs nothing either */
    clout_outfile out = {0};
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) s = cli_load_graph(r.path, &r.dif, c.quiet, &r.G, msg);
    r.n = s >= 0 ? clout_graph_users(r.G) : 0;
    if (s >= 0 && r.n == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: the graph has no users", r.path);
        s = CLOUT_ERR_DATA;
    }
    if (s >= 0) {
        char src[700];
        describe_file(r.path, src, sizeof src);
        prov_add(&r, "the graph at a glance, degrees", src, "read: the snapshot%s", r.dif.graph ? " (--graph as given)" : "");
        if (r.a.compare) {
            describe_file(r.a.compare, src, sizeof src);
            /* the parameters compare records in every row (tables of older releases lack them) */
            char params[400] = "";
            cli_csv tm = {0}, tp = {0};
            char m2[CLOUT_MSG_LEN];
            int ce = cli_csv_col(&r.cmp, "epsilon"), cs = cli_csv_col(&r.cmp, "sims"), cd = cli_csv_col(&r.cmp, "seed"),
                ck = cli_csv_col(&r.cmp, "selected_k");
            if (ce >= 0 && cs >= 0 && cd >= 0 && ck >= 0 && cli_csv_read(r.a.compare, "model", &tm, m2) >= 0 &&
                cli_csv_read(r.a.compare, "prob", &tp, m2) >= 0)
                snprintf(params, sizeof params, "; model %.16s, prob %.64s, epsilon %g, %.0f simulations, seed %.0f, "
                         "seeds selected once at k = %.0f", tm.keys[0], tp.keys[0], r.cmp.vals[ce], r.cmp.vals[cs],
                         r.cmp.vals[cd], r.cmp.vals[ck]);
            cli_csv_free(&tm);
            cli_csv_free(&tp);
            prov_add(&r, "spread against k", src, "read: a clout compare table (%lld rows%s)", (long long)r.cmp.nrows,
                     params);
        }
        if (r.a.weights) {
            describe_file(r.a.weights, src, sizeof src);
            prov_add(&r, "learned weights", src, "read: clout score --save-weights (%lld features)", (long long)r.wts.nrows);
        }
    }
    /* degrees of the ties in use */
    if (s >= 0) s = clout_graph_cache_degrees(r.G, msg);
    if (s >= 0) {
        r.deg = calloc((size_t)r.n, sizeof(double));
        int64_t *d = malloc((size_t)r.n * sizeof(int64_t));
        GrB_Index *ix = malloc((size_t)r.n * sizeof(GrB_Index));
        GrB_Index k = (GrB_Index)r.n;
        if (!r.deg || !d || !ix) s = CLOUT_ERR_NOMEM;
        else if (GrB_Vector_extractTuples_INT64(ix, d, &k, r.G->out_degree) != GrB_SUCCESS) s = CLOUT_ERR_GRAPHBLAS;
        for (GrB_Index i = 0; s >= 0 && i < k; i++) r.deg[ix[i]] = (double)d[i];
        free(d);
        free(ix);
    }
    /* every file given is read before anything is computed */
    if (s >= 0 && r.a.metrics) s = metrics_from_file(&r, msg);
    if (s >= 0 && r.a.scores) s = scores_from_file(&r, msg);
    if (s >= 0 && r.a.seeds) s = seeds_read(&r, msg);
    if (s >= 0 && !r.a.metrics) s = metrics_computed(&r, msg);
    if (s >= 0 && !r.a.scores) s = scores_computed(&r, msg);
    if (s >= 0 && !r.a.seeds) s = seeds_read(&r, msg);
    /* the page, into the temporary file that replaces -o only when complete */
    int64_t *top = NULL;
    if (s >= 0) {
        char title[400], sub[600];
        const char *base = strrchr(r.path, '/');
        snprintf(title, sizeof title, "%s", r.a.title ? r.a.title : base ? base + 1 : r.path);
        snprintf(sub, sizeof sub, "clout report: key users, reach and influence maximization on %lld users", (long long)r.n);
        report_begin(out.f, title, sub);
        glance(out.f, &r);
        s = distributions(out.f, &r, msg);
        if (s >= 0) s = reach_section(out.f, &r, msg);
        if (s >= 0) s = keyusers_section(out.f, &r, &top, msg);
        if (s >= 0) s = weights_section(out.f, &r, msg);
        if (s >= 0) s = im_section(out.f, &r, msg);
        if (s >= 0) s = ego_section(out.f, &r, top, msg);
        if (s >= 0) provenance(out.f, &r, argc, argv);
        report_end(out.f);
    }
    code = cli_finish(&out, NULL, s, msg);
    free(top);
    free(r.deg), free(r.reach), free(r.depth), free(r.icdepth), free(r.score), free(r.contrib), free(r.seed);
    for (int j = 0; r.fnames && j < r.nf; j++) free(r.fnames[j]);
    free(r.fnames);
    cli_csv_free(&r.cmp);
    cli_csv_free(&r.wts);
    clout_graph_free(&r.G);
    return code;
}

const cli_command cli_cmd_report = {"report", "the analysis as one self-contained HTML page",
     "Usage: clout report G.clout -o report.html [--metrics FILE] [--scores FILE] [--compare FILE]\n"
     "                    [--seeds FILE] [--weights FILE] [--top N] [--title TEXT]\n"
     "\n"
     "One HTML file with every chart inline (SVG drawn by clout; no script, font or network access):\n"
     "the graph at a glance, degree and score distributions with power-law fits (igraph plfit), reach\n"
     "by hop and cascade depths, the key users with each feature's contribution and their rank under\n"
     "each feature, learned weights with 95% intervals, spread against k per IM algorithm with 95%\n"
     "intervals, the key users' neighbourhood, and how each figure was made.\n"
     "\n"
     "  --metrics FILE   a clout metrics table (reach_1.., depth, ic_depth); default: computed here\n"
     "  --scores FILE    a clout score table of every user; default: computed here (the default\n"
     "                   features, z-scored, weights 1)\n"
     "  --compare FILE   a clout compare table; default: the section says how to make one\n"
     "  --seeds FILE     seed users (clout im's table or one user per line); default: IMM, --im-k seeds\n"
     "  --weights FILE   learned weights (clout score --save-weights); default: the section says how\n"
     "  --top N          key users shown (10); --ego N of them drawn with their neighbours (5),\n"
     "                   at most --ego-max users in the drawing (80)\n"
     "  --hops H         reach_1..reach_H when computed here (3); --im-k K seeds when computed (10)\n"
     "  --seed S         every random choice of what is computed here (1)\n"
     "  --graph, --prob, --window   as for clout metrics\n"
     "Tables given must be CSV and of this graph (every user once, for --metrics and --scores).\n"
     "\n"
     "Example:\n"
     "  clout report lastfm.clout --compare compare.csv -o report.html\n",
    run};
