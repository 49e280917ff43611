"""FOCUS 1.0, 1.1, 1.2 and 1.3 files (any provider's FOCUS export, or a file written by Balise).

Columns pass through by name. A column missing from the file is null, except the billing currency, which the
user must then give with ``--currency`` (the 1.2 specification examples omit it). FOCUS 1.3 renamed
ProviderName to ServiceProviderName: either fills ProviderName. Non-FOCUS columns without the ``x_`` prefix
(the 1.0 sample's ``Id``) are not stored.
"""

from __future__ import annotations

from balise.connectors.base import Connector, Header, Projection, case_map, q
from balise.domain.focus import COLUMNS

_CATEGORIES = {v.lower(): v for v in ("Usage", "Purchase", "Tax", "Credit", "Adjustment")}
_NUMERIC = tuple(c.name for c in COLUMNS if c.type == "decimal")
_TIMESTAMPS = tuple(c.name for c in COLUMNS if c.type == "datetime")


def _detect(h: Header) -> bool:
    # Every FOCUS version has these; native formats use other names (lineItem/..., CostInBillingCurrency...).
    return h.has_all(("BilledCost", "ChargePeriodStart")) and (
        h.has_any(("ChargeCategory", "BillingPeriodStart", "EffectiveCost")))


def _project(h: Header) -> Projection:
    out: Projection = {}
    for c in COLUMNS:
        real = h.get(c.name)
        out[c.name] = q(real) if real is not None else "NULL"
    # FOCUS values are capitalised (Usage, Tax…); some exports (Google's FOCUS view) write them in lower case.
    out["ChargeCategory"] = case_map(f"lower({out['ChargeCategory']})", _CATEGORIES, out["ChargeCategory"])
    out["ChargeClass"] = case_map(f"lower({out['ChargeClass']})", {"correction": "Correction"}, out["ChargeClass"])
    if h.get("ProviderName") is None:
        out["ProviderName"] = h.col("ServiceProviderName", "PublisherName")
    if h.get("BillingPeriodStart") is None:
        out["BillingPeriodStart"] = f"date_trunc('month', {out['ChargePeriodStart']})"
        out["BillingPeriodEnd"] = f"(date_trunc('month', {out['ChargePeriodStart']}) + INTERVAL 1 MONTH)"
    return out


CONNECTOR = Connector(
    name="focus",
    label="FOCUS 1.0–1.3 (any provider's FOCUS export)",
    provider=None,
    detect=_detect,
    project=_project,
    numeric=_NUMERIC,
    timestamps=_TIMESTAMPS,
    required_columns=("BilledCost", "ChargePeriodStart"),
    required_values=("BilledCost", "ChargePeriodStart", "BillingCurrency"),
    period=("ChargePeriodStart", "ChargePeriodEnd"),
    specificity=10,
    verified="real export",
    reference="FOCUS specification v1.2 (focus.finops.org); FOCUS-Sample-Data 1.0",
    cost_columns={"BilledCost": "BilledCost", "EffectiveCost": "EffectiveCost", "ListCost": "ListCost",
                  "ContractedCost": "ContractedCost"},
)
