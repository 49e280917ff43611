"""Where each billed resource's data lives, under which law, with which certifications, and the sovereignty
score. Pure: takes resource records (plain dicts), the tenant's workloads ``Config`` and a ``Reference``.

A resource record has ``resource_id``, ``resource_name``, ``resource_type``, ``provider``, ``service``,
``account``, ``account_name``, ``region``, ``sku``, ``description``, ``tags`` (dict, lower-case keys) and
``monthly_eur`` (what it costs a month, in EUR).

**Placement**: the resources of one workload at one (provider, region). Resources of no declared workload are
grouped by their ``project`` tag (``project:<value>``), else by account (``account:<name>``).

**Sovereignty score** (0-100), from four shares, each in [0, 1]:

- ``eu_located``: share of spend in a region of the EEA;
- ``non_us_exposed``: share of spend with a provider not exposed to US law (``contested`` counts as exposed);
- ``certified``: share of spend on a service with a *verified* SecNumCloud qualification (counts 1) or a
  *verified* HDS certification in the EEA (counts 0.5) for its region; unverified facts count 0 (and the share
  of spend resting on an unverified provider, region, SecNumCloud or HDS fact is given as ``unverified_share``);
- ``sensitive_workloads``: share of the workloads holding sensitive data (health, minors, criminal, plus the
  tenant's extra categories) whose every placement is in the EEA, with a provider not exposed to US law, on a
  certified service (SecNumCloud, or HDS for health data).

score = 100 × (30·eu_located + 30·non_us_exposed + 15·certified + 25·sensitive_workloads) / 100; without any
sensitive workload, its weight is left out (score = 100 × (30·a + 30·b + 15·c) / 75).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from balise.compliance.packs import CNIL_SENSITIVE, PERSONAL
from balise.compliance.workloads import Config, Workload, tag_categories
from balise.reference.sovereignty import (
    HDS,
    SECNUMCLOUD,
    UNVERIFIED,
    VERIFIED,
    Certification,
    Country,
    Provider,
    Reference,
    Region,
)

WEIGHTS = {"eu_located": 30, "non_us_exposed": 30, "certified": 15, "sensitive_workloads": 25}
_RANK = {None: 0, UNVERIFIED: 1, VERIFIED: 2}


@dataclass(frozen=True)
class Location:
    provider_key: str
    region_code: str | None  # as billed
    provider: Provider | None
    region: Region | None
    country: Country | None

    @property
    def known(self) -> bool:
        return self.provider is not None and self.region is not None and self.country is not None

    @property
    def eea(self) -> bool:
        return self.country is not None and self.country.eea

    @property
    def eu(self) -> bool:
        return self.country is not None and self.country.eu

    @property
    def adequacy(self) -> str:
        return self.country.adequacy if self.country else ""

    @property
    def us_exposed(self) -> bool:
        return self.provider is None or self.provider.us_exposed

    @property
    def eu_law_only(self) -> bool:
        """Exclusively subject to EU law: provider not exposed to US law, headquarters and controlling owner in
        the EEA (what the CNIL asks for the most sensitive processing, SecNumCloud being one way to show it)."""
        if self.provider is None or self.provider.us_exposed:
            return False
        return all(c is not None and c.eea for c in (self._c(self.provider.hq_country),
                                                     self._c(self.provider.owner_country)))

    _countries: Mapping[str, Country] = field(default_factory=dict, compare=False, repr=False)

    def _c(self, code: str) -> Country | None:
        return self._countries.get(code)

    @property
    def unverified(self) -> list[str]:
        """Which facts of this location are unverified ("provider", "region")."""
        out = []
        if self.provider is not None and not self.provider.fact.verified:
            out.append("provider")
        if self.region is not None and not self.region.fact.verified:
            out.append("region")
        return out

    @property
    def jurisdiction(self) -> str:
        """Laws the data is subject to: the country's, the EU's when in the EU/EEA, and US law when exposed."""
        parts = []
        if self.country is not None:
            parts.append(self.country.code)
            if self.country.eea and self.country.code not in ("IS", "LI", "NO"):
                parts.append("EU")
            elif self.country.eea:
                parts.append("EEA")
        if self.provider is not None and self.provider.us_exposed and "US" not in parts:
            parts.append("US" + (" (contested)" if self.provider.us_law_exposure == "contested" else ""))
        return " + ".join(parts) or "?"

    def describe(self) -> dict[str, Any]:
        return {"provider": self.provider_key, "region": self.region.code if self.region else self.region_code,
                "region_as_billed": self.region_code, "city": self.region.city if self.region else None,
                "country": self.country.code if self.country else None, "eu": self.eu, "eea": self.eea,
                "adequacy": self.adequacy or None, "us_law_exposure": self.provider.us_law_exposure
                if self.provider else None, "exclusively_eu_law": self.eu_law_only,
                "jurisdiction": self.jurisdiction, "unverified": self.unverified}


def locate(ref: Reference, provider: str | None, region: str | None) -> Location:
    p = ref.provider(provider)
    r = ref.region(provider, region) if region else ref.region(provider, "global")
    c = ref.country(r.country) if r else None
    return Location((provider or "").lower(), region, p, r, c, ref.countries)


@dataclass
class Placed:
    """One resource: its workload, data categories and location."""

    row: dict[str, Any]
    workload: Workload | None
    group: str  # workload name, or project:<v> / account:<v>
    categories: tuple[str, ...]
    unrecognised: tuple[str, ...]  # classification tag values that are no known category
    location: Location
    certs: dict[str, str]  # certification -> best status covering this resource's service and region
    cert_facts: dict[str, Certification]
    monthly_eur: float = 0.0  # the record's monthly_eur


def cert_status(ref: Reference, loc: Location, service: str | None) -> tuple[dict[str, str], dict[str, Certification]]:
    status: dict[str, str] = {}
    facts: dict[str, Certification] = {}
    if loc.provider is None:
        return status, facts
    for c in ref.certifications_for(loc.provider.key, service, loc.region):
        if _RANK[c.fact.status] > _RANK[status.get(c.name)]:
            status[c.name] = c.fact.status
            facts[c.name] = c
    return status, facts


@dataclass
class Placement:
    group: str
    workload: Workload | None
    location: Location
    resources: list[Placed] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return self.workload is not None

    @functools.cached_property
    def categories(self) -> tuple[str, ...]:
        """The data categories of its resources (computed once, after the assessment has placed them all)."""
        seen: dict[str, None] = {}
        for p in self.resources:
            seen.update(dict.fromkeys(p.categories))
        return tuple(seen)

    @property
    def monthly_eur(self) -> float:
        return sum(p.monthly_eur for p in self.resources)

    def cert(self, name: str) -> str | None:
        """The weakest status of ``name`` over the placement's resources (None if one has none)."""
        worst: str | None = VERIFIED
        for p in self.resources:
            s = p.certs.get(name)
            if _RANK[s] < _RANK[worst]:
                worst = s
        return worst if self.resources else None

    def certifications(self) -> dict[str, str]:
        names = {n for p in self.resources for n in p.certs}
        return {n: s for n in sorted(names) if (s := self.cert(n)) is not None}

    def missing(self, name: str, verified_only: bool = True) -> list[Placed]:
        """Resources without (a verified, or any) certification ``name``."""
        return [p for p in self.resources if (p.certs.get(name) != VERIFIED if verified_only else name not in p.certs)]

    @property
    def key(self) -> str:
        loc = self.location
        region = loc.region.code if loc.region else loc.region_code or "global"
        return f"{self.group}@{loc.provider_key}/{region}"


@dataclass
class Score:
    score: int
    breakdown: dict[str, float | None]
    weights: dict[str, int]
    spend_eur: float
    sensitive_workloads: int
    sensitive_ok: int
    unverified_share: float


@dataclass
class Assessment:
    placed: list[Placed]
    placements: list[Placement]
    unclassified: list[Placed]
    unknown: list[Placed]  # provider or region not in the reference
    sensitive: frozenset[str]
    score: Score
    config: Config
    reference: Reference

    def packs_of(self, p: Placement) -> tuple[str, ...]:
        return self.config.packs_of(p.workload)

    def workloads(self) -> dict[str, list[Placement]]:
        out: dict[str, list[Placement]] = {}
        for p in self.placements:
            out.setdefault(p.group, []).append(p)
        return out


def _group(r: Mapping[str, Any], tags: Mapping[str, str], w: Workload | None) -> str:
    if w is not None:
        return w.name
    if tags.get("project"):
        return f"project:{tags['project']}"
    return f"account:{r.get('account_name') or r.get('account') or '?'}"


def assess(rows: Iterable[dict[str, Any]], config: Config, ref: Reference) -> Assessment:
    placed: list[Placed] = []
    locations: dict[tuple[str, str | None], Location] = {}
    certs: dict[tuple[str, str | None, str | None], tuple[dict[str, str], dict[str, Certification]]] = {}
    memo: dict[Any, Workload | None] = {}
    for r in rows:
        tags = r.get("tags") or {}
        w = config.workload_of(r, tags, ref, memo)
        known, unrecognised = tag_categories(tags.get(config.classification_tag))
        # A workload that names the resource (match.resources) is the most specific; otherwise the resource's own
        # classification tag is more specific than its workload's data.
        cats = w.data if w is not None and w.match.resources else (known or (w.data if w else ()))
        lkey = (r.get("provider") or "", r.get("region"))
        loc = locations.get(lkey)
        if loc is None:
            loc = locations[lkey] = locate(ref, *lkey)
        ckey = (lkey[0], lkey[1], r.get("service"))
        if ckey not in certs:
            certs[ckey] = cert_status(ref, loc, r.get("service"))
        status, facts = certs[ckey]
        placed.append(Placed(r, w, _group(r, tags, w), cats, unrecognised, loc, status, facts,
                             float(r.get("monthly_eur") or 0.0)))
    by: dict[tuple[str, str, str | None], Placement] = {}
    for p in placed:
        k = (p.group, p.location.provider_key, p.location.region.code if p.location.region else p.location.region_code)
        if k not in by:
            by[k] = Placement(p.group, p.workload, p.location)
        by[k].resources.append(p)
    placements = sorted(by.values(), key=lambda x: (not x.declared, x.group, x.key))
    sensitive = frozenset(CNIL_SENSITIVE | set(config.sensitive))
    return Assessment(placed, placements, [p for p in placed if not p.categories],
                      [p for p in placed if not p.location.known], sensitive, score(placed, placements, sensitive),
                      config, ref)


def certified_weight(p: Placed) -> float:
    if p.certs.get(SECNUMCLOUD) == VERIFIED:
        return 1.0
    if p.certs.get(HDS) == VERIFIED and p.location.eea:
        return 0.5
    return 0.0


def sensitive_ok(ps: Iterable[Placement], sensitive: frozenset[str]) -> bool:
    for p in ps:
        health = "health" in p.categories
        for r in p.resources:
            certified = r.certs.get(SECNUMCLOUD) == VERIFIED or (health and r.certs.get(HDS) == VERIFIED)
            if not (r.location.eea and not r.location.us_exposed and certified):
                return False
    return True


def score(placed: list[Placed], placements: list[Placement], sensitive: frozenset[str]) -> Score:
    sums = {"total": 0.0, "eea": 0.0, "non_us": 0.0, "certified": 0.0, "unverified": 0.0}
    for p in placed:  # one pass: a 10 M-row tenant has tens of thousands of resources
        m = p.monthly_eur
        if m <= 0:
            continue
        loc = p.location
        sums["total"] += m
        sums["eea"] += m * loc.eea
        sums["non_us"] += m * (not loc.us_exposed)
        sums["certified"] += m * certified_weight(p)
        sums["unverified"] += m * (bool(loc.unverified) or UNVERIFIED in (p.certs.get(SECNUMCLOUD), p.certs.get(HDS)))
    total = sums["total"]

    def share(key: str) -> float | None:
        return None if total <= 0 else sums[key] / total

    by_workload: dict[str, list[Placement]] = {}
    for pl in placements:
        if set(pl.categories) & sensitive:
            by_workload.setdefault(pl.group, []).append(pl)
    ok = sum(1 for ps in by_workload.values() if sensitive_ok(ps, sensitive))
    breakdown: dict[str, float | None] = {
        "eu_located": share("eea"),
        "non_us_exposed": share("non_us"),
        "certified": share("certified"),
        "sensitive_workloads": ok / len(by_workload) if by_workload else None,
    }
    used = {k: w for k, w in WEIGHTS.items() if breakdown[k] is not None}
    value = sum(w * (breakdown[k] or 0.0) for k, w in used.items()) / sum(used.values()) if used else 0.0
    unverified = share("unverified")
    return Score(round(100 * value), {k: (None if v is None else round(v, 4)) for k, v in breakdown.items()},
                 dict(WEIGHTS), round(total, 2), len(by_workload), ok, round(unverified or 0.0, 4))


def personal(categories: Iterable[str]) -> bool:
    return bool(set(categories) & PERSONAL)
