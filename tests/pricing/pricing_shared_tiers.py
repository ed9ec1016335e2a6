#!/usr/bin/env python3
"""Tier ladders shared by several SKUs, and ladders with a starting position.

A shared ladder is walked by the SKUs' combined usage in the period (from where their
earlier usage left it, for cumulative tiers); each SKU's charge is the ladder's charge times
its share of the combined usage (AWS's average tiered rate across the accounts of an
organization). A starting position is usage from outside the contract that the ladder counts
first, in every period, or once for cumulative tiers; it is not billed. Volume tiers price
all of the usage at the rate of the tier the position after it falls in. TB = 1000 GB.
The invoice rounds to cents half even; `lines` rounds every line.
Checks tests/golden/pricing_shared_tiers.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, graduated, read_shown, round_to, usd  # noqa: E402

TB = 1000
LADDER = [(10 * TB, F('0.09')), (50 * TB, F('0.085')), (150 * TB, F('0.07')), (None, F('0.05'))]


def below_rate(tiers, q):
    """Volume tiers written `below Q`: a usage equal to a bound is in the next tier."""
    for hi, rate in tiers:
        if hi is None or q < hi:
            return rate


def ladder(kind, tiers, before, q):
    """The charge for usage q past position `before` on a ladder."""
    if kind == 'graduated':
        return graduated(tiers, before, before + q)
    return q * below_rate(tiers, before + q)


def shares(kind, tiers, before, uses):
    """Each SKU's share of the ladder's charge for their combined usage, pro rata."""
    total = sum(uses.values())
    charge = ladder(kind, tiers, before, total)
    return {k: charge * q / total for k, q in uses.items()}


def cents(x):
    return round_to(x, F(1, 100))


def money_record(d):
    return {k: usd(v) for k, v in d.items()}


def expected():
    want = {}
    # shared: per month, each its share; cdn flat
    use = [{'ec2_out': 8 * TB, 's3_out': 4 * TB}, {'ec2_out': 30 * TB, 's3_out': 25 * TB}]
    totals = []
    for i, u in enumerate(use):
        ch = shares('graduated', LADDER, 0, u)
        ch['cdn'] = TB * F('0.02')
        want['sh.periods[%d].charges' % i] = money_record(ch)
        totals.append(cents(sum(ch.values())))
        if i == 1:
            want['sh.periods[1].lines[1].rate'] = (ch['ec2_out'] / (30 * TB), 'USD/GB')
    want['sh.total'] = usd(sum(totals))
    want['price(cdn_only, shared).periods[0].lines'] = [
        {'sku': '"cdn"', 'category': '"usage"', 'quantity': (F(TB), 'GB'), 'list_rate': (F('0.02'), 'USD/GB'),
         'rate': (F('0.02'), 'USD/GB'), 'amount': usd(TB * F('0.02'))}]
    # vol: below 10 TB at 0.10, above at 0.08, shared
    vol = [(10 * TB, F('0.10')), (None, F('0.08'))]
    for i, u in enumerate([{'ec2_out': 6 * TB, 's3_out': 4 * TB}, {'ec2_out': 3 * TB, 's3_out': 2 * TB}]):
        want['v.periods[%d].charges' % i] = money_record(shares('volume', vol, 0, u))
    # cum: shared cumulative ladder
    cum = [(20 * TB, F('0.09')), (None, F('0.05'))]
    before = 0
    for i, u in enumerate([{'ec2_out': 8 * TB, 's3_out': 4 * TB}, {'ec2_out': 10 * TB, 's3_out': 6 * TB}]):
        want['cu.periods[%d].charges' % i] = money_record(shares('graduated', cum, before, u))
        before += sum(u.values())
    # start: 20 TB a month from 40 TB, in each month
    for i in range(2):
        want['price(monthly, start).periods[%d].total' % i] = usd(cents(ladder('graduated', LADDER, 40 * TB, 20 * TB)))
    # start_list: from 40 TB in January, from 5 TB in February
    for i, at in enumerate((40 * TB, 5 * TB)):
        want['sl.periods[%d].total' % i] = usd(cents(ladder('graduated', LADDER, at, 20 * TB)))
    # start_cum: from 40 TB once, then on from 60 TB
    for i in range(2):
        want['sc.periods[%d].total' % i] = usd(cents(ladder('graduated', LADDER, 40 * TB + 20 * TB * i, 20 * TB)))
    # start_vol: 4 TB then 6 TB, each month from 5 TB
    want['price(stepping, start_vol).total'] = usd(sum(cents(ladder('volume', vol, 5 * TB, q)) for q in (4 * TB, 6 * TB)))
    # start_shared: 8 + 4 TB from 5 TB on a three-tier ladder
    three = [(10 * TB, F('0.09')), (50 * TB, F('0.085')), (None, F('0.07'))]
    want['price(growing, start_shared).periods[0].charges'] = money_record(
        shares('graduated', three, 5 * TB, {'ec2_out': 8 * TB, 's3_out': 4 * TB}))
    # lines: 1 + 2 GB at first 1 GB at 1, above at 0.5; each line rounded to cents
    bits = [(1, F(1)), (None, F('0.5'))]
    sh = shares('graduated', bits, 0, {'a': 1, 'b': 2})
    lines = []
    for k, q in (('a', 1), ('b', 2)):
        amount = cents(sh[k])
        lines.append({'sku': '"%s"' % k, 'category': '"usage"', 'quantity': (F(q), 'GB'),
                      'rate': (amount / q, 'USD/GB'), 'amount': usd(amount)})
    want['li.periods[0].lines'] = lines
    want['li.total'] = usd(sum(cents(x) for x in sh.values()))
    return want


c = Checker('pricing_shared_tiers')
c.shown(read_shown('pricing_shared_tiers'), expected())
sys.exit(c.done())
