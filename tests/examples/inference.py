#!/usr/bin/env python3
"""Independent check of examples/inference.outlay.

For a 70B-parameter model in BF16 on one 8-GPU H100 SXM node (dense BF16 peak 989.4 TFLOP/s
per GPU, 80 GB per GPU) at 2 FLOPs per parameter per token, recomputes with exact fractions:
the GPUs needed to hold the weights, tokens per second at 30% utilisation, the cost of the node
reserved for 2027 at CoreWeave's list price (49.24 USD per node-hour), the tokens served and the
cost per million tokens, and the sweep over utilisation; verifies that
tests/golden/example_inference.out shows each number. Exits 1 on any mismatch.
"""
import math
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import check, display, expect, expect_cell, failures, finish, table_rows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "golden", "example_inference.out")

params = 70 * 10 ** 9
gpus = 8
peak = F("989.4") * 10 ** 12          # FLOP/s per GPU
memory = 80 * 10 ** 9                 # bytes per GPU
node_hour = F("49.24")                # USD per 8-GPU node-hour
hours_2027 = 365 * 24                 # the 12-month term, 2027-01-01 .. 2028-01-01


def serve(u):
    tps = gpus * peak * u / (2 * params)
    tokens = tps * hours_2027 * 3600
    cost = node_hour * hours_2027
    return tps, tokens, cost, cost / tokens * 10 ** 6


with open(OUT) as f:
    lines = f.read().splitlines()

weights_need = math.ceil(F(params * 2, memory))
check(weights_need == 2, "140 GB of weights on 80 GB GPUs")
expect("weights_need", weights_need, "gpu", lines)

tps, tokens, cost, per_million = serve(F(30, 100))
check(cost == F("431342.4"), "49.24 x 8760")
check(per_million < 1, "below 1 USD per million tokens")
expect("tokens_per_second", tps, "token/s", lines)
expect("bill.total", cost, "USD", lines)
expect("tokens_served", tokens, "token", lines)
expect("cost_per_million", per_million, "USD/Mtoken", lines)

# ---- the sweep ----
for u, cells in zip((5, 10, 20, 30, 40, 50), table_rows(lines, "sweep utilisation:", 6)):
    t, _, _, pm = serve(F(u, 100))
    if len(cells) != 3 or cells[0] != display(u, "percent"):
        failures.append("sweep row for %d%%: %r" % (u, cells))
        continue
    expect_cell("sweep %d%% tokens_per_second" % u, cells[1], t, "token/s")
    expect_cell("sweep %d%% cost_per_million" % u, cells[2], pm, "USD/Mtoken")

finish("inference", "%.0f tokens/s, %.4f USD per million tokens at 30%%" % (float(tps), float(per_million)))
