"""Spend anomalies and drifts: the demo company's planted GPU spike, and synthetic series with known answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pytest

from balise import engine
from balise.demo.generator import generate
from balise.finops import anomalies as an
from balise.finops.series import DailySpend, SeriesKey, daily_spend, day_range
from balise.services.ingest import ingest
from balise.services.workspace import open_workspace

SPIKE = (date(2026, 7, 13), date(2026, 7, 16))  # docs/demo-company.md, "Spend anomaly"
AML = "Azure Machine Learning"


@dataclass
class Demo:
    files: list[Path]  # the generated bills, read directly by the independent SQL
    con: engine.Backend
    table: ir.Table


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("demo")
    files = generate(root / "bills", fmt="parquet")
    ws = open_workspace(root / "ws")
    try:
        ingest(ws, files, "demo")
        con = engine.connect()
        yield Demo(files, con, engine.focus_table(con, ws.live_files("demo")))
    finally:
        ws.close()


def sql(demo: Demo, query: str) -> list[tuple]:
    listing = ", ".join(f"'{f}'" for f in demo.files)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    return con.execute(query.replace("BILLS", f"read_parquet([{listing}])")).fetchall()


def synthetic(x: np.ndarray, first: date = date(2025, 11, 3)) -> DailySpend:
    return DailySpend(day_range(first, first + timedelta(days=len(x) - 1)), [SeriesKey(("synthetic",), "EUR")],
                      np.asarray(x, dtype=float)[None, :])


def seasonal(seed: int, days: int = 365, noise: str = "uniform") -> np.ndarray:
    """1,000 a weekday, 45 % of it at weekends, +2 %/month, noisy: the demo's usage-based shape."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    base = 1000 * 1.02 ** (t / 30.4375) * np.where(t % 7 >= 5, 0.45, 1.0)
    return base * (0.85 + 0.3 * rng.random(days) if noise == "uniform" else rng.lognormal(0, 0.1, days))


# --- series ----------------------------------------------------------------------------------------------------

def test_daily_series_keep_every_cost_and_match_plain_sql(demo: Demo) -> None:
    spend = daily_spend(demo.con, demo.table, "service")
    assert spend.first == date(2025, 11, 1) and spend.last == date(2026, 10, 31) and len(spend.days) == 365
    totals = dict(sql(demo, "SELECT BillingCurrency, sum(EffectiveCost) FROM BILLS GROUP BY 1"))
    for currency, total in totals.items():
        mine = sum(spend.values[i].sum() for i, k in enumerate(spend.keys) if k.currency == currency)
        assert mine == pytest.approx(total, rel=1e-9)
    days = dict(sql(demo, f"SELECT CAST(ChargePeriodStart AS DATE), sum(EffectiveCost) FROM BILLS "
                          f"WHERE ServiceName = '{AML}' GROUP BY 1"))
    aml = spend.series(AML)
    assert {d: aml[(d - spend.first).days] for d in days} == pytest.approx(days, rel=1e-9)


def test_monthly_rows_are_spread_over_their_month(demo: Demo) -> None:
    spend = daily_spend(demo.con, demo.table, "service", start=date(2026, 3, 1), end=date(2026, 3, 31))
    vat = spend.series("VAT")
    (month_vat,) = sql(demo, "SELECT sum(EffectiveCost) FROM BILLS WHERE ServiceName = 'VAT' "
                             "AND ChargePeriodStart = TIMESTAMP '2026-03-01'")[0]
    assert np.allclose(vat, month_vat / 31) and month_vat > 0
    window = daily_spend(demo.con, demo.table, "service", start=date(2026, 3, 10), end=date(2026, 3, 20))
    assert len(window.days) == 11 and np.allclose(window.series("VAT"), month_vat / 31)  # row began before start


def test_one_series_in_one_currency_and_an_empty_lake(demo: Demo) -> None:
    t = demo.table
    eur = t.EffectiveCost * ibis.ifelse(t.BillingCurrency == "USD", 0.87, 1.0)
    whole = daily_spend(demo.con, t, "total", value=eur, by_currency=False)
    assert whole.keys == [SeriesKey(("total",), None)]
    ((expected,),) = sql(demo, "SELECT sum(EffectiveCost * CASE WHEN BillingCurrency = 'USD' THEN 0.87 ELSE 1 END) "
                               "FROM BILLS")
    assert whole.values.sum() == pytest.approx(expected, rel=1e-9)
    empty = daily_spend(demo.con, engine.focus_table(demo.con, []), "service")
    assert empty.keys == [] and len(empty.days) == 0
    assert an.detect_spikes(empty) == [] and an.detect_drifts(empty) == []


# --- the planted anomaly -------------------------------------------------------------------------------------

def test_planted_gpu_spike_is_found_with_its_start_service_and_resource(demo: Demo) -> None:
    found = an.anomalies(demo.con, demo.table, "service")
    assert [(a.key.key, a.start, a.end) for a in found] == [((AML,), *SPIKE)]  # and nothing else
    (spike,) = found
    assert spike.key.currency == "EUR"
    assert spike.contributors[0].resource_name == "gpu-train-cluster"
    assert spike.contributors[0].excess == pytest.approx(spike.excess, rel=0.01)
    daily = dict(sql(demo, f"SELECT CAST(ChargePeriodStart AS DATE), sum(EffectiveCost) FROM BILLS "
                           f"WHERE ServiceName = '{AML}' GROUP BY 1"))
    assert [d.actual for d in spike.days] == pytest.approx([daily[d.day] for d in spike.days], rel=1e-9)
    assert all(d.actual > 5 * d.expected for d in spike.days)


def test_excess_matches_an_independent_sql_estimate(demo: Demo) -> None:
    """Independent baseline: the median weekday cost of the service over the four weeks before the spike
    (the spike falls Monday to Thursday), times the four days."""
    ((excess,),) = sql(demo, f"""
        WITH d AS (SELECT CAST(ChargePeriodStart AS DATE) AS day, sum(EffectiveCost) AS cost FROM BILLS
                   WHERE ServiceName = '{AML}' GROUP BY 1)
        SELECT (SELECT sum(cost) FROM d WHERE day BETWEEN DATE '{SPIKE[0]}' AND DATE '{SPIKE[1]}')
             - 4 * (SELECT median(cost) FROM d WHERE isodow(day) <= 5
                    AND day BETWEEN DATE '{SPIKE[0]}' - 28 AND DATE '{SPIKE[0]}' - 1)""")
    (spike,) = an.anomalies(demo.con, demo.table, "service")
    assert excess > 700  # the SQL sees the spike too
    assert spike.excess == pytest.approx(excess, rel=0.10)


@pytest.mark.parametrize("by", ["account", "provider", "resource"])
def test_the_spike_shows_on_other_dimensions(demo: Demo, by: str) -> None:
    found = an.anomalies(demo.con, demo.table, by)
    assert [(a.start, a.end) for a in found] == [SPIKE]
    assert found[0].contributors[0].resource_name == "gpu-train-cluster"


# --- synthetic series ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_no_anomaly_or_drift_on_weekly_seasonal_noise(seed: int) -> None:
    x = seasonal(seed)
    assert an.detect_spikes(synthetic(x)) == []
    assert an.detect_drifts(synthetic(x)) == []
    spiked = x.copy()
    spiked[200:203] *= 2.5  # the same series with a spike: found, so the test above can fail
    (found,) = an.detect_spikes(synthetic(spiked))
    assert (found.start, found.end) == (date(2025, 11, 3) + timedelta(days=200), date(2025, 11, 3) + timedelta(days=202))
    assert found.excess == pytest.approx(1.5 * x[200:203].sum(), rel=0.15)


def test_false_alarm_rate_on_lognormal_noise_stays_low() -> None:
    """With unbounded (lognormal, 10 %) noise a false alarm is possible: about 1 per 100 series-years with the
    default threshold of 5 (3 with 4.5, 12 with 4; docs/anomalies-and-forecast.md)."""
    alarms = sum(len(an.detect_spikes(synthetic(seasonal(seed, noise="lognormal")))) for seed in range(100))
    assert alarms <= 4


def test_weekend_to_monday_jump_is_not_an_anomaly() -> None:
    """A method without weekly seasonality (yesterday as the expectation) would flag every Monday."""
    t = np.arange(120)
    x = np.where(t % 7 >= 5, 100.0, 1000.0)
    assert an.detect_spikes(synthetic(x)) == []


def test_level_shift_is_reported_as_a_drift() -> None:
    x = seasonal(7)
    x[200:] *= 1.4
    (drift,) = an.detect_drifts(synthetic(x))
    assert drift.since == date(2025, 11, 3) + timedelta(days=200)
    assert drift.ratio == pytest.approx(1.4, abs=0.06)
    assert drift.change > 0 and drift.share >= 0.85
    assert drift.confirmed == drift.since + timedelta(days=20)


def test_small_or_flat_changes_are_not_drifts() -> None:
    x = seasonal(3)
    x[200:] *= 1.1  # below min_ratio
    assert an.detect_drifts(synthetic(x)) == []
    flat = np.full(200, 5.0)
    flat[100:] = 9.0  # +80 % but +4 a day: below min_change
    assert an.detect_drifts(synthetic(flat)) == []
    assert [d.since for d in an.detect_drifts(synthetic(flat), an.DriftParams(min_change=1.0))] == [
        date(2025, 11, 3) + timedelta(days=100)]


def test_min_excess_hides_tiny_spikes() -> None:
    x = seasonal(1) / 100  # the same shape at 10 a day
    x[200] *= 2  # about +14: under the default min_excess of 20 per day
    assert an.detect_spikes(synthetic(x)) == []
    assert len(an.detect_spikes(synthetic(x), an.SpikeParams(min_excess=1.0))) == 1


def test_drops_are_reported_only_when_asked() -> None:
    x = seasonal(2)
    x[250:252] = 0.0
    assert an.detect_spikes(synthetic(x)) == []
    (drop,) = an.detect_spikes(synthetic(x), an.SpikeParams(direction="both"))
    assert drop.excess < 0 and drop.start == date(2025, 11, 3) + timedelta(days=250)
