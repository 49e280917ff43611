"""The carbon footprint of a tenant's cloud: kgCO2e (operational and embodied), kWh, and their provenance.

How it runs (``estimate``): ONE aggregate query over the tenant's FOCUS usage rows, summed per profile
(provider, service, category, region, ResourceType, SkuId, ChargeDescription, ConsumedUnit), month, currency,
the group key and, when utilisation was imported, the measured CPU of the resource; then the factors of each
distinct profile (``balise.carbon.estimate``) are applied to those few sums in Python. The rows are read once,
like the equivalent cost query.

Tenant settings (``tenant_settings``):

- ``carbon.grid``: grid factor overrides, imported from a CSV ``zone,gco2e_per_kwh,year,source`` where a zone
  is ``provider:region`` (``ovhcloud:gra``, ``aws:eu-west-3``) or a country code (``FR``), or fetched from
  Electricity Maps (``balise carbon grid fetch``, opt-in, needs a token);
- ``carbon.renewables``: renewable energy contracts the tenant declares (provider, optional region, share of
  the energy covered, source), which give the market-based variant.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from balise import engine
from balise.carbon.estimate import Estimator, Line
from balise.errors import BadSourceError, Problem, UsageError
from balise.i18n import carbon_messages as cm
from balise.lake import rollup
from balise.reference.carbon import CarbonReference, GridFactor, canonical_region, default_reference
from balise.reference.fx import Rates, ecb
from balise.reference.offers import default_catalog
from balise.services.costs import UNTAGGED, check_month, dimension
from balise.services.settings import delete_setting, get_setting, put_setting
from balise.services.workspace import Workspace, now

GRID_SETTING = "carbon.grid"
RENEWABLES_SETTING = "carbon.renewables"
DIMENSIONS = ("month", "provider", "service", "region", "resource", "account")
_views = itertools.count()


# --- settings -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Override:
    zone: str  # provider:region or a country code
    g_per_kwh: float
    year: str
    source: str


def parse_grid_file(path: Path) -> list[Override]:
    """Overrides from ``zone,gco2e_per_kwh,year,source``; every line is checked before anything is kept."""
    if not path.is_file():
        raise UsageError(cm.NO_FILE(path=str(path)))
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("zone", "gco2e_per_kwh") if c not in header]
    if missing:
        raise BadSourceError(Problem(str(path), cm.GRID_COLUMNS(columns=", ".join(missing)), cm.HINT_GRID(), line=1))
    pos = {c: i for i, c in enumerate(header)}
    out: dict[str, Override] = {}
    for n, rec in enumerate(reader, start=2):
        if not any(x.strip() for x in rec):
            continue

        def cell(col: str, rec: list[str] = rec) -> str:
            return rec[pos[col]].strip() if col in pos and pos[col] < len(rec) else ""

        def bad(col: str, problem: Any, n: int = n, rec: list[str] = rec) -> BadSourceError:
            return BadSourceError(Problem(str(path), problem, cm.HINT_GRID(), line=n, column=col,
                                          column_number=pos[col] + 1, value=cell(col, rec)))
        zone = cell("zone")
        if not zone or (":" not in zone and not (len(zone) == 2 and zone.isalpha())):
            raise bad("zone", cm.GRID_BAD_ZONE())
        try:
            g = float(cell("gco2e_per_kwh").replace(",", "."))
        except ValueError:
            raise bad("gco2e_per_kwh", cm.GRID_BAD_VALUE()) from None
        if not 0 <= g <= 2000:
            raise bad("gco2e_per_kwh", cm.GRID_BAD_VALUE())
        key = _zone_key(zone)
        if key in out:
            raise bad("zone", cm.GRID_DUPLICATE(zone=zone))
        out[key] = Override(key, g, cell("year"), cell("source") or path.name)
    if not out:
        raise BadSourceError(Problem(str(path), cm.GRID_EMPTY(), cm.HINT_GRID(), line=1))
    return list(out.values())


def _zone_key(zone: str) -> str:
    if ":" in zone:
        provider, region = zone.split(":", 1)
        provider = provider.strip().lower()
        return f"{provider}:{canonical_region(provider, region)}"
    return zone.strip().upper()


def import_grid(ws: Workspace, tenant: str, path: Path) -> list[Override]:
    ws.tenant(tenant)
    overrides = parse_grid_file(path)
    _save_overrides(ws, tenant, overrides, replace=True, source_text=path.read_text(encoding="utf-8-sig"))
    return overrides


def _save_overrides(ws: Workspace, tenant: str, overrides: Sequence[Override], *, replace: bool,
                    source_text: str | None = None) -> None:
    current = {} if replace else {o.zone: o for o in grid_overrides(ws, tenant)}
    current.update({o.zone: o for o in overrides})
    put_setting(ws, tenant, GRID_SETTING, {"factors": [o.__dict__ for o in current.values()]}, source=source_text)


def grid_overrides(ws: Workspace, tenant: str) -> list[Override]:
    doc = get_setting(ws, tenant, GRID_SETTING) or {}
    return [Override(**o) for o in doc.get("factors", [])]


def reset_grid(ws: Workspace, tenant: str) -> bool:
    return delete_setting(ws, tenant, GRID_SETTING)


def fetch_electricitymaps(ws: Workspace, tenant: str, zones: Sequence[str], token: str,
                          opener: Callable[..., Any] | None = None, base_url: str | None = None) -> list[Override]:
    """Latest carbon intensity of each zone from Electricity Maps (opt-in), kept as country overrides."""
    from balise.connectors import electricitymaps

    ws.tenant(tenant)
    out = []
    for zone in zones:
        got = electricitymaps.latest(zone, token, opener=opener, base_url=base_url)
        out.append(Override(got.zone.upper(), got.g_per_kwh, got.datetime[:4],
                            f"Electricity Maps API carbon-intensity/latest, zone {got.zone}, {got.datetime} "
                            f"({got.factor_type}{', estimated' if got.estimated else ''}), fetched {now():%Y-%m-%d}"))
    _save_overrides(ws, tenant, out, replace=False)
    return out


@dataclass(frozen=True)
class Contract:
    provider: str
    region: str | None
    share: float  # 0..1 of the energy covered
    source: str


def renewables(ws: Workspace, tenant: str) -> list[Contract]:
    doc = get_setting(ws, tenant, RENEWABLES_SETTING) or {}
    return [Contract(**c) for c in doc.get("contracts", [])]


def set_renewable(ws: Workspace, tenant: str, provider: str, share: float, source: str,
                  region: str | None = None) -> Contract:
    ws.tenant(tenant)
    if not 0 <= share <= 1:
        raise UsageError(cm.BAD_SHARE(share=share))
    if not source.strip():
        raise UsageError(cm.NEED_SOURCE())
    provider = provider.strip().lower()
    region = canonical_region(provider, region) if region else None
    c = Contract(provider, region, share, source.strip())
    rest = [x for x in renewables(ws, tenant) if (x.provider, x.region) != (provider, region)]
    put_setting(ws, tenant, RENEWABLES_SETTING, {"contracts": [x.__dict__ for x in [*rest, c]]})
    return c


def remove_renewable(ws: Workspace, tenant: str, provider: str, region: str | None = None) -> bool:
    provider = provider.strip().lower()
    region = canonical_region(provider, region) if region else None
    current = renewables(ws, tenant)
    rest = [x for x in current if (x.provider, x.region) != (provider, region)]
    put_setting(ws, tenant, RENEWABLES_SETTING, {"contracts": [x.__dict__ for x in rest]})
    return len(rest) != len(current)


# --- the estimator of a tenant ------------------------------------------------------------------------------

def make_estimator(ws: Workspace, tenant: str, ref: CarbonReference | None = None) -> Estimator:
    ref = ref or default_reference()
    overrides = {o.zone: o for o in grid_overrides(ws, tenant)}
    contracts = renewables(ws, tenant)

    def grid(provider: str | None, region: str | None) -> GridFactor | None:
        p = provider or ""
        if region:
            o = overrides.get(f"{p}:{canonical_region(p, region)}")
            if o is None:
                iso = ref.country(p, region)
                o = overrides.get(iso) if iso else None
            if o is not None:
                return GridFactor(o.g_per_kwh, o.year, f"tenant override: {o.source}", "override", o.zone)
        return ref.grid(p, region)

    def renewable(provider: str | None, region: str | None) -> tuple[float, str | None]:
        p = provider or ""
        r = canonical_region(p, region) if region else None
        best = None
        for c in contracts:
            if c.provider == p and (c.region is None or c.region == r) and (best is None or c.region is not None):
                best = c
        return (best.share, best.source) if best else (0.0, None)

    return Estimator(ref, default_catalog(), grid, renewable)


# --- the aggregate query ------------------------------------------------------------------------------------

def key_expr(t: ir.Table, by: str) -> ir.Value:
    if by == "resource":
        return t.ResourceId
    if by not in DIMENSIONS and not (by.startswith("tag:") and len(by) > 4):
        raise UsageError(cm.BAD_BY(by=by, known=", ".join((*DIMENSIONS, "tag:KEY"))))
    return dimension(t, by)


def _utilisation(ws: Workspace, con: engine.Backend, tenant: str, start: str | None,
                 end: str | None) -> ir.Table | None:
    """(resource_id, cpu): mean CPU of the samples within the period, keyed by the billed ResourceId they
    match (its id, the end of it, or its name, as the rightsizing rule matches them)."""
    from balise.services.utilisation import utilisation_table

    u = utilisation_table(ws, con, tenant)
    if u is None:
        return None
    w = u
    if start:
        w = w.filter(w.ts >= ibis.timestamp(f"{start}-01 00:00:00"))
    if end:
        from balise.services.costs import _shift
        w = w.filter(w.ts < ibis.timestamp(f"{_shift(end, 1)}-01 00:00:00"))
    means = {r["key"]: float(r["cpu"]) for r in engine.rows(con, w.group_by(key=w.resource_id).aggregate(
        cpu=w.cpu.mean())) if r["cpu"] is not None}
    if not means:
        return None
    files = ws.live_files(tenant)
    from balise.lake import rollup
    from balise.services.context import rollup_dir

    paths = rollup.ensure(files, rollup_dir(ws))
    listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    resources = con.con.execute(f"SELECT DISTINCT resource_id, attrs.resource_name FROM read_parquet([{listing}])"
                                ).fetchall() if paths else []
    by_id = {rid: rid for rid, _ in resources}
    by_tail: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = {}
    for rid, name in resources:
        by_tail.setdefault(str(rid).rsplit("/", 1)[-1].lower(), []).append(rid)
        if name:
            by_name.setdefault(str(name).strip().lower(), []).append(rid)
    matched: dict[str, float] = {}
    for key, cpu in means.items():
        hits = [by_id[key]] if key in by_id else by_tail.get(key.lower()) or by_name.get(key.strip().lower()) or []
        if len(hits) == 1:
            matched[hits[0]] = cpu
    if not matched:
        return None
    name = f"balise_carbon_cpu_{next(_views)}"
    con.con.execute(f"CREATE TEMP TABLE {name} (resource_id VARCHAR, cpu DOUBLE)")
    con.con.executemany(f"INSERT INTO {name} VALUES (?, ?)", list(matched.items()))
    return ibis.table(ibis.schema({"resource_id": "string", "cpu": "float64"}), name=name)


# Carbon reads the "usage" rollup of each live lake file (``balise.lake.rollup``: usage rows summed per profile,
# month, currency, resource, tags and account), built at ingest like the other rollups, or on first use.
_CACHE_SCHEMA = ibis.schema({**dict.fromkeys(rollup.USAGE_KEYS, "string"), "ChargePeriodStart": "timestamp",
                             "ConsumedQuantity": "float64", "EffectiveCost": "float64", "x_Rows": "int64"})


def ensure_cache(ws: Workspace, files: Sequence[Path]) -> list[Path]:
    """The usage rollup of each lake file, computing the missing ones."""
    from balise.services.context import rollup_dir

    return rollup.ensure(files, rollup_dir(ws), kind="usage")


def usage_table(ws: Workspace, con: engine.Backend, tenant: str, start: str | None, end: str | None) -> ir.Table:
    """The tenant's usage, summed per file as in the cache, for the months [start, end] (FOCUS column names;
    ``ChargePeriodStart`` is the first instant of the charge month)."""
    from balise.services.costs import _shift

    if start and end and start > end:
        from balise.i18n import messages as m
        raise UsageError(m.MONTHS_REVERSED(start=start, end=end))
    files = ws.live_files(tenant, (_shift(start, -1) if start else None, _shift(end, 1) if end else None))
    name = f"balise_carbon_usage_{next(_views)}"
    paths = ensure_cache(ws, files)
    if paths:
        listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        con.raw_sql(f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listing}])")
    else:
        sql_type = {"string": "VARCHAR", "timestamp": "TIMESTAMP", "float64": "DOUBLE", "int64": "BIGINT"}
        cols = ", ".join(f'CAST(NULL AS {sql_type[str(t)]}) AS "{c}"' for c, t in _CACHE_SCHEMA.items())
        con.raw_sql(f"CREATE TEMP VIEW {name} AS SELECT {cols} WHERE false")
    t = ibis.table(_CACHE_SCHEMA, name=name)
    if start:
        t = t.filter(t.ChargePeriodStart >= ibis.timestamp(f"{start}-01 00:00:00"))
    if end:
        t = t.filter(t.ChargePeriodStart < ibis.timestamp(f"{_shift(end, 1)}-01 00:00:00"))
    return t


def aggregate(ws: Workspace, con: engine.Backend, tenant: str, by: str, start: str | None,
              end: str | None) -> list[dict[str, Any]]:
    """The sums per profile, month, currency, key (and measured utilisation), from the per-file cache."""
    t = usage_table(ws, con, tenant, start, end)
    util = _utilisation(ws, con, tenant, start, end)
    cpu: ir.Value = ibis.null("float64")
    if util is not None:
        t = t.left_join(util, t.ResourceId == util.resource_id)
        cpu = t.cpu
    key = key_expr(t, by).name("key")  # type: ignore[arg-type]
    groups = [t.x_Provider.name("provider"), t.ServiceName.name("service"), t.ServiceCategory.name("category"),
              t.RegionId.fill_null(t.RegionName).name("region"), t.ResourceType.name("resource_type"),
              t.SkuId.name("sku"), t.ChargeDescription.name("description"), t.ConsumedUnit.name("unit"),
              t.ChargePeriodStart.strftime("%Y-%m").name("month"), t.BillingCurrency.name("currency"), key,
              cpu.name("utilisation")]
    agg = t.group_by(groups).aggregate(quantity=t.ConsumedQuantity.sum(), cost=t.EffectiveCost.sum(),
                                       rows=t.x_Rows.sum())
    return engine.rows(con, agg)


def seed_demo(ws: Workspace, tenant: str) -> None:
    """The demo declares nothing for carbon: location-based, shipped factors (its usage rollups were built at
    ingest)."""


@dataclass
class Result:
    tenant: str
    by: str
    start: str | None
    end: str | None
    lines: list[Line]
    rows: int
    generated: datetime = field(default_factory=now)


def estimate(ws: Workspace, tenant: str, by: str = "month", *, start: str | None = None, end: str | None = None,
             rates: Rates | None = None, con: engine.Backend | None = None,
             estimator: Estimator | None = None) -> Result:
    ws.tenant(tenant)
    check_month(start)
    check_month(end)
    con = con or engine.connect()
    rows = aggregate(ws, con, tenant, by, start, end)
    rates = rates or ecb()
    estimator = estimator or make_estimator(ws, tenant)
    lines = annotate_rows(rows, estimator, rates)
    for line in lines:
        if line.key is None and by.startswith("tag:"):
            line.key = UNTAGGED
    if by == "month":
        lines.sort(key=lambda x: x.key or "")
    else:
        lines.sort(key=lambda x: (-x.kgco2e, x.key or ""))
    return Result(tenant, by, start, end, lines, sum(int(r["rows"]) for r in rows))


def annotate_rows(rows: list[dict[str, Any]], estimator: Estimator, rates: Rates) -> list[Line]:
    from balise.carbon.estimate import annotate

    memo: dict[tuple[str, str], float] = {}

    def to_eur(amount: float, currency: str, month: str) -> float:
        if currency == "EUR":
            return amount
        k = (currency, month)
        if k not in memo:
            memo[k] = rates.rate(currency, month).per_eur
        return amount / memo[k]
    return annotate(rows, estimator, to_eur)


# --- rules, KPIs, report, demo ------------------------------------------------------------------------------

@dataclass
class CarbonInput:
    """What the carbon rules and KPIs read (``ctx.input("carbon")``): the tenant's estimator, and monthly
    totals computed on first use."""

    ws: Workspace
    tenant: str
    con: engine.Backend
    estimator: Estimator
    _months: dict[str, Line] | None = None

    def month(self, month: str) -> Line | None:
        if self._months is None:
            r = estimate(self.ws, self.tenant, "month", con=self.con, estimator=self.estimator)
            self._months = {str(x.key): x for x in r.lines}
        return self._months.get(month)


def context_input(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    """What the carbon rules read from a RuleContext (``ctx.input("carbon")``)."""
    return CarbonInput(ws, tenant, con, make_estimator(ws, tenant))


def report_section(ws: Workspace, out: Any, rates: Any) -> None:
    """Carbon of the report's month next to its cost (``out.extra["carbon"]``)."""
    con = engine.connect()
    est = make_estimator(ws, out.tenant)
    month = estimate(ws, out.tenant, "provider", start=out.month, end=out.month, rates=rates, con=con,
                     estimator=est)
    if not month.lines:
        return
    prev = estimate(ws, out.tenant, "provider", start=out.previous_month, end=out.previous_month, rates=rates,
                    con=con, estimator=est)
    total = sum(x.kgco2e for x in month.lines)
    kwh = sum(x.total("kwh") for x in month.lines)
    cost = sum(x.total("cost_eur") for x in month.lines)
    facility = sum(x.total("facility_kwh") for x in month.lines)
    out.extra["carbon"] = {
        "month": out.month, "kgco2e": total, "kgco2e_operational": sum(x.total("operational") for x in month.lines),
        "kgco2e_embodied": sum(x.total("embodied") for x in month.lines),
        "kgco2e_market": sum(x.total("market") + x.total("embodied") for x in month.lines), "kwh": kwh,
        "usage_cost_eur": cost, "kg_per_keur": total / cost * 1000 if cost else None,
        "intensity_kg_per_mwh": (sum(x.total("operational") for x in month.lines) / facility * 1000)
        if facility else None,
        "previous_kgco2e": sum(x.kgco2e for x in prev.lines) if prev.lines else None,
        "by_provider": [{"key": x.key, "kgco2e": x.kgco2e, "cost_eur": x.total("cost_eur"),
                         "confidence": x.confidence()} for x in month.lines],
        "method": "ccf", "location_based": True,
    }
    out.sections.append("carbon")


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"
