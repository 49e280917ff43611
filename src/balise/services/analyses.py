"""Anomalies, forecasts and commitment figures of a tenant, for the CLI and the web (``balise.finops`` does the
analysis; this module picks the rows, names the keys, converts to EUR where figures are combined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from balise import engine
from balise.errors import UsageError
from balise.finops import anomalies as an
from balise.finops import forecast as fc
from balise.finops import series
from balise.finops.commitments import CommitmentFigures, PeriodFigures, Ratio, commitment_summary
from balise.i18n import kpis_messages as km
from balise.i18n import messages as m
from balise.kpis.data import month_bounds, rate_json
from balise.reference.fx import Rate, Rates, ecb
from balise.services.costs import check_month, table
from balise.services.report import latest_month
from balise.services.workspace import Workspace

BY = ("total", "service", "account", "provider", "region", "resource")
HISTORY_DAYS = 42  # a series' first six weeks only serve as history (docs/anomalies-and-forecast.md)


def _check_by(by: str) -> str:
    if by not in BY:
        raise UsageError(m.BAD_BY(by=by, known=", ".join(BY)))
    return by


def _names(con: engine.Backend, t: Any, by: str) -> dict[str | None, str]:
    """Readable names of account and resource keys (the latest SubAccountName / ResourceName)."""
    if by == "account":
        key, name = t.SubAccountId.fill_null(t.BillingAccountId), t.SubAccountName.fill_null(t.BillingAccountName)
    elif by == "resource":
        key, name = t.ResourceId, t.ResourceName
    else:
        return {}
    agg = t.group_by(key=key).aggregate(name=name.argmax(t.ChargePeriodStart))
    return {r["key"]: r["name"] for r in engine.rows(con, agg) if r["name"]}


# --- anomalies -----------------------------------------------------------------------------------------------

@dataclass
class AnomalyReport:
    tenant: str
    by: str
    start: date  # reported period
    end: date
    spikes: list[an.Anomaly]
    drifts: list[an.Drift]
    names: dict[str | None, str] = field(default_factory=dict)

    def label(self, key: series.SeriesKey) -> str:
        k = key.key[0]
        name = self.names.get(k)
        if k is None:
            return "(none)"
        return f"{name} ({k})" if name and name != k else k


def anomalies(ws: Workspace, tenant: str, by: str = "service", *, start: str | None = None,
              end: str | None = None, con: engine.Backend | None = None) -> AnomalyReport:
    """Spikes and drifts of the daily spend per ``by`` key, reported when they touch [start, end] (months;
    default: all the data). Amounts are in each series' billing currency."""
    ws.tenant(tenant)
    _check_by(by)
    check_month(start)
    check_month(end)
    con = con or engine.connect()
    t = table(ws, con, tenant, None, end)
    span = engine.rows(con, t.aggregate(first=t.ChargePeriodStart.min(), last=t.ChargePeriodStart.max()))[0]
    if span["last"] is None:
        raise UsageError(m.NO_DATA(tenant=tenant))
    first, last = span["first"].date(), span["last"].date()
    lo = month_bounds(start)[0] if start else first
    hi = min(month_bounds(end)[1], last) if end else last
    series_start = max(first, lo - timedelta(days=HISTORY_DAYS))
    spikes = [a for a in an.anomalies(con, t, by, start=series_start, end=hi) if a.end >= lo and a.start <= hi]
    drifts = [d for d in an.drifts(con, t, by, start=series_start, end=hi) if lo <= d.since <= hi]
    return AnomalyReport(tenant, by, lo, hi, spikes, drifts, _names(con, t, by))


# --- forecasts -----------------------------------------------------------------------------------------------

@dataclass
class KeyForecast:
    key: str | None
    label: str
    month_end: fc.Forecast | None
    year_end: fc.Forecast | None
    backtest: fc.Backtest | None = None
    reason: str | None = None


@dataclass
class ForecastReport:
    tenant: str
    by: str
    as_of: date
    currency: str
    forecasts: list[KeyForecast]
    rates: list[Rate]


def _eur_series(spend: series.DailySpend, rates: Rates) -> tuple[list[str | None], np.ndarray, list[Rate]]:
    """Each key's daily spend in EUR (currencies converted at each month's rate, then added)."""
    months = np.array([str(d)[:7] for d in spend.days.astype("datetime64[M]")])
    keys: list[str | None] = []
    rows: dict[str | None, np.ndarray] = {}
    used: list[Rate] = []
    for k, x in zip(spend.keys, spend.values, strict=True):
        factor = np.ones(len(spend.days))
        for mon in np.unique(months):
            _, rate = rates.to_eur(1.0, k.currency or "EUR", str(mon))
            factor[months == mon] = 1.0 / rate.per_eur
            if rate.currency != "EUR" and rate not in used:
                used.append(rate)
        key = k.key[0]
        if key not in rows:
            keys.append(key)
            rows[key] = np.zeros(len(spend.days))
        rows[key] = rows[key] + x * factor
    values = np.array([rows[k] for k in keys]) if keys else np.zeros((0, len(spend.days)))
    return keys, values, sorted(used, key=lambda r: (r.currency, r.month))


def forecasts(ws: Workspace, tenant: str, by: str = "total", *, month: str | None = None, backtest: bool = False,
              top: int = 10, con: engine.Backend | None = None, rates: Rates | None = None) -> ForecastReport:
    """Month-end and year-end spend (EUR, 80 % interval) per ``by`` key — of the month of the first day not
    yet observed — from the data up to ``month`` (default: all); ``top`` largest keys; with ``backtest``, each
    key's rolling-origin error figures."""
    ws.tenant(tenant)
    _check_by(by)
    check_month(month)
    con = con or engine.connect()
    rates = rates or ecb()
    t = table(ws, con, tenant, None, month)
    last = engine.rows(con, t.aggregate(last=t.ChargePeriodStart.max()))[0]["last"]
    if last is None:
        raise UsageError(m.NO_DATA(tenant=tenant))
    as_of = last.date()
    spend = series.daily_spend(con, t, by, end=as_of)
    keys, values, used = _eur_series(spend, rates)
    order = sorted(range(len(keys)), key=lambda i: -float(values[i][-91:].sum()))[:top]
    names = _names(con, t, by)
    out = []
    for i in order:
        key, x = keys[i], values[i]
        label = "(none)" if key is None else (f"{names[key]} ({key})" if key in names and names[key] != key else key)
        try:
            kf = KeyForecast(key, label, fc.month_end(spend.days, x), fc.year_end(spend.days, x))
        except fc.InsufficientHistory:
            out.append(KeyForecast(key, label, None, None, reason=str(km.REASON_SHORT_HISTORY(
                days=len(spend.days), needed=fc.ForecastParams().min_days))))
            continue
        if backtest:
            try:
                bt = fc.backtest(spend.days, x)
                kf.backtest = bt if bt.cases else None
            except (fc.InsufficientHistory, ValueError):
                kf.backtest = None
            if kf.backtest is None:
                kf.reason = str(km.REASON_NO_BACKTEST())
        out.append(kf)
    return ForecastReport(tenant, by, as_of, "EUR", out, used)


# --- commitments ---------------------------------------------------------------------------------------------

@dataclass
class EurRatio:
    value: float | None
    numerator: float
    denominator: float


@dataclass
class CommitmentReport:
    tenant: str
    period: str  # "2026-03" or "2025-11..2026-10"
    per_currency: list[PeriodFigures]
    eur: dict[str, EurRatio]  # utilisation, coverage, savings_rate, all currencies converted to EUR
    commitments: list[CommitmentFigures]
    rates: list[Rate]


def commitments(ws: Workspace, tenant: str, *, month: str | None = None, start: str | None = None,
                end: str | None = None, con: engine.Backend | None = None,
                rates: Rates | None = None) -> CommitmentReport:
    """Utilisation, coverage and effective savings rate (FOCUS 1.2, docs/commitments.md) of one month (default:
    the latest) or of a range of months, per billing currency, combined in EUR, and per commitment."""
    ws.tenant(tenant)
    for v in (month, start, end):
        check_month(v)
    if month and (start or end):
        raise UsageError(km.MONTH_OR_RANGE())
    con = con or engine.connect()
    rates = rates or ecb()
    if not (month or start or end):
        month = latest_month(ws, tenant, con)
        if month is None:
            raise UsageError(m.NO_DATA(tenant=tenant))
    first, last = (month, month) if month else (start, end)
    s = commitment_summary(table(ws, con, tenant, first, last), con)
    single = month is not None
    per_currency = [p for p in s.months if p.period == month] if single else s.totals
    cds = [c for c in s.commitments if c.period == month] if single else s.commitment_totals
    eur: dict[str, EurRatio] = {}
    used: list[Rate] = []
    for figure in ("utilisation", "coverage", "savings_rate"):
        num = den = 0.0
        for p in s.months:
            r: Ratio = getattr(p, figure)
            n, rate = rates.to_eur(r.numerator, p.currency, p.period)
            d, _ = rates.to_eur(r.denominator, p.currency, p.period)
            num, den = num + n, den + d
            if rate.currency != "EUR" and rate not in used:
                used.append(rate)
        value = None if den == 0 else (1 - num / den if figure == "savings_rate" else num / den)
        eur[figure] = EurRatio(value, num, den)
    period = month if single else (per_currency[0].period if per_currency else f"{first or '…'}..{last or '…'}")
    return CommitmentReport(tenant, str(period), per_currency, eur, cds,
                            sorted(used, key=lambda r: (r.currency, r.month)))


def ratio_json(r: Ratio | EurRatio) -> dict[str, Any]:
    out: dict[str, Any] = {"value": None if r.value is None else round(r.value, 6), "numerator": round(r.numerator, 2),
           "denominator": round(r.denominator, 2)}
    if isinstance(r, Ratio):
        out |= {"rows": r.rows, "formula": r.formula}
    return out


def commitments_json(rep: CommitmentReport) -> dict[str, Any]:
    return {
        "tenant": rep.tenant, "period": rep.period,
        "currencies": [{"currency": p.currency, "period": p.period, "utilisation": ratio_json(p.utilisation),
                        "coverage": ratio_json(p.coverage), "savings_rate": ratio_json(p.savings_rate),
                        "unused_cost": round(p.unused_cost, 2), "purchased_cost": round(p.purchased_cost, 2),
                        "unpriced_rows": p.unpriced_rows} for p in rep.per_currency],
        "eur": {k: ratio_json(v) for k, v in rep.eur.items()},
        "commitments": [{"id": c.commitment_id, "name": c.name, "category": c.category, "unit": c.unit,
                         "currency": c.currency, "period": c.period, "utilisation": ratio_json(c.utilisation),
                         "quantity_utilisation": ratio_json(c.quantity_utilisation),
                         "unused_cost": round(c.unused_cost, 2), "purchased_cost": round(c.purchased_cost, 2),
                         "purchased_quantity": round(c.purchased_quantity, 4)} for c in rep.commitments],
        "rates": [rate_json(r) for r in rep.rates],
    }
