#!/usr/bin/env python3
"""Usage reader tests: each case runs tests/usage/usage_dump on a small CSV or gzip file.
A good case's per-SKU, per-hour sums are computed again here, independently, with
Python's csv, fractions and datetime, and must match the reader's to the last digit. A bad
case's exact message is in tests/usage/errors/NAME.err."""
import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("OUTLAY_SRCDIR", os.path.join(HERE, "..", ".."))
BUILD = os.path.dirname(os.path.dirname(os.environ.get("OUTLAY", os.path.join(TOP, "src", "outlay"))))
DUMP = os.path.join(BUILD, "tests", "usage", "usage_dump")
DATA = os.path.join(TOP, "tests", "usage", "data")
ERRORS = os.path.join(TOP, "tests", "usage", "errors")

FOCUS = {"sku": "SkuId", "quantity": "PricingQuantity", "unit": "PricingUnit", "start": "ChargePeriodStart",
         "end": "ChargePeriodEnd", "currency": "BillingCurrency"}
COSTS = [("billed", "BilledCost"), ("effective", "EffectiveCost"), ("list", "ListCost"), ("contracted", "ContractedCost")]

# The FOCUS units the cases use: (dimension, value in base units, Outlay's display)
GB, MONTH = 10**9 * 8, 730 * 3600
UNITS = {
    "Hours": ("time", Fraction(3600), "1 hour"), "GB-Hours": ("data*time", Fraction(GB * 3600), "1 GB*hour"),
    "GB-Mo": ("data*time", Fraction(GB * MONTH), "1 GB*month"), "GB": ("data", Fraction(GB), "1 GB"),
    "TB": ("data", Fraction(GB * 1000), "1 TB"), "1000 Requests": ("request", Fraction(1000), "1000 request"),
    "Requests": ("request", Fraction(1), "1 request"), "GPU-Hours": ("gpu*time", Fraction(3600), "1 gpu*hour"),
}
US_PER_HOUR = 3600 * 10**6
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def usec(text):
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", t):
        t += "T00:00:00"
    d = datetime.fromisoformat(t.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    delta = d - EPOCH
    return (delta.days * 86400 + delta.seconds) * 10**6 + delta.microseconds


def hour_name(h):
    d = datetime.fromtimestamp(h * 3600, tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H")


def spread(start, end):
    """[(hour, share)] of a period [start, end) in microseconds, by the time in each hour."""
    if end <= start:
        return [(start // US_PER_HOUR, Fraction(1))]
    out, h = [], start // US_PER_HOUR
    while h * US_PER_HOUR < end:
        lo, hi = max(start, h * US_PER_HOUR), min(end, (h + 1) * US_PER_HOUR)
        out.append((h, Fraction(hi - lo, end - start)))
        h += 1
    return out


def cell(row, idx):
    if idx is None:
        return None
    v = row[idx].strip()
    return "" if v == "NULL" else v


def reference(path, opts):
    """The dump the reader should print, computed from the file with csv and fractions."""
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    header = [h.strip() for h in rows[0]]
    cols = dict(FOCUS)
    cols.update(opts.get("cols", {}))
    idx = {k: (header.index(v) if v in header else None) for k, v in cols.items()}
    cost_idx = [(name, header.index(c) if c in header else None) for name, c in COSTS]
    skus, order = {}, []
    currency, bad, bad_lines, filtered = None, 0, [], 0
    line = 1 + text.split("\n", 1)[0].count("\n")
    lines_of = []
    # line numbers of each record: count the newlines csv consumed
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    pos_line = 2
    for r in reader:
        lines_of.append((pos_line, r))
        pos_line = reader.line_num + 1
    for line, row in lines_of:
        if not row:
            continue
        if len(row) != len(header):
            bad += 1
            bad_lines.append(line)
            continue
        keep = True
        for col, val in opts.get("filters", []):
            keep = keep and row[header.index(col)].strip() == val
        for key, val in opts.get("tags", []):
            tags = json.loads(row[header.index("Tags")] or "{}") if row[header.index("Tags")] not in ("", "NULL") else {}
            keep = keep and tags.get(key) == val
        if not keep:
            filtered += 1
            continue
        try:
            q = cell(row, idx["quantity"])
            qty = Fraction(q) if q else None
            if qty is not None and qty < 0 and not opts.get("negative_ok"):
                raise ValueError("negative")
            unit = opts.get("unit") or (cell(row, idx["unit"]) if qty is not None else None)
            if unit is not None and unit not in UNITS:
                raise ValueError("unit")
            start = usec(cell(row, idx["start"]))
            e = cell(row, idx["end"])
            end = usec(e) if e else start
            costs = [(n, Fraction(cell(row, i))) for n, i in cost_idx if i is not None and cell(row, i)]
        except ValueError:
            bad += 1
            bad_lines.append(line)
            continue
        cur = cell(row, idx["currency"])
        if costs and cur and currency is None:
            currency = cur
        name = cell(row, idx["sku"]) or ""
        name = dict(opts.get("map", [])).get(name, name)
        if name not in skus:
            skus[name] = {"rows": 0, "unit": None, "hours": {}}
            order.append(name)
        s = skus[name]
        if qty is not None:
            if s["unit"] is None:
                s["unit"] = unit
            elif UNITS[s["unit"]][0] != UNITS[unit][0]:
                raise SystemExit("a case mixes dimensions in one SKU: not a good case")
            qty = qty * UNITS[unit][1] / UNITS[s["unit"]][1]
        s["rows"] += 1
        for h, share in spread(start, end):
            hour = s["hours"].setdefault(h, {})
            if qty is not None:
                hour["quantity"] = hour.get("quantity", 0) + qty * share
            for n, v in costs:
                hour[n] = hour.get(n, 0) + v * share
    out = ["currency %s" % (currency or "-"), "bad_rows %d%s" % (bad, "".join(" %d" % l for l in bad_lines[:5])),
           "filtered %d" % filtered]
    present = ["quantity"] + [n for n, i in cost_idx if i is not None]
    for name in order:
        s = skus[name]
        out.append("sku '%s' rows %d unit %s" % (name, s["rows"], UNITS[s["unit"]][2] if s["unit"] else "-"))
        total = 0
        for h in sorted(s["hours"]):
            for col in present:
                v = s["hours"][h].get(col, 0)
                if v:
                    out.append("  %s %s %s" % (hour_name(h), col, v))
            total += s["hours"][h].get("quantity", 0)
        out.append("  total quantity %s" % total)
    return "\n".join(out) + "\n"


def args_of(opts):
    a = []
    for k, v in opts.get("cols", {}).items():
        a += ["--" + ("unit-col" if k == "unit" else k), v]
    if "unit" in opts:
        a += ["--unit", opts["unit"]]
    for col, val in opts.get("filters", []):
        a += ["--filter", "%s=%s" % (col, val)]
    for key, val in opts.get("tags", []):
        a += ["--tag", "%s=%s" % (key, val)]
    for f, t in opts.get("map", []):
        a += ["--map", "%s=%s" % (f, t)]
    if opts.get("negative_ok"):
        a.append("--negative-ok")
    if opts.get("skip"):
        a.append("--skip-bad-rows")
    return a


NARROW = {"cols": {"sku": "instance", "quantity": "gpu_hours", "start": "at"}, "unit": "GPU-Hours"}

GOOD = [
    ("focus", "focus.csv", {}),
    ("focus gzip", "focus.csv.gz", {}),
    ("narrow rows through a mapping", "narrow.csv", NARROW),
    ("filters: service and tag", "focus.csv", {"filters": [("ServiceName", "Compute")], "tags": [("team", "ml")]}),
    ("filter: charge category", "focus.csv", {"filters": [("ChargeCategory", "Usage")]}),
    ("SKU map", "focus.csv", {"map": [("gpu_h100", "gpu_hour"), ("egress", "net")]}),
    ("skipped bad rows", "bad_rows.csv", {"skip": True}),
]

# name, data file (or a generator), options; the message is errors/NAME.err
BAD = [
    ("bad_number", "bad_rows.csv", {}),
    ("bad_timestamp", "bad_timestamp.csv", {}),
    ("unknown_unit", "unknown_unit.csv", {}),
    ("negative_quantity", "negative.csv", {}),
    ("too_many_fields", "too_many_fields.csv", {}),
    ("too_few_fields", "too_few_fields.csv", {}),
    ("unclosed_quote", "unclosed_quote.csv", {}),
    ("stray_quote", "stray_quote.csv", {}),
    ("missing_column", "narrow.csv", {}),
    ("duplicate_column", "duplicate_column.csv", {}),
    ("mixed_currencies", "mixed_currencies.csv", {}),
    ("end_before_start", "end_before_start.csv", {}),
    ("mixed_dimensions", "mixed_dimensions.csv", {}),
    ("bad_tags", "bad_tags.csv", {"tags": [("team", "ml")]}),
    ("empty_file", "empty.csv", {}),
    ("binary", "binary.csv", {}),
    ("truncated_gzip", "truncated.csv.gz", {}),
    ("long_line", "long_line.csv", {}),
    ("huge_exponent", "huge_exponent.csv", {}),
    ("too_many_skus", "many_skus.csv", {}),
    ("missing_filter_column", "bad_rows.csv", {"tags": [("team", "ml")]}),
]


def generated(tmp):
    """Inputs made at test time rather than stored: gzip and binary files, a long line."""
    focus = open(os.path.join(DATA, "focus.csv"), "rb").read()
    files = {
        "focus.csv.gz": gzip.compress(focus),
        "truncated.csv.gz": gzip.compress(focus)[:200],
        "binary.csv": b"SkuId,PricingQuantity\nab\x00cd\n",
        "empty.csv": b"",
        "many_skus.csv": b"ChargePeriodStart,SkuId,PricingQuantity,PricingUnit\n" +
                         b"".join(b"2027-01-01,s%d,1,Hours\n" % i for i in range(100001)),
        "long_line.csv": b"SkuId,PricingQuantity,PricingUnit,ChargePeriodStart\n" + b"x" * ((1 << 20) + 1) + b"\n",
    }
    for name, data in files.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)


def run(path, opts, cwd):
    p = subprocess.run([DUMP] + args_of(opts) + [path], capture_output=True, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def main():
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        generated(tmp)

        def where(name):
            return name if os.path.exists(os.path.join(tmp, name)) else os.path.relpath(os.path.join(DATA, name), tmp)

        for title, name, opts in GOOD:
            code, out, err = run(where(name), opts, tmp)
            want = reference(os.path.join(tmp, where(name)), opts)
            if code == 0 and out == want and not err:
                passed += 1
                print("PASS: " + title)
            else:
                failed += 1
                print("FAIL: %s (exit %d)\n%s" % (title, code, err))
                for a, b in zip(out.splitlines(), want.splitlines()):
                    if a != b:
                        print("  got  %s\n  want %s" % (a, b))
                        break
        for name, data, opts in BAD:
            code, out, err = run(where(data), opts, tmp)
            # stored messages name data files as data/FILE
            err = err.replace(os.path.relpath(DATA, tmp) + "/", "data/")
            want = open(os.path.join(ERRORS, name + ".err")).read()
            if code == 2 and err == want:
                passed += 1
                print("PASS: " + name)
            else:
                failed += 1
                print("FAIL: %s (exit %d)\n--- got\n%s--- want\n%s" % (name, code, err, want))
    print("usage: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
