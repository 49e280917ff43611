"""The costs explorer: group by provider, service, region, account or tag over a period; drill down to the
resources of a group; export what is shown as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from balise.services import costs as costs_service
from balise.services import views
from balise.web.deps import LangDep, RatesDep, TenantDep, WsDep
from balise.web.i18n import translations
from balise.web.render import page

router = APIRouter(include_in_schema=False)
GROUPS = ("provider", "service", "region", "account", "month")
Month = Annotated[str | None, Query(alias="from", max_length=7)]
MonthTo = Annotated[str | None, Query(alias="to", max_length=7)]
By = Annotated[str, Query(max_length=210)]
Metric = Annotated[str, Query(max_length=20)]
TagFilter = Annotated[str | None, Query(max_length=300)]


def _blank(v: str | None) -> str | None:
    return v.strip() or None if v else None


@router.get("/t/{tenant}/costs")
def explorer(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep, by: By = "service",
             start: Month = None, end: MonthTo = None, metric: Metric = "billed", tag: TagFilter = None
             ) -> HTMLResponse:
    start, end, tag = _blank(start), _blank(end), _blank(tag)
    lines = views.cost_lines(ws, tenant.name, by, start, end, metric, rates, tag)
    total = sum(x.cost for x in lines)
    return page(request, "costs.html", lang, tenant.principal, tenant, active="costs", lines=lines, total=total,
                by=by, start=start or "", end=end or "", metric=metric, groups=GROUPS, tag=tag or "",
                metrics=tuple(costs_service.METRICS), months=views.months(ws, tenant.name),
                tag_keys=("team", "project", "env", "cost-center", "owner"))


@router.get("/t/{tenant}/costs/resources")
def drill(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep, by: By = "service",
          key: Annotated[str | None, Query(max_length=1000)] = None, start: Month = None, end: MonthTo = None,
          metric: Metric = "billed") -> HTMLResponse:
    start, end = _blank(start), _blank(end)
    lines = views.resources(ws, tenant.name, by, key, start, end, metric, rates)
    return page(request, "resources.html", lang, tenant.principal, tenant, active="costs", lines=lines, by=by,
                key=key, start=start or "", end=end or "", metric=metric, total=sum(x.cost for x in lines))


def _table(request: Request, ws: WsDep, rates: RatesDep, tenant: TenantDep, by: str, key: str | None,
           start: str | None, end: str | None, metric: str, resources: bool, lang: str, tag: str | None = None
           ) -> tuple[list[str], list[list[object]], str]:
    _ = translations(lang).gettext  # type: ignore[arg-type]
    if resources:
        rl = views.resources(ws, tenant.name, by, key, start, end, metric, rates)
        return ([_("Resource"), _("Name"), _("Service"), _("Region"), _("Cost (EUR)"), _("Rows")],
                [[x.resource_id or "", x.name or "", x.service or "", x.region or "", round(x.cost, 2), x.rows]
                 for x in rl], "resources")
    cl = views.cost_lines(ws, tenant.name, by, start, end, metric, rates, tag)
    return ([by, _("Cost (EUR)"), _("Rows")], [[x.key or "", round(x.cost, 2), x.rows] for x in cl], "costs")


@router.get("/t/{tenant}/costs/export.{fmt}")
def export(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep, fmt: str,
           by: By = "service", key: Annotated[str | None, Query(max_length=1000)] = None, start: Month = None,
           end: MonthTo = None, metric: Metric = "billed", resources: bool = False, tag: TagFilter = None
           ) -> Response:
    from fastapi import HTTPException

    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404)
    start, end, tag = _blank(start), _blank(end), _blank(tag)
    header, rows, stem = _table(request, ws, rates, tenant, by, key, start, end, metric, resources, lang, tag)
    name = f"{tenant.name}-{stem}-{by.replace(':', '-')}-{start or 'all'}-{end or 'all'}"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(rows)
        return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    return Response(xlsx(header, rows, stem), media_type="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={"content-disposition": f'attachment; filename="{name}.xlsx"'})


def xlsx(header: list[str], rows: list[list[object]], sheet: str) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    ws.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if isinstance(v, float):
                ws.write_number(i, j, v, money)
            elif isinstance(v, int):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    ws.set_column(0, len(header) - 1, 22)
    ws.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
