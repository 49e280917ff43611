"""Fixtures of the posture tests: a workspace with one empty tenant, on SQLite (and PostgreSQL when
BALISE_TEST_DATABASE_URL is set, through the shared ``ws`` fixture)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from balise.services.workspace import Workspace, now, open_workspace
from balise.state.models import Tenant


@pytest.fixture
def acme(ws: Workspace) -> Workspace:
    """``ws`` with a tenant ``acme`` and nothing else (no bills, no evidence)."""
    with ws.session.begin() as s:
        s.add(Tenant(name="acme", created_at=now()))
    return ws


@pytest.fixture(scope="session")
def iac(shared_data: Path) -> Path:
    """``../shared/data/iac``: real Terraform fixtures of checkov, trivy-checks and kics (see its SOURCES.txt)."""
    return shared_data / "iac"


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         copy_demo_workspace: Callable[[Path], Path]) -> Iterator[Workspace]:
    """A private copy of the demo workspace (bills, utilisation, declared posture) per test module."""
    home = copy_demo_workspace(tmp_path_factory.mktemp(request.module.__name__.rsplit(".")[-1]))
    ws = open_workspace(home, f"sqlite:///{home / 'balise.db'}")
    yield ws
    ws.close()


class Cli:
    """The real `balise` command (a subprocess) on one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def __call__(self, *args: str, lang: str = "en", check: int | None = 0) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
        env["BALISE_LANG"] = lang
        env["COLUMNS"] = "250"
        proc = subprocess.run([sys.executable, "-m", "balise", "--workspace", str(self.workspace), *args],
                              capture_output=True, text=True, env=env, timeout=300)
        if check is not None:
            assert proc.returncode == check, f"exit {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}"
        return proc

    def json(self, *args: str) -> Any:
        return json.loads(self(*args).stdout)


@pytest.fixture
def demo_cli(tmp_path: Path, copy_demo_workspace: Callable[[Path], Path]) -> Cli:
    """`balise` on a fresh copy of the demo workspace."""
    return Cli(copy_demo_workspace(tmp_path / "ws"))
