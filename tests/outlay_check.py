"""Shared helpers of the independent checks in tests/pricing/*.py and tests/examples/*.py.

Each check script recomputes the figures of one golden case (tests/golden/NAME.outlay) with
Python's exact fractions and verifies that the recorded output, tests/golden/NAME.out, shows
them. This module holds what the scripts have in common; the computations of a case stay in
its script. A script imports it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from outlay_check import ...

It has four parts:

1. Outlay's display rules (src/report.c, write_number_min and write_quantity), written out
   again independently, to turn an exact value into the text Outlay prints:
   - readable(q, unit)   the number in readable output (the default): rounded half-even to two
     decimals from 1,000 up, below that a decimal of at most six places is shown exactly and
     any other value to six significant digits (0.000123457 for a value under one), trailing
     zeros dropped when the value was rounded; from 10^18 up and below 10^-15, scientific
     notation with six significant digits (3.7908e25); plain money (one currency,
     such as USD) shows at least its minor unit's decimals when it is not whole (7.40 USD,
     431,342.40 USD; none for JPY);
     thousands are grouped with commas.
   - exact_text(q)       the number under --exact: every digit of a finite decimal, a repeating
     decimal with its period in parentheses (0.(3)), or p/q when the period is long; no grouping.
   - unit_suffix(unit)   how the unit follows the number: ` USD/(gpu*hour)`, but a percentage
     (unit `percent`: a percentage literal such as 40%, until it is multiplied with a unit)
     reads `40%`, with no space.
   - money(q, currency)  an invoice table cell: the currency's minor unit (two decimals, none
     for JPY), half-even, grouped.
2. Golden-output readers: number() and value() parse what Outlay prints, read_shown() the
   `label = value` lines of a .out, read_invoice() its invoice table and rate lines, and
   invoice_display() turns rows of amounts into the columns and signs the table shows. What they
   read keeps its text, and the Checker verifies that text against the display rules as well as
   the value.
3. Exact arithmetic of billing: round_to, dates (D, add_months, periods, hours, month_share), usd.
4. Reporting: Checker (tests/pricing: every shown label checked, `ok`/`FAIL` lines) and
   expect/expect_cell/check/finish with a module-level list of failures (tests/examples).
"""
import datetime
import os
import re
import sys
from fractions import Fraction as F

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')

# ======================================================================================
# 1. Display rules
# ======================================================================================

# The currencies of stdlib/prelude.outlay. A quantity in exactly one of them (to the first
# power) is plain money. (report.c decides by the dimension: one dimension, to the power one,
# whose unit is not prefixed and whose name has three letters.)
CURRENCIES = ('USD', 'EUR', 'GBP', 'CNY', 'JPY')


def decimal_places(q):
    """The decimal places of q written as a finite decimal (0 for a whole number), or None
    when q is not a finite decimal."""
    pre, rest = split_2_5(F(q).denominator)
    return pre if rest == 1 else None


def split_2_5(den):
    """den = 2^a 5^b rest: (max(a, b), rest), the digits before a decimal repeats or ends."""
    t, p2, p5 = den, 0, 0
    while t % 2 == 0:
        t //= 2
        p2 += 1
    while t % 5 == 0:
        t //= 5
        p5 += 1
    return max(p2, p5), t


# Decimals of each prelude currency's minor unit (ISO 4217): the yen has none.
MINOR_UNIT = {'USD': 2, 'EUR': 2, 'GBP': 2, 'CNY': 2, 'JPY': 0}


def is_money(unit):
    return unit in CURRENCIES


def unit_suffix(unit):
    """The text after the number: nothing, `%` for a percentage, else a space and the unit."""
    if unit in ('percent', '%'):
        return '%'
    return ' ' + unit if unit else ''


def _fixed(n, frac, grouped, keep):
    """The integer n scaled down by 10**frac as a decimal; trailing zeros dropped down to
    `keep` decimals (keep=None: none dropped)."""
    sign = '-' if n < 0 else ''
    digits = str(abs(n)).rjust(frac + 1, '0')
    whole, part = digits[:len(digits) - frac], digits[len(digits) - frac:]
    if keep is not None:
        while len(part) > keep and part.endswith('0'):
            part = part[:-1]
    if grouped:
        whole = '{:,}'.format(int(whole))
    return sign + whole + ('.' + part if part else '')


def scientific(q, e):
    """q as m x 10^e, 1 <= |m| < 10, the mantissa to five decimals (half-even, trailing
    zeros dropped): 3.7908e25, 1.42857e-16; a mantissa that rounds to 10 moves e on."""
    m = _fixed(round(F(q) / F(10) ** e * 10 ** 5), 5, False, 0)
    if m in ('10', '-10'):
        m, e = m[:-1], e + 1
    return '%se%d' % (m, e)


def readable(q, unit=''):
    """The number as readable output shows it (the unit only decides whether it is money)."""
    q = F(q)
    places = decimal_places(q)
    min_frac = MINOR_UNIT[unit] if is_money(unit) else 0
    a = abs(q)
    whole = a.numerator // a.denominator
    if whole > 0:
        digits = len(str(whole))
        if digits > 18:                                  # from 10^18 up: scientific, six digits
            return scientific(q, digits - 1)
        frac = 2 if digits >= 4 else 6 - digits          # two decimals from 1,000 up, else six digits
        if places is not None and places <= 6 and digits < 4:
            frac = places                                # a short decimal below 1,000 stays whole
    elif places is not None and places <= 6:
        frac = places
    else:
        zeros = 0                                        # zeros after the point, then six digits
        while a < F(1, 10):
            a *= 10
            zeros += 1
        if zeros >= 15:                                  # tiny: scientific, six digits
            return scientific(q, -(zeros + 1))
        frac = zeros + 6
    if places is not None and places < frac:
        frac = places
    rounded = not (places is not None and places <= frac)
    if places != 0 and frac < min_frac:
        frac = min_frac                                  # money: at least cents unless whole
    n = round(q * 10 ** frac)                            # half-even
    if abs(n) // 10 ** frac >= 10 ** 18:                 # rounded up to 10^18: as 10^18 reads
        return scientific(q, 18)
    return _fixed(n, frac, True, min_frac if rounded else None)


def display(q, unit=''):
    """A quantity as readable output shows it: number and unit, e.g. `7.40 USD`, `40%`."""
    return readable(q, unit) + unit_suffix(unit)


def exact_text(q):
    """The number as --exact output shows it: 76384.8, 474032309.(677419354838709), 1/7..."""
    q = F(q)
    places = decimal_places(q)
    if places is not None:
        return _fixed(q.numerator * 10 ** places // q.denominator, places, False, None)
    den = q.denominator
    pre, t = split_2_5(den)
    period, r = 1, 10 % t
    while period <= 60 and r != 1:                     # the period: the order of 10 modulo t
        r = r * 10 % t
        period += 1
    if period > 60 or pre > 200:
        return '%d/%d' % (q.numerator, den)
    num = abs(q.numerator)
    text, rem = '-' if q < 0 else '', num % den
    text += '%d.' % (num // den)
    for i in range(pre + period):
        if i == pre:
            text += '('
        rem *= 10
        text += str(rem // den)
        rem %= den
    return text + ')'


def money(q, currency='USD'):
    """An invoice table cell: the currency's minor unit (two decimals, none for JPY),
    half-even, grouped."""
    d = MINOR_UNIT[currency]
    return _fixed(round(F(q) * 10 ** d), d, True, None)


def shows(shown, exact, unit=''):
    """True when the number text `shown` is Outlay's readable display of the exact value
    (in `unit`, which decides only whether it is money)."""
    return shown == readable(exact, unit)


# ======================================================================================
# 2. Reading Outlay's output
# ======================================================================================

NUM = r"-?[0-9][0-9,]*(?:\.[0-9]+)?(?:e-?[0-9]+)?"   # a number in readable output


def golden_args(name):
    """The `# args:` of tests/golden/NAME.outlay (as tests/golden.test reads them)."""
    with open(os.path.join(GOLDEN, name + '.outlay')) as f:
        for line in f:
            if line.startswith('# args: '):
                return line[len('# args: '):].split()
    return []


def number(text):
    """A number as Outlay prints it: 1,234.5  -0.25  12.3(45) (45 repeating)  7/3."""
    t = text.replace(',', '')
    m = re.fullmatch(r'(-?)(\d+)/(\d+)', t)
    if m:
        v = F(int(m[2]), int(m[3]))
        return -v if m[1] else v
    m = re.fullmatch(r'(-?\d+(?:\.\d+)?)e(-?\d+)', t)     # scientific: 3.7908e25
    if m:
        return number(m[1]) * F(10) ** int(m[2])
    m = re.fullmatch(r'(-?)(\d+)(?:\.(\d*)(?:\((\d+)\))?)?', t)
    if not m:
        raise ValueError('not a number: %r' % text)
    fp, rep = m[3] or '', m[4] or ''
    v = F(int(m[2])) + (F(int(fp), 10 ** len(fp)) if fp else 0)
    if rep:
        v += F(int(rep), 10 ** len(fp) * (10 ** len(rep) - 1))
    return -v if m[1] else v


class Shown(tuple):
    """A quantity read from the output: the pair (Fraction, unit), as compared with the
    expected pair, remembering the text it was read from and whether it was --exact output."""

    def __new__(cls, q, unit, text, exact):
        self = tuple.__new__(cls, (q, unit))
        self.text, self.exact = text, exact
        return self


class Cell(F):
    """A number read from an invoice table, remembering its text and --exact."""

    def __new__(cls, text, exact):
        self = F.__new__(cls, number(text))
        self.text, self.exact = text, exact
        return self


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


def value(text, exact=False):
    """A shown value: a Shown (Fraction, unit) for a quantity (unit 'percent' for 40%), a list,
    a dict for a record, else the text."""
    text = text.strip()
    if text.startswith('['):
        return [value(p, exact) for p in split_top(text[1:-1])]
    if text.startswith('{'):
        return {k: value(v, exact) for k, v in (p.split(' = ', 1) for p in split_top(text[1:-1].strip()))}
    m = re.fullmatch(r'(-?[\d,]+(?:\.\d*(?:\(\d+\))?)?(?:e-?\d+)?|-?\d+/\d+)(%| (\S+))?', text)
    if m:
        return Shown(number(m[1]), 'percent' if m[2] == '%' else m[3] or '', text, exact)
    return text


def read_shown(name):
    """The `label = value` lines of tests/golden/NAME.out."""
    exact = '--exact' in golden_args(name)
    shown = {}
    with open(os.path.join(GOLDEN, name + '.out')) as f:
        for line in f:
            if ' = ' in line and not line.startswith(('Invoice:', 'Period')):
                label, v = line.rstrip('\n').split(' = ', 1)
                shown[label] = value(v, exact)
    return shown


def read_invoice(name, nth=0):
    """The nth invoice table of NAME.out: {row: {column: Cell}}, plus its rate lines."""
    exact = '--exact' in golden_args(name)
    with open(os.path.join(GOLDEN, name + '.out')) as f:
        lines = f.read().split('\n')
    starts = [i for i, l in enumerate(lines) if l.startswith('Invoice: ')]
    i = starts[nth] + 1
    cols = re.split(r'\s{2,}', lines[i].strip())
    rows, rates = {}, {}
    i += 1
    while i < len(lines) and re.match(r'(\d{4}-\d\d(-\d\d\.\.\d\d)?|Term) ', lines[i]):
        cells = lines[i].split()
        rows[cells[0]] = {c: Cell(x, exact) for c, x in zip(cols[1:], cells[1:])}
        i += 1
    while i < len(lines):
        # "sku: RATE average[, RATE all-in (invoice total / quantity)]": all-in only for
        # the SKU with the largest charges
        m = re.fullmatch(r'(\w+): (\S+ \S+) average(?:, (\S+ \S+) all-in \(invoice total / quantity\))?', lines[i])
        if not m:
            break
        rates[m[1]] = (value(m[2], exact), value(m[3], exact) if m[3] else None)
        i += 1
    return rows, rates


# The columns after the SKUs, in order; credits are positive in the invoice record but
# shown as the deductions they are.
TAIL_COLUMNS = ('Fees', 'Discounts', 'Shortfall', 'SLA credit', 'Credit pool')
SHOWN_NEGATIVE = ('SLA credit', 'Credit pool')


def invoice_display(rows):
    """Rows as the invoice table shows them, from rows of amounts as the record keeps them
    ({period or 'Term': {column: amount}}, credits positive): the Fees, Discounts,
    Shortfall, SLA credit and Credit pool columns only when not zero in some period, and
    the credits negative."""
    shown = [c for c in TAIL_COLUMNS if any(cols.get(c, 0) != 0 for key, cols in rows.items() if key != 'Term')]
    return {key: {c: (-v if c in SHOWN_NEGATIVE else v) for c, v in cols.items()
                  if c not in TAIL_COLUMNS or c in shown}
            for key, cols in rows.items()}


def text_errors(got, want):
    """Where a value read from the output, equal to the expected one, is not written as
    Outlay's display rules write the expected value: [(text, expected text)]."""
    if isinstance(got, Shown):
        q, unit = want
        text = (exact_text(q) if got.exact else readable(q, unit)) + unit_suffix(unit)
        return [] if got.text == text else [(got.text, text)]
    if isinstance(got, Cell):
        text = exact_text(want) if got.exact else money(want)
        return [] if got.text == text else [(got.text, text)]
    if isinstance(got, (list, tuple)) and isinstance(want, (list, tuple)):
        return [e for g, w in zip(got, want) for e in text_errors(g, w)]
    if isinstance(got, dict) and isinstance(want, dict):
        return [e for k in got if k in want for e in text_errors(got[k], want[k])]
    return []


# ======================================================================================
# 3. Exact billing arithmetic
# ======================================================================================

def round_to(x, q, mode='half_even'):
    """x rounded to a multiple of q in one of Outlay's seven modes (doc/language.md §10)."""
    x, q = F(x), F(q)
    n = x / q
    fl = n.numerator // n.denominator          # floor
    rest = n - fl
    if rest == 0:
        return fl * q
    ce = fl + 1
    if mode == 'floor':
        r = fl
    elif mode == 'ceiling':
        r = ce
    elif mode == 'down':                        # toward zero
        r = fl if n > 0 else ce
    elif mode == 'up':                          # away from zero
        r = ce if n > 0 else fl
    elif rest != F(1, 2):
        r = fl if rest < F(1, 2) else ce
    elif mode == 'half_even':                   # a tie
        r = fl if fl % 2 == 0 else ce
    elif mode == 'half_up':                     # away from zero
        r = ce if n > 0 else fl
    elif mode == 'half_down':                   # toward zero
        r = fl if n > 0 else ce
    else:
        raise ValueError(mode)
    return r * q


def graduated(tiers, lo_q, hi_q):
    """The graduated charge for the usage slice [lo_q, hi_q) over tiers [(upper bound or
    None, rate)], each tier's part at its own rate."""
    total, lo = F(0), 0
    for hi, rate in tiers:
        a = max(lo, lo_q)
        b = hi_q if hi is None else min(hi, hi_q)
        if b > a:
            total += (b - a) * rate
        if hi is None:
            break
        lo = hi
    return total


def tier_rate(tiers, q):
    """The rate of the tier a quantity falls in (volume pricing: every unit at that rate)."""
    for hi, rate in tiers:
        if hi is None or q < hi:
            return rate


def D(text):
    return datetime.date.fromisoformat(text)


def hours(start, end):
    """Hours between two dates (whole days x 24)."""
    return (end - start).days * 24


def month_share(start, end):
    """The share of start's calendar month that [start, end) covers."""
    nxt = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return F((end - start).days, (nxt - start.replace(day=1)).days)


def days_in_month(d):
    nxt = datetime.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return (nxt - d.replace(day=1)).days


def add_months(d, n):
    """The same day n calendar months later (n may be negative), clamped to the month's end."""
    m = d.month - 1 + n
    first = datetime.date(d.year + m // 12, m % 12 + 1, 1)
    return first.replace(day=min(d.day, days_in_month(first)))


def periods(start, end):
    """Billing periods: calendar months, the first and last cut at the contract's dates."""
    out, cur = [], start
    while cur < end:
        nxt = min(add_months(cur.replace(day=1), 1), end)
        out.append((cur, nxt))
        cur = nxt
    return out


def usd(x):
    return (F(x), 'USD')


# ======================================================================================
# 4. Reporting
# ======================================================================================

def decimal_text(v):
    """A fraction as a decimal, to 10 places (for reading only)."""
    q = round_to(abs(v), F(1, 10 ** 10))
    whole = q.numerator // q.denominator
    s = '%d.%010d' % (whole, int((q - whole) * 10 ** 10))
    return ('-' if v < 0 else '') + s.rstrip('0').rstrip('.')


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


class Checker:
    """tests/pricing: compares what a .out shows with the expected values, label by label."""

    def __init__(self, name):
        self.name, self.failed, self.seen = name, 0, set()

    def eq(self, label, got, want):
        self.seen.add(label)
        assert 'float' not in repr(want), 'a float in the expected value of %s' % label
        if got != want:
            self.failed += 1
            print('FAIL %s: %s: expected %s, the .out has %s' % (self.name, label, show(want), show(got)))
            return
        wrong = text_errors(got, want)
        if wrong:
            self.failed += 1
            print('FAIL %s: %s: the value is right but shown as %s, the display rules give %s'
                  % (self.name, label, ', '.join(repr(t) for t, _ in wrong), ', '.join(repr(e) for _, e in wrong)))
        else:
            print('ok   %s: %s = %s' % (self.name, label, show(want)))

    def shown(self, shown, want):
        """Every expected label is shown with its value, and nothing shown goes unchecked."""
        for label, w in want.items():
            self.eq(label, shown.get(label, '<missing>'), w)
        for label in shown:
            if label not in want:
                self.failed += 1
                print('FAIL %s: %s is shown but not checked' % (self.name, label))

    def invoice(self, rows, rates):
        """The case's first invoice table shows these rows (amounts as the record keeps
        them; see invoice_display) and these effective and all-in rates."""
        rows = invoice_display(rows)
        got_rows, got_rates = read_invoice(self.name)
        for label, cols in rows.items():
            for col, v in cols.items():
                self.eq('%s %s' % (label, col), got_rows.get(label, {}).get(col), v)
        self.eq('table rows', sorted(got_rows), sorted(rows))
        self.eq('effective and all-in rates', got_rates, rates)

    def done(self):
        print('%s: %s' % (self.name, 'FAILED (%d)' % self.failed if self.failed else 'ok'))
        return 1 if self.failed else 0


# tests/examples: mismatches are collected here and reported by finish().
failures = []


def expect(label, exact, unit, lines):
    """The line `label = NUMBER UNIT` (`label = NUMBER%` for unit percent) must be in the
    output and show `exact`."""
    pat = re.compile(r"^%s = (%s)%s$" % (re.escape(label), NUM, re.escape(unit_suffix(unit))))
    found = [m.group(1) for m in map(pat.match, lines) if m]
    if not found:
        failures.append("missing: %s = <%s>%s" % (label, float(F(exact)), unit_suffix(unit)))
    elif not any(shows(s, exact, unit) for s in found):
        failures.append("%s: shown %s, exact value %s (~%r), expected %s"
                        % (label, found, F(exact), float(F(exact)), display(exact, unit)))


def table_rows(lines, title, n):
    """The n rows (split into cells) of the compare or sweep table printed under the line
    `title` (after its header); a missing table or a short one is a failure."""
    try:
        i = lines.index(title)
    except ValueError:
        failures.append("table %r missing" % title)
        return []
    body = [re.split(r"\s{2,}", l.strip()) for l in lines[i + 2:i + 2 + n]]
    if len(body) != n:
        failures.append("table %r has %d rows, expected %d" % (title, len(body), n))
    return body


def expect_cell(where, cell, exact, unit):
    """A table cell must be `NUMBER UNIT` showing `exact`."""
    m = re.match(r"^(%s)%s$" % (NUM, re.escape(unit_suffix(unit))), cell or "")
    if not m or not shows(m.group(1), exact, unit):
        failures.append("%s: shown %r, exact value %s %s (~%r), expected %r"
                        % (where, cell, F(exact), unit, float(F(exact)), display(exact, unit)))


def check(cond, what):
    if not cond:
        failures.append("independent check failed: " + what)


def finish(name, summary):
    if failures:
        print("%s: %d mismatch(es)" % (name, len(failures)))
        for m in failures:
            print("  " + m)
        sys.exit(1)
    print("%s: ok (%s)" % (name, summary))


def first_invoice(example, sets):
    """Runs examples/EXAMPLE.outlay with --set NAME=EXPR for each of sets, --format json
    --exact, and returns the first result (checked to be `bill`), or None when it fails.
    $OUTLAY (default src/outlay) is the program, $OUTLAY_SRCDIR the source tree."""
    import json
    import subprocess
    src = os.environ.get("OUTLAY_SRCDIR", ".")
    args = [os.environ.get("OUTLAY", os.path.join(src, "src", "outlay")), "run",
            os.path.join(src, "examples", example + ".outlay"), "--format", "json", "--exact"]
    for k, v in sets.items():
        args += ["--set", "%s=%s" % (k, v)]
    out = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, OUTLAY_PATH=os.path.join(src, "stdlib")))
    check(out.returncode == 0, "%s exits %d: %s" % (sets, out.returncode, out.stderr.strip()))
    if out.returncode:
        return None
    results = json.loads(out.stdout)["results"]
    check(results[0]["key"] == "bill", "the first thing shown is bill, not %s" % results[0]["key"])
    return results[0]["result"]


def close_yearly_trueup_period(lines, due, a, b, start, end, spend, minimum):
    """Ends the invoice of period [a, b) of a contract from start to end with a yearly
    true-up: each contract year k whose last day falls in the period bills its shortfall,
    minimum(k) less spend[k], and a rounding line takes the total to the cent. Appends to
    lines; returns the invoice's total."""
    k = 0
    while add_months(start, 12 * k) < end:
        last_day = min(add_months(start, 12 * (k + 1)), end) - datetime.timedelta(days=1)
        if a <= last_day < b:
            short = max(F(0), minimum(k) - spend.get(k, F(0)))
            if short:
                lines.append({'sku': '"commitment"', 'category': '"yearly_shortfall"', 'amount': usd(short)})
            due += short
        k += 1
    total = round_to(due, F(1, 100))
    if total != due:
        lines.append({'sku': '"invoice"', 'category': '"rounding"', 'amount': usd(total - due)})
    return total


def hourly_bill(want, name, start, end, period_lines, shown_period=12):
    """Expects `NAME_bill`, priced hour by hour from start to end: period_lines(first, last)
    gives a period's lines for its hours [first, last) since start; each period's total is
    their sum to the cent, with a rounding line for the difference. Puts the shown period's
    lines and total and the term's total into want."""
    total = F(0)
    for i, (a, b) in enumerate(periods(start, end)):
        first = (a - start).days * 24
        lines = period_lines(first, first + hours(a, b))
        due = sum(l['amount'][0] for l in lines)
        invoice = round_to(due, F(1, 100))
        if invoice != due:
            lines.append({'sku': '"invoice"', 'category': '"rounding"', 'amount': usd(invoice - due)})
        if i == shown_period:
            want['%s_bill.periods[%d].lines' % (name, i)] = lines
            want['%s_bill.periods[%d].total' % (name, i)] = usd(invoice)
        total += invoice
    want['%s_bill.total' % name] = usd(total)
