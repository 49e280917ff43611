"""The cockpit's languages: gettext catalogs (Babel .po files under ``locale/``, compiled when first used),
the language of a request, and money, numbers and dates per locale."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages import mofile, pofile
from babel.support import NullTranslations, Translations

from balise.i18n import Lang, money, money_ratio, number, percent, ratio

LOCALE_DIR = Path(__file__).with_name("locale")
LANGS: tuple[Lang, ...] = ("en", "fr")
_BABEL = {"en": "en_GB", "fr": "fr_FR"}


def N_(text: str) -> str:
    """Marks a string for extraction, translated later (where the language is known)."""
    return text


@cache
def translations(lang: Lang) -> NullTranslations:
    """The catalog of ``lang``, compiled from its .po file in memory (no build step, nothing to forget)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = pofile.read_po(f, locale=_BABEL[lang])
    buf = io.BytesIO()
    mofile.write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def negotiate(accept_language: str | None) -> Lang:
    """French or English from an Accept-Language header, by quality; English when neither is asked for."""
    best: tuple[float, Lang] | None = None
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGS and q > 0 and (best is None or q > best[0]):
            best = (q - i * 1e-6, code)  # type: ignore[assignment]
    return best[1] if best else "en"


# The pages show the same cached figures again and again: formatting them with Babel (tens of microseconds
# each, hundreds per page) was a third of a page's time. Same output, computed once per value.
_money = lru_cache(maxsize=65536)(money)
_number = lru_cache(maxsize=65536)(number)
_percent = lru_cache(maxsize=16384)(percent)
_date = lru_cache(maxsize=16384)(format_date)
_datetime = lru_cache(maxsize=16384)(format_datetime)


class Formatter:
    """What templates call to show figures in the reader's language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.gettext: Callable[[str], str] = translations(lang).gettext

    def money(self, amount: float | None, currency: str = "EUR") -> str:
        return "—" if amount is None else _money(amount, currency, self.lang)

    def number(self, value: float | None, digits: int = 0) -> str:
        return "—" if value is None else _number(value, self.lang, digits)

    def percent(self, value: float | None, digits: int = 1) -> str:
        return "—" if value is None else _percent(value, self.lang, digits)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return "—"
        return _date(value, format="medium", locale=_BABEL[self.lang])  # type: ignore[no-any-return]

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return _datetime(value, format="medium", locale=_BABEL[self.lang]) + " UTC"  # type: ignore[no-any-return]

    def month(self, ym: str | None) -> str:
        if not ym:
            return "—"
        return _date(date(int(ym[:4]), int(ym[5:7]), 1), format="MMM y", locale=_BABEL[self.lang])  # type: ignore[no-any-return]

    def short_month(self, ym: str) -> str:
        return _date(date(int(ym[:4]), int(ym[5:7]), 1), format="MMM", locale=_BABEL[self.lang])  # type: ignore[no-any-return]

    def short_months(self, points: list[object]) -> list[str]:
        return [self.short_month(str(getattr(p, "month", p))) for p in points]

    def kpi_value(self, value: float | None, unit: str) -> str:
        if value is None:
            return "—"
        if unit == "%":
            return self.number(value, 1) + "\u00a0%"
        if unit == "EUR":
            return self.money(value)
        if unit.startswith("EUR/"):
            return money_ratio(value, "EUR", self.lang) + "/" + unit[4:]
        if unit == "count":
            return self.number(value)
        return f"{ratio(value, self.lang, 1)} {unit}"
