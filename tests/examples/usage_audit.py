#!/usr/bin/env python3
"""Independent check of examples/usage-audit.outlay: reads examples/usage-audit.csv with
Python's csv module and recomputes, with exact fractions, the invoice and the audit (with
each month's rows per SKU) that
tests/golden/example_usage-audit.out records; and checks that usage-audit-gen.py writes
the shipped CSV byte for byte.

The contract: gpu_hour 2.10 USD per GPU-hour; storage 0.02 USD per GB-month, the export
billing GB-Hours (a month is 730 hours); egress graduated per month, the first 10 TB
(10,000 GB) at 0.09 USD/GB and the rest at 0.07; an 80,000 USD monthly minimum; each
month's invoice rounded to the cent, half-even. Rows kept: ChargeCategory Usage."""
import csv
import os
import re
import subprocess
import sys
import tempfile
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
sys.path.insert(0, os.path.join(HERE, '..'))
from outlay_check import failures, finish, money, round_to  # noqa: E402


def check(what, got, want):
    if got != want:
        failures.append(f'{what}: got {got}, want {want}')

CSV = os.path.join(ROOT, 'examples', 'usage-audit.csv')
SKUS = {'NVIDIA-H100-80GB': 'gpu_hour', 'Block-Storage-SSD': 'storage', 'Internet-Egress': 'egress'}

# the generator writes the shipped file again, byte for byte
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, 'u.csv')
    subprocess.run([sys.executable, os.path.join(ROOT, 'examples', 'usage-audit-gen.py'), out], check=True)
    check('usage-audit-gen.py reproduces usage-audit.csv', open(out, 'rb').read() == open(CSV, 'rb').read(), True)

qty, billed, listed, nrows = {}, {}, {}, {}
with open(CSV, newline='') as f:
    for r in csv.DictReader(f):
        if r['ChargeCategory'] != 'Usage':
            continue
        key = (r['ChargePeriodStart'][:7], SKUS[r['SkuId']])
        qty[key] = qty.get(key, 0) + F(r['PricingQuantity'])
        billed[key] = billed.get(key, 0) + F(r['BilledCost'])
        listed[key] = listed.get(key, 0) + F(r['ListCost'])
        nrows[key] = nrows.get(key, 0) + 1   # a row counts in the month it starts


def charge(sku, q):
    if sku == 'gpu_hour':
        return q * F('2.10')
    if sku == 'storage':
        return q * F('0.02') / 730
    return min(q, 10000) * F('0.09') + max(q - 10000, 0) * F('0.07')


text = open(os.path.join(ROOT, 'tests', 'golden', 'example_usage-audit.out')).read()
term = 0
for month in ('2027-01', '2027-02'):
    charges = {s: charge(s, qty[(month, s)]) for s in ('gpu_hour', 'storage', 'egress')}
    gross = sum(charges.values())
    total = round_to(max(gross, F(80000)), F(1, 100))
    term += total
    row = re.search(r'^' + month + r'\s+([\d,.]+)\s+([\d,.]+)\s+([\d,.]+)\s+([\d,.]+)$', text, re.M)
    check(f'{month} invoice row', row.groups(), tuple(money(charges[s]) for s in ('gpu_hour', 'storage', 'egress')) + (money(total),))
    for s in ('gpu_hour', 'storage', 'egress'):
        line = re.search(r'^' + month + ' ' + s + r'\s.*$', text, re.M).group(0)
        cells = re.split(r'\s{2,}', line)
        amounts = [F(c.split(' ')[0].replace(',', '')) for c in cells[5:9]]
        outlay = charges[s]
        check(f'{month} {s} rows', int(cells[3]), nrows[(month, s)])
        check(f'{month} {s} billed', amounts[1], billed[(month, s)])
        check(f'{month} {s} list', amounts[2], listed[(month, s)])
        # the audit shows up to six significant digits of an amount that does not end in cents
        for name, got, want in (('outlay', amounts[0], outlay), ('difference', amounts[3], billed[(month, s)] - outlay)):
            check(f'{month} {s} {name}', abs(got - want) <= max(abs(want) * F(1, 10**5), F(1, 200)), True)
check('term total', re.search(r'^Term\s.*\s([\d,.]+)$', text, re.M).group(1), money(term))
total_line = re.search(r'^total\s.*$', text, re.M).group(0)
cells = re.split(r'\s{2,}', total_line)
check('audit total billed', F(cells[2].split(' ')[0].replace(',', '')), sum(billed.values()))
check('audit total difference', F(cells[4].split(' ')[0].replace(',', '')), sum(billed.values()) - term)
finish('usage_audit', 'the invoice and the audit recomputed from the CSV')
