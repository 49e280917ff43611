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
        result = ingest(ws, files, DEMO_TENANT, on_source=on_source, memory_limit=memory_limit)
        _import_utilisation(ws, work, seed)
        _import_units(ws, work)
        _declare(ws)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _import_utilisation(ws: Workspace, work: Path, seed: int) -> None:
    """The demo VMs' CPU and memory over the demo's last 30 days (docs/demo-company.md, "Utilisation")."""
    from balise.demo.utilisation import write_csv
    from balise.services.utilisation import import_csv

    import_csv(ws, DEMO_TENANT, write_csv(work / "demo-utilisation.csv", seed=seed))


def _import_units(ws: Workspace, work: Path) -> None:
    """The requests served each month (``balise.demo.units``): € and kgCO2e per request."""
    from balise.demo.units import write_csv
    from balise.services.units import import_units

    import_units(ws, DEMO_TENANT, write_csv(work / "demo-units.csv"))


def _declare(ws: Workspace) -> None:
    """What the demo company declares: its workloads and data categories, its posture evidence."""
    from balise.services import carbon, posture, sovereignty

    for capability in (carbon, sovereignty, posture):
        capability.seed_demo(ws, DEMO_TENANT)
