#!/usr/bin/env python3
"""Differential test of the pricing engine: random small contracts and workloads (gen.py)
priced by an independent model of doc/language.md's pricing rules in exact fractions
(model.py) and by `outlay run FILE --format json`; every period's gross, discounts, net,
shortfall, SLA credit, pool draw and total, and the term total, must agree exactly.

    python3 tests/differential/check.py [N] [FIRST_SEED]     # default 300 cases from seed 0
    OUTLAY_DIFF_CASES=3000 make check                        # ten times as many

The seeds are fixed, so a failure is reproducible: the failing case is printed as .outlay
text. The generator covers mid-month starts, end dates, flat and tiered (graduated/volume,
per period/cumulative) rates, reserves with overage, commitment ramps, fees, the three
kinds of discount, escalators, SLA bands, credit pools, every rounding policy and mode,
and both commitment and SLA bases; half the cases are pushed to edges (usage on a tier
bound, line rounding with ceiling/floor, a whole-dollar invoice quantum), and half get
clauses with a scope (a tier ladder shared by two SKUs, a starting position in a ladder,
discounts, escalators, SLA bands and caps on sets of SKUs)."""
import json
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen    # noqa: E402
import model  # noqa: E402

OUTLAY = os.environ.get('OUTLAY', 'src/outlay')
FIELDS = ['gross', 'discounts', 'net', 'shortfall', 'sla_credit', 'pool_draw', 'total']


def differences(case, inv):
    want = model.price(gen.normalise(case))
    got = inv['periods']
    if len(got) != len(want['periods']):
        return ['%d periods, model %d' % (len(got), len(want['periods']))]
    out = []
    for i, (g, w) in enumerate(zip(got, want['periods'])):
        if (g['start'], g['end']) != (w['start'].isoformat(), w['end'].isoformat()):
            out.append('period %d dates %s..%s, model %s..%s' % (i, g['start'], g['end'], w['start'], w['end']))
        for f in FIELDS:
            if F(g[f]['exact']) != w[f]:
                out.append('period %d %s: outlay %s, model %s' % (i, f, g[f]['exact'], w[f]))
    if F(inv['total']['exact']) != want['total']:
        out.append('term total: outlay %s, model %s' % (inv['total']['exact'], want['total']))
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('OUTLAY_DIFF_CASES') or 300)
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'case.outlay')
        for seed in range(first, first + n):
            case = gen.generate(random.Random(seed))
            text = gen.render(case)
            with open(path, 'w') as f:
                f.write(text)
            p = subprocess.run([OUTLAY, 'run', path, '--format', 'json'], capture_output=True, text=True, timeout=120)
            problems = ['exit %d: %s' % (p.returncode, p.stderr.strip())] if p.returncode else \
                differences(case, json.loads(p.stdout)['results'][0]['result'])
            if problems:
                failed += 1
                print('FAIL: seed %d\n%s\n--- case ---\n%s' % (seed, '\n'.join(problems[:10]), text))
    print('differential: %d passed, %d failed' % (n - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
