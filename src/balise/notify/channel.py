"""Where notifications go: a channel's kind, language and validated configuration.

Configuration keys by kind (what ``balise notify add`` stores):

- ``webhook``: ``url``; optional ``headers`` (name → value) and ``secret`` or ``secret_env`` (the name of an
  environment variable holding it) to sign each body with HMAC-SHA256;
- ``slack`` (Slack or Mattermost incoming webhook) and ``teams`` (Microsoft Teams Workflows webhook): ``url``;
- ``email``: ``host``, ``port``, ``tls`` (``starttls``, ``ssl`` or ``none``), ``from``, ``to`` (a list);
  optional ``username`` with ``password`` or ``password_env``.

Every kind also takes ``rate_limit_per_hour`` (default 20), ``frequency`` (overrides every message's own:
daily, weekly, monthly or quarterly) and ``min_severity`` (send only alerts at least this severe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from balise.domain.findings import Severity
from balise.errors import UsageError
from balise.i18n import Lang
from balise.i18n import notify_messages as nm
from balise.notify.message import Frequency

KINDS = ("webhook", "slack", "teams", "email")
HTTP_KINDS = ("webhook", "slack", "teams")
DEFAULT_RATE_LIMIT = 20  # messages per channel per hour
SECRET_KEYS = ("secret", "password")  # never shown, never copied into the sent records

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                   r"|\[[0-9A-Fa-f:.]+\])$")
_HEADER = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token (RFC 9110)
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    kind: str
    lang: Lang = "en"
    config: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    @property
    def rate_limit(self) -> int:
        return int(self.config.get("rate_limit_per_hour") or DEFAULT_RATE_LIMIT)

    def target(self) -> str:
        """Where it sends, safe to show: the URL without query string, or the recipients."""
        if self.kind == "email":
            return f"{', '.join(self.config.get('to', []))} via {self.config.get('host')}:{self.config.get('port')}"
        parts = urlsplit(str(self.config.get("url", "")))
        return f"{parts.scheme}://{parts.netloc}{parts.path[:40]}{'…' if len(parts.path) > 40 else ''}"


def validate(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The normalised configuration, or a UsageError naming the option that is wrong and how to fix it."""
    if kind not in KINDS:
        raise UsageError(nm.UNKNOWN_KIND(kind=kind, known=", ".join(KINDS)))
    out: dict[str, Any] = {}
    if kind in HTTP_KINDS:
        out["url"] = check_url(config.get("url"))
        unexpected = {"host", "port", "from", "to", "username", "password", "password_env", "tls"} & set(config)
    else:
        out.update(_email(config))
        unexpected = {"url", "headers"} & set(config)
    if kind != "webhook":
        unexpected |= {"headers", "secret", "secret_env"} & {k for k, v in config.items() if v}
    unexpected = {k for k in unexpected if config.get(k) not in (None, "", [], {})}
    if unexpected:
        raise UsageError(nm.OPTION_NOT_FOR_KIND(options=", ".join(sorted(unexpected)), kind=kind))
    if kind == "webhook":
        headers = config.get("headers") or {}
        for name, value in headers.items():
            if not _HEADER.match(str(name)) or "\n" in str(value) or "\r" in str(value):
                raise UsageError(nm.BAD_HEADER(header=f"{name}: {value}"))
        if headers:
            out["headers"] = {str(k): str(v) for k, v in headers.items()}
        _secret(config, "secret", out)
    limit = config.get("rate_limit_per_hour")
    if limit is not None:
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise UsageError(nm.BAD_RATE_LIMIT(value=limit))
        out["rate_limit_per_hour"] = limit
    if config.get("frequency"):
        try:
            out["frequency"] = Frequency(config["frequency"]).value
        except ValueError:
            raise UsageError(nm.BAD_FREQUENCY(value=config["frequency"],
                                              known=", ".join(f.value for f in Frequency))) from None
    if config.get("min_severity"):
        try:
            out["min_severity"] = Severity(config["min_severity"]).value
        except ValueError:
            raise UsageError(nm.BAD_SEVERITY(value=config["min_severity"],
                                             known=", ".join(s.value for s in Severity))) from None
    return out


def check_url(url: object) -> str:
    if not url or not isinstance(url, str):
        raise UsageError(nm.URL_MISSING())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise UsageError(nm.BAD_URL(url=url))
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise UsageError(nm.BAD_URL(url=url)) from None
    return url


def check_address(value: object, option: str) -> str:
    text = str(value or "").strip()
    _, addr = parseaddr(text)
    if not addr or not _ADDRESS.match(addr) or "," in text or ";" in text:
        raise UsageError(nm.BAD_ADDRESS(value=text, option=option))
    return text


def parse_smtp(value: str) -> tuple[str, int]:
    """``host:port``, ``host`` (port 587) or ``[IPv6]:port``."""
    text = value.strip()
    host = text
    if text.startswith("["):
        end = text.find("]")
        host, rest = text[: end + 1], text[end + 1:]
        if end < 0 or (rest and not rest.startswith(":")):
            raise UsageError(nm.BAD_SMTP(value=value))
        port_text = rest[1:] if rest else "587"
    elif ":" in text:
        host, port_text = text.rsplit(":", 1)
    else:
        port_text = "587"
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535 or not _HOST.match(host):
        raise UsageError(nm.BAD_SMTP(value=value))
    return host.strip("[]"), int(port_text)


def _email(config: dict[str, Any]) -> dict[str, Any]:
    host, port = config.get("host"), config.get("port")
    if not host:
        raise UsageError(nm.SMTP_MISSING())
    if port is None:
        host, port = parse_smtp(str(host))
    else:
        bare = str(host).strip("[]")
        host, port = parse_smtp(f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}")
    tls = config.get("tls") or {465: "ssl", 25: "none"}.get(port, "starttls")
    if tls not in ("starttls", "ssl", "none"):
        raise UsageError(nm.BAD_TLS(value=tls))
    sender = check_address(config.get("from"), "--from")
    to = config.get("to") or []
    if isinstance(to, str):
        to = [x for x in re.split(r"[,;]", to) if x.strip()]
    if not to:
        raise UsageError(nm.TO_MISSING())
    out: dict[str, Any] = {"host": host, "port": port, "tls": tls, "from": sender,
                           "to": [check_address(x, "--to") for x in to]}
    if config.get("username"):
        out["username"] = str(config["username"])
        _secret(config, "password", out)
    elif config.get("password") or config.get("password_env"):
        raise UsageError(nm.PASSWORD_WITHOUT_USER())
    return out


def _secret(config: dict[str, Any], key: str, out: dict[str, Any]) -> None:
    value, env = config.get(key), config.get(f"{key}_env")
    if value and env:
        raise UsageError(nm.SECRET_TWICE(key=key))
    if env:
        if not _ENV.match(str(env)):
            raise UsageError(nm.BAD_ENV_NAME(value=env))
        out[f"{key}_env"] = str(env)
    elif value:
        out[key] = str(value)


def public(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration without secret values (shown by ``notify list``)."""
    return {k: ("***" if k in SECRET_KEYS else v) for k, v in config.items()}
