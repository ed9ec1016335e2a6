#!/usr/bin/env python3
"""Compares and sweeps that re-price from the program's own pricing (issue 11): every cell
is the contract priced afresh, here, under that scenario or swept value.

The contract: 2 USD/(gpu*hour) (gpu_rate), a 1500 USD monthly minimum, 5% off spend above
1000 USD a month, SLA credits of 25% below 99.0% uptime and 10% below 99.9% (of the net),
a 5000 USD credit pool (pool_size) drawn down period by period; the invoice total rounded
to cents each period. The workload: uptime 99.5% in the second month, else 99.95%; usage
base + extra gpus all month, base = 1 + the period's index. Checks
tests/golden/pricing_rerun_memo.out."""

import datetime
import os
import re
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import GOLDEN, Checker, hours, periods, read_shown, round_to, usd, value  # noqa: E402

PERIODS = periods(datetime.date(2027, 1, 1), datetime.date(2027, 5, 1))


def price(uptime=None, extra=0, rate=F(2), pool=F(5000), base=None):
    """(total, SLA credit, pool draw) of the term; uptime/base given replace the workload's."""
    left, total, sla_sum, draw_sum = pool, F(0), F(0), F(0)
    for i, (start, end) in enumerate(PERIODS):
        up = uptime if uptime is not None else (F(995, 1000) if i == 1 else F(9995, 10000))
        gpus = (base if base is not None else 1 + i) + extra
        charge = gpus * hours(start, end) * rate
        net = charge - F(5, 100) * max(F(0), charge - 1000)
        shortfall = max(F(0), 1500 - net)
        pct = F(25, 100) if up < F(99, 100) else F(10, 100) if up < F(999, 1000) else F(0)
        sla = pct * net
        due = net + shortfall - sla
        draw = min(left, due) if left > 0 and due > 0 else F(0)
        left -= draw
        total += round_to(due - draw, F(1, 100))
        sla_sum += sla
        draw_sum += draw
    return total, sla_sum, draw_sum


def tables():
    """The .out's compare and sweep tables: {title: (header, rows)}, cells as values."""
    out, title = {}, None
    with open(os.path.join(GOLDEN, 'pricing_rerun_memo.out')) as f:
        for line in f:
            line = line.rstrip('\n')
            if line.endswith(':'):
                title = line[:-1]
                out[title] = None
            elif title and out[title] is None:
                out[title] = (re.split(r'\s{2,}', line.strip()), [])
            elif title:
                out[title][1].append(re.split(r'\s{2,}', line.strip()))
    return out


c = Checker('pricing_rerun_memo')
c.shown(read_shown('pricing_rerun_memo'), {'bill.total': usd(price()[0])})
t = tables()
scenarios = {'base': price(), 'flaky': price(uptime=F(98, 100)), 'bigger': price(extra=1),
             'pricier': price(rate=F(5, 2)), 'smallpool': price(pool=F(2000)), 'steady': price(base=2)}
header, rows = t['compare']
c.eq('compare columns', header, list(scenarios))
for row in rows:
    k = ['bill.total', 'bill.sla_credit', 'bill.pool_draw'].index(row[0])
    for name, cell in zip(header, row[1:]):
        c.eq('compare %s %s' % (name, row[0]), value(cell, True), usd(scenarios[name][k]))
c.eq('sweep uptime rows', [r[0] for r in t['sweep uptime'][1]], ['99.95%', '99.5%', '98.5%'])
for row, up in zip(t['sweep uptime'][1], [F(9995, 10000), F(995, 1000), F(985, 1000)]):
    total, _, draw = price(uptime=up)
    c.eq('sweep uptime %s bill.total' % row[0], value(row[1], True), usd(total))
    c.eq('sweep uptime %s bill.pool_draw' % row[0], value(row[2], True), usd(draw))
c.eq('sweep extra rows', [r[0] for r in t['sweep extra'][1]], ['0 gpu', '1 gpu'])
for row, extra in zip(t['sweep extra'][1], [0, 1]):
    c.eq('sweep extra %s bill.total' % row[0], value(row[1], True), usd(price(extra=extra)[0]))
sys.exit(c.done())
