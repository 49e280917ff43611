"""From a FOCUS usage profile to its carbon factors, and from aggregated usage to kgCO2e with provenance.

A **profile** is what decides the factors of a FOCUS row: provider, service, category, region, ResourceType,
SkuId, ChargeDescription and ConsumedUnit. Rows are first summed per profile (and month, group key,
utilisation) by the engine; :func:`factors` maps each distinct profile once to :class:`Factors` (per unit of
ConsumedQuantity), and :func:`annotate` applies them to the sums. Nothing here reads a file or a database: the
reference data, the grid resolver and the EUR conversion are passed in.

Methods (``method`` of each estimate):

- ``ccf-compute``: instance-hours of a machine found in the CCF files (confidence high when its CPU
  micro-architecture is known, medium otherwise) or in the offer catalog (European providers: medium);
  CPU (+ GPU) watts at the measured or default utilisation, CCF extra memory, embodied share of the host.
- ``ccf-storage``: GB-hours / GB-months of block, object or database storage, SSD or HDD from the service and
  SKU words, times the provider's replication factor (medium).
- ``ccf-network``: GB of data transfer; inter-region transfer is CCF's scope (medium), internet egress and CDN
  get the same coefficient with confidence low (CCF itself leaves them out).
- ``ccf-serverless``: GB-seconds, at AWS Lambda's documented 1 vCPU per 1,769 MB (low).
- ``spend-based``: anything else with a cost (managed services, tokens, gateways…): kWh per euro of the
  tenant's own estimated usage of the same provider and period (CCF's "unknown usage by cost"), low.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from balise.carbon import model
from balise.reference.carbon import HYPERSCALERS, UNKNOWN, CarbonReference, GridFactor, Machine, Pue
from balise.reference.offers import Catalog

CONFIDENCE_ORDER = ("high", "medium", "low", "none")
DEFAULT_UTILISATION = 0.5
LAMBDA_GB_PER_VCPU = 1.769  # AWS Lambda: "at 1,769 MB, a function has the equivalent of one vCPU"
HOURS_A_MONTH = 730.0
# Azure managed disk sizes in GiB by tier (learn.microsoft.com, "Azure managed disk types").
AZURE_DISK_GIB = {1: 4, 2: 8, 3: 16, 4: 32, 6: 64, 10: 128, 15: 256, 20: 512, 30: 1024, 40: 2048, 50: 4096,
                  60: 8192, 70: 16384, 80: 32767}
_HOURS = {"hours", "hour", "hrs", "hr", "1 hour", "instance hours", "node hours"}
_STORAGE_HOURS = {"gb-hours", "gb-hour", "gb hours", "gib-hours", "gibibyte hour"}
_STORAGE_MONTHS = {"gb-month", "gb-months", "gb/month", "gb-mo", "gib-month", "gib-months", "1 gb/month",
                   "gibibyte month", "gb month"}
_SSD = re.compile(r"\b(ssd|gp2|gp3|io1|io2|premium|high-speed|nvme|provisioned iops|ultra|balanced)\b", re.I)
_HDD = re.compile(r"\b(hdd|st1|sc1|magnetic|standard hdd|object|s3|blob|bucket|glacier|archive|cold|tape|"
                  r"snapshot|backup|lrs|grs|zrs)\b", re.I)
_TRANSFER = re.compile(r"(transfer|bandwidth|egress|cdn|cloudfront|data out|data-out|outbound|inter-?region)", re.I)
_INTER_REGION = re.compile(r"(inter-?region|region to region|between regions|-aws-(out|in)-bytes|"
                           r"data transfer (from|to) (?!internet))", re.I)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")


@dataclass(frozen=True, slots=True)
class Profile:
    provider: str | None
    service: str | None
    category: str | None
    region: str | None
    resource_type: str | None
    sku: str | None
    description: str | None
    unit: str | None

    def text(self) -> str:
        return " ".join(x for x in (self.service, self.resource_type, self.sku, self.description) if x)


@dataclass
class Factors:
    """Per unit of ConsumedQuantity: energy at utilisation u is ``kwh_fixed + kwh_idle + u * kwh_span``."""

    method: str
    confidence: str
    kind: str  # compute | storage | network | serverless | spend | none
    kwh_fixed: float = 0.0
    kwh_idle: float = 0.0
    kwh_span: float = 0.0
    embodied_kg: float = 0.0
    pue: Pue | None = None
    grid: GridFactor | None = None
    renewable_share: float = 0.0
    renewable_source: str | None = None
    instance_type: str | None = None
    factors: dict[str, Any] = field(default_factory=dict)

    def kwh(self, quantity: float, utilisation: float | None) -> float:
        u = DEFAULT_UTILISATION if utilisation is None else utilisation
        return quantity * (self.kwh_fixed + self.kwh_idle + u * self.kwh_span)

    def operational(self, kwh: float) -> float:
        if self.pue is None or self.grid is None:
            return 0.0
        return model.operational_kg(kwh, self.pue.value, self.grid.g_per_kwh)


Grid = Callable[[str | None, str | None], GridFactor | None]  # (provider, region) -> factor (overrides applied)
Renewables = Callable[[str | None, str | None], tuple[float, str | None]]  # -> (share, source)


def _words(*texts: str | None) -> list[str]:
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        words = [w.rstrip(".-_") for w in _WORD.findall(text)]
        out.extend(words)
        out.extend(f"{a} {b}" for a, b in itertools.pairwise(words) if re.fullmatch(r"v\d+", b, re.I))
    variants = []
    for w in out:
        variants.append(w)
        low = w.lower()
        for prefix in ("db.", "cache.", "db-", "standard_"):
            if low.startswith(prefix):
                variants.append(w[len(prefix):])
        for suffix in (".search", ".elasticsearch"):
            if low.endswith(suffix):
                variants.append(w[: -len(suffix)])
    return variants


def _norm_unit(unit: str | None) -> str:
    return (unit or "").strip().lower()


def classify(p: Profile) -> str:
    unit = _norm_unit(p.unit)
    text = p.text()
    if unit in _HOURS:
        if re.search(r"\b[PES]\d+\b", f"{p.sku} {p.description}") and "disk" in text.lower():
            return "storage"
        return "compute"
    if unit in _STORAGE_HOURS or unit in _STORAGE_MONTHS or (unit == "units/month" and "disk" in text.lower()):
        return "storage"
    if unit in ("gb", "gib", "1 gb", "gigabyte") and _TRANSFER.search(text):
        return "network"
    if unit in ("gb-seconds", "gb-second", "gib-seconds"):
        return "serverless"
    return "spend"


class Estimator:
    """Maps profiles to factors, once each (a tenant has a few hundred profiles, whatever its rows)."""

    def __init__(self, ref: CarbonReference, catalog: Catalog | None, grid: Grid, renewables: Renewables) -> None:
        self.ref, self.catalog, self.grid, self.renewables = ref, catalog, grid, renewables
        self.constants = ref.constants["common"]
        self._memo: dict[Profile, Factors] = {}

    def factors(self, p: Profile) -> Factors:
        if p not in self._memo:
            self._memo[p] = self._factors(p)
        return self._memo[p]

    def _factors(self, p: Profile) -> Factors:
        kind = classify(p)
        f: Factors | None = None
        if kind == "compute":
            f = self._compute(p)
        elif kind == "storage":
            f = self._storage(p)
        elif kind == "network":
            f = self._network(p)
        elif kind == "serverless":
            f = self._serverless(p)
        if f is None:
            f = Factors("spend-based", "low", "spend", factors={"basis": "kWh per EUR of the tenant's estimated usage "
                                                                          "of the same provider and period (CCF)"})
        provider = p.provider or ""
        info = self.ref.provider(provider, p.region)
        f.pue = info.pue
        f.grid = self.grid(p.provider, p.region)
        if f.grid is None:
            f.grid = self._fallback_grid(provider)
            f.confidence = "low"
        f.renewable_share, f.renewable_source = self.renewables(p.provider, p.region)
        return f

    def _fallback_grid(self, provider: str) -> GridFactor | None:
        """No region (global services such as a CDN): the mean of the provider's region factors."""
        values = [g for (prov, _), g in self.ref.region_grid.items() if prov == provider]
        if not values:
            isos = {iso for (prov, _), iso in self.ref.region_country.items() if prov == provider}
            values = [self.ref.country_grid[i] for i in sorted(isos) if i in self.ref.country_grid]
        if not values:
            return None
        mean = sum(g.g_per_kwh for g in values) / len(values)
        return GridFactor(mean, values[0].year, f"mean of the {len(values)} {provider} factors shipped (row "
                                                f"without a region): {values[0].source}", "provider-mean", provider)

    # --- compute ----------------------------------------------------------------------------------------
    def _machine(self, p: Profile) -> tuple[Machine | None, str]:
        provider = p.provider or ""
        if provider in HYPERSCALERS:
            for w in _words(p.sku, p.description, p.resource_type):
                m = self.ref.machine(provider, w)
                if m is not None:
                    return m, "ccf"
        if self.catalog is None:
            return None, ""
        for texts in ((p.sku, p.description), tuple(_words(p.sku, p.description))):
            resolved = self.catalog.resolve(provider, *texts)
            if resolved is not None and resolved.size is not None:
                o = resolved.size
                fam = self.ref.family(provider, resolved.name)
                arch = fam[1] if fam else UNKNOWN
                if arch == UNKNOWN and provider == "aws" and o.architecture == "arm64":
                    arch = "Graviton2"
                host = self.ref.reference_hosts.get(arch) or self.ref.generic_host.get(
                    provider if provider in HYPERSCALERS else "aws")
                assert host is not None
                basis = f"offer catalog {o.source} ({o.provider} {o.name}: {o.vcpu:g} vCPU, {o.ram_gb:g} GB)"
                if fam:
                    basis += f"; CPU {fam[0]} ({fam[2]})"
                return Machine(provider, resolved.name, o.vcpu, o.ram_gb, host[0], host[1], (arch,), host[2],
                               o.gpu_count, o.gpu_model, fam[0] if fam else None,
                               f"{basis}; host: {host[3]}"), "catalog"
        return None, ""

    def _compute(self, p: Profile) -> Factors | None:
        m, origin = self._machine(p)
        if m is None:
            return None
        provider = p.provider or ""
        info = self.ref.provider(provider, p.region)
        basis = f"ccf-{provider}" if provider in HYPERSCALERS else info.watts_basis
        min_w, max_w, gb_chip, archs = self.ref.watts_for(basis, m.architectures)
        mem_kwh_h = model.memory_gb_hours(1.0, m.memory_gb, m.platform_vcpu, m.platform_memory_gb, gb_chip) * \
            float(self.constants["MEMORY_kWh_per_GBh"])
        gpu_min = gpu_span = 0.0
        gpu_name = None
        gpu_model = m.gpu_model
        if m.gpus and not gpu_model and self.catalog is not None:
            o = self.catalog.find(provider, m.name)
            gpu_model = o.gpu_model if o else None
        if m.gpus and gpu_model:
            for name, (lo, hi) in self.ref.constants["gpu_watts"].items():
                if name.startswith("_"):
                    continue
                if gpu_model.split()[-1].upper().split("-")[0] in name.upper():
                    gpu_name, gpu_min, gpu_span = name, m.gpus * lo / 1000, m.gpus * (hi - lo) / 1000
                    break
        lifespan = float(self.constants["SERVER_EXPECTED_LIFESPAN_hours"])
        host_kg = m.embodied_kg or 0.0
        emb = model.embodied_kg(host_kg, 1.0, m.vcpu, m.platform_vcpu, lifespan)
        known_arch = archs != [UNKNOWN]
        confidence = "high" if origin == "ccf" and known_arch else "medium"
        factors = {"instance_type": m.name, "vcpu": m.vcpu, "memory_gb": m.memory_gb,
                   "host_vcpu": m.platform_vcpu, "host_memory_gb": m.platform_memory_gb,
                   "architectures": archs, "cpu": m.cpu, "min_watts_per_vcpu": round(min_w, 6),
                   "max_watts_per_vcpu": round(max_w, 6), "gb_per_chip": round(gb_chip, 4),
                   "watts_source": f"{basis} use coefficients" if known_arch else
                   f"{basis.removeprefix('ccf-')} average of all micro-architectures (CCF app constants)",
                   "extra_memory_kwh_per_hour": round(mem_kwh_h, 8),
                   "memory_kwh_per_gb_hour": self.constants["MEMORY_kWh_per_GBh"],
                   "host_embodied_kg": round(host_kg, 2), "lifespan_hours": lifespan,
                   "embodied_kg_per_hour": round(emb, 8), "machine_source": m.source}
        if gpu_name:
            factors |= {"gpus": m.gpus, "gpu": gpu_name, "gpu_watts": self.ref.constants["gpu_watts"][gpu_name]}
        elif m.gpus:
            factors |= {"gpus": m.gpus, "gpu": gpu_model, "gpu_watts": None, "note": "GPU not in the CCF table: "
                        "its power is not counted"}
            confidence = "low"
        return Factors("ccf-compute", confidence, "compute", kwh_fixed=mem_kwh_h,
                       kwh_idle=m.vcpu * min_w / 1000 + gpu_min, kwh_span=m.vcpu * (max_w - min_w) / 1000 + gpu_span,
                       embodied_kg=emb, instance_type=m.name, factors=factors)

    # --- storage ----------------------------------------------------------------------------------------
    def _storage(self, p: Profile) -> Factors | None:
        unit, text = _norm_unit(p.unit), p.text()
        if unit in _STORAGE_HOURS:
            tb_per_unit, conversion = 1 / 1000, "GB-hours / 1000"
        elif unit in _STORAGE_MONTHS:
            tb_per_unit, conversion = HOURS_A_MONTH / 1000, "GB-months x 730 h / 1000"
        else:
            size = re.search(r"\b[PES](\d+)\b", p.sku or "") or re.search(r"\b[PES](\d+)\b", p.description or "")
            gib = AZURE_DISK_GIB.get(int(size[1])) if size else None
            if gib is None:
                return None
            per = 1.0 if unit in _HOURS else HOURS_A_MONTH
            tb_per_unit = gib * 1.073741824 / 1000 * per
            conversion = f"managed disk {size[0] if size else ''} = {gib} GiB x {'1 h' if per == 1 else '730 h'}"
        ssd = bool(_SSD.search(text)) or (not _HDD.search(text) and bool(re.search(r"block|volume|disk", text, re.I)))
        wh = float(self.constants["SSD_Wh_per_TBh" if ssd else "HDD_Wh_per_TBh"])
        replication, rep_source = self._replication(p, text)
        kwh = model.storage_kwh(tb_per_unit, wh, replication)
        return Factors("ccf-storage", "medium", "storage", kwh_fixed=kwh, factors={
            "storage": "SSD" if ssd else "HDD", "wh_per_tb_hour": wh, "tb_hours_per_unit": tb_per_unit,
            "conversion": conversion, "replication": replication, "replication_source": rep_source})

    def _replication(self, p: Profile, text: str) -> tuple[float, str]:
        provider = p.provider or ""
        low = text.lower()
        if provider in HYPERSCALERS:
            table = self.ref.constants[provider]["REPLICATION_FACTORS"]
            key = "DEFAULT"
            if provider == "aws":
                key = ("S3" if re.search(r"\bs3\b|simple storage", low) else "EC2_EBS_SNAPSHOT" if "snapshot" in low
                       else "EFS" if "elastic file" in low else "RDS_MULTI_AZ" if "multi-az" in low
                       else "EC2_EBS_VOLUME" if re.search(r"ebs|volume|gp2|gp3|io1|io2|st1|sc1|magnetic", low)
                       else "DEFAULT")
            elif provider == "azure":
                key = ("STORAGE_GRS" if "grs" in low else "STORAGE_ZRS" if "zrs" in low
                       else "STORAGE_DISKS" if "disk" in low else "STORAGE_LRS" if "lrs" in low else "DEFAULT")
            elif provider == "gcp":
                key = "CLOUD_STORAGE_SINGLE_REGION" if "storage" in low and "disk" not in low else "DEFAULT"
            return float(table.get(key, table["DEFAULT"])), f"CCF {provider} REPLICATION_FACTORS.{key}"
        info = self.ref.provider(provider, p.region)
        return float(info.replication or 1.0), info.replication_source

    # --- network, serverless ----------------------------------------------------------------------------
    def _network(self, p: Profile) -> Factors:
        coefficient = float(self.constants["NETWORKING_kWh_per_GB"])
        inter = bool(_INTER_REGION.search(p.text()))
        return Factors("ccf-network", "medium" if inter else "low", "network", kwh_fixed=coefficient, factors={
            "kwh_per_gb": coefficient, "scope": "inter-region" if inter else
            "internet egress or CDN (CCF counts only transfer between regions; same coefficient applied)"})

    def _serverless(self, p: Profile) -> Factors:
        provider = p.provider or ""
        basis = f"ccf-{provider}" if provider in HYPERSCALERS else "ccf-aws"
        min_w, max_w, _, _ = self.ref.watts_for(basis, [UNKNOWN])
        gb_h = 1 / 3600
        vcpu_h = gb_h / LAMBDA_GB_PER_VCPU
        mem = gb_h * float(self.constants["MEMORY_kWh_per_GBh"])
        return Factors("ccf-serverless", "low", "serverless", kwh_fixed=mem, kwh_idle=vcpu_h * min_w / 1000,
                       kwh_span=vcpu_h * (max_w - min_w) / 1000, factors={
                           "vcpu_per_gb": round(1 / LAMBDA_GB_PER_VCPU, 6),
                           "vcpu_basis": "AWS Lambda: 1 vCPU at 1,769 MB of memory (applied to other providers)",
                           "min_watts_per_vcpu": min_w, "max_watts_per_vcpu": max_w,
                           "memory_kwh_per_gb_hour": self.constants["MEMORY_kWh_per_GBh"]})


# --- annotation of aggregated usage ---------------------------------------------------------------------

@dataclass
class Component:
    """The estimate of one profile within one output line, with everything it was computed from."""

    profile: Profile
    f: Factors
    quantity: float = 0.0
    cost_eur: float = 0.0
    kwh: float = 0.0
    operational: float = 0.0
    market: float = 0.0
    embodied: float = 0.0
    facility_kwh: float = 0.0  # kWh x PUE: the energy the data centre drew
    rows: int = 0
    utilisation: list[tuple[float, float]] = field(default_factory=list)  # (quantity, u) of measured parts

    @property
    def kgco2e(self) -> float:
        return self.operational + self.embodied


@dataclass
class Line:
    key: str | None
    components: dict[tuple[Any, ...], Component] = field(default_factory=dict)  # by the profile's fields

    def total(self, attr: str) -> float:
        return sum(getattr(c, attr) for c in self.components.values())

    @property
    def kgco2e(self) -> float:
        return self.total("operational") + self.total("embodied")

    def confidence(self) -> str:
        """high when >= 80 % of the kgCO2e comes from high-confidence estimates, low when >= 50 % comes from
        low ones (or nothing was estimated), medium otherwise."""
        total = self.kgco2e
        if total <= 0:
            return "none" if all(c.f.method == "not-estimated" for c in self.components.values()) else "low"
        share = {c: 0.0 for c in CONFIDENCE_ORDER}
        for comp in self.components.values():
            share[comp.f.confidence] += comp.kgco2e / total
        if share["high"] >= 0.8:
            return "high"
        if share["low"] + share["none"] >= 0.5:
            return "low"
        return "medium"


ToEur = Callable[[float, str, str], float]  # (amount, currency, month) -> EUR


def annotate(rows: Iterable[Mapping[str, Any]], estimator: Estimator, to_eur: ToEur) -> list[Line]:
    """Lines per ``key`` from engine sums with columns provider, service, category, region, resource_type,
    sku, description, unit, key, month, currency, utilisation (or None), quantity, cost, rows."""
    lines: dict[Any, Line] = {}
    # The spend-based ratio is that of the same provider and month, so a month's figure does not depend on
    # the range queried (a report of one month and the KPI over the whole history agree).
    pending: list[tuple[Component, str, str, float]] = []  # spend-based: (component, provider, month, EUR)
    known: dict[tuple[str, str], list[float]] = {}  # (provider, month) -> [kWh, EUR] estimated from quantities
    profiles: dict[tuple[Any, ...], tuple[Profile, Factors]] = {}  # plain tuples hash fast; a fleet repeats them
    for r in rows:
        t = (r["provider"], r["service"], r["category"], r["region"], r["resource_type"], r["sku"], r["description"],
             r["unit"])
        pf = profiles.get(t)
        if pf is None:
            prof = Profile(*t)
            pf = profiles[t] = (prof, estimator.factors(prof))
        p, f = pf
        line = lines.get(r["key"])
        if line is None:
            line = lines[r["key"]] = Line(r["key"])
        comp = line.components.get(t)
        if comp is None:
            comp = line.components[t] = Component(p, f)
        qty = float(r["quantity"] or 0.0)
        eur = to_eur(float(r["cost"] or 0.0), str(r["currency"] or "EUR"), str(r["month"]))
        comp.quantity += qty
        comp.cost_eur += eur
        comp.rows += int(r["rows"])
        if f.kind == "spend":
            pending.append((comp, p.provider or "", str(r["month"]), eur))
            continue
        u = r.get("utilisation")
        kwh = f.kwh(qty, u)
        if u is not None and f.kind == "compute":
            comp.utilisation.append((qty, float(u)))
        _add(comp, kwh, qty * f.embodied_kg)
        if eur > 0:
            k = known.setdefault((p.provider or "", str(r["month"])), [0.0, 0.0])
            k[0] += kwh
            k[1] += eur
    everyone: dict[str, list[float]] = {}  # month -> [kWh, EUR] of every provider
    for (_, month), (kwh, eur) in known.items():
        e = everyone.setdefault(month, [0.0, 0.0])
        e[0] += kwh
        e[1] += eur
    by_month: dict[int, dict[str, tuple[float | None, str]]] = {}  # id(component) -> month -> (ratio, basis)
    comps: dict[int, Component] = {}
    for comp, provider, month, eur in pending:
        kwh_eur, basis = _ratio(known.get((provider, month)), provider, everyone.get(month, [0.0, 0.0]))
        comps[id(comp)] = comp
        by_month.setdefault(id(comp), {})[month] = (kwh_eur, basis)
        if kwh_eur is not None:
            _add(comp, max(eur, 0.0) * kwh_eur, 0.0)
    for key, months in by_month.items():
        comp = comps[key]
        estimated = {m: r for m, r in months.items() if r[0] is not None}
        if not estimated:
            comp.f = _not_estimated(comp.f)
            continue
        # a copy: the profile's factors are shared by the lines of every key
        factors = dict(comp.f.factors)
        if len(months) == 1:
            ((ratio, basis),) = estimated.values()
            factors |= {"kwh_per_eur": round(ratio or 0.0, 6), "kwh_per_eur_basis": basis}
        else:
            factors |= {"kwh_per_eur": round(comp.kwh / comp.cost_eur, 6) if comp.cost_eur > 0 else None,
                        "kwh_per_eur_basis": "the ratio of each month, of the same provider's usage estimated from "
                                             "quantities (else all providers')",
                        "kwh_per_eur_by_month": {m: round(r[0] or 0.0, 6) for m, r in sorted(estimated.items())}}
            if len(estimated) < len(months):
                factors["months_not_estimated"] = sorted(set(months) - set(estimated))
        comp.f = dataclasses.replace(comp.f, factors=factors)
    return list(lines.values())


def _add(comp: Component, kwh: float, embodied: float) -> None:
    op = comp.f.operational(kwh)
    comp.kwh += kwh
    comp.facility_kwh += kwh * (comp.f.pue.value if comp.f.pue else 1.0)
    comp.operational += op
    comp.market += model.market_kg(op, comp.f.renewable_share)
    comp.embodied += embodied


def _ratio(own: list[float] | None, provider: str, everyone: list[float]) -> tuple[float | None, str]:
    if own and own[1] > 0:
        return own[0] / own[1], f"{own[0]:.1f} kWh / {own[1]:.2f} EUR of {provider} usage estimated from quantities"
    if everyone[1] > 0:
        return everyone[0] / everyone[1], (f"{everyone[0]:.1f} kWh / {everyone[1]:.2f} EUR of all usage estimated "
                                           f"from quantities (none for {provider})")
    return None, ""


def _not_estimated(f: Factors) -> Factors:
    return Factors("not-estimated", "none", "none", pue=f.pue, grid=f.grid, factors={
        "reason": "no usage of the period could be estimated from quantities, so no kWh per euro either"})
