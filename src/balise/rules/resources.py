"""Reading the rows of ``RuleContext.resource_rows()``: what kind of resource, its tags and owner, what it costs.

Shared by the recommendation rules (forgotten resources, rightsizing, cheaper offers). Pure functions of one
row (a dict, see ``balise.rules.context``) or of all of them; no query.

**Monthly cost** of a resource (:func:`monthly_cost`): when it is billed in hours (``ConsumedUnit`` Hours, Hrs,
1 Hour…) and has a quantity, its cost per consumed hour × 730 (the cost of keeping it one more month as it is
billed now); otherwise its cost per billed day × 730 / 24. Its cost is the EffectiveCost of its usage rows,
or, when that is 0 (some exports leave EffectiveCost at 0), its BilledCost.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from balise.domain.findings import Subject
from balise.i18n import Msg, Text, money, percent
from balise.reference.offers import HOURS_A_MONTH

if TYPE_CHECKING:
    from balise.rules.context import RuleContext

Row = dict[str, Any]
DAYS_A_MONTH = HOURS_A_MONTH / 24  # 30.42, the catalog's 730-hour month

VM_TYPES = ("virtual machine", "instance", "compute instance", "vm")
NODE_TYPES = ("kubernetes node", "virtual machine scale set instance", "node")
VOLUME_TYPES = ("volume", "disk", "managed disk", "bootvolume", "boot volume", "block storage", "blockvolume")
IP_TYPES = ("ip address", "public ip address", "public ip", "elastic ip", "floating ip", "floatingip", "ipv4",
            "address")
_HOURS = re.compile(r"^(1\s*)?(hours?|hrs?|h)$", re.I)


@functools.lru_cache(maxsize=65536)
def norm(value: str | None) -> str:  # called for every resource by several rules: a fleet repeats its values
    return (value or "").strip().lower()


def is_type(row: Row, types: Sequence[str]) -> bool:
    return norm(row.get("resource_type")) in _lower(tuple(types))


@functools.lru_cache(maxsize=64)
def _lower(types: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.lower() for t in types)


def is_vm(row: Row, types: Sequence[str] = VM_TYPES) -> bool:
    return is_type(row, types)


def is_compute(row: Row) -> bool:
    """A VM or a Kubernetes node: something a disk can be attached to."""
    return is_type(row, VM_TYPES + NODE_TYPES)


def tags(row: Row) -> dict[str, str]:
    """The row's tags with lower-cased keys ({} when none or not a JSON object)."""
    raw = row.get("tags")
    return dict(_parse_tags(raw)) if raw else {}


@functools.lru_cache(maxsize=8192)
def _parse_tags(raw: str) -> tuple[tuple[str, str], ...]:  # a fleet repeats the same few tag sets
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return ()
    if not isinstance(value, dict):
        return ()
    return tuple((str(k).strip().lower(), str(v)) for k, v in value.items() if v not in (None, ""))


def tag(row: Row, keys: Iterable[str]) -> str | None:
    t = tags(row)
    return next((t[k.lower()] for k in keys if k.lower() in t), None)


def owner(row: Row, default: str) -> str:
    """Who should act: the ``owner`` tag, else the ``team`` tag, else ``default`` (a role such as "DevOps")."""
    return tag(row, ("owner",)) or tag(row, ("team",)) or default


def subject(row: Row) -> Subject:
    return Subject(kind="resource", id=row["resource_id"], name=row.get("resource_name"),
                   provider=row.get("provider"), account=row.get("account"), region=row.get("region"))


def cost(row: Row) -> float:
    usage = float(row.get("usage_effective") or 0.0)
    return usage if usage > 0 else max(float(row.get("billed") or 0.0), 0.0)


def hourly(row: Row) -> bool:
    return bool(_HOURS.match(norm(row.get("consumed_unit")))) and float(row.get("consumed") or 0) > 0


def hours_a_day(row: Row) -> float | None:
    """Hours billed per billed day (24 for a VM that never stops), None when not billed in hours."""
    return float(row["consumed"]) / row["days"] if hourly(row) and row.get("days") else None


def monthly_cost(row: Row) -> float:
    """See the module docstring: in the row's billing currency."""
    if hourly(row):
        return cost(row) / float(row["consumed"]) * HOURS_A_MONTH
    return cost(row) / max(int(row.get("days") or 1), 1) * DAYS_A_MONTH


def span_days(row: Row) -> int:
    """Days from the first to the last charge day, both included."""
    return int((row["last_day"] - row["first_day"]).days) + 1


def last_days(rows: Iterable[Row]) -> dict[str | None, date]:
    """The last charge day with data, per provider: a provider whose export lags is judged on its own data."""
    out: dict[str | None, date] = {}
    for r in rows:
        day = r.get("last_day")
        if day is not None and (r.get("provider") not in out or day > out[r.get("provider")]):
            out[r.get("provider")] = day
    return out


def provider_last_days(ctx: RuleContext) -> dict[str | None, date]:
    """:func:`last_days` of the context's resources, computed once per context."""
    return ctx.cached("resources:last_days", lambda: last_days(ctx.resource_rows()))  # type: ignore[no-any-return]


def period(ctx: RuleContext) -> dict[str, str]:
    return {"start": f"{ctx.start}-01", "end": ctx.as_of.isoformat()}


def amount(value: float, currency: str, eur: float | None = None) -> dict[str, Any]:
    """An amount for evidence: rounded, with its currency, and in EUR when converted."""
    out: dict[str, Any] = {"amount": round(value, 2), "currency": currency}
    if eur is not None and currency.upper() != "EUR":
        out["eur"] = round(eur, 2)
    return out


def name_words(name: str | None) -> list[str]:
    """A resource name split into lower-case words (on - _ . and spaces)."""
    return list(_name_words(name))


@functools.lru_cache(maxsize=65536)
def _name_words(name: str | None) -> tuple[str, ...]:
    return tuple(w for w in _WORD_SPLIT.split(norm(name)) if w)


_WORD_SPLIT = re.compile(r"[-_.\s]+")


def money_text(value: float, currency: str) -> Text:
    """An amount that renders per language in a title (``€1,234.56`` / ``1 234,56 €``)."""
    return _money_text(round(value, 2), currency)


@functools.lru_cache(maxsize=4096)
def _money_text(value: float, currency: str) -> Text:  # a fleet repeats the same amounts: format each once
    return Msg(money(value, currency, "en"), money(value, currency, "fr"))()


def percent_text(share: float, digits: int = 0) -> Text:
    return Msg(percent(share, "en", digits), percent(share, "fr", digits))()
