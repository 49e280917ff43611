"""YAML documents validated against a JSON Schema, with errors that say file:line:column.

Users write KPI policies and allocation rules in YAML. A mistake must point at the exact place: the YAML is
parsed twice, once into plain data and once into PyYAML's node tree (which keeps each value's position), and
a JSON Schema error's path is walked down that tree to the offending key or value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from balise.errors import BadSourceError, Problem
from balise.i18n import Text
from balise.i18n import kpis_messages as km


@dataclass
class YamlProblem(Problem):
    """A problem located as ``file:line:column`` (both 1-based), the way editors and compilers say it."""

    def where(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column_number or 1}"


@dataclass(frozen=True)
class Document:
    """Parsed YAML and where each value is."""

    data: Any
    root: yaml.Node | None
    file: str

    def locate(self, path: Sequence[str | int], key: bool = False) -> tuple[int, int] | None:
        """(line, column) of the value at ``path`` (of its key when ``key``), the nearest parent otherwise."""
        node = self.root
        if node is None:
            return None
        mark = node.start_mark
        for step in path:
            child: yaml.Node | None = None
            key_node: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                        key_node, child = k, v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                child = node.value[step]
            if child is None:
                break
            node = child
            mark = key_node.start_mark if key and key_node is not None and step == path[-1] else child.start_mark
        return mark.line + 1, mark.column + 1

    def problem(self, path: Sequence[str | int], problem: Text, hint: Text, *, key: bool = False,
                value: str | None = None) -> YamlProblem:
        pos = self.locate(path, key=key)
        line, column = pos if pos else (None, None)
        return YamlProblem(self.file, problem, hint, line=line, column=_dotted(path) or None, column_number=column,
                           value=value)

    def fail(self, path: Sequence[str | int], problem: Text, hint: Text, *, key: bool = False,
             value: str | None = None) -> BadSourceError:
        return BadSourceError(self.problem(path, problem, hint, key=key, value=value))


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (("." if out else "") + str(step))
    return out


def parse(text: str, file: str) -> Document:
    """Parse YAML text; a syntax error names its line and column."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise BadSourceError(YamlProblem(file, km.YAML_SYNTAX(error=e.problem or str(e)), km.HINT_YAML_SYNTAX(),
                                         line=mark.line + 1 if mark else None,
                                         column_number=mark.column + 1 if mark else None)) from None
    except yaml.YAMLError as e:
        raise BadSourceError(YamlProblem(file, km.YAML_SYNTAX(error=str(e)), km.HINT_YAML_SYNTAX())) from None
    return Document(data, root, file)


def validate(doc: Document, schema: dict[str, Any], hint: Text) -> None:
    """Check the document against the schema; the first error (in document order) is raised, located."""
    import jsonschema  # imported when a user's file is checked, not by every command

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: (doc.locate(list(e.absolute_path)) or (0, 0)))
    if not errors:
        return
    e = _deepest(errors[0])
    path = list(e.absolute_path)
    if e.validator == "additionalProperties" and isinstance(e.instance, dict):
        allowed = set(e.schema.get("properties", {}))
        extra = sorted(k for k in e.instance if k not in allowed)
        where = [*path, extra[0]] if extra else path
        raise doc.fail(where, km.SCHEMA_UNKNOWN_KEY(key=extra[0] if extra else "?",
                                                    allowed=", ".join(sorted(allowed)) or "—"), hint, key=True)
    if e.validator == "required":
        missing = [k for k in e.validator_value if isinstance(e.instance, dict) and k not in e.instance]
        raise doc.fail(path, km.SCHEMA_MISSING_KEY(key=missing[0] if missing else "?"), hint, key=True)
    if e.validator == "enum":
        raise doc.fail(path, km.SCHEMA_NOT_ONE_OF(allowed=", ".join(map(str, e.validator_value))), hint,
                       value=_show(e.instance))
    if e.validator == "type":
        raise doc.fail(path, km.SCHEMA_WRONG_TYPE(expected=_types(e.validator_value)), hint,
                       value=_show(e.instance))
    raise doc.fail(path, km.SCHEMA_INVALID(detail=e.message), hint, value=_show(e.instance))


def _deepest(error: Any) -> Any:
    """For oneOf/anyOf failures, the sub-error deepest in the document is the most useful to show."""
    best = error
    for sub in error.context or ():
        cand = _deepest(sub)
        if len(cand.absolute_path) > len(best.absolute_path):
            best = cand
    return best


_TYPE_NAMES = {"object": "mapping", "array": "list", "string": "text", "number": "number", "integer": "integer",
               "boolean": "true/false", "null": "null"}


def _types(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " | ".join(_TYPE_NAMES.get(n, str(n)) for n in names)


def _show(value: Any) -> str | None:
    if isinstance(value, dict | list):
        return None
    return str(value)
