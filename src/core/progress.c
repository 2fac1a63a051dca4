/* progress.c: a one-line progress report on stderr with rate and ETA, only on a terminal. */
#include "core_internal.h"
#include <unistd.h>

struct clout_progress {
    char label[64];
    char unit[16];
    double total, start, last_draw;
    bool drawn;
};

static bool progress_on = true;

void clout_progress_enable(bool on)
{
    progress_on = on;
}

clout_progress *clout_progress_start(const char *label, double total, const char *unit)
{
    if (!progress_on || !isatty(STDERR_FILENO)) return NULL;
    clout_progress *p = calloc(1, sizeof(*p));
    if (p == NULL) return NULL;
    snprintf(p->label, sizeof p->label, "%s", label);
    snprintf(p->unit, sizeof p->unit, "%s", unit ? unit : "");
    p->total = total;
    p->start = p->last_draw = clout_i_now();
    return p;
}

static void human(char *buf, size_t n, double v)
{
    const char *suffix[] = {"", "k", "M", "G", "T"};
    int s = 0;
    while (v >= 1000.0 && s < 4) {
        v /= 1000.0;
        s++;
    }
    snprintf(buf, n, s ? "%.1f%s" : "%.0f%s", v, suffix[s]);
}

void clout_progress_update(clout_progress *p, double done)
{
    if (p == NULL) return;
    double now = clout_i_now();
    if (now - p->last_draw < 0.2) return;   /* at most 5 redraws a second */
    p->last_draw = now;
    double el = now - p->start;
    double rate = el > 0 ? done / el : 0;
    char d[16], r[16];
    human(d, sizeof d, done);
    human(r, sizeof r, rate);
    if (p->total > 0 && done > 0) {
        double eta = (p->total - done) / (rate > 0 ? rate : 1);
        fprintf(stderr, "\r%s: %5.1f%% %s%s, %s%s/s, ETA %.0fs   ", p->label,
                100.0 * done / p->total, d, p->unit, r, p->unit, eta);
    } else {
        fprintf(stderr, "\r%s: %s%s, %s%s/s   ", p->label, d, p->unit, r, p->unit);
    }
    p->drawn = true;
}

void clout_progress_end(clout_progress *p)
{
    if (p == NULL) return;
    if (p->drawn) fprintf(stderr, "\r\033[K");
    free(p);
}
