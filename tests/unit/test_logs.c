/* test_logs.c: interaction logs and cascades on hand-made inputs; times checked against libc's
 * timegm as an independent reference. */
#include "check.h"
#include <time.h>

/* internal time parser, tested directly */
bool clout_i_parse_time(const char *s, size_t len, double *out, const char **why);

static char msg[CLOUT_MSG_LEN];

typedef enum { LOG, CASCADES } kind;

static int parse(kind k, const char *name, const char *text, const clout_read_opts *o, clout_graph **G)
{
    clout_builder *b = NULL;
    *G = NULL;
    msg[0] = '\0';
    int s = clout_builder_new(&b, o, msg);
    if (s < 0) return s;
    s = k == LOG ? clout_builder_add_log_mem(b, name, text, strlen(text), o, msg)
                 : clout_builder_add_cascades_mem(b, name, text, strlen(text), o, msg);
    if (s < 0) {
        clout_builder_free(&b);
        return s;
    }
    char m2[CLOUT_MSG_LEN];
    int s2 = clout_builder_finish(&b, G, m2);
    if (s2 < 0) {
        clout_builder_free(&b);
        snprintf(msg, sizeof msg, "%s", m2);
        return s2;
    }
    return s;
}

static void expect_error(const char *text, const clout_read_opts *o, int status, const char *want)
{
    clout_graph *G = NULL;
    int s = parse(LOG, "log.csv", text, o, &G);
    CHECK(s == status, "log %.40s: status %d, expected %d (%s)", text, s, status, msg);
    CHECK(strstr(msg, want) != NULL, "log %.40s: message '%s' lacks '%s'", text, msg, want);
    clout_graph_free(&G);
}

static double R(const clout_graph *G, const char *u, const char *i)
{
    return check_RT(G, G->R, u, i);
}

static double T(const clout_graph *G, const char *u, const char *i)
{
    return check_RT(G, G->T, u, i);
}

static void times(void)
{
    double t;
    const char *why;
    /* 2009-04-01T00:00:00Z = 1238544000 (14335 days after 1970-01-01) */
    CHECK(clout_i_parse_time("2009-04-01", 10, &t, &why) && t == 1238544000.0, "date: %.0f", t);
    CHECK(clout_i_parse_time("2009-04-01T10:20:30Z", 20, &t, &why) && t == 1238544000.0 + 37230, "datetime: %.0f", t);
    CHECK(clout_i_parse_time("2009-04-01T10:20:30+02:00", 25, &t, &why) && t == 1238544000.0 + 37230 - 7200,
          "offset: %.0f", t);
    CHECK(clout_i_parse_time("2009-04-01 10:20:30.5", 21, &t, &why) && t == 1238544000.0 + 37230.5, "fraction: %.1f", t);
    CHECK(clout_i_parse_time("1238544000", 10, &t, &why) && t == 1238544000.0, "epoch");
    CHECK(clout_i_parse_time("780860.25", 9, &t, &why) && t == 780860.25, "fractional epoch");
    CHECK(!clout_i_parse_time("2009-02-29", 10, &t, &why), "2009 is not a leap year");
    CHECK(clout_i_parse_time("2008-02-29", 10, &t, &why), "2008 is a leap year");
    CHECK(!clout_i_parse_time("2009-13-01", 10, &t, &why), "month 13");
    CHECK(!clout_i_parse_time("yesterday", 9, &t, &why), "words");
    CHECK(!clout_i_parse_time("1e999", 5, &t, &why), "overflow");
    /* 2000 dates from 1900 to 2100 against timegm */
    int bad = 0;
    for (int k = 0; k < 2000; k++) {
        int y = 1900 + (int)clout_rng_bounded(1, 0, (uint64_t)k, 200), mo = 1 + (int)clout_rng_bounded(1, 1, (uint64_t)k, 12),
            d = 1 + (int)clout_rng_bounded(1, 2, (uint64_t)k, 28), hh = (int)clout_rng_bounded(1, 3, (uint64_t)k, 24),
            mi = (int)clout_rng_bounded(1, 4, (uint64_t)k, 60), ss = (int)clout_rng_bounded(1, 5, (uint64_t)k, 60);
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, hh, mi, ss);
        struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mi, .tm_sec = ss};
        double want = (double)timegm(&tm);
        if (!clout_i_parse_time(buf, (size_t)n, &t, &why) || t != want) bad++;
    }
    CHECK(bad == 0, "%d of 2000 date-times disagree with timegm", bad);
}

static void logs(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_graph *G = NULL;
    /* comma log with quotes; repeated (user, item): weights summed, earliest time kept */
    const char *csv = "user,item,action,time,weight\n"
                      "alice,\"song, one\",listen,2020-01-02,1\n"
                      "bob,song2,like,100,2\n"
                      "alice,\"song, one\",share,2020-01-01,0.5\n"
                      "\"ca\"\"rol\",song2,listen,,3\n";
    o.action_weights = "listen=1,like=2,share=4";
    CHECK(parse(LOG, "log.csv", csv, &o, &G) == 0, "%s", msg);
    CHECK(clout_graph_users(G) == 3 && clout_graph_items(G) == 2 && clout_graph_interactions(G) == 3, "counts");
    /* alice/"song, one": 1*1 + 4*0.5 = 3; time min(2020-01-02, 2020-01-01) = 1577836800 */
    CHECK(R(G, "alice", "song, one") == 3.0, "alice weight %g", R(G, "alice", "song, one"));
    CHECK(T(G, "alice", "song, one") == 1577836800.0, "alice time %.0f", T(G, "alice", "song, one"));
    CHECK(R(G, "bob", "song2") == 4.0 && T(G, "bob", "song2") == 100.0, "bob: like=2 x weight 2 at time 100");
    CHECK(R(G, "ca\"rol", "song2") == 3.0 && isnan(T(G, "ca\"rol", "song2")), "carol: no time");
    CHECK(G->action_weights && strcmp(G->action_weights, "listen=1,like=2,share=4") == 0, "action weights kept");
    clout_graph_free(&G);

    /* tab log, renamed columns, date from three columns, item prefix */
    clout_read_opts_init(&o);
    o.user_col = "userID";
    o.item_col = "artistID";
    o.date_cols = "year,month,day";
    o.item_prefix = "a:";
    const char *tsv = "userID\tartistID\ttagID\tday\tmonth\tyear\n2\t52\t13\t1\t4\t2009\n2\t52\t15\t1\t3\t2009\n3\t7\t1\t29\t2\t2008\n";
    CHECK(parse(LOG, "tags.dat", tsv, &o, &G) == 0, "%s", msg);
    CHECK(R(G, "2", "a:52") == 2.0 && T(G, "2", "a:52") == 1235865600.0, "tag log: %g %.0f", R(G, "2", "a:52"),
          T(G, "2", "a:52"));
    CHECK(T(G, "3", "a:7") == 1204243200.0, "leap day %.0f", T(G, "3", "a:7"));
    clout_graph_free(&G);

    /* whitespace-separated log, detected */
    clout_read_opts_init(&o);
    CHECK(parse(LOG, "ws.txt", "user item weight\nu1   i1  2\nu2 i1 1.5\n", &o, &G) == 0, "%s", msg);
    CHECK(R(G, "u2", "i1") == 1.5, "whitespace log");
    clout_graph_free(&G);

    /* errors, each with file:line */
    clout_read_opts_init(&o);
    expect_error("", &o, CLOUT_ERR_DATA, "log.csv:1: expected a header row");
    expect_error("user,item\n", &o, CLOUT_ERR_DATA, "no interactions found");
    expect_error("who,what\na,b\n", &o, CLOUT_ERR_DATA, "log.csv:1: no user column 'user' in the header (columns: who, what");
    expect_error("user,item\na,b\nc\n", &o, CLOUT_ERR_DATA, "log.csv:3: expected 2 fields as in the header, found 1");
    expect_error("user,item,weight\na,b,nan\n", &o, CLOUT_ERR_DATA, "log.csv:2: weight must be a finite number");
    expect_error("user,item,weight\na,b,-2\n", &o, CLOUT_ERR_DATA, "log.csv:2: weight must not be negative");
    expect_error("user,item,time\na,b,2020-02-30\n", &o, CLOUT_ERR_DATA, "log.csv:2: date out of range");
    expect_error("user,item,time\na,b,soon\n", &o, CLOUT_ERR_DATA, "log.csv:2: time is not a number nor an ISO-8601 date");
    expect_error("user,item\n\"a,b\n", &o, CLOUT_ERR_DATA, "log.csv:2: unterminated quoted field");
    expect_error("user,item\n,b\n", &o, CLOUT_ERR_DATA, "log.csv:2: empty user id");
    expect_error("user,item\na,b\x01\n", &o, CLOUT_ERR_DATA, "log.csv:2: unexpected control byte");
    o.action_weights = "listen=1";
    expect_error("user,item,action\na,b,listen\na,c,buy\n", &o, CLOUT_ERR_DATA,
                 "log.csv:3: action 'buy' has no weight in the action weights");
    o.has_default_action_weight = true;
    o.default_action_weight = 0.5;
    CHECK(parse(LOG, "log.csv", "user,item,action\na,b,listen\na,c,buy\n", &o, &G) == 0, "%s", msg);
    CHECK(R(G, "a", "c") == 0.5, "default action weight");
    clout_graph_free(&G);
    o.action_weights = "listen=1,,x";
    expect_error("user,item,action\na,b,listen\n", &o, CLOUT_ERR_INVALID, "action weights: expected action=weight pairs");
}

static void cascades(void)
{
    clout_read_opts o;
    clout_read_opts_init(&o);
    clout_graph *G = NULL;
    /* two cascades; user 5 activates twice in the second, the earliest time counts */
    const char *c = "1 2 10.0 3 20.5 \n\n4 5 7 1 8 5 9\n";
    CHECK(parse(CASCADES, "dir/train.txt", c, &o, &G) == 0, "%s", msg);
    CHECK(clout_graph_items(G) == 2 && clout_graph_users(G) == 5, "items %lld users %lld",
          (long long)clout_graph_items(G), (long long)clout_graph_users(G));
    CHECK(T(G, "1", "train:0") == 0.0 && T(G, "3", "train:0") == 20.5, "cascade 0 times");
    CHECK(T(G, "4", "train:1") == 0.0 && T(G, "5", "train:1") == 7.0 && R(G, "5", "train:1") == 2.0,
          "repeated activation: time %g weight %g", T(G, "5", "train:1"), R(G, "5", "train:1"));
    CHECK(clout_graph_interactions(G) == 6, "activations %lld", (long long)clout_graph_interactions(G));
    clout_graph_free(&G);
    o.item_prefix = "c";
    CHECK(parse(CASCADES, "x.txt", "1 2 3\n", &o, &G) == 0 && clout_idmap_find(G->items, "c0", 2) == 0,
          "explicit prefix");
    clout_graph_free(&G);
    clout_read_opts_init(&o);
    int s = parse(CASCADES, "x.txt", "1 2 3\n1 2\n", &o, &G);
    CHECK(s == CLOUT_ERR_DATA && strstr(msg, "x.txt:2: user '2' has no activation time"), "%d %s", s, msg);
    clout_graph_free(&G);
    s = parse(CASCADES, "x.txt", "1 2 abc\n", &o, &G);
    CHECK(s == CLOUT_ERR_DATA && strstr(msg, "x.txt:1: time is not a number"), "%d %s", s, msg);
    clout_graph_free(&G);
    /* a skipped line leaves nothing behind: its seed 'ghost' and user 'gone' never appear */
    o.skip_bad_lines = true;
    s = parse(CASCADES, "x.txt", "1 2 3\nghost gone 5 2\n4 1 2\n", &o, &G);
    CHECK(s == CLOUT_WARN_SKIPPED_LINES && G && clout_graph_users(G) == 3 && clout_graph_items(G) == 2 &&
              clout_idmap_find(G->users, "ghost", 5) < 0 && clout_idmap_find(G->items, "x:1", 3) >= 0,
          "%d %s: users %lld items %lld", s, msg, G ? (long long)clout_graph_users(G) : -1LL,
          G ? (long long)clout_graph_items(G) : -1LL);
    clout_graph_free(&G);
    o.skip_bad_lines = false;
    s = parse(CASCADES, "x.txt", "", &o, &G);
    CHECK(s == CLOUT_ERR_DATA && strstr(msg, "no cascades found"), "%d %s", s, msg);
    clout_graph_free(&G);
}

int main(void)
{
    check_init();
    times();
    logs();
    cascades();
    return check_done("test_logs");
}
