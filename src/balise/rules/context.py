"""What a rule reads: the tenant's FOCUS rows, one shared per-resource aggregate, and optional inputs.

Rules must not each scan every FOCUS row: on 10 M rows a scan costs most of a second. The context computes
``resources()`` once (one pass over the analysis window, kept as a DuckDB temporary table) and rules read that;
a rule that needs rows (commitments, anomalies) reads ``focus`` or ``history``.

``resources()`` columns, one row per (ResourceId, BillingCurrency) charged within the window:

======================  ======================================================================================
resource_id             ``ResourceId``
resource_name           latest ``ResourceName``
resource_type           latest ``ResourceType`` (``Virtual Machine``, ``Volume``, ``IP Address``…)
provider                ``x_Provider`` (``aws``, ``azure``, ``ovhcloud``…)
service                 latest ``ServiceName``
service_category        latest ``ServiceCategory``
account                 ``SubAccountId``, else ``BillingAccountId``
account_name            latest ``SubAccountName``
region                  latest ``RegionId``, else ``RegionName``
sku                     latest ``SkuId``
description             latest ``ChargeDescription``
tags                    latest non-empty ``Tags`` (a JSON object string, or null)
currency                ``BillingCurrency``
rows                    number of rows
days                    distinct UTC charge days
first_day, last_day     first and last charge day (``date``)
billed, effective,      sums of ``BilledCost``, ``EffectiveCost``, ``ListCost``
list_cost
usage_effective         sum of ``EffectiveCost`` of ``ChargeCategory`` = Usage rows
consumed                sum of ``ConsumedQuantity`` (null when no row has one)
consumed_unit           latest ``ConsumedUnit``
min_daily, max_daily    smallest and largest ``EffectiveCost`` of a one-day Usage row with a cost
======================  ======================================================================================
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from balise import engine
from balise.lake import rollup
from balise.reference.fx import Rates

_tables = itertools.count()
_SUMS_SCHEMA = ibis.schema({
    **{c: ("timestamp" if c.startswith("ChargePeriod") else "string") for c in rollup.SUMMARY_KEYS},
    "x_HasResource": "boolean", "Tags": "string", **{f"x_{c}Null": "boolean" for c in rollup.SUMMARY_SUMS},
    **dict.fromkeys(rollup.SUMMARY_SUMS, "float64"), "x_Rows": "int64"})
_ATTR_FIELDS = ("resource_name", "resource_type", "provider", "service", "service_category", "account",
                "account_name", "region", "sku", "description", "consumed_unit")


@dataclass
class RuleContext:
    con: engine.Backend
    tenant: str
    focus: ir.Table  # the tenant's rows charged within [start, end]
    history: ir.Table  # all the tenant's rows (anomalies and forecasts need more than the window)
    start: str  # first month of the window, YYYY-MM
    end: str  # last month of the window
    as_of: date  # last charge day with data in the window
    rates: Rates
    # Optional inputs by name ("utilisation", "offers", "budgets"…), loaded on first use by ``input(name)``.
    # A rule that needs one and finds None yields UNKNOWN findings or nothing, and says why.
    loaders: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # The lake files behind ``focus`` and a cache folder: when both are given, ``resources()`` reads the files'
    # per-resource monthly rollups (``balise.lake.rollup``) instead of every row. Same result, much faster.
    files: Sequence[Path] | None = None
    history_files: Sequence[Path] | None = None  # the lake files behind ``history``
    rollup_cache: Path | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def input(self, name: str) -> Any:
        """An optional input (None when the tenant has none, or nobody provides it)."""
        loader = self.loaders.get(name)
        return None if loader is None else self.cached("input:" + name, loader)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """Compute something once per context (rules may share an aggregate)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def to_eur(self, amount: float, currency: str, month: str | None = None) -> float:
        """``amount`` in EUR at the month's rate (default: the window's last month). Rules call it for every
        resource, so the rate is looked up once per currency and month."""
        key = (currency, month or self.end)
        rates = self._cache.setdefault("to_eur:rates", {})
        per_eur = rates.get(key)
        if per_eur is None:
            per_eur = rates[key] = self.rates.rate(currency, key[1]).per_eur
        return amount / per_eur  # type: ignore[no-any-return]

    @property
    def window_days(self) -> int:
        first = date(int(self.start[:4]), int(self.start[5:]), 1)
        return (self.as_of - first).days + 1

    def resources(self) -> ir.Table:
        """The per-resource aggregate (see the module docstring), computed once."""
        return self.cached("resources", self._resources)  # type: ignore[no-any-return]

    @property
    def sums(self) -> ir.Table:
        """The window's rows summed per day over low-cardinality FOCUS columns (``balise.lake.rollup``: FOCUS
        column names, sums of the cost and quantity columns, ``x_Rows`` the number of rows). Anything that
        only sums costs by provider, service, account, region, category, commitment or day gives the same
        result on it as on ``focus``, reading ~100 times fewer rows. Falls back to ``focus`` itself."""
        return self.cached("sums:window", lambda: self._sums(self.start))  # type: ignore[no-any-return]

    @property
    def history_sums(self) -> ir.Table:
        """``sums`` over the whole history up to the window's end (falls back to ``history``)."""
        return self.cached("sums:history", lambda: self._sums(None))  # type: ignore[no-any-return]

    def _sums(self, start: str | None) -> ir.Table:
        raw = self.focus if start else self.history
        files = self.history_files if start is None else self.files
        if files is None or self.rollup_cache is None or not files:
            return raw
        paths = rollup.ensure(files, self.rollup_cache, kind="summary")
        name = f"balise_sums_{next(_tables)}"
        listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        lo = f"strftime(ChargePeriodStart, '%Y-%m') >= '{start}' AND " if start else ""
        self.con.raw_sql(f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listing}]) "
                         f"WHERE {lo}strftime(ChargePeriodStart, '%Y-%m') <= '{self.end}'")
        return ibis.table(_SUMS_SCHEMA, name=name)

    def resource_rows(self) -> list[dict[str, Any]]:
        return self.cached("resource_rows", lambda: engine.rows(self.con, self.resources()))  # type: ignore[no-any-return]

    def _resources(self) -> ir.Table:
        if self.files is not None and self.rollup_cache is not None:
            return self._resources_from_rollups(self.files, self.rollup_cache)
        return self._resources_from_rows()

    def _resources_from_rollups(self, files: Sequence[Path], cache: Path) -> ir.Table:
        name = f"balise_resources_{next(_tables)}"
        paths = rollup.ensure(files, cache)
        fields = ", ".join(f"attrs.{f} AS {f}" for f in _ATTR_FIELDS)
        if paths:
            listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
            self.con.raw_sql(f"""
                CREATE TEMP TABLE {name} AS
                SELECT resource_id, currency, {fields}, tags, rows, days, first_day, last_day, billed, effective,
                       list_cost, usage_effective, consumed, min_daily, max_daily
                FROM (SELECT resource_id, currency, arg_max(attrs, last_ts) AS attrs,
                             arg_max(tags, tagged_at) AS tags, sum(rows) AS rows, sum(days) AS days,
                             min(first_day) AS first_day, max(last_day) AS last_day, sum(billed) AS billed,
                             sum(effective) AS effective, sum(list_cost) AS list_cost,
                             sum(usage_effective) AS usage_effective, sum(consumed) AS consumed,
                             min(min_daily) AS min_daily, max(max_daily) AS max_daily
                      FROM read_parquet([{listing}])
                      WHERE month BETWEEN '{self.start}' AND '{self.end}' GROUP BY ALL)""")
        else:
            return self._resources_from_rows()
        return self.con.table(name)

    def _resources_from_rows(self) -> ir.Table:
        t = self.focus.filter(self.focus.ResourceId.notnull())
        ts = t.ChargePeriodStart
        day = ts.date()
        one_day = t.ChargePeriodEnd.delta(ts, unit="second") <= 86_400
        usage = t.ChargeCategory == "Usage"
        has_tags = t.Tags.notnull() & (t.Tags.strip() != "{}") & (t.Tags.strip() != "")
        tagged_at = ibis.ifelse(has_tags, ts, ibis.null("timestamp"))
        agg = t.group_by(resource_id=t.ResourceId, currency=t.BillingCurrency).aggregate(
            resource_name=t.ResourceName.argmax(ts),
            resource_type=t.ResourceType.argmax(ts),
            provider=t.x_Provider.argmax(ts),
            service=t.ServiceName.argmax(ts),
            service_category=t.ServiceCategory.argmax(ts),
            account=t.SubAccountId.fill_null(t.BillingAccountId).argmax(ts),
            account_name=t.SubAccountName.argmax(ts),
            region=t.RegionId.fill_null(t.RegionName).argmax(ts),
            sku=t.SkuId.argmax(ts),
            description=t.ChargeDescription.argmax(ts),
            tags=ibis.ifelse(has_tags, t.Tags, ibis.null(str)).argmax(tagged_at),
            rows=t.count(),
            days=day.nunique(),
            first_day=day.min(),
            last_day=day.max(),
            billed=t.BilledCost.sum(),
            effective=t.EffectiveCost.sum(),
            list_cost=t.ListCost.sum(),
            usage_effective=ibis.ifelse(usage, t.EffectiveCost, 0).sum(),
            consumed=t.ConsumedQuantity.sum(),
            consumed_unit=t.ConsumedUnit.argmax(ts),
        )
        # min/max of the day's summed one-day usage cost, as the rollups compute it
        d = t.group_by(resource_id=t.ResourceId, currency=t.BillingCurrency, day=day).aggregate(
            usage=ibis.ifelse(usage & one_day, t.EffectiveCost, ibis.null(float)).sum())
        d = d.filter(d.usage > 0).group_by("resource_id", "currency").aggregate(
            min_daily=d.usage.min(), max_daily=d.usage.max())
        agg = agg.left_join(d, ["resource_id", "currency"]).select(*agg.columns, "min_daily", "max_daily")
        name = f"balise_resources_{next(_tables)}"
        return self.con.create_table(name, agg, temp=True)
