"""Fixtures of the web tests: the demo company served by the real app, on SQLite and on PostgreSQL.

``web`` (module scope) is a workspace holding tenant ``demo`` (the demo company, its findings evaluated) and an
empty tenant ``alpha``, with users of every role: ``admin@demo.test`` (admin of demo), ``viewer@demo.test``,
``editor@demo.test``, and ``alice@alpha.test`` (admin of alpha only, for the isolation tests).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from web_helpers import PASSWORD, USERS, Web

from balise.services import accounts, budgets, notifications
from balise.services.workspace import Workspace, open_workspace


def _postgres_url() -> str:
    url = os.environ.get("BALISE_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("BALISE_TEST_DATABASE_URL is not set on CI")
        pytest.skip("no PostgreSQL server for tests (install postgresql, then `make test` starts one)")
    return url


def seed(ws: Workspace) -> None:
    from balise.services import findings

    if not any(t.name == "demo" for t in ws.tenants()):
        from balise.services.demo import load_demo
        load_demo(ws, 40_000)
    if not findings.list_findings(ws, "demo"):
        findings.evaluate(ws, "demo")
    accounts.create_tenant(ws, "alpha")
    for email, (tenant, role) in USERS.items():
        accounts.add_user(ws, email, email.split("@")[0].title(), PASSWORD)
        accounts.grant(ws, email, tenant, role)
    budgets.add_budget(ws, "demo", "cloud", 29000.0, yearly=340000.0, owner="DAF")
    budgets.add_budget(ws, "demo", "web team", 4000.0, tag="team=web")
    notifications.add_channel(ws, "demo", "ops-hook", "webhook", {"url": "http://127.0.0.1:9/hook"}, "fr")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def web(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        copy_demo_workspace: Callable[[Path], Path]) -> Iterator[Web]:
    base = tmp_path_factory.mktemp("web")
    if request.param == "sqlite":
        home = copy_demo_workspace(base / "ws")
        url = f"sqlite:///{home / 'balise.db'}"
        ws = open_workspace(home, url)
        seed(ws)
        w = Web(ws, home, url, "sqlite")
        try:
            yield w
        finally:
            w.close()
        return
    import sqlalchemy as sa

    from balise.state.db import normalise_url

    pg = _postgres_url()
    name = f"balise_web_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(normalise_url(pg), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = pg.rsplit("/", 1)[0] + "/" + name
    home = base / "ws"
    ws = open_workspace(home, url)
    w = Web(ws, home, url, "postgres")
    try:
        seed(ws)
        yield w
    finally:
        w.close()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
