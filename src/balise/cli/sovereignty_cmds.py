"""`balise sovereignty`, `balise workloads import|list` and `balise compliance-report`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from balise.cli import render
from balise.cli.app import Lang, Output, app, h, workspace
from balise.compliance.packs import categories_text
from balise.i18n import Lang as LangCode
from balise.i18n import current_language, money, percent
from balise.i18n import messages as m
from balise.i18n import sovereignty_messages as sm

Tenant = Annotated[str, typer.Option("--tenant", "-t", help=h(m.HELP_TENANT))]
Fmt = Annotated[Output, typer.Option("--format", "-f", help=h(m.HELP_OUTPUT))]
Month = Annotated[str | None, typer.Option("--month", help=h(m.HELP_MONTH))]

workloads_app = typer.Typer(help=h(sm.HELP_WORKLOADS), no_args_is_help=True, add_completion=False)
app.add_typer(workloads_app, name="workloads")


class ReportFormat(str, Enum):
    html = "html"
    pdf = "pdf"


def _share(value: float | None) -> str:
    return str(sm.NOT_APPLICABLE()) if value is None else percent(value, digits=0)


def _certs(certs: list[dict[str, str]]) -> str:
    return ", ".join(c["label"] if c["status"] == "verified" else str(sm.UNVERIFIED_MARK(name=c["label"]))
                     for c in certs if c["certification"] in ("secnumcloud-3.2", "hds-v2", "bsi-c5")) or "—"


@app.command("sovereignty", help=h(sm.HELP_SOVEREIGNTY))
def sovereignty_cmd(tenant: Tenant, fmt: Fmt = Output.table, month: Month = None) -> None:
    from balise.services import sovereignty as svc

    v = svc.sovereignty(workspace(), tenant, month)
    data = svc.view_json(v)
    if fmt == Output.json:
        render.as_json(data)
        return
    header = [sm.H_WORKLOAD(), sm.H_PROVIDER(), sm.H_REGION(), sm.H_COUNTRY(), sm.H_JURISDICTION(),
              sm.H_CERTIFICATIONS(), sm.H_DATA(), sm.H_MONTHLY(), sm.H_GAPS()]
    rows = [[w["workload"], _mark(w["provider"], w["provider_status"]), _mark(w["region"], w["region_status"]),
             w["country"] or "?", w["jurisdiction"], _certs(w["certifications"]),
             str(categories_text(w["data_categories"], short=True)()) or str(sm.UNCLASSIFIED()),
             money(w["monthly_eur"], "EUR"),
             " ".join(g["code"] for g in w["gaps"]) or "—"] for w in data["workloads"]]
    if fmt == Output.csv:
        render.as_csv([str(x) for x in header], rows)
        return
    b = data["breakdown"]
    render.say(sm.SCORE_LINE(tenant=tenant, score=data["score"], spend=money(data["spend_eur_month"], "EUR"),
                             month=data["month"]))
    render.say(sm.BREAKDOWN_LINE(eu=_share(b["eu_located"]), non_us=_share(b["non_us_exposed"]),
                                 certified=_share(b["certified"]), sensitive=_share(b["sensitive_workloads"]),
                                 unverified=_share(data["unverified_share"])))
    render.table(None, header, rows, right=(7,))
    if not data["gaps"]:
        render.say(sm.NO_GAPS())
        return
    render.table(str(sm.GAPS_TITLE(n=len(data["gaps"]))), ["", sm.R_SEVERITY(), sm.R_STATUS(), sm.R_GAP(),
                                                            sm.R_KIND(), sm.R_REFERENCE()],
                 [[g["code"], _severity(g["severity"]), str(sm.STATUS_SHORT[g["status"]]()), g["title"],
                   _kind(g["kind"]), ", ".join(r["id"] for r in g["references"])] for g in data["gaps"]])


def _mark(name: str | None, status: str | None) -> str:
    return str(sm.UNVERIFIED_MARK(name=name)) if status == "unverified" else str(name or "?")


def _severity(value: str) -> str:
    msg = sm.SEVERITY.get(value)
    return str(msg()) if msg else value


def _kind(kind: str | None) -> str:
    return str({"law": sm.R_KIND_LAW, "official-guidance": sm.R_KIND_GUIDANCE,
                "policy-choice": sm.R_KIND_POLICY}.get(kind or "", sm.NOT_APPLICABLE)())


@workloads_app.command("import", help=h(sm.HELP_WL_IMPORT))
def workloads_import(tenant: Tenant, file: Annotated[Path, typer.Argument(help=h(sm.HELP_WL_FILE))],
                     fmt: Fmt = Output.table) -> None:
    from balise.services import sovereignty as svc

    r = svc.import_workloads(workspace(), tenant, file)
    if fmt == Output.json:
        render.as_json({"tenant": r.tenant, "workloads": r.workloads, "packs": list(r.packs), "replaced": r.replaced})
        return
    render.say(sm.WL_IMPORTED(workloads=r.workloads, tenant=tenant, packs=", ".join(r.packs),
                              replaced=(sm.YES if r.replaced else sm.NO)()))


@workloads_app.command("list", help=h(sm.HELP_WL_LIST))
def workloads_list(tenant: Tenant, fmt: Fmt = Output.table) -> None:
    from balise.services import sovereignty as svc

    cfg, lines = svc.list_workloads(workspace(), tenant)
    if fmt == Output.json:
        render.as_json({"tenant": tenant, "workloads_file": cfg.declared, "packs": list(cfg.packs),
                        "sensitive": list(cfg.sensitive), "classification_tag": cfg.classification_tag,
                        "workloads": [{"name": w.name, "data": list(w.data), "packs": list(w.packs), "match": w.match,
                                       "resources": w.resources, "monthly_eur": w.monthly_eur,
                                       "providers": w.providers} for w in lines]})
        return
    if not cfg.declared:
        render.say(sm.WL_NONE(tenant=tenant, packs=", ".join(cfg.packs), tag=cfg.classification_tag))
        return
    header = [sm.H_WORKLOAD(), sm.H_DATA(), sm.H_PACKS(), sm.H_MATCH(), sm.H_RESOURCES(), sm.H_MONTHLY(),
              sm.H_PROVIDER()]
    rows = [[w.name, ", ".join(w.data), ", ".join(w.packs), _match(w.match), w.resources,
             money(w.monthly_eur, "EUR"), ", ".join(w.providers)] for w in lines]
    if fmt == Output.csv:
        render.as_csv([str(x) for x in header], rows)
        return
    render.table(None, header, rows, right=(4, 5))


def _match(match: dict[str, Any]) -> str:
    parts: list[str] = []
    for k, v in match.items():
        if isinstance(v, dict):
            parts.extend(f"{tk}={'|'.join(tv)}" for tk, tv in v.items())
        else:
            parts.append(f"{k}: {', '.join(map(str, v))}")
    return "; ".join(parts)


@app.command("compliance-report", help=h(sm.HELP_COMPLIANCE_REPORT))
def compliance_report_cmd(
    tenant: Tenant,
    out: Annotated[Path, typer.Option("--out", "-o", help=h(sm.HELP_REPORT_OUT))],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help=h(sm.HELP_REPORT_FORMAT))] = ReportFormat.html,
    lang: Annotated[Lang | None, typer.Option("--lang", help=h(sm.HELP_REPORT_LANG))] = None,
    month: Month = None,
) -> None:
    from balise.services import compliance_report as svc

    code: LangCode = "fr" if (lang.value if lang else current_language()) == "fr" else "en"
    r = svc.write_report(workspace(), tenant, out, fmt=fmt.value, lang=code, month=month)
    render.say(sm.R_WRITTEN(path=str(out), format=fmt.value, lang=code, gaps=r.gaps, score=r.score))


# --- `balise report` hooks ------------------------------------------------------------------------------------

def report_section_json(r: Any) -> dict[str, Any]:
    """This capability's part of `balise report --format json` (keys added at the top level)."""
    s = r.extra.get("sovereignty")
    if s is None:
        return {}
    return {"sovereignty": {k: v for k, v in s.items()}}


def show_report_section(r: Any) -> None:
    """This capability's part of the `balise report` table output."""
    s = r.extra.get("sovereignty")
    if s is None:
        return
    render.say(sm.REPORT_SECTION(score=s["score"], gaps=s["gaps"], critical=s["critical_or_high"],
                                 unclassified=s["unclassified_resources"]))
    for g in s["top_gaps"]:
        title = g["title_fr"] if current_language() == "fr" else g["title_en"]
        render.say(f"  {g['code']} {_severity(g['severity'])}: {title}")
