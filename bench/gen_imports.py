#!/usr/bin/env python3
"""Generates the import benchmark's programs in DIR: chain.outlay imports f0, which
imports f1, ... up to f{N-1}, each file defining one name; flat.outlay defines the same
N names in one file (the anchor: the same parsing and evaluation without imports).
   usage: gen_imports.py N DIR"""
import os
import sys

n, d = int(sys.argv[1]), sys.argv[2]
os.makedirs(d, exist_ok=True)
for i in range(n):
    with open(os.path.join(d, "f%d.outlay" % i), "w") as f:
        if i + 1 < n:
            f.write('import "f%d"\n' % (i + 1))
        f.write("x%d = %d\n" % (i, i))
with open(os.path.join(d, "chain.outlay"), "w") as f:
    f.write('import "f0"\nshow x%d + x0\n' % (n - 1))
with open(os.path.join(d, "flat.outlay"), "w") as f:
    for i in range(n):
        f.write("x%d = %d\n" % (i, i))
    f.write("show x%d + x0\n" % (n - 1))
