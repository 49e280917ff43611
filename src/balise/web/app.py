"""The FastAPI application: pages under ``/t/{tenant}/…``, the REST API under ``/api/v1``, ``/metrics``.

``create_app(settings)`` opens the workspace once; the routes are thin (parse, call a service, render).
Errors map to HTTP in one place: a wrong input is 400 with its message, an object that is not the tenant's
(or does not exist) is 404, a missing session sends the browser to the login page. A bug is a 500 whose page
says nothing of the code (the traceback goes to the server's log only).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from balise.errors import BaliseError, ExecutionError, UnknownTenantError
from balise.i18n import Text
from balise.i18n import kpis_messages as km
from balise.i18n import notify_messages as nm
from balise.i18n import rules_messages as rm
from balise.i18n import web_messages as wm
from balise.reference.fx import Rates
from balise.services.workspace import open_workspace
from balise.web.config import WebSettings
from balise.web.deps import LoginRequired, language
from balise.web.i18n import translations
from balise.web.render import environment, page
from balise.web.security import SecurityHeaders

log = logging.getLogger("balise.web")
STATIC = Path(__file__).with_name("static")
NOT_FOUND = {rm.FINDING_UNKNOWN, km.UNKNOWN_BUDGET, km.UNKNOWN_KPI, nm.UNKNOWN_CHANNEL, wm.UNKNOWN_SOURCE,
             wm.NO_REJECTS, wm.UNKNOWN_TOKEN, wm.UNKNOWN_USER, wm.NO_MEMBERSHIP}


def is_not_found(e: BaliseError) -> bool:
    return isinstance(e, UnknownTenantError) or (isinstance(e.text, Text) and e.text.msg in NOT_FOUND)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/metrics"))


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings.from_env()
    app = FastAPI(title="Balise", version="1", openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
                  description="The Balise cockpit's REST API: the same data and actions as the web pages, "
                              "authenticated by personal API tokens (Authorization: Bearer blz_…).")
    app.state.settings = settings
    app.state.ws = open_workspace(settings.workspace, settings.database_url)
    app.state.jinja = environment()
    from balise.web.oidc import Provider
    app.state.oidc = Provider(settings.oidc) if settings.oidc else None  # optional OpenID Connect login
    rates_lock = threading.Lock()
    rates_box: list[Rates] = []

    def rates() -> Rates:
        with rates_lock:
            if not rates_box:
                from balise.reference.fx import ecb
                rates_box.append(ecb())
            return rates_box[0]

    app.state.rates = rates
    for lang in ("en", "fr"):
        translations(lang)  # compile the catalogs now: a broken .po fails at start, not on a page

    from balise.web.routes import api, auth, budgets, capabilities, costs, findings, ingestion, metrics, overview
    from balise.web.routes import settings as settings_routes

    for r in (auth.router, overview.router, costs.router, findings.router, budgets.router, ingestion.router,
              capabilities.router, settings_routes.router, api.router, metrics.router):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handlers(app)
    from urllib.parse import urlsplit
    issuer = urlsplit(settings.oidc.issuer) if settings.oidc else None
    app.add_middleware(SecurityHeaders, trust_forwarded=settings.trust_forwarded,
                       form_origins=(f"{issuer.scheme}://{issuer.netloc}",) if issuer else ())
    return app


def _error_page(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    lang = language(request)
    user = getattr(request.state, "principal", None)
    return page(request, "error.html", lang, user, status=status, status_code=status, message=message)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (("?" + request.url.query) if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(BaliseError)
    async def balise_error(request: Request, exc: BaliseError) -> Response:
        lang = language(request) if not _wants_json(request) else "en"
        message = exc.text.render(lang) if isinstance(exc.text, Text) else str(exc)
        if isinstance(exc, ExecutionError):
            log.error("execution error on %s: %s", request.url.path, message)
            return _error_page(request, 503, message)
        return _error_page(request, 404 if is_not_found(exc) else 400, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        lang = language(request)
        _ = translations(lang).gettext
        messages = {404: _("This page does not exist, or you do not have access to it."),
                    403: _("Your role does not allow this action, or the form was out of date: reload the page."),
                    401: _("Log in first.")}
        return _error_page(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            errors: Any = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        _ = translations(language(request)).gettext
        return _error_page(request, 422, _("A field of the form is missing or invalid."))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        _ = translations(language(request)).gettext
        return _error_page(request, 500, _("Something went wrong on the server; it is logged. Try again, or "
                                           "tell your administrator."))
