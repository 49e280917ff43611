"""Shared fixtures: the third-party data in ../shared/data, and a one-call converter for connector tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from balise import connectors
from balise.connectors.sources import expand
from balise.lake.stage import StagedSource, connect, describe, stage
from balise.services.workspace import Workspace, open_workspace

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
        files = [str(f.path) for f in staged.files]
        rel = con.read_parquet(files) if files else con.sql("SELECT 1 WHERE false")
        return staged, rel

    return run


# --- workspaces on both state databases -------------------------------------------------------------------

def _postgres_url() -> str | None:
    url = os.environ.get("BALISE_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("BALISE_TEST_DATABASE_URL is not set on CI: `make test` starts a real PostgreSQL "
                        "with scripts/test-postgres.sh; the PostgreSQL tests must not be skipped there")
        pytest.skip("no PostgreSQL server for tests (install postgresql, then `make test` starts one)")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty state database: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    import uuid

    import sqlalchemy as sa

    from balise.state.db import normalise_url

    base = _postgres_url()
    assert base is not None
    name = f"balise_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def ws(tmp_path: Path, database_url: str) -> Iterator[Workspace]:
    w = open_workspace(tmp_path / "ws", database_url)
    try:
        yield w
    finally:
        w.close()


# --- the demo company, generated once per test session ------------------------------------------------------

@pytest.fixture(scope="session")
def copy_demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """``copy_demo_workspace(dest)``: see ``_copy_demo``."""
    return lambda dest: _copy_demo(tmp_path_factory, dest)


def _copy_demo(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """Copy a demo workspace (SQLite state and lake) generated once per test session to ``dest``: ``balise demo``
    takes ~12 s, a copy a fraction of a second. Each test module gets its own copy to change freely."""
    import shutil

    from balise.services.demo import load_demo

    base = factory.getbasetemp() / "balise-demo-ws"
    if not (base / "balise.db").exists():
        w = open_workspace(base, f"sqlite:///{base / 'balise.db'}")
        load_demo(w)
        w.close()
    shutil.copytree(base, dest, dirs_exist_ok=True)
    return dest
