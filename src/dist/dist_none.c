/* dist_none.c: the distributed layer of a build without MPI: always one process. */
#include "dist.h"
#include "clout.h"

void cli_dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}
void cli_dist_finalize(void) {}
int cli_dist_rank(void) { return 0; }
int cli_dist_size(void) { return 1; }
bool cli_dist_built(void) { return false; }
void cli_dist_range(int64_t total, int64_t *first, int64_t *count)
{
    *first = 0;
    *count = total;
}
int cli_dist_agree(int status, int *printer)
{
    *printer = status < 0 ? 0 : -1;
    return status;
}
int cli_dist_gather_i64(const int64_t *local, int64_t count, int64_t *all, int64_t total)
{
    for (int64_t i = 0; i < count && i < total; i++) all[i] = local[i];
    return CLOUT_OK;
}
int cli_dist_sum_i64(int64_t *buf, int64_t n)
{
    (void)buf;
    (void)n;
    return CLOUT_OK;
}
void cli_dist_partition(void) {}
int cli_dist_fail(int code, const char *msg)
{
    (void)msg;
    return code;
}
