"""Rightsizing: a VM whose p95 CPU and memory fit a smaller, cheaper instance type of the same provider.

Inputs: the per-resource aggregate (which VMs, their SKU and description, their billed cost), the imported
utilisation samples (``ctx.input("utilisation")``, see ``balise.services.utilisation``) and the offer catalog
(``ctx.input("offers")``). One aggregate query over the samples (p95 per resource), shared through
``ctx.cached``.

For each VM with samples in the last N days:

1. its size: the instance type named in its SKU or description, looked up in the catalog (``m6i.xlarge``,
   ``Standard_D4s_v5``, ``b3-32``…; ``balise.reference.offers.Catalog.resolve``). A type the catalog does not
   list takes the size of a sibling of the same family and size (``m5.2xlarge`` -> ``m6a.2xlarge``);
2. what it needs: p95 CPU × its vCPUs × (1 + headroom), at least ``min_vcpu``; p95 memory × its RAM ×
   (1 + headroom), or its RAM when no memory sample was imported;
3. the proposal: the cheapest catalog offer of the same provider with at least that, smaller than today's
   (fewer vCPUs or less RAM), of the same architecture and GPU class, and not burstable or shared unless the
   VM already is (params);
4. the monthly saving: the catalog price difference × the share of the month the VM runs (billed hours per
   day / 24); when its type is not in the catalog, its billed monthly cost × (1 - proposed price / sibling's
   price). The evidence says which, and also gives the change priced on the billed cost
   (``saving_at_billed_rates_eur``): lower than the catalog difference when the VM's usage is discounted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from balise import engine
from balise.domain.findings import Domain, Finding, Severity, Status
from balise.i18n import Text
from balise.i18n import recommend_messages as rm
from balise.reference.offers import LOCATION_NOTE, Catalog, Offer
from balise.rules import resources as res
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext
from balise.rules.resources import Row

DEFAULT_OWNER = "SRE"  # owner of the "average CPU utilisation" KPI


def family(provider: str, name: str) -> str:
    """The family of an instance type: m6i (m6i.xlarge), Ds_v5 (D4s_v5), b3 (b3-32), PRO2 (PRO2-S)."""
    if provider == "aws":
        return name.split(".")[0]
    if provider == "azure":
        return re.sub(r"^([A-Za-z]+)\d+", r"\1", name)
    return re.split(r"[-.]", name)[0]


def utilisation_stats(ctx: RuleContext, days: int, percentile: float) -> dict[str, dict[str, Any]]:
    """Per sample key (ResourceId or name): samples, p-th percentile of CPU and memory, over the last ``days``
    days of the window. {} when no utilisation was imported."""
    def compute() -> dict[str, dict[str, Any]]:
        t = ctx.input("utilisation")
        if t is None:
            return {}
        lo = datetime.combine(ctx.as_of - timedelta(days=days - 1), time())
        hi = datetime.combine(ctx.as_of + timedelta(days=1), time())
        w = t.filter((t.ts >= lo) & (t.ts < hi))
        agg = w.group_by(key=w.resource_id).aggregate(
            samples=w.count(), cpu=w.cpu.quantile(percentile), memory=w.memory.quantile(percentile),
            memory_samples=w.memory.count(), cpu_mean=w.cpu.mean(), first=w.ts.min(), last=w.ts.max())
        return {r["key"]: r for r in engine.rows(ctx.con, agg)}
    return ctx.cached(f"utilisation:stats:{days}:{percentile}", compute)  # type: ignore[no-any-return]


class _Index:
    """Find the billed VM a sample key names: its ResourceId, the end of it (``i-0…``), or its ResourceName."""

    def __init__(self, vms: list[Row]) -> None:
        self.by_id = {r["resource_id"]: r for r in vms}
        self.by_tail: dict[str, list[Row]] = {}
        self.by_name: dict[str, list[Row]] = {}
        for r in vms:
            self.by_tail.setdefault(str(r["resource_id"]).rsplit("/", 1)[-1].lower(), []).append(r)
            if r.get("resource_name"):
                self.by_name.setdefault(res.norm(r["resource_name"]), []).append(r)

    def find(self, key: str) -> list[Row]:
        if key in self.by_id:
            return [self.by_id[key]]
        return self.by_tail.get(key.lower()) or self.by_name.get(res.norm(key)) or []


class Rightsizing(Rule):
    """A VM whose p95 CPU and memory, with headroom, fit a smaller and cheaper type of the same provider.

    Bad:  ``shop-web-01``, m6i.xlarge (4 vCPU, 16 GiB, 145.15 €/month in the catalog), p95 CPU 14 %, p95
          memory 34 %: it needs 2 vCPU (the minimum; 0.67 with 20 % headroom) and 6.5 GiB, so m6a.large
          (2 vCPU, 8 GiB, 65.32 €/month) fits: 79.83 € a month.
    Good: ``batch-worker-01``, c6i.2xlarge at p95 CPU 94 %: it needs more than its 8 vCPUs, nothing smaller fits.
    """

    code = "FIN-010"
    name = "finops.rightsizing.instance"
    domain = Domain.FINOPS
    severity = Severity.MEDIUM
    groups = ("rightsizing",)
    title = rm.RIGHTSIZE
    remediation = rm.RIGHTSIZE_FIX

    @dataclass(frozen=True)
    class Params:
        days: int = param(30, "Utilisation samples of the last N days of the window.", minimum=1)
        percentile: float = param(0.95, "Percentile of CPU and memory that must fit.", minimum=0.5, maximum=1.0)
        headroom: float = param(0.2, "Margin above the percentile (0.2 = 20 %).", minimum=0.0, maximum=4.0)
        min_vcpu: float = param(2.0, "Smallest vCPU count proposed (one vCPU leaves no room for the system "
                                "and agents).", minimum=0.0)
        min_samples: int = param(24, "Fewer samples than this in the period: not sized.", minimum=1)
        min_monthly_saving_eur: float = param(5.0, "Report only savings of at least this much a month.",
                                              minimum=0.0)
        same_family: bool = param(False, "Propose only types of the VM's own family (m6i.xlarge -> m6i.*).")
        same_architecture: bool = param(True, "Propose only types of the same CPU architecture (x86, arm64).")
        allow_burstable: bool = param(False, "Also propose burstable or shared-vCPU types to VMs that are not.")
        report_missing: bool = param(False, "Report VMs without (enough) utilisation samples as UNKNOWN.")
        resource_types: tuple[str, ...] = param(res.VM_TYPES, "ResourceType values of VMs (case-insensitive).")

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: Rightsizing.Params = params
        catalog: Catalog | None = ctx.input("offers")
        rows = ctx.resource_rows()
        last = res.provider_last_days(ctx)
        vms = [r for r in rows if res.is_vm(r, p.resource_types)
               and r["last_day"] >= last[r.get("provider")] - timedelta(days=p.days - 1)]
        index = _Index(vms)
        stats: dict[str, dict[str, Any]] = {}
        ambiguous: dict[str, str] = {}
        for key, found in utilisation_stats(ctx, p.days, p.percentile).items():
            hits = index.find(key)
            if len(hits) > 1:
                ambiguous.update({h["resource_id"]: key for h in hits})
            elif hits:
                stats[hits[0]["resource_id"]] = found
        for r in vms:
            s = stats.get(r["resource_id"])
            if s is None or s["samples"] < p.min_samples:
                if p.report_missing:
                    reason = (rm.REASON_AMBIGUOUS(key=ambiguous[r["resource_id"]]) if r["resource_id"] in ambiguous
                              else rm.REASON_NO_UTILISATION(days=p.days) if s is None
                              else rm.REASON_FEW_SAMPLES(n=s["samples"], days=p.days, min=p.min_samples))
                    yield self._unknown(ctx, r, reason, s)
                continue
            resolved = catalog.resolve(r.get("provider"), r.get("sku"), r.get("description")) if catalog else None
            if resolved is None or resolved.size is None or catalog is None:
                yield self._unknown(ctx, r, rm.REASON_NO_TYPE(), s)
                continue
            finding = self._size(ctx, p, r, s, catalog, resolved.name, resolved.offer, resolved.size)
            if finding is not None:
                yield finding

    def _size(self, ctx: RuleContext, p: Rightsizing.Params, r: Row, s: dict[str, Any], catalog: Catalog,
              type_name: str, offer: Offer | None, size: Offer) -> Finding | None:
        provider = str(r["provider"])
        cpu, memory = float(s["cpu"] or 0.0), (None if not s["memory_samples"] else float(s["memory"]))
        need_vcpu = max(cpu * size.vcpu * (1 + p.headroom), p.min_vcpu)
        need_ram = size.ram_gb if memory is None else memory * size.ram_gb * (1 + p.headroom)
        shared = None if (p.allow_burstable or size.shared_cpu) else False
        own = family(provider, type_name)
        cheapest = same = None
        for o in catalog.iter_equivalents(need_vcpu, need_ram, size.gpu_count, size.gpu_model,
                                          providers=[provider], shared_cpu=shared,
                                          architecture=size.architecture if p.same_architecture else None):
            if o.price_eur_month >= size.price_eur_month:
                break  # cheapest first: nothing further is cheaper than today
            if o.vcpu < size.vcpu or o.ram_gb < size.ram_gb:
                cheapest = cheapest or o
                if family(provider, o.name) == own:
                    same = o
                    break
        best = same if p.same_family else cheapest
        if best is None:
            return None
        hours = res.hours_a_day(r)
        share = 1.0 if hours is None else min(hours / 24, 1.0)
        billed = res.monthly_cost(r)
        billed_eur = ctx.to_eur(billed, r["currency"])
        if offer is not None:
            saving = (offer.price_eur_month - best.price_eur_month) * share
            basis = "catalog price difference × share of the month running"
        else:
            saving = billed_eur * (1 - best.price_eur_month / size.price_eur_month)
            basis = f"billed cost × (1 - {best.name} price / {size.name} price): {type_name} is not in the catalog"
        if saving < p.min_monthly_saving_eur:
            return None
        evidence = {
            "period": self._period(ctx, p), "samples": s["samples"], "percentile": p.percentile,
            "cpu": round(cpu, 4), "memory": None if memory is None else round(memory, 4),
            "cpu_mean": round(float(s["cpu_mean"] or 0), 4), "headroom": p.headroom,
            "current": {"instance_type": type_name, "vcpu": size.vcpu, "ram_gb": size.ram_gb,
                        **({"catalog": offer.describe()} if offer else {"size_from": size.describe()})},
            "needed": {"vcpu": round(need_vcpu, 2), "ram_gb": round(need_ram, 2)},
            "proposed": best.describe(), "saving_basis": basis, "hours_a_day": None if hours is None
            else round(hours, 2), "billed_monthly_cost": res.amount(billed, r["currency"], billed_eur),
            # the same change priced on what the VM is billed (its region, discounts, commitments)
            "saving_at_billed_rates_eur": round(billed_eur * (1 - best.price_eur_month / size.price_eur_month), 2),
            "note": LOCATION_NOTE,
        }
        if same is not None and same is not best:
            evidence["same_family_option"] = same.describe()
        pct = rm.PCT(value=round(cpu * 100))  # whole percents: no locale-specific digits to format
        mem = rm.UNKNOWN_VALUE() if memory is None else rm.PCT(value=round(memory * 100))
        return self.finding(
            res.subject(r), args={"name": r.get("resource_name") or r["resource_id"], "current": type_name,
                                  "proposed": best.name, "cpu": pct, "memory": mem, "vcpu": f"{best.vcpu:g}",
                                  "ram": f"{best.ram_gb:g}", "price_date": best.price_date,
                                  "location": best.location},
            evidence=evidence, monthly_saving_eur=round(saving, 2), owner=res.owner(r, DEFAULT_OWNER))

    def _period(self, ctx: RuleContext, p: Rightsizing.Params) -> dict[str, str]:
        return {"start": (ctx.as_of - timedelta(days=p.days - 1)).isoformat(), "end": ctx.as_of.isoformat()}

    def _unknown(self, ctx: RuleContext, r: Row, reason: Text, s: dict[str, Any] | None) -> Finding:
        name = r.get("resource_name") or r["resource_id"]
        f = self.finding(res.subject(r), status=Status.UNKNOWN, severity=Severity.INFO,
                         args={"name": name, "current": "?", "proposed": "?", "cpu": "?", "memory": "?",
                               "vcpu": "?", "ram": "?", "price_date": "?", "location": "?"},
                         evidence={"period": res.period(ctx), "reason": reason.render("en"),
                                   "samples": 0 if s is None else s["samples"], "sku": r.get("sku"),
                                   "description": r.get("description")},
                         owner=res.owner(r, DEFAULT_OWNER))
        f.title = rm.RIGHTSIZE_UNKNOWN(name=name, reason=reason)
        f.remediation = rm.RIGHTSIZE_UNKNOWN_FIX()
        return f


RULES: tuple[type[Rule], ...] = (Rightsizing,)
