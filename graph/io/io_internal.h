/* io_internal.h: the input floor's internals (graph/io/): the builder's state that the readers fill, value parsing (not installed). */
#ifndef CLOUT_IO_INTERNAL_H
#define CLOUT_IO_INTERNAL_H
#include "store_internal.h"
#include "mpk_read.h"
#include <msgpack.h>
#include <math.h>

typedef struct {
    char *name;
    double w;
} clout_i_action;

struct clout_builder {
    bool undirected;
    clout_dedupe dedupe;
    clout_idmap *users, *items;
    /* social ties, dense user indices */
    int64_t *esrc, *edst;
    float *ew;
    int64_t ne, ecap;
    bool unit_weights;  /* every tie so far has weight 1: S skips the weights, and ew is not
                         * written (its pages are never touched); ew[0..ne) holds the weights
                         * only once this is false (clout_i_builder_weighted) */
    /* interactions; it[k] is NaN when the row had no time */
    int64_t *iu, *ii;
    float *iw;
    double *it;
    int32_t *ia;        /* action type (index in actions), -1: none */
    int64_t ni, icap;
    clout_idmap *actions;
    clout_aggregate aggregate;
    int64_t self_loops, bad_lines;
    char **sources;
    int nsources;
    char *action_weights;
    clout_read_stats stats;
};

int clout_i_builder_reserve_edges(clout_builder *b, int64_t extra, char msg[CLOUT_MSG_LEN]);
int clout_i_builder_reserve_inter(clout_builder *b, int64_t extra, char msg[CLOUT_MSG_LEN]);
/* The index of an action type, interned (at most CLOUT_MAX_ACTIONS of them). */
int32_t clout_i_builder_action(clout_builder *b, const char *name, size_t len, char msg[CLOUT_MSG_LEN]);
int clout_i_builder_add_source(clout_builder *b, const char *name, char msg[CLOUT_MSG_LEN]);
/* A line reader's closing figures into the builder's counts and stats; with bad lines skipped, the
 * warning naming the first (CLOUT_WARN_SKIPPED_LINES), else CLOUT_OK. */
int clout_i_builder_tally(clout_builder *b, const char *name, double t0, size_t len, int64_t records, int64_t bad,
                          int64_t first_bad_line, const char *first_bad, char msg[CLOUT_MSG_LEN]);
/* A reader: parses one input's text (NUL-terminated at data[len]; only the log reader writes into
 * it) into the builder. */
typedef int (*clout_i_reader)(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *opts,
                              char msg[CLOUT_MSG_LEN]);
/* The one door every input comes through: read it, then record its name among the sources. */
int clout_i_builder_read(clout_builder *b, const char *name, char *data, size_t len, const clout_read_opts *opts,
                         clout_i_reader read, char msg[CLOUT_MSG_LEN]);
/* The same for a file (gzip inflated), its read time counted in the builder's stats. */
int clout_i_builder_read_file(clout_builder *b, const char *path, const clout_read_opts *opts, clout_i_reader read,
                              char msg[CLOUT_MSG_LEN]);

/* Parse a number for a weight: finite and >= 0. Returns false with a reason in why. Inline: the
 * edge-list parser calls it once per line. */
static inline bool clout_i_parse_weight(const char *s, size_t len, double *out, const char **why)
{
    static const double pow10tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9, 1e10,
                                      1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};
    /* fast path: digits [. digits], at most 18 significant digits */
    size_t i = 0;
    uint64_t mant = 0;
    int nd = 0, frac = 0;
    bool dot = false, ok = len > 0;
    for (; i < len && ok; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (nd >= 18) {
                ok = false;
                break;
            }
            mant = mant * 10 + (uint64_t)(ch - '0');
            if (mant) nd++;
            if (dot) frac++;
        } else if (ch == '.' && !dot) {
            dot = true;
        } else {
            ok = false;
        }
    }
    if (ok && !(len == 1 && dot) && frac < 20) {
        *out = (double)mant / pow10tab[frac];
        return true;
    }
    /* general path: strtod on a bounded copy of plain number characters */
    char buf[64];
    if (len == 0 || len >= sizeof buf) {
        *why = len == 0 ? "empty weight" : "weight is not a number";
        return false;
    }
    for (size_t k = 0; k < len; k++) {
        if (!strchr("0123456789.eE+-", s[k])) {
            *why = (s[k] == 'n' || s[k] == 'N' || s[k] == 'i' || s[k] == 'I')
                       ? "weight must be a finite number (NaN and infinity are not allowed)"
                       : "weight is not a number";
            return false;
        }
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *endp;
    double v = strtod(buf, &endp);
    if (endp != buf + len) {
        *why = "weight is not a number";
        return false;
    }
    if (!isfinite(v)) {
        *why = "weight overflows (must be finite)";
        return false;
    }
    if (v < 0) {
        *why = "weight must not be negative";
        return false;
    }
    *out = v;
    return true;
}
/* Parse a time: epoch seconds (integer or fractional) or ISO-8601 date / date-time. */
bool clout_i_parse_time(const char *s, size_t len, double *out, const char **why);
/* Parse a strictly decimal integer (optional sign). */
bool clout_i_parse_int(const char *s, size_t len, int64_t *out);
/* Seconds since 1970-01-01T00:00:00Z of a civil date-time (no range check). */
double clout_i_epoch(int64_t y, int m, int d, int hh, int mm, double ss);
/* Days in a month of a year. */
int clout_i_days_in_month(int64_t y, int m);

/* For generators: the user map, and edges over existing user indices (weight 1). */
clout_idmap *clout_i_builder_users(clout_builder *b);
/* The ties so far get weight 1 in ew and unit_weights turns false: called before the first tie
 * whose weight is not 1 is stored. */
void clout_i_builder_weighted(clout_builder *b);
int clout_i_builder_add_edge_arrays(clout_builder *b, const int64_t *src, const int64_t *dst, int64_t m,
                                    char msg[CLOUT_MSG_LEN]);

/* ---- pieces of clout's msgpack files (snapshot.c), shared with model files (gnn/) ---- */
void clout_i_pack_str(msgpack_packer *pk, const char *s);
/* key, then an id map as {count, blob: NUL-terminated tokens, offsets: n + 1 little-endian int64} */
void clout_i_pack_idmap(msgpack_packer *pk, const char *key, const clout_idmap *map);
typedef struct {
    uint64_t count;
    const uint8_t *blob, *off;
    uint64_t blob_len, off_len;
    bool have;
} clout_i_ids_desc;
/* read such an id map (lengths checked), then build it (every token checked; CLOUT_ERR_DATA naming
 * name and what) */
bool clout_i_rd_ids(clout_i_rd *r, clout_i_ids_desc *d);
int clout_i_make_idmap(const clout_i_ids_desc *d, const char *name, const char *what, clout_idmap **map,
                       char msg[CLOUT_MSG_LEN]);
#endif
