"""Notification channels and sending: deduplication by calendar period, rate limit with a summary, every outcome
recorded — against real local HTTP and SMTP servers, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parents[1] / "notify"))
from localservers import Answer, HttpReceiver, SmtpReceiver

from balise.errors import UnknownTenantError, UsageError
from balise.notify import Frequency, Message, RetryPolicy
from balise.services import notifications as n
from balise.services.workspace import Workspace
from balise.state.models import NotificationSent, Tenant

FAST = n.Senders(policy=RetryPolicy(attempts=3, base_delay=0.01, max_delay=1.0, timeout=2.0))
MONDAY = datetime(2026, 11, 2, 8, 0, 0)  # a Monday, 08:00 UTC


@pytest.fixture
def acme(ws: Workspace) -> str:
    with ws.session() as s, s.begin():
        s.add(Tenant(name="acme", created_at=MONDAY))
    return "acme"


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    with HttpReceiver() as r:
        yield r


def msg(key: str, severity: str = "high", frequency: Frequency = Frequency.DAILY) -> Message:
    return Message(tenant="acme", subject=f"alert {key}", text=f"about {key}", dedup_key=key, severity=severity,
                   frequency=frequency)


def records(ws: Workspace) -> list[NotificationSent]:
    with ws.session() as s:
        return list(s.scalars(select(NotificationSent).order_by(NotificationSent.id)))


def test_channels_add_list_remove(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    v = n.add_channel(ws, acme, "ops", "webhook", {"url": http.url + "?token=abc", "secret": "s3cret"}, "fr")
    assert (v.name, v.kind, v.lang, v.enabled) == ("ops", "webhook", "fr", True)
    assert v.target == http.url  # no query string (tokens live there)
    assert v.config["secret"] == "***"
    n.add_channel(ws, acme, "mail", "email", {"host": "127.0.0.1:2525", "from": "a@acme.fr", "to": ["b@acme.fr"]})
    assert [c.name for c in n.list_channels(ws, acme)] == ["mail", "ops"]
    with pytest.raises(UsageError, match="already has a channel named 'ops'"):
        n.add_channel(ws, acme, "ops", "slack", {"url": http.url})
    with pytest.raises(UsageError, match="--url"):
        n.add_channel(ws, acme, "chat", "slack", {"url": "ftp://x"})
    with pytest.raises(UsageError, match="invalid channel name"):
        n.add_channel(ws, acme, "my channel", "slack", {"url": http.url})
    with pytest.raises(UnknownTenantError, match="unknown tenant"):
        n.add_channel(ws, "nobody", "ops", "slack", {"url": http.url})
    assert [c.name for c in n.list_channels(ws, acme)] == ["mail", "ops"]  # nothing half-added

    n.notify(ws, acme, [msg("k")], now=MONDAY, channels=["ops"], senders=FAST)
    n.remove_channel(ws, acme, "ops")
    assert [c.name for c in n.list_channels(ws, acme)] == ["mail"]
    (log,) = [r for r in n.sent_log(ws, acme) if r.channel == "ops"]  # the record outlives its channel
    assert log.outcome == "sent" and [(r.channel, r.channel_id) for r in records(ws)] == [("ops", None)]
    with pytest.raises(UsageError, match="has no channel named 'ops'"):
        n.remove_channel(ws, acme, "ops")


def test_dedup_within_the_period_then_sent_again(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "ops", "webhook", {"url": http.url})
    daily, weekly = msg("kpi:cpu:2026-10"), msg("finding:abc", frequency=Frequency.WEEKLY)

    first = n.notify(ws, acme, [daily, weekly], now=MONDAY, senders=FAST)
    assert [(o.dedup_key, o.outcome, o.attempts) for o in first] == [("kpi:cpu:2026-10", "sent", 1),
                                                                     ("finding:abc", "sent", 1)]
    assert len(http.requests) == 2

    again = n.notify(ws, acme, [daily, weekly], now=MONDAY + timedelta(hours=10), senders=FAST)
    assert [o.outcome for o in again] == ["deduplicated", "deduplicated"] and len(http.requests) == 2

    tuesday = n.notify(ws, acme, [daily, weekly], now=MONDAY + timedelta(days=1), senders=FAST)
    assert [o.outcome for o in tuesday] == ["sent", "deduplicated"]  # a new day; the same ISO week
    assert len(http.requests) == 3

    next_monday = n.notify(ws, acme, [daily, weekly], now=MONDAY + timedelta(days=7), senders=FAST)
    assert [o.outcome for o in next_monday] == ["sent", "sent"]
    outcomes = [(r.dedup_key, r.outcome) for r in records(ws)]
    assert outcomes.count(("finding:abc", "sent")) == 2 and outcomes.count(("finding:abc", "deduplicated")) == 2


def test_a_cron_running_early_still_sends_once_a_day(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "ops", "webhook", {"url": http.url})
    n.notify(ws, acme, [msg("k")], now=datetime(2026, 11, 2, 8, 0, 5), senders=FAST)
    # 23 h 59 min 58 s later: a rolling 24-hour window would swallow it, the calendar day does not
    (o,) = n.notify(ws, acme, [msg("k")], now=datetime(2026, 11, 3, 8, 0, 3), senders=FAST)
    assert o.outcome == "sent"


def test_channel_frequency_overrides_the_message(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "monthly", "webhook", {"url": http.url, "frequency": "monthly"})
    n.notify(ws, acme, [msg("k")], now=MONDAY, senders=FAST)
    assert n.notify(ws, acme, [msg("k")], now=datetime(2026, 11, 30, 23), senders=FAST)[0].outcome == "deduplicated"
    assert n.notify(ws, acme, [msg("k")], now=datetime(2026, 12, 1, 0, 1), senders=FAST)[0].outcome == "sent"


def test_period_starts() -> None:
    t = datetime(2026, 8, 13, 15, 30)  # a Thursday
    assert n.period_start(t, Frequency.DAILY) == datetime(2026, 8, 13)
    assert n.period_start(t, Frequency.WEEKLY) == datetime(2026, 8, 10)
    assert n.period_start(t, Frequency.MONTHLY) == datetime(2026, 8, 1)
    assert n.period_start(t, Frequency.QUARTERLY) == datetime(2026, 7, 1)
    assert n.period_start(datetime(2026, 3, 31), Frequency.QUARTERLY) == datetime(2026, 1, 1)


def test_a_failed_send_is_recorded_and_retried_at_the_next_run(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "ops", "webhook", {"url": http.url})
    http.answer(500, 500, 500)
    (o,) = n.notify(ws, acme, [msg("k")], now=MONDAY, senders=FAST)
    assert (o.outcome, o.attempts, o.error) == ("failed", 3, "HTTP 500 Internal Server Error ok")
    (rec,) = records(ws)
    assert rec.outcome == "failed" and rec.attempts == 3 and rec.channel == "ops"
    assert [a["status"] for a in rec.payload["attempts"]] == [500, 500, 500]
    assert rec.payload["attempts"][1]["waited"] > 0
    # not deduplicated: a failure is not a send
    (o,) = n.notify(ws, acme, [msg("k")], now=MONDAY + timedelta(minutes=5), senders=FAST)
    assert o.outcome == "sent" and len(http.requests) == 4
    assert records(ws)[-1].payload["sent"]["dedup_key"] == "k"


def test_rate_limit_sends_the_most_severe_and_a_summary(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "ops", "webhook", {"url": http.url, "rate_limit_per_hour": 3})
    batch = [msg("low1", "low"), msg("crit", "critical"), msg("med", "medium"), msg("high", "high"),
             msg("low2", "low")]
    out = n.notify(ws, acme, batch, now=MONDAY, senders=FAST)
    assert [(o.dedup_key, o.outcome) for o in out] == [
        ("crit", "sent"), ("high", "sent"), ("med", "rate_limited"), ("low1", "rate_limited"),
        ("low2", "rate_limited"), (n.SUMMARY_KEY, "sent")]
    assert len(http.requests) == 3
    summary = http.requests[2].json()
    assert summary["subject"] == "[Balise acme] 3 more alert(s) held back by the rate limit"
    assert [i["title"] for i in summary["items"]] == ["alert med", "alert low1", "alert low2"]

    # within the hour the channel is full: nothing is sent, everything not yet sent is held
    later = n.notify(ws, acme, batch, now=MONDAY + timedelta(minutes=30), senders=FAST)
    assert sorted((o.dedup_key, o.outcome) for o in later) == [
        ("crit", "deduplicated"), ("high", "deduplicated"), ("low1", "rate_limited"), ("low2", "rate_limited"),
        ("med", "rate_limited")]
    assert len(http.requests) == 3
    # an hour after, the held alerts go out
    after = n.notify(ws, acme, batch, now=MONDAY + timedelta(minutes=61), senders=FAST)
    assert sorted(o.dedup_key for o in after if o.outcome == "sent") == ["low1", "low2", "med"]
    assert len(http.requests) == 6


def test_min_severity_and_disabled_channels(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "pager", "webhook", {"url": http.url, "min_severity": "high"})
    n.add_channel(ws, acme, "off", "webhook", {"url": http.url}, enabled=False)
    out = n.notify(ws, acme, [msg("a", "medium"), msg("b", "critical")], now=MONDAY, senders=FAST)
    assert [(o.channel, o.dedup_key) for o in out] == [("pager", "b")]
    n.set_enabled(ws, acme, "off", True)
    assert {o.channel for o in n.notify(ws, acme, [msg("c", "low")], now=MONDAY, senders=FAST)} == {"off"}


def test_secret_from_the_environment(ws: Workspace, acme: str, http: HttpReceiver,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    n.add_channel(ws, acme, "ops", "webhook", {"url": http.url, "secret_env": "ACME_HOOK_SECRET"})
    monkeypatch.delenv("ACME_HOOK_SECRET", raising=False)
    (o,) = n.notify(ws, acme, [msg("k")], now=MONDAY, senders=FAST)
    assert o.outcome == "failed" and o.attempts == 0 and "ACME_HOOK_SECRET" in (o.error or "")
    assert http.requests == []
    monkeypatch.setenv("ACME_HOOK_SECRET", "from-env")
    (o,) = n.notify(ws, acme, [msg("k")], now=MONDAY, senders=FAST)
    assert o.outcome == "sent"
    r = http.requests[0]
    assert r.headers["X-Balise-Signature-256"] == "sha256=" + hmac.new(b"from-env", r.body, hashlib.sha256).hexdigest()
    assert "from-env" not in str(records(ws)[-1].payload)  # never recorded


def test_email_channel_and_send_test(ws: Workspace, acme: str) -> None:
    with SmtpReceiver() as smtp:
        n.add_channel(ws, acme, "daf", "email", {"host": f"127.0.0.1:{smtp.port}", "tls": "none",
                                                 "from": "balise@acme.fr", "to": ["daf@acme.fr"]}, "fr")
        o = n.send_test(ws, acme, "daf", now=MONDAY, senders=FAST)
        assert o.outcome == "sent" and o.subject == "[Balise acme] message de test"
        (mail,) = smtp.mails
        assert mail.recipients == ["daf@acme.fr"] and mail.message["Subject"] == "[Balise acme] message de test"
        assert "le canal daf fonctionne" in mail.message.get_body(("plain",)).get_content()
        # a test is outside deduplication: a second one is sent too
        assert n.send_test(ws, acme, "daf", now=MONDAY, senders=FAST).outcome == "sent"
        assert len(smtp.mails) == 2
        (o,) = n.notify(ws, acme, [msg("kpi:x")], now=MONDAY, senders=FAST)
        assert o.outcome == "sent" and smtp.mails[2].message["Subject"] == "alert kpi:x"
    log = n.sent_log(ws, acme)
    assert [r.outcome for r in log] == ["sent", "sent", "sent"] and log[0].dedup_key == "kpi:x"
    assert log[0].payload["sent"]["to"] == ["daf@acme.fr"]
    assert n.sent_log(ws, acme, outcome="failed") == []
    with pytest.raises(UsageError, match="--outcome"):
        n.sent_log(ws, acme, outcome="lost")


def test_teams_and_slack_channels_through_the_service(ws: Workspace, acme: str, http: HttpReceiver) -> None:
    n.add_channel(ws, acme, "chat", "slack", {"url": http.url})
    n.add_channel(ws, acme, "teams", "teams", {"url": http.url})
    http.answer(Answer(200), Answer(202, body=b""))
    out = n.notify(ws, acme, [msg("k")], now=MONDAY, senders=FAST)
    assert [(o.channel, o.outcome) for o in out] == [("chat", "sent"), ("teams", "sent")]
    assert http.requests[0].json() == {"text": "alert k\nabout k"}  # no items: no attachments
    assert http.requests[1].json()["type"] == "message"
