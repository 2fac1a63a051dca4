/* report.c: the HTML page of `clout report`: one self-contained file (style inline, charts as
 * inline SVG, no script, font or request to anywhere), and the two igraph calls it needs: the
 * power-law fit of a distribution (plfit) and the layout of a small network. */
#include "core_internal.h"
#include "report_internal.h"
#include <igraph.h>
#include <math.h>
#include <stdarg.h>

static const char *const style =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0;background:#f6f6f4;color:#222;line-height:1.45}"
    "header{background:#17324d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:24px}"
    "header p{margin:4px 0 0;color:#cfdbe6}"
    "main{max-width:1060px;margin:0 auto;padding:8px 20px 40px}"
    "section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:18px 0;padding:10px 20px 16px;"
    "overflow:hidden}"
    "h2{font-size:19px;margin:8px 0 8px;color:#17324d}"
    "figure{margin:12px 0;max-width:100%}figcaption{font-size:13px;color:#555;margin-top:4px}"
    "svg.chart{display:block;max-width:100%;height:auto;border:1px solid #eee}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0;max-width:100%}"
    "td,th{border-bottom:1px solid #e2e2e2;padding:3px 9px;text-align:left;vertical-align:top}"
    "th{background:#f0f2f5}td.num,th.num{text-align:right}"
    ".wide{display:block;overflow-x:auto}"
    "p{overflow-wrap:anywhere}p.note{color:#555;font-size:14px}p.missing{color:#8a5a00;font-size:14px}"
    "code{background:#f0f0f0;padding:1px 4px;border-radius:3px;font-size:12.5px;word-break:break-all}"
    ".grid2{display:flex;flex-wrap:wrap;gap:12px}.grid2 figure{flex:1 1 480px;min-width:0}";

static void esc(FILE *f, const char *s) { svg_text(f, s, 0); }

void report_begin(FILE *f, const char *title, const char *subtitle)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    esc(f, title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", style);
    esc(f, title);
    fprintf(f, "</h1>");
    if (subtitle) {
        fprintf(f, "<p>");
        esc(f, subtitle);
        fprintf(f, "</p>");
    }
    fprintf(f, "</header>\n<main>\n");
}

void report_end(FILE *f) { fprintf(f, "</main>\n</body>\n</html>\n"); }

void report_section(FILE *f, const char *id, const char *heading)
{
    fprintf(f, "<section id=\"");
    esc(f, id);
    fprintf(f, "\">\n<h2>");
    esc(f, heading);
    fprintf(f, "</h2>\n");
}

void report_section_end(FILE *f) { fprintf(f, "</section>\n"); }

void report_para(FILE *f, const char *cls, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(f, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    /* `text` in backquotes becomes code */
    bool code = false;
    for (char *p = buf, *q; *p; p = q) {
        q = strchr(p, '`');
        if (q) *q = '\0';
        esc(f, p);
        if (!q) break;
        fputs(code ? "</code>" : "<code>", f);
        code = !code;
        q++;
    }
    if (code) fputs("</code>", f);
    fprintf(f, "</p>\n");
}

static bool numeric(const char *s)
{
    if (s == NULL || *s == '\0') return false;
    char *end;
    double v = strtod(s, &end);
    (void)v;
    return *end == '\0' || (end[0] == '%' && end[1] == '\0');
}

void report_table_begin(FILE *f, const char *cls, int ncols, const char *const *head)
{
    fprintf(f, "<div class=\"wide\"><table%s%s%s>\n", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    if (head == NULL) return;
    fprintf(f, "<tr>");
    for (int i = 0; i < ncols; i++) {
        fprintf(f, "<th>");
        esc(f, head[i]);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr>\n");
}

void report_table_row(FILE *f, int ncols, const char *const *cells)
{
    fprintf(f, "<tr>");
    for (int i = 0; i < ncols; i++) {
        bool num = numeric(cells[i]);
        fprintf(f, num ? "<td class=\"num\">" : "<td>");
        if (cells[i] && cells[i][0] == '`') {
            fprintf(f, "<code>");
            esc(f, cells[i] + 1);
            fprintf(f, "</code>");
        } else {
            esc(f, cells[i] ? cells[i] : "");
        }
        fprintf(f, "</td>");
    }
    fprintf(f, "</tr>\n");
}

void report_table_end(FILE *f) { fprintf(f, "</table></div>\n"); }

void report_figure_begin(FILE *f) { fprintf(f, "<figure>\n"); }

void report_figure_end(FILE *f, const char *caption)
{
    if (caption) {
        fprintf(f, "<figcaption>");
        esc(f, caption);
        fprintf(f, "</figcaption>\n");
    }
    fprintf(f, "</figure>\n");
}

#define FREE_WORK
#define FREE_ALL

int report_plfit(const double *x, int64_t n, bool discrete, double *alpha, double *xmin, double *D, int64_t *tail,
                 char msg[CLOUT_MSG_LEN])
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) m += isfinite(x[i]) && x[i] > 0;
    if (m < 2) ERR(CLOUT_ERR_INVALID, "a power law needs at least 2 positive values (%lld given)", (long long)m);
    clout_i_igraph_lock();
    igraph_vector_t v;
    igraph_plfit_result_t r;
    int st = CLOUT_OK;
    if (igraph_vector_init(&v, (igraph_integer_t)m) != IGRAPH_SUCCESS) {
        clout_i_igraph_unlock();
        ERR(CLOUT_ERR_NOMEM, "no memory for the power-law fit's %lld values", (long long)m);
    }
    m = 0;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(x[i]) && x[i] > 0) VECTOR(v)[m++] = x[i];
    if (igraph_power_law_fit(&v, &r, -1, !discrete) != IGRAPH_SUCCESS) {
        clout_i_setmsg(msg, "the power-law fit (igraph plfit) failed on %lld values", (long long)m);
        st = CLOUT_ERR_INVALID;
    } else {
        *alpha = r.alpha;
        *xmin = r.xmin;
        *D = r.D;
        int64_t t = 0;
        for (int64_t i = 0; i < m; i++) t += VECTOR(v)[i] >= r.xmin;
        *tail = t;
    }
    igraph_vector_destroy(&v);
    clout_i_igraph_unlock();
    return st;
}

int report_layout(int64_t n, int64_t m, const int64_t *ends, double *xy, char msg[CLOUT_MSG_LEN])
{
    if (n <= 0) return CLOUT_OK;
    if (n == 1) {
        xy[0] = xy[1] = 0;
        return CLOUT_OK;
    }
    clout_i_igraph_lock();
    igraph_vector_int_t e;
    igraph_t g;
    igraph_matrix_t pos;
    int st = CLOUT_OK;
    bool ge = false, pe = false, ee = false;
    if (igraph_vector_int_init(&e, (igraph_integer_t)(2 * m)) != IGRAPH_SUCCESS) st = CLOUT_ERR_NOMEM;
    else ee = true;
    for (int64_t i = 0; st >= 0 && i < 2 * m; i++) VECTOR(e)[i] = (igraph_integer_t)ends[i];
    if (st >= 0 && igraph_create(&g, &e, (igraph_integer_t)n, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS) st = CLOUT_ERR_NOMEM;
    else if (st >= 0) ge = true;
    if (st >= 0 && igraph_matrix_init(&pos, (igraph_integer_t)n, 2) != IGRAPH_SUCCESS) st = CLOUT_ERR_NOMEM;
    else if (st >= 0) pe = true;
    if (st >= 0) {
        /* start from a circle: the result is the same on every run */
        for (int64_t i = 0; i < n; i++) {
            double a = 2 * M_PI * (double)i / (double)n;
            MATRIX(pos, i, 0) = sqrt((double)n) * cos(a);
            MATRIX(pos, i, 1) = sqrt((double)n) * sin(a);
        }
        if (igraph_layout_kamada_kawai(&g, &pos, true, (igraph_integer_t)(50 * n), 0, (igraph_real_t)n, NULL, NULL,
                                       NULL, NULL, NULL) != IGRAPH_SUCCESS)
            st = CLOUT_ERR_INVALID;
        for (int64_t i = 0; st >= 0 && i < n; i++) {
            xy[2 * i] = MATRIX(pos, i, 0);
            xy[2 * i + 1] = MATRIX(pos, i, 1);
        }
    }
    if (st < 0) clout_i_setmsg(msg, "the network layout (igraph Kamada-Kawai) failed on %lld users", (long long)n);
    if (pe) igraph_matrix_destroy(&pos);
    if (ge) igraph_destroy(&g);
    if (ee) igraph_vector_int_destroy(&e);
    clout_i_igraph_unlock();
    return st;
}
