#!/usr/bin/env python3
"""The usage benchmark's independent reference: per SKU and calendar month, the sum of
the quantity (and of BilledCost in a FOCUS file) with Python's csv and decimal, printed
as exact fractions in usage_dump --months' form. Rows are hourly, so a row's month is its
start's. A FILE ending in .gz is decompressed. usage_ref.py narrow|focus FILE"""
import csv
import gzip
import sys
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 60
kind, path = sys.argv[1], sys.argv[2]
sums, order = {}, []
with (gzip.open(path, "rt", newline="") if path.endswith(".gz") else open(path, newline="")) as f:
    r = csv.reader(f)
    head = next(r)
    if kind == "narrow":
        at, sku, qty, cost = head.index("at"), head.index("sku"), head.index("qty"), None
    else:
        at, sku, qty = head.index("ChargePeriodStart"), head.index("SkuId"), head.index("PricingQuantity")
        cost = head.index("BilledCost")
    for row in r:
        key = (row[sku], row[at][:7])
        s = sums.get(key)
        if s is None:
            s = sums[key] = [Decimal(0), Decimal(0)]
            order.append(key)
        s[0] += Decimal(row[qty])
        if cost is not None:
            s[1] += Decimal(row[cost])
skus = []
for k, _ in order:
    if k not in skus:
        skus.append(k)
for k in skus:
    for (s, month) in sorted(m for m in sums if m[0] == k):
        q, c = sums[(s, month)]
        line = "%s %s %s" % (s, month, Fraction(q))
        if cost is not None:
            line += " %s" % Fraction(c)
        print(line)
