/* report_internal.h: the pipeline floor's drawing pieces (not installed): charts as inline SVG
 * (svg.c) and the HTML page of `clout report` (report.c). Used by the report and by
 * `compare --plot`.
 *
 * Every chart is drawn inside its declared size: labels too long for their place are shortened
 * with an ellipsis (the full text stays in a tooltip), tick labels are chosen to fit, and series
 * stay distinguishable without colour (each has its own dash pattern and marker shape, and series
 * sharing an x are shifted apart so their error bars do not hide each other). */
#ifndef CLOUT_REPORT_INTERNAL_H
#define CLOUT_REPORT_INTERNAL_H

#include "clout.h"
#include <stdbool.h>
#include <stdio.h>

/* ------------------------------------------------------------ charts (svg.c) */
typedef struct {
    const char *name;
    int64_t n;
    const double *x, *y;      /* points with a non-finite coordinate (or <= 0 on a log axis) are skipped */
    const double *lo, *hi;    /* error bar ends per point (NULL: no bars) */
    bool points_only;         /* markers, no line */
    bool line_only;           /* a line, no markers */
    int style;                /* colour, dash and marker index (-1: the series' position) */
} svg_series;

typedef struct {
    const char *id;           /* the svg element's id */
    const char *title;        /* drawn above the plot area */
    const char *xlabel, *ylabel;
    bool logx, logy;
    bool dodge;               /* shift series apart along x (categorical or few x values) */
    bool yzero;               /* the y range includes 0 (linear y only) */
    bool xint;                /* x ticks at whole numbers only (linear x) */
    double width, height;     /* 0: 640 x 380 */
} svg_chart;

/* Lines (with markers and error bars) against x; a legend at the right. */
void svg_lines(FILE *f, const svg_chart *c, const svg_series *s, int ns);
/* Horizontal bars, one per label, from 0 to v[i], with whiskers from lo[i] to hi[i] (may be NULL):
 * weights and their confidence intervals. */
void svg_hbars(FILE *f, const svg_chart *c, int n, const char *const *labels, const double *v, const double *lo,
               const double *hi);
/* Stacked horizontal bars: one row per label, one segment per part (val[r * nparts + p]);
 * positive parts stack to the right of 0, negative ones to the left; a legend of the parts. */
void svg_stacked(FILE *f, const svg_chart *c, int nrows, const char *const *rows, int nparts,
                 const char *const *parts, const double *val);
/* A network drawing: n nodes at xy (2 per node, any scale: fitted to the box), m ties
 * (ends[2e], ends[2e+1]); kind per node: 0 other, 1 highlighted (drawn large, labelled),
 * 2 marked (ringed), 3 both. labels may be NULL per node. */
void svg_network(FILE *f, const svg_chart *c, int64_t n, const double *xy, const char *const *labels,
                 const int *kind, int64_t m, const int64_t *ends, const char *const *legend);

/* Text escaped for HTML/SVG, shortened to at most maxchars characters (counting a UTF-8
 * sequence as one) with an ellipsis; maxchars <= 0: in full. */
void svg_text(FILE *f, const char *s, int maxchars);

/* ------------------------------------------------------------ the page (report.c) */
/* The head of a self-contained page (style inline, no script, no external resource). */
void report_begin(FILE *f, const char *title, const char *subtitle);
void report_end(FILE *f);
/* <section id=...><h2>heading</h2> ... </section> */
void report_section(FILE *f, const char *id, const char *heading);
void report_section_end(FILE *f);
/* A paragraph of text (escaped; printf-style). */
void report_para(FILE *f, const char *cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A table: report_table_begin with the header (NULL: none), report_table_row with ncols cells, then _end. */
void report_table_begin(FILE *f, const char *cls, int ncols, const char *const *head);
void report_table_row(FILE *f, int ncols, const char *const *cells);
void report_table_end(FILE *f);
/* <figure> around a chart; report_figure_end adds the caption. */
void report_figure_begin(FILE *f);
void report_figure_end(FILE *f, const char *caption);

/* The power law a distribution follows above xmin (igraph's plfit: discrete for whole numbers,
 * continuous otherwise): alpha, xmin, the Kolmogorov-Smirnov distance D and how many values lie
 * at or above xmin. Values <= 0 and non-finite values are left out. CLOUT_ERR_INVALID when fewer
 * than 2 positive values remain. */
int report_plfit(const double *x, int64_t n, bool discrete, double *alpha, double *xmin, double *D, int64_t *tail,
                 char msg[CLOUT_MSG_LEN]);
/* A deterministic layout of a small network (Kamada-Kawai from a circle, by igraph): xy gets 2n
 * coordinates. */
int report_layout(int64_t n, int64_t m, const int64_t *ends, double *xy, char msg[CLOUT_MSG_LEN]);

#endif
