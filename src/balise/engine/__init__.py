"""The analytics engine: Ibis expressions over the lake's Parquet files.

DuckDB runs them in-process by default. The backend is chosen here and only here, so a Spark (or other Ibis)
backend can be added without touching the analyses: they receive an ``ibis.Table`` of FOCUS rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from balise.domain.focus import COLUMNS, EXTENSION_COLUMNS, duckdb_type

Backend = Any  # an Ibis backend; kept loose so another engine can be plugged in



def connect(memory_limit: str = "2GB", threads: int | None = None) -> Backend:
    config: dict[str, Any] = {"memory_limit": memory_limit}
    if threads:
        config["threads"] = threads
    con = ibis.duckdb.connect(**config)
    con.raw_sql("SET TimeZone='UTC'")
    con.raw_sql("SET enable_progress_bar_print = false")
    return con


_views = itertools.count()


def focus_table(con: Backend, files: Sequence[Path]) -> ir.Table:
    """The FOCUS rows of the given lake files (an empty table when there are none).

    A plain DuckDB view over ``read_parquet``, typed with the FOCUS schema Balise wrote the files with: Ibis
    need not probe the files for their schema (which reads every file's footer before the query does)."""
    name = f"balise_focus_{next(_views)}"
    if files:
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        body = f"SELECT * FROM read_parquet([{listing}])"
    else:
        cols = ", ".join(f'CAST(NULL AS {duckdb_type(c.name)}) AS "{c.name}"' for c in COLUMNS + EXTENSION_COLUMNS)
        body = f"SELECT {cols} WHERE false"
    con.raw_sql(f"CREATE TEMP VIEW {name} AS {body}")
    return ibis.table(_SCHEMA, name=name)


_IBIS_TYPES = {"VARCHAR": "string", "DOUBLE": "float64", "TIMESTAMP": "timestamp"}
_SCHEMA = ibis.schema({c.name: _IBIS_TYPES[duckdb_type(c.name)] for c in COLUMNS + EXTENSION_COLUMNS})


def rows(con: Backend, expr: ir.Expr) -> list[dict[str, Any]]:
    """Run an expression and return its rows as dicts. Compiles with Ibis and fetches through the backend's
    own cursor: no DataFrame library is loaded, which keeps a CLI command's start-up short."""
    cur = con.con.execute(str(ibis.to_sql(expr, dialect=con.name)))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def tag(t: ir.Table, key: str) -> ir.StringValue:
    """The value of tag ``key`` (key matched case-insensitively), null when the row lacks it."""
    pattern = '"(?i:' + _re_escape(key) + r')"\s*:\s*"((?:[^"\\]|\\.)*)"'
    value = t.Tags.re_extract(pattern, 1)
    return ibis.ifelse(value == "", ibis.null(str), value)


def untagged(t: ir.Table) -> ir.BooleanValue:
    return t.Tags.isnull() | (t.Tags.strip() == "{}") | (t.Tags.strip() == "")


def _re_escape(s: str) -> str:
    return "".join("\\" + c if c in r".^$*+?()[]{}|\\" else c for c in s)


def sql(con: Backend, query: str) -> list[tuple[Any, ...]]:
    """Run raw SQL on the engine (for exports and maintenance, not analyses)."""
    return list(con.raw_sql(query).fetchall())
