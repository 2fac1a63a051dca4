/* rng.c: counter-based random numbers. A draw depends only on (seed, stream, index): no state,
 * so parallel loops that key draws by item index are reproducible for any thread count. */
#include "core_internal.h"

uint64_t clout_rng_u64(uint64_t seed, uint64_t stream, uint64_t index)
{
    /* Three rounds of the SplitMix64 finalizer over Weyl-spaced keys (internal.h): distinct
     * (seed, stream, index) triples map to well-mixed, statistically independent 64-bit words. */
    return clout_i_rng_at(clout_i_rng_key(seed, stream), index);
}

double clout_rng_uniform(uint64_t seed, uint64_t stream, uint64_t index)
{
    return (double)(clout_rng_u64(seed, stream, index) >> 11) * 0x1.0p-53;
}

uint64_t clout_rng_bounded(uint64_t seed, uint64_t stream, uint64_t index, uint64_t bound)
{
    /* Lemire's multiply-shift with rejection; a rejected draw re-keys on a derived stream so the
     * result stays a pure function of the inputs. */
    uint64_t s = stream;
    for (;;) {
        uint64_t x = clout_rng_u64(seed, s, index);
        __uint128_t mprod = (__uint128_t)x * bound;
        uint64_t low = (uint64_t)mprod;
        if (low >= bound || low >= (-bound) % bound) return (uint64_t)(mprod >> 64);
        s = clout_i_mix64(s + 0x9e3779b97f4a7c15ULL);
    }
}
