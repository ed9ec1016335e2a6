#!/usr/bin/env python3
"""Independent check of examples/savings-plan.outlay: a spend-based plan over two SKUs
with different savings, applied hour by hour, with its parameters set from the command line.

January 2027 (744 hours). p5_48xlarge runs p5_vms in hours 0..11 of each day, p4d_24xlarge
runs p4d_vms every hour. In each hour the plan spends `commitment` on usage at plan rates,
the SKU with the largest percentage saving (1 - plan rate / own rate) first; what it cannot
pay for is billed at the SKU's own rate (on_demand); what the hour leaves unspent is billed
(unused_commitment, in the invoice's shortfall). Lines rounded to the cent, half-even.

Own rates (stdlib/providers/aws.outlay, sourced there): p5.48xlarge 55.04 USD/hour,
p4d.24xlarge 21.957642 USD/hour. The example's plan rates are labelled assumptions (55% and
70% of those). Runs $OUTLAY with --format json --exact and compares exact amounts."""
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import check, finish, first_invoice, round_to  # noqa: E402

P5, P4D = F("55.04"), F("21.957642")


def expected(commitment=60, p5_vms=2, p4d_vms=3, p5_plan=P5 * F(55, 100), p4d_plan=P4D * F(70, 100)):
    skus = {"p5_48xlarge": (P5, F(p5_plan)), "p4d_24xlarge": (P4D, F(p4d_plan))}
    order = sorted(skus, key=lambda s: (skus[s][1] / skus[s][0], list(skus).index(s)))
    covered = {s: F(0) for s in skus}
    over = {s: F(0) for s in skus}
    unused = F(0)
    for h in range(31 * 24):
        use = {"p5_48xlarge": F(p5_vms) if h % 24 < 12 else F(0), "p4d_24xlarge": F(p4d_vms)}
        left = F(commitment)
        for s in order:
            rate, plan = skus[s]
            c = min(use[s], left / plan)
            covered[s] += c
            over[s] += use[s] - c
            left -= c * plan
        unused += left
    cent = F(1, 100)
    want = {}
    for s, (rate, plan) in skus.items():
        want[(s, "committed_use")] = (covered[s], round_to(covered[s] * plan, cent))
        want[(s, "on_demand")] = (over[s], round_to(over[s] * rate, cent))
    want[("compute", "unused_commitment")] = (None, round_to(unused, cent))
    return want


CASES = [
    ({}, {}),
    ({"commitment": "200 USD per hour"}, {"commitment": 200}),              # more than all usage
    ({"commitment": "20 USD per hour"}, {"commitment": 20}),                # less than any hour's usage
    ({"p4d_vms": "0 vm"}, {"p4d_vms": 0}),                                  # idle hours of the plan
    ({"p5_plan_rate": "50 USD/(vm*hour)"}, {"p5_plan": 50}),                # p4d saves more: it goes first
    ({"p5_vms": "4 vm", "p4d_plan_rate": "10 USD/(vm*hour)"}, {"p5_vms": 4, "p4d_plan": 10}),
]

for sets, params in CASES:
    inv = first_invoice("savings-plan", sets)
    if inv is None:
        continue
    want = expected(**params)
    lines = {(l["sku"], l["category"]): l for l in inv["periods"][0]["lines"]}
    check(sorted(lines) == sorted(want), "%s: lines %s" % (sets, sorted(lines)))
    total = F(0)
    for key, (qty, amount) in want.items():
        line = lines.get(key)
        if not line:
            continue
        if qty is not None:
            check(F(line["quantity"]["exact"]) == qty, "%s: %s quantity %s, want %s" % (sets, key, line["quantity"]["exact"], qty))
        check(F(line["amount"]["exact"]) == amount, "%s: %s amount %s, want %s" % (sets, key, line["amount"]["exact"], amount))
        total += amount
    check(F(inv["total"]["exact"]) == total, "%s: total %s, want %s" % (sets, inv["total"]["exact"], total))
    check(F(inv["shortfall"]["exact"]) == want[("compute", "unused_commitment")][1], "%s: shortfall" % sets)

finish("savings_plan", "%d cases of the hourly savings plan, its parameters set" % len(CASES))
