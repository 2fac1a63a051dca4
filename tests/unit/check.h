/* check.h: a tiny test harness: CHECK(cond, ...) counts failures and reports file:line. */
#ifndef CLOUT_CHECK_H
#define CLOUT_CHECK_H
#include "clout.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0, check_count = 0;

#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        check_count++;                                                                    \
        if (!(cond)) {                                                                    \
            check_failures++;                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fputc('\n', stderr);                                                          \
        }                                                                                 \
    } while (0)

#define CHECK_OK(call)                                                                    \
    do {                                                                                  \
        char m_[CLOUT_MSG_LEN] = "";                                                      \
        int s_ = (call);                                                                  \
        (void)m_;                                                                         \
        CHECK(s_ >= 0, "status %d: %s", s_, msg);                                         \
    } while (0)

static inline void check_init(void)
{
    char msg[CLOUT_MSG_LEN];
    if (clout_init(msg) != CLOUT_OK) {
        fprintf(stderr, "clout_init failed: %s\n", msg);
        exit(1);
    }
}

static inline int check_done(const char *name)
{
    clout_finalize();
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

/* The graph of an edge list (root/file), read with the default options but these; NULL, with a
 * failed check, when it cannot be read. */
static inline clout_graph *check_load_edges(const char *root, const char *file, bool undirected, bool header)
{
    char path[1024], msg[CLOUT_MSG_LEN];
    snprintf(path, sizeof path, "%s/%s", root, file);
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.undirected = undirected;
    o.header = header;
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    CHECK(clout_builder_new(&b, &o, msg) == 0, "%s", msg);
    CHECK(clout_builder_add_edges(b, path, &o, msg) == 0, "%s: %s", file, msg);
    CHECK(clout_builder_finish(&b, &G, msg) == 0, "%s: %s", file, msg);
    clout_builder_free(&b);
    return G;
}

/* S(i,j) by external ids, or NAN when absent. */
static inline double check_S(const clout_graph *G, const char *u, const char *v)
{
    int64_t i = clout_idmap_find(G->users, u, strlen(u)), j = clout_idmap_find(G->users, v, strlen(v));
    if (i < 0 || j < 0) return NAN;
    float x;
    if (GrB_Matrix_extractElement_FP32(&x, G->S, (GrB_Index)i, (GrB_Index)j) != GrB_SUCCESS) return NAN;
    return x;
}

static inline double check_RT(const clout_graph *G, GrB_Matrix A, const char *u, const char *it)
{
    int64_t i = clout_idmap_find(G->users, u, strlen(u)), j = clout_idmap_find(G->items, it, strlen(it));
    if (i < 0 || j < 0) return NAN;
    double x;
    if (GrB_Matrix_extractElement_FP64(&x, A, (GrB_Index)i, (GrB_Index)j) != GrB_SUCCESS) return NAN;
    return x;
}
/* The metrics into arrays the tests own (malloc'd here, freed by the test; left NULL on failure):
 * the library fills caller-allocated arrays. */
static inline void *check_alloc(const clout_graph *G, size_t elem)
{
    int64_t n = clout_graph_users(G);
    return malloc((size_t)(n ? n : 1) * elem);
}
#define CHECK_INTO(type, out, call)                                                       \
    do {                                                                                  \
        type *x_ = check_alloc(G, sizeof(type));                                          \
        int s_ = x_ ? (call) : CLOUT_ERR_NOMEM;                                           \
        if (s_ < 0) {                                                                     \
            free(x_);                                                                     \
            x_ = NULL;                                                                    \
        }                                                                                 \
        *(out) = x_;                                                                      \
        return s_;                                                                        \
    } while (0)
static inline int owned_pagerank(clout_graph *G, double d, double tol, int maxit, const double *p, double **rank,
                                 int *it, double *prep, char msg[CLOUT_MSG_LEN])
{
    CHECK_INTO(double, rank, clout_pagerank(G, d, tol, maxit, p, x_, it, prep, msg));
}
static inline int owned_coreness(clout_graph *G, int64_t **core, char msg[CLOUT_MSG_LEN])
{
    CHECK_INTO(int64_t, core, clout_coreness(G, x_, msg));
}
static inline int owned_clustering(clout_graph *G, double **cc, char msg[CLOUT_MSG_LEN])
{
    CHECK_INTO(double, cc, clout_clustering(G, x_, msg));
}
static inline int owned_betweenness(clout_graph *G, int64_t samples, uint64_t seed, double **bc, char msg[CLOUT_MSG_LEN])
{
    CHECK_INTO(double, bc, clout_betweenness(G, samples, seed, x_, msg));
}
static inline int owned_conversion(clout_graph *G, double window, int64_t **ad, int64_t **ex, int64_t **cv,
                                   char msg[CLOUT_MSG_LEN])
{
    *ad = check_alloc(G, sizeof(int64_t));
    *ex = check_alloc(G, sizeof(int64_t));
    *cv = check_alloc(G, sizeof(int64_t));
    int s = *ad && *ex && *cv ? clout_conversion(G, window, *ad, *ex, *cv, msg) : CLOUT_ERR_NOMEM;
    if (s < 0) {
        free(*ad);
        free(*ex);
        free(*cv);
        *ad = *ex = *cv = NULL;
    }
    return s;
}

#endif
