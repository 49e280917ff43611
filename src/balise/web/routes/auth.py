"""Logging in and out, the language switch, the home redirect, and the user's own API tokens."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from balise.errors import UsageError
from balise.services import accounts
from balise.web.deps import Csrf, CurrentUser, LangDep, OptionalUser, SettingsDep, WsDep
from balise.web.i18n import translations
from balise.web.oidc import OidcError, Pending, Provider
from balise.web.render import page
from balise.web.security import is_tls

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "balise_login"
OIDC_COOKIE = "balise_oidc"  # the state, nonce and PKCE verifier of a login in progress (10 minutes)
log = logging.getLogger("balise.web.oidc")


def secure(request: Request, settings: SettingsDep) -> bool:
    if settings.cookie_secure == "always":
        return True
    if settings.cookie_secure == "never":
        return False
    return is_tls(request.scope, settings.trust_forwarded)


def local(target: str | None, default: str = "/") -> str:
    """Only a path of this site (no //host, no scheme): an open redirect otherwise."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/")
def home(user: OptionalUser) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if not user.roles:
        return RedirectResponse("/account", status_code=303)
    return RedirectResponse(f"/t/{sorted(user.roles)[0]}/", status_code=303)


@router.get("/login")
def login_form(request: Request, lang: LangDep, settings: SettingsDep, next: str = "/",
               error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    resp = page(request, "login.html", lang, None, login_csrf=token, next=local(next), error=error,
                oidc_name=settings.oidc.name if settings.oidc else None)
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure(request, settings),
                    max_age=3600, path="/login")
    return resp


@router.post("/login")
def login(request: Request, ws: WsDep, lang: LangDep, settings: SettingsDep,
          email: Annotated[str, Form(max_length=320)], password: Annotated[str, Form(max_length=1000)],
          login_csrf: Annotated[str, Form(max_length=100)], next: Annotated[str, Form(max_length=2000)] = "/"
          ) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not secrets.compare_digest(cookie, login_csrf):
        raise HTTPException(403, "login form out of date")
    client = request.client.host if request.client else "?"
    try:
        session = accounts.login(ws, email, password, client)
    except UsageError as e:
        token = secrets.token_urlsafe(24)
        failed = page(request, "login.html", lang, None, status=401, login_csrf=token, next=local(next),
                    error=e.text.render(lang) if hasattr(e.text, "render") else str(e), email=email,
                    oidc_name=settings.oidc.name if settings.oidc else None)
        failed.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure(request, settings),
                        max_age=3600, path="/login")
        return failed
    ok = RedirectResponse(local(next), status_code=303)
    resp = ok
    resp.set_cookie(settings.session_cookie, session.cookie, httponly=True, samesite="lax",
                    secure=secure(request, settings), max_age=accounts.SESSION_HOURS * 3600, path="/")
    resp.delete_cookie(LOGIN_CSRF, path="/login")
    if session.user.locale and not request.cookies.get(settings.lang_cookie):
        resp.set_cookie(settings.lang_cookie, session.user.locale, samesite="lax", max_age=365 * 86400,
                        secure=secure(request, settings))
    return resp


def _provider(request: Request) -> Provider:
    provider: Provider | None = request.app.state.oidc
    if provider is None:  # OIDC is off: these routes do not exist
        raise HTTPException(404)
    return provider


def _oidc_refused(request: Request, lang: LangDep, settings: SettingsDep, reason: str, next_url: str = "/"
                  ) -> Response:
    """The login page again, with what went wrong (no session, nothing written), and a fresh login form."""
    _ = translations(lang).gettext
    messages = {
        "provider": _("The identity provider could not be reached or refused the login. Try again, or use "
                      "your Balise password."),
        "state": _("This sign-in link is out of date or was not started here. Start again from this page."),
        "token": _("The identity provider did not give a valid token. Start again from this page."),
        "signature": _("The identity provider's token is not signed by its key: the login is refused."),
        "expired": _("The identity provider's token has expired (check the server's clock). Start again."),
        "claims": _("The identity provider's token is not meant for Balise: the login is refused."),
        "nonce": _("The identity provider's token does not belong to this sign-in: the login is refused."),
        "unknown": _("No Balise account is linked to this identity. Ask your administrator."),
        "domain": _("This e-mail domain may not sign in here. Ask your administrator."),
        "disabled": _("This account is disabled. Ask your administrator."),
        "locked": _("Too many failed logins from this address: wait 15 minutes and try again."),
    }
    token = secrets.token_urlsafe(24)
    resp = page(request, "login.html", lang, None, status=401, login_csrf=token, next=local(next_url),
                error=messages.get(reason, messages["provider"]),
                oidc_name=settings.oidc.name if settings.oidc else None)
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure(request, settings),
                    max_age=3600, path="/login")
    resp.delete_cookie(OIDC_COOKIE, path="/login/oidc")
    return resp


def _pending(value: str | None) -> Pending | None:
    if not value or len(value) > 2000:
        return None
    try:
        d = json.loads(base64.urlsafe_b64decode(value.encode() + b"=" * (-len(value) % 4)))
        return Pending(str(d["state"]), str(d["nonce"]), str(d["verifier"]), str(d["next"]))
    except (ValueError, KeyError, TypeError):
        return None


@router.post("/login/oidc")
def oidc_start(request: Request, ws: WsDep, lang: LangDep, settings: SettingsDep,
               login_csrf: Annotated[str, Form(max_length=100)], next: Annotated[str, Form(max_length=2000)] = "/"
               ) -> Response:
    """The "Sign in with …" button: to the provider, with state, nonce and the PKCE challenge."""
    provider = _provider(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not secrets.compare_digest(cookie, login_csrf):
        raise HTTPException(403, "login form out of date")
    client = request.client.host if request.client else "?"
    if accounts.login_locked(ws, client):
        return _oidc_refused(request, lang, settings, "locked", next)
    try:
        url, pending = provider.start(local(next))
    except OidcError as e:
        log.warning("OIDC discovery failed: %s", e)
        return _oidc_refused(request, lang, settings, e.reason, next)
    value = base64.urlsafe_b64encode(json.dumps(pending.__dict__).encode()).rstrip(b"=").decode()
    resp = RedirectResponse(url, status_code=303)
    # SameSite=Lax: the provider sends the browser back with a top-level GET, which carries it
    resp.set_cookie(OIDC_COOKIE, value, httponly=True, samesite="lax", secure=secure(request, settings),
                    max_age=600, path="/login/oidc")
    return resp


@router.get("/login/oidc/callback")
def oidc_callback(request: Request, ws: WsDep, lang: LangDep, settings: SettingsDep, code: str | None = None,
                  state: str | None = None, error: str | None = None) -> Response:
    """Back from the provider: check state, exchange the code, verify the ID token, open a session."""
    provider = _provider(request)
    assert settings.oidc is not None
    client = request.client.host if request.client else "?"
    pending = _pending(request.cookies.get(OIDC_COOKIE))
    try:
        if error:
            raise OidcError("provider", f"the provider answered error={error[:100]}")
        if (pending is None or not state or not code or len(state) > 200
                or not secrets.compare_digest(state.encode(), pending.state.encode())):
            raise OidcError("state", "state missing or not this browser's")
        identity = provider.finish(code, pending)
        session = accounts.oidc_login(ws, identity.subject, identity.email, identity.email_verified, identity.name,
                                      link_by_email=settings.oidc.link_by_email,
                                      email_domains=settings.oidc.email_domains, client=client)
    except OidcError as e:
        log.warning("OIDC login refused (%s) from %s: %s", e.reason, client, e.detail)
        accounts.record_login_failure(ws, client)
        return _oidc_refused(request, lang, settings, e.reason, pending.next if pending else "/")
    except accounts.OidcRefused as e:
        log.warning("OIDC login refused (%s) from %s", e.reason, client)
        return _oidc_refused(request, lang, settings, e.reason, pending.next if pending else "/")
    resp = RedirectResponse(local(pending.next if pending else "/"), status_code=303)
    resp.set_cookie(settings.session_cookie, session.cookie, httponly=True, samesite="lax",
                    secure=secure(request, settings), max_age=accounts.SESSION_HOURS * 3600, path="/")
    resp.delete_cookie(OIDC_COOKIE, path="/login/oidc")
    resp.delete_cookie(LOGIN_CSRF, path="/login")
    if session.user.locale and not request.cookies.get(settings.lang_cookie):
        resp.set_cookie(settings.lang_cookie, session.user.locale, samesite="lax", max_age=365 * 86400,
                        secure=secure(request, settings))
    return resp


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, ws: WsDep, settings: SettingsDep, user: CurrentUser) -> Response:
    cookie = request.cookies.get(settings.session_cookie)
    if cookie:
        accounts.logout(ws, cookie)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(settings.session_cookie, path="/")
    return resp


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, settings: SettingsDep, ws: WsDep, user: OptionalUser,
                    next: str = "/") -> Response:
    if code not in ("en", "fr"):
        raise HTTPException(404)
    resp = RedirectResponse(local(next), status_code=303)
    resp.set_cookie(settings.lang_cookie, code, samesite="lax", max_age=365 * 86400, secure=secure(request, settings))
    if user is not None:
        accounts.set_locale(ws, user.user.id, code)
    return resp


@router.get("/account")
def account(request: Request, ws: WsDep, lang: LangDep, user: CurrentUser, created: str | None = None
            ) -> HTMLResponse:
    tokens = accounts.list_tokens(ws, user.user.email)
    return page(request, "account.html", lang, user, tokens=tokens, new_token=None)


@router.post("/account/tokens", dependencies=[Csrf])
def create_token(request: Request, ws: WsDep, lang: LangDep, user: CurrentUser,
                 name: Annotated[str, Form(max_length=200)],
                 days: Annotated[int | None, Form(ge=1, le=3650)] = None) -> HTMLResponse:
    new = accounts.create_token(ws, user.user.email, name, days=days, actor=user.actor)
    tokens = accounts.list_tokens(ws, user.user.email)
    return page(request, "account.html", lang, user, tokens=tokens, new_token=new)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_token(ws: WsDep, user: CurrentUser, token_id: int) -> Response:
    accounts.revoke_token(ws, user.user.email, token_id, actor=user.actor)
    return RedirectResponse("/account", status_code=303)


@router.post("/tenants", dependencies=[Csrf])
def create_tenant(ws: WsDep, user: CurrentUser, name: Annotated[str, Form(max_length=63)]) -> Response:
    if not user.user.is_superuser:
        raise HTTPException(403)
    accounts.create_tenant(ws, name.strip(), actor=user.actor)
    return RedirectResponse(f"/t/{name.strip()}/settings", status_code=303)
