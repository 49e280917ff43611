"""The engine runs what the policy selects, applies overrides, times each rule, and never hides an error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from balise import engine as db
from balise.domain.findings import Domain, Finding, Severity, Status, Subject
from balise.i18n import Msg
from balise.reference.fx import ecb
from balise.rules import engine
from balise.rules.base import Registry, Rule, param
from balise.rules.context import RuleContext
from balise.rules.policy import parse

TITLE = Msg("{what} found", "{what} trouvé")
FIX = Msg("do something", "faites quelque chose")


class Two(Rule):
    code, name, domain, severity, groups = "TST-001", "test.two", Domain.FINOPS, Severity.LOW, ("cost",)
    title, remediation = TITLE, FIX

    @dataclass(frozen=True)
    class Params:
        n: int = param(2, "how many findings", minimum=0)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        for i in range(params.n):
            yield self.finding(Subject("resource", f"r{i}"), args={"what": f"r{i}"},
                               evidence={"day": date(2026, 10, i + 1), "period": {"start": ctx.start}},
                               monthly_saving_eur=10.0 * (i + 1), owner="alice")


class Broken(Rule):
    code, name, domain, severity, groups = "TST-002", "test.broken", Domain.GREENOPS, Severity.HIGH, ("carbon",)
    title, remediation = TITLE, FIX

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        yield self.finding(Subject("resource", "half"), args={"what": "half"})  # yielded, then it fails
        raise RuntimeError("the input table is missing column Foo")


class Twice(Rule):
    code, name, domain, severity = "TST-003", "test.twice", Domain.POSTURE, Severity.MEDIUM
    title, remediation = TITLE, FIX

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        for _ in range(2):
            yield self.finding(Subject("account", "a1"), args={"what": "a1"})


REGISTRY = Registry([Two, Broken, Twice])


@pytest.fixture(scope="module")
def ctx() -> RuleContext:
    con = db.connect()
    t = db.focus_table(con, [])
    return RuleContext(con=con, tenant="t", focus=t, history=t, start="2026-08", end="2026-10",
                       as_of=date(2026, 10, 31), rates=ecb())


def test_a_rule_that_raises_becomes_one_unknown_finding_and_the_others_still_run(ctx: RuleContext) -> None:
    run = engine.run(ctx, REGISTRY)
    assert [r.code for r in run.rules] == ["TST-001", "TST-002", "TST-003"]
    broken = [f for f in run.findings if f.code == "TST-002"]
    assert len(broken) == 1  # the half-done finding is dropped: the rule's output is unknown
    (f,) = broken
    assert f.status == Status.UNKNOWN and f.subject == Subject("rule", "TST-002", name="test.broken")
    assert f.evidence["error"] == "RuntimeError: the input table is missing column Foo"
    assert f.evidence["raised_at"].endswith("in evaluate") and "test_engine.py" in f.evidence["raised_at"]
    assert f.severity == Severity.HIGH and f.domain == Domain.GREENOPS
    assert "could not run" in f.title.render("en") and "n'a pas pu" in f.title.render("fr")
    assert run.rules[1].error == f.evidence["error"] and not run.rules[1].ok
    assert [x.subject.id for x in run.findings if x.code == "TST-001"] == ["r0", "r1"]


def test_a_rule_repeating_a_subject_is_reported_not_silently_deduplicated(ctx: RuleContext) -> None:
    run = engine.run(ctx, REGISTRY, codes=["TST-003"])
    assert [(f.status, f.subject.kind) for f in run.findings] == [(Status.FAIL, "account"), (Status.UNKNOWN, "rule")]
    assert "same subject 'a1'" in run.findings[1].evidence["error"]
    assert not run.rules[0].ok


def test_each_rule_is_timed(ctx: RuleContext) -> None:
    run = engine.run(ctx, REGISTRY)
    assert all(r.seconds >= 0 for r in run.rules) and run.seconds == pytest.approx(sum(r.seconds for r in run.rules))
    assert [r.findings for r in run.rules] == [2, 1, 2]


def test_policy_overrides_severity_owner_and_params_and_disables(ctx: RuleContext) -> None:
    policy = parse("rules:\n  TST-001:\n    severity: critical\n    owner: bob\n    params: {n: 3}\n"
                   "  test.twice: {enabled: false}\n", "p.yaml", REGISTRY)
    run = engine.run(ctx, REGISTRY, policy)
    assert [r.code for r in run.rules] == ["TST-001", "TST-002"]
    two = [f for f in run.findings if f.code == "TST-001"]
    assert len(two) == 3 and {(f.severity, f.owner) for f in two} == {(Severity.CRITICAL, "bob")}
    assert engine.evaluate(ctx, REGISTRY) != []  # without a policy: every rule, defaults
    assert len([f for f in engine.evaluate(ctx, REGISTRY) if f.code == "TST-001"]) == 2


def test_domains_and_groups_select_rules_and_an_explicit_enable_wins(ctx: RuleContext) -> None:
    def codes(text: str) -> list[str]:
        return [r.code for r in engine.run(ctx, REGISTRY, parse(text, "p.yaml", REGISTRY)).rules]

    assert codes("domains: [finops]\n") == ["TST-001"]
    assert codes("groups: [carbon]\n") == ["TST-002"]
    assert codes("domains: [finops, posture]\ngroups: [cost]\n") == ["TST-001"]
    assert codes("domains: [finops]\nrules:\n  TST-003: {enabled: true}\n") == ["TST-001", "TST-003"]
    assert codes("rules:\n  TST-001: {enabled: false}\n  TST-002: {enabled: false}\n  TST-003: {enabled: false}\n") == []


def test_evidence_is_plain_json(ctx: RuleContext) -> None:
    (f, *_) = engine.run(ctx, REGISTRY, codes=["TST-001"]).findings
    assert f.evidence == {"day": "2026-10-01", "period": {"start": "2026-08"}}


def test_codes_must_exist(ctx: RuleContext) -> None:
    from balise.errors import UsageError

    with pytest.raises(UsageError, match="unknown rule 'TST-999'; known rules: TST-001, TST-002, TST-003"):
        engine.run(ctx, REGISTRY, codes=["TST-999"])
