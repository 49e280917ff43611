"""Real servers on 127.0.0.1 for notification tests: an HTTP receiver that records every request and answers a
script of statuses, and an SMTP server (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from balise.i18n import Msg, money
from balise.notify import Field, Item, Message, RetryPolicy


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0  # seconds before answering (to test timeouts)


class HttpReceiver:
    """``answers`` are used in order, one per request; once used up every request gets 200 ``ok``."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body, time.monotonic()))
                    answer = receiver.answers.pop(0) if receiver.answers else Answer()
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def answer(self, *answers: Answer | int) -> None:
        self.answers.extend(a if isinstance(a, Answer) else Answer(a) for a in answers)

    def __enter__(self) -> HttpReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port_url() -> str:
    """An http URL on which nothing listens (connection refused)."""
    return f"http://127.0.0.1:{free_port()}/hook"


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    login: str | None


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1; ``users`` enables AUTH (plain, without TLS: loopback only); ``tls`` a certificate
    pair (cert, key) enables and requires STARTTLS; ``fail_with`` answers the next DATA commands with these
    SMTP replies, e.g. "451 4.3.0 try again later"."""

    def __init__(self, users: dict[str, str] | None = None, tls: tuple[Path, Path] | None = None) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.mails: list[Mail] = []
        self.fail_with: list[str] = []
        self.sessions = 0
        receiver = self

        class Handler:
            async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                                  responses: list[str]) -> list[str]:
                receiver.sessions += 1
                session.host_name = hostname
                return responses

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if receiver.fail_with:
                    return receiver.fail_with.pop(0)
                msg = message_from_bytes(envelope.original_content, policy=policy.default)
                login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
                receiver.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), msg, login))  # type: ignore[arg-type]
                return "250 OK"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            ok = isinstance(data, LoginPassword) and users is not None and \
                users.get(data.login.decode()) == data.password.decode()
            return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)

        kwargs: dict[str, Any] = {}
        if users is not None:
            kwargs.update(authenticator=authenticator, auth_require_tls=tls is not None)
        if tls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            kwargs.update(tls_context=ctx, require_starttls=True)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@contextmanager
def http_receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as r:
        yield r


# --- a sample message, and a retry policy that keeps tests fast ---------------------------------------------

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=1.0, timeout=2.0)

SAVING = Msg("Monthly saving", "Économie mensuelle")
TITLE = Msg("Forgotten VM {name}", "VM oubliée {name}")
SUBJECT = Msg("[Balise demo] 1 finding to act on", "[Balise demo] 1 constat à traiter")
BODY = Msg("A VM has been running all year without an owner.", "Une VM tourne toute l'année sans propriétaire.")


def sample(**kw: object) -> Message:
    item = Item(TITLE(name="poc-migration-2024"), text="m5.2xlarge, eu-central-1 <AWS & co>",
                link="https://balise.example/findings/abc", fields=(Field(SAVING(), lambda lang: money(335.35, "EUR",
                                                                                                   lang)),))
    args: dict = {"tenant": "demo", "subject": SUBJECT(), "text": BODY(), "dedup_key": "finding:abc",
                  "severity": "high", "items": (item,), "data": {"fingerprint": "abc", "monthly_saving_eur": 335.35}}
    args.update(kw)
    return Message(**args)
