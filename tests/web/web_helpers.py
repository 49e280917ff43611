"""Helpers shared by the web tests (imported by their conftest and modules)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from balise.services import accounts
from balise.services.workspace import Workspace
from balise.web.app import create_app
from balise.web.config import WebSettings

PASSWORD = "correct-horse-battery"
USERS = {"admin@demo.test": ("demo", "admin"), "editor@demo.test": ("demo", "editor"),
         "viewer@demo.test": ("demo", "viewer"), "operator@demo.test": ("demo", "operator"),
         "alice@alpha.test": ("alpha", "admin")}


@dataclass
class Web:
    ws: Workspace
    home: Path
    url: str
    kind: str

    apps: list[object] | None = None

    def app(self) -> TestClient:
        """A new client (its own cookies) of the module's one app (one workspace, closed at teardown)."""
        if self.apps is None:
            self.apps = [create_app(WebSettings(workspace=self.home, database_url=self.url))]
        return TestClient(self.apps[0], base_url="http://testserver")  # type: ignore[arg-type]

    def close(self) -> None:
        for app in self.apps or []:
            app.state.ws.close()  # type: ignore[attr-defined]
        self.ws.close()

    def login(self, email: str, client: TestClient | None = None, lang: str = "en") -> TestClient:
        c = client or self.app()
        c.headers["accept-language"] = lang
        r = c.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
        r = c.post("/login", data={"email": email, "password": PASSWORD, "login_csrf": token, "next": "/"},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        return c

    def token(self, email: str) -> str:
        return accounts.create_token(self.ws, email, f"test-{uuid.uuid4().hex[:6]}").token


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


