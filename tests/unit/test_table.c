/* test_table.c: numbers in CSV tables. A real cell must be the shortest %.Ng text (N from 15, or
 * 6 for a float, up to 17) that reads back as exactly the value: checked against that rule
 * applied here with printf and strtod, for 10^6 values as doubles and as floats: whole numbers,
 * signed zeros, the edges of the integer path, random fractions, random bit patterns over every
 * exponent (subnormals included), short decimals (k / 10^j, the values whose shortest text is
 * short), powers of two and ten and their neighbours. */
#include "check.h"
#include <omp.h>
#include <unistd.h>

static void reference(char *buf, size_t n, double v, bool single)
{
    for (int prec = single ? 6 : 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) return;
    }
}

typedef struct {
    const double *vals;
    int64_t n;
} rows_ctx;

static void one_row(void *ctx, int64_t r, clout_table *t)
{
    const rows_ctx *rc = ctx;
    char name[32];
    int len = snprintf(name, sizeof name, r % 7 == 0 ? "u,%lld \"q\"" : "u%lld", (long long)r);
    clout_table_str(t, name, (size_t)len);
    clout_table_int(t, r * 37 - 500);
    clout_table_real(t, rc->vals[r]);
    if (r % 5 == 0) clout_table_null(t);
    else clout_table_bool(t, r % 2);
}

static void short_row(void *ctx, int64_t r, clout_table *t)
{
    (void)ctx;
    clout_table_int(t, r);
}

int main(void)
{
    check_init();
    char msg[CLOUT_MSG_LEN];
    enum { N = 1000000 };
    static double vals[N];
    int k = 0;
    const double fixed[] = {0.0, -0.0, 1, -1, 7, 10, 100, 999999, 1000000, 1234567, 16777216, 16777217,
                            4294967296.0, 123456789012345.0, 999999999999999.0, 1e15, -1e15, 1e16, 0.5,
                            0.1, 1.0 / 3, 2.5e-300, 6.02214076e23, -123.25};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) vals[k++] = fixed[i];
    for (int e = -1074; e <= 1023; e += 7) {
        double p = ldexp(1, e);
        vals[k++] = p;
        vals[k++] = nextafter(p, 0);
        vals[k++] = nextafter(p, INFINITY);
    }
    for (int e = -323; e <= 308; e++) {
        double p = pow(10, e);
        vals[k++] = p;
        vals[k++] = nextafter(p, 0);
        vals[k++] = nextafter(p, INFINITY);
    }
    while (k < N) {
        uint64_t r = clout_rng_u64(11, 0, (uint64_t)k), q = clout_rng_u64(11, 1, (uint64_t)k);
        double v;
        switch (k % 3) {
        case 0: /* whole and fractional */
            v = (double)(int64_t)(r >> 11) / (double)(1ULL << (r % 60));
            break;
        case 1: /* any bit pattern that is a finite number */
            memcpy(&v, &r, sizeof v);
            if (!isfinite(v)) v = (double)(r >> 12);
            break;
        default: /* a short decimal: up to 17 digits over 10^j */
            v = (double)(q % 100000000000000000ULL >> (r % 40)) / pow(10, (double)(r % 30));
            break;
        }
        vals[k++] = (r & 1) ? -v : v;
    }
    for (int single = 0; single < 2; single++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        const char *names[] = {"x"};
        clout_table *t = NULL;
        CHECK(clout_table_begin(&t, f, CLOUT_FMT_CSV, 1, names, false, msg) == 0, "%s", msg);
        for (int i = 0; i < N; i++) {
            if (single) clout_table_real32(t, (float)vals[i]);
            else clout_table_real(t, vals[i]);
        }
        CHECK(clout_table_end(&t, msg) == 0, "%s", msg);
        fclose(f);
        char *line = text, want[64];
        int bad = 0;
        CHECK(strncmp(line, "x\n", 2) == 0, "header");
        line += 2;
        for (int i = 0; i < N && line && *line; i++) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = 0;
            double v = single ? (double)(float)vals[i] : vals[i];
            reference(want, sizeof want, v, single);
            if (strcmp(line, want) != 0 && bad++ < 5)
                fprintf(stderr, "value %.17g (%s): wrote %s, the rule gives %s\n", v, single ? "float" : "double", line,
                        want);
            line = nl ? nl + 1 : NULL;
        }
        CHECK(bad == 0, "%d of %d %s cells differ from the shortest round-trip text", bad, N,
              single ? "float" : "double");
        free(text);
    }
    /* clout_table_rows: blocks formatted in parallel give the bytes of rows written one by one,
     * in every format, for 1 and 4 threads, names that need quoting included */
    for (int fmt = 0; fmt < 3; fmt++) {
        char *text[3] = {NULL, NULL, NULL};
        size_t len[3] = {0, 0, 0};
        for (int way = 0; way < 3; way++) {
            FILE *f = open_memstream(&text[way], &len[way]);
            const char *names[] = {"name", "n", "x", "flag"};
            clout_table *t = NULL;
            CHECK(clout_table_begin(&t, f, (clout_format)fmt, 4, names, false, msg) == 0, "%s", msg);
            rows_ctx rc = {vals, 100003};
            if (way == 0) {
                for (int64_t r = 0; r < rc.n; r++) one_row(&rc, r, t);
            } else {
                omp_set_num_threads(way == 1 ? 1 : 4);
                CHECK(clout_table_rows(t, rc.n, one_row, &rc, msg) == 0, "%s", msg);
            }
            CHECK(clout_table_end(&t, msg) == 0, "%s", msg);
            fclose(f);
        }
        CHECK(len[0] == len[1] && memcmp(text[0], text[1], len[0]) == 0, "format %d: rows on 1 thread differ", fmt);
        CHECK(len[0] == len[2] && memcmp(text[0], text[2], len[0]) == 0, "format %d: rows on 4 threads differ", fmt);
        for (int way = 0; way < 3; way++) free(text[way]);
    }
    /* a row of the wrong number of cells is refused */
    {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        const char *names[] = {"name", "n", "x", "flag"};
        clout_table *t = NULL;
        CHECK(clout_table_begin(&t, f, CLOUT_FMT_CSV, 4, names, false, msg) == 0, "%s", msg);
        omp_set_num_threads(2);
        CHECK(clout_table_rows(t, 50000, short_row, NULL, msg) == CLOUT_ERR_INVALID, "a short row accepted");
        clout_table_end(&t, msg);
        fclose(f);
        free(text);
    }
    /* msgpack arrays of 65,536 rows or more stream out to a seekable file, their length filled in
     * at the end: the bytes equal the buffered writing's (an appending file, which cannot seek
     * back), for row counts on both sides of the 32-bit form, row by row and in parallel blocks */
    {
        const int64_t counts[] = {65535, 65536, 200001};
        for (int c = 0; c < 3; c++)
            for (int way = 0; way < 2; way++) {
                char path[2][64];
                long size[2] = {0, 0};
                for (int k = 0; k < 2; k++) {
                    snprintf(path[k], sizeof path[k], "/tmp/clout_test_table_%d_%d.mp", (int)getpid(), k);
                    FILE *f = fopen(path[k], k ? "a" : "w");
                    CHECK(f != NULL, "open %s", path[k]);
                    const char *names[] = {"x"};
                    clout_table *t = NULL;
                    CHECK(clout_table_begin(&t, f, CLOUT_FMT_MSGPACK, 1, names, false, msg) == 0, "%s", msg);
                    omp_set_num_threads(2);
                    if (way) CHECK(clout_table_rows(t, counts[c], short_row, NULL, msg) == 0, "%s", msg);
                    else
                        for (int64_t r = 0; r < counts[c]; r++) short_row(NULL, r, t);
                    CHECK(clout_table_end(&t, msg) == 0, "%s", msg);
                    fclose(f);
                }
                char *b[2] = {NULL, NULL};
                for (int k = 0; k < 2; k++) {
                    FILE *f = fopen(path[k], "rb");
                    fseek(f, 0, SEEK_END);
                    size[k] = ftell(f);
                    rewind(f);
                    b[k] = malloc((size_t)size[k] + 1);
                    CHECK(fread(b[k], 1, (size_t)size[k], f) == (size_t)size[k], "read back");
                    fclose(f);
                    unlink(path[k]);
                }
                CHECK(size[0] == size[1] && memcmp(b[0], b[1], (size_t)size[0]) == 0,
                      "%lld rows (%s): streamed msgpack differs from the buffered bytes", (long long)counts[c],
                      way ? "blocks" : "row by row");
                const unsigned char *u = (const unsigned char *)b[0];
                uint32_t n = (uint32_t)u[1] << 24 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 8 | u[4];
                CHECK(counts[c] < 65536 ? u[0] == 0xdc : (u[0] == 0xdd && n == (uint32_t)counts[c]),
                      "%lld rows: array header %02x", (long long)counts[c], u[0]);
                free(b[0]);
                free(b[1]);
            }
    }
    return check_done("test_table");
}
