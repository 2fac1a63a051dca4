/* dist.h: the program's distributed layer (src/dist/): one process per MPI rank under mpirun,
 * work split by global index so every rank draws exactly what one process would, results
 * combined on rank 0, which alone writes output. Built with MPI when meson finds it
 * (-Dmpi=auto|enabled|disabled; dist_mpi.c), else as one process (dist_none.c); mpi.h never
 * enters clout.h or any other header. Outside mpirun the program is one process either way. */
#ifndef CLOUT_DIST_H
#define CLOUT_DIST_H
#include <stdbool.h>
#include <stdint.h>

/* Start MPI when the program runs under mpirun (OpenMPI's or PMI's environment is set). */
void cli_dist_init(int *argc, char ***argv);
void cli_dist_finalize(void);
int cli_dist_rank(void);
int cli_dist_size(void);
/* Whether the build has MPI. */
bool cli_dist_built(void);
/* This rank's block of total items: [*first, *first + *count), blocks in rank order. */
void cli_dist_range(int64_t total, int64_t *first, int64_t *count);
/* Every rank's status combined: the most negative (an error) wins, else the local one; *printer
 * is the lowest rank that failed (it alone reports the error), or -1. Collective. */
int cli_dist_agree(int status, int *printer);
/* Rank 0 receives every rank's count items in rank order into all (total items); collective.
 * CLOUT_ERR_INTERNAL when MPI fails. */
int cli_dist_gather_i64(const int64_t *local, int64_t count, int64_t *all, int64_t total);
/* Sum of a vector over the ranks, into every rank's buf. */
int cli_dist_sum_i64(int64_t *buf, int64_t n);
/* A failure inside a computation that exchanges data with the other ranks (one rank out of
 * memory, say): the others may be waiting in a collective this rank will never join, so it
 * reports "clout: rank R of N: msg" and ends the whole job at once with exit code (MPI_Abort).
 * Only for runs of several ranks; returns code when there is one. */
int cli_dist_fail(int code, const char *msg);
/* Tell the library this process's place (clout_set_partition), so IMM and OPIM-C split their RR
 * sets over the ranks and sum the greedy counts; nothing with one process. */
void cli_dist_partition(void);
#endif
