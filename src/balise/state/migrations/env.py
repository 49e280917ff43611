"""Alembic environment: Balise passes its own connection (see balise.state.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from balise.state.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand with a URL
    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
