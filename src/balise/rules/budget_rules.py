"""FIN-050 ``finops.budget.exceeded``: a budget's actual spend or forecast crossed one of its thresholds.

The rule does not compute spend itself: the context's optional input ``budgets`` (``services/context.py``
loads it from the state database) gives each budget's status for the context's month — actual spend so far,
month-end forecast with its interval, year to date and year-end forecast for a yearly amount, all in EUR,
with the scope's allocation (tag aliases, value normalisation) applied. Those figures are shared with the
"spend vs budget" KPI and with ``balise budgets status``, so the three always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from balise.domain.findings import Domain, Finding, Severity, Status, Subject
from balise.i18n import Text, money, percent
from balise.i18n import kpis_messages as km
from balise.rules.base import Rule
from balise.rules.context import RuleContext


@dataclass(frozen=True)
class Crossing:
    """One threshold crossed: on ``actual`` or ``forecast`` spend, of the ``month`` or the ``year``."""

    basis: str  # actual | forecast
    period: str  # month | year
    threshold: float  # fraction of the budget (0.8 = 80 %)
    spend: float  # EUR
    budget: float  # EUR

    @property
    def ratio(self) -> float:
        return self.spend / self.budget if self.budget else float("inf")


@dataclass(frozen=True)
class BudgetStatus:
    name: str
    tag_key: str | None  # None: the whole tenant
    tag_value: str | None
    month: str  # YYYY-MM
    monthly: float  # EUR
    yearly: float | None
    actual: float  # the month's spend so far, EUR
    forecast: float | None  # month-end forecast (= actual when the month is over); None when not computable
    forecast_low: float | None
    forecast_high: float | None
    forecast_basis: str | None  # actual | forecast
    ytd: float | None  # year to date, when there is a yearly amount
    year_forecast: float | None
    year_forecast_low: float | None
    year_forecast_high: float | None
    thresholds_actual: tuple[float, ...]
    thresholds_forecast: tuple[float, ...]
    owner: str | None
    period_start: str  # ISO dates of the month's data
    as_of: str
    reason: Text | None = None  # why there is no forecast
    rates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def scope(self) -> str:
        return "tenant" if self.tag_key is None else f"{self.tag_key}={self.tag_value}"

    @property
    def share(self) -> float:
        return self.actual / self.monthly if self.monthly else float("inf")

    @property
    def crossings(self) -> list[Crossing]:
        out = []
        # once a period is over its forecast is its actual: only the actual thresholds apply
        month_fc = self.forecast if self.forecast_basis == "forecast" else None
        for basis, thresholds, month_spend, year_spend in (
                ("actual", self.thresholds_actual, self.actual, self.ytd),
                ("forecast", self.thresholds_forecast, month_fc, self.year_forecast)):
            for th in sorted(thresholds):
                if month_spend is not None and month_spend >= th * self.monthly:
                    out.append(Crossing(basis, "month", th, month_spend, self.monthly))
                if self.yearly is not None and year_spend is not None and year_spend >= th * self.yearly:
                    out.append(Crossing(basis, "year", th, year_spend, self.yearly))
        return out


class BudgetSource(Protocol):
    """What the ``budgets`` input provides (implemented by ``balise.services.budgets``)."""

    def statuses(self, ctx: RuleContext) -> list[BudgetStatus]: ...


class BudgetExceeded(Rule):
    """A budget's actual spend, or its month-end (or year-end) forecast, reached one of its thresholds.

    Bad:  budget ``web`` (team=web) 5,000 € a month, thresholds 0.8 and 1.0 on actual, 1.0 on forecast; on the
          20th the team has spent 4,100 € (82 %) and the month-end forecast is 6,050 € (121 %): FAIL.
    Good: the same budget with 3,100 € spent on the 20th and 4,600 € forecast (92 %): PASS.
    """

    code = "FIN-050"
    name = "finops.budget.exceeded"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("budgets",)
    title = km.FIN050_TITLE
    remediation = km.FIN050_REMEDIATION

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterable[Finding]:
        source: BudgetSource | None = ctx.input("budgets")
        if source is None:
            return
        for s in source.statuses(ctx):
            crossed = s.crossings
            subject = Subject(kind="budget", id=s.name, name=s.name)
            evidence = {
                "scope": s.scope, "month": s.month, "currency": "EUR", "monthly_budget": s.monthly,
                "yearly_budget": s.yearly, "actual": round(s.actual, 2),
                "forecast": None if s.forecast is None else round(s.forecast, 2),
                "forecast_low": None if s.forecast_low is None else round(s.forecast_low, 2),
                "forecast_high": None if s.forecast_high is None else round(s.forecast_high, 2),
                "ytd": None if s.ytd is None else round(s.ytd, 2),
                "year_forecast": None if s.year_forecast is None else round(s.year_forecast, 2),
                "thresholds_actual": list(s.thresholds_actual), "thresholds_forecast": list(s.thresholds_forecast),
                "crossed": [{"basis": c.basis, "period": c.period, "threshold": c.threshold,
                             "spend": round(c.spend, 2), "budget": c.budget} for c in crossed],
                "period": {"start": s.period_start, "end": s.as_of}, "rates": s.rates,
            }
            if not crossed:
                yield self.finding(subject, status=Status.PASS, severity=Severity.INFO, evidence=evidence,
                                   owner=s.owner, args={"name": s.name, "state": km.FIN050_WITHIN(
                                       share=percent(s.share), budget=money(s.monthly, "EUR"))})
                continue
            worst = max(crossed, key=lambda c: (c.basis == "actual", c.ratio))
            severity = Severity.HIGH if any(c.basis == "actual" and c.ratio >= 1 for c in crossed) else self.severity
            state = (km.FIN050_ACTUAL if worst.basis == "actual" else km.FIN050_FORECAST)(
                spend=money(worst.spend, "EUR"), share=percent(worst.ratio), budget=money(worst.budget, "EUR"),
                period=km.PERIOD_MONTH() if worst.period == "month" else km.PERIOD_YEAR())
            yield self.finding(subject, severity=severity, evidence=evidence, owner=s.owner,
                               args={"name": s.name, "state": state})


RULES: tuple[type[Rule], ...] = (BudgetExceeded,)
