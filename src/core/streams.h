/* streams.h: the registry of clout's counter-based random streams (not installed).
 *
 * Every random choice in clout is clout_rng_u64(seed, stream, index) (core_internal.h splits it
 * into a key per (seed, stream) and a mix per index). Two algorithms drawing from the same
 * (seed, stream, index) would be correlated, so every stream family is named here, with the
 * range it covers; a new algorithm takes a new tag from this list instead of inventing a number.
 * Changing any value changes results: the golden outputs test (tests/cli/cli_golden.sh) fails.
 *
 * Families, by how they split the 64-bit stream space:
 * - RR set j: its root is index j of stream 0; its coins are stream 2j + 1, counted in the order
 *   drawn (odd streams).
 *   Collections that must be independent of each other under one seed start at distinct set
 *   indices: IMM's bound phase at 0 and its selection at CLOUT_RR_FIRST_SELECTION (2^40), OPIM-C's
 *   first collection at 0 and its second at CLOUT_RR_FIRST_SECOND (2^41).
 * - Monte Carlo from single users (clout_ic_cascades): cascade s of user u is the even stream
 *   2 (u sims + s), index = out-tie.
 * - Seed-set simulation s (clout_simulate): stream 4s + 3 (IC coins, index = out-tie) or 4s + 1
 *   (LT thresholds, index = user).
 * - Live-edge graph s (cascade depths): the seed is mixed with CLOUT_SEED_LIVE_EDGES first, so its
 *   streams (s << 32 | v) never meet the families above under the same seed.
 * - Tagged streams (an ASCII tag as the stream number): trivalency probabilities (index = tie),
 *   betweenness source sampling (index = draw), HyperANF hashes (index = user), folds of a
 *   cross-validation (index = row), bootstrap resamples (index = resample x n + draw).
 * - Neural models: tagged streams with the epoch and layer in the low 32 bits (below).
 * - R-MAT edge i: stream i, index = recursion level (its own seed; nothing else runs in
 *   `generate`). */
#ifndef CLOUT_STREAMS_H
#define CLOUT_STREAMS_H
#include <stdint.h>

#define CLOUT_STREAM_RR_ROOT 0u
#define CLOUT_RR_FIRST_SELECTION ((int64_t)1 << 40)
#define CLOUT_RR_FIRST_SECOND ((int64_t)1 << 41)
static inline uint64_t clout_i_stream_rr_coins(uint64_t j) { return (j << 1) | 1u; }
static inline uint64_t clout_i_stream_user_cascade(uint64_t u, uint64_t sims, uint64_t s) { return (u * sims + s) << 1; }
static inline uint64_t clout_i_stream_simulation(uint64_t s, int lt) { return (s << 2) | (lt ? 1u : 3u); }
static inline uint64_t clout_i_stream_live_edges(uint64_t s, uint64_t v) { return (s << 32) | v; }
#define CLOUT_SEED_LIVE_EDGES 0x6c6976652d656467ULL /* "live-edg" */
#define CLOUT_STREAM_TRIVALENCY 0x74726976u         /* "triv" */
#define CLOUT_STREAM_BETWEENNESS 0x62657477u        /* "betw" */
#define CLOUT_STREAM_HYPERANF 0x68797065u           /* "hype" */
#define CLOUT_STREAM_FOLDS 0x666f6c64u              /* "fold": cross-validation folds (index = row) */
#define CLOUT_STREAM_BOOTSTRAP 0x626f6f74u          /* "boot": resample b draws index b n + j */
#define CLOUT_STREAM_HALVES 0x68616c66u             /* "half": item halves, split r draws index r n + i */
static inline uint64_t clout_i_stream_rmat_edge(uint64_t i) { return i; }
/* Neural models (gnn/): a tag in the high 32 bits, the low bits say which draw family of which
 * epoch: initialization (tensor t), dropout (epoch, layer), BPR samples (epoch; index = sample),
 * the train/validation/test split (index = user). */
#define CLOUT_STREAM_GNN_INIT 0x676e6e69u        /* "gnni" */
#define CLOUT_STREAM_GNN_DROPOUT 0x676e6e64u     /* "gnnd" */
#define CLOUT_STREAM_GNN_SAMPLE 0x676e6e73u      /* "gnns" */
#define CLOUT_STREAM_GNN_SPLIT 0x676e6e70u       /* "gnnp" */
static inline uint64_t clout_i_stream_gnn(uint32_t tag, uint64_t low) { return ((uint64_t)tag << 32) | (low & 0xffffffffu); }

#endif
