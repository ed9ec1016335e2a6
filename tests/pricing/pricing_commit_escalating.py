#!/usr/bin/env python3
"""Commitments (and a fee) that escalate with the rates.

Contract year k runs from the k-th anniversary of the start to the next; rates are x 1.1^k
in year k, a period across an anniversary taking the hour-weighted average of the factors.
An escalating monthly amount is counted day by day: each day owes amount / the days of its
calendar month x 1.1^(the day's contract year). The shortfall is max(0, minimum - net),
net being usage and fees. Trued up yearly, year k's minimum is the yearly amount x 1.1^k
(x its days / the full year's days when the term cuts it), less the year's spend, a period
across an anniversary counting toward each year by its days.
  monthly:   14 months from 2027-03-15; commit 10,000 USD and fee 100 USD per month, both
             escalating
  quarterly: 2027-02-10 to 2028-08-10, billed by calendar quarter; commit 10,000 USD per
             month, escalating
  yearly:    18 months from 2027-03-15; commit 100,000 USD per year, trued up yearly,
             escalating
Usage 1 gpu all the time at 2 USD/(gpu*hour); invoices rounded to the cent.
Checks tests/golden/pricing_commit_escalating.out (--exact)."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, days_in_month, hours, periods, read_shown, round_to, usd  # noqa: E402

UP = F(11, 10)


def year_of(start, d):
    k = 0
    while add_months(start, 12 * (k + 1)) <= d:
        k += 1
    return k


def days(a, b):
    d = a
    while d < b:
        yield d
        d += datetime.timedelta(days=1)


def factor(start, a, b):
    return sum(UP ** year_of(start, d) for d in days(a, b)) / (b - a).days


def monthly_escalating(start, amount, a, b):
    return sum(F(amount, days_in_month(d)) * UP ** year_of(start, d) for d in days(a, b))


def usage(start, a, b):
    return hours(a, b) * 2 * factor(start, a, b)


def monthly(want):
    start = D('2027-03-15')
    total = F(0)
    for i, (a, b) in enumerate(periods(start, add_months(start, 14))):
        fee = monthly_escalating(start, 100, a, b)
        short = max(F(0), monthly_escalating(start, 10000, a, b) - usage(start, a, b) - fee)
        total += round_to(usage(start, a, b) + fee + short, F(1, 100))
        want['m.periods[%d].shortfall' % i] = usd(short)
        want['m.periods[%d].fees' % i] = usd(fee)
    want['m.total'] = usd(total)


def quarterly(want):
    start, end = D('2027-02-10'), D('2028-08-10')
    bounds = [start] + [D(x) for x in ('2027-04-01', '2027-07-01', '2027-10-01', '2028-01-01', '2028-04-01', '2028-07-01')] + [end]
    total = F(0)
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        short = max(F(0), monthly_escalating(start, 10000, a, b) - usage(start, a, b))
        total += round_to(usage(start, a, b) + short, F(1, 100))
        want['q.periods[%d].shortfall' % i] = usd(short)
    want['q.total'] = usd(total)


def yearly(want):
    start = D('2027-03-15')
    end = add_months(start, 18)
    years, k = [], 0
    while add_months(start, 12 * k) < end:
        a, full = add_months(start, 12 * k), add_months(start, 12 * (k + 1))
        b = min(full, end)
        years.append((a, b, 100000 * UP ** k * F((b - a).days, (full - a).days)))
        k += 1
    spend = [F(0)] * len(years)
    total = F(0)
    for i, (a, b) in enumerate(periods(start, end)):
        u = usage(start, a, b)
        short = F(0)
        for y, (ya, yb, minimum) in enumerate(years):
            n = (min(b, yb) - max(a, ya)).days
            if n <= 0:
                continue
            spend[y] += u * F(n, (b - a).days)
            if a < yb <= b:
                short += max(F(0), minimum - spend[y])
        total += round_to(u + short, F(1, 100))
        want['y.periods[%d].shortfall' % i] = usd(short)
    want['y.total'] = usd(total)


want = {}
monthly(want)
quarterly(want)
yearly(want)
shown = read_shown('pricing_commit_escalating')
c = Checker('pricing_commit_escalating')
c.shown(shown, {k: v for k, v in want.items() if k in shown})
for k in ('m.periods[12].shortfall', 'q.periods[4].shortfall', 'y.periods[18].shortfall', 'm.total', 'q.total', 'y.total'):
    if k not in shown:
        c.eq(k, '<missing>', want[k])
# the anniversary month owes 14 days at 10,000 and 17 at 11,000 (/31), less its spend
c.eq('March 2028 minimum', monthly_escalating(D('2027-03-15'), 10000, D('2028-03-01'), D('2028-04-01')),
     F(14 * 10000 + 17 * 11000, 31))
sys.exit(c.done())
