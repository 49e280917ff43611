"""Cheaper equivalent offer at another provider (FIN-030): an option to consider, never a verdict.

For each VM whose instance type is in the offer catalog (``ctx.input("offers")``, matched as in
``balise.reference.offers.Catalog.resolve``), the cheapest offer of another provider, European ones included,
with at least the same vCPUs and RAM, the same GPU class and count, the same CPU architecture, and dedicated
vCPUs unless the VM's own are shared or burstable. Prices are the catalog's, each with its date and its one
location (the catalog has one location per provider, not per region); the difference is scaled by the share of
the month the VM runs. Reads only the shared per-resource aggregate and the catalog: no query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from balise.domain.findings import Domain, Finding, Severity, Subject
from balise.i18n import recommend_messages as rm
from balise.reference.offers import LOCATION_NOTE, Catalog, Offer
from balise.rules import resources as res
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext

DEFAULT_OWNER = "FinOps lead"
MAX_LISTED = 50  # VMs listed in a grouped option's evidence (the count is always given)


class CheaperElsewhere(Rule):
    """A VM whose catalog equivalent at another provider costs less: shown as an option (severity info).

    Bad:  ``backoffice-01``, OVHcloud b3-32 (8 vCPU, 32 GB, 149.36 €/month on 2026-08-14) where another
          provider lists 8 vCPU / 32 GB for much less: an option worth a look.
    Good: a VM whose type is not in the catalog (nothing to compare), or whose cheapest equivalent costs less
          than 10 € a month less.
    """

    code = "FIN-030"
    name = "finops.offer.cheaper-elsewhere"
    domain = Domain.FINOPS
    severity = Severity.INFO
    groups = ("offers",)
    title = rm.CHEAPER_OFFER
    remediation = rm.CHEAPER_OFFER_FIX

    @dataclass(frozen=True)
    class Params:
        min_monthly_difference_eur: float = param(10.0, "Report only options at least this much cheaper a month.",
                                                  minimum=0.0)
        providers: tuple[str, ...] = param((), "Providers to compare with (catalog keys); empty = all of the catalog.")
        same_architecture: bool = param(True, "Compare only offers of the same CPU architecture (x86, arm64).")
        allow_shared_cpu: bool = param(False, "Also propose shared or burstable vCPUs to VMs with dedicated ones.")
        include_manually_collected: bool = param(True, "Also use prices read from web pages rather than APIs.")
        alternatives: int = param(3, "How many cheaper offers the evidence lists.", minimum=1, maximum=10)
        within_days: int = param(30, "VMs billed within this many days of the provider's last day with data.",
                                 minimum=1)
        resource_types: tuple[str, ...] = param(res.VM_TYPES, "ResourceType values of VMs (case-insensitive).")
        group_by: str = param("instance_type", "One option per instance type and account (its VMs listed in the "
                              "evidence), or one per VM.", choices=("instance_type", "resource"))

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: CheaperElsewhere.Params = params
        catalog: Catalog | None = ctx.input("offers")
        if catalog is None:
            return
        rows = ctx.resource_rows()
        last = res.provider_last_days(ctx)
        options_of: dict[tuple[str, str], list[Offer]] = {}  # a fleet repeats the same few types
        groups: dict[tuple[str, Any, str], tuple[Offer, list[Offer], list[tuple[Any, float, float]]]] = {}
        for r in rows:
            if not res.is_vm(r, p.resource_types):
                continue
            if r["last_day"] < last[r.get("provider")] - timedelta(days=p.within_days - 1):
                continue
            resolved = catalog.resolve(r.get("provider"), r.get("sku"), r.get("description"))
            if resolved is None or resolved.offer is None:
                continue
            cur = resolved.offer
            hours = res.hours_a_day(r)
            share = 1.0 if hours is None else min(hours / 24, 1.0)
            key = (cur.provider, cur.name)
            if key not in options_of:
                options_of[key] = self._options(catalog, cur, p)
            options = options_of[key]
            if not options or (cur.price_eur_month - options[0].price_eur_month) * share < p.min_monthly_difference_eur:
                continue
            best = options[0]
            difference = (cur.price_eur_month - best.price_eur_month) * share
            if p.group_by == "resource":
                yield self._one(ctx, r, cur, best, options, difference, share)
            else:
                group = groups.setdefault((cur.provider, r.get("account"), cur.name), (cur, options, []))
                group[2].append((r, difference, share))
        for (_, account, _), (cur, options, members) in groups.items():
            yield self._grouped(ctx, cur, options, members, account)

    def _one(self, ctx: RuleContext, r: Any, cur: Offer, best: Offer, options: list[Offer], difference: float,
             share: float) -> Finding:
        return self.finding(
            res.subject(r),
            args={"name": r.get("resource_name") or r["resource_id"], "current": cur.name,
                  "provider": cur.provider, "alternative": best.name, "alt_provider": best.provider,
                  "difference": res.money_text(difference, "EUR"), "current_date": cur.price_date,
                  "current_location": cur.location, "alt_date": best.price_date, "alt_location": best.location},
            evidence={"period": res.period(ctx), "option": True, "current": cur.describe(),
                      "alternative": best.describe(),
                      "alternatives": [o.describe() for o in options],
                      "monthly_difference_eur": round(difference, 2), "share_of_month_running": round(share, 4),
                      "billed_monthly_cost": res.amount(res.monthly_cost(r), r["currency"],
                                                        ctx.to_eur(res.monthly_cost(r), r["currency"])),
                      "note": LOCATION_NOTE},
            monthly_saving_eur=round(difference, 2), owner=res.owner(r, DEFAULT_OWNER))

    def _grouped(self, ctx: RuleContext, cur: Offer, options: list[Offer], members: list[tuple[Any, float, float]],
                 account: Any) -> Finding:
        """One option for every VM of one instance type in one account: a fleet is one decision, not N."""
        best = options[0]
        difference = sum(d for _, d, _ in members)
        names = sorted(str(r.get("resource_name") or r["resource_id"]) for r, _, _ in members)
        label = names[0] if len(names) == 1 else f"{len(names)} × {cur.name} ({names[0]}, …)"
        owners = {res.owner(r, DEFAULT_OWNER) for r, _, _ in members}
        first = members[0][0]
        subject = Subject(kind="instance-type", id=f"{cur.provider}:{account}:{cur.name}", name=label,
                          provider=first.get("provider"), account=account)
        return self.finding(
            subject,
            args={"name": label, "current": cur.name, "provider": cur.provider, "alternative": best.name,
                  "alt_provider": best.provider, "difference": res.money_text(difference, "EUR"),
                  "current_date": cur.price_date, "current_location": cur.location, "alt_date": best.price_date,
                  "alt_location": best.location},
            evidence={"period": res.period(ctx), "option": True, "current": cur.describe(),
                      "alternative": best.describe(), "alternatives": [o.describe() for o in options],
                      "monthly_difference_eur": round(difference, 2), "vms": len(members),
                      "resources": [{"id": r["resource_id"], "name": r.get("resource_name"),
                                     "share_of_month_running": round(sh, 4), "monthly_difference_eur": round(d, 2)}
                                    for r, d, sh in sorted(members, key=lambda m: -m[1])[:MAX_LISTED]],
                      "note": LOCATION_NOTE},
            monthly_saving_eur=round(difference, 2), owner=owners.pop() if len(owners) == 1 else DEFAULT_OWNER)

    def _options(self, catalog: Catalog, cur: Offer, p: CheaperElsewhere.Params) -> list[Offer]:
        shared = None if (cur.shared_cpu or p.allow_shared_cpu) else False
        out: list[Offer] = []
        for o in catalog.iter_equivalents(cur.vcpu, cur.ram_gb, cur.gpu_count, cur.gpu_model,
                                          providers=list(p.providers) or None, exclude_providers=[cur.provider],
                                          architecture=cur.architecture if p.same_architecture else None,
                                          shared_cpu=shared):
            if o.price_eur_month >= cur.price_eur_month or len(out) >= p.alternatives:
                break
            if o.manually_collected and not p.include_manually_collected:
                continue
            out.append(o)
        return out


RULES: tuple[type[Rule], ...] = (CheaperElsewhere,)
