#!/usr/bin/env python3
"""Graduated versus volume pricing on the egress tiers of examples/walkthrough.outlay.

Tiers (GB): [0, 100) at 0; [100, 10,000) at 0.09; [10,000, 50,000) at 0.085;
[50,000, 150,000) at 0.07; 150,000 and above at 0.05 USD/GB. Graduated prices each
tier's slice at its own rate; volume prices every unit at the rate of the tier the
quantity falls in. Usage: 200 TB in the first month, 120 GB in the second.
Checks tests/golden/pricing_graduated_volume.out."""

# ---- reading Outlay's output (the same small reader in every script of tests/pricing) ----
import datetime, json, os, re, sys
from fractions import Fraction as F

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'golden')


def number(text):
    """A number as Outlay prints it: 1,234.5  -0.25  12.3(45) (45 repeating)  7/3."""
    t = text.replace(',', '')
    m = re.fullmatch(r'(-?)(\d+)/(\d+)', t)
    if m:
        v = F(int(m[2]), int(m[3]))
        return -v if m[1] else v
    m = re.fullmatch(r'(-?)(\d+)(?:\.(\d*)(?:\((\d+)\))?)?', t)
    if not m:
        raise ValueError('not a number: %r' % text)
    fp, rep = m[3] or '', m[4] or ''
    v = F(int(m[2])) + (F(int(fp), 10 ** len(fp)) if fp else 0)
    if rep:
        v += F(int(rep), 10 ** len(fp) * (10 ** len(rep) - 1))
    return -v if m[1] else v


def split_top(text):
    """Splits a list's or record's inside at top-level ', '."""
    parts, depth, cur, i = [], 0, '', 0
    while i < len(text):
        c = text[i]
        if c in '[{(':
            depth += 1
        elif c in ']})':
            depth -= 1
        if depth == 0 and text.startswith(', ', i):
            parts.append(cur)
            cur, i = '', i + 2
            continue
        cur += c
        i += 1
    if cur:
        parts.append(cur)
    return parts


def value(text):
    """A shown value: (Fraction, unit) for a quantity, a list, a dict for a record, else the text."""
    text = text.strip()
    if text.startswith('['):
        return [value(p) for p in split_top(text[1:-1])]
    if text.startswith('{'):
        return {k: value(v) for k, v in (p.split(' = ', 1) for p in split_top(text[1:-1].strip()))}
    m = re.fullmatch(r'(-?[\d,]+(?:\.\d*(?:\(\d+\))?)?|-?\d+/\d+)(?: (\S+))?', text)
    if m:
        return (number(m[1]), m[2] or '')
    return text


def read_shown(name):
    """The `label = value` lines of tests/golden/NAME.out."""
    shown = {}
    with open(os.path.join(GOLDEN, name + '.out')) as f:
        for line in f:
            if ' = ' in line and not line.startswith(('Invoice:', 'Period')):
                label, v = line.rstrip('\n').split(' = ', 1)
                shown[label] = value(v)
    return shown


def read_invoice(name, nth=0):
    """The nth invoice table of NAME.out: {row: {column: Fraction}}, plus its rate lines."""
    with open(os.path.join(GOLDEN, name + '.out')) as f:
        lines = f.read().split('\n')
    starts = [i for i, l in enumerate(lines) if l.startswith('Invoice: ')]
    i = starts[nth] + 1
    cols = re.split(r'\s{2,}', lines[i].strip())
    rows, rates = {}, {}
    i += 1
    while i < len(lines) and re.match(r'(\d{4}-\d\d(-\d\d)?|Term) ', lines[i]):
        cells = lines[i].split()
        rows[cells[0]] = {c: number(x) for c, x in zip(cols[1:], cells[1:])}
        i += 1
    while i < len(lines):
        m = re.fullmatch(r'(\w+): (\S+) (\S+) effective, (\S+) (\S+) all-in \(invoice total / quantity\)', lines[i])
        if not m:
            break
        rates[m[1]] = ((number(m[2]), m[3]), (number(m[4]), m[5]))
        i += 1
    return rows, rates


def round_to(x, quantum, mode='half_even'):
    """x rounded to a multiple of quantum; ties to even or away from zero (half_up)."""
    sign = -1 if x < 0 else 1
    n = F(abs(x)) / F(quantum)
    whole = n.numerator // n.denominator
    rest = n - whole
    if rest > F(1, 2) or (rest == F(1, 2) and (mode == 'half_up' or whole % 2 == 1)):
        whole += 1
    return sign * whole * quantum


def hours(start, end):
    """Hours between two dates (whole days x 24)."""
    return (end - start).days * 24


def month_share(start, end):
    """The share of start's calendar month that [start, end) covers."""
    nxt = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return F((end - start).days, (nxt - start.replace(day=1)).days)


def add_months(d, n):
    m = d.month - 1 + n
    return d.replace(year=d.year + m // 12, month=m % 12 + 1)


def periods(start, end):
    """Billing periods: calendar months, the first and last cut at the contract's dates."""
    out, cur = [], start
    while cur < end:
        nxt = min(add_months(cur.replace(day=1), 1), end)
        out.append((cur, nxt))
        cur = nxt
    return out


def D(text):
    return datetime.date.fromisoformat(text)


class Checker:
    def __init__(self, name):
        self.name, self.failed, self.seen = name, 0, set()

    def eq(self, label, got, want):
        self.seen.add(label)
        assert 'float' not in repr(want), 'a float in the expected value of %s' % label
        if got == want:
            print('ok   %s: %s = %s' % (self.name, label, show(want)))
        else:
            self.failed += 1
            print('FAIL %s: %s: expected %s, the .out has %s' % (self.name, label, show(want), show(got)))

    def shown(self, shown, want):
        """Every expected label is shown with its value, and nothing shown goes unchecked."""
        for label, w in want.items():
            self.eq(label, shown.get(label, '<missing>'), w)
        for label in shown:
            if label not in want:
                self.failed += 1
                print('FAIL %s: %s is shown but not checked' % (self.name, label))

    def done(self):
        print('%s: %s' % (self.name, 'FAILED (%d)' % self.failed if self.failed else 'ok'))
        return 1 if self.failed else 0


def show(v):
    if isinstance(v, F):
        return str(v) if v.denominator == 1 else '%s (%s)' % (v, decimal_text(v))
    if isinstance(v, tuple):
        return ' '.join(show(x) for x in v if x != '')
    if isinstance(v, list):
        return '[' + ', '.join(show(x) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ', '.join('%s = %s' % (k, show(x)) for k, x in v.items()) + '}'
    return str(v)


def decimal_text(v):
    """A fraction as a decimal, to 10 places (for reading only)."""
    q = round_to(abs(v), F(1, 10 ** 10))
    whole = q.numerator // q.denominator
    s = '%d.%010d' % (whole, int((q - whole) * 10 ** 10))
    return ('-' if v < 0 else '') + s.rstrip('0').rstrip('.')


def usd(x):
    return (F(x), 'USD')
# ---- end of the reader ----


TB = 1000  # GB
TIERS = [(100, F(0)), (10 * TB, F('0.09')), (50 * TB, F('0.085')), (150 * TB, F('0.07')), (None, F('0.05'))]


def graduated(q):
    total, lo = F(0), 0
    for hi, rate in TIERS:
        top = q if hi is None else min(q, hi)
        if top > lo:
            total += (top - lo) * rate
        if hi is None:
            break
        lo = hi
    return total


def volume(q):
    for hi, rate in TIERS:
        if hi is None or q < hi:
            return q * rate


def expected():
    usage = [200 * TB, 120]
    g = [round_to(graduated(q), F(1, 100)) for q in usage]
    v = [round_to(volume(q), F(1, 100)) for q in usage]
    assert g[0] == 13791 and v[0] == 10000      # the figures from the lead's brief
    return {
        'g.periods[0].total': usd(g[0]), 'v.periods[0].total': usd(v[0]),
        'g.periods[1].total': usd(g[1]), 'v.periods[1].total': usd(v[1]),
        'g.total': usd(sum(g)), 'v.total': usd(sum(v)),
    }


c = Checker('pricing_graduated_volume')
c.shown(read_shown('pricing_graduated_volume'), expected())
sys.exit(c.done())
