#!/usr/bin/env python3
"""The anchor of bench/hourly.sh: prices gen_hourly.py's contract with Python fractions,
hour by hour (the reservation on s0, the plan on s1..s4 largest saving first, the other SKUs
at their rates), each monthly invoice rounded to the cent, and prints the term's total as
Outlay shows it, so the benchmark also checks the engine's answer.
  usage: hourly_model.py MONTHS SKUS"""
import calendar
import sys
from fractions import Fraction as F

from gen_hourly import OVERAGE, PLAN, RESERVED, plan_rate, plan_skus, rate, usage


def round_cent(x):
    n = x * 100
    fl = n.numerator // n.denominator
    rest = n - fl
    r = fl + (1 if rest > F(1, 2) or (rest == F(1, 2) and fl % 2) else 0)
    return F(r, 100)


def price(months, skus):
    by_saving = sorted(plan_skus(skus), key=lambda i: (plan_rate(i) / rate(i), i))
    others = [i for i in range(1, skus) if i not in by_saving]
    total = F(0)
    year, month = 2027, 1
    for _ in range(months):
        due = F(0)
        for day in range(calendar.monthrange(year, month)[1]):
            for hod in range(24):
                u = usage(0, hod)
                due += min(u, RESERVED) * rate(0) + (RESERVED - min(u, RESERVED)) * rate(0) + max(0, u - RESERVED) * OVERAGE
                left = PLAN
                for i in by_saving:
                    u = usage(i, hod)
                    c = min(F(u), left / plan_rate(i))
                    left -= c * plan_rate(i)
                    due += c * plan_rate(i) + (u - c) * rate(i)
                due += left
                due += sum(usage(i, hod) * rate(i) for i in others)
        total += round_cent(due)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return total


if __name__ == "__main__":
    t = price(int(sys.argv[1]), int(sys.argv[2]))
    whole = t.numerator * 100 // t.denominator
    print("price(w, big).total = {:,}.{:02d} USD".format(whole // 100, whole % 100))
