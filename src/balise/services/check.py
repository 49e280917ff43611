"""``balise check``: is anything wrong right now? For cron and CI.

Evaluates the tenant's KPIs and findings (persisting the findings, so lifecycles advance), and says "fail"
when any KPI is in alert, or when a finding at least as severe as asked (default ``high``) is FAIL and
**open**. Acknowledged findings do not fail the check (someone has taken them on; they are listed apart, and
``include_acknowledged`` makes them fail too); suppressed ones never do (they are SKIPPED until their expiry);
resolved ones are not current. With ``notify``, one message per alert goes to the tenant's channels: KPIs in
alert under ``kpi:<id>:<month>`` and failing findings under ``finding:<fingerprint>``, deduplicated per the
KPI's frequency, or the finding's (by severity: see ``FINDING_FREQUENCY``).

The KPIs and the findings are computed on ONE rule context (its connection, rates and per-resource
aggregate), as ``balise report`` does. The services are passed in (``context=``, ``kpis=``, ``evaluate=``,
``list_findings=``) so the logic can be tested with small fakes; the defaults are the real ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from balise.domain.findings import Lifecycle, Severity, Status
from balise.errors import UsageError
from balise.i18n import Lang, Msg, money, number
from balise.i18n import notify_messages as nm
from balise.notify import Field, Frequency, Item, Message
from balise.reference.fx import Rates
from balise.services import notifications
from balise.services.context import rule_context
from balise.services.workspace import Workspace

# How often the same open finding is sent again on a channel, by severity.
FINDING_FREQUENCY = {Severity.CRITICAL: Frequency.DAILY, Severity.HIGH: Frequency.WEEKLY,
                     Severity.MEDIUM: Frequency.WEEKLY, Severity.LOW: Frequency.MONTHLY,
                     Severity.INFO: Frequency.MONTHLY}
KPI_SEVERITY = "high"  # a KPI in alert is as loud as a high finding


@dataclass
class CheckResult:
    tenant: str
    month: str
    severity: Severity
    kpis: list[Any]  # every KpiResult
    kpis_in_alert: list[Any]
    findings: list[Any]  # FindingView: FAIL, open, at least ``severity`` — these fail the check
    acknowledged: list[Any]  # FindingView: FAIL, acknowledged, at least ``severity``
    open_by_severity: dict[str, int]  # every open FAIL finding, by severity
    open_saving_eur: float  # their estimated monthly savings
    notifications: list[notifications.Outcome] = field(default_factory=list)
    notified: bool = False
    channels: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.kpis_in_alert or self.findings else 0

    @property
    def saving_eur(self) -> float:
        """Estimated monthly saving of the findings that fail the check."""
        return sum(f.monthly_saving_eur or 0.0 for f in self.findings)


def _real_kpis(ws: Workspace, tenant: str, month: str | None = None, **kw: Any) -> list[Any]:
    from balise.services.kpis import kpis
    return kpis(ws, tenant, month, **kw)


def _real_evaluate(ws: Workspace, tenant: str, month: str | None = None, **kw: Any) -> Any:
    from balise.services.findings import evaluate
    return evaluate(ws, tenant, month, **kw)


def _real_list(ws: Workspace, tenant: str, **kw: Any) -> list[Any]:
    from balise.services.findings import list_findings
    return list_findings(ws, tenant, **kw)


def check(ws: Workspace, tenant: str, month: str | None = None, *, severity: str = "high",
          include_acknowledged: bool = False, notify: bool = False, now: datetime | None = None,
          rates: Rates | None = None, senders: notifications.Senders = notifications.REAL,
          kpis: Callable[..., list[Any]] = _real_kpis, evaluate: Callable[..., Any] = _real_evaluate,
          list_findings: Callable[..., list[Any]] = _real_list,
          context: Callable[..., Any] = rule_context) -> CheckResult:
    try:
        floor = Severity(severity.lower())
    except ValueError:
        raise UsageError(nm.BAD_SEVERITY(value=severity, known=", ".join(s.value for s in Severity))) from None
    ws.tenant(tenant)
    ctx = context(ws, tenant, month, rates=rates)  # ONE context: the KPIs and the rules share its aggregates
    results = kpis(ws, tenant, month, ctx=ctx)
    run = evaluate(ws, tenant, month, ctx=ctx, persist=True)
    fingerprints = {f.fingerprint for f in run.findings}
    views = list_findings(ws, tenant, fingerprints=fingerprints) if fingerprints else []
    failing = [v for v in views if v.status == Status.FAIL.value]
    is_open = [v for v in failing if v.lifecycle == Lifecycle.OPEN.value]
    acked = [v for v in failing if v.lifecycle == Lifecycle.ACKNOWLEDGED.value
             and Severity(v.severity).at_least(floor)]
    worst = [v for v in is_open if Severity(v.severity).at_least(floor)]
    if include_acknowledged:
        worst, acked = sorted(worst + acked, key=_order), []
    by_sev = {s.value: sum(1 for v in is_open if v.severity == s.value) for s in Severity}
    result = CheckResult(
        tenant=tenant, month=getattr(run, "end", None) or month or "", severity=floor, kpis=list(results),
        kpis_in_alert=[k for k in results if k.status == "alert"], findings=worst, acknowledged=acked,
        open_by_severity=by_sev, open_saving_eur=sum(v.monthly_saving_eur or 0.0 for v in is_open))
    if notify:
        messages = [kpi_message(tenant, result.month, k) for k in result.kpis_in_alert]
        messages += [finding_message(tenant, v) for v in result.findings]
        result.channels = sum(1 for c in notifications.list_channels(ws, tenant) if c.enabled)
        result.notifications = notifications.notify(ws, tenant, messages, now=now, senders=senders)
        result.notified = True
    return result


def _order(v: Any) -> tuple[int, float]:
    return Severity(v.severity).rank, -(v.monthly_saving_eur or 0.0)


# --- messages -----------------------------------------------------------------------------------------------

def kpi_value(value: float | None, unit: str, lang: Lang) -> str:
    if value is None:
        return nm.NO_DATA.render(lang)
    if unit.upper() in ("EUR", "€"):
        return money(value, "EUR", lang)
    if unit == "%":
        return number(value, lang, 1) + ("\u00a0%" if lang == "fr" else " %")
    if unit == "count":
        return number(value, lang)
    return f"{number(value, lang, 2)} {unit}"


def _threshold(k: Any, lang: Lang) -> str:
    t = k.threshold
    if t is None:
        return "—"
    return f"{t.operator} {kpi_value(t.value, k.unit, lang)}"


def kpi_message(tenant: str, month: str, k: Any) -> Message:
    label = k.label

    def name(lang: Lang) -> str:
        return label.render(lang) if isinstance(label, Msg) else str(label)

    start, end = k.period
    fields = (Field(nm.F_VALUE(), lambda lang: kpi_value(k.value, k.unit, lang)),
              Field(nm.F_ALERT_WHEN(), lambda lang: _threshold(k, lang)),
              Field(nm.F_OWNER(), k.owner or "—"), Field(nm.F_PERIOD(), f"{start} → {end}"),
              Field(nm.F_FREQUENCY(), nm.FREQUENCIES.get(k.frequency, nm.F_UNKNOWN)()))
    try:
        frequency = Frequency(k.frequency)
    except ValueError:
        frequency = Frequency.DAILY
    return Message(
        tenant=tenant, dedup_key=f"kpi:{k.id}:{month}", severity=KPI_SEVERITY, frequency=frequency,
        subject=lambda lang: nm.KPI_SUBJECT.render(lang, tenant=tenant, label=name(lang),
                                                   value=kpi_value(k.value, k.unit, lang),
                                                   threshold=_threshold(k, lang)),
        text=lambda lang: nm.KPI_TEXT.render(lang, owner=k.owner or "—", month=month),
        items=(Item(name, fields=fields),),
        data={"type": "kpi", "id": k.id, "value": k.value, "unit": k.unit, "month": month,
              "threshold": None if k.threshold is None else {"operator": k.threshold.operator,
                                                             "value": k.threshold.value},
              "owner": k.owner, "frequency": k.frequency, "period": [str(start), str(end)]})


def finding_message(tenant: str, v: Any) -> Message:
    sev = Severity(v.severity)
    subject = v.subject or {}
    where = ", ".join(str(subject[k]) for k in ("provider", "account", "region") if subject.get(k))
    label = subject.get("name") or subject.get("id") or "?"
    fields: list[Field] = []
    if v.monthly_saving_eur is not None:
        fields.append(Field(nm.F_SAVING(), lambda lang: money(v.monthly_saving_eur, "EUR", lang)))
    fields.append(Field(nm.F_OWNER(), v.owner or "—"))
    if where:
        fields.append(Field(nm.F_WHERE(), where))
    fields.append(Field(nm.F_FIRST_SEEN(), v.first_seen.strftime("%Y-%m-%d")))
    return Message(
        tenant=tenant, dedup_key=f"finding:{v.fingerprint}", severity=sev.value, frequency=FINDING_FREQUENCY[sev],
        subject=lambda lang: nm.FINDING_SUBJECT.render(lang, tenant=tenant, code=v.code, title=v.title.render(lang),
                                                       severity=nm.SEVERITIES[sev.value].render(lang)),
        text=v.remediation,
        items=(Item(f"{subject.get('kind', '')}: {label}".strip(": "), fields=tuple(fields)),),
        data={"type": "finding", "id": v.id, "fingerprint": v.fingerprint, "code": v.code, "severity": sev.value,
              "domain": v.domain, "subject": subject, "monthly_saving_eur": v.monthly_saving_eur,
              "owner": v.owner, "first_seen": v.first_seen.isoformat() + "Z"})


def summarise(outcomes: Sequence[notifications.Outcome]) -> dict[str, int]:
    return {o: sum(1 for x in outcomes if x.outcome == o) for o in notifications.OUTCOMES}
