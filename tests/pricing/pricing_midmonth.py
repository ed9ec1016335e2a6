#!/usr/bin/env python3
"""Mid-month start: a 920 million USD monthly minimum from 2026-12-16 for one month.

Each billing period owes the minimum prorated by the period's share of its calendar
month's hours, or its usage if that is more; the invoice rounds to cents (half even).
Checks tests/golden/pricing_midmonth.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402


def expected():
    start = D('2026-12-16')
    end = add_months(start, 1)                       # term = 1 month -> 2027-01-16
    minimum = 920 * 10 ** 6                          # USD per calendar month
    rate = F('2.10')                                 # USD/(gpu*hour)
    gpus = 1000
    want, total = {}, F(0)
    for i, (a, b) in enumerate(periods(start, end)):
        month_hours = hours(a.replace(day=1), add_months(a.replace(day=1), 1))
        due_min = minimum * F(hours(a, b), month_hours)
        usage = gpus * hours(a, b) * rate
        shortfall = max(F(0), due_min - usage)
        invoice = round_to(usage + shortfall, F(1, 100))
        total += invoice
        if i == 0:
            want['bill.periods[0].end'] = b.isoformat()
            want['bill.periods[0].shortfall'] = usd(shortfall)
        want['bill.periods[%d].total' % i] = usd(invoice)
    want['bill.total'] = usd(total)
    # the figure the lead gave: 920M x 384/744 = 474,838,709.677... -> .68
    assert want['bill.periods[0].total'] == usd(F('474838709.68'))
    return want


c = Checker('pricing_midmonth')
c.shown(read_shown('pricing_midmonth'), expected())
sys.exit(c.done())
