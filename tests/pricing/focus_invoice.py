#!/usr/bin/env python3
"""FOCUS rows of an invoice (--format focus), read with Python's csv and recomputed with
fractions. Checks tests/golden/focus_invoice.out.

The case: 10 gpu all month at 2.10 USD/(gpu*hour); (1000/3) GB*month at 0.02 USD/(GB*month);
a 100 USD fee per month; 5% off spend above 1000 USD per month; lines rounded to 0.01 USD
(half-even). January 2027 has 744 hours, February 672. The list price of gpu_hour is the
stdlib's aws_h100_8x_hourly / 8 gpu (read from stdlib/providers/aws.outlay).

Format rules checked: the 21 mandatory FOCUS 1.2 columns are present (and, when the shared
reference is there, they are exactly the Mandatory rows of focus_1.2_columns.tsv);
ChargeCategory takes FOCUS values; timestamps are YYYY-MM-DDTHH:mm:ssZ; numbers are
decimals, never fractions; every number column sums to its exact total (PricingQuantity to
12 places, as its cells do not end); rows end in CRLF; a control character in a name is
escaped (a tab as backslash-t) and a comma makes the cell quoted.

Also checks tests/golden/focus_commitments.out, the commitment discount columns, against an
hour-by-hour recomputation of its two contracts (January 2027, 744 hours):
- cud: a3 at 10 USD/(vm*hour), 4 vm reserved in every hour, overage 25 USD/(vm*hour); 8 vm
  in hours 0..371, none after; a 100 USD fee.
- sp: a plan of 60 USD per hour covering x (6 vs 10 USD/(vm*hour), 40% saving) and y (8 vs
  10, 20%), the larger saving first; x = 5 vm in the first 12 hours of each day, y = 5 vm,
  z = 2 vm at 3 USD/(vm*hour) (not in the plan).
The FOCUS 1.2 rules (spec_v1.2_commitmentdiscount{status,category,id}.md, chargecategory,
effectivecost): usage covered by a commitment is Used, its unused portion Unused, both with
ChargeCategory Usage; every other row has all four commitment columns null; Category is
Usage for a reservation and Spend for a plan; Status and Category are null exactly when
CommitmentDiscountId is; for each commitment, the EffectiveCost of its Used and Unused rows
adds up to the whole commitment (reserved quantity, or committed spend, for every hour).
Then two commitments in usage, gpu_hour at 2 USD/(gpu*hour) over January:
- take: `commit 50000 gpu_hour per month`, 60 gpu used (44,640 GPU-hours). A minimum
  quantity bought nothing and lowers no rate, so it is no commitment discount (FOCUS
  CommitmentDiscountId: null when a charge is not related to one): its unused 5,360 is an
  Adjustment row billed as it is, named "unused usage commitment of gpu_hour".
- share: 100 gpu reserved (overage 3 USD), `commit 80% of reserved gpu_hour`, 50 gpu used.
  The share belongs to the reservation: a Purchase of what the period bills (50 + 30 gpu
  all month), the usage Used, the reservation's part not paid for (none) and the 30 gpu
  short of 80% Unused, priced at the overage rate."""
import csv
import io
import os
import re
import sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
sys.path.insert(0, os.path.join(HERE, '..'))
from outlay_check import D, add_months, hours, periods, round_to  # noqa: E402

MANDATORY = ['BilledCost', 'BillingAccountId', 'BillingAccountName', 'BillingCurrency', 'BillingPeriodEnd',
             'BillingPeriodStart', 'ChargeCategory', 'ChargeClass', 'ChargeDescription', 'ChargePeriodEnd',
             'ChargePeriodStart', 'ContractedCost', 'EffectiveCost', 'InvoiceIssuerName', 'ListCost',
             'PricingQuantity', 'PricingUnit', 'ProviderName', 'PublisherName', 'ServiceCategory', 'ServiceName']
NUMBER_COLS = ['PricingQuantity', 'ListUnitPrice', 'ListCost', 'ContractedUnitPrice', 'ContractedCost',
               'EffectiveCost', 'BilledCost']
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f'{what}: got {got!r}, want {want!r}')
    else:
        print(f'ok {what}')


def half_even(x, q):
    return round_to(x, q)


def expected_rows():
    text = open(os.path.join(ROOT, 'stdlib', 'providers', 'aws.outlay')).read()
    list_8x = F(re.search(r'^aws_h100_8x_hourly = ([0-9.]+) USD/hour', text, re.M).group(1))
    list_gpu = list_8x / 8
    cent = F(1, 100)
    rows = []
    start = D('2027-01-01')
    for a, b in periods(start, add_months(start, 2)):
        h = hours(a, b)
        gpu_q = 10 * h
        gpu = half_even(gpu_q * F('2.10'), cent)
        sto_q = F(1000, 3)
        sto = half_even(sto_q * F('0.02'), cent)
        fee = F(100)
        gross = gpu + sto + fee
        disc = -half_even((gross - 1000) * F(5, 100), cent)
        ts = (f'{a}T00:00:00Z', f'{b}T00:00:00Z')
        rows.append(dict(cat='Usage', sku='gpu_hour', q=gpu_q, unit='GPU-Hours', cost=gpu, list_unit=list_gpu,
                         list_cost=gpu_q * list_gpu, ts=ts, service='Compute'))
        # no list price given: the contracted one, the line's rate (its amount per unit)
        rows.append(dict(cat='Usage', sku='storage', q=sto_q, unit='GB-Months', cost=sto, ts=ts, service='Storage',
                         list_unit=sto / sto_q, list_cost=sto))
        rows.append(dict(cat='Purchase', sku='', q=F(1), unit='Units', cost=fee, ts=ts, service='Other',
                         list_unit=fee, list_cost=fee))
        rows.append(dict(cat='Credit', sku='', q=None, unit='', cost=disc, ts=ts, service='Other'))
    return rows


COMMITMENT_COLS = ('CommitmentDiscountCategory', 'CommitmentDiscountId', 'CommitmentDiscountName', 'CommitmentDiscountStatus')


def expected_commitment_rows():
    """The rows of focus_commitments: a commitment's period is a Purchase row (BilledCost the
    commitment, EffectiveCost 0); the usage it covers (Used) and its unused part (Unused)
    are Usage rows with BilledCost 0 and EffectiveCost what the line bills, priced at the
    SKU's rate without the commitment (no list price given: the contracted one)."""
    hrs = 744
    # cud: hour by hour, the reservation covers up to 4 vm; the rest is on demand
    used = unused = over = 0
    for h in range(hrs):
        q = 8 if h < 372 else 0
        used += min(q, 4)
        unused += 4 - min(q, 4)
        over += max(q - 4, 0)
    res = ('Usage', 'cud/reserve/a3', 'reservation of a3')
    none = ('', '', '', '')
    rows = [dict(cat='Purchase', sku='', q=F(1), billed=F((used + unused) * 10), eff=F(0), unit_price=F((used + unused) * 10),
                 c=res + ('',), cdq=F(used + unused)),
            dict(cat='Usage', sku='a3', q=used, billed=F(0), eff=F(used * 10), unit_price=F(25), c=res + ('Used',), cdq=F(used)),
            dict(cat='Usage', sku='a3', q=unused, billed=F(0), eff=F(unused * 10), unit_price=F(25), c=res + ('Unused',),
                 cdq=F(unused)),
            dict(cat='Usage', sku='a3', q=over, billed=F(over * 25), eff=F(over * 25), unit_price=F(25), c=none),
            dict(cat='Purchase', sku='', q=F(1), billed=F(100), eff=F(100), unit_price=F(100), c=none)]
    # sp: each hour 60 USD is spent at plan rates, the larger percentage saving first
    plan = {'x': (F(6), F(10)), 'y': (F(8), F(10))}
    order = sorted(plan, key=lambda k: -(1 - plan[k][0] / plan[k][1]))
    covered = {k: F(0) for k in plan}
    ondemand = {k: F(0) for k in plan}
    left_total = F(0)
    for h in range(hrs):
        use = {'x': F(5) if h % 24 < 12 else F(0), 'y': F(5)}
        left = F(60)
        for k in order:
            c = min(use[k], left / plan[k][0])
            covered[k] += c
            ondemand[k] += use[k] - c
            left -= c * plan[k][0]
        left_total += left
    sp = ('Spend', 'sp/plan/compute', 'compute')
    rows.append(dict(cat='Usage', sku='z', q=F(2 * hrs), billed=F(2 * hrs * 3), eff=F(2 * hrs * 3), unit_price=F(3), c=none))
    rows.append(dict(cat='Purchase', sku='', q=F(1), billed=F(60 * hrs), eff=F(0), unit_price=F(60 * hrs), c=sp + ('',),
                     cdq=F(60 * hrs)))
    for k in ('x', 'y'):
        spent = covered[k] * plan[k][0]
        rows.append(dict(cat='Usage', sku=k, q=covered[k], billed=F(0), eff=spent, unit_price=plan[k][1], c=sp + ('Used',),
                         cdq=spent))
        rows.append(dict(cat='Usage', sku=k, q=ondemand[k], billed=ondemand[k] * plan[k][1], eff=ondemand[k] * plan[k][1],
                         unit_price=plan[k][1], c=none))
    rows.append(dict(cat='Usage', sku='', q=left_total, billed=F(0), eff=left_total, unit_price=F(1), c=sp + ('Unused',),
                     cdq=left_total))
    # take: what 60 gpu leaves of 50,000 GPU-hours, an adjustment of its own
    short = 50000 - 60 * hrs
    rows.append(dict(cat='Usage', sku='gpu_hour', q=F(60 * hrs), billed=F(60 * hrs * 2), eff=F(60 * hrs * 2), unit_price=F(2),
                     c=none, what='gpu_hour usage'))
    rows.append(dict(cat='Adjustment', sku='gpu_hour', q=F(short), billed=F(short * 2), eff=F(short * 2), unit_price=F(2), c=none,
                     what='unused usage commitment of gpu_hour'))
    # share: 50 gpu used of 100 reserved, 80 committed: 30 gpu short, billed at 2 USD
    res = ('Usage', 'share/reserve/gpu_hour', 'reservation of gpu_hour')
    used, unused = 50 * hrs, (80 - 50) * hrs
    rows.append(dict(cat='Purchase', sku='', q=F(1), billed=F((used + unused) * 2), eff=F(0), unit_price=F((used + unused) * 2),
                     c=res + ('',), cdq=F(used + unused)))
    rows.append(dict(cat='Usage', sku='gpu_hour', q=F(used), billed=F(0), eff=F(used * 2), unit_price=F(3), c=res + ('Used',),
                     cdq=F(used)))
    rows.append(dict(cat='Usage', sku='gpu_hour', q=F(0), billed=F(0), eff=F(0), unit_price=F(3), c=res + ('Unused',), cdq=F(0)))
    rows.append(dict(cat='Usage', sku='gpu_hour', q=F(unused), billed=F(0), eff=F(unused * 2), unit_price=F(3),
                     c=res + ('Unused',), cdq=F(unused)))
    rows.append(dict(cat='Usage', sku='gpu_hour', q=F(0), billed=F(0), eff=F(0), unit_price=F(3), c=none))
    return rows, {'cud/reserve/a3': F(4 * hrs * 10), 'sp/plan/compute': F(60 * hrs), 'share/reserve/gpu_hour': F(80 * hrs * 2)}


def check_commitments():
    raw = open(os.path.join(ROOT, 'tests', 'golden', 'focus_commitments.out'), 'rb').read()
    table = list(csv.DictReader(io.StringIO(raw.decode('utf-8'), newline='')))
    want, commitments = expected_commitment_rows()
    check('commitments: one row per invoice line and per commitment purchase', len(table), len(want))
    for i, (r, w) in enumerate(zip(table, want)):
        check(f'commitments row {i} ChargeCategory', r['ChargeCategory'], w['cat'])
        check(f'commitments row {i} SkuId', r['SkuId'], w['sku'])
        check(f'commitments row {i} PricingQuantity', F(r['PricingQuantity']), w['q'])
        check(f'commitments row {i} BilledCost', F(r['BilledCost']), w['billed'])
        check(f'commitments row {i} EffectiveCost', F(r['EffectiveCost']), w['eff'])
        for col in ('ContractedUnitPrice', 'ListUnitPrice'):
            check(f'commitments row {i} {col}', F(r[col]), w['unit_price'])
        for col in ('ContractedCost', 'ListCost'):
            check(f'commitments row {i} {col}', F(r[col]), w['unit_price'] * w['q'])
        check(f'commitments row {i} commitment columns', tuple(r[c] for c in COMMITMENT_COLS), w['c'])
        if 'what' in w:
            check(f'commitments row {i} ChargeDescription', r['ChargeDescription'], w['what'])
        check(f'commitments row {i} CommitmentDiscountQuantity', F(r['CommitmentDiscountQuantity']) if 'cdq' in w else '',
              w.get('cdq', r['CommitmentDiscountQuantity']))
    # the spec's rules, on every row
    for i, r in enumerate(table):
        has_id = r['CommitmentDiscountId'] != ''
        check(f'commitments row {i}: Category null exactly when Id is', r['CommitmentDiscountCategory'] != '', has_id)
        check(f'commitments row {i}: Status set exactly on the Usage rows of a commitment', r['CommitmentDiscountStatus'] != '',
              has_id and r['ChargeCategory'] == 'Usage')
        if has_id:
            check(f'commitments row {i} Category allowed', r['CommitmentDiscountCategory'] in ('Usage', 'Spend'), True)
        if r['CommitmentDiscountStatus']:
            check(f'commitments row {i} Status allowed', r['CommitmentDiscountStatus'] in ('Used', 'Unused'), True)
            check(f'commitments row {i}: committed usage is billed through its purchase', F(r['BilledCost']), 0)
    for cid, whole in commitments.items():
        got = sum(F(r['EffectiveCost']) for r in table
                  if r['CommitmentDiscountId'] == cid and r['CommitmentDiscountStatus'] in ('Used', 'Unused'))
        check(f'{cid}: EffectiveCost of Used + Unused is the whole commitment', got, whole)
        got = sum(F(r['BilledCost']) for r in table if r['CommitmentDiscountId'] == cid and r['ChargeCategory'] == 'Purchase')
        check(f'{cid}: BilledCost of its purchases is the whole commitment', got, whole)


def main():
    check_commitments()
    raw = open(os.path.join(ROOT, 'tests', 'golden', 'focus_invoice.out'), 'rb').read()
    check('every row ends in CRLF', raw.count(b'\r\n'), raw.count(b'\n'))
    table = list(csv.DictReader(io.StringIO(raw.decode('utf-8'), newline='')))
    header = list(csv.reader(io.StringIO(raw.decode('utf-8'), newline='')))[0]
    tsv = os.path.join(ROOT, '..', 'shared', 'reference', 'focus', 'focus_1.2_columns.tsv')
    mandatory = MANDATORY
    if os.path.exists(tsv):
        mandatory = [line.split('\t')[0] for line in open(tsv).read().splitlines()[1:] if line.split('\t')[1] == 'Mandatory']
        check('the mandatory columns are those of the FOCUS 1.2 reference', sorted(mandatory), sorted(MANDATORY))
    check('every mandatory column is present', [c for c in mandatory if c not in header], [])
    want = expected_rows()
    check('one row per invoice line', len(table), len(want))
    for i, (r, w) in enumerate(zip(table, want)):
        check(f'row {i} ChargeCategory', r['ChargeCategory'], w['cat'])
        check(f'row {i} ChargeClass (no corrections)', r['ChargeClass'], '')
        check(f'row {i} no commitment discount', tuple(r[c] for c in COMMITMENT_COLS), ('', '', '', ''))
        check(f'row {i} SkuId', r['SkuId'], w['sku'])
        check(f'row {i} PricingUnit', r['PricingUnit'], w['unit'])
        check(f'row {i} ServiceCategory', r['ServiceCategory'], w['service'])
        check(f'row {i} charge period', (r['ChargePeriodStart'], r['ChargePeriodEnd']), w['ts'])
        check(f'row {i} billing period', (r['BillingPeriodStart'], r['BillingPeriodEnd']), w['ts'])
        for col in ('BilledCost', 'EffectiveCost', 'ContractedCost'):
            check(f'row {i} {col}', F(r[col]), w['cost'])
        if 'list_unit' in w:
            check(f'row {i} ListUnitPrice', F(r['ListUnitPrice']), w['list_unit'])
            check(f'row {i} ListCost', F(r['ListCost']), w['list_cost'])
        else:   # FOCUS: a credit relates to no price; its list cost is its billed cost
            check(f'row {i} credit: no unit price, ListCost = BilledCost', (r['ListUnitPrice'], F(r['ListCost'])), ('', w['cost']))
        if w['q'] is None:
            check(f'row {i} no quantity', r['PricingQuantity'], '')
        elif w['q'].denominator == 3:
            check(f'row {i} PricingQuantity to 12 places', abs(F(r['PricingQuantity']) - w['q']) <= F(1, 10**12), True)
        else:
            check(f'row {i} PricingQuantity', F(r['PricingQuantity']), w['q'])
        check(f'row {i} names', (r['BillingAccountId'], r['BillingAccountName'], r['ProviderName'], r['InvoiceIssuerName'],
                                 r['PublisherName'], r['BillingCurrency']),
              ('deal', 'ACME', 'Example Cloud, Inc.\\t', 'Example Cloud, Inc.\\t', 'Example Cloud, Inc.\\t', 'USD'))
    for r in table:
        for col in ('ChargePeriodStart', 'ChargePeriodEnd', 'BillingPeriodStart', 'BillingPeriodEnd'):
            if not re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', r[col]):
                failures.append(f'{col} {r[col]!r} is not YYYY-MM-DDTHH:mm:ssZ')
        for col in NUMBER_COLS:
            if r[col] and not re.fullmatch(r'-?\d+(\.\d+)?', r[col]):
                failures.append(f'{col} {r[col]!r} is not a decimal')
        if r['ChargeCategory'] not in ('Usage', 'Purchase', 'Credit', 'Adjustment', 'Tax'):
            failures.append(f'ChargeCategory {r["ChargeCategory"]!r} is not a FOCUS value')
    # every column sums to its exact total: the invoice total for the costs
    total = sum(w['cost'] for w in want)
    for col in ('BilledCost', 'EffectiveCost', 'ContractedCost'):
        check(f'{col} sums to the invoice total', sum(F(r[col]) for r in table), total)
    q_total = sum(w['q'] for w in want if w['q'] is not None)
    check('PricingQuantity sums to its exact total, to 12 places', sum(F(r['PricingQuantity']) for r in table if r['PricingQuantity']),
          round_to(q_total, F(1, 10**12)))
    for f in failures:
        print('FAIL', f)
    return 1 if failures else 0


sys.exit(main())
