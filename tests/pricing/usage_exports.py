#!/usr/bin/env python3
"""Usage exports priced and reconciled, recomputed from the CSV files with Python's csv
module and exact fractions (no Outlay code). Checks the recorded outputs of the golden
cases tests/golden/usage_price, usage_filters, usage_mapping, usage_skip_bad_rows,
usage_mixed_fx, usage_cli, usage_cli_audit (each .out).

For each case: the rows kept by the mapping (filters, SKU map), each row's quantity in the
contract rate's unit, summed per calendar month of its ChargePeriodStart (every row here
lies within one hour), times the flat rate; the rows counted per month and SKU (a row
counts in the month of its ChargePeriodStart); BilledCost (and ContractedCost) summed per
month and SKU, converted by the dated EUR rate where a row is in EUR; the difference
billed - Outlay and its share of Outlay's charge."""
import csv
import os
import re
import sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, '..', 'golden')
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f'{what}: got {got}, want {want}')
    else:
        print(f'ok {what}')


def rows(name):
    with open(os.path.join(GOLDEN, 'exports', name), newline='') as f:
        return list(csv.DictReader(f))


GB_PER_TB = 1000


def quantity(r):
    """The row's PricingQuantity, in the export's unit."""
    return F(r['PricingQuantity'])


def in_rate_unit(r):
    """How many of the rate's unit one of the row's unit is (the rates are per GB)."""
    return GB_PER_TB if r.get('PricingUnit') == 'TB' else 1


def month(ts):
    return ts[:7]


def price_case(file, rates, keep=lambda r: True, skumap=None, fx=None, quantity_of=quantity, sku_col='SkuId',
               time_col='ChargePeriodStart', billed_col='BilledCost'):
    """{(month, sku): [quantity, outlay, billed, rows]}."""
    skumap = skumap or {}
    out = {}
    for r in rows(file):
        if not keep(r):
            continue
        sku = skumap.get(r[sku_col], r[sku_col])
        key = (month(r[time_col]), sku)
        q = quantity_of(r)
        billed = F(r[billed_col])
        if fx and r.get('BillingCurrency') == 'EUR':
            billed *= fx(r[time_col][:10])
        e = out.setdefault(key, [F(0), F(0), F(0), 0])
        e[0] += q
        e[1] += q * in_rate_unit(r) * rates[sku]
        e[2] += billed
        e[3] += 1
    return out


def table_rows(case):
    """The reconcile table of a .out: {(period, sku): [cells]}; and the total row."""
    got, total = {}, None
    for line in open(os.path.join(GOLDEN, case + '.out')):
        cells = re.split(r'\s{2,}', line.strip())
        if re.fullmatch(r'\d{4}-\d\d \S+', cells[0]) and len(cells) > 3:
            got[(cells[1], cells[2])] = cells[3:]
        elif cells[0] == 'total':
            total = cells[1:]
    return got, total


def num(cell):
    return F(cell.split(' ')[0].replace(',', '').rstrip('%'))


def check_reconcile(case, want, rate_unit):
    got, total = table_rows(case)
    check(f'{case}: the rows', sorted(got), sorted(want))
    for key, (q, outlay, billed, n) in want.items():
        if key not in got:
            continue
        cells = got[key]
        check(f'{case} {key} rows', int(cells[0]), n)
        check(f'{case} {key} quantity', (num(cells[1]), cells[1].split(' ', 1)[1]), (q, rate_unit[key[1]]))
        check(f'{case} {key} outlay', num(cells[2]), outlay)
        check(f'{case} {key} billed', num(cells[3]), billed)
        check(f'{case} {key} difference', num(cells[-2]), billed - outlay)
        pct = (billed - outlay) / outlay * 100
        check(f'{case} {key} difference_pct (6 significant digits)', abs(num(cells[-1]) - pct) <= abs(pct) * F(1, 10**5), True)
    t_outlay = sum(v[1] for v in want.values())
    t_billed = sum(v[2] for v in want.values())
    check(f'{case} total outlay', num(total[0]), t_outlay)
    check(f'{case} total billed', num(total[1]), t_billed)
    check(f'{case} total difference', num(total[-2]), t_billed - t_outlay)


def shown(case, label):
    for line in open(os.path.join(GOLDEN, case + '.out')):
        if line.startswith(label + ' = '):
            return num(line[len(label) + 3:])
    return None


# usage_price: Usage rows only, NVIDIA-H100-80GB -> gpu_hour, S3-Standard -> storage
rates = {'gpu_hour': F('2.10'), 'storage': F('0.02')}
m = {'NVIDIA-H100-80GB': 'gpu_hour', 'S3-Standard': 'storage'}
want = price_case('small.csv', rates, keep=lambda r: r['ChargeCategory'] == 'Usage', skumap=m)
check_reconcile('usage_price', want, {'gpu_hour': 'hour', 'storage': 'GB*month'})

# usage_filters: us-east rows of team ml
want = price_case('small.csv', rates, skumap=m,
                  keep=lambda r: r['ChargeCategory'] == 'Usage' and r['RegionId'] == 'us-east' and '"ml"' in r['Tags'])
check('usage_filters total', shown('usage_filters', 'price(ml, deal).total'), sum(v[1] for v in want.values()))

# usage_mapping: any CSV through a mapping; times with a space, a plain date, Z
want = price_case('fleet.csv', {'gpu_hour': F('2.10')}, quantity_of=lambda r: F(r['gpu_hours']), sku_col='instance',
                  time_col='hour', billed_col='cost')
check_reconcile('usage_mapping', want, {'gpu_hour': 'gpu*hour'})

# usage_skip_bad_rows: the rows whose quantity, time and unit parse
def good(r):
    return re.fullmatch(r'\d+', r['PricingQuantity']) and r['PricingUnit'] == 'Hours' and r['ChargePeriodStart'][8:10] <= '31'
want = price_case('bad_rows.csv', {'gpu_hour': F('2.10')}, keep=good)
check('usage_skip_bad_rows total', shown('usage_skip_bad_rows', 'price(actual, deal).total'), sum(v[1] for v in want.values()))

# usage_mixed_fx: EUR rows at 1.08 USD/EUR in January, 1.09 from 1 February
want = price_case('mixed.csv', {'gpu_hour': F('2.10')}, fx=lambda d: F('1.09') if d >= '2027-02-01' else F('1.08'))
check_reconcile('usage_mixed_fx', want, {'gpu_hour': 'hour'})

# usage_cli / usage_cli_audit: FOCUS columns as they are; egress in TB priced per GB
rates = {'gpu_hour': F('2.10'), 'egress': F('0.09')}
want = price_case('cli.csv', rates)
check_reconcile('usage_cli_audit', want, {'gpu_hour': 'hour', 'egress': 'TB'})
text = open(os.path.join(GOLDEN, 'usage_cli.out')).read()
term = re.search(r'^Term\s+([\d,.]+)\s+([\d,.]+)\s+([\d,.]+)', text, re.M)
check('usage_cli term total', num(term.group(3)), sum(v[1] for v in want.values()))

for f in failures:
    print('FAIL', f)
sys.exit(1 if failures else 0)
