#!/usr/bin/env python3
"""Billing weekly.

Periods run Monday to Monday (datetime's weekday() == 0), cut at the term's start
(Friday 2027-01-29) and end (2027-02-10). The monthly minimum of 6,000 USD is owed day
by day, each day 6,000 / the days of its calendar month, and netted over the week.
Usage: 4 gpu in the first two periods, 1 gpu in the third, at 2 USD/(gpu*hour).
Invoices rounded to the cent. Checks tests/golden/pricing_billing_weekly.out (--exact)."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, days_in_month, read_shown, round_to, usd  # noqa: E402

start, end = D('2027-01-29'), D('2027-02-10')
ps, a = [], start
while a < end:
    b = a + datetime.timedelta(days=1)
    while b < end and b.weekday() != 0:
        b += datetime.timedelta(days=1)
    ps.append((a, b))
    a = b

want, total = {'len(bill.periods)': (F(len(ps)), '')}, F(0)
for i, (a, b) in enumerate(ps):
    days = [a + datetime.timedelta(days=k) for k in range((b - a).days)]
    gpu = 4 if i < 2 else 1
    spend = gpu * 24 * len(days) * F(2)
    minimum = sum(F(6000, days_in_month(d)) for d in days)
    short = max(F(0), minimum - spend)
    invoice = round_to(spend + short, F(1, 100))
    total += invoice
    want['bill.periods[%d].start' % i] = a.isoformat()
    want['bill.periods[%d].end' % i] = b.isoformat()
    want['bill.periods[%d].shortfall' % i] = usd(short)
    want['bill.periods[%d].total' % i] = usd(invoice)
want['bill.total'] = usd(total)

shown = read_shown('pricing_billing_weekly')
c = Checker('pricing_billing_weekly')
c.shown(shown, {k: v for k, v in want.items() if k in shown})
for k in ('len(bill.periods)', 'bill.periods[0].end', 'bill.periods[1].end', 'bill.periods[1].shortfall', 'bill.total'):
    if k not in shown:
        c.eq(k, '<missing>', want[k])
sys.exit(c.done())
