"""A tenant's findings: evaluate its rules, keep each finding's lifecycle, and record every decision.

``evaluate`` builds the rule context (one shared aggregate), loads the tenant's policy, runs the engine and,
when ``persist``, stores the findings in ONE transaction, keyed by fingerprint (rule + subject):

- a new FAIL/UNKNOWN finding is **open** (event ``opened``); a new PASS is stored **resolved**;
- seen again: ``last_seen`` and its figures are refreshed, its lifecycle is kept;
- no longer found (its rule ran without error), or now PASS → **resolved** by ``balise`` (event ``resolved``);
  a rule that raised leaves its previous findings as they were; findings of a rule the policy disables are
  resolved too;
- a resolved finding found again → **reopened** (event ``reopened``) when Balise resolved it, or when a person
  did and the bills now go past the day they did (a fix is not contradicted by bills older than the fix);
- **suppressed** with its expiry passed → back to **open** (event ``expired``); still valid → listed SKIPPED.

Auto-resolution happens only when the evaluation reaches the latest bills: evaluating a past month adds and
refreshes findings but does not resolve today's. ``acknowledge``, ``suppress`` and ``resolve`` record who and
why (a reason is required). Policies are stored per tenant in ``TenantSetting(key="policy")`` with their YAML.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from balise import engine as db_engine
from balise.domain.findings import Domain, Finding, Lifecycle, Severity, Status
from balise.errors import UsageError
from balise.i18n import Msg, Text
from balise.i18n import rules_messages as rm
from balise.reference.fx import Rates
from balise.rules import engine, policy
from balise.rules.base import Registry
from balise.rules.builtin import default_registry
from balise.rules.context import RuleContext
from balise.services.context import last_day, rule_context
from balise.services.workspace import Workspace, now
from balise.state.models import FindingEvent, FindingRecord, TenantSetting

SUPPRESS_DAYS = 90  # default length of a suppression without --until
BALISE = "balise"  # the ``by`` of automatic lifecycle changes
POLICY_KEY = "policy"
ATTENTION = ("open", "acknowledged", "suppressed")  # the lifecycles `balise findings` lists by default
_FAILING = (Status.FAIL, Status.UNKNOWN)
_ACTIVE = (Lifecycle.OPEN, Lifecycle.ACKNOWLEDGED)


@dataclass(frozen=True)
class FindingView:
    id: int
    fingerprint: str
    code: str
    domain: str
    severity: str
    status: str  # SKIPPED while a suppression is valid, else the status of the last evaluation
    lifecycle: str
    title: Text  # renders in English or French
    remediation: Text
    subject: dict[str, Any]
    evidence: dict[str, Any]
    monthly_saving_eur: float | None
    monthly_kgco2e: float | None
    owner: str | None
    first_seen: datetime
    last_seen: datetime
    reason: str | None
    suppressed_until: date | None


@dataclass
class FindingsRun:
    tenant: str
    start: str  # first month of the window
    end: str  # last month of the window
    as_of: date  # last charge day in the window
    findings: list[Finding]
    rules: list[engine.RuleRun]  # per rule: seconds, findings, error
    context_seconds: float
    persist_seconds: float = 0.0
    changes: dict[str, int] = field(default_factory=dict)  # opened, reopened, resolved, expired, seen
    latest: bool = True  # the window reaches the tenant's latest bills (absent findings were resolved)

    @property
    def rules_seconds(self) -> float:
        return sum(r.seconds for r in self.rules)

    @property
    def seconds(self) -> float:
        return self.context_seconds + self.rules_seconds + self.persist_seconds

    @property
    def fingerprints(self) -> set[str]:
        return {f.fingerprint for f in self.findings}


# --- evaluation ----------------------------------------------------------------------------------------------

def evaluate(ws: Workspace, tenant: str, month: str | None = None, *, codes: Iterable[str] | None = None,
             con: db_engine.Backend | None = None, rates: Rates | None = None, persist: bool = True,
             registry: Registry | None = None, ctx: RuleContext | None = None) -> FindingsRun:
    """Run the tenant's rules on ``month`` (default: the latest with data) and the months before it. Pass
    ``ctx`` (built by ``rule_context`` for the same tenant and month) to share it with the KPIs."""
    reg = registry or default_registry()
    pol = tenant_policy(ws, tenant, reg)
    codes = None if codes is None else [reg.get(c).code for c in codes]  # unknown code: UsageError, early
    t0 = time.perf_counter()
    ctx = ctx or rule_context(ws, tenant, month, con=con, rates=rates)
    latest = month is None or (last_day(ws, ctx.con, tenant) or ctx.as_of) <= ctx.as_of
    t1 = time.perf_counter()
    result = engine.run(ctx, reg, pol, codes=codes)
    run = FindingsRun(tenant, ctx.start, ctx.end, ctx.as_of, result.findings, result.rules, t1 - t0,
                      latest=latest)
    if persist:
        t2 = time.perf_counter()
        enabled = {s.rule.code for s in pol.select(reg)}
        run.changes = _persist(ws, tenant, run, enabled, resolve_absent=latest)
        run.persist_seconds = time.perf_counter() - t2
    return run


_STATE = (FindingRecord.id, FindingRecord.fingerprint, FindingRecord.code, FindingRecord.lifecycle,
          FindingRecord.reason, FindingRecord.suppressed_until)


def _persist(ws: Workspace, tenant: str, run: FindingsRun, enabled: set[str], *,
             resolve_absent: bool) -> dict[str, int]:
    """Upsert the run's findings and move lifecycles, in one transaction of bulk statements (thousands of
    findings: a few executemany, not one ORM object each)."""
    tid = ws.tenant(tenant).id
    at = now()
    ran_ok = {r.code for r in run.rules if r.ok}
    changes = dict.fromkeys(("opened", "reopened", "resolved", "expired", "seen"), 0)
    found = [(f.fingerprint, f) for f in run.findings]
    seen = {fp for fp, _ in found}
    with ws.session() as s, s.begin():
        records = {r.fingerprint: dict(r._mapping)
                   for r in s.execute(select(*_STATE).where(FindingRecord.tenant_id == tid))}
        events: list[dict[str, Any]] = []

        def change(rec: dict[str, Any], action: str, after: Lifecycle, reason: str | None) -> None:
            events.append({"fingerprint": rec["fingerprint"], "at": at, "action": action,
                           "before": rec["lifecycle"], "after": after.value, "reason": reason, "by": BALISE})
            rec["lifecycle"], rec["reason"], rec["changed"] = after.value, reason, True
            changes[action] += 1

        for rec in records.values():
            if rec["lifecycle"] == Lifecycle.SUPPRESSED and rec["suppressed_until"] and rec["suppressed_until"] <= at:
                change(rec, "expired", Lifecycle.OPEN, None)  # a reopened or expired finding has no reason
                rec["suppressed_until"] = None
        manual = _resolved_by_people(s, [records[fp]["id"] for fp, _ in found
                                         if fp in records and records[fp]["lifecycle"] == Lifecycle.RESOLVED])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for fp, f in found:
            values = _values(f)
            failing = f.status in _FAILING
            known = records.get(fp)
            if known is None:
                rec = {"fingerprint": fp, "lifecycle": None, "reason": None, "suppressed_until": None}
                change(rec, "opened" if failing else "resolved", Lifecycle.OPEN if failing else Lifecycle.RESOLVED,
                       None if failing else "PASS")
                inserts.append({**values, "tenant_id": tid, "fingerprint": fp, "first_seen": at, "last_seen": at,
                                "updated_at": at, "lifecycle": rec["lifecycle"], "reason": rec["reason"],
                                "suppressed_until": None})
                continue
            rec = known
            changes["seen"] += 1
            if failing and rec["lifecycle"] == Lifecycle.RESOLVED:
                resolved_on = manual.get(rec["id"])
                if resolved_on is None or run.as_of > resolved_on:
                    change(rec, "reopened", Lifecycle.OPEN, None)
            elif not failing and rec["lifecycle"] in _ACTIVE:
                change(rec, "resolved", Lifecycle.RESOLVED, "PASS")
            updates.append({**values, "id": rec["id"], "last_seen": at, "updated_at": at,
                            "lifecycle": rec["lifecycle"], "reason": rec["reason"],
                            "suppressed_until": rec["suppressed_until"]})
        for fp, rec in records.items():
            if fp in seen:
                continue
            if resolve_absent and rec["lifecycle"] in _ACTIVE:
                if rec["code"] not in enabled:
                    change(rec, "resolved", Lifecycle.RESOLVED, "rule disabled")
                elif rec["code"] in ran_ok:
                    change(rec, "resolved", Lifecycle.RESOLVED, "no longer found")
        moved = [{"id": r["id"], "lifecycle": r["lifecycle"], "reason": r["reason"],
                  "suppressed_until": r["suppressed_until"], "updated_at": at}
                 for fp, r in records.items() if fp not in seen and r.get("changed")]
        table = FindingRecord.__table__
        by_id = update(table).where(table.c.id == bindparam("_id"))  # type: ignore[arg-type]
        for rows in (updates, moved):
            if rows:  # one executemany per shape of row
                s.execute(by_id, [{"_id": r.pop("id"), **r} for r in rows])
        ids = {fp: rec["id"] for fp, rec in records.items()}
        if inserts:
            q = insert(FindingRecord).returning(FindingRecord.id, FindingRecord.fingerprint)
            ids.update((fp, id) for id, fp in s.execute(q, inserts))
        if events:
            s.execute(insert(FindingEvent), [{"finding_id": ids[e.pop("fingerprint")], **e} for e in events])
    return changes


def _values(f: Finding) -> dict[str, Any]:
    """A finding's stored figures and texts (both languages)."""
    return {"code": f.code, "domain": f.domain.value, "severity": f.severity.value, "status": f.status.value,
            "subject": {k: getattr(f.subject, k) for k in ("kind", "id", "name", "provider", "account", "region")},
            "title_en": f.title.render("en"), "title_fr": f.title.render("fr"),
            "remediation_en": f.remediation.render("en"), "remediation_fr": f.remediation.render("fr"),
            "evidence": f.evidence,
            "monthly_saving_eur": None if f.monthly_saving_eur is None else round(f.monthly_saving_eur, 2),
            "monthly_kgco2e": f.monthly_kgco2e, "owner": f.owner}


def _resolved_by_people(s: Session, ids: list[int]) -> dict[int, date]:
    """For resolved records whose last resolution was a person's: the day they resolved it."""
    last: dict[int, tuple[datetime, str | None]] = {}
    for i in range(0, len(ids), 1000):
        q = (select(FindingEvent.finding_id, FindingEvent.at, FindingEvent.by)
             .where(FindingEvent.finding_id.in_(ids[i:i + 1000]), FindingEvent.action == "resolved")
             .order_by(FindingEvent.at, FindingEvent.id))
        for fid, at, by in s.execute(q):
            last[fid] = (at, by)
    return {fid: at.date() for fid, (at, by) in last.items() if by != BALISE}


# --- listing -------------------------------------------------------------------------------------------------

def list_findings(ws: Workspace, tenant: str, *, domain: str | None = None, status: str | None = None,
                  lifecycle: str | Sequence[str] | None = None, severity: str | None = None,
                  owner: str | None = None, fingerprints: Iterable[str] | None = None) -> list[FindingView]:
    """The tenant's stored findings, most severe first then largest saving. ``severity`` keeps that severity
    and worse; ``status`` is the listed one (SKIPPED for a valid suppression); ``fingerprints`` restricts the
    list to those (e.g. the findings of one run)."""
    dom = _choice(domain, [d.value for d in Domain], rm.W_DOMAIN)
    st = _choice(status.upper() if status else None, [x.value for x in Status], rm.W_STATUS)
    sev = Severity(_choice(severity.lower() if severity else None, [x.value for x in Severity], rm.W_SEVERITY)
                   or Severity.INFO)
    lifecycles = [lifecycle] if isinstance(lifecycle, str) else list(lifecycle or [])
    for lc in lifecycles:
        _choice(lc, [x.value for x in Lifecycle], rm.W_LIFECYCLE)
    tid = ws.tenant(tenant).id
    at = now()
    q = select(*FindingRecord.__table__.c).where(FindingRecord.tenant_id == tid)  # rows, not ORM objects
    if dom:
        q = q.where(FindingRecord.domain == dom)
    if lifecycles:
        q = q.where(FindingRecord.lifecycle.in_(lifecycles))
    if fingerprints is not None:
        q = q.where(FindingRecord.fingerprint.in_(list(fingerprints)))
    with ws.session() as s:
        views = [_view(r, at) for r in s.execute(q)]
    rank = {x.value: x.rank for x in Severity}
    views = [v for v in views if rank[v.severity] <= sev.rank and (st is None or v.status == st)
             and (owner is None or (v.owner or "").lower() == owner.lower())]
    return sorted(views, key=lambda v: (rank[v.severity], -(v.monthly_saving_eur or 0.0), v.code, v.id))


def get_finding(ws: Workspace, tenant: str, id: int | str) -> FindingView:
    with ws.session() as s:
        return _view(_record(s, ws, tenant, id), now())


def finding_events(ws: Workspace, tenant: str, id: int | str) -> list[FindingEvent]:
    """A finding's history, oldest first."""
    with ws.session() as s:
        rec = _record(s, ws, tenant, id)
        return list(s.scalars(select(FindingEvent).where(FindingEvent.finding_id == rec.id)
                              .order_by(FindingEvent.at, FindingEvent.id)))


def _view(r: Any, at: datetime) -> FindingView:
    """A record (ORM object or row) as listed."""
    suppressed = r.lifecycle == Lifecycle.SUPPRESSED and (r.suppressed_until is None or r.suppressed_until > at)
    return FindingView(
        id=r.id, fingerprint=r.fingerprint, code=r.code, domain=r.domain, severity=r.severity,
        status=Status.SKIPPED.value if suppressed else r.status, lifecycle=r.lifecycle,
        title=_literal(r.title_en, r.title_fr), remediation=_literal(r.remediation_en, r.remediation_fr),
        subject=dict(r.subject), evidence=dict(r.evidence), monthly_saving_eur=r.monthly_saving_eur,
        monthly_kgco2e=r.monthly_kgco2e, owner=r.owner, first_seen=r.first_seen, last_seen=r.last_seen,
        reason=r.reason, suppressed_until=r.suppressed_until.date() if r.suppressed_until else None)


def _literal(en: str, fr: str) -> Text:
    """Stored text in both languages (braces escaped: it is not a template any more)."""
    return Msg(en.replace("{", "{{").replace("}", "}}"), fr.replace("{", "{{").replace("}", "}}"))()


def _choice(value: str | None, known: list[str], what: Msg) -> str | None:
    if value is not None and value not in known:
        raise UsageError(rm.BAD_CHOICE(what=what(), value=value, known=", ".join(known)))
    return value


# --- decisions -----------------------------------------------------------------------------------------------

def acknowledge(ws: Workspace, tenant: str, id: int | str, reason: str, by: str | None = None) -> FindingView:
    """Someone is on it: open (or suppressed) → acknowledged."""
    return _decide(ws, tenant, id, "acknowledged", Lifecycle.ACKNOWLEDGED, reason, by, "ack")


def suppress(ws: Workspace, tenant: str, id: int | str, reason: str, until: date | None = None,
             by: str | None = None) -> FindingView:
    """Hide a finding until ``until`` (default: in SUPPRESS_DAYS days); it expires at 00:00 UTC that day."""
    today = now().date()
    until = until or today + timedelta(days=SUPPRESS_DAYS)
    if until <= today:
        raise UsageError(rm.UNTIL_PAST(until=until.isoformat(), today=today.isoformat()))
    return _decide(ws, tenant, id, "suppressed", Lifecycle.SUPPRESSED, reason, by, "suppress",
                   until=datetime(until.year, until.month, until.day))


def resolve(ws: Workspace, tenant: str, id: int | str, reason: str, by: str | None = None) -> FindingView:
    """Mark a finding resolved; it reopens if bills after today still show it."""
    return _decide(ws, tenant, id, "resolved", Lifecycle.RESOLVED, reason, by, "resolve")


def _decide(ws: Workspace, tenant: str, id: int | str, action: str, after: Lifecycle, reason: str,
            by: str | None, verb: str, until: datetime | None = None) -> FindingView:
    if not reason or not reason.strip():
        raise UsageError(rm.REASON_REQUIRED())
    at = now()
    with ws.session() as s, s.begin():
        rec = _record(s, ws, tenant, id)
        if rec.lifecycle == Lifecycle.RESOLVED:
            raise UsageError(rm.BAD_TRANSITION(id=rec.id, lifecycle=rec.lifecycle, action=verb))
        s.add(FindingEvent(finding_id=rec.id, at=at, action=action, before=rec.lifecycle, after=after.value,
                           reason=reason.strip(), by=by))
        rec.lifecycle, rec.reason, rec.updated_at = after.value, reason.strip(), at
        rec.suppressed_until = until
        s.flush()
        return _view(rec, at)


def _record(s: Session, ws: Workspace, tenant: str, id: int | str) -> FindingRecord:
    tid = ws.tenant(tenant).id
    key = str(id).strip()
    q = select(FindingRecord).where(FindingRecord.tenant_id == tid)
    q = q.where(FindingRecord.id == int(key)) if key.isdigit() else q.where(FindingRecord.fingerprint == key)
    rec = s.scalar(q) if key and (not key.isdigit() or int(key) < 2**31) else None  # PostgreSQL integer
    if rec is None:
        raise UsageError(rm.FINDING_UNKNOWN(id=key, tenant=tenant))
    return rec


# --- policies --------------------------------------------------------------------------------------------------

def policy_schema(registry: Registry | None = None) -> dict[str, Any]:
    return policy.policy_schema(registry or default_registry())


@dataclass(frozen=True)
class PolicySummary:
    policy: policy.Policy
    enabled: list[str]  # codes of the rules it runs
    total: int  # rules in the registry


def validate_policy(path: Path, registry: Registry | None = None) -> PolicySummary:
    """Check a policy file (PolicyError, exit 2, naming file, line and column)."""
    reg = registry or default_registry()
    pol = policy.load(path, reg)
    return PolicySummary(pol, [s.rule.code for s in pol.select(reg)], len(reg))


def import_policy(ws: Workspace, tenant: str, path: Path, registry: Registry | None = None) -> PolicySummary:
    """Validate a policy file, then make it the tenant's policy; a bad file changes nothing."""
    ws.tenant(tenant)
    summary = validate_policy(path, registry)
    pol = summary.policy
    tid = ws.tenant(tenant).id
    at = now()
    with ws.session() as s, s.begin():
        row = s.scalar(select(TenantSetting).where(TenantSetting.tenant_id == tid, TenantSetting.key == POLICY_KEY))
        if row is None:
            row = TenantSetting(tenant_id=tid, key=POLICY_KEY)
            s.add(row)
        row.value, row.source, row.updated_at = pol.document, pol.source, at
    return summary


def stored_policy(ws: Workspace, tenant: str) -> TenantSetting | None:
    """The tenant's stored policy (its document and YAML source), or None."""
    tid = ws.tenant(tenant).id
    with ws.session() as s:
        return s.scalar(select(TenantSetting).where(TenantSetting.tenant_id == tid,
                                                    TenantSetting.key == POLICY_KEY))


def tenant_policy(ws: Workspace, tenant: str, registry: Registry | None = None) -> policy.Policy:
    """The tenant's policy, or the default one (every rule, default parameters)."""
    row = stored_policy(ws, tenant)
    if row is None:
        return policy.Policy()
    try:
        return policy.from_document(row.value, registry or default_registry(), row.source)
    except UsageError as e:
        raise UsageError(rm.POLICY_STORED_BAD(tenant=tenant, error=e.text)) from None


# --- the rule catalogue ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    domain: str
    severity: str
    groups: tuple[str, ...]
    summary: str
    params: dict[str, Any]  # name → {type, default, description, minimum, maximum, enum}


def rules_catalog(registry: Registry | None = None) -> list[RuleInfo]:
    reg = registry or default_registry()
    return [RuleInfo(r.code, r.name, r.domain.value, r.severity.value, tuple(r.groups), policy.summary(r),
                     policy.params_schema(r)["properties"])
            for r in reg]


# Rules whose findings are alternatives to weigh, not savings to add up (a cheaper offer at another provider).
OPTION_GROUPS = frozenset({"offers"})


def option_codes(registry: Registry | None = None) -> set[str]:
    return {r.code for r in registry or default_registry() if OPTION_GROUPS & set(r.groups)}


@dataclass(frozen=True)
class Savings:
    total_eur: float  # FAIL findings, each subject once at its largest saving
    options_eur: float  # the largest option per subject, not in the total
    findings: int  # FAIL findings counted in the total


def savings(views: Sequence[FindingView], registry: Registry | None = None) -> Savings:
    """Estimated monthly savings of FAIL findings without double counting: a VM that is both oversized and
    forgotten is saved once (at the larger figure); options (other providers' offers) are counted apart."""
    options = option_codes(registry)
    best: dict[tuple[str, str], float] = {}
    best_option: dict[tuple[str, str], float] = {}
    n = 0
    for v in views:
        if v.status != Status.FAIL or not v.monthly_saving_eur:
            continue
        key = (str(v.subject.get("kind")), str(v.subject.get("id")))
        target = best_option if v.code in options else best
        target[key] = max(target.get(key, 0.0), v.monthly_saving_eur)
        n += v.code not in options
    return Savings(sum(best.values()), sum(best_option.values()), n)
