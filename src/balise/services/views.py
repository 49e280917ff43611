"""What the web cockpit and the REST API show, computed by the other services and cached per (tenant, state).

A page's figures change only when the tenant's lake (an ingest), its settings (KPIs, policy, allocation) or its
budgets change: ``state_token`` reads those in one cheap query, and every cached figure is keyed by it, so a
cached figure is never stale and is computed once per state, even when 50 users open the page at once (one
computes, the others wait for it). Findings and sources are read from the state database on each request.

Also here: the drill-down from a cost group to its resources, storing an upload (size limit, type check,
sha256), a source's reject file, and the figures of ``/metrics``.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, TypeVar

import ibis
from sqlalchemy import func, select

from balise import engine
from balise.errors import UsageError
from balise.i18n import web_messages as wm
from balise.kpis import data
from balise.kpis.results import KpiResult
from balise.reference.fx import Rates
from balise.rules.budget_rules import BudgetStatus
from balise.services import budgets as budgets_service
from balise.services import costs as costs_service
from balise.services import findings as findings_service
from balise.services import kpis as kpis_service
from balise.services.context import rule_context
from balise.services.ingest import IngestResult, ingest
from balise.services.workspace import Workspace
from balise.state.models import Budget, LakeFile, Source, TenantSetting

T = TypeVar("T")


# --- the cache ---------------------------------------------------------------------------------------------------

class _Cache:
    """A small LRU of computed figures; one lock per key so that concurrent misses compute once."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.locks: dict[tuple[Any, ...], threading.Lock] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]  # type: ignore[no-any-return]
            lock = self.locks.setdefault(key, threading.Lock())
        with lock:
            with self.lock:
                if key in self.items:
                    return self.items[key]  # type: ignore[no-any-return]
            value = make()
            with self.lock:
                self.items[key] = value
                while len(self.items) > self.size:
                    old, _ = self.items.popitem(last=False)
                    self.locks.pop(old, None)
                self.locks.pop(key, None)
            return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


CACHE = _Cache()


def state_token(ws: Workspace, tenant: str) -> tuple[Any, ...]:
    """Changes whenever the tenant's lake, settings or budgets change."""
    tid = ws.tenant(tenant).id
    with ws.session() as s:
        lake = s.execute(select(func.count(), func.max(LakeFile.id), func.sum(LakeFile.rows))
                         .where(LakeFile.tenant_id == tid)).one()
        settings = s.execute(select(func.count(), func.max(TenantSetting.updated_at))
                             .where(TenantSetting.tenant_id == tid)).one()
        budgets = s.execute(select(func.count(), func.max(Budget.updated_at)).where(Budget.tenant_id == tid)).one()
    return (str(ws.home), tenant, *lake, *settings, *budgets)


def cached(ws: Workspace, tenant: str, what: str, params: tuple[Any, ...], make: Callable[[], T]) -> T:
    return CACHE.get((what, params, state_token(ws, tenant)), make)


# --- overview ----------------------------------------------------------------------------------------------------

@dataclass
class MonthPoint:
    month: str
    eur: float


@dataclass
class Overview:
    tenant: str
    month: str | None  # None: no data yet
    as_of: date | None
    kpis: list[KpiResult] = field(default_factory=list)
    months: list[MonthPoint] = field(default_factory=list)  # EffectiveCost in EUR per month, oldest first
    forecast: data.Projection | None = None  # the latest month's month-end projection
    budget_eur: float | None = None  # sum of the whole-tenant monthly budgets
    budgets: list[BudgetStatus] = field(default_factory=list)


def overview(ws: Workspace, tenant: str, rates: Rates) -> Overview:
    ws.tenant(tenant)
    return cached(ws, tenant, "overview", (), lambda: _overview(ws, tenant, rates))


def has_data(ws: Workspace, tenant: str) -> bool:
    tid = ws.tenant(tenant).id
    with ws.session() as s:
        return s.scalar(select(LakeFile.id).where(LakeFile.tenant_id == tid).limit(1)) is not None


def _overview(ws: Workspace, tenant: str, rates: Rates) -> Overview:
    if not has_data(ws, tenant):
        return Overview(tenant, None, None)
    ctx = rule_context(ws, tenant, rates=rates)
    results = kpis_service.kpis(ws, tenant, ctx=ctx)
    monthly = costs_service.costs(ws, tenant, "month", metric="effective", currency="EUR", rates=rates,
                                  start=data.shift(ctx.end, -11), end=ctx.end, con=ctx.con)
    proj = data.month_end(ctx)
    report = budgets_service.status(ws, tenant, ctx=ctx)
    whole = [b.monthly for b in report.statuses if b.tag_key is None]
    return Overview(tenant, ctx.end, ctx.as_of, results, [MonthPoint(str(x.key), x.cost) for x in monthly],
                    proj if isinstance(proj, data.Projection) else None, sum(whole) if whole else None,
                    report.statuses)


# --- budgets with their burn-down -------------------------------------------------------------------------------

@dataclass
class BurnDown:
    status: BudgetStatus
    days: list[date]  # days of the month with data
    cumulative: list[float]  # EUR spent from the 1st to that day
    month_days: int


def budget_burndowns(ws: Workspace, tenant: str, rates: Rates) -> tuple[str | None, list[BurnDown]]:
    ws.tenant(tenant)
    return cached(ws, tenant, "budgets", (), lambda: _burndowns(ws, tenant, rates))


def _burndowns(ws: Workspace, tenant: str, rates: Rates) -> tuple[str | None, list[BurnDown]]:
    if not has_data(ws, tenant) or not budgets_service.list_budgets(ws, tenant):
        return None, []
    ctx = rule_context(ws, tenant, rates=rates)
    report = budgets_service.status(ws, tenant, ctx=ctx)
    start, end = data.month_bounds(ctx.end)
    out = []
    for st in report.statuses:
        key = "kpis:daily:tenant" if st.tag_key is None else f"kpis:daily:budget:{st.scope}"
        daily = data.daily_eur(ctx) if st.tag_key is None else ctx.cached(key, lambda: None)
        days: list[date] = []
        cum: list[float] = []
        if daily is not None:
            total = 0.0
            for d, v in zip(daily.days, daily.values, strict=True):
                day = date.fromisoformat(str(d)[:10])
                if start <= day <= end:
                    total += float(v)
                    days.append(day)
                    cum.append(total)
        out.append(BurnDown(st, days, cum, (end - start).days + 1))
    return ctx.end, out


# --- costs explorer --------------------------------------------------------------------------------------------

def cost_lines(ws: Workspace, tenant: str, by: str, start: str | None, end: str | None, metric: str,
               rates: Rates, tag: str | None = None) -> list[costs_service.CostLine]:
    """``costs.costs`` in EUR; ``tag`` (``KEY=VALUE``) keeps only the rows carrying that tag value."""
    ws.tenant(tenant)
    if metric not in costs_service.METRICS:
        raise UsageError(wm.BAD_KEY(value=metric))
    if tag:
        key, value = budgets_service.parse_tag(tag)
        return cached(ws, tenant, "costs:tag", (by, start, end, metric, key, value),
                      lambda: _tagged_lines(ws, tenant, by, start, end, metric, rates, str(key), str(value)))
    return cached(ws, tenant, "costs", (by, start, end, metric), lambda: costs_service.costs(
        ws, tenant, by, metric=metric, currency="EUR", start=start, end=end, rates=rates))  # type: ignore[arg-type]


def _tagged_lines(ws: Workspace, tenant: str, by: str, start: str | None, end: str | None, metric: str,
                  rates: Rates, key: str, value: str) -> list[costs_service.CostLine]:
    con = engine.connect()
    t = costs_service.table(ws, con, tenant, start, end)
    t = t.filter(engine.tag(t, key) == value)
    agg = t.group_by(key=costs_service.dimension(t, by), currency=t.BillingCurrency,
                     month=t.ChargePeriodStart.strftime("%Y-%m")).aggregate(
        cost=t[costs_service.METRICS[metric]].fill_null(0).sum(), rows=ibis._.count())
    lines: dict[Any, costs_service.CostLine] = {}
    for r in engine.rows(con, agg):
        eur, _ = rates.to_eur(float(r["cost"] or 0.0), str(r["currency"]), str(r["month"]))
        line = lines.setdefault(r["key"], costs_service.CostLine(r["key"], 0.0, "EUR", 0))
        line.cost += eur
        line.rows += int(r["rows"])
    if by == "month":
        return sorted(lines.values(), key=lambda x: x.key or "")
    return sorted(lines.values(), key=lambda x: (-x.cost, x.key or ""))


@dataclass
class ResourceLine:
    resource_id: str | None
    name: str | None
    service: str | None
    region: str | None
    cost: float  # EUR
    rows: int


def resources(ws: Workspace, tenant: str, by: str, key: str | None, start: str | None, end: str | None,
              metric: str, rates: Rates, limit: int = 500) -> list[ResourceLine]:
    """The resources behind one group of the costs explorer, most expensive first (EUR)."""
    ws.tenant(tenant)
    if metric not in costs_service.METRICS:
        raise UsageError(wm.BAD_KEY(value=metric))
    return cached(ws, tenant, "resources", (by, key, start, end, metric, limit),
                  lambda: _resources(ws, tenant, by, key, start, end, metric, rates, limit))


def _resources(ws: Workspace, tenant: str, by: str, key: str | None, start: str | None, end: str | None,
               metric: str, rates: Rates, limit: int) -> list[ResourceLine]:
    con = engine.connect()
    t = costs_service.table(ws, con, tenant, start, end)
    dim = costs_service.dimension(t, by)
    if key is None or (by.startswith("tag:") and key == costs_service.UNTAGGED):
        t = t.filter(dim.isnull())
    else:
        t = t.filter(dim == key)
    value = t[costs_service.METRICS[metric]].fill_null(0)
    agg = t.group_by(rid=t.ResourceId, name=t.ResourceName, service=t.ServiceName,
                     region=t.RegionId.fill_null(t.RegionName), currency=t.BillingCurrency,
                     month=t.ChargePeriodStart.strftime("%Y-%m")).aggregate(cost=value.sum(), rows=ibis._.count())
    lines: dict[tuple[Any, ...], ResourceLine] = {}
    for r in engine.rows(con, agg):
        k = (r["rid"], r["name"], r["service"], r["region"])
        eur, _ = rates.to_eur(float(r["cost"] or 0.0), str(r["currency"]), str(r["month"]))
        line = lines.setdefault(k, ResourceLine(*k, 0.0, 0))
        line.cost += eur
        line.rows += int(r["rows"])
    return sorted(lines.values(), key=lambda x: (-x.cost, x.resource_id or ""))[:limit]


def months(ws: Workspace, tenant: str) -> list[str]:
    """The billing periods with live data, oldest first."""
    tid = ws.tenant(tenant).id
    with ws.session() as s:
        return list(s.scalars(select(LakeFile.period).distinct().where(LakeFile.tenant_id == tid)
                              .order_by(LakeFile.period)))


# --- findings --------------------------------------------------------------------------------------------------

def findings_token(ws: Workspace, tenant: str) -> tuple[Any, ...]:
    """Changes with any evaluation or decision on the tenant's findings (and each day: suppressions expire at
    00:00 UTC)."""
    from balise.services.workspace import now
    from balise.state.models import FindingRecord

    tid = ws.tenant(tenant).id
    with ws.session() as s:
        row = s.execute(select(func.count(), func.max(FindingRecord.id), func.max(FindingRecord.updated_at))
                        .where(FindingRecord.tenant_id == tid)).one()
    return (str(ws.home), tenant, *row, now().date())


def list_findings(ws: Workspace, tenant: str, *, domain: str | None = None, severity: str | None = None,
                  owner: str | None = None, lifecycle: list[str] | None = None
                  ) -> list[findings_service.FindingView]:
    """``findings.list_findings``, cached per findings state (a tenant with thousands of findings lists them in
    tens of milliseconds, on every page that shows them)."""
    key = ("findings", (domain, severity, owner, tuple(lifecycle) if lifecycle else None), findings_token(ws, tenant))
    return CACHE.get(key, lambda: findings_service.list_findings(ws, tenant, domain=domain, severity=severity,
                                                                 owner=owner, lifecycle=lifecycle))

def findings_owners(ws: Workspace, tenant: str) -> list[str]:
    """The owners named by the tenant's findings (for the owner filter): one DISTINCT query."""
    from balise.state.models import FindingRecord

    tid = ws.tenant(tenant).id
    with ws.session() as s:
        return sorted(o for o in s.scalars(select(FindingRecord.owner).distinct()
                                           .where(FindingRecord.tenant_id == tid)) if o)


# --- uploads -----------------------------------------------------------------------------------------------------

UPLOAD_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".txt", ".parquet", ".jsonl", ".json", ".ndjson", ".zip",
                   ".jsonl.gz", ".parquet.gz")


@dataclass
class StoredUpload:
    path: Path
    name: str
    sha256: str
    size: int


def safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:200]


def check_type(name: str) -> str:
    lower = name.lower()
    if not lower.endswith(UPLOAD_SUFFIXES):
        raise UsageError(wm.UPLOAD_TYPE(name=name, known=", ".join(UPLOAD_SUFFIXES)))
    return lower


def store_upload(ws: Workspace, name: str, stream: IO[bytes], max_bytes: int) -> StoredUpload:
    """Copy an uploaded file under ``<workspace>/uploads/<sha256>/<name>``, refusing it past ``max_bytes`` or
    when its first bytes contradict its extension (a zip that is not a zip, a gzip that is not gzip...)."""
    name = safe_name(name)
    lower = check_type(name)
    tmp_dir = ws.home / "uploads" / ".incoming"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    tmp = tmp_dir / f"{threading.get_ident()}-{id(stream)}.part"
    try:
        with tmp.open("wb") as out:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                size += len(chunk)
                if size > max_bytes:
                    raise UsageError(wm.UPLOAD_TOO_LARGE(limit=max_bytes // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UsageError(wm.UPLOAD_EMPTY())
        _check_magic(tmp, name, lower)
        sha = digest.hexdigest()
        dest = ws.home / "uploads" / sha / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.replace(dest)
        return StoredUpload(dest, name, sha, size)
    finally:
        tmp.unlink(missing_ok=True)


def _check_magic(path: Path, name: str, lower: str) -> None:
    with path.open("rb") as f:
        head = f.read(4096)
    if lower.endswith(".zip"):
        if not zipfile.is_zipfile(path):
            raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="zip"))
    elif lower.endswith(".gz"):
        if not head.startswith(b"\x1f\x8b"):
            raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="gzip"))
        try:
            with gzip.open(path, "rb") as g:
                head = g.read(4096)
        except (OSError, EOFError):
            raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="gzip")) from None
        if ".parquet" in lower:
            if not head.startswith(b"PAR1"):
                raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="Parquet"))
        elif b"\x00" in head:
            raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="text"))
    elif lower.endswith(".parquet"):
        if not head.startswith(b"PAR1"):
            raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="Parquet"))
    elif b"\x00" in head:  # CSV, JSON lines: text
        raise UsageError(wm.UPLOAD_CONTENT(name=name, kind="text"))


def ingest_upload(ws: Workspace, tenant: str, upload: StoredUpload, *, skip_bad_rows: bool = False,
                  format: str | None = None) -> IngestResult:
    """Ingest a stored upload; the source is named after the uploaded file. A malformed file raises a
    UserInputError (BadSourceError, UnknownFormatError) whose message says what is wrong and where."""
    import duckdb

    try:
        return ingest(ws, [upload.path], tenant, skip_bad_rows=skip_bad_rows, format=format)
    except duckdb.Error as e:  # what the connectors do not check themselves: say so, without a traceback
        raise UsageError(wm.UPLOAD_UNREADABLE(name=upload.name, format=format or "CSV/Parquet/JSON",
                                              error=str(e).splitlines()[0][:300])) from None


def reject_file(ws: Workspace, tenant: str, source_id: int) -> Path:
    """The reject file of one of the tenant's sources (another tenant's source is not found)."""
    tid = ws.tenant(tenant).id
    with ws.session() as s:
        row = s.scalar(select(Source).where(Source.id == source_id, Source.tenant_id == tid)) \
            if 0 < source_id < 2**31 else None
        if row is None:
            raise UsageError(wm.UNKNOWN_SOURCE(id=source_id, tenant=tenant))
        path = Path(row.reject_file) if row.reject_file else None
    if path is None or not path.is_file() or not path.resolve().is_relative_to(ws.rejects.resolve()):
        raise UsageError(wm.NO_REJECTS(id=source_id))
    return path


# --- metrics ---------------------------------------------------------------------------------------------------

@dataclass
class TenantMetrics:
    tenant: str
    month: str | None
    spend_eur: float | None  # the latest month's EffectiveCost
    forecast_eur: float | None
    budgets: list[tuple[str, float]]  # (budget name, actual / monthly)
    open_findings: dict[str, int]  # severity -> open or acknowledged findings
    savings_eur: float
    kgco2e: float | None = None  # the latest month's estimate (services.carbon)
    sovereignty_score: int | None = None  # 0-100 (services.sovereignty)


def tenant_metrics(ws: Workspace, tenant: str, rates: Rates) -> TenantMetrics:
    ov = overview(ws, tenant, rates)
    views = list_findings(ws, tenant, lifecycle=["open", "acknowledged"])
    counts: dict[str, int] = {}
    for v in views:
        counts[v.severity] = counts.get(v.severity, 0) + 1
    spend = ov.months[-1].eur if ov.months and ov.months[-1].month == ov.month else None
    out = TenantMetrics(tenant, ov.month, spend, ov.forecast.point if ov.forecast else None,
                        [(b.name, b.share) for b in ov.budgets if b.monthly], counts,
                        findings_service.savings(views).total_eur)
    if ov.month:
        month = ov.month
        out.kgco2e = cached(ws, tenant, "metrics:carbon", (month,), lambda: _month_kgco2e(ws, tenant, month, rates))
        out.sovereignty_score = cached(ws, tenant, "metrics:sovereignty", (),
                                       lambda: _sovereignty_score(ws, tenant, rates))
    return out


def _month_kgco2e(ws: Workspace, tenant: str, month: str, rates: Rates) -> float | None:
    from balise.services import carbon

    lines = carbon.estimate(ws, tenant, "month", start=month, end=month, rates=rates).lines
    return sum(x.kgco2e for x in lines) if lines else None


def _sovereignty_score(ws: Workspace, tenant: str, rates: Rates) -> int | None:
    from balise.services import sovereignty

    return sovereignty.sovereignty(ws, tenant, rates=rates).score


def iter_months(first: str, last: str) -> Iterator[str]:
    m = first
    while m <= last:
        yield m
        m = data.shift(m, 1)
