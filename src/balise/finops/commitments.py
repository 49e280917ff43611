"""Commitment discounts (reservations, savings plans, CUDs): utilisation, coverage and effective savings rate.

FOCUS 1.2 semantics, measured on the FOCUS columns only (docs/commitments.md has the reasoning):

- **utilisation** = EffectiveCost of usage rows with ``CommitmentDiscountStatus`` "Used" / EffectiveCost of
  usage rows "Used" or "Unused". EffectiveCost is the amortised commitment, in money for spend-based and
  usage-based commitments alike, so commitments add up; the ratio in ``CommitmentDiscountQuantity`` (hours,
  normalised hours, or money) is given per commitment as well. Purchase rows (``ChargeCategory`` "Purchase")
  are reported apart (BilledCost) and never enter a ratio: their EffectiveCost is 0 by the specification and the
  usage rows already carry the amortised amount, so counting both would count the commitment twice.
- **coverage** = measure of eligible usage covered by a commitment (status "Used") / measure of eligible usage
  covered + eligible on-demand usage (``PricingCategory`` "Standard", no ``CommitmentDiscountId``). The measure
  is ListCost by default: the same undiscounted yardstick on covered and on-demand rows. "Unused" rows cover
  nothing and are left out. Eligible = ``ChargeCategory`` "Usage" and the :class:`Eligibility` filters
  (``ServiceCategory`` "Compute" by default).
- **effective savings rate** = 1 - EffectiveCost / ListCost over the same eligible usage rows (covered +
  on-demand) that have a ListCost.

Every figure is a :class:`Ratio` carrying its numerator, denominator, period, currency, row count and formula.
Figures are per month (of ``ChargePeriodStart``, UTC) and billing currency, per commitment, and in total per
currency: amounts in different currencies are never added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from balise import engine

__all__ = ["BASIS_COLUMNS", "Basis", "CommitmentFigures", "CommitmentSummary", "Eligibility", "PeriodFigures",
           "Ratio", "commitment_aggregate", "commitment_summary", "coverage_formula", "summarise"]

Basis = Literal["list", "contracted", "consumed"]
BASIS_COLUMNS: dict[str, str] = {"list": "ListCost", "contracted": "ContractedCost", "consumed": "ConsumedQuantity"}

UTILISATION = "sum(EffectiveCost where Usage and Used) / sum(EffectiveCost where Usage and (Used or Unused))"
QUANTITY_UTILISATION = ("sum(CommitmentDiscountQuantity where Usage and Used)"
                        " / sum(CommitmentDiscountQuantity where Usage and (Used or Unused))")
SAVINGS_RATE = "1 - sum(EffectiveCost) / sum(ListCost) where eligible Usage (covered or on-demand) and ListCost set"


def coverage_formula(basis: Basis) -> str:
    col = BASIS_COLUMNS[basis]
    return (f"sum({col} where eligible Usage and Used) / sum({col} where eligible Usage and"
            f" (Used or (Standard and no CommitmentDiscountId)))")


@dataclass(frozen=True)
class Eligibility:
    """Which usage rows a commitment could cover (``None`` = no filter on that column)."""

    service_categories: tuple[str, ...] | None = ("Compute",)
    resource_types: tuple[str, ...] | None = None
    providers: tuple[str, ...] | None = None  # normalised keys of x_Provider: aws, azure...
    basis: Basis = "list"  # coverage measure: ListCost, ContractedCost or ConsumedQuantity

    def __post_init__(self) -> None:
        if self.basis not in BASIS_COLUMNS:
            raise ValueError(f"basis must be one of {', '.join(BASIS_COLUMNS)}, not {self.basis!r}")


@dataclass(frozen=True)
class Ratio:
    """One figure and how it was computed. ``value`` is None (no data) when the denominator is 0."""

    value: float | None
    numerator: float
    denominator: float
    period: str  # "2026-03", or "2025-11..2026-10" for a total
    currency: str
    rows: int  # FOCUS rows behind the denominator
    formula: str


@dataclass(frozen=True)
class CommitmentFigures:
    """One commitment discount in one period (a month, or all months for a total)."""

    period: str
    currency: str
    commitment_id: str
    name: str | None
    category: str | None  # CommitmentDiscountCategory: "Spend" or "Usage"
    unit: str | None  # CommitmentDiscountUnit
    utilisation: Ratio  # EffectiveCost
    quantity_utilisation: Ratio  # CommitmentDiscountQuantity; value None when a row lacks it
    unused_cost: float
    purchased_cost: float  # BilledCost of Purchase rows (upfront or recurring fees)
    purchased_quantity: float
    purchase_rows: int


@dataclass(frozen=True)
class PeriodFigures:
    """All commitments and all eligible usage of one currency in one period."""

    period: str
    currency: str
    utilisation: Ratio
    coverage: Ratio
    savings_rate: Ratio
    unused_cost: float
    purchased_cost: float
    unpriced_rows: int  # eligible usage rows left out of coverage: their measure column is null


@dataclass(frozen=True)
class CommitmentSummary:
    """Everything :func:`commitment_summary` computed, sorted by period, currency and commitment."""

    months: list[PeriodFigures]
    totals: list[PeriodFigures]  # one per currency, over all months
    commitments: list[CommitmentFigures]  # per month
    commitment_totals: list[CommitmentFigures]  # per commitment, over all months
    eligibility: Eligibility

    def month(self, period: str, currency: str | None = None) -> PeriodFigures | None:
        return next((p for p in self.months if p.period == period and currency in (None, p.currency)), None)

    def commitment(self, commitment_id: str, period: str | None = None) -> CommitmentFigures | None:
        pool = self.commitment_totals if period is None else self.commitments
        return next((c for c in pool if c.commitment_id == commitment_id and period in (None, c.period)), None)


def commitment_aggregate(t: ir.Table, eligibility: Eligibility | None = None) -> ir.Table:
    """The Ibis expression behind every figure: additive sums per month, currency and CommitmentDiscountId
    (null for on-demand usage). Any Ibis backend can run it; :func:`summarise` folds its rows."""
    eligibility = eligibility or Eligibility()
    usage = t.ChargeCategory == "Usage"
    has_cd = t.CommitmentDiscountId.notnull()
    used = usage & has_cd & (t.CommitmentDiscountStatus == "Used")
    unused = usage & has_cd & (t.CommitmentDiscountStatus == "Unused")
    purchase = (t.ChargeCategory == "Purchase") & has_cd
    scope: ir.BooleanValue = ibis.literal(True)
    for col, values in (("ServiceCategory", eligibility.service_categories),
                        ("ResourceType", eligibility.resource_types), ("x_Provider", eligibility.providers)):
        if values is not None:
            scope = scope & t[col].isin(list(values))
    covered = used & scope
    on_demand = usage & ~has_cd & (t.PricingCategory == "Standard") & scope
    eligible = covered | on_demand
    measure = t[BASIS_COLUMNS[eligibility.basis]]
    listed = eligible & t.ListCost.notnull()
    relevant = t.filter(has_cd | on_demand)
    q = t.CommitmentDiscountQuantity
    # On a summed table (``RuleContext.sums``: one row per group of rows, x_Rows of them) counts are weighted.
    weight = t.x_Rows if "x_Rows" in t.columns else None

    def _n(condition: ir.BooleanValue) -> ir.IntegerScalar:
        return _count(condition, weight)

    aggs = {
        "used_cost": t.EffectiveCost.sum(where=used), "used_rows": _n(used),
        "unused_cost": t.EffectiveCost.sum(where=unused), "unused_rows": _n(unused),
        "used_qty": q.sum(where=used), "unused_qty": q.sum(where=unused),
        "qty_rows": _n((used | unused) & q.notnull()),
        "purchased_cost": t.BilledCost.sum(where=purchase), "purchased_qty": q.sum(where=purchase),
        "purchase_rows": _n(purchase),
        "covered": measure.sum(where=covered), "covered_rows": _n(covered & measure.notnull()),
        "on_demand": measure.sum(where=on_demand), "on_demand_rows": _n(on_demand & measure.notnull()),
        "unpriced_rows": _n(eligible & measure.isnull()),
        "sr_effective": t.EffectiveCost.sum(where=listed), "sr_list": t.ListCost.sum(where=listed),
        "sr_rows": _n(listed),
        "name": t.CommitmentDiscountName.max(), "category": t.CommitmentDiscountCategory.max(),
        "unit": t.CommitmentDiscountUnit.max(),
    }
    keys = [t.ChargePeriodStart.strftime("%Y-%m").name("month"), t.BillingCurrency.name("currency"),
            t.CommitmentDiscountId.name("commitment_id")]
    return relevant.group_by(keys).aggregate(**aggs)


def _count(condition: ir.BooleanValue, weight: ir.IntegerValue | None = None) -> ir.IntegerScalar:
    """How many rows meet ``condition`` (null counts as false); ``weight``: rows each table row stands for."""
    return condition.ifelse(1 if weight is None else weight, 0).sum()


def commitment_summary(t: ir.Table, con: engine.Backend, eligibility: Eligibility | None = None
                       ) -> CommitmentSummary:
    """Utilisation, coverage and effective savings rate of the FOCUS rows ``t``, per month and in total."""
    eligibility = eligibility or Eligibility()
    return summarise(engine.rows(con, commitment_aggregate(t, eligibility)), eligibility)


_SUMS = ("used_cost", "used_rows", "unused_cost", "unused_rows", "used_qty", "unused_qty", "qty_rows",
         "purchased_cost", "purchased_qty", "purchase_rows", "covered", "covered_rows", "on_demand",
         "on_demand_rows", "unpriced_rows", "sr_effective", "sr_list", "sr_rows")


def summarise(rows: Iterable[dict[str, Any]], eligibility: Eligibility | None = None) -> CommitmentSummary:
    """Fold the rows of :func:`commitment_aggregate` into figures (pure Python, no engine)."""
    eligibility = eligibility or Eligibility()
    data = [{**r, **{k: float(r[k] or 0) for k in _SUMS}} for r in rows]
    spans: dict[Any, list[str]] = {}
    for r in data:  # the months each currency, and each commitment, appears in
        for who in (("currency", r["currency"]), ("commitment", r["commitment_id"])):
            spans.setdefault(who, []).append(r["month"])

    def span(who: tuple[str, Any]) -> str:
        first, last = min(spans[who]), max(spans[who])
        return first if first == last else f"{first}..{last}"

    cds = [r for r in data if r["commitment_id"] is not None]
    by_month = _groups(data, lambda r: (r["month"], r["currency"]))
    by_currency = _groups(data, lambda r: (span(("currency", r["currency"])), r["currency"]))
    by_cd_month = _groups(cds, lambda r: (r["month"], r["currency"], r["commitment_id"]))
    by_cd = _groups(cds, lambda r: (span(("commitment", r["commitment_id"])), r["currency"], r["commitment_id"]))
    return CommitmentSummary(
        months=[_period(k, v, eligibility) for k, v in by_month.items()],
        totals=[_period(k, v, eligibility) for k, v in by_currency.items()],
        commitments=[_commitment(k, v) for k, v in by_cd_month.items()],
        commitment_totals=[_commitment(k, v) for k, v in by_cd.items()],
        eligibility=eligibility,
    )


def _groups(data: list[dict[str, Any]], key: Callable[[dict[str, Any]], tuple[Any, ...]]
            ) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Sum the additive columns per key (sorted); keep the first non-null descriptive column."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in data:
        acc = out.setdefault(key(r), dict.fromkeys(_SUMS, 0.0) | {"name": None, "category": None, "unit": None})
        for k in _SUMS:
            acc[k] += r[k]
        for k in ("name", "category", "unit"):
            acc[k] = acc[k] or r.get(k)
    return dict(sorted(out.items(), key=lambda kv: tuple(str(x) for x in kv[0])))


def _ratio(num: float, den: float, rows: float, period: str, currency: str, formula: str,
           complement: bool = False) -> Ratio:
    value = None if den == 0 else (1 - num / den if complement else num / den)
    return Ratio(value, num, den, period, currency, int(rows), formula)


def _period(key: tuple[Any, ...], a: dict[str, Any], eligibility: Eligibility) -> PeriodFigures:
    period, currency = key
    return PeriodFigures(
        period=period, currency=currency,
        utilisation=_ratio(a["used_cost"], a["used_cost"] + a["unused_cost"], a["used_rows"] + a["unused_rows"],
                           period, currency, UTILISATION),
        coverage=_ratio(a["covered"], a["covered"] + a["on_demand"], a["covered_rows"] + a["on_demand_rows"],
                        period, currency, coverage_formula(eligibility.basis)),
        savings_rate=_ratio(a["sr_effective"], a["sr_list"], a["sr_rows"], period, currency, SAVINGS_RATE,
                            complement=True),
        unused_cost=a["unused_cost"], purchased_cost=a["purchased_cost"], unpriced_rows=int(a["unpriced_rows"]),
    )


def _commitment(key: tuple[Any, ...], a: dict[str, Any]) -> CommitmentFigures:
    period, currency, cd = key
    rows = a["used_rows"] + a["unused_rows"]
    quantified = a["qty_rows"] == rows  # every Used/Unused row has a quantity
    used_q, total_q = (a["used_qty"], a["used_qty"] + a["unused_qty"]) if quantified else (0.0, 0.0)
    return CommitmentFigures(
        period=period, currency=currency, commitment_id=cd, name=a["name"], category=a["category"], unit=a["unit"],
        utilisation=_ratio(a["used_cost"], a["used_cost"] + a["unused_cost"], rows, period, currency, UTILISATION),
        quantity_utilisation=_ratio(used_q, total_q, rows, period, currency, QUANTITY_UTILISATION),
        unused_cost=a["unused_cost"], purchased_cost=a["purchased_cost"], purchased_quantity=a["purchased_qty"],
        purchase_rows=int(a["purchase_rows"]),
    )
