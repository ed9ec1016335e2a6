/* dates: proleptic Gregorian calendar dates as day numbers (days since 1970-01-01). */
#ifndef OUTLAY_DATES_H
#define OUTLAY_DATES_H

typedef long date_t;

/* Dates are those YYYY-MM-DD can write, 0000-01-01 to 9999-12-31, so every date reads
 * back as it prints and their arithmetic cannot overflow. */
#define DATES_FIRST (-719528L)
#define DATES_LAST 2932896L
#define DATES_RANGE_ERROR "date out of range (dates run from 0000-01-01 to 9999-12-31)"
static inline int dates_in_range(date_t d) { return d >= DATES_FIRST && d <= DATES_LAST; }

/* Parses YYYY-MM-DD; 0 when the date does not exist. */
int dates_parse(const char *s, date_t *out);
date_t dates_from_ymd(int y, int m, int d);
void dates_to_ymd(date_t day, int *y, int *m, int *d);
/* Writes YYYY-MM-DD (11 bytes with the NUL). */
void dates_format(date_t day, char out[16]);
int dates_days_in_month(int y, int m);
/* The same day n calendar months later, clamped to the month's last day. */
date_t dates_add_months(date_t day, long n);
#endif
