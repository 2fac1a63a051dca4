/* sort.c: (value, index) pairs by value in linear time: LSD radix sort over the value's bits mapped
 * to an unsigned order, 11 bits a pass, passes whose digit is the same in every key skipped. The
 * sort is stable: pairs of equal value keep their order in the input (callers that fill the array
 * in index order get ties by index, as a comparison on (value, index) would give). */
#include "core_internal.h"
#include <stdint.h>

#define DIGIT_BITS 11
#define DIGITS 6 /* 6 x 11 >= 64; DIGITS << DIGIT_BITS is CLOUT_I_SORT_COUNT */
#define BUCKETS (1 << DIGIT_BITS)
#define SMALL 64 /* below this, insertion sort (stable too) */
_Static_assert(DIGITS * BUCKETS == CLOUT_I_SORT_COUNT, "the count workspace callers size");

/* the value's bits as an unsigned number in the value's order (ascending; descending: reversed);
 * -0 and +0 share the key of +0 */
static inline uint64_t to_key(double x, bool desc)
{
    if (x == 0) x = 0.0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    u = (u >> 63) ? ~u : (u | (UINT64_C(1) << 63));
    return desc ? ~u : u;
}

static inline double from_key(uint64_t u, bool desc)
{
    if (desc) u = ~u;
    u = (u >> 63) ? (u & ~(UINT64_C(1) << 63)) : ~u;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static inline bool before(double a, double b, bool desc)
{
    return desc ? a > b : a < b;
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(own_tmp);                                                                \
        FREE_PTR(own_count);                                                              \
    } while (0)

int clout_i_sort_keyed(clout_i_keyed *a, int64_t n, bool desc, clout_i_keyed *tmp, int64_t *count,
                       char msg[CLOUT_MSG_LEN])
{
    clout_i_keyed *own_tmp = NULL;
    int64_t *own_count = NULL;
    if (n < SMALL) {
        for (int64_t i = 1; i < n; i++) {
            clout_i_keyed v = a[i];
            int64_t j = i;
            for (; j > 0 && before(v.x, a[j - 1].x, desc); j--) a[j] = a[j - 1];
            a[j] = v;
        }
        return CLOUT_OK;
    }
    if (tmp == NULL) {
        ALLOC_TRY(own_tmp, n, clout_i_keyed);
        tmp = own_tmp;
    }
    if (count == NULL) {
        ALLOC_TRY(own_count, CLOUT_I_SORT_COUNT, int64_t);
        count = own_count;
    }
    memset(count, 0, CLOUT_I_SORT_COUNT * sizeof(int64_t));
    /* the keys in place of the values (the record keeps its size), every digit's histogram */
    for (int64_t i = 0; i < n; i++) {
        uint64_t u = to_key(a[i].x, desc);
        memcpy(&a[i].x, &u, sizeof u);
        for (int d = 0; d < DIGITS; d++) count[d * BUCKETS + ((u >> (d * DIGIT_BITS)) & (BUCKETS - 1))]++;
    }
    clout_i_keyed *src = a, *dst = tmp;
    for (int d = 0; d < DIGITS; d++) {
        int64_t *c = count + (int64_t)d * BUCKETS;
        uint64_t u0;
        memcpy(&u0, &src[0].x, sizeof u0);
        if (c[(u0 >> (d * DIGIT_BITS)) & (BUCKETS - 1)] == n) continue; /* one digit value: nothing moves */
        int64_t at = 0;
        for (int b = 0; b < BUCKETS; b++) {
            int64_t k = c[b];
            c[b] = at;
            at += k;
        }
        for (int64_t i = 0; i < n; i++) {
            uint64_t u;
            memcpy(&u, &src[i].x, sizeof u);
            dst[c[(u >> (d * DIGIT_BITS)) & (BUCKETS - 1)]++] = src[i];
        }
        clout_i_keyed *t = src;
        src = dst;
        dst = t;
    }
    for (int64_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &src[i].x, sizeof u);
        a[i] = (clout_i_keyed){from_key(u, desc), src[i].i};
    }
    FREE_ALL;
    return CLOUT_OK;
}
