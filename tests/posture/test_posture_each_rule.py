"""Each control rule both ways on a real state database: missing and stale evidence FAIL, fresh evidence PASS."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from balise.compliance import controls as cm
from balise.domain.findings import Domain, Status
from balise.rules.context import RuleContext
from balise.rules.posture_rules import RULES
from balise.services import posture
from balise.services.workspace import Workspace


def run(ws: Workspace, rule: type) -> list:
    """The rule on a context whose only input is the tenant's posture (a posture rule reads nothing else)."""
    ctx = RuleContext(con=None, tenant="acme", focus=None, history=None, start="2026-10", end="2026-12",  # type: ignore[arg-type]
                      as_of=date(2026, 12, 1), rates=None,  # type: ignore[arg-type]
                      loaders={"posture": lambda: posture.context_input(ws, "acme", None)})  # type: ignore[arg-type]
    return list(rule().evaluate(ctx, rule.make_params()))


def control_status(findings: list) -> Status:
    (f,) = [f for f in findings if f.subject.kind == "control"]
    return f.status


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_missing_then_stale_then_fresh(acme: Workspace, rule: type) -> None:
    c = cm.BY_CODE[rule.code]
    assert rule.domain == Domain.POSTURE and rule.name == f"posture.control.{c.key}"
    assert run(acme, rule) == []  # a tenant that tracks no posture (nothing declared) gets no posture finding
    posture.set_overrides(acme, "acme")  # it starts tracking: every control without evidence fails
    missing = run(acme, rule)
    assert control_status(missing) == Status.FAIL
    assert missing[0].evidence["latest_evidence"] is None and missing[0].owner == cm.owner_of(c.default_raci())
    today = posture.today()
    posture.add_evidence(acme, "acme", c.code, day=today - timedelta(days=c.freshness_days + 1), by="MSP",
                         link="https://wiki.example/old")
    stale = run(acme, rule)
    assert control_status(stale) == Status.FAIL
    assert stale[0].evidence["age_days"] == c.freshness_days + 1
    assert f"accepted: {c.freshness_days} days" in stale[0].title.render("en")
    posture.add_evidence(acme, "acme", c.code, day=today - timedelta(days=c.freshness_days), by="MSP",
                         link="https://wiki.example/new")
    fresh = run(acme, rule)
    assert control_status(fresh) == Status.PASS and len(fresh) == 1
    assert fresh[0].evidence["latest_evidence"]["link"] == "https://wiki.example/new"
