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


def _removed(d: Dialect) -> list[str]:
    """What a number loses before parsing: the thousands separator; every kind of space when spaces group
    digits or the decimal mark is a comma (nothing else puts a space inside a French number, and the sniffer
    sees only the first rows); and the euro sign of cells saved as displayed (``1 234,56 €``)."""
    out = [d.thousands] if d.thousands else []
    if d.decimal == "," or d.thousands in _SPACES:
        out += [s for s in _SPACES if s not in out]
    return [*out, "€"]


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_num(expr: str, d: Dialect, strict: bool) -> str:
    cast = "CAST" if strict else "TRY_CAST"
    e = f"trim({expr})"
    for ch in _removed(d):
        e = f"replace({e}, {_sql_str(ch)}, '')"
    if d.decimal == ",":
        e = f"replace({e}, ',', '.')"
    return f"{cast}(trim({e}) AS DOUBLE)"


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
    for ch in _removed(d):
        v = v.replace(ch, "")
    v = v.strip()
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
    if v.endswith((" UTC", " utc")):  # BigQuery writes timestamps as "2026-03-02 00:00:00 UTC"
        v = v[:-4] + "+00:00"
    parsed = datetime.fromisoformat(v)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
