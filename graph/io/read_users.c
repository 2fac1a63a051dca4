/* read_users.c: lists of users (seed sets, sources) and per-user weights (personalization) read
 * against a graph's user ids. Any of them may be gzip-compressed. */
#include "io_internal.h"
#include <errno.h>

/* The next line of t from *at (NUL bytes are data: a NUL inside a line is an error, not an end),
 * its bytes in [*s, *s + *len) without the line break. False at the end. */
static bool next_line(const clout_i_text *t, size_t *at, const char **s, size_t *len)
{
    if (*at >= t->len) return false;
    const char *p = t->data + *at, *nl = memchr(p, '\n', t->len - *at);
    size_t n = nl ? (size_t)(nl - p) : t->len - *at;
    *at += n + (nl != NULL);
    if (n && p[n - 1] == '\r') n--;
    *s = p;
    *len = n;
    return true;
}

/* Field k (0-based) of a line split at any byte of seps (runs count as one separator when
 * collapse). */
static bool field(const char *s, size_t len, const char *seps, bool collapse, int k, const char **f, size_t *flen)
{
    size_t i = 0;
    for (int j = 0;; j++) {
        if (collapse)
            while (i < len && strchr(seps, s[i])) i++;
        size_t start = i;
        while (i < len && !strchr(seps, s[i])) i++;
        if (j == k) {
            *f = s + start;
            *flen = i - start;
            return i > start || !collapse;
        }
        if (i >= len) return false;
        i++;
    }
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_i_text_free(&t);                                                            \
        FREE_PTR(v);                                                                      \
    } while (0)

int clout_read_users(const clout_graph *G, const char *path, int64_t **users, int64_t *n, char msg[CLOUT_MSG_LEN])
{
    clout_i_text t = {0};
    int64_t *v = NULL, cap = 64, k = 0, lineno = 0;
    TRY(clout_i_text_read(&t, path, msg));
    ALLOC_TRY(v, cap, int64_t);
    size_t at = 0, len, flen;
    const char *s, *f;
    int col = -1;
    if (t.len >= 3 && memcmp(t.data, "\xEF\xBB\xBF", 3) == 0) at = 3;
    while (next_line(&t, &at, &s, &len)) {
        lineno++;
        ASSERT_MSG(memchr(s, '\0', len) == NULL, CLOUT_ERR_DATA, "%s:%lld: a NUL byte inside a line", path,
                   (long long)lineno);
        if (lineno == 1 && memchr(s, ',', len)) {
            /* a CSV header (the table clout im writes): take the column named user */
            for (int j = 0; col < 0 && field(s, len, ",", false, j, &f, &flen); j++)
                if (flen == 4 && memcmp(f, "user", 4) == 0) col = j;
            ASSERT_MSG(col >= 0, CLOUT_ERR_DATA, "%s:1: a CSV user list needs a column named user", path);
            continue;
        }
        bool got = col >= 0 ? field(s, len, ",", false, col, &f, &flen) : field(s, len, " \t", true, 0, &f, &flen);
        if (!got || flen == 0 || f[0] == '#') continue;
        int64_t u = clout_idmap_find(G->users, f, flen);
        ASSERT_MSG(u >= 0, CLOUT_ERR_DATA, "%s:%lld: no user '%.*s' in the graph", path, (long long)lineno,
                   (int)(flen > 64 ? 64 : flen), f);
        if (k == cap) {
            int64_t *nv = clout_i_realloc(v, (size_t)(cap *= 2), sizeof(int64_t));
            ASSERT_MSG(nv != NULL, CLOUT_ERR_NOMEM, "out of memory reading %s", path);
            v = nv;
        }
        v[k++] = u;
    }
    ASSERT_MSG(k > 0, CLOUT_ERR_DATA, "%s: no users given", path);
    clout_i_text_free(&t);
    *users = v;
    *n = k;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL clout_i_text_free(&t)

int clout_read_user_weights(const clout_graph *G, const char *path, double *w, char msg[CLOUT_MSG_LEN])
{
    clout_i_text t = {0};
    TRY(clout_i_text_read(&t, path, msg));
    int64_t n = clout_graph_users(G), lineno = 0;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) w[i] = 0;
    size_t at = 0, len, flen, wlen;
    const char *s, *f, *wf;
    if (t.len >= 3 && memcmp(t.data, "\xEF\xBB\xBF", 3) == 0) at = 3;
    while (next_line(&t, &at, &s, &len)) {
        lineno++;
        ASSERT_MSG(memchr(s, '\0', len) == NULL, CLOUT_ERR_DATA, "%s:%lld: a NUL byte inside a line", path,
                   (long long)lineno);
        if (!field(s, len, " \t,", true, 0, &f, &flen) || f[0] == '#') continue;
        double x = 1;
        const char *why = NULL;
        if (field(s, len, " \t,", true, 1, &wf, &wlen) && !clout_i_parse_weight(wf, wlen, &x, &why))
            ERR(CLOUT_ERR_DATA, "%s:%lld: expected a weight >= 0, found '%.*s'", path, (long long)lineno,
                (int)(wlen > 40 ? 40 : wlen), wf);
        int64_t u = clout_idmap_find(G->users, f, flen);
        ASSERT_MSG(u >= 0, CLOUT_ERR_DATA, "%s:%lld: no user '%.*s' in the graph", path, (long long)lineno,
                   (int)(flen > 64 ? 64 : flen), f);
        w[u] += x;
        sum += x;
    }
    ASSERT_MSG(sum > 0 && isfinite(sum), CLOUT_ERR_DATA, "%s: the weights must have a positive, finite sum", path);
    FREE_ALL;
    return CLOUT_OK;
}
