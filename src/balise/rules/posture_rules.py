"""Posture rules (filled by the posture capability)."""

from __future__ import annotations

from balise.rules.base import Rule

RULES: tuple[type[Rule], ...] = ()
