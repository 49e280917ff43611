"""Every message exists in English and French with the same placeholders; money is formatted per locale."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import balise.i18n
from balise.i18n import Msg, money, percent
from balise.i18n import messages as m

# messages.py, and one ``<feature>_messages.py`` module per capability (rules, kpis, notify…)
MODULES = [m] + [importlib.import_module(f"balise.i18n.{x.name}") for x in pkgutil.iter_modules(balise.i18n.__path__)
                 if x.name.endswith("_messages")]
ALL = {f"{mod.__name__.rsplit('.', 1)[-1]}.{name}": v for mod in MODULES for name, v in vars(mod).items()
       if isinstance(v, Msg)}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    assert len(ALL) > 100
    for name, msg in ALL.items():
        assert msg.en.strip() and msg.fr.strip(), name
        assert _fields(msg.en) == _fields(msg.fr), name


# Identical in both languages on purpose: symbols, formulas and proper nouns. Add a name here only for such.
ALLOWED_SAME = {"H_FORMAT", "TOTAL", "RATE_DESC"}


def test_french_messages_are_translated_not_copied() -> None:
    same = [n for n, msg in ALL.items() if msg.en == msg.fr and re.search(r"[a-z]{4,}", msg.en)]
    # identical texts are allowed only where they are symbols or proper nouns (a formula, "Format", "Total")
    assert {n.split(".", 1)[1] for n in same} <= ALLOWED_SAME, same


def test_no_french_message_is_left_untranslated_in_source() -> None:
    """No module builds a user message from an English f-string instead of a Msg."""
    import pathlib

    root = pathlib.Path(m.__file__).parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text()
        for pattern in (r"(UsageError|UserInputError|ExecutionError|BadSourceError|BaliseError)\(f\"", r"Problem\([^,]+, f\"", r"Problem\([^,]+, \"[a-z]"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(root)}: {pattern}")
    assert offenders == []


def test_money_per_locale() -> None:
    assert money(1234.56, "EUR", "fr") == "1\u202f234,56\u00a0€"
    assert money(1234.56, "EUR", "en") == "€1,234.56"
    assert percent(0.125, "fr") == "12,5\u00a0%"
