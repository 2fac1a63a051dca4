/* read_logs.c: delimited interaction logs with a header row naming the columns. */
#include "io_internal.h"
#include <math.h>
#include <strings.h>

typedef struct {
    char *s;
    size_t len;
} field;

/* Split [line, le) into fields. sep ' ' means runs of blanks. With a one-character separator a
 * field may be double-quoted ("" inside is a quote; unescaped in place). Returns the field count
 * (fields past maxf are counted, not stored) or -1 with *why and *at set. */
static int split_fields(char *line, char *le, char sep, field *f, int maxf, const char **why,
                        char **at)
{
    int n = 0;
    char *p = line;
    for (char *c = line; c < le; c++) {
        if ((unsigned char)*c < ' ' && !(*c == '\t')) {
            *why = "unexpected control byte (binary data?)";
            *at = c;
            return -1;
        }
    }
    if (sep == ' ') {
        for (;;) {
            while (p < le && (*p == ' ' || *p == '\t')) p++;
            if (p >= le) break;
            char *t = p;
            while (p < le && *p != ' ' && *p != '\t') p++;
            if (n < maxf) f[n] = (field){t, (size_t)(p - t)};
            n++;
        }
        return n;
    }
    for (;;) {
        while (p < le && *p == ' ') p++;
        char *t = p, *e;
        if (p < le && *p == '"') {
            char *w = ++p;
            t = w;
            for (;;) {
                if (p >= le) {
                    *why = "unterminated quoted field";
                    *at = t - 1;
                    return -1;
                }
                if (*p == '"') {
                    if (p + 1 < le && p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            e = w;
            while (p < le && *p == ' ') p++;
            if (p < le && *p != sep) {
                *why = "unexpected text after a closing quote";
                *at = p;
                return -1;
            }
        } else {
            while (p < le && *p != sep) p++;
            e = p;
            while (e > t && e[-1] == ' ') e--;
        }
        if (n < maxf) f[n] = (field){t, (size_t)(e - t)};
        n++;
        if (p >= le) break;
        p++; /* the separator */
    }
    return n;
}

/* Index of a column by name (exact, then ignoring case); -1 if absent or name is "" (the way
 * to say a file has no such column). */
static int find_col(const field *h, int nh, const char *name)
{
    size_t len = strlen(name);
    if (len == 0) return -1;
    for (int i = 0; i < nh; i++)
        if (h[i].len == len && memcmp(h[i].s, name, len) == 0) return i;
    for (int i = 0; i < nh; i++)
        if (h[i].len == len && strncasecmp(h[i].s, name, len) == 0) return i;
    return -1;
}

static void list_cols(char *buf, size_t n, const field *h, int nh)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < nh && at + 4 < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%.*s", i ? ", " : "", (int)(h[i].len > 40 ? 40 : h[i].len),
                               h[i].s);
}

/* "listen=1,like=2" -> table; CLOUT_ERR_INVALID on a malformed list. */
static int parse_action_weights(const char *spec, clout_i_action **out, int *nout, char msg[CLOUT_MSG_LEN]);

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        free(hdr);                                                                        \
        free(f);                                                                          \
        free(acts_owned);                                                                 \
        free(itembuf);                                                                    \
        free(colbuf);                                                                     \
        clout_i_progress_end(prog);                                                         \
    } while (0)

#define BAD(at, ...)                                                                      \
    do {                                                                                  \
        bad_at = (at);                                                                    \
        snprintf(why_buf, sizeof why_buf, __VA_ARGS__);                                   \
        goto bad_line;                                                                    \
    } while (0)

static int read_log_text(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *o,
                         const clout_i_action *acts, int nacts, char msg[CLOUT_MSG_LEN])
{
    clout_i_progress *prog = NULL;
    field *hdr = NULL, *f = NULL;
    char *itembuf = NULL, *colbuf = NULL;
    void *acts_owned = NULL;
    double t0 = clout_i_now();
    char *p = data, *end = data + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    char *eol = memchr(p, '\n', (size_t)(end - p));
    if (eol == NULL) eol = end;
    char *he = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
    ASSERT_MSG(he > p || o->columns, CLOUT_ERR_DATA, "%s:1: expected a header row naming the columns, found %s", name,
               len == 0 ? "an empty file" : "an empty line");
    char sep = o->sep;
    if (sep == 0) sep = memchr(p, '\t', (size_t)(he - p)) ? '\t' : memchr(p, ',', (size_t)(he - p)) ? ',' : ' ';
    int maxf = 1024;
    ALLOC_TRY(hdr, maxf, field);
    ALLOC_TRY(f, maxf + 1, field);
    const char *why = NULL;
    char *at = NULL;
    int nh;
    if (o->columns) {
        /* no header row: the names given, comma-separated; the first line is data */
        size_t cl = strlen(o->columns);
        colbuf = clout_i_malloc(cl + 1, 1);
        ASSERT_MSG(colbuf != NULL, CLOUT_ERR_NOMEM, "out of memory");
        memcpy(colbuf, o->columns, cl + 1);
        nh = split_fields(colbuf, colbuf + cl, ',', hdr, maxf, &why, &at);
        ASSERT_MSG(nh >= 0, CLOUT_ERR_INVALID, "column names '%.80s': %s", o->columns, why);
        eol = p - 1; /* data from the first line on */
    } else {
        nh = split_fields(p, he, sep, hdr, maxf, &why, &at);
    }
    ASSERT_MSG(nh >= 0, CLOUT_ERR_DATA, "%s:1: header: %s", name, why);
    ASSERT_MSG(nh <= maxf, CLOUT_ERR_DATA, "%s:1: header has more than %d columns", name, maxf);
    char cols[400];
    list_cols(cols, sizeof cols, hdr, nh);
    const char *ucn = o->user_col ? o->user_col : "user";
    const char *icn = o->item_col ? o->item_col : "item";
    int uc = find_col(hdr, nh, ucn), ic = find_col(hdr, nh, icn);
    ASSERT_MSG(uc >= 0, CLOUT_ERR_DATA, "%s:1: no user column '%s' in the header (columns: %s)",
               name, ucn, cols);
    ASSERT_MSG(ic >= 0, CLOUT_ERR_DATA, "%s:1: no item column '%s' in the header (columns: %s)",
               name, icn, cols);
    int ac = find_col(hdr, nh, o->action_col ? o->action_col : "action");
    int wc = find_col(hdr, nh, o->weight_col ? o->weight_col : "weight");
    int tc = -1, yc = -1, mc = -1, dc = -1;
    ASSERT_MSG(ac >= 0 || !o->action_col || !*o->action_col, CLOUT_ERR_DATA, "%s:1: no action column '%s' in the header (columns: %s)",
               name, o->action_col, cols);
    ASSERT_MSG(wc >= 0 || !o->weight_col || !*o->weight_col, CLOUT_ERR_DATA, "%s:1: no weight column '%s' in the header (columns: %s)",
               name, o->weight_col, cols);
    if (o->date_cols) {
        char tmp[256];
        snprintf(tmp, sizeof tmp, "%s", o->date_cols);
        char *c1 = strtok(tmp, ","), *c2 = strtok(NULL, ","), *c3 = strtok(NULL, ",");
        ASSERT_MSG(c1 && c2 && c3 && !strtok(NULL, ","), CLOUT_ERR_INVALID,
                   "date columns: expected three column names year,month,day, got '%s'", o->date_cols);
        yc = find_col(hdr, nh, c1);
        mc = find_col(hdr, nh, c2);
        dc = find_col(hdr, nh, c3);
        ASSERT_MSG(yc >= 0 && mc >= 0 && dc >= 0, CLOUT_ERR_DATA,
                   "%s:1: date columns %s: a column is missing from the header (columns: %s)", name,
                   o->date_cols, cols);
    } else {
        tc = find_col(hdr, nh, o->time_col ? o->time_col : "time");
        ASSERT_MSG(tc >= 0 || !o->time_col || !*o->time_col, CLOUT_ERR_DATA, "%s:1: no time column '%s' in the header (columns: %s)",
                   name, o->time_col, cols);
    }
    const char *prefix = o->item_prefix ? o->item_prefix : "";
    size_t plen = strlen(prefix);
    ALLOC_TRY(itembuf, plen + CLOUT_MAX_TOKEN + 1, char);
    memcpy(itembuf, prefix, plen);

    int32_t fixed_action = -1;
    if (o->action) {
        ASSERT_MSG(ac < 0 || !o->action_col, CLOUT_ERR_INVALID,
                   "%s: give the behaviour type by a column or for the whole file, not both", name);
        ac = -1; /* the file's type replaces any action column */
        fixed_action = clout_i_builder_action(b, o->action, strlen(o->action), msg);
        if (fixed_action < 0) {
            FREE_ALL;
            return fixed_action;
        }
    }
    int64_t lineno = o->columns ? 0 : 1, bad = 0, records = 0, first_bad_line = 0;
    char first_bad[240] = "";
    char why_buf[240];
    p = eol < end ? eol + 1 : end;
    prog = clout_i_progress_start("reading log", (double)len, "B");
    while (p < end) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL) eol = end;
        char *line = p, *le = eol;
        p = eol + 1;
        lineno++;
        if (((lineno & 0xffff) == 0) && clout_i_progress_update(prog, (double)(p - data)))
            ERR(CLOUT_ERR_INTERRUPTED, "interrupted");
        if (le > line && le[-1] == '\r') le--;
        char *q = line;
        while (q < le && (*q == ' ' || *q == '\t')) q++;
        if (q == le || *q == '#') continue;
        char *bad_at = NULL;
        int nf = split_fields(line, le, sep, f, maxf + 1, &why, &at);
        if (nf < 0) BAD(at, "%s", why);
        if (nf != nh) BAD(line, "expected %d fields as in the header, found %d", nh, nf);
        field fu = f[uc], fi = f[ic];
        if (fu.len == 0) BAD(line, "empty user id");
        if (fi.len == 0) BAD(line, "empty item id");
        if (fu.len > CLOUT_MAX_TOKEN || fi.len > CLOUT_MAX_TOKEN) BAD(line, "id longer than %d bytes", CLOUT_MAX_TOKEN);
        double w = 1.0;
        int32_t atype = fixed_action;
        if (ac >= 0) {
            field fa = f[ac];
            if (fa.len > 0) { /* an empty cell: a row of no type */
                atype = clout_i_builder_action(b, fa.s, fa.len, msg);
                if (atype < 0) BAD(fa.s, "%s", msg);
            }
            int k = 0;
            while (k < nacts && !(strlen(acts[k].name) == fa.len && memcmp(acts[k].name, fa.s, fa.len) == 0)) k++;
            if (k < nacts) {
                w = acts[k].w;
            } else if (nacts > 0 && !o->has_default_action_weight) {
                BAD(fa.s, "action '%.*s' has no weight in the action weights (give a default action weight to accept it)",
                    (int)(fa.len > 40 ? 40 : fa.len), fa.s);
            } else if (nacts > 0) {
                w = o->default_action_weight;
            }
        }
        if (wc >= 0) {
            double x;
            const char *wy;
            if (!clout_i_parse_weight(f[wc].s, f[wc].len, &x, &wy))
                BAD(f[wc].s, "%s, found '%.*s'", wy, (int)(f[wc].len > 40 ? 40 : f[wc].len), f[wc].s);
            w *= x;
        }
        if (!(w <= 3.4028234663852886e38)) BAD(line, "weight %.17g does not fit a 32-bit float", w);
        double t = NAN;
        if (tc >= 0 && f[tc].len > 0) {
            const char *ty;
            if (!clout_i_parse_time(f[tc].s, f[tc].len, &t, &ty))
                BAD(f[tc].s, "%s, found '%.*s'", ty, (int)(f[tc].len > 40 ? 40 : f[tc].len), f[tc].s);
        } else if (yc >= 0) {
            int64_t y, mo, d;
            if (!clout_i_parse_int(f[yc].s, f[yc].len, &y) || !clout_i_parse_int(f[mc].s, f[mc].len, &mo) ||
                !clout_i_parse_int(f[dc].s, f[dc].len, &d))
                BAD(line, "date columns must be integers (year, month, day)");
            if (y < -9999 || y > 99999 || mo < 1 || mo > 12 || d < 1 || d > clout_i_days_in_month(y, (int)mo))
                BAD(line, "date %lld-%lld-%lld out of range", (long long)y, (long long)mo, (long long)d);
            t = clout_i_epoch(y, (int)mo, (int)d, 0, 0, 0);
        }
        int64_t u = clout_idmap_intern(b->users, fu.s, fu.len, msg);
        if (u < 0) BAD(fu.s, "%s", msg);
        memcpy(itembuf + plen, fi.s, fi.len);
        int64_t it = clout_idmap_intern(b->items, itembuf, plen + fi.len, msg);
        if (it < 0) BAD(fi.s, "%s", msg);
        if (b->ni == b->icap) TRY(clout_i_builder_reserve_inter(b, b->icap ? b->icap : 4096, msg));
        b->iu[b->ni] = u;
        b->ii[b->ni] = it;
        b->iw[b->ni] = (float)w;
        b->it[b->ni] = t;
        b->ia[b->ni] = atype;
        b->ni++;
        records++;
        continue;
    bad_line:
        (void)bad_at;
        if (bad == 0) {
            first_bad_line = lineno;
            memcpy(first_bad, why_buf, sizeof first_bad);
        }
        bad++;
        if (!o->skip_bad_lines) ERR(CLOUT_ERR_DATA, "%s:%lld: %s", name, (long long)lineno, why_buf);
    }
    if (records == 0)
        ERR(CLOUT_ERR_DATA, "%s:%lld: no interactions found (%s)", name, (long long)clout_i_line_of(data, len),
            bad ? "every line was bad" : "only a header, comments or blank lines");
    FREE_ALL;
    return clout_i_builder_tally(b, name, t0, len, records, bad, first_bad_line, first_bad, msg);
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (a)                                                                            \
            for (int k_ = 0; k_ < n; k_++) free(a[k_].name);                              \
        free(a);                                                                          \
        free(copy);                                                                       \
    } while (0)

static int parse_action_weights(const char *spec, clout_i_action **out, int *nout, char msg[CLOUT_MSG_LEN])
{
    clout_i_action *a = NULL;
    int n = 0;
    char *copy = clout_i_strdup(spec);
    ASSERT_MSG(copy != NULL, CLOUT_ERR_NOMEM, "out of memory");
    int cap = 1;
    for (const char *c = spec; *c; c++) cap += *c == ',';
    CALLOC_TRY(a, cap, clout_i_action);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        ASSERT_MSG(eq && eq > tok && eq[1], CLOUT_ERR_INVALID,
                   "action weights: expected action=weight pairs separated by commas, found '%s'", tok);
        *eq = '\0';
        double w;
        const char *why;
        ASSERT_MSG(clout_i_parse_weight(eq + 1, strlen(eq + 1), &w, &why), CLOUT_ERR_INVALID,
                   "action weights: %s: %s", tok, why);
        for (int k = 0; k < n; k++)
            ASSERT_MSG(strcmp(a[k].name, tok) != 0, CLOUT_ERR_INVALID,
                       "action weights: action '%s' is given twice", tok);
        a[n].name = clout_i_strdup(tok);
        ASSERT_MSG(a[n].name != NULL, CLOUT_ERR_NOMEM, "out of memory");
        a[n].w = w;
        n++;
    }
    ASSERT_MSG(n > 0, CLOUT_ERR_INVALID, "action weights: no action=weight pair in '%s'", spec);
    free(copy);
    *out = a;
    *nout = n;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (acts)                                                                         \
            for (int k_ = 0; k_ < nacts; k_++) free(acts[k_].name);                       \
        free(acts);                                                                       \
    } while (0)

static int read_log(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *opts,
                    char msg[CLOUT_MSG_LEN])
{
    clout_i_action *acts = NULL;
    int nacts = 0;
    ASSERT_MSG(!(opts->date_cols && opts->time_col), CLOUT_ERR_INVALID,
               "give either a time column or date columns, not both");
    if (opts->action_weights) {
        TRY(parse_action_weights(opts->action_weights, &acts, &nacts, msg));
        if (b->action_weights == NULL) {
            b->action_weights = clout_i_strdup(opts->action_weights);
            ASSERT_MSG(b->action_weights != NULL, CLOUT_ERR_NOMEM, "out of memory");
        }
    }
    int s = read_log_text(b, name, data, len, opts, acts, nacts, msg);
    FREE_ALL;
    return s;
}

#undef FREE_ALL
#define FREE_ALL free(copy)

/* The log reader unquotes fields in place, so it reads a copy of the caller's bytes. */
int clout_builder_add_log_mem(clout_builder *b, const char *name, const char *data, size_t len,
                              const clout_read_opts *opts, char msg[CLOUT_MSG_LEN])
{
    char *copy = NULL;
    ALLOC_TRY(copy, len + 1, char);
    memcpy(copy, data, len);
    copy[len] = '\0';
    int s = clout_i_builder_read(b, name, copy, len, opts, read_log, msg);
    FREE_ALL;
    return s;
}

int clout_builder_add_log(clout_builder *b, const char *path, const clout_read_opts *opts,
                          char msg[CLOUT_MSG_LEN])
{
    return clout_i_builder_read_file(b, path, opts, read_log, msg);
}
