/* nn.c: initialization, ReLU, dropout, the losses (softmax cross-entropy, mean squared error) and
 * Adam. Random draws are keyed by entry index, element-wise loops are parallel, and sums over rows
 * run in row order: results do not depend on the thread count. */
#include "gnn_internal.h"
#include <math.h>
#include <string.h>

void clout_i_glorot(clout_i_mat *W, uint64_t seed, uint64_t stream)
{
    uint64_t key = clout_i_rng_key(seed, stream);
    double a = sqrt(6.0 / (double)(W->rows + W->cols));
    int64_t n = W->rows * W->cols;
#pragma omp parallel for schedule(static) if (n > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < n; i++) W->x[i] = (float)((2.0 * clout_i_unif_at(key, (uint64_t)i) - 1.0) * a);
}

void clout_i_normal_init(clout_i_mat *W, double sd, uint64_t seed, uint64_t stream)
{
    uint64_t key = clout_i_rng_key(seed, stream);
    int64_t n = W->rows * W->cols;
#pragma omp parallel for schedule(static) if (n > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < n; i++) {
        /* Box-Muller, one normal per entry from two draws of its own */
        double u1 = clout_i_unif01_at(key, 2 * (uint64_t)i), u2 = clout_i_unif_at(key, 2 * (uint64_t)i + 1);
        W->x[i] = (float)(sd * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
    }
}

void clout_i_relu(clout_i_mat *a)
{
    int64_t n = a->rows * a->cols;
#pragma omp parallel for schedule(static) if (n > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < n; i++)
        if (a->x[i] < 0.0f) a->x[i] = 0.0f;
}

void clout_i_dropout(clout_i_mat *a, double p, uint8_t *mask, uint64_t seed, uint64_t stream)
{
    uint64_t key = clout_i_rng_key(seed, stream);
    int64_t n = a->rows * a->cols;
    float scale = (float)(1.0 / (1.0 - p));
#pragma omp parallel for schedule(static) if (n > CLOUT_I_PAR_ELEMS)
    for (int64_t i = 0; i < n; i++) {
        bool keep = clout_i_unif_at(key, (uint64_t)i) >= p;
        mask[i] = keep;
        a->x[i] = keep ? a->x[i] * scale : 0.0f;
    }
}

double clout_i_softmax_xent(const clout_i_mat *Z, const int32_t *y, const int64_t *rows, int64_t nr, clout_i_mat *dZ)
{
    int64_t C = Z->cols;
    if (dZ) clout_i_mat_zero(dZ);
    double total = 0.0;
    for (int64_t k = 0; k < nr; k++) {
        int64_t r = rows[k];
        const float *z = Z->x + r * C;
        double mx = z[0];
        for (int64_t c = 1; c < C; c++)
            if (z[c] > mx) mx = z[c];
        double s = 0.0;
        for (int64_t c = 0; c < C; c++) s += exp((double)z[c] - mx);
        double lse = mx + log(s);
        total += lse - (double)z[y[r]];
        if (dZ) {
            float *d = dZ->x + r * C;
            for (int64_t c = 0; c < C; c++) d[c] = (float)(exp((double)z[c] - lse) / (double)nr);
            d[y[r]] -= (float)(1.0 / (double)nr);
        }
    }
    return nr ? total / (double)nr : 0.0;
}

double clout_i_mse(const clout_i_mat *Z, const double *t, const int64_t *rows, int64_t nr, clout_i_mat *dZ)
{
    int64_t C = Z->cols;
    if (dZ) clout_i_mat_zero(dZ);
    double total = 0.0;
    for (int64_t k = 0; k < nr; k++) {
        int64_t r = rows[k];
        double e = (double)Z->x[r * C] - t[r];
        total += e * e;
        if (dZ) dZ->x[r * C] = (float)(2.0 * e / (double)nr);
    }
    return nr ? total / (double)nr : 0.0;
}

CLOUT_CLONES
static void adam_range(float *restrict w, float *restrict mm, float *restrict vv, const float *restrict g, int64_t lo,
                       int64_t hi, float b1, float b2, float step, float rbc2, float eps)
{
    for (int64_t i = lo; i < hi; i++) {
        mm[i] = b1 * mm[i] + (1.0f - b1) * g[i];
        vv[i] = b2 * vv[i] + (1.0f - b2) * g[i] * g[i];
        w[i] -= step * mm[i] / (sqrtf(vv[i]) * rbc2 + eps);
    }
}

void clout_i_adam_step(const clout_i_adam *o, int64_t t, clout_i_mat *W, const clout_i_mat *dW, clout_i_mat *m,
                       clout_i_mat *v)
{
    int64_t n = W->rows * W->cols;
    const float b1 = (float)o->beta1, b2 = (float)o->beta2;
    /* PyTorch's form: the step size carries the bias corrections, eps is added to sqrt(v_hat) */
    const double bc1 = 1.0 - pow(o->beta1, (double)t), bc2 = 1.0 - pow(o->beta2, (double)t);
    const float step = (float)(o->lr / bc1), rbc2 = (float)(1.0 / sqrt(bc2)), eps = (float)o->eps;
    const int64_t chunk = 1 << 14, nc = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (n > CLOUT_I_PAR_ELEMS)
    for (int64_t c = 0; c < nc; c++)
        adam_range(W->x, m->x, v->x, dW->x, c * chunk, (c + 1) * chunk < n ? (c + 1) * chunk : n, b1, b2, step, rbc2,
                   eps);
}
