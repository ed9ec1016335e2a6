#!/usr/bin/env python3
"""A contract in USD audited against an export billed in EUR, recomputed with Python's csv
module and exact fractions (no Outlay code). Checks tests/golden/fx_audit_json.out (the
audit in JSON) and the exit statuses of fx_audit (tolerance 0.01 EUR) and fx_audit_json
(0.2 EUR).

Outlay's invoice in USD: the rows of tests/golden/exports/eur.csv summed per calendar month of
ChargePeriodStart and SKU, times the contract's flat rates (gpu_hour 2.10 USD/hour, egress
0.09 USD/GB, 1 TB = 1000 GB). Each month converts into EUR at the rate in force on its first
day (exports/rates.outlay: 1.08 USD/EUR from 2027-01-01, 1.12 from 2027-01-15: January at
1.08, February at 1.12), exactly; the month's total is rounded half to even to cents, the
difference is the row "other". Per month and SKU: the USD figure, the EUR one, the export's
BilledCost (EUR) summed, the difference billed - Outlay and its share of Outlay's figure
(in percent); the total row; the largest difference, which the tolerance is measured
against."""

import csv
import json
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import GOLDEN, Checker, number, round_to  # noqa: E402

RATES = {'gpu_hour': F('2.10'), 'egress': F('0.09')}
EUR_TABLE = [('2027-01-01', F('1.08')), ('2027-01-15', F('1.12'))]   # USD per EUR


def in_force(day):
    return [r for start, r in EUR_TABLE if start <= day][-1]


def expected():
    per = {}
    with open(os.path.join(GOLDEN, 'exports', 'eur.csv'), newline='') as f:
        for r in csv.DictReader(f):
            assert r['BillingCurrency'] == 'EUR'
            m, sku = r['ChargePeriodStart'][:7], r['SkuId']
            q = F(r['PricingQuantity'])
            e = per.setdefault((m, sku), [F(0), F(0), F(0), 0])
            e[0] += q
            e[1] += q * (1000 if r['PricingUnit'] == 'TB' else 1) * RATES[sku]
            e[2] += F(r['BilledCost'])
            e[3] += 1
    rows, totals = {}, [F(0), F(0), F(0)]
    for m in sorted({m for m, _ in per}):
        rate = in_force(m + '-01')
        exact = F(0)
        for (pm, sku), (q, usd, billed, n) in per.items():
            if pm != m:
                continue
            eur = usd / rate
            exact += eur
            rows['%s %s' % (m, sku)] = (n, q, usd, eur, billed)
            totals[0] += usd
            totals[2] += billed
        total = round_to(exact, F(1, 100))
        totals[1] += total
        if total != exact:
            rows['%s other' % m] = (None, None, F(0), total - exact, F(0))
    rows['total'] = (None, None) + tuple(totals)
    return rows


def cell(v):
    return number(v['exact']) if isinstance(v, dict) else None


c = Checker('fx_audit')
with open(os.path.join(GOLDEN, 'fx_audit_json.out')) as f:
    audit = json.load(f)['results'][0]['result']
c.eq('header', audit['header'], ['line', 'period', 'sku', 'rows', 'quantity', 'outlay_USD', 'outlay', 'billed',
                                 'difference', 'difference_pct'])
want = expected()
got = {r[0]: r for r in audit['rows']}
c.eq('rows', list(got), list(want))
largest = F(0)
for line, (n, q, usd, eur, billed) in want.items():
    r = got.get(line)
    if r is None:
        continue
    diff = billed - eur
    if line != 'total':
        largest = max(largest, abs(diff))
    pct = diff / eur * 100 if eur else None
    c.eq(line + ' rows', cell(r[3]), n)
    c.eq(line + ' quantity', cell(r[4]), q)
    c.eq(line + ' outlay_USD', (cell(r[5]), r[5]['unit']), (usd, 'USD'))
    c.eq(line + ' outlay', (cell(r[6]), r[6]['unit']), (eur, 'EUR'))
    c.eq(line + ' billed', (cell(r[7]), r[7]['unit']), (billed, 'EUR'))
    c.eq(line + ' difference', (cell(r[8]), r[8]['unit']), (diff, 'EUR'))
    c.eq(line + ' difference_pct', cell(r[9]), pct)
c.eq('max_difference', (number(audit['max_difference']['exact']), audit['max_difference']['unit']), (largest, 'EUR'))


def code(name):
    path = os.path.join(GOLDEN, name + '.code')
    return int(open(path).read()) if os.path.exists(path) else 0


# exit 1 when the largest difference exceeds the tolerance, in EUR
c.eq('fx_audit exit (tolerance 0.01 EUR)', code('fx_audit'), 1 if largest > F('0.01') else 0)
c.eq('fx_audit_json exit (tolerance 0.2 EUR)', code('fx_audit_json'), 1 if largest > F('0.2') else 0)
sys.exit(c.done())
