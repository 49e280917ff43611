"""The connector contract: how a native billing format becomes FOCUS rows.

A connector is declarative. It says
- how to recognise its format from a file's header (``detect``),
- which source columns hold numbers and date-times, which must have a value on every row, and which pair is a
  period (start, end) — one declaration that both the fast DuckDB path and the row-by-row diagnosis use,
- and, for each FOCUS column, a DuckDB SQL expression over the source columns (``project``).

The ingest pipeline (``balise.lake.stage``) reads the file with DuckDB, turns the declared numeric and
date-time columns into DOUBLE and TIMESTAMP (honouring the file's dialect: decimal comma, thousands separator,
day/month order), evaluates the projection and writes Parquet. A connector never reads files itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


def q(name: str) -> str:
    """Quote a source column name for DuckDB SQL."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str | None) -> str:
    """A SQL string literal (or NULL)."""
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"


class Header:
    """A file's column names, looked up case-insensitively (providers change case between schema versions)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self._lower: dict[str, str] = {}
        for n in self.names:
            self._lower.setdefault(n.strip().lower(), n)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lower

    def get(self, name: str) -> str | None:
        """The real name of a column, or None when absent."""
        return self._lower.get(name.lower())

    def col(self, *candidates: str) -> str:
        """SQL for the first present candidate column, or NULL when none is present."""
        for c in candidates:
            real = self.get(c)
            if real is not None:
                return q(real)
        return "NULL"

    def has_all(self, names: Iterable[str]) -> bool:
        return all(n in self for n in names)

    def has_any(self, names: Iterable[str]) -> bool:
        return any(n in self for n in names)

    def starting_with(self, prefix: str) -> list[str]:
        p = prefix.lower()
        return [n for n in self.names if n.lower().startswith(p)]


Projection = dict[str, str]  # FOCUS column -> SQL expression over the typed source relation


@dataclass(frozen=True)
class Connector:
    name: str  # what users type after --format, e.g. "aws-cur"
    label: str  # human description
    provider: str | None  # normalised provider key (balise.domain.focus.PROVIDER_KEYS), None = from the rows
    detect: Callable[[Header], bool]
    project: Callable[[Header], Projection]
    numeric: tuple[str, ...] = ()  # source columns holding numbers (absent ones are ignored)
    timestamps: tuple[str, ...] = ()  # source columns holding dates or date-times
    required_columns: tuple[str, ...] = ()  # a file without one of these is refused (case-insensitive)
    required_values: tuple[str, ...] = ()  # source columns that must be non-empty on every row
    period: tuple[str, str] | None = None  # (start, end) source columns: end must not precede start
    specificity: int = 0  # higher wins when several connectors detect the same header
    verified: str = "documentation"  # "real export" when tested on a real provider file
    reference: str = ""  # where the column meanings come from
    cost_columns: dict[str, str] = field(default_factory=dict)  # FOCUS cost column -> native column, for docs

    def present(self, header: Header, names: Iterable[str]) -> list[str]:
        """Real names of the given columns that the header has."""
        return [r for r in (header.get(n) for n in names) if r is not None]


def tags_expr(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL building a FOCUS Tags JSON object from (key, SQL value) pairs; empty values are left out, and a
    row with no tag gets NULL."""
    if not pairs:
        return "NULL"
    items = ", ".join(f"{{'k': {lit(k)}, 'v': CAST({v} AS VARCHAR)}}" for k, v in pairs)
    entries = f"list_filter([{items}], lambda e: e.v IS NOT NULL AND e.v <> '')"
    return (f"CASE WHEN len({entries}) = 0 THEN NULL "
            f"ELSE CAST(to_json(map_from_entries(list_transform({entries}, lambda e: {{'key': e.k, 'value': e.v}})))"
            f" AS VARCHAR) END")


def month_start(expr: str) -> str:
    """SQL: first instant of the month of a TIMESTAMP expression."""
    return f"date_trunc('month', {expr})"


def next_month(expr: str) -> str:
    return f"(date_trunc('month', {expr}) + INTERVAL 1 MONTH)"


def categories(spec: str) -> dict[str, str]:
    """``Category: name|name|…`` lines (a line starting with two spaces continues the previous one) as a
    dict name -> category."""
    out: dict[str, str] = {}
    for line in spec.strip().replace("\n  ", "").splitlines():
        category, _, names = line.partition(":")
        out.update(dict.fromkeys((n.strip() for n in names.split("|") if n.strip()), category.strip()))
    return out


def case_map(expr: str, mapping: dict[str, str], default: str) -> str:
    """SQL CASE mapping the values of ``expr`` through ``mapping`` (else the SQL ``default``)."""
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in mapping.items())
    return f"CASE {expr} {whens} ELSE {default} END"


def kv_tags(entries: str) -> str:
    """SQL: FOCUS ``Tags`` (a JSON object) from a LIST of STRUCT(key, value): empty keys and values are left
    out, the first of two entries with the same key wins, and a row with no tag gets NULL. Keys and values
    are kept as written."""
    kept = f"list_filter({entries}, lambda t: coalesce(t.key, '') <> '' AND coalesce(t.value, '') <> '')"
    first = "list_filter(kept, lambda t, i: list_position(list_transform(kept, lambda u: u.key), t.key) = i)"
    # [x] + list_transform evaluates the entries once per row, not once per use
    return (f"list_transform([{kept}], lambda kept: CASE WHEN coalesce(len(kept), 0) = 0 THEN NULL "
            f"ELSE CAST(to_json(map_from_entries({first})) AS VARCHAR) END)[1]")
