"""POST JSON over HTTP with the standard library, retried per ``RetryPolicy``.

The transport is a function (url, body, headers, timeout) -> ``HttpResponse``; the default one uses
``urllib.request`` and does not follow redirects (urllib would turn a redirected POST into a GET without its
body, and report success: a moved webhook must be updated, not silently lost). Proxies come from the usual
``https_proxy`` / ``no_proxy`` environment variables.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from balise.i18n import notify_messages as nm
from balise.notify.retry import DEFAULT_POLICY, Delivery, RetryPolicy, Try, deliver

USER_AGENT = "balise-notify/1"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


Transport = Callable[[str, bytes, Mapping[str, str], float], HttpResponse]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirect())


def urllib_transport(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with _opener.open(request, timeout=timeout) as r:
            return HttpResponse(r.status, dict(r.headers.items()), r.read(65536))
    except urllib.error.HTTPError as e:
        with e:
            return HttpResponse(e.code, dict(e.headers.items()) if e.headers else {}, e.read(65536))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def classify(response: HttpResponse) -> Try:
    """2xx is delivered; 429 and 5xx may succeed later; any other status will not (a wrong URL or payload)."""
    status = response.status
    if 200 <= status < 300:
        return Try(ok=True, status=status)
    snippet = response.body[:300].decode("utf-8", "replace").strip()
    error = " ".join(x for x in (f"HTTP {status}", http.client.responses.get(status, ""), snippet) if x)
    if 300 <= status < 400:
        error += str(nm.HTTP_REDIRECTED(location=response.headers.get("Location", "?")))
    if status == 429 or status >= 500:
        return Try(ok=False, error=error, retryable=True, status=status,
                   retry_after=retry_after(_header(response.headers, "Retry-After")))
    return Try(ok=False, error=error, retryable=False, status=status)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def post_json(url: str, payload: dict[str, Any], *, headers: Mapping[str, str] | None = None,
              sign: Callable[[bytes], Mapping[str, str]] | None = None, transport: Transport | None = None,
              policy: RetryPolicy = DEFAULT_POLICY, sleep: Callable[[float], None] = time.sleep,
              check: Callable[[HttpResponse], Try] = classify) -> Delivery:
    """POST ``payload`` as JSON; ``sign(body)`` adds headers computed from the exact bytes sent."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    send_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                    **(headers or {})}
    if sign is not None:
        send_headers.update(sign(body))
    send = transport or urllib_transport

    def once() -> Try:
        try:
            return check(send(url, body, send_headers, policy.timeout))
        except (OSError, http.client.HTTPException) as e:  # refused, reset, timeout, DNS, TLS, bad status line
            reason = e.reason if isinstance(e, urllib.error.URLError) else e
            # a certificate that does not verify will not verify on the next try either
            return Try(ok=False, error=str(nm.NETWORK_ERROR(error=f"{type(reason).__name__}: {reason}")),
                       retryable=not isinstance(reason, ssl.SSLCertVerificationError))

    result = deliver(once, policy, sleep=sleep)
    result.payload = payload
    return result


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
