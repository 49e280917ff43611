"""Alerts on the shape of spend (spikes, drifts) and on spend that cannot be allocated (missing tags).

These rules estimate no saving: they say where to look. Spikes and drifts come from
``balise.finops.anomalies`` (docs/anomalies-and-forecast.md) on the tenant's whole history, per service, and
are reported when they overlap the analysis window; the untagged-spend rule reads the shared per-resource
aggregate plus one small aggregate of the usage billed without a resource.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from balise import engine
from balise.domain.findings import Domain, Finding, Severity, Subject
from balise.finops import anomalies as an
from balise.finops.series import DailySpend, daily_spend
from balise.i18n import Msg, Text, money, percent
from balise.i18n import rules_messages as rm
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext

DAYS_A_MONTH = 365.25 / 12
# History before the window that the series of both rules start with: the most a scored day may need
# (expected: 12 weeks of same weekdays at most; scale: 56 days of residuals, each with its own expectation).
SERIES_LEAD = timedelta(days=7 * 12 + 56)


def money_text(amount: float, currency: str, *, signed: bool = False) -> Text:
    """An amount that renders per language (``€1,234.56`` / ``1 234,56 €``), with ``+`` if ``signed``."""
    sign = "+" if signed and amount > 0 else ""
    return Msg(sign + money(amount, currency, "en"), sign + money(amount, currency, "fr"))()


def percent_text(share: float) -> Text:
    return Msg(percent(share, "en"), percent(share, "fr"))()


def window_start(ctx: RuleContext) -> date:
    return date(int(ctx.start[:4]), int(ctx.start[5:]), 1)


def period(ctx: RuleContext) -> dict[str, str]:
    return {"start": window_start(ctx).isoformat(), "end": ctx.as_of.isoformat()}


def service_daily(ctx: RuleContext) -> DailySpend:
    """Daily EffectiveCost per service and currency, from SERIES_LEAD before the window (or the tenant's first
    bill, whichever is later: days before any bill are not zero spend) to its last day. One aggregate, shared
    by the spike and drift rules."""
    def make() -> DailySpend:
        spend = daily_spend(ctx.con, ctx.history_sums, "service", start=window_start(ctx) - SERIES_LEAD, end=ctx.as_of)
        billed = np.flatnonzero(np.any(spend.values != 0, axis=0))
        first = int(billed[0]) if len(billed) else len(spend.days)
        return DailySpend(spend.days[first:], spend.keys, spend.values[:, first:])
    return ctx.cached("daily_spend:service", make)  # type: ignore[no-any-return]


def severity_for(eur: float, medium: float, high: float, critical: float) -> Severity:
    return (Severity.CRITICAL if eur >= critical else Severity.HIGH if eur >= high
            else Severity.MEDIUM if eur >= medium else Severity.LOW)


def resource_owner(ctx: RuleContext, resource_id: str | None) -> str | None:
    """The ``owner`` tag of a resource of the window, else its ``team`` tag (keys matched case-insensitively)."""
    def owners() -> dict[str, str]:
        out = {}
        for r in ctx.resource_rows():
            tags = {k.lower(): v for k, v in _tags(r["tags"]).items() if v}
            who = tags.get("owner") or tags.get("team")
            if who:
                out[r["resource_id"]] = str(who)
        return out
    return None if resource_id is None else ctx.cached("owner_by_resource", owners).get(resource_id)


def _tags(raw: str | None) -> dict[str, Any]:
    """The tags of a Tags string (read-only: the dict is shared by every row with the same string)."""
    return _parse_tags(raw) if raw else {}


@functools.lru_cache(maxsize=8192)
def _parse_tags(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- FIN-040 ---------------------------------------------------------------------------------------------------

class SpendSpike(Rule):
    """A service's daily spend far above its usual level for the same weekday, for a few days.

    Bad:  Azure Machine Learning bills 244 € a day from 13 to 16 July 2026 instead of about 34 € (a runaway
          training job on ``gpu-train-cluster``): 976 € instead of 148 € over the four days.
    Good: the same service at 30–40 € on weekdays and 8–10 € at weekends, growing 2 % a month.
    """

    code = "FIN-040"
    name = "finops.anomaly.spike"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("anomaly", "cost")
    title = rm.SPIKE_TITLE
    remediation = rm.SPIKE_FIX

    @dataclass(frozen=True)
    class Params:
        threshold: float = param(5.0, "Robust z-score above which a day is anomalous.", minimum=1.0)
        min_excess: float = param(20.0, "Smallest excess over expected that counts, per day (billing currency).",
                                  minimum=0.0)
        season_weeks: int = param(4, "Expected = median of the same weekday over this many previous weeks.",
                                  minimum=1, maximum=12)
        top: int = param(5, "Contributing resources listed in the evidence.", minimum=0, maximum=50)
        medium_eur: float = param(200.0, "Excess (EUR) from which the finding is medium, below it low.", minimum=0.0)
        high_eur: float = param(1000.0, "Excess (EUR) from which the finding is high.", minimum=0.0)
        critical_eur: float = param(5000.0, "Excess (EUR) from which the finding is critical.", minimum=0.0)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p = an.SpikeParams(threshold=params.threshold, min_excess=params.min_excess,
                           season_weeks=params.season_weeks)
        first = window_start(ctx)
        for a in an.detect_spikes(service_daily(ctx), p):
            if a.end < first or a.start > ctx.as_of:
                continue
            found = an.contributors(ctx.con, ctx.history, "service", a, p, top=params.top)
            yield self._finding(ctx, params, an.Anomaly(a.key, a.days, found))

    def _finding(self, ctx: RuleContext, params: Any, a: an.Anomaly) -> Finding:
        service = a.key.key[0] or str(rm.NO_RESOURCE())
        currency = a.key.currency or "EUR"
        excess_eur = ctx.to_eur(a.excess, currency, a.start.strftime("%Y-%m"))
        top = a.contributors[0] if a.contributors else None
        evidence = {
            "service": a.key.key[0], "currency": currency, "start": a.start, "end": a.end, "days": len(a.days),
            "expected": round(a.expected, 2), "actual": round(a.actual, 2), "excess": round(a.excess, 2),
            "excess_eur": round(excess_eur, 2),
            "ratio": round(a.actual / a.expected, 2) if a.expected > 0 else None,
            "max_score": round(a.score, 1),
            "daily": [{"day": d.day, "expected": round(d.expected, 2), "actual": round(d.actual, 2),
                       "score": round(d.score, 1)} for d in a.days],
            "contributors": [{"resource_id": c.resource_id, "resource_name": c.resource_name,
                              "expected": round(c.expected, 2), "actual": round(c.actual, 2),
                              "excess": round(c.excess, 2)} for c in a.contributors],
            "method": f"expected = median of the same weekday over the previous {params.season_weeks} weeks; "
                      f"robust z-score > {params.threshold} and excess >= {params.min_excess} a day "
                      "(docs/anomalies-and-forecast.md)",
            "metric": "EffectiveCost",
            "period": period(ctx),
        }
        args = {"service": service, "actual": money_text(a.actual, currency),
                "expected": money_text(a.expected, currency), "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                "resource": (top.resource_name or top.resource_id) if top else str(rm.NO_RESOURCE())}
        return self.finding(
            Subject("anomaly", f"{service}|{currency}|{a.start.isoformat()}", name=service),
            severity=severity_for(excess_eur, params.medium_eur, params.high_eur, params.critical_eur),
            args=args, evidence=evidence, owner=resource_owner(ctx, top.resource_id if top else None))


# --- FIN-041 ---------------------------------------------------------------------------------------------------

class SpendDrift(Rule):
    """A service's typical daily spend moved to a new level and stayed there for weeks.

    Bad:  a service at 60 € a day for a month, then at 85 € a day every day for three weeks (a new fleet, a
          price change, a credit that ended): +760 € a month that nobody decided.
    Good: the same service growing 2 % a month, or a spike of three days that comes back down.
    """

    code = "FIN-041"
    name = "finops.anomaly.drift"
    domain = Domain.FINOPS
    severity = Severity.LOW
    groups = ("anomaly", "cost")
    title = rm.DRIFT_TITLE
    remediation = rm.DRIFT_FIX

    @dataclass(frozen=True)
    class Params:
        min_ratio: float = param(0.2, "Smallest relative change of the typical daily level.", minimum=0.0)
        min_change: float = param(10.0, "Smallest absolute change of the typical daily level (billing currency).",
                                  minimum=0.0)
        min_share: float = param(0.85, "Share of the days after beyond their weekday's level before.",
                                 minimum=0.5, maximum=1.0)
        before_weeks: int = param(4, "Weeks before the change that set the previous level.", minimum=1, maximum=12)
        after_weeks: int = param(3, "Weeks at the new level that confirm a drift.", minimum=1, maximum=12)
        direction: str = param("up", "up: only increases; both: decreases too.", choices=("up", "both"))
        medium_eur: float = param(300.0, "Monthly change (EUR) from which the finding is medium, below it low.",
                                  minimum=0.0)
        high_eur: float = param(1500.0, "Monthly change (EUR) from which the finding is high.", minimum=0.0)
        critical_eur: float = param(7500.0, "Monthly change (EUR) from which the finding is critical.", minimum=0.0)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p = an.DriftParams(before_weeks=params.before_weeks, after_weeks=params.after_weeks,
                           min_ratio=params.min_ratio, min_change=params.min_change, min_share=params.min_share)
        first = window_start(ctx)
        seen = set()
        # largest first: one finding per service, currency and direction
        for d in an.detect_drifts(service_daily(ctx), p):
            key = (d.key, d.change > 0)
            if d.since < first or key in seen or (params.direction == "up" and d.change <= 0):
                continue
            seen.add(key)
            yield self._finding(ctx, params, d)

    def _finding(self, ctx: RuleContext, params: Any, d: an.Drift) -> Finding:
        service = d.key.key[0] or str(rm.NO_RESOURCE())
        currency = d.key.currency or "EUR"
        monthly = d.change * DAYS_A_MONTH
        monthly_eur = ctx.to_eur(monthly, currency, d.since.strftime("%Y-%m"))
        evidence = {
            "service": d.key.key[0], "currency": currency, "since": d.since, "confirmed": d.confirmed,
            "before_per_day": round(d.before, 2), "after_per_day": round(d.after, 2),
            "change_per_day": round(d.change, 2), "change_per_month": round(monthly, 2),
            "change_per_month_eur": round(monthly_eur, 2),
            "ratio": round(d.ratio, 3) + 0.0 if d.before else None, "share_beyond": round(d.share, 3),
            "method": f"{params.before_weeks} weeks before vs {params.after_weeks} weeks after, per-weekday "
                      f"medians; change >= {params.min_change} a day and {params.min_ratio:.0%}, "
                      f"{params.min_share:.0%} of the days beyond (docs/anomalies-and-forecast.md)",
            "metric": "EffectiveCost",
            "period": period(ctx),
        }
        direction = "up" if d.change > 0 else "down"
        args = {"service": service, "since": d.since.isoformat(), "before": money_text(d.before, currency),
                "after": money_text(d.after, currency),
                "change": money_text(monthly, currency, signed=True)}
        f = self.finding(Subject("drift", f"{service}|{currency}|{direction}", name=service),
                         severity=severity_for(abs(monthly_eur), params.medium_eur, params.high_eur,
                                               params.critical_eur), args=args, evidence=evidence)
        if direction == "down":
            f.title = rm.DRIFT_DOWN_TITLE(**args)
        return f


# --- FIN-060 ---------------------------------------------------------------------------------------------------

class UntaggedSpend(Rule):
    """Usage spend without the tags that allocate it (team by default), above a share of the tenant's spend.

    Bad:  13 % of usage spend in August–October has no ``team`` tag: a VM tagged only ``project`` and ``env``,
          untagged block volumes, and data transfer billed without a resource.
    Good: under 10 % of usage spend without ``team`` (aliases such as ``Team`` count: keys are matched
          case-insensitively), the rest split by a shared-cost rule.
    """

    code = "FIN-060"
    name = "finops.allocation.untagged"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("allocation", "tagging")
    title = rm.UNTAGGED_TITLE
    remediation = rm.UNTAGGED_FIX

    @dataclass(frozen=True)
    class Params:
        required_tags: list[str] = param(["team"], "Tag keys every cost needs (matched case-insensitively).")  # noqa: RUF009
        max_share: float = param(0.10, "Largest acceptable share of usage spend without them.", minimum=0.0,
                                 maximum=1.0)
        min_eur: float = param(0.0, "Smallest untagged amount (EUR, over the window) worth a finding.", minimum=0.0)
        top: int = param(10, "Untagged resources listed in the evidence.", minimum=0, maximum=100)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        required = [k.lower() for k in params.required_tags]
        if not required:
            return
        total = 0.0
        missing_by_key = {k: 0.0 for k in params.required_tags}
        untagged: list[dict[str, Any]] = []

        def account(eur: float, tags: dict[str, Any]) -> list[str]:
            present = {k.lower() for k, v in tags.items() if v not in (None, "")}
            missing = [orig for orig, k in zip(params.required_tags, required, strict=True) if k not in present]
            for k in missing:
                missing_by_key[k] += eur
            return missing

        for r in ctx.resource_rows():
            eur = ctx.to_eur(float(r["usage_effective"] or 0.0), r["currency"])
            total += eur
            missing = account(eur, _tags(r["tags"]))
            if missing and eur:
                untagged.append({"resource_id": r["resource_id"], "resource_name": r["resource_name"],
                                 "service": r["service"], "provider": r["provider"], "account": r["account"],
                                 "missing": missing, "cost_eur": eur})
        without: dict[str, float] = {}
        for r in ctx.cached("usage_without_resource_by_tags", lambda: _usage_without_resource(ctx)):
            eur = ctx.to_eur(float(r["cost"] or 0.0), r["currency"])
            total += eur
            if account(eur, _tags(r["tags"])) and eur:
                without[r["service"] or ""] = without.get(r["service"] or "", 0.0) + eur
        amount = sum(u["cost_eur"] for u in untagged) + sum(without.values())
        share = amount / total if total > 0 else 0.0
        if share <= params.max_share or amount < params.min_eur or amount <= 0:
            return
        untagged.sort(key=lambda u: (-u["cost_eur"], u["resource_id"]))
        evidence = {
            "required_tags": list(params.required_tags), "untagged_eur": round(amount, 2),
            "usage_eur": round(total, 2), "share": round(share, 4), "max_share": params.max_share,
            "missing_by_key_eur": {k: round(v, 2) for k, v in missing_by_key.items()},
            "untagged_resources": len(untagged),
            "top_resources": [{**u, "cost_eur": round(u["cost_eur"], 2)} for u in untagged[:params.top]],
            "without_resource_eur": {k: round(v, 2) for k, v in sorted(without.items(), key=lambda kv: -kv[1])},
            "basis": f"EffectiveCost of usage rows, in EUR at the rates of {ctx.end}; a resource's tags are its "
                     "latest non-empty ones in the window",
            "period": period(ctx),
        }
        keys = ", ".join(params.required_tags)
        yield self.finding(Subject("tenant", ctx.tenant, name=ctx.tenant),
                           args={"share": percent_text(share), "keys": keys, "amount": money_text(amount, "EUR"),
                                 "start": window_start(ctx).isoformat(), "end": ctx.as_of.isoformat()},
                           evidence=evidence)


def _usage_without_resource(ctx: RuleContext) -> list[dict[str, Any]]:
    """Usage billed without a ResourceId (data transfer, bandwidth), by currency, tags and service."""
    t = ctx.sums  # its Tags are those of the rows without a ResourceId
    without = ~t.x_HasResource if "x_HasResource" in t.columns else t.ResourceId.isnull()
    t = t.filter(without & (t.ChargeCategory == "Usage"))
    agg = t.group_by(currency=t.BillingCurrency, tags=t.Tags, service=t.ServiceName).aggregate(
        cost=t.EffectiveCost.sum())
    return engine.rows(ctx.con, agg)


RULES: tuple[type[Rule], ...] = (SpendSpike, SpendDrift, UntaggedSpend)
