#!/usr/bin/env python3
"""An escalator on contracts starting mid-month (2026-11-16): rates x 1.03^k in
contract year k, which runs from start + k years to start + k + 1 years.

Usage is a level (100 gpu all the time at 1 USD/(gpu*hour)), so a period's charge is
the sum over the contract years it touches of 100 x (its hours in that year) x 1.03^k.
  one_year:  12 months, ends 2027-11-16, the first anniversary: all in year 0.
  thirteen:  13 months; 2027-11-01 .. 2027-12-01 has 15 days in year 0 and 15 in year 1.
Checks tests/golden/pricing_escalator_midmonth.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402


def charge(start, a, b):
    total, k = F(0), 0
    while add_months(start, 12 * k) < b:
        lo = max(a, add_months(start, 12 * k))
        hi = min(b, add_months(start, 12 * (k + 1)))
        if hi > lo:
            total += 100 * hours(lo, hi) * F(1) * F(103, 100) ** k
        k += 1
    return total


def expected():
    start = D('2026-11-16')
    want = {}
    for name, months in (('a', 12), ('b', 13)):
        ps = periods(start, add_months(start, months))
        inv = [round_to(charge(start, a, b), F(1, 100)) for a, b in ps]
        want['%s.periods[12].start' % name] = ps[12][0].isoformat()
        want['%s.periods[12].total' % name] = usd(inv[12])
        if name == 'a':
            want['a.total'] = usd(sum(inv))
        else:
            want['b.periods[13].start'] = ps[13][0].isoformat()
            want['b.periods[13].total'] = usd(inv[13])
    return want


c = Checker('pricing_escalator_midmonth')
c.shown(read_shown('pricing_escalator_midmonth'), expected())
sys.exit(c.done())
