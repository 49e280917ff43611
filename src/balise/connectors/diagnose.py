"""Row-by-row checking of a source, to say exactly which line and column is wrong.

The fast path (DuckDB) tells that something is wrong; this module tells where, and in ``--skip-bad-rows``
mode lists every rejected row with its reason. It applies the connector's declaration: numeric and date-time
columns must parse in the file's dialect, required values must be present, a period must not end before it
starts, and every line must have as many fields as the header.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from balise.connectors.base import Connector, Header
from balise.connectors.sources import Source
from balise.connectors.values import NULL_STRINGS, py_num, py_ts
from balise.errors import Problem
from balise.i18n import Text
from balise.i18n import messages as m

csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class BadRow:
    problem: Problem
    fields: list[str] = field(default_factory=list)
    cost: float | None = None  # the row's billed cost when it could be read
    currency: str | None = None


@dataclass(frozen=True)
class _Plan:
    numeric: dict[int, str]
    timestamps: dict[int, str]
    required: dict[int, str]
    period: tuple[int, int] | None
    cost: int | None
    currency: int | None


def _plan(connector: Connector, header: list[str], cost_col: str | None, currency_col: str | None) -> _Plan:
    h = Header(header)
    index = {name: i for i, name in enumerate(header)}

    def where(names: tuple[str, ...]) -> dict[int, str]:
        return {index[r]: r for r in (h.get(n) for n in names) if r is not None}

    period = None
    if connector.period:
        s, e = (h.get(n) for n in connector.period)
        if s is not None and e is not None:
            period = (index[s], index[e])
    cost_real = h.get(cost_col) if cost_col else None
    cur_real = h.get(currency_col) if currency_col else None
    return _Plan(where(connector.numeric), where(connector.timestamps), where(connector.required_values), period,
                 index[cost_real] if cost_real else None, index[cur_real] if cur_real else None)


def scan(source: Source, connector: Connector, header: list[str], *, cost_col: str | None = None,
         currency_col: str | None = None, limit: int | None = None) -> Iterator[BadRow]:
    """Yield the bad rows of a source, in file order (at most ``limit``)."""
    plan = _plan(connector, header, cost_col, currency_col)
    n = 0
    rows = _rows_csv(source) if source.kind == "csv" else _rows_json(source)
    for line, fields in rows:
        bad = _check(source, plan, header, line, fields)
        if bad is not None:
            yield bad
            n += 1
            if limit is not None and n >= limit:
                return


def _open_binary(source: Source) -> BinaryIO:
    return gzip.open(source.path, "rb") if source.compressed else source.path.open("rb")  # type: ignore[return-value]


def _rows_csv(source: Source) -> Iterator[tuple[int, list[str]]]:
    assert source.dialect is not None
    with _open_binary(source) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace",
                                                       newline="") as text:
        reader = csv.reader(text, delimiter=source.dialect.delimiter, strict=True)
        try:
            next(reader)  # header
            start = reader.line_num + 1
            for fields in reader:
                if fields:  # DuckDB skips blank lines too
                    yield start, fields
                start = reader.line_num + 1
        except csv.Error as e:
            yield start, ["\0csv", str(e)]


def _rows_json(source: Source) -> Iterator[tuple[int, list[str]]]:
    with _open_binary(source) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace") as text:
        for i, line in enumerate(text, start=1):
            if line.strip():
                try:
                    json.loads(line)
                except ValueError as e:
                    yield i, ["\0json", str(e)]


def _check(source: Source, plan: _Plan, header: list[str], line: int, fields: list[str]) -> BadRow | None:
    name = source.name
    if fields and fields[0] == "\0csv":
        return BadRow(Problem(name, m.CSV_BROKEN(error=fields[1]), m.HINT_CSV_BROKEN(), line=line), fields[2:])
    if fields and fields[0] == "\0json":
        return BadRow(Problem(name, m.JSON_BROKEN(error=fields[1]), m.HINT_FIX_LINE(), line=line), [])
    if len(fields) != len(header):
        return BadRow(Problem(name, m.FIELD_COUNT(n=len(fields), expected=len(header)), m.HINT_FIELD_COUNT(),
                              line=line), fields)
    d = source.dialect
    assert d is not None

    def value(i: int) -> str | None:
        v = fields[i]
        return None if v in NULL_STRINGS else v

    cost = currency = None
    if plan.cost is not None and (raw := value(plan.cost)) is not None:
        try:
            cost = py_num(raw, d)
        except ValueError:
            cost = None
    if plan.currency is not None:
        currency = value(plan.currency)

    def bad(i: int, problem: Text, hint: Text, v: str | None) -> BadRow:
        return BadRow(Problem(name, problem, hint, line=line, column=header[i], column_number=i + 1, value=v),
                      fields, cost, currency)

    for i, col in plan.required.items():
        if value(i) is None:
            return bad(i, m.REQUIRED_EMPTY(column=col), m.HINT_FILL(), None)
    for i in plan.numeric:
        v = value(i)
        if v is not None:
            try:
                py_num(v, d)
            except ValueError:
                hint = m.HINT_NUMBER_COMMA() if d.decimal == "," else m.HINT_NUMBER_POINT()
                return bad(i, m.NOT_A_NUMBER(), hint, v)
    parsed: dict[int, object] = {}
    for i in plan.timestamps:
        v = value(i)
        if v is not None:
            try:
                parsed[i] = py_ts(v, d)
            except ValueError:
                return bad(i, m.NOT_A_DATE(), m.HINT_DATE(), v)
    if plan.period is not None:
        s, e = plan.period
        start, end = parsed.get(s), parsed.get(e)
        if start is not None and end is not None and end < start:  # type: ignore[operator]
            return bad(e, m.PERIOD_REVERSED(start_column=header[s], start=fields[s]), m.HINT_PERIOD(), fields[e])
    return None
