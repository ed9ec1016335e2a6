"""Random small contracts + workloads for differential testing of Outlay's pricing engine,
and their rendering as .outlay text.  The model of the documented semantics is model.py.

    case = generate(random.Random(seed))
    text = render(case)
"""
import datetime
import random
from fractions import Fraction as F

from model import add_months, contract_end, days_in_month, periods

KINDS = {
    # kind: (rate unit, usage forms, bound forms)
    'gpu': ('USD/(gpu*hour)', ['level', 'amount'], ['amount', 'level']),
    'egress': ('USD/GB', ['GB', 'TB'], ['GB', 'TB']),
    'storage': ('USD/(GB*month)', ['amount', 'level'], ['amount', 'level']),
    'hours': ('USD/hour', ['amount', 'level'], ['amount']),
    'monthly': ('USD/month', ['amount', 'level'], ['amount']),
}


def dec(x):
    """A Fraction with a finite decimal expansion as decimal text."""
    x = F(x)
    neg = x < 0
    x = abs(x)
    k = 0
    while (x * 10 ** k).denominator != 1:
        k += 1
        if k > 40:
            raise ValueError('not a finite decimal: %s' % x)
    n = int(x * 10 ** k)
    s = str(n).rjust(k + 1, '0')
    s = s[:len(s) - k] + ('.' + s[len(s) - k:] if k else '')
    return ('-' if neg else '') + s


def rdec(rng, lo, hi, places):
    """A random decimal in [lo, hi] with `places` decimals."""
    q = 10 ** places
    return F(rng.randint(int(lo * q), int(hi * q)), q)


def fmt_date(d):
    return d.isoformat()


# ---------------------------------------------------------------- value rendering

def render_usage(kind, form, v):
    v = dec(v)
    if kind == 'gpu':
        return '%s gpu' % v if form == 'level' else '%s gpu*hour' % v
    if kind == 'egress':
        return '%s %s' % (v, form)
    if kind == 'storage':
        return '%s GB * month' % v if form == 'amount' else '%s GB' % v
    if kind == 'hours':
        return '%s hour' % v if form == 'amount' else v
    if kind == 'monthly':
        return '%s month' % v if form == 'amount' else v
    raise ValueError(kind)


render_bound = render_usage      # the same spellings


def rate_text(kind, r):
    return '%s %s' % (dec(r), KINDS[kind][0])


def pct(p):
    return dec(p * 100) + '%'


def on_text(names):
    """`on x` for one SKU, `on [x, y]` for several."""
    return names[0] if len(names) == 1 else '[%s]' % ', '.join(names)


# ---------------------------------------------------------------- generation

def usage_value(rng, kind, form):
    if rng.random() < 0.08:
        return F(0)
    if kind == 'gpu':
        return rdec(rng, 0, 40, rng.choice([0, 0, 1])) if form == 'level' else rdec(rng, 0, 30000, rng.choice([0, 1]))
    if kind == 'egress':
        return rdec(rng, 0, 100000, rng.choice([0, 1])) if form == 'GB' else rdec(rng, 0, 100, 1)
    if kind == 'storage':
        return rdec(rng, 0, 1000000, 0)
    if kind == 'hours':
        return rdec(rng, 0, 1000, 1) if form == 'amount' else rdec(rng, 0, 3, 1)
    if kind == 'monthly':
        return rdec(rng, 0, 3, 2) if form == 'amount' else rdec(rng, 0, 3, 1)


def bound_value(rng, kind, form, scale):
    if kind == 'gpu':
        return (rdec(rng, 1, 30, 0) if form == 'level' else rdec(rng, 500, 25000, 0)) * scale
    if kind == 'egress':
        return (rdec(rng, 500, 80000, 0) if form == 'GB' else rdec(rng, 1, 80, 1)) * scale
    if kind == 'storage':
        return rdec(rng, 10000, 800000, 0) * scale
    if kind == 'hours':
        return rdec(rng, 10, 800, 0) * scale
    if kind == 'monthly':
        return rdec(rng, 0.5, 3, 1) * scale


def base_rate(rng, kind):
    if kind == 'gpu':
        return rdec(rng, 0.2, 4, 3)
    if kind == 'egress':
        return rdec(rng, 0.005, 0.12, 3)
    if kind == 'storage':
        return rdec(rng, 0.002, 0.03, 4)
    if kind == 'monthly':
        return rdec(rng, 100, 20000, 2)
    return rdec(rng, 0.1, 20, 2)


def est_charge(kind, rate):
    """A rough per-period charge, to scale commitments, thresholds and pools."""
    typical = {'gpu': 10000, 'egress': 50000, 'storage': 500000, 'hours': 500, 'monthly': 1}[kind]
    return typical * rate


def to_base_bound(kind, form, v):
    from model import bound_qty
    return bound_qty(kind, form, v)


def gen_tiers(rng, kind, nper):
    mode = rng.choice(['graduated', 'volume'])
    cumulative = rng.random() < 0.3
    scale = rng.randint(1, max(1, nper)) if cumulative else 1
    form = rng.choice(KINDS[kind][2])
    n = rng.randint(1, 3)                       # bounded tiers, then the `above` tier
    vals = sorted({bound_value(rng, kind, form, scale) for _ in range(n)})
    r0 = base_rate(rng, kind)
    tiers, text_items, prev = [], [], F(0)
    for j, v in enumerate(vals):
        rate = max(F(0), r0 * (1 - F(j, 4)) - rdec(rng, 0, 0, 0))
        if rng.random() < 0.1:
            rate = F(0)
        word = rng.choice(['first', 'up to', 'below', 'next'] if j == 0 else ['up to', 'below', 'next'])
        closed = word != 'below'
        if word == 'next':
            shown = v - prev
        else:
            shown = v
        text_items.append('%s %s at %s' % (word, render_bound(kind, form, shown), rate_text(kind, rate)))
        tiers.append((to_base_bound(kind, form, v), closed, rate))
        prev = v
    last = r0 * F(1, 2)
    if rng.random() < 0.3:
        text_items.append('above %s at %s' % (render_bound(kind, form, prev), rate_text(kind, last)))
    else:
        text_items.append('above at %s' % rate_text(kind, last))
    tiers.append((None, True, last))
    return {'mode': mode, 'cumulative': cumulative, 'tiers': tiers, 'text': text_items}


def rand_date_near(rng, a, b):
    """A day in [a - 20, b + 20]."""
    span = (b - a).days + 40
    return a + datetime.timedelta(days=rng.randint(-20, span - 20))


def generate(rng, features=None):
    case = {}
    y = rng.randint(2026, 2028)
    m = rng.randint(1, 12)
    r = rng.random()
    if r < 0.55:
        d = 1
    elif r < 0.9:
        d = rng.randint(2, 28)
    else:
        dim = days_in_month(datetime.date(y, m, 1))
        d = rng.randint(min(29, dim), dim)
    case['start'] = datetime.date(y, m, d)
    if rng.random() < 0.15:
        case['term'] = None
        case['end'] = case['start'] + datetime.timedelta(days=rng.randint(1, 900))
        case['term_text'] = None
    else:
        n = rng.randint(1, 30)
        if rng.random() < 0.5:
            n = rng.randint(1, 14)
        case['term'] = n
        case['end'] = None
        case['term_text'] = ('%d years' % (n // 12)) if (n % 12 == 0 and rng.random() < 0.5) else '%d months' % n
    end = contract_end(case)
    ps = periods(case['start'], end)
    nper = len(ps)

    skus = []
    for j in range(rng.randint(1, 4)):
        kind = rng.choice(list(KINDS))
        s = {'name': 's%d_%s' % (j, kind), 'kind': kind}
        s['usage_form'] = rng.choice(KINDS[kind][1])
        if rng.random() < 0.35:
            s['rate'] = None
            s['tiers'] = gen_tiers(rng, kind, nper)
        else:
            s['rate'] = base_rate(rng, kind)
            s['tiers'] = None
        const = rng.random() < 0.3
        v0 = usage_value(rng, kind, s['usage_form'])
        s['usage'] = [v0 if const else usage_value(rng, kind, s['usage_form']) for _ in range(nper)]
        s['reserve'] = None
        if s['tiers'] is None and rng.random() < 0.3:
            rf = rng.choice(KINDS[kind][1])
            s['reserve'] = {'qty': usage_value(rng, kind, rf), 'form': rf,
                            'overage': base_rate(rng, kind) if rng.random() < 0.6 else None}
        if s['reserve'] and rng.random() < 0.2:
            s['no_use'] = True
            s['usage'] = [F(0)] * nper
        skus.append(s)
    case['skus'] = skus
    est = sum(est_charge(s['kind'], s['rate'] if s['rate'] is not None else s['tiers']['tiers'][0][2]) for s in skus)
    est = max(est, F(100))

    def money(lo, hi):
        v = F(est) * rdec(rng, lo, hi, 2)
        return round_money(v, rng)

    commits = []
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            c = {'amount': money(0.2, 2.0), 'from': None, 'until': None}
            if rng.random() < 0.5 or commits:
                c['from'] = rand_date_near(rng, case['start'], end)
            if rng.random() < 0.3:
                c['until'] = rand_date_near(rng, c['from'] or case['start'], end)
            if c['until'] is not None and c['from'] is not None and c['until'] <= c['from']:
                c['until'] = None
            c['form'] = rng.choice(['per month', 'per month', 'plain', 'per year', 'per day'])
            if c['form'] == 'per day':
                c['amount'] = max(F(1, 100), F(round(c['amount'] / 30 * 100), 100))
            commits.append(c)
    case['commits'] = commits
    fees = []
    if rng.random() < 0.25:
        for _ in range(rng.randint(1, 2)):
            f = {'amount': money(0.01, 0.3), 'from': None, 'until': None, 'form': rng.choice(['per month', 'per month', 'per year', 'plain'])}
            if rng.random() < 0.4:
                f['from'] = rand_date_near(rng, case['start'], end)
            if rng.random() < 0.3:
                f['until'] = rand_date_near(rng, f['from'] or case['start'], end)
                if f['from'] is not None and f['until'] <= f['from']:
                    f['until'] = None
            fees.append(f)
    case['fees'] = fees

    discounts = []
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            k = rng.choice(['sku', 'all', 'above'])
            p = rng.choice([F(5, 100), F(10, 100), F(2, 100), F(125, 1000), F(25, 100), F(0), F(1)])
            if p == 1 and rng.random() < 0.7:
                p = F(15, 100)
            d = {'kind': k, 'pct': p}
            if k == 'sku':
                names = [s['name'] for s in skus if s['name'] not in
                         [x.get('sku') for x in discounts]]
                if not names:
                    continue
                d['sku'] = rng.choice(names)
            if k == 'above':
                d['amount'] = money(0.1, 1.2)
                d['form'] = rng.choice(['per month', 'per month', 'per year', 'plain'])
                if d['form'] == 'per year':
                    d['amount'] *= 12
            discounts.append(d)
    rng.shuffle(discounts)
    case['discounts'] = discounts

    case['escalate'] = rng.choice([F(3, 100), F(5, 100), F(10, 100), F(25, 1000), F(-5, 100)]) if rng.random() < 0.4 else None

    sla = []
    if rng.random() < 0.4:
        for _ in range(rng.randint(1, 3)):
            p = rng.choice([F(5, 100), F(10, 100), F(25, 100), F(125, 1000), F(50, 100)])
            r = rng.random()
            if r < 0.15:
                sla.append((p, 'index', rng.randrange(nper)))
            else:
                sla.append((p, '<=' if r < 0.35 else '<',
                            rng.choice([F(99, 100), F(995, 1000), F(999, 1000), F(9995, 10000)])))
    case['sla'] = sla
    ups = [F(985, 1000), F(99, 100), F(995, 1000), F(999, 1000), F(9995, 10000), F(1)]
    case['uptime'] = [rng.choice(ups) for _ in range(nper)]
    case['pool'] = money(0.2, 6) if rng.random() < 0.3 else None

    r = rng.random()
    if r < 0.3:
        case['rounding'] = None
    elif r < 0.6:
        case['rounding'] = ('invoice', rng.choice([F(1, 100), F(1, 100), F(1), F(5, 100), F(1, 2), F(3, 100), F(1, 1000), F(25, 100), F(5)]),
                            rng.choice(['half_even', 'half_up', 'half_down', 'up', 'down', 'ceiling', 'floor']))
    elif r < 0.8:
        case['rounding'] = ('lines', rng.choice([F(1, 100), F(1, 100), F(1), F(3, 100), F(5), F(1, 1000)]),
                            rng.choice(['half_even', 'half_up', 'half_down', 'up', 'down', 'ceiling', 'floor']))
    else:
        case['rounding'] = ('none',)
    case['commitment_basis'] = 'gross' if rng.random() < 0.2 else 'net'
    case['sla_basis'] = 'invoice' if rng.random() < 0.2 else 'net'
    case['order_seed'] = rng.random()
    if rng.random() < EDGE:
        edge_mutate(rng, case)
    if rng.random() < SCOPE:
        scope_mutate(rng, case, nper)
    return case


EDGE = 0.5
SCOPE = 0.5


def scope_mutate(rng, case, nper):
    """Clauses with a scope (doc §12): a tier ladder shared with a second SKU, a starting
    position in a ladder, discounts, escalators, SLA bands and caps on sets of SKUs. Drawn
    after everything else, so the rest of a seed's case stays as it was."""
    skus = case['skus']
    tiered = [s for s in skus if s.get('tiers')]
    if tiered and rng.random() < 0.6:
        o = rng.choice(tiered)
        form = rng.choice(KINDS[o['kind']][1])
        partner = {'name': o['name'] + '_b', 'kind': o['kind'], 'usage_form': form, 'rate': None, 'tiers': o['tiers'],
                   'reserve': None, 'ladder': o['name'], 'usage': [usage_value(rng, o['kind'], form) for _ in range(nper)]}
        o['ladder'] = o['name']
        skus.insert(skus.index(o) + 1, partner)
    for s in tiered:
        if rng.random() < 0.4:
            form = rng.choice(KINDS[s['kind']][2])
            pos = [bound_value(rng, s['kind'], form, 1) * rng.choice([F(0), F(1, 2), F(1), F(2)]) for _ in range(nper)]
            per_period = not s['tiers']['cumulative'] and rng.random() < 0.4   # a list, one per period
            s['tiers']['start'] = (form, pos if per_period else pos[0])
    names = [s['name'] for s in skus]
    for d in case['discounts']:
        if d['kind'] == 'sku' and rng.random() < 0.6:
            d['skus'] = rng.sample(names, rng.randint(1, len(names)))
    for s in rng.sample(skus, rng.randint(0, len(skus))):
        s['escalate'] = rng.choice([F(4, 100), F(10, 100), F(-2, 100)])
    case['sla_on'] = [rng.sample(names, rng.randint(1, len(names))) if rng.random() < 0.5 else None for _ in case['sla']]
    caps = []
    for _ in range(rng.randint(0, 2) if case['sla'] else 0):
        on = rng.sample(names, rng.randint(1, len(names))) if rng.random() < 0.5 else None
        if rng.random() < 0.5:
            caps.append(('share', rng.choice([F(5, 100), F(20, 100), F(50, 100), F(1)]), on))
        else:
            caps.append(('money', F(rng.randint(1, 2000)), on))
    case['caps'] = caps


def edge_mutate(rng, case):
    """Push a case toward boundaries the documentation singles out."""
    nper = len(periods(case['start'], contract_end(case)))
    for s in case['skus']:
        t = s.get('tiers')
        if t and rng.random() < 0.7:
            # usage exactly at a bound (volume: which tier a bound belongs to)
            j = rng.randrange(len(t['tiers']) - 1)
            bound = t['tiers'][j][0]
            v = from_base(s['kind'], s['usage_form'], bound, case, t['cumulative'], nper)
            if v is not None:
                s['usage'] = [v] * nper
    r = rng.random()
    if r < 0.3:
        case['rounding'] = ('lines', rng.choice([F(1), F(1, 100)]), rng.choice(['ceiling', 'floor', 'up', 'down']))
    elif r < 0.45:
        case['rounding'] = ('invoice', F(1), rng.choice(['half_even', 'half_up', 'half_down']))


def from_base(kind, form, bound, case, cumulative, nper):
    """A usage value (in the SKU's usage form) whose base quantity is `bound` (per period;
    for a cumulative list, bound / k so the running total hits it after k periods)."""
    if cumulative:
        k = 1 + (nper > 1) * (nper // 2)
        bound = bound / k
    if kind == 'gpu':
        if form != 'amount':
            return None
        v = bound
    elif kind == 'egress':
        v = bound / 1000 if form == 'TB' else bound
    elif kind == 'storage':
        if form != 'amount':
            return None
        v = bound
    else:
        if form != 'amount':
            return None
        v = bound
    try:
        dec(v)
    except ValueError:
        return None
    return v


def round_money(v, rng):
    v = F(round(v * 100), 100)
    if rng.random() < 0.5:
        v = F(round(v))
    return max(v, F(1, 100))


def commit_amount_per_month(c):
    """The per-month amount the model uses for a commit/fee line (the text may say per year)."""
    if c.get('form') == 'per year':
        return c['amount'] / 12
    if c.get('form') == 'per day':
        return c['amount'] * 730 / 24          # through the 730-hour month (doc §12 Commitments)
    return c['amount']


def normalise(case):
    """The model reads per-month amounts."""
    import copy
    m = copy.deepcopy(case)
    for key in ('commits', 'fees'):
        for c in m[key]:
            c['amount'] = commit_amount_per_month(c)
    for d in m['discounts']:
        if d['kind'] == 'above':
            d['amount'] = commit_amount_per_month(d)
    return m


# ---------------------------------------------------------------- rendering

def render(case):
    L = ['contract c {', '  start = %s' % fmt_date(case['start'])]
    if case.get('term') is not None:
        L.append('  term = %s' % case['term_text'])
    else:
        L.append('  end = %s' % fmt_date(case['end']))
    if case.get('commitment_basis') == 'gross':
        L.append('  commitment_basis = gross')
    if case.get('sla_basis') == 'invoice':
        L.append('  sla_basis = invoice')
    for s in case['skus']:
        if s.get('ladder') not in (None, s['name']):
            continue                             # rated by its ladder's first SKU
        if s.get('tiers'):
            t = s['tiers']
            names = s['name'] if not s.get('ladder') else \
                '[%s]' % ', '.join(x['name'] for x in case['skus'] if x.get('ladder') == s['name'])
            start = ''
            if t.get('start'):
                form, pos = t['start']
                start = ' from %s' % ('[%s]' % ', '.join(render_bound(s['kind'], form, v) for v in pos) if isinstance(pos, list)
                                      else render_bound(s['kind'], form, pos))
            L.append('  rate %s = %s%s%s {' % (names, t['mode'], ' cumulative' if t['cumulative'] else '', start))
            for item in t['text']:
                L.append('    ' + item)
            L.append('  }')
        else:
            L.append('  rate %s = %s' % (s['name'], rate_text(s['kind'], s['rate'])))
    for s in case['skus']:
        r = s.get('reserve')
        if r:
            txt = '  reserve %s = %s' % (s['name'], render_usage(s['kind'], r['form'], r['qty']))
            if r.get('overage') is not None:
                txt += ' overage %s' % rate_text(s['kind'], r['overage'])
            L.append(txt)

    def dated(word, c):
        amt = dec(c['amount']) + ' USD'
        if c.get('form') == 'per month':
            amt += ' per month'
        elif c.get('form') == 'per year':
            amt += ' per year'
        elif c.get('form') == 'per day':
            amt += ' per day'
        t = '  %s %s' % (word, amt)
        if c.get('from') is not None:
            t += ' from %s' % fmt_date(c['from'])
        if c.get('until') is not None:
            t += ' until %s' % fmt_date(c['until'])
        return t
    for c in case['commits']:
        L.append(dated('commit', c))
    for f in case['fees']:
        L.append(dated('fee', f))
    for d in case['discounts']:
        if d['kind'] == 'sku':
            L.append('  discount %s on %s' % (pct(d['pct']), on_text(d.get('skus') or [d['sku']])))
        elif d['kind'] == 'all':
            L.append('  discount %s' % pct(d['pct']))
        else:
            unit = {'per month': ' per month', 'per year': ' per year', 'plain': '', None: ' per month'}[d.get('form')]
            L.append('  discount %s on spend above %s USD%s' % (pct(d['pct']), dec(d['amount']), unit))
    if case.get('escalate') is not None:
        L.append('  escalate %s yearly' % pct(case['escalate']))
    for s in case['skus']:
        if s.get('escalate') is not None:
            L.append('  escalate %s yearly on %s' % (pct(s['escalate']), s['name']))
    for (p, op, thr), on in zip(case['sla'], case.get('sla_on') or [None] * len(case['sla'])):
        scope = ' on %s' % on_text(on) if on else ''
        if op == 'index':
            L.append('  credit %s%s when period.index == %d' % (pct(p), scope, thr))
        else:
            L.append('  credit %s%s when uptime %s %s' % (pct(p), scope, op, pct(thr)))
    for kind, limit, on in case.get('caps', []):
        L.append('  credit cap %s%s' % (pct(limit) if kind == 'share' else dec(limit) + ' USD per month',
                                        ' on %s' % on_text(on) if on else ''))
    if case.get('pool') is not None:
        L.append('  credit pool %s USD' % dec(case['pool']))
    r = case.get('rounding')
    if r:
        if r[0] == 'none':
            L.append('  round none')
        else:
            L.append('  round %s to %s USD %s' % (r[0], dec(r[1]), r[2]))
    L.append('}')
    L.append('workload w {')

    def per_period(vals, fmt):
        if len(set(vals)) == 1:
            return fmt(vals[0])
        return '[' + ', '.join(fmt(v) for v in vals) + '][period.index]'
    if any(op != 'index' for _, op, _ in case['sla']):
        L.append('  uptime = ' + per_period(case['uptime'], pct))
    for s in case['skus']:
        if s.get('no_use'):
            continue
        L.append('  use %s = %s' % (s['name'], per_period(s['usage'], lambda v, s=s: render_usage(s['kind'], s['usage_form'], v))))
    L.append('}')
    L.append('show price(w, c)')
    return '\n'.join(L) + '\n'
