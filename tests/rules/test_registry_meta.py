"""Every rule of the default registry keeps the contract: code, name, docstring, closed schema, both languages,
and a row in docs/findings.md."""

from __future__ import annotations

import dataclasses
import json
import re
import string
from pathlib import Path

import jsonschema
import pytest

from balise.rules.base import Rule
from balise.rules.builtin import default_registry
from balise.rules.policy import policy_schema

RULES = list(default_registry())
DOC = Path(__file__).resolve().parents[2] / "docs" / "findings.md"


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def ids(rule: type[Rule]) -> str:
    return rule.code


def test_the_registry_is_not_empty_and_codes_are_unique() -> None:
    assert len(RULES) >= 3
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=ids)
def test_code_and_dotted_name(rule: type[Rule]) -> None:
    assert re.fullmatch(r"[A-Z]{3}-\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+", rule.name)
    assert rule.name.split(".")[0] == rule.domain.value
    assert all(re.fullmatch(r"[a-z0-9-]+", g) for g in rule.groups) and rule.groups


@pytest.mark.parametrize("rule", RULES, ids=ids)
def test_docstring_shows_a_bad_and_a_good_example(rule: type[Rule]) -> None:
    doc = rule.__doc__ or ""
    assert doc.strip().splitlines()[0].strip(), "a one-line summary first"
    assert re.search(r"^\s*Bad:\s+\S", doc, re.M) and re.search(r"^\s*Good:\s+\S", doc, re.M)


@pytest.mark.parametrize("rule", RULES, ids=ids)
def test_params_schema_is_closed_described_and_its_defaults_validate(rule: type[Rule]) -> None:
    schema = rule.params_schema()
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert dataclasses.is_dataclass(rule.Params)
    defaults = rule.make_params()
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{rule.code}.{name} has no description"
    # as a YAML or JSON document holds them (tuples become lists)
    values = json.loads(json.dumps({f.name: getattr(defaults, f.name) for f in dataclasses.fields(rule.Params)}))
    jsonschema.validate(values, schema)
    full = {"rules": {rule.code: {"enabled": True, "severity": rule.severity.value, "params": values}}}
    jsonschema.validate(full, policy_schema(default_registry()))


@pytest.mark.parametrize("rule", RULES, ids=ids)
def test_title_and_remediation_in_english_and_french_with_the_same_placeholders(rule: type[Rule]) -> None:
    for msg in (rule.title, rule.remediation):
        assert msg.en.strip() and msg.fr.strip() and msg.en != msg.fr
        assert fields(msg.en) == fields(msg.fr)


def test_every_rule_has_a_row_in_the_docs_table() -> None:
    text = DOC.read_text()
    rows = dict(re.findall(r"^\| ([A-Z]{3}-\d{3}) \| `([a-z0-9_.-]+)` \|", text, re.M))
    missing = [f"{r.code} {r.name}" for r in RULES if rows.get(r.code) != r.name]
    assert missing == [], f"add a row to the rules table of {DOC.name}: | CODE | `dotted.name` | domain | …"
    unknown = sorted(set(rows) - {r.code for r in RULES})
    assert unknown == [], f"{DOC.name} documents rules that do not exist"
