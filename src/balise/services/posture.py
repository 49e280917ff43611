"""Posture service (being built)."""

from __future__ import annotations

from typing import Any

from balise import engine
from balise.services.workspace import Workspace


def context_input(ws: Workspace, tenant: str, con: engine.Backend) -> Any:
    """What the posture rules read from a RuleContext (``ctx.input("posture")``)."""
    return None


def report_section(ws: Workspace, out: Any, rates: Any) -> None:
    """Add this capability's figures to a ``Report`` (``out.extra["posture"]``, ``out.sections``)."""


def seed_demo(ws: Workspace, tenant: str) -> None:
    """What the demo company declares for this capability (called by ``services.demo.load_demo``)."""
