"""Evaluate a KPI policy on one context: each KPI's value, status against its threshold, and provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from balise.i18n import Msg, Text
from balise.kpis import metrics
from balise.kpis.policy import Kpi, Threshold
from balise.rules.context import RuleContext

Status = Literal["ok", "alert", "no_data"]


@dataclass
class KpiResult:
    id: str
    label: Msg
    value: float | None
    unit: str
    threshold: Threshold | None
    status: Status
    owner: str
    frequency: str
    period: tuple[date, date]
    inputs: dict[str, Any] = field(default_factory=dict)
    reason: Text | None = None  # why no_data, or a caveat
    description: Msg | None = None
    metric: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    origin: str = "default"
    changed: tuple[str, ...] = ()

    @property
    def alert(self) -> bool:
        return self.status == "alert"


def status(value: float | None, threshold: Threshold | None) -> Status:
    if value is None:
        return "no_data"
    if threshold is not None and threshold.crossed(value):
        return "alert"
    return "ok"


def evaluate(ctx: RuleContext, kpis: Sequence[Kpi]) -> list[KpiResult]:
    out = []
    for k in kpis:
        m = metrics.METRICS[k.metric]
        for meas in m.fn(ctx, m.make(k.params)):
            label = k.label if meas.key is None else Msg(f"{k.label.en} ({meas.key})", f"{k.label.fr} ({meas.key})")
            out.append(KpiResult(
                id=k.id if meas.key is None else f"{k.id}.{meas.key}", label=label, value=meas.value,
                unit=meas.unit or k.unit, threshold=k.threshold, status=status(meas.value, k.threshold),
                owner=k.owner, frequency=k.frequency, period=meas.period, inputs=meas.inputs, reason=meas.reason,
                description=k.description, metric=k.metric, params=dict(k.params), origin=k.origin,
                changed=k.changed))
    return out
