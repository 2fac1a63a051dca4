/* opts.c: option parsing and messages shared by the commands. */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv, const cli_opt *opts)
{
    p->argc = argc;
    p->argv = argv;
    p->i = 0;
    p->cmd = cmd;
    p->opts = opts;
}

static const cli_opt common[] = {
    {"threads", 0, 1, CLI_THREADS}, {"quiet", 'q', 0, CLI_QUIET}, {"format", 0, 1, CLI_FORMAT},
    {"output", 'o', 1, CLI_OUT},    {"help", 'h', 0, CLI_HELP},   {NULL, 0, 0, 0}};

static const cli_opt *find(const cli_opt *o, const char *name, size_t len, char shortname)
{
    for (; o->name; o++)
        if (shortname ? o->shortname == shortname : (strlen(o->name) == len && strncmp(o->name, name, len) == 0))
            return o;
    return NULL;
}

int cli_next(cli_parser *p, const char **val)
{
    if (p->i >= p->argc) return -1;
    const char *a = p->argv[p->i++];
    *val = NULL;
    if (a[0] != '-' || strcmp(a, "-") == 0) {
        *val = a;
        return 0;
    }
    const cli_opt *o;
    const char *inline_val = NULL;
    if (a[1] == '-') {
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        if (eq) inline_val = eq + 1;
        o = find(p->opts, name, len, 0);
        if (!o) o = find(common, name, len, 0);
    } else {
        if (a[2] != '\0') inline_val = a + 2;
        o = find(p->opts, NULL, 0, a[1]);
        if (!o) o = find(common, NULL, 0, a[1]);
    }
    if (o == NULL) return cli_usage_error(p->cmd, "unknown option '%s'", a), -2;
    if (o->arg == 0) {
        if (inline_val) return cli_usage_error(p->cmd, "option '%s' takes no value", a), -2;
        return o->id;
    }
    if (inline_val) {
        *val = inline_val;
    } else {
        if (p->i >= p->argc) return cli_usage_error(p->cmd, "option '%s' needs a value", a), -2;
        *val = p->argv[p->i++];
    }
    return o->id;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
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

int cli_common_opt(cli_common *c, int id, const char *val, const char *cmd)
{
    int64_t n;
    switch (id) {
    case CLI_THREADS:
        if (!cli_parse_i64(val, &n) || n < 1 || n > 4096)
            return 100 + cli_usage_error(cmd, "--threads needs a whole number from 1 to 4096, got '%s'", val);
        c->threads = (int)n;
        return 1;
    case CLI_QUIET:
        c->quiet = true;
        return 1;
    case CLI_FORMAT:
        if (clout_format_parse(val, &c->fmt) != CLOUT_OK)
            return 100 + cli_usage_error(cmd, "--format must be csv, json or msgpack, got '%s'", val);
        return 1;
    case CLI_OUT:
        c->out = val;
        return 1;
    case CLI_HELP:
        cli_print_help(cmd);
        return 100;
    default:
        return 0;
    }
}

int cli_apply(const cli_common *c)
{
    char msg[CLOUT_MSG_LEN] = "";
    clout_progress_enable(!c->quiet);
    if (c->threads > 0) {
        int s = clout_set_threads(c->threads, msg);
        if (s < 0) return cli_report(s, msg);
    }
    return 0;
}

int cli_report(int status, const char *msg)
{
    if (status > 0) {
        if (msg && *msg) fprintf(stderr, "clout: warning: %s\n", msg);
        return 0;
    }
    if (status == 0) return 0;
    fprintf(stderr, "clout: %s\n", msg && *msg ? msg : clout_status_name(status));
    return clout_exit_code(status);
}

bool cli_parse_smoothing(const char *s, double *a, double *b)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *comma = strchr(buf, ',');
    if (!comma) return false;
    *comma = '\0';
    return cli_parse_double(buf, a) && cli_parse_double(comma + 1, b) && *a >= 0 && *b >= 0;
}

void cli_diffusion_init(cli_diffusion *d)
{
    d->prob = "wc";
    d->window = INFINITY;
    d->a = d->b = 0;
}

int cli_diffusion_opt(cli_diffusion *d, int id, const char *val, const char *cmd)
{
    clout_prob_model tmp;
    char m[CLOUT_MSG_LEN];
    switch (id) {
    case CLI_PROB:
        if (clout_prob_parse(val, &tmp, m) != CLOUT_OK) return 100 + cli_usage_error(cmd, "%s", m);
        d->prob = val;
        return 1;
    case CLI_WINDOW:
        if (!cli_parse_double(val, &d->window) || d->window < 0)
            return 100 + cli_usage_error(cmd, "--window needs a number of seconds >= 0, got '%s'", val);
        return 1;
    case CLI_SMOOTH:
        if (!cli_parse_smoothing(val, &d->a, &d->b))
            return 100 + cli_usage_error(cmd, "--prob-smoothing needs a,b with a, b >= 0, got '%s'", val);
        return 1;
    default:
        return 0;
    }
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

char *cli_read_file(const char *path, int *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    while (text) {
        if (len + 1 >= cap) {
            char *t = realloc(text, cap *= 2);
            if (!t) {
                free(text);
                text = NULL;
                break;
            }
            text = t;
        }
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
    }
    *err = text ? (ferror(f) ? EIO : 0) : ENOMEM;
    fclose(f);
    if (text && *err) {
        free(text);
        return NULL;
    }
    if (text) text[len] = '\0';
    return text;
}

int cli_read_users(const char *spec, bool inline_ok, const clout_graph *G, int64_t **out, int64_t *n,
                   char msg[CLOUT_MSG_LEN])
{
    bool file = !inline_ok || spec[0] == '@';
    const char *path = inline_ok && spec[0] == '@' ? spec + 1 : spec;
    char *text = NULL;
    if (file) {
        int err = 0;
        text = cli_read_file(path, &err);
        if (!text) {
            snprintf(msg, CLOUT_MSG_LEN, "%s: cannot open: %s", path, strerror(err));
            return err == ENOMEM ? CLOUT_ERR_NOMEM : err == EIO ? CLOUT_ERR_IO : CLOUT_ERR_NO_INPUT;
        }
    } else {
        text = strdup(spec);
        if (!text) return CLOUT_ERR_NOMEM;
        for (char *p = text; *p; p++)
            if (*p == ',') *p = '\n';
    }
    int64_t cap = 64, k = 0, lineno = 0;
    int col = -1, s = CLOUT_OK;
    int64_t *v = malloc((size_t)cap * sizeof(int64_t));
    if (!v) s = CLOUT_ERR_NOMEM;
    for (char *line = text, *next; s == CLOUT_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (file && lineno == 1 && strchr(line, ',')) {
            /* a CSV header (the table clout im writes): take the column named user */
            char *save = NULL;
            int i = 0;
            for (char *t = strtok_r(line, ",", &save); t; t = strtok_r(NULL, ",", &save), i++)
                if (strcmp(t, "user") == 0) col = i;
            if (col < 0) {
                snprintf(msg, CLOUT_MSG_LEN, "%s:1: a CSV user list needs a column named user", path);
                s = CLOUT_ERR_DATA;
            }
            continue;
        }
        char *save = NULL, *tok;
        if (col >= 0) {
            tok = strtok_r(line, ",", &save);
            for (int i = 0; tok && i < col; i++) tok = strtok_r(NULL, ",", &save);
        } else {
            tok = strtok_r(line, " \t", &save);
        }
        if (!tok || !*tok || tok[0] == '#') continue;
        int64_t u = clout_idmap_find(G->users, tok, strlen(tok));
        if (u < 0) {
            if (file) snprintf(msg, CLOUT_MSG_LEN, "%s:%lld: no user '%.64s' in the graph", path, (long long)lineno, tok);
            else snprintf(msg, CLOUT_MSG_LEN, "item %lld: no user '%.64s' in the graph", (long long)lineno, tok);
            s = CLOUT_ERR_DATA;
            break;
        }
        if (k == cap) {
            int64_t *t = realloc(v, (size_t)(cap *= 2) * sizeof(int64_t));
            if (!t) {
                s = CLOUT_ERR_NOMEM;
                break;
            }
            v = t;
        }
        v[k++] = u;
    }
    free(text);
    if (s == CLOUT_OK && k == 0) {
        snprintf(msg, CLOUT_MSG_LEN, "%s: no users given", file ? path : "the list");
        s = file ? CLOUT_ERR_DATA : CLOUT_ERR_INVALID;
    }
    if (s != CLOUT_OK) {
        free(v);
        return s;
    }
    *out = v;
    *n = k;
    return CLOUT_OK;
}
