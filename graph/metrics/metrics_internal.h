/* metrics_internal.h: the metrics floor's internals (graph/metrics/), not installed. */
#ifndef CLOUT_METRICS_INTERNAL_H
#define CLOUT_METRICS_INTERNAL_H
#include "store_internal.h"

/* PageRank of the ties of S (n x n), as clout_pagerank on a graph whose social matrix is S: the
 * public call runs it on G->S, the PageRank seed baseline on G's cached transpose. given (NULL:
 * none): S's relabelled transpose already in its ngiven blocks (kept in the snapshot), used as
 * they are instead of building them. */
int clout_i_pagerank_of(GrB_Matrix S, bool symmetric, const GrB_Matrix *given, int ngiven, int64_t n, double damping,
                        double tol, int max_iter, const double *personal, double *rank, int *iters, double *prep_seconds,
                        char msg[CLOUT_MSG_LEN]);

/* Betweenness: how many buffers beyond one a thread the threads may make in all; -1 (the
 * default): as many as fit in 256 MB, at least one more a thread. Tests set 0, so that every
 * thread whose chunk is ahead waits for the earlier ones. */
extern int64_t clout_i_betweenness_extra_max;

#endif
