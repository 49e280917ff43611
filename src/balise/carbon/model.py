"""The Cloud Carbon Footprint formulas (https://www.cloudcarbonfootprint.org/docs/methodology), as functions.

Pure arithmetic: no file, no data, no I/O. ``balise.carbon.estimate`` chooses the coefficients.

- compute kWh   = vCPU-hours x (min_w + u x (max_w - min_w)) / 1000            (u: average CPU, default 0.5)
- memory kWh    = extra GB-hours x 0.000392, where a machine's extra GB are those of its host beyond what the
                  CPU coefficients include (GB per chip x chips), in the machine's share of the host memory
- GPU kWh       = GPU-hours x (min_w + u x (max_w - min_w)) / 1000
- storage kWh   = TB-hours x (SSD 1.2 | HDD 0.65) Wh / 1000 x replication factor
- network kWh   = GB x 0.001
- operational   = kWh x PUE x grid factor (g/kWh) / 1000 -> kgCO2e
- embodied      = host kgCO2e x hours / lifespan hours x machine vCPU / host vCPU
"""

from __future__ import annotations

import math

HOURS_A_YEAR = 8760.0
CHIP_VCPU = 96  # CCF: one physical chip has at most 96 vCPUs (number of chips = ceil(host vCPU / 96))


def compute_kwh(vcpu_hours: float, min_w: float, max_w: float, utilisation: float) -> float:
    """Energy of vCPU-hours at an average CPU utilisation (0..1), per vCPU watts of the micro-architecture."""
    return vcpu_hours * (min_w + utilisation * (max_w - min_w)) / 1000.0


def chips(host_vcpu: float) -> int:
    return max(1, math.ceil(host_vcpu / CHIP_VCPU))


def memory_gb_hours(hours: float, memory_gb: float, host_vcpu: float, host_memory_gb: float,
                    gb_per_chip: float) -> float:
    """GB-hours of memory beyond what the CPU coefficients include (CCF ``calculateGigabyteHours``): the
    host's memory per chip above the micro-architecture's GB per chip, in the machine's share of the host
    memory. 0 when the host has no extra memory."""
    if memory_gb <= 0 or host_memory_gb <= 0:
        return 0.0
    per_chip = host_memory_gb / chips(host_vcpu)
    extra = per_chip - gb_per_chip
    if extra <= 0:
        return 0.0
    return extra / (host_memory_gb / memory_gb) * hours


def memory_kwh(gb_hours: float, kwh_per_gb_hour: float) -> float:
    return gb_hours * kwh_per_gb_hour


def storage_kwh(tb_hours: float, wh_per_tb_hour: float, replication: float) -> float:
    return tb_hours * wh_per_tb_hour / 1000.0 * replication


def network_kwh(gb: float, kwh_per_gb: float) -> float:
    return gb * kwh_per_gb


def operational_kg(kwh: float, pue: float, g_per_kwh: float) -> float:
    """kgCO2e of the energy drawn, through the data centre's PUE, at a grid factor in gCO2e/kWh."""
    return kwh * pue * g_per_kwh / 1000.0


def embodied_kg(host_kg: float, hours: float, vcpu: float, host_vcpu: float, lifespan_hours: float) -> float:
    """The machine's share of its host's manufacturing emissions, amortised over the host's life."""
    if host_vcpu <= 0 or lifespan_hours <= 0:
        return 0.0
    return host_kg * hours / lifespan_hours * min(vcpu / host_vcpu, 1.0)


def market_kg(location_kg: float, renewable_share: float) -> float:
    """Market-based operational kgCO2e: the share covered by renewable contracts counts 0 g/kWh, the rest
    stays at the location-based factor (no residual mix is applied: see docs/carbon.md)."""
    return location_kg * (1.0 - min(max(renewable_share, 0.0), 1.0))
