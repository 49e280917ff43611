"""Deterministic generator of the demo company's bills, as FOCUS 1.2 files (one per provider).

Everything per row happens in DuckDB (see ``balise.demo.sql``): no Python loop per row, no join and no
sort on the large side, so the output streams to disk in insertion order with bounded memory and is
byte-identical for the same arguments whatever the number of threads. The monthly rows (commitment
purchases, unused commitment, credits, taxes) are computed from an aggregate of the usage
(``balise.demo.extras``) and appended at the end of each file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from balise.demo import sql
from balise.demo.catalog import COMMITMENTS, CREDITS, ITEMS, KINDS, PROVIDERS, REGIONS, SUB_ACCOUNTS, Item
from balise.demo.extras import PRICE_COLUMNS, extra_rows
from balise.domain.focus import COLUMNS

Fmt = Literal["csv", "parquet"]
FOCUS_COLUMNS = tuple(col for col in COLUMNS if col.since <= "1.2")
ANOMALY_MONTH = 8  # month index (0-based) of the Azure GPU spike: the 9th month
ANOMALY_DAYS = (13, 14, 15, 16)  # days of that month
RI_BREAK_MONTHS = (4, 5)  # month indices where the reserved batch workers run 8 h/day: reserved hours unused
MEMORY_LIMIT = "1GB"
BATCH_ROWS = 16_384
_TOKENS = ("{name}", "{hex}", "{HEX}", "{uuid}")


@dataclass(frozen=True, slots=True)
class Plan:
    start: date
    days: int
    month_starts: tuple[date, ...]  # months + 1 entries
    anomaly: tuple[int, ...]  # day indices of the spike
    ri_break: tuple[int, ...]  # month indices
    extras: int  # monthly rows, all providers
    n_res: int  # resources generated
    partial: int  # rows of the last resource when it starts late (0: it runs the whole period)
    replicas: int  # copies of the fleet (the last one possibly partial)
    scale: float  # fleet size relative to the natural demo; scales credits


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _plan(rows: int | None, first_month: str, months: int) -> Plan:
    try:
        start = datetime.strptime(first_month, "%Y-%m").date()
    except (TypeError, ValueError):
        raise ValueError(f"first_month must look like '2025-11', not {first_month!r}") from None
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int)):
        raise ValueError(f"rows must be a whole number or None, not {rows!r}")
    if not 1 <= months <= 120:
        raise ValueError(f"months must be between 1 and 120, not {months}")
    starts = tuple(_add_months(start, k) for k in range(months + 1))
    days = (starts[-1] - start).days
    am = min(ANOMALY_MONTH, months - 1)
    anomaly = tuple((starts[am] - start).days + x - 1 for x in ANOMALY_DAYS)
    ri_break = tuple(m for m in RI_BREAK_MONTHS if m < months) or (months - 1,)
    extras = sum(len([x for x in COMMITMENTS.values() if SUB_ACCOUNTS[x.account][0] == key]) * months
                 + len([x for x in CREDITS if x[0] == key and x[2] < months]) + (months if p.vat else 0)
                 for key, p in PROVIDERS.items())
    extras += sum((starts[m + 1] - starts[m]).days for m in ri_break) * sum(
        1 for x in COMMITMENTS.values() if x.category == "Usage")  # one Unused row a day in break months
    n_items = sum(it.count for it in ITEMS)
    if rows is None:
        return Plan(start, days, starts, anomaly, ri_break, extras, n_items, 0, 1, 1.0)
    minimum = sum(1 for it in ITEMS if it.planted) * days + extras
    if rows < minimum:
        raise ValueError(f"rows must be at least {minimum} for {months} months (the planted scenarios), "
                         f"not {rows}")
    full, partial = divmod(rows - extras, days)
    n_res = full + (1 if partial else 0)
    return Plan(start, days, starts, anomaly, ri_break, extras, n_res, partial, -(-n_res // n_items),
                (rows - extras) / (n_items * days))


def natural_rows(first_month: str = "2025-11", months: int = 12) -> int:
    """Rows written when ``rows`` is None: every resource every day, plus the monthly rows."""
    plan = _plan(None, first_month, months)
    return plan.n_res * plan.days + plan.extras


def minimum_rows(first_month: str = "2025-11", months: int = 12) -> int:
    """The smallest ``rows`` accepted: the planted scenarios over the whole period, plus the monthly rows."""
    plan = _plan(None, first_month, months)
    return sum(1 for it in ITEMS if it.planted) * plan.days + plan.extras


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _sku(item: Item, provider: str) -> tuple[str, str]:
    h = _md5(f"{provider}:{item.kind}:{item.sku}:{item.region}")
    if provider == "aws":
        return h[:16].upper(), f"{h[:16].upper()}.JRTCKXETXF.6YS6EN2CT7"
    if provider == "azure":
        meter = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        return meter, f"{meter}_{h[24:28].upper()}"
    return item.sku, f"{item.sku}:{item.region}:{KINDS[item.kind].punit}"


def _templates() -> pa.Table:
    rows: list[dict[str, Any]] = []
    for order, it in enumerate(ITEMS):
        kind = KINDS[it.kind]
        provider, sub_id, sub_name = SUB_ACCOUNTS[it.account]
        prov = PROVIDERS[provider]
        cd = COMMITMENTS[it.commit] if it.commit else None
        sku_id, sku_price_id = _sku(it, provider)
        rid = kind.rid.format(region=it.region, acct=sub_id, sub=sub_id, az=it.az,
                              rg="rg-" + sub_name.removeprefix("anum-"),
                              name="{name}", hex="{hex}", HEX="{HEX}", uuid="{uuid}")
        token = next((tok for tok in _TOKENS if rid.endswith(tok)), "")
        if kind.rtype and not token:
            raise AssertionError(f"the ResourceId template of {it.kind} must end with one of {_TOKENS}")
        rows.append({
            "ord": order, "key": it.key, "provider": provider, "sub_id": sub_id, "sub_name": sub_name,
            "service": kind.service, "category": kind.category, "subcategory": kind.subcategory,
            "rtype": kind.rtype, "name": it.name, "rid_prefix": rid.removesuffix(token),
            "rid_token": token[1:-1], "sku_id": sku_id, "sku_price_id": sku_price_id, "meter": kind.meter,
            "region_id": it.region, "region_name": REGIONS.get(it.region or ""), "az": it.az,
            "cunit": kind.cunit, "punit": kind.punit, "pqf": kind.pq_factor, "lp": it.price,
            "cp": round(it.price * prov.contracted, 10), "qty": it.qty, "pattern": it.pattern, "tags": it.tags,
            "count": it.count, "planted": it.planted, "cd_id": cd.id if cd else None,
            "cd_name": cd.name if cd else None, "cd_type": cd.type if cd else None,
            "cd_cat": cd.category if cd else None, "cd_rate": cd.rate if cd else None,
            "cd_unit": (prov.currency if cd.category == "Spend" else "Hours") if cd else None,
            "descr": it.desc or f"{it.sku} {kind.meter.lower()} ({it.region or 'global'})",
        })
    return pa.Table.from_pylist(rows)


def _row_numbers(n: int) -> pa.Table:
    """0..n-1 as a uint32 column ``i`` in batches of BATCH_ROWS rows (a loop over batches, not rows)."""
    base = pc.cast(pc.subtract(pc.cumulative_sum(pa.repeat(1, BATCH_ROWS)), 1), pa.uint32())
    return pa.Table.from_batches(
        [pa.record_batch([pc.add(base.slice(0, min(BATCH_ROWS, n - start)), pa.scalar(start, pa.uint32()))],
                         names=["i"]) for start in range(0, n, BATCH_ROWS)],
        schema=pa.schema([("i", pa.uint32())]))


def _invoice_ids(provider: str, plan: Plan) -> list[str]:
    prefix = PROVIDERS[provider].invoice_prefix
    return [f"{prefix}{m:%Y%m}{int(_md5(provider + str(m))[:8], 16) % 10**6:06d}" for m in plan.month_starts[:-1]]


def _layout(con: duckdb.DuckDBPyConnection, plan: Plan, provider: str) -> sql.Layout:
    """Set the provider's fleet variables (p_tpl, p_inst, p_last) and return its row layout."""
    con.execute("SET VARIABLE p_tpl = (SELECT list(ord + 1 ORDER BY pos) FROM inst WHERE provider = ?)",
                [provider])
    con.execute("SET VARIABLE p_inst = (SELECT list(inst ORDER BY pos) FROM inst WHERE provider = ?)", [provider])
    con.execute("SET VARIABLE p_last = (SELECT coalesce(list(pos ORDER BY start_d > 0, pos), []) FROM sel"
                " WHERE provider = ?)", [provider])
    row = con.execute("SELECT (SELECT count(*) FROM inst WHERE provider = $1), count(*),"
                      " coalesce(max(start_d), 0) FROM sel WHERE provider = $1", [provider]).fetchone()
    assert row is not None
    return sql.Layout(size=row[0], full=plan.replicas - 1, last=row[1], start_d=row[2])


def _sql_type(name: str, kind: str, fmt: Fmt) -> str:
    if kind == "decimal":
        if fmt == "parquet":
            return "DOUBLE"
        return "DECIMAL(20,10)" if name in PRICE_COLUMNS else "DECIMAL(18,6)"
    return "TIMESTAMP" if kind == "datetime" else "VARCHAR"


def _write_provider(con: duckdb.DuckDBPyConnection, plan: Plan, provider: str, fmt: Fmt, seed: int,
                    out_dir: Path) -> list[Path]:
    """One file per billing month, as providers deliver their exports (``demo-aws-2026-03.csv``)."""
    lay = _layout(con, plan, provider)
    invoices = _invoice_ids(provider, plan)
    con.execute("SET VARIABLE c_inv = ?", [invoices])
    usage = sql.usage(lay, lay.rows(plan.days), seed)
    agg = con.execute(sql.aggregate(usage)).fetchall()
    extras = extra_rows(provider, plan.month_starts, plan.ri_break, plan.scale, invoices, agg, FOCUS_COLUMNS)
    con.register("extras_arrow", extras)
    exprs = sql.focus_columns(provider)
    names = [col.name for col in FOCUS_COLUMNS]
    inner = ", ".join(f"{exprs.get(name, 'NULL')} AS {name}" for name in names)
    outer = ", ".join(f"CAST({col.name} AS {_sql_type(col.name, col.type, fmt)}) AS {col.name}"
                      for col in FOCUS_COLUMNS)
    query = (f"SELECT {outer} FROM (SELECT {inner} FROM ({usage})"
             f" UNION ALL SELECT {', '.join(names)} FROM extras_arrow)")
    options = ("FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else
               "FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ'")
    whole = out_dir / f".demo-{provider}.all.parquet"
    paths = []
    try:
        # The year once, as Parquet (ordered by day, so each month is a run of row groups), then one file per
        # billing month, each written aside and renamed: a crash never leaves a half-written file.
        con.execute(f"COPY ({query}) TO {sql.lit(str(whole))} (FORMAT parquet, COMPRESSION zstd)")
        for start in plan.month_starts[:-1]:
            path = out_dir / f"demo-{provider}-{start:%Y-%m}.{fmt}"
            tmp = path.with_name(path.name + ".tmp")
            try:
                con.execute(f"COPY (SELECT * FROM read_parquet({sql.lit(str(whole))}) WHERE BillingPeriodStart = "
                            f"TIMESTAMP '{start:%Y-%m-%d}') TO {sql.lit(str(tmp))} ({options})")
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            paths.append(path)
    finally:
        con.unregister("extras_arrow")
        whole.unlink(missing_ok=True)
    return paths


def generate(out_dir: Path, rows: int | None = None, *, seed: int = 42, fmt: Fmt = "csv",
             first_month: str = "2025-11", months: int = 12) -> list[Path]:
    """Write the demo company's bills as FOCUS 1.2 files into out_dir; return the files written.

    One file per provider and billing month, as providers deliver their exports (``demo-aws-2025-11.csv`` …
    ``demo-scaleway-2026-10.csv``, or ``.parquet``). ``rows=None`` writes the natural demo (every resource every
    day, see ``natural_rows``); ``rows=N`` writes exactly N rows in all by copying the fleet, planted
    scenarios included, the last copy partial. Same arguments, same bytes.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    plan = _plan(rows, first_month, months)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_items = sum(it.count for it in ITEMS)
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET enable_progress_bar_print = false")  # a library never prints
        con.execute("SET preserve_insertion_order = true")
        con.register("tpl_arrow", _templates())
        con.execute("CREATE TABLE tpl AS SELECT * FROM tpl_arrow")
        con.execute(sql.RESOURCES.format(n_last=plan.n_res - (plan.replicas - 1) * n_items,
                                         partial=plan.partial, days=plan.days))
        con.execute(sql.CALENDAR.format(y0=plan.start.year, m0=plan.start.month, anomaly=list(plan.anomaly),
                                        ri_break=list(plan.ri_break), start=plan.start.isoformat(),
                                        days=plan.days))
        for col in sql.CAL_LISTS:
            con.execute(f"SET VARIABLE c_{col} = (SELECT list({col} ORDER BY d) FROM cal)")
        for col in sql.TPL_LISTS:
            con.execute(f"SET VARIABLE t_{col} = (SELECT list({col} ORDER BY ord) FROM tpl)")
        # The row numbers as Arrow batches rather than range(): the scan runs in parallel and keeps its order,
        # and small batches keep the buffers of an order-preserving parallel COPY small.
        most = max(plan.days * plan.n_res, 1)
        con.register("idx", _row_numbers(most))
        paths = []
        for provider in PROVIDERS:
            paths += _write_provider(con, plan, provider, fmt, int(seed), out_dir)
        return paths
    finally:
        con.close()
