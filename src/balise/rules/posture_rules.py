"""Posture rules: one per built-in control (``balise.compliance.controls``), with the control's code.

Each reads ``ctx.input("posture")`` (``services.posture.PostureInput``: the tenant's controls judged today) and
yields one finding about the control (subject kind ``control``): **FAIL** when its evidence is missing or older
than its freshness rule or a scan found a violation, **PASS** when its evidence is fresh, **UNKNOWN** when a
scan could not decide. Each violation a scan found is a FAIL finding of its own (subject kind
``iac-resource``), with the file, line and resource address in its evidence. A control the tenant disabled
yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from balise.compliance import controls as cm
from balise.domain.findings import Domain, Finding, Severity, Status, Subject
from balise.i18n import Msg
from balise.rules.base import Rule
from balise.rules.context import RuleContext

MAX_LISTED = 20  # violations listed in a control finding's evidence (the count is always given)
_STATUS = {"pass": Status.PASS, "fail": Status.FAIL, "unknown": Status.UNKNOWN}


def _title(c: cm.Control) -> Msg:
    return Msg(c.title.en + ": {reason}", c.title.fr + " : {reason}")


def _violation_title(c: cm.Control) -> Msg:
    return Msg(c.title.en + ": {problem} ({address})", c.title.fr + " : {problem} ({address})")


def _violation_fix(c: cm.Control) -> Msg:
    return Msg(c.remediation.en + " Found in {where}.", c.remediation.fr + " Trouvé dans {where}.")


class ControlRule(Rule):
    """Base of the control rules (not registered itself)."""

    domain = Domain.POSTURE
    control: ClassVar[cm.Control]
    violation_title: ClassVar[Msg]
    violation_fix: ClassVar[Msg]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        c = cm.BY_CODE[cls.code]
        cls.control = c
        cls.name = f"posture.control.{c.key}"
        cls.title = _title(c)
        cls.remediation = c.remediation
        cls.violation_title = _violation_title(c)
        cls.violation_fix = _violation_fix(c)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        posture = ctx.input("posture")
        if posture is None:
            return
        view = next((v for v in posture.controls if v.code == self.code), None)
        if view is None:  # disabled by the tenant
            return
        latest = view.evidence
        evidence: dict[str, Any] = {
            "control": view.code, "status": view.status, "as_of": posture.as_of.isoformat(),
            "freshness_days": view.freshness_days, "due": view.due.isoformat() if view.due else None,
            "age_days": view.age_days, "evidence_count": view.evidence_count,
            "latest_evidence": None if latest is None else {
                "date": latest.date.isoformat(), "by": latest.by, "link": latest.link, "file": latest.file_name,
                "sha256": latest.sha256, "origin": latest.origin},
            "raci": cm.letters_of(view.raci), "references": list(view.references),
            "violations": len(view.violations),
            "violations_listed": [{"address": v.address, "file": v.file, "line": v.line,
                                   "problem": v.problem.render("en")} for v in view.violations[:MAX_LISTED]],
        }
        yield self.finding(Subject(kind="control", id=view.code, name=view.code), status=_STATUS[view.status],
                           args={"reason": view.reason}, evidence=evidence, owner=view.owner)
        for v in view.violations:
            yield Finding(code=self.code, status=Status.FAIL, severity=self.severity, domain=self.domain,
                          subject=Subject(kind="iac-resource", id=f"{v.file}#{v.address}", name=v.address),
                          title=self.violation_title(problem=v.problem, address=v.address),
                          remediation=self.violation_fix(where=v.where()),
                          evidence={"control": view.code, "address": v.address, "file": v.file, "line": v.line,
                                    "problem": v.problem.render("en"), "absence": v.absence,
                                    "scanned_at": view.scanned_at.isoformat() if view.scanned_at else None},
                          owner=view.owner)


class MfaEnforced(ControlRule):
    """Every person's account must require a second factor (POS-001).

    Bad:  the last MFA export is 5 months old, or the Terraform has an IAM group ``developers`` with no policy
          conditioned on ``aws:MultiFactorAuthPresent``.
    Good: an MFA status export of every account dated last month, and every IAM group behind an MFA condition.
    """

    code = "POS-001"
    severity = Severity.HIGH
    groups = ("zero-trust", "identity")


class KeysRotated(ControlRule):
    """Keys and secrets must be rotated within 90 days (POS-002).

    Bad:  an ``aws_kms_key`` with ``enable_key_rotation = false``, or no rotation report for 4 months.
    Good: automatic rotation on every symmetric key and a rotation report of last month.
    """

    code = "POS-002"
    severity = Severity.MEDIUM
    groups = ("zero-trust", "cryptography")


class LeastPrivilege(ControlRule):
    """No person holds a wildcard admin policy (POS-003).

    Bad:  an ``aws_iam_user_policy`` or SSO permission set allowing ``"Action": "*"`` on ``"Resource": "*"``,
          or ``AdministratorAccess`` attached to a group.
    Good: scoped policies (``s3:GetObject`` on one bucket), wildcard roles only for machines, and an access
          review of last quarter.
    """

    code = "POS-003"
    severity = Severity.HIGH
    groups = ("zero-trust", "identity")


class ImagesScanned(ControlRule):
    """Container images are scanned for vulnerabilities before they are deployed (POS-004).

    Bad:  an ``aws_ecr_repository`` with ``scan_on_push = false`` and no CI scan report this month.
    Good: scan on push (or a registry scanning configuration) and a CI scan report from last week.
    """

    code = "POS-004"
    severity = Severity.MEDIUM
    groups = ("zero-trust", "vulnerabilities")


class CentralLogging(ControlRule):
    """Audit trails and access logs are collected in one place (POS-005).

    Bad:  AWS resources in Terraform with no ``aws_cloudtrail`` (and no evidence of an organisation trail), or
          an ``aws_s3_bucket`` without access logging.
    Good: a multi-region CloudTrail and every bucket logging into a log bucket.
    """

    code = "POS-005"
    severity = Severity.MEDIUM
    groups = ("zero-trust", "logging")


class PenetrationTest(ControlRule):
    """Exposed services get a penetration test every quarter (POS-006).

    Bad:  the last pentest report is 8 months old.
    Good: a PASSI auditor's report dated 6 weeks ago.
    """

    code = "POS-006"
    severity = Severity.MEDIUM
    groups = ("zero-trust", "vulnerabilities")


class BackupRestoreTested(ControlRule):
    """Backups are proven by a restore test within the freshness rule (POS-007); never restored is a FAIL.

    Bad:  nightly backups that nobody has restored, or a restore test 200 days old.
    Good: a restore of the production database to staging last month, timed against the recovery objective.
    """

    code = "POS-007"
    severity = Severity.HIGH
    groups = ("resilience", "backup")


class ContinuityPlan(ControlRule):
    """The disaster recovery and business continuity plan (PRA/PCA) is written and exercised yearly (POS-008).

    Bad:  a PRA document written two years ago and never exercised.
    Good: the plan and the report of this year's crisis exercise.
    """

    code = "POS-008"
    severity = Severity.MEDIUM
    groups = ("resilience", "continuity")


class NoPublicStorage(ControlRule):
    """No bucket or storage container is readable by anyone (POS-009).

    Bad:  an ``aws_s3_bucket`` with ``acl = "public-read"``, a Cloud Storage binding to ``allUsers``, an Azure
          container with ``container_access_type = "blob"``.
    Good: private ACLs, public access blocks on, public files served through signed URLs.
    """

    code = "POS-009"
    severity = Severity.HIGH
    groups = ("zero-trust", "data-protection")


RULES: tuple[type[Rule], ...] = (MfaEnforced, KeysRotated, LeastPrivilege, ImagesScanned, CentralLogging,
                                 PenetrationTest, BackupRestoreTested, ContinuityPlan, NoPublicStorage)
