"""`balise budgets` (add, list, remove, status), `balise allocation` (import, show, reset), `balise showback`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.cli.kpis_cmds import rates_line
from balise.errors import UsageError
from balise.i18n import kpis_messages as km
from balise.i18n import messages as m
from balise.i18n import money, percent

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]
Name = Annotated[str, typer.Argument(help=h(km.HELP_BUDGET_NAME), show_default=False)]

budgets_app = typer.Typer(help=h(km.HELP_BUDGETS), no_args_is_help=True, add_completion=False)
allocation_app = typer.Typer(help=h(km.HELP_ALLOCATION), no_args_is_help=True, add_completion=False)
app.add_typer(budgets_app, name="budgets")
app.add_typer(allocation_app, name="allocation")


def _rates(path: Path | None) -> Any:
    from balise.reference import fx
    return fx.from_file(path) if path else fx.ecb()


def _fractions(values: tuple[float, ...]) -> str:
    return ", ".join(percent(v, digits=0) for v in values) or "—"


@budgets_app.command("add", help=h(km.HELP_BUDGETS_ADD))
def add(
    name: Name,
    tenant: Tenant,
    monthly: Annotated[float, typer.Option("--monthly", help=h(km.HELP_MONTHLY))],
    yearly: Annotated[float | None, typer.Option("--yearly", help=h(km.HELP_YEARLY))] = None,
    tag: Annotated[str | None, typer.Option("--tag", help=h(km.HELP_BUDGET_TAG))] = None,
    actual: Annotated[str | None, typer.Option("--actual", help=h(km.HELP_ACTUAL))] = None,
    forecast: Annotated[str | None, typer.Option("--forecast", help=h(km.HELP_FORECAST_TH))] = None,
    owner: Annotated[str | None, typer.Option("--owner", help=h(km.HELP_BUDGET_OWNER))] = None,
) -> None:
    from balise.services import budgets as svc

    b, replaced = svc.add_budget(workspace(), tenant, name, monthly, yearly=yearly, tag=tag, actual=actual,
                                 forecast=forecast, owner=owner)
    msg = km.BUDGET_REPLACED if replaced else km.BUDGET_ADDED
    render.say(msg(name=b.name, tenant=tenant, scope=b.scope, monthly=money(b.monthly, "EUR"),
                   actual=_fractions(b.thresholds_actual), forecast=_fractions(b.thresholds_forecast)))


def budget_json(b: Any) -> dict[str, Any]:
    return {"name": b.name, "scope": b.scope, "tag_key": b.tag_key, "tag_value": b.tag_value, "monthly": b.monthly,
            "yearly": b.yearly, "currency": b.currency, "thresholds_actual": list(b.thresholds_actual),
            "thresholds_forecast": list(b.thresholds_forecast), "owner": b.owner}


@budgets_app.command("list", help=h(km.HELP_BUDGETS_LIST))
def list_(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import budgets as svc

    items = svc.list_budgets(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([budget_json(b) for b in items])
    elif fmt == Output.csv:
        render.as_csv(["name", "scope", "monthly", "yearly", "currency", "thresholds_actual", "thresholds_forecast",
                       "owner"],
                      [[b.name, b.scope, b.monthly, b.yearly or "", b.currency,
                        " ".join(map(str, b.thresholds_actual)), " ".join(map(str, b.thresholds_forecast)),
                        b.owner or ""] for b in items])
    elif not items:
        render.say(km.BUDGETS_NONE(tenant=tenant))
    else:
        render.table(None, [km.H_BUDGET(), km.H_SCOPE(), km.H_MONTHLY(), km.H_YEARLY(), km.H_TH_ACTUAL(),
                            km.H_TH_FORECAST(), km.H_OWNER()],
                     [[b.name, b.scope, money(b.monthly, "EUR"), "—" if b.yearly is None else money(b.yearly, "EUR"),
                       _fractions(b.thresholds_actual), _fractions(b.thresholds_forecast), b.owner or "—"]
                      for b in items], right=(2, 3))


@budgets_app.command("remove", help=h(km.HELP_BUDGETS_REMOVE))
def remove(name: Name, tenant: Tenant) -> None:
    from balise.services import budgets as svc

    svc.remove_budget(workspace(), tenant, name)
    render.say(km.BUDGET_REMOVED(name=name, tenant=tenant))


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def status_json(s: Any) -> dict[str, Any]:
    return {
        "name": s.name, "scope": s.scope, "month": s.month, "currency": "EUR", "monthly": s.monthly,
        "actual": round(s.actual, 2), "share": round(s.share, 4),
        "forecast": _r(s.forecast), "forecast_low": _r(s.forecast_low), "forecast_high": _r(s.forecast_high),
        "forecast_basis": s.forecast_basis,
        "forecast_share": None if s.forecast is None else round(s.forecast / s.monthly, 4),
        "yearly": s.yearly, "ytd": _r(s.ytd), "year_forecast": _r(s.year_forecast),
        "year_forecast_low": _r(s.year_forecast_low), "year_forecast_high": _r(s.year_forecast_high),
        "thresholds_actual": list(s.thresholds_actual), "thresholds_forecast": list(s.thresholds_forecast),
        "crossed": [{"basis": c.basis, "period": c.period, "threshold": c.threshold, "spend": round(c.spend, 2),
                     "budget": c.budget} for c in s.crossings],
        "status": "alert" if s.crossings else "ok", "owner": s.owner,
        "period": {"start": s.period_start, "end": s.as_of}, "reason": None if s.reason is None else str(s.reason),
        "rates": s.rates,
    }


@budgets_app.command("status", help=h(km.HELP_BUDGETS_STATUS))
def status(
    tenant: Tenant,
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import budgets as svc

    rep = svc.status(workspace(), tenant, month, rates=_rates(rates))
    if fmt == Output.json:
        render.as_json([status_json(s) for s in rep.statuses])
        return
    if fmt == Output.csv:
        render.as_csv(["name", "scope", "month", "monthly", "actual", "share", "forecast", "forecast_low",
                       "forecast_high", "yearly", "ytd", "year_forecast", "status"],
                      [[j["name"], j["scope"], j["month"], j["monthly"], j["actual"], j["share"], j["forecast"],
                        j["forecast_low"], j["forecast_high"], j["yearly"], j["ytd"], j["year_forecast"], j["status"]]
                       for j in map(status_json, rep.statuses)])
        return
    if not rep.statuses:
        render.say(km.BUDGETS_NONE(tenant=tenant))
        return
    rows = []
    for s in rep.statuses:
        rows.append([s.name, s.scope, money(s.monthly, "EUR"), _with_share(s.actual, s.monthly),
                     _forecast_cell(s.forecast, s.forecast_low, s.forecast_high, s.forecast_basis, s.monthly),
                     crossed_text(s.crossings, "month")])
        if s.yearly is not None:
            rows.append(["", str(km.YEAR_LINE(year=s.month[:4])), money(s.yearly, "EUR"),
                         _with_share(s.ytd or 0.0, s.yearly),
                         _forecast_cell(s.year_forecast, s.year_forecast_low, s.year_forecast_high,
                                        "forecast" if s.year_forecast is not None else None, s.yearly),
                         crossed_text(s.crossings, "year")])
    render.table(str(km.BUDGETS_TITLE(tenant=tenant, month=rep.month, as_of=rep.as_of.isoformat())),
                 [km.H_BUDGET(), km.H_SCOPE(), km.H_BUDGET_AMOUNT(), km.H_ACTUAL(), km.H_FORECAST_INTERVAL(),
                  km.H_CROSSED()], rows, right=(2, 3, 4))
    for s in rep.statuses:
        if s.reason is not None:
            render.say(f"{s.name}: {s.reason}")


def _with_share(amount: float, budget: float) -> str:
    return f"{money(amount, 'EUR')} ({percent(amount / budget)})"


def _forecast_cell(point: float | None, low: float | None, high: float | None, basis: str | None,
                   budget: float) -> str:
    if point is None:
        return "—"
    if basis == "actual":
        return str(km.PERIOD_OVER())
    return f"{_with_share(point, budget)} [{money(low or 0, 'EUR')} – {money(high or 0, 'EUR')}]"


def crossed_text(crossings: list[Any], period: str) -> str:
    """The highest threshold crossed on actual and on forecast, for the month or the year."""
    out = []
    for basis in ("actual", "forecast"):
        hits = [c for c in crossings if c.period == period and c.basis == basis]
        if hits:
            out.append(crossing_text(max(hits, key=lambda c: c.threshold)))
    return str(km.LIST_SEP()).join(out) or str(km.ST_OK())


def crossing_text(c: Any) -> str:
    msg = km.CROSSED_ACTUAL if c.basis == "actual" else km.CROSSED_FORECAST
    return str(msg(threshold=percent(c.threshold, digits=0)))


# --- allocation ------------------------------------------------------------------------------------------------

@allocation_app.command("import", help=h(km.HELP_ALLOCATION_IMPORT))
def allocation_import(file: Annotated[Path, typer.Argument(show_default=False)], tenant: Tenant) -> None:
    from balise.services import allocation as svc

    cfg = svc.import_config(workspace(), tenant, file)
    render.say(km.ALLOCATION_IMPORTED(tenant=tenant, file=str(file), keys=", ".join(cfg.keys) or "—",
                                      rules=len(cfg.shared)))


@allocation_app.command("show", help=h(km.HELP_ALLOCATION_SHOW))
def allocation_show(tenant: Tenant, fmt: Annotated[str, typer.Option("--format", "-f",
                                                                    help="yaml | json")] = "yaml") -> None:
    from balise.services import allocation as svc

    view = svc.show_config(workspace(), tenant)
    if fmt == "json":
        render.as_json({"default": view.default, "document": view.document})
        return
    if fmt != "yaml":
        raise UsageError(m.UNKNOWN_FORMAT_NAME(name=fmt, known="yaml, json"))
    if view.default:
        render.say(km.ALLOCATION_DEFAULT(tenant=tenant))
    sys.stdout.write(view.yaml() if view.yaml().endswith("\n") else view.yaml() + "\n")


@allocation_app.command("reset", help=h(km.HELP_ALLOCATION_RESET))
def allocation_reset(tenant: Tenant) -> None:
    from balise.services import allocation as svc

    svc.reset_config(workspace(), tenant)
    render.say(km.ALLOCATION_RESET(tenant=tenant))


# --- showback --------------------------------------------------------------------------------------------------

class ShowbackFormat(str, Enum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


@app.command(help=h(km.HELP_SHOWBACK))
def showback(
    tenant: Tenant,
    by: Annotated[str, typer.Option("--by", help=h(km.HELP_SHOWBACK_BY))] = "team",
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    start: Annotated[str | None, typer.Option("--from", help=h(m.HELP_FROM))] = None,
    end: Annotated[str | None, typer.Option("--to", help=h(m.HELP_TO))] = None,
    metric: Annotated[str, typer.Option("--metric", help=h(km.HELP_SHOWBACK_METRIC))] = "effective",
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Annotated[ShowbackFormat, typer.Option("--format", "-f",
                                                help=h(km.HELP_SHOWBACK_FORMAT))] = ShowbackFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help=h(m.HELP_OUT))] = None,
) -> None:
    from balise.services import allocation as svc

    if fmt == ShowbackFormat.xlsx and out is None:
        raise UsageError(km.XLSX_NEEDS_OUT())
    if out is not None and out.exists():
        raise UsageError(m.OUT_EXISTS(path=str(out)))
    s = svc.showback(workspace(), tenant, by, month=month, start=start, end=end, metric=metric,
                     rates=_rates(rates))
    untagged = str(km.UNTAGGED_LINE())
    if fmt == ShowbackFormat.xlsx:
        assert out is not None
        svc.write_xlsx(s, out, {
            "sheet_lines": str(km.XLSX_SHEET_LINES()), "sheet_summary": str(km.XLSX_SHEET_SUMMARY()),
            "month": str(km.H_MONTH()), "direct": str(km.H_DIRECT()), "shared": str(km.H_SHARED()),
            "total": str(m.TOTAL()), "untagged": untagged, "bill": str(km.H_BILL()),
            "rates": str(km.RATES_PREFIX())})
        render.say(km.SHOWBACK_WRITTEN(path=str(out), lines=len(s.lines)))
        return
    if fmt == ShowbackFormat.json:
        _write(out, lambda: render.as_json(svc.showback_json(s)))
        return
    if fmt == ShowbackFormat.csv:
        _write(out, lambda: render.as_csv(
            ["month", s.key, "direct", "shared", "total", "currency"],
            [[x.month, x.value if x.value is not None else "(untagged)", f"{x.direct:.2f}", f"{x.shared:.2f}",
              f"{x.total:.2f}", "EUR"] for x in s.lines]))
        return
    for mon in s.months:
        rows = [[x.value if x.value is not None else untagged, money(x.direct, "EUR"), money(x.shared, "EUR"),
                 money(x.total, "EUR"), percent(x.total / s.bill[mon]) if s.bill[mon] else "—"]
                for x in s.month_lines(mon)]
        rows.append([str(m.TOTAL()), "", "", money(s.bill[mon], "EUR"), ""])
        render.table(str(km.SHOWBACK_TITLE(tenant=tenant, by=s.key, month=mon, metric=s.metric)),
                     [s.key, km.H_DIRECT(), km.H_SHARED(), m.TOTAL(), m.H_SHARE()], rows, right=(1, 2, 3, 4))
    if s.aliases or s.rules:
        render.say(km.SHOWBACK_CONFIG(aliases=", ".join(s.aliases) or "—", rules=", ".join(s.rules) or "—"))
    if s.rates:
        render.say(rates_line(s.rates))


def _write(out: Path | None, emit: Any) -> None:
    if out is None:
        emit()
        return
    old = sys.stdout
    with out.open("w", encoding="utf-8", newline="") as f:
        sys.stdout = f
        try:
            emit()
        finally:
            sys.stdout = old
    render.say(km.FILE_WRITTEN(path=str(out)))
