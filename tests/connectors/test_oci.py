"""OCI: the real cost report sample, and a copy of it given a correction row and overage values.
Native totals are computed here with Python's csv module, never by the connector."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from balise import connectors
from balise.connectors.base import Header

REAL = "focus/provider-native/oci/reports_cost-csv_0000000030000269.csv"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _sums(rows: list[dict[str, str]], column: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in rows:
        if r[column]:
            out[r["cost/currencyCode"]] = out.get(r["cost/currencyCode"], 0.0) + float(r[column])
    return out


def _assert_billed(staged, rows: list[dict[str, str]]) -> None:
    native = _sums(rows, "cost/myCost")
    assert set(staged.totals) == set(native)
    for cur, total in native.items():
        for metric in ("billed", "effective", "contracted"):
            assert round(staged.totals[cur][metric], 2) == round(total, 2), (metric, cur)
            assert staged.totals[cur][metric] == pytest.approx(total, abs=1e-12), (metric, cur)


def test_real_cost_report_is_detected_and_its_money_kept_to_the_cent(shared_data: Path, convert) -> None:
    path = shared_data / REAL
    header, rows = _read(path)
    assert [c.name for c in connectors.REGISTRY.values() if c.detect(Header(header))] == ["oci"]
    staged, rel = convert(path)  # no --format: detection
    assert staged.connector.name == "oci"
    assert staged.rows == len(rows) == 506
    _assert_billed(staged, rows)
    assert round(staged.totals["USD"]["billed"], 2) == 2.52
    # no billing period in the report: the month of the usage start
    assert staged.periods == ["2023-11"]
    starts = sorted({datetime.fromisoformat(r["lineItem/intervalUsageStart"]).replace(tzinfo=None) for r in rows})
    assert rel.aggregate("min(ChargePeriodStart), max(ChargePeriodStart)").fetchall() == [(starts[0], starts[-1])]
    assert rel.aggregate("min(BillingPeriodStart), max(BillingPeriodEnd)").fetchall() == [
        (datetime(2023, 11, 1), datetime(2023, 12, 1))]
    by_service = dict(rel.aggregate("ServiceName, any_value(ServiceCategory)", "ServiceName").fetchall())
    assert by_service == {"TELEMETRY": "Management and Governance", "COMPUTE": "Compute", "DATABASE": "Databases",
                          "MYSQL": "Databases", "NETWORK": "Networking", "BLOCK_STORAGE": "Storage",
                          "ORACLE_STREAMING_SERVICE": "Integration", "OBJECTSTORE": "Storage"}
    assert rel.aggregate("ChargeCategory, ChargeClass, count(*)", "ChargeCategory, ChargeClass").fetchall() == [
        ("Usage", None, 506)]
    types = Counter(t for (t,) in rel.select("ResourceType").fetchall())
    assert types["autonomousdatabase"] == 74 and types["instance"] == 48 and types[None] > 0


def test_real_cost_report_tags_lose_the_tags_prefix_only(shared_data: Path, convert) -> None:
    path = shared_data / REAL
    _, rows = _read(path)
    expected = Counter(
        frozenset((k[len("tags/"):], v) for k, v in r.items() if k.startswith("tags/") and v) or None
        for r in rows)
    _, rel = convert(path)
    got = Counter(frozenset(json.loads(t).items()) if t else None for (t,) in rel.select("Tags").fetchall())
    assert got == expected
    keys = {k for (t,) in rel.select("Tags").fetchall() if t for k in json.loads(t)}
    assert {"Oracle-Tags.CreatedBy", "Valtest.Cat", "DevRel\\redbull-analytics-hol-4cb4.release"} <= keys


def test_overage_is_not_added_twice_and_corrections_are_flagged(shared_data: Path, convert, tmp_path: Path) -> None:
    """Oracle: myCost already includes overage. A correction row points back to the line it corrects."""
    header, rows = _read(shared_data / REAL)
    rows = rows[:20]
    over = max(rows[1:], key=lambda r: float(r["cost/myCost"]))
    over["cost/overageFlag"] = "true"
    over["usage/billedQuantityOverage"] = over["usage/billedQuantity"]
    over["cost/unitPriceOverage"] = over["cost/unitPrice"]
    over["cost/myCostOverage"] = over["cost/myCost"]
    fix = dict(rows[0], **{"lineItem/referenceNo": "c0rrect10n0000000000000000000001", "lineItem/isCorrection": "true",
                           "lineItem/backreferenceNo": rows[0]["lineItem/referenceNo"],
                           "cost/myCost": "-" + rows[0]["cost/myCost"]})
    rows.append(fix)
    path = tmp_path / "reports_cost-csv_0000000000000001.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    staged, rel = convert(path)
    _assert_billed(staged, rows)
    with_overage_added = sum(_sums(rows, "cost/myCost").values()) + float(over["cost/myCostOverage"])
    assert staged.totals["USD"]["billed"] != pytest.approx(with_overage_added, abs=1e-12)
    corrections = rel.filter("ChargeClass = 'Correction'").select("ChargeCategory, BilledCost").fetchall()
    assert corrections == [("Usage", -float(rows[0]["cost/myCost"]))]
