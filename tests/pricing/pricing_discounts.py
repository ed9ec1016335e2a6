#!/usr/bin/env python3
"""Discounts: per SKU, on all charges, on spend above a monthly threshold, and stacked.

Usage: January 1 gpu all month (744 h) at 2 USD/(gpu*hour) and 10000 GB-month of storage
at 0.02 USD/(GB*month); February storage only (the gpu usage is 0).
  sku_only: 10% on gpu_hour          on_all: 5% of all charges
  above:    20% of the spend above 1000 USD per month (whole months: no proration)
  stacked:  all three, applied in the order per SKU, all charges, spend above, each on
            the net the previous ones left (the order in src/contract.c's header)
The invoice rounds to cents half even; discounts themselves are not rounded.
Checks tests/golden/pricing_discounts.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402


def price(gpu, storage, sku_pct=0, all_pct=0, above_pct=0, threshold=F(1000)):
    net = gpu + storage
    d_sku = -gpu * sku_pct
    net += d_sku
    d_all = -net * all_pct
    net += d_all
    d_above = -max(F(0), net - threshold) * above_pct
    net += d_above
    return d_sku + d_all + d_above, net, round_to(net, F(1, 100))


def expected():
    start = D('2027-01-01')
    months = periods(start, add_months(start, 2))
    usage = [(hours(a, b) * 1 * F(2) if i == 0 else F(0), 10000 * F('0.02')) for i, (a, b) in enumerate(months)]
    want = {}
    terms = {
        'a': dict(sku_pct=F(10, 100)),
        'b': dict(all_pct=F(5, 100)),
        'c': dict(above_pct=F(20, 100)),
        'd': dict(sku_pct=F(10, 100), all_pct=F(5, 100), above_pct=F(20, 100)),
    }
    res = {k: [price(g, s, **t) for g, s in usage] for k, t in terms.items()}
    want['a.periods[0].discounts'] = usd(res['a'][0][0])
    want['a.periods[0].total'] = usd(res['a'][0][2])
    want['a.periods[1].total'] = usd(res['a'][1][2])
    want['b.periods[0].discounts'] = usd(res['b'][0][0])
    want['b.periods[0].total'] = usd(res['b'][0][2])
    want['b.periods[1].total'] = usd(res['b'][1][2])
    want['c.periods[0].discounts'] = usd(res['c'][0][0])
    want['c.periods[0].total'] = usd(res['c'][0][2])
    want['c.periods[1].discounts'] = usd(res['c'][1][0])
    want['c.periods[1].total'] = usd(res['c'][1][2])
    want['d.periods[0].discounts'] = usd(res['d'][0][0])
    want['d.periods[0].net'] = usd(res['d'][0][1])
    want['d.periods[0].total'] = usd(res['d'][0][2])
    want['d.periods[1].total'] = usd(res['d'][1][2])
    want['d.total'] = usd(res['d'][0][2] + res['d'][1][2])
    return want


c = Checker('pricing_discounts')
c.shown(read_shown('pricing_discounts'), expected())
sys.exit(c.done())
