/* dates: civil-calendar arithmetic on day numbers (days since 1970-01-01). */
#include "dates.h"
#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d, by counting 400-year eras of 146097 days. */
date_t dates_from_ymd(int y, int m, int d)
{
    long yy = y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void dates_to_ymd(date_t day, int *y, int *m, int *d)
{
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int dates_days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

int dates_parse(const char *s, date_t *out)
{
    int y, m, d;
    if (strlen(s) != 10) return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return 0;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) return 0;
    if (m < 1 || m > 12 || d < 1 || d > dates_days_in_month(y, m)) return 0;
    *out = dates_from_ymd(y, m, d);
    return 1;
}

void dates_format(date_t day, char out[16])
{
    int y, m, d;
    dates_to_ymd(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

date_t dates_add_months(date_t day, long n)
{
    int y, m, d;
    dates_to_ymd(day, &y, &m, &d);
    long total = (long)y * 12 + (m - 1) + n;
    int ny = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
    int nm = (int)(total - (long)ny * 12) + 1;
    int dim = dates_days_in_month(ny, nm);
    return dates_from_ymd(ny, nm, d > dim ? dim : d);
}
