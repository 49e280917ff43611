"""Convert one source to FOCUS Parquet files in a staging folder, split by provider / account / period.

Nothing here touches the live lake: the caller swaps staged files in (``balise.services.ingest``). DuckDB
does the reading, converting and writing in one streaming ``COPY``; when it refuses a value, the
row-by-row diagnosis (``balise.connectors.diagnose``) finds the line and column to tell the user.
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from balise.connectors.base import Connector, Header, kv_tags, lit, q
from balise.connectors.diagnose import BadRow, scan
from balise.connectors.dialect import Dialect
from balise.connectors.sources import Source
from balise.connectors.values import NULL_STRINGS, sql_num, sql_ts
from balise.domain.focus import COLUMNS, PROVIDER_KEYS, duckdb_type
from balise.errors import BadSourceError, Problem
from balise.i18n import messages as m

Totals = dict[str, dict[str, float]]  # currency -> {"billed": x, "effective": y, "list": z, "contracted": w}
Progress = Callable[[float], None]
_METRICS = {"billed": "BilledCost", "effective": "EffectiveCost", "list": "ListCost", "contracted": "ContractedCost"}


@dataclass
class AccountPart:
    """The rows of one billing account inside one staged file."""

    rows: int
    totals: Totals


@dataclass
class StagedFile:
    """A Parquet file holding one provider's rows for one billing period (any number of accounts)."""

    provider: str
    period: str  # YYYY-MM
    path: Path
    accounts: dict[str, AccountPart]

    @property
    def rows(self) -> int:
        return sum(a.rows for a in self.accounts.values())


@dataclass(frozen=True)
class KeyPart:
    provider: str
    account: str
    period: str
    rows: int
    totals: Totals


@dataclass
class StagedSource:
    source: Source
    connector: Connector
    files: list[StagedFile]
    rejected: list[BadRow] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def periods(self) -> list[str]:
        return sorted({f.period for f in self.files})

    @property
    def totals(self) -> Totals:
        return merge_totals(a.totals for f in self.files for a in f.accounts.values())

    @property
    def partitions(self) -> list[KeyPart]:
        """Rows and totals per replacement key (provider, billing account, period), whatever the files."""
        acc: dict[tuple[str, str, str], list[AccountPart]] = {}
        for f in self.files:
            for account, part in f.accounts.items():
                acc.setdefault((f.provider, account, f.period), []).append(part)
        return [KeyPart(p, a, m, sum(x.rows for x in parts), merge_totals(x.totals for x in parts))
                for (p, a, m), parts in sorted(acc.items())]

    @property
    def keys(self) -> set[tuple[str, str, str]]:
        """(provider, billing account, period): the unit a later ingest replaces."""
        return {(f.provider, acct, f.period) for f in self.files for acct in f.accounts}

    @property
    def rejected_cost(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for r in self.rejected:
            if r.cost is not None:
                out[r.currency or "?"] = out.get(r.currency or "?", 0.0) + r.cost
        return out


def merge_totals(parts: Iterable[Totals]) -> Totals:
    out: Totals = {}
    for t in parts:
        for cur, metrics in t.items():
            acc = out.setdefault(cur, dict.fromkeys(_METRICS, 0.0))
            for metric, v in metrics.items():
                acc[metric] = acc.get(metric, 0.0) + (v or 0.0)
    return out


def connect(temp_dir: Path, memory_limit: str = "1GB", threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(temp_dir),
                                 "preserve_insertion_order": False,
                                 "enable_external_access": True})
    con.execute("SET TimeZone='UTC'").fetchall()  # FOCUS date-times are UTC; never the machine's zone
    con.execute("SET enable_progress_bar_print = false").fetchall()  # a library never prints
    if threads:
        con.execute(f"SET threads={int(threads)}").fetchall()
    return con


def read_sql(source: Source, *, skip_bad_rows: bool = False) -> str:
    """DuckDB table function call reading the source's raw columns (CSV: all as text)."""
    path = lit(str(source.path))
    if source.kind == "parquet":
        return f"read_parquet({path})"
    comp = "'gzip'" if source.compressed else "'none'"
    if source.kind == "jsonl":
        return f"read_json({path}, format='newline_delimited', compression={comp}, maximum_object_size=67108864)"
    d = source.dialect or Dialect()
    nulls = "[" + ", ".join(lit(n) for n in NULL_STRINGS) + "]"
    return (f"read_csv({path}, header=true, all_varchar=true, delim={lit(d.delimiter)}, quote='\"', "
            f"escape='\"', nullstr={nulls}, compression={comp}, auto_detect=false, "
            f"strict_mode=true, null_padding=false, ignore_errors={'true' if skip_bad_rows else 'false'}, "
            f"max_line_size=16777216, columns={_columns_struct(source)})")


def _columns_struct(source: Source) -> str:
    names = list(source.header)
    seen: dict[str, int] = {}
    for i, n in enumerate(names):  # DuckDB refuses duplicate or empty names: number them as it would
        base = n or f"column{i}"
        seen[base] = seen.get(base, 0) + 1
        names[i] = base if seen[base] == 1 else f"{base}_{seen[base] - 1}"
    return "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"


def describe(con: duckdb.DuckDBPyConnection, source: Source) -> list[tuple[str, str]]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {read_sql(source)}").fetchall()
    except duckdb.Error as e:
        raise BadSourceError(Problem(source.name, m.UNREADABLE(error=_first_line(e)),
                                     m.HINT_COMPLETE_EXPORT())) from None
    return [(r[0], r[1]) for r in rows]


def _provider_sql(connector: Connector, projected_provider: str) -> str:
    if connector.provider:
        return lit(connector.provider)
    cases = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in PROVIDER_KEYS.items())
    low = f"lower(trim({projected_provider}))"
    return (f"CASE {low} {cases} ELSE coalesce(nullif(trim(regexp_replace({low}, '[^a-z0-9]+', '-', 'g'), '-'), "
            f"''), 'unknown') END")


def projection_sql(source: Source, connector: Connector, columns: list[tuple[str, str]], *, tenant: str,
                   ingest_id: str, strict: bool, default_currency: str | None) -> str:
    """The SELECT producing FOCUS rows, with Balise's x_ columns, from the source."""
    header = Header([c for c, _ in columns])
    types = dict(columns)
    d = source.dialect or Dialect()
    missing = [c for c in connector.required_columns if c not in header]
    if missing:
        raise BadSourceError(Problem(
            source.name, m.MISSING_COLUMN(column=missing[0], format=connector.name),
            m.HINT_MISSING_COLUMN(found=", ".join(header.names[:12])), line=1, column=missing[0]))
    replace = []
    for real in connector.present(header, connector.numeric):
        if types[real] == "VARCHAR":
            replace.append(f"{sql_num(q(real), d, strict)} AS {q(real)}")
    for real in connector.present(header, connector.timestamps):
        if types[real] == "VARCHAR":
            replace.append(f"{sql_ts(q(real), d, strict)} AS {q(real)}")
        elif types[real].startswith("TIMESTAMP WITH") or types[real] == "DATE":
            replace.append(f"CAST({q(real)} AS TIMESTAMP) AS {q(real)}")
    # In --skip-bad-rows mode the parses are TRY_ parses; the raw text is kept beside each parsed column
    # (as _raw<i>) to tell a value that failed to parse from an empty one.
    parsed = connector.present(header, connector.numeric + connector.timestamps)
    keep_raw = [] if strict else [f", {q(r)} AS _raw{i}" for i, r in enumerate(parsed)]
    typed = ("SELECT *" + (f" REPLACE ({', '.join(replace)})" if replace else "") + "".join(keep_raw)
             + " FROM raw")

    proj = connector.project(header)
    if proj.get("BillingCurrency", "NULL") == "NULL":
        if not default_currency:
            raise BadSourceError(Problem(source.name, m.NO_CURRENCY(), m.HINT_CURRENCY(), line=1))
        proj["BillingCurrency"] = lit(default_currency.upper())
    elif default_currency:
        proj["BillingCurrency"] = f"coalesce({proj['BillingCurrency']}, {lit(default_currency.upper())})"
    for c in COLUMNS:  # JSON columns read from Parquet or JSON lines may be nested values: make them JSON text
        bare = _bare(proj.get(c.name, ""))
        if c.type == "json" and bare is not None and types.get(bare, "VARCHAR") != "VARCHAR":
            proj[c.name] = _json_text(proj[c.name], types[bare])
    select = [f"CAST(({proj.get(c.name, 'NULL')}) AS {duckdb_type(c.name)}) AS {q(c.name)}" for c in COLUMNS]
    valid = ""
    if not strict:
        conds = [f"{q(r)} IS NOT NULL" for r in connector.present(header, connector.required_values)]
        if connector.period:
            s, e = (header.get(n) for n in connector.period)
            if s and e:
                conds.append(f"NOT coalesce({q(e)} < {q(s)}, false)")
        conds += [f"({q(r)} IS NOT NULL OR _raw{i} IS NULL)" for i, r in enumerate(parsed)]
        valid = " AND ".join(conds)
    provider = _provider_sql(connector, q("ProviderName"))
    where = f" WHERE {valid}" if valid else ""
    return (
        f"WITH raw AS (SELECT * FROM {read_sql(source, skip_bad_rows=not strict)}), "
        f"src AS ({typed}), "
        f"focus AS (SELECT {', '.join(select)} FROM src{where}), "
        f"tagged AS (SELECT *, {lit(tenant)} AS x_Tenant, {lit(source.name)} AS x_SourceFile, "
        f"{lit(connector.name)} AS x_SourceFormat, {lit(ingest_id)} AS x_IngestId, {provider} AS x_Provider "
        f"FROM focus) "
        f"SELECT * FROM tagged"
        + ("" if strict else " WHERE BilledCost IS NOT NULL AND BillingCurrency IS NOT NULL "
           "AND ChargePeriodStart IS NOT NULL AND BillingPeriodStart IS NOT NULL")
    )


def _json_text(expr: str, type_: str) -> str:
    """SQL turning a nested value into FOCUS JSON-object text: a list of key/value records or a MAP becomes an
    object (as BigQuery and Parquet exports write tags); any other STRUCT or LIST becomes its JSON."""
    t = type_.upper()
    if t.startswith("MAP("):
        return kv_tags(f"map_entries({expr})")
    if t.startswith("STRUCT(") and t.endswith("[]") and re.search(r'[(,]\s*"?KEY"? ', t) \
            and re.search(r'[(,]\s*"?VALUE"? ', t):
        return kv_tags(f"list_transform({expr}, lambda t: {{'key': CAST(t.key AS VARCHAR), "
                       f"'value': CAST(t.value AS VARCHAR)}})")
    return f"CAST(to_json({expr}) AS VARCHAR)"


def stage(con: duckdb.DuckDBPyConnection, source: Source, connector: Connector, staging: Path, *, tenant: str,
          ingest_id: str, skip_bad_rows: bool = False, default_currency: str | None = None,
          reject_file: Path | None = None, on_progress: Progress | None = None) -> StagedSource:
    columns = describe(con, source)
    header = [c for c, _ in columns]
    sql = projection_sql(source, connector, columns, tenant=tenant, ingest_id=ingest_id,
                         strict=not skip_bad_rows, default_currency=default_currency)
    staging.mkdir(parents=True, exist_ok=True)
    whole = staging / "all.parquet"
    # One plain COPY: DuckDB's PARTITION_BY writer is several times slower (docs/benchmarks.md), so a source is
    # split by (provider, period) afterwards, and only when it spans several (monthly exports do not).
    copy = f"COPY ({sql}) TO {lit(str(whole))} (FORMAT parquet, COMPRESSION zstd)"
    try:
        _run_with_progress(con, copy, on_progress)
    except duckdb.Error as e:
        _explain(source, connector, header, e, default_currency)
    pairs, bad = con.execute(
        f"SELECT count(DISTINCT (x_Provider, {_PERIOD})), count(*) FILTER (WHERE {_VIOLATION}) "
        f"FROM read_parquet({lit(str(whole))})").fetchall()[0]
    if bad and not skip_bad_rows:
        _explain(source, connector, header, None, default_currency)
    paths = [whole] if pairs <= 1 else _split(con, whole, staging / "split")
    staged = StagedSource(source, connector, _describe_files(con, paths))
    if skip_bad_rows:
        staged.rejected = _scan(source, connector, header, default_currency=default_currency)
        if reject_file is not None and staged.rejected:
            write_rejects(reject_file, header, staged.rejected)
    return staged


def _scan(source: Source, connector: Connector, header: list[str], limit: int | None = None,
          default_currency: str | None = None) -> list[BadRow]:
    if source.kind == "parquet":
        return []  # typed columns: values cannot be malformed text
    proj = connector.project(Header(header))
    cost = _bare(proj.get("BilledCost", ""))
    cur = _bare(proj.get("BillingCurrency", ""))
    found = list(scan(source, connector, header, cost_col=cost, currency_col=cur, limit=limit))
    for r in found:
        r.currency = r.currency or (default_currency.upper() if default_currency else None)
    return found


def _bare(expr: str) -> str | None:
    """The column name when a projection is a plain column reference."""
    if expr.startswith('"') and expr.endswith('"') and expr.count('"') == 2:
        return expr[1:-1]
    return None


def _explain(source: Source, connector: Connector, header: list[str], error: duckdb.Error | None,
             default_currency: str | None) -> None:
    found = _scan(source, connector, header, limit=1000, default_currency=default_currency)
    if found:
        raise BadSourceError(found[0].problem, more=len(found) - 1)
    detail = _first_line(error) if error else m.MISSING_OR_REVERSED()
    raise BadSourceError(Problem(source.name, m.CONVERSION_FAILED(error=detail), m.HINT_SKIP())) from None


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0][:300]


def _run_with_progress(con: duckdb.DuckDBPyConnection, sql: str, on_progress: Progress | None) -> None:
    if on_progress is None:
        con.execute(sql).fetchall()
        return
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            try:
                pct = con.query_progress()
            except duckdb.Error:
                continue
            if pct >= 0:
                on_progress(min(pct / 100.0, 1.0))

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    try:
        con.execute(sql).fetchall()
    finally:
        done.set()
        t.join()
    on_progress(1.0)


_PERIOD = "strftime(BillingPeriodStart, '%Y-%m')"
_VIOLATION = ("BilledCost IS NULL OR BillingCurrency IS NULL OR ChargePeriodStart IS NULL "
              "OR BillingPeriodStart IS NULL OR ChargePeriodEnd < ChargePeriodStart")
ACCOUNT = "coalesce(BillingAccountId, '')"  # the account part of the replacement key


def _split(con: duckdb.DuckDBPyConnection, whole: Path, target: Path) -> list[Path]:
    """Split a staged file spanning several (provider, period) pairs into one folder per pair."""
    con.execute(
        f"COPY (SELECT *, x_Provider AS _p, {_PERIOD} AS _m FROM read_parquet({lit(str(whole))})) "
        f"TO {lit(str(target))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (_p, _m), "
        "FILENAME_PATTERN 'data_{i}')").fetchall()
    whole.unlink()
    return sorted(target.glob("_p=*/_m=*/*.parquet"))


def _describe_files(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> list[StagedFile]:
    """Each file's provider, period, and rows and totals per billing account and currency (one pass)."""
    listing = "[" + ", ".join(lit(str(p)) for p in paths) + "]"
    sums = ", ".join(f"sum({c})" for c in _METRICS.values())
    rows = con.execute(
        f"SELECT filename, x_Provider, {_PERIOD}, {ACCOUNT}, BillingCurrency, count(*), {sums} "
        f"FROM read_parquet({listing}, filename=true) GROUP BY ALL ORDER BY ALL").fetchall()
    files: dict[tuple[str, str, str], StagedFile] = {}
    for name, provider, period, account, cur, n, *totals in rows:
        f = files.setdefault((name, provider, period), StagedFile(provider, period, Path(name), {}))
        part = f.accounts.setdefault(account, AccountPart(0, {}))
        part.rows += n
        part.totals[cur] = {k: float(v or 0.0) for k, v in zip(_METRICS, totals, strict=True)}
    return list(files.values())


def write_rejects(path: Path, header: list[str], rejected: list[BadRow]) -> None:
    """The rows set aside, with line, column and reason first, then the row as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["x_Line", "x_Column", "x_Reason", *header])
        for r in rejected:
            p = r.problem
            w.writerow([p.line, p.column or "", f"{p.problem}" + (str(m.VALUE(value=p.value)) if p.value else ""),
                        *r.fields])
