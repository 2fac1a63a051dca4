/* outfile.c: atomic output files (temporary file in the target folder, renamed on commit). */
#include "core_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary files open now, so a program's signal handler can remove them
 * (clout_outfile_remove_temporaries); slots are claimed and released atomically. */
#define MAX_TEMPS 64
static char *temps[MAX_TEMPS];

static void track(char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *none = NULL;
        if (__atomic_compare_exchange_n(&temps[i], &none, path, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return;
    }
}

static void untrack(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *p = (char *)path;
        if (__atomic_compare_exchange_n(&temps[i], &p, NULL, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return;
    }
}

void clout_outfile_remove_temporaries(void)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *p = __atomic_load_n(&temps[i], __ATOMIC_SEQ_CST);
        if (p != NULL) unlink(p);
    }
}

#undef FREE_ALL
#define FREE_ALL clout_outfile_abort(out)

/* 1 MiB writes instead of the block size's: a large table is written in a few hundred calls */
static void big_buffer(clout_outfile *out)
{
    out->buf = clout_i_malloc(1 << 20, 1);
    if (out->buf && setvbuf(out->f, out->buf, _IOFBF, 1 << 20) != 0) FREE_PTR(out->buf);
}

int clout_outfile_open(clout_outfile *out, const char *path, char msg[CLOUT_MSG_LEN])
{
    out->f = NULL;
    out->tmp_path = out->path = out->buf = NULL;
    if (path == NULL || strcmp(path, "-") == 0) {
        out->f = stdout;
        return CLOUT_OK;
    }
    /* a device or pipe (/dev/null, /dev/stdout, a FIFO) is written directly: there is nothing
     * to replace atomically, and renaming over it would destroy it */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        ASSERT_MSG(!S_ISDIR(st.st_mode), CLOUT_ERR_IO, "%s: is a directory", path);
        out->f = fopen(path, "wb");
        ASSERT_MSG(out->f != NULL, CLOUT_ERR_IO, "%s: cannot open for writing: %s", path, strerror(errno));
        big_buffer(out);
        return CLOUT_OK;
    }
    out->path = clout_i_strdup(path);
    size_t n = strlen(path) + 32;
    out->tmp_path = clout_i_malloc(n, 1);
    ASSERT_MSG(out->path && out->tmp_path, CLOUT_ERR_NOMEM, "out of memory");
    /* Same folder as the target, so the final rename stays on one file system; the name keeps at
     * most 200 bytes of the target's, so a target named up to the file system's limit works */
    const char *base = strrchr(path, '/');
    size_t dir = base ? (size_t)(base + 1 - path) : 0, blen = strlen(path + dir);
    snprintf(out->tmp_path, n, "%.*s%.*s.tmp.XXXXXX", (int)dir, path, (int)(blen > 200 ? 200 : blen), path + dir);
    int fd = mkstemp(out->tmp_path);
    if (fd < 0) {
        int e = errno;
        FREE_PTR(out->tmp_path);
        ERR(CLOUT_ERR_IO, "%s: cannot create output file: %s", path, strerror(e));
    }
    track(out->tmp_path);
    /* the mode a plain creation would give (0666 less the umask), or the replaced file's own */
    struct stat old;
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, stat(path, &old) == 0 ? (old.st_mode & 07777) : (0666 & ~mask));
    out->f = fdopen(fd, "wb");
    if (out->f == NULL) {
        close(fd);
        ERR(CLOUT_ERR_IO, "%s: cannot open output file: %s", path, strerror(errno));
    }
    big_buffer(out);
    return CLOUT_OK;
}

int clout_outfile_commit(clout_outfile *out, char msg[CLOUT_MSG_LEN])
{
    if (out->f != NULL && out->f != stdout && out->tmp_path == NULL) {
        /* a device or pipe opened directly */
        FILE *f = out->f;
        out->f = NULL;
        bool ok = fflush(f) == 0 && !ferror(f);
        int e = errno;
        if (fclose(f) != 0) ok = false;
        FREE_PTR(out->buf);
        if (!ok) ERR(CLOUT_ERR_IO, "write failed: %s", strerror(e));
        return CLOUT_OK;
    }
    if (out->f == stdout) {
        out->f = NULL;
        if (fflush(stdout) != 0 || ferror(stdout))
            ERR(CLOUT_ERR_IO, "error writing to standard output: %s", strerror(errno));
        return CLOUT_OK;
    }
    /* an interruption asked for before the output is in place leaves the target untouched */
    ASSERT_MSG(!clout_i_interrupted(), CLOUT_ERR_INTERRUPTED, "interrupted: %s left as it was", out->path);
    FILE *f = out->f;
    out->f = NULL;
    bool ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    FREE_PTR(out->buf);
    if (!ok) ERR(CLOUT_ERR_IO, "%s: write failed: %s", out->path, strerror(e));
    if (rename(out->tmp_path, out->path) != 0)
        ERR(CLOUT_ERR_IO, "%s: cannot rename temporary file into place: %s", out->path,
            strerror(errno));
    untrack(out->tmp_path);
    FREE_PTR(out->tmp_path);
    FREE_PTR(out->path);
    return CLOUT_OK;
}

void clout_outfile_abort(clout_outfile *out)
{
    if (out->f != NULL && out->f != stdout) fclose(out->f);
    if (out->f == stdout) fflush(stdout);
    FREE_PTR(out->buf);
    out->f = NULL;
    if (out->tmp_path != NULL) {
        unlink(out->tmp_path);
        untrack(out->tmp_path);
    }
    FREE_PTR(out->tmp_path);
    FREE_PTR(out->path);
}
