"""Carbon rules (filled by the carbon capability)."""

from __future__ import annotations

from balise.rules.base import Rule

RULES: tuple[type[Rule], ...] = ()
