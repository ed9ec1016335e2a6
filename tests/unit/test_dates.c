/* Unit tests for src/dates.c. Day numbers of known dates come from Python's
 * datetime ((date(y, m, d) - date(1970, 1, 1)).days), an independent implementation;
 * the round-trip tests check the calendar rules day by day. */
#include <criterion/criterion.h>
#include <string.h>
#include "helpers.h"

TestSuite(dates, .fini = h_teardown);

static int parses(const char *s)
{
    date_t d;
    return dates_parse(s, &d);
}

UTEST(dates, parse_valid_and_invalid)
{
    cr_expect(parses("2026-12-01"));
    cr_expect(parses("2028-02-29"));      /* leap year */
    cr_expect(parses("2000-02-29"));      /* divisible by 400 */
    cr_expect(parses("2026-01-31"));
    cr_expect(parses("2026-04-30"));
    cr_expect(parses("0001-01-01"));
    cr_expect(parses("9999-12-31"));
    cr_expect_not(parses("2026-02-29"));  /* not a leap year */
    cr_expect_not(parses("2100-02-29"));  /* divisible by 100, not by 400 */
    cr_expect_not(parses("1900-02-29"));
    cr_expect_not(parses("2026-04-31"));
    cr_expect_not(parses("2026-13-01"));
    cr_expect_not(parses("2026-00-10"));
    cr_expect_not(parses("2026-01-00"));
    cr_expect_not(parses("2026-01-32"));
    cr_expect_not(parses("2026-1-1"));
    cr_expect_not(parses("2026-01-011"));
    cr_expect_not(parses("abcd-ef-gh"));
    cr_expect_not(parses(""));
}

/* "Parses YYYY-MM-DD": strings of the right length in another shape are not dates.
 * The lexer only hands over [0-9]{4}-[0-9]{2}-[0-9]{2}, but dates_parse is the public
 * entry point and sscanf("%4d-%2d-%2d") is looser than its contract. */
UTEST(dates, parse_rejects_malformed_ten_character_strings)
{
    cr_expect_not(parses("2026-1-011"), "2026-1-011 is not YYYY-MM-DD");
    cr_expect_not(parses("2026- 1-01"), "a space is not a digit");
    cr_expect_not(parses("+026-01-01"), "a sign is not a digit");
    cr_expect_not(parses("2026-01-1x"), "trailing garbage");
}

UTEST(dates, known_day_numbers)
{
    struct { const char *s; long day; } cases[] = {
        { "1970-01-01", 0 }, { "1969-12-31", -1 }, { "2000-03-01", 11017 },
        { "2026-12-01", 20788 }, { "2028-02-29", 21243 }, { "1900-03-01", -25508 },
        { "0001-01-01", -719162 }, { "9999-12-31", 2932896 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        date_t d = 12345678;
        cr_assert(dates_parse(cases[i].s, &d), "%s", cases[i].s);
        cr_expect_eq(d, cases[i].day, "%s: %ld, expected %ld", cases[i].s, d, cases[i].day);
        char out[16];
        dates_format(d, out);
        cr_expect_str_eq(out, cases[i].s);
    }
    char out[16];
    dates_format(dates_from_ymd(42, 3, 4), out);
    cr_expect_str_eq(out, "0042-03-04");
}

UTEST(dates, days_in_month)
{
    static const int y2026[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    for (int m = 1; m <= 12; m++) {
        cr_expect_eq(dates_days_in_month(2026, m), y2026[m - 1], "2026-%02d", m);
        if (m != 2) cr_expect_eq(dates_days_in_month(2028, m), y2026[m - 1]);
    }
    cr_expect_eq(dates_days_in_month(2028, 2), 29);
    cr_expect_eq(dates_days_in_month(2024, 2), 29);
    cr_expect_eq(dates_days_in_month(2000, 2), 29);
    cr_expect_eq(dates_days_in_month(1900, 2), 28);
    cr_expect_eq(dates_days_in_month(2100, 2), 28);
    cr_expect_eq(dates_days_in_month(0, 2), 29);     /* year 0 (1 BC) is a leap year */
    cr_expect_eq(dates_days_in_month(-4, 2), 29);
    cr_expect_eq(dates_days_in_month(-1, 2), 28);
}

/* Every day from 1600-01-01 to 2400-12-31: day numbers are consecutive, y-m-d moves
 * to the next calendar day, and from_ymd / to_ymd / format / parse agree. */
UTEST(dates, round_trip_consecutive_days, .timeout = 60)
{
    date_t day = dates_from_ymd(1600, 1, 1);
    int y = 1600, m = 1, d = 1;
    while (y <= 2400) {
        int yy, mm, dd;
        dates_to_ymd(day, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d)
            cr_assert_fail("day %ld is %04d-%02d-%02d, expected %04d-%02d-%02d", day, yy, mm, dd, y, m, d);
        if (dates_from_ymd(y, m, d) != day) cr_assert_fail("from_ymd(%d-%d-%d) != %ld", y, m, d, day);
        if (d == 1 || d == 28) {   /* format/parse on a sample, to keep this quick */
            char buf[16];
            date_t back;
            dates_format(day, buf);
            if (!dates_parse(buf, &back) || back != day) cr_assert_fail("%s does not parse back to %ld", buf, day);
        }
        /* the next calendar day */
        if (++d > dates_days_in_month(y, m)) { d = 1; if (++m > 12) { m = 1; y++; } }
        day++;
    }
    /* 1600..2400 inclusive is 801 years with 195 leap years (every 4th, less 1700,
     * 1800, 1900, 2100, 2200, 2300): 801 * 365 + 195 = 292560 days */
    cr_expect_eq(day - dates_from_ymd(1600, 1, 1), 292560);
}

/* Far from the epoch, in both directions: to_ymd inverts from_ymd. */
UTEST(dates, round_trip_wide_range)
{
    for (long day = -3650000; day <= 3650000; day += 997) {
        int y, m, d;
        dates_to_ymd(day, &y, &m, &d);
        if (m < 1 || m > 12 || d < 1 || d > dates_days_in_month(y, m))
            cr_assert_fail("day %ld gives %d-%d-%d", day, y, m, d);
        if (dates_from_ymd(y, m, d) != day) cr_assert_fail("day %ld -> %d-%d-%d -> %ld", day, y, m, d, dates_from_ymd(y, m, d));
    }
    /* 0000-03-01 is 719468 days before the epoch (0001-01-01 is -719162, and
     * 0000-03-01 .. 0001-01-01 is 306 days of a leap year's March..December) */
    cr_expect_eq(dates_from_ymd(0, 3, 1), -719468);
    int y, m, d;
    dates_to_ymd(-719469, &y, &m, &d);
    cr_expect(y == 0 && m == 2 && d == 29, "day before 0000-03-01 is %d-%d-%d", y, m, d);
}

static void add_months_is(const char *from, long n, const char *want)
{
    date_t d;
    cr_assert(dates_parse(from, &d), "%s", from);
    char out[16];
    dates_format(dates_add_months(d, n), out);
    cr_expect_str_eq(out, want, "%s + %ld months = %s, expected %s", from, n, out, want);
}

UTEST(dates, add_months_clamps)
{
    add_months_is("2026-01-31", 1, "2026-02-28");
    add_months_is("2028-01-31", 1, "2028-02-29");
    add_months_is("2026-03-31", -1, "2026-02-28");
    add_months_is("2026-05-31", 1, "2026-06-30");
    add_months_is("2026-01-31", 2, "2026-03-31");   /* from the start date, not chained */
    add_months_is("2026-12-15", 1, "2027-01-15");
    add_months_is("2026-01-15", -13, "2024-12-15");
    add_months_is("2026-12-01", 36, "2029-12-01");
    add_months_is("2026-12-01", 15, "2028-03-01");
    add_months_is("2028-02-29", 12, "2029-02-28");
    add_months_is("2028-02-29", 48, "2032-02-29");
    add_months_is("2026-06-10", 0, "2026-06-10");
    add_months_is("2026-01-01", 1200, "2126-01-01");
    /* across year 0 */
    date_t d = dates_from_ymd(0, 1, 15);
    int y, m, dd;
    dates_to_ymd(dates_add_months(d, -1), &y, &m, &dd);
    cr_expect(y == -1 && m == 12 && dd == 15, "got %d-%d-%d", y, m, dd);
}

