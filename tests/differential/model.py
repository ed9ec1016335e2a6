"""Independent model of Outlay's documented pricing semantics (doc/language.md §12-§14),
in exact rationals (fractions.Fraction).

A case is a plain dict (see gen.py for how one is made and rendered to .outlay text):

  start: date            first day of the term
  term:  int months | None,  end: date | None   (end = add_months(start, term) when term is given)
  skus:  [ {name, kind, rate: Fraction | None, tiers: None | {mode: graduated|volume,
            cumulative: bool, tiers: [(bound_or_None, closed, rate)]},
            usage: [value per period], usage_form: 'level'|'amount'|...,
            reserve: None | {qty, form, overage: Fraction | None}} ]
  commits: [ {amount: per-month Fraction, from: date|None, until: date|None} ]
  fees:    [ same shape ]
  discounts: [ {kind: 'sku'|'all'|'above', pct, sku, amount} ]
  escalate: Fraction | None
  sla: [ (pct, op, threshold) ] with op '<', '<=' (uptime) or 'index' (period.index == threshold),  uptime: [per period]
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

def escalation_factor(case, a, b):
    p = case.get('escalate')
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
        fac = escalation_factor(case, a, b)
        lines = []                          # (category, sku, amount) after line rounding
        charges = {}
        # 1. usage charges
        for s in case['skus']:
            u = usage_qty(s['kind'], s['usage_form'], s['usage'][i], hours, share)
            if s.get('tiers'):
                t = s['tiers']
                tiers = t['tiers']
                if t['mode'] == 'graduated':
                    if t['cumulative']:
                        c0 = cum[s['name']]
                        amt = graduated(tiers, c0 + u) - graduated(tiers, c0)
                    else:
                        amt = graduated(tiers, u)
                else:
                    base = cum[s['name']] + u if t['cumulative'] else u
                    amt = u * volume_rate(tiers, base)
                cum[s['name']] += u
                amt = line_round(amt * fac)
                lines.append(('usage', s['name'], amt))
                charges[s['name']] = amt
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
        # 2. discounts: per SKU, then on all (one after another), then spend above
        running = gross
        disc_total = F(0)
        for d in case.get('discounts', []):
            if d['kind'] == 'sku':
                x = line_round(-d['pct'] * charges[d['sku']])
                running += x
                disc_total += x
        for d in case.get('discounts', []):
            if d['kind'] == 'all':
                x = line_round(-d['pct'] * running)
                running += x
                disc_total += x
        for d in case.get('discounts', []):
            if d['kind'] == 'above':
                thr = d['amount'] * share
                x = line_round(-d['pct'] * max(F(0), running - thr))
                running += x
                disc_total += x
        net = running
        # 3. shortfall
        minimum = daily_amount(case.get('commits', []), a, b, last_wins=True)
        basis = gross if case.get('commitment_basis') == 'gross' else net
        shortfall = line_round(max(F(0), minimum - basis))
        # 4. SLA
        pct = F(0)
        for p, op, thr in case.get('sla', []):
            up = case['uptime'][i]
            if (op == '<' and up < thr) or (op == '<=' and up <= thr) or (op == 'index' and i == thr):
                pct = max(pct, p)
        sla_base = net + shortfall if case.get('sla_basis') == 'invoice' else net
        sla = -line_round(-pct * sla_base)   # the sla_credit line is negative; ceiling/floor go by sign
        # 5. pool
        due = net + shortfall - sla
        draw = F(0)
        if pool_left is not None:
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
                        charges=charges, minimum=minimum, factor=fac))
    return {'periods': out, 'total': sum((p['total'] for p in out), F(0))}
