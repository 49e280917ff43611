"""Budgets: storage (SQLite and PostgreSQL), status against SQL on the demo, and rule FIN-050 both ways."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import duckdb
import ibis
import pytest

from balise.domain.findings import Severity, Status
from balise.errors import UsageError
from balise.reference.fx import Rates, ecb
from balise.rules.budget_rules import BudgetExceeded
from balise.rules.builtin import default_registry
from balise.services import budgets
from balise.services.context import rule_context
from balise.services.ingest import ingest
from balise.services.workspace import Workspace

SAMPLE = "focus/focus-1.0/focus_sample.csv"


TEAM = ("lower(trim(coalesce(nullif(trim(json_extract_string(Tags, '$.team')), ''), "
        "nullif(trim(json_extract_string(Tags, '$.Team')), ''))))")


def spend(ws: Workspace, rates: Rates, first: str, last: str, where: str = "true", before: str | None = None) -> float:
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute(f"CREATE VIEW f AS SELECT *, strftime(ChargePeriodStart, '%Y-%m') AS month "
                f"FROM read_parquet({[str(p) for p in ws.live_files('demo')]})")
    cut = f" AND ChargePeriodStart < TIMESTAMP '{before}'" if before else ""
    rows = con.execute(f"SELECT month, BillingCurrency, sum(EffectiveCost) FROM f WHERE month BETWEEN ? AND ? "
                       f"AND {where}{cut} GROUP BY ALL", [first, last]).fetchall()
    return sum(float(c) / rates.rate(cur, m).per_eur for m, cur, c in rows)


def test_budget_status_against_sql(demo: Workspace, rates: Rates) -> None:
    budgets.add_budget(demo, "demo", "cloud", 28_000, yearly=330_000, owner="DAF")
    budgets.add_budget(demo, "demo", "web", 15_000, tag="team=web", actual="0.8,1.0", forecast="1.0")
    budgets.add_budget(demo, "demo", "data", 3_000, tag="Team=Data")  # normalised like the tags: team=data
    try:
        rep = budgets.status(demo, "demo", rates=rates)
        assert (rep.month, rep.as_of) == ("2026-10", date(2026, 10, 31))
        s = {x.name: x for x in rep.statuses}
        oct_ = spend(demo, rates, "2026-10", "2026-10")
        assert s["cloud"].actual == pytest.approx(oct_, abs=1e-6)
        assert s["cloud"].ytd == pytest.approx(spend(demo, rates, "2026-01", "2026-10"), abs=1e-6)
        # October is over: its forecast is its actual; the year still has two months to go
        assert s["cloud"].forecast == pytest.approx(oct_) and s["cloud"].forecast_basis == "actual"
        assert s["cloud"].year_forecast is not None and s["cloud"].year_forecast > s["cloud"].ytd + 56_000
        web = spend(demo, rates, "2026-10", "2026-10", f"{TEAM} = 'web'")
        assert s["web"].actual == pytest.approx(web, abs=1e-6)
        assert (s["data"].tag_key, s["data"].tag_value) == ("team", "data")
        assert s["data"].actual == pytest.approx(spend(demo, rates, "2026-10", "2026-10", f"{TEAM} = 'data'"))
        # which thresholds are crossed, by hand: cloud 30.2 k of 28 k (107.9 %) crosses 0.8 and 1.0 on actual;
        # the year: 282 k of 330 k (85.6 %) crosses 0.8 on actual, and ~343 k forecast crosses 1.0
        crossed = {(c.basis, c.period, c.threshold) for c in s["cloud"].crossings}
        assert crossed == {("actual", "month", 0.8), ("actual", "month", 1.0), ("actual", "year", 0.8),
                           ("forecast", "year", 1.0)}
        assert web < 0.8 * 15_000 and s["web"].crossings == []  # 12.0 k of 15 k: 79.8 %, under 80 %
        assert s["data"].actual > 3_000 and {c.threshold for c in s["data"].crossings} == {0.8, 1.0}

        # FIN-050 on the same figures: FAIL for cloud (high: actual over 100 %) and data, PASS for web
        ctx = rule_context(demo, "demo", rates=rates)
        found = {f.subject.id: f for f in BudgetExceeded().evaluate(ctx, None)}
        assert found["cloud"].status == Status.FAIL and found["cloud"].severity == Severity.HIGH
        assert found["data"].status == Status.FAIL
        assert found["web"].status == Status.PASS
        assert found["cloud"].subject.kind == "budget" and found["cloud"].owner == "DAF"
        ev = found["cloud"].evidence
        assert ev["actual"] == round(oct_, 2) and ev["monthly_budget"] == 28_000 and ev["period"] == {
            "start": "2026-10-01", "end": "2026-10-31"}
        assert "107.9%" in found["cloud"].title.render("en")
        assert "FIN-050" in default_registry()
    finally:
        for name in ("cloud", "web", "data"):
            budgets.remove_budget(demo, "demo", name)


def test_forecast_threshold_in_a_month_in_progress(demo: Workspace, rates: Rates) -> None:
    """On 19 October the month-to-date spend is ~18.8 k€; a 29 k€ budget is under its 80 % actual threshold
    (23.2 k€) but the month-end forecast (~30.2 k€, the real total was 30.2 k€) crosses 100 %: FAIL, medium."""
    budgets.add_budget(demo, "demo", "cloud", 29_000)
    try:
        ctx = rule_context(demo, "demo", rates=rates)
        cut = ibis.timestamp("2026-10-20 00:00:00")
        ctx = dataclasses.replace(ctx, files=None, history_files=None, history=ctx.history.filter(ctx.history.ChargePeriodStart < cut),
                                  focus=ctx.focus.filter(ctx.focus.ChargePeriodStart < cut),
                                  as_of=date(2026, 10, 19), _cache={})
        rep = budgets.status(demo, "demo", ctx=ctx)
        (s,) = rep.statuses
        mtd = spend(demo, rates, "2026-10", "2026-10", before="2026-10-20")
        assert s.actual == pytest.approx(mtd, abs=1e-6) and s.actual < 0.8 * 29_000
        assert s.forecast_basis == "forecast" and s.forecast is not None and s.forecast > 29_000
        assert s.forecast_low is not None and s.forecast_high is not None
        assert s.forecast_low <= spend(demo, rates, "2026-10", "2026-10") <= s.forecast_high
        assert [(c.basis, c.threshold) for c in s.crossings] == [("forecast", 1.0)]
        (f,) = BudgetExceeded().evaluate(ctx, None)
        assert f.status == Status.FAIL and f.severity == Severity.MEDIUM
        assert "forecast" in f.title.render("en")
    finally:
        budgets.remove_budget(demo, "demo", "cloud")


def test_no_budget_no_finding(demo: Workspace, rates: Rates) -> None:
    ctx = rule_context(demo, "demo", rates=rates)
    assert list(BudgetExceeded().evaluate(ctx, None)) == []


def test_storage_both_databases(ws: Workspace, shared_data: Path) -> None:
    ingest(ws, [shared_data / SAMPLE], "sample")
    b, replaced = budgets.add_budget(ws, "sample", "all", 10, yearly=100, actual="80%,100%", forecast="none",
                                     owner="CFO")
    assert not replaced and (b.thresholds_actual, b.thresholds_forecast) == ((0.8, 1.0), ())
    b, replaced = budgets.add_budget(ws, "sample", "all", 12)
    assert replaced and b.monthly == 12 and b.yearly is None and b.thresholds_actual == (0.8, 1.0)
    budgets.add_budget(ws, "sample", "dev", 5, tag="Environment=Dev")
    items = budgets.list_budgets(ws, "sample")
    assert [(x.name, x.scope) for x in items] == [("all", "tenant"), ("dev", "environment=dev")]
    for bad in ({"tag": "team"}, {"tag": "=web"}, {"actual": "0.8,lots"}, {"actual": "0"}, {"forecast": "-1"}):
        with pytest.raises(UsageError):
            budgets.add_budget(ws, "sample", "x", 10, **bad)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        budgets.add_budget(ws, "sample", "x", -5)
    with pytest.raises(UsageError) as e:
        budgets.remove_budget(ws, "sample", "nope")
    assert "all, dev" in str(e.value)
    budgets.remove_budget(ws, "sample", "dev")
    assert [x.name for x in budgets.list_budgets(ws, "sample")] == ["all"]
    # the sample's September 2024 against a 12 € budget: its EffectiveCost is 14.98 $ (hand-summed in SQL)
    con = duckdb.connect()
    usd = con.execute(f"SELECT sum(EffectiveCost) FROM read_parquet({[str(p) for p in ws.live_files('sample')]})"
                      ).fetchone()[0]
    assert round(usd, 2) == 14.98
    (s,) = budgets.status(ws, "sample").statuses
    assert s.month == "2024-09" and s.actual == pytest.approx(usd / ecb().rate("USD", "2024-09").per_eur)
    assert {(c.basis, c.threshold) for c in s.crossings} == {("actual", 0.8), ("actual", 1.0)}
