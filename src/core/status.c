/* status.c: status codes, messages, checked allocation. */
#include "core_internal.h"
#include <unistd.h>
#include <igraph.h>
#include <sys/mman.h>
#include <time.h>

void clout_i_setmsg(char msg[CLOUT_MSG_LEN], const char *fmt, ...)
{
    if (msg == NULL) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, CLOUT_MSG_LEN, fmt, ap);
    va_end(ap);
}

int64_t clout_i_alloc_countdown = 0;
bool clout_i_alloc_inject_graphblas = false;

/* failure injection for the out-of-memory tests: off (0) in normal runs */
static inline bool injected_failure(void)
{
    if (CLOUT_LIKELY(__atomic_load_n(&clout_i_alloc_countdown, __ATOMIC_RELAXED) == 0)) return false;
    return __atomic_sub_fetch(&clout_i_alloc_countdown, 1, __ATOMIC_RELAXED) <= 0 &&
           (__atomic_store_n(&clout_i_alloc_countdown, -1, __ATOMIC_RELAXED), true);
}

/* GraphBLAS's allocator (GxB_init): the C library's, with the same failure injection when the
 * tests ask for it */
void *clout_i_grb_malloc(size_t n)
{
    if (CLOUT_UNLIKELY(clout_i_alloc_inject_graphblas) && injected_failure()) return NULL;
    return malloc(n);
}
void *clout_i_grb_calloc(size_t n, size_t size)
{
    if (CLOUT_UNLIKELY(clout_i_alloc_inject_graphblas) && injected_failure()) return NULL;
    return calloc(n, size);
}
void *clout_i_grb_realloc(void *p, size_t n)
{
    if (CLOUT_UNLIKELY(clout_i_alloc_inject_graphblas) && injected_failure()) return NULL;
    return realloc(p, n);
}

void *clout_i_malloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) return NULL;
    if (injected_failure()) return NULL;
    size_t bytes = n * size;
    return malloc(bytes == 0 ? 1 : bytes);
}

void *clout_i_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) return NULL;
    if (injected_failure()) return NULL;
    return calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
}

void *clout_i_realloc(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) return NULL;
    if (injected_failure()) return NULL;
    size_t bytes = n * size;
    return realloc(p, bytes == 0 ? 1 : bytes);
}

void clout_i_prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    /* one system call maps the pages instead of one trap per page on first touch (expensive on
     * virtual machines); an older kernel says EINVAL and the pages fault in as usual */
    if (p == NULL || bytes < (64u << 10)) return;
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (e > a) madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

void clout_i_prefault_part(void *p, size_t bytes, int part, int parts)
{
    if (p == NULL || parts < 1 || part < 0 || part >= parts) return;
    size_t lo = bytes / (size_t)parts * (size_t)part, hi = part == parts - 1 ? bytes : bytes / (size_t)parts * (size_t)(part + 1);
    clout_i_prefault((char *)p + lo, hi - lo);
}

char *clout_i_strdup(const char *s)
{
    if (s == NULL) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

double clout_i_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double clout_now(void)
{
    return clout_i_now();
}

const char *clout_status_name(int status)
{
    switch (status) {
    case CLOUT_OK: return "ok";
    case CLOUT_WARN_SKIPPED_LINES: return "bad lines skipped";
    case CLOUT_WARN_THREADS: return "thread count lowered";
    case CLOUT_ERR_INVALID: return "invalid argument";
    case CLOUT_ERR_DATA: return "bad data";
    case CLOUT_ERR_NO_INPUT: return "missing input";
    case CLOUT_ERR_IO: return "I/O error";
    case CLOUT_ERR_NOMEM: return "out of memory";
    case CLOUT_ERR_INTERNAL: return "internal error";
    case CLOUT_ERR_GRAPHBLAS: return "GraphBLAS error";
    case CLOUT_ERR_IGRAPH: return "igraph error";
    case CLOUT_ERR_NOT_CACHED: return "not cached";
    case CLOUT_ERR_NOT_CONVERGED: return "did not converge";
    case CLOUT_ERR_INTERRUPTED: return "interrupted";
    default: return status > 0 ? "warning" : "error";
    }
}

int clout_status_from_grb(int info)
{
    if (info == GrB_SUCCESS || info == GrB_NO_VALUE) return CLOUT_OK;
    switch (info) {
    case GrB_OUT_OF_MEMORY: return CLOUT_ERR_NOMEM;
    case GrB_INVALID_VALUE:
    case GrB_INVALID_INDEX:
    case GrB_DIMENSION_MISMATCH:
    case GrB_DOMAIN_MISMATCH:
    case GrB_NULL_POINTER: return CLOUT_ERR_INVALID;
    default: return CLOUT_ERR_GRAPHBLAS;
    }
}

int clout_status_from_igraph(int err)
{
    if (err == IGRAPH_SUCCESS) return CLOUT_OK;
    switch (err) {
    case IGRAPH_ENOMEM: return CLOUT_ERR_NOMEM;
    case IGRAPH_EINVAL: return CLOUT_ERR_INVALID;
    case IGRAPH_PARSEERROR: return CLOUT_ERR_DATA;
    case IGRAPH_EFILE: return CLOUT_ERR_IO;
    case IGRAPH_INTERRUPTED: return CLOUT_ERR_INTERRUPTED;
    default: return CLOUT_ERR_IGRAPH;
    }
}

void clout_free(void *p)
{
    free(p);
}

/* The memory limit: work whose estimate exceeds it is refused before it starts. 0 until set or
 * first asked for: then 80% of the machine's physical memory. */
static double mem_limit;

void clout_set_memory_limit(double bytes)
{
    mem_limit = bytes > 0 ? bytes : 0;
}

double clout_memory_limit(void)
{
    if (mem_limit > 0) return mem_limit;
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? 0.8 * (double)pages * (double)size : 1e15;
}

int clout_memory_fits(double bytes, const char *what, int status, char msg[CLOUT_MSG_LEN])
{
    double limit = clout_memory_limit();
    if (bytes <= limit) return CLOUT_OK; /* NaN and infinity do not fit either */
    clout_i_setmsg(msg, "%s would need about %.3g GB, more than the memory limit of %.3g GB", what, bytes / 1e9,
                   limit / 1e9);
    return status;
}
