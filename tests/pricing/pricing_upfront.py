#!/usr/bin/env python3
"""Prepayment and amortisation.

An upfront payment is billed in the period that holds its date (after discounts,
commitments and credits, which it is not part of); a period's amortised cost is its total
with the payment replaced by the period's share of it, by days (hours) of the term. Over
the term both views add up to the same amount.
  all_upfront:     300,000 USD when the term starts (2027-01-01); 4 gpu reserved in each
                   hour at 0 USD/(gpu*hour), above at 2.5 USD/(gpu*hour)
  partial_upfront: 150,000 USD on 2027-03-15; reserved at 0.9 USD/(gpu*hour)
Usage: 6 gpu in hours 0..7 of each day, 3 gpu otherwise. Twelve months of 2027, each
invoice rounded to the cent. Checks tests/golden/pricing_upfront.out (run with --exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, periods, read_shown, round_to, usd  # noqa: E402


def invoices(name, upfront, paid_on, reserved_rate):
    start = D('2027-01-01')
    end = add_months(start, 12)
    term_days = (end - start).days
    want, total, amortised = {}, F(0), F(0)
    for i, (a, b) in enumerate(periods(start, end)):
        days = (b - a).days
        # per day: 8 hours at 6 gpu (4 covered, 2 over), 16 hours at 3 gpu (3 covered, 1 unused)
        reserved = 4 * 24 * days * F(reserved_rate)
        over = 2 * 8 * days * F('2.5')
        paid = F(upfront) if a <= paid_on < b else F(0)
        invoice = round_to(reserved + over + paid, F(1, 100))
        share = invoice - paid + F(upfront) * F(days, term_days)
        total += invoice
        amortised += share
        want['%s.periods[%d].total' % (name, i)] = usd(invoice)
        want['%s.periods[%d].upfront' % (name, i)] = usd(paid)
        want['%s.periods[%d].amortised' % (name, i)] = usd(share)
    want['%s.total' % name] = usd(total)
    want['%s.amortised' % name] = usd(amortised)
    assert total == amortised
    return want


shown = read_shown('pricing_upfront')
want = invoices('bill', 300000, D('2027-01-01'), 0)
want.update(invoices('partial', 150000, D('2027-03-15'), F('0.9')))
c = Checker('pricing_upfront')
c.shown(shown, {k: v for k, v in want.items() if k in shown})
for k in ('bill.total', 'bill.amortised', 'partial.total', 'partial.amortised', 'partial.periods[2].upfront'):
    if k not in shown:
        c.eq(k, '<missing>', want[k])
sys.exit(c.done())
