"""What a notification says, independently of where it goes.

A ``Message`` holds texts that render in the channel's language (a ``Text`` from ``balise.i18n``, a plain
string, or a function of the language for figures formatted per locale such as money), so one alert goes in
French to one channel and in English to another. ``data`` carries the machine-readable figures that the JSON
webhook forwards as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from balise.i18n import Lang, Msg, Text

# A text shown to a person: fixed, bilingual (a Text, or a Msg without placeholders), or formatted for the
# language (money, numbers).
Shown = str | Text | Msg | Callable[[Lang], str]


def show(value: Shown | None, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (Text, Msg)):
        return value.render(lang)
    return value(lang)


def colon(lang: Lang) -> str:
    """The colon after a label: ": " in English, " : " in French (with a no-break space before it)."""
    return "\u00a0: " if lang == "fr" else ": "


class Frequency(StrEnum):
    """How often the same alert may be sent on a channel: at most once per calendar day, ISO week, month or
    quarter (UTC)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


# Colours of the chat attachments and cards, by severity (critical/high red, medium amber, low/info neutral).
SEVERITY_COLOURS = {"critical": "#B00020", "high": "#D32F2F", "medium": "#F9A825", "low": "#1976D2",
                    "info": "#607D8B"}


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled figure of an item: ``Saving: 335,00 €``."""

    label: Shown
    value: Shown


@dataclass(frozen=True, slots=True)
class Item:
    """One thing the message is about (a KPI, a finding), with its figures and an optional link."""

    title: Shown
    text: Shown | None = None
    link: str | None = None
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    tenant: str
    subject: Shown
    text: Shown
    dedup_key: str  # the same key is not sent twice on a channel within ``frequency``
    severity: str = "info"  # critical, high, medium, low, info
    frequency: Frequency = Frequency.DAILY
    items: tuple[Item, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable figures for machines

    @property
    def colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, SEVERITY_COLOURS["info"])

    def plain(self, lang: Lang) -> str:
        """The message as plain text: body, then one paragraph per item with its figures and link."""
        lines = [show(self.text, lang)]
        for item in self.items:
            lines.append("")
            lines.append("• " + show(item.title, lang))
            if item.text is not None:
                lines.append("  " + show(item.text, lang))
            lines.extend(f"  {show(f.label, lang)}{colon(lang)}{show(f.value, lang)}" for f in item.fields)
            if item.link:
                lines.append("  " + item.link)
        return "\n".join(lines)
