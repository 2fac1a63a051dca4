/* fuzz_logs.c: any bytes as an interaction log or a cascade file (first byte picks which and the
 * options): parse, build, free. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size == 0) return 0;
    char msg[CLOUT_MSG_LEN];
    clout_read_opts o;
    clout_read_opts_init(&o);
    o.skip_bad_lines = data[0] & 1;
    if (data[0] & 2) o.action_weights = "listen=1,like=2";
    if (data[0] & 4) o.date_cols = "year,month,day";
    static const char seps[] = {0, ',', '\t', ' '};
    o.sep = seps[(data[0] >> 3) & 3];
    clout_builder *b = NULL;
    clout_graph *G = NULL;
    if (clout_builder_new(&b, &o, msg) != 0) abort();
    int s = (data[0] & 0x80) ? clout_builder_add_cascades_mem(b, "fuzz", (const char *)data + 1, size - 1, &o, msg)
                             : clout_builder_add_log_mem(b, "fuzz", (const char *)data + 1, size - 1, &o, msg);
    if (s >= 0) {
        s = clout_builder_finish(&b, &G, msg);
        if (s >= 0 && clout_graph_check(G, msg) != 0) abort();
    }
    clout_graph_free(&G);
    clout_builder_free(&b);
    return 0;
}
