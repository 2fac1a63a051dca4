/* svg.c: charts as inline SVG, drawn by clout (no plotting library, no script): line charts with
 * error bars on linear or log axes, horizontal bars with whiskers, stacked bars with negative
 * parts, a network drawing. Everything is placed inside the declared size: text is measured with
 * a conservative width per character and shortened with an ellipsis where it would not fit. */
#include "report_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHAR_W 7.8 /* px per character at 12px DejaVu Sans: digits are 7.6 */
#define NSTYLE 8

/* Okabe-Ito: told apart by readers with colour-vision deficiencies */
static const char *const colour[NSTYLE] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                           "#e69f00", "#56b4e9", "#000000", "#7f7f7f"};
static const char *const dash[NSTYLE] = {"", "7 3", "2 3", "9 3 2 3", "4 4", "12 3 3 3", "1 2", "6 2 2 2 2 2"};

static bool utf8_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* the length of the valid UTF-8 sequence at p, or 0 when it is not one */
static int utf8_len(const unsigned char *p)
{
    int n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 && p[0] >= 0xC2 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
          : (p[0] & 0xF8) == 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    for (int i = 1; i < n; i++)
        if (!utf8_cont(p[i])) return 0;
    if (n == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))) return 0; /* overlong, surrogate */
    if (n == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))) return 0;
    return n;
}

/* Text escaped for HTML and XML: markup characters as entities, control characters as spaces,
 * bytes that are not UTF-8 as U+FFFD; at most maxchars characters, the last an ellipsis. */
void svg_text(FILE *f, const char *s, int maxchars)
{
    if (s == NULL) return;
    const unsigned char *p = (const unsigned char *)s;
    int chars = 0;
    for (const unsigned char *q = p; *q;) {
        int n = utf8_len(q);
        q += n ? n : 1;
        chars++;
    }
    int keep = maxchars > 0 && chars > maxchars ? (maxchars > 1 ? maxchars - 1 : 1) : chars;
    for (int c = 0; c < keep && *p; c++) {
        int n = utf8_len(p);
        if (n == 0) {
            fputs("\xef\xbf\xbd", f);
            p++;
            continue;
        }
        if (n > 1) fwrite(p, 1, (size_t)n, f);
        else if (*p == '<') fputs("&lt;", f);
        else if (*p == '>') fputs("&gt;", f);
        else if (*p == '&') fputs("&amp;", f);
        else if (*p == '"') fputs("&quot;", f);
        else if (*p < 0x20 || *p == 0x7F) fputc(' ', f);
        else fputc(*p, f);
        p += n;
    }
    if (keep < chars) fputs("\xe2\x80\xa6", f);
}

static int fit_chars(double px) { return px < CHAR_W ? 1 : (int)(px / CHAR_W); }

static void marker(FILE *f, int shape, double x, double y, const char *col)
{
    const double r = 3.5;
    switch (shape % NSTYLE) {
    case 0: fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>", x, y, r, col); break;
    case 1: fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x - r, y - r, 2 * r, 2 * r, col); break;
    case 2: fprintf(f, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>", x, y - r - 1, x + r + 0.5, y + r, x - r - 0.5, y + r, col); break;
    case 3: fprintf(f, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>", x, y - r - 1, x + r + 1, y, x, y + r + 1, x - r - 1, y, col); break;
    case 4: fprintf(f, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>", x, y + r + 1, x + r + 0.5, y - r, x - r - 0.5, y - r, col); break;
    case 5: fprintf(f, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1f\" stroke=\"%s\" stroke-width=\"2\"/>", x - r - 1, y, x + r + 1, x, y - r - 1, y + r + 1, col); break;
    case 6: fprintf(f, "<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke=\"%s\" stroke-width=\"2\"/>", x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r, col); break;
    default: fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.8\"/>", x, y, r, col); break;
    }
}

/* ------------------------------------------------------------ axes */
typedef struct {
    double lo, hi;     /* data range (log10 of it on a log axis) */
    double p0, p1;     /* pixel range */
    bool log;
} scale;

static double px(const scale *s, double v)
{
    if (s->log) v = log10(v);
    double span = s->hi - s->lo;
    return s->p0 + (span > 0 ? (v - s->lo) / span : 0.5) * (s->p1 - s->p0);
}

static bool usable(const scale *s, double v) { return isfinite(v) && (!s->log || v > 0); }

/* "%g" with the floating noise of a tick position removed */
static void fmt_tick(char *buf, size_t cap, double v, double step)
{
    if (step > 0 && fabs(v) < step * 1e-9) v = 0;
    snprintf(buf, cap, "%.6g", v);
}

/* Ticks of an axis: a 1-2-5 step on linear axes (the range is widened to whole steps), decades on
 * log axes (every second or fifth one when there are many). Returns the count (<= 24). */
static int ticks(scale *s, double lo, double hi, bool log, double minstep, double *tv, double *step_out)
{
    s->log = log;
    if (log) {
        double a = floor(log10(lo) + 1e-9), b = ceil(log10(hi) - 1e-9);
        if (b <= a) b = a + 1;
        s->lo = a;
        s->hi = b;
        int every = b - a > 12 ? 5 : b - a > 6 ? 2 : 1, n = 0;
        for (double e = a; e <= b + 1e-9 && n < 24; e += every) tv[n++] = pow(10, e);
        *step_out = 0;
        return n;
    }
    if (!(hi > lo)) {
        double d = lo == 0 ? 1 : fabs(lo) * 0.1;
        lo -= d;
        hi += d;
    }
    double raw = (hi - lo) / 6, mag = pow(10, floor(log10(raw))), step = mag;
    if (raw / mag > 5) step = 10 * mag;
    else if (raw / mag > 2) step = 5 * mag;
    else if (raw / mag > 1) step = 2 * mag;
    if (step < minstep) step = minstep;
    s->lo = floor(lo / step + 1e-9) * step;
    s->hi = ceil(hi / step - 1e-9) * step;
    int n = 0;
    for (double v = s->lo; v <= s->hi + step * 1e-6 && n < 24; v += step) tv[n++] = v;
    *step_out = step;
    return n;
}

static void begin_svg(FILE *f, const svg_chart *c, double W, double H)
{
    fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"");
    if (c->id) {
        fprintf(f, " id=\"");
        svg_text(f, c->id, 0);
        fprintf(f, "\"");
    }
    fprintf(f, " viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
               "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n", W, H, W, H);
    if (c->title) {
        fprintf(f, "<title>");
        svg_text(f, c->title, 0);
        fprintf(f, "</title>\n");
    }
    fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", W, H);
    if (c->title) {
        fprintf(f, "<text class=\"ctitle\" x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">");
        svg_text(f, c->title, fit_chars((W - 20) / 1.25));
        fprintf(f, "</text>\n");
    }
}

/* Axis lines, grid, tick labels and axis labels for the plot box [x0,x1] x [y0,y1]. */
static void draw_axes(FILE *f, const scale *sx, const double *xt, int nxt, double xstep, const scale *sy,
                      const double *yt, int nyt, double ystep, const svg_chart *c, double W, double H)
{
    double x0 = sx->p0, x1 = sx->p1, y0 = sy->p0, y1 = sy->p1; /* y0 bottom, y1 top */
    char b[64];
    fprintf(f, "<g class=\"grid\" stroke=\"#e4e4e4\">");
    for (int i = 0; i < nyt; i++) fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x0, px(sy, yt[i]), x1, px(sy, yt[i]));
    fprintf(f, "</g>\n<g stroke=\"#444\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n", x0, y0, x1, y0, x0, y0, x0, y1);
    fprintf(f, "<g class=\"yticks\" text-anchor=\"end\">");
    for (int i = 0; i < nyt; i++) {
        fmt_tick(b, sizeof b, yt[i], ystep);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x0 - 5, px(sy, yt[i]) + 4, b);
    }
    fprintf(f, "</g>\n<g class=\"xticks\" text-anchor=\"middle\">");
    /* thin the x labels until they do not touch */
    int every = 1;
    for (;;) {
        double widest = 0;
        for (int i = 0; i < nxt; i++) {
            fmt_tick(b, sizeof b, xt[i], xstep);
            widest = fmax(widest, (double)strlen(b) * CHAR_W);
        }
        double gap = nxt > 1 ? (x1 - x0) / (nxt - 1) * every : 1e9;
        if (gap >= widest + 6 || every >= nxt) break;
        every++;
    }
    for (int i = 0; i < nxt; i += every) {
        fmt_tick(b, sizeof b, xt[i], xstep);
        double x = px(sx, xt[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>", x, y0, x, y0 + 4);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x, y0 + 19, b);
    }
    fprintf(f, "</g>\n");
    if (c->xlabel) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (x0 + x1) / 2, y0 + 36);
        svg_text(f, c->xlabel, fit_chars(x1 - x0));
        fprintf(f, "</text>\n");
    }
    if (c->ylabel) {
        double cy = (y0 + y1) / 2;
        fprintf(f, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">", cy, cy);
        svg_text(f, c->ylabel, fit_chars(y0 - y1));
        fprintf(f, "</text>\n");
    }
    (void)W;
    (void)H;
}

static double tick_label_width(const double *tv, int n, double step)
{
    char b[64];
    double w = 0;
    for (int i = 0; i < n; i++) {
        fmt_tick(b, sizeof b, tv[i], step);
        w = fmax(w, (double)strlen(b) * CHAR_W);
    }
    return w;
}

/* ------------------------------------------------------------ line charts */
void svg_lines(FILE *f, const svg_chart *c, const svg_series *s, int ns)
{
    double W = c->width > 0 ? c->width : 640, H = c->height > 0 ? c->height : 380;
    scale sx = {0}, sy = {0};
    sx.log = c->logx;
    sy.log = c->logy;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    int64_t npts = 0;
    for (int a = 0; a < ns; a++)
        for (int64_t i = 0; i < s[a].n; i++) {
            if (!usable(&sx, s[a].x[i]) || !usable(&sy, s[a].y[i])) continue;
            npts++;
            xlo = fmin(xlo, s[a].x[i]);
            xhi = fmax(xhi, s[a].x[i]);
            ylo = fmin(ylo, s[a].y[i]);
            yhi = fmax(yhi, s[a].y[i]);
            if (s[a].lo && usable(&sy, s[a].lo[i])) ylo = fmin(ylo, s[a].lo[i]);
            if (s[a].hi && usable(&sy, s[a].hi[i])) yhi = fmax(yhi, s[a].hi[i]);
        }
    if (npts == 0) {
        xlo = sx.log ? 1 : 0;
        xhi = sx.log ? 10 : 1;
        ylo = sy.log ? 1 : 0;
        yhi = sy.log ? 10 : 1;
    }
    if (c->yzero && !sy.log) {
        ylo = fmin(ylo, 0);
        yhi = fmax(yhi, 0);
    }
    double xt[24], yt[24], xstep, ystep;
    int nxt = ticks(&sx, xlo, xhi, c->logx, c->xint ? 1 : 0, xt, &xstep);
    if (c->dodge && !c->logx) {
        /* half a step of room at both ends: error bars at the first and last x stay clear of the axes */
        sx.lo -= xstep / 2;
        sx.hi += xstep / 2;
    }
    int nyt = ticks(&sy, ylo, yhi, c->logy, 0, yt, &ystep);
    /* the legend at the right when its longest name fits in a third of the chart, else in rows
     * under the plot (the chart grows to hold them) */
    double legw = 0;
    for (int a = 0; a < ns; a++) legw = fmax(legw, (double)strlen(s[a].name ? s[a].name : "") * CHAR_W);
    bool below = ns > 0 && legw + 48 > W / 3;
    double ex[64], ey[64]; /* legend entries' positions when below */
    int legrows = 0;
    if (below) {
        double x = 10;
        legrows = 1;
        for (int a = 0; a < ns && a < 64; a++) {
            double w = 48 + fmin((double)strlen(s[a].name ? s[a].name : ""), fit_chars(W - 70)) * CHAR_W;
            if (x > 10 && x + w > W - 10) {
                x = 10;
                legrows++;
            }
            ex[a] = x;
            ey[a] = legrows - 1;
            x += w + 14;
        }
        H += 20.0 * legrows;
    }
    legw = ns > 0 && !below ? fmin(legw + 48, W / 3) : 10;
    double L = 26 + tick_label_width(yt, nyt, ystep) + 8, R = legw + 10, T = 34, B = 46 + 20.0 * legrows;
    sx.p0 = L;
    sx.p1 = W - R;
    sy.p0 = H - B;
    sy.p1 = T;
    begin_svg(f, c, W, H);
    draw_axes(f, &sx, xt, nxt, xstep, &sy, yt, nyt, ystep, c, W, H);
    double maxn = 1;
    for (int a = 0; a < ns; a++) maxn = fmax(maxn, (double)s[a].n);
    double shift = c->dodge && ns > 1 ? fmin(5, (sx.p1 - sx.p0) / (maxn * ns * 2.5)) : 0;
    for (int a = 0; a < ns; a++) {
        int st = s[a].style >= 0 ? s[a].style : a;
        const char *col = colour[st % NSTYLE];
        double dx = shift * (a - (ns - 1) / 2.0);
        fprintf(f, "<g class=\"series\" data-name=\"");
        svg_text(f, s[a].name, 0);
        fprintf(f, "\">");
        if (!s[a].points_only) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"", col,
                    *dash[st % NSTYLE] ? " stroke-dasharray=\"" : "", dash[st % NSTYLE], *dash[st % NSTYLE] ? "\"" : "");
            bool first = true;
            for (int64_t i = 0; i < s[a].n; i++) {
                if (!usable(&sx, s[a].x[i]) || !usable(&sy, s[a].y[i])) continue;
                fprintf(f, "%s%.1f,%.1f", first ? "" : " ", px(&sx, s[a].x[i]) + dx, px(&sy, s[a].y[i]));
                first = false;
            }
            fprintf(f, "\"/>");
        }
        for (int64_t i = 0; s[a].lo && s[a].hi && i < s[a].n; i++) {
            if (!usable(&sx, s[a].x[i]) || !usable(&sy, s[a].lo[i]) || !usable(&sy, s[a].hi[i])) continue;
            double x = px(&sx, s[a].x[i]) + dx, y0 = px(&sy, s[a].lo[i]), y1 = px(&sy, s[a].hi[i]);
            fprintf(f, "<path class=\"errbar\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"%s\" "
                       "stroke-width=\"1.4\"/>", x, y0, y1, x - 3, y0, x + 3, x - 3, y1, x + 3, col);
        }
        for (int64_t i = 0; !s[a].line_only && i < s[a].n; i++) {
            if (!usable(&sx, s[a].x[i]) || !usable(&sy, s[a].y[i])) continue;
            marker(f, st, px(&sx, s[a].x[i]) + dx, px(&sy, s[a].y[i]), col);
        }
        fprintf(f, "</g>\n");
        /* legend entry: a line sample in the series' dash with its marker, then the name */
        double ly = T + 10 + 20.0 * a, lx = W - R + 10, room = R - 48;
        if (below && a < 64) {
            lx = ex[a];
            ly = H - 20.0 * legrows + 20.0 * ey[a] + 6;
            room = W - 70;
        } else if (below || ly > H - B) {
            continue;
        }
        if (!s[a].points_only)
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>", lx, ly,
                    lx + 28, ly, col, *dash[st % NSTYLE] ? " stroke-dasharray=\"" : "", dash[st % NSTYLE],
                    *dash[st % NSTYLE] ? "\"" : "");
        if (!s[a].line_only) marker(f, st, lx + 14, ly, col);
        fprintf(f, "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\">", lx + 34, ly + 4);
        svg_text(f, s[a].name, fit_chars(room));
        fprintf(f, "</text>\n");
    }
    if (npts == 0)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#777\">no data</text>\n", (sx.p0 + sx.p1) / 2,
                (sy.p0 + sy.p1) / 2);
    fprintf(f, "</svg>\n");
}

/* ------------------------------------------------------------ bars */
static double label_width(int n, const char *const *labels, double cap)
{
    double w = 0;
    for (int i = 0; i < n; i++) w = fmax(w, (double)strlen(labels[i] ? labels[i] : "") * CHAR_W);
    return fmin(w, cap);
}

/* The value axis of the bar charts: vertical grid lines from top to bottom, tick labels under
 * it (thinned until they do not touch) and the x label at the foot of the chart. */
static void bar_axis(FILE *f, const svg_chart *c, const scale *sx, const double *xt, int nxt, double step, double top,
                     double bottom, double H)
{
    char b[64];
    fprintf(f, "<g class=\"grid\" stroke=\"#e4e4e4\">");
    for (int i = 0; i < nxt; i++)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px(sx, xt[i]), top, px(sx, xt[i]), bottom);
    fprintf(f, "</g>\n<g class=\"xticks\" text-anchor=\"middle\">");
    int every = 1;
    while (every < nxt && (sx->p1 - sx->p0) / fmax(1, nxt - 1) * every < tick_label_width(xt, nxt, step) + 6) every++;
    for (int i = 0; i < nxt; i += every) {
        fmt_tick(b, sizeof b, xt[i], step);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", px(sx, xt[i]), bottom + 16, b);
    }
    fprintf(f, "</g>\n");
    if (c->xlabel) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (sx->p0 + sx->p1) / 2, H - 8);
        svg_text(f, c->xlabel, fit_chars(sx->p1 - sx->p0));
        fprintf(f, "</text>\n");
    }
}

void svg_hbars(FILE *f, const svg_chart *c, int n, const char *const *labels, const double *v, const double *lo,
               const double *hi)
{
    double W = c->width > 0 ? c->width : 640, H = c->height > 0 ? c->height : fmax(200, 80 + 26.0 * n);
    double mn = 0, mx = 0;
    for (int i = 0; i < n; i++) {
        if (isfinite(v[i])) mn = fmin(mn, v[i]), mx = fmax(mx, v[i]);
        if (lo && isfinite(lo[i])) mn = fmin(mn, lo[i]);
        if (hi && isfinite(hi[i])) mx = fmax(mx, hi[i]);
    }
    scale sx = {0};
    double xt[24], step;
    int nxt = ticks(&sx, mn, mx, false, 0, xt, &step);
    double L = label_width(n, labels, W / 3) + 16, T = 34, B = 46;
    sx.p0 = L;
    sx.p1 = W - 20;
    begin_svg(f, c, W, H);
    double band = n > 0 ? (H - T - B) / n : 1, bh = fmin(16, band * 0.7);
    bar_axis(f, c, &sx, xt, nxt, step, T, H - B, H);
    double x0 = px(&sx, 0);
    for (int i = 0; i < n; i++) {
        double yc = T + band * (i + 0.5);
        fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", L - 6, yc + 4);
        svg_text(f, labels[i], fit_chars(L - 10));
        fprintf(f, "</text>");
        if (isfinite(v[i])) {
            double x1 = px(&sx, v[i]);
            fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                    fmin(x0, x1), yc - bh / 2, fabs(x1 - x0), bh, v[i] >= 0 ? colour[0] : colour[1]);
            svg_text(f, labels[i], 0);
            fprintf(f, ": %.6g</title></rect>", v[i]);
        }
        if (lo && hi && isfinite(lo[i]) && isfinite(hi[i])) {
            double a = px(&sx, lo[i]), z = px(&sx, hi[i]);
            fprintf(f, "<path class=\"errbar\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#222\" "
                       "stroke-width=\"1.4\"/>", a, yc, z, a, yc - 5, yc + 5, z, yc - 5, yc + 5);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", x0, T, x0, H - B);
    fprintf(f, "</svg>\n");
}

void svg_stacked(FILE *f, const svg_chart *c, int nrows, const char *const *rows, int nparts,
                 const char *const *parts, const double *val)
{
    double legw = fmin(label_width(nparts, parts, 200) + 30, 230);
    double W = c->width > 0 ? c->width : 720;
    double H = c->height > 0 ? c->height : fmax(80 + 26.0 * nrows, 60 + 18.0 * nparts);
    double mn = 0, mx = 0;
    for (int r = 0; r < nrows; r++) {
        double pos = 0, neg = 0;
        for (int p = 0; p < nparts; p++) {
            double x = val[(size_t)r * nparts + p];
            if (!isfinite(x)) continue;
            if (x > 0) pos += x;
            else neg += x;
        }
        mn = fmin(mn, neg);
        mx = fmax(mx, pos);
    }
    scale sx = {0};
    double xt[24], step;
    int nxt = ticks(&sx, mn, mx, false, 0, xt, &step);
    double L = label_width(nrows, rows, W / 4) + 16, T = 34, B = 46;
    sx.p0 = L;
    sx.p1 = W - legw - 16;
    begin_svg(f, c, W, H);
    bar_axis(f, c, &sx, xt, nxt, step, T, H - B, H);
    double band = nrows > 0 ? (H - T - B) / nrows : 1, bh = fmin(18, band * 0.72);
    for (int r = 0; r < nrows; r++) {
        double yc = T + band * (r + 0.5), pos = 0, neg = 0;
        fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", L - 6, yc + 4);
        svg_text(f, rows[r], fit_chars(L - 10));
        fprintf(f, "</text>");
        for (int p = 0; p < nparts; p++) {
            double x = val[(size_t)r * nparts + p];
            if (!isfinite(x) || x == 0) continue;
            double a, z;
            if (x > 0) a = px(&sx, pos), z = px(&sx, pos + x), pos += x;
            else z = px(&sx, neg), a = px(&sx, neg + x), neg += x;
            fprintf(f, "<rect class=\"seg\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\" stroke=\"white\" "
                       "stroke-width=\"0.6\"><title>", a, yc - bh / 2, z - a, bh, colour[p % NSTYLE]);
            svg_text(f, rows[r], 0);
            fprintf(f, ", ");
            svg_text(f, parts[p], 0);
            fprintf(f, ": %.4g</title></rect>", x);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", px(&sx, 0), T, px(&sx, 0), H - B);
    for (int p = 0; p < nparts; p++) {
        double ly = T + 8 + 18.0 * p, lx = W - legw - 4;
        if (ly > H - 10) break;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/><text class=\"legend\" x=\"%.1f\" "
                   "y=\"%.1f\">", lx, ly - 6, colour[p % NSTYLE], lx + 18, ly + 4);
        svg_text(f, parts[p], fit_chars(legw - 24));
        fprintf(f, "</text>\n");
    }
    fprintf(f, "</svg>\n");
}

/* ------------------------------------------------------------ networks */
void svg_network(FILE *f, const svg_chart *c, int64_t n, const double *xy, const char *const *labels,
                 const int *kind, int64_t m, const int64_t *ends, const char *const *legend)
{
    double W = c->width > 0 ? c->width : 640, H = c->height > 0 ? c->height : 520;
    double T = 34, B = 34, M = 24;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        xlo = fmin(xlo, xy[2 * i]);
        xhi = fmax(xhi, xy[2 * i]);
        ylo = fmin(ylo, xy[2 * i + 1]);
        yhi = fmax(yhi, xy[2 * i + 1]);
    }
    /* one scale for both axes keeps the drawing's proportions */
    double bw = W - 2 * M - 80, bh = H - T - B - 2 * M;
    double sc = fmin(xhi > xlo ? bw / (xhi - xlo) : 1, yhi > ylo ? bh / (yhi - ylo) : 1);
    double ox = M + 40 + (bw - (xhi > xlo ? (xhi - xlo) * sc : 0)) / 2, oy = T + M + (bh - (yhi > ylo ? (yhi - ylo) * sc : 0)) / 2;
#define NX(i) (ox + (xy[2 * (i)] - xlo) * sc)
#define NY(i) (oy + (xy[2 * (i) + 1] - ylo) * sc)
    begin_svg(f, c, W, H);
    fprintf(f, "<g class=\"ties\" stroke=\"#b8b8b8\" stroke-width=\"0.8\">");
    for (int64_t e = 0; e < m; e++)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", NX(ends[2 * e]), NY(ends[2 * e]),
                NX(ends[2 * e + 1]), NY(ends[2 * e + 1]));
    fprintf(f, "</g>\n");
    /* others first, highlighted users on top */
    for (int pass = 0; pass < 2; pass++)
        for (int64_t i = 0; i < n; i++) {
            bool top = kind[i] & 1, ring = kind[i] & 2;
            if (top != (pass == 1)) continue;
            fprintf(f, "<circle class=\"node%s%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", top ? " top" : "",
                    ring ? " seed" : "", NX(i), NY(i), top ? 7.0 : ring ? 4.5 : 3.2, top ? colour[0] : "#9a9a9a");
            if (ring) fprintf(f, " stroke=\"%s\" stroke-width=\"%.1f\"", colour[1], top ? 3.0 : 2.2);
            fprintf(f, ">");
            if (labels && labels[i]) {
                fprintf(f, "<title>");
                svg_text(f, labels[i], 0);
                fprintf(f, "</title>");
            }
            fprintf(f, "</circle>\n");
        }
    /* labels of the highlighted users: right of the node, else left, above or below, whichever
     * first clears the labels already placed and the box */
    double (*placed)[4] = labels ? malloc((size_t)(n + 1) * sizeof *placed) : NULL;
    int np = 0;
    for (int64_t i = 0; placed && i < n; i++) {
        if (!(kind[i] & 1) || !labels[i]) continue;
        int chars = 0;
        for (const unsigned char *p = (const unsigned char *)labels[i]; *p; p++) chars += !utf8_cont(*p);
        double w = fmin(chars, 12) * (CHAR_W + 0.8) + 2, h = 14; /* bold */
        const double cand[4][3] = {{NX(i) + 10, NY(i) + 4, 0}, {NX(i) - 10, NY(i) + 4, 1},
                                   {NX(i), NY(i) - 11, 2}, {NX(i), NY(i) + 20, 2}};
        int pick = -1;
        for (int c = 0; c < 4 && pick < 0; c++) {
            double x0 = cand[c][2] == 0 ? cand[c][0] : cand[c][2] == 1 ? cand[c][0] - w : cand[c][0] - w / 2;
            double y0 = cand[c][1] - 11;
            bool ok = x0 >= 2 && x0 + w <= W - 2 && y0 >= T && y0 + h <= H - B;
            for (int q = 0; ok && q < np; q++)
                ok = x0 >= placed[q][0] + placed[q][2] || placed[q][0] >= x0 + w || y0 >= placed[q][1] + placed[q][3] ||
                     placed[q][1] >= y0 + h;
            if (ok) {
                pick = c;
                placed[np][0] = x0, placed[np][1] = y0, placed[np][2] = w, placed[np][3] = h;
                np++;
            }
        }
        if (pick < 0) continue; /* no room: the name stays in the node's tooltip */
        static const char *const anchor[3] = {"start", "end", "middle"};
        fprintf(f, "<text class=\"nlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"bold\" "
                   "paint-order=\"stroke\" stroke=\"white\" stroke-width=\"3\">", cand[pick][0], cand[pick][1],
                anchor[(int)cand[pick][2]]);
        svg_text(f, labels[i], 12);
        fprintf(f, "</text>\n");
    }
    free(placed);
#undef NX
#undef NY
    /* legend along the bottom */
    if (legend) {
        double lx = 12, ly = H - 14;
        static const int lk[3] = {1, 2, 0};
        for (int j = 0; j < 3 && legend[j]; j++) {
            int k = lk[j];
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", lx + 6, ly - 4, k == 1 ? 6.0 : 4.0,
                    k == 1 ? colour[0] : "#9a9a9a");
            if (k == 2) fprintf(f, " stroke=\"%s\" stroke-width=\"2.2\"", colour[1]);
            fprintf(f, "/><text class=\"legend\" x=\"%.1f\" y=\"%.1f\">", lx + 16, ly);
            svg_text(f, legend[j], 28);
            fprintf(f, "</text>\n");
            lx += 16 + fmin((double)strlen(legend[j]), 28) * CHAR_W + 18;
        }
    }
    fprintf(f, "</svg>\n");
}
