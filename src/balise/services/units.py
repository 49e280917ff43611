"""Business volumes (requests, orders, active users…) per month, for unit-cost KPIs.

``balise units import FILE --tenant T`` reads a CSV ``month,unit,quantity`` (header required; ``;`` or ``,``
delimited; decimal comma accepted) into the ``BusinessUnit`` table. A (unit, month) already imported is
replaced. Every line is checked before anything is written: one bad line and nothing changes.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from balise.errors import BadSourceError, Problem, UsageError
from balise.i18n import Text
from balise.i18n import kpis_messages as km
from balise.i18n import messages as m
from balise.services.workspace import Workspace, now
from balise.state.models import BusinessUnit

COLUMNS = ("month", "unit", "quantity")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Volume:
    unit: str
    month: str
    quantity: float
    source: str


def parse(path: Path) -> list[Volume]:
    if not path.is_file():
        raise UsageError(m.NO_SUCH_PATH(path=str(path)))
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BadSourceError(Problem(str(path), km.UNITS_COLUMNS(columns=", ".join(missing)), km.HINT_UNITS(),
                                     line=1))
    pos = {c: header.index(c) for c in COLUMNS}
    out: dict[tuple[str, str], Volume] = {}
    for line_no, rec in enumerate(reader, start=2):
        if not any(x.strip() for x in rec):
            continue
        vals = {c: (rec[i].strip() if i < len(rec) else "") for c, i in pos.items()}

        def bad(col: str, problem: Text) -> BadSourceError:
            return BadSourceError(Problem(str(path), problem, km.HINT_UNITS(), line=line_no,  # noqa: B023
                                          column=col, column_number=pos[col] + 1, value=vals[col]))  # noqa: B023
        if not _MONTH.match(vals["month"]):
            raise bad("month", km.UNITS_BAD_MONTH())
        if not vals["unit"]:
            raise bad("unit", km.UNITS_NO_UNIT())
        try:
            qty = float(vals["quantity"].replace("\u202f", "").replace(" ", "").replace(",", "."))
        except ValueError:
            raise bad("quantity", km.UNITS_BAD_QUANTITY()) from None
        if qty < 0 or qty != qty:
            raise bad("quantity", km.UNITS_BAD_QUANTITY())
        key = (vals["unit"], vals["month"])
        if key in out:
            raise bad("unit", km.UNITS_DUPLICATE(unit=vals["unit"], month=vals["month"]))
        out[key] = Volume(vals["unit"], vals["month"], qty, path.name)
    if not out:
        raise BadSourceError(Problem(str(path), km.UNITS_EMPTY(), km.HINT_UNITS(), line=1))
    return list(out.values())


def import_units(ws: Workspace, tenant: str, path: Path) -> list[Volume]:
    t = ws.tenant(tenant)
    volumes = parse(path)
    with ws.session.begin() as s:
        for v in volumes:
            s.execute(delete(BusinessUnit).where(BusinessUnit.tenant_id == t.id, BusinessUnit.unit == v.unit,
                                                 BusinessUnit.month == v.month))
        s.flush()
        s.add_all([BusinessUnit(tenant_id=t.id, unit=v.unit, month=v.month, quantity=v.quantity, source=v.source,
                                imported_at=now()) for v in volumes])
    return volumes


def list_units(ws: Workspace, tenant: str) -> list[Volume]:
    t = ws.tenant(tenant)
    with ws.session() as s:
        rows = s.scalars(select(BusinessUnit).where(BusinessUnit.tenant_id == t.id)
                         .order_by(BusinessUnit.unit, BusinessUnit.month))
        return [Volume(r.unit, r.month, r.quantity, r.source) for r in rows]


def volumes(ws: Workspace, tenant: str) -> dict[str, dict[str, float]] | None:
    """{unit: {month: quantity}}, or None when the tenant has imported none (the ``units`` context input)."""
    out: dict[str, dict[str, float]] = {}
    for v in list_units(ws, tenant):
        out.setdefault(v.unit, {})[v.month] = v.quantity
    return out or None
