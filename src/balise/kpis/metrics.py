"""The metric functions KPIs are computed with, by the name a KPI policy gives in ``computation.metric``.

A metric reads a ``RuleContext`` (one tenant, the month asked for and the two before it) and returns one
:class:`Measure` per figure (several for ``unit_cost``: one per business unit): the value in the KPI's unit,
the period, the inputs that produced it, and, when there is no value, why. Metrics share their aggregates
through ``ctx.cached`` (``balise.kpis.data``), so all KPIs together scan the tenant's rows only a few times.

Parameters are a dataclass per metric; its JSON Schema (for user KPI files) is derived from it.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from balise.i18n import Text
from balise.i18n import kpis_messages as km
from balise.kpis import data
from balise.kpis.allocation import AllocationConfig, default_config
from balise.rules.context import RuleContext


@dataclass
class Measure:
    value: float | None
    period: tuple[date, date]
    inputs: dict[str, Any] = field(default_factory=dict)
    reason: Text | None = None  # why there is no value (no_data), or a caveat about the value
    key: str | None = None  # for metrics giving several figures (unit_cost: the unit)
    unit: str | None = None  # replaces the KPI's unit (unit_cost: EUR/orders)


Fn = Callable[[RuleContext, Any], list[Measure]]


@dataclass(frozen=True)
class Metric:
    name: str
    fn: Fn
    Params: type

    def schema(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        hints = typing.get_type_hints(self.Params)
        for f in dataclasses.fields(self.Params):
            s = _json_type(hints[f.name])
            s["description"] = f.metadata.get("description", "")
            if "enum" in f.metadata:
                s["enum"] = list(f.metadata["enum"])
            props[f.name] = s
        return {"type": "object", "properties": props, "additionalProperties": False}

    def make(self, params: Mapping[str, Any]) -> Any:
        return self.Params(**params)

    def describe_params(self) -> str:
        names = [f.name for f in dataclasses.fields(self.Params)]
        return ", ".join(names) if names else "—"


def _json_type(tp: Any) -> dict[str, Any]:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    nullable = type(None) in typing.get_args(tp)
    base = args[0] if nullable else tp
    origin = typing.get_origin(base)
    if origin in (list, tuple):
        s: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
    else:
        s = {"type": {int: "integer", float: "number", str: "string", bool: "boolean"}[base]}
    if nullable:
        s["type"] = [s["type"], "null"]
    return s


def _p(default: Any, description: str, enum: tuple[str, ...] | None = None) -> Any:
    meta: dict[str, Any] = {"description": description}
    if enum:
        meta["enum"] = enum
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


def _month(ctx: RuleContext) -> tuple[date, date]:
    return data.month_bounds(ctx.end)[0], ctx.as_of


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * x


# --- spend ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetParams:
    budget: str | None = _p(None, "name of the tenant-level budget (default: the first by name)")


def spend_vs_budget(ctx: RuleContext, p: BudgetParams) -> list[Measure]:
    period = _month(ctx)
    source = ctx.input("budgets")
    statuses = source.statuses(ctx) if source is not None else []
    tenant = [s for s in statuses if s.tag_key is None and (p.budget is None or s.name == p.budget)]
    if not tenant:
        return [Measure(None, period, {"budgets": [s.name for s in statuses]},
                        km.REASON_NO_BUDGET(tenant=ctx.tenant) if p.budget is None
                        else km.REASON_NO_SUCH_BUDGET(name=p.budget))]
    s = sorted(tenant, key=lambda s: s.name)[0]
    spend = s.forecast if s.forecast is not None else s.actual
    basis = s.forecast_basis or "actual"
    inputs = {"budget": s.name, "budget_eur": s.monthly, "spend_eur": round(spend, 2), "basis": basis,
              "actual_eur": round(s.actual, 2), "forecast_low_eur": _r(s.forecast_low),
              "forecast_high_eur": _r(s.forecast_high), "rates": s.rates}
    reason = s.reason if s.forecast is None else None
    return [Measure(100.0 * (spend / s.monthly - 1) if s.monthly else None, period, inputs, reason)]


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


@dataclass(frozen=True)
class NoParams:
    pass


def mom_change(ctx: RuleContext, p: NoParams) -> list[Measure]:
    period = _month(ctx)
    prev_month = data.shift(ctx.end, -1)
    prev = data.month_spend(ctx, prev_month)
    if prev is None or prev.amount == 0:
        return [Measure(None, period, {"previous_month": prev_month}, km.REASON_NO_PREVIOUS(month=prev_month))]
    proj = data.month_end(ctx)
    current = data.month_spend(ctx, ctx.end) or data.Eur()
    if isinstance(proj, Text):
        return [Measure(None, period, {"month_eur": round(current.amount, 2)}, proj)]
    inputs = {"month": ctx.end, "month_eur": round(proj.point, 2), "basis": proj.basis,
              "actual_eur": round(proj.actual, 2), "previous_month": prev_month,
              "previous_eur": round(prev.amount, 2), "rates": current.inputs()["rates"] + prev.inputs()["rates"]}
    return [Measure(100.0 * (proj.point / prev.amount - 1), period, inputs)]


@dataclass(frozen=True)
class ForecastParams:
    horizon: str = _p("month", "month: the month's end; year: the calendar year's end", ("month", "year"))


def forecast(ctx: RuleContext, p: ForecastParams) -> list[Measure]:
    proj = data.month_end(ctx) if p.horizon == "month" else data.year_end(ctx)
    if isinstance(proj, Text):
        return [Measure(None, _month(ctx), {}, proj)]
    daily = data.daily_eur(ctx)
    inputs = {**proj.inputs(), "rates": [data.rate_json(r) for r in daily.rates]}
    reason = None
    if proj.missing_days:
        reason = km.NOTE_MISSING_DAYS(days=proj.missing_days, start=proj.period_start.isoformat())
    return [Measure(proj.point, (proj.period_start, proj.period_end), inputs, reason)]


# --- commitments ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommitmentParams:
    months: int = _p(1, "months ending with the KPI's month to measure over (1: the month; 3: the quarter)")


def _commitment_ratio(ctx: RuleContext, p: CommitmentParams, figure: str, complement: bool = False
                      ) -> list[Measure]:
    months = max(int(p.months), 1)
    summary = data.commitments(ctx, months)
    first = data.shift(ctx.end, -(months - 1))
    num, den = data.Eur(), data.Eur()
    rows = 0
    formula = None
    per_currency: dict[str, dict[str, float | None]] = {}
    for f in summary.months:
        r = getattr(f, figure)
        num.add(ctx, r.numerator, f.currency, f.period)
        den.add(ctx, r.denominator, f.currency, f.period)
        rows += r.rows
        formula = r.formula
        c = per_currency.setdefault(f.currency, {"numerator": 0.0, "denominator": 0.0})
        c["numerator"] = float(c["numerator"] or 0) + r.numerator
        c["denominator"] = float(c["denominator"] or 0) + r.denominator
    period = (data.month_bounds(first)[0], ctx.as_of)
    inputs = {"numerator_eur": round(num.amount, 2), "denominator_eur": round(den.amount, 2), "rows": rows,
              "formula": formula, "per_currency": {c: {k: round(float(v or 0), 2) for k, v in d.items()}
                                                   for c, d in sorted(per_currency.items())},
              "eligibility": "ServiceCategory Compute", "rates": den.inputs()["rates"]}
    if den.amount == 0:
        reason = {"coverage": km.REASON_NO_COVERAGE, "utilisation": km.REASON_NO_UTILISATION_CD,
                  "savings_rate": km.REASON_NO_SAVINGS}[figure]
        return [Measure(None, period, inputs, reason())]
    ratio = num.amount / den.amount
    return [Measure(100.0 * (1 - ratio if complement else ratio), period, inputs)]


def commitment_coverage(ctx: RuleContext, p: CommitmentParams) -> list[Measure]:
    return _commitment_ratio(ctx, p, "coverage")


def commitment_utilisation(ctx: RuleContext, p: CommitmentParams) -> list[Measure]:
    return _commitment_ratio(ctx, p, "utilisation")


def effective_savings_rate(ctx: RuleContext, p: CommitmentParams) -> list[Measure]:
    return _commitment_ratio(ctx, p, "savings_rate", complement=True)


# --- allocation -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TagParams:
    required: list[str] | None = _p(None, "tag keys every cost must carry (default: the allocation's required)")  # noqa: RUF009


def tag_coverage(ctx: RuleContext, p: TagParams) -> list[Measure]:
    config: AllocationConfig = ctx.input("allocation") or default_config()
    required = [k.strip().lower() for k in (p.required or config.required)]
    resolvers = [config.resolver(k) for k in required]
    tagged, total = data.Eur(), data.Eur()
    for r in data.usage_by_tags(ctx, ctx.end):
        cost = float(r["cost"] or 0)
        total.add(ctx, cost, r["currency"], ctx.end)
        if all(res(r["tags"]) is not None for res in resolvers):
            tagged.add(ctx, cost, r["currency"], ctx.end)
    inputs = {"required": required, "tagged_eur": round(tagged.amount, 2), "usage_eur": round(total.amount, 2),
              "rates": total.inputs()["rates"],
              "aliases": {k: list(config.rule(k).aliases) for k in required}}
    if total.amount == 0:
        return [Measure(None, _month(ctx), inputs, km.REASON_NO_USAGE(month=ctx.end))]
    return [Measure(100.0 * tagged.amount / total.amount, _month(ctx), inputs)]


# --- units, utilisation, rules, carbon --------------------------------------------------------------------

@dataclass(frozen=True)
class UnitParams:
    unit: str | None = _p(None, "business unit name (default: one figure per unit imported)")


def unit_cost(ctx: RuleContext, p: UnitParams) -> list[Measure]:
    period = _month(ctx)
    units: Mapping[str, Mapping[str, float]] = ctx.input("units") or {}
    names = [u for u in sorted(units) if p.unit is None or u == p.unit]
    if not names:
        return [Measure(None, period, {"units": sorted(units)},
                        km.REASON_NO_UNITS(month=ctx.end, tenant=ctx.tenant), key=p.unit)]
    spend = data.month_spend(ctx, ctx.end) or data.Eur()
    out = []
    for u in names:  # every unit ever imported, so that a KPI's id does not come and go with the months
        qty = units[u].get(ctx.end)
        inputs = {"unit": u, "quantity": qty, "spend_eur": round(spend.amount, 2), "rates": spend.inputs()["rates"]}
        if qty is None:
            out.append(Measure(None, period, inputs, km.REASON_NO_UNITS(month=ctx.end, tenant=ctx.tenant), key=u,
                               unit=f"EUR/{u}"))
        elif qty == 0:
            out.append(Measure(None, period, inputs, km.REASON_ZERO_UNITS(unit=u), key=u, unit=f"EUR/{u}"))
        else:
            out.append(Measure(spend.amount / qty, period, inputs, key=u, unit=f"EUR/{u}"))
    return out


def cpu_utilisation(ctx: RuleContext, p: NoParams) -> list[Measure]:
    period = _month(ctx)
    table = ctx.input("utilisation")
    if table is None:
        return [Measure(None, period, {}, km.REASON_NO_UTILISATION(tenant=ctx.tenant))]
    from balise import engine

    start, end = data.month_bounds(ctx.end)

    def make() -> dict[str, Any]:
        t = table
        day = t.ts.date()
        inside = t.filter((day >= start) & (day <= end) & t.cpu.notnull())
        row = engine.rows(ctx.con, inside.aggregate(mean=inside.cpu.mean(), samples=inside.count(),
                                                    resources=inside.resource_id.nunique()))[0]
        span = engine.rows(ctx.con, t.aggregate(first=t.ts.min(), last=t.ts.max()))[0]
        return {**row, **span}
    r = ctx.cached(f"kpis:cpu:{ctx.end}", make)
    inputs = {"samples": int(r["samples"] or 0), "resources": int(r["resources"] or 0),
              "samples_first": _iso(r["first"]), "samples_last": _iso(r["last"])}
    if not r["samples"]:
        return [Measure(None, (start, end), inputs, km.REASON_NO_SAMPLES(month=ctx.end))]
    return [Measure(100.0 * float(r["mean"]), (start, min(end, ctx.as_of)), inputs)]


def _iso(v: Any) -> str | None:
    return None if v is None else v.isoformat()


@dataclass(frozen=True)
class RuleParams:
    rule: str = _p("FIN-001", "code or dotted name of the rule whose FAIL findings are counted")


def rule_failures(ctx: RuleContext, p: RuleParams) -> list[Measure]:
    """FAIL findings of one rule on this context, run through the rule engine with the tenant's policy (its
    parameters, severity and owner for that rule); the findings are cached on the context."""
    from balise.domain.findings import Status
    from balise.rules import engine as rule_engine
    from balise.rules.builtin import default_registry
    from balise.rules.policy import Policy

    period = (data.month_bounds(ctx.start)[0], ctx.as_of)
    registry = default_registry()
    if p.rule not in registry and p.rule.upper() not in registry:
        return [Measure(None, period, {"rule": p.rule}, km.REASON_NO_RULE(rule=p.rule))]
    rule = registry.get(p.rule)
    pol: Policy = ctx.input("policy") or Policy()
    inputs: dict[str, Any] = {"rule": rule.code, "name": rule.name}
    if not pol.enabled(rule):
        return [Measure(None, period, inputs, km.REASON_RULE_DISABLED(rule=rule.code))]
    findings = ctx.cached(f"findings:{rule.code}",
                          lambda: rule_engine.run(ctx, registry, pol, codes=[rule.code]).findings)
    failed = [f for f in findings if f.status == Status.FAIL]
    errors = [f for f in findings if f.subject.kind == "rule"]
    if errors:
        return [Measure(None, period, {**inputs, "error": errors[0].evidence.get("error")},
                        km.REASON_RULE_ERROR(rule=rule.code))]
    inputs |= {"fail": len(failed), "unknown": sum(1 for f in findings if f.status == Status.UNKNOWN),
               "subjects": sorted(f.subject.label for f in failed)[:20],
               "monthly_saving_eur": round(sum(f.monthly_saving_eur or 0 for f in failed), 2)}
    return [Measure(float(len(failed)), period, inputs)]


def _carbon_month(ctx: RuleContext) -> Any:
    carbon = ctx.input("carbon")
    return None if carbon is None else carbon.month(ctx.end)


def _carbon_inputs(line: Any) -> dict[str, Any]:
    op, facility = line.total("operational"), line.total("facility_kwh")
    return {"kgco2e": round(line.kgco2e, 3), "kgco2e_operational": round(op, 3),
            "kgco2e_embodied": round(line.total("embodied"), 3), "kwh": round(line.total("kwh"), 3),
            "kwh_facility": round(facility, 3), "confidence": line.confidence(),
            "methods": sorted({c.f.method for c in line.components.values()}),
            "method": "Cloud Carbon Footprint (location-based); balise carbon --by month --format json for factors"}


def co2e_intensity(ctx: RuleContext, p: NoParams) -> list[Measure]:
    """Operational kgCO2e of the month per MWh the data centres drew for it (IT kWh x PUE): the
    energy-weighted grid factor of where the tenant runs (``balise.services.carbon``)."""
    from balise.i18n import carbon_messages as cm

    line = _carbon_month(ctx)
    if line is None or line.total("facility_kwh") <= 0:
        return [Measure(None, _month(ctx), {}, cm.KPI_NO_CARBON(month=ctx.end))]
    inputs = _carbon_inputs(line)
    how = cm.KPI_HOW(kg=round(line.total("operational"), 1), mwh=round(line.total("facility_kwh") / 1000, 3),
                     confidence=line.confidence())
    return [Measure(line.total("operational") / line.total("facility_kwh") * 1000, (_month(ctx)[0], ctx.as_of),
                    inputs, how)]


def unit_co2e(ctx: RuleContext, p: UnitParams) -> list[Measure]:
    """The month's kgCO2e divided by each business volume imported for the month (``ctx.input("units")``)."""
    from balise.i18n import carbon_messages as cm

    period = _month(ctx)
    units: Mapping[str, Mapping[str, float]] = ctx.input("units") or {}
    names = [u for u in sorted(units) if p.unit is None or u == p.unit]
    if not names:
        return [Measure(None, period, {"units": sorted(units)},
                        km.REASON_NO_UNITS(month=ctx.end, tenant=ctx.tenant), key=p.unit)]
    line = _carbon_month(ctx)
    out = []
    for u in names:
        qty = units[u].get(ctx.end)
        inputs = {"unit": u, "quantity": qty, **(_carbon_inputs(line) if line is not None else {})}
        if line is None:
            out.append(Measure(None, period, inputs, cm.KPI_NO_CARBON(month=ctx.end), key=u, unit=f"kgCO2e/{u}"))
        elif qty is None:
            out.append(Measure(None, period, inputs, km.REASON_NO_UNITS(month=ctx.end, tenant=ctx.tenant), key=u,
                               unit=f"kgCO2e/{u}"))
        elif qty == 0:
            out.append(Measure(None, period, inputs, km.REASON_ZERO_UNITS(unit=u), key=u, unit=f"kgCO2e/{u}"))
        else:
            out.append(Measure(line.kgco2e / qty, period, inputs,
                               cm.KPI_UNIT_HOW(kg=round(line.kgco2e, 1), quantity=qty, unit=u), key=u,
                               unit=f"kgCO2e/{u}"))
    return out


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("spend_vs_budget", spend_vs_budget, BudgetParams),
    Metric("mom_change", mom_change, NoParams),
    Metric("forecast", forecast, ForecastParams),
    Metric("commitment_coverage", commitment_coverage, CommitmentParams),
    Metric("commitment_utilisation", commitment_utilisation, CommitmentParams),
    Metric("effective_savings_rate", effective_savings_rate, CommitmentParams),
    Metric("tag_coverage", tag_coverage, TagParams),
    Metric("unit_cost", unit_cost, UnitParams),
    Metric("cpu_utilisation", cpu_utilisation, NoParams),
    Metric("rule_failures", rule_failures, RuleParams),
    Metric("co2e_intensity", co2e_intensity, NoParams),
    Metric("unit_co2e", unit_co2e, UnitParams),
)}
