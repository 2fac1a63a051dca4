/* cmd_evaluate.c: clout evaluate: every score column of a table against observed influence, with
 * bootstrap confidence intervals. */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { M_SPEARMAN, M_KENDALL, M_AUC, M_PRECISION, M_NDCG };
static const char *metric_name[] = {"spearman", "kendall", "auc", "precision", "ndcg"};

static void real_or_null(clout_table *t, double v)
{
    if (isnan(v)) clout_table_null(t);
    else clout_table_real(t, v);
}

static int run(int argc, char **argv)
{
    const char *cmd = "evaluate", *scores = NULL, *truth = NULL, *truth_col = NULL, *ks = "10,50,100", *cols = NULL;
    const char *missing = "drop", *baseline = NULL;
    cli_common c = {0};
    int64_t boot = 1000, seed = 1;
    const cli_opt opts[] = {CLI_OPT_TEXT("scores", &scores),      CLI_OPT_TEXT("truth", &truth),
                            CLI_OPT_TEXT("truth-col", &truth_col), CLI_OPT_TEXT("k", &ks),
                            CLI_OPT_TEXT("columns", &cols),        CLI_OPT_INT("bootstrap", &boot, 0, 1000000),
                            CLI_OPT_INT("seed", &seed, 0, 9.2e18), CLI_OPT_CHOICE("missing", &missing, "drop|zero"),
                            CLI_OPT_TEXT("baseline", &baseline),   CLI_END};
    int code = cli_parse(cmd, argc, argv, opts, &c, NULL, NULL, NULL, NULL);
    if (code) return code;
    if (!scores || !truth) return cli_usage_error(cmd, "usage: clout evaluate --scores FILE --truth FILE");
    int64_t kv[64];
    int nk = 0;
    for (const char *p = ks; *p;) {
        size_t len = strcspn(p, ",");
        char num[32];
        if (len == 0 || len >= sizeof num || nk == 64) return cli_usage_error(cmd, "--k: expected up to 64 numbers like 10,50");
        memcpy(num, p, len);
        num[len] = '\0';
        if (!cli_parse_i64(num, &kv[nk]) || kv[nk] < 1) return cli_usage_error(cmd, "--k: '%s' is not a whole number >= 1", num);
        nk++;
        p += len + (p[len] == ',');
    }
    char msg[CLOUT_MSG_LEN] = "";
    cli_csv S = {0}, Tr = {0};
    int s = cli_csv_read(scores, NULL, &S, msg);
    if (s >= 0) s = cli_csv_read(truth, NULL, &Tr, msg);
    if (s < 0) {
        cli_csv_free(&S);
        return cli_report(s, msg);
    }
    int tc = -1;
    if (truth_col) tc = cli_csv_col(&Tr, truth_col);
    else
        for (int j = 0; j < Tr.ncols && tc < 0; j++)
            if (j != Tr.key && Tr.numeric[j]) tc = j;
    if (tc < 0 || !Tr.numeric[tc]) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:1: no numeric truth column%s%s", truth, truth_col ? " named " : "",
                 truth_col ? truth_col : "");
        s = CLOUT_ERR_DATA;
    }
    /* the score columns: every numeric one, or those named (each once, each a column) */
    int *sc = calloc((size_t)S.ncols + 1, sizeof(int)), nsc = 0;
    if (s >= 0 && !sc) s = CLOUT_ERR_NOMEM;
    for (const char *p = cols; s >= 0 && p && *p;) {
        size_t len = strcspn(p, ",");
        bool found = false;
        for (int j = 0; j < S.ncols && !found; j++)
            found = strlen(S.names[j]) == len && strncmp(S.names[j], p, len) == 0;
        bool twice = false;
        for (const char *q = cols; q < p && !twice; q += strcspn(q, ",") + 1)
            twice = strcspn(q, ",") == len && strncmp(q, p, len) == 0;
        if (!found || twice) {
            snprintf(msg, CLOUT_MSG_LEN, "--columns: '%.*s' %s%s", (int)(len > 80 ? 80 : len), p,
                     twice ? "is named twice" : "is not a column of ", twice ? "" : scores);
            s = CLOUT_ERR_INVALID;
        }
        p += len + (p[len] == ',');
    }
    for (int j = 0; s >= 0 && j < S.ncols; j++) {
        bool want = j != S.key && S.numeric[j];
        if (cols) {
            want = false;
            for (const char *p = cols; *p;) {
                size_t len = strcspn(p, ",");
                if (strlen(S.names[j]) == len && strncmp(S.names[j], p, len) == 0) want = true;
                p += len + (p[len] == ',');
            }
            if (want && (j == S.key || !S.numeric[j])) {
                snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: column '%s' is not all numbers", scores,
                         (long long)cli_csv_bad_line(&S, j), S.names[j]);
                s = CLOUT_ERR_DATA;
            }
        }
        if (want) sc[nsc++] = j;
    }
    if (s >= 0 && nsc == 0 && !cols && S.ncols > 1) {
        int j = S.key == 0 ? 1 : 0;
        snprintf(msg, CLOUT_MSG_LEN,
                 "%s:%lld: no score column to evaluate (a column of numbers in every row); the first, '%s', is not",
                 scores, (long long)cli_csv_bad_line(&S, j), S.names[j]);
        s = CLOUT_ERR_DATA;
    } else if (s >= 0 && nsc == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: no score column to evaluate%s", scores, cols ? " among --columns" : "");
        s = cols ? CLOUT_ERR_INVALID : CLOUT_ERR_DATA;
    }
    /* join on the user: both tables in key order (which also finds a key on two rows), merged */
    int64_t n = 0, *trow = NULL, *torder = NULL, *sorder = NULL;
    if (s >= 0) s = cli_csv_index(&Tr, truth, &torder, msg);
    if (s >= 0) s = cli_csv_index(&S, scores, &sorder, msg);
    if (s >= 0 && !(trow = malloc((size_t)S.nrows * sizeof(int64_t)))) s = CLOUT_ERR_NOMEM;
    if (s >= 0) {
        for (int64_t r = 0; r < S.nrows; r++) trow[r] = -1;
        for (int64_t i = 0, j = 0; i < S.nrows && j < Tr.nrows;) {
            int c = strcmp(S.keys[sorder[i]], Tr.keys[torder[j]]);
            if (c == 0) trow[sorder[i]] = torder[j];
            i += c <= 0;
            j += c >= 0;
        }
        for (int64_t r = 0; r < S.nrows; r++) n += trow[r] >= 0 || strcmp(missing, "zero") == 0;
    }
    if (s >= 0 && n < 2) {
        snprintf(msg, CLOUT_MSG_LEN, "%s and %s share %lld users; at least 2 are needed", scores, truth, (long long)n);
        s = CLOUT_ERR_DATA;
    }
    double *tv = NULL, *sv = NULL;
    if (s >= 0) {
        tv = malloc((size_t)n * sizeof(double));
        sv = malloc((size_t)n * (size_t)nsc * sizeof(double));
        if (!tv || !sv) s = CLOUT_ERR_NOMEM;
    }
    int64_t m = 0;
    for (int64_t r = 0; s >= 0 && r < S.nrows; r++) {
        if (trow[r] < 0 && strcmp(missing, "zero") != 0) continue;
        tv[m] = trow[r] >= 0 ? Tr.vals[trow[r] * Tr.ncols + tc] : 0.0;
        for (int q = 0; q < nsc; q++) sv[(int64_t)q * n + m] = S.vals[r * S.ncols + sc[q]];
        m++;
    }
    if (s >= 0 && !c.quiet && (n < S.nrows || n < Tr.nrows))
        fprintf(stderr, "clout: evaluating %lld users (%lld score rows, %lld truth rows; --missing %s)\n", (long long)n,
                (long long)S.nrows, (long long)Tr.nrows, missing);
    /* the baseline's column (--baseline): its resampled values per metric and k pair up with every
     * other column's (every column is resampled with the same draws) */
    int bq = -1, nmk = 3 + 2 * nk;
    if (s >= 0 && baseline) {
        for (int q = 0; q < nsc; q++)
            if (strcmp(S.names[sc[q]], baseline) == 0) bq = q;
        if (bq < 0) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: --baseline '%s' is not among the score columns evaluated", scores,
                     baseline);
            s = CLOUT_ERR_INVALID;
        }
    }
    /* every column's value and resampled values per metric and k, in one library call (the values,
     * and 144 bytes per user for each thread's copy of the resample and its sorts) */
    double *vals = NULL;
    if (s >= 0)
        s = clout_memory_fits((double)nsc * nmk * (double)(boot + 1) * sizeof(double) +
                                  144.0 * (double)n * (clout_get_threads() + 1),
                              "the evaluation", CLOUT_ERR_INVALID, msg);
    if (s >= 0 && !(vals = malloc((size_t)nsc * (size_t)nmk * (size_t)(boot + 1) * sizeof(double))))
        s = CLOUT_ERR_NOMEM;
    if (s >= 0) s = clout_eval_bootstrap(sv, nsc, tv, n, kv, nk, boot, (uint64_t)seed, vals, msg);
    clout_outfile out = {0};
    clout_table *t = NULL;
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    static const char *names[] = {"column",   "metric",    "k",         "value",          "ci95_low",
                                  "ci95_high", "users",    "bootstrap", "diff",           "diff_ci95_low",
                                  "diff_ci95_high"};
    if (s >= 0) s = clout_table_begin(&t, out.f, c.fmt, bq >= 0 ? 11 : 8, names, false, msg);
    for (int q = 0; s >= 0 && q < nsc; q++) {
        for (int mi = 0, x = 0; s >= 0 && mi < 5; mi++) {
            int reps = mi >= M_PRECISION ? nk : 1;
            for (int ki = 0; s >= 0 && ki < reps; ki++, x++) {
                int64_t k = mi >= M_PRECISION ? kv[ki] : 0;
                const double *bv = vals + ((int64_t)q * nmk + x) * (boot + 1);
                const double *slot = bq >= 0 ? vals + ((int64_t)bq * nmk + x) * (boot + 1) : NULL;
                double v = bv[boot], lo, hi, dlo = NAN, dhi = NAN;
                s = clout_eval_interval(bv, NULL, boot, &lo, &hi, msg);
                if (s >= 0 && slot) s = clout_eval_interval(bv, slot, boot, &dlo, &dhi, msg);
                if (s < 0) break;
                clout_table_str(t, S.names[sc[q]], strlen(S.names[sc[q]]));
                clout_table_str(t, metric_name[mi], strlen(metric_name[mi]));
                if (k) clout_table_int(t, k);
                else clout_table_null(t);
                real_or_null(t, v);
                real_or_null(t, lo);
                real_or_null(t, hi);
                clout_table_int(t, n);
                clout_table_int(t, boot);
                if (slot) {
                    real_or_null(t, v - slot[boot]);
                    real_or_null(t, dlo);
                    real_or_null(t, dhi);
                }
            }
        }
    }
    code = cli_finish(&out, &t, s, msg);
    free(vals);
    free(tv);
    free(sv);
    free(sorder);
    free(torder);
    free(trow);
    free(sc);
    cli_csv_free(&S);
    cli_csv_free(&Tr);
    return code;
}

const cli_command cli_cmd_evaluate = {"evaluate", "score columns against observed influence, with confidence intervals",
     "Usage: clout evaluate --scores FILE --truth FILE [--truth-col NAME] [--k 10,50,100]\n"
     "\n"
     "Joins the two tables on their user column (else their first column) and evaluates every\n"
     "numeric column of --scores (or --columns a,b) against the truth column (--truth-col, else\n"
     "the first numeric one). One row per column and metric: column, metric, k, value,\n"
     "ci95_low, ci95_high, users, bootstrap:\n"
     "  spearman, kendall    rank correlations (Kendall's tau-b; ties accounted)\n"
     "  auc                  of the score for truth > 0 (who had any influence)\n"
     "  precision (per k)    share of the k best by score whose truth is at least the k-th\n"
     "                       largest truth value\n"
     "  ndcg (per k)         gains max(truth, 0), discount 1/log2(rank + 1)\n"
     "  --bootstrap B        percentile intervals from B resamples of the users (default 1000;\n"
     "                       0: none), drawn from --seed S: the same for any --threads\n"
     "  --missing drop|zero  score rows without a truth row: left out (default) or truth 0\n"
     "  --baseline COL       also each value minus COL's (diff) with the paired interval of the\n"
     "                       difference (diff_ci95_low, diff_ci95_high): the same resamples for\n"
     "                       both columns, so an interval above 0 means better than COL\n"
     "Users in the truth table only are left out; a user on two rows of either file is an error.\n"
     "\n"
     "Example:\n"
     "  clout evaluate --scores se_scores.csv --truth truth.csv --truth-col conversions --k 10,50 \\\n"
     "      --bootstrap 200\n"
     "  clout evaluate --scores se_features.csv --truth truth.csv --truth-col conversions \\\n"
     "      --columns out_degree,pagerank,conversions --baseline conversions --k 50\n",
    run};
