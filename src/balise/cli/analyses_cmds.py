"""`balise anomalies`, `balise forecast`, `balise commitments`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.cli.kpis_cmds import rates_line
from balise.i18n import kpis_messages as km
from balise.i18n import messages as m
from balise.i18n import money, number, percent

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]
By = Annotated[str, typer.Option("--by", help=h(km.HELP_ANALYSIS_BY))]


def _rates(path: Path | None) -> Any:
    from balise.reference import fx
    return fx.from_file(path) if path else fx.ecb()


def _money(x: float, cur: str | None) -> str:
    return money(x, cur or "EUR")


# --- anomalies -------------------------------------------------------------------------------------------------

def anomalies_json(rep: Any) -> dict[str, Any]:
    return {
        "tenant": rep.tenant, "by": rep.by, "period": {"start": rep.start.isoformat(), "end": rep.end.isoformat()},
        "spikes": [{
            "key": a.key.key[0], "label": rep.label(a.key), "currency": a.key.currency,
            "start": a.start.isoformat(), "end": a.end.isoformat(), "expected": round(a.expected, 2),
            "actual": round(a.actual, 2), "excess": round(a.excess, 2), "score": round(a.score, 2),
            "days": [{"day": d.day.isoformat(), "expected": round(d.expected, 2), "actual": round(d.actual, 2),
                      "score": round(d.score, 2)} for d in a.days],
            "contributors": [{"resource_id": c.resource_id, "resource_name": c.resource_name,
                              "expected": round(c.expected, 2), "actual": round(c.actual, 2),
                              "excess": round(c.excess, 2)} for c in a.contributors]} for a in rep.spikes],
        "drifts": [{
            "key": d.key.key[0], "label": rep.label(d.key), "currency": d.key.currency,
            "since": d.since.isoformat(), "confirmed": d.confirmed.isoformat(), "before": round(d.before, 2),
            "after": round(d.after, 2), "change": round(d.change, 2), "share": round(d.share, 4)}
            for d in rep.drifts],
    }


@app.command(help=h(km.HELP_ANOMALIES))
def anomalies(
    tenant: Tenant,
    by: By = "service",
    start: Annotated[str | None, typer.Option("--from", help=h(m.HELP_FROM))] = None,
    end: Annotated[str | None, typer.Option("--to", help=h(m.HELP_TO))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import analyses as svc

    rep = svc.anomalies(workspace(), tenant, by, start=start, end=end)
    if fmt == Output.json:
        render.as_json(anomalies_json(rep))
        return
    if fmt == Output.csv:
        render.as_csv(["kind", "key", "currency", "start", "end", "expected", "actual", "excess", "top_contributor"],
                      [["spike", a.key.key[0], a.key.currency, a.start, a.end, f"{a.expected:.2f}",
                        f"{a.actual:.2f}", f"{a.excess:.2f}",
                        a.contributors[0].resource_name if a.contributors else ""] for a in rep.spikes]
                      + [["drift", d.key.key[0], d.key.currency, d.since, d.confirmed, f"{d.before:.2f}",
                          f"{d.after:.2f}", f"{d.change:.2f}", ""] for d in rep.drifts])
        return
    title = km.ANOMALIES_TITLE(tenant=tenant, by=by, start=rep.start.isoformat(), end=rep.end.isoformat())
    if not rep.spikes:
        render.say(km.NO_SPIKES(period=f"{rep.start} → {rep.end}"))
    else:
        rows = [[rep.label(a.key), f"{a.start.isoformat()} → {a.end.isoformat()}",
                 _money(a.expected, a.key.currency), _money(a.actual, a.key.currency),
                 "+" + _money(a.excess, a.key.currency)] for a in rep.spikes]
        render.table(str(title), [km.H_KEY(), km.H_DAYS(), km.H_EXPECTED(), km.H_ACTUAL(), km.H_EXCESS()], rows,
                     right=(2, 3, 4))
        render.say(km.H_CONTRIBUTORS())
        for a in rep.spikes:
            top = ", ".join(f"{c.resource_name or c.resource_id} (+{_money(c.excess, a.key.currency)})"
                            for c in a.contributors[:3] if c.excess > 0) or "—"
            render.say(km.CONTRIBUTOR_LINE(key=rep.label(a.key), start=a.start.isoformat(), resources=top))
    if rep.drifts:
        render.table(str(km.DRIFTS_TITLE()), [km.H_KEY(), km.H_SINCE(), km.H_CONFIRMED(), km.H_BEFORE(),
                                             km.H_AFTER(), km.H_CHANGE()],
                     [[rep.label(d.key), d.since.isoformat(), d.confirmed.isoformat(),
                       _money(d.before, d.key.currency), _money(d.after, d.key.currency),
                       ("+" if d.change >= 0 else "") + _money(d.change, d.key.currency)] for d in rep.drifts],
                     right=(3, 4, 5))


# --- forecast --------------------------------------------------------------------------------------------------

def _fc_json(f: Any) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"period_start": f.period_start.isoformat(), "period_end": f.period_end.isoformat(),
            "as_of": f.as_of.isoformat(), "actual": round(f.actual, 2), "forecast": round(f.point, 2),
            "low": round(f.low, 2), "high": round(f.high, 2), "level": f.level, "missing_days": f.missing_days,
            "method": f.method}


def forecast_json(rep: Any) -> dict[str, Any]:
    from balise.kpis.data import rate_json

    out = []
    for k in rep.forecasts:
        item: dict[str, Any] = {"key": k.key, "label": k.label, "month_end": _fc_json(k.month_end),
                                "year_end": _fc_json(k.year_end), "reason": k.reason}
        if k.backtest is not None:
            bt = k.backtest
            item["backtest"] = {"forecasts": len(bt.cases), "mape": round(bt.mape, 6), "mae": round(bt.mae, 2),
                                "coverage": round(bt.coverage, 4), "naive_mape": round(bt.naive_mape, 6),
                                "months": sorted({c.month for c in bt.cases}),
                                "by_origin_day": {str(d): {"mape": round(a, 6), "coverage": round(b, 4)}
                                                  for d, (a, b) in bt.by_origin().items()}}
        out.append(item)
    return {"tenant": rep.tenant, "by": rep.by, "as_of": rep.as_of.isoformat(), "currency": rep.currency,
            "forecasts": out, "rates": [rate_json(r) for r in rep.rates]}


@app.command(help=h(km.HELP_FORECAST))
def forecast(
    tenant: Tenant,
    by: By = "total",
    month: Annotated[str | None, typer.Option("--month", help=h(km.HELP_FORECAST_MONTH))] = None,
    backtest: Annotated[bool, typer.Option("--backtest", help=h(km.HELP_BACKTEST))] = False,
    top: Annotated[int, typer.Option("--top", min=1, help=h(km.HELP_TOP))] = 10,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import analyses as svc

    rep = svc.forecasts(workspace(), tenant, by, month=month, backtest=backtest, top=top, rates=_rates(rates))
    if fmt == Output.json:
        render.as_json(forecast_json(rep))
        return
    if fmt == Output.csv:
        rows = []
        for k in rep.forecasts:
            for name, f in (("month_end", k.month_end), ("year_end", k.year_end)):
                if f is not None:
                    rows.append([k.key, name, f.period_start, f.period_end, f"{f.actual:.2f}", f"{f.point:.2f}",
                                 f"{f.low:.2f}", f"{f.high:.2f}", "EUR"])
        render.as_csv(["key", "horizon", "period_start", "period_end", "actual", "forecast", "low", "high",
                       "currency"], rows)
        return
    rows = []
    for k in rep.forecasts:
        if k.month_end is None or k.year_end is None:
            rows.append([k.label, "—", "—", "—", "—", k.reason or ""])
            continue
        me, ye = k.month_end, k.year_end
        rows.append([k.label, f"{me.period_start:%Y-%m}", money(me.point, "EUR"),
                     f"{money(me.low, 'EUR')} – {money(me.high, 'EUR')}", money(ye.point, "EUR"),
                     f"{money(ye.low, 'EUR')} – {money(ye.high, 'EUR')}"])
    render.table(str(km.FORECAST_TITLE(tenant=tenant, by=by, as_of=rep.as_of.isoformat())),
                 [km.H_KEY(), km.H_MONTH(), km.H_MONTH_END(), km.H_INTERVAL(), km.H_YEAR_END(), km.H_INTERVAL()],
                 rows, right=(2, 3, 4, 5))
    if backtest:
        bt_rows = [[k.label, number(len(k.backtest.cases)), percent(k.backtest.mape, digits=2),
                    money(k.backtest.mae, "EUR"), percent(k.backtest.coverage, digits=0),
                    percent(k.backtest.naive_mape, digits=2)]
                   for k in rep.forecasts if k.backtest is not None]
        render.table(str(km.BACKTEST_TITLE()), [km.H_KEY(), km.H_FORECASTS(), "MAPE", "MAE", km.H_COVERAGE80(),
                                                km.H_NAIVE()], bt_rows, right=(1, 2, 3, 4, 5))
    render.say(km.FORECAST_NOTE())
    if rep.rates:
        render.say(rates_line(rep.rates))


# --- commitments -----------------------------------------------------------------------------------------------

@app.command(help=h(km.HELP_COMMITMENTS))
def commitments(
    tenant: Tenant,
    month: Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))] = None,
    start: Annotated[str | None, typer.Option("--from", help=h(m.HELP_FROM))] = None,
    end: Annotated[str | None, typer.Option("--to", help=h(m.HELP_TO))] = None,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    from balise.services import analyses as svc

    rep = svc.commitments(workspace(), tenant, month=month, start=start, end=end, rates=_rates(rates))
    if fmt == Output.json:
        render.as_json(svc.commitments_json(rep))
        return
    if fmt == Output.csv:
        render.as_csv(["commitment", "name", "currency", "period", "utilisation", "quantity_utilisation",
                       "unused_cost", "purchased_cost"],
                      [[c.commitment_id, c.name, c.currency, c.period, _ratio(c.utilisation.value, raw=True),
                        _ratio(c.quantity_utilisation.value, raw=True), f"{c.unused_cost:.2f}",
                        f"{c.purchased_cost:.2f}"] for c in rep.commitments])
        return
    rows = [[p.currency, _ratio(p.utilisation.value), _ratio(p.coverage.value), _ratio(p.savings_rate.value),
             money(p.unused_cost, p.currency), money(p.purchased_cost, p.currency)] for p in rep.per_currency]
    rows.append([str(km.ALL_IN_EUR()), _ratio(rep.eur["utilisation"].value), _ratio(rep.eur["coverage"].value),
                 _ratio(rep.eur["savings_rate"].value), "", ""])
    render.table(str(km.COMMITMENTS_TITLE(tenant=tenant, period=rep.period)),
                 [m.H_CURRENCY(), km.H_UTILISATION(), km.H_COVERAGE(), km.H_SAVINGS(), km.H_UNUSED(),
                  km.H_PURCHASED()], rows, right=(1, 2, 3, 4, 5))
    if rep.commitments:
        render.table(None, [km.H_COMMITMENT(), km.H_CATEGORY(), km.H_UTILISATION(), km.H_QTY_UTILISATION(),
                            km.H_UNUSED(), km.H_PURCHASED()],
                     [[c.name or c.commitment_id, c.category or "—", _ratio(c.utilisation.value),
                       _ratio(c.quantity_utilisation.value), money(c.unused_cost, c.currency),
                       money(c.purchased_cost, c.currency)] for c in rep.commitments], right=(2, 3, 4, 5))
    else:
        render.say(km.NO_COMMITMENTS(period=rep.period))
    render.say(km.COMMITMENTS_NOTE())
    if rep.rates:
        render.say(rates_line(rep.rates))


def _ratio(v: float | None, raw: bool = False) -> str:
    if v is None:
        return "" if raw else "—"
    return f"{v:.6f}" if raw else percent(v)
