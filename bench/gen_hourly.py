#!/usr/bin/env python3
"""Generates an hourly contract for bench/hourly.sh: MONTHS months from 2027-01-01 and SKUS
SKUs, usage over hours (a day/night pattern per SKU, idle in the last hour of each day),
s0 under an hourly reservation and s1..s4 under one spend-based plan.
  usage: gen_hourly.py MONTHS SKUS
bench/hourly_model.py prices the same contract with Python fractions (the anchor)."""
import sys
from fractions import Fraction as F

RESERVED, OVERAGE, PLAN = 100, F(9), F(500)


def rate(i):
    return F("%d.%02d" % (1 + i % 7, (13 * i) % 100))


def plan_rate(i):
    return F("%d.%02d" % (i % 7, (7 * i) % 100))


def plan_skus(skus):
    return range(1, min(5, skus))


def usage(i, hour_of_day):
    """SKU i's GPUs in an hour of the day"""
    if hour_of_day == 23:
        return 0
    return 150 + 5 * i if hour_of_day < 12 else 20 + i


def contract(months, skus):
    out = ["contract big {", "  start = 2027-01-01", "  term = %d months" % months]
    out += ["  rate s%d = %d.%02d USD/(gpu*hour)" % (i, 1 + i % 7, (13 * i) % 100) for i in range(skus)]
    out.append("  reserve s0 = %d gpu per hour overage %s USD/(gpu*hour)" % (RESERVED, OVERAGE))
    out.append("  plan compute = %s USD per hour {" % PLAN)
    out += ["    rate s%d = %d.%02d USD/(gpu*hour)" % (i, i % 7, (7 * i) % 100) for i in plan_skus(skus)]
    out += ["  }", "}", "workload w {", "  hod = hour_of_day(t)"]
    out += ["  use s%d = if hod == 23 then 0 gpu else if hod < 12 then %d gpu else %d gpu" % (i, 150 + 5 * i, 20 + i)
            for i in range(skus)]
    out += ["}", "show price(w, big).total"]
    return "\n".join(out)


if __name__ == "__main__":
    print(contract(int(sys.argv[1]), int(sys.argv[2])))
