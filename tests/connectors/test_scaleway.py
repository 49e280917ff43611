"""Scaleway: consumption lines of the Billing API (ListConsumptions) as CSV.

The fixtures in ``fixtures/scaleway`` were written for these tests from Scaleway's documentation (no real export
was available). ``consumption-2025-03.csv`` has the Money ``value`` as one decimal column (comma-separated, decimal
point); ``consumption-2025-04-normalized.csv`` has it as ``value.units`` + ``value.nanos`` (what
``pandas.json_normalize`` makes of the API answer), saved the French way (``;``, decimal comma, NBSP thousands).
"""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from balise import connectors
from balise.connectors.base import Header
from balise.connectors.scaleway import tags_sql
from balise.errors import BadSourceError

FIX = Path(__file__).parent / "fixtures" / "scaleway"
MARCH, APRIL = FIX / "consumption-2025-03.csv", FIX / "consumption-2025-04-normalized.csv"


def read(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def cents(x: float) -> Decimal:
    return Decimal(str(round(x, 2)))


def money(row: dict[str, str]) -> Decimal:
    """google.type.Money: units + nanos / 10^9 (both carry the sign)."""
    return Decimal(row["value.units"]) + Decimal(row["value.nanos"]) / Decimal(10**9)


@pytest.mark.parametrize(("path", "delimiter"), [(MARCH, ","), (APRIL, ";")])
def test_recognised_by_the_scaleway_connector_only(path: Path, delimiter: str) -> None:
    h = Header(next(csv.reader([path.read_text(encoding="utf-8").splitlines()[0]], delimiter=delimiter)))
    assert [c.name for c in connectors.REGISTRY.values() if c.detect(h)] == ["scaleway"]
    c = connectors.get("scaleway")
    assert c.provider == "scaleway" and c.verified == "documentation" and "ListConsumptions" in c.reference


def test_decimal_value_money_to_the_cent(convert) -> None:
    staged, rel = convert(MARCH)
    rows = read(MARCH, ",")
    assert staged.connector.name == "scaleway" and staged.rows == len(rows) == 32
    native = sum((Decimal(r["value"]) for r in rows), Decimal(0))
    assert set(staged.totals) == {"EUR"}
    assert cents(staged.totals["EUR"]["billed"]) == native
    assert cents(staged.totals["EUR"]["effective"]) == native
    voucher = sum((Decimal(r["value"]) for r in rows if Decimal(r["value"]) < 0), Decimal(0))
    assert voucher < 0 and cents(staged.totals["EUR"]["list"]) == native - voucher
    # per project, per category, as the console's cost manager lists them
    by_project = dict(rel.aggregate("SubAccountId, sum(BilledCost)", "SubAccountId").fetchall())
    for project in {r["project_id"] for r in rows if r["project_id"]}:
        assert cents(by_project[project]) == sum(Decimal(r["value"]) for r in rows if r["project_id"] == project)
    assert staged.periods == ["2025-03"]
    assert [(p.provider, p.account) for p in staged.partitions] == [
        ("scaleway", "6d1c4b0e-8f2a-4c3b-9e7d-5a4b3c2d1e0f")]


def test_units_and_nanos_money_to_the_cent(convert) -> None:
    staged, rel = convert(APRIL)
    d = staged.source.dialect
    assert (d.delimiter, d.decimal, d.thousands) == (";", ",", "\u00a0")
    rows = read(APRIL, ";")
    assert staged.rows == len(rows) == 31
    assert cents(staged.totals["EUR"]["billed"]) == sum((money(r) for r in rows), Decimal(0))
    assert staged.periods == ["2025-04"]
    # a negative Money has negative units and nanos: -97.00 stays -97.00
    credit, = rel.filter("ChargeCategory = 'Credit'").aggregate("sum(BilledCost)").fetchall()[0]
    assert cents(credit) == sum(money(r) for r in rows if r["category_name"] == "Discounts")
    qty, = rel.filter("SkuId = '/serverless/containers_vcpu/run_par'").aggregate("sum(PricingQuantity)").fetchall()[0]
    assert qty == 410000  # '410 000' with a no-break space


def test_columns(convert) -> None:
    _, rel = convert(MARCH)

    def one(where: str, cols: str) -> tuple:
        (row,) = rel.filter(where).select(cols).fetchall()
        return row

    assert one("SkuMeter = 'POP2-4C-16G - PAR1'",
               "ServiceName, ServiceCategory, RegionId, RegionName, AvailabilityZone, SkuId, PricingQuantity, "
               "PricingUnit, ChargeFrequency, ChargeCategory, PricingCategory, BillingAccountName, SubAccountName, "
               "ProviderName, InvoiceIssuerName, BillingCurrency") == (
        "Instances", "Compute", "fr-par", "Paris", "fr-par-1", "/compute/pop2_4c_16g/run_par1", 744.0, "hour",
        "Usage-Based", "Usage", "Standard", "Boulangerie Dupont SAS", "Site e-commerce – Production", "Scaleway",
        "Scaleway", "EUR")
    assert one("SkuMeter = 'GP1-XS - WAW1'", "RegionId, RegionName, AvailabilityZone, SubAccountName") == (
        "pl-waw", "Varsovie", "pl-waw-1", "Données & analytique (recette)")
    assert one("SkuMeter = 'One Zone - AMS'", "RegionId, AvailabilityZone, ServiceCategory") == (
        "nl-ams", None, "Storage")
    assert one("SkuMeter = 'DB-PRO2-XXS HA - PAR'", "ServiceCategory, ChargeDescription") == (
        "Databases", "PostgreSQL and MySQL — DB-PRO2-XXS HA - PAR")
    assert one("SkuMeter = 'LB-S - PAR1'", "ServiceName, ServiceCategory") == ("Load Balancer", "Networking")
    assert one("SkuMeter = 'Flexible IPv4 - PAR'", "ServiceCategory") == ("Networking",)
    assert one("SkuMeter = 'Block Storage 5K - PAR2'", "ServiceCategory, ChargeFrequency") == (
        "Storage", "Recurring")
    assert one("SkuMeter = 'Custom metrics - PAR'", "ServiceCategory") == ("Management and Governance",)
    assert one("SkuMeter = 'Secret versions - PAR'", "ServiceCategory") == ("Security",)
    assert one("ServiceName = 'Support plan'", "ServiceCategory, ChargeFrequency") == ("Other", "Recurring")
    assert one("ChargeCategory = 'Credit'", "BilledCost, ListCost, ConsumedQuantity, SkuMeter, PricingCategory") == (
        -100.0, 0.0, None, "Bon de réduction « Bienvenue »", None)
    assert one("ChargeCategory = 'Tax'", "ServiceName, ServiceCategory, SubAccountId, ConsumedQuantity") == (
        "TVA 20 %", "Other", None, None)
    rows = read(MARCH, ",")
    vat = next(Decimal(r["value"]) for r in rows if r["category_name"] == "Taxes")
    usage = sum((Decimal(r["value"]) for r in rows if r["category_name"] != "Taxes"), Decimal(0))
    assert vat == (usage * Decimal("0.2")).quantize(Decimal("0.01"))  # the fixture's VAT is 20 % of the rest


def test_tags(convert) -> None:
    _, rel = convert(MARCH)
    tags = [json.loads(t) for (t,) in rel.filter("Tags IS NOT NULL").select("Tags").fetchall()]
    assert {"env": "prod", "team": "web", "web": True} in tags  # a bare tag is a key with the value true
    assert {"env": "prod", "Team": "Paiement"} in tags  # key case kept
    assert {"env": "recette", "équipe": "données"} in tags
    assert {"env": "prod"} in tags  # 'backup=' (empty value) dropped
    nulls, = rel.filter("Tags IS NULL").aggregate("count(*)").fetchall()[0]
    rows = read(MARCH, ",")
    assert nulls == sum(1 for r in rows if r["tags"] in ("", "[]"))


@pytest.mark.parametrize(("cell", "expected"), [
    ('["env=prod","web"]', {"env": "prod", "web": True}),
    ("env=prod, web ,team = data", {"env": "prod", "web": True, "team": "data"}),
    ("url=https://x.fr/?a=b", {"url": "https://x.fr/?a=b"}),
    ("env=prod,env=dev", {"env": "prod"}),
    ('["a="]', None),
    ("[]", None),
    ("", None),
    (None, None),
    (' , ,', None),
])
def test_tag_list_mapping(cell: str | None, expected: dict | None) -> None:
    con = duckdb.connect()
    (got,) = con.execute(f"SELECT {tags_sql('t')} FROM (SELECT CAST(? AS VARCHAR) AS t)", [cell]).fetchall()[0]
    assert (json.loads(got) if got is not None else None) == expected


def test_missing_amount_names_line_and_column(convert, tmp_path: Path) -> None:
    lines = MARCH.read_text(encoding="utf-8").splitlines()
    lines[4] = re.sub(r",\d+\.\d\d,EUR,", ",,EUR,", lines[4], count=1)
    assert ",,EUR," in lines[4]
    path = tmp_path / "missing.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadSourceError) as err:
        convert(path)
    assert (err.value.problem.line, err.value.problem.column) == (5, "value")
    staged, _ = convert(path, skip_bad_rows=True)
    assert staged.rows == 31 and [r.problem.line for r in staged.rejected] == [5]


def test_without_currency_column_the_bill_is_in_euros(convert, tmp_path: Path) -> None:
    rows = read(APRIL, ";")
    lines = APRIL.read_text(encoding="utf-8").splitlines()
    keep = [i for i, n in enumerate(lines[0].split(";")) if n != "value.currency_code"]
    path = tmp_path / "no-currency.csv"
    path.write_text("\n".join(";".join(line.split(";")[i] for i in keep) for line in lines) + "\n",
                    encoding="utf-8")
    staged, _ = convert(path)
    assert set(staged.totals) == {"EUR"}
    assert cents(staged.totals["EUR"]["billed"]) == sum((money(r) for r in rows), Decimal(0))


@pytest.mark.parametrize("period", ["2025-04", "2025-04-01", "04/2025", "01/04/2025"])
def test_billing_period_forms(convert, tmp_path: Path, period: str) -> None:
    lines = APRIL.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "period.csv"
    path.write_text("\n".join([lines[0]] + [period + line[len("2025-04"):] for line in lines[1:]]) + "\n",
                    encoding="utf-8")
    staged, rel = convert(path)
    assert staged.periods == ["2025-04"]
    assert rel.aggregate("min(ChargePeriodStart), max(ChargePeriodEnd)").fetchall()[0] == (
        datetime(2025, 4, 1), datetime(2025, 5, 1))
