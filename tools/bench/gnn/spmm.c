/* spmm.c: sparse x dense (64 columns) on a snapshot's propagation matrix: clout's CSR kernel
 * against GraphBLAS's C = A*H (PLUS_TIMES_FP32, H a full matrix), same matrix, same H.
 *   clout-bench-spmm G.clout ties|gcn|lightgcn [reps] [cols] [DIR]
 * ties: S as it is (weights 1); gcn: D^-1/2 (A+I) D^-1/2 of the undirected ties; lightgcn: the
 * normalized users+items bipartite matrix of R.
 * With a fifth argument DIR, the matrix (ptr int64, idx int32, val float32), H (float32, row-major)
 * and clout's product Y are also written there as raw little-endian files (n, m, nnz, d in
 * DIR/dims.txt), for the Python peers to time on the same data.
 * Prints one line per kernel: seconds per product (median of reps), GB/s of the bytes a product
 * must read at least (the matrix once, one H row per entry, Y once), and the largest difference. */
#include "gnn_internal.h"
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    char msg[CLOUT_MSG_LEN] = "";
    if (argc < 3) {
        fprintf(stderr, "usage: clout-bench-spmm G.clout ties|gcn|lightgcn [reps] [cols] [DIR]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    int64_t d = argc > 4 ? atoll(argv[4]) : 64;
    if (reps < 1 || d < 1) return 2;
    clout_init(msg);
    clout_graph *G = NULL;
    clout_i_spm A = {0};
    int st = clout_snapshot_load(&G, argv[1], msg);
    if (st >= 0 && strcmp(argv[2], "ties") == 0) {
        clout_i_csr c = {0};
        st = clout_i_csr_borrow(G->S, &c, msg);
        if (st >= 0) {
            A.n = A.m = (int64_t)c.nrows;
            A.p = malloc((c.nrows + 1) * sizeof(int64_t));
            A.j = malloc((c.nvals + 1) * sizeof(int32_t));
            A.v = malloc((c.nvals + 1) * sizeof(float));
            for (GrB_Index i = 0; i <= c.nrows; i++) A.p[i] = (int64_t)c.ptr[i];
            for (GrB_Index k = 0; k < c.nvals; k++) A.j[k] = (int32_t)c.idx[k], A.v[k] = 1.0f;
            st = clout_i_csr_return(G->S, &c, msg);
        }
    } else if (st >= 0) {
        st = strcmp(argv[2], "gcn") == 0 ? clout_i_gcn_adjacency(G, &A, msg) : clout_i_lightgcn_adjacency(G, false, 0.5, &A, msg);
    }
    if (st < 0) {
        fprintf(stderr, "clout-bench-spmm: %s\n", msg);
        return 1;
    }
    clout_i_mat H = {0}, Y = {0}, Y2 = {0};
    clout_i_mat_new(&H, A.m, d, msg);
    clout_i_mat_new(&Y, A.n, d, msg);
    clout_i_mat_new(&Y2, A.n, d, msg);
    clout_i_normal_init(&H, 1.0, 1, 7);
    int64_t nnz = A.p[A.n];
    double bytes = (double)nnz * (8.0 + 4.0 * (double)d) + (double)A.n * (8.0 + 4.0 * (double)d);
    double *t = malloc((size_t)reps * sizeof(double));
    for (int r = 0; r < reps; r++) {
        double t0 = clout_now();
        clout_i_spmm(&A, &H, &Y, false);
        t[r] = clout_now() - t0;
    }
    qsort(t, (size_t)reps, sizeof(double), cmpd);
    double tc = t[reps / 2];
    /* GraphBLAS: A as a CSR matrix, H and C as full matrices lent by pointer */
    GrB_Matrix GA = NULL, GH = NULL, GC = NULL;
    GrB_Index *ap = malloc((size_t)(A.n + 1) * sizeof(GrB_Index)), *aj = malloc((size_t)(nnz ? nnz : 1) * sizeof(GrB_Index));
    float *av = malloc((size_t)(nnz ? nnz : 1) * sizeof(float));
    for (int64_t i = 0; i <= A.n; i++) ap[i] = (GrB_Index)A.p[i];
    for (int64_t k = 0; k < nnz; k++) aj[k] = (GrB_Index)A.j[k], av[k] = A.v[k];
    GrB_Matrix_new(&GA, GrB_FP32, (GrB_Index)A.n, (GrB_Index)A.m);
    GxB_Matrix_pack_CSR(GA, &ap, &aj, (void **)&av, (GrB_Index)(A.n + 1) * sizeof(GrB_Index),
                        (GrB_Index)(nnz ? nnz : 1) * sizeof(GrB_Index), (GrB_Index)(nnz ? nnz : 1) * sizeof(float), false,
                        false, NULL);
    GrB_Matrix_new(&GH, GrB_FP32, (GrB_Index)A.m, (GrB_Index)d);
    float *hx = malloc((size_t)(A.m * d) * sizeof(float));
    memcpy(hx, H.x, (size_t)(A.m * d) * sizeof(float));
    GxB_Matrix_pack_FullR(GH, (void **)&hx, (GrB_Index)(A.m * d) * sizeof(float), false, NULL);
    /* C full (zeros) and C += A*H: GraphBLAS's fastest form of this product */
    GrB_Matrix_new(&GC, GrB_FP32, (GrB_Index)A.n, (GrB_Index)d);
    float *cx = calloc((size_t)(A.n * d) + 1, sizeof(float));
    GxB_Matrix_pack_FullR(GC, (void **)&cx, (GrB_Index)(A.n * d + 1) * sizeof(float), false, NULL);
    for (int r = 0; r < reps; r++) {
        GrB_Matrix_assign_FP32(GC, NULL, NULL, 0.0f, GrB_ALL, (GrB_Index)A.n, GrB_ALL, (GrB_Index)d, NULL);
        GrB_Matrix_wait(GC, GrB_MATERIALIZE);
        double t0 = clout_now();
        GrB_mxm(GC, NULL, GrB_PLUS_FP32, GrB_PLUS_TIMES_SEMIRING_FP32, GA, GH, NULL);
        GrB_Matrix_wait(GC, GrB_MATERIALIZE);
        t[r] = clout_now() - t0;
    }
    qsort(t, (size_t)reps, sizeof(double), cmpd);
    double tg = t[reps / 2];
    /* check: the two products agree */
    double maxdiff = 0;
    for (int64_t i = 0; i < A.n; i += 1 + A.n / 1000)
        for (int64_t c = 0; c < d; c++) {
            float x = 0;
            GrB_Matrix_extractElement_FP32(&x, GC, (GrB_Index)i, (GrB_Index)c);
            double e = fabs((double)x - Y.x[i * d + c]);
            if (e > maxdiff) maxdiff = e;
        }
    if (argc > 5) {
        char f[4096];
        snprintf(f, sizeof f, "%s/dims.txt", argv[5]);
        FILE *o = fopen(f, "w");
        if (o) fprintf(o, "%lld %lld %lld %lld\n", (long long)A.n, (long long)A.m, (long long)nnz, (long long)d), fclose(o);
        struct {
            const char *name;
            const void *p;
            size_t bytes;
        } parts[] = {{"ptr", A.p, (size_t)(A.n + 1) * 8}, {"idx", A.j, (size_t)nnz * 4}, {"val", A.v, (size_t)nnz * 4},
                     {"H", H.x, (size_t)(A.m * d) * 4}, {"Y", Y.x, (size_t)(A.n * d) * 4}};
        for (int q = 0; q < 5; q++) {
            snprintf(f, sizeof f, "%s/%s.bin", argv[5], parts[q].name);
            o = fopen(f, "wb");
            if (o == NULL || fwrite(parts[q].p, 1, parts[q].bytes, o) != parts[q].bytes) {
                fprintf(stderr, "clout-bench-spmm: cannot write %s\n", f);
                return 1;
            }
            fclose(o);
        }
    }
    printf("matrix %lld x %lld, %lld entries, %lld columns, %d threads\n", (long long)A.n, (long long)A.m,
           (long long)nnz, (long long)d, clout_get_threads());
    printf("clout CSR kernel  %.4f s  %.1f GB/s\n", tc, bytes / tc / 1e9);
    printf("GraphBLAS C+=A*H  %.4f s  %.1f GB/s\n", tg, bytes / tg / 1e9);
    printf("ratio GraphBLAS/clout %.2f  max difference %.3g\n", tg / tc, maxdiff);
    GrB_free(&GA);
    GrB_free(&GH);
    GrB_free(&GC);
    free(t);
    clout_i_mat_free(&H);
    clout_i_mat_free(&Y);
    clout_i_mat_free(&Y2);
    clout_i_spm_free(&A);
    clout_graph_free(&G);
    clout_finalize();
    return 0;
}
