/* read_edges.c: edge lists `src dst [weight]`, parsed in parallel.
 *
 * The text is cut into line-aligned chunks, one per thread (more for files over 1 GB). Each
 * thread parses its chunk into edges over chunk-local token ids. Integer ids written canonically
 * (no sign, no leading zero) below a bound sized by the chunk find their local id in a direct
 * table, one memory access; every other token goes through an open-addressing table whose slots
 * hold the token's first 8 bytes, so short ids are compared without touching the text. The
 * chunks' tokens are then merged into the user map in chunk order, which numbers users by first
 * appearance whatever the thread count, and the edges are translated to user indices in
 * parallel. */
#include "io_internal.h"
#include <math.h>
#include <omp.h>

typedef struct {
    uint64_t head;  /* the token's first 8 bytes, zero-padded */
    uint32_t tag;   /* high hash bits | min(length, 255) */
    uint32_t id1;   /* local id + 1; 0 = empty */
} tslot;

typedef struct {
    const char *beg, *end;
    const char *base;   /* start of the whole text: token offsets count from here */
    /* chunk-local tokens, by their first occurrence */
    int64_t *tok_off;
    uint32_t *tok_len;
    int64_t *tok_val;   /* value of a token held in the direct table, else -1 */
    uint64_t *tok_hash; /* text hash of a token held in the hash table */
    int64_t ntok, tokcap;
    /* canonical integers below dmax: a direct table of local id + 1 */
    uint32_t *direct;
    uint64_t dcap, dmax;
    /* every other token */
    tslot *slot;
    uint64_t mask;
    int64_t nhashed;
    /* edges over local ids, written straight into the builder's arrays (a region of one slot
     * per line), then translated in place; w is written only once a weight other than 1 is
     * seen (unit_weights false), so a list without weights never touches its pages */
    int64_t *src, *dst;
    float *w;
    int64_t lines, ne;
    bool unit_weights;
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
    free(c->tok_val);
    free(c->tok_hash);
    free(c->direct);
    free(c->slot);
    memset(c, 0, sizeof(*c));
}

static inline uint64_t head8(const char *t, size_t len)
{
    uint64_t h = 0;
    memcpy(&h, t, len < 8 ? len : 8);
    return h;
}

static inline uint32_t tag_of(uint64_t h, size_t len)
{
    return (uint32_t)(h >> 32) << 8 | (uint32_t)(len < 255 ? len : 255);
}

static inline void slot_put(tslot *s, uint64_t mask, uint64_t h, uint64_t head, uint32_t tag, uint32_t id1)
{
    uint64_t i = h & mask;
    while (s[i].id1) i = (i + 1) & mask;
    s[i] = (tslot){head, tag, id1};
}

static bool grow_hash(chunk *c)
{
    uint64_t cap = c->slot ? (c->mask + 1) * 2 : 1024;
    tslot *s = clout_i_calloc(cap, sizeof(tslot));
    if (!s) return false;
    for (int64_t k = 0; k < c->ntok; k++) {
        if (c->tok_val[k] >= 0) continue;
        const char *t = c->base + c->tok_off[k];
        slot_put(s, cap - 1, c->tok_hash[k], head8(t, c->tok_len[k]), tag_of(c->tok_hash[k], c->tok_len[k]),
                 (uint32_t)(k + 1));
    }
    free(c->slot);
    c->slot = s;
    c->mask = cap - 1;
    return true;
}

static bool grow_tokens(chunk *c)
{
    int64_t cap = c->tokcap ? c->tokcap * 2 : 4096;
    int64_t *o = clout_i_realloc(c->tok_off, (size_t)cap, sizeof(int64_t));
    if (o) c->tok_off = o;
    uint32_t *l = clout_i_realloc(c->tok_len, (size_t)cap, sizeof(uint32_t));
    if (l) c->tok_len = l;
    int64_t *v = clout_i_realloc(c->tok_val, (size_t)cap, sizeof(int64_t));
    if (v) c->tok_val = v;
    uint64_t *h = clout_i_realloc(c->tok_hash, (size_t)cap, sizeof(uint64_t));
    if (h) c->tok_hash = h;
    if (!o || !l || !v || !h) return false;
    c->tokcap = cap;
    return true;
}

static inline int64_t new_token(chunk *c, const char *tok, size_t len, int64_t val, uint64_t h)
{
    if (c->ntok == c->tokcap && !grow_tokens(c)) return -1;
    if (c->ntok >= (int64_t)UINT32_MAX - 1) return -1;
    int64_t k = c->ntok++;
    c->tok_off[k] = tok - c->base;
    c->tok_len[k] = (uint32_t)len;
    c->tok_val[k] = val;
    c->tok_hash[k] = h;
    return k;
}

/* local id of a token (inserted if new), or -1 when out of memory */
static inline int64_t chunk_intern(chunk *c, const char *tok, size_t len, bool canonical, uint64_t v)
{
    if (canonical) {
        if (v < c->dmax) {
            if (v >= c->dcap) {
                uint64_t cap = c->dcap ? c->dcap : 1024;
                while (cap <= v) cap *= 2;
                if (cap > c->dmax) cap = c->dmax;
                uint32_t *d = clout_i_realloc(c->direct, cap, sizeof(uint32_t));
                if (!d) return -1;
                memset(d + c->dcap, 0, (cap - c->dcap) * sizeof(uint32_t));
                c->direct = d;
                c->dcap = cap;
            }
            uint32_t id1 = c->direct[v];
            if (id1) return (int64_t)id1 - 1;
            int64_t k = new_token(c, tok, len, (int64_t)v, 0);
            if (k >= 0) c->direct[v] = (uint32_t)(k + 1);
            return k;
        }
    }
    uint64_t h = clout_i_hash(tok, len), head = head8(tok, len);
    uint32_t tag = tag_of(h, len);
    uint64_t i = h & c->mask;
    for (;;) {
        tslot s = c->slot[i];
        if (s.id1 == 0) break;
        if (s.tag == tag && s.head == head) {
            int64_t k = (int64_t)s.id1 - 1;
            if (len <= 8 || (c->tok_len[k] == len && memcmp(c->base + c->tok_off[k], tok, len) == 0)) return k;
        }
        i = (i + 1) & c->mask;
    }
    int64_t k = new_token(c, tok, len, -1, h);
    if (k < 0) return -1;
    c->slot[i] = (tslot){head, tag, (uint32_t)(k + 1)};
    if ((uint64_t)++c->nhashed * 2 > c->mask && !grow_hash(c)) return -1;
    return k;
}


#define FAIL(off, ...)                                                                    \
    do {                                                                                  \
        bad_off = (off);                                                                  \
        snprintf(c->err, sizeof c->err, __VA_ARGS__);                                     \
        goto bad_line;                                                                    \
    } while (0)

/* A parsed line waiting for its id lookups. */
typedef struct {
    const char *tok[2];
    size_t len[2];
    bool num[2];
    uint64_t val[2];
    float w;
} pend;

#define RING 8

/* Look up a pending line's ids and record its edge; false when out of memory. */
static inline bool flush_one(chunk *c, const pend *q)
{
    int64_t s = chunk_intern(c, q->tok[0], q->len[0], q->num[0], q->val[0]);
    int64_t d = s < 0 ? -1 : chunk_intern(c, q->tok[1], q->len[1], q->num[1], q->val[1]);
    if (s < 0 || d < 0) {
        c->nomem = true;
        return false;
    }
    c->records++;
    if (s == d) {
        c->self_loops++;
        return true;
    }
    c->src[c->ne] = s;
    c->dst[c->ne] = d;
    if (q->w != 1.0f && c->unit_weights) {
        /* the chunk's first weight other than 1: the ties before it get theirs now */
        for (int64_t e = 0; e < c->ne; e++) c->w[e] = 1.0f;
        c->unit_weights = false;
    }
    if (!c->unit_weights) c->w[c->ne] = q->w;
    c->ne++;
    return true;
}

/* Skip blanks; true when p is at the end of a line (LF, CRLF or the end of the text). */
static inline bool at_eol(const char **pp, const char *end)
{
    const char *p = *pp;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    *pp = p;
    return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

/* The value of the decimal digits that start the 8 bytes at p (none: 0), their count in *nd:
 * SWAR, no branch a byte. A byte is a digit when b - '0' < 10: after subtracting '0' from every
 * byte, adding 0x76 sets the top bit of any byte at 10 or more, and an underflow sets it itself
 * (borrows and carries only reach bytes after the first non-digit, which are not read). */
static inline uint64_t digits8(const char *p, int *nd)
{
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t d = w - 0x3030303030303030ULL;
    uint64_t non = ((d + 0x7676767676767676ULL) | d) & 0x8080808080808080ULL;
    int n = non ? __builtin_ctzll(non) >> 3 : 8;
    *nd = n;
    if (n == 0) return 0;
    d <<= 8 * (8 - n); /* the n digits in the top bytes, zeros (leading zeros) below */
    d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ffULL;
    d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffffULL;
    return (d * 10000 + (d >> 32)) & 0xffffffffULL;
}

/* Parse [c->beg, c->end) in one pass over the bytes (no per-line memchr): each field's digits
 * are accumulated while it is scanned, so integer ids cost no second look. base is the start of
 * the whole text (token offsets count from there). */
static void parse_chunk(chunk *c, const char *base, bool skip_bad, int64_t *done_bytes, clout_i_progress *prog)
{
    const char *tick = c->beg;
    const char *p = c->beg, *end = c->end;
    pend ring[RING];
    int64_t nring = 0;
    char first_err[200] = "";
    size_t first_off = 0;
    bool have_first = false;
    c->unit_weights = true;
    if (!grow_tokens(c) || !grow_hash(c)) {
        c->nomem = true;
        return;
    }
    while (p < end) {
        if (p - tick > (4 << 20)) {
            int64_t add = p - tick, now;
            tick = p;
            #pragma omp atomic capture
            now = *done_bytes += add;
            if (omp_get_thread_num() == 0) clout_i_progress_update(prog, (double)now);
        }
        const char *line = p;
        if (at_eol(&p, end)) {
            /* a blank line */
            if (p < end) p += *p == '\r' ? 2 : 1;
            if (p > end) p = end;
            continue;
        }
        if (*p == '#' || *p == '%') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
            continue;
        }
        size_t bad_off = 0;
        const char *tok[3];
        size_t tlen[3];
        uint64_t val[3];
        bool num[3];
        int nf = 0;
        for (;;) {
            const char *t = p;
            uint64_t v = 0;
            int nd8 = 8;
            if (end - p >= 8) { /* up to 8 digits at once */
                v = digits8(p, &nd8);
                p += nd8;
            }
            while (nd8 == 8 && p < end && (unsigned)(*p - '0') < 10u) {
                v = v * 10 + (unsigned)(*p - '0');
                p++;
            }
            size_t nd = (size_t)(p - t);
            while (p < end && (unsigned char)*p > ' ' && *p != ',') p++;
            size_t tl = (size_t)(p - t);
            if (tl == 0) {
                if (*p == ',') FAIL((size_t)(p - base), "empty field (two separators in a row)");
                FAIL((size_t)(p - base), "unexpected control byte 0x%02x (binary data?)", (unsigned)(unsigned char)*p);
            }
            if (nf == 3) FAIL((size_t)(t - base), "expected 2 or 3 fields (src dst [weight]), found more");
            tok[nf] = t;
            tlen[nf] = tl;
            val[nf] = v;
            num[nf] = nd == tl && tl <= 18 && (tl == 1 || t[0] != '0');
            nf++;
            if (at_eol(&p, end)) break;
            if (*p == ',') {
                p++;
                if (at_eol(&p, end)) FAIL((size_t)(p - base), "line ends with a separator");
            } else if ((unsigned char)*p < ' ') {
                FAIL((size_t)(p - base), "unexpected control byte 0x%02x (binary data?)", (unsigned)(unsigned char)*p);
            }
        }
        /* p is at the line end: step over it */
        if (p < end) p += *p == '\r' ? 2 : 1;
        if (p > end) p = end;
        if (nf < 2)
            FAIL((size_t)(line - base), "expected 2 or 3 fields (src dst [weight]), found %d", nf);
        if (tlen[0] > CLOUT_MAX_TOKEN || tlen[1] > CLOUT_MAX_TOKEN)
            FAIL((size_t)(line - base), "id longer than %d bytes", CLOUT_MAX_TOKEN);
        double w = 1.0;
        if (nf == 3) {
            const char *why = NULL;
            if (num[2] && tlen[2] <= 15) {
                w = (double)val[2];
            } else if (!clout_i_parse_weight(tok[2], tlen[2], &w, &why)) {
                FAIL((size_t)(tok[2] - base), "%s, found '%.*s'", why, (int)(tlen[2] > 40 ? 40 : tlen[2]),
                     tok[2]);
            }
            if (w > 3.4028234663852886e38)
                FAIL((size_t)(tok[2] - base), "weight %.17g does not fit a 32-bit float", w);
        }
        /* the ids' table slots are prefetched now and looked up RING lines later, so the
         * memory latency of the lookups overlaps the parsing of the lines in between */
        pend *q = &ring[nring++ & (RING - 1)];
        *q = (pend){{tok[0], tok[1]}, {tlen[0], tlen[1]}, {num[0], num[1]}, {val[0], val[1]}, (float)w};
        for (int k = 0; k < 2; k++)
            if (num[k] && val[k] < c->dcap) __builtin_prefetch(&c->direct[val[k]]);
        if (nring >= RING && !flush_one(c, &ring[nring & (RING - 1)])) return;
        continue;
    bad_line:
        if (!have_first) {
            have_first = true;
            first_off = bad_off;
            memcpy(first_err, c->err, sizeof first_err);
        }
        c->bad_lines++;
        if (!skip_bad) break;
        {
            const char *nl = memchr(base + bad_off, '\n', (size_t)(end - (base + bad_off)));
            p = nl ? nl + 1 : end;
        }
    }
    for (int64_t k = nring >= RING ? nring - RING + 1 : 0; k < nring; k++)
        if (!flush_one(c, &ring[k & (RING - 1)])) return;
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
        FREE_PTR(gdirect);                                                                \
        clout_i_progress_end(prog);                                                         \
        prog = NULL;                                                                      \
    } while (0)

/* The lines in [p, end): its newlines, plus one for a last line without one. */
static int64_t count_lines(const char *p, const char *end)
{
    bool open_end = end > p && end[-1] != '\n';
    const uint64_t lo7 = UINT64_C(0x7F7F7F7F7F7F7F7F), nl = UINT64_C(0x0A0A0A0A0A0A0A0A);
    int64_t n = 0;
    for (; end - p >= 8; p += 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        x ^= nl; /* a newline byte becomes 0 */
        /* the high bit of each byte that is 0 (exact: no carries between bytes), then those
         * bits summed into the top byte by one multiplication (at most 8: no overflow) */
        uint64_t z = ~(((x & lo7) + lo7) | x | lo7);
        n += (int64_t)(((z >> 7) * UINT64_C(0x0101010101010101)) >> 56);
    }
    for (; p < end; p++) n += *p == '\n';
    return n + open_end;
}

static int read_edges(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *o,
                      char msg[CLOUT_MSG_LEN])
{
    chunk *ch = NULL;
    int64_t nch = 0, **gmap = NULL, *gbase = NULL, *gdirect = NULL;
    clout_i_progress *prog = NULL;
    double t0 = clout_i_now();
    const char *start = data, *end = data + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) start += 3; /* a UTF-8 byte-order mark is no id */
    if (o->header) {
        const char *nl = memchr(start, '\n', (size_t)(end - start));
        start = nl ? nl + 1 : end;
    }    else {
        /* the header clout's own tables start with (export, generate) is no tie */
        const char *nl = memchr(start, '\n', (size_t)(end - start));
        size_t l = (size_t)((nl ? nl : end) - start);
        if (l && start[l - 1] == '\r') l--;
        ASSERT_MSG(!((l == 7 && memcmp(start, "src,dst", 7) == 0) || (l == 14 && memcmp(start, "src,dst,weight", 14) == 0)),
                   CLOUT_ERR_DATA, "%s:1: '%.*s' is a header, not a tie between users src and dst (read the file "
                   "with its header skipped)", name, (int)l, start);
    }
    /* one line-aligned chunk per thread (none smaller than 256 kB), and none over 1 GB so local
     * ids fit 32 bits */
    int nt = omp_get_max_threads();
    size_t body = (size_t)(end - start);
    int64_t want = nt;
    if ((size_t)want > body / (256 << 10) + 1) want = (int64_t)(body / (256 << 10)) + 1;
    if ((size_t)want < body / (1u << 30) + 1) want = (int64_t)(body / (1u << 30)) + 1;
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
        ch[nch].base = data;
        /* the direct table holds integer ids up to a bound that keeps it within the chunk's size */
        size_t bytes = (size_t)(stop - cur);
        ch[nch].dmax = bytes / 4 < 1024 ? 1024 : bytes / 4;
        nch++;
        cur = stop;
    }
    /* each chunk gets a region of the builder's arrays for as many ties as it has lines. One
     * chunk: an edge line takes at least 4 bytes ("a b\n"), and pages never written are never
     * touched, so that bound costs address space, not memory, and saves a counting pass over the
     * text. Several: their lines are counted exactly (in parallel, 8 bytes at a time), so on a
     * file of ties alone the regions meet and nothing moves, and otherwise the later chunks'
     * ties, moved left over the gaps of skipped lines, land in pages they already touched
     * rather than in fresh ones. */
    if (nch == 1) {
        ch[0].lines = (int64_t)((ch[0].end - ch[0].beg) / 4) + 2;
    } else {
        #pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
        for (int64_t k = 0; k < nch; k++) ch[k].lines = count_lines(ch[k].beg, ch[k].end);
    }
    int64_t total_lines = 0;
    for (int64_t k = 0; k < nch; k++) total_lines += ch[k].lines;
    TRY(clout_i_builder_reserve_edges(b, total_lines, msg));
    for (int64_t k = 0, at = b->ne; k < nch; k++) {
        ch[k].src = b->esrc + at;
        ch[k].dst = b->edst + at;
        ch[k].w = b->ew + at;
        at += ch[k].lines;
    }
    prog = clout_i_progress_start("reading edges", (double)body, "B");
    int64_t done_bytes = 0;
    bool skip = o->skip_bad_lines;
    #pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nch > 1)
    for (int64_t k = 0; k < nch; k++) {
        /* every chunk parses fully: stopping later chunks after an earlier failure would need
         * ordering between threads, and the failure path is rare */
        parse_chunk(&ch[k], data, skip, &done_bytes, prog);
    }
    clout_i_progress_end(prog);
    prog = NULL;
    /* parsing is one pass over the text: the answer is asked once it is done */
    ASSERT_MSG(!clout_i_interrupted(), CLOUT_ERR_INTERRUPTED, "interrupted");
    double t1 = clout_i_now();
    int64_t bad = 0, loops = 0, records = 0, nedges = 0;
    bool unit = true;
    uint64_t maxd = 0;
    for (int64_t k = 0; k < nch; k++) {
        ASSERT_MSG(!ch[k].nomem, CLOUT_ERR_NOMEM, "%s: out of memory while parsing", name);
        if (ch[k].failed && !skip)
            ERR(CLOUT_ERR_DATA, "%s:%lld: %s", name, (long long)clout_i_line_of(data, ch[k].err_off),
                ch[k].err);
        bad += ch[k].bad_lines;
        loops += ch[k].self_loops;
        records += ch[k].records;
        nedges += ch[k].ne;
        unit = unit && ch[k].unit_weights;
        if (ch[k].dcap > maxd) maxd = ch[k].dcap;
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
    /* merge chunk tokens into the user map in chunk order: first-appearance numbering. An
     * integer id seen by an earlier chunk is found in gdirect without hashing its text. */
    CALLOC_TRY(gmap, nch, int64_t *);
    ALLOC_TRY(gbase, nch + 1, int64_t);
    if (nch > 1) CALLOC_TRY(gdirect, maxd, int64_t);
    int64_t ntok_all = 0;
    for (int64_t k = 0; k < nch; k++) ntok_all += ch[k].ntok;
    TRY(clout_i_idmap_reserve(b->users, ch[0].ntok + (ntok_all - ch[0].ntok) / 4, msg));
    gbase[0] = b->ne;
    for (int64_t k = 0; k < nch; k++) {
        chunk *c = &ch[k];
        free(c->slot);
        c->slot = NULL;
        FREE_PTR(c->direct);
        ALLOC_TRY(gmap[k], c->ntok ? c->ntok : 1, int64_t);
        bool ident = true;
        for (int64_t j = 0; j < c->ntok; j++) {
            int64_t v = c->tok_val[j];
            if (gdirect && v >= 0 && gdirect[v]) {
                gmap[k][j] = gdirect[v] - 1;
                ident = ident && gmap[k][j] == j;
                continue;
            }
            const char *t = data + c->tok_off[j];
            uint64_t h = v >= 0 ? clout_i_hash(t, c->tok_len[j]) : c->tok_hash[j];
            int64_t g = clout_i_idmap_intern_h(b->users, t, c->tok_len[j], h, msg);
            if (g < 0) {
                int s = (int)g;
                FREE_ALL;
                return s;
            }
            gmap[k][j] = g;
            ident = ident && g == j;
            if (gdirect && v >= 0) gdirect[v] = g + 1;
        }
        /* the first list read into an empty user map: its first chunk's local ids are the users'
         * indices already */
        if (ident) FREE_PTR(gmap[k]);
        gbase[k + 1] = gbase[k] + c->ne;
    }
    FREE_PTR(gdirect);
    /* weights are kept once any tie, of this list or an earlier input, has one other than 1 */
    if (!unit) clout_i_builder_weighted(b); /* the ties of earlier inputs get weight 1 */
    bool keep_w = !b->unit_weights;
    /* translate to user indices and close the gaps left by comments, self-loops and bad lines:
     * chunk by chunk, in order, each translated where it lies (in parallel) and then moved left
     * to gbase[k], so an earlier chunk is done before a later one writes into its region. */
    for (int64_t k = 0; k < nch; k++) {
        chunk *c = &ch[k];
        const int64_t *m = gmap[k];
        int64_t *S = b->esrc + gbase[k], *D = b->edst + gbase[k];
        float *W = b->ew + gbase[k];
        #pragma omp parallel for schedule(static) num_threads(nt) if (m && c->ne > 100000)
        for (int64_t e = 0; e < (m ? c->ne : 0); e++) {
            c->src[e] = m[c->src[e]];
            c->dst[e] = m[c->dst[e]];
        }
        if (S != c->src) {
            memmove(S, c->src, (size_t)c->ne * sizeof(int64_t));
            memmove(D, c->dst, (size_t)c->ne * sizeof(int64_t));
            if (!c->unit_weights) memmove(W, c->w, (size_t)c->ne * sizeof(float));
        }
        /* weights kept: a chunk without any other than 1 gets 1s (its final region ends before
         * the next chunk's ties start) */
        if (keep_w && c->unit_weights) {
            #pragma omp parallel for schedule(static) num_threads(nt) if (c->ne > 100000)
            for (int64_t e = 0; e < c->ne; e++) W[e] = 1.0f;
        }
    }
    if (o->reverse) {
        /* a list of trust or follow ties (u trusts v): influence flows the other way */
        int64_t *S = b->esrc + b->ne, *D = b->edst + b->ne;
        #pragma omp parallel for schedule(static) num_threads(nt) if (nedges > 100000)
        for (int64_t e = 0; e < nedges; e++) {
            int64_t t = S[e];
            S[e] = D[e];
            D[e] = t;
        }
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
    FREE_ALL;
    return bad > 0 ? CLOUT_WARN_SKIPPED_LINES : CLOUT_OK;
}

/* The edge reader never writes into its text, so the caller's bytes are lent as they are. */
int clout_builder_add_edges_mem(clout_builder *b, const char *name, const char *data, size_t len,
                                const clout_read_opts *opts, char msg[CLOUT_MSG_LEN])
{
    return clout_i_builder_read(b, name, (char *)data, len, opts, read_edges, msg);
}

int clout_builder_add_edges(clout_builder *b, const char *path, const clout_read_opts *opts,
                            char msg[CLOUT_MSG_LEN])
{
    return clout_i_builder_read_file(b, path, opts, read_edges, msg);
}
