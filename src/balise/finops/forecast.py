"""Month-end and year-end spend forecasts from a daily series, with an interval, and their backtest.

**Method: weekly profile × robust linear trend, intervals from the model's own past errors.**

1. Fit window: the last ``fit_days`` days (13 weeks by default): long enough to see a trend through noise
   and a spike, short enough that a 2 %/month compound growth is nearly straight on it.
2. Weekly profile: each day's ratio to the centred 7-day moving average; the profile of a weekday is the
   median of its ratios (normalised to a mean of 1). ``season="additive"`` uses differences instead; a
   series whose moving average or a weekday's profile is not positive (credits, weekends at zero) falls
   back to it.
3. Trend: the seasonally adjusted series is fitted with the Theil–Sen estimator (slope = median of all
   pairwise slopes, intercept = median residual): a four-day spike or a missing day does not tilt it, and
   a perfectly linear series is recovered exactly. ``damping`` < 1 flattens the trend geometrically.
4. Interval: the same model is run from up to ``calib_origins`` past days over the same horizon; the
   ``level`` quantile (80 % by default) of its absolute relative errors on the remaining spend gives a
   symmetric interval. (Quantiles of the signed errors, ``interval="quantile"``, covered only 61–72 % of
   the demo's months: consecutive origins share most of their errors, so their spread is too narrow.)
   When the history is too short for that horizon (a year-end forecast made in March), the errors of the
   longest horizon it allows are scaled up in proportion to the horizon (conservative).

The forecast of a period is what was observed in it so far plus the forecast of its remaining days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt

from balise.finops.series import DayArray, FloatArray, to_date

METHOD = "weekly profile × Theil–Sen trend, interval from past errors"


class InsufficientHistory(ValueError):
    """Too few days of history to fit and calibrate the model."""


@dataclass(frozen=True, slots=True)
class ForecastParams:
    fit_days: int = 91  # the trend and the weekly profile are fitted on the last 13 weeks
    season: Literal["multiplicative", "additive"] = "multiplicative"
    damping: float = 1.0  # trend multiplier per day ahead (1: linear; 0.98: the slope halves in ~5 weeks)
    level: float = 0.8  # probability that the actual total falls within [low, high]
    calib_origins: int = 90  # past forecast origins whose errors set the interval
    min_days: int = 28  # shortest history accepted
    interval: Literal["symmetric", "quantile"] = "symmetric"  # ± the level-quantile of |error|, or error quantiles


@dataclass(frozen=True, slots=True)
class Forecast:
    period_start: date
    period_end: date
    as_of: date  # last day observed
    actual: float  # observed in the period up to as_of
    remaining: float  # forecast of the days after as_of
    low: float
    high: float
    level: float
    missing_days: int  # days of the period before the history starts: neither observed nor forecast
    method: str
    params: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def point(self) -> float:
        return self.actual + self.remaining


@dataclass(frozen=True, slots=True)
class Model:
    intercept: float  # trend at the first day of the fit window
    slope: float  # per day
    profile: FloatArray  # 7 entries, by day index modulo 7 of the whole series
    multiplicative: bool
    start: int  # index of the fit window's first day in the whole series
    damping: float

    def predict(self, first: int, h: int) -> FloatArray:
        """Daily forecasts for series indices first .. first + h − 1 (all after the fit window)."""
        k = np.arange(first, first + h) - self.start  # positions from the fit window's start
        last = k[0] - 1 if h else 0  # the trend's anchor: the day before the first forecast day
        steps = np.arange(1, h + 1)
        growth = steps.astype(float) if self.damping == 1 else np.cumsum(self.damping ** steps)
        trend = self.intercept + self.slope * (last + growth)
        season = self.profile[np.arange(first, first + h) % 7]
        return trend * season if self.multiplicative else trend + season


def fit(x: FloatArray, end: int, p: ForecastParams = ForecastParams()) -> Model:
    """The model fitted on x[end − fit_days : end]."""
    start = max(end - p.fit_days, 0)
    y = np.asarray(x[start:end], dtype=np.float64)
    m = len(y)
    idx = np.arange(start, end)
    ma = np.convolve(y, np.ones(7) / 7, mode="valid")  # ma[j] is centred on y[j + 3]
    centre = idx[3: 3 + len(ma)]
    multiplicative = p.season == "multiplicative" and bool(np.all(ma > 0))
    if multiplicative:
        profile = _profile(y[3: 3 + len(ma)] / ma, centre, 1.0)
        multiplicative = bool(np.all(profile > 0))  # a weekday at zero (office hours only): additive
        profile = profile / profile.mean()
    if not multiplicative:
        profile = _profile(y[3: 3 + len(ma)] - ma, centre, 0.0)
        profile = profile - profile.mean()
    adjusted = y / profile[idx % 7] if multiplicative else y - profile[idx % 7]
    i, j = np.triu_indices(m, k=1)
    slope = float(np.median((adjusted[j] - adjusted[i]) / (j - i))) if m > 1 else 0.0
    intercept = float(np.median(adjusted - slope * np.arange(m)))
    return Model(intercept, slope, profile, multiplicative, start, p.damping)


def _profile(ratio: FloatArray, centre: npt.NDArray[np.int64], neutral: float) -> FloatArray:
    """Median ratio (or difference) per day index modulo 7; ``neutral`` for a weekday never seen."""
    return np.array([float(np.median(ratio[centre % 7 == d])) if np.any(centre % 7 == d) else neutral
                     for d in range(7)])


def _errors(x: FloatArray, end: int, h: int, p: ForecastParams, fits: dict[int, Model]) -> tuple[FloatArray, int]:
    """Relative errors (actual − forecast) / |forecast| of the remaining-spend forecast from past origins,
    and the horizon they were measured at. ``fits`` caches the model fitted up to each origin (valid for one
    series and one set of parameters)."""
    lo = min(14, end - 8)
    hc = max(min(h, end - lo - 7), 1)
    origins = np.arange(max(lo, end - hc - p.calib_origins + 1), end - hc + 1)
    errs = []
    for o in origins:
        model = fits.get(int(o)) or fits.setdefault(int(o), fit(x, int(o), p))
        pred = float(model.predict(int(o), hc).sum())
        errs.append((float(x[o: o + hc].sum()) - pred) / max(abs(pred), 1e-9))
    return np.array(errs), hc


def forecast(days: DayArray, values: npt.ArrayLike, period_start: date, period_end: date, *,
             as_of: date | None = None, params: ForecastParams = ForecastParams()) -> Forecast:
    """Spend of [period_start, period_end] from the daily series observed up to ``as_of`` (default: its
    last day). ``days`` must be consecutive (as ``series.daily_spend`` returns them)."""
    x = np.asarray(values, dtype=np.float64)
    return _forecast(x, to_date(days[0]), period_start, period_end, as_of or to_date(days[-1]), params, {})


def _forecast(x: FloatArray, first: date, period_start: date, period_end: date, as_of: date, p: ForecastParams,
              fits: dict[int, Model]) -> Forecast:
    n = (as_of - first).days + 1
    if n < p.min_days or n > len(x):
        raise InsufficientHistory(f"{n} days of history up to {as_of} (at least {p.min_days} needed)")
    if period_end < period_start or period_end <= as_of:
        raise ValueError(f"the period {period_start}..{period_end} must end after {as_of}")
    lo = max((period_start - first).days, 0)
    actual = float(x[lo:n].sum()) if period_start <= as_of else 0.0
    gap = max((period_start - as_of).days - 1, 0)  # days between as_of and a future period's start
    h = (period_end - as_of).days
    model = fit(x[:n], n, p)
    remaining = float(model.predict(n, h)[gap:].sum())
    errs, hc = _errors(x[:n], n, h, p, fits)
    if p.interval == "symmetric":
        q = float(np.quantile(np.abs(errs), p.level))
        q_lo, q_hi = -q, q
    else:
        q_lo, q_hi = (float(v) for v in np.quantile(errs, [(1 - p.level) / 2, (1 + p.level) / 2]))
    spread = abs(remaining) * h / hc
    point = actual + remaining
    return Forecast(period_start, period_end, as_of, actual, remaining, point + q_lo * spread,
                    point + q_hi * spread, p.level, max((first - period_start).days, 0), METHOD,
                    {**asdict(p), "season_used": "multiplicative" if model.multiplicative else "additive",
                     "slope_per_day": model.slope, "calibration_horizon": hc, "calibration_origins": len(errs)})


def month_end(days: DayArray, values: npt.ArrayLike, *, as_of: date | None = None,
              params: ForecastParams = ForecastParams()) -> Forecast:
    """Total of the month of the first day not yet observed."""
    nxt = (as_of or to_date(days[-1])) + timedelta(days=1)
    start = nxt.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return forecast(days, values, start, end, as_of=as_of, params=params)


def year_end(days: DayArray, values: npt.ArrayLike, *, as_of: date | None = None,
             params: ForecastParams = ForecastParams()) -> Forecast:
    """Total of the calendar year of the first day not yet observed (only its observed days count as actual)."""
    nxt = (as_of or to_date(days[-1])) + timedelta(days=1)
    return forecast(days, values, date(nxt.year, 1, 1), date(nxt.year, 12, 31), as_of=as_of, params=params)


# --- backtest ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BacktestCase:
    month: str  # YYYY-MM forecast
    origin: date  # the day the forecast is made: bills known up to the day before
    actual: float  # the month's real total
    forecast: Forecast
    naive: float  # run-rate baseline: observed so far + mean of the last 28 days × days left

    @property
    def error(self) -> float:
        return self.forecast.point - self.actual

    @property
    def covered(self) -> bool:
        return self.forecast.low <= self.actual <= self.forecast.high


@dataclass(frozen=True, slots=True)
class Backtest:
    cases: list[BacktestCase]
    level: float

    @property
    def mape(self) -> float:
        return float(np.mean([abs(c.error) / abs(c.actual) for c in self.cases]))

    @property
    def mae(self) -> float:
        return float(np.mean([abs(c.error) for c in self.cases]))

    @property
    def coverage(self) -> float:
        return float(np.mean([c.covered for c in self.cases]))

    @property
    def naive_mape(self) -> float:
        return float(np.mean([abs(c.naive - c.actual) / abs(c.actual) for c in self.cases]))

    def by_origin(self) -> dict[int, tuple[float, float]]:
        """Origin day of month → (MAPE, coverage)."""
        out = {}
        for d in sorted({c.origin.day for c in self.cases}):
            sub = Backtest([c for c in self.cases if c.origin.day == d], self.level)
            out[d] = (sub.mape, sub.coverage)
        return out


def backtest(days: DayArray, values: npt.ArrayLike, *, months: int = 6, origin_days: Sequence[int] = (1, 10, 20),
             params: ForecastParams = ForecastParams()) -> Backtest:
    """Rolling-origin evaluation of month-end forecasts: for each of the last ``months`` complete months of
    the series, forecast its total on each origin day (with the bills up to the day before) and compare."""
    x = np.asarray(values, dtype=np.float64)
    first, last = to_date(days[0]), to_date(days[-1])
    if (last + timedelta(days=1)).day != 1:
        last = last.replace(day=1) - timedelta(days=1)  # the last complete month
    ends: list[date] = []
    m_end = last
    while len(ends) < months and m_end.replace(day=1) > first:
        ends.append(m_end)
        m_end = m_end.replace(day=1) - timedelta(days=1)
    cases: list[BacktestCase] = []
    fits: dict[int, Model] = {}
    for end in reversed(ends):
        start = end.replace(day=1)
        lo, hi = (start - first).days, (end - first).days
        actual = float(x[lo: hi + 1].sum())
        for d in origin_days:
            if d > end.day:
                continue
            origin = start + timedelta(days=d - 1)
            seen = (origin - first).days  # observed days: indices 0 .. seen − 1
            f = _forecast(x, first, start, end, origin - timedelta(days=1), params, fits)
            naive = float(x[lo:seen].sum()) + float(x[seen - 28: seen].mean()) * (hi + 1 - seen)
            cases.append(BacktestCase(f"{start:%Y-%m}", origin, actual, f, naive))
    return Backtest(cases, params.level)

