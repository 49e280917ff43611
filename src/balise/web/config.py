"""One settings object for the web cockpit: where the workspace is, cookie and upload policies."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


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

    @classmethod
    def from_env(cls, workspace: Path | None = None, database_url: str | None = None) -> WebSettings:
        mb = os.environ.get("BALISE_UPLOAD_MAX_MB", "").strip()
        secure = os.environ.get("BALISE_COOKIE_SECURE", "auto").strip().lower()
        return cls(workspace=workspace, database_url=database_url, upload_max_mb=int(mb) if mb.isdigit() else 200,
                   cookie_secure=secure if secure in ("auto", "always", "never") else "auto",  # type: ignore[arg-type]
                   trust_forwarded=os.environ.get("BALISE_TRUST_FORWARDED", "1") != "0")
