"""What was ingested for a tenant, and which of it is still live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from balise.services.workspace import Workspace
from balise.state.models import LakeFile, Source


@dataclass
class SourceInfo:
    id: int
    file_name: str
    sha256: str
    format: str
    rows: int
    rows_rejected: int
    periods: list[str]
    totals: dict[str, Any]
    ingested_at: datetime
    ingest_id: str
    live_files: int
    status: str  # "live", "partly replaced", "replaced"
    reject_file: str | None


def list_sources(ws: Workspace, tenant: str) -> list[SourceInfo]:
    t = ws.tenant(tenant)
    with ws.session() as s:
        live = dict(s.execute(select(LakeFile.source_id, func.count()).where(LakeFile.tenant_id == t.id)
                              .group_by(LakeFile.source_id)).all())
        rows = s.scalars(select(Source).where(Source.tenant_id == t.id).order_by(Source.ingested_at, Source.id))
        out = []
        for r in rows:
            n = int(live.get(r.id, 0))
            status = "replaced" if n == 0 else ("live" if n >= r.parts else "partly replaced")
            out.append(SourceInfo(r.id, r.file_name, r.sha256, r.format, r.rows, r.rows_rejected, r.periods,
                                  r.totals, r.ingested_at, r.ingest_id, n, status, r.reject_file))
        return out
