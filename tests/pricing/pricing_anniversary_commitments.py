#!/usr/bin/env python3
"""Hourly commitments in a billing period across a contract anniversary, hour by hour.

Both contracts: 2027-01-15 .. 2028-02-15, calendar-month periods, rates escalated 10% a year
(factor 1.1^k in contract year k, year 1 from the anniversary 2028-01-15 = hour 8760). A
cloud bills each hour at the rate in force in that hour, so every hour below is priced at
its own year's factor, and a line's amount is the sum of its hours' amounts (its rate the
amount over its quantity). Invoices round to the cent, half-even, with a rounding line
when that changes the total.

res: 4 gpu reserved in each hour at 2 USD/(gpu*hour), above it 3 USD/(gpu*hour). Each hour:
  committed_use min(u, 4), unused_commitment 4 - min(u, 4), on_demand u - min(u, 4).
sp: a plan of 60 USD per hour (not escalated) over x (plan rate 6, own rate 10) and y (plan
  rate 8, own rate 10), both escalated. Each hour the commitment buys x first (the larger
  saving: 40% against 20%) at the hour's plan rate, then y; what the commitment can't buy
  is on_demand at the hour's own rate; what is left of the 60 USD is unused_commitment.
Usage (hour h from the start; January 2028 is hours 8424..9167, each day in quarters
of 6 hours q = 0..3): before 2028 gpu_hour 4, x 3, y 3; in January 2028 gpu_hour 0, 2, 9
then 4 (before the anniversary) or 7 (after); x 0, 5, 12, 3; y 0, then 4 (before) or 7
(after). Checks tests/golden/pricing_anniversary_commitments.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hourly_bill, read_shown, usd  # noqa: E402

START, END = D('2027-01-15'), D('2028-02-15')
ANNIVERSARY_HOUR = (add_months(START, 12) - START).days * 24
JAN_2028 = (D('2028-01-01') - START).days * 24
STEP = F(11, 10)
UNIT = 'gpu*hour'
RATE_UNIT = 'USD/(gpu*hour)'


def factor(h):
    return STEP ** (1 if h >= ANNIVERSARY_HOUR else 0)


def quarter(h):
    return h % 24 // 6


def gpu_hour(h):
    if h < JAN_2028:
        return F(4)
    return [F(0), F(2), F(9), F(7) if h >= ANNIVERSARY_HOUR else F(4)][quarter(h)]


def x(h):
    return F(3) if h < JAN_2028 else [F(0), F(5), F(12), F(3)][quarter(h)]


def y(h):
    if h < JAN_2028:
        return F(3)
    return F(0) if quarter(h) == 0 else F(7) if h >= ANNIVERSARY_HOUR else F(4)


def line(sku, category, qty, list_rate, amount):
    rate = amount / qty if qty else None   # empty lines come only in periods not shown
    return {'sku': '"%s"' % sku, 'category': '"%s"' % category, 'quantity': (qty, UNIT),
            'list_rate': (list_rate, RATE_UNIT), 'rate': (rate, RATE_UNIT), 'amount': usd(amount)}


def res_period(first, last):
    sums = {'committed_use': [F(0), F(0)], 'unused_commitment': [F(0), F(0)], 'on_demand': [F(0), F(0)]}
    for h in range(first, last):
        u = gpu_hour(h)
        used = min(u, F(4))
        for cat, q, rate in (('committed_use', used, F(2)), ('unused_commitment', F(4) - used, F(2)),
                             ('on_demand', u - used, F(3))):
            sums[cat][0] += q
            sums[cat][1] += q * rate * factor(h)
    return [line('gpu_hour', cat, q, F(3) if cat == 'on_demand' else F(2), a) for cat, (q, a) in sums.items()]


def sp_period(first, last):
    skus = (('x', x, F(6), F(10)), ('y', y, F(8), F(10)))   # largest saving first
    sums = {(s, cat): [F(0), F(0)] for s, *_ in skus for cat in ('committed_use', 'on_demand')}
    unused = F(0)
    for h in range(first, last):
        left, f = F(60), factor(h)
        for sku, usage, plan_rate, rate in skus:
            u = usage(h)
            covered = min(u, left / (plan_rate * f))
            left -= covered * plan_rate * f
            for cat, q, r in (('committed_use', covered, plan_rate), ('on_demand', u - covered, rate)):
                sums[(sku, cat)][0] += q
                sums[(sku, cat)][1] += q * r * f
        unused += left
    plan_rates = {sku: plan_rate for sku, _, plan_rate, _ in skus}
    lines = [line(sku, cat, q, F(10) if cat == 'on_demand' else plan_rates[sku], a) for (sku, cat), (q, a) in sums.items()]
    return lines + [{'sku': '"compute"', 'category': '"unused_commitment"', 'amount': usd(unused)}]


want = {}
hourly_bill(want, 'res', START, END, res_period)
hourly_bill(want, 'sp', START, END, sp_period)
c = Checker('pricing_anniversary_commitments')
c.shown(read_shown('pricing_anniversary_commitments'), want)
sys.exit(c.done())
