"""Scaleway billing consumption, as a CSV of the Billing API's consumption lines.

One connector, ``scaleway`` (see ``docs/formats/scaleway.md``; verified against documentation only). Columns are
the fields of ``ListConsumptions`` (Billing API v2beta1): ``category_name``, ``product_name``, ``resource_name``,
``sku``, ``project_id``, ``unit``, ``billed_quantity`` and the Money ``value`` — either as one decimal column
``value`` (with ``currency_code``) or flattened as ``value.units``, ``value.nanos``, ``value.currency_code``
(what ``pandas.json_normalize`` makes of the API answer). Context columns are used when present:
``billing_period`` (YYYY-MM), ``organization_id``/``organization_name``, ``project_name``, ``resource_id``,
``zone``/``region``, ``invoice_id``, ``start_date``/``end_date``, ``tags``.

Without a currency column the amount is taken as euros: Scaleway bills in EUR.

Tags: Scaleway tags are a list of strings. A ``tags`` cell holds a JSON array (``["env=prod","web"]``) or a
comma-separated list (``env=prod, web``). ``key=value`` becomes ``"key": "value"`` (split at the first ``=``,
both sides trimmed, key case kept); ``key=`` (empty value) is dropped; a bare ``web`` becomes ``"web": true`` as
FOCUS asks for keys without values; when a key repeats, the first one wins; no tag gives NULL.
"""

from __future__ import annotations

from balise.connectors.base import Connector, Header, Projection, lit, month_start

REFERENCE = ("Scaleway Billing API v2beta1, ListConsumptions (scaleway.billing.v2beta1.ListConsumptionsResponse."
             "Consumption), https://www.scaleway.com/en/developers/api/billing/ ; « Retrieving your monthly "
             "consumption », https://www.scaleway.com/en/docs/billing/api-cli/retrieve-monthly-consumption/")

_CURRENCY = ("currency_code", "value.currency_code", "currency")
_CATEGORIES = {
    "compute": "Compute", "baremetal": "Compute", "bare metal": "Compute", "elastic metal": "Compute",
    "dedibox": "Compute", "apple silicon": "Compute", "containers": "Compute", "serverless": "Compute",
    "managed databases": "Databases", "databases": "Databases",
    "storage": "Storage", "object storage": "Storage",
    "network": "Networking", "domains": "Networking",
    "observability": "Management and Governance",
    "security and identity": "Security", "security": "Security",
    "ai": "AI and Machine Learning", "generative apis": "AI and Machine Learning",
    "managed inference": "AI and Machine Learning",
    "data & analytics": "Analytics", "analytics": "Analytics",
    "integration services": "Integration", "messaging": "Integration",
}
_REGIONS = (("PAR", "fr-par", "Paris"), ("AMS", "nl-ams", "Amsterdam"), ("WAW", "pl-waw", "Varsovie"))


def _detect(h: Header) -> bool:
    return h.has_all(("category_name", "product_name", "sku")) and h.has_any(("value", "value.units"))


def _billed(h: Header) -> str:
    if "value" in h:
        return h.col("value")
    units, nanos = h.col("value.units"), h.col("value.nanos")
    return f"(coalesce({units}, 0) + coalesce({nanos}, 0) / 1e9)"


def _period(h: Header) -> str:
    bp = h.col("billing_period")
    if bp == "NULL":
        return "CAST(NULL AS TIMESTAMP)"
    return f"try_strptime(trim({bp}), ['%Y-%m', '%Y-%m-%d', '%m/%Y', '%d/%m/%Y'])"


def _region(h: Header) -> tuple[str, str]:
    """SQL for (RegionId, AvailabilityZone)."""
    if "region" in h:
        region = f"lower(trim({h.col('region')}))"
        return region, (f"lower(trim({h.col('zone')}))" if "zone" in h else "NULL")
    if "zone" in h:
        zone = f"lower(trim({h.col('zone')}))"
        return f"regexp_replace({zone}, '-[0-9]+$', '')", zone
    name = f"upper(coalesce({h.col('resource_name')}, ''))"
    code = f"regexp_extract({name}, '\\b(PAR|AMS|WAW)([1-9]?)\\b', 1)"
    digit = f"regexp_extract({name}, '\\b(PAR|AMS|WAW)([1-9]?)\\b', 2)"
    region = "CASE " + " ".join(f"WHEN {code} = {lit(c)} THEN {lit(r)}" for c, r, _ in _REGIONS) + " END"
    return region, f"CASE WHEN {digit} <> '' THEN {region} || '-' || {digit} END"


def tags_sql(col: str) -> str:
    """SQL turning a Scaleway tag list (JSON array or comma-separated) into a FOCUS Tags JSON object."""
    raw = f"trim({col})"
    items = (f"(CASE WHEN {raw} IS NULL OR {raw} = '' THEN CAST([] AS VARCHAR[]) "
             f"WHEN json_valid({raw}) AND json_type({raw}) = 'ARRAY' THEN from_json({raw}, '[\"VARCHAR\"]') "
             f"ELSE string_split({raw}, ',') END)")
    entries = (f"list_transform(list_filter(list_transform({items}, lambda t: trim(t)), lambda t: t <> ''), "
               "lambda t: {'k': trim(CASE WHEN contains(t, '=') THEN split_part(t, '=', 1) ELSE t END), "
               "'v': CASE WHEN contains(t, '=') THEN trim(substr(t, strpos(t, '=') + 1)) END, "
               "'bare': NOT contains(t, '=')})")
    kept = f"list_filter({entries}, lambda e: e.k <> '' AND (e.bare OR e.v <> ''))"
    first = f"list_filter({kept}, lambda e, i: list_position(list_transform({kept}, lambda x: x.k), e.k) = i)"
    pairs = (f"list_transform({first}, lambda e: CAST(to_json(e.k) AS VARCHAR) || ':' || "
             "CASE WHEN e.bare THEN 'true' ELSE CAST(to_json(e.v) AS VARCHAR) END)")
    return f"CASE WHEN len({kept}) = 0 THEN NULL ELSE '{{' || array_to_string({pairs}, ',') || '}}' END"


def _project(h: Header) -> Projection:
    billed = _billed(h)
    cat, product, resource = h.col("category_name"), h.col("product_name"), h.col("resource_name")
    qty, unit = h.col("billed_quantity"), h.col("unit")
    low_cat = f"lower(trim(coalesce({cat}, '')))"
    category = (f"CASE WHEN regexp_matches({low_cat}, '^(tax|taxes|tva|vat)\\b') "
                f"OR regexp_matches(lower(coalesce({product}, '')), '^(tva|vat)\\b') THEN 'Tax' "
                f"WHEN {billed} < 0 THEN 'Credit' ELSE 'Usage' END")
    services = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in _CATEGORIES.items())
    period = _period(h)
    start, end = h.col("start_date"), h.col("end_date")
    charge_start = f"coalesce({start}, {period})" if start != "NULL" else period
    exclusive = (f"CASE WHEN {end} = date_trunc('day', {end}) THEN {end} + INTERVAL 1 DAY ELSE {end} END"
                 if end != "NULL" else "NULL")
    bp_start = f"coalesce({period}, {month_start(start)})" if start != "NULL" else period
    region, zone = _region(h)
    currency = h.col(*_CURRENCY)
    return {
        "ProviderName": lit("Scaleway"), "PublisherName": lit("Scaleway"), "InvoiceIssuerName": lit("Scaleway"),
        "BilledCost": billed,
        "EffectiveCost": billed,
        "ListCost": f"CASE WHEN ({category}) = 'Credit' THEN 0 ELSE {billed} END",
        "ContractedCost": f"CASE WHEN ({category}) = 'Credit' THEN 0 ELSE {billed} END",
        "BillingCurrency": (lit("EUR") if currency == "NULL"
                            else f"coalesce(nullif(upper(trim({currency})), ''), 'EUR')"),
        "ChargeCategory": category,
        "ChargeDescription": f"concat_ws(' — ', {product}, {resource})",
        "ChargeFrequency": (f"CASE WHEN ({category}) = 'Tax' THEN NULL WHEN ({category}) = 'Credit' THEN 'One-Time' "
                            f"WHEN {low_cat} = 'subscription' OR lower(coalesce({unit}, '')) LIKE '%month%' "
                            "THEN 'Recurring' ELSE 'Usage-Based' END"),
        "PricingCategory": f"CASE WHEN ({category}) = 'Usage' THEN 'Standard' END",
        "ChargePeriodStart": charge_start,
        "ChargePeriodEnd": f"coalesce({exclusive}, {period} + INTERVAL 1 MONTH)",
        "BillingPeriodStart": bp_start,
        "BillingPeriodEnd": f"({bp_start} + INTERVAL 1 MONTH)",
        "ServiceName": f"coalesce(nullif(trim({product}), ''), {cat})",
        "ServiceCategory": (f"CASE WHEN ({category}) = 'Tax' THEN 'Other' ELSE "
                            f"CASE {low_cat} {services} ELSE 'Other' END END"),
        "RegionId": region,
        "RegionName": "CASE " + " ".join(f"WHEN ({region}) = {lit(r)} THEN {lit(n)}" for _, r, n in _REGIONS)
                      + " END",
        "AvailabilityZone": zone,
        "ResourceId": h.col("resource_id"),
        "SkuId": h.col("sku"),
        "SkuMeter": resource,
        "ConsumedQuantity": f"CASE WHEN ({category}) = 'Usage' THEN {qty} END",
        "ConsumedUnit": f"CASE WHEN ({category}) = 'Usage' THEN {unit} END",
        "PricingQuantity": qty,
        "PricingUnit": unit,
        "BillingAccountId": h.col("organization_id"),
        "BillingAccountName": h.col("organization_name"),
        "BillingAccountType": lit("Organization") if "organization_id" in h else "NULL",
        "SubAccountId": h.col("project_id"),
        "SubAccountName": h.col("project_name"),
        "SubAccountType": lit("Project") if "project_id" in h else "NULL",
        "InvoiceId": h.col("invoice_id"),
        "Tags": tags_sql(h.col("tags")) if "tags" in h else "NULL",
    }


CONNECTOR = Connector(
    name="scaleway",
    label="Scaleway billing consumption (Billing API ListConsumptions lines as CSV)",
    provider="scaleway",
    detect=_detect,
    project=_project,
    numeric=("value", "value.units", "value.nanos", "billed_quantity"),
    timestamps=("start_date", "end_date"),
    required_columns=("category_name", "product_name", "sku"),
    required_values=("value", "value.units", "billing_period"),
    period=("start_date", "end_date"),
    specificity=20,
    reference=REFERENCE,
    cost_columns={"BilledCost": "value (or value.units + value.nanos / 10^9)", "EffectiveCost": "value",
                  "ListCost": "value (0 on credits)", "ContractedCost": "value (0 on credits)"},
)

CONNECTORS: tuple[Connector, ...] = (CONNECTOR,)
