/* cli.h: shared pieces of the clout program's commands. */
#ifndef CLOUT_CLI_H
#define CLOUT_CLI_H
#include "clout.h"
#include <stdbool.h>

/* Options every command takes. */
typedef struct {
    int threads;            /* 0: leave the default */
    bool quiet;
    clout_format fmt;
    const char *out;        /* NULL: stdout */
} cli_common;

/* One option of a command. arg: 0 flag, 1 takes a value. */
typedef struct {
    const char *name;       /* long name without dashes */
    char shortname;         /* 0 for none */
    int arg;
    int id;
} cli_opt;

enum { CLI_THREADS = 1000, CLI_QUIET, CLI_FORMAT, CLI_OUT, CLI_HELP };

/* Iterates over argv: returns an option id and its value, 0 for a positional argument (in
 * *val), -1 at the end, or -2 after printing a usage error. */
typedef struct {
    int argc, i;
    char **argv;
    const char *cmd;
    const cli_opt *opts;
} cli_parser;
void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv, const cli_opt *opts);
int cli_next(cli_parser *p, const char **val);

/* Options of the commands that run a diffusion model: --prob, --window, --prob-smoothing. */
enum { CLI_PROB = 1100, CLI_WINDOW, CLI_SMOOTH };
#define CLI_DIFFUSION_OPTS {"prob", 0, 1, CLI_PROB}, {"window", 0, 1, CLI_WINDOW}, {"prob-smoothing", 0, 1, CLI_SMOOTH}
typedef struct {
    const char *prob;   /* default wc */
    double window;      /* default unlimited */
    double a, b;        /* Beta prior of learned probabilities */
} cli_diffusion;
void cli_diffusion_init(cli_diffusion *d);
/* Same convention as cli_common_opt: 1 handled, 0 not, exit code + 100 after a usage error. */
int cli_diffusion_opt(cli_diffusion *d, int id, const char *val, const char *cmd);
/* The probability model the options describe, with its draws keyed by seed. */
int cli_diffusion_model(const cli_diffusion *d, uint64_t seed, clout_prob_model *pm, char msg[CLOUT_MSG_LEN]);

/* Handles the common options; returns 1 if id was one, 0 if not, or an exit code + 100 (help
 * printed: 100, usage error: 102). */
int cli_common_opt(cli_common *c, int id, const char *val, const char *cmd);
/* Apply threads and quiet; returns an exit code (0 ok). */
int cli_apply(const cli_common *c);

int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "clout: msg" for a failed status; returns its exit code. Warnings print "clout: warning: msg". */
int cli_report(int status, const char *msg);
bool cli_parse_i64(const char *s, int64_t *out);
bool cli_parse_double(const char *s, double *out);
/* "a,b" with a, b >= 0 (--prob-smoothing) */
bool cli_parse_smoothing(const char *s, double *a, double *b);

void cli_print_help(const char *cmd);
/* The whole of a small input file, NUL-terminated (malloc'd); NULL with *err = an errno value. */
char *cli_read_file(const char *path, int *err);
/* User ids into dense indices (*out malloc'd, *n of them). spec is a FILE, or with inline_ok
 * "a,b,c" or "@FILE". A file holds one id per line (its first blank- or tab-separated field;
 * blank lines and lines starting with # skipped), or is a CSV whose first line names a column
 * user (the table clout im writes). Unknown ids are an error naming FILE:LINE (exit 65). */
int cli_read_users(const char *spec, bool inline_ok, const clout_graph *G, int64_t **out, int64_t *n,
                   char msg[CLOUT_MSG_LEN]);
extern const cli_opt cli_common_opts[];

int cmd_ingest(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_reach(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_im(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
