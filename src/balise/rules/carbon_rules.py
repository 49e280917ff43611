"""Greener placements (GRN-001, GRN-002): options with their kgCO2e and € difference a month.

Both read the shared per-resource aggregate, the offer catalog (``ctx.input("offers")``) and the tenant's carbon
estimator (``ctx.input("carbon")``, ``balise.services.carbon``): the same factors as ``balise carbon``, grid
overrides and PUE included. A VM's month is 730 h times the share of the day it runs, at the default 50 % CPU
(CCF): the difference between two places is in the operational part (energy x PUE x grid factor); the embodied
part moves with the machine. Data kept in the EEA stays in the EEA: a VM in an EEA region (regions.csv) is only
offered EEA regions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from balise.carbon.estimate import Estimator, Factors, Profile
from balise.domain.findings import Domain, Finding, Severity
from balise.i18n import carbon_messages as cm
from balise.reference.carbon import HYPERSCALERS, canonical_region
from balise.reference.offers import LOCATION_NOTE, Catalog, Offer
from balise.rules import resources as res
from balise.rules.base import Rule, param
from balise.rules.context import RuleContext

HOURS_A_MONTH = 730.0
DEFAULT_OWNER = "GreenOps"


def _eea(estimator: Estimator, provider: str, region: str | None) -> bool | None:
    if not region:
        return None
    return estimator.ref.region_eea.get((provider, canonical_region(provider, region)))


def _regions(estimator: Estimator, provider: str) -> list[str]:
    """Regions of a provider the shipped data knows a grid factor for (regions.csv, CCF region factors)."""
    ref = estimator.ref
    names = {r for (p, r) in ref.region_country if p == provider}
    if provider in HYPERSCALERS:
        names |= {r for (p, r) in ref.region_grid if p == provider}
    return sorted(names)


def _month_kg(f: Factors, hours: float) -> tuple[float, float]:
    """(operational, embodied) kgCO2e of ``hours`` at the default utilisation."""
    kwh = f.kwh(hours, None)
    return f.operational(kwh), hours * f.embodied_kg


def _vm_rows(ctx: RuleContext, within_days: int) -> Iterator[tuple[dict[str, Any], float]]:
    last = res.provider_last_days(ctx)
    for r in ctx.resource_rows():
        if not res.is_vm(r) or r["last_day"] < last[r.get("provider")] - timedelta(days=within_days - 1):
            continue
        hours = res.hours_a_day(r)
        if hours is None:
            continue
        yield r, min(hours / 24, 1.0) * HOURS_A_MONTH


def _profile(r: dict[str, Any]) -> Profile:
    return Profile(r.get("provider"), r.get("service"), r.get("service_category"), r.get("region"),
                   r.get("resource_type"), r.get("sku"), r.get("description"), r.get("consumed_unit") or "Hours")


def _grid_text(f: Factors) -> str:
    return "—" if f.grid is None else f"{f.grid.g_per_kwh:.1f}"


def _factors_json(f: Factors) -> dict[str, Any]:
    return {"method": f.method, "confidence": f.confidence, "instance_type": f.instance_type,
            "pue": None if f.pue is None else {"value": f.pue.value, "source": f.pue.source, "default": f.pue.default},
            "grid": None if f.grid is None else {"gco2e_per_kwh": f.grid.g_per_kwh, "year": f.grid.year,
                                                 "source": f.grid.source}}


class GreenerRegion(Rule):
    """A VM that would emit less in another region of the same provider (same instance type).

    Bad:  ``pipeline-01``, AWS r6i.xlarge in eu-central-1 (311 gCO2e/kWh): in eu-north-1 (8.8 gCO2e/kWh) it
          would emit about 27 kgCO2e a month less, data still in the EEA.
    Good: a VM already in its provider's greenest EEA region (eu-west-3, eu-north-1), or whose difference is
          under 5 kgCO2e a month.
    """

    code = "GRN-001"
    name = "greenops.placement.greener-region"
    domain = Domain.GREENOPS
    severity = Severity.LOW
    groups = ("carbon", "placement")
    title = cm.GREENER_REGION
    remediation = cm.GREENER_REGION_FIX

    @dataclass(frozen=True)
    class Params:
        min_monthly_kgco2e: float = param(2.0, "Report only moves saving at least this many kgCO2e a month.",
                                          minimum=0.0)
        keep_in_eea: bool = param(True, "A VM in an EEA region is only offered EEA regions.")
        within_days: int = param(30, "VMs billed within this many days of the provider's last day with data.",
                                 minimum=1)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: GreenerRegion.Params = params
        carbon = ctx.input("carbon")
        if carbon is None:
            return
        est: Estimator = carbon.estimator
        catalog: Catalog | None = ctx.input("offers")
        # kgCO2e are linear in hours: the greenest region of a profile is the same for every VM of it
        memo: dict[Profile, tuple[float, str, Factors] | None] = {}
        for r, hours in _vm_rows(ctx, p.within_days):
            prof = _profile(r)
            f = est.factors(prof)
            if f.kind != "compute" or f.grid is None:
                continue
            provider = prof.provider or ""
            if prof not in memo:
                memo[prof] = self._greenest(est, prof, p.keep_in_eea)
            found = memo[prof]
            if found is None:
                continue
            cur_op, _ = _month_kg(f, hours)
            best = (found[0] * hours, found[1], found[2])
            if cur_op - best[0] < p.min_monthly_kgco2e:
                continue
            kg = cur_op - best[0]
            offer = catalog.resolve(provider, prof.sku, prof.description) if catalog else None
            o = offer.offer if offer else None
            price_date = o.price_date if o else "—"
            yield self.finding(
                res.subject(r),
                args={"name": r.get("resource_name") or r["resource_id"], "instance": f.instance_type,
                      "region": prof.region, "alternative": best[1], "provider": provider,
                      "kg": f"{kg:.1f}", "factor": _grid_text(f), "alt_factor": _grid_text(best[2]),
                      "difference": res.money_text(0.0, "EUR"), "price_date": price_date},
                evidence={"period": res.period(ctx), "option": True, "hours_a_month": round(hours, 1),
                          "utilisation": "default 50 % (CCF)", "current_region": prof.region,
                          "alternative_region": best[1], "kgco2e_month_current_operational": round(cur_op, 3),
                          "kgco2e_month_alternative_operational": round(best[0], 3),
                          "monthly_kgco2e_difference": round(kg, 3), "current": _factors_json(f),
                          "alternative": _factors_json(best[2]), "monthly_difference_eur": 0.0,
                          "price": o.describe() if o else None, "price_date": price_date,
                          "note": "the catalog prices one location per provider: the difference between two regions "
                                  "of the same provider is not known from it (0 € here); check the regional price"},
                monthly_kgco2e=round(kg, 3), owner=res.owner(r, DEFAULT_OWNER))

    @staticmethod
    def _greenest(est: Estimator, prof: Profile, keep_in_eea: bool) -> tuple[float, str, Factors] | None:
        """(operational kgCO2e per hour, region, factors) of the profile's greenest other region."""
        provider = prof.provider or ""
        in_eea = _eea(est, provider, prof.region)
        best: tuple[float, str, Factors] | None = None
        for region in _regions(est, provider):
            if canonical_region(provider, region) == canonical_region(provider, prof.region or ""):
                continue
            if keep_in_eea and in_eea is not False and not _eea(est, provider, region):
                continue
            alt = est.factors(replace(prof, region=region))
            if alt.kind != "compute" or alt.grid is None or alt.grid.scope == "provider-mean":
                continue
            op, _ = _month_kg(alt, 1.0)
            if best is None or op < best[0]:
                best = (op, region, alt)
        return best


class GreenerOffer(Rule):
    """A VM whose catalog equivalent at another provider, in a compliant region, would emit less.

    Bad:  ``pipeline-01``, AWS r6i.xlarge in eu-central-1 (311 gCO2e/kWh, PUE 1.135) where Scaleway lists 4 vCPU
          / 32 GB in fr-par (56 gCO2e/kWh): about 20 kgCO2e a month less, at a catalog price difference shown
          with both price dates.
    Good: a VM whose type is not in the catalog, or already on a low-carbon grid (France, Sweden) where no
          equivalent saves 5 kgCO2e a month.
    """

    code = "GRN-002"
    name = "greenops.placement.greener-offer"
    domain = Domain.GREENOPS
    severity = Severity.INFO
    groups = ("carbon", "placement", "offers")
    title = cm.GREENER_OFFER
    remediation = cm.GREENER_OFFER_FIX

    @dataclass(frozen=True)
    class Params:
        min_monthly_kgco2e: float = param(2.0, "Report only options saving at least this many kgCO2e a month.",
                                          minimum=0.0)
        allow_more_expensive: bool = param(False, "Also propose offers whose catalog price is higher.")
        keep_in_eea: bool = param(True, "A VM in an EEA region is only offered EEA regions.")
        providers: tuple[str, ...] = param((), "Providers to compare with (catalog keys); empty = all.")
        within_days: int = param(30, "VMs billed within this many days of the provider's last day with data.",
                                 minimum=1)
        candidates: int = param(40, "How many equivalent offers (cheapest first) are weighed per instance type.",
                                minimum=1, maximum=500)

    def evaluate(self, ctx: RuleContext, params: Any) -> Iterator[Finding]:
        p: GreenerOffer.Params = params
        carbon = ctx.input("carbon")
        catalog: Catalog | None = ctx.input("offers")
        if carbon is None or catalog is None:
            return
        est: Estimator = carbon.estimator
        greenest: dict[tuple[str, bool], str | None] = {}
        # kgCO2e are linear in hours: the best option of a profile is the same for every VM of it
        memo: dict[tuple[Profile, bool], tuple[float, Offer, str, Factors] | None] = {}
        for r, hours in _vm_rows(ctx, p.within_days):
            prof = _profile(r)
            f = est.factors(prof)
            resolved = catalog.resolve(prof.provider, prof.sku, prof.description)
            if f.kind != "compute" or f.grid is None or resolved is None or resolved.offer is None:
                continue
            cur = resolved.offer
            provider = prof.provider or ""
            eea_only = p.keep_in_eea and _eea(est, provider, prof.region) is not False
            cur_op, cur_emb = _month_kg(f, hours)
            share = hours / HOURS_A_MONTH
            if (prof, eea_only) not in memo:
                memo[(prof, eea_only)] = self._best(est, catalog, cur, provider, eea_only, p, greenest)
            found = memo[(prof, eea_only)]
            if found is None:
                continue
            best = (found[0] * hours, found[1], found[2], found[3])
            kg = cur_op + cur_emb - best[0]
            if kg < p.min_monthly_kgco2e:
                continue
            alt_offer, region, alt = best[1], best[2], best[3]
            difference = (cur.price_eur_month - alt_offer.price_eur_month) * share
            yield self.finding(
                res.subject(r),
                args={"name": r.get("resource_name") or r["resource_id"], "instance": cur.name,
                      "alternative": alt_offer.name, "alt_provider": alt_offer.provider, "alt_region": region,
                      "kg": f"{kg:.1f}", "difference": res.money_text(difference, "EUR"),
                      "price_date": cur.price_date, "provider": provider, "alt_date": alt_offer.price_date},
                evidence={"period": res.period(ctx), "option": True, "hours_a_month": round(hours, 1),
                          "utilisation": "default 50 % (CCF)", "current": {**cur.describe(), **_factors_json(f)},
                          "alternative": {**alt_offer.describe(), **_factors_json(alt), "region": region},
                          "kgco2e_month_current": round(cur_op + cur_emb, 3),
                          "kgco2e_month_alternative": round(best[0], 3), "monthly_kgco2e_difference": round(kg, 3),
                          "monthly_difference_eur": round(difference, 2), "eea_only": eea_only,
                          "note": LOCATION_NOTE},
                monthly_saving_eur=round(difference, 2) if difference > 0 else None,
                monthly_kgco2e=round(kg, 3), owner=res.owner(r, DEFAULT_OWNER))

    def _best(self, est: Estimator, catalog: Catalog, cur: Offer, provider: str, eea_only: bool,
              p: GreenerOffer.Params, greenest: dict[tuple[str, bool], str | None]
              ) -> tuple[float, Offer, str, Factors] | None:
        """(kgCO2e per hour, offer, region, factors) of the greenest equivalent offer elsewhere."""
        best: tuple[float, Offer, str, Factors] | None = None
        shared = None if cur.shared_cpu else False
        for n, o in enumerate(catalog.iter_equivalents(
                cur.vcpu, cur.ram_gb, cur.gpu_count, cur.gpu_model, providers=list(p.providers) or None,
                exclude_providers=[provider], architecture=cur.architecture, shared_cpu=shared)):
            if n >= p.candidates:
                break
            if not p.allow_more_expensive and o.price_eur_month > cur.price_eur_month:
                break
            key = (o.provider, eea_only)
            if key not in greenest:
                greenest[key] = self._greenest_region(est, o.provider, eea_only)
            region = greenest[key]
            if region is None:
                continue
            alt = est.factors(Profile(o.provider, None, "Compute", region, "Virtual Machine", o.name, o.name, "Hours"))
            if alt.kind != "compute" or alt.grid is None:
                continue
            op, emb = _month_kg(alt, 1.0)
            if best is None or op + emb < best[0]:
                best = (op + emb, o, region, alt)
        return best

    @staticmethod
    def _greenest_region(est: Estimator, provider: str, eea_only: bool) -> str | None:
        best: tuple[float, str] | None = None
        for region in _regions(est, provider):
            if eea_only and not _eea(est, provider, region):
                continue
            g = est.grid(provider, region)
            if g is None:
                continue
            value = g.g_per_kwh * est.ref.provider(provider, region).pue.value
            if best is None or value < best[0]:
                best = (value, region)
        return None if best is None else best[1]


RULES: tuple[type[Rule], ...] = (GreenerRegion, GreenerOffer)
