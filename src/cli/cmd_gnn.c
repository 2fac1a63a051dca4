/* cmd_gnn.c: clout gcn train|predict, clout lightgcn train|evaluate, clout recommend: the neural
 * models of gnn/ on a snapshot. Label, target and test files are pairs (user and a value) read
 * here; feature files are CSV tables read by csvin.c. */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* ---------------------------------------------------------------- pair files */

/* Lines of two fields (user and a value: a label, a number or an item) separated by tabs, commas
 * or blanks; more fields are ignored; empty lines and lines starting with # or % are skipped; CR
 * before LF is dropped. fn sees each line's two fields; it returns 0, or a status with msg set. */
typedef int (*pair_fn)(void *ctx, const char *a, size_t al, const char *b, size_t bl, int64_t line,
                       char msg[CLOUT_MSG_LEN]);

static size_t field(const char *p, size_t n, size_t *start)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ',')) i++;
    *start = i;
    while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != ',') i++;
    return i - *start;
}

/* the whole file (gzip read through, plain files as they are), NUL-terminated */
static int slurp(const char *path, char **data, size_t *len, char msg[CLOUT_MSG_LEN])
{
    gzFile g = gzopen(path, "rb");
    if (g == NULL) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: %s", path, errno ? strerror(errno) : "cannot open");
        return CLOUT_ERR_NO_INPUT;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int s = buf ? CLOUT_OK : CLOUT_ERR_NOMEM;
    while (s >= 0) {
        if (cap - n < (1 << 15)) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                s = CLOUT_ERR_NOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
            s = clout_memory_fits((double)cap, "the file", CLOUT_ERR_INVALID, msg);
            if (s < 0) break;
        }
        int got = gzread(g, buf + n, (unsigned)(cap - n - 1));
        if (got < 0) {
            int e;
            snprintf(msg, CLOUT_MSG_LEN, "%s: read error: %s", path, gzerror(g, &e));
            s = CLOUT_ERR_DATA;
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    gzclose(g);
    if (s < 0) {
        free(buf);
        return s;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return CLOUT_OK;
}

static int read_pairs(const char *path, pair_fn fn, void *ctx, char msg[CLOUT_MSG_LEN])
{
    char *data = NULL;
    size_t len = 0;
    int s = slurp(path, &data, &len, msg);
    if (s < 0) return s;
    int64_t ln = 0;
    for (size_t at = 0; s >= 0 && at < len;) {
        char *line = data + at;
        char *nl = memchr(line, '\n', len - at);
        size_t n = nl ? (size_t)(nl - line) : len - at;
        at += n + 1;
        ln++;
        while (n > 0 && line[n - 1] == '\r') n--;
        size_t a0, b0;
        size_t al = field(line, n, &a0);
        if (al == 0 || line[a0] == '#' || line[a0] == '%') continue;
        size_t bl = field(line + a0 + al, n - a0 - al, &b0);
        b0 += a0 + al;
        if (bl == 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: expected two fields (a user and a value), found one", path,
                     (long long)ln);
            s = CLOUT_ERR_DATA;
            break;
        }
        s = fn(ctx, line + a0, al, line + b0, bl, ln, msg);
    }
    free(data);
    return s;
}

/* the first data line is a header when its user is not a user of the graph (and, for test
 * pairs, its item not an item) */
typedef struct {
    const char *path;
    clout_graph *G;
    int64_t data_lines, unknown;
    bool first_done;
    /* labels */
    clout_idmap *classes;
    int32_t *label;
    /* targets */
    double *target;
    /* test pairs */
    int64_t *tu, *ti, nt, cap, unknown_items;
} pairs_ctx;

static bool header_line(pairs_ctx *c, int64_t user, int64_t item, bool is_test)
{
    if (c->first_done) return false;
    c->first_done = true;
    return user < 0 && (!is_test || item < 0);
}

static int label_pair(void *ctx, const char *a, size_t al, const char *b, size_t bl, int64_t line,
                      char msg[CLOUT_MSG_LEN])
{
    pairs_ctx *c = ctx;
    int64_t u = clout_idmap_find(c->G->users, a, al);
    if (header_line(c, u, -1, false)) return CLOUT_OK;
    c->data_lines++;
    if (u < 0) {
        c->unknown++;
        return CLOUT_OK;
    }
    if (c->label[u] >= 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: user '%.*s' is labelled twice", c->path, (long long)line,
                 (int)(al > 64 ? 64 : al), a);
        return CLOUT_ERR_DATA;
    }
    int64_t k = clout_idmap_intern(c->classes, b, bl, msg);
    if (k < 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: the label is not a token (a NUL byte, or over %d bytes)", c->path,
                 (long long)line, CLOUT_MAX_TOKEN);
        return k == CLOUT_ERR_NOMEM ? CLOUT_ERR_NOMEM : CLOUT_ERR_DATA;
    }
    if (k >= 100000) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: more than 100000 classes", c->path, (long long)line);
        return CLOUT_ERR_DATA;
    }
    c->label[u] = (int32_t)k;
    return CLOUT_OK;
}

static int target_pair(void *ctx, const char *a, size_t al, const char *b, size_t bl, int64_t line,
                       char msg[CLOUT_MSG_LEN])
{
    pairs_ctx *c = ctx;
    int64_t u = clout_idmap_find(c->G->users, a, al);
    if (header_line(c, u, -1, false)) return CLOUT_OK;
    c->data_lines++;
    char buf[64];
    double v;
    if (bl >= sizeof buf || (memcpy(buf, b, bl), buf[bl] = '\0', !cli_parse_double(buf, &v)) || !isfinite(v)) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: expected a finite number after the user, found '%.*s'", c->path,
                 (long long)line, (int)(bl > 40 ? 40 : bl), b);
        return CLOUT_ERR_DATA;
    }
    if (u < 0) {
        c->unknown++;
        return CLOUT_OK;
    }
    if (!isnan(c->target[u])) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: user '%.*s' has a target twice", c->path, (long long)line,
                 (int)(al > 64 ? 64 : al), a);
        return CLOUT_ERR_DATA;
    }
    c->target[u] = v;
    return CLOUT_OK;
}

static int test_pair(void *ctx, const char *a, size_t al, const char *b, size_t bl, int64_t line,
                     char msg[CLOUT_MSG_LEN])
{
    pairs_ctx *c = ctx;
    (void)line;
    (void)msg;
    int64_t u = clout_idmap_find(c->G->users, a, al), i = clout_idmap_find(c->G->items, b, bl);
    if (header_line(c, u, i, true)) return CLOUT_OK;
    c->data_lines++;
    if (u < 0) {
        c->unknown++;
        return CLOUT_OK;
    }
    if (c->nt == c->cap) {
        int64_t nc = c->cap ? 2 * c->cap : 1024;
        int64_t *x = realloc(c->tu, (size_t)nc * sizeof(int64_t)), *y = x ? realloc(c->ti, (size_t)nc * sizeof(int64_t)) : NULL;
        if (x) c->tu = x;
        if (y) c->ti = y;
        if (x == NULL || y == NULL) return CLOUT_ERR_NOMEM;
        c->cap = nc;
    }
    if (i < 0) c->unknown_items++;
    c->tu[c->nt] = u;
    c->ti[c->nt++] = i;
    return CLOUT_OK;
}

static int read_test(const char *path, clout_graph *G, bool quiet, int64_t **tu, int64_t **ti, int64_t *nt,
                     char msg[CLOUT_MSG_LEN])
{
    pairs_ctx c = {0};
    c.path = path;
    c.G = G;
    int s = read_pairs(path, test_pair, &c, msg);
    if (s >= 0 && c.nt == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: no test pair names a user of the graph (%lld lines)", path,
                 (long long)c.data_lines);
        s = CLOUT_ERR_DATA;
    }
    if (s >= 0 && !quiet && (c.unknown || c.unknown_items))
        fprintf(stderr, "clout: %s: %lld pairs of users the graph lacks skipped; %lld items the graph lacks count as "
                        "misses\n", path, (long long)c.unknown, (long long)c.unknown_items);
    if (s < 0) {
        free(c.tu);
        free(c.ti);
        return s;
    }
    *tu = c.tu;
    *ti = c.ti;
    *nt = c.nt;
    return CLOUT_OK;
}

/* --features FILE: a CSV with a user column and numeric columns; users it does not list get 0. The
 * params column clout's own tables end with (the parameters that made them) is not a feature. */
static int read_features(const char *path, clout_graph *G, bool quiet, double **X, int *nf, char msg[CLOUT_MSG_LEN])
{
    cli_csv t = {0};
    int s = cli_csv_read(path, "user", &t, msg);
    int64_t n = clout_graph_users(G), missing = n, stranger = 0;
    int cols = 0;
    double *x = NULL;
    if (s >= 0) {
        for (int c = 0; c < t.ncols; c++)
            if (c != t.key && strcmp(t.names[c], "params") != 0) {
                if (!t.numeric[c]) {
                    snprintf(msg, CLOUT_MSG_LEN, "%s: column '%s' is not numeric in every row", path, t.names[c]);
                    s = CLOUT_ERR_DATA;
                    break;
                }
                cols++;
            }
        if (s >= 0 && cols == 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: no numeric column besides the user column", path);
            s = CLOUT_ERR_DATA;
        }
    }
    char *seen = NULL;
    if (s >= 0) {
        x = calloc((size_t)(n ? n : 1) * (size_t)cols, sizeof(double));
        seen = calloc((size_t)(n ? n : 1), 1);
        if (x == NULL || seen == NULL) s = CLOUT_ERR_NOMEM;
    }
    for (int64_t r = 0; s >= 0 && r < t.nrows; r++) {
        int64_t u = clout_idmap_find(G->users, t.keys[r], strlen(t.keys[r]));
        if (u < 0) {
            stranger++;
            continue;
        }
        if (seen[u]) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: user '%.64s' is listed twice", path, t.keys[r]);
            s = CLOUT_ERR_DATA;
            break;
        }
        seen[u] = 1;
        missing--;
        for (int c = 0, k = 0; c < t.ncols; c++)
            if (c != t.key && strcmp(t.names[c], "params") != 0) x[u * cols + k++] = t.vals[r * t.ncols + c];
    }
    if (s >= 0 && !quiet && (missing || stranger))
        fprintf(stderr, "clout: %s: %lld users of the graph not listed (features 0), %lld rows of other users skipped\n",
                path, (long long)missing, (long long)stranger);
    free(seen);
    cli_csv_free(&t);
    if (s < 0) {
        free(x);
        return s;
    }
    *X = x;
    *nf = cols;
    return CLOUT_OK;
}

/* classes in a readable order: numerically when every name is a number, else bytewise */
static const clout_idmap *sort_classes_map;
static bool classes_numeric;
static int class_cmp(const void *p, const void *q)
{
    int64_t a = *(const int64_t *)p, b = *(const int64_t *)q;
    const char *x = clout_idmap_name(sort_classes_map, a, NULL), *y = clout_idmap_name(sort_classes_map, b, NULL);
    if (classes_numeric) {
        double dx = strtod(x, NULL), dy = strtod(y, NULL);
        if (dx != dy) return dx < dy ? -1 : 1;
    }
    return strcmp(x, y);
}

/* ---------------------------------------------------------------- gcn */

typedef struct {
    clout_table *log;
    bool cls;
} gcn_log_ctx;

static void gcn_epoch(void *ctx, int epoch, double tl, double vl, double vm)
{
    gcn_log_ctx *c = ctx;
    if (c->log == NULL) return;
    clout_table_int(c->log, epoch);
    clout_table_real(c->log, tl);
    clout_table_real(c->log, vl);
    clout_table_real(c->log, vm);
    clout_table_flush(c->log);
}

static bool parse_split(const char *s, double f[3])
{
    char *end;
    const char *p = s;
    for (int k = 0; k < 3; k++) {
        errno = 0;
        f[k] = strtod(p, &end);
        if (end == p || errno || !isfinite(f[k]) || f[k] < 0) return false;
        p = end;
        if (k < 2) {
            if (*p != ',') return false;
            p++;
        }
    }
    return *p == '\0' && f[0] > 0 && f[0] + f[1] + f[2] > 0;
}

static int gcn_train(int argc, char **argv)
{
    const char *cmd = "gcn train", *path = NULL, *labels = NULL, *targetf = NULL, *feat = NULL, *split = NULL,
               *logpath = NULL;
    cli_common c = {0};
    clout_gcn_opts o;
    clout_gcn_opts_init(&o);
    int64_t layers = o.layers, hidden = o.hidden, epochs = o.epochs, patience = o.patience, seed = 1;
    double dropout = o.dropout, lr = o.lr, wd = o.weight_decay;
    const cli_opt opts[] = {CLI_OPT_TEXT("labels", &labels),
                            CLI_OPT_TEXT("target", &targetf),
                            CLI_OPT_TEXT("features", &feat),
                            CLI_OPT_INT("hidden", &hidden, 1, 4096),
                            CLI_OPT_INT("layers", &layers, 1, 8),
                            CLI_OPT_REAL("dropout", &dropout, 0, 1, CLI_OPEN_HI),
                            CLI_OPT_REAL("lr", &lr, 0, 10, CLI_OPEN_LO),
                            CLI_OPT_REAL("weight-decay", &wd, 0, 1, 0),
                            CLI_OPT_INT("epochs", &epochs, 1, 1000000),
                            CLI_OPT_INT("patience", &patience, 0, 1000000),
                            CLI_OPT_TEXT("split", &split),
                            CLI_OPT_INT("seed", &seed, 0, 9.2e18),
                            CLI_OPT_TEXT("log", &logpath),
                            CLI_END};
    cli_diffusion dif;
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL || (labels == NULL) == (targetf == NULL) || c.out == NULL)
        return cli_usage_error(cmd, "usage: clout gcn train G.clout (--labels FILE | --target FILE) -o MODEL");
    if (strcmp(c.out, "-") == 0) return cli_usage_error(cmd, "-o names the model file; it cannot be standard output");
    if (split && !parse_split(split, o.split))
        return cli_usage_error(cmd, "--split '%s': expected three fractions a,b,c (train > 0, others >= 0)", split);
    o.layers = (int)layers;
    o.hidden = (int)hidden;
    o.epochs = (int)epochs;
    o.patience = (int)patience;
    o.dropout = dropout;
    o.lr = lr;
    o.weight_decay = wd;
    o.seed = (uint64_t)seed;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_model *model = NULL;
    clout_outfile lout = {0};
    clout_table *t = NULL;
    gcn_log_ctx lc = {NULL, labels != NULL};
    pairs_ctx pc = {0};
    double *X = NULL;
    int nf = 0;
    int32_t *lab = NULL;
    char **names = NULL;
    int64_t *ord = NULL;
    int nclasses = 0;
    int s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    int64_t n = s >= 0 ? clout_graph_users(G) : 0;
    if (s >= 0 && feat) s = read_features(feat, G, c.quiet, &X, &nf, msg);
    if (s >= 0) {
        pc.path = labels ? labels : targetf;
        pc.G = G;
        if (labels) {
            s = clout_idmap_new(&pc.classes, msg);
            if (s >= 0 && (pc.label = malloc((size_t)(n ? n : 1) * sizeof(int32_t))) == NULL) s = CLOUT_ERR_NOMEM;
            for (int64_t u = 0; s >= 0 && u < n; u++) pc.label[u] = -1;
            if (s >= 0) s = read_pairs(labels, label_pair, &pc, msg);
        } else {
            if ((pc.target = malloc((size_t)(n ? n : 1) * sizeof(double))) == NULL) s = CLOUT_ERR_NOMEM;
            for (int64_t u = 0; s >= 0 && u < n; u++) pc.target[u] = NAN;
            if (s >= 0) s = read_pairs(targetf, target_pair, &pc, msg);
        }
        if (s >= 0 && pc.data_lines - pc.unknown == 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: no line names a user of the graph (%lld lines)", pc.path,
                     (long long)pc.data_lines);
            s = CLOUT_ERR_DATA;
        }
        if (s >= 0 && !c.quiet && pc.unknown)
            fprintf(stderr, "clout: %s: %lld lines name users the graph lacks (no ties): skipped\n", pc.path,
                    (long long)pc.unknown);
    }
    if (s >= 0 && labels) {
        /* the classes, sorted; labels renumbered to match */
        nclasses = (int)clout_idmap_size(pc.classes);
        if (nclasses < 2) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: %d class; classification needs at least 2", labels, nclasses);
            s = CLOUT_ERR_DATA;
        }
        ord = s >= 0 ? malloc((size_t)nclasses * sizeof(int64_t)) : NULL;
        names = s >= 0 ? malloc((size_t)nclasses * sizeof(char *)) : NULL;
        lab = s >= 0 ? malloc((size_t)(n ? n : 1) * sizeof(int32_t)) : NULL;
        if (s >= 0 && (ord == NULL || names == NULL || lab == NULL)) s = CLOUT_ERR_NOMEM;
        if (s >= 0) {
            classes_numeric = true;
            for (int k = 0; k < nclasses; k++) {
                ord[k] = k;
                const char *nm = clout_idmap_name(pc.classes, k, NULL);
                char *end;
                strtod(nm, &end);
                if (*end != '\0') classes_numeric = false;
            }
            sort_classes_map = pc.classes;
            qsort(ord, (size_t)nclasses, sizeof(int64_t), class_cmp);
            int32_t *newid = malloc((size_t)nclasses * sizeof(int32_t));
            if (newid == NULL) s = CLOUT_ERR_NOMEM;
            for (int k = 0; s >= 0 && k < nclasses; k++) {
                newid[ord[k]] = k;
                names[k] = (char *)clout_idmap_name(pc.classes, ord[k], NULL);
            }
            for (int64_t u = 0; s >= 0 && u < n; u++) lab[u] = pc.label[u] < 0 ? -1 : newid[pc.label[u]];
            free(newid);
        }
    }
    if (s >= 0 && logpath) {
        static const char *ln[] = {"epoch", "train_loss", "val_loss", "val_metric"};
        s = clout_outfile_open(&lout, logpath, msg);
        if (s >= 0) s = clout_table_begin(&lc.log, lout.f, CLOUT_FMT_CSV, 4, ln, false, msg);
    }
    clout_gcn_report rep;
    if (s >= 0)
        s = clout_gcn_train(G, &o, X, nf, labels ? lab : NULL, nclasses, (const char *const *)names,
                            labels ? NULL : pc.target, gcn_epoch, &lc, &model, &rep, msg);
    if (s >= 0) s = clout_model_save(model, c.out, msg);
    /* a split asked for that came out empty (too few users with a label): its row says 0 users and
     * NaN, and stderr says why */
    for (int k = 1; s >= 0 && k < 3; k++)
        if (o.split[k] > 0 && rep.n[k] == 0)
            fprintf(stderr, "clout: warning: the %s split is empty: %lld users have a %s, too few for --split's %g; "
                            "its figures are NaN\n", k == 1 ? "validation" : "test",
                    (long long)(rep.n[0] + rep.n[1] + rep.n[2]), labels ? "label" : "target", o.split[k]);
    clout_outfile so = {0};
    if (s >= 0) s = clout_outfile_open(&so, NULL, msg);
    if (s >= 0) {
        static const char *cn[] = {"split", "users", "loss", "accuracy", "epochs_run", "best_epoch", "layers", "hidden",
                                   "dropout", "lr", "weight_decay", "seed"};
        static const char *rn[] = {"split", "users", "loss", "rmse", "spearman", "epochs_run", "best_epoch", "layers",
                                   "hidden", "dropout", "lr", "weight_decay", "seed"};
        s = clout_table_begin(&t, so.f, c.fmt, labels ? 12 : 13, labels ? cn : rn, false, msg);
        static const char *sn[] = {"train", "validation", "test"};
        for (int k = 0; s >= 0 && k < 3; k++) {
            clout_table_str(t, sn[k], strlen(sn[k]));
            clout_table_int(t, rep.n[k]);
            clout_table_real(t, rep.loss[k]);
            if (labels) {
                clout_table_real(t, rep.accuracy[k]);
            } else {
                clout_table_real(t, rep.rmse[k]);
                clout_table_real(t, rep.spearman[k]);
            }
            clout_table_int(t, rep.epochs_run);
            clout_table_int(t, rep.best_epoch);
            clout_table_int(t, o.layers);
            clout_table_int(t, o.hidden);
            clout_table_real(t, o.dropout);
            clout_table_real(t, o.lr);
            clout_table_real(t, o.weight_decay);
            clout_table_int(t, (int64_t)o.seed);
        }
    }
    if (lc.log || lout.f) {
        int ls = cli_close(&lout, &lc.log, s, msg);
        if (s >= 0) s = ls;
    }
    free(X);
    free(lab);
    free(names);
    free(ord);
    free(pc.label);
    free(pc.target);
    clout_idmap_free(&pc.classes);
    clout_model_free(&model);
    clout_graph_free(&G);
    return cli_finish(&so, &t, s, msg);
}

static int gcn_predict(int argc, char **argv)
{
    const char *cmd = "gcn predict", *path = NULL, *mpath = NULL, *feat = NULL;
    cli_common c = {0};
    const cli_opt opts[] = {CLI_OPT_TEXT("model", &mpath), CLI_OPT_TEXT("features", &feat), CLI_END};
    cli_diffusion dif;
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL || mpath == NULL) return cli_usage_error(cmd, "usage: clout gcn predict G.clout --model MODEL");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_model *m = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    double *X = NULL, *pred = NULL, *prob = NULL;
    int nf = 0;
    int s = clout_model_load(&m, mpath, msg);
    if (s >= 0 && strcmp(clout_model_kind(m), "gcn") != 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: a %s model, not a GCN", mpath, clout_model_kind(m));
        s = CLOUT_ERR_DATA;
    }
    if (s >= 0) s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    if (s >= 0 && feat) s = read_features(feat, G, c.quiet, &X, &nf, msg);
    int64_t n = s >= 0 ? clout_graph_users(G) : 0;
    if (s >= 0) {
        pred = malloc((size_t)(n ? n : 1) * sizeof(double));
        prob = malloc((size_t)(n ? n : 1) * sizeof(double));
        s = pred && prob ? clout_gcn_predict(m, G, X, nf, pred, prob, msg) : CLOUT_ERR_NOMEM;
    }
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    bool cls = s >= 0 && clout_model_classes(m) > 0;
    if (s >= 0) {
        static const char *cn[] = {"user", "prediction", "probability"};
        s = clout_table_begin(&t, out.f, c.fmt, cls ? 3 : 2, cn, false, msg);
    }
    for (int64_t u = 0; s >= 0 && u < n; u++) {
        size_t len;
        const char *name = clout_idmap_name(G->users, u, &len);
        clout_table_str(t, name, len);
        if (cls) {
            const char *cname = clout_model_class_name(m, (int)pred[u]);
            clout_table_str(t, cname, strlen(cname));
            clout_table_real(t, prob[u]);
        } else {
            clout_table_real(t, pred[u]);
        }
    }
    free(X);
    free(pred);
    free(prob);
    clout_model_free(&m);
    clout_graph_free(&G);
    return cli_finish(&out, &t, s, msg);
}

static int run_gcn(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "train") == 0) return gcn_train(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "predict") == 0) return gcn_predict(argc - 1, argv + 1);
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) return CLI_EXIT_HELP;
    return cli_usage_error("gcn", "usage: clout gcn train|predict G.clout ... (clout help gcn)");
}

const cli_command cli_cmd_gcn = {"gcn", "graph convolutional network: train on labels or a target, predict",
     "Usage: clout gcn train G.clout (--labels FILE | --target FILE) [options] -o MODEL\n"
     "       clout gcn predict G.clout --model MODEL [--features FILE] [-o FILE]\n"
     "\n"
     "train: node classification (--labels: lines 'user label'; any label text) or regression\n"
     "(--target: lines 'user number'), over the ties read as undirected (D^-1/2 (A+I) D^-1/2).\n"
     "Fields are separated by tabs, commas or blanks; a first line naming no user of the graph is\n"
     "a header; users the graph lacks are skipped with a count.\n"
     "  --features FILE      CSV: a user column and numeric columns (z-scored; users not listed\n"
     "                       get 0); default: identity features (one learned row per user)\n"
     "  --hidden N           hidden width (64)         --layers L    layers (2)\n"
     "  --dropout P          (0.5)                     --lr X        Adam's step (0.01)\n"
     "  --weight-decay X     L2 on the first layer (5e-4)\n"
     "  --epochs N           at most N epochs (200)    --patience N  stop after N epochs without a\n"
     "                       better validation loss (20; 0: never); the best weights are kept\n"
     "  --split A,B,C        train/validation/test fractions of the users with a label (0.6,0.2,0.2)\n"
     "  --seed S             initialization, split and dropout (1): the same model for any --threads\n"
     "  --log FILE           CSV per epoch: epoch,train_loss,val_loss,val_metric (accuracy or RMSE)\n"
     "  -o MODEL             the model file (.clout-model; required)\n"
     "Prints one row per split: split,users,loss,accuracy (classification) or loss,rmse,spearman\n"
     "(regression, in the target's units), then the parameters.\n"
     "\n"
     "predict: user,prediction[,probability] for every user of the graph (the class and its softmax\n"
     "probability, or the value); identity-feature models need the users they were trained on.\n"
     "\n"
     "Example:\n"
     "  clout ingest --edges datasets/snap_email_eu_core/email-Eu-core.txt.gz -o email.clout\n"
     "  clout gcn train email.clout --labels datasets/snap_email_eu_core/email-Eu-core-department-labels.txt \\\n"
     "      --epochs 200 -o email.clout-model\n"
     "  clout gcn predict email.clout --model email.clout-model -o departments.csv\n",
    run_gcn};

/* ---------------------------------------------------------------- lightgcn */

typedef struct {
    clout_table *t;
} lgcn_ctx;

static void lgcn_epoch(void *ctx, const clout_lightgcn_epoch *e)
{
    lgcn_ctx *c = ctx;
    clout_table_int(c->t, e->epoch);
    clout_table_real(c->t, e->loss);
    if (e->evaluated) {
        clout_table_real(c->t, e->recall);
        clout_table_real(c->t, e->ndcg);
    } else {
        clout_table_null(c->t);
        clout_table_null(c->t);
    }
    clout_table_real(c->t, round(e->seconds * 1000) / 1000);
    clout_table_flush(c->t);
}

static int lgcn_train(int argc, char **argv)
{
    const char *cmd = "lightgcn train", *path = NULL, *test = NULL;
    cli_common c = {0};
    clout_lightgcn_opts o;
    clout_lightgcn_opts_init(&o);
    int64_t dim = o.dim, layers = o.layers, batch = o.batch, epochs = o.epochs, every = o.eval_every, k = o.topk,
            seed = 1;
    double lr = o.lr, l2 = o.l2, beta = o.social_beta;
    bool social = false;
    const cli_opt opts[] = {CLI_OPT_TEXT("test", &test),
                            CLI_OPT_INT("dim", &dim, 1, 4096),
                            CLI_OPT_INT("layers", &layers, 0, 16),
                            CLI_OPT_REAL("lr", &lr, 0, 10, CLI_OPEN_LO),
                            CLI_OPT_REAL("l2", &l2, 0, 10, 0),
                            CLI_OPT_INT("batch", &batch, 1, 1 << 30),
                            CLI_OPT_INT("epochs", &epochs, 1, 1000000),
                            CLI_OPT_INT("eval-every", &every, 0, 1000000),
                            {"k", 'k', CLI_INT, &k, 1, 1024, 0, NULL, 0},
                            CLI_OPT_FLAG("social", &social),
                            CLI_OPT_REAL("social-beta", &beta, 0, 10, CLI_OPEN_LO),
                            CLI_OPT_INT("seed", &seed, 0, 9.2e18),
                            CLI_END};
    cli_diffusion dif;
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (dif.graph == NULL) dif.graph = "social";
    if (path == NULL || c.out == NULL)
        return cli_usage_error(cmd, "usage: clout lightgcn train G.clout [--test FILE] -o MODEL");
    if (strcmp(c.out, "-") == 0) return cli_usage_error(cmd, "-o names the model file; it cannot be standard output");
    o.dim = (int)dim;
    o.layers = (int)layers;
    o.lr = lr;
    o.l2 = l2;
    o.batch = (int)batch;
    o.epochs = (int)epochs;
    o.eval_every = (int)every;
    o.topk = (int)k;
    o.social = social;
    o.social_beta = beta;
    o.seed = (uint64_t)seed;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_model *model = NULL;
    clout_outfile so = {0};
    clout_table *t = NULL;
    int64_t *tu = NULL, *ti = NULL, nt = 0;
    int s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    if (s >= 0 && test) s = read_test(test, G, c.quiet, &tu, &ti, &nt, msg);
    if (s >= 0) s = clout_outfile_open(&so, NULL, msg);
    char rc[32], nc[32];
    snprintf(rc, sizeof rc, "recall@%d", o.topk);
    snprintf(nc, sizeof nc, "ndcg@%d", o.topk);
    const char *names[] = {"epoch", "loss", rc, nc, "seconds"};
    if (s >= 0) s = clout_table_begin(&t, so.f, c.fmt, 5, names, false, msg);
    lgcn_ctx lc = {t};
    if (s >= 0) s = clout_lightgcn_train(G, &o, tu, ti, nt, lgcn_epoch, &lc, &model, msg);
    if (s >= 0) s = clout_model_save(model, c.out, msg);
    free(tu);
    free(ti);
    clout_model_free(&model);
    clout_graph_free(&G);
    return cli_finish(&so, &t, s, msg);
}

static int lgcn_evaluate(int argc, char **argv)
{
    const char *cmd = "lightgcn evaluate", *path = NULL, *test = NULL, *mpath = NULL;
    cli_common c = {0};
    int64_t k = 20;
    const cli_opt opts[] = {CLI_OPT_TEXT("test", &test), CLI_OPT_TEXT("model", &mpath),
                            {"k", 'k', CLI_INT, &k, 1, 1024, 0, NULL, 0}, CLI_END};
    cli_diffusion dif;
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (dif.graph == NULL) dif.graph = "social";
    if (path == NULL || test == NULL || mpath == NULL)
        return cli_usage_error(cmd, "usage: clout lightgcn evaluate G.clout --model MODEL --test FILE [-k K]");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_model *m = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    int64_t *tu = NULL, *ti = NULL, nt = 0;
    double recall = NAN, ndcg = NAN;
    int s = clout_model_load(&m, mpath, msg);
    if (s >= 0) s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    if (s >= 0) s = read_test(test, G, c.quiet, &tu, &ti, &nt, msg);
    if (s >= 0) s = clout_lightgcn_evaluate(m, G, tu, ti, nt, (int)k, &recall, &ndcg, msg);
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        static const char *names[] = {"k", "recall", "ndcg", "test_pairs"};
        s = clout_table_begin(&t, out.f, c.fmt, 4, names, true, msg);
        if (s >= 0) {
            clout_table_int(t, k);
            clout_table_real(t, recall);
            clout_table_real(t, ndcg);
            clout_table_int(t, nt);
        }
    }
    free(tu);
    free(ti);
    clout_model_free(&m);
    clout_graph_free(&G);
    return cli_finish(&out, &t, s, msg);
}

static int run_lightgcn(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "train") == 0) return lgcn_train(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "evaluate") == 0) return lgcn_evaluate(argc - 1, argv + 1);
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) return CLI_EXIT_HELP;
    return cli_usage_error("lightgcn", "usage: clout lightgcn train|evaluate G.clout ... (clout help lightgcn)");
}

const cli_command cli_cmd_lightgcn = {"lightgcn", "LightGCN recommendation model: train (BPR), evaluate",
     "Usage: clout lightgcn train G.clout [--test FILE] [options] -o MODEL\n"
     "       clout lightgcn evaluate G.clout --model MODEL --test FILE [-k K]\n"
     "\n"
     "LightGCN (He et al., SIGIR 2020) on the graph's users x items log (R's pattern), BPR loss with\n"
     "one uniform negative item per positive; as many samples per epoch as R has entries.\n"
     "  --test FILE          held-out pairs 'user item' (tabs, commas or blanks; a first line naming\n"
     "                       no user and no item is a header): Recall@K and NDCG@K over the full item\n"
     "                       ranking, training items excluded; items the graph lacks count as misses\n"
     "  --dim D (64)  --layers L (3; 0: BPR-MF)  --lr X (0.001)  --l2 X (0.0001)  --batch B (2048)\n"
     "  --epochs N (300)  --eval-every N (10; and the last epoch)  -k K (20)  --seed S (1)\n"
     "  --social             users also aggregate their friends' embeddings at every layer (the\n"
     "                       graph's ties, undirected): social influence shapes the recommendations\n"
     "  --social-beta B      the friends' weight beside the items' (0.5)\n"
     "  -o MODEL             the model file (required); with --test it keeps the best Recall's epoch\n"
     "Prints epoch,loss,recall@K,ndcg@K,seconds as it trains (empty cells between evaluations).\n"
     "\n"
     "evaluate: k,recall,ndcg,test_pairs of a saved model.\n"
     "\n"
     "Example:\n"
     "  clout ingest --columns user,item,count --sep tab --interactions datasets/lastfm_lightgcn/train.txt.gz \\\n"
     "      -o lgcn.clout\n"
     "  clout lightgcn train lgcn.clout --test datasets/lastfm_lightgcn/test.txt.gz --epochs 20 -o lgcn.clout-model\n"
     "  clout lightgcn evaluate lgcn.clout --model lgcn.clout-model --test datasets/lastfm_lightgcn/test.txt.gz\n",
    run_lightgcn};

/* ---------------------------------------------------------------- recommend */

static int run_recommend(int argc, char **argv)
{
    const char *cmd = "recommend", *path = NULL, *mpath = NULL, *users = NULL;
    cli_common c = {0};
    int64_t k = 20;
    double sw = 0;
    const cli_opt opts[] = {CLI_OPT_TEXT("model", &mpath), {"k", 'k', CLI_INT, &k, 1, 1024, 0, NULL, 0},
                            CLI_OPT_TEXT("users", &users), CLI_OPT_REAL("social-weight", &sw, 0, 1, 0), CLI_END};
    cli_diffusion dif;
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, NULL, NULL);
    if (code) return code;
    if (dif.graph == NULL) dif.graph = "social";
    if (path == NULL || mpath == NULL)
        return cli_usage_error(cmd, "usage: clout recommend G.clout --model MODEL [-k K] [--users USERS]");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_model *m = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    int64_t *us = NULL, nu = 0, *items = NULL;
    double *scores = NULL, *infl = NULL;
    cli_design d = {0};
    int s = clout_model_load(&m, mpath, msg);
    if (s >= 0 && strcmp(clout_model_kind(m), "lightgcn") != 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: a %s model, not a LightGCN model", mpath, clout_model_kind(m));
        s = CLOUT_ERR_DATA;
    }
    if (s >= 0) s = cli_load_graph(path, &dif, c.quiet, &G, msg);
    if (s >= 0 && users) {
        /* --users FILE works as --users @FILE when FILE is a file and no user has that name */
        struct stat st;
        bool file = users[0] != '@' && strchr(users, ',') == NULL && stat(users, &st) == 0 && S_ISREG(st.st_mode) &&
                    clout_idmap_find(G->users, users, strlen(users)) < 0;
        s = file ? clout_read_users(G, users, &us, &nu, msg) : cli_read_users(users, G, &us, &nu, msg);
    } else if (s >= 0) {
        nu = clout_graph_users(G);
        if ((us = malloc((size_t)(nu ? nu : 1) * sizeof(int64_t))) == NULL) s = CLOUT_ERR_NOMEM;
        for (int64_t u = 0; s >= 0 && u < nu; u++) us[u] = u;
    }
    if (s >= 0 && sw > 0) {
        /* friends' influence: clout score with its default features and weights */
        cli_design_opts dz = {0};
        clout_features_opts fo;
        clout_features_opts_init(&fo);
        fo.seed = 1;
        s = cli_design_build(G, &dz, &fo, &d, msg);
        int64_t n = clout_graph_users(G);
        if (s >= 0) {
            infl = malloc((size_t)(n ? n : 1) * sizeof(double));
            double *contrib = malloc((size_t)(n ? n : 1) * (size_t)d.nf * sizeof(double));
            s = infl && contrib ? clout_score_sum(d.X, n, d.nf, d.w, infl, contrib, msg) : CLOUT_ERR_NOMEM;
            free(contrib);
        }
    }
    if (s >= 0) {
        items = malloc((size_t)(nu ? nu : 1) * (size_t)k * sizeof(int64_t));
        scores = malloc((size_t)(nu ? nu : 1) * (size_t)k * sizeof(double));
        s = items && scores ? clout_recommend(m, G, us, nu, (int)k, sw, infl, items, scores, msg) : CLOUT_ERR_NOMEM;
    }
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0) {
        static const char *names[] = {"user", "rank", "item", "score", "social_weight"};
        s = clout_table_begin(&t, out.f, c.fmt, 5, names, false, msg);
    }
    for (int64_t q = 0; s >= 0 && q < nu; q++) {
        size_t ul;
        const char *un = clout_idmap_name(G->users, us[q], &ul);
        for (int64_t j = 0; j < k && items[q * k + j] >= 0; j++) {
            size_t il;
            const char *in = clout_idmap_name(G->items, items[q * k + j], &il);
            clout_table_str(t, un, ul);
            clout_table_int(t, j + 1);
            clout_table_str(t, in, il);
            clout_table_real(t, scores[q * k + j]);
            clout_table_real(t, sw);
        }
    }
    cli_design_free(&d);
    free(us);
    free(items);
    free(scores);
    free(infl);
    clout_model_free(&m);
    clout_graph_free(&G);
    return cli_finish(&out, &t, s, msg);
}

const cli_command cli_cmd_recommend = {"recommend", "top-k items per user by a LightGCN model (with a social blend)",
     "Usage: clout recommend G.clout --model MODEL [-k K] [--users USERS] [--social-weight L]\n"
     "\n"
     "Rows user,rank,item,score,social_weight: each user's K best items (20) the user does not\n"
     "have yet, by the model's score (the dot product of the user's and the item's embeddings).\n"
     "  --users USERS        comma-separated ids, or a file of ids (FILE or @FILE; one per line,\n"
     "                       as clout simulate --seeds reads them); default: every user\n"
     "  --social-weight L    0..1 (0): score = (1 - L) x the model's score min-maxed over the\n"
     "                       user's candidate items + L x the share of the user's friends who have\n"
     "                       the item, each friend weighted by the percentile of its influence\n"
     "                       (clout score with the default features and weights)\n"
     "\n"
     "Example:\n"
     "  clout recommend lgcn.clout --model lgcn.clout-model -k 10 --users 2,3\n",
    run_recommend};
