#!/usr/bin/env python3
"""Independent check of examples/buy-vs-rent.outlay.

Recomputes with exact fractions the yearly cost of owning 32 DGX H100 servers (270,000 USD
each over 4 years; 10.2 kW each at PUE 1.58 and 8.06 US cents per kWh, all year; 400,000 USD
of staff), the owning cost per GPU-hour, the break-even utilisation against the Lambda,
CoreWeave, AWS and Oracle H100 list prices, and the sweep of owning cost per used GPU-hour;
verifies that tests/golden/example_buy-vs-rent.out shows each number. Exits 1 on any mismatch.
"""
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import check, display, expect, expect_cell, failures, finish, table_rows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "golden", "example_buy-vs-rent.out")

servers, gpus_per_server, years = 32, 8, 4
server_price = 270_000                        # USD
server_kw = F("10.2")
pue = F("1.58")
usd_per_kwh = F("8.06") / 100
staff = 2 * 200_000                           # USD per year
hours_per_year = 8760                         # the 365-day year
rent = {"lambda": F("31.92") / 8, "coreweave": F("49.24") / 8, "aws": F("55.04") / 8, "oracle": F(80) / 8}

amortisation = F(servers * server_price, years)            # USD per year
energy_kwh = servers * server_kw * pue * hours_per_year    # kWh per year
power_cost = energy_kwh * usd_per_kwh                      # USD per year
yearly = amortisation + power_cost + staff
own = yearly / (servers * gpus_per_server * hours_per_year)  # USD per GPU-hour

check(amortisation == 2_160_000, "32 x 270,000 / 4")
check(energy_kwh == F("4517637.12"), "32 x 10.2 kW x 1.58 x 8760 h")

with open(OUT) as f:
    lines = f.read().splitlines()

expect("amortisation", amortisation, "USD/year", lines)
expect("power_energy", energy_kwh, "kWh", lines)
expect("power_cost", power_cost, "USD/year", lines)
expect("yearly_cost", yearly, "USD/year", lines)
expect("own_per_gpu_hour", own, "USD/(gpu*hour)", lines)
for name, rate in rent.items():
    expect("break_even_" + name, own / rate * 100, "percent", lines)
check(own / rent["aws"] < F(25, 100), "break-even against AWS below 25%")
check(own / rent["lambda"] < F(50, 100), "break-even against Lambda below 50%")

# ---- the sweep: owning cost per used GPU-hour vs the AWS rate ----
for u, cells in zip((10, 20, 30, 50, 75, 100), table_rows(lines, "sweep utilisation:", 6)):
    if len(cells) != 3 or cells[0] != display(u, "percent"):
        failures.append("sweep row for %d%%: %r" % (u, cells))
        continue
    expect_cell("sweep %d%% own_per_used_hour" % u, cells[1], own / F(u, 100), "USD/(gpu*hour)")
    expect_cell("sweep %d%% aws_h100_gpu_hour" % u, cells[2], rent["aws"], "USD/(gpu*hour)")

finish("buy-vs-rent", "owning %.4f USD per GPU-hour; break-even %.1f%% vs AWS, %.1f%% vs Lambda"
       % (float(own), float(own / rent["aws"] * 100), float(own / rent["lambda"] * 100)))
