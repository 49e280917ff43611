"""The built-in demo company: generate its 12 months of bills and ingest them as tenant ``demo``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from balise.demo.generator import generate
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.services.ingest import IngestResult, OnSource, ingest
from balise.services.workspace import Workspace

DEMO_TENANT = "demo"


def load_demo(ws: Workspace, rows: int | None = None, *, seed: int = 42, on_source: OnSource | None = None,
              memory_limit: str = "1GB") -> IngestResult:
    work = Path(tempfile.mkdtemp(prefix="demo-", dir=ws.tmp))
    try:
        try:
            files = generate(work, rows, seed=seed)
        except ValueError as e:  # the generator's own argument checks (e.g. too few rows for the scenarios)
            raise UsageError(m.DEMO_BAD_ARGS(error=str(e))) from None
        return ingest(ws, files, DEMO_TENANT, on_source=on_source, memory_limit=memory_limit)
    finally:
        shutil.rmtree(work, ignore_errors=True)
