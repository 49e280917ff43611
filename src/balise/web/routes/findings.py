"""Findings: filter by domain, severity, owner and status; acknowledge, suppress (reason + expiry), resolve."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from balise.domain.findings import Domain, Lifecycle, Severity
from balise.services import accounts, views
from balise.services import findings as findings_service
from balise.web.deps import Csrf, LangDep, TenantDep, WsDep
from balise.web.render import page

router = APIRouter(include_in_schema=False)
Filter = Annotated[str | None, Query(max_length=200)]
PAGE_SIZE = 100


def _blank(v: str | None) -> str | None:
    return v.strip() or None if v else None


@router.get("/t/{tenant}/findings")
def listing(request: Request, ws: WsDep, lang: LangDep, tenant: TenantDep, domain: Filter = None,
            severity: Filter = None, owner: Filter = None, lifecycle: Filter = "attention",
            page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> HTMLResponse:
    lc = _blank(lifecycle)
    lifecycles = list(findings_service.ATTENTION) if lc in (None, "attention") else [lc] if lc != "all" else None
    items = views.list_findings(ws, tenant.name, domain=_blank(domain), severity=_blank(severity),
                                owner=_blank(owner), lifecycle=lifecycles)
    pages = max(1, -(-len(items) // PAGE_SIZE))
    shown = items[(page_no - 1) * PAGE_SIZE:page_no * PAGE_SIZE]
    return page(request, "findings.html", lang, tenant.principal, tenant, active="findings", items=shown,
                total_count=len(items), page_no=page_no, pages=pages, savings=findings_service.savings(items),
                domains=[d.value for d in Domain],
                severities=[s.value for s in Severity], lifecycles=[x.value for x in Lifecycle],
                owners=views.findings_owners(ws, tenant.name), f_domain=domain or "", f_severity=severity or "",
                f_owner=owner or "", f_lifecycle=lc or "attention")


@router.get("/t/{tenant}/findings/{finding_id}")
def detail(request: Request, ws: WsDep, lang: LangDep, tenant: TenantDep, finding_id: int) -> HTMLResponse:
    v = findings_service.get_finding(ws, tenant.name, finding_id)
    events = findings_service.finding_events(ws, tenant.name, finding_id)
    return page(request, "finding.html", lang, tenant.principal, tenant, active="findings", f=v, events=events)


def decide(ws: WsDep, tenant: TenantDep, finding_id: int, action: str, reason: str, until: date | None) -> None:
    tenant.require(accounts.CAN_EDIT)
    before = findings_service.get_finding(ws, tenant.name, finding_id)
    if action == "ack":
        after = findings_service.acknowledge(ws, tenant.name, finding_id, reason, by=tenant.actor)
    elif action == "suppress":
        after = findings_service.suppress(ws, tenant.name, finding_id, reason, until, by=tenant.actor)
    else:
        after = findings_service.resolve(ws, tenant.name, finding_id, reason, by=tenant.actor)
    accounts.audit(ws, tenant.name, tenant.actor, f"finding.{action}", f"finding:{finding_id}",
                   {"lifecycle": before.lifecycle},
                   {"lifecycle": after.lifecycle, "reason": reason.strip(),
                    "until": after.suppressed_until.isoformat() if after.suppressed_until else None})


@router.post("/t/{tenant}/findings/{finding_id}/{action}", dependencies=[Csrf])
def act(ws: WsDep, tenant: TenantDep, finding_id: int, action: str,
        reason: Annotated[str, Form(max_length=2000)], until: Annotated[date | None, Form()] = None,
        back: Annotated[str, Form(max_length=10)] = "detail") -> Response:
    from fastapi import HTTPException

    if action not in ("ack", "suppress", "resolve"):
        raise HTTPException(404)
    decide(ws, tenant, finding_id, action, reason, until)
    target = f"/t/{tenant.name}/findings" if back == "list" else f"/t/{tenant.name}/findings/{finding_id}"
    return RedirectResponse(target + f"?done={action}", status_code=303)
