#!/usr/bin/env python3
"""SLA credit bands: the largest band whose condition holds, times the period's net.

Bands: 25% when uptime < 99.0%, 10% when uptime < 99.9% (the larger written first).
Net each month: 50000 GB-month at 0.02 USD/(GB*month) = 1000 USD. Uptime by month:
99.95%, 99.5%, 98.7%, 99.9% (not below 99.9%), 99.0% (not below 99.0%, below 99.9%).
Checks tests/golden/pricing_sla.out."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, read_shown, round_to, usd  # noqa: E402


BANDS = [(F(25, 100), F(990, 1000)), (F(10, 100), F(999, 1000))]   # (credit, uptime below)


def expected():
    uptime = [F(9995, 10000), F(995, 1000), F(987, 1000), F(999, 1000), F(990, 1000)]
    net = 50000 * F('0.02')
    credits, totals = [], []
    for u in uptime:
        pct = max([p for p, below in BANDS if u < below], default=F(0))
        credits.append(net * pct)
        totals.append(round_to(net - net * pct, F(1, 100)))
    idx = range(5)
    return {
        '[%s]' % ', '.join('bill.periods[%d].sla_credit' % i for i in idx): [usd(x) for x in credits],
        '[%s]' % ', '.join('bill.periods[%d].total' % i for i in idx): [usd(x) for x in totals],
        'bill.sla_credit': usd(sum(credits)),
        'bill.total': usd(sum(totals)),
    }


c = Checker('pricing_sla')
c.shown(read_shown('pricing_sla'), expected())
sys.exit(c.done())
