/* table.c: output tables as CSV, JSON or msgpack. A table is a header of named, typed columns
 * and rows written cell by cell. CSV: a header line then one line per row (RFC 4180 quoting).
 * JSON: an array of objects (one object for a record table). msgpack: the same shapes; rows are
 * buffered so the array length can lead. */
#include "core_internal.h"
#include <math.h>
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

/* shortest %.Ng text that reads back as exactly v */
static void fmt_real(char *buf, size_t n, double v, bool single)
{
    if (fabs(v) < (single ? 1e6 : 1e15) && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        /* whole numbers (counts, zeros) print as %.15g (%.6g) would, without printf and strtod */
        char tmp[24], *e = tmp + sizeof tmp, *p = fmt_int(e, (int64_t)v);
        size_t len = (size_t)(e - p) < n - 1 ? (size_t)(e - p) : n - 1;
        memcpy(buf, p, len);
        buf[len] = 0;
        return;
    }
    for (int prec = single ? 6 : 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (prec == 17) return; /* 17 significant digits always read back exactly (9 for a float) */
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) return;
    }
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
