#!/usr/bin/env python3
"""Independent check of examples/walkthrough.outlay, the pricing issue's acceptance case.

Prices the contract from its description with exact fractions — 15 calendar months from
2026-12-01; GPUs 400,000 + 25,000 a month up to 650,000 at 2.10 USD per GPU-hour for every
hour of each month; 200 TB of egress on graduated tiers (first 100 GB free, to 10 TB at 0.09,
next 40 TB at 0.085, next 100 TB at 0.07, above at 0.05 USD/GB); 6 PB-month of storage at
0.018 USD/GB-month (the volume tier for 5 PB or more); rates x 1.03 from the first
anniversary; 5% off spend above 500 million a month; a 920 million minimum; SLA credits of
10% below 99.9% and 25% below 99.0% uptime on net; a 50 million credit pool; each invoice
rounded to the cent, half-even — then checks the totals against those the issue lists and
every cell of the invoice table in tests/golden/example_walkthrough.out."""
import os
import sys
from datetime import date
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outlay_check import add_months, check, failures, finish, invoice_display, money, read_invoice, round_to  # noqa: E402

ISSUE_TOTALS = {  # as printed in the issue, USD
    "2026-12": "870,000,000.00", "2027-01": "920,000,000.00", "2027-02": "920,000,000.00",
    "2027-03": "846,985,129.86", "2027-04": "920,000,000.00", "2027-05": "920,000,000.00",
    "2027-06": "920,000,000.00", "2027-07": "700,355,824.64", "2027-08": "920,000,000.00",
    "2027-09": "922,865,701.45", "2027-10": "989,897,701.45", "2027-11": "958,775,701.45",
    "2027-12": "1,018,844,632.49", "2028-01": "1,018,844,632.49", "2028-02": "954,733,312.49",
}
ISSUE_TERM = "13,801,302,636.32"

GB, TB, PB = 1, 1000, 1000 * 1000


def egress(q):
    """graduated: each tier priced on its own"""
    tiers = [(100 * GB, F(0)), (10 * TB, F("0.09")), (50 * TB, F("0.085")), (150 * TB, F("0.07")), (None, F("0.05"))]
    total, lo = F(0), 0
    for hi, rate in tiers:
        top = q if hi is None else min(q, hi)
        if top > lo:
            total += (top - lo) * rate
        if hi is None or q <= hi:
            break
        lo = hi
    return total


start = date(2026, 12, 1)
pool = F(50_000_000)
rows, term = {}, {}
for i in range(15):
    a, b = add_months(start, i), add_months(start, i + 1)
    hours = (b - a).days * 24
    esc = F(103, 100) ** (i // 12)
    gpus = min(400_000 + 25_000 * i, 650_000)
    uptime = F("99.5") if a == date(2027, 3, 1) else F("98.7") if a == date(2027, 7, 1) else F("99.95")
    gpu = gpus * hours * F("2.10") * esc
    egr = egress(200 * TB) * esc
    sto = 6 * PB * F("0.018") * esc
    gross = gpu + egr + sto
    discount = -F(5, 100) * max(F(0), gross - 500_000_000)
    net = gross + discount
    shortfall = max(F(0), 920_000_000 - net)
    sla = (F(25, 100) if uptime < 99 else F(10, 100) if uptime < F("99.9") else 0) * net
    due = net + shortfall - sla
    draw = min(pool, due)
    pool -= draw
    total = round_to(due - draw, F(1, 100))
    key = a.strftime("%Y-%m")
    rows[key] = {"gpu_hour": gpu, "egress": egr, "storage": sto, "Discounts": discount,
                 "Shortfall": shortfall, "SLA credit": sla, "Credit pool": draw, "Total": total}
    for k, v in rows[key].items():
        term[k] = term.get(k, 0) + v
    check(money(total) == ISSUE_TOTALS[key], "%s: computed %s, the issue says %s" % (key, money(total), ISSUE_TOTALS[key]))
check(money(term["Total"]) == ISSUE_TERM, "term: computed %s, the issue says %s" % (money(term["Total"]), ISSUE_TERM))
rows["Term"] = term
rows = invoice_display(rows)

shown, _ = read_invoice("example_walkthrough")
for key, want in rows.items():
    got = shown.get(key)
    if got is None:
        failures.append("row %s missing" % key)
        continue
    for col, v in want.items():
        text = money(v)
        if str(got.get(col, "")) != text and getattr(got.get(col), "text", None) != text:
            failures.append("%s %s: shown %s, expected %s" % (key, col, getattr(got.get(col), "text", got.get(col)), text))
if set(shown) != set(rows):
    failures.append("rows shown %s, expected %s" % (sorted(shown), sorted(rows)))
finish("walkthrough", "15 invoices and the term total %s USD as in the issue" % ISSUE_TERM)
