"""The generic JSON webhook against a real HTTP server on 127.0.0.1: body, signature, retries."""

from __future__ import annotations

import hashlib
import hmac
import time

from localservers import FAST, Answer, HttpReceiver, closed_port_url, sample

from balise.notify import Channel, RetryPolicy, send
from balise.notify.webhook import DELIVERY_HEADER, SIGNATURE_HEADER


def hook(url: str, **config: object) -> Channel:
    return Channel("ops", "webhook", "en", {"url": url, **config})


def test_posts_the_message_as_json_with_custom_headers(http: HttpReceiver) -> None:
    d = send(hook(http.url, headers={"Authorization": "Bearer t0k3n"}), sample(), policy=FAST)
    assert d.ok and len(d.attempts) == 1 and d.attempts[0].status == 200
    (r,) = http.requests
    assert r.path == "/hook"
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["Authorization"] == "Bearer t0k3n"
    assert SIGNATURE_HEADER not in r.headers  # no secret, no signature
    body = r.json()
    assert body["source"] == "balise" and body["tenant"] == "demo" and body["dedup_key"] == "finding:abc"
    assert body["severity"] == "high" and body["frequency"] == "daily" and body["lang"] == "en"
    assert body["subject"] == "[Balise demo] 1 finding to act on"
    assert body["items"] == [{"title": "Forgotten VM poc-migration-2024", "text": "m5.2xlarge, eu-central-1 <AWS & co>",
                              "link": "https://balise.example/findings/abc",
                              "fields": [{"label": "Monthly saving", "value": "€335.35"}]}]
    assert body["data"] == {"fingerprint": "abc", "monthly_saving_eur": 335.35}
    assert body["delivery"] == r.headers[DELIVERY_HEADER]


def test_french_channel_gets_french_texts_and_money(http: HttpReceiver) -> None:
    assert send(Channel("ops", "webhook", "fr", {"url": http.url}), sample(), policy=FAST).ok
    body = http.requests[0].json()
    assert body["subject"] == "[Balise demo] 1 constat à traiter"
    assert body["items"][0]["title"] == "VM oubliée poc-migration-2024"
    assert body["items"][0]["fields"] == [{"label": "Économie mensuelle", "value": "335,35\u00a0€"}]


def test_signature_is_hmac_sha256_of_the_exact_body(http: HttpReceiver) -> None:
    assert send(hook(http.url, secret="s3cret"), sample(), policy=FAST).ok
    r = http.requests[0]
    expected = "sha256=" + hmac.new(b"s3cret", r.body, hashlib.sha256).hexdigest()
    assert r.headers[SIGNATURE_HEADER] == expected
    wrong = "sha256=" + hmac.new(b"other", r.body, hashlib.sha256).hexdigest()
    assert r.headers[SIGNATURE_HEADER] != wrong


def test_retries_5xx_then_succeeds_with_growing_delays(http: HttpReceiver) -> None:
    http.answer(500, 503)
    policy = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0, timeout=2.0)
    d = send(hook(http.url), sample(), policy=policy)
    assert d.ok and [a.status for a in d.attempts] == [500, 503, 200]
    assert len(http.requests) == 3
    # equal jitter: the n-th wait is in [base·2^(n-1)/2, base·2^(n-1)]
    assert 0.025 <= d.attempts[1].waited <= 0.05 and 0.05 <= d.attempts[2].waited <= 0.1
    gaps = [b.at - a.at for a, b in zip(http.requests, http.requests[1:], strict=False)]
    assert gaps[0] >= 0.025 and gaps[1] >= 0.05
    # the same delivery id on every try, so the receiver can drop repeats
    assert len({r.headers[DELIVERY_HEADER] for r in http.requests}) == 1


def test_gives_up_after_the_last_attempt(http: HttpReceiver) -> None:
    http.answer(502, 502, Answer(502, body=b"upstream down"), 200)
    d = send(hook(http.url), sample(), policy=FAST)
    assert not d.ok and len(d.attempts) == 3 and len(http.requests) == 3
    assert d.error == "HTTP 502 Bad Gateway upstream down"


def test_honours_retry_after_on_429(http: HttpReceiver) -> None:
    http.answer(Answer(429, {"Retry-After": "1"}))
    start = time.monotonic()
    d = send(hook(http.url), sample(), policy=RetryPolicy(attempts=3, base_delay=0.01, max_delay=5, timeout=2))
    assert d.ok and [a.status for a in d.attempts] == [429, 200]
    assert d.attempts[1].waited == 1.0
    assert http.requests[1].at - http.requests[0].at >= 1.0 and time.monotonic() - start < 3


def test_a_retry_after_beyond_the_bound_is_not_waited_for(http: HttpReceiver) -> None:
    http.answer(Answer(429, {"Retry-After": "3600"}))
    d = send(hook(http.url), sample(), policy=FAST)
    assert not d.ok and len(http.requests) == 1
    assert "3600" in (d.error or "") and "not retried" in (d.error or "")


def test_no_retry_on_other_4xx(http: HttpReceiver) -> None:
    http.answer(Answer(400, body=b"invalid_payload"))
    d = send(hook(http.url), sample(), policy=FAST)
    assert not d.ok and len(http.requests) == 1 and d.attempts[0].status == 400
    assert d.error == "HTTP 400 Bad Request invalid_payload"
    http.answer(404)
    assert not send(hook(http.url), sample(), policy=FAST).ok and len(http.requests) == 2


def test_a_redirect_is_not_followed_and_says_where(http: HttpReceiver) -> None:
    http.answer(Answer(301, {"Location": "https://new.example/hook"}))
    d = send(hook(http.url), sample(), policy=FAST)
    assert not d.ok and len(http.requests) == 1
    assert "https://new.example/hook" in (d.error or "")


def test_connection_refused_is_retried_then_fails() -> None:
    d = send(hook(closed_port_url()), sample(), policy=FAST)
    assert not d.ok and len(d.attempts) == 3
    assert "ConnectionRefusedError" in (d.error or "")


def test_a_slow_server_times_out_and_is_retried(http: HttpReceiver) -> None:
    http.answer(Answer(200, delay=1.0))
    d = send(hook(http.url), sample(), policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=0.3))
    assert d.ok and len(d.attempts) == 2 and d.attempts[0].status is None
    assert "timed out" in (d.attempts[0].error or "")


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    from datetime import UTC, datetime
    from email.utils import format_datetime

    from balise.notify.http import retry_after

    now = datetime(2026, 12, 1, 7, 0, 0, tzinfo=UTC)
    assert retry_after("120") == 120.0
    assert retry_after(format_datetime(datetime(2026, 12, 1, 7, 0, 45, tzinfo=UTC), usegmt=True),
                       now=now.timestamp()) == 45.0
    assert retry_after("Tue, 01 Dec 2026 06:00:00 GMT", now=now.timestamp()) == 0.0  # in the past: no wait
    assert retry_after("soon") is None and retry_after(None) is None
