"""The posture rules on the demo company (docs/posture.md, "The demo company"): stale and missing evidence are
FAIL findings, fresh evidence PASS, and each violation a scan found is a FAIL finding with its file and line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from balise.rules.posture_rules import RULES
from balise.services import findings, posture
from balise.services.workspace import Workspace


def by_code(ws: Workspace, kind: str = "control") -> dict[str, findings.FindingView]:
    views = findings.list_findings(ws, "demo", domain="posture", lifecycle=None)
    return {v.code: v for v in views if v.subject["kind"] == kind}


@pytest.fixture(scope="module")
def evaluated(demo: Workspace) -> Workspace:
    findings.evaluate(demo, "demo", codes=[r.code for r in RULES])
    return demo


def test_the_demo_fails_its_stale_and_missing_controls_and_passes_the_fresh_ones(evaluated: Workspace) -> None:
    got = by_code(evaluated)
    assert {c: v.status for c, v in got.items()} == {
        "POS-001": "PASS", "POS-002": "PASS", "POS-003": "PASS", "POS-004": "PASS", "POS-005": "PASS",
        "POS-006": "FAIL", "POS-007": "FAIL", "POS-008": "FAIL", "POS-009": "PASS"}
    restore = got["POS-007"]
    assert restore.severity == "high" and restore.owner == "msp" and restore.lifecycle == "open"
    assert restore.evidence["age_days"] == 200 and restore.evidence["freshness_days"] == 90
    assert restore.evidence["latest_evidence"]["by"] == "Infogérance Lumière (MSP)"
    assert restore.evidence["raci"] == {"company": "A", "msp": "R"}
    assert "200 days old (accepted: 90 days)" in restore.title.render("en")
    assert "200 jours" in restore.title.render("fr")
    pentest = got["POS-006"]
    assert pentest.evidence["age_days"] == 243 and pentest.owner == "company"  # 8 months, the company's job
    assert got["POS-008"].evidence["latest_evidence"] is None  # the PRA never exercised
    mfa = got["POS-001"]
    assert mfa.lifecycle == "resolved" and mfa.evidence["latest_evidence"]["file"] == "demo-mfa-status-export.csv"
    assert len(mfa.evidence["latest_evidence"]["sha256"]) == 64


def test_fresh_evidence_turns_a_failed_control_into_a_pass(evaluated: Workspace) -> None:
    posture.add_evidence(evaluated, "demo", "POS-008", day=posture.today() - timedelta(days=30),
                         by="Claire Martin (RSSI)", link="https://wiki.example/exercice-pca-2026")
    findings.evaluate(evaluated, "demo", codes=["POS-008"])
    v = by_code(evaluated)["POS-008"]
    assert v.status == "PASS" and v.lifecycle == "resolved"


def test_detected_violations_are_findings_with_file_line_and_address(evaluated: Workspace, iac: Path) -> None:
    plan = iac / "checkov" / "plan_json" / "plan_large" / "tfplan.json"
    posture.scan(evaluated, "demo", [plan])
    findings.evaluate(evaluated, "demo", codes=[r.code for r in RULES])
    resources = [v for v in findings.list_findings(evaluated, "demo", domain="posture", status="FAIL")
                 if v.subject["kind"] == "iac-resource"]
    kms = next(v for v in resources if v.subject["name"] == "aws_kms_key.logs_key")
    assert kms.code == "POS-002" and kms.evidence["file"] == str(plan) and kms.evidence["line"] == 602
    assert "encryption key without automatic rotation (aws_kms_key.logs_key)" in kms.title.render("en")
    assert {v.subject["name"] for v in resources if v.code == "POS-009"} == {"aws_s3_bucket.data"}
    # 4 buckets without access logging; the absent CloudTrail is overridden by the demo's fresh logging evidence
    assert {v.subject["name"] for v in resources if v.code == "POS-005"} == {
        "aws_s3_bucket.data", "aws_s3_bucket.financials", "aws_s3_bucket.flowbucket", "aws_s3_bucket.operations"}
    # the controls with violations fail, despite the demo's fresh manual evidence
    controls = by_code(evaluated)
    assert controls["POS-002"].status == "FAIL" and controls["POS-004"].status == "FAIL"
    assert controls["POS-009"].status == "FAIL" and controls["POS-009"].evidence["violations"] == 1
    assert controls["POS-005"].status == "FAIL" and controls["POS-005"].evidence["violations"] == 4
    # POS-003: one user policy checked, broad but not "*" on "*": detected evidence, still PASS
    assert controls["POS-003"].status == "PASS"


def test_a_disabled_control_yields_no_finding(evaluated: Workspace) -> None:
    posture.set_overrides(evaluated, "demo", disabled=["POS-006"])
    run = findings.evaluate(evaluated, "demo", codes=["POS-006"], persist=False)
    assert run.findings == []
    posture.set_overrides(evaluated, "demo")
