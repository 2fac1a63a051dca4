/* terminal.c: what the program shows and hears on its terminal: the progress line the library
 * reports through its handler (stderr, only when it is a terminal and --quiet was not given), and
 * SIGINT/SIGTERM: the first asks the running library call to stop (it cleans up and the command
 * exits 130, or 143 for SIGTERM, with no output written); a second removes the temporary output
 * files and exits at once. SIGBUS (a mapped input truncated under us) exits 74 the same way. */
#include "cli.h"
#include <signal.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
    if (signalled) {
        clout_outfile_remove_temporaries();
        _exit(128 + sig);
    }
    signalled = sig;
}

/* An input mapped into memory and then truncated by someone else (log rotation, cp over a
 * snapshot) faults on the pages that are gone: a clear message and exit 74, no core, no
 * temporary file. */
static void on_bus_error(int sig)
{
    (void)sig;
    static const char m[] = "clout: an input file shrank while it was being read (truncated or replaced)\n";
    ssize_t w = write(STDERR_FILENO, m, sizeof m - 1);
    (void)w;
    clout_outfile_remove_temporaries();
    _exit(CLOUT_EXIT_IO);
}

static bool interrupted(void *ctx)
{
    (void)ctx;
    return signalled != 0;
}

int cli_signal(void)
{
    return (int)signalled;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_bus_error;
    sigaction(SIGBUS, &sa, NULL);
    clout_set_interruption_handler(interrupted, NULL);
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

/* The progress line. Three sources draw it, one at a time (a mutex): the library's reports
 * (draw), the command's own phases (cli_phase: loading, selecting, writing, ...), and a ticker
 * thread that, when nothing was drawn for a second, shows the innermost phase running for more
 * than a second with its elapsed time, so that no phase longer than a second is silent (a phase
 * the library announced without counting, the command's own steps). */
static pthread_mutex_t line_mu = PTHREAD_MUTEX_INITIALIZER;
typedef struct {
    char name[64];
    double start;
} phase_rec;
enum { MAX_NEST = 8, MAX_TIMED = 16 };
static phase_rec lib[MAX_NEST];  /* the library's phases in progress, innermost last */
static int nlib;
static phase_rec cmd;            /* the command's phase ("": none) */
static struct {
    char name[64];
    double secs;
} timed[MAX_TIMED];              /* the command's finished phases, a name's times added up */
static int ntimed;
static double last_draw;
static bool shown, drawing, ticker_started;
static char label[160];          /* what the command is doing, before the phase (cli_progress_label) */
static bool approx_hint;         /* the command could have estimated reach (cli_hint_approx) */

void cli_hint_approx(void)
{
    approx_hint = true;
}

static void clear_line(void)
{
    if (shown) fputs("\r\033[K", stderr);
    shown = false;
}

void cli_progress_label(const char *text)
{
    pthread_mutex_lock(&line_mu);
    snprintf(label, sizeof label, "%s", text ? text : "");
    pthread_mutex_unlock(&line_mu);
}

/* the library's report: an announcement (done 0 at second 0), a count, or the end (done < 0) */
static void draw(const char *phase, double done, double total, const char *unit, double seconds, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&line_mu);
    double now = clout_now();
    if (done == 0 && seconds == 0) {
        if (nlib < MAX_NEST) {
            snprintf(lib[nlib].name, sizeof lib[nlib].name, "%s", phase);
            lib[nlib++].start = now;
        }
    } else if (done < 0) {
        for (int i = nlib - 1; i >= 0; i--)
            if (strcmp(lib[i].name, phase) == 0) {
                nlib = i; /* it and anything it left open */
                break;
            }
        clear_line();
    } else if (drawing) {
        double rate = seconds > 0 ? done / seconds : 0;
        char d[16], r[16];
        human(d, sizeof d, done);
        human(r, sizeof r, rate);
        /* exact neighbourhoods that will take minutes, in a command that has --approx: say once
         * that HyperANF takes seconds */
        static bool hinted;
        if (approx_hint && !hinted && strcmp(phase, "reach") == 0 && total > 0 && done > 0 && seconds >= 5 && rate > 0 &&
            (total - done) / rate > 120) {
            hinted = true;
            fprintf(stderr, "\r\033[Kclout: exact reach needs about %.0f more minutes here; --approx estimates it "
                    "(HyperANF) in seconds\n", (total - done) / rate / 60);
        }
        if (total > 0 && done > 0)
            fprintf(stderr, "\r\033[K%s%s%s: %5.1f%% %s%s, %s%s/s, ETA %.0fs", label, *label ? ": " : "", phase,
                    100.0 * done / total, d, unit, r, unit, (total - done) / (rate > 0 ? rate : 1));
        else
            fprintf(stderr, "\r\033[K%s%s%s: %s%s, %s%s/s", label, *label ? ": " : "", phase, d, unit, r, unit);
        shown = true;
        last_draw = now;
    }
    pthread_mutex_unlock(&line_mu);
}

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec ts = {0, 250 * 1000 * 1000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&line_mu);
        double now = clout_now();
        /* the innermost phase that has run for a second (short inner phases repeat in a long one) */
        const phase_rec *p = cmd.name[0] && now - cmd.start >= 1.0 ? &cmd : NULL;
        for (int i = nlib - 1; i >= 0; i--)
            if (now - lib[i].start >= 1.0) {
                p = &lib[i];
                break;
            }
        if (drawing && p && now - last_draw >= 1.0) {
            fprintf(stderr, "\r\033[K%s%s%s: %.0fs", label, *label ? ": " : "", p->name, now - p->start);
            shown = true;
            last_draw = now;
        }
        pthread_mutex_unlock(&line_mu);
    }
    return NULL;
}

void cli_show_progress(bool on)
{
    on = on && isatty(STDERR_FILENO);
    pthread_mutex_lock(&line_mu);
    drawing = on;
    if (!on) clear_line();
    bool start = on && !ticker_started;
    if (start) ticker_started = true;
    pthread_mutex_unlock(&line_mu);
    clout_set_progress_handler(on ? draw : NULL, NULL);
    if (start) {
        pthread_t t;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &a, ticker, NULL) != 0) ticker_started = false; /* no ticker: reports still drawn */
        pthread_attr_destroy(&a);
    }
}

void cli_progress_clear(void)
{
    pthread_mutex_lock(&line_mu);
    clear_line();
    pthread_mutex_unlock(&line_mu);
}

void cli_progress_stop(void)
{
    pthread_mutex_lock(&line_mu);
    clear_line();
    drawing = false;
    pthread_mutex_unlock(&line_mu);
}

void cli_phase(const char *name)
{
    pthread_mutex_lock(&line_mu);
    double now = clout_now();
    if (cmd.name[0]) {
        int i = 0;
        while (i < ntimed && strcmp(timed[i].name, cmd.name) != 0) i++;
        if (i == ntimed && ntimed < MAX_TIMED) {
            memcpy(timed[i].name, cmd.name, sizeof cmd.name);
            timed[ntimed++].secs = 0;
        }
        if (i < ntimed) {
            timed[i].secs += now - cmd.start;
        }
        if (nlib == 0) clear_line();
    }
    snprintf(cmd.name, sizeof cmd.name, "%s", name ? name : "");
    cmd.start = now;
    pthread_mutex_unlock(&line_mu);
}

void cli_phase_timings(void)
{
    cli_phase(NULL);
    pthread_mutex_lock(&line_mu);
    clear_line();
    fputs("timings:", stderr);
    for (int i = 0; i < ntimed; i++) fprintf(stderr, "%s %s %.3f s", i ? "," : "", timed[i].name, timed[i].secs);
    fputc('\n', stderr);
    pthread_mutex_unlock(&line_mu);
}
