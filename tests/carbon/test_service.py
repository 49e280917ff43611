"""Carbon figures of the demo company and of the real FOCUS sample, traced to their factors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from balise.errors import BadSourceError
from balise.reference.fx import Rates
from balise.services import carbon
from balise.services.ingest import ingest
from balise.services.workspace import Workspace

SAMPLE = "focus/focus-1.0/focus_sample.csv"
FIXTURES = Path(__file__).parent / "fixtures"
HOURS = 8760  # the demo's forgotten m5.2xlarge runs every hour of its 12 months (docs/demo-company.md)


def total(lines: list[carbon.Line], attr: str = "kgco2e") -> float:
    return sum(getattr(x, attr) if attr == "kgco2e" else x.total(attr) for x in lines)


def test_demo_totals_do_not_depend_on_the_dimension(demo: Workspace, rates: Rates) -> None:
    by = {d: carbon.estimate(demo, "demo", d, rates=rates) for d in ("month", "provider", "service", "region",
                                                                      "tag:team", "resource")}
    ref = total(by["month"].lines)
    assert 3500 < ref < 4500  # ~4 tCO2e for the demo's year (docs/carbon.md)
    for d, r in by.items():
        assert total(r.lines) == pytest.approx(ref, rel=1e-9), d
        assert total(r.lines, "kwh") == pytest.approx(total(by["month"].lines, "kwh"), rel=1e-9), d
    assert [x.key for x in by["month"].lines] == [f"{y}-{m:02d}" for y, m in
                                                  [(2025, 11), (2025, 12)] + [(2026, i) for i in range(1, 11)]]
    assert {x.key for x in by["provider"].lines} == {"aws", "azure", "ovhcloud", "scaleway"}
    assert "(untagged)" in {x.key for x in by["tag:team"].lines}
    # every estimate names its method, factors, their year and a confidence
    for line in by["service"].lines:
        assert line.confidence() in ("high", "medium", "low", "none")
        for c in line.components.values():
            assert c.f.method in ("ccf-compute", "ccf-storage", "ccf-network", "ccf-serverless", "spend-based")
            assert c.f.pue is not None and c.f.pue.source and c.f.grid is not None and c.f.grid.year
            assert c.f.factors


def test_demo_forgotten_m5_in_frankfurt_by_hand(demo: Workspace, rates: Rates) -> None:
    """poc-migration-2024: m5.2xlarge (8 vCPU, 32 GB, host 96 vCPU / 384 GB, Skylake, 1610.79 kg) in
    eu-central-1 (311 gCO2e/kWh, CCF app), PUE 1.135, no utilisation sample: 50 %."""
    r = carbon.estimate(demo, "demo", "resource", rates=rates)
    (line,) = [x for x in r.lines if str(x.key).endswith(tuple("0123456789abcdef")) and any(
        c.f.instance_type == "m5.2xlarge" for c in x.components.values())]
    (c,) = line.components.values()
    assert c.quantity == HOURS and c.utilisation == []
    lo, hi, gb = 0.6129888539040325, 4.104170352960531, 75.09995781995782
    kwh = 8 * HOURS * (lo + 0.5 * (hi - lo)) / 1000 + (384 - gb) / (384 / 32) * HOURS * 0.000392
    assert c.kwh == pytest.approx(kwh, rel=1e-9)
    assert c.operational == pytest.approx(kwh * 1.135 * 311.0 / 1000, rel=1e-9)
    assert c.embodied == pytest.approx(1610.79 * HOURS / 35040 * 8 / 96, rel=1e-9)
    assert line.confidence() == "high"


def test_demo_measured_utilisation_is_used(demo: Workspace, rates: Rates) -> None:
    r = carbon.estimate(demo, "demo", "service", rates=rates)
    ec2 = next(x for x in r.lines if x.key == "Amazon Elastic Compute Cloud")
    measured = [c for c in ec2.components.values() if c.utilisation]
    assert measured, "the demo imports CPU samples for its web VMs (balise.demo.utilisation)"
    for c in measured:
        assert all(0 <= u <= 1 for _, u in c.utilisation)


def test_json_output_of_the_cli(demo: Workspace) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "balise", "--workspace", str(demo.home), "carbon", "--tenant", "demo",
                          "--by", "provider", "--month", "2026-10", "--format", "json"], capture_output=True,
                         text=True, check=True, timeout=300)
    rows = json.loads(out.stdout)
    assert {r["key"] for r in rows} == {"aws", "azure", "ovhcloud", "scaleway"}
    for r in rows:
        assert {"key", "kgco2e", "kgco2e_operational", "kgco2e_embodied", "kwh", "confidence"} <= set(r)
        assert r["kgco2e"] == pytest.approx(r["kgco2e_operational"] + r["kgco2e_embodied"], abs=1e-3)
        for e in r["estimates"]:
            assert e["method"] and e["confidence"] and e["year"] and e["factors"]["grid"]["source"]
            assert e["factors"]["pue"]["source"]
    scw = next(r for r in rows if r["key"] == "scaleway")
    pro2 = next(e for e in scw["estimates"] if e["instance_type"] == "PRO2-S")
    assert pro2["factors"]["architectures"] == ["EPYC 3rd Gen"] and pro2["factors"]["pue"]["value"] == 1.34


def test_the_real_focus_sample(ws: Workspace, shared_data: Path, rates: Rates) -> None:
    ingest(ws, [shared_data / SAMPLE], "sample")
    r = carbon.estimate(ws, "sample", "service", rates=rates)
    assert r.rows > 0 and total(r.lines) > 0
    ec2 = next(x for x in r.lines if x.key == "Amazon Elastic Compute Cloud")
    c5 = [c for c in ec2.components.values() if c.f.instance_type == "c5.2xlarge"]
    assert c5
    files = [str(p) for p in ws.live_files("sample")]
    got = duckdb.connect().execute(
        f"SELECT sum(ConsumedQuantity) FROM read_parquet({files}) WHERE ChargeCategory = 'Usage' AND "
        "ChargeDescription LIKE '%c5.2xlarge%' AND ConsumedUnit = 'Hours' AND x_Provider = 'aws'").fetchone()
    assert got is not None
    hours = float(got[0])
    assert sum(c.quantity for c in c5) == pytest.approx(hours)
    # c5.2xlarge: 8 vCPU, 16 GB on a 72 vCPU / 192 GB Skylake host (Xeon Platinum 8124M), us-east-1 379.069 g/kWh
    lo, hi, gb = 0.6129888539040325, 4.104170352960531, 75.09995781995782
    kwh = 8 * hours * (lo + 0.5 * (hi - lo)) / 1000 + (192 - gb) / (192 / 16) * hours * 0.000392
    assert sum(c.kwh for c in c5) == pytest.approx(kwh, rel=1e-9)
    assert sum(c.embodied for c in c5) == pytest.approx(1344.29 * hours / 35040 * 8 / 72, rel=1e-9)
    methods = {c.f.method for x in r.lines for c in x.components.values()}
    assert {"ccf-compute", "ccf-storage", "spend-based"} <= methods


def test_grid_override_file(demo: Workspace, rates: Rates) -> None:
    before = {x.key: x for x in carbon.estimate(demo, "demo", "region", rates=rates).lines}
    got = carbon.import_grid(demo, "demo", FIXTURES / "grid-overrides.csv")
    assert {o.zone for o in got} == {"FR", "aws:eu-central-1"}
    try:
        after = {x.key: x for x in carbon.estimate(demo, "demo", "region", rates=rates).lines}
        fra = after["eu-west-gra"]  # an OVHcloud region in France: the country override
        assert all(c.f.grid is not None and c.f.grid.g_per_kwh == 21.7 and c.f.grid.scope == "override"
                   for c in fra.components.values())
        assert fra.total("operational") == pytest.approx(before["eu-west-gra"].total("operational") * 21.7 / 56.039)
        # a region of the file beats everything; a country of the file beats the shipped region factors there
        # (AWS Paris, 51.1 in CCF); a region in neither keeps its shipped factor (Azure West Europe, 328.4)
        assert {c.f.grid.g_per_kwh for c in after["eu-central-1"].components.values()} == {380}  # type: ignore[union-attr]
        assert {c.f.grid.g_per_kwh for c in after["eu-west-3"].components.values()} == {21.7}  # type: ignore[union-attr]
        assert {c.f.grid.g_per_kwh for c in after["westeurope"].components.values()} == {328.4}  # type: ignore[union-attr]
    finally:
        carbon.reset_grid(demo, "demo")


def test_bad_grid_file_names_line_and_column(demo: Workspace) -> None:
    with pytest.raises(BadSourceError) as e:
        carbon.import_grid(demo, "demo", FIXTURES / "grid-bad.csv")
    p = e.value.problem
    assert p.line == 3 and p.column == "gco2e_per_kwh" and p.value == "lots"
    assert carbon.grid_overrides(demo, "demo") == []  # nothing kept


def test_renewable_contracts_give_the_market_based_variant(demo: Workspace, rates: Rates) -> None:
    carbon.set_renewable(demo, "demo", "scaleway", 1.0, "Scaleway: 100 % renewable supply (impact report)")
    try:
        lines = {x.key: x for x in carbon.estimate(demo, "demo", "provider", rates=rates).lines}
        assert lines["scaleway"].total("market") == 0 and lines["scaleway"].total("operational") > 0
        assert lines["aws"].total("market") == pytest.approx(lines["aws"].total("operational"))
    finally:
        assert carbon.remove_renewable(demo, "demo", "scaleway")


def test_the_usage_summary_gives_what_the_rows_give(demo: Workspace) -> None:
    """The per-file usage summary (cache) sums to exactly what a plain SQL over the lake files gives, per
    provider, service, SKU, unit and month (usage rows only)."""
    from balise import engine

    con = engine.connect()
    got: dict[tuple[object, ...], list[float]] = {}
    for r in carbon.aggregate(demo, con, "demo", "account", None, None):
        k = (r["provider"], r["service"], r["sku"], r["unit"], r["month"])
        v = got.setdefault(k, [0.0, 0.0, 0])
        v[0] += float(r["quantity"] or 0)
        v[1] += float(r["cost"] or 0)
        v[2] += int(r["rows"])
    files = [str(p) for p in demo.live_files("demo")]
    want = duckdb.connect().execute(
        f"SELECT x_Provider, ServiceName, SkuId, ConsumedUnit, strftime(ChargePeriodStart, '%Y-%m'), "
        f"coalesce(sum(ConsumedQuantity), 0), sum(coalesce(EffectiveCost, 0)), count(*) FROM read_parquet({files}) "
        "WHERE ChargeCategory = 'Usage' GROUP BY ALL").fetchall()
    assert len(want) == len(got)
    for *key, q, c, n in want:
        g = got[tuple(key)]
        assert g[0] == pytest.approx(q, rel=1e-9, abs=1e-9) and g[1] == pytest.approx(c, rel=1e-9, abs=1e-6)
        assert g[2] == n
