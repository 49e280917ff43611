"""The demo company generator: determinism, exact sizes, FOCUS shape, and every planted scenario, found by
querying the files it writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from balise.demo import generate, minimum_rows, natural_rows
from balise.demo.catalog import COMMITMENTS
from balise.domain.focus import COLUMNS, duckdb_type

FOCUS12 = [c for c in COLUMNS if c.since <= "1.2"]
USD_EUR = 0.87  # rough rate, only to weigh USD and EUR spend together in shares
EUR = f"(EffectiveCost * CASE WHEN BillingCurrency = 'USD' THEN {USD_EUR} ELSE 1 END)"
UNTAGGED = "(Tags IS NULL OR Tags = '{}')"


def _sha(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def _open(paths: list[Path]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    listing = "[" + ", ".join(f"'{p}'" for p in paths) + "]"
    if paths[0].suffix == ".csv":
        types = "{" + ", ".join(f"'{c.name}': '{duckdb_type(c.name)}'" for c in FOCUS12) + "}"
        src = f"read_csv({listing}, header = true, columns = {types}, timestampformat = '%Y-%m-%dT%H:%M:%SZ')"
    else:
        src = f"read_parquet({listing})"
    con.execute(f"CREATE VIEW f AS SELECT * FROM {src}")
    return con


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def con(demo: list[Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    c = _open(demo)
    yield c
    c.close()


def test_files_and_header(demo: list[Path]) -> None:
    months = [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    assert [p.name for p in demo] == [f"demo-{prov}-{m}.csv" for prov in ("aws", "azure", "ovhcloud", "scaleway")
                                      for m in months]
    for p in demo:
        with p.open(encoding="utf-8") as fh:
            assert fh.readline().rstrip("\n").split(",") == [c.name for c in FOCUS12]
    line = demo[0].read_text(encoding="utf-8").splitlines()[1]
    assert "T00:00:00Z," in line and '"{""team"":""web""' in line  # UTC timestamps, quoted JSON tags


def test_same_arguments_same_bytes(demo: list[Path], tmp_path: Path) -> None:
    again = generate(tmp_path / "again")
    assert _sha(again) == _sha(demo)
    other = generate(tmp_path / "other", seed=7)
    assert _sha(other) != _sha(demo)
    small = [generate(tmp_path / f"p{k}", 6_000, fmt="parquet") for k in range(2)]
    assert _sha(small[0]) == _sha(small[1])


def test_default_size(con: duckdb.DuckDBPyConnection) -> None:
    n = con.execute("SELECT count(*) FROM f").fetchone()[0]
    assert n == natural_rows() and 40_000 <= n <= 120_000


@pytest.mark.parametrize("rows", [50_000, 123_457])
def test_exact_row_count(tmp_path: Path, rows: int) -> None:
    c = _open(generate(tmp_path, rows))
    assert c.execute("SELECT count(*) FROM f").fetchone()[0] == rows


def test_too_few_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(tmp_path, minimum_rows() - 1)
    with pytest.raises(ValueError, match="first_month"):
        generate(tmp_path, first_month="11/2025")


def test_mandatory_columns_and_periods(con: duckdb.DuckDBPyConnection) -> None:
    mandatory = [c.name for c in COLUMNS if c.mandatory]
    assert mandatory
    nulls = con.execute(f"SELECT {', '.join(f'count(*) - count({m})' for m in mandatory)} FROM f").fetchone()
    assert dict(zip(mandatory, nulls, strict=True)) == dict.fromkeys(mandatory, 0)
    bad = con.execute("""SELECT count(*) FROM f WHERE NOT (ChargePeriodEnd > ChargePeriodStart
        AND ChargePeriodStart >= BillingPeriodStart AND ChargePeriodEnd <= BillingPeriodEnd)""").fetchone()[0]
    assert bad == 0
    months = con.execute("SELECT min(BillingPeriodStart), max(BillingPeriodEnd), count(DISTINCT BillingPeriodStart)"
                         " FROM f").fetchone()
    assert (months[0].date(), months[1].date(), months[2]) == (date(2025, 11, 1), date(2026, 11, 1), 12)


def test_providers_currencies_and_accounts(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""SELECT ProviderName, list(DISTINCT BillingCurrency), list(DISTINCT PricingCurrency),
        list(DISTINCT PublisherName), list(DISTINCT InvoiceIssuerName), count(DISTINCT SubAccountId),
        list(DISTINCT RegionId ORDER BY RegionId) FILTER (WHERE RegionId IS NOT NULL)
        FROM f GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        ("AWS", ["USD"], ["USD"], ["AWS"], ["AWS"]),
        ("Microsoft", ["EUR"], ["EUR"], ["Microsoft"], ["Microsoft"]),
        ("OVHcloud", ["EUR"], ["EUR"], ["OVHcloud"], ["OVHcloud"]),
        ("Scaleway", ["EUR"], ["EUR"], ["Scaleway"], ["Scaleway"])]
    assert all(2 <= r[5] <= 4 for r in rows)
    assert [r[6] for r in rows] == [["eu-central-1", "eu-west-3", "us-east-1"], ["francecentral", "westeurope"],
                                   ["eu-west-gra", "eu-west-rbx", "eu-west-sbg"], ["fr-par", "nl-ams"]]
    categories = {r[0] for r in con.execute("SELECT DISTINCT ServiceCategory FROM f").fetchall()}
    assert {"Compute", "Storage", "Databases", "Networking", "AI and Machine Learning"} <= categories


def test_monthly_spend_is_a_small_company(con: duckdb.DuckDBPyConnection) -> None:
    per_month = [r[0] for r in con.execute(f"SELECT sum({EUR}) FROM f GROUP BY BillingPeriodStart").fetchall()]
    assert len(per_month) == 12 and all(25_000 <= x <= 40_000 for x in per_month)


def test_forgotten_resources(con: duckdb.DuckDBPyConnection) -> None:
    # A VM without an owner tag, billed every day of the 12 months at the same price.
    vms = con.execute("""SELECT ResourceName, ResourceId FROM f
        WHERE ResourceType = 'Virtual Machine' AND ChargeCategory = 'Usage'
        GROUP BY ALL HAVING bool_and(json_extract_string(Tags, '$.owner') IS NULL)
            AND count(DISTINCT BillingPeriodStart) = 12 AND count(*) = 365 AND min(BilledCost) = max(BilledCost)
            AND min(BilledCost) > 0""").fetchall()
    assert [v[0] for v in vms] == ["poc-migration-2024"]
    assert vms[0][1].startswith("arn:aws:ec2:eu-central-1:604185273948:instance/i-0")
    idle = con.execute("""SELECT ProviderName, ResourceType, ResourceName, count(*), min(BilledCost) > 0
        FROM f WHERE ResourceType IN ('Volume', 'IP Address')
            AND (ChargeDescription ILIKE '%unattached%' OR ChargeDescription ILIKE '%not attached%')
        GROUP BY ALL ORDER BY 1""").fetchall()
    assert idle == [("Microsoft", "Volume", "vm-recette-01_OsDisk_1_5c2e9a", 365, True),
                    ("OVHcloud", "IP Address", "fip-51.210.14.87", 365, True)]


def test_gpu_anomaly(con: duckdb.DuckDBPyConnection) -> None:
    spikes = con.execute("""WITH s AS (SELECT CAST(ChargePeriodStart AS DATE) AS day, sum(EffectiveCost) AS cost
            FROM f WHERE ProviderName = 'Microsoft' AND ServiceName = 'Azure Machine Learning' GROUP BY 1)
        SELECT day, cost / (SELECT median(b.cost) FROM s b WHERE b.day BETWEEN s.day - 28 AND s.day - 1) AS ratio
        FROM s WHERE day >= DATE '2025-11-29' AND ratio >= 5 ORDER BY day""").fetchall()
    assert [str(d) for d, _ in spikes] == ["2026-07-13", "2026-07-14", "2026-07-15", "2026-07-16"]
    assert all(ratio <= 10 for _, ratio in spikes)


def test_commitments(con: duckdb.DuckDBPyConnection) -> None:
    purchases = con.execute("""SELECT CommitmentDiscountId, count(*), bool_and(EffectiveCost = 0 AND BilledCost > 0)
        FROM f WHERE ChargeCategory = 'Purchase' GROUP BY 1 ORDER BY 1""").fetchall()
    assert purchases == sorted((c.id, 12, True) for c in COMMITMENTS.values())
    used = con.execute("""SELECT count(*), bool_and(BilledCost = 0 AND EffectiveCost > 0 AND EffectiveCost < ListCost
            AND PricingCategory = 'Committed' AND CommitmentDiscountType IS NOT NULL
            AND CommitmentDiscountCategory IN ('Spend', 'Usage') AND ProviderName = 'AWS')
        FROM f WHERE CommitmentDiscountStatus = 'Used'""").fetchone()
    assert used[0] > 0 and used[1]
    unused = con.execute("""SELECT list(DISTINCT strftime(BillingPeriodStart, '%Y-%m') ORDER BY strftime(BillingPeriodStart, '%Y-%m')),
        bool_and(EffectiveCost > 0 AND BilledCost = 0) FROM f WHERE CommitmentDiscountStatus = 'Unused'""").fetchone()
    assert unused == (["2026-03", "2026-04"], True)
    # The monthly fee is exactly what the usage was charged (amortised) plus what went unused.
    gaps = con.execute("""SELECT max(abs(fee - amortised)) FROM (
        SELECT sum(BilledCost) FILTER (WHERE ChargeCategory = 'Purchase') AS fee,
            sum(EffectiveCost) FILTER (WHERE ChargeCategory = 'Usage') AS amortised
        FROM f WHERE CommitmentDiscountId IS NOT NULL GROUP BY CommitmentDiscountId, BillingPeriodStart)""").fetchone()
    assert gaps[0] < 1e-6
    coverage = con.execute("""SELECT sum(ListCost) FILTER (WHERE CommitmentDiscountStatus = 'Used') / sum(ListCost)
        FROM f WHERE ProviderName = 'AWS' AND ServiceCategory = 'Compute' AND ChargeCategory = 'Usage'
            AND CommitmentDiscountStatus IS DISTINCT FROM 'Unused'""").fetchone()[0]
    assert 0.40 <= coverage <= 0.55


def test_health_and_personal_data(con: duckdb.DuckDBPyConnection) -> None:
    health = con.execute("""SELECT DISTINCT ProviderName, RegionId, ResourceName FROM f
        WHERE json_extract_string(Tags, '$."data-class"') = 'health' ORDER BY 3""").fetchall()
    assert {(p, r) for p, r, _ in health} == {("AWS", "eu-west-3")}
    assert {"rdv-patients-db", "anum-rdvsante-documents", "rdv-app-01"} <= {n for _, _, n in health}
    personal_us = con.execute("""SELECT DISTINCT ResourceName FROM f WHERE RegionId = 'us-east-1'
        AND json_extract_string(Tags, '$."data-class"') = 'personal' ORDER BY 1""").fetchall()
    assert [r[0] for r in personal_us] == ["anum-crm-exports-us", "crm-sync-worker"]
    classes = {r[0] for r in con.execute("SELECT DISTINCT json_extract_string(Tags, '$.\"data-class\"') FROM f")
               .fetchall()}
    assert classes == {"health", "personal", "internal", "public", None}


def test_tags_untagged_share_and_variants(con: duckdb.DuckDBPyConnection) -> None:
    share = con.execute(f"SELECT sum({EUR}) FILTER (WHERE {UNTAGGED}) / sum({EUR}) FROM f"
                        " WHERE ChargeCategory = 'Usage'").fetchone()[0]
    assert 0.08 <= share <= 0.20
    keys = {r[0] for r in con.execute("SELECT DISTINCT unnest(json_keys(Tags)) FROM f WHERE Tags IS NOT NULL")
            .fetchall()}
    assert {"team", "Team", "env", "environment", "project", "cost-center", "owner"} <= keys
    both = con.execute("SELECT count(*) FILTER (WHERE Tags IS NULL), count(*) FILTER (WHERE Tags = '{}') FROM f"
                       " WHERE ChargeCategory = 'Usage'").fetchone()
    assert both[0] > 0 and both[1] > 0


def test_seasonality_growth_and_vat(con: duckdb.DuckDBPyConnection) -> None:
    weekday, weekend = con.execute("""SELECT avg(c) FILTER (WHERE isodow(day) <= 5), avg(c) FILTER (WHERE isodow(day) > 5)
        FROM (SELECT CAST(ChargePeriodStart AS DATE) AS day, sum(BilledCost) AS c FROM f
              WHERE ServiceName = 'Amazon CloudFront' GROUP BY 1)""").fetchone()
    assert weekday > 1.5 * weekend
    first, last = con.execute("""SELECT arg_min(c, m), arg_max(c, m) FROM (SELECT BillingPeriodStart AS m,
        sum(ConsumedQuantity) / count(DISTINCT ChargePeriodStart) AS c FROM f WHERE ServiceCategory = 'Storage'
        AND ChargeCategory = 'Usage' AND ConsumedUnit = 'GB-Hours' GROUP BY 1)""").fetchone()
    assert 1.2 < last / first < 1.4  # ~2.5 %/month over 11 months
    vat = con.execute("""SELECT ProviderName, count(*) FILTER (WHERE ChargeCategory = 'Tax'),
        max(abs(tax - 0.2 * base)) FROM (SELECT ProviderName, BillingPeriodStart,
            sum(BilledCost) FILTER (WHERE ChargeCategory = 'Tax') AS tax,
            sum(BilledCost) FILTER (WHERE ChargeCategory <> 'Tax') AS base, any_value(ChargeCategory) AS ChargeCategory
            FROM f GROUP BY ALL) GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(p, round(gap, 2)) for p, _, gap in vat if gap is not None] == [("OVHcloud", 0.0), ("Scaleway", 0.0)]


def test_parquet_and_csv_agree(tmp_path: Path) -> None:
    totals = []
    for fmt in ("csv", "parquet"):
        paths = generate(tmp_path / fmt, 30_000, fmt=fmt)  # type: ignore[arg-type]
        assert all(p.suffix == f".{fmt}" for p in paths)
        c = _open(paths)
        totals.append(c.execute("""SELECT ProviderName, count(*), sum(BilledCost), sum(EffectiveCost), sum(ListCost),
            count(Tags), min(ChargePeriodStart) FROM f GROUP BY 1 ORDER BY 1""").fetchall())
        if fmt == "parquet":
            types = dict(c.execute("SELECT column_name, column_type FROM (DESCRIBE f)").fetchall())
            assert [types[n] for n in ("BilledCost", "ChargePeriodStart", "Tags")] == ["DOUBLE", "TIMESTAMP", "VARCHAR"]
            assert list(types) == [col.name for col in FOCUS12]
    for a, b in zip(*totals, strict=True):
        assert a[:2] == b[:2] and a[5:] == b[5:]
        assert all(abs(x - y) < 1e-6 for x, y in zip(a[2:5], b[2:5], strict=True))


def test_scaled_demo_keeps_the_scenarios(tmp_path: Path) -> None:
    c = _open(generate(tmp_path, 300_000, fmt="parquet"))
    assert c.execute("SELECT count(*) FROM f").fetchone()[0] == 300_000
    forgotten = c.execute("SELECT count(DISTINCT ResourceId) FROM f WHERE ResourceName LIKE 'poc-migration-2024%'"
                          ).fetchone()[0]
    assert forgotten >= 5  # one per copy of the fleet
    share = c.execute(f"SELECT sum({EUR}) FILTER (WHERE {UNTAGGED}) / sum({EUR}) FROM f"
                      " WHERE ChargeCategory = 'Usage'").fetchone()[0]
    assert 0.08 <= share <= 0.20
    ratio = c.execute("""SELECT max(cost) FILTER (WHERE day BETWEEN DATE '2026-07-13' AND DATE '2026-07-16')
            / median(cost) FILTER (WHERE day BETWEEN DATE '2026-06-15' AND DATE '2026-07-12')
        FROM (SELECT CAST(ChargePeriodStart AS DATE) AS day, sum(EffectiveCost) AS cost FROM f
              WHERE ServiceName = 'Azure Machine Learning' GROUP BY 1)""").fetchone()[0]
    assert 5 <= ratio <= 10
    ids = c.execute("SELECT count(*), count(DISTINCT ResourceId) FROM f WHERE ResourceId IS NOT NULL"
                    " AND ChargePeriodStart = TIMESTAMP '2026-10-31' AND ChargeCategory = 'Usage'"
                    " AND ResourceType <> 'Reserved Instance'").fetchone()
    assert ids[0] == ids[1]  # one row per resource and day: copies have their own ids
