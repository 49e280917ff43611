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


def _plan(rows: int | None, first_month: str, months: int) -> Plan:
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
        return Plan(start, months, days, starts, anomaly, ri_break, n_items, 0, 1, 1.0)
    usage = rows - sum(extras.values())
    minimum = sum(1 for it in ITEMS if it.planted) * days + sum(extras.values())
    if rows < minimum:
        raise ValueError(f"rows must be at least {minimum} for {months} months (the planted scenarios), not {rows}")
    full, partial = divmod(usage, days)
    n_res = full + (1 if partial else 0)
    replicas = -(-n_res // n_items)
    return Plan(start, months, days, starts, anomaly, ri_break, n_res, partial, replicas, usage / natural)


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


_TOKENS = ("{name}", "{hex}", "{HEX}", "{uuid}")


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
        token = next((t for t in _TOKENS if rid.endswith(t)), "")
        if kind.rtype and not token:
            raise AssertionError(f"ResourceId template of {it.kind} must end with one of {_TOKENS}")
        rows.append({
            "ord": order, "key": it.key, "provider": provider, "sub_id": sub_id, "sub_name": sub_name,
            "service": kind.service, "category": kind.category, "subcategory": kind.subcategory,
            "rtype": kind.rtype, "name": it.name, "rid_prefix": rid.removesuffix(token), "rid_token": token[1:-1],
            "sku_id": sku_id, "sku_price_id": sku_price_id, "meter": kind.meter, "region_id": it.region,
            "region_name": REGIONS.get(it.region or ""), "az": it.az, "cunit": kind.cunit, "punit": kind.punit,
            "pqf": kind.pq_factor, "lp": it.price, "cp": round(it.price * prov.contracted, 10), "qty": it.qty,
            "pattern": it.pattern, "tags": it.tags, "count": it.count, "planted": it.planted,
            "cd_id": cd.id if cd else None, "cd_name": cd.name if cd else None,
            "cd_type": cd.type if cd else None, "cd_cat": cd.category if cd else None,
            "cd_rate": cd.rate if cd else None,
            "cd_unit": (prov.currency if cd.category == "Spend" else "Hours") if cd else None,
            "descr": it.desc or f"{it.sku} {kind.meter.lower()} ({it.region or 'global'})",
        })
    return pa.Table.from_pylist(rows)


# Every instance of every template once, numbered per provider (pos), then the resources selected for the
# last replica (earlier replicas are whole): planted scenarios first, then the other instances spread
# proportionally (frac), so a partial replica keeps the fleet's proportions.
_RES_SQL = """
CREATE TABLE inst AS
SELECT ord, provider, inst, row_number() OVER (PARTITION BY provider ORDER BY ord, inst) - 1 AS pos,
    CASE WHEN planted AND inst = 0 THEN 0 ELSE 1 END AS grp, (inst + 0.5) / count AS frac
FROM (SELECT ord, provider, planted, count, unnest(range(count)) AS inst FROM tpl);
CREATE TABLE sel AS
SELECT provider, pos, CASE WHEN seq = {n_last} AND {partial} > 0 THEN {days} - {partial} ELSE 0 END AS start_d
FROM (SELECT *, row_number() OVER (ORDER BY grp, frac, ord, inst) AS seq FROM inst)
WHERE seq <= {n_last};
"""

_CAL_SQL = """
CREATE TABLE cal AS
SELECT d, CAST(day AS TIMESTAMP) AS ts, CAST(day + 1 AS TIMESTAMP) AS ts_next,
    CAST(date_trunc('month', day) AS TIMESTAMP) AS bps,
    CAST(date_trunc('month', day) + INTERVAL 1 MONTH AS TIMESTAMP) AS bpe,
    (year(day) - {y0}) * 12 + month(day) - {m0} AS mi, isodow(day) >= 6 AS wk,
    list_contains({anomaly}, d) AS anom,
    list_contains({ri_break}, (year(day) - {y0}) * 12 + month(day) - {m0}) AS brk,
    pow(1.02, d / 30.4375) AS g, pow(1.025, d / 30.4375) AS gs
FROM (SELECT i AS d, DATE '{start}' + CAST(i AS INTEGER) AS day FROM range({days}) t(i))
"""

_TPL_LISTS = ("key", "sub_id", "sub_name", "service", "category", "subcategory", "rtype", "name", "rid_prefix",
              "rid_token", "sku_id", "sku_price_id", "meter", "region_id", "region_name", "az", "cunit", "punit",
              "pqf", "lp", "cp", "qty", "pattern", "tags", "count", "cd_id", "cd_name", "cd_type", "cd_cat",
              "cd_rate", "cd_unit", "descr")
_CAL_LISTS = ("ts", "ts_next", "bps", "bpe", "mi", "wk", "anom", "brk", "g", "gs")
# Lists are small (one entry per template, per instance of a provider's fleet, per day): DuckDB copies a
# variable's list for every vector it reads, so a list per resource would cost O(rows x resources).


def _t(col: str) -> str:
    return f"getvariable('t_{col}')[t]"


def _c(col: str) -> str:
    return f"getvariable('c_{col}')[d + 1]"


def _hash01(*args: str) -> str:
    return f"((hash({', '.join(args)}) % 1000003) / 1000003.0)"


@dataclass(frozen=True, slots=True)
class _Layout:
    """How row i of a provider's usage maps to (day, replica, position in the provider's fleet)."""

    size: int  # S: instances in one copy of the provider's fleet
    full: int  # replicas generated in full
    last: int  # instances of the last replica (their positions are in variable p_last)
    start_d: int  # first day of the last resource (0 when it runs the whole period)

    @property
    def resources(self) -> int:
        return self.full * self.size + self.last

    def rows(self, days: int) -> int:
        return self.resources * days - self.start_d


def _usage_sql(lay: _Layout, n: int, seed: int) -> str:
    """SELECT of one provider's usage rows: row i -> (day d, resource r), resources in order within a day."""
    k, s = lay.resources, lay.start_d
    a, km1, f = s * (k - 1), max(k - 1, 1), lay.full * lay.size
    q = """CASE pattern
        WHEN 'flat' THEN base
        WHEN 'ri' THEN CASE WHEN brk THEN base / 3 ELSE base END
        WHEN 'office' THEN (CASE WHEN wk THEN 1 ELSE 10 + floor(3 * u) END) * base / 24
        WHEN 'nodes' THEN least(24, round(24 * (CASE WHEN wk THEN 0.3 ELSE 0.8 END + 0.4 * u)))
        WHEN 'storage' THEN round(base * gs * (0.995 + 0.01 * u), 3)
        WHEN 'usage' THEN round(base * g * (CASE WHEN wk THEN 0.45 ELSE 1 END) * (0.85 + 0.3 * u), 3)
        WHEN 'gpu' THEN CASE WHEN anom THEN base * 8
            ELSE round(base * g * (CASE WHEN wk THEN 0.25 ELSE 1 END) * (0.8 + 0.4 * u), 1) END
        END"""
    look = ", ".join(f"{_t(c)} AS {c}" for c in ("key", "pattern", "qty", "pqf", "lp", "cp", "cd_cat", "cd_rate"))
    cal = ", ".join(f"{_c(c)} AS {c}" for c in ("wk", "anom", "brk", "g", "gs", "mi"))
    size = _hash01(str(seed), "'size'", "key", "inst", "rep")
    return f"""
    SELECT *, CAST(lcd AS DECIMAL(18,6)) AS lc, CAST(ccd AS DECIMAL(18,6)) AS cc,
        CAST(CASE WHEN cov THEN 0 ELSE ccd END AS DECIMAL(18,6)) AS bc,
        CAST(CASE WHEN cov THEN round(ccd * rate, 6) ELSE ccd END AS DECIMAL(18,6)) AS ec,
        CAST(CASE WHEN cd_cat = 'Usage' THEN base - qd END AS DECIMAL(18,6)) AS uq,
        CAST(CASE WHEN cd_cat = 'Usage' THEN round(round((base - qd) * pqf, 6) * cp * rate, 6) END
             AS DECIMAL(18,6)) AS ue
    FROM (
        SELECT *, round(pqd * lp, 6) AS lcd, round(pqd * cp, 6) AS ccd,
            CAST(qd AS DECIMAL(18,6)) AS q, CAST(pqd AS DECIMAL(18,6)) AS pq
        FROM (
            SELECT d, t, inst, rep, h, mi, base, pqf, lp, cp, cd_cat, cd_rate IS NOT NULL AS cov,
                cd_rate AS rate, round(q, 6) AS qd, round(q * pqf, 6) AS pqd
            FROM (
                SELECT *, {q} AS q FROM (
                    SELECT *, qty * CASE WHEN pattern IN ('storage', 'usage', 'gpu')
                                         THEN 0.75 + 0.5 * {size} ELSE 1 END AS base,
                        {_hash01(str(seed), "key", "inst", "rep", "d")} AS u
                    FROM (
                        SELECT d, t, inst, rep, {look}, {cal}, CASE WHEN {_t('rid_token')} <> 'name'
                            THEN md5({_t('key')} || ':' || inst || ':' || rep) END AS h FROM (
                            SELECT d, rep, getvariable('p_tpl')[pos + 1] AS t,
                                getvariable('p_inst')[pos + 1] AS inst
                            FROM (
                                SELECT d, CASE WHEN r < {f} THEN r // {max(lay.size, 1)} ELSE {lay.full} END AS rep,
                                    CASE WHEN r < {f} THEN r % {max(lay.size, 1)}
                                         ELSE getvariable('p_last')[r - {f} + 1] END AS pos
                                FROM (
                                    SELECT CASE WHEN i < {a} THEN i // {km1} ELSE {s} + (i - {a}) // {k} END AS d,
                                        CASE WHEN i < {a} THEN i % {km1} ELSE (i - {a}) % {k} END AS r
                                    FROM idx WHERE i < {n}
                                )
                            )
                        )
                    )
                )
            )
        )
    )"""


def _lit(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _focus_exprs(provider: str) -> dict[str, str]:
    p = PROVIDERS[provider]
    rname = (f"{_t('name')} || CASE WHEN {_t('count')} > 1 THEN '-' || lpad(CAST(inst + 1 AS VARCHAR), 2, '0')"
             " ELSE '' END || CASE WHEN rep > 0 THEN '-c' || lpad(CAST(rep AS VARCHAR), 3, '0') ELSE '' END")
    h = "h"
    rid = (f"{_t('rid_prefix')} || CASE {_t('rid_token')} WHEN 'name' THEN {rname}"
           f" WHEN 'hex' THEN substr({h}, 1, 16) WHEN 'HEX' THEN upper(substr({h}, 1, 13))"
           f" ELSE substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-'"
           f" || substr({h}, 17, 4) || '-' || substr({h}, 21, 12) END")
    return {
        "AvailabilityZone": _t("az"), "BilledCost": "bc", "BillingAccountId": _lit(p.account_id),
        "BillingAccountName": _lit(p.account_name), "BillingCurrency": _lit(p.currency),
        "BillingPeriodEnd": _c("bpe"), "BillingPeriodStart": _c("bps"), "ChargeCategory": "'Usage'",
        "ChargeDescription": _t("descr"), "ChargeFrequency": "'Usage-Based'", "ChargePeriodEnd": _c("ts_next"),
        "ChargePeriodStart": _c("ts"), "CommitmentDiscountCategory": "cd_cat",
        "CommitmentDiscountId": _t("cd_id"), "CommitmentDiscountName": _t("cd_name"),
        "CommitmentDiscountStatus": "CASE WHEN cov THEN 'Used' END", "CommitmentDiscountType": _t("cd_type"),
        "ConsumedQuantity": "q", "ConsumedUnit": _t("cunit"), "ContractedCost": "cc",
        "ContractedUnitPrice": "cp", "EffectiveCost": "ec", "InvoiceIssuerName": _lit(p.name), "ListCost": "lc",
        "ListUnitPrice": "lp", "PricingCategory": "CASE WHEN cov THEN 'Committed' ELSE 'Standard' END",
        "PricingQuantity": "pq", "PricingUnit": _t("punit"), "ProviderName": _lit(p.name),
        "PublisherName": _lit(p.name), "RegionId": _t("region_id"), "RegionName": _t("region_name"),
        "ResourceId": f"CASE WHEN {_t('rtype')} IS NOT NULL THEN {rid} END",
        "ResourceName": f"CASE WHEN {_t('rtype')} IS NOT NULL THEN {rname} END", "ResourceType": _t("rtype"),
        "ServiceCategory": _t("category"), "ServiceName": _t("service"), "SkuId": _t("sku_id"),
        "SkuPriceId": _t("sku_price_id"), "SubAccountId": _t("sub_id"), "SubAccountName": _t("sub_name"),
        "Tags": _t("tags"),
        "CommitmentDiscountQuantity": "CASE WHEN cov THEN CASE WHEN cd_cat = 'Spend' THEN ec ELSE pq END END",
        "CommitmentDiscountUnit": f"CASE WHEN cov THEN {_t('cd_unit')} END",
        "ServiceSubcategory": _t("subcategory"), "SkuMeter": _t("meter"),
        "BillingAccountType": _lit(p.account_type), "InvoiceId": "getvariable('c_inv')[mi + 1]",
        "PricingCurrency": _lit(p.currency), "PricingCurrencyContractedUnitPrice": "cp",
        "PricingCurrencyEffectiveCost": "ec", "PricingCurrencyListUnitPrice": "lp",
        "SubAccountType": _lit(p.sub_account_type),
    }


def _invoice_ids(provider: str, plan: Plan) -> list[str]:
    p = PROVIDERS[provider]
    return [f"{p.invoice_prefix}{m:%Y%m}{int(_md5(provider + str(m))[:8], 16) % 10**6:06d}"
            for m in plan.month_starts[:-1]]


def _layout(con: duckdb.DuckDBPyConnection, plan: Plan, provider: str) -> _Layout:
    """Set the provider's fleet variables (p_tpl, p_inst, p_last) and return its row layout."""
    con.execute("SET VARIABLE p_tpl = (SELECT list(ord + 1 ORDER BY pos) FROM inst WHERE provider = ?)", [provider])
    con.execute("SET VARIABLE p_inst = (SELECT list(inst ORDER BY pos) FROM inst WHERE provider = ?)", [provider])
    con.execute("SET VARIABLE p_last = (SELECT coalesce(list(pos ORDER BY start_d > 0, pos), []) FROM sel"
                " WHERE provider = ?)", [provider])
    row = con.execute("SELECT (SELECT count(*) FROM inst WHERE provider = $1), count(*), coalesce(max(start_d), 0)"
                      " FROM sel WHERE provider = $1", [provider]).fetchone()
    assert row is not None
    return _Layout(size=row[0], full=plan.replicas - 1, last=row[1], start_d=row[2])


def _write_provider(con: duckdb.DuckDBPyConnection, plan: Plan, provider: str, fmt: Fmt, seed: int,
                    path: Path) -> None:
    lay = _layout(con, plan, provider)
    invoices = _invoice_ids(provider, plan)
    con.execute("SET VARIABLE c_inv = ?", [invoices])
    usage = _usage_sql(lay, lay.rows(plan.days), seed)
    agg = con.execute(f"""
        SELECT mi, d, {_t('cd_id')} AS cd, sum(bc), sum(ec) FILTER (WHERE cov),
            sum(CASE WHEN cd_cat = 'Spend' THEN ec ELSE pq END) FILTER (WHERE cov), sum(ue), sum(uq)
        FROM ({usage}) GROUP BY ALL""").fetchall()
    con.register("extras_arrow", extra_rows(provider, plan.month_starts, plan.ri_break, plan.scale, invoices,
                                            agg, FOCUS_COLUMNS))
    exprs = _focus_exprs(provider)
    cols = [c.name for c in FOCUS_COLUMNS]
    inner = ", ".join(f"{exprs.get(c, 'NULL')} AS {c}" for c in cols)
    outer = ", ".join(f"CAST({c.name} AS {_sql_type(c.name, c.type, fmt)}) AS {c.name}" for c in FOCUS_COLUMNS)
    query = (f"SELECT {outer} FROM (SELECT {inner} FROM ({usage})"
             f" UNION ALL SELECT {', '.join(cols)} FROM extras_arrow)")
    options = ("FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else
               "FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ'")
    tmp = path.with_name(path.name + ".tmp")
    try:
        con.execute(f"COPY ({query}) TO {_lit(str(tmp))} ({options})")
        os.replace(tmp, path)
    finally:
        con.unregister("extras_arrow")
        tmp.unlink(missing_ok=True)


def generate(out_dir: Path, rows: int | None = None, *, seed: int = 42, fmt: Fmt = "csv",
             first_month: str = "2025-11", months: int = 12) -> list[Path]:
    """Write the demo company's bills as FOCUS 1.2 files into out_dir; return the files written.

    ``rows=None`` writes the natural demo (every resource, every day); ``rows=N`` writes exactly N rows by
    copying the fleet (the last copy partial, its last resource starting late) with the planted scenarios
    in every copy. Same arguments, same bytes.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    plan = _plan(rows, first_month, months)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = true")
        con.register("tpl_arrow", _templates())
        con.execute("CREATE TABLE tpl AS SELECT * FROM tpl_arrow")
        n_items = sum(it.count for it in ITEMS)
        con.execute(_RES_SQL.format(n_last=plan.n_res - (plan.replicas - 1) * n_items, partial=plan.partial,
                                    days=plan.days))
        con.execute(_CAL_SQL.format(y0=plan.start.year, m0=plan.start.month, anomaly=list(plan.anomaly),
                                    ri_break=list(plan.ri_break), start=plan.start.isoformat(), days=plan.days))
        for col in _CAL_LISTS:
            con.execute(f"SET VARIABLE c_{col} = (SELECT list({col} ORDER BY d) FROM cal)")
        for col in _TPL_LISTS:
            con.execute(f"SET VARIABLE t_{col} = (SELECT list({col} ORDER BY ord) FROM tpl)")
        # A table, not range(): a table scan runs in parallel (by row group) and keeps insertion order.
        most = max(plan.days * plan.n_res, 1)
        con.execute(f"CREATE TABLE idx AS SELECT CAST(range AS UINTEGER) AS i FROM range({most})")
        paths = []
        for provider in PROVIDERS:
            path = out_dir / f"demo-{provider}.{fmt}"
            _write_provider(con, plan, provider, fmt, int(seed), path)
            paths.append(path)
        return paths
    finally:
        con.close()
