#!/usr/bin/env python3
"""Independent check of examples/llama3-405b.outlay.

Recomputes, with exact fractions, the training compute (6 N D for 405B parameters and 15.6T
tokens), the H100-hours and wall-clock days at 40% MFU on 16,384 GPUs (dense BF16 peak 989.4
TFLOP/s), the MFU implied by the model card's 30.84M GPU-hours, the cost at six providers' H100
list prices, the monthly invoice of the 2 USD/GPU-hour contract (January-March 2025, invoice
totals rounded half-even to the cent), and the 38% / 43% scenarios; then verifies that
tests/golden/example_llama3-405b.out shows each number. Exits 1 on any mismatch.
"""
import datetime
import os
import re
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import NUM, check, expect, expect_cell, failures, finish, money, shows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "golden", "example_llama3-405b.out")

# ---- inputs, as cited in the example ----
params, tokens = 405 * 10 ** 9, F("15.6") * 10 ** 12     # Llama 3 paper
cluster = 16384
peak = F("989.4") * 10 ** 12                              # FLOP/s per H100 SXM, dense BF16
reported_gpu_hours = F("30.84") * 10 ** 6                 # Llama 3.1 model card
rates = {                                                 # USD per GPU-hour, list prices / 8 GPUs
    "aws": F("55.04") / 8, "azure": F("98.32") / 8, "google": F("88.49") / 8,
    "oracle": F(80) / 8, "coreweave": F("49.24") / 8, "lambda": F("31.92") / 8,
}
negotiated = F(2)
run_start = datetime.date(2025, 1, 1)
month_starts = [datetime.date(2025, m, 1) for m in (1, 2, 3, 4)]


def model(mfu):
    flops = 6 * params * tokens
    gpu_hours = flops / (peak * mfu) / 3600
    wall_days = gpu_hours / cluster / 24
    periods, done = [], F(0)
    for a, b in zip(month_starts, month_starts[1:]):
        cap = cluster * (b - a).days * 24
        used = min(F(cap), max(gpu_hours - cluster * (a - run_start).days * 24, F(0)))
        charge = used * negotiated
        periods.append((a, charge, F(round(charge * 100), 100)))   # invoice rounded to the cent
        done += used
    return flops, gpu_hours, wall_days, periods, done


with open(OUT) as f:
    lines = f.read().splitlines()

flops, gpu_hours, wall_days, periods, billed = model(F(40, 100))
check(flops == F("3.7908e25"), "6 N D = 3.7908e25 FLOP")
check(round(flops / F(10) ** 24) == 38, "rounds to Meta's 3.8e25")
check(billed == gpu_hours, "the run finishes within the 3-month term")
check(gpu_hours < reported_gpu_hours, "below the model card's all-in hours")

expect("flops", flops, "FLOP", lines)
expect("gpu_hours", gpu_hours, "gpu*hour", lines)
expect("wall_clock", wall_days, "day", lines)
implied = flops / (reported_gpu_hours * 3600 * peak)
expect("implied_mfu", implied * 100, "percent", lines)
for name, rate in rates.items():
    expect("cost_" + name, gpu_hours * rate, "USD", lines)

# ---- the invoice ----
rows = [l.split() for l in lines if re.match(r"^\d{4}-\d{2}\s", l)]
if len(rows) != 3:
    failures.append("invoice has %d rows, expected 3" % len(rows))
for (day, charge, total), cells in zip(periods, rows):
    want = ["%04d-%02d" % (day.year, day.month), money(charge), money(total)]   # no discounts, shortfall or credits: those columns are left out
    if cells != want:
        failures.append("invoice row %s: got %s, expected %s" % (want[0], cells, want))
term_charge = sum(c for _, c, _ in periods)
term_total = sum(t for _, _, t in periods)
term = [l.split() for l in lines if l.startswith("Term ")]
want = ["Term", money(term_charge), money(term_total)]
if term != [want]:
    failures.append("invoice term row: got %s, expected %s" % (term, want))
allin = [re.match(r"^gpu_hour: 2 USD/\(gpu\*hour\) average, (%s) USD/\(gpu\*hour\) all-in" % NUM, l) for l in lines]
allin = [m.group(1) for m in allin if m]
if len(allin) != 1 or not shows(allin[0], term_total / gpu_hours):
    failures.append("all-in rate: shown %s, exact %s" % (allin, float(term_total / gpu_hours)))

# ---- the compare table: base (40%), low_mfu (38%), high_mfu (43%) ----
cases = [model(F(m, 100)) for m in (40, 38, 43)]
table = {}
for l in lines:
    cells = re.split(r"\s{2,}", l.strip())
    if cells and cells[0] in ("gpu_hours", "wall_clock", "cost_aws", "bill.total") and len(cells) == 4:
        table[cells[0]] = cells[1:]
want_rows = {
    "gpu_hours": ([c[1] for c in cases], "gpu*hour"),
    "wall_clock": ([c[2] for c in cases], "day"),
    "cost_aws": ([c[1] * rates["aws"] for c in cases], "USD"),
    "bill.total": ([sum(t for _, _, t in c[3]) for c in cases], "USD"),
}
for k, (values, unit) in want_rows.items():
    cells = table.get(k)
    if not cells:
        failures.append("compare row %s missing" % k)
        continue
    for scen, cell, v in zip(("base", "low_mfu", "high_mfu"), cells, values):
        expect_cell("compare %s/%s" % (k, scen), cell, v, unit)
for c in cases:
    check(c[4] == c[1], "every scenario's run fits in the 3-month term")

finish("llama3-405b", "%.4g H100-hours, %.2f days, contract %s USD"
       % (float(gpu_hours), float(wall_days), money(term_total)))
