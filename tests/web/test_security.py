"""Logins, sessions, CSRF, rate limit, secrets at rest and the security headers."""

from __future__ import annotations

import re

from sqlalchemy import select
from web_helpers import PASSWORD, Web, csrf_of

from balise.services import accounts
from balise.state.models import ApiToken, LoginAttempt, User, WebSession
from balise.web.security import CSP

PAGES = ["/t/demo/", "/t/demo/costs", "/t/demo/findings", "/t/demo/carbon", "/t/demo/sovereignty", "/t/demo/posture", "/t/demo/budgets", "/t/demo/ingestion", "/t/demo/settings",
         "/t/demo/audit", "/account", "/login"]


def test_strict_headers_and_no_inline_script_or_style(web: Web) -> None:
    c = web.login("admin@demo.test")
    for path in PAGES:
        r = c.get(path)
        assert r.status_code == 200, path
        h = r.headers
        assert h["content-security-policy"] == CSP
        assert "script-src 'self';" in CSP and "frame-ancestors 'none'" in CSP and "http" not in CSP
        assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in h  # plain HTTP: no HSTS
        # scripts only as files of this site (the upload progress), never inline
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.text, re.S)
        assert r.text.count("<script") == len(scripts), path
        assert all(re.fullmatch(r' src="/static/[a-z]+\.js" defer', a) and not body for a, body in scripts), path
        assert bool(scripts) == path.endswith("/ingestion"), path
        assert " style=" not in r.text and "<style" not in r.text, path
        assert not re.search(r"<[^>]+\son[a-z]+=", r.text), path  # no inline event handler either
        assert not re.search(r'(src|href)="(https?:)?//', r.text), path  # nothing from another origin
    tls = c.get("/t/demo/", headers={"x-forwarded-proto": "https"})
    assert tls.headers["strict-transport-security"].startswith("max-age=31536000")


def test_login_sets_a_hardened_cookie_and_stores_only_hashes(web: Web) -> None:
    c = web.app()
    page = c.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"email": "editor@demo.test", "password": PASSWORD, "login_csrf": token},
               follow_redirects=False, headers={"x-forwarded-proto": "https"})
    assert r.status_code == 303
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("balise_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    with web.ws.session() as s:
        ids = set(s.scalars(select(WebSession.id)))
        assert value not in ids and accounts.sha256(value) in ids
        h = s.scalar(select(User.password_hash).where(User.email == "editor@demo.test"))
        assert h is not None and h.startswith("$argon2id$") and PASSWORD not in h
    tok = web.token("editor@demo.test")
    with web.ws.session() as s:
        hashes = set(s.scalars(select(ApiToken.token_hash)))
    assert tok not in hashes and accounts.sha256(tok) in hashes


def test_login_form_without_its_csrf_cookie_is_refused(web: Web) -> None:
    c = web.app()
    r = c.post("/login", data={"email": "editor@demo.test", "password": PASSWORD, "login_csrf": "forged"})
    assert r.status_code == 403


def test_every_form_needs_the_session_csrf(web: Web) -> None:
    from balise.services import findings

    c = web.login("admin@demo.test")
    fid = findings.list_findings(web.ws, "demo", lifecycle="open")[0].id
    for url, data in [(f"/t/demo/findings/{fid}/ack", {"reason": "x"}), ("/t/demo/budgets", {"name": "x", "monthly": "1"}),
                      ("/account/tokens", {"name": "x"}), ("/logout", {})]:
        assert c.post(url, data=data).status_code == 403, url
        assert c.post(url, data={**data, "csrf": "wrong"}).status_code == 403, url
    assert findings.get_finding(web.ws, "demo", fid).lifecycle == "open"


def test_wrong_password_then_rate_limit(web: Web) -> None:
    c = web.app()
    for i in range(accounts.MAX_FAILURES_PER_EMAIL):
        page = c.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = c.post("/login", data={"email": "operator@demo.test", "password": f"wrong-{i}", "login_csrf": token})
        assert r.status_code == 401 and "wrong e-mail or password" in r.text
    page = c.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"email": "operator@demo.test", "password": PASSWORD, "login_csrf": token})
    assert r.status_code == 401 and "too many failed logins" in r.text  # even the right password, for 15 min
    with web.ws.session() as s:
        assert len(s.scalars(select(LoginAttempt).where(LoginAttempt.key == "email:operator@demo.test")).all()) == 5
        s.query(LoginAttempt).filter(LoginAttempt.key == "email:operator@demo.test").delete()
        s.commit()
    web.login("operator@demo.test")  # the window passed (attempts cleared): the right password works again


def test_unknown_email_gets_the_same_answer(web: Web) -> None:
    c = web.app()
    page = c.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"email": "nobody@demo.test", "password": "whatever-123", "login_csrf": token})
    assert r.status_code == 401 and "wrong e-mail or password" in r.text


def test_pages_need_a_session_and_redirects_stay_local(web: Web) -> None:
    c = web.app()
    r = c.get("/t/demo/findings?severity=high", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Ft%2Fdemo%2Ffindings%3Fseverity%3Dhigh"
    r = c.get("/lang/fr?next=//evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"
    assert c.get("/api/v1/me").status_code == 401
    assert c.get("/api/v1/me", headers={"authorization": "Bearer blz_nope"}).status_code == 401


def test_logout_ends_the_session(web: Web) -> None:
    c = web.login("viewer@demo.test")
    page = c.get("/t/demo/")
    assert c.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    assert c.get("/t/demo/", follow_redirects=False).status_code == 303
    entries = [e.action for e in accounts.audit_log(web.ws, None)]
    assert "session.logout" in entries and "session.login" in entries
