"""Dependencies of the routes: the workspace, who is asking (browser session or API token), the tenant they
ask about (with their role on it), the CSRF check of forms, and the reader's language."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request

from balise.i18n import Lang
from balise.reference.fx import Rates
from balise.services import accounts
from balise.services.accounts import Principal
from balise.services.workspace import Workspace
from balise.web.config import WebSettings
from balise.web.i18n import LANGS, negotiate


class LoginRequired(Exception):
    """A page was asked for without a session: the handler sends the browser to the login page."""


def get_ws(request: Request) -> Workspace:
    return request.app.state.ws  # type: ignore[no-any-return]


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_rates(request: Request) -> Rates:
    return request.app.state.rates()  # type: ignore[no-any-return]


WsDep = Annotated[Workspace, Depends(get_ws)]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]
RatesDep = Annotated[Rates, Depends(get_rates)]


def language(request: Request) -> Lang:
    """The language cookie (the switch), else the user's saved language, else Accept-Language."""
    settings: WebSettings = request.app.state.settings
    chosen = request.cookies.get(settings.lang_cookie)
    if chosen in LANGS:
        return chosen  # type: ignore[return-value]
    return negotiate(request.headers.get("accept-language"))


LangDep = Annotated[Lang, Depends(language)]


def _session_principal(request: Request, ws: Workspace) -> Principal | None:
    settings: WebSettings = request.app.state.settings
    cookie = request.cookies.get(settings.session_cookie)
    found = accounts.session_user(ws, cookie) if cookie else None
    if found is None:
        return None
    user, csrf = found
    return Principal(user, accounts.roles_of(ws, user), "session", csrf)


def optional_user(request: Request, ws: WsDep) -> Principal | None:
    return _session_principal(request, ws)


def current_user(request: Request, ws: WsDep) -> Principal:
    p = _session_principal(request, ws)
    if p is None:
        raise LoginRequired()
    request.state.principal = p
    return p


CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]


def api_user(request: Request, ws: WsDep) -> Principal:
    """A personal API token in ``Authorization: Bearer blz_…``."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    found = accounts.token_user(ws, token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise HTTPException(401, "a valid API token is required: Authorization: Bearer blz_…",
                            headers={"WWW-Authenticate": "Bearer"})
    user, prefix = found
    return Principal(user, accounts.roles_of(ws, user), f"token:{prefix}")


ApiUser = Annotated[Principal, Depends(api_user)]


@dataclass(frozen=True)
class TenantAccess:
    name: str
    role: str
    principal: Principal

    @property
    def can_edit(self) -> bool:
        return self.role in accounts.CAN_EDIT

    @property
    def can_configure(self) -> bool:
        return self.role in accounts.CAN_CONFIGURE

    @property
    def can_manage(self) -> bool:
        return self.role in accounts.CAN_MANAGE

    @property
    def actor(self) -> str:
        return self.principal.actor

    def require(self, allowed: frozenset[str]) -> None:
        if self.role not in allowed:
            raise HTTPException(403, "your role on this tenant does not allow this action")


TenantName = Annotated[str, Path(min_length=1, max_length=63)]


def _access(p: Principal, tenant: str) -> TenantAccess:
    role = p.role(tenant)
    if role is None:  # another tenant's, or none: the same answer, so nothing leaks
        raise HTTPException(404, "not found")
    return TenantAccess(tenant, role, p)


def tenant_access(tenant: TenantName, user: CurrentUser) -> TenantAccess:
    return _access(user, tenant)


def api_tenant_access(tenant: TenantName, user: ApiUser) -> TenantAccess:
    return _access(user, tenant)


TenantDep = Annotated[TenantAccess, Depends(tenant_access)]
ApiTenant = Annotated[TenantAccess, Depends(api_tenant_access)]


async def check_csrf(request: Request, user: CurrentUser) -> None:
    """Every form carries the session's CSRF secret in its ``csrf`` field."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not user.csrf or not secrets.compare_digest(sent, user.csrf):
        raise HTTPException(403, "the form is out of date (CSRF check failed): reload the page and try again")


Csrf = Depends(check_csrf)
