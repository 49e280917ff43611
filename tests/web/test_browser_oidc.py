"""OIDC login in a real browser: Debian's Chromium against a real `balise serve` subprocess configured by the
environment (BALISE_OIDC_*) to use the test provider (`oidc_provider.py`) over loopback HTTP. The person clicks
"Sign in with Keycloak", the provider sends them back with a code, and they land on their tenant's overview."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, Provider, running
from test_browser import CHROMIUM, _free_port, shot
from web_helpers import Web


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    with running() as p:
        yield p


@pytest.fixture(scope="module")
def oidc_server(web: Web, idp: Provider) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing on CI: .ci/run installs it with apt")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    env.update(BALISE_DATABASE_URL=web.url, BALISE_OIDC_ISSUER=idp.issuer, BALISE_OIDC_CLIENT_ID=CLIENT_ID,
               BALISE_OIDC_CLIENT_SECRET=CLIENT_SECRET, BALISE_OIDC_REDIRECT_URL=url + "/login/oidc/callback",
               BALISE_OIDC_NAME="Keycloak", BALISE_OIDC_EMAIL_DOMAINS="demo.test", BALISE_OIDC_LINK_BY_EMAIL="1")
    proc = subprocess.Popen([sys.executable, "-m", "balise", "--workspace", str(web.home), "serve", "--port",
                             str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
            if proc.poll() is not None:
                pytest.fail(f"balise serve exited: {proc.stdout.read() if proc.stdout else ''}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_sign_in_with_the_identity_provider(web: Web, oidc_server: str, idp: Provider) -> None:
    from playwright.sync_api import sync_playwright

    from balise.services.accounts import audit_log

    idp.person = Person("kc-browser-editor", "editor@demo.test", name="Editor")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(oidc_server + "/t/demo/findings")
            assert "/login" in page.url
            button = page.locator("form.oidc button")
            assert button.inner_text() == "Sign in with Keycloak"
            shot(page, web, "oidc-login")
            button.click()
            page.wait_for_url("**/t/demo/findings")  # provider → callback → the page asked for first
            assert page.locator("h1").inner_text().startswith("Findings")
            cookies = {c["name"]: c for c in context.cookies()}
            assert cookies["balise_session"]["httpOnly"] and "balise_oidc" not in cookies
            shot(page, web, "oidc-signed-in")
        finally:
            context.close()
            browser.close()
    entries = [e for e in audit_log(web.ws, None, limit=50) if e.action == "session.login"]
    assert entries and entries[0].actor == "editor@demo.test" and (entries[0].after or {}).get("via") == "oidc"
