#!/usr/bin/env python3
"""Independent re-derivation of the expected figures in the Criterion unit tests,
with Python's fractions and datetime (no Outlay code involved).
Run: python3 tests/unit/check_expected.py  (prints OK or fails an assert)."""
from datetime import date, timedelta
from fractions import Fraction as F
import math

def check(name, got, want):
    assert got == want, f"{name}: computed {got}, the test expects {want}"

# ---------- test_value.c ----------
check("0.1", F("0.1"), F(1, 10))
check("3.79e25", F("3.79e25"), 379 * 10**23)
check("1_000.5e-3", F("1000.5e-3"), F(2001, 2000))
check("12.5%", F("12.5") / 100, F(1, 8))
check("15.6 trillion", F("15.6") * 10**12, 15600000000000)
check("2.5 thousand %", F("2.5") * 10**3 / 100, 25)
check("gpu-hours", F("2.10") * 730 * 8, 12264)
HOUR, MONTH = 3600, 730 * 3600
check("month in s", MONTH, 2628000)
check("GiB in bit", 2**30 * 8, 8589934592)
check("1 USD/hour * 1 month", F(1, HOUR) * MONTH, 730)
check("920M/month in USD/hour", F(920 * 10**6, 730), F(92000000, 73))
# 71/73 as a decimal: 1/73 has period 8
frac = F(92000000, 73) - 1260273
digits = "".join(str(int(frac * 10**k) % 10) for k in range(1, 17))
check("1260273.(97260273)", digits, "9726027397260273")
check("(2 hour)^2 in s^2", (2 * HOUR) ** 2, 51840000)
check("(2/3)^-3", F(2, 3) ** -3, F(27, 8))
check("2^(2^19) bits", (2 ** 2**19).bit_length(), 2**19 + 1)
check("2^(2^20) bits", 2**20 + 1 > 2**20, True)
check("2.345 -> 2.34", F(234) / 100, F(117, 50))
check("PiB in bit", 2**50 * 8, 9007199254740992)
check("kWh in J", 1000 * 3600, 3600000)
check("5 kWh in J", 5 * 3600000, 18000000)
check("hour^2/USD^2 factor", F(1, 3600) ** -2, 12960000)

def rnd(x, mode):
    """Round a Fraction to an integer, written from the mode definitions."""
    fl, ce = math.floor(x), math.ceil(x)
    if fl == ce:
        return fl
    away = ce if x > 0 else fl          # away from zero
    toward = fl if x > 0 else ce        # toward zero
    lo_dist, hi_dist = x - fl, ce - x
    if mode == "up": return away
    if mode == "down": return toward
    if mode == "ceiling": return ce
    if mode == "floor": return fl
    if lo_dist != hi_dist:
        return fl if lo_dist < hi_dist else ce
    if mode == "half_up": return away
    if mode == "half_down": return toward
    if mode == "half_even": return fl if fl % 2 == 0 else ce
    raise ValueError(mode)

xs = ["5/2", "-5/2", "7/2", "-7/2", "13/10", "-13/10", "17/10", "-17/10", "1/2", "-1/2", "3", "-3", "0"]
table = {
    "half_even": [2, -2, 4, -4, 1, -1, 2, -2, 0, 0, 3, -3, 0],
    "half_up":   [3, -3, 4, -4, 1, -1, 2, -2, 1, -1, 3, -3, 0],
    "half_down": [2, -2, 3, -3, 1, -1, 2, -2, 0, 0, 3, -3, 0],
    "up":        [3, -3, 4, -4, 2, -2, 2, -2, 1, -1, 3, -3, 0],
    "down":      [2, -2, 3, -3, 1, -1, 1, -1, 0, 0, 3, -3, 0],
    "ceiling":   [3, -2, 4, -3, 2, -1, 2, -1, 1, 0, 3, -3, 0],
    "floor":     [2, -3, 3, -4, 1, -2, 1, -2, 0, -1, 3, -3, 0],
}
for mode, want in table.items():
    check(mode, [rnd(F(x), mode) for x in xs], want)
check("1.025 to 0.05", rnd(F("1.025") / F("0.05"), "half_even") * F("0.05"), 1)
check("100 min to hours", rnd(F(100, 60), "half_even") * 3600, 7200)

# ---------- test_dates.c ----------
E = date(1970, 1, 1)
for s, d in [("2026-12-01", 20788), ("2000-03-01", 11017), ("1969-12-31", -1), ("0001-01-01", -719162),
             ("9999-12-31", 2932896), ("2028-02-29", 21243), ("1900-03-01", -25508)]:
    check(s, (date.fromisoformat(s) - E).days, d)
check("1600..2400 days", (date(2401, 1, 1) - date(1600, 1, 1)).days, 292560)
# 0000-03-01 .. 0001-01-01 is March..December of year 0 (Python has no year 0)
check("0000-03-01", -719162 - sum([31, 30, 31, 30, 31, 31, 30, 31, 30, 31]), -719468)

# ---------- test_contract.c ----------
def days(a, b): return (date.fromisoformat(b) - date.fromisoformat(a)).days
check("Jan 15 .. Feb 1", days("2026-01-15", "2026-02-01") * 24, 408)
check("Apr 1 .. Apr 10 share", F(days("2026-04-01", "2026-04-10"), 30), F(3, 10))
check("Feb 2028 hours", days("2028-02-01", "2028-03-01") * 24, 696)
check("2000..2100 months", (2100 - 2000) * 12, 1200)
jan, feb = 10 * 408 * 2, 10 * 672 * 2
check("flat Jan", jan, 8160); check("flat Feb", feb, 13440)
c_jan = 20000 * F(17, 31)
check("shortfall Jan", c_jan - jan, F(87040, 31))
check("term total", c_jan + 20000, F(960000, 31))
check("term shortfall", c_jan - jan + 20000 - feb, F(290400, 31))
check("all-in", F(960000, 31) / (10 * (408 + 672)), F(800, 279))

tiers = [(100, F("0.10")), (500, F("0.05")), (None, F("0.02"))]
def graduated(lo, hi):
    total, prev = F(0), 0
    for bound, rate in tiers:
        top = hi if bound is None else min(hi, bound)
        start = max(lo, prev)
        if top > start: total += (top - start) * rate
        if bound is None: break
        prev = bound
    return total
def volume(q, below=False):
    for bound, rate in tiers:
        if bound is None or q < bound or (q == bound and not below): return rate
check("graduated 700", graduated(0, 700), 34)
check("graduated 300", graduated(0, 300), 20)
check("graduated 50", graduated(0, 50), 5)
check("average rate", graduated(0, 700) / 700, F(17, 350))
check("cumulative 2nd", graduated(300, 600), 12)
check("volume 700", 700 * volume(700), 14)
check("volume 300", 300 * volume(300), 15)
check("cumulative volume 2nd", 300 * volume(600), 6)
check("volume at bound", 100 * volume(100), 10)
check("volume below bound", 100 * volume(100, below=True), 5)
check("storage 6 PB-month", 6 * 10**6 * F("0.018"), 108000)
check("storage 4 PB-month", 4 * 10**6 * F("0.020"), 80000)
check("reserve Jan", 5 * 744 * 2 + 3 * 744 * 3, 14136)
check("reserve term", 14136 + 5 * 672 * 2 + 5 * 744 * 2, 28296)
check("overage at rate", 5 * 744 * 2 + 3 * 744 * 2, 11904)

gross = 1000 * F("0.05")
net = gross - gross * F("0.2")            # per SKU
net -= net * F("0.1")                     # on everything
net -= (net - 30) * F("0.5")              # above 30
check("net", net, 33)
sla0, sla1 = net * F("0.10"), net * F("0.05")
t0 = net - sla0 - 20
t1 = net - sla1
check("Jan total", t0, F(97, 10)); check("Feb total", t1, F(627, 20))
check("term total", t0 + t1, F(821, 20)); check("term SLA", sla0 + sla1, F(99, 20))
check("commit mid-month", 15 * F(100, 31) + 16 * F(200, 31), F(4700, 31))
check("fees Feb", 10 + 31 * F(14, 28), F(51, 2))
check("fees term total", (10 + 2) + (F(51, 2) + 2), F(79, 2))
check("fee 10 of 30 days", 300 * F(10, 30), 100)
check("eighths half_even", 2 * F(rnd(F("0.125") * 100, "half_even"), 100), F(6, 25))
check("eighths half_up", 2 * F(rnd(F("0.125") * 100, "half_up"), 100), F(13, 50))
check("0.125 to 0.05", rnd(F("0.125") / F("0.05"), "half_even") * F("0.05"), F(1, 10))
check("escalated Nov", 720 * F("1.1"), 792)
check("escalated Dec", 744 * F("1.1"), F(4092, 5))
check("year 2", 720 * F("1.1") ** 2, F(4356, 5))
check("straddling Jan 2027", (14 * 24 + 17 * 24 * F("1.1")), F(3924, 5))
check("Feb 2027", 672 * F("1.1"), F(3696, 5))
usage = 16384 * 744 * F("2.10")
check("Dec usage", usage, F("25598361.6"))
check("Dec shortfall", 920 * 10**6 - usage, F("894401638.4"))
check("prorated commits", (31000 * F(17, 31), 31000 * F(14, 31)), (17000, 14000))
check("one gpu in Feb", 672 * F("2.10"), F("1411.2"))
# ---------- test_lines.c ----------
check("5952 gpu*hour in gpu*s", 5952 * 3600, 21427200)
check("2.10 USD/(gpu*hour) per gpu*s", F("2.10") / 3600, F(7, 12000))
check("5952 x 2.10", 5952 * F("2.10"), F(62496, 5))
check("3% of 13813.35", F("0.03") * F("13813.35"), F(828801, 2000))
check("2500, 2232 gpu*hour in gpu*s", (2500 * 3600, 2232 * 3600), (9000000, 8035200))
check("0.50 USD/(gpu*hour) per gpu*s", F("0.5") / 3600, F(1, 7200))
check("2^70, 2^64", (2**70, 2**64), (1180591620717411303424, 18446744073709551616))
check("1064.15 USD / 12345 GB in bits", F("1064.15") / (12345 * 10**9 * 8), F(21283, 1975200000000000))
check("the same per GB", F("1064.15") / 12345, F(21283, 246900))
print("OK")
