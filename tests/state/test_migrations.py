"""The schema comes from Alembic migrations, identically on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from balise.state.db import HEAD, _config, current_revision, open_engine
from balise.state.models import Base


def test_head_constant_matches_alembic() -> None:
    assert ScriptDirectory.from_config(_config("sqlite://")).get_current_head() == HEAD


def test_migrations_create_exactly_the_models(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        assert current_revision(engine) == HEAD
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            cols = {c["name"] for c in inspect(engine).get_columns(name)}
            assert cols == {c.name for c in table.columns}, name
        open_engine(database_url).dispose()  # opening again is a no-op upgrade
    finally:
        engine.dispose()
