"""Rendering pages: one Jinja2 environment, and the context every page gets (language, user, tenant, CSRF)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from balise.compliance.packs import categories_text
from balise.i18n import Lang, Text
from balise.services.accounts import Principal
from balise.web import charts
from balise.web.deps import TenantAccess
from balise.web.i18n import N_, Formatter

TEMPLATES = Path(__file__).with_name("templates")

NAV = (("overview", "", N_("Overview")), ("costs", "costs", N_("Costs")), ("findings", "findings", N_("Findings")),
       ("carbon", "carbon", N_("Carbon")), ("sovereignty", "sovereignty", N_("Sovereignty")),
       ("posture", "posture", N_("Posture")), ("budgets", "budgets", N_("Budgets")),
       ("ingestion", "ingestion", N_("Ingestion")),
       ("settings", "settings", N_("Settings")))


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "svg"]),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["charts"] = charts
    env.filters["urlpart"] = lambda s: quote(str(s), safe="")
    return env


def text(value: Any, lang: Lang) -> str:
    """A service's bilingual Text (or anything else) as the reader's string."""
    return value.render(lang) if isinstance(value, Text) else ("" if value is None else str(value))


def page(request: Request, name: str, lang: Lang, user: Principal | None, tenant: TenantAccess | None = None,
         *, active: str = "", status: int = 200, **ctx: Any) -> HTMLResponse:
    fmt = Formatter(lang)
    _ = fmt.gettext
    path = request.url.path + (("?" + request.url.query) if request.url.query else "")
    context = {
        "_": _, "fmt": fmt, "lang": lang, "user": user, "tenant": tenant, "active": active,
        "csrf": user.csrf if user else None, "colon": "\u00a0:" if lang == "fr" else ":", "t": lambda v: text(v, lang),
        "categories": lambda cats: categories_text(list(cats), short=True).render(lang),
        "lang_links": [(code, label, "/lang/" + code + "?" + urlencode({"next": path}))
                       for code, label in (("en", "English"), ("fr", "Français"))],
        "nav": [(key, f"/t/{quote(tenant.name)}/{sub}", _(label)) for key, sub, label in NAV] if tenant else [],
        "tenants": sorted(user.roles) if user else [],
        "query": dict(request.query_params),
        **ctx,
    }
    html = request.app.state.jinja.get_template(name).render(context)
    return HTMLResponse(html, status_code=status)
