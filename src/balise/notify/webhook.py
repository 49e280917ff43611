"""Generic JSON webhook: the whole message as JSON, optionally signed with HMAC-SHA256.

The body (UTF-8 JSON, see docs/operate.md for its keys) is signed over its exact bytes; the header
``X-Balise-Signature-256: sha256=<hex>`` lets the receiver check it came from Balise, as GitHub does for its
webhooks. ``X-Balise-Delivery`` is the same on every retry of one delivery, so a receiver can drop repeats.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from typing import Any

from balise.i18n import Lang
from balise.notify.channel import Channel
from balise.notify.http import Transport, now_iso, post_json
from balise.notify.message import Message, show
from balise.notify.retry import DEFAULT_POLICY, Delivery, RetryPolicy

SIGNATURE_HEADER = "X-Balise-Signature-256"
DELIVERY_HEADER = "X-Balise-Delivery"


def payload(message: Message, lang: Lang, delivery: str) -> dict[str, Any]:
    return {
        "source": "balise", "version": 1, "delivery": delivery, "sent_at": now_iso(), "tenant": message.tenant,
        "dedup_key": message.dedup_key, "severity": message.severity, "frequency": message.frequency.value,
        "lang": lang, "subject": show(message.subject, lang), "text": show(message.text, lang),
        "items": [{"title": show(i.title, lang), "text": None if i.text is None else show(i.text, lang),
                   "link": i.link, "fields": [{"label": show(f.label, lang), "value": show(f.value, lang)}
                                              for f in i.fields]} for i in message.items],
        "data": message.data,
    }


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(channel: Channel, message: Message, *, transport: Transport | None = None,
         policy: RetryPolicy = DEFAULT_POLICY, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    delivery = uuid.uuid4().hex
    secret = channel.config.get("secret")
    headers = {**channel.config.get("headers", {}), DELIVERY_HEADER: delivery}
    sign = (lambda body: {SIGNATURE_HEADER: signature(secret, body)}) if secret else None
    return post_json(channel.config["url"], payload(message, channel.lang, delivery), headers=headers, sign=sign,
                     transport=transport, policy=policy, sleep=sleep)
