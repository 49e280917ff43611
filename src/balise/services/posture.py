"""Posture of a tenant: its Zero Trust and resilience controls, their evidence, owners and freshness.

- **Controls** are built in (``balise.compliance.controls``); a tenant may override a control's freshness
  (days) or disable it in ``TenantSetting(key="posture")``: ``{"freshness_days": {"POS-007": 30},
  "disabled": ["POS-004"]}``.
- **Evidence** rows (``state.models.Evidence``): a date, who, a link and/or a file copied under
  ``<workspace>/evidence/<tenant>/`` with its sha256; ``origin`` is ``manual`` or ``detected`` (by a scan).
- **Responsibility**: the RACI matrix between the company and its MSP, per control, in
  ``TenantSetting(key="responsibility")`` (``{"controls": {"POS-001": {"company": "A", "msp": "R"}}}``);
  controls it does not name keep their default split.
- **Scan**: ``scan`` reads Terraform (``.tf``) and plans (``terraform show -json``), records detected evidence
  for the controls it could check without a violation, and keeps its violations in
  ``TenantSetting(key="posture-scan")`` until the next scan.

``controls(ws, tenant)`` is the one view every shell and the compliance report read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from balise.compliance import controls as cm
from balise.errors import UsageError
from balise.i18n import Text
from balise.i18n import posture_messages as pm
from balise.services.settings import get_setting, get_setting_source, put_setting
from balise.services.workspace import Workspace, now
from balise.state.models import Evidence, TenantSetting

if TYPE_CHECKING:
    from balise import engine

SETTINGS = "posture"
RESPONSIBILITY = "responsibility"
SCAN = "posture-scan"
DETECTED = "detected"
MANUAL = "manual"


def today() -> date:
    return datetime.now(UTC).date()


# --- the view ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ControlView:
    """One control of one tenant, as of a day.

    ``code`` (``POS-001``…), ``title`` and ``remediation`` (``Text``: ``.render("fr")`` / ``.render("en")``),
    ``status`` (``"pass"`` | ``"fail"`` | ``"unknown"``), ``reason`` (``Text``: why), ``owner`` (the Responsible
    party, ``"company"`` or ``"msp"``), ``raci`` (role letter → parties, e.g. ``{"R": ("msp",), "A":
    ("company",), "C": (), "I": ()}``) and ``raci_source`` (``"default"`` | ``"tenant"``), ``evidence`` (the
    latest ``EvidenceItem`` dated no later than ``as_of``: ``date``, ``by``, ``link``, ``file_name``, ``sha256``,
    ``stored_path`` relative to the workspace, ``note``, ``origin`` ``manual`` | ``detected``; None when there is
    none), ``evidence_count``, ``freshness_days`` (the rule applied, tenant override included), ``due`` (the last
    day the evidence is fresh; None without evidence), ``age_days``, ``violations`` (what the last scan found:
    ``address``, ``file``, ``line``, ``problem``), ``references`` (ANSSI / ISO 27001 Annex A / NIST SP 800-207…).
    """

    code: str
    title: Text
    remediation: Text
    status: cm.Status
    reason: Text
    owner: str
    raci: cm.Raci
    raci_source: str
    evidence: cm.EvidenceItem | None
    evidence_count: int
    freshness_days: int
    due: date | None
    age_days: int | None
    violations: tuple[cm.Violation, ...]
    references: tuple[str, ...]
    detectable: bool
    scanned_at: date | None = None


def controls(ws: Workspace, tenant: str, *, as_of: date | None = None) -> list[ControlView]:
    """The tenant's enabled controls in code order, judged on ``as_of`` (default: today, UTC).

    Stable contract (the compliance report and the web cockpit read it): see ``ControlView``. Evidence dated
    after ``as_of`` is ignored, so a past day shows the posture as it was then.
    """
    day = as_of or today()
    settings = overrides(ws, tenant)
    matrix = responsibility(ws, tenant)
    evidence = _evidence_by_control(ws, tenant)
    scans = scan_results(ws, tenant)
    out: list[ControlView] = []
    for c in cm.CONTROLS:
        if c.code in settings["disabled"]:
            continue
        items = evidence.get(c.code, [])
        a = cm.assess(c, items, day, freshness_days=settings["freshness_days"].get(c.code), scan=scans.get(c.code))
        raci, source = matrix[c.code]
        out.append(ControlView(code=c.code, title=c.title(), remediation=c.remediation(), status=a.status,
                               reason=a.reason, owner=cm.owner_of(raci), raci=raci, raci_source=source,
                               evidence=a.evidence, evidence_count=sum(1 for e in items if e.date <= day),
                               freshness_days=a.freshness_days, due=a.due, age_days=a.age_days,
                               violations=a.violations, references=c.references, detectable=c.detectable,
                               scanned_at=a.scan.scanned_at if a.scan else None))
    return out


# --- per-tenant overrides -------------------------------------------------------------------------------------

def overrides(ws: Workspace, tenant: str) -> dict[str, Any]:
    """``{"freshness_days": {code: days}, "disabled": [codes]}`` (empty when the tenant set none)."""
    doc = get_setting(ws, tenant, SETTINGS) or {}
    return {"freshness_days": {k: int(v) for k, v in (doc.get("freshness_days") or {}).items()},
            "disabled": list(doc.get("disabled") or [])}


def set_overrides(ws: Workspace, tenant: str, *, freshness_days: dict[str, int] | None = None,
                  disabled: Sequence[str] | None = None) -> dict[str, Any]:
    """Replace the tenant's overrides (validated first: known codes, 1–3650 days)."""
    fresh = {}
    for code, days in (freshness_days or {}).items():
        c = _control(code)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
            raise UsageError(pm.POSTURE_BAD_DAYS(code=c.code, value=days))
        fresh[c.code] = days
    off = sorted({_control(code).code for code in disabled or ()})
    doc = {"freshness_days": fresh, "disabled": off}
    put_setting(ws, tenant, SETTINGS, doc)
    return doc


def _control(code: str) -> cm.Control:
    c = cm.get(code)
    if c is None:
        raise UsageError(pm.UNKNOWN_CONTROL(code=code, known=", ".join(cm.BY_CODE)))
    return c


# --- evidence ----------------------------------------------------------------------------------------------

def _item(e: Evidence) -> cm.EvidenceItem:
    return cm.EvidenceItem(id=e.id, control=e.control, date=e.date.date(), by=e.by, link=e.link,
                           file_name=e.file_name, sha256=e.sha256, stored_path=e.stored_path, note=e.note,
                           origin=e.origin)


def _evidence_by_control(ws: Workspace, tenant: str) -> dict[str, list[cm.EvidenceItem]]:
    out: dict[str, list[cm.EvidenceItem]] = {}
    for e in list_evidence(ws, tenant):
        out.setdefault(e.control, []).append(e)
    return out


def list_evidence(ws: Workspace, tenant: str, control: str | None = None) -> list[cm.EvidenceItem]:
    """Evidence of the tenant (of one control), newest first."""
    t = ws.tenant(tenant)
    with ws.session() as s:
        q = select(Evidence).where(Evidence.tenant_id == t.id)
        if control:
            q = q.where(Evidence.control == _control(control).code)
        return [_item(e) for e in s.scalars(q.order_by(Evidence.date.desc(), Evidence.id.desc()))]


def parse_date(value: str | date, *, today_: date | None = None) -> date:
    """A YYYY-MM-DD evidence date, not in the future."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(pm.EVIDENCE_BAD_DATE(value=value)) from None
    limit = today_ or today()
    if day > limit:
        raise UsageError(pm.EVIDENCE_FUTURE(date=day.isoformat(), today=limit.isoformat()))
    return day


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def add_evidence(ws: Workspace, tenant: str, control: str, *, day: str | date, by: str, file: Path | None = None,
                 link: str | None = None, note: str | None = None, origin: str = MANUAL) -> cm.EvidenceItem:
    """Record evidence; a file is copied to ``<workspace>/evidence/<tenant>/<sha256[:16]>-<name>``.

    Everything is checked before anything is written (control, date, proof, file); the copy is removed if the
    database write fails, so a failed call leaves nothing behind."""
    t = ws.tenant(tenant)
    c = _control(control)
    when = parse_date(day)
    if not (by or "").strip():
        raise UsageError(pm.EVIDENCE_NEED_BY())
    if file is None and not (link or "").strip():
        raise UsageError(pm.EVIDENCE_NEED_PROOF())
    for option, value, limit in (("--by", by, 200), ("--link", link, 2000), ("--file", file and file.name, 900)):
        if value and len(value.strip()) > limit:
            raise UsageError(pm.EVIDENCE_TOO_LONG(option=option, limit=limit))
    stored: Path | None = None
    fresh_copy = False
    digest = name = rel = None
    if file is not None:
        if not file.is_file():
            raise UsageError(pm.EVIDENCE_NO_FILE(path=str(file)))
        digest = sha256_of(file)
        name = file.name
        folder = ws.home / "evidence" / tenant
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{digest[:16]}-{name}"
        rel = stored.relative_to(ws.home).as_posix()
        fresh_copy = not stored.exists()
        if fresh_copy:
            tmp = folder / f".{digest[:16]}-{name}.part"
            shutil.copyfile(file, tmp)
            tmp.replace(stored)
    try:
        with ws.session.begin() as s:
            row = Evidence(tenant_id=t.id, control=c.code, date=datetime(when.year, when.month, when.day),
                           by=by.strip(), link=(link or "").strip() or None, file_name=name, sha256=digest,
                           stored_path=rel, note=note, origin=origin, added_at=now())
            s.add(row)
            s.flush()
            item = _item(row)
    except BaseException:
        if stored is not None and fresh_copy:
            stored.unlink(missing_ok=True)
        raise
    return item


# --- shared responsibility ----------------------------------------------------------------------------------

def responsibility(ws: Workspace, tenant: str) -> dict[str, tuple[cm.Raci, str]]:
    """Per control: its RACI and where it comes from (``"tenant"`` when imported, else ``"default"``)."""
    doc = get_setting(ws, tenant, RESPONSIBILITY) or {}
    mine = doc.get("controls") or {}
    out: dict[str, tuple[cm.Raci, str]] = {}
    for c in cm.CONTROLS:
        if c.code in mine:
            out[c.code] = (cm.raci_from_letters(mine[c.code]), "tenant")
        else:
            out[c.code] = (c.default_raci(), "default")
    return out


def responsibility_source(ws: Workspace, tenant: str) -> str | None:
    return get_setting_source(ws, tenant, RESPONSIBILITY)


def _where(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line else file


def _fail(file: str, line: int | None, problem: Text) -> UsageError:
    return UsageError(pm.AT_HINT(where=_where(file, line), problem=problem, hint=pm.HINT_RACI()))


def parse_responsibility(text: str, file: str, suffix: str) -> dict[str, dict[str, str]]:
    """A validated RACI matrix: control code -> {party: letters}. Raises UsageError at the first bad line."""
    suffix = suffix.lower()
    if suffix in (".yaml", ".yml"):
        entries = _raci_yaml(text, file)
    elif suffix == ".csv":
        entries = _raci_csv(text, file)
    else:
        raise UsageError(pm.RACI_BAD_FORMAT(suffix=suffix))
    if not entries:
        raise _fail(file, None, pm.RACI_EMPTY())
    out: dict[str, dict[str, str]] = {}
    for code, letters, line in entries:
        c = cm.get(str(code))
        if c is None:
            raise _fail(file, line, pm.RACI_UNKNOWN_CONTROL(code=str(code), known=", ".join(cm.BY_CODE)))
        problems = cm.raci_problems(letters)
        if problems:
            raise _fail(file, line, problems[0][1])
        raci = cm.raci_from_letters({p: str(v or "").upper() for p, v in letters.items()})
        out[c.code] = cm.letters_of(raci)
    return out


def _raci_yaml(text: str, file: str) -> list[tuple[str, dict[str, Any], int | None]]:
    from balise.kpis import yamldoc

    doc = yamldoc.parse(text, file)
    data = doc.data
    path: list[str | int] = []
    if isinstance(data, dict) and isinstance(data.get("controls"), dict):
        data, path = data["controls"], ["controls"]
    if data is None:
        return []
    if not isinstance(data, dict):
        raise _fail(file, (doc.locate(path) or (None,))[0], pm.RACI_NOT_A_MAPPING())
    out: list[tuple[str, dict[str, Any], int | None]] = []
    for code, letters in data.items():
        line = (doc.locate([*path, str(code)], key=True) or (None,))[0]
        if not isinstance(letters, dict):
            raise _fail(file, line, pm.RACI_NOT_A_MAPPING())
        out.append((str(code), {str(k): v for k, v in letters.items()}, line))
    return out


def _raci_csv(text: str, file: str) -> list[tuple[str, dict[str, Any], int | None]]:
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    if not header or header[0] != "control" or len(header) < 2:
        raise _fail(file, 1, pm.RACI_BAD_CSV(found=",".join(rows[0])))
    out: list[tuple[str, dict[str, Any], int | None]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(x.strip() for x in row):
            continue
        if len(row) != len(header):
            raise _fail(file, n, pm.RACI_BAD_CSV(found=",".join(rows[0])))
        out.append((row[0].strip(), {header[i]: row[i].strip() for i in range(1, len(header))}, n))
    return out


def import_responsibility(ws: Workspace, tenant: str, path: Path) -> dict[str, dict[str, str]]:
    """Replace the tenant's RACI matrix by the file's (YAML or CSV); a bad file changes nothing."""
    ws.tenant(tenant)
    if not path.is_file():
        raise UsageError(pm.SCAN_NO_PATH(path=str(path)))
    text = path.read_text(encoding="utf-8-sig")
    matrix = parse_responsibility(text, str(path), path.suffix)
    put_setting(ws, tenant, RESPONSIBILITY, {"controls": matrix}, source=text)
    return matrix


# --- scan results (filled by ``scan``) -----------------------------------------------------------------------

def scan_results(ws: Workspace, tenant: str) -> dict[str, cm.ScanResult]:
    doc = get_setting(ws, tenant, SCAN) or {}
    at = doc.get("scanned_at")
    day = date.fromisoformat(at[:10]) if at else None
    out: dict[str, cm.ScanResult] = {}
    for code, r in (doc.get("results") or {}).items():
        violations = tuple(cm.Violation(code, v["address"], v["file"], v.get("line"),
                                        Text(getattr(pm, v["message"]), v.get("args") or {}),
                                        absence=bool(v.get("absence")))
                           for v in r.get("violations", []))
        out[code] = cm.ScanResult(code, int(r.get("checked", 0)), violations, tuple(r.get("unknown", [])), day)
    return out


@dataclass
class ScanRun:
    tenant: str
    files: list[str]
    skipped: list[str]  # JSON files in a folder that are not Terraform plans
    resources: int
    results: dict[str, cm.ScanResult]
    evidenced: list[str]  # controls that received detected evidence
    sha256: str  # of the files scanned, in order (what the detected evidence proves)

    @property
    def violations(self) -> list[cm.Violation]:
        return [v for r in self.results.values() for v in r.violations]


def _iac_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Explicit files as given; in folders every ``.tf`` and ``.json`` file (``.terraform`` caches skipped)."""
    files: list[Path] = []
    from_folders: list[Path] = []
    for p in paths:
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            found = sorted(x for x in p.rglob("*") if x.is_file() and x.suffix in (".tf", ".json")
                           and ".terraform" not in x.parts)
            if not found:
                raise UsageError(pm.SCAN_NO_FILES(path=str(p)))
            from_folders += found
        else:
            raise UsageError(pm.SCAN_NO_PATH(path=str(p)))
    return files, from_folders


_MSG_NAMES = {v: k for k, v in vars(pm).items() if isinstance(v, type(pm.AT_HINT))}


def scan(ws: Workspace, tenant: str, paths: Sequence[Path], *, day: date | None = None) -> ScanRun:
    """Read Terraform files and plans, detect evidence and violations (``balise.compliance.controls_iac``), and
    record them in one transaction: the scan replaces the previous scan's results, and each control checked
    without violation gets detected evidence dated ``day`` (today). A file that is not Terraform stops the scan
    before anything is written."""
    from balise.compliance import controls_iac as iac

    t = ws.tenant(tenant)
    if not paths:
        raise UsageError(pm.SCAN_NO_PATH(path="(none)"))
    explicit, from_folders = _iac_files(paths)
    resources: list[iac.IacResource] = []
    scanned: list[Path] = []
    skipped: list[str] = []
    digest = hashlib.sha256()
    for f in [*explicit, *from_folders]:
        text = f.read_text(encoding="utf-8-sig")
        try:
            if f.suffix == ".json":
                try:
                    found = iac.parse_plan(text, str(f))
                except iac.ParseError:
                    if f in explicit:
                        raise
                    skipped.append(str(f))  # expected.json, package.json…: not a plan
                    continue
            else:
                found = iac.parse_hcl(text, str(f))
        except iac.ParseError as e:
            raise UsageError(e.text) from None
        resources += found
        scanned.append(f)
        digest.update(f"{f}\0{hashlib.sha256(text.encode()).hexdigest()}\n".encode())
    results = iac.detect(resources)
    when = day or today()
    at = datetime(when.year, when.month, when.day)
    where = ", ".join(str(p) for p in paths)
    doc = {"scanned_at": when.isoformat(), "paths": [str(p) for p in paths], "files": len(scanned),
           "resources": len(resources), "sha256": digest.hexdigest(), "results": {
               code: {"checked": r.checked, "unknown": list(r.unknown),
                      "violations": [{"address": v.address, "file": v.file, "line": v.line, "absence": v.absence,
                                      "message": _MSG_NAMES[v.problem.msg], "args": v.problem.args}
                                     for v in r.violations]}
               for code, r in results.items()}}
    evidenced = [code for code, r in results.items() if not r.violations and r.checked > len(r.unknown)]
    with ws.session.begin() as s:
        row = s.scalar(select(TenantSetting).where(TenantSetting.tenant_id == t.id, TenantSetting.key == SCAN))
        if row is None:
            s.add(TenantSetting(tenant_id=t.id, key=SCAN, value=doc, source=None, updated_at=now()))
        else:
            row.value, row.updated_at = doc, now()
        for code in evidenced:
            r = results[code]
            s.add(Evidence(tenant_id=t.id, control=code, date=at, by=pm.SCAN_BY.render("en"), link=None,
                           file_name=None, sha256=digest.hexdigest(), stored_path=None,
                           note=pm.SCAN_NOTE.render("en", checked=r.checked - len(r.unknown), paths=where),
                           origin=DETECTED, added_at=now()))
    return ScanRun(tenant, [str(f) for f in scanned], skipped, len(resources), scan_results(ws, tenant), evidenced,
                   digest.hexdigest())


# --- hooks: rules, report, demo -------------------------------------------------------------------------

@dataclass
class PostureInput:
    """What the posture rules read (``ctx.input("posture")``): the controls as of the bills' last day."""

    tenant: str
    as_of: date
    controls: list[ControlView] = field(default_factory=list)


def tracked(ws: Workspace, tenant: str) -> bool:
    """Does the tenant track its posture: any evidence, a RACI matrix, control settings or a scan?"""
    t = ws.tenant(tenant)
    with ws.session() as s:
        if s.scalar(select(Evidence.id).where(Evidence.tenant_id == t.id).limit(1)) is not None:
            return True
        return s.scalar(select(TenantSetting.id).where(TenantSetting.tenant_id == t.id, TenantSetting.key.in_(
            (SETTINGS, RESPONSIBILITY, SCAN))).limit(1)) is not None


def context_input(ws: Workspace, tenant: str, con: engine.Backend | None) -> Any:
    """What the posture rules read from a RuleContext (``ctx.input("posture")``): today's controls, or None for
    a tenant that tracks no posture at all (no evidence, matrix, settings or scan): a tenant that only sends its
    bills gets no posture findings (and `balise check` no posture alerts); `balise posture` still shows it every
    control, failed for want of evidence."""
    if not tracked(ws, tenant):
        return None
    return PostureInput(tenant, today(), controls(ws, tenant))


def summary(views: Sequence[ControlView]) -> dict[str, int]:
    fail = [v for v in views if v.status == "fail"]
    return {"total": len(views), "pass": sum(1 for v in views if v.status == "pass"), "fail": len(fail),
            "unknown": sum(1 for v in views if v.status == "unknown"),
            "stale": sum(1 for v in fail if v.evidence is not None and not v.violations),
            "missing": sum(1 for v in fail if v.evidence is None and not v.violations),
            "violations": sum(1 for v in fail if v.violations)}


def report_section(ws: Workspace, out: Any, rates: Any) -> None:
    """Add the posture summary to a ``Report`` (``out.extra["posture"]``: summary and controls), for a tenant
    that tracks its posture."""
    if not tracked(ws, out.tenant):
        return
    views = controls(ws, out.tenant)
    out.extra["posture"] = {"summary": summary(views), "controls": views, "as_of": today()}
    out.sections.append("posture")


def seed_demo(ws: Workspace, tenant: str) -> None:
    """What the demo company declares (docs/posture.md, "The demo company"), dated relative to today so that
    fresh stays fresh: MFA, logging, image scanning and key rotation evidenced recently; a restore test 200
    days old and a penetration test 8 months old (stale); a continuity plan never exercised (no evidence);
    and the company/MSP RACI matrix."""
    from datetime import timedelta

    day = today()
    msp, rssi = "Infogérance Lumière (MSP)", "Claire Martin (RSSI)"
    add_evidence(ws, tenant, "POS-003", day=day - timedelta(days=35), by=rssi,
                 link="https://wiki.atelier-durand.example/secu/revue-des-droits-t3", note="quarterly access review")
    add_evidence(ws, tenant, "POS-009", day=day - timedelta(days=10), by=msp,
                 link="https://wiki.atelier-durand.example/secu/buckets-prives")
    export = ws.tmp / "demo-mfa-status-export.csv"
    export.write_text("account,kind,mfa\nclaire.martin,human,enabled\njules.bernard,human,enabled\n"
                      "ops-ci,machine,n/a\n", encoding="utf-8")
    try:
        add_evidence(ws, tenant, "POS-001", day=day - timedelta(days=21), by=msp, file=export,
                     note="Entra ID and AWS IAM Identity Center MFA export")
    finally:
        export.unlink(missing_ok=True)
    add_evidence(ws, tenant, "POS-002", day=day - timedelta(days=40), by=msp,
                 link="https://wiki.atelier-durand.example/secu/rotation-2026")
    add_evidence(ws, tenant, "POS-004", day=day - timedelta(days=6), by="CI pipeline boutique",
                 link="https://gitlab.atelier-durand.example/boutique/-/pipelines/48213")
    add_evidence(ws, tenant, "POS-005", day=day - timedelta(days=12), by=msp,
                 link="https://wiki.atelier-durand.example/secu/journalisation")
    add_evidence(ws, tenant, "POS-006", day=day - timedelta(days=243), by="Cabinet Audit Sûreté (PASSI)",
                 link="https://wiki.atelier-durand.example/secu/pentest-2026-03", note="8 months ago")
    add_evidence(ws, tenant, "POS-007", day=day - timedelta(days=200), by=msp,
                 link="https://wiki.atelier-durand.example/secu/restauration-ovh-backup",
                 note="restore of anum-backup to staging")
    # POS-008 (PRA/PCA): written in 2024 but never exercised, so no evidence: the control fails.
    put_setting(ws, tenant, RESPONSIBILITY, keep_source=False, value={"controls": {
        "POS-001": {"company": "A", "msp": "R"},
        "POS-002": {"company": "I", "msp": "AR"},
        "POS-003": {"company": "AC", "msp": "R"},
        "POS-004": {"company": "AR", "msp": "C"},  # the boutique team runs its own CI
        "POS-005": {"company": "I", "msp": "AR"},
        "POS-006": {"company": "AR", "msp": "C"},
        "POS-007": {"company": "A", "msp": "R"},
        "POS-008": {"company": "AR", "msp": "C"},
        "POS-009": {"company": "A", "msp": "R"},
    }}, source=None)
