"""Prometheus metrics at /metrics for the tenants the token's user can see: spend, forecast, budget ratio, open
findings by severity, estimated savings, kgCO2e and the sovereignty score. Authenticated like the API (Bearer
token): the figures are the tenants' own."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from balise.domain.findings import Severity
from balise.services import views
from balise.web.deps import ApiUser, RatesDep, WsDep

router = APIRouter(include_in_schema=False)


def _label(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(ms: list[views.TenantMetrics]) -> str:
    out: list[str] = []

    def family(name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> None:
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            out.append(f"{name}{{{text}}} {value:.6g}" if abs(value) < 1e15 else f"{name}{{{text}}} {value}")

    family("balise_spend_eur", "gauge", "EffectiveCost of the latest month with data, in EUR.",
           [({"tenant": m.tenant, "month": m.month or ""}, m.spend_eur) for m in ms if m.spend_eur is not None])
    family("balise_forecast_month_end_eur", "gauge", "Month-end forecast of the latest month, in EUR.",
           [({"tenant": m.tenant, "month": m.month or ""}, m.forecast_eur) for m in ms if m.forecast_eur is not None])
    family("balise_budget_ratio", "gauge", "Actual spend of the month divided by the monthly budget.",
           [({"tenant": m.tenant, "budget": b}, r) for m in ms for b, r in m.budgets])
    family("balise_findings_open", "gauge", "Open or acknowledged findings, by severity.",
           [({"tenant": m.tenant, "severity": s.value}, float(m.open_findings.get(s.value, 0)))
            for m in ms for s in Severity])
    family("balise_savings_monthly_eur", "gauge", "Estimated monthly savings of the failing findings, in EUR.",
           [({"tenant": m.tenant}, m.savings_eur) for m in ms])
    family("balise_kgco2e", "gauge", "Estimated emissions of the latest month, kgCO2e (location-based).",
           [({"tenant": m.tenant, "month": m.month or ""}, m.kgco2e) for m in ms if m.kgco2e is not None])
    family("balise_sovereignty_score", "gauge", "Sovereignty score, 0 to 100.",
           [({"tenant": m.tenant}, float(m.sovereignty_score)) for m in ms if m.sovereignty_score is not None])
    return "\n".join(out) + "\n"


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(ws: WsDep, rates: RatesDep, user: ApiUser) -> PlainTextResponse:
    ms = [views.tenant_metrics(ws, t, rates) for t in sorted(user.roles)]
    return PlainTextResponse(render(ms), media_type="text/plain; version=0.0.4; charset=utf-8")
