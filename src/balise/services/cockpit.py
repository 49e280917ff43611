"""Everything the cockpit shows for one tenant and month, computed on ONE rule context: the KPIs and the
findings share its connection, its exchange rates and its per-resource aggregate. ``balise report`` and the
benchmark use it; ``balise kpis`` and ``balise findings`` compute their half alone."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from balise.reference.fx import Rates
from balise.services import findings as findings_service
from balise.services import kpis as kpis_service
from balise.services.context import rule_context
from balise.services.workspace import Workspace


@dataclass
class CockpitRun:
    tenant: str
    month: str
    kpis: list[Any]  # KpiResult
    findings_run: findings_service.FindingsRun
    context_seconds: float
    kpis_seconds: float


def evaluate_all(ws: Workspace, tenant: str, month: str | None = None, *, rates: Rates | None = None,
                 persist: bool = True) -> CockpitRun:
    t0 = time.perf_counter()
    ctx = rule_context(ws, tenant, month, rates=rates)
    t1 = time.perf_counter()
    k = kpis_service.kpis(ws, tenant, month, ctx=ctx)
    t2 = time.perf_counter()
    f = findings_service.evaluate(ws, tenant, month, ctx=ctx, persist=persist)
    return CockpitRun(tenant, ctx.end, k, f, t1 - t0, t2 - t1)
