/* cli.h: shared pieces of the clout program's commands. */
#ifndef CLOUT_CLI_H
#define CLOUT_CLI_H
#include "clout.h"
#include <stdbool.h>

/* The program's exit codes (sysexits.h values): they belong to the program, not the library. */
enum {
    CLOUT_EXIT_OK = 0,
    CLOUT_EXIT_USAGE = 2,
    CLOUT_EXIT_DATA = 65,
    CLOUT_EXIT_NO_INPUT = 66,
    CLOUT_EXIT_INTERNAL = 70,
    CLOUT_EXIT_IO = 74,
};

/* Exit code for a status: 0 for success and warnings, else one of CLOUT_EXIT_*. */
int cli_exit_code(int status);
/* terminal.c: progress on stderr when it is a terminal (on: not --quiet); SIGINT and SIGTERM
 * stop the running library call (first signal) or exit at once without temporary files (second).
 * cli_signal: the signal received, or 0. */
void cli_show_progress(bool on);
/* the command computes exact reach but has --approx: a reach that will take minutes says so */
void cli_hint_approx(void);
/* A label drawn before the library's phase names on the progress line (NULL or "": none). */
void cli_progress_label(const char *text);
/* The command's own phase (NULL: none): shown on the progress line when it runs for more than a
 * second with nothing else to show, and timed for --timings (a name used twice adds up). */
void cli_phase(const char *name);
/* Ends the current phase and prints "timings: name S s, ..." for the command's phases on stderr. */
void cli_phase_timings(void);
/* Clears the progress line (before a message); cli_progress_stop also draws nothing more. */
void cli_progress_clear(void);
void cli_progress_stop(void);
void cli_catch_signals(void);
int cli_signal(void);

/* Options every command takes. */
typedef struct {
    int threads;            /* 0: leave the default */
    bool quiet;
    clout_format fmt;
    const char *out;        /* NULL: stdout */
    double max_memory;      /* bytes; 0: the library's default */
} cli_common;

/* One option of a command, declared with what it sets, so that one loop (cli_parse) parses and
 * checks every option of every command the same way. */
typedef enum {
    CLI_FLAG = 0,   /* no value; sets *(bool *)to */
    CLI_TEXT,       /* any value; sets *(const char **)to */
    CLI_INT,        /* a whole number in [lo, hi]; sets *(int64_t *)to */
    CLI_REAL,       /* a finite number in the range lo..hi, each end open when open says so */
    CLI_CHOICE,     /* one of the words of choices ("ic|lt"); sets *(const char **)to */
} cli_kind;
enum { CLI_OPEN_LO = 1, CLI_OPEN_HI = 2 };
typedef struct {
    const char *name;       /* long name without dashes */
    char shortname;         /* 0 for none */
    cli_kind kind;
    void *to;               /* where the value goes; NULL: only the command's own handler sees it */
    double lo, hi;          /* CLI_INT, CLI_REAL: the allowed range */
    int open;               /* CLI_REAL: CLI_OPEN_LO / CLI_OPEN_HI */
    const char *choices;    /* CLI_CHOICE */
    int id;                 /* > 0: also handed to the command's own handler (in command-line order) */
} cli_opt;
#define CLI_END {NULL, 0, CLI_FLAG, NULL, 0, 0, 0, NULL, 0}
#define CLI_OPT_FLAG(n, p) {n, 0, CLI_FLAG, p, 0, 0, 0, NULL, 0}
#define CLI_OPT_TEXT(n, p) {n, 0, CLI_TEXT, p, 0, 0, 0, NULL, 0}
#define CLI_OPT_INT(n, p, lo, hi) {n, 0, CLI_INT, p, lo, hi, 0, NULL, 0}
#define CLI_OPT_REAL(n, p, lo, hi, open) {n, 0, CLI_REAL, p, lo, hi, open, NULL, 0}
#define CLI_OPT_CHOICE(n, p, words) {n, 0, CLI_CHOICE, p, 0, 0, 0, words, 0}
/* An option only the command's handler interprets (arg: takes a value). */
#define CLI_OPT_EVENT(n, arg, id) {n, 0, (arg) ? CLI_TEXT : CLI_FLAG, NULL, 0, 0, 0, NULL, id}

/* What every command's text around its own options looks like. */
typedef struct {
    const char *name, *summary, *help;
    int (*run)(int argc, char **argv);
} cli_command;
extern const cli_command cli_cmd_ingest, cli_cmd_info, cli_cmd_export, cli_cmd_generate, cli_cmd_metrics,
    cli_cmd_reach, cli_cmd_simulate, cli_cmd_im, cli_cmd_compare, cli_cmd_behaviour,
    cli_cmd_score, cli_cmd_keyusers, cli_cmd_pairwise, cli_cmd_evaluate, cli_cmd_report, cli_cmd_gcn,
    cli_cmd_lightgcn, cli_cmd_recommend;

/* A command returns this after --help; main prints the command's help and exits 0. */
#define CLI_EXIT_HELP 1000

/* The command's own handler: an option with id > 0, or a positional argument (id 0) when the
 * command takes no snapshot path. Returns 0, or an exit code after cli_usage_error. */
typedef int (*cli_handler)(void *ctx, int id, const char *val);

/* The option loop every command shares. Parses argv against opts, the common options (into *c)
 * and, when d is not NULL, the diffusion options (--prob, --window, --prob-smoothing); a positional
 * argument is the snapshot path when snapshot is not NULL (one only), else goes to own. Values
 * outside their declared range are usage errors naming the option. Then applies --threads and
 * --quiet. Returns 0, an exit code (a usage error was printed), or CLI_EXIT_HELP. */
typedef struct {
    const char *prob;   /* default wc */
    double window;      /* default unlimited */
    double a, b;        /* Beta prior of learned probabilities */
    const char *graph;  /* --graph social|behaviour|both; NULL: social when S has ties, else behaviour */
    double min_weight;  /* --min-weight: R entries below it are no behaviour (0: keep all) */
    bool pagerank;      /* set by the command: load PageRank's layout when the snapshot keeps one */
    bool window_given;  /* --window was given (it then overrides a stored behaviour graph's window) */
} cli_diffusion;
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, cli_common *c, cli_diffusion *d,
              const char **snapshot, cli_handler own, void *ctx);
/* Load a snapshot and choose the ties the command reads (--graph): a behaviour graph the snapshot
 * lacks is built with the defaults (timed within --window when the log has times, else the 20
 * most similar users), said on stderr unless quiet. */
int cli_load_graph(const char *path, const cli_diffusion *d, bool quiet, clout_graph **G, char msg[CLOUT_MSG_LEN]);
/* The options a behaviour graph of g is built again or anew with: those of the snapshot's own
 * when it has its description (a graph dropped by --min-weight or cut by --split-time), else the
 * defaults above; a --window given replaces the window. True when they are the stored ones. */
bool cli_behaviour_opts(const clout_graph *g, const cli_diffusion *d, clout_behaviour_opts *bo);
/* The parameters behind a per-user table, as one text cell (space-separated key=value): the ties
 * G's S holds (graph=social|behaviour(how it was built)|both(...)) and, of the options in d and fo,
 * those the columns cols depend on. Returns the length written to buf (at most n - 1). */
size_t cli_params(const clout_graph *G, const cli_diffusion *d, const clout_features_opts *fo,
                  const char *const *cols, int ncols, char *buf, size_t n);
/* Append printf-style text to buf (n bytes, *len used), cut at the end of buf; *len follows. */
void cli_appendf(char *buf, size_t n, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* a and b name the same existing regular file */
bool cli_same_file(const char *a, const char *b);
/* The probability model the diffusion options describe, with its draws keyed by seed. */
int cli_diffusion_model(const cli_diffusion *d, uint64_t seed, clout_prob_model *pm, char msg[CLOUT_MSG_LEN]);

/* The end of every command that writes a table (t may be NULL): when s >= 0 close the table and
 * commit the output, else drop both (the output's temporary file is removed); then report s.
 * Returns the exit code. */
int cli_finish(clout_outfile *out, clout_table **t, int s, char msg[CLOUT_MSG_LEN]);
/* The same without the report: returns the status. */
int cli_close(clout_outfile *out, clout_table **t, int s, char msg[CLOUT_MSG_LEN]);

int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* true: usage errors return their code without a message (ranks beyond 0 under mpirun, where
 * every rank meets the same usage error and rank 0 reports it) */
extern bool cli_usage_quiet;
/* Print "clout: msg" for a failed status; returns its exit code. Warnings print "clout: warning: msg". */
int cli_report(int status, const char *msg);
bool cli_parse_i64(const char *s, int64_t *out);
/* A value and its user, for qsort with cli_ranked_desc: largest first, ties by user index. */
typedef struct {
    double x;
    int64_t u;
} cli_ranked;
int cli_ranked_desc(const void *p, const void *q);
bool cli_parse_double(const char *s, double *out);
/* a time as the logs write it (clout_parse_time): epoch seconds or ISO-8601 */
int cli_parse_time(const char *cmd, const char *opt, const char *val, double *out); /* 0 or a usage error */
/* "512M", "8G", "1.5T", bytes */
bool cli_parse_size(const char *s, double *out);

/* Users given on the command line: "a,b,c", or @FILE read by clout_read_users (*out malloc'd). */
int cli_read_users(const char *spec, const clout_graph *G, int64_t **out, int64_t *n, char msg[CLOUT_MSG_LEN]);

/* design.c: the feature matrix of score, keyusers and pairwise. */
#define CLI_DEFAULT_FEATURES "out_degree,in_degree,pagerank,core,reach_2,ic_range,conversion_rate"
typedef struct {
    const char *features;   /* --features: columns of the features table or of --extra */
    const char *extra;      /* --extra FILE: a CSV with a user column and numeric columns */
    const char *weights;    /* --weights name=value,... or @FILE; NULL: every feature 1 */
    const char *normalize;  /* --normalize zscore|minmax|rank|none (zscore) */
    const char *center;     /* --center user|feature (user) */
} cli_design_opts;
typedef struct {
    int64_t n;
    int nf;
    char **names;
    double *raw;            /* n x nf, as computed or read */
    double *X;              /* n x nf, normalized */
    double *w;              /* nf weights */
    clout_norm norm;
    bool center_feature;
} cli_design;
/* The features table's columns (computed with fo, whose only is set here) and the extra file's,
 * normalized, and the weights. Users the extra file does not list get 0. */
int cli_design_build(clout_graph *G, const cli_design_opts *o, clout_features_opts *fo, cli_design *d,
                     char msg[CLOUT_MSG_LEN]);
void cli_design_free(cli_design *d);

/* csvin.c: a CSV table the program wrote (or one like it), read back. The key column is keycol,
 * or `user`, or else the first; every other column is numbers (numeric[c]) or text. */
typedef struct {
    int ncols, key;
    char **names;
    char *numeric;      /* per column: every cell is a finite number */
    int64_t nrows;
    char **keys;        /* per row: the key cell */
    int64_t *lines;     /* per row: its line in the file (blank lines are skipped) */
    double *vals;       /* nrows x ncols; NAN where a cell is not a number */
} cli_csv;
int cli_csv_read(const char *path, const char *keycol, cli_csv *t, char msg[CLOUT_MSG_LEN]);
void cli_csv_free(cli_csv *t);
/* CLOUT_OK when no key is on two rows, else CLOUT_ERR_DATA and msg "PATH:LINE: a second row for
 * KEYCOLUMN 'KEY' (the first on line L)" naming the earliest repeated row. cli_csv_index also
 * hands back (when order is not NULL; the caller frees it) the rows in the order of their keys
 * (strcmp), for a join by merging two such orders. */
int cli_csv_index(const cli_csv *t, const char *path, int64_t **order, char msg[CLOUT_MSG_LEN]);
int cli_csv_unique(const cli_csv *t, const char *path, char msg[CLOUT_MSG_LEN]);
/* the line of column c's first cell that is not a finite number, or 1 (the header) when it is the
 * key column or has none */
int64_t cli_csv_bad_line(const cli_csv *t, int c);
/* index of a column by name, or -1 */
int cli_csv_col(const cli_csv *t, const char *name);

#endif
