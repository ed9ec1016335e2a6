#!/usr/bin/env python3
"""FOCUS rows of commitment discounts and their amortisation (--format focus), read with
Python's csv and recomputed with fractions from the contract terms of
tests/golden/focus_amortised.outlay. Checks tests/golden/focus_amortised.out.

Usage: gpu_hour 6 gpu in hours 0..7 of each day and 3 gpu after (4 gpu reserved in each
hour: per day 80 gpu*hour covered, 16 unused, 16 above at 2.5 USD/(gpu*hour)); x 5 vm in
hours 0..11 of each day, y 2 vm always.
- all_upfront: 300,000 USD on 2027-01-01, reserved at 0 USD/(gpu*hour), 12 months; list
  price aws_h100_8x_hourly / 8 (read from stdlib/providers/aws.outlay).
- partial_upfront: 150,000 USD on 2027-03-15, reserved at 0.9, 5% off, lines to the cent.
- no_upfront: reserved at 1.2, 3 months, lines to the cent.
- period_upfront: 5 gpu reserved over each period (96 gpu*hour used a day, 24 unused,
  none above), at 1 USD/(gpu*hour), 1,000 USD upfront, 2 months: its one `reserved` line
  is split into Used and Unused rows by the part used.
- plan_upfront: 20,000 USD upfront; a plan of 30 USD per hour over x (6 vs 10
  USD/(vm*hour), the larger saving first) and y (8 vs 10), 3 months.

The FOCUS 1.2 rules checked (spec_v1.2_{effectivecost,billedcost,listcost,listunitprice,
contractedcost,contractedunitprice,chargefrequency,pricingcategory,commitmentdiscount*}.md):
- a commitment is bought by Purchase rows: each period's commitment (Recurring; none when
  it bills nothing, as an all-upfront reservation's) and the upfront payment (One-Time),
  with EffectiveCost 0, as they pay for charges to come;
- the usage it covers (Used) and its unused part (Unused) are Usage rows with BilledCost
  0 and EffectiveCost = what the line bills + the period's share of the upfront payment
  (amount x the period's days / the term's days), spread over the commitment's rows by
  CommitmentDiscountQuantity (a reservation's quantity, a plan's money);
- for each commitment, EffectiveCost of its Usage rows = BilledCost of its Purchase rows
  = the whole commitment (Used + Unused);
- ListCost and ContractedCost are never null: unit price x PricingQuantity where a
  charge has a price (the usage a commitment covers at the SKU's price without it), the
  billed cost on a credit; a list price the contract does not give is its contracted one;
- over the term, BilledCost and EffectiveCost both add up to the invoices' total, and
  each period's EffectiveCost to the invoice's amortised view: the model's, and the one
  the text invoice of the same file shows (tests/golden/focus_amortised_views.out,
  columns Total and Amortised, or Total alone without an upfront payment);
- every cost column adds up to its exact total."""
import csv
import io
import os
import re
import sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
sys.path.insert(0, os.path.join(HERE, '..'))
from outlay_check import D, add_months, hours, periods, read_invoice, round_to  # noqa: E402

TOL = F(1, 10**12)   # a cell of a column written to 12 places, the rounding carried
NUMS = ('PricingQuantity', 'ListUnitPrice', 'ListCost', 'ContractedUnitPrice', 'ContractedCost', 'EffectiveCost',
        'BilledCost', 'CommitmentDiscountQuantity')
failures = []


def check(what, ok, detail=''):
    if not ok:
        failures.append(f'{what} {detail}')
    else:
        print(f'ok {what}')


def num(text):
    return F(text) if text != '' else None


def close(a, b, n=1):
    return a is not None and b is not None and abs(a - b) <= TOL * n


def key(r):
    return (r['BillingAccountId'], r['BillingPeriodStart'][:10], r['ChargeCategory'], r['ChargeFrequency'], r['SkuId'],
            r['CommitmentDiscountStatus'], r['CommitmentDiscountId'])


def row(contract, a, cat, freq, sku='', status='', cid='', **nums):
    r = dict(BillingAccountId=contract, BillingPeriodStart=str(a), ChargeCategory=cat, ChargeFrequency=freq, SkuId=sku,
             CommitmentDiscountStatus=status, CommitmentDiscountId=cid)
    r.update(nums)
    return r


def priced(q, contracted, list_price, billed, effective):
    return dict(PricingQuantity=q, ContractedUnitPrice=contracted, ContractedCost=q * contracted,
                ListUnitPrice=list_price, ListCost=q * list_price, BilledCost=billed, EffectiveCost=effective)


def purchase(amount, prepaid):
    return dict(PricingQuantity=F(1), ContractedUnitPrice=amount, ContractedCost=amount, ListUnitPrice=amount,
                ListCost=amount, BilledCost=amount, EffectiveCost=F(0) if prepaid else amount)


def reservation(name, months, rate, upfront, paid_on, discount, cents, list_price, period_level=None):
    """The expected rows of an hourly reservation of 4 gpu (or of period_level gpu over each
    period) under the bursty workload, the whole commitment (upfront + every period's fee)
    and each period's amortised total."""
    rnd = (lambda x: round_to(x, F(1, 100))) if cents else (lambda x: x)
    start = D('2027-01-01')
    end = add_months(start, months)
    term_days = (end - start).days
    cid = f'{name}/reserve/gpu_hour'
    overage = F('2.5') if period_level is None else F(3)
    rows, whole, views = [], F(upfront), []
    for a, b in periods(start, end):
        days = (b - a).days
        if period_level is None:
            used, unused, over = F(80 * days), F(16 * days), F(16 * days)
            used_amt, unused_amt, over_amt = rnd(used * rate), rnd(unused * rate), rnd(over * F('2.5'))
        else:   # one line for the reservation, split by the part used; 96 gpu*hour a day
            reserved, usage = F(period_level * 24 * days), F(96 * days)
            used, unused, over = min(usage, reserved), reserved - min(usage, reserved), max(usage - reserved, 0)
            amt = rnd(reserved * rate)
            used_amt, unused_amt, over_amt = amt * used / reserved, amt * unused / reserved, rnd(over * overage)
        fee = used_amt + unused_amt
        share = F(upfront) * days / term_days
        paid = F(upfront) if a <= paid_on < b else F(0)
        lp = list_price if list_price is not None else overage
        if fee:
            rows.append(row(name, a, 'Purchase', 'Recurring', cid=cid, CommitmentDiscountQuantity=used + unused,
                            **purchase(fee, True)))
        rows.append(row(name, a, 'Usage', 'Usage-Based', 'gpu_hour', 'Used', cid, CommitmentDiscountQuantity=used,
                        **priced(used, overage, lp, F(0), used_amt + share * used / (used + unused))))
        rows.append(row(name, a, 'Usage', 'Usage-Based', 'gpu_hour', 'Unused', cid, CommitmentDiscountQuantity=unused,
                        **priced(unused, overage, lp, F(0), unused_amt + share * unused / (used + unused))))
        rows.append(row(name, a, 'Usage', 'Usage-Based', 'gpu_hour', **priced(over, overage, lp, over_amt, over_amt)))
        total = fee + over_amt + paid
        if discount:
            disc = -rnd((fee + over_amt) * discount)
            rows.append(row(name, a, 'Credit', 'Usage-Based', ListCost=disc, ContractedCost=disc, BilledCost=disc,
                            EffectiveCost=disc))
            total += disc
        if paid:
            level = 4 if period_level is None else period_level
            rows.append(row(name, a, 'Purchase', 'One-Time', cid=cid, CommitmentDiscountQuantity=F(level * hours(start, end)),
                            **purchase(paid, True)))
        whole += fee
        views.append((str(a), total, total - paid + share))
    return rows, {cid: whole}, views


def plan():
    """The spend plan, hour by hour: 30 USD per hour at plan rates, the larger saving (x,
    40%) first; the rest on demand at 10 USD/(vm*hour); 20,000 USD upfront."""
    name, start = 'plan_upfront', D('2027-01-01')
    end = add_months(start, 3)
    term_days = (end - start).days
    cid = f'{name}/plan/compute'
    rates = {'x': (F(6), F(10)), 'y': (F(8), F(10))}
    order = sorted(rates, key=lambda k: rates[k][0] / rates[k][1])
    rows, whole, views = [], F(20000), []
    for a, b in periods(start, end):
        days = (b - a).days
        covered = {k: F(0) for k in rates}
        ondemand = {k: F(0) for k in rates}
        left_total = F(0)
        for h in range(24 * days):
            use = {'x': F(5) if h % 24 < 12 else F(0), 'y': F(2)}
            left = F(30)
            for k in order:
                c = min(use[k], left / rates[k][0])
                covered[k] += c
                ondemand[k] += use[k] - c
                left -= c * rates[k][0]
            left_total += left
        spent = {k: covered[k] * rates[k][0] for k in rates}
        fee = sum(spent.values()) + left_total
        share = F(20000) * days / term_days
        paid = F(20000) if a == start else F(0)
        rows.append(row(name, a, 'Purchase', 'Recurring', cid=cid, CommitmentDiscountQuantity=fee, **purchase(fee, True)))
        for k in rates:
            rows.append(row(name, a, 'Usage', 'Usage-Based', k, 'Used', cid, CommitmentDiscountQuantity=spent[k],
                            **priced(covered[k], F(10), F(10), F(0), spent[k] + share * spent[k] / fee)))
            od = ondemand[k] * 10
            rows.append(row(name, a, 'Usage', 'Usage-Based', k, **priced(ondemand[k], F(10), F(10), od, od)))
        rows.append(row(name, a, 'Usage', 'Usage-Based', '', 'Unused', cid, CommitmentDiscountQuantity=left_total,
                        **priced(left_total, F(1), F(1), F(0), left_total + share * left_total / fee)))
        if paid:
            rows.append(row(name, a, 'Purchase', 'One-Time', cid=cid, CommitmentDiscountQuantity=F(30 * hours(start, end)),
                            **purchase(paid, True)))
        total = fee + sum(ondemand[k] * 10 for k in rates) + paid
        whole += fee
        views.append((str(a), total, total - paid + share))
    return rows, {cid: whole}, views


def spec_rules(table):
    """The FOCUS 1.2 requirements every row must meet, whatever the contract."""
    for i, r in enumerate(table):
        for col in ('BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'):
            check(f'row {i} {col} is never null', r[col] != '')
        for col in NUMS:
            check(f'row {i} {col} is a decimal', r[col] == '' or re.fullmatch(r'-?\d+(\.\d+)?', r[col]) is not None, r[col])
        cat, has_id = r['ChargeCategory'], r['CommitmentDiscountId'] != ''
        if cat in ('Usage', 'Purchase'):
            for col in ('ListUnitPrice', 'ContractedUnitPrice', 'PricingQuantity', 'PricingCategory', 'PricingUnit'):
                check(f'row {i} {cat}: {col} is not null', r[col] != '')
            for col in ('ListUnitPrice', 'ContractedUnitPrice'):
                check(f'row {i} {col} is not negative', num(r[col]) is not None and num(r[col]) >= 0)
            q = num(r['PricingQuantity'])
            check(f'row {i} ListUnitPrice x PricingQuantity = ListCost', close(num(r['ListUnitPrice']) * q, num(r['ListCost']), q + 1))
            check(f'row {i} ContractedUnitPrice x PricingQuantity = ContractedCost',
                  close(num(r['ContractedUnitPrice']) * q, num(r['ContractedCost']), q + 1))
        else:
            check(f'row {i} {cat}: unrelated to a price, List and Contracted cost are the billed cost',
                  (r['ListCost'], r['ContractedCost'], r['EffectiveCost']) == (r['BilledCost'],) * 3)
        if cat == 'Purchase':
            check(f'row {i} a purchase is not Usage-Based', r['ChargeFrequency'] in ('One-Time', 'Recurring'))
            check(f'row {i} a purchase has no commitment status', r['CommitmentDiscountStatus'] == '')
            if has_id:
                check(f'row {i} a commitment purchase has EffectiveCost 0', num(r['EffectiveCost']) == 0)
        if r['CommitmentDiscountStatus']:
            check(f'row {i} {r["CommitmentDiscountStatus"]}: a Usage row', cat == 'Usage')
            check(f'row {i} committed usage is billed through the purchase: BilledCost 0', num(r['BilledCost']) == 0)
            check(f'row {i} committed usage: PricingCategory Committed', r['PricingCategory'] == 'Committed')
        id_cols = ('CommitmentDiscountCategory', 'CommitmentDiscountName', 'CommitmentDiscountType',
                   'CommitmentDiscountQuantity', 'CommitmentDiscountUnit')
        check(f'row {i} commitment columns null exactly when the Id is', all((r[c] != '') == has_id for c in id_cols))
        check(f'row {i} Status set exactly on a commitment Usage row', (r['CommitmentDiscountStatus'] != '') == (has_id and cat == 'Usage'))


def main():
    raw = open(os.path.join(ROOT, 'tests', 'golden', 'focus_amortised.out'), 'rb').read()
    check('every row ends in CRLF', raw.count(b'\r\n') == raw.count(b'\n'))
    table = list(csv.DictReader(io.StringIO(raw.decode('utf-8'), newline='')))
    text = open(os.path.join(ROOT, 'stdlib', 'providers', 'aws.outlay')).read()
    list_gpu = F(re.search(r'^aws_h100_8x_hourly = ([0-9.]+) USD/hour', text, re.M).group(1)) / 8
    want, whole, views = [], {}, {}
    for name, args in (('all_upfront', (12, F(0), 300000, D('2027-01-01'), None, False, list_gpu)),
                       ('partial_upfront', (12, F('0.9'), 150000, D('2027-03-15'), F(5, 100), True, None)),
                       ('no_upfront', (3, F('1.2'), 0, D('2027-01-01'), None, True, None)),
                       ('period_upfront', (2, F(1), 1000, D('2027-01-01'), None, False, None, 5))):
        rows, w, v = reservation(name, *args)
        want += rows
        whole.update(w)
        views[name] = v
    rows, w, v = plan()
    want += rows
    whole.update(w)
    views['plan_upfront'] = v

    spec_rules(table)
    got = {key(r): r for r in table}
    check('one row per expected charge', len(table) == len(want) == len(got), f'{len(table)} rows, {len(want)} expected')
    for w in want:
        k = key(w)
        r = got.get(k)
        check(f'{k} present', r is not None)
        if r is None:
            continue
        for col in NUMS:
            if col in w:
                check(f'{k} {col}', close(num(r[col]), w[col]), f'got {r[col]}, want {float(w[col])} ({w[col]})')
            elif col != 'PricingQuantity' and col not in ('ListUnitPrice', 'ContractedUnitPrice'):
                check(f'{k} {col} is null', r[col] == '', repr(r[col]))

    # each commitment: its Usage rows' EffectiveCost = its Purchase rows' BilledCost = the whole commitment
    for cid, amount in whole.items():
        mine = [r for r in table if r['CommitmentDiscountId'] == cid]
        eff = sum(F(r['EffectiveCost']) for r in mine if r['ChargeCategory'] == 'Usage')
        bought = sum(F(r['BilledCost']) for r in mine if r['ChargeCategory'] == 'Purchase')
        check(f'{cid}: Purchase BilledCost is the whole commitment', bought == amount, f'{bought} != {amount}')
        check(f'{cid}: Used + Unused EffectiveCost is the whole commitment', close(eff, amount, len(mine)), f'{float(eff)} != {amount}')

    # both views of each invoice: BilledCost is what it bills, EffectiveCost its amortised view
    everything = F(0)
    for name, v in views.items():
        mine = [r for r in table if r['BillingAccountId'] == name]
        total = sum(t for _, t, _ in v)
        everything += total
        check(f'{name}: amortised and billed views agree over the term', total == sum(s for _, _, s in v))
        for col in ('BilledCost', 'EffectiveCost'):
            check(f'{name}: {col} adds up to the invoice total', close(sum(F(r[col]) for r in mine), total, len(mine)))
        for a, t, s in v:
            rows = [r for r in mine if r['BillingPeriodStart'][:10] == a]
            check(f'{name} {a}: BilledCost is the period total', close(sum(F(r['BilledCost']) for r in rows), t, len(rows)))
            check(f'{name} {a}: EffectiveCost is the period amortised', close(sum(F(r['EffectiveCost']) for r in rows), s, len(rows)))
    # the text invoice's two views are those of the FOCUS rows
    for n, name in enumerate(views):
        shown, _ = read_invoice('focus_amortised_views', n)
        mine = [r for r in table if r['BillingAccountId'] == name]
        for a, t, s in views[name]:
            rows = [r for r in mine if r['BillingPeriodStart'][:10] == a]
            cells = shown.get(a[:7], {})
            check(f'{name} {a[:7]}: the invoice shows the model total', cells.get('Total') == t, f'{cells.get("Total")} != {t}')
            check(f'{name} {a[:7]}: the invoice shows the model amortised view', cells.get('Amortised', cells.get('Total')) == s,
                  f'{cells.get("Amortised")} != {s}')
            check(f'{name} {a[:7]}: its Amortised column is the FOCUS EffectiveCost',
                  close(sum(F(r['EffectiveCost']) for r in rows), cells.get('Amortised', cells.get('Total')), len(rows)))
    for col in ('BilledCost', 'EffectiveCost'):
        check(f'{col} column adds up to the exact total of every invoice', sum(F(r[col]) for r in table) == everything,
              f'{sum(F(r[col]) for r in table)} != {everything}')
    for f in failures:
        print('FAIL', f)
    return 1 if failures else 0


sys.exit(main())
