"""Every page, as a logged-in user sees it, in English and French, with the demo company's real figures."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from web_helpers import Web, csrf_of

from balise.i18n import money
from balise.reference.fx import ecb
from balise.services import costs as costs_service
from balise.services import findings as findings_service


@pytest.fixture(scope="module")
def admin(web: Web):  # type: ignore[no-untyped-def]
    return web.login("admin@demo.test")


def _latest_month_spend(web: Web) -> tuple[str, float]:
    lines = costs_service.costs(web.ws, "demo", "month", metric="effective", currency="EUR", rates=ecb())
    return str(lines[-1].key), lines[-1].cost


def test_overview_shows_kpis_trend_and_top_findings(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/t/demo/", headers={"accept-language": "en"})
    assert r.status_code == 200
    month, spend = _latest_month_spend(web)
    if web.kind == "sqlite":
        assert (month, round(spend, 2)) == ("2026-10", 30212.77)  # the demo's October, as `balise demo` prints
    html = r.text
    assert "Indicators" in html and "Threshold" in html and "Owner" in html
    assert "<svg" in html and 'class="budget"' in html  # the trend's budget line (budget "cloud": 29 000 €)
    assert money(spend, "EUR", "en") in html  # the figures table under the chart
    top = sorted(findings_service.list_findings(web.ws, "demo", lifecycle=["open", "acknowledged"]),
                 key=lambda v: -(v.monthly_saving_eur or 0))[0]
    assert top.title.render("en").split(":")[0] in html
    assert money(top.monthly_saving_eur or 0, "EUR", "en") in html


def test_overview_in_french_formats_money_the_french_way(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/t/demo/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    _, spend = _latest_month_spend(web)
    assert r.status_code == 200 and '<html lang="fr">' in r.text
    assert "Indicateurs" in r.text and "Principaux constats" in r.text
    assert money(spend, "EUR", "fr") in r.text  # 30 212,77 € with narrow no-break spaces
    if web.kind == "sqlite":
        assert "30\u202f212,77\u00a0€" in r.text


def test_costs_explorer_groups_and_totals(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    lines = costs_service.costs(web.ws, "demo", "provider", currency="EUR", rates=ecb(), start="2026-10",
                                end="2026-10") if web.kind == "sqlite" else None
    r = admin.get("/t/demo/costs?by=provider&from=2026-10&to=2026-10&metric=billed")
    assert r.status_code == 200
    for p in ("aws", "azure", "ovhcloud", "scaleway"):
        assert f">{p}</a>" in r.text
    if lines:
        assert money(sum(x.cost for x in lines), "EUR", "en") in r.text
    r = admin.get("/t/demo/costs?by=tag:team")
    assert r.status_code == 200 and ">web</a>" in r.text
    r = admin.get("/t/demo/costs?by=nonsense")
    assert r.status_code == 400 and "tag:KEY" in r.text  # the service's message, not a stack trace


def test_drill_down_to_resources_and_exports(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/t/demo/costs/resources?by=provider&key=aws&from=2026-10&to=2026-10")
    assert r.status_code == 200 and "Resources" in r.text
    rows = list(csv.reader(io.StringIO(admin.get(
        "/t/demo/costs/export.csv?by=provider&from=2026-10&to=2026-10").content.decode("utf-8-sig"))))
    assert rows[0] == ["provider", "Cost (EUR)", "Rows"] and {r[0] for r in rows[1:]} == {"aws", "azure", "ovhcloud",
                                                                                         "scaleway"}
    lines = costs_service.costs(web.ws, "demo", "provider", currency="EUR", rates=ecb(), start="2026-10",
                                end="2026-10")
    assert {r[0]: float(r[1]) for r in rows[1:]} == {x.key: round(x.cost, 2) for x in lines}
    res = list(csv.reader(io.StringIO(admin.get("/t/demo/costs/export.csv?by=provider&key=aws&from=2026-10&to=2026-10"
                                                "&resources=true").content.decode("utf-8-sig"))))
    aws = next(x.cost for x in lines if x.key == "aws")
    assert sum(float(r[4]) for r in res[1:]) == pytest.approx(aws, abs=0.05 * len(res))
    x = admin.get("/t/demo/costs/export.xlsx?by=provider&from=2026-10&to=2026-10")
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(x.content)) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "ovhcloud" in strings and "Cost (EUR)" in strings


def test_findings_filters_and_decisions(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/t/demo/findings?severity=medium")
    assert r.status_code == 200
    views = findings_service.list_findings(web.ws, "demo", severity="medium",
                                           lifecycle=list(findings_service.ATTENTION))
    assert f"{len(views)} findings" in r.text
    assert money(findings_service.savings(views).total_eur, "EUR", "en") in r.text
    target = views[-1]
    page = admin.get(f"/t/demo/findings/{target.id}")
    assert page.status_code == 200 and target.code in page.text
    r = admin.post(f"/t/demo/findings/{target.id}/ack", data={"csrf": csrf_of(page.text), "reason": "on it"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert findings_service.get_finding(web.ws, "demo", target.id).lifecycle == "acknowledged"
    r = admin.post(f"/t/demo/findings/{target.id}/suppress",
                   data={"csrf": csrf_of(page.text), "reason": "planned", "until": "2099-01-01"})
    assert r.status_code == 200 and "suppressed" in r.text
    assert str(findings_service.get_finding(web.ws, "demo", target.id).suppressed_until) == "2099-01-01"
    r = admin.post(f"/t/demo/findings/{target.id}/resolve", data={"csrf": csrf_of(page.text), "reason": " "})
    assert r.status_code == 400 and "reason" in r.text.lower()  # the service refuses an empty reason
    r = admin.post(f"/t/demo/findings/{target.id}/resolve", data={"csrf": csrf_of(page.text), "reason": "fixed"})
    assert r.status_code == 200
    from balise.services import accounts
    actions = [e.action for e in accounts.audit_log(web.ws, "demo")]
    assert {"finding.ack", "finding.suppress", "finding.resolve"} <= set(actions)
    entry = next(e for e in accounts.audit_log(web.ws, "demo") if e.action == "finding.suppress")
    assert entry.actor == "admin@demo.test" and entry.before == {"lifecycle": "acknowledged"}
    assert entry.after == {"lifecycle": "suppressed", "reason": "planned", "until": "2099-01-01"}


def test_budgets_page_creates_edits_and_draws_burn_down(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/t/demo/budgets")
    assert r.status_code == 200 and "cloud" in r.text and "team=web" in r.text
    assert r.text.count('class="actual"') >= 2  # a burn-down per budget
    r = admin.post("/t/demo/budgets", data={"csrf": csrf_of(r.text), "name": "data team", "monthly": "1500",
                                            "tag": "team=data", "actual": "50%, 90%", "owner": "Camille"})
    assert r.status_code == 200 and "data team" in r.text
    from balise.services import budgets
    b = next(b for b in budgets.list_budgets(web.ws, "demo") if b.name == "data team")
    assert (b.monthly, b.tag_key, b.tag_value, b.thresholds_actual, b.owner) == (1500.0, "team", "data", (0.5, 0.9),
                                                                                 "Camille")
    edit = admin.get("/t/demo/budgets?edit=data%20team")
    assert 'value="1500.0"' in edit.text
    r = admin.post("/t/demo/budgets", data={"csrf": csrf_of(edit.text), "name": "data team", "monthly": "1800",
                                            "tag": "team=data"})
    assert next(b for b in budgets.list_budgets(web.ws, "demo") if b.name == "data team").monthly == 1800.0
    r = admin.post("/t/demo/budgets/data%20team/delete", data={"csrf": csrf_of(edit.text)})
    assert r.status_code == 200 and all(b.name != "data team" for b in budgets.list_budgets(web.ws, "demo"))
    r = admin.post("/t/demo/budgets", data={"csrf": csrf_of(edit.text), "name": "bad", "monthly": "-5"})
    assert r.status_code == 422


def test_ingestion_history_and_rejects(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    from balise.services.sources import list_sources

    r = admin.get("/t/demo/ingestion")
    assert r.status_code == 200
    src = list_sources(web.ws, "demo")
    assert src and src[0].sha256[:12] in r.text and f"{src[0].rows:,}" in r.text


def test_settings_members_channels_kpis(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/t/demo/settings")
    assert r.status_code == 200 and "ops-hook" in r.text and "viewer@demo.test" in r.text
    token = csrf_of(r.text)
    r = admin.post("/t/demo/settings/kpis/tag_coverage", data={"csrf": token, "threshold": "<80", "owner": "FinOps"})
    assert r.status_code == 200
    from balise.services import kpis
    k = next(k for k in kpis.effective(web.ws, "demo") if k.id == "tag_coverage")
    assert (str(k.threshold), k.owner) == ("< 80", "FinOps")
    r = admin.post("/t/demo/settings/members", data={"csrf": token, "email": "new@demo.test", "role": "viewer",
                                                     "name": "New", "password": "another-long-password"})
    assert r.status_code == 200 and "new@demo.test" in r.text
    r = admin.post("/t/demo/settings/members/revoke", data={"csrf": token, "email": "new@demo.test"})
    assert r.status_code == 200 and "new@demo.test" not in r.text.split("Notification channels")[0]
    assert admin.get("/t/demo/audit").status_code == 200


def test_send_test_reaches_a_real_webhook(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    import http.server
    import json
    import threading

    got: list[dict[str, object]] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = admin.get("/t/demo/settings")
        url = f"http://127.0.0.1:{server.server_address[1]}/balise"
        r = admin.post("/t/demo/settings/channels", data={"csrf": csrf_of(page.text), "name": "local-hook",
                                                          "kind": "webhook", "lang": "fr", "url": url})
        assert r.status_code == 200 and "local-hook" in r.text
        r = admin.post("/t/demo/settings/channels/local-hook/test", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 200 and "Test message: sent" in r.text
        assert len(got) == 1
        r = admin.post("/t/demo/settings/channels/local-hook/delete", data={"csrf": csrf_of(page.text)})
        assert "<tr><td>local-hook</td><td>webhook</td>" not in r.text and r.status_code == 200
    finally:
        server.shutdown()
        server.server_close()


def test_account_tokens_are_shown_once_and_revocable(web: Web) -> None:
    c = web.login("viewer@demo.test")
    page = c.get("/account")
    r = c.post("/account/tokens", data={"csrf": csrf_of(page.text), "name": "grafana"})
    token = re.search(r'<code class="token">(blz_[^<]+)</code>', r.text).group(1)  # type: ignore[union-attr]
    assert c.get("/api/v1/me", headers={"authorization": f"Bearer {token}"}).json()["email"] == "viewer@demo.test"
    again = c.get("/account")
    assert token not in again.text and token[:12] in again.text
    from balise.services import accounts
    tid = next(t.id for t in accounts.list_tokens(web.ws, "viewer@demo.test") if t.name == "grafana")
    c.post(f"/account/tokens/{tid}/revoke", data={"csrf": csrf_of(again.text)})
    assert c.get("/api/v1/me", headers={"authorization": f"Bearer {token}"}).status_code == 401


def test_viewer_reads_but_cannot_decide(web: Web) -> None:
    c = web.login("viewer@demo.test")
    fid = findings_service.list_findings(web.ws, "demo", lifecycle="open")[0].id
    page = c.get(f"/t/demo/findings/{fid}")
    assert page.status_code == 200 and "Acknowledge" not in page.text
    r = c.post(f"/t/demo/findings/{fid}/ack", data={"csrf": csrf_of(page.text), "reason": "x"})
    assert r.status_code == 403
    assert findings_service.get_finding(web.ws, "demo", fid).lifecycle == "open"
    assert c.get("/t/demo/audit").status_code == 403


def test_home_redirects_to_the_first_tenant(web: Web) -> None:
    c = web.login("alice@alpha.test")
    r = c.get("/", follow_redirects=False)
    assert r.headers["location"] == "/t/alpha/"
    r = c.get("/t/alpha/")
    assert r.status_code == 200 and "No billing data yet" in r.text
    assert c.get("/healthz").json() == {"status": "ok"}


def test_carbon_sovereignty_and_posture_pages(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    from balise.services import carbon, posture, sovereignty

    lines = carbon.estimate(web.ws, "demo", "month", rates=ecb()).lines
    r = admin.get("/t/demo/carbon", headers={"accept-language": "fr"})
    assert r.status_code == 200 and "Empreinte carbone" in r.text
    from balise.i18n import number
    assert number(sum(x.kgco2e for x in lines), "fr", 1) + " kgCO2e" in r.text
    assert admin.get("/t/demo/carbon?by=region").status_code == 200
    assert admin.get("/t/demo/carbon?by=nonsense").status_code == 404
    v = sovereignty.sovereignty(web.ws, "demo", rates=ecb())
    r = admin.get("/t/demo/sovereignty")
    assert r.status_code == 200 and f"<strong>{v.score}/100</strong>" in r.text
    for g in v.gaps[:3]:
        assert g.code in r.text
    # data categories in the reader's language: rdv-sante holds health data
    assert "<td>health</td>" in r.text
    fr = admin.get("/t/demo/sovereignty", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "<td>santé</td>" in fr.text and "<td>health</td>" not in fr.text
    r = admin.get("/t/demo/posture")
    assert r.status_code == 200
    controls = posture.controls(web.ws, "demo")
    assert all(c.code in r.text for c in controls)
    before = len(posture.list_evidence(web.ws, "demo", "POS-001"))
    r = admin.post("/t/demo/posture/evidence", data={"csrf": csrf_of(r.text), "control": "POS-001",
                                                     "day": "2026-10-15", "note": "revue MFA"},
                   files={"file": ("mfa-review.pdf", b"%PDF-1.4 proof")})
    assert r.status_code == 200 and "Evidence recorded." in r.text
    items = posture.list_evidence(web.ws, "demo", "POS-001")
    assert len(items) == before + 1
    import hashlib
    assert any(e.sha256 == hashlib.sha256(b"%PDF-1.4 proof").hexdigest() for e in items)


def test_metrics_in_prometheus_format(web: Web) -> None:
    from balise.services import carbon, sovereignty

    c = web.app()
    token = web.token("viewer@demo.test")
    text = c.get("/metrics", headers={"authorization": f"Bearer {token}"}).text
    month, spend = _latest_month_spend(web)
    assert f'balise_spend_eur{{tenant="demo",month="{month}"}} {spend:.6g}' in text
    assert 'balise_budget_ratio{tenant="demo",budget="cloud"}' in text
    open_high = len(findings_service.list_findings(web.ws, "demo", lifecycle=["open", "acknowledged"],
                                                   severity="high")) - len(findings_service.list_findings(
        web.ws, "demo", lifecycle=["open", "acknowledged"], severity="critical"))
    assert f'balise_findings_open{{tenant="demo",severity="high"}} {open_high}' in text
    kg = sum(x.kgco2e for x in carbon.estimate(web.ws, "demo", "month", start=month, end=month, rates=ecb()).lines)
    assert f'balise_kgco2e{{tenant="demo",month="{month}"}} {kg:.6g}' in text
    score = sovereignty.sovereignty(web.ws, "demo", rates=ecb()).score
    assert f'balise_sovereignty_score{{tenant="demo"}} {score}' in text
    assert "# TYPE balise_findings_open gauge" in text


def test_grafana_dashboard_uses_only_served_metrics(web: Web) -> None:
    import json
    from pathlib import Path

    dash = json.loads((Path(__file__).parents[2] / "deploy" / "grafana" / "balise-dashboard.json").read_text())
    c = web.app()
    served = {line.split()[2] for line in c.get("/metrics", headers={
        "authorization": f"Bearer {web.token('viewer@demo.test')}"}).text.splitlines() if line.startswith("# TYPE")}
    used = {m for p in dash["panels"] for t in p["targets"] for m in re.findall(r"balise_[a-z0-9_]+", t["expr"])}
    assert used and used <= served, used - served


def test_uploads_are_checked_and_explained(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from balise.services.sources import list_sources
    from balise.web.app import create_app
    from balise.web.config import WebSettings

    before = len(list_sources(web.ws, "demo"))
    csrf = csrf_of(admin.get("/t/demo/ingestion").text)
    cases = [("bill.exe", b"MZ\x90\x00", "not a billing file type"),
             ("bill.zip", b"not a zip at all", "does not match its extension (expected zip)"),
             ("bill.csv", b"\x00\x01\x02binary", "expected text"),
             ("bill.csv", b"", "no file was sent"),
             ("bill.csv", b"Date;Montant\n2026-10-01;12\n", "match no known billing format")]
    for name, content, message in cases:
        r = admin.post("/t/demo/ingestion", data={"csrf": csrf}, files={"file": (name, content)})
        assert r.status_code == 400, name
        assert message in r.text and "nothing changed" in r.text and "Traceback" not in r.text, (name, r.text[-800:])
    small = create_app(WebSettings(workspace=web.home, database_url=web.url, upload_max_mb=1))
    try:
        c = web.login("admin@demo.test", TestClient(small))
        csrf = csrf_of(c.get("/t/demo/ingestion").text)
        r = c.post("/t/demo/ingestion", data={"csrf": csrf}, files={"file": ("big.csv", b"a,b\n" * 400_000)})
        assert r.status_code == 400 and "larger than the limit of 1 MB" in r.text
    finally:
        small.state.ws.close()
    assert len(list_sources(web.ws, "demo")) == before


def test_costs_filtered_by_a_tag(web: Web, admin) -> None:  # type: ignore[no-untyped-def]
    from balise import engine
    from balise.services.costs import table

    r = admin.get("/t/demo/costs?by=provider&tag=team%3Dweb&from=2026-10&to=2026-10")
    assert r.status_code == 200
    con = engine.connect()
    t = table(web.ws, con, "demo", "2026-10", "2026-10")
    t = t.filter(engine.tag(t, "team") == "web")
    rows = engine.rows(con, t.group_by(p=t.x_Provider, cur=t.BillingCurrency).aggregate(c=t.BilledCost.sum()))
    rates = ecb()
    expected: dict[str, float] = {}
    for x in rows:
        expected[x["p"]] = expected.get(x["p"], 0.0) + rates.to_eur(float(x["c"]), x["cur"], "2026-10")[0]
    for provider, eur in expected.items():
        assert f"<tr><td>{provider}</td>\n<td class=\"num\">{money(eur, 'EUR', 'en')}</td>" in r.text
    total = sum(expected.values())
    assert f"<strong>{money(total, 'EUR', 'en')}</strong>" in r.text
    csv_text = admin.get("/t/demo/costs/export.csv?by=provider&tag=team%3Dweb&from=2026-10&to=2026-10").text
    assert len(csv_text.strip().splitlines()) == len(expected) + 1
    assert admin.get("/t/demo/costs?tag=nonsense").status_code == 400
