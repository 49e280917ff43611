"""Azure cost details (EA and MCA, actual and amortized cost) and the Azure FOCUS export.

The fixtures under fixtures/azure/ are hand-written from Microsoft's published schemas (no real Azure export
is available): one EA enrollment and one MCA account (two billing profiles, EUR and USD) for March 2026, each
month written twice, as the actual-cost and the amortized-cost dataset would show it. Native totals are
computed here with the csv module, independently of the connector.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from balise import connectors
from balise.connectors.base import Header

FIXTURES = Path(__file__).parent / "fixtures" / "azure"
COMMITMENT = {"reservation", "savingsplan"}
COVERED = {"usage", "unusedreservation", "unusedsavingsplan"}


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _get(row: dict[str, str], name: str) -> str:
    """A value by column name, ignoring case (EA and MCA spell the same columns differently)."""
    return next(v for k, v in row.items() if k.lower() == name.lower())


def _currency(row: dict[str, str]) -> str:
    return row.get("BillingCurrencyCode") or row["billingCurrency"]


def _cents(sums: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in sums.items()}


def _native(name: str, keep=lambda row: True, value=lambda row: float(_get(row, "CostInBillingCurrency"))):
    out: dict[str, float] = defaultdict(float)
    for row in _rows(name):
        if keep(row):
            out[_currency(row)] += value(row)
    return dict(out)


def _covered(row: dict[str, str]) -> bool:
    """Usage paid by a reservation or savings plan (and its unused part): billed on the purchase, not here."""
    model = _get(row, "PricingModel").replace(" ", "").lower()
    return model in COMMITMENT and _get(row, "ChargeType").lower() in COVERED


def _commitment_purchase(row: dict[str, str]) -> bool:
    model = _get(row, "PricingModel").replace(" ", "").lower()
    return model in COMMITMENT and _get(row, "ChargeType") in ("Purchase", "Refund")


def _metric(staged, metric: str) -> dict[str, float]:
    return _cents({cur: t[metric] for cur, t in staged.totals.items()})


@pytest.mark.parametrize(("name", "fmt"), [
    ("ea-actual-2026-03.csv", "azure-ea"), ("ea-amortized-2026-03.csv", "azure-ea"),
    ("mca-actual-2026-03.csv", "azure-mca"), ("mca-amortized-2026-03.csv", "azure-mca"),
])
def test_detected_by_one_connector_only(name: str, fmt: str) -> None:
    header = Header(list(_rows(name)[0]))
    assert [c.name for c in connectors.REGISTRY.values() if c.detect(header)] == [fmt]


@pytest.mark.parametrize("name", ["ea-actual-2026-03.csv", "mca-actual-2026-03.csv"])
def test_actual_cost_billed_total_is_the_invoice_total_to_the_cent(convert, name: str) -> None:
    path = FIXTURES / name
    staged, _ = convert(path)
    native = _cents(_native(name))
    assert staged.rows == len(_rows(name))
    assert _metric(staged, "billed") == native
    # an actual-cost file cannot amortize: EffectiveCost is the same cash view
    assert _metric(staged, "effective") == native


@pytest.mark.parametrize("name", ["ea-amortized-2026-03.csv", "mca-amortized-2026-03.csv"])
def test_amortized_cost_is_effective_cost_and_billed_leaves_out_covered_usage(convert, name: str) -> None:
    staged, _ = convert(FIXTURES / name)
    assert _metric(staged, "effective") == _cents(_native(name))
    assert _metric(staged, "billed") == _cents(_native(name, keep=lambda r: not _covered(r)))
    assert _cents(_native(name, keep=_covered)) != {c: 0.0 for c in staged.totals}  # the fixture has some


@pytest.mark.parametrize("agreement", ["ea", "mca"])
def test_actual_minus_amortized_billed_is_the_commitment_purchases(convert, agreement: str) -> None:
    actual, _ = convert(FIXTURES / f"{agreement}-actual-2026-03.csv")
    amortized, _ = convert(FIXTURES / f"{agreement}-amortized-2026-03.csv")
    purchases = _native(f"{agreement}-actual-2026-03.csv", keep=_commitment_purchase)
    rounding = _native(f"{agreement}-actual-2026-03.csv", keep=lambda r: _get(r, "ChargeType") == "RoundingAdjustment")
    assert purchases["EUR"] > 100
    for cur, t in actual.totals.items():
        diff = t["billed"] - amortized.totals[cur]["billed"]
        assert round(diff, 2) == round(purchases.get(cur, 0.0) + rounding.get(cur, 0.0), 2), cur


def test_ea_list_and_contracted_costs(convert) -> None:
    name = "ea-actual-2026-03.csv"
    staged, _ = convert(FIXTURES / name)

    def priced(row: dict[str, str], column: str) -> float:
        if row["ChargeType"] in ("Purchase", "Refund"):
            return float(row["CostInBillingCurrency"])
        return float(row[column]) * float(row["Quantity"])

    assert _metric(staged, "list") == _cents(_native(name, value=lambda r: priced(r, "PayGPrice")))
    assert _metric(staged, "contracted") == _cents(_native(name, value=lambda r: priced(r, "UnitPrice")))


def test_mca_list_cost_is_payg_cost_in_billing_currency(convert) -> None:
    name = "mca-amortized-2026-03.csv"
    staged, _ = convert(FIXTURES / name)
    native = _native(name, value=lambda r: float(r["costInBillingCurrency"] if r["chargeType"] == "Purchase"
                                                 else r["paygCostInBillingCurrency"]))
    assert _metric(staged, "list") == _cents(native)
    assert set(staged.totals) == {"EUR", "USD"}
    assert {p.account for p in staged.partitions} == {"QWER-TYUI-OPA-SDF", "ZXCV-BNMA-SDF-GHJ"}


def test_ea_columns(convert) -> None:
    _, rel = convert(FIXTURES / "ea-actual-2026-03.csv")
    first, last, end = rel.aggregate("min(ChargePeriodStart), max(ChargePeriodStart), max(BillingPeriodEnd)"
                                     ).fetchall()[0]
    assert (first.day, last.day, end.month, end.day) == (1, 21, 4, 1)  # MM/DD/YYYY read as month first
    row = rel.filter("ResourceName = 'db-factures'").order("ChargePeriodStart").fetchall()
    cols = rel.columns
    sql = dict(zip(cols, row[0], strict=True))
    assert sql["ResourceType"] == "Microsoft.Sql/servers/databases"
    assert sql["ServiceCategory"] == "Databases" and sql["ServiceName"] == "SQL Database"
    assert sql["SubAccountName"] == "Données & Analytique"
    assert sql["SubAccountId"] == "/subscriptions/b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a02"
    assert "/resourceGroups/rg-données-clients/" in sql["ResourceId"]
    assert (sql["RegionId"], sql["RegionName"]) == ("francecentral", "France Central")
    assert (sql["ProviderName"], sql["PublisherName"], sql["InvoiceIssuerName"]) == ("Microsoft",) * 3
    assert (sql["ChargeFrequency"], sql["PricingCategory"]) == ("Usage-Based", "Standard")
    categories = dict(rel.aggregate("ChargeCategory, count(*)", "ChargeCategory").fetchall())
    assert categories == {"Usage": 20, "Purchase": 4}
    refund = rel.filter("ChargeClass = 'Correction'").aggregate("sum(BilledCost), count(*)").fetchall()[0]
    assert (round(refund[0], 2), refund[1]) == (-21.37, 1)
    market = rel.filter("PublisherName = 'Datadog Inc.'").aggregate("sum(BilledCost)").fetchall()[0][0]
    assert market == 31.0


def test_commitment_columns_in_amortized_cost(convert) -> None:
    _, rel = convert(FIXTURES / "ea-amortized-2026-03.csv")
    got = rel.aggregate("CommitmentDiscountType, CommitmentDiscountStatus, CommitmentDiscountCategory, count(*)",
                        "CommitmentDiscountType, CommitmentDiscountStatus, CommitmentDiscountCategory").fetchall()
    assert sorted(got, key=str) == sorted([
        ("Reservation", "Used", "Usage", 3), ("Reservation", "Unused", "Usage", 2),
        ("Savings Plan", "Used", "Spend", 2), ("Savings Plan", "Unused", "Spend", 1), (None, None, None, 16),
    ], key=str)
    ids = {r[0] for r in rel.filter("CommitmentDiscountType = 'Reservation'").select("CommitmentDiscountId")
           .fetchall()}
    assert len(ids) == 1 and "/microsoft.capacity/" in ids.pop().lower()
    spot = rel.filter("PricingCategory = 'Dynamic'").aggregate("count(*)").fetchall()[0][0]
    assert spot == 1


def test_tags_with_and_without_braces(convert) -> None:
    _, rel = convert(FIXTURES / "ea-actual-2026-03.csv")
    tags = {name: json.loads(t) if t else None for name, t in
            rel.select("ResourceName", "Tags").fetchall()}
    # EA writes "env": "prod","équipe": "web" (no outer braces)
    assert tags["vm-web-01"] == {"env": "prod", "équipe": "web", "centre-de-coût": "CC-1042"}
    assert tags["db-factures"] == {"env": "prod", "projet": "facturation"}  # the empty "owner" is dropped
    assert tags["aks-data"]["kubernetes.io-created-for-pvc-name"] == "data-pg-0"
    assert tags["law-prod"] is None


def test_unreadable_tags_are_null_not_an_error(convert, tmp_path: Path) -> None:
    rows = _rows("ea-actual-2026-03.csv")
    rows[0]["Tags"] = '"env": "prod", broken'
    path = tmp_path / "ea.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    staged, rel = convert(path)
    assert staged.rows == len(rows)
    untagged = sum(1 for r in rows if not r["Tags"])
    assert untagged >= 3
    assert rel.filter("Tags IS NULL").aggregate("count(*)").fetchall()[0][0] == untagged + 1


def test_skip_bad_rows_rejects_nothing_on_a_clean_file(convert) -> None:
    staged, _ = convert(FIXTURES / "ea-actual-2026-03.csv", skip_bad_rows=True)
    assert staged.rejected == [] and staged.rows == 24


def test_azure_focus_export_is_read_by_focus(convert) -> None:
    path = FIXTURES / "focuscost-1.0-2026-03.csv"
    staged, rel = convert(path)
    assert staged.connector.name == "focus"
    rows = _rows("focuscost-1.0-2026-03.csv")
    for metric, col in [("billed", "BilledCost"), ("effective", "EffectiveCost"), ("list", "ListCost")]:
        assert _metric(staged, metric) == {"EUR": round(sum(float(r[col]) for r in rows), 2)}
    assert {p.provider for p in staged.partitions} == {"azure"}
    assert rel.filter("ResourceName = 'db-factures'").select("Tags").fetchall() == [
        ('{"env":"prod","projet":"facturation"}',)]
