"""`check` logic with small fakes of the KPI and findings services (the real ones: tests/cli/test_check_cli.py):
which findings fail the check, the exit code, and the messages `--notify` sends through a real HTTP server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "notify"))
from localservers import HttpReceiver

from balise.errors import UsageError
from balise.i18n import Msg, Text
from balise.kpis.policy import Threshold
from balise.notify import RetryPolicy
from balise.services import notifications as n
from balise.services.check import check
from balise.services.workspace import Workspace
from balise.state.models import Tenant

FAST = n.Senders(policy=RetryPolicy(attempts=2, base_delay=0.01, max_delay=1.0, timeout=2.0))
NOW = datetime(2026, 11, 2, 7, 0)


def kpi(id: str, status: str, value: float | None = 25.3, unit: str = "%", frequency: str = "quarterly") -> Any:
    return SimpleNamespace(id=id, label=Msg(f"KPI {id}", f"Indicateur {id}"), value=value, unit=unit,
                           threshold=Threshold("<", 60.0), status=status, owner="FinOps lead", frequency=frequency,
                           period=(date(2026, 10, 1), date(2026, 10, 31)))


def view(fp: str, severity: str, lifecycle: str = "open", status: str = "FAIL", saving: float | None = 100.0) -> Any:
    title = Msg(f"Forgotten VM {fp}", f"VM oubliée {fp}")
    return SimpleNamespace(id=hash(fp) % 1000, fingerprint=fp, code="FIN-001", domain="finops", severity=severity,
                           status=status, lifecycle=lifecycle, title=Text(title), remediation=Text(Msg(
                               "Stop it or tag its owner.", "Arrêtez-la ou étiquetez son propriétaire.")),
                           subject={"kind": "resource", "id": f"i-{fp}", "name": f"vm-{fp}", "provider": "AWS",
                                    "account": "anum-data", "region": "eu-central-1"},
                           monthly_saving_eur=saving, owner="DevOps", first_seen=datetime(2026, 10, 3))


class Fakes:
    def __init__(self, kpis: list[Any], views: list[Any]) -> None:
        self.k, self.v = kpis, views
        self.calls: list[str] = []

    def kpis(self, ws: Workspace, tenant: str, month: str | None = None, **kw: Any) -> list[Any]:
        self.calls.append(f"kpis ctx={kw['ctx'].end}")
        return self.k

    def evaluate(self, ws: Workspace, tenant: str, month: str | None = None, **kw: Any) -> Any:
        self.calls.append(f"evaluate ctx={kw['ctx'].end} persist={kw.get('persist')}")
        return SimpleNamespace(findings=[SimpleNamespace(fingerprint=v.fingerprint) for v in self.v], end="2026-10")

    def list_findings(self, ws: Workspace, tenant: str, *, fingerprints: Any = None, **kw: Any) -> list[Any]:
        return [v for v in self.v if v.fingerprint in set(fingerprints)]

    def run(self, ws: Workspace, **kw: Any) -> Any:
        return check(ws, "acme", kpis=self.kpis, evaluate=self.evaluate, list_findings=self.list_findings,
                     context=self.context, **kw)

    def context(self, ws: Workspace, tenant: str, month: str | None = None, **kw: Any) -> Any:
        self.calls.append("context")
        return SimpleNamespace(end="2026-10")


@pytest.fixture
def acme(ws: Workspace) -> Workspace:
    with ws.session() as s, s.begin():
        s.add(Tenant(name="acme", created_at=NOW))
    return ws


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    with HttpReceiver() as r:
        yield r


def test_nothing_wrong_exits_0(acme: Workspace) -> None:
    f = Fakes([kpi("coverage", "ok", 75.0), kpi("co2e", "no_data", None)], [view("a", "medium")])
    r = f.run(acme)
    assert r.exit_code == 0 and r.kpis_in_alert == [] and r.findings == []
    assert r.open_by_severity == {"critical": 0, "high": 0, "medium": 1, "low": 0, "info": 0}
    assert r.open_saving_eur == 100.0 and r.month == "2026-10"
    # one context for both; the findings are persisted (lifecycles advance)
    assert f.calls == ["context", "kpis ctx=2026-10", "evaluate ctx=2026-10 persist=True"]


def test_a_kpi_in_alert_exits_1(acme: Workspace) -> None:
    r = Fakes([kpi("coverage", "alert"), kpi("tags", "ok")], []).run(acme)
    assert r.exit_code == 1 and [k.id for k in r.kpis_in_alert] == ["coverage"]


def test_severity_floor(acme: Workspace) -> None:
    f = Fakes([], [view("a", "medium", saving=40.0), view("b", "low", saving=2.5)])
    assert f.run(acme).exit_code == 0
    r = f.run(acme, severity="medium")
    assert r.exit_code == 1 and [v.fingerprint for v in r.findings] == ["a"] and r.saving_eur == 40.0
    assert f.run(acme, severity="LOW").exit_code == 1
    with pytest.raises(UsageError, match="critical, high, medium, low, info"):
        f.run(acme, severity="urgent")


def test_only_open_fail_findings_fail(acme: Workspace) -> None:
    views = [view("ack", "high", "acknowledged"), view("sup", "high", "suppressed", "SKIPPED"),
             view("res", "critical", "resolved", "PASS"), view("unk", "critical", "open", "UNKNOWN")]
    f = Fakes([], views)
    r = f.run(acme)
    assert r.exit_code == 0 and r.findings == []
    assert [v.fingerprint for v in r.acknowledged] == ["ack"]  # shown apart, not failing
    r = f.run(acme, include_acknowledged=True)
    assert r.exit_code == 1 and [v.fingerprint for v in r.findings] == ["ack"] and r.acknowledged == []
    # one open FAIL high among them fails it
    f.v.append(view("open", "high"))
    assert [v.fingerprint for v in f.run(acme).findings] == ["open"]


def test_notify_sends_one_message_per_alert_deduplicated(acme: Workspace, http: HttpReceiver) -> None:
    n.add_channel(acme, "acme", "ops", "webhook", {"url": http.url})
    n.add_channel(acme, "acme", "daf", "slack", {"url": http.url}, "fr")
    f = Fakes([kpi("coverage", "alert"), kpi("tags", "ok")],
              [view("vm1", "critical", saving=335.35), view("vm2", "high"), view("vm3", "medium"),
               view("vm4", "high", "acknowledged")])
    r = f.run(acme, notify=True, now=NOW, senders=FAST)
    assert r.exit_code == 1 and r.channels == 2
    keys = [(o.channel, o.dedup_key, o.outcome) for o in r.notifications]
    assert keys == [("daf", "finding:vm1", "sent"), ("daf", "kpi:coverage:2026-10", "sent"),
                    ("daf", "finding:vm2", "sent"), ("ops", "finding:vm1", "sent"),
                    ("ops", "kpi:coverage:2026-10", "sent"), ("ops", "finding:vm2", "sent")]
    bodies = [r.json() for r in http.requests]
    slack_vm1, hook_vm1, hook_kpi = bodies[0], bodies[3], bodies[4]
    assert slack_vm1["text"].startswith("[Balise acme] CRITIQUE FIN-001 : VM oubliée vm1\n"
                                        "Arrêtez-la ou étiquetez son propriétaire.")
    fields = {x["title"]: x["value"] for x in slack_vm1["attachments"][0]["fields"]}
    assert fields["Économie mensuelle"] == "335,35\u00a0€" and fields["Où"] == "AWS, anum-data, eu-central-1"
    assert hook_vm1["subject"] == "[Balise acme] CRITICAL FIN-001: Forgotten VM vm1"
    assert hook_vm1["data"]["fingerprint"] == "vm1" and hook_vm1["data"]["monthly_saving_eur"] == 335.35
    assert hook_vm1["frequency"] == "daily"  # critical findings: once a day
    assert hook_kpi["subject"] == "[Balise acme] KPI in alert: KPI coverage = 25.3 % (alert when < 60.0 %)"
    assert hook_kpi["frequency"] == "quarterly"  # the KPI's own frequency
    assert hook_kpi["data"]["threshold"] == {"operator": "<", "value": 60.0}
    assert bodies[1]["text"].startswith("[Balise acme] Indicateur en alerte : Indicateur coverage = 25,3\u00a0% "
                                        "(alerte si &lt; 60,0\u00a0%)")  # Slack escapes <, > and &

    # the next morning: the critical finding goes again (daily); the high one (weekly) and the KPI
    # (quarterly) were already sent in their period
    again = f.run(acme, notify=True, now=NOW + timedelta(days=1), senders=FAST)
    assert {(o.dedup_key, o.outcome) for o in again.notifications} == {
        ("finding:vm1", "sent"), ("kpi:coverage:2026-10", "deduplicated"), ("finding:vm2", "deduplicated")}
    assert len(http.requests) == 8


def test_notify_without_channels(acme: Workspace) -> None:
    r = Fakes([kpi("coverage", "alert")], []).run(acme, notify=True, now=NOW, senders=FAST)
    assert r.notified and r.channels == 0 and r.notifications == []
