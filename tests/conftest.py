"""Shared fixtures: the third-party data in ../shared/data, and a one-call converter for connector tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from balise import connectors
from balise.connectors.sources import expand
from balise.lake.stage import StagedSource, connect, describe, stage

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests using it skip only when it is absent (a user's own clone)."""
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing on CI: the real third-party fixtures must be there")
        pytest.skip(f"{SHARED} is absent (a clone without the shared/ folder beside it)")
    return SHARED


Converted = tuple[StagedSource, duckdb.DuckDBPyRelation]


@pytest.fixture
def convert(tmp_path: Path) -> Callable[..., Converted]:
    """convert(path, format=None, **stage_kwargs) -> (StagedSource, relation over the FOCUS rows written).

    Runs the real pipeline (sources -> detection -> DuckDB COPY -> Parquet) on one file."""
    counter = iter(range(1_000_000))

    def run(path: Path | str, format: str | None = None, **kwargs: object) -> Converted:
        n = next(counter)
        work = tmp_path / f"work{n}"
        work.mkdir()
        (source,) = expand([Path(path)], work)
        con = connect(work)
        cols = describe(con, source)
        conn = connectors.get(format) if format else connectors.detect([c for c, _ in cols], source.name)
        staged = stage(con, source, conn, work / "staging", tenant="test", ingest_id=f"t{n}", **kwargs)
        files = [str(f) for p in staged.partitions for f in p.files]
        rel = con.read_parquet(files) if files else con.sql("SELECT 1 WHERE false")
        return staged, rel

    return run
