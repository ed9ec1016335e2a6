#!/usr/bin/env python3
"""A committed share of an hourly reservation across a contract anniversary, hour by hour.

Contract: 2027-01-15 .. 2028-02-15, calendar-month periods, 4 gpu reserved in each hour at
2 USD/(gpu*hour), above it 3 USD/(gpu*hour), `commit 80% of reserved`, rates escalated 10%
a year (factor 1.1^k in contract year k; year 1 from the anniversary 2028-01-15 = hour
8760). A cloud bills each hour at the rate in force in that hour. Each hour: committed_use
min(u, 4), on_demand u - min(u, 4). The commitment is measured over each stretch of a
period's hours within one contract year: its shortfall max(0, 80% x 4 x the stretch's hours
- the stretch's committed_use), billed at the stretch's rate (2 USD x its factor); the
unused_commitment line is the sum of the stretches' (a line even when 0). A line's amount
is the sum of its parts', its rate the amount over its quantity. Invoices round to the
cent, half-even, with a rounding line when that changes the total.
Usage (hour h from the start; January 2028 is hours 8424..9167, each day in quarters of 6
hours q = 0..3): before 2028, 4 gpu; in January 2028 before the anniversary 0, 2, 9, 4 in
both workloads; after it 0, 3, 9, 7 (short) or 3, 4, 9, 7 (surplus).
Checks tests/golden/pricing_anniversary_commit_share.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hourly_bill, read_shown, usd  # noqa: E402

START, END = D('2027-01-15'), D('2028-02-15')
ANNIVERSARY_HOUR = (add_months(START, 12) - START).days * 24
JAN_2028 = (D('2028-01-01') - START).days * 24
STEP = F(11, 10)
CAP, SHARE, RATE, OVER = F(4), F(80, 100), F(2), F(3)
UNIT = 'gpu*hour'
RATE_UNIT = 'USD/(gpu*hour)'


def year(h):
    return 1 if h >= ANNIVERSARY_HOUR else 0


def usage(after_quarters):
    def u(h):
        if h < JAN_2028:
            return F(4)
        return F((after_quarters if h >= ANNIVERSARY_HOUR else (0, 2, 9, 4))[h % 24 // 6])
    return u


def line(category, qty, list_rate, amount):
    rate = amount / qty if qty else None   # empty lines come only in periods not shown
    return {'sku': '"gpu_hour"', 'category': '"%s"' % category, 'quantity': (qty, UNIT),
            'list_rate': (list_rate, RATE_UNIT), 'rate': (rate, RATE_UNIT), 'amount': usd(amount)}


def period_lines(u, first, last):
    used = [F(0), F(0)]
    over = [F(0), F(0)]
    unused = [F(0), F(0)]
    stretches = {}   # contract year -> [hours, committed_use]
    for h in range(first, last):
        f = STEP ** year(h)
        c = min(u(h), CAP)
        used[0] += c
        used[1] += c * RATE * f
        over[0] += u(h) - c
        over[1] += (u(h) - c) * OVER * f
        s = stretches.setdefault(year(h), [0, F(0)])
        s[0] += 1
        s[1] += c
    for k, (n, c) in stretches.items():
        short = max(F(0), SHARE * CAP * n - c)
        unused[0] += short
        unused[1] += short * RATE * STEP ** k
    return [line('committed_use', used[0], RATE, used[1]), line('unused_commitment', unused[0], RATE, unused[1]),
            line('on_demand', over[0], OVER, over[1])]


want = {}
for name, u in (('short', usage((0, 3, 9, 7))), ('surplus', usage((3, 4, 9, 7)))):
    hourly_bill(want, name, START, END, lambda first, last, u=u: period_lines(u, first, last))
c = Checker('pricing_anniversary_commit_share')
c.shown(read_shown('pricing_anniversary_commit_share'), want)
sys.exit(c.done())
