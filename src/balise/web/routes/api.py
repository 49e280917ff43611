"""The REST API under /api/v1: the pages' data and actions, with personal API tokens (Bearer). Response
schemas are the API's own (pydantic), not the services' types; the actions share the pages' code (and so
their role checks and audit entries)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from balise.services import accounts, notifications, views
from balise.services import budgets as budgets_service
from balise.services import findings as findings_service
from balise.services.sources import list_sources
from balise.web.deps import ApiTenant, ApiUser, RatesDep, SettingsDep, WsDep
from balise.web.routes import budgets as budget_pages
from balise.web.routes import capabilities
from balise.web.routes import findings as finding_pages
from balise.web.routes import ingestion as ingestion_pages
from balise.web.routes import settings as settings_pages

router = APIRouter(prefix="/api/v1", tags=["api"], responses={401: {"description": "no or bad API token"},
                                                                 404: {"description": "not found (or not yours)"}})
Lang = Literal["en", "fr"]
LangQ = Annotated[Lang, Query(description="language of the texts")]
Str = Annotated[str | None, Query(max_length=200)]
MonthQ = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]


class Me(BaseModel):
    email: str
    name: str
    superuser: bool
    roles: dict[str, str]


class TenantOut(BaseModel):
    name: str
    role: str


class KpiOut(BaseModel):
    id: str
    label: str
    value: float | None
    unit: str
    threshold: str | None
    status: str
    owner: str
    period_start: date
    period_end: date


class Overview(BaseModel):
    tenant: str
    month: str | None
    as_of: date | None
    kpis: list[KpiOut]
    months: dict[str, float]
    forecast_month_end_eur: float | None
    budget_eur: float | None


class CostLineOut(BaseModel):
    key: str | None
    cost_eur: float
    rows: int


class ResourceOut(BaseModel):
    resource_id: str | None
    name: str | None
    service: str | None
    region: str | None
    cost_eur: float
    rows: int


class FindingOut(BaseModel):
    id: int
    code: str
    domain: str
    severity: str
    status: str
    lifecycle: str
    title: str
    remediation: str
    subject: dict[str, Any]
    monthly_saving_eur: float | None
    monthly_kgco2e: float | None
    owner: str | None
    reason: str | None
    suppressed_until: date | None
    first_seen: datetime
    last_seen: datetime


class FindingsOut(BaseModel):
    findings: list[FindingOut]
    savings_eur: float
    options_eur: float


class Decision(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    until: date | None = Field(None, description="suppress only: the day it expires (default: in 90 days)")


class BudgetIn(BaseModel):
    monthly: float = Field(gt=0, lt=1e12)
    yearly: float | None = Field(None, gt=0, lt=1e13)
    tag: str | None = Field(None, max_length=200, description="KEY=VALUE; none: the whole tenant")
    actual: str | None = Field(None, max_length=200, description="thresholds on actual spend, e.g. 80%,100%")
    forecast: str | None = Field(None, max_length=200, description="thresholds on the forecast, e.g. 100%")
    owner: str | None = Field(None, max_length=200)


class BudgetOut(BaseModel):
    name: str
    scope: str
    monthly: float
    yearly: float | None
    thresholds_actual: list[float]
    thresholds_forecast: list[float]
    owner: str | None


class BudgetStatusOut(BaseModel):
    name: str
    scope: str
    month: str
    monthly: float
    actual: float
    forecast: float | None
    forecast_low: float | None
    forecast_high: float | None
    share: float


class SourceOut(BaseModel):
    id: int
    file_name: str
    sha256: str
    format: str
    rows: int
    rows_rejected: int
    periods: list[str]
    totals: dict[str, Any]
    ingested_at: datetime
    status: str
    has_rejects: bool


class IngestOut(BaseModel):
    ingest_id: str
    rows: int
    rejected: int
    replaced_files: int


class ChannelOut(BaseModel):
    name: str
    kind: str
    lang: str
    target: str
    enabled: bool


class OutcomeOut(BaseModel):
    channel: str
    outcome: str
    error: str | None


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    object: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _finding(v: findings_service.FindingView, lang: Lang) -> FindingOut:
    return FindingOut(id=v.id, code=v.code, domain=v.domain, severity=v.severity, status=v.status,
                      lifecycle=v.lifecycle, title=v.title.render(lang), remediation=v.remediation.render(lang),
                      subject=v.subject, monthly_saving_eur=v.monthly_saving_eur, monthly_kgco2e=v.monthly_kgco2e,
                      owner=v.owner, reason=v.reason, suppressed_until=v.suppressed_until, first_seen=v.first_seen,
                      last_seen=v.last_seen)


@router.get("/me")
def me(user: ApiUser) -> Me:
    return Me(email=user.user.email, name=user.user.name, superuser=user.user.is_superuser, roles=user.roles)


@router.get("/tenants")
def tenants(user: ApiUser) -> list[TenantOut]:
    return [TenantOut(name=n, role=r) for n, r in sorted(user.roles.items())]


@router.get("/tenants/{tenant}/overview")
def overview(ws: WsDep, rates: RatesDep, tenant: ApiTenant, lang: LangQ = "en") -> Overview:
    ov = views.overview(ws, tenant.name, rates)
    return Overview(
        tenant=tenant.name, month=ov.month, as_of=ov.as_of,
        kpis=[KpiOut(id=k.id, label=k.label.render(lang), value=k.value, unit=k.unit,
                     threshold=str(k.threshold) if k.threshold else None, status=k.status, owner=k.owner,
                     period_start=k.period[0], period_end=k.period[1]) for k in ov.kpis],
        months={p.month: round(p.eur, 2) for p in ov.months},
        forecast_month_end_eur=round(ov.forecast.point, 2) if ov.forecast else None, budget_eur=ov.budget_eur)


@router.get("/tenants/{tenant}/costs")
def costs(ws: WsDep, rates: RatesDep, tenant: ApiTenant,
          by: Annotated[str, Query(max_length=210, description="provider, service, region, account, month or tag:KEY")]
          = "service", start: Annotated[str | None, Query(alias="from", max_length=7)] = None,
          end: Annotated[str | None, Query(alias="to", max_length=7)] = None,
          metric: Literal["billed", "effective", "list"] = "billed",
          tag: Annotated[str | None, Query(max_length=300, description="only rows tagged KEY=VALUE")] = None
          ) -> list[CostLineOut]:
    lines = views.cost_lines(ws, tenant.name, by, start, end, metric, rates, tag)
    return [CostLineOut(key=x.key, cost_eur=round(x.cost, 2), rows=x.rows) for x in lines]


@router.get("/tenants/{tenant}/costs/resources")
def resources(ws: WsDep, rates: RatesDep, tenant: ApiTenant, by: Annotated[str, Query(max_length=210)] = "service",
              key: Annotated[str | None, Query(max_length=1000)] = None,
              start: Annotated[str | None, Query(alias="from", max_length=7)] = None,
              end: Annotated[str | None, Query(alias="to", max_length=7)] = None,
              metric: Literal["billed", "effective", "list"] = "billed") -> list[ResourceOut]:
    lines = views.resources(ws, tenant.name, by, key, start, end, metric, rates)
    return [ResourceOut(resource_id=x.resource_id, name=x.name, service=x.service, region=x.region,
                        cost_eur=round(x.cost, 2), rows=x.rows) for x in lines]


@router.get("/tenants/{tenant}/findings")
def findings(ws: WsDep, tenant: ApiTenant, domain: Str = None, severity: Str = None, owner: Str = None,
             lifecycle: Annotated[list[Literal["open", "acknowledged", "suppressed", "resolved"]] | None,
                                  Query()] = None, lang: LangQ = "en") -> FindingsOut:
    items = views.list_findings(ws, tenant.name, domain=domain, severity=severity, owner=owner,
                                lifecycle=list(lifecycle) if lifecycle else None)
    s = findings_service.savings(items)
    return FindingsOut(findings=[_finding(v, lang) for v in items], savings_eur=round(s.total_eur, 2),
                       options_eur=round(s.options_eur, 2))


@router.get("/tenants/{tenant}/findings/{finding_id}")
def finding(ws: WsDep, tenant: ApiTenant, finding_id: int, lang: LangQ = "en") -> FindingOut:
    return _finding(findings_service.get_finding(ws, tenant.name, finding_id), lang)


@router.post("/tenants/{tenant}/findings/{finding_id}/{action}")
def decide(ws: WsDep, tenant: ApiTenant, finding_id: int, action: Literal["ack", "suppress", "resolve"],
           body: Decision, lang: LangQ = "en") -> FindingOut:
    finding_pages.decide(ws, tenant, finding_id, action, body.reason, body.until)
    return _finding(findings_service.get_finding(ws, tenant.name, finding_id), lang)


def _budget(b: budgets_service.BudgetDef) -> BudgetOut:
    return BudgetOut(name=b.name, scope=b.scope, monthly=b.monthly, yearly=b.yearly,
                     thresholds_actual=list(b.thresholds_actual), thresholds_forecast=list(b.thresholds_forecast),
                     owner=b.owner)


@router.get("/tenants/{tenant}/budgets")
def budgets(ws: WsDep, tenant: ApiTenant) -> list[BudgetOut]:
    return [_budget(b) for b in budgets_service.list_budgets(ws, tenant.name)]


@router.get("/tenants/{tenant}/budgets/status")
def budget_status(ws: WsDep, rates: RatesDep, tenant: ApiTenant) -> list[BudgetStatusOut]:
    _, burns = views.budget_burndowns(ws, tenant.name, rates)
    return [BudgetStatusOut(name=b.status.name, scope=b.status.scope, month=b.status.month, monthly=b.status.monthly,
                            actual=round(b.status.actual, 2), forecast=b.status.forecast,
                            forecast_low=b.status.forecast_low, forecast_high=b.status.forecast_high,
                            share=round(b.status.share, 4)) for b in burns]


@router.put("/tenants/{tenant}/budgets/{name}")
def put_budget(ws: WsDep, tenant: ApiTenant, name: Annotated[str, Path(min_length=1, max_length=200)],
               body: BudgetIn) -> BudgetOut:
    return _budget(budget_pages.save(ws, tenant, name, body.monthly, body.yearly, body.tag, body.actual,
                                     body.forecast, body.owner))


@router.delete("/tenants/{tenant}/budgets/{name}", status_code=204)
def delete_budget(ws: WsDep, tenant: ApiTenant, name: str) -> None:
    budget_pages.remove(ws, tenant, name)


@router.get("/tenants/{tenant}/sources")
def sources(ws: WsDep, tenant: ApiTenant) -> list[SourceOut]:
    return [SourceOut(id=s.id, file_name=s.file_name, sha256=s.sha256, format=s.format, rows=s.rows,
                      rows_rejected=s.rows_rejected, periods=s.periods, totals=s.totals, ingested_at=s.ingested_at,
                      status=s.status, has_rejects=bool(s.reject_file)) for s in list_sources(ws, tenant.name)]


@router.post("/tenants/{tenant}/sources")
def upload(request: Request, ws: WsDep, settings: SettingsDep, tenant: ApiTenant, file: UploadFile,
           skip_bad_rows: bool = False) -> IngestOut:
    ingestion_pages.check_length(request, settings.upload_max_mb)
    r = ingestion_pages.upload(ws, settings, tenant, file, skip_bad_rows)
    return IngestOut(ingest_id=r.ingest_id, rows=sum(s.rows for s in r.sources),
                     rejected=sum(s.rejected for s in r.sources), replaced_files=r.replaced_files)


@router.get("/tenants/{tenant}/sources/{source_id}/rejects", response_class=FileResponse)
def rejects(ws: WsDep, tenant: ApiTenant, source_id: int) -> FileResponse:
    path = views.reject_file(ws, tenant.name, source_id)
    return FileResponse(path, media_type="text/csv", filename=f"source-{source_id}-rejects.csv")


@router.get("/tenants/{tenant}/channels")
def channels(ws: WsDep, tenant: ApiTenant) -> list[ChannelOut]:
    return [ChannelOut(name=c.name, kind=c.kind, lang=c.lang, target=c.target, enabled=c.enabled)
            for c in notifications.list_channels(ws, tenant.name)]


@router.post("/tenants/{tenant}/channels/{name}/test")
def test_channel(ws: WsDep, tenant: ApiTenant, name: Annotated[str, Path(max_length=100)]) -> OutcomeOut:
    out = settings_pages.test_channel(ws, tenant, name)
    return OutcomeOut(channel=out.channel, outcome=out.outcome, error=out.error)


@router.get("/tenants/{tenant}/audit")
def audit(ws: WsDep, tenant: ApiTenant, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AuditOut]:
    if tenant.role not in accounts.CAN_CONFIGURE:
        raise HTTPException(403, "your role on this tenant does not allow reading its audit log")
    return [AuditOut(at=e.at, actor=e.actor, action=e.action, object=e.object, before=e.before, after=e.after)
            for e in accounts.audit_log(ws, tenant.name, limit=limit)]


class CarbonLineOut(BaseModel):
    key: str | None
    kgco2e: float
    kwh: float
    cost_eur: float
    confidence: str


class ControlOut(BaseModel):
    code: str
    title: str
    status: str
    reason: str
    owner: str
    raci: dict[str, list[str]]
    evidence_date: date | None
    due: date | None


@router.get("/tenants/{tenant}/carbon")
def carbon(ws: WsDep, rates: RatesDep, tenant: ApiTenant,
           by: Literal["month", "service", "region", "provider"] = "month") -> list[CarbonLineOut]:
    return [CarbonLineOut(key=x.key, kgco2e=round(x.kgco2e, 3), kwh=round(x.total("facility_kwh"), 3),
                          cost_eur=round(x.total("cost_eur"), 2), confidence=x.confidence())
            for x in capabilities.carbon_lines(ws, tenant.name, by, rates)]


@router.get("/tenants/{tenant}/sovereignty")
def sovereignty(ws: WsDep, rates: RatesDep, tenant: ApiTenant) -> dict[str, Any]:
    """Score, workloads (provider, region, jurisdiction, certifications) and gaps, as `balise sovereignty -f json`."""
    v = capabilities.sovereignty_view(ws, tenant.name, rates)
    if v is None:
        raise HTTPException(404, "no billing data yet for this tenant")
    return v


@router.get("/tenants/{tenant}/posture")
def posture(ws: WsDep, tenant: ApiTenant, lang: LangQ = "en") -> list[ControlOut]:
    from balise.services import posture as posture_service

    return [ControlOut(code=c.code, title=c.title.render(lang), status=c.status, reason=c.reason.render(lang),
                       owner=c.owner, raci={k: list(v) for k, v in c.raci.items()},
                       evidence_date=c.evidence.date if c.evidence else None, due=c.due)
            for c in posture_service.controls(ws, tenant.name)]
