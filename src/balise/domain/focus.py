"""The FOCUS cost-and-usage columns Balise stores, and their types.

FOCUS (FinOps Open Cost and Usage Specification) is the lingua franca of Balise: every connector turns a
provider's native bill into these columns, and nothing downstream knows a native format.

Column names and types follow FOCUS 1.2 (https://focus.finops.org, specification tag v1.2, 2025-05-30);
the FOCUS 1.3 columns are carried when a source has them. Balise's own columns start with ``x_`` as the
specification's extension rule requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

ColumnType = Literal["string", "decimal", "datetime", "json"]


@dataclass(frozen=True, slots=True)
class FocusColumn:
    name: str
    type: ColumnType
    since: str  # FOCUS version that introduced the column
    mandatory: bool = False  # a source must give a value for every row (see connectors.base)


_KINDS: dict[str, ColumnType] = {"s": "string", "d": "decimal", "t": "datetime", "j": "json"}


def _cols(since: str, spec: str) -> list[FocusColumn]:
    out = []
    for line in spec.split():
        name, _, kind = line.partition(":")
        mandatory = kind.endswith("!")
        out.append(FocusColumn(name, _KINDS[kind[0]], since, mandatory))
    return out


# s = string, d = decimal, t = datetime, j = JSON object; "!" = Balise refuses a row without it.
COLUMNS: Final[tuple[FocusColumn, ...]] = tuple(
    _cols("1.0", """
        AvailabilityZone:s BilledCost:d! BillingAccountId:s BillingAccountName:s BillingCurrency:s!
        BillingPeriodEnd:t BillingPeriodStart:t! ChargeCategory:s ChargeClass:s ChargeDescription:s
        ChargeFrequency:s ChargePeriodEnd:t ChargePeriodStart:t! CommitmentDiscountCategory:s
        CommitmentDiscountId:s CommitmentDiscountName:s CommitmentDiscountStatus:s CommitmentDiscountType:s
        ConsumedQuantity:d ConsumedUnit:s ContractedCost:d ContractedUnitPrice:d EffectiveCost:d
        InvoiceIssuerName:s ListCost:d ListUnitPrice:d PricingCategory:s PricingQuantity:d PricingUnit:s
        ProviderName:s PublisherName:s RegionId:s RegionName:s ResourceId:s ResourceName:s ResourceType:s
        ServiceCategory:s ServiceName:s SkuId:s SkuPriceId:s SubAccountId:s SubAccountName:s Tags:j
    """)
    + _cols("1.1", """
        CapacityReservationId:s CapacityReservationStatus:s CommitmentDiscountQuantity:d
        CommitmentDiscountUnit:s ServiceSubcategory:s SkuMeter:s SkuPriceDetails:j
    """)
    + _cols("1.2", """
        BillingAccountType:s InvoiceId:s PricingCurrency:s PricingCurrencyContractedUnitPrice:d
        PricingCurrencyEffectiveCost:d PricingCurrencyListUnitPrice:d SubAccountType:s
    """)
    + _cols("1.3", """
        AllocatedMethodDetails:j AllocatedMethodId:s AllocatedResourceId:s AllocatedResourceName:s
        AllocatedTags:j ContractApplied:j HostProviderName:s ServiceProviderName:s
    """)
)

# Balise's provenance and partitioning columns, present on every stored row.
EXTENSION_COLUMNS: Final[tuple[FocusColumn, ...]] = (
    FocusColumn("x_Tenant", "string", "balise"),
    FocusColumn("x_SourceFile", "string", "balise"),  # file name as the user gave it (inside a zip: zip!member)
    FocusColumn("x_SourceFormat", "string", "balise"),  # connector name, e.g. "aws-cur"
    FocusColumn("x_IngestId", "string", "balise"),  # one id per ingest batch; the state DB describes it
    FocusColumn("x_Provider", "string", "balise"),  # normalised provider key: aws, azure, gcp, ovhcloud...
)

BY_NAME: Final[dict[str, FocusColumn]] = {c.name: c for c in COLUMNS + EXTENSION_COLUMNS}
NAMES: Final[tuple[str, ...]] = tuple(c.name for c in COLUMNS)
COST_COLUMNS: Final[tuple[str, ...]] = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")

DUCKDB_TYPES: Final[dict[ColumnType, str]] = {
    "string": "VARCHAR",
    "decimal": "DOUBLE",
    "datetime": "TIMESTAMP",  # UTC, without zone: FOCUS datetimes are UTC
    "json": "VARCHAR",  # a JSON object serialised as text, as FOCUS exports it
}


def duckdb_type(name: str) -> str:
    return DUCKDB_TYPES[BY_NAME[name].type]


# Normalised provider keys: what the lake partitions on and what users type (`--by provider` shows names).
PROVIDER_KEYS: Final[dict[str, str]] = {
    "aws": "aws", "amazon web services": "aws", "amazon": "aws", "amazon web services, inc.": "aws",
    "azure": "azure", "microsoft": "azure", "microsoft azure": "azure",
    "gcp": "gcp", "google cloud": "gcp", "google": "gcp", "google cloud platform": "gcp",
    "oci": "oci", "oracle": "oci", "oracle cloud infrastructure": "oci",
    "ovhcloud": "ovhcloud", "ovh": "ovhcloud",
    "scaleway": "scaleway",
    "outscale": "outscale", "3ds outscale": "outscale",
    "hetzner": "hetzner", "infomaniak": "infomaniak", "ionos": "ionos", "exoscale": "exoscale",
    "clever cloud": "clevercloud", "stackit": "stackit", "upcloud": "upcloud",
}
