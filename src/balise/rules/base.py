"""The rule contract: every rule, built-in or added by a user's code, is a small ``Rule`` subclass.

A rule has a stable ``code`` (``FIN-001``), a dotted ``name`` (``finops.forgotten.instance``), a domain, a
default severity, groups, a title and a remediation in French and English, and a ``Params`` dataclass whose
fields are the parameters a YAML policy may set (their JSON Schema is derived from it, never hand-written).
Its docstring shows a bad and a good example. ``evaluate`` reads a ``RuleContext`` and yields findings.

    class ForgottenInstance(Rule):
        '''A VM billed every day at a constant cost, with no owner tag.

        Bad:  ``poc-migration-2024``, m5.2xlarge, 11.04 $ every day for 90 days, tags without ``owner``.
        Good: the same VM with ``owner=alice@example.com``, or one that stops at night.
        '''
        code = "FIN-001"
        ...

Rules are registered explicitly (``Registry.add``), not as an import side effect; ``balise.rules.builtin``
lists the built-in ones.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from balise.domain.findings import Domain, Finding, Severity, Status, Subject
from balise.errors import UsageError
from balise.i18n import Msg
from balise.i18n import rules_messages as rm

if typing.TYPE_CHECKING:
    from balise.rules.context import RuleContext


@dataclasses.dataclass(frozen=True)
class NoParams:
    """A rule without parameters."""


def param(default: Any, description: str, *, minimum: float | None = None, maximum: float | None = None,
          choices: tuple[str, ...] | None = None) -> Any:
    """A rule parameter: a dataclass field with its description and bounds, which make its JSON Schema."""
    meta = {"description": description, "minimum": minimum, "maximum": maximum, "enum": choices}
    if isinstance(default, list | dict | set):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


_JSON_TYPES: dict[Any, dict[str, Any]] = {
    int: {"type": "integer"}, float: {"type": "number"}, str: {"type": "string"}, bool: {"type": "boolean"},
}


def _type_schema(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp in _JSON_TYPES:
        return dict(_JSON_TYPES[tp])
    if origin in (list, tuple):
        (item, *_) = typing.get_args(tp) or (str,)
        return {"type": "array", "items": _type_schema(item)}
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _type_schema(args[0])
        inner["type"] = [inner["type"], "null"]
        return inner
    if origin is dict:
        return {"type": "object"}
    raise TypeError(f"unsupported rule parameter type {tp!r}")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    domain: ClassVar[Domain]
    severity: ClassVar[Severity]
    groups: ClassVar[tuple[str, ...]] = ()
    title: ClassVar[Msg]  # placeholders filled by ``finding(..., args)``
    remediation: ClassVar[Msg]
    Params: ClassVar[type] = NoParams

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterable[Finding]:
        raise NotImplementedError

    # --- helpers for subclasses ---------------------------------------------------------------------------
    def finding(self, subject: Subject, *, status: Status = Status.FAIL, severity: Severity | None = None,
                args: dict[str, Any] | None = None, evidence: dict[str, Any] | None = None,
                monthly_saving_eur: float | None = None, monthly_kgco2e: float | None = None,
                owner: str | None = None) -> Finding:
        args = args or {}
        return Finding(code=self.code, status=status, severity=severity or self.severity, domain=self.domain,
                       subject=subject, title=self.title(**args), remediation=self.remediation(**args),
                       evidence=evidence or {}, monthly_saving_eur=monthly_saving_eur,
                       monthly_kgco2e=monthly_kgco2e, owner=owner)

    # --- schema -------------------------------------------------------------------------------------------
    @classmethod
    def params_schema(cls) -> dict[str, Any]:
        """JSON Schema of this rule's parameters, from its ``Params`` dataclass."""
        props: dict[str, Any] = {}
        hints = typing.get_type_hints(cls.Params)
        for f in dataclasses.fields(cls.Params):
            s = _type_schema(hints[f.name])
            for k in ("description", "minimum", "maximum", "enum"):
                if f.metadata.get(k) is not None:
                    s[k] = list(f.metadata[k]) if k == "enum" else f.metadata[k]
            if f.default is not dataclasses.MISSING:
                s["default"] = f.default
            props[f.name] = s
        return {"type": "object", "properties": props, "additionalProperties": False}

    @classmethod
    def make_params(cls, values: dict[str, Any] | None = None) -> Any:
        return cls.Params(**(values or {}))


class Registry:
    """Rules by code and by dotted name. A duplicate is an error; an unknown key lists the valid ones."""

    def __init__(self, rules: Iterable[type[Rule]] = ()) -> None:
        self._by_code: dict[str, type[Rule]] = {}
        self._by_name: dict[str, type[Rule]] = {}
        for r in rules:
            self.add(r)

    def add(self, rule: type[Rule]) -> type[Rule]:
        for attr in ("code", "name", "domain", "severity", "title", "remediation"):
            if not hasattr(rule, attr):
                raise TypeError(f"rule {rule.__name__} has no {attr}")
        if rule.code in self._by_code or rule.name in self._by_name:
            raise ValueError(f"duplicate rule {rule.code} / {rule.name}")
        self._by_code[rule.code] = rule
        self._by_name[rule.name] = rule
        return rule

    register = add  # usable as a class decorator on a registry of one's own

    def get(self, key: str) -> type[Rule]:
        rule = self._by_code.get(key.upper()) or self._by_name.get(key)
        if rule is None:
            raise UsageError(rm.UNKNOWN_RULE(key=key, known=", ".join(sorted(self._by_code))))
        return rule

    def __iter__(self) -> Iterator[type[Rule]]:
        return iter(sorted(self._by_code.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, key: object) -> bool:
        return key in self._by_code or key in self._by_name
