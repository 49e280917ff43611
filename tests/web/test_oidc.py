"""OpenID Connect login against a real provider: `oidc_provider.py` serves discovery, authorize, token and JWKS
over loopback HTTP with an RSA key made at start; the real app discovers it, exchanges the code (client secret,
PKCE verifier) and verifies the ID token. Checked: the happy path (session cookie, pages, audit), matching by
subject, linking by verified e-mail, a new user with no tenant, and every refusal (state, nonce, expiry, wrong
key, HS256 confusion, audience, unverified e-mail, foreign domain) leaving no session and nothing created;
the login CSRF token and the rate limit still apply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, Provider, running
from sqlalchemy import func, select
from web_helpers import Web

from balise.services import accounts
from balise.state.models import AuditEntry, Membership, User, WebSession
from balise.web.app import create_app
from balise.web.config import OidcSettings, WebSettings
from balise.web.security import CSP


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    with running() as p:
        yield p


@pytest.fixture(scope="module")
def app(web: Web, idp: Provider) -> Iterator[FastAPI]:
    oidc = OidcSettings(issuer=idp.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        redirect_url="http://testserver/login/oidc/callback", name="Keycloak",
                        email_domains=("demo.test",), link_by_email=True)
    a = create_app(WebSettings(workspace=web.home, database_url=web.url, oidc=oidc))
    try:
        yield a
    finally:
        a.state.ws.close()


@pytest.fixture(autouse=True)
def _ok(idp: Provider) -> Iterator[None]:
    idp.mode = "ok"
    yield
    idp.mode = "ok"


def client(app: FastAPI, lang: str = "en") -> TestClient:
    c = TestClient(app, base_url="http://testserver")
    c.headers["accept-language"] = lang
    return c


def login_token(c: TestClient, next_url: str = "/") -> str:
    r = c.get("/login", params={"next": next_url})
    assert r.status_code == 200
    return re.search(r'name="login_csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]


def to_provider(c: TestClient, idp: Provider, next_url: str = "/") -> str:
    """Press "Sign in with Keycloak"; returns the provider's authorization URL the browser is sent to."""
    token = login_token(c, next_url)
    r = c.post("/login/oidc", data={"login_csrf": token, "next": next_url}, follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith(idp.issuer + "/authorize?")
    return location


def back_from_provider(location: str) -> str:
    """What the browser does at the provider: it redirects back to Balise with a code and the state."""
    r = httpx.get(location, follow_redirects=False)
    assert r.status_code == 302, r.text
    back = urlsplit(r.headers["location"])
    assert (back.scheme, back.netloc, back.path) == ("http", "testserver", "/login/oidc/callback")
    return back.path + "?" + back.query


def sign_in(c: TestClient, idp: Provider, next_url: str = "/") -> httpx.Response:
    return c.get(back_from_provider(to_provider(c, idp, next_url)), follow_redirects=False)


def counts(web: Web) -> dict[str, int]:
    with web.ws.session() as s:
        return {name: int(s.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in (("users", User), ("sessions", WebSession), ("memberships", Membership))}


def audit_after(web: Web, since_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    with web.ws.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.id > since_id).order_by(AuditEntry.id)).all()
        return [(r.action, r.actor, r.after) for r in rows]


def last_audit_id(web: Web) -> int:
    with web.ws.session() as s:
        return int(s.scalar(select(func.max(AuditEntry.id))) or 0)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from balise.errors import UsageError
    from balise.web.oidc import Provider as Client

    for k in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URL", "NAME", "EMAIL_DOMAINS", "LINK_BY_EMAIL"):
        monkeypatch.delenv(f"BALISE_OIDC_{k}", raising=False)
    assert WebSettings.from_env().oidc is None  # off by default
    monkeypatch.setenv("BALISE_OIDC_ISSUER", "https://sso.example.fr/realms/acme/")
    monkeypatch.setenv("BALISE_OIDC_CLIENT_ID", "balise")
    monkeypatch.setenv("BALISE_OIDC_EMAIL_DOMAINS", "Example.fr, @acme.fr")
    o = WebSettings.from_env().oidc
    assert o is not None and o.issuer == "https://sso.example.fr/realms/acme" and o.client_id == "balise"
    assert o.email_domains == ("example.fr", "acme.fr") and o.link_by_email is False and o.name == "SSO"
    with pytest.raises(UsageError, match="BALISE_OIDC_CLIENT_SECRET, BALISE_OIDC_REDIRECT_URL is not set"):
        Client(o)
    monkeypatch.setenv("BALISE_OIDC_CLIENT_SECRET", "x")
    monkeypatch.setenv("BALISE_OIDC_REDIRECT_URL", "balise.example.fr/login/oidc/callback")
    monkeypatch.setenv("BALISE_OIDC_LINK_BY_EMAIL", "1")
    o = WebSettings.from_env().oidc
    assert o is not None and o.link_by_email is True
    with pytest.raises(UsageError, match=r"BALISE_OIDC_REDIRECT_URL=.* is not an http"):
        Client(o)


def test_the_button_shows_only_when_configured(web: Web, app: FastAPI, idp: Provider) -> None:
    plain = web.app()  # the module's app without OIDC
    r = plain.get("/login")
    assert "Sign in with" not in r.text and "/login/oidc" not in r.text
    assert plain.post("/login/oidc", data={"login_csrf": "x"}, follow_redirects=False).status_code == 404
    assert plain.get("/login/oidc/callback?code=a&state=b").status_code == 404
    en = client(app).get("/login").text
    assert "Sign in with Keycloak" in en and 'action="/login/oidc"' in en
    fr = client(app, "fr").get("/login").text
    assert "Se connecter avec Keycloak" in fr and "Sign in with" not in fr
    # the form's redirect goes to the provider: its origin (only) joins form-action
    origin = "http://" + urlsplit(idp.issuer).netloc
    assert client(app).get("/login").headers["content-security-policy"] == CSP.replace(
        "form-action 'self';", f"form-action 'self' {origin};")
    assert plain.get("/login").headers["content-security-policy"] == CSP


def test_the_authorization_request_carries_pkce_state_and_nonce(app: FastAPI, idp: Provider) -> None:
    c = client(app)
    q = {k: v[0] for k, v in parse_qs(urlsplit(to_provider(c, idp)).query).items()}
    assert q["response_type"] == "code" and q["client_id"] == CLIENT_ID and q["code_challenge_method"] == "S256"
    assert q["redirect_uri"] == "http://testserver/login/oidc/callback" and "openid" in q["scope"].split()
    assert len(q["state"]) >= 40 and len(q["nonce"]) >= 40 and len(q["code_challenge"]) == 43  # sha256, base64url
    cookie = c.cookies.get("balise_oidc")
    assert cookie and q["state"] not in c.cookies.get("balise_login", "")
    q2 = {k: v[0] for k, v in parse_qs(urlsplit(to_provider(client(app), idp)).query).items()}
    assert q2["state"] != q["state"] and q2["nonce"] != q["nonce"] and q2["code_challenge"] != q["code_challenge"]


def test_happy_path_links_by_verified_email_then_matches_by_subject(web: Web, app: FastAPI, idp: Provider) -> None:
    before, mark = counts(web), last_audit_id(web)
    idp.person = Person("kc-viewer", "viewer@demo.test", name="Viewer at Keycloak")
    c = client(app)
    r = sign_in(c, idp, "/t/demo/costs")
    assert r.status_code == 303 and r.headers["location"] == "/t/demo/costs", r.text
    set_cookie = r.headers["set-cookie"]
    assert "balise_session=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    assert c.get("/t/demo/costs").status_code == 200
    page = c.get("/t/demo/")
    assert page.status_code == 200 and "Overview" in page.text
    assert c.get("/t/alpha/").status_code == 404  # roles come from Balise's memberships: viewer of demo only
    user = accounts.session_user(web.ws, c.cookies["balise_session"])
    assert user is not None and user[0].email == "viewer@demo.test"
    with web.ws.session() as s:
        assert s.scalar(select(User.oidc_subject).where(User.email == "viewer@demo.test")) == idp.issuer + "#kc-viewer"
    after = counts(web)
    assert after["users"] == before["users"] and after["sessions"] == before["sessions"] + 1
    entries = audit_after(web, mark)
    assert [(a, who) for a, who, _ in entries] == [("user.link_oidc", "viewer@demo.test"),
                                                   ("session.login", "viewer@demo.test")]
    assert entries[0][2] == {"oidc_subject": idp.issuer + "#kc-viewer"}
    assert entries[1][2] == {"client": "testclient", "via": "oidc", "subject": idp.issuer + "#kc-viewer"}
    # the next time, the subject decides, whatever e-mail the provider now gives
    idp.person = Person("kc-viewer", "renamed@demo.test", email_verified=False)
    c2 = client(app)
    assert sign_in(c2, idp).status_code == 303
    user2 = accounts.session_user(web.ws, c2.cookies["balise_session"])
    assert user2 is not None and user2[0].email == "viewer@demo.test"
    assert counts(web)["users"] == before["users"]


def test_a_new_user_is_created_with_no_tenant(web: Web, app: FastAPI, idp: Provider) -> None:
    before, mark = counts(web), last_audit_id(web)
    idp.person = Person("kc-new", "Newcomer@Demo.test", name="New Comer")
    c = client(app)
    assert sign_in(c, idp).status_code == 303
    assert c.get("/", follow_redirects=False).headers["location"] == "/account"  # no role anywhere
    assert c.get("/t/demo/").status_code == 404
    assert c.get("/account").status_code == 200
    after = counts(web)
    assert after["users"] == before["users"] + 1 and after["memberships"] == before["memberships"]
    with web.ws.session() as s:
        u = s.scalar(select(User).where(User.email == "newcomer@demo.test"))
        assert u is not None and u.password_hash is None and u.name == "New Comer"
        assert u.oidc_subject == idp.issuer + "#kc-new"
    assert [a for a, _, _ in audit_after(web, mark)] == ["user.create", "user.create_oidc", "session.login"]


@pytest.mark.parametrize(("mode", "message"), [
    ("nonce", "does not belong to this sign-in"),
    ("expired", "has expired"),
    ("foreign-key", "not signed by its key"),
    ("hs256", "not signed by its key"),
    ("audience", "not meant for Balise"),
])
def test_a_bad_id_token_is_refused_and_changes_nothing(web: Web, app: FastAPI, idp: Provider, mode: str,
                                                       message: str) -> None:
    idp.person = Person(f"kc-{mode}", f"{mode}@demo.test")
    idp.mode = mode
    before, mark, asked = counts(web), last_audit_id(web), idp.token_requests
    c = client(app)
    r = sign_in(c, idp)
    assert r.status_code == 401 and message in r.text and 'role="alert"' in r.text, r.text
    assert "Traceback" not in r.text and "balise_session" not in c.cookies
    assert idp.token_requests == asked + 1  # the code was exchanged, then the ID token refused
    assert counts(web) == before and audit_after(web, mark) == []


def test_a_wrong_or_missing_state_is_refused_before_any_exchange(web: Web, app: FastAPI, idp: Provider) -> None:
    idp.person = Person("kc-state", "state@demo.test")
    before, asked = counts(web), idp.token_requests
    c = client(app)
    back = back_from_provider(to_provider(c, idp))
    forged = re.sub(r"state=[^&]+", "state=forged", back)
    r = c.get(forged, follow_redirects=False)
    assert r.status_code == 401 and "out of date or was not started here" in r.text
    # another browser (no cookie of this login) replaying the real callback
    r = client(app).get(back, follow_redirects=False)
    assert r.status_code == 401 and "balise_session" not in r.headers.get("set-cookie", "")
    # the provider's own error
    r = c.get("/login/oidc/callback?error=access_denied&state=x", follow_redirects=False)
    assert r.status_code == 401 and "could not be reached or refused" in r.text
    assert idp.token_requests == asked and counts(web) == before


def test_unverified_email_and_foreign_domain_are_refused(web: Web, app: FastAPI, idp: Provider) -> None:
    before, mark = counts(web), last_audit_id(web)
    idp.person = Person("kc-unverified", "editor@demo.test", email_verified=False)
    r = sign_in(client(app), idp)
    assert r.status_code == 401 and "No Balise account is linked" in r.text
    idp.person = Person("kc-foreign", "someone@elsewhere.test")
    r = sign_in(client(app, "fr"), idp)
    assert r.status_code == 401 and "Ce domaine de messagerie" in r.text
    assert counts(web) == before and audit_after(web, mark) == []
    with web.ws.session() as s:
        assert s.scalar(select(User.oidc_subject).where(User.email == "editor@demo.test")) is None


def test_a_code_the_provider_refuses_and_a_disabled_user(web: Web, app: FastAPI, idp: Provider) -> None:
    idp.person = Person("kc-operator", "operator@demo.test")
    before, asked = counts(web), idp.token_requests
    c = client(app)
    back = back_from_provider(to_provider(c, idp))
    r = c.get(re.sub(r"code=[^&]+", "code=not-issued", back), follow_redirects=False)  # state right, code wrong
    assert r.status_code == 401 and "did not give a valid token" in r.text
    assert idp.token_requests == asked + 1 and counts(web) == before
    # a linked user an admin has disabled: the provider's word is not enough
    assert sign_in(client(app), idp).status_code == 303
    accounts.set_disabled(web.ws, "operator@demo.test", True)
    try:
        sessions = counts(web)["sessions"]
        r = sign_in(client(app), idp)
        assert r.status_code == 401 and "This account is disabled" in r.text
        assert counts(web)["sessions"] == sessions
    finally:
        accounts.set_disabled(web.ws, "operator@demo.test", False)


def test_the_login_csrf_token_is_required(app: FastAPI) -> None:
    c = client(app)
    login_token(c)
    r = c.post("/login/oidc", data={"login_csrf": "forged", "next": "/"}, follow_redirects=False)
    assert r.status_code == 403 and "balise_oidc" not in r.headers.get("set-cookie", "")
    r = client(app).post("/login/oidc", data={"login_csrf": "x"}, follow_redirects=False)  # no cookie at all
    assert r.status_code == 403


def test_the_rate_limit_applies(web: Web, app: FastAPI, idp: Provider) -> None:
    """Last of the module: it locks the test client's address for 15 minutes."""
    c = client(app)
    while not accounts.login_locked(web.ws, "testclient"):
        assert c.get("/login/oidc/callback?code=x&state=y", follow_redirects=False).status_code == 401
    idp.person = Person("kc-viewer", "viewer@demo.test")  # linked above: would log in
    token = login_token(c)
    r = c.post("/login/oidc", data={"login_csrf": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 401 and "Too many failed logins" in r.text
    assert "balise_session" not in c.cookies
