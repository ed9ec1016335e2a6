#!/usr/bin/env python3
"""Each rounding policy on the same invoice lines.

Four egress lines at 0.001 USD/GB: 1005, 2005, 3005 and 4010 GB = 1.005, 2.005, 3.005 and
4.01 USD (10.025 USD). The contract runs 2027-01-01 .. 2027-02-04; from 2027-02-01 a
100 USD monthly minimum applies, prorated to 3 of February's 28 days = 75/7 USD, so
February's shortfall is 75/7 minus the (rounded, under round lines) usage.
  a: round invoice to 0.01 USD (default, half_even)   b: round invoice ... half_up
  c: round lines to 0.01 USD (half_even)              d: round lines ... half_up
  e: round none (exact)
Invoice rounding rounds each period's invoice; line rounding rounds every line
(usage and shortfall) and the invoice is their sum; the term total is the sum of the
period invoices. Checks the "exact" fields of tests/golden/pricing_rounding.out (JSON), and
that its "value" fields are the readable display of the same numbers."""

import json
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import Checker, D, GOLDEN, month_share, number, periods, readable, round_to, usd  # noqa: E402


LINES = [F(1005) * F(1, 1000), F(2005) * F(1, 1000), F(3005) * F(1, 1000), F(4010) * F(1, 1000)]
CENT = F(1, 100)


def period(policy, mode, minimum):
    r_line = (lambda x: round_to(x, CENT, mode)) if policy == 'lines' else (lambda x: x)
    r_inv = (lambda x: round_to(x, CENT, mode)) if policy == 'invoice' else (lambda x: x)
    net = sum(r_line(x) for x in LINES)
    shortfall = r_line(max(F(0), minimum - net))
    return r_inv(net + shortfall), shortfall


def expected():
    start, end = D('2027-01-01'), D('2027-02-04')
    ps = periods(start, end)
    mins = [F(100) * month_share(a, b) if a >= D('2027-02-01') else F(0) for a, b in ps]
    assert mins == [0, F(75, 7)]
    want = {}
    for name, policy, mode in (('a', 'invoice', 'half_even'), ('b', 'invoice', 'half_up'),
                               ('c', 'lines', 'half_even'), ('d', 'lines', 'half_up'), ('e', 'none', None)):
        res = [period(policy, mode, m) for m in mins]
        want['%s.periods[0].total' % name] = res[0][0]
        want['%s.periods[1].total' % name] = res[1][0]
        want['%s.total' % name] = res[0][0] + res[1][0]
        if name in 'ce':
            want['%s.periods[1].shortfall' % name] = res[1][1]
    # the point of the case: January differs under every policy
    assert len({want[k + '.periods[0].total'] for k in 'abcde'}) == 5
    return want


def read_json(name):
    with open(os.path.join(GOLDEN, name + '.out')) as f:
        doc = json.load(f)
    return {r['label']: r for r in doc['results']}


c = Checker('pricing_rounding')
got = read_json('pricing_rounding')
want = expected()
for label, w in want.items():
    r = got.get(label, {})
    c.eq(label, (number(r['exact']), r['unit']) if 'exact' in r else '<missing>', usd(w))
    if 'value' in r:      # the readable number: the display rules, money with cents
        c.eq(label + ' (value)', r['value'], readable(w, 'USD'))
for label in got:
    if label not in want:
        c.eq(label, 'shown but not checked', None)
sys.exit(c.done())
