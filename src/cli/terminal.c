/* terminal.c: what the program shows and hears on its terminal: the progress line the library
 * reports through its handler (stderr, only when it is a terminal and --quiet was not given), and
 * SIGINT/SIGTERM: the first asks the running library call to stop (it cleans up and the command
 * exits 130, or 143 for SIGTERM, with no output written); a second removes the temporary output
 * files and exits at once. SIGBUS (a mapped input truncated under us) exits 74 the same way. */
#include "cli.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
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

/* what the command is doing, shown before the library's phase (cli_progress_label) */
static char label[160];

void cli_progress_label(const char *text)
{
    snprintf(label, sizeof label, "%s", text ? text : "");
}

/* one line, redrawn in place: [label: ] phase, share done, rate, time left */
static void draw(const char *phase, double done, double total, const char *unit, double seconds, void *ctx)
{
    (void)ctx;
    if (done < 0) {
        fputs("\r\033[K", stderr);
        return;
    }
    double rate = seconds > 0 ? done / seconds : 0;
    char d[16], r[16];
    human(d, sizeof d, done);
    human(r, sizeof r, rate);
    if (total > 0 && done > 0)
        fprintf(stderr, "\r\033[K%s%s%s: %5.1f%% %s%s, %s%s/s, ETA %.0fs", label, *label ? ": " : "", phase,
                100.0 * done / total, d, unit, r, unit, (total - done) / (rate > 0 ? rate : 1));
    else
        fprintf(stderr, "\r\033[K%s%s%s: %s%s, %s%s/s", label, *label ? ": " : "", phase, d, unit, r, unit);
}

void cli_show_progress(bool on)
{
    clout_set_progress_handler(on && isatty(STDERR_FILENO) ? draw : NULL, NULL);
}
