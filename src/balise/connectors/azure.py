"""Azure Cost Management "cost details" exports: Enterprise Agreement (``azure-ea``) and Microsoft Customer
Agreement (``azure-mca``), each in its "actual cost" and "amortized cost" dataset.

EA writes PascalCase names (``CostInBillingCurrency``, ``BillingCurrencyCode``, ``ResourceGroup``), MCA camelCase
ones (``costInBillingCurrency``, ``billingCurrency``, ``resourceGroupName``) and adds pricing-currency columns.
Header look-ups ignore case, so one mapping serves both; ``_NAMES`` lists the columns whose *name* differs.

Actual or amortized needs no switch: the two datasets differ in their rows, not their columns, and the same
row rules give the right figures for each (Microsoft, "Get EA and MCA reservation costs and usage"):

- actual cost: commitment purchases are rows of their own, usage covered by a reservation or savings plan
  costs 0. BilledCost = CostInBillingCurrency on every row, so its total is the invoice total.
- amortized cost: no purchase rows; covered usage carries its share of the commitment and Unused* rows the
  waste. EffectiveCost = CostInBillingCurrency; BilledCost is 0 on covered and unused rows (that money was
  billed on the purchase row of the actual-cost dataset), as in Microsoft's FOCUS conversion guide.

An actual-cost file alone cannot amortize, so its EffectiveCost equals BilledCost (purchases stay whole on
their day). The Azure FOCUS export (``FocusCost``) is read by the ``focus`` connector. See docs/formats/azure.md.
"""

from __future__ import annotations

from collections.abc import Callable

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

# Role -> (EA column names, MCA column names), first present wins. Roles absent from this table use one name
# for both agreements (case differs only), e.g. CostInBillingCurrency / costInBillingCurrency.
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "currency": (("BillingCurrencyCode", "BillingCurrency"), ("billingCurrency", "billingCurrencyCode")),
    "account": (("BillingAccountId",), ("billingProfileId",)),
    "account_name": (("BillingAccountName",), ("billingProfileName",)),
    "region_name": (("ResourceLocationNormalized", "ResourceLocation"), ("location", "resourceLocation")),
    "resource_name": (("ResourceName",), ()),
    "invoice": ((), ("invoiceId",)),
    "list_cost": ((), ("paygCostInBillingCurrency",)),
    "rate": ((), ("exchangeRatePricingToBilling",)),  # MCA prices are in the pricing currency
}
_ACCOUNT_TYPE = {"ea": "Billing Account", "mca": "Billing Profile"}

COST, DATE, QUANTITY = "CostInBillingCurrency", "Date", "Quantity"
NUMERIC = (COST, QUANTITY, "EffectivePrice", "UnitPrice", "PayGPrice", "paygCostInBillingCurrency",
           "exchangeRatePricingToBilling", "costInPricingCurrency", "costInUsd")
TIMESTAMPS = (DATE, "BillingPeriodStartDate", "BillingPeriodEndDate")
MCA_ONLY = ("costInPricingCurrency", "exchangeRatePricingToBilling", "paygCostInBillingCurrency",
            "pricingCurrency", "previousInvoiceId")
EA_ONLY = ("AccountOwnerId", "BillingCurrencyCode", "AccountName")

# MeterCategory (lower case) -> FOCUS ServiceCategory; any other category is "Other".
_SERVICE_CATEGORIES = """
Compute: virtual machines|virtual machines licenses|cloud services|azure app service|functions|container instances|
  azure kubernetes service|batch|azure container apps|azure spring apps|service fabric|azure vmware solution|
  virtual machine scale sets|azure virtual desktop
Storage: storage|backup|azure netapp files|data box|azure data lake storage|azure site recovery|
  azure managed lustre|azure files
Databases: sql database|sql managed instance|azure database for postgresql|azure database for mysql|
  azure database for mariadb|azure cosmos db|redis cache|azure cache for redis|sql server
Networking: bandwidth|virtual network|load balancer|vpn gateway|application gateway|azure dns|dns|
  azure front door service|content delivery network|expressroute|nat gateway|network watcher|azure bastion|
  traffic manager|virtual wan|private link|ip addresses
Security: key vault|microsoft defender for cloud|azure defender|security center|sentinel|azure firewall|
  azure ddos protection|azure web application firewall|azure firewall manager
Identity: azure active directory|microsoft entra id|azure active directory b2c|microsoft entra external id
AI and Machine Learning: cognitive services|azure openai|azure openai service|machine learning|
  azure machine learning|azure ai services|foundry models|azure cognitive search|azure ai search|bot service
Analytics: azure synapse analytics|azure data factory v2|azure data factory|azure databricks|hdinsight|
  stream analytics|power bi embedded|azure data explorer|azure analysis services|microsoft fabric
Integration: service bus|event hubs|event grid|logic apps|api management|notification hubs|azure relay
Management and Governance: azure monitor|log analytics|insight and analytics|automation|azure arc|
  advisor|azure policy|azure lighthouse|application insights|azure grafana service
Developer Tools: azure devops|visual studio subscription|azure deployment environments|azure load testing|
  azure dev box|github
Internet of Things: iot hub|iot central|azure digital twins|event grid on iot
"""


SERVICE_CATEGORIES = categories(_SERVICE_CATEGORIES)


def _tags(column: str) -> str:
    """Azure ``Tags`` is a JSON object, sometimes written without its outer braces; unreadable text is NULL."""
    raw = f"trim(CAST({column} AS VARCHAR))"
    obj = f"(CASE WHEN {raw} = '' THEN NULL WHEN left({raw}, 1) = '{{' THEN {raw} ELSE '{{' || {raw} || '}}' END)"
    entries = (f"(CASE WHEN json_type(TRY_CAST({obj} AS JSON)) = 'OBJECT' "
               f"THEN map_entries(json_transform({obj}, '\"MAP(VARCHAR, VARCHAR)\"')) END)")
    return kv_tags(entries)


def _resource_type(rid: str) -> str:
    """``Microsoft.Sql/servers/databases`` from ``…/providers/Microsoft.Sql/servers/s1/databases/d1``."""
    tail = f"regexp_extract({rid}, '(?i)^.*/providers/(.+)$', 1)"
    kept = f"list_filter(string_split({tail}, '/'), lambda s, i: i = 1 OR i % 2 = 0)"
    return f"nullif(array_to_string({kept}, '/'), '')"


def _projection(flavor: str) -> Callable[[Header], Projection]:
    agreement = 0 if flavor == "ea" else 1

    def col(h: Header, role: str) -> str:
        return h.col(*_NAMES[role][agreement])

    def project(h: Header) -> Projection:
        c = h.col
        cost, qty, date = c(COST), c(QUANTITY), c(DATE)
        rate = f"coalesce({col(h, 'rate')}, 1.0)"
        ct = f"lower(coalesce({c('ChargeType')}, ''))"
        pm = f"lower(replace(coalesce({c('PricingModel')}, ''), ' ', ''))"
        committed = f"({pm} IN ('reservation', 'savingsplan'))"
        usage = f"({ct} IN ('usage', 'unusedreservation', 'unusedsavingsplan'))"
        covered = f"({committed} AND {usage})"  # paid by a commitment: billed on its purchase row
        bought = f"({ct} IN ('purchase', 'refund'))"
        unit_price, list_price = f"({c('UnitPrice')} * {rate})", f"({c('PayGPrice')} * {rate})"
        list_cost = f"coalesce({col(h, 'list_cost')}, {list_price} * {qty})"
        benefit = f"coalesce(nullif({c('benefitId')}, ''), nullif({c('ReservationId')}, ''))"
        kind = (f"CASE WHEN lower({benefit}) LIKE '%/microsoft.capacity/%' OR {pm} = 'reservation' "
                f"THEN 'Reservation' WHEN lower({benefit}) LIKE '%/microsoft.billingbenefits/%' "
                f"OR {pm} = 'savingsplan' THEN 'Savings Plan' END")
        rid = c("ResourceId", "InstanceId")
        sub = c("SubscriptionId", "SubscriptionGuid")
        region = c("ResourceLocation")
        start = c("BillingPeriodStartDate")
        return {
            "BilledCost": f"CASE WHEN {covered} THEN 0.0 ELSE {cost} END",
            "EffectiveCost": cost,
            "ListCost": f"CASE WHEN {bought} THEN {cost} ELSE coalesce({list_cost}, {cost}) END",
            "ContractedCost": f"CASE WHEN {bought} THEN {cost} ELSE coalesce({unit_price} * {qty}, {cost}) END",
            "ListUnitPrice": list_price,
            "ContractedUnitPrice": unit_price,
            "BillingCurrency": col(h, "currency"),
            "BillingAccountId": col(h, "account"),
            "BillingAccountName": col(h, "account_name"),
            "BillingAccountType": lit(_ACCOUNT_TYPE[flavor]),
            "SubAccountId": f"CASE WHEN left({sub}, 1) = '/' THEN {sub} ELSE '/subscriptions/' || {sub} END",
            "SubAccountName": c("SubscriptionName"),
            "SubAccountType": f"CASE WHEN {sub} IS NOT NULL THEN 'Subscription' END",
            "InvoiceId": col(h, "invoice"),
            "BillingPeriodStart": f"coalesce({start}, {month_start(date)})",
            "BillingPeriodEnd": (f"coalesce({c('BillingPeriodEndDate')} + INTERVAL 1 DAY, "
                                 f"{next_month(f'coalesce({start}, {date})')})"),
            "ChargePeriodStart": date,
            "ChargePeriodEnd": f"{date} + INTERVAL 1 DAY",
            "ChargeCategory": (f"CASE WHEN {usage} THEN 'Usage' WHEN {bought} THEN 'Purchase' "
                               f"WHEN {ct} = 'credit' THEN 'Credit' WHEN {ct} = 'tax' THEN 'Tax' "
                               f"ELSE 'Adjustment' END"),
            "ChargeClass": f"CASE WHEN {ct} = 'refund' THEN 'Correction' END",
            "ChargeFrequency": (f"CASE lower({c('Frequency')}) WHEN 'onetime' THEN 'One-Time' "
                                f"WHEN 'recurring' THEN 'Recurring' WHEN 'usagebased' THEN 'Usage-Based' "
                                f"ELSE CASE WHEN {usage} THEN 'Usage-Based' ELSE 'One-Time' END END"),
            "ChargeDescription": c("ProductName", "MeterName"),
            "PricingCategory": (f"CASE {pm} WHEN 'ondemand' THEN 'Standard' WHEN 'spot' THEN 'Dynamic' "
                                f"WHEN 'reservation' THEN 'Committed' WHEN 'savingsplan' THEN 'Committed' END"),
            "CommitmentDiscountId": f"CASE WHEN {committed} THEN {benefit} END",
            "CommitmentDiscountName": (f"CASE WHEN {committed} THEN coalesce(nullif({c('benefitName')}, ''), "
                                       f"{c('ReservationName')}) END"),
            "CommitmentDiscountType": f"CASE WHEN {committed} THEN {kind} END",
            "CommitmentDiscountCategory": (f"CASE WHEN {committed} THEN CASE {kind} WHEN 'Reservation' "
                                           f"THEN 'Usage' WHEN 'Savings Plan' THEN 'Spend' END END"),
            "CommitmentDiscountStatus": (f"CASE WHEN {ct} IN ('unusedreservation', 'unusedsavingsplan') "
                                         f"THEN 'Unused' WHEN {committed} AND {ct} = 'usage' THEN 'Used' END"),
            "ConsumedQuantity": f"CASE WHEN {ct} = 'usage' THEN {qty} END",
            "ConsumedUnit": f"CASE WHEN {ct} = 'usage' THEN {c('UnitOfMeasure')} END",
            "PricingQuantity": qty,
            "PricingUnit": c("UnitOfMeasure"),
            "PricingCurrency": c("pricingCurrency"),
            "ProviderName": lit("Microsoft"),
            "PublisherName": f"coalesce(nullif({c('PublisherName')}, ''), 'Microsoft')",
            "InvoiceIssuerName": f"coalesce(nullif({c('PartnerName')}, ''), 'Microsoft')",
            "ServiceName": (f"coalesce(nullif({c('MeterCategory')}, ''), nullif({c('ConsumedService')}, ''), "
                            f"{c('ProductName')})"),
            "ServiceCategory": case_map(f"lower(trim({c('MeterCategory')}))", SERVICE_CATEGORIES, "'Other'"),
            "RegionId": f"nullif(lower(replace({region}, ' ', '')), '')",
            "RegionName": f"coalesce(nullif({col(h, 'region_name')}, ''), {region})",
            "ResourceId": f"nullif({rid}, '')",
            "ResourceName": (f"coalesce(nullif({col(h, 'resource_name')}, ''), "
                             f"nullif(regexp_extract({rid}, '[^/]+$'), ''))"),
            "ResourceType": _resource_type(rid),
            "SkuId": c("ProductId", "MeterId"),
            "SkuMeter": c("MeterName"),
            "Tags": _tags(c("Tags")),
        }

    return project


def _detect_mca(h: Header) -> bool:
    return COST in h and h.has_any(MCA_ONLY)


def _detect_ea(h: Header) -> bool:
    return COST in h and h.has_any(EA_ONLY) and not h.has_any(MCA_ONLY)


_REFERENCE = ("Microsoft Learn, 'Enterprise Agreement cost and usage details file schema' and 'Microsoft Customer "
              "Agreement cost and usage details file schema' (https://learn.microsoft.com/azure/"
              "cost-management-billing/dataset-schema/schema-index); FinOps toolkit, 'Convert Cost Management "
              "data to FOCUS' (https://learn.microsoft.com/cloud-computing/finops/focus/convert)")


def _connector(flavor: str, label: str, detect: Callable[[Header], bool], specificity: int) -> Connector:
    return Connector(
        name=f"azure-{flavor}",
        label=label,
        provider="azure",
        detect=detect,
        project=_projection(flavor),
        numeric=NUMERIC,
        timestamps=TIMESTAMPS,
        required_columns=(COST, DATE),
        required_values=(COST, DATE),
        period=("BillingPeriodStartDate", "BillingPeriodEndDate"),
        specificity=specificity,
        verified="documentation",
        reference=_REFERENCE,
        cost_columns={
            "BilledCost": f"{COST} (0 on reservation/savings-plan covered and unused rows)",
            "EffectiveCost": COST,
            "ListCost": "PayGPrice × Quantity" if flavor == "ea" else "paygCostInBillingCurrency",
            "ContractedCost": "UnitPrice × Quantity" + ("" if flavor == "ea" else " × exchangeRatePricingToBilling"),
        },
    )


CONNECTORS: tuple[Connector, ...] = (
    _connector("ea", "Azure cost details, Enterprise Agreement (actual or amortized cost)", _detect_ea, 20),
    _connector("mca", "Azure cost details, Microsoft Customer Agreement (actual or amortized cost)",
               _detect_mca, 21),
)
