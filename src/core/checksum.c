/* checksum.c: a fast 64-bit checksum of bytes, for telling a damaged file from a sound one (not
 * a cryptographic hash: it does not stand against a forged file).
 *
 * A blob is cut into pieces of CLOUT_I_SUM_PIECE bytes from its start (the last one shorter).
 * A piece is read as 8-byte little-endian words in four lanes (word i goes to lane i mod 4):
 * lane = rotl(lane + w * K2, 31) * K1, lanes seeded with the piece's length; the 0 to 31 bytes
 * past the last whole 32-byte stripe are read as one word each 8 (zero-padded), folded into lane
 * 0 the same way. The piece's value mixes the four lanes (each through the counter generator's
 * finalizer, rotated apart) with its length. Pieces fold in order: sum = mix(sum ^ piece) * K1
 * + K2, from sum 0 (blob after blob continue the same fold). So the value of a blob does not
 * depend on how many threads computed it, and pieces can be summed as they stream past. About 4
 * times the speed of zlib's CRC-32 here (memory-bound on two threads). */
#include "core_internal.h"
#include <omp.h>

#define K1 0x9e3779b185ebca87ULL
#define K2 0xc2b2ae3d27d4eb4fULL

static inline uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t word(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t round1(uint64_t lane, uint64_t w)
{
    return rotl(lane + w * K2, 31) * K1;
}

uint64_t clout_i_sum_piece(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint64_t a = n + K1, b = n + K2, c = n ^ K1, d = n ^ K2;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a = round1(a, word(p + i));
        b = round1(b, word(p + i + 8));
        c = round1(c, word(p + i + 16));
        d = round1(d, word(p + i + 24));
    }
    for (; i < n; i += 8) {
        uint8_t tail[8] = {0};
        memcpy(tail, p + i, n - i < 8 ? n - i : 8);
        a = round1(a, word(tail));
    }
    return clout_i_mix64(clout_i_mix64(a) ^ rotl(clout_i_mix64(b), 16) ^ rotl(clout_i_mix64(c), 32) ^
                         rotl(clout_i_mix64(d), 48) ^ n);
}

uint64_t clout_i_sum_fold(uint64_t sum, uint64_t piece)
{
    return clout_i_mix64(sum ^ piece) * K1 + K2;
}

uint64_t clout_i_sum_blob(uint64_t sum, const void *data, size_t n)
{
    const uint8_t *p = data;
    int64_t np = (int64_t)((n + CLOUT_I_SUM_PIECE - 1) / CLOUT_I_SUM_PIECE);
    /* rounds of up to 64 pieces (64 MB) summed in parallel, then folded in order */
    for (int64_t q0 = 0; q0 < np; q0 += 64) {
        uint64_t part[64];
        int64_t m = np - q0 < 64 ? np - q0 : 64;
        #pragma omp parallel for schedule(static) if (m > 4)
        for (int64_t q = 0; q < m; q++) {
            size_t a = (size_t)(q0 + q) * CLOUT_I_SUM_PIECE, e = a + CLOUT_I_SUM_PIECE < n ? a + CLOUT_I_SUM_PIECE : n;
            part[q] = clout_i_sum_piece(p + a, e - a);
        }
        for (int64_t q = 0; q < m; q++) sum = clout_i_sum_fold(sum, part[q]);
    }
    return sum;
}
