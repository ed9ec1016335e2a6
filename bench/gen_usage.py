#!/usr/bin/env python3
"""Usage benchmark data: N hourly rows over 20 SKUs, either narrow (timestamp, SKU,
quantity: about 40 bytes a row) or full FOCUS 1.2 rows (about 1 KB: every column a
provider export fills, a quoted JSON Tags cell). Deterministic for a given N.
    gen_usage.py narrow|focus ROWS > FILE"""
import random
import sys
from datetime import datetime, timedelta, timezone

kind, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(9)
SKUS = ["sku%02d" % i for i in range(20)]
RATES = ["%d.%04d" % (1 + i % 5, 1000 + 37 * i) for i in range(20)]   # USD per hour, 4 decimals
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
stamps = {}
for i in range(rows):
    h = min(i // per_hour, HOURS - 1)
    if h not in stamps:
        t0 = start + timedelta(hours=h)
        stamps[h] = (t0.strftime("%Y-%m-%dT%H:%M:%SZ"), (t0 + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    s0, s1 = stamps[h]
    k = rnd.randrange(20)
    qty = "%d.%06d" % (rnd.randrange(64), rnd.randrange(1000000))
    if kind == "narrow":
        w("%s,%s,%s\n" % (s0, SKUS[k], qty))
        continue
    # the cost is the quantity times the rate, to 10 decimals (exact in decimal)
    q_units = int(qty.replace(".", ""))                  # qty * 10^6
    r_units = int(RATES[k].replace(".", ""))             # rate * 10^4
    cost_units = q_units * r_units                       # cost * 10^10
    cost = "%d.%010d" % divmod(cost_units, 10**10)
    res = "arn:aws:ec2:us-east-1:123456789012:instance/i-%017x" % rnd.getrandbits(68)
    w("123456789012,Example Research Lab,Enterprise,210987654321,training-cluster-%d,Linked Account,"
      "2027-01-01T00:00:00Z,2027-02-01T00:00:00Z,%s,%s,Usage,,"
      "%s accelerated instance hours in US East (N. Virginia) for distributed training workloads,Usage-Based,"
      "Example Cloud,Example Cloud,Example Cloud Inc.,INV-2027-000%d,Elastic Compute,Compute,Virtual Machines,"
      "us-east-1,US East (N. Virginia),us-east-1a,%s,trainer-node-%05d,Virtual Machine,%s,"
      "%s-ondemand-us-east-1,Accelerated compute,Standard,%s,Hours,%s,Hours,"
      "%s,%s,%s,%s,%s,%s,USD,USD,,,,"
      "\"{\"\"team\"\": \"\"research\"\", \"\"project\"\": \"\"frontier-model-%d\"\", \"\"env\"\": \"\"prod\"\", "
      "\"\"cost-center\"\": \"\"cc-%04d\"\", \"\"owner\"\": \"\"ml-platform@example.com\"\", "
      "\"\"cluster\"\": \"\"train-%02d\"\", \"\"scheduler\"\": \"\"slurm\"\", \"\"queue\"\": \"\"priority-high\"\"}\"\n"
      % (k % 3, s0, s1, SKUS[k], k % 4, res, i % 100000, SKUS[k], SKUS[k], qty, qty,
         RATES[k], RATES[k], cost, cost, cost, cost, k % 7, 1000 + k, k))
