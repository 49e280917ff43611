"""`balise carbon` (footprint by a dimension), `balise carbon grid …` and `balise carbon renewables …`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, workspace
from balise.errors import UsageError
from balise.i18n import carbon_messages as cm
from balise.i18n import messages as m
from balise.i18n import money, number, percent

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]

carbon_app = typer.Typer(help=h(cm.HELP_CARBON), invoke_without_command=True, add_completion=False)
grid_app = typer.Typer(help=h(cm.HELP_GRID), no_args_is_help=True, add_completion=False)
renewables_app = typer.Typer(help=h(cm.HELP_RENEWABLES), no_args_is_help=True, add_completion=False)
app.add_typer(carbon_app, name="carbon")
carbon_app.add_typer(grid_app, name="grid")
carbon_app.add_typer(renewables_app, name="renewables")


@carbon_app.callback()
def carbon(
    ctx: typer.Context,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))] = None,
    by: Annotated[str, typer.Option("--by", help=h(cm.HELP_BY))] = "month",
    month: Annotated[str | None, typer.Option("--month", help=h(cm.HELP_MONTH))] = None,
    start: Annotated[str | None, typer.Option("--start", "--from", help=h(cm.HELP_START))] = None,
    end: Annotated[str | None, typer.Option("--end", "--to", help=h(cm.HELP_END))] = None,
    rates: Annotated[Path | None, typer.Option("--rates", help=h(m.HELP_RATES))] = None,
    fmt: Fmt = Output.table,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from balise.reference import fx
    from balise.services import carbon as svc

    if tenant is None:
        from balise.i18n import kpis_messages as km
        raise UsageError(km.MISSING_TENANT(command="carbon"))
    if month and (start or end):
        raise UsageError(cm.MONTH_AND_RANGE())
    if month:
        start = end = month
    result = svc.estimate(workspace(), tenant, by, start=start, end=end,
                          rates=fx.from_file(rates) if rates else fx.ecb())
    if fmt == Output.json:
        render.as_json([line_json(x) for x in result.lines])
        return
    if fmt == Output.csv:
        render.as_csv(["key", "kgco2e", "kgco2e_operational", "kgco2e_embodied", "kgco2e_market", "kwh",
                       "cost_eur", "confidence", "methods"],
                      [[x.key, f"{x.kgco2e:.3f}", f"{x.total('operational'):.3f}", f"{x.total('embodied'):.3f}",
                        f"{x.total('market') + x.total('embodied'):.3f}", f"{x.total('kwh'):.3f}",
                        f"{x.total('cost_eur'):.2f}", x.confidence(), " ".join(_methods(x))] for x in result.lines])
        return
    if not result.lines:
        render.say(cm.NO_USAGE(tenant=tenant))
        return
    period = f"{start or '…'} → {end or '…'}" if start or end else str(cm.ALL_PERIODS())
    tot = result.lines
    # the market-based column only when a renewable contract makes it differ from the location-based figures
    market = any(abs(x.total("market") - x.total("operational")) > 1e-9 for x in tot)

    def cells(key: str, kg: float, op: float, emb: float, mk: float, kwh: float, eur: float, conf: str) -> list[str]:
        return [key, number(kg, digits=1), number(op, digits=1), number(emb, digits=1),
                *([number(mk, digits=1)] if market else []), number(kwh, digits=0), money(eur, "EUR"), conf]
    rows = [cells(x.key or str(m.NO_VALUE()), x.kgco2e, x.total("operational"), x.total("embodied"),
                  x.total("market") + x.total("embodied"), x.total("kwh"), x.total("cost_eur"),
                  str(cm.CONF[x.confidence()]())) for x in tot]
    rows.append(cells(str(cm.TOTAL()), sum(x.kgco2e for x in tot), sum(x.total("operational") for x in tot),
                      sum(x.total("embodied") for x in tot),
                      sum(x.total("market") + x.total("embodied") for x in tot), sum(x.total("kwh") for x in tot),
                      sum(x.total("cost_eur") for x in tot), ""))
    header = [cm.H_KEY(), cm.H_KG(), cm.H_OPERATIONAL(), cm.H_EMBODIED(), *([cm.H_MARKET()] if market else []),
              cm.H_KWH(), cm.H_COST(), cm.H_CONFIDENCE()]
    render.table(str(cm.TITLE(tenant=tenant, by=by, period=period)), header, rows,
                 right=tuple(range(1, len(header) - 1)))
    methods: dict[str, float] = {}
    for x in tot:
        for c in x.components.values():
            methods[c.f.method] = methods.get(c.f.method, 0.0) + c.kgco2e
    total = sum(methods.values()) or 1.0
    render.say(cm.METHODS_LINE(methods=", ".join(f"{k} {percent(v / total)}" for k, v in
                                                 sorted(methods.items(), key=lambda kv: -kv[1]))))


def _methods(line: Any) -> list[str]:
    return sorted({c.f.method for c in line.components.values()})


def _r(x: float, digits: int = 4) -> float:
    return round(x, digits)


def component_json(c: Any) -> dict[str, Any]:
    f = c.f
    util = None
    if c.utilisation:
        q = sum(qty for qty, _ in c.utilisation)
        util = {"measured": _r(sum(qty * u for qty, u in c.utilisation) / q) if q else None,
                "measured_quantity": _r(q, 3), "default": 0.5,
                "default_quantity": _r(max(c.quantity - q, 0.0), 3)}
    elif f.kind in ("compute", "serverless"):
        util = {"measured": None, "default": 0.5, "default_quantity": _r(c.quantity, 3)}
    return {
        "provider": c.profile.provider, "service": c.profile.service, "region": c.profile.region,
        "sku": c.profile.sku, "description": c.profile.description, "unit": c.profile.unit,
        "instance_type": f.instance_type, "method": f.method, "confidence": f.confidence,
        "quantity": _r(c.quantity, 3), "cost_eur": _r(c.cost_eur, 2), "rows": c.rows, "kwh": _r(c.kwh),
        "kgco2e": _r(c.kgco2e), "kgco2e_operational": _r(c.operational), "kgco2e_embodied": _r(c.embodied),
        "kgco2e_market_operational": _r(c.market), "utilisation": util,
        "factors": {**f.factors,
                    "pue": None if f.pue is None else {"value": f.pue.value, "year": f.pue.year,
                                                       "source": f.pue.source, "default": f.pue.default},
                    "grid": None if f.grid is None else {"gco2e_per_kwh": f.grid.g_per_kwh, "year": f.grid.year,
                                                         "source": f.grid.source, "scope": f.grid.scope,
                                                         "zone": f.grid.zone},
                    "renewable_share": f.renewable_share, "renewable_source": f.renewable_source},
        "year": None if f.grid is None else f.grid.year,
    }


def line_json(x: Any) -> dict[str, Any]:
    return {"key": x.key, "kgco2e": _r(x.kgco2e), "kgco2e_operational": _r(x.total("operational")),
            "kgco2e_embodied": _r(x.total("embodied")),
            "kgco2e_market": _r(x.total("market") + x.total("embodied")), "kwh": _r(x.total("kwh")),
            "kwh_facility": _r(x.total("facility_kwh")), "cost_eur": _r(x.total("cost_eur"), 2),
            "confidence": x.confidence(), "methods": _methods(x), "location_based": True,
            "estimates": [component_json(c) for c in sorted(x.components.values(), key=lambda c: -c.kgco2e)]}


# --- grid ---------------------------------------------------------------------------------------------------

@grid_app.command("import", help=h(cm.HELP_GRID_IMPORT))
def grid_import(file: Annotated[Path, typer.Argument(show_default=False)], tenant: Tenant) -> None:
    from balise.services import carbon as svc

    got = svc.import_grid(workspace(), tenant, file)
    render.say(cm.GRID_IMPORTED(n=len(got), tenant=tenant))


@grid_app.command("list", help=h(cm.HELP_GRID_LIST))
def grid_list(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import carbon as svc

    items = svc.grid_overrides(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([o.__dict__ for o in items])
    elif not items:
        render.say(cm.GRID_NONE(tenant=tenant))
    else:
        render.table(None, [cm.H_ZONE(), cm.H_FACTOR(), cm.H_YEAR(), cm.H_SOURCE()],
                     [[o.zone, number(o.g_per_kwh, digits=1), o.year, o.source] for o in items], right=(1,))


@grid_app.command("reset", help=h(cm.HELP_GRID_RESET))
def grid_reset(tenant: Tenant) -> None:
    from balise.services import carbon as svc

    svc.reset_grid(workspace(), tenant)
    render.say(cm.GRID_RESET(tenant=tenant))


@grid_app.command("fetch", help=h(cm.HELP_GRID_FETCH))
def grid_fetch(
    tenant: Tenant,
    zone: Annotated[list[str], typer.Option("--zone", help=h(cm.HELP_ZONE))],
    token: Annotated[str | None, typer.Option("--token", help=h(cm.HELP_TOKEN))] = None,
    url: Annotated[str | None, typer.Option("--url", hidden=True)] = None,
) -> None:
    from balise.services import carbon as svc

    got = svc.fetch_electricitymaps(workspace(), tenant, zone, token or os.environ.get("ELECTRICITYMAPS_TOKEN", ""),
                                    base_url=url)
    for o in got:
        render.say(cm.GRID_FETCHED(zone=o.zone, value=number(o.g_per_kwh, digits=1), when=o.source.split(", ")[-1],
                                   tenant=tenant))


# --- renewables ---------------------------------------------------------------------------------------------

@renewables_app.command("set", help=h(cm.HELP_REN_SET))
def ren_set(
    tenant: Tenant,
    provider: Annotated[str, typer.Option("--provider", help=h(cm.HELP_PROVIDER))],
    share: Annotated[float, typer.Option("--share", help=h(cm.HELP_SHARE))],
    source: Annotated[str, typer.Option("--source", help=h(cm.HELP_SOURCE))],
    region: Annotated[str | None, typer.Option("--region", help=h(cm.HELP_REGION))] = None,
) -> None:
    from balise.services import carbon as svc

    c = svc.set_renewable(workspace(), tenant, provider, share, source, region)
    render.say(cm.REN_SET(provider=c.provider, region=c.region or str(cm.ALL_REGIONS()), share=percent(c.share),
                          source=c.source))


@renewables_app.command("list", help=h(cm.HELP_REN_LIST))
def ren_list(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import carbon as svc

    items = svc.renewables(workspace(), tenant)
    if fmt == Output.json:
        render.as_json([c.__dict__ for c in items])
    elif not items:
        render.say(cm.REN_NONE(tenant=tenant))
    else:
        render.table(None, [cm.H_PROVIDER(), cm.H_REGION(), cm.H_SHARE(), cm.H_SOURCE()],
                     [[c.provider, c.region or str(cm.ALL_REGIONS()), percent(c.share), c.source] for c in items])


@renewables_app.command("remove", help=h(cm.HELP_REN_REMOVE))
def ren_remove(
    tenant: Tenant,
    provider: Annotated[str, typer.Option("--provider", help=h(cm.HELP_PROVIDER))],
    region: Annotated[str | None, typer.Option("--region", help=h(cm.HELP_REGION))] = None,
) -> None:
    from balise.services import carbon as svc

    render.say(cm.REN_REMOVED() if svc.remove_renewable(workspace(), tenant, provider, region) else cm.REN_NOT_FOUND())


# --- report hooks -------------------------------------------------------------------------------------------

def _round_section(c: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in c.items():
        if isinstance(v, float):
            out[k] = round(v, 3)
        elif isinstance(v, list):
            out[k] = [{kk: round(vv, 3) if isinstance(vv, float) else vv for kk, vv in x.items()} for x in v]
        else:
            out[k] = v
    return out


def report_section_json(r: Any) -> dict[str, Any]:
    """This capability's part of `balise report --format json` (keys added at the top level)."""
    c = r.extra.get("carbon")
    return {"carbon": _round_section(c)} if c else {}


def show_report_section(r: Any) -> None:
    """This capability's part of the `balise report` table output."""
    c = r.extra.get("carbon")
    if not c:
        return
    render.say(cm.REPORT_CARBON(kg=number(c["kgco2e"], digits=1), operational=number(c["kgco2e_operational"],
                                                                                        digits=1),
                                embodied=number(c["kgco2e_embodied"], digits=1), cost=money(c["usage_cost_eur"], "EUR"),
                                kwh=number(c["kwh"], digits=0),
                                per_keur="—" if c["kg_per_keur"] is None else number(c["kg_per_keur"], digits=2)))
    if c.get("previous_kgco2e") is not None:
        render.say(cm.REPORT_CARBON_PREVIOUS(kg=number(c["previous_kgco2e"], digits=1)))
    render.say(cm.REPORT_CARBON_MORE(tenant=r.tenant, month=c["month"]))
