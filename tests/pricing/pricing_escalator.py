#!/usr/bin/env python3
"""An escalator crossing contract years: rates x 1.03^k in contract year k.

Contract year k runs from start + k years to start + k + 1 years. `deal` starts on
2026-11-01 for 25 months: periods 0-11 are year 0, 12-23 year 1, 24 year 2. Usage each
month: 100 gpu all month at 1 USD/(gpu*hour), and 20 TB of egress, graduated: the first
10 TB at 0.09, the rest at 0.05 USD/GB.
Checks tests/golden/pricing_escalator.out (run with --exact)."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402


def contract_year(start, day):
    k = 0
    while add_months(start, 12 * (k + 1)) <= day:
        k += 1
    return k


def egress(q_gb):
    return min(q_gb, 10000) * F('0.09') + max(0, q_gb - 10000) * F('0.05')


def expected():
    want = {}
    start = D('2026-11-01')
    ps = periods(start, add_months(start, 25))
    bill = []
    for a, b in ps:
        # each of these periods lies wholly inside one contract year
        assert contract_year(start, a) == contract_year(start, b - datetime.timedelta(days=1))
        esc = F(103, 100) ** contract_year(start, a)
        gpu = 100 * hours(a, b) * F(1) * esc
        eg = egress(20000) * esc
        bill.append(({'gpu_hour': usd(gpu), 'egress': usd(eg)}, round_to(gpu + eg, F(1, 100))))
    want['bill.periods[0].total'] = usd(bill[0][1])
    want['bill.periods[11].start'] = ps[11][0].isoformat()
    want['bill.periods[11].total'] = usd(bill[11][1])
    want['bill.periods[12].start'] = ps[12][0].isoformat()
    want['bill.periods[12].charges'] = bill[12][0]
    want['bill.periods[12].total'] = usd(bill[12][1])
    want['bill.periods[23].total'] = usd(bill[23][1])
    want['bill.periods[24].start'] = ps[24][0].isoformat()
    want['bill.periods[24].charges'] = bill[24][0]
    want['bill.periods[24].total'] = usd(bill[24][1])
    return want


c = Checker('pricing_escalator')
c.shown(read_shown('pricing_escalator'), expected())
sys.exit(c.done())
