/* design.c: the feature matrix the score commands work on: the named columns of the features table
 * and of a user's own CSV (--extra), normalized, with their weights (--weights). */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_design_free(cli_design *d)
{
    for (int j = 0; j < d->nf; j++) free(d->names[j]);
    free(d->names);
    free(d->raw);
    free(d->X);
    free(d->w);
    memset(d, 0, sizeof *d);
}

/* split a comma list into fresh strings; returns the count or -1 */
static int split_list(const char *s, char ***out)
{
    int n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    char **v = calloc((size_t)n, sizeof(char *));
    if (!v) return -1;
    int k = 0;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            v[k] = strndup(p, len);
            if (!v[k]) {
                for (int i = 0; i < k; i++) free(v[i]);
                free(v);
                return -1;
            }
            k++;
        }
        if (p[len] == '\0') break;
        p += len + 1;
    }
    *out = v;
    return k;
}

static int find_name(const cli_design *d, const char *name, size_t len)
{
    for (int j = 0; j < d->nf; j++)
        if (strlen(d->names[j]) == len && strncmp(d->names[j], name, len) == 0) return j;
    return -1;
}

/* --weights: name=value,... (unnamed features weigh 0) or @FILE (a table with columns feature and
 * weight, as --save-weights writes; an (intercept) row is skipped) */
static int parse_weights(cli_design *d, const char *spec, char msg[CLOUT_MSG_LEN])
{
    for (int j = 0; j < d->nf; j++) d->w[j] = spec ? 0 : 1;
    if (spec == NULL) return CLOUT_OK;
    if (spec[0] == '@') {
        cli_csv t;
        int s = cli_csv_read(spec + 1, "feature", &t, msg);
        if (s >= 0) s = cli_csv_unique(&t, spec + 1, msg);
        if (s < 0) {
            cli_csv_free(&t);
            return s;
        }
        int wc = cli_csv_col(&t, "weight");
        if (wc < 0 || !t.numeric[wc]) {
            snprintf(msg, CLOUT_MSG_LEN, "--weights %s: expected columns feature and weight (numbers)", spec + 1);
            cli_csv_free(&t);
            return CLOUT_ERR_DATA;
        }
        for (int64_t r = 0; r < t.nrows; r++) {
            if (strcmp(t.keys[r], "(intercept)") == 0) continue;
            int j = find_name(d, t.keys[r], strlen(t.keys[r]));
            if (j < 0) {
                snprintf(msg, CLOUT_MSG_LEN, "--weights %s:%lld: '%s' is not one of the features (--features)",
                         spec + 1, (long long)t.lines[r], t.keys[r]);
                cli_csv_free(&t);
                return CLOUT_ERR_DATA;
            }
            d->w[j] = t.vals[r * t.ncols + wc];
        }
        cli_csv_free(&t);
        return CLOUT_OK;
    }
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        double v;
        char num[64];
        size_t nl = eq ? len - (size_t)(eq - p) - 1 : 0;
        if (eq && nl < sizeof num) {
            memcpy(num, eq + 1, nl);
            num[nl] = '\0';
        }
        int j = eq ? find_name(d, p, (size_t)(eq - p)) : -1;
        if (!eq || nl == 0 || nl >= sizeof num || !cli_parse_double(num, &v) || !isfinite(v) || j < 0) {
            snprintf(msg, CLOUT_MSG_LEN, "--weights: expected feature=number pairs over the features (%s), got '%.*s'",
                     "see --features", (int)(len > 80 ? 80 : len), p);
            return CLOUT_ERR_INVALID;
        }
        for (const char *q = spec; q < p; q += strcspn(q, ",") + 1)
            if ((size_t)(strchr(q, '=') - q) == (size_t)(eq - p) && strncmp(q, p, (size_t)(eq - p)) == 0) {
                snprintf(msg, CLOUT_MSG_LEN, "--weights: '%.*s' is given twice", (int)(eq - p > 80 ? 80 : eq - p), p);
                return CLOUT_ERR_INVALID;
            }
        d->w[j] = v;
        p += len + (p[len] == ',');
    }
    return CLOUT_OK;
}

/* act_TYPE (rows of that behaviour type per user) or conv_TYPE (conversions counted on that
 * type's times: followers who did it after the user did): the action's index, else -1 */
static int action_feature(const clout_graph *G, const char *name, bool *conv)
{
    const char *t = NULL;
    if (strncmp(name, "act_", 4) == 0) t = name + 4, *conv = false;
    else if (strncmp(name, "conv_", 5) == 0) t = name + 5, *conv = true;
    for (int a = 0; t && a < G->nactions; a++)
        if (strcmp(G->action_names[a], t) == 0) return a;
    return -1;
}

static int action_column(clout_graph *G, int a, bool conv, double window, double *col, char msg[CLOUT_MSG_LEN])
{
    int64_t n = clout_graph_users(G);
    int s = CLOUT_OK;
    if (!conv) {
        GrB_Vector v = NULL;
        GrB_Index nv = 0;
        GrB_Index *I = malloc((size_t)(n + 1) * sizeof(GrB_Index));
        double *X = malloc((size_t)(n + 1) * sizeof(double));
        if (!I || !X || GrB_Vector_new(&v, GrB_FP64, (GrB_Index)n) != GrB_SUCCESS ||
            GrB_Matrix_reduce_Monoid(v, NULL, NULL, GrB_PLUS_MONOID_FP64, G->action_count[a], NULL) != GrB_SUCCESS ||
            GrB_Vector_nvals(&nv, v) != GrB_SUCCESS || GrB_Vector_extractTuples_FP64(I, X, &nv, v) != GrB_SUCCESS)
            s = CLOUT_ERR_GRAPHBLAS;
        for (int64_t u = 0; s >= 0 && u < n; u++) col[u] = 0;
        for (GrB_Index k = 0; s >= 0 && k < nv; k++) col[I[k]] = X[k];
        if (s < 0) snprintf(msg, CLOUT_MSG_LEN, "GraphBLAS could not count the rows of action type %s",
                            G->action_names[a]);
        GrB_free(&v);
        free(I);
        free(X);
        return s;
    }
    /* conversions on this type's rows and times: lend them to the graph for the call */
    int64_t *ad = malloc((size_t)(n + 1) * sizeof(int64_t)), *ex = malloc((size_t)(n + 1) * sizeof(int64_t)),
            *cv = malloc((size_t)(n + 1) * sizeof(int64_t));
    GrB_Matrix R = G->R, T = G->T;
    G->R = G->action_count[a];
    G->T = G->action_time[a];
    s = ad && ex && cv ? clout_conversion(G, window, ad, ex, cv, msg) : CLOUT_ERR_NOMEM;
    G->R = R;
    G->T = T;
    for (int64_t u = 0; s >= 0 && u < n; u++) col[u] = (double)cv[u];
    free(ad);
    free(ex);
    free(cv);
    return s;
}

int cli_design_build(clout_graph *G, const cli_design_opts *o, clout_features_opts *fo, cli_design *d,
                     char msg[CLOUT_MSG_LEN])
{
    memset(d, 0, sizeof *d);
    int64_t n = clout_graph_users(G);
    char **req = NULL, *only = NULL;
    cli_csv ex = {0};
    clout_features *F = NULL;
    int s = CLOUT_OK, nreq = split_list(o->features ? o->features : CLI_DEFAULT_FEATURES, &req);
    if (nreq < 0) return CLOUT_ERR_NOMEM;
    if (nreq == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "--features: no feature named");
        s = CLOUT_ERR_INVALID;
    }
    if (s >= 0 && clout_norm_parse(o->normalize ? o->normalize : "zscore", &d->norm) < 0) {
        snprintf(msg, CLOUT_MSG_LEN, "--normalize: expected zscore, minmax, rank, none or log-zscore");
        s = CLOUT_ERR_INVALID;
    }
    d->center_feature = o->center && strcmp(o->center, "feature") == 0;
    if (s >= 0 && o->extra) s = cli_csv_read(o->extra, NULL, &ex, msg);
    if (s >= 0 && o->extra) s = cli_csv_unique(&ex, o->extra, msg);
    /* which names come from the features table, which from the extra file */
    size_t olen = 1;
    for (int j = 0; j < nreq; j++) olen += strlen(req[j]) + 1;
    only = calloc(olen, 1);
    if (!only && s >= 0) s = CLOUT_ERR_NOMEM;
    for (int j = 0; s >= 0 && j < nreq; j++) {
        for (int i = 0; i < j; i++)
            if (strcmp(req[i], req[j]) == 0) {
                snprintf(msg, CLOUT_MSG_LEN, "--features: '%s' is named twice", req[j]);
                s = CLOUT_ERR_INVALID;
            }
        char m2[CLOUT_MSG_LEN];
        int c = o->extra ? cli_csv_col(&ex, req[j]) : -1;
        bool conv;
        if (s >= 0 && c < 0 && action_feature(G, req[j], &conv) >= 0) {
            /* a behaviour type's activity or conversions */
        } else if (s >= 0 && c >= 0) {
            if (!ex.numeric[c]) {
                snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: column '%s' is not all numbers", o->extra,
                         (long long)cli_csv_bad_line(&ex, c), req[j]);
                s = CLOUT_ERR_DATA;
            }
        } else if (s >= 0 && clout_features_check(req[j], m2) == CLOUT_OK) {
            if (*only) strcat(only, ",");
            strcat(only, req[j]);
        } else if (s >= 0) {
            char types[300] = "";
            for (int a = 0; a < G->nactions && strlen(types) < 200; a++)
                snprintf(types + strlen(types), sizeof types - strlen(types), "%s%s", a ? ", " : "; behaviour types: ",
                         G->action_names[a]);
            snprintf(msg, CLOUT_MSG_LEN, "--features: '%s' is neither a column of the features table (%s), nor "
                     "act_TYPE or conv_TYPE of a behaviour type, nor a column of the --extra file%s", req[j],
                     "see clout help metrics", types);
            s = CLOUT_ERR_INVALID;
        }
    }
    if (s >= 0 && *only) {
        fo->only = only;
        s = clout_features_compute(G, fo, &F, msg);
    }
    d->n = n;
    d->nf = nreq;
    d->names = req;
    req = NULL;
    if (s >= 0) {
        d->raw = malloc((size_t)(n > 0 ? n : 1) * (size_t)nreq * sizeof(double));
        d->X = malloc((size_t)(n > 0 ? n : 1) * (size_t)nreq * sizeof(double));
        d->w = malloc((size_t)nreq * sizeof(double));
        if (!d->raw || !d->X || !d->w) s = CLOUT_ERR_NOMEM;
    }
    double *col = s >= 0 ? malloc((size_t)(n > 0 ? n : 1) * sizeof(double)) : NULL;
    if (s >= 0 && !col) s = CLOUT_ERR_NOMEM;
    for (int j = 0; s >= 0 && j < d->nf; j++) {
        int c = o->extra ? cli_csv_col(&ex, d->names[j]) : -1;
        bool conv;
        int act = c < 0 ? action_feature(G, d->names[j], &conv) : -1;
        if (act >= 0) {
            s = action_column(G, act, conv, fo->window, col, msg);
        } else if (c >= 0) {
            for (int64_t u = 0; u < n; u++) col[u] = 0; /* users the file does not list */
            for (int64_t r = 0; r < ex.nrows && s >= 0; r++) {
                int64_t u = clout_idmap_find(G->users, ex.keys[r], strlen(ex.keys[r]));
                if (u < 0) {
                    snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: no user '%.64s' in the graph", o->extra, (long long)ex.lines[r],
                             ex.keys[r]);
                    s = CLOUT_ERR_DATA;
                } else {
                    col[u] = ex.vals[r * ex.ncols + c];
                }
            }
        } else {
            for (int k = 0; k < F->ncols; k++)
                if (strcmp(F->cols[k].name, d->names[j]) == 0)
                    for (int64_t u = 0; u < n; u++)
                        col[u] = F->cols[k].type == CLOUT_COL_INT ? (double)F->cols[k].ints[u] : F->cols[k].reals[u];
        }
        for (int64_t u = 0; s >= 0 && u < n; u++) d->raw[u * d->nf + j] = col[u];
        if (s >= 0) s = clout_normalize(col, n, d->norm, col, msg);
        for (int64_t u = 0; s >= 0 && u < n; u++) d->X[u * d->nf + j] = col[u];
    }
    free(col);
    if (s >= 0) s = parse_weights(d, o->weights, msg);
    if (s == CLOUT_ERR_NOMEM) snprintf(msg, CLOUT_MSG_LEN, "out of memory building the feature matrix");
    clout_features_free(&F);
    cli_csv_free(&ex);
    free(only);
    fo->only = NULL;
    if (s < 0) cli_design_free(d);
    return s;
}
