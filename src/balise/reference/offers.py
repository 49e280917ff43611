"""The offer catalog: compute instance types of eleven providers with vCPU, RAM, GPU and a dated EUR price.

Shipped as reference data in ``balise/reference/data`` (``SOURCES.yaml`` says where each file comes from):

- ``offers-eu-2026.csv``: 1,433 offers of AWS, Azure, GCP, OVHcloud, Scaleway, Hetzner, Infomaniak, IONOS,
  Exoscale, STACKIT and UpCloud, EUR per hour excluding VAT, **one location per provider** (not per region),
  read between 2026-05-20 and 2026-08-17 (``price_date``); ``manually_collected`` marks prices read from a
  web page rather than an API;
- ``gpu-ovhcloud-2023.csv``, ``gpu-scaleway-2023.csv``: GPU instance types from a late-2023 snapshot
  (``price_date`` "2023"), used only for types the 2026 file does not list.

A month is 730 hours, as in the catalog. Prices are a dated snapshot, never "the current price": whoever shows
one shows its ``price_date`` and ``location`` with it.

**Matching a billed resource to an offer** (:meth:`Catalog.resolve`): the words of the resource's SKU,
description, type and name are looked up, per provider, among the catalog's offer names, case-insensitively:
``m6i.xlarge`` (AWS), ``Standard_D4s_v5`` or ``D4s v5`` (Azure, the catalog omits ``Standard_``), ``b3-32``
(OVHcloud), ``PRO2-S`` (Scaleway). The longest name found wins. A word shaped like an instance type of AWS
(``m5.2xlarge``) or Azure (``D4s_v5``) that the catalog does not list is still returned, with the size of a
*sibling*: the same family and size in another generation (``m6i.2xlarge`` for ``m5.2xlarge``, ``D4s_v4`` for
``D4s_v5``), which AWS and Azure size identically. The sibling gives vCPU and RAM, never the price.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

HOURS_A_MONTH = 730.0
OFFERS_FILE = "offers-eu-2026.csv"
GPU_FILES = ("gpu-ovhcloud-2023.csv", "gpu-scaleway-2023.csv")
# Catalog categories whose vCPUs are shared or burstable: not the same class as dedicated vCPUs.
SHARED_CATEGORIES = frozenset({"burstable", "shared", "development", "tiny", "starter"})
LOCATION_NOTE = "catalog prices are for one location per provider, not per region"
ARM_NOTE = "architecture corrected to arm64: AWS's 'g' attribute is Graviton; the catalog file says x86"
_NOTES = {("hetzner", "ccx"): "Hetzner dedicated ccx* monthly prices look like older list prices: check before use"}


@dataclass(frozen=True, slots=True)
class Offer:
    provider: str  # x_Provider key: aws, azure, gcp, ovhcloud, scaleway, hetzner…
    name: str  # instance type as the provider spells it (Azure without "Standard_")
    vcpu: float  # a few shared offers have a fraction of a vCPU (0.25)
    ram_gb: float
    gpu_count: int
    gpu_model: str | None
    architecture: str  # x86 | arm64
    price_eur_hour: float
    price_eur_month: float  # 730 h
    location: str  # the one location the price was read for
    price_date: str  # ISO date, or "2023" for the late-2023 GPU snapshot
    manually_collected: bool
    category: str | None = None  # general, compute, memory, burstable, shared, gpu…
    source: str = OFFERS_FILE
    note: str | None = None  # a known quality flag of this price

    @property
    def gpu_class(self) -> str | None:
        return gpu_class(self.gpu_model)

    @property
    def shared_cpu(self) -> bool:
        return (self.category or "") in SHARED_CATEGORIES

    def describe(self) -> dict[str, object]:
        """The offer as evidence: what it is, its price and where and when the price was read."""
        return dict(_description(self))

    def _describe(self) -> dict[str, object]:
        return {"provider": self.provider, "offer": self.name, "vcpu": self.vcpu, "ram_gb": self.ram_gb,
                "gpu_count": self.gpu_count, "gpu_model": self.gpu_model, "architecture": self.architecture,
                "category": self.category, "price_eur_hour": self.price_eur_hour,
                "price_eur_month": self.price_eur_month, "price_location": self.location,
                "price_date": self.price_date, "manually_collected": self.manually_collected,
                "source": self.source, **({"note": self.note} if self.note else {})}


@functools.lru_cache(maxsize=4096)
def _description(offer: Offer) -> dict[str, object]:  # evidence of many findings names the same offers
    return offer._describe()


_VENDOR = re.compile(r"\b(nvidia|tesla|geforce|amd|intel)\b", re.I)
_GPU_MEMORY = re.compile(r"[-\s]?\d+\s*G(i?B)?\b", re.I)


def gpu_class(model: str | None) -> str | None:
    """The GPU family a model belongs to: "Tesla V100S 32GB" and "V100-32GB" are V100, "NVIDIA A2" is A2.
    Vendor words and memory sizes are dropped, and a trailing S (V100S, L40S) joins the base model."""
    if not model:
        return None
    words = _GPU_MEMORY.sub(" ", _VENDOR.sub(" ", model)).split()
    if not words:
        return None
    head = words[0].upper()
    if head == "RTX" and len(words) > 1:
        head = f"RTX {words[1].upper()}"
    return head[:-1] if len(head) > 2 and head.endswith("S") and head[-2].isdigit() else head


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a billed resource runs: ``name`` as found, the catalog ``offer`` (None when the catalog does not
    list it), or ``sibling``, an offer of the same family and size whose vCPU and RAM it shares."""

    name: str
    offer: Offer | None
    sibling: Offer | None = None

    @property
    def size(self) -> Offer | None:
        return self.offer or self.sibling


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")
_AWS_TYPE = re.compile(r"^(?P<family>[a-z]+)(?P<gen>\d+)(?P<attrs>[a-z\-]*)\.(?P<size>\d*x?large|nano|micro|small|"
                       r"medium|metal[\w-]*)$")
_AZURE_TYPE = re.compile(r"^(?P<family>[a-z]+)(?P<size>\d+)(?P<attrs>[a-z]*)_v(?P<gen>\d+)$", re.I)


def _words(texts: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        words = [w.rstrip(".-_") for w in _WORD.findall(text)]
        out.extend(words)
        out.extend(f"{a}_{b}" for a, b in itertools.pairwise(words)
                   if re.fullmatch(r"v\d+", b, re.I))  # Azure "D4s v5" -> D4s_v5
    return out


class Catalog:
    def __init__(self, offers: Iterable[Offer]) -> None:
        self.offers: tuple[Offer, ...] = tuple(offers)
        self._by_name: dict[tuple[str, str], Offer] = {}
        self._by_provider: dict[str, list[Offer]] = {}
        for o in sorted(self.offers, key=_price_order):
            self._by_name.setdefault((o.provider, o.name.lower()), o)
            self._by_provider.setdefault(o.provider, []).append(o)
        self._sorted = sorted(self.offers, key=_price_order)
        self._resolved: dict[tuple[str | None, tuple[str | None, ...]], Resolved | None] = {}

    def __len__(self) -> int:
        return len(self.offers)

    def providers(self) -> list[str]:
        return sorted(self._by_provider)

    def find(self, provider: str, name: str) -> Offer | None:
        """The offer ``name`` of ``provider`` (case-insensitive; Azure's "Standard_" prefix optional)."""
        key = name.strip().lower()
        return self._by_name.get((provider, key)) or self._by_name.get((provider, key.removeprefix("standard_")))

    def resolve(self, provider: str | None, *texts: str | None) -> Resolved | None:
        """The instance type named in ``texts`` (SKU, description, type…), see the module docstring.
        Remembered per (provider, texts): a fleet repeats the same few SKUs and descriptions."""
        key = (provider, texts)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(provider, *texts)
        return self._resolved[key]

    def _resolve(self, provider: str | None, *texts: str | None) -> Resolved | None:
        if not provider:
            return None
        words = _words(texts)
        hits = [o for o in (self.find(provider, w) for w in words) if o is not None]
        if hits:
            return Resolved(max(hits, key=lambda o: len(o.name)).name, max(hits, key=lambda o: len(o.name)))
        for w in words:
            sibling = self.sibling(provider, w)
            if sibling is not None:
                return Resolved(w.removeprefix("Standard_"), None, sibling)
        return None

    def sibling(self, provider: str, name: str) -> Offer | None:
        """An offer of the same family and size as ``name`` in another generation (AWS and Azure naming)."""
        if provider == "aws" and (m := _AWS_TYPE.match(name.lower())):
            arm = "g" in m["attrs"]
            pool = [(abs(int(s["gen"]) - int(m["gen"])), o.name, o) for o in self.offers if o.provider == "aws"
                    and (s := _AWS_TYPE.match(o.name.lower())) and s["family"] == m["family"]
                    and s["size"] == m["size"] and ("g" in s["attrs"]) == arm and o.gpu_count == 0]
        elif provider == "azure" and (m := _AZURE_TYPE.match(name.removeprefix("Standard_"))):
            pool = [(abs(int(s["gen"]) - int(m["gen"])), o.name, o) for o in self.offers if o.provider == "azure"
                    and (s := _AZURE_TYPE.match(o.name)) and s["family"].lower() == m["family"].lower()
                    and s["size"] == m["size"] and s["attrs"].lower() == m["attrs"].lower()]
        else:
            return None
        return min(pool, key=lambda p: (p[0], p[1]))[2] if pool else None

    def equivalents(self, vcpu: float, ram_gb: float, gpu_count: int = 0, gpu_model: str | None = None, *,
                    providers: Sequence[str] | None = None, exclude_providers: Sequence[str] = (),
                    architecture: str | None = None, shared_cpu: bool | None = None) -> list[Offer]:
        """Offers with at least ``vcpu`` vCPUs and ``ram_gb`` GB, cheapest first (then smallest, then name).

        With ``gpu_count`` > 0: at least that many GPUs of the same class as ``gpu_model`` (an offer whose GPU
        model is unknown never matches); with 0: no GPU. ``shared_cpu`` False leaves out burstable and shared
        vCPU categories, True keeps only them, None keeps both."""
        return list(self.iter_equivalents(vcpu, ram_gb, gpu_count, gpu_model, providers=providers,
                                          exclude_providers=exclude_providers, architecture=architecture,
                                          shared_cpu=shared_cpu))

    def iter_equivalents(self, vcpu: float, ram_gb: float, gpu_count: int = 0, gpu_model: str | None = None, *,
                         providers: Sequence[str] | None = None, exclude_providers: Sequence[str] = (),
                         architecture: str | None = None, shared_cpu: bool | None = None) -> Iterator[Offer]:
        """:meth:`equivalents`, lazily, cheapest first: a caller that wants the cheapest stops early."""
        want = gpu_class(gpu_model)
        if providers is None:
            pool: Iterable[Offer] = self._sorted
        elif len(providers) == 1:
            pool = self._by_provider.get(providers[0], ())
        else:
            pool = sorted((o for p in providers for o in self._by_provider.get(p, ())), key=_price_order)
        for o in pool:
            if o.provider in exclude_providers or o.vcpu < vcpu or o.ram_gb + 1e-9 < ram_gb:
                continue
            if architecture is not None and o.architecture != architecture:
                continue
            if shared_cpu is not None and o.shared_cpu != shared_cpu:
                continue
            if gpu_count == 0 and o.gpu_count != 0:
                continue
            if gpu_count > 0 and (o.gpu_count < gpu_count or want is None or o.gpu_class != want):
                continue
            yield o


def _price_order(o: Offer) -> tuple[float, float, float, str, str]:
    return (o.price_eur_month, o.vcpu, o.ram_gb, o.provider, o.name)


def _bool(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("balise.reference").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def load_offers() -> list[Offer]:
    """Every offer of the shipped catalog files (the 2026 file first; GPU snapshot rows only for new types)."""
    offers: list[Offer] = []
    for r in _read(OFFERS_FILE):
        provider, name = r["provider"].strip().lower(), r["offer"].strip()
        note = next((n for (p, prefix), n in _NOTES.items() if provider == p and name.startswith(prefix)), None)
        arch = r["architecture"].strip()
        if provider == "aws" and arch != "arm64" and (m := _AWS_TYPE.match(name.lower())) and "g" in m["attrs"]:
            arch, note = "arm64", ARM_NOTE  # AWS's "g" attribute is Graviton (m9g, c9g are listed as x86)
        offers.append(Offer(provider, name, float(r["vcpu"]), float(r["ram_gb"]), int(r["gpu_count"] or 0),
                            r["gpu_model"].strip() or None, arch, float(r["price_eur_hour"]),
                            float(r["price_eur_month"]), r["location"].strip(), r["price_date"].strip(),
                            _bool(r["manually_collected"]), r["category"].strip() or None, OFFERS_FILE, note))
    known = {(o.provider, o.name.lower()) for o in offers}
    for file in GPU_FILES:
        provider = file.split("-")[1]
        regions: dict[str, list[str]] = {}
        first: dict[str, dict[str, str]] = {}
        for r in _read(file):
            regions.setdefault(r["InstanceType"], []).append(r["Region"])
            first.setdefault(r["InstanceType"], r)
        for name, r in first.items():
            if (provider, name.lower()) in known:
                continue
            hour = float(r["Price"])
            offers.append(Offer(provider, name, int(float(r["vCPUs"])), float(r["MemoryGiB"]),
                                int(float(r["AcceleratorCount"])), r["AcceleratorName"] or None, "x86", hour,
                                round(hour * HOURS_A_MONTH, 2), ", ".join(sorted(set(regions[name]))), "2023",
                                False, "gpu", file))
    return offers


@functools.cache
def default_catalog() -> Catalog:
    """The shipped catalog, loaded once per process."""
    return Catalog(load_offers())


def find(provider: str, name: str) -> Offer | None:
    return default_catalog().find(provider, name)


def equivalents(vcpu: float, ram_gb: float, gpu_count: int = 0, gpu_model: str | None = None,
                **kwargs: object) -> list[Offer]:
    return default_catalog().equivalents(vcpu, ram_gb, gpu_count, gpu_model, **kwargs)  # type: ignore[arg-type]
