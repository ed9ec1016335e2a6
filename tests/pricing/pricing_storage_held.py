#!/usr/bin/env python3
"""Storage held through February and March 2027 against rates per GB-month.

AWS S3 meters storage in byte-hours and bills GB-months over the hours of the calendar
month the hours fall in; here every hour of the term is summed in GB-hours and divided by
its own month's hours (672 for February, 744 for March), month by month:
  held:     300 TB (300,000 GB) every hour
  changing: 300 TB in hours [0, 228), 420 TB in [228, 1008), 150 TB from 1008 on, plus
            20 TB in the first 6 hours of each day
  s3:         0.023 USD per GB-month, per month
  s3_tiers:   graduated per month: first 50,000 GB-month at 0.023, next 450,000 at 0.022,
              above at 0.021
  s3_quarter: 0.023 flat, one quarterly period Feb 1 to Apr 1: its GB-months are February's
              plus March's, each over its own month's hours; the invoice rounds to the cent
  calculator: month = 730 hours: every month's GB-hours over 730
Checks tests/golden/pricing_storage_held.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, graduated, hours, periods, read_shown, round_to, usd  # noqa: E402

START, END = D('2027-02-01'), D('2027-04-01')
RATE = F('0.023')
TIERS = [(F(50_000), F('0.023')), (F(500_000), F('0.022')), (None, F('0.021'))]


def held(h):
    return F(300_000)


def changing(h):
    base = 300_000 if h < 228 else 420_000 if h < 1008 else 150_000
    return F(base + (20_000 if h % 24 < 6 else 0))


def month_hours(workload):
    """Per calendar month (each billing month here): (GB-hours held, the month's hours)."""
    out, first = [], 0
    for a, b in periods(START, END):
        n = hours(a, b)
        out.append((sum(workload(h) for h in range(first, first + n)), n))
        first += n
    return out


def gb_months(workload, month=None):
    """GB-months of each month: its GB-hours over its own hours, or over `month` hours."""
    return [gbh / (month or n) for gbh, n in month_hours(workload)]


def charges(amount):
    return {'storage': usd(amount)}


want = {}
for name, w in (('held', held), ('changing', changing)):
    for i, q in enumerate(gb_months(w)):
        want['price(%s, s3).periods[%d].charges' % (name, i)] = charges(q * RATE)
    for i, q in enumerate(gb_months(w, 730)):
        want['price(%s, calculator).periods[%d].charges' % (name, i)] = charges(q * RATE)
q = gb_months(changing)
want['price(changing, s3).quantities'] = {'storage': (sum(q), 'GB*month')}
for i, qi in enumerate(q):
    want['price(changing, s3_tiers).periods[%d].charges' % i] = charges(graduated(TIERS, 0, qi))
want['price(changing, s3_quarter).periods[0].charges'] = charges(sum(q) * RATE)
want['price(changing, s3_quarter).total'] = usd(round_to(sum(q) * RATE, F(1, 100)))

c = Checker('pricing_storage_held')
c.shown(read_shown('pricing_storage_held'), want)
sys.exit(c.done())
