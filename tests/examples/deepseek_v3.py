#!/usr/bin/env python3
"""Independent check of examples/deepseek-v3.outlay.

Rebuilds Table 1 of the DeepSeek-V3 Technical Report (arXiv:2412.19437) with exact fractions:
H800 GPU-hours 2664K + 119K + 5K = 2788K, at 2 USD per GPU-hour 5.328M + 0.238M + 0.01M =
5.576M USD; the report's cross-checks (180K GPU-hours per trillion tokens x 14.8T tokens =
2664K; 3.7 days per trillion tokens on 2,048 GPUs; pre-training under two months); and the
same GPU-hours at the AWS and Oracle H100 list prices. Verifies that
tests/golden/example_deepseek-v3.out shows each number. Exits 1 on any mismatch.
"""
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import check, expect, finish  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "golden", "example_deepseek-v3.out")

# ---- Table 1 of the report, as printed ----
printed_hours = {"pretraining": 2664_000, "context_extension": 119_000, "post_training": 5_000}
printed_total_hours = 2788_000
printed_usd = {"pretraining": F("5.328e6"), "context_extension": F("0.238e6"),
               "post_training": F("0.01e6")}
printed_total_usd = F("5.576e6")
rental = 2                                   # USD per H800 GPU-hour, the report's assumption

total_hours = sum(printed_hours.values())
check(total_hours == printed_total_hours, "2664K + 119K + 5K = 2788K")
for k, h in printed_hours.items():
    check(h * rental == printed_usd[k], "%s: %d GPU-hours x 2 USD = %s" % (k, h, printed_usd[k]))
check(total_hours * rental == printed_total_usd, "2788K x 2 USD = 5.576M USD")
check(sum(printed_usd.values()) == printed_total_usd, "the USD row adds up")

with open(OUT) as f:
    lines = f.read().splitlines()

expect("total_gpu_hours", total_hours, "gpu*hour", lines)
for k, h in printed_hours.items():
    expect("cost_" + k, h * rental, "USD", lines)
expect("cost_total", printed_total_usd, "USD", lines)

# ---- the report's cross-checks ----
per_trillion, tokens_t, cluster = 180_000, F("14.8"), 2048
check(per_trillion * tokens_t == printed_hours["pretraining"], "180K x 14.8 = 2664K")
days_per_trillion = F(per_trillion, cluster * 24)
check(round(days_per_trillion, 1) == F("3.7"), "3.7 days per trillion tokens")
expect("days_per_trillion", days_per_trillion, "day", lines)
pretraining_days = F(printed_hours["pretraining"], cluster * 24)
check(pretraining_days < 61, "less than two months")
expect("pretraining_days", pretraining_days, "day", lines)

# ---- what-if at H100 list prices ----
expect("cost_at_aws", total_hours * F("55.04") / 8, "USD", lines)
expect("cost_at_oracle", total_hours * F(80) / 8, "USD", lines)

finish("deepseek-v3", "%s GPU-hours, %s USD" % ("{:,}".format(total_hours), "{:,}".format(int(printed_total_usd))))
