/* launch.c: the clout command. OpenMP's wait policy and glibc's malloc tunables are read when the
 * libraries load, so they cannot be set from inside the process that uses them. This launcher,
 * which loads nothing but libc, sets them (OMP_WAIT_POLICY=PASSIVE: OpenMP's default spinning has
 * slowed 2-thread runs 10-20x while another process held a core; glibc.malloc.hugetlb=1: fewer
 * page faults) unless the caller did, then runs clout-core from its own directory. That costs
 * one cheap exec instead of loading GraphBLAS, igraph and OpenBLAS twice. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc;
    if (getenv("OMP_WAIT_POLICY") == NULL) setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    if (getenv("GLIBC_TUNABLES") == NULL) setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1);
    setenv("CLOUT_ENV_SET", "1", 1);
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 16);
    if (n <= 0) {
        fprintf(stderr, "clout: cannot find its own executable: %s\n", strerror(errno));
        return 70;
    }
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, "clout-core");
    execv(path, argv);
    fprintf(stderr, "clout: cannot run %s: %s\n", path, strerror(errno));
    return 70;
}
