#!/usr/bin/env python3
"""A credit pool drawn down over several periods until it is used up.

600 USD pool; each month 200 USD of usage (10000 GB-month at 0.02 USD/(GB*month)) and a
250 USD monthly minimum, so 250 USD is due before the pool. Each period draws
min(what is left of the pool, what is due). Four months from 2027-01-01.
Checks the invoice table (--exact) in tests/golden/pricing_credit_pool.out."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, add_months, periods, read_shown, round_to, usd  # noqa: E402


def expected():
    start = D('2027-01-01')
    pool = F(600)
    rows, term = {}, {}
    for a, b in periods(start, add_months(start, 4)):
        usage = 10000 * F('0.02')
        shortfall = max(F(0), 250 - usage)
        due = usage + shortfall
        draw = min(pool, due)
        pool -= draw
        row = {'storage': usage, 'Discounts': F(0), 'Shortfall': shortfall, 'SLA credit': F(0),
               'Credit pool': draw, 'Total': round_to(due - draw, F(1, 100))}
        rows[a.strftime('%Y-%m')] = row
        for k, v in row.items():
            term[k] = term.get(k, F(0)) + v
    rows['Term'] = term
    assert pool == 0
    quantity = 4 * 10000
    rates = {'storage': ((F('0.02'), 'USD/(GB*month)'), (term['Total'] / quantity, 'USD/(GB*month)'))}
    return rows, rates, {'bill.pool_draw': usd(term['Credit pool'])}


c = Checker('pricing_credit_pool')
rows, rates, shown = expected()
c.invoice(rows, rates)
c.shown(read_shown('pricing_credit_pool'), shown)
sys.exit(c.done())
