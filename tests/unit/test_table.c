/* test_table.c: numbers in CSV tables. A real cell must be the shortest %.Ng text (N from 15, or
 * 6 for a float, up to 17) that reads back as exactly the value: checked against that rule
 * applied here with printf and strtod, for 10^6 values as doubles and as floats: whole numbers,
 * signed zeros, the edges of the integer path, random fractions, random bit patterns over every
 * exponent (subnormals included), short decimals (k / 10^j, the values whose shortest text is
 * short), powers of two and ten and their neighbours. */
#include "check.h"

static void reference(char *buf, size_t n, double v, bool single)
{
    for (int prec = single ? 6 : 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) return;
    }
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
    return check_done("test_table");
}
