"""Detection on the real Terraform fixtures of ../shared/data/iac, checked against the upstream tools' own
expectations (checkov's expected.json passing/failing resources, trivy-checks' good/bad files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from balise.compliance import controls_iac as ci
from balise.compliance.controls import ScanResult


def scan(*paths: Path) -> dict[str, ScanResult]:
    resources: list[ci.IacResource] = []
    for p in paths:
        files = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.suffix in (".tf", ".json")
                                               and x.name != "expected.json")
        for f in files:
            text = f.read_text()
            resources += ci.parse_plan(text, str(f)) if f.suffix == ".json" else ci.parse_hcl(text, str(f))
    return ci.detect(resources)


def flagged(result: dict[str, ScanResult], code: str) -> set[str]:
    r = result.get(code)
    return set() if r is None else {v.address for v in r.violations}


def test_wildcard_admin_policies_match_checkov_expectations(iac: Path) -> None:
    case = iac / "checkov" / "aws" / "IAMAdminPolicyDocument"
    expected = json.loads((case / "expected.json").read_text())
    result = scan(case)
    assert flagged(result, "POS-003") == set(expected["failing_resources"])  # 4 managed policies + 1 SSO set
    assert not flagged(result, "POS-003") & set(expected["passing_resources"])  # a Deny "*" is not admin
    assert result["POS-003"].checked == 8
    by_address = {v.address: v for v in result["POS-003"].violations}
    v = by_address["aws_iam_policy.fail3"]
    assert (v.file, v.line) == (str(case / "iam.tf"), 82)  # grep -n '"fail3"' iam.tf: 82 (81 is blank)
    assert (case / "iam.tf").read_text().splitlines()[81] == 'resource "aws_iam_policy" "fail3" {'
    assert "every action on every resource" in v.problem.render("en")


def test_scoped_policies_and_machine_roles_are_not_wildcard_admin(iac: Path) -> None:
    # CKV_AWS_355 (star resource with scoped actions) fails 5 resources there, but none grants "*" on "*"
    assert flagged(scan(iac / "checkov" / "aws" / "IAMStarResourcePolicyDocument"), "POS-003") == set()
    # trivy's "bad" role policy gives s3:* to a role assumed by the S3 service: a machine, not a person
    for name in ("bad_1.tf", "good_1.tf"):
        assert flagged(scan(iac / "trivy-checks" / "aws" / "iam" / "no_policy_wildcards" / name), "POS-003") == set()


def test_groups_without_mfa_match_trivy_expectations(iac: Path) -> None:
    case = iac / "trivy-checks" / "aws" / "iam" / "enforce_group_mfa"
    expected = json.loads((case / "expected.json").read_text())
    for name in expected["expect_finding_in"]:
        assert flagged(scan(case / name), "POS-001") == {"aws_iam_group.developers"}  # support has MFA
    for name in expected["expect_no_finding_in"]:  # inline, attached managed policy, policy-document override
        result = scan(case / name)
        assert result["POS-001"].checked == 1 and flagged(result, "POS-001") == set(), name


def test_ecr_scan_on_push(iac: Path) -> None:
    case = iac / "trivy-checks" / "aws" / "ecr" / "enable_image_scans"
    assert flagged(scan(case / "bad_1.tf"), "POS-004") == {"aws_ecr_repository.bad_example"}
    assert flagged(scan(case / "good_1.tf"), "POS-004") == set()


@pytest.mark.parametrize("case", ["aws/s3/block_public_acls", "aws/s3/no_public_access_with_acl",
                                  "google/storage/no_public_access", "azure/storage/no_public_access"])
def test_public_storage_matches_trivy_expectations(iac: Path, case: str) -> None:
    folder = iac / "trivy-checks" / case
    expected = json.loads((folder / "expected.json").read_text())
    for name in expected["expect_finding_in"]:
        assert flagged(scan(folder / name), "POS-009"), name
    for name in expected["expect_no_finding_in"]:
        result = scan(folder / name)
        assert result["POS-009"].checked >= 1 and flagged(result, "POS-009") == set(), name


def test_storage_accounts_allowing_public_blobs_match_checkov(iac: Path) -> None:
    case = iac / "checkov" / "azure" / "StorageBlobRestrictPublicAccess"
    expected = json.loads((case / "expected.json").read_text())
    assert flagged(scan(case), "POS-009") == {f"{a}" for a in expected["failing_resources"]}


def test_the_terragoat_plan_shows_every_kind_of_gap(iac: Path) -> None:
    """checkov's plan_large (a `terraform show -json` of TerraGoat, TF 0.12): keys, images, logging, public."""
    plan = iac / "checkov" / "plan_json" / "plan_large" / "tfplan.json"
    result = scan(plan)
    assert flagged(result, "POS-002") == {"aws_kms_key.logs_key"}  # enable_key_rotation = false
    assert flagged(result, "POS-004") == {"aws_ecr_repository.repository"}  # image_scanning_configuration = []
    assert flagged(result, "POS-009") == {"aws_s3_bucket.data"}  # acl = public-read
    # no aws_cloudtrail at all; 4 buckets without logging (data_science logs, `logs` is the log bucket)
    assert flagged(result, "POS-005") == {"aws_cloudtrail", "aws_s3_bucket.data", "aws_s3_bucket.financials",
                                          "aws_s3_bucket.flowbucket", "aws_s3_bucket.operations"}
    absent = [v for v in result["POS-005"].violations if v.absence]
    assert [v.address for v in absent] == ["aws_cloudtrail"]
    # its user policy allows ec2:*, s3:*, lambda:*, cloudwatch:* on "*": broad, but not a wildcard admin
    assert flagged(result, "POS-003") == set() and result["POS-003"].checked == 1
    line = next(v.line for v in result["POS-002"].violations)
    assert '"address": "aws_kms_key.logs_key"' in plan.read_text().splitlines()[line - 1]


def test_a_clean_plan_gives_no_finding(iac: Path) -> None:
    # trivy's s3_plan: a bucket logging to another bucket, with encryption; no IAM, no key, no registry
    result = scan(iac / "trivy" / "plan_json" / "s3_plan" / "plan.json")
    assert flagged(result, "POS-009") == set() and result["POS-009"].checked == 1
    assert [v.address for v in result["POS-005"].violations] == ["aws_cloudtrail"]  # only the absent trail
    assert set(result) == {"POS-005", "POS-009"}  # nothing to say about MFA, keys, IAM or images


def test_every_real_module_parses(iac: Path) -> None:
    files = sorted((iac / "real_modules").rglob("*.tf"))
    resources = [r for f in files for r in ci.parse_hcl(f.read_text(), str(f))]
    assert len(files) > 100
    vpc = [r for r in resources if r.type == "aws_vpc"]
    assert [r.address for r in vpc if "terraform-aws-vpc/main.tf" in r.file] == ["aws_vpc.this"]
    texts = {f: Path(f).read_text().splitlines() for f in {r.file for r in resources}}
    for r in resources:  # every resource is located on its own `resource "type" "name" {` line
        assert r.line and texts[r.file][r.line - 1].lstrip().startswith(f'{"data" if r.mode == "data" else "resource"} "{r.type}"'), r


def test_values_from_variables_are_undecidable_not_violations(iac: Path) -> None:
    """terraform-aws-s3-bucket sets its ACL and public access block from variables: the scan cannot know."""
    result = scan(iac / "real_modules" / "terraform-aws-s3-bucket")
    assert flagged(result, "POS-009") == set()
    assert set(result["POS-009"].unknown) == {"aws_s3_bucket_acl.this", "aws_s3_bucket_public_access_block.this"}
    # its complete example creates a KMS key without rotation (the provider's default is off)
    assert flagged(result, "POS-002") == {"aws_kms_key.objects"}


def test_key_rotation_both_ways(tmp_path: Path) -> None:
    f = tmp_path / "kms.tf"
    f.write_text('resource "aws_kms_key" "rotated" {\n  enable_key_rotation = true\n}\n'
                 'resource "aws_kms_key" "signing" {\n  customer_master_key_spec = "RSA_2048"\n}\n'
                 'resource "aws_kms_key" "default" {\n  description = "rotation off by default"\n}\n')
    result = scan(f)
    assert flagged(result, "POS-002") == {"aws_kms_key.default"} and result["POS-002"].checked == 2
    assert [v.line for v in result["POS-002"].violations] == [7]


def test_undecidable_policies_are_unknown_not_pass(tmp_path: Path) -> None:
    f = tmp_path / "iam.tf"
    f.write_text('resource "aws_iam_user_policy" "from_var" {\n  user = "alice"\n  policy = var.policy\n}\n')
    result = scan(f)
    assert result["POS-003"].unknown == ("aws_iam_user_policy.from_var",) and not result["POS-003"].violations


def test_not_terraform_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "main.tf"
    bad.write_text('resource "aws_s3_bucket" "b" {\n  acl = \n}\n')
    with pytest.raises(ci.ParseError, match="not valid Terraform"):
        ci.parse_hcl(bad.read_text(), str(bad))
    broken = tmp_path / "plan.json"
    broken.write_text('{"format_version": "1.0",\n "planned_values": {]\n}')
    with pytest.raises(ci.ParseError, match=r"plan.json:2: not valid JSON"):
        ci.parse_plan(broken.read_text(), str(broken))
    with pytest.raises(ci.ParseError, match="not a Terraform plan"):
        ci.parse_plan('{"check_id": "x"}', "expected.json")


def test_a_state_document_is_read_as_an_inventory(iac: Path) -> None:
    """`terraform show -json` of a state (top-level ``values``): the inventory as deployed. checkov's
    plan_corrupted is one (provider ``test``): read without error, nothing a posture detector knows."""
    resources = ci.parse_plan((iac / "checkov" / "plan_json" / "plan_corrupted" / "tfplan.json").read_text(), "s")
    assert [(r.address, r.values["ami"]) for r in resources] == [("test_instance.test", "abc")]
    assert ci.detect(resources) == {}
