"""Build the ``RuleContext`` that rules and KPIs read, for one tenant and one month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from balise import engine
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.reference.fx import Rates, ecb
from balise.rules.context import RuleContext
from balise.services.costs import _shift, check_month, table
from balise.services.workspace import Workspace

WINDOW_MONTHS = 3  # rules look at the month asked for and the two before it


def _utilisation(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services.utilisation import utilisation_table
    return utilisation_table(ws, con, tenant)


def _offers(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.reference.offers import default_catalog
    return default_catalog()


# Optional inputs of a context, by name: each takes (workspace, tenant, connection) and returns the input or
# None. Capabilities add theirs here (utilisation samples, the offer catalog, budgets…).
LOADERS: dict[str, Callable[[Workspace, str, engine.Backend], Any]] = {
    "utilisation": _utilisation,  # ibis.Table of CPU/memory samples (balise.services.utilisation), or None
    "offers": _offers,  # the offer catalog (balise.reference.offers.Catalog)
}


def _budgets(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import budgets
    return budgets.source(ws, tenant)


def _units(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import units
    return units.volumes(ws, tenant)


def _allocation(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import allocation
    return allocation.config(ws, tenant)


def _policy(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import findings
    return findings.tenant_policy(ws, tenant)


def _carbon(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import carbon
    return carbon.context_input(ws, tenant, con)


def _compliance(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import sovereignty
    return sovereignty.context_input(ws, tenant, con)


def _posture(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    from balise.services import posture
    return posture.context_input(ws, tenant, con)


LOADERS.update(budgets=_budgets, units=_units, allocation=_allocation, policy=_policy, carbon=_carbon,
               compliance=_compliance, posture=_posture)


def last_day(ws: Workspace, con: engine.Backend, tenant: str, month: str | None = None) -> date | None:
    """The last charge day with data (within ``month`` when given)."""
    t = table(ws, con, tenant, month, month)
    value = engine.rows(con, t.aggregate(last=t.ChargePeriodStart.max()))[0]["last"]
    return None if value is None else value.date()


def rule_context(ws: Workspace, tenant: str, month: str | None = None, *, con: engine.Backend | None = None,
                 rates: Rates | None = None, window_months: int = WINDOW_MONTHS) -> RuleContext:
    """Context for evaluating ``month`` (default: the latest month with data) and the months before it."""
    ws.tenant(tenant)
    check_month(month)
    con = con or engine.connect()
    as_of = last_day(ws, con, tenant, month)
    if as_of is None:
        raise UsageError(m.NO_DATA(tenant=tenant))
    end = f"{as_of.year:04d}-{as_of.month:02d}"
    start = _shift(end, -(window_months - 1))
    loaders = {name: _bind(f, ws, tenant, con) for name, f in LOADERS.items()}
    files = ws.live_files(tenant, (_shift(start, -1), _shift(end, 1)))
    return RuleContext(con=con, tenant=tenant, focus=table(ws, con, tenant, start, end),
                       history=table(ws, con, tenant, None, end), start=start, end=end, as_of=as_of,
                       rates=rates or ecb(), loaders=loaders, files=files,
                       history_files=ws.live_files(tenant, (None, _shift(end, 1))), rollup_cache=rollup_dir(ws))


def rollup_dir(ws: Workspace) -> Path:
    return ws.home / "cache" / "rollups"


def _bind(f: Callable[[Workspace, str, engine.Backend], Any], ws: Workspace, tenant: str,
          con: engine.Backend) -> Callable[[], Any]:
    return lambda: f(ws, tenant, con)
