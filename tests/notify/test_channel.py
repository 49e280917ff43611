"""Channel configurations are validated before they are stored: clear errors that name the option."""

from __future__ import annotations

import pytest

from balise.errors import UsageError
from balise.notify.channel import parse_smtp, public, validate


def test_webhook_config_is_normalised() -> None:
    cfg = validate("webhook", {"url": "https://hooks.example.com/x?token=1", "headers": {"X-Team": "sre"},
                               "secret_env": "BALISE_HOOK_SECRET", "rate_limit_per_hour": 5, "frequency": "weekly",
                               "min_severity": "medium"})
    assert cfg == {"url": "https://hooks.example.com/x?token=1", "headers": {"X-Team": "sre"},
                   "secret_env": "BALISE_HOOK_SECRET", "rate_limit_per_hour": 5, "frequency": "weekly",
                   "min_severity": "medium"}
    assert public(validate("webhook", {"url": "http://127.0.0.1:8080/h", "secret": "s"}))["secret"] == "***"


@pytest.mark.parametrize("url", ["ftp://example.com/x", "hooks.example.com/x", "https://", "https://exa mple.com",
                                 "https://example.com:99999/x", "javascript:alert(1)", ""])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError, match="--url"):
        validate("slack", {"url": url})


def test_email_config_defaults_tls_from_the_port() -> None:
    base = {"from": "Balise <alertes@durand.fr>", "to": "daf@durand.fr, sre@durand.fr"}
    assert validate("email", {"host": "smtp.durand.fr:587", **base}) == {
        "host": "smtp.durand.fr", "port": 587, "tls": "starttls", "from": "Balise <alertes@durand.fr>",
        "to": ["daf@durand.fr", "sre@durand.fr"]}
    assert validate("email", {"host": "smtp.durand.fr", "port": 465, **base})["tls"] == "ssl"
    assert validate("email", {"host": "relay.local:25", **base})["tls"] == "none"
    assert validate("email", {"host": "smtp.durand.fr", **base})["port"] == 587
    cfg = validate("email", {"host": "smtp.durand.fr", "username": "u", "password_env": "SMTP_PW", **base})
    assert cfg["username"] == "u" and cfg["password_env"] == "SMTP_PW" and "password" not in cfg


def test_smtp_host_port() -> None:
    assert parse_smtp("smtp.example.fr:2525") == ("smtp.example.fr", 2525)
    assert parse_smtp("[::1]:25") == ("::1", 25)
    for bad in ("smtp.example.fr:0", "smtp.example.fr:abc", "smtp example.fr:25", ":25", "smtp.example.fr:70000"):
        with pytest.raises(UsageError, match="HOST:PORT"):
            parse_smtp(bad)


@pytest.mark.parametrize(("config", "option"), [
    ({"host": "smtp.x.fr", "from": "not-an-address", "to": ["a@x.fr"]}, "--from"),
    ({"host": "smtp.x.fr", "from": "a@x.fr", "to": ["a@x.fr", "b@"]}, "--to"),
    ({"host": "smtp.x.fr", "from": "a@x.fr", "to": ["a@x.fr, b@x.fr;c"]}, "--to"),
    ({"host": "smtp.x.fr", "from": "a@x.fr", "to": []}, "--to"),
    ({"from": "a@x.fr", "to": ["b@x.fr"]}, "--smtp"),
    ({"host": "smtp.x.fr", "from": "a@x.fr", "to": ["b@x.fr"], "tls": "tls1.3"}, "--smtp-tls"),
    ({"host": "smtp.x.fr", "from": "a@x.fr", "to": ["b@x.fr"], "password": "p"}, "--smtp-user"),
])
def test_bad_email_configs_name_the_option(config: dict, option: str) -> None:
    with pytest.raises(UsageError, match=option):
        validate("email", config)


def test_other_mistakes() -> None:
    with pytest.raises(UsageError, match="webhook, slack, teams, email"):
        validate("sms", {})
    with pytest.raises(UsageError, match="--url"):
        validate("teams", {})
    with pytest.raises(UsageError, match="not an option of slack channels"):
        validate("slack", {"url": "https://x.example/h", "secret": "s"})
    with pytest.raises(UsageError, match="not an option of email channels"):
        validate("email", {"url": "https://x.example/h", "host": "h:25", "from": "a@x.fr", "to": ["b@x.fr"]})
    with pytest.raises(UsageError, match="--header"):
        validate("webhook", {"url": "https://x.example/h", "headers": {"Bad Name": "v"}})
    with pytest.raises(UsageError, match="--rate-limit"):
        validate("webhook", {"url": "https://x.example/h", "rate_limit_per_hour": 0})
    with pytest.raises(UsageError, match="hourly"):
        validate("webhook", {"url": "https://x.example/h", "frequency": "hourly"})
    with pytest.raises(UsageError, match="not both"):
        validate("webhook", {"url": "https://x.example/h", "secret": "a", "secret_env": "B"})
    with pytest.raises(UsageError, match="environment variable"):
        validate("webhook", {"url": "https://x.example/h", "secret_env": "1BAD-NAME"})
