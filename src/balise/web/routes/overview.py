"""The overview: KPI tiles, the spend trend with the month-end forecast and the budget, the top findings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from balise.services import findings as findings_service
from balise.services import views
from balise.web.deps import LangDep, RatesDep, TenantDep, WsDep
from balise.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/t/{tenant}/")
def overview(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep) -> HTMLResponse:
    ov = views.overview(ws, tenant.name, rates)
    attention = views.list_findings(ws, tenant.name, lifecycle=["open", "acknowledged"])
    top = sorted(attention, key=lambda v: -(v.monthly_saving_eur or 0.0))[:8]
    return page(request, "overview.html", lang, tenant.principal, tenant, active="overview", ov=ov, top=top,
                savings=findings_service.savings(attention), open_count=len(attention))
