"""The CLI on the demo workspace: `balise sovereignty` (JSON contract), `balise workloads import|list`,
`balise compliance-report` (HTML and PDF, French and English, what changed), and the sovereignty findings in
`balise findings` and `balise report`."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path
from typing import Any

Run = Any  # the ``run`` fixture of conftest.py: the real CLI on this module's demo workspace copy


def test_sovereignty_json_contract(run: Run) -> None:
    j = run.json("sovereignty", "--tenant", "demo", "--format", "json")
    assert isinstance(j["score"], int) and 0 <= j["score"] <= 100
    assert set(j["breakdown"]) == {"eu_located", "non_us_exposed", "certified", "sensitive_workloads"}
    w = next(x for x in j["workloads"] if x["workload"] == "rdv-sante")
    assert {"provider", "region", "country", "jurisdiction", "certifications", "data_categories", "gaps"} <= set(w)
    assert (w["provider"], w["region"], w["country"], w["jurisdiction"]) == ("aws", "eu-west-3", "FR", "FR + EU + US")
    assert {"certification": "hds-v2", "label": "HDS v2", "status": "verified"} in w["certifications"]
    assert w["data_categories"] == ["health"]
    assert {g["code"] for g in w["gaps"]} == {"SOV-002", "SOV-005"}
    gra = next(x for x in j["workloads"] if x["workload"] == "backoffice" and x["region"] == "GRA")
    assert {"certification": "hds-v2", "label": "HDS v2", "status": "unverified"} in gra["certifications"]
    assert all(g["references"] and g["kind"] for g in j["gaps"])


def test_sovereignty_table_in_french(run: Run) -> None:
    out = run("sovereignty", "--tenant", "demo", lang="fr").stdout
    assert re.search(r"Score de souveraineté de demo : \d+/100", out)
    assert "non vérifié" in out and "SOV-005" in out


def test_workloads_import_list_and_bad_file(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("workloads:\n  - name: x\n    data: [helth]\n    match: {providers: [aws]}\n")
    p = run("workloads", "import", str(bad), "--tenant", "demo", check=2)
    assert f"{bad}:3:12" in p.stderr and "helth" in p.stderr
    lst = run.json("workloads", "list", "--tenant", "demo", "--format", "json")
    assert [w["name"] for w in lst["workloads"]][:2] == ["rdv-sante", "crm-analytics"]  # unchanged
    rdv = lst["workloads"][0]
    assert (rdv["resources"], rdv["providers"], rdv["match"]) == (8, ["aws"], {"accounts": ["219384756012"]})
    demo_file = Path(__file__).resolve().parents[2] / "src" / "balise" / "demo" / "workloads.yaml"
    ok = run.json("workloads", "import", str(demo_file), "--tenant", "demo", "--format", "json")
    assert ok == {"tenant": "demo", "workloads": 7, "packs": ["gdpr-baseline", "hds", "cnil-sensitive"],
                  "replaced": True}


def test_findings_and_report_show_sovereignty(run: Run) -> None:
    found = run.json("findings", "--tenant", "demo", "--domain", "sovereignty", "--format", "json")
    codes = {f["code"] for f in found}
    assert codes == {"SOV-001", "SOV-002", "SOV-005", "SOV-008"}
    f = next(x for x in found if x["code"] == "SOV-005")
    assert f["evidence"]["references"][0]["id"] == "CNIL-2024-07-19" and f["evidence"]["alternative"]["found"]
    rep = run.json("report", "--tenant", "demo", "--format", "json")
    assert rep["sovereignty"]["score"] == run.json("sovereignty", "--tenant", "demo", "-f", "json")["score"]
    assert rep["sovereignty"]["gaps"] == 12 and rep["sovereignty"]["critical_or_high"] == 1


def _pdf_text(data: bytes) -> str:
    """The page content streams of a ReportLab PDF (ASCII85 then Flate encoded), as text."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1).strip()
        try:
            if raw.endswith(b"~>"):
                raw = base64.a85decode(raw[:-2])
            out.append(zlib.decompress(raw).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "\n".join(out)


def test_compliance_report_html_pdf_fr_en_and_what_changed(run: Run, tmp_path: Path) -> None:
    html_en = tmp_path / "r.html"
    p = run("compliance-report", "--tenant", "demo", "--lang", "en", "--format", "html", "--out", str(html_en))
    assert "12 gaps" in p.stdout
    text = html_en.read_text()
    assert '<html lang="en">' in text and "Where the data lives" in text
    for needle in ("rdv-sante", "crm-analytics", "SOV-005", "CNIL-2024-07-19", "GDPR-44-49", "HDS v2 (unverified)",
                   "scaleway fr-par", "official guidance", "POS-007"):
        assert needle in text, needle
    assert "first compliance report" in text or "Since the report of" in text
    pdf_fr = tmp_path / "r.pdf"
    run("compliance-report", "--tenant", "demo", "--lang", "fr", "--format", "pdf", "--out", str(pdf_fr))
    data = pdf_fr.read_bytes()
    assert data.startswith(b"%PDF-")
    content = _pdf_text(data)
    for needle in ("rdv-sante", "SOV-005", "CNIL-2024-07-19", "Depuis le rapport du"):
        assert needle in content, needle
    # change the declaration: a new gap appears in the next report's "what changed"
    wl = tmp_path / "wl.yaml"
    demo_file = Path(__file__).resolve().parents[2] / "src" / "balise" / "demo" / "workloads.yaml"
    wl.write_text(demo_file.read_text().replace("packs: [eu-only]", "packs: [eu-only, secnumcloud]"))
    run("workloads", "import", str(wl), "--tenant", "demo")
    html_fr = tmp_path / "r2.html"
    run("compliance-report", "--tenant", "demo", "--lang", "fr", "--out", str(html_fr))
    text = html_fr.read_text()
    assert '<html lang="fr">' in text and "Ce qui a changé depuis le dernier rapport" in text
    assert re.search(r"Depuis le rapport du \d{4}-\d\d-\d\d : score \d+ → \d+ ; \d+ nouveaux écarts, 0 clos", text)
    assert "Nouveau : data-platform doit tourner sur des services qualifiés SecNumCloud" in text
    run("workloads", "import", str(demo_file), "--tenant", "demo")
