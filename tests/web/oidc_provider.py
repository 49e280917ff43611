"""A tiny OpenID Connect provider for the tests, served over loopback HTTP in a thread: discovery, authorize
(redirects back with a code, checks the PKCE challenge method), token (checks the client secret, the code, the
redirect URI and the PKCE verifier) and JWKS, with an RSA key generated when it starts.

``mode`` makes the next ID token wrong on purpose: "nonce" (another nonce), "expired", "foreign-key" (signed by
a key that is not in the JWKS), "audience" (for another client), "hs256" (HMAC with the public key).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "balise-test"
CLIENT_SECRET = "s3cret-" + secrets.token_hex(8)


@dataclass
class Person:
    sub: str
    email: str | None
    email_verified: bool = True
    name: str = "Test Person"


@dataclass
class Provider:
    issuer: str = ""
    person: Person = field(default_factory=lambda: Person("u-1", "someone@demo.test"))
    mode: str = "ok"
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    foreign: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    kid: str = field(default_factory=lambda: secrets.token_hex(4))
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": self.person.sub, "aud": CLIENT_ID, "iat": now,
                                  "exp": now + 300, "nonce": nonce, "name": self.person.name,
                                  "email_verified": self.person.email_verified}
        if self.person.email is not None:
            claims["email"] = self.person.email
        key, headers = self.key, {"kid": self.kid}
        if self.mode == "nonce":
            claims["nonce"] = "not-" + nonce
        elif self.mode == "expired":
            claims.update(iat=now - 7200, exp=now - 3600)
        elif self.mode == "foreign-key":
            key = self.foreign
        elif self.mode == "audience":
            claims["aud"] = "another-client"
        elif self.mode == "hs256":  # the classic confusion attack: HMAC keyed with the public key's PEM
            import hmac

            from cryptography.hazmat.primitives import serialization
            pem = self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)

            def part(d: dict[str, Any]) -> str:
                return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

            signing = part({"alg": "HS256", "typ": "JWT", "kid": self.kid}) + "." + part(claims)
            mac = hmac.new(pem, signing.encode(), hashlib.sha256).digest()
            return signing + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
        return jwt.encode(claims, key, algorithm="RS256", headers=headers)


def _handler(p: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, {"issuer": p.issuer, "authorization_endpoint": p.issuer + "/authorize",
                                 "token_endpoint": p.issuer + "/token", "jwks_uri": p.issuer + "/jwks",
                                 "response_types_supported": ["code"], "subject_types_supported": ["public"],
                                 "id_token_signing_alg_values_supported": ["RS256"],
                                 "code_challenge_methods_supported": ["S256"]})
            elif url.path == "/jwks":
                self._json(200, p.jwks())
            elif url.path == "/authorize":
                ok = (q.get("response_type") == "code" and q.get("client_id") == CLIENT_ID
                      and q.get("code_challenge_method") == "S256" and q.get("code_challenge")
                      and q.get("state") and q.get("nonce") and "openid" in q.get("scope", "").split())
                if not ok:
                    self._json(400, {"error": "invalid_request", "query": q})
                    return
                code = secrets.token_urlsafe(16)
                p.codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"],
                                 "redirect_uri": q["redirect_uri"]}
                self.send_response(302)
                self.send_header("location", q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]}))
                self.send_header("content-length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            p.token_requests += 1
            length = int(self.headers.get("content-length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.path != "/token" or self.headers.get("authorization") != f"Basic {basic}":
                self._json(401, {"error": "invalid_client"})
                return
            grant = p.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if (grant is None or form.get("grant_type") != "authorization_code"
                    or form.get("redirect_uri") != grant["redirect_uri"] or expected != grant["challenge"]):
                self._json(400, {"error": "invalid_grant"})
                return
            self._json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                             "id_token": p.id_token(grant["nonce"])})

    return Handler


@contextmanager
def running() -> Iterator[Provider]:
    p = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(p))
    p.issuer = f"http://127.0.0.1:{server.server_address[1]}/realms/test"
    # the realm path: the handler sees /realms/test/...; strip it
    server.RequestHandlerClass = _prefixed(server.RequestHandlerClass, "/realms/test")  # type: ignore[misc]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield p
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _prefixed(cls: type[BaseHTTPRequestHandler], prefix: str) -> type[BaseHTTPRequestHandler]:
    class Prefixed(cls):  # type: ignore[valid-type,misc]
        def parse_request(self) -> bool:
            ok = super().parse_request()
            if ok and self.path.startswith(prefix):
                self.path = self.path[len(prefix):] or "/"
            return bool(ok)

    return Prefixed
