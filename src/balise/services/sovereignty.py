"""Sovereignty: the tenant's workloads file, the sovereignty view (score, data location table, gaps), the
report section and the demo company's declarations.

The workloads file (``balise.compliance.workloads``) is validated against its schema and the reference
(unknown category, pack, provider, region or country: a ``BadSourceError`` naming file:line:column, exit 2),
then stored whole in ``TenantSetting(key="workloads")`` with its YAML, in one write: a bad file changes
nothing. Without one, the default packs apply and resources are classified by their ``data-class`` tag only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from balise import engine
from balise.compliance.assess import Assessment, Placement
from balise.compliance.packs import PACKS
from balise.compliance.workloads import SCHEMA, Config, problems
from balise.domain.findings import Finding, Severity
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.i18n import sovereignty_messages as sm
from balise.kpis import yamldoc
from balise.reference.fx import Rates
from balise.reference.offers import default_catalog
from balise.reference.sovereignty import Reference, default_reference
from balise.rules import sovereignty_rules as sr
from balise.rules.context import RuleContext
from balise.services.settings import get_setting, get_setting_source, put_setting
from balise.services.workspace import Workspace

SETTING = "workloads"
DEMO_FILE = "workloads.yaml"  # in balise/demo


# --- the workloads file ---------------------------------------------------------------------------------------

def parse_workloads(text: str, file: str, base: Reference | None = None) -> dict[str, Any]:
    """A validated workloads document; the first problem raises, located as file:line:column."""
    doc = yamldoc.parse(text, file)
    if doc.data is None:
        raise doc.fail([], sm.WL_EMPTY(), sm.HINT_WORKLOADS())
    yamldoc.validate(doc, SCHEMA, sm.HINT_WORKLOADS())
    for path, name, args in problems(doc.data, base or default_reference()):
        raise doc.fail(path, getattr(sm, "WL_" + name)(**args), sm.HINT_WORKLOADS(),
                       value=str(args.get("value", "")) or None)
    return dict(doc.data)


@dataclass
class WorkloadsImport:
    tenant: str
    workloads: int
    packs: tuple[str, ...]
    replaced: bool


def import_workloads(ws: Workspace, tenant: str, path: Path) -> WorkloadsImport:
    ws.tenant(tenant)
    if not path.is_file():
        raise UsageError(m.NO_SUCH_PATH(path=str(path)))
    text = path.read_text(encoding="utf-8-sig")
    return _store(ws, tenant, text, str(path))


def _store(ws: Workspace, tenant: str, text: str, file: str) -> WorkloadsImport:
    doc = parse_workloads(text, file)
    replaced = get_setting(ws, tenant, SETTING) is not None
    put_setting(ws, tenant, SETTING, doc, text)
    cfg = Config.from_dict(doc)
    return WorkloadsImport(tenant, len(cfg.workloads), cfg.packs, replaced)


def config(ws: Workspace, tenant: str) -> Config:
    doc = get_setting(ws, tenant, SETTING)
    return Config.from_dict(doc) if doc else Config()


def workloads_source(ws: Workspace, tenant: str) -> str | None:
    return get_setting_source(ws, tenant, SETTING)


def compliance_input(cfg: Config, source: str | None = None) -> sr.ComplianceInput:
    ref = default_reference()
    if cfg.reference:
        ref = ref.extend(cfg.reference, source or "workloads file")
    return sr.ComplianceInput(cfg, ref, default_catalog(), source)


def context_input(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    """What the sovereignty rules read from a RuleContext (``ctx.input("compliance")``)."""
    cfg = config(ws, tenant)
    return compliance_input(cfg, "workloads file" if cfg.declared else None)


# --- the sovereignty view -------------------------------------------------------------------------------------

@dataclass
class PlacementView:
    placement: Placement
    packs: tuple[str, ...]
    gaps: list[Finding] = field(default_factory=list)


@dataclass
class SovereigntyView:
    tenant: str
    month: str
    period: dict[str, str]
    assessment: Assessment
    placements: list[PlacementView]
    gaps: list[Finding]  # every sovereignty finding (FAIL and UNKNOWN), worst first
    seconds: float = 0.0

    @property
    def score(self) -> int:
        return self.assessment.score.score


def sovereignty(ws: Workspace, tenant: str, month: str | None = None, *, rates: Rates | None = None,
                ctx: RuleContext | None = None) -> SovereigntyView:
    import time

    from balise.rules.base import Registry
    from balise.rules.engine import run
    from balise.services.context import rule_context
    from balise.services.findings import tenant_policy

    t0 = time.perf_counter()
    ctx = ctx or rule_context(ws, tenant, month, rates=rates)
    a = sr.assessment(ctx)
    assert a is not None  # context_input always gives an input
    registry = Registry(sr.RULES)
    found = run(ctx, registry, tenant_policy(ws, tenant)).findings
    gaps = sorted((f for f in found if f.status.value in ("FAIL", "UNKNOWN")),
                  key=lambda f: (Severity(f.severity).rank, f.code, f.subject.id))
    views = []
    by_subject: dict[str, list[Finding]] = {}
    for f in gaps:
        by_subject.setdefault(f.subject.id, []).append(f)
    for pl in a.placements:
        views.append(PlacementView(pl, a.packs_of(pl), by_subject.get(pl.key, [])))
    return SovereigntyView(tenant, ctx.end, {"start": f"{ctx.start}-01", "end": ctx.as_of.isoformat()}, a, views,
                           gaps, time.perf_counter() - t0)


def certification_list(certs: dict[str, str]) -> list[dict[str, str]]:
    from balise.reference.sovereignty import CERTIFICATIONS

    return [{"certification": k, "label": CERTIFICATIONS.get(k, k), "status": v} for k, v in certs.items()]


def placement_json(v: PlacementView) -> dict[str, Any]:
    pl = v.placement
    loc = pl.location
    return {"workload": pl.group, "declared": pl.declared, "provider": loc.provider_key,
            "provider_name": loc.provider.name if loc.provider else None,
            "provider_status": loc.provider.fact.status if loc.provider else None,
            "region": loc.region.code if loc.region else loc.region_code, "region_as_billed": loc.region_code,
            "city": loc.region.city if loc.region else None,
            "region_status": loc.region.fact.status if loc.region else None,
            "country": loc.country.code if loc.country else None, "eu": loc.eu, "eea": loc.eea,
            "jurisdiction": loc.jurisdiction, "us_law_exposure": loc.provider.us_law_exposure if loc.provider else None,
            "certifications": certification_list(pl.certifications()),
            "data_categories": list(pl.categories), "packs": list(v.packs), "resources": len(pl.resources),
            "monthly_eur": round(pl.monthly_eur, 2),
            "gaps": [{"code": f.code, "status": f.status.value, "severity": f.severity.value, "title": str(f.title),
                      "kind": f.evidence.get("kind"),
                      "references": [r["id"] for r in f.evidence.get("references", [])]} for f in v.gaps]}


def finding_json(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "status": f.status.value, "severity": f.severity.value, "fingerprint": f.fingerprint,
            "subject": {"kind": f.subject.kind, "id": f.subject.id, "name": f.subject.name,
                        "provider": f.subject.provider, "region": f.subject.region, "account": f.subject.account},
            "title": str(f.title), "remediation": str(f.remediation), "owner": f.owner,
            "kind": f.evidence.get("kind"), "references": f.evidence.get("references", []),
            "alternative": f.evidence.get("alternative")}


def view_json(v: SovereigntyView) -> dict[str, Any]:
    s = v.assessment.score
    cfg = v.assessment.config
    return {"tenant": v.tenant, "month": v.month, "period": v.period, "score": s.score,
            "breakdown": s.breakdown, "weights": s.weights, "spend_eur_month": s.spend_eur,
            "sensitive_workloads": {"total": s.sensitive_workloads, "compliant": s.sensitive_ok},
            "unverified_share": s.unverified_share, "packs": list(cfg.packs), "sensitive_categories":
            sorted(v.assessment.sensitive), "workloads_file": cfg.declared,
            "unclassified": {"resources": len(v.assessment.unclassified),
                             "monthly_eur": round(sum(p.monthly_eur for p in v.assessment.unclassified), 2)},
            "workloads": [placement_json(p) for p in v.placements],
            "gaps": [finding_json(f) for f in v.gaps]}


# --- `balise workloads list` ----------------------------------------------------------------------------------

@dataclass
class WorkloadLine:
    name: str
    declared: bool
    data: tuple[str, ...]
    packs: tuple[str, ...]
    match: dict[str, Any]
    resources: int
    monthly_eur: float
    providers: list[str]


def list_workloads(ws: Workspace, tenant: str) -> tuple[Config, list[WorkloadLine]]:
    """The declared workloads with the resources each matches (current resources; needs billing data)."""
    from balise.services.context import rule_context

    cfg = config(ws, tenant)
    counts: dict[str, list[Any]] = {}
    try:
        ctx = rule_context(ws, tenant)
    except UsageError:  # no data yet: the workloads are listed without resources
        ctx = None
    if ctx is not None:
        a = sr.assessment(ctx)
        assert a is not None
        for p in a.placed:
            if p.workload is not None:
                counts.setdefault(p.workload.name, []).append(p)
    out = []
    for w in cfg.workloads:
        ps = counts.get(w.name, [])
        every: dict[str, Any] = {"tags": {k: list(x) for k, x in w.match.tags.items()},
                                 "accounts": list(w.match.accounts), "resources": list(w.match.resources),
                                 "providers": list(w.match.providers), "regions": list(w.match.regions)}
        match = {k: v for k, v in every.items() if v}
        out.append(WorkloadLine(w.name, True, w.data, cfg.packs_of(w), match, len(ps),
                                round(sum(p.monthly_eur for p in ps), 2),
                                sorted({p.location.provider_key for p in ps})))
    return cfg, out


# --- report hook and demo -------------------------------------------------------------------------------------

def report_section(ws: Workspace, out: Any, rates: Any) -> None:
    """Add this capability's figures to a ``Report`` (``out.extra["sovereignty"]``, ``out.sections``)."""
    try:
        v = sovereignty(ws, out.tenant, out.month, rates=rates)
    except UsageError:
        return
    high = sum(1 for f in v.gaps if f.severity in (Severity.CRITICAL, Severity.HIGH))
    out.extra["sovereignty"] = {
        "score": v.score, "breakdown": v.assessment.score.breakdown, "gaps": len(v.gaps), "critical_or_high": high,
        "unclassified_resources": len(v.assessment.unclassified), "packs": list(v.assessment.config.packs),
        "top_gaps": [finding_json(f) | {"title_en": f.title.render("en"), "title_fr": f.title.render("fr")}
                     for f in v.gaps[:5]]}
    out.sections.append("sovereignty")


def demo_workloads_text() -> str:
    return resources.files("balise.demo").joinpath(DEMO_FILE).read_text(encoding="utf-8")


def seed_demo(ws: Workspace, tenant: str) -> None:
    """The demo company's workloads file (``balise/demo/workloads.yaml``): health data in ``rdv-sante`` (AWS),
    personal CRM data in ``us-east-1``, the packs gdpr-baseline, hds and cnil-sensitive, eu-only for the data
    platform."""
    _store(ws, tenant, demo_workloads_text(), "balise/demo/" + DEMO_FILE)


def known_packs() -> list[str]:
    return list(PACKS)
