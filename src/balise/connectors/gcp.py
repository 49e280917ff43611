"""Google Cloud Billing export to BigQuery, "standard usage cost" table (``gcp-billing``), as a user takes it
out of BigQuery: newline-delimited JSON (nested records, as ``bq extract`` writes them) or CSV from a query
that flattens the records (``service.description`` or ``service_description``; repeated records as JSON text).

Money follows Google's own FOCUS BigQuery view: a row's invoice amount is ``cost`` plus the sum of its
``credits[].amount`` (credits are negative), so BilledCost = EffectiveCost = cost + credits on the same row,
ContractedCost = cost and ListCost = cost_at_list. Tax, adjustment and rounding-error rows are rows of their
own (``cost_type``). The billing period is the invoice month (``invoice.month``, e.g. "202603").

Nested fields are read through DuckDB's JSON functions, so a file may lack any sub-field (BigQuery leaves out
null fields when it writes JSON). See docs/formats/gcp.md. The GCP FOCUS view is read by the ``focus`` connector.
"""

from __future__ import annotations

from balise.connectors.base import (
    Connector,
    Header,
    Projection,
    case_map,
    categories,
    kv_tags,
    lit,
    month_start,
    next_month,
)

COST, CURRENCY, START, END = "cost", "currency", "usage_start_time", "usage_end_time"
# Repeated records: field -> DuckDB type of each element.
_KV = {"key": "VARCHAR", "value": "VARCHAR"}
_CREDITS = {"name": "VARCHAR", "amount": "DOUBLE", "full_name": "VARCHAR", "id": "VARCHAR", "type": "VARCHAR"}
_FLAT_NUMBERS = ("usage.amount", "usage.amount_in_pricing_units", "price.effective_price")
NUMERIC = (COST, "cost_at_list", "credits_amount", "currency_conversion_rate",
           *_FLAT_NUMBERS, *(n.replace(".", "_") for n in _FLAT_NUMBERS))
TIMESTAMPS = (START, END, "export_time")
_CUD = {"COMMITTED_USAGE_DISCOUNT": "Usage", "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE": "Spend"}

# service.description (lower case) -> FOCUS ServiceCategory; any other service is "Other".
_SERVICE_CATEGORIES = """
Compute: compute engine|kubernetes engine|cloud run|cloud run functions|cloud functions|app engine|
  google cloud vmware engine|batch|bare metal solution
Storage: cloud storage|filestore|backup and dr service|persistent disk|netapp volumes
Databases: cloud sql|cloud spanner|spanner|firestore|cloud firestore|cloud bigtable|bigtable|
  cloud memorystore for redis|memorystore for redis|alloydb|datastore|database migration service
Networking: networking|cloud dns|cloud cdn|cloud load balancing|cloud nat|cloud interconnect|cloud vpn|
  network intelligence center|network service tiers
Security: secret manager|cloud key management service (kms)|cloud kms|security command center|cloud armor|
  identity-aware proxy|certificate authority service|sensitive data protection|recaptcha enterprise
Identity: identity platform|cloud identity
AI and Machine Learning: vertex ai|gemini api|cloud vision api|cloud natural language api|cloud translation api|
  cloud speech api|speech-to-text|text-to-speech|document ai|dialogflow|generative ai|gemini code assist
Analytics: bigquery|bigquery reservation api|bigquery storage api|dataflow|dataproc|looker|looker studio|
  cloud composer|data catalog|dataplex|datastream
Integration: cloud pub/sub|pub/sub|cloud tasks|cloud scheduler|workflows|eventarc|apigee|
  application integration
Management and Governance: cloud logging|cloud monitoring|stackdriver logging|stackdriver monitoring|
  cloud trace|error reporting|cloud asset inventory|cloud deployment manager
Developer Tools: artifact registry|cloud build|container registry|cloud source repositories|cloud deploy|
  cloud workstations
"""
SERVICE_CATEGORIES = categories(_SERVICE_CATEGORIES)

_REGIONS = """
africa-south1=Johannesburg; asia-east1=Taiwan; asia-east2=Hong Kong; asia-northeast1=Tokyo; asia-northeast2=Osaka;
asia-northeast3=Seoul; asia-south1=Mumbai; asia-south2=Delhi; asia-southeast1=Singapore; asia-southeast2=Jakarta;
australia-southeast1=Sydney; australia-southeast2=Melbourne; europe-central2=Warsaw; europe-north1=Finland;
europe-north2=Stockholm; europe-southwest1=Madrid; europe-west1=Belgium; europe-west2=London;
europe-west3=Frankfurt; europe-west4=Netherlands; europe-west6=Zurich; europe-west8=Milan; europe-west9=Paris;
europe-west10=Berlin; europe-west12=Turin; me-central1=Doha; me-central2=Dammam; me-west1=Tel Aviv;
northamerica-northeast1=Montréal; northamerica-northeast2=Toronto; northamerica-south1=Querétaro;
southamerica-east1=São Paulo; southamerica-west1=Santiago; us-central1=Iowa; us-east1=South Carolina;
us-east4=Northern Virginia; us-east5=Columbus; us-south1=Dallas; us-west1=Oregon; us-west2=Los Angeles;
us-west3=Salt Lake City; us-west4=Las Vegas
"""
# location.region -> RegionName (Google's FOCUS view names regions after their city).
REGION_NAMES = {k.strip(): v.strip() for k, _, v in (e.partition("=") for e in _REGIONS.split(";"))}


def field(h: Header, path: str) -> str:
    """SQL for a nested field ``record.field`` (or ``record.sub.field``): a flat CSV column named with dots or
    underscores, else a JSON path into the record column (NULL when the record or the field is absent)."""
    for flat in (path, path.replace(".", "_")):
        if flat in h:
            return h.col(flat)
    top, _, rest = path.partition(".")
    if rest and top in h:
        return f"json_extract_string(TRY_CAST({h.col(top)} AS JSON), {lit('$.' + rest)})"
    return "NULL"


def _number(h: Header, path: str) -> str:
    return f"TRY_CAST({field(h, path)} AS DOUBLE)"


def _records(h: Header, path: str, fields: dict[str, str]) -> str:
    """SQL: a repeated record (``labels``, ``credits``, ``project.labels``) as a typed LIST, from a JSON list
    column, from JSON text in a CSV column, or from inside a parent record."""
    top, _, rest = path.partition(".")
    if path in h or path.replace(".", "_") in h:
        json = f"TRY_CAST({field(h, path) if rest else h.col(path)} AS JSON)"
    elif rest and top in h:
        json = f"json_extract(TRY_CAST({h.col(top)} AS JSON), {lit('$.' + rest)})"
    else:
        json = "NULL"
    structure = "[{" + ", ".join(f'"{k}": "{t}"' for k, t in fields.items()) + "}]"
    typed = "STRUCT(" + ", ".join(f'"{k}" {t}' for k, t in fields.items()) + ")[]"
    return f"CAST(from_json({json}, {lit(structure)}) AS {typed})"  # typed even when NULL


def _tags(h: Header) -> str:
    """Resource labels first, then resource-manager tags, system labels (``goog-…`` keys kept) and last the
    labels inherited from the project: on a key seen twice, the first wins."""
    lists = [f"coalesce({_records(h, p, _KV)}, [])" for p in ("labels", "tags", "system_labels", "project.labels")]
    return kv_tags(f"list_concat({', '.join(lists)})")


def _project(h: Header) -> Projection:
    cost = h.col(COST)
    credits = _records(h, "credits", _CREDITS)
    credit_sum = f"coalesce({h.col('credits_amount')}, list_sum(list_transform({credits}, lambda c: c.amount)), 0.0)"
    cud_types = ", ".join(lit(t) for t in _CUD)
    cud = f"list_filter({credits}, lambda c: c.type IN ({cud_types}))[1]"  # the CUD credit, if any
    cost_type = f"lower(coalesce({h.col('cost_type')}, 'regular'))"
    regular = f"({cost_type} = 'regular')"
    sku = field(h, "sku.description")
    commitment_fee = f"(lower({sku}) LIKE 'commitment%')"
    adjustment = " OR ".join(f"coalesce({field(h, 'adjustment_info.' + f)}, '') <> ''"
                             for f in ("id", "description", "type", "mode"))
    start = h.col(START)
    invoice = f"try_strptime(CAST({field(h, 'invoice.month')} AS VARCHAR), '%Y%m')"
    period = f"coalesce({invoice}, {month_start(start)})"
    region = field(h, "location.region")
    publisher = f"CASE WHEN upper({h.col('transaction_type')}) LIKE 'THIRD_PARTY%' THEN {h.col('seller_name')} END"
    return {
        "BilledCost": f"{cost} + {credit_sum}",
        "EffectiveCost": f"{cost} + {credit_sum}",
        "ContractedCost": cost,
        "ListCost": f"coalesce({h.col('cost_at_list')}, {cost})",
        "ContractedUnitPrice": _number(h, "price.effective_price"),
        "BillingCurrency": h.col(CURRENCY),
        "BillingAccountId": h.col("billing_account_id"),
        "BillingAccountType": lit("Billing Account"),
        "SubAccountId": field(h, "project.id"),
        "SubAccountName": field(h, "project.name"),
        "SubAccountType": f"CASE WHEN {field(h, 'project.id')} IS NOT NULL THEN 'Project' END",
        "BillingPeriodStart": period,
        "BillingPeriodEnd": next_month(period),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": h.col(END),
        "ChargeCategory": (f"CASE {cost_type} WHEN 'regular' THEN 'Usage' WHEN 'tax' THEN 'Tax' "
                           f"ELSE 'Adjustment' END"),
        "ChargeClass": f"CASE WHEN {adjustment} THEN 'Correction' END",
        "ChargeFrequency": (f"CASE WHEN NOT {regular} THEN 'One-Time' WHEN {commitment_fee} THEN 'Recurring' "
                            f"ELSE 'Usage-Based' END"),
        "ChargeDescription": f"coalesce({sku}, {field(h, 'adjustment_info.description')})",
        "PricingCategory": (f"CASE WHEN NOT {regular} THEN NULL WHEN {commitment_fee} OR {cud} IS NOT NULL "
                            f"THEN 'Committed' ELSE 'Standard' END"),
        "CommitmentDiscountCategory": case_map(f"({cud}).type", _CUD, "NULL"),
        "CommitmentDiscountId": f"coalesce({field(h, 'subscription.instance_id')}, ({cud}).id)",
        "CommitmentDiscountName": f"({cud}).full_name",
        "CommitmentDiscountType": f"CASE WHEN {cud} IS NOT NULL THEN 'Committed Use Discount' END",
        "CommitmentDiscountStatus": f"CASE WHEN {cud} IS NOT NULL THEN 'Used' END",
        "ConsumedQuantity": f"CASE WHEN {regular} THEN {_number(h, 'usage.amount')} END",
        "ConsumedUnit": f"CASE WHEN {regular} THEN {field(h, 'usage.unit')} END",
        "PricingQuantity": f"CASE WHEN {regular} THEN {_number(h, 'usage.amount_in_pricing_units')} END",
        "PricingUnit": f"CASE WHEN {regular} THEN {field(h, 'usage.pricing_unit')} END",
        "ProviderName": lit("Google Cloud"),
        "PublisherName": f"coalesce({publisher}, 'Google Cloud')",
        "InvoiceIssuerName": lit("Google Cloud"),
        "ServiceName": field(h, "service.description"),
        "ServiceCategory": case_map(f"lower(trim({field(h, 'service.description')}))", SERVICE_CATEGORIES,
                                    "'Other'"),
        "RegionId": region,
        "RegionName": case_map(region, REGION_NAMES, f"coalesce({region}, {field(h, 'location.location')})"),
        "AvailabilityZone": field(h, "location.zone"),
        "ResourceId": field(h, "resource.global_name"),
        "ResourceName": field(h, "resource.name"),
        "SkuId": field(h, "sku.id"),
        "Tags": _tags(h),
    }


def _detect(h: Header) -> bool:
    service = h.has_any(("service.description", "service_description", "service"))
    return h.has_all((COST, CURRENCY, START)) and service


CONNECTORS: tuple[Connector, ...] = (
    Connector(
        name="gcp-billing",
        label="Google Cloud Billing export to BigQuery, standard usage cost (JSON lines or flattened CSV)",
        provider="gcp",
        detect=_detect,
        project=_project,
        numeric=NUMERIC,
        timestamps=TIMESTAMPS,
        required_columns=(COST, CURRENCY, START),
        required_values=(COST, CURRENCY, START),
        period=(START, END),
        specificity=20,
        verified="documentation",
        reference=("Google Cloud, 'Structure of Standard data export' (https://cloud.google.com/billing/docs/"
                   "how-to/export-data-bigquery-tables/standard-usage); Google's FOCUS 1.0 BigQuery view SQL "
                   "template (2024-03-19)"),
        cost_columns={"BilledCost": "cost + SUM(credits.amount)", "EffectiveCost": "cost + SUM(credits.amount)",
                      "ListCost": "cost_at_list", "ContractedCost": "cost"},
    ),
)
