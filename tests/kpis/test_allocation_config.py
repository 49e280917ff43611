"""Allocation rules, pure: tag resolution (aliases, case, trim, mapping), shared-cost splits by hand."""

from __future__ import annotations

import pytest

from balise.kpis import allocation as al


def cfg(doc: dict) -> al.AllocationConfig:
    assert al.problems(doc) == []
    return al.AllocationConfig.from_dict(doc)


def test_keys_match_case_insensitively_and_aliases_fill_in() -> None:
    c = al.default_config()
    team, env = c.resolver("team"), c.resolver("env")
    assert team('{"team": "web"}') == "web"
    assert team('{"Team": "Web "}') == "web"  # the demo's Azure dev VMs spell it Team
    assert team('{" team": "data"}') == "data"  # the FOCUS sample has a key with a leading space
    assert team('{"project": "x"}') is None and team(None) is None and team("{}") is None and team("not json") is None
    assert env('{"environment": "Production"}') == "prod"  # alias, then the default value mapping
    assert env('{"env": "prod", "environment": "dev"}') == "prod"  # the key itself wins over an alias
    assert env('{"env": "  ", "environment": "dev"}') == "dev"  # an empty value counts as absent
    assert c.resolver("cost-center")('{"CostCenter": "1234"}') == "1234"


def test_case_keep_and_value_mapping() -> None:
    c = cfg({"keys": {"env": {"values": {"Prod": "prod", "PRODUCTION": "prod"}}}, "case": "keep"})
    env = c.resolver("env")
    assert env('{"env": "Prod"}') == "prod" and env('{"env": "PRODUCTION"}') == "prod"
    assert env('{"env": "Staging"}') == "Staging"  # kept as written
    lower = cfg({"keys": {"env": {"values": {"Prod": "prod"}}}})
    assert lower.resolver("env")('{"env": "PROD"}') == "prod"  # lower-cased, then mapped ("prod" → "prod")
    assert lower.normalise_value("env", " Prod ") == "prod"


def rule(split: str, **kw: object) -> al.SharedRule:
    return al.SharedRule("r", "team", al.Filter(untagged=True), split, **kw)  # type: ignore[arg-type]


def test_splits_by_hand() -> None:
    direct = {"web": 600.0, "data": 400.0, "idle": 0.0}
    # proportional: 100 × 600/1000 and 100 × 400/1000; a value with no direct spend gets nothing
    assert al.split(rule("proportional"), 100.0, direct) == pytest.approx({"web": 60.0, "data": 40.0})
    # even among those with direct spend
    assert al.split(rule("even"), 100.0, direct) == pytest.approx({"data": 50.0, "web": 50.0})
    # even among named values, whether or not they spent directly
    assert al.split(rule("even", among=("web", "data", "idle", "new")), 100.0, direct) == pytest.approx(
        {"web": 25.0, "data": 25.0, "idle": 25.0, "new": 25.0})
    # fixed percentages
    assert al.split(rule("fixed", percentages={"web": 70.0, "data": 30.0}), 200.0, direct) == pytest.approx(
        {"web": 140.0, "data": 60.0})
    # nobody to split among: the amount stays unallocated
    assert al.split(rule("proportional"), 100.0, {}) == {}
    assert al.split(rule("proportional", among=("idle",)), 100.0, direct) == {}


def test_filters() -> None:
    f = al.Filter(services=("Amazon CloudFront",), tags={"env": ("prod",)})
    c = al.default_config()
    env_of = c.resolver("env")
    line = {"service": "Amazon CloudFront", "account": "1", "provider": "aws", "charge_category": "Usage"}
    assert al.matches(f, line, "web", lambda k: env_of('{"environment": "Prod"}'))
    assert not al.matches(f, line, "web", lambda k: env_of('{"env": "dev"}'))
    assert not al.matches(f, {**line, "service": "Amazon S3"}, "web", lambda k: "prod")
    assert al.matches(al.Filter(untagged=True), line, None, lambda k: None)
    assert not al.matches(al.Filter(untagged=True), line, "web", lambda k: None)
    assert al.matches(al.Filter(untagged=False), line, "web", lambda k: None)


@pytest.mark.parametrize(("shared", "problem"), [
    ({"split": "fixed"}, "FIXED_NEEDS_PERCENTAGES"),
    ({"split": "fixed", "percentages": {"web": 70, "data": 20}}, "PERCENTAGES_SUM"),
    ({"split": "even", "percentages": {"web": 100}}, "PERCENTAGES_ONLY_FIXED"),
    ({"split": "fixed", "percentages": {"web": 100}, "among": ["web"]}, "AMONG_NOT_FIXED"),
])
def test_semantic_problems(shared: dict, problem: str) -> None:
    doc = {"shared": [{"name": "x", "key": "team", "filter": {"untagged": True}, **shared}]}
    assert [p[1] for p in al.problems(doc)] == [problem]


def test_fixed_percentages_summing_to_100_with_decimals_are_fine() -> None:
    doc = {"shared": [{"name": "x", "key": "team", "filter": {"untagged": True}, "split": "fixed",
                       "percentages": {"a": 33.3, "b": 33.3, "c": 33.4}}]}
    assert al.problems(doc) == []
