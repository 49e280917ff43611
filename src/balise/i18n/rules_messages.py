"""Messages of the rules engine and findings (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

UNKNOWN_RULE = Msg("unknown rule {key!r}; known rules: {known}", "règle inconnue {key!r} ; règles connues : {known}")
