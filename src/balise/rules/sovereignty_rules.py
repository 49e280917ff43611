"""Sovereignty rules (SOV-0xx): where personal, health and sensitive data lives, under which law, on which
certified services; each gap with its legal reference and a compliant alternative from the offer catalog.

They read ``ctx.input("compliance")`` (a ``ComplianceInput``: the tenant's workloads file, or the defaults, and
the reference extended with the tenant's additions) and the shared per-resource aggregate; the assessment
(``balise.compliance.assess``) is computed once per context and shared by every rule and by
``balise sovereignty``. A subject is a *placement*: one workload at one (provider, region).

Every finding's evidence has ``kind`` (law | official-guidance | policy-choice), ``references`` (id, text,
URL) and ``alternative``: the cheapest catalog offers with at least the vCPUs and RAM of the placement's
compute resources, at a provider and region that meet the rule (prices with their date), or, when no catalog
offer can (SecNumCloud), the qualified services of the reference, unpriced, and a note saying so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from balise.compliance import packs as pk
from balise.compliance.assess import Assessment, Location, Placed, Placement, assess, locate, personal
from balise.compliance.workloads import Config
from balise.domain.findings import Domain, Finding, Severity, Status, Subject
from balise.i18n import Msg
from balise.i18n import sovereignty_messages as sm
from balise.reference.offers import Catalog, Offer
from balise.reference.sovereignty import COMPUTE_SERVICE, HDS, SECNUMCLOUD, UNVERIFIED, Reference
from balise.rules import resources as res
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext

OWNER = "DPO"
CURRENT_DAYS = 30  # resources billed within this many days of their provider's last day
MAX_LISTED = 20
COMPUTE_TYPES = res.VM_TYPES + res.NODE_TYPES + ("database instance", "cache node", "search domain", "compute cluster",
                                                  "app service plan", "sql database")
# Managed-service sizes the catalog does not list, as Microsoft publishes them (vCPU, GB): App Service Premium v3
# plans (P0v3 1/4 … P3v3 8/32) and SQL Database vCore Gen5 (5.1 GB per vCore).
_P_V3 = {0: (1.0, 4.0), 1: (2.0, 8.0), 2: (4.0, 16.0), 3: (8.0, 32.0)}
_PAAS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"\bP([0-3])\s*v3\b", re.I), lambda m: _P_V3[int(m[1])]),
    (re.compile(r"\bGP_Gen5_(\d+)\b", re.I), lambda m: (float(m[1]), round(5.1 * int(m[1]), 1))),
)
_SKU_PREFIX = re.compile(r"\b(db|cache)\.(?=[a-z]+\d)", re.I)  # db.r6g.xlarge, cache.r6g.large
_SKU_SUFFIX = re.compile(r"(?<=large)\.search\b", re.I)  # r6g.large.search


@dataclass(frozen=True)
class ComplianceInput:
    """What the rules read: the tenant's workloads configuration, the reference, the offer catalog."""

    config: Config
    reference: Reference
    catalog: Catalog | None
    source: str | None = None  # file the workloads were imported from, None for the defaults


# --- the shared assessment ------------------------------------------------------------------------------------

RECORD_KEYS = ("resource_id", "resource_name", "resource_type", "provider", "service", "account", "account_name",
               "region", "sku", "description", "currency", "last_day")


def records(ctx: RuleContext) -> list[dict[str, Any]]:
    """Current resources (billed within 30 days of their provider's last day) as assessment records."""
    def make() -> list[dict[str, Any]]:
        since = {p: d - timedelta(days=CURRENT_DAYS - 1) for p, d in res.provider_last_days(ctx).items()}
        out = []
        for r in ctx.resource_rows():
            if r["last_day"] < since[r.get("provider")]:
                continue
            monthly = res.monthly_cost(r)
            rec = {k: r.get(k) for k in RECORD_KEYS}
            rec["tags"], rec["monthly"] = res.tags(r), monthly
            rec["monthly_eur"] = ctx.to_eur(monthly, r["currency"]) if r.get("currency") else monthly
            out.append(rec)
        return out
    return ctx.cached("sovereignty:records", make)  # type: ignore[no-any-return]


def assessment(ctx: RuleContext) -> Assessment | None:
    ci: ComplianceInput | None = ctx.input("compliance")
    if ci is None:
        return None
    return ctx.cached("sovereignty:assessment",  # type: ignore[no-any-return]
                      lambda: assess(records(ctx), ci.config, ci.reference))


# --- compliant alternatives -----------------------------------------------------------------------------------

REQUIREMENT_CHECKS = ("eea", "eu", "non_us", "eu_law_only", "hds", "secnumcloud")


def _meets(ref: Reference, loc: Location, service: str | None, reqs: frozenset[str]) -> bool:
    if "eea" in reqs and not loc.eea:
        return False
    if "eu" in reqs and not loc.eu:
        return False
    if "non_us" in reqs and loc.us_exposed:
        return False
    if "eu_law_only" in reqs and not loc.eu_law_only:
        return False
    certs = {c.name for c in ref.certifications_for(loc.provider_key, service, loc.region) if c.fact.verified}
    if "hds" in reqs and HDS not in certs:
        return False
    return not ("secnumcloud" in reqs and SECNUMCLOUD not in certs)


def targets(ref: Reference, catalog: Catalog, reqs: frozenset[str], prefer_country: str | None) -> dict[str, Location]:
    """For each catalog provider, a region where its compute service meets ``reqs`` (the current country
    first, then France, then the reference's order); providers with verified facts first."""
    out: dict[str, Location] = {}
    for provider in catalog.providers():
        service = COMPUTE_SERVICE.get(provider)
        regions = sorted(ref.regions_of(provider),
                         key=lambda r: (r.country != prefer_country, r.country != "FR", not r.fact.verified, r.code))
        for region in regions:
            loc = locate(ref, provider, region.code)
            if loc.known and _meets(ref, loc, service, reqs):
                out[provider] = loc
                break
    order = sorted(out.items(), key=lambda kv: (kv[1].country is None or kv[1].country.code != prefer_country,
                                                 bool(kv[1].unverified), kv[0]))
    return dict(order)


@functools.lru_cache(maxsize=4096)
def _clean_sku(sku: str | None) -> str | None:
    return _SKU_SUFFIX.sub("", _SKU_PREFIX.sub("", sku)) if sku else sku


def _size(catalog: Catalog, p: Placed) -> Offer | None:
    r = p.row
    if not res.is_type(r, COMPUTE_TYPES):
        return None
    resolved = catalog.resolve(r.get("provider"), _clean_sku(r.get("sku")), _clean_sku(r.get("description")))
    if resolved is not None and resolved.size is not None:
        return resolved.size
    return _paas_size(r.get("provider"), r.get("description"))


@functools.lru_cache(maxsize=1024)
def _paas_size(provider: str | None, description: str | None) -> Offer | None:
    """A pseudo-offer giving the size of a managed service (Azure App Service plan, SQL Database), no price."""
    if provider != "azure" or not description:
        return None
    for pattern, size in _PAAS:
        if m := pattern.search(description):
            vcpu, ram = size(m)
            return Offer(provider, m[0], vcpu, ram, 0, None, "x86", 0.0, 0.0, "", "", False, "general",
                         "Microsoft published size")
    return None


def alternative(ctx: RuleContext, a: Assessment, pl: Placement, reqs: frozenset[str]) -> dict[str, Any]:
    key = f"sovereignty:alt:{pl.key}:{sorted(reqs)}"
    return ctx.cached(key, lambda: _alternative(ctx, a, pl, reqs))  # type: ignore[no-any-return]


def _alternative(ctx: RuleContext, a: Assessment, pl: Placement, reqs: frozenset[str]) -> dict[str, Any]:
    ci: ComplianceInput = ctx.input("compliance")
    ref, catalog = a.reference, ci.catalog
    base: dict[str, Any] = {"requirements": sorted(reqs)}
    if catalog is None:
        return {**base, "found": False, "note": sm.ALT_NO_CATALOG.en, "note_fr": sm.ALT_NO_CATALOG.fr}
    sizes = [(p, _size(catalog, p)) for p in pl.resources]
    compute = [(p, s) for p, s in sizes if s is not None]
    other = [p for p, s in sizes if s is None]
    where = targets(ref, catalog, reqs, pl.location.country.code if pl.location.country else None)
    best: tuple[float, str, list[tuple[Placed, Offer, Offer]]] | None = None
    cheapest: dict[tuple[Any, ...], Offer | None] = {}  # a fleet repeats a few sizes
    for provider in where:
        chosen: list[tuple[Placed, Offer, Offer]] = []
        for p, size in compute:
            k = (provider, size.vcpu, size.ram_gb, size.gpu_count, size.gpu_model, size.shared_cpu)
            if k not in cheapest:
                cheapest[k] = next(iter(catalog.iter_equivalents(
                    size.vcpu, size.ram_gb, size.gpu_count, size.gpu_model, providers=[provider],
                    shared_cpu=None if size.shared_cpu else False)), None)
            offer = cheapest[k]
            if offer is None:
                break
            chosen.append((p, size, offer))
        else:
            total = sum(o.price_eur_month for _, _, o in chosen)
            if best is None or total < best[0]:
                best = (total, provider, chosen)
    qualified = [c.describe() | {"provider": c.provider} for c in ref.certifications
                 if c.name == SECNUMCLOUD and c.fact.verified] if "secnumcloud" in reqs else []
    if best is None or not compute:
        note = sm.ALT_NONE_IN_CATALOG if compute or not where else sm.ALT_NO_COMPUTE
        loc = next(iter(where.values()), None) if where else None
        return {**base, "found": False, "target": _target(loc, ref) if loc else None,
                "qualified_services": qualified, "note": note.en, "note_fr": note.fr,
                "other_resources": len(other), "other_monthly_eur": round(sum(p.monthly_eur for p in other), 2)}
    total, provider, chosen = best
    loc = where[provider]
    return {**base, "found": True, "target": _target(loc, ref),
            "compute": [{"resource": p.row.get("resource_name") or p.row["resource_id"],
                         "current": {"provider": p.row.get("provider"), "offer": size.name, "vcpu": size.vcpu,
                                     "ram_gb": size.ram_gb, "billed_monthly_eur": round(p.monthly_eur, 2)},
                         "alternative": offer.describe()} for p, size, offer in chosen[:MAX_LISTED]],
            "compute_resources": len(chosen),
            "monthly_eur": round(total, 2),
            "current_compute_monthly_eur": round(sum(p.monthly_eur for p, _, _ in chosen), 2),
            "price_dates": sorted({o.price_date for _, _, o in chosen}),
            "other_resources": len(other), "other_monthly_eur": round(sum(p.monthly_eur for p in other), 2),
            "note": sm.ALT_NOTE.en, "note_fr": sm.ALT_NOTE.fr}


def _target(loc: Location, ref: Reference) -> dict[str, Any]:
    service = COMPUTE_SERVICE.get(loc.provider_key)
    certs = ref.certifications_for(loc.provider_key, service, loc.region)
    return {**loc.describe(), "service": service,
            "certifications": [{"certification": c.name, "status": c.fact.status} for c in certs]}


def alt_text(alt: dict[str, Any]) -> Msg:
    """A short, bilingual phrase for a title or remediation: "Scaleway fr-par, PRO2-S… 123 €/month (2026-08)"."""
    t = alt.get("target") or {}
    if alt.get("found"):
        en = sm.ALT_SHORT.en.format(provider=t.get("provider"), region=t.get("region"),
                                    price=res.money_text(alt["monthly_eur"], "EUR").render("en"),
                                    date=", ".join(alt["price_dates"]))
        fr = sm.ALT_SHORT.fr.format(provider=t.get("provider"), region=t.get("region"),
                                    price=res.money_text(alt["monthly_eur"], "EUR").render("fr"),
                                    date=", ".join(alt["price_dates"]))
        return Msg(en, fr)
    if alt.get("qualified_services"):
        names = ", ".join(sorted({f"{q['provider']} ({', '.join(q['regions'])})" for q in alt["qualified_services"]}))
        return Msg(sm.ALT_QUALIFIED.en.format(names=names), sm.ALT_QUALIFIED.fr.format(names=names))
    if t:
        return Msg(sm.ALT_REGION_ONLY.en.format(provider=t.get("provider"), region=t.get("region")),
                   sm.ALT_REGION_ONLY.fr.format(provider=t.get("provider"), region=t.get("region")))
    return sm.ALT_NOTHING


# --- the rules ------------------------------------------------------------------------------------------------

class _SovRule(Rule):
    domain = Domain.SOVEREIGNTY
    kind: str = pk.LAW
    pack: str = "gdpr-baseline"
    references: tuple[str, ...] = ()

    def placements(self, a: Assessment) -> Iterator[Placement]:
        for pl in a.placements:
            if self.pack in a.packs_of(pl):
                yield pl

    def gap(self, ctx: RuleContext, a: Assessment, pl: Placement, reqs: frozenset[str], args: dict[str, Any], *,
            status: Status = Status.FAIL, severity: Severity | None = None, kind: str | None = None,
            refs: tuple[str, ...] | None = None, extra: dict[str, Any] | None = None,
            resources: list[Placed] | None = None) -> Finding:
        alt = alternative(ctx, a, pl, reqs)
        loc = pl.location
        shown = resources if resources is not None else pl.resources
        args = {"workload": pl.group, "provider": loc.provider.name if loc.provider else loc.provider_key,
                "region": loc.region.code if loc.region else (loc.region_code or "global"),
                "country": loc.country.code if loc.country else "?", "alternative": alt_text(alt)(), **args}
        owners = {p.workload.owner for p in pl.resources if p.workload and p.workload.owner} or \
            {_owner(p) for p in pl.resources}
        evidence = {"period": res.period(ctx), "kind": kind or self.kind, "pack": self.pack,
                    "references": [pk.REFS[r].describe() for r in (refs or self.references)],
                    "workload": pl.group, "declared": pl.declared, "data_categories": list(pl.categories),
                    "location": loc.describe(), "provider": loc.provider.describe() if loc.provider else None,
                    "certifications": pl.certifications(),
                    "monthly_eur": round(pl.monthly_eur, 2), "resources_count": len(shown),
                    "resources": [{"id": p.row["resource_id"], "name": p.row.get("resource_name"),
                                   "service": p.row.get("service"), "monthly_eur": round(p.monthly_eur, 2)}
                                  for p in sorted(shown, key=lambda p: -p.monthly_eur)[:MAX_LISTED]],
                    "alternative": alt, **(extra or {})}
        subject = Subject(kind="workload", id=pl.key, name=f"{pl.group} ({loc.provider_key} {args['region']})",
                          provider=loc.provider_key, region=args["region"])
        return self.finding(subject, status=status, severity=severity, args=args, evidence=evidence,
                            owner=owners.pop() if len(owners) == 1 else OWNER)


def _owner(p: Placed) -> str:
    tags = p.row.get("tags") or {}
    return str(tags.get("owner") or tags.get("team") or OWNER)


def _base_reqs(a: Assessment, pl: Placement) -> set[str]:
    """What the law asks of this placement's data whatever the rule: EEA for personal data, HDS for health."""
    packs = a.packs_of(pl)
    reqs: set[str] = set()
    if personal(pl.categories) and "gdpr-baseline" in packs:
        reqs.add("eea")
    if "health" in pl.categories and "hds" in packs:
        reqs |= {"eea", "hds"}
    return reqs


class PersonalDataOutsideEea(_SovRule):
    """Personal data stored outside the EEA, in a country without a full EU adequacy decision.

    Bad:  the CRM exports (``data-class=personal``) in AWS ``us-east-1``: a transfer to the US that relies on
          the provider's Data Privacy Framework certification.
    Good: the same bucket in ``eu-west-3`` (Paris), or in a country with a full adequacy decision (Switzerland).
    """

    code = "SOV-001"
    name = "sovereignty.gdpr.personal-data-outside-eea"
    severity = Severity.HIGH
    groups = ("gdpr-baseline",)
    title = sm.SOV001
    remediation = sm.SOV001_FIX
    references = ("GDPR-44-49", "DPF-2023")

    @dataclass(frozen=True)
    class Params:
        full_adequacy_is_enough: bool = param(True, "A country with a full EU adequacy decision is not a gap.")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            loc = pl.location
            if not personal(pl.categories) or not loc.known or loc.eea:
                continue
            if loc.adequacy == "full" and params.full_adequacy_is_enough:
                continue
            dpf = loc.adequacy == "dpf"
            yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"eea", "non_us"}),
                           {"basis": (sm.BASIS_DPF if dpf else sm.BASIS_NONE)()},
                           severity=Severity.MEDIUM if dpf else None,
                           extra={"adequacy": loc.adequacy or None})


class UsLawExposure(_SovRule):
    """Personal data with a provider exposed to US law (CLOUD Act, FISA 702), wherever it is stored.

    Bad:  ``rdv-sante`` on AWS ``eu-west-3``: in Paris, but Amazon.com Inc. can be compelled by US authorities.
    Good: the same workload on OVHcloud or Scaleway (French groups, no US parent).
    """

    code = "SOV-002"
    name = "sovereignty.gdpr.us-law-exposure"
    severity = Severity.LOW
    groups = ("gdpr-baseline",)
    kind = pk.GUIDANCE
    title = sm.SOV002
    remediation = sm.SOV002_FIX
    references = ("US-CLOUD-ACT", "DPF-2023", "EDPB-01-2020")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            p = pl.location.provider
            if p is None or not p.us_exposed or not personal(pl.categories):
                continue
            status = Status.UNKNOWN if p.us_law_exposure == "contested" else Status.FAIL
            yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"non_us"}),
                           {"exposure": p.us_law_exposure, "entity": p.legal_entity}, status=status)


class HealthNotHds(_SovRule):
    """Health data on a service without a verified HDS certification for its region.

    Bad:  patient documents on a Scaleway bucket in ``nl-ams`` (Scaleway's HDS offers are in Paris only), or on
          OVHcloud whose HDS certification is unverified (UNKNOWN until checked).
    Good: the same data on Scaleway Object Storage in ``fr-par``, or on AWS ``eu-west-3`` (HDS v2 certified).
    """

    code = "SOV-003"
    name = "sovereignty.hds.not-certified"
    severity = Severity.HIGH
    groups = ("hds",)
    pack = "hds"
    title = sm.SOV003
    remediation = sm.SOV003_FIX
    references = ("CSP-L1111-8", "HDS-V2-2024")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            if "health" not in pl.categories or not pl.location.known:
                continue
            missing = pl.missing(HDS)
            if not missing:
                continue
            unverified = [p for p in missing if p.certs.get(HDS) == UNVERIFIED]
            status = Status.UNKNOWN if len(unverified) == len(missing) else Status.FAIL
            services = ", ".join(sorted({str(p.row.get("service")) for p in missing}))
            yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"eea", "hds"}), {"services": services},
                           status=status, resources=missing,
                           extra={"hds": {"missing": len(missing) - len(unverified), "unverified": len(unverified)}})


class HealthOutsideEea(_SovRule):
    """Health data stored outside the EEA: the HDS referential v2 requires storage exclusively in the EEA.

    Bad:  an appointment database in AWS ``us-east-1`` (even though AWS holds HDS v2 elsewhere).
    Good: the same database in ``eu-west-3`` or on Scaleway ``fr-par``.
    """

    code = "SOV-004"
    name = "sovereignty.hds.outside-eea"
    severity = Severity.CRITICAL
    groups = ("hds",)
    pack = "hds"
    title = sm.SOV004
    remediation = sm.SOV004_FIX
    references = ("HDS-V2-2024", "CSP-L1111-8")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            if "health" in pl.categories and pl.location.known and not pl.location.eea:
                yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"eea", "hds"}), {})


class SensitiveNotEuLaw(_SovRule):
    """Sensitive data (health, minors, criminal offences; plus the tenant's extra categories) with a provider
    not exclusively subject to EU law.

    Bad:  ``rdv-sante`` (health data) on AWS: HDS-certified and in Paris, but its parent is subject to US law;
          the CNIL recommends a provider exclusively subject to EU law (SecNumCloud or equivalent).
    Good: the same workload on Scaleway ``fr-par`` HDS instances (French group, no US parent).
    """

    code = "SOV-005"
    name = "sovereignty.cnil.sensitive-not-eu-law"
    severity = Severity.HIGH
    groups = ("cnil-sensitive",)
    pack = "cnil-sensitive"
    kind = pk.GUIDANCE
    title = sm.SOV005
    remediation = sm.SOV005_FIX
    references = ("CNIL-2024-07-19", "SNC-3.2")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            cats = set(pl.categories) & a.sensitive
            loc = pl.location
            if not cats or not loc.known:
                continue
            ok_but_unverified = loc.eu_law_only and loc.eea
            if ok_but_unverified and loc.provider is not None and loc.provider.fact.verified:
                continue
            by_law = cats & pk.CNIL_SENSITIVE
            kind = pk.GUIDANCE if by_law else pk.POLICY
            refs = self.references if by_law else ("POLICY-SENSITIVE", *self.references)
            yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"eea", "eu_law_only"}),
                           {"categories": pk.categories_text(sorted(cats))()},
                           status=Status.UNKNOWN if ok_but_unverified else Status.FAIL, kind=kind, refs=refs,
                           extra={"sensitive_by_law": sorted(by_law), "sensitive_by_policy": sorted(cats - by_law)})


class NotSecNumCloud(_SovRule):
    """A workload that chose the ``secnumcloud`` pack runs on services without a verified SecNumCloud
    qualification.

    Bad:  ``rdv-sante`` with ``packs: [secnumcloud]`` on AWS ``eu-west-3`` (no AWS service is qualified).
    Good: the same workload on Outscale ``cloudgouv-eu-west-1`` or OVHcloud Hosted Private Cloud (qualified).
    """

    code = "SOV-006"
    name = "sovereignty.secnumcloud.not-qualified"
    severity = Severity.HIGH
    groups = ("secnumcloud",)
    pack = "secnumcloud"
    kind = pk.POLICY
    title = sm.SOV006
    remediation = sm.SOV006_FIX
    references = ("POLICY-SNC", "SNC-3.2")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            if not pl.location.known:
                continue
            missing = pl.missing(SECNUMCLOUD)
            if not missing:
                continue
            unverified = [p for p in missing if p.certs.get(SECNUMCLOUD) == UNVERIFIED]
            status = Status.UNKNOWN if len(unverified) == len(missing) else Status.FAIL
            yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"secnumcloud"}),
                           {"count": len(missing)}, status=status, resources=missing)


class OutsideEu(_SovRule):
    """A workload that chose the ``eu-only`` pack has resources outside EU regions.

    Bad:  with ``packs: [eu-only]``, a CDN distribution with no region (served worldwide) or a VM in ``us-east-1``.
    Good: every resource in an EU region (``eu-west-3``, ``francecentral``, ``fr-par``…).
    """

    code = "SOV-007"
    name = "sovereignty.eu-only.outside-eu"
    severity = Severity.MEDIUM
    groups = ("eu-only",)
    pack = "eu-only"
    kind = pk.POLICY
    title = sm.SOV007
    remediation = sm.SOV007_FIX
    references = ("POLICY-EU-ONLY",)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        for pl in self.placements(a):
            if pl.location.known and not pl.location.eu:
                yield self.gap(ctx, a, pl, frozenset(_base_reqs(a, pl) | {"eu"}), {})


class Unclassified(Rule):
    """Resources whose data nobody has classified: no workload declares them and they carry no
    ``data-class`` tag (or only values that are no known category).

    Bad:  ``shop-data-01`` (EBS volume) tagged ``{"team": "web", "project": "boutique"}`` and no workload.
    Good: the volume tagged ``data-class=personal``, or matched by a workload of the workloads file.
    """

    code = "SOV-008"
    name = "sovereignty.classification.unclassified"
    domain = Domain.SOVEREIGNTY
    severity = Severity.LOW
    groups = ("gdpr-baseline", "classification")
    title = sm.SOV008
    remediation = sm.SOV008_FIX

    @dataclass(frozen=True)
    class Params:
        min_monthly_eur: float = param(0.0, "Report an account only when its unclassified resources cost at "
                                       "least this much a month.", minimum=0.0)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None or "gdpr-baseline" not in a.config.packs:
            return
        by: dict[tuple[str, str], list[Placed]] = {}
        for p in a.unclassified:
            by.setdefault((p.location.provider_key, str(p.row.get("account") or "")), []).append(p)
        for (provider, account), ps in sorted(by.items()):
            cost = sum(p.monthly_eur for p in ps)
            if cost < params.min_monthly_eur:
                continue
            name = ps[0].row.get("account_name") or account
            unrecognised = sorted({v for p in ps for v in p.unrecognised})
            yield self.finding(
                Subject(kind="account", id=f"{provider}:{account}", name=str(name), provider=provider,
                        account=account),
                args={"count": len(ps), "account": name, "provider": provider,
                      "cost": res.money_text(cost, "EUR"), "tag": a.config.classification_tag},
                evidence={"period": res.period(ctx), "kind": pk.POLICY, "pack": "gdpr-baseline",
                          "references": [pk.REFS["GDPR-30"].describe()], "monthly_eur": round(cost, 2),
                          "resources_count": len(ps), "unrecognised_values": unrecognised,
                          "resources": [{"id": p.row["resource_id"], "name": p.row.get("resource_name"),
                                         "service": p.row.get("service"), "region": p.row.get("region"),
                                         "monthly_eur": round(p.monthly_eur, 2)}
                                        for p in sorted(ps, key=lambda p: -p.monthly_eur)[:MAX_LISTED]],
                          "alternative": None},
                owner=OWNER)


class UnknownLocation(Rule):
    """A provider or region the sovereignty reference does not know: its jurisdiction cannot be judged.

    Bad:  a resource billed by provider ``acme`` in region ``par9``, in no reference file: UNKNOWN.
    Good: ``acme`` and ``par9`` declared in the ``reference:`` part of the workloads file (city, country).
    """

    code = "SOV-009"
    name = "sovereignty.reference.unknown-location"
    domain = Domain.SOVEREIGNTY
    severity = Severity.MEDIUM
    groups = ("reference",)
    title = sm.SOV009
    remediation = sm.SOV009_FIX

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        a = assessment(ctx)
        if a is None:
            return
        by: dict[tuple[str, str], list[Placed]] = {}
        for p in a.unknown:
            by.setdefault((p.location.provider_key, p.location.region_code or "global"), []).append(p)
        for (provider, region), ps in sorted(by.items()):
            what = "provider" if ps[0].location.provider is None else "region"
            yield self.finding(
                Subject(kind="region", id=f"{provider}:{region}", name=f"{provider} {region}", provider=provider,
                        region=region),
                status=Status.UNKNOWN,
                args={"provider": provider, "region": region, "count": len(ps)},
                evidence={"period": res.period(ctx), "kind": pk.POLICY, "unknown": what, "references": [],
                          "monthly_eur": round(sum(p.monthly_eur for p in ps), 2),
                          "resources": [p.row["resource_id"] for p in ps[:MAX_LISTED]], "alternative": None},
                owner=OWNER)


RULES: tuple[type[Rule], ...] = (PersonalDataOutsideEea, UsLawExposure, HealthNotHds, HealthOutsideEea,
                                 SensitiveNotEuLaw, NotSecNumCloud, OutsideEu, Unclassified, UnknownLocation)
