"""The REST API's actions with personal tokens: the same data and decisions as the pages, with roles."""

from __future__ import annotations

from pathlib import Path

import httpx
from web_helpers import Web

from balise.reference.fx import ecb
from balise.services import budgets, costs
from balise.services import findings as findings_service
from balise.services.sources import list_sources


def client(web: Web, email: str) -> httpx.Client:
    c = web.app()
    c.headers["authorization"] = f"Bearer {web.token(email)}"
    return c


def test_reads_match_the_services(web: Web) -> None:
    c = client(web, "viewer@demo.test")
    assert c.get("/api/v1/tenants").json() == [{"name": "demo", "role": "viewer"}]
    lines = c.get("/api/v1/tenants/demo/costs", params={"by": "provider", "from": "2026-10", "to": "2026-10"}).json()
    expected = costs.costs(web.ws, "demo", "provider", currency="EUR", rates=ecb(), start="2026-10", end="2026-10")
    assert {x["key"]: x["cost_eur"] for x in lines} == {x.key: round(x.cost, 2) for x in expected}
    f = c.get("/api/v1/tenants/demo/findings", params={"lifecycle": ["open", "acknowledged"], "lang": "fr"}).json()
    views = findings_service.list_findings(web.ws, "demo", lifecycle=["open", "acknowledged"])
    assert [x["id"] for x in f["findings"]] == [v.id for v in views]
    assert f["findings"][0]["title"] == views[0].title.render("fr")
    assert f["savings_eur"] == round(findings_service.savings(views).total_eur, 2)
    ov = c.get("/api/v1/tenants/demo/overview").json()
    assert {k["id"] for k in ov["kpis"]} >= {"tag_coverage", "forecast_month_end"}
    assert c.get("/api/v1/tenants/demo/costs", params={"by": "colour"}).status_code == 400
    assert c.get("/api/v1/tenants/demo/findings/2147483648").status_code == 404


def test_viewer_cannot_act_editor_can(web: Web) -> None:
    viewer, editor = client(web, "viewer@demo.test"), client(web, "editor@demo.test")
    fid = findings_service.list_findings(web.ws, "demo", lifecycle="open")[-1].id
    assert viewer.post(f"/api/v1/tenants/demo/findings/{fid}/ack", json={"reason": "x"}).status_code == 403
    r = editor.post(f"/api/v1/tenants/demo/findings/{fid}/suppress", json={"reason": "planned", "until": "2099-06-30"})
    assert r.status_code == 200 and r.json()["lifecycle"] == "suppressed" and r.json()["suppressed_until"] == "2099-06-30"
    assert editor.post(f"/api/v1/tenants/demo/findings/{fid}/resolve", json={"reason": ""}).status_code == 422
    assert viewer.put("/api/v1/tenants/demo/budgets/api", json={"monthly": 100}).status_code == 403
    r = editor.put("/api/v1/tenants/demo/budgets/api", json={"monthly": 1234.5, "tag": "env=prod", "actual": "90%"})
    assert r.status_code == 200 and r.json()["scope"] == "env=prod" and r.json()["thresholds_actual"] == [0.9]
    assert any(b.name == "api" and b.monthly == 1234.5 for b in budgets.list_budgets(web.ws, "demo"))
    status = {s["name"]: s for s in editor.get("/api/v1/tenants/demo/budgets/status").json()}
    assert status["api"]["monthly"] == 1234.5 and status["api"]["share"] == round(status["api"]["actual"] / 1234.5, 4)
    assert editor.delete("/api/v1/tenants/demo/budgets/api").status_code == 204
    assert editor.delete("/api/v1/tenants/demo/budgets/api").status_code == 404
    assert viewer.get("/api/v1/tenants/demo/audit").status_code == 403
    audit = client(web, "admin@demo.test").get("/api/v1/tenants/demo/audit").json()
    assert [a["action"] for a in audit[:3]] == ["budget.delete", "budget.create", "finding.suppress"]
    assert audit[2]["actor"].startswith("editor@demo.test (token:blz_")


def test_upload_through_the_api(web: Web, shared_data: Path) -> None:
    editor = client(web, "editor@demo.test")
    before = len(list_sources(web.ws, "demo"))
    sample = shared_data / "focus" / "focus-1.0" / "focus_sample.csv"
    with sample.open("rb") as f:
        r = editor.post("/api/v1/tenants/demo/sources", files={"file": ("focus_sample.csv", f)})
    assert r.status_code == 200, r.text
    src = list_sources(web.ws, "demo")
    assert len(src) == before + 1 and r.json()["rows"] == src[-1].rows > 0
    import hashlib
    assert src[-1].sha256 == hashlib.sha256(sample.read_bytes()).hexdigest()
    listed = editor.get("/api/v1/tenants/demo/sources").json()
    assert listed[-1]["sha256"] == src[-1].sha256 and not listed[-1]["has_rejects"]
    assert editor.get(f"/api/v1/tenants/demo/sources/{src[-1].id}/rejects").status_code == 404
    bad = editor.post("/api/v1/tenants/demo/sources", files={"file": ("x.csv", b"a;b\n1;2\n")})
    assert bad.status_code == 400 and "no known billing format" in bad.json()["detail"]
