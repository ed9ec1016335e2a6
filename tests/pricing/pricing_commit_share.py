#!/usr/bin/env python3
"""A share of a reservation committed (commit P of reserved SKU).

The reservation is paid as far as it is used, up to the reserved quantity R of the period
(a `reserved` line, noting that quantity as `used`, or `committed_use` for one applied hour
by hour); max(0, P x R - used)
is billed at the reserved rate on an `unused_commitment` line (every period for an hourly
reservation, even when 0, as without a share); usage above R pays the overage rate (an
`overage` line, there even when 0).
  share:  R = 100 gpu x the period's hours, P = 80%, 2 USD and 3 USD/(gpu*hour) overage;
          usage 50, 90 and 120 gpu in January, February and March 2027
  hourly: 4 gpu reserved in each hour, P = 60%; 8 gpu in the first 12 hours of each day,
          else 0 gpu in January and 3 gpu in February
Invoices rounded to the cent. Checks tests/golden/pricing_commit_share.out (--exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402

GPU_HOUR = 'gpu*hour'
RATE = (F(2), 'USD/(gpu*hour)')
OVER = (F(3), 'USD/(gpu*hour)')


def line(category, qty, rate):
    return {'sku': '"gpu_hour"', 'category': '"%s"' % category, 'quantity': (F(qty), GPU_HOUR),
            'list_rate': rate, 'rate': rate, 'amount': usd(qty * rate[0])}


def share_case(want):
    total = F(0)
    for i, ((a, b), gpus) in enumerate(zip(periods(D('2027-01-01'), D('2027-04-01')), (50, 90, 120))):
        h = hours(a, b)
        reserved, q = 100 * h, gpus * h
        used = min(q, reserved)
        unused = max(F(0), F(80, 100) * reserved - used)
        over = max(F(0), q - reserved)
        lines = [dict(line('reserved', used, RATE), used=(used, GPU_HOUR))]
        if unused:
            lines.append(line('unused_commitment', unused, RATE))
        lines.append(line('overage', over, OVER))   # there even when 0: it says the rate
        want['bill.periods[%d].lines' % i] = lines
        total += round_to(sum(l['amount'][0] for l in lines), F(1, 100))
    want['bill.total'] = usd(total)


def hourly_case(want):
    total = F(0)
    for i, (a, b) in enumerate(periods(D('2027-01-01'), D('2027-03-01'))):
        covered = over = F(0)
        for h in range(int(hours(a, b))):
            u = 8 if h % 24 < 12 else (0 if i == 0 else 3)
            covered += min(u, 4)
            over += max(0, u - 4)
        unused = max(F(0), F(60, 100) * 4 * hours(a, b) - covered)
        lines = [line('committed_use', covered, RATE), line('unused_commitment', unused, RATE), line('on_demand', over, OVER)]
        want['hb.periods[%d].lines' % i] = lines
        total += round_to(sum(l['amount'][0] for l in lines), F(1, 100))
    want['hb.total'] = usd(total)


want = {}
share_case(want)
hourly_case(want)
c = Checker('pricing_commit_share')
c.shown(read_shown('pricing_commit_share'), want)
# the three cases: a shortfall (January), none (February: 90 of 100 used), overage (March)
c.eq('January unused', want['bill.periods[0].lines'][1]['quantity'], (F(30 * 744), GPU_HOUR))
c.eq('February lines', [l['category'] for l in want['bill.periods[1].lines']], ['"reserved"', '"overage"'])
c.eq('hourly January unused', want['hb.periods[0].lines'][1]['quantity'], (F(6, 10) * 4 * 744 - 4 * 12 * 31, GPU_HOUR))
sys.exit(c.done())
