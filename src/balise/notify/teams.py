"""Microsoft Teams: an Adaptive Card message, as the Workflows app's "post to a channel when a webhook request
is received" template and the older incoming webhooks accept it.

Payload (Microsoft Learn, "Create and send messages" / "Send Adaptive Cards using an Incoming Webhook", read
2026-12): ``{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"contentUrl": null, "content": <AdaptiveCard>}]}``. The card is version 1.4 (Teams renders up to 1.5): a
title, the body text, then per item a heading (a Markdown link when it has one), its text and a ``FactSet``
of its figures. Workflows answer 202 Accepted. The retired Office 365 connectors answered 200 with
"Microsoft Teams endpoint returned HTTP error 429" in the body when throttled: that is treated as a 429.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from balise.i18n import Lang
from balise.i18n import notify_messages as nm
from balise.notify.channel import Channel
from balise.notify.http import HttpResponse, Transport, classify, post_json
from balise.notify.message import Message, show
from balise.notify.retry import DEFAULT_POLICY, Delivery, RetryPolicy, Try

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_ITEMS = 20
_COLOURS = {"critical": "Attention", "high": "Attention", "medium": "Warning"}


def card(message: Message, lang: Lang) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": show(message.subject, lang), "weight": "Bolder", "size": "Medium",
         "wrap": True, "color": _COLOURS.get(message.severity, "Default")},
        {"type": "TextBlock", "text": show(message.text, lang), "wrap": True},
    ]
    for item in message.items[:MAX_ITEMS]:
        title = show(item.title, lang)
        body.append({"type": "TextBlock", "text": f"[{title}]({item.link})" if item.link else title,
                     "weight": "Bolder", "wrap": True, "separator": True})
        if item.text is not None:
            body.append({"type": "TextBlock", "text": show(item.text, lang), "wrap": True})
        if item.fields:
            body.append({"type": "FactSet", "facts": [{"title": show(f.label, lang), "value": show(f.value, lang)}
                                                      for f in item.fields]})
    more = len(message.items) - MAX_ITEMS
    if more > 0:
        body.append({"type": "TextBlock", "text": nm.MORE_ITEMS.render(lang, n=more), "wrap": True,
                     "isSubtle": True})
    return {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "msteams": {"width": "Full"}, "body": body}


def payload(message: Message, lang: Lang) -> dict[str, Any]:
    return {"type": "message",
            "attachments": [{"contentType": CARD_TYPE, "contentUrl": None, "content": card(message, lang)}]}


def check(response: HttpResponse) -> Try:
    if 200 <= response.status < 300 and b"HTTP error 429" in response.body:
        return classify(HttpResponse(429, response.headers, response.body))
    return classify(response)


def send(channel: Channel, message: Message, *, transport: Transport | None = None,
         policy: RetryPolicy = DEFAULT_POLICY, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    return post_json(channel.config["url"], payload(message, channel.lang), headers=channel.config.get("headers"),
                     transport=transport, policy=policy, sleep=sleep, check=check)
