"""Settings of a tenant: who has which role, notification channels (with a "send test" button), KPI thresholds
and owners, the audit log; tenants for a superuser."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from balise.services import accounts, notifications
from balise.services import kpis as kpis_service
from balise.web.deps import Csrf, LangDep, TenantAccess, TenantDep, WsDep
from balise.web.render import page

router = APIRouter(include_in_schema=False)
Short = Annotated[str | None, Form(max_length=500)]


@router.get("/t/{tenant}/settings")
def settings_page(request: Request, ws: WsDep, lang: LangDep, tenant: TenantDep,
                  done: str | None = None, outcome: str | None = None) -> HTMLResponse:
    members = accounts.list_users(ws, tenant.name)
    return page(request, "settings.html", lang, tenant.principal, tenant, active="settings", members=members,
                channels=notifications.list_channels(ws, tenant.name), kpis=kpis_service.effective(ws, tenant.name),
                roles=accounts.ROLES, done=done, outcome=outcome,
                log=notifications.sent_log(ws, tenant.name, limit=10))


@router.get("/t/{tenant}/audit")
def audit_page(request: Request, ws: WsDep, lang: LangDep, tenant: TenantDep) -> HTMLResponse:
    tenant.require(accounts.CAN_CONFIGURE)
    return page(request, "audit.html", lang, tenant.principal, tenant, active="settings",
                entries=accounts.audit_log(ws, tenant.name))


@router.post("/t/{tenant}/settings/members", dependencies=[Csrf])
def grant(ws: WsDep, tenant: TenantDep, email: Annotated[str, Form(max_length=320)],
          role: Annotated[str, Form(max_length=20)], name: Short = None, password: Short = None) -> Response:
    tenant.require(accounts.CAN_MANAGE)
    known = {u.email for u, _ in accounts.list_users(ws)}
    if email.strip().lower() not in known:
        accounts.check_role(role)
        accounts.add_user(ws, email, name or email, password or None, actor=tenant.actor)
    accounts.grant(ws, email, tenant.name, role, actor=tenant.actor)
    return RedirectResponse(f"/t/{tenant.name}/settings?done=member", status_code=303)


@router.post("/t/{tenant}/settings/members/revoke", dependencies=[Csrf])
def revoke(ws: WsDep, tenant: TenantDep, email: Annotated[str, Form(max_length=320)]) -> Response:
    tenant.require(accounts.CAN_MANAGE)
    accounts.revoke(ws, email, tenant.name, actor=tenant.actor)
    return RedirectResponse(f"/t/{tenant.name}/settings?done=revoked", status_code=303)


def channel_config(kind: str, url: str | None, smtp: str | None, sender: str | None, to: str | None
                   ) -> dict[str, Any]:
    if kind == "email":
        return {"host": smtp or "", "from": sender or "", "to": to or ""}
    return {"url": url or ""}


def add_channel(ws: WsDep, tenant: TenantAccess, name: str, kind: str, lang: str, config: dict[str, Any]
                ) -> notifications.ChannelView:
    tenant.require(accounts.CAN_CONFIGURE)
    view = notifications.add_channel(ws, tenant.name, name.strip(), kind, config, lang)
    accounts.audit(ws, tenant.name, tenant.actor, "channel.create", f"channel:{view.name}", None,
                   {"kind": view.kind, "target": view.target, "lang": view.lang})
    return view


def test_channel(ws: WsDep, tenant: TenantAccess, name: str) -> notifications.Outcome:
    tenant.require(accounts.CAN_CONFIGURE)
    out = notifications.send_test(ws, tenant.name, name)
    accounts.audit(ws, tenant.name, tenant.actor, "channel.test", f"channel:{name}", None,
                   {"outcome": out.outcome, "error": out.error})
    return out


def remove_channel(ws: WsDep, tenant: TenantAccess, name: str) -> None:
    tenant.require(accounts.CAN_CONFIGURE)
    before = next((c for c in notifications.list_channels(ws, tenant.name) if c.name == name), None)
    notifications.remove_channel(ws, tenant.name, name)
    accounts.audit(ws, tenant.name, tenant.actor, "channel.delete", f"channel:{name}",
                   None if before is None else {"kind": before.kind, "target": before.target}, None)


@router.post("/t/{tenant}/settings/channels", dependencies=[Csrf])
def create_channel(ws: WsDep, tenant: TenantDep, name: Annotated[str, Form(max_length=100)],
                   kind: Annotated[str, Form(max_length=20)], lang: Annotated[str, Form(max_length=5)] = "en",
                   url: Annotated[str | None, Form(max_length=2000)] = None, smtp: Short = None, sender: Short = None,
                   to: Short = None) -> Response:
    add_channel(ws, tenant, name, kind, lang, channel_config(kind, url, smtp, sender, to))
    return RedirectResponse(f"/t/{tenant.name}/settings?done=channel", status_code=303)


@router.post("/t/{tenant}/settings/channels/{name}/test", dependencies=[Csrf])
def send_test(ws: WsDep, tenant: TenantDep, name: str) -> Response:
    out = test_channel(ws, tenant, name)
    return RedirectResponse(f"/t/{tenant.name}/settings?done=test&outcome={out.outcome}", status_code=303)


@router.post("/t/{tenant}/settings/channels/{name}/delete", dependencies=[Csrf])
def delete_channel(ws: WsDep, tenant: TenantDep, name: str) -> Response:
    remove_channel(ws, tenant, name)
    return RedirectResponse(f"/t/{tenant.name}/settings?done=channel_deleted", status_code=303)


def set_kpi(ws: WsDep, tenant: TenantAccess, kpi_id: str, threshold: str | None, owner: str | None) -> Any:
    tenant.require(accounts.CAN_CONFIGURE)
    before = next((k for k in kpis_service.effective(ws, tenant.name) if k.id == kpi_id), None)
    after = kpis_service.set_kpi(ws, tenant.name, kpi_id, threshold=threshold or None, owner=owner or None)
    accounts.audit(ws, tenant.name, tenant.actor, "kpi.set", f"kpi:{kpi_id}",
                   None if before is None else {"threshold": str(before.threshold) if before.threshold else None,
                                                "owner": before.owner},
                   {"threshold": str(after.threshold) if after.threshold else None, "owner": after.owner})
    return after


@router.post("/t/{tenant}/settings/kpis/{kpi_id}", dependencies=[Csrf])
def kpi(ws: WsDep, tenant: TenantDep, kpi_id: str, threshold: Annotated[str | None, Form(max_length=50)] = None,
        owner: Annotated[str | None, Form(max_length=200)] = None) -> Response:
    set_kpi(ws, tenant, kpi_id, threshold, owner)
    return RedirectResponse(f"/t/{tenant.name}/settings?done=kpi", status_code=303)
