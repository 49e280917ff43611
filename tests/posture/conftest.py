"""Fixtures of the posture tests: a workspace with one empty tenant, on SQLite (and PostgreSQL when
BALISE_TEST_DATABASE_URL is set, through the shared ``ws`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from balise.services.workspace import Workspace, now
from balise.state.models import Tenant

IAC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "iac"


@pytest.fixture
def acme(ws: Workspace) -> Workspace:
    """``ws`` with a tenant ``acme`` and nothing else (no bills, no evidence)."""
    with ws.session.begin() as s:
        s.add(Tenant(name="acme", created_at=now()))
    return ws


@pytest.fixture(scope="session")
def iac(shared_data: Path) -> Path:
    """``../shared/data/iac``: real Terraform fixtures of checkov, trivy-checks and kics (see its SOURCES.txt)."""
    return shared_data / "iac"
