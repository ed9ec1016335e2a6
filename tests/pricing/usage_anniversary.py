#!/usr/bin/env python3
"""Hourly usage from an export across a contract anniversary.

Reads tests/golden/exports/anniversary.csv itself: each row's quantity (GPU-hours) runs
evenly over the hours from ChargePeriodStart to ChargePeriodEnd. Contract 2027-01-15 ..
2028-02-15, calendar-month periods, 2 USD per GPU-hour escalated 10% a year (factor
1.1^k in contract year k, which starts on the k-th anniversary), 200,000 USD a year trued
up yearly: each hour's spend (usage x 2 x its year's factor) counts toward its year; a
year's shortfall = max(0, minimum - spend) on the invoice holding its last day; year 2 is
cut at 31 of its 366 days. A period's usage line is the sum of its hours, at the average
rate; invoices round to the cent (half-even), with a rounding line when that changes the
total. sku_deal: the same usage and escalator (on the SKU), no true-up: January 2028's
usage line alone, its hours priced the same way. Checks tests/golden/usage_anniversary.out
(run with --exact)."""

import csv
import datetime
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import GOLDEN, Checker, D, add_months, periods, read_shown, round_to, close_yearly_trueup_period, usd  # noqa: E402

START, END = D('2027-01-15'), D('2028-02-15')
RATE, STEP, YEARLY = F(2), F(11, 10), F(200_000)
ANNIVERSARY = add_months(START, 12)
T0 = datetime.datetime(2027, 1, 15, tzinfo=datetime.timezone.utc)


def hour_of(text):
    t = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    return int((t - T0).total_seconds()) // 3600


usage = {}
with open(os.path.join(GOLDEN, 'exports', 'anniversary.csv')) as f:
    for row in csv.DictReader(f):
        a, b = hour_of(row['ChargePeriodStart']), hour_of(row['ChargePeriodEnd'])
        for h in range(a, b):
            usage[h] = usage.get(h, F(0)) + F(row['PricingQuantity']) / (b - a)


def year(h):
    return 0 if START + datetime.timedelta(days=h // 24) < ANNIVERSARY else 1


def minimum(k):
    if k == 0:
        return YEARLY
    return YEARLY * F((END - ANNIVERSARY).days, (add_months(START, 24) - ANNIVERSARY).days)


want, spend, total = {}, {0: F(0), 1: F(0)}, F(0)
for i, (a, b) in enumerate(periods(START, END)):
    first, n = (a - START).days * 24, (b - a).days * 24
    qty = amount = F(0)
    for h in range(first, first + n):
        u = usage.get(h, F(0))
        cost = u * RATE * STEP ** year(h)
        qty, amount = qty + u, amount + cost
        spend[year(h)] += cost
    lines = [{'sku': '"gpu_hour"', 'category': '"usage"', 'quantity': (qty, 'hour'), 'list_rate': (RATE, 'USD/hour'),
              'rate': (amount / qty, 'USD/hour'), 'amount': usd(amount)}]
    invoice = close_yearly_trueup_period(lines, amount, a, b, START, END, spend, minimum)
    if i in (12, 13):
        want['bill.periods[%d].lines' % i] = lines
    if i == 12:   # the same usage line with no true-up and no rounding (whole cents)
        assert round_to(amount, F(1, 100)) == amount
        want['price(actual, sku_deal).periods[12].lines'] = lines[:1]
    total += invoice
want['bill.total'] = usd(total)

c = Checker('usage_anniversary')
c.shown(read_shown('usage_anniversary'), want)
sys.exit(c.done())
