#!/usr/bin/env python3
"""Month conventions of per-month rates.

100 TB (100,000 GB) held all the time at 0.023 USD per GB-month, and 1 gpu at
2 USD/(gpu*hour), February (672 hours) and March (744 hours) 2027:
  default (the pricing month, 730 hours): storage = 100,000 x 0.023 x hours / 730
  month = calendar:                       storage = 100,000 x 0.023 per calendar month
  month = 720 hours:                      storage = 100,000 x 0.023 x hours / 720
GPU-hours are priced by their hours whatever the convention. A workload over hours gives
the same as one per period. Checks tests/golden/pricing_month.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, read_shown, usd  # noqa: E402

HOURS = [672, 744]
MONTHLY = 100_000 * F('0.023')


def charges(month_hours):
    return [{'storage': usd(MONTHLY * (F(h) / month_hours(h))), 'gpu_hour': usd(2 * h)} for h in HOURS]


want = {}
for name, month_hours in (('held, pricing_month', lambda h: 730), ('held, calendar_month', lambda h: h),
                          ('held, lambda_month', lambda h: 720)):
    for i, c in enumerate(charges(month_hours)):
        want['price(%s).periods[%d].charges' % (name, i)] = c
want['price(hourly, calendar_month).periods[0].charges'] = charges(lambda h: h)[0]
shown = read_shown('pricing_month')
c = Checker('pricing_month')
c.shown(shown, want)
sys.exit(c.done())
