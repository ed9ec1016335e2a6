#!/usr/bin/env python3
"""Graduated versus volume pricing on the egress tiers of examples/walkthrough.outlay.

Tiers (GB): [0, 100) at 0; [100, 10,000) at 0.09; [10,000, 50,000) at 0.085;
[50,000, 150,000) at 0.07; 150,000 and above at 0.05 USD/GB. Graduated prices each
tier's slice at its own rate; volume prices every unit at the rate of the tier the
quantity falls in. Usage: 200 TB in the first month, 120 GB in the second.
Checks tests/golden/pricing_graduated_volume.out."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, graduated, read_shown, round_to, tier_rate, usd  # noqa: E402


TB = 1000  # GB
TIERS = [(100, F(0)), (10 * TB, F('0.09')), (50 * TB, F('0.085')), (150 * TB, F('0.07')), (None, F('0.05'))]


def expected():
    usage = [200 * TB, 120]
    g = [round_to(graduated(TIERS, 0, q), F(1, 100)) for q in usage]
    v = [round_to(q * tier_rate(TIERS, q), F(1, 100)) for q in usage]
    assert g[0] == 13791 and v[0] == 10000      # the figures from the lead's brief
    return {
        'g.periods[0].total': usd(g[0]), 'v.periods[0].total': usd(v[0]),
        'g.periods[1].total': usd(g[1]), 'v.periods[1].total': usd(v[1]),
        'g.total': usd(sum(g)), 'v.total': usd(sum(v)),
    }


c = Checker('pricing_graduated_volume')
c.shown(read_shown('pricing_graduated_volume'), expected())
sys.exit(c.done())
