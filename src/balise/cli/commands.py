"""The commands of ``balise``. Each parses its options, calls one service and renders the result."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.i18n import messages as m
from balise.i18n import money, number, percent

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]


def _rates(path: Path | None) -> Any:
    from balise.reference import fx
    return fx.from_file(path) if path else fx.ecb()


@app.command(help=h(m.HELP_INGEST))
def ingest(
    paths: Annotated[list[Path], typer.Argument(exists=False)],
    tenant: Tenant,
    format: Annotated[str | None, typer.Option("--format", help=h(m.HELP_FORMAT_IN))] = None,
    skip_bad_rows: Annotated[bool, typer.Option("--skip-bad-rows", help=h(m.HELP_SKIP))] = False,
    currency: Annotated[str | None, typer.Option("--currency", help=h(m.HELP_CURRENCY_IN))] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help=h(m.HELP_OUTPUT))] = Output.table,
) -> None:
    from balise.services.ingest import ingest as run

    start = time.perf_counter()
    with _progress() as progress:
        result = run(workspace(), paths, tenant, format=format, skip_bad_rows=skip_bad_rows,
                     default_currency=currency, on_source=progress)
    seconds = time.perf_counter() - start
    rows = sum(s.rows for s in result.sources)
    if output == Output.json:
        render.as_json({"ingest_id": result.ingest_id, "tenant": result.tenant, "seconds": round(seconds, 3),
                        "replaced_files": result.replaced_files, "sources": [_source_json(s) for s in result.sources]})
        return
    for s in result.sources:
        render.say(m.INGEST_LINE(file=s.name, format=s.format, rows=number(s.rows),
                                 periods=_periods(s.periods), totals=render.totals_text(s.totals)))
        if s.rejected:
            cost = ", ".join(money(v, c) for c, v in sorted(s.rejected_cost.items())) or "—"
            render.say(m.INGEST_REJECTED(n=s.rejected, cost=cost, file=s.reject_file))
    if result.replaced_files:
        render.say(m.INGEST_REPLACED(n=result.replaced_files))
    render.say(m.INGEST_DONE(tenant=tenant, n=len(result.sources), rows=number(rows),
                             seconds=number(seconds, digits=1), rate=number(rows / seconds if seconds else 0)))


def _source_json(s: Any) -> dict[str, Any]:
    return {"file": s.name, "format": s.format, "rows": s.rows, "periods": s.periods, "sha256": s.sha256,
            "totals": _totals_json(s.totals), "rows_rejected": s.rejected,
            "rejected_cost": {c: round(v, 2) for c, v in s.rejected_cost.items()}, "reject_file": s.reject_file}


def _totals_json(totals: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {cur: {k: round(v, 2) for k, v in vals.items()} for cur, vals in sorted(totals.items())}


class _progress:
    """A Rich progress bar per source on a terminal (rows/s estimated from the share read); silent otherwise."""

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        self.p = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>5.1f} %"),
                          TextColumn("~{task.fields[rate]} rows/s"), TimeElapsedColumn(), console=render.err,
                          transient=False)
        self.p.__enter__()

        def on_source(src: Any, fmt: str) -> Any:
            task = self.p.add_task(str(m.PROGRESS(file=Path(src.name).name, format=fmt)), total=1.0, rate="…")
            est_rows = src.estimated_rows or max(src.size // 300, 1)
            t0 = time.perf_counter()

            def update(fraction: float) -> None:
                dt = time.perf_counter() - t0
                self.p.update(task, completed=fraction,
                              rate=number(est_rows * fraction / dt) if dt > 0 and fraction > 0 else "…")
            return update
        return on_source

    def __exit__(self, *exc: object) -> None:
        if sys.stderr.isatty():
            self.p.__exit__(*exc)  # type: ignore[arg-type]


@app.command(help=h(m.HELP_COSTS))
def costs(
    tenant: Tenant,
    by: Annotated[str, typer.Option("--by", help=h(m.HELP_BY))] = "service",
    metric: Annotated[str, typer.Option("--metric", help=h(m.HELP_METRIC))] = "billed",
    currency: Annotated[str, typer.Option("--currency", help=h(m.HELP_CURRENCY_OUT))] = "native",
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    start: Annotated[str | None, typer.Option("--from", help=h(m.HELP_FROM))] = None,
    end: Annotated[str | None, typer.Option("--to", help=h(m.HELP_TO))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.errors import UsageError
    from balise.services.costs import METRICS
    from balise.services.costs import costs as run

    if metric not in METRICS:
        raise UsageError(m.BAD_BY(by=metric, known=", ".join(METRICS)))
    native = currency.lower() == "native"
    lines = run(workspace(), tenant, by, metric=metric, currency=currency,  # type: ignore[arg-type]
                start=start, end=end, rates=None if native else _rates(rates))
    if fmt == Output.json:
        render.as_json([{"key": x.key, "cost": round(x.cost, 2), "currency": x.currency, "rows": x.rows,
                         **({"rates": [_rate_json(r) for r in x.rates]} if not native else {})} for x in lines])
    elif fmt == Output.csv:
        render.as_csv(["key", "cost", "currency", "rows"],
                      [[x.key, f"{x.cost:.2f}", x.currency, x.rows] for x in lines])
    else:
        period = f"{start or '…'} → {end or '…'}" if start or end else str(m.ALL_PERIODS())
        rows = [[x.key or str(m.NO_VALUE()), money(x.cost, x.currency), x.currency, number(x.rows)] for x in lines]
        by_cur: dict[str, float] = {}
        for x in lines:
            by_cur[x.currency] = by_cur.get(x.currency, 0.0) + x.cost
        rows += [[str(m.TOTAL()), money(v, c), c, ""] for c, v in sorted(by_cur.items())]
        render.table(str(m.COSTS_TITLE(by=by, metric=metric, period=period)),
                     [m.H_KEY(), m.H_COST(), m.H_CURRENCY(), m.H_ROWS()], rows, right=(1, 3))
        used = sorted({r.describe() for x in lines for r in x.rates})
        if used:
            render.say(m.REPORT_RATES(rates="; ".join(used)))


def _rate_json(r: Any) -> dict[str, Any]:
    return {"currency": r.currency, "month": r.month, "per_eur": round(r.per_eur, 6), "fixings": r.fixings,
            "basis_month": r.basis_month, "source": r.source.render("en")}


@app.command(help=h(m.HELP_REPORT))
def report(
    tenant: Tenant,
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services.report import report as run

    r = run(workspace(), tenant, month, rates=_rates(rates))
    if fmt == Output.json:
        render.as_json(report_json(r))
        return
    show_report(r)


def report_json(r: Any) -> dict[str, Any]:
    def shares(items: list[Any]) -> list[dict[str, Any]]:
        return [{"key": s.key, "cost": round(s.cost, 2), "share": round(s.share, 4)} for s in items]

    return {"tenant": r.tenant, "month": r.month, "currency": r.currency, "total": round(r.total, 2),
            "previous_month": r.previous_month,
            "previous_total": None if r.previous_total is None else round(r.previous_total, 2),
            "change": None if r.change is None else round(r.change, 4),
            "top": {"services": shares(r.top_services), "providers": shares(r.top_providers),
                    "regions": shares(r.top_regions)},
            "untagged": {"cost": round(r.untagged_cost, 2), "share": round(r.untagged_share, 4)},
            "rows": r.rows, "rates": [_rate_json(x) for x in r.rates], "sections": r.sections,
            **_cockpit_json(r), **_capabilities_json(r)}


def _capability_clis() -> tuple[Any, ...]:
    from balise.cli import carbon_cmds, posture_cmds, sovereignty_cmds
    return carbon_cmds, sovereignty_cmds, posture_cmds


def _capabilities_json(r: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cli in _capability_clis():
        out.update(cli.report_section_json(r))
    return out


def _cockpit_json(r: Any) -> dict[str, Any]:
    if "kpis" not in r.sections:
        return {}
    from balise.cli.findings_cmds import view_json
    from balise.cli.kpis_cmds import result_json

    return {"kpis": [result_json(k) for k in r.kpis],
            "findings": {"open": r.open_findings, "monthly_saving_eur": round(r.savings.total_eur, 2),
                         "options_eur": round(r.savings.options_eur, 2),
                         "top": [view_json(v) for v in r.top_findings]}}


def show_report(r: Any) -> None:
    render.out.rule(str(m.REPORT_TITLE(tenant=r.tenant, month=r.month)))
    render.say(m.REPORT_SPEND(total=money(r.total, r.currency)))
    if r.previous_total is not None and r.change is not None:
        sign = "+" if r.change >= 0 else ""
        render.say(m.REPORT_CHANGE(month=r.previous_month, previous=money(r.previous_total, r.currency),
                                   change=sign + percent(r.change)))
    else:
        render.say(m.REPORT_NO_PREVIOUS(month=r.previous_month))
    for title, items in ((m.REPORT_TOP_SERVICES, r.top_services), (m.REPORT_TOP_PROVIDERS, r.top_providers),
                         (m.REPORT_TOP_REGIONS, r.top_regions)):
        render.table(str(title()), [m.H_KEY(), m.H_COST(), m.H_SHARE()],
                     [[s.key or str(m.NO_VALUE()), money(s.cost, r.currency), percent(s.share)] for s in items],
                     right=(1, 2))
    render.say(m.REPORT_UNTAGGED(cost=money(r.untagged_cost, r.currency), share=percent(r.untagged_share)))
    render.say(m.REPORT_ROWS(rows=number(r.rows)))
    if r.rates:
        render.say(m.REPORT_RATES(rates="; ".join(x.describe() for x in r.rates)))
    if "kpis" in r.sections:
        _show_cockpit(r)
    for cli in _capability_clis():
        cli.show_report_section(r)


def _show_cockpit(r: Any) -> None:
    from balise.cli.kpis_cmds import threshold_text, value_text
    from balise.i18n import kpis_messages as km
    from balise.i18n import rules_messages as rm

    status = {"ok": km.ST_OK, "alert": km.ST_ALERT, "no_data": km.ST_NO_DATA}
    n = {s: sum(1 for k in r.kpis if k.status == s) for s in ("ok", "alert", "no_data")}
    render.table(str(m.REPORT_KPIS(alert=n["alert"], ok=n["ok"], no_data=n["no_data"])),
                 [km.H_KPI(), km.H_VALUE(), km.H_THRESHOLD(), km.H_STATUS(), km.H_OWNER()],
                 [[str(k.label()), value_text(k.value, k.unit), threshold_text(k), str(status[k.status]()), k.owner]
                  for k in r.kpis], right=(1,))
    if not r.top_findings:
        render.say(m.REPORT_NO_FINDINGS())
    else:
        render.table(str(m.REPORT_FINDINGS(n=r.open_findings, amount=money(r.savings.total_eur, "EUR"),
                                           options=money(r.savings.options_eur, "EUR"))),
                     [rm.H_ID(), rm.H_SEVERITY(), rm.H_CODE(), rm.H_FINDING(), rm.H_SAVING(), rm.H_OWNER()],
                     [[v.id, v.severity, v.code, str(v.title),
                       "" if v.monthly_saving_eur is None else money(v.monthly_saving_eur, "EUR"), v.owner or ""]
                      for v in r.top_findings], right=(0, 4))
    render.say(m.REPORT_MORE(tenant=r.tenant))


@app.command(help=h(m.HELP_SOURCES))
def sources(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services.sources import list_sources

    items = list_sources(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([{"id": s.id, "file": s.file_name, "sha256": s.sha256, "format": s.format, "rows": s.rows,
                         "rows_rejected": s.rows_rejected, "periods": s.periods, "totals": _totals_json(s.totals),
                         "ingested_at": s.ingested_at.isoformat() + "Z", "ingest_id": s.ingest_id,
                         "status": s.status.replace(" ", "_"), "reject_file": s.reject_file} for s in items])
        return
    if fmt == Output.csv:
        render.as_csv(["file", "sha256", "format", "rows", "periods", "ingested_at", "status"],
                      [[s.file_name, s.sha256, s.format, s.rows, " ".join(s.periods), s.ingested_at.isoformat(),
                        s.status] for s in items])
        return
    if not items:
        render.say(m.NO_SOURCES())
        return
    status = {"live": m.STATUS_LIVE, "partly replaced": m.STATUS_PARTLY, "replaced": m.STATUS_REPLACED}
    render.table(None, [m.H_FILE(), "sha256", m.H_FORMAT(), m.H_ROWS(), m.H_PERIODS(), m.H_TOTALS(),
                        m.H_INGESTED(), m.H_STATUS()],
                 [[Path(s.file_name).name, s.sha256[:12] + "…", s.format, number(s.rows),
                   _periods(s.periods), render.totals_text(s.totals), s.ingested_at.strftime("%Y-%m-%d %H:%M"),
                   status[s.status]()] for s in items], right=(3,))


def _periods(periods: list[str]) -> str:
    if len(periods) <= 2:
        return ", ".join(periods) or "—"
    return f"{periods[0]} → {periods[-1]} ({len(periods)})"


@app.command(help=h(m.HELP_EXPORT))
def export(
    tenant: Tenant,
    fmt: Annotated[str, typer.Option("--format", "-f", help="focus-csv | focus-parquet")],
    out: Annotated[Path, typer.Option("--out", help=h(m.HELP_OUT))],
) -> None:
    from balise.errors import UsageError
    from balise.services.export import export as run

    if fmt not in ("focus-csv", "focus-parquet"):
        raise UsageError(m.UNKNOWN_FORMAT_NAME(name=fmt, known="focus-csv, focus-parquet"))
    n = run(workspace(), tenant, fmt, out)  # type: ignore[arg-type]
    render.say(m.EXPORTED(rows=number(n), path=str(out)))


@app.command(help=h(m.HELP_DEMO))
def demo(
    rows: Annotated[int | None, typer.Option("--rows", min=1, help=h(m.HELP_ROWS))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services.demo import DEMO_TENANT, load_demo
    from balise.services.report import report as run

    ws = workspace()
    with _progress() as progress:
        load_demo(ws, rows, on_source=progress)
    r = run(ws, DEMO_TENANT, rates=_rates(None))
    if fmt == Output.json:
        render.as_json(report_json(r))
        return
    render.say(m.DEMO_DONE(tenant=DEMO_TENANT, workspace=str(ws.home)))
    show_report(r)


@app.command(help=h(m.HELP_TENANTS))
def tenants(fmt: Fmt = Output.table) -> None:
    items = workspace().tenants()
    if fmt == Output.json:
        render.as_json([{"name": t.name, "created_at": t.created_at.isoformat() + "Z"} for t in items])
    elif not items:
        render.say(m.TENANTS_NONE())
    else:
        render.table(None, [m.H_NAME(), m.H_INGESTED()], [[t.name, t.created_at.strftime("%Y-%m-%d")] for t in items])


@app.command(help=h(m.HELP_FORMATS))
def formats(fmt: Fmt = Output.table) -> None:
    from balise import connectors

    items = [connectors.get(n) for n in connectors.names()]
    if fmt == Output.json:
        render.as_json([{"name": c.name, "label": c.label, "provider": c.provider, "verified": c.verified,
                         "reference": c.reference} for c in items])
        return
    render.table(None, [m.H_NAME(), m.H_FORMAT(), m.H_PROVIDER(), m.H_VERIFIED()],
                 [[c.name, c.label, c.provider or "*", c.verified] for c in items])
