"""`balise carbon` commands (being built)."""

from __future__ import annotations

from typing import Any


def report_section_json(r: Any) -> dict[str, Any]:
    """This capability's part of `balise report --format json` (keys added at the top level)."""
    return {}


def show_report_section(r: Any) -> None:
    """This capability's part of the `balise report` table output."""
