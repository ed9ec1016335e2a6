"""Independent model of Outlay's documented pricing semantics (doc/language.md §12-§14),
in exact rationals (fractions.Fraction).

A case is a plain dict (see gen.py for how one is made and rendered to .outlay text):

  start: date            first day of the term
  term:  int months | None,  end: date | None   (end = add_months(start, term) when term is given)
  skus:  [ {name, kind, rate: Fraction | None, tiers: None | {mode: graduated|volume,
            cumulative: bool, tiers: [(bound_or_None, closed, rate)], start: None | (form, value or [per period])},
            ladder: None | the name of the first SKU of a ladder it shares,
            usage: [value per period], usage_form: 'level'|'amount'|...,
            reserve: None | {qty, form, overage: Fraction | None}, escalate: its own | None} ]
  commits: [ {amount: per-month Fraction, from: date|None, until: date|None} ]
  fees:    [ same shape ]
  discounts: [ {kind: 'sku'|'all'|'above', pct, sku, skus: [names] | None, amount} ]
  escalate: Fraction | None
  sla: [ (pct, op, threshold) ] with op '<', '<=' (uptime) or 'index' (period.index == threshold),  uptime: [per period]
  sla_on: [ [names] | None per band ],  caps: [ ('share' | 'money', limit, [names] | None) ]
  pool: Fraction | None
  rounding: None (default) | ('invoice', Q, mode) | ('lines', Q, mode) | ('none',)
  commitment_basis: 'net'|'gross',  sla_basis: 'net'|'invoice'

Quantities are kept in each kind's base unit of measure:
  gpu:     gpu*hour          (level: gpu, runs all the period's calendar hours)
  egress:  GB
  storage: GB*month          (level: GB, times the period's share of its calendar month:
                              a storage-style rate counts calendar months, doc §12)
  hours:   hour              (level: a plain number, times period hours)
  monthly: month (730 h)     (level: a plain number, times period hours / 730)
"""
import datetime
import os
import sys
from fractions import Fraction as F

# the calendar and rounding helpers the other independent checks use
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from outlay_check import add_months, days_in_month, periods, round_to  # noqa: E402,F401

MONTH_HOURS = 730


# ---------------------------------------------------------------- dates

def days(a, b):
    d = a
    while d < b:
        yield d
        d += datetime.timedelta(days=1)


def contract_end(case):
    if case.get('end') is not None:
        return case['end']
    return add_months(case['start'], case['term'])


# ---------------------------------------------------------------- rounding

# ---------------------------------------------------------------- quantities

def usage_qty(kind, form, v, hours, share):
    """The usage (or reserved quantity) in the kind's base unit for one period of `hours`
    hours, `share` of its calendar month."""
    v = F(v)
    if kind == 'gpu':
        return v * hours if form == 'level' else v
    if kind == 'egress':
        return v * 1000 if form == 'TB' else v
    if kind == 'storage':
        return v * share if form == 'level' else v
    if kind == 'hours':
        return v * hours if form == 'level' else v
    if kind == 'monthly':
        return v * F(hours, MONTH_HOURS) if form == 'level' else v
    raise ValueError(kind)


def bound_qty(kind, form, v):
    """A tier bound in the base unit: a level counts per 730-hour pricing month (§12 Tiers)."""
    v = F(v)
    if kind == 'gpu':
        return v * MONTH_HOURS if form == 'level' else v
    if kind == 'egress':
        return v * 1000 if form == 'TB' else v
    if kind == 'storage':
        return v        # N GB as a level = N GB-month, N GB*month as an amount
    if kind in ('hours', 'monthly'):
        return v
    raise ValueError(kind)


def graduated(tiers, u):
    """Charge for usage u (from 0) through the tier list [(upper|None, closed, rate)]."""
    total, lo = F(0), F(0)
    for ub, _closed, rate in tiers:
        if ub is None:
            total += max(F(0), u - lo) * rate
            break
        part = min(u, ub) - lo
        if part > 0:
            total += part * rate
        lo = ub
        if u <= ub:
            break
    return total


def volume_rate(tiers, u):
    for ub, closed, rate in tiers:
        if ub is None:
            return rate
        if (closed and u <= ub) or (not closed and u < ub):
            return rate
    raise AssertionError('no tier')


# ---------------------------------------------------------------- pricing

def escalation_factor(case, a, b, p):
    if p is None:
        return F(1)
    start = case['start']
    tot, n = F(0), 0
    for d in days(a, b):
        k = 0
        while add_months(start, 12 * (k + 1)) <= d:
            k += 1
        tot += (1 + p) ** k
        n += 1
    return tot / n


def daily_amount(lines, a, b, last_wins):
    tot = F(0)
    for d in days(a, b):
        cover = [ln for ln in lines
                 if (ln.get('from') is None or ln['from'] <= d) and (ln.get('until') is None or d < ln['until'])]
        if not cover:
            continue
        if last_wins:
            cover = cover[-1:]
        for ln in cover:
            tot += F(ln['amount']) / days_in_month(d)
    return tot


def price(case):
    """Returns {'periods': [dict], 'total': Fraction} following doc §14's order.

    Under `round lines`, each step works on the rounded lines before it, and every line is
    rounded as the signed amount it has on the invoice (discount, SLA credit and pool draw
    lines are negative), so ceiling/floor go by that sign (doc §10, §14)."""
    start, end = case['start'], contract_end(case)
    ps = periods(start, end)
    rnd = case.get('rounding') or ('invoice', F(1, 100), 'half_even')
    line_round = (lambda x: round_to(x, rnd[1], rnd[2])) if rnd[0] == 'lines' else (lambda x: x)
    pool_left = case.get('pool')
    cum = {s['name']: F(0) for s in case['skus']}
    out = []
    for i, (a, b) in enumerate(ps):
        hours = (b - a).days * 24
        share = F((b - a).days, days_in_month(a))
        facs = {s['name']: escalation_factor(case, a, b, s['escalate'] if s.get('escalate') is not None else case.get('escalate'))
                for s in case['skus']}
        lines = []                          # (category, sku, amount) after line rounding
        charges = {}
        # 1. usage charges
        for s in case['skus']:
            fac = facs[s['name']]
            u = usage_qty(s['kind'], s['usage_form'], s['usage'][i], hours, share)
            if s.get('tiers'):
                if s.get('ladder') not in (None, s['name']):
                    continue                # priced with its ladder's first SKU
                t = s['tiers']
                tiers = t['tiers']
                members = [m for m in case['skus'] if m.get('ladder') == s['name']] if s.get('ladder') else [s]
                uses = {m['name']: usage_qty(m['kind'], m['usage_form'], m['usage'][i], hours, share) for m in members}
                total_u = sum(uses.values())
                at = 0
                if t.get('start'):
                    form, pos = t['start']
                    at = bound_qty(s['kind'], form, pos[i] if isinstance(pos, list) else pos)
                c0 = (cum[s['name']] if t['cumulative'] else 0) + at
                if t['mode'] == 'graduated':
                    amt = graduated(tiers, c0 + total_u) - graduated(tiers, c0)
                else:
                    amt = total_u * volume_rate(tiers, c0 + total_u)
                cum[s['name']] += total_u
                for m in members:           # each its share, pro rata by usage
                    part = amt * uses[m['name']] / total_u if total_u else F(0)
                    part = line_round(part * facs[m['name']])
                    lines.append(('usage', m['name'], part))
                    charges[m['name']] = part
            elif s.get('reserve'):
                r = s['reserve']
                rq = usage_qty(s['kind'], r['form'], r['qty'], hours, share)
                ov_rate = r['overage'] if r.get('overage') is not None else s['rate']
                res_amt = line_round(rq * s['rate'] * fac)
                ov_amt = line_round(max(F(0), u - rq) * ov_rate * fac)
                lines.append(('reserved', s['name'], res_amt))
                lines.append(('overage', s['name'], ov_amt))
                charges[s['name']] = res_amt + ov_amt
            else:
                amt = line_round(u * s['rate'] * fac)
                lines.append(('usage', s['name'], amt))
                charges[s['name']] = amt
        fees = F(0)
        if case.get('fees'):
            fees = line_round(daily_amount(case['fees'], a, b, last_wins=False))
            lines.append(('fee', 'fee', fees))
        gross = sum(charges.values()) + fees
        # 2. discounts: on SKUs (each on what its SKUs come to after those before it), then on
        # all (one after another), then spend above; each attributed exactly to its SKUs
        # pro rata (net_by), for the discounts and SLA credits on SKUs
        running = gross
        disc_total = F(0)
        net_by = dict(charges)
        for d in case.get('discounts', []):
            if d['kind'] == 'sku':
                on = d.get('skus') or [d['sku']]
                x = line_round(-d['pct'] * sum(net_by[n] for n in on))
                for n in on:
                    net_by[n] -= d['pct'] * net_by[n]
                running += x
                disc_total += x
        for d in case.get('discounts', []):
            if d['kind'] == 'all':
                for n in net_by:
                    net_by[n] -= d['pct'] * net_by[n]
                x = line_round(-d['pct'] * running)
                running += x
                disc_total += x
        for d in case.get('discounts', []):
            if d['kind'] == 'above':
                thr = d['amount'] * share
                exact = -d['pct'] * max(F(0), running - thr)
                for n in net_by:
                    net_by[n] += net_by[n] * exact / running if running else 0
                x = line_round(exact)
                running += x
                disc_total += x
        net = running
        # 3. shortfall
        minimum = daily_amount(case.get('commits', []), a, b, last_wins=True)
        basis = gross if case.get('commitment_basis') == 'gross' else net
        shortfall = line_round(max(F(0), minimum - basis))
        # 4. SLA: per set of SKUs (None: the whole contract) the largest band that holds
        # times the set's base, then the caps in order scale the credits under them
        sla_base = net + shortfall if case.get('sla_basis') == 'invoice' else net

        def base_of(key):
            return sla_base if key is None else sum(net_by[n] for n in key)
        bands = case.get('sla', [])
        keys = [frozenset(on) if on else None for on in (case.get('sla_on') or [None] * len(bands))]
        scopes = list(dict.fromkeys(keys))
        credit, held = {}, {}
        for key in scopes:
            pct = F(0)
            for (p, op, thr), k in zip(bands, keys):
                up = case['uptime'][i]
                if k == key and ((op == '<' and up < thr) or (op == '<=' and up <= thr) or (op == 'index' and i == thr)):
                    pct = max(pct, p)
            credit[key], held[key] = pct * base_of(key), pct > 0
        for kind, limit, on in case.get('caps', []):
            cap_key = frozenset(on) if on else None
            cap = limit * base_of(cap_key) if kind == 'share' else limit * share
            under = [k for k in scopes if cap_key is None or (k is not None and k <= cap_key)]
            tot = sum(credit[k] for k in under)
            if tot > cap:
                for k in under:
                    credit[k] = credit[k] * cap / tot
        # each sla_credit line is negative; ceiling/floor go by sign
        sla = sum(-line_round(-credit[k]) for k in scopes if held[k])
        # 5. pool
        due = net + shortfall - sla
        draw = F(0)
        if pool_left is not None and due > 0:   # nothing is drawn when the credits cover all that is due
            draw = min(pool_left, due)
            if rnd[0] == 'lines':
                draw = -line_round(-draw)       # a negative line, as the SLA credit
                if draw > pool_left:            # never overdraw (golden pricing_pool_rounded_lines)
                    draw = round_to(pool_left, rnd[1], 'floor')
            pool_left -= draw
        exact_total = due - draw
        if rnd[0] == 'invoice':
            total = round_to(exact_total, rnd[1], rnd[2])
        else:
            total = exact_total
        out.append(dict(start=a, end=b, gross=gross, fees=fees, discounts=disc_total, net=net,
                        shortfall=shortfall, sla_credit=sla, pool_draw=draw, total=total,
                        charges=charges, minimum=minimum, factors=facs))
    return {'periods': out, 'total': sum((p['total'] for p in out), F(0))}
