"""Policies: a schema generated from the rules, and errors that point at the file, line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from balise.errors import UsageError
from balise.rules.builtin import default_registry
from balise.rules.policy import PolicyError, from_document, load, parse, policy_schema

REG = default_registry()


def error(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as e:
        parse(text, "policy.yaml", REG)
    assert e.value.exit_code == 2
    return e.value


def closed_objects(schema: Any, path: str = "") -> list[str]:
    """Paths of every object schema that does not say additionalProperties: false."""
    out = []
    if isinstance(schema, dict):
        types = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
        if "object" in types and schema.get("additionalProperties") is not False and "properties" in schema:
            out.append(path)
        for k, v in schema.items():
            out += closed_objects(v, f"{path}/{k}")
    return out


def test_schema_is_generated_from_the_registry_and_closed_everywhere() -> None:
    schema = policy_schema(REG)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["$defs"]) == {r.code for r in REG}
    for rule in REG:
        params = schema["$defs"][rule.code]["properties"]["params"]
        own = rule.params_schema()["properties"]
        assert set(params["properties"]) == set(own)
        for name, prop in params["properties"].items():  # the rule's own schema, plus list defaults
            assert {k: v for k, v in prop.items() if k in own[name]} == own[name]
            assert prop["default"] == getattr(rule.make_params(), name)
        assert schema["properties"]["rules"]["properties"][rule.name] == {"$ref": f"#/$defs/{rule.code}"}
    assert closed_objects(schema) == []
    assert schema["$defs"]["FIN-040"]["properties"]["params"]["properties"]["threshold"]["default"] == 5.0


def test_a_valid_policy_sets_params_severity_owner_by_code_or_name() -> None:
    p = parse("version: 1\nrules:\n  FIN-040:\n    severity: high\n    owner: finops@example.com\n"
              "    params: {threshold: 4}\n  finops.allocation.untagged:\n    params:\n      required_tags: [team, env]\n",
              "policy.yaml", REG)
    chosen = {s.rule.code: s for s in p.select(REG)}
    assert chosen["FIN-040"].params.threshold == 4 and chosen["FIN-040"].severity == "high"
    assert chosen["FIN-040"].owner == "finops@example.com"
    assert chosen["FIN-060"].params.required_tags == ["team", "env"]
    assert chosen["FIN-041"].params.min_ratio == 0.2  # untouched rules keep their defaults
    assert p.document["rules"]["FIN-040"]["params"] == {"threshold": 4}


def test_empty_policy_runs_everything() -> None:
    assert len(parse("", "p.yaml", REG).select(REG)) == len(REG)
    assert len(parse("# only a comment\n", "p.yaml", REG).select(REG)) == len(REG)
    assert len(parse("rules:\n", "p.yaml", REG).select(REG)) == len(REG)


def test_unknown_parameter_points_at_the_key_and_lists_the_valid_ones() -> None:
    e = error("rules:\n  FIN-040:\n    params:\n      treshold: 4\n")
    assert (e.problem.line, e.problem.column_number) == (4, 7)
    text = str(e)
    assert text.startswith("policy.yaml, line 4, column 7: unknown parameter 'treshold' of rule FIN-040 "
                           "(finops.anomaly.spike). Valid parameters: threshold, min_excess, season_weeks, top,")


def test_unknown_rule_lists_the_known_codes() -> None:
    e = error("domains: [finops]\nrules:\n  FIN-999: {enabled: false}\n")
    assert (e.problem.line, e.problem.column_number) == (3, 3)
    assert "unknown rule 'FIN-999'" in str(e) and f"Known rules: {', '.join(r.code for r in REG)};" in str(e)
    assert {"FIN-040", "FIN-041", "FIN-060"} <= {r.code for r in REG}


def test_wrong_type_points_at_the_value_and_gives_the_parameter_help() -> None:
    e = error("rules:\n  FIN-040:\n    params:\n      threshold: high\n")
    assert (e.problem.line, e.problem.column_number) == (4, 18)
    assert 'rules.FIN-040.params.threshold is "high", not a number' in str(e)
    assert "Robust z-score above which a day is anomalous. (default: 5.0)" in str(e)


def test_out_of_range_and_bad_choices() -> None:
    e = error("rules:\n  FIN-041:\n    params: {min_share: 1.5, direction: sideways}\n")
    assert str(e).startswith("policy.yaml, line 3, column 25: rules.FIN-041.params.min_share is 1.5, above the "
                             "maximum 1.0")
    assert e.more == 1  # and the direction
    e = error("rules:\n  FIN-041:\n    params: {direction: sideways}\n")
    assert 'direction is "sideways", not one of "up", "both"' in str(e)
    e = error("rules:\n  FIN-041:\n    severity: urgent\n")
    assert (e.problem.line, e.problem.column_number) == (3, 15)
    assert '"critical", "high", "medium", "low", "info"' in str(e)
    e = error("domains: [finops, money]\n")
    assert (e.problem.line, e.problem.column_number) == (1, 19)


def test_unknown_settings_and_top_level_keys() -> None:
    e = error("rules:\n  FIN-040:\n    enable: false\n")
    assert str(e).startswith("policy.yaml, line 3, column 5: unknown setting 'enable' of rule FIN-040. Valid keys "
                             "here: enabled, severity, owner, params.")
    e = error("version: 1\nrule:\n  FIN-040: {}\n")
    assert (e.problem.line, e.problem.column_number) == (2, 1)
    assert "Valid keys here: version, domains, groups, rules" in str(e)


def test_yaml_syntax_errors_and_non_mappings_and_duplicates() -> None:
    e = error("rules:\n  FIN-040:\n    params: {threshold: 4\n")
    assert "not valid YAML" in str(e) and e.problem.line == 4
    e = error("- FIN-040\n- FIN-041\n")
    assert "a policy is a YAML mapping" in str(e) and "not a list" in str(e)
    e = error("rules:\n  FIN-040: {enabled: true}\n  FIN-040: {enabled: false}\n")
    assert (e.problem.line, e.problem.column_number) == (3, 3) and "appears twice (first on line 2)" in str(e)
    e = error("rules:\n  FIN-040: {enabled: true}\n  finops.anomaly.spike: {enabled: false}\n")
    assert (e.problem.line, e.problem.column_number) == (3, 3)
    assert "rule FIN-040 is configured twice, as 'FIN-040' and as 'finops.anomaly.spike'" in str(e)


def test_french_messages() -> None:
    from balise.i18n import use_language

    e = error("rules:\n  FIN-040:\n    params:\n      treshold: 4\n")
    use_language("fr")
    try:
        assert str(e).startswith("policy.yaml, ligne 4, colonne 7 : paramètre inconnu 'treshold'")
        assert "Paramètres valides : threshold" in str(e)
    finally:
        use_language("en")


def test_files_name_themselves(tmp_path: Path) -> None:
    f = tmp_path / "team-policy.yaml"
    f.write_text("rules:\n  FIN-060:\n    params:\n      max_share: -1\n")
    with pytest.raises(PolicyError, match=r"team-policy.yaml, line 4, column 18: .*below the minimum 0.0"):
        load(f, REG)
    with pytest.raises(UsageError, match="no such file"):
        load(tmp_path / "missing.yaml", REG)


def test_stored_documents_are_validated_again() -> None:
    assert from_document({"rules": {"FIN-040": {"enabled": False}}}, REG).enabled(REG.get("FIN-040")) is False
    with pytest.raises(UsageError, match="unknown rule 'FIN-000'"):
        from_document({"rules": {"FIN-000": {}}}, REG)
