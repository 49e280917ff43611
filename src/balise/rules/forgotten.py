"""Forgotten and idle resources: VMs nobody owns, unattached volumes and IPs, storage of stopped instances,
charges with no usage. Group "forgotten".

Every rule reads only ``ctx.resource_rows()`` (the shared per-resource aggregate of the analysis window,
three months by default): no query of its own. Consequences, documented in docs/recommendations.md:

- "billed every day of the last N days" is read as: billed on every day from its first charge day in the
  window to the provider's last day with data, and on at least N days. A VM with a one-day gap earlier in the
  window is not reported (a missed finding, never a false one);
- the daily cost range (``min_daily``, ``max_daily``) is that of the whole window, per usage row of at most one
  day (hourly exports: per hour).

The saving of each finding is the resource's monthly cost (``balise.rules.resources.monthly_cost``) in EUR.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from balise.domain.findings import Domain, Finding, Severity
from balise.i18n import recommend_messages as rm
from balise.rules import resources as res
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext
from balise.rules.resources import Row

DEFAULT_OWNER = "DevOps"  # owner of the "forgotten instances" KPI

# Descriptions that say a disk or an address is attached to nothing (English and French).
DETACHED = re.compile(r"\b(unattached|not attached|no longer attached|detached|orphan(ed)?|available state|"
                      r"non[- ]?(r?attach|associ)[ée]e?s?|d[ée]tach[ée]e?s?|orphelin(e)?s?)\b", re.I)
IDLE = re.compile(r"\b(idle|unused|unattached|not attached|reserved but not|non[- ]?(r?attach|associ)[ée]e?s?|"
                  r"inutilis[ée]e?s?)\b|IdleAddress", re.I)
IP_WORDS = re.compile(r"\b(ip|ipv4|ipv6|ip address|elastic ?ip|floating ?ip|public ip)\b|elastic-?ip|eipalloc|"
                      r"floatingip|publicipaddresses", re.I)
INSTANCE_ID = re.compile(r"\bi-[0-9a-f]{8,17}\b")
_INSTANCE_AT_END = re.compile(r"(i-[0-9a-f]{8,17})$")
AZURE_DISK = re.compile(r"^(?P<vm>.+?)_(os_?disk|data_?disk|disk\d*|lun\d+)(_|$)", re.I)
VOLUME_WORDS = frozenset({"data", "disk", "disks", "vol", "volume", "osdisk", "datadisk", "root", "boot", "os",
                          "storage", "ebs", "pv", "block", "bv", "bootvolume", "blockvolume"})
_ID_LIKE = re.compile(r"^(\d+|(?=[0-9a-f]*\d)[0-9a-f]{6,})$")


def _label(r: Row) -> str:
    return str(r.get("resource_name") or r["resource_id"])


def _text(r: Row) -> str:
    return " ".join(str(r.get(k) or "") for k in ("description", "sku", "resource_type"))


@functools.lru_cache(maxsize=8192)
def _says(pattern: re.Pattern[str], text: str) -> bool:  # a fleet repeats the same few descriptions
    return pattern.search(text) is not None


def _saving(ctx: RuleContext, r: Row) -> tuple[float, dict[str, Any]]:
    monthly = res.monthly_cost(r)
    eur = ctx.to_eur(monthly, r["currency"])
    return round(eur, 2), res.amount(monthly, r["currency"], eur)


def _evidence(ctx: RuleContext, r: Row, **more: Any) -> dict[str, Any]:
    return {"period": res.period(ctx), "first_day": r["first_day"].isoformat(), "last_day": r["last_day"].isoformat(),
            "days_billed": r["days"], "resource_type": r.get("resource_type"), "sku": r.get("sku"),
            "description": r.get("description"), "tags": res.tags(r), **more}


def volume_stem(name: str | None) -> tuple[str | None, list[str], list[str]]:
    """How a volume's name points at an instance: (the VM an Azure disk is named after, the name's words
    without volume words and ids, the name's words without volume words only).

    ``vm-recette-01_OsDisk_1_5c2e9a`` -> ("vm-recette-01", ["vm", "recette"], …); ``backoffice-data-03`` ->
    (None, ["backoffice"], ["backoffice", "03"])."""
    vm = None
    if name and (m := AZURE_DISK.match(name)):
        vm = m["vm"].lower()
    words = [w for w in res.name_words(vm or name) if w not in VOLUME_WORDS]
    return vm, [w for w in words if not _ID_LIKE.match(w)], words


class _Compute:
    """The compute resources of the window, indexed for name and instance-id matching within an account
    (provider, account): by exact name, by name words, and by the words each name holds (so a volume is
    compared with the few VMs that share its words, not with every VM of a large account)."""

    def __init__(self, rows: list[Row]) -> None:
        self.by_name: dict[tuple[Any, Any, str], Row] = {}
        self.by_words: dict[tuple[Any, Any, tuple[str, ...]], Row] = {}
        self.holding: dict[tuple[Any, Any, str], list[tuple[list[str], Row]]] = {}
        self.by_instance: dict[str, Row] = {}
        for r in rows:
            if res.is_compute(r):
                self._add(r)

    def _add(self, r: Row) -> None:
        provider, account = r.get("provider"), r.get("account")
        name = res.norm(r.get("resource_name"))
        if name:
            words = res.name_words(name)
            self.by_name.setdefault((provider, account, name), r)
            self.by_words.setdefault((provider, account, tuple(words)), r)
            for w in set(words):
                self.holding.setdefault((provider, account, w), []).append((words, r))
        if m := _INSTANCE_AT_END.search(str(r["resource_id"])):
            self.by_instance[m[1]] = r

    def named_like(self, r: Row, vm: str | None, stem: list[str]) -> bool:
        """Whether some compute resource of the volume's account is named like it (``vm`` and ``stem`` of
        :func:`volume_stem`)."""
        where = (r.get("provider"), r.get("account"))
        if vm is not None:
            return (*where, vm) in self.by_name
        if not stem:
            return False
        pools = [self.holding.get((*where, w), []) for w in stem]
        return any(_follows(stem, words) for words, _ in min(pools, key=len))

    def instance_of(self, r: Row) -> Row | None:
        """The instance a volume belongs to: its id in the volume's name or description, else the compute
        resource of the same account whose name is the volume's name without its volume words."""
        for text in (r.get("resource_name"), r.get("description")):
            if text and (m := INSTANCE_ID.search(str(text))) and m[0] in self.by_instance:
                return self.by_instance[m[0]]
        where = (r.get("provider"), r.get("account"))
        vm, _, words = volume_stem(r.get("resource_name"))
        if vm:
            return self.by_name.get((*where, vm))
        return self.by_words.get((*where, tuple(words))) if words else None


def _follows(stem: list[str], words: list[str]) -> bool:
    """``words`` starts with the stem's first word and holds the others in order (``shop``/``c001`` in
    ``shop-web-01-c001``)."""
    if not words or words[0] != stem[0]:
        return False
    rest = iter(words[1:])
    return all(any(w == x for x in rest) for w in stem[1:])


def _billed_disks(ctx: RuleContext, types: Sequence[str], within_days: int) -> Iterator[tuple[Row, date]]:
    """Disks (``types``) with a cost, billed within ``within_days`` of their provider's last day with data (1:
    on that day), with that day."""
    last = res.provider_last_days(ctx)
    for r in ctx.resource_rows():
        if not res.is_type(r, types) or res.cost(r) <= 0:
            continue
        end = last.get(r.get("provider"))
        if end is not None and r["last_day"] >= end - timedelta(days=within_days - 1):
            yield r, end


def _compute(ctx: RuleContext) -> _Compute:
    return ctx.cached("forgotten:compute", lambda: _Compute(ctx.resource_rows()))  # type: ignore[no-any-return]


class ForgottenInstance(Rule):
    """A VM billed every day for at least N days at a near-constant cost, with no owner tag.

    Bad:  ``poc-migration-2024`` (AWS m5.2xlarge), 11.04 $ on each of the window's 92 days, 24 hours a day,
          tags ``{"project": "migration-poc", "env": "staging"}``: nobody to ask, about 336 $ a month.
    Good: the same VM tagged ``owner=alice@example.com``; a dev box without owner that stops at night and at
          weekends (8 billed hours a day, a daily cost from 0.05 $ to 0.63 $).
    """

    code = "FIN-001"
    name = "finops.forgotten.instance"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("forgotten",)
    title = rm.FORGOTTEN_VM
    remediation = rm.FORGOTTEN_VM_FIX

    @dataclass(frozen=True)
    class Params:
        days: int = param(30, "Billed on every day for at least this many days (within the window).", minimum=1)
        max_ratio: float = param(1.1, "Largest daily cost / smallest daily cost still called constant.",
                                 minimum=1.0)
        min_hours_a_day: float = param(23.0, "For VMs billed in hours: at least this many billed hours a day.",
                                       minimum=0.0, maximum=24.0)
        owner_tags: tuple[str, ...] = param(("owner",), "Tag keys that name an owner (case-insensitive).")
        resource_types: tuple[str, ...] = param(res.VM_TYPES, "ResourceType values of VMs (case-insensitive).")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: ForgottenInstance.Params = params
        rows = ctx.resource_rows()
        last = res.provider_last_days(ctx)
        for r in rows:
            if not res.is_vm(r, p.resource_types) or res.tag(r, p.owner_tags) is not None:
                continue
            if r["last_day"] != last.get(r.get("provider")) or r["days"] < p.days or r["days"] != res.span_days(r):
                continue
            lo, hi = r.get("min_daily"), r.get("max_daily")
            if not lo or not hi or lo <= 0 or hi / lo > p.max_ratio:
                continue
            hours = res.hours_a_day(r)
            if hours is not None and hours < p.min_hours_a_day:
                continue
            saving, monthly = _saving(ctx, r)
            yield self.finding(
                res.subject(r), args={"name": _label(r), "days": r["days"], "account": r.get("account_name")
                                      or r.get("account")},
                evidence=_evidence(ctx, r, daily_cost={"min": round(lo, 4), "max": round(hi, 4),
                                                       "currency": r["currency"]},
                                   hours_a_day=None if hours is None else round(hours, 2),
                                   owner_tags_checked=list(p.owner_tags), monthly_cost=monthly),
                monthly_saving_eur=saving, owner=res.owner(r, DEFAULT_OWNER))


class UnattachedVolume(Rule):
    """A disk billed while attached to nothing.

    A volume is reported when its description says so (unattached, not attached, detached, « non attaché »…),
    or, by a name heuristic, when no compute resource of its account billed in the window is named like it:
    an Azure disk ``<vm>_OsDisk_…``/``<vm>_disk…`` needs a VM named ``<vm>``; another volume needs a VM whose
    name starts with the first of the volume's name words without volume words (data, disk, vol…) and ids,
    and holds the others in order (``backoffice-data-03`` -> a VM ``backoffice-…``; ``shop-data-03-c001`` -> a
    VM ``shop-…-c001``). A volume without such a name is judged only on its description.

    Bad:  Azure ``vm-recette-01_OsDisk_1_5c2e9a`` (P30, 4.22 € a day), "unattached since vm-recette-01 was
          deleted", and no VM ``vm-recette-01`` billed.
    Good: ``backoffice-data-03`` next to the VMs ``backoffice-01``…``08``; "EBS gp3 volume attached to rdv-app".
    """

    code = "FIN-002"
    name = "finops.forgotten.unattached-volume"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("forgotten",)
    title = rm.UNATTACHED_VOLUME
    remediation = rm.UNATTACHED_VOLUME_FIX

    @dataclass(frozen=True)
    class Params:
        within_days: int = param(30, "Billed within this many days of the provider's last day with data.",
                                 minimum=1)
        name_heuristic: bool = param(True, "Also report volumes no billed compute resource is named like.")
        min_days: int = param(7, "Name heuristic only: billed on at least this many days.", minimum=1)
        resource_types: tuple[str, ...] = param(res.VOLUME_TYPES, "ResourceType values of disks.")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: UnattachedVolume.Params = params
        compute = _compute(ctx)
        for r, _ in _billed_disks(ctx, p.resource_types, p.within_days):
            basis = []
            if _says(DETACHED, str(r.get("description") or "")):
                basis.append("description")
            vm, stem, _ = volume_stem(r.get("resource_name"))
            if p.name_heuristic and r["days"] >= p.min_days and (vm or stem) and not compute.named_like(r, vm, stem):
                basis.append("name")
            if not basis:
                continue
            saving, monthly = _saving(ctx, r)
            yield self.finding(
                res.subject(r), severity=Severity.MEDIUM if "description" in basis else Severity.LOW,
                args={"name": _label(r)},
                evidence=_evidence(ctx, r, basis=basis, named_after=vm, monthly_cost=monthly),
                monthly_saving_eur=saving, owner=res.owner(r, DEFAULT_OWNER))


class UnattachedIp(Rule):
    """A public IP address billed while idle (attached to no running instance).

    Reported when the resource is an address (``ResourceType`` IP Address…, or "IP" in its description, SKU
    or id) and its description or SKU says idle, unattached or not attached (AWS usage type
    ``ElasticIP:IdleAddress``, AWS "Idle public IPv4 address", French « non attachée », « inutilisée »).

    Bad:  OVHcloud ``fip-51.210.14.87``, "reserved but not attached to any instance", 0.06 € a day.
    Good: "$0.005 per In-use public IPv4 address per hour": attached and used.
    """

    code = "FIN-003"
    name = "finops.forgotten.unattached-ip"
    domain = Domain.FINOPS
    severity = Severity.LOW
    groups = ("forgotten",)
    title = rm.IDLE_IP
    remediation = rm.IDLE_IP_FIX

    @dataclass(frozen=True)
    class Params:
        within_days: int = param(30, "Billed within this many days of the provider's last day with data.",
                                 minimum=1)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: UnattachedIp.Params = params
        rows = ctx.resource_rows()
        last = res.provider_last_days(ctx)
        for r in rows:
            if res.cost(r) <= 0 or not _says(IDLE, _text(r)):
                continue
            if not (res.is_type(r, res.IP_TYPES) or _says(IP_WORDS, _text(r))
                    or IP_WORDS.search(str(r["resource_id"]))):
                continue
            end = last.get(r.get("provider"))
            if end is None or r["last_day"] < end - timedelta(days=p.within_days - 1):
                continue
            saving, monthly = _saving(ctx, r)
            yield self.finding(res.subject(r), args={"name": _label(r)},
                               evidence=_evidence(ctx, r, monthly_cost=monthly),
                               monthly_saving_eur=saving, owner=res.owner(r, DEFAULT_OWNER))


class StoppedInstanceStorage(Rule):
    """Storage still billed for an instance that has had no compute cost for N days (stopped, or deleted
    without its disks).

    The volume's instance is the one whose id (``i-0…``) appears in the volume's name or description, else
    the compute resource of the same account named like the volume without its volume words
    (``app-07-data`` -> ``app-07``; Azure ``<vm>_OsDisk_…`` -> ``<vm>``). The instance must have been billed
    in the window (else FIN-002 may report the volume) and not during the last N days; the volume must still
    be billed on the provider's last day.

    Bad:  ``app-07-data`` billed every day to 31 October; its instance ``app-07`` last billed on 31 August.
    Good: ``backoffice-data-03`` next to ``backoffice-03``, which runs every day.
    """

    code = "FIN-004"
    name = "finops.forgotten.stopped-instance-storage"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("forgotten",)
    title = rm.STOPPED_STORAGE
    remediation = rm.STOPPED_STORAGE_FIX

    @dataclass(frozen=True)
    class Params:
        days: int = param(30, "The instance has had no compute cost for at least this many days.", minimum=1)
        resource_types: tuple[str, ...] = param(res.VOLUME_TYPES, "ResourceType values of disks.")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: StoppedInstanceStorage.Params = params
        compute = _compute(ctx)
        for r, end in _billed_disks(ctx, p.resource_types, 1):
            vm = compute.instance_of(r)
            if vm is None or (end - vm["last_day"]).days < p.days:
                continue
            idle = (end - vm["last_day"]).days
            saving, monthly = _saving(ctx, r)
            yield self.finding(
                res.subject(r), args={"name": _label(r), "instance": _label(vm), "days": idle},
                evidence=_evidence(ctx, r, instance={"resource_id": vm["resource_id"],
                                                     "name": vm.get("resource_name"),
                                                     "last_compute_day": vm["last_day"].isoformat(),
                                                     "days_without_compute": idle},
                                   monthly_cost=monthly),
                monthly_saving_eur=saving, owner=res.owner(r, res.owner(vm, DEFAULT_OWNER)))


class CostWithoutUsage(Rule):
    """A resource billed for at least N days whose usage quantity is 0 or missing although its rows state a
    unit (``ConsumedUnit`` set: a quantity is expected).

    Bad:  a load balancer billed 0.72 € a day for 60 days with ``ConsumedQuantity`` 0 "Hours".
    Good: the same load balancer with 24 hours a day; a commitment's unused-hours rows (no ``ConsumedUnit``).
    """

    code = "FIN-005"
    name = "finops.idle.cost-without-usage"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("forgotten",)
    title = rm.COST_NO_USAGE
    remediation = rm.COST_NO_USAGE_FIX

    @dataclass(frozen=True)
    class Params:
        days: int = param(30, "From its first to its last charge day in the window, at least this many days.",
                          minimum=1)
        min_cost: float = param(0.0, "Ignore resources whose cost over the window is at most this (billing "
                                "currency).", minimum=0.0)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: CostWithoutUsage.Params = params
        for r in ctx.resource_rows():
            if not r.get("consumed_unit") or (r.get("consumed") or 0) != 0:
                continue
            if res.cost(r) <= p.min_cost or res.span_days(r) < p.days:
                continue
            saving, monthly = _saving(ctx, r)
            yield self.finding(
                res.subject(r), args={"name": _label(r), "unit": r["consumed_unit"], "days": res.span_days(r)},
                evidence=_evidence(ctx, r, consumed=r.get("consumed"), consumed_unit=r["consumed_unit"],
                                   cost=res.amount(res.cost(r), r["currency"]), monthly_cost=monthly),
                monthly_saving_eur=saving, owner=res.owner(r, DEFAULT_OWNER))


RULES: tuple[type[Rule], ...] = (ForgottenInstance, UnattachedVolume, UnattachedIp, StoppedInstanceStorage,
                                 CostWithoutUsage)
