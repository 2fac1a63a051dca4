/* read_edges.c: edge lists `src dst [weight]`, parsed in parallel.
 *
 * The text is cut into line-aligned chunks. Each thread parses its chunks into edges over
 * chunk-local token ids (a small open-addressing table pointing into the text). The chunks'
 * tokens are then merged into the user map in chunk order, which numbers users by first
 * appearance whatever the thread count, and the edges are translated to global ids in parallel. */
#include "builder_internal.h"
#include <math.h>
#include <omp.h>

typedef struct {
    const char *beg, *end;
    /* chunk-local tokens */
    int64_t *tok_off;
    uint32_t *tok_len;
    uint64_t *tok_hash;
    int64_t ntok, tokcap;
    uint64_t *slot;
    uint64_t mask;
    /* edges over local ids */
    int64_t *src, *dst;
    float *w;
    int64_t ne, ecap;
    int64_t self_loops, bad_lines, records;
    /* first problem in this chunk */
    bool failed, nomem;
    size_t err_off;
    char err[200];
} chunk;

static void chunk_free(chunk *c)
{
    free(c->tok_off);
    free(c->tok_len);
    free(c->tok_hash);
    free(c->slot);
    free(c->src);
    free(c->dst);
    free(c->w);
    memset(c, 0, sizeof(*c));
}

static bool chunk_grow_tokens(chunk *c)
{
    int64_t cap = c->tokcap ? c->tokcap * 2 : 4096;
    int64_t *o = clout_i_realloc(c->tok_off, (size_t)cap, sizeof(int64_t));
    if (o) c->tok_off = o;
    uint32_t *l = clout_i_realloc(c->tok_len, (size_t)cap, sizeof(uint32_t));
    if (l) c->tok_len = l;
    uint64_t *h = clout_i_realloc(c->tok_hash, (size_t)cap, sizeof(uint64_t));
    if (h) c->tok_hash = h;
    if (!o || !l || !h) return false;
    c->tokcap = cap;
    /* table capacity at least 2x tokens */
    uint64_t scap = (uint64_t)cap * 2;
    uint64_t *s = calloc(scap, sizeof(uint64_t));
    if (!s) return false;
    for (int64_t k = 0; k < c->ntok; k++) {
        uint64_t i = c->tok_hash[k] & (scap - 1);
        while (s[i]) i = (i + 1) & (scap - 1);
        s[i] = (uint64_t)(k + 1);
    }
    free(c->slot);
    c->slot = s;
    c->mask = scap - 1;
    return true;
}

/* local id of a token (inserted if new), or -1 when out of memory */
static inline int64_t chunk_intern(chunk *c, const char *base, const char *tok, size_t len)
{
    uint64_t h = clout_i_hash(tok, len);
    uint64_t i = h & c->mask;
    for (;;) {
        uint64_t s = c->slot[i];
        if (s == 0) break;
        int64_t k = (int64_t)s - 1;
        if (c->tok_hash[k] == h && c->tok_len[k] == len && memcmp(base + c->tok_off[k], tok, len) == 0)
            return k;
        i = (i + 1) & c->mask;
    }
    if (c->ntok + 1 > c->tokcap) {
        if (!chunk_grow_tokens(c)) return -1;
        i = h & c->mask;
        while (c->slot[i]) i = (i + 1) & c->mask;
    }
    int64_t k = c->ntok++;
    c->tok_off[k] = tok - base;
    c->tok_len[k] = (uint32_t)len;
    c->tok_hash[k] = h;
    c->slot[i] = (uint64_t)(k + 1);
    return k;
}

static bool chunk_push(chunk *c, int64_t s, int64_t d, float w)
{
    if (c->ne == c->ecap) {
        int64_t cap = c->ecap ? c->ecap * 2 : 1 << 14;
        int64_t *a = clout_i_realloc(c->src, (size_t)cap, sizeof(int64_t));
        if (a) c->src = a;
        int64_t *b = clout_i_realloc(c->dst, (size_t)cap, sizeof(int64_t));
        if (b) c->dst = b;
        float *x = clout_i_realloc(c->w, (size_t)cap, sizeof(float));
        if (x) c->w = x;
        if (!a || !b || !x) return false;
        c->ecap = cap;
    }
    c->src[c->ne] = s;
    c->dst[c->ne] = d;
    c->w[c->ne] = w;
    c->ne++;
    return true;
}

static const double pow10tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9, 1e10,
                                  1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};

bool clout_i_parse_weight(const char *s, size_t len, double *out, const char **why)
{
    /* fast path: digits [. digits], at most 18 significant digits */
    size_t i = 0;
    uint64_t mant = 0;
    int nd = 0, frac = 0;
    bool dot = false, ok = len > 0;
    for (; i < len && ok; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (nd >= 18) {
                ok = false;
                break;
            }
            mant = mant * 10 + (uint64_t)(ch - '0');
            if (mant) nd++;
            if (dot) frac++;
        } else if (ch == '.' && !dot) {
            dot = true;
        } else {
            ok = false;
        }
    }
    if (ok && !(len == 1 && dot) && frac < 20) {
        *out = (double)mant / pow10tab[frac];
        return true;
    }
    /* general path: strtod on a bounded copy of plain number characters */
    char buf[64];
    if (len == 0 || len >= sizeof buf) {
        *why = len == 0 ? "empty weight" : "weight is not a number";
        return false;
    }
    for (size_t k = 0; k < len; k++) {
        if (!strchr("0123456789.eE+-", s[k])) {
            *why = (s[k] == 'n' || s[k] == 'N' || s[k] == 'i' || s[k] == 'I')
                       ? "weight must be a finite number (NaN and infinity are not allowed)"
                       : "weight is not a number";
            return false;
        }
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *endp;
    double v = strtod(buf, &endp);
    if (endp != buf + len) {
        *why = "weight is not a number";
        return false;
    }
    if (!isfinite(v)) {
        *why = "weight overflows (must be finite)";
        return false;
    }
    if (v < 0) {
        *why = "weight must not be negative";
        return false;
    }
    *out = v;
    return true;
}

#define FAIL(off, ...)                                                                    \
    do {                                                                                  \
        bad_off = (off);                                                                  \
        snprintf(c->err, sizeof c->err, __VA_ARGS__);                                     \
        goto bad_line;                                                                    \
    } while (0)

/* Parse [c->beg, c->end). base is the start of the whole text (token offsets are from base). */
static void parse_chunk(chunk *c, const char *base, bool skip_bad)
{
    const char *p = c->beg, *end = c->end;
    char first_err[200] = "";
    size_t first_off = 0;
    bool have_first = false;
    if (!chunk_grow_tokens(c)) {
        c->nomem = true;
        return;
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL) eol = end;
        const char *line = p, *le = eol;
        p = eol + 1;
        if (le > line && le[-1] == '\r') le--;
        const char *q = line;
        while (q < le && (*q == ' ' || *q == '\t')) q++;
        if (q == le || *q == '#' || *q == '%') continue;
        size_t bad_off = 0;
        const char *tok[4];
        size_t tlen[4];
        int nf = 0;
        for (;;) {
            const char *t = q;
            while (q < le && (unsigned char)*q > ' ' && *q != ',') q++;
            if (q < le && (unsigned char)*q < ' ' && *q != '\t')
                FAIL((size_t)(q - base), "unexpected control byte 0x%02x (binary data?)",
                     (unsigned)(unsigned char)*q);
            if (q == t) FAIL((size_t)(t - base), "empty field (two separators in a row)");
            if (nf == 3) FAIL((size_t)(t - base), "expected 2 or 3 fields (src dst [weight]), found more");
            tok[nf] = t;
            tlen[nf] = (size_t)(q - t);
            nf++;
            while (q < le && (*q == ' ' || *q == '\t')) q++;
            if (q < le && *q == ',') {
                q++;
                while (q < le && (*q == ' ' || *q == '\t')) q++;
                if (q == le) FAIL((size_t)(q - base), "line ends with a separator");
            }
            if (q >= le) break;
        }
        if (nf < 2)
            FAIL((size_t)(line - base), "expected 2 or 3 fields (src dst [weight]), found %d", nf);
        if (tlen[0] > CLOUT_MAX_TOKEN || tlen[1] > CLOUT_MAX_TOKEN)
            FAIL((size_t)(line - base), "id longer than %d bytes", CLOUT_MAX_TOKEN);
        double w = 1.0;
        if (nf == 3) {
            const char *why = NULL;
            if (!clout_i_parse_weight(tok[2], tlen[2], &w, &why))
                FAIL((size_t)(tok[2] - base), "%s, found '%.*s'", why, (int)(tlen[2] > 40 ? 40 : tlen[2]),
                     tok[2]);
            if (w > 3.4028234663852886e38)
                FAIL((size_t)(tok[2] - base), "weight %.17g does not fit a 32-bit float", w);
        }
        int64_t s = chunk_intern(c, base, tok[0], tlen[0]);
        int64_t d = s < 0 ? -1 : chunk_intern(c, base, tok[1], tlen[1]);
        if (s < 0 || d < 0) {
            c->nomem = true;
            return;
        }
        c->records++;
        if (s == d) {
            c->self_loops++;
            continue;
        }
        if (!chunk_push(c, s, d, (float)w)) {
            c->nomem = true;
            return;
        }
        continue;
    bad_line:
        if (!have_first) {
            have_first = true;
            first_off = bad_off;
            memcpy(first_err, c->err, sizeof first_err);
        }
        c->bad_lines++;
        if (!skip_bad) break;
    }
    if (have_first) {
        c->failed = true;
        c->err_off = first_off;
        memcpy(c->err, first_err, sizeof first_err);
    }
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        if (ch)                                                                           \
            for (int64_t k_ = 0; k_ < nch; k_++) chunk_free(&ch[k_]);                     \
        FREE_PTR(ch);                                                                     \
        if (gmap)                                                                         \
            for (int64_t k_ = 0; k_ < nch; k_++) free(gmap[k_]);                          \
        FREE_PTR(gmap);                                                                   \
        FREE_PTR(gbase);                                                                  \
        clout_progress_end(prog);                                                         \
        prog = NULL;                                                                      \
    } while (0)

int clout_i_read_edges_text(clout_builder *b, const char *name, const char *data, size_t len,
                            const clout_read_opts *o, char msg[CLOUT_MSG_LEN])
{
    chunk *ch = NULL;
    int64_t nch = 0, **gmap = NULL, *gbase = NULL;
    clout_progress *prog = NULL;
    double t0 = clout_i_now();
    const char *start = data, *end = data + len;
    if (o->header) {
        const char *nl = memchr(data, '\n', len);
        start = nl ? nl + 1 : end;
    }
    /* line-aligned chunks: about 8 per thread so uneven lines balance, at least 1 MB each */
    int nt = omp_get_max_threads();
    size_t body = (size_t)(end - start);
    int64_t want = (int64_t)nt * 8;
    if ((size_t)want > body / (1 << 20) + 1) want = (int64_t)(body / (1 << 20)) + 1;
    CALLOC_TRY(ch, want, chunk);
    const char *cur = start;
    for (int64_t k = 0; k < want && cur < end; k++) {
        const char *stop = (k == want - 1) ? end : start + body * (size_t)(k + 1) / (size_t)want;
        if (stop < cur) stop = cur;
        if (stop < end) {
            const char *nl = memchr(stop, '\n', (size_t)(end - stop));
            stop = nl ? nl + 1 : end;
        }
        ch[nch].beg = cur;
        ch[nch].end = stop;
        nch++;
        cur = stop;
    }
    prog = clout_progress_start("reading edges", (double)body, "B");
    int64_t done_chunks = 0;
    bool skip = o->skip_bad_lines;
    #pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nch > 1)
    for (int64_t k = 0; k < nch; k++) {
        /* every chunk parses fully: skipping a later chunk after an earlier failure would need
         * ordering between threads and the failure path is rare */
        parse_chunk(&ch[k], data, skip);
        #pragma omp atomic
        done_chunks++;
        if (omp_get_thread_num() == 0) {
            int64_t dc;
            #pragma omp atomic read
            dc = done_chunks;
            clout_progress_update(prog, (double)body * (double)dc / (double)nch);
        }
    }
    clout_progress_end(prog);
    prog = NULL;
    double t1 = clout_i_now();
    int64_t bad = 0, loops = 0, records = 0, nedges = 0;
    for (int64_t k = 0; k < nch; k++) {
        ASSERT_MSG(!ch[k].nomem, CLOUT_ERR_NOMEM, "%s: out of memory while parsing", name);
        if (ch[k].failed && !skip)
            ERR(CLOUT_ERR_DATA, "%s:%lld: %s", name, (long long)clout_i_line_of(data, ch[k].err_off),
                ch[k].err);
        bad += ch[k].bad_lines;
        loops += ch[k].self_loops;
        records += ch[k].records;
        nedges += ch[k].ne;
    }
    if (records == 0)
        ERR(CLOUT_ERR_DATA, "%s:%lld: no edges found (%s)", name,
            (long long)clout_i_line_of(data, len),
            len == 0 ? "the file is empty" : bad ? "every line was bad" : "only comments, blank lines or a header");
    if (bad > 0) {
        for (int64_t k = 0; k < nch; k++)
            if (ch[k].failed) {
                clout_i_setmsg(msg, "%s: skipped %lld bad line%s; the first, line %lld: %s", name,
                               (long long)bad, bad == 1 ? "" : "s",
                               (long long)clout_i_line_of(data, ch[k].err_off), ch[k].err);
                break;
            }
    }
    /* merge chunk tokens into the user map in chunk order: first appearance numbering */
    CALLOC_TRY(gmap, nch, int64_t *);
    ALLOC_TRY(gbase, nch + 1, int64_t);
    gbase[0] = b->ne;
    for (int64_t k = 0; k < nch; k++) {
        chunk *c = &ch[k];
        ALLOC_TRY(gmap[k], c->ntok, int64_t);
        for (int64_t j = 0; j < c->ntok; j++) {
            int64_t g = clout_i_idmap_intern_h(b->users, data + c->tok_off[j], c->tok_len[j],
                                               c->tok_hash[j], msg);
            if (g < 0) {
                int s = (int)g;
                FREE_ALL;
                return s;
            }
            gmap[k][j] = g;
        }
        free(c->slot);
        c->slot = NULL;
        gbase[k + 1] = gbase[k] + c->ne;
    }
    TRY(clout_i_builder_reserve_edges(b, nedges, msg));
    #pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nch > 1)
    for (int64_t k = 0; k < nch; k++) {
        chunk *c = &ch[k];
        const int64_t *m = gmap[k];
        int64_t at = gbase[k];
        for (int64_t e = 0; e < c->ne; e++) {
            b->esrc[at + e] = m[c->src[e]];
            b->edst[at + e] = m[c->dst[e]];
        }
        if (c->ne > 0) memcpy(b->ew + at, c->w, (size_t)c->ne * sizeof(float));
    }
    b->ne += nedges;
    b->self_loops += loops;
    b->bad_lines += bad;
    double t2 = clout_i_now();
    b->stats.parse_s += t1 - t0;
    b->stats.map_s += t2 - t1;
    b->stats.bytes += (int64_t)len;
    b->stats.records += records;
    b->stats.bad_lines += bad;
    b->stats.self_loops += loops;
    for (int64_t k = 0; k < nch; k++) free(gmap[k]);
    FREE_PTR(gmap);
    FREE_PTR(gbase);
    for (int64_t k = 0; k < nch; k++) chunk_free(&ch[k]);
    FREE_PTR(ch);
    return bad > 0 ? CLOUT_WARN_SKIPPED_LINES : CLOUT_OK;
}
