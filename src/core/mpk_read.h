/* mpk_read.h: a strict msgpack reader for clout's own files (snapshots, model files; not installed).
 * Every length is checked against the bytes that remain before anything is read or allocated, so a
 * hostile file gives a message naming the byte offset, never a crash or a huge allocation. A
 * failing call leaves "NAME: byte K: what was expected" in r->msg and returns false. */
#ifndef CLOUT_MPK_READ_H
#define CLOUT_MPK_READ_H
#include "core_internal.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p, *end;
    const char *name;
    const uint8_t *start;
    char *msg;
    int depth;
} clout_i_rd;

#define RD_FAIL(r, ...)                                                                   \
    do {                                                                                  \
        char why_[300];                                                                   \
        snprintf(why_, sizeof why_, __VA_ARGS__);                                         \
        clout_i_setmsg((r)->msg, "%s: byte %lld: %s", (r)->name,                          \
                       (long long)((r)->p - (r)->start), why_);                          \
        return false;                                                                     \
    } while (0)

bool clout_i_rd_need(clout_i_rd *r, uint64_t n);
bool clout_i_rd_uint(clout_i_rd *r, uint64_t *v);      /* a non-negative integer */
bool clout_i_rd_real(clout_i_rd *r, double *v);        /* a float32/64 or an integer */
bool clout_i_rd_str(clout_i_rd *r, const char **s, size_t *len);
bool clout_i_rd_bin(clout_i_rd *r, const uint8_t **s, uint64_t *len);
/* a map (map true) or an array; *n elements, at most the bytes left */
bool clout_i_rd_container(clout_i_rd *r, bool map, uint64_t *n);
bool clout_i_rd_bool(clout_i_rd *r, bool *v);
bool clout_i_rd_skip(clout_i_rd *r);                   /* any value, nesting at most 32 deep */
bool clout_i_key_is(const char *k, size_t kl, const char *want);
#endif
