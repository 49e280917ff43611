"""The workloads file: which data each workload holds, which policy packs apply, and the tenant's reference
additions. Pure: the schema, the checks that need the reference (unknown category, provider, region), the
model, and matching a billed resource to its workload. Parsing with line numbers is done by the service.

    packs: [gdpr-baseline, hds, cnil-sensitive]   # the tenant's packs (default: these three)
    sensitive: [payment]                          # more categories treated as sensitive (a policy choice)
    classification_tag: data-class                # the tag that classifies a resource (default)
    workloads:
      - name: rdv-sante
        data: [health, personal]
        packs: [secnumcloud]                      # added to the tenant's for this workload
        skip_packs: []                            # removed for this workload
        match:                                    # every key given must match; a list matches any of its items
          tags: {project: rdv-sante}
          accounts: ["219384756012"]              # SubAccountId or its name
          resources: ["arn:aws:s3:::anum-rdvsante-*"]   # ResourceId or ResourceName, * and ? allowed
          providers: [aws]
          regions: [eu-west-3]
    reference:                                    # additions to the shipped reference (unverified unless said)
      providers: [{provider: acme, name: Acme, hq_country: FR, us_law_exposure: "no"}]
      regions: [{provider: acme, region: par1, city: Paris, country: FR}]
      certifications: [{provider: acme, certification: hds-v2, services: ["*"], regions: [par1]}]

A resource belongs to the first workload (in file order) whose ``match`` it meets. Its data categories are its
workload's ``data`` when the workload names it (``match.resources``); otherwise the values of its own
classification tag (``data-class=health``; several values may be separated by ``,`` ``;`` ``+`` or spaces)
when it has one, else its workload's ``data``: the more specific declaration wins.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from balise.compliance.packs import CATEGORIES, DEFAULT_PACKS, PACKS
from balise.reference.sovereignty import CERTIFICATIONS, EXPOSURES, STATUSES, Reference

CLASSIFICATION_TAG = "data-class"
_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_ID_LIST = {"type": "array", "items": {"type": ["string", "integer"]}}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "enum": [1]},
        "packs": _STR_LIST,
        "sensitive": _STR_LIST,
        "classification_tag": {"type": "string", "minLength": 1},
        "workloads": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "data", "match"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"},
                "description": {"type": "string"},
                "owner": {"type": "string"},
                "data": {**_STR_LIST, "minItems": 1},
                "packs": _STR_LIST,
                "skip_packs": _STR_LIST,
                "match": {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
                    "tags": {"type": "object", "additionalProperties": {
                        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
                    "accounts": _ID_LIST, "resources": _STR_LIST, "providers": _STR_LIST, "regions": _STR_LIST,
                }},
            }}},
        "reference": {"type": "object", "additionalProperties": False, "properties": {
            "providers": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["provider", "hq_country", "us_law_exposure"],
                "properties": {"provider": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9\-]*$"},
                               "name": {"type": "string"}, "legal_entity": {"type": "string"},
                               "hq_country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                               "controlling_owner_country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                               "us_law_exposure": {"enum": list(EXPOSURES)}, "status": {"enum": list(STATUSES)},
                               "source": {"type": "string"}, "date": {"type": "string"},
                               "notes": {"type": "string"}}}},
            "regions": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["provider", "region", "country"],
                "properties": {"provider": {"type": "string"}, "region": {"type": "string", "minLength": 1},
                               "city": {"type": "string"}, "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                               "aliases": _STR_LIST, "status": {"enum": list(STATUSES)},
                               "source": {"type": "string"}, "date": {"type": "string"},
                               "notes": {"type": "string"}}}},
            "certifications": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["provider", "certification"],
                "properties": {"provider": {"type": "string"}, "certification": {"enum": list(CERTIFICATIONS)},
                               "services": _STR_LIST, "regions": _STR_LIST, "status": {"enum": list(STATUSES)},
                               "source": {"type": "string"}, "date": {"type": "string"},
                               "notes": {"type": "string"}}}},
        }},
    },
}


Path = list[str | int]


def problems(data: Mapping[str, Any], base: Reference) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    """What the schema cannot check: (path in the document, message name, its arguments). Message names are
    those of ``balise.i18n.sovereignty_messages`` without the ``WL_`` prefix."""
    ref = base.extend(data.get("reference") or {}, "workloads file")
    for i, p in enumerate((data.get("reference") or {}).get("regions", []) or []):
        if ref.provider(p["provider"]) is None:
            yield ["reference", "regions", i, "provider"], "UNKNOWN_PROVIDER", _known_providers(p["provider"], ref)
        if ref.country(p["country"]) is None:
            yield ["reference", "regions", i, "country"], "UNKNOWN_COUNTRY", {
                "value": p["country"], "known": ", ".join(sorted(ref.countries))}
    for i, p in enumerate((data.get("reference") or {}).get("providers", []) or []):
        for key in ("hq_country", "controlling_owner_country"):
            if key in p and ref.country(p[key]) is None:
                yield ["reference", "providers", i, key], "UNKNOWN_COUNTRY", {
                    "value": p[key], "known": ", ".join(sorted(ref.countries))}
    for i, c in enumerate((data.get("reference") or {}).get("certifications", []) or []):
        if ref.provider(c["provider"]) is None:
            yield ["reference", "certifications", i, "provider"], "UNKNOWN_PROVIDER", _known_providers(
                c["provider"], ref)
    yield from _names("packs", data.get("packs") or [], PACKS, "UNKNOWN_PACK")
    for j, c in enumerate(data.get("sensitive") or []):
        if c not in CATEGORIES:
            yield ["sensitive", j], "UNKNOWN_CATEGORY", {"value": c, "known": ", ".join(CATEGORIES)}
    seen: set[str] = set()
    for i, w in enumerate(data.get("workloads") or []):
        if w["name"] in seen:
            yield ["workloads", i, "name"], "DUPLICATE_WORKLOAD", {"name": w["name"]}
        seen.add(w["name"])
        for j, c in enumerate(w["data"]):
            if c not in CATEGORIES:
                yield ["workloads", i, "data", j], "UNKNOWN_CATEGORY", {"value": c, "known": ", ".join(CATEGORIES)}
        for key in ("packs", "skip_packs"):
            for path, name, args in _names(key, w.get(key) or [], PACKS, "UNKNOWN_PACK"):
                yield ["workloads", i, *path], name, args
        match = w["match"]
        providers = [str(p) for p in match.get("providers", [])]
        for j, p in enumerate(providers):
            if ref.provider(p) is None:
                yield ["workloads", i, "match", "providers", j], "UNKNOWN_PROVIDER", _known_providers(p, ref)
        for j, r in enumerate(match.get("regions", [])):
            pool = [p.lower() for p in providers] or list(ref.providers)
            if not any(ref.region(p, str(r)) for p in pool):
                yield ["workloads", i, "match", "regions", j], "UNKNOWN_REGION", {
                    "value": r, "providers": ", ".join(pool) if providers else "*"}


def _names(key: str, values: Sequence[str], known: Mapping[str, Any], msg: str) -> Iterator[tuple[Path, str,
                                                                                                   dict[str, Any]]]:
    for j, v in enumerate(values):
        if v not in known:
            yield [key, j], msg, {"value": v, "known": ", ".join(known)}


def _known_providers(value: str, ref: Reference) -> dict[str, Any]:
    return {"value": value, "known": ", ".join(sorted(ref.providers))}


# --- model ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lower-case key -> accepted values
    accounts: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()  # lower-case glob patterns
    providers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # lower-case region codes or aliases as written

    def matches(self, r: Mapping[str, Any], tags: Mapping[str, str], ref: Reference) -> bool:
        if self.providers and (r.get("provider") or "") not in self.providers:
            return False
        if self.accounts and str(r.get("account") or "") not in self.accounts and \
                str(r.get("account_name") or "") not in self.accounts:
            return False
        if self.regions:
            region = ref.region(r.get("provider"), r.get("region"))
            wanted = {x for x in self.regions}
            here = {(r.get("region") or "").lower()} | ({region.code.lower(), *region.aliases} if region else set())
            if not wanted & here:
                return False
        if self.resources:
            names = [(r.get("resource_id") or "").lower(), (r.get("resource_name") or "").lower()]
            if not any(fnmatch.fnmatchcase(n, p) for p in self.resources for n in names if n):
                return False
        return all(tags.get(key) in values for key, values in self.tags.items())


@dataclass(frozen=True)
class Workload:
    name: str
    data: tuple[str, ...]
    match: Match
    packs: tuple[str, ...] = ()
    skip_packs: tuple[str, ...] = ()
    description: str = ""
    owner: str | None = None
    declared: bool = True  # False for a workload made from a project tag


@dataclass(frozen=True)
class Config:
    packs: tuple[str, ...] = DEFAULT_PACKS
    sensitive: tuple[str, ...] = ()  # extra categories treated as sensitive by the tenant's policy
    classification_tag: str = CLASSIFICATION_TAG
    workloads: tuple[Workload, ...] = ()
    reference: dict[str, Any] = field(default_factory=dict)
    declared: bool = False  # False: the tenant imported no workloads file (defaults)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Config:
        workloads = []
        for w in d.get("workloads") or []:
            m = w["match"]
            tags = {str(k).strip().lower(): tuple([v] if isinstance(v, str) else v) for k, v in
                    (m.get("tags") or {}).items()}
            workloads.append(Workload(
                name=w["name"], data=tuple(w["data"]), packs=tuple(w.get("packs") or ()),
                skip_packs=tuple(w.get("skip_packs") or ()), description=w.get("description", ""),
                owner=w.get("owner"),
                match=Match(tags=tags, accounts=tuple(str(a) for a in m.get("accounts", [])),
                            resources=tuple(str(x).lower() for x in m.get("resources", [])),
                            providers=tuple(str(x).lower() for x in m.get("providers", [])),
                            regions=tuple(str(x).lower() for x in m.get("regions", [])))))
        packs = d["packs"] if d.get("packs") is not None else DEFAULT_PACKS  # [] is a choice: no pack
        return cls(packs=tuple(packs), sensitive=tuple(d.get("sensitive") or ()),
                   classification_tag=str(d.get("classification_tag") or CLASSIFICATION_TAG).lower(),
                   workloads=tuple(workloads), reference=dict(d.get("reference") or {}), declared=True)

    @functools.cached_property
    def names_resources(self) -> bool:
        """Whether a workload matches by resource id or name (then no two resources share an answer)."""
        return any(w.match.resources for w in self.workloads)

    def packs_of(self, w: Workload | None) -> tuple[str, ...]:
        packs = list(self.packs)
        if w is not None:
            packs += [p for p in w.packs if p not in packs]
            packs = [p for p in packs if p not in w.skip_packs]
        return tuple(packs)

    def workload_of(self, r: Mapping[str, Any], tags: Mapping[str, str], ref: Reference,
                    memo: dict[Any, Workload | None] | None = None) -> Workload | None:
        """The first workload ``r`` matches. With ``memo`` (a dict the caller keeps for one batch), resources
        with the same provider, account, region and tags share one answer when no workload names resources."""
        if memo is not None and not self.names_resources:
            key = (r.get("provider"), r.get("account"), r.get("account_name"), r.get("region"),
                   tuple(sorted(tags.items())))
            if key not in memo:
                memo[key] = self._first(r, tags, ref)
            return memo[key]
        return self._first(r, tags, ref)

    def _first(self, r: Mapping[str, Any], tags: Mapping[str, str], ref: Reference) -> Workload | None:
        for w in self.workloads:
            if w.match.matches(r, tags, ref):
                return w
        return None


_SEP = re.compile(r"[,;+\s]+")


@functools.lru_cache(maxsize=4096)
def tag_categories(value: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(known categories, unrecognised values) of a classification tag value."""
    if not value:
        return (), ()
    words = [w.strip().lower() for w in _SEP.split(value) if w.strip()]
    return tuple(w for w in words if w in CATEGORIES), tuple(w for w in words if w not in CATEGORIES)
