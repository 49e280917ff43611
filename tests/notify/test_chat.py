"""Slack/Mattermost and Microsoft Teams payloads, as a real HTTP server receives them."""

from __future__ import annotations

from localservers import FAST, Answer, HttpReceiver, sample

from balise.notify import Channel, Item, send
from balise.notify.teams import CARD_TYPE


def test_slack_payload_is_text_plus_attachments_with_fields(http: HttpReceiver) -> None:
    assert send(Channel("chat", "slack", "en", {"url": http.url}), sample(), policy=FAST).ok
    body = http.requests[0].json()
    assert set(body) == {"text", "attachments"}  # no Block Kit: Mattermost would drop it
    assert body["text"] == "[Balise demo] 1 finding to act on\nA VM has been running all year without an owner."
    (a,) = body["attachments"]
    assert a["title"] == a["fallback"] == "Forgotten VM poc-migration-2024"
    assert a["title_link"] == "https://balise.example/findings/abc"
    assert a["text"] == "m5.2xlarge, eu-central-1 &lt;AWS &amp; co&gt;"  # Slack's three escapes
    assert a["color"] == "#D32F2F"  # high
    assert a["fields"] == [{"title": "Monthly saving", "value": "€335.35", "short": True}]


def test_slack_in_french_and_many_items_summarised(http: HttpReceiver) -> None:
    items = tuple(Item(f"VM {i}") for i in range(25))
    assert send(Channel("chat", "slack", "fr", {"url": http.url}), sample(items=items), policy=FAST).ok
    body = http.requests[0].json()
    assert len(body["attachments"]) == 20
    assert body["text"].startswith("[Balise demo] 1 constat à traiter\n")
    assert body["text"].endswith("… et 5 de plus")


def test_teams_payload_is_an_adaptive_card_message(http: HttpReceiver) -> None:
    http.answer(Answer(202, body=b""))  # what a Workflows webhook answers
    d = send(Channel("teams", "teams", "fr", {"url": http.url}), sample(), policy=FAST)
    assert d.ok and d.attempts[0].status == 202
    body = http.requests[0].json()
    assert body["type"] == "message"
    (att,) = body["attachments"]
    assert att["contentType"] == CARD_TYPE == "application/vnd.microsoft.card.adaptive"
    assert att["contentUrl"] is None
    card = att["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert texts[0] == "[Balise demo] 1 constat à traiter"
    assert card["body"][0]["color"] == "Attention"
    assert "[VM oubliée poc-migration-2024](https://balise.example/findings/abc)" in texts
    (facts,) = [b for b in card["body"] if b["type"] == "FactSet"]
    assert facts["facts"] == [{"title": "Économie mensuelle", "value": "335,35\u00a0€"}]


def test_teams_throttling_reported_in_a_200_body_is_retried(http: HttpReceiver) -> None:
    http.answer(Answer(200, body=b"Microsoft Teams endpoint returned HTTP error 429 with ContextId ..."))
    d = send(Channel("teams", "teams", "en", {"url": http.url}), sample(), policy=FAST)
    assert d.ok and [a.status for a in d.attempts] == [429, 200] and len(http.requests) == 2
