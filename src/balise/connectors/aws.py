"""AWS Cost and Usage Reports: the legacy CUR (``aws-cur``) and CUR 2.0 from AWS Data Exports (``aws-cur2``).

Both layouts carry the same facts under two spellings: the legacy CSV writes ``lineItem/UnblendedCost``,
CUR 2.0 (and a legacy CUR delivered for Athena/Parquet) writes ``line_item_unblended_cost``. The mapping is
written once, in legacy names; the snake_case name of each column is derived by ``cur2_name`` (AWS's rule:
group and field in snake_case, each capital starting a word: ``ReservationARN`` gives ``reservation_a_r_n``).
What only CUR 2.0 has (the ``product`` and ``resource_tags`` maps, account names) is looked up where it is.

Money: BilledCost is ``lineItem/UnblendedCost`` on every row, so the BilledCost total is the invoice total.
EffectiveCost follows AWS's documented amortisation (Cost Explorer's "amortized cost"): commitment fees are
spread onto the usage they cover and only their unused part stays on the fee row. docs/formats/aws.md gives
the whole mapping and its sources. The AWS FOCUS export ("FOCUS 1.0 with AWS columns") is read by ``focus``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from balise.connectors.base import Connector, Header, Projection, lit, month_start, next_month, q, tags_expr

# Native names, legacy CUR spelling.
TYPE, COST, RATE = "lineItem/LineItemType", "lineItem/UnblendedCost", "lineItem/UnblendedRate"
AMOUNT, CURRENCY = "lineItem/UsageAmount", "lineItem/CurrencyCode"
START, END = "lineItem/UsageStartDate", "lineItem/UsageEndDate"
PERIOD_START, PERIOD_END = "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate"
LIST_COST, LIST_RATE = "pricing/publicOnDemandCost", "pricing/publicOnDemandRate"
RI_ARN, RI_EFFECTIVE = "reservation/ReservationARN", "reservation/EffectiveCost"
RI_UNUSED_UPFRONT = "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"
RI_UNUSED_RECURRING = "reservation/UnusedRecurringFee"
SP_ARN, SP_EFFECTIVE = "savingsPlan/SavingsPlanARN", "savingsPlan/SavingsPlanEffectiveCost"
SP_TOTAL, SP_USED = "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment"

NUMERIC = (COST, RATE, AMOUNT, LIST_COST, LIST_RATE, RI_EFFECTIVE, RI_UNUSED_UPFRONT, RI_UNUSED_RECURRING,
           SP_EFFECTIVE, SP_TOTAL, SP_USED)
TIMESTAMPS = (START, END, PERIOD_START, PERIOD_END)

_DISCOUNTS = ("Discount", "BundledDiscount", "EdpDiscount", "PrivateRateDiscount", "DistributorDiscount",
              "SppDiscount")
# lineItem/LineItemType -> (ChargeCategory, ChargeFrequency, PricingCategory). Discount lines lower the price
# of usage (AWS's own FOCUS export folds them into the usage rows' BilledCost), so they stay Usage.
LINE_TYPES: dict[str, tuple[str, str, str | None]] = {
    "Usage": ("Usage", "Usage-Based", "Standard"),
    "DiscountedUsage": ("Usage", "Usage-Based", "Committed"),
    "SavingsPlanCoveredUsage": ("Usage", "Usage-Based", "Committed"),
    "SavingsPlanNegation": ("Usage", "Usage-Based", "Committed"),
    "RIFee": ("Purchase", "Recurring", "Standard"),
    "SavingsPlanRecurringFee": ("Purchase", "Recurring", "Standard"),
    "SavingsPlanUpfrontFee": ("Purchase", "One-Time", "Standard"),
    "Fee": ("Purchase", "One-Time", "Standard"),
    "Tax": ("Tax", "Recurring", None),
    "Credit": ("Credit", "One-Time", None),
    "Refund": ("Adjustment", "One-Time", None),
    **dict.fromkeys(_DISCOUNTS, ("Usage", "Usage-Based", "Standard")),
}
UNKNOWN_TYPE = ("Adjustment", "One-Time", None)
_CONSUMED = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage")  # rows measuring what was consumed
_FEES = ("RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "Fee")
_USED = ("DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation")

# lineItem/ProductCode -> FOCUS ServiceCategory (codes as CUR writes them; any other code is "Other").
_SERVICE_CATEGORIES = """
Compute: AmazonEC2 AWSLambda AmazonECS AmazonEKS AmazonECR AmazonECRPublic AmazonLightsail AWSBatch
  AWSAppRunner AWSOutposts AmazonWorkSpaces AmazonAppStream ElasticBeanstalk
Storage: AmazonS3 AmazonEFS AmazonFSx AmazonGlacier AmazonS3GlacierDeepArchive AWSBackup AWSStorageGateway
  AWSElasticDisasterRecovery
Databases: AmazonRDS AmazonDynamoDB AmazonElastiCache AmazonRedshift AmazonDocDB AmazonNeptune
  AmazonTimestream AmazonMemoryDB AmazonMCS AmazonQLDB
Networking: AmazonVPC AWSDataTransfer AmazonCloudFront AmazonRoute53 AWSELB AmazonApiGateway AWSDirectConnect
  AWSGlobalAccelerator AWSCloudMap AWSTransitGateway AWSVPN
Analytics: AWSGlue AmazonAthena AmazonKinesis AmazonKinesisFirehose AmazonKinesisAnalytics AmazonQuickSight
  AmazonES AmazonOpenSearchService AmazonMSK ElasticMapReduce AWSLakeFormation AWSDataExchange
Integration: AWSQueueService AmazonSNS AmazonMQ AmazonStates AWSEvents AmazonEventBridge AmazonSES AppFlow
  AmazonMWAA
Management and Governance: AmazonCloudWatch AWSCloudTrail AWSConfig AWSSystemsManager AWSCloudFormation
  AWSCostExplorer AWSBudgets AWSServiceCatalog AmazonGrafana AmazonPrometheus AWSSupportBusiness
  AWSSupportEnterprise AWSSupportDeveloper OCBPremiumSupport
Security: awskms AWSSecretsManager AmazonGuardDuty AWSSecurityHub awswaf AWSShield AmazonInspector
  AmazonInspectorV2 AmazonMacie AWSCertificateManager CloudHSM AWSNetworkFirewall AmazonDetective AWSFMS
Identity: AmazonCognito AWSDirectoryService AWSIAMIdentityCenter
AI and Machine Learning: AmazonSageMaker AmazonBedrock AmazonRekognition AmazonTextract comprehend translate
  transcribe AmazonPolly AmazonLex AmazonKendra AmazonQ AmazonPersonalize AmazonForecast
Developer Tools: CodeBuild AWSCodePipeline AWSCodeCommit AWSCodeArtifact AWSCodeDeploy AWSCloudShell AWSXRay
  AWSAmplify AWSAppSync
Internet of Things: AWSIoT AWSIoTAnalytics AWSGreengrass AWSIoTEvents AWSIoTSiteWise
Migration: AWSMigrationHubRefactorSpaces AWSDatabaseMigrationSvc AWSDataSync AWSTransfer
  AWSApplicationMigrationSvc
Media: AmazonIVS AWSElementalMediaConvert AmazonKinesisVideo
"""
SERVICE_CATEGORIES: dict[str, str] = {
    code: category.strip()
    for block in re.split(r"\n(?=\S)", _SERVICE_CATEGORIES.strip())
    for category, _, codes in [block.partition(":")]
    for code in codes.split()
}
_EC2_ID_TYPES = {"i": "instance", "vol": "volume", "snap": "snapshot", "eni": "network-interface",
                 "nat": "nat-gateway", "eipalloc": "elastic-ip", "ami": "image", "vpce": "vpc-endpoint"}
_ARN_TYPE = "'^arn:[^:]*:[^:]*:[^:]*:[^:]*:([^:/]+)'"


def _snake(word: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", word).lower()


def cur2_name(legacy: str) -> str:
    """CUR 2.0 / Athena name of a legacy column ``lineItem/UnblendedCost`` -> ``line_item_unblended_cost``."""
    group, _, name = legacy.partition("/")
    return f"{_snake(group)}_{_snake(name)}"


def cur2_tag_key(legacy_key: str) -> str:
    """A tag key as CUR 2.0 / Athena writes it: ``user:CostCenter`` -> ``user_cost_center``."""
    return re.sub("_+", "_", _snake(re.sub("[^A-Za-z0-9]", "_", legacy_key)))


def case_of(expr: str, mapping: Mapping[str, str | None], default: str | None) -> str:
    """SQL ``CASE expr WHEN key THEN 'value' … ELSE 'default' END`` from a Python mapping."""
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in mapping.items())
    return f"CASE {expr} {whens} ELSE {lit(default)} END"


def _in(expr: str, values: tuple[str, ...]) -> str:
    return f"{expr} IN ({', '.join(lit(v) for v in values)})"


def _as_map(column: str) -> str:
    """A map column as a DuckDB MAP: Parquet gives a MAP, CSV gives JSON text; both cast through JSON."""
    return f"TRY_CAST(TRY_CAST({q(column)} AS JSON) AS MAP(VARCHAR, VARCHAR))"


class _Cur:
    """Column lookups in one file's spelling: ``c(legacy_name)`` is SQL for that column (NULL when absent)."""

    def __init__(self, h: Header, snake: bool) -> None:
        self.h, self.snake = h, snake
        product, tags = h.get("product"), h.get("resource_tags")
        self.product_map = _as_map(product) if snake and product else None
        self.tag_map = _as_map(tags) if snake and tags else None

    def c(self, legacy: str) -> str:
        return self.h.col(cur2_name(legacy) if self.snake else legacy)

    def text(self, legacy: str) -> str:
        return f"nullif(trim({self.c(legacy)}), '')"

    def product(self, legacy: str, map_key: str) -> str:
        """A product attribute: its own column, or else (CUR 2.0) a key of the ``product`` map."""
        own = self.text(legacy)
        return f"coalesce({own}, nullif({self.product_map}[{lit(map_key)}], ''))" if self.product_map else own

    def tags(self) -> str:
        if self.tag_map is not None:  # CUR 2.0: keys user_team, aws_created_by
            kept = f"list_filter(map_entries({self.tag_map}), lambda e: coalesce(e.value, '') <> '')"
            keys = "{'key': regexp_replace(e.key, '^user_', ''), 'value': e.value}"
            return (f"CASE WHEN coalesce(len({kept}), 0) = 0 THEN NULL ELSE CAST(to_json(map_from_entries("
                    f"list_transform({kept}, lambda e: {keys}))) AS VARCHAR) END")
        prefix, user = ("resource_tags_", "user_") if self.snake else ("resourceTags/", "user:")
        pairs = [(real[len(prefix):], q(real)) for real in self.h.starting_with(prefix)]
        # DuckDB 2.0 refuses base.tags_expr's "e ->" lambdas: rewritten until base.py uses "lambda e:".
        return tags_expr([(k[len(user):] if k.lower().startswith(user) else k, v) for k, v in pairs]).replace(
            "e -> ", "lambda e: ")

    def tag(self, legacy_key: str) -> str:
        """One tag's value, by its legacy key (``user:Name``)."""
        if not self.snake:
            return f"nullif(trim({self.h.col('resourceTags/' + legacy_key)}), '')"
        key = cur2_tag_key(legacy_key)
        if self.tag_map is not None:
            return f"nullif({self.tag_map}[{lit(key)}], '')"
        return f"nullif(trim({self.h.col('resource_tags_' + key)}), '')"


def _resource_type(rid: str, product_code: str) -> str:
    ec2 = case_of(f"regexp_extract({rid}, '^([a-z]+)-[0-9a-f]{{8,}}$', 1)", _EC2_ID_TYPES, None)
    return (f"CASE WHEN {rid} IS NULL THEN NULL "
            f"WHEN {rid} LIKE 'arn:%' THEN nullif(regexp_extract({rid}, {_ARN_TYPE}, 1), '') "
            f"WHEN {product_code} = 'AmazonS3' THEN 'bucket' ELSE {ec2} END")


def _costs(cur: _Cur, t: str) -> Projection:
    c, z = cur.c, "coalesce({}, 0)".format
    cost, ri = c(COST), cur.text(RI_ARN)
    return {
        "BilledCost": cost,
        "EffectiveCost": (  # AWS amortisation, row by row
            f"CASE WHEN {t} = 'SavingsPlanCoveredUsage' THEN {z(c(SP_EFFECTIVE))} "
            f"WHEN {t} = 'SavingsPlanRecurringFee' THEN {z(c(SP_TOTAL))} - {z(c(SP_USED))} "
            f"WHEN {_in(t, ('SavingsPlanNegation', 'SavingsPlanUpfrontFee'))} THEN 0 "
            f"WHEN {t} = 'DiscountedUsage' THEN {z(c(RI_EFFECTIVE))} "
            f"WHEN {t} = 'RIFee' THEN {z(c(RI_UNUSED_UPFRONT))} + {z(c(RI_UNUSED_RECURRING))} "
            f"WHEN {t} = 'Fee' AND {ri} IS NOT NULL THEN 0 ELSE {cost} END"),
        "ListCost": c(LIST_COST),
        "ListUnitPrice": c(LIST_RATE),
        "ContractedCost": (f"CASE WHEN {t} = 'SavingsPlanNegation' THEN 0 WHEN {t} = 'DiscountedUsage' "
                           f"THEN coalesce({c(LIST_COST)}, {cost}) ELSE {cost} END"),
        "ContractedUnitPrice": (f"CASE WHEN {t} = 'DiscountedUsage' THEN {c(LIST_RATE)} "
                                f"WHEN {_in(t, ('Usage', 'SavingsPlanCoveredUsage'))} THEN {c(RATE)} END"),
    }


def _commitment(cur: _Cur, t: str) -> Projection:
    cid = (f"CASE WHEN {t} LIKE 'SavingsPlan%' THEN {cur.text(SP_ARN)} "
           f"WHEN {_in(t, ('DiscountedUsage', 'RIFee', 'Fee'))} THEN {cur.text(RI_ARN)} END")
    sp = f"{t} LIKE 'SavingsPlan%'"
    return {
        "CommitmentDiscountId": cid,
        "CommitmentDiscountName": f"nullif(regexp_extract({cid}, '[^/:]+$'), '')",
        "CommitmentDiscountType": f"CASE WHEN {cid} IS NULL THEN NULL WHEN {sp} THEN 'Savings Plan' "
                                  f"ELSE 'Reserved Instance' END",
        "CommitmentDiscountCategory": f"CASE WHEN {cid} IS NULL THEN NULL WHEN {sp} THEN 'Spend' "
                                      f"ELSE 'Usage' END",
        "CommitmentDiscountStatus": f"CASE WHEN {cid} IS NOT NULL AND {_in(t, _USED)} THEN 'Used' END",
    }


def _project(h: Header, snake: bool) -> Projection:
    cur = _Cur(h, snake)
    c, text = cur.c, cur.text
    t = f"trim({c(TYPE)})"
    code, rid, unit = text("lineItem/ProductCode"), text("lineItem/ResourceId"), text("pricing/unit")
    consumed, priced = _in(t, _CONSUMED), _in(t, _CONSUMED + _FEES)
    spot = f"{t} = 'Usage' AND {c('lineItem/UsageType')} LIKE '%SpotUsage%'"
    return {
        "BillingAccountId": text("bill/PayerAccountId"),
        "BillingAccountName": text("bill/PayerAccountName"),
        "SubAccountId": text("lineItem/UsageAccountId"),
        "SubAccountName": text("lineItem/UsageAccountName"),
        "BillingCurrency": text(CURRENCY),
        "BillingPeriodStart": f"coalesce({c(PERIOD_START)}, {month_start(c(START))})",
        "BillingPeriodEnd": f"coalesce({c(PERIOD_END)}, {next_month(c(START))})",
        "ChargePeriodStart": c(START),
        "ChargePeriodEnd": c(END),
        "InvoiceId": text("bill/InvoiceId"),
        **_costs(cur, t),
        "ChargeCategory": case_of(t, {k: v[0] for k, v in LINE_TYPES.items()}, UNKNOWN_TYPE[0]),
        "ChargeClass": f"CASE WHEN 'Refund' IN ({t}, {text('bill/BillType')}) THEN 'Correction' END",
        "ChargeFrequency": case_of(t, {k: v[1] for k, v in LINE_TYPES.items()}, UNKNOWN_TYPE[1]),
        "ChargeDescription": text("lineItem/LineItemDescription"),
        "PricingCategory": (f"CASE WHEN {spot} THEN 'Dynamic' ELSE "
                            f"{case_of(t, {k: v[2] for k, v in LINE_TYPES.items()}, UNKNOWN_TYPE[2])} END"),
        **_commitment(cur, t),
        "ConsumedQuantity": f"CASE WHEN {consumed} THEN {c(AMOUNT)} END",
        "ConsumedUnit": f"CASE WHEN {consumed} THEN {unit} END",
        "PricingQuantity": f"CASE WHEN {priced} THEN {c(AMOUNT)} END",
        "PricingUnit": f"CASE WHEN {priced} THEN {unit} END",
        "ProviderName": lit("Amazon Web Services"),
        "PublisherName": (f"CASE WHEN {text('bill/BillingEntity')} = 'AWS Marketplace' "
                          f"THEN coalesce({text('lineItem/LegalEntity')}, 'AWS Marketplace') "
                          f"ELSE 'Amazon Web Services' END"),
        "InvoiceIssuerName": f"coalesce({text('bill/InvoicingEntity')}, 'Amazon Web Services')",
        "ServiceName": (f"coalesce({cur.product('product/ProductName', 'product_name')}, "
                        f"{cur.product('product/servicename', 'servicename')}, {code})"),
        "ServiceCategory": (f"CASE WHEN {code} LIKE 'AWSSupport%' THEN 'Management and Governance' "
                            f"ELSE {case_of(code, SERVICE_CATEGORIES, 'Other')} END"),
        "RegionId": f"coalesce({text('product/regionCode')}, {cur.product('product/region', 'region')})",
        "RegionName": text("product/location"),
        "AvailabilityZone": text("lineItem/AvailabilityZone"),
        "ResourceId": rid,
        "ResourceName": cur.tag("user:Name"),
        "ResourceType": _resource_type(rid, code),
        "SkuId": text("product/sku"),
        "SkuPriceId": text("pricing/RateCode"),
        "Tags": cur.tags(),
    }


def _connector(snake: bool) -> Connector:
    def spell(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(cur2_name(n) for n in names) if snake else names

    cost, start, end, list_cost = spell((COST, START, END, LIST_COST))
    guide = "https://docs.aws.amazon.com/cur/latest/userguide/"
    dictionary = (f"AWS Data Exports table dictionary, CUR 2.0 ({guide}table-dictionary-cur2.html)" if snake
                  else f"AWS Cost and Usage Reports data dictionary ({guide}data-dictionary.html)")
    return Connector(
        name="aws-cur2" if snake else "aws-cur",
        label=("AWS CUR 2.0 from Data Exports (line_item_… columns; also a legacy CUR in Athena layout)"
               if snake else "AWS Cost and Usage Report, legacy (lineItem/… columns)"),
        provider="aws",
        detect=lambda h: h.has_all(spell((COST, TYPE))),
        project=lambda h: _project(h, snake),
        numeric=spell(NUMERIC),
        timestamps=spell(TIMESTAMPS),
        required_columns=spell((COST, START, CURRENCY, TYPE)),
        required_values=spell((COST, START, CURRENCY)),
        period=(start, end),
        specificity=20,
        verified="documentation" if snake else "real export",
        reference=dictionary + "; amortisation as in AWS Well-Architected Labs, CUR query library, "
                  "'Amortized cost by charge type' (https://wellarchitectedlabs.com/cost/300_labs/300_cur_queries/)",
        cost_columns={"BilledCost": cost, "ListCost": list_cost,
                      "EffectiveCost": "amortised by line item type (docs/formats/aws.md)",
                      "ContractedCost": f"{cost}, before commitment discounts (docs/formats/aws.md)"},
    )


CONNECTORS: tuple[Connector, ...] = (_connector(False), _connector(True))
