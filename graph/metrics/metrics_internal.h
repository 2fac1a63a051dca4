/* metrics_internal.h: the metrics floor's internals (graph/metrics/), not installed. */
#ifndef CLOUT_METRICS_INTERNAL_H
#define CLOUT_METRICS_INTERNAL_H
#include "store_internal.h"

/* PageRank of the ties of S (n x n), as clout_pagerank on a graph whose social matrix is S: the
 * public call runs it on G->S, the PageRank seed baseline on G's cached transpose. */
int clout_i_pagerank_of(GrB_Matrix S, bool symmetric, int64_t n, double damping, double tol, int max_iter,
                        const double *personal, double *rank, int *iters, double *prep_seconds, char msg[CLOUT_MSG_LEN]);

#endif
