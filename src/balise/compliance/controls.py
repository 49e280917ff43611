"""Zero Trust and resilience controls: what each one asks, how fresh its proof must be, and who owns it.

Pure model, no I/O. A ``Control`` has a stable code (``POS-001``…), a title and a remediation in English and
French, the references it rests on (ANSSI guides, ISO/IEC 27001:2022 Annex A control numbers, NIST SP 800-207
tenets; cited, not copied), a **freshness rule** (the oldest evidence still accepted, in days; a tenant may
override it) and a default **shared-responsibility** (RACI) split between the company and its MSP.

``assess`` turns a control, its evidence and the latest scan result into a verdict:

- ``fail``: no evidence at all, the latest evidence is older than the freshness rule, or the latest scan of
  the tenant's infrastructure code found a violation (a wildcard admin policy, a public bucket…); a violation
  that is an *absence* (no CloudTrail in the code scanned) gives way to fresh manual evidence (an
  organisation trail managed elsewhere);
- ``pass``: evidence no older than the freshness rule, and no violation detected;
- ``unknown``: no evidence, and the scan looked but could not decide (values known only after ``apply``).

A backup that was never restore-tested has no evidence for POS-007: it is a failed control, never a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from balise.i18n import Msg, Text
from balise.i18n import posture_messages as pm

Status = Literal["pass", "fail", "unknown"]
PARTIES: tuple[str, ...] = ("company", "msp")
ROLES: tuple[str, ...] = ("R", "A", "C", "I")  # Responsible, Accountable, Consulted, Informed
Raci = dict[str, tuple[str, ...]]  # role letter -> parties holding it


@dataclass(frozen=True)
class Control:
    code: str
    key: str  # a short slug, used in rule names (posture.control.<key>)
    title: Msg
    remediation: Msg
    references: tuple[str, ...]
    freshness_days: int  # the oldest evidence still accepted (tenant-overridable)
    raci: Mapping[str, str]  # default: party -> letters, e.g. {"company": "A", "msp": "R"}
    detectable: bool = False  # ``balise posture scan`` can find evidence or violations in Terraform

    def default_raci(self) -> Raci:
        return raci_from_letters(self.raci)


def _c(code: str, key: str, title: Msg, fix: Msg, refs: Sequence[str], days: int, company: str, msp: str,
       detectable: bool = False) -> Control:
    return Control(code, key, title, fix, tuple(refs), days, {"company": company, "msp": msp}, detectable)


ISO = "ISO/IEC 27001:2022 Annex A "
ZT = "NIST SP 800-207 (Zero Trust Architecture) "

CONTROLS: tuple[Control, ...] = (
    _c("POS-001", "mfa", pm.C_MFA, pm.C_MFA_FIX,
       ("ANSSI, Recommandations relatives à l'authentification multifacteur et aux mots de passe (2021)",
        ISO + "5.17 (authentication information), 8.5 (secure authentication)",
        ZT + "§2.1 tenet 6 (dynamic, strictly enforced authentication)"), 90, "A", "R", True),
    _c("POS-002", "key-rotation", pm.C_KEYS, pm.C_KEYS_FIX,
       (ISO + "8.24 (use of cryptography), 5.17 (authentication information)",
        "NIST SP 800-57 Part 1 Rev. 5 (key management: cryptoperiods)",
        "ANSSI, Guide d'hygiène informatique (2017)"), 90, "I", "AR", True),
    _c("POS-003", "least-privilege", pm.C_IAM, pm.C_IAM_FIX,
       (ISO + "5.15 (access control), 5.18 (access rights), 8.2 (privileged access rights)",
        ZT + "§2.1 tenet 3 (per-session access with least privilege)",
        "ANSSI, Recommandations relatives à l'administration sécurisée des systèmes d'information (2021)"),
       90, "A", "R", True),
    _c("POS-004", "image-scanning", pm.C_IMAGES, pm.C_IMAGES_FIX,
       (ISO + "8.8 (management of technical vulnerabilities), 8.25 (secure development life cycle)",
        "NIST SP 800-190 (application container security guide)",
        "ANSSI, Recommandations de sécurité relatives au déploiement de conteneurs Docker (2020)"),
       30, "C", "AR", True),
    _c("POS-005", "central-logging", pm.C_LOGS, pm.C_LOGS_FIX,
       (ISO + "8.15 (logging), 8.16 (monitoring activities)",
        ZT + "§2.1 tenet 7 (collect information on assets, traffic and requests)",
        "ANSSI, Recommandations de sécurité pour la mise en œuvre d'un système de journalisation (2022)"),
       90, "I", "AR", True),
    _c("POS-006", "pentest", pm.C_PENTEST, pm.C_PENTEST_FIX,
       (ISO + "8.8 (management of technical vulnerabilities), 5.35 (independent review of information security)",
        "ANSSI, Prestataires d'audit de la sécurité des systèmes d'information (PASSI), référentiel d'exigences"),
       92, "AR", "C"),
    _c("POS-007", "backup-restore", pm.C_BACKUP, pm.C_BACKUP_FIX,
       (ISO + "8.13 (information backup)", "ANSSI, Guide d'hygiène informatique (2017)"), 90, "A", "R"),
    _c("POS-008", "continuity-plan", pm.C_PRA, pm.C_PRA_FIX,
       (ISO + "5.29 (information security during disruption), 5.30 (ICT readiness for business continuity)",
        "ISO 22301:2019 (business continuity management systems)",
        "ANSSI, Organiser un exercice de gestion de crise cyber (2020)"), 365, "AR", "C"),
    _c("POS-009", "no-public-storage", pm.C_PUBLIC, pm.C_PUBLIC_FIX,
       (ISO + "5.15 (access control), 8.3 (information access restriction)",
        ZT + "§2.1 tenet 1 (all data sources are resources) and tenet 3 (least privilege)"),
       90, "A", "R", True),
)

BY_CODE: dict[str, Control] = {c.code: c for c in CONTROLS}


def get(code: str) -> Control | None:
    return BY_CODE.get(code.strip().upper())


# --- shared responsibility (RACI) ----------------------------------------------------------------------------

def raci_from_letters(letters: Mapping[str, str]) -> Raci:
    """``{"company": "A", "msp": "RC"}`` → ``{"R": ("msp",), "A": ("company",), "C": ("msp",), "I": ()}``."""
    return {role: tuple(p for p in PARTIES if role in (letters.get(p) or "").upper()) for role in ROLES}


def letters_of(raci: Raci) -> dict[str, str]:
    """The inverse of ``raci_from_letters``: party -> its letters in R, A, C, I order (``""`` for none)."""
    return {p: "".join(role for role in ROLES if p in raci.get(role, ())) for p in PARTIES}


def raci_problems(letters: Mapping[str, Any]) -> list[tuple[str | None, Text]]:
    """What is wrong with one control's RACI line (party -> letters): (party or None, problem). Empty: fine."""
    out: list[tuple[str | None, Text]] = []
    for party, value in letters.items():
        if party not in PARTIES:
            out.append((party, pm.RACI_UNKNOWN_PARTY(party=party, known=", ".join(PARTIES))))
            continue
        text = "" if value is None else str(value).strip().upper().replace("-", "").replace(",", "")
        text = text.replace(" ", "").replace("/", "")
        bad = sorted({ch for ch in text if ch not in ROLES})
        if bad:
            out.append((party, pm.RACI_UNKNOWN_ROLE(letters="".join(bad), party=party)))
    if out:
        return out
    raci = raci_from_letters({p: str(v or "").upper() for p, v in letters.items()})
    if len(raci["A"]) != 1:
        out.append((None, pm.RACI_ONE_A(n=len(raci["A"]))))
    if not raci["R"]:
        out.append((None, pm.RACI_NO_R()))
    return out


def owner_of(raci: Raci) -> str:
    """Who acts on a failed control: the Responsible party (the Accountable one when none is responsible)."""
    return (raci.get("R") or raci.get("A") or ("company",))[0]


# --- evidence and verdicts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence as the model sees it (the service maps state rows to it)."""

    id: int
    control: str
    date: date
    by: str
    link: str | None = None
    file_name: str | None = None
    sha256: str | None = None
    stored_path: str | None = None
    note: str | None = None
    origin: str = "manual"  # manual | detected


@dataclass(frozen=True)
class Violation:
    """Something a scan found that breaks a control: the resource's address and where it is written."""

    control: str
    address: str  # e.g. aws_iam_policy.admin, module.logs.aws_s3_bucket.this
    file: str
    line: int | None
    problem: Text
    absence: bool = False  # something missing (no CloudTrail): fresh manual evidence overrides it

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class ScanResult:
    """The latest scan's verdict for one control: resources checked, violations, undecidable resources."""

    control: str
    checked: int
    violations: tuple[Violation, ...] = ()
    unknown: tuple[str, ...] = ()  # addresses whose values are known only after apply
    scanned_at: date | None = None


@dataclass(frozen=True)
class Assessment:
    control: Control
    status: Status
    reason: Text
    evidence: EvidenceItem | None  # the latest evidence no later than as_of
    freshness_days: int
    due: date | None  # the day the latest evidence stops being fresh (None without evidence)
    age_days: int | None
    violations: tuple[Violation, ...] = field(default_factory=tuple)
    scan: ScanResult | None = None


def latest(evidence: Iterable[EvidenceItem], as_of: date) -> EvidenceItem | None:
    """The most recent evidence dated no later than ``as_of`` (ties: the last added)."""
    best: EvidenceItem | None = None
    for e in evidence:
        if e.date <= as_of and (best is None or (e.date, e.id) > (best.date, best.id)):
            best = e
    return best


def assess(control: Control, evidence: Iterable[EvidenceItem], as_of: date, *, freshness_days: int | None = None,
           scan: ScanResult | None = None) -> Assessment:
    days = control.freshness_days if freshness_days is None else freshness_days
    last = latest(evidence, as_of)
    due = None if last is None else last.date + timedelta(days=days)
    age = None if last is None else (as_of - last.date).days
    fresh_manual = last is not None and age is not None and age <= days and last.origin == "manual"
    violations = tuple(v for v in (scan.violations if scan is not None else ())
                       if not (v.absence and fresh_manual))
    if violations:
        status: Status = "fail"
        reason = pm.R_VIOLATIONS(n=len(violations), first=violations[0].address, where=violations[0].where())
    elif last is None:
        if scan is not None and scan.unknown and not scan.checked:
            status, reason = "unknown", pm.R_UNDECIDED(n=len(scan.unknown))
        else:
            status, reason = "fail", (pm.R_NEVER_RESTORED() if control.code == "POS-007" else pm.R_MISSING())
    elif age is not None and age > days:
        status, reason = "fail", pm.R_STALE(age=age, days=days, date=last.date.isoformat())
    else:
        status, reason = "pass", pm.R_FRESH(age=age, days=days, due=due.isoformat() if due else "")
    return Assessment(control, status, reason, last, days, due, age, tuple(violations), scan)
