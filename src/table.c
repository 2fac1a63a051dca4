/* table.c: output tables as CSV, JSON or msgpack. A table is a header of named, typed columns
 * and rows written cell by cell. CSV: a header line then one line per row (RFC 4180 quoting).
 * JSON: an array of objects (one object for a record table). msgpack: the same shapes; rows are
 * buffered so the array length can lead. */
#include "core_internal.h"
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
};

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
    for (int i = 0; i < ncols; i++) {
        t->names[i] = clout_i_strdup(names[i]);
        ASSERT_MSG(t->names[i] != NULL, CLOUT_ERR_NOMEM, "out of memory");
    }
    if (fmt == CLOUT_FMT_CSV) {
        for (int i = 0; i < ncols; i++) fprintf(f, "%s%s", i ? "," : "", names[i]);
        fputc('\n', f);
    } else if (fmt == CLOUT_FMT_JSON && !record) {
        fputc('[', f);
    }
    *out = t;
    return CLOUT_OK;
}

static void json_str(FILE *f, const unsigned char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            i++;
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, f);
            i++;
        } else {
            /* copy a valid UTF-8 sequence; show a stray byte as the Latin-1 character it would be */
            int len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            bool ok = len > 0 && i + (size_t)len <= n;
            for (int k = 1; ok && k < len; k++) ok = (s[i + k] & 0xc0) == 0x80;
            if (ok && len == 3) ok = !(c == 0xe0 && s[i + 1] < 0xa0) && !(c == 0xed && s[i + 1] >= 0xa0);
            if (ok && len == 4) ok = !(c == 0xf0 && s[i + 1] < 0x90) && !(c == 0xf4 && s[i + 1] >= 0x90);
            if (ok) {
                fwrite(s + i, 1, (size_t)len, f);
                i += (size_t)len;
            } else {
                fprintf(f, "\\u%04x", c);
                i++;
            }
        }
    }
    fputc('"', f);
}

static void csv_str(FILE *f, const char *s, size_t n)
{
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++) quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* Separator and key before a cell; starts a row on its first cell. */
static void cell_begin(clout_table *t)
{
    if (t->fmt == CLOUT_FMT_CSV) {
        if (t->col > 0) fputc(',', t->f);
    } else if (t->fmt == CLOUT_FMT_JSON) {
        if (t->col == 0) fputs(t->record ? "{" : (t->rows ? ",\n{" : "\n{"), t->f);
        else fputc(',', t->f);
        json_str(t->f, (const unsigned char *)t->names[t->col], strlen(t->names[t->col]));
        fputc(':', t->f);
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
    if (t->fmt == CLOUT_FMT_CSV) fputc('\n', t->f);
    else if (t->fmt == CLOUT_FMT_JSON) fputc('}', t->f);
}

void clout_table_str(clout_table *t, const char *s, size_t len)
{
    cell_begin(t);
    if (s == NULL) {
        if (t->fmt == CLOUT_FMT_JSON) fputs("null", t->f);
        else if (t->fmt == CLOUT_FMT_MSGPACK) msgpack_pack_nil(&t->pk);
    } else if (t->fmt == CLOUT_FMT_CSV) {
        csv_str(t->f, s, len);
    } else if (t->fmt == CLOUT_FMT_JSON) {
        json_str(t->f, (const unsigned char *)s, len);
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
        fwrite(p, 1, (size_t)(e - p), t->f);
    }
    cell_end(t);
}

/* ------------------------------------------------------------ reals
 * A real cell is the %.Ng text, for the smallest N from 15 (6 for a float) to 17 (9), that reads
 * back as exactly the value. printf and strtod did this at about 1 µs a cell, which dominated
 * writing large tables; it is now done here in extended precision (x87 long double, 64-bit
 * significand), Grisu-style: the value scaled by a power of ten gives the N-digit candidate, and
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

static void p10_init(void)
{
    char b[16];
    for (int k = P10_LO; k <= P10_HI; k++) {
        snprintf(b, sizeof b, "1e%d", k);
        p10[k - P10_LO] = strtold(b, NULL);
    }
}

static void slow_real(char *buf, size_t n, double v, bool single)
{
    for (int prec = single ? 6 : 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (prec == 17) return; /* 17 significant digits always read back exactly (9 for a float) */
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) return;
    }
}

/* the digits of D (P of them, D < 10^P) with decimal exponent X, as %.Pg prints them */
static size_t print_g(char *buf, bool neg, uint64_t D, int P, int X)
{
    char dig[24];
    for (int i = P - 1; i >= 0; i--) {
        dig[i] = (char)('0' + D % 10);
        D /= 10;
    }
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

/* the rule in extended precision; false when a decision was too close to call */
static bool fast_real(char *buf, double v, bool single)
{
    if (v == 0 || !isfinite(v)) return false;
    pthread_once(&p10_once, p10_init);
    bool neg = v < 0;
    double a = fabs(v);
    int e2;
    double m = frexp(a, &e2);
    const int bits = single ? 24 : 53, emin = single ? -125 : -1021;
    long double ulp = ldexpl(1.0L, (e2 < emin ? emin : e2) - bits);
    long double hi_gap = ulp / 2, lo_gap = (m == 0.5 && e2 > emin) ? ulp / 4 : ulp / 2;
    long double la = a, margin = la * (single ? 0x1p-50L : 0x1p-58L);
    int X = (int)floor(log10(a));
    const int pmin = single ? 6 : 15, pmax = single ? 9 : 17;
    for (int P = pmin; P <= pmax; P++) {
        long double s = 0;
        for (int tries = 0; tries < 3; tries++) {
            int k = P - 1 - X;
            if (k < P10_LO || k > P10_HI) return false;
            s = la * p10[k - P10_LO];
            if (s < p10[P - 1 - P10_LO] * (1 - 0x1p-60L)) X--;
            else if (s >= p10[P - P10_LO]) X++;
            else break;
        }
        if (s < p10[P - 1 - P10_LO] * (1 - 0x1p-60L) || s >= p10[P - P10_LO]) return false;
        /* s is within s * 2^-63 of the exact product (two roundings of 2^-64): rounding it to
         * an integer is safe unless it lies that close to a half */
        long double fl = floorl(s), f = s - fl, err = s * 0x1p-62L;
        if (fabsl(f - 0.5L) <= err) return false;
        uint64_t D = (uint64_t)fl + (f > 0.5L);
        int Xr = X;
        uint64_t top = 1;
        for (int i = 0; i < P; i++) top *= 10;
        if (D >= top) {
            D /= 10;
            Xr++;
        }
        if (P < pmax) {
            int k = Xr - (P - 1);
            if (k < P10_LO || k > P10_HI) return false;
            long double t = (long double)D * p10[k - P10_LO], d = t - la;
            long double gap = d >= 0 ? hi_gap : lo_gap;
            if (fabsl(fabsl(d) - gap) <= margin) return false;
            if (fabsl(d) > gap) continue; /* does not read back: one digit more */
        }
        print_g(buf, neg, D, P, Xr);
        return true;
    }
    return false;
}

/* shortest %.Ng text that reads back as exactly v */
static void fmt_real(char *buf, size_t n, double v, bool single)
{
    if (fabs(v) < (single ? 1e6 : 1e15) && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        /* whole numbers (counts, zeros) print as %.15g (%.6g) would */
        char tmp[24], *e = tmp + sizeof tmp, *p = fmt_int(e, (int64_t)v);
        size_t len = (size_t)(e - p) < n - 1 ? (size_t)(e - p) : n - 1;
        memcpy(buf, p, len);
        buf[len] = 0;
        return;
    }
    if (n >= 32 && fast_real(buf, v, single)) return;
    slow_real(buf, n, v, single);
}

static void real_cell(clout_table *t, double v, bool single)
{
    cell_begin(t);
    if (t->fmt == CLOUT_FMT_MSGPACK) {
        if (single) msgpack_pack_float(&t->pk, (float)v);
        else msgpack_pack_double(&t->pk, v);
    } else if (!isfinite(v)) {
        fputs(t->fmt == CLOUT_FMT_JSON ? "null" : isnan(v) ? "nan" : v > 0 ? "inf" : "-inf", t->f);
    } else {
        char buf[40];
        fmt_real(buf, sizeof buf, v, single);
        fputs(buf, t->f);
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
        fputs(v ? "true" : "false", t->f);
    }
    cell_end(t);
}

void clout_table_null(clout_table *t)
{
    clout_table_str(t, NULL, 0);
}

#undef FREE_ALL
#define FREE_ALL free_table(tab)

int clout_table_end(clout_table **tp, char msg[CLOUT_MSG_LEN])
{
    clout_table *tab = *tp;
    *tp = NULL;
    if (tab == NULL) return CLOUT_OK;
    ASSERT_MSG(tab->col == 0, CLOUT_ERR_INTERNAL, "table ended in the middle of a row");
    if (tab->fmt == CLOUT_FMT_JSON) {
        fputs(tab->record ? "\n" : "\n]\n", tab->f);
    } else if (tab->fmt == CLOUT_FMT_MSGPACK) {
        msgpack_packer pk;
        msgpack_packer_init(&pk, tab->f, msgpack_fbuffer_write);
        if (!tab->record) msgpack_pack_array(&pk, (size_t)tab->rows);
        fwrite(tab->sbuf.data, 1, tab->sbuf.size, tab->f);
    }
    ASSERT_MSG(!ferror(tab->f), CLOUT_ERR_IO, "write error");
    FREE_ALL;
    return CLOUT_OK;
}
