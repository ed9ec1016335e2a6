#!/usr/bin/env python3
"""Usage benchmark data: N hourly rows over 20 SKUs, either narrow (timestamp, SKU,
quantity: about 40 bytes a row) or full FOCUS 1.2 rows (about 1 KB: every column a
provider export fills, a quoted JSON Tags cell). Deterministic for a given N.
    gen_usage.py narrow|focus ROWS > FILE
Every row draws its own SKU, quantity and resource id; what depends only on the SKU
and the hour (timestamps, names, rates, tags) is formatted once per SKU and hour and
rows are written an hour at a time, so 10M FOCUS rows (9.4 GB) take minutes, not hours."""
import random
import sys
from datetime import datetime, timedelta, timezone

kind, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(9)
SKUS = ["sku%02d" % i for i in range(20)]
RATES = ["%d.%04d" % (1 + i % 5, 1000 + 37 * i) for i in range(20)]   # USD per hour, 4 decimals
R_UNITS = [int(r.replace(".", "")) for r in RATES]                   # rate * 10^4
start = datetime(2027, 1, 1, tzinfo=timezone.utc)
HOURS = 24 * 59                     # January and February
per_hour = max(1, rows // HOURS)
out = sys.stdout
w = out.write
if kind == "narrow":
    w("at,sku,qty\n")
else:
    w("BillingAccountId,BillingAccountName,BillingAccountType,SubAccountId,SubAccountName,SubAccountType,"
      "BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,"
      "ChargeDescription,ChargeFrequency,Provider,Publisher,InvoiceIssuer,InvoiceId,ServiceName,ServiceCategory,"
      "ServiceSubcategory,RegionId,RegionName,AvailabilityZone,ResourceId,ResourceName,ResourceType,SkuId,"
      "SkuPriceId,SkuMeter,PricingCategory,PricingQuantity,PricingUnit,ConsumedQuantity,ConsumedUnit,"
      "ListUnitPrice,ContractedUnitPrice,BilledCost,EffectiveCost,ListCost,ContractedCost,BillingCurrency,"
      "PricingCurrency,CommitmentDiscountId,CommitmentDiscountType,CommitmentDiscountStatus,Tags\n")

# A FOCUS row is HEAD[k] + resource id + ",trainer-node-NNNNN," + MID[k] + qty + ",Hours," +
# qty + TAIL1[k] + cost x4 + TAIL2[k]; HEAD[k] holds the hour's two timestamps.
MID = ["Virtual Machine,%s,%s-ondemand-us-east-1,Accelerated compute,Standard," % (s, s) for s in SKUS]
TAIL1 = [",Hours,%s,%s," % (r, r) for r in RATES]
TAIL2 = [",USD,USD,,,,"
         "\"{\"\"team\"\": \"\"research\"\", \"\"project\"\": \"\"frontier-model-%d\"\", \"\"env\"\": \"\"prod\"\", "
         "\"\"cost-center\"\": \"\"cc-%04d\"\", \"\"owner\"\": \"\"ml-platform@example.com\"\", "
         "\"\"cluster\"\": \"\"train-%02d\"\", \"\"scheduler\"\": \"\"slurm\"\", \"\"queue\"\": \"\"priority-high\"\"}\"\n"
         % (k % 7, 1000 + k, k) for k in range(20)]
RES = "arn:aws:ec2:us-east-1:123456789012:instance/i-%017x,trainer-node-%05d,"

def head(k, s0, s1):
    return ("123456789012,Example Research Lab,Enterprise,210987654321,training-cluster-%d,Linked Account,"
            "2027-01-01T00:00:00Z,2027-02-01T00:00:00Z,%s,%s,Usage,,"
            "%s accelerated instance hours in US East (N. Virginia) for distributed training workloads,Usage-Based,"
            "Example Cloud,Example Cloud,Example Cloud Inc.,INV-2027-000%d,Elastic Compute,Compute,Virtual Machines,"
            "us-east-1,US East (N. Virginia),us-east-1a," % (k % 3, s0, s1, SKUS[k], k % 4))

randrange, getrandbits = rnd.randrange, rnd.getrandbits
i = 0
for h in range(HOURS):
    n = min(per_hour, rows - i) if h < HOURS - 1 else rows - i      # the last hour takes the remainder
    if n <= 0:
        break
    t0 = start + timedelta(hours=h)
    s0 = t0.strftime("%Y-%m-%dT%H:%M:%SZ")
    s1 = (t0 + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = []
    add = buf.append
    if kind == "narrow":
        for _ in range(n):
            k = randrange(20)
            add("%s,%s,%d.%06d\n" % (s0, SKUS[k], randrange(64), randrange(1000000)))
    else:
        HEAD = [head(k, s0, s1) for k in range(20)]
        for j in range(i, i + n):
            k = randrange(20)
            a, b = randrange(64), randrange(1000000)
            qty = "%d.%06d" % (a, b)
            # the cost is the quantity times the rate, to 10 decimals (exact in decimal)
            cost = "%d.%010d" % divmod((a * 1000000 + b) * R_UNITS[k], 10**10)
            add("".join((HEAD[k], RES % (getrandbits(68), j % 100000), MID[k], qty, ",Hours,", qty,
                         TAIL1[k], cost, ",", cost, ",", cost, ",", cost, TAIL2[k])))
    w("".join(buf))
    i += n
