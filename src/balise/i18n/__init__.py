"""French and English for everything a person reads.

A message is a ``Msg`` holding both languages with the same ``{placeholders}``; calling it with values gives a
``Text`` that renders in the current language (``use_language``), or in any language on demand. Messages live
in ``balise.i18n.messages``; a test checks that every message has both languages and the same placeholders.
Money and dates are formatted per locale with Babel (``1 234,56 €`` in French).
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["en", "fr"]
LANGS: tuple[Lang, ...] = ("en", "fr")
_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("balise_lang", default="en")


@dataclass(frozen=True, slots=True)
class Msg:
    en: str
    fr: str

    def __call__(self, **args: Any) -> Text:
        return Text(self, args)

    def render(self, lang: Lang | None = None, **args: Any) -> str:
        return Text(self, args).render(lang)


@dataclass(frozen=True, slots=True)
class Text:
    msg: Msg
    args: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang | None = None) -> str:
        lang = lang or _current.get()
        args = {k: (v.render(lang) if isinstance(v, Text) else v) for k, v in self.args.items()}
        return getattr(self.msg, lang).format(**args)

    def __str__(self) -> str:
        return self.render()


def use_language(lang: Lang) -> None:
    _current.set(lang)


def current_language() -> Lang:
    return _current.get()


def language_from_env() -> Lang:
    """BALISE_LANG, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG): French if it starts with fr."""
    for var in ("BALISE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var, "")
        if v:
            return "fr" if v.lower().startswith("fr") else "en"
    return "en"


_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def money(amount: float, currency: str, lang: Lang | None = None) -> str:
    from babel.numbers import format_currency

    lang = lang or _current.get()
    if not currency or len(currency) != 3:
        return f"{amount:,.2f} {currency or '?'}"
    return format_currency(amount, currency.upper(), locale=_LOCALES[lang])


def number(value: float, lang: Lang | None = None, digits: int = 0) -> str:
    from babel.numbers import format_decimal

    lang = lang or _current.get()
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=_LOCALES[lang])


def _significant(value: float, digits: int) -> int:
    """Decimals that keep two significant figures of a small ratio (0.000632 -> 6), at least ``digits``."""
    import math

    a = abs(value)
    if a == 0 or a >= 1:
        return digits
    return max(digits, min(10, 1 - math.floor(math.log10(a))))


def ratio(value: float, lang: Lang | None = None, digits: int = 1) -> str:
    """A per-unit figure (kgCO2e per request): ``digits`` decimals, more when needed to show two significant
    figures (0.0000072, not 0.0)."""
    return number(value, lang, _significant(value, digits))


def money_ratio(amount: float, currency: str, lang: Lang | None = None) -> str:
    """Money per unit (€ per request): like :func:`money`, with two significant figures below one cent."""
    from babel.numbers import format_currency

    if abs(amount) >= 0.01 or amount == 0 or not currency or len(currency) != 3:
        return money(amount, currency, lang)
    lang = lang or _current.get()
    return format_currency(round(amount, _significant(amount, 2)), currency.upper(), locale=_LOCALES[lang],
                           decimal_quantization=False)


def percent(value: float, lang: Lang | None = None, digits: int = 1) -> str:
    from babel.numbers import format_percent

    lang = lang or _current.get()
    sign = "\u00a0%" if lang == "fr" else "%"
    return format_percent(value, format="#,##0." + "0" * digits + sign, locale=_LOCALES[lang])
