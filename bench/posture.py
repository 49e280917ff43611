"""Posture benchmark (issue 5: `balise posture` under 1 s on the demo).

    .venv/bin/python bench/posture.py --work /tmp                  # build the demo workspace, then measure
    .venv/bin/python bench/posture.py --workspace WS               # measure an existing demo workspace

Side by side in one run, on the same workspace, cold processes, median of ``--repeat`` runs:
- reference: `balise tenants` (the cheapest command: Python start, the CLI's imports, one query) — what any
  command costs on this machine at this moment;
- `balise posture --tenant demo` (table and JSON);
- in-process, warm: ``services.posture.controls`` alone;
- `balise posture scan` of every Terraform fixture in ../shared/data/iac (195 .tf files, 13 plans), on a copy
  of the workspace, cold process, and its resources per second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IAC = ROOT.parent / "shared" / "data" / "iac"
BALISE = [sys.executable, "-m", "balise"]


def command(workspace: Path, args: list[str], repeat: int) -> tuple[float, list[float]]:
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    walls = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([*BALISE, "--workspace", str(workspace), *args], check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), walls


def in_process(workspace: Path, tenant: str, repeat: int) -> dict[str, float]:
    code = f"""
import json, statistics, time
from pathlib import Path
from balise.services.workspace import open_workspace
from balise.services import posture
ws = open_workspace(Path({str(workspace)!r}))
posture.controls(ws, {tenant!r})
runs = []
for _ in range({repeat}):
    t = time.perf_counter(); views = posture.controls(ws, {tenant!r}); runs.append(time.perf_counter() - t)
print(json.dumps({{"controls_s": statistics.median(runs), "controls": len(views)}}))
"""
    return json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, help="an existing workspace with the demo tenant")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()), help="where to build the demo")
    ap.add_argument("--tenant", default="demo")
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    ws = a.workspace
    if ws is None:
        ws = Path(tempfile.mkdtemp(prefix="bench-posture-", dir=a.work))
        subprocess.run([*BALISE, "--workspace", str(ws), "demo"], check=True, capture_output=True)
    ref, ref_runs = command(ws, ["tenants"], a.repeat)
    table, table_runs = command(ws, ["posture", "--tenant", a.tenant], a.repeat)
    as_json, _ = command(ws, ["posture", "--tenant", a.tenant, "--format", "json"], a.repeat)
    inproc = in_process(ws, a.tenant, a.repeat)
    scan = {}
    if IAC.is_dir():
        copy = Path(tempfile.mkdtemp(prefix="bench-posture-scan-", dir=a.work))
        shutil.copytree(ws, copy, dirs_exist_ok=True)
        t = time.perf_counter()
        out = subprocess.run([*BALISE, "--workspace", str(copy), "posture", "scan", str(IAC), "--tenant", a.tenant,
                              "--format", "json"], check=True, capture_output=True, text=True)
        wall = time.perf_counter() - t
        doc = json.loads(out.stdout)
        scan = {"scan_s": round(wall, 3), "files": len(doc["files"]), "resources": doc["resources"],
                "violations": sum(len(c["violations"]) for c in doc["controls"].values()),
                "resources_per_s": round(doc["resources"] / wall)}
        shutil.rmtree(copy, ignore_errors=True)
    print(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "reference_tenants_s": round(ref, 3), "reference_runs": [round(x, 3) for x in ref_runs],
        "posture_table_s": round(table, 3), "posture_table_runs": [round(x, 3) for x in table_runs],
        "posture_json_s": round(as_json, 3), "target_s": 1.0,
        "controls_in_process_s": round(inproc["controls_s"], 4), "controls": inproc["controls"], **scan,
    }, indent=2))


if __name__ == "__main__":
    main()
