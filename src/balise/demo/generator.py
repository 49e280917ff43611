"""Deterministic generator of the demo company's bills, as FOCUS 1.2 files (one per provider).

Everything per row happens in DuckDB: row ``i`` of a provider file is mapped arithmetically to a
(day, resource) pair, the resource's attributes are read from lists held in DuckDB variables, and the
quantities come from ``hash(seed, resource, day)``. There is no join and no sort on the large side, so
the output streams to disk in insertion order with bounded memory and is byte-identical for the same
arguments whatever the number of threads. The monthly rows (commitment purchases, unused commitment,
credits, taxes) are a few hundred rows computed from an aggregate of the usage and appended at the end.
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

from balise.demo.catalog import COMMITMENTS, CREDITS, ITEMS, KINDS, PROVIDERS, REGIONS, SUB_ACCOUNTS, Item
from balise.demo.extras import PRICE_COLUMNS, extra_rows
from balise.domain.focus import COLUMNS

Fmt = Literal["csv", "parquet"]
FOCUS_COLUMNS = tuple(c for c in COLUMNS if c.since <= "1.2")
ANOMALY_MONTH = 8  # month index (0-based) of the Azure GPU spike: the 9th month
ANOMALY_DAYS = (13, 14, 15, 16)  # days of that month
RI_BREAK_MONTHS = (4, 5)  # months where the batch workers run 8 h/day: reserved hours go unused
MEMORY_LIMIT = "1GB"


def _sql_type(name: str, kind: str, fmt: Fmt) -> str:
    if kind == "decimal":
        return "DOUBLE" if fmt == "parquet" else ("DECIMAL(20,10)" if name in PRICE_COLUMNS else "DECIMAL(18,6)")
    return "TIMESTAMP" if kind == "datetime" else "VARCHAR"


@dataclass(frozen=True, slots=True)
class Plan:
    start: date
    months: int
    days: int
    month_starts: tuple[date, ...]  # months + 1 entries
    anomaly: tuple[int, ...]  # day indices of the spike
    ri_break: tuple[int, ...]  # month indices
    n_res: int  # resources generated
    partial: int  # rows of the last resource when it starts late (0: it runs the whole period)
    replicas: int
    scale: float  # fleet size relative to the natural demo, scales credits


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def extra_row_count(months: int) -> dict[str, int]:
    """Monthly rows each provider file ends with: purchases, unused commitment, credits, taxes."""
    out = {}
    for key, prov in PROVIDERS.items():
        commits = [c for c in COMMITMENTS.values() if SUB_ACCOUNTS[c.account][0] == key]
        credits = [c for c in CREDITS if c[0] == key and c[2] < months]
        out[key] = len(commits) * months + len(credits) + (months if prov.vat else 0)
    return out


def _plan(rows: int | None, first_month: str, months: int) -> tuple[Plan, dict[str, int]]:
    try:
        start = datetime.strptime(first_month, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"first_month must look like 2025-11, not {first_month!r}") from None
    if not 1 <= months <= 120:
        raise ValueError(f"months must be between 1 and 120, not {months}")
    starts = tuple(_add_months(start, k) for k in range(months + 1))
    days = (starts[-1] - start).days
    am = min(ANOMALY_MONTH, months - 1)
    anomaly = tuple((starts[am] - start).days + x - 1 for x in ANOMALY_DAYS)
    ri_break = tuple(m for m in RI_BREAK_MONTHS if m < months) or (months - 1,)
    extras = extra_row_count(months)
    for c in COMMITMENTS.values():
        if c.category == "Usage":  # one Unused row per day of the break months
            extras[SUB_ACCOUNTS[c.account][0]] += sum((starts[m + 1] - starts[m]).days for m in ri_break)
    n_items = sum(it.count for it in ITEMS)
    natural = n_items * days
    if rows is None:
        return Plan(start, months, days, starts, anomaly, ri_break, n_items, 0, 1, 1.0), extras
    usage = rows - sum(extras.values())
    minimum = sum(1 for it in ITEMS if it.planted) * days + sum(extras.values())
    if rows < minimum:
        raise ValueError(f"rows must be at least {minimum} for {months} months (the planted scenarios), not {rows}")
    full, partial = divmod(usage, days)
    n_res = full + (1 if partial else 0)
    replicas = -(-n_res // n_items)
    return Plan(start, months, days, starts, anomaly, ri_break, n_res, partial, replicas, usage / natural), extras


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _sku(item: Item, provider: str) -> tuple[str, str]:
    h = _md5(f"{provider}:{item.kind}:{item.sku}:{item.region}")
    if provider == "aws":
        sku = h[:16].upper()
        return sku, f"{sku}.JRTCKXETXF.6YS6EN2CT7"
    if provider == "azure":
        sku = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        return sku, f"{sku}_{h[24:28].upper()}"
    return f"{item.sku}", f"{item.sku}:{item.region}:{KINDS[item.kind].punit}"


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
        rows.append({
            "ord": order, "key": it.key, "provider": provider, "sub_id": sub_id, "sub_name": sub_name,
            "service": kind.service, "category": kind.category, "subcategory": kind.subcategory,
            "rtype": kind.rtype, "name": it.name, "rid": rid, "sku_id": sku_id, "sku_price_id": sku_price_id,
            "meter": kind.meter, "region_id": it.region, "region_name": REGIONS.get(it.region or ""),
            "az": it.az, "cunit": kind.cunit, "punit": kind.punit, "pqf": kind.pq_factor,
            "lp": it.price, "cp": round(it.price * prov.contracted, 10), "qty": it.qty, "pattern": it.pattern,
            "tags": it.tags, "count": it.count, "planted": it.planted,
            "cd_id": cd.id if cd else None, "cd_name": cd.name if cd else None,
            "cd_type": cd.type if cd else None, "cd_cat": cd.category if cd else None,
            "cd_rate": cd.rate if cd else None,
            "cd_unit": (prov.currency if cd.category == "Spend" else "Hours") if cd else None,
            "descr": it.desc or f"{it.sku} {kind.meter.lower()} ({it.region or 'global'})",
        })
    return pa.Table.from_pylist(rows)


_RES_SQL = """
CREATE TABLE res AS
WITH inst AS (
    SELECT *, CASE WHEN planted AND inst = 0 THEN 0 ELSE 1 END AS grp, (inst + 0.5) / count AS frac
    FROM (SELECT *, unnest(range(count)) AS inst FROM tpl)
), seq AS (
    SELECT inst.*, rep, row_number() OVER (ORDER BY rep, grp, frac, ord, inst) AS seq
    FROM inst, range({replicas}) r(rep)
), sel AS (
    SELECT *, CASE WHEN seq = {n_res} AND {partial} > 0 THEN {days} - {partial} ELSE 0 END AS start_d,
        md5(key || ':' || inst || ':' || rep) AS h,
        name || CASE WHEN count > 1 THEN '-' || lpad(CAST(inst + 1 AS VARCHAR), 2, '0') ELSE '' END
             || CASE WHEN rep > 0 THEN '-c' || lpad(CAST(rep AS VARCHAR), 3, '0') ELSE '' END AS rname
    FROM seq WHERE seq <= {n_res}
)
SELECT *,
    hash({seed}, key, inst, rep) AS nk,
    qty * CASE WHEN pattern IN ('storage', 'usage', 'gpu')
               THEN 0.75 + 0.5 * ((hash({seed}, 'size', key, inst, rep) % 1000003) / 1000003.0) ELSE 1 END AS base,
    CASE WHEN rtype IS NOT NULL THEN replace(replace(replace(replace(rid, '{{name}}', rname),
        '{{hex}}', substr(h, 1, 16)), '{{HEX}}', upper(substr(h, 1, 13))),
        '{{uuid}}', substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'
                    || substr(h, 17, 4) || '-' || substr(h, 21, 12)) END AS resource_id,
    CASE WHEN rtype IS NOT NULL THEN rname END AS resource_name,
    row_number() OVER (PARTITION BY provider ORDER BY start_d > 0, ord, rep, inst) AS r
FROM sel
"""

_CAL_SQL = """
CREATE TABLE cal AS
SELECT d, CAST(day AS TIMESTAMP) AS ts, CAST(day + 1 AS TIMESTAMP) AS ts_next,
    CAST(date_trunc('month', day) AS TIMESTAMP) AS bps,
    CAST(date_trunc('month', day) + INTERVAL 1 MONTH AS TIMESTAMP) AS bpe,
    (year(day) - {y0}) * 12 + month(day) - {m0} AS mi, isodow(day) >= 6 AS wk,
    list_contains({anomaly}, d) AS anom, list_contains({ri_break}, (year(day) - {y0}) * 12 + month(day) - {m0}) AS brk,
    pow(1.02, d / 30.4375) AS g, pow(1.025, d / 30.4375) AS gs
FROM (SELECT i AS d, DATE '{start}' + CAST(i AS INTEGER) AS day FROM range({days}) t(i))
"""

_RES_LISTS = ("sub_id", "sub_name", "service", "category", "subcategory", "rtype", "resource_id",
              "resource_name", "sku_id", "sku_price_id", "meter", "region_id", "region_name", "az", "cunit",
              "punit", "pqf", "lp", "cp", "base", "pattern", "tags", "cd_id", "cd_name", "cd_type", "cd_cat",
              "cd_rate", "cd_unit", "descr", "nk")
_CAL_LISTS = ("ts", "ts_next", "bps", "bpe", "mi", "wk", "anom", "brk", "g", "gs")


def _r(col: str) -> str:
    return f"getvariable('r_{col}')[r]"


def _c(col: str) -> str:
    return f"getvariable('c_{col}')[d + 1]"


def _usage_sql(n: int, k: int, start_d: int, seed: int) -> str:
    """SELECT of one provider's usage rows: row i -> (day d, resource r), resource-major within a day."""
    a = start_d * (k - 1) if start_d else 0
    km1 = max(k - 1, 1)
    q = """CASE pattern
        WHEN 'flat' THEN base
        WHEN 'ri' THEN CASE WHEN brk THEN base / 3 ELSE base END
        WHEN 'office' THEN (CASE WHEN wk THEN 1 ELSE 10 + floor(3 * u) END) * base / 24
        WHEN 'nodes' THEN least(24, round(24 * (CASE WHEN wk THEN 0.3 + 0.4 * u ELSE 0.8 + 0.4 * u END)))
        WHEN 'storage' THEN round(base * gs * (0.995 + 0.01 * u), 3)
        WHEN 'usage' THEN round(base * g * (CASE WHEN wk THEN 0.45 ELSE 1 END) * (0.85 + 0.3 * u), 3)
        WHEN 'gpu' THEN CASE WHEN anom THEN base * 8
                             ELSE round(base * g * (CASE WHEN wk THEN 0.25 ELSE 1 END) * (0.8 + 0.4 * u), 1) END
        END"""
    look = ", ".join(f"{_r(c)} AS {c}" for c in ("pattern", "base", "pqf", "lp", "cp", "cd_cat", "cd_rate"))
    cal = ", ".join(f"{_c(c)} AS {c}" for c in ("wk", "anom", "brk", "g", "gs", "mi"))
    return f"""
    SELECT *, CASE WHEN cov THEN CAST(0 AS DECIMAL(18,6)) ELSE cc END AS bc,
        CASE WHEN cov THEN CAST(round(cc * rate, 6) AS DECIMAL(18,6)) ELSE cc END AS ec,
        CASE WHEN cd_cat = 'Usage' THEN CAST(base AS DECIMAL(18,6)) - q END AS uq,
        CASE WHEN cd_cat = 'Usage' THEN CAST(round(CAST((base - q) * pqf AS DECIMAL(18,6)) * cp * rate, 6)
            AS DECIMAL(18,6)) END AS ue
    FROM (
        SELECT *, CAST(round(pq * lp, 6) AS DECIMAL(18,6)) AS lc, CAST(round(pq * cp, 6) AS DECIMAL(18,6)) AS cc
        FROM (
            SELECT d, r, mi, base, pqf, cd_cat, cd_rate IS NOT NULL AS cov, CAST(cd_rate AS DECIMAL(6,4)) AS rate,
                CAST(lp AS DECIMAL(20,10)) AS lp, CAST(cp AS DECIMAL(20,10)) AS cp,
                CAST(q AS DECIMAL(18,6)) AS q, CAST(q * pqf AS DECIMAL(18,6)) AS pq
            FROM (
                SELECT *, {q} AS q FROM (
                    SELECT d, r, {look}, {cal}, (hash({seed}, {_r('nk')}, d) % 1000003) / 1000003.0 AS u
                    FROM (
                        SELECT CASE WHEN i < {a} THEN i // {km1} ELSE {start_d} + (i - {a}) // {k} END AS d,
                            CASE WHEN i < {a} THEN i % {km1} ELSE (i - {a}) % {k} END + 1 AS r
                        FROM idx WHERE i < {n}
                    )
                )
            )
        )
    )"""


def _lit(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _focus_exprs(provider: str) -> dict[str, str]:
    p = PROVIDERS[provider]
    cov = "cov"
    return {
        "AvailabilityZone": _r("az"), "BilledCost": "bc", "BillingAccountId": _lit(p.account_id),
        "BillingAccountName": _lit(p.account_name), "BillingCurrency": _lit(p.currency),
        "BillingPeriodEnd": _c("bpe"), "BillingPeriodStart": _c("bps"), "ChargeCategory": "'Usage'",
        "ChargeDescription": _r("descr"), "ChargeFrequency": "'Usage-Based'", "ChargePeriodEnd": _c("ts_next"),
        "ChargePeriodStart": _c("ts"), "CommitmentDiscountCategory": _r("cd_cat"),
        "CommitmentDiscountId": _r("cd_id"), "CommitmentDiscountName": _r("cd_name"),
        "CommitmentDiscountStatus": f"CASE WHEN {cov} THEN 'Used' END", "CommitmentDiscountType": _r("cd_type"),
        "ConsumedQuantity": "q", "ConsumedUnit": _r("cunit"), "ContractedCost": "cc", "ContractedUnitPrice": "cp",
        "EffectiveCost": "ec", "InvoiceIssuerName": _lit(p.name), "ListCost": "lc", "ListUnitPrice": "lp",
        "PricingCategory": f"CASE WHEN {cov} THEN 'Committed' ELSE 'Standard' END", "PricingQuantity": "pq",
        "PricingUnit": _r("punit"), "ProviderName": _lit(p.name), "PublisherName": _lit(p.name),
        "RegionId": _r("region_id"), "RegionName": _r("region_name"), "ResourceId": _r("resource_id"),
        "ResourceName": _r("resource_name"), "ResourceType": _r("rtype"), "ServiceCategory": _r("category"),
        "ServiceName": _r("service"), "SkuId": _r("sku_id"), "SkuPriceId": _r("sku_price_id"),
        "SubAccountId": _r("sub_id"), "SubAccountName": _r("sub_name"), "Tags": _r("tags"),
        "CommitmentDiscountQuantity": f"CASE WHEN {cov} THEN CASE WHEN cd_cat = 'Spend' THEN ec ELSE pq END END",
        "CommitmentDiscountUnit": f"CASE WHEN {cov} THEN {_r('cd_unit')} END",
        "ServiceSubcategory": _r("subcategory"), "SkuMeter": _r("meter"), "BillingAccountType": _lit(p.account_type),
        "InvoiceId": "getvariable('c_inv')[mi + 1]", "PricingCurrency": _lit(p.currency),
        "PricingCurrencyContractedUnitPrice": "cp", "PricingCurrencyEffectiveCost": "ec",
        "PricingCurrencyListUnitPrice": "lp", "SubAccountType": _lit(p.sub_account_type),
    }


def _invoice_ids(provider: str, plan: Plan) -> list[str]:
    p = PROVIDERS[provider]
    return [f"{p.invoice_prefix}{m:%Y%m}{int(_md5(provider + str(m))[:8], 16) % 10**6:06d}"
            for m in plan.month_starts[:-1]]


def _write_provider(con: duckdb.DuckDBPyConnection, plan: Plan, provider: str, fmt: Fmt, seed: int,
                    path: Path) -> None:
    for col in _RES_LISTS:
        con.execute(f"SET VARIABLE r_{col} = (SELECT list({col} ORDER BY r) FROM res WHERE provider = ?)",
                    [provider])
    con.execute("SET VARIABLE c_inv = ?", [_invoice_ids(provider, plan)])
    k, start_d = con.execute("SELECT count(*), max(start_d) FROM res WHERE provider = ?", [provider]).fetchone() \
        or (0, 0)
    n = (k - (1 if start_d else 0)) * plan.days + (plan.days - start_d if start_d else 0)
    usage = _usage_sql(n, k, start_d, seed)
    agg = con.execute(f"""
        SELECT mi, d, {_r('cd_id')} AS cd, sum(bc), sum(ec) FILTER (WHERE cov),
            sum(CASE WHEN cd_cat = 'Spend' THEN ec ELSE pq END) FILTER (WHERE cov), sum(ue), sum(uq)
        FROM ({usage}) GROUP BY ALL""").fetchall()
    extras = extra_rows(provider, plan.month_starts, plan.ri_break, plan.scale, _invoice_ids(provider, plan), agg,
                        FOCUS_COLUMNS)
    con.register("extras_arrow", extras)
    exprs = _focus_exprs(provider)
    cols = [c.name for c in FOCUS_COLUMNS]
    inner = ", ".join(f"{exprs.get(c, 'NULL')} AS {c}" for c in cols)
    outer = ", ".join(f"CAST({c.name} AS {_sql_type(c.name, c.type, fmt)}) AS {c.name}" for c in FOCUS_COLUMNS)
    query = f"SELECT {outer} FROM (SELECT {inner} FROM ({usage}) UNION ALL SELECT {', '.join(cols)} FROM extras_arrow)"
    options = ("FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else
               "FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ'")
    tmp = path.with_name(path.name + ".tmp")
    con.execute(f"COPY ({query}) TO {_lit(str(tmp))} ({options})")
    con.unregister("extras_arrow")
    os.replace(tmp, path)


def generate(out_dir: Path, rows: int | None = None, *, seed: int = 42, fmt: Fmt = "csv",
             first_month: str = "2025-11", months: int = 12) -> list[Path]:
    """Write the demo company's bills as FOCUS 1.2 files into out_dir; return the files written.

    ``rows=None`` writes the natural demo (every resource, every day); ``rows=N`` writes exactly N rows by
    scaling the fleet (copies of it, the last one partial) while keeping the planted scenarios.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    plan, _ = _plan(rows, first_month, months)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = true")
        con.register("tpl_arrow", _templates())
        con.execute("CREATE TABLE tpl AS SELECT * FROM tpl_arrow")
        con.execute(_RES_SQL.format(replicas=plan.replicas, n_res=plan.n_res, partial=plan.partial,
                                    days=plan.days, seed=int(seed)))
        con.execute(_CAL_SQL.format(y0=plan.start.year, m0=plan.start.month, anomaly=list(plan.anomaly),
                                    ri_break=list(plan.ri_break), start=plan.start.isoformat(), days=plan.days))
        # A table, not range(): a table scan runs in parallel (by row group) and keeps insertion order.
        most = max(plan.days * plan.n_res, 1)
        con.execute(f"CREATE TABLE idx AS SELECT CAST(range AS UINTEGER) AS i FROM range({most})")
        for col in _CAL_LISTS:
            con.execute(f"SET VARIABLE c_{col} = (SELECT list({col} ORDER BY d) FROM cal)")
        paths = []
        for provider in PROVIDERS:
            path = out_dir / f"demo-{provider}.{fmt}"
            _write_provider(con, plan, provider, fmt, int(seed), path)
            paths.append(path)
        return paths
    finally:
        con.close()
