/* main.c: the clout program: the list of commands, usage, and dispatch to one command per file (each
 * keeps its own help text). */
#include "cli.h"
#include "dist.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMMON_HELP                                                                       \
    "Common options:\n"                                                                   \
    "  -o, --output FILE    write the result to FILE (atomically: a temporary file is\n"  \
    "                       renamed at the end); default: standard output\n"              \
    "  --format F           csv (default), json or msgpack\n"                             \
    "  --threads N          threads for OpenMP, GraphBLAS and OpenBLAS together\n"        \
    "  -q, --quiet          no progress on stderr (shown only when stderr is a terminal)\n" \
    "  --max-memory SIZE    refuse work estimated above SIZE (512M, 8G; default 80% of RAM)\n" \
    "  -h, --help           this text\n"                                                  \
    "Commands that read ties (metrics, simulate, im, compare, score, keyusers, pairwise):\n" \
    "  --graph G            social (S; the default when the snapshot has ties), behaviour\n" \
    "                       (B: who acted after whom; built with the defaults when the\n"   \
    "                       snapshot holds none) or both (S + B); see clout help behaviour\n" \
    "  --min-weight W       behaviour rows (R entries) below W are no behaviour this run\n"  \
    "\n"                                                                                  \
    "Reproducibility: every random choice comes from a counter-based generator keyed by\n" \
    "(seed, item index), so results are identical for any --threads.\n"                   \
    "Exit codes: 0 ok, 2 usage, 65 bad data, 66 missing input, 70 internal, 74 I/O.\n"

static const cli_command *const commands[] = {&cli_cmd_ingest, &cli_cmd_info,     &cli_cmd_export,
                                               &cli_cmd_metrics, &cli_cmd_reach,    &cli_cmd_simulate,
                                               &cli_cmd_im,      &cli_cmd_compare,  &cli_cmd_behaviour,
                                               &cli_cmd_score,   &cli_cmd_keyusers, &cli_cmd_pairwise,
                                               &cli_cmd_evaluate, &cli_cmd_report,
                                               &cli_cmd_gcn,     &cli_cmd_lightgcn, &cli_cmd_recommend,
                                               &cli_cmd_generate};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_help(const cli_command *c)
{
    printf("clout %s: %s\n\n%s\n%s", c->name, c->summary, c->help, COMMON_HELP);
}

static void print_usage(FILE *f)
{
    fprintf(f, "clout %s: graph analytics for social influence\n\n"
               "Usage: clout COMMAND [options]\n\nCommands:\n", CLOUT_VERSION_STRING);
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "  %-10s %s\n  %-10s %s\n\n", "help CMD", "the options of a command", "--version", "version");
    fputs(COMMON_HELP, f);
}

/* Two settings that must be in the environment before the process starts, so the program
 * sets them and runs itself again (once; any value the caller set is kept):
 * - OMP_WAIT_POLICY=PASSIVE: OpenMP's default spin-wait makes 2-thread runs 10-20x slower while
 *   another process holds a core; libgomp reads the variable when it is loaded, before main.
 * - GLIBC_TUNABLES=glibc.malloc.hugetlb=1: large arrays on transparent huge pages; first-touch
 *   page faults otherwise dominate ingesting and loading big graphs. */
static void set_runtime_env(char **argv)
{
    if (getenv("CLOUT_ENV_SET") != NULL) return;
    setenv("CLOUT_ENV_SET", "1", 1);
    bool again = false;
    if (getenv("OMP_WAIT_POLICY") == NULL) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        again = true;
    }
    if (getenv("GLIBC_TUNABLES") == NULL) {
        setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1);
        again = true;
    }
    if (again) execv("/proc/self/exe", argv);
}

int main(int argc, char **argv)
{
    char msg[CLOUT_MSG_LEN] = "";
    set_runtime_env(argv);
    /* large blocks always come from (and go back to) the kernel: glibc's default raises the
     * threshold after each large free, so freed RR sets and workspaces would stay resident */
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    if (argc < 2) {
        print_usage(stderr);
        return CLOUT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("clout %s\n", CLOUT_VERSION_STRING);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return 0;
        }
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (strcmp(commands[i]->name, argv[2]) == 0) {
                print_help(commands[i]);
                return 0;
            }
        fprintf(stderr, "clout: no command '%s' (try 'clout --help')\n", argv[2]);
        return CLOUT_EXIT_USAGE;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i]->name, cmd) != 0) continue;
        int s = clout_init(msg);
        if (s != 0) cli_report(s, msg); /* a warning is printed and the command runs */
        if (s < 0) return cli_exit_code(s);
        cli_catch_signals();
        cli_dist_init(&argc, &argv);
        cli_usage_quiet = cli_dist_rank() != 0;
        /* under mpirun, the commands that split their work over the ranks run on every rank; any
         * other runs on rank 0 alone (the others wait), so one process writes its output */
        bool spread = strcmp(cmd, "simulate") == 0 || strcmp(cmd, "im") == 0 || strcmp(cmd, "compare") == 0 ||
                      strcmp(cmd, "metrics") == 0;
        if (cli_dist_size() > 1 && !spread && cli_dist_rank() != 0) {
            cli_dist_finalize();
            clout_finalize();
            return 0;
        }
        int code = commands[i]->run(argc - 2, argv + 2);
        cli_progress_stop();
        cli_dist_finalize();
        clout_finalize();
        if (code == CLI_EXIT_HELP) print_help(commands[i]);
        return code == CLI_EXIT_HELP ? 0 : code;
    }
    fprintf(stderr, "clout: no command '%s' (try 'clout --help')\n", cmd);
    return CLOUT_EXIT_USAGE;
}
