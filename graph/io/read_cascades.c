/* read_cascades.c: cascade files, one cascade per line: `seed u1 t1 u2 t2 ...`.
 * Cascade k (0-based, in file order) becomes item <prefix>k; the seed adopts it at time 0 and
 * each ui at time ti, with weight 1. */
#include "io_internal.h"
#include <math.h>

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        free(itembuf);                                                                    \
        clout_i_progress_end(prog);                                                         \
    } while (0)

#define BAD(...)                                                                          \
    do {                                                                                  \
        snprintf(why_buf, sizeof why_buf, __VA_ARGS__);                                   \
        goto bad_line;                                                                    \
    } while (0)

static int push(clout_builder *b, int64_t u, int64_t it, double t, char msg[CLOUT_MSG_LEN])
{
    if (b->ni == b->icap) {
        int s = clout_i_builder_reserve_inter(b, b->icap ? b->icap : 4096, msg);
        if (s < 0) return s;
    }
    b->iu[b->ni] = u;
    b->ii[b->ni] = it;
    b->iw[b->ni] = 1.0f;
    b->it[b->ni] = t;
    b->ia[b->ni] = -1;
    b->ni++;
    return CLOUT_OK;
}

static const char *next_tok(const char **p, const char *le, size_t *len)
{
    const char *q = *p;
    while (q < le && (*q == ' ' || *q == '\t' || *q == ',')) q++;
    const char *t = q;
    while (q < le && *q != ' ' && *q != '\t' && *q != ',') q++;
    *p = q;
    *len = (size_t)(q - t);
    return *len ? t : NULL;
}

static int read_cascades_text(clout_builder *b, const char *name, const char *data, size_t len,
                              const char *prefix, bool skip_bad, char msg[CLOUT_MSG_LEN])
{
    clout_i_progress *prog = NULL;
    char *itembuf = NULL;
    double t0 = clout_i_now();
    size_t plen = strlen(prefix);
    ALLOC_TRY(itembuf, plen + 32, char);
    memcpy(itembuf, prefix, plen);
    const char *p = data, *end = data + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) p += 3; /* a UTF-8 byte-order mark is no id */
    int64_t lineno = 0, cascades = 0, bad = 0, first_bad_line = 0, acts = 0;
    char why_buf[240], first_bad[240] = "";
    int64_t ni_start = b->ni;
    prog = clout_i_progress_start("reading cascades", (double)len, "B");
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL) eol = end;
        const char *line = p, *le = eol;
        p = eol + 1;
        lineno++;
        if (((lineno & 0xffff) == 0) && clout_i_progress_update(prog, (double)(p - data)))
            ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
        if (le > line && le[-1] == '\r') le--;
        for (const char *c = line; c < le; c++)
            if ((unsigned char)*c < ' ' && *c != '\t') BAD("unexpected control byte 0x%02x (binary data?)",
                                                           (unsigned)(unsigned char)*c);
        const char *q = line;
        while (q < le && (*q == ' ' || *q == '\t')) q++;
        if (q == le || *q == '#') continue;
        size_t tl;
        const char *seed = next_tok(&q, le, &tl);
        if (tl > CLOUT_MAX_TOKEN) BAD("id longer than %d bytes", CLOUT_MAX_TOKEN);
        /* check the whole line before anything is interned, so a skipped line leaves no user or
         * item behind */
        for (const char *v = q;;) {
            size_t ul, tml;
            const char *ut = next_tok(&v, le, &ul);
            if (ut == NULL) break;
            const char *tt = next_tok(&v, le, &tml);
            if (tt == NULL)
                BAD("user '%.*s' has no activation time (expected seed u1 t1 u2 t2 ...)", (int)(ul > 40 ? 40 : ul), ut);
            if (ul > CLOUT_MAX_TOKEN) BAD("id longer than %d bytes", CLOUT_MAX_TOKEN);
            double t;
            const char *why;
            if (!clout_i_parse_time(tt, tml, &t, &why)) BAD("%s, found '%.*s'", why, (int)(tml > 40 ? 40 : tml), tt);
        }
        int n = snprintf(itembuf + plen, 32, "%lld", (long long)cascades);
        int64_t it = clout_idmap_intern(b->items, itembuf, plen + (size_t)n, msg);
        if (it < 0) {
            FREE_ALL;
            return (int)it; /* out of memory: msg says so */
        }
        int64_t u = clout_idmap_intern(b->users, seed, tl, msg);
        if (u < 0) {
            FREE_ALL;
            return (int)u;
        }
        TRY(push(b, u, it, 0.0, msg));
        for (;;) {
            size_t ul, tml;
            const char *ut = next_tok(&q, le, &ul);
            if (ut == NULL) break;
            const char *tt = next_tok(&q, le, &tml);
            double t;
            const char *why;
            clout_i_parse_time(tt, tml, &t, &why);
            u = clout_idmap_intern(b->users, ut, ul, msg);
            if (u < 0) {
                FREE_ALL;
                return (int)u;
            }
            TRY(push(b, u, it, t, msg));
        }
        cascades++;
        continue;
    bad_line:
        if (bad == 0) {
            first_bad_line = lineno;
            memcpy(first_bad, why_buf, sizeof first_bad);
        }
        bad++;
        if (!skip_bad) ERR(CLOUT_ERR_DATA, "%s:%lld: %s", name, (long long)lineno, why_buf);
    }
    acts = b->ni - ni_start;
    if (cascades == 0)
        ERR(CLOUT_ERR_DATA, "%s:%lld: no cascades found (%s)", name, (long long)clout_i_line_of(data, len),
            len == 0 ? "the file is empty" : bad ? "every line was bad" : "only comments or blank lines");
    FREE_ALL;
    return clout_i_builder_tally(b, name, t0, len, acts, bad, first_bad_line, first_bad, msg);
}

#undef FREE_ALL
#define FREE_ALL

/* The default item prefix of a cascade file: its base name up to the first dot, then ':'. */
static void cascade_prefix(const char *name, const clout_read_opts *opts, char *buf, size_t n)
{
    if (opts->item_prefix) {
        snprintf(buf, n, "%s", opts->item_prefix);
        return;
    }
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t len = strcspn(base, ".");
    if (len > 200) len = 200;
    snprintf(buf, n, "%.*s:", (int)len, base);
}

static int read_cascades(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *opts,
                         char msg[CLOUT_MSG_LEN])
{
    char prefix[CLOUT_MAX_TOKEN];
    cascade_prefix(name, opts, prefix, sizeof prefix);
    ASSERT_MSG(strlen(prefix) < CLOUT_MAX_TOKEN - 32, CLOUT_ERR_INVALID, "the item prefix is too long");
    /* two files of one name (a/train.txt, b/train.txt.gz) would merge their cascades into the same items */
    char first[CLOUT_MAX_TOKEN];
    int fl = snprintf(first, sizeof first, "%s0", prefix);
    ASSERT_MSG(clout_idmap_find(b->items, first, (size_t)fl) < 0, CLOUT_ERR_INVALID,
               "%s: its cascades would be items %s0, %s1, ... as those of an earlier input: give each file its own "
               "item prefix", name, prefix, prefix);
    return read_cascades_text(b, name, data, len, prefix, opts->skip_bad_lines, msg);
}

/* The cascade reader never writes into its text, so the caller's bytes are lent as they are. */
int clout_builder_add_cascades_mem(clout_builder *b, const char *name, const char *data, size_t len,
                                   const clout_read_opts *opts, char msg[CLOUT_MSG_LEN])
{
    return clout_i_builder_read(b, name, (char *)data, len, opts, read_cascades, msg);
}

int clout_builder_add_cascades(clout_builder *b, const char *path, const clout_read_opts *opts,
                               char msg[CLOUT_MSG_LEN])
{
    return clout_i_builder_read_file(b, path, opts, read_cascades, msg);
}
