"""Oracle Cloud Infrastructure cost reports (the OCI proprietary CSV: ``lineItem/…``, ``cost/…``, ``tags/…``).

The mapping follows the table Oracle publishes beside the schema ("FOCUS Cost Report Schema", which names the
proprietary column behind each FOCUS column), with two departures written in docs/formats/oci.md: a
correction row (``lineItem/isCorrection``) stays a Usage charge with ChargeClass "Correction" (FOCUS 1.2)
instead of Oracle's "Adjustment", and the billing period, absent from the report, is the calendar month of the
usage start.

Money: ``cost/myCost`` already includes overage ("billedQuantity, myCost, and unitPrice are inclusive of
Overage numbers", Oracle's schema), so BilledCost is ``cost/myCost`` alone; adding ``cost/myCostOverage``
would count the overage twice.
"""

from __future__ import annotations

from balise.connectors.base import Connector, Header, Projection, lit, month_start, next_month, q, tags_expr

COST, START, END, CURRENCY = ("cost/myCost", "lineItem/intervalUsageStart", "lineItem/intervalUsageEnd",
                              "cost/currencyCode")
QUANTITY, UNIT_PRICE, UNIT = "usage/billedQuantity", "cost/unitPrice", "cost/skuUnitDescription"
TAGS = "tags/"

# product/service -> FOCUS ServiceCategory; the service codes seen in cost reports, then name patterns.
SERVICE_CATEGORIES: dict[str, str] = {
    "COMPUTE": "Compute", "FUNCTIONS": "Compute", "CONTAINER_ENGINE": "Compute", "OKE": "Compute",
    "CONTAINER_INSTANCES": "Compute", "BLOCK_STORAGE": "Storage", "OBJECTSTORE": "Storage",
    "FILE_STORAGE": "Storage", "ARCHIVE_STORAGE": "Storage", "DATABASE": "Databases", "MYSQL": "Databases",
    "NOSQL": "Databases", "POSTGRESQL": "Databases", "EXADATA": "Databases", "NETWORK": "Networking",
    "LOAD_BALANCER": "Networking", "NETWORK_LOAD_BALANCER": "Networking", "DNS": "Networking",
    "FASTCONNECT": "Networking", "VPN": "Networking", "API_GATEWAY": "Networking",
    "TELEMETRY": "Management and Governance", "LOGGING": "Management and Governance",
    "MONITORING": "Management and Governance",
    "NOTIFICATIONS": "Integration", "ORACLE_STREAMING_SERVICE": "Integration", "STREAMING": "Integration",
    "QUEUE": "Integration", "INTEGRATION": "Integration", "DATA_INTEGRATION": "Analytics",
    "ANALYTICS": "Analytics", "DATA_FLOW": "Analytics", "DATA_CATALOG": "Analytics",
    "GOLDENGATE": "Analytics",
    "DATA_SCIENCE": "AI and Machine Learning", "AI_SERVICES": "AI and Machine Learning",
    "GENERATIVE_AI": "AI and Machine Learning", "VAULT": "Security", "KMS": "Security", "WAF": "Security",
    "CLOUD_GUARD": "Security", "BASTION": "Security", "IDENTITY": "Identity", "DEVOPS": "Developer Tools",
}
_PATTERNS = (("%STORAGE%", "Storage"), ("%DATABASE%", "Databases"), ("%SQL%", "Databases"),
             ("%NETWORK%", "Networking"), ("%AI%", "AI and Machine Learning"))


def _text(h: Header, name: str) -> str:
    return f"nullif(trim({h.col(name)}), '')"


def _service_category(service: str) -> str:
    known = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in SERVICE_CATEGORIES.items())
    patterns = " ".join(f"WHEN upper({service}) LIKE {lit(p)} THEN {lit(v)}" for p, v in _PATTERNS)
    return f"CASE upper({service}) {known} ELSE CASE {patterns} ELSE 'Other' END END"


def _project(h: Header) -> Projection:
    start, service, rid = h.col(START), _text(h, "product/service"), _text(h, "product/resourceId")
    correction = f"lower(trim({h.col('lineItem/isCorrection')})) = 'true'"
    region = _text(h, "product/region")
    return {
        "BillingAccountId": f"coalesce({_text(h, 'cost/subscriptionId')}, {_text(h, 'lineItem/tenantId')})",
        "SubAccountId": _text(h, "lineItem/tenantId"),
        "BillingCurrency": _text(h, CURRENCY),
        "BillingPeriodStart": month_start(start),
        "BillingPeriodEnd": next_month(start),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": h.col(END),
        "BilledCost": h.col(COST),
        "EffectiveCost": h.col(COST),
        "ContractedCost": h.col(COST),
        "ContractedUnitPrice": h.col(UNIT_PRICE),
        "ChargeCategory": "'Usage'",
        "ChargeClass": f"CASE WHEN {correction} THEN 'Correction' END",
        "ChargeFrequency": "'Usage-Based'",
        "ChargeDescription": _text(h, "product/Description"),
        "PricingCategory": "'Standard'",
        "ConsumedQuantity": h.col(QUANTITY),
        "ConsumedUnit": _text(h, UNIT),
        "PricingQuantity": h.col(QUANTITY),
        "PricingUnit": _text(h, UNIT),
        "ProviderName": "'Oracle'",
        "PublisherName": "'Oracle'",
        "InvoiceIssuerName": "'Oracle'",
        "ServiceName": service,
        "ServiceCategory": _service_category(service),
        "RegionId": region,
        "RegionName": region,
        "AvailabilityZone": _text(h, "product/availabilityDomain"),
        "ResourceId": rid,
        "ResourceType": f"nullif(regexp_extract({rid}, '^ocid1\\.([a-z0-9_]+)\\.', 1), '')",
        "SkuId": _text(h, "cost/productSku"),
        # DuckDB 2.0 refuses base.tags_expr's "e ->" lambdas: rewritten until base.py uses "lambda e:".
        "Tags": tags_expr([(real[len(TAGS):], q(real)) for real in h.starting_with(TAGS)]).replace(
            "e -> ", "lambda e: "),
    }


CONNECTORS: tuple[Connector, ...] = (Connector(
    name="oci",
    label="Oracle Cloud Infrastructure cost report (lineItem/…, cost/myCost, tags/… columns)",
    provider="oci",
    detect=lambda h: h.has_all((COST, START)),
    project=_project,
    numeric=(COST, QUANTITY, UNIT_PRICE),
    timestamps=(START, END),
    required_columns=(COST, START, CURRENCY),
    required_values=(COST, START, CURRENCY),
    period=(START, END),
    specificity=20,
    verified="real export",
    reference="Oracle Cloud Infrastructure documentation, Cost Reports: OCI proprietary and FOCUS report "
              "schemas (https://docs.oracle.com/en-us/iaas/Content/Billing/Concepts/costusagereportsoverview.htm)",
    cost_columns={"BilledCost": COST, "EffectiveCost": COST, "ContractedCost": COST,
                  "ListCost": "(none: the report has no list price)"},
),)
