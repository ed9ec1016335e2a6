#!/usr/bin/env python3
"""Invoices converted into another currency, recomputed with Python's csv module and exact
fractions (no Outlay code). Checks tests/golden/fx_invoice.out (JSON) and the FOCUS rows of
tests/golden/fx_price_focus.out (the contract of usage_cli.outlay, without the fee, priced
from the same export and converted into EUR by exports/rates.outlay, the same EUR table) and
fx_focus_list.out (list prices in USD), and fx_invoice_lines.out (a contract rounding each
line, converted into yen).

The invoice in USD: the rows of tests/golden/exports/cli.csv summed per calendar month of
ChargePeriodStart and SKU, times the flat rates (gpu_hour 2.10 USD/hour, egress 0.09 USD/GB,
1 TB = 1000 GB), and a fee of 99.99 USD each month; every amount is whole cents, so the USD
invoice has no rounding line.

The policy under test: each period converts at the rate in force on its first day (the
EUR table changes on 2027-01-15: January converts at 1.08 USD/EUR, February at 1.12), each
amount exactly (an amount in USD divided by USD/EUR, or times JPY/USD); then the period's
total is rounded half to even to the target's minor unit (EUR cents, whole yen) and the
difference is an invoice rounding line (none when it is zero). The term's figures are the
sums of the periods'; the average rates are the term's charges (or total, all-in) per unit
of the SKU's quantity."""

import csv
import json
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import GOLDEN, Checker, number, read_shown, round_to  # noqa: E402

RATES = {'gpu_hour': F('2.10'), 'egress': F('0.09')}
FEE = F('99.99')
MONTHS = ['2027-01', '2027-02']
# the rate tables, as (first day, rate); a rate is quoted as the table gives it
EUR_TABLE = [('2027-01-01', F('1.08')), ('2027-01-15', F('1.12'))]      # USD per EUR
JPY_TABLE = [('2027-01-01', F('157.23')), ('2027-02-01', F('151.4'))]   # JPY per USD


def in_force(table, day):
    rate = None
    for start, r in table:
        if start <= day:
            rate = r
    return rate


def usd_invoice():
    """{month: {sku: (quantity in the rate's unit, amount)}} and the fee per month."""
    out = {m: {} for m in MONTHS}
    with open(os.path.join(GOLDEN, 'exports', 'cli.csv'), newline='') as f:
        for r in csv.DictReader(f):
            m, sku = r['ChargePeriodStart'][:7], r['SkuId']
            q = F(r['PricingQuantity']) * (1000 if r['PricingUnit'] == 'TB' else 1)
            old = out[m].get(sku, (F(0), F(0)))
            out[m][sku] = (old[0] + q, old[1] + q * RATES[sku])
    return out


def expected(currency, per_usd, minor):
    """The converted invoice's figures by label, as (value, unit)."""
    usd = usd_invoice()
    want, term_total, term_charges, term_q = {}, F(0), {}, {}
    for p, m in enumerate(MONTHS):
        k = per_usd(m + '-01')               # target currency per USD, on the period's first day
        charges = {s: a * k for s, (_, a) in usd[m].items()}
        fee = FEE * k
        exact = sum(charges.values()) + fee
        total = round_to(exact, F(1, 10 ** minor))
        pre = 'periods[%d].' % p
        for s, c in charges.items():
            want[pre + 'charges.' + s] = (c, currency)
            term_charges[s] = term_charges.get(s, 0) + c
            term_q[s] = term_q.get(s, 0) + usd[m][s][0]
        want[pre + 'fees'] = (fee, currency)
        want[pre + 'total'] = (total, currency)
        want[pre + 'rounding'] = (total - exact, currency) if total != exact else None
        want[pre + 'fee pricing_amount'] = (FEE, 'USD')
        term_total += total
    want['total'] = (term_total, currency)
    for s, c in term_charges.items():
        want['charges.' + s] = (c, currency)
        want['effective.' + s] = (c / term_q[s], None)
        want['all_in.' + s] = (term_total / term_q[s], None)
    return want


def amount(v):
    return (number(v['exact']), v['unit'])


def got_figures(inv):
    got = {}
    for p, per in enumerate(inv['periods']):
        pre = 'periods[%d].' % p
        for s, v in per['charges'].items():
            if s != 'type':
                got[pre + 'charges.' + s] = amount(v)
        got[pre + 'fees'] = amount(per['fees'])
        got[pre + 'total'] = amount(per['total'])
        rounding = [l for l in per['lines'] if l['category'] == 'rounding']
        got[pre + 'rounding'] = amount(rounding[0]['amount']) if rounding else None
        fee = [l for l in per['lines'] if l['category'] == 'fee'][0]
        got[pre + 'fee pricing_amount'] = amount(fee['pricing_amount'])
        got[pre + 'exchange_rate'] = amount(per['exchange_rate'])
        # the lines add up to the period's total
        got[pre + 'lines add up'] = sum(number(l['amount']['exact']) for l in per['lines']) == number(per['total']['exact'])
    got['total'] = amount(inv['total'])
    for s, v in inv['charges'].items():
        if s != 'type':
            got['charges.' + s] = amount(v)
    for key in ('effective', 'all_in'):
        for s, v in inv[key].items():
            if s != 'type':
                got[key + '.' + s] = (number(v['exact']), None)
    return got


c = Checker('fx_invoice')
with open(os.path.join(GOLDEN, 'fx_invoice.out')) as f:
    results = {r['label']: r['result'] for r in json.load(f)['results']}
cases = {
    'convert(bill, EUR)': ('EUR', lambda d: 1 / in_force(EUR_TABLE, d), 2, EUR_TABLE, 'USD/EUR'),
    'convert(bill, JPY)': ('JPY', lambda d: in_force(JPY_TABLE, d), 0, JPY_TABLE, 'JPY/USD'),
}
for label, (cur, per_usd, minor, table, quote) in cases.items():
    inv = results.get(label)
    if inv is None:
        c.eq(label, '<missing>', 'an invoice')
        continue
    c.eq(label + ' currency', (inv['currency'], inv['pricing_currency']), (cur, 'USD'))
    want = expected(cur, per_usd, minor)
    for p, m in enumerate(MONTHS):
        want['periods[%d].exchange_rate' % p] = (in_force(table, m + '-01'), quote)
        want['periods[%d].lines add up' % p] = True
    got = got_figures(inv)
    for k, w in want.items():
        c.eq(label + ' ' + k, got.get(k, '<missing>'), w)
    for k in got:
        if k not in want:
            c.eq(label + ' ' + k, 'shown but not checked', None)


def check_focus(case, usd, lists):
    """A FOCUS file of one converted invoice: each usage row's euros and dollars; each
    period's BilledCost column adds up to the rounded EUR total (the rounding row included);
    the pricing currency columns hold the row in dollars: every cost and unit price is the
    euro one times the period's USD/EUR rate, so the rounding row's is the euro rounding in
    dollars; a list price (else the contracted one) converts with the period."""
    with open(os.path.join(GOLDEN, case + '.out'), newline='') as f:
        rows = list(csv.DictReader(f))
    name = case + ' '
    for p, m in enumerate(MONTHS):
        k = 1 / in_force(EUR_TABLE, m + '-01')
        got = [r for r in rows if r['BillingPeriodStart'].startswith(m)]
        exact = sum(a for _, a in usd[m].values()) * k
        total = round_to(exact, F(1, 100))
        c.eq(name + m + ' BilledCost sum', sum(F(r['BilledCost']) for r in got), total)
        for r in got:
            c.eq(name + m + ' currencies', (r['BillingCurrency'], r['PricingCurrency']), ('EUR', 'USD'))
            if r['ChargeCategory'] != 'Usage':
                c.eq(name + m + ' rounding row', (r['ChargeDescription'], F(r['PricingCurrencyEffectiveCost'])),
                     ('invoice rounding', (total - exact) / k))
                continue
            sku = r['SkuId']
            q, a = usd[m][sku]
            list_price = lists.get(sku, RATES[sku])
            c.eq(name + m + ' ' + sku + ' PricingQuantity', F(r['PricingQuantity']), q)
            c.eq(name + m + ' ' + sku + ' PricingCurrencyEffectiveCost', F(r['PricingCurrencyEffectiveCost']), a)
            c.eq(name + m + ' ' + sku + ' PricingCurrencyContractedUnitPrice', F(r['PricingCurrencyContractedUnitPrice']), RATES[sku])
            c.eq(name + m + ' ' + sku + ' PricingCurrencyListUnitPrice', F(r['PricingCurrencyListUnitPrice']), list_price)
            # figures that do not end are written to 12 places
            for col, want in (('BilledCost', a * k), ('ListUnitPrice', list_price * k), ('ListCost', list_price * q * k)):
                c.eq(name + m + ' ' + sku + ' ' + col, abs(F(r[col]) - want) <= F(1, 10 ** 12), True)


usd = usd_invoice()
check_focus('fx_price_focus', usd, {})
# fx_focus_list: 500 hours a month, list price 2.50 USD/hour
check_focus('fx_focus_list', {m: {'gpu_hour': (F(500), 500 * RATES['gpu_hour'])} for m in MONTHS}, {'gpu_hour': F('2.50')})


def check_lines_rounding():
    """fx_invoice_lines: a contract rounding each line half up, in USD; the yen total is
    the USD total (the sum of the rounded lines) at 150 JPY/USD, rounded to whole yen in
    the contract's mode, half up."""
    lines = [round_to(F(100) * F('2.10'), F(1, 100), 'half_up'), round_to(F('1000.333') * F('0.09'), F(1, 100), 'half_up')]
    usd_total = sum(lines)
    jpy = round_to(usd_total * 150, 1, 'half_up')
    assert jpy != round_to(usd_total * 150, 1, 'half_even')   # the mode matters here
    shown = read_shown('fx_invoice_lines')
    c.eq('fx_invoice_lines bill.total', shown.get('bill.total'), (usd_total, 'USD'))
    c.eq('fx_invoice_lines convert(bill, JPY).total', shown.get('convert(bill, JPY).total'), (jpy, 'JPY'))


check_lines_rounding()
# the point of the case: the mid-January EUR rate is not January's, and yen round to whole yen
assert in_force(EUR_TABLE, '2027-01-20') != in_force(EUR_TABLE, '2027-01-01')
for label in results:
    if label not in cases:
        c.eq(label, 'shown but not checked', None)
sys.exit(c.done())
