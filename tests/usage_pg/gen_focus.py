#!/usr/bin/env python3
"""FOCUS usage rows for the PostgreSQL usage tests, as CSV on standard output: the same
file is read by Outlay and loaded into a table (COPY ... CSV HEADER), so both see the same
rows. Deterministic. Three SKUs (one whose name needs CSV and SQL quoting) over HOURS
hours from 2027-01-01T00:00Z, four resources per SKU and hour; every fifth hour one row
spans three hours; some rows are ChargeCategory Tax; some costs are empty; Tags (JSON)
name a team or are empty; quantities and costs carry up to 7 decimals. With --rate-names the SKUs are called as a contract's
rates are (gpu_hour, egress, storage), for `outlay price --usage` without a mapping.
    gen_focus.py [--rate-names] [HOURS]"""
import csv
import sys
from datetime import datetime, timedelta, timezone

args = [a for a in sys.argv[1:] if a != "--rate-names"]
HOURS = int(args[0]) if args else 40
SKUS = [("NVIDIA-H100-80GB", "Hours"), ("egress", "GB"), ('storage "hot", tier 1', "GB-Hours")]
if "--rate-names" in sys.argv:
    SKUS = [("gpu_hour", "Hours"), ("egress", "GB"), ("storage", "GB-Hours")]
START = datetime(2027, 1, 1, tzinfo=timezone.utc)

def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")

x = 12345
def rand():
    global x
    x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
    return x

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["SkuId", "PricingQuantity", "PricingUnit", "ChargePeriodStart", "ChargePeriodEnd",
              "BillingCurrency", "BilledCost", "EffectiveCost", "ListCost", "ChargeCategory", "Tags"])
for h in range(HOURS):
    for sku, unit in SKUS:
        for k in range(4):
            r = rand()
            span = 3 if k == 3 and h % 5 == 0 else 1
            category = "Tax" if k == 2 and h % 7 == 0 else "Usage"
            start = START + timedelta(hours=h)
            quantity = "%d.%04d" % ((r >> 33) % 100, (r >> 13) % 10000)
            billed = "%d.%07d" % ((r >> 40) % 1000, (r >> 7) % 10000000)
            effective = "" if k == 1 and h % 6 == 0 else "%d.%02d" % ((r >> 45) % 900, (r >> 20) % 100)
            listed = "%d" % ((r >> 50) % 1200)
            tags = ["", '{"team": "ml"}', '{"team": "infra", "env": "prod"}'][(r >> 3) % 3]
            out.writerow([sku, quantity, unit, stamp(start), stamp(start + timedelta(hours=span)),
                          "USD", billed, effective, listed, category, tags])
