#!/usr/bin/env python3
"""Billing quarterly and yearly.

Periods are calendar quarters (or years) cut at the start and end of the term. A period's
length in months is the sum over the calendar months it touches of days in it / days of
that month; storage held all the time at a per-GB-month rate (month = calendar) and the
monthly minimum both scale with it; the minimum is netted over the whole period.
Term 2027-02-10 to 2028-04-10; 4 gpu at 2 USD/(gpu*hour); 10,000 GB at 0.023
USD/(GB*month); commit 6,000 USD per month. Invoices rounded to the cent.
Checks tests/golden/pricing_billing_cycles.out (run with --exact)."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, days_in_month, read_shown, round_to, usd  # noqa: E402


def cut(start, end, months):
    """[a, b) periods: boundaries on the first of months m with (m - 1) % months == 0."""
    out, a = [], start
    while a < end:
        first = datetime.date(a.year, a.month, 1)
        b = min(add_months(first, months - (a.month - 1) % months), end)
        out.append((a, b))
        a = b
    return out


def months_in(a, b):
    n, d = F(0), a
    while d < b:
        nxt = min(add_months(datetime.date(d.year, d.month, 1), 1), b)
        n += F((nxt - d).days, days_in_month(d))
        d = nxt
    return n


def invoices(name, months):
    want, total = {}, F(0)
    ps = cut(D('2027-02-10'), D('2028-04-10'), months)
    want['len(%s.periods)' % name] = (F(len(ps)), '')
    for i, (a, b) in enumerate(ps):
        m = months_in(a, b)
        spend = 4 * 24 * (b - a).days * F(2) + 10000 * F('0.023') * m
        short = max(F(0), 6000 * m - spend)
        invoice = round_to(spend + short, F(1, 100))
        total += invoice
        want['%s.periods[%d].start' % (name, i)] = a.isoformat()
        want['%s.periods[%d].end' % (name, i)] = b.isoformat()
        want['%s.periods[%d].shortfall' % (name, i)] = usd(short)
        want['%s.periods[%d].total' % (name, i)] = usd(invoice)
    want['%s.total' % name] = usd(total)
    return want


shown = read_shown('pricing_billing_cycles')
want = invoices('q', 3)
want.update(invoices('y', 12))
c = Checker('pricing_billing_cycles')
c.shown(shown, {k: v for k, v in want.items() if k in shown})
for k in ('len(q.periods)', 'len(y.periods)', 'q.periods[0].shortfall', 'q.total', 'y.total', 'q.periods[5].end'):
    if k not in shown:
        c.eq(k, '<missing>', want[k])
sys.exit(c.done())
