"""Parsing numbers and date-times from text, once in SQL (the fast path) and once in Python (the diagnosis).

Both halves must agree on what is valid: ``tests/connectors/test_values.py`` checks them against each other.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from balise.connectors.dialect import Dialect

_SPACES = ("\u00a0", "\u202f", " ")
NULL_STRINGS = ("", "NULL", "null")


def _slash_formats(d: Dialect) -> list[str]:
    md = "%m/%d" if d.date_order == "MDY" else "%d/%m"
    return [f"{md}/%Y %H:%M:%S", f"{md}/%Y %H:%M", f"{md}/%Y", f"{md}/%y %H:%M:%S", f"{md}/%y %H:%M", f"{md}/%y"]


def sql_num(expr: str, d: Dialect, strict: bool) -> str:
    cast = "CAST" if strict else "TRY_CAST"
    e = f"trim({expr})"
    if d.thousands:
        e = f"replace({e}, '{d.thousands}', '')"
        if d.thousands in _SPACES:
            for s in _SPACES:
                if s != d.thousands:
                    e = f"replace({e}, '{s}', '')"
    if d.decimal == ",":
        e = f"replace({e}, ',', '.')"
    return f"{cast}({e} AS DOUBLE)"


def sql_ts(expr: str, d: Dialect, strict: bool) -> str:
    iso = (f"CAST(CAST({expr} AS TIMESTAMPTZ) AS TIMESTAMP)" if strict
           else f"CAST(TRY_CAST({expr} AS TIMESTAMPTZ) AS TIMESTAMP)")
    if not d.slash_dates:
        return iso
    fmts = "[" + ", ".join(f"'{f}'" for f in _slash_formats(d)) + "]"
    return f"coalesce(try_strptime(trim({expr}), {fmts}), {iso})"


def py_num(value: str, d: Dialect) -> float:
    """Raises ValueError when the text is not a number in this dialect."""
    v = value.strip()
    if d.thousands:
        v = v.replace(d.thousands, "")
        if d.thousands in _SPACES:
            for s in _SPACES:
                v = v.replace(s, "")
    if d.decimal == ",":
        v = v.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?(inf|infinity|nan)", v, re.IGNORECASE):
        raise ValueError(value)
    return float(v)


def py_ts(value: str, d: Dialect) -> datetime:
    """Raises ValueError when the text is not a date or date-time in this dialect."""
    v = value.strip()
    if d.slash_dates:
        for fmt in _slash_formats(d):
            try:
                return datetime.strptime(v, fmt)
            except ValueError:
                pass
    parsed = datetime.fromisoformat(v)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
