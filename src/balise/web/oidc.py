"""OpenID Connect login (Keycloak or any provider): the authorization-code flow with PKCE (S256), ``state`` and
``nonce``.

1. ``start()`` makes a random ``state``, ``nonce`` and PKCE verifier, and the provider's authorization URL
   (endpoints from ``<issuer>/.well-known/openid-configuration``); the route keeps the three secrets in a
   short-lived HttpOnly cookie and sends the browser to the provider.
2. On the way back, the route compares ``state`` with the cookie, then ``finish()`` exchanges the code at the
   token endpoint (client secret, PKCE verifier) and verifies the ID token with PyJWT: RS256 only, signed by a
   key of the provider's JWKS, issuer, audience, expiry and the nonce. Any failure is an ``OidcError`` with a
   reason code; nothing is written.

Who the person is in Balise (matching ``oidc_subject``, linking by verified e-mail) is decided by
``services.accounts.oidc_login``; roles still come from Balise's memberships.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from balise.errors import UsageError
from balise.i18n import web_messages as wm
from balise.web.config import OidcSettings

# The operator's configuration errors (at start); the person's refusals are translated in routes/auth.py.
TIMEOUT = 10.0
LEEWAY = 60  # seconds of clock skew accepted on exp / iat


class OidcError(Exception):
    """The provider's answer was refused; ``reason`` is one of REASONS (shown translated, logged as is)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


REASONS = ("provider", "state", "token", "signature", "expired", "claims", "nonce")


@dataclass(frozen=True)
class Pending:
    """The secrets of one login in progress (kept in the browser's HttpOnly cookie until the callback)."""

    state: str
    nonce: str
    verifier: str
    next: str


@dataclass(frozen=True)
class Identity:
    subject: str  # "<issuer>#<sub>": unique across providers
    email: str | None
    email_verified: bool
    name: str | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def challenge(verifier: str) -> str:
    return _b64(hashlib.sha256(verifier.encode()).digest())


class Provider:
    def __init__(self, settings: OidcSettings) -> None:
        missing = [f"BALISE_OIDC_{k.upper()}" for k in ("client_id", "client_secret", "redirect_url")
                   if not getattr(settings, k)]
        if missing:
            raise UsageError(wm.OIDC_INCOMPLETE(issuer=settings.issuer, names=", ".join(missing)))
        for name, url in (("BALISE_OIDC_ISSUER", settings.issuer), ("BALISE_OIDC_REDIRECT_URL", settings.redirect_url)):
            if not url.startswith(("https://", "http://")):
                raise UsageError(wm.OIDC_BAD_URL(name=name, value=url))
        self.settings = settings
        self._lock = threading.Lock()
        self._meta: dict[str, Any] | None = None
        self._jwks: jwt.PyJWKSet | None = None

    def _get(self, url: str) -> dict[str, Any]:
        try:
            r = httpx.get(url, timeout=TIMEOUT, headers={"accept": "application/json"})
            r.raise_for_status()
            data = r.json()
        except (httpx.HTTPError, ValueError) as e:
            raise OidcError("provider", f"{url}: {e}") from e
        if not isinstance(data, dict):
            raise OidcError("provider", f"{url}: not a JSON object")
        return data

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._meta is None:
                meta = self._get(self.settings.issuer + "/.well-known/openid-configuration")
                if str(meta.get("issuer", "")).rstrip("/") != self.settings.issuer:
                    raise OidcError("provider", f"discovery names issuer {meta.get('issuer')!r}")
                for k in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not isinstance(meta.get(k), str):
                        raise OidcError("provider", f"discovery lacks {k}")
                self._meta = meta
            return self._meta

    def _key(self, kid: str | None) -> Any:
        for attempt in range(2):  # an unknown kid: the provider may have rotated its keys, fetch them once more
            jwks = self._jwks
            if jwks is None or attempt:
                try:
                    jwks = jwt.PyJWKSet.from_dict(self._get(self.metadata()["jwks_uri"]))
                except jwt.PyJWTError as e:
                    raise OidcError("provider", f"JWKS: {e}") from e
                self._jwks = jwks
            keys = [k for k in jwks.keys if k.key_type == "RSA" and (kid is None or k.key_id == kid)]
            if len(keys) == 1 or (keys and kid is not None):
                return keys[0].key
        raise OidcError("signature", f"no RSA key {kid!r} in the provider's JWKS")

    def start(self, next_url: str) -> tuple[str, Pending]:
        meta = self.metadata()
        p = Pending(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48), next_url)
        query = {"response_type": "code", "client_id": self.settings.client_id,
                 "redirect_uri": self.settings.redirect_url, "scope": "openid email profile", "state": p.state,
                 "nonce": p.nonce, "code_challenge": challenge(p.verifier), "code_challenge_method": "S256"}
        sep = "&" if "?" in meta["authorization_endpoint"] else "?"
        return meta["authorization_endpoint"] + sep + urlencode(query), p

    def finish(self, code: str, pending: Pending) -> Identity:
        meta = self.metadata()
        s = self.settings
        try:
            r = httpx.post(meta["token_endpoint"], timeout=TIMEOUT, auth=(s.client_id, s.client_secret),
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": s.redirect_url,
                                 "code_verifier": pending.verifier, "client_id": s.client_id},
                           headers={"accept": "application/json"})
            body = r.json() if r.content else {}
        except (httpx.HTTPError, ValueError) as e:
            raise OidcError("token", str(e)) from e
        if r.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
            raise OidcError("token", f"token endpoint answered {r.status_code}: {str(body)[:200]}")
        return self.verify(body["id_token"], pending.nonce)

    def verify(self, id_token: str, nonce: str) -> Identity:
        s = self.settings
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as e:
            raise OidcError("signature", str(e)) from e
        if header.get("alg") != "RS256":
            raise OidcError("signature", f"algorithm {header.get('alg')!r} (only RS256 is accepted)")
        key = self._key(header.get("kid"))
        try:
            claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=s.client_id, issuer=s.issuer,
                                leeway=LEEWAY, options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})
        except jwt.ExpiredSignatureError as e:
            raise OidcError("expired", str(e)) from e
        except jwt.InvalidSignatureError as e:
            raise OidcError("signature", str(e)) from e
        except jwt.PyJWTError as e:
            raise OidcError("claims", str(e)) from e
        aud = claims["aud"]
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != s.client_id:
            raise OidcError("claims", "several audiences and azp is not this client")
        if not isinstance(claims["nonce"], str) or not secrets.compare_digest(claims["nonce"], nonce):
            raise OidcError("nonce", "the ID token's nonce is not this login's")
        sub = claims["sub"]
        if not isinstance(sub, str) or not sub:
            raise OidcError("claims", "empty sub")
        email = claims.get("email")
        name = claims.get("name") or claims.get("preferred_username")
        return Identity(f"{s.issuer}#{sub}", email.strip().lower() if isinstance(email, str) else None,
                        claims.get("email_verified") is True, name if isinstance(name, str) else None)
