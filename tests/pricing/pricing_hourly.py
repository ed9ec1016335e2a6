#!/usr/bin/env python3
"""Reservations applied hour by hour (use it or lose it), with usage over hours.

In each hour a reservation covers usage up to its hourly amount at the SKU's rate; the rest
of that hour's reservation is unused and billed at the same rate; usage above it pays the
overage rate. Lines per period: committed_use, unused_commitment, on_demand.
  gpu_hour: 4 gpu per hour at 2 USD/(gpu*hour), overage 3; usage 8 gpu in hours 0..11 of
            each day, 2 gpu in hours 12..23, none in hours 240..263 (2027-01-11)
  egress:   1 GB per minute (60 GB an hour) at 0.05 USD/GB, overage 0.09; 100 GB in hours
            0..5 of the day, 30 GB otherwise
  storage:  10 TB held every hour at 0.02 USD/(GB*month); no reservation. A storage-style
            rate counts each calendar month's own hours, so a whole month is one month
Two months from 2027-01-01; each invoice rounded to the cent (half-even), with a rounding
line. Checks tests/golden/pricing_hourly.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, days_in_month, hours, periods, read_shown, round_to, usd  # noqa: E402


def line(sku, category, qty, unit, rate):
    r = (F(rate), 'USD/' + ('(%s)' % unit if '*' in unit else unit))
    return {'sku': '"%s"' % sku, 'category': '"%s"' % category, 'quantity': (F(qty), unit),
            'list_rate': r, 'rate': r, 'amount': usd(F(qty) * F(rate))}


def hourly(sku, unit, cap, rate, overage, usage, first, last):
    used = unused = over = F(0)
    for h in range(first, last):
        u = usage(h)
        c = min(u, cap)
        used, unused, over = used + c, unused + cap - c, over + u - c
    return [line(sku, 'committed_use', used, unit, rate), line(sku, 'unused_commitment', unused, unit, rate),
            line(sku, 'on_demand', over, unit, overage)]


def gpus(h):
    if 240 <= h < 264:
        return F(0)
    return F(8) if h % 24 < 12 else F(2)


def egress(h):
    return F(100) if h % 24 < 6 else F(30)


def expected():
    start = D('2027-01-01')
    want, total, first = {}, F(0), 0
    for i, (a, b) in enumerate(periods(start, add_months(start, 2))):
        last = first + hours(a, b)
        lines = hourly('gpu_hour', 'gpu*hour', 4, 2, 3, gpus, first, last)
        lines += hourly('egress', 'GB', 60, F('0.05'), F('0.09'), egress, first, last)
        storage = line('storage', 'usage', 10_000 * F(hours(a, b), 24 * days_in_month(a)), 'GB*month', F('0.02'))
        lines.append(storage)
        due = sum(l['amount'][0] for l in lines)
        invoice = round_to(due, F(1, 100))
        if invoice != due:   # a rounding line only when rounding changed the total
            lines.append({'sku': '"invoice"', 'category': '"rounding"', 'amount': usd(invoice - due)})
        want['bill.periods[%d].lines' % i] = lines
        want['bill.periods[%d].total' % i] = usd(invoice)
        total += invoice
        first = last
    want['bill.total'] = usd(total)
    return want


c = Checker('pricing_hourly')
c.shown(read_shown('pricing_hourly'), expected())
sys.exit(c.done())
