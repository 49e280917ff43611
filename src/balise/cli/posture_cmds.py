"""`balise posture` (controls, `scan`), `balise evidence` (add, list), `balise responsibility` (import, list),
and the posture part of `balise report`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.compliance import controls as cm
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.i18n import posture_messages as pm
from balise.i18n import rules_messages as rm

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]

posture_app = typer.Typer(help=h(pm.HELP_POSTURE), invoke_without_command=True, add_completion=False)
evidence_app = typer.Typer(help=h(pm.HELP_EVIDENCE), no_args_is_help=True, add_completion=False)
responsibility_app = typer.Typer(help=h(pm.HELP_RESPONSIBILITY), no_args_is_help=True, add_completion=False)
app.add_typer(posture_app, name="posture")
app.add_typer(evidence_app, name="evidence")
app.add_typer(responsibility_app, name="responsibility")

_STATUS = {"pass": pm.ST_PASS, "fail": pm.ST_FAIL, "unknown": pm.ST_UNKNOWN}
_PARTY = {"company": pm.H_PARTY_COMPANY, "msp": pm.H_PARTY_MSP}


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(rm.BAD_DATE(value=value)) from None


# --- JSON -----------------------------------------------------------------------------------------------

def evidence_json(e: cm.EvidenceItem | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"id": e.id, "control": e.control, "date": e.date.isoformat(), "by": e.by, "link": e.link,
            "file": e.file_name, "sha256": e.sha256, "stored_path": e.stored_path, "note": e.note,
            "origin": e.origin}


def violation_json(v: cm.Violation) -> dict[str, Any]:
    return {"address": v.address, "file": v.file, "line": v.line, "problem": str(v.problem), "absence": v.absence}


def control_json(v: Any) -> dict[str, Any]:
    return {"code": v.code, "title": str(v.title), "status": v.status, "reason": str(v.reason), "owner": v.owner,
            "raci": {role: list(parties) for role, parties in v.raci.items()},
            "raci_letters": cm.letters_of(v.raci), "raci_source": v.raci_source,
            "evidence": evidence_json(v.evidence), "evidence_count": v.evidence_count,
            "freshness_days": v.freshness_days, "due": v.due.isoformat() if v.due else None,
            "age_days": v.age_days, "violations": [violation_json(x) for x in v.violations],
            "references": list(v.references), "remediation": str(v.remediation), "detectable": v.detectable,
            "scanned_at": v.scanned_at.isoformat() if v.scanned_at else None}


def _proof(e: cm.EvidenceItem | None) -> str:
    if e is None:
        return "—"
    what = e.link or e.file_name or e.note or e.origin
    return f"{e.date.isoformat()} · {e.by} · {what}"


# --- balise posture ------------------------------------------------------------------------------------------

@posture_app.callback()
def posture(
    ctx: typer.Context,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))] = None,
    fmt: Fmt = Output.table,
    as_of: Annotated[str | None, typer.Option("--as-of", help=h(pm.HELP_AS_OF))] = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from balise.services import posture as svc

    if tenant is None:
        raise UsageError(pm.MISSING_TENANT())
    day = _as_of(as_of) or svc.today()
    views = svc.controls(workspace(), tenant, as_of=day)
    if fmt == Output.json:
        render.as_json({"tenant": tenant, "as_of": day.isoformat(), "summary": svc.summary(views),
                        "controls": [control_json(v) for v in views]})
    elif fmt == Output.csv:
        render.as_csv(["code", "title", "status", "owner", "company", "msp", "evidence_date", "evidence_by",
                       "evidence_link", "evidence_file", "evidence_sha256", "origin", "freshness_days", "due",
                       "violations", "reason"],
                      [[v.code, str(v.title), v.status, v.owner, *cm.letters_of(v.raci).values(),
                        v.evidence.date.isoformat() if v.evidence else "", v.evidence.by if v.evidence else "",
                        (v.evidence.link or "") if v.evidence else "", (v.evidence.file_name or "") if v.evidence
                        else "", (v.evidence.sha256 or "") if v.evidence else "",
                        v.evidence.origin if v.evidence else "", v.freshness_days,
                        v.due.isoformat() if v.due else "", len(v.violations), str(v.reason)] for v in views])
    else:
        s = svc.summary(views)
        render.table(str(pm.POSTURE_TITLE(tenant=tenant, date=day.isoformat(), passed=s["pass"], failed=s["fail"],
                                          unknown=s["unknown"])),
                     [pm.H_CONTROL(), pm.H_TITLE(), pm.H_STATUS(), pm.H_OWNER(), pm.H_EVIDENCE(), pm.H_DUE(),
                      pm.H_REASON()],
                     [[v.code, str(v.title), str(_STATUS[v.status]()), str(_PARTY[v.owner]()), _proof(v.evidence),
                       v.due.isoformat() if v.due else "—", str(v.reason)] for v in views])


@posture_app.command("scan", help=h(pm.HELP_POSTURE_SCAN))
def scan(paths: Annotated[list[Path], typer.Argument(exists=False)], tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import posture as svc

    run = svc.scan(workspace(), tenant, paths)
    if fmt == Output.json:
        render.as_json({"tenant": tenant, "files": run.files, "skipped": run.skipped, "resources": run.resources,
                        "sha256": run.sha256, "evidenced": run.evidenced,
                        "controls": {code: {"checked": r.checked, "unknown": list(r.unknown),
                                            "violations": [violation_json(v) for v in r.violations]}
                                     for code, r in sorted(run.results.items())}})
        return
    if fmt == Output.csv:
        render.as_csv(["control", "address", "file", "line", "problem"],
                      [[v.control, v.address, v.file, v.line or "", str(v.problem)] for v in run.violations])
        return
    render.say(pm.SCAN_DONE(files=len(run.files), resources=run.resources, tenant=tenant,
                            violations=len(run.violations), evidence=len(run.evidenced)))
    if run.violations:
        render.table(None, [pm.H_CONTROL(), pm.H_REASON(), pm.H_RESOURCE()],
                     [[v.control, str(v.problem), f"{v.address} ({v.where()})"] for v in run.violations])


@posture_app.command("settings", help=h(pm.HELP_POSTURE_SETTINGS))
def settings(
    tenant: Tenant,
    freshness: Annotated[list[str] | None, typer.Option("--freshness", help=h(pm.HELP_FRESHNESS))] = None,
    disable: Annotated[list[str] | None, typer.Option("--disable", help=h(pm.HELP_DISABLE))] = None,
    reset: Annotated[bool, typer.Option("--reset", help=h(pm.HELP_RESET))] = False,
    fmt: Fmt = Output.table,
) -> None:
    """Show the tenant's overrides; with --freshness/--disable/--reset, replace them first."""
    from balise.services import posture as svc

    ws = workspace()
    if reset or freshness or disable:
        days: dict[str, int] = {}
        for item in freshness or []:
            code, sep, value = item.partition("=")
            if not sep or not value.strip().isdigit():
                raise UsageError(pm.BAD_FRESHNESS_OPTION(value=item))
            days[code.strip()] = int(value)
        svc.set_overrides(ws, tenant, freshness_days=days, disabled=disable or [])
    doc = svc.overrides(ws, tenant)
    if fmt == Output.json:
        render.as_json(doc)
        return
    render.table(None, [pm.H_CONTROL(), pm.H_TITLE(), pm.H_FRESHNESS(), pm.H_ENABLED()],
                 [[c.code, str(c.title()), doc["freshness_days"].get(c.code, c.freshness_days),
                   str((pm.NO if c.code in doc["disabled"] else pm.YES)())] for c in cm.CONTROLS], right=(2,))


# --- balise evidence ------------------------------------------------------------------------------------------

@evidence_app.command("add", help=h(pm.HELP_EVIDENCE_ADD))
def evidence_add(
    control: Annotated[str, typer.Argument(help=h(pm.HELP_CONTROL), show_default=False)],
    tenant: Tenant,
    day: Annotated[str, typer.Option("--date", help=h(pm.HELP_DATE))],
    by: Annotated[str, typer.Option("--by", help=h(pm.HELP_BY))],
    file: Annotated[Path | None, typer.Option("--file", help=h(pm.HELP_FILE))] = None,
    link: Annotated[str | None, typer.Option("--link", help=h(pm.HELP_LINK))] = None,
    note: Annotated[str | None, typer.Option("--note", help=h(pm.HELP_NOTE))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import posture as svc

    e = svc.add_evidence(workspace(), tenant, control, day=day, by=by, file=file, link=link, note=note)
    if fmt == Output.json:
        render.as_json(evidence_json(e))
        return
    c = cm.BY_CODE[e.control]
    extra = pm.EVIDENCE_FILE(name=e.file_name, sha256=e.sha256) if e.file_name else ""
    render.say(pm.EVIDENCE_ADDED(id=e.id, code=e.control, title=c.title(), date=e.date.isoformat(), by=e.by,
                                 tenant=tenant, file=extra))


@evidence_app.command("list", help=h(pm.HELP_EVIDENCE_LIST))
def evidence_list(
    tenant: Tenant,
    control: Annotated[str | None, typer.Option("--control", help=h(pm.HELP_CONTROL))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import posture as svc

    items = svc.list_evidence(workspace(), tenant, control)
    if fmt == Output.json:
        render.as_json([evidence_json(e) for e in items])
    elif fmt == Output.csv:
        render.as_csv(["id", "control", "date", "by", "link", "file", "sha256", "stored_path", "origin", "note"],
                      [[e.id, e.control, e.date.isoformat(), e.by, e.link or "", e.file_name or "", e.sha256 or "",
                        e.stored_path or "", e.origin, e.note or ""] for e in items])
    elif not items:
        render.say(pm.EVIDENCE_NONE(tenant=tenant))
    else:
        render.table(None, [pm.H_ID(), pm.H_CONTROL(), pm.H_DATE(), pm.H_BY(), pm.H_PROOF(), pm.H_ORIGIN()],
                     [[e.id, e.control, e.date.isoformat(), e.by,
                       " ".join(x for x in (e.link, e.file_name and f"{e.file_name} sha256:{(e.sha256 or '')[:12]}…",
                                            e.note) if x), e.origin] for e in items], right=(0,))


# --- balise responsibility --------------------------------------------------------------------------------

@responsibility_app.command("import", help=h(pm.HELP_RESP_IMPORT))
def responsibility_import(file: Annotated[Path, typer.Argument(exists=False)], tenant: Tenant) -> None:
    from balise.services import posture as svc

    matrix = svc.import_responsibility(workspace(), tenant, file)
    render.say(pm.RACI_IMPORTED(tenant=tenant, n=len(matrix), file=str(file)))


@responsibility_app.command("list", help=h(pm.HELP_RESP_LIST))
def responsibility_list(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import posture as svc

    matrix = svc.responsibility(workspace(), tenant)
    rows = [(c, *matrix[c.code]) for c in cm.CONTROLS]
    if fmt == Output.json:
        render.as_json([{"code": c.code, "title": str(c.title()), "company": cm.letters_of(raci)["company"],
                         "msp": cm.letters_of(raci)["msp"], "raci": {k: list(v) for k, v in raci.items()},
                         "owner": cm.owner_of(raci), "source": source} for c, raci, source in rows])
    elif fmt == Output.csv:
        render.as_csv(["control", "company", "msp"],
                      [[c.code, *cm.letters_of(raci).values()] for c, raci, _ in rows])
    else:
        src = {"default": pm.SRC_DEFAULT, "tenant": pm.SRC_TENANT}
        render.table(None, [pm.H_CONTROL(), pm.H_TITLE(), pm.H_PARTY_COMPANY(), pm.H_PARTY_MSP(), pm.H_SOURCE()],
                     [[c.code, str(c.title()), cm.letters_of(raci)["company"] or "—",
                       cm.letters_of(raci)["msp"] or "—", str(src[source]())] for c, raci, source in rows])


# --- balise report -----------------------------------------------------------------------------------------

def report_section_json(r: Any) -> dict[str, Any]:
    """This capability's part of `balise report --format json` (keys added at the top level)."""
    section = r.extra.get("posture") if "posture" in r.sections else None
    if not section:
        return {}
    return {"posture": {"as_of": section["as_of"].isoformat(), "summary": section["summary"],
                        "controls": [control_json(v) for v in section["controls"]]}}


def show_report_section(r: Any) -> None:
    """This capability's part of the `balise report` table output."""
    section = r.extra.get("posture") if "posture" in r.sections else None
    if not section:
        return
    s = section["summary"]
    render.say(pm.REPORT_POSTURE(passed=s["pass"], total=s["total"], failed=s["fail"], stale=s["stale"],
                                 missing=s["missing"], violations=s["violations"]))
    failing = [v for v in section["controls"] if v.status != "pass"]
    if failing:
        render.table(None, [pm.H_CONTROL(), pm.H_TITLE(), pm.H_STATUS(), pm.H_OWNER(), pm.H_REASON()],
                     [[v.code, str(v.title), str(_STATUS[v.status]()), str(_PARTY[v.owner]()), str(v.reason)]
                      for v in failing])
