"""One settings object for the web cockpit: where the workspace is, cookie and upload policies."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class OidcSettings:
    """An OpenID Connect provider (Keycloak, …) to log in with; off unless ``BALISE_OIDC_ISSUER`` is set."""

    issuer: str  # e.g. https://sso.example.fr/realms/acme; discovery at <issuer>/.well-known/openid-configuration
    client_id: str
    client_secret: str
    redirect_url: str  # https://balise.example.fr/login/oidc/callback, registered at the provider
    name: str = "SSO"  # the button says "Sign in with <name>"
    email_domains: tuple[str, ...] = ()  # when set, only these e-mail domains may log in this way
    link_by_email: bool = False  # an unknown subject with a verified e-mail is linked to (or creates) a user

    @classmethod
    def from_env(cls) -> OidcSettings | None:
        env = os.environ
        issuer = env.get("BALISE_OIDC_ISSUER", "").strip().rstrip("/")
        if not issuer:
            return None
        domains = tuple(d.strip().lower().lstrip("@") for d in env.get("BALISE_OIDC_EMAIL_DOMAINS", "").split(",")
                        if d.strip())
        return cls(issuer=issuer, client_id=env.get("BALISE_OIDC_CLIENT_ID", "").strip(),
                   client_secret=env.get("BALISE_OIDC_CLIENT_SECRET", ""),
                   redirect_url=env.get("BALISE_OIDC_REDIRECT_URL", "").strip(),
                   name=env.get("BALISE_OIDC_NAME", "").strip() or "SSO", email_domains=domains,
                   link_by_email=env.get("BALISE_OIDC_LINK_BY_EMAIL", "0").strip().lower() in ("1", "true", "yes"))


@dataclass(frozen=True)
class WebSettings:
    workspace: Path | None = None  # default: BALISE_HOME, else the per-user data folder
    database_url: str | None = None  # default: BALISE_DATABASE_URL, else SQLite in the workspace
    upload_max_mb: int = 200
    # "auto": Secure cookies and HSTS when the request came over TLS (directly or per X-Forwarded-Proto)
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    trust_forwarded: bool = True  # honour X-Forwarded-Proto (behind a TLS-terminating reverse proxy)
    session_cookie: str = "balise_session"
    lang_cookie: str = "balise_lang"
    oidc: OidcSettings | None = None  # optional OpenID Connect login

    @classmethod
    def from_env(cls, workspace: Path | None = None, database_url: str | None = None) -> WebSettings:
        mb = os.environ.get("BALISE_UPLOAD_MAX_MB", "").strip()
        secure = os.environ.get("BALISE_COOKIE_SECURE", "auto").strip().lower()
        return cls(workspace=workspace, database_url=database_url, upload_max_mb=int(mb) if mb.isdigit() else 200,
                   cookie_secure=secure if secure in ("auto", "always", "never") else "auto",  # type: ignore[arg-type]
                   trust_forwarded=os.environ.get("BALISE_TRUST_FORWARDED", "1") != "0", oidc=OidcSettings.from_env())
