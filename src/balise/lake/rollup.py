"""Per-resource monthly rollups of lake files: a derived cache that makes rules fast on large lakes.

Rules read one row per resource (``balise.rules.context``), not every FOCUS row. Aggregating 2.5 M rows (three
months of a 10 M-row year) per resource costs seconds, most of it in picking each resource's latest
attributes and counting its distinct days. A lake file never changes once written (a replacement is a new
file), so its rollup is computed once and kept under ``<workspace>/cache/rollups/``, named after the file's
path, size and modification time: a stale rollup cannot be read, and deleting the folder is always safe.

A second rollup, ``summary``, sums the rows per day over the low-cardinality FOCUS columns (no ResourceId):
daily and monthly spend, commitments and anomalies read it (``RuleContext.sums``) instead of every row.

Resource rollup columns (one row per ResourceId, BillingCurrency and month of ``ChargePeriodStart``), see
``RuleContext.resources`` for their meaning: resource_id, currency, month, attrs (struct of the latest row's
ResourceName, ResourceType, x_Provider, ServiceName, ServiceCategory, account, SubAccountName, region, SkuId,
ChargeDescription, ConsumedUnit), tags, tagged_at, last_ts, rows, days, first_day, last_day, billed,
effective, list_cost, usage_effective, consumed, min_daily, max_daily (of the day's summed one-day usage cost).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

VERSION = 1

_HAS_TAGS = "(Tags IS NOT NULL AND trim(Tags) NOT IN ('', '{}'))"
_ATTRS = ("{'resource_name': ResourceName, 'resource_type': ResourceType, 'provider': x_Provider, "
          "'service': ServiceName, 'service_category': ServiceCategory, "
          "'account': coalesce(SubAccountId, BillingAccountId), 'account_name': SubAccountName, "
          "'region': coalesce(RegionId, RegionName), 'sku': SkuId, 'description': ChargeDescription, "
          "'consumed_unit': ConsumedUnit}")

_ONE_DAY_USAGE = "ChargeCategory = 'Usage' AND ChargePeriodEnd - ChargePeriodStart <= INTERVAL 1 DAY"
# Two passes over the file, joined: attributes and sums per resource-month (no DISTINCT: it is slow), and
# per resource-day (days billed, and the day's one-day usage cost for min/max).
_SQL = f"""
WITH m AS (
    SELECT ResourceId AS resource_id, BillingCurrency AS currency, strftime(ChargePeriodStart, '%Y-%m') AS month,
           arg_max({_ATTRS}, ChargePeriodStart) AS attrs, max(ChargePeriodStart) AS last_ts,
           arg_max(Tags, CASE WHEN {_HAS_TAGS} THEN ChargePeriodStart END) AS tags,
           max(CASE WHEN {_HAS_TAGS} THEN ChargePeriodStart END) AS tagged_at,
           count(*) AS rows, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective,
           sum(ListCost) AS list_cost,
           sum(CASE WHEN ChargeCategory = 'Usage' THEN EffectiveCost ELSE 0 END) AS usage_effective,
           sum(ConsumedQuantity) AS consumed
    FROM read_parquet($file) WHERE ResourceId IS NOT NULL GROUP BY ALL
), d AS (
    SELECT resource_id, currency, month, count(*) AS days, min(day) AS first_day, max(day) AS last_day,
           min(usage) FILTER (WHERE usage > 0) AS min_daily, max(usage) FILTER (WHERE usage > 0) AS max_daily
    FROM (SELECT ResourceId AS resource_id, BillingCurrency AS currency,
                 strftime(ChargePeriodStart, '%Y-%m') AS month, CAST(ChargePeriodStart AS DATE) AS day,
                 sum(CASE WHEN {_ONE_DAY_USAGE} THEN EffectiveCost END) AS usage
          FROM read_parquet($file) WHERE ResourceId IS NOT NULL GROUP BY ALL)
    GROUP BY ALL
)
SELECT m.*, d.days, d.first_day, d.last_day, d.min_daily, d.max_daily
FROM m JOIN d USING (resource_id, currency, month)
"""


# --- the summary rollup: FOCUS rows without their resource, summed per day ---------------------------------
# The FOCUS columns of low cardinality that analyses group or filter on, the charge period, and null flags of
# the summed columns (so "has a ListCost" stays exact per group); Tags only on rows without a ResourceId (usage
# billed to no resource: data transfer, bandwidth). Sums keep the FOCUS names; x_Rows counts the rows.
SUMMARY_KEYS = ("x_Provider", "ProviderName", "BillingAccountId", "SubAccountId", "ServiceName", "ServiceCategory",
                "RegionId", "RegionName", "BillingCurrency", "ChargeCategory", "ChargeClass", "ChargeFrequency",
                "PricingCategory", "CommitmentDiscountId", "CommitmentDiscountStatus", "CommitmentDiscountCategory",
                "CommitmentDiscountType", "CommitmentDiscountName", "CommitmentDiscountUnit", "ResourceType",
                "ChargePeriodStart", "ChargePeriodEnd")
SUMMARY_SUMS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ConsumedQuantity", "PricingQuantity",
                "CommitmentDiscountQuantity")
_SUMMARY_SQL = f"""
SELECT {", ".join(SUMMARY_KEYS)},
       ResourceId IS NOT NULL AS x_HasResource, CASE WHEN ResourceId IS NULL THEN Tags END AS Tags,
       {", ".join(f"{c} IS NULL AS x_{c}Null" for c in SUMMARY_SUMS)},
       {", ".join(f"sum({c}) AS {c}" for c in SUMMARY_SUMS)}, count(*) AS x_Rows
FROM read_parquet($file) GROUP BY ALL
"""


# --- the usage rollup: usage rows summed per carbon profile, month, resource, tags and account ---------------
# What every carbon query needs (``balise.services.carbon``: provider, service, region, ResourceType, SkuId,
# ChargeDescription and ConsumedUnit make the profile whose factors are computed once): ~30 times fewer rows.
USAGE_KEYS = ("x_Provider", "ServiceName", "ServiceCategory", "RegionId", "RegionName", "ResourceType", "SkuId",
              "ChargeDescription", "ConsumedUnit", "BillingCurrency", "ResourceId", "Tags", "SubAccountId",
              "BillingAccountId")
_USAGE_SQL = f"""
SELECT {", ".join(USAGE_KEYS)}, date_trunc('month', ChargePeriodStart) AS ChargePeriodStart,
       sum(ConsumedQuantity) AS ConsumedQuantity, sum(coalesce(EffectiveCost, 0)) AS EffectiveCost,
       count(*) AS x_Rows
FROM read_parquet($file) WHERE ChargeCategory = 'Usage' GROUP BY ALL
"""


def rollup_path(cache: Path, file: Path, kind: str = "resources") -> Path:
    st = file.stat()
    key = hashlib.sha256(f"{VERSION}:{kind}:{file.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()
    return cache / f"{key[:24]}{'' if kind == 'resources' else '.' + kind}.parquet"


def ensure(files: Sequence[Path], cache: Path, con: duckdb.DuckDBPyConnection | None = None,
           kind: str = "resources") -> list[Path]:
    """The rollup of each file (``kind``: one of ``KINDS``), computing the missing ones (written aside, then
    renamed into place)."""
    cache.mkdir(parents=True, exist_ok=True)
    sql = _SQLS[kind]
    out = []
    own = con is None
    for f in files:
        path = rollup_path(cache, f, kind)
        if not path.exists():
            con = con or duckdb.connect(config={"memory_limit": "1GB"})
            con.execute("SET TimeZone='UTC'")
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            rel = con.sql(sql, params={"file": str(f)})
            rel.write_parquet(str(tmp), compression="zstd")
            os.replace(tmp, path)
        out.append(path)
    if own and con is not None:
        con.close()
    return out


def ensure_all(files: Sequence[Path], cache: Path) -> None:
    """Every kind of rollup of every file (called after an ingest)."""
    con = duckdb.connect(config={"memory_limit": "1GB"})
    try:
        for kind in KINDS:
            ensure(files, cache, con, kind)
    finally:
        con.close()


_SQLS = {"resources": _SQL, "summary": _SUMMARY_SQL, "usage": _USAGE_SQL}
KINDS = tuple(_SQLS)
