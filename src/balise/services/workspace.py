"""A workspace: one state database and one lake, holding any number of tenants.

Chosen by ``--workspace DIR``, else ``BALISE_HOME``, else the per-user data folder. The state database is
``<workspace>/balise.db`` (SQLite) unless ``BALISE_DATABASE_URL`` names another (PostgreSQL for servers).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from balise.errors import UnknownTenantError, UsageError
from balise.i18n import messages as m
from balise.lake.store import Lake
from balise.state.db import open_engine, sessions
from balise.state.models import LakeFile, Tenant

TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def default_home() -> Path:
    env = os.environ.get("BALISE_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("balise", appauthor=False))


@dataclass
class Workspace:
    home: Path
    database_url: str
    engine: Engine = field(repr=False)
    session: sessionmaker[Session] = field(repr=False)
    lake: Lake = field(repr=False)

    @property
    def tmp(self) -> Path:
        path = self.home / "tmp"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def rejects(self) -> Path:
        return self.home / "rejects"

    def tenant(self, name: str) -> Tenant:
        with self.session() as s:
            t = s.scalar(select(Tenant).where(Tenant.name == name))
            if t is None:
                raise UnknownTenantError(name, sorted(s.scalars(select(Tenant.name))))
            return t

    def tenants(self) -> list[Tenant]:
        with self.session() as s:
            return list(s.scalars(select(Tenant).order_by(Tenant.name)))

    def live_files(self, tenant: str, periods: tuple[str | None, str | None] = (None, None)) -> list[Path]:
        """The tenant's live Parquet files, optionally only billing periods within [from, to] (YYYY-MM)."""
        t = self.tenant(tenant)
        with self.session() as s:
            q = select(LakeFile.path).distinct().where(LakeFile.tenant_id == t.id)
            lo, hi = periods
            if lo:
                q = q.where(LakeFile.period >= lo)
            if hi:
                q = q.where(LakeFile.period <= hi)
            return [self.lake.absolute(p) for p in s.scalars(q.order_by(LakeFile.path))]

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(home: Path | None = None, database_url: str | None = None) -> Workspace:
    home = (home or default_home()).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    url = database_url or os.environ.get("BALISE_DATABASE_URL") or f"sqlite:///{home / 'balise.db'}"
    engine = open_engine(url)
    return Workspace(home, url, engine, sessions(engine), Lake(home / "lake"))


def check_tenant_name(name: str) -> str:
    if not TENANT_NAME.match(name):
        raise UsageError(m.BAD_TENANT_NAME(name=name))
    return name


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
