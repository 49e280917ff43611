"""Commitment discounts: what to buy (FIN-020) and what is bought but unused (FIN-021).

- FIN-020 reads the daily on-demand spend of eligible usage (``balise.finops.series.daily_spend``: usage rows
  with ``PricingCategory`` Standard, no ``CommitmentDiscountId``, ``ServiceCategory`` Compute by default) per
  provider and currency over the last N days. Its low percentile (p10 by default; 0 = the minimum) is spend that
  ran every day: a commitment of that size stays used. One aggregate query.
- FIN-021 reads the utilisation of each commitment (``balise.finops.commitments``, FOCUS 1.2 semantics:
  EffectiveCost of Used / Used + Unused usage rows) over the last months of the window. One aggregate query.

The discount FIN-020 assumes is a parameter (default 0.28, i.e. paying 72 % of on-demand): the rate the demo
company's 1-year no-upfront Compute Savings Plan gets, and the order of magnitude most 1-year plans get ("in the
majority of cases savings might be closer to 30%", Vantage, "What is an AWS Savings Plan?", read 2026-12-01;
guides quote "up to 66%" for Compute Savings Plans, reached with 3-year terms). Check the provider's rates for
your instance mix before buying.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from balise.domain.findings import Domain, Finding, Severity, Subject
from balise.finops.commitments import CommitmentSummary, commitment_summary
from balise.finops.series import daily_spend
from balise.i18n import recommend_messages as rm
from balise.reference.offers import HOURS_A_MONTH
from balise.rules import resources as res
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext

DEFAULT_OWNER = "FinOps lead"  # owner of the commitment coverage KPI


class CommitmentPurchase(Rule):
    """A stable baseline of on-demand compute that a commitment (savings plan, reservation) would cover.

    Bad:  AWS compute billed on demand at 123–131 $ every weekday and 73–80 $ at weekends for 30 days: the p10,
          73.5 $ a day (3.06 $ an hour), runs every hour; committing 2.20 $ an hour at a 28 % discount saves
          about 618 $ a month.
    Good: on-demand compute that drops to nothing on some days (p10 = 0), or that is already covered.
    """

    code = "FIN-020"
    name = "finops.commitment.purchase"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("commitments",)
    title = rm.COMMIT_PURCHASE
    remediation = rm.COMMIT_PURCHASE_FIX

    @dataclass(frozen=True)
    class Params:
        days: int = param(30, "Daily on-demand spend of the last N days of the window.", minimum=7)
        percentile: float = param(0.10, "The baseline: this percentile of daily on-demand spend (0 = minimum).",
                                  minimum=0.0, maximum=0.5)
        discount: float = param(0.28, "Discount of the commitment vs on-demand (0.28: pay 72 %). An assumption; "
                                "see docs/recommendations.md.", minimum=0.01, maximum=0.9)
        term_months: int = param(12, "Term of the commitment, months.", minimum=1, maximum=60)
        upfront: float = param(0.0, "Share of the term's price paid at purchase (0 no upfront, 1 all upfront).",
                               minimum=0.0, maximum=1.0)
        min_monthly_saving_eur: float = param(50.0, "Report only savings of at least this much a month.",
                                              minimum=0.0)
        providers: tuple[str, ...] = param(("aws", "azure", "gcp", "oci"), "Providers selling compute commitments "
                                     "(x_Provider keys).")
        service_categories: tuple[str, ...] = param(("Compute",), "ServiceCategory values of eligible usage.")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: CommitmentPurchase.Params = params
        start = ctx.as_of - timedelta(days=p.days - 1)
        f = ctx.sums.select("ChargeCategory", "CommitmentDiscountId", "PricingCategory", "ServiceCategory",
                             "x_Provider", "ChargePeriodStart", "ChargePeriodEnd", "EffectiveCost", "BillingCurrency")
        eligible = f.filter((f.ChargeCategory == "Usage") & f.CommitmentDiscountId.isnull()
                            & (f.PricingCategory == "Standard") & f.ServiceCategory.isin(list(p.service_categories))
                            & f.x_Provider.isin(list(p.providers)))
        spend = daily_spend(ctx.con, eligible, by="provider", start=start, end=ctx.as_of)
        for i, key in enumerate(spend.keys):
            daily = spend.values[i]
            baseline = float(np.quantile(daily, p.percentile))
            if baseline <= 0 or key.currency is None:
                continue
            provider, currency = key.key[0] or "?", key.currency
            on_demand = baseline / 24
            hourly = on_demand * (1 - p.discount)
            monthly = on_demand * p.discount * HOURS_A_MONTH
            saving = ctx.to_eur(monthly, currency)
            if saving < p.min_monthly_saving_eur:
                continue
            evidence = {
                "period": {"start": start.isoformat(), "end": ctx.as_of.isoformat()},
                "provider": provider, "currency": currency, "days": p.days, "percentile": p.percentile,
                "daily_on_demand": {"min": round(float(daily.min()), 2), "baseline": round(baseline, 2),
                                    "mean": round(float(daily.mean()), 2), "max": round(float(daily.max()), 2)},
                "baseline_share_of_on_demand": round(baseline / float(daily.mean()), 4),
                "on_demand_hourly": res.amount(on_demand, currency), "commitment_hourly": res.amount(hourly, currency),
                "discount": p.discount, "discount_source": "parameter (docs/recommendations.md)",
                "term_months": p.term_months, "upfront": p.upfront,
                "upfront_payment": res.amount(hourly * HOURS_A_MONTH * p.term_months * p.upfront, currency),
                "monthly_saving": res.amount(monthly, currency, saving),
                "term_saving": res.amount(monthly * p.term_months, currency),
                "break_even_utilisation": round(1 - p.discount, 4),
                "break_even_months": round(p.term_months * (1 - p.discount) * p.upfront, 2),
                "formula": "baseline = percentile of daily on-demand EffectiveCost; commitment = baseline / 24 × "
                           "(1 - discount) an hour; saving = baseline / 24 × discount × 730 a month",
            }
            yield self.finding(
                Subject(kind="account", id=f"{provider}:{currency}", name=f"{provider} compute ({currency})",
                        provider=provider),
                args={"hourly": res.money_text(hourly, currency), "provider": provider, "term": p.term_months,
                      "on_demand": res.money_text(on_demand, currency), "days": p.days,
                      "discount": res.percent_text(p.discount), "break_even": res.percent_text(1 - p.discount)},
                evidence=evidence, monthly_saving_eur=round(saving, 2), owner=DEFAULT_OWNER)


class CommitmentUnderused(Rule):
    """A commitment whose utilisation over the last months is below a threshold: money paid for nothing.

    Bad:  the reserved instances ``ri-c6i-2xlarge-batch`` in April 2026: the batch workers ran 8 hours a day,
          1/3 of the reserved hours were used (235.70 $ of 707.10 $), 471.40 $ unused.
    Good: the same reservation in October 2026, fully used; the savings plan, used at 100 %.
    """

    code = "FIN-021"
    name = "finops.commitment.underused"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("commitments",)
    title = rm.COMMIT_UNDERUSED
    remediation = rm.COMMIT_UNDERUSED_FIX

    @dataclass(frozen=True)
    class Params:
        threshold: float = param(0.9, "Utilisation below which a commitment is reported.", minimum=0.0,
                                 maximum=1.0)
        months: int = param(1, "Months evaluated: the month asked for and the ones before it.", minimum=1,
                            maximum=12)
        min_unused_eur: float = param(1.0, "Report only commitments with at least this much unused a month.",
                                      minimum=0.0)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: CommitmentUnderused.Params = params
        months = _months_back(ctx.end, p.months)
        summary = _summary(ctx, months[0])
        where = {r["resource_id"]: r for r in ctx.resource_rows()}
        for c in summary.commitment_totals:
            u = c.utilisation.value
            if u is None or u >= p.threshold:
                continue
            unused_month = c.unused_cost / len(months)
            unused_eur = ctx.to_eur(unused_month, c.currency)
            if unused_eur < p.min_unused_eur:
                continue
            r = where.get(c.commitment_id, {})
            q = c.quantity_utilisation
            evidence = {
                "period": {"start": f"{months[0]}-01", "end": ctx.as_of.isoformat()}, "months": months,
                "utilisation": round(u, 4), "threshold": p.threshold,
                "used": res.amount(c.utilisation.numerator, c.currency),
                "committed": res.amount(c.utilisation.denominator, c.currency),
                "unused": res.amount(c.unused_cost, c.currency),
                "unused_per_month": res.amount(unused_month, c.currency, unused_eur),
                "quantity_utilisation": None if q.value is None else round(q.value, 4), "unit": c.unit,
                "category": c.category, "purchased": res.amount(c.purchased_cost, c.currency),
                "rows": c.utilisation.rows, "formula": c.utilisation.formula,
            }
            yield self.finding(
                Subject(kind="commitment", id=c.commitment_id, name=c.name, provider=r.get("provider"),
                        account=r.get("account"), region=r.get("region")),
                severity=Severity.HIGH if u < 0.5 else Severity.MEDIUM,
                args={"name": c.name or c.commitment_id, "utilisation": res.percent_text(u),
                      "period": c.period, "unused": res.money_text(c.unused_cost, c.currency)},
                evidence=evidence, monthly_saving_eur=round(unused_eur, 2),
                owner=res.owner(r, DEFAULT_OWNER) if r else DEFAULT_OWNER)


def _months_back(end: str, n: int) -> list[str]:
    """The ``n`` months ending with ``end`` (YYYY-MM), oldest first."""
    y, m = int(end[:4]), int(end[5:])
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def _summary(ctx: RuleContext, first: str) -> CommitmentSummary:
    """Commitment figures from ``first`` to the window's last month. Same cache key and same content as the
    commitment KPIs' summary (``balise.kpis.data.commitments``): computed once per context for both."""
    def make() -> CommitmentSummary:
        t = ctx.history_sums if first < ctx.start else ctx.sums
        return commitment_summary(t.filter(t.ChargePeriodStart.strftime("%Y-%m") >= first), ctx.con)
    return ctx.cached(f"commitments:summary:{first}..{ctx.end}", make)  # type: ignore[no-any-return]


RULES: tuple[type[Rule], ...] = (CommitmentPurchase, CommitmentUnderused)
