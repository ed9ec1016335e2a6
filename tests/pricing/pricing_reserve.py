#!/usr/bin/env python3
"""Reserved quantity with overage.

A reservation is billed in full at the SKU's rate whether used or not; usage above it is
billed at the overage rate (at the SKU's own rate when none is given). Levels (gpu, chip)
run all hours of the calendar month.
  gpu_hour: 2 USD/(gpu*hour), 100 gpu reserved, overage 3 USD/(gpu*hour); used 80 then 130 gpu
  storage:  0.02 USD/(GB*month), 1000 GB-month reserved; used 500 then 1500 GB-month
  tpu_hour: 1 USD/(chip*hour), 10 chip reserved; never used
Two months from 2027-01-01. Checks tests/golden/pricing_reserve.out."""

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


def reserved(res, used, rate, overage):
    """(reserved charge, overage quantity, overage charge)"""
    over = max(F(0), used - res)
    return res * rate, over, over * overage


def expected():
    start = D('2027-01-01')
    want, total = {}, F(0)
    for i, (a, b) in enumerate(periods(start, add_months(start, 2))):
        h = hours(a, b)
        gpu_res, gpu_over_q, gpu_over = reserved(100 * h, [80, 130][i] * h, F(2), F(3))
        sto_res, _, sto_over = reserved(F(1000), F([500, 1500][i]), F('0.02'), F('0.02'))
        tpu_res, _, tpu_over = reserved(10 * h, F(0), F(1), F(1))
        charges = {'gpu_hour': gpu_res + gpu_over, 'storage': sto_res + sto_over, 'tpu_hour': tpu_res + tpu_over}
        want['bill.periods[%d].charges' % i] = {k: usd(v) for k, v in charges.items()}
        invoice = round_to(sum(charges.values()), F(1, 100))
        want['bill.periods[%d].total' % i] = usd(invoice)
        total += invoice
        if i == 1:
            # lines: gpu_hour reserved, then gpu_hour overage
            want['bill.periods[1].lines[1].category'] = 'overage'
            want['bill.periods[1].lines[1].quantity'] = (gpu_over_q, 'gpu*hour')
            want['bill.periods[1].lines[1].amount'] = usd(gpu_over)
    want['bill.total'] = usd(total)
    return want


c = Checker('pricing_reserve')
c.shown(read_shown('pricing_reserve'), expected())
sys.exit(c.done())
