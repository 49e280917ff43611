"""`balise demo` end to end: the numbers it reports are the numbers in the generated bills."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from balise.demo.generator import generate


def test_demo_report_matches_the_generated_bills(balise, tmp_path: Path) -> None:
    rep = balise.json("demo", "-f", "json")
    assert rep["tenant"] == "demo" and rep["month"] == "2026-10" and rep["currency"] == "EUR"
    assert rep["sections"] == ["spend", "breakdown", "tagging", "kpis", "findings", "carbon", "sovereignty", "posture"]

    files = generate(tmp_path / "bills")  # same arguments as `balise demo`: the same bytes
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    native = dict(((p, c), v) for p, c, v in duckdb.sql(
        f"SELECT ProviderName, BillingCurrency, sum(CAST(BilledCost AS DOUBLE)) "
        f"FROM read_csv({listing}, all_varchar=true) WHERE ChargePeriodStart LIKE '2026-10%' GROUP BY ALL").fetchall())
    lines = balise.json("costs", "--tenant", "demo", "--by", "provider", "--from", "2026-10", "--to", "2026-10",
                        "-f", "json")
    names = {"aws": "AWS", "azure": "Microsoft", "ovhcloud": "OVHcloud", "scaleway": "Scaleway"}
    assert {(names[x["key"]], x["currency"]): x["cost"] for x in lines} == {k: round(v, 2) for k, v in native.items()}
    # the report's EUR total is those native totals converted at the rates it names
    rates = {r["currency"]: r["per_eur"] for r in rep["rates"]}
    expected = sum(v / rates.get(cur, 1.0) for (_, cur), v in native.items())
    assert abs(rep["total"] - expected) < 0.05
    # providers and the untagged share
    assert {p["key"] for p in rep["top"]["providers"]} == set(names)
    assert 0.05 < rep["untagged"]["share"] < 0.25
    srcs = balise.json("sources", "--tenant", "demo", "-f", "json")
    assert len(srcs) == len(files) == 48 and all(s["status"] == "live" for s in srcs)
    # the KPI table and the top findings with their euros
    kpis = {k["id"]: k for k in rep["kpis"]}
    assert kpis["forgotten_instances"]["value"] == 1 and kpis["forgotten_instances"]["status"] == "alert"
    # the CO2e intensity is live: operational kgCO2e per MWh drawn (IT kWh x PUE), the figures of `balise carbon`
    co2 = kpis["co2e_intensity"]
    assert co2["status"] == "ok" and co2["threshold"]["value"] == 100.0
    assert co2["value"] == pytest.approx(co2["inputs"]["kgco2e_operational"] / co2["inputs"]["kwh_facility"] * 1000,
                                         rel=1e-3)
    month = balise.json("carbon", "--tenant", "demo", "--by", "month", "--month", "2026-10", "-f", "json")[0]
    # one month's figure does not depend on the range asked for: the KPI (whole history), the report and
    # `balise carbon --month` agree
    assert co2["value"] == pytest.approx(month["kgco2e_operational"] / month["kwh_facility"] * 1000, rel=1e-4)
    assert co2["value"] == pytest.approx(rep["carbon"]["intensity_kg_per_mwh"], rel=1e-4)
    assert rep["carbon"]["kgco2e"] == pytest.approx(month["kgco2e"], rel=1e-6)
    top = rep["findings"]["top"]
    assert len(top) == 5 and rep["findings"]["open"] >= len(top)
    savings = [t["monthly_saving_eur"] for t in top]
    assert savings == sorted(savings, reverse=True)
    poc = next(t for t in top if t["code"] == "FIN-001")
    # poc-migration-2024: 11.04 $ a day, a month of 365/12 days, at the October 2026 USD rate the report names
    assert poc["subject"]["name"] == "poc-migration-2024"
    assert abs(poc["monthly_saving_eur"] - 11.04 * 365 / 12 / rates["USD"]) < 0.05
    # running the demo again replaces it: same totals, nothing doubled, the same findings (not duplicated)
    again = balise.json("demo", "-f", "json")
    assert again["total"] == rep["total"]
    assert again["findings"]["open"] == rep["findings"]["open"]
    assert [t["id"] for t in again["findings"]["top"]] == [t["id"] for t in top]
