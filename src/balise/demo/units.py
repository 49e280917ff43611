"""Business volumes of the demo company: the HTTP requests its shop and its appointment SaaS served each month.

Deterministic (no randomness): 38 million requests in November 2025, +2 % a month, December +25 % (the
Christmas season), written as the CSV ``balise units import`` reads (``month,unit,quantity``). They make the
unit-cost and carbon-per-unit KPIs live on the demo: € per request and kgCO2e per request.
"""

from __future__ import annotations

import csv
from pathlib import Path

UNIT = "requests"
FIRST_MONTH = "2025-11"
BASE = 38_000_000
GROWTH = 0.02
SEASON = {12: 1.25}


def monthly_requests(months: int = 12, first_month: str = FIRST_MONTH) -> dict[str, int]:
    year, month = int(first_month[:4]), int(first_month[5:])
    out: dict[str, int] = {}
    for k in range(months):
        y, m = divmod(month - 1 + k, 12)
        mon = m + 1
        out[f"{year + y:04d}-{mon:02d}"] = round(BASE * (1 + GROWTH) ** k * SEASON.get(mon, 1.0))
    return out


def write_csv(path: Path, months: int = 12, first_month: str = FIRST_MONTH) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["month", "unit", "quantity"])
        for month, qty in monthly_requests(months, first_month).items():
            w.writerow([month, UNIT, qty])
    return path
