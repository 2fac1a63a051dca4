/* values.c: parsing of field values shared by the readers: integers and times. */
#include "io_internal.h"
#include <math.h>

bool clout_i_parse_int(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len || len - i > 18) return false;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

int clout_i_days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* days since 1970-01-01 of a proleptic Gregorian date (era-based civil-to-days formula) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

double clout_i_epoch(int64_t y, int m, int d, int hh, int mm, double ss)
{
    return (double)days_from_civil(y, m, d) * 86400.0 + hh * 3600.0 + mm * 60.0 + ss;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_iso(const char *s, size_t len, double *out, const char **why)
{
    int y, mo, d, hh = 0, mi = 0;
    double ss = 0, off = 0;
    *why = "time is not a number nor an ISO-8601 date (YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+HH:MM])";
    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > clout_i_days_in_month(y, mo)) {
        *why = "date out of range (month 1-12, day within the month)";
        return false;
    }
    size_t i = 10;
    if (i < len && (s[i] == 'T' || s[i] == ' ')) {
        i++;
        if (len - i < 5 || !digits(s + i, 2, &hh) || s[i + 2] != ':' || !digits(s + i + 3, 2, &mi))
            return false;
        i += 5;
        if (i < len && s[i] == ':') {
            int sec;
            if (len - i < 3 || !digits(s + i + 1, 2, &sec)) return false;
            ss = sec;
            i += 3;
            if (i < len && (s[i] == '.' || s[i] == ',')) {
                double scale = 0.1;
                i++;
                size_t st = i;
                while (i < len && s[i] >= '0' && s[i] <= '9') {
                    ss += scale * (s[i] - '0');
                    scale *= 0.1;
                    i++;
                }
                if (i == st) return false;
            }
        }
        if (hh > 23 || mi > 59 || ss >= 61) {
            *why = "time of day out of range";
            return false;
        }
        if (i < len && s[i] == 'Z') {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int oh, om = 0;
            int sign = s[i] == '-' ? -1 : 1;
            i++;
            if (len - i < 2 || !digits(s + i, 2, &oh)) return false;
            i += 2;
            if (i < len && s[i] == ':') i++;
            if (len - i >= 2 && digits(s + i, 2, &om)) i += 2;
            if (oh > 23 || om > 59) {
                *why = "time zone offset out of range";
                return false;
            }
            off = sign * (oh * 3600.0 + om * 60.0);
        }
    }
    if (i != len) return false;
    *out = clout_i_epoch(y, mo, d, hh, mi, ss) - off;
    return true;
}

bool clout_i_parse_time(const char *s, size_t len, double *out, const char **why)
{
    if (len == 0) {
        *why = "empty time";
        return false;
    }
    if (len >= 10 && s[4] == '-') return parse_iso(s, len, out, why);
    char buf[64];
    *why = "time is not a number nor an ISO-8601 date (YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+HH:MM])";
    if (len >= sizeof buf) return false;
    for (size_t k = 0; k < len; k++)
        if (!strchr("0123456789.eE+-", s[k])) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *endp;
    double v = strtod(buf, &endp);
    if (endp != buf + len) return false;
    if (!isfinite(v)) {
        *why = "time overflows";
        return false;
    }
    /* epoch milliseconds (or microseconds) read as seconds would land after the year 5000 */
    if (fabs(v) >= 1e11) {
        *why = "time is beyond the year 5000 as epoch seconds: milliseconds? (times are seconds since 1970)";
        return false;
    }
    *out = v;
    return true;
}

int clout_parse_time(const char *s, double *t, char msg[CLOUT_MSG_LEN])
{
    const char *why = NULL;
    size_t len = s ? strlen(s) : 0;
    if (s == NULL || !clout_i_parse_time(s, len, t, &why)) {
        clout_i_setmsg(msg, "%s, found '%.40s'", why ? why : "expected a time", s ? s : "");
        return CLOUT_ERR_INVALID;
    }
    return CLOUT_OK;
}
