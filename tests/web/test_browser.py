"""The cockpit in a real browser: Debian's Chromium (/usr/bin/chromium, never a downloaded one) driven by
Playwright against a real `balise serve` started in a subprocess. Logs in, switches to French, opens every
page (a 1280x800 screenshot of each in tests/web/artifacts/), uploads a billing file and sees it ingested,
acknowledges a finding, creates a budget, and sees a malformed upload refused with a clear message."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_helpers import PASSWORD, Web

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).with_name("artifacts")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web: Web) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing on CI: .ci/run installs it with apt")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    env["BALISE_DATABASE_URL"] = web.url
    proc = subprocess.Popen([sys.executable, "-m", "balise", "--workspace", str(web.home), "serve", "--port",
                             str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
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


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


def shot(page: object, web: Web, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{web.kind}-{name}.png"), full_page=False)  # type: ignore[attr-defined]


def test_a_person_uses_the_cockpit(web: Web, server: str, browser_page: object, tmp_path: Path,
                                   shared_data: Path) -> None:
    from balise.services import budgets, findings
    from balise.services.sources import list_sources

    page = browser_page
    page.goto(server + "/t/demo/")  # type: ignore[attr-defined]
    assert "/login" in page.url  # type: ignore[attr-defined]
    shot(page, web, "login")
    page.fill("input[name=email]", "editor@demo.test")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url("**/t/demo/")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text().startswith("Overview")  # type: ignore[attr-defined]
    page.click("a[hreflang=fr]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text().startswith("Vue d'ensemble")  # type: ignore[attr-defined]
    assert page.locator("svg.chart").count() == 1  # type: ignore[attr-defined]
    shot(page, web, "overview")
    for key, heading in [("costs", "Explorateur de coûts"), ("findings", "Constats"), ("carbon", "Empreinte carbone"),
                         ("sovereignty", "Souveraineté"), ("posture", "Posture"), ("budgets", "Budgets"),
                         ("ingestion", "Import"), ("settings", "Paramètres")]:
        page.click(f"nav.main a[href$='/{key}']")  # type: ignore[attr-defined]
        page.wait_for_load_state()  # type: ignore[attr-defined]
        assert page.locator("h1").inner_text().startswith(heading), key  # type: ignore[attr-defined]
        shot(page, web, key)
    # drill down from the costs explorer
    page.goto(server + "/t/demo/costs?by=provider")  # type: ignore[attr-defined]
    page.click("table.data a >> nth=0")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text().startswith("Ressources")  # type: ignore[attr-defined]
    shot(page, web, "resources")

    # upload a billing file and see it ingested
    before = len(list_sources(web.ws, "demo"))
    page.goto(server + "/t/demo/ingestion")  # type: ignore[attr-defined]
    assert page.locator("progress.upload").is_hidden()  # type: ignore[attr-defined]
    sample = shared_data / "focus" / "focus-1.0" / "focus_sample.csv"
    page.set_input_files("input[name=file]", str(sample))  # type: ignore[attr-defined]
    url_before = page.url  # type: ignore[attr-defined]
    page.click("form.form button[type=submit]")  # type: ignore[attr-defined]
    # upload.js sends it with XMLHttpRequest: no navigation, a progress bar, then the server's page in <main>
    assert "Importé" in page.locator("div.ok").inner_text()  # type: ignore[attr-defined]
    assert page.url == url_before  # type: ignore[attr-defined]
    bar = page.locator("progress.upload")  # type: ignore[attr-defined]
    assert bar.is_visible()
    value, top, loaded = bar.evaluate("b => [b.value, b.max, Number(b.dataset.loaded)]")
    assert value == top == loaded and loaded > sample.stat().st_size  # the multipart body: the file and fields
    out = page.locator("output.upload").inner_text()  # type: ignore[attr-defined]
    assert out.startswith("100\u00a0%") and out.endswith("octets"), out
    shot(page, web, "upload-progress")
    srcs = list_sources(web.ws, "demo")
    assert len(srcs) == before + 1 and srcs[-1].file_name.endswith("focus_sample.csv")
    assert srcs[-1].sha256[:12] in page.content()  # type: ignore[attr-defined]
    shot(page, web, "ingested")
    bad = tmp_path / "broken.csv"
    bad.write_text("this,is,not\na,billing,file\n")
    page.set_input_files("input[name=file]", str(bad))  # type: ignore[attr-defined]
    page.click("form.form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    msg = page.locator("p.error").inner_text()  # type: ignore[attr-defined]
    assert "rien n'a changé" in msg and "broken.csv" in msg and "Traceback" not in page.content()  # type: ignore[attr-defined]
    assert len(list_sources(web.ws, "demo")) == before + 1
    shot(page, web, "upload-refused")

    # acknowledge a finding
    target = findings.list_findings(web.ws, "demo", lifecycle="open")[0]
    page.goto(server + f"/t/demo/findings/{target.id}")  # type: ignore[attr-defined]
    ack = page.locator(f"form[action$='/findings/{target.id}/ack']")  # type: ignore[attr-defined]
    ack.locator("input[name=reason]").fill("vu en revue FinOps")
    ack.locator("button").click()
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Décision enregistrée" in page.content()  # type: ignore[attr-defined]
    assert findings.get_finding(web.ws, "demo", target.id).lifecycle == "acknowledged"
    shot(page, web, "finding-acknowledged")

    # create a budget
    page.goto(server + "/t/demo/budgets")  # type: ignore[attr-defined]
    form = page.locator("form.form")  # type: ignore[attr-defined]
    form.locator("input[name=name]").fill("navigateur")
    form.locator("input[name=monthly]").fill("2500")
    form.locator("input[name=tag]").fill("team=web")
    form.locator("button").click()
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Budget enregistré" in page.content()  # type: ignore[attr-defined]
    b = next(b for b in budgets.list_budgets(web.ws, "demo") if b.name == "navigateur")
    assert (b.monthly, b.scope) == (2500.0, "team=web")
    shot(page, web, "budget-created")


def test_upload_without_javascript_is_the_plain_form(web: Web, server: str, browser_page: object,
                                                    shared_data: Path) -> None:
    """JavaScript off: no progress bar, the form posts and the browser shows the server's page."""
    from balise.services.sources import list_sources

    before = len(list_sources(web.ws, "demo"))
    browser = browser_page.context.browser  # type: ignore[attr-defined]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/login?next=/t/demo/ingestion")
        page.fill("input[name=email]", "editor@demo.test")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/t/demo/ingestion")
        page.set_input_files("input[name=file]", str(shared_data / "focus" / "focus-1.0" / "focus_sample.csv"))
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        ok = page.locator("div.ok").inner_text()  # in the user's saved language
        assert ("Ingested" in ok or "Importé" in ok) and "focus_sample.csv" in ok, ok
        assert page.locator("progress.upload").is_hidden()
    finally:
        context.close()
    assert len(list_sources(web.ws, "demo")) == before + 1
