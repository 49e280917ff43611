"""Write a tenant's FOCUS rows back out, as FOCUS 1.2 CSV or Parquet (with Balise's x_ columns)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from balise.connectors.base import lit, q
from balise.domain.focus import COLUMNS, EXTENSION_COLUMNS
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.lake.stage import connect
from balise.services.workspace import Workspace

ExportFormat = Literal["focus-csv", "focus-parquet"]


def export(ws: Workspace, tenant: str, fmt: ExportFormat, out: Path) -> int:
    """Write the rows to ``out`` atomically; return how many were written."""
    files = ws.live_files(tenant)
    if not files:
        raise UsageError(m.NO_DATA(tenant=tenant))
    if out.exists():
        raise UsageError(m.OUT_EXISTS(path=str(out)))
    cols = []
    for c in COLUMNS + EXTENSION_COLUMNS:
        if fmt == "focus-csv" and c.type == "datetime":
            cols.append(f"strftime({q(c.name)}, '%Y-%m-%dT%H:%M:%SZ') AS {q(c.name)}")
        else:
            cols.append(q(c.name))
    source = "[" + ", ".join(lit(str(f)) for f in files) + "]"
    query = (f"SELECT {', '.join(cols)} FROM read_parquet({source}) "
             "ORDER BY ChargePeriodStart, x_Provider, BillingAccountId")
    options = "FORMAT csv, HEADER true" if fmt == "focus-csv" else "FORMAT parquet, COMPRESSION zstd"
    tmp = out.with_name(f".{out.name}.part")
    con = connect(ws.tmp)
    try:
        con.execute(f"COPY ({query}) TO {lit(str(tmp))} ({options})").fetchall()
        n = con.execute(f"SELECT count(*) FROM read_parquet({source})").fetchall()[0][0]
    finally:
        con.close()
    tmp.replace(out)
    return int(n)
