#!/usr/bin/env python3
"""Commitments in usage units (commit N SKU per month).

N is so much of what the SKU's rate prices per month. Each day owes N / the days of its
calendar month (the last line in force that day); a period's committed quantity is the sum
over its days, and max(0, committed - the period's usage) is billed at the SKU's rate on an
`unused_commitment` line, part of the SKU's charges.
  monthly:   gpu_hour 50,000 GPU-hours a month at 2 USD/(gpu*hour); usage 60, 80 and 0 gpu
             in January to March 2027; egress 1,000 GB a month at 0.05 USD/GB, never used
  quarterly: 2027-02-10 to 2027-08-10 billed by calendar quarter; 50,000 GPU-hours a month,
             70,000 from 2027-05-16; usage 70 gpu all the time
Invoices rounded to the cent. Checks tests/golden/pricing_commit_usage.out (--exact)."""

import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, days_in_month, hours, periods, read_shown, round_to, usd  # noqa: E402

GPU_RATE = (F(2), 'USD/(gpu*hour)')
EGRESS_RATE = (F(5, 100), 'USD/GB')


def line(sku, category, qty, unit, rate):
    return {'sku': '"%s"' % sku, 'category': '"%s"' % category, 'quantity': (F(qty), unit),
            'list_rate': rate, 'rate': rate, 'amount': usd(qty * rate[0])}


def committed(a, b, steps):
    """Sum over the days of [a, b) of the monthly amount in force / the days of its month."""
    total, d = F(0), a
    while d < b:
        amount = [n for since, n in steps if since <= d][-1]
        total += F(amount, days_in_month(d))
        d += datetime.timedelta(days=1)
    return total


def monthly_case(want):
    total = F(0)
    for i, ((a, b), gpus) in enumerate(zip(periods(D('2027-01-01'), D('2027-04-01')), (60, 80, 0))):
        q = gpus * hours(a, b)
        unused = max(F(0), committed(a, b, [(a, 50000)]) - q)
        lines = [line('gpu_hour', 'usage', q, 'gpu*hour', GPU_RATE)]
        if unused:
            lines.append(line('gpu_hour', 'unused_commitment', unused, 'gpu*hour', GPU_RATE))
        lines += [line('egress', 'usage', 0, 'GB', EGRESS_RATE), line('egress', 'unused_commitment', 1000, 'GB', EGRESS_RATE)]
        invoice = round_to(sum(l['amount'][0] for l in lines), F(1, 100))
        if i < 2:
            want['bill.periods[%d].lines' % i] = lines
        else:
            want['bill.periods[2].total'] = usd(invoice)
        total += invoice
    want['bill.total'] = usd(total)


def quarterly_case(want):
    total = F(0)
    bounds = [D('2027-02-10'), D('2027-04-01'), D('2027-07-01'), D('2027-08-10')]
    steps = [(D('2027-02-10'), 50000), (D('2027-05-16'), 70000)]
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        q = 70 * hours(a, b)
        charge = 2 * (q + max(F(0), committed(a, b, steps) - q))
        want['q.periods[%d].charges.gpu_hour' % i] = usd(charge)
        total += round_to(charge, F(1, 100))
    want['q.total'] = usd(total)


want = {}
monthly_case(want)
quarterly_case(want)
c = Checker('pricing_commit_usage')
c.shown(read_shown('pricing_commit_usage'), want)
# a shortfall in January, none in February, the whole commitment in idle March
c.eq('January unused', want['bill.periods[0].lines'][1]['quantity'], (F(5360), 'gpu*hour'))
c.eq('February lines', len(want['bill.periods[1].lines']), 3)
c.eq('March', want['bill.periods[2].total'], usd(100000 + 50))
sys.exit(c.done())
