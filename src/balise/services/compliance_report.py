"""The compliance report a DPO hands to management or an auditor: HTML or PDF, French or English.

One ``ReportData`` (built once) feeds both renderers: the HTML page (``templates/compliance_report.html``)
and the PDF (ReportLab, drawn from the same data, never converted from the HTML). Sections: summary (score,
packs), where the data lives, gaps with their legal references and compliant alternatives, posture controls
with evidence and owners (from ``balise.services.posture.controls`` when that capability is installed), and
what changed since the tenant's previous report (``compliance_reports`` table: each report issued stores its
snapshot there).
"""

from __future__ import annotations

import html
import os
import string
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select

from balise.compliance.packs import categories_text
from balise.errors import UsageError
from balise.i18n import Lang, Msg, money, percent
from balise.i18n import sovereignty_messages as sm
from balise.reference.sovereignty import CERTIFICATIONS
from balise.services import sovereignty as sov
from balise.services.workspace import Workspace
from balise.state.models import ComplianceReport

FORMATS = ("html", "pdf")
SEVERITIES = sm.SEVERITY
STATUSES = {"FAIL": sm.ST_FAIL, "UNKNOWN": sm.ST_UNKNOWN, "PASS": sm.ST_PASS, "SKIPPED": sm.ST_SKIPPED}
CONTROL_STATUSES = {"fail": sm.ST_FAIL, "unknown": sm.ST_UNKNOWN, "pass": sm.ST_PASS}
_KINDS = {"law": sm.R_KIND_LAW, "official-guidance": sm.R_KIND_GUIDANCE, "policy-choice": sm.R_KIND_POLICY}


@dataclass
class ReportData:
    tenant: str
    lang: Lang
    issued: datetime
    period: dict[str, str]
    score: int
    breakdown: dict[str, float | None]
    unverified_share: float
    packs: list[str]
    locations: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    controls: list[dict[str, Any]] | None  # None: the posture capability gives no controls
    changes: dict[str, Any] | None  # None: first report
    snapshot: dict[str, Any]


@dataclass
class ReportResult:
    path: Path
    score: int
    gaps: int
    controls: int | None


def _t(msg: Msg, lang: Lang, **args: Any) -> str:
    return msg.render(lang, **args)


def _posture_controls(ws: Workspace, tenant: str, lang: Lang) -> list[dict[str, Any]] | None:
    try:
        from balise.services import posture
        views = posture.controls(ws, tenant)
    except (ImportError, AttributeError, NotImplementedError):
        return None
    if not views:
        return None
    out = []
    for c in views:
        e = c.evidence
        out.append({
            "code": c.code, "title": c.title.render(lang), "status": str(c.status), "reason": c.reason.render(lang),
            "owner": c.owner, "raci": {k: list(v) for k, v in c.raci.items()}, "raci_source": c.raci_source,
            "freshness_days": c.freshness_days, "due": c.due.isoformat() if c.due else None,
            "evidence": None if e is None else {"date": e.date.isoformat(), "by": e.by, "link": e.link,
                                                "file_name": e.file_name, "sha256": e.sha256, "origin": e.origin},
            "references": list(c.references)})
    return out


def _previous(ws: Workspace, tenant: str) -> ComplianceReport | None:
    tid = ws.tenant(tenant).id
    with ws.session() as s:
        return s.scalar(select(ComplianceReport).where(ComplianceReport.tenant_id == tid)
                        .order_by(ComplianceReport.created_at.desc(), ComplianceReport.id.desc()).limit(1))


def build(ws: Workspace, tenant: str, lang: Lang, month: str | None = None) -> ReportData:
    from balise.services.findings import list_findings

    v = sov.sovereignty(ws, tenant, month)
    data = sov.view_json(v)
    # What people decided about each gap (acknowledged, suppressed with a reason): `balise findings ack|suppress`
    decided = {x.fingerprint: x for x in list_findings(ws, tenant, domain="sovereignty",
                                                       fingerprints=[f.fingerprint for f in v.gaps])}
    gaps = []
    for f in v.gaps:
        alt = f.evidence.get("alternative")
        d = decided.get(f.fingerprint)
        gaps.append({
            "code": f.code, "fingerprint": f.fingerprint, "severity": f.severity.value, "status": f.status.value,
            "severity_label": _t(SEVERITIES[f.severity.value], lang),
            "status_label": _t(STATUSES[f.status.value], lang),
            "subject": f.subject.name or f.subject.id, "title": f.title.render(lang),
            "remediation": f.remediation.render(lang), "kind": f.evidence.get("kind"),
            "kind_label": _t(_KINDS.get(f.evidence.get("kind") or "", sm.NOT_APPLICABLE), lang),
            "references": [{"id": r["id"], "text": r["text_fr"] if lang == "fr" else r["text_en"], "url": r["url"]}
                           for r in f.evidence.get("references", [])],
            "alternative": _alt(alt, lang),
            "decision": _decision(d, lang)})
    controls = _posture_controls(ws, tenant, lang)
    snapshot = {"score": v.score, "breakdown": data["breakdown"], "period": v.period,
                "gaps": {g["fingerprint"]: {"code": g["code"], "title_en": f.title.render("en"),
                                            "title_fr": f.title.render("fr")}
                          for g, f in zip(gaps, v.gaps, strict=True)},
                "controls": {c["code"]: c["status"] for c in controls or []}}
    prev = _previous(ws, tenant)
    changes = None
    if prev is not None:
        before = prev.snapshot or {}
        old, new = before.get("gaps", {}), snapshot["gaps"]
        key = "title_fr" if lang == "fr" else "title_en"
        changes = {"date": prev.created_at.date().isoformat(), "score_before": before.get("score"),
                   "score_after": v.score,
                   "new": [new[k][key] for k in new if k not in old],
                   "closed": [old[k][key] for k in old if k not in new],
                   "controls": {k: (before.get("controls", {}).get(k), s) for k, s in snapshot["controls"].items()
                                if before.get("controls", {}).get(k) != s}}
    return ReportData(tenant, lang, datetime.now(UTC).replace(tzinfo=None), v.period, v.score, data["breakdown"],
                      data["unverified_share"], data["packs"], data["workloads"], gaps, controls, changes, snapshot)


def _decision(d: Any, lang: Lang) -> str | None:
    """"acknowledged: reason" / "suppressed until …: reason" for a stored finding someone decided about."""
    if d is None or d.lifecycle == "open":
        return None
    msg = {"acknowledged": sm.R_ACKNOWLEDGED, "suppressed": sm.R_SUPPRESSED, "resolved": sm.R_RESOLVED}.get(d.lifecycle)
    if msg is None:
        return None
    until = d.suppressed_until.isoformat() if d.suppressed_until else "—"
    return _t(msg, lang, reason=d.reason or "—", until=until)


def _alt(alt: dict[str, Any] | None, lang: Lang) -> str:
    if not alt:
        return "—"
    from balise.rules.sovereignty_rules import alt_text

    text = alt_text(alt).render(lang)
    note = str(alt.get("note_fr") if lang == "fr" else alt.get("note") or "")
    return f"{text} — {note}" if note else text


def _cert_label(c: dict[str, str], lang: Lang) -> str:
    label = CERTIFICATIONS.get(c["certification"], c["certification"])
    return label if c["status"] == "verified" else _t(sm.UNVERIFIED_MARK, lang, name=label)


def _share(value: float | None, lang: Lang) -> str:
    return _t(sm.NOT_APPLICABLE, lang) if value is None else percent(value, lang, 0)


# --- shared rows (both renderers show the same cells) ---------------------------------------------------------

def location_rows(d: ReportData) -> tuple[list[str], list[list[str]]]:
    lang = d.lang
    header = [_t(x, lang) for x in (sm.H_WORKLOAD, sm.H_PROVIDER, sm.H_REGION, sm.H_COUNTRY, sm.H_JURISDICTION,
                                    sm.H_CERTIFICATIONS, sm.H_DATA, sm.H_MONTHLY, sm.H_GAPS)]
    rows = []
    for w in d.locations:
        provider = w["provider_name"] or w["provider"]
        if w["provider_status"] == "unverified":
            provider = _t(sm.UNVERIFIED_MARK, lang, name=provider)
        region = f"{w['region']} ({w['city']})" if w.get("city") else str(w["region"])
        if w["region_status"] == "unverified":
            region = _t(sm.UNVERIFIED_MARK, lang, name=region)
        certs = ", ".join(_cert_label(c, lang) for c in w["certifications"]) or "—"
        data = categories_text(w["data_categories"]).render(lang) or _t(sm.UNCLASSIFIED, lang)
        rows.append([w["workload"], provider, region, w["country"] or "?", w["jurisdiction"], certs,
                     data, money(w["monthly_eur"], "EUR", lang),
                     " ".join(g["code"] for g in w["gaps"]) or "—"])
    return header, rows


def control_rows(d: ReportData) -> tuple[list[str], list[list[str]]]:
    lang = d.lang
    header = [_t(sm.R_CONTROL, lang), _t(sm.R_STATUS, lang), _t(sm.R_EVIDENCE, lang), _t(sm.R_OWNER, lang)]
    rows = []
    for c in d.controls or []:
        e = c["evidence"]
        if e is None:
            evidence = _t(sm.R_NONE, lang)
        else:
            proof = e.get("link") or (f"{e['file_name']} sha256:{(e.get('sha256') or '')[:16]}…" if e.get("file_name")
                                      else "")
            evidence = f"{e['date']} · {e['by']}" + (f" · {proof}" if proof else "") + f" ({e['origin']})"
        raci = c["raci"]
        owner = f"R: {', '.join(raci.get('R', [])) or '—'} / A: {', '.join(raci.get('A', [])) or '—'}"
        status = _t(CONTROL_STATUSES.get(c["status"], sm.NOT_APPLICABLE), lang)
        rows.append([f"{c['code']} {c['title']}", f"{status} — {c['reason']}", evidence, owner])
    return header, rows


# --- HTML -----------------------------------------------------------------------------------------------------

def _table(header: list[str], rows: list[list[str]], num: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=num' if i in num else ''}>{html.escape(str(c))}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(d: ReportData) -> str:
    lang = d.lang
    e = html.escape
    b = d.breakdown
    parts = [f"<h2>{e(_t(sm.R_SUMMARY, lang))}</h2>",
             f"<p class=score>{e(_t(sm.R_SCORE, lang, score=d.score))}</p>",
             "<p>" + e(_t(sm.BREAKDOWN_LINE, lang, eu=_share(b['eu_located'], lang),
                          non_us=_share(b['non_us_exposed'], lang), certified=_share(b['certified'], lang),
                          sensitive=_share(b['sensitive_workloads'], lang),
                          unverified=_share(d.unverified_share, lang))) + "</p>",
             f"<p>{e(_t(sm.R_PACKS, lang, packs=', '.join(d.packs)))}</p>",
             f"<h2>{e(_t(sm.R_LOCATION, lang))}</h2>", _table(*location_rows(d), num=(7,)),
             f"<p class=unverified>{e(_t(sm.R_UNVERIFIED_NOTE, lang))}</p>",
             f"<h2>{e(_t(sm.R_GAPS, lang))}</h2>"]
    if not d.gaps:
        parts.append(f"<p>{e(_t(sm.NO_GAPS, lang))}</p>")
    else:
        gap_rows: list[str] = []
        for g in d.gaps:
            refs = "".join(f"<li>{e(r['id'])}: {e(r['text'])}"
                           + (f" <a href=\"{e(r['url'])}\">{e(r['url'])}</a>" if r["url"] else "") + "</li>"
                           for r in g["references"])
            gap_rows.append(f"<tr><td>{e(g['code'])}</td><td class=\"sev-{e(g['severity'])}\">"
                        f"{e(g['severity_label'])}<br>{e(g['status_label'])}"
                        + (f"<br><i>{e(g['decision'])}</i>" if g["decision"] else "") + "</td>"
                        f"<td><b>{e(g['title'])}</b><br>{e(g['remediation'])}</td>"
                        f"<td><span class=kind>{e(g['kind_label'])}</span><ul class=refs>{refs}</ul></td>"
                        f"<td>{e(g['alternative'])}</td></tr>")
        head = "".join(f"<th>{e(x)}</th>" for x in ("", _t(sm.R_SEVERITY, lang), _t(sm.R_GAP, lang),
                                                    _t(sm.R_REFERENCE, lang), _t(sm.R_ALTERNATIVE, lang)))
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(gap_rows)}</tbody></table>")
    parts.append(f"<h2>{e(_t(sm.R_CONTROLS, lang))}</h2>")
    if d.controls is None:
        parts.append(f"<p>{e(_t(sm.R_NO_POSTURE, lang))}</p>")
    else:
        header, rows = control_rows(d)
        body = "".join("<tr>" + "".join(
            f"<td class=\"st-{e(c['status'])}\">{e(cell)}</td>" if i == 1 else f"<td>{e(cell)}</td>"
            for i, cell in enumerate(r)) + "</tr>" for r, c in zip(rows, d.controls, strict=True))
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) +
                     f"</tr></thead><tbody>{body}</tbody></table>")
    parts.append(f"<h2>{e(_t(sm.R_CHANGES, lang))}</h2>")
    parts.extend(f"<p>{e(line)}</p>" for line in change_lines(d))
    template = string.Template(resources.files("balise.services").joinpath(
        "templates", "compliance_report.html").read_text(encoding="utf-8"))
    return template.substitute(lang=lang, title=e(_t(sm.R_TITLE, lang, tenant=d.tenant)),
                               issued=e(issued_line(d)), body="\n".join(parts),
                               footer=e(_t(sm.R_UNVERIFIED_NOTE, lang)))


def issued_line(d: ReportData) -> str:
    return _t(sm.R_ISSUED, d.lang, date=d.issued.strftime("%Y-%m-%d %H:%M UTC"), start=d.period["start"],
              end=d.period["end"])


def change_lines(d: ReportData) -> list[str]:
    lang = d.lang
    c = d.changes
    if c is None:
        return [_t(sm.R_FIRST, lang)]
    lines = [_t(sm.R_SINCE, lang, date=c["date"], before=c["score_before"], after=c["score_after"],
                new=len(c["new"]), closed=len(c["closed"]))]
    lines += [_t(sm.R_NEW_GAP, lang, title=t) for t in c["new"]]
    lines += [_t(sm.R_CLOSED_GAP, lang, title=t) for t in c["closed"]]
    lines += [f"{code}: {before or '—'} → {after}" for code, (before, after) in c["controls"].items()]
    return lines


# --- PDF ------------------------------------------------------------------------------------------------------

_PDF_CHARS = str.maketrans({"\u202f": "\u00a0", "→": "->", "≥": ">=", "≤": "<="})


def _pdf_text(text: str) -> str:
    """Helvetica (a PDF base font, no font file needed) encodes cp1252: map the few other characters we use."""
    out = str(text).translate(_PDF_CHARS)
    return html.escape(out.encode("cp1252", "replace").decode("cp1252"))


def render_pdf(d: ReportData, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    lang = d.lang
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    body = styles["BodyText"].clone("body", fontSize=9, leading=11)
    p = (lambda text, style=small: Paragraph(_pdf_text(text), style))  # noqa: E731
    width = landscape(A4)[0] - 3 * cm

    def table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        t = Table([[p(h) for h in header]] + [[p(c) for c in r] for r in rows], repeatRows=1,
                  colWidths=[w * width for w in widths])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8d0da")),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    b = d.breakdown
    story: list[Any] = [p(_t(sm.R_TITLE, lang, tenant=d.tenant), styles["Title"]), p(issued_line(d), small),
                        Spacer(1, 6), p(_t(sm.R_SUMMARY, lang), styles["Heading2"]),
                        p(_t(sm.R_SCORE, lang, score=d.score), styles["Heading3"]),
                        p(_t(sm.BREAKDOWN_LINE, lang, eu=_share(b['eu_located'], lang),
                             non_us=_share(b['non_us_exposed'], lang), certified=_share(b['certified'], lang),
                             sensitive=_share(b['sensitive_workloads'], lang),
                             unverified=_share(d.unverified_share, lang)), body),
                        p(_t(sm.R_PACKS, lang, packs=", ".join(d.packs)), body),
                        p(_t(sm.R_LOCATION, lang), styles["Heading2"]),
                        table(*location_rows(d), [.12, .12, .13, .05, .09, .17, .13, .09, .10]),
                        p(_t(sm.R_UNVERIFIED_NOTE, lang), small),
                        p(_t(sm.R_GAPS, lang), styles["Heading2"])]
    if d.gaps:
        rows = [[g["code"], f"{g['severity_label']} / {g['status_label']}"
                 + (f" — {g['decision']}" if g["decision"] else ""), f"{g['title']}. {g['remediation']}",
                 g["kind_label"] + ": " + "; ".join(f"{r['id']}: {r['text']}" + (f" ({r['url']})" if r["url"] else "")
                                                   for r in g["references"]), g["alternative"]] for g in d.gaps]
        story.append(table(["", _t(sm.R_SEVERITY, lang), _t(sm.R_GAP, lang), _t(sm.R_REFERENCE, lang),
                            _t(sm.R_ALTERNATIVE, lang)], rows, [.06, .08, .32, .32, .22]))
    else:
        story.append(p(_t(sm.NO_GAPS, lang), body))
    story.append(p(_t(sm.R_CONTROLS, lang), styles["Heading2"]))
    if d.controls is None:
        story.append(p(_t(sm.R_NO_POSTURE, lang), body))
    else:
        story.append(table(*control_rows(d), [.28, .28, .28, .16]))
    story.append(p(_t(sm.R_CHANGES, lang), styles["Heading2"]))
    story.extend(p(line, body) for line in change_lines(d))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(landscape(A4)[0] - 1.5 * cm, 1 * cm, _t(sm.R_PAGE, lang, n=doc.page))

    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm, title=_t(sm.R_TITLE, lang, tenant=d.tenant),
                            author="Balise", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


# --- write ----------------------------------------------------------------------------------------------------

def write_report(ws: Workspace, tenant: str, out: Path, *, fmt: str = "html", lang: Lang = "en",
                 month: str | None = None) -> ReportResult:
    """Build, render and write the report (written aside, then renamed), then record its snapshot so that the
    next report says what changed."""
    if fmt not in FORMATS:
        raise UsageError(sm.R_BAD_FORMAT(value=fmt))
    d = build(ws, tenant, lang, month)
    out = out.expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".balise-report-", dir=out.parent)
    os.close(fd)
    try:
        if fmt == "html":
            Path(tmp).write_text(render_html(d), encoding="utf-8")
        else:
            render_pdf(d, Path(tmp))
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    tid = ws.tenant(tenant).id
    with ws.session.begin() as s:
        s.add(ComplianceReport(tenant_id=tid, created_at=d.issued, lang=lang, snapshot=d.snapshot))
    return ReportResult(out, d.score, len(d.gaps), None if d.controls is None else len(d.controls))
