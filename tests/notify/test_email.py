"""E-mail through a real SMTP server (aiosmtpd) on 127.0.0.1: headers, both parts, French, login, STARTTLS,
transient and permanent refusals."""

from __future__ import annotations

import ssl
from pathlib import Path

from localservers import FAST, SmtpReceiver, free_port, sample, self_signed

from balise.notify import Channel, send


def mail_channel(port: int, lang: str = "en", **config: object) -> Channel:
    base = {"host": "127.0.0.1", "port": port, "tls": "none", "from": "Balise <balise@atelier-durand.fr>",
            "to": ["daf@atelier-durand.fr", "sre@atelier-durand.fr"]}
    return Channel("mail", "email", lang, {**base, **config})  # type: ignore[arg-type]


def test_email_has_subject_recipients_and_both_parts(smtp: SmtpReceiver) -> None:
    d = send(mail_channel(smtp.port), sample(), policy=FAST)
    assert d.ok and d.attempts[0].status == 250
    (mail,) = smtp.mails
    assert mail.sender == "balise@atelier-durand.fr"
    assert mail.recipients == ["daf@atelier-durand.fr", "sre@atelier-durand.fr"]
    msg = mail.message
    assert msg["Subject"] == "[Balise demo] 1 finding to act on"
    assert msg["To"] == "daf@atelier-durand.fr, sre@atelier-durand.fr"
    assert msg["Auto-Submitted"] == "auto-generated" and msg["X-Balise-Dedup-Key"] == "finding:abc"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Forgotten VM poc-migration-2024" in plain and "Monthly saving: €335.35" in plain
    assert "https://balise.example/findings/abc" in plain
    assert '<a href="https://balise.example/findings/abc">Forgotten VM poc-migration-2024</a>' in html
    assert "&lt;AWS &amp; co&gt;" in html  # escaped, not markup
    assert d.payload["to"] == ["daf@atelier-durand.fr", "sre@atelier-durand.fr"]


def test_email_in_french(smtp: SmtpReceiver) -> None:
    assert send(mail_channel(smtp.port, "fr"), sample(), policy=FAST).ok
    msg = smtp.mails[0].message
    assert msg["Subject"] == "[Balise demo] 1 constat à traiter"
    assert msg["Content-Language"] == "fr"
    plain = msg.get_body(("plain",)).get_content()
    assert "Une VM tourne toute l'année sans propriétaire." in plain
    assert "Économie mensuelle\u00a0: 335,35\u00a0€" in plain
    assert "Envoyé par Balise pour le client demo." in plain
    assert 'lang="fr"' in msg.get_body(("html",)).get_content()


def test_login(tmp_path: Path) -> None:
    with SmtpReceiver(users={"balise": "pw"}) as smtp:
        assert send(mail_channel(smtp.port, username="balise", password="pw"), sample(), policy=FAST).ok
        assert smtp.mails[0].login == "balise"
        d = send(mail_channel(smtp.port, username="balise", password="wrong"), sample(), policy=FAST)
        assert not d.ok and d.attempts[0].status == 535 and len(d.attempts) == 1  # permanent: not retried


def test_starttls_with_a_verified_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))
    with SmtpReceiver(users={"balise": "pw"}, tls=(cert, key)) as smtp:
        ch = mail_channel(smtp.port, tls="starttls", username="balise", password="pw")
        assert send(ch, sample(), tls_context=trust, policy=FAST).ok
        assert smtp.mails[0].login == "balise"
        # without trusting the certificate the send fails, and is not retried (it would fail again)
        d = send(ch, sample(), policy=FAST)
        assert not d.ok and len(d.attempts) == 1 and "CERTIFICATE_VERIFY_FAILED" in (d.error or "")
        # a plain connection to a server that requires STARTTLS is refused
        assert not send(mail_channel(smtp.port), sample(), policy=FAST).ok
    assert len(smtp.mails) == 1


def test_transient_refusal_is_retried_permanent_is_not(smtp: SmtpReceiver) -> None:
    smtp.fail_with = ["451 4.3.0 Mailbox busy, try again"]
    d = send(mail_channel(smtp.port), sample(), policy=FAST)
    assert d.ok and [a.status for a in d.attempts] == [451, 250] and len(smtp.mails) == 1
    smtp.fail_with = ["554 5.7.1 Rejected as spam"]
    d = send(mail_channel(smtp.port), sample(), policy=FAST)
    assert not d.ok and len(d.attempts) == 1 and d.error == "SMTP 554 5.7.1 Rejected as spam"


def test_no_server_is_a_retried_network_error() -> None:
    d = send(mail_channel(free_port()), sample(), policy=FAST)
    assert not d.ok and len(d.attempts) == 3 and "ConnectionRefusedError" in (d.error or "")
