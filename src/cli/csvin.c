/* csvin.c: reading the program's own CSV tables back (scores, observed influence, extra feature
 * columns, weights): a header row, then rows of as many cells; cells quoted as the table writer
 * quotes them ("..." with "" for a quote). One column is the key (the user id); every other column
 * is kept as numbers, or marked as text when a cell of it is not a number. */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cli_csv_free(cli_csv *t)
{
    if (t == NULL) return;
    for (int c = 0; c < t->ncols; c++) free(t->names[c]);
    free(t->names);
    free(t->numeric);
    for (int64_t r = 0; r < t->nrows; r++) free(t->keys[r]);
    free(t->keys);
    free(t->lines);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

/* split one line into cells (in place); returns the count, or -1 for a bad quote */
static int split(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return max + 1;
        if (*p == '"') {
            char *w = ++p, *start = p;
            for (;;) {
                if (*p == '\0') return -1;
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
            cells[n++] = start;
            if (*p == '\0') return n;
            if (*p != ',') return -1;
            p++;
        } else {
            cells[n++] = p;
            char *e = strchr(p, ',');
            if (e == NULL) return n;
            *e = '\0';
            p = e + 1;
        }
    }
}

static bool number(const char *s, double *v)
{
    if (*s == '\0') return false;
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' && isfinite(*v);
}

#define MAXCOLS 4096

int cli_csv_read(const char *path, const char *keycol, cli_csv *t, char msg[CLOUT_MSG_LEN])
{
    memset(t, 0, sizeof *t);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: is a directory; expected a CSV table", path);
        return CLOUT_ERR_NO_INPUT;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: %s", path, strerror(errno));
        return errno == ENOENT || errno == EACCES || errno == EISDIR ? CLOUT_ERR_NO_INPUT : CLOUT_ERR_IO;
    }
    char *line = NULL, **cells = malloc((MAXCOLS + 1) * sizeof(char *));
    size_t cap = 0;
    int64_t lineno = 0, rcap = 0;
    int s = cells ? CLOUT_OK : CLOUT_ERR_NOMEM, key = -1;
    ssize_t len;
    while (s >= 0 && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if ((size_t)len != strlen(line)) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: a NUL byte; expected a CSV table", path, (long long)lineno);
            s = CLOUT_ERR_DATA;
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        char *l = line;
        if (lineno == 1 && (unsigned char)l[0] == 0xef && (unsigned char)l[1] == 0xbb && (unsigned char)l[2] == 0xbf)
            l += 3;
        if (lineno > 1 && *l == '\0') continue;
        int n = split(l, cells, MAXCOLS);
        if (n < 0 || n > MAXCOLS) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: %s", path, (long long)lineno,
                     n < 0 ? "a badly quoted cell" : "more than 4096 columns");
            s = CLOUT_ERR_DATA;
            break;
        }
        if (lineno == 1) {
            t->ncols = n;
            t->names = calloc((size_t)n, sizeof(char *));
            t->numeric = malloc((size_t)n);
            if (!t->names || !t->numeric) {
                s = CLOUT_ERR_NOMEM;
                break;
            }
            memset(t->numeric, 1, (size_t)n);
            for (int c = 0; c < n && s >= 0; c++) {
                t->names[c] = strdup(cells[c]);
                if (!t->names[c]) s = CLOUT_ERR_NOMEM;
                if (keycol ? strcmp(cells[c], keycol) == 0 : strcmp(cells[c], "user") == 0) key = c;
            }
            if (s >= 0 && key < 0 && keycol) {
                snprintf(msg, CLOUT_MSG_LEN, "%s:1: no column '%s' in the header", path, keycol);
                s = CLOUT_ERR_DATA;
            }
            if (key < 0) key = 0;
            t->key = key;
            if (s >= 0 && n < 2) {
                snprintf(msg, CLOUT_MSG_LEN, "%s:1: expected a header of at least two columns (user,value)", path);
                s = CLOUT_ERR_DATA;
            }
            continue;
        }
        if (n != t->ncols) {
            snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: %d cells, expected %d as in the header", path, (long long)lineno, n,
                     t->ncols);
            s = CLOUT_ERR_DATA;
            break;
        }
        if (t->nrows == rcap) {
            rcap = rcap ? 2 * rcap : 1024;
            char **k = realloc(t->keys, (size_t)rcap * sizeof(char *));
            if (k) t->keys = k;
            int64_t *ln = k ? realloc(t->lines, (size_t)rcap * sizeof(int64_t)) : NULL;
            if (ln) t->lines = ln;
            double *v = ln ? realloc(t->vals, (size_t)rcap * (size_t)t->ncols * sizeof(double)) : NULL;
            if (v) t->vals = v;
            if (!k || !ln || !v) {
                s = CLOUT_ERR_NOMEM;
                break;
            }
        }
        t->keys[t->nrows] = strdup(cells[key]);
        if (t->keys[t->nrows] == NULL) {
            s = CLOUT_ERR_NOMEM;
            break;
        }
        t->lines[t->nrows] = lineno;
        for (int c = 0; c < n; c++) {
            double v = NAN;
            if (c != key && !number(cells[c], &v)) {
                t->numeric[c] = 0;
                v = NAN;
            }
            t->vals[t->nrows * t->ncols + c] = v;
        }
        t->nrows++;
    }
    if (s >= 0 && ferror(f)) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: read failed", path);
        s = CLOUT_ERR_IO;
    }
    if (s >= 0 && t->nrows == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: expected a header and at least one row", path, (long long)lineno + 1);
        s = CLOUT_ERR_DATA;
    }
    if (s == CLOUT_ERR_NOMEM) snprintf(msg, CLOUT_MSG_LEN, "%s: out of memory", path);
    if (t->numeric) t->numeric[t->key] = 0;
    free(line);
    free(cells);
    fclose(f);
    if (s < 0) cli_csv_free(t);
    return s;
}

int cli_csv_col(const cli_csv *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0) return c;
    return -1;
}

typedef struct {
    const char *key;
    int64_t row;
} keyed_row;

static int by_key_then_row(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

int cli_csv_index(const cli_csv *t, const char *path, int64_t **order, char msg[CLOUT_MSG_LEN])
{
    if (order) *order = NULL;
    keyed_row *ix = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof(keyed_row));
    int64_t *o = order ? malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof(int64_t)) : NULL;
    if (ix == NULL || (order && o == NULL)) {
        free(ix);
        free(o);
        snprintf(msg, CLOUT_MSG_LEN, "%s: out of memory", path);
        return CLOUT_ERR_NOMEM;
    }
    for (int64_t r = 0; r < t->nrows; r++) ix[r] = (keyed_row){t->keys[r], r};
    qsort(ix, (size_t)t->nrows, sizeof(keyed_row), by_key_then_row);
    /* the repeat that comes earliest in the file: a key's rows sort in file order, so a third
     * row of a key never comes before its second */
    int64_t first = -1, second = -1;
    for (int64_t r = 1; r < t->nrows; r++)
        if (strcmp(ix[r].key, ix[r - 1].key) == 0 && (second < 0 || ix[r].row < second)) {
            second = ix[r].row;
            first = ix[r - 1].row;
        }
    for (int64_t r = 0; o && r < t->nrows; r++) o[r] = ix[r].row;
    free(ix);
    if (second < 0) {
        if (order) *order = o;
        return CLOUT_OK;
    }
    free(o);
    snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: a second row for %s '%.64s' (the first on line %lld)", path,
             (long long)t->lines[second], t->names[t->key], t->keys[second], (long long)t->lines[first]);
    return CLOUT_ERR_DATA;
}

int cli_csv_unique(const cli_csv *t, const char *path, char msg[CLOUT_MSG_LEN])
{
    return cli_csv_index(t, path, NULL, msg);
}

int64_t cli_csv_bad_line(const cli_csv *t, int c)
{
    if (c == t->key) return 1;
    for (int64_t r = 0; r < t->nrows; r++)
        if (!isfinite(t->vals[r * t->ncols + c])) return t->lines[r];
    return 1;
}
