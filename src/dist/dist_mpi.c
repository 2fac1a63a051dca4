/* dist_mpi.c: the distributed layer on MPI (OpenMPI on Debian). MPI starts only under mpirun;
 * the program's threads never call MPI (MPI_THREAD_FUNNELED: only the main thread does). A rank
 * that dies makes mpirun end the others (OpenMPI's default), so no rank waits forever in a
 * collective. */
#include "dist.h"
#include "clout.h"
#include <mpi.h>
#include <unistd.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static int started, rank_, size_ = 1;
/* what this rank contributed to sums and gathers (CLOUT_DIST_STATS=1 prints it at the end) */
static int64_t sums, sum_bytes, gathers, gather_bytes;

void cli_dist_init(int *argc, char ***argv)
{
    if (getenv("OMPI_COMM_WORLD_SIZE") == NULL && getenv("PMI_SIZE") == NULL && getenv("PMIX_RANK") == NULL) return;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return;
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    /* ranks that share a machine share its cores: unless OMP_NUM_THREADS or --threads says
     * otherwise, each takes its part of them (results do not depend on it) */
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (local != NULL && getenv("OMP_NUM_THREADS") == NULL) {
        int l = atoi(local), t = l > 0 ? omp_get_num_procs() / l : 0;
        char msg[CLOUT_MSG_LEN];
        clout_set_threads(t >= 1 ? t : 1, msg);
    }
}

void cli_dist_finalize(void)
{
    if (started && getenv("CLOUT_DIST_STATS") != NULL)
        fprintf(stderr, "clout: rank %d of %d: %lld sums of %lld bytes, %lld gathers of %lld bytes\n", rank_, size_,
                (long long)sums, (long long)sum_bytes, (long long)gathers, (long long)gather_bytes);
    if (started) MPI_Finalize();
    started = 0;
}

int cli_dist_rank(void) { return rank_; }
int cli_dist_size(void) { return size_; }
bool cli_dist_built(void) { return true; }

void cli_dist_range(int64_t total, int64_t *first, int64_t *count)
{
    int64_t lo = total * rank_ / size_, hi = total * (rank_ + 1) / size_;
    *first = lo;
    *count = hi - lo;
}

int cli_dist_agree(int status, int *printer)
{
    if (size_ == 1) {
        *printer = status < 0 ? 0 : -1;
        return status;
    }
    int in[2] = {status < 0 ? status : 0, status < 0 ? rank_ : size_}, worst = 0, first = size_;
    MPI_Allreduce(&in[0], &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&in[1], &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    *printer = first < size_ ? first : -1;
    return worst < 0 ? worst : status;
}

int cli_dist_gather_i64(const int64_t *local, int64_t count, int64_t *all, int64_t total)
{
    if (size_ == 1) {
        for (int64_t i = 0; i < count && i < total; i++) all[i] = local[i];
        return CLOUT_OK;
    }
    gathers++;
    gather_bytes += count * 8;
    /* in chunks of at most 2^27 items: MPI counts are int */
    const int64_t chunk = (int64_t)1 << 27;
    int *cnt = malloc((size_t)size_ * sizeof(int)), *disp = malloc((size_t)size_ * sizeof(int));
    if (cnt == NULL || disp == NULL) {
        free(cnt);
        free(disp);
        return CLOUT_ERR_NOMEM;
    }
    int s = CLOUT_OK;
    for (int64_t base = 0; s == CLOUT_OK && base < total; base += chunk * size_) {
        /* round q: every rank sends its items q chunk .. (q + 1) chunk of its own block */
        int64_t q = base / (chunk * size_);
        int64_t mine = count - q * chunk;
        mine = mine < 0 ? 0 : mine > chunk ? chunk : mine;
        int m = (int)mine;
        if (MPI_Gather(&m, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD) != MPI_SUCCESS) s = CLOUT_ERR_INTERNAL;
        int64_t *dst = NULL;
        if (rank_ == 0 && s == CLOUT_OK) {
            /* rank r's block starts at total r / size */
            int64_t off = 0;
            for (int r = 0; r < size_; r++) disp[r] = 0, off += cnt[r];
            dst = malloc((size_t)(off ? off : 1) * sizeof(int64_t));
            if (dst == NULL) s = CLOUT_ERR_NOMEM;
            off = 0;
            for (int r = 0; r < size_; r++) disp[r] = (int)off, off += cnt[r];
        }
        if (MPI_Gatherv(local + q * chunk, m, MPI_INT64_T, dst, cnt, disp, MPI_INT64_T, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
            s = CLOUT_ERR_INTERNAL;
        if (rank_ == 0 && dst != NULL) {
            for (int r = 0; r < size_; r++) {
                int64_t start = total * r / size_ + q * chunk;
                for (int i = 0; i < cnt[r]; i++) all[start + i] = dst[disp[r] + i];
            }
        }
        free(dst);
    }
    free(cnt);
    free(disp);
    return s;
}

int cli_dist_sum_i64(int64_t *buf, int64_t n)
{
    if (size_ == 1) return CLOUT_OK;
    sums++;
    sum_bytes += n * 8;
    const int64_t chunk = (int64_t)1 << 27;
    for (int64_t i = 0; i < n; i += chunk) {
        int c = (int)(n - i < chunk ? n - i : chunk);
        if (MPI_Allreduce(MPI_IN_PLACE, buf + i, c, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS)
            return CLOUT_ERR_INTERNAL;
    }
    return CLOUT_OK;
}

static int sum_i64(void *ctx, int64_t *buf, int64_t n)
{
    (void)ctx;
    return cli_dist_sum_i64(buf, n);
}

/* doubles in chunks of 2^27 (MPI counts are int) */
#define F64_CHUNK ((int64_t)1 << 27)

static int send_f64(void *ctx, int to, const double *buf, int64_t n)
{
    (void)ctx;
    gathers++;
    gather_bytes += n * 8;
    for (int64_t i = 0; i < n; i += F64_CHUNK) {
        int c = (int)(n - i < F64_CHUNK ? n - i : F64_CHUNK);
        if (MPI_Send(buf + i, c, MPI_DOUBLE, to, 17, MPI_COMM_WORLD) != MPI_SUCCESS) return CLOUT_ERR_INTERNAL;
    }
    return CLOUT_OK;
}

static int recv_f64(void *ctx, int from, double *buf, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i += F64_CHUNK) {
        int c = (int)(n - i < F64_CHUNK ? n - i : F64_CHUNK);
        if (MPI_Recv(buf + i, c, MPI_DOUBLE, from, 17, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return CLOUT_ERR_INTERNAL;
    }
    return CLOUT_OK;
}

static int bcast_f64(void *ctx, int root, double *buf, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i += F64_CHUNK) {
        int c = (int)(n - i < F64_CHUNK ? n - i : F64_CHUNK);
        if (MPI_Bcast(buf + i, c, MPI_DOUBLE, root, MPI_COMM_WORLD) != MPI_SUCCESS) return CLOUT_ERR_INTERNAL;
    }
    return CLOUT_OK;
}

void cli_dist_partition(void)
{
    if (size_ <= 1) return;
    clout_partition p = {rank_, size_, sum_i64, send_f64, recv_f64, bcast_f64, NULL};
    clout_set_partition(&p);
}

int cli_dist_fail(int code, const char *msg)
{
    if (size_ <= 1) return code;
    fprintf(stderr, "clout: rank %d of %d: %s\n", rank_, size_, msg && *msg ? msg : "failed");
    fflush(stderr);
    /* one abort at a time: when every rank fails alike, rank 0's ends the job and the others
     * never call theirs (OpenMPI's mpirun has died of SIGSEGV handling two at once); a rank
     * failing alone still ends the job within a second */
    if (rank_ != 0) usleep(500000);
    MPI_Abort(MPI_COMM_WORLD, code);
    return code;
}
