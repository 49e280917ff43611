"""CPU and memory utilisation of the demo company's VMs: one sample an hour over the demo's last 30 days.

Deterministic (the same arguments give the same bytes). Written as the CSV ``balise utilisation import`` reads
(``timestamp,resource_name,cpu_percent,memory_percent``), keyed by ResourceName. The planted scenarios:

- ``shop-web-01``…``06`` (m6i.xlarge, 4 vCPU, 16 GiB) are oversized: CPU 4–14 % (p95 ≈ 14 %), memory
  28–34 %: rightsizing proposes a 2-vCPU, 8-GiB type;
- ``batch-worker-01``…``04`` (c6i.2xlarge) are busy (CPU 82–96 %): nothing to shrink;
- the others run at plausible levels that leave no smaller type fitting their p95 with 20 % headroom; dev boxes
  and sandboxes report only while they run (weekdays 08:00–18:59 UTC);
- ``poc-migration-2024``, the forgotten VM, has no monitoring agent: no samples.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from balise.demo.catalog import ITEMS


@dataclass(frozen=True, slots=True)
class Profile:
    cpu: tuple[float, float]  # percent at the quietest and at the busiest hour
    memory: tuple[float, float]
    office: bool = False  # only weekdays 08:00-18:59 UTC (the VM is stopped otherwise)
    jitter: float = 1.5  # uniform noise, percentage points


PROFILES: dict[str, Profile] = {  # by the item's ResourceName stem
    "shop-web": Profile((4, 13), (28, 34)),
    "eks-shop-node": Profile((35, 68), (62, 72)),
    "rdv-app": Profile((12, 55), (60, 72)),
    "batch-worker": Profile((82, 94), (55, 70)),
    "data-pipeline": Profile((30, 62), (70, 80)),
    "dev": Profile((5, 35), (50, 62), office=True),
    "crm-sync-worker": Profile((10, 40), (58, 66)),
    "vm-dev": Profile((5, 30), (52, 64), office=True),
    "backoffice": Profile((25, 60), (62, 75)),
    "helpdesk": Profile((15, 45), (58, 70)),
    "api-partners": Profile((30, 65), (70, 80)),
    "sandbox": Profile((3, 25), (52, 60), office=True),
}
VM_KINDS = ("ec2", "azvm", "ovm", "svm")


def machines() -> list[tuple[str, Profile]]:
    """(ResourceName, profile) of every demo VM that reports utilisation, in catalog order."""
    out: list[tuple[str, Profile]] = []
    for it in ITEMS:
        if it.kind not in VM_KINDS or it.name not in PROFILES:
            continue
        names = [it.name] if it.count == 1 else [f"{it.name}-{i:02d}" for i in range(1, it.count + 1)]
        out.extend((n, PROFILES[it.name]) for n in names)
    return out


def _shape(hour: int) -> float:
    """0 at 03:00, 1 at 15:00 UTC."""
    return 0.5 - 0.5 * math.cos(2 * math.pi * (hour - 3) / 24)


def write_csv(path: Path, *, last_day: date = date(2026, 10, 31), days: int = 30, seed: int = 42) -> Path:
    """Write the samples of the ``days`` days ending on ``last_day`` (default: the default demo's last 30 days)."""
    first = datetime(last_day.year, last_day.month, last_day.day) - timedelta(days=days - 1)
    hours = [first + timedelta(hours=h) for h in range(days * 24)]
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "resource_name", "cpu_percent", "memory_percent"])
        for name, p in machines():
            rng = random.Random(f"{seed}:{name}")
            for ts in hours:
                if p.office and (ts.weekday() >= 5 or not 8 <= ts.hour <= 18):
                    continue
                s = _shape(ts.hour)
                cpu = p.cpu[0] + (p.cpu[1] - p.cpu[0]) * s + rng.uniform(-p.jitter, p.jitter)
                mem = p.memory[0] + (p.memory[1] - p.memory[0]) * s + rng.uniform(-p.jitter, p.jitter) / 2
                w.writerow([ts.strftime("%Y-%m-%dT%H:%M:%SZ"), name, f"{min(max(cpu, 0.0), 100.0):.2f}",
                            f"{min(max(mem, 0.0), 100.0):.2f}"])
    tmp.replace(path)
    return path
