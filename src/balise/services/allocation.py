"""Allocation and showback: a tenant's spend per team (project, environment, cost centre…) per month.

The configuration (tag-key aliases, value normalisation, required tags, shared-cost split rules; see
``balise.kpis.allocation``) is imported from YAML into ``TenantSetting(key="allocation")``; without one, the
defaults apply. Showback of a month: each value's **direct** spend (costs whose tags resolve to it), its
**shared** part (costs selected by a split rule, divided among the values), their **total**, and an
**untagged** line (costs without the key and not shared, plus shared costs nobody could receive). The lines of
a month always add up to the month's bill: nothing lost, nothing counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from balise import engine
from balise.errors import UsageError
from balise.i18n import kpis_messages as km
from balise.i18n import messages as m
from balise.kpis import allocation as al
from balise.kpis import yamldoc
from balise.kpis.data import METRIC_COLUMNS, rate_json
from balise.reference.fx import Rate, Rates, ecb
from balise.services.costs import check_month, table
from balise.services.report import latest_month
from balise.services.settings import delete_setting, get_setting, get_setting_source, put_setting
from balise.services.workspace import Workspace

SETTING = "allocation"


# --- configuration ------------------------------------------------------------------------------------------

def config(ws: Workspace, tenant: str) -> al.AllocationConfig:
    """The tenant's allocation configuration (the defaults when it has imported none)."""
    doc = get_setting(ws, tenant, SETTING)
    return al.AllocationConfig.from_dict(doc) if doc else al.default_config()


def parse_config(text: str, file: str) -> dict[str, Any]:
    """A validated allocation document (schema, then split rules: percentages, known keys)."""
    doc = yamldoc.parse(text, file)
    if doc.data is None:
        raise doc.fail([], km.ALLOCATION_EMPTY(), km.HINT_ALLOCATION())
    yamldoc.validate(doc, al.SCHEMA, km.HINT_ALLOCATION())
    for path, name, args in al.problems(doc.data):
        raise doc.fail(path, getattr(km, "ALLOC_" + name)(**args), km.HINT_ALLOCATION())
    return dict(doc.data)


def import_config(ws: Workspace, tenant: str, path: Path) -> al.AllocationConfig:
    ws.tenant(tenant)
    if not path.is_file():
        raise UsageError(m.NO_SUCH_PATH(path=str(path)))
    text = path.read_text(encoding="utf-8-sig")
    doc = parse_config(text, str(path))
    put_setting(ws, tenant, SETTING, doc, source=text)
    return al.AllocationConfig.from_dict(doc)


def reset_config(ws: Workspace, tenant: str) -> bool:
    return delete_setting(ws, tenant, SETTING)


@dataclass
class ConfigView:
    document: dict[str, Any]
    source: str | None  # the YAML imported, None for the defaults
    default: bool

    def yaml(self) -> str:
        return self.source or yaml.safe_dump(self.document, sort_keys=False, allow_unicode=True)


def show_config(ws: Workspace, tenant: str) -> ConfigView:
    doc = get_setting(ws, tenant, SETTING)
    if doc is None:
        return ConfigView(dict(al.DEFAULT), None, True)
    return ConfigView(doc, get_setting_source(ws, tenant, SETTING), False)


# --- showback -----------------------------------------------------------------------------------------------

@dataclass
class ShowbackLine:
    month: str
    value: str | None  # None: the untagged line
    direct: float
    shared: float
    by_rule: dict[str, float] = field(default_factory=dict)  # shared part per split rule

    @property
    def total(self) -> float:
        return self.direct + self.shared


@dataclass
class Showback:
    tenant: str
    key: str
    metric: str  # effective | billed
    months: list[str]
    lines: list[ShowbackLine]  # per month: values by total descending, then the untagged line
    bill: dict[str, float]  # the month's bill total (EUR)
    aliases: list[str]
    rules: list[str]
    rates: list[Rate]
    currency: str = "EUR"

    def month_lines(self, month: str) -> list[ShowbackLine]:
        return [x for x in self.lines if x.month == month]

    def values(self) -> list[str]:
        totals: dict[str, float] = {}
        for x in self.lines:
            if x.value is not None:
                totals[x.value] = totals.get(x.value, 0.0) + x.total
        return sorted(totals, key=lambda v: (-totals[v], v))


def showback(ws: Workspace, tenant: str, by: str = "team", *, month: str | None = None, start: str | None = None,
             end: str | None = None, metric: str = "effective", con: engine.Backend | None = None,
             rates: Rates | None = None) -> Showback:
    ws.tenant(tenant)
    for v in (month, start, end):
        check_month(v)
    if metric not in METRIC_COLUMNS:
        raise UsageError(m.BAD_BY(by=metric, known=", ".join(METRIC_COLUMNS)))
    if month and (start or end):
        raise UsageError(km.MONTH_OR_RANGE())
    con = con or engine.connect()
    if not (month or start or end):
        month = latest_month(ws, tenant, con)
        if month is None:
            raise UsageError(m.NO_DATA(tenant=tenant))
    first, last = (month, month) if month else (start, end)
    rates = rates or ecb()
    cfg = config(ws, tenant)
    key = al.norm_key(by)
    rules = cfg.shared_for(key)
    resolver = cfg.resolver(key)
    others = {k: cfg.resolver(k) for r in rules if r.filter.tags for k in r.filter.tags}
    t = table(ws, con, tenant, first, last)
    cols = al.line_columns(rules)
    groups: dict[str, Any] = {"month": t.ChargePeriodStart.strftime("%Y-%m"), "currency": t.BillingCurrency,
                              "tags": t.Tags}
    exprs = {"service": t.ServiceName, "account": t.SubAccountId.fill_null(t.BillingAccountId),
             "provider": t.x_Provider, "charge_category": t.ChargeCategory}
    for col, attr in (("service", "services"), ("account", "accounts"), ("provider", "providers"),
                      ("charge_category", "charge_categories")):
        if attr in cols:
            groups[col] = exprs[col]
    agg = t.group_by(**groups).aggregate(cost=t[METRIC_COLUMNS[metric]].sum())
    direct: dict[str, dict[str, float]] = {}
    shared: dict[str, dict[str, float]] = {}  # month → rule → amount
    untagged: dict[str, float] = {}
    bill: dict[str, float] = {}
    used: list[Rate] = []
    for r in engine.rows(con, agg):
        mon = r["month"]
        eur, rate = rates.to_eur(float(r["cost"] or 0), (r["currency"] or "EUR"), mon)
        if rate.currency != "EUR" and rate not in used:
            used.append(rate)
        bill[mon] = bill.get(mon, 0.0) + eur
        value = resolver(r["tags"])
        rule = next((x for x in rules if al.matches(x.filter, r, value, _other(others, r["tags"]))), None)
        if rule is not None:
            per = shared.setdefault(mon, {})
            per[rule.name] = per.get(rule.name, 0.0) + eur
        elif value is not None:
            d = direct.setdefault(mon, {})
            d[value] = d.get(value, 0.0) + eur
        else:
            untagged[mon] = untagged.get(mon, 0.0) + eur
    months = sorted(bill)
    lines: list[ShowbackLine] = []
    for mon in months:
        d = direct.get(mon, {})
        out = {v: ShowbackLine(mon, v, c, 0.0) for v, c in d.items()}
        rest = ShowbackLine(mon, None, untagged.get(mon, 0.0), 0.0)
        for rule in rules:
            amount = shared.get(mon, {}).get(rule.name, 0.0)
            if not amount:
                continue
            parts = al.split(rule, amount, d)
            if not parts:
                rest.shared += amount
                rest.by_rule[rule.name] = rest.by_rule.get(rule.name, 0.0) + amount
            for v, share in parts.items():
                line = out.setdefault(v, ShowbackLine(mon, v, 0.0, 0.0))
                line.shared += share
                line.by_rule[rule.name] = line.by_rule.get(rule.name, 0.0) + share
        lines.extend(sorted(out.values(), key=lambda x: (-x.total, x.value or "")))
        lines.append(rest)
    return Showback(tenant, key, metric, months, lines, bill, list(cfg.rule(key).aliases), [r.name for r in rules],
                    sorted(used, key=lambda r: (r.currency, r.month)))


def _other(resolvers: dict[str, al.TagResolver], tags: str | None) -> Callable[[str], str | None]:
    return lambda key: resolvers[key](tags)


def showback_json(s: Showback) -> dict[str, Any]:
    return {
        "tenant": s.tenant, "by": s.key, "metric": s.metric, "currency": s.currency, "months": s.months,
        "aliases": s.aliases, "rules": s.rules,
        "lines": [{"month": x.month, "value": x.value, "direct": round(x.direct, 2), "shared": round(x.shared, 2),
                   "total": round(x.total, 2), "shared_by_rule": {k: round(v, 2) for k, v in x.by_rule.items()}}
                  for x in s.lines],
        "bill": {mon: round(v, 2) for mon, v in s.bill.items()},
        "rates": [rate_json(r) for r in s.rates],
    }


def write_xlsx(s: Showback, path: Path, labels: dict[str, str]) -> None:
    """Showback as an Excel workbook: the lines (month, value, direct, shared, total) and a value × month
    summary, money cells in a euro format. ``labels``: the column titles in the reader's language."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    try:
        bold = wb.add_format({"bold": True})
        money = wb.add_format({"num_format": '#,##0.00 "€"'})
        money_bold = wb.add_format({"num_format": '#,##0.00 "€"', "bold": True})
        ws1 = wb.add_worksheet(labels["sheet_lines"][:31])
        head = [labels["month"], s.key, labels["direct"], labels["shared"], labels["total"]]
        ws1.write_row(0, 0, head, bold)
        row = 1
        for x in s.lines:
            ws1.write_string(row, 0, x.month)
            ws1.write_string(row, 1, x.value if x.value is not None else labels["untagged"])
            ws1.write_number(row, 2, round(x.direct, 2), money)
            ws1.write_number(row, 3, round(x.shared, 2), money)
            ws1.write_number(row, 4, round(x.total, 2), money)
            row += 1
        ws1.set_column(0, 1, 18)
        ws1.set_column(2, 4, 14)
        ws1.autofilter(0, 0, max(row - 1, 1), len(head) - 1)
        ws1.freeze_panes(1, 0)

        ws2 = wb.add_worksheet(labels["sheet_summary"][:31])
        ws2.write_row(0, 0, [s.key, *s.months, labels["total"]], bold)
        names: list[str | None] = [*s.values(), None]
        for i, v in enumerate(names, start=1):
            ws2.write_string(i, 0, v if v is not None else labels["untagged"])
            total = 0.0
            for j, mon in enumerate(s.months, start=1):
                amount = sum(x.total for x in s.lines if x.month == mon and x.value == v)
                total += amount
                ws2.write_number(i, j, round(amount, 2), money)
            ws2.write_number(i, len(s.months) + 1, round(total, 2), money_bold)
        last = len(names) + 1
        ws2.write_string(last, 0, labels["bill"], bold)
        for j, mon in enumerate(s.months, start=1):
            ws2.write_number(last, j, round(s.bill[mon], 2), money_bold)
        ws2.write_number(last, len(s.months) + 1, round(sum(s.bill.values()), 2), money_bold)
        ws2.set_column(0, 0, 18)
        ws2.set_column(1, len(s.months) + 1, 14)
        if s.rates:
            ws2.write_string(last + 2, 0, labels["rates"] + "; ".join(r.describe() for r in s.rates))
    finally:
        wb.close()
