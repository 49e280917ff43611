"""The KPI policy: which indicators a tenant watches, with their thresholds, frequencies and owners.

The default policy is ``balise/kpis/default.yaml``. A tenant's changes are kept in the state database
(``TenantSetting`` key ``kpis``) as ``{"overrides": {id: {threshold, owner, frequency}}, "added": [KPI…]}``;
:func:`effective` merges them over the defaults. A KPI file a user adds has the same schema as the default one
and is validated with errors that say ``file:line:column``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from balise.errors import UsageError
from balise.i18n import Msg
from balise.i18n import kpis_messages as km
from balise.kpis import metrics, yamldoc

FREQUENCIES = ("daily", "weekly", "monthly", "quarterly")
OPERATORS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le, ">": operator.gt,
                                                        "<": operator.lt}
ID = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_THRESHOLD = re.compile(r"^\s*(>=|<=|>|<)\s*([+-]?\d+(?:[.,]\d+)?)\s*%?\s*$")

_TEXT = {"type": "object", "additionalProperties": False, "required": ["en", "fr"],
         "properties": {"en": {"type": "string", "minLength": 1}, "fr": {"type": "string", "minLength": 1}}}
THRESHOLD_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"], "additionalProperties": False, "required": ["operator", "value"],
    "properties": {"operator": {"enum": list(OPERATORS)}, "value": {"type": "number"}}}
KPI_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "label", "unit", "computation", "frequency", "owner", "description"],
    "properties": {
        "id": {"type": "string", "pattern": ID.pattern},
        "label": _TEXT,
        "unit": {"type": "string", "minLength": 1},
        "computation": {"type": "object", "additionalProperties": False, "required": ["metric"],
                        "properties": {"metric": {"enum": sorted(metrics.METRICS)}, "params": {"type": "object"}}},
        "threshold": THRESHOLD_SCHEMA,
        "frequency": {"enum": list(FREQUENCIES)},
        "owner": {"type": "string", "minLength": 1},
        "description": _TEXT,
    },
}
SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False, "required": ["kpis"],
                          "properties": {"kpis": {"type": "array", "items": KPI_SCHEMA}}}


@dataclass(frozen=True)
class Threshold:
    operator: str  # >, <, >=, <=
    value: float

    def crossed(self, x: float) -> bool:
        return OPERATORS[self.operator](x, self.value)

    def __str__(self) -> str:
        return f"{self.operator} {self.value:g}"

    def as_dict(self) -> dict[str, Any]:
        return {"operator": self.operator, "value": self.value}

    @classmethod
    def parse(cls, text: str) -> Threshold | None:
        """``'<35'``, ``'>= 1'``, ``'> +10 %'``; ``'none'`` removes the threshold."""
        if text.strip().lower() in ("none", "null", "-"):
            return None
        m = _THRESHOLD.match(text)
        if not m:
            raise UsageError(km.BAD_THRESHOLD(text=text))
        return cls(m.group(1), float(m.group(2).replace(",", ".")))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Threshold | None:
        return None if d is None else cls(str(d["operator"]), float(d["value"]))


@dataclass(frozen=True)
class Kpi:
    id: str
    label: Msg
    unit: str
    metric: str
    params: Mapping[str, Any]
    threshold: Threshold | None
    frequency: str
    owner: str
    description: Msg
    origin: str = "default"  # default, or the file a tenant added it from
    changed: tuple[str, ...] = field(default=())  # fields the tenant overrode

    def as_dict(self) -> dict[str, Any]:
        """The KPI as its YAML schema writes it."""
        return {"id": self.id, "label": {"en": self.label.en, "fr": self.label.fr}, "unit": self.unit,
                "computation": {"metric": self.metric, "params": dict(self.params)},
                "threshold": None if self.threshold is None else self.threshold.as_dict(),
                "frequency": self.frequency, "owner": self.owner,
                "description": {"en": self.description.en, "fr": self.description.fr}}


def _kpi(d: Mapping[str, Any], origin: str) -> Kpi:
    comp = d["computation"]
    return Kpi(id=d["id"], label=Msg(d["label"]["en"], d["label"]["fr"]), unit=d["unit"], metric=comp["metric"],
               params=dict(comp.get("params") or {}), threshold=Threshold.from_dict(d.get("threshold")),
               frequency=d["frequency"], owner=d["owner"],
               description=Msg(d["description"]["en"], d["description"]["fr"]), origin=origin)


def parse(text: str, file: str) -> list[Kpi]:
    """KPIs of a YAML policy file, validated (schema, metric parameters, unique ids)."""
    doc = yamldoc.parse(text, file)
    yamldoc.validate(doc, SCHEMA, km.HINT_KPI_SCHEMA())
    seen: dict[str, int] = {}
    out = []
    for i, d in enumerate(doc.data["kpis"]):
        if d["id"] in seen:
            raise doc.fail(["kpis", i, "id"], km.DUPLICATE_KPI(id=d["id"], first=seen[d["id"]] + 1),
                           km.HINT_DUPLICATE_KPI())
        seen[d["id"]] = i
        m = metrics.METRICS[d["computation"]["metric"]]
        params = d["computation"].get("params") or {}
        yamldoc.validate(yamldoc.Document(params, _child(doc, ["kpis", i, "computation", "params"]), file),
                         m.schema(), km.HINT_METRIC_PARAMS(metric=m.name, params=m.describe_params()))
        out.append(_kpi(d, file))
    return out


def _child(doc: yamldoc.Document, path: Sequence[str | int]) -> Any:
    """The YAML node at ``path`` (so that errors in a sub-document point into the original file)."""
    import yaml

    node = doc.root
    for step in path:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            nxt = node.value[step] if step < len(node.value) else None
        if nxt is None:
            return node
        node = nxt
    return node


def default_text() -> str:
    return resources.files("balise.kpis").joinpath("default.yaml").read_text(encoding="utf-8")


def defaults() -> list[Kpi]:
    """The shipped policy. It is validated by the tests (``parse(default_text(), …)``), not at every run."""
    import yaml

    return [_kpi(d, "default") for d in yaml.safe_load(default_text())["kpis"]]


def effective(setting: Mapping[str, Any] | None) -> list[Kpi]:
    """The defaults, then the tenant's added KPIs, each with the tenant's overrides applied."""
    setting = setting or {}
    kpis = defaults() + [_kpi(d, d.get("origin", "tenant")) for d in setting.get("added", [])]
    overrides: Mapping[str, Mapping[str, Any]] = setting.get("overrides", {})
    return [apply(k, overrides.get(k.id, {})) for k in kpis]


def apply(kpi: Kpi, override: Mapping[str, Any]) -> Kpi:
    changes: dict[str, Any] = {}
    if "threshold" in override:
        changes["threshold"] = Threshold.from_dict(override["threshold"])
    for name in ("owner", "frequency"):
        if name in override:
            changes[name] = override[name]
    return replace(kpi, **changes, changed=tuple(sorted(changes))) if changes else kpi


def check_frequency(value: str) -> str:
    if value not in FREQUENCIES:
        raise UsageError(km.BAD_FREQUENCY(value=value, known=", ".join(FREQUENCIES)))
    return value
