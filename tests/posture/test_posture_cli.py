"""`balise posture`, `balise evidence`, `balise responsibility`, `balise posture scan` through the real CLI, on a
copy of the demo workspace."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TODAY = datetime.now(UTC).date()


def test_posture_json_table_and_csv_on_the_demo(demo_cli: Any) -> None:
    doc = demo_cli.json("posture", "--tenant", "demo", "--format", "json")
    assert doc["as_of"] == TODAY.isoformat()
    assert doc["summary"] == {"total": 9, "pass": 6, "fail": 3, "unknown": 0, "stale": 2, "missing": 1,
                              "violations": 0}
    c = {x["code"]: x for x in doc["controls"]}
    restore = c["POS-007"]
    assert restore["status"] == "fail" and restore["age_days"] == 200 and restore["freshness_days"] == 90
    assert restore["due"] == (TODAY - timedelta(days=200) + timedelta(days=90)).isoformat()
    assert restore["raci"] == {"R": ["msp"], "A": ["company"], "C": [], "I": []} and restore["owner"] == "msp"
    assert restore["evidence"]["date"] == (TODAY - timedelta(days=200)).isoformat()
    assert any("27001" in r and "8.13" in r for r in restore["references"])
    assert c["POS-008"]["evidence"] is None and c["POS-008"]["reason"] == "no evidence recorded"
    mfa = c["POS-001"]["evidence"]
    assert mfa["file"] == "demo-mfa-status-export.csv" and mfa["stored_path"].startswith("evidence/demo/")
    stored = demo_cli.workspace / mfa["stored_path"]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == mfa["sha256"]

    table = demo_cli("posture", "--tenant", "demo").stdout
    assert "6 pass, 3 fail, 0 unknown" in table and "POS-008" in table
    fr = demo_cli("posture", "--tenant", "demo", lang="fr").stdout
    assert "6 conforme(s), 3 non conforme(s)" in fr and "Sauvegardes testées par une restauration" in fr
    rows = list(csv.DictReader(io.StringIO(demo_cli("posture", "-t", "demo", "-f", "csv").stdout)))
    assert [r["code"] for r in rows if r["status"] == "fail"] == ["POS-006", "POS-007", "POS-008"]
    assert rows[6]["company"] == "A" and rows[6]["msp"] == "R"
    past = demo_cli.json("posture", "-t", "demo", "-f", "json", "--as-of", (TODAY - timedelta(days=150)).isoformat())
    assert {x["code"] for x in past["controls"] if x["status"] == "pass"} == {"POS-007"}  # then 50 days old


def test_evidence_add_with_a_file_then_list(demo_cli: Any, tmp_path: Path) -> None:
    report = tmp_path / "exercice-pca.pdf"
    report.write_bytes(b"%PDF-1.4 PCA exercise 2026, RTO 4 h met\n")
    day = (TODAY - timedelta(days=2)).isoformat()
    out = demo_cli("evidence", "add", "POS-008", "--tenant", "demo", "--file", str(report), "--date", day,
                   "--by", "Claire Martin (RSSI)", "--note", "exercice annuel").stdout
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in out and "POS-008" in out
    listed = demo_cli.json("evidence", "list", "--tenant", "demo", "--control", "POS-008", "--format", "json")
    assert [(e["date"], e["file"], e["sha256"], e["origin"]) for e in listed] == [
        (day, "exercice-pca.pdf", digest, "manual")]
    assert (demo_cli.workspace / listed[0]["stored_path"]).read_bytes() == report.read_bytes()
    doc = demo_cli.json("posture", "--tenant", "demo", "--format", "json")
    assert doc["summary"]["fail"] == 2 and doc["summary"]["missing"] == 0
    assert len(demo_cli.json("evidence", "list", "--tenant", "demo", "--format", "json")) == 9


def test_bad_evidence_exits_2_and_records_nothing(demo_cli: Any, tmp_path: Path) -> None:
    before = demo_cli("evidence", "list", "--tenant", "demo", "-f", "json").stdout
    future = (TODAY + timedelta(days=1)).isoformat()
    cases = [
        (["POS-007", "--link", "https://x", "--date", future, "--by", "MSP"], "is in the future"),
        (["POS-404", "--link", "https://x", "--date", "2026-11-01", "--by", "MSP"], "unknown control 'POS-404'"),
        (["POS-007", "--file", str(tmp_path / "missing.pdf"), "--date", "2026-11-01", "--by", "MSP"],
         "missing.pdf: no such file"),
        (["POS-007", "--date", "2026-11-01", "--by", "MSP"], "--file F"),
        (["POS-007", "--link", "https://x", "--date", "31/10/2026", "--by", "MSP"], "not a date"),
    ]
    for args, message in cases:
        proc = demo_cli("evidence", "add", *args, "--tenant", "demo", check=2)
        assert message in proc.stderr, proc.stderr
    assert demo_cli("evidence", "list", "--tenant", "demo", "-f", "json").stdout == before


def test_responsibility_import_and_list(demo_cli: Any, tmp_path: Path) -> None:
    f = tmp_path / "raci.csv"
    f.write_text("control,company,msp\nPOS-007,AR,C\n")
    assert "1 control(s)" in demo_cli("responsibility", "import", str(f), "--tenant", "demo").stdout
    listed = {x["code"]: x for x in demo_cli.json("responsibility", "list", "--tenant", "demo", "-f", "json")}
    assert (listed["POS-007"]["company"], listed["POS-007"]["msp"], listed["POS-007"]["owner"]) == ("RA", "C",
                                                                                                   "company")
    assert listed["POS-001"]["source"] == "default"  # the import replaced the demo's whole matrix
    bad = tmp_path / "bad.yaml"
    bad.write_text("POS-001: {company: A, msp: R}\nPOS-002: {company: A, msp: Q}\n")
    proc = demo_cli("responsibility", "import", str(bad), "--tenant", "demo", check=2)
    assert f"{bad}:2" in proc.stderr and "unknown role letter" in proc.stderr
    assert {x["code"]: x for x in demo_cli.json("responsibility", "list", "-t", "demo", "-f", "json")} == listed


def test_scan_then_findings_and_report(demo_cli: Any, iac: Path) -> None:
    case = iac / "checkov" / "aws" / "IAMAdminPolicyDocument"
    doc = demo_cli.json("posture", "scan", str(case), "--tenant", "demo", "--format", "json")
    assert len(doc["controls"]["POS-003"]["violations"]) == 5 and doc["skipped"] == [str(case / "expected.json")]
    text = demo_cli("posture", "scan", str(case), "--tenant", "demo").stdout
    assert "5 violation(s)" not in text and "6 violation(s)" in text  # 5 admin policies + no CloudTrail
    found = demo_cli.json("findings", "--tenant", "demo", "--domain", "posture", "--format", "json")
    fails = {(f["code"], f["subject"]["kind"], f["subject"]["name"]) for f in found if f["status"] == "FAIL"}
    assert ("POS-003", "iac-resource", "aws_iam_policy.fail3") in fails
    assert ("POS-003", "control", "POS-003") in fails and ("POS-007", "control", "POS-007") in fails
    fail3 = next(f for f in found if f["subject"]["name"] == "aws_iam_policy.fail3")
    assert fail3["evidence"]["file"] == str(case / "iam.tf") and fail3["evidence"]["line"] == 82
    report = demo_cli.json("report", "--tenant", "demo", "--format", "json")
    assert "posture" in report["sections"]
    assert report["posture"]["summary"]["violations"] == 1 and report["posture"]["summary"]["fail"] == 4
    proc = demo_cli("posture", "scan", str(iac / "nowhere"), "--tenant", "demo", check=2)
    assert "no such file or folder" in proc.stderr


def test_posture_needs_a_tenant(demo_cli: Any) -> None:
    assert "--tenant" in demo_cli("posture", check=2).stderr


def test_settings_override_freshness_and_disable_a_control(demo_cli: Any) -> None:
    doc = demo_cli.json("posture", "settings", "--tenant", "demo", "--freshness", "POS-007=365",
                        "--disable", "pos-004", "-f", "json")
    assert doc == {"freshness_days": {"POS-007": 365}, "disabled": ["POS-004"]}
    c = {x["code"]: x for x in demo_cli.json("posture", "--tenant", "demo", "-f", "json")["controls"]}
    assert "POS-004" not in c and c["POS-007"]["status"] == "pass" and c["POS-007"]["freshness_days"] == 365
    assert "--freshness 'POS-007'" in demo_cli("posture", "settings", "-t", "demo", "--freshness", "POS-007",
                                               check=2).stderr
    assert "POS-999" in demo_cli("posture", "settings", "-t", "demo", "--disable", "POS-999", check=2).stderr
    assert demo_cli.json("posture", "settings", "-t", "demo", "-f", "json")["disabled"] == ["POS-004"]
    assert demo_cli.json("posture", "settings", "-t", "demo", "--reset", "-f", "json") == {
        "freshness_days": {}, "disabled": []}
