/* threads.c: library start-up and one thread count for OpenMP, GraphBLAS and OpenBLAS. */
#include "core_internal.h"
#include <pthread.h>
#include <cblas.h>
#include <igraph.h>
#include <omp.h>

static int clout_threads = 1;

static pthread_mutex_t igraph_lock = PTHREAD_MUTEX_INITIALIZER;

void clout_i_igraph_lock(void)
{
    pthread_mutex_lock(&igraph_lock);
}

void clout_i_igraph_unlock(void)
{
    pthread_mutex_unlock(&igraph_lock);
}

/* igraph asks this during its long calls (betweenness): clout's interruption handler decides */
static igraph_error_t igraph_interrupt(void *data)
{
    (void)data;
    return clout_i_interrupted() ? IGRAPH_INTERRUPTED : IGRAPH_SUCCESS;
}

int clout_init(char msg[CLOUT_MSG_LEN])
{
    if (msg) msg[0] = '\0';
    /* igraph's default handler aborts the process; errors are returned and mapped instead. */
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_set_interruption_handler(igraph_interrupt);
    GrB_Info info = GxB_init(GrB_NONBLOCKING, clout_i_grb_malloc, clout_i_grb_calloc, clout_i_grb_realloc, free);
    if (info != GrB_SUCCESS) {
        clout_i_setmsg(msg, "GraphBLAS failed to start (GrB_init returned %d)", (int)info);
        return clout_status_from_grb((int)info);
    }
    clout_threads = omp_get_max_threads();
    /* OMP_NUM_THREADS far beyond the machine (100000) makes libgomp fail while starting a team:
     * such a request becomes the processor count, and the caller is warned (results do not depend
     * on the thread count) */
    int procs = omp_get_num_procs();
    if (clout_threads > 4096) {
        int asked = clout_threads;
        clout_threads = procs;
        omp_set_num_threads(procs);
        GxB_Global_Option_set(GxB_GLOBAL_NTHREADS, procs);
        openblas_set_num_threads(procs);
        clout_i_setmsg(msg, "%d threads asked for (OMP_NUM_THREADS?); using the %d processors", asked, procs);
        return CLOUT_WARN_THREADS;
    }
    return CLOUT_OK;
}

int clout_finalize(void)
{
    GrB_finalize();
    return CLOUT_OK;
}

int clout_set_threads(int n, char msg[CLOUT_MSG_LEN])
{
    if (n < 1 || n > 4096) {
        clout_i_setmsg(msg, "thread count must be between 1 and 4096, got %d", n);
        return CLOUT_ERR_INVALID;
    }
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
    GrB_Info info = GxB_Global_Option_set(GxB_GLOBAL_NTHREADS, n);
    if (info != GrB_SUCCESS) {
        clout_i_setmsg(msg, "GraphBLAS refused %d threads (error %d)", n, (int)info);
        return clout_status_from_grb((int)info);
    }
    clout_threads = n;
    return CLOUT_OK;
}

int clout_get_threads(void)
{
    return clout_threads;
}
