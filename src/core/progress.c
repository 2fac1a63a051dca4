/* progress.c: progress reports and interruption, as callbacks the program installs (igraph's
 * model): the library never draws anything itself. Long loops report through
 * clout_i_progress_update, which also asks the interruption handler whether to stop. */
#include "core_internal.h"

static clout_progress_handler progress_fn;
static void *progress_ctx;
static clout_interruption_handler interrupt_fn;
static void *interrupt_ctx;

void clout_set_progress_handler(clout_progress_handler fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
}

void clout_set_interruption_handler(clout_interruption_handler fn, void *ctx)
{
    interrupt_fn = fn;
    interrupt_ctx = ctx;
}

bool clout_i_interrupted(void)
{
    return interrupt_fn != NULL && interrupt_fn(interrupt_ctx);
}

/* the interruption handler's last answer in this thread's loop, and when it was asked */
static _Thread_local double last_ask = -1;
static _Thread_local bool stop;

struct clout_i_progress {
    char phase[64];
    char unit[16];
    double total, start, last;
    bool reported;
};

clout_i_progress *clout_i_progress_start(const char *phase, double total, const char *unit)
{
    last_ask = -1; /* a new loop asks at its first update */
    stop = false;
    if (progress_fn == NULL) return NULL;
    clout_i_progress *p = calloc(1, sizeof(*p)); /* not clout_i_calloc: progress is never an error */
    if (p == NULL) return NULL;
    snprintf(p->phase, sizeof p->phase, "%s", phase);
    snprintf(p->unit, sizeof p->unit, "%s", unit ? unit : "");
    p->total = total;
    p->start = p->last = clout_i_now();
    /* the phase's announcement: done 0 at second 0 (its end is always reported) */
    p->reported = true;
    progress_fn(p->phase, 0, total, p->unit, 0, progress_ctx);
    return p;
}

bool clout_i_progress_update(clout_i_progress *p, double done)
{
    if (p == NULL && interrupt_fn == NULL) return false; /* nothing to tell, nobody to ask */
    double now = clout_i_now();
    if (p != NULL && now - p->last >= 0.2) { /* at most 5 reports a second */
        p->last = now;
        p->reported = true;
        progress_fn(p->phase, done, p->total, p->unit, now - p->start, progress_ctx);
    }
    /* the interruption handler at most every 5 ms of this thread's loop (a handler in Python
     * costs microseconds); a yes is remembered until the next call of another loop starts */
    if (interrupt_fn == NULL) return false;
    if (now - last_ask >= 0.005 || now < last_ask) {
        last_ask = now;
        stop = interrupt_fn(interrupt_ctx);
    }
    return stop;
}

void clout_i_progress_end(clout_i_progress *p)
{
    if (p == NULL) return;
    if (p->reported) progress_fn(p->phase, -1, p->total, p->unit, clout_i_now() - p->start, progress_ctx);
    free(p);
}

void clout_i_progress_tick(clout_i_progress *p, int64_t *done, int64_t add, bool *stop)
{
    int64_t d = __atomic_add_fetch(done, add, __ATOMIC_RELAXED);
    if (omp_get_thread_num() == 0 && clout_i_progress_update(p, (double)d)) __atomic_store_n(stop, true, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- the process's place in a distributed run */

static clout_partition partition = {0, 1, NULL, NULL, NULL, NULL, NULL};

void clout_set_partition(const clout_partition *p)
{
    if (p == NULL || p->size <= 1 || p->sum_i64 == NULL || p->rank < 0 || p->rank >= p->size)
        partition = (clout_partition){0, 1, NULL, NULL, NULL, NULL, NULL};
    else
        partition = *p;
}

const clout_partition *clout_i_partition(void) { return &partition; }

void clout_i_part_block(int64_t total, int64_t *lo, int64_t *hi)
{
    *lo = total * partition.rank / partition.size;
    *hi = total * (partition.rank + 1) / partition.size;
}

int clout_i_part_sum(int64_t *buf, int64_t n)
{
    if (partition.size <= 1) return CLOUT_OK;
    return partition.sum_i64(partition.ctx, buf, n) < 0 ? CLOUT_ERR_INTERNAL : CLOUT_OK;
}
