"""Fixtures of the sovereignty tests: a private copy of the demo workspace per module (its workloads file is
the demo company's, imported by `balise demo`), a context builder, and the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from balise.services.workspace import Workspace, open_workspace


@pytest.fixture(scope="module")
def demo_home(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              copy_demo_workspace: Callable[[Path], Path]) -> Path:
    return copy_demo_workspace(tmp_path_factory.mktemp(request.module.__name__.rsplit(".")[-1]))


@pytest.fixture(scope="module")
def demo(demo_home: Path) -> Iterator[Workspace]:
    ws = open_workspace(demo_home, f"sqlite:///{demo_home / 'balise.db'}")
    yield ws
    ws.close()


class Run:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def __call__(self, *args: str, lang: str = "en", check: int | None = 0) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
        env["BALISE_LANG"] = lang
        proc = subprocess.run([sys.executable, "-m", "balise", "--workspace", str(self.workspace), *args],
                              capture_output=True, text=True, env=env, timeout=300)
        if check is not None:
            assert proc.returncode == check, f"exit {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}"
        return proc

    def json(self, *args: str) -> Any:
        return json.loads(self(*args).stdout)


@pytest.fixture(scope="module")
def run(demo_home: Path) -> Run:
    """The real `balise` command (a subprocess) on this module's copy of the demo workspace."""
    return Run(demo_home)
