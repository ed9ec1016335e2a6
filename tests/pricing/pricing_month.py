#!/usr/bin/env python3
"""Month conventions of per-month rates.

100 TB (100,000 GB) held all the time at 0.023 USD per GB-month, 1 gpu at 1,460 USD per
gpu-month and 1 gpu at 2 USD/(gpu*hour), February (672 hours) and March (744 hours) 2027.
A per-month rate's level is priced for hours held x rate / the month's hours, where the
month is:
  month not given:    a storage-style rate (money per data per month): the calendar
                      month's own hours; any other per-month rate: 730 hours
  month = 730 hours:  730 hours for both
  month = calendar:   the calendar month's own hours for both
  month = 720 hours:  720 hours for both
GPU-hours are priced by their hours whatever the convention. A workload over hours gives
the same as one per period. Checks tests/golden/pricing_month.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, read_shown, usd  # noqa: E402

HOURS = [672, 744]
STORAGE = 100_000 * F('0.023')
GPU_MONTH = F(1460)


def charges(storage_month, gpu_month):
    """Per period: each per-month rate's hours held / its month's hours (h -> hours)."""
    return [{'storage': usd(STORAGE * F(h, storage_month(h))), 'gpu_month': usd(GPU_MONTH * F(h, gpu_month(h))),
             'gpu_hour': usd(2 * h)} for h in HOURS]


def calendar(h):
    return h


CONVENTIONS = {
    'default_month': (calendar, lambda h: 730),
    'pricing_month': (lambda h: 730, lambda h: 730),
    'calendar_month': (calendar, calendar),
    'lambda_month': (lambda h: 720, lambda h: 720),
}

want = {}
for contract, (storage_month, gpu_month) in CONVENTIONS.items():
    for workload in ('held', 'hourly'):
        for i, c in enumerate(charges(storage_month, gpu_month)):
            want['price(%s, %s).periods[%d].charges' % (workload, contract, i)] = c
shown = read_shown('pricing_month')
c = Checker('pricing_month')
c.shown(shown, want)
sys.exit(c.done())
