"""Small FOCUS files written by the recommendation tests, and a copy of the session demo workspace.

Each synthetic resource is named after what it proves (``app-07-data``: a volume whose instance stopped).
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from balise.services.ingest import ingest
from balise.services.workspace import Workspace, open_workspace

COLUMNS = ("BillingAccountId", "SubAccountId", "SubAccountName", "BillingCurrency", "BilledCost", "EffectiveCost",
           "ListCost", "ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ProviderName", "ResourceId",
           "ResourceName", "ResourceType", "ServiceName", "ServiceCategory", "SkuId", "ChargeDescription",
           "ConsumedQuantity", "ConsumedUnit", "PricingCategory", "RegionId", "Tags")


def days(first: date, last: date, *, skip: tuple[date, ...] = ()) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1) if first + timedelta(days=i) not in skip]


def daily(resource_id: str, name: str | None, rtype: str | None, when: list[date], cost: float,
          quantity: float | None, unit: str | None, *, provider: str = "AWS", currency: str = "EUR",
          service: str = "Amazon Elastic Compute Cloud", category: str = "Compute", sku: str = "",
          description: str = "", tags: str | None = '{"team":"web","owner":"alice@example.com"}',
          account: str = "111122223333") -> list[dict[str, Any]]:
    """One Usage row per day for one resource."""
    return [{"BillingAccountId": account, "SubAccountId": account, "SubAccountName": "test-account",
             "BillingCurrency": currency, "BilledCost": cost, "EffectiveCost": cost, "ListCost": cost,
             "ChargeCategory": "Usage", "ChargePeriodStart": f"{d.isoformat()}T00:00:00Z",
             "ChargePeriodEnd": f"{(d + timedelta(days=1)).isoformat()}T00:00:00Z", "ProviderName": provider,
             "ResourceId": resource_id, "ResourceName": name or "", "ResourceType": rtype or "",
             "ServiceName": service, "ServiceCategory": category, "SkuId": sku, "ChargeDescription": description,
             "ConsumedQuantity": "" if quantity is None else quantity, "ConsumedUnit": unit or "",
             "PricingCategory": "Standard", "RegionId": "eu-west-3", "Tags": tags or ""} for d in when]


def write_focus(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def tenant_with(tmp_path: Path, rows: list[dict[str, Any]], tenant: str = "t") -> Workspace:
    """A fresh workspace (SQLite) whose tenant ``tenant`` holds exactly ``rows``."""
    ws = open_workspace(tmp_path / "ws")
    ingest(ws, [write_focus(tmp_path / "bill.csv", rows)], tenant)
    return ws


def copy_workspace(ws: Workspace, dest: Path) -> Workspace:
    """A copy of a SQLite workspace (state database and lake), so a test may add to it."""
    shutil.copytree(ws.home, dest, ignore=shutil.ignore_patterns("tmp"))
    return open_workspace(dest, f"sqlite:///{dest / 'balise.db'}")
