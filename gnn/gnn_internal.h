/* gnn_internal.h: the neural floor's internals (gnn/): dense float32 matrices, sparse x dense
 * products, the normalized adjacencies, layers, losses and Adam (not installed). The dense
 * products are clout's own, not OpenBLAS's sgemm, whose bits change with its thread count.
 *
 * Determinism: every kernel here computes each output entry in one thread, in a fixed order, so a
 * result does not depend on the thread count. OpenBLAS (GEMM) and GraphBLAS are only called
 * outside OpenMP regions. */
#ifndef CLOUT_GNN_INTERNAL_H
#define CLOUT_GNN_INTERNAL_H
#include "store_internal.h"

/* Hot loops are compiled for AVX-512, AVX2 and the baseline and chosen at load time by the
 * processor. Each result is the same sequence of rounded operations in every version (ISO C
 * mode: no contraction into fused multiply-adds; sqrt and division are correctly rounded), so
 * results do not depend on the vector width either. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define CLOUT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLOUT_CLONES
#endif
/* Below these sizes a loop runs on one thread: waking the others and moving the data between
 * their caches costs more than the work (measured: LightGCN on Last.fm, 6k nodes, ran 35% slower
 * on 2 threads than on 1 with every loop parallel). Elementwise loops: entries; products:
 * multiply-adds. */
#define CLOUT_I_PAR_ELEMS (1 << 20)
#define CLOUT_I_PAR_FLOPS (1 << 23)
/* 16 floats at any alignment: one AVX-512, two AVX2 or four SSE registers */
typedef float clout_i_v16f __attribute__((vector_size(64), aligned(4)));

/* ---- dense matrices (dense.c): row-major float32, 64-byte aligned ---- */
typedef struct {
    int64_t rows, cols;
    float *x;
} clout_i_mat;
/* A zeroed rows x cols matrix (CLOUT_ERR_NOMEM, or CLOUT_ERR_INVALID beyond the memory limit). */
int clout_i_mat_new(clout_i_mat *a, int64_t rows, int64_t cols, char msg[CLOUT_MSG_LEN]);
void clout_i_mat_free(clout_i_mat *a);
void clout_i_mat_zero(clout_i_mat *a);
void clout_i_mat_copy(clout_i_mat *dst, const clout_i_mat *src);   /* same shape */

/* Deterministic products (each entry in one thread, fixed order; the models use these, since
 * OpenBLAS's bits depend on its thread count): C = A B (+ C when acc); C = A B'; C = A' B (rows
 * reduced in blocks of 1024 summed in order; CLOUT_ERR_NOMEM). a . b over d floats. */
void clout_i_mm(const clout_i_mat *A, const clout_i_mat *B, clout_i_mat *C, bool acc);
void clout_i_mm_nt(const clout_i_mat *A, const clout_i_mat *B, clout_i_mat *C);
int clout_i_mm_tn(const clout_i_mat *A, const clout_i_mat *B, clout_i_mat *C, char msg[CLOUT_MSG_LEN]);
float clout_i_dot(const float *a, const float *b, int64_t d);

/* ---- sparse matrices (dense.c): CSR, float32 values, rows sorted ---- */
typedef struct {
    int64_t n, m;           /* rows, columns */
    int64_t *p;             /* n + 1 */
    int32_t *j;
    float *v;
} clout_i_spm;
void clout_i_spm_free(clout_i_spm *a);
/* Y = A H, or Y += A H when accumulate (A n x m, H m x d, Y n x d). Row-parallel. */
void clout_i_spmm(const clout_i_spm *A, const clout_i_mat *H, clout_i_mat *Y, bool accumulate);
/* The transpose of A. */
int clout_i_spm_transpose(const clout_i_spm *A, clout_i_spm *T, char msg[CLOUT_MSG_LEN]);

/* The GCN propagation matrix D^-1/2 (A + I) D^-1/2 of G's ties read as undirected and unweighted
 * (n x n). */
int clout_i_gcn_adjacency(clout_graph *G, clout_i_spm *A, char msg[CLOUT_MSG_LEN]);
/* LightGCN's propagation over users and items (n + m nodes; users first): the bipartite
 * D^-1/2 [0 R; R' 0] D^-1/2 of R's pattern. social: users also aggregate their friends, the user
 * rows become [beta Ŝ  R̂] with Ŝ = D_S^-1/2 S D_S^-1/2 of the undirected ties. */
int clout_i_lightgcn_adjacency(clout_graph *G, bool social, double beta, clout_i_spm *P, char msg[CLOUT_MSG_LEN]);

/* ---- layers and losses (nn.c) ---- */
/* Glorot-uniform initialization from (seed, stream). */
void clout_i_glorot(clout_i_mat *W, uint64_t seed, uint64_t stream);
/* Normal(0, sd) initialization (Box-Muller over the counter-based generator). */
void clout_i_normal_init(clout_i_mat *W, double sd, uint64_t seed, uint64_t stream);
/* In place: relu; inverted dropout keeping each entry with probability 1 - p, mask (bytes, one
 * per entry) records what was kept; index = entry, stream fixed by the caller per epoch. */
void clout_i_relu(clout_i_mat *a);
void clout_i_dropout(clout_i_mat *a, double p, uint8_t *mask, uint64_t seed, uint64_t stream);
/* Softmax cross-entropy over the rows listed in rows[0..nr) with labels y[row] (0..C-1): returns
 * the mean loss; dZ (same shape as Z, may be NULL) gets the gradient of the mean (zero elsewhere). */
double clout_i_softmax_xent(const clout_i_mat *Z, const int32_t *y, const int64_t *rows, int64_t nr, clout_i_mat *dZ);
/* Mean squared error of column 0 against t[row] over rows; dZ as above. */
double clout_i_mse(const clout_i_mat *Z, const double *t, const int64_t *rows, int64_t nr, clout_i_mat *dZ);
/* Adam (Kingma and Ba), one step on a parameter with its gradient; m and v its moments; t >= 1. */
typedef struct {
    double lr, beta1, beta2, eps;
} clout_i_adam;
void clout_i_adam_step(const clout_i_adam *o, int64_t t, clout_i_mat *W, const clout_i_mat *dW, clout_i_mat *m,
                       clout_i_mat *v);

/* ---- for the gradient checks of tests/unit/test_gnn.c ---- */
/* The GCN's loss over rows (labels y or standardized targets tz) for the weights W, b (L layers of
 * widths dims[0..L], dims[0] = nf) with dropout drawn from seed, and its gradient (dW, db NULL:
 * the loss only). */
int clout_i_gcn_loss_grad(clout_graph *G, const double *X, int nf, const int32_t *y, const double *tz, int L,
                          const int *dims, clout_i_mat *W, clout_i_mat *b, const int64_t *rows, int64_t nr,
                          double dropout, uint64_t seed, clout_i_mat *dW, clout_i_mat *db, double *loss,
                          char msg[CLOUT_MSG_LEN]);
/* LightGCN's batch loss (BPR + L2) for embeddings E0 over propagation P (PT its transpose, NULL
 * when symmetric), samples smp (user, item, item) x bn with n users, and its gradient. */
int clout_i_bpr_loss_grad(const clout_i_spm *P, const clout_i_spm *PT, int L, clout_i_mat *E0, const int64_t *smp,
                          int64_t bn, int64_t n, double l2, clout_i_mat *grad, double *loss, char msg[CLOUT_MSG_LEN]);

/* ---- model files (model.c) ---- */
#define CLOUT_I_MAX_TENSORS 16
#define CLOUT_I_MAX_PARAMS 24
struct clout_model {
    char kind[16];                      /* "gcn" or "lightgcn" */
    int nparams;
    char pname[CLOUT_I_MAX_PARAMS][24];
    double pval[CLOUT_I_MAX_PARAMS];
    clout_idmap *users, *items;         /* items: lightgcn only */
    int nclasses;                       /* gcn: 0 for regression */
    char **classes;
    int ntensors;
    char tname[CLOUT_I_MAX_TENSORS][24];
    clout_i_mat t[CLOUT_I_MAX_TENSORS];
};
/* A new empty model of a kind, with G's user (and, with items, item) ids copied. */
int clout_i_model_new(clout_model **mo, const char *kind, const clout_graph *G, bool items, char msg[CLOUT_MSG_LEN]);
int clout_i_model_param(clout_model *mo, const char *name, double v);
/* The parameter's value, or def when absent. */
double clout_i_model_get(const clout_model *mo, const char *name, double def);
/* A new tensor rows x cols (zeroed), owned by the model; NULL when out of room or memory. */
clout_i_mat *clout_i_model_tensor(clout_model *mo, const char *name, int64_t rows, int64_t cols,
                                  char msg[CLOUT_MSG_LEN]);
clout_i_mat *clout_i_model_find(const clout_model *mo, const char *name);
/* The model's index of each of G's users (and items, when items is not NULL and the model has
 * items), malloc'd: CLOUT_ERR_DATA naming the first user or item of G the model does not know. */
int clout_i_model_map(const clout_model *mo, const clout_graph *G, int64_t **users, int64_t **items,
                      char msg[CLOUT_MSG_LEN]);

#endif
