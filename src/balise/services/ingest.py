"""Ingest billing files into a tenant's lake: all of them land together, or nothing changes.

1. expand the paths (folders, .gz, .zip) and detect each file's format;
2. stage each source to Parquet, split by provider / billing account / billing period (``balise.lake.stage``);
3. under the lake lock, move the staged files into place and, in one state-database transaction, replace the
   live files of every (provider, account, period) the new sources cover. Sources of one ingest that cover
   the same key (an export split in parts) are all kept; a later ingest of that key replaces them all.

Any error before the transaction commits leaves the live state exactly as it was.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from balise import connectors
from balise.connectors.sources import Source, expand
from balise.lake.stage import StagedSource, connect, describe, stage
from balise.services.workspace import Workspace, check_tenant_name, now
from balise.state.models import Ingest, LakeFile, Tenant
from balise.state.models import Source as SourceRow


@dataclass
class SourceSummary:
    name: str
    format: str
    rows: int
    periods: list[str]
    totals: dict[str, dict[str, float]]
    sha256: str
    rejected: int
    rejected_cost: dict[str, float]
    reject_file: str | None
    replaced_files: int = 0


@dataclass
class IngestResult:
    ingest_id: str
    tenant: str
    sources: list[SourceSummary]
    replaced_files: int


OnSource = Callable[[Source, str], Callable[[float], None] | None]  # (source, format) -> progress callback


def ingest(ws: Workspace, paths: list[Path], tenant: str, *, format: str | None = None,
           skip_bad_rows: bool = False, default_currency: str | None = None,
           on_source: OnSource | None = None, memory_limit: str = "1GB") -> IngestResult:
    check_tenant_name(tenant)
    ingest_id = uuid.uuid4().hex[:16]
    started = now()
    staging = ws.lake.staging(ingest_id)
    try:
        staged = _stage_all(ws, paths, tenant, ingest_id, staging, format, skip_bad_rows, default_currency,
                            on_source, memory_limit)
        with ws.lake.lock():
            result = _commit(ws, tenant, ingest_id, started, staged)
            with ws.session() as s:  # what earlier crashes left behind (never listed, older than an hour)
                ws.lake.collect_garbage(set(s.scalars(select(LakeFile.path).distinct())))
            return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage_all(ws: Workspace, paths: list[Path], tenant: str, ingest_id: str, staging: Path,
               format: str | None, skip_bad_rows: bool, default_currency: str | None,
               on_source: OnSource | None, memory_limit: str) -> list[tuple[StagedSource, str | None]]:
    forced = connectors.get(format) if format else None
    con = connect(staging, memory_limit=memory_limit)
    try:
        sources = expand(paths, staging)
        out = []
        for i, src in enumerate(sources):
            cols = describe(con, src)
            conn = forced or connectors.detect([c for c, _ in cols], src.name)
            progress = on_source(src, conn.name) if on_source else None
            reject = ws.rejects / ingest_id / f"{i:03d}-{Path(src.name.split('!')[-1]).name}.rejects.csv"
            st = stage(con, src, conn, staging / f"s{i}", tenant=tenant, ingest_id=ingest_id,
                       skip_bad_rows=skip_bad_rows, default_currency=default_currency, reject_file=reject,
                       on_progress=progress)
            out.append((st, str(reject) if st.rejected else None))
        return out
    finally:
        con.close()


def _commit(ws: Workspace, tenant: str, ingest_id: str, started: datetime,
            staged: list[tuple[StagedSource, str | None]]) -> IngestResult:
    placed: list[str] = []  # files this commit made: removed again if it fails
    try:
        with ws.session.begin() as s:
            t = s.scalar(select(Tenant).where(Tenant.name == tenant))
            if t is None:
                t = Tenant(name=tenant, created_at=now())
                s.add(t)
                s.flush()
            keys = set().union(*(st.keys for st, _ in staged))
            retired = _replace(ws, s, t.id, keys, ingest_id, placed)
            s.add(Ingest(id=ingest_id, tenant_id=t.id, started_at=started, finished_at=now()))
            summaries = []
            for n, (st, reject) in enumerate(staged):
                row = SourceRow(tenant_id=t.id, ingest_id=ingest_id, file_name=st.source.name,
                                sha256=st.source.sha256, size_bytes=st.source.size, format=st.connector.name,
                                rows=st.rows, rows_rejected=len(st.rejected), rejected_cost=st.rejected_cost,
                                reject_file=reject, periods=st.periods, parts=len(st.keys), totals=st.totals,
                                ingested_at=now())
                s.add(row)
                s.flush()
                for i, f in enumerate(st.files):
                    rel = ws.lake.place(tenant, f.provider, f.period, f"{ingest_id}s{n}-{i}", f.path)
                    placed.append(rel)
                    for account, part in f.accounts.items():
                        s.add(LakeFile(tenant_id=t.id, source_id=row.id, provider=f.provider,
                                       billing_account_id=account, period=f.period, path=rel, rows=part.rows,
                                       totals=part.totals))
                summaries.append(SourceSummary(st.source.name, st.connector.name, st.rows, st.periods, st.totals,
                                               st.source.sha256, len(st.rejected), st.rejected_cost, reject))
    except BaseException:
        ws.lake.remove(placed)  # the transaction rolled back: the files it would have made live are not
        raise
    _rollups(ws, placed, retired)
    ws.lake.remove(retired)
    return IngestResult(ingest_id, tenant, summaries, len(retired))


def _rollups(ws: Workspace, placed: list[str], retired: list[str]) -> None:
    """Compute the new live files' per-resource rollups now, so the first analysis after an ingest is fast, and
    drop those of retired files. A cache only: if this fails, the rollups are computed when first needed."""
    from balise.lake import rollup
    from balise.services.context import rollup_dir

    cache = rollup_dir(ws)
    try:
        for rel in retired:
            path = ws.lake.absolute(rel)
            if path.exists():
                for kind in rollup.KINDS:
                    rollup.rollup_path(cache, path, kind).unlink(missing_ok=True)
        rollup.ensure_all([ws.lake.absolute(p) for p in placed], cache)
    except (OSError, duckdb.Error):
        pass


def _replace(ws: Workspace, s: Session, tenant_id: int, keys: set[tuple[str, str, str]], ingest_id: str,
             placed: list[str]) -> list[str]:
    """Take the live rows of the replaced (provider, account, period) keys out of the lake listing. A file that
    also holds accounts not being replaced is rewritten without the replaced ones. Returns the files retired."""
    if not keys:
        return []
    hit = s.scalars(select(LakeFile.path).where(
        LakeFile.tenant_id == tenant_id,
        tuple_(LakeFile.provider, LakeFile.billing_account_id, LakeFile.period).in_(list(keys)))).all()
    paths = sorted(set(hit))
    if not paths:
        return []
    rows = list(s.scalars(select(LakeFile).where(LakeFile.tenant_id == tenant_id, LakeFile.path.in_(paths))))
    con = None
    try:
        for i, path in enumerate(paths):
            mine = [r for r in rows if r.path == path]
            kept = [r for r in mine if (r.provider, r.billing_account_id, r.period) not in keys]
            for r in mine:
                if r not in kept:
                    s.delete(r)
            if kept:
                con = con or connect(ws.tmp)
                new = ws.lake.rewrite_without(con, path, [r.billing_account_id for r in kept], f"{ingest_id}r{i}")
                placed.append(new)
                for r in kept:
                    r.path = new
    finally:
        if con is not None:
            con.close()
    s.flush()
    return paths
