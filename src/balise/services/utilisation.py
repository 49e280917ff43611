"""CPU and memory utilisation of a tenant's machines, imported from a CSV file or from Prometheus.

Each import is one Parquet file ``<workspace>/utilisation/tenant=<tenant>/<id>.parquet`` (columns
``resource_id``, ``resource_name``, ``ts``, ``cpu``, ``memory``; fractions from 0 to 1) and one
``UtilisationFile`` row. The file is written aside and moved into place before the row is committed: a bad
line or a failed query leaves nothing behind. Importing the same samples again (same SHA-256) replaces the
earlier import.

**CSV**: header ``timestamp,resource_id,cpu_percent[,memory_percent]`` (``resource_name`` may replace or
accompany ``resource_id``), delimiter ``,`` ``;`` or tab (read from the header), timestamps ISO 8601 (UTC when no
offset is given), percentages from 0 to 100 with a decimal point or comma. Samples are matched to billed
resources by ResourceId, by the end of the ResourceId (an AWS instance id ``i-0…``), or by ResourceName.

**Prometheus**: ``/api/v1/query_range`` of the HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/),
by default on node_exporter metrics (:data:`CPU_QUERY`, :data:`MEMORY_QUERY`), split into ranges of at most
10,000 steps (the server refuses more than 11,000 points per series). The ``instance`` label (``web-01:9100``),
its port removed, names the machine; ``resource_label`` chooses another label.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from balise import engine
from balise.errors import BadSourceError, ExecutionError, Problem, UsageError
from balise.i18n import recommend_messages as rm
from balise.services.workspace import Workspace, now
from balise.state.models import UtilisationFile

CPU_QUERY = '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))'
MEMORY_QUERY = "1 - avg by (instance) (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)"
MAX_POINTS = 10_000  # per series and request (Prometheus refuses more than 11,000)
SCHEMA = pa.schema([("resource_id", pa.string()), ("resource_name", pa.string()), ("ts", pa.timestamp("us")),
                    ("cpu", pa.float64()), ("memory", pa.float64())])
IBIS_SCHEMA = ibis.schema({"resource_id": "string", "resource_name": "string", "ts": "timestamp",
                           "cpu": "float64", "memory": "float64"})

Sample = tuple[str | None, str | None, datetime, float, float | None]  # id, name, ts (UTC), cpu, memory
Opener = Callable[..., Any]  # urllib.request.urlopen's signature


@dataclass(frozen=True)
class UtilisationImport:
    id: int
    source: str
    path: str  # relative to the workspace
    resources: int
    samples: int
    first: datetime
    last: datetime
    imported_at: datetime
    replaced: int = 0  # earlier imports of the same samples that this one replaced


# --- CSV ---------------------------------------------------------------------------------------------------

def import_csv(ws: Workspace, tenant: str, path: Path) -> UtilisationImport:
    """Import a CSV of samples (see the module docstring); BadSourceError names the first bad line."""
    ws.tenant(tenant)
    if not path.is_file():
        raise UsageError(rm.UTIL_NO_FILE(path=str(path)))
    samples = list(_read_csv(path))
    return _store(ws, tenant, samples, source=path.name)


_KEYS = ("resource_id", "resource_name")


def _read_csv(path: Path) -> Iterator[Sample]:
    name = str(path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        head = f.readline()
        if not head.strip():
            raise BadSourceError(Problem(name, rm.UTIL_EMPTY(), rm.HINT_UTIL_COLUMNS(found="—"), line=1))
        delimiter = max((";", ",", "\t"), key=head.count)
        header = [h.strip().lower() for h in next(csv.reader([head], delimiter=delimiter))]
        found = ", ".join(header)
        for col in ("timestamp", "cpu_percent"):
            if col not in header:
                raise BadSourceError(Problem(name, rm.UTIL_MISSING_COLUMN(column=col),
                                             rm.HINT_UTIL_COLUMNS(found=found), line=1))
        if not any(k in header for k in _KEYS):
            raise BadSourceError(Problem(name, rm.UTIL_NEED_KEY(), rm.HINT_UTIL_COLUMNS(found=found), line=1))
        pos = {c: i for i, c in enumerate(header)}
        first: Problem | None = None
        more = 0
        for line, fields in enumerate(csv.reader(f, delimiter=delimiter), start=2):
            if not any(x.strip() for x in fields):
                continue
            try:
                yield _sample(name, line, fields, header, pos)
            except _Bad as e:
                if first is None:
                    first = e.problem
                else:
                    more += 1
        if first is not None:
            raise BadSourceError(first, more)


class _Bad(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _sample(file: str, line: int, fields: list[str], header: list[str], pos: dict[str, int]) -> Sample:
    if len(fields) != len(header):
        raise _Bad(Problem(file, rm.UTIL_FIELDS(n=len(fields), expected=len(header)), rm.HINT_UTIL_FIELDS(),
                           line=line))

    def get(col: str) -> str | None:
        return fields[pos[col]].strip() or None if col in pos else None

    def where(col: str) -> dict[str, Any]:
        return {"line": line, "column": col, "column_number": pos[col] + 1, "value": fields[pos[col]]}

    rid, rname = get("resource_id"), get("resource_name")
    if rid is None and rname is None:
        col = "resource_id" if "resource_id" in pos else "resource_name"
        raise _Bad(Problem(file, rm.UTIL_EMPTY_KEY(), rm.HINT_UTIL_KEY(), **where(col)))
    ts = parse_time(get("timestamp") or "")
    if ts is None:
        raise _Bad(Problem(file, rm.UTIL_BAD_TIMESTAMP(), rm.HINT_UTIL_TIMESTAMP(), **where("timestamp")))
    cpu = _percent(get("cpu_percent"))
    if cpu is None:
        raise _Bad(Problem(file, rm.UTIL_BAD_PERCENT(), rm.HINT_UTIL_PERCENT(), **where("cpu_percent")))
    memory = None
    if get("memory_percent") is not None:
        memory = _percent(get("memory_percent"))
        if memory is None:
            raise _Bad(Problem(file, rm.UTIL_BAD_PERCENT(), rm.HINT_UTIL_PERCENT(), **where("memory_percent")))
    return rid, rname, ts, cpu / 100, None if memory is None else memory / 100


def _percent(value: str | None) -> float | None:
    if value is None:
        return None
    text = value.strip().removesuffix("%").strip().replace(",", ".")
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) and 0 <= x <= 100 else None


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 date or timestamp as a naive UTC datetime (UTC assumed without an offset); None if not one."""
    text = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        ts = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts


# --- Prometheus --------------------------------------------------------------------------------------------

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def step_seconds(step: str) -> float:
    m = _DURATION.match(step.strip())
    if not m or float(m[1]) <= 0:
        raise UsageError(rm.BAD_STEP(value=step))
    return float(m[1]) * _UNIT_SECONDS[m[2]]


def import_prometheus(ws: Workspace, tenant: str, url: str, *, start: datetime, end: datetime, step: str = "5m",
                      cpu_query: str = CPU_QUERY, memory_query: str | None = MEMORY_QUERY,
                      resource_label: str = "instance", timeout: float = 30.0,
                      opener: Opener | None = None) -> UtilisationImport:
    """Import CPU (and memory) utilisation from Prometheus' ``query_range`` between ``start`` and ``end`` (UTC).

    ``opener`` replaces ``urllib.request.urlopen`` (same signature); tests pass nothing and run a local server."""
    ws.tenant(tenant)
    if start >= end:
        raise UsageError(rm.TIMES_REVERSED(start=start.isoformat(), end=end.isoformat()))
    seconds = step_seconds(step)
    base = url.rstrip("/").removesuffix("/api/v1/query_range").removesuffix("/api/v1/query").rstrip("/")
    fetch = _Fetcher(base, seconds, timeout, opener or urllib.request.urlopen)
    cpu = fetch.series(cpu_query, start, end, resource_label)
    memory = fetch.series(memory_query, start, end, resource_label) if memory_query else {}
    samples: list[Sample] = []
    for key in sorted(cpu):
        mem = memory.get(key, {})
        samples.extend((None, key, ts, v, mem.get(ts)) for ts, v in sorted(cpu[key].items()))
    queries = f"cpu={cpu_query}" + (f"; memory={memory_query}" if memory_query else "")
    source = f"{base} [{start.isoformat()}Z, {end.isoformat()}Z, step {step}] {queries}"
    return _store(ws, tenant, samples, source=source[:1000])


class _Fetcher:
    def __init__(self, base: str, step: float, timeout: float, opener: Opener) -> None:
        self.base, self.step, self.timeout, self.opener = base, step, timeout, opener

    def series(self, query: str, start: datetime, end: datetime, label: str) -> dict[str, dict[datetime, float]]:
        """{machine: {timestamp: value}} over [start, end], fetched in chunks of at most MAX_POINTS steps."""
        out: dict[str, dict[datetime, float]] = {}
        labels_seen: set[str] = set()
        span = timedelta(seconds=self.step * (MAX_POINTS - 1))
        lo = start
        while lo <= end:
            hi = min(lo + span, end)
            for s in self._query(query, lo, hi):
                metric = s.get("metric") or {}
                labels_seen.update(metric)
                if label not in metric:
                    continue
                key = re.sub(r":\d+$", "", str(metric[label]))
                values = out.setdefault(key, {})
                for ts, raw in s.get("values") or []:
                    value = float(raw)
                    if not math.isfinite(value):
                        continue
                    if value > 1.05 or value < -0.05:
                        raise UsageError(rm.PROM_NOT_FRACTION(query=query, value=raw, key=key))
                    values[datetime.fromtimestamp(float(ts), UTC).replace(tzinfo=None)] = min(max(value, 0.0), 1.0)
            lo = hi + timedelta(seconds=self.step)
        if not out and labels_seen:
            raise UsageError(rm.PROM_NO_LABEL(query=query, label=label, found=", ".join(sorted(labels_seen))))
        return out

    def _query(self, query: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        params = urllib.parse.urlencode({"query": query, "start": _epoch(start), "end": _epoch(end),
                                         "step": f"{self.step:g}"})
        target = f"{self.base}/api/v1/query_range?{params}"
        try:
            with self.opener(urllib.request.Request(target, headers={"Accept": "application/json"}),
                             timeout=self.timeout) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise ExecutionError(rm.PROM_UNREACHABLE(url=self.base, reason=str(reason))) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise UsageError(rm.PROM_BAD_RESPONSE(url=self.base, detail=f"HTTP {status}, not JSON")) from None
        if not isinstance(data, dict) or data.get("status") != "success":
            if isinstance(data, dict) and data.get("status") == "error":
                error = rm.PROM_ERROR(url=self.base, query=query, status=status,
                                      error_type=data.get("errorType", "?"), error=data.get("error", "?"))
                raise (UsageError if 400 <= status < 500 else ExecutionError)(error)
            raise UsageError(rm.PROM_BAD_RESPONSE(url=self.base, detail=f"HTTP {status}, no status"))
        result = data.get("data") or {}
        if result.get("resultType") != "matrix" or not isinstance(result.get("result"), list):
            raise UsageError(rm.PROM_BAD_RESPONSE(url=self.base,
                                                  detail=f"resultType {result.get('resultType')!r}, not matrix"))
        return result["result"]  # type: ignore[no-any-return]


def _epoch(ts: datetime) -> str:
    return f"{ts.replace(tzinfo=UTC).timestamp():.3f}".rstrip("0").rstrip(".")


# --- storage -----------------------------------------------------------------------------------------------

def _folder(ws: Workspace, tenant: str) -> Path:
    return ws.home / "utilisation" / f"tenant={tenant}"


def _store(ws: Workspace, tenant: str, samples: list[Sample], source: str) -> UtilisationImport:
    if not samples:
        raise UsageError(rm.UTIL_NO_SAMPLES(source=source))
    cols = list(zip(*samples, strict=True))
    table = pa.table(dict(zip(SCHEMA.names, cols, strict=True)), schema=SCHEMA)
    digest = hashlib.sha256()
    for sample in samples:
        digest.update(repr(sample).encode())
    sha = digest.hexdigest()
    folder = _folder(ws, tenant)
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex[:16]
    aside = ws.tmp / f"utilisation-{name}.parquet"
    final = folder / f"{name}.parquet"
    pq.write_table(table, aside)
    os.replace(aside, final)
    rel = str(final.relative_to(ws.home))
    keys = {x[0] or x[1] for x in samples}  # a resource is its id, else its name (as utilisation_table)
    stamps = [x[2] for x in samples]
    tenant_id = ws.tenant(tenant).id
    try:
        with ws.session.begin() as s:
            old = list(s.scalars(select(UtilisationFile).where(UtilisationFile.tenant_id == tenant_id,
                                                               UtilisationFile.sha256 == sha)))
            retired = [o.path for o in old]
            for o in old:
                s.delete(o)
            row = UtilisationFile(tenant_id=tenant_id, path=rel, source=source, sha256=sha, resources=len(keys),
                                  samples=len(samples), first=min(stamps), last=max(stamps), imported_at=now())
            s.add(row)
            s.flush()
            result = _describe(row, len(old))
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    for p in retired:
        (ws.home / p).unlink(missing_ok=True)
    return result


def _describe(row: UtilisationFile, replaced: int = 0) -> UtilisationImport:
    return UtilisationImport(row.id, row.source, row.path, row.resources, row.samples, row.first, row.last,
                             row.imported_at, replaced)


def list_imports(ws: Workspace, tenant: str) -> list[UtilisationImport]:
    t = ws.tenant(tenant)
    with ws.session() as s:
        rows = s.scalars(select(UtilisationFile).where(UtilisationFile.tenant_id == t.id)
                         .order_by(UtilisationFile.imported_at, UtilisationFile.id))
        return [_describe(r) for r in rows]


_views = itertools.count()


def utilisation_table(ws: Workspace, con: engine.Backend, tenant: str) -> ir.Table | None:
    """The tenant's samples (None when none were imported): ``resource_id`` (the ResourceId given, else the
    name), ``resource_name``, ``ts`` (UTC), ``cpu`` (0..1), ``memory`` (0..1, null when unknown). A sample of
    the same resource and time in several imports is taken from the latest import."""
    files = [ws.home / i.path for i in list_imports(ws, tenant)]
    files = [f for f in files if f.is_file()]
    if not files:
        return None
    parts = " UNION ALL ".join(f"SELECT *, {n} AS _import FROM read_parquet({_sql_str(f)})"
                               for n, f in enumerate(files))
    body = (f"SELECT coalesce(resource_id, resource_name) AS resource_id, resource_name, ts, cpu, memory "
            f"FROM ({parts})")
    if len(files) > 1:
        body += " QUALIFY row_number() OVER (PARTITION BY coalesce(resource_id, resource_name), ts " \
                "ORDER BY _import DESC) = 1"
    name = f"balise_utilisation_{next(_views)}"
    con.raw_sql(f"CREATE TEMP VIEW {name} AS {body}")
    return ibis.table(IBIS_SCHEMA, name=name)


def _sql_str(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
