#!/usr/bin/env python3
"""Adds N scenarios and one compare of all of them to a generated contract (the compare
benchmark): each scenario sets the workload's uptime, from 99.800% by 0.001% (the 99.9%
SLA band holds for the first hundred).

usage: gen_contract.py 120 40 | gen_scenarios.py N > compare.outlay"""
import sys

n = int(sys.argv[1])
text = sys.stdin.read().replace("show bill.total\n", "").rstrip("\n")
out = [text]
for i in range(n):
    out.append("scenario v%d { uptime = %s%% }" % (i, "99.%03d" % (800 + i)))
out.append("compare %s { bill.total }" % ", ".join("v%d" % i for i in range(n)))
print("\n".join(out))
