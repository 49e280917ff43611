"""The KPIs of a tenant: evaluate its policy on one month, and change the policy (thresholds, owners,
frequencies, added KPIs), kept in ``TenantSetting(key="kpis")``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from balise import engine
from balise.errors import UsageError
from balise.i18n import kpis_messages as km
from balise.kpis import policy, yamldoc
from balise.kpis.policy import Kpi, Threshold
from balise.kpis.results import KpiResult, evaluate
from balise.reference.fx import Rates
from balise.rules.context import RuleContext
from balise.services.context import rule_context
from balise.services.settings import get_setting, put_setting
from balise.services.workspace import Workspace

SETTING = "kpis"


@dataclass
class KpiRun:
    tenant: str
    month: str
    as_of: date
    results: list[KpiResult]


def kpis(ws: Workspace, tenant: str, month: str | None = None, *, con: engine.Backend | None = None,
         rates: Rates | None = None, ctx: RuleContext | None = None) -> list[KpiResult]:
    """Every KPI of the tenant's policy for ``month`` (default: the latest month with data). Pass ``ctx`` to
    share one rule context (its connection and aggregates) with the findings of the same run."""
    return run(ws, tenant, month, con=con, rates=rates, ctx=ctx).results


def run(ws: Workspace, tenant: str, month: str | None = None, *, con: engine.Backend | None = None,
        rates: Rates | None = None, ctx: RuleContext | None = None) -> KpiRun:
    ctx = ctx or rule_context(ws, tenant, month, con=con, rates=rates)
    return KpiRun(tenant, ctx.end, ctx.as_of, evaluate(ctx, effective(ws, tenant)))


# --- the policy ---------------------------------------------------------------------------------------------

def effective(ws: Workspace, tenant: str) -> list[Kpi]:
    return policy.effective(get_setting(ws, tenant, SETTING))


def set_kpi(ws: Workspace, tenant: str, kpi_id: str, *, threshold: str | None = None, owner: str | None = None,
            frequency: str | None = None) -> Kpi:
    """Change a KPI's threshold (``'<35'``; ``'none'`` removes it), owner or frequency for this tenant."""
    if threshold is None and owner is None and frequency is None:
        raise UsageError(km.NOTHING_TO_SET())
    _known(ws, tenant, kpi_id)
    override: dict[str, Any] = {}
    if threshold is not None:
        t = Threshold.parse(threshold)
        override["threshold"] = None if t is None else t.as_dict()
    if owner is not None:
        override["owner"] = owner.strip()
    if frequency is not None:
        override["frequency"] = policy.check_frequency(frequency)
    setting = get_setting(ws, tenant, SETTING) or {}
    overrides = dict(setting.get("overrides", {}))
    overrides[kpi_id] = {**overrides.get(kpi_id, {}), **override}
    put_setting(ws, tenant, SETTING, {**setting, "overrides": overrides})
    return _known(ws, tenant, kpi_id)


def reset_kpi(ws: Workspace, tenant: str, kpi_id: str) -> Kpi:
    """Drop the tenant's changes to a KPI (back to the default, or to the file it was added from)."""
    _known(ws, tenant, kpi_id)
    setting = get_setting(ws, tenant, SETTING) or {}
    overrides = {k: v for k, v in setting.get("overrides", {}).items() if k != kpi_id}
    put_setting(ws, tenant, SETTING, {**setting, "overrides": overrides})
    return _known(ws, tenant, kpi_id)


def add_kpis(ws: Workspace, tenant: str, path: Path) -> list[Kpi]:
    """Add (or replace, by id) the KPIs of a YAML file; nothing is saved if any of them is invalid."""
    ws.tenant(tenant)
    text = _read(path)
    added = policy.parse(text, str(path))
    defaults = {k.id for k in policy.defaults()}
    doc = yamldoc.parse(text, str(path))
    for i, k in enumerate(added):
        if k.id in defaults:
            raise doc.fail(["kpis", i, "id"], km.KPI_IS_DEFAULT(id=k.id), km.HINT_KPI_IS_DEFAULT(id=k.id))
    setting = get_setting(ws, tenant, SETTING) or {}
    new_ids = {k.id for k in added}
    kept = [d for d in setting.get("added", []) if d["id"] not in new_ids]
    entries = kept + [{**k.as_dict(), "origin": path.name} for k in added]
    put_setting(ws, tenant, SETTING, {**setting, "added": entries}, source=text)
    return added


def remove_kpi(ws: Workspace, tenant: str, kpi_id: str) -> None:
    kpi = _known(ws, tenant, kpi_id)
    if kpi.origin == "default":
        raise UsageError(km.NOT_ADDED_KPI(id=kpi_id))
    setting = get_setting(ws, tenant, SETTING) or {}
    put_setting(ws, tenant, SETTING, {
        **setting, "added": [d for d in setting.get("added", []) if d["id"] != kpi_id],
        "overrides": {k: v for k, v in setting.get("overrides", {}).items() if k != kpi_id}})


def _known(ws: Workspace, tenant: str, kpi_id: str) -> Kpi:
    kpis = effective(ws, tenant)
    for k in kpis:
        if k.id == kpi_id:
            return k
    raise UsageError(km.UNKNOWN_KPI(id=kpi_id, known=", ".join(k.id for k in kpis)))


def _read(path: Path) -> str:
    from balise.i18n import messages as m

    if not path.is_file():
        raise UsageError(m.NO_SUCH_PATH(path=str(path)))
    return path.read_text(encoding="utf-8-sig")


