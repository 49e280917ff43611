"""Electricity Maps (opt-in): the latest carbon intensity of a grid zone, in gCO2e/kWh.

``GET {base}/v3/carbon-intensity/latest?zone=FR`` with the header ``auth-token: <token>``; the answer is a
JSON object with ``zone``, ``carbonIntensity``, ``datetime``, ``updatedAt``, ``emissionFactorType``
(``lifecycle`` by default) and ``isEstimated``. Balise never calls it on its own: only ``balise carbon grid
fetch --token …`` does, and what it gets is stored as a tenant grid override with its source and date.
``opener`` replaces ``urllib.request.urlopen`` (same signature); tests give a recorded response.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from balise.errors import ExecutionError, UsageError
from balise.i18n import carbon_messages as cm

BASE_URL = "https://api.electricitymap.org"
Opener = Callable[..., Any]


@dataclass(frozen=True)
class Intensity:
    zone: str
    g_per_kwh: float
    datetime: str
    factor_type: str
    estimated: bool


def parse(body: bytes | str, zone: str) -> Intensity:
    """The intensity in a ``carbon-intensity/latest`` answer (UsageError when it is not one)."""
    try:
        data = json.loads(body)
    except ValueError:
        raise UsageError(cm.EM_BAD_RESPONSE(zone=zone, detail="not JSON")) from None
    value = data.get("carbonIntensity") if isinstance(data, dict) else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise UsageError(cm.EM_BAD_RESPONSE(zone=zone, detail="no carbonIntensity"))
    return Intensity(str(data.get("zone") or zone), float(value), str(data.get("datetime") or ""),
                     str(data.get("emissionFactorType") or "lifecycle"), bool(data.get("isEstimated")))


def latest(zone: str, token: str, *, opener: Opener | None = None, base_url: str | None = None,
           timeout: float = 20.0) -> Intensity:
    if not token.strip():
        raise UsageError(cm.EM_NO_TOKEN())
    url = f"{(base_url or BASE_URL).rstrip('/')}/v3/carbon-intensity/latest?" + urllib.parse.urlencode({"zone": zone})
    req = urllib.request.Request(url, headers={"auth-token": token, "Accept": "application/json"})
    try:
        with (opener or urllib.request.urlopen)(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")[:200]
        raise (UsageError if 400 <= e.code < 500 else ExecutionError)(
            cm.EM_HTTP(zone=zone, status=e.code, detail=detail)) from None
    except (urllib.error.URLError, OSError) as e:
        raise ExecutionError(cm.EM_UNREACHABLE(url=base_url or BASE_URL, reason=str(getattr(e, "reason", e)))) from None
    return parse(body, zone)
