/* fuzz_csv.c: any bytes as one of the CSV tables the program reads back (src/cli/csvin.c: evaluate's
 * scores and truth, score's --extra, --target and --weights @FILE), read keyed by `user` (or the
 * first column) and by `feature`. Asserts that a refused table leaves nothing behind, and that an
 * accepted one is consistent: a header of at least two columns, at least one row, each row's line
 * after the previous one's, a column marked numeric exactly when every cell of it is a finite
 * number, the duplicate-key check and the bad-cell line within the file. */
#include "fuzz_common.h"
#include "cli.h"
#include <math.h>
#include <stdio.h>
#include <unistd.h>

static char path[64];

static void remove_file(void)
{
    if (path[0]) unlink(path);
}

static void check(const char *keycol, int64_t lines)
{
    cli_csv t;
    char msg[CLOUT_MSG_LEN] = "";
    int s = cli_csv_read(path, keycol, &t, msg);
    if (s < 0) {
        if (t.nrows != 0 || t.keys || t.vals || t.names || t.lines || msg[0] == '\0') abort();
        return;
    }
    if (t.ncols < 2 || t.nrows < 1 || t.key < 0 || t.key >= t.ncols || t.numeric[t.key]) abort();
    if (keycol && strcmp(t.names[t.key], keycol) != 0) abort();
    for (int64_t r = 0; r < t.nrows; r++) {
        if (t.keys[r] == NULL || t.lines[r] < 2 || t.lines[r] > lines) abort();
        if (r > 0 && t.lines[r] <= t.lines[r - 1]) abort();
    }
    for (int c = 0; c < t.ncols; c++) {
        if (c == t.key) continue;
        bool all = true;
        for (int64_t r = 0; r < t.nrows; r++) all = all && isfinite(t.vals[r * t.ncols + c]);
        if (all != (bool)t.numeric[c]) abort();
        int64_t bad = cli_csv_bad_line(&t, c);
        if (all ? bad != 1 : (bad < 2 || bad > t.lines[t.nrows - 1])) abort();
        int found = cli_csv_col(&t, t.names[c]);
        if (found < 0 || strcmp(t.names[found], t.names[c]) != 0) abort();
    }
    msg[0] = '\0';
    s = cli_csv_unique(&t, path, msg);
    if (s != CLOUT_OK && (s != CLOUT_ERR_DATA || strncmp(msg, path, strlen(path)) != 0)) abort();
    /* the check against a quadratic scan: a repeat exactly when two rows share a key */
    bool repeat = false;
    for (int64_t a = 0; a < t.nrows && !repeat && t.nrows <= 2048; a++)
        for (int64_t b = a + 1; b < t.nrows && !repeat; b++) repeat = strcmp(t.keys[a], t.keys[b]) == 0;
    if (t.nrows <= 2048 && repeat != (s != CLOUT_OK)) abort();
    cli_csv_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size > 65536) return 0;
    if (path[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%.40s/fuzz_csv.XXXXXX", dir && strlen(dir) <= 40 ? dir : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0) abort();
        close(fd);
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
    int64_t lines = 0;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    lines += size > 0 && data[size - 1] != '\n';
    check(NULL, lines);
    check("feature", lines);
    return 0;
}
