"""OVHcloud bills and Public Cloud consumption, as a French customer gets them.

Three layouts, three connectors (see ``docs/formats/ovhcloud.md``; verified against documentation only):

- ``ovhcloud-bills``: the Control Panel's *Factures > Actions de masse > Tout exporter en CSV*, one row per
  invoice (Référence, Numéro de la commande, Date d'émission, Montant HT, Montant TTC, Solde, Statut).
- ``ovhcloud-bill-details``: invoice lines, with the fields of the API ``GET /me/bill/{billId}/details``
  (billId, billDetailId, domain, description, periodStart, periodEnd, quantity, unitPrice, totalPrice).
- ``ovhcloud-usage``: Public Cloud project consumption, the API ``GET /cloud/project/{serviceName}/usage/history/
  {usageId}`` flattened to one row per resource (projectId, period.from/to, billingType, usageType, region,
  reference, resourceId, quantity, unit, totalPrice).

OVHcloud's own FOCUS export, where a customer has one, is read by the ``focus`` connector. None of these
layouts has a currency column in the documentation: OVHcloud France bills in euros, so EUR is used unless a
``currencyCode`` column is present. Amounts are before VAT (HT): OVHcloud puts VAT on the invoice total only.
"""

from __future__ import annotations

from balise.connectors.base import Connector, Header, Projection, lit, month_start

REFERENCE_BILLS = ("OVHcloud, « Gérer mes factures OVHcloud » (guide, section Actions de masse, 2024-02-26), "
                   "https://docs.ovh.com/fr/billing/gerer-factures-ovh/")
REFERENCE_API = ("OVHcloud API v1, /me/bill/{billId}/details (billing.BillDetail) and "
                 "/cloud/project/{serviceName}/usage/history/{usageId} (cloud.usage.UsageHistoryDetail), "
                 "https://eu.api.ovh.com/console/")

_CURRENCY = ("currencyCode", "totalPrice.currencyCode", "currency", "Devise")

# (pattern over the lower-cased description, ServiceName, ServiceCategory): the first match wins.
_SERVICES: tuple[tuple[str, str, str], ...] = (
    (r"database|base de donn|postgres|mysql|mongodb|redis|valkey|kafka|opensearch|clickhouse|\bdb[0-9]?-",
     "Managed Databases", "Databases"),
    (r"\bai[- ](notebooks?|training|deploy|endpoints?)|machine learning|apprentissage", "AI & Machine Learning",
     "AI and Machine Learning"),
    (r"load ?balancer|loadbalancer|répartiteur de charge|octavia", "Load Balancer", "Networking"),
    (r"\bip\b|\bips\b|floatingip|publicip|failover|adresse ip|ipv4", "IP", "Networking"),
    (r"bande passante|bandwidth|trafic|traffic|vrack|gateway|passerelle|réseau privé|private network",
     "Network", "Networking"),
    (r"object storage|stockage objet|\bs3\b|swift|\bpc[as]\b|cold archive|\barchive\b", "Object Storage",
     "Storage"),
    (r"volume|block storage|stockage bloc|snapshot|instantané|backup|sauvegarde", "Block Storage", "Storage"),
    (r"kubernetes|registry|registre", "Managed Kubernetes", "Compute"),
    (r"instance|\b(b2|b3|c2|c3|r2|r3|d2|s1|t1|t2|i1|l4|l40s|a10|a100|h100)-[0-9]", "Public Cloud Instances",
     "Compute"),
    (r"serveur dédié|dedicated server|\b(advance|rise|scale|hgr|kimsufi|ks)-[0-9a-z]", "Dedicated Servers",
     "Compute"),
    (r"\bvps\b", "VPS", "Compute"),
    (r"nom de domaine|domain name|\bdns\b|zone dns", "Domain Names", "Networking"),
    (r"hébergement|hosting|e-?mail|exchange|mx plan", "Web Hosting", "Other"),
)

_REGION_RE = (r"\b((GRA|SBG|RBX|BHS|WAW|SGP|SYD|LIM|ERI|VIN|HIL|YNM)[0-9]{0,2}|(DE|UK)[0-9]"
              r"|[A-Z]{2}-(WEST|EAST|SOUTH|NORTH|CENTRAL)-[A-Z]{3}(-[A-Z])?)\b")
_REGION_NAMES = (("GRA", "Gravelines"), ("SBG", "Strasbourg"), ("RBX", "Roubaix"), ("BHS", "Beauharnois"),
                 ("WAW", "Varsovie"), ("DE", "Francfort"), ("UK", "Londres"), ("ERI", "Londres"),
                 ("SGP", "Singapour"), ("SYD", "Sydney"), ("LIM", "Limburg"), ("VIN", "Vint Hill"),
                 ("HIL", "Hillsboro"), ("YNM", "Mumbai"), ("EU-WEST-PAR", "Paris"), ("EU-SOUTH-MIL", "Milan"))


def _service(text: str) -> tuple[str, str]:
    """SQL for (ServiceName, ServiceCategory) from a free-text expression."""
    low = f"lower(coalesce({text}, ''))"
    names = " ".join(f"WHEN regexp_matches({low}, {lit(p)}) THEN {lit(n)}" for p, n, _ in _SERVICES)
    cats = " ".join(f"WHEN regexp_matches({low}, {lit(p)}) THEN {lit(c)}" for p, _, c in _SERVICES)
    return f"CASE {names} ELSE 'OVHcloud' END", f"CASE {cats} ELSE 'Other' END"


def _region_id(text: str) -> str:
    return f"nullif(regexp_extract(upper(coalesce({text}, '')), {lit(_REGION_RE)}, 1), '')"


def _region_name(region: str) -> str:
    cases = " ".join(f"WHEN starts_with(upper({region}), {lit(code)}) THEN {lit(name)}"
                     for code, name in sorted(_REGION_NAMES, key=lambda p: -len(p[0])))
    return f"CASE {cases} ELSE NULL END"


def _exclusive_end(expr: str) -> str:
    """OVHcloud ends periods on their last day (2025-03-31) or second (23:59:59, whatever the UTC offset);
    FOCUS ends are exclusive."""
    return (f"CASE WHEN {expr} = date_trunc('day', {expr}) THEN {expr} + INTERVAL 1 DAY "
            f"WHEN strftime({expr}, '%M:%S') = '59:59' THEN date_trunc('second', {expr}) + INTERVAL 1 SECOND "
            f"ELSE {expr} END")


def _billing_month(start: str) -> tuple[str, str]:
    """(BillingPeriodStart, BillingPeriodEnd) SQL. OVHcloud bills Paris months: 2025-03-01T00:00+01:00 is
    2025-02-28T23:00Z once in UTC, so the month is taken 12 hours after the period's start."""
    first = month_start(f"({start} + INTERVAL 12 HOUR)")
    return first, f"({first} + INTERVAL 1 MONTH)"


def _currency(h: Header) -> str:
    col = h.col(*_CURRENCY)
    return lit("EUR") if col == "NULL" else f"coalesce(nullif(upper(trim({col})), ''), 'EUR')"


def _common(billed: str, category: str) -> Projection:
    credit = f"({category}) = 'Credit'"
    return {
        "ProviderName": lit("OVHcloud"), "PublisherName": lit("OVHcloud"), "InvoiceIssuerName": lit("OVHcloud"),
        "BilledCost": billed, "EffectiveCost": billed,
        "ContractedCost": f"CASE WHEN {credit} THEN 0 ELSE {billed} END",
        "ChargeCategory": category,
        "PricingCategory": f"CASE WHEN {credit} THEN NULL ELSE 'Standard' END",
    }


# --- ovhcloud-bills: the Control Panel's list of invoices ---------------------------------------------------

_B_REF = ("Référence", "Reference", "Référence de la facture")
_B_ORDER = ("Numéro de la commande", "Numéro de commande", "Order number", "Order ID")
_B_DATE = ("Date d'émission", "Date d’émission", "Date d'emission", "Issue date", "Date")
_B_HT = ("Montant HT", "Amount excl. VAT", "Amount excl. tax", "Amount (excl. VAT)", "Price without tax")
_B_TTC = ("Montant TTC", "Amount incl. VAT", "Amount incl. tax", "Amount (incl. VAT)", "Price with tax")
_B_BALANCE = ("Solde", "Balance", "Outstanding balance")


def _bills_detect(h: Header) -> bool:
    return h.has_any(_B_REF) and h.has_any(_B_HT) and h.has_any(_B_TTC) and h.has_any(_B_DATE[:-1])


def _bills_project(h: Header) -> Projection:
    ht, ref, date = h.col(*_B_HT), h.col(*_B_REF), h.col(*_B_DATE)
    order = h.col(*_B_ORDER)
    category = f"CASE WHEN {ht} < 0 THEN 'Credit' ELSE 'Usage' END"
    return {
        **_common(ht, category),
        "ListCost": f"CASE WHEN {ht} < 0 THEN 0 ELSE {ht} END",
        "BillingCurrency": _currency(h),
        "InvoiceId": ref,
        "ChargeDescription": (f"'Facture OVHcloud ' || {ref}"
                              + (f" || coalesce(' (commande ' || {order} || ')', '')" if order != "NULL" else "")),
        "ChargePeriodStart": date,
        "ChargePeriodEnd": f"{date} + INTERVAL 1 DAY",
        "BillingPeriodStart": month_start(date),
        "BillingPeriodEnd": f"({month_start(date)} + INTERVAL 1 MONTH)",
        "ServiceName": lit("OVHcloud"),
        "ServiceCategory": lit("Other"),
    }


BILLS = Connector(
    name="ovhcloud-bills",
    label="OVHcloud Control Panel invoice list (Factures > Tout exporter en CSV): one row per invoice",
    provider="ovhcloud",
    detect=_bills_detect,
    project=_bills_project,
    numeric=_B_HT + _B_TTC + _B_BALANCE,
    timestamps=_B_DATE,
    required_values=_B_REF + _B_HT + _B_DATE,
    specificity=20,
    reference=REFERENCE_BILLS,
    cost_columns={"BilledCost": "Montant HT", "EffectiveCost": "Montant HT", "ListCost": "Montant HT",
                  "ContractedCost": "Montant HT"},
)


# --- ovhcloud-bill-details: invoice lines (/me/bill/{billId}/details) ---------------------------------------

_D_TOTAL = ("totalPrice", "totalPrice.value")
_D_UNIT = ("unitPrice", "unitPrice.value")


def _details_detect(h: Header) -> bool:
    return h.has_any(_D_TOTAL) and ("billDetailId" in h or h.has_all(("billId", "domain", "description")))


def _details_project(h: Header) -> Projection:
    total, unit, qty = h.col(*_D_TOTAL), h.col(*_D_UNIT), h.col("quantity")
    desc, domain = h.col("description"), h.col("domain")
    start, end = h.col("periodStart"), h.col("periodEnd")
    low = f"lower(coalesce({desc}, ''))"
    category = f"CASE WHEN {total} < 0 THEN 'Credit' ELSE 'Usage' END"
    name, service_category = _service(desc)
    region = _region_id(desc)
    project = f"CASE WHEN regexp_matches({domain}, '^[0-9a-f]{{32}}$') THEN {domain} END"
    return {
        **_common(total, category),
        "ListCost": (f"CASE WHEN ({category}) = 'Credit' THEN 0 "
                     f"ELSE coalesce({unit} * {qty}, {total}) END" if unit != "NULL" else
                     f"CASE WHEN ({category}) = 'Credit' THEN 0 ELSE {total} END"),
        "ListUnitPrice": f"CASE WHEN ({category}) = 'Credit' THEN NULL ELSE {unit} END",
        "PricingQuantity": qty,
        "ConsumedQuantity": f"CASE WHEN ({category}) = 'Usage' THEN {qty} END",
        "BillingCurrency": _currency(h),
        "InvoiceId": h.col("billId"),
        "ChargeDescription": desc,
        "ChargeFrequency": (f"CASE WHEN ({category}) = 'Credit' OR regexp_matches({low}, "
                            "'installation|setup|frais de|\\bfee\\b') THEN 'One-Time' "
                            f"WHEN regexp_matches({low}, 'hourly|horaire|consommation|consumption|\\busage\\b"
                            "|\\bheures?\\b|\\bhours?\\b|bande passante|bandwidth|trafic|traffic') THEN 'Usage-Based' "
                            "ELSE 'Recurring' END"),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": _exclusive_end(end),
        "BillingPeriodStart": _billing_month(start)[0],
        "BillingPeriodEnd": _billing_month(start)[1],
        "ServiceName": name,
        "ServiceCategory": service_category,
        "RegionId": region,
        "RegionName": _region_name(region),
        "ResourceId": domain,
        "ResourceName": domain,
        "SubAccountId": project,
        "SubAccountType": f"CASE WHEN {project} IS NOT NULL THEN 'Public Cloud project' END",
        "SkuId": h.col("planCode"),
    }


DETAILS = Connector(
    name="ovhcloud-bill-details",
    label="OVHcloud invoice lines (API /me/bill/{billId}/details as CSV)",
    provider="ovhcloud",
    detect=_details_detect,
    project=_details_project,
    numeric=("quantity", *_D_UNIT, *_D_TOTAL),
    timestamps=("periodStart", "periodEnd"),
    required_columns=("description", "periodStart"),
    required_values=(*_D_TOTAL, "periodStart"),
    period=("periodStart", "periodEnd"),
    specificity=20,
    reference=REFERENCE_API,
    cost_columns={"BilledCost": "totalPrice", "EffectiveCost": "totalPrice",
                  "ListCost": "unitPrice × quantity (totalPrice when no unit price)", "ContractedCost": "totalPrice"},
)


# --- ovhcloud-usage: Public Cloud project consumption (/cloud/project/{serviceName}/usage/history) ----------

_U_FROM = ("period.from", "periodFrom", "from")
_U_TO = ("period.to", "periodTo", "to")
_U_QTY = ("quantity.value", "quantity")
_U_UNIT = ("quantity.unit", "unit")


def _usage_detect(h: Header) -> bool:
    return "projectId" in h and h.has_any(("usageType", "billingType")) and "totalPrice" in h and h.has_any(_U_FROM[:2])


def _usage_project(h: Header) -> Projection:
    total = h.col("totalPrice")
    start, end = h.col(*_U_FROM), h.col(*_U_TO)
    kind, billing, ref = h.col("usageType"), h.col("billingType"), h.col("reference")
    region = h.col("region")
    text = f"concat_ws(' ', {kind}, {ref})"
    name, service_category = _service(text)
    category = f"CASE WHEN {total} < 0 THEN 'Credit' ELSE 'Usage' END"
    return {
        **_common(total, category),
        "ListCost": f"CASE WHEN ({category}) = 'Credit' THEN 0 ELSE {total} END",
        "PricingQuantity": h.col(*_U_QTY),
        "PricingUnit": h.col(*_U_UNIT),
        "ConsumedQuantity": h.col(*_U_QTY),
        "ConsumedUnit": h.col(*_U_UNIT),
        "BillingCurrency": _currency(h),
        "ChargeDescription": f"concat_ws(' ', {kind}, {ref}, {region}, '(' || {billing} || ')')",
        "ChargeFrequency": (f"CASE lower({billing}) WHEN 'monthly' THEN 'Recurring' WHEN 'hourly' THEN "
                            "'Usage-Based' END"),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": _exclusive_end(end),
        "BillingPeriodStart": _billing_month(start)[0],
        "BillingPeriodEnd": _billing_month(start)[1],
        "ServiceName": name,
        "ServiceCategory": service_category,
        "RegionId": f"upper({region})",
        "RegionName": _region_name(region),
        "ResourceId": h.col("resourceId"),
        "ResourceName": h.col("resourceName", "resourceId"),
        "ResourceType": kind,
        "SkuId": ref,
        "SubAccountId": h.col("projectId"),
        "SubAccountName": h.col("projectName", "projectDescription"),
        "SubAccountType": lit("Public Cloud project"),
    }


USAGE = Connector(
    name="ovhcloud-usage",
    label="OVHcloud Public Cloud project consumption (API usage/history flattened to CSV)",
    provider="ovhcloud",
    detect=_usage_detect,
    project=_usage_project,
    numeric=("totalPrice", *_U_QTY),
    timestamps=_U_FROM + _U_TO,
    required_values=("totalPrice", "projectId", *_U_FROM),
    period=("period.from", "period.to"),
    specificity=20,
    reference=REFERENCE_API,
    cost_columns={"BilledCost": "totalPrice", "EffectiveCost": "totalPrice", "ListCost": "totalPrice",
                  "ContractedCost": "totalPrice"},
)

CONNECTORS: tuple[Connector, ...] = (BILLS, DETAILS, USAGE)
