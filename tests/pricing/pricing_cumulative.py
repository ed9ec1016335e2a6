#!/usr/bin/env python3
"""Cumulative tiers across periods, graduated and volume, against tiers reset monthly.

Tiers (GB): [0, 100) at 0.10; [100, 300) at 0.05; 300 and above at 0.02 USD/GB.
Usage: 160 GB in each of three months.
  graduated:            each month priced from 0 GB
  graduated cumulative: each month prices the slice [used before, used before + 160)
  volume:               all 160 GB at the rate of the tier 160 GB falls in
  volume cumulative:    the month's 160 GB at the rate of the tier the running total,
                        this month included, has reached
Checks tests/golden/pricing_cumulative.out."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, graduated, read_shown, round_to, tier_rate, usd  # noqa: E402


TIERS = [(100, F('0.10')), (300, F('0.05')), (None, F('0.02'))]


def expected():
    use = [160, 160, 160]
    g, gc, v, vc = [], [], [], []
    before = 0
    for q in use:
        g.append(graduated(TIERS, 0, q))
        gc.append(graduated(TIERS, before, before + q))
        v.append(q * tier_rate(TIERS, q))
        vc.append(q * tier_rate(TIERS, before + q))
        before += q
    want = {}
    for name, xs in (('g', g), ('gc', gc), ('v', v), ('vc', vc)):
        xs = [round_to(x, F(1, 100)) for x in xs]
        want['[%s]' % ', '.join('%s.periods[%d].total' % (name, i) for i in range(3))] = [usd(x) for x in xs]
        want['%s.total' % name] = usd(sum(xs))
    return want


c = Checker('pricing_cumulative')
c.shown(read_shown('pricing_cumulative'), expected())
sys.exit(c.done())
