"""Backtest of the month-end forecast on the demo company, and the anomalies and drifts it contains.

    .venv/bin/python bench/forecast_backtest.py

Generates the default demo (12 months from 2025-11, seed 42), ingests it into a temporary workspace, builds
the daily EffectiveCost per billing currency (and the whole company in EUR at the demo's 1 USD = 0.87 EUR),
then prints Markdown tables for docs/anomalies-and-forecast.md:
- month-end forecasts of the last 6 months made on days 1, 10 and 20 (bills up to the day before), and on
  every day 1..28, against the run-rate baseline; the same for a few alternative parameters;
- the demo year's total (2025-11 .. 2026-10) forecast on the first of each month from 2026-01;
- the spikes and drifts found per service, account and resource.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import ibis
import numpy as np

from balise import engine
from balise.demo.generator import generate
from balise.finops import anomalies as an
from balise.finops import forecast as fc
from balise.finops.series import DailySpend, FloatArray, SeriesKey, daily_spend
from balise.services.ingest import ingest
from balise.services.workspace import open_workspace

USD_EUR = 0.87  # docs/demo-company.md


def pct(v: float) -> str:
    return f"{100 * v:.2f} %"


def month_table(named: list[tuple[str, DailySpend, FloatArray]]) -> None:
    print("| series | origins | forecasts | MAPE | MAE | 80 % interval coverage | run-rate MAPE |")
    print("|---|---|---|---|---|---|---|")
    for name, spend, x in named:
        for label, origins in (("days 1, 10, 20", (1, 10, 20)), ("every day 1–28", range(1, 29))):
            bt = fc.backtest(spend.days, x, origin_days=origins)
            print(f"| {name} | {label} | {len(bt.cases)} | {pct(bt.mape)} | {bt.mae:,.0f} | {pct(bt.coverage)} "
                  f"| {pct(bt.naive_mape)} |")


def by_origin(name: str, spend: DailySpend, x: FloatArray) -> None:
    bt = fc.backtest(spend.days, x)
    print(f"\n{name}, per origin day: " + "; ".join(f"day {d}: MAPE {pct(m)}, coverage {pct(c)}"
                                                     for d, (m, c) in bt.by_origin().items()))
    print("\n| month | origin | actual | forecast | low | high | error |")
    print("|---|---|---|---|---|---|---|")
    for c in bt.cases:
        f = c.forecast
        print(f"| {c.month} | {c.origin} | {c.actual:,.0f} | {f.point:,.0f} | {f.low:,.0f} | {f.high:,.0f} "
              f"| {100 * c.error / c.actual:+.2f} % |")


def variants(spend: DailySpend, x: FloatArray) -> None:
    print("\n| parameters (all EUR, every day 1–28) | MAPE | coverage |")
    print("|---|---|---|")
    base = fc.ForecastParams()
    for label, p in (("defaults (fit_days=91, multiplicative, symmetric interval)", base),
                     ("fit_days=56", replace(base, fit_days=56)), ("fit_days=182", replace(base, fit_days=182)),
                     ("fit_days=364", replace(base, fit_days=364)),
                     ('season="additive"', replace(base, season="additive")),
                     ("damping=0.99", replace(base, damping=0.99)),
                     ('interval="quantile"', replace(base, interval="quantile"))):
        bt = fc.backtest(spend.days, x, origin_days=range(1, 29), params=p)
        print(f"| {label} | {pct(bt.mape)} | {pct(bt.coverage)} |")


def year(spend: DailySpend, x: FloatArray) -> None:
    values = np.asarray(x, dtype=float)
    first, last = spend.first, spend.last
    actual = float(values.sum())
    print(f"\nDemo year {first} .. {last}, actual total {actual:,.0f} €")
    print("\n| forecast made on | forecast | low | high | error | covered |")
    print("|---|---|---|---|---|---|")
    errs, hits = [], []
    for month in range(1, 11):
        origin = date(2026, month, 1)
        f = fc.forecast(spend.days, values, first, last, as_of=origin - timedelta(days=1))
        errs.append(abs(f.point - actual) / actual)
        hits.append(f.low <= actual <= f.high)
        error = 100 * (f.point - actual) / actual
        covered = "yes" if hits[-1] else "no"
        print(f"| {origin} | {f.point:,.0f} | {f.low:,.0f} | {f.high:,.0f} | {error:+.2f} % | {covered} |")
    print(f"\nMAPE {pct(float(np.mean(errs)))}, coverage {sum(hits)}/{len(hits)}")


def findings(con: engine.Backend, t: ibis.Table) -> None:
    print("\n| by | kind | key | since | end | expected | actual | excess / change | top contributor |")
    print("|---|---|---|---|---|---|---|---|---|")
    for by in ("service", "account", "resource"):
        for a in an.anomalies(con, t, by):
            top = a.contributors[0].resource_name if a.contributors else ""
            print(f"| {by} | spike | {a.key.label[:60]} | {a.start} | {a.end} | {a.expected:,.2f} | {a.actual:,.2f} "
                  f"| {a.excess:+,.2f} {a.key.currency} | {top} |")
        for d in an.drifts(con, t, by):
            print(f"| {by} | drift | {d.key.label[:60]} | {d.since} | (confirmed {d.confirmed}) | {d.before:,.2f}/day "
                  f"| {d.after:,.2f}/day | {d.change:+,.2f}/day {d.key.currency} | |")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = open_workspace(root / "ws")
        started = time.perf_counter()
        ingest(ws, generate(root / "bills", fmt="parquet"), "demo")
        con = engine.connect()
        t = engine.focus_table(con, ws.live_files("demo"))
        per_currency = daily_spend(con, t, "total")
        eur = t.EffectiveCost * ibis.ifelse(t.BillingCurrency == "USD", USD_EUR, 1.0)
        company = daily_spend(con, t, "total", value=eur, by_currency=False)
        whole = company.values[0]
        eur_bills, usd_bills = (per_currency.series(SeriesKey(("total",), c)) for c in ("EUR", "USD"))
        named = [("EUR bills (Azure, OVHcloud, Scaleway)", per_currency, eur_bills),
                 ("USD bills (AWS)", per_currency, usd_bills),
                 ("whole company, EUR", company, whole)]
        month_table(named)
        by_origin("Whole company, EUR", company, whole)
        variants(company, whole)
        year(company, whole)
        findings(con, t)
        print(f"\n({time.perf_counter() - started:.1f} s in all)")
        ws.close()


if __name__ == "__main__":
    main()
