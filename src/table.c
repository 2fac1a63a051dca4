/* table.c: output tables as CSV, JSON or msgpack. A table is a header of named, typed columns
 * and rows written cell by cell. CSV: a header line then one line per row (RFC 4180 quoting).
 * JSON: an array of objects (one object for a record table). msgpack: the same shapes; rows are
 * buffered so the array length can lead, up to 65,536 rows: from there the length takes its
 * 32-bit form, so on a seekable output its place is kept and filled at the end while the rows
 * stream out (same bytes; memory stays bounded on large tables). */
#include "core_internal.h"
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <msgpack.h>
#include <msgpack/fbuffer.h>

struct clout_table {
    FILE *f;
    clout_format fmt;
    int ncols, col;
    char **names;
    bool record;
    int64_t rows;
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    bool oom;
    char *wb;           /* CSV and JSON text, written out in blocks of WBUF bytes */
    size_t wn, cap;
    bool shadow;        /* a block of rows formatted in memory (clout_table_rows): wb grows */
    bool badrow;        /* clout_table_rows: a row of another number of cells than the header's */
    bool stream;        /* msgpack array streaming out: its 32-bit length at hdr_pos is filled at the end */
    long hdr_pos;
    bool unseekable;    /* msgpack: the output cannot seek back; the whole array stays buffered */
};

#define STREAM_ROWS 65536     /* msgpack_pack_array's 32-bit form starts here */
#define STREAM_CHUNK (1 << 20) /* bytes of packed rows written at a time when streaming */

/* msgpack, after whole rows: from STREAM_ROWS rows on a seekable output, the array header goes
 * out with its length to be filled in, then the packed rows, a chunk at a time */
static void msgpack_drain(clout_table *t)
{
    if (t->record || t->shadow || t->unseekable) return;
    if (!t->stream) {
        if (t->rows < STREAM_ROWS) return;
        long pos = ftell(t->f);
        int fl = fcntl(fileno(t->f), F_GETFL); /* appending (>>): a write back would land at the end */
        if (pos < 0 || fl < 0 || (fl & O_APPEND) || fseek(t->f, pos, SEEK_SET) != 0) {
            t->unseekable = true;
            return;
        }
        static const unsigned char hdr[5] = {0xdd, 0, 0, 0, 0};
        fwrite_unlocked(hdr, 1, sizeof hdr, t->f);
        t->hdr_pos = pos;
        t->stream = true;
    } else if (t->sbuf.size < STREAM_CHUNK) {
        return;
    }
    fwrite_unlocked(t->sbuf.data, 1, t->sbuf.size, t->f);
    t->sbuf.size = 0;
}

#define WBUF (1 << 16)

static void out_flush(clout_table *t)
{
    if (t->wn && !t->shadow) fwrite_unlocked(t->wb, 1, t->wn, t->f);
    if (!t->shadow) t->wn = 0;
}

/* room for n more bytes in wb; false when the bytes were written directly (or lost to a failed
 * allocation, which sets oom) */
static bool out_room(clout_table *t, size_t n)
{
    if (!t->shadow) {
        out_flush(t);
        if (n <= t->cap) return true;
        return false;
    }
    size_t cap = t->cap;
    while (cap - t->wn < n) cap *= 2;
    char *nb = realloc(t->wb, cap);
    if (nb == NULL) {
        t->oom = true;
        return false;
    }
    t->wb = nb;
    t->cap = cap;
    return true;
}

static inline void out_bytes(clout_table *t, const void *p, size_t n)
{
    if (n > t->cap - t->wn && !out_room(t, n)) {
        if (!t->shadow) fwrite_unlocked(p, 1, n, t->f);
        return;
    }
    memcpy(t->wb + t->wn, p, n);
    t->wn += n;
}

static inline void out_char(clout_table *t, char c)
{
    if (t->wn == t->cap && !out_room(t, 1)) return;
    t->wb[t->wn++] = c;
}

static void out_str(clout_table *t, const char *s) { out_bytes(t, s, strlen(s)); }

int clout_format_parse(const char *s, clout_format *fmt)
{
    if (strcmp(s, "csv") == 0) *fmt = CLOUT_FMT_CSV;
    else if (strcmp(s, "json") == 0) *fmt = CLOUT_FMT_JSON;
    else if (strcmp(s, "msgpack") == 0) *fmt = CLOUT_FMT_MSGPACK;
    else return CLOUT_ERR_INVALID;
    return CLOUT_OK;
}

static void free_table(clout_table *t)
{
    if (t == NULL) return;
    if (t->names)
        for (int i = 0; i < t->ncols; i++) free(t->names[i]);
    free(t->names);
    msgpack_sbuffer_destroy(&t->sbuf);
    free(t->wb);
    free(t);
}

#undef FREE_ALL
#define FREE_ALL free_table(t)

int clout_table_begin(clout_table **out, FILE *f, clout_format fmt, int ncols, const char *const *names, bool record,
                      char msg[CLOUT_MSG_LEN])
{
    clout_table *t = clout_i_calloc(1, sizeof(*t));
    ASSERT_MSG(t != NULL, CLOUT_ERR_NOMEM, "out of memory");
    msgpack_sbuffer_init(&t->sbuf);
    msgpack_packer_init(&t->pk, &t->sbuf, msgpack_sbuffer_write);
    t->f = f;
    t->fmt = fmt;
    t->ncols = ncols;
    t->record = record;
    CALLOC_TRY(t->names, ncols, char *);
    t->wb = clout_i_malloc(WBUF, 1);
    t->cap = WBUF;
    ASSERT_MSG(t->wb != NULL, CLOUT_ERR_NOMEM, "out of memory");
    for (int i = 0; i < ncols; i++) {
        t->names[i] = clout_i_strdup(names[i]);
        ASSERT_MSG(t->names[i] != NULL, CLOUT_ERR_NOMEM, "out of memory");
    }
    if (fmt == CLOUT_FMT_CSV) {
        for (int i = 0; i < ncols; i++) {
            if (i) out_char(t, ',');
            out_str(t, names[i]);
        }
        out_char(t, '\n');
    } else if (fmt == CLOUT_FMT_JSON && !record) {
        out_char(t, '[');
    }
    *out = t;
    return CLOUT_OK;
}

static void json_str(clout_table *f, const unsigned char *s, size_t n)
{
    out_char(f, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            out_char(f, '\\');
            out_char(f, c);
            i++;
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            out_bytes(f, esc, 6);
            i++;
        } else if (c < 0x80) {
            out_char(f, c);
            i++;
        } else {
            /* copy a valid UTF-8 sequence; show a stray byte as the Latin-1 character it would be */
            int len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            bool ok = len > 0 && i + (size_t)len <= n;
            for (int k = 1; ok && k < len; k++) ok = (s[i + k] & 0xc0) == 0x80;
            if (ok && len == 3) ok = !(c == 0xe0 && s[i + 1] < 0xa0) && !(c == 0xed && s[i + 1] >= 0xa0);
            if (ok && len == 4) ok = !(c == 0xf0 && s[i + 1] < 0x90) && !(c == 0xf4 && s[i + 1] >= 0x90);
            if (ok) {
                out_bytes(f, s + i, (size_t)len);
                i += (size_t)len;
            } else {
                char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            out_bytes(f, esc, 6);
                i++;
            }
        }
    }
    out_char(f, '"');
}

static void csv_str(clout_table *f, const char *s, size_t n)
{
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++) quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        out_bytes(f, s, n);
        return;
    }
    out_char(f, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') out_char(f, '"');
        out_char(f, s[i]);
    }
    out_char(f, '"');
}

/* Separator and key before a cell; starts a row on its first cell. */
static void cell_begin(clout_table *t)
{
    if (t->fmt == CLOUT_FMT_CSV) {
        if (t->col > 0) out_char(t, ',');
    } else if (t->fmt == CLOUT_FMT_JSON) {
        if (t->col == 0) out_str(t, t->record ? "{" : (t->rows ? ",\n{" : "\n{"));
        else out_char(t, ',');
        json_str(t, (const unsigned char *)t->names[t->col], strlen(t->names[t->col]));
        out_char(t, ':');
    } else {
        if (t->col == 0) msgpack_pack_map(&t->pk, (size_t)t->ncols);
        size_t n = strlen(t->names[t->col]);
        msgpack_pack_str(&t->pk, n);
        msgpack_pack_str_body(&t->pk, t->names[t->col], n);
    }
}

static void cell_end(clout_table *t)
{
    if (++t->col < t->ncols) return;
    t->col = 0;
    t->rows++;
    if (t->fmt == CLOUT_FMT_CSV) out_char(t, '\n');
    else if (t->fmt == CLOUT_FMT_JSON) out_char(t, '}');
    else msgpack_drain(t);
}

void clout_table_str(clout_table *t, const char *s, size_t len)
{
    cell_begin(t);
    if (s == NULL) {
        if (t->fmt == CLOUT_FMT_JSON) out_str(t, "null");
        else if (t->fmt == CLOUT_FMT_MSGPACK) msgpack_pack_nil(&t->pk);
    } else if (t->fmt == CLOUT_FMT_CSV) {
        csv_str(t, s, len);
    } else if (t->fmt == CLOUT_FMT_JSON) {
        json_str(t, (const unsigned char *)s, len);
    } else {
        msgpack_pack_str(&t->pk, len);
        msgpack_pack_str_body(&t->pk, s, len);
    }
    cell_end(t);
}

/* v in decimal, written backwards ending just before end; returns its first character.
 * Hand-rolled: printf dominated writing large edge tables. end needs 20 characters before it. */
static char *fmt_int(char *end, int64_t v)
{
    char *p = end;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    return p;
}

void clout_table_int(clout_table *t, int64_t v)
{
    cell_begin(t);
    if (t->fmt == CLOUT_FMT_MSGPACK) {
        msgpack_pack_int64(&t->pk, v);
    } else {
        char buf[24], *e = buf + sizeof buf, *p = fmt_int(e, v);
        out_bytes(t, p, (size_t)(e - p));
    }
    cell_end(t);
}

/* ------------------------------------------------------------ reals
 * A real cell is the %.Ng text, for the smallest N from 15 (6 for a float) to 17 (9), that reads
 * back as exactly the value. printf and strtod did this at about 1 µs a cell, which dominated
 * writing large tables. It is now done here: doubles in 128-bit fixed point (fast_real64 below),
 * floats in extended precision (x87 long double, 64-bit significand), Grisu-style: the value
 * scaled by a power of ten gives the N-digit candidate, and
 * the candidate reads back as v exactly when it lies inside v's rounding interval. Both
 * questions are answered only when the long double result is farther from the decision boundary
 * than its error bound (scale error below 2^-63 relative; margins 2^-62 for the rounding, 2^-58
 * for the interval, and 2^-50 for floats, whose reference reads back through a double first);
 * otherwise (a few cells in a hundred at 17 digits, fewer at 15 and 16) the printf/strtod rule
 * decides. test_table checks 10^6 values of each kind against that rule, and fails when the
 * margins are removed. */

#define P10_LO (-360)
#define P10_HI 360
static long double p10[P10_HI - P10_LO + 1]; /* 10^k correctly rounded (strtold) */
static pthread_once_t p10_once = PTHREAD_ONCE_INIT;

/* 10^k = (t1 2^64 + t0) 2^e exactly up to truncation below the 128 bits (relative error under
 * 2^-127), t1's top bit set: the doubles' scale factors, from exact big-number arithmetic */
static uint64_t p10t1[P10_HI - P10_LO + 1], p10t0[P10_HI - P10_LO + 1];
static int p10e[P10_HI - P10_LO + 1];

/* the 64 bits of the little-endian number w (nw words) from bit pos up (bits below 0 read 0) */
static uint64_t bits64(const uint64_t *w, int nw, int pos)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        int b = pos + i;
        if (b >= 0 && b / 64 < nw && (w[b / 64] >> (b % 64) & 1)) r |= 1ULL << i;
    }
    return r;
}

static int bitlen(const uint64_t *w, int nw)
{
    for (int i = nw - 1; i >= 0; i--)
        if (w[i]) return 64 * i + 64 - __builtin_clzll(w[i]);
    return 0;
}

static void p10_entry(int k, const uint64_t *w, int nw, int frac_bits)
{
    int L = bitlen(w, nw);
    p10t1[k - P10_LO] = bits64(w, nw, L - 64);
    p10t0[k - P10_LO] = bits64(w, nw, L - 128);
    p10e[k - P10_LO] = L - 128 - frac_bits;
}

static void p10_init(void)
{
    char b[16];
    for (int k = P10_LO; k <= P10_HI; k++) {
        snprintf(b, sizeof b, "1e%d", k);
        p10[k - P10_LO] = strtold(b, NULL);
    }
    /* 10^k, k >= 0: an integer multiplied by ten; 10^-k: a fixed-point one with 1408 fraction
     * bits (10^-360 is about 2^-1196: over 200 significant bits left) divided by ten */
    enum { NW = 23, FRAC = 64 * (NW - 1) };
    uint64_t w[NW] = {0};
    w[0] = 1;
    for (int k = 0; k <= P10_HI; k++) {
        p10_entry(k, w, NW, 0);
        unsigned __int128 carry = 0;
        for (int i = 0; i < NW; i++) {
            carry += (unsigned __int128)w[i] * 10;
            w[i] = (uint64_t)carry;
            carry >>= 64;
        }
    }
    memset(w, 0, sizeof w);
    w[NW - 1] = 1;
    for (int k = -1; k >= P10_LO; k--) {
        unsigned __int128 rem = 0;
        for (int i = NW - 1; i >= 0; i--) {
            unsigned __int128 cur = rem << 64 | w[i];
            w[i] = (uint64_t)(cur / 10);
            rem = cur % 10;
        }
        p10_entry(k, w, NW, FRAC);
    }
}

static size_t slow_real(char *buf, size_t n, double v, bool single)
{
    for (int prec = single ? 6 : 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (prec == 17) break; /* 17 significant digits always read back exactly (9 for a float) */
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) break;
    }
    return strlen(buf);
}

/* the digits of D (P of them, D < 10^P) with decimal exponent X, as %.Pg prints them */
static size_t print_g(char *buf, bool neg, uint64_t D, int P, int X)
{
    static const char pairs[201] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
    char dig[24];
    int i = P;
    for (; i >= 2; i -= 2) {
        memcpy(dig + i - 2, pairs + 2 * (D % 100), 2);
        D /= 100;
    }
    if (i == 1) dig[0] = (char)('0' + D);
    int nd = P;
    while (nd > 1 && dig[nd - 1] == '0') nd--;
    char *p = buf;
    if (neg) *p++ = '-';
    if (X < -4 || X >= P) {
        *p++ = dig[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, dig + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        *p++ = 'e';
        *p++ = X < 0 ? '-' : '+';
        int e = X < 0 ? -X : X;
        if (e >= 100) *p++ = (char)('0' + e / 100);
        *p++ = (char)('0' + e / 10 % 10);
        *p++ = (char)('0' + e % 10);
    } else if (X >= 0) {
        for (int i = 0; i <= X; i++) *p++ = i < nd ? dig[i] : '0';
        if (nd > X + 1) {
            *p++ = '.';
            memcpy(p, dig + X + 1, (size_t)(nd - X - 1));
            p += nd - X - 1;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -X - 1; i++) *p++ = '0';
        memcpy(p, dig, (size_t)nd);
        p += nd;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

static const uint64_t pow10u[20] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
                                    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
                                    1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
                                    1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
                                    1000000000000000000ULL, 10000000000000000000ULL};

/* D17 (pmax digits, exponent X17) rounded to P digits; off = (exact scaled value) - D17, known
 * within err, settles a tie of the digits dropped (false when even that is too close to call) */
static bool round_to(uint64_t D17, int X17, long double off, long double err, int pmax, int P, uint64_t *D, int *X)
{
    uint64_t div = pow10u[pmax - P], rem = D17 % div;
    bool up = rem > div / 2;
    if (rem == div / 2) {
        if (fabsl(off) <= err) return false;
        up = off > 0;
    }
    *D = D17 / div + up;
    *X = X17;
    if (*D >= pow10u[P]) {
        *D /= 10;
        ++*X;
    }
    return true;
}

typedef unsigned __int128 u128;

/* (w2 w1 w0) >> r when it fits in 128 bits */
static bool shr192(uint64_t w2, uint64_t w1, uint64_t w0, int r, u128 *out)
{
    uint64_t o0, o1, o2 = 0;
    if (r <= 0 || r >= 192) return false;
    if (r < 64) {
        o0 = w0 >> r | w1 << (64 - r);
        o1 = w1 >> r | w2 << (64 - r);
        o2 = w2 >> r;
    } else if (r == 64) {
        o0 = w1;
        o1 = w2;
    } else if (r < 128) {
        o0 = w1 >> (r - 64) | w2 << (128 - r);
        o1 = w2 >> (r - 64);
    } else {
        o0 = r == 128 ? w2 : w2 >> (r - 128);
        o1 = 0;
    }
    if (o2) return false;
    *out = (u128)o1 << 64 | o0;
    return true;
}

#define FIXED_EPS 16 /* 2^-60 in units of 2^-64 */

/* s = S + fr 2^-64 rounded to a multiple of div (a constant where it is called: no division
 * instruction) in *D (in units of div): 1 when it lies within the half-gap (g above s, glo below),
 * 0 when not, -1 when either decision is within FIXED_EPS of its boundary */
static inline int digits_within(uint64_t S, uint64_t fr, uint64_t div, u128 g, u128 glo, uint64_t *D)
{
    uint64_t rem = S % div;
    u128 remf = (u128)rem << 64 | fr, half = (u128)div << 63;
    if (remf + FIXED_EPS >= half && remf <= half + FIXED_EPS) return -1;
    bool up = remf > half;
    u128 dist = up ? ((u128)div << 64) - remf : remf, gap = up ? g : glo;
    if (dist + FIXED_EPS >= gap && dist <= gap + FIXED_EPS) return -1;
    *D = S / div + up;
    return dist < gap;
}

/* The rule for doubles in 128-bit fixed point. v = m 2^q exactly; s = v 10^k with k chosen so that
 * 10^16 <= s < 10^17, and g = 2^(q-1) 10^k, half the spacing of doubles at v in the same scale
 * (the lower half-gap is g/2 when v is a power of two above the smallest normal), both as 64.64
 * fixed-point numbers from the 128-bit 10^k: each is within 2 units of 2^-64 of the exact value,
 * so a decision is trusted when it is more than FIXED_EPS = 2^-60 from its boundary (else 0: printf
 * decides). %.Pg's digits are s / 10^(17-P) rounded to nearest; they read back as v when they lie
 * within the half-gap of s. */
static size_t fast_real64(char *buf, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool neg = bits >> 63;
    int be = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((1ULL << 52) - 1);
    bool lower_closer = m == 0 && be > 1;
    if (be == 0x7ff || (be == 0 && m == 0)) return 0;
    int q = be ? be - 1075 : -1074;
    if (be) m |= 1ULL << 52;
    int e2 = q + 64 - __builtin_clzll(m); /* v in [2^(e2-1), 2^e2) */
    int X = ((e2 - 1) * 78913) >> 18; /* floor((e2 - 1) log10 2), or one off: corrected below */
    u128 s = 0, g = 0;
    uint64_t S = 0;
    for (int tries = 0;; tries++) {
        int k = 16 - X;
        if (tries == 3 || k < P10_LO || k > P10_HI) return 0;
        uint64_t t1 = p10t1[k - P10_LO], t0 = p10t0[k - P10_LO];
        u128 lo = (u128)m * t0, hi = (u128)m * t1;
        u128 mid = (lo >> 64) + (uint64_t)hi;
        int r = -(p10e[k - P10_LO] + q + 64);
        if (!shr192((uint64_t)(hi >> 64) + (uint64_t)(mid >> 64), (uint64_t)mid, (uint64_t)lo, r, &s)) return 0;
        S = (uint64_t)(s >> 64);
        if (S < pow10u[16]) X--;
        else if (S >= pow10u[17]) X++;
        else {
            if (r + 1 >= 128 + 64) return 0;
            u128 t = (u128)t1 << 64 | t0;
            g = r + 1 >= 128 ? (u128)(t1 >> (r + 1 - 128)) : t >> (r + 1);
            break;
        }
    }
    u128 glo = lower_closer ? g / 2 : g;
    uint64_t fr = (uint64_t)s, D;
    int st = digits_within(S, fr, 100, g, glo, &D);
    if (st == 0) st = digits_within(S, fr, 10, g, glo, &D) * 16;
    if (st < 0) return 0;
    if (st > 0) {
        int P = st == 1 ? 15 : 16;
        if (D >= pow10u[P]) D /= 10, X++;
        return print_g(buf, neg, D, P, X);
    }
    /* 17 digits always read back exactly */
    const uint64_t h = 1ULL << 63;
    if ((fr >= h ? fr - h : h - fr) <= FIXED_EPS) return 0;
    D = S + (fr > h);
    if (D >= pow10u[17]) D /= 10, X++;
    return print_g(buf, neg, D, 17, X);
}

/* the rule in extended precision: the text's length, or 0 when a decision was too close to call */
static size_t fast_real(char *buf, size_t n, double v, bool single)
{
    if (v == 0 || !isfinite(v)) return 0;
    pthread_once(&p10_once, p10_init);
    bool neg = v < 0;
    double a = fabs(v);
    int e2;
    double m = frexp(a, &e2);
    const int bits = single ? 24 : 53, emin = single ? -125 : -1021;
    const int pmin = single ? 6 : 15, pmax = single ? 9 : 17;
    long double la = a, ulp = ldexp(1.0, (e2 < emin ? emin : e2) - bits);
    long double hi_gap = ulp / 2, lo_gap = (m == 0.5 && e2 > emin) ? ulp / 4 : ulp / 2;
    long double margin = la * (single ? 0x1p-50L : 0x1p-58L);
    /* a = m 2^e2 with m in [1/2, 1): the decimal exponent is floor((e2 - 1) log10 2) or one more */
    int X = (int)floor((e2 - 1) * 0.30102999566398120);
    long double s = 0;
    const long double lo10 = p10[pmax - 1 - P10_LO], hi10 = p10[pmax - P10_LO]; /* exact */
    for (int tries = 0; tries < 3; tries++) {
        int k = pmax - 1 - X;
        if (k < P10_LO || k > P10_HI) return 0;
        s = la * p10[k - P10_LO];
        if (s < lo10) X--;
        else if (s >= hi10) X++;
        else break;
    }
    if (s < lo10 || s >= hi10) return 0;
    /* s is within s 2^-63 of the exact a 10^k (two roundings of 2^-64): its rounding to an integer
     * is known unless s lies that close to a half; then both neighbours are carried along */
    int64_t r = llrintl(s);
    long double f = s - (long double)r; /* in [-1/2, 1/2] */
    long double err = s * 0x1p-62L;
    bool unsure = fabsl(fabsl(f) - 0.5L) <= err;
    uint64_t Dlo = (uint64_t)r - (unsure && f < 0), Dhi = Dlo + 1;
    long double offlo = s - (long double)Dlo, offhi = s - (long double)Dhi;
    int Xlo = X, Xhi = X;
    if (Dlo >= pow10u[pmax]) Dlo /= 10, Xlo++;
    if (Dhi >= pow10u[pmax]) Dhi /= 10, Xhi++;
    for (int P = pmin; P < pmax; P++) {
        uint64_t D, D2;
        int Xr, X2;
        if (!round_to(Dlo, Xlo, offlo, err, pmax, P, &D, &Xr)) return 0;
        if (unsure && (!round_to(Dhi, Xhi, offhi, err, pmax, P, &D2, &X2) || D2 != D || X2 != Xr)) return 0;
        int k = Xr - (P - 1);
        if (k < P10_LO || k > P10_HI) return 0;
        long double t = (long double)D * p10[k - P10_LO], d = t - la;
        long double gap = d >= 0 ? hi_gap : lo_gap;
        if (fabsl(fabsl(d) - gap) <= margin) return 0;
        if (fabsl(d) <= gap) {
            return print_g(buf, neg, D, P, Xr);
        }
    }
    /* pmax digits always read back exactly: printf settles an unsure last digit */
    if (unsure) return (size_t)snprintf(buf, n, "%.*g", pmax, v);
    return print_g(buf, neg, Dlo, pmax, Xlo);
}

/* shortest %.Ng text that reads back as exactly v; returns its length */
static size_t fmt_real(char *buf, size_t n, double v, bool single)
{
    if (fabs(v) < (single ? 1e6 : 1e15) && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        /* whole numbers (counts, zeros) print as %.15g (%.6g) would */
        char tmp[24], *e = tmp + sizeof tmp, *p = fmt_int(e, (int64_t)v);
        size_t len = (size_t)(e - p) < n - 1 ? (size_t)(e - p) : n - 1;
        memcpy(buf, p, len);
        buf[len] = 0;
        return len;
    }
    size_t len = 0;
    if (n >= 32 && !single) {
        pthread_once(&p10_once, p10_init);
        len = fast_real64(buf, v);
    } else if (n >= 32) {
        len = fast_real(buf, n, v, single);
    }
    return len ? len : slow_real(buf, n, v, single);
}

static void real_cell(clout_table *t, double v, bool single)
{
    cell_begin(t);
    if (t->fmt == CLOUT_FMT_MSGPACK) {
        if (single) msgpack_pack_float(&t->pk, (float)v);
        else msgpack_pack_double(&t->pk, v);
    } else if (!isfinite(v)) {
        out_str(t, t->fmt == CLOUT_FMT_JSON ? "null" : isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    } else {
        char buf[40];
        size_t len = fmt_real(buf, sizeof buf, v, single);
        out_bytes(t, buf, len);
    }
    cell_end(t);
}

void clout_table_real(clout_table *t, double v)
{
    real_cell(t, v, false);
}

void clout_table_real32(clout_table *t, float v)
{
    real_cell(t, v, true);
}

void clout_table_bool(clout_table *t, bool v)
{
    cell_begin(t);
    if (t->fmt == CLOUT_FMT_MSGPACK) {
        if (v) msgpack_pack_true(&t->pk);
        else msgpack_pack_false(&t->pk);
    } else {
        out_str(t, v ? "true" : "false");
    }
    cell_end(t);
}

void clout_table_null(clout_table *t)
{
    clout_table_str(t, NULL, 0);
}

static void shadow_free(clout_table *s)
{
    if (s == NULL) return;
    msgpack_sbuffer_destroy(&s->sbuf);
    free(s->wb);
    free(s);
}

static clout_table *shadow_new(const clout_table *t)
{
    clout_table *s = clout_i_calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    *s = *t;
    s->f = NULL;
    s->shadow = true;
    s->wn = 0;
    s->cap = WBUF;
    s->wb = clout_i_malloc(WBUF, 1);
    msgpack_sbuffer_init(&s->sbuf);
    msgpack_packer_init(&s->pk, &s->sbuf, msgpack_sbuffer_write);
    if (s->wb == NULL) {
        shadow_free(s);
        return NULL;
    }
    return s;
}

#undef FREE_ALL
#define FREE_ALL                                                   \
    do {                                                           \
        for (int j_ = 0; sh && j_ < per; j_++) shadow_free(sh[j_]); \
        free(sh);                                                  \
    } while (0)

int clout_table_rows(clout_table *t, int64_t nrows, clout_row_fn fn, void *ctx, char msg[CLOUT_MSG_LEN])
{
    clout_table **sh = NULL;
    int per = 0;
    ASSERT_MSG(t->col == 0 && !t->record, CLOUT_ERR_INVALID, "clout_table_rows: not at the start of a row of an array");
    ASSERT_MSG(nrows >= 0, CLOUT_ERR_INVALID, "clout_table_rows: %lld rows", (long long)nrows);
    int nt = omp_get_max_threads();
    if (nt <= 1 || nrows < 2 * 8192) {
        for (int64_t r = 0; r < nrows && t->col == 0; r++) {
            fn(ctx, r, t);
            ASSERT_MSG(t->col == 0, CLOUT_ERR_INVALID, "clout_table_rows: row %lld has another number of cells than "
                       "the %d columns", (long long)r, t->ncols);
        }
        return CLOUT_OK;
    }
    /* blocks of B rows, formatted a round of `per` blocks at a time in parallel, written in order */
    const int64_t B = 8192, nblocks = (nrows + B - 1) / B;
    per = 4 * nt;
    sh = clout_i_calloc((size_t)per, sizeof *sh);
    ASSERT_MSG(sh != NULL, CLOUT_ERR_NOMEM, "out of memory");
    for (int j = 0; j < per; j++) {
        sh[j] = shadow_new(t);
        ASSERT_MSG(sh[j] != NULL, CLOUT_ERR_NOMEM, "out of memory");
    }
    for (int64_t b0 = 0; b0 < nblocks; b0 += per) {
        int nb = (int)(nblocks - b0 < per ? nblocks - b0 : per);
        int64_t base = t->rows;
#pragma omp parallel for schedule(dynamic, 1)
        for (int j = 0; j < nb; j++) {
            clout_table *s = sh[j];
            int64_t lo = (b0 + j) * B, hi = lo + B < nrows ? lo + B : nrows;
            s->wn = 0;
            s->sbuf.size = 0;
            s->col = 0;
            s->rows = base + (lo - b0 * B); /* JSON: every row but the table's first begins with a comma */
            for (int64_t r = lo; r < hi && !s->badrow; r++) {
                fn(ctx, r, s);
                s->badrow = s->col != 0;
            }
        }
        for (int j = 0; j < nb; j++) {
            clout_table *s = sh[j];
            ASSERT_MSG(!s->oom, CLOUT_ERR_NOMEM, "out of memory formatting a block of rows");
            ASSERT_MSG(!s->badrow, CLOUT_ERR_INVALID, "clout_table_rows: a row has another number of cells than the "
                       "%d columns", t->ncols);
            if (t->fmt == CLOUT_FMT_MSGPACK)
                ASSERT_MSG(msgpack_sbuffer_write(&t->sbuf, s->sbuf.data, s->sbuf.size) == 0, CLOUT_ERR_NOMEM,
                           "out of memory");
            else out_bytes(t, s->wb, s->wn);
        }
        t->rows += ((b0 + nb) * B < nrows ? (b0 + nb) * B : nrows) - b0 * B;
        if (t->fmt == CLOUT_FMT_MSGPACK) msgpack_drain(t);
        ASSERT_MSG(!clout_i_interrupted(), CLOUT_ERR_INTERRUPTED, "interrupted");
    }
    FREE_ALL;
    return CLOUT_OK;
}

void clout_table_flush(clout_table *t)
{
    if (t == NULL || t->shadow) return;
    out_flush(t);
    fflush(t->f);
}

#undef FREE_ALL
#define FREE_ALL free_table(tab)

int clout_table_end(clout_table **tp, char msg[CLOUT_MSG_LEN])
{
    clout_table *tab = *tp;
    *tp = NULL;
    if (tab == NULL) return CLOUT_OK;
    ASSERT_MSG(tab->col == 0, CLOUT_ERR_INTERNAL, "table ended in the middle of a row");
    if (tab->fmt == CLOUT_FMT_JSON) out_str(tab, tab->record ? "\n" : "\n]\n");
    out_flush(tab);
    if (tab->fmt == CLOUT_FMT_MSGPACK && tab->stream) {
        ASSERT_MSG(tab->rows <= (int64_t)UINT32_MAX, CLOUT_ERR_INVALID, "%lld rows: a msgpack array holds at most %u",
                   (long long)tab->rows, UINT32_MAX);
        fwrite_unlocked(tab->sbuf.data, 1, tab->sbuf.size, tab->f);
        long end = ftell(tab->f);
        uint32_t r = (uint32_t)tab->rows;
        unsigned char be[4] = {(unsigned char)(r >> 24), (unsigned char)(r >> 16), (unsigned char)(r >> 8),
                               (unsigned char)r};
        ASSERT_MSG(end >= 0 && fseek(tab->f, tab->hdr_pos + 1, SEEK_SET) == 0 && fwrite(be, 1, 4, tab->f) == 4 &&
                       fseek(tab->f, end, SEEK_SET) == 0,
                   CLOUT_ERR_IO, "write error (filling in the msgpack array's length)");
    } else if (tab->fmt == CLOUT_FMT_MSGPACK) {
        msgpack_packer pk;
        msgpack_packer_init(&pk, tab->f, msgpack_fbuffer_write);
        if (!tab->record) msgpack_pack_array(&pk, (size_t)tab->rows);
        fwrite_unlocked(tab->sbuf.data, 1, tab->sbuf.size, tab->f);
    }
    ASSERT_MSG(!ferror(tab->f), CLOUT_ERR_IO, "write error");
    FREE_ALL;
    return CLOUT_OK;
}
