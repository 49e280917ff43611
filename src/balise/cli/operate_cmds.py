"""`balise check` (for cron and CI) and `balise notify` (channels, test, log)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.errors import UsageError
from balise.i18n import current_language, money
from balise.i18n import messages as m
from balise.i18n import notify_messages as nm

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(nm.HELP_FORMAT))]
Name = Annotated[str, typer.Argument(help=h(nm.HELP_CHANNEL_NAME), show_default=False)]

notify_app = typer.Typer(help=h(nm.HELP_NOTIFY), no_args_is_help=True, add_completion=False)
app.add_typer(notify_app, name="notify")


def _rates(path: Path | None) -> Any:
    from balise.reference import fx
    return fx.from_file(path) if path else fx.ecb()


def _no_csv(fmt: Output) -> None:
    if fmt == Output.csv:
        raise UsageError(m.UNKNOWN_FORMAT_NAME(name="csv", known="table, json"))


@app.command(help=h(nm.HELP_CHECK))
def check(
    tenant: Tenant,
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    severity: Annotated[str, typer.Option("--severity", help=h(nm.HELP_CHECK_SEVERITY))] = "high",
    include_acknowledged: Annotated[bool, typer.Option("--include-acknowledged",
                                                       help=h(nm.HELP_INCLUDE_ACK))] = False,
    notify: Annotated[bool, typer.Option("--notify", help=h(nm.HELP_CHECK_NOTIFY))] = False,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services.check import check as run

    _no_csv(fmt)
    start = time.perf_counter()
    r = run(workspace(), tenant, month, severity=severity, include_acknowledged=include_acknowledged,
            notify=notify, rates=_rates(rates))
    seconds = time.perf_counter() - start
    if fmt == Output.json:
        render.as_json(check_json(r, seconds))
    else:
        show_check(r)
    raise typer.Exit(r.exit_code)


def kpi_json(k: Any) -> dict[str, Any]:
    return {"id": k.id, "label": _text(k.label), "value": None if k.value is None else round(k.value, 4),
            "unit": k.unit, "threshold": None if k.threshold is None else {"operator": k.threshold.operator,
                                                                           "value": k.threshold.value},
            "status": k.status, "owner": k.owner, "frequency": k.frequency,
            "period": {"start": str(k.period[0]), "end": str(k.period[1])}}


def finding_json(v: Any) -> dict[str, Any]:
    return {"id": v.id, "fingerprint": v.fingerprint, "code": v.code, "domain": v.domain, "severity": v.severity,
            "status": v.status, "lifecycle": v.lifecycle, "title": _text(v.title), "subject": v.subject,
            "monthly_saving_eur": None if v.monthly_saving_eur is None else round(v.monthly_saving_eur, 2),
            "owner": v.owner, "first_seen": v.first_seen.isoformat() + "Z"}


def outcome_json(o: Any) -> dict[str, Any]:
    return {"channel": o.channel, "kind": o.kind, "dedup_key": o.dedup_key, "subject": o.subject,
            "outcome": o.outcome, "attempts": o.attempts, "error": o.error, "at": o.at.isoformat() + "Z"}


def check_json(r: Any, seconds: float) -> dict[str, Any]:
    return {"tenant": r.tenant, "month": r.month, "severity": r.severity.value, "exit_code": r.exit_code,
            "kpis_in_alert": [kpi_json(k) for k in r.kpis_in_alert],
            "findings": [finding_json(v) for v in r.findings],
            "acknowledged": [finding_json(v) for v in r.acknowledged],
            "summary": {"kpis": len(r.kpis), "kpis_in_alert": len(r.kpis_in_alert), "findings": len(r.findings),
                        "open_by_severity": r.open_by_severity, "saving_eur": round(r.saving_eur, 2),
                        "open_saving_eur": round(r.open_saving_eur, 2)},
            "notifications": [outcome_json(o) for o in r.notifications], "seconds": round(seconds, 3)}


def _text(value: Any) -> str:
    return value.render(current_language()) if hasattr(value, "render") else str(value)


def show_check(r: Any) -> None:
    from balise.services.check import kpi_value, summarise

    lang = current_language()
    render.out.rule(str(nm.CHECK_TITLE(tenant=r.tenant, month=r.month, severity=r.severity.value)))
    if r.kpis_in_alert:
        render.table(str(nm.CHECK_KPIS(n=len(r.kpis_in_alert), total=len(r.kpis))),
                     [nm.H_KPI(), nm.F_VALUE(), nm.F_ALERT_WHEN(), nm.F_OWNER()],
                     [[_text(k.label), kpi_value(k.value, k.unit, lang),
                       f"{k.threshold.operator} {kpi_value(k.threshold.value, k.unit, lang)}", k.owner]
                      for k in r.kpis_in_alert], right=(1,))
    else:
        render.say(nm.CHECK_NO_KPI(total=len(r.kpis)))
    if r.findings:
        render.table(str(nm.CHECK_FINDINGS(n=len(r.findings), severity=r.severity.value)),
                     ["Id", nm.H_SEVERITY(), nm.H_CODE(), nm.H_TITLE(), nm.F_SAVING(), nm.F_OWNER()],
                     [[v.id, v.severity, v.code, _text(v.title),
                       "—" if v.monthly_saving_eur is None else money(v.monthly_saving_eur, "EUR"), v.owner or "—"]
                      for v in r.findings], right=(4,))
    else:
        render.say(nm.CHECK_NO_FINDING(severity=r.severity.value))
    counts = ", ".join(f"{s} {n}" for s, n in r.open_by_severity.items())
    render.say(nm.CHECK_OPEN(counts=counts, saving=money(r.open_saving_eur, "EUR")))
    if r.acknowledged:
        render.say(nm.CHECK_ACKNOWLEDGED(n=len(r.acknowledged)))
    if r.notified:
        if not r.channels:
            render.say(nm.CHECK_NO_CHANNEL(tenant=r.tenant))
        else:
            c = summarise(r.notifications)
            render.say(nm.CHECK_NOTIFIED(sent=c["sent"], failed=c["failed"], dedup=c["deduplicated"],
                                         limited=c["rate_limited"], channels=r.channels))
            errors: dict[tuple[str, str], list[str]] = {}
            for o in r.notifications:
                if o.outcome == "failed":
                    errors.setdefault((o.channel, o.error or "?"), []).append(o.subject)
            for (channel, error), subjects in errors.items():
                if len(subjects) == 1:
                    render.error(str(nm.SEND_FAILED(channel=channel, subject=subjects[0], error=error)))
                else:
                    render.error(str(nm.SENDS_FAILED(channel=channel, n=len(subjects), error=error)))
    render.say(nm.CHECK_FAIL(code=r.exit_code) if r.exit_code else nm.CHECK_OK())


# --- balise notify ------------------------------------------------------------------------------------------

@notify_app.command("add", help=h(nm.HELP_NOTIFY_ADD))
def notify_add(
    name: Name,
    tenant: Tenant,
    kind: Annotated[str, typer.Option("--kind", help=h(nm.HELP_KIND))],
    url: Annotated[str | None, typer.Option("--url", help=h(nm.HELP_URL))] = None,
    header: Annotated[list[str] | None, typer.Option("--header", help=h(nm.HELP_HEADER))] = None,
    secret: Annotated[str | None, typer.Option("--secret", help=h(nm.HELP_SECRET))] = None,
    secret_env: Annotated[str | None, typer.Option("--secret-env", help=h(nm.HELP_SECRET_ENV))] = None,
    smtp: Annotated[str | None, typer.Option("--smtp", help=h(nm.HELP_SMTP))] = None,
    smtp_tls: Annotated[str | None, typer.Option("--smtp-tls", help=h(nm.HELP_SMTP_TLS))] = None,
    smtp_user: Annotated[str | None, typer.Option("--smtp-user", help=h(nm.HELP_SMTP_USER))] = None,
    smtp_password_env: Annotated[str | None, typer.Option("--smtp-password-env",
                                                          help=h(nm.HELP_SMTP_PASSWORD_ENV))] = None,
    sender: Annotated[str | None, typer.Option("--from", help=h(nm.HELP_FROM))] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help=h(nm.HELP_TO))] = None,
    lang: Annotated[str, typer.Option("--lang", help=h(nm.HELP_CHANNEL_LANG))] = "en",
    rate_limit: Annotated[int | None, typer.Option("--rate-limit", help=h(nm.HELP_RATE_LIMIT))] = None,
    frequency: Annotated[str | None, typer.Option("--frequency", help=h(nm.HELP_FREQUENCY))] = None,
    min_severity: Annotated[str | None, typer.Option("--min-severity", help=h(nm.HELP_MIN_SEVERITY))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.notify.channel import parse_smtp
    from balise.services.notifications import add_channel

    _no_csv(fmt)
    config: dict[str, Any] = {"url": url, "secret": secret, "secret_env": secret_env, "from": sender,
                              "to": list(to or []), "tls": smtp_tls, "username": smtp_user,
                              "password_env": smtp_password_env, "rate_limit_per_hour": rate_limit,
                              "frequency": frequency, "min_severity": min_severity}
    if header:
        config["headers"] = dict(_header(x) for x in header)
    if smtp:
        config["host"], config["port"] = parse_smtp(smtp)
    v = add_channel(workspace(), tenant, name, kind, {k: x for k, x in config.items() if x not in (None, [])}, lang)
    if fmt == Output.json:
        render.as_json(channel_json(v))
    else:
        render.say(nm.CHANNEL_ADDED(name=v.name, kind=v.kind, target=v.target, lang=v.lang, tenant=tenant))


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise UsageError(nm.BAD_HEADER(header=text))
    return name.strip(), value.strip()


def channel_json(v: Any) -> dict[str, Any]:
    return {"name": v.name, "kind": v.kind, "lang": v.lang, "target": v.target, "enabled": v.enabled,
            "config": v.config, "created_at": v.created_at.isoformat() + "Z"}


@notify_app.command("list", help=h(nm.HELP_NOTIFY_LIST))
def notify_list(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services.notifications import list_channels

    _no_csv(fmt)
    items = list_channels(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([channel_json(v) for v in items])
    elif not items:
        render.say(nm.NO_CHANNELS(tenant=tenant))
    else:
        render.table(None, [nm.H_NAME(), nm.H_KIND(), nm.H_TARGET(), nm.H_LANG(), nm.H_ENABLED(), nm.H_LIMIT()],
                     [[v.name, v.kind, v.target, v.lang, "✓" if v.enabled else "—",
                       str(v.config.get("rate_limit_per_hour", 20))] for v in items])


@notify_app.command("remove", help=h(nm.HELP_NOTIFY_REMOVE))
def notify_remove(name: Name, tenant: Tenant) -> None:
    from balise.services.notifications import remove_channel

    remove_channel(workspace(), tenant, name)
    render.say(nm.CHANNEL_REMOVED(name=name, tenant=tenant))


@notify_app.command("enable", help=h(nm.HELP_NOTIFY_ENABLE))
def notify_enable(name: Name, tenant: Tenant) -> None:
    from balise.services.notifications import set_enabled

    set_enabled(workspace(), tenant, name, True)
    render.say(nm.CHANNEL_ENABLED(name=name))


@notify_app.command("disable", help=h(nm.HELP_NOTIFY_DISABLE))
def notify_disable(name: Name, tenant: Tenant) -> None:
    from balise.services.notifications import set_enabled

    set_enabled(workspace(), tenant, name, False)
    render.say(nm.CHANNEL_DISABLED(name=name))


@notify_app.command("test", help=h(nm.HELP_NOTIFY_TEST))
def notify_test(name: Name, tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services.notifications import send_test

    _no_csv(fmt)
    o = send_test(workspace(), tenant, name)
    if fmt == Output.json:
        render.as_json(outcome_json(o))
    elif o.outcome == "sent":
        render.say(nm.TEST_SENT(channel=name, attempts=o.attempts))
    else:
        render.error(str(nm.SEND_FAILED(channel=name, subject=o.subject, error=o.error)))
    if o.outcome != "sent":
        raise typer.Exit(1)


@notify_app.command("log", help=h(nm.HELP_NOTIFY_LOG))
def notify_log(
    tenant: Tenant,
    channel: Annotated[str | None, typer.Option("--channel", help=h(nm.HELP_LOG_CHANNEL))] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help=h(nm.HELP_LOG_OUTCOME))] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=h(nm.HELP_LOG_LIMIT))] = 50,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services.notifications import sent_log

    items = sent_log(workspace(), tenant, channel=channel, outcome=outcome, limit=limit)
    if fmt == Output.json:
        render.as_json([{"at": x.at.isoformat() + "Z", "channel": x.channel, "dedup_key": x.dedup_key,
                         "subject": x.subject, "outcome": x.outcome, "attempts": x.attempts, "error": x.error,
                         "payload": x.payload} for x in items])
    elif fmt == Output.csv:
        render.as_csv(["at", "channel", "dedup_key", "subject", "outcome", "attempts", "error"],
                      [[x.at.isoformat() + "Z", x.channel, x.dedup_key, x.subject, x.outcome, x.attempts,
                        x.error or ""] for x in items])
    elif not items:
        render.say(nm.LOG_EMPTY(tenant=tenant))
    else:
        render.table(None, [nm.H_AT(), nm.H_CHANNEL(), nm.H_OUTCOME(), nm.H_ATTEMPTS(), nm.H_SUBJECT(),
                            nm.H_ERROR()],
                     [[x.at.strftime("%Y-%m-%d %H:%M:%S"), x.channel, x.outcome, x.attempts, x.subject,
                       x.error or ""] for x in items], right=(3,))
