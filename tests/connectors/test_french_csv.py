"""French CSV quirks, end to end through the real pipeline (sources -> dialect -> DuckDB -> Parquet).

The base fixture ``fixtures/french/focus-fr.csv`` is a FOCUS file written the way a French spreadsheet saves it:
``;`` delimiter, decimal comma, ``1 234,56``, dates as DD/MM/YYYY. Each test rewrites it into ``tmp_path`` with one
more quirk (encoding, BOM, thousands separator, gzip) and checks the money to the cent against totals computed
here, independently, with Python's ``csv`` module and a French number parser of its own.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from balise.errors import BadSourceError

FIXTURES = Path(__file__).parent / "fixtures"
FOCUS_FR = FIXTURES / "french" / "focus-fr.csv"
SPACES = (" ", "\u00a0", "\u202f")


def fr_decimal(text: str) -> Decimal:
    """A French-written number: spaces (any kind) or dots group thousands, the comma is the decimal mark."""
    v = text.strip()
    for s in SPACES:
        v = v.replace(s, "")
    if "," in v:
        v = v.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", v):
        raise ValueError(text)
    return Decimal(v)


def native_total(path: Path, column: str, *, encoding: str = "utf-8-sig", delimiter: str = ";") -> Decimal:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding=encoding, newline="") as f:
        return sum((fr_decimal(r[column]) for r in csv.DictReader(f, delimiter=delimiter) if r[column].strip()),
                   Decimal(0))


def cents(x: float | Decimal) -> Decimal:
    return Decimal(str(round(float(x), 2)))


def rewrite(text: str, *, thousands: str = " ", encoding: str = "utf-8", bom: bool = False,
            gz: bool = False, path: Path) -> Path:
    """The base fixture with another thousands separator, encoding, BOM or compression."""
    if thousands != " ":
        text = re.sub(r"(?<=\d) (?=\d{3}\b)", thousands, text)
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    if gz:
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


BASE = FOCUS_FR.read_text(encoding="utf-8")


def test_base_fixture_is_written_the_french_way() -> None:
    head, first = BASE.splitlines()[:2]
    assert head.count(";") == 17 and "," not in head
    assert "1 234,56" in first and "01/03/2025" in first


@pytest.mark.parametrize(("name", "kw", "encoding"), [
    ("space", {}, "utf-8"),
    ("dot", {"thousands": "."}, "utf-8"),
    ("nbsp", {"thousands": "\u00a0"}, "utf-8"),
    ("narrow-nbsp", {"thousands": "\u202f"}, "utf-8"),
    ("bom", {"bom": True}, "utf-8-sig"),
    ("nnbsp-bom", {"thousands": "\u202f", "bom": True}, "utf-8-sig"),
    ("gzip", {"gz": True}, "utf-8"),
    ("gzip-dot", {"thousands": ".", "gz": True}, "utf-8"),
])
def test_french_variants_money_to_the_cent(convert, tmp_path: Path, name: str, kw: dict, encoding: str) -> None:
    path = rewrite(BASE, path=tmp_path / (f"{name}.csv.gz" if kw.get("gz") else f"{name}.csv"), **kw)
    staged, rel = convert(path)
    d = staged.source.dialect
    assert staged.connector.name == "focus"
    assert (d.delimiter, d.decimal, d.bom) == (";", ",", bool(kw.get("bom")))
    assert d.thousands == kw.get("thousands", " ")
    assert staged.rows == 16 and set(staged.totals) == {"EUR"}
    for metric, col in [("billed", "BilledCost"), ("effective", "EffectiveCost"), ("list", "ListCost"),
                        ("contracted", "ContractedCost")]:
        assert cents(staged.totals["EUR"][metric]) == native_total(path, col, encoding=encoding), metric
    # the 1 234,56 row really is 1234.56 (not 1.23456 nor 123456)
    big, = rel.filter("ChargeDescription = 'Instance b3-8 — consommation horaire' "
                      "AND ChargePeriodStart = TIMESTAMP '2025-03-01'").aggregate("sum(BilledCost)").fetchall()[0]
    assert big == pytest.approx(1234.56)


def test_day_first_dates(convert, tmp_path: Path) -> None:
    """01/03/2025 is the 1st of March in a French file (the 15/03 and 12/04 rows settle the order)."""
    staged, rel = convert(rewrite(BASE, path=tmp_path / "dates.csv"))
    assert staged.source.dialect.date_order == "DMY"
    assert staged.periods == ["2025-03", "2025-04"]
    first, last_end = rel.aggregate("min(ChargePeriodStart), max(ChargePeriodEnd)").fetchall()[0]
    assert (first, last_end) == (datetime(2025, 3, 1), datetime(2025, 5, 1))
    credit, = rel.filter("ChargeCategory = 'Credit' AND BilledCost = -150").aggregate(
        "min(ChargePeriodStart)").fetchall()[0]
    assert credit == datetime(2025, 3, 15)


def test_windows_1252_with_euro_sign_and_accents(convert, tmp_path: Path) -> None:
    text = BASE.replace("Bon d'achat « Démarrage »", "Bon d'achat de 150 € « Démarrage »")
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    assert "€".encode("cp1252") in path.read_bytes()  # really Windows-1252 bytes, not UTF-8
    staged, rel = convert(path)
    assert staged.source.dialect.encoding == "cp1252"
    assert cents(staged.totals["EUR"]["billed"]) == native_total(path, "BilledCost", encoding="cp1252")
    labels = {r[0] for r in rel.aggregate("ChargeDescription").fetchall()}
    assert "Bon d'achat de 150 € « Démarrage »" in labels
    assert "PostgreSQL Business — nœud principal" in labels  # '—' and 'œ' exist in Windows-1252 too
    services = {r[0] for r in rel.aggregate("ServiceName").fetchall()}
    assert {"Bases de données gérées", "Répartiteur de charge", "Crédits"} <= services


def test_windows_1252_gzip(convert, tmp_path: Path) -> None:
    path = rewrite(BASE, encoding="cp1252", gz=True, path=tmp_path / "cp1252.csv.gz")
    staged, _ = convert(path)
    assert staged.source.dialect.encoding == "cp1252" and staged.source.compressed is False  # transcoded aside
    assert cents(staged.totals["EUR"]["billed"]) == native_total(path, "BilledCost", encoding="cp1252")


def test_ovhcloud_bills_in_windows_1252_without_bom(convert, tmp_path: Path) -> None:
    """The Control Panel's invoice list, as Excel re-saves it: Windows-1252, accented header, no BOM."""
    text = (FIXTURES / "ovhcloud" / "factures.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "factures-ansi.csv"
    path.write_bytes(text.encode("cp1252"))
    staged, rel = convert(path)
    assert staged.connector.name == "ovhcloud-bills"
    assert cents(staged.totals["EUR"]["billed"]) == native_total(path, "Montant HT", encoding="cp1252")
    assert rel.filter("InvoiceId = 'FR52690005'").aggregate("min(ChargeCategory)").fetchall()[0][0] == "Credit"


def test_ovhcloud_bill_details_gzip_with_narrow_nbsp(convert, tmp_path: Path) -> None:
    text = (FIXTURES / "ovhcloud" / "bill-details.csv").read_text(encoding="utf-8")
    assert re.search(r"\d \d{3},", text)  # the fixture has grouped thousands to rewrite
    path = rewrite(text, thousands="\u202f", gz=True, path=tmp_path / "details.csv.gz")
    staged, _ = convert(path)
    assert staged.connector.name == "ovhcloud-bill-details"
    assert staged.source.dialect.thousands == "\u202f"
    assert cents(staged.totals["EUR"]["billed"]) == native_total(path, "totalPrice")


def test_quoted_decimal_comma_with_comma_delimiter(convert, tmp_path: Path) -> None:
    """A comma-separated file may still use decimal commas when the numbers are quoted."""
    path = tmp_path / "quoted.csv"
    path.write_text('BillingCurrency,ChargePeriodStart,ChargeCategory,BilledCost,ServiceName\n'
                    'EUR,2025-03-01,Usage,"1 234,56",Calcul\nEUR,2025-03-02,Usage,"0,44",Réseau\n', encoding="utf-8")
    staged, _ = convert(path)
    assert (staged.source.dialect.delimiter, staged.source.dialect.decimal) == (",", ",")
    assert cents(staged.totals["EUR"]["billed"]) == Decimal("1235.00")


# --- bad input: refused, with line and column -----------------------------------------------------------------


def test_non_numeric_cost_names_line_and_column(convert, tmp_path: Path) -> None:
    lines = BASE.splitlines()
    lines[4] = lines[4].replace("10,34", "dix euros", 1)  # the load balancer row, line 5 of the file
    assert "dix euros" in lines[4]
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with pytest.raises(BadSourceError) as err:
        convert(path)
    p = err.value.problem
    assert (p.line, p.column, p.value) == (5, "BilledCost", "dix euros")
    assert p.column_number == 9
    assert "decimal comma" in p.hint.render("en") and "virgule décimale" in p.hint.render("fr")
    # the rest of the file is sound: with --skip-bad-rows only that row is set aside
    staged, _ = convert(path, skip_bad_rows=True)
    assert staged.rows == 15 and [r.problem.line for r in staged.rejected] == [5]


def test_decimal_comma_colliding_with_comma_delimiter_is_refused(convert, tmp_path: Path) -> None:
    """12,50 unquoted in a comma-separated file splits the amount in two: refused, never read as 12 and 50."""
    path = tmp_path / "collision.csv"
    path.write_text("BillingAccountId,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,"
                    "ServiceName\nA,EUR,2025-03-01,2025-03-02,Usage,12,50,Calcul\n"
                    "A,EUR,2025-03-02,2025-03-03,Usage,7,25,Stockage\n", encoding="utf-8")
    with pytest.raises(BadSourceError) as err:
        convert(path)
    p = err.value.problem
    assert p.line == 2
    assert "8 fields where the header has 7" in p.problem.render("en")
    assert "unquoted delimiter" in p.hint.render("en")
    assert "8 champs alors que l'en-tête en a 7" in p.problem.render("fr")
    assert err.value.more == 1  # the second line is wrong in the same way
    with pytest.raises(BadSourceError):
        convert(path, format="focus")


# --- dialect and number-parsing cases that were defects once (docs/formats/french-csv.md, "Handled edge cases") ---


def test_thousands_separator_first_seen_after_the_sniffed_rows(convert, tmp_path: Path) -> None:
    """The sniffer looks at 199 rows; a French file whose first '1 234,56' comes later must still be read.
    A space (any kind) can only group digits in a decimal-comma file."""
    rows = "".join(f"A;EUR;01/03/2025;Usage;{1 + i % 7},{i % 100:02d}\n" for i in range(250))
    path = tmp_path / "late.csv"
    path.write_text("BillingAccountId;BillingCurrency;ChargePeriodStart;ChargeCategory;BilledCost\n" + rows
                    + "A;EUR;01/03/2025;Usage;1\u202f234,56\nA;EUR;02/03/2025;Usage;12 345,00\n", encoding="utf-8")
    staged, _ = convert(path)
    assert cents(staged.totals["EUR"]["billed"]) == native_total(path, "BilledCost")


def test_semicolon_file_with_dot_decimals_reads_dates_day_first(convert, tmp_path: Path) -> None:
    """A ';'-separated file comes from a European locale: 01/03/2025 is the 1st of March even when the
    numbers use a decimal point. Today it becomes the 3rd of January, silently."""
    path = tmp_path / "semicolon-dot.csv"
    path.write_text("BillingCurrency;ChargePeriodStart;ChargeCategory;BilledCost\n"
                    "EUR;01/03/2025;Usage;12.50\nEUR;02/03/2025;Usage;2.25\n", encoding="utf-8")
    staged, _ = convert(path)
    assert staged.periods == ["2025-03"]


def test_windows_1252_whose_only_accent_ends_the_file(convert, tmp_path: Path) -> None:
    """The UTF-8 check forgives a cut multi-byte character at the end of a 256 KiB sample; a small file that is
    read whole has no cut, so its last bytes must not be forgiven ('Payé' at the very end)."""
    path = tmp_path / "tail.csv"
    path.write_bytes("BillingCurrency;ChargePeriodStart;ChargeCategory;BilledCost;x_Status\n"
                     "EUR;01/03/2025;Usage;12,50;OK\nEUR;01/03/2025;Usage;2,50;Payé\n".encode("cp1252"))
    staged, _ = convert(path)
    assert staged.source.dialect.encoding == "cp1252"
    assert cents(staged.totals["EUR"]["billed"]) == Decimal("15.00")


def test_apostrophe_thousands_separator(convert, tmp_path: Path) -> None:
    """Swiss French writes 1'234,50: the sniffer detects the apostrophe, then the SQL built from it breaks
    ('unterminated string literal') instead of reading the number."""
    path = tmp_path / "swiss.csv"
    path.write_text("BillingCurrency;ChargePeriodStart;ChargeCategory;BilledCost\n"
                    "CHF;01/03/2025;Usage;1'234,50\nCHF;13/03/2025;Usage;2'000,25\n", encoding="utf-8")
    staged, _ = convert(path)
    assert cents(staged.totals["CHF"]["billed"]) == Decimal("3234.75")


def test_amounts_formatted_with_the_euro_sign(convert, tmp_path: Path) -> None:
    """Excel's French 'CSV (séparateur : point-virgule)' writes cells as displayed: '1 234,56 €'."""
    path = tmp_path / "euros.csv"
    path.write_text("BillingCurrency;ChargePeriodStart;ChargeCategory;BilledCost\n"
                    "EUR;01/03/2025;Usage;1 234,56 €\nEUR;13/03/2025;Usage;12,50 €\n", encoding="utf-8")
    staged, _ = convert(path)
    assert cents(staged.totals["EUR"]["billed"]) == Decimal("1247.06")


def test_native_parser_of_these_tests() -> None:
    """The independent parser used for the native totals."""
    assert fr_decimal("1 234,56") == fr_decimal("1.234,56") == fr_decimal("1\u202f234,56") == Decimal("1234.56")
    assert fr_decimal("-0,5") == Decimal("-0.5") and fr_decimal("744") == Decimal(744)
    with pytest.raises(ValueError):
        fr_decimal("dix euros")
    assert native_total(FOCUS_FR, "BilledCost") == Decimal("19304.33")
    with io.StringIO(BASE) as f:
        assert sum(1 for _ in csv.reader(f, delimiter=";")) == 17


def test_examples_of_the_documentation(convert, tmp_path: Path) -> None:
    """docs/formats/french-csv.md says its three example files give the same rows: they do."""
    doc = (Path(__file__).parents[2] / "docs" / "formats" / "french-csv.md").read_text(encoding="utf-8")
    section = doc.split("## Examples", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    assert len(blocks) == 3
    for i, block in enumerate(blocks):
        head, *rows = block.splitlines()
        encoding = "cp1252" if "Windows-1252" in head else "utf-8"
        path = tmp_path / f"example{i}.csv"
        path.write_bytes(("\n".join([head.split("  ")[0].strip(), *rows]) + "\n").encode(encoding))
        staged, rel = convert(path)
        assert cents(staged.totals["EUR"]["billed"]) == Decimal("1247.06"), block
        assert sorted(rel.aggregate("ChargePeriodStart, ServiceName", "ALL").fetchall()) == [
            (datetime(2025, 3, 1), "Réseau"), (datetime(2025, 3, 15), "Sécurité")], block
