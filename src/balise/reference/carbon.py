"""Carbon reference data: Cloud Carbon Footprint coefficients, grid factors, PUE and machine specs.

Shipped in ``balise/reference/data/carbon`` (``SOURCES.yaml`` says where each file comes from, with commit and
date). Everything here is a fact with its source; the formulas that use them live in ``balise.carbon``.

- **Watts per vCPU** (min at idle, max at 100 %) and GB of memory per chip, per CPU micro-architecture:
  ``ccf-coefficients-{aws,azure,gcp}-use.csv`` (SPECpower, CCF coefficients repository).
- **Machines**: vCPU, memory, the platform (host) they run on and its CPU, from the CCF instance catalogues
  (``ccf-{aws,azure,gcp}-instances.csv``, newer AWS types from ``ccf-aws-instances-latest-2026.csv``), and the
  host's embodied kgCO2e (``ccf-coefficients-*-embodied.csv``, Green Software Foundation method).
  European providers' instance types come from the offer catalog (``balise.reference.offers``), their CPU
  micro-architecture from ``eu-families.csv`` when known, otherwise "unknown" (CCF: the average of all
  micro-architectures).
- **Grid factors**: per cloud region from the CCF app constants (``ccf-app-grid-emissions-factors.csv``), per
  country from CodeCarbon's copy of Our World in Data / Ember (``codecarbon-global-energy-mix.json``, 2023);
  region -> country from ``regions.csv``.
- **PUE** per provider (and region) with its source, or an explicit default (``providers-carbon.csv``).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

FOLDER = ("data", "carbon")
HYPERSCALERS = ("aws", "azure", "gcp")
CCF_APP = "Cloud Carbon Footprint app (cloud-carbon-footprint/cloud-carbon-footprint, commit b7a049c, 2024-03-25)"
CCF_COEFFICIENTS = "CCF coefficients (cloud-carbon-footprint/ccf-coefficients, commit b0032d9, 2026-04-24)"
OWID = "CodeCarbon global_energy_mix.json (mlco2/codecarbon b05965e; Our World in Data / Ember, CC BY 4.0)"
UNKNOWN = "unknown"


def _text(name: str) -> str:
    return resources.files("balise.reference").joinpath(*FOLDER, name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(name), newline="")))


def _num(value: str | None) -> float | None:
    """A number of the CCF files (some AWS columns use a decimal comma); None when empty or N/A."""
    if value is None:
        return None
    text = value.strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Watts:
    """Power of one vCPU of a micro-architecture: ``min_w`` idle, ``max_w`` at 100 %; ``gb_per_chip``."""

    architecture: str
    min_w: float
    max_w: float
    gb_per_chip: float
    source: str


@dataclass(frozen=True, slots=True)
class Machine:
    """An instance type and the host it runs on (CCF: the largest type of its family stands for the host)."""

    provider: str
    name: str
    vcpu: float
    memory_gb: float
    platform_vcpu: float
    platform_memory_gb: float
    architectures: tuple[str, ...]  # CPU micro-architectures it may run on ("unknown" when not known)
    embodied_kg: float | None  # the host's embodied kgCO2e (None: not in the CCF files)
    gpus: int = 0
    gpu_model: str | None = None
    cpu: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class GridFactor:
    g_per_kwh: float
    year: str
    source: str
    scope: str  # region | country | override
    zone: str  # the region or country it is the factor of


@dataclass(frozen=True, slots=True)
class Pue:
    value: float
    year: str
    source: str
    default: bool  # a documented default, not a figure of this provider


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    pue: Pue
    watts_basis: str  # which CCF use-coefficients file gives its per-architecture watts
    replication: float | None  # storage replication of European providers (None: per service, CCF)
    replication_source: str


_INTEL = ((r"graviton\s*4|graviton4", "Graviton4"), (r"graviton\s*3e|graviton3e", "Graviton3E"),
          (r"graviton\s*3|graviton3", "Graviton3"), (r"graviton", "Graviton2"),
          (r"granite rapids", "Granite Rapids"), (r"emerald rapids|platinum 85\d\d", "Emerald Rapids"),
          (r"sapphire rapids|platinum 84\d\d", "Sapphire Rapids"), (r"ice lake|platinum 83\d\d", "Ice Lake"),
          (r"cascade lake|platinum 82\d\d|gold 62\d\d", "Cascade Lake"),
          (r"skylake|platinum 81\d\d|p-8175", "Skylake"), (r"broadwell|v4\b", "Broadwell"),
          (r"haswell|v3\b", "Haswell"), (r"ivy bridge|v2\b", "Ivy Bridge"), (r"coffee lake|i7-8700", "Coffee Lake"),
          (r"e5-26\d\d\b", "Sandy Bridge"),
          (r"epyc\s*9\w\w5", "EPYC 5th Gen"), (r"epyc\s*9\w\w4", "EPYC 4th Gen"), (r"epyc\s*7\w\w3", "EPYC 3rd Gen"),
          (r"epyc\s*7\w\w2", "EPYC 2nd Gen"), (r"epyc\s*7\w\w1", "EPYC 1st Gen"))


def architecture_of(cpu: str | None) -> str:
    """The micro-architecture of a CPU name as the CCF files spell it (``Xeon Platinum 8175M`` -> Skylake,
    ``EPYC 7R13`` -> EPYC 3rd Gen, ``AWS Graviton2 Processor`` -> Graviton2); "unknown" when not recognised."""
    text = (cpu or "").lower()
    for pattern, arch in _INTEL:
        if re.search(pattern, text):
            return arch
    return UNKNOWN


def _arch_name(value: str) -> str:
    v = value.strip()
    if not v or v.lower() == UNKNOWN:
        return UNKNOWN
    return {"AMD EPYC 3rd Gen (Azure)": "EPYC 3rd Gen"}.get(v, v.removeprefix("AMD "))


@dataclass
class CarbonReference:
    watts: dict[str, dict[str, Watts]]  # basis (ccf-aws…) -> architecture -> watts
    machines: dict[tuple[str, str], Machine]
    region_grid: dict[tuple[str, str], GridFactor]
    country_grid: dict[str, GridFactor]  # ISO 3166 alpha-2
    region_country: dict[tuple[str, str], str]
    providers: dict[tuple[str, str], ProviderInfo]  # (provider, region or "") -> info
    constants: dict[str, Any]
    families: dict[tuple[str, str], tuple[str, str, str]]  # (provider, FAMILY) -> (cpu, architecture, basis)
    region_eea: dict[tuple[str, str], bool] = field(default_factory=dict)  # regions.csv in_eea
    generic_host: dict[str, tuple[float, float, float, str]] = field(default_factory=dict)
    reference_hosts: dict[str, tuple[float, float, float, str]] = field(default_factory=dict)

    # --- lookups ----------------------------------------------------------------------------------------
    def machine(self, provider: str, name: str) -> Machine | None:
        key = name.strip().lower().removeprefix("standard_").replace("_", " ")
        return self.machines.get((provider, key))

    def provider(self, provider: str, region: str | None = None) -> ProviderInfo:
        region_key = canonical_region(provider, region or "") if region else ""
        return (self.providers.get((provider, region_key)) or self.providers.get((provider, ""))
                or self.providers[("*", "")])

    def watts_for(self, basis: str, architectures: Iterable[str]) -> tuple[float, float, float, list[str]]:
        """(min_w, max_w, gb_per_chip, architectures used): the mean over the architectures a machine may run
        on; for an unknown one, the mean of every architecture of the file (CCF's rule)."""
        table = self.watts.get(basis) or self.watts["ccf-aws"]
        known = [table[a] for a in architectures if a in table]
        if not known:
            c = self.constants[basis.removeprefix("ccf-")]
            lo = c.get("MIN_WATTS_AVG", c.get("MIN_WATTS_MEDIAN"))
            hi = c.get("MAX_WATTS_AVG", c.get("MAX_WATTS_MEDIAN"))
            gb = c.get("MEMORY_AVG_GB_per_chip", self.constants["aws"]["MEMORY_AVG_GB_per_chip"])
            return float(lo), float(hi), float(gb), [UNKNOWN]
        names = sorted({w.architecture for w in known})
        return (statistics.fmean(w.min_w for w in known), statistics.fmean(w.max_w for w in known),
                statistics.fmean(w.gb_per_chip for w in known), names)

    def country(self, provider: str, region: str | None) -> str | None:
        if not region:
            return None
        return self.region_country.get((provider, canonical_region(provider, region)))

    def grid(self, provider: str, region: str | None) -> GridFactor | None:
        """The shipped location-based factor: the CCF region factor (hyperscalers), else the country's."""
        if region:
            hit = self.region_grid.get((provider, region.lower()))
            if hit is not None:
                return hit
        iso = self.country(provider, region)
        return self.country_grid.get(iso) if iso else None

    def family(self, provider: str, name: str) -> tuple[str, str, str] | None:
        head = re.split(r"[-.]", name.strip())[0].upper()
        return self.families.get((provider, head))


def canonical_region(provider: str, region: str) -> str:
    """A region as regions.csv spells it: OVHcloud ``eu-west-gra`` or ``GRA11`` -> ``gra``; Scaleway zone
    ``fr-par-1`` -> ``fr-par``; others lowercased."""
    r = region.strip().lower()
    if provider == "ovhcloud":
        known = {"eu-west-par", "eu-south-mil", "ca-east-tor", "ap-south-mum"}
        if r in known:
            return r
        return re.sub(r"\d+$", "", r.rsplit("-", 1)[-1])
    if provider == "scaleway":
        return re.sub(r"-\d+$", "", r)
    return r


_ISO3 = {"FR": "FRA", "DE": "DEU", "GB": "GBR", "PL": "POL", "IT": "ITA", "CA": "CAN", "SG": "SGP", "AU": "AUS",
         "IN": "IND", "NL": "NLD", "US": "USA", "JP": "JPN", "FI": "FIN", "CH": "CHE", "ES": "ESP", "AT": "AUT",
         "BG": "BGR", "IE": "IRL", "SE": "SWE", "BE": "BEL", "NO": "NOR", "BR": "BRA", "ZA": "ZAF", "KR": "KOR",
         "HK": "HKG", "DK": "DNK", "PT": "PRT", "CZ": "CZE", "LU": "LUX", "BH": "BHR", "AE": "ARE", "IL": "ISR",
         "CN": "CHN", "ID": "IDN", "MX": "MEX", "CL": "CHL", "TW": "TWN", "QA": "QAT", "SA": "SAU", "NZ": "NZL"}


def _watts() -> dict[str, dict[str, Watts]]:
    out: dict[str, dict[str, Watts]] = {}
    for p in HYPERSCALERS:
        name = f"ccf-coefficients-{p}-use.csv"
        table = {}
        for r in _csv(name):
            arch = _arch_name(r["Architecture"])
            table[arch] = Watts(arch, float(r["Min Watts"]), float(r["Max Watts"]), float(r["GB/Chip"]),
                                f"{CCF_COEFFICIENTS} output/coefficients-{p}-use.csv")
        out[f"ccf-{p}"] = table
    return out


def _embodied(provider: str) -> dict[str, float]:
    out: dict[str, list[float]] = {}
    for r in _csv(f"ccf-coefficients-{provider}-embodied.csv"):
        out.setdefault(r["type"].strip().lower(), []).append(float(r["total"]))
    return {k: statistics.fmean(v) for k, v in out.items()}


def _machines() -> dict[tuple[str, str], Machine]:
    machines: dict[tuple[str, str], Machine] = {}
    emb = _embodied("aws")
    src = f"{CCF_COEFFICIENTS} data/aws-instances.csv + output/coefficients-aws-embodied.csv"
    for r in _csv("ccf-aws-instances.csv"):
        name = r["Instance type"].strip()
        vcpu, pv = _num(r["Instance vCPU"]), _num(r["Platform Total Number of vCPU"])
        mem, pm = _num(r["Instance Memory (in GB)"]), _num(r["Platform Memory (in GB)"])
        if not vcpu or not pv:
            continue
        gpus = int(_num(r["Instance Number of GPU"]) or 0)
        machines[("aws", name.lower())] = Machine(
            "aws", name, vcpu, mem or 0.0, pv, pm or 0.0, (architecture_of(r["Platform CPU Name"]),),
            emb.get(name.lower()), gpus, (r["Platform GPU Name"] or "").strip() or None,
            r["Platform CPU Name"].strip(), src)
    # Newer AWS types: the 2026 list gives vCPU, memory, CPU and the platform's embodied tCO2e; the host's
    # vCPU and memory are those of the family's largest type (CCF's rule for the host of a family).
    latest = _csv("ccf-aws-instances-latest-2026.csv")
    family_max: dict[str, tuple[float, float]] = {}
    for r in latest:
        fam = r["Instance Type"].split(".")[0].lower()
        v, m = _num(r["vCPUs"]) or 0.0, _num(r["Memory (GiB)"]) or 0.0
        a, b = family_max.get(fam, (0.0, 0.0))
        family_max[fam] = (max(a, v), max(b, m))
    src = f"{CCF_COEFFICIENTS} data/aws-instances-latest-2026.csv (host = largest type of the family)"
    for r in latest:
        name = r["Instance Type"].strip()
        if ("aws", name.lower()) in machines or not _num(r["vCPUs"]):
            continue
        pv, pm = family_max[name.split(".")[0].lower()]
        t = _num(r["Platform Embedded Emissions (mtCo2eq)"])
        machines[("aws", name.lower())] = Machine(
            "aws", name, _num(r["vCPUs"]) or 0.0, _num(r["Memory (GiB)"]) or 0.0, pv, pm,
            (architecture_of(r["Platform CPU Name"]),), None if t is None else t * 1000, 0, None,
            r["Platform CPU Name"].strip(), src)
    for provider, type_col in (("azure", "Virtual Machine"), ("gcp", "Machine type")):
        emb = _embodied(provider)
        src = (f"{CCF_COEFFICIENTS} data/{provider}-instances.csv + output/coefficients-{provider}-embodied.csv")
        archs: dict[str, list[str]] = {}
        rows: dict[str, dict[str, str]] = {}
        for r in _csv(f"ccf-{provider}-instances.csv"):
            name = r[type_col].strip()
            archs.setdefault(name.lower(), []).append(_arch_name(r["Microarchitecture"]))
            rows.setdefault(name.lower(), r)
        for key, r in rows.items():
            vcpu, pv = _num(r["Instance vCPUs"]), _num(r["Platform vCPUs (highest vCPU possible)"])
            if not vcpu or not pv:
                continue
            machines[(provider, key)] = Machine(
                provider, r[type_col].strip(), vcpu, _num(r["Instance Memory"]) or 0.0, pv,
                _num(r["Platform Memory"]) or 0.0, tuple(sorted(set(archs[key]))), emb.get(key),
                int(_num(r["Instance GPUs"]) or 0), _gpu_name(r.get("Platform GPU")), None, src)
    return machines


def _gpu_name(value: str | None) -> str | None:
    v = (value or "").strip()
    return None if not v or v.upper() == "N/A" or _num(v) is not None else v


def _region_grid() -> dict[tuple[str, str], GridFactor]:
    out: dict[tuple[str, str], GridFactor] = {}
    for r in _csv("ccf-app-grid-emissions-factors.csv"):
        provider, variant = r["provider"].strip(), r["variant"].strip()
        if variant.startswith("cfe-adjusted"):
            continue  # location-based only: GCP's carbon-free-energy adjusted variant is market-like
        note = r["note"].strip()
        if note.lower().startswith("sum of"):
            continue  # GCP dual/multi-region sums (see SOURCES): not a factor
        out[(provider, r["region"].strip().lower())] = GridFactor(
            float(r["gCO2e_per_kWh"]), "2024", f"{CCF_APP}: {r['ccf_source_file'].strip()}"
            + (f" ({note})" if note else ""), "region", r["region"].strip())
    return out


def _country_grid() -> dict[str, GridFactor]:
    mix = json.loads(_text("codecarbon-global-energy-mix.json"))
    out = {}
    for iso2, iso3 in _ISO3.items():
        c = mix.get(iso3)
        if c and c.get("carbon_intensity") is not None:
            out[iso2] = GridFactor(float(c["carbon_intensity"]), str(c.get("year", "")),
                                   f"{OWID}: {c.get('country_name', iso3)}", "country", iso2)
    return out


def _region_country() -> dict[tuple[str, str], str]:
    out = {}
    for r in _csv("regions.csv"):
        provider = r["provider"].strip()
        out[(provider, canonical_region(provider, r["region"]))] = r["country"].strip().upper()
    return out


def _region_eea() -> dict[tuple[str, str], bool]:
    return {(r["provider"].strip(), canonical_region(r["provider"].strip(), r["region"])):
            r["in_eea"].strip().lower() == "yes" for r in _csv("regions.csv")}


def _providers() -> dict[tuple[str, str], ProviderInfo]:
    out = {}
    for r in _csv("providers-carbon.csv"):
        pue = Pue(float(r["pue"]), r["pue_year"].strip(), r["pue_source"].strip(),
                  r["pue_default"].strip().lower() == "true")
        rep = _num(r["storage_replication"])
        out[(r["provider"].strip(), r["region"].strip().lower())] = ProviderInfo(
            pue, r["watts_basis"].strip(), rep, r["replication_source"].strip())
    return out


def _families() -> dict[tuple[str, str], tuple[str, str, str]]:
    return {(r["provider"].strip(), r["family"].strip().upper()): (r["cpu"].strip(), r["microarchitecture"].strip(),
                                                                    r["basis"].strip())
            for r in _csv("eu-families.csv")}


def _hosts(machines: dict[tuple[str, str], Machine]) -> tuple[dict[str, tuple[float, float, float, str]],
                                                              dict[str, tuple[float, float, float, str]]]:
    """Hosts for machines the CCF files do not list (European providers): per micro-architecture, the most
    common AWS host of that architecture in the CCF files (vCPU, memory, embodied kg, which host); and per
    provider a generic host (medians of its CCF machines)."""
    by_arch: dict[str, dict[tuple[float, float, float], list[str]]] = {}
    for m in machines.values():
        if m.provider == "aws" and m.embodied_kg and m.architectures[0] != UNKNOWN and not m.gpu_model:
            key = (m.platform_vcpu, m.platform_memory_gb, round(m.embodied_kg, 2))
            by_arch.setdefault(m.architectures[0], {}).setdefault(key, []).append(m.name)
    reference = {}
    for arch, hosts in by_arch.items():
        (pv, pm, kg), names = max(hosts.items(), key=lambda kv: (len(kv[1]), kv[0]))
        reference[arch] = (pv, pm, kg, f"host of AWS {sorted(names)[0]} and {len(names) - 1} other types "
                                       f"({int(pv)} vCPU, {int(pm)} GB) in the CCF files")
    generic = {}
    for p in HYPERSCALERS:
        ms = [m for m in machines.values() if m.provider == p and m.embodied_kg and not m.gpu_model]
        if ms:
            generic[p] = (statistics.median(m.platform_vcpu for m in ms),
                          statistics.median(m.platform_memory_gb for m in ms),
                          statistics.median(m.embodied_kg or 0 for m in ms),
                          f"median host of the {len(ms)} {p} CCF machine types without GPU")
    return reference, generic


@functools.cache
def default_reference() -> CarbonReference:
    """The shipped carbon reference data, loaded once per process."""
    machines = _machines()
    reference, generic = _hosts(machines)
    constants = json.loads(_text("ccf-app-constants.json"))
    return CarbonReference(_watts(), machines, _region_grid(), _country_grid(), _region_country(), _providers(),
                           constants, _families(), _region_eea(), generic, reference)
