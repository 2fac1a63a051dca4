/* io_internal.h: the input floor's internals (graph/io/): the builder's state that the readers fill, value parsing (not installed). */
#ifndef CLOUT_IO_INTERNAL_H
#define CLOUT_IO_INTERNAL_H
#include "store_internal.h"

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
    bool unit_weights;  /* every tie so far has weight 1: S can skip the weights */
    /* interactions; it[k] is NaN when the row had no time */
    int64_t *iu, *ii;
    float *iw;
    double *it;
    int64_t ni, icap;
    int64_t self_loops, bad_lines;
    char **sources;
    int nsources;
    char *action_weights;
    clout_read_stats stats;
};

int clout_i_builder_reserve_edges(clout_builder *b, int64_t extra, char msg[CLOUT_MSG_LEN]);
int clout_i_builder_reserve_inter(clout_builder *b, int64_t extra, char msg[CLOUT_MSG_LEN]);
int clout_i_builder_add_source(clout_builder *b, const char *name, char msg[CLOUT_MSG_LEN]);

/* Parse a number for a weight: finite and >= 0. Returns false with a reason in why. */
bool clout_i_parse_weight(const char *s, size_t len, double *out, const char **why);
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
int clout_i_builder_add_edge_arrays(clout_builder *b, const int64_t *src, const int64_t *dst, int64_t m,
                                    char msg[CLOUT_MSG_LEN]);

#endif
