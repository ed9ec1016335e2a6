#!/usr/bin/env python3
"""Independent check of examples/gcp-cud.outlay: a resource-based committed use discount
applied hour by hour, with every parameter set from the command line.

January 2027 (744 hours). The fleet runs `vms` VMs in each of the first `busy_hours` hours
and none after. In every hour the commitment covers up to `commit_vms` VMs at `cud_rate`;
the rest of the commitment that hour is unused and billed at `cud_rate` all the same; VMs
above it pay `on_demand_rate`. Each line is rounded to the cent (half-even).

The stdlib figures (stdlib/providers/gcp.outlay, sourced there): a3-highgpu-8g us-central1
on demand 88.49 USD per hour; 1-year CUD 44,810.08066464 USD per 730-hour month.
Runs $OUTLAY (default src/outlay) with --format json --exact and compares exact amounts."""
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import check, finish, first_invoice, round_to  # noqa: E402


ON_DEMAND = F("88.49")
CUD = F("44810.08066464") / 730
HOURS = 31 * 24


def expected(vms=8, busy=372, commit=4, on_demand=ON_DEMAND, cud=CUD):
    used = unused = over = F(0)
    for h in range(HOURS):
        u = F(vms) if h < busy else F(0)
        covered = min(u, commit)
        used += covered
        unused += commit - covered
        over += u - covered
    cent = F(1, 100)
    return {"committed_use": (used, round_to(used * cud, cent)),
            "unused_commitment": (unused, round_to(unused * cud, cent)),
            "on_demand": (over, round_to(over * on_demand, cent))}


CASES = [
    ({}, {}),
    ({"vms": "3 vm"}, {"vms": 3}),                          # fewer VMs than the commitment
    ({"commit_vms": "10 vm"}, {"commit": 10}),              # a commitment larger than the fleet
    ({"busy_hours": "744 hour"}, {"busy": 744}),            # busy all month
    ({"busy_hours": "100 hour", "vms": "5 vm", "commit_vms": "2 vm"}, {"busy": 100, "vms": 5, "commit": 2}),
    ({"on_demand_rate": "100 USD/(vm*hour)", "cud_rate": "55.5 USD/(vm*hour)"},
     {"on_demand": F(100), "cud": F("55.5")}),
]

for sets, params in CASES:
    inv = first_invoice("gcp-cud", sets)
    if inv is None:
        continue
    want = expected(**params)
    lines = {l["category"]: l for l in inv["periods"][0]["lines"]}
    check(sorted(lines) == sorted(want), "%s: lines %s" % (sets, sorted(lines)))
    total = F(0)
    for cat, (qty, amount) in want.items():
        line = lines.get(cat)
        if not line:
            continue
        check(F(line["quantity"]["exact"]) == qty and line["quantity"]["unit"] == "vm*hour",
              "%s: %s quantity %s, want %s vm*hour" % (sets, cat, line["quantity"]["exact"], qty))
        check(F(line["amount"]["exact"]) == amount, "%s: %s amount %s, want %s" % (sets, cat, line["amount"]["exact"], amount))
        total += amount
    check(F(inv["total"]["exact"]) == total, "%s: total %s, want %s" % (sets, inv["total"]["exact"], total))

finish("gcp_cud", "%d cases of the hourly CUD, every parameter set" % len(CASES))
