"""Google Cloud Billing export to BigQuery (standard usage cost), as JSON lines and as a flattened CSV, and
Google's FOCUS BigQuery view.

The fixtures under fixtures/gcp/ are hand-written from Google's published schema (no real GCP export is
available): one billing account, two projects, March 2026 in EUR, with sustained-use, committed-use (resource
and spend based), free-tier and promotion credits, tax, an adjustment, a rounding error, a Marketplace line and
a charge that belongs to the February invoice. Native totals are computed here with json/csv, independently.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from balise import connectors
from balise.connectors.base import Header

FIXTURES = Path(__file__).parent / "fixtures" / "gcp"
JSONL = FIXTURES / "standard-usage-2026-03.jsonl"
CSV = FIXTURES / "standard-usage-2026-03.csv"


def _records() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]


def _csv_rows(path: Path = CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _invoice(records: list[dict], key=lambda r: r["currency"]) -> dict[str, float]:
    """Google's invoice math: cost plus the (negative) credits of each row."""
    out: dict[str, float] = defaultdict(float)
    for r in records:
        out[key(r)] += r["cost"] + sum(c["amount"] for c in r.get("credits", []))
    return {k: round(v, 2) for k, v in out.items()}


def _metric(staged, metric: str) -> dict[str, float]:
    return {cur: round(t[metric], 2) for cur, t in staged.totals.items()}


@pytest.mark.parametrize("path", [JSONL, CSV])
def test_billed_total_is_cost_plus_credits_to_the_cent(convert, path: Path) -> None:
    staged, _ = convert(path)
    records = _records()
    assert staged.connector.name == "gcp-billing"
    assert staged.rows == len(records)
    native = _invoice(records)
    assert _metric(staged, "billed") == native == _metric(staged, "effective")
    gross = round(sum(r["cost"] for r in records), 2)
    assert _metric(staged, "contracted") == {"EUR": gross}
    assert native["EUR"] < gross  # the credits do lower the bill
    listed = round(sum(r.get("cost_at_list", r["cost"]) for r in records), 2)
    assert _metric(staged, "list") == {"EUR": listed}


def test_csv_totals_computed_from_the_csv_itself(convert) -> None:
    staged, _ = convert(CSV)
    billed = sum(float(r["cost"]) + sum(c["amount"] for c in json.loads(r["credits"])) for r in _csv_rows())
    assert _metric(staged, "billed") == {"EUR": round(billed, 2)}


def test_billing_period_is_the_invoice_month(convert) -> None:
    staged, rel = convert(JSONL)
    by_month = _invoice(_records(), key=lambda r: r["invoice"]["month"])
    assert {p.period: round(p.totals["EUR"]["billed"], 2) for p in staged.partitions} == {
        "2026-02": by_month["202602"], "2026-03": by_month["202603"]}
    (start, end, charge), = rel.filter("BillingPeriodStart < DATE '2026-03-01'").select(
        "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart").fetchall()
    assert (start.month, end.month, charge.month, charge.hour) == (2, 3, 3, 7)


@pytest.mark.parametrize("path", [JSONL, CSV])
def test_charge_categories_and_corrections(convert, path: Path) -> None:
    _, rel = convert(path)
    got = dict(rel.aggregate("ChargeCategory, round(sum(BilledCost), 2)", "ChargeCategory").fetchall())
    records = _records()
    expected = _invoice(records, key=lambda r: {"regular": "Usage", "tax": "Tax"}.get(r["cost_type"], "Adjustment"))
    assert got == expected
    (cls, desc), = rel.filter("ChargeClass = 'Correction'").select("ChargeClass", "ChargeDescription").fetchall()
    assert cls == "Correction" and desc.startswith("Cloud SQL")


def test_commitments_and_prices(convert) -> None:
    _, rel = convert(JSONL)
    cuds = rel.filter("CommitmentDiscountCategory IS NOT NULL").select(
        "CommitmentDiscountCategory", "CommitmentDiscountId", "PricingCategory", "BilledCost").fetchall()
    assert sorted(c[0] for c in cuds) == ["Spend", "Spend", "Usage"]
    assert ("Usage", "2345678901234567", "Committed", pytest.approx(4.8864 - 3.054)) in cuds
    fee, = rel.filter("ChargeDescription LIKE 'Commitment v1%'").select(
        "ChargeFrequency", "PricingCategory", "BilledCost").fetchall()
    assert fee == ("Recurring", "Committed", 3.054)
    promo, = rel.filter("ServiceName = 'BigQuery'").select("BilledCost", "ListCost", "RegionName").fetchall()
    assert promo == (0.0, 6.25, "US")  # fully paid by a promotion credit; a multi-region location
    market, = rel.filter("PublisherName <> 'Google Cloud'").select("PublisherName", "ServiceCategory").fetchall()
    assert market == ("Elasticsearch B.V.", "Other")


@pytest.mark.parametrize("path", [JSONL, CSV])
def test_columns_from_nested_or_flattened_records(convert, path: Path) -> None:
    _, rel = convert(path)
    row = dict(zip(rel.columns, rel.filter("SkuId = 'D9D2-3DD4-1B5C' AND ChargeCategory = 'Usage'")
                   .order("ChargePeriodStart").fetchall()[0], strict=True))
    assert row["ServiceName"] == "Cloud SQL" and row["ServiceCategory"] == "Databases"
    assert (row["RegionId"], row["RegionName"]) == ("europe-west1", "Belgium")
    assert (row["SubAccountId"], row["SubAccountName"]) == ("donnees-clients-7f3a", "Donnees Clients")
    assert (row["BillingAccountId"], row["ProviderName"]) == ("01A2B3-C4D5E6-F7A8B9", "Google Cloud")
    assert (row["ConsumedQuantity"], row["ConsumedUnit"]) == (86400.0, "seconds")
    assert (row["PricingQuantity"], row["PricingUnit"]) == (24.0, "hour")
    assert row["ChargePeriodEnd"].day - row["ChargePeriodStart"].day == 1
    zone, = rel.filter("ServiceName = 'Compute Engine' AND AvailabilityZone IS NOT NULL").aggregate(
        "any_value(AvailabilityZone)").fetchall()[0]
    assert zone == "europe-west9-a"


@pytest.mark.parametrize("path", [JSONL, CSV])
def test_labels_system_labels_and_project_labels_become_tags(convert, path: Path) -> None:
    _, rel = convert(path)
    tags = [json.loads(t) if t else None for (t,) in rel.order("ChargePeriodStart, SkuId, BilledCost")
            .select("Tags").fetchall()]
    gke = next(t for t in tags if t and "goog-k8s-cluster-name" in t and "Env" in t)
    assert gke["goog-k8s-cluster-name"] == "gke-donnees"  # provider labels keep their goog- keys
    assert (gke["env"], gke["Env"]) == ("recette", "Recette")  # key case kept as written
    assert gke["équipe"] == "données"  # inherited from the project
    storage = next(t for t in tags if t and "classification" in t)
    assert storage["classification"] == "comptabilité" and "env" not in storage  # empty value dropped
    vm = next(t for t in tags if t and t.get("app") == "site-vitrine" and "compute.googleapis.com/cores" in t)
    assert vm["env"] == "prod"  # the resource label wins over the project label of the same key


def test_flattened_csv_with_dotted_headers(convert, tmp_path: Path) -> None:
    """`SELECT service.description` exported as-is gives dotted names: the same columns, the same money."""
    rows = _csv_rows()
    dotted = {n: n.replace("_", ".", 1) for n in rows[0] if n.split("_", 1)[0] in
              ("service", "sku", "project", "location", "usage", "invoice")
              and n not in ("usage_start_time", "usage_end_time")}
    dotted["adjustment_info_description"] = "adjustment_info.description"
    path = tmp_path / "dotted.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([dotted.get(n, n) for n in rows[0]])
        w.writerows(r.values() for r in rows)
    staged, rel = convert(path)
    assert staged.connector.name == "gcp-billing"
    assert _metric(staged, "billed") == _invoice(_records())
    assert staged.periods == ["2026-02", "2026-03"]
    assert rel.filter("ServiceName = 'Cloud SQL'").aggregate("count(*)").fetchall()[0][0] == 4


def test_jsonl_without_any_credit_or_label(convert, tmp_path: Path) -> None:
    """BigQuery leaves out null fields: a file where no row has credits, labels or a zone still reads."""
    records = [r for r in _records() if not r["credits"] and not r["labels"]]
    for r in records:
        r.pop("credits")
        r["location"].pop("zone", None)
    path = tmp_path / "bare.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    staged, rel = convert(path)
    assert staged.rows == len(records) >= 5
    assert _metric(staged, "billed") == _invoice(records)
    assert rel.filter("AvailabilityZone IS NOT NULL").aggregate("count(*)").fetchall()[0][0] == 0


def test_skip_bad_rows_rejects_nothing_on_a_clean_csv(convert, tmp_path: Path) -> None:
    """The row-by-row diagnosis reads BigQuery's "2026-03-02 00:00:00 UTC" as the fast path does."""
    staged, _ = convert(CSV, skip_bad_rows=True)
    assert staged.rejected == [] and staged.rows == len(_records())
    rows = _csv_rows()
    rows[3]["usage_start_time"] = "2026-03-32 00:00:00 UTC"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    staged, _ = convert(path, skip_bad_rows=True)
    assert [(r.problem.line, r.problem.column) for r in staged.rejected] == [(5, "usage_start_time")]
    assert staged.rows == len(rows) - 1


def test_detection_is_unambiguous() -> None:
    for header in (list(_records()[0]), list(_csv_rows()[0])):
        assert [c.name for c in connectors.REGISTRY.values() if c.detect(Header(header))] == ["gcp-billing"]


def test_gcp_focus_view_is_read_by_focus(convert) -> None:
    path = FIXTURES / "focus-view-2026-03.jsonl"
    staged, _ = convert(path)
    assert staged.connector.name == "focus"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert _metric(staged, "billed") == {"EUR": round(sum(r["BilledCost"] for r in rows), 2)}
    assert {p.provider for p in staged.partitions} == {"gcp"}


def test_csv_with_summed_credits_or_without_credits(convert, tmp_path: Path) -> None:
    """A query may sum the credits itself (`(SELECT SUM(amount) FROM UNNEST(credits)) AS credits_amount`)."""
    rows = _csv_rows()
    summed = [{**{k: v for k, v in r.items() if k != "credits"},
               "credits_amount": repr(sum(c["amount"] for c in json.loads(r["credits"])))} for r in rows]
    bare = [{k: v for k, v in r.items() if k != "credits"} for r in rows]
    for name, data, expected in [("summed.csv", summed, _invoice(_records())),
                                 ("bare.csv", bare, {"EUR": round(sum(float(r["cost"]) for r in rows), 2)})]:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(data[0]))
            w.writeheader()
            w.writerows(data)
        staged, _ = convert(path)
        assert _metric(staged, "billed") == expected, name
