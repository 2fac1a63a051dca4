/* cmd_score.c: clout score (one influence score per user, from weighted features, with the
 * weights set or learned from observed influence) and clout keyusers (the top users, with why). */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* what score and keyusers share: the options that make the feature matrix and the weights */
typedef struct {
    cli_design_opts dz;
    const char *model, *learn, *target, *target_col, *save_weights, *cv_report, *transform, *gate;
    int64_t hops, seed, rrsets, sims, folds, split_items;
    double l2, split_time;
    bool approx, has_split;
    char gate_buf[256];     /* the gate a weights file names (--weights @FILE) */
} score_args;

#define SCORE_OPTS(a)                                                                              \
    CLI_OPT_TEXT("features", &(a).dz.features), CLI_OPT_TEXT("extra", &(a).dz.extra),                \
        CLI_OPT_TEXT("weights", &(a).dz.weights),                                                   \
        CLI_OPT_CHOICE("normalize", &(a).dz.normalize, "zscore|minmax|rank|none|log-zscore"),                  \
        CLI_OPT_CHOICE("center", &(a).dz.center, "user|feature"), CLI_OPT_INT("hops", &(a).hops, 1, 100000), \
        CLI_OPT_INT("seed", &(a).seed, 0, 9.2e18), CLI_OPT_CHOICE("model", &(a).model, "ic|lt"),     \
        CLI_OPT_INT("rr-sets", &(a).rrsets, 1, 9.2e18), CLI_OPT_INT("sims", &(a).sims, 1, 9.2e18),   \
        CLI_OPT_FLAG("approx", &(a).approx), CLI_OPT_CHOICE("learn", &(a).learn, "ridge|logistic"), \
        CLI_OPT_TEXT("target", &(a).target), CLI_OPT_TEXT("target-col", &(a).target_col),          \
        CLI_OPT_EVENT("split-time", true, 1), CLI_OPT_REAL("l2", &(a).l2, 0, INFINITY, 0),           \
        CLI_OPT_INT("folds", &(a).folds, 0, 1000000), CLI_OPT_TEXT("save-weights", &(a).save_weights), \
        CLI_OPT_TEXT("cv-report", &(a).cv_report), CLI_OPT_CHOICE("target-transform", &(a).transform, "none|log1p|rank"), \
        CLI_OPT_TEXT("gate", &(a).gate), CLI_OPT_INT("split-items", &(a).split_items, 1, 1000)

static void args_init(score_args *a)
{
    memset(a, 0, sizeof *a);
    a->model = "ic";
    a->hops = 3;
    a->seed = 1;
    a->rrsets = 200000;
    a->sims = 200;
    a->folds = 5;
    a->l2 = 1.0;
    a->transform = "none";
}

/* --split-time: epoch seconds or an ISO date, as in the logs */
static int on_option(void *ctx, int id, const char *val)
{
    score_args *a = ctx;
    if (id == 1) {
        a->has_split = true;
        return cli_parse_time("score", "split-time", val, &a->split_time);
    }
    return cli_usage_error("score", "unexpected argument '%s'", val);
}

static int check_args(const char *cmd, const score_args *a, const char *path)
{
    if (path == NULL) return cli_usage_error(cmd, "name the snapshot: clout %s G.clout", cmd);
    int sources = (a->target != NULL) + a->has_split + (a->split_items > 0);
    if (a->learn && sources == 0)
        return cli_usage_error(cmd, "--learn needs what really happened: --target FILE, --split-time T or --split-items R");
    if (!a->learn && (sources || a->save_weights || a->cv_report))
        return cli_usage_error(cmd, "--target, --split-time, --split-items, --save-weights and --cv-report go with --learn");
    if (sources > 1) return cli_usage_error(cmd, "give one of --target, --split-time and --split-items");
    if (a->learn && a->dz.weights) return cli_usage_error(cmd, "--weights and --learn: the weights are set or learned");
    if (a->folds == 1) return cli_usage_error(cmd, "--folds must be 0 (none) or at least 2");
    return 0;
}

/* --weights @FILE saved with --gate G (its column gate): the same gate applies unless --gate is
 * given (--gate none: no gate). Returns 0 or an exit code. */
static int weights_gate(score_args *a, bool quiet)
{
    if (a->gate && strcmp(a->gate, "none") == 0) {
        a->gate = NULL;
        return 0;
    }
    if (!a->dz.weights || a->dz.weights[0] != '@') return 0;
    const char *path = a->dz.weights + 1;
    char msg[CLOUT_MSG_LEN] = "";
    cli_csv t = {0};
    int s = cli_csv_read(path, NULL, &t, msg);
    bool has = s >= 0 && cli_csv_col(&t, "gate") >= 0;
    cli_csv_free(&t);
    if (s < 0) return cli_report(s, msg);
    if (!has) return 0;
    /* read again keyed by the gate column: its cells are the keys */
    s = cli_csv_read(path, "gate", &t, msg);
    if (s < 0) return cli_report(s, msg);
    const char *g = t.nrows > 0 ? t.keys[0] : "";
    for (int64_t r = 1; r < t.nrows; r++)
        if (strcmp(t.keys[r], g) != 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: gate '%.64s', but the rows before name '%.64s'", path,
                     (long long)t.lines[r], t.keys[r], g);
            cli_csv_free(&t);
            return cli_report(CLOUT_ERR_DATA, msg);
        }
    if (strlen(g) >= sizeof a->gate_buf) {
        cli_csv_free(&t);
        snprintf(msg, CLOUT_MSG_LEN, "%s:2: the gate is longer than any feature name", path);
        return cli_report(CLOUT_ERR_DATA, msg);
    }
    if (*g) {
        if (!a->gate) {
            memcpy(a->gate_buf, g, strlen(g) + 1);
            a->gate = a->gate_buf;
            if (!quiet) fprintf(stderr, "clout: the weights in %s were learned with --gate %s: scoring with it\n", path, g);
        } else if (strcmp(a->gate, g) != 0 && !quiet) {
            fprintf(stderr, "clout: warning: the weights in %s were learned with --gate %s; scoring with --gate %s\n",
                    path, g, a->gate);
        }
    }
    cli_csv_free(&t);
    return 0;
}

/* the observed influence: y[r] for the users rows[r] */
typedef struct {
    int64_t nrows, *rows;
    double *y;
} target;

static void target_free(target *t)
{
    free(t->rows);
    free(t->y);
    memset(t, 0, sizeof *t);
}

static int target_from_file(const clout_graph *G, const char *path, const char *col, target *t, char msg[CLOUT_MSG_LEN])
{
    cli_csv c;
    int s = cli_csv_read(path, NULL, &c, msg);
    if (s < 0) return s;
    int vc = -1;
    if (col) vc = cli_csv_col(&c, col);
    else
        for (int j = 0; j < c.ncols && vc < 0; j++)
            if (j != c.key && c.numeric[j]) vc = j;
    if (vc < 0 || vc == c.key || !c.numeric[vc]) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:1: %s%s%s", path, col ? "no numeric column '" : "no numeric column",
                 col ? col : "", col ? "'" : "");
        cli_csv_free(&c);
        return CLOUT_ERR_DATA;
    }
    t->rows = malloc((size_t)c.nrows * sizeof(int64_t));
    t->y = malloc((size_t)c.nrows * sizeof(double));
    char *seen = calloc((size_t)(clout_graph_users(G) + 1), 1);
    if (!t->rows || !t->y || !seen) s = CLOUT_ERR_NOMEM;
    for (int64_t r = 0; s >= 0 && r < c.nrows; r++) {
        int64_t u = clout_idmap_find(G->users, c.keys[r], strlen(c.keys[r]));
        if (u < 0 || seen[u]) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: %s '%.64s'", path, (long long)c.lines[r],
                     u < 0 ? "no user" : "a second row for user", c.keys[r]);
            s = CLOUT_ERR_DATA;
            break;
        }
        seen[u] = 1;
        t->rows[t->nrows] = u;
        t->y[t->nrows++] = c.vals[r * c.ncols + vc];
    }
    free(seen);
    cli_csv_free(&c);
    if (s < 0) target_free(t);
    return s;
}

/* every user's conversions after the split, on the whole log: followers (along the ties in use)
 * who adopted an item after it and after the user (whose own adoption may be earlier) */
static int target_conversions(clout_graph *G, double window, double since, target *t, char msg[CLOUT_MSG_LEN])
{
    int64_t n = clout_graph_users(G);
    int64_t *ad = malloc((size_t)(n + 1) * sizeof(int64_t)), *ex = malloc((size_t)(n + 1) * sizeof(int64_t)),
            *cv = malloc((size_t)(n + 1) * sizeof(int64_t));
    t->rows = malloc((size_t)(n + 1) * sizeof(int64_t));
    t->y = malloc((size_t)(n + 1) * sizeof(double));
    int s = ad && ex && cv && t->rows && t->y ? clout_conversion_since(G, window, since, ad, ex, cv, msg)
                                              : CLOUT_ERR_NOMEM;
    for (int64_t u = 0; s >= 0 && u < n; u++) {
        t->rows[u] = u;
        t->y[u] = (double)cv[u];
    }
    t->nrows = s >= 0 ? n : 0;
    free(ad);
    free(ex);
    free(cv);
    if (s < 0) target_free(t);
    return s;
}

/* fit on rows (all of t, or those whose fold differs from skip) of the design */
static int fit(const cli_design *d, const target *t, const int *fold, int skip, bool logistic, double l2, double *coef,
               double *se, char msg[CLOUT_MSG_LEN])
{
    int nf = d->nf;
    double *X = malloc((size_t)(t->nrows + 1) * (size_t)nf * sizeof(double)), *y = malloc((size_t)(t->nrows + 1) * sizeof(double));
    int64_t m = 0;
    int s = X && y ? CLOUT_OK : CLOUT_ERR_NOMEM;
    for (int64_t r = 0; s >= 0 && r < t->nrows; r++) {
        if (fold && fold[r] == skip) continue;
        memcpy(X + m * nf, d->X + t->rows[r] * nf, (size_t)nf * sizeof(double));
        y[m++] = logistic ? (t->y[r] > 0) : t->y[r];
    }
    if (s >= 0) s = logistic ? clout_fit_logistic(X, y, m, nf, l2, coef, se, NULL, msg)
                             : clout_fit_ridge(X, y, m, nf, l2, coef, se, msg);
    free(X);
    free(y);
    return s;
}

static double predict(const cli_design *d, int64_t u, const double *coef)
{
    double p = coef[d->nf];
    for (int j = 0; j < d->nf; j++) p += coef[j] * d->X[u * d->nf + j];
    return p;
}

/* --learn: the weights from observed influence, cross-validated. One fit (--target,
 * --split-time) or the mean of several (--split-items R: one per split of the items), each on
 * its own design and target: learner_open, learner_fit per fit, learner_close. */
typedef struct {
    bool logistic;
    int nfits;
    int64_t users;          /* rows fitted, summed over the fits */
    double *coef, *se;      /* summed over the fits: nf + 1 each (the intercept last) */
    clout_outfile co;
    clout_table *ct;        /* --cv-report */
} learner;

static int learner_open(learner *L, const score_args *a, char msg[CLOUT_MSG_LEN])
{
    memset(L, 0, sizeof *L);
    L->logistic = strcmp(a->learn, "logistic") == 0;
    int s = CLOUT_OK;
    if (a->cv_report) {
        s = clout_outfile_open(&L->co, a->cv_report, msg);
        static const char *cn[] = {"split", "fold", "train", "test", "spearman", "kendall", "rmse", "auc"};
        /* the split column only when there are splits */
        int first = a->split_items ? 0 : 1;
        if (s >= 0) s = clout_table_begin(&L->ct, L->co.f, CLOUT_FMT_CSV, 8 - first, cn + first, false, msg);
    }
    return s;
}

/* the target transformed (--target-transform) and checked: something to learn */
static int learner_target(const learner *L, target *t, const score_args *a, char msg[CLOUT_MSG_LEN])
{
    const char *why = a->has_split     ? " (no follower adopted anything after --split-time)"
                      : a->split_items ? " (no follower adopted an item of the other half after the user)"
                                       : "";
    if (!L->logistic && strcmp(a->transform, "log1p") == 0)
        for (int64_t r = 0; r < t->nrows; r++) {
            if (t->y[r] <= -1) {
                snprintf(msg, CLOUT_MSG_LEN, "--target-transform log1p needs targets > -1; user %lld has %g",
                         (long long)t->rows[r] + 1, t->y[r]);
                return CLOUT_ERR_DATA;
            }
            t->y[r] = log1p(t->y[r]);
        }
    if (!L->logistic && strcmp(a->transform, "rank") == 0) {
        int s = clout_normalize(t->y, t->nrows, CLOUT_NORM_RANK, t->y, msg);
        if (s < 0) return s;
    }
    int64_t pos = 0, same = 0;
    for (int64_t r = 0; r < t->nrows; r++) {
        pos += t->y[r] > 0;
        same += t->y[r] == t->y[0];
    }
    if (!L->logistic && same == t->nrows) {
        snprintf(msg, CLOUT_MSG_LEN, "the target is %g for all %lld users: nothing to learn%s", t->nrows ? t->y[0] : 0,
                 (long long)t->nrows, why);
        return CLOUT_ERR_DATA;
    }
    if (L->logistic && (pos == 0 || pos == t->nrows)) {
        snprintf(msg, CLOUT_MSG_LEN, "a logistic fit needs users with and without influence; all %lld have %s%s",
                 (long long)t->nrows, pos ? "some" : "none", pos ? "" : why);
        return CLOUT_ERR_DATA;
    }
    if (a->folds > t->nrows) {
        snprintf(msg, CLOUT_MSG_LEN, "--folds %lld: only %lld users have a target", (long long)a->folds,
                 (long long)t->nrows);
        return CLOUT_ERR_INVALID;
    }
    return CLOUT_OK;
}

/* --folds K: each fold held out of a fit and predicted; a line per fold on stderr (one line per
 * split with --split-items), a row per fold in --cv-report */
static int learner_cv(learner *L, const cli_design *d, const target *t, const score_args *a, bool quiet,
                      char msg[CLOUT_MSG_LEN])
{
    int nf = d->nf, folds = (int)a->folds;
    if (folds < 2) return CLOUT_OK;
    double *coef = malloc((size_t)(nf + 1) * sizeof(double));
    double *pred = malloc((size_t)(t->nrows + 1) * sizeof(double)), *obs = malloc((size_t)(t->nrows + 1) * sizeof(double));
    int *fold = malloc((size_t)(t->nrows + 1) * sizeof(int));
    int s = coef && pred && obs && fold ? CLOUT_OK : CLOUT_ERR_NOMEM;
    if (s < 0) snprintf(msg, CLOUT_MSG_LEN, "out of memory");
    if (s >= 0) s = clout_folds(t->nrows, folds, (uint64_t)a->seed, fold, msg);
    double mean_rho = 0;
    for (int f = 0; s >= 0 && f < folds; f++) {
        s = fit(d, t, fold, f, L->logistic, a->l2, coef, NULL, msg);
        int64_t m = 0;
        double sq = 0;
        for (int64_t r = 0; s >= 0 && r < t->nrows; r++) {
            if (fold[r] != f) continue;
            pred[m] = predict(d, t->rows[r], coef);
            if (L->logistic) pred[m] = 1 / (1 + exp(-pred[m]));
            obs[m] = L->logistic ? (t->y[r] > 0) : t->y[r];
            sq += (pred[m] - obs[m]) * (pred[m] - obs[m]);
            m++;
        }
        if (s < 0) break;
        double rho, tau, auc, rmse = sqrt(sq / (double)(m ? m : 1));
        s = clout_eval_spearman(pred, obs, m, &rho, msg);
        if (s >= 0) s = clout_eval_kendall(pred, obs, m, &tau, msg);
        if (s >= 0) s = clout_eval_auc(pred, obs, m, &auc, msg);
        if (s < 0) break;
        mean_rho += rho / folds;
        if (!quiet && !a->split_items)
            fprintf(stderr, "clout: fold %d of %d: %lld users held out, spearman %.4f, %s %.4f\n", f + 1, folds,
                    (long long)m, rho, L->logistic ? "auc" : "rmse", L->logistic ? auc : rmse);
        if (L->ct) {
            if (a->split_items) clout_table_int(L->ct, L->nfits + 1);
            clout_table_int(L->ct, f + 1);
            clout_table_int(L->ct, t->nrows - m);
            clout_table_int(L->ct, m);
            clout_table_real(L->ct, rho);
            clout_table_real(L->ct, tau);
            clout_table_real(L->ct, rmse);
            if (isnan(auc)) clout_table_null(L->ct);
            else clout_table_real(L->ct, auc);
        }
    }
    if (s >= 0 && !quiet) {
        if (a->split_items) fprintf(stderr, "clout: split %d of %lld: ", L->nfits + 1, (long long)a->split_items);
        else fprintf(stderr, "clout: ");
        fprintf(stderr, "%d-fold cross-validation: mean spearman %.4f\n", folds, mean_rho);
    }
    free(coef);
    free(pred);
    free(obs);
    free(fold);
    return s;
}

/* one fit: the target checked, cross-validated, then fitted on every user with a target */
static int learner_fit(learner *L, const cli_design *d, target *t, const score_args *a, bool quiet,
                       char msg[CLOUT_MSG_LEN])
{
    int nf = d->nf;
    double *coef = malloc((size_t)(nf + 1) * sizeof(double)), *se = malloc((size_t)(nf + 1) * sizeof(double));
    if (!L->coef) L->coef = calloc((size_t)nf + 1, sizeof(double));
    if (!L->se) L->se = calloc((size_t)nf + 1, sizeof(double));
    int s = coef && se && L->coef && L->se ? CLOUT_OK : CLOUT_ERR_NOMEM;
    if (s < 0) snprintf(msg, CLOUT_MSG_LEN, "out of memory");
    if (s >= 0) s = learner_target(L, t, a, msg);
    if (s >= 0) s = learner_cv(L, d, t, a, quiet, msg);
    if (s >= 0) s = fit(d, t, NULL, -1, L->logistic, a->l2, coef, se, msg);
    for (int j = 0; s >= 0 && j <= nf; j++) {
        L->coef[j] += coef[j];
        L->se[j] += se[j];
    }
    if (s >= 0) {
        L->users += t->nrows;
        L->nfits++;
    }
    free(coef);
    free(se);
    return s;
}

/* the weights (the mean of the fits; their standard errors the mean of the fits') into d->w, on
 * stderr and into --save-weights; the --cv-report closed; L freed. Returns s or the first error. */
static int learner_close(learner *L, cli_design *d, const score_args *a, bool quiet, int s, char msg[CLOUT_MSG_LEN])
{
    int nf = d ? d->nf : 0;
    clout_outfile wo = {0};
    clout_table *wt = NULL;
    if (s >= 0 && L->nfits == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "no fit was made");
        s = CLOUT_ERR_INTERNAL;
    }
    int64_t users = L->nfits ? (L->users + L->nfits / 2) / L->nfits : 0;
    for (int j = 0; s >= 0 && j <= nf; j++) {
        L->coef[j] /= L->nfits;
        L->se[j] /= L->nfits;
    }
    if (s >= 0) {
        memcpy(d->w, L->coef, (size_t)nf * sizeof(double));
        if (!quiet) {
            fprintf(stderr, "clout: learned %s weights (l2 %g, %lld users, %s features", a->learn, a->l2,
                    (long long)users, a->dz.normalize ? a->dz.normalize : "zscore");
            if (a->split_items) fprintf(stderr, ", the mean of %d splits", L->nfits);
            fprintf(stderr, "):");
            for (int j = 0; j < nf; j++) fprintf(stderr, " %s %.4g (se %.2g)", d->names[j], L->coef[j], L->se[j]);
            fprintf(stderr, "\n");
        }
    }
    if (s >= 0 && a->save_weights) {
        s = clout_outfile_open(&wo, a->save_weights, msg);
        static const char *wn[] = {"feature", "weight", "se", "z", "fit", "l2", "normalize", "users", "gate"};
        if (s >= 0) s = clout_table_begin(&wt, wo.f, CLOUT_FMT_CSV, 9, wn, false, msg);
        for (int j = 0; s >= 0 && j <= nf; j++) {
            const char *name = j < nf ? d->names[j] : "(intercept)";
            const char *norm = a->dz.normalize ? a->dz.normalize : "zscore";
            clout_table_str(wt, name, strlen(name));
            clout_table_real(wt, L->coef[j]);
            clout_table_real(wt, L->se[j]);
            clout_table_real(wt, L->se[j] > 0 ? L->coef[j] / L->se[j] : NAN);
            clout_table_str(wt, a->learn, strlen(a->learn));
            clout_table_real(wt, a->l2);
            clout_table_str(wt, norm, strlen(norm));
            clout_table_int(wt, users);
            if (a->gate) clout_table_str(wt, a->gate, strlen(a->gate));
            else clout_table_null(wt);
        }
    }
    if (L->co.f) s = cli_close(&L->co, &L->ct, s, msg);
    if (wo.f) s = cli_close(&wo, &wt, s, msg);
    free(L->coef);
    free(L->se);
    memset(L, 0, sizeof *L);
    return s;
}

/* --gate COL: COL is one of the features; a user passes when its COL (as computed, before
 * normalizing) is above 0. Errors: COL not among the features (CLOUT_ERR_INVALID), nobody
 * passing (CLOUT_ERR_DATA). */
static int gate_index(const cli_design *d, const char *gate, int *g, char msg[CLOUT_MSG_LEN])
{
    *g = -1;
    for (int j = 0; j < d->nf; j++)
        if (strcmp(d->names[j], gate) == 0) *g = j;
    if (*g < 0) {
        snprintf(msg, CLOUT_MSG_LEN, "--gate: '%.64s' is not one of the features (--features)", gate);
        return CLOUT_ERR_INVALID;
    }
    for (int64_t u = 0; u < d->n; u++)
        if (d->raw[u * d->nf + *g] > 0) return CLOUT_OK;
    snprintf(msg, CLOUT_MSG_LEN, "--gate %.64s: no user has %.64s above 0, so none would be scored", gate, gate);
    return CLOUT_ERR_DATA;
}

/* the target rows of the users that pass the gate: only they take part in the fit */
static int gate_target(const cli_design *d, int g, const char *gate, target *t, char msg[CLOUT_MSG_LEN])
{
    int64_t m = 0;
    for (int64_t r = 0; r < t->nrows; r++)
        if (d->raw[t->rows[r] * d->nf + g] > 0) {
            t->rows[m] = t->rows[r];
            t->y[m++] = t->y[r];
        }
    if (m == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "--gate %.64s: none of the %lld users with a target has %.64s above 0",
                 gate, (long long)t->nrows, gate);
        return CLOUT_ERR_DATA;
    }
    t->nrows = m;
    return CLOUT_OK;
}

/* the parameters behind score's, keyusers' and pairwise's tables (their last column, params):
 * those of the ties and features (cli_params), then the score's own */
#define PARAMS_LEN 8192
static void score_params(const clout_graph *G, const score_args *a, const cli_diffusion *dif,
                         const clout_features_opts *fo, const cli_design *d, char params[PARAMS_LEN])
{
    size_t len = cli_params(G, dif, fo, (const char *const *)d->names, d->nf, params, PARAMS_LEN);
#define PADD(...) cli_appendf(params, PARAMS_LEN, &len, __VA_ARGS__)
    PADD(" features=");
    for (int j = 0; j < d->nf; j++) PADD("%s%s", j ? "+" : "", d->names[j]);
    if (a->dz.extra) PADD(" extra=%s", a->dz.extra);
    PADD(" normalize=%s center=%s", a->dz.normalize ? a->dz.normalize : "zscore",
         d->center_feature ? "feature" : "user");
    if (a->learn) {
        PADD(" learn=%s l2=%g", a->learn, a->l2);
        if (strcmp(a->learn, "ridge") == 0) PADD(" target_transform=%s", a->transform);
        if (a->target) PADD(" target=%s%s%s", a->target, a->target_col ? ":" : "", a->target_col ? a->target_col : "");
        if (a->has_split) PADD(" split_time=%.0f", a->split_time);
        if (a->split_items) PADD(" split_items=%lld", (long long)a->split_items);
    } else if (a->dz.weights) {
        PADD(" weights=%s", a->dz.weights);
    }
    if (a->gate) PADD(" gate=%s", a->gate);
#undef PADD
}

/* The ties a fit on part of the log reads: --graph's, else the social ties when the snapshot has
 * any, else the behaviour graph */
static clout_graph_kind part_kind(const cli_diffusion *dif, const clout_graph *G)
{
    clout_graph_kind kind = CLOUT_GRAPH_SOCIAL;
    if (dif->graph) clout_graph_kind_parse(dif->graph, &kind);
    else if (clout_graph_social_edges(G) == 0) kind = CLOUT_GRAPH_BEHAVIOUR;
    return kind;
}

/* G, a part of the log, set to read kind: unless social, its behaviour graph built again from its
 * own rows (with the options of the snapshot's own, or --window); *copy receives the same matrix
 * and desc its description, for the graph the target is counted on (attach_behaviour) */
static int part_behaviour(clout_graph *G, const cli_diffusion *dif, clout_graph_kind kind, GrB_Matrix *copy,
                          char desc[256], char msg[CLOUT_MSG_LEN])
{
    if (kind == CLOUT_GRAPH_SOCIAL) return CLOUT_OK;
    GrB_Matrix B = NULL;
    clout_behaviour_opts bo;
    cli_behaviour_opts(G, dif, &bo);
    clout_behaviour_describe(&bo, desc, 256);
    int s = clout_behaviour_graph(G, &bo, &B, NULL, msg);
    if (s >= 0 && GrB_Matrix_dup(copy, B) != GrB_SUCCESS) {
        snprintf(msg, CLOUT_MSG_LEN, "out of memory");
        s = CLOUT_ERR_NOMEM;
    }
    if (s >= 0) s = clout_graph_set_behaviour(G, &B, desc, msg);
    if (s >= 0) s = clout_graph_use(G, kind, msg);
    if (B) GrB_free(&B);
    return s;
}

/* the graph the target is counted on reads the same ties: *B (moved in) as its behaviour graph */
static int attach_behaviour(clout_graph *G, clout_graph_kind kind, GrB_Matrix *B, const char *desc,
                            char msg[CLOUT_MSG_LEN])
{
    if (kind == CLOUT_GRAPH_SOCIAL) return CLOUT_OK;
    int s = clout_graph_set_behaviour(G, B, desc, msg);
    if (s >= 0) s = clout_graph_use(G, kind, msg);
    return s;
}

/* --split-items: split r's fit. The snapshot loaded twice, one copy at a time: the rows on one
 * random half of its items give the features (and the behaviour graph, built again from them with
 * --graph behaviour|both), the conversions on the other half, along the same ties, the target. */
static int split_fit(const char *path, const score_args *a, const cli_diffusion *dif, clout_features_opts *fo, int r,
                     learner *L, bool quiet, char msg[CLOUT_MSG_LEN])
{
    clout_graph *GH = NULL;
    cli_design dA = {0};
    target t = {0};
    uint8_t *half = NULL;
    GrB_Matrix B = NULL;
    char desc[256] = "";
    cli_diffusion social = *dif;
    social.graph = "social";
    /* the first half: the features */
    int s = cli_load_graph(path, &social, true, &GH, msg);
    clout_graph_kind kind = s >= 0 ? part_kind(dif, GH) : CLOUT_GRAPH_SOCIAL;
    int64_t ni = s >= 0 ? clout_graph_items(GH) : 0;
    if (s >= 0 && (half = malloc((size_t)ni + 1)) == NULL) {
        snprintf(msg, CLOUT_MSG_LEN, "out of memory");
        s = CLOUT_ERR_NOMEM;
    }
    if (s >= 0) s = clout_item_halves(ni, r, (uint64_t)a->seed, half, msg);
    if (s >= 0) s = clout_graph_keep_items(GH, half, msg);
    if (s >= 0) s = part_behaviour(GH, dif, kind, &B, desc, msg);
    if (s >= 0) s = cli_design_build(GH, &a->dz, fo, &dA, msg);
    clout_graph_free(&GH);
    /* the other half: the target */
    if (s >= 0) s = cli_load_graph(path, &social, true, &GH, msg);
    for (int64_t i = 0; s >= 0 && i < ni; i++) half[i] = !half[i];
    if (s >= 0) s = clout_graph_keep_items(GH, half, msg);
    if (s >= 0) s = attach_behaviour(GH, kind, &B, desc, msg);
    if (s >= 0) s = target_conversions(GH, dif->window, -INFINITY, &t, msg);
    clout_graph_free(&GH);
    int g = -1;
    if (s >= 0 && a->gate) s = gate_index(&dA, a->gate, &g, msg);
    if (s >= 0 && g >= 0) s = gate_target(&dA, g, a->gate, &t, msg);
    if (s >= 0) s = learner_fit(L, &dA, &t, a, quiet, msg);
    if (s < 0) { /* say which split failed */
        char m2[CLOUT_MSG_LEN];
        snprintf(m2, sizeof m2, "split %d of %lld: %s", r + 1, (long long)a->split_items, msg);
        memcpy(msg, m2, CLOUT_MSG_LEN);
    }
    if (B) GrB_free(&B);
    free(half);
    target_free(&t);
    cli_design_free(&dA);
    return s;
}

/* everything up to the scores: load, slice the log (--split-time), learn or take the weights */
static int prepare(const char *cmd, const char *path, const score_args *a, const cli_diffusion *dif, bool quiet,
                   clout_graph **G, cli_design *d, double **score, double **contrib, char params[PARAMS_LEN],
                   char msg[CLOUT_MSG_LEN])
{
    clout_features_opts fo;
    clout_features_opts_init(&fo);
    fo.hops = (int)a->hops;
    fo.seed = (uint64_t)a->seed;
    fo.lt = strcmp(a->model, "lt") == 0;
    fo.rr_sets = a->rrsets;
    fo.sims = a->sims;
    fo.approx = a->approx;
    if (!a->approx) cli_hint_approx();
    fo.window = dif->window;
    (void)cmd;
    target t = {0};
    int s = cli_diffusion_model(dif, (uint64_t)a->seed, &fo.prob, msg);
    if (s >= 0 && a->has_split) {
        /* the log up to the split gives the features (and the behaviour graph, built again from
         * that part); what happened after it, along the same ties, the target */
        cli_diffusion social = *dif;
        social.graph = "social";
        s = cli_load_graph(path, &social, quiet, G, msg);
        clout_graph_kind kind = s >= 0 ? part_kind(dif, *G) : CLOUT_GRAPH_SOCIAL;
        /* social ties: the target from the whole log, then the cut, on one graph */
        if (s >= 0 && kind == CLOUT_GRAPH_SOCIAL) s = target_conversions(*G, dif->window, a->split_time, &t, msg);
        if (s >= 0) s = clout_graph_keep_times(*G, -INFINITY, a->split_time, true, msg);
        if (s >= 0 && kind != CLOUT_GRAPH_SOCIAL) {
            /* the behaviour graph of the part up to the split, with the options of the snapshot's
             * own when it has one; then the whole log again, along the same ties, for the target */
            clout_graph *whole = NULL;
            GrB_Matrix B = NULL;
            char desc[256];
            s = part_behaviour(*G, dif, kind, &B, desc, msg);
            if (s >= 0) s = cli_load_graph(path, &social, true, &whole, msg);
            if (s >= 0) s = attach_behaviour(whole, kind, &B, desc, msg);
            if (s >= 0) s = target_conversions(whole, dif->window, a->split_time, &t, msg);
            clout_graph_free(&whole);
            if (B) GrB_free(&B);
        }
    } else if (s >= 0) {
        s = cli_load_graph(path, dif, quiet, G, msg);
        if (s >= 0 && a->target) s = target_from_file(*G, a->target, a->target_col, &t, msg);
        if (s >= 0 && a->split_items && clout_graph_items(*G) < 2) {
            snprintf(msg, CLOUT_MSG_LEN, "--split-items: %s has %lld item%s; halves need at least 2", path,
                     (long long)clout_graph_items(*G), clout_graph_items(*G) == 1 ? "" : "s");
            s = CLOUT_ERR_DATA;
        }
        double lo = NAN, hi = NAN;
        if (s >= 0 && a->split_items) s = clout_graph_time_span(*G, &lo, &hi, msg);
        if (s >= 0 && a->split_items && isnan(lo)) {
            snprintf(msg, CLOUT_MSG_LEN,
                     "--split-items learns from conversions, which need times: %s has no timed interaction", path);
            s = CLOUT_ERR_DATA;
        }
    }
    learner L = {0};
    int ls = a->learn ? learner_open(&L, a, msg) : CLOUT_OK;
    if (s >= 0) s = ls;
    if (s >= 0 && a->split_items && a->dz.normalize && strcmp(a->dz.normalize, "none") == 0 && !quiet)
        fprintf(stderr, "clout: warning: --split-items with --normalize none: the weights are learned on counts over "
                        "half the items and applied to counts over all of them\n");
    if (a->split_items) cli_phase("learn from halves");
    for (int r = 0; s >= 0 && r < a->split_items; r++) s = split_fit(path, a, dif, &fo, r, &L, quiet, msg);
    cli_phase("features");
    if (s >= 0) s = cli_design_build(*G, &a->dz, &fo, d, msg);
    int g = -1;
    if (s >= 0 && a->gate) s = gate_index(d, a->gate, &g, msg);
    if (s >= 0 && g >= 0 && a->learn && !a->split_items) s = gate_target(d, g, a->gate, &t, msg);
    if (a->learn) cli_phase("learn");
    if (s >= 0 && a->learn && !a->split_items) s = learner_fit(&L, d, &t, a, quiet, msg);
    if (a->learn) s = learner_close(&L, s >= 0 ? d : NULL, a, quiet, s, msg);
    int64_t n = s >= 0 ? clout_graph_users(*G) : 0;
    cli_phase("score");
    if (s >= 0) {
        *score = malloc((size_t)(n + 1) * sizeof(double));
        *contrib = malloc((size_t)(n + 1) * (size_t)d->nf * sizeof(double));
        s = *score && *contrib ? clout_score_sum(d->X, n, d->nf, d->w, *score, *contrib, msg) : CLOUT_ERR_NOMEM;
    }
    double *gcol = s >= 0 && g >= 0 ? malloc((size_t)(n + 1) * sizeof(double)) : NULL;
    if (s >= 0 && g >= 0 && !gcol) s = CLOUT_ERR_NOMEM;
    for (int64_t u = 0; gcol && u < n; u++) gcol[u] = d->raw[u * d->nf + g];
    if (gcol && s >= 0) s = clout_score_gate(gcol, n, d->nf, *score, *contrib, msg);
    free(gcol);
    if (s >= 0) score_params(*G, a, dif, &fo, d, params);
    target_free(&t);
    return s;
}

/* Begin a table whose header is spec's words in order, a word holding %s standing for one column
 * per feature (its name put in): score's and keyusers' per-feature columns. */
static int begin_feature_table(clout_table **t, FILE *f, clout_format fmt, const cli_design *d,
                               const char *const *spec, int nspec, char msg[CLOUT_MSG_LEN])
{
    int nc = 0, c = 0;
    for (int i = 0; i < nspec; i++) nc += strstr(spec[i], "%s") ? d->nf : 1;
    char **names = calloc((size_t)nc + 1, sizeof(char *));
    int s = names ? CLOUT_OK : CLOUT_ERR_NOMEM;
    for (int i = 0; s >= 0 && i < nspec; i++) {
        bool per = strstr(spec[i], "%s") != NULL;
        for (int j = 0; s >= 0 && j < (per ? d->nf : 1); j++) {
            const char *fname = per ? d->names[j] : "";
            size_t len = strlen(spec[i]) + strlen(fname) + 1;
            if ((names[c] = malloc(len)) == NULL) s = CLOUT_ERR_NOMEM;
            else snprintf(names[c++], len, per ? spec[i] : "%s", per ? fname : spec[i]);
        }
    }
    if (s >= 0) s = clout_table_begin(t, f, fmt, nc, (const char *const *)names, false, msg);
    else snprintf(msg, CLOUT_MSG_LEN, "out of memory");
    for (int i = 0; names && i < c; i++) free(names[i]);
    free(names);
    return s;
}

static int run_score(int argc, char **argv)
{
    const char *cmd = "score", *path = NULL;
    cli_common c = {0};
    cli_diffusion dif;
    score_args a;
    args_init(&a);
    bool timings = false;
    const cli_opt opts[] = {SCORE_OPTS(a), CLI_OPT_FLAG("timings", &timings), CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, on_option, &a);
    if (code) return code;
    if ((code = check_args(cmd, &a, path))) return code;
    if ((code = weights_gate(&a, c.quiet))) return code;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    cli_design d = {0};
    double *score = NULL, *contrib = NULL, *fout = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    int64_t zeros = 0;
    char params[PARAMS_LEN] = "";
    int s = prepare(cmd, path, &a, &dif, c.quiet, &G, &d, &score, &contrib, params, msg);
    int64_t n = s >= 0 ? clout_graph_users(G) : 0;
    cli_phase("formula");
    if (s >= 0) {
        fout = malloc((size_t)(n + 1) * sizeof(double));
        s = fout ? clout_pairwise_edges(G, d.X, d.nf, d.w, d.center_feature, NULL, fout, &zeros, msg) : CLOUT_ERR_NOMEM;
    }
    if (s >= 0 && zeros > 0 && !c.quiet)
        fprintf(stderr, "clout: warning: %lld ties start at a user whose weighted features are all 0: their "
                        "influence(u,v) is 0\n", (long long)zeros);
    cli_phase("write");
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    static const char *const score_cols[] = {"user", "score", "%s_contrib", "formula_out", "params"};
    if (s >= 0) {
        s = begin_feature_table(&t, out.f, c.fmt, &d, score_cols, 5, msg);
        for (int64_t u = 0; s >= 0 && u < n; u++) {
            size_t len;
            const char *name = clout_idmap_name(G->users, u, &len);
            clout_table_str(t, name, len);
            clout_table_real(t, score[u]);
            for (int j = 0; j < d.nf; j++) clout_table_real(t, contrib[u * d.nf + j]);
            clout_table_real(t, fout[u]);
            clout_table_str(t, u == 0 ? params : NULL, u == 0 ? strlen(params) : 0);
        }
    }
    code = cli_finish(&out, &t, s, msg);
    if (code == 0 && timings) cli_phase_timings();
    free(score);
    free(contrib);
    free(fout);
    cli_design_free(&d);
    clout_graph_free(&G);
    return code;
}


static int run_keyusers(int argc, char **argv)
{
    const char *cmd = "keyusers", *path = NULL;
    cli_common c = {0};
    cli_diffusion dif;
    score_args a;
    args_init(&a);
    int64_t k = 20;
    double eps = 0.1;
    const cli_opt opts[] = {SCORE_OPTS(a), {"k", 'k', CLI_INT, &k, 1, 1e9, 0, NULL, 0},
                            CLI_OPT_REAL("epsilon", &eps, 0, 1, CLI_OPEN_LO | CLI_OPEN_HI), CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, on_option, &a);
    if (code) return code;
    if ((code = check_args(cmd, &a, path))) return code;
    if ((code = weights_gate(&a, c.quiet))) return code;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    cli_design d = {0};
    double *score = NULL, *contrib = NULL;
    cli_ranked *order = NULL;
    int64_t *featrank = NULL, *seeds = NULL;
    char *inseed = NULL;
    clout_influence *P = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    char params[PARAMS_LEN] = "";
    int s = prepare(cmd, path, &a, &dif, c.quiet, &G, &d, &score, &contrib, params, msg);
    int64_t n = s >= 0 ? clout_graph_users(G) : 0;
    size_t plen = strlen(params);
    cli_appendf(params, PARAMS_LEN, &plen, " im_seed=imm:k=%lld:epsilon=%g:model=%s:prob=%s:seed=%lld", (long long)k,
                eps, a.model, dif.prob, (long long)a.seed);
    if (s >= 0 && k > n) {
        snprintf(msg, CLOUT_MSG_LEN, "-k %lld: the graph has %lld users", (long long)k, (long long)n);
        s = CLOUT_ERR_INVALID;
    }
    /* rank under every single feature (1 = highest raw value; ties by user index) */
    if (s >= 0) {
        order = malloc((size_t)n * sizeof(cli_ranked));
        featrank = malloc((size_t)n * (size_t)d.nf * sizeof(int64_t));
        seeds = malloc((size_t)k * sizeof(int64_t));
        inseed = calloc((size_t)n, 1);
        if (!order || !featrank || !seeds || !inseed) s = CLOUT_ERR_NOMEM;
    }
    for (int j = 0; s >= 0 && j < d.nf; j++) {
        for (int64_t u = 0; u < n; u++) order[u] = (cli_ranked){d.raw[u * d.nf + j], u};
        qsort(order, (size_t)n, sizeof(cli_ranked), cli_ranked_desc);
        for (int64_t r = 0; r < n; r++) featrank[order[r].u * d.nf + j] = r + 1;
    }
    /* the IM seed set of the same size: is a key user also a seed? */
    clout_im_params ip;
    clout_im_params_init(&ip);
    ip.k = (int)k;
    ip.eps = eps;
    ip.seed = (uint64_t)a.seed;
    ip.lt = strcmp(a.model, "lt") == 0;
    clout_prob_model pm;
    if (s >= 0) s = cli_diffusion_model(&dif, (uint64_t)a.seed, &pm, msg);
    if (s >= 0) s = clout_influence_new(&P, G, &pm, CLOUT_INFLUENCE_REVERSE, msg);
    double *spread = s >= 0 ? malloc((size_t)k * sizeof(double)) : NULL;
    if (s >= 0) s = spread ? clout_im_select(G, P, &ip, seeds, spread, NULL, msg) : CLOUT_ERR_NOMEM;
    free(spread);
    for (int64_t i = 0; s >= 0 && i < k; i++) inseed[seeds[i]] = 1;
    if (s >= 0) {
        for (int64_t u = 0; u < n; u++) order[u] = (cli_ranked){score[u], u};
        qsort(order, (size_t)n, sizeof(cli_ranked), cli_ranked_desc);
        s = clout_outfile_open(&out, c.out, msg);
    }
    static const char *const key_cols[] = {"rank", "user", "score", "%s_contrib", "im_seed", "rank_%s", "params"};
    if (s >= 0) {
        s = begin_feature_table(&t, out.f, c.fmt, &d, key_cols, 7, msg);
        for (int64_t r = 0; s >= 0 && r < k; r++) {
            int64_t u = order[r].u;
            size_t len;
            const char *name = clout_idmap_name(G->users, u, &len);
            clout_table_int(t, r + 1);
            clout_table_str(t, name, len);
            clout_table_real(t, score[u]);
            for (int j = 0; j < d.nf; j++) clout_table_real(t, contrib[u * d.nf + j]);
            clout_table_bool(t, inseed[u]);
            for (int j = 0; j < d.nf; j++) clout_table_int(t, featrank[u * d.nf + j]);
            clout_table_str(t, r == 0 ? params : NULL, r == 0 ? strlen(params) : 0);
        }
    }
    code = cli_finish(&out, &t, s, msg);
    free(score);
    free(contrib);
    free(order);
    free(featrank);
    free(seeds);
    free(inseed);
    clout_influence_free(&P);
    cli_design_free(&d);
    clout_graph_free(&G);
    return code;
}

#define FEATURE_HELP                                                                            \
    "  --features COLS      the features, comma-separated: columns of the features table (see\n" \
    "                       clout help metrics) or of the --extra file; default\n"                \
    "                       " CLI_DEFAULT_FEATURES "\n"                                            \
    "  --extra FILE         a CSV with a user column and numeric columns of the user's own\n"    \
    "                       (users it does not list get 0; one row per user); its columns are\n"  \
    "                       taken before the features table's of the same name\n"                \
    "  --normalize N        zscore (default), minmax, rank (average ranks in [0, 1]), none, or\n"  \
    "                       log-zscore (zscore of log(1 + x): heavy-tailed counts)\n"              \
    "  --weights W          name=value,... (features not named weigh 0) or @FILE (a table with\n" \
    "                       columns feature and weight, as --save-weights writes); default 1 each\n" \
    "  --gate COL           score only users with evidence: COL (one of --features) above 0;\n"  \
    "                       the others take no part in a fit and score last, tied (contributions\n" \
    "                       0, score below the lowest passing user's); weights saved with --gate\n" \
    "                       name it (column gate) and --weights @FILE applies it (--gate none:\n" \
    "                       not)\n"                                                                \
    "  --hops, --seed, --model, --rr-sets, --sims, --approx, --prob, --window: as in metrics\n"   \
    "  --graph social|behaviour|both  the ties the features and formula_out read (see behaviour)\n"

#define LEARN_HELP                                                                              \
    "Learning the weights (--learn ridge|logistic) from what really happened:\n"                  \
    "  --target FILE        observed influence: a CSV with a user column and a numeric column\n"  \
    "                       (--target-col NAME, else the first numeric one); only the users\n"     \
    "                       it lists take part in the fit\n"                                      \
    "  --split-time T       or: features from the log up to T (epoch seconds or a date), the\n"  \
    "                       target each user's conversions after T (followers who adopted an\n"  \
    "                       item after T and after the user did, within --window; the user's\n"  \
    "                       own adoption may be earlier: metrics --since T), along the behaviour\n" \
    "                       graph of the log up to T with --graph behaviour|both or no ties; a\n" \
    "                       user-item pair first seen by T keeps all its rows' weight\n"          \
    "  --split-items R      or: from the snapshot's own items, R times (1..1000): the items\n"   \
    "                       halved at random (--seed), features from the rows on one half (the\n"  \
    "                       behaviour graph built again from them with --graph behaviour|both),\n" \
    "                       the target each user's conversions on the other half along the same\n" \
    "                       ties; the weights and their standard errors are the means of the R\n" \
    "                       fits, applied to the features of the whole snapshot. For cascades or\n" \
    "                       items without a useful time split; costs 2R + 1 loads, R + 1 features;\n" \
    "                       --folds run within each split (--cv-report gains a split column)\n"  \
    "  ridge                least squares with an L2 penalty (--l2, default 1) on the weights;\n" \
    "                       --target-transform log1p fits log(1 + target) (counts, heavy tails),\n" \
    "                       rank its ranks in [0, 1] (for orderings: Spearman, precision@k)\n" \
    "  logistic             for the yes/no target: did any follower convert (target > 0)\n"       \
    "  --folds K            K-fold cross-validation (default 5; 0: none): held-out Spearman and\n" \
    "                       RMSE (ridge) or AUC (logistic) per fold on stderr, or --cv-report FILE\n" \
    "  --save-weights FILE  the weights with standard errors and z, to score other graphs\n"      \
    "                       (--weights @FILE)\n"

const cli_command cli_cmd_score = {"score", "one influence score per user, weights set or learned",
     "Usage: clout score G.clout [--features COLS] [--weights W | --learn ridge|logistic ...]\n"
     "\n"
     "I_u = sum_j w_j f_j(u) over the normalized features f_j. One row per user: user, score,\n"
     "<feature>_contrib (w_j f_j(u), one column per feature) and formula_out: the sum over u's\n"
     "out-ties v of influence(u,v) = sum_i w_i x_ui (x_vi - mu_v) / sqrt(sum_i w_i^2 x_ui^2),\n"
     "x the normalized features, mu_v the mean of x_v's entries (--center user, default) or each\n"
     "feature's mean over all users (--center feature); a zero denominator gives 0 (counted in a\n"
     "warning). The intercept of learned weights shifts every user alike and is left out.\n"
     FEATURE_HELP
     "  --center user|feature\n"
     "  --timings            the time of each phase on stderr (load, features, learn, score,\n"
     "                       formula, write)\n"
     "\n" LEARN_HELP
     "\n"
     "Examples:\n"
     "  clout score lastfm.clout --features pagerank,core,reach_2 --weights pagerank=2,core=1,reach_2=1\n"
     "  clout score se_train.clout --learn ridge --target truth.csv --target-col conversions \\\n"
     "      --save-weights w.csv -o se_scores.csv\n",
    run_score};

const cli_command cli_cmd_keyusers = {"keyusers", "the top users by influence score, and why",
     "Usage: clout keyusers G.clout [-k 20] [score options]\n"
     "\n"
     "The k users with the highest score (see clout help score; same features, weights and\n"
     "learning options), best first: rank, user, score, <feature>_contrib for each feature,\n"
     "im_seed (whether IMM picks the user among its k seeds, under --model and --prob, with\n"
     "--epsilon E, default 0.1) and rank_<feature> (the user's rank under that feature alone,\n"
     "1 = highest), so a reader sees why each one is key.\n"
     FEATURE_HELP
     "\n"
     "Example:\n"
     "  clout keyusers lastfm.clout -k 10 --features pagerank,core,reach_2,conversion_rate\n",
    run_keyusers};

/* "0.8,0.3,0.5" into v (malloc'd); the count, or -1 */
static int parse_vec(const char *s, double **v)
{
    int n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    *v = malloc((size_t)n * sizeof(double));
    if (!*v) return -1;
    int k = 0;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        char num[64];
        if (len == 0 || len >= sizeof num) return -1;
        memcpy(num, p, len);
        num[len] = '\0';
        if (!cli_parse_double(num, &(*v)[k]) || !isfinite((*v)[k])) return -1;
        k++;
        if (p[len] == '\0') break;
        p += len + 1;
    }
    return k;
}

static int pairwise_vectors(const char *cmd, const char *xs, const char *vs, const char *ws, const char *center,
                            const cli_common *c)
{
    double *xu = NULL, *xv = NULL, *w = NULL;
    int nu = parse_vec(xs, &xu), nv = parse_vec(vs, &xv), nw = ws ? parse_vec(ws, &w) : nu;
    int code = 0;
    if (nu < 0 || nv < 0 || nw < 0)
        code = cli_usage_error(cmd, "--xu, --xv and --w take finite numbers separated by commas");
    else if (nu != nv || nw != nu)
        code = cli_usage_error(cmd, "--xu, --xv and --w must have as many entries (%d, %d, %d)", nu, nv, nw);
    else if (center && strcmp(center, "feature") == 0)
        code = cli_usage_error(cmd, "--center feature needs every user's features: give a snapshot");
    if (code) {
        free(xu);
        free(xv);
        free(w);
        return code;
    }
    bool zero = false;
    double r = clout_influence_pair(xu, xv, w, nu, NULL, &zero);
    double mu = 0, num = 0, den = 0;
    for (int i = 0; i < nu; i++) mu += xv[i] / nu;
    for (int i = 0; i < nu; i++) {
        double wi = w ? w[i] : 1;
        num += wi * xu[i] * (xv[i] - mu);
        den += wi * wi * xu[i] * xu[i];
    }
    char msg[CLOUT_MSG_LEN] = "";
    clout_outfile out = {0};
    clout_table *t = NULL;
    int s = clout_outfile_open(&out, c->out, msg);
    static const char *names[] = {"influence", "numerator", "denominator", "mu_v", "features", "zero_denominator"};
    if (s >= 0) s = clout_table_begin(&t, out.f, c->fmt, 6, names, true, msg);
    if (s >= 0) {
        clout_table_real(t, r);
        clout_table_real(t, num);
        clout_table_real(t, sqrt(den));
        clout_table_real(t, mu);
        clout_table_int(t, nu);
        clout_table_bool(t, zero);
    }
    if (s >= 0 && zero && !c->quiet)
        fprintf(stderr, "clout: warning: the denominator is 0 (x_u is 0 wherever w is not): influence 0\n");
    free(xu);
    free(xv);
    free(w);
    return cli_finish(&out, &t, s, msg);
}

/* one row src,dst,influence of pairwise --edges (called from several threads at once). The ties
 * come in S's row order: dst from S's column indices, src from the row pointers, followed by a
 * cursor of the calling thread (the rows of a block are asked for in order). A destination is a
 * random user: names of up to 15 bytes are copied once into 16-byte slots (one cache line read
 * a row instead of the name index and the name), fetched 24 rows ahead. */
typedef struct {
    char s[15];
    uint8_t len; /* SLOT_LONG: read the name from the id map */
} name_slot;
#define SLOT_LONG 255

typedef struct {
    const clout_idmap *users;
    const name_slot *slot;
    const int64_t *ptr; /* n + 1 row pointers */
    int64_t n, nv;
    const GrB_Index *J;
    const double *val;
    const char *params; /* on the first row */
} edge_rows;

static void name_cell(const edge_rows *er, int64_t u, clout_table *t)
{
    const name_slot *sl = &er->slot[u];
    if (sl->len != SLOT_LONG) {
        clout_table_str(t, sl->s, sl->len);
    } else {
        size_t len;
        const char *name = clout_idmap_name(er->users, u, &len);
        clout_table_str(t, name, len);
    }
}

static void edge_row(void *ctx, int64_t e, clout_table *t)
{
    static _Thread_local int64_t cur_e = -2, cur_u = -1;
    const edge_rows *er = ctx;
    if (e != cur_e + 1 || cur_u < 0 || cur_u >= er->n || er->ptr[cur_u] > e) { /* the row of tie e: bisect */
        int64_t lo = 0, hi = er->n - 1;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo + 1) / 2;
            if (er->ptr[mid] <= e) lo = mid;
            else hi = mid - 1;
        }
        cur_u = lo;
    }
    while (er->ptr[cur_u + 1] <= e) cur_u++;
    cur_e = e;
    if (e + 24 < er->nv) __builtin_prefetch(&er->slot[er->J[e + 24]]); /* a later row's destination */
    name_cell(er, cur_u, t);
    name_cell(er, (int64_t)er->J[e], t);
    clout_table_real(t, er->val[e]);
    clout_table_str(t, e == 0 ? er->params : NULL, e == 0 ? strlen(er->params) : 0);
}

/* the ties' table: row pointers from the out-degrees, column indices from S */
static int write_edges(clout_graph *G, const double *val, GrB_Index nv, const char *params, clout_table *t,
                       char msg[CLOUT_MSG_LEN])
{
    int64_t n = clout_graph_users(G);
    int64_t *ptr = malloc((size_t)(n + 1) * sizeof(int64_t));
    name_slot *slot = malloc((size_t)(n + 1) * sizeof(name_slot));
    GrB_Index *J = malloc((size_t)(nv + 1) * sizeof(GrB_Index)), nj = nv;
    int s = ptr && slot && J ? clout_graph_cache_degrees(G, msg) : CLOUT_ERR_NOMEM;
    if (s == CLOUT_ERR_NOMEM) snprintf(msg, CLOUT_MSG_LEN, "out of memory");
    if (s >= 0) {
        GrB_Index nd = (GrB_Index)n;
        GrB_Index *di = malloc((size_t)(n + 1) * sizeof(GrB_Index));
        int64_t *dv = malloc((size_t)(n + 1) * sizeof(int64_t));
        if (!di || !dv) s = CLOUT_ERR_NOMEM;
        else if (GrB_Vector_extractTuples_INT64(di, dv, &nd, G->out_degree) != GrB_SUCCESS ||
                 GxB_set(G->S, GxB_FORMAT, GxB_BY_ROW) != GrB_SUCCESS ||
                 GrB_Matrix_extractTuples_BOOL(NULL, J, NULL, &nj, G->S) != GrB_SUCCESS)
            s = CLOUT_ERR_GRAPHBLAS;
        if (s >= 0) {
            memset(ptr, 0, (size_t)(n + 1) * sizeof(int64_t));
            for (GrB_Index i = 0; i < nd; i++) ptr[di[i] + 1] = dv[i];
            for (int64_t u = 0; u < n; u++) ptr[u + 1] += ptr[u];
            if (ptr[n] != (int64_t)nj || nj != nv) s = CLOUT_ERR_INTERNAL;
        }
        free(di);
        free(dv);
        if (s == CLOUT_ERR_NOMEM) snprintf(msg, CLOUT_MSG_LEN, "out of memory");
        else if (s < 0) snprintf(msg, CLOUT_MSG_LEN, "reading the ties of the graph failed");
    }
    if (s >= 0) {
        #pragma omp parallel for schedule(static, 4096)
        for (int64_t u = 0; u < n; u++) {
            size_t len;
            const char *name = clout_idmap_name(G->users, u, &len);
            slot[u].len = len < SLOT_LONG && len <= sizeof slot[u].s ? (uint8_t)len : SLOT_LONG;
            if (slot[u].len != SLOT_LONG) memcpy(slot[u].s, name, len);
        }
        edge_rows er = {G->users, slot, ptr, n, (int64_t)nv, J, val, params};
        s = clout_table_rows(t, (int64_t)nv, edge_row, &er, msg);
    }
    free(ptr);
    free(slot);
    free(J);
    return s;
}

static int run_pairwise(int argc, char **argv)
{
    const char *cmd = "pairwise", *path = NULL, *xs = NULL, *vs = NULL, *ws = NULL, *users = NULL;
    cli_common c = {0};
    cli_diffusion dif;
    score_args a;
    args_init(&a);
    int64_t k = 20;
    bool edges = false, timings = false;
    const cli_opt opts[] = {SCORE_OPTS(a),
                            CLI_OPT_FLAG("timings", &timings),
                            CLI_OPT_TEXT("xu", &xs),
                            CLI_OPT_TEXT("xv", &vs),
                            CLI_OPT_TEXT("w", &ws),
                            CLI_OPT_TEXT("user", &users),
                            {"k", 'k', CLI_INT, &k, 1, 1e9, 0, NULL, 0},
                            CLI_OPT_FLAG("edges", &edges),
                            CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, &dif, &path, on_option, &a);
    if (code) return code;
    if (xs || vs || ws) {
        if (path || users || edges) return cli_usage_error(cmd, "--xu/--xv compare two vectors; no snapshot with them");
        if (!xs || !vs) return cli_usage_error(cmd, "give both --xu and --xv");
        return pairwise_vectors(cmd, xs, vs, ws, a.dz.center, &c);
    }
    if ((users != NULL) == edges)
        return cli_usage_error(cmd, "give --user U -k K (the users U influences most) or --edges (every tie)");
    if (a.gate && !a.learn)
        return cli_usage_error(cmd, "--gate changes only which users a fit reads here (pairwise writes no score): "
                                    "give it with --learn");
    if ((code = check_args(cmd, &a, path))) return code;
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    cli_design d = {0};
    double *score = NULL, *contrib = NULL, *val = NULL;
    int64_t *us = NULL, nus = 0, *top = NULL, zeros = 0;
    clout_outfile out = {0};
    clout_table *t = NULL;
    char params[PARAMS_LEN] = "";
    int s = prepare(cmd, path, &a, &dif, c.quiet, &G, &d, &score, &contrib, params, msg);
    int64_t n = s >= 0 ? clout_graph_users(G) : 0;
    GrB_Index nv = 0;
    cli_phase(users ? "top-k" : "formula");
    if (s >= 0 && users) {
        s = cli_read_users(users, G, &us, &nus, msg);
        if (s >= 0 && k > n - 1) k = n - 1 > 0 ? n - 1 : 1;
        top = s >= 0 ? malloc((size_t)(nus * k + 1) * sizeof(int64_t)) : NULL;
        val = s >= 0 ? malloc((size_t)(nus * k + 1) * sizeof(double)) : NULL;
        if (s >= 0 && (!top || !val)) s = CLOUT_ERR_NOMEM;
        if (s >= 0) s = clout_pairwise_top(d.X, n, d.nf, d.w, d.center_feature, us, nus, (int)k, top, val, msg);
    } else if (s >= 0) {
        GrB_Matrix_nvals(&nv, G->S);
        val = malloc((size_t)(nv + 1) * sizeof(double));
        s = val ? clout_pairwise_edges(G, d.X, d.nf, d.w, d.center_feature, val, NULL, &zeros, msg) : CLOUT_ERR_NOMEM;
    }
    if (s >= 0 && zeros > 0 && !c.quiet)
        fprintf(stderr, "clout: warning: %lld ties start at a user whose weighted features are all 0: their "
                        "influence(u,v) is 0\n", (long long)zeros);
    cli_phase("write");
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s >= 0 && users) {
        static const char *names[] = {"user", "rank", "other", "influence", "params"};
        s = clout_table_begin(&t, out.f, c.fmt, 5, names, false, msg);
        for (int64_t q = 0; s >= 0 && q < nus; q++)
            for (int64_t j = 0; j < k && top[q * k + j] >= 0; j++) {
                size_t len;
                const char *name = clout_idmap_name(G->users, us[q], &len);
                clout_table_str(t, name, len);
                clout_table_int(t, j + 1);
                name = clout_idmap_name(G->users, top[q * k + j], &len);
                clout_table_str(t, name, len);
                clout_table_real(t, val[q * k + j]);
                clout_table_str(t, q == 0 && j == 0 ? params : NULL, q == 0 && j == 0 ? strlen(params) : 0);
            }
    } else if (s >= 0) {
        /* S's ties in row order, as the values came */
        static const char *names[] = {"src", "dst", "influence", "params"};
        s = clout_table_begin(&t, out.f, c.fmt, 4, names, false, msg);
        if (s >= 0) s = write_edges(G, val, nv, params, t, msg);
    }
    code = cli_finish(&out, &t, s, msg);
    if (code == 0 && timings) cli_phase_timings();
    free(score);
    free(contrib);
    free(val);
    free(us);
    free(top);
    cli_design_free(&d);
    clout_graph_free(&G);
    return code;
}

const cli_command cli_cmd_pairwise = {"pairwise", "influence(u,v) of one pair, one user's top k, or every tie",
     "Usage: clout pairwise --xu X --xv X [--w W]\n"
     "       clout pairwise G.clout --user U[,U2...|@FILE] [-k 20] [score options]\n"
     "       clout pairwise G.clout --edges [score options]\n"
     "\n"
     "influence(u,v) = sum_i w_i x_ui (x_vi - mu_v) / sqrt(sum_i w_i^2 x_ui^2); a zero\n"
     "denominator gives 0 (warned).\n"
     "  --xu, --xv, --w      two feature vectors and their weights (default 1), comma-separated:\n"
     "                       one record influence, numerator, denominator, mu_v, features,\n"
     "                       zero_denominator; mu_v is the mean of x_v's entries\n"
     "  --user U -k K        the K users each U influences most, over all users (blocked\n"
     "                       OpenBLAS GEMM with a top-k heap per user, never the n x n matrix):\n"
     "                       rows user, rank, other, influence\n"
     "  --edges              influence(u,v) for every tie of the graph (--graph chooses which),\n"
     "                       one masked product in GraphBLAS: rows src, dst, influence\n"
     "  --timings            the time of each phase on stderr (load, features, score, formula\n"
     "                       or top-k, write)\n"
     "With a snapshot the vectors are each user's normalized features and the weights those of\n"
     "clout score (same options: --features, --weights or --learn, --normalize, --center).\n"
     "\n"
     "Examples:\n"
     "  clout pairwise --xu 0.8,0.3,0.5,0.7 --xv 0.4,0.6,0.2,0.8\n"
     "  clout pairwise lastfm.clout --user 2,4 -k 5 --features pagerank,core,reach_2\n"
     "  clout pairwise lastfm.clout --edges --features pagerank,core -o ties.csv\n",
    run_pairwise};
