/* model.c: trained models in memory and in .clout-model files.
 *
 * File: msgpack ["CLOUT-MODEL", 1, {kind, params: {name: real}, users: ids, items: ids (LightGCN),
 * classes: [names] (GCN classification), tensors: {name: {rows, cols, data: float32 LE bin}}}],
 * ids as in snapshots ({count, blob, offsets}). Read with the strict reader of snapshots: every
 * length is checked before use, every value must be finite, and a file that is not exactly a model
 * is refused with its byte offset (exit 65), never a crash. */
#include "gnn_internal.h"
#include "io_internal.h"
#include <math.h>
#include <msgpack.h>
#include <msgpack/fbuffer.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "model files store little-endian floats; this port needs byte swapping"
#endif

#define MODEL_MAGIC "CLOUT-MODEL"
#define MODEL_VERSION 1

void clout_model_free(clout_model **mo)
{
    if (mo == NULL || *mo == NULL) return;
    clout_model *m = *mo;
    clout_idmap_free(&m->users);
    clout_idmap_free(&m->items);
    for (int c = 0; c < m->nclasses; c++) free(m->classes[c]);
    free(m->classes);
    for (int t = 0; t < m->ntensors; t++) clout_i_mat_free(&m->t[t]);
    free(m);
    *mo = NULL;
}

const char *clout_model_kind(const clout_model *mo) { return mo->kind; }
int clout_model_classes(const clout_model *mo) { return mo->nclasses; }
const char *clout_model_class_name(const clout_model *mo, int c)
{
    return c >= 0 && c < mo->nclasses ? mo->classes[c] : NULL;
}

#define FREE_ALL                                                                          \
    do {                                                                                  \
        FREE_PTR(blob);                                                                   \
        FREE_PTR(off);                                                                    \
    } while (0)

static int copy_ids(const clout_idmap *src, clout_idmap **dst, char msg[CLOUT_MSG_LEN])
{
    const char *b;
    const int64_t *o;
    char *blob = NULL;
    int64_t *off = NULL;
    int64_t n = clout_idmap_size(src);
    clout_idmap_blob(src, &b, &o);
    ALLOC_TRY(off, n + 1, int64_t);
    ALLOC_TRY(blob, o[n] ? o[n] : 1, char);
    memcpy(off, o, (size_t)(n + 1) * sizeof(int64_t));
    memcpy(blob, b, (size_t)o[n]);
    TRY(clout_i_idmap_from_blob(dst, &blob, (size_t)o[n], &off, n, msg));
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL clout_model_free(&m)

int clout_i_model_new(clout_model **mo, const char *kind, const clout_graph *G, bool items, char msg[CLOUT_MSG_LEN])
{
    clout_model *m = NULL;
    CALLOC_TRY(m, 1, clout_model);
    snprintf(m->kind, sizeof m->kind, "%s", kind);
    TRY(copy_ids(G->users, &m->users, msg));
    if (items) TRY(copy_ids(G->items, &m->items, msg));
    *mo = m;
    return CLOUT_OK;
}

int clout_i_model_param(clout_model *mo, const char *name, double v)
{
    for (int i = 0; i < mo->nparams; i++)
        if (strcmp(mo->pname[i], name) == 0) {
            mo->pval[i] = v;
            return CLOUT_OK;
        }
    if (mo->nparams >= CLOUT_I_MAX_PARAMS || strlen(name) >= sizeof mo->pname[0]) return CLOUT_ERR_INTERNAL;
    snprintf(mo->pname[mo->nparams], sizeof mo->pname[0], "%s", name);
    mo->pval[mo->nparams++] = v;
    return CLOUT_OK;
}

double clout_i_model_get(const clout_model *mo, const char *name, double def)
{
    for (int i = 0; i < mo->nparams; i++)
        if (strcmp(mo->pname[i], name) == 0) return mo->pval[i];
    return def;
}

int clout_model_params(const clout_model *mo, const char *const **names, const double **values)
{
    static _Thread_local const char *ptrs[CLOUT_I_MAX_PARAMS];
    for (int i = 0; i < mo->nparams; i++) ptrs[i] = mo->pname[i];
    *names = ptrs;
    *values = mo->pval;
    return mo->nparams;
}

clout_i_mat *clout_i_model_tensor(clout_model *mo, const char *name, int64_t rows, int64_t cols,
                                  char msg[CLOUT_MSG_LEN])
{
    if (mo->ntensors >= CLOUT_I_MAX_TENSORS || strlen(name) >= sizeof mo->tname[0]) {
        clout_i_setmsg(msg, "internal: too many tensors in a model");
        return NULL;
    }
    if (clout_i_mat_new(&mo->t[mo->ntensors], rows, cols, msg) < 0) return NULL;
    snprintf(mo->tname[mo->ntensors], sizeof mo->tname[0], "%s", name);
    return &mo->t[mo->ntensors++];
}

clout_i_mat *clout_i_model_find(const clout_model *mo, const char *name)
{
    for (int i = 0; i < mo->ntensors; i++)
        if (strcmp(mo->tname[i], name) == 0) return (clout_i_mat *)&mo->t[i];
    return NULL;
}

/* ---------------------------------------------------------------- matching a graph */

#undef FREE_ALL
#define FREE_ALL FREE_PTR(idx)

static int map_ids(const clout_idmap *g, const clout_idmap *model, const char *what, int64_t **out,
                   char msg[CLOUT_MSG_LEN])
{
    int64_t *idx = NULL;
    int64_t n = clout_idmap_size(g);
    ASSERT_MSG(clout_i_idmap_index(model) == CLOUT_OK, CLOUT_ERR_NOMEM, "out of memory indexing the model's ids");
    ALLOC_TRY(idx, n ? n : 1, int64_t);
    for (int64_t u = 0; u < n; u++) {
        size_t len;
        const char *name = clout_idmap_name(g, u, &len);
        idx[u] = clout_idmap_find(model, name, len);
        ASSERT_MSG(idx[u] >= 0, CLOUT_ERR_DATA,
                   "the model was trained on another graph: %s '%.100s' of the graph is not in the model "
                   "(%lld %ss in the model, %lld in the graph)",
                   what, name, (long long)clout_idmap_size(model), what, (long long)n);
    }
    *out = idx;
    return CLOUT_OK;
}

#undef FREE_ALL
#define FREE_ALL

int clout_i_model_map(const clout_model *mo, const clout_graph *G, int64_t **users, int64_t **items,
                      char msg[CLOUT_MSG_LEN])
{
    *users = NULL;
    if (items) *items = NULL;
    TRY(map_ids(G->users, mo->users, "user", users, msg));
    if (items && mo->items) {
        int s = map_ids(G->items, mo->items, "item", items, msg);
        if (s < 0) {
            FREE_PTR(*users);
            return s;
        }
    }
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- writing */

#undef FREE_ALL
#define FREE_ALL clout_outfile_abort(&out)

int clout_model_save(const clout_model *mo, const char *path, char msg[CLOUT_MSG_LEN])
{
    clout_outfile out = {0};
    ASSERT_MSG(mo != NULL, CLOUT_ERR_INVALID, "no model to save");
    TRY(clout_outfile_open(&out, path, msg));
    msgpack_packer pk;
    msgpack_packer_init(&pk, out.f, msgpack_fbuffer_write);
    msgpack_pack_array(&pk, 3);
    clout_i_pack_str(&pk, MODEL_MAGIC);
    msgpack_pack_int(&pk, MODEL_VERSION);
    msgpack_pack_map(&pk, 4 + (mo->items != NULL) + (mo->nclasses > 0));
    clout_i_pack_str(&pk, "kind");
    clout_i_pack_str(&pk, mo->kind);
    clout_i_pack_str(&pk, "params");
    msgpack_pack_map(&pk, (size_t)mo->nparams);
    for (int i = 0; i < mo->nparams; i++) {
        clout_i_pack_str(&pk, mo->pname[i]);
        msgpack_pack_double(&pk, mo->pval[i]);
    }
    clout_i_pack_idmap(&pk, "users", mo->users);
    if (mo->items) clout_i_pack_idmap(&pk, "items", mo->items);
    if (mo->nclasses > 0) {
        clout_i_pack_str(&pk, "classes");
        msgpack_pack_array(&pk, (size_t)mo->nclasses);
        for (int c = 0; c < mo->nclasses; c++) clout_i_pack_str(&pk, mo->classes[c]);
    }
    clout_i_pack_str(&pk, "tensors");
    msgpack_pack_map(&pk, (size_t)mo->ntensors);
    for (int t = 0; t < mo->ntensors; t++) {
        const clout_i_mat *a = &mo->t[t];
        clout_i_pack_str(&pk, mo->tname[t]);
        msgpack_pack_map(&pk, 3);
        clout_i_pack_str(&pk, "rows");
        msgpack_pack_int64(&pk, a->rows);
        clout_i_pack_str(&pk, "cols");
        msgpack_pack_int64(&pk, a->cols);
        clout_i_pack_str(&pk, "data");
        size_t bytes = (size_t)(a->rows * a->cols) * sizeof(float);
        msgpack_pack_bin(&pk, bytes);
        msgpack_pack_bin_body(&pk, a->x, bytes);
    }
    TRY(clout_outfile_commit(&out, msg));
    return CLOUT_OK;
}

/* ---------------------------------------------------------------- reading */

#undef FREE_ALL
#define FREE_ALL clout_model_free(&m)

#define BAD(...) ERR(CLOUT_ERR_DATA, __VA_ARGS__)

int clout_model_load_mem(clout_model **mo, const char *path, const uint8_t *data, size_t len, char msg[CLOUT_MSG_LEN])
{
    clout_model *m = NULL;
    ASSERT_MSG(path != NULL && (data != NULL || len == 0), CLOUT_ERR_INVALID, "no model given");
    clout_i_rd r = {data, data + len, path, data, msg, 0};
    uint64_t n, ver;
    const char *s;
    size_t sl;
    if (!clout_i_rd_container(&r, false, &n)) goto bad;
    if (n != 3 || !clout_i_rd_str(&r, &s, &sl) || !clout_i_key_is(s, sl, MODEL_MAGIC))
        BAD("%s: not a clout model file (expected [\"%s\", version, {...}])", path, MODEL_MAGIC);
    if (!clout_i_rd_uint(&r, &ver)) goto bad;
    if (ver != MODEL_VERSION)
        BAD("%s: model file version %llu; this clout reads version %d", path, (unsigned long long)ver, MODEL_VERSION);
    CALLOC_TRY(m, 1, clout_model);
    if (!clout_i_rd_container(&r, true, &n)) goto bad;
    bool have_kind = false, have_users = false;
    for (uint64_t f = 0; f < n; f++) {
        if (!clout_i_rd_str(&r, &s, &sl)) goto bad;
        if (clout_i_key_is(s, sl, "kind")) {
            const char *k;
            size_t kl;
            if (!clout_i_rd_str(&r, &k, &kl)) goto bad;
            if (!clout_i_key_is(k, kl, "gcn") && !clout_i_key_is(k, kl, "lightgcn"))
                BAD("%s: model kind '%.*s' is neither gcn nor lightgcn", path, (int)(kl > 40 ? 40 : kl), k);
            memcpy(m->kind, k, kl);
            m->kind[kl] = '\0';
            have_kind = true;
        } else if (clout_i_key_is(s, sl, "params")) {
            uint64_t np;
            if (!clout_i_rd_container(&r, true, &np)) goto bad;
            /* a second "params" would add to the first: refused, as a second "tensors" is */
            if (np > CLOUT_I_MAX_PARAMS || m->nparams)
                BAD("%s: %llu parameters (at most %d, listed once)", path, (unsigned long long)np, CLOUT_I_MAX_PARAMS);
            for (uint64_t i = 0; i < np; i++) {
                const char *k;
                size_t kl;
                double v;
                if (!clout_i_rd_str(&r, &k, &kl) || !clout_i_rd_real(&r, &v)) goto bad;
                if (kl == 0 || kl >= sizeof m->pname[0] || memchr(k, '\0', kl))
                    BAD("%s: a parameter name is empty, too long or holds a NUL byte", path);
                if (!isfinite(v)) BAD("%s: parameter '%.*s' is not a finite number", path, (int)kl, k);
                memcpy(m->pname[m->nparams], k, kl);
                m->pname[m->nparams][kl] = '\0';
                m->pval[m->nparams++] = v;
            }
        } else if (clout_i_key_is(s, sl, "users") || clout_i_key_is(s, sl, "items")) {
            bool users = clout_i_key_is(s, sl, "users");
            clout_i_ids_desc d;
            if (!clout_i_rd_ids(&r, &d)) goto bad;
            clout_idmap **dst = users ? &m->users : &m->items;
            if (*dst) BAD("%s: %s listed twice", path, users ? "users" : "items");
            TRY(clout_i_make_idmap(&d, path, users ? "user" : "item", dst, msg));
            have_users |= users;
        } else if (clout_i_key_is(s, sl, "classes")) {
            uint64_t nc;
            if (!clout_i_rd_container(&r, false, &nc)) goto bad;
            if (nc < 2 || nc > 100000) BAD("%s: %llu classes (expected 2 to 100000)", path, (unsigned long long)nc);
            if (m->classes) BAD("%s: classes listed twice", path);
            CALLOC_TRY(m->classes, nc, char *);
            m->nclasses = (int)nc;
            for (uint64_t c = 0; c < nc; c++) {
                const char *k;
                size_t kl;
                if (!clout_i_rd_str(&r, &k, &kl)) goto bad;
                if (kl == 0 || kl > CLOUT_MAX_TOKEN || memchr(k, '\0', kl)) BAD("%s: class %llu: bad name", path,
                                                                               (unsigned long long)c);
                ALLOC_TRY(m->classes[c], kl + 1, char);
                memcpy(m->classes[c], k, kl);
                m->classes[c][kl] = '\0';
            }
        } else if (clout_i_key_is(s, sl, "tensors")) {
            uint64_t nt;
            if (!clout_i_rd_container(&r, true, &nt)) goto bad;
            if (nt > CLOUT_I_MAX_TENSORS || m->ntensors) BAD("%s: %llu tensors (at most %d, listed once)", path,
                                                              (unsigned long long)nt, CLOUT_I_MAX_TENSORS);
            for (uint64_t t = 0; t < nt; t++) {
                const char *k;
                size_t kl;
                uint64_t nf, rows = UINT64_MAX, cols = UINT64_MAX, blen = 0;
                const uint8_t *data = NULL;
                if (!clout_i_rd_str(&r, &k, &kl)) goto bad;
                if (kl == 0 || kl >= sizeof m->tname[0] || memchr(k, '\0', kl)) BAD("%s: tensor %llu: bad name",
                                                                                   path, (unsigned long long)t);
                if (!clout_i_rd_container(&r, true, &nf)) goto bad;
                for (uint64_t q = 0; q < nf; q++) {
                    const char *fk;
                    size_t fkl;
                    bool ok;
                    if (!clout_i_rd_str(&r, &fk, &fkl)) goto bad;
                    if (clout_i_key_is(fk, fkl, "rows")) ok = clout_i_rd_uint(&r, &rows);
                    else if (clout_i_key_is(fk, fkl, "cols")) ok = clout_i_rd_uint(&r, &cols);
                    else if (clout_i_key_is(fk, fkl, "data")) ok = clout_i_rd_bin(&r, &data, &blen);
                    else ok = clout_i_rd_skip(&r);
                    if (!ok) goto bad;
                }
                if (data == NULL || rows > (UINT64_C(1) << 40) || cols > (UINT64_C(1) << 20) ||
                    (rows && cols > blen / 4 / rows) || blen != rows * cols * 4)
                    BAD("%s: tensor '%.*s': rows, cols and data missing or of different sizes", path, (int)kl, k);
                clout_i_mat *a = &m->t[m->ntensors];
                TRY(clout_i_mat_new(a, (int64_t)rows, (int64_t)cols, msg));
                memcpy(m->tname[m->ntensors], k, kl);
                m->tname[m->ntensors][kl] = '\0';
                m->ntensors++;
                memcpy(a->x, data, blen);
                for (uint64_t i = 0; i < rows * cols; i++)
                    if (!isfinite(a->x[i])) BAD("%s: tensor '%s' holds a value that is not finite", path,
                                                m->tname[m->ntensors - 1]);
            }
        } else if (!clout_i_rd_skip(&r)) {
            goto bad;
        }
    }
    if (r.p != r.end) BAD("%s: %lld bytes after the model", path, (long long)(r.end - r.p));
    if (!have_kind || !have_users) BAD("%s: the model has no kind or no users", path);
    *mo = m;
    return CLOUT_OK;
bad:
    FREE_ALL;
    return CLOUT_ERR_DATA;
}

#undef FREE_ALL
#define FREE_ALL clout_i_text_free(&txt)

int clout_model_load(clout_model **mo, const char *path, char msg[CLOUT_MSG_LEN])
{
    clout_i_text txt = {0};
    ASSERT_MSG(path != NULL, CLOUT_ERR_INVALID, "no model file named");
    TRY(clout_i_text_read(&txt, path, msg));
    int st = clout_model_load_mem(mo, path, (const uint8_t *)txt.data, txt.len, msg);
    clout_i_text_free(&txt);
    return st;
}
