"""The DuckDB SQL of the demo generator: fleet selection, calendar, and the per-row usage expressions.

Row ``i`` of a provider's usage maps arithmetically to (day ``d``, resource ``r``), and ``r`` to (replica,
position in the provider's fleet). Attributes come from DuckDB variables holding small lists (one entry
per template, per instance of one copy of a provider's fleet, per day): DuckDB copies a variable's list
for every vector it reads, so a list per resource would cost O(rows x resources). No join, no sort: the
usage streams in insertion order.
"""

from __future__ import annotations

from dataclasses import dataclass

from balise.demo.catalog import PROVIDERS

# Every instance of every template once, numbered per provider (pos), then the instances of the last
# replica (earlier replicas are whole): planted scenarios first, then the other instances spread
# proportionally (frac), so a partial replica keeps the fleet's proportions. The very last one may start
# late (start_d) so that the row count is exact.
RESOURCES = """
CREATE TABLE inst AS
SELECT ord, provider, CAST(inst AS INTEGER) AS inst,
    row_number() OVER (PARTITION BY provider ORDER BY ord, inst) - 1 AS pos,
    CASE WHEN planted AND inst = 0 THEN 0 ELSE 1 END AS grp, (inst + 0.5) / count AS frac
FROM (SELECT ord, provider, planted, count, unnest(range(count)) AS inst FROM tpl);
CREATE TABLE sel AS
SELECT provider, pos, CASE WHEN seq = {n_last} AND {partial} > 0 THEN {days} - {partial} ELSE 0 END AS start_d
FROM (SELECT *, row_number() OVER (ORDER BY grp, frac, ord, inst) AS seq FROM inst)
WHERE seq <= {n_last};
"""

CALENDAR = """
CREATE TABLE cal AS
SELECT d, CAST(day AS TIMESTAMP) AS ts, CAST(day + 1 AS TIMESTAMP) AS ts_next,
    CAST(date_trunc('month', day) AS TIMESTAMP) AS bps,
    CAST(date_trunc('month', day) + INTERVAL 1 MONTH AS TIMESTAMP) AS bpe,
    (year(day) - {y0}) * 12 + month(day) - {m0} AS mi, isodow(day) >= 6 AS wk,
    list_contains({anomaly}, d) AS anom,
    list_contains({ri_break}, (year(day) - {y0}) * 12 + month(day) - {m0}) AS brk,
    pow(1.02, d / 30.4375) AS g, pow(1.025, d / 30.4375) AS gs
FROM (SELECT CAST(i AS INTEGER) AS d, DATE '{start}' + CAST(i AS INTEGER) AS day FROM range({days}) t(i))
"""

TPL_LISTS = ("key", "sub_id", "sub_name", "service", "category", "subcategory", "rtype", "name", "rid_prefix",
             "rid_token", "sku_id", "sku_price_id", "meter", "region_id", "region_name", "az", "cunit", "punit",
             "pqf", "lp", "cp", "qty", "pattern", "tags", "count", "cd_id", "cd_name", "cd_type", "cd_cat",
             "cd_rate", "cd_unit", "descr")
CAL_LISTS = ("ts", "ts_next", "bps", "bpe", "mi", "wk", "anom", "brk", "g", "gs")

# ConsumedQuantity per day: always-on (flat), reserved batch workers idle in the break months (ri), dev
# boxes stopped at night and at weekends (office), autoscaled nodes (nodes), growing storage, usage-based
# services busier on weekdays and growing ~2 %/month (usage), the GPU cluster and its anomaly (gpu).
QUANTITY = """CASE pattern
        WHEN 'flat' THEN base
        WHEN 'ri' THEN CASE WHEN brk THEN base / 3 ELSE base END
        WHEN 'office' THEN (CASE WHEN wk THEN 1 ELSE 10 + floor(3 * u) END) * base / 24
        WHEN 'nodes' THEN least(24, round(24 * (CASE WHEN wk THEN 0.3 ELSE 0.8 END + 0.4 * u)))
        WHEN 'storage' THEN round(base * gs * (0.995 + 0.01 * u), 3)
        WHEN 'usage' THEN round(base * g * (CASE WHEN wk THEN 0.45 ELSE 1 END) * (0.85 + 0.3 * u), 3)
        WHEN 'gpu' THEN CASE WHEN anom THEN base * 8
            ELSE round(base * g * (CASE WHEN wk THEN 0.25 ELSE 1 END) * (0.8 + 0.4 * u), 1) END
        END"""


def t(col: str) -> str:
    """A template attribute of the current row."""
    return f"getvariable('t_{col}')[t]"


def c(col: str) -> str:
    """A calendar attribute of the current row's day."""
    return f"getvariable('c_{col}')[d + 1]"


def lit(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _hash01(*args: str) -> str:
    return f"((hash({', '.join(args)}) % 1000003) / 1000003.0)"


@dataclass(frozen=True, slots=True)
class Layout:
    """How a provider's usage rows map to (day, replica, position in the provider's fleet)."""

    size: int  # instances in one copy of the provider's fleet
    full: int  # copies generated in full
    last: int  # instances of the last copy (their positions are in variable p_last, the late one last)
    start_d: int  # first day of the last resource (0 when it runs the whole period)

    @property
    def resources(self) -> int:
        return self.full * self.size + self.last

    def rows(self, days: int) -> int:
        return self.resources * days - self.start_d


def usage(lay: Layout, n: int, seed: int) -> str:
    """SELECT of one provider's n usage rows with internal columns (costs as DECIMAL, quantities...)."""
    k, s, f, size = lay.resources, lay.start_d, lay.full * lay.size, max(lay.size, 1)
    a, km1 = s * (k - 1), max(k - 1, 1)  # rows before the late resource starts, resources per day until then
    look = ", ".join(f"{t(x)} AS {x}" for x in ("key", "pattern", "qty", "pqf", "lp", "cp", "cd_cat", "cd_rate"))
    cal = ", ".join(f"{c(x)} AS {x}" for x in ("wk", "anom", "brk", "g", "gs", "mi"))
    spread = _hash01(str(seed), "'size'", "key", "inst", "rep")
    noise = _hash01(str(seed), "key", "inst", "rep", "d")
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
                SELECT *, {QUANTITY} AS q FROM (
                    SELECT *, qty * CASE WHEN pattern IN ('storage', 'usage', 'gpu')
                                         THEN 0.75 + 0.5 * {spread} ELSE 1 END AS base, {noise} AS u
                    FROM (
                        SELECT d, t, inst, rep, {look}, {cal}, CASE WHEN {t('rid_token')} <> 'name'
                            THEN md5({t('key')} || ':' || inst || ':' || rep) END AS h
                        FROM (
                            SELECT d, rep, getvariable('p_tpl')[pos + 1] AS t,
                                getvariable('p_inst')[pos + 1] AS inst
                            FROM (
                                SELECT d, CAST(CASE WHEN r < {f} THEN r // {size} ELSE {lay.full} END
                                               AS INTEGER) AS rep,
                                    CASE WHEN r < {f} THEN r % {size}
                                         ELSE getvariable('p_last')[r - {f} + 1] END AS pos
                                FROM (
                                    SELECT CAST(CASE WHEN i < {a} THEN i // {km1} ELSE {s} + (i - {a}) // {k} END
                                                AS INTEGER) AS d,
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


def focus_columns(provider: str) -> dict[str, str]:
    """FOCUS column -> SQL expression over ``usage``'s columns (absent columns are NULL)."""
    p = PROVIDERS[provider]
    rname = (f"{t('name')} || CASE WHEN {t('count')} > 1 THEN '-' || lpad(CAST(inst + 1 AS VARCHAR), 2, '0')"
             " ELSE '' END || CASE WHEN rep > 0 THEN '-c' || lpad(CAST(rep AS VARCHAR), 3, '0') ELSE '' END")
    rid = (f"{t('rid_prefix')} || CASE {t('rid_token')} WHEN 'name' THEN {rname}"
           " WHEN 'hex' THEN substr(h, 1, 16) WHEN 'HEX' THEN upper(substr(h, 1, 13))"
           " ELSE substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'"
           " || substr(h, 17, 4) || '-' || substr(h, 21, 12) END")
    return {
        "AvailabilityZone": t("az"), "BilledCost": "bc", "BillingAccountId": lit(p.account_id),
        "BillingAccountName": lit(p.account_name), "BillingCurrency": lit(p.currency),
        "BillingPeriodEnd": c("bpe"), "BillingPeriodStart": c("bps"), "ChargeCategory": "'Usage'",
        "ChargeDescription": t("descr"), "ChargeFrequency": "'Usage-Based'", "ChargePeriodEnd": c("ts_next"),
        "ChargePeriodStart": c("ts"), "CommitmentDiscountCategory": "cd_cat",
        "CommitmentDiscountId": t("cd_id"), "CommitmentDiscountName": t("cd_name"),
        "CommitmentDiscountStatus": "CASE WHEN cov THEN 'Used' END", "CommitmentDiscountType": t("cd_type"),
        "ConsumedQuantity": "q", "ConsumedUnit": t("cunit"), "ContractedCost": "cc",
        "ContractedUnitPrice": "cp", "EffectiveCost": "ec", "InvoiceIssuerName": lit(p.name), "ListCost": "lc",
        "ListUnitPrice": "lp", "PricingCategory": "CASE WHEN cov THEN 'Committed' ELSE 'Standard' END",
        "PricingQuantity": "pq", "PricingUnit": t("punit"), "ProviderName": lit(p.name),
        "PublisherName": lit(p.name), "RegionId": t("region_id"), "RegionName": t("region_name"),
        "ResourceId": f"CASE WHEN {t('rtype')} IS NOT NULL THEN {rid} END",
        "ResourceName": f"CASE WHEN {t('rtype')} IS NOT NULL THEN {rname} END", "ResourceType": t("rtype"),
        "ServiceCategory": t("category"), "ServiceName": t("service"), "SkuId": t("sku_id"),
        "SkuPriceId": t("sku_price_id"), "SubAccountId": t("sub_id"), "SubAccountName": t("sub_name"),
        "Tags": t("tags"),
        "CommitmentDiscountQuantity": "CASE WHEN cov THEN CASE WHEN cd_cat = 'Spend' THEN ec ELSE pq END END",
        "CommitmentDiscountUnit": f"CASE WHEN cov THEN {t('cd_unit')} END",
        "ServiceSubcategory": t("subcategory"), "SkuMeter": t("meter"),
        "BillingAccountType": lit(p.account_type), "InvoiceId": "getvariable('c_inv')[mi + 1]",
        "PricingCurrency": lit(p.currency), "PricingCurrencyContractedUnitPrice": "cp",
        "PricingCurrencyEffectiveCost": "ec", "PricingCurrencyListUnitPrice": "lp",
        "SubAccountType": lit(p.sub_account_type),
    }


def aggregate(usage_sql: str) -> str:
    """Per (month, day, commitment): billed, used amortised cost and quantity, unused cost and quantity."""
    return f"""
    SELECT mi, d, {t('cd_id')} AS cd, sum(bc), sum(ec) FILTER (WHERE cov),
        sum(CASE WHEN cd_cat = 'Spend' THEN ec ELSE pq END) FILTER (WHERE cov), sum(ue), sum(uq)
    FROM ({usage_sql}) GROUP BY ALL"""
