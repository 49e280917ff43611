"""Daily spend series from FOCUS rows: the input of anomaly detection and forecasting.

One Ibis aggregate per call, grouped by key, currency, charge day and charge-period length, fetched with
``engine.rows``; the rest is numpy. Days are UTC calendar days (the engine's session time zone is UTC).

**Metric.** ``EffectiveCost`` by default: the amortised cost of what was consumed. With ``BilledCost``, a
commitment (savings plan, reserved instance) shows as one large purchase row on the first of the month and
its covered usage as 0: every first of the month would look like a spike and every covered day like a drop,
although consumption did not change. ``EffectiveCost`` puts the commitment's cost on the days that used it,
which is what a spike or a drift in consumption changes, and what a forecast of consumption extrapolates.

**Rows longer than a day** (monthly taxes, credits, recurring fees) are spread evenly over the days of their
charge period, so a monthly VAT row does not make every first of the month a spike.

**Currencies are never added together.** A series is keyed by (key, currency): a key billed in two
currencies gives two series. To get one series in one currency, pass ``value`` (an expression converting
the cost) and ``by_currency=False``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, TypeAlias

import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt

from balise import engine

FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]  # dtype datetime64[D]
KeyValue = str | None

METRICS = ("EffectiveCost", "BilledCost", "ListCost", "ContractedCost")
Dimension: TypeAlias = Callable[[ir.Table], ir.Value]
By: TypeAlias = str | ir.Value | Dimension | Sequence[str | ir.Value | Dimension]  # one dimension or several
DIMENSIONS: dict[str, Dimension] = {
    "total": lambda t: ibis.literal("total"),
    "service": lambda t: t.ServiceName,
    "account": lambda t: t.SubAccountId.fill_null(t.BillingAccountId),
    "provider": lambda t: t.x_Provider,
    "region": lambda t: t.RegionId.fill_null(t.RegionName),
    "resource": lambda t: t.ResourceId,
}
_SECONDS_A_DAY = 86_400


@dataclass(frozen=True, slots=True)
class SeriesKey:
    key: tuple[KeyValue, ...]  # one value per dimension of ``by``
    currency: str | None  # None when the series was built with by_currency=False

    @property
    def label(self) -> str:
        return " / ".join("(none)" if k is None else k for k in self.key)


@dataclass(frozen=True, slots=True)
class DailySpend:
    """Spend per key and day: ``values[i, j]`` is key ``keys[i]`` on day ``days[j]`` (0 when nothing was billed)."""

    days: DayArray  # consecutive UTC days, datetime64[D]
    keys: list[SeriesKey]
    values: FloatArray  # shape (len(keys), len(days))

    def series(self, key: SeriesKey | str) -> FloatArray:
        """One key's daily values; a plain string matches a one-dimension key (any currency, if only one)."""
        return self.values[self.index(key)]

    def index(self, key: SeriesKey | str) -> int:
        if isinstance(key, SeriesKey):
            return self.keys.index(key)
        hits = [i for i, k in enumerate(self.keys) if k.key == (key,)]
        if len(hits) != 1:
            raise KeyError(f"{key!r} matches {len(hits)} series; pass a SeriesKey (key and currency)")
        return hits[0]

    @property
    def first(self) -> date:
        return to_date(self.days[0])

    @property
    def last(self) -> date:
        return to_date(self.days[-1])


def to_date(day: np.datetime64) -> date:
    return date.fromisoformat(str(day.astype("datetime64[D]")))


def day_range(first: date, last: date) -> DayArray:
    """Every day from first to last, inclusive, as datetime64[D]."""
    return np.arange(np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D"))


def dimension(t: ir.Table, by: str | ir.Value | Dimension) -> ir.Value:
    if isinstance(by, str):
        if by not in DIMENSIONS:
            raise ValueError(f"unknown dimension {by!r}; known: {', '.join(DIMENSIONS)}")
        return DIMENSIONS[by](t)
    if isinstance(by, ir.Value):
        return by
    return by(t)


def dimensions(t: ir.Table, by: By) -> list[ir.StringValue]:
    """The key expressions of ``by``, as strings named k0, k1…"""
    dims = [by] if isinstance(by, str | ir.Value) or callable(by) else list(by)
    if not dims:
        raise ValueError("by must name at least one dimension")
    return [dimension(t, d).cast("string").name(f"k{i}") for i, d in enumerate(dims)]


def daily_spend(con: engine.Backend, t: ir.Table, by: By = "service", *,
                metric: str = "EffectiveCost", value: ir.NumericValue | None = None, by_currency: bool = True,
                start: date | None = None, end: date | None = None) -> DailySpend:
    """Daily spend of ``t`` per key, from ``start`` to ``end`` inclusive (default: the first and last day
    with a charge), every day present (0 when nothing was billed).

    ``by`` is a dimension name (``total``, ``service``, ``account``, ``provider``, ``region``,
    ``resource``), an expression over ``t``, a function of ``t`` returning one, or a sequence of them (the
    key is then a tuple). ``value`` replaces the ``metric`` column (e.g. a cost converted to one currency);
    with ``by_currency=False`` the series are not split by ``BillingCurrency``.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
    keys = dimensions(t, by)
    amount = (value if value is not None else t[metric]).fill_null(0)
    day = t.ChargePeriodStart.date()
    seconds = t.ChargePeriodEnd.epoch_seconds() - day.cast("timestamp").epoch_seconds()
    span = ibis.greatest((seconds + _SECONDS_A_DAY - 1) // _SECONDS_A_DAY, 1).fill_null(1).cast("int64")
    epoch_day = (day.cast("timestamp").epoch_seconds() // _SECONDS_A_DAY).cast("int64")
    groups = [*keys, (t.BillingCurrency if by_currency else ibis.null("string")).name("currency"),
              epoch_day.name("day"), span.name("span")]
    filtered = t.filter(t.ChargePeriodStart.notnull())
    if start is not None:  # rows that end after start (spread rows may begin earlier)
        since = ibis.timestamp(start)
        filtered = filtered.filter((t.ChargePeriodStart >= since) | (t.ChargePeriodEnd > since))
    if end is not None:
        filtered = filtered.filter(t.ChargePeriodStart < ibis.timestamp(end + timedelta(days=1)))
    agg = filtered.group_by(groups).aggregate(cost=amount.sum())
    return _assemble(engine.rows(con, agg), len(keys), start, end)


def _assemble(rows: list[dict[str, Any]], n_keys: int, start: date | None, end: date | None) -> DailySpend:
    """Spread the aggregated rows (day as days since 1970-01-01) over a day × key matrix."""
    if not rows and (start is None or end is None):
        return DailySpend(np.array([], dtype="datetime64[D]"), [], np.zeros((0, 0)))
    day = np.fromiter(map(itemgetter("day"), rows), dtype=np.int64, count=len(rows))
    span = np.fromiter(map(itemgetter("span"), rows), dtype=np.int64, count=len(rows))
    cost = np.array([c or 0.0 for c in map(itemgetter("cost"), rows)], dtype=np.float64)
    first = np.datetime64(start, "D").astype(np.int64) if start else int(day.min())
    last = np.datetime64(end, "D").astype(np.int64) if end else int((day + span - 1).max())
    days = np.arange(first, last + 1).astype("datetime64[D]")
    names = [f"k{i}" for i in range(n_keys)]
    raw = [(r[:-1], r[-1]) for r in map(itemgetter(*names, "currency"), rows)]
    order = sorted(set(raw), key=lambda k: (tuple((v is None, v or "") for v in k[0]), k[1] or ""))
    position = {k: i for i, k in enumerate(order)}
    which = np.fromiter(map(position.__getitem__, raw), dtype=np.int64, count=len(raw))
    values = np.zeros((len(order), len(days)))
    lo = day - first
    one = (span == 1) & (lo >= 0) & (lo < len(days))
    np.add.at(values, (which[one], lo[one]), cost[one])
    for i in np.flatnonzero(span > 1):  # monthly fees, taxes, credits: few rows
        a, b = max(int(lo[i]), 0), min(int(lo[i] + span[i]), len(days))
        if a < b:
            values[which[i], a:b] += cost[i] / span[i]
    return DailySpend(days, [SeriesKey(k, c) for k, c in order], values)
