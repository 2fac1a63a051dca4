/* main.c: the clout program: dispatch to one command per file, help texts. */
#include "cli.h"
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
    "  -h, --help           this text\n"                                                  \
    "\n"                                                                                  \
    "Reproducibility: every random choice comes from a counter-based generator keyed by\n" \
    "(seed, item index), so results are identical for any --threads.\n"                   \
    "Exit codes: 0 ok, 2 usage, 65 bad data, 66 missing input, 70 internal, 74 I/O.\n"

typedef struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
    const char *help;
} command;

static const command commands[] = {
    {"ingest", cmd_ingest, "read edge lists, interaction logs and cascades into a .clout snapshot",
     "Usage: clout ingest [options] INPUTS... -o G.clout\n"
     "\n"
     "Inputs (any number, read in the order given; .gz files are read directly):\n"
     "  --edges FILE         social ties, one per line: src dst [weight], separated by spaces,\n"
     "                       tabs or commas; lines starting with # or % are comments\n"
     "  --interactions FILE  a delimited log whose first row names its columns\n"
     "  --cascades FILE      one cascade per line: seed u1 t1 u2 t2 ... (the seed at time 0);\n"
     "                       cascade k becomes item PREFIXk\n"
     "\n"
     "Social graph:\n"
     "  --undirected         store both directions of every tie\n"
     "  --dedupe RULE        repeated ties: sum (default), max or first\n"
     "  --header             edge lists: skip the first line\n"
     "Options that describe the input files that FOLLOW them on the command line:\n"
     "  --sep C              log separator: tab, comma, space (runs of blanks) or one character;\n"
     "                       default: detected from the header (tab, else comma, else blanks)\n"
     "  --user-col NAME      (default user)    --item-col NAME (default item)\n"
     "  --action-col NAME    (default action)  --weight-col NAME (default weight)\n"
     "  --time-col NAME      (default time): epoch seconds (integer or fractional) or ISO-8601\n"
     "                       YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+HH:MM]; an empty cell means no time\n"
     "  --date-cols Y,M,D    time assembled from three integer columns (midnight UTC)\n"
     "  --action-weights L   e.g. listen=1,like=2,share=4: weight of each action; an action\n"
     "                       not listed is an error unless --default-action-weight W is given\n"
     "  --item-prefix P      prepended to item ids (default: none for logs, the file name\n"
     "                       up to its first dot plus ':' for cascades)\n"
     "Row weight = action weight x weight column (each 1 when absent). Repeated (user, item)\n"
     "rows are combined: weights summed, time = the earliest.\n"
     "\n"
     "Bad input:\n"
     "  --skip-bad-lines     skip malformed lines with one warning and a count (default: stop\n"
     "                       at the first with FILE:LINE: what was expected, exit 65)\n"
     "  --timings            print the time of each phase on stderr\n"
     "\n"
     "Example:\n"
     "  clout ingest --undirected --dedupe max --header --edges datasets/lastfm/user_friends.dat \\\n"
     "      --user-col userID --item-col artistID --interactions datasets/lastfm/user_artists.dat.gz \\\n"
     "      -o lastfm.clout\n"},
    {"info", cmd_info, "counts and metadata of a snapshot",
     "Usage: clout info G.clout [--format csv|json|msgpack] [--timings]\n"
     "\n"
     "One record: users, items, social_edges (entries of S; an undirected tie counts twice),\n"
     "interactions (distinct user-item pairs), timed_interactions, directed, weighted,\n"
     "time_min, time_max, self_loops_dropped, bad_lines_skipped, action_weights, sources.\n"
     "  --timings            print the time taken to load the snapshot on stderr\n"
     "\n"
     "Example:\n"
     "  clout info lastfm.clout --format json\n"},
    {"export", cmd_export, "write a snapshot's ties or interactions as a table",
     "Usage: clout export G.clout --what social|interactions [-o FILE]\n"
     "\n"
     "  --what social        columns src,dst,weight; an undirected graph writes each tie once\n"
     "  --what interactions  columns user,item,weight,time (time empty when unknown)\n"
     "Numbers are written with the fewest digits that read back exactly, so ingesting the CSV\n"
     "again (with --header, and --undirected for an undirected graph) gives the same graph.\n"
     "\n"
     "Example:\n"
     "  clout export lastfm.clout --what social -o friends.csv\n"},
    {"metrics", cmd_metrics, "key-user metrics: degrees, PageRank, k-core, reach, depth, conversion",
     "Usage: clout metrics G.clout [--hops D] [--only COLS] [-o metrics.csv]\n"
     "\n"
     "One row per user (column user: the input's id) with the columns:\n"
     "  out_degree, in_degree, w_out_degree   ties out of / into the user; summed out-weight\n"
     "  pagerank             on S, weighted, dangling users jump to the teleport distribution;\n"
     "                       --damping D (0.85), --tol T (L1 change, 1e-10),\n"
     "                       --personalize FILE (lines: user [weight]) for personalized PageRank\n"
     "  core                 k-core number of the undirected view of S\n"
     "  betweenness          shortest paths by hops through u (igraph); with\n"
     "                       --betweenness-samples N estimated from N sampled sources (--seed S)\n"
     "  clustering           local clustering coefficient of the undirected view (triangles\n"
     "                       by the forward algorithm, OpenMP)\n"
     "  ic_range, ic_range_se  expected number of users a cascade from u alone activates (u\n"
     "                       included) under --model ic (default) or lt, for all users at once from\n"
     "                       --rr-sets N reverse-reachable sets (default 200000), with its\n"
     "                       standard error; --prob wc|const:P|trivalency|weight|learned\n"
     "                       (default wc; learned uses --window and --prob-smoothing a,b)\n"
     "  ic_depth             expected rounds of u's cascade, for all users at once from --sims N\n"
     "                       sampled live-edge graphs (default 200); --seed S for both\n"
     "  reach_1..reach_D     users other than u within d hops along S (D = --hops, default 3),\n"
     "                       exact, by multi-source BFS in GraphBLAS\n"
     "  depth, mean_hops     the largest hop at which u still reaches a new user (0 without\n"
     "                       out-ties) and the mean distance to the users it reaches, both\n"
     "                       within --max-depth M hops (default 32)\n"
     "  --approx             reach, depth and mean_hops from HyperANF counters of 2^B registers\n"
     "                       (--approx-registers B, default 7): relative standard error\n"
     "                       1.04/sqrt(2^B), 9.2% by default; for graphs where exact\n"
     "                       neighbourhoods are too large\n"
     "  adoptions            items u interacted with\n"
     "  exposures            over u's timed adoptions: out-neighbours that had not adopted the\n"
     "                       item before u\n"
     "  conversions          exposed out-neighbours that adopted the item after u, within\n"
     "                       --window SECONDS (default: no limit)\n"
     "  conversion_rate      conversions / exposures (0 without exposures)\n"
     "--only COLS computes only the named columns (comma-separated).\n"
     "\n"
     "Example:\n"
     "  clout metrics lastfm.clout --hops 2 --only pagerank,reach_2,conversion_rate -o metrics.csv\n"
     "  clout metrics wiki.clout --only ic_range,ic_depth --model lt --prob wc\n"},
    {"reach", cmd_reach, "users reached per hop from given users (multi-source BFS)",
     "Usage: clout reach G.clout --from USERS [--hops D]\n"
     "\n"
     "  --from USERS         comma-separated user ids, or @FILE as for clout simulate --seeds\n"
     "  --hops D             hops to follow along S's edge direction (default 3)\n"
     "Rows user,hop,new,reached: users first reached at that hop, and all reached within it\n"
     "(the user itself not counted).\n"
     "  --list               instead, one row per reached user: user,hop,reached_user\n"
     "\n"
     "Example:\n"
     "  clout reach lastfm.clout --from 2,275 --hops 3\n"},
    {"simulate", cmd_simulate, "Monte Carlo spread of a seed set under IC or LT",
     "Usage: clout simulate G.clout --seeds FILE [--model ic|lt] [--prob P] [--sims N] [--seed S]\n"
     "\n"
     "  --seeds FILE         one user id per line, or a CSV with a column user\n"
     "  --model ic|lt        Independent Cascade (default) or Linear Threshold (weights b(u,v) =\n"
     "                       the probabilities, rescaled so each user's in-weights sum to <= 1;\n"
     "                       thresholds uniform in [0, 1))\n"
     "  --prob P             wc (default), const:P, trivalency, weight or learned (from T: the\n"
     "                       share of u's adoptions that v followed, within --window SECONDS;\n"
     "                       --prob-smoothing a,b adds a Beta(a, b) prior)\n"
     "  --sims N             simulations (default 10000), OpenMP over simulations\n"
     "  --histogram FILE     also write the distribution of cascade sizes: size,count,share\n"
     "One record: spread (mean active users, seeds included), stderr, ci95_low, ci95_high,\n"
     "depth (mean rounds until no new activation), seeds, sims, model, prob.\n"
     "\n"
     "Example:\n"
     "  clout simulate wiki.clout --seeds seeds.txt --model ic --prob wc --sims 10000 --format json\n"},
    {"im", cmd_im, "influence maximization under IC or LT: IMM, OPIM-C and baselines",
     "Usage: clout im G.clout -k K [--algo imm|opim-c|celf|degree|degree-discount|pagerank]\n"
     "                 [--model ic|lt] [--prob P]\n"
     "                 [--epsilon E] [--delta D] [--seed S] [--estimate-rse R]\n"
     "\n"
     "  --algo imm           (default) IMM (Tang, Shi, Xiao 2015) with the final selection on fresh\n"
     "                       RR sets (W. Chen 2018): spread >= (1 - 1/e - E) OPT with probability\n"
     "                       >= 1 - D; --epsilon E (0.1), --delta D (default 1/n)\n"
     "  --algo opim-c        OPIM-C (Tang et al. 2018): stops as soon as its online bound\n"
     "                       certifies (1 - 1/e - E) OPT with probability 1 - D; the ratio it\n"
     "                       certified is reported as guarantee\n"
     "  --algo celf          lazy greedy on Monte Carlo spread (--sims N per evaluation,\n"
     "                       default 1000); for small graphs and as a check\n"
     "  --algo pagerank      the K users with the highest PageRank on the reversed graph\n"
     "  --algo degree        the K users with the most out-ties\n"
     "  --algo degree-discount  Chen, Wang, Yang (KDD 2009), p = the mean tie probability\n"
     "  --model ic|lt        Independent Cascade (default) or Linear Threshold (weights: the\n"
     "                       probabilities rescaled so each user's in-weights sum to at most 1)\n"
     "  --prob P             wc (default), const:P, trivalency, weight or learned\n"
     "                       (--window SECONDS, --prob-smoothing a,b: see clout help simulate)\n"
     "  --estimate-rse R     imm's spread estimate comes from RR sets independent of the\n"
     "                       selection, enough for a relative standard error of about R\n"
     "                       (default 0.005; 0: only the bound phase's sets)\n"
     "Table rank,user,gain,spread (the running spread estimate after each seed; empty for the\n"
     "baselines). With --format json or msgpack: an object with algo, k, model, seconds,\n"
     "rr_sets, estimate_rr_sets, guarantee, delta and the table under seeds.\n"
     "RR sets are sampled the SUBSIM way (geometric skips) where a user's in-ties share one\n"
     "probability, 16 at a time per thread.\n"
     "\n"
     "Example:\n"
     "  clout im wiki.clout -k 50 --algo imm --epsilon 0.1 -o seeds.csv\n"},
    {"compare", cmd_compare, "IM algorithms side by side: spread against k, one evaluator",
     "Usage: clout compare G.clout [--algos A,B,...] [-k 1,5,10,25,50] [--sims N] [--plot FILE.svg]\n"
     "\n"
     "  --algos LIST         from imm, opim-c, celf, degree, degree-discount, pagerank\n"
     "                       (default imm,opim-c,degree-discount,pagerank,degree)\n"
     "  -k LIST              seed-set sizes (default 1,5,10,25,50)\n"
     "  --sims N             Monte Carlo runs of the common evaluator (default 10000): every seed\n"
     "                       set is scored on the same simulations\n"
     "  --model, --prob, --epsilon, --seed   as for clout im\n"
     "  --plot FILE.svg      a standalone SVG of spread against k, one line per algorithm\n"
     "Table algo,k,spread,stderr,seconds (seconds: the algorithm's time to pick k seeds).\n"
     "\n"
     "Example:\n"
     "  clout compare wiki.clout -k 1,5,10,25,50 --sims 10000 --plot spread.svg\n"},
    {"generate", cmd_generate, "synthetic graphs: R-MAT, Barabasi-Albert, Erdos-Renyi",
     "Usage: clout generate rmat|ba|er [options] [-o FILE]\n"
     "\n"
     "  rmat: --scale S (2^S users) --edges M (draws) --a A --b B --c C (default .57 .19 .19);\n"
     "        duplicates and self-loops removed, so fewer than M edges remain\n"
     "  ba:   --nodes N --m M [--directed]: Barabasi-Albert, M edges per new node (igraph)\n"
     "  er:   --nodes N --edges M [--directed]: uniform random graph G(n, m) (igraph)\n"
     "  --seed S             (default 1) the same seed gives the same graph\n"
     "  --undirected-store   with -o G.clout, store ties in both directions\n"
     "With -o FILE.clout a snapshot is written (users named 0..n-1); otherwise the edge list\n"
     "as a table src,dst.\n"
     "\n"
     "Example:\n"
     "  clout generate rmat --scale 20 --edges 16777216 --seed 1 -o rmat20.clout\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

void cli_print_help(const char *cmd)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0) {
            printf("clout %s: %s\n\n%s\n%s", cmd, commands[i].summary, commands[i].help, COMMON_HELP);
            return;
        }
}

static void print_usage(FILE *f)
{
    fprintf(f, "clout %s: graph analytics for social influence\n\n"
               "Usage: clout COMMAND [options]\n\nCommands:\n", CLOUT_VERSION_STRING);
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
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
            if (strcmp(commands[i].name, argv[2]) == 0) {
                cli_print_help(argv[2]);
                return 0;
            }
        fprintf(stderr, "clout: no command '%s' (try 'clout --help')\n", argv[2]);
        return CLOUT_EXIT_USAGE;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].name, cmd) != 0) continue;
        int s = clout_init(msg);
        if (s < 0) return cli_report(s, msg);
        int code = commands[i].run(argc - 2, argv + 2);
        clout_finalize();
        return code;
    }
    fprintf(stderr, "clout: no command '%s' (try 'clout --help')\n", cmd);
    return CLOUT_EXIT_USAGE;
}
