"""Findings lifecycle in the state database (SQLite and PostgreSQL): open → acknowledged → resolved when gone
→ reopened when back; suppressed → SKIPPED → expired → open; every change an event; one transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from balise.domain.findings import Domain, Finding, Severity, Status, Subject
from balise.errors import UsageError, UserInputError
from balise.i18n import Msg
from balise.rules.base import Registry, Rule, param
from balise.rules.context import RuleContext
from balise.rules.policy import PolicyError
from balise.services import findings as svc
from balise.services.ingest import ingest
from balise.services.workspace import Workspace

# What the test rules report at the next evaluation: subject id -> status (tests change it between runs).
EMIT: dict[str, Status] = {}
RAISE: list[str] = []


class Switch(Rule):
    """Reports the subjects of EMIT.

    Bad:  a subject in EMIT.
    Good: a subject not in it.
    """

    code, name, domain, severity, groups = "TST-101", "test.switch", Domain.FINOPS, Severity.HIGH, ("test",)
    title = Msg("{id} is wrong (window {end})", "{id} ne va pas (fenêtre {end})")
    remediation = Msg("fix {id}", "corrigez {id}")

    @dataclass(frozen=True)
    class Params:
        saving: float = param(12.5, "saving per finding")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        if RAISE:
            raise RuntimeError(RAISE[0])
        for sid, status in sorted(EMIT.items()):
            yield self.finding(Subject("resource", sid, name=f"name-{sid}"), status=status,
                               args={"id": sid, "end": ctx.end}, evidence={"end": ctx.as_of},
                               monthly_saving_eur=params.saving, owner="web")


class Quiet(Rule):
    """Reports one tenant-level finding at low severity.

    Bad:  always.
    Good: never.
    """

    code, name, domain, severity, groups = "TST-102", "test.quiet", Domain.GREENOPS, Severity.LOW, ("other",)
    title = Msg("quiet {x}", "calme {x}")
    remediation = Msg("nothing", "rien")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        yield self.finding(Subject("tenant", ctx.tenant), args={"x": ctx.tenant})


REG = Registry([Switch, Quiet])


def write_bill(path: Path, first: date, last: date) -> Path:
    """A tiny FOCUS file: two VMs at 1.50 € a day."""
    cols = ["BillingAccountId", "ProviderName", "BillingCurrency", "ChargePeriodStart", "ChargePeriodEnd",
            "ChargeCategory", "ServiceName", "ResourceId", "ResourceName", "BilledCost", "EffectiveCost", "ListCost",
            "Tags"]
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        d = first
        while d <= last:
            for r in ("vm-1", "vm-2"):
                w.writerow(["acct", "Example Cloud", "EUR", f"{d}T00:00:00Z", f"{d + timedelta(days=1)}T00:00:00Z",
                            "Usage", "Compute", r, r, "1.5", "1.5", "1.5", '{"team":"web"}'])
            d += timedelta(days=1)
    return path


@pytest.fixture
def tws(ws: Workspace, tmp_path: Path) -> Workspace:
    """A workspace with tenants t1 and t2 billed September and October 2026."""
    bill = write_bill(tmp_path / "bill.csv", date(2026, 9, 1), date(2026, 10, 31))
    ingest(ws, [bill], "t1")
    ingest(ws, [bill], "t2")
    EMIT.clear()
    RAISE.clear()
    return ws


def run(ws: Workspace, tenant: str = "t1", month: str | None = None) -> svc.FindingsRun:
    return svc.evaluate(ws, tenant, month, registry=REG)


def by_subject(ws: Workspace, tenant: str = "t1", **filters: Any) -> dict[str, svc.FindingView]:
    return {v.subject["id"]: v for v in svc.list_findings(ws, tenant, **filters)}


def actions(ws: Workspace, id: int) -> list[tuple[str, str | None, str, str | None]]:
    return [(e.action, e.before, e.after, e.by) for e in svc.finding_events(ws, "t1", id)]


def test_open_ack_resolved_when_gone_reopened_when_back(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL, b=Status.FAIL)
    r = run(tws)
    assert (r.start, r.end, r.as_of, r.latest) == ("2026-08", "2026-10", date(2026, 10, 31), True)
    assert [x.code for x in r.rules] == ["TST-101", "TST-102"] and all(x.seconds >= 0 for x in r.rules)
    assert r.changes["opened"] == 3
    views = by_subject(tws)
    a = views["a"]
    assert (a.code, a.status, a.lifecycle, a.severity, a.domain) == ("TST-101", "FAIL", "open", "high", "finops")
    assert (a.monthly_saving_eur, a.owner, a.evidence) == (12.5, "web", {"end": "2026-10-31"})
    assert a.title.render("en") == "a is wrong (window 2026-10)" and a.title.render("fr") == "a ne va pas (fenêtre 2026-10)"
    assert a.subject == {"kind": "resource", "id": "a", "name": "name-a", "provider": None, "account": None,
                         "region": None}
    first_seen = a.first_seen

    acked = svc.acknowledge(tws, "t1", a.id, "alice is on it", by="alice")
    assert (acked.lifecycle, acked.reason) == ("acknowledged", "alice is on it")

    del EMIT["a"]
    r = run(tws)
    assert r.changes["resolved"] == 1
    assert by_subject(tws, lifecycle="resolved")["a"].reason == "no longer found"
    assert "a" not in by_subject(tws, lifecycle=["open", "acknowledged"])
    b = by_subject(tws)["b"]
    assert b.lifecycle == "open" and b.last_seen >= b.first_seen

    EMIT["a"] = Status.FAIL
    r = run(tws)
    assert r.changes["reopened"] == 1
    a2 = by_subject(tws)["a"]
    assert (a2.id, a2.lifecycle, a2.first_seen) == (a.id, "open", first_seen)
    assert actions(tws, a.id) == [("opened", None, "open", "balise"), ("acknowledged", "open", "acknowledged", "alice"),
                                  ("resolved", "acknowledged", "resolved", "balise"), ("reopened", "resolved", "open",
                                                                                       "balise")]


def test_pass_resolves_and_a_new_pass_is_stored_resolved(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL, p=Status.PASS)
    run(tws)
    assert "p" not in by_subject(tws, lifecycle=svc.ATTENTION)  # needs no attention
    assert by_subject(tws, status="PASS")["p"].lifecycle == "resolved"
    EMIT["a"] = Status.PASS
    run(tws)
    a = by_subject(tws, status="PASS")["a"]
    assert a.lifecycle == "resolved" and actions(tws, a.id)[-1] == ("resolved", "open", "resolved", "balise")
    EMIT["a"] = Status.UNKNOWN
    run(tws)
    assert by_subject(tws)["a"].lifecycle == "open"


def test_suppress_until_a_date_is_skipped_then_expires(tws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    a = by_subject(tws)["a"]
    until = svc.now().date() + timedelta(days=7)
    s = svc.suppress(tws, "t1", a.id, "load test this week", until, by="bob")
    assert (s.status, s.lifecycle, s.suppressed_until) == ("SKIPPED", "suppressed", until)
    run(tws)  # still valid: stays suppressed
    assert (by_subject(tws)["a"].status, by_subject(tws, status="SKIPPED")["a"].lifecycle) == ("SKIPPED", "suppressed")
    assert "a" not in by_subject(tws, status="FAIL")

    later = datetime(until.year, until.month, until.day, 0, 0, 1)
    monkeypatch.setattr(svc, "now", lambda: later)
    r = run(tws)
    assert r.changes["expired"] == 1
    a = by_subject(tws)["a"]
    assert (a.status, a.lifecycle, a.suppressed_until) == ("FAIL", "open", None)
    assert [x[0] for x in actions(tws, a.id)] == ["opened", "suppressed", "expired"]


def test_suppress_defaults_to_90_days_and_needs_a_reason_and_a_future_date(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    a = by_subject(tws)["a"]
    with pytest.raises(UsageError, match="a reason is required"):
        svc.suppress(tws, "t1", a.id, "  ")
    with pytest.raises(UsageError, match="is not after today"):
        svc.suppress(tws, "t1", a.id, "why", svc.now().date())
    s = svc.suppress(tws, "t1", a.id, "why")
    assert s.suppressed_until == svc.now().date() + timedelta(days=90)


def test_a_suppressed_finding_that_disappears_stays_suppressed(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    svc.suppress(tws, "t1", by_subject(tws)["a"].id, "known")
    EMIT.clear()
    run(tws)
    assert by_subject(tws)["a"].lifecycle == "suppressed"


def test_a_person_s_resolution_holds_until_newer_bills_show_it(tws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    a = by_subject(tws)["a"]
    svc.resolve(tws, "t1", a.id, "deleted the VM", by="carol")  # today, after the bills' last day 2026-10-31
    run(tws)
    assert by_subject(tws, lifecycle="resolved")["a"].reason == "deleted the VM"
    with pytest.raises(UsageError, match="is resolved: ack applies to open, acknowledged or suppressed"):
        svc.acknowledge(tws, "t1", a.id, "too late")
    # resolved on 2026-10-15 by a person: bills to 2026-10-31 still show it, so it reopens
    monkeypatch.setattr(svc, "now", lambda: datetime(2026, 10, 15, 12))
    b_id = svc.list_findings(tws, "t1", lifecycle="open")[0].id  # TST-102's finding
    svc.resolve(tws, "t1", b_id, "thought it was fine")
    monkeypatch.undo()
    run(tws)
    assert svc.get_finding(tws, "t1", b_id).lifecycle == "open"


def test_unknown_ids_and_other_tenants_ids_are_usage_errors(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws, "t2")
    theirs = by_subject(tws, "t2")["a"]
    for bad in (theirs.id, 999_999, "nope", 10**12):
        with pytest.raises(UsageError) as e:
            svc.acknowledge(tws, "t1", bad, "mine?")
        assert e.value.exit_code == 2
        assert f"no finding '{bad}' for tenant 't1'; `balise findings --tenant t1` lists their ids" in str(e.value)
    assert svc.get_finding(tws, "t2", theirs.fingerprint).id == theirs.id  # the fingerprint works as an id
    assert by_subject(tws, "t2")["a"].lifecycle == "open"  # untouched


def test_a_failing_rule_keeps_its_findings_and_says_why(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    RAISE.append("utilisation table unreadable")
    r = run(tws)
    assert [x.ok for x in r.rules] == [False, True]
    views = by_subject(tws)
    assert views["a"].lifecycle == "open"  # not resolved: the rule could not look
    unknown = views["TST-101"]
    assert (unknown.status, unknown.subject["kind"]) == ("UNKNOWN", "rule")
    assert unknown.evidence["error"] == "RuntimeError: utilisation table unreadable"
    RAISE.clear()
    run(tws)
    assert "TST-101" in by_subject(tws, lifecycle="resolved")


def test_a_past_month_resolves_nothing_and_refreshes_what_it_sees(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL, b=Status.FAIL)
    run(tws)
    EMIT.pop("b")
    r = run(tws, month="2026-09")
    assert (r.end, r.latest, r.changes["resolved"]) == ("2026-09", False, 0)
    views = by_subject(tws)
    assert views["b"].lifecycle == "open" and views["a"].title.render("en") == "a is wrong (window 2026-09)"
    assert svc.evaluate(tws, "t1", "2026-10", registry=REG).latest  # the latest month given explicitly


def test_filters(tws: Workspace) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    assert set(by_subject(tws, severity="high")) == {"a"}
    assert set(by_subject(tws, severity="low")) == {"a", "t1"}
    assert set(by_subject(tws, domain="greenops")) == {"t1"}
    assert set(by_subject(tws, owner="WEB")) == {"a"}
    assert [v.subject["id"] for v in svc.list_findings(tws, "t1")] == ["a", "t1"]  # most severe first
    for kwargs, what in (({"domain": "money"}, "domain"), ({"status": "BAD"}, "status"),
                         ({"severity": "huge"}, "severity"), ({"lifecycle": "gone"}, "lifecycle")):
        with pytest.raises(UsageError, match=f"unknown {what}"):
            svc.list_findings(tws, "t1", **kwargs)


def test_persisting_is_one_transaction(tws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    EMIT.update(b=Status.FAIL, c=Status.FAIL)
    real = svc._values
    calls = []

    def flaky(f: Finding) -> dict[str, Any]:
        calls.append(f.subject.id)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(f)

    monkeypatch.setattr(svc, "_values", flaky)
    with pytest.raises(OSError):
        run(tws)
    monkeypatch.undo()
    assert set(by_subject(tws)) == {"a", "t1"}  # nothing of the failed evaluation was kept


def test_policy_import_validate_and_disable(tws: Workspace, tmp_path: Path) -> None:
    EMIT.update(a=Status.FAIL)
    run(tws)
    good = tmp_path / "good.yaml"
    good.write_text("rules:\n  TST-101:\n    owner: ops\n    params: {saving: 3}\n  TST-102: {enabled: false}\n")
    summary = svc.import_policy(tws, "t1", good, REG)
    assert (summary.enabled, summary.total) == (["TST-101"], 2)
    row = svc.stored_policy(tws, "t1")
    assert row is not None and row.source == good.read_text() and row.value["rules"]["TST-101"]["owner"] == "ops"
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  TST-101:\n    params: {savings: 3}\n")
    with pytest.raises(PolicyError, match=r"bad.yaml, line 3, column 14: unknown parameter 'savings'"):
        svc.import_policy(tws, "t1", bad, REG)
    assert svc.stored_policy(tws, "t1").source == good.read_text()  # type: ignore[union-attr]
    assert svc.stored_policy(tws, "t2") is None
    r = run(tws)
    assert [x.code for x in r.rules] == ["TST-101"]
    a = by_subject(tws)["a"]
    assert (a.owner, a.monthly_saving_eur) == ("ops", 3.0)
    assert by_subject(tws, lifecycle="resolved")["t1"].reason == "rule disabled"
    assert [x.code for x in run(tws, "t2").rules] == ["TST-101", "TST-102"]  # t2 has no policy


def test_unknown_codes_and_tenants(tws: Workspace) -> None:
    with pytest.raises(UsageError, match="unknown rule 'TST-999'"):
        svc.evaluate(tws, "t1", codes=["TST-999"], registry=REG)
    assert [x.code for x in svc.evaluate(tws, "t1", codes=["test.quiet"], registry=REG).rules] == ["TST-102"]
    with pytest.raises(UserInputError, match="unknown tenant 'zz'"):
        svc.evaluate(tws, "zz", registry=REG)
