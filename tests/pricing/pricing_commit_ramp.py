#!/usr/bin/env python3
"""A commitment ramp: different monthly minimums by date; the last matching line wins.

  commit 100 until 2027-02-01; 200 from 2027-02-01 until 2027-04-01; 300 from 2027-04-01;
  then 250 from 2027-03-01 until 2027-04-01 (written last, so it wins for March).
Usage: 7500 GB-month of storage at 0.02 USD/(GB*month) = 150 USD a month, five months
from 2027-01-01. Checks the invoice table and totals in tests/golden/pricing_commit_ramp.out."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, periods, read_shown, round_to, usd  # noqa: E402


COMMITS = [  # (USD per month, from, until) in contract order
    (100, None, D('2027-02-01')),
    (200, D('2027-02-01'), D('2027-04-01')),
    (300, D('2027-04-01'), None),
    (250, D('2027-03-01'), D('2027-04-01')),
]


def minimum(a):
    m = 0
    for amount, frm, until in COMMITS:
        if (frm is None or a >= frm) and (until is None or a < until):
            m = amount
    return m


def expected():
    start = D('2027-01-01')
    usage = 7500 * F('0.02')
    rows, term = {}, {'storage': F(0), 'Shortfall': F(0), 'Total': F(0)}
    for a, b in periods(start, add_months(start, 5)):
        assert a.day == 1 and b == add_months(a, 1)          # whole months: no proration
        shortfall = max(F(0), minimum(a) - usage)
        total = round_to(usage + shortfall, F(1, 100))
        rows[a.strftime('%Y-%m')] = {'storage': usage, 'Discounts': F(0), 'Shortfall': shortfall,
                                     'SLA credit': F(0), 'Credit pool': F(0), 'Total': total}
        for k in term:
            term[k] += rows[a.strftime('%Y-%m')][k]
    rows['Term'] = {'storage': term['storage'], 'Discounts': F(0), 'Shortfall': term['Shortfall'],
                    'SLA credit': F(0), 'Credit pool': F(0), 'Total': term['Total']}
    quantity = 5 * 7500                                      # GB-month
    rates = {'storage': ((F('0.02'), 'USD/(GB*month)'), (term['Total'] / quantity, 'USD/(GB*month)'))}
    shown = {'bill.shortfall': usd(term['Shortfall']), 'bill.total': usd(term['Total'])}
    return rows, rates, shown


c = Checker('pricing_commit_ramp')
rows, rates, shown = expected()
c.invoice(rows, rates)
c.shown(read_shown('pricing_commit_ramp'), shown)
sys.exit(c.done())
