/* idmap.c: external id tokens <-> dense indices. Tokens live NUL-terminated in one blob; an
 * open-addressing table of 64-bit slots (24-bit hash tag | 40-bit index+1) finds them. */
#include "store_internal.h"

struct clout_idmap {
    char *blob;
    size_t blob_len, blob_cap;
    int64_t *off;           /* n+1 offsets into blob */
    int64_t n, off_cap;
    uint64_t *slot;         /* 0 = empty */
    uint64_t mask;          /* capacity - 1 (power of two) */
};

#define IDX_BITS 40
#define IDX_MASK ((UINT64_C(1) << IDX_BITS) - 1)
#define TAG(h) ((h) >> IDX_BITS)

#undef FREE_ALL
#define FREE_ALL clout_idmap_free(&map)

int clout_idmap_new(clout_idmap **out, char msg[CLOUT_MSG_LEN])
{
    clout_idmap *map = clout_i_calloc(1, sizeof(*map));
    ASSERT_MSG(map != NULL, CLOUT_ERR_NOMEM, "out of memory");
    map->blob_cap = 4096;
    map->off_cap = 256;
    map->blob = clout_i_malloc(map->blob_cap, 1);
    map->off = clout_i_malloc((size_t)map->off_cap, sizeof(int64_t));
    map->slot = clout_i_calloc(1024, sizeof(uint64_t));
    ASSERT_MSG(map->blob && map->off && map->slot, CLOUT_ERR_NOMEM, "out of memory");
    map->mask = 1023;
    map->off[0] = 0;
    *out = map;
    return CLOUT_OK;
}

void clout_idmap_free(clout_idmap **map)
{
    if (map == NULL || *map == NULL) return;
    free((*map)->blob);
    free((*map)->off);
    free((*map)->slot);
    free(*map);
    *map = NULL;
}

int64_t clout_idmap_size(const clout_idmap *map)
{
    return map ? map->n : 0;
}

void clout_idmap_blob(const clout_idmap *map, const char **blob, const int64_t **off)
{
    *blob = map->blob;
    *off = map->off;
}

const char *clout_idmap_name(const clout_idmap *map, int64_t i, size_t *len)
{
    if (len) *len = (size_t)(map->off[i + 1] - map->off[i] - 1);
    return map->blob + map->off[i];
}

static inline uint64_t token_hash(const char *tok, size_t len)
{
    return clout_i_hash(tok, len);
}

static int64_t lookup(const clout_idmap *map, const char *tok, size_t len, uint64_t h, uint64_t *pos)
{
    uint64_t i = h & map->mask, tag = TAG(h);
    for (;;) {
        uint64_t s = map->slot[i];
        if (s == 0) {
            *pos = i;
            return -1;
        }
        if (TAG(s) == tag) {
            int64_t k = (int64_t)(s & IDX_MASK) - 1;
            if ((size_t)(map->off[k + 1] - map->off[k] - 1) == len &&
                memcmp(map->blob + map->off[k], tok, len) == 0)
                return k;
        }
        i = (i + 1) & map->mask;
    }
}

static int rehash(clout_idmap *map, uint64_t cap);

/* A loaded map gets its hash index on first use. */
static int ensure_index(clout_idmap *map)
{
    if (map->slot != NULL) return CLOUT_OK;
    uint64_t cap = 1024;
    while (cap < (uint64_t)map->n * 2 + 2) cap *= 2;
    return rehash(map, cap);
}

int64_t clout_idmap_find(const clout_idmap *map, const char *tok, size_t len)
{
    uint64_t pos = 0;
    if (map == NULL || map->n == 0) return -1;
    if (ensure_index((clout_idmap *)map) != CLOUT_OK) return -1;
    return lookup(map, tok, len, token_hash(tok, len), &pos);
}

static int rehash(clout_idmap *map, uint64_t cap)
{
    uint64_t *slot = clout_i_calloc(cap, sizeof(uint64_t));
    if (slot == NULL) return CLOUT_ERR_NOMEM;
    uint64_t mask = cap - 1;
    for (int64_t k = 0; k < map->n; k++) {
        const char *t = map->blob + map->off[k];
        uint64_t h = token_hash(t, (size_t)(map->off[k + 1] - map->off[k] - 1));
        uint64_t i = h & mask;
        while (slot[i] != 0) i = (i + 1) & mask;
        slot[i] = (TAG(h) << IDX_BITS) | (uint64_t)(k + 1);
    }
    free(map->slot);
    map->slot = slot;
    map->mask = mask;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

int64_t clout_i_idmap_intern_h(clout_idmap *map, const char *tok, size_t len, uint64_t h,
                               char msg[CLOUT_MSG_LEN])
{
    uint64_t pos = 0;
    ASSERT_MSG(ensure_index(map) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory indexing ids");
    int64_t k = lookup(map, tok, len, h, &pos);
    if (k >= 0) return k;
    ASSERT_MSG(map->n < (int64_t)IDX_MASK - 1, CLOUT_ERR_DATA, "more than 2^40 distinct ids");
    if (map->blob_len + len + 1 > map->blob_cap) {
        size_t cap = map->blob_cap;
        while (map->blob_len + len + 1 > cap) cap *= 2;
        char *b = clout_i_realloc(map->blob, cap, 1);
        ASSERT_MSG(b != NULL, CLOUT_ERR_NOMEM, "out of memory growing an id map");
        map->blob = b;
        map->blob_cap = cap;
    }
    if (map->n + 2 > map->off_cap) {
        int64_t cap = map->off_cap * 2;
        int64_t *o = clout_i_realloc(map->off, (size_t)cap, sizeof(int64_t));
        ASSERT_MSG(o != NULL, CLOUT_ERR_NOMEM, "out of memory growing an id map");
        map->off = o;
        map->off_cap = cap;
    }
    memcpy(map->blob + map->blob_len, tok, len);
    map->blob[map->blob_len + len] = '\0';
    map->blob_len += len + 1;
    k = map->n++;
    map->off[map->n] = (int64_t)map->blob_len;
    map->slot[pos] = (TAG(h) << IDX_BITS) | (uint64_t)(k + 1);
    /* keep the load factor under 1/2 */
    if ((uint64_t)map->n * 2 > map->mask) {
        int s = rehash(map, (map->mask + 1) * 2);
        ASSERT_MSG(s == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory growing an id map");
    }
    return k;
}

int clout_i_idmap_reserve(clout_idmap *map, int64_t extra, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(ensure_index(map) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory indexing ids");
    uint64_t want = (uint64_t)(map->n + extra) * 2 + 2, cap = map->mask + 1;
    while (cap <= want) cap *= 2;
    if (cap != map->mask + 1) ASSERT_MSG(rehash(map, cap) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory");
    if (map->n + extra + 2 > map->off_cap) {
        int64_t *o = clout_i_realloc(map->off, (size_t)(map->n + extra + 2), sizeof(int64_t));
        ASSERT_MSG(o != NULL, CLOUT_ERR_NOMEM, "out of memory");
        map->off = o;
        map->off_cap = map->n + extra + 2;
    }
    return CLOUT_OK;
}

int64_t clout_idmap_intern(clout_idmap *map, const char *tok, size_t len, char msg[CLOUT_MSG_LEN])
{
    ASSERT_MSG(len > 0, CLOUT_ERR_DATA, "empty id");
    ASSERT_MSG(len <= CLOUT_MAX_TOKEN, CLOUT_ERR_DATA, "id longer than %d bytes", CLOUT_MAX_TOKEN);
    ASSERT_MSG(memchr(tok, '\0', len) == NULL, CLOUT_ERR_DATA, "id contains a NUL byte");
    return clout_i_idmap_intern_h(map, tok, len, token_hash(tok, len), msg);
}

#undef FREE_ALL
#define FREE_ALL                                                                          \
    do {                                                                                  \
        clout_idmap_free(&map);                                                           \
        free(hk);                                                                         \
    } while (0)

int clout_i_idmap_index(const clout_idmap *map)
{
    if (map == NULL || map->n == 0) return CLOUT_OK;
    return ensure_index((clout_idmap *)map);
}

int clout_i_idmap_from_blob(clout_idmap **out, char **blob, size_t blob_len, int64_t **off,
                            int64_t n, char msg[CLOUT_MSG_LEN])
{
    uint64_t *hk = NULL;
    clout_idmap *map = clout_i_calloc(1, sizeof(*map));
    ASSERT_MSG(map != NULL, CLOUT_ERR_NOMEM, "out of memory");
    map->blob = *blob;
    map->blob_len = map->blob_cap = blob_len;
    map->off = *off;
    map->n = n;
    map->off_cap = n + 1;
    *blob = NULL;
    *off = NULL;
    map->slot = NULL; /* indexed on first lookup */
    /* A snapshot could hold the same token twice, which would make two users one. Equal tokens
     * have equal hashes: sort the hashes and compare the tokens of equal neighbours only. */
    if (n > 1) {
        hk = clout_i_malloc((size_t)n, sizeof(uint64_t));
        ASSERT_MSG(hk != NULL, CLOUT_ERR_NOMEM, "out of memory checking ids");
        const char *blob_ = map->blob;
        const int64_t *off_ = map->off;
        #pragma omp parallel for schedule(static) if (n > 100000)
        for (int64_t k = 0; k < n; k++) hk[k] = token_hash(blob_ + off_[k], (size_t)(off_[k + 1] - off_[k] - 1));
        ASSERT_MSG(clout_i_sort_u64(hk, n) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory checking ids");
        bool collide = false;
        for (int64_t k = 1; k < n && !collide; k++) collide = hk[k] == hk[k - 1];
        FREE_PTR(hk);
        /* a 64-bit hash collision among distinct tokens is rare: then check exactly */
        if (collide) {
            ASSERT_MSG(ensure_index(map) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory indexing ids");
            for (int64_t k = 0; k < n; k++) {
                uint64_t pos = 0;
                const char *t = map->blob + map->off[k];
                size_t len = (size_t)(map->off[k + 1] - map->off[k] - 1);
                int64_t j = lookup(map, t, len, token_hash(t, len), &pos);
                ASSERT_MSG(j == k, CLOUT_ERR_DATA, "id '%.64s' appears twice in an id map", t);
            }
        }
    }
    *out = map;
    return CLOUT_OK;
}

void clout_i_idmap_blob(const clout_idmap *map, const char **blob, size_t *blob_len,
                        const int64_t **off)
{
    *blob = map->blob;
    *blob_len = map->blob_len;
    *off = map->off;
}
