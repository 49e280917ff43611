"""Budgets: per tenant or per tag value, monthly (with an optional yearly amount), in EUR, with alert
thresholds on actual spend and on the forecast (fractions of the budget: 0.8 = 80 %).

A tag budget's spend is the tenant's spend whose tags resolve to that value through the allocation
configuration (aliases such as ``Team`` → ``team``, value normalisation such as ``Prod`` → ``prod``): its
direct spend. Shared-cost splits are not counted (they are estimates; showback shows them). Spend is
EffectiveCost converted to EUR at each month's rate; the month-end and year-end forecasts are those of the
KPIs (``balise.kpis.data``), on the budget's own scope.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
from sqlalchemy import select

from balise import engine
from balise.errors import UsageError
from balise.i18n import Text
from balise.i18n import kpis_messages as km
from balise.kpis import data
from balise.kpis.allocation import AllocationConfig, TagResolver, norm_key
from balise.reference.fx import Rates
from balise.rules.budget_rules import BudgetStatus
from balise.rules.context import RuleContext
from balise.services.allocation import config
from balise.services.context import rule_context
from balise.services.workspace import Workspace, now
from balise.state.models import Budget

DEFAULT_ACTUAL = (0.8, 1.0)
DEFAULT_FORECAST = (1.0,)
_names = itertools.count()


@dataclass(frozen=True)
class BudgetDef:
    name: str
    tag_key: str | None
    tag_value: str | None
    monthly: float
    yearly: float | None
    currency: str
    thresholds_actual: tuple[float, ...]
    thresholds_forecast: tuple[float, ...]
    owner: str | None

    @property
    def scope(self) -> str:
        return "tenant" if self.tag_key is None else f"{self.tag_key}={self.tag_value}"


def _def(b: Budget) -> BudgetDef:
    return BudgetDef(b.name, b.tag_key, b.tag_value, b.monthly, b.yearly, b.currency,
                     tuple(b.thresholds_actual or ()), tuple(b.thresholds_forecast or ()), b.owner)


def parse_thresholds(text: str | None, default: tuple[float, ...], option: str) -> tuple[float, ...]:
    """``'0.8,1.0'`` → (0.8, 1.0); percentages ``'80%,100%'`` are accepted; ``'none'`` → ()."""
    if text is None:
        return default
    if text.strip().lower() in ("none", ""):
        return ()
    out = []
    for part in text.split(","):
        p = part.strip()
        try:
            v = float(p[:-1]) / 100 if p.endswith("%") else float(p)
        except ValueError:
            raise UsageError(km.BAD_BUDGET_THRESHOLDS(option=option, text=text)) from None
        if not 0 < v <= 10:
            raise UsageError(km.BAD_BUDGET_THRESHOLDS(option=option, text=text))
        out.append(v)
    return tuple(sorted(set(out)))


def parse_tag(text: str | None) -> tuple[str | None, str | None]:
    if text is None:
        return None, None
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise UsageError(km.BAD_BUDGET_TAG(text=text))
    return norm_key(key), value.strip()


def add_budget(ws: Workspace, tenant: str, name: str, monthly: float, *, yearly: float | None = None,
               tag: str | None = None, actual: str | None = None, forecast: str | None = None,
               owner: str | None = None) -> tuple[BudgetDef, bool]:
    """Create the budget, or replace the one of that name. Returns it and whether it replaced one."""
    t = ws.tenant(tenant)
    if not name.strip():
        raise UsageError(km.BAD_BUDGET_NAME())
    if monthly <= 0 or (yearly is not None and yearly <= 0):
        raise UsageError(km.BAD_BUDGET_AMOUNT())
    key, value = parse_tag(tag)
    if key is not None and value is not None:
        value = config(ws, tenant).normalise_value(key, value)
    th_a = parse_thresholds(actual, DEFAULT_ACTUAL, "--actual")
    th_f = parse_thresholds(forecast, DEFAULT_FORECAST, "--forecast")
    with ws.session.begin() as s:
        b = s.scalar(select(Budget).where(Budget.tenant_id == t.id, Budget.name == name))
        replaced = b is not None
        if b is None:
            b = Budget(tenant_id=t.id, name=name, created_at=now())
            s.add(b)
        b.tag_key, b.tag_value, b.monthly, b.yearly, b.currency = key, value, monthly, yearly, "EUR"
        b.thresholds_actual, b.thresholds_forecast, b.owner = list(th_a), list(th_f), owner
        b.updated_at = now()
        return _def(b), replaced


def list_budgets(ws: Workspace, tenant: str) -> list[BudgetDef]:
    t = ws.tenant(tenant)
    with ws.session() as s:
        return [_def(b) for b in s.scalars(select(Budget).where(Budget.tenant_id == t.id).order_by(Budget.name))]


def remove_budget(ws: Workspace, tenant: str, name: str) -> None:
    t = ws.tenant(tenant)
    with ws.session.begin() as s:
        b = s.scalar(select(Budget).where(Budget.tenant_id == t.id, Budget.name == name))
        if b is None:
            known = ", ".join(s.scalars(select(Budget.name).where(Budget.tenant_id == t.id))) or "—"
            raise UsageError(km.UNKNOWN_BUDGET(name=name, known=known))
        s.delete(b)


# --- status -------------------------------------------------------------------------------------------------

@dataclass
class BudgetReport:
    tenant: str
    month: str
    as_of: date
    statuses: list[BudgetStatus]


def status(ws: Workspace, tenant: str, month: str | None = None, *, con: engine.Backend | None = None,
           rates: Rates | None = None, ctx: RuleContext | None = None) -> BudgetReport:
    ctx = ctx or rule_context(ws, tenant, month, con=con, rates=rates)
    book = ctx.input("budgets")
    return BudgetReport(tenant, ctx.end, ctx.as_of, book.statuses(ctx) if book else [])


class BudgetBook:
    """The ``budgets`` input of a rule context: the tenant's budgets, and their status for a context."""

    def __init__(self, budgets: list[BudgetDef], allocation: AllocationConfig) -> None:
        self.budgets = budgets
        self.allocation = allocation

    def statuses(self, ctx: RuleContext) -> list[BudgetStatus]:
        return ctx.cached("budgets:statuses", lambda: [self._status(ctx, b) for b in self.budgets])  # type: ignore[no-any-return]

    def _status(self, ctx: RuleContext, b: BudgetDef) -> BudgetStatus:
        year = ctx.end[:4]
        start, end = data.month_bounds(ctx.end)
        if b.tag_key is None:
            month = data.month_spend(ctx, ctx.end) or data.Eur()
            ytd = data.months_spend(ctx, f"{year}-01", ctx.end)
            daily = data.daily_eur(ctx)
        else:
            month, ytd, scope = self._scoped(ctx, b)
            daily = data.daily_eur(ctx, scope, key=f"budget:{b.scope}")
        rates = {(r.currency, r.month): r for r in [*month.rates, *ytd.rates, *daily.rates]}
        proj = data.project(ctx, daily, month.amount, start, end)
        reason: Text | None = proj if isinstance(proj, Text) else None
        m_proj = None if isinstance(proj, Text) else proj
        y_proj = None
        if b.yearly is not None:
            yp = data.project(ctx, daily, ytd.amount, date(int(year), 1, 1), date(int(year), 12, 31))
            y_proj = None if isinstance(yp, Text) else yp
        return BudgetStatus(
            name=b.name, tag_key=b.tag_key, tag_value=b.tag_value, month=ctx.end, monthly=b.monthly,
            yearly=b.yearly, actual=month.amount,
            forecast=m_proj.point if m_proj else None, forecast_low=m_proj.low if m_proj else None,
            forecast_high=m_proj.high if m_proj else None, forecast_basis=m_proj.basis if m_proj else None,
            ytd=ytd.amount if b.yearly is not None else None,
            year_forecast=y_proj.point if y_proj else None, year_forecast_low=y_proj.low if y_proj else None,
            year_forecast_high=y_proj.high if y_proj else None,
            thresholds_actual=b.thresholds_actual, thresholds_forecast=b.thresholds_forecast, owner=b.owner,
            period_start=start.isoformat(), as_of=ctx.as_of.isoformat(), reason=reason,
            rates=[data.rate_json(r) for _, r in sorted(rates.items())])

    def _scoped(self, ctx: RuleContext, b: BudgetDef) -> tuple[data.Eur, data.Eur, ir.Table]:
        """The month's and the year-to-date spend of the tag scope, and the scope's rows (for its forecast)."""
        year = ctx.end[:4]
        rows = _tags_by_month(ctx, f"{year}-01")
        resolver: TagResolver = self.allocation.resolver(b.tag_key or "")
        month, ytd = data.Eur(), data.Eur()
        for r in rows:
            if resolver(r["tags"]) != b.tag_value:
                continue
            if r["month"] == ctx.end:
                month.add(ctx, float(r["cost"] or 0), r["currency"], r["month"])
            ytd.add(ctx, float(r["cost"] or 0), r["currency"], r["month"])
        strings = sorted({r["tags"] for r in _tag_strings(ctx) if resolver(r["tags"]) == b.tag_value})
        name = f"balise_budget_tags_{next(_names)}"
        tags = ctx.con.create_table(name, ibis.memtable({"tags": strings}, schema={"tags": "string"}), temp=True)
        scope = ctx.history.filter(ctx.history.Tags.isin(tags.tags))
        return month, ytd, scope


def _tags_by_month(ctx: RuleContext, first: str) -> list[dict[str, Any]]:
    """EffectiveCost per month, currency and Tags string, from ``first`` to the context's month."""
    def make() -> list[dict[str, Any]]:
        t = ctx.history
        t = t.filter(data.in_months(t, first, ctx.end))
        ts = t.ChargePeriodStart
        agg = t.group_by(ym=ts.year() * 100 + ts.month(), currency=t.BillingCurrency, tags=t.Tags).aggregate(
            cost=t.EffectiveCost.sum())
        return [{**r, "month": f"{r['ym'] // 100:04d}-{r['ym'] % 100:02d}"} for r in engine.rows(ctx.con, agg)]
    return ctx.cached(f"budgets:tags_by_month:{first}", make)  # type: ignore[no-any-return]


def _tag_strings(ctx: RuleContext) -> list[dict[str, Any]]:
    def make() -> list[dict[str, Any]]:
        t = ctx.history
        return engine.rows(ctx.con, t.filter(t.Tags.notnull()).select(tags=t.Tags).distinct())
    return ctx.cached("budgets:tag_strings", make)  # type: ignore[no-any-return]


def source(ws: Workspace, tenant: str) -> BudgetBook | None:
    """The ``budgets`` context input: None when the tenant has no budget."""
    budgets = list_budgets(ws, tenant)
    if not budgets:
        return None
    return BudgetBook(budgets, config(ws, tenant))

