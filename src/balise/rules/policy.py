"""Tenant policies: which rules run, with which parameters, severity and owner. A YAML document:

    # docs/findings.md, "Policies"
    domains: [finops]              # optional: only the rules of these domains
    groups: [anomaly, allocation]  # optional: only the rules in at least one of these groups
    rules:
      FIN-040:                     # a rule, by code or by dotted name
        enabled: true              # wins over domains and groups, either way
        severity: high             # replaces the severity of the rule's findings
        owner: finops@example.com  # replaces their owner
        params:                    # the rule's parameters (`balise rules` lists them with their defaults)
          threshold: 4.5

Without a policy every rule runs with its default parameters. The JSON Schema is generated from the registry
(``policy_schema``), never written by hand: one ``$defs`` entry per rule holding its ``params_schema()``,
every object closed with ``additionalProperties: false``. Files are validated with ``jsonschema``; an error
names the file, the line and the column of the offending YAML node (PyYAML's node marks) and what to write
instead: an unknown parameter lists the valid ones, an unknown rule the known codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from balise.domain.findings import Domain, Severity
from balise.errors import BadSourceError, Problem, UsageError
from balise.i18n import Text
from balise.i18n import messages as m
from balise.i18n import rules_messages as rm
from balise.rules.base import Registry, Rule

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
TOP_KEYS = ("version", "domains", "groups", "rules")
SETTINGS = ("enabled", "severity", "owner", "params")


def policy_schema(registry: Registry) -> dict[str, Any]:
    """The JSON Schema of a policy document, generated from the rules of ``registry``."""
    defs: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    for rule in registry:
        defs[rule.code] = {
            "title": f"{rule.code} {rule.name}",
            "description": summary(rule),
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean", "description": "Run this rule (wins over domains and groups)."},
                "severity": {"enum": [s.value for s in Severity], "default": rule.severity.value,
                             "description": "Severity of this rule's findings."},
                "owner": {"type": "string", "minLength": 1, "description": "Who acts on this rule's findings."},
                "params": {**params_schema(rule), "type": ["object", "null"]},
            },
        }
        rules[rule.code] = rules[rule.name] = {"$ref": f"#/$defs/{rule.code}"}
    groups = sorted({g for r in registry for g in r.groups})
    return {
        "$schema": SCHEMA_DRAFT,
        "title": "Balise rule policy",
        "description": "Which rules run for a tenant, with which parameters, severity and owner "
                       "(docs/findings.md). Generated from the rule registry.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "version": {"const": 1, "description": "Format version of this document."},
            "domains": {"type": "array", "uniqueItems": True, "items": {"enum": [d.value for d in Domain]},
                        "description": "Only the rules of these domains (default: all)."},
            "groups": {"type": "array", "uniqueItems": True,
                       "items": {"enum": groups} if groups else {"type": "string"},
                       "description": "Only the rules in at least one of these groups (default: all)."},
            "rules": {"type": ["object", "null"], "additionalProperties": False, "properties": rules,
                      "description": "Settings per rule, keyed by code or dotted name."},
        },
        "$defs": defs,
    }


def params_schema(rule: type[Rule]) -> dict[str, Any]:
    """``rule.params_schema()`` with the defaults of list and mapping parameters too (dataclass factories)."""
    schema = rule.params_schema()
    defaults = rule.make_params()
    for name, prop in schema["properties"].items():
        prop.setdefault("default", getattr(defaults, name))
    return schema


def summary(rule: type[Rule]) -> str:
    """The first line of a rule's docstring."""
    return (rule.__doc__ or "").strip().splitlines()[0] if rule.__doc__ else rule.name


# --- the policy --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleSettings:
    enabled: bool | None = None
    severity: Severity | None = None
    owner: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Selected:
    """A rule the policy runs, with its parameters (the rule's ``Params`` instance) and overrides."""

    rule: type[Rule]
    params: Any
    severity: Severity | None
    owner: str | None


@dataclass(frozen=True)
class Policy:
    domains: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    rules: dict[str, RuleSettings] = field(default_factory=dict)  # by rule code
    document: dict[str, Any] = field(default_factory=dict)  # as validated (keys as the user wrote them)
    source: str | None = None  # the YAML text it came from

    def enabled(self, rule: type[Rule]) -> bool:
        settings = self.rules.get(rule.code)
        if settings is not None and settings.enabled is not None:
            return settings.enabled
        if self.domains and rule.domain.value not in self.domains:
            return False
        return not self.groups or bool(set(rule.groups) & set(self.groups))

    def select(self, registry: Registry, codes: Iterable[str] | None = None) -> list[Selected]:
        """The enabled rules (only those of ``codes`` when given: codes or dotted names), in code order."""
        wanted = None if codes is None else {registry.get(c).code for c in codes}
        out = []
        for rule in registry:
            if (wanted is not None and rule.code not in wanted) or not self.enabled(rule):
                continue
            s = self.rules.get(rule.code, RuleSettings())
            out.append(Selected(rule, rule.make_params(s.params), s.severity, s.owner))
        return out


def from_document(doc: Any, registry: Registry, source: str | None = None) -> Policy:
    """A policy from an already parsed document (e.g. the stored one); UsageError when it does not validate."""
    issues = list(_issues(doc, registry))
    if issues:
        first = issues[0]
        raise UsageError(rm.POLICY_INVALID(path=_path(first.path) or "policy", error=first.problem))
    return _build(doc or {}, registry, source)


def parse(text: str, file: str, registry: Registry) -> Policy:
    """Parse and validate a policy's YAML text; PolicyError (exit 2) names file, line and column."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        doc = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise PolicyError(file, line, col, rm.POLICY_YAML(problem=e.problem or str(e)), rm.HINT_YAML()) from None
    except yaml.YAMLError as e:
        raise PolicyError(file, 1, 1, rm.POLICY_YAML(problem=str(e)), rm.HINT_YAML()) from None
    finally:
        loader.dispose()
    issues = [*_duplicate_keys(root)] if root is not None else []
    issues += _issues(doc, registry)
    if issues:
        located = sorted((_locate(root, i), n, i) for n, i in enumerate(issues))
        (line, col), _, first = located[0]
        raise PolicyError(file, line, col, first.problem, first.hint, more=len(located) - 1)
    return _build(doc or {}, registry, text)


def load(path: Path, registry: Registry) -> Policy:
    """Read and validate a policy file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(m.NO_SUCH_PATH(path=str(path))) from None
    except UnicodeDecodeError as e:
        raise PolicyError(str(path), 1, e.start + 1, rm.POLICY_YAML(problem=str(e)), rm.HINT_YAML()) from None
    return parse(text, str(path), registry)


class PolicyError(BadSourceError):
    """A policy file that does not validate: ``file, line L, column C: what is wrong. What to do.``"""

    def __init__(self, file: str, line: int, column: int, problem: Text, hint: Text, more: int = 0) -> None:
        super().__init__(Problem(file, problem, hint, line=line, column_number=column), more)

    def __str__(self) -> str:
        p = self.problem
        text = rm.POLICY_ERROR(file=p.file, line=p.line, column=p.column_number, problem=p.problem, hint=p.hint)
        return str(text) + (str(m.MORE_PROBLEMS(n=self.more)) if self.more else "")


# --- validation ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Issue:
    path: tuple[Any, ...]  # JSON path of the offending value (or of the object holding the offending key)
    problem: Text
    hint: Text
    key: Any = None  # the offending key, when the problem is a key
    mark: tuple[int, int] | None = None  # (line, column), 1-based, when known without the path


def _issues(doc: Any, registry: Registry) -> Iterator[_Issue]:
    if doc is None:
        return
    if not isinstance(doc, dict):
        yield _Issue((), rm.POLICY_NOT_MAPPING(kind=_type_name(doc)), rm.HINT_SCHEMA())
        return
    validator = jsonschema.Draft202012Validator(policy_schema(registry))
    for error in validator.iter_errors(doc):
        yield from _explain(error, registry)
    yield from _duplicate_rules(doc, registry)


def _explain(e: jsonschema.ValidationError, registry: Registry) -> Iterator[_Issue]:
    path = tuple(e.absolute_path)
    value = _show(e.instance)
    where = _path(path)
    if e.validator == "additionalProperties":
        valid = list(e.schema.get("properties", {}))
        for key in [k for k in e.instance if k not in e.schema.get("properties", {})]:
            yield _unknown_key(path, key, valid, registry)
        return
    if e.validator == "type":
        types = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        expected = " / ".join(str(_TYPE_NAMES[t]()) for t in types if t != "null") or str(rm.T_NULL())
        problem = rm.POLICY_BAD_TYPE(path=where, value=value, expected=expected)
    elif e.validator in ("enum", "const"):
        choices = e.validator_value if e.validator == "enum" else [e.validator_value]
        problem = rm.POLICY_BAD_CHOICE(path=where, value=value, choices=", ".join(_show(c) for c in choices))
    elif e.validator in ("minimum", "exclusiveMinimum", "minLength"):
        problem = rm.POLICY_TOO_SMALL(path=where, value=value, limit=e.validator_value)
    elif e.validator in ("maximum", "exclusiveMaximum", "maxLength"):
        problem = rm.POLICY_TOO_LARGE(path=where, value=value, limit=e.validator_value)
    elif e.validator == "uniqueItems":
        problem = rm.POLICY_NOT_UNIQUE(path=where)
    else:
        problem = rm.POLICY_INVALID(path=where, error=e.message)
    yield _Issue(path, problem, _param_hint(path, registry))


def _unknown_key(path: tuple[Any, ...], key: Any, valid: list[str], registry: Registry) -> _Issue:
    if len(path) == 0:
        return _Issue(path, rm.POLICY_UNKNOWN_KEY(key=key), rm.HINT_VALID_KEYS(valid=", ".join(TOP_KEYS)), key)
    if path == ("rules",):
        known = ", ".join(r.code for r in registry)
        return _Issue(path, rm.POLICY_UNKNOWN_RULE(key=key), rm.HINT_KNOWN_RULES(known=known), key)
    rule = registry.get(str(path[1]))
    if len(path) == 2:
        return _Issue(path, rm.POLICY_UNKNOWN_SETTING(key=key, code=rule.code),
                      rm.HINT_VALID_KEYS(valid=", ".join(SETTINGS)), key)
    problem = rm.POLICY_UNKNOWN_PARAM(key=key, code=rule.code, name=rule.name)
    hint = rm.HINT_VALID_PARAMS(valid=", ".join(valid)) if valid else rm.HINT_NO_PARAMS()
    return _Issue(path, problem, hint, key)


def _param_hint(path: tuple[Any, ...], registry: Registry) -> Text:
    if len(path) >= 4 and path[0] == "rules" and path[2] == "params" and str(path[1]) in registry:
        prop = params_schema(registry.get(str(path[1])))["properties"].get(path[3])
        if prop is not None:
            return rm.HINT_PARAM(description=prop.get("description", ""), default=_show(prop.get("default")))
    return rm.HINT_SCHEMA()


def _duplicate_rules(doc: dict[str, Any], registry: Registry) -> Iterator[_Issue]:
    rules = doc.get("rules")
    if not isinstance(rules, dict):
        return
    seen: dict[str, str] = {}
    for key in rules:
        if not isinstance(key, str) or key not in registry:
            continue
        code = registry.get(key).code
        if code in seen:
            yield _Issue(("rules",), rm.POLICY_DUPLICATE_RULE(code=code, first=seen[code], second=key),
                         rm.HINT_KEEP_ONE(), key)
        seen.setdefault(code, key)


def _duplicate_keys(node: Node) -> Iterator[_Issue]:
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                if k.value in seen:
                    yield _Issue((), rm.POLICY_DUPLICATE_KEY(key=k.value, first=seen[k.value]), rm.HINT_KEEP_ONE(),
                                 mark=(k.start_mark.line + 1, k.start_mark.column + 1))
                seen.setdefault(k.value, k.start_mark.line + 1)
            yield from _duplicate_keys(v)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


def _locate(root: Node | None, issue: _Issue) -> tuple[int, int]:
    """1-based (line, column) of the issue's node: the key itself for a bad key, else the value."""
    if issue.mark is not None:
        return issue.mark
    if root is None:
        return (1, 1)
    node = root
    for part in issue.path:
        child = _child(node, part)
        if child is None:
            break
        node = child[1]
    if issue.key is not None and isinstance(node, MappingNode):
        for k, _ in node.value:
            if isinstance(k, ScalarNode) and k.value == str(issue.key):
                node = k
                break
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: Node, part: Any) -> tuple[Node, Node] | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == str(part):
                return k, v
    elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node, node.value[part]
    return None


_TYPE_NAMES = {"integer": rm.T_INTEGER, "number": rm.T_NUMBER, "string": rm.T_STRING, "boolean": rm.T_BOOLEAN,
               "array": rm.T_ARRAY, "object": rm.T_OBJECT, "null": rm.T_NULL}


def _type_name(value: Any) -> str:
    kind = ("boolean" if isinstance(value, bool) else "integer" if isinstance(value, int)
            else "number" if isinstance(value, float) else "string" if isinstance(value, str)
            else "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "null")
    return str(_TYPE_NAMES[kind]())


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _path(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


# --- building ------------------------------------------------------------------------------------------------

def _build(doc: dict[str, Any], registry: Registry, source: str | None) -> Policy:
    rules: dict[str, RuleSettings] = {}
    for key, settings in (doc.get("rules") or {}).items():
        s = settings or {}
        severity = s.get("severity")
        rules[registry.get(key).code] = RuleSettings(
            enabled=s.get("enabled"), severity=Severity(severity) if severity else None, owner=s.get("owner"),
            params=dict(s.get("params") or {}))
    document = json.loads(json.dumps(doc, default=str))  # what the state database stores: plain JSON
    return Policy(domains=tuple(doc.get("domains") or ()), groups=tuple(doc.get("groups") or ()), rules=rules,
                  document=document, source=source)
