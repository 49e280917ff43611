"""`services.posture.scan`: detected evidence and violations recorded in one write, replaced by the next scan."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from balise.errors import UsageError
from balise.services import posture
from balise.services.workspace import Workspace


def view(ws: Workspace, code: str) -> posture.ControlView:
    (v,) = [v for v in posture.controls(ws, "acme") if v.code == code]
    return v


def test_a_wildcard_admin_policy_fails_least_privilege_with_its_address(acme: Workspace, iac: Path) -> None:
    case = iac / "checkov" / "aws" / "IAMAdminPolicyDocument"
    run = posture.scan(acme, "acme", [case])
    assert run.files == [str(case / "iam.tf")] and run.skipped == [str(case / "expected.json")]
    assert run.resources == 8
    v = view(acme, "POS-003")
    assert v.status == "fail" and len(v.violations) == 5
    assert {x.address for x in v.violations} >= {"aws_iam_policy.fail2", "aws_ssoadmin_permission_set_inline_policy.fail1"}
    assert "5 violation(s)" in v.reason.render("en")
    # nothing was evidenced for POS-003 (violations), and no manual evidence was invented
    assert posture.list_evidence(acme, "acme", "POS-003") == []
    # no CloudTrail in that code: an absence, failing POS-005 until someone proves an organisation trail
    assert view(acme, "POS-005").status == "fail"
    posture.add_evidence(acme, "acme", "POS-005", day=date.today() - timedelta(days=3), by="MSP",
                         link="https://wiki.example/org-trail")
    assert view(acme, "POS-005").status == "pass"


def test_a_clean_scan_records_detected_evidence_and_clears_previous_violations(acme: Workspace, iac: Path,
                                                                               tmp_path: Path) -> None:
    mfa = iac / "trivy-checks" / "aws" / "iam" / "enforce_group_mfa"
    posture.scan(acme, "acme", [mfa / "bad_1.tf"])
    assert view(acme, "POS-001").status == "fail"
    assert view(acme, "POS-001").violations[0].address == "aws_iam_group.developers"
    run = posture.scan(acme, "acme", [mfa / "good_2.tf"])  # fixed: the group's policy requires MFA
    assert "POS-001" in run.evidenced
    v = view(acme, "POS-001")
    assert v.status == "pass" and v.violations == ()
    assert v.evidence is not None and v.evidence.origin == "detected" and v.evidence.by == "balise posture scan"
    assert v.evidence.sha256 == run.sha256 and v.evidence.date == posture.today()
    assert "1 resource(s) checked" in (v.evidence.note or "")


def test_a_file_that_is_not_terraform_stops_the_scan_before_anything_is_written(acme: Workspace, iac: Path,
                                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    shutil.copytree(iac / "checkov" / "aws" / "IAMAdminPolicyDocument", folder)
    (folder / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  acl = \n}\n')
    with pytest.raises(UsageError, match=r"broken.tf: not valid Terraform"):
        posture.scan(acme, "acme", [folder])
    assert posture.scan_results(acme, "acme") == {} and posture.list_evidence(acme, "acme") == []
    with pytest.raises(UsageError, match="no such file or folder"):
        posture.scan(acme, "acme", [tmp_path / "nowhere"])
    with pytest.raises(UsageError, match="not a Terraform plan"):
        posture.scan(acme, "acme", [folder / "expected.json"])  # named explicitly: an error, not skipped
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError, match="no Terraform file"):
        posture.scan(acme, "acme", [empty])
