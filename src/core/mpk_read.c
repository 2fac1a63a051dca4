/* mpk_read.c: the strict msgpack reader of clout's files (see mpk_read.h). */
#include "mpk_read.h"
#include <stdio.h>
#include <string.h>

bool clout_i_rd_need(clout_i_rd *r, uint64_t n)
{
    if ((uint64_t)(r->end - r->p) < n)
        RD_FAIL(r, "truncated: %llu bytes needed, %lld left", (unsigned long long)n,
                (long long)(r->end - r->p));
    return true;
}

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | p[i];
    return v;
}

bool clout_i_rd_uint(clout_i_rd *r, uint64_t *v)
{
    if (!clout_i_rd_need(r, 1)) return false;
    uint8_t t = *r->p;
    if (t <= 0x7f) {
        *v = t;
        r->p++;
        return true;
    }
    int n = t == 0xcc ? 1 : t == 0xcd ? 2 : t == 0xce ? 4 : t == 0xcf ? 8 : 0;
    if (n == 0 && (t == 0xd0 || t == 0xd1 || t == 0xd2 || t == 0xd3)) {
        n = 1 << (t - 0xd0);
        if (!clout_i_rd_need(r, 1 + (uint64_t)n)) return false;
        uint64_t raw = be(r->p + 1, n);
        int64_t sv = n == 1 ? (int8_t)raw : n == 2 ? (int16_t)raw : n == 4 ? (int32_t)raw : (int64_t)raw;
        if (sv < 0) RD_FAIL(r, "expected a non-negative integer, found %lld", (long long)sv);
        *v = (uint64_t)sv;
        r->p += 1 + n;
        return true;
    }
    if (n == 0) RD_FAIL(r, "expected an integer (msgpack type byte 0x%02x)", t);
    if (!clout_i_rd_need(r, 1 + (uint64_t)n)) return false;
    *v = be(r->p + 1, n);
    r->p += 1 + n;
    return true;
}

bool clout_i_rd_str(clout_i_rd *r, const char **s, size_t *len)
{
    if (!clout_i_rd_need(r, 1)) return false;
    uint8_t t = *r->p;
    uint64_t n;
    int h;
    if ((t & 0xe0) == 0xa0) {
        n = t & 0x1f;
        h = 1;
    } else if (t == 0xd9 || t == 0xda || t == 0xdb) {
        int k = 1 << (t - 0xd9);
        if (!clout_i_rd_need(r, 1 + (uint64_t)k)) return false;
        n = be(r->p + 1, k);
        h = 1 + k;
    } else {
        RD_FAIL(r, "expected a string (msgpack type byte 0x%02x)", t);
    }
    if (!clout_i_rd_need(r, (uint64_t)h + n)) return false;
    *s = (const char *)r->p + h;
    *len = (size_t)n;
    r->p += h + n;
    return true;
}

bool clout_i_rd_bin(clout_i_rd *r, const uint8_t **s, uint64_t *len)
{
    if (!clout_i_rd_need(r, 1)) return false;
    uint8_t t = *r->p;
    if (t != 0xc4 && t != 0xc5 && t != 0xc6) RD_FAIL(r, "expected binary data (msgpack type byte 0x%02x)", t);
    int k = 1 << (t - 0xc4);
    if (!clout_i_rd_need(r, 1 + (uint64_t)k)) return false;
    uint64_t n = be(r->p + 1, k);
    if (!clout_i_rd_need(r, 1 + (uint64_t)k + n)) return false;
    *s = r->p + 1 + k;
    *len = n;
    r->p += 1 + k + n;
    return true;
}

bool clout_i_rd_container(clout_i_rd *r, bool map, uint64_t *n)
{
    if (!clout_i_rd_need(r, 1)) return false;
    uint8_t t = *r->p;
    uint8_t fix = map ? 0x80 : 0x90, b16 = map ? 0xde : 0xdc;
    if ((t & 0xf0) == fix) {
        *n = t & 0x0f;
        r->p++;
    } else if (t == b16 || t == b16 + 1) {
        int k = t == b16 ? 2 : 4;
        if (!clout_i_rd_need(r, 1 + (uint64_t)k)) return false;
        *n = be(r->p + 1, k);
        r->p += 1 + k;
    } else {
        RD_FAIL(r, "expected %s (msgpack type byte 0x%02x)", map ? "a map" : "an array", t);
    }
    /* each element takes at least one byte: a count beyond the bytes left is hostile */
    if (*n > (uint64_t)(r->end - r->p)) RD_FAIL(r, "%s of %llu elements exceeds the file", map ? "map" : "array",
                                                (unsigned long long)*n);
    return true;
}

bool clout_i_rd_bool(clout_i_rd *r, bool *v)
{
    if (!clout_i_rd_need(r, 1)) return false;
    if (*r->p != 0xc2 && *r->p != 0xc3) RD_FAIL(r, "expected true or false");
    *v = *r->p == 0xc3;
    r->p++;
    return true;
}

bool clout_i_rd_skip(clout_i_rd *r)
{
    if (++r->depth > 32) RD_FAIL(r, "nesting deeper than 32");
    if (!clout_i_rd_need(r, 1)) return false;
    uint8_t t = *r->p;
    bool ok = true;
    uint64_t n, u;
    const char *s;
    size_t sl;
    const uint8_t *b;
    if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
        r->p++;
    } else if ((t >= 0xcc && t <= 0xcf) || (t >= 0xd0 && t <= 0xd3)) {
        int k = t >= 0xd0 ? 1 << (t - 0xd0) : 1 << (t - 0xcc);
        ok = clout_i_rd_need(r, 1 + (uint64_t)k);
        if (ok) r->p += 1 + k;
    } else if (t == 0xca || t == 0xcb) {
        int k = t == 0xca ? 4 : 8;
        ok = clout_i_rd_need(r, 1 + (uint64_t)k);
        if (ok) r->p += 1 + k;
    } else if ((t & 0xe0) == 0xa0 || (t >= 0xd9 && t <= 0xdb)) {
        ok = clout_i_rd_str(r, &s, &sl);
    } else if (t >= 0xc4 && t <= 0xc6) {
        ok = clout_i_rd_bin(r, &b, &u);
    } else if ((t & 0xf0) == 0x90 || t == 0xdc || t == 0xdd) {
        ok = clout_i_rd_container(r, false, &n);
        for (uint64_t i = 0; ok && i < n; i++) ok = clout_i_rd_skip(r);
    } else if ((t & 0xf0) == 0x80 || t == 0xde || t == 0xdf) {
        ok = clout_i_rd_container(r, true, &n);
        for (uint64_t i = 0; ok && i < 2 * n; i++) ok = clout_i_rd_skip(r);
    } else {
        RD_FAIL(r, "unsupported msgpack type byte 0x%02x", t);
    }
    r->depth--;
    return ok;
}

bool clout_i_key_is(const char *k, size_t kl, const char *want)
{
    return strlen(want) == kl && memcmp(k, want, kl) == 0;
}

bool clout_i_rd_real(clout_i_rd *r, double *v)
{
    if (!clout_i_rd_need(r, 1)) return false;
    uint8_t t = *r->p;
    if (t == 0xca || t == 0xcb) {
        int k = t == 0xca ? 4 : 8;
        if (!clout_i_rd_need(r, 1 + (uint64_t)k)) return false;
        uint64_t raw = be(r->p + 1, k);
        if (k == 4) {
            uint32_t u32 = (uint32_t)raw;
            float f;
            memcpy(&f, &u32, 4);
            *v = f;
        } else {
            memcpy(v, &raw, 8);
        }
        r->p += 1 + k;
        return true;
    }
    if (t >= 0xe0) { /* negative fixint */
        *v = (double)(int8_t)t;
        r->p++;
        return true;
    }
    uint64_t u;
    if (!clout_i_rd_uint(r, &u)) return false;
    *v = (double)u;
    return true;
}
