#!/usr/bin/env python3
"""Independent check of examples/spacex-google.outlay.

Recomputes the deal's key numbers with exact fractions from the figures the example cites
(920 million USD a month, 110,000 GPUs, October 2026 - June 2029, the assumed 3-month ramp at
460 million USD and 55,000 GPUs, the H100 list prices of stdlib/providers/*, the H100 SXM
dense BF16 peak of 989.4 TFLOP/s) and verifies that tests/golden/example_spacex-google.out,
the recorded output of the example, shows each of them. Exits 1 on any mismatch.
"""
import datetime
import os
import re
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import NUM, add_months, check, expect, expect_cell, failures, finish, money, shows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "golden", "example_spacex-google.out")

# ---- inputs, as cited in the example ----
monthly_fee = F(920_000_000)          # USD per (billing) month
fleet = 110_000                       # GPUs
full_start = datetime.date(2026, 10, 1)
deal_end = datetime.date(2029, 7, 1)
ramp_months, ramp_fee, ramp_gpus = 3, F(460_000_000), 55_000   # the example's stated assumptions
month_hours = 730                     # the pricing-month convention
aws, azure, gcp, oracle = F("55.04") / 8, F("98.32") / 8, F("88.49") / 8, F(80) / 8
h100_bf16 = F("989.4") * 10 ** 12     # FLOP/s per GPU, dense
mfu = F(40, 100)


# ---- the invoice, month by month ----
start = add_months(full_start, -ramp_months)
rows, gpu_hours_billed = [], 0
d = start
while d < deal_end:
    nxt = add_months(d, 1)
    hours = (nxt - d).days * 24
    if d < full_start:
        rows.append((d, ramp_fee))
        gpu_hours_billed += ramp_gpus * hours
    else:
        rows.append((d, monthly_fee))
        gpu_hours_billed += fleet * hours
    d = nxt
check(len(rows) == 36, "36 billing months July 2026 .. June 2029")
check(add_months(full_start, 33) == deal_end, "33 full-fee months")
term_total = sum(fee for _, fee in rows)
full_fee_total = sum(fee for day, fee in rows if day >= full_start)
check(full_fee_total == 33 * monthly_fee == 30_360_000_000, "33 full-fee months = 30.36 billion USD")
check(term_total == 3 * 460_000_000 + 30_360_000_000, "ramp + full fee")

with open(OUT) as f:
    lines = f.read().splitlines()

invoice_rows = [l.split() for l in lines if re.match(r"^\d{4}-\d{2}\s", l)]
if len(invoice_rows) != len(rows):
    failures.append("invoice has %d period rows, expected %d" % (len(invoice_rows), len(rows)))
for (day, fee), cells in zip(rows, invoice_rows):
    # columns: gpu_hour, Fees, Total (discounts, shortfall and credits are zero throughout,
    # so the table leaves them out)
    want = ["%04d-%02d" % (day.year, day.month), "0.00", money(fee), money(fee)]
    if cells != want:
        failures.append("invoice row %s: got %s, expected %s" % (want[0], cells, want))
term = [l.split() for l in lines if l.startswith("Term ")]
want = ["Term", "0.00", money(term_total), money(term_total)]
if term != [want]:
    failures.append("invoice term row: got %s, expected %s" % (term, want))
allin = [re.match(r"^gpu_hour: 0 USD/\(gpu\*hour\) average, (%s) USD/\(gpu\*hour\) all-in" % NUM, l) for l in lines]
allin = [m.group(1) for m in allin if m]
if len(allin) != 1 or not shows(allin[0], term_total / gpu_hours_billed):
    failures.append("all-in rate: shown %s, exact %s" % (allin, float(term_total / gpu_hours_billed)))

# ---- headline numbers ----
expect("full_fee_total", full_fee_total, "USD", lines)
expect("term_total", term_total, "USD", lines)
per_gpu_hour = monthly_fee / (fleet * month_hours)
check(round(per_gpu_hour, 2) == F("11.46"), "920e6 / (110000 x 730) = 11.46 to the cent")
expect("per_gpu_hour", per_gpu_hour, "USD/(gpu*hour)", lines)

same_gpu_hours = fleet * (deal_end - full_start).days * 24
check(same_gpu_hours == 2_650_560_000, "110,000 GPUs x 1,004 days x 24 hours")
expect("same_gpu_hours", same_gpu_hours, "gpu*hour", lines)
# the compare table: a column per provider, rows list_rate, list_cost and vs_deal
providers = (("AWS", aws), ("Azure", azure), ("Google", gcp), ("Oracle", oracle))
try:
    i = lines.index("compare:")
    head, body = lines[i + 1].split(), lines[i + 2:i + 5]
except ValueError:
    head, body = [], []
    failures.append("compare table missing")
if head != [name for name, _ in providers]:
    failures.append("compare columns %r, expected the four providers" % head)
rows = {}
for line in body:
    cells = re.split(r"\s{2,}", line.strip())
    rows[cells[0]] = cells[1:]
for k, (name, rate) in enumerate(providers):
    cost = same_gpu_hours * rate
    expect_cell("%s list_rate" % name, rows.get("list_rate", [None] * 4)[k], rate, "USD/(gpu*hour)")
    expect_cell("%s list_cost" % name, rows.get("list_cost", [None] * 4)[k], cost, "USD")
    expect_cell("%s vs_deal" % name, rows.get("vs_deal", [None] * 4)[k], cost / full_fee_total * 100, "percent")

# ---- the 405B run ----
run = 6 * 405 * 10 ** 9 * F("15.6") * 10 ** 12
check(run == F("3.7908e25"), "6 x 405e9 x 15.6e12")
run_hours = run / (fleet * h100_bf16 * mfu) / 3600
expect("run", run, "FLOP", lines)
expect("run_time", run_hours, "hour", lines)
expect("run_time in day", run_hours / 24, "day", lines)
check(run_hours / 24 < 11, "under 11 days")
expect("run_fee", monthly_fee * run_hours / month_hours, "USD", lines)

finish("spacex-google", "term total %s USD, %s USD per GPU-hour, run %.2f days"
       % ("{:,}".format(int(term_total)), round(float(per_gpu_hour), 4), float(run_hours / 24)))
