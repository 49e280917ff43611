"""`balise findings` (evaluate and list; ack, suppress, resolve), `balise rules` and `balise policy`."""

from __future__ import annotations

import getpass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.i18n import money, number
from balise.i18n import rules_messages as rm

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]
Reason = Annotated[str, typer.Option("--reason", "-r", help=h(rm.HELP_REASON))]
FindingId = Annotated[str, typer.Argument(help=h(rm.HELP_FINDING_ID), show_default=False)]

findings_app = typer.Typer(help=h(rm.HELP_FINDINGS), invoke_without_command=True, add_completion=False)
policy_app = typer.Typer(help=h(rm.HELP_POLICY), no_args_is_help=True, add_completion=False)
app.add_typer(findings_app, name="findings")
app.add_typer(policy_app, name="policy")


@findings_app.callback()
def findings(
    ctx: typer.Context,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))] = None,
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    domain: Annotated[str | None, typer.Option("--domain", help=h(rm.HELP_DOMAIN))] = None,
    status: Annotated[str | None, typer.Option("--status", help=h(rm.HELP_STATUS))] = None,
    severity: Annotated[str | None, typer.Option("--severity", help=h(rm.HELP_SEVERITY))] = None,
    lifecycle: Annotated[str | None, typer.Option("--lifecycle", help=h(rm.HELP_LIFECYCLE))] = None,
    fmt: Fmt = Output.table,
    no_refresh: Annotated[bool, typer.Option("--no-refresh", help=h(rm.HELP_NO_REFRESH))] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from balise.services import findings as svc

    if tenant is None:
        raise UsageError(rm.MISSING_TENANT())
    ws = workspace()
    run = None if no_refresh else svc.evaluate(ws, tenant, month)
    if lifecycle == "all":
        lifecycles: list[str] | None = None
    elif lifecycle is not None:
        lifecycles = [lifecycle]
    else:  # what needs attention, unless a status is asked for
        lifecycles = None if status else list(svc.ATTENTION)
    views = svc.list_findings(ws, tenant, domain=domain, status=status, lifecycle=lifecycles, severity=severity,
                              fingerprints=None if run is None or run.latest else run.fingerprints)
    if fmt == Output.json:
        render.as_json([view_json(v) for v in views])
    elif fmt == Output.csv:
        render.as_csv(CSV_HEADER, [_csv_row(v) for v in views])
    else:
        _show(tenant, run, views)


def view_json(v: Any) -> dict[str, Any]:
    return {"id": v.id, "fingerprint": v.fingerprint, "code": v.code, "domain": v.domain, "severity": v.severity,
            "status": v.status, "lifecycle": v.lifecycle, "title": str(v.title), "remediation": str(v.remediation),
            "subject": v.subject, "evidence": v.evidence, "monthly_saving_eur": v.monthly_saving_eur,
            "monthly_kgco2e": v.monthly_kgco2e, "owner": v.owner, "first_seen": _ts(v.first_seen),
            "last_seen": _ts(v.last_seen), "reason": v.reason,
            "suppressed_until": v.suppressed_until.isoformat() if v.suppressed_until else None}


CSV_HEADER = ["id", "code", "domain", "severity", "status", "lifecycle", "title", "subject_kind", "subject_id",
              "subject_name", "monthly_saving_eur", "monthly_kgco2e", "owner", "first_seen", "last_seen",
              "reason", "suppressed_until"]


def _csv_row(v: Any) -> list[Any]:
    j = view_json(v)
    return [v.id, v.code, v.domain, v.severity, v.status, v.lifecycle, j["title"], v.subject.get("kind"),
            v.subject.get("id"), v.subject.get("name"), "" if v.monthly_saving_eur is None else
            f"{v.monthly_saving_eur:.2f}", "" if v.monthly_kgco2e is None else v.monthly_kgco2e, v.owner or "",
            j["first_seen"], j["last_seen"], v.reason or "", j["suppressed_until"] or ""]


def _ts(value: datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def _show(tenant: str, run: Any, views: list[Any]) -> None:
    title = (rm.FINDINGS_TITLE(tenant=tenant, start=run.start, end=run.end, as_of=run.as_of.isoformat())
             if run is not None else rm.FINDINGS_TITLE_STORED(tenant=tenant))
    if not views:
        render.say(title)
        render.say(rm.FINDINGS_NONE())
    else:
        _table(str(title), views)
        from balise.services.findings import savings

        total = savings(views)
        render.say(rm.FINDINGS_TOTAL(n=len(views), amount=money(total.total_eur, "EUR"),
                                     options=money(total.options_eur, "EUR")))
    if run is not None:
        render.say(rm.FINDINGS_TIMING(rules=len(run.rules), seconds=number(run.seconds, digits=2)))
        failed = [r.code for r in run.rules if not r.ok]
        if failed:
            render.say(rm.FINDINGS_RULE_ERRORS(n=len(failed), codes=", ".join(failed)))


def _table(title: str, views: list[Any]) -> None:
    """One row per finding; the short columns never wrap, the title takes the rest of the width."""
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for header, right in ((rm.H_ID, True), (rm.H_SEVERITY, False), (rm.H_STATUS, False), (rm.H_CODE, False)):
        t.add_column(str(header()), justify="right" if right else "left", no_wrap=True)
    t.add_column(str(rm.H_FINDING()), ratio=1, min_width=30)
    t.add_column(str(rm.H_SAVING()), justify="right", no_wrap=True)
    t.add_column(str(rm.H_OWNER()), overflow="fold", max_width=24)
    for v in views:
        saving = "" if v.monthly_saving_eur is None else money(v.monthly_saving_eur, "EUR")
        t.add_row(str(v.id), v.severity, f"{v.status} ({v.lifecycle})", v.code, str(v.title), saving, v.owner or "")
    render.out.print(t)


def _who() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(rm.BAD_DATE(value=value)) from None


def _decided(v: Any, fmt: Output, message: Any) -> None:
    if fmt == Output.json:
        render.as_json(view_json(v))
    else:
        render.say(message)


@findings_app.command("ack", help=h(rm.HELP_ACK))
def ack(id: FindingId, tenant: Tenant, reason: Reason, fmt: Fmt = Output.table) -> None:
    from balise.services.findings import acknowledge

    v = acknowledge(workspace(), tenant, id, reason, by=_who())
    _decided(v, fmt, rm.ACKED(id=v.id))


@findings_app.command("suppress", help=h(rm.HELP_SUPPRESS))
def suppress(id: FindingId, tenant: Tenant, reason: Reason,
             until: Annotated[str | None, typer.Option("--until", help=h(rm.HELP_UNTIL))] = None,
             fmt: Fmt = Output.table) -> None:
    from balise.services.findings import suppress as run

    v = run(workspace(), tenant, id, reason, _date(until), by=_who())
    _decided(v, fmt, rm.SUPPRESSED(id=v.id, until=v.suppressed_until.isoformat() if v.suppressed_until else "—"))


@findings_app.command("resolve", help=h(rm.HELP_RESOLVE))
def resolve(id: FindingId, tenant: Tenant, reason: Reason, fmt: Fmt = Output.table) -> None:
    from balise.services.findings import resolve as run

    v = run(workspace(), tenant, id, reason, by=_who())
    _decided(v, fmt, rm.RESOLVED(id=v.id))


# --- rules and policies ----------------------------------------------------------------------------------------

@app.command(help=h(rm.HELP_RULES))
def rules(fmt: Fmt = Output.table) -> None:
    from balise.services.findings import rules_catalog

    items = rules_catalog()
    if fmt == Output.json:
        render.as_json([{"code": r.code, "name": r.name, "domain": r.domain, "severity": r.severity,
                         "groups": list(r.groups), "summary": r.summary, "params": r.params} for r in items])
    elif fmt == Output.csv:
        render.as_csv(["code", "name", "domain", "severity", "groups", "params"],
                      [[r.code, r.name, r.domain, r.severity, " ".join(r.groups), _params_text(r.params)]
                       for r in items])
    else:
        render.table(None, [rm.H_CODE(), rm.H_NAME(), rm.H_DOMAIN(), rm.H_SEVERITY(), rm.H_GROUPS(),
                            rm.H_PARAMS()],
                     [[r.code, r.name, r.domain, r.severity, ", ".join(r.groups), _params_text(r.params)]
                      for r in items])


def _params_text(params: dict[str, Any]) -> str:
    import json

    return ", ".join(f"{k}={json.dumps(v.get('default'), ensure_ascii=False)}" if "default" in v else k
                     for k, v in params.items())


PolicyFile = Annotated[Path, typer.Argument(help=h(rm.HELP_POLICY_FILE), show_default=False)]


@policy_app.command("schema", help=h(rm.HELP_POLICY_SCHEMA))
def policy_schema() -> None:
    from balise.services.findings import policy_schema as run

    render.as_json(run())


@policy_app.command("validate", help=h(rm.HELP_POLICY_VALIDATE))
def policy_validate(file: PolicyFile) -> None:
    from balise.services.findings import validate_policy

    s = validate_policy(file)
    render.say(rm.POLICY_VALID(file=str(file), enabled=len(s.enabled), total=s.total))


@policy_app.command("import", help=h(rm.HELP_POLICY_IMPORT))
def policy_import(file: PolicyFile, tenant: Tenant) -> None:
    from balise.services.findings import import_policy

    s = import_policy(workspace(), tenant, file)
    render.say(rm.POLICY_IMPORTED(file=str(file), tenant=tenant, enabled=len(s.enabled), total=s.total))


@policy_app.command("show", help=h(rm.HELP_POLICY_SHOW))
def policy_show(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services.findings import stored_policy

    row = stored_policy(workspace(), tenant)
    if fmt == Output.json:
        render.as_json({"tenant": tenant, "document": row.value if row else None,
                        "source": row.source if row else None,
                        "updated_at": _ts(row.updated_at) if row else None})
    elif row is None:
        render.say(rm.POLICY_NONE(tenant=tenant))
    else:
        render.out.print(row.source or "", markup=False, highlight=False, end="")
