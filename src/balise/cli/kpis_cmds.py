"""`balise kpis` (show; set, add, reset, remove) and `balise units` (import, list)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.errors import UsageError
from balise.i18n import Text, money, money_ratio, number, ratio
from balise.i18n import kpis_messages as km
from balise.i18n import messages as m

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]
KpiId = Annotated[str, typer.Argument(help=h(km.HELP_KPI_ID), show_default=False)]

kpis_app = typer.Typer(help=h(km.HELP_KPIS), invoke_without_command=True, add_completion=False)
units_app = typer.Typer(help=h(km.HELP_UNITS), no_args_is_help=True, add_completion=False)
app.add_typer(kpis_app, name="kpis")
app.add_typer(units_app, name="units")


def _rates(path: Path | None) -> Any:
    from balise.reference import fx
    return fx.from_file(path) if path else fx.ecb()


@kpis_app.callback()
def kpis(
    ctx: typer.Context,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))] = None,
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from balise.services import kpis as svc

    if tenant is None:
        raise UsageError(km.MISSING_TENANT(command="kpis"))
    run_rates = _rates(rates)
    run = svc.run(workspace(), tenant, month, rates=run_rates)
    if fmt == Output.json:
        render.as_json([result_json(r) for r in run.results])
        return
    if fmt == Output.csv:
        render.as_csv(["id", "label", "value", "unit", "threshold", "status", "owner", "frequency", "period_start",
                       "period_end", "reason"],
                      [[r.id, str(r.label()), "" if r.value is None else round(r.value, 4), r.unit,
                        "" if r.threshold is None else str(r.threshold), r.status, r.owner, r.frequency,
                        r.period[0].isoformat(), r.period[1].isoformat(), "" if r.reason is None else str(r.reason)]
                       for r in run.results])
        return
    status = {"ok": km.ST_OK, "alert": km.ST_ALERT, "no_data": km.ST_NO_DATA}
    rows = [[str(r.label()), value_text(r.value, r.unit), threshold_text(r), str(status[r.status]()), r.owner,
             str(km.FREQ[r.frequency]())] for r in run.results]
    render.table(str(km.KPIS_TITLE(tenant=tenant, month=run.month, as_of=run.as_of.isoformat())),
                 [km.H_KPI(), km.H_VALUE(), km.H_THRESHOLD(), km.H_STATUS(), km.H_OWNER(), km.H_FREQUENCY()],
                 rows, right=(1,))
    render.say(km.H_HOW())
    for r in run.results:
        render.say(km.HOW_LINE(label=r.label(), how=how(r)))
    n = {s: sum(1 for r in run.results if r.status == s) for s in ("ok", "alert", "no_data")}
    render.say(km.KPIS_SUMMARY(alert=n["alert"], ok=n["ok"], no_data=n["no_data"]))
    used = sorted({(x["currency"], x["month"], x["per_eur"]) for r in run.results for x in r.inputs.get("rates", [])})
    month_rates = [u for u in used if u[1] == run.month]
    if used:
        text = str(km.LIST_SEP()).join(f"1 EUR = {number(p, digits=4)} {c} ({mon})"
                                       for c, mon, p in month_rates or used)
        render.say(km.RATES_USED(rates=text, source=run_rates.source))
        if month_rates and len(used) > len(month_rates):
            render.say(km.RATES_OTHER_MONTHS(n=len({u[1] for u in used}) - 1))


def rates_line(rates: list[Any]) -> str:
    """Rates per currency in one line: each month's when few, the range when many (JSON lists them all)."""
    by: dict[str, list[Any]] = {}
    for r in rates:
        by.setdefault(r.currency, []).append(r)
    parts = []
    for cur, rs in sorted(by.items()):
        rs = sorted(rs, key=lambda r: r.month)
        if len(rs) <= 2:
            parts.append(str(km.LIST_SEP()).join(f"1 EUR = {number(r.per_eur, digits=4)} {cur} ({r.month})"
                                                  for r in rs))
        else:
            lo, hi = min(r.per_eur for r in rs), max(r.per_eur for r in rs)
            parts.append(str(km.RATES_RANGE(currency=cur, low=number(lo, digits=4), high=number(hi, digits=4),
                                            first=rs[0].month, last=rs[-1].month, n=len(rs))))
    source = rates[0].source if rates else ""
    return str(km.RATES_USED(rates=str(km.LIST_SEP()).join(parts), source=source))


def result_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id, "label": str(r.label()), "labels": {"en": r.label.en, "fr": r.label.fr},
        "value": None if r.value is None else round(r.value, 4), "unit": r.unit,
        "threshold": None if r.threshold is None else r.threshold.as_dict(), "status": r.status, "owner": r.owner,
        "frequency": r.frequency, "period": {"start": r.period[0].isoformat(), "end": r.period[1].isoformat()},
        "inputs": r.inputs, "reason": None if r.reason is None else str(r.reason),
        "metric": r.metric, "params": r.params, "description": None if r.description is None else str(r.description()),
        "origin": r.origin, "changed": list(r.changed),
    }


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return number(value, digits=1) + ("\u00a0%" if _fr() else " %")
    if unit == "EUR":
        return money(value, "EUR")
    if unit.startswith("EUR/"):
        return money_ratio(value, "EUR") + "/" + unit[4:]
    if unit == "count":
        return number(value)
    return f"{ratio(value, digits=1)} {unit}"


def _fr() -> bool:
    from balise.i18n import current_language
    return current_language() == "fr"


def threshold_text(r: Any) -> str:
    if r.threshold is None:
        return str(km.NO_THRESHOLD())
    return f"{r.threshold.operator} {value_text(r.threshold.value, r.unit)}"


def _eur(x: Any) -> str:
    return "—" if x is None else money(float(x), "EUR")


def how(r: Any) -> str:
    """One line on what the value was computed from, and its period."""
    i = r.inputs
    period = f"{r.period[0].isoformat()} → {r.period[1].isoformat()}"
    if r.value is None:
        return str(km.HOW_REASON(reason=r.reason, period=period)) if r.reason else period
    text: Text | str
    if r.metric == "spend_vs_budget":
        text = km.HOW_BUDGET(spend=_eur(i["spend_eur"]), basis=_basis(i["basis"]), budget=_eur(i["budget_eur"]),
                             name=i["budget"])
    elif r.metric == "mom_change":
        text = km.HOW_MOM(spend=_eur(i["month_eur"]), basis=_basis(i["basis"]), previous=_eur(i["previous_eur"]),
                          month=i["previous_month"])
    elif r.metric == "forecast":
        text = (km.HOW_FORECAST_DONE(actual=_eur(i["actual_eur"])) if i["basis"] == "actual" else
                km.HOW_FORECAST(actual=_eur(i["actual_eur"]), low=_eur(i["low_eur"]), high=_eur(i["high_eur"]),
                                as_of=i["as_of"]))
    elif r.metric in ("commitment_coverage", "commitment_utilisation", "effective_savings_rate"):
        text = km.HOW_RATIO(numerator=_eur(i["numerator_eur"]), denominator=_eur(i["denominator_eur"]),
                            rows=number(i["rows"]))
    elif r.metric == "tag_coverage":
        text = km.HOW_TAGS(tagged=_eur(i["tagged_eur"]), usage=_eur(i["usage_eur"]), required=", ".join(i["required"]))
    elif r.metric == "unit_cost":
        text = km.HOW_UNIT(spend=_eur(i["spend_eur"]), quantity=number(i["quantity"]), unit=i["unit"])
    elif r.metric == "cpu_utilisation":
        text = km.HOW_CPU(samples=number(i["samples"]), resources=number(i["resources"]))
    elif r.metric == "rule_failures":
        text = km.HOW_RULE(rule=i["rule"], subjects=", ".join(i["subjects"][:3]) or "—")
    else:
        text = ""
    note = f" ({r.reason})" if r.reason else ""
    return str(km.HOW_PERIOD(how=f"{text}{note}", period=period))


def _basis(basis: str) -> str:
    return str(km.BASIS_ACTUAL() if basis == "actual" else km.BASIS_FORECAST())


@kpis_app.command("set", help=h(km.HELP_KPIS_SET))
def set_(
    kpi_id: KpiId,
    tenant: Tenant,
    threshold: Annotated[str | None, typer.Option("--threshold", help=h(km.HELP_THRESHOLD))] = None,
    owner: Annotated[str | None, typer.Option("--owner", help=h(km.HELP_KPI_OWNER))] = None,
    frequency: Annotated[str | None, typer.Option("--frequency", help=h(km.HELP_FREQUENCY))] = None,
) -> None:
    from balise.services import kpis as svc

    k = svc.set_kpi(workspace(), tenant, kpi_id, threshold=threshold, owner=owner, frequency=frequency)
    th = str(km.NO_THRESHOLD()) if k.threshold is None else str(k.threshold)
    render.say(km.KPI_SET(id=k.id, tenant=tenant, changes=f"{th}, {k.owner}, {km.FREQ[k.frequency]()}"))


@kpis_app.command("add", help=h(km.HELP_KPIS_ADD))
def add(file: Annotated[Path, typer.Argument(show_default=False)], tenant: Tenant) -> None:
    from balise.services import kpis as svc

    added = svc.add_kpis(workspace(), tenant, file)
    render.say(km.KPI_ADDED(n=len(added), tenant=tenant, file=str(file), ids=", ".join(k.id for k in added)))


@kpis_app.command("reset", help=h(km.HELP_KPIS_RESET))
def reset(kpi_id: KpiId, tenant: Tenant) -> None:
    from balise.services import kpis as svc

    k = svc.reset_kpi(workspace(), tenant, kpi_id)
    render.say(km.KPI_RESET(id=k.id, tenant=tenant, origin=k.origin))


@kpis_app.command("remove", help=h(km.HELP_KPIS_REMOVE))
def remove(kpi_id: KpiId, tenant: Tenant) -> None:
    from balise.services import kpis as svc

    svc.remove_kpi(workspace(), tenant, kpi_id)
    render.say(km.KPI_REMOVED(id=kpi_id, tenant=tenant))


@kpis_app.command("policy", help=h(km.HELP_KPIS_POLICY))
def show_policy(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import kpis as svc

    items = svc.effective(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([{**k.as_dict(), "origin": k.origin, "changed": list(k.changed)} for k in items])
        return
    render.table(None, ["id", km.H_KPI(), km.H_THRESHOLD(), km.H_OWNER(), km.H_FREQUENCY(), km.H_METRIC(),
                        km.H_ORIGIN()],
                 [[k.id, str(k.label()), str(km.NO_THRESHOLD()) if k.threshold is None else str(k.threshold),
                   k.owner, str(km.FREQ[k.frequency]()), k.metric,
                   k.origin + (f" ({', '.join(k.changed)})" if k.changed else "")] for k in items])


# --- business units ------------------------------------------------------------------------------------------

@units_app.command("import", help=h(km.HELP_UNITS_IMPORT))
def units_import(file: Annotated[Path, typer.Argument(show_default=False)], tenant: Tenant) -> None:
    from balise.services import units as svc

    volumes = svc.import_units(workspace(), tenant, file)
    months = sorted({v.month for v in volumes})
    render.say(km.UNITS_IMPORTED(n=len(volumes), units=", ".join(sorted({v.unit for v in volumes})),
                                 first=months[0], last=months[-1], tenant=tenant))


@units_app.command("list", help=h(km.HELP_UNITS_LIST))
def units_list(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import units as svc

    items = svc.list_units(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([{"unit": v.unit, "month": v.month, "quantity": v.quantity, "source": v.source}
                        for v in items])
    elif fmt == Output.csv:
        render.as_csv(["month", "unit", "quantity"], [[v.month, v.unit, v.quantity] for v in items])
    elif not items:
        render.say(km.UNITS_NONE(tenant=tenant))
    else:
        render.table(None, [km.H_UNIT(), m.H_PERIODS(), km.H_QUANTITY(), m.H_FILE()],
                     [[v.unit, v.month, number(v.quantity, digits=0), v.source] for v in items], right=(2,))
