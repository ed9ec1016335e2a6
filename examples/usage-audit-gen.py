#!/usr/bin/env python3
"""Writes examples/usage-audit.csv: two months (January and February 2027) of a GPU
cloud's usage export in FOCUS 1.2 columns, one row per SKU and day, as a provider's
billing export is shaped. Deterministic (no randomness): run it again and the file is the
same byte for byte.

What the provider billed differs from the contract in usage-audit.outlay on purpose, so
that the audit has something to find:
  - NVIDIA-H100-80GB on 2027-01-10 .. 12 is billed at 2.15 USD per GPU-hour, not 2.10;
  - Internet-Egress is billed at 0.09 USD/GB flat: the contract's cheaper tier above
    10 TB a month is not applied;
  - Block-Storage-SSD rows are rounded to the cent row by row.
The tax rows (ChargeCategory Tax, no SKU) are left out by the example's filter.

Usage: python3 examples/usage-audit-gen.py [OUT.csv]"""
import csv
import datetime
import sys
from fractions import Fraction as F

COLUMNS = ['BillingAccountId', 'BillingCurrency', 'ChargePeriodStart', 'ChargePeriodEnd', 'ChargeCategory',
           'ServiceName', 'RegionId', 'SkuId', 'PricingQuantity', 'PricingUnit', 'ListCost', 'BilledCost', 'Tags']
LIST_H100 = F('6.88')            # list price per GPU-hour (the stdlib's aws_h100_8x_hourly / 8)
STORAGE_GB = 50000               # provisioned, all days
STORAGE_RATE = F('0.02') / 730   # USD per GB-hour (0.02 USD per GB-month of 730 hours)


def cents(x):
    """Half-even to the cent, as a string with two decimals."""
    q = round(F(x) * 100)        # Python rounds a Fraction half to even
    sign = '-' if q < 0 else ''
    q = abs(q)
    return f'{sign}{q // 100}.{q % 100:02d}'


def decimal(x):
    """A non-negative quantity with at most six decimals, written exactly."""
    x = F(x)
    assert x >= 0 and 10**6 % x.denominator == 0
    n = x.numerator * (10**6 // x.denominator)
    return f'{n // 10**6}.{n % 10**6:06d}'.rstrip('0').rstrip('.')


def rows():
    day = datetime.date(2027, 1, 1)
    while day < datetime.date(2027, 3, 1):
        start = f'{day}T00:00:00Z'
        end = f'{day + datetime.timedelta(days=1)}T00:00:00Z'
        weekend = day.weekday() >= 5
        gpus = 48 if weekend else 64
        gpu_hours = gpus * 24
        rate = F('2.15') if datetime.date(2027, 1, 10) <= day <= datetime.date(2027, 1, 12) else F('2.10')
        base = dict(BillingAccountId='lab-0042', BillingCurrency='USD', ChargePeriodStart=start, ChargePeriodEnd=end,
                    ChargeCategory='Usage', RegionId='us-east-1')
        yield dict(base, ServiceName='GPU Compute', SkuId='NVIDIA-H100-80GB', PricingQuantity=str(gpu_hours),
                   PricingUnit='Hours', ListCost=cents(gpu_hours * LIST_H100), BilledCost=cents(gpu_hours * rate),
                   Tags='{"team": "pretraining"}')
        gb_hours = STORAGE_GB * 24
        yield dict(base, ServiceName='Block Storage', SkuId='Block-Storage-SSD', PricingQuantity=str(gb_hours),
                   PricingUnit='GB-Hours', ListCost=cents(gb_hours * F('0.025') / 730),
                   BilledCost=cents(gb_hours * STORAGE_RATE), Tags='{"team": "pretraining"}')
        egress_gb = F(1200 + (day.toordinal() * 37) % 500) + F(day.day % 4, 4)
        yield dict(base, ServiceName='Networking', SkuId='Internet-Egress', PricingQuantity=decimal(egress_gb),
                   PricingUnit='GB', ListCost=cents(egress_gb * F('0.09')), BilledCost=cents(egress_gb * F('0.09')),
                   Tags='{"team": "serving"}')
        if day.day == 1:
            yield dict(base, ChargeCategory='Tax', ServiceName='Tax', SkuId='', PricingQuantity='', PricingUnit='',
                       ListCost='1250.00', BilledCost='1250.00', Tags='')
        day += datetime.timedelta(days=1)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else __file__.replace('-gen.py', '.csv')
    with open(out, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator='\r\n')
        w.writeheader()
        for r in rows():
            w.writerow(r)


main()
