#!/usr/bin/env python3
"""A commitment trued up yearly.

Each contract year runs from one anniversary of the start to the next (the last one cut
by the term's end, its minimum prorated by days of the full year). A period's spend
counts toward the years it overlaps, by days; the period holding a year's last day bills
max(0, minimum - spend of the year) on its own line. No monthly minimum applies.
  yearly:  100,000 USD per year;  covered: 50,000 USD per year
Term: 18 months from 2027-03-15; usage 4 gpu all the time at 2 USD/(gpu*hour); invoices
rounded to the cent. Checks tests/golden/pricing_trueup.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, periods, read_shown, round_to, usd  # noqa: E402


def invoices(name, per_year):
    start = D('2027-03-15')
    end = add_months(start, 18)
    years = []
    k = 0
    while add_months(start, 12 * k) < end:
        a, full = add_months(start, 12 * k), add_months(start, 12 * (k + 1))
        b = min(full, end)
        years.append((a, b, F(per_year) * F((b - a).days, (full - a).days)))
        k += 1
    ps = periods(start, end)
    spend = {i: F(0) for i in range(len(years))}
    want, total, short_total = {}, F(0), F(0)
    for i, (a, b) in enumerate(ps):
        usage = 4 * 24 * (b - a).days * F(2)
        short = F(0)
        for y, (ya, yb, minimum) in enumerate(years):
            days = (min(b, yb) - max(a, ya)).days
            if days <= 0:
                continue
            spend[y] += usage * F(days, (b - a).days)
            if a < yb <= b:   # the year's last day falls in this period
                short += max(F(0), minimum - spend[y])
        invoice = round_to(usage + short, F(1, 100))
        total += invoice
        short_total += short
        want['%s.periods[%d].shortfall' % (name, i)] = usd(short)
        want['%s.periods[%d].total' % (name, i)] = usd(invoice)
    want['%s.shortfall' % name] = usd(short_total)
    want['%s.total' % name] = usd(total)
    return want


shown = read_shown('pricing_trueup')
want = invoices('bill', 100000)
want.update(invoices('ok', 50000))
c = Checker('pricing_trueup')
c.shown(shown, {k: v for k, v in want.items() if k in shown})
for k in ('bill.periods[12].shortfall', 'bill.periods[18].shortfall', 'bill.total', 'ok.total'):
    if k not in shown:
        c.eq(k, '<missing>', want[k])
# the case with a shortfall has one in each year, the covered one none
c.eq('bill shortfalls', sum(1 for k, v in want.items() if k.startswith('bill.periods') and k.endswith('shortfall') and v[0]), 2)
c.eq('ok shortfalls', sum(1 for k, v in want.items() if k.startswith('ok.') and k.endswith('shortfall') and v[0]), 0)
sys.exit(c.done())
