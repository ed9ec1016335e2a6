#!/usr/bin/env python3
"""Discounts, escalators, SLA credits and caps on one SKU or a set of SKUs.

The rules (doc/language.md, Discounts, Escalation, SLA credits):
  discounts: those on SKUs take P of what their SKUs come to after the discounts on SKUs
    before them; then `discount P` takes P of the running net. Each discount is attributed
    to the SKUs it applies to pro rata by what each comes to so far.
  credits: for each set of SKUs named by bands (the whole contract for bands without
    `on`), the largest band that holds times the set's base: the SKUs' charges less their
    discounts, or the net for the whole contract.
  caps, in order: the credits on sets within the cap's SKUs (all credits, for a cap
    without `on`) are scaled down pro rata when they exceed the cap: a share of the cap's
    SKUs' base, or money per month.
  escalators: a SKU's rate is multiplied by (1 + its own escalator)^year, else the
    contract's.
The invoice rounds to cents half even. Checks tests/golden/pricing_scoped.out (--exact)."""

import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import D, Checker, add_months, hours, periods, read_shown, round_to, usd  # noqa: E402

SKUS = ('gpu_hour', 'storage', 'egress')
UPTIME = [F(985, 1000), F(9995, 10000), F(90, 100)]


def charges(a, b, esc=None):
    esc = esc or {}
    return {'gpu_hour': 10 * hours(a, b) * 2 * esc.get('gpu_hour', 1),
            'storage': 100000 * F('0.02') * esc.get('storage', 1),
            'egress': 20000 * F('0.05') * esc.get('egress', 1)}


def price(ch, uptime, sku_discounts, all_discounts, bands, caps):
    """bands: [(pct, below, skus or None)]; caps: [(('share', pct) | ('money', amount), skus or None)]."""
    net_by = dict(ch)
    net = sum(ch.values())
    lines = []
    for pct, skus in sku_discounts:
        amount = -pct * sum(net_by[s] for s in skus)
        for s in skus:
            net_by[s] += -pct * net_by[s]
        net += amount
        lines.append(('+'.join(s for s in SKUS if s in skus), 'discount', amount))
    for pct in all_discounts:
        amount = -pct * net
        for s in SKUS:
            net_by[s] -= pct * net_by[s]
        net += amount
        lines.append(('all', 'discount', amount))

    def base(skus):
        return net if skus is None else sum(net_by[s] for s in skus)

    scopes = []
    for _, _, skus in bands:
        key = None if skus is None else frozenset(skus)
        if key not in scopes:
            scopes.append(key)
    credit, held = {}, {}
    for key in scopes:
        pct = max([p for p, below, s in bands if (None if s is None else frozenset(s)) == key and uptime < below], default=F(0))
        credit[key], held[key] = pct * base(key), pct > 0
    for (kind, limit), skus in caps:
        cap = limit * base(skus) if kind == 'share' else limit
        under = [k for k in scopes if skus is None or (k is not None and k <= frozenset(skus))]
        total = sum(credit[k] for k in under)
        if total > cap:
            for k in under:
                credit[k] = credit[k] * cap / total
    for key in scopes:
        if held[key]:
            lines.append(('sla' if key is None else '+'.join(s for s in SKUS if s in key), 'sla_credit', -credit[key]))
    sla = sum(credit[k] for k in scopes if held[k])
    return lines, net, sla, round_to(net - sla, F(1, 100))


def line_records(ch, extra):
    out = []
    units = {'gpu_hour': ('gpu*hour', 'USD/(gpu*hour)', F(2)), 'storage': ('GB*month', 'USD/(GB*month)', F('0.02')),
             'egress': ('GB', 'USD/GB', F('0.05'))}
    for s in SKUS:
        qu, ru, rate = units[s]
        out.append({'sku': '"%s"' % s, 'category': '"usage"', 'quantity': (ch[s] / rate, qu),
                    'list_rate': (rate, ru), 'rate': (rate, ru), 'amount': usd(ch[s])})
    for sku, cat, amount in extra:
        out.append({'sku': '"%s"' % sku, 'category': '"%s"' % cat, 'amount': usd(amount)})
    return out


def expected():
    start = D('2027-01-01')
    months = periods(start, add_months(start, 3))
    want = {}
    disc = dict(sku_discounts=[(F(10, 100), ('gpu_hour', 'egress'))], all_discounts=[F(5, 100)],
                bands=[(F(10, 100), F(999, 1000), ('gpu_hour',)), (F(30, 100), F(99, 100), ('gpu_hour',)),
                       (F(5, 100), F(999, 1000), None)], caps=[])
    res = [price(charges(a, b), UPTIME[i], **disc) for i, (a, b) in enumerate(months)]
    want['d.periods[0].lines'] = line_records(charges(*months[0]), res[0][0])
    want['d.periods[1].sla_credit'] = usd(res[1][2])
    want['d.periods[2].sla_credit'] = usd(res[2][2])
    want['d.total'] = usd(sum(r[3] for r in res))
    capped = dict(sku_discounts=[], all_discounts=[],
                  bands=[(F(10, 100), F(999, 1000), ('gpu_hour',)), (F(30, 100), F(99, 100), ('gpu_hour',)),
                         (F(100, 100), F(95, 100), ('gpu_hour',)), (F(5, 100), F(999, 1000), None)],
                  caps=[(('share', F(50, 100)), ('gpu_hour',)), (('money', F(1000)), None)])
    res = [price(charges(a, b), UPTIME[i], **capped) for i, (a, b) in enumerate(months)]
    want['k.periods[0].lines'] = line_records(charges(*months[0]), res[0][0])
    want['k.periods[2].lines'] = line_records(charges(*months[2]), res[2][0])
    want['k.total'] = usd(sum(r[3] for r in res))
    overlap = dict(sku_discounts=[(F(1), ('egress',)), (F(50, 100), ('storage', 'egress'))], all_discounts=[], bands=[],
                   caps=[])
    want['price(fleet, overlap).periods[0].discounts'] = usd(sum(x for _, _, x in price(charges(*months[0]), UPTIME[0],
                                                                                     **overlap)[0]))
    # esc: January 2028 is contract year 1 (whole period)
    a, b = D('2028-01-01'), D('2028-02-01')
    want['e.periods[12].charges'] = {k: usd(v) for k, v in charges(a, b, {'gpu_hour': F(11, 10), 'storage': F(103, 100),
                                                                          'egress': F(103, 100)}).items()}
    return want


c = Checker('pricing_scoped')
c.shown(read_shown('pricing_scoped'), expected())
sys.exit(c.done())
