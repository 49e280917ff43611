"""Tenant isolation: a user of tenant A gets 404 for every object of tenant B, on every page and API endpoint,
whether they ask under B's name or slip B's object ids under their own tenant (the service layer looks objects
up within the tenant). A meta-test fails when a route is added without being listed here."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from web_helpers import Web, csrf_of

from balise.services import findings as findings_service
from balise.services import notifications, posture
from balise.services.sources import list_sources

# (method, path) for every route that names a tenant; {t} is the tenant, {f} a finding, {s} a source, {b} a
# budget, {c} a channel, {k} a KPI, {a} an action
PAGE_ROUTES = [
    ("GET", "/t/{t}/"), ("GET", "/t/{t}/costs"), ("GET", "/t/{t}/costs/resources"),
    ("GET", "/t/{t}/costs/export.csv"), ("GET", "/t/{t}/findings"), ("GET", "/t/{t}/findings/{f}"),
    ("POST", "/t/{t}/findings/{f}/ack"), ("POST", "/t/{t}/findings/{f}/suppress"),
    ("POST", "/t/{t}/findings/{f}/resolve"), ("GET", "/t/{t}/budgets"), ("GET", "/t/{t}/budgets?edit={b}"),
    ("POST", "/t/{t}/budgets"), ("POST", "/t/{t}/budgets/{b}/delete"), ("GET", "/t/{t}/ingestion"),
    ("POST", "/t/{t}/ingestion"), ("GET", "/t/{t}/ingestion/{s}/rejects"), ("GET", "/t/{t}/settings"),
    ("GET", "/t/{t}/audit"), ("POST", "/t/{t}/settings/members"), ("POST", "/t/{t}/settings/members/revoke"),
    ("POST", "/t/{t}/settings/channels"), ("POST", "/t/{t}/settings/channels/{c}/test"),
    ("POST", "/t/{t}/settings/channels/{c}/delete"), ("POST", "/t/{t}/settings/kpis/{k}"),
    ("GET", "/t/{t}/carbon"), ("GET", "/t/{t}/sovereignty"), ("GET", "/t/{t}/posture"),
    ("POST", "/t/{t}/posture/evidence"),
]
API_ROUTES = [
    ("GET", "/api/v1/tenants/{t}/overview"), ("GET", "/api/v1/tenants/{t}/costs"),
    ("GET", "/api/v1/tenants/{t}/costs/resources"), ("GET", "/api/v1/tenants/{t}/findings"),
    ("GET", "/api/v1/tenants/{t}/findings/{f}"), ("POST", "/api/v1/tenants/{t}/findings/{f}/ack"),
    ("GET", "/api/v1/tenants/{t}/budgets"), ("GET", "/api/v1/tenants/{t}/budgets/status"),
    ("PUT", "/api/v1/tenants/{t}/budgets/{b}"), ("DELETE", "/api/v1/tenants/{t}/budgets/{b}"),
    ("GET", "/api/v1/tenants/{t}/sources"), ("POST", "/api/v1/tenants/{t}/sources"),
    ("GET", "/api/v1/tenants/{t}/sources/{s}/rejects"), ("GET", "/api/v1/tenants/{t}/channels"),
    ("POST", "/api/v1/tenants/{t}/channels/{c}/test"), ("GET", "/api/v1/tenants/{t}/audit"),
    ("GET", "/api/v1/tenants/{t}/carbon"), ("GET", "/api/v1/tenants/{t}/sovereignty"),
    ("GET", "/api/v1/tenants/{t}/posture"),
]
# Routes about the user themself or about no tenant: covered by test_security / test_pages.
UNSCOPED = {"/", "/login", "/logout", "/lang/{code}", "/account", "/account/tokens", "/account/tokens/{token_id}/revoke",
            "/tenants", "/healthz", "/metrics", "/api/v1/me", "/api/v1/tenants", "/api/v1/openapi.json",
            "/t/{tenant}/costs/export.{fmt}", "/t/{tenant}/findings/{finding_id}/{action}",
            "/api/v1/tenants/{tenant}/findings/{finding_id}/{action}"}


def _pattern(path: str) -> str:
    import re
    p = path.split("?")[0]
    return re.sub(r"\{[a-z]\}", "{}", p)


def test_every_route_is_walked(web: Web) -> None:
    c = web.app()
    listed = {_pattern(p) for _, p in PAGE_ROUTES + API_ROUTES}
    import re
    for route in c.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute) or route.path in UNSCOPED:
            continue
        generic = re.sub(r"\{[a-z_]+\}", "{}", route.path).replace("export.{}", "export.csv")
        assert generic in listed, f"{route.path} is not in the isolation walk"


@pytest.fixture(scope="module")
def objects(web: Web) -> dict[str, str]:
    """Ids of tenant demo's objects (tenant B)."""
    from balise.services import budgets
    f = findings_service.list_findings(web.ws, "demo")[0].id
    s = list_sources(web.ws, "demo")[0].id
    b = budgets.list_budgets(web.ws, "demo")[0].name
    c = notifications.list_channels(web.ws, "demo")[0].name
    return {"f": str(f), "s": str(s), "b": b.replace(" ", "%20"), "c": c, "k": "tag_coverage"}


def _state(web: Web) -> tuple[object, ...]:
    from balise.services import budgets
    return (tuple((v.id, v.lifecycle, v.reason) for v in findings_service.list_findings(web.ws, "demo")),
            tuple(budgets.list_budgets(web.ws, "demo")), tuple(c.name for c in notifications.list_channels(web.ws, "demo")),
            len(list_sources(web.ws, "demo")), len(posture.list_evidence(web.ws, "demo")))


def _cases(routes: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Every route under demo's name; and under alice's own tenant when the path names an object of demo (its
    id slipped under alpha: the service layer must not find it)."""
    out = [(m, p, "demo") for m, p in routes]
    out += [(m, p, "alpha") for m, p in routes if any(k in p for k in ("{f}", "{s}", "{b}", "{c}"))]
    return out


@pytest.mark.parametrize(("method", "path", "under"), _cases(PAGE_ROUTES))
def test_pages_of_another_tenant_are_not_found(web: Web, objects: dict[str, str], alice, method: str, path: str,
                                               under: str) -> None:  # type: ignore[no-untyped-def]
    url = path.format(t=under, **objects)
    before = _state(web)
    if method == "GET":
        r = alice.get(url)
    else:
        form = {"csrf": alice.csrf, "reason": "x", "name": "x", "monthly": "1", "email": "viewer@demo.test",
                "role": "admin", "kind": "webhook", "url": "http://127.0.0.1:9/x", "threshold": "<1",
                "control": "POS-001", "day": "2026-10-01", "link": "https://example.org/proof"}
        r = alice.post(url, data=form, files={"file": ("b.csv", b"a,b\n1,2\n")} if "ingestion" in url else None)
    assert r.status_code == 404, (url, r.status_code, r.text[:300])
    assert _state(web) == before


@pytest.mark.parametrize(("method", "path", "under"), _cases(API_ROUTES))
def test_api_of_another_tenant_is_not_found(web: Web, objects: dict[str, str], alice_token: str, method: str,
                                            path: str, under: str) -> None:
    c = web.app()
    url = path.format(t=under, **objects)
    before = _state(web)
    body = {"reason": "x"} if "/findings/" in url else {"monthly": 1.0}
    kwargs: dict[str, object] = {"headers": {"authorization": f"Bearer {alice_token}"}}
    if method in ("POST", "PUT"):
        if url.endswith("/sources"):
            kwargs["files"] = {"file": ("b.csv", b"a,b\n1,2\n")}
        elif "/channels/" not in url:
            kwargs["json"] = body
    r = c.request(method, url, **kwargs)  # type: ignore[arg-type]
    if under == "alpha" and method in ("PUT",):
        # alice may create a budget in her own tenant: the name of demo's budget is just a name there
        assert r.status_code == 200, r.text
        from balise.services import budgets
        assert [b.name for b in budgets.list_budgets(web.ws, "alpha")] == [objects["b"].replace("%20", " ")]
        budgets.remove_budget(web.ws, "alpha", objects["b"].replace("%20", " "))
        assert _state(web) == before
        return
    if under == "alpha" and method == "DELETE":
        assert r.status_code == 404, r.text  # demo's budget does not exist in alpha
        return
    assert r.status_code == 404, (url, r.status_code, r.text[:300])
    assert _state(web) == before


@pytest.fixture(scope="module")
def alice(web: Web):  # type: ignore[no-untyped-def]
    c = web.login("alice@alpha.test")
    c.csrf = csrf_of(c.get("/t/alpha/settings").text)  # type: ignore[attr-defined]
    return c


@pytest.fixture(scope="module")
def alice_token(web: Web) -> str:
    return web.token("alice@alpha.test")


def test_metrics_only_show_the_tokens_tenants(web: Web, alice_token: str) -> None:
    c = web.app()
    text = c.get("/metrics", headers={"authorization": f"Bearer {alice_token}"}).text
    assert 'tenant="alpha"' in text and 'tenant="demo"' not in text
    assert c.get("/metrics").status_code == 401
