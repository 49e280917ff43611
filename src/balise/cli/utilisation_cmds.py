"""`balise utilisation import` (a CSV file or a Prometheus server) and `balise utilisation list`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.errors import UsageError
from balise.i18n import messages as m
from balise.i18n import number
from balise.i18n import recommend_messages as rm

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]

utilisation_app = typer.Typer(help=h(rm.HELP_UTILISATION), no_args_is_help=True, add_completion=False)
app.add_typer(utilisation_app, name="utilisation")


@utilisation_app.command("import", help=h(rm.HELP_UTIL_IMPORT))
def import_(
    tenant: Tenant,
    file: Annotated[Path | None, typer.Argument(help=h(rm.HELP_UTIL_FILE), show_default=False)] = None,
    prometheus: Annotated[str | None, typer.Option("--prometheus", help=h(rm.HELP_PROMETHEUS))] = None,
    start: Annotated[str | None, typer.Option("--from", help=h(rm.HELP_UTIL_FROM))] = None,
    end: Annotated[str | None, typer.Option("--to", help=h(rm.HELP_UTIL_TO))] = None,
    step: Annotated[str, typer.Option("--step", help=h(rm.HELP_STEP))] = "5m",
    cpu_query: Annotated[str | None, typer.Option("--cpu-query", help=h(rm.HELP_CPU_QUERY))] = None,
    memory_query: Annotated[str | None, typer.Option("--memory-query", help=h(rm.HELP_MEMORY_QUERY))] = None,
    label: Annotated[str, typer.Option("--label", help=h(rm.HELP_LABEL))] = "instance",
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import utilisation as svc

    if (file is None) == (prometheus is None):
        raise UsageError(rm.UTIL_NEED_SOURCE())
    if file is not None:
        result = svc.import_csv(workspace(), tenant, file)
    else:
        if start is None or end is None:
            raise UsageError(rm.UTIL_NEED_SOURCE())
        queries: dict[str, Any] = {}
        if cpu_query:
            queries["cpu_query"] = cpu_query
        if memory_query:
            queries["memory_query"] = None if memory_query.lower() == "none" else memory_query
        result = svc.import_prometheus(workspace(), tenant, str(prometheus), start=_time(start, False),
                                       end=_time(end, True), step=step, resource_label=label, **queries)
    if fmt == Output.json:
        render.as_json(_json(result))
        return
    render.say(rm.UTIL_IMPORTED(samples=number(result.samples), resources=number(result.resources),
                                first=_stamp(result.first), last=_stamp(result.last), id=result.id))
    if result.replaced:
        render.say(rm.UTIL_REPLACED(n=result.replaced))


@utilisation_app.command("list", help=h(rm.HELP_UTIL_LIST))
def list_(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import utilisation as svc

    rows = svc.list_imports(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([_json(r) for r in rows])
        return
    header = [rm.H_UTIL_ID(), rm.H_UTIL_SOURCE(), rm.H_UTIL_RESOURCES(), rm.H_UTIL_SAMPLES(), rm.H_UTIL_FIRST(),
              rm.H_UTIL_LAST(), rm.H_UTIL_IMPORTED()]
    cells: list[list[Any]] = [[r.id, r.source, r.resources, r.samples, _stamp(r.first), _stamp(r.last),
                               _stamp(r.imported_at)] for r in rows]
    if fmt == Output.csv:
        render.as_csv([str(x) for x in header], cells)
        return
    if not rows:
        render.say(rm.UTIL_NONE(tenant=tenant))
        return
    render.table(None, header, [[c[0], c[1], number(c[2]), number(c[3]), *c[4:]] for c in cells], right=(0, 2, 3))


def _time(value: str, end_of_day: bool) -> datetime:
    from balise.services.utilisation import parse_time

    ts = parse_time(value)
    if ts is None:
        raise UsageError(rm.BAD_TIME(value=value))
    if end_of_day and len(value.strip()) == 10:  # a date alone: up to the end of that day
        ts += timedelta(days=1) - timedelta(seconds=1)
    return ts


def _stamp(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M")


def _json(r: Any) -> dict[str, Any]:
    return {"id": r.id, "source": r.source, "path": r.path, "resources": r.resources, "samples": r.samples,
            "first": r.first.isoformat() + "Z", "last": r.last.isoformat() + "Z",
            "imported_at": r.imported_at.isoformat() + "Z", "replaced": r.replaced}
