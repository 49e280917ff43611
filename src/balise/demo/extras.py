"""The monthly rows that end each demo file: commitment purchases, unused commitment, credits, taxes.

They are computed exactly (``Decimal``) from a per-day aggregate of the usage rows, so a purchase equals
the amortised cost it covers plus what went unused, and a tax is 20 % of the month's billed cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pyarrow as pa

from balise.demo.catalog import COMMITMENTS, CREDITS, PROVIDERS, REGIONS, SUB_ACCOUNTS
from balise.domain.focus import FocusColumn

PRICE_COLUMNS = frozenset({"ListUnitPrice", "ContractedUnitPrice", "PricingCurrencyListUnitPrice",
                           "PricingCurrencyContractedUnitPrice"})
_CENT = Decimal("0.01")
AggRow = tuple[int, int, str | None, Decimal, Decimal | None, Decimal | None, Decimal | None, Decimal | None]


def _ts(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _arrow_type(col: FocusColumn) -> pa.DataType:
    if col.type == "decimal":
        return pa.decimal128(20, 10) if col.name in PRICE_COLUMNS else pa.decimal128(18, 6)
    return pa.timestamp("us") if col.type == "datetime" else pa.string()


def extra_rows(provider: str, month_starts: Sequence[date], ri_break: Iterable[int], scale: float,
               invoice_ids: Sequence[str], agg: Iterable[AggRow], columns: Sequence[FocusColumn]) -> pa.Table:
    """Arrow table (FOCUS columns, in order) of ``provider``'s monthly rows, sorted by period then kind."""
    p = PROVIDERS[provider]
    start = month_starts[0]
    billed: dict[int, Decimal] = defaultdict(Decimal)
    used_e: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    used_q: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    unused: dict[tuple[int, str], tuple[Decimal, Decimal]] = {}
    for mi, d, cd, bc, ue_used, uq_used, ue, uq in agg:
        billed[mi] += bc
        if cd is not None:
            used_e[mi, cd] += (ue_used or 0) + (ue or 0)
            used_q[mi, cd] += (uq_used or 0) + (uq or 0)
            if ue is not None:
                unused[d, cd] = (ue, uq or Decimal(0))

    def base(month: int, period: tuple[date, date], category: str, frequency: str, cost: Decimal,
             desc: str, order: int) -> dict[str, Any]:
        return {
            "_order": (period[0], order, desc), "BilledCost": cost, "EffectiveCost": cost,
            "ListCost": cost, "ContractedCost": cost, "BillingAccountId": p.account_id,
            "BillingAccountName": p.account_name, "BillingAccountType": p.account_type,
            "BillingCurrency": p.currency, "PricingCurrency": p.currency, "PricingCurrencyEffectiveCost": cost,
            "BillingPeriodStart": _ts(month_starts[month]), "BillingPeriodEnd": _ts(month_starts[month + 1]),
            "ChargePeriodStart": _ts(period[0]), "ChargePeriodEnd": _ts(period[1]), "ChargeCategory": category,
            "ChargeFrequency": frequency, "ChargeDescription": desc, "InvoiceId": invoice_ids[month],
            "InvoiceIssuerName": p.name, "ProviderName": p.name, "PublisherName": p.name,
        }

    def sub(key: str) -> dict[str, Any]:
        _, sub_id, sub_name = SUB_ACCOUNTS[key]
        return {"SubAccountId": sub_id, "SubAccountName": sub_name, "SubAccountType": p.sub_account_type}

    months = len(month_starts) - 1
    out: list[dict[str, Any]] = []
    credits: dict[int, Decimal] = defaultdict(Decimal)
    for prov, account, month, amount, desc in CREDITS:
        if prov != provider or month >= months:
            continue
        value = -Decimal(str(amount * scale)).quantize(_CENT, ROUND_HALF_EVEN)
        credits[month] += value
        row = base(month, (month_starts[month], month_starts[month + 1]), "Credit", "One-Time", value, desc, 2)
        out.append(row | sub(account) | {"ServiceName": "Credits", "ServiceCategory": "Other",
                                         "ServiceSubcategory": "Other (Other)"})
    for c in COMMITMENTS.values():
        if SUB_ACCOUNTS[c.account][0] != provider:
            continue
        commit = {"CommitmentDiscountId": c.id, "CommitmentDiscountName": c.name, "CommitmentDiscountType": c.type,
                  "CommitmentDiscountCategory": c.category, "ResourceId": c.id, "ResourceName": c.name,
                  "ResourceType": c.type, "RegionId": c.region, "RegionName": REGIONS.get(c.region or ""),
                  "ServiceName": c.service, "ServiceCategory": "Compute", "ServiceSubcategory": "Virtual Machines",
                  "SkuId": c.sku, "CommitmentDiscountUnit": p.currency if c.category == "Spend" else "Hours",
                  "Tags": c.tags}
        for month in range(months):
            fee = used_e[month, c.id]
            qty = fee if c.category == "Spend" else used_q[month, c.id]
            row = base(month, (month_starts[month], month_starts[month + 1]), "Purchase", "Recurring", fee,
                       f"{c.desc} - monthly fee", 0)
            out.append(row | sub(c.account) | commit | {
                "EffectiveCost": Decimal(0), "PricingCurrencyEffectiveCost": Decimal(0),
                "PricingCategory": "Standard", "PricingQuantity": Decimal(1), "PricingUnit": "Months",
                "ListUnitPrice": fee, "ContractedUnitPrice": fee, "PricingCurrencyListUnitPrice": fee,
                "PricingCurrencyContractedUnitPrice": fee, "SkuPriceId": f"{c.sku}:purchase",
                "CommitmentDiscountQuantity": qty})
        if c.category != "Usage":
            continue
        for month in ri_break:
            day = month_starts[month]
            while day < month_starts[month + 1]:
                ue, uq = unused.get(((day - start).days, c.id), (Decimal(0), Decimal(0)))
                row = base(month, (day, day + timedelta(days=1)), "Usage", "Usage-Based", Decimal(0),
                           f"{c.desc} - unused reserved hours", 1)
                out.append(row | sub(c.account) | commit | {
                    "EffectiveCost": ue, "PricingCurrencyEffectiveCost": ue, "ListCost": Decimal(0),
                    "ContractedCost": Decimal(0), "PricingCategory": "Committed", "CommitmentDiscountStatus": "Unused",
                    "PricingQuantity": uq, "PricingUnit": "Hours", "SkuPriceId": f"{c.sku}:reserved",
                    "CommitmentDiscountQuantity": uq})
                day += timedelta(days=1)
    if p.vat:
        for month in range(months):
            tax = ((billed[month] + credits[month]) * Decimal(str(p.vat))).quantize(_CENT, ROUND_HALF_EVEN)
            out.append(base(month, (month_starts[month], month_starts[month + 1]), "Tax", "Recurring", tax,
                            f"TVA {p.vat:.0%} (French VAT) on the {month_starts[month]:%Y-%m} invoice", 3)
                       | {"ServiceName": "VAT", "ServiceCategory": "Other", "ServiceSubcategory": "Other (Other)"})
    out.sort(key=lambda row: row["_order"])
    data = {col.name: [row.get(col.name) for row in out] for col in columns}
    return pa.table({col.name: pa.array(data[col.name], _arrow_type(col)) for col in columns})
