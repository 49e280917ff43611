"""Spend anomalies per daily series: spikes (a few days far above normal) and drifts (a lasting level shift).

**Spikes.** A day's *expected* spend is the median of the same weekday over the previous ``season_weeks``
weeks: weekly seasonality is respected (a Monday is compared with Mondays) and one past spike does not move
the expectation (a median of four ignores one outlier). The residual is log(actual / expected), because
cloud spend varies in proportion to its level (a weekend at 45 % of a weekday varies 45 % as much), with an
offset of a tenth of the recent level so that a day at zero stays finite. Its scale is the MAD (median
absolute deviation, × 1.4826 to match a standard deviation under normal noise) of the residuals of the
previous ``scale_days`` days (at least ``scale_min_days`` of them), floored at ``min_scale``. A day
is anomalous when its robust z-score exceeds ``threshold`` **and** it costs at least ``min_excess`` more than
expected: a 40-sigma jump of 2 € is not worth anyone's time. An anomaly is a run of consecutive days that
each exceed ``extend`` × ``threshold`` (and ``min_excess``) with at least one beyond ``threshold`` itself
(hysteresis: a four-day spike with one milder day stays one anomaly). Its top contributing resources come
from a second query on the anomaly window.

**Drifts.** A level shift is tested at every day ``c``: the ``before_weeks`` weeks before it against the
``after_weeks`` weeks from it, each summarised per weekday by its median (so a spike of under a week changes
neither side). A drift is reported when the typical daily level moved by at least ``min_change`` and by
``min_ratio``, and at least ``min_share`` of the days after lie beyond their weekday's median before (a sign
test: 18 of 21 days by chance has probability 0.0007). Of consecutive candidate days, the one that best
splits the span around them into two weekly profiles (least absolute deviation) is reported as the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from balise import engine
from balise.finops.series import By, DailySpend, FloatArray, SeriesKey, daily_spend, dimensions, to_date

MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, slots=True)
class SpikeParams:
    season_weeks: int = 4  # expected = median of the same weekday over this many previous weeks
    min_weeks: int = 2  # fewer previous weeks than this: the day is not scored
    scale_days: int = 56  # trailing window of the residual scale (MAD)
    scale_min_days: int = 28  # fewer past residuals than this: the day is not scored (a scale from a handful
    #                           of days is too often too small: most false alarms fell in a series' weeks 4-6)
    threshold: float = 5.0  # robust z-score above which a day is anomalous
    min_excess: float = 20.0  # and actual − expected of at least this much (currency units, per day)
    min_scale: float = 0.05  # floor of the relative residual scale: a flat series is not infinitely sensitive
    extend: float = 0.5  # an anomaly extends over neighbouring days whose score exceeds this × threshold
    direction: Literal["up", "both"] = "up"  # "both" also reports days far below expected


@dataclass(frozen=True, slots=True)
class DriftParams:
    before_weeks: int = 4  # reference level: the weeks before the change
    after_weeks: int = 3  # new level: the weeks from the change (a drift is confirmed after this long)
    min_ratio: float = 0.2  # relative change of the typical daily level (20 %)
    min_change: float = 10.0  # absolute change of the typical daily level (currency units per day)
    min_share: float = 0.85  # share of the days after beyond their weekday's median before


@dataclass(frozen=True, slots=True)
class AnomalyDay:
    day: date
    expected: float
    actual: float
    score: float  # robust z-score

    @property
    def excess(self) -> float:
        return self.actual - self.expected


@dataclass(frozen=True, slots=True)
class Contributor:
    resource_id: str | None
    resource_name: str | None
    expected: float  # over the anomaly window, same method as the series
    actual: float

    @property
    def excess(self) -> float:
        return self.actual - self.expected


@dataclass(frozen=True, slots=True)
class Anomaly:
    key: SeriesKey
    days: list[AnomalyDay]
    contributors: list[Contributor] = field(default_factory=list)

    @property
    def start(self) -> date:  # "since when"
        return self.days[0].day

    @property
    def end(self) -> date:
        return self.days[-1].day

    @property
    def expected(self) -> float:
        return sum(d.expected for d in self.days)

    @property
    def actual(self) -> float:
        return sum(d.actual for d in self.days)

    @property
    def excess(self) -> float:
        return self.actual - self.expected

    @property
    def score(self) -> float:
        return max(abs(d.score) for d in self.days)


@dataclass(frozen=True, slots=True)
class Drift:
    key: SeriesKey
    since: date  # first day at the new level
    confirmed: date  # last day of the window that confirmed it (since + after_weeks weeks − 1 day)
    before: float  # typical daily spend before (mean over weekdays of each weekday's median)
    after: float  # typical daily spend after
    share: float  # share of the days after beyond their weekday's median before

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def ratio(self) -> float:
        return self.after / self.before if self.before else float("inf")


# --- one series ----------------------------------------------------------------------------------------------

def expected_same_weekday(x: FloatArray, weeks: int, min_weeks: int = 1) -> FloatArray:
    """Median of x[i − 7k] for k = 1..weeks (those that exist); NaN with fewer than min_weeks of them."""
    n = len(x)
    lagged = np.full((weeks, n), np.nan)
    for k in range(1, weeks + 1):
        lagged[k - 1, 7 * k:] = x[: max(n - 7 * k, 0)]
    enough = np.sum(~np.isnan(lagged), axis=0) >= max(min_weeks, 1)
    out = np.full(n, np.nan)
    if enough.any():
        out[enough] = np.nanmedian(lagged[:, enough], axis=0)
    return out


def _trailing(x: FloatArray, width: int) -> FloatArray:
    """Row i holds x[i − width .. i − 1], NaN before the series starts."""
    padded = np.concatenate([np.full(width, np.nan), x])
    return sliding_window_view(padded, width)[: len(x)]


def _row_median(w: FloatArray, rows: npt.NDArray[np.bool_]) -> FloatArray:
    """nanmedian of the given rows of w (each must hold a number), NaN for the others."""
    out = np.full(len(w), np.nan)
    if rows.any():
        out[rows] = np.nanmedian(w[rows], axis=1)
    return out


def robust_scores(x: npt.ArrayLike, p: SpikeParams = SpikeParams()) -> tuple[FloatArray, FloatArray]:
    """(expected, robust z-score) per day; NaN where there is not enough history."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    e = expected_same_weekday(x, p.season_weeks, p.min_weeks)
    recent = _trailing(np.abs(x), 28)
    level = np.nan_to_num(_row_median(recent, np.arange(n) > 0))
    c = np.maximum(0.1 * level, 1e-9)  # keeps the log finite at zero spend; damps tiny series
    q = np.log(np.maximum(x, 0) + c) - np.log(np.maximum(e, 0) + c)
    past = _trailing(q, p.scale_days)
    enough = (np.sum(~np.isnan(past), axis=1) >= max(p.scale_min_days, 2)) & ~np.isnan(q)
    centre = _row_median(past, enough)
    mad = MAD_TO_SIGMA * _row_median(np.abs(past - centre[:, None]), enough)
    return e, (q - centre) / np.maximum(mad, p.min_scale)


def spike_runs(x: npt.ArrayLike, p: SpikeParams = SpikeParams()) -> tuple[list[tuple[int, int]], FloatArray,
                                                                          FloatArray]:
    """Index ranges [start, stop) of anomalous days, with the expected values and z-scores of every day."""
    e, z = robust_scores(x, p)
    excess = np.nan_to_num(np.asarray(x, dtype=np.float64) - e)
    z0 = np.nan_to_num(z)
    runs = []
    for sign in (1, -1) if p.direction == "both" else (1,):
        big = sign * excess >= p.min_excess
        strong = big & (sign * z0 > p.threshold)
        weak = big & (sign * z0 > p.extend * p.threshold)
        edges = np.diff(np.concatenate([[0], weak.astype(np.int8), [0]]))
        runs += [(a, b) for a, b in zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                                        strict=True) if strong[a:b].any()]
    return sorted(runs), e, z


def level_shifts(x: npt.ArrayLike, p: DriftParams = DriftParams()) -> list[tuple[int, float, float, float]]:
    """(change day index, level before, level after, share) of each drift."""
    x = np.asarray(x, dtype=np.float64)
    nb, na = 7 * p.before_weeks, 7 * p.after_weeks
    if len(x) < nb + na:
        return []
    med_b = np.median(sliding_window_view(x, nb).reshape(-1, p.before_weeks, 7), axis=1)  # row r: days r..r+nb
    win_a = sliding_window_view(x, na).reshape(-1, p.after_weeks, 7)
    cs = np.arange(nb, len(x) - na + 1)  # candidate change days
    b, a = med_b[cs - nb], win_a[cs]
    before, after = b.mean(axis=1), np.median(a, axis=1).mean(axis=1)
    up = after > before
    beyond = np.where(up[:, None, None], a > b[:, None, :], a < b[:, None, :]).mean(axis=(1, 2))
    change = np.abs(after - before)
    rel = np.divide(change, np.abs(before), out=np.full(len(cs), np.inf), where=before != 0)
    ok = (change >= p.min_change) & (rel >= p.min_ratio) & (beyond >= p.min_share)
    out = []
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    for lo, hi in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        best = lo + _split(x, cs[lo:hi], nb, na)
        out.append((int(cs[best]), float(before[best]), float(after[best]), float(beyond[best])))
    return out


def _split(x: FloatArray, candidates: npt.NDArray[np.int64], nb: int, na: int) -> int:
    """Which candidate change day best splits the span around them in two weekly profiles: the least total
    absolute deviation from each side's per-weekday medians (an L1 change point)."""
    lo, hi = int(candidates[0]) - nb, int(candidates[-1]) + na
    costs = []
    for c in candidates:
        cost = 0.0
        for a, b in ((lo, int(c)), (int(c), hi)):
            for d in range(7):
                part = x[a + (d - a) % 7: b: 7]
                cost += float(np.abs(part - np.median(part)).sum()) if len(part) else 0.0
        costs.append(cost)
    return int(np.argmin(costs))


# --- over FOCUS rows -----------------------------------------------------------------------------------------

def detect_spikes(spend: DailySpend, p: SpikeParams = SpikeParams()) -> list[Anomaly]:
    """Anomalies of every series, without contributors, largest excess first."""
    out = []
    for key, x in zip(spend.keys, spend.values, strict=True):
        runs, e, z = spike_runs(x, p)
        for lo, hi in runs:
            out.append(Anomaly(key, [AnomalyDay(to_date(spend.days[i]), float(e[i]), float(x[i]), float(z[i]))
                                     for i in range(lo, hi)]))
    return sorted(out, key=lambda a: -abs(a.excess))


def detect_drifts(spend: DailySpend, p: DriftParams = DriftParams()) -> list[Drift]:
    out = [Drift(key, to_date(spend.days[c]), to_date(spend.days[c]) + timedelta(days=7 * p.after_weeks - 1),
                 before, after, share)
           for key, x in zip(spend.keys, spend.values, strict=True)
           for c, before, after, share in level_shifts(x, p)]
    return sorted(out, key=lambda d: -abs(d.change) * 7 * p.after_weeks)


def contributors(con: engine.Backend, t: ir.Table, by: By, anomaly: Anomaly, p: SpikeParams = SpikeParams(), *,
                 metric: str = "EffectiveCost", value: ir.NumericValue | None = None,
                 top: int = 5) -> list[Contributor]:
    """The resources of the anomaly's series that spent most above their own expectation in its window."""
    cond = ibis.literal(True)
    for expr, k in zip(dimensions(t, by), anomaly.key.key, strict=True):
        cond &= expr.isnull() if k is None else expr == k
    if anomaly.key.currency is not None:
        cond &= t.BillingCurrency == anomaly.key.currency
    first = anomaly.start - timedelta(days=7 * p.season_weeks)
    spend = daily_spend(con, t.filter(cond), [t.ResourceId, t.ResourceName], metric=metric, value=value,
                        by_currency=anomaly.key.currency is not None, start=first, end=anomaly.end)
    window = slice(len(spend.days) - len(anomaly.days), len(spend.days))
    found = []
    for key, x in zip(spend.keys, spend.values, strict=True):
        e = np.nan_to_num(expected_same_weekday(x, p.season_weeks)[window])
        found.append(Contributor(key.key[0], key.key[1], float(e.sum()), float(x[window].sum())))
    return sorted(found, key=lambda c: (-c.excess, c.resource_id or ""))[:top]


def anomalies(con: engine.Backend, t: ir.Table, by: By = "service", *,
              params: SpikeParams = SpikeParams(), metric: str = "EffectiveCost",
              value: ir.NumericValue | None = None, start: date | None = None, end: date | None = None,
              top: int = 5) -> list[Anomaly]:
    """Spikes in the daily spend of ``t`` per ``by`` key, each with its ``top`` contributing resources.

    ``start``/``end`` bound the series. Its first six weeks only serve as history (``min_weeks`` weeks for the
    expectation, then ``scale_min_days`` days of residuals for the scale): start six weeks early."""
    spend = daily_spend(con, t, by, metric=metric, value=value, start=start, end=end)
    return [Anomaly(a.key, a.days, contributors(con, t, by, a, params, metric=metric, value=value, top=top))
            for a in detect_spikes(spend, params)]


def drifts(con: engine.Backend, t: ir.Table, by: By = "service", *,
           params: DriftParams = DriftParams(), metric: str = "EffectiveCost", value: ir.NumericValue | None = None,
           start: date | None = None, end: date | None = None) -> list[Drift]:
    """Lasting level shifts in the daily spend of ``t`` per ``by`` key, largest first."""
    return detect_drifts(daily_spend(con, t, by, metric=metric, value=value, start=start, end=end), params)
