"""Sovereignty reference data: providers, regions, countries and certifications, each dated and sourced.

Shipped in ``balise/reference/data/sovereignty`` (``SOURCES.yaml`` says where each file comes from):

- ``providers.csv``: legal entity, headquarters and controlling-owner country, exposure to US extraterritorial
  law (``yes`` | ``no`` | ``contested``), with a ``status`` (``verified`` | ``unverified``), source and date;
- ``regions.csv``: region code as the provider spells it, city, country, ``aliases`` (other spellings found
  in bills: the demo's ``eu-west-gra`` is OVHcloud's ``GRA``), status, source and date;
- ``countries.csv``: EU and EEA membership, EU adequacy decision (``full``, ``dpf`` = only for organisations
  certified under the EU-US Data Privacy Framework, or none);
- ``certifications.csv``: one row per (provider, certification, services, regions): a certification is granted
  **per service**, not per provider. ``services`` is ``*`` or FOCUS ``ServiceName`` values separated by ``;``;
  ``regions`` is ``*``, ``eea``, ``country:FR`` or region codes. ``status`` says whether the fact is verified.

A tenant can extend or override any of it (``Reference.extend``) from the ``reference:`` part of its workloads
file. An unverified fact stays unverified wherever it is shown: callers read ``status``.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

VERIFIED, UNVERIFIED = "verified", "unverified"
STATUSES = (VERIFIED, UNVERIFIED)
EXPOSURES = ("yes", "no", "contested")
CERTIFICATIONS: dict[str, str] = {
    "secnumcloud-3.2": "SecNumCloud 3.2",
    "hds-v2": "HDS v2",
    "iso-27001": "ISO/IEC 27001",
    "bsi-c5": "BSI C5",
}
SECNUMCLOUD, HDS = "secnumcloud-3.2", "hds-v2"
EU_COUNTRIES_HQ_OK = "EEA"  # a provider "exclusively subject to EU law": HQ and controlling owner in the EEA
# The compute service of each provider whose certifications apply to a catalog offer (an alternative VM).
COMPUTE_SERVICE: dict[str, str] = {
    "aws": "Amazon Elastic Compute Cloud", "azure": "Virtual Machines", "gcp": "Compute Engine",
    "ovhcloud": "Public Cloud Instance", "scaleway": "Instances", "outscale": "Compute",
    "hetzner": "Cloud Servers", "ionos": "Compute Engine", "exoscale": "Compute", "infomaniak": "Public Cloud",
    "stackit": "Compute Engine", "upcloud": "Cloud Servers",
}
DATA_FILES = ("providers.csv", "regions.csv", "countries.csv", "certifications.csv")


@dataclass(frozen=True, slots=True)
class Fact:
    """Where a fact comes from: ``status`` verified or unverified, its source and the date it states."""

    status: str
    source: str
    date: str

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED

    def describe(self) -> dict[str, str]:
        return {"status": self.status, "source": self.source, "date": self.date}


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    name: str
    legal_entity: str
    hq_country: str
    owner_country: str  # country of the controlling owner
    us_law_exposure: str  # yes | no | contested
    fact: Fact
    notes: str = ""

    @property
    def us_exposed(self) -> bool:
        """Exposed to US extraterritorial law (CLOUD Act, FISA 702): yes, or contested (never assumed immune)."""
        return self.us_law_exposure != "no"

    def describe(self) -> dict[str, Any]:
        return {"provider": self.key, "name": self.name, "legal_entity": self.legal_entity,
                "hq_country": self.hq_country, "controlling_owner_country": self.owner_country,
                "us_law_exposure": self.us_law_exposure, **self.fact.describe(),
                **({"notes": self.notes} if self.notes else {})}


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name_en: str
    name_fr: str
    eu: bool
    eea: bool
    adequacy: str  # "full", "dpf" (EU-US Data Privacy Framework: certified organisations only) or ""
    notes: str = ""

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


@dataclass(frozen=True, slots=True)
class Region:
    provider: str
    code: str
    city: str
    country: str
    fact: Fact
    aliases: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Certification:
    provider: str
    name: str  # key of CERTIFICATIONS
    services: tuple[str, ...]  # ("*",) or FOCUS ServiceName values, lower-case
    regions: tuple[str, ...]  # ("*",), ("eea",), ("country:fr",) or region codes, lower-case
    fact: Fact
    notes: str = ""

    @property
    def label(self) -> str:
        return CERTIFICATIONS.get(self.name, self.name)

    def covers(self, service: str | None, region: Region | None, country: Country | None) -> bool:
        if "*" not in self.services and (service or "").strip().lower() not in self.services:
            return False
        if "*" in self.regions:
            return True
        if region is None:
            return False
        for r in self.regions:
            if r == "eea" and country is not None and country.eea:
                return True
            if r.startswith("country:") and r[8:] == region.country.lower():
                return True
            if r == region.code.lower() or r in region.aliases:
                return True
        return False

    def describe(self) -> dict[str, Any]:
        return {"certification": self.name, "label": self.label, **self.fact.describe(),
                "services": list(self.services), "regions": list(self.regions),
                **({"notes": self.notes} if self.notes else {})}


def _split(value: str) -> tuple[str, ...]:
    return tuple(x.strip().lower() for x in (value or "").split(";") if x.strip())


@dataclass
class Reference:
    providers: dict[str, Provider]
    regions: dict[tuple[str, str], Region]  # (provider, code lower-case) -> region
    countries: dict[str, Country]
    certifications: list[Certification]
    origin: str = "shipped"  # "shipped", or "shipped + tenant" once extended
    _alias: dict[tuple[str, str], Region] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._alias = {}
        for (p, _), r in self.regions.items():
            for a in (r.code.lower(), *r.aliases):
                self._alias.setdefault((p, a), r)

    def provider(self, key: str | None) -> Provider | None:
        return self.providers.get((key or "").strip().lower())

    def region(self, provider: str | None, code: str | None) -> Region | None:
        """The region ``code`` of ``provider`` (case-insensitive; aliases and zone names accepted)."""
        if not provider or not code:
            return None
        key = (provider.strip().lower(), code.strip().lower())
        hit = self._alias.get(key)
        if hit is None and key[0] in ("aws", "azure", "gcp") and key[1][-1:].isalpha() and key[1][-2:-1].isdigit():
            hit = self._alias.get((key[0], key[1][:-1]))  # an availability zone: eu-west-3a
        return hit

    def country(self, code: str | None) -> Country | None:
        return self.countries.get((code or "").strip().upper())

    def certifications_for(self, provider: str, service: str | None, region: Region | None) -> list[Certification]:
        country = self.country(region.country) if region else None
        return [c for c in self.certifications if c.provider == provider and c.covers(service, region, country)]

    def regions_of(self, provider: str) -> list[Region]:
        return [r for (p, _), r in sorted(self.regions.items()) if p == provider]

    def extend(self, doc: Mapping[str, Any], source: str) -> Reference:
        """A copy with a tenant's additions: ``providers``, ``regions``, ``certifications`` (lists of mappings
        with the columns of the shipped files). A row for an existing key replaces it. Validated beforehand
        (``balise.compliance.workloads``); a tenant's fact is ``unverified`` unless it says otherwise."""
        providers = dict(self.providers)
        regions = dict(self.regions)
        certs = list(self.certifications)
        for p in doc.get("providers", []) or []:
            providers[p["provider"]] = _provider({**p, "source": p.get("source") or source})
        for r in doc.get("regions", []) or []:
            region = _region({**r, "source": r.get("source") or source, "aliases": ";".join(r.get("aliases", []))})
            regions[(region.provider, region.code.lower())] = region
        for c in doc.get("certifications", []) or []:
            cert = _certification({**c, "services": ";".join(c.get("services", ["*"])),
                                   "regions": ";".join(c.get("regions", ["*"])),
                                   "source": c.get("source") or source})
            certs = [x for x in certs if not (x.provider == cert.provider and x.name == cert.name
                                               and x.services == cert.services and x.regions == cert.regions)]
            certs.append(cert)
        return Reference(providers, regions, dict(self.countries), certs, origin="shipped + tenant")


def _fact(row: Mapping[str, Any]) -> Fact:
    status = str(row.get("status") or UNVERIFIED).strip().lower()
    return Fact(status if status in STATUSES else UNVERIFIED, str(row.get("source") or "").strip(),
                str(row.get("date") or "").strip())


def _provider(r: Mapping[str, Any]) -> Provider:
    return Provider(str(r["provider"]).strip().lower(), str(r.get("name") or r["provider"]).strip(),
                    str(r.get("legal_entity") or "").strip(), str(r["hq_country"]).strip().upper(),
                    str(r.get("controlling_owner_country") or r["hq_country"]).strip().upper(),
                    str(r["us_law_exposure"]).strip().lower(), _fact(r), str(r.get("notes") or "").strip())


def _region(r: Mapping[str, Any]) -> Region:
    return Region(str(r["provider"]).strip().lower(), str(r["region"]).strip(), str(r.get("city") or "").strip(),
                  str(r["country"]).strip().upper(), _fact(r), _split(str(r.get("aliases") or "")),
                  str(r.get("notes") or "").strip())


def _certification(r: Mapping[str, Any]) -> Certification:
    return Certification(str(r["provider"]).strip().lower(), str(r["certification"]).strip().lower(),
                         _split(str(r.get("services") or "*")) or ("*",),
                         _split(str(r.get("regions") or "*")) or ("*",),
                         _fact(r), str(r.get("notes") or "").strip())


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1")


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("balise.reference").joinpath("data", "sovereignty", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def load_reference() -> Reference:
    providers = {p.key: p for p in map(_provider, _read("providers.csv"))}
    regions = {(r.provider, r.code.lower()): r for r in map(_region, _read("regions.csv"))}
    countries = {c["country"]: Country(c["country"], c["name_en"], c["name_fr"], _yes(c["eu"]), _yes(c["eea"]),
                                       c["adequacy"].strip(), c["notes"].strip()) for c in _read("countries.csv")}
    certs = [_certification(c) for c in _read("certifications.csv")]
    return Reference(providers, regions, countries, certs)


@functools.cache
def default_reference() -> Reference:
    """The shipped reference, loaded once per process (``extend`` returns copies; this one is never changed)."""
    return load_reference()


def with_status(ref: Reference, provider: str, status: str) -> Reference:
    """A copy where ``provider``'s facts have ``status`` (tests use it to see unverified facts stay so)."""
    p = ref.providers[provider]
    providers = {**ref.providers, provider: replace(p, fact=replace(p.fact, status=status))}
    return Reference(providers, dict(ref.regions), dict(ref.countries), list(ref.certifications), ref.origin)


def known_providers(ref: Reference) -> Iterable[str]:
    return sorted(ref.providers)
