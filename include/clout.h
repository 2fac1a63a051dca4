/* clout.h: the one public header of clout, a graph analytics engine for social influence.
 *
 * Sections: version, status codes, library state, memory, random numbers, progress and
 * interruption, output files,
 * id maps, the graph store, readers (graph builder), snapshots, generators, output tables.
 *
 * Conventions (LAGraph style): every call that can fail returns an int status (0 ok, negative
 * error, positive warning) and takes a caller-owned `char msg[CLOUT_MSG_LEN]` that receives a
 * message naming the problem. Outputs are assigned only on success; on failure the caller's
 * objects are untouched. Handles passed by `**` are moved in (the caller's pointer becomes NULL).
 * Errors every call may return besides those it names: CLOUT_ERR_NOMEM, CLOUT_ERR_GRAPHBLAS,
 * CLOUT_ERR_INTERNAL; long calls also CLOUT_ERR_INTERRUPTED. n is the number of users, m (or
 * |S|) the number of ties; costs are stated per call or per section.
 *
 * Concurrency contract: call clout_init once, and set the thread count and the handlers before
 * starting threads. Calls that only read a graph (every key-user metric, the features table
 * without consume, reading user lists, saving a snapshot, RR counts, simulation, cascade depths
 * and IM on an influence graph) may run on one graph, or one influence graph, from several
 * threads at once: matrices are read through zero-copy read-only views, and a cache a call needs
 * (S', degrees) is built once under a lock and published whole. Calls that change a graph
 * (clout_graph_drop_cache, clout_influence_new with CLOUT_INFLUENCE_CONSUME, the features table
 * with consume) need it to themselves. Calls into igraph (betweenness, the BA and ER generators)
 * are serialized inside the library. Handlers are called from the thread that made the call.
 */
#ifndef CLOUT_H
#define CLOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <GraphBLAS.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only what this header declares is exported from libclout.so (built with hidden visibility). */
#if defined(__GNUC__)
#define CLOUT_PUBLIC __attribute__((visibility("default")))
#else
#define CLOUT_PUBLIC
#endif

/* ---------------------------------------------------------------- version */
#define CLOUT_VERSION_MAJOR 0
#define CLOUT_VERSION_MINOR 1
#define CLOUT_VERSION_PATCH 0
#define CLOUT_VERSION_STRING "0.1.0"

/* ---------------------------------------------------------------- status codes */
#define CLOUT_MSG_LEN 512

enum {
    CLOUT_OK = 0,
    CLOUT_WARN_SKIPPED_LINES = 1,   /* bad input lines were skipped */
    CLOUT_WARN_THREADS = 2,         /* an absurd thread count from the environment was lowered */
    CLOUT_ERR_INVALID = -1001,      /* bad argument or option value (exit 2) */
    CLOUT_ERR_DATA = -1002,         /* malformed input data (exit 65) */
    CLOUT_ERR_NO_INPUT = -1003,     /* input file missing or unreadable (exit 66) */
    CLOUT_ERR_IO = -1004,           /* read/write failure (exit 74) */
    CLOUT_ERR_NOMEM = -1005,        /* out of memory (exit 70) */
    CLOUT_ERR_INTERNAL = -1006,     /* a bug or broken invariant (exit 70) */
    CLOUT_ERR_GRAPHBLAS = -1007,    /* a GraphBLAS call failed (exit 70) */
    CLOUT_ERR_IGRAPH = -1008,       /* an igraph call failed (exit 70) */
    CLOUT_ERR_NOT_CACHED = -1009,   /* an expert call needs a cached part that is absent */
    CLOUT_ERR_NOT_CONVERGED = -1010,/* an iterative method hit its iteration limit (exit 70) */
    CLOUT_ERR_INTERRUPTED = -1011,  /* the interruption handler asked the call to stop (exit 130) */
};

/* Short name of a status ("bad data", "I/O error", ...). */
CLOUT_PUBLIC const char *clout_status_name(int status);
/* Map a GraphBLAS GrB_Info or an igraph_error_t into clout's range (0 stays 0). */
CLOUT_PUBLIC int clout_status_from_grb(int info);
CLOUT_PUBLIC int clout_status_from_igraph(int err);

/* ---------------------------------------------------------------- table formats and cell types */
typedef enum { CLOUT_FMT_CSV = 0, CLOUT_FMT_JSON, CLOUT_FMT_MSGPACK } clout_format;
typedef enum { CLOUT_COL_STR = 0, CLOUT_COL_INT, CLOUT_COL_REAL, CLOUT_COL_BOOL } clout_coltype;

/* ---------------------------------------------------------------- library state */
/* Start GraphBLAS (non-blocking mode), replace igraph's aborting error handler. Call once.
 * CLOUT_WARN_THREADS when OMP_NUM_THREADS asked for more than 4096 threads: the processor count
 * is used instead. */
CLOUT_PUBLIC int clout_init(char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_finalize(void);
/* Set the thread count of OpenMP, GraphBLAS and OpenBLAS together (n >= 1). */
CLOUT_PUBLIC int clout_set_threads(int n, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_get_threads(void);
/* Monotonic wall clock in seconds (for timings). */
CLOUT_PUBLIC double clout_now(void);

/* ---------------------------------------------------------------- memory
 * One ownership rule for results: arrays whose length the caller knows before the call (one value
 * per user, per seed, per simulation) are allocated by the caller and filled by clout; results
 * whose size only the call finds out (a list read from a file) are allocated by clout and
 * released with clout_free; objects (graphs, id maps, builders, influence graphs, feature tables,
 * edge arrays, tables) have their own _free call, which accepts NULL. */
CLOUT_PUBLIC void clout_free(void *p);
/* The memory limit: work whose estimate exceeds it (RR sets, simulations, inputs read into memory)
 * is refused before it starts, with the estimate in the message. Default (0): 80% of physical
 * memory. clout_memory_fits returns CLOUT_OK, or status with "WHAT would need about N GB, more
 * than the memory limit" in msg. */
CLOUT_PUBLIC void clout_set_memory_limit(double bytes);
CLOUT_PUBLIC double clout_memory_limit(void);
CLOUT_PUBLIC int clout_memory_fits(double bytes, const char *what, int status, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- random numbers
 * Counter-based: a draw is a pure function of (seed, stream, index), so any algorithm that keys
 * its draws by item index gives identical results for any thread count. The function is the
 * SplitMix64 finalizer applied to a Weyl combination of the three keys, mixed twice. */
CLOUT_PUBLIC uint64_t clout_rng_u64(uint64_t seed, uint64_t stream, uint64_t index);
/* Uniform double in [0, 1), 53 random bits. */
CLOUT_PUBLIC double clout_rng_uniform(uint64_t seed, uint64_t stream, uint64_t index);
/* Uniform integer in [0, bound) (bound >= 1), unbiased (Lemire's method, rejection keyed by index). */
CLOUT_PUBLIC uint64_t clout_rng_bounded(uint64_t seed, uint64_t stream, uint64_t index, uint64_t bound);

/* ---------------------------------------------------------------- progress and interruption
 * The library never writes to the terminal: long calls report their phases through a progress
 * handler, and ask an interruption handler whether to stop (igraph's model). Both are process-wide
 * and start unset (no reports, never interrupted); install them before the calls, not during.
 * A progress report: phase (e.g. "RR sets"), done of total units (total 0: unknown), seconds since
 * the phase began. Every phase is announced (done 0, seconds exactly 0) and ends with done < 0;
 * phases may nest (a selection's simulations inside CELF). Counts come at most 5 times a second
 * between, from the calling thread. */
typedef void (*clout_progress_handler)(const char *phase, double done, double total, const char *unit, double seconds,
                                       void *ctx);
CLOUT_PUBLIC void clout_set_progress_handler(clout_progress_handler fn, void *ctx);
/* Returns true to stop the running call: it frees what it made and returns CLOUT_ERR_INTERRUPTED,
 * leaving its outputs and the graph as they were. Called from the calling thread, often (keep it
 * cheap: read a flag). Covered: reading inputs, PageRank, reach, betweenness, RR sets, Monte Carlo
 * simulation, cascade depths, IMM, OPIM-C, CELF. */
typedef bool (*clout_interruption_handler)(void *ctx);
CLOUT_PUBLIC void clout_set_interruption_handler(clout_interruption_handler fn, void *ctx);

/* ---------------------------------------------------------------- distributed runs
 * A program that runs as several processes (clout's src/dist/ does, under mpirun) tells the
 * library its place: process rank of size, and a collective that sums a vector of int64 over
 * all processes (every process calls it in the same order; it returns 0 or a negative status).
 * With size > 1, IMM and OPIM-C keep on each process only its block of every batch of RR sets
 * (by global index, so the union is exactly what one process draws), and greedy max coverage
 * sums the marginal counts over the processes each step: every process returns the seeds,
 * spreads and counts one process would, and holds about 1/size of the sets. Betweenness splits
 * its sources in 32 fixed groups over the processes and adds the groups' sums in group order,
 * passing the running sum from process to process: the bits one process computes. Cascade depths
 * split their live-edge graphs (whole-number sums) and clout_ic_cascades its users. Every
 * process must make these calls, in the same order. Set it once,
 * before the calls, with the same size on every process; NULL (the default) is one process. */
typedef struct clout_partition {
    int rank, size;
    int (*sum_i64)(void *ctx, int64_t *buf, int64_t n);
    /* point to point and broadcast of doubles (betweenness passes its running sum from rank to
     * rank, so the sum is added in one process's order); NULL: those calls run whole on every
     * process */
    int (*send_f64)(void *ctx, int to, const double *buf, int64_t n);
    int (*recv_f64)(void *ctx, int from, double *buf, int64_t n);
    int (*bcast_f64)(void *ctx, int root, double *buf, int64_t n);
    void *ctx;
} clout_partition;
CLOUT_PUBLIC void clout_set_partition(const clout_partition *p);

/* ---------------------------------------------------------------- output files
 * Atomic output: write to a temporary file beside the target, rename on commit. Path NULL or "-"
 * writes to stdout. On abort (or failure) the temporary file is removed and the target untouched;
 * a commit asked for after the interruption handler said stop aborts (CLOUT_ERR_INTERRUPTED). */
typedef struct clout_outfile {
    FILE *f;
    char *tmp_path;     /* NULL for stdout */
    char *path;         /* NULL for stdout */
    char *buf;          /* the file's write buffer (1 MiB), or NULL */
} clout_outfile;
CLOUT_PUBLIC int clout_outfile_open(clout_outfile *out, const char *path, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_outfile_commit(clout_outfile *out, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC void clout_outfile_abort(clout_outfile *out);
/* Unlink every temporary file of an output still open (async-signal-safe: for a program's signal
 * handler that must exit at once; the outputs' targets stay untouched). */
CLOUT_PUBLIC void clout_outfile_remove_temporaries(void);

/* ---------------------------------------------------------------- id maps
 * External ids are arbitrary byte tokens (no NUL, at most CLOUT_MAX_TOKEN bytes). Dense indices
 * 0..n-1 are assigned in order of first appearance across the inputs, in the order given. */
#define CLOUT_MAX_TOKEN 4096
typedef struct clout_idmap clout_idmap;
CLOUT_PUBLIC int clout_idmap_new(clout_idmap **map, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC void clout_idmap_free(clout_idmap **map);
CLOUT_PUBLIC int64_t clout_idmap_size(const clout_idmap *map);
/* The token of index i, NUL-terminated; *len (may be NULL) receives its length. */
CLOUT_PUBLIC const char *clout_idmap_name(const clout_idmap *map, int64_t i, size_t *len);
/* Every token at once, zero-copy and read-only while the map lives: token i is blob[off[i]] up
 * to its NUL (off has n + 1 entries; off[n] is the bytes used). For bindings that want all the
 * ids without a call per id. O(1). */
CLOUT_PUBLIC void clout_idmap_blob(const clout_idmap *map, const char **blob, const int64_t **off);
/* Id maps cost O(total token bytes + n) memory; every call below is O(1) expected time, insertion
 * amortized (the table doubles). clout_idmap_intern: CLOUT_ERR_INVALID for an empty token or one
 * over CLOUT_MAX_TOKEN bytes or with a NUL byte. */
/* Index of a token, or -1. O(1) expected. */
CLOUT_PUBLIC int64_t clout_idmap_find(const clout_idmap *map, const char *tok, size_t len);
/* Index of a token, inserting it if absent. Returns the index or a negative status. */
CLOUT_PUBLIC int64_t clout_idmap_intern(clout_idmap *map, const char *tok, size_t len, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- the graph store */
/* Which ties S holds (clout_graph_use below) */
typedef enum { CLOUT_GRAPH_SOCIAL = 0, CLOUT_GRAPH_BEHAVIOUR, CLOUT_GRAPH_BOTH } clout_graph_kind;
typedef struct clout_graph {
    /* primary parts */
    GrB_Matrix S;           /* users x users, FP32: social ties u->v with weight */
    GrB_Matrix R;           /* users x items, FP32: summed behaviour weights */
    GrB_Matrix T;           /* users x items, FP64: first-interaction time, epoch seconds */
    clout_idmap *users;
    clout_idmap *items;
    bool directed;          /* false: S holds both directions of every tie, with one weight */
    /* metadata */
    int64_t self_loops_dropped;
    int64_t bad_lines_skipped;
    char *action_weights;   /* the behaviour weights used, as "action=w,..." (may be NULL) */
    char **sources;         /* input file names, in order */
    int nsources;
    /* behaviour types (the logs' action column): per type, users x items FP32 rows of that
     * type (action_count) and FP64 first time (action_time, where a row had one) */
    int nactions;
    char **action_names;
    GrB_Matrix *action_count, *action_time;
    /* the behaviour graph (clout_behaviour_graph), or NULL; behaviour: how it was built */
    GrB_Matrix B;           /* users x users, FP32: u -> v when v acted after u (or v is like u) */
    char *behaviour;
    /* cached parts, computed on demand, dropped when a primary part changes */
    GrB_Matrix ST;          /* S transposed */
    GrB_Vector out_degree;  /* INT64, number of out-ties per user (absent entries: 0) */
    GrB_Vector in_degree;   /* INT64 */
    /* PageRank's layout, when loaded from a snapshot that keeps it (clout_snapshot_load_parts):
     * S transposed with the users renumbered by decreasing out-degree, in row blocks (FP64, or
     * iso when S is); a cached part. keep_pagerank_layout: snapshots saved from G keep one. */
    GrB_Matrix *pagerank_blocks;
    int pagerank_nblocks;
    double pagerank_load_seconds;
    bool keep_pagerank_layout;
    clout_graph_kind ties;  /* the ties S holds: social (as loaded or built), or as clout_graph_use made it */
} clout_graph;

/* A graph with no users, no items and empty matrices. O(1). The counts below are O(1). */
CLOUT_PUBLIC int clout_graph_new(clout_graph **G, bool directed, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC void clout_graph_free(clout_graph **G);
CLOUT_PUBLIC int64_t clout_graph_users(const clout_graph *G);
CLOUT_PUBLIC int64_t clout_graph_items(const clout_graph *G);
CLOUT_PUBLIC int64_t clout_graph_social_edges(const clout_graph *G);   /* entries of S */
/* Set whether snapshots saved from G keep PageRank's layout (G->keep_pagerank_layout), for callers
 * that see G as opaque (Python). */
CLOUT_PUBLIC void clout_graph_keep_pagerank_layout(clout_graph *G, bool keep);
CLOUT_PUBLIC int64_t clout_graph_interactions(const clout_graph *G);   /* entries of R */
/* Compute G->ST (one more copy of S: O(|S|) time and memory), or G->out_degree and G->in_degree
 * (O(|S|) time, O(n) memory), if absent; safe to call from several threads on one graph. */
CLOUT_PUBLIC int clout_graph_cache_transpose(clout_graph *G, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_graph_cache_degrees(clout_graph *G, char msg[CLOUT_MSG_LEN]);
/* Drop every cached part (call after changing S, R or T; not while other calls read G). */
CLOUT_PUBLIC void clout_graph_drop_cache(clout_graph *G);
/* Check invariants: dimensions agree with the id maps, types are right (CLOUT_ERR_INVALID naming the
 * first that fails). O(1). */
CLOUT_PUBLIC int clout_graph_check(const clout_graph *G, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- the behaviour graph
 * A user-user graph from behaviour alone (R and T), for platforms without a friend list.
 * Timed: B(u, v) = sum over items i of R(u, i), counted when v acted on i after u did
 * (0 < T(v, i) - T(u, i) <= window); of each item's later actors only the first max_followers
 * (by time) count. Similar (for logs without times): B(u, v) = cosine of rows u and v of R, over
 * items with at most max_followers users (0: all). Either way each user keeps its top_k heaviest
 * out-ties (0: all), and entries of R below min_weight are left out. Time O(|R| log + pairs),
 * pairs = the (u, v, item) triples visited, which *pairs (may be NULL) receives; memory B (8
 * bytes per tie, twice while built) and 13 bytes per user per thread. CLOUT_ERR_INVALID when the
 * ties B can need exceed the memory limit (checked before the work starts). */
typedef struct clout_behaviour_opts {
    bool similar;
    double window;          /* seconds (INFINITY) */
    int64_t max_followers;  /* 0: no cap */
    int64_t top_k;          /* 0: every tie */
    double min_weight;      /* 0 */
} clout_behaviour_opts;
CLOUT_PUBLIC void clout_behaviour_opts_init(clout_behaviour_opts *o);
CLOUT_PUBLIC int clout_behaviour_graph(const clout_graph *G, const clout_behaviour_opts *o, GrB_Matrix *B, int64_t *pairs,
                                       char msg[CLOUT_MSG_LEN]);
/* The options as text ("timed,window=inf,max_followers=0,top_k=0,min_weight=0"), into buf. */
CLOUT_PUBLIC void clout_behaviour_describe(const clout_behaviour_opts *o, char *buf, size_t len);
/* The options back from such a text (a snapshot's stored description), into o; CLOUT_ERR_INVALID
 * (o untouched) for any other text or a value out of range. */
CLOUT_PUBLIC int clout_behaviour_parse(const char *desc, clout_behaviour_opts *o);
/* Store B (moved in) as G's behaviour graph, with its description (copied). */
CLOUT_PUBLIC int clout_graph_set_behaviour(clout_graph *G, GrB_Matrix *B, const char *description, char msg[CLOUT_MSG_LEN]);
/* Which ties the algorithms read: every metric, diffusion and IM call reads S. social: S as it is;
 * behaviour: S becomes B (moved; G->B becomes NULL); both: S becomes S + B (weights added).
 * Behaviour and both make G directed; G->ties records the choice. CLOUT_ERR_INVALID when G has no
 * behaviour graph. */
CLOUT_PUBLIC int clout_graph_kind_parse(const char *s, clout_graph_kind *kind);
CLOUT_PUBLIC int clout_graph_use(clout_graph *G, clout_graph_kind kind, char msg[CLOUT_MSG_LEN]);

/* Keep only the interactions timed in (lo, hi] (and, with keep_untimed, those without a time):
 * R and T are replaced, caches dropped. For learning from the past what happened later: the log
 * up to a split time gives the features, the log after it the observed influence. O(|R|). */
/* Keep only R's entries of weight >= w (and T's at the same places): weak rows (a rating of 0, a
 * single play) then count as no behaviour in conversions, learned probabilities and the
 * behaviour graph. O(|R|). */
CLOUT_PUBLIC int clout_graph_min_weight(clout_graph *G, double w, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_graph_keep_times(clout_graph *G, double lo, double hi, bool keep_untimed, char msg[CLOUT_MSG_LEN]);
/* Keep only the interactions with the items keep[i] != 0 marks (keep: one entry per item): R, T
 * and each behaviour type's matrices lose the other items' entries (the sizes stay), caches
 * dropped; the behaviour graph, if any, is left as it was. For learning from one part of the items
 * what happened on the other (clout_item_halves). O(|R|). */
CLOUT_PUBLIC int clout_graph_keep_items(clout_graph *G, const uint8_t *keep, char msg[CLOUT_MSG_LEN]);
/* The earliest and latest first-interaction time in T (both NaN when no interaction has a time).
 * O(|T|). Errors: CLOUT_ERR_GRAPHBLAS. */
CLOUT_PUBLIC int clout_graph_time_span(const clout_graph *G, double *lo, double *hi, char msg[CLOUT_MSG_LEN]);
/* Behaviour type a (0 .. nactions - 1): its rows in the logs, and the users and items with at
 * least one. O(entries of that type). Errors: CLOUT_ERR_INVALID (a out of range),
 * CLOUT_ERR_GRAPHBLAS. */
CLOUT_PUBLIC int clout_graph_action_counts(const clout_graph *G, int a, double *rows, int64_t *users, int64_t *items,
                                           char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- readers */
typedef enum { CLOUT_DEDUPE_SUM = 0, CLOUT_DEDUPE_MAX, CLOUT_DEDUPE_FIRST } clout_dedupe;
/* How repeated (user, item) rows of the logs combine into R: weights summed, their largest, the
 * weight of the latest row (by time; rows without a time count as older than any timed row;
 * among equals the later row of the input), or the number of rows. */
typedef enum { CLOUT_AGG_SUM = 0, CLOUT_AGG_MAX, CLOUT_AGG_LAST, CLOUT_AGG_COUNT } clout_aggregate;
/* Distinct action types a graph keeps (a log with more is refused, naming the line). */
#define CLOUT_MAX_ACTIONS 256

typedef struct clout_read_opts {
    bool undirected;        /* store both directions of every tie */
    clout_dedupe dedupe;    /* how repeated ties combine (default sum) */
    clout_aggregate aggregate; /* how repeated log rows combine into R (default sum; the builder's) */
    bool header;            /* edge lists: skip the first line */
    bool reverse;           /* edge lists: each line `u v` is the tie v -> u (a trust or follow
                             * list: u trusts v, so v influences u) */
    bool skip_bad_lines;    /* count bad lines and go on instead of failing */
    /* interaction logs */
    char sep;               /* 0: detect from the header (tab, comma, else whitespace); ' ' = whitespace */
    const char *user_col, *item_col, *action_col, *time_col, *weight_col;  /* NULL: defaults */
    const char *date_cols;  /* "year,month,day": time assembled from three columns */
    const char *action_weights;  /* "listen=1,like=2" */
    double default_action_weight; /* used for actions not listed when has_default_action_weight */
    bool has_default_action_weight;
    const char *item_prefix;/* prepended to item ids of the next file; NULL: "" for logs, file stem + ":" for cascades */
    const char *action;     /* logs: every row is this behaviour type (NULL: the action column's, if any) */
    const char *columns;    /* logs: the file has no header; these are its column names ("a,b,c") */
} clout_read_opts;
CLOUT_PUBLIC void clout_read_opts_init(clout_read_opts *o);

/* A builder accumulates inputs; clout_builder_finish turns them into a graph. Reading costs
 * O(input bytes) time; the text of one input is held in memory while it is read (gzip inflated),
 * and the builder keeps 32 bytes per tie and per interaction until it finishes. Errors of the add
 * calls: CLOUT_ERR_NO_INPUT (a missing file or a directory), CLOUT_ERR_IO, CLOUT_ERR_DATA naming
 * FILE:LINE and what was expected (or, with skip_bad_lines, the warning
 * CLOUT_WARN_SKIPPED_LINES with a count), CLOUT_ERR_INVALID for contradictory options. */
typedef struct clout_builder clout_builder;
CLOUT_PUBLIC int clout_builder_new(clout_builder **b, const clout_read_opts *opts, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC void clout_builder_free(clout_builder **b);
/* Edge list `src dst [weight]`; .gz read directly. Parsed in parallel. */
CLOUT_PUBLIC int clout_builder_add_edges(clout_builder *b, const char *path, const clout_read_opts *opts,
                            char msg[CLOUT_MSG_LEN]);
/* Delimited interaction log with a header row. */
CLOUT_PUBLIC int clout_builder_add_log(clout_builder *b, const char *path, const clout_read_opts *opts,
                          char msg[CLOUT_MSG_LEN]);
/* Cascades: one per line, `seed u1 t1 u2 t2 ...`; each cascade becomes one item. */
CLOUT_PUBLIC int clout_builder_add_cascades(clout_builder *b, const char *path, const clout_read_opts *opts,
                               char msg[CLOUT_MSG_LEN]);
/* Build S, R, T (dedupe, both directions when undirected). Moves *b in. CLOUT_ERR_DATA when no
 * input gave a user. O((ties + interactions) log) time, one CSR copy of each. */
CLOUT_PUBLIC int clout_builder_finish(clout_builder **b, clout_graph **G, char msg[CLOUT_MSG_LEN]);

/* Same as the add calls but from memory (name is used in messages); used by the fuzzers. */
CLOUT_PUBLIC int clout_builder_add_edges_mem(clout_builder *b, const char *name, const char *data, size_t len,
                                const clout_read_opts *opts, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_builder_add_log_mem(clout_builder *b, const char *name, const char *data, size_t len,
                              const clout_read_opts *opts, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_builder_add_cascades_mem(clout_builder *b, const char *name, const char *data, size_t len,
                                   const clout_read_opts *opts, char msg[CLOUT_MSG_LEN]);

/* Ties from memory (for bindings: numpy arrays, networkx or igraph graphs): users 0..n-1 of the
 * arrays are named names[i] (NULL: "0".."n-1"; a name already known is that user), ties
 * src[k] -> dst[k] with weight w[k] (w NULL: 1); self-loops dropped and counted; repeated ties
 * combined by the builder's dedupe rule when it finishes. CLOUT_ERR_INVALID (nothing added) for an
 * index outside 0..n-1, a weight that is negative or not finite, a bad name. O(n + m). */
CLOUT_PUBLIC int clout_builder_add_ties(clout_builder *b, int64_t n, const char *const *names, const int64_t *src,
                                        const int64_t *dst, const float *w, int64_t m, char msg[CLOUT_MSG_LEN]);

/* A time as the logs write it (epoch seconds, integer or fractional, or ISO-8601
 * YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+HH:MM]) into *t, epoch seconds; CLOUT_ERR_INVALID otherwise. */
CLOUT_PUBLIC int clout_parse_time(const char *s, double *t, char msg[CLOUT_MSG_LEN]);

/* Phase timings of the last builder calls (seconds), for benchmarks. */
typedef struct clout_read_stats {
    double read_s, parse_s, map_s, build_s;
    int64_t bytes, lines, records, bad_lines, self_loops;
} clout_read_stats;
CLOUT_PUBLIC void clout_builder_stats(const clout_builder *b, clout_read_stats *st);

/* ---------------------------------------------------------------- user lists and weights
 * Read against a graph's user ids; gzip detected by its magic bytes; a UTF-8 byte-order mark is
 * skipped; lines starting with # are comments. */
/* A list of users: one id per line (the line's first blank- or tab-separated field), or a CSV
 * whose first line names a column `user` (the table `clout im` writes). *users (allocated by
 * clout, release with clout_free) receives their indices in file order, *n their number (>= 1).
 * Errors: CLOUT_ERR_NO_INPUT (missing file, a directory), CLOUT_ERR_DATA naming FILE:LINE (an
 * unknown id, a NUL byte, no user at all), CLOUT_ERR_NOMEM. Time O(file), memory O(n). */
CLOUT_PUBLIC int clout_read_users(const clout_graph *G, const char *path, int64_t **users, int64_t *n, char msg[CLOUT_MSG_LEN]);
/* Per-user weights: lines `user [weight]` (blanks, tabs or commas; weight >= 0, default 1;
 * repeated users add up) into w (caller-allocated, one per user, zeroed first). Errors as
 * clout_read_users, and CLOUT_ERR_DATA when the weights do not have a positive finite sum. */
CLOUT_PUBLIC int clout_read_user_weights(const clout_graph *G, const char *path, double *w, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- snapshots (.clout)
 * msgpack: [ "CLOUT", version, {metadata..., id maps, matrices as CSR arrays} ]. Little-endian
 * binary blobs. Loading checks every length against the file size before allocating, then every
 * row pointer, index and value: a truncated or hostile file is CLOUT_ERR_DATA naming the byte,
 * never a crash. Saving writes atomically (see output files). Both O(file size) time; loading
 * maps the file and holds the graph (about the file's size). Version 2 adds the behaviour graph
 * (B, and its description); version-1 files still load. */
#define CLOUT_SNAPSHOT_VERSION 2
CLOUT_PUBLIC int clout_snapshot_save(const clout_graph *G, const char *path, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_snapshot_load(clout_graph **G, const char *path, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_snapshot_load_mem(clout_graph **G, const char *name, const uint8_t *data, size_t len,
                            char msg[CLOUT_MSG_LEN]);
/* Optional parts a snapshot may keep, loaded only when asked (clout_snapshot_load skips them).
 * CLOUT_LOAD_PAGERANK: PageRank's layout (written when G->keep_pagerank_layout is set, e.g. by
 * `clout ingest --pagerank-layout`), so clout_pagerank skips its transpose. The layout is checked
 * (checksums of S and of itself, then every index) before use: CLOUT_ERR_DATA when it does not match. */
#define CLOUT_LOAD_PAGERANK 1u
CLOUT_PUBLIC int clout_snapshot_load_parts(clout_graph **G, const char *path, unsigned parts,
                                           char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_snapshot_load_mem_parts(clout_graph **G, const char *name, const uint8_t *data, size_t len,
                                               unsigned parts, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- generators
 * Edge arrays (src[i] -> dst[i]) are allocated by the generator (the edge count is only known
 * then) and released with clout_edges_free. CLOUT_ERR_INVALID for sizes out of range. R-MAT:
 * O(edges) time and 16 bytes per edge drawn; BA and ER: igraph's costs, O(n + m). */
typedef struct clout_edges {
    int64_t n;          /* vertices */
    int64_t m;          /* edges */
    int64_t *src, *dst;
} clout_edges;
CLOUT_PUBLIC void clout_edges_free(clout_edges *e);
/* R-MAT: 2^scale vertices, `edges` draws with quadrant probabilities a, b, c (d = 1-a-b-c); edge i
 * is a pure function of (seed, i). Self-loops and duplicates removed; result sorted by (src, dst). */
CLOUT_PUBLIC int clout_generate_rmat(clout_edges *out, int scale, int64_t edges, double a, double b, double c,
                        uint64_t seed, char msg[CLOUT_MSG_LEN]);
/* Barabasi-Albert (igraph_barabasi_game, psumtree), n vertices, m out-edges per new vertex. */
CLOUT_PUBLIC int clout_generate_ba(clout_edges *out, int64_t n, int64_t m, bool directed, uint64_t seed,
                      char msg[CLOUT_MSG_LEN]);
/* Erdos-Renyi G(n, m) (igraph_erdos_renyi_game_gnm). */
CLOUT_PUBLIC int clout_generate_er(clout_edges *out, int64_t n, int64_t m, bool directed, uint64_t seed,
                      char msg[CLOUT_MSG_LEN]);
/* A graph whose users are named "0".."n-1", S = the edges with weight 1. Moves nothing. */
CLOUT_PUBLIC int clout_graph_from_edges(clout_graph **G, const clout_edges *e, bool directed, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- key-user metrics
 * Every call returns one value per user into an array the caller allocates (n = users entries),
 * written only on success. Errors common to all: CLOUT_ERR_INVALID (an argument out of range,
 * named in msg), CLOUT_ERR_NOMEM, CLOUT_ERR_GRAPHBLAS, CLOUT_ERR_INTERRUPTED. They read G; a
 * call that needs S' or the degrees caches them on G first (see the concurrency contract). */
/* PageRank of every user on S (weights count; dangling users jump to the teleport distribution).
 * personal: n weights >= 0 (normalized here) or NULL for uniform. Block Gauss-Seidel sweeps (up
 * to 32 blocks of users, one GraphBLAS product each) until a sweep's L1 change, relative to the
 * total rank, is below tol; CLOUT_ERR_NOT_CONVERGED after max_iter sweeps; *iters: the sweeps.
 * rank: n doubles, sum 1; the same for any thread count. *prep_seconds (if not NULL): the time
 * spent building the relabelled transpose the sweeps run on (none when G holds PageRank's layout,
 * loaded with the snapshot in G->pagerank_load_seconds). Time O(|S| + sweeps x |S|), memory one
 * more copy of S (none with the layout) and 5 doubles per user. */
CLOUT_PUBLIC int clout_pagerank(clout_graph *G, double damping, double tol, int max_iter, const double *personal,
                                double *rank, int *iters, double *prep_seconds, char msg[CLOUT_MSG_LEN]);
/* Multi-source BFS along S from users src[0..ns-1]: newcount[s * (max_hops + 1) + d] = users
 * first reached from src[s] at hop d (d = 1..max_hops; entry 0 is 0); newcount has
 * ns * (max_hops + 1) entries. Bit-parallel, 512 sources per batch: time O(ns / 512 x max_hops x
 * |S|), memory 3 x 64 bytes per user and a copy of S's pattern (caches S'). */
CLOUT_PUBLIC int clout_reach(clout_graph *G, const int64_t *src, int64_t ns, int max_hops, int64_t *newcount,
                             char msg[CLOUT_MSG_LEN]);
/* The same, also calling visit(ctx, s, hop, user) for every user first reached from src[s] at
 * that hop: source by source, hops in order, users by index within a hop. Time O(ns x max_hops x
 * |S|) at worst, memory O(reached). */
typedef void (*clout_reach_visit)(void *ctx, int64_t s, int hop, int64_t user);
CLOUT_PUBLIC int clout_reach_list(const clout_graph *G, const int64_t *src, int64_t ns, int max_hops,
                                  int64_t *newcount, clout_reach_visit visit, void *ctx, char msg[CLOUT_MSG_LEN]);
/* Approximate reach by HyperANF (HyperLogLog counters of 2^log2m registers each, relative
 * standard error 1.04 / sqrt(2^log2m)): reach[v * hops + d - 1] estimates the users other than v
 * within d hops (d = 1..hops); depth[v] is the last hop at which v's counter grew (capped at
 * max_depth) and mean_hops[v] the mean distance, from the counters' growth per hop. O(max_depth x
 * |S| x 2^log2m) time, 2 n 2^log2m bytes. Identical for any thread count. */
CLOUT_PUBLIC int clout_reach_approx(clout_graph *G, int hops, int max_depth, int log2m, uint64_t seed, double *reach,
                                    int64_t *depth, double *mean_hops, char msg[CLOUT_MSG_LEN]);
/* k-core number of every user in the undirected view of S into core (n entries). Parallel
 * level-synchronous peeling: O(n + m) plus a scan per core level, memory O(n). */
CLOUT_PUBLIC int clout_coreness(clout_graph *G, int64_t *core, char msg[CLOUT_MSG_LEN]);
/* Betweenness (shortest paths by hops along S; an undirected graph counts each pair once) of
 * every user into bc (n entries), by Brandes' algorithm with the sources spread over the threads;
 * identical for any thread count. samples > 0 estimates it from that many distinct source users
 * drawn with the counter-based generator (seed), scaled by n / samples. Errors: CLOUT_ERR_INVALID
 * (samples < 0, 2^31 users or more), CLOUT_ERR_NOMEM, CLOUT_ERR_INTERRUPTED. Time
 * O(sources x |S|) over the threads, memory 36 bytes per user per thread. */
CLOUT_PUBLIC int clout_betweenness(clout_graph *G, int64_t samples, uint64_t seed, double *bc, char msg[CLOUT_MSG_LEN]);
/* Local clustering coefficient of every user in the undirected simple view (0 below degree 2)
 * into cc (n entries). Forward triangle counting over degree-ordered ties: O(m^1.5) at worst. */
CLOUT_PUBLIC int clout_clustering(clout_graph *G, double *cc, char msg[CLOUT_MSG_LEN]);
/* From T: adoptions (items u interacted with, from R), exposures and conversions of u's timed
 * adoptions (see graph/metrics/conversion.c); window in seconds (INFINITY: no limit). Each array
 * has n entries. Time O(|S| x items per user), memory O(n). */
CLOUT_PUBLIC int clout_conversion(clout_graph *G, double window, int64_t *adoptions, int64_t *exposures,
                                  int64_t *conversions, char msg[CLOUT_MSG_LEN]);
/* The same counted after a time `since` on the whole log (the observed influence of a period):
 * exposures still open after it, conversions whose follower adopted after it (the user may have
 * adopted before), adoptions timed after it. -INFINITY gives clout_conversion. Conversions since S
 * equal those of the whole log minus those of the log up to S (clout_graph_keep_times). */
CLOUT_PUBLIC int clout_conversion_since(clout_graph *G, double window, double since, int64_t *adoptions,
                                        int64_t *exposures, int64_t *conversions, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- diffusion (Independent Cascade)
 * Edge probabilities on S (u->v: u can influence v): wc p = w(u,v) / sum_x w(x,v); const:P;
 * trivalency (0.1, 0.01 or 0.001 per edge, drawn with the counter-based generator); weight (the
 * weights themselves, each in [0, 1]). */
typedef enum { CLOUT_PROB_WC = 0, CLOUT_PROB_CONST, CLOUT_PROB_TRIVALENCY, CLOUT_PROB_WEIGHT,
               CLOUT_PROB_LEARNED } clout_prob_kind;
typedef struct clout_prob_model {
    clout_prob_kind kind;
    double p;           /* const:P */
    uint64_t seed;      /* trivalency draws */
    double window;      /* learned: v's adoption counts within this many seconds after u's (INFINITY) */
    double a, b;        /* learned: Beta(a, b) prior, p = (A(u->v) + a) / (A(u) + a + b) */
} clout_prob_model;
/* "wc", "const:0.1", "trivalency", "weight", "learned"; CLOUT_ERR_INVALID otherwise.
 * learned (Goyal, Bonchi, Lakshmanan, WSDM 2010, Bernoulli): from the times T, p(u,v) =
 * A(u->v) / A(u), A(u) the items u adopted (with a time), A(u->v) those v adopted after u did. */
CLOUT_PUBLIC int clout_prob_parse(const char *spec, clout_prob_model *m, char msg[CLOUT_MSG_LEN]);
/* The influence graph: S's ties with their probabilities, as CSR arrays both ways (32-bit user
 * indices; one probability per user when all its in-ties share it, as with wc on unweighted ties
 * and const:P). CLOUT_ERR_DATA (naming the tie) when probabilities from weights meet a weight
 * outside [0, 1]; learned probabilities read T. O(|S|) time; memory two copies of S's pattern
 * with 32-bit indices and a probability per tie (or per user).
 * flags CLOUT_INFLUENCE_CONSUME: take over G's social matrix instead of copying it, saving one copy
 * of S on large graphs; afterwards G keeps its users and items but has no social ties. */
#define CLOUT_INFLUENCE_CONSUME 1u
/* flags CLOUT_INFLUENCE_REVERSE: keep only the in-rows, all that RR sets (clout_rr_counts, imm,
 * opim-c) need; cascades, celf and the degree baselines then refuse it. */
#define CLOUT_INFLUENCE_REVERSE 2u
typedef struct clout_influence clout_influence;
CLOUT_PUBLIC int clout_influence_new(clout_influence **P, clout_graph *G, const clout_prob_model *m, unsigned flags,
                        char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC void clout_influence_free(clout_influence **P);
/* theta reverse-reachable sets from uniform random roots, under IC (lt false) or LT; count[v] =
 * sets containing v (n entries); roots[v] (n entries, may be NULL) = sets rooted at v, which
 * always contain v. sigma({v}) = 1 + sum over w != v of P(v reaches w), estimated by 1 + (n - 1)
 * (count[v] - roots[v]) / (theta - roots[v]): v's own activation counted exactly, never below 1
 * (n count[v] / theta is unbiased too, but can fall below 1). OpenMP over
 * sets; set j draws from its own stream, so counts are identical for any thread count. Time
 * O(theta x mean set size), memory O(n) per thread. CLOUT_ERR_INVALID when theta < 1. */
CLOUT_PUBLIC int clout_rr_counts(const clout_influence *P, bool lt, int64_t theta, uint64_t seed, int64_t *count,
                                 int64_t *roots, char msg[CLOUT_MSG_LEN]);
/* For each users[i]: sims Monte Carlo cascades from that user alone; spread[i] = mean number of
 * active users (the user included), spread_se[i] its standard error, depth[i] the mean number of
 * rounds that activated someone. spread_se and depth may be NULL. Time O(nu x sims x cascade),
 * memory O(n) per thread. Needs out-rows (not CLOUT_INFLUENCE_REVERSE). */
CLOUT_PUBLIC int clout_ic_cascades(const clout_influence *P, const int64_t *users, int64_t nu, int64_t sims, uint64_t seed,
                      double *spread, double *spread_se, double *depth, char msg[CLOUT_MSG_LEN]);

/* depth[u] (n entries): the expected number of rounds that activate someone in a cascade from u
 * alone, under IC (lt false) or LT, for every user at once from sims sampled live-edge graphs
 * (Kempe, Kleinberg, Tardos 2003: a cascade's round t is the t-th BFS level of the live ties
 * reachable from u). Graph s draws user v's live in-ties from stream (s, v): identical for any
 * thread count. Time O(sims x (|S| + the users' searches)), memory one live graph (O(n + |S|))
 * and O(n) per thread. */
CLOUT_PUBLIC int clout_cascade_depths(const clout_influence *P, bool lt, int64_t sims, uint64_t seed, double *depth,
                         char msg[CLOUT_MSG_LEN]);

/* sims Monte Carlo cascades from the seed set under IC (lt false) or Linear Threshold (lt true;
 * weights b(u,v) = the model's probabilities, rescaled so each user's in-weights sum to at most
 * 1; thresholds uniform in [0, 1)). sizes[s]: active users at the end of simulation s (seeds
 * included); depths[s] (may be NULL): rounds that activated someone. Simulation s draws from its
 * own streams, so results are identical for any thread count. Time O(sims x cascade), memory
 * O(n) per thread; sizes and depths have sims entries. */
CLOUT_PUBLIC int clout_simulate(const clout_influence *P, bool lt, const int64_t *seeds, int64_t ns, int64_t sims, uint64_t seed,
                   int64_t *sizes, int64_t *depths, char msg[CLOUT_MSG_LEN]);
/* The spreads of nested seed sets in one pass: for each prefix size ks[j] (nk of them, not
 * decreasing), sizes[j * sims + s] = what clout_simulate(P, lt, seeds, ks[j], sims, seed) gives
 * for simulation s, bit for bit: each simulation's cascade is grown prefix by prefix in one world.
 * Time O(sims x the largest prefix's cascade), memory as clout_simulate. Errors as clout_simulate,
 * and CLOUT_ERR_INVALID for decreasing sizes. */
CLOUT_PUBLIC int clout_simulate_prefixes(const clout_influence *P, bool lt, const int64_t *seeds, const int64_t *ks,
                                         int nk, int64_t sims, uint64_t seed, int64_t *sizes, char msg[CLOUT_MSG_LEN]);
/* Simulations first .. first + count - 1 only (outputs indexed 0 .. count - 1; prefixes:
 * sizes[j * count + i]): the same numbers the whole run gives for those simulations, so a
 * distributed run (src/dist/) can split them by index over processes. */
CLOUT_PUBLIC int clout_simulate_range(const clout_influence *P, bool lt, const int64_t *seeds, int64_t ns, int64_t first,
                                      int64_t count, uint64_t seed, int64_t *sizes, int64_t *depths, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_simulate_prefixes_range(const clout_influence *P, bool lt, const int64_t *seeds, const int64_t *ks,
                                               int nk, int64_t first, int64_t count, uint64_t seed, int64_t *sizes,
                                               char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- influence maximization
 * imm and opim-c work under IC (lt false) or LT (lt true; RR sets are then paths: each user picks
 * at most one in-neighbour with its LT weight). Errors: CLOUT_ERR_INVALID for k outside 1..n or
 * eps, delta outside (0, 1), with the value in msg. seeds and spread have k entries. Memory: the RR
 * sets (4 bytes per user in a set, 12 bytes per set) and O(n) per thread; time O(sets x mean set
 * size + k x n). */
/* IMM (Tang, Shi, Xiao 2015) with Chen's fresh-sample selection: k seeds whose spread is at least
 * (1 - 1/e - eps) OPT with probability >= 1 - delta (delta <= 0: 1/n, 1/2 for one user). spread[i]: the estimated
 * spread after seed i, from RR sets independent of the selection (the bound phase's, topped up
 * until the estimate's relative standard error is about est_rse, at most as many as the selection
 * used; est_rse <= 0: no top-up), so it lacks the optimism of the sets that chose the seeds;
 * *est_sets (may be NULL): their number; *rr_used: RR sets of the final selection. Identical for
 * any thread count. */
CLOUT_PUBLIC int clout_im_imm(const clout_influence *P, bool lt, int k, double eps, double delta, uint64_t seed, double est_rse,
                 int64_t *seeds, double *spread, int64_t *rr_used, int64_t *est_sets, char msg[CLOUT_MSG_LEN]);
/* OPIM-C (Tang et al., SIGMOD 2018): doubles two independent RR collections until the online
 * bound certifies (1 - 1/e - eps) OPT with probability >= 1 - delta (or the worst-case count is
 * reached); *ratio: the approximation ratio certified; *rr_used: RR sets in both collections. */
CLOUT_PUBLIC int clout_im_opimc(const clout_influence *P, bool lt, int k, double eps, double delta, uint64_t seed, int64_t *seeds,
                   double *spread, int64_t *rr_used, double *ratio, char msg[CLOUT_MSG_LEN]);
/* CELF (Leskovec et al. 2007): lazy greedy on Monte Carlo spread (sims cascades per
 * evaluation); spread[i] = the estimate after seed i. For small graphs and as a check on imm. */
CLOUT_PUBLIC int clout_im_celf(const clout_influence *P, bool lt, int k, int64_t sims, uint64_t seed, int64_t *seeds, double *spread,
                  char msg[CLOUT_MSG_LEN]);
/* Baselines: the k users with most out-ties, or degree-discount (Chen, Wang, Yang 2009; p = the
 * mean tie probability). */
CLOUT_PUBLIC int clout_im_degree(const clout_influence *P, int k, bool discount, int64_t *seeds, char msg[CLOUT_MSG_LEN]);
/* Baseline: the k users with the highest PageRank on the reversed graph (caches G->ST). */
CLOUT_PUBLIC int clout_im_pagerank(clout_graph *G, int k, int64_t *seeds, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- the per-user features table
 * Every key-user metric as one named column per user: the table `clout metrics` writes, and what
 * scores and key users are computed from. Columns come in this order (CLOUT_FEATURE_COLUMNS); a
 * group is computed once when any of its columns is asked for. */
#define CLOUT_FEATURE_COLUMNS                                                                       \
    "out_degree, in_degree, w_out_degree, pagerank, core, betweenness, clustering, reach_1..reach_D, " \
    "depth, mean_hops, ic_range, ic_range_se, ic_depth, adoptions, exposures, conversions, conversion_rate"
typedef struct clout_features_opts {
    const char *only;           /* comma-separated column names; NULL: every column */
    int hops;                   /* reach_1 .. reach_hops (3) */
    int max_depth;              /* depth and mean_hops look this far (32) */
    double damping, tol;        /* PageRank (0.85, 1e-10) */
    int max_iter;               /* PageRank sweeps before CLOUT_ERR_NOT_CONVERGED (10000) */
    const double *personal;     /* PageRank's teleport weights (n), or NULL: uniform */
    int64_t betweenness_samples;/* 0: exact; else sampled sources, scaled */
    uint64_t seed;              /* every random choice (1) */
    bool lt;                    /* ic_range, ic_depth under Linear Threshold instead of IC */
    clout_prob_model prob;      /* the tie probabilities of ic_range and ic_depth (wc) */
    int64_t rr_sets, sims;      /* RR sets for ic_range (200,000), live-edge graphs for ic_depth (200) */
    bool approx;                /* reach, depth, mean_hops by HyperANF */
    int approx_registers;       /* log2 of HyperANF's registers per user (7) */
    double window;              /* conversions count within this many seconds (INFINITY) */
    bool consume;               /* the influence columns may take over G's ties (one copy of S less;
                                 * afterwards G has no ties): for one-shot programs */
    double since;               /* adoptions, exposures, conversions counted after this time
                                 * (clout_conversion_since; -INFINITY: the whole log) */
} clout_features_opts;
CLOUT_PUBLIC void clout_features_opts_init(clout_features_opts *o);
/* CLOUT_OK when every name of a column list is a column, else CLOUT_ERR_INVALID naming it. */
CLOUT_PUBLIC int clout_features_check(const char *only, char msg[CLOUT_MSG_LEN]);
typedef struct clout_feature_col {
    char *name;
    clout_coltype type;         /* CLOUT_COL_INT (ints) or CLOUT_COL_REAL (reals) */
    int64_t *ints;              /* n values, or NULL */
    double *reals;              /* n values, or NULL */
} clout_feature_col;
enum { CLOUT_FT_DEGREES, CLOUT_FT_PAGERANK, CLOUT_FT_PAGERANK_PREP, CLOUT_FT_TRANSPOSE, CLOUT_FT_CORE,
       CLOUT_FT_BETWEENNESS, CLOUT_FT_CLUSTERING, CLOUT_FT_REACH, CLOUT_FT_CONVERSION, CLOUT_FT_IC_RANGE,
       CLOUT_FT_IC_DEPTH, CLOUT_FT_NPHASES };
typedef struct clout_features {
    int64_t n;                  /* rows: one per user, in index order */
    int ncols;
    clout_feature_col *cols;
    int pagerank_iters;         /* PageRank's sweeps */
    double seconds[CLOUT_FT_NPHASES]; /* each phase's wall time */
} clout_features;
/* The table for G (*F: release with clout_features_free). Caches G's transpose and degrees; with
 * o->consume, G's ties are gone afterwards. Errors: CLOUT_ERR_INVALID (an unknown column, a bad
 * option), and those of each metric (CLOUT_ERR_NOMEM, CLOUT_ERR_NOT_CONVERGED, ...); nothing is
 * handed back on failure. Time and memory: the sum of the metrics asked for (see each). */
CLOUT_PUBLIC int clout_features_compute(clout_graph *G, const clout_features_opts *o, clout_features **F, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC void clout_features_free(clout_features **F);

/* ---------------------------------------------------------------- influence maximization by name */
typedef enum { CLOUT_IM_IMM = 0, CLOUT_IM_OPIMC, CLOUT_IM_CELF, CLOUT_IM_DEGREE, CLOUT_IM_DEGREE_DISCOUNT,
               CLOUT_IM_PAGERANK } clout_im_algo;
/* "imm", "opim-c", "celf", "degree", "degree-discount", "pagerank"; CLOUT_ERR_INVALID otherwise. */
CLOUT_PUBLIC int clout_im_algo_parse(const char *name, clout_im_algo *algo);
CLOUT_PUBLIC const char *clout_im_algo_name(clout_im_algo algo);
typedef struct clout_im_params {
    clout_im_algo algo;
    bool lt;            /* Linear Threshold instead of Independent Cascade */
    int k;              /* seeds wanted, 1 <= k <= users */
    double eps, delta;  /* imm, opim-c: the guarantee's epsilon and failure probability (delta <= 0: 1/n) */
    uint64_t seed;      /* the counter-based generator's seed */
    double est_rse;     /* imm: relative standard error of the independent spread estimate */
    int64_t sims;       /* celf: Monte Carlo cascades per evaluation */
} clout_im_params;
/* imm, IC, k 1, eps 0.1, delta 1/n, seed 1, est_rse 0.005, sims 1000 */
CLOUT_PUBLIC void clout_im_params_init(clout_im_params *p);
typedef struct clout_im_info {
    int64_t rr_sets;          /* imm: the selection's RR sets; opim-c: both collections */
    int64_t estimate_rr_sets; /* RR sets behind the spread estimate */
    double guarantee;         /* the approximation ratio promised (imm) or certified (opim-c); NaN otherwise */
    bool has_spread;          /* imm, opim-c, celf fill spread[]; the baselines do not */
    bool has_rr;              /* the RR figures mean something (imm, opim-c) */
} clout_im_info;
/* k seeds (seeds[0..k-1], in the order chosen) by the algorithm p->algo; spread[i] (k entries,
 * filled when info->has_spread) the estimate after seed i. P must hold out-ties for celf and the
 * degree baselines; G is read only by the pagerank baseline (which caches G->ST). info may be
 * NULL. Errors: those of the algorithm called. Time and memory: those of the algorithm called. */
CLOUT_PUBLIC int clout_im_select(clout_graph *G, const clout_influence *P, const clout_im_params *p, int64_t *seeds,
                    double *spread, clout_im_info *info, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- influence scores
 * Feature vectors are dense row-major arrays X (n users x nf features, X[u * nf + j]); weights w
 * have nf entries. Errors: CLOUT_ERR_INVALID for a non-finite value (named), nf < 1. */
typedef enum { CLOUT_NORM_ZSCORE = 0, CLOUT_NORM_MINMAX, CLOUT_NORM_RANK, CLOUT_NORM_NONE, CLOUT_NORM_LOG_ZSCORE } clout_norm;
/* "zscore", "minmax", "rank", "none", "log-zscore" */
CLOUT_PUBLIC int clout_norm_parse(const char *s, clout_norm *norm);
/* One column x (n values) into out (may be x): zscore (x - mean) / sd (population sd; a constant
 * column gives 0), minmax (x - min) / (max - min) (constant: 0), rank (average ranks of ties,
 * mapped to [0, 1]: (rank - 1) / (n - 1)), none (a copy), log-zscore (zscore of log(1 + x), for
 * heavy-tailed counts; values must be > -1). O(n) (rank: O(n log n)). */
CLOUT_PUBLIC int clout_normalize(const double *x, int64_t n, clout_norm how, double *out, char msg[CLOUT_MSG_LEN]);
/* rank[i] = the rank of x[i] among x (1 = smallest; ties share their average rank). */
CLOUT_PUBLIC int clout_average_ranks(const double *x, int64_t n, double *rank, char msg[CLOUT_MSG_LEN]);
/* I_u = sum_j w_j X[u][j] into score (n); contrib (n x nf, may be NULL) receives each term. */
CLOUT_PUBLIC int clout_score_sum(const double *X, int64_t n, int nf, const double *w, double *score, double *contrib,
                                 char msg[CLOUT_MSG_LEN]);
/* The gate of a score (clout score --gate): users whose gate[u] is not above 0 get contributions 0
 * (contrib n x nf, may be NULL) and a common score below the lowest of those that pass (by
 * max(1, its magnitude)), so that every ordering puts them last, tied. CLOUT_ERR_DATA when no user
 * passes. O(n nf). */
CLOUT_PUBLIC int clout_score_gate(const double *gate, int64_t n, int nf, double *score, double *contrib,
                                  char msg[CLOUT_MSG_LEN]);
/* influence(u, v) = sum_i w_i xu_i (xv_i - c_i) / sqrt(sum_i w_i^2 xu_i^2), c_i = center[i] (each
 * feature's mean over all users: feature centering) or, when center is NULL, the mean of xv's
 * entries (user centering). A zero denominator gives 0 and sets *zero (may be NULL). w NULL: 1. */
CLOUT_PUBLIC double clout_influence_pair(const double *xu, const double *xv, const double *w, int nf, const double *center,
                                         bool *zero);
/* influence(u, v) for every tie of S, one masked product (X diag(w)) X' over S's pattern in
 * GraphBLAS: val (|S| entries, may be NULL) in S's row order (users by index, then out-ties by
 * index); formula_out (n, may be NULL) = the sum over u's out-ties; *zeros (may be NULL) = ties
 * whose u had a zero denominator. Time O(|S| nf), memory 2 n nf doubles and |S| doubles. */
CLOUT_PUBLIC int clout_pairwise_edges(clout_graph *G, const double *X, int nf, const double *w, bool center_feature,
                                      double *val, double *formula_out, int64_t *zeros, char msg[CLOUT_MSG_LEN]);
/* For each users[q] (nu of them), the k other users it influences most: top[q * k + j] (-1 past
 * the n - 1 others) and val[q * k + j], best first (ties by smaller index). Blocks of 64 users
 * against blocks of 4096 candidates, one OpenBLAS GEMM each, a top-k heap per row: never the
 * n x n matrix. Time O(nu n nf), memory O(64 x 4096 + 64 k). */
CLOUT_PUBLIC int clout_pairwise_top(const double *X, int64_t n, int nf, const double *w, bool center_feature,
                                    const int64_t *users, int64_t nu, int k, int64_t *top, double *val,
                                    char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- learning weights
 * Fits of y on the columns of X (n x nf) plus an intercept: coef has nf + 1 entries (the intercept
 * last), se (may be NULL) their standard errors. l2 >= 0 penalizes the weights, not the
 * intercept. Errors: CLOUT_ERR_INVALID (non-finite values, n <= nf for ridge without l2, y not
 * 0/1 for the logistic fit), CLOUT_ERR_NOT_CONVERGED. Time O(n nf^2 + nf^3), memory O(nf^2). */
/* Ridge regression: minimizes |y - X b - c|^2 + l2 |b|^2, solved by Cholesky (LAPACK dposv);
 * se from sigma^2 A^-1 X'X A^-1, A = X'X + l2 I, sigma^2 = RSS / (n - nf - 1). */
CLOUT_PUBLIC int clout_fit_ridge(const double *X, const double *y, int64_t n, int nf, double l2, double *coef, double *se,
                                 char msg[CLOUT_MSG_LEN]);
/* Logistic regression (y in {0, 1}): maximizes the log-likelihood minus l2/2 |b|^2 by Newton's
 * method (at most 100 steps, until the largest step is below 1e-10); se from the inverse Hessian.
 * *iters (may be NULL): the steps taken. Separable data need l2 > 0 to converge. */
CLOUT_PUBLIC int clout_fit_logistic(const double *X, const double *y, int64_t n, int nf, double l2, double *coef, double *se,
                                    int *iters, char msg[CLOUT_MSG_LEN]);
/* fold[u] in 0..folds-1 for n rows: a random permutation keyed by seed, cut into folds of sizes
 * differing by at most one. */
CLOUT_PUBLIC int clout_folds(int64_t n, int folds, uint64_t seed, int *fold, char msg[CLOUT_MSG_LEN]);
/* Random halves of n items, the split-th of a series: first[i] = 1 for the floor(n / 2) items whose
 * draw clout_rng_u64(seed, "half" stream, split n + i) is smallest (ties by index), 0 for the
 * others. Different splits are independent draws. Errors: CLOUT_ERR_INVALID (n < 2, split < 0,
 * split n beyond 2^63), CLOUT_ERR_NOMEM. O(n log n). */
CLOUT_PUBLIC int clout_item_halves(int64_t n, int64_t split, uint64_t seed, uint8_t *first, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- evaluating scores
 * A score column against an observed one (truth), both n values; *value receives the figure, NaN
 * when it is undefined (fewer than 2 users, a constant column, no positives). Errors:
 * CLOUT_ERR_INVALID (a value that is not finite, k < 1), CLOUT_ERR_NOMEM. O(n log n) time, O(n)
 * memory. */
/* Spearman: Pearson correlation of the average ranks. */
CLOUT_PUBLIC int clout_eval_spearman(const double *score, const double *truth, int64_t n, double *value,
                                     char msg[CLOUT_MSG_LEN]);
/* Kendall's tau-b (ties in either column accounted), by merge sort (Knight 1966). */
CLOUT_PUBLIC int clout_eval_kendall(const double *score, const double *truth, int64_t n, double *value,
                                    char msg[CLOUT_MSG_LEN]);
/* precision@k: the share of the k best by score (ties by index) whose truth is at least the k-th
 * largest truth value. */
CLOUT_PUBLIC int clout_eval_precision(const double *score, const double *truth, int64_t n, int64_t k, double *value,
                                      char msg[CLOUT_MSG_LEN]);
/* NDCG@k with gains max(truth, 0) and discounts 1 / log2(rank + 1). */
CLOUT_PUBLIC int clout_eval_ndcg(const double *score, const double *truth, int64_t n, int64_t k, double *value,
                                 char msg[CLOUT_MSG_LEN]);
/* AUC of the score for truth > 0 (Mann-Whitney; tied scores count half). */
CLOUT_PUBLIC int clout_eval_auc(const double *score, const double *truth, int64_t n, double *value,
                                char msg[CLOUT_MSG_LEN]);
/* Every score column (scores: ncols columns of n values, column after column) against the truth on
 * every metric above, on all users and on boot bootstrap resamples of them. Metric slots x, in
 * order: spearman, kendall, auc, precision at each of k[0..nk), ndcg at each of k[0..nk) (nm =
 * 3 + 2 nk slots). values (ncols x nm x (boot + 1)) receives at [(q nm + x)(boot + 1) + r] column
 * q's slot x on resample r < boot, and on all users at r = boot. Resample r draws user
 * clout_rng_bounded(seed, "boot" stream, r n + j, n) for j < n: the same draws for every column
 * (so two columns' values pair up) and for any thread count. Resamples run in parallel, with
 * progress; CLOUT_ERR_INTERRUPTED when asked to stop. Time per resample and column: two radix
 * sorts (O(n)) and Kendall's merge (O(n log n)); memory besides values: 144 bytes per user per
 * thread. */
/* The 95% percentile interval of v[0..n) (minus base[r] when base is not NULL: a paired
 * difference) over the entries where it is defined: with the d defined values sorted, lo =
 * d[floor(0.025 (d - 1))] and hi = d[ceil(0.975 (d - 1))]; NaN, NaN when fewer than 2 are. */
CLOUT_PUBLIC int clout_eval_interval(const double *v, const double *base, int64_t n, double *lo, double *hi,
                                     char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_eval_bootstrap(const double *scores, int ncols, const double *truth, int64_t n, const int64_t *k,
                                      int nk, int64_t boot, uint64_t seed, double *values, char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- graph neural networks (gnn/)
 * Models trained by clout itself: dense float32 on OpenBLAS, sparse x dense over the graph's CSR
 * arrays (a row-parallel kernel; see tools/bench/RESULTS.md for the comparison with GraphBLAS's).
 * Every random draw (initialization, split, dropout, samples) comes from the counter-based
 * generator and every kernel computes each output in one thread in a fixed order: one seed gives
 * the same model, bit for bit, for any thread count. Models are saved in .clout-model files
 * (msgpack: kind, parameters, the user and item ids, tensors) and read back strictly: a file that
 * is not exactly a model is CLOUT_ERR_DATA with its byte offset. A model applies to a graph whose
 * users (and items) it knows, matched by id; another graph is CLOUT_ERR_DATA naming a stranger. */
typedef struct clout_model clout_model;
CLOUT_PUBLIC void clout_model_free(clout_model **m);
CLOUT_PUBLIC int clout_model_save(const clout_model *m, const char *path, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_model_load(clout_model **m, const char *path, char msg[CLOUT_MSG_LEN]);
/* The same from memory (name is used in messages); used by the fuzzer. */
CLOUT_PUBLIC int clout_model_load_mem(clout_model **m, const char *name, const uint8_t *data, size_t len,
                                      char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC const char *clout_model_kind(const clout_model *m);     /* "gcn" or "lightgcn" */
/* the parameters that made the model (names and values, valid while m lives); returns how many */
CLOUT_PUBLIC int clout_model_params(const clout_model *m, const char *const **names, const double **values);
CLOUT_PUBLIC int clout_model_classes(const clout_model *m);          /* GCN classes; 0: regression */
CLOUT_PUBLIC const char *clout_model_class_name(const clout_model *m, int c);

/* GCN (Kipf and Welling 2017): node classification (label[u] in 0..nclasses-1, -1: none) or
 * regression (target[u], NaN: none) from the ties read as undirected (D^-1/2 (A+I) D^-1/2) and
 * the features X (n x nf doubles, row-major; nf 0: identity features, one learned row per user).
 * The users with a label are split train/validation/test by a seeded shuffle; Adam, dropout,
 * weight decay on the first layer, early stopping on the validation loss (patience epochs without
 * improvement; 0: never) with the best weights kept. fn (may be NULL) hears every epoch. Cost per
 * epoch: O(layers (|S| hidden + n hidden^2)); memory O(n hidden layers), plus n hidden for identity
 * features. CLOUT_ERR_INVALID (an option out of range, nobody to train on), CLOUT_ERR_NOT_CONVERGED
 * (the loss became NaN: lower lr). */
typedef struct clout_gcn_opts {
    int layers;             /* 2 */
    int hidden;             /* 64 */
    double dropout;         /* 0.5 */
    double lr;              /* 0.01 */
    double weight_decay;    /* 5e-4, first layer */
    int epochs;             /* 200 */
    int patience;           /* 20 */
    double split[3];        /* 0.6, 0.2, 0.2 */
    uint64_t seed;          /* 1 */
} clout_gcn_opts;
CLOUT_PUBLIC void clout_gcn_opts_init(clout_gcn_opts *o);
typedef struct clout_gcn_report {
    int epochs_run, best_epoch;
    int64_t n[3];           /* users in train, validation, test */
    double loss[3];
    double accuracy[3];     /* classification; NaN for regression */
    double rmse[3], spearman[3]; /* regression, in the target's units; NaN for classification */
} clout_gcn_report;
typedef void (*clout_gcn_epoch_fn)(void *ctx, int epoch, double train_loss, double val_loss, double val_metric);
CLOUT_PUBLIC int clout_gcn_train(clout_graph *G, const clout_gcn_opts *o, const double *X, int nf, const int32_t *label,
                                 int nclasses, const char *const *class_names, const double *target,
                                 clout_gcn_epoch_fn fn, void *ctx, clout_model **model, clout_gcn_report *rep,
                                 char msg[CLOUT_MSG_LEN]);
/* Predictions for every user of G: the class index (classification; prob: its softmax
 * probability) or the value (regression; prob NaN). X as for training (the model's nf columns). */
CLOUT_PUBLIC int clout_gcn_predict(const clout_model *m, clout_graph *G, const double *X, int nf, double *pred,
                                   double *prob, char msg[CLOUT_MSG_LEN]);

/* LightGCN (He et al. 2020) on R's pattern with BPR loss, one uniform negative per positive;
 * layers 0: BPR-MF; social: at every layer a user's next embedding is its items' aggregation
 * plus social_beta times its friends' (D^-1/2 S D^-1/2 of the ties read as undirected). Test
 * pairs (user, item; item -1 for an item G lacks, a certain miss) are evaluated every eval_every
 * epochs (and at the last) by Recall@topk and NDCG@topk over all items, training items excluded;
 * the model keeps the embeddings of the best Recall (the last epoch's without test pairs). Cost
 * per epoch: |R| / batch steps of O(layers |P| dim + (n + m) dim). */
typedef struct clout_lightgcn_opts {
    int dim;                /* 64 */
    int layers;             /* 3 */
    double lr;              /* 1e-3 */
    double l2;              /* 1e-4 */
    int batch;              /* 2048 */
    int epochs;             /* 300 */
    int eval_every;         /* 10 */
    int topk;               /* 20 */
    bool social;            /* false */
    double social_beta;     /* 0.5: weight of the friends' aggregation in a user's next embedding */
    uint64_t seed;          /* 1 */
} clout_lightgcn_opts;
CLOUT_PUBLIC void clout_lightgcn_opts_init(clout_lightgcn_opts *o);
typedef struct clout_lightgcn_epoch {
    int epoch;
    double loss, recall, ndcg;  /* recall, ndcg: NaN when not evaluated */
    double seconds;             /* since training began */
    bool evaluated;
} clout_lightgcn_epoch;
typedef void (*clout_lightgcn_epoch_fn)(void *ctx, const clout_lightgcn_epoch *e);
CLOUT_PUBLIC int clout_lightgcn_train(clout_graph *G, const clout_lightgcn_opts *o, const int64_t *test_user,
                                      const int64_t *test_item, int64_t ntest, clout_lightgcn_epoch_fn fn, void *ctx,
                                      clout_model **model, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_lightgcn_evaluate(const clout_model *m, clout_graph *G, const int64_t *test_user,
                                         const int64_t *test_item, int64_t ntest, int k, double *recall, double *ndcg,
                                         char msg[CLOUT_MSG_LEN]);
/* The k best items (items[q k + j], -1 past the end; scores likewise, NaN) for users[0..nu) by a
 * LightGCN model, items the user already has excluded. social_weight L in [0, 1]: the score
 * becomes (1 - L) x the model's score min-maxed over the user's candidates + L x the share of the
 * user's friends holding the item, each friend weighted by the percentile of influence[f] (NULL:
 * equally). */
CLOUT_PUBLIC int clout_recommend(const clout_model *m, clout_graph *G, const int64_t *users, int64_t nu, int k,
                                 double social_weight, const double *influence, int64_t *items, double *scores,
                                 char msg[CLOUT_MSG_LEN]);

/* ---------------------------------------------------------------- output tables
 * One table per command: named columns, rows written one at a time; CSV (header + rows), JSON
 * (an array of objects, or one object for a record) or msgpack (the same shapes). */
typedef struct clout_table clout_table;
/* record: the table has exactly one row and JSON/msgpack write it as a bare object. */
CLOUT_PUBLIC int clout_table_begin(clout_table **t, FILE *f, clout_format fmt, int ncols, const char *const *names,
                                   bool record, char msg[CLOUT_MSG_LEN]);
/* Cells of the current row, in column order. A string cell may be NULL (empty / null). */
CLOUT_PUBLIC void clout_table_str(clout_table *t, const char *s, size_t len);
CLOUT_PUBLIC void clout_table_int(clout_table *t, int64_t v);
CLOUT_PUBLIC void clout_table_real(clout_table *t, double v);  /* shortest text that round-trips a double */
CLOUT_PUBLIC void clout_table_real32(clout_table *t, float v); /* shortest text that round-trips a float */
CLOUT_PUBLIC void clout_table_bool(clout_table *t, bool v);
CLOUT_PUBLIC void clout_table_null(clout_table *t);
/* Rows 0..nrows-1 of an array table at once: fn(ctx, row, r) writes the cells of one row on r
 * (with the calls above; r is not t). Blocks of rows are formatted in parallel by OpenMP threads
 * (--threads) and written in row order, so the output is the same bytes as nrows rows written
 * one by one; fn must be safe to call from several threads at once (no GraphBLAS or igraph calls).
 * Errors: CLOUT_ERR_NOMEM, CLOUT_ERR_INVALID (a row of the wrong number of cells, a record table),
 * CLOUT_ERR_INTERRUPTED. Memory: 4 blocks of 8,192 formatted rows per thread. */
typedef void (*clout_row_fn)(void *ctx, int64_t row, clout_table *r);
CLOUT_PUBLIC int clout_table_rows(clout_table *t, int64_t nrows, clout_row_fn fn, void *ctx, char msg[CLOUT_MSG_LEN]);
CLOUT_PUBLIC int clout_table_end(clout_table **t, char msg[CLOUT_MSG_LEN]);  /* closes the array; checks ferror */
/* Write the rows so far out to the file now (CSV and JSON; msgpack tables are written at the end):
 * for tables printed while a long call runs. */
CLOUT_PUBLIC void clout_table_flush(clout_table *t);
CLOUT_PUBLIC int clout_format_parse(const char *s, clout_format *fmt);

#ifdef __cplusplus
}
#endif
#endif
