"""AWS: the real legacy CUR sample, the CUR 1 / CUR 2.0 fixtures (written from AWS's data dictionaries), the
AWS FOCUS export. Native totals are computed here with Python's csv module, never by the connector."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from balise import connectors
from balise.connectors.aws import cur2_name
from balise.connectors.base import Header

FIXTURES = Path(__file__).parent / "fixtures" / "aws"
LEGACY = FIXTURES / "cur-legacy-2025-03.csv"
CUR2 = FIXTURES / "cur2-2025-03.csv"
FOCUS_AWS = FIXTURES / "focus-1.0-aws-2025-03.csv"
REAL = "focus/provider-native/aws-cur/sample-anonymous-aws-export-dataset.csv"

# The native columns the checks read, in both spellings (CUR 2.0 names as printed in AWS's table dictionary).
NAMES = {
    "type": ("lineItem/LineItemType", "line_item_line_item_type"),
    "cost": ("lineItem/UnblendedCost", "line_item_unblended_cost"),
    "currency": ("lineItem/CurrencyCode", "line_item_currency_code"),
    "list": ("pricing/publicOnDemandCost", "pricing_public_on_demand_cost"),
    "product": ("product/ProductName", "product"),
    "ri_arn": ("reservation/ReservationARN", "reservation_reservation_a_r_n"),
    "ri_effective": ("reservation/EffectiveCost", "reservation_effective_cost"),
    "ri_unused_upfront": ("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
                          "reservation_unused_amortized_upfront_fee_for_billing_period"),
    "ri_unused_recurring": ("reservation/UnusedRecurringFee", "reservation_unused_recurring_fee"),
    "ri_upfront_period": ("reservation/AmortizedUpfrontFeeForBillingPeriod",
                          "reservation_amortized_upfront_fee_for_billing_period"),
    "sp_effective": ("savingsPlan/SavingsPlanEffectiveCost", "savings_plan_savings_plan_effective_cost"),
    "sp_total": ("savingsPlan/TotalCommitmentToDate", "savings_plan_total_commitment_to_date"),
    "sp_used": ("savingsPlan/UsedCommitment", "savings_plan_used_commitment"),
}
Row = Callable[[str], str]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _rows(path: Path) -> list[Row]:
    """Each row as a lookup by the keys of NAMES, whichever spelling the file has."""
    raw = _read(path)
    spelling = 0 if NAMES["cost"][0] in raw[0] else 1
    return [(lambda key, r=r: r.get(NAMES[key][spelling], "")) for r in raw]


def _num(v: str) -> float:
    return float(v) if v not in ("", "NULL", "null") else 0.0


def _amortised(r: Row) -> float:
    """AWS's amortised cost of one line (Cost Explorer 'amortized cost'; the CUR query library's CASE)."""
    t = r("type")
    if t == "SavingsPlanCoveredUsage":
        return _num(r("sp_effective"))
    if t == "SavingsPlanRecurringFee":
        return _num(r("sp_total")) - _num(r("sp_used"))
    if t in ("SavingsPlanNegation", "SavingsPlanUpfrontFee") or (t == "Fee" and r("ri_arn")):
        return 0.0
    if t == "DiscountedUsage":
        return _num(r("ri_effective"))
    if t == "RIFee":
        return _num(r("ri_unused_upfront")) + _num(r("ri_unused_recurring"))
    return _num(r("cost"))


def _sums(rows: list[Row], value: Callable[[Row], float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in rows:
        out[r("currency")] = out.get(r("currency"), 0.0) + value(r)
    return out


def _assert_money(staged, rows: list[Row]) -> None:
    """Billed (invoice cost), effective (amortised) and list totals, per currency, to the cent and to 1e-9."""
    checks = {"billed": lambda r: _num(r("cost")), "effective": _amortised, "list": lambda r: _num(r("list"))}
    for metric, value in checks.items():
        native = _sums(rows, value)
        assert set(staged.totals) == set(native), metric
        for cur, total in native.items():
            assert round(staged.totals[cur][metric], 2) == round(total, 2), (metric, cur)
            assert staged.totals[cur][metric] == pytest.approx(total, abs=1e-9), (metric, cur)


def _detectors(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = Header(next(csv.reader(f)))
    return [c.name for c in connectors.REGISTRY.values() if c.detect(header)]


def test_real_legacy_cur_is_detected_and_its_money_kept_to_the_cent(shared_data: Path, convert) -> None:
    path = shared_data / REAL
    rows = _rows(path)
    assert _detectors(path) == ["aws-cur"]
    staged, rel = convert(path)  # no --format: detection
    assert staged.connector.name == "aws-cur"
    assert staged.rows == len(rows) == 1281
    _assert_money(staged, rows)
    assert round(staged.totals["USD"]["billed"], 2) == 1.68
    assert staged.periods == ["2023-11"]
    types = Counter(r("type") for r in rows)
    assert dict(rel.aggregate("ChargeCategory, count(*)", "ChargeCategory").fetchall()) == {
        "Usage": types["Usage"], "Tax": types["Tax"]}
    unnamed = rel.aggregate("count(*) FILTER (WHERE ServiceName IS NULL OR ServiceCategory IS NULL "
                            "OR SubAccountId IS NULL OR InvoiceIssuerName IS NULL)").fetchall()[0][0]
    assert unnamed == 0
    s3 = sum(1 for r in rows if r("product") == "Amazon Simple Storage Service")
    assert rel.filter("ServiceName = 'Amazon Simple Storage Service'").aggregate(
        "any_value(ServiceCategory), count(*)").fetchall() == [("Storage", s3)]


# FOCUS ChargeCategory expected for each AWS line item type of the fixtures.
CATEGORY = {"Usage": "Usage", "DiscountedUsage": "Usage", "SavingsPlanCoveredUsage": "Usage",
            "SavingsPlanNegation": "Usage", "EdpDiscount": "Usage", "BundledDiscount": "Usage",
            "RIFee": "Purchase", "Fee": "Purchase", "SavingsPlanRecurringFee": "Purchase",
            "SavingsPlanUpfrontFee": "Purchase", "Tax": "Tax", "Credit": "Credit", "Refund": "Adjustment"}


@pytest.mark.parametrize("path, name", [(LEGACY, "aws-cur"), (CUR2, "aws-cur2")])
def test_fixture_month_money_categories_and_commitments(convert, path: Path, name: str) -> None:
    rows = _rows(path)
    assert _detectors(path) == [name]
    staged, rel = convert(path)
    assert staged.connector.name == name and staged.rows == len(rows) == 31
    _assert_money(staged, rows)
    # Amortisation moves upfront payments to the usage they cover: effective = billed - upfront fees paid
    # this month + the upfront share amortised into this month.
    upfront_paid = sum(_num(r("cost")) for r in rows if r("type") == "SavingsPlanUpfrontFee"
                       or (r("type") == "Fee" and r("ri_arn")))
    amortised_in = sum(_num(r("ri_upfront_period")) for r in rows if r("type") == "RIFee")
    usd = staged.totals["USD"]
    assert usd["effective"] == pytest.approx(usd["billed"] - upfront_paid + amortised_in, abs=1e-9)
    assert upfront_paid == 1350.0 and amortised_in == pytest.approx(26.3376)

    expected = Counter(CATEGORY[r("type")] for r in rows)
    assert dict(rel.aggregate("ChargeCategory, count(*)", "ChargeCategory").fetchall()) == expected
    assert rel.filter("ChargeClass = 'Correction'").aggregate("sum(BilledCost)").fetchall() == [(-3.6,)]
    assert rel.filter("PricingCategory = 'Dynamic'").aggregate("count(*)").fetchall() == [(1,)]
    commitments = dict(rel.aggregate("CommitmentDiscountType, count(*)", "CommitmentDiscountType").fetchall())
    assert commitments == {None: 21, "Reserved Instance": 4, "Savings Plan": 6}
    fee = rel.filter("ChargeFrequency = 'Recurring' AND ChargeCategory = 'Purchase'").order("BilledCost")
    assert [(round(b, 4), round(e, 4)) for b, e in fee.select("BilledCost, EffectiveCost").fetchall()] == [
        (26.04, 48.9984), (74.4, 71.9616)]  # RIFee: unused RI hours; SP fee: unused commitment
    used = rel.filter("CommitmentDiscountStatus = 'Used'").aggregate("sum(BilledCost), sum(EffectiveCost)")
    assert [tuple(round(v, 4) for v in row) for row in used.fetchall()] == [(0.0, 5.8176)]
    market = rel.filter("PublisherName <> 'Amazon Web Services'").select("PublisherName, ServiceName").fetchall()
    assert market == [("Sécurité Logicielle SAS", "Éditeur SaaS Sécurité — Licence annuelle")]
    web = rel.filter("ResourceId = 'i-0a1b2c3d4e5f60718' AND ChargeCategory = 'Usage' "
                     "AND ServiceName = 'Amazon Elastic Compute Cloud'")
    assert web.select("ResourceName, ResourceType, RegionId, SubAccountId").distinct().fetchall() == [
        ("web-1", "instance", "eu-west-3", "444455556666")]


def test_tags_lose_the_storage_prefix_only(convert) -> None:
    _, legacy = convert(LEGACY)
    _, cur2 = convert(CUR2)
    web = "ResourceId = 'i-0a1b2c3d4e5f60718' AND ServiceName = 'Amazon Elastic Compute Cloud'"
    (tags,), = legacy.filter(web).select("Tags").distinct().fetchall()
    assert json.loads(tags) == {"Name": "web-1", "Team": "plateforme", "CostCenter": "CC-042",
                                "Projet": "Facturation électronique", "aws:createdBy": "IAMUser:AIDAEXAMPLE:deploy"}
    (tags2,), = cur2.filter(web).select("Tags").distinct().fetchall()
    assert json.loads(tags2) == {"name": "web-1", "team": "plateforme", "cost_center": "CC-042",
                                 "projet": "Facturation électronique", "aws_created_by": "IAMUser:AIDAEXAMPLE:deploy"}
    raw = _read(LEGACY)
    untagged = sum(1 for r in raw if not any(v for k, v in r.items() if k.startswith("resourceTags/")))
    assert legacy.filter("Tags IS NULL").aggregate("count(*)").fetchall() == [(untagged,)]
    assert cur2.filter("Tags IS NULL").aggregate("count(*)").fetchall() == [(untagged,)]
    assert untagged == 20


SAME = ("BilledCost, EffectiveCost, ListCost, ContractedCost, ChargeCategory, ChargeClass, ChargeFrequency, "
        "PricingCategory, CommitmentDiscountId, CommitmentDiscountStatus, ServiceName, ServiceCategory, "
        "RegionId, ResourceId, ResourceName, ResourceType, SkuId, BillingPeriodStart, ChargePeriodStart, "
        "ChargePeriodEnd, SubAccountId, PublisherName, ConsumedQuantity, PricingUnit")


def test_cur2_gives_the_same_rows_as_the_legacy_cur_and_names_accounts(convert) -> None:
    _, legacy = convert(LEGACY)
    _, cur2 = convert(CUR2)
    assert Counter(legacy.select(SAME).fetchall()) == Counter(cur2.select(SAME).fetchall())
    names = dict(cur2.aggregate("SubAccountId, any_value(SubAccountName)", "SubAccountId").fetchall())
    assert names == {"444455556666": "atelier-prod", "777788889999": "atelier-recette",
                     "111122223333": "Atelier Numérique SAS"}
    assert cur2.aggregate("any_value(BillingAccountName)").fetchall() == [("Atelier Numérique SAS",)]


def test_cur2_name_follows_the_table_dictionary() -> None:
    documented = {"reservation/ReservationARN": "reservation_reservation_a_r_n",
                  "savingsPlan/SavingsPlanEffectiveCost": "savings_plan_savings_plan_effective_cost",
                  "pricing/publicOnDemandCost": "pricing_public_on_demand_cost",
                  "bill/BillingPeriodStartDate": "bill_billing_period_start_date",
                  "lineItem/LineItemType": "line_item_line_item_type", "product/regionCode": "product_region_code"}
    assert {k: cur2_name(k) for k in documented} == documented
    conn = connectors.get("aws-cur2")
    header = Header(list(_read(CUR2)[0]))  # names copied by hand from the dictionary
    assert [n for n in conn.numeric + conn.timestamps if n not in header] == []


def test_cur2_parquet_with_map_columns(convert, tmp_path: Path) -> None:
    """Data Exports' Parquet: typed numbers and timestamps, product and resource_tags as MAP columns."""
    out = tmp_path / "cur2.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * REPLACE (
        CAST(line_item_unblended_cost AS DOUBLE) AS line_item_unblended_cost,
        CAST(line_item_usage_start_date AS TIMESTAMP) AS line_item_usage_start_date,
        CAST(CAST(product AS JSON) AS MAP(VARCHAR, VARCHAR)) AS product,
        CAST(CAST(resource_tags AS JSON) AS MAP(VARCHAR, VARCHAR)) AS resource_tags)
        FROM read_csv('{CUR2}', all_varchar=true)) TO '{out}' (FORMAT parquet)""").fetchall()
    staged, rel = convert(out)
    assert staged.connector.name == "aws-cur2" and staged.rows == 31
    _assert_money(staged, _rows(CUR2))
    web = rel.filter("ResourceId = 'i-0a1b2c3d4e5f60718' AND ServiceName = 'Amazon Elastic Compute Cloud'")
    assert {json.loads(t)["projet"] for (t,) in web.select("Tags").fetchall()} == {"Facturation électronique"}


def test_legacy_cur_in_athena_layout_reads_tag_columns(convert, tmp_path: Path) -> None:
    """A legacy CUR delivered for Athena: snake_case names, one resource_tags_user_* column per tag."""
    out = tmp_path / "cur-athena.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * EXCLUDE (product, resource_tags),
        json_extract_string(product, '$.product_name') AS product_product_name,
        json_extract_string(resource_tags, '$.user_team') AS resource_tags_user_team,
        json_extract_string(resource_tags, '$.user_name') AS resource_tags_user_name
        FROM read_csv('{CUR2}', all_varchar=true)) TO '{out}' (FORMAT parquet)""").fetchall()
    staged, rel = convert(out)
    assert staged.connector.name == "aws-cur2"
    _assert_money(staged, _rows(CUR2))
    rds = rel.filter("ServiceName = 'Amazon Relational Database Service' AND ResourceId IS NOT NULL")
    assert rds.select("Tags, ResourceName, ResourceType").fetchall() == [
        ('{"team":"finance","name":"compta-db"}', "compta-db", "db")]


def test_aws_focus_export_is_read_by_the_focus_connector(convert) -> None:
    raw = _read(FOCUS_AWS)
    assert {"x_CostCategories", "x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType"} <= set(raw[0])
    assert _detectors(FOCUS_AWS) == ["focus"]
    staged, rel = convert(FOCUS_AWS)
    assert staged.connector.name == "focus" and staged.rows == len(raw) == 7
    for metric, column in [("billed", "BilledCost"), ("effective", "EffectiveCost"), ("list", "ListCost"),
                           ("contracted", "ContractedCost")]:
        native: dict[str, float] = {}
        for r in raw:
            native[r["BillingCurrency"]] = native.get(r["BillingCurrency"], 0.0) + _num(r[column])
        assert {c: round(v[metric], 2) for c, v in staged.totals.items()} == {
            c: round(v, 2) for c, v in native.items()}, metric
    assert staged.totals["USD"]["billed"] == pytest.approx(54.4828)
    assert rel.aggregate("x_Provider, count(*)", "x_Provider").fetchall() == [("aws", 7)]
