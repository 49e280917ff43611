"""OVHcloud: the Control Panel's invoice list, invoice lines (/me/bill/{billId}/details) and Public Cloud usage.

The fixtures in ``fixtures/ovhcloud`` were written for these tests from OVHcloud's documentation (no real export
was available): French labels, ``;``, decimal comma, ``1 234,56``. Native totals are computed here with Python's
``csv`` module and a French number parser of its own, then compared with what the pipeline staged.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from balise import connectors
from balise.connectors.base import Header
from balise.errors import BadSourceError

FIX = Path(__file__).parent / "fixtures" / "ovhcloud"
BILLS, DETAILS, USAGE = FIX / "factures.csv", FIX / "bill-details.csv", FIX / "usage-history.csv"


def fr_decimal(text: str) -> Decimal:
    v = re.sub(r"[ \u00a0\u202f]", "", text.strip()).replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", v):
        raise ValueError(text)
    return Decimal(v)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def native(path: Path, column: str) -> Decimal:
    return sum((fr_decimal(r[column]) for r in read(path)), Decimal(0))


def cents(x: float) -> Decimal:
    return Decimal(str(round(x, 2)))


def header(path: Path) -> list[str]:
    return next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))


@pytest.mark.parametrize(("path", "name"), [(BILLS, "ovhcloud-bills"), (DETAILS, "ovhcloud-bill-details"),
                                            (USAGE, "ovhcloud-usage")])
def test_each_layout_is_recognised_by_its_connector_only(path: Path, name: str) -> None:
    h = Header(header(path))
    assert [c.name for c in connectors.REGISTRY.values() if c.detect(h)] == [name]
    assert connectors.detect(header(path), path.name).provider == "ovhcloud"


def test_connectors_are_documented() -> None:
    for name in ("ovhcloud-bills", "ovhcloud-bill-details", "ovhcloud-usage"):
        c = connectors.get(name)
        assert c.verified == "documentation" and "http" in c.reference
        assert set(c.cost_columns) == {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost"}


# --- ovhcloud-bills: Factures > Tout exporter en CSV -----------------------------------------------------------


def test_bills_money_to_the_cent(convert) -> None:
    staged, rel = convert(BILLS)
    assert staged.connector.name == "ovhcloud-bills"
    assert staged.source.dialect.bom and staged.source.dialect.thousands == " "
    rows = read(BILLS)
    assert staged.rows == len(rows) == 10
    assert set(staged.totals) == {"EUR"}
    assert cents(staged.totals["EUR"]["billed"]) == native(BILLS, "Montant HT")
    assert cents(staged.totals["EUR"]["effective"]) == native(BILLS, "Montant HT")
    # the credit note (avoir) lowers the bill but not the list cost
    credit = sum(fr_decimal(r["Montant HT"]) for r in rows if fr_decimal(r["Montant HT"]) < 0)
    assert credit < 0
    assert cents(staged.totals["EUR"]["list"]) == native(BILLS, "Montant HT") - credit
    # one invoice per row, its reference as InvoiceId, dated day first
    invoices = dict(rel.aggregate("InvoiceId, min(ChargePeriodStart)", "InvoiceId").fetchall())
    assert set(invoices) == {r["Référence"] for r in rows}
    assert invoices["FR52690005"] == datetime(2025, 2, 14)
    assert staged.periods == ["2025-01", "2025-02", "2025-03"]
    cats = dict(rel.aggregate("ChargeCategory, count(*)", "ChargeCategory").fetchall())
    assert cats == {"Usage": 9, "Credit": 1}
    providers = rel.aggregate("min(ProviderName), max(ProviderName), min(x_Provider), min(BillingCurrency)")
    assert providers.fetchall()[0] == ("OVHcloud", "OVHcloud", "ovhcloud", "EUR")
    order, = rel.filter("InvoiceId = 'FR52413377'").aggregate("min(ChargeDescription)").fetchall()[0]
    assert order == "Facture OVHcloud FR52413377 (commande 187654321)"


def test_bills_with_english_labels(convert, tmp_path: Path) -> None:
    text = BILLS.read_text(encoding="utf-8-sig").splitlines()
    text[0] = "Reference;Order number;Issue date;Amount excl. VAT;Amount incl. VAT;Balance;Status"
    path = tmp_path / "bills-en.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    staged, _ = convert(path)
    assert staged.connector.name == "ovhcloud-bills"
    assert cents(staged.totals["EUR"]["billed"]) == native(BILLS, "Montant HT")


# --- ovhcloud-bill-details: /me/bill/{billId}/details ----------------------------------------------------------


def test_bill_details_money_to_the_cent(convert) -> None:
    staged, rel = convert(DETAILS)
    assert staged.connector.name == "ovhcloud-bill-details"
    rows = read(DETAILS)
    assert staged.rows == len(rows) == 28
    assert cents(staged.totals["EUR"]["billed"]) == native(DETAILS, "totalPrice")
    by_invoice = dict(rel.aggregate("InvoiceId, sum(BilledCost)", "InvoiceId").fetchall())
    for bill in {r["billId"] for r in rows}:
        assert cents(by_invoice[bill]) == sum(fr_decimal(r["totalPrice"]) for r in rows if r["billId"] == bill)


def test_bill_details_columns(convert) -> None:
    _, rel = convert(DETAILS)

    def one(where: str, cols: str) -> tuple:
        (row,) = rel.filter(where).select(cols).fetchall()
        return row

    assert one("ChargeDescription LIKE 'Instance b3-8 GRA11%'",
               "ServiceName, ServiceCategory, RegionId, RegionName, ChargeFrequency, SubAccountId, "
               "PricingQuantity, ListUnitPrice, BilledCost") == (
        "Public Cloud Instances", "Compute", "GRA11", "Gravelines", "Usage-Based",
        "7a1b2c3d4e5f60718293a4b5c6d7e8f9", 672.0, 0.0556, 37.36)
    assert one("ChargeDescription LIKE 'Base de données PostgreSQL%'", "ServiceCategory, RegionName") == (
        "Databases", "Gravelines")
    assert one("ChargeDescription LIKE 'Load Balancer%'", "ServiceName, ServiceCategory") == (
        "Load Balancer", "Networking")
    assert one("ChargeDescription LIKE 'Floating IP%'", "ServiceName") == ("IP",)
    assert one("ChargeDescription LIKE 'Object Storage%'", "ServiceName, ServiceCategory, RegionId") == (
        "Object Storage", "Storage", "GRA")
    assert one("ChargeDescription LIKE 'Volume haute%'", "ServiceName, RegionName, PricingQuantity") == (
        "Block Storage", "Strasbourg", 67200.0)  # '67 200' in the file
    assert one("ChargeDescription LIKE 'Instance b3-8 EU-WEST-PAR%'", "RegionId, RegionName") == (
        "EU-WEST-PAR", "Paris")
    # the voucher is a credit: it lowers the bill, no list cost, no consumption
    assert one("ChargeDescription LIKE 'Bon d''achat%'",
               "ChargeCategory, BilledCost, ListCost, ConsumedQuantity, ChargeFrequency") == (
        "Credit", -50.0, 0.0, None, "One-Time")
    # dedicated server: not a Public Cloud project, a monthly renewal, the period end made exclusive
    assert one("ChargeDescription LIKE 'Serveur dédié Advance-1%'",
               "ServiceName, SubAccountId, ResourceId, ChargeFrequency, ChargePeriodStart, ChargePeriodEnd, "
               "BillingPeriodStart") == (
        "Dedicated Servers", None, "ns3012345.ip-51-91-12.eu", "Recurring", datetime(2025, 3, 1),
        datetime(2025, 4, 1), datetime(2025, 3, 1))
    assert one("ChargeDescription LIKE '%frais d''installation'", "ChargeFrequency") == ("One-Time",)
    assert one("ChargeDescription LIKE 'Nom de domaine%'", "ServiceName, ServiceCategory") == (
        "Domain Names", "Networking")
    assert one("ChargeDescription LIKE 'Hébergement Web%'", "ServiceName") == ("Web Hosting",)
    assert one("ChargeDescription LIKE 'Managed Kubernetes%'", "ServiceName") == ("Managed Kubernetes",)
    # every line has a known service category from the FOCUS list
    cats = {r[0] for r in rel.aggregate("ServiceCategory").fetchall()}
    assert cats <= {"Compute", "Storage", "Databases", "Networking", "AI and Machine Learning", "Other"}
    periods = dict(rel.aggregate("strftime(BillingPeriodStart, '%Y-%m'), count(*)", "1").fetchall())
    assert periods == {"2025-02": 19, "2025-03": 9}


def test_bill_details_bad_amount_names_line_and_column(convert, tmp_path: Path) -> None:
    lines = DETAILS.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(";", 1)[0] + ";trente-huit"
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadSourceError) as err:
        convert(path)
    p = err.value.problem
    assert (p.line, p.column, p.value) == (4, "totalPrice", "trente-huit")


def test_bill_details_period_ending_before_it_starts_is_refused(convert, tmp_path: Path) -> None:
    lines = DETAILS.read_text(encoding="utf-8").splitlines()
    assert ";01/02/2025;28/02/2025;" in lines[2]
    lines[2] = lines[2].replace(";01/02/2025;28/02/2025;", ";28/02/2025;01/02/2025;")
    path = tmp_path / "reversed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadSourceError) as err:
        convert(path)
    assert (err.value.problem.line, err.value.problem.column) == (3, "periodEnd")


# --- ovhcloud-usage: /cloud/project/{serviceName}/usage/history, flattened ------------------------------------


def test_usage_money_to_the_cent(convert) -> None:
    staged, rel = convert(USAGE)
    assert staged.connector.name == "ovhcloud-usage"
    rows = read(USAGE)
    assert staged.rows == len(rows) == 21
    assert cents(staged.totals["EUR"]["billed"]) == native(USAGE, "totalPrice")
    by_project = dict(rel.aggregate("SubAccountId, sum(BilledCost)", "SubAccountId").fetchall())
    for project in {r["projectId"] for r in rows}:
        expected = sum(fr_decimal(r["totalPrice"]) for r in rows if r["projectId"] == project)
        assert cents(by_project[project]) == expected


def test_usage_columns(convert) -> None:
    staged, rel = convert(USAGE)
    # a Paris month: 2025-03-01T00:00+01:00 is 2025-02-28T23:00Z, still billed in March
    assert staged.periods == ["2025-03"]
    start, end = rel.aggregate("min(ChargePeriodStart), max(ChargePeriodEnd)").fetchall()[0]
    assert (start, end) == (datetime(2025, 2, 28, 23), datetime(2025, 3, 31, 22))
    names = dict(rel.aggregate("SubAccountId, min(SubAccountName)", "SubAccountId").fetchall())
    assert names["0f1e2d3c4b5a69788796a5b4c3d2e1f0"] == "Recette & développement"
    (row,) = rel.filter("ResourceId = '3f1e0c2a-1111-4a8b-9c0d-000000000003'").select(
        "ServiceName, ServiceCategory, RegionId, RegionName, SkuId, ChargeFrequency, PricingQuantity, "
        "PricingUnit, ResourceType").fetchall()
    assert row == ("Public Cloud Instances", "Compute", "SBG5", "Strasbourg", "b3-16", "Recurring", 1.0, "Month",
                   "instance")
    kinds = dict(rel.aggregate("ResourceType, min(ServiceCategory)", "ResourceType").fetchall())
    assert kinds["volume"] == kinds["snapshot"] == kinds["storage"] == "Storage"
    assert kinds["resourcesUsage:databases"] == "Databases"
    assert kinds["resourcesUsage:loadbalancer"] == kinds["resourcesUsage:floatingip"] == "Networking"
    assert kinds["resourcesUsage:ai-notebook"] == "AI and Machine Learning"
    assert kinds["instanceBandwidth"] == "Networking"
    qty, = rel.filter("ResourceType = 'instanceBandwidth'").aggregate("sum(ConsumedQuantity)").fetchall()[0]
    assert qty == pytest.approx(1250.5)  # '1 250,5' GiB


# --- OVHcloud rows in a FOCUS file --------------------------------------------------------------------------


def test_focus_file_with_ovhcloud_rows_goes_to_the_focus_connector(convert) -> None:
    """No OVHcloud FOCUS export is documented (see docs/formats/ovhcloud.md); a FOCUS file naming OVHcloud as
    provider is read by the focus connector and filed under the ovhcloud provider key."""
    staged, rel = convert(FIX / "focus-ovhcloud.csv")
    assert staged.connector.name == "focus"
    assert {p.provider for p in staged.partitions} == {"ovhcloud"}
    with (FIX / "focus-ovhcloud.csv").open(encoding="utf-8", newline="") as f:
        total = sum(Decimal(r["BilledCost"]) for r in csv.DictReader(f))
    assert cents(staged.totals["EUR"]["billed"]) == total
    assert rel.aggregate("min(x_Provider)").fetchall()[0][0] == "ovhcloud"
