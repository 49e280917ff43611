from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


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


@pytest.fixture
def balise(tmp_path: Path) -> Run:
    """Run the real `balise` command (a subprocess) on a fresh workspace."""
    return Run(tmp_path / "ws")


Snapshot = Callable[[], tuple[object, ...]]


@pytest.fixture
def observe(balise: Run) -> Snapshot:
    """What a user can observe of the workspace: live lake files with sizes, and the state database bytes."""
    def snap() -> tuple[object, ...]:
        ws = balise.workspace
        files = sorted((str(p.relative_to(ws)), p.stat().st_size) for p in ws.glob("lake/tenant=*/**/*.parquet"))
        srcs = balise("tenants", "-f", "json").stdout
        per = [balise("sources", "--tenant", t["name"], "-f", "json").stdout for t in json.loads(srcs)]
        return tuple(files), srcs, tuple(per)
    return snap
