"""The demo company in a workspace, generated once for the rule tests (docs/demo-company.md is the oracle)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from balise.demo.generator import generate
from balise.services.ingest import ingest
from balise.services.workspace import Workspace, open_workspace


@dataclass
class Demo:
    ws: Workspace
    files: list[Path]  # the generated bills, read directly by independent SQL

    def sql(self, query: str) -> list[tuple]:
        """Plain DuckDB SQL over the generated files (BILLS), independent of Balise's engine."""
        listing = ", ".join(f"'{f}'" for f in self.files)
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        return con.execute(query.replace("BILLS", f"read_parquet([{listing}])")).fetchall()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("rules-demo")
    files = generate(root / "bills", fmt="parquet")
    ws = open_workspace(root / "ws")
    try:
        ingest(ws, files, "demo")
        yield Demo(ws, files)
    finally:
        ws.close()
