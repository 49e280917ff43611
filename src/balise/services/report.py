"""The cockpit summary of one month: spend and its change, where it goes, how much is untagged, the KPIs with
their status, and the top findings with their euros.

Only sections with real figures are produced; later capabilities (carbon, sovereignty) add their own sections
here when they have data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis

from balise import engine
from balise.domain.findings import Severity
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.reference.fx import Rate, Rates, ecb
from balise.services.costs import _shift, check_month, costs, table
from balise.services.workspace import Workspace


@dataclass
class Share:
    key: str | None  # None: rows without a value for the dimension (e.g. taxes have no region)
    cost: float
    share: float  # of the month's total, 0..1


@dataclass
class Report:
    tenant: str
    month: str
    currency: str
    total: float
    previous_month: str
    previous_total: float | None
    change: float | None  # relative, e.g. 0.12 for +12 %
    top_services: list[Share]
    top_providers: list[Share]
    top_regions: list[Share]
    untagged_cost: float
    untagged_share: float
    rows: int
    rates: list[Rate] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    kpis: list[Any] = field(default_factory=list)  # KpiResult, in the tenant's policy order
    top_findings: list[Any] = field(default_factory=list)  # FindingView: open FAIL, largest saving first
    open_findings: int = 0
    savings: Any = None  # services.findings.Savings of every open FAIL finding
    # Sections added by later capabilities (carbon, sovereignty, posture): name -> that capability's figures.
    extra: dict[str, Any] = field(default_factory=dict)


def latest_month(ws: Workspace, tenant: str, con: engine.Backend) -> str | None:
    t = table(ws, con, tenant, None, None)
    value = engine.rows(con, t.aggregate(last=t.ChargePeriodStart.max()))[0]["last"]
    return None if value is None else f"{value.year:04d}-{value.month:02d}"


def report(ws: Workspace, tenant: str, month: str | None = None, *, rates: Rates | None = None,
           top: int = 5, cockpit: bool = True) -> Report:
    ws.tenant(tenant)
    check_month(month)
    con = engine.connect()
    month = month or latest_month(ws, tenant, con)
    if month is None:
        raise UsageError(m.NO_DATA(tenant=tenant))
    rates = rates or ecb()
    prev = _shift(month, -1)

    def by(dim: str, mon: str) -> list[Share]:
        lines = costs(ws, tenant, dim, currency="EUR", start=mon, end=mon, rates=rates, con=con)
        total = sum(x.cost for x in lines)
        return [Share(x.key, x.cost, x.cost / total if total else 0.0) for x in lines]

    services = by("service", month)
    total = sum(s.cost for s in services)
    prev_lines = costs(ws, tenant, "provider", currency="EUR", start=prev, end=prev, rates=rates, con=con)
    prev_total = sum(x.cost for x in prev_lines) if prev_lines else None
    month_lines = costs(ws, tenant, "provider", currency="EUR", start=month, end=month, rates=rates, con=con)
    used: list[Rate] = []
    for line in month_lines:
        used.extend(r for r in line.rates if r not in used)

    # Untagged share: of the month's charges (positive costs; credits and refunds carry no tags to fix).
    t = table(ws, con, tenant, month, month)
    charge = ibis.greatest(t.BilledCost.fill_null(0), 0)
    agg = t.group_by(engine.untagged(t).name("untagged"), t.BillingCurrency.name("currency")).aggregate(
        cost=charge.sum(), rows=ibis._.count())
    agg = engine.rows(con, agg)
    charges = sum(rates.to_eur(float(r["cost"] or 0), r["currency"], month)[0] for r in agg)
    untagged = sum(rates.to_eur(float(r["cost"] or 0), r["currency"], month)[0] for r in agg if r["untagged"])
    rows = sum(int(r["rows"]) for r in agg)
    change = (total - prev_total) / prev_total if prev_total else None
    out = Report(
        tenant=tenant, month=month, currency="EUR", total=total, previous_month=prev, previous_total=prev_total,
        change=change, top_services=services[:top], top_providers=by("provider", month)[:top],
        top_regions=by("region", month)[:top], untagged_cost=untagged,
        untagged_share=untagged / charges if charges else 0.0, rows=rows, rates=used,
        sections=["spend", "breakdown", "tagging"])
    if cockpit:
        _cockpit(ws, out, rates, top)
        _capabilities(ws, out, rates)
    return out


def _capabilities(ws: Workspace, out: Report, rates: Rates) -> None:
    """Each capability adds its section (and its name to ``out.sections``) only when it has figures."""
    from balise.services import carbon, posture, sovereignty

    for capability in (carbon, sovereignty, posture):
        capability.report_section(ws, out, rates)


def _cockpit(ws: Workspace, out: Report, rates: Rates, top: int) -> None:
    """The KPI table and the top findings of the month (findings persisted: the report is a run like any)."""
    from balise.services import findings
    from balise.services.cockpit import evaluate_all

    run = evaluate_all(ws, out.tenant, out.month, rates=rates)
    out.kpis = run.kpis
    views = findings.list_findings(ws, out.tenant, lifecycle="open", status="FAIL",
                                   fingerprints=run.findings_run.fingerprints)
    options = findings.option_codes()
    # real savings first (largest first), options (other providers' offers) after them
    views.sort(key=lambda v: (v.code in options, -(v.monthly_saving_eur or 0.0), Severity(v.severity).rank,
                              v.code, v.id))
    out.top_findings = views[:top]
    out.open_findings = len(views)
    out.savings = findings.savings(views)
    out.sections += ["kpis", "findings"]
