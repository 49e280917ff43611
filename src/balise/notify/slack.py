"""Slack and Mattermost incoming webhooks: what both render the same way.

The payload is ``text`` (the subject and body) plus legacy ``attachments`` (one per item: ``fallback``,
``color``, ``title``, ``title_link``, ``text`` and ``fields`` of ``title``/``value``/``short``). Slack
documents these as "secondary attachments" and still renders them; Mattermost documents the same keys "for
compatibility with Slack" (developers.mattermost.com, integrate/reference/message-attachments, read
2026-12). Block Kit ``blocks`` are left out because Mattermost ignores them. No markup is used (Slack's
``*bold*`` is Mattermost's italics); ``&``, ``<`` and ``>`` are escaped as Slack asks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from balise.i18n import Lang
from balise.i18n import notify_messages as nm
from balise.notify.channel import Channel
from balise.notify.http import Transport, post_json
from balise.notify.message import Message, show
from balise.notify.retry import DEFAULT_POLICY, Delivery, RetryPolicy

MAX_ATTACHMENTS = 20  # Slack shows at most 20 attachments per message; the rest is summarised in a line


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(message: Message, lang: Lang) -> dict[str, Any]:
    attachments: list[dict[str, Any]] = []
    for item in message.items[:MAX_ATTACHMENTS]:
        a: dict[str, Any] = {"fallback": escape(show(item.title, lang)), "color": message.colour,
                             "title": escape(show(item.title, lang))}
        if item.link:
            a["title_link"] = item.link
        if item.text is not None:
            a["text"] = escape(show(item.text, lang))
        if item.fields:
            a["fields"] = [{"title": escape(show(f.label, lang)), "value": escape(show(f.value, lang)),
                            "short": True} for f in item.fields]
        attachments.append(a)
    text = escape(show(message.subject, lang)) + "\n" + escape(show(message.text, lang))
    more = len(message.items) - MAX_ATTACHMENTS
    if more > 0:
        text += "\n" + nm.MORE_ITEMS.render(lang, n=more)
    out: dict[str, Any] = {"text": text}
    if attachments:
        out["attachments"] = attachments
    return out


def send(channel: Channel, message: Message, *, transport: Transport | None = None,
         policy: RetryPolicy = DEFAULT_POLICY, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    return post_json(channel.config["url"], payload(message, channel.lang), headers=channel.config.get("headers"),
                     transport=transport, policy=policy, sleep=sleep)
