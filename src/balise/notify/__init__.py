"""Notification senders: generic JSON webhook, Slack/Mattermost, Microsoft Teams, e-mail (SMTP).

Pure senders: they take a ``Channel`` (kind, language, validated configuration with its secrets resolved) and
a ``Message``, send it with retries, and return a ``Delivery`` (ok or not, every attempt, the payload). They
keep no state: deduplication, rate limits and the record of every send are ``balise.services.notifications``'.
The network is passed in (``transport`` for HTTP, ``smtp`` for e-mail); the defaults are the real ones.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable

from balise.notify import email, slack, teams, webhook
from balise.notify.channel import KINDS, Channel, validate
from balise.notify.http import HttpResponse, Transport
from balise.notify.message import Field, Frequency, Item, Message, show
from balise.notify.retry import DEFAULT_POLICY, Attempt, Delivery, RetryPolicy

__all__ = ["KINDS", "Attempt", "Channel", "Delivery", "Field", "Frequency", "HttpResponse", "Item", "Message",
           "RetryPolicy", "Transport", "send", "show", "validate"]


def send(channel: Channel, message: Message, *, transport: Transport | None = None,
         smtp: email.SMTPFactory | None = None, tls_context: ssl.SSLContext | None = None,
         policy: RetryPolicy = DEFAULT_POLICY, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    if channel.kind == "email":
        return email.send(channel, message, smtp=smtp, tls_context=tls_context, policy=policy, sleep=sleep)
    sender = {"webhook": webhook.send, "slack": slack.send, "teams": teams.send}[channel.kind]
    return sender(channel, message, transport=transport, policy=policy, sleep=sleep)
