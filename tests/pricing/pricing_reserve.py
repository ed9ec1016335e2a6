#!/usr/bin/env python3
"""Reserved quantity with overage.

A reservation is billed in full at the SKU's rate whether used or not; usage above it is
billed at the overage rate (at the SKU's own rate when none is given). Levels (gpu, chip)
run all hours of the calendar month.
  gpu_hour: 2 USD/(gpu*hour), 100 gpu reserved, overage 3 USD/(gpu*hour); used 80 then 130 gpu
  storage:  0.02 USD/(GB*month), 1000 GB-month reserved; used 500 then 1500 GB-month
  tpu_hour: 1 USD/(chip*hour), 10 chip reserved; never used
Two months from 2027-01-01. Checks tests/golden/pricing_reserve.out."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402


def reserved(res, used, rate, overage):
    """(reserved charge, overage quantity, overage charge)"""
    over = max(F(0), used - res)
    return res * rate, over, over * overage


def expected():
    start = D('2027-01-01')
    want, total = {}, F(0)
    for i, (a, b) in enumerate(periods(start, add_months(start, 2))):
        h = hours(a, b)
        gpu_res, gpu_over_q, gpu_over = reserved(100 * h, [80, 130][i] * h, F(2), F(3))
        sto_res, _, sto_over = reserved(F(1000), F([500, 1500][i]), F('0.02'), F('0.02'))
        tpu_res, _, tpu_over = reserved(10 * h, F(0), F(1), F(1))
        charges = {'gpu_hour': gpu_res + gpu_over, 'storage': sto_res + sto_over, 'tpu_hour': tpu_res + tpu_over}
        want['bill.periods[%d].charges' % i] = {k: usd(v) for k, v in charges.items()}
        invoice = round_to(sum(charges.values()), F(1, 100))
        want['bill.periods[%d].total' % i] = usd(invoice)
        total += invoice
        if i == 1:
            # lines: gpu_hour reserved, then gpu_hour overage
            want['bill.periods[1].lines[1].category'] = 'overage'
            want['bill.periods[1].lines[1].quantity'] = (gpu_over_q, 'gpu*hour')
            want['bill.periods[1].lines[1].amount'] = usd(gpu_over)
    want['bill.total'] = usd(total)
    return want


c = Checker('pricing_reserve')
c.shown(read_shown('pricing_reserve'), expected())
sys.exit(c.done())
