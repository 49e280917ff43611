"""Fixtures of the carbon tests: a private copy of the demo workspace per module, and the ECB rates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from balise.reference.fx import Rates, ecb
from balise.services.workspace import Workspace, open_workspace


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         copy_demo_workspace: Callable[[Path], Path]) -> Iterator[Workspace]:
    home = copy_demo_workspace(tmp_path_factory.mktemp(request.module.__name__.rsplit(".")[-1]))
    ws = open_workspace(home, f"sqlite:///{home / 'balise.db'}")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def rates() -> Rates:
    return ecb()
