"""A tenant's notification channels, and sending alerts through them: deduplicated, rate-limited, recorded.

- **Deduplication**: a message whose ``dedup_key`` was sent on a channel in the current calendar period of its
  frequency (UTC day, ISO week, month or quarter; a channel's ``frequency`` overrides the message's) is not
  sent again there. Calendar periods, not rolling windows, so that a daily cron that runs a few seconds early
  still sends once a day.
- **Rate limit**: at most ``rate_limit_per_hour`` sends (default 20, failed ones included: they reached the
  server too) per channel in the last 60 minutes. When a run has more messages than the room left, the most
  severe go first and the last slot carries one summary of those held back; the held-back ones are recorded
  as ``rate_limited`` and, not being marked sent, go out at a later run.
- **Records**: every (channel, message) gives one ``NotificationSent`` row, committed as soon as it is known:
  ``sent``, ``failed`` (with the error, after retries), ``deduplicated`` or ``rate_limited``, the number of
  attempts and each attempt's status, wait and duration.
"""

from __future__ import annotations

import os
import re
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from balise import notify as notifiers
from balise.domain.findings import Severity
from balise.errors import UsageError
from balise.i18n import Lang
from balise.i18n import notify_messages as nm
from balise.notify import Channel, Delivery, Frequency, Item, Message, RetryPolicy
from balise.notify.channel import public
from balise.notify.email import SMTPFactory
from balise.notify.http import Transport
from balise.notify.retry import DEFAULT_POLICY
from balise.services.workspace import Workspace
from balise.services.workspace import now as utcnow
from balise.state.models import NotificationChannel, NotificationSent

CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
OUTCOMES = ("sent", "failed", "deduplicated", "rate_limited")
SUMMARY_KEY = "rate-limit-summary"


@dataclass(frozen=True, slots=True)
class ChannelView:
    name: str
    kind: str
    lang: str
    target: str
    enabled: bool
    config: dict[str, Any]  # without secret values
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    channel: str
    kind: str
    dedup_key: str
    subject: str
    outcome: str  # sent, failed, deduplicated, rate_limited
    attempts: int
    error: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Senders:
    """The network, passed in: tests give a fast retry policy or a TLS context trusting a test certificate."""

    transport: Transport | None = None
    smtp: SMTPFactory | None = None
    tls_context: ssl.SSLContext | None = None
    policy: RetryPolicy = DEFAULT_POLICY
    sleep: Callable[[float], None] = time.sleep


REAL = Senders()


# --- channels ---------------------------------------------------------------------------------------------

def add_channel(ws: Workspace, tenant: str, name: str, kind: str, config: dict[str, Any], lang: str = "en",
                *, enabled: bool = True) -> ChannelView:
    t = ws.tenant(tenant)
    if not CHANNEL_NAME.match(name):
        raise UsageError(nm.BAD_CHANNEL_NAME(name=name))
    if lang not in ("en", "fr"):
        raise UsageError(nm.BAD_LANG(value=lang))
    clean = notifiers.validate(kind, config)
    with ws.session() as s, s.begin():
        if s.scalar(select(NotificationChannel.id).where(NotificationChannel.tenant_id == t.id,
                                                         NotificationChannel.name == name)) is not None:
            raise UsageError(nm.CHANNEL_EXISTS(name=name, tenant=tenant))
        row = NotificationChannel(tenant_id=t.id, name=name, kind=kind, lang=lang, config=clean, enabled=enabled,
                                  created_at=utcnow())
        s.add(row)
        s.flush()
        return _view(row)


def list_channels(ws: Workspace, tenant: str) -> list[ChannelView]:
    t = ws.tenant(tenant)
    with ws.session() as s:
        rows = s.scalars(select(NotificationChannel).where(NotificationChannel.tenant_id == t.id)
                         .order_by(NotificationChannel.name))
        return [_view(r) for r in rows]


def remove_channel(ws: Workspace, tenant: str, name: str) -> None:
    """Removes the channel; its sent records stay (with the channel's name) for the log."""
    t = ws.tenant(tenant)
    with ws.session() as s, s.begin():
        row = _channel_row(s, t.id, tenant, name)
        for sent in s.scalars(select(NotificationSent).where(NotificationSent.channel_id == row.id)):
            sent.channel_id = None
        s.flush()
        s.delete(row)


def set_enabled(ws: Workspace, tenant: str, name: str, enabled: bool) -> ChannelView:
    t = ws.tenant(tenant)
    with ws.session() as s, s.begin():
        row = _channel_row(s, t.id, tenant, name)
        row.enabled = enabled
        return _view(row)


def _channel_row(s: Session, tenant_id: int, tenant: str, name: str) -> NotificationChannel:
    row = s.scalar(select(NotificationChannel).where(NotificationChannel.tenant_id == tenant_id,
                                                     NotificationChannel.name == name))
    if row is None:
        known = sorted(s.scalars(select(NotificationChannel.name).where(NotificationChannel.tenant_id == tenant_id)))
        raise UsageError(nm.UNKNOWN_CHANNEL(name=name, tenant=tenant, known=", ".join(known) or "—"))
    return row


def _view(row: NotificationChannel) -> ChannelView:
    ch = _channel(row)
    return ChannelView(row.name, row.kind, row.lang, ch.target(), row.enabled, public(row.config), row.created_at)


def _channel(row: NotificationChannel) -> Channel:
    lang: Lang = "fr" if row.lang == "fr" else "en"
    return Channel(row.name, row.kind, lang, dict(row.config), row.enabled)


# --- sending ----------------------------------------------------------------------------------------------

def period_start(now: datetime, frequency: Frequency) -> datetime:
    """Start of the calendar period (UTC) that ``now`` is in: the day, ISO week (Monday), month or quarter."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.DAILY:
        return day
    if frequency == Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def notify(ws: Workspace, tenant: str, messages: Sequence[Message], *, now: datetime | None = None,
               channels: Sequence[str] | None = None, senders: Senders = REAL) -> list[Outcome]:
    """Send each message on each enabled channel of the tenant (or only ``channels``), and record it."""
    t = ws.tenant(tenant)
    now = now or utcnow()
    with ws.session() as s:
        q = select(NotificationChannel).where(NotificationChannel.tenant_id == t.id,
                                              NotificationChannel.enabled.is_(True))
        if channels is not None:
            q = q.where(NotificationChannel.name.in_(list(channels)))
        rows = list(s.scalars(q.order_by(NotificationChannel.name)))
        ordered = sorted(messages, key=_rank)
        out: list[Outcome] = []
        for row in rows:
            out += _notify_channel(s, t.id, row, ordered, now, senders)
    return out


def _rank(message: Message) -> int:
    try:
        return Severity(message.severity).rank
    except ValueError:
        return len(Severity)


def _notify_channel(s: Session, tenant_id: int, row: NotificationChannel, messages: list[Message], now: datetime,
                    senders: Senders) -> list[Outcome]:
    ch = _channel(row)
    floor = ch.config.get("min_severity")
    if floor:
        messages = [m for m in messages if _rank(m) <= Severity(floor).rank]
    override = ch.config.get("frequency")
    done: dict[int, Outcome] = {}  # by position in ``messages`` (most severe first)
    pending: list[int] = []
    for i, m in enumerate(messages):
        frequency = Frequency(override) if override else m.frequency
        sent_at = s.scalar(select(func.max(NotificationSent.at)).where(
            NotificationSent.channel_id == row.id, NotificationSent.dedup_key == m.dedup_key,
            NotificationSent.outcome == "sent", NotificationSent.at >= period_start(now, frequency)))
        if sent_at is not None:
            done[i] = _record(s, tenant_id, row, ch, m, "deduplicated", now, payload={
                "frequency": frequency.value, "last_sent": sent_at.isoformat() + "Z"})
        else:
            pending.append(i)
    used = s.scalar(select(func.count()).select_from(NotificationSent).where(
        NotificationSent.channel_id == row.id, NotificationSent.outcome.in_(("sent", "failed")),
        NotificationSent.at > now - timedelta(hours=1))) or 0
    room = max(0, ch.rate_limit - used)
    cut = len(pending) if len(pending) <= room else max(0, room - 1)
    for i in pending[:cut]:
        done[i] = _send(s, tenant_id, row, ch, messages[i], now, senders)
    held = pending[cut:]
    for i in held:
        done[i] = _record(s, tenant_id, row, ch, messages[i], "rate_limited", now,
                          payload={"limit_per_hour": ch.rate_limit, "sent_last_hour": used})
    out = [done[i] for i in sorted(done)]
    if held and room >= 1:
        out.append(_send(s, tenant_id, row, ch, _summary([messages[i] for i in held], ch.rate_limit), now, senders))
    return out


def _summary(held: list[Message], limit: int) -> Message:
    first = held[0]
    return Message(tenant=first.tenant, subject=nm.RATE_SUMMARY_SUBJECT(tenant=first.tenant, n=len(held)),
                   text=nm.RATE_SUMMARY_TEXT(n=len(held), limit=limit, tenant=first.tenant),
                   dedup_key=SUMMARY_KEY, severity=first.severity,
                   items=tuple(Item(m.subject) for m in held), data={"held": [m.dedup_key for m in held]})


def _send(s: Session, tenant_id: int, row: NotificationChannel, ch: Channel, m: Message, now: datetime,
          senders: Senders) -> Outcome:
    try:
        resolved = _resolve_secrets(ch)
    except UsageError as e:
        return _record(s, tenant_id, row, ch, m, "failed", now, error=str(e))
    d = notifiers.send(resolved, m, transport=senders.transport, smtp=senders.smtp, tls_context=senders.tls_context,
                    policy=senders.policy, sleep=senders.sleep)
    return _record(s, tenant_id, row, ch, m, "sent" if d.ok else "failed", now, delivery=d)


def _resolve_secrets(ch: Channel) -> Channel:
    config = dict(ch.config)
    for key in ("secret", "password"):
        env = config.pop(f"{key}_env", None)
        if env:
            value = os.environ.get(env)
            if not value:
                raise UsageError(nm.SECRET_ENV_MISSING(name=env, key=key))
            config[key] = value
    return replace(ch, config=config)


def _record(s: Session, tenant_id: int, row: NotificationChannel, ch: Channel, m: Message, outcome: str,
            now: datetime, *, delivery: Delivery | None = None, error: str | None = None,
            payload: dict[str, Any] | None = None) -> Outcome:
    subject = notifiers.show(m.subject, ch.lang)
    data: dict[str, Any] = {"kind": ch.kind, "target": ch.target(), "severity": m.severity, **(payload or {})}
    attempts = 0
    if delivery is not None:
        error = delivery.error
        attempts = len(delivery.attempts)
        data["attempts"] = [{"status": a.status, "error": a.error, "seconds": round(a.seconds, 3),
                             "waited": round(a.waited, 3)} for a in delivery.attempts]
        data["sent"] = delivery.payload
    rec = NotificationSent(tenant_id=tenant_id, channel_id=row.id, channel=row.name, dedup_key=m.dedup_key[:200],
                           subject=subject, payload=data, outcome=outcome, attempts=attempts, error=error, at=now)
    s.add(rec)
    s.commit()
    return Outcome(row.name, ch.kind, m.dedup_key, subject, outcome, attempts, error, now)


def send_test(ws: Workspace, tenant: str, name: str, *, now: datetime | None = None,
              senders: Senders = REAL) -> Outcome:
    """Send a test message on one channel (enabled or not), outside deduplication and rate limits; recorded."""
    t = ws.tenant(tenant)
    now = now or utcnow()
    with ws.session() as s:
        row = _channel_row(s, t.id, tenant, name)
        m = Message(tenant=tenant, subject=nm.TEST_SUBJECT(tenant=tenant), text=nm.TEST_TEXT(channel=name),
                    dedup_key=f"test:{now.isoformat()}", severity="info",
                    data={"test": True})
        return _send(s, t.id, row, _channel(row), m, now, senders)


@dataclass(frozen=True, slots=True)
class SentView:
    at: datetime
    channel: str
    dedup_key: str
    subject: str
    outcome: str
    attempts: int
    error: str | None
    payload: dict[str, Any]


def sent_log(ws: Workspace, tenant: str, *, channel: str | None = None, outcome: str | None = None,
             limit: int = 100) -> list[SentView]:
    """The latest records first."""
    t = ws.tenant(tenant)
    if outcome is not None and outcome not in OUTCOMES:
        raise UsageError(nm.BAD_OUTCOME(value=outcome, known=", ".join(OUTCOMES)))
    with ws.session() as s:
        q = select(NotificationSent).where(NotificationSent.tenant_id == t.id)
        if channel is not None:
            q = q.where(NotificationSent.channel == channel)
        if outcome is not None:
            q = q.where(NotificationSent.outcome == outcome)
        rows = s.scalars(q.order_by(NotificationSent.at.desc(), NotificationSent.id.desc()).limit(limit))
        return [SentView(r.at, r.channel, r.dedup_key, r.subject, r.outcome, r.attempts, r.error, dict(r.payload))
                for r in rows]
