/* cmd_export.c: clout export: a snapshot's ties or interactions as a table. */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extract a matrix's tuples in row-major order (GraphBLAS returns them by row for a by-row
 * matrix; rows are sorted). */
static int tuples(GrB_Matrix A, GrB_Index *n, GrB_Index **I, GrB_Index **J, double **X, char msg[CLOUT_MSG_LEN])
{
    *I = *J = NULL;
    *X = NULL;
    if (GrB_Matrix_nvals(n, A) != GrB_SUCCESS) goto fail;
    *I = malloc((*n ? *n : 1) * sizeof(GrB_Index));
    *J = malloc((*n ? *n : 1) * sizeof(GrB_Index));
    *X = malloc((*n ? *n : 1) * sizeof(double));
    if (!*I || !*J || !*X) {
        snprintf(msg, CLOUT_MSG_LEN, "out of memory exporting %llu entries", (unsigned long long)*n);
        free(*I);
        free(*J);
        free(*X);
        return CLOUT_ERR_NOMEM;
    }
    GrB_Index got = *n;
    if (GxB_set(A, GxB_FORMAT, GxB_BY_ROW) != GrB_SUCCESS ||
        GrB_Matrix_extractTuples_FP64(*I, *J, *X, &got, A) != GrB_SUCCESS || got != *n)
        goto fail;
    return CLOUT_OK;
fail:
    free(*I);
    free(*J);
    free(*X);
    snprintf(msg, CLOUT_MSG_LEN, "GraphBLAS could not extract the matrix entries");
    return CLOUT_ERR_GRAPHBLAS;
}

static void put_id(clout_table *t, const clout_idmap *m, GrB_Index i)
{
    size_t len;
    const char *s = clout_idmap_name(m, (int64_t)i, &len);
    clout_table_str(t, s, len);
}

/* the rows, formatted in parallel blocks (clout_table_rows): src,dst,weight or user,item,weight,time */
typedef struct {
    const clout_idmap *a, *b;
    const GrB_Index *I, *J;
    const double *X, *time; /* time: NULL for ties; NaN where an interaction has none */
} export_rows;

static void export_row(void *ctx, int64_t k, clout_table *t)
{
    const export_rows *e = ctx;
    put_id(t, e->a, e->I[k]);
    put_id(t, e->b, e->J[k]);
    clout_table_real32(t, (float)e->X[k]);
    if (e->time) {
        if (isnan(e->time[k])) clout_table_null(t);
        else clout_table_real(t, e->time[k]);
    }
}

static int export_social(const clout_graph *G, clout_table *t, char msg[CLOUT_MSG_LEN])
{
    GrB_Index n, *I, *J;
    double *X;
    int s = tuples(G->S, &n, &I, &J, &X, msg);
    if (s < 0) return s;
    GrB_Index m = 0;
    for (GrB_Index k = 0; k < n; k++) {
        if (!G->directed && I[k] > J[k]) continue; /* each undirected tie once */
        I[m] = I[k];
        J[m] = J[k];
        X[m++] = X[k];
    }
    export_rows e = {G->users, G->users, I, J, X, NULL};
    s = clout_table_rows(t, (int64_t)m, export_row, &e, msg);
    free(I);
    free(J);
    free(X);
    return s;
}

static int export_interactions(const clout_graph *G, clout_table *t, char msg[CLOUT_MSG_LEN])
{
    GrB_Index n, tn, *I, *J, *TI, *TJ;
    double *X, *TX;
    int s = tuples(G->R, &n, &I, &J, &X, msg);
    if (s < 0) return s;
    s = tuples(G->T, &tn, &TI, &TJ, &TX, msg);
    if (s < 0) {
        free(I);
        free(J);
        free(X);
        return s;
    }
    /* T's pattern is a subset of R's, both in row-major order: merge into one time per row */
    double *when = malloc((size_t)(n + 1) * sizeof(double));
    if (when == NULL) s = CLOUT_ERR_NOMEM;
    GrB_Index q = 0;
    for (GrB_Index k = 0; s >= 0 && k < n; k++) {
        while (q < tn && (TI[q] < I[k] || (TI[q] == I[k] && TJ[q] < J[k]))) q++;
        when[k] = q < tn && TI[q] == I[k] && TJ[q] == J[k] ? TX[q] : NAN;
    }
    export_rows e = {G->users, G->items, I, J, X, when};
    if (s >= 0) s = clout_table_rows(t, (int64_t)n, export_row, &e, msg);
    free(when);
    free(I);
    free(J);
    free(X);
    free(TI);
    free(TJ);
    free(TX);
    return s;
}

static int run(int argc, char **argv)
{
    const char *path = NULL, *what = NULL;
    cli_common c = {0};
    const cli_opt opts[] = {CLI_OPT_CHOICE("what", &what, "social|interactions"), CLI_END};
    int code = cli_parse("export", argc, argv, opts, &c, NULL, &path, NULL, NULL);
    if (code) return code;
    if (path == NULL) return cli_usage_error("export", "name the snapshot: clout export G.clout --what social");
    if (what == NULL) return cli_usage_error("export", "--what must be social or interactions");
    char msg[CLOUT_MSG_LEN] = "";
    clout_graph *G = NULL;
    clout_outfile out = {0};
    clout_table *t = NULL;
    int s = clout_snapshot_load(&G, path, msg);
    if (s >= 0) s = clout_outfile_open(&out, c.out, msg);
    if (s < 0) {
        clout_graph_free(&G);
        return cli_report(s, msg);
    }
    bool social = strcmp(what, "social") == 0;
    static const char *sn[] = {"src", "dst", "weight"};
    static const char *in[] = {"user", "item", "weight", "time"};
    s = clout_table_begin(&t, out.f, c.fmt, social ? 3 : 4, social ? sn : in, false, msg);
    if (s >= 0) s = social ? export_social(G, t, msg) : export_interactions(G, t, msg);
    clout_graph_free(&G);
    return cli_finish(&out, &t, s, msg);
}

const cli_command cli_cmd_export = {"export", "write a snapshot's ties or interactions as a table",
     "Usage: clout export G.clout --what social|interactions [-o FILE]\n"
     "\n"
     "  --what social        columns src,dst,weight; an undirected graph writes each tie once\n"
     "  --what interactions  columns user,item,weight,time (time empty when unknown)\n"
     "Numbers are written with the fewest digits that read back exactly, so ingesting the CSV\n"
     "again (with --header, and --undirected for an undirected graph) gives the same graph.\n"
     "\n"
     "Example:\n"
     "  clout export lastfm.clout --what social -o friends.csv\n",
    run};
