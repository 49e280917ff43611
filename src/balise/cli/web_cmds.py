"""`balise serve` and the user/token administration commands (being built)."""

from __future__ import annotations
