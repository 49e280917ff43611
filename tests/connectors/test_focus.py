"""FOCUS files: the real 1.0 sample and the 1.2 specification examples."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


def _native_sums(path: Path, column: str, currency_col: str | None = "BillingCurrency") -> dict[str, float]:
    out: dict[str, float] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            v = row[column]
            if v not in ("", "NULL", "null"):
                cur = row[currency_col] if currency_col else "USD"
                out[cur] = out.get(cur, 0.0) + float(v)
    return out


def test_focus_1_0_sample_money_to_the_cent(shared_data: Path, convert) -> None:
    path = shared_data / "focus/focus-1.0/focus_sample.csv"
    staged, rel = convert(path)
    assert staged.connector.name == "focus"
    assert staged.rows == 1000
    for metric, col in [("billed", "BilledCost"), ("effective", "EffectiveCost"), ("list", "ListCost"),
                        ("contracted", "ContractedCost")]:
        native = _native_sums(path, col)
        assert set(native) == set(staged.totals) == {"USD"}
        assert round(staged.totals["USD"][metric], 2) == round(native["USD"], 2), metric
    # the literal NULL strings became real nulls, the space-separated timestamps real timestamps
    nulls, = rel.aggregate("count(*) FILTER (WHERE AvailabilityZone IS NULL)").fetchall()[0]
    assert nulls > 0
    first, = rel.aggregate("min(ChargePeriodStart)").fetchall()[0]
    assert first.year == 2024 and first.month == 9
    providers = dict(rel.aggregate("x_Provider, count(*)", "x_Provider").fetchall())
    assert providers == {"aws": 942, "azure": 51, "oci": 7}


def test_focus_partitions_follow_provider_account_period(shared_data: Path, convert) -> None:
    staged, _ = convert(shared_data / "focus/focus-1.0/focus_sample.csv")
    keys = {(p.provider, p.period) for p in staged.partitions}
    assert ("aws", "2024-09") in keys and ("oci", "2024-10") in keys
    assert sum(p.rows for p in staged.partitions) == 1000


SPEC = "focus/spec-examples-1.2"


@pytest.mark.parametrize("name", [
    "commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv",
    "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
    "saas_examples/spend_agreements/saas_spend_agreements_a1.csv",
])
def test_spec_examples_ingest_with_their_currency(shared_data: Path, convert, name: str) -> None:
    path = shared_data / SPEC / name
    has_currency = "BillingCurrency" in path.read_text().splitlines()[0]
    staged, rel = convert(path, default_currency=None if has_currency else "USD")
    native = _native_sums(path, "BilledCost", "BillingCurrency" if has_currency else None)
    assert {c: round(v["billed"], 2) for c, v in staged.totals.items()} == {
        c: round(v, 2) for c, v in native.items()}
    effective, = rel.aggregate("sum(EffectiveCost)").fetchall()[0]
    assert round(effective, 2) == round(sum(_native_sums(path, "EffectiveCost", None).values()), 2)


def test_spec_example_without_currency_asks_for_it(shared_data: Path, convert) -> None:
    from balise.errors import BadSourceError
    with pytest.raises(BadSourceError, match="--currency"):
        convert(shared_data / SPEC / "commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv")


def test_spec_example_with_impossible_hour_names_line_and_column(shared_data: Path, convert) -> None:
    """The specification's purchase scenario 2 has ChargePeriodEnd 2023-02-01T30:00:00Z (hour 30)."""
    from balise.errors import BadSourceError
    path = shared_data / SPEC / "commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv"
    with pytest.raises(BadSourceError) as err:
        convert(path, default_currency="USD")
    p = err.value.problem
    assert (p.line, p.column, p.value) == (4, "ChargePeriodEnd", "2023-02-01T30:00:00Z")
    staged, _ = convert(path, default_currency="USD", skip_bad_rows=True)
    assert staged.rows == 2 and len(staged.rejected) == 1
    assert staged.rejected_cost == {"USD": 1.0}


def test_focus_json_lines_with_nested_tags_and_lower_case_categories(convert) -> None:
    """Google's FOCUS view exported as JSON lines: Tags is a list of key/value records, ChargeCategory is
    lower case. Stored Tags must be JSON objects and categories the FOCUS spelling."""
    import json

    path = Path(__file__).parent / "fixtures/gcp/focus-view-2026-03.jsonl"
    staged, rel = convert(path)
    assert staged.connector.name == "focus"
    source_rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    with_tags = [r for r in source_rows if r.get("Tags")]
    stored = [t for (t,) in rel.filter("Tags IS NOT NULL").project("Tags").fetchall()]
    assert len(stored) == len(with_tags) > 0
    for text in stored:
        assert isinstance(json.loads(text), dict)
    cats = {c for (c,) in rel.project("ChargeCategory").distinct().fetchall()}
    assert cats <= {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
    assert {str(r.get("ChargeCategory")).capitalize() for r in source_rows} == cats


def test_focus_1_3_columns_are_carried(convert, tmp_path: Path) -> None:
    """FOCUS 1.3 renamed ProviderName to ServiceProviderName and added columns such as ContractApplied:
    they are stored, and the provider is still known."""
    import json

    f = tmp_path / "focus-1.3.csv"
    f.write_text(
        "BilledCost,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
        "ServiceProviderName,HostProviderName,ContractApplied,AllocatedMethodId\n"
        '12.5,EUR,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,Usage,OVHcloud,OVHcloud,'
        '"{""Elements"":[{""ContractId"":""c-1""}]}",proportional\n')
    staged, rel = convert(f)
    assert staged.connector.name == "focus" and staged.rows == 1
    provider, host, contract, method = rel.project(
        "x_Provider, HostProviderName, ContractApplied, AllocatedMethodId").fetchall()[0]
    assert (provider, host, method) == ("ovhcloud", "OVHcloud", "proportional")
    assert json.loads(contract)["Elements"][0]["ContractId"] == "c-1"


def test_focus_parquet_and_gzip_give_the_same_rows(shared_data: Path, convert, tmp_path: Path) -> None:
    import gzip

    import duckdb

    src = shared_data / "focus/focus-1.0/focus_sample.csv"
    gz = tmp_path / "sample.csv.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    pq = tmp_path / "sample.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{src}', nullstr='NULL', all_varchar=true)) TO '{pq}' (FORMAT parquet)")
    totals = [convert(p)[0].totals for p in (src, gz, pq)]
    assert totals[0] == totals[1]
    assert {c: round(v["billed"], 9) for c, v in totals[0].items()} == {
        c: round(v["billed"], 9) for c, v in totals[2].items()}
