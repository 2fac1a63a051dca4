/* key_users.c: a program of its own built against the installed libclout:
 *
 *   cc key_users.c $(pkg-config --cflags --libs clout) -o key_users
 *   ./key_users G.clout 10
 *
 * Loads a snapshot, computes PageRank, k-core and 2-hop reach for every user with one library
 * call, and prints the top users by PageRank as CSV. */
#include <clout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double *rank_of;

static int by_rank(const void *a, const void *b)
{
    double x = rank_of[*(const int64_t *)a], y = rank_of[*(const int64_t *)b];
    return x > y ? -1 : x < y ? 1 : (*(const int64_t *)a > *(const int64_t *)b) - (*(const int64_t *)a < *(const int64_t *)b);
}

static const clout_feature_col *column(const clout_features *F, const char *name)
{
    for (int c = 0; c < F->ncols; c++)
        if (strcmp(F->cols[c].name, name) == 0) return &F->cols[c];
    return NULL;
}

int main(int argc, char **argv)
{
    char msg[CLOUT_MSG_LEN] = "";
    if (argc != 3) {
        fprintf(stderr, "usage: key_users G.clout K\n");
        return 2;
    }
    int64_t k = atoll(argv[2]);
    clout_graph *G = NULL;
    clout_features *F = NULL;
    clout_features_opts o;
    int s = clout_init(msg);
    if (s >= 0) s = clout_snapshot_load(&G, argv[1], msg);
    if (s >= 0) {
        clout_features_opts_init(&o);
        o.only = "pagerank,core,reach_2";
        o.hops = 2;
        s = clout_features_compute(G, &o, &F, msg);
    }
    if (s < 0) {
        fprintf(stderr, "key_users: %s (%s)\n", msg, clout_status_name(s));
        clout_graph_free(&G);
        clout_finalize();
        return 1;
    }
    const clout_feature_col *pr = column(F, "pagerank"), *core = column(F, "core"), *reach = column(F, "reach_2");
    int64_t *order = malloc((size_t)F->n * sizeof(int64_t));
    for (int64_t i = 0; order && i < F->n; i++) order[i] = i;
    rank_of = pr->reals;
    if (order) qsort(order, (size_t)F->n, sizeof(int64_t), by_rank);
    printf("user,pagerank,core,reach_2\n");
    for (int64_t i = 0; order && i < k && i < F->n; i++) {
        int64_t u = order[i];
        printf("%s,%.6g,%lld,%lld\n", clout_idmap_name(G->users, u, NULL), pr->reals[u], (long long)core->ints[u],
               (long long)reach->ints[u]);
    }
    free(order);
    clout_features_free(&F);
    clout_graph_free(&G);
    clout_finalize();
    return 0;
}
