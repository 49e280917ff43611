"""The real `balise` command for KPIs, budgets, units, allocation and showback, anomalies, forecasts and
commitments: JSON contracts (docs/json.md), exit codes, located errors, and figures checked against the demo's
documented scenarios (docs/demo-company.md, docs/anomalies-and-forecast.md, docs/commitments.md) and against
DuckDB over the real FOCUS sample CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

SAMPLE = "focus/focus-1.0/focus_sample.csv"


@pytest.fixture
def demo(balise: Any, copy_demo_workspace: Any) -> Any:
    copy_demo_workspace(balise.workspace)
    return balise


KPI_KEYS = {"id", "label", "value", "unit", "threshold", "status", "owner", "frequency", "inputs", "period",
            "reason"}


def test_kpis_json_contract_and_french(demo: Any) -> None:
    items = demo.json("kpis", "--tenant", "demo", "--format", "json")
    assert all(set(x) >= KPI_KEYS for x in items)
    assert {x["status"] for x in items} <= {"ok", "alert", "no_data"}
    k = {x["id"]: x for x in items}
    co2 = k["co2e_intensity"]  # live since the carbon capability: operational kgCO2e per MWh drawn (IT x PUE)
    assert co2["status"] == "ok" and co2["unit"] == "kg/MWh" and co2["reason"]
    assert co2["value"] == pytest.approx(co2["inputs"]["kgco2e_operational"] / co2["inputs"]["kwh_facility"] * 1000,
                                         rel=1e-3)
    assert 50 < co2["value"] < 100  # mostly French and European grids: under the 100 kg/MWh alert threshold
    assert k["commitment_coverage"]["threshold"] == {"operator": "<", "value": 60.0}
    assert (k["commitment_coverage"]["owner"], k["commitment_coverage"]["frequency"]) == ("FinOps lead", "quarterly")
    assert k["forecast_month_end"]["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    assert all(x["reason"] for x in items if x["status"] == "no_data")
    fr = {x["id"]: x for x in demo.json("--lang", "fr", "kpis", "--tenant", "demo", "-f", "json")}
    assert fr["cpu_utilisation"]["label"] == "Utilisation CPU moyenne"
    assert fr["mom_change"]["value"] == k["mom_change"]["value"]
    table = demo("kpis", "--tenant", "demo").stdout
    assert "Commitment coverage" in table and "ALERT" in table and "kg/MWh" in table
    assert "1 EUR = 1.1202 USD (2026-10)" in table  # the rate used for October, said on screen


def test_kpis_set_add_reset_and_errors(demo: Any, tmp_path: Path) -> None:
    demo("kpis", "set", "cpu_utilisation", "--tenant", "demo", "--threshold", "<20", "--owner", "Ops")
    k = {x["id"]: x for x in demo.json("kpis", "--tenant", "demo", "-f", "json")}
    assert k["cpu_utilisation"]["threshold"] == {"operator": "<", "value": 20.0}
    assert k["cpu_utilisation"]["owner"] == "Ops" and k["cpu_utilisation"]["changed"] == ["owner", "threshold"]
    bad = demo("kpis", "set", "cpu_utilisation", "--tenant", "demo", "--threshold", "about 20", check=2)
    assert "'<35'" in bad.stderr
    demo("kpis", "reset", "cpu_utilisation", "--tenant", "demo")
    k = {x["id"]: x for x in demo.json("kpis", "--tenant", "demo", "-f", "json")}
    assert k["cpu_utilisation"]["threshold"]["value"] == 35.0 and k["cpu_utilisation"]["owner"] == "SRE"

    f = tmp_path / "extra.yaml"
    f.write_text("kpis:\n  - id: gpu_forecast\n    label: {en: Year end, fr: Fin d'année}\n    unit: EUR\n"
                 "    computation: {metric: forecast, params: {horizon: year}}\n"
                 "    threshold: {operator: '>', value: 300000}\n    frequency: monthly\n    owner: CFO\n"
                 "    description: {en: Year-end forecast, fr: Prévision de fin d'année}\n")
    demo("kpis", "add", str(f), "--tenant", "demo")
    k = {x["id"]: x for x in demo.json("kpis", "--tenant", "demo", "-f", "json")}
    assert k["gpu_forecast"]["status"] == "alert"  # ~343 k€ forecast for 2026, over 300 k€
    assert k["gpu_forecast"]["value"] == k["forecast_year_end"]["value"]
    f.write_text(f.read_text().replace("frequency: monthly", "frequency: sometimes"))
    err = demo("kpis", "add", str(f), "--tenant", "demo", check=2).stderr
    assert f"{f}:7:16" in err and "daily, weekly, monthly, quarterly" in err
    demo("kpis", "remove", "gpu_forecast", "--tenant", "demo")
    assert "gpu_forecast" not in {x["id"] for x in demo.json("kpis", "--tenant", "demo", "-f", "json")}
    assert "--tenant" in demo("kpis", check=2).stderr
    assert "unknown tenant" in demo("kpis", "--tenant", "nobody", check=2).stderr


def test_units_and_unit_cost(demo: Any, tmp_path: Path) -> None:
    f = tmp_path / "units.csv"
    f.write_text("month,unit,quantity\n2026-10,orders,10000\n")
    demo("units", "import", str(f), "--tenant", "demo")
    k = {x["id"]: x for x in demo.json("kpis", "--tenant", "demo", "-f", "json")}
    cost = k["unit_cost.orders"]
    assert cost["unit"] == "EUR/orders" and cost["value"] == pytest.approx(cost["inputs"]["spend_eur"] / 10000,
                                                                           abs=1e-4)
    assert cost["inputs"]["spend_eur"] == pytest.approx(k["forecast_month_end"]["value"], abs=0.01)  # one figure
    f.write_text("month,unit,quantity\n2026-13,orders,5\n")
    err = demo("units", "import", str(f), "--tenant", "demo", check=2).stderr
    assert "line 2" in err and "month" in err
    listed = demo.json("units", "list", "--tenant", "demo", "-f", "json")
    assert [x for x in listed if x["unit"] == "orders"] == [
        {"unit": "orders", "month": "2026-10", "quantity": 10000.0, "source": "units.csv"}]
    # the demo's own monthly requests (balise.demo.units) are untouched by the refused file
    assert len([x for x in listed if x["unit"] == "requests" and x["source"] == "demo-units.csv"]) == 12


def test_budgets_commands(demo: Any) -> None:
    demo("budgets", "add", "cloud", "--tenant", "demo", "--monthly", "28000", "--yearly", "330000",
         "--owner", "DAF")
    demo("budgets", "add", "web", "--tenant", "demo", "--monthly", "15000", "--tag", "team=web",
         "--actual", "0.8,1.0", "--forecast", "1.0")
    assert [b["name"] for b in demo.json("budgets", "list", "--tenant", "demo", "-f", "json")] == ["cloud", "web"]
    st = {s["name"]: s for s in demo.json("budgets", "status", "--tenant", "demo", "-f", "json")}
    assert set(st["cloud"]) >= {"name", "scope", "month", "monthly", "actual", "share", "forecast",
                                "forecast_low", "forecast_high", "yearly", "ytd", "year_forecast", "crossed",
                                "status"}
    assert st["cloud"]["status"] == "alert" and st["web"]["status"] == "ok"  # 30.2 k / 28 k; 12.0 k / 15 k
    assert st["web"]["share"] < 1.0
    k = {x["id"]: x for x in demo.json("kpis", "--tenant", "demo", "-f", "json")}
    assert k["spend_vs_budget"]["inputs"]["budget_eur"] == 28000
    assert k["spend_vs_budget"]["value"] == pytest.approx(100 * (st["cloud"]["actual"] / 28000 - 1), abs=1e-3)
    assert "greater than 0" in demo("budgets", "add", "x", "--tenant", "demo", "--monthly", "-5", check=2).stderr
    assert "team=web" in demo("budgets", "add", "x", "--tenant", "demo", "--monthly", "5", "--tag", "web",
                              check=2).stderr
    demo("budgets", "remove", "web", "--tenant", "demo")
    assert "nope" in demo("budgets", "remove", "nope", "--tenant", "demo", check=2).stderr


def test_showback_formats_add_up(demo: Any, tmp_path: Path) -> None:
    out = demo("showback", "--tenant", "demo", "--by", "team", "--from", "2026-09", "--to", "2026-10", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    js = demo.json("showback", "--tenant", "demo", "--by", "team", "--from", "2026-09", "--to", "2026-10",
                   "-f", "json")
    for month in ("2026-09", "2026-10"):
        total = sum(float(r["total"]) for r in rows if r["month"] == month)
        assert total == pytest.approx(js["bill"][month], abs=0.05)  # rounding of each line to the cent
    assert {r["team"] for r in rows} == {"web", "data", "platform", "support", "(untagged)"}
    x = tmp_path / "showback.xlsx"
    demo("showback", "--tenant", "demo", "--month", "2026-10", "-f", "xlsx", "--out", str(x))
    assert zipfile.is_zipfile(x) and "xl/worksheets/sheet2.xml" in zipfile.ZipFile(x).namelist()
    assert "--out" in demo("showback", "--tenant", "demo", "-f", "xlsx", check=2).stderr
    assert "exists" in demo("showback", "--tenant", "demo", "-f", "xlsx", "--out", str(x), check=2).stderr
    cfg = tmp_path / "alloc.yaml"
    cfg.write_text("shared:\n  - {name: rest, key: team, filter: {untagged: true}, split: proportional}\n")
    demo("allocation", "import", str(cfg), "--tenant", "demo")
    split = demo.json("showback", "--tenant", "demo", "--month", "2026-10", "-f", "json")
    untagged = [x for x in split["lines"] if x["value"] is None]
    assert untagged[0]["total"] == 0  # all shared out, proportionally
    assert sum(x["total"] for x in split["lines"]) == pytest.approx(split["bill"]["2026-10"], abs=0.05)
    assert "shared:" in demo("allocation", "show", "--tenant", "demo").stdout


def test_anomalies_show_the_july_gpu_spike(demo: Any) -> None:
    rep = demo.json("anomalies", "--tenant", "demo", "--by", "service", "-f", "json")
    (spike,) = rep["spikes"]  # docs/anomalies-and-forecast.md: the only spike of the demo year
    assert (spike["key"], spike["start"], spike["end"], spike["currency"]) == (
        "Azure Machine Learning", "2026-07-13", "2026-07-16", "EUR")
    assert spike["excess"] == pytest.approx(827.86, abs=0.01)
    assert spike["contributors"][0]["resource_name"] == "gpu-train-cluster"
    acc = demo.json("anomalies", "--tenant", "demo", "--by", "account", "--from", "2026-07", "--to", "2026-07",
                    "-f", "json")
    assert [s["label"].split(" ")[0] for s in acc["spikes"]] == ["anum-data-ml"]
    assert acc["drifts"] == []  # the Scaleway credit drift is in February, outside July
    none = demo.json("anomalies", "--tenant", "demo", "--from", "2026-09", "--to", "2026-10", "-f", "json")
    assert none["spikes"] == []
    assert "2026-07-13" in demo("anomalies", "--tenant", "demo").stdout


def test_forecast_with_backtest(demo: Any) -> None:
    rep = demo.json("forecast", "--tenant", "demo", "--backtest", "-f", "json")
    (total,) = rep["forecasts"]
    me, ye, bt = total["month_end"], total["year_end"], total["backtest"]
    assert (me["period_start"], me["period_end"]) == ("2026-11-01", "2026-11-30")  # the next month to come
    assert me["low"] < me["forecast"] < me["high"] and 27_000 < me["forecast"] < 32_000
    assert (ye["period_start"], ye["period_end"]) == ("2026-01-01", "2026-12-31") and ye["low"] < ye["forecast"]
    assert bt["forecasts"] == 18 and bt["mape"] < 0.02 and 0.5 <= bt["coverage"] <= 1.0
    assert bt["mape"] < bt["naive_mape"]
    by = demo.json("forecast", "--tenant", "demo", "--by", "provider", "-f", "json")
    assert {f["key"] for f in by["forecasts"]} == {"aws", "azure", "ovhcloud", "scaleway"}
    assert sum(f["month_end"]["forecast"] for f in by["forecasts"]) == pytest.approx(me["forecast"], rel=0.01)


def test_commitments_match_the_documented_demo_table(demo: Any) -> None:
    march = demo.json("commitments", "--tenant", "demo", "--month", "2026-03", "-f", "json")
    usd = {c["currency"]: c for c in march["currencies"]}["USD"]
    # docs/commitments.md, "The demo company": 2026-03 77.0 % (RI 33.3 %), 40.3 %, 12.0 %, 487.11 $
    assert round(usd["utilisation"]["value"], 3) == 0.770 and round(usd["coverage"]["value"], 3) == 0.403
    assert round(usd["savings_rate"]["value"], 3) == 0.120 and usd["unused_cost"] == 487.11
    ri = {c["name"]: c for c in march["commitments"]}
    assert round(ri["ri-c6i-2xlarge-batch"]["utilisation"]["value"], 3) == 0.333
    assert ri["sp-compute-1y-noupfront"]["utilisation"]["value"] == 1.0
    year = demo.json("commitments", "--tenant", "demo", "--from", "2025-11", "--to", "2026-10", "-f", "json")
    usd = {c["currency"]: c for c in year["currencies"]}["USD"]
    # 2025-11..2026-10: 96.2 % (savings plan 100 %, RI 88.9 %), 46.3 %, 14.6 %, 958.51 $
    assert usd["period"] == "2025-11..2026-10"
    assert round(usd["utilisation"]["value"], 3) == 0.962 and round(usd["coverage"]["value"], 3) == 0.463
    assert round(usd["savings_rate"]["value"], 3) == 0.146 and usd["unused_cost"] == 958.51
    cds = {c["name"]: c for c in year["commitments"]}
    assert round(cds["ri-c6i-2xlarge-batch"]["utilisation"]["value"], 3) == 0.889
    eur = {c["currency"]: c for c in year["currencies"]}["EUR"]
    assert eur["coverage"]["value"] == 0 and eur["utilisation"]["value"] is None  # "EUR coverage 0 %"
    # combined in EUR: AWS's covered usage over all compute, every currency converted
    assert 0.15 < year["eur"]["coverage"]["value"] < usd["coverage"]["value"]
    assert "33.3%" in demo("commitments", "--tenant", "demo", "--month", "2026-03").stdout


def test_focus_sample_kpis_and_showback(balise: Any, shared_data: Path) -> None:
    path = shared_data / SAMPLE
    balise("ingest", str(path), "--tenant", "sample")
    # independent figures straight from the CSV (its nulls are written NULL)
    con = duckdb.connect()
    raw = f"read_csv('{path}', nullstr='NULL', all_varchar=true)"
    effective = con.execute(f"SELECT sum(CAST(EffectiveCost AS DOUBLE)) FROM {raw}").fetchone()[0]
    untagged = con.execute(
        f"SELECT sum(CAST(EffectiveCost AS DOUBLE)) FROM {raw} WHERE "
        "coalesce(nullif(trim(json_extract_string(Tags, '$.env')), ''), "
        "nullif(trim(json_extract_string(Tags, '$.environment')), '')) IS NULL").fetchone()[0]
    assert round(effective, 2) == 14.98
    sb = balise.json("showback", "--tenant", "sample", "--by", "env", "-f", "json")
    assert sb["months"] == ["2024-09"]
    (rate,) = sb["rates"]
    assert rate["currency"] == "USD" and rate["month"] == "2024-09"
    assert sb["bill"]["2024-09"] == pytest.approx(effective / rate["per_eur"], abs=0.01)
    line = next(x for x in sb["lines"] if x["value"] is None)
    assert line["total"] == pytest.approx(untagged / rate["per_eur"], abs=0.01)
    k = {x["id"]: x for x in balise.json("kpis", "--tenant", "sample", "-f", "json")}
    assert k["forecast_month_end"]["value"] == pytest.approx(effective / rate["per_eur"], abs=0.01)
    assert k["tag_coverage"]["value"] == 0.0  # no "team" key anywhere in the sample
    co2 = k["co2e_intensity"]  # the sample runs in US regions: grids far above 100 kg/MWh
    assert co2["status"] == "alert" and co2["value"] > 300
    assert co2["value"] == pytest.approx(co2["inputs"]["kgco2e_operational"] / co2["inputs"]["kwh_facility"] * 1000,
                                         rel=1e-3)
    assert balise.json("commitments", "--tenant", "sample", "-f", "json")["tenant"] == "sample"
    assert balise.json("anomalies", "--tenant", "sample", "-f", "json")["spikes"] == []
