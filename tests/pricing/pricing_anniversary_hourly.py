#!/usr/bin/env python3
"""A billing period across a contract anniversary, priced and split hour by hour.

Contract 2027-01-15 .. 2028-02-15, calendar-month periods, 2 USD/(gpu*hour) escalated 10%
a year (contract year k from the k-th anniversary: factor 1.1^k), 400,000 USD a year
trued up yearly: a year's shortfall = max(0, minimum - the year's spend) on the invoice
holding the year's last day; year 2 is cut at 31 of its 366 days (2028-01-15 ..
2029-01-15), so its minimum is 400,000 x 31/366. Invoices round to the cent, half-even,
with a rounding line when that changes the total.

bursty (hourly): every hour h from the start costs usage(h) x 2 x 1.1^(year of its day) and
  counts toward that year; January 2028's line is its hours' sum, at the average rate.
monthly (usage per period): a period's rate is 2 x the average of its days' factors, and a
  period across the anniversary counts toward each year by its days.
Checks tests/golden/pricing_anniversary_hourly.out (run with --exact)."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, periods, read_shown, close_yearly_trueup_period, usd  # noqa: E402

START, END = D('2027-01-15'), D('2028-02-15')
RATE, STEP, YEARLY = F(2), F(11, 10), F(400_000)
ANNIVERSARY = add_months(START, 12)


def year(day):
    return 0 if day < ANNIVERSARY else 1


def bursty(h):
    if h < 8424:
        return F(10)
    if h < 8760:
        return F(5) if h % 24 >= 20 else F(0)
    return F(60) if h % 24 < 8 else F(0)


def monthly_usage(i):
    return F(30) if i == 12 else F(10)


def minimum(k):
    if k == 0:
        return YEARLY
    full = (add_months(START, 24) - ANNIVERSARY).days
    return YEARLY * F((END - ANNIVERSARY).days, full)


def usage_line(qty, amount):
    r = (RATE, 'USD/(gpu*hour)')
    return {'sku': '"gpu_hour"', 'category': '"usage"', 'quantity': (qty, 'gpu*hour'), 'list_rate': r,
            'rate': (amount / qty, 'USD/(gpu*hour)'), 'amount': usd(amount)}


def bill(per_period):
    """per_period(i, a, b) -> (quantity, amount, {year: spend}) of period i; the invoices."""
    spend, out = {0: F(0), 1: F(0)}, []
    ps = periods(START, END)
    for i, (a, b) in enumerate(ps):
        qty, amount, by_year = per_period(i, a, b)
        lines = [usage_line(qty, amount)]
        for k, x in by_year.items():
            spend[k] += x
        total = close_yearly_trueup_period(lines, amount, a, b, START, END, spend, minimum)
        out.append((lines, total))
    return out


def hourly_period(i, a, b):
    first, n = (a - START).days * 24, (b - a).days * 24
    qty, amount, by_year = F(0), F(0), {}
    for h in range(first, first + n):
        day = START + datetime.timedelta(days=h // 24)
        cost = bursty(h) * RATE * STEP ** year(day)
        qty, amount = qty + bursty(h), amount + cost
        by_year[year(day)] = by_year.get(year(day), F(0)) + cost
    return qty, amount, by_year


def monthly_period(i, a, b):
    days = [a + datetime.timedelta(days=d) for d in range((b - a).days)]
    factor = sum(STEP ** year(d) for d in days) / len(days)
    qty = monthly_usage(i) * len(days) * 24
    amount = qty * RATE * factor
    by_year = {}
    for d in days:
        by_year[year(d)] = by_year.get(year(d), F(0)) + amount / len(days)
    return qty, amount, by_year


want = {}
for name, per_period in (('bursty', hourly_period), ('monthly', monthly_period)):
    invoices = bill(per_period)
    want['%s_bill.periods[11].total' % name] = usd(invoices[11][1])
    for i in (12, 13):
        want['%s_bill.periods[%d].lines' % (name, i)] = invoices[i][0]
    want['%s_bill.total' % name] = usd(sum(t for _, t in invoices))

c = Checker('pricing_anniversary_hourly')
c.shown(read_shown('pricing_anniversary_hourly'), want)
sys.exit(c.done())
