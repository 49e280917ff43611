"""Cost allocation: which team (project, environment, cost centre…) each cost belongs to.

A tenant's allocation configuration (``TenantSetting`` key ``allocation``, imported from YAML) says:

- **keys** and their **aliases**: ``team`` is read from the tag ``team``, else ``Team``…; ``env`` from ``env``,
  else ``environment``. Tag keys always match case-insensitively and ignoring surrounding spaces (``Team``,
  ``team`` and `` team`` are one key); aliases are other spellings.
- **value normalisation**: trim, lower-case (``case: lower``, the default) and a mapping per key
  (``production`` → ``prod``). A value that is empty after normalisation counts as untagged.
- **required** keys: the tags every cost should carry (the tag-coverage KPI measures it).
- **shared** costs: rules selecting costs by a filter (untagged, service, account, provider, charge category,
  tag values) and splitting them among the key's values proportionally to their direct spend, evenly, or by
  fixed percentages that sum to 100.

The module is pure: it parses configurations, resolves tag strings, and splits amounts. It lives under
``balise.kpis`` because the tag-coverage KPI needs it and KPIs sit below the services layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SPLITS = ("proportional", "even", "fixed")
CASES = ("lower", "keep")
FILTERS = ("untagged", "services", "accounts", "providers", "charge_categories", "tags")

# Used when a tenant has imported nothing: the spellings seen in real exports and in the demo company.
DEFAULT: dict[str, Any] = {
    "keys": {
        "team": {"aliases": []},
        "env": {"aliases": ["environment"], "values": {"production": "prod", "development": "dev"}},
        "cost-center": {"aliases": ["cost-centre", "costcenter", "cost_center", "costcentre"]},
        "project": {"aliases": []},
    },
    "case": "lower",
    "required": ["team"],
    "shared": [],
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "keys": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "values": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "case": {"enum": list(CASES)},
        "required": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "shared": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "key", "filter", "split"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "key": {"type": "string", "minLength": 1},
                    "filter": {
                        "type": "object",
                        "additionalProperties": False,
                        "minProperties": 1,
                        "properties": {
                            "untagged": {"type": "boolean"},
                            "services": {"type": "array", "items": {"type": "string"}},
                            "accounts": {"type": "array", "items": {"type": "string"}},
                            "providers": {"type": "array", "items": {"type": "string"}},
                            "charge_categories": {"type": "array", "items": {"type": "string"}},
                            "tags": {"type": "object",
                                     "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                        },
                    },
                    "split": {"enum": list(SPLITS)},
                    "among": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "percentages": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
                },
            },
        },
    },
}


def norm_key(key: str) -> str:
    return key.strip().lower()


@dataclass(frozen=True)
class KeyRule:
    name: str
    aliases: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)  # normalised value → target value


@dataclass(frozen=True)
class Filter:
    untagged: bool | None = None
    services: tuple[str, ...] | None = None
    accounts: tuple[str, ...] | None = None
    providers: tuple[str, ...] | None = None
    charge_categories: tuple[str, ...] | None = None
    tags: Mapping[str, tuple[str, ...]] | None = None  # key → accepted (normalised) values

    @property
    def columns(self) -> set[str]:
        """The cost-line columns this filter reads (besides tags)."""
        return {c for c in ("services", "accounts", "providers", "charge_categories") if getattr(self, c) is not None}


@dataclass(frozen=True)
class SharedRule:
    name: str
    key: str
    filter: Filter
    split: Literal["proportional", "even", "fixed"]
    among: tuple[str, ...] | None = None
    percentages: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AllocationConfig:
    keys: Mapping[str, KeyRule]
    case: Literal["lower", "keep"] = "lower"
    required: tuple[str, ...] = ("team",)
    shared: tuple[SharedRule, ...] = ()

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> AllocationConfig:
        """From a document valid against SCHEMA (and :func:`problems`-free)."""
        case = doc.get("case", "lower")
        keys: dict[str, KeyRule] = {}
        for name, spec in (doc.get("keys") or {}).items():
            values = {_normalise(k, case): _normalise(v, case) for k, v in (spec.get("values") or {}).items()}
            keys[norm_key(name)] = KeyRule(norm_key(name), tuple(spec.get("aliases") or ()), values)
        shared = []
        for r in doc.get("shared") or ():
            f = r["filter"]
            flt = Filter(
                untagged=f.get("untagged"),
                **{c: tuple(f[c]) for c in ("services", "accounts", "providers", "charge_categories") if c in f},
                tags={norm_key(k): tuple(_normalise(v, case) for v in vs) for k, vs in f["tags"].items()}
                if "tags" in f else None)
            shared.append(SharedRule(r["name"], norm_key(r["key"]), flt, r["split"],
                                     tuple(_normalise(v, case) for v in r["among"]) if "among" in r else None,
                                     {_normalise(k, case): float(v) for k, v in (r.get("percentages") or {}).items()}))
        return cls(keys, case, tuple(norm_key(k) for k in doc.get("required", ["team"])), tuple(shared))

    def rule(self, key: str) -> KeyRule:
        return self.keys.get(norm_key(key)) or KeyRule(norm_key(key))

    def resolver(self, key: str) -> TagResolver:
        return TagResolver(self.rule(key), self.case)

    def normalise_value(self, key: str, value: str) -> str:
        """A value as resolved tags give it (trim, case, the key's mapping)."""
        v = _normalise(value, self.case)
        return self.rule(key).values.get(v, v)

    def shared_for(self, key: str) -> tuple[SharedRule, ...]:
        return tuple(r for r in self.shared if r.key == norm_key(key))


def default_config() -> AllocationConfig:
    return AllocationConfig.from_dict(DEFAULT)


def problems(doc: Mapping[str, Any]) -> list[tuple[list[str | int], str, dict[str, Any]]]:
    """What JSON Schema cannot say: (path, message name, arguments) for each semantic error."""
    out: list[tuple[list[str | int], str, dict[str, Any]]] = []
    for i, r in enumerate(doc.get("shared") or ()):
        split = r.get("split")
        pct = r.get("percentages")
        if split == "fixed":
            if not pct:
                out.append((["shared", i, "split"], "FIXED_NEEDS_PERCENTAGES", {}))
            elif abs(sum(pct.values()) - 100) > 1e-6:
                out.append((["shared", i, "percentages"], "PERCENTAGES_SUM", {"total": round(sum(pct.values()), 6)}))
        elif pct:
            out.append((["shared", i, "percentages"], "PERCENTAGES_ONLY_FIXED", {"split": split}))
        if split == "fixed" and r.get("among"):
            out.append((["shared", i, "among"], "AMONG_NOT_FIXED", {}))
    return out


def _normalise(value: Any, case: str) -> str:
    text = str(value).strip()
    return text.lower() if case == "lower" else text


class TagResolver:
    """The normalised value of one allocation key in a ``Tags`` JSON string (memoised per string)."""

    def __init__(self, rule: KeyRule, case: str) -> None:
        self.rule = rule
        self.case = case
        self.spellings = [norm_key(rule.name)] + [norm_key(a) for a in rule.aliases]
        self._memo: dict[str | None, str | None] = {}

    def __call__(self, tags: str | None) -> str | None:
        if tags in self._memo:
            return self._memo[tags]
        value = self._resolve(parse_tags(tags))
        self._memo[tags] = value
        return value

    def _resolve(self, tags: Mapping[str, str]) -> str | None:
        for spelling in self.spellings:
            if spelling in tags:
                v = _normalise(tags[spelling], self.case)
                v = self.rule.values.get(v, v)
                if v:
                    return v
        return None


def parse_tags(tags: str | None) -> dict[str, str]:
    """A ``Tags`` JSON object as {normalised key: value}; the first spelling of a key wins. Not JSON: {}."""
    if not tags:
        return {}
    try:
        data = json.loads(tags)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, str] = {}
    for k, v in data.items():
        if v is None:
            continue
        out.setdefault(norm_key(str(k)), v if isinstance(v, str) else json.dumps(v))
    return out


# --- splitting shared costs -------------------------------------------------------------------------------

def split(rule: SharedRule, amount: float, direct: Mapping[str, float]) -> dict[str, float]:
    """Shares of ``amount`` per value. ``direct``: the period's direct spend per value (proportional basis).
    An empty result means nobody to split among (the amount stays unallocated)."""
    if rule.split == "fixed":
        return {v: amount * p / 100 for v, p in rule.percentages.items()}
    targets = list(rule.among) if rule.among else sorted(v for v, c in direct.items() if c > 0)
    if not targets:
        return {}
    if rule.split == "even":
        return {v: amount / len(targets) for v in targets}
    weights = {v: max(direct.get(v, 0.0), 0.0) for v in targets}
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {v: amount * w / total for v, w in weights.items() if w > 0}


def matches(flt: Filter, line: Mapping[str, Any], value: str | None, tag_value: Callable[[str], str | None]) -> bool:
    """Does a cost line (service, account, provider, charge_category) fall under the filter? ``value`` is its
    resolved allocation value, ``tag_value(key)`` the resolved value of another key (aliases and mapping
    applied)."""
    if flt.untagged is not None and (value is None) != flt.untagged:
        return False
    for col, attr in (("service", "services"), ("account", "accounts"), ("provider", "providers"),
                      ("charge_category", "charge_categories")):
        wanted = getattr(flt, attr)
        if wanted is not None and line.get(col) not in wanted:
            return False
    if flt.tags is not None:
        for k, accepted in flt.tags.items():
            if tag_value(k) not in accepted:
                return False
    return True


def line_columns(rules: Iterable[SharedRule]) -> set[str]:
    cols: set[str] = set()
    for r in rules:
        cols |= r.filter.columns
    return cols
