#!/usr/bin/env python3
"""Commitment lines dated mid-month, prorated over the part of the month they cover.

A commitment is money per month, prorated in partial months; a line `from`/`until` a
date inside a month covers only the days of that month from/before the date. Each day
owes the last line covering it (no two lines here overlap). Usage: 20 USD a month.
  step:  100 USD a month until 2027-02-15, 200 USD a month from 2027-02-15
  lapse: 100 USD a month until 2027-02-15, nothing after
Three months from 2027-01-01. Checks tests/golden/pricing_commit_midmonth_step.out."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, periods, read_shown, round_to, usd  # noqa: E402


def minimum(lines, a, b):
    """The prorated minimum of [a, b), a part of one calendar month, day by day."""
    days_in_month = (add_months(a.replace(day=1), 1) - a.replace(day=1)).days
    total, day = F(0), a
    while day < b:
        amount = 0
        for amt, frm, until in lines:
            if (frm is None or day >= frm) and (until is None or day < until):
                amount = amt
        total += F(amount, days_in_month)
        day += datetime.timedelta(days=1)
    return total


def expected():
    start = D('2027-01-01')
    usage = 1000 * F('0.02')
    contracts = {
        'stepped': [(100, None, D('2027-02-15')), (200, D('2027-02-15'), None)],
        'lapsed': [(100, None, D('2027-02-15'))],
    }
    want = {}
    for name, lines in contracts.items():
        inv = [round_to(max(usage, minimum(lines, a, b)), F(1, 100))
               for a, b in periods(start, add_months(start, 3))]
        want['[%s]' % ', '.join('%s.periods[%d].total' % (name, i) for i in range(3))] = [usd(x) for x in inv]
        want['%s.total' % name] = usd(sum(inv))
    return want


c = Checker('pricing_commit_midmonth_step')
c.shown(read_shown('pricing_commit_midmonth_step'), expected())
sys.exit(c.done())
