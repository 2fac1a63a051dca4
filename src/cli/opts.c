/* opts.c: option parsing and messages shared by the commands. */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cli_apply(const cli_common *c);

static const cli_opt common[] = {CLI_OPT_INT("threads", NULL, 1, 4096), {"quiet", 'q', CLI_FLAG, NULL, 0, 0, 0, NULL, 0},
                                 CLI_OPT_CHOICE("format", NULL, "csv|json|msgpack"),
                                 {"output", 'o', CLI_TEXT, NULL, 0, 0, 0, NULL, 0},
                                 {"help", 'h', CLI_FLAG, NULL, 0, 0, 0, NULL, 0}, CLI_OPT_TEXT("max-memory", NULL),
                                 CLI_END};
static const cli_opt diffusion[] = {CLI_OPT_TEXT("prob", NULL), CLI_OPT_REAL("window", NULL, 0, INFINITY, 0),
                                    CLI_OPT_TEXT("prob-smoothing", NULL),
                                    CLI_OPT_CHOICE("graph", NULL, "social|behaviour|behavior|both"),
                                    CLI_OPT_REAL("min-weight", NULL, 0, INFINITY, 0), CLI_END};

static const cli_opt *find(const cli_opt *o, const char *name, size_t len, char shortname)
{
    for (; o && o->name; o++)
        if (shortname ? o->shortname == shortname : (strlen(o->name) == len && strncmp(o->name, name, len) == 0))
            return o;
    return NULL;
}

/* "a|b|c" -> "a, b or c" */
static void list_words(const char *words, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (const char *w = words; *w && at < n;) {
        size_t len = strcspn(w, "|");
        const char *next = w[len] ? w + len + 1 : w + len;
        const char *sep = w == words ? "" : *next ? ", " : " or ";
        at += (size_t)snprintf(buf + at, n - at, "%s%.*s", sep, (int)len, w);
        w = next;
    }
}

static bool is_word(const char *words, const char *val)
{
    size_t n = strlen(val);
    for (const char *w = words; *w;) {
        size_t len = strcspn(w, "|");
        if (len == n && strncmp(w, val, n) == 0) return true;
        w += len + (w[len] != '\0');
    }
    return false;
}

static bool in_range(const cli_opt *o, double v)
{
    bool lo = (o->open & CLI_OPEN_LO) ? v > o->lo : v >= o->lo;
    bool hi = (o->open & CLI_OPEN_HI) ? v < o->hi : v <= o->hi;
    return lo && hi;
}

/* The value of a typed option into *to; 0 or a usage error's exit code. */
static int set_value(const char *cmd, const cli_opt *o, const char *val, void *to)
{
    const char *dash = o->shortname && !o->name[1] ? "-" : "--";
    char range[96];
    switch (o->kind) {
    case CLI_FLAG: *(bool *)to = true; return 0;
    case CLI_TEXT: *(const char **)to = val; return 0;
    case CLI_INT: {
        int64_t v;
        if (cli_parse_i64(val, &v) && in_range(o, (double)v)) {
            *(int64_t *)to = v;
            return 0;
        }
        return cli_usage_error(cmd, "%s%s: bad value '%s': needs a whole number from %.0f to %.0f", dash, o->name, val,
                               o->lo, o->hi);
    }
    case CLI_REAL: {
        double v;
        if (cli_parse_double(val, &v) && in_range(o, v)) {
            *(double *)to = v;
            return 0;
        }
        if (isinf(o->hi)) snprintf(range, sizeof range, "%s %g", (o->open & CLI_OPEN_LO) ? ">" : ">=", o->lo);
        else snprintf(range, sizeof range, "in %c%g, %g%c", (o->open & CLI_OPEN_LO) ? '(' : '[', o->lo, o->hi,
                      (o->open & CLI_OPEN_HI) ? ')' : ']');
        return cli_usage_error(cmd, "%s%s: bad value '%s': needs a finite number %s", dash, o->name, val, range);
    }
    case CLI_CHOICE:
        if (is_word(o->choices, val)) {
            *(const char **)to = val;
            return 0;
        }
        list_words(o->choices, range, sizeof range);
        return cli_usage_error(cmd, "%s%s must be %s, got '%s'", dash, o->name, range, val);
    }
    return 0;
}

/* "a,b" with a, b >= 0 */
static bool parse_pair(const char *s, double *a, double *b)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *comma = strchr(buf, ',');
    if (!comma || strlen(s) >= sizeof buf) return false;
    *comma = '\0';
    return cli_parse_double(buf, a) && cli_parse_double(comma + 1, b) && *a >= 0 && *b >= 0;
}

static int common_opt(const char *cmd, const cli_opt *o, const char *val, cli_common *c)
{
    int64_t n = 0;
    const char *fmt = NULL;
    int code = 0;
    switch (o->name[0]) {
    case 't':
        if ((code = set_value(cmd, o, val, &n)) == 0) c->threads = (int)n;
        return code;
    case 'q': c->quiet = true; return 0;
    case 'f':
        if ((code = set_value(cmd, o, val, &fmt)) == 0) clout_format_parse(fmt, &c->fmt);
        return code;
    case 'o': c->out = val; return 0;
    case 'm':
        if (!cli_parse_size(val, &c->max_memory))
            return cli_usage_error(cmd, "--max-memory needs a size such as 512M, 8G or 1.5T (bytes, K, M, G, T), got '%s'",
                                   val);
        return 0;
    default: return CLI_EXIT_HELP;
    }
}

static int diffusion_opt(const char *cmd, const cli_opt *o, const char *val, cli_diffusion *d)
{
    char m[CLOUT_MSG_LEN];
    clout_prob_model tmp;
    switch (o->name[0] == 'w' || o->name[0] == 'g' || o->name[0] == 'm' ? o->name[0] : o->name[4]) {
    case 'g': return set_value(cmd, o, val, &d->graph);
    case 'm': return set_value(cmd, o, val, &d->min_weight);
    case '\0':
        if (clout_prob_parse(val, &tmp, m) != CLOUT_OK) return cli_usage_error(cmd, "--prob: %s", m);
        d->prob = val;
        return 0;
    case 'w': d->window_given = true; return set_value(cmd, o, val, &d->window);
    default:
        if (!parse_pair(val, &d->a, &d->b))
            return cli_usage_error(cmd, "--prob-smoothing needs a,b with a, b >= 0, got '%s'", val);
        return 0;
    }
}

/* The next argument as an option (*o set, *val its value or NULL) or a positional (*o NULL).
 * Returns 0, or a usage error's exit code. */
static int next_arg(const char *cmd, char **argv, int argc, int *i, const cli_opt *const tables[3], const cli_opt **o,
                    const char **val)
{
    const char *a = argv[(*i)++];
    *o = NULL;
    *val = a;
    if (a[0] != '-' || strcmp(a, "-") == 0) return 0;
    const char *inline_val = NULL, *name = NULL;
    size_t len = 0;
    char shortname = 0;
    if (a[1] == '-') {
        name = a + 2;
        const char *eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        if (eq) inline_val = eq + 1;
    } else {
        shortname = a[1];
        if (a[2] != '\0') inline_val = a + 2;
    }
    for (int t = 0; t < 3 && *o == NULL; t++) *o = find(tables[t], name, len, shortname);
    if (*o == NULL) return cli_usage_error(cmd, "unknown option '%s'", a);
    *val = NULL;
    if ((*o)->kind == CLI_FLAG) {
        if (inline_val) return cli_usage_error(cmd, "option '%s' takes no value", a);
        return 0;
    }
    if (inline_val) *val = inline_val;
    else if (*i < argc) *val = argv[(*i)++];
    else return cli_usage_error(cmd, "option '%s' needs a value", a);
    return 0;
}

bool cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, cli_common *c, cli_diffusion *d,
              const char **snapshot, cli_handler own, void *ctx)
{
    const cli_opt *const tables[3] = {opts, common, d ? diffusion : NULL};
    if (d) *d = (cli_diffusion){"wc", INFINITY, 0, 0, NULL, 0, false, false};
    for (int i = 0; i < argc;) {
        const cli_opt *o;
        const char *val;
        int code = next_arg(cmd, argv, argc, &i, tables, &o, &val);
        if (code == 0 && o == NULL && snapshot) {
            if (*snapshot) return cli_usage_error(cmd, "one snapshot at a time ('%s' and '%s')", *snapshot, val);
            *snapshot = val;
        } else if (code == 0 && o == NULL) {
            code = own(ctx, 0, val);
        } else if (code == 0 && o >= common && o < common + sizeof common / sizeof common[0]) {
            code = common_opt(cmd, o, val, c);
        } else if (code == 0 && o >= diffusion && o < diffusion + sizeof diffusion / sizeof diffusion[0]) {
            code = diffusion_opt(cmd, o, val, d);
        } else if (code == 0) {
            if (o->to) code = set_value(cmd, o, val, o->to);
            if (code == 0 && o->id > 0) code = own(ctx, o->id, val);
        }
        if (code) return code;
    }
    if (snapshot && cli_same_file(*snapshot, c->out))
        return cli_usage_error(cmd, "the output %s is the input snapshot: write it elsewhere", c->out);
    return cli_apply(c);
}

bool cli_usage_quiet;

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    if (cli_usage_quiet) return CLOUT_EXIT_USAGE;
    cli_progress_stop();
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "clout %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'clout help %s')\n", cmd);
    va_end(ap);
    return CLOUT_EXIT_USAGE;
}

bool cli_parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return false;
    *out = v;
    return true;
}

bool cli_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v)) return false;
    *out = v;
    return true;
}

bool cli_parse_size(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    const char *units = "KMGT";
    double scale = 1;
    if (*end && strchr(units, *end) && end[1] == '\0') scale = pow(1024, (double)(strchr(units, *end) - units + 1));
    else if (*end) return false;
    if (errno || end == s || !isfinite(v) || v <= 0) return false;
    *out = v * scale;
    return true;
}

static int cli_apply(const cli_common *c)
{
    char msg[CLOUT_MSG_LEN] = "";
    if (c->max_memory > 0) clout_set_memory_limit(c->max_memory);
    cli_show_progress(!c->quiet);
    if (c->threads > 0) {
        int s = clout_set_threads(c->threads, msg);
        if (s < 0) return cli_report(s, msg);
    }
    return 0;
}

int cli_report(int status, const char *msg)
{
    if (status < 0) cli_progress_stop(); /* the error is the last line */
    else if (status > 0) cli_progress_clear();
    if (status > 0) {
        if (msg && *msg) fprintf(stderr, "clout: warning: %s\n", msg);
        return 0;
    }
    if (status == 0) return 0;
    fprintf(stderr, "clout: %s\n", msg && *msg ? msg : clout_status_name(status));
    return cli_exit_code(status);
}

int cli_close(clout_outfile *out, clout_table **t, int s, char msg[CLOUT_MSG_LEN])
{
    char scratch[CLOUT_MSG_LEN];
    if (t && *t && s >= 0) s = clout_table_end(t, msg);
    else if (t && *t) clout_table_end(t, scratch);
    if (s >= 0) s = clout_outfile_commit(out, msg);
    else clout_outfile_abort(out);
    return s;
}

int cli_finish(clout_outfile *out, clout_table **t, int s, char msg[CLOUT_MSG_LEN])
{
    return cli_report(cli_close(out, t, s, msg), msg);
}

int cli_diffusion_model(const cli_diffusion *d, uint64_t seed, clout_prob_model *pm, char msg[CLOUT_MSG_LEN])
{
    int s = clout_prob_parse(d->prob, pm, msg);
    pm->seed = seed;
    pm->window = d->window;
    pm->a = d->a;
    pm->b = d->b;
    return s;
}

int cli_read_users(const char *spec, const clout_graph *G, int64_t **out, int64_t *n, char msg[CLOUT_MSG_LEN])
{
    if (spec[0] == '@') return clout_read_users(G, spec + 1, out, n, msg);
    int64_t k = 0, *v = malloc((strlen(spec) / 2 + 1) * sizeof(int64_t));
    if (v == NULL) return CLOUT_ERR_NOMEM;
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        int64_t u = len ? clout_idmap_find(G->users, p, len) : -1;
        if (len && u < 0) {
            snprintf(msg, CLOUT_MSG_LEN, "item %lld: no user '%.*s' in the graph", (long long)k + 1,
                     (int)(len > 64 ? 64 : len), p);
            free(v);
            return CLOUT_ERR_DATA;
        }
        if (len) v[k++] = u;
        p += len + (p[len] == ',');
    }
    if (k == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "the list: no users given");
        free(v);
        return CLOUT_ERR_INVALID;
    }
    *out = v;
    *n = k;
    return CLOUT_OK;
}

int cli_exit_code(int status)
{
    switch (status) {
    case CLOUT_ERR_INVALID: return CLOUT_EXIT_USAGE;
    case CLOUT_ERR_DATA: return CLOUT_EXIT_DATA;
    case CLOUT_ERR_NO_INPUT: return CLOUT_EXIT_NO_INPUT;
    case CLOUT_ERR_IO: return CLOUT_EXIT_IO;
    case CLOUT_ERR_INTERRUPTED: return 128 + (cli_signal() ? cli_signal() : 2);
    default: return status >= 0 ? CLOUT_EXIT_OK : CLOUT_EXIT_INTERNAL;
    }
}


bool cli_behaviour_opts(const clout_graph *g, const cli_diffusion *d, clout_behaviour_opts *bo)
{
    clout_behaviour_opts_init(bo);
    bool stored = g->behaviour && clout_behaviour_parse(g->behaviour, bo) == CLOUT_OK;
    if (!stored) {
        GrB_Index timed = 0;
        GrB_Matrix_nvals(&timed, g->T);
        bo->similar = timed == 0;
        bo->window = d->window;
        if (bo->similar) bo->top_k = 20;
    }
    if (d->window_given) bo->window = d->window;
    return stored;
}

int cli_load_graph(const char *path, const cli_diffusion *d, bool quiet, clout_graph **G, char msg[CLOUT_MSG_LEN])
{
    clout_graph *g = NULL;
    GrB_Matrix B = NULL;
    cli_phase("load");
    /* PageRank's layout serves the social ties only, as they are stored */
    bool pr = d->pagerank && d->min_weight <= 0 && (d->graph == NULL || strcmp(d->graph, "social") == 0);
    int s = clout_snapshot_load_parts(&g, path, pr ? CLOUT_LOAD_PAGERANK : 0, msg);
    if (s >= 0 && d->min_weight > 0) {
        s = clout_graph_min_weight(g, d->min_weight, msg);
        /* a stored behaviour graph was built from every row: build it again from the strong ones
         * (its description stays: the options it was made with) */
        if (g->B) GrB_free(&g->B);
    }
    if (s < 0) {
        clout_graph_free(&g);
        return s;
    }
    clout_graph_kind kind = CLOUT_GRAPH_SOCIAL;
    if (d->graph) clout_graph_kind_parse(d->graph, &kind);
    else if (clout_graph_social_edges(g) == 0 && clout_graph_interactions(g) > 0) kind = CLOUT_GRAPH_BEHAVIOUR;
    if (kind != CLOUT_GRAPH_SOCIAL && g->B == NULL) {
        clout_behaviour_opts bo;
        bool again = cli_behaviour_opts(g, d, &bo);
        char desc[256];
        clout_behaviour_describe(&bo, desc, sizeof desc);
        if (!quiet && again)
            fprintf(stderr, "clout: %s: building the behaviour graph again from the rows kept (%s)\n", path, desc);
        else if (!quiet) fprintf(stderr, "clout: %s has no behaviour graph; building one (%s)\n", path, desc);
        s = clout_behaviour_graph(g, &bo, &B, NULL, msg);
        if (s >= 0) s = clout_graph_set_behaviour(g, &B, desc, msg);
    }
    if (s >= 0) s = clout_graph_use(g, kind, msg);
    if (s >= 0 && !quiet && clout_graph_social_edges(g) == 0 && kind != CLOUT_GRAPH_SOCIAL)
        fprintf(stderr, "clout: warning: %s: the behaviour graph has no ties (no user acted on an item after "
                        "another): every user is on its own\n", path);
    if (B) GrB_free(&B);
    if (s < 0) clout_graph_free(&g);
    else *G = g;
    cli_phase(NULL);
    return s;
}

int cli_parse_time(const char *cmd, const char *opt, const char *val, double *out)
{
    char msg[CLOUT_MSG_LEN];
    if (clout_parse_time(val, out, msg) == CLOUT_OK) return 0; /* the logs' own rules */
    return cli_usage_error(cmd, "--%s needs epoch seconds or a date (2010-06-01), got '%s'", opt, val);
}

int cli_ranked_desc(const void *p, const void *q)
{
    const cli_ranked *a = p, *b = q;
    if (a->x != b->x) return a->x > b->x ? -1 : 1;
    return (a->u > b->u) - (a->u < b->u);
}

/* ---------------------------------------------------------------- the parameters an output records */

static bool has_col(const char *const *cols, int ncols, const char *prefix)
{
    for (int j = 0; j < ncols; j++)
        if (strncmp(cols[j], prefix, strlen(prefix)) == 0) return true;
    return false;
}

void cli_appendf(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= n) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    if (w > 0) *len = *len + (size_t)w < n ? *len + (size_t)w : n - 1;
}

#define ADD(...) cli_appendf(buf, n, &len, __VA_ARGS__)

/* x in 15 digits when they read back as x (0.85, not 0.84999999999999998), else 17 */
static const char *num(double x, char out[32])
{
    snprintf(out, 32, "%.15g", x);
    if (isfinite(x) && strtod(out, NULL) != x) snprintf(out, 32, "%.17g", x);
    return out;
}

size_t cli_params(const clout_graph *G, const cli_diffusion *d, const clout_features_opts *fo,
                  const char *const *cols, int ncols, char *buf, size_t n)
{
    static const char *kinds[] = {"social", "behaviour", "both"};
    size_t len = 0;
    char a[32], b[32];
    buf[0] = '\0';
    ADD("graph=%s", kinds[G->ties]);
    if (G->ties != CLOUT_GRAPH_SOCIAL && G->behaviour) ADD("(%s)", G->behaviour);
    if (d->min_weight > 0) ADD(" min_weight=%s", num(d->min_weight, a));
    if (has_col(cols, ncols, "pagerank")) {
        ADD(" damping=%s tol=%s", num(fo->damping, a), num(fo->tol, b));
    }
    if (has_col(cols, ncols, "reach_") || has_col(cols, ncols, "depth") || has_col(cols, ncols, "mean_hops")) {
        if (has_col(cols, ncols, "reach_")) ADD(" hops=%d", fo->hops);
        ADD(" max_depth=%d", fo->max_depth);
        if (fo->approx) ADD(" approx_registers=%d", fo->approx_registers);
    }
    if (has_col(cols, ncols, "betweenness") && fo->betweenness_samples > 0)
        ADD(" betweenness_samples=%lld", (long long)fo->betweenness_samples);
    bool ic = has_col(cols, ncols, "ic_");
    if (ic) {
        ADD(" model=%s prob=%s", fo->lt ? "lt" : "ic", d->prob);
        if (strcmp(d->prob, "learned") == 0) ADD(" prob_smoothing=%s:%s", num(d->a, a), num(d->b, b));
        if (has_col(cols, ncols, "ic_range")) ADD(" rr_sets=%lld", (long long)fo->rr_sets);
        if (has_col(cols, ncols, "ic_depth")) ADD(" sims=%lld", (long long)fo->sims);
    }
    if (ic || (has_col(cols, ncols, "betweenness") && fo->betweenness_samples > 0))
        ADD(" seed=%llu", (unsigned long long)fo->seed);
    bool conv = has_col(cols, ncols, "adoptions") || has_col(cols, ncols, "exposures") ||
                has_col(cols, ncols, "conversion") || has_col(cols, ncols, "conv_");
    if (conv || (ic && strcmp(d->prob, "learned") == 0)) ADD(" window=%s", num(d->window, a));
    if (conv && fo->since > -INFINITY) ADD(" since=%s", num(fo->since, a));
    return len;
}
