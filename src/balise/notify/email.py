"""E-mail over SMTP (standard library): a plain-text part and an HTML alternative, in the channel's language.

STARTTLS (port 587, the default), implicit TLS (``ssl``, port 465) or none (a local relay on port 25);
login when a user name is configured. Transient SMTP replies (4xx) and network errors are retried;
permanent ones (5xx: unknown recipient, authentication refused) are not. The messages carry
``Auto-Submitted: auto-generated`` (RFC 3834) so that out-of-office robots do not answer them.
"""

from __future__ import annotations

import html
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from balise.i18n import Lang
from balise.i18n import notify_messages as nm
from balise.notify.channel import Channel
from balise.notify.message import Message, colon, show
from balise.notify.retry import DEFAULT_POLICY, Delivery, RetryPolicy, Try, deliver

SMTPFactory = Callable[..., smtplib.SMTP]


def build(message: Message, channel: Channel) -> EmailMessage:
    lang = channel.lang
    msg = EmailMessage()
    msg["Subject"] = show(message.subject, lang)
    msg["From"] = channel.config["from"]
    msg["To"] = ", ".join(channel.config["to"])
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=str(channel.config["from"]).rsplit("@", 1)[-1].strip("> "))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Balise-Tenant"] = message.tenant
    msg["X-Balise-Dedup-Key"] = message.dedup_key
    msg.set_content(message.plain(lang) + "\n\n-- \n" + nm.EMAIL_FOOTER.render(lang, tenant=message.tenant) + "\n")
    msg.add_alternative(html_body(message, lang), subtype="html")
    msg["Content-Language"] = lang  # after the parts: setting content clears Content-* headers
    return msg


def html_body(message: Message, lang: Lang) -> str:
    e = html.escape
    parts = [f'<html lang="{lang}"><body style="font-family:sans-serif">',
             f'<h2 style="border-left:6px solid {message.colour};padding-left:8px">{e(show(message.subject, lang))}'
             "</h2>", f"<p>{e(show(message.text, lang))}</p>"]
    for item in message.items:
        title = e(show(item.title, lang))
        if item.link:
            title = f'<a href="{e(item.link, quote=True)}">{title}</a>'
        parts.append(f"<h3>{title}</h3>")
        if item.text is not None:
            parts.append(f"<p>{e(show(item.text, lang))}</p>")
        if item.fields:
            rows = "".join(f"<tr><th style=\"text-align:left;padding-right:12px\">{e(show(f.label, lang))}"
                           f"{e(colon(lang).rstrip())}</th><td>{e(show(f.value, lang))}</td></tr>" for f in item.fields)
            parts.append(f"<table>{rows}</table>")
    parts.append(f'<p style="color:#666;font-size:small">{e(nm.EMAIL_FOOTER.render(lang, tenant=message.tenant))}'
                 "</p></body></html>")
    return "\n".join(parts)


def send(channel: Channel, message: Message, *, smtp: SMTPFactory | None = None,
         tls_context: ssl.SSLContext | None = None, policy: RetryPolicy = DEFAULT_POLICY,
         sleep: Callable[[float], None] = time.sleep) -> Delivery:
    cfg = channel.config
    email = build(message, channel)
    context = tls_context or ssl.create_default_context()

    def connect() -> smtplib.SMTP:
        if smtp is not None:
            return smtp(cfg["host"], cfg["port"], timeout=policy.timeout)
        if cfg["tls"] == "ssl":
            return smtplib.SMTP_SSL(cfg["host"], cfg["port"], timeout=policy.timeout, context=context)
        return smtplib.SMTP(cfg["host"], cfg["port"], timeout=policy.timeout)

    def once() -> Try:
        try:
            with connect() as client:
                if cfg["tls"] == "starttls":
                    client.starttls(context=context)
                if cfg.get("username"):
                    client.login(cfg["username"], cfg.get("password") or "")
                refused = client.send_message(email)
        except smtplib.SMTPNotSupportedError as e:  # no STARTTLS, no AUTH: the configuration, not the moment
            return Try(ok=False, error=str(nm.SMTP_NOT_SUPPORTED(error=_text(e))))
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            return Try(ok=False, error=str(nm.SMTP_REFUSED(who=_refused(e.recipients))), status=max(codes),
                       retryable=all(400 <= c < 500 for c in codes))
        except smtplib.SMTPResponseException as e:
            return Try(ok=False, error=f"SMTP {e.smtp_code} {_text(e.smtp_error)}", status=e.smtp_code,
                       retryable=400 <= e.smtp_code < 500)
        except (OSError, smtplib.SMTPException) as e:  # refused, reset, timeout, disconnected, TLS failure
            return Try(ok=False, error=str(nm.NETWORK_ERROR(error=f"{type(e).__name__}: {e}")),
                       retryable=not isinstance(e, ssl.SSLCertVerificationError))
        warning = str(nm.SMTP_REFUSED(who=_refused(refused))) if refused else None
        return Try(ok=True, status=250, error=warning)

    result = deliver(once, policy, sleep=sleep)
    result.payload = {"subject": email["Subject"], "from": email["From"], "to": cfg["to"],
                      "message_id": email["Message-ID"]}
    return result


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{who} ({code} {_text(why)})" for who, (code, why) in sorted(recipients.items()))
