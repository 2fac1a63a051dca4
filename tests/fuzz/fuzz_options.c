/* fuzz_options.c: any bytes as a command line (NUL-separated arguments) for the program's option
 * loop (src/cli/opts.c), over a table with every kind of option, the common ones and the
 * diffusion ones. Asserts that it returns 0, a usage error or the help code, that every value it
 * accepted lies in its declared range or list, and that it never reads past its arguments. */
#include "fuzz_common.h"
#include "cli.h"
#include <math.h>
#include <stdio.h>

static int handler(void *ctx, int id, const char *val)
{
    int *events = ctx;
    if (id == 0 && val == NULL) abort(); /* a positional argument always has its text */
    (*events)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size > 4096) return 0;
    /* arguments: the NUL-separated pieces of a NUL-terminated copy */
    char *text = malloc(size + 1), *argv[64];
    if (text == NULL) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int argc = 0;
    for (size_t at = 0; at <= size && argc < 64; at += strlen(text + at) + 1) argv[argc++] = text + at;
    bool flag = false;
    const char *word = NULL, *choice = NULL, *snapshot = NULL;
    int64_t whole = -7;
    double real = -7, open_real = -7;
    int events = 0;
    cli_common c = {0};
    cli_diffusion d;
    const cli_opt opts[] = {CLI_OPT_FLAG("flag", &flag),
                            CLI_OPT_TEXT("word", &word),
                            {"k", 'k', CLI_INT, &whole, 1, 1000, 0, NULL, 0},
                            CLI_OPT_REAL("real", &real, 0, 1, 0),
                            CLI_OPT_REAL("open", &open_real, 0, 1, CLI_OPEN_LO | CLI_OPEN_HI),
                            CLI_OPT_CHOICE("pick", &choice, "ic|lt|both"),
                            CLI_OPT_EVENT("event", 1, 7),
                            CLI_END};
    int code = cli_parse("fuzz", argc, argv, opts, &c, (data[0] & 1) ? &d : NULL, (data[0] & 2) ? &snapshot : NULL,
                         handler, &events);
    if (code != 0 && code != CLOUT_EXIT_USAGE && code != CLI_EXIT_HELP) abort();
    if (code == 0) {
        if (whole != -7 && (whole < 1 || whole > 1000)) abort();
        if (real != -7 && !(real >= 0 && real <= 1)) abort();
        if (open_real != -7 && !(open_real > 0 && open_real < 1)) abort();
        if (choice && strcmp(choice, "ic") && strcmp(choice, "lt") && strcmp(choice, "both")) abort();
        if (c.threads < 0 || c.threads > 4096) abort();
        if ((data[0] & 1) && (!d.prob || d.window < 0 || d.a < 0 || d.b < 0)) abort();
    }
    char msg[CLOUT_MSG_LEN];
    clout_set_threads(2, msg);
    clout_set_memory_limit(0);
    free(text);
    return 0;
}
