"""Open the state database and bring its schema to the current Alembic revision."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from balise.errors import ExecutionError
from balise.i18n import messages as m

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Checked against Alembic's own view in tests/state/test_migrations.py; knowing it here
# spares every command importing Alembic when the schema is already current.
HEAD = "0003"


def _config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def normalise_url(url: str) -> str:
    """postgresql:// means psycopg 3 here (the driver Balise installs)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def open_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        upgrade(engine, url)
    except Exception as e:  # connection refused, bad credentials...: not the user's input, say what to check
        if isinstance(e, ExecutionError):
            raise
        raise ExecutionError(m.DB_UNAVAILABLE(url=engine.url.render_as_string(hide_password=True),
                                              error=str(e).splitlines()[0])) from e
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, url: str) -> None:
    if current_revision(engine) != HEAD:
        from alembic import command

        cfg = _config(url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
