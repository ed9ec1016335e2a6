#!/usr/bin/env python3
"""Differential test of exact arithmetic: random expressions of decimals, fractions,
scale words and percentages with + - * / ^, of plain numbers and of quantities
(USD, hour, gpu), evaluated by `outlay run --format json` and by Python's fractions;
every result must agree exactly, digit for digit. Covers numbers small enough for a
machine word and numbers far beyond one (long decimals, powers, chains of divisions).

    python3 tests/differential/arith.py [N] [FIRST_SEED]    # default 400 expressions
    OUTLAY_DIFF_CASES=N sets N too (the pricing check, check.py, reads it as well).

Seeds are fixed: a failure prints its expression and is reproducible."""
import json
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction as F

OUTLAY = os.environ.get('OUTLAY', 'src/outlay')
SCALES = {'thousand': 10**3, 'million': 10**6, 'billion': 10**9}


def number(r):
    """A literal and its exact value."""
    k = r.randrange(6)
    if k == 0:
        n = r.randrange(0, 10**r.choice([1, 3, 9, 19, 30]))
        return str(n), F(n)
    if k == 1:
        whole, places = r.randrange(0, 10**r.choice([1, 6, 18])), r.randrange(1, 25)
        frac = r.randrange(0, 10**places)
        text = '%d.%0*d' % (whole, places, frac)
        return text, F(text)
    if k == 2:
        word = r.choice(sorted(SCALES))
        whole = r.randrange(1, 1000)
        return '%d %s' % (whole, word), F(whole * SCALES[word])
    if k == 3:
        p, m = r.randrange(1, 1000), r.randrange(1, 10**6)   # a percentage meets a number by *
        return '(%d * %d.%d%%)' % (m, p // 10, p % 10), m * F('%d.%d' % (p // 10, p % 10)) / 100
    if k == 4:
        m, e = r.randrange(1, 10**6), r.randrange(-30, 30)
        return '%de%d' % (m, e), F(m) * F(10) ** e
    a, b = r.randrange(1, 10**12), r.randrange(1, 10**12)
    return '(%d/%d)' % (a, b), F(a, b)


def expr(r, depth):
    if depth == 0 or r.random() < 0.25:
        return number(r)
    op = r.choice('+-*/^' if depth > 1 else '+-*/')
    (ta, va), (tb, vb) = expr(r, depth - 1), expr(r, depth - 1)
    if op == '^':
        e = r.randrange(-4, 6)
        if va == 0 and e < 0:
            e = 2
        return '(%s)^%d' % (ta, e), va ** e
    if op == '/' and vb == 0:
        tb, vb = '7', F(7)
    value = va + vb if op == '+' else va - vb if op == '-' else va * vb if op == '*' else va / vb
    return '(%s %s %s)' % (ta, op, tb), value


def case(r):
    text, value = expr(r, r.randrange(1, 5))
    unit = r.choice(['', '', ' * 1 USD', ' * 1 hour', ' * 1 USD/(gpu*hour) * 2 gpu'])
    scale = {'': 1, ' * 1 USD': 1, ' * 1 hour': 1, ' * 1 USD/(gpu*hour) * 2 gpu': 2}[unit]
    return text + unit, value * scale, unit


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('OUTLAY_DIFF_CASES', '0') or 0) or 400
    if len(sys.argv) <= 1 and os.environ.get('OUTLAY_DIFF_CASES'):
        n = int(os.environ['OUTLAY_DIFF_CASES']) * 4 // 3   # 300 pricing cases : 400 expressions
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    cases = [case(random.Random(seed)) for seed in range(first, first + n)]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'arith.outlay')
        with open(path, 'w') as f:
            for i, (text, _, _) in enumerate(cases):
                f.write('x%d = %s\nshow x%d\n' % (i, text, i))
        p = subprocess.run([OUTLAY, 'run', path, '--format', 'json'], capture_output=True, text=True, timeout=600)
        if p.returncode:
            print('FAIL: exit %d: %s' % (p.returncode, p.stderr.strip()[:2000]))
            return 1
        results = json.loads(p.stdout)['results']
    for i, ((text, want, unit), got) in enumerate(zip(cases, results)):
        if F(got['exact']) != want:   # in the display unit: USD, hour, USD/hour
            failed += 1
            print('FAIL: seed %d: %s\n  outlay %s, fractions %s' % (first + i, text, got['exact'], want))
    if len(results) != len(cases):
        failed += 1
        print('FAIL: %d results for %d expressions' % (len(results), len(cases)))
    print('arithmetic: %d expressions, %d failed' % (len(cases), failed))
    return 1 if failed else 0


sys.exit(main())
