/* cmd_export.c: clout export: a snapshot's ties or interactions as a table. */
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_WHAT = 1 };
static const cli_opt opts[] = {{"what", 0, 1, O_WHAT}, {NULL, 0, 0, 0}};

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

static int export_social(const clout_graph *G, clout_table *t, char msg[CLOUT_MSG_LEN])
{
    GrB_Index n, *I, *J;
    double *X;
    int s = tuples(G->S, &n, &I, &J, &X, msg);
    if (s < 0) return s;
    for (GrB_Index k = 0; k < n; k++) {
        if (!G->directed && I[k] > J[k]) continue; /* each undirected tie once */
        put_id(t, G->users, I[k]);
        put_id(t, G->users, J[k]);
        clout_table_real32(t, (float)X[k]);
    }
    free(I);
    free(J);
    free(X);
    return CLOUT_OK;
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
    /* T's pattern is a subset of R's, both in row-major order: merge */
    GrB_Index q = 0;
    for (GrB_Index k = 0; k < n; k++) {
        put_id(t, G->users, I[k]);
        put_id(t, G->items, J[k]);
        clout_table_real32(t, (float)X[k]);
        while (q < tn && (TI[q] < I[k] || (TI[q] == I[k] && TJ[q] < J[k]))) q++;
        if (q < tn && TI[q] == I[k] && TJ[q] == J[k]) clout_table_real(t, TX[q]);
        else clout_table_null(t);
    }
    free(I);
    free(J);
    free(X);
    free(TI);
    free(TJ);
    free(TX);
    return CLOUT_OK;
}

int cmd_export(int argc, char **argv)
{
    const char *cmd = "export", *path = NULL, *what = NULL, *val;
    cli_common c = {0};
    cli_parser p;
    int id;
    cli_parser_init(&p, cmd, argc, argv, opts);
    while ((id = cli_next(&p, &val)) != -1) {
        if (id == -2) return CLOUT_EXIT_USAGE;
        int r = cli_common_opt(&c, id, val, cmd);
        if (r >= 100) return r - 100;
        if (id == O_WHAT) what = val;
        if (id == 0) {
            if (path) return cli_usage_error(cmd, "one snapshot at a time ('%s' and '%s')", path, val);
            path = val;
        }
    }
    if (path == NULL) return cli_usage_error(cmd, "name the snapshot: clout export G.clout --what social");
    if (what == NULL || (strcmp(what, "social") != 0 && strcmp(what, "interactions") != 0))
        return cli_usage_error(cmd, "--what must be social or interactions");
    int code = cli_apply(&c);
    if (code) return code;
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
    s = clout_table_begin(&t, out.f, c.fmt, social ? 3 : 4, social ? sn : in, NULL, false, msg);
    if (s >= 0) s = social ? export_social(G, t, msg) : export_interactions(G, t, msg);
    if (s >= 0) s = clout_table_end(&t, msg);
    else clout_table_end(&t, msg);
    if (s >= 0) s = clout_outfile_commit(&out, msg);
    else clout_outfile_abort(&out);
    clout_graph_free(&G);
    return cli_report(s, msg);
}
