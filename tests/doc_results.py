#!/usr/bin/env python3
"""The results the documentation states: every `show EXPR   # RESULT` line in an ```outlay
block of doc/language.md, doc/tutorial.md and README.md must match what the program
prints for EXPR (the comment starts with the printed value, or contains it). Keeps the
examples in the docs from drifting when the display rules change."""
import os
import re
import subprocess
import sys
import tempfile

OUTLAY = os.path.abspath(os.environ.get("OUTLAY", "src/outlay"))
TOP = os.environ.get("OUTLAY_SRCDIR", ".")
DOCS = ("doc/language.md", "doc/tutorial.md", "README.md")

passed = failed = 0
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "block.outlay")
    for doc in DOCS:
        with open(os.path.join(TOP, doc)) as f:
            text = f.read()
        for block in re.findall(r"```outlay\n(.*?)```", text, re.S):
            claims = [m for m in (re.match(r"show (.*?)\s+#\s*(.*)$", l) for l in block.split("\n")) if m]
            if not claims:
                continue
            with open(path, "w") as f:
                f.write(block)
            out = subprocess.run([OUTLAY, "run", path], capture_output=True, text=True, cwd=tmp).stdout.split("\n")
            for m in claims:
                expr, comment = m.group(1).strip(), m.group(2).strip()
                got = [o[len(expr) + 3:] for o in out if o.startswith(expr + " = ")]
                if got and (comment.startswith(got[0]) or got[0] in comment):
                    passed += 1
                else:
                    failed += 1
                    print("FAIL: %s: show %s prints %r, the doc says %r" % (doc, expr, got[0] if got else None, comment))
print("doc_results: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
