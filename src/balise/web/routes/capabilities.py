"""Carbon, sovereignty and posture pages, over their services (each figure cached per tenant state)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from balise.services import accounts, views
from balise.web.deps import Csrf, LangDep, RatesDep, SettingsDep, TenantDep, WsDep
from balise.web.render import page

router = APIRouter(include_in_schema=False)
CARBON_BY = ("month", "service", "region", "provider")


def carbon_lines(ws: WsDep, tenant: str, by: str, rates: RatesDep) -> list[Any]:
    from balise.services import carbon

    if not views.has_data(ws, tenant):
        return []
    return views.cached(ws, tenant, "carbon", (by,), lambda: carbon.estimate(ws, tenant, by, rates=rates).lines)


@router.get("/t/{tenant}/carbon")
def carbon_page(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep,
                by: Annotated[str, Query(max_length=20)] = "month") -> HTMLResponse:
    from fastapi import HTTPException

    if by not in CARBON_BY:
        raise HTTPException(404)
    lines = carbon_lines(ws, tenant.name, by, rates)
    total = sum(x.kgco2e for x in lines)
    kwh = sum(x.total("facility_kwh") for x in lines)
    cost = sum(x.total("cost_eur") for x in lines)
    return page(request, "carbon.html", lang, tenant.principal, tenant, active="carbon", lines=lines, by=by,
                groups=CARBON_BY, total=total, kwh=kwh, cost=cost)


def sovereignty_view(ws: WsDep, tenant: str, rates: RatesDep) -> dict[str, Any] | None:
    from balise.services import sovereignty

    if not views.has_data(ws, tenant):
        return None
    return views.cached(ws, tenant, "sovereignty", (), lambda: sovereignty.view_json(
        sovereignty.sovereignty(ws, tenant, rates=rates)))


@router.get("/t/{tenant}/sovereignty")
def sovereignty_page(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep) -> HTMLResponse:
    v = sovereignty_view(ws, tenant.name, rates)
    return page(request, "sovereignty.html", lang, tenant.principal, tenant, active="sovereignty", v=v)


@router.get("/t/{tenant}/posture")
def posture_page(request: Request, ws: WsDep, lang: LangDep, tenant: TenantDep) -> HTMLResponse:
    from balise.services import posture

    return page(request, "posture.html", lang, tenant.principal, tenant, active="posture",
                controls=posture.controls(ws, tenant.name), today=date.today().isoformat())


@router.post("/t/{tenant}/posture/evidence", dependencies=[Csrf])
def add_evidence(ws: WsDep, settings: SettingsDep, tenant: TenantDep, control: Annotated[str, Form(max_length=20)],
                 day: Annotated[date, Form()], link: Annotated[str | None, Form(max_length=2000)] = None,
                 note: Annotated[str | None, Form(max_length=2000)] = None, file: UploadFile | None = None
                 ) -> Response:
    from balise.services import posture

    tenant.require(accounts.CAN_EDIT)
    stored: Path | None = None
    with tempfile.TemporaryDirectory(dir=ws.tmp) as tmp:
        if file is not None and file.filename:
            stored = Path(tmp) / views.safe_name(file.filename)
            size = 0
            with stored.open("wb") as out:
                for chunk in iter(lambda: file.file.read(1 << 20), b""):
                    size += len(chunk)
                    if size > settings.upload_max_mb * 1024 * 1024:
                        from balise.errors import UsageError
                        from balise.i18n import web_messages as wm
                        raise UsageError(wm.UPLOAD_TOO_LARGE(limit=settings.upload_max_mb))
                    out.write(chunk)
        item = posture.add_evidence(ws, tenant.name, control, day=day, by=tenant.principal.user.email, file=stored,
                                    link=link or None, note=note or None)
    accounts.audit(ws, tenant.name, tenant.actor, "evidence.add", f"control:{control}", None,
                   {"date": day.isoformat(), "file": item.file_name, "sha256": item.sha256, "link": item.link})
    return RedirectResponse(f"/t/{tenant.name}/posture?done=evidence", status_code=303)
