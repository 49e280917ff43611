"""The JSON outputs are contracts (docs/json.md): their keys and meanings are tested here, on real data."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb

SAMPLE = "focus/focus-1.0/focus_sample.csv"


def _native(shared_data: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    with (shared_data / SAMPLE).open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            out[r["ServiceName"]] = out.get(r["ServiceName"], 0.0) + float(r["BilledCost"])
    return out


def test_ingest_costs_sources_report_export_contracts(balise, shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / SAMPLE
    ing = balise.json("ingest", str(path), "--tenant", "acme", "-o", "json")
    assert set(ing) >= {"ingest_id", "tenant", "sources", "replaced_files", "seconds"}
    (src,) = ing["sources"]
    assert src["format"] == "focus" and src["rows"] == 1000 and src["periods"] == ["2024-09", "2024-10"]
    assert src["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()

    lines = balise.json("costs", "--tenant", "acme", "--by", "service", "-f", "json")
    assert all(set(x) >= {"key", "cost", "currency"} for x in lines)
    native = _native(shared_data)
    assert {x["key"]: x["cost"] for x in lines} == {k: round(v, 2) for k, v in native.items()}
    costs_sorted = [x["cost"] for x in lines]
    assert costs_sorted == sorted(costs_sorted, reverse=True)

    eur = balise.json("costs", "--tenant", "acme", "--by", "provider", "--currency", "EUR", "-f", "json")
    assert {x["currency"] for x in eur} == {"EUR"}
    usd = {x["key"]: x["cost"] for x in balise.json("costs", "--tenant", "acme", "--by", "provider", "-f", "json")}
    for x in eur:  # every converted line names its rates, and the conversion is USD / (USD per EUR)
        assert x["rates"] and x["rates"][0]["currency"] == "USD" and x["rates"][0]["source"].startswith("ECB")
    aws = next(x for x in eur if x["key"] == "aws")
    r = aws["rates"]
    if len(r) == 1:
        assert abs(aws["cost"] - usd["aws"] / r[0]["per_eur"]) < 0.011

    month = balise.json("costs", "--tenant", "acme", "--by", "month", "-f", "json")
    assert [x["key"] for x in month] == ["2024-09"]

    srcs = balise.json("sources", "--tenant", "acme", "-f", "json")
    assert set(srcs[0]) >= {"file", "sha256", "format", "rows", "periods", "totals", "ingested_at", "status"}
    assert srcs[0]["status"] == "live"
    assert round(srcs[0]["totals"]["USD"]["billed"], 2) == round(sum(_native(shared_data).values()), 2)

    rep = balise.json("report", "--tenant", "acme", "-f", "json")
    assert rep["month"] == "2024-09" and rep["currency"] == "EUR"
    assert set(rep["top"]) == {"services", "providers", "regions"}
    assert abs(rep["total"] - sum(x["cost"] for x in eur)) < 0.02
    assert 0 <= rep["untagged"]["share"] <= 1

    for fmt, name in (("focus-parquet", "out.parquet"), ("focus-csv", "out.csv")):
        out = tmp_path / name
        balise("export", "--tenant", "acme", "--format", fmt, "--out", str(out))
        reader = "read_parquet" if fmt == "focus-parquet" else "read_csv"
        n, total = duckdb.sql(f"SELECT count(*), sum(BilledCost) FROM {reader}('{out}')").fetchall()[0]
        assert n == 1000 and round(total, 2) == round(sum(_native(shared_data).values()), 2)
    # the exported FOCUS CSV ingests back to the same totals (round trip)
    balise("ingest", str(tmp_path / "out.csv"), "--tenant", "roundtrip")
    back = balise.json("costs", "--tenant", "roundtrip", "--by", "service", "-f", "json")
    assert {x["key"]: x["cost"] for x in back} == {x["key"]: x["cost"] for x in lines}


def test_tag_grouping_is_case_insensitive(balise, shared_data: Path, tmp_path: Path) -> None:
    f = tmp_path / "tags.csv"
    f.write_text(
        "BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,Tags\n"
        '10,EUR,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,Usage,OVHcloud,"{""Team"":""web""}"\n'
        '5,EUR,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,Usage,OVHcloud,"{""team"":""data""}"\n'
        '2.5,EUR,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,Usage,OVHcloud,\n')
    balise("ingest", str(f), "--tenant", "acme")
    by = {x["key"]: x["cost"] for x in balise.json("costs", "--tenant", "acme", "--by", "tag:TEAM", "-f", "json")}
    assert by == {"web": 10.0, "data": 5.0, "(untagged)": 2.5}


def test_usage_errors_exit_2(balise, shared_data: Path) -> None:
    balise("ingest", str(shared_data / SAMPLE), "--tenant", "acme")
    assert "unknown tenant 'nope'" in balise("costs", "--tenant", "nope", check=2).stderr
    assert "cannot group by" in balise("costs", "--tenant", "acme", "--by", "colour", check=2).stderr
    assert "YYYY-MM" in balise("costs", "--tenant", "acme", "--from", "2024-13", check=2).stderr
    assert "invalid tenant name" in balise("ingest", str(shared_data / SAMPLE), "--tenant", "Bad Name",
                                           check=2).stderr
