#!/usr/bin/env python3
"""The results the documentation states: every `show EXPR   # RESULT` line in an ```outlay
block of doc/language.md, doc/tutorial.md and README.md must match what the program
prints for EXPR (the comment starts with the printed value, or contains it); and in the
EXAMPLES of doc/outlay.1, each `$ outlay ...` command followed by output lines must print
those lines (a program block after a line naming FILE.outlay is written to FILE.outlay
first). Keeps the examples in the docs from drifting when the display rules change."""
import os
import re
import shlex
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

def roff(line):
    return line.replace("\\-", "-").replace("\\(dq", '"').replace("\\e", "\\")


def man_examples(tmp):
    """(command, expected output lines) for each command of the man page's EXAMPLES that
    shows its output; program files named before their blocks are written to tmp."""
    with open(os.path.join(TOP, "doc/outlay.1")) as f:
        lines = f.read().split("\n")
    lines = lines[lines.index(".SH EXAMPLES"):]
    name, block, out = None, None, []
    for line in lines:
        m = re.match(r"\.I[RB]?\s+(\S+\.outlay)", line)
        if m and block is None:
            name = m.group(1)
        elif line == ".nf":
            block = []
        elif line == ".fi" and block is not None:
            if block and block[0].startswith("$ "):
                cmd = None
                for l in block:
                    if l.startswith("$ "):
                        cmd = l[2:]
                        out.append((cmd, []))
                    else:
                        out[-1][1].append(l)
            elif name:
                with open(os.path.join(tmp, name), "w") as f:
                    f.write("\n".join(block) + "\n")
                name = None
            block = None
        elif block is not None:
            block.append(roff(line))
    return [(c, want) for c, want in out if want]


with tempfile.TemporaryDirectory() as tmp:
    for cmd, want in man_examples(tmp):
        argv = shlex.split(cmd)
        got = subprocess.run([OUTLAY] + argv[1:], capture_output=True, text=True, cwd=tmp).stdout.rstrip("\n").split("\n")
        if got == want:
            passed += 1
        else:
            failed += 1
            print("FAIL: doc/outlay.1: `%s` prints %r, the man page says %r" % (cmd, got, want))
print("doc_results: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
